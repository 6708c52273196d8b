"""The run's time origin: set once per process, every listener told once."""

from __future__ import annotations

from stairload.loadgen.runtime import Runtime


def test_a_second_start_keeps_the_first_origin_and_tells_no_one_again() -> None:
    """A distributed master's shape starts twice; its t0 stays the one its workers got."""
    state = Runtime()
    heard: list[float] = []
    state.on_start.append(heard.append)
    state.mark_started(100.0)
    state.mark_started(100.005)
    assert state.t0 == 100.0
    assert heard == [100.0]
    assert state.elapsed(now=103.5) == 3.5

"""The loop-lag probe: how late a blocked gevent loop wakes a sleeping greenlet."""

from __future__ import annotations

import time

import gevent

from stairload.loadgen.loop_lag import LoopLag, p99


def test_a_blocked_loop_shows_as_lag() -> None:
    """A greenlet that holds the loop for 60 ms makes the probe wake at least ~50 ms late."""
    lag = LoopLag()
    lag.start()
    gevent.sleep(0.05)
    time.sleep(0.06)  # blocks the whole loop, as a slow listener would
    gevent.sleep(0.05)
    lag.stop()
    late = lag.take()
    assert late is not None
    worst, mean = late
    assert worst >= 45.0 and 0 < mean <= worst


def test_each_take_starts_a_new_second() -> None:
    """take empties what it read: a second with no probe gives None."""
    lag = LoopLag()
    assert lag.take() is None


def test_p99_is_the_nearest_rank() -> None:
    """Of 1..100 the 99th percentile is 99; of one value, that value."""
    assert p99([float(v) for v in range(100, 0, -1)]) == 99.0
    assert p99([3.0]) == 3.0

"""Per-process run state kept on Locust's environment: the context and the time origin."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from stairload.loadgen.context import RunContext, context_from_options, run_options


@dataclass
class Runtime:
    """What one Locust process knows about the run in progress."""

    context: RunContext | None = None
    t0: float | None = None  # wall-clock start of the shape; every time_s counts from here
    on_start: list[Callable[[float], None]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    local_scenarios: str = ""  # a worker reads its own copy of the scenarios file

    def mark_started(self, t0: float) -> None:
        """Set the time origin, once, and tell every part that waits for it.

        A distributed master's shape is started twice (Locust's ``start_shape`` and its
        first ``start`` both call ``reset_time``, a few ms apart): the first origin stays,
        the one the workers were sent, and the listeners start their loops once.
        """
        if self.t0 is not None:
            return
        self.t0 = t0
        for listener in self.on_start:
            listener(t0)

    def elapsed(self, now: float | None = None) -> float:
        """Seconds since the shape started (0 before it did)."""
        if self.t0 is None:
            return 0.0
        return (time.time() if now is None else now) - self.t0


def runtime(environment: Any) -> Runtime:
    """The run state of this process, created on first use."""
    state = getattr(environment, "stairload", None)
    if state is None:
        state = Runtime()
        environment.stairload = state
    return state


def run_context(environment: Any) -> RunContext:
    """The run's context, loaded from the (master's) options on first use."""
    state = runtime(environment)
    if state.context is None:
        options = run_options(environment.parsed_options)
        if state.local_scenarios:
            options = options.with_scenarios(state.local_scenarios)
        state.context = context_from_options(options)
    return state.context

"""The compact live view: one status line every few seconds, and a log line per step change.

TPS and MTT on the status line are over the last ``WINDOW_SECONDS`` written seconds, not
one second's count, so the line reads steadily; the step's state says whether its users
are still ramping or the step is being measured. An open run's line gives the journeys
started per second and those dropped (no free user in the pool) over the same seconds, and
the pool's busy users against its ceiling.
"""

from __future__ import annotations

import logging
import sys
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from capacity.stairs import Stairs, stage_at
from stairload.loadgen.runtime import run_context, runtime
from stairload.rundir import IntervalRow, total_row

_log = logging.getLogger("stairload")
STATUS_EVERY_SECONDS = 5
WINDOW_SECONDS = 5


@dataclass(frozen=True)
class _Second:
    requests: int
    failures: int
    time_ms: float  # sum of response times: mean_ms x requests
    started: int = 0  # journeys started on schedule (open runs)
    dropped: int = 0  # journeys dropped: no free user in the pool (open runs)


def step_state(stairs: Stairs, second: float) -> str:
    """'ramping' until the step's users are all started, then 'measuring'; '' after the end."""
    stage = stage_at(stairs, second)
    if stage is None:
        return ""
    if stage.probe:
        return "probe"
    step = stairs.steps[stage.step - 1]
    return "ramping" if second < step.ramp_end_s else "measuring"


def status_text(
    second: int,
    stairs: Stairs,
    window: Sequence[_Second],
    users: object,
    target_users: object,
    left_seconds: float,
    generator_cpu: str = "",
    open_run: bool = False,
) -> str:
    """The status line for ``second`` from the last seconds' totals."""
    stage = stage_at(stairs, second)
    requests = sum(s.requests for s in window)
    failures = sum(s.failures for s in window)
    seconds = max(1, len(window))
    tps = f"{requests / seconds:,.0f}"
    mtt = f"{sum(s.time_ms for s in window) / requests:,.0f} ms" if requests else "-"
    errors = f"{100 * failures / requests:.2f}%" if requests else "-"
    if stage is None:
        step = "done"
    else:
        kind = "probe" if stage.probe else "step"
        step = f"{kind} {stage.step}/{stage.step_count} {step_state(stairs, second)}"
    if open_run:
        started = sum(s.started for s in window) / seconds
        dropped = sum(s.dropped for s in window)
        load = f"journeys {started:,.1f}/s, {dropped:,} dropped | pool {users}/{target_users}"
    else:
        load = f"users {users}/{target_users}"
    text = (
        f"[stairload] t={second}s {step} | {load}"
        f" | TPS {tps} MTT {mtt} errors {errors} (last {seconds} s)"
    )
    if generator_cpu:
        text += f" | generator CPU {generator_cpu}"
    return text + f" | {int(left_seconds // 60)}:{int(left_seconds % 60):02d} left"


class StatusLine:
    """Prints step, state, users, TPS, MTT and errors over the last seconds, and time left."""

    def __init__(
        self,
        environment: Any,
        out: Any = None,
        generator_cpu: Callable[[], str] | None = None,
    ) -> None:
        self.environment = environment
        self.out = out or sys.stdout
        self.generator_cpu = generator_cpu or (lambda: "")
        self._last_step: tuple[bool, int] = (False, 0)
        self._window: deque[_Second] = deque(maxlen=WINDOW_SECONDS)

    def on_second(self, second: int, rows: list[IntervalRow]) -> None:
        """Called by the interval recorder for every second it writes."""
        stairs = run_context(self.environment).stairs
        stage = stage_at(stairs, second)
        if stage is not None and (stage.probe, stage.step) != self._last_step:
            self._last_step = (stage.probe, stage.step)
            kind = "probe" if stage.probe else "step"
            arrivals = run_context(self.environment).arrivals
            plateau = arrivals.step_at(second) if arrivals is not None else None
            if plateau is not None:  # an open stair's step is a rate
                _log.info(
                    "step %d of %d: %.2f journeys/s (t=%ds)",
                    stage.step,
                    stage.step_count,
                    plateau.rate,
                    second,
                )
            else:
                _log.info(
                    "%s %d of %d: %d users (t=%ds)",
                    kind,
                    stage.step,
                    stage.step_count,
                    stage.users,
                    second,
                )
        total = total_row(rows)
        if total is None:
            return
        mean = total.mean_ms or 0.0
        self._window.append(
            _Second(
                total.requests,
                total.failures,
                mean * total.requests,
                total.started or 0,
                total.dropped or 0,
            )
        )
        if second % STATUS_EVERY_SECONDS:
            return
        left = max(0.0, stairs.total_seconds - runtime(self.environment).elapsed())
        text = status_text(
            second,
            stairs,
            list(self._window),
            "" if total.users is None else total.users,
            "" if total.target_users is None else total.target_users,
            left,
            self.generator_cpu(),
            open_run=run_context(self.environment).arrivals is not None,
        )
        print(text, file=self.out, flush=True)

"""The compact live view: one status line every few seconds, and a log line per step change."""

from __future__ import annotations

import logging
import sys
from typing import Any

from capacity.stairs import stage_at
from locustfiles.runtime import run_context, runtime

_log = logging.getLogger("stairload")
STATUS_EVERY_SECONDS = 5


class StatusLine:
    """Prints ``step k/N | users | TPS | MTT | errors | time left`` from the written seconds."""

    def __init__(self, environment: Any, out: Any = None) -> None:
        self.environment = environment
        self.out = out or sys.stdout
        self._last_step = 0

    def on_second(self, second: int, rows: list[dict[str, object]]) -> None:
        """Called by the interval recorder for every second it writes."""
        stairs = run_context(self.environment).stairs
        stage = stage_at(stairs, second)
        if stage is not None and stage.step != self._last_step:
            self._last_step = stage.step
            _log.info(
                "step %d of %d: %d users (t=%ds)", stage.step, stage.step_count, stage.users, second
            )
        if second % STATUS_EVERY_SECONDS:
            return
        total = rows[-1]
        requests = int(total["requests"])  # type: ignore[call-overload]
        failures = int(total["failures"])  # type: ignore[call-overload]
        mtt = f"{float(total['mean_ms']):.0f} ms" if requests else "-"  # type: ignore[arg-type]
        errors = f"{100 * failures / requests:.2f}%" if requests else "-"
        left = max(0.0, stairs.total_seconds - runtime(self.environment).elapsed())
        step = f"step {stage.step}/{stage.step_count}" if stage else "done"
        print(
            f"[stairload] t={second}s {step} | users {total['users']}/{total['target_users']}"
            f" | TPS {requests} | MTT {mtt} | errors {errors}"
            f" | {int(left // 60)}:{int(left % 60):02d} left",
            file=self.out,
            flush=True,
        )

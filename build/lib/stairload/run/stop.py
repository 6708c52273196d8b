"""Ctrl-C and SIGTERM: the runner remembers why it was asked to stop, and when.

While a run goes the runner catches both signals (``StopRequest.catching``) and stops its
children in order (``stairload.run.locust_processes``) instead of dying at once.
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from stairload.rundir import ExitReason
from stairload.rundir.atomic import RunDirFault


@dataclass
class StopRequest:
    """Why the run was asked to stop (None: it was not) and when (``time.monotonic``)."""

    reason: ExitReason | None = None
    signalled_at: float = 0.0
    run_dir_fault: RunDirFault | None = None  # the fault that stopped the run, if one did

    def handler(self, signum: int, _frame: Any) -> None:
        """The SIGINT and SIGTERM handler: the first signal counts, later ones are ignored."""
        if not self.reason:
            self.reason = (
                ExitReason.INTERRUPTED if signum == signal.SIGINT else ExitReason.TERMINATED
            )
            self.signalled_at = time.monotonic()
            print(
                f"[stairload] {signal.Signals(signum).name}: stopping the run...",
                file=sys.stderr,
                flush=True,
            )

    def fault(self, fault: RunDirFault) -> None:
        """A file of the run directory could not be written: stop the run for that reason.

        The run's one ``Error:`` line comes at its end (``stairload.run.conclude``).
        """
        if not self.reason:
            self.reason = fault.reason
            self.run_dir_fault = fault
            self.signalled_at = time.monotonic()
            print(f"[stairload] {fault.reason.value}: stopping the run...", file=sys.stderr)

    @contextmanager
    def catching(self) -> Iterator[StopRequest]:
        """Catch SIGINT and SIGTERM into this request; the previous handlers come back after."""
        signals = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self.handler) for sig in signals}
        try:
            yield self
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

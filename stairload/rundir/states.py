"""The enums a run directory records: why a run ended, and an alarm's state."""

from __future__ import annotations

from enum import StrEnum


class ExitReason(StrEnum):
    """``run.json``'s ``exit_reason``."""

    STARTING = "starting"  # written before Locust starts; left behind if the runner was killed
    RUNNING = "running"  # written when the load starts; likewise
    COMPLETED = "completed"
    INTERRUPTED = "interrupted"  # Ctrl-C
    TERMINATED = "terminated"  # SIGTERM
    TARGET_UNREACHABLE = "target_unreachable"
    ERROR = "error"  # Locust stopped before the run started
    ABORTED = "aborted"  # an alarm rule with ``abort`` stopped the run
    RUNNER_LOST = "runner_lost"  # the runner was killed; its children stopped with it

    @property
    def finished(self) -> bool:
        """Whether the run recorded its end (not ``starting`` or ``running``)."""
        return self not in (ExitReason.STARTING, ExitReason.RUNNING)


class AlarmState(StrEnum):
    """CloudWatch's three alarm states, as ``alarms.jsonl`` records them."""

    OK = "OK"
    ALARM = "ALARM"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"

"""The enums a run directory records: why a run ended, and an alarm's state.

``ExitReason`` (``run.json``'s ``exit_reason``) is defined with the exit codes and words of
each ending, in the one table of ``stairload.core.exitcodes``; it is part of this format.
"""

from __future__ import annotations

from enum import StrEnum

from stairload.core.exitcodes import ExitReason

__all__ = ["AlarmState", "ExitReason"]


class AlarmState(StrEnum):
    """CloudWatch's three alarm states, as ``alarms.jsonl`` records them."""

    OK = "OK"
    ALARM = "ALARM"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"

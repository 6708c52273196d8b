"""The alarm state changes a run recorded in ``alarms.jsonl``, for the report's timeline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from stairload.core.errors import InputError
from stairload.rundir import ALARMS_JSONL, AlarmState


@dataclass(frozen=True)
class AlarmChange:
    """One alarm moving from one state to another at a second of the run."""

    time_s: float
    alarm: str
    old_state: str
    new_state: str
    reason: str


def load_alarm_changes(run_dir: Path) -> tuple[AlarmChange, ...]:
    """Every change in ``alarms.jsonl``, in order; none when the run had no alarms."""
    path = run_dir / ALARMS_JSONL
    if not path.exists():
        return ()
    changes = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            change = AlarmChange(
                float(raw["time_s"]),
                str(raw["alarm"]),
                str(raw["old_state"]),
                str(raw["new_state"]),
                str(raw.get("reason", "")),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise InputError(
                f"{ALARMS_JSONL}: line {number}: not an alarm change "
                f"({error.__class__.__name__}: {error})"
            ) from None
        if change.new_state not in set(AlarmState):
            raise InputError(
                f"{ALARMS_JSONL}: line {number}: new_state: must be one of "
                f"{', '.join(AlarmState)} (got {change.new_state!r})"
            )
        changes.append(change)
    return tuple(changes)

"""The machine-readable outputs: summary.json and steps.csv."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from reports.steps import StepResult, percentile_method
from reports.verdict import Verdict
from stairload.rundir.atomic import write_file, write_with

STEP_COLUMNS = (
    "step",
    "users",
    "status",
    "start_s",
    "end_s",
    "window_start_s",
    "window_end_s",
    "actual_users",
    "requests",
    "failures",
    "faults",
    "tps",
    "tps_ci_low",
    "tps_ci_high",
    "mtt_ms",
    "mtt_ci_low_ms",
    "mtt_ci_high_ms",
    "interval_note",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "p99_9_ms",
    "max_ms",
    "error_rate",
    "tps_per_user",
    "cpu_warning",
    "cpu_percent",
    "generator_loop_lag_ms",
)
# an open run's columns (reports.open_steps; only in an open run's files): its mtt_ms and
# percentiles above are then user-seen times, these service_* ones the service times
OPEN_COLUMNS = (
    "offered_rate",
    "achieved_rate",
    "planned_starts",
    "started",
    "dropped",
    "over_target",
    "busy_users",
    "service_mtt_ms",
    "service_p50_ms",
    "service_p95_ms",
    "service_p99_ms",
)


def step_row(step: StepResult) -> dict[str, Any]:
    """A step as a flat dict of rounded numbers, in STEP_COLUMNS order."""
    row = {column: getattr(step, column) for column in STEP_COLUMNS}
    if step.open is not None:  # an open run's columns; a closed run's rows stay as they were
        row.update({column: getattr(step.open, column) for column in OPEN_COLUMNS})
    for column, value in row.items():
        if isinstance(value, float):
            row[column] = round(value, 6 if column in ("error_rate", "tps_per_user") else 3)
    return row


def summary(
    run_id: str,
    verdict: Verdict,
    steps: Sequence[StepResult],
    *,
    source: str,
    exclude_seconds: float,
    capacity: dict[str, Any] | None = None,
    probes: Sequence[StepResult] = (),
) -> dict[str, Any]:
    """summary.json's content; ``capacity`` adds the ``model`` and ``instances`` objects."""
    return {
        "run_id": run_id,
        "verdict": verdict.verdict,
        "reason": verdict.reason,
        "invalid_steps": list(verdict.invalid_steps),
        "faults": verdict.faults,
        "advice": list(verdict.advice),
        "checks": [
            {
                "name": check.name,
                "measured": _round(check.measured),
                "limit": check.limit,
                "passed": check.passed,
                "gate": check.gate,
                "rule": check.rule,
                "margin": check.margin,
            }
            for check in verdict.checks
        ],
        "steps": [step_row(step) for step in steps],
        "peak_tps": _round(verdict.peak_tps),
        "max_users_within_target": verdict.max_users_within_target,
        "max_users_within_target_range": (
            None
            if verdict.users_within is None or verdict.users_within.determined
            else [verdict.users_within.low, verdict.users_within.high]
        ),
        "max_users_within_target_note": (
            verdict.users_within.note if verdict.users_within is not None else ""
        ),
        "first_breach_step": verdict.first_breach_step,
        "knee_step": verdict.knee_step,
        "knee_note": verdict.knee_note,
        "exit_reason": verdict.exit_reason,
        "caveats": list(verdict.caveats),
        "source": source,
        "exclude_seconds": exclude_seconds,
        "percentile_method": percentile_method(steps),
        "probe_steps": [step_row(step) for step in probes],
        **(capacity or {}),
    }


def write_summary(path: Path, content: dict[str, Any]) -> Path:
    """Write summary.json."""
    write_file(path, json.dumps(content, indent=2) + "\n")
    return path


def write_steps_csv(path: Path, steps: Sequence[StepResult]) -> Path:
    """Write steps.csv, one row per planned step; empty cells where nothing was measured."""

    def write(handle: IO[str]) -> None:
        opened = any(step.open is not None for step in steps)
        writer = csv.DictWriter(
            handle, fieldnames=(*STEP_COLUMNS, *OPEN_COLUMNS) if opened else STEP_COLUMNS
        )
        writer.writeheader()
        for step in steps:
            writer.writerow({k: "" if v is None else v for k, v in step_row(step).items()})

    write_with(path, write)
    return path


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)

"""A run.json for a plain Locust run: the plan from scenarios.yaml, the plateaus it really held.

``locust --headless --csv DIR/locust --csv-full-history`` leaves no ``run.json`` and no
``intervals.csv``. ``reports build DIR --plan scenarios.yaml --scenario NAME`` writes the
record from the plan (thresholds, target TPS of the case) and from
``locust_stats_history.csv``: each stretch of at least ``MIN_PLATEAU_SECONDS`` at one user
count becomes a step, in the order Locust held them. The report then reads the history
CSV as it does for any run without ``intervals.csv``.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from stairload.core.errors import InputError, UsageError
from stairload.rundir import HISTORY_CSV, RUN_JSON, ExitReason, PlannedStep, RunRecord, StairsRecord
from stairload.rundir import Thresholds as ThresholdsRecord
from stairload.rundir.ranges import check_number

MIN_PLATEAU_SECONDS = 3.0

# What a report built this way cannot show, said plainly (stdout and run.json).
NOT_AVAILABLE = (
    "per-step percentiles (the history CSV's percentiles cover a sliding window)",
    "the planned stair: steps are the plateaus Locust held, planned users = actual users",
    "the load generator's CPU, so a saturated generator cannot be detected",
    "per-second figures per request name, alarms and the target's CPU",
)


def write_plain_run_record(
    run_dir: Path, plan_path: Path, scenario_name: str, case_name: str | None = None
) -> RunRecord:
    """Write ``run_dir/run.json`` for a plain Locust run and return it."""
    from capacity.config import load_scenarios
    from capacity.plan import plan_scenario

    if (run_dir / RUN_JSON).exists():
        raise UsageError(f"--plan: {run_dir / RUN_JSON} exists; --plan is for plain Locust runs")
    suite = load_scenarios(plan_path, journeys=False)  # the plan's numbers only
    scenario = suite.scenario(scenario_name)
    case = suite.case(case_name or suite.end_case)
    stamps, users = _history(run_dir / HISTORY_CSV)
    origin = stamps[0]
    steps = plateaus(stamps, users)
    if not steps:
        raise InputError(
            f"{HISTORY_CSV}: no plateau of {MIN_PLATEAU_SECONDS:g} s or more at one user count"
        )
    plan = plan_scenario(suite.inputs(case.dau), scenario.load())
    record = RunRecord(
        stairs=StairsRecord(
            steps=steps,
            start_users=steps[0].users,
            end_users=steps[-1].users,
            total_seconds=stamps[-1] - origin,
        ),
        thresholds=ThresholdsRecord(
            mtt_ms=suite.thresholds.mtt_ms, error_rate=suite.thresholds.error_rate
        ),
        run_id=run_dir.name,
        scenario=scenario.name,
        case=case.name,
        host="",
        started_at=_iso(origin),
        ended_at=_iso(stamps[-1]),
        duration_seconds=stamps[-1] - origin,
        exit_reason=ExitReason.COMPLETED,
        plan={"case": case.name, "vusers": plan.vusers, "target_tps": plan.target_tps},
        extras={
            "source": f"plain Locust run ({HISTORY_CSV}); run.json written by reports build --plan",
            "not_available": list(NOT_AVAILABLE),
        },
    )
    record.dump(run_dir / RUN_JSON)
    return record


def plateaus(stamps: list[float], users: list[int]) -> tuple[PlannedStep, ...]:
    """The steps: stretches of one user count (> 0) lasting at least MIN_PLATEAU_SECONDS.

    A step's window runs from its first sample at that count (``ramp_end_s``) to its last
    (``end_s``); it starts where the previous step ended.
    """
    origin = stamps[0]
    steps: list[PlannedStep] = []
    first = 0
    for index in range(1, len(stamps) + 1):
        if index < len(stamps) and users[index] == users[first]:
            continue
        last = index - 1
        if users[first] > 0 and stamps[last] - stamps[first] >= MIN_PLATEAU_SECONDS:
            steps.append(
                PlannedStep(
                    step=len(steps) + 1,
                    users=users[first],
                    start_s=steps[-1].end_s if steps else 0.0,
                    ramp_end_s=stamps[first] - origin,
                    end_s=stamps[last] - origin,
                )
            )
        first = index
    return tuple(steps)


def _history(path: Path) -> tuple[list[float], list[int]]:
    """Timestamps and user counts of the ``Aggregated`` rows, one per second, in order."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.DictReader(handle) if row.get("Name") == "Aggregated"]
    except FileNotFoundError:
        raise InputError(
            f"{HISTORY_CSV}: not found in {path.parent} (run Locust with "
            f"--csv {path.parent}/locust --csv-full-history)"
        ) from None
    samples: dict[float, int] = {}
    for line, row in enumerate(rows, start=2):
        try:
            stamp, users = float(row["Timestamp"]), float(row["User Count"])
        except (KeyError, TypeError, ValueError):
            raise InputError(
                f"{HISTORY_CSV}: an Aggregated row has no numeric Timestamp and User Count "
                f"(row {line})"
            ) from None
        check_number(HISTORY_CSV, line, "timestamp", stamp, "Timestamp")
        check_number(HISTORY_CSV, line, "users", users, "User Count")
        samples[stamp] = int(users)
    if len(samples) < 2:
        raise InputError(f"{HISTORY_CSV}: fewer than two Aggregated rows")
    ordered = sorted(samples.items())
    return [stamp for stamp, _ in ordered], [count for _, count in ordered]


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()

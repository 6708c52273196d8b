"""The ``RunRecord`` of a run (``run.json``), from its context and what the run saw.

Who writes ``run.json`` when (one process at a time, never read back to be patched):
``stairload run`` writes the planned record before Locust starts; the Locust master
writes ``running`` when the load starts, and its end record where ``end_record_name`` says;
the runner writes the final record once, after the report (``stairload.run.record_lifecycle``).
"""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from capacity.arrival_stairs import ArrivalStairs
from capacity.plan import plan_for_case
from capacity.stairs import Step
from stairload.loadgen.context import RunContext, planned_users
from stairload.rundir import (
    MASTER_RECORD_JSON,
    RUN_JSON,
    ExitReason,
    PlannedStep,
    RunRecord,
    StairsRecord,
    Thresholds,
)

EMBEDDED_TARGET_ENV = "STAIRLOAD_EMBEDDED_TARGET"
RUNNER_ENV = "STAIRLOAD_RUNNER"  # "1": stairload run started this master


def end_record_name(exit_reason: ExitReason) -> str:
    """The file of the run directory the master writes its end record to.

    Under ``stairload run`` the runner writes run.json's final record, so the master
    hands its own over in ``MASTER_RECORD_JSON``. A plain ``locust`` run, or a master whose
    runner was killed (``runner_lost``), writes ``run.json`` itself: no one else will.
    """
    handed_over = os.environ.get(RUNNER_ENV) == "1" and exit_reason != ExitReason.RUNNER_LOST
    return MASTER_RECORD_JSON if handed_over else RUN_JSON


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


def run_record(
    context: RunContext,
    *,
    host: str | None,
    workers: int,
    started: float | None,
    ended_at: float | None,
    exit_reason: ExitReason,
    load_generator: dict[str, Any],
    exit_code: int | None = None,
    locust_exit_code: int | None = None,
    user_classes: list[str] | None = None,
) -> RunRecord:
    """Everything a reader needs to interpret the run directory."""
    suite, scenario, stairs = context.suite, context.scenario, context.stairs
    plan_case = context.case_name
    plan = plan_for_case(suite, scenario.name, plan_case)
    options = context.options
    run_id = Path(context.run_dir).name if context.run_dir else ""
    return RunRecord(
        run_id=run_id,
        scenario=scenario.name,
        case=plan_case,
        shape=context.shape,
        host=host,
        embedded_target=os.environ.get(EMBEDDED_TARGET_ENV) == "1",
        workers=workers,
        time_scale=options.time_scale,
        users_scale=options.users_scale,
        started_at=_iso(started),
        ended_at=_iso(ended_at),
        duration_seconds=round(ended_at - started, 3) if ended_at and started else None,
        exit_reason=exit_reason,
        exit_code=exit_code,
        locust_exit_code=locust_exit_code,
        cases={
            case.name: {
                "dau": case.dau,
                "think_time_seconds": [case.think_min_seconds, case.think_max_seconds],
            }
            for case in suite.cases
        },
        inputs={
            "dau": suite.case(plan_case).dau,
            "peak_rate": suite.service.peak_rate,
            "safety_factor": suite.service.safety_factor,
            "response_time_ms": suite.service.response_time_ms,
            "seconds_per_day": suite.service.seconds_per_day,
        },
        plan={
            "requests_per_user_per_day": plan.requests_per_user_per_day,
            "journey_seconds": plan.journey_seconds,
            "daily_requests": plan.daily_requests,
            "avg_rps": plan.avg_rps,
            "peak_rps": plan.peak_rps,
            "vusers_exact": plan.vusers_exact,
            "vusers": plan.vusers,
            "target_tps": plan.target_tps,
            "start_case": suite.start_case,
            "end_case": suite.end_case,
            "start_vusers": planned_users(suite, scenario, suite.start_case),
        },
        stairs=StairsRecord(
            steps=tuple(_planned(step) for step in stairs.steps),
            start_users=stairs.start_users,
            end_users=stairs.end_users,
            step_users=stairs.step_users,
            step_seconds=stairs.step_seconds,
            hold_seconds=stairs.hold_seconds,
            spawn_rate=stairs.spawn_rate,
            total_seconds=stairs.total_seconds,
            probes=tuple(_planned(step) for step in stairs.probes),
        ),
        thresholds=Thresholds(
            mtt_ms=suite.thresholds.mtt_ms, error_rate=suite.thresholds.error_rate
        ),
        journey=tuple(step.label for step in scenario.journey.steps),
        versions={
            "stairload": _version("stairload"),
            "locust": _version("locust"),
            "python": platform.python_version(),
        },
        load_generator=load_generator,
        extras={
            "user_classes": list(user_classes or []),
            "user_locustfile": context.user_locustfile or None,
            **({"arrivals": arrivals_record(context.arrivals)} if context.arrivals else {}),
        },
    )


def arrivals_record(arrivals: ArrivalStairs) -> dict[str, Any]:
    """An open run's schedule as run.json keeps it (``reports`` judges each step by it)."""
    return {
        "arrivals": arrivals.arrivals,
        "seed": arrivals.seed,
        "judge_latency": arrivals.judge_latency,
        "max_users": arrivals.max_users,
        "step_rate": arrivals.step_rate,
        "steps": [
            {
                "step": step.number,
                "rate": step.rate,
                "start_s": step.start_s,
                "end_s": step.end_s,
                "planned_starts": arrivals.planned_starts(step.start_s, step.end_s),
            }
            for step in arrivals.steps
        ],
    }


def _planned(step: Step) -> PlannedStep:
    return PlannedStep(step.number, step.users, step.start_s, step.ramp_end_s, step.end_s)

"""``run.json``: written when the shape starts and again when Locust quits."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from locustfiles.context import RunContext, planned_users

SCHEMA = 1
EMBEDDED_TARGET_ENV = "STAIRLOAD_EMBEDDED_TARGET"


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
    exit_reason: str,
    load_generator: dict[str, Any],
) -> dict[str, Any]:
    """Everything a reader needs to interpret the run directory."""
    from capacity.plan import plan_scenario

    suite, scenario, stairs = context.suite, context.scenario, context.stairs
    plan_case = context.case_name
    plan = plan_scenario(suite.inputs(suite.case(plan_case).dau), scenario.load())
    options = context.options
    run_id = Path(context.run_dir).name if context.run_dir else ""
    return {
        "schema": SCHEMA,
        "run_id": run_id,
        "scenario": scenario.name,
        "case": plan_case,
        "shape": context.shape,
        "host": host,
        "embedded_target": os.environ.get(EMBEDDED_TARGET_ENV) == "1",
        "workers": workers,
        "time_scale": options.time_scale,
        "users_scale": options.users_scale,
        "started_at": _iso(started),
        "ended_at": _iso(ended_at),
        "duration_seconds": round(ended_at - started, 3) if ended_at and started else None,
        "exit_reason": exit_reason,
        "exit_code": None,
        "cases": {
            case.name: {
                "dau": case.dau,
                "think_time_seconds": [case.think_min_seconds, case.think_max_seconds],
            }
            for case in suite.cases
        },
        "inputs": {
            "dau": suite.case(plan_case).dau,
            "peak_rate": suite.service.peak_rate,
            "safety_factor": suite.service.safety_factor,
            "response_time_ms": suite.service.response_time_ms,
            "seconds_per_day": suite.service.seconds_per_day,
        },
        "plan": {
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
        "stairs": {
            "start_users": stairs.start_users,
            "end_users": stairs.end_users,
            "step_users": stairs.step_users,
            "step_seconds": stairs.step_seconds,
            "hold_seconds": stairs.hold_seconds,
            "spawn_rate": stairs.spawn_rate,
            "total_seconds": stairs.total_seconds,
            "steps": [
                {
                    "step": s.number,
                    "users": s.users,
                    "start_s": s.start_s,
                    "ramp_end_s": s.ramp_end_s,
                    "end_s": s.end_s,
                }
                for s in stairs.steps
            ],
        },
        "thresholds": {
            "mtt_ms": suite.thresholds.mtt_ms,
            "error_rate": suite.thresholds.error_rate,
        },
        "journey": list(scenario.steps),
        "versions": {
            "stairload": _version("stairload"),
            "locust": _version("locust"),
            "python": platform.python_version(),
        },
        "load_generator": load_generator,
    }


def write_json(path: Path, record: dict[str, Any]) -> None:
    """Write atomically: a reader never sees half a file."""
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    partial.replace(path)

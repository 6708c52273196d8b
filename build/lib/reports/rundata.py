"""What the report needs from ``run.json``: the checked ``RunRecord``, seen as a ``RunInfo``."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, PlainValidator, field_validator

from reports.generator import GeneratorSecond
from stairload.core.errors import ConfigError
from stairload.core.models import POSITIVE, AtLeastZero, LenientModel, problem, validated
from stairload.rundir import RUN_JSON, PlannedStep, RunRecord

__all__ = ["CpuWarning", "PlannedStep", "RunInfo", "load_run"]


@dataclass(frozen=True)
class CpuWarning:
    """A moment the load generator ran hot."""

    time_s: float
    process: str
    cpu_percent: float | None


@dataclass(frozen=True)
class RunInfo:
    """What the report needs from run.json."""

    run_id: str
    scenario: str
    case: str
    shape: str
    host: str
    exit_reason: str
    started_epoch: float | None
    duration_seconds: float | None
    steps: tuple[PlannedStep, ...]
    mtt_ms: float
    error_rate: float
    target_tps: float | None
    cpu_warnings: tuple[CpuWarning, ...]
    saturated: bool
    lost_workers: int
    abort_note: str | None = None
    cpu_limit_percent: float = 90.0
    lost_worker_notes: tuple[str, ...] = ()
    generator_seconds: dict[str, tuple[GeneratorSecond, ...]] = field(default_factory=dict)
    end_users: int = 0
    workers: int = 0
    machine: dict[str, Any] = field(default_factory=dict)  # cores, load_average_max, ...
    probes: tuple[PlannedStep, ...] = ()  # probe steps below the plan; never in the verdict
    monitor_errors: tuple[str, ...] = ()  # CPU monitors that failed: "worker-1 at t=3 s: ..."


def load_run(run_dir: Path) -> RunInfo:
    """Read and check ``run_dir/run.json``; raise InputError naming the field."""
    return run_info(RunRecord.load(run_dir / RUN_JSON), run_dir)


def run_info(record: RunRecord, run_dir: Path) -> RunInfo:
    generator = record.load_generator
    checked = validated(_GeneratorModel, generator, RUN_JSON, "load_generator")
    target_tps = validated(_PlanModel, record.plan, RUN_JSON, "plan").target_tps
    steps = record.stairs.steps
    return RunInfo(
        run_id=record.run_id or run_dir.name,
        scenario=record.scenario,
        case=record.case,
        shape=record.shape,
        host=record.host or "",
        exit_reason=record.exit_reason.value,
        started_epoch=_epoch(record.started_at),
        duration_seconds=record.duration_seconds,
        steps=steps,
        mtt_ms=record.thresholds.mtt_ms,
        error_rate=record.thresholds.error_rate,
        # the plan's TPS for the users actually planned: a 0.01 users scale plans 1% of it
        target_tps=None if target_tps is None else target_tps * record.users_scale,
        cpu_warnings=tuple(CpuWarning(**dict(warning)) for warning in checked.cpu_warnings),
        saturated=bool(generator.get("saturated", False)),
        lost_workers=len(generator.get("lost_workers") or []),
        lost_worker_notes=tuple(_lost_note(raw) for raw in generator.get("lost_workers") or []),
        abort_note=_abort_note(record.extras.get("abort")),
        cpu_limit_percent=checked.cpu_warning_percent,
        generator_seconds={
            process: _with_lags(rows, checked.loop_lag.get(process, []))
            for process, rows in checked.seconds.items()
        },
        end_users=max(step.users for step in steps),
        workers=record.workers,
        machine=dict(record.machine or {}),
        probes=record.stairs.probes,
        monitor_errors=_monitor_errors(generator.get("monitor_errors")),
    )


def _monitor_errors(raw: Any) -> tuple[str, ...]:
    """``load_generator.monitor_errors`` as sentences (runs before it have none)."""
    if not isinstance(raw, list):
        return ()
    notes = []
    for entry in raw:
        if isinstance(entry, dict):
            time_s = entry.get("time_s")
            when = f" from t={time_s:g} s" if isinstance(time_s, int | float) else ""
            seconds = entry.get("seconds")
            count = f", {seconds} s unsampled" if isinstance(seconds, int) else ""
            notes.append(f"{entry.get('process')}{when} ({entry.get('error')}{count})")
    return tuple(notes)


class _CpuWarningModel(LenientModel):
    time_s: AtLeastZero
    process: Any = ""
    cpu_percent: AtLeastZero | None = None

    @field_validator("process", mode="after")
    @classmethod
    def _as_text(cls, process: Any) -> str:
        return str(process)


def _generator_second(row: Any) -> GeneratorSecond:
    """A row of ``load_generator.seconds``: [time_s, cpu_percent, rss_mb or null]."""
    ok = isinstance(row, list) and len(row) == 3
    if ok:
        ok = all(isinstance(v, int | float) and not isinstance(v, bool) for v in row[:2])
        ok = ok and (row[2] is None or isinstance(row[2], int | float))
    if not ok:
        raise problem("must be [time_s, cpu_percent, rss_mb]")
    return GeneratorSecond(float(row[0]), float(row[1]), row[2])


def _lag_second(row: Any) -> tuple[float, float, float]:
    """A row of ``load_generator.loop_lag``: [time_s, p99_ms, mean_ms], finite and >= 0."""
    ok = isinstance(row, list) and len(row) == 3
    ok = ok and all(isinstance(v, int | float) and not isinstance(v, bool) for v in row)
    if not ok or not all(math.isfinite(v) and v >= 0 for v in row):
        raise problem("must be [time_s, p99_ms, mean_ms], each finite and >= 0")
    return float(row[0]), float(row[1]), float(row[2])


def _with_lags(
    seconds: list[GeneratorSecond], lags: list[tuple[float, float, float]]
) -> tuple[GeneratorSecond, ...]:
    """Each second with the loop lag sampled with it (runs before the loop lag have none)."""
    by_time = {time_s: (worst, mean) for time_s, worst, mean in lags}
    unsampled = (None, None)
    return tuple(
        dataclasses.replace(
            second,
            loop_lag_ms=by_time.get(second.time_s, unsampled)[0],
            loop_lag_mean_ms=by_time.get(second.time_s, unsampled)[1],
        )
        for second in seconds
    )


class _GeneratorModel(LenientModel):
    cpu_warnings: list[_CpuWarningModel] = Field(default_factory=list)
    cpu_warning_percent: Annotated[float, POSITIVE] = 90.0
    seconds: dict[str, list[Annotated[GeneratorSecond, PlainValidator(_generator_second)]]] = Field(
        default_factory=dict
    )
    loop_lag: dict[
        str, list[Annotated[tuple[float, float, float], PlainValidator(_lag_second)]]
    ] = Field(default_factory=dict)


class _PlanModel(LenientModel):
    target_tps: AtLeastZero | None = None


def _abort_note(abort: Any) -> str | None:
    """Where and why an abort rule stopped the run, as one sentence (None: not aborted)."""
    if not isinstance(abort, dict):
        return None
    step = abort.get("step")
    where = f"at step {step}" if step is not None else "before the first step"
    users = abort.get("users")
    time_s = abort.get("time_s")
    when = f" ({users} users, t = {time_s:g} s)" if isinstance(time_s, int | float) else ""
    return (
        f"The run was aborted {where}{when}: alarm '{abort.get('alarm')}' entered ALARM "
        f"({abort.get('reason')})."
    ).replace("(None users, ", "(")


def _epoch(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        raise ConfigError(RUN_JSON, "started_at", "not an ISO 8601 time", value) from None


def _lost_note(raw: object) -> str:
    """``worker-2 host (10.0.0.3) at 12.3 s (stopped sending heartbeats)`` from run.json."""
    if not isinstance(raw, dict):
        return str(raw)
    when = raw.get("time_s")
    at = f" at {when:g} s" if isinstance(when, int | float) else ""
    reason = f" ({raw['reason']})" if raw.get("reason") else ""
    return f"{raw.get('worker', 'a worker')}{at}{reason}"

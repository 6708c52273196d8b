"""What the report needs from ``run.json``: the checked ``RunRecord``, seen as a ``RunInfo``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from reports.generator import GeneratorSecond
from rundir import RUN_JSON, PlannedStep, RunRecord
from rundir._validate import number_field
from stairload.errors import InputError

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
    cpu_limit_percent: float = 90.0
    lost_worker_notes: tuple[str, ...] = ()
    generator_seconds: dict[str, tuple[GeneratorSecond, ...]] = field(default_factory=dict)
    end_users: int = 0
    workers: int = 0
    machine: dict[str, Any] = field(default_factory=dict)  # cores, load_average_max, ...
    probes: tuple[PlannedStep, ...] = ()  # probe steps below the plan; never in the verdict


def load_run(run_dir: Path) -> RunInfo:
    """Read and check ``run_dir/run.json``; raise InputError naming the field."""
    return _run_info(RunRecord.load(run_dir / RUN_JSON), run_dir)


def _run_info(record: RunRecord, run_dir: Path) -> RunInfo:
    generator = record.load_generator
    warnings = generator.get("cpu_warnings") or []
    if not isinstance(warnings, list):
        raise InputError(f"{RUN_JSON}: load_generator.cpu_warnings: must be a list")
    target_tps = record.plan.get("target_tps")
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
        target_tps=None
        if target_tps is None
        else number_field(record.plan, "target_tps", "plan") * record.users_scale,
        cpu_warnings=tuple(
            _cpu_warning(raw, f"load_generator.cpu_warnings[{i}]") for i, raw in enumerate(warnings)
        ),
        saturated=bool(generator.get("saturated", False)),
        lost_workers=len(generator.get("lost_workers") or []),
        lost_worker_notes=tuple(_lost_note(raw) for raw in generator.get("lost_workers") or []),
        cpu_limit_percent=(
            number_field(generator, "cpu_warning_percent", "load_generator", positive=True)
            if "cpu_warning_percent" in generator
            else 90.0
        ),
        generator_seconds=_generator_seconds(generator.get("seconds") or {}),
        end_users=max(step.users for step in steps),
        workers=record.workers,
        machine=dict(record.machine or {}),
        probes=record.stairs.probes,
    )


def _generator_seconds(raw: Any) -> dict[str, tuple[GeneratorSecond, ...]]:
    """``load_generator.seconds``: {process: [[time_s, cpu_percent, rss_mb], ...]}."""
    where = "load_generator.seconds"
    if not isinstance(raw, dict):
        raise InputError(f"{RUN_JSON}: {where}: must be an object (got {raw!r})")
    out = {}
    for process, rows in raw.items():
        if not isinstance(rows, list):
            raise InputError(f"{RUN_JSON}: {where}.{process}: must be a list (got {rows!r})")
        samples = []
        for index, row in enumerate(rows):
            ok = isinstance(row, list) and len(row) == 3
            if ok:
                ok = all(isinstance(v, int | float) and not isinstance(v, bool) for v in row[:2])
                ok = ok and (row[2] is None or isinstance(row[2], int | float))
            if not ok:
                raise InputError(
                    f"{RUN_JSON}: {where}.{process}[{index}]: must be "
                    f"[time_s, cpu_percent, rss_mb] (got {row!r})"
                )
            samples.append(GeneratorSecond(float(row[0]), float(row[1]), row[2]))
        out[str(process)] = tuple(samples)
    return out


def _cpu_warning(raw: Any, where: str) -> CpuWarning:
    if not isinstance(raw, dict):
        raise InputError(f"{RUN_JSON}: {where}: must be an object (got {raw!r})")
    cpu = raw.get("cpu_percent")
    return CpuWarning(
        time_s=number_field(raw, "time_s", where),
        process=str(raw.get("process", "")),
        cpu_percent=None if cpu is None else number_field(raw, "cpu_percent", where),
    )


def _epoch(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        raise InputError(f"{RUN_JSON}: started_at: not an ISO 8601 time (got {value!r})") from None


def _lost_note(raw: object) -> str:
    """``worker-2 host (10.0.0.3) at 12.3 s (stopped sending heartbeats)`` from run.json."""
    if not isinstance(raw, dict):
        return str(raw)
    when = raw.get("time_s")
    at = f" at {when:g} s" if isinstance(when, int | float) else ""
    reason = f" ({raw['reason']})" if raw.get("reason") else ""
    return f"{raw.get('worker', 'a worker')}{at}{reason}"

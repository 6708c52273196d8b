"""run.json, validated once into frozen dataclasses that nothing downstream re-checks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from reports.generator import GeneratorSecond
from stairload.errors import InputError

RUN_JSON = "run.json"
EXIT_REASONS = ("completed", "interrupted", "terminated", "target_unreachable", "error")
# What run.json says while the run is going; left behind when the runner was killed.
UNFINISHED_REASONS = ("starting", "running")


@dataclass(frozen=True)
class PlannedStep:
    """One plateau of the stair, times in seconds since the run started."""

    step: int
    users: int
    start_s: float
    ramp_end_s: float
    end_s: float


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
    generator_seconds: dict[str, tuple[GeneratorSecond, ...]] = field(default_factory=dict)
    end_users: int = 0
    workers: int = 0


def load_run(run_dir: Path) -> RunInfo:
    """Read and validate ``run_dir/run.json``; raise InputError naming the field."""
    path = run_dir / RUN_JSON
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{RUN_JSON}: not found in {run_dir}") from None
    except OSError as exc:
        raise InputError(f"{RUN_JSON}: cannot read ({exc.strerror})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{RUN_JSON}: line {exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno})"
        ) from None
    if not isinstance(doc, dict):
        raise InputError(f"{RUN_JSON}: must be a JSON object (got {type(doc).__name__})")
    return _run_info(doc, run_dir)


def _run_info(doc: dict[str, Any], run_dir: Path) -> RunInfo:
    stairs = _get(doc, "stairs", dict)
    raw_steps = _get(stairs, "steps", list, "stairs")
    if not raw_steps:
        raise InputError(f"{RUN_JSON}: stairs.steps: must list at least one step (got [])")
    steps = tuple(_step(raw, f"stairs.steps[{i}]") for i, raw in enumerate(raw_steps))
    thresholds = _get(doc, "thresholds", dict)
    plan = doc.get("plan") if isinstance(doc.get("plan"), dict) else {}
    generator = doc.get("load_generator") or {}
    if not isinstance(generator, dict):
        raise InputError(f"{RUN_JSON}: load_generator: must be an object (got {generator!r})")
    warnings = generator.get("cpu_warnings") or []
    if not isinstance(warnings, list):
        raise InputError(f"{RUN_JSON}: load_generator.cpu_warnings: must be a list")
    exit_reason = doc.get("exit_reason", "completed")
    if exit_reason not in EXIT_REASONS + UNFINISHED_REASONS:
        raise InputError(
            f"{RUN_JSON}: exit_reason: must be one of {', '.join(EXIT_REASONS)} "
            f"(got {exit_reason!r})"
        )
    target_tps = plan.get("target_tps")
    return RunInfo(
        run_id=str(doc.get("run_id") or run_dir.name),
        scenario=str(doc.get("scenario", "")),
        case=str(doc.get("case", "")),
        shape=str(doc.get("shape", "stairs")),
        host=str(doc.get("host", "")),
        exit_reason=exit_reason,
        started_epoch=_epoch(doc.get("started_at")),
        duration_seconds=_optional_number(doc, "duration_seconds"),
        steps=steps,
        mtt_ms=_number(thresholds, "mtt_ms", "thresholds", positive=True),
        error_rate=_number(thresholds, "error_rate", "thresholds"),
        # the plan's TPS for the users actually planned: a 0.01 users scale plans 1% of it
        target_tps=None
        if target_tps is None
        else _number(plan, "target_tps", "plan") * _users_scale(doc),
        cpu_warnings=tuple(
            _cpu_warning(raw, f"load_generator.cpu_warnings[{i}]") for i, raw in enumerate(warnings)
        ),
        saturated=bool(generator.get("saturated", False)),
        lost_workers=len(generator.get("lost_workers") or []),
        cpu_limit_percent=(
            _number(generator, "cpu_warning_percent", "load_generator", positive=True)
            if "cpu_warning_percent" in generator
            else 90.0
        ),
        generator_seconds=_generator_seconds(generator.get("seconds") or {}),
        end_users=max(step.users for step in steps),
        workers=doc["workers"] if isinstance(doc.get("workers"), int) else 0,
    )


def _users_scale(doc: dict[str, Any]) -> float:
    scale = doc.get("users_scale", 1.0)
    ok = isinstance(scale, int | float) and not isinstance(scale, bool) and scale > 0
    return float(scale) if ok else 1.0


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


def _step(raw: Any, where: str) -> PlannedStep:
    if not isinstance(raw, dict):
        raise InputError(f"{RUN_JSON}: {where}: must be an object (got {raw!r})")
    start_s = _number(raw, "start_s", where)
    ramp_end_s = _number(raw, "ramp_end_s", where) if "ramp_end_s" in raw else start_s
    end_s = _number(raw, "end_s", where)
    if not start_s <= ramp_end_s <= end_s:
        raise InputError(
            f"{RUN_JSON}: {where}: needs start_s <= ramp_end_s <= end_s "
            f"(got {start_s}, {ramp_end_s}, {end_s})"
        )
    return PlannedStep(
        step=int(_number(raw, "step", where)),
        users=int(_number(raw, "users", where)),
        start_s=start_s,
        ramp_end_s=ramp_end_s,
        end_s=end_s,
    )


def _cpu_warning(raw: Any, where: str) -> CpuWarning:
    if not isinstance(raw, dict):
        raise InputError(f"{RUN_JSON}: {where}: must be an object (got {raw!r})")
    cpu = raw.get("cpu_percent")
    return CpuWarning(
        time_s=_number(raw, "time_s", where),
        process=str(raw.get("process", "")),
        cpu_percent=None if cpu is None else _number(raw, "cpu_percent", where),
    )


def _get(doc: dict[str, Any], key: str, kind: type, parent: str = "") -> Any:
    field = f"{parent}.{key}" if parent else key
    if key not in doc:
        raise InputError(f"{RUN_JSON}: {field}: missing")
    value = doc[key]
    if not isinstance(value, kind):
        raise InputError(f"{RUN_JSON}: {field}: must be a JSON {kind.__name__} (got {value!r})")
    return value


def _number(doc: dict[str, Any], key: str, parent: str, positive: bool = False) -> float:
    field = f"{parent}.{key}" if parent else key
    if key not in doc:
        raise InputError(f"{RUN_JSON}: {field}: missing")
    value = doc[key]
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value == value
    if not ok or (positive and value <= 0) or (not positive and value < 0):
        rule = "a number > 0" if positive else "a number >= 0"
        raise InputError(f"{RUN_JSON}: {field}: must be {rule} (got {value!r})")
    return float(value)


def _optional_number(doc: dict[str, Any], key: str) -> float | None:
    value = doc.get(key)
    return None if value is None else _number(doc, key, "")


def _epoch(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        raise InputError(f"{RUN_JSON}: started_at: not an ISO 8601 time (got {value!r})") from None

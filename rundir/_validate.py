"""Field-by-field checks of a parsed ``run.json`` (used by ``RunRecord.from_json`` only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rundir.files import RUN_JSON
from rundir.record import PlannedStep, StairsRecord, Thresholds
from rundir.states import ExitReason
from stairload.errors import InputError


def record_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """The ``RunRecord`` keyword arguments of ``doc``; ``InputError`` names a bad field."""
    generator = doc.get("load_generator") or {}
    if not isinstance(generator, dict):
        raise InputError(f"{RUN_JSON}: load_generator: must be an object (got {generator!r})")
    plan = doc.get("plan") if isinstance(doc.get("plan"), dict) else {}
    started_at = doc.get("started_at")
    if isinstance(started_at, str):
        try:
            datetime.fromisoformat(started_at)
        except ValueError:
            raise InputError(
                f"{RUN_JSON}: started_at: not an ISO 8601 time (got {started_at!r})"
            ) from None
    duration = doc.get("duration_seconds")
    return {
        "stairs": _stairs(_get(doc, "stairs", dict)),
        "thresholds": _thresholds(_get(doc, "thresholds", dict)),
        "run_id": str(doc.get("run_id") or ""),
        "scenario": str(doc.get("scenario", "")),
        "case": str(doc.get("case", "")),
        "shape": str(doc.get("shape", "stairs")),
        "host": None if doc.get("host") is None else str(doc["host"]),
        "embedded_target": bool(doc.get("embedded_target", False)),
        "workers": doc["workers"] if isinstance(doc.get("workers"), int) else 0,
        "time_scale": number_field(doc, "time_scale", "", positive=True, default=1.0),
        "users_scale": number_field(doc, "users_scale", "", positive=True, default=1.0),
        "started_at": started_at if isinstance(started_at, str) else None,
        "ended_at": doc["ended_at"] if isinstance(doc.get("ended_at"), str) else None,
        "duration_seconds": None if duration is None else number_field(doc, "duration_seconds", ""),
        "exit_reason": _exit_reason(doc.get("exit_reason", ExitReason.COMPLETED.value)),
        "exit_code": doc["exit_code"] if isinstance(doc.get("exit_code"), int) else None,
        "locust_exit_code": (
            doc["locust_exit_code"] if isinstance(doc.get("locust_exit_code"), int) else None
        ),
        "workers_reason": str(doc.get("workers_reason") or ""),
        "target_workers": (
            doc["target_workers"] if isinstance(doc.get("target_workers"), int) else None
        ),
        "machine": doc["machine"] if isinstance(doc.get("machine"), dict) else {},
        "cases": doc["cases"] if isinstance(doc.get("cases"), dict) else {},
        "inputs": doc["inputs"] if isinstance(doc.get("inputs"), dict) else {},
        "plan": plan,
        "journey": tuple(doc.get("journey") or ()),
        "versions": doc["versions"] if isinstance(doc.get("versions"), dict) else {},
        "load_generator": generator,
    }


def _exit_reason(raw: Any) -> ExitReason:
    try:
        return ExitReason(raw)
    except ValueError:
        finished = ", ".join(reason.value for reason in ExitReason if reason.finished)
        raise InputError(
            f"{RUN_JSON}: exit_reason: must be one of {finished} (got {raw!r})"
        ) from None


def _stairs(raw: dict[str, Any]) -> StairsRecord:
    raw_steps = _get(raw, "steps", list, "stairs")
    if not raw_steps:
        raise InputError(f"{RUN_JSON}: stairs.steps: must list at least one step (got [])")
    steps = tuple(_step(step, f"stairs.steps[{i}]") for i, step in enumerate(raw_steps))
    probes = raw.get("probes") or []
    if not isinstance(probes, list):
        raise InputError(f"{RUN_JSON}: stairs.probes: must be a list (got {probes!r})")
    return StairsRecord(
        steps=steps,
        start_users=int(number_field(raw, "start_users", "stairs", default=steps[0].users)),
        end_users=int(number_field(raw, "end_users", "stairs", default=steps[-1].users)),
        step_users=int(number_field(raw, "step_users", "stairs", default=0)),
        step_seconds=number_field(raw, "step_seconds", "stairs", default=0.0),
        hold_seconds=number_field(raw, "hold_seconds", "stairs", default=0.0),
        spawn_rate=number_field(raw, "spawn_rate", "stairs", default=0.0),
        total_seconds=number_field(raw, "total_seconds", "stairs", default=steps[-1].end_s),
        probes=tuple(_step(step, f"stairs.probes[{i}]") for i, step in enumerate(probes)),
    )


def _thresholds(raw: dict[str, Any]) -> Thresholds:
    return Thresholds(
        mtt_ms=number_field(raw, "mtt_ms", "thresholds", positive=True),
        error_rate=number_field(raw, "error_rate", "thresholds"),
    )


def _step(raw: Any, where: str) -> PlannedStep:
    if not isinstance(raw, dict):
        raise InputError(f"{RUN_JSON}: {where}: must be an object (got {raw!r})")
    start_s = number_field(raw, "start_s", where)
    ramp_end_s = number_field(raw, "ramp_end_s", where) if "ramp_end_s" in raw else start_s
    end_s = number_field(raw, "end_s", where)
    if not start_s <= ramp_end_s <= end_s:
        raise InputError(
            f"{RUN_JSON}: {where}: needs start_s <= ramp_end_s <= end_s "
            f"(got {start_s}, {ramp_end_s}, {end_s})"
        )
    return PlannedStep(
        step=int(number_field(raw, "step", where)),
        users=int(number_field(raw, "users", where)),
        start_s=start_s,
        ramp_end_s=ramp_end_s,
        end_s=end_s,
    )


def _get(doc: dict[str, Any], key: str, kind: type, parent: str = "") -> Any:
    where = f"{parent}.{key}" if parent else key
    if key not in doc:
        raise InputError(f"{RUN_JSON}: {where}: missing")
    value = doc[key]
    if not isinstance(value, kind):
        raise InputError(f"{RUN_JSON}: {where}: must be a JSON {kind.__name__} (got {value!r})")
    return value


_REQUIRED: Any = object()


def number_field(
    doc: dict[str, Any], key: str, parent: str, *, positive: bool = False, default: Any = _REQUIRED
) -> float:
    """``doc[key]`` as a number (>= 0, or > 0 when ``positive``); ``default`` when absent."""
    where = f"{parent}.{key}" if parent else key
    if key not in doc or (doc[key] is None and default is not _REQUIRED):
        if default is _REQUIRED:
            raise InputError(f"{RUN_JSON}: {where}: missing")
        return default
    value = doc[key]
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value == value
    if not ok or (positive and value <= 0) or (not positive and value < 0):
        rule = "a number > 0" if positive else "a number >= 0"
        raise InputError(f"{RUN_JSON}: {where}: must be {rule} (got {value!r})")
    return float(value)

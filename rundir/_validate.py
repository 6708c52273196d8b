"""Field-by-field checks of a parsed ``run.json``, through the one field reader (``Fields``).

Used by ``RunRecord.from_json``; a mistake is one ``ConfigError`` such as
``run.json: thresholds.mtt_ms: must be > 0 (got 0)``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rundir.files import RUN_JSON
from rundir.record import PlannedStep, StairsRecord, Thresholds
from rundir.states import ExitReason
from stairload.fields import Fields


def record_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """The ``RunRecord`` keyword arguments of ``doc``; ``ConfigError`` names a bad field."""
    top = Fields(RUN_JSON, "", doc)
    generator = Fields(RUN_JSON, "load_generator", doc.get("load_generator") or {})
    started_at = doc.get("started_at")
    if isinstance(started_at, str):
        try:
            datetime.fromisoformat(started_at)
        except ValueError:
            raise top.error("started_at", "not an ISO 8601 time", started_at) from None
    return {
        "stairs": _stairs(top.sub("stairs")),
        "thresholds": _thresholds(top.sub("thresholds")),
        "run_id": str(doc.get("run_id") or ""),
        "scenario": str(doc.get("scenario", "")),
        "case": str(doc.get("case", "")),
        "shape": str(doc.get("shape", "stairs")),
        "host": None if doc.get("host") is None else str(doc["host"]),
        "embedded_target": bool(doc.get("embedded_target", False)),
        "workers": _whole_or(doc, "workers", 0),
        "time_scale": top.number("time_scale", default=1.0),
        "users_scale": top.number("users_scale", default=1.0),
        "started_at": started_at if isinstance(started_at, str) else None,
        "ended_at": doc["ended_at"] if isinstance(doc.get("ended_at"), str) else None,
        "duration_seconds": optional_number(top, "duration_seconds"),
        "exit_reason": top.choice("exit_reason", ExitReason, ExitReason.COMPLETED),
        "exit_code": _whole_or(doc, "exit_code", None),
        "locust_exit_code": _whole_or(doc, "locust_exit_code", None),
        "workers_reason": str(doc.get("workers_reason") or ""),
        "target_workers": _whole_or(doc, "target_workers", None),
        "machine": _object(doc, "machine"),
        "cases": _object(doc, "cases"),
        "inputs": _object(doc, "inputs"),
        "plan": _object(doc, "plan"),
        "journey": tuple(doc.get("journey") or ()),
        "versions": _object(doc, "versions"),
        "load_generator": dict(generator.raw),
    }


def optional_number(fields: Fields, key: str) -> float | None:
    """A number >= 0 that may be absent or null (None then)."""
    if fields.raw.get(key) is None:
        return None
    return fields.number(key, inclusive=True)


def _stairs(fields: Fields) -> StairsRecord:
    steps = tuple(
        _step(Fields(RUN_JSON, f"stairs.steps[{i}]", raw)) for i, raw in enumerate(_list(fields))
    )
    probes = tuple(
        _step(Fields(RUN_JSON, f"stairs.probes[{i}]", raw))
        for i, raw in enumerate(fields.raw.get("probes") or ())
    )
    users = {"minimum": 0, "default": 0}
    return StairsRecord(
        steps=steps,
        start_users=fields.whole("start_users", minimum=0, default=steps[0].users),
        end_users=fields.whole("end_users", minimum=0, default=steps[-1].users),
        step_users=fields.whole("step_users", **users),
        step_seconds=fields.number("step_seconds", inclusive=True, default=0.0),
        hold_seconds=fields.number("hold_seconds", inclusive=True, default=0.0),
        spawn_rate=fields.number("spawn_rate", inclusive=True, default=0.0),
        total_seconds=fields.number("total_seconds", inclusive=True, default=steps[-1].end_s),
        probes=probes,
    )


def _list(fields: Fields) -> list[Any]:
    steps = fields.present("steps")
    if not isinstance(steps, list) or not steps:
        raise fields.error("steps", "must list at least one step", steps)
    return steps


def _thresholds(fields: Fields) -> Thresholds:
    return Thresholds(
        mtt_ms=fields.number("mtt_ms"),
        error_rate=fields.number("error_rate", inclusive=True),
    )


def _step(fields: Fields) -> PlannedStep:
    start_s = fields.number("start_s", inclusive=True)
    ramp_end_s = fields.number("ramp_end_s", inclusive=True, default=start_s)
    end_s = fields.number("end_s", inclusive=True)
    if not start_s <= ramp_end_s <= end_s:
        raise fields.error(
            "end_s", "needs start_s <= ramp_end_s <= end_s", (start_s, ramp_end_s, end_s)
        )
    return PlannedStep(
        step=fields.whole("step", minimum=0),
        users=fields.whole("users", minimum=0),
        start_s=start_s,
        ramp_end_s=ramp_end_s,
        end_s=end_s,
    )


def _whole_or(doc: dict[str, Any], key: str, default: int | None) -> int | None:
    value = doc.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _object(doc: dict[str, Any], key: str) -> dict[str, Any]:
    value = doc.get(key)
    return value if isinstance(value, dict) else {}

"""The checked shape of a parsed ``run.json``: pydantic models of ``stairload.core.models``.

Used by ``RunRecord.from_json``; a mistake is one ``ConfigError`` such as
``run.json: thresholds.mtt_ms: must be > 0 (got 0)``. Keys this version does not know are
ignored here (``RunRecord`` keeps the top-level ones as ``extras``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from stairload.core.models import (
    POSITIVE,
    AtLeastZero,
    LenientModel,
    OneOf,
    Whole,
    problem,
    validated,
)
from stairload.rundir.files import RUN_JSON
from stairload.rundir.record import PlannedStep, StairsRecord, Thresholds
from stairload.rundir.states import ExitReason

_Count = Annotated[int, Whole(minimum=0)]


def record_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """The ``RunRecord`` keyword arguments of ``doc``; ``ConfigError`` names a bad field."""
    record = validated(_RunModel, doc, RUN_JSON)
    started_at = doc.get("started_at")
    return {
        "stairs": record.stairs.record(),
        "thresholds": Thresholds(**record.thresholds.given()),
        "run_id": str(doc.get("run_id") or ""),
        "scenario": str(doc.get("scenario", "")),
        "case": str(doc.get("case", "")),
        "shape": str(doc.get("shape", "stairs")),
        "host": None if doc.get("host") is None else str(doc["host"]),
        "embedded_target": bool(doc.get("embedded_target", False)),
        "workers": _whole_or(doc, "workers", 0),
        "time_scale": record.time_scale,
        "users_scale": record.users_scale,
        "started_at": started_at if isinstance(started_at, str) else None,
        "ended_at": doc["ended_at"] if isinstance(doc.get("ended_at"), str) else None,
        "duration_seconds": record.duration_seconds,
        "exit_reason": record.exit_reason,
        "exit_code": _whole_or(doc, "exit_code", None),
        "locust_exit_code": _whole_or(doc, "locust_exit_code", None),
        "workers_reason": str(doc.get("workers_reason") or ""),
        "target_workers": _whole_or(doc, "target_workers", None),
        "target_cpus": record.target_cpus,
        "machine": _object(doc, "machine"),
        "cases": _object(doc, "cases"),
        "inputs": _object(doc, "inputs"),
        "plan": _object(doc, "plan"),
        "journey": tuple(doc.get("journey") or ()),
        "versions": _object(doc, "versions"),
        "load_generator": record.load_generator,
    }


class _StepModel(LenientModel):
    step: _Count
    users: _Count
    start_s: AtLeastZero
    ramp_end_s: AtLeastZero | None = None  # None: the step starts at its plateau
    end_s: AtLeastZero

    @model_validator(mode="after")
    def _in_order(self) -> _StepModel:
        times = (self.start_s, self.ramp_end_s, self.end_s)
        if not self.start_s <= self.ramp_end <= self.end_s:
            raise problem("needs start_s <= ramp_end_s <= end_s", at=("end_s",), got=times)
        return self

    @property
    def ramp_end(self) -> float:
        return self.start_s if self.ramp_end_s is None else self.ramp_end_s

    def step_record(self) -> PlannedStep:
        return PlannedStep(self.step, self.users, self.start_s, self.ramp_end, self.end_s)


class _StairsModel(LenientModel):
    steps: list[_StepModel]
    probes: list[_StepModel] = Field(default_factory=list)
    start_users: _Count | None = None  # None: the first step's
    end_users: _Count | None = None  # None: the last step's
    step_users: _Count = 0
    step_seconds: AtLeastZero = 0.0
    hold_seconds: AtLeastZero = 0.0
    spawn_rate: AtLeastZero = 0.0
    total_seconds: AtLeastZero | None = None  # None: when the last step ends

    @field_validator("steps", mode="before")
    @classmethod
    def _some_steps(cls, steps: Any) -> Any:
        if not isinstance(steps, list) or not steps:
            raise problem("must list at least one step")
        return steps

    @model_validator(mode="after")
    def _steps_in_order(self) -> _StairsModel:
        for name in ("steps", "probes"):
            steps = getattr(self, name)
            for index in range(1, len(steps)):
                before, step = steps[index - 1], steps[index]
                if step.step <= before.step or step.start_s < before.start_s:
                    raise problem(
                        f"must be in order: step numbers increasing, each starting no "
                        f"earlier than the one before (step {before.step} at "
                        f"{before.start_s:g} s)",
                        at=(name, index),
                        got={"step": step.step, "start_s": step.start_s},
                    )
        return self

    def record(self) -> StairsRecord:
        steps = tuple(step.step_record() for step in self.steps)
        return StairsRecord(
            steps=steps,
            start_users=steps[0].users if self.start_users is None else self.start_users,
            end_users=steps[-1].users if self.end_users is None else self.end_users,
            step_users=self.step_users,
            step_seconds=self.step_seconds,
            hold_seconds=self.hold_seconds,
            spawn_rate=self.spawn_rate,
            total_seconds=steps[-1].end_s if self.total_seconds is None else self.total_seconds,
            probes=tuple(step.step_record() for step in self.probes),
        )


class _ThresholdsModel(LenientModel):
    mtt_ms: Annotated[float, POSITIVE]
    error_rate: AtLeastZero


class _RunModel(LenientModel):
    stairs: _StairsModel
    thresholds: _ThresholdsModel
    started_at: Any = None
    time_scale: Annotated[float, POSITIVE] = 1.0
    users_scale: Annotated[float, POSITIVE] = 1.0
    duration_seconds: AtLeastZero | None = None
    target_cpus: Annotated[float, POSITIVE] | None = None
    exit_reason: Annotated[ExitReason, OneOf()] = ExitReason.COMPLETED
    load_generator: dict[str, Any] = Field(default_factory=dict)

    @field_validator("started_at")
    @classmethod
    def _iso_time(cls, started_at: Any) -> Any:
        if isinstance(started_at, str):
            try:
                datetime.fromisoformat(started_at)
            except ValueError:
                raise problem("not an ISO 8601 time") from None
        return started_at


def _whole_or(doc: dict[str, Any], key: str, default: int | None) -> int | None:
    value = doc.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _object(doc: dict[str, Any], key: str) -> dict[str, Any]:
    value = doc.get(key)
    return value if isinstance(value, dict) else {}

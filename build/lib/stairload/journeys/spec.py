"""The shape of a declarative journey in ``scenarios.yaml`` (pydantic models, no logic).

``stairload.journeys.load.parse_journey`` validates a scenario's raw mapping with these models,
then compiles templates and JMESPath and checks every variable is known.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from stairload.core.models import StrictModel, problem

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
JOURNEY_KEYS = ("vars", "data", "headers", "steps", "locustfile")

Scalar = str | int | float | bool


class _JourneyPart(StrictModel):
    """A mapping of a journey; its unknown keys are called fields."""

    key_word = "field"


class ExpectModel(_JourneyPart):
    """``expect:`` of a step: the accepted status codes and JMESPath checks on the body."""

    status: list[int] | None = None
    checks: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _one_status(cls, raw: Any) -> Any:
        status = raw.get("status") if isinstance(raw, dict) else None
        if isinstance(status, int):
            return {**raw, "status": [status]}
        if status is not None and not isinstance(status, list):
            raise problem("must be a status code or a list of them", at=("status",), got=status)
        return raw

    @field_validator("status")
    @classmethod
    def _http_statuses(cls, statuses: list[int] | None) -> list[int] | None:
        if statuses is not None:
            if not statuses:
                raise ValueError("must name at least one status")
            for status in statuses:
                if isinstance(status, bool) or not 100 <= status <= 599:
                    raise ValueError("each status must be between 100 and 599")
        return statuses


class CaptureModel(_JourneyPart):
    """One ``capture:`` entry: a JMESPath on the JSON body, and which match to keep."""

    path: str
    pick: Literal["first", "random"] = "first"


class StepModel(_JourneyPart):
    """One request of a journey."""

    request: str
    name: str | None = None
    headers: dict[str, Scalar] = Field(default_factory=dict)
    query: dict[str, Scalar] = Field(default_factory=dict)
    body: Any = Field(default=None, alias="json")
    expect: ExpectModel = Field(default_factory=ExpectModel)
    capture: dict[str, CaptureModel] = Field(default_factory=dict)
    think_seconds: float = Field(default=0.0, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _capture_shorthand(cls, raw: Any) -> Any:
        if not isinstance(raw, dict):
            raise problem("must be a mapping with at least 'request: METHOD /path'")
        capture = raw.get("capture")
        if isinstance(capture, dict):
            expanded = {
                variable: {"path": rule} if isinstance(rule, str) else rule
                for variable, rule in capture.items()
            }
            return {**raw, "capture": expanded}
        return raw

    @field_validator("request")
    @classmethod
    def _method_and_path(cls, request: str) -> str:
        method, _, path = request.strip().partition(" ")
        path = path.strip()
        if method not in METHODS:
            raise ValueError(f"must start with an HTTP method in capitals ({', '.join(METHODS)})")
        if not path.startswith("/") or " " in re.sub(r"\{[^{}]*\}", "", path):
            raise ValueError("must be 'METHOD /path' (the path starts with '/', no spaces)")
        return f"{method} {path}"

    @field_validator("name")
    @classmethod
    def _non_empty_name(cls, name: str | None) -> str | None:
        if name is not None and not name.strip():
            raise ValueError("must be a non-empty string")
        return name


class DataModel(_JourneyPart):
    """``data:`` of a scenario: a CSV file whose rows are handed to virtual users."""

    file: str
    pick: Literal["sequential", "random", "unique"] = "sequential"


class JourneyModel(_JourneyPart):
    """The journey part of a scenario: per-user variables, data, headers, steps, locustfile."""

    vars: dict[str, Scalar] = Field(default_factory=dict)
    data: DataModel | None = None
    headers: dict[str, Scalar] = Field(default_factory=dict)
    steps: list[StepModel] | None = None
    locustfile: str | None = None

    @field_validator("steps")
    @classmethod
    def _some_steps(cls, steps: list[StepModel] | None) -> list[StepModel] | None:
        if steps is not None and not steps:
            raise ValueError("must list at least one step")
        return steps

    @model_validator(mode="after")
    def _steps_or_locustfile(self) -> JourneyModel:
        if self.steps is None and self.locustfile is None:
            raise problem("a scenario needs 'steps' or a 'locustfile'", show=False)
        return self

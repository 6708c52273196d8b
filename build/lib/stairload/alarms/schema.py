"""The shape of the ``alarms:`` section (pydantic models), read by ``config.parse_alarms``.

Kept apart from ``stairload.alarms.config`` so that the SNS-to-Slack Lambda, which imports the
enums there, runs on the standard library alone.
"""

from __future__ import annotations

import zoneinfo
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from stairload.alarms.config import (
    MAX_EVALUATION_SECONDS,
    AlarmRule,
    AlarmSettings,
    Comparison,
    Language,
    Metric,
    MissingData,
)
from stairload.core.models import Number, OneOf, StrictModel, Text, Whole, problem, validated

_ONE_DAY = (
    f" (evaluation_periods x period_seconds <= {MAX_EVALUATION_SECONDS} s, CloudWatch's one day)"
)


def settings(raw: object, source: str) -> AlarmSettings:
    """The settings of a raw ``alarms:`` mapping; ``ConfigError`` names a bad field."""
    section = validated(_AlarmsModel, raw, source, "alarms")
    rules = tuple(rule.rule() for rule in section.rules)
    return AlarmSettings(**{**section.given(), "rules": rules})


class _RuleModel(StrictModel):
    name: Annotated[str, Text()]
    description: Annotated[str, Text(allow_empty=True)] = ""
    metric: Annotated[Metric, OneOf()]
    comparison: Annotated[Comparison, OneOf()]
    threshold: Annotated[float, Number(minimum=None)]
    period_seconds: Annotated[int, Whole(maximum=MAX_EVALUATION_SECONDS, why=_ONE_DAY)] = 60
    evaluation_periods: Annotated[int, Whole()] = 1
    datapoints_to_alarm: Annotated[int, Whole()] | None = None
    treat_missing_data: Annotated[MissingData, OneOf()] = MissingData.MISSING
    abort: bool = False

    def rule(self) -> AlarmRule:
        """The rule, ``datapoints_to_alarm`` defaulting to ``evaluation_periods``."""
        return AlarmRule(**{**self.given(), "datapoints_to_alarm": self._datapoints})

    @property
    def _datapoints(self) -> int:
        return self.datapoints_to_alarm or self.evaluation_periods

    @model_validator(mode="after")
    def _periods_fit(self) -> _RuleModel:
        most = MAX_EVALUATION_SECONDS // self.period_seconds
        if self.evaluation_periods > most:
            message = f"must be <= {most}{_ONE_DAY}"
            raise problem(message, at=("evaluation_periods",), got=self.evaluation_periods)
        if self._datapoints > self.evaluation_periods:
            message = f"must be <= evaluation_periods ({self.evaluation_periods})"
            raise problem(message, at=("datapoints_to_alarm",), got=self._datapoints)
        return self


class _AlarmsModel(StrictModel):
    # None: AlarmSettings' default
    webhook_env: Annotated[str, Text()] | None = None
    time_zone: Annotated[str, Text()] | None = None
    language: Annotated[Language, OneOf()] | None = None
    link: Annotated[str, Text(allow_empty=True)] | None = None
    rules: list[_RuleModel] = Field(default_factory=list)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, name: str | None) -> str | None:
        try:
            if name is not None:
                zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise problem("must be an IANA time zone such as Asia/Seoul") from None
        return name

    @model_validator(mode="after")
    def _unique_names(self) -> _AlarmsModel:
        seen: set[str] = set()
        for index, rule in enumerate(self.rules):
            if rule.name in seen:
                raise problem("must be unique", at=("rules", index, "name"), got=rule.name)
            seen.add(rule.name)
        return self

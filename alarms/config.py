"""The ``alarms:`` section of ``scenarios.yaml``, validated once into frozen settings."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from stairload.errors import ConfigError, did_you_mean
from stairload.models import Number, OneOf, StrictModel, Text, Whole, problem, validated


class Metric(StrEnum):
    """What a rule watches, aggregated over each period (see ``alarms.periods``)."""

    MTT_MS = "mtt_ms"
    P95_MS = "p95_ms"
    TPS = "tps"
    ERROR_RATE = "error_rate"
    USERS = "users"
    TARGET_CPU_PERCENT = "target_cpu_percent"


class Comparison(StrEnum):
    """CloudWatch's comparison operators for static thresholds."""

    GE = "GreaterThanOrEqualToThreshold"
    GT = "GreaterThanThreshold"
    LT = "LessThanThreshold"
    LE = "LessThanOrEqualToThreshold"

    @property
    def symbol(self) -> str:
        """The operator as it reads in a message: ``>=``, ``>``, ``<``, ``<=``."""
        return _SYMBOLS[self]


_SYMBOLS = {Comparison.GE: ">=", Comparison.GT: ">", Comparison.LT: "<", Comparison.LE: "<="}


class MissingData(StrEnum):
    """CloudWatch's four treatments of a period without a datapoint."""

    MISSING = "missing"
    IGNORE = "ignore"
    BREACHING = "breaching"
    NOT_BREACHING = "notBreaching"


class Language(StrEnum):
    """The language of the Slack message's labels and cause."""

    KO = "ko"
    EN = "en"


@dataclass(frozen=True)
class AlarmRule:
    """One threshold alarm: M of the last N period datapoints compared with a threshold."""

    name: str
    description: str
    metric: Metric
    comparison: Comparison
    threshold: float
    period_seconds: int
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing_data: MissingData
    abort: bool = False
    """Stop the run when this rule enters ALARM (k6's ``abortOnFail``)."""


@dataclass(frozen=True)
class AlarmSettings:
    """Where and how alarm state changes are announced, and the rules themselves."""

    webhook_env: str = "SLACK_WEBHOOK_URL"
    time_zone: str = "Asia/Seoul"
    language: Language = Language.KO
    link: str = ""
    rules: tuple[AlarmRule, ...] = ()

    def with_abort_on(self, names: tuple[str, ...], source: str = "--abort-on") -> AlarmSettings:
        """The same rules, those named also aborting the run; an unknown name is an error."""
        known = [rule.name for rule in self.rules]
        for name in names:
            if name not in known:
                hint = did_you_mean(name, known)
                allowed = ", ".join(known) if known else "none configured"
                raise ConfigError(
                    source, "", f"no alarm rule named {name!r} (rules: {allowed}){hint}"
                )
        rules = tuple(replace(rule, abort=rule.abort or rule.name in names) for rule in self.rules)
        return replace(self, rules=rules)

    def with_time_scale(self, time_scale: float) -> AlarmSettings:
        """The same rules with every period multiplied by ``time_scale`` (at least 1 s)."""
        rules = tuple(
            replace(rule, period_seconds=max(1, round(rule.period_seconds * time_scale)))
            for rule in self.rules
        )
        return replace(self, rules=rules)


def parse_alarms(raw: object, source: str) -> AlarmSettings:
    """Validate the raw ``alarms:`` mapping; ``None`` means no rules. Raises ``ConfigError``."""
    if raw is None:
        return AlarmSettings()
    section = validated(_AlarmsModel, raw, source, "alarms")
    settings = section.model_dump(exclude={"rules"}, exclude_none=True)
    rules = tuple(rule.rule() for rule in section.rules)
    return AlarmSettings(**settings, rules=rules)


MAX_EVALUATION_SECONDS = 86_400
"""CloudWatch's limit: evaluation periods times the period length cannot exceed one day."""
_ONE_DAY = (
    f" (evaluation_periods x period_seconds <= {MAX_EVALUATION_SECONDS} s, CloudWatch's one day)"
)


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
        return AlarmRule(**{**self.model_dump(), "datapoints_to_alarm": self._datapoints})

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

"""The ``alarms:`` section of ``scenarios.yaml``, validated once into frozen settings."""

from __future__ import annotations

import difflib
import math
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, TypeVar

from stairload.errors import ConfigError

_E = TypeVar("_E", bound=StrEnum)


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


@dataclass(frozen=True)
class AlarmSettings:
    """Where and how alarm state changes are announced, and the rules themselves."""

    webhook_env: str = "SLACK_WEBHOOK_URL"
    time_zone: str = "Asia/Seoul"
    language: Language = Language.KO
    link: str = ""
    rules: tuple[AlarmRule, ...] = ()

    def with_time_scale(self, time_scale: float) -> AlarmSettings:
        """The same rules with every period multiplied by ``time_scale`` (at least 1 s)."""
        rules = tuple(
            replace(rule, period_seconds=max(1, round(rule.period_seconds * time_scale)))
            for rule in self.rules
        )
        return replace(self, rules=rules)


_TOP_KEYS = ("webhook_env", "time_zone", "language", "link", "rules")
_RULE_KEYS = (
    "name",
    "description",
    "metric",
    "comparison",
    "threshold",
    "period_seconds",
    "evaluation_periods",
    "datapoints_to_alarm",
    "treat_missing_data",
)


def parse_alarms(raw: object, source: str) -> AlarmSettings:
    """Validate the raw ``alarms:`` mapping; ``None`` means no rules. Raises ``ConfigError``."""
    if raw is None:
        return AlarmSettings()
    top = _Mapping(source, "alarms", raw, _TOP_KEYS)
    rules_raw = top.raw.get("rules")
    if rules_raw is None:
        rules_raw = []
    if not isinstance(rules_raw, list):
        raise top.error("rules", "must be a list", rules_raw)
    rules = tuple(
        _rule(_Mapping(source, f"alarms.rules[{index}]", item, _RULE_KEYS))
        for index, item in enumerate(rules_raw)
    )
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        if rule.name in seen:
            raise ConfigError(source, f"alarms.rules[{index}].name", "must be unique", rule.name)
        seen.add(rule.name)
    return AlarmSettings(
        webhook_env=top.text("webhook_env", "SLACK_WEBHOOK_URL"),
        time_zone=_time_zone(top),
        language=top.choice("language", Language, Language.KO),
        link=top.text("link", "", allow_empty=True),
        rules=rules,
    )


MAX_EVALUATION_SECONDS = 86_400
"""CloudWatch's limit: evaluation periods times the period length cannot exceed one day."""


def _rule(fields: _Mapping) -> AlarmRule:
    period_seconds = fields.whole("period_seconds", 60, maximum=MAX_EVALUATION_SECONDS)
    evaluation_periods = fields.whole(
        "evaluation_periods", 1, maximum=MAX_EVALUATION_SECONDS // period_seconds
    )
    datapoints_to_alarm = fields.whole("datapoints_to_alarm", evaluation_periods)
    if datapoints_to_alarm > evaluation_periods:
        raise fields.error(
            "datapoints_to_alarm",
            f"must be <= evaluation_periods ({evaluation_periods})",
            datapoints_to_alarm,
        )
    return AlarmRule(
        name=fields.text("name", None),
        description=fields.text("description", "", allow_empty=True),
        metric=fields.choice("metric", Metric, None),
        comparison=fields.choice("comparison", Comparison, None),
        threshold=fields.number("threshold"),
        period_seconds=period_seconds,
        evaluation_periods=evaluation_periods,
        datapoints_to_alarm=datapoints_to_alarm,
        treat_missing_data=fields.choice("treat_missing_data", MissingData, MissingData.MISSING),
    )


def _time_zone(top: _Mapping) -> str:
    name = top.text("time_zone", "Asia/Seoul")
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise top.error("time_zone", "must be an IANA time zone such as Asia/Seoul", name) from None
    return name


class _Mapping:
    """A mapping at a field path whose keys are read one typed value at a time."""

    def __init__(self, source: str, path: str, raw: object, allowed: tuple[str, ...]) -> None:
        if not isinstance(raw, Mapping):
            raise ConfigError(source, path, "must be a mapping", raw)
        self.source = source
        self.path = path
        self.raw: Mapping[str, Any] = raw
        for key in raw:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise ConfigError(
                    source, f"{path}.{key}", f"unknown key; allowed: {', '.join(allowed)}{hint}"
                )

    def error(self, key: str, message: str, value: object) -> ConfigError:
        return ConfigError(self.source, f"{self.path}.{key}", message, value)

    def _get(self, key: str, default: object) -> object:
        value = self.raw.get(key)
        if value is None:
            if default is None:
                raise ConfigError(self.source, f"{self.path}.{key}", "is required")
            return default
        return value

    def text(self, key: str, default: str | None, *, allow_empty: bool = False) -> str:
        value = self._get(key, default)
        if not isinstance(value, str) or (not allow_empty and not value.strip()):
            raise self.error(key, "must be a non-empty string", value)
        return value

    def number(self, key: str) -> float:
        value = self._get(key, None)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise self.error(key, "must be a number", value)
        return float(value)

    def whole(self, key: str, default: int, *, maximum: int | None = None) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, "must be a whole number", value)
        if value < 1:
            raise self.error(key, "must be >= 1", value)
        if maximum is not None and value > maximum:
            raise self.error(
                key,
                f"must be <= {maximum} (evaluation_periods x period_seconds <= "
                f"{MAX_EVALUATION_SECONDS} s, CloudWatch's one day)",
                value,
            )
        return value

    def choice(self, key: str, kind: type[_E], default: _E | None) -> _E:
        value = self._get(key, default)
        allowed = [member.value for member in kind]
        if value not in allowed:
            close = difflib.get_close_matches(str(value), allowed, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise self.error(key, f"must be one of {', '.join(allowed)}{hint}", value)
        return kind(value)

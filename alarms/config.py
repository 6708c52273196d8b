"""The ``alarms:`` section of ``scenarios.yaml``, validated once into frozen settings."""

from __future__ import annotations

import difflib
import zoneinfo
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

from stairload.errors import ConfigError
from stairload.fields import Fields

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
                close = difflib.get_close_matches(name, known, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
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
    "abort",
)


def parse_alarms(raw: object, source: str) -> AlarmSettings:
    """Validate the raw ``alarms:`` mapping; ``None`` means no rules. Raises ``ConfigError``."""
    if raw is None:
        return AlarmSettings()
    top = Fields(source, "alarms", raw, _TOP_KEYS)
    rules_raw = top.raw.get("rules")
    if rules_raw is None:
        rules_raw = []
    if not isinstance(rules_raw, list):
        raise top.error("rules", "must be a list", rules_raw)
    rules = tuple(
        _rule(Fields(source, f"alarms.rules[{index}]", item, _RULE_KEYS))
        for index, item in enumerate(rules_raw)
    )
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        if rule.name in seen:
            raise ConfigError(source, f"alarms.rules[{index}].name", "must be unique", rule.name)
        seen.add(rule.name)
    return AlarmSettings(
        webhook_env=top.text("webhook_env", default="SLACK_WEBHOOK_URL"),
        time_zone=_time_zone(top),
        language=top.choice("language", Language, Language.KO),
        link=top.text("link", default="", allow_empty=True),
        rules=rules,
    )


MAX_EVALUATION_SECONDS = 86_400
"""CloudWatch's limit: evaluation periods times the period length cannot exceed one day."""
_ONE_DAY = (
    f" (evaluation_periods x period_seconds <= {MAX_EVALUATION_SECONDS} s, CloudWatch's one day)"
)


def _rule(fields: Fields) -> AlarmRule:
    period_seconds = fields.whole(
        "period_seconds", default=60, maximum=MAX_EVALUATION_SECONDS, why_maximum=_ONE_DAY
    )
    evaluation_periods = fields.whole(
        "evaluation_periods",
        default=1,
        maximum=MAX_EVALUATION_SECONDS // period_seconds,
        why_maximum=_ONE_DAY,
    )
    datapoints_to_alarm = fields.whole("datapoints_to_alarm", default=evaluation_periods)
    if datapoints_to_alarm > evaluation_periods:
        raise fields.error(
            "datapoints_to_alarm",
            f"must be <= evaluation_periods ({evaluation_periods})",
            datapoints_to_alarm,
        )
    return AlarmRule(
        name=fields.text("name"),
        description=fields.text("description", default="", allow_empty=True),
        metric=fields.choice("metric", Metric),
        comparison=fields.choice("comparison", Comparison),
        threshold=fields.number("threshold", minimum=None),
        period_seconds=period_seconds,
        evaluation_periods=evaluation_periods,
        datapoints_to_alarm=datapoints_to_alarm,
        treat_missing_data=fields.choice("treat_missing_data", MissingData, MissingData.MISSING),
        abort=fields.flag("abort"),
    )


def _time_zone(top: Fields) -> str:
    name = top.text("time_zone", default="Asia/Seoul")
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise top.error("time_zone", "must be an IANA time zone such as Asia/Seoul", name) from None
    return name

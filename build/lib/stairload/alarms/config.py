"""The ``alarms:`` section of ``scenarios.yaml``, validated once into frozen settings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from stairload.core.errors import ConfigError, did_you_mean


class Metric(StrEnum):
    """What a rule watches, aggregated over each period (see ``stairload.alarms.periods``)."""

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
    from stairload.alarms.schema import settings  # pydantic: not for the Lambda, which never parses

    return settings(raw, source)


MAX_EVALUATION_SECONDS = 86_400
"""CloudWatch's limit: evaluation periods times the period length cannot exceed one day."""

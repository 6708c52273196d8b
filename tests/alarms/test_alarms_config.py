"""The alarms: section of scenarios.yaml, validated into AlarmSettings."""

from __future__ import annotations

from typing import Any

import pytest

from stairload.alarms.config import (
    AlarmSettings,
    Comparison,
    Language,
    Metric,
    MissingData,
    parse_alarms,
)
from stairload.core.errors import ConfigError

RULE = {
    "name": "MTT over target",
    "description": "Mean response time at or above 500 ms",
    "metric": "mtt_ms",
    "comparison": "GreaterThanOrEqualToThreshold",
    "threshold": 500,
    "period_seconds": 60,
    "evaluation_periods": 3,
    "datapoints_to_alarm": 3,
    "treat_missing_data": "missing",
}


def _with(**changes: Any) -> dict[str, Any]:
    rule = {**RULE, **changes}
    return {"rules": [{key: value for key, value in rule.items() if value is not ...}]}


def test_full_section_parses_into_frozen_settings() -> None:
    """Every documented key is read into typed settings."""
    settings = parse_alarms(
        {
            "webhook_env": "HOOK",
            "time_zone": "UTC",
            "language": "en",
            "link": "http://x/",
            **_with(),
        },
        "scenarios.yaml",
    )
    rule = settings.rules[0]
    assert (settings.webhook_env, settings.time_zone, settings.language, settings.link) == (
        "HOOK",
        "UTC",
        Language.EN,
        "http://x/",
    )
    assert (rule.metric, rule.comparison, rule.threshold) == (Metric.MTT_MS, Comparison.GE, 500.0)
    assert (rule.period_seconds, rule.evaluation_periods, rule.datapoints_to_alarm) == (60, 3, 3)
    assert rule.treat_missing_data is MissingData.MISSING


def test_missing_section_means_no_rules_and_defaults() -> None:
    """No alarms: section gives the defaults and no rules."""
    assert parse_alarms(None, "scenarios.yaml") == AlarmSettings()
    assert AlarmSettings().time_zone == "Asia/Seoul"


def test_optional_rule_keys_take_cloudwatch_defaults() -> None:
    """datapoints_to_alarm defaults to evaluation_periods, missing data to missing."""
    rule = parse_alarms(
        _with(datapoints_to_alarm=..., treat_missing_data=..., description=...), "s.yaml"
    ).rules[0]
    assert (rule.datapoints_to_alarm, rule.treat_missing_data, rule.description) == (
        3,
        MissingData.MISSING,
        "",
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            _with(comparison="Bigger"),
            "scenarios.yaml: alarms.rules[0].comparison: must be one of "
            "GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, "
            "LessThanOrEqualToThreshold (got 'Bigger')",
        ),
        (
            _with(threshold="high"),
            "scenarios.yaml: alarms.rules[0].threshold: must be a number (got 'high')",
        ),
        (
            _with(threshold=True),
            "scenarios.yaml: alarms.rules[0].threshold: must be a number (got True)",
        ),
        (
            _with(metric="mtt"),
            "scenarios.yaml: alarms.rules[0].metric: must be one of mtt_ms, p95_ms, tps, "
            "error_rate, users, target_cpu_percent; did you mean 'mtt_ms'? (got 'mtt')",
        ),
        (
            _with(treat_missing_data="notbreaching"),
            "scenarios.yaml: alarms.rules[0].treat_missing_data: must be one of missing, ignore, "
            "breaching, notBreaching; did you mean 'notBreaching'? (got 'notbreaching')",
        ),
        (
            _with(datapoints_to_alarm=4),
            "scenarios.yaml: alarms.rules[0].datapoints_to_alarm: must be <= "
            "evaluation_periods (3) (got 4)",
        ),
        (
            _with(period_seconds=0),
            "scenarios.yaml: alarms.rules[0].period_seconds: must be >= 1 (got 0)",
        ),
        (
            _with(period_seconds=1.5),
            "scenarios.yaml: alarms.rules[0].period_seconds: must be a whole number (got 1.5)",
        ),
        (
            _with(evaluation_periods=10**30),
            "scenarios.yaml: alarms.rules[0].evaluation_periods: must be <= 1440 "
            "(evaluation_periods x period_seconds <= 86400 s, CloudWatch's one day) "
            "(got 1000000000000000000000000000000)",
        ),
        (
            _with(period_seconds=86_401),
            "scenarios.yaml: alarms.rules[0].period_seconds: must be <= 86400 "
            "(evaluation_periods x period_seconds <= 86400 s, CloudWatch's one day) (got 86401)",
        ),
        (
            _with(threshold=float("inf")),
            "scenarios.yaml: alarms.rules[0].threshold: must be a finite number (got inf)",
        ),
        (
            _with(abort="yes"),
            "scenarios.yaml: alarms.rules[0].abort: must be true or false (got 'yes')",
        ),
        (_with(name=...), "scenarios.yaml: alarms.rules[0].name: is required"),
        (
            {"rules": [RULE, RULE]},
            "scenarios.yaml: alarms.rules[1].name: must be unique (got 'MTT over target')",
        ),
        ({"rules": {"a": 1}}, "scenarios.yaml: alarms.rules: must be a list (got {'a': 1})"),
        ([1], "scenarios.yaml: alarms: must be a mapping (got [1])"),
        (
            {"language": "english"},
            "scenarios.yaml: alarms.language: must be one of ko, en (got 'english')",
        ),
        (
            {"time_zone": "Mars/Olympus"},
            "scenarios.yaml: alarms.time_zone: must be an IANA time "
            "zone such as Asia/Seoul (got 'Mars/Olympus')",
        ),
    ],
)
def test_bad_values_name_file_field_and_value(raw: object, message: str) -> None:
    """Each mistake is one ConfigError naming the file, the field path and the value."""
    with pytest.raises(ConfigError) as caught:
        parse_alarms(raw, "scenarios.yaml")
    assert str(caught.value) == message


def test_unknown_key_suggests_the_closest() -> None:
    """A misspelt key is rejected with a did-you-mean."""
    raw = {"rules": [{**RULE, "treshold": 5}]}
    with pytest.raises(
        ConfigError,
        match=r"alarms\.rules\[0\]\.treshold: unknown key; .*"
        r"did you mean 'threshold'\?$",
    ):
        parse_alarms(raw, "scenarios.yaml")


def test_time_scale_shrinks_periods_to_at_least_one_second() -> None:
    """with_time_scale multiplies every period and never goes below 1 s."""
    settings = parse_alarms(_with(), "s.yaml")
    assert settings.with_time_scale(0.05).rules[0].period_seconds == 3
    assert settings.with_time_scale(0.001).rules[0].period_seconds == 1


def test_abort_defaults_to_false_and_reads_true() -> None:
    """abort is off unless the rule says abort: true."""
    assert parse_alarms(_with(), "s.yaml").rules[0].abort is False
    assert parse_alarms(_with(abort=True), "s.yaml").rules[0].abort is True


def test_abort_on_names_rules_and_refuses_unknown_ones() -> None:
    """--abort-on NAME turns abort on for that rule; an unknown name is one error."""
    settings = parse_alarms(_with(), "s.yaml")
    assert settings.with_abort_on(("MTT over target",)).rules[0].abort is True
    with pytest.raises(ConfigError) as caught:
        settings.with_abort_on(("MTT over targt",))
    assert str(caught.value) == (
        "--abort-on: no alarm rule named 'MTT over targt' (rules: MTT over target); "
        "did you mean 'MTT over target'?"
    )

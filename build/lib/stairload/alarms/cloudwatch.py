"""An SNS event carrying a CloudWatch alarm state change, turned into a Slack payload.

Handles static-threshold alarms (``Trigger.MetricName`` + ``ComparisonOperator``) and
anomaly-detection alarms (``Trigger.Metrics`` with an ``ANOMALY_DETECTION_BAND(m1, W)``
expression). Anything else that is not what CloudWatch sends raises ``EventError`` naming
the field, and nothing is posted.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from stairload.alarms.config import Comparison, Language
from stairload.alarms.slack import STATES, AlarmMessage, slack_payload
from stairload.alarms.wording import band_cause, threshold_cause
from stairload.core.errors import InputError

_BAND = re.compile(r"ANOMALY_DETECTION_BAND\(\s*(\w+)\s*(?:,\s*([0-9.]+)\s*)?\)")
_ARN_REGION = re.compile(r"^arn:[\w-]+:cloudwatch:([a-z0-9-]+):")
# SNS carries the region's display name too ("Asia Pacific (Seoul)"); used when the ARN has none.
_REGION_NAMES = {
    "US East (N. Virginia)": "us-east-1",
    "US East (Ohio)": "us-east-2",
    "US West (N. California)": "us-west-1",
    "US West (Oregon)": "us-west-2",
    "Asia Pacific (Seoul)": "ap-northeast-2",
    "Asia Pacific (Tokyo)": "ap-northeast-1",
    "Asia Pacific (Osaka)": "ap-northeast-3",
    "Asia Pacific (Singapore)": "ap-southeast-1",
    "Asia Pacific (Sydney)": "ap-southeast-2",
    "Asia Pacific (Mumbai)": "ap-south-1",
    "Asia Pacific (Hong Kong)": "ap-east-1",
    "Canada (Central)": "ca-central-1",
    "EU (Frankfurt)": "eu-central-1",
    "EU (Ireland)": "eu-west-1",
    "EU (London)": "eu-west-2",
    "EU (Paris)": "eu-west-3",
    "EU (Stockholm)": "eu-north-1",
    "South America (Sao Paulo)": "sa-east-1",
}
_OPERATORS = {member.value: member.symbol for member in Comparison}


class EventError(InputError):
    """An SNS event or CloudWatch alarm message is not what CloudWatch sends."""


def alarm_from_event(event: object) -> Mapping[str, Any]:
    """The CloudWatch alarm message inside the first record of an SNS event."""
    records = _get(event, "Records", "(event)", list)
    if not records:
        raise EventError("Records: must hold at least one record")
    sns = _get(_get(records, 0, "Records", Mapping), "Sns", "Records[0]", Mapping)
    message = _get(sns, "Message", "Records[0].Sns", str | Mapping)
    if isinstance(message, str):
        try:
            message = json.loads(message)
        except json.JSONDecodeError as error:
            raise EventError(f"Records[0].Sns.Message: not valid JSON ({error.msg})") from None
    if not isinstance(message, Mapping):
        raise EventError("Records[0].Sns.Message: must be a JSON object")
    return message


def message_from_alarm(alarm: Mapping[str, Any], language: Language) -> AlarmMessage:
    """The words of a CloudWatch alarm message, validated field by field."""
    name = _get(alarm, "AlarmName", "Message", str)
    states = [_get(alarm, key, "Message", str) for key in ("OldStateValue", "NewStateValue")]
    for key, state in zip(("OldStateValue", "NewStateValue"), states, strict=True):
        if state not in STATES:
            raise EventError(f"Message.{key}: must be one of {', '.join(STATES)} (got {state!r})")
    return AlarmMessage(
        name=name,
        description=alarm.get("AlarmDescription") or "",
        cause=_cause(_get(alarm, "Trigger", "Message", Mapping), language),
        old_state=states[0],
        new_state=states[1],
        changed_at=_time(_get(alarm, "StateChangeTime", "Message", str)),
        link=console_link(name, region_of(alarm)),
    )


def slack_payload_from_event(
    event: object, language: Language = Language.KO, time_zone: str = "Asia/Seoul"
) -> dict[str, Any]:
    """The Slack webhook body for an SNS event; ``EventError`` when the event is malformed."""
    message = message_from_alarm(alarm_from_event(event), language)
    return slack_payload(message, language, time_zone)


def region_of(alarm: Mapping[str, Any]) -> str | None:
    """The region code, from ``AlarmArn``, else from the ``Region`` display name."""
    match = _ARN_REGION.match(str(alarm.get("AlarmArn") or ""))
    if match:
        return match.group(1)
    return _REGION_NAMES.get(str(alarm.get("Region") or ""))


def console_link(name: str, region: str | None) -> str:
    """The CloudWatch console page of the alarm called ``name``."""
    query = f"?region={region}" if region else ""
    return (
        f"https://console.aws.amazon.com/cloudwatch/home{query}"
        f"#alarmsV2:alarm/{urllib.parse.quote(name, safe='')}"
    )


def _cause(trigger: Mapping[str, Any], language: Language) -> str:
    metrics = trigger.get("Metrics")
    periods = _whole(trigger, "EvaluationPeriods", "Message.Trigger")
    datapoints = trigger.get("DatapointsToAlarm") or periods
    if metrics is not None:
        return _band_cause(trigger, metrics, periods, datapoints, language)
    operator = _get(trigger, "ComparisonOperator", "Message.Trigger", str)
    if operator not in _OPERATORS:
        raise EventError(
            f"Message.Trigger.ComparisonOperator: must be one of {', '.join(_OPERATORS)} "
            f"(got {operator!r})"
        )
    return threshold_cause(
        language,
        breaching=datapoints,
        periods=periods,
        period_seconds=_whole(trigger, "Period", "Message.Trigger"),
        metric=_get(trigger, "MetricName", "Message.Trigger", str),
        symbol=_OPERATORS[operator],
        threshold=_number(trigger, "Threshold", "Message.Trigger"),
    )


def _band_cause(
    trigger: Mapping[str, Any], metrics: object, periods: int, datapoints: int, language: Language
) -> str:
    if not isinstance(metrics, Sequence) or isinstance(metrics, str):
        raise EventError("Message.Trigger.Metrics: must be a list")
    by_id = {item.get("Id"): item for item in metrics if isinstance(item, Mapping)}
    for item in by_id.values():
        match = _BAND.search(str(item.get("Expression") or ""))
        if match:
            break
    else:
        raise EventError("Message.Trigger.Metrics: no ANOMALY_DETECTION_BAND expression")
    metric_id, width = match.group(1), match.group(2) or "2"
    where = f"Message.Trigger.Metrics[Id={metric_id}]"
    stat = _get(
        _get(by_id, metric_id, "Message.Trigger.Metrics", Mapping), "MetricStat", where, Mapping
    )
    metric = _get(
        _get(stat, "Metric", f"{where}.MetricStat", Mapping),
        "MetricName",
        f"{where}.MetricStat.Metric",
        str,
    )
    period = trigger.get("Period") or _whole(stat, "Period", f"{where}.MetricStat")
    return band_cause(
        language,
        breaching=datapoints,
        periods=periods,
        period_seconds=period,
        metric=metric,
        width=width,
    )


def _time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise EventError(f"Message.StateChangeTime: not an ISO 8601 time (got {text!r})") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _get(container: object, key: str | int, where: str, kind: Any) -> Any:
    if isinstance(key, int):
        value = container[key] if isinstance(container, list) and len(container) > key else None
        path = f"{where}[{key}]"
    else:
        if not isinstance(container, Mapping):
            raise EventError(f"{where}: must be a JSON object")
        value = container.get(key)
        path = key if where == "(event)" else f"{where}.{key}"
    if value is None:
        raise EventError(f"{path}: is missing")
    if not isinstance(value, kind):
        raise EventError(f"{path}: has the wrong type (got {value!r:.60})")
    return value


def _whole(container: Mapping[str, Any], key: str, where: str) -> int:
    value = _get(container, key, where, int)
    if isinstance(value, bool) or value < 1:
        raise EventError(f"{where}.{key}: must be a whole number >= 1 (got {value!r})")
    return value


def _number(container: Mapping[str, Any], key: str, where: str) -> float:
    value = _get(container, key, where, int | float)
    if isinstance(value, bool):
        raise EventError(f"{where}.{key}: must be a number (got {value!r})")
    return float(value)

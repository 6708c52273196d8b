"""SNS events carrying CloudWatch alarms, turned into the Slack payload of the source story."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from stairload.alarms.cloudwatch import (
    EventError,
    console_link,
    region_of,
    slack_payload_from_event,
)
from stairload.alarms.config import Language

FIXTURES = Path(__file__).parent / "fixtures"

SEED_LINK = (
    "https://console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#alarmsV2:alarm/"
    "Auto%20Scaling%20CPU%20%EC%95%8C%EB%9E%8C%20%2870%25%20%EC%B4%88%EA%B3%BC%29"
)
SEED_PAYLOAD_KO = {
    "attachments": [
        {
            "title": "[Auto Scaling CPU 알람 (70% 초과)]",
            "color": "danger",
            "fields": [
                {"title": "언제", "value": "2024-12-09 00:00:00"},
                {"title": "설명", "value": "Aurora Auto Scaling CPU 알람 (70% 초과)"},
                {
                    "title": "원인",
                    "value": "최근 3분 동안 3개 구간 중 3개 구간에서 CPUUtilization >= 7",
                },
                {"title": "이전 상태", "value": "정상", "short": True},
                {"title": "현재 상태", "value": "*위험*", "short": True},
                {"title": "바로가기", "value": SEED_LINK},
            ],
        }
    ]
}


def _with_alarm(event: dict[str, Any], **changes: Any) -> dict[str, Any]:
    event = copy.deepcopy(event)
    alarm = json.loads(event["Records"][0]["Sns"]["Message"])
    alarm.update(changes)
    event["Records"][0]["Sns"]["Message"] = json.dumps(alarm)
    return event


def test_seed_event_gives_the_korean_message(seed_event: dict[str, Any]) -> None:
    """The seed's test event becomes the exact Korean payload, the time in KST."""
    assert slack_payload_from_event(seed_event) == SEED_PAYLOAD_KO


def test_seed_event_in_english(seed_event: dict[str, Any]) -> None:
    """English labels and cause, same time and link."""
    fields = slack_payload_from_event(seed_event, Language.EN)["attachments"][0]["fields"]
    assert [(f["title"], f["value"]) for f in fields[:5]] == [
        ("When", "2024-12-09 00:00:00"),
        ("Description", "Aurora Auto Scaling CPU 알람 (70% 초과)"),
        ("Cause", "3 of 3 datapoints in 3 minutes: CPUUtilization >= 7"),
        ("Previous state", "OK"),
        ("Current state", "*Alarm*"),
    ]


def test_time_zone_is_configurable(seed_event: dict[str, Any]) -> None:
    """The when field follows the time zone asked for."""
    payload = slack_payload_from_event(seed_event, Language.EN, "UTC")
    assert payload["attachments"][0]["fields"][0]["value"] == "2024-12-08 15:00:00"


@pytest.mark.parametrize(
    ("state", "color", "word"),
    [("OK", "good", "*정상*"), ("INSUFFICIENT_DATA", "warning", "*데이터 부족*")],
)
def test_color_and_state_word_follow_the_new_state(
    seed_event: dict[str, Any], state: str, color: str, word: str
) -> None:
    """OK is good (green), INSUFFICIENT_DATA a warning (yellow)."""
    attachment = slack_payload_from_event(_with_alarm(seed_event, NewStateValue=state))
    assert attachment["attachments"][0]["color"] == color
    assert attachment["attachments"][0]["fields"][4]["value"] == word


def test_anomaly_band_alarm_names_metric_and_band_width() -> None:
    """An ANOMALY_DETECTION_BAND alarm's cause names the metric and the band width."""
    event = json.loads((FIXTURES / "anomaly_band_event.json").read_text(encoding="utf-8"))
    attachment = slack_payload_from_event(event, Language.EN)["attachments"][0]
    assert attachment["color"] == "danger"
    assert attachment["fields"][2]["value"] == (
        "2 of 3 datapoints in 15 minutes: TargetResponseTime outside "
        "the anomaly detection band (width 2.5)"
    )
    assert attachment["fields"][3]["value"] == "Insufficient data"
    assert attachment["fields"][5]["value"].endswith(
        "?region=ap-northeast-2#alarmsV2:alarm/API%20latency%20anomaly"
    )


def test_region_comes_from_the_arn_first() -> None:
    """The ARN's region wins over the display name; unknown names give no region."""
    arn = "arn:aws:cloudwatch:us-west-2:123456789012:alarm:x"
    assert region_of({"AlarmArn": arn, "Region": "Asia Pacific (Seoul)"}) == "us-west-2"
    assert region_of({"AlarmArn": "{Cloud Watch ARN}", "Region": "Asia Pacific (Seoul)"}) == (
        "ap-northeast-2"
    )
    assert region_of({"AlarmArn": "x", "Region": "Moon (Base)"}) is None
    assert (
        console_link("a b", None)
        == "https://console.aws.amazon.com/cloudwatch/home#alarmsV2:alarm/a%20b"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.pop("Records"), "Records: is missing"),
        (lambda e: e.update(Records=[]), "Records: must hold at least one record"),
        (lambda e: e["Records"][0].pop("Sns"), "Records[0].Sns: is missing"),
        (
            lambda e: e["Records"][0]["Sns"].update(Message="{nope"),
            "Records[0].Sns.Message: not valid JSON "
            "(Expecting property name enclosed in double quotes)",
        ),
        (
            lambda e: e["Records"][0]["Sns"].update(Message="[1]"),
            "Records[0].Sns.Message: must be a JSON object",
        ),
    ],
)
def test_malformed_event_is_one_line_naming_the_field(
    seed_event: dict[str, Any], change: Any, message: str
) -> None:
    """A malformed event raises EventError naming the field."""
    change(seed_event)
    with pytest.raises(EventError) as caught:
        slack_payload_from_event(seed_event)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"NewStateValue": "BAD"},
            "Message.NewStateValue: must be one of ALARM, INSUFFICIENT_DATA, OK (got 'BAD')",
        ),
        (
            {"StateChangeTime": "yesterday"},
            "Message.StateChangeTime: not an ISO 8601 time (got 'yesterday')",
        ),
        ({"Trigger": {"EvaluationPeriods": 3}}, "Message.Trigger.ComparisonOperator: is missing"),
        ({"AlarmName": None}, "Message.AlarmName: is missing"),
    ],
)
def test_malformed_alarm_is_one_line_naming_the_field(
    seed_event: dict[str, Any], changes: dict[str, Any], message: str
) -> None:
    """A malformed alarm message raises EventError naming the field."""
    with pytest.raises(EventError) as caught:
        slack_payload_from_event(_with_alarm(seed_event, **changes))
    assert str(caught.value) == message

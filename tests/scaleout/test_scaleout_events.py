"""Scaling events: one JSON line each in scaling.jsonl, and an Auto Scaling Slack message."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stairload.alarms.config import Language
from stairload.scaleout.events import EventLog, ScalingEvent, load_events, slack_payload

EVENT = ScalingEvent(
    unix=1733670000.5,
    event="launch",
    instance="i-2",
    reason="CPU > 70% for 3 of 3 periods [80.0, 85.0, 90.0]: ceil(1 x 90.0 / 70) = 2",
    desired=2,
    in_service=1,
    alarm="CPU > 70% for 3 of 3 periods",
    datapoints=(80.0, 85.0, 90.0),
)


class _Collecting:
    """A notifier that keeps what it is given (the alarms package's Notifier protocol)."""

    def __init__(self) -> None:
        self.payloads: list[Mapping[str, Any]] = []

    def notify(self, payload: Mapping[str, Any]) -> None:
        self.payloads.append(payload)

    def close(self) -> None:
        pass


def test_event_is_one_json_line_with_its_reason(tmp_path: Path) -> None:
    """emit appends a line with time, event, instance, reason, alarm and datapoints."""
    log = EventLog(tmp_path)
    log.emit(EVENT)
    (line,) = (tmp_path / "scaling.jsonl").read_text().splitlines()
    record = json.loads(line)
    assert record["time"] == "2024-12-08T15:00:00.500+00:00"
    assert (record["event"], record["instance"], record["datapoints"]) == (
        "launch",
        "i-2",
        [80.0, 85.0, 90.0],
    )
    assert load_events(tmp_path) == [record]


def test_event_goes_to_the_notifier(tmp_path: Path) -> None:
    """Each event is handed to the notifier as a Slack payload."""
    notifier = _Collecting()
    EventLog(tmp_path, notifier, Language.EN, "UTC").emit(EVENT)
    assert notifier.payloads[0]["attachments"][0]["title"] == (
        "[Auto Scaling] Launching a new instance: i-2"
    )


def test_slack_message_has_the_alarm_layout_in_korean() -> None:
    """The Korean message names the activity, the time in Seoul, the cause and capacity."""
    attachment = slack_payload(EVENT, Language.KO, "Asia/Seoul")["attachments"][0]
    fields = {field["title"]: field["value"] for field in attachment["fields"]}
    assert attachment["title"] == "[Auto Scaling] 신규 인스턴스 시작: i-2"
    assert fields["원인"] == EVENT.reason
    assert fields["용량"] == "1 in service / desired 2"
    assert fields["언제"].startswith("2024")

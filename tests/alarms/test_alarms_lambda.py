"""The Lambda-style handler: SNS event in, one Slack post out."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from alarms_webhook import Webhook

from stairload.alarms.cloudwatch import EventError
from stairload.alarms.lambda_handler import handler


def test_handler_posts_the_seed_event(
    webhook: Webhook, monkeypatch: pytest.MonkeyPatch, seed_event: dict[str, Any]
) -> None:
    """The handler posts the seed's message, Korean and in KST by default."""
    monkeypatch.setenv("SLACK_WEBHOOK_URL", webhook.url)
    monkeypatch.delenv("ALARM_LANGUAGE", raising=False)
    monkeypatch.delenv("ALARM_TIME_ZONE", raising=False)
    assert handler(seed_event, None) == {
        "posted": "[Auto Scaling CPU 알람 (70% 초과)]",
        "color": "danger",
    }
    (posted,) = webhook.wait_for(1)
    assert posted["attachments"][0]["fields"][0] == {
        "title": "언제",
        "value": "2024-12-09 00:00:00",
    }


def test_handler_language_and_zone_from_environment(
    webhook: Webhook, monkeypatch: pytest.MonkeyPatch, seed_event: dict[str, Any]
) -> None:
    """ALARM_LANGUAGE and ALARM_TIME_ZONE change labels and the time."""
    monkeypatch.setenv("SLACK_WEBHOOK_URL", webhook.url)
    monkeypatch.setenv("ALARM_LANGUAGE", "en")
    monkeypatch.setenv("ALARM_TIME_ZONE", "UTC")
    handler(seed_event, None)
    (posted,) = webhook.wait_for(1)
    assert posted["attachments"][0]["fields"][0] == {
        "title": "When",
        "value": "2024-12-08 15:00:00",
    }


def test_malformed_event_posts_nothing(webhook: Webhook, monkeypatch: pytest.MonkeyPatch) -> None:
    """A malformed event raises a one-line EventError and nothing reaches the webhook."""
    monkeypatch.setenv("SLACK_WEBHOOK_URL", webhook.url)
    with pytest.raises(EventError, match=r"^Records: is missing$"):
        handler({"hello": "world"}, None)
    assert webhook.posts == []


def test_handler_imports_with_the_standard_library_alone() -> None:
    """The Lambda zip holds stairload/ only: the handler's imports never reach pydantic."""
    code = (
        "import sys\n"
        "sys.modules['pydantic'] = None  # any import of pydantic now fails\n"
        "import stairload.alarms.lambda_handler\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")

"""AWS Lambda entry point: SNS (CloudWatch alarm) in, one Slack webhook post out.

Deploy this package with ``stairload.alarms.lambda_handler.handler`` as the handler. Environment:
``SLACK_WEBHOOK_URL`` (required), ``ALARM_LANGUAGE`` (``ko`` or ``en``, default ``ko``),
``ALARM_TIME_ZONE`` (default ``Asia/Seoul``). A malformed event raises ``EventError``
with a one-line message before anything is posted.
"""

from __future__ import annotations

import os
from typing import Any

from stairload.alarms.cloudwatch import slack_payload_from_event
from stairload.alarms.config import Language
from stairload.alarms.notifier import post_json, require_webhook_url
from stairload.core.errors import UsageError

WEBHOOK_ENV = "SLACK_WEBHOOK_URL"
POST_TIMEOUT_SECONDS = 10.0


def handler(event: object, context: object = None) -> dict[str, Any]:
    """Format the event's alarm and post it; returns what was posted (title and state)."""
    language_name = os.environ.get("ALARM_LANGUAGE", Language.KO.value)
    if language_name not in {member.value for member in Language}:
        raise UsageError(f"ALARM_LANGUAGE must be ko or en (got {language_name!r})")
    payload = slack_payload_from_event(
        event, Language(language_name), os.environ.get("ALARM_TIME_ZONE", "Asia/Seoul")
    )
    post_json(require_webhook_url(WEBHOOK_ENV), payload, POST_TIMEOUT_SECONDS)
    attachment = payload["attachments"][0]
    return {"posted": attachment["title"], "color": attachment["color"]}

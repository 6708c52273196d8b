"""One alarm state change as a Slack incoming-webhook payload (a colored attachment)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stairload.alarms.config import Language
from stairload.alarms.wording import LABELS, STATE_COLORS, STATE_WORDS

STATES = tuple(STATE_COLORS)


@dataclass(frozen=True)
class AlarmMessage:
    """What a message says, before labels, colors and the time zone are applied."""

    name: str
    description: str
    cause: str
    old_state: str
    new_state: str
    changed_at: datetime
    link: str = ""


def format_when(moment: datetime, time_zone: str) -> str:
    """``moment`` (timezone-aware) in ``time_zone`` as ``YYYY-MM-DD HH:MM:SS``."""
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).strftime("%Y-%m-%d %H:%M:%S")


def slack_payload(message: AlarmMessage, language: Language, time_zone: str) -> dict[str, Any]:
    """The webhook body: title ``[name]``, color by new state, then the fields in order.

    The link field is left out when there is no link.
    """
    labels = LABELS[language]
    words = STATE_WORDS[language]
    fields: list[dict[str, Any]] = [
        {"title": labels["when"], "value": format_when(message.changed_at, time_zone)},
        {"title": labels["description"], "value": message.description},
        {"title": labels["cause"], "value": message.cause},
        {"title": labels["old_state"], "value": words[message.old_state], "short": True},
        {"title": labels["new_state"], "value": f"*{words[message.new_state]}*", "short": True},
    ]
    if message.link:
        fields.append({"title": labels["link"], "value": message.link})
    return {
        "attachments": [
            {
                "title": f"[{message.name}]",
                "color": STATE_COLORS[message.new_state],
                "fields": fields,
            }
        ]
    }

"""Alarms during a run (CloudWatch semantics, Slack messages); CloudWatch -> Slack formatter."""

from stairload.alarms.config import AlarmRule, AlarmSettings, parse_alarms
from stairload.alarms.monitor import AlarmMonitor, webhook_notifier
from stairload.alarms.state import AlarmState

__all__ = [
    "AlarmMonitor",
    "AlarmRule",
    "AlarmSettings",
    "AlarmState",
    "parse_alarms",
    "webhook_notifier",
]

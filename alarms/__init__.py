"""Alarms during a run (CloudWatch semantics, Slack messages); CloudWatch -> Slack formatter."""

from alarms.config import AlarmRule, AlarmSettings, parse_alarms
from alarms.monitor import AlarmMonitor, webhook_notifier
from alarms.state import AlarmState

__all__ = [
    "AlarmMonitor",
    "AlarmRule",
    "AlarmSettings",
    "AlarmState",
    "parse_alarms",
    "webhook_notifier",
]

"""The alarms package's exception family, turned into one line and an exit code at the CLI edge.

Configuration mistakes in ``scenarios.yaml`` raise ``capacity.errors.ConfigError`` instead,
so that every error about that file reads the same.
"""

from __future__ import annotations


class AlarmsError(Exception):
    """A user mistake: a malformed event file, a missing webhook variable. Never a bug."""

    exit_code = 2


class EventError(AlarmsError):
    """An SNS event or CloudWatch alarm message is not what CloudWatch sends."""


class WebhookMissingError(AlarmsError):
    """Posting was asked for, but the webhook environment variable is empty."""


class UsageError(AlarmsError):
    """A command-line argument is missing, unknown or out of range."""


class WebhookUrlError(AlarmsError):
    """The webhook variable holds something that is not an http(s) URL (never shown)."""

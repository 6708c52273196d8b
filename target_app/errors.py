"""The one exception family of target_app: user mistakes become a line and an exit code."""

from __future__ import annotations


class TargetAppError(Exception):
    """A mistake the user can fix (bad option, unusable path); the CLI prints it on one line."""

    exit_code = 1


class UsageError(TargetAppError):
    """A bad command-line option or value."""

    exit_code = 2


class ApiError(Exception):
    """An HTTP request the service refuses: answered with ``status`` and ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

"""The warm-up's exception family; each kind has its own exit code (see ``warmup.cli``)."""

from __future__ import annotations


class WarmupError(Exception):
    """A warm-up that could not do its job; the message is one line."""

    exit_code = 1


class UsageError(WarmupError):
    """A command-line value is not allowed."""

    exit_code = 2


class HealthTimeout(WarmupError):
    """The health endpoint never answered 200 or 503 within the time allowed."""

    exit_code = 3


class TooManyErrors(WarmupError):
    """The replay's error rate went past the limit; the host was not marked warm."""

    exit_code = 4


class CompletionFailed(WarmupError):
    """The completion call did not answer 200, so the host does not know it is warm."""

    exit_code = 5

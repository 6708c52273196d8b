"""The one exception family of stairload: each error is a user-facing line and an exit code.

``commandline.run_cli`` prints any of them as ``Error: <message>`` on one line and exits
with its ``exit_code``. Anything else that escapes is a bug and keeps its traceback.
``did_you_mean``, ``shown`` and ``shown_limit`` word a value or a name the same way in
every message.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from stairload.core import exitcodes

_NOTHING: Any = object()


class StairloadError(Exception):
    """A command could not do its job for a reason the user can act on. Never a bug."""

    exit_code = exitcodes.FAILED


class UsageError(StairloadError):
    """A command-line argument is not allowed or names something that does not exist."""

    exit_code = exitcodes.USAGE


class ConfigError(StairloadError):
    """A configuration value is missing or not allowed.

    Renders as ``FILE: FIELD.PATH: WHAT IS ALLOWED (got VALUE)``, for example
    ``scenarios.yaml: scenarios.scenario2.journey_seconds: must be > 0 (got -5)``.
    """

    exit_code = exitcodes.USAGE

    def __init__(self, source: str, field: str, message: str, value: Any = _NOTHING) -> None:
        self.source = source
        self.field = field
        self.message = message
        self.value = value
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.source}: {self.field}: " if self.field else f"{self.source}: "
        got = "" if self.value is _NOTHING else f" (got {self.value!r})"
        return f"{where}{self.message}{got}"


class InputError(StairloadError):
    """A file the command was given is missing or malformed; the message names the file first."""

    exit_code = exitcodes.USAGE


class TargetUnreachable(StairloadError):
    """The target (or the host to warm up) did not answer."""

    exit_code = exitcodes.TARGET_UNREACHABLE


class Interrupted(StairloadError):
    """Ctrl-C stopped the command; the message says what was left undone."""

    exit_code = exitcodes.INTERRUPTED


def did_you_mean(wrong: str, known: Iterable[str]) -> str:
    """``; did you mean 'x'?`` for the closest of ``known``, or nothing."""
    close = difflib.get_close_matches(wrong, list(known), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def shown_limit(value: float) -> str:
    """A limit as it reads in a message: 3,600,000 or 0.5."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def shown(value: object) -> object:
    """A value as it reads in an error: a long mapping or list cut short."""
    text = repr(value)
    return value if len(text) <= 60 else _Shortened(text[:57] + "...")


class _Shortened(str):
    def __repr__(self) -> str:
        return str(self)

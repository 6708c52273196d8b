"""The capacity package's exception family, turned into one line and exit code 2 at the CLI edge."""

from __future__ import annotations

from typing import Any

_NOTHING = object()


class CapacityError(Exception):
    """A user mistake: bad input, bad configuration, unknown name. Never a bug."""

    exit_code = 2


class ConfigError(CapacityError):
    """A configuration value is missing or not allowed.

    Renders as ``FILE: FIELD.PATH: WHAT IS ALLOWED (got VALUE)``, for example
    ``scenarios.yaml: scenarios.scenario2.journey_seconds: must be > 0 (got -5)``.
    """

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


class UsageError(CapacityError):
    """A command-line argument names something that does not exist or is out of range."""

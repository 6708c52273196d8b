"""Reading typed fields out of parsed YAML or JSON, with errors that name file, field and value.

The one validation mechanism of the configuration files: ``scenarios.yaml`` (its
scenarios, cases and ``alarms:``) is read through ``Fields``; every mistake is one
``ConfigError`` such as ``scenarios.yaml: scenarios.scenario2.journey_seconds: must be > 0
(got -5)``, and an unknown key names the allowed ones with a did-you-mean.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar

from stairload.errors import ConfigError

_E = TypeVar("_E", bound=Enum)


class Fields:
    """A mapping at a field path, read one typed key at a time.

    With ``allowed``, a key outside it is refused at once.
    """

    def __init__(
        self, source: str, path: str, raw: object, allowed: tuple[str, ...] | None = None
    ) -> None:
        if not isinstance(raw, Mapping):
            raise ConfigError(source, path or "(top level)", "must be a mapping", shown(raw))
        self.source = source
        self.path = path
        self.raw: Mapping[str, Any] = raw
        if allowed is not None:
            self.only(allowed)

    def at(self, key: str) -> str:
        """The dotted path of ``key`` under this mapping."""
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, message: str, value: object) -> ConfigError:
        """An error about ``key`` in this mapping."""
        return ConfigError(self.source, self.at(key), message, shown(value))

    def only(self, allowed: tuple[str, ...]) -> None:
        """Reject keys outside ``allowed``, suggesting the closest allowed one."""
        for key in self.raw:
            if key in allowed:
                continue
            raise ConfigError(
                self.source,
                self.at(str(key)),
                f"unknown key; allowed: {', '.join(allowed)}{did_you_mean(str(key), allowed)}",
            )

    def present(self, key: str) -> object:
        """The raw value of a required key."""
        if key not in self.raw or self.raw[key] is None:
            raise ConfigError(self.source, self.at(key), "is required")
        return self.raw[key]

    def text_keys(self, *, check: Callable[[str], str | None] | None = None) -> tuple[str, ...]:
        """The keys of this mapping, which must all be text (YAML reads ``1:`` as a number).

        ``check`` says what is wrong with a key (None: nothing), e.g. an unsafe name.
        """
        for key in self.raw:
            if not isinstance(key, str):
                raise ConfigError(self.source, self.at(str(key)), "name must be text", key)
            problem = check(key) if check is not None else None
            if problem:
                raise ConfigError(self.source, self.path, problem, shown(key))
        return tuple(self.raw)

    def sub(self, key: str, allowed: tuple[str, ...] | None = None) -> Fields:
        """The nested mapping under a required key."""
        return Fields(self.source, self.at(key), self.present(key), allowed)

    def number(
        self,
        key: str,
        *,
        minimum: float | None = 0.0,
        inclusive: bool = False,
        default: float | None = None,
        maximum: float | None = None,
    ) -> float:
        """A finite real number above ``minimum`` (at least it when ``inclusive``; None: any)
        and at most ``maximum``."""
        if default is not None and self.raw.get(key) is None:
            return default
        value = self.present(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, "must be a number", value)
        if not math.isfinite(value):
            raise self.error(key, "must be a finite number", value)
        if minimum is not None and (value < minimum or (value == minimum and not inclusive)):
            sign = ">=" if inclusive else ">"
            raise self.error(key, f"must be {sign} {minimum:g}", value)
        if maximum is not None and value > maximum:
            raise self.error(key, f"must be <= {_limit(maximum)}", value)
        return float(value)

    def whole(
        self,
        key: str,
        *,
        minimum: int = 1,
        default: int | None = None,
        maximum: int | None = None,
        why_maximum: str = "",
    ) -> int:
        """A whole number, at least ``minimum`` (and at most ``maximum``, for ``why_maximum``)."""
        value = self.raw.get(key)
        if value is None:
            value = self.present(key) if default is None else default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, "must be a whole number", value)
        if value < minimum:
            raise self.error(key, f"must be >= {minimum}", value)
        if maximum is not None and value > maximum:
            raise self.error(key, f"must be <= {maximum}{why_maximum}", value)
        return value

    def flag(self, key: str, *, default: bool = False) -> bool:
        """A true/false value (``default`` when absent)."""
        value = self.raw.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(key, "must be true or false", value)
        return value

    def increasing_wholes(self, key: str) -> tuple[int, ...]:
        """An optional list of whole numbers >= 1, strictly increasing (empty when absent)."""
        value = self.raw.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.error(key, "must be a list of whole numbers", value)
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, int) or item < 1:
                raise self.error(f"{key}[{index}]", "must be a whole number >= 1", item)
            if index and item <= value[index - 1]:
                raise self.error(f"{key}[{index}]", "must be above the one before it", item)
        return tuple(value)

    def text(self, key: str, *, default: str | None = None, allow_empty: bool = False) -> str:
        """A string, non-empty unless ``allow_empty``."""
        if default is not None and self.raw.get(key) is None:
            return default
        value = self.present(key)
        if not isinstance(value, str) or (not allow_empty and not value.strip()):
            raise self.error(key, "must be a non-empty string", value)
        return value

    def choice(self, key: str, kind: type[_E], default: _E | None = None) -> _E:
        """One of the values of the enum ``kind``."""
        value = self.present(key) if default is None else self.raw.get(key)
        if value is None:
            return default  # type: ignore[return-value]
        allowed = [member.value for member in kind]
        if value not in allowed:
            hint = did_you_mean(str(value), allowed)
            raise self.error(key, f"must be one of {', '.join(allowed)}{hint}", value)
        return kind(value)

    def names(self, key: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        """A non-empty list of strings, each in ``allowed`` when given."""
        value = self.present(key)
        if not isinstance(value, list) or not value:
            raise self.error(key, "must be a non-empty list", value)
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise self.error(f"{key}[{index}]", "must be a string", item)
            if allowed is not None and item not in allowed:
                hint = did_you_mean(item, allowed)
                raise self.error(
                    f"{key}[{index}]", f"unknown step; known: {', '.join(allowed)}{hint}", item
                )
        return tuple(value)


def _limit(value: float) -> str:
    """A limit as it reads in a message: 3,600,000 or 0.5."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def did_you_mean(wrong: str, known: Any) -> str:
    """``; did you mean 'x'?`` for the closest of ``known``, or nothing."""
    close = difflib.get_close_matches(wrong, list(known), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def shown(value: object) -> object:
    """Values as they read in an error: long mappings and lists cut short."""
    text = repr(value)
    return value if len(text) <= 60 else _Shortened(text[:57] + "...")


class _Shortened(str):
    def __repr__(self) -> str:
        return str(self)

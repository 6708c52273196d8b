"""Reading typed fields out of parsed YAML, with errors that name file, field and value."""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any

from stairload.errors import ConfigError


class Fields:
    """A YAML mapping at a field path, read one typed key at a time."""

    def __init__(self, source: str, path: str, raw: object) -> None:
        if not isinstance(raw, Mapping):
            raise ConfigError(source, path or "(top level)", "must be a mapping", _shown(raw))
        self.source = source
        self.path = path
        self.raw: Mapping[str, Any] = raw

    def at(self, key: str) -> str:
        """The dotted path of ``key`` under this mapping."""
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, message: str, value: object) -> ConfigError:
        """An error about ``key`` in this mapping."""
        return ConfigError(self.source, self.at(key), message, _shown(value))

    def only(self, allowed: tuple[str, ...]) -> None:
        """Reject keys outside ``allowed``, suggesting the closest allowed one."""
        for key in self.raw:
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ConfigError(
                self.source,
                self.at(str(key)),
                f"unknown key; allowed: {', '.join(allowed)}{hint}",
            )

    def present(self, key: str) -> object:
        """The raw value of a required key."""
        if key not in self.raw or self.raw[key] is None:
            raise ConfigError(self.source, self.at(key), "is required")
        return self.raw[key]

    def text_keys(self) -> tuple[str, ...]:
        """The keys of this mapping, which must all be text (YAML reads ``1:`` as a number)."""
        for key in self.raw:
            if not isinstance(key, str):
                raise ConfigError(self.source, self.at(str(key)), "name must be text", key)
        return tuple(self.raw)

    def sub(self, key: str) -> Fields:
        """The nested mapping under a required key."""
        return Fields(self.source, self.at(key), self.present(key))

    def number(
        self,
        key: str,
        *,
        minimum: float = 0.0,
        inclusive: bool = False,
        default: float | None = None,
    ) -> float:
        """A real number above ``minimum`` (or at least it, when ``inclusive``)."""
        if default is not None and self.raw.get(key) is None:
            return default
        value = self.present(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, "must be a number", value)
        if not math.isfinite(value):
            raise self.error(key, "must be a finite number", value)
        if value < minimum or (value == minimum and not inclusive):
            sign = ">=" if inclusive else ">"
            raise self.error(key, f"must be {sign} {minimum:g}", value)
        return float(value)

    def whole(self, key: str, *, minimum: int = 1) -> int:
        """A whole number, at least ``minimum``."""
        value = self.present(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, "must be a whole number", value)
        if value < minimum:
            raise self.error(key, f"must be >= {minimum}", value)
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

    def text(self, key: str, *, default: str | None = None) -> str:
        """A non-empty string."""
        if default is not None and self.raw.get(key) is None:
            return default
        value = self.present(key)
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "must be a non-empty string", value)
        return value

    def names(self, key: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        """A non-empty list of strings, each in ``allowed`` when given."""
        value = self.present(key)
        if not isinstance(value, list) or not value:
            raise self.error(key, "must be a non-empty list", value)
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise self.error(f"{key}[{index}]", "must be a string", item)
            if allowed is not None and item not in allowed:
                close = difflib.get_close_matches(item, allowed, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise self.error(
                    f"{key}[{index}]", f"unknown step; known: {', '.join(allowed)}{hint}", item
                )
        return tuple(value)


def _shown(value: object) -> object:
    """Values as they read in an error: long mappings and lists cut short."""
    text = repr(value)
    return value if len(text) <= 60 else _Shortened(text[:57] + "...")


class _Shortened(str):
    def __repr__(self) -> str:
        return str(self)

"""The one validation mechanism of the YAML and JSON the project reads: strict pydantic models.

A document's shape is a tree of ``StrictModel`` classes whose fields use the types below
(``Number``, ``Whole``, ``Text``, ``OneOf``, ``IncreasingWholes``, ``Keys``), and
``validated(Model, raw, source, prefix)`` checks it. Every mistake becomes one
``ConfigError`` naming the file, the field path, what is allowed and the value, e.g.
``scenarios.yaml: scenarios.scenario2.journey_seconds: must be > 0 (got -5)``; an unknown
key lists the allowed ones with a did-you-mean. A validator that finds a problem raises
``problem(...)``, which may point below its own field and show another value.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, ValidationError, model_validator
from pydantic_core import PydanticCustomError, core_schema

from stairload.core.errors import ConfigError, did_you_mean, shown, shown_limit

_M = TypeVar("_M", bound=BaseModel)
_PROBLEM = "stairload"


class StrictModel(BaseModel):
    """A mapping of a document: unknown keys refused, a null value read as absent, no coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    key_word: ClassVar[str] = "key"
    """What an unknown-key message calls a key of this mapping."""

    def given(self) -> dict[str, Any]:
        """The fields that hold a value (not None), shallow: keyword arguments for a dataclass.

        Cheaper than ``model_dump``, which would build a serializer for this model.
        """
        return {name: value for name, value in self if value is not None}

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, raw: Any) -> Any:
        if isinstance(raw, dict) and None in raw.values():
            return {key: value for key, value in raw.items() if value is not None}
        return raw


class LenientModel(StrictModel):
    """A mapping whose unknown keys are ignored (``run.json``: written by other versions too)."""

    model_config = ConfigDict(extra="ignore")


def validated(model: type[_M], raw: object, source: str, prefix: str = "") -> _M:
    """``raw`` checked against ``model``; the first mistake raises one ``ConfigError``."""
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise config_error(error, model, source, prefix) from None


def problem(
    message: str, *, at: tuple[str | int, ...] = (), got: Any = None, show: bool = True
) -> PydanticCustomError:
    """The error a validator raises: ``message`` as it reads, at the field path ``at`` below
    the one validated, showing ``got`` (default: the value validated) unless not ``show``."""
    context = {"at": at, "show": show}
    if got is not None:
        context["got"] = got
    return PydanticCustomError(_PROBLEM, message, context)


def config_error(
    error: ValidationError, model: type[BaseModel], source: str, prefix: str = ""
) -> ConfigError:
    """The one line of a pydantic error: ``source: prefix.field.path: problem (got value)``."""
    first = _first(error.errors(include_url=False))
    location = _location(first)
    kind, context = first["type"], first.get("ctx") or {}
    where = _path(prefix, location)
    if kind in _UNKNOWN_KEY:
        owner = _model_at(model, location[:-1])
        allowed = tuple(info.alias or name for name, info in owner.model_fields.items())
        hint = did_you_mean(str(location[-1]), allowed)
        message = f"unknown {owner.key_word}; allowed: {', '.join(allowed)}{hint}"
        return ConfigError(source, where, message)
    if kind == "missing":
        return ConfigError(source, where, "is required")
    if kind == _PROBLEM:
        if not context.get("show", True):
            return ConfigError(source, where, first["msg"])
        return ConfigError(source, where, first["msg"], shown(context.get("got", first["input"])))
    if location and location[-1] == "[key]" and kind == "string_type":
        return ConfigError(
            source, _path(prefix, location[:-1]), "name must be text", first["input"]
        )
    message = _MESSAGES.get(kind) or _from_context(kind, context, first["msg"])
    return ConfigError(source, where, message, shown(first.get("input")))


_UNKNOWN_KEY = ("extra_forbidden", "invalid_key")
_MESSAGES = {
    "string_type": "must be a string",
    "int_type": "must be a whole number",
    "float_type": "must be a number",
    "bool_type": "must be true or false",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "list_type": "must be a list",
}


def _from_context(kind: str, context: dict[str, Any], fallback: str) -> str:
    if kind == "literal_error":
        return f"must be one of {context.get('expected', '')}"
    if kind == "greater_than_equal":
        return f"must be >= {context.get('ge'):g}"
    return str(context.get("error", fallback))


def _first(errors: list[Any]) -> Any:
    """The error a top-down reading meets first: a mapping's unknown keys before its values."""
    first = errors[0]
    location = _location(first)
    unknown = [
        error
        for error in errors
        if error["type"] in _UNKNOWN_KEY
        and _location(error)[:-1] == location[: len(_location(error)) - 1]
    ]
    return min(unknown, key=lambda error: len(_location(error))) if unknown else first


def _location(error: Any) -> list[Any]:
    location = [part for part in error["loc"] if not _is_tag(part)]
    if error["type"] == _PROBLEM:
        location += (error.get("ctx") or {}).get("at", ())
    elif error["type"] == "invalid_key":  # a key that is not text, e.g. 1: in YAML
        location[-1] = str(location[-1])
    return location


def _is_tag(part: object) -> bool:
    """Union member names pydantic puts into an error's location (``str``, ``int`` ...)."""
    return isinstance(part, str) and part in {"str", "int", "float", "bool"}


def _path(prefix: str, location: list[Any]) -> str:
    text = prefix
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def _model_at(model: type[BaseModel], location: list[Any]) -> type[StrictModel]:
    """The model of the mapping at ``location`` (keys of a dict and list indexes skipped)."""
    found: Any = model
    kind: Any = model
    for part in location:
        kind = _unwrapped(kind)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            found = kind
            field = kind.model_fields.get(part) or next(
                (info for info in kind.model_fields.values() if info.alias == part), None
            )
            kind = field.annotation if field is not None else None
        else:
            arguments = typing.get_args(kind)
            kind = arguments[-1] if arguments else None
    kind = _unwrapped(kind)
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else found


def _unwrapped(kind: Any) -> Any:
    """``X`` of ``Annotated[X, ...]`` and of ``X | None``."""
    if typing.get_origin(kind) is typing.Annotated:
        return _unwrapped(typing.get_args(kind)[0])
    if typing.get_origin(kind) in (typing.Union, type(int | None)):
        members = [member for member in typing.get_args(kind) if member is not type(None)]
        return _unwrapped(members[0]) if len(members) == 1 else kind
    return kind


class _Check:
    """Field-type metadata whose ``_check`` runs after pydantic's own type check (before it,
    when ``_before``: to word a wrong type itself or to convert)."""

    _before: ClassVar[bool] = False

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        if self._before:
            return core_schema.no_info_before_validator_function(self._check, handler(source))
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def _check(self, value: Any) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class Number(_Check):
    """A finite real number above ``minimum`` (at least it when ``inclusive``; None: any),
    at most ``maximum``: ``Annotated[float, Number(maximum=1_000)]``."""

    minimum: float | None = 0.0
    inclusive: bool = False
    maximum: float | None = None

    def _check(self, value: float) -> float:
        if not math.isfinite(value):
            raise problem("must be a finite number")
        low = self.minimum
        if low is not None and (value < low or (value == low and not self.inclusive)):
            raise problem(f"must be {'>=' if self.inclusive else '>'} {low:g}")
        if self.maximum is not None and value > self.maximum:
            raise problem(f"must be <= {shown_limit(self.maximum)}")
        return value


POSITIVE = Number()
"""A finite number > 0."""
NON_NEGATIVE = Number(inclusive=True)
"""A finite number >= 0."""
AtLeastZero = typing.Annotated[float, NON_NEGATIVE]
"""A field that is a finite number >= 0: a time, a duration, a rate or a share."""


@dataclass(frozen=True)
class Whole(_Check):
    """A whole number of at least ``minimum`` and at most ``maximum`` (``why`` follows that
    limit in the message): ``Annotated[int, Whole(minimum=0)]``."""

    minimum: int = 1
    maximum: int | None = None
    why: str = ""

    def _check(self, value: int) -> int:
        if value < self.minimum:
            raise problem(f"must be >= {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise problem(f"must be <= {self.maximum}{self.why}")
        return value


@dataclass(frozen=True)
class Text(_Check):
    """A string, non-empty (not only spaces) unless ``allow_empty``: ``Annotated[str, Text()]``."""

    allow_empty: bool = False

    _before = True

    def _check(self, value: Any) -> Any:
        if not isinstance(value, str) or (not self.allow_empty and not value.strip()):
            raise problem("must be a non-empty string")
        return value


@dataclass(frozen=True)
class OneOf:
    """A value of the annotated enum; a wrong one gets a did-you-mean.

    ``Annotated[Metric, OneOf()]``.
    """

    def __get_pydantic_core_schema__(
        self, source: type[Enum], handler: GetCoreSchemaHandler
    ) -> Any:
        allowed = [member.value for member in source]

        def check(value: Any) -> Any:
            if isinstance(value, source):
                return value
            if value not in allowed:
                hint = did_you_mean(str(value), allowed)
                raise problem(f"must be one of {', '.join(map(str, allowed))}{hint}")
            return source(value)

        return core_schema.no_info_before_validator_function(check, handler(source))


@dataclass(frozen=True)
class IncreasingWholes(_Check):
    """A list of whole numbers >= 1, each above the one before it, read as a tuple:
    ``Annotated[tuple[int, ...], IncreasingWholes()]``."""

    _before = True

    def _check(self, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise problem("must be a list of whole numbers")
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, int) or item < 1:
                raise problem("must be a whole number >= 1", at=(index,), got=item)
            if index and item <= value[index - 1]:
                raise problem("must be above the one before it", at=(index,), got=item)
        return tuple(value)


@dataclass(frozen=True)
class Keys(_Check):
    """A mapping of named things (``kind``), at least one, each name text and, when ``check``
    is given, without the problem it finds: ``Annotated[dict[str, Case], Keys("case")]``."""

    kind: str
    check: Callable[[str], str | None] | None = None

    _before = True

    def _check(self, value: Any) -> Any:
        if not isinstance(value, dict):
            return value  # the mapping type says what is wrong
        if not value:
            raise problem(f"must name at least one {self.kind}", show=False)
        for key in value:
            if not isinstance(key, str):
                raise problem("name must be text", at=(str(key),), got=key)
            found = self.check(key) if self.check is not None else None
            if found:
                raise problem(found, got=key)
        return value

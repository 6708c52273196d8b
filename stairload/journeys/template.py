"""Templates in journey strings: ``{var}``, ``{var.field}`` and ``{func(arg, ...)}``, no eval.

A template is parsed once (``compile_template``) into literal text and expressions, and
rendered many times against a virtual user's variables. Grammar inside braces::

    expression := name ("." name)* | function "(" [argument ("," argument)*] ")"
    argument   := number | name ("." name)*

``{{`` and ``}}`` stand for literal braces. A string that is exactly one expression
(``"{trip_id}"``) renders to the variable's own value, so a JSON body keeps its type.
"""

from __future__ import annotations

import difflib
import random
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

BUILTIN_VARIABLES = ("vu", "iteration", "uuid")

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_DOTTED = re.compile(rf"{_NAME}(?:\.{_NAME})*\Z")
_CALL = re.compile(rf"({_NAME})\((.*)\)\Z", re.DOTALL)
_INTEGER = re.compile(r"[+-]?\d+\Z")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")

Values = Mapping[str, Any]
# An expression, ready to evaluate: (variables, random generator) -> value.
Evaluate = Callable[[Values, random.Random], Any]
Render = Callable[[Values, random.Random], str]


class TemplateError(ValueError):
    """A template that cannot be parsed, or names a variable or function that does not exist."""


class MissingVariable(LookupError):
    """A variable has no value when the template is rendered (a bug or a failed capture)."""


def _random_int(rng: random.Random, low: Any, high: Any) -> int:
    low, high = _whole(low), _whole(high)
    if high < low:
        raise ValueError(f"random_int: {high} is below {low}")
    return rng.randint(low, high)


def _random_float(rng: random.Random, low: Any, high: Any) -> float:
    return rng.uniform(float(low), float(high))


def _whole(value: Any) -> int:
    number = int(value)
    if number != float(value):
        raise ValueError(f"random_int: {value!r} is not a whole number")
    return number


@dataclass(frozen=True)
class Function:
    """A function a template may call: its arity and implementation."""

    name: str
    arity: int
    run: Callable[..., Any]


FUNCTIONS: dict[str, Function] = {
    function.name: function
    for function in (
        Function("random_int", 2, _random_int),
        Function("random_float", 2, _random_float),
    )
}


class Template:
    """A parsed template: literal text and expressions, in order."""

    __slots__ = ("label", "parts", "pure", "render", "source", "value", "variables")

    def __init__(
        self,
        source: str,
        parts: tuple[str | Evaluate, ...],
        variables: frozenset[str],
        label: str = "",
        *,
        pure: bool = False,
    ) -> None:
        self.source = source
        self.parts = parts
        self.variables = variables
        self.label = label  # the text with each expression shown as [name]: /trips/[trip_id]
        # pure: the same variables always give the same text (no function call, no uuid)
        self.pure = pure
        # render(values, rng) -> str: the text with every expression replaced by its value.
        # value(values, rng): like render, but one lone expression keeps its value's type.
        self.render, self.value = _renderers(parts)

    @property
    def is_constant(self) -> bool:
        """True when there is nothing to fill in."""
        return not any(callable(part) for part in self.parts)


def _renderers(parts: tuple[str | Evaluate, ...]) -> tuple[Render, Evaluate]:
    """Closures specialised for the template's shape (the common shapes are the fast ones)."""
    if len(parts) == 1:
        only = parts[0]
        if isinstance(only, str):
            return (lambda _values, _rng: only), (lambda _values, _rng: only)
        return (lambda values, rng: _text(only(values, rng))), only
    pieces = [(part, None) if isinstance(part, str) else (None, part) for part in parts]

    def render(values: Values, rng: random.Random) -> str:
        return "".join(
            [
                text if evaluate is None else _text(evaluate(values, rng))
                for text, evaluate in pieces
            ]
        )

    return render, render


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def compile_template(source: str) -> Template:
    """Parse ``source``; raises ``TemplateError`` naming what is wrong."""
    parts: list[str | Evaluate] = []
    names: set[str] = set()
    literal: list[str] = []
    label: list[str] = []
    calls = False
    index, size = 0, len(source)
    while index < size:
        char = source[index]
        if char == "{" and source.startswith("{{", index):
            literal.append("{")
            label.append("{")
            index += 2
        elif char == "}" and source.startswith("}}", index):
            literal.append("}")
            label.append("}")
            index += 2
        elif char == "{":
            end = source.find("}", index + 1)
            if end < 0:
                raise TemplateError("'{' is never closed (write '{{' for a literal brace)")
            if literal:
                parts.append("".join(literal))
                literal = []
            text = source[index + 1 : end].strip()
            parts.append(_expression(text, names))
            calls = calls or not _DOTTED.match(text)
            label.append(f"[{text.split('(', 1)[0].strip()}]")
            index = end + 1
        elif char == "}":
            raise TemplateError("'}' without '{' (write '}}' for a literal brace)")
        else:
            literal.append(char)
            label.append(char)
            index += 1
    if literal or not parts:
        parts.append("".join(literal))
    pure = not calls and "uuid" not in names
    return Template(source, tuple(parts), frozenset(names), "".join(label), pure=pure)


def _expression(text: str, names: set[str]) -> Evaluate:
    if _DOTTED.match(text):
        return _variable(text, names)
    call = _CALL.match(text)
    if call is None:
        raise TemplateError(f"'{{{text}}}' is neither a variable nor a function call")
    function_name, arguments_text = call.groups()
    function = FUNCTIONS.get(function_name)
    if function is None:
        raise TemplateError(
            f"unknown function '{function_name}'; known: {', '.join(FUNCTIONS)}"
            f"{_hint(function_name, FUNCTIONS)}"
        )
    pieces = [piece.strip() for piece in arguments_text.split(",")]
    if pieces == [""]:
        pieces = []
    if len(pieces) != function.arity:
        raise TemplateError(
            f"{function.name}() takes {function.arity} arguments, got {len(pieces)}"
        )
    arguments = tuple(_argument(piece, function.name, names) for piece in pieces)
    run = function.run
    if all(not callable(argument) for argument in arguments):
        return lambda _values, rng: run(rng, *arguments)
    return lambda values, rng: run(
        rng, *(argument(values, rng) if callable(argument) else argument for argument in arguments)
    )


def _argument(piece: str, function_name: str, names: set[str]) -> float | int | Evaluate:
    if _INTEGER.match(piece):
        return int(piece)
    if _NUMBER.match(piece):
        return float(piece)
    if _DOTTED.match(piece):
        return _variable(piece, names)
    raise TemplateError(
        f"{function_name}(): argument '{piece}' must be a number or a variable name"
    )


def _variable(text: str, names: set[str]) -> Evaluate:
    name, *fields = text.split(".")
    names.add(name)
    if name == "uuid" and not fields:
        return lambda _values, _rng: str(uuid.uuid4())

    if not fields:

        def lookup(values: Values, _rng: random.Random) -> Any:
            try:
                return values[name]
            except KeyError:
                raise MissingVariable(f"variable '{name}' has no value") from None

        return lookup

    def lookup_fields(values: Values, _rng: random.Random) -> Any:
        try:
            value = values[name]
        except KeyError:
            raise MissingVariable(f"variable '{name}' has no value") from None
        for index, field in enumerate(fields):
            if not isinstance(value, Mapping) or field not in value:
                shown = ".".join([name, *fields[:index]])
                raise MissingVariable(f"variable '{shown}' has no field '{field}'")
            value = value[field]
        return value

    return lookup_fields


def unknown_variable(template: Template, known: Iterable[str]) -> tuple[str, str] | None:
    """The first variable ``template`` reads that is not in ``known``, with a did-you-mean hint."""
    known_set = set(known)
    for name in sorted(template.variables):
        if name not in known_set:
            return name, _hint(name, known_set)
    return None


def _hint(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""

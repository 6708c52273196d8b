"""Validating and compiling a scenario's journey, with one-line errors naming the field.

``parse_journey`` is the only entry point: the shape is checked by the pydantic models of
``stairload.journeys.spec``; templates and JMESPath are compiled here, and every variable a step
reads must be a built-in, a ``vars`` entry, a data-file column or the capture of an
earlier step (scenario ``headers`` may read any step's capture: they are sent once their
variables exist).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jmespath
from jmespath import functions
from jmespath.exceptions import JMESPathError

from stairload.core.errors import ConfigError, did_you_mean, shown
from stairload.core.models import validated
from stairload.journeys.data import DataError, read_data_file
from stairload.journeys.journey import Capture, Check, DataFile, Journey, RenderJson, Step
from stairload.journeys.spec import JOURNEY_KEYS, JourneyModel, StepModel
from stairload.journeys.template import (
    BUILTIN_VARIABLES,
    Template,
    TemplateError,
    compile_template,
    unknown_variable,
)

__all__ = ["JOURNEY_KEYS", "parse_journey"]

# ``{name}`` inside a check reads a variable; ``{a: b}`` (a JMESPath hash) has a colon.
_CHECK_VARIABLE = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_JMESPATH_FUNCTIONS = frozenset(functions.Functions.FUNCTION_TABLE)


class _Invalid(Exception):
    """A problem at a field path inside the scenario (turned into a ConfigError)."""

    def __init__(self, path: str, message: str, value: object = None, show: bool = True) -> None:
        super().__init__(message)
        self.path, self.message, self.value, self.show = path, message, value, show


def parse_journey(
    raw_scenario: Mapping[str, Any], *, source: str, scenario_name: str, base_dir: Path
) -> Journey:
    """Validate and compile the journey keys of one scenario; raises one ``ConfigError``."""
    prefix = f"scenarios.{scenario_name}"
    raw = {key: raw_scenario[key] for key in JOURNEY_KEYS if key in raw_scenario}
    model = validated(JourneyModel, raw, source, prefix)
    try:
        return _compile(model, source, scenario_name, base_dir)
    except _Invalid as problem:
        where = f"{prefix}.{problem.path}"
        if problem.show:
            raise ConfigError(source, where, problem.message, shown(problem.value)) from None
        raise ConfigError(source, where, problem.message) from None


def _compile(model: JourneyModel, source: str, scenario_name: str, base_dir: Path) -> Journey:
    known = _Known(BUILTIN_VARIABLES)
    for index, step_model in reversed(list(enumerate(model.steps or ()))):
        known.later.update(dict.fromkeys(step_model.capture, index))
    variables = []
    for name, value in model.vars.items():
        _check_name(name, f"vars.{name}")
        # vars are set once per virtual user, before its first pass: no {iteration} yet.
        template = _template(value, f"vars.{name}", known - {"iteration"})
        variables.append((name, template))
        known.add(name)
    data = _data(model, base_dir)
    if data is not None:
        for column in data.columns:
            if column in known:
                raise _Invalid("data.file", f"column '{column}' hides a variable", column)
        known.update(data.columns)
    steps: list[Step] = []
    for index, step_model in enumerate(model.steps or ()):
        steps.append(_step(index, step_model, known))
        known.update(capture.variable for capture in steps[-1].captures)
    known.later.clear()
    headers = _headers(model.headers, "headers", known)
    locustfile = None
    if model.locustfile is not None:
        locustfile = (base_dir / model.locustfile).resolve()
        if not locustfile.is_file():
            raise _Invalid("locustfile", "no such file", model.locustfile)
    return Journey(source, scenario_name, tuple(variables), data, headers, tuple(steps), locustfile)


def _data(model: JourneyModel, base_dir: Path) -> DataFile | None:
    if model.data is None:
        return None
    try:
        return read_data_file(base_dir / model.data.file, model.data.pick)
    except DataError as error:
        raise _Invalid("data.file", str(error), model.data.file) from None


def _step(index: int, model: StepModel, known: set[str]) -> Step:
    at = f"steps[{index}]"
    method, _, path_text = model.request.partition(" ")
    path = _template(path_text, f"{at}.request", known, shown=model.request)
    captures = []
    for variable, rule in model.capture.items():
        where = f"{at}.capture.{variable}"
        _check_name(variable, where)
        captures.append(Capture(variable, rule.path, _jmespath(rule.path, where, ()), rule.pick))
    checks = tuple(
        _check(check, f"{at}.expect.checks[{number}]", known)
        for number, check in enumerate(model.expect.checks)
    )
    statuses = frozenset(model.expect.status) if model.expect.status is not None else None
    return Step(
        index=index,
        method=method,
        path=path,
        name=model.name or path.label,
        headers=_headers(model.headers, f"{at}.headers", known),
        query=_templates(model.query, f"{at}.query", known),
        body=_body(model.body, f"{at}.json", known) if model.body is not None else None,
        statuses=statuses,
        checks=checks,
        captures=tuple(captures),
        think_seconds=model.think_seconds,
    )


def _check_name(name: str, at: str) -> None:
    if not _NAME.match(name):
        raise _Invalid(at, "must be a variable name (letters, digits, _)", name)
    if name in BUILTIN_VARIABLES:
        raise _Invalid(at, f"'{name}' is a built-in variable; choose another name", name)


def _templates(values: Mapping[str, Any], at: str, known: set[str]) -> tuple:
    return tuple((key, _template(value, f"{at}.{key}", known)) for key, value in values.items())


def _headers(values: Mapping[str, Any], at: str, known: set[str]) -> tuple:
    """Header templates; a value with a line break or NUL typed in the YAML is refused."""
    for header, value in values.items():
        text = value if isinstance(value, str) else str(value)
        if any(character in text for character in ("\r", "\n", "\x00")):
            raise _Invalid(
                f"{at}.{header}",
                "a header value must not contain a line break or NUL (CR, LF or \\0)",
                value,
            )
    return _templates(values, at, known)


def _template(value: Any, at: str, known: Iterable[str], shown: object = None) -> Template:
    if not isinstance(value, str):
        return _constant(value)
    try:
        template = compile_template(value)
    except TemplateError as error:
        raise _Invalid(at, str(error), value if shown is None else shown) from None
    missing = unknown_variable(template, known)
    if missing is not None:
        name, _hint_text = missing
        raise _Invalid(at, _unknown_variable(name, known), value if shown is None else shown)
    return template


def _constant(value: Any) -> Template:
    return Template(repr(value), (lambda _values, _rng: value,), frozenset(), pure=True)


MAX_BODY_DEPTH = 32  # lists and mappings inside one another in a JSON body


def _body(value: Any, at: str, known: set[str]) -> RenderJson:
    """A request's JSON body, bounded in depth before it is compiled (and rendered)."""
    depth = _body_depth(value)
    if depth > MAX_BODY_DEPTH:
        message = f"nested {depth} deep; at most {MAX_BODY_DEPTH} levels are allowed"
        raise _Invalid(at, message, shown(value))
    return _json(value, at, known)


def _body_depth(value: Any) -> int:
    """How deep lists and mappings nest in ``value`` (no recursion: any depth is safe)."""
    deepest, pending = 0, [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth) for child in children)
    return deepest


def _json(value: Any, at: str, known: set[str]) -> RenderJson:
    """Compile every string of a JSON body; a body with no template is sent as it is."""
    if isinstance(value, str):
        template = _template(value, at, known)
        if template.is_constant:
            return lambda _values, _rng: value
        return template.value
    if isinstance(value, dict):
        items = [(key, _json(item, f"{at}.{key}", known)) for key, item in value.items()]
        if all(_is_fixed(item) for item in value.values()):
            return lambda _values, _rng: value
        return lambda values, rng: {key: render(values, rng) for key, render in items}
    if isinstance(value, list):
        renders = [_json(item, f"{at}[{number}]", known) for number, item in enumerate(value)]
        if all(_is_fixed(item) for item in value):
            return lambda _values, _rng: value
        return lambda values, rng: [render(values, rng) for render in renders]
    return lambda _values, _rng: value


def _is_fixed(value: Any) -> bool:
    if isinstance(value, str):
        return "{" not in value and "}" not in value
    if isinstance(value, dict):
        return all(_is_fixed(item) for item in value.values())
    if isinstance(value, list):
        return all(_is_fixed(item) for item in value)
    return True


def _check(text: str, at: str, known: set[str]) -> Check:
    for name in _CHECK_VARIABLE.findall(text):
        if name not in known:
            raise _Invalid(at, _unknown_variable(name, known), text)
    expression = _CHECK_VARIABLE.sub(lambda match: f"var('{match.group(1)}')", text)
    return Check(text, _jmespath(expression, at, ("var",), shown=text))


MAX_JMESPATH_DEPTH = 50  # brackets, braces and parentheses inside one another


def _jmespath(text: str, at: str, extra: tuple[str, ...], shown: str | None = None) -> Any:
    depth = _nesting(text)
    if depth > MAX_JMESPATH_DEPTH:
        message = f"nested {depth} deep; at most {MAX_JMESPATH_DEPTH} levels are allowed"
        raise _Invalid(at, message, shown or text)
    try:
        compiled = jmespath.compile(text)
    except JMESPathError as error:
        raise _Invalid(at, _jmespath_problem(error), shown or text) from None
    except RecursionError:
        raise _Invalid(at, "nested too deep to compile", shown or text) from None
    allowed = _JMESPATH_FUNCTIONS | set(extra)
    for name in _function_names(compiled.parsed):
        if name not in allowed:
            hint = did_you_mean(name, sorted(_JMESPATH_FUNCTIONS))
            message = f"unknown JMESPath function '{name}'{hint}"
            raise _Invalid(at, message, shown or text)
    return compiled


def _nesting(text: str) -> int:
    """The deepest nesting of (), [] and {} in a JMESPath expression (quotes not parsed)."""
    depth = deepest = 0
    for character in text:
        if character in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in ")]}":
            depth = max(0, depth - 1)
    return deepest


def _jmespath_problem(error: JMESPathError) -> str:
    """``jmespath``'s multi-line message as a short clause: what, and at which character."""
    first = str(error).splitlines()[0]
    for prefix in ("Invalid jmespath expression: ", "Bad jmespath expression: "):
        first = first.removeprefix(prefix)
    what = first.rstrip(": ").lower() or "syntax error"
    position = getattr(error, "lex_position", None)
    where = f" at character {position + 1}" if isinstance(position, int) else ""
    return f"not a valid JMESPath expression ({what}{where})"


def _function_names(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        if node.get("type") == "function_expression":
            yield node["value"]
        for child in node.get("children", ()):
            yield from _function_names(child)


class _Known(set[str]):
    """The variables known at a step, and which later step captures each other one."""

    later: dict[str, int]

    def __init__(self, names: Iterable[str] = ()) -> None:
        super().__init__(names)
        self.later = {}


def _unknown_variable(name: str, known: Iterable[str]) -> str:
    later = getattr(known, "later", {}).get(name)
    if later is not None:
        return f"unknown variable '{name}' here: only steps[{later}], a later step, captures it"
    names = sorted(known)
    return f"unknown variable '{name}'; known here: {', '.join(names)}{did_you_mean(name, names)}"

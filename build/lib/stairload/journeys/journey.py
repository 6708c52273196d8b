"""A validated, compiled journey: what the step runner walks, built once per run."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jmespath import functions
from jmespath.parser import ParsedResult
from jmespath.visitor import Options

from stairload.journeys.fastpath import Search, compile_search
from stairload.journeys.template import Template

# A JSON body template, ready to fill: (variables, random generator) -> value.
RenderJson = Callable[[Mapping[str, Any], random.Random], Any]


class VariableFunctions(functions.Functions):
    """JMESPath's functions plus ``var(name)``: a check's ``{trip_id}`` reads the variable."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        super().__init__()
        self._values = values

    @functions.signature({"types": ["string"]})
    def _func_var(self, name: str) -> Any:
        return self._values.get(name)


def jmespath_options(values: Mapping[str, Any]) -> Options:
    """Search options whose ``var()`` reads ``values`` (the same dict, as it changes)."""
    return Options(custom_functions=VariableFunctions(values))


@dataclass(frozen=True)
class Check:
    """A JMESPath expression that must be truthy on the JSON body."""

    source: str
    expression: ParsedResult
    search: Search = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "search", compile_search(self.expression))


@dataclass(frozen=True)
class Capture:
    """Store what a JMESPath finds in the body under ``variable`` (first or a random match)."""

    variable: str
    source: str
    expression: ParsedResult
    pick: str
    search: Search = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "search", compile_search(self.expression))


@dataclass(frozen=True)
class Step:
    """One request: templates to fill, what to expect, what to keep."""

    index: int
    method: str
    path: Template
    name: str
    headers: tuple[tuple[str, Template], ...]
    query: tuple[tuple[str, Template], ...]
    body: RenderJson | None
    statuses: frozenset[int] | None
    checks: tuple[Check, ...]
    captures: tuple[Capture, ...]
    think_seconds: float

    @property
    def label(self) -> str:
        """How a failure names this step: ``POST /trips``."""
        return f"{self.method} {self.name}"

    @property
    def needs_json(self) -> bool:
        """True when the body must be parsed as JSON (checks or captures)."""
        return bool(self.checks or self.captures)


@dataclass(frozen=True)
class DataFile:
    """A checked CSV file whose rows go to virtual users, and how (sequential, random, unique).

    The rows stay in the file: ``stairload.journeys.data`` reads them as they are handed
    out. ``offsets`` holds the byte offset of every ``index_every``-th row (row 0 first),
    so a row can be found without reading the file from its start.
    """

    path: Path
    pick: str
    columns: tuple[str, ...]
    row_count: int
    offsets: tuple[int, ...] = ()
    index_every: int = 64


@dataclass(frozen=True)
class Journey:
    """A scenario's journey: per-user variables, data, scenario headers, steps."""

    source: str
    scenario_name: str
    variables: tuple[tuple[str, Template], ...]
    data: DataFile | None
    headers: tuple[tuple[str, Template], ...]
    steps: tuple[Step, ...]
    locustfile: Path | None

    @property
    def request_names(self) -> tuple[str, ...]:
        """The statistics names of the steps, in order, each once."""
        return tuple(dict.fromkeys(step.name for step in self.steps))

"""The compiled JMESPath closures give exactly what jmespath's interpreter gives."""

from __future__ import annotations

from typing import Any

import jmespath
import pytest

from stairload.journeys.fastpath import compile_search
from stairload.journeys.journey import jmespath_options

DOCUMENTS: list[Any] = [
    {"id": 3, "days": 0, "trips": [{"id": 1, "t": [1, 2]}, {"id": 2}, {"x": 1}], "ok": True},
    {"id": "3", "trips": [], "plans": None, "ok": False, "name": ""},
    {"trips": "not a list", "id": 1, "one": 1, "zero": 0, "e": {}, "l": []},
    [{"id": 1}, {"id": 2}],
    None,
    "text",
    0,
]

EXPRESSIONS = [
    "id",
    "trips[].id",
    "trips[0].id",
    "trips[-1]",
    "trips[5]",
    "trips[].t",
    "trips[].t[]",
    "[].id",
    "@",
    "id == `3`",
    "id != `null`",
    "id == '3'",
    "one == `true`",
    "zero == `false`",
    "days > `-1`",
    "id >= `3`",
    "name < `1`",
    "ok && id",
    "ok || id",
    "name || zero",
    "!zero",
    "!name",
    "!ok",
    "type(trips) == 'array'",
    "type(@)",
    "length(trips)",
    "trips[?id > `1`].id",
    "id == {wanted}",
]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_the_fast_path_agrees_with_jmespath(expression: str) -> None:
    """For every document the closure and jmespath.search return the same value."""
    source = expression.replace("{wanted}", "var('wanted')")
    compiled = jmespath.compile(source)
    values = {"wanted": 3}
    options = jmespath_options(values)
    search = compile_search(compiled)
    for document in DOCUMENTS:
        try:
            expected: Any = compiled.search(document, options)
        except (jmespath.exceptions.JMESPathError, TypeError) as error:
            expected = type(error)
        try:
            got: Any = search(document, values, options)
        except (jmespath.exceptions.JMESPathError, TypeError) as error:
            got = type(error)
        assert got == expected and type(got) is type(expected), document

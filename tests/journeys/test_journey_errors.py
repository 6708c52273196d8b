"""Every bad journey field is one line naming the file, the scenario, the step and the value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stairload.core.errors import ConfigError
from stairload.journeys.data import iter_rows
from stairload.journeys.load import parse_journey

OK = {"request": "GET /notes"}
S = "scenarios.yaml: scenarios.notes"

CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "unknown step field",
        {"steps": [{"request": "GET /a", "nmae": "x"}]},
        f"{S}.steps[0].nmae: unknown field; allowed: request, name, headers, query, json, "
        "expect, capture, think_seconds; did you mean 'name'?",
    ),
    (
        "unknown method",
        {"steps": [{"request": "FETCH /a"}]},
        f"{S}.steps[0].request: must start with an HTTP method in capitals "
        "(GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS) (got 'FETCH /a')",
    ),
    (
        "path without slash",
        {"steps": [{"request": "GET a"}]},
        f"{S}.steps[0].request: must be 'METHOD /path' (the path starts with '/', no spaces) "
        "(got 'GET a')",
    ),
    ("missing request", {"steps": [{"name": "x"}]}, f"{S}.steps[0].request: is required"),
    (
        "request not text",
        {"steps": [{"request": 5}]},
        f"{S}.steps[0].request: must be a string (got 5)",
    ),
    (
        "old step names",
        {"steps": ["login"]},
        f"{S}.steps[0]: must be a mapping with at least 'request: METHOD /path' (got 'login')",
    ),
    (
        "unknown variable in the path",
        {"steps": [OK, {"request": "GET /a/{id}"}]},
        f"{S}.steps[1].request: unknown variable 'id'; known here: iteration, uuid, vu; "
        "did you mean 'uuid'? (got 'GET /a/{id}')",
    ),
    (
        "variable captured only later",
        {"steps": [{"request": "GET /a/{id}"}, {"request": "GET /b", "capture": {"id": "id"}}]},
        f"{S}.steps[0].request: unknown variable 'id' here: only steps[1], a later step, "
        "captures it (got 'GET /a/{id}')",
    ),
    (
        "misspelt variable in the body",
        {"vars": {"token": "x"}, "steps": [{"request": "POST /a", "json": {"t": "{tokn}"}}]},
        f"{S}.steps[0].json.t: unknown variable 'tokn'; known here: iteration, token, uuid, vu; "
        "did you mean 'token'? (got '{tokn}')",
    ),
    (
        "unknown function",
        {"steps": [{"request": "POST /a", "json": {"n": "{random_itn(1, 2)}"}}]},
        f"{S}.steps[0].json.n: unknown function 'random_itn'; known: random_int, random_float; "
        "did you mean 'random_int'? (got '{random_itn(1, 2)}')",
    ),
    (
        "wrong argument count",
        {"steps": [{"request": "POST /a", "json": {"n": "{random_int(1)}"}}]},
        S + ".steps[0].json.n: random_int() takes 2 arguments, got 1 (got '{random_int(1)}')",
    ),
    (
        "unclosed brace",
        {"steps": [{"request": "POST /a", "json": ["{oops"]}]},
        f"{S}.steps[0].json[0]: '{{' is never closed (write '{{{{' for a literal brace) "
        "(got '{oops')",
    ),
    (
        "unknown variable in a header",
        {"steps": [{"request": "GET /a", "headers": {"X-Id": "{nope}"}}]},
        f"{S}.steps[0].headers.X-Id: unknown variable 'nope'; known here: iteration, uuid, vu "
        "(got '{nope}')",
    ),
    (
        "unknown variable in a query",
        {"steps": [{"request": "GET /a", "query": {"q": "{nope}"}}]},
        f"{S}.steps[0].query.q: unknown variable 'nope'; known here: iteration, uuid, vu "
        "(got '{nope}')",
    ),
    (
        "bad JMESPath check",
        {"steps": [{"request": "GET /a", "expect": {"checks": ["id =="]}}]},
        f"{S}.steps[0].expect.checks[0]: not a valid JMESPath expression "
        "(incomplete expression at character 6) (got 'id ==')",
    ),
    (
        "unknown JMESPath function",
        {"steps": [{"request": "GET /a", "expect": {"checks": ["lenght(@)"]}}]},
        f"{S}.steps[0].expect.checks[0]: unknown JMESPath function 'lenght'; "
        "did you mean 'length'? (got 'lenght(@)')",
    ),
    (
        "unknown variable in a check",
        {"steps": [{"request": "GET /a", "expect": {"checks": ["id == {trip}"]}}]},
        f"{S}.steps[0].expect.checks[0]: unknown variable 'trip'; known here: iteration, uuid, "
        "vu (got 'id == {trip}')",
    ),
    (
        "status as text",
        {"steps": [{"request": "GET /a", "expect": {"status": "200"}}]},
        f"{S}.steps[0].expect.status: must be a status code or a list of them (got '200')",
    ),
    (
        "status out of range",
        {"steps": [{"request": "GET /a", "expect": {"status": 700}}]},
        f"{S}.steps[0].expect.status: each status must be between 100 and 599 (got [700])",
    ),
    (
        "unknown expect field",
        {"steps": [{"request": "GET /a", "expect": {"statuss": 200}}]},
        f"{S}.steps[0].expect.statuss: unknown field; allowed: status, checks; "
        "did you mean 'status'?",
    ),
    (
        "bad JMESPath capture",
        {"steps": [{"request": "GET /a", "capture": {"id": "a["}}]},
        f"{S}.steps[0].capture.id: not a valid JMESPath expression "
        "(incomplete expression at character 3) (got 'a[')",
    ),
    (
        "bad capture pick",
        {"steps": [{"request": "GET /a", "capture": {"id": {"path": "a", "pick": "last"}}}]},
        f"{S}.steps[0].capture.id.pick: must be one of 'first' or 'random' (got 'last')",
    ),
    (
        "capture over a built-in",
        {"steps": [{"request": "GET /a", "capture": {"vu": "a"}}]},
        f"{S}.steps[0].capture.vu: 'vu' is a built-in variable; choose another name (got 'vu')",
    ),
    (
        "negative think time",
        {"steps": [{"request": "GET /a", "think_seconds": -1}]},
        f"{S}.steps[0].think_seconds: must be >= 0 (got -1)",
    ),
    ("no steps", {"steps": []}, f"{S}.steps: must list at least one step (got [])"),
    (
        "unknown variable in scenario headers",
        {
            "headers": {"Authorization": "Bearer {tokn}"},
            "steps": [{"request": "POST /s", "capture": {"token": "t"}}],
        },
        f"{S}.headers.Authorization: unknown variable 'tokn'; known here: iteration, token, "
        "uuid, vu; did you mean 'token'? (got 'Bearer {tokn}')",
    ),
    (
        "iteration in vars",
        {"vars": {"n": "{iteration}"}, "steps": [OK]},
        S + ".vars.n: unknown variable 'iteration'; known here: uuid, vu (got '{iteration}')",
    ),
    (
        "unreadable data file",
        {"data": {"file": "missing.csv"}, "steps": [OK]},
        f"{S}.data.file: no such file (a relative path starts at the YAML file's folder) "
        "(got 'missing.csv')",
    ),
    (
        "bad data pick",
        {"data": {"file": "users.csv", "pick": "shuffle"}, "steps": [OK]},
        f"{S}.data.pick: must be one of 'sequential', 'random' or 'unique' (got 'shuffle')",
    ),
    ("neither steps nor locustfile", {}, f"{S}: a scenario needs 'steps' or a 'locustfile'"),
    (
        "missing locustfile",
        {"locustfile": "nope.py"},
        f"{S}.locustfile: no such file (got 'nope.py')",
    ),
]


@pytest.mark.parametrize(("raw", "line"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_a_bad_journey_is_one_exact_line(tmp_path: Path, raw: dict[str, Any], line: str) -> None:
    """Each bad field fails loading with exactly this one line."""
    with pytest.raises(ConfigError) as caught:
        parse_journey(raw, source="scenarios.yaml", scenario_name="notes", base_dir=tmp_path)
    assert str(caught.value) == line
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "is empty; the first line must name the columns"),
        ("user name,password\nu,p\n", "column 'user name' is not a variable name"),
        ("username,password\n", "has no rows under its header"),
        ("username,password\nu1,p1\nu2\n", "line 3 has 1 values for 2 columns"),
        ("vu,password\n1,p\n", "column 'vu' hides a variable (got 'vu')"),
    ],
)
def test_a_bad_data_file_names_its_problem(tmp_path: Path, content: str, problem: str) -> None:
    """A data file that cannot give rows of variables fails loading on data.file."""
    (tmp_path / "users.csv").write_text(content)
    raw = {"data": {"file": "users.csv"}, "steps": [OK]}
    with pytest.raises(ConfigError) as caught:
        parse_journey(raw, source="scenarios.yaml", scenario_name="notes", base_dir=tmp_path)
    assert str(caught.value).startswith(f"{S}.data.file: {problem}")


def test_data_columns_are_known_variables(tmp_path: Path) -> None:
    """The columns of the data file can be used by every step."""
    (tmp_path / "users.csv").write_text("username,password\nann,secret\n")
    raw = {
        "data": {"file": "users.csv", "pick": "unique"},
        "steps": [{"request": "POST /login", "json": {"u": "{username}", "p": "{password}"}}],
    }
    journey = parse_journey(raw, source="s.yaml", scenario_name="notes", base_dir=tmp_path)
    assert journey.data is not None
    assert list(iter_rows(journey.data)) == [{"username": "ann", "password": "secret"}]


def test_the_default_name_shows_each_variable_in_brackets(tmp_path: Path) -> None:
    """A step without a name is counted under its path with [var] for every {var}."""
    raw = {
        "steps": [
            {"request": "POST /notes", "capture": {"note_id": "id"}},
            {"request": "GET /notes/{note_id}/v/{random_int(1, 3)}"},
        ]
    }
    journey = parse_journey(raw, source="s.yaml", scenario_name="notes", base_dir=tmp_path)
    assert journey.request_names == ("/notes", "/notes/[note_id]/v/[random_int]")

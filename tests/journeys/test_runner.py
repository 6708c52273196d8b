"""The step runner against a real loopback server: headers, bodies, expect, capture, restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stairload.journeys.blocking import BlockingClient
from stairload.journeys.load import parse_journey
from stairload.journeys.runner import JourneyRunner
from tests.journeys.canned_server import CannedServer, canned_server

LOGIN = {
    "request": "POST /sessions",
    "json": {"user": "user{vu}"},
    "expect": {"status": 201, "checks": ["token"]},
    "capture": {"token": "token"},
}


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _CLIENTS:
        _CLIENTS.pop().close()


_CLIENTS: list[BlockingClient] = []


@pytest.fixture
def server() -> Iterator[CannedServer]:
    routes = {
        ("POST", "/sessions"): (201, {"token": "abc"}),
        ("POST", "/notes"): (201, {"id": 12, "tags": [{"id": 1}, {"id": 2}]}),
        ("GET", "/notes/12"): (200, {"id": 12}),
        ("GET", "/search"): (200, {"hits": []}),
        ("GET", "/text"): (200, b"<html>"),
    }
    with canned_server(routes) as canned:
        yield canned


def _runner(server: CannedServer, raw: dict[str, Any], **kwargs: Any) -> tuple[JourneyRunner, list]:
    journey = parse_journey(raw, source="s.yaml", scenario_name="notes", base_dir=Path("."))
    seen: list[tuple[str, str, str | None]] = []
    client = BlockingClient(server.base_url, on_request=lambda m, n, _ms, r: seen.append((m, n, r)))
    _CLIENTS.append(client)
    return JourneyRunner(journey, client, vu=4, **kwargs), seen


def test_scenario_headers_are_sent_once_their_variables_exist(server: CannedServer) -> None:
    """The first request goes without Authorization; the one after the capture carries it."""
    raw = {
        "headers": {"Authorization": "Bearer {token}"},
        "steps": [LOGIN, {"request": "POST /notes", "json": {"t": "x"}, "expect": {"status": 201}}],
    }
    runner, _seen = _runner(server, raw)
    assert runner.run() is None
    assert "Authorization" not in server.received[0].headers
    assert server.received[1].headers["Authorization"] == "Bearer abc"


def test_a_lone_variable_in_the_body_keeps_its_type(server: CannedServer) -> None:
    """A captured int sent as "{note_id}" arrives as a JSON number; in text it is text."""
    raw = {
        "steps": [
            {"request": "POST /notes", "capture": {"note_id": "id"}},
            {"request": "POST /notes", "json": {"id": "{note_id}", "label": "n{note_id}"}},
        ]
    }
    runner, _seen = _runner(server, raw)
    assert runner.run() is None
    assert server.received[1].body == {"id": 12, "label": "n12"}


def test_query_values_are_filled_and_encoded(server: CannedServer) -> None:
    """query: entries become an encoded query string."""
    runner, _seen = _runner(
        server, {"steps": [{"request": "GET /search", "query": {"q": "a b{vu}"}}]}
    )
    assert runner.run() is None
    assert server.received[0].path == "/search?q=a+b4"


def test_a_wrong_status_fails_with_the_service_reason_named_once(server: CannedServer) -> None:
    """A 404 where 2xx is expected fails, naming the request once, with the service's error."""
    server.routes[("GET", "/notes/12")] = (404, {"error": "no such note"})
    raw = {
        "steps": [{"request": "POST /notes", "capture": {"n": "id"}}, {"request": "GET /notes/{n}"}]
    }
    runner, seen = _runner(server, raw)
    failure = runner.run()
    assert str(failure) == "GET /notes/[n]: expected a 2xx status, got 404 (no such note)"
    assert seen[-1] == ("GET", "/notes/[n]", "expected a 2xx status, got 404 (no such note)")


def test_a_failed_check_names_the_check(server: CannedServer) -> None:
    """A check that is not truthy on the body fails the request with the check's text."""
    raw = {
        "steps": [
            {"request": "POST /notes", "capture": {"n": "id"}},
            {"request": "GET /notes/{n}", "expect": {"checks": ["id == {n}", "title"]}},
        ]
    }
    runner, _seen = _runner(server, raw)
    assert runner.run().reason == "check failed: title"  # type: ignore[union-attr]


def test_a_capture_that_finds_nothing_fails_and_the_next_pass_restarts(
    server: CannedServer,
) -> None:
    """An empty capture fails its request; the next pass starts again at the first step."""
    raw = {"steps": [LOGIN, {"request": "GET /search", "capture": {"hit": "hits[].id"}}]}
    runner, seen = _runner(server, raw)
    failure = runner.run()
    assert failure is not None and failure.reason == "capture hit: 'hits[].id' found nothing"
    runner.run()
    assert [name for _m, name, _r in seen] == ["/sessions", "/search", "/sessions", "/search"]


def test_a_random_capture_picks_one_of_the_matches(server: CannedServer) -> None:
    """pick: random keeps one element of the list the path finds."""
    raw = {
        "steps": [
            {"request": "POST /notes", "capture": {"tag": {"path": "tags[].id", "pick": "random"}}}
        ]
    }
    runner, _seen = _runner(server, raw)
    picked = set()
    for _ in range(40):
        assert runner.run() is None
        picked.add(runner.values["tag"])
    assert picked == {1, 2}


def test_a_body_that_is_not_json_fails_where_json_is_needed(server: CannedServer) -> None:
    """A check on an HTML body fails as 'body is not JSON'."""
    runner, _seen = _runner(
        server, {"steps": [{"request": "GET /text", "expect": {"checks": ["a"]}}]}
    )
    assert runner.run().reason == "body is not JSON"  # type: ignore[union-attr]


def test_a_connection_error_is_a_failed_request(tmp_path: Path) -> None:
    """No server listening: the request fails with a connection error, not an exception."""
    journey = parse_journey(
        {"steps": [{"request": "GET /x"}]}, source="s", scenario_name="n", base_dir=tmp_path
    )
    client = BlockingClient("http://127.0.0.1:9")
    _CLIENTS.append(client)
    runner = JourneyRunner(journey, client, vu=1)
    failure = runner.run()
    assert failure is not None and failure.reason.startswith("connection error: ")


def test_think_seconds_pause_after_the_step(server: CannedServer) -> None:
    """think_seconds is slept after its step succeeds."""
    slept: list[float] = []
    raw = {"steps": [{"request": "GET /search", "think_seconds": 0.25}, {"request": "GET /search"}]}
    runner, _seen = _runner(server, raw, sleep=slept.append)
    assert runner.run() is None
    assert slept == [0.25]


def test_fixed_parts_are_filled_once_and_changing_ones_on_every_pass(
    server: CannedServer,
) -> None:
    """A user's own variables fill a path or header once (the runner keeps the text); a
    function call, uuid, the iteration and a variable some step captures are filled again
    on each pass, and a step header replaces the scenario's header of the same name."""
    raw = {
        "vars": {"note": "12", "label": "x"},
        "headers": {
            "X-Label": "{label}",
            "X-Pass": "{iteration}",
            "X-Request": "{uuid}",
            "X-Token": "{token}",  # captured: not sent before the capture, then each pass
        },
        "steps": [
            {
                "request": "GET /notes/{note}",
                "headers": {"X-Pick": "{random_int(1, 1000000)}", "X-Label": "step"},
                "capture": {"token": "id"},
            },
            {"request": "GET /notes/{note}", "capture": {"label": "id"}},
            {"request": "GET /notes/{note}"},
        ],
    }
    runner, _seen = _runner(server, raw)
    assert runner.run() is None and runner.run() is None
    first, second, third, again = server.received[:4]
    assert first.path == again.path == "/notes/12"
    assert first.headers["X-Label"] == "step" and "X-Token" not in first.headers
    assert second.headers["X-Token"] == "12" and second.headers["X-Label"] == "x"
    assert third.headers["X-Label"] == "12"  # captured over the user's own value
    assert (first.headers["X-Pass"], again.headers["X-Pass"]) == ("1", "2")
    assert first.headers["X-Request"] != again.headers["X-Request"]
    assert first.headers["X-Pick"] != again.headers["X-Pick"]


def test_a_bad_header_value_from_a_data_row_fails_every_pass(tmp_path: Path) -> None:
    """A user's own value with a line break is not kept as a fixed header: each pass
    records the step as not sent, with the reason."""
    (tmp_path / "keys.csv").write_text("key\nplain\n", encoding="utf-8")
    raw = {
        "data": {"file": "keys.csv", "pick": "sequential"},
        "headers": {"X-Key": "{key}"},
        "steps": [{"request": "GET /notes/12"}],
    }
    journey = parse_journey(
        raw,
        source="s.yaml",
        scenario_name="notes",
        base_dir=tmp_path,
    )
    failures: list[str] = []

    class Refusing:
        def send(self, *_: Any, **__: Any) -> str | None:
            raise AssertionError("a header with a line break must not be sent")

        def record_failure(self, method: str, name: str, reason: str) -> None:
            failures.append(reason)

    runner = JourneyRunner(journey, Refusing(), vu=1, row={"key": "a\r\nX-Evil: 1"})
    assert runner.run() is not None and runner.run() is not None
    assert len(failures) == 2 and all("header 'X-Key'" in reason for reason in failures)

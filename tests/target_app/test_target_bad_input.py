"""Bad input answers 4xx with a JSON error body, never a 5xx."""

from __future__ import annotations

from typing import Any

import pytest

from stairload.target.testing import call, login

pytestmark = pytest.mark.integration

_USER = 20  # the tests below use user20's first trip (always 2..5 days, with plans)
_PLAN = {"day": 1, "title": "ok", "latitude": 10.0, "longitude": 20.0}
_TRIP = {"title": "ok", "start_date": "2026-01-01", "end_date": "2026-01-03"}

# (case id, method, path template, JSON body or raw bytes, expected status)
_CASES: list[tuple[str, str, str, Any, int]] = [
    ("login malformed json", "POST", "/login", b"{nope", 400),
    ("login not an object", "POST", "/login", [1, 2], 400),
    ("login missing password", "POST", "/login", {"username": "user1"}, 400),
    ("login mistyped username", "POST", "/login", {"username": 1, "password": "x"}, 400),
    ("login invalid utf-8", "POST", "/login", b'{"username": "\xff"}', 400),
    ("login empty body", "POST", "/login", b"", 400),
    ("oversized body", "POST", "/trips", b'{"title": "' + b"x" * 70_000 + b'"}', 413),
    (
        "trip missing title",
        "POST",
        "/trips",
        {"start_date": "2026-01-01", "end_date": "2026-01-02"},
        400,
    ),
    ("trip empty title", "POST", "/trips", {**_TRIP, "title": " "}, 400),
    ("trip title too long", "POST", "/trips", {**_TRIP, "title": "x" * 201}, 400),
    ("trip bad date", "POST", "/trips", {**_TRIP, "start_date": "2026-02-30"}, 400),
    ("trip date wrong format", "POST", "/trips", {**_TRIP, "start_date": "01/02/2026"}, 400),
    ("trip date a number", "POST", "/trips", {**_TRIP, "end_date": 20260103}, 400),
    ("trip ends before start", "POST", "/trips", {**_TRIP, "end_date": "2025-12-31"}, 400),
    ("trip longer than 30 days", "POST", "/trips", {**_TRIP, "end_date": "2026-03-01"}, 400),
    ("trip bad status", "POST", "/trips", {**_TRIP, "status": "lost"}, 400),
    ("trip id not a number", "GET", "/trips/abc", None, 400),
    ("trip id zero", "GET", "/trips/0", None, 400),
    ("trip id too big", "GET", "/trips/99999999999999999999999", None, 400),
    ("trip id negative", "GET", "/trips/-1", None, 400),
    ("trip unknown", "GET", "/trips/999999999", None, 404),
    ("trip patch empty", "PATCH", "/trips/{trip}", {}, 400),
    ("trip patch unknown field", "PATCH", "/trips/{trip}", {"colour": "red"}, 400),
    ("trip patch shrinks below plans", "PATCH", "/trips/{trip}", {"end_date": "{start}"}, 409),
    (
        "plan missing day",
        "POST",
        "/trips/{trip}/plans",
        {k: v for k, v in _PLAN.items() if k != "day"},
        400,
    ),
    ("plan day zero", "POST", "/trips/{trip}/plans", {**_PLAN, "day": 0}, 400),
    ("plan day past trip", "POST", "/trips/{trip}/plans", {**_PLAN, "day": 31}, 400),
    ("plan day a string", "POST", "/trips/{trip}/plans", {**_PLAN, "day": "1"}, 400),
    ("plan day a bool", "POST", "/trips/{trip}/plans", {**_PLAN, "day": True}, 400),
    ("plan latitude too big", "POST", "/trips/{trip}/plans", {**_PLAN, "latitude": 90.5}, 400),
    (
        "plan longitude too small",
        "POST",
        "/trips/{trip}/plans",
        {**_PLAN, "longitude": -180.1},
        400,
    ),
    ("plan latitude a string", "POST", "/trips/{trip}/plans", {**_PLAN, "latitude": "10"}, 400),
    (
        "plan latitude NaN",
        "POST",
        "/trips/{trip}/plans",
        b'{"day":1,"title":"x","latitude":NaN,"longitude":0}',
        400,
    ),
    (
        "plan latitude huge",
        "POST",
        "/trips/{trip}/plans",
        b'{"day":1,"title":"x","latitude":1e999,"longitude":0}',
        400,
    ),
    ("plan patch bad field", "PATCH", "/trips/{trip}/plans/{plan}", {"trip_id": 1}, 400),
    ("plan id not a number", "GET", "/trips/{trip}/plans/x", None, 400),
    ("plan unknown", "GET", "/trips/{trip}/plans/999999999", None, 404),
    ("day not a number", "GET", "/trips/{trip}/days/one/plans", None, 400),
    ("day past the trip", "GET", "/trips/{trip}/days/31/plans", None, 404),
    ("unknown endpoint", "GET", "/nowhere", None, 404),
    ("trailing slash", "GET", "/trips/", None, 404),
    ("method not allowed", "PUT", "/trips", {}, 405),
]


@pytest.fixture(scope="module")
def seeded(target_url: str) -> dict[str, str]:
    """user20's token and the ids and start date of their first trip and its first plan."""
    token = login(target_url, _USER)
    trip = call(target_url, "GET", "/trips", token=token)[1]["trips"][0]
    plans = call(target_url, "GET", f"/trips/{trip['id']}/plans", token=token)[1]["plans"]
    last_day_plan = max(plans, key=lambda plan: plan["day"])
    assert last_day_plan["day"] > 1, "the seed gives every trip day at least 2 plans on day 2+"
    return {
        "token": token,
        "trip": str(trip["id"]),
        "plan": str(plans[0]["id"]),
        "start": trip["start_date"],
    }


def _fill(value: Any, seeded: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**seeded)
    if isinstance(value, dict):
        return {key: _fill(item, seeded) for key, item in value.items()}
    return value


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [case[1:] for case in _CASES],
    ids=[case[0] for case in _CASES],
)
def test_bad_input_answers_4xx_with_a_json_error(
    target_url: str, seeded: dict[str, str], method: str, path: str, body: Any, expected: int
) -> None:
    """Each bad request answers its 4xx status and a JSON body {"error": "<sentence>"}."""
    raw = body if isinstance(body, bytes) else None
    json_body = None if raw is not None else _fill(body, seeded)
    status, answer = call(
        target_url, method, _fill(path, seeded), json_body, token=seeded["token"], raw_body=raw
    )
    assert status == expected
    assert set(answer) == {"error"} and isinstance(answer["error"], str) and answer["error"]

"""Bearer tokens: who may call what, and a user sees only their own trips and plans."""

from __future__ import annotations

import pytest

from stairload.target.testing import call, login

pytestmark = pytest.mark.integration

_PROTECTED = [
    ("GET", "/trips"),
    ("POST", "/trips"),
    ("GET", "/trips/1"),
    ("PATCH", "/trips/1"),
    ("DELETE", "/trips/1"),
    ("GET", "/trips/1/plans"),
    ("POST", "/trips/1/plans"),
    ("GET", "/trips/1/plans/1"),
    ("PATCH", "/trips/1/plans/1"),
    ("DELETE", "/trips/1/plans/1"),
    ("GET", "/trips/1/days/1/plans"),
]


@pytest.mark.parametrize(("method", "path"), _PROTECTED)
@pytest.mark.parametrize("token", [None, "", "garbage", "1.abc.deadbeef"])
def test_protected_endpoints_answer_401_without_a_valid_token(
    target_url: str, method: str, path: str, token: str | None
) -> None:
    """Every journey endpoint answers 401 with a JSON error when the token is missing or bad."""
    status, body = call(target_url, method, path, {}, token=token)
    assert status == 401 and "error" in body


def test_a_tampered_token_is_refused(target_url: str) -> None:
    """Changing the user id inside a valid token breaks its signature."""
    token = login(target_url, 8)
    forged = "9" + token[token.index(".") :]
    assert call(target_url, "GET", "/trips", token=forged)[0] == 401


def test_wrong_password_answers_401(target_url: str) -> None:
    """A wrong password or an unknown user answers 401 with a JSON error."""
    for username, password in [("user8", "password9"), ("nobody", "password1")]:
        status, body = call(
            target_url, "POST", "/login", {"username": username, "password": password}
        )
        assert status == 401 and "error" in body


def test_another_users_trip_and_plans_answer_404(target_url: str) -> None:
    """User 10 gets 404 for every read and write of user 11's trip and plan."""
    owner, intruder = login(target_url, 11), login(target_url, 10)
    trip = call(target_url, "GET", "/trips", token=owner)[1]["trips"][0]
    plan = call(target_url, "GET", f"/trips/{trip['id']}/plans", token=owner)[1]["plans"][0]
    trip_path, plan_path = f"/trips/{trip['id']}", f"/trips/{trip['id']}/plans/{plan['id']}"
    attempts = [
        ("GET", trip_path, None),
        ("PATCH", trip_path, {"title": "mine now"}),
        ("DELETE", trip_path, None),
        ("GET", f"{trip_path}/plans", None),
        ("POST", f"{trip_path}/plans", {"day": 1, "title": "x", "latitude": 0, "longitude": 0}),
        ("GET", plan_path, None),
        ("PATCH", plan_path, {"title": "mine now"}),
        ("DELETE", plan_path, None),
        ("GET", f"{trip_path}/days/1/plans", None),
    ]
    for method, path, body in attempts:
        status, answer = call(target_url, method, path, body, token=intruder)
        assert (method, path, status) == (method, path, 404) and "error" in answer
    assert call(target_url, "GET", plan_path, token=owner) == (200, plan)
    assert trip["id"] not in [
        t["id"] for t in call(target_url, "GET", "/trips", token=intruder)[1]["trips"]
    ]


def test_a_plan_of_another_trip_answers_404(target_url: str) -> None:
    """A plan id is found only under its own trip, even for the same user."""
    token = login(target_url, 12)
    first, second = call(target_url, "GET", "/trips", token=token)[1]["trips"][:2]
    plan = call(target_url, "GET", f"/trips/{first['id']}/plans", token=token)[1]["plans"][0]
    assert (
        call(target_url, "GET", f"/trips/{second['id']}/plans/{plan['id']}", token=token)[0] == 404
    )


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/health"), ("GET", "/metrics"), ("POST", "/warmup/complete")]
)
def test_operational_endpoints_need_no_token(target_url: str, method: str, path: str) -> None:
    """Health, metrics and warm-up completion answer 200 without a token."""
    assert call(target_url, method, path)[0] == 200

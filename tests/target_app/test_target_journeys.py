"""Every journey of docs/target-api.md, end to end over HTTP against a real process."""

from __future__ import annotations

import pytest

from stairload.target.geo import haversine_km
from stairload.target.testing import call, login

pytestmark = pytest.mark.integration

_TRIP_KEYS = {"id", "title", "start_date", "end_date", "status", "days"}
_PLAN_KEYS = {"id", "trip_id", "day", "title", "latitude", "longitude"}


def test_login_answers_a_token_and_the_user_id(target_url: str) -> None:
    """A seeded user logs in with password<i> and gets a token and their id."""
    status, body = call(
        target_url, "POST", "/login", {"username": "user7", "password": "password7"}
    )
    assert status == 200
    assert body["user_id"] == 7 and isinstance(body["token"], str)


def test_scenario1_trip_lifecycle(target_url: str) -> None:
    """Scenario 1: list, get, create, get, update and delete a trip."""
    token = login(target_url, 3)
    status, body = call(target_url, "GET", "/trips", token=token)
    assert status == 200 and body["trips"]
    assert all(set(trip) == _TRIP_KEYS for trip in body["trips"])
    first = body["trips"][0]
    assert call(target_url, "GET", f"/trips/{first['id']}", token=token) == (200, first)

    new = {"title": "Jeju weekend", "start_date": "2026-05-01", "end_date": "2026-05-03"}
    status, created = call(target_url, "POST", "/trips", new, token=token)
    assert status == 201
    assert created == {**new, "id": created["id"], "status": "planned", "days": 3}
    path = f"/trips/{created['id']}"
    assert call(target_url, "GET", path, token=token) == (200, created)

    status, updated = call(
        target_url, "PATCH", path, {"status": "ongoing", "end_date": "2026-05-05"}, token=token
    )
    assert status == 200
    assert (updated["status"], updated["end_date"], updated["days"]) == ("ongoing", "2026-05-05", 5)

    assert call(target_url, "DELETE", path, token=token) == (204, None)
    assert call(target_url, "GET", path, token=token)[0] == 404


def test_scenario2_plan_lifecycle_and_day_by_distance(target_url: str) -> None:
    """Scenario 2: list plans, create, get, update, delete a plan, then a day by distance."""
    token = login(target_url, 4)
    trip = call(target_url, "GET", "/trips", token=token)[1]["trips"][0]
    plans_path = f"/trips/{trip['id']}/plans"
    status, body = call(target_url, "GET", plans_path, token=token)
    assert status == 200 and body["plans"]
    assert all(set(plan) == _PLAN_KEYS and plan["trip_id"] == trip["id"] for plan in body["plans"])

    new = {"day": 1, "title": "Lunch", "latitude": 37.55, "longitude": 126.99}
    status, plan = call(target_url, "POST", plans_path, new, token=token)
    assert status == 201 and plan == {**new, "id": plan["id"], "trip_id": trip["id"]}
    plan_path = f"{plans_path}/{plan['id']}"
    assert call(target_url, "GET", plan_path, token=token) == (200, plan)
    status, updated = call(
        target_url, "PATCH", plan_path, {"title": "Dinner", "day": 2}, token=token
    )
    assert status == 200 and (updated["title"], updated["day"]) == ("Dinner", 2)
    assert call(target_url, "DELETE", plan_path, token=token) == (204, None)
    assert call(target_url, "GET", plan_path, token=token)[0] == 404

    status, day = call(target_url, "GET", f"/trips/{trip['id']}/days/1/plans", token=token)
    assert status == 200 and (day["trip_id"], day["day"]) == (trip["id"], 1)
    stored = sorted((p for p in body["plans"] if p["day"] == 1), key=lambda p: p["id"])
    assert day["plans"][0]["id"] == stored[0]["id"] and day["plans"][0]["leg_km"] == 0
    assert sorted(p["id"] for p in day["plans"]) == [p["id"] for p in stored]
    assert day["total_km"] == pytest.approx(sum(p["leg_km"] for p in day["plans"]), abs=0.01)


def test_day_by_distance_takes_the_nearest_plan_next(target_url: str) -> None:
    """On a fresh trip the day's walk goes from the first plan to the nearest, not by id."""
    token = login(target_url, 5)
    trip = call(
        target_url,
        "POST",
        "/trips",
        {"title": "Walk", "start_date": "2026-06-01", "end_date": "2026-06-01"},
        token=token,
    )[1]
    points = [(0.0, 0.0), (0.0, 2.0), (0.0, 1.0)]
    ids = [
        call(
            target_url,
            "POST",
            f"/trips/{trip['id']}/plans",
            {"day": 1, "title": f"p{i}", "latitude": lat, "longitude": lon},
            token=token,
        )[1]["id"]
        for i, (lat, lon) in enumerate(points)
    ]
    status, day = call(target_url, "GET", f"/trips/{trip['id']}/days/1/plans", token=token)
    assert status == 200
    assert [plan["id"] for plan in day["plans"]] == [ids[0], ids[2], ids[1]]
    assert day["total_km"] == pytest.approx(haversine_km(0, 0, 0, 2), abs=0.01)


def test_scenario3_read_only_journey(target_url: str) -> None:
    """Scenario 3: list trips, get a trip, list its plans, get one plan."""
    token = login(target_url, 6)
    trip = call(target_url, "GET", "/trips", token=token)[1]["trips"][-1]
    assert call(target_url, "GET", f"/trips/{trip['id']}", token=token) == (200, trip)
    plan = call(target_url, "GET", f"/trips/{trip['id']}/plans", token=token)[1]["plans"][0]
    assert call(target_url, "GET", f"/trips/{trip['id']}/plans/{plan['id']}", token=token) == (
        200,
        plan,
    )


def test_metrics_count_requests_routes_and_cpu(target_url: str) -> None:
    """GET /metrics reports totals per status and route, uptime and CPU seconds."""
    call(target_url, "GET", "/health")
    status, body = call(target_url, "GET", "/metrics")
    assert status == 200
    assert body["requests_total"] >= 1 and body["responses"]["200"] >= 1
    assert body["routes"]["GET /health"] >= 1
    assert body["cpu_seconds"] > 0 and body["uptime_seconds"] > 0

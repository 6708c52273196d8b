"""The journey steps that ``scenarios.yaml`` names, each one request against the trip API.

Every step takes a client and the user's state, sends its request under a route-template
name (``/trips/[id]``) so statistics group, checks status and body shape, and leaves in
the state what later steps need (the token, the current trip, the current plan).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from journeys.client import Client, StepFailed
from journeys.state import JourneyState

Step = Callable[[Client, JourneyState], None]

_TRIP = "/trips/[id]"
_PLANS = "/trips/[id]/plans"
_PLAN = "/trips/[id]/plans/[id]"
_DAY = "/trips/[id]/days/[day]/plans"


def _has(*keys: str) -> Callable[[Any], str | None]:
    def check(payload: Any) -> str | None:
        if not isinstance(payload, dict):
            return f"body is not a JSON object (got {type(payload).__name__})"
        missing = [key for key in keys if key not in payload]
        return f"body has no {', '.join(repr(key) for key in missing)}" if missing else None

    return check


def _list_of(key: str) -> Callable[[Any], str | None]:
    def check(payload: Any) -> str | None:
        if not isinstance(payload, dict) or not isinstance(payload.get(key), list):
            return f"body has no list {key!r}"
        return None

    return check


def _same_id(expected: int | None) -> Callable[[Any], str | None]:
    def check(payload: Any) -> str | None:
        if not isinstance(payload, dict) or payload.get("id") != expected:
            got = payload.get("id") if isinstance(payload, dict) else payload
            return f"body id is {got!r}, expected {expected}"
        return None

    return check


def _need(value: int | None, what: str) -> int:
    if value is None:
        raise StepFailed(f"no {what} to act on (an earlier step found none)")
    return value


def login(client: Client, state: JourneyState) -> None:
    """Log in as the seeded user and keep the bearer token."""
    body = client.call(
        "POST",
        "/login",
        name="/login",
        expect=200,
        check=_has("token"),
        body={"username": state.username, "password": state.password},
    )
    state.token = body["token"]


def list_trips(client: Client, state: JourneyState) -> None:
    """List the user's trips and pick one at random as the current trip."""
    body = client.call(
        "GET", "/trips", name="/trips", expect=200, token=state.token, check=_list_of("trips")
    )
    trips = body["trips"]
    if trips:
        trip = state.rng.choice(trips)
        state.trip_id, state.trip_days = trip["id"], max(1, int(trip.get("days", 1)))


def get_trip(client: Client, state: JourneyState) -> None:
    """Read the current trip."""
    trip_id = _need(state.trip_id, "trip")
    client.call(
        "GET",
        f"/trips/{trip_id}",
        name=_TRIP,
        expect=200,
        token=state.token,
        check=_same_id(trip_id),
    )


def create_trip(client: Client, state: JourneyState) -> None:
    """Create a three-day trip; it becomes the current trip."""
    day = state.rng.randint(1, 28)
    body = client.call(
        "POST",
        "/trips",
        name="/trips",
        expect=201,
        token=state.token,
        check=_has("id", "days"),
        body={
            "title": "Load-test trip",
            "start_date": f"2025-07-{day:02d}",
            "end_date": f"2025-07-{day + 2:02d}",
        },
    )
    state.trip_id, state.trip_days = body["id"], max(1, int(body["days"]))


def update_trip(client: Client, state: JourneyState) -> None:
    """Rename the current trip."""
    trip_id = _need(state.trip_id, "trip")
    client.call(
        "PATCH",
        f"/trips/{trip_id}",
        name=_TRIP,
        expect=200,
        token=state.token,
        check=_same_id(trip_id),
        body={"title": "Load-test trip (renamed)"},
    )


def delete_trip(client: Client, state: JourneyState) -> None:
    """Delete the current trip."""
    trip_id = _need(state.trip_id, "trip")
    client.call("DELETE", f"/trips/{trip_id}", name=_TRIP, expect=204, token=state.token)
    state.trip_id = None


def list_plans(client: Client, state: JourneyState) -> None:
    """List the current trip's plans and pick one at random as the current plan."""
    trip_id = _need(state.trip_id, "trip")
    body = client.call(
        "GET",
        f"/trips/{trip_id}/plans",
        name=_PLANS,
        expect=200,
        token=state.token,
        check=_list_of("plans"),
    )
    plans = body["plans"]
    if plans:
        plan = state.rng.choice(plans)
        state.plan_id, state.day = plan["id"], int(plan.get("day", 1))


def create_plan(client: Client, state: JourneyState) -> None:
    """Add a plan with coordinates near Seoul on a random day; it becomes the current plan."""
    trip_id = _need(state.trip_id, "trip")
    day = state.rng.randint(1, state.trip_days)
    body = client.call(
        "POST",
        f"/trips/{trip_id}/plans",
        name=_PLANS,
        expect=201,
        token=state.token,
        check=_has("id", "day"),
        body={
            "day": day,
            "title": "Load-test stop",
            "latitude": round(37.5 + state.rng.uniform(-0.2, 0.2), 6),
            "longitude": round(127.0 + state.rng.uniform(-0.2, 0.2), 6),
        },
    )
    state.plan_id, state.day = body["id"], int(body["day"])


def get_plan(client: Client, state: JourneyState) -> None:
    """Read the current plan."""
    trip_id, plan_id = _need(state.trip_id, "trip"), _need(state.plan_id, "plan")
    client.call(
        "GET",
        f"/trips/{trip_id}/plans/{plan_id}",
        name=_PLAN,
        expect=200,
        token=state.token,
        check=_same_id(plan_id),
    )


def update_plan(client: Client, state: JourneyState) -> None:
    """Rename the current plan."""
    trip_id, plan_id = _need(state.trip_id, "trip"), _need(state.plan_id, "plan")
    client.call(
        "PATCH",
        f"/trips/{trip_id}/plans/{plan_id}",
        name=_PLAN,
        expect=200,
        token=state.token,
        check=_same_id(plan_id),
        body={"title": "Load-test stop (moved)"},
    )


def delete_plan(client: Client, state: JourneyState) -> None:
    """Delete the current plan."""
    trip_id, plan_id = _need(state.trip_id, "trip"), _need(state.plan_id, "plan")
    client.call(
        "DELETE", f"/trips/{trip_id}/plans/{plan_id}", name=_PLAN, expect=204, token=state.token
    )
    state.plan_id = None


def day_plans_by_distance(client: Client, state: JourneyState) -> None:
    """Read the current day's plans in nearest-neighbour order."""
    trip_id = _need(state.trip_id, "trip")
    client.call(
        "GET",
        f"/trips/{trip_id}/days/{state.day}/plans",
        name=_DAY,
        expect=200,
        token=state.token,
        check=_list_of("plans"),
    )


STEPS: dict[str, Step] = {
    step.__name__: step
    for step in (
        login,
        list_trips,
        get_trip,
        create_trip,
        update_trip,
        delete_trip,
        list_plans,
        create_plan,
        get_plan,
        update_plan,
        delete_plan,
        day_plans_by_distance,
    )
}


def run_journey(
    client: Client,
    step_names: Sequence[str],
    state: JourneyState,
    pause: Callable[[], None] | None = None,
) -> None:
    """Walk the steps in order from a fresh state; ``pause`` runs between steps (think time).

    Raises ``StepFailed`` at the first failed step; the rest of the journey is skipped.
    """
    state.restart()
    for index, name in enumerate(step_names):
        if index and pause is not None:
            pause()
        STEPS[name](client, state)

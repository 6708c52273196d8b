"""The trip planner's declarative journeys (scenarios.yaml) walk the real target."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from capacity.config import load_scenarios
from stairload.journeys.blocking import BlockingClient
from stairload.journeys.runner import JourneyRunner
from stairload.target.testing import start_target

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios.yaml"
SEEDED_USERS = 20
_LOGIN, _TRIPS, _TRIP = ("POST", "/login"), ("GET", "/trips"), ("GET", "/trips/[id]")
_PLANS, _PLAN = "/trips/[id]/plans", "/trips/[id]/plans/[id]"
# The requests the hand-written Python steps sent, in order, under these names.
EXPECTED = {
    "scenario1": [_LOGIN, _TRIPS, _TRIP, ("POST", "/trips"), _TRIP, ("PATCH", "/trips/[id]"),
                  ("DELETE", "/trips/[id]")],
    "scenario2": [_LOGIN, _TRIPS, _TRIP, ("GET", _PLANS), ("POST", _PLANS), ("GET", _PLAN),
                  ("PATCH", _PLAN), ("DELETE", _PLAN), ("GET", "/trips/[id]/days/[day]/plans")],
    "scenario3": [_LOGIN, _TRIPS, _TRIP, ("GET", _PLANS), ("GET", _PLAN)],
}  # fmt: skip


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with start_target(tmp_path_factory.mktemp("target"), users=SEEDED_USERS) as url:
        yield url


def _walk(
    base_url: str, scenario: str, passes: int, overrides: dict[str, object] | None = None
) -> list[tuple[str, str, str | None]]:
    journey = load_scenarios(SCENARIOS).scenario(scenario).journey
    seen: list[tuple[str, str, str | None]] = []
    client = BlockingClient(base_url, on_request=lambda m, n, _ms, r: seen.append((m, n, r)))
    runner = JourneyRunner(
        journey, client, vu=1, overrides=overrides or {"seeded_users": SEEDED_USERS}
    )
    for _ in range(passes):
        runner.run()
    client.close()
    return seen


@pytest.mark.integration
@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_a_built_in_journey_never_fails_on_the_real_target(base_url: str, scenario: str) -> None:
    """Twenty passes of each built-in journey against target_app: no failed request."""
    seen = _walk(base_url, scenario, passes=20)
    assert len(seen) == 20 * len(EXPECTED[scenario])
    assert [reason for _m, _n, reason in seen if reason] == []


@pytest.mark.integration
@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_a_built_in_journey_sends_what_the_python_steps_sent(base_url: str, scenario: str) -> None:
    """Same requests in the same order under the same statistics names as the old steps."""
    assert [(method, name) for method, name, _r in _walk(base_url, scenario, 1)] == EXPECTED[
        scenario
    ]


@pytest.mark.integration
def test_a_user_the_target_does_not_know_fails_at_login(base_url: str) -> None:
    """With more seeded users than the target has, login fails with the target's reason."""
    seen = _walk(base_url, "scenario3", 1, overrides={"seeded_users": 10**6, "user": 999_999})
    reason = "expected status 200, got 401 (Wrong username or password.)"
    assert seen == [("POST", "/login", reason)]

"""The trip planner's declarative journeys walk the real target like the Python steps did."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from journeys import STEPS, BlockingClient, JourneyState, run_journey
from journeys.load import parse_journey
from journeys.runner import JourneyRunner
from target_app.testing import start_target

BUILTIN = Path(__file__).resolve().parents[2] / "journeys" / "builtin.yaml"
PYTHON_STEPS = {
    "scenario1": ["login", "list_trips", "get_trip", "create_trip", "get_trip", "update_trip",
                  "delete_trip"],
    "scenario2": ["login", "list_trips", "get_trip", "list_plans", "create_plan", "get_plan",
                  "update_plan", "delete_plan", "day_plans_by_distance"],
    "scenario3": ["login", "list_trips", "get_trip", "list_plans", "get_plan"],
}  # fmt: skip
SEEDED_USERS = 20


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with start_target(tmp_path_factory.mktemp("target"), users=SEEDED_USERS) as url:
        yield url


def _declarative(base_url: str, scenario: str, passes: int) -> list[tuple[str, str, str | None]]:
    raw = yaml.safe_load(BUILTIN.read_text())["scenarios"][scenario]
    journey = parse_journey(
        raw, source=str(BUILTIN), scenario_name=scenario, base_dir=BUILTIN.parent
    )
    seen: list[tuple[str, str, str | None]] = []
    client = BlockingClient(base_url, on_request=lambda m, n, _ms, r: seen.append((m, n, r)))
    runner = JourneyRunner(journey, client, vu=1, overrides={"seeded_users": SEEDED_USERS})
    for _ in range(passes):
        runner.run()
    client.close()
    return seen


def _python(base_url: str, scenario: str) -> list[tuple[str, str, str | None]]:
    seen: list[tuple[str, str, str | None]] = []
    client = BlockingClient(base_url, on_request=lambda m, n, _ms, r: seen.append((m, n, r)))
    run_journey(client, PYTHON_STEPS[scenario], JourneyState.for_user(3))
    client.close()
    return seen


@pytest.mark.integration
@pytest.mark.parametrize("scenario", sorted(PYTHON_STEPS))
def test_a_declarative_journey_never_fails_on_the_real_target(base_url: str, scenario: str) -> None:
    """Twenty passes of each built-in journey against target_app: no failed request."""
    seen = _declarative(base_url, scenario, passes=20)
    assert len(seen) == 20 * len(PYTHON_STEPS[scenario])
    assert [reason for _m, _n, reason in seen if reason] == []


@pytest.mark.integration
@pytest.mark.parametrize("scenario", sorted(PYTHON_STEPS))
def test_a_declarative_journey_sends_what_the_python_steps_sent(
    base_url: str, scenario: str
) -> None:
    """Same requests in the same order under the same statistics names as journeys/steps.py."""
    assert set(PYTHON_STEPS[scenario]) <= set(STEPS)
    declarative = [(method, name) for method, name, _r in _declarative(base_url, scenario, 1)]
    python = [(method, name) for method, name, _r in _python(base_url, scenario)]
    assert declarative == python

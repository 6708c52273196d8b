"""The journeys: every step scenarios.yaml names exists, and each walks the real target."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from capacity.config import load_scenarios
from journeys import STEPS, BlockingClient, JourneyState, StepFailed, run_journey
from stairload.errors import ConfigError
from target_app.testing import start_target

ROOT = Path(__file__).resolve().parents[2]


def test_every_step_in_scenarios_yaml_has_an_implementation() -> None:
    """Every step scenarios.yaml names (read without the step check) is an implemented step."""
    suite = load_scenarios(ROOT / "scenarios.yaml")
    named = {step for scenario in suite.scenarios for step in scenario.steps}
    assert named and named <= set(STEPS), sorted(named - set(STEPS))


def test_an_unimplemented_step_is_a_one_line_config_error(tmp_path: Path) -> None:
    """A step with no implementation fails loading, naming file, field and the known steps."""
    text = (
        (ROOT / "scenarios.yaml")
        .read_text()
        .replace(
            "login, list_trips, get_trip, list_plans, get_plan]", "login, list_trips, fly_away]"
        )
    )
    path = tmp_path / "scenarios.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=r"scenarios\.scenario3\.steps\[2\]: unknown step"):
        load_scenarios(path, known_steps=STEPS)


def test_every_scenario_has_a_locust_user_class() -> None:
    """Each scenario of scenarios.yaml runs as its own FastHttpUser class."""
    code = (
        "import sys; from capacity.config import load_scenarios; "
        "from locustfiles.users import USER_CLASSES; "
        "names = [s.name for s in load_scenarios('scenarios.yaml').scenarios]; "
        "missing = [n for n in names if n not in USER_CLASSES]; "
        "print(missing); sys.exit(1 if missing else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with start_target(tmp_path_factory.mktemp("target"), users=20) as url:
        yield url


@pytest.mark.integration
@pytest.mark.parametrize("scenario", ["scenario1", "scenario2", "scenario3"])
def test_each_journey_walks_the_embedded_target(base_url: str, scenario: str) -> None:
    """Every scenario's journey completes against the real target, one request per step."""
    steps = load_scenarios(ROOT / "scenarios.yaml").scenario(scenario).steps
    seen: list[tuple[str, str, str | None]] = []
    client = BlockingClient(base_url, on_request=lambda m, n, _ms, r: seen.append((m, n, r)))
    run_journey(client, steps, JourneyState.for_user(3))
    client.close()
    assert len(seen) == len(steps)
    assert all(reason is None for _, _, reason in seen)


@pytest.mark.integration
def test_a_wrong_password_fails_the_first_step_with_its_reason(base_url: str) -> None:
    """A failed step raises StepFailed naming the request and the status it got."""
    client = BlockingClient(base_url)
    state = JourneyState("user3", "not-the-password")
    with pytest.raises(StepFailed, match=r"POST /login: expected 200, got 401"):
        run_journey(client, ["login", "list_trips"], state)
    client.close()

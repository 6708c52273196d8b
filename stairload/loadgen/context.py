"""The run's settings as Locust sees them: our command-line options and what they load."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from capacity.config import Scenario, Suite, load_scenarios
from capacity.plan import plan_for_case
from capacity.shapes import constant_for, stairs_for
from capacity.stairs import Stairs
from stairload.alarms import AlarmSettings, parse_alarms
from stairload.options import SHAPES, add_run_options, stair_overrides

__all__ = ["SHAPES", "RunContext", "add_arguments", "context_from_options", "planned_users"]


def add_arguments(parser: Any) -> None:
    """Register the run options on Locust's parser (they travel from master to workers)."""
    add_run_options(parser.add_argument_group("stairload"))


@dataclass(frozen=True)
class RunContext:
    """What every part of the run reads: the suite, the scenario, the case, the shape."""

    suite: Suite
    scenario: Scenario
    case_name: str
    shape: str
    stairs: Stairs
    run_dir: Path | None
    seeded_users: int
    alarms: AlarmSettings
    user_locustfile: str
    options: Any

    @property
    def think_range(self) -> tuple[float, float]:
        """Seconds a virtual user waits between requests, as (min, max)."""
        case = self.suite.case(self.case_name)
        return case.think_min_seconds, case.think_max_seconds


def context_from_options(options: Any) -> RunContext:
    """Load and check everything the run options name (``stairload.options``)."""
    suite = load_scenarios(options.scenarios)
    scenario = suite.scenario(options.scenario)
    case_name = options.case or (
        suite.start_case if options.shape == "constant" else suite.end_case
    )
    suite.case(case_name)  # an unknown case: UsageError with the known ones
    return RunContext(
        suite=suite,
        scenario=scenario,
        case_name=case_name,
        shape=options.shape,
        stairs=_stairs(suite, scenario, case_name, options),
        run_dir=Path(options.run_dir) if options.run_dir else None,
        seeded_users=options.target_users,
        user_locustfile=_user_locustfile(options, scenario),
        alarms=parse_alarms(suite.alarms_raw, suite.source)
        .with_time_scale(options.time_scale)
        .with_abort_on(tuple(getattr(options, "abort_on", None) or ())),
        options=options,
    )


def _user_locustfile(options: Any, scenario: Scenario) -> str:
    """The locustfile whose classes run: --locustfile, else the scenario's ``locustfile:``."""
    from stairload.core.errors import UsageError

    given = getattr(options, "user_locustfile", "") or ""
    if given:
        if not Path(given).is_file():
            raise UsageError(f"--locustfile: no such file: {given}")
        return given
    return str(scenario.journey.locustfile) if scenario.journey.locustfile else ""


def user_class_name(scenario_name: str) -> str:
    """The Locust user class of a scenario: ``scenario2`` runs ``Scenario2User``."""
    return "".join(part.capitalize() for part in re.split(r"[_-]", scenario_name)) + "User"


def planned_users(suite: Suite, scenario: Scenario, case_name: str) -> int:
    """The VUser of ``scenario`` at ``case_name``'s DAU (rounded up to a whole step)."""
    return plan_for_case(suite, scenario.name, case_name).vusers


def _stairs(suite: Suite, scenario: Scenario, case_name: str, options: Any) -> Stairs:
    scales = {"time_scale": options.time_scale, "users_scale": options.users_scale}
    if options.shape == "constant":
        settings = scenario.stairs
        return constant_for(
            suite,
            scenario.name,
            case_name,
            options.duration_seconds or settings.step_seconds + settings.hold_seconds,
            spawn_rate=options.spawn_rate,
            **scales,
        )
    return stairs_for(suite, scenario.name, **stair_overrides(options), **scales)

"""The run's settings as Locust sees them: our command-line options and what they load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alarms import AlarmSettings, parse_alarms
from capacity.config import Scenario, Suite, load_scenarios
from capacity.shapes import constant_for, stairs_for
from capacity.stairs import Stairs
from journeys import STEPS

SHAPES = ("stairs", "constant")


def add_arguments(parser: Any) -> None:
    """Register our options on Locust's parser (they travel from master to workers)."""
    group = parser.add_argument_group("stairload")
    group.add_argument("--scenarios", default="scenarios.yaml", help="scenarios file")
    group.add_argument("--scenario", default="scenario2", help="scenario to run")
    group.add_argument(
        "--case",
        default="",
        help="case (DAU level) for a constant run; "
        "its think time applies (default: the stairs' end case)",
    )
    group.add_argument("--shape", default="stairs", choices=SHAPES, help="load shape")
    group.add_argument("--time-scale", type=float, default=1.0, help="shrink every duration")
    group.add_argument("--users-scale", type=float, default=1.0, help="shrink every user count")
    group.add_argument(
        "--duration-seconds",
        type=float,
        default=0.0,
        help="constant run length (default: one step + the hold)",
    )
    group.add_argument("--start-users", type=int, default=0, help="override the first plateau")
    group.add_argument("--end-users", type=int, default=0, help="override the last plateau")
    group.add_argument("--step-users", type=int, default=0, help="override users per step")
    group.add_argument("--step-seconds", type=float, default=0.0, help="override step length")
    group.add_argument("--hold-seconds", type=float, default=0.0, help="override final hold")
    group.add_argument(
        "--stair-spawn-rate", type=float, default=0.0, help="override ramp speed (users per second)"
    )
    group.add_argument(
        "--seeded-users",
        type=int,
        default=10_000,
        help="how many users the target has (user1..userN)",
    )
    group.add_argument("--run-dir", default="", help="where the run's files go")


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
    options: Any

    @property
    def think_range(self) -> tuple[float, float]:
        """Seconds a virtual user waits between requests, as (min, max)."""
        case = self.suite.case(self.case_name)
        return case.think_min_seconds, case.think_max_seconds


def context_from_options(options: Any) -> RunContext:
    """Load and check everything the options name; raises capacity's errors."""
    from stairload.errors import UsageError

    suite = load_scenarios(options.scenarios, known_steps=STEPS)
    names = [scenario.name for scenario in suite.scenarios]
    if options.scenario not in names:
        raise UsageError(
            f"--scenario: unknown scenario {options.scenario!r}; known: {', '.join(names)}"
        )
    case_names = [case.name for case in suite.cases]
    case_name = options.case or (
        suite.start_case if options.shape == "constant" else suite.end_case
    )
    if case_name not in case_names:
        raise UsageError(f"--case: unknown case {case_name!r}; known: {', '.join(case_names)}")
    for flag in ("time_scale", "users_scale"):
        if getattr(options, flag) <= 0:
            raise UsageError(
                f"--{flag.replace('_', '-')}: must be > 0 (got {getattr(options, flag)})"
            )
    scenario = suite.scenario(options.scenario)
    return RunContext(
        suite=suite,
        scenario=scenario,
        case_name=case_name,
        shape=options.shape,
        stairs=_stairs(suite, scenario, case_name, options),
        run_dir=Path(options.run_dir) if options.run_dir else None,
        seeded_users=options.seeded_users,
        alarms=parse_alarms(suite.alarms_raw, suite.source).with_time_scale(options.time_scale),
        options=options,
    )


def user_class_name(scenario_name: str) -> str:
    """The Locust user class of a scenario: ``scenario2`` runs ``Scenario2User``."""
    return "".join(part.capitalize() for part in scenario_name.split("_")) + "User"


def planned_users(suite: Suite, scenario: Scenario, case_name: str) -> int:
    """The VUser of ``scenario`` at ``case_name``'s DAU (rounded up to a whole step)."""
    from capacity.plan import plan_scenario

    return plan_scenario(suite.inputs(suite.case(case_name).dau), scenario.load()).vusers


def _stairs(suite: Suite, scenario: Scenario, case_name: str, options: Any) -> Stairs:
    scales = {"time_scale": options.time_scale, "users_scale": options.users_scale}
    spawn_rate = options.stair_spawn_rate or None
    if options.shape == "constant":
        settings = scenario.stairs
        return constant_for(
            suite,
            scenario.name,
            case_name,
            options.duration_seconds or settings.step_seconds + settings.hold_seconds,
            spawn_rate=spawn_rate,
            **scales,
        )
    return stairs_for(
        suite,
        scenario.name,
        step_users=options.step_users or None,
        step_seconds=options.step_seconds or None,
        hold_seconds=options.hold_seconds or None,
        spawn_rate=spawn_rate,
        start_users=options.start_users or None,
        end_users=options.end_users or None,
        **scales,
    )

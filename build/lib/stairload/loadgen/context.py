"""The run's settings as Locust sees them: our command-line options and what they load."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from capacity.arrival_shapes import arrivals_for
from capacity.arrival_stairs import ArrivalStairs
from capacity.config import Scenario, Suite, load_scenarios
from capacity.plan import plan_for_case
from capacity.shapes import constant_for, stairs_for
from capacity.stairs import Stairs, Step
from stairload.alarms import AlarmSettings, parse_alarms
from stairload.core.errors import UsageError
from stairload.options import (
    RUN_SPEC,
    SHAPES,
    RunOptions,
    add_run_options,
    arrival_overrides,
    stair_overrides,
)

__all__ = [
    "SHAPES",
    "RunContext",
    "add_arguments",
    "context_from_options",
    "planned_users",
    "run_options",
    "scenarios_path",
]


def add_arguments(parser: Any) -> None:
    """Register the run options on Locust's parser (they travel from master to workers).

    ``stairload run`` gives them as one ``--run-spec``; a direct ``locust -f`` run one by one.
    """
    group = parser.add_argument_group("stairload")
    add_run_options(group)
    RUN_SPEC.add_to(group)


def scenarios_path(parsed: Any) -> str:
    """The scenarios file this Locust process was started with (a worker hashes it)."""
    spec = getattr(parsed, RUN_SPEC.dest, "")
    return RunOptions.from_json(spec).scenarios if spec else parsed.scenarios


def run_options(parsed: Any) -> RunOptions:
    """The run's options in a Locust process: ``--run-spec`` whole, else the single options."""
    spec = getattr(parsed, RUN_SPEC.dest, "")
    if spec:
        return RunOptions.from_json(spec)
    if not parsed.scenario:
        raise UsageError("--scenario: required (or --run-spec)")
    return RunOptions.from_namespace(parsed)


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
    options: RunOptions
    # an open run (shape "arrivals"): the schedule; ``stairs`` then holds its steps'
    # times with the pool's ceiling as their users
    arrivals: ArrivalStairs | None = None

    def with_run_dir(self, run_dir: Path) -> RunContext:
        """The same context writing to ``run_dir`` (its options say so too)."""
        return replace(self, run_dir=run_dir, options=replace(self.options, run_dir=str(run_dir)))

    @property
    def think_range(self) -> tuple[float, float]:
        """Seconds a virtual user waits between requests, as (min, max)."""
        case = self.suite.case(self.case_name)
        return case.think_min_seconds, case.think_max_seconds


def context_from_options(options: RunOptions) -> RunContext:
    """Load and check everything the run options name (``stairload.options``)."""
    suite = load_scenarios(options.scenarios)
    scenario = suite.scenario(options.scenario)
    case_name = options.case or (
        suite.start_case if options.shape == "constant" else suite.end_case
    )
    suite.case(case_name)  # an unknown case: UsageError with the known ones
    shape = options.shape
    if shape == "stairs" and scenario.stairs.shape == "arrivals":
        shape = "arrivals"
    arrivals = None
    if shape == "arrivals":
        if options.user_locustfile:
            raise UsageError(
                "--shape arrivals: runs the scenario's steps on a pool of users; a "
                "--locustfile's own user classes loop by themselves and cannot be pooled"
            )
        arrivals = arrivals_for(
            suite,
            scenario.name,
            time_scale=options.time_scale,
            users_scale=options.users_scale,
            **arrival_overrides(options),
        )
    return RunContext(
        suite=suite,
        scenario=scenario,
        case_name=case_name,
        shape=shape,
        stairs=_stairs(suite, scenario, case_name, options)
        if arrivals is None
        else arrival_steps(arrivals),
        arrivals=arrivals,
        run_dir=Path(options.run_dir) if options.run_dir else None,
        seeded_users=options.target_users,
        user_locustfile=_user_locustfile(options, scenario),
        alarms=parse_alarms(suite.alarms_raw, suite.source)
        .with_time_scale(options.time_scale)
        .with_abort_on(options.abort_on),
        options=options,
    )


def _user_locustfile(options: RunOptions, scenario: Scenario) -> str:
    """The locustfile whose classes run: --locustfile, else the scenario's ``locustfile:``."""
    given = options.user_locustfile
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


def arrival_steps(arrivals: ArrivalStairs) -> Stairs:
    """The steps of an arrival stair as a user stair: same times, the pool's ceiling as users."""
    ceiling = arrivals.max_users
    steps = tuple(
        Step(step.number, ceiling, step.start_s, step.start_s, step.end_s)
        for step in arrivals.steps
    )
    return Stairs(steps, float(ceiling), 0, arrivals.step_seconds, arrivals.hold_seconds)


def _stairs(suite: Suite, scenario: Scenario, case_name: str, options: RunOptions) -> Stairs:
    scales = {"time_scale": options.time_scale, "users_scale": options.users_scale}
    if options.shape == "constant":
        _refuse_stair_options(options)
        settings = scenario.stairs
        return constant_for(
            suite,
            scenario.name,
            case_name,
            options.duration_seconds or settings.step_seconds + settings.hold_seconds,
            spawn_rate=options.spawn_rate,
            users=options.users,
            **scales,
        )
    for flag, value in (
        ("--users", options.users),
        ("--duration-seconds", options.duration_seconds),
    ):
        if value is not None:
            raise UsageError(
                f"{flag}: only for --shape constant; a stair climbs from --start-users to "
                f"--end-users over --step-seconds steps and a --hold-seconds hold (got {value:g})"
            )
    return stairs_for(suite, scenario.name, **stair_overrides(options), **scales)


def _refuse_stair_options(options: RunOptions) -> None:
    """A constant run has one plateau: a stair's numbers would be silently ignored."""
    stair_only = (
        ("--start-users", options.start_users, "--users"),
        ("--end-users", options.end_users, "--users"),
        ("--step-users", options.step_users, "--users"),
        ("--step-seconds", options.step_seconds, "--duration-seconds"),
        ("--hold-seconds", options.hold_seconds, "--duration-seconds"),
        ("--probe-users", options.probe_users or None, None),
    )
    for flag, value, instead in stair_only:
        if value is not None:
            shown = ",".join(map(str, value)) if isinstance(value, tuple) else f"{value:g}"
            use = f"; give {instead}" if instead else ""
            raise UsageError(
                f"{flag}: a stair option, but --shape constant holds one plateau{use} (got {shown})"
            )

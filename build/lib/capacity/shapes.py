"""The load shapes a Locust run climbs, built from ``scenarios.yaml`` and the plan.

``stairs_for`` is the stair from the start case's VUser up to the end case's (README:
Stress runs); ``constant_for`` holds one case's VUser. Pass the result to ``stage_at`` every tick.
"""

from __future__ import annotations

from capacity.config import Suite
from capacity.plan import plan_for_case
from capacity.stairs import Stairs, build_stairs, constant_load
from stairload.core.errors import UsageError


def stairs_for(
    suite: Suite,
    scenario_name: str,
    *,
    time_scale: float = 1.0,
    users_scale: float = 1.0,
    step_users: int | None = None,
    step_seconds: float | None = None,
    hold_seconds: float | None = None,
    spawn_rate: float | None = None,
    start_users: int | None = None,
    end_users: int | None = None,
    probe_users: tuple[int, ...] | None = None,
) -> Stairs:
    """The stair of ``scenario_name``: start case's VUser to end case's, every number overridable.

    Overrides are in real (unscaled) units; a ``step_users`` override also re-rounds the
    planned start and end VUser to its multiples. Scales shrink the result for smoke runs.
    """
    _check_scales(time_scale, users_scale)
    scenario = suite.scenario(scenario_name)
    settings = scenario.stairs
    step = settings.step_users if step_users is None else step_users
    start = plan_for_case(suite, scenario_name, suite.start_case, step).vusers
    end = plan_for_case(suite, scenario_name, suite.end_case, step).vusers
    probes = settings.probe_users if probe_users is None else probe_users
    start = start if start_users is None else start_users
    end = end if end_users is None else end_users
    if end < start:
        raise UsageError(
            f"{suite.source}: {scenario_name}: end users ({end}) must be >= start users ({start})"
        )
    probes_by_step = bool(probes) and settings.probe_seconds is None  # half a step each
    if step_seconds is not None and end == start and not probes_by_step:
        raise UsageError(
            f"--step-seconds: this stair has one plateau ({start:,} start and end users), "
            f"held --hold-seconds; give its length there (got {step_seconds:g})"
        )
    stairs = build_stairs(
        start_users=start,
        end_users=end,
        step_users=step,
        step_seconds=settings.step_seconds if step_seconds is None else step_seconds,
        hold_seconds=settings.hold_seconds if hold_seconds is None else hold_seconds,
        spawn_rate=settings.spawn_rate if spawn_rate is None else spawn_rate,
        time_scale=time_scale,
        users_scale=users_scale,
        probe_users=probes,
        probe_seconds=settings.probe_seconds,
    )
    for probe in probes:
        if probe >= start:
            where = (
                "--probe-users"
                if probe_users is not None
                else f"{suite.source}: scenarios.{scenario_name}.stairs.probe_users"
            )
            message = f"must be below the stair's start users {start} (got {probe})"
            raise UsageError(f"{where}: {message}")
    _check_ramps(f"{suite.source}: {scenario_name}", stairs)
    return stairs


def constant_for(
    suite: Suite,
    scenario_name: str,
    case_name: str,
    duration_seconds: float,
    *,
    time_scale: float = 1.0,
    users_scale: float = 1.0,
    spawn_rate: float | None = None,
    users: int | None = None,
) -> Stairs:
    """One plateau: ``users``, else ``case_name``'s planned VUser, for a duration."""
    _check_scales(time_scale, users_scale)
    if not duration_seconds > 0:
        raise UsageError(f"duration_seconds: must be > 0 (got {duration_seconds:g})")
    settings = suite.scenario(scenario_name).stairs
    if users is None:
        users = plan_for_case(suite, scenario_name, case_name, settings.step_users).vusers
    return constant_load(
        users=users,
        duration_seconds=duration_seconds,
        spawn_rate=settings.spawn_rate if spawn_rate is None else spawn_rate,
        time_scale=time_scale,
        users_scale=users_scale,
    )


def _check_scales(time_scale: float, users_scale: float) -> None:
    for name, value in (("time_scale", time_scale), ("users_scale", users_scale)):
        if not value > 0:
            raise UsageError(f"{name}: must be > 0 (got {value:g})")


def _check_ramps(where: str, stairs: Stairs) -> None:
    """Every later step must reach its users before it ends, or the stair never plateaus."""
    ramp_seconds = stairs.step_users / stairs.spawn_rate
    if len(stairs.steps) > 1 and ramp_seconds > stairs.step_seconds:
        raise UsageError(
            f"{where}: spawn_rate {stairs.spawn_rate:g}/s is too slow: adding "
            f"{stairs.step_users} users takes {ramp_seconds:g} s, longer than a "
            f"{stairs.step_seconds:g} s step"
        )

"""The arrival stair of a scenario, from ``scenarios.yaml`` and the plan (SPEC section 8).

Default rates: journeys per second at the start case's and the end case's peak
(``peak_rps / requests_per_journey``); the default rate step is the user stair's step
turned into arrivals by Little's law (``step_users / journey_seconds``), so an arrival
stair climbs in as many steps as the user stair. The pool ceiling ``max_users``
defaults to the end case's VUser, like k6's ``maxVUs``.
"""

from __future__ import annotations

from capacity.arrival_stairs import ArrivalStairs, build_arrival_stairs
from capacity.config import Suite
from capacity.plan import plan_for_case
from stairload.core.errors import UsageError


def journeys_per_second(peak_rps: float, requests_per_journey: float) -> float:
    """Journeys started per second at a case's peak: each journey makes R requests."""
    return peak_rps / requests_per_journey


def arrivals_for(
    suite: Suite,
    scenario_name: str,
    *,
    time_scale: float = 1.0,
    users_scale: float = 1.0,
    start_rate: float | None = None,
    end_rate: float | None = None,
    step_rate: float | None = None,
    step_seconds: float | None = None,
    hold_seconds: float | None = None,
    max_users: int | None = None,
    arrivals: str | None = None,
    judge_latency: str | None = None,
) -> ArrivalStairs:
    """The arrival stair of ``scenario_name``; overrides (real units) beat the file's numbers."""
    for name, value in (("time_scale", time_scale), ("users_scale", users_scale)):
        if not value > 0:
            raise UsageError(f"{name}: must be > 0 (got {value:g})")
    scenario = suite.scenario(scenario_name)
    settings = scenario.stairs
    start_plan = plan_for_case(suite, scenario_name, suite.start_case)
    end_plan = plan_for_case(suite, scenario_name, suite.end_case)
    requests = scenario.requests_per_user_per_day
    start = _first(
        start_rate, settings.start_rate, journeys_per_second(start_plan.peak_rps, requests)
    )
    end = _first(end_rate, settings.end_rate, journeys_per_second(end_plan.peak_rps, requests))
    step = _first(step_rate, settings.step_rate, settings.step_users / scenario.journey_seconds)
    if end < start:
        raise UsageError(
            f"{suite.source}: {scenario_name}: end rate ({end:g}/s) must be >= start rate "
            f"({start:g}/s)"
        )
    return build_arrival_stairs(
        start_rate=start,
        end_rate=end,
        step_rate=step,
        step_seconds=_first(step_seconds, settings.step_seconds),
        hold_seconds=_first(hold_seconds, settings.hold_seconds),
        max_users=int(_first(max_users, settings.max_users, end_plan.vusers)),
        arrivals=arrivals or settings.arrivals,
        seed=settings.seed,
        judge_latency=judge_latency or settings.judge_latency,
        time_scale=time_scale,
        users_scale=users_scale,
    )


def _first(*values: float | None) -> float:
    """The first value given (the last one is always given)."""
    return next(value for value in values if value is not None)  # type: ignore[misc]

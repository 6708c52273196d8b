"""The plan: RPS, VUser and target TPS for one DAU level and one scenario."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from capacity import formulas

if TYPE_CHECKING:
    from capacity.config import Suite


@dataclass(frozen=True)
class Inputs:
    """The service-wide numbers a plan starts from."""

    dau: float
    peak_rate: float
    safety_factor: float
    response_time_ms: float
    seconds_per_day: float


@dataclass(frozen=True)
class ScenarioLoad:
    """One journey's daily shape: requests per user per day (R) and journey time (T)."""

    name: str
    requests_per_user_per_day: float
    journey_seconds: float
    step_users: int


@dataclass(frozen=True)
class PlanRow:
    """Every derived number for one scenario at one DAU level."""

    name: str
    requests_per_user_per_day: float
    journey_seconds: float
    daily_requests: float
    avg_rps: float
    peak_rps: float
    vusers_exact: float
    step_users: int
    vusers: int
    target_tps: float


def plan_scenario(inputs: Inputs, scenario: ScenarioLoad) -> PlanRow:
    """Apply the capacity formulas (docs/capacity.md), in order, to one scenario."""
    daily = formulas.daily_requests(inputs.dau, scenario.requests_per_user_per_day)
    average = formulas.avg_rps(daily, inputs.seconds_per_day)
    peak = formulas.peak_rps(average, inputs.peak_rate, inputs.safety_factor)
    exact = formulas.vusers_exact(
        peak, scenario.journey_seconds, scenario.requests_per_user_per_day
    )
    vusers = formulas.round_up_to_step(exact, scenario.step_users)
    return PlanRow(
        name=scenario.name,
        requests_per_user_per_day=scenario.requests_per_user_per_day,
        journey_seconds=scenario.journey_seconds,
        daily_requests=daily,
        avg_rps=average,
        peak_rps=peak,
        vusers_exact=exact,
        step_users=scenario.step_users,
        vusers=vusers,
        target_tps=formulas.target_tps(vusers, inputs.response_time_ms),
    )


def plan_all(inputs: Inputs, scenarios: tuple[ScenarioLoad, ...]) -> tuple[PlanRow, ...]:
    """The plan of every scenario at one DAU level, in the order given."""
    return tuple(plan_scenario(inputs, scenario) for scenario in scenarios)


def plan_for_case(
    suite: Suite, scenario_name: str, case_name: str, step_users: int | None = None
) -> PlanRow:
    """The plan of one scenario at one case's DAU: its VUser is the case's planned users.

    ``step_users`` (default: the scenario's) is the step the VUser is rounded up to.
    """
    load = suite.scenario(scenario_name).load()
    if step_users is not None:
        load = replace(load, step_users=step_users)
    return plan_scenario(suite.inputs(suite.case(case_name).dau), load)

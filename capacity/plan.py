"""The plan: RPS, VUser and target TPS for one DAU level and one scenario."""

from __future__ import annotations

from dataclasses import dataclass

from capacity import formulas


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
    """Apply the capacity formulas (README: Capacity), in order, to one scenario."""
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

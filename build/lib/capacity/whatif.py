"""Plans for named cases and for what-if questions, from a loaded ``Suite``."""

from __future__ import annotations

from dataclasses import dataclass, replace

from capacity import limits
from capacity.config import Suite
from capacity.plan import Inputs, PlanRow, ScenarioLoad, plan_all
from stairload.core.errors import UsageError

# --growth is a percentage change: -100 would mean no users at all.
GROWTH_FLOOR_PERCENT = -100.0


@dataclass(frozen=True)
class CasePlan:
    """The plan of some scenarios at one DAU level, under a name ("average", "what-if")."""

    name: str
    inputs: Inputs
    rows: tuple[PlanRow, ...]


def scenario_loads(suite: Suite, scenario_name: str | None = None) -> tuple[ScenarioLoad, ...]:
    """Every scenario's formula inputs, or only those of ``scenario_name``."""
    if scenario_name is not None:
        return (suite.scenario(scenario_name).load(),)
    return tuple(scenario.load() for scenario in suite.scenarios)


def plan_case(suite: Suite, case_name: str, scenario_name: str | None = None) -> CasePlan:
    """The plan of a named case (``average``, ``stress``, ...) from ``scenarios.yaml``."""
    inputs = suite.inputs(suite.case(case_name).dau)
    return CasePlan(case_name, inputs, plan_all(inputs, scenario_loads(suite, scenario_name)))


def grown_dau(suite: Suite, growth_percent: float) -> float:
    """The start case's DAU changed by ``growth_percent`` (80 means x 1.8)."""
    if growth_percent <= GROWTH_FLOOR_PERCENT:
        raise UsageError(f"--growth: must be > {GROWTH_FLOOR_PERCENT:g} (got {growth_percent:g})")
    # Multiply before dividing so 25,000 x 180 / 100 is 45,000 exactly.
    dau = suite.case(suite.start_case).dau * (100.0 + growth_percent) / 100.0
    if dau > limits.MAX_DAU:
        raise UsageError(
            f"--growth: the DAU would be above {limits.MAX_DAU:,} (got {growth_percent:g})"
        )
    return dau


def what_if(
    suite: Suite,
    *,
    dau: float,
    peak_rate: float | None = None,
    safety_factor: float | None = None,
    response_time_ms: float | None = None,
    scenario_name: str | None = None,
) -> CasePlan:
    """The plan at ``dau``, with any service number replaced by the one given."""
    inputs = suite.inputs(dau)
    inputs = replace(
        inputs,
        peak_rate=inputs.peak_rate if peak_rate is None else peak_rate,
        safety_factor=inputs.safety_factor if safety_factor is None else safety_factor,
        response_time_ms=inputs.response_time_ms if response_time_ms is None else response_time_ms,
    )
    return CasePlan("what-if", inputs, plan_all(inputs, scenario_loads(suite, scenario_name)))


def growth_line(suite: Suite, growth_percent: float, dau: float) -> str:
    """What --growth computed, e.g. 'growth 80%: average DAU 25,000 x 1.8 = 45,000'."""
    start = suite.case(suite.start_case)
    factor = (100.0 + growth_percent) / 100.0
    return (
        f"growth {growth_percent:g}%: {start.name} DAU {start.dau:,.0f} x {factor:g} = {dau:,.0f}"
    )

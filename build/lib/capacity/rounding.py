"""Warning when rounding VUser up to whole stair steps inflates the plan (6.2 -> 100)."""

from __future__ import annotations

import math

from capacity.config import Scenario, Suite
from capacity.plan import plan_scenario

# Rounding up may add at most this share of the exact VUser before we warn.
INFLATION_LIMIT = 0.5
_NICE_STEPS = (1, 2, 5)


def suggested_step(vusers_exact: float) -> int:
    """The largest step of the 1-2-5 series that rounds ``vusers_exact`` up by at most half."""
    best, magnitude = 1, 1
    while magnitude <= vusers_exact:
        for base in _NICE_STEPS:
            step = base * magnitude
            if math.ceil(vusers_exact / step) * step <= vusers_exact * (1 + INFLATION_LIMIT):
                best = max(best, step)
        magnitude *= 10
    return best


def step_warning(suite: Suite, scenario: Scenario) -> str | None:
    """One line for stderr when a case's VUser grows by more than half through rounding."""
    step_users = scenario.stairs.step_users
    for case_name in dict.fromkeys((suite.start_case, suite.end_case)):
        row = plan_scenario(suite.inputs(suite.case(case_name).dau), scenario.load())
        if row.vusers <= row.vusers_exact * (1 + INFLATION_LIMIT):
            continue
        step = suggested_step(row.vusers_exact)
        planned = math.ceil(row.vusers_exact / step) * step
        return (
            f"Warning: {suite.source}: scenarios.{scenario.name}.stairs.step_users: the "
            f"{case_name} case needs {row.vusers_exact:.1f} VUser, rounded up to {row.vusers:,} "
            f"whole steps of {step_users:,} (+{row.vusers / row.vusers_exact - 1:.0%}); "
            f"step_users: {step} would plan {planned:,}"
        )
    return None

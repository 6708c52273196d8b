"""Every capacity formula (docs/capacity.md) with the numbers put in, so a reader sees why 2,100."""

from __future__ import annotations

from capacity.plan import PlanRow
from capacity.render import plain
from capacity.whatif import CasePlan

_SEED_NOTE = (
    "Note: the seed's table says 510 VUser for scenario 1 (average) because the blog rounded "
    "its average RPS to 2.2 before multiplying; unrounded, 497.7 rounds up to 500."
)
_NAME_WIDTH = len("daily_requests")


def explain(plan: CasePlan) -> str:
    """The derivation of every row of ``plan``, a legend on top and the seed note below."""
    legend = [
        f"How the numbers are made, at DAU {plain(plan.inputs.dau)} "
        "(shown rounded, computed unrounded):",
        "  R = requests one user makes in the journey per day (one journey per user per day)",
        "  T = seconds one journey takes, think time included",
        "  Little's law: users in flight = journeys started per second x seconds per journey",
        "  closed model: each VUser sends its next request as soon as the last is answered",
    ]
    blocks = ["\n".join(legend)]
    blocks += ["\n".join(_scenario_lines(plan, row)) for row in plan.rows]
    blocks.append(_SEED_NOTE)
    return "\n\n".join(blocks)


def _scenario_lines(plan: CasePlan, row: PlanRow) -> list[str]:
    inputs = plan.inputs
    r, t = plain(row.requests_per_user_per_day), plain(row.journey_seconds)
    response_seconds = plain(inputs.response_time_ms / 1000.0)
    exact = f"{row.vusers_exact:,.1f}"
    return [
        f"{row.name} (R = {r}, T = {t} s, stair step {plain(row.step_users)} users)",
        _line(
            "daily_requests",
            "dau x R",
            f"{plain(inputs.dau)} x {r}",
            plain(row.daily_requests),
        ),
        _line(
            "avg_rps",
            "daily_requests / seconds_per_day",
            f"{plain(row.daily_requests)} / {plain(inputs.seconds_per_day)}",
            plain(row.avg_rps),
        ),
        _line(
            "peak_rps",
            "avg_rps x peak_rate x safety_factor",
            f"{plain(row.avg_rps)} x {plain(inputs.peak_rate)} x {plain(inputs.safety_factor)}",
            plain(row.peak_rps),
        ),
        _line(
            "vusers_exact",
            "peak_rps x T / R",
            f"{plain(row.peak_rps)} x {t} / {r}",
            exact,
            "Little's law",
        ),
        _line(
            "vusers",
            f"{exact} rounded up to a multiple of {plain(row.step_users)}",
            "",
            plain(row.vusers),
            "whole stair steps",
        ),
        _line(
            "target_tps",
            "vusers / response time",
            f"{plain(row.vusers)} / {response_seconds} s",
            plain(row.target_tps),
            "closed model",
        ),
    ]


def _line(name: str, formula: str, numbers: str, result: str, why: str = "") -> str:
    parts = [f"  {name.ljust(_NAME_WIDTH)} = {formula}"]
    if numbers:
        parts.append(numbers)
    parts.append(result)
    line = " = ".join(parts)
    return f"{line}  ({why})" if why else line

"""An open run's capacity answer from its steps: ``capacity.arrival_fit`` over the table.

Each measured step of an arrival stair becomes a ``RatePoint``: its offered and achieved
journey rates (the achieved one with its batch-means interval), planned and dropped
journeys, and both MTTs with their intervals. A step measured by a saturated load
generator is left out (its figures describe the generator); a step over the target by
less than the generator's lag keeps its schedule figures but not its MTT. This module
also gives the report's Capacity section for an open run (``templates/capacity_open.html``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from capacity.arrival_fit import ArrivalFit, Measured, RateAtTarget, RatePoint, fit_arrivals
from reports.steps import StepResult
from reports.uncertainty import Interval

DASH = "\N{EN DASH}"


def rate_points(
    steps: Sequence[StepResult], processes: int = 1
) -> tuple[tuple[RatePoint, ...], tuple[str, ...]]:
    """The open steps as points, and a sentence per measured step left out."""
    points, excluded = [], []
    for step in steps:
        figures = step.open
        if figures is None or not step.measured or figures.achieved_rate is None:
            continue
        if step.saturated:
            excluded.append(f"step {step.step} left out: {step.saturation_reason}")
            continue
        user_seen = _measured(step.mtt_ms, step.mtt_interval)
        if step.lag_reason is not None:
            excluded.append(f"step {step.step}'s MTT left out: {step.lag_reason}")
            user_seen = None
        points.append(
            RatePoint(
                step=step.step,
                offered_rate=figures.offered_rate,
                achieved_rate=_measured(figures.achieved_rate, figures.achieved_interval)
                or Measured(figures.achieved_rate),
                planned_starts=figures.planned_starts,
                dropped=figures.dropped,
                seconds=step.seconds,
                user_seen_ms=user_seen,
                service_ms=None
                if step.lag_reason is not None
                else _measured(figures.service_mtt_ms, figures.service_mtt_interval),
                processes=max(1, processes),
            )
        )
    return tuple(points), tuple(excluded)


def open_fit(steps: Sequence[StepResult], target_ms: float, processes: int = 1) -> ArrivalFit:
    """The knee and the offered rates at the target of an open run's steps."""
    points, excluded = rate_points(steps, processes)
    return fit_arrivals(points, target_ms, excluded)


def section_values(fit: ArrivalFit, steps: Sequence[StepResult]) -> dict[str, Any]:
    """The strings ``templates/capacity_open.html`` shows."""
    by_step = {step.step: step for step in steps}
    rows = []
    for point in fit.points:
        step = by_step[point.step]
        rows.append(
            (
                point.step,
                f"{point.offered_rate:,.2f}",
                _with_interval(point.achieved_rate, 2),
                f"{point.dropped:,} of {point.planned_starts:,}",
                point.behind or "kept up",
                _with_interval(point.user_seen_ms, 1),
                _with_interval(point.service_ms, 1),
                _number(step.tps, 1),
            )
        )
    return {
        "trusted": fit.trustworthy,
        "headline": f"Fit against the offered rate over {len(fit.points)} steps: "
        + ("settled." if fit.trustworthy else "NOT settled."),
        "reason": "" if fit.trustworthy else f"{fit.reason[:1].upper()}{fit.reason[1:]}.",
        "figures": [
            ("knee (achieved stops tracking offered)", fit.knee.text),
            *(_target_row(view) for view in (fit.user_seen, fit.service)),
        ],
        "rows": rows,
        "notes": [
            *fit.knee.notes,
            *(
                f"{view.view} MTT: {note}"
                for view in (fit.user_seen, fit.service)
                for note in view.notes
            ),
            *fit.excluded,
        ],
    }


def _target_row(view: RateAtTarget) -> tuple[str, str]:
    return (f"offered rate at {view.target_ms:g} ms ({view.view} MTT)", view.text)


def _measured(value: float | None, interval: Interval | None) -> Measured | None:
    if value is None:
        return None
    if interval is None or not interval.computable:
        return Measured(value)
    return Measured(value, interval.low, interval.high)


def _with_interval(figure: Measured | None, digits: int) -> str:
    if figure is None:
        return DASH
    text = f"{figure.value:,.{digits}f}"
    if figure.has_interval:
        text += f" ({figure.low:,.{digits}f} to {figure.high:,.{digits}f})"
    return text


def _number(value: float | None, digits: int) -> str:
    return DASH if value is None else f"{value:,.{digits}f}"

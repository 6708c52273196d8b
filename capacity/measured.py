"""From measured plateaus to capacity: the USL model and the instance counts, together.

Pure: plateaus and the plan's demand in, a ``CapacityReading`` out. The report, the
``capacity instances --from-run`` and ``what-if --from-run`` commands all call
``read_capacity`` so they show the same numbers. See docs/capacity-model.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from capacity.cpu_line import CEILING_SHARE, CpuPoint
from capacity.instances import (
    Instances,
    instances_needed,
    whole_instances,
)
from capacity.limits import DEFAULT_TARGET_CPU_PERCENT
from capacity.usl import Point, UslModel, fit_usl
from capacity.usl_bootstrap import UslIntervals, usl_intervals


@dataclass(frozen=True)
class Plateau:
    """One measured step: users, TPS, MTT and mean CPU of the service (None if unknown)."""

    users: float
    tps: float | None
    mtt_ms: float | None
    cpu_percent: float | None = None
    probe: bool = False
    tps_se: float | None = None  # standard error of the TPS (its 95% interval's)
    tps_degrees: int | None = None  # the interval's degrees of freedom (batches - 1)
    tps_half_width: float | None = None  # half the TPS's 95% interval


@dataclass(frozen=True)
class Demand:
    """What a case asks of the service: the plan's target TPS and the business peak RPS."""

    case: str
    required_tps: float
    peak_rps: float
    vusers: int | None = None


@dataclass(frozen=True)
class CapacityReading:
    """The fitted model and the instance counts of one run."""

    model: UslModel
    instances: Instances
    intervals: UslIntervals | None = None  # bootstrap intervals of a trusted fit
    intervals_reason: str = ""  # why there are none

    @property
    def has_cpu(self) -> bool:
        """Whether some plateau carried the service's CPU."""
        return self.instances.cost.points > 0

    def to_summary(self) -> dict[str, Any]:
        """summary.json's ``model`` and ``instances`` objects."""
        model = self.model.to_dict()
        model["intervals"] = None if self.intervals is None else self.intervals.to_dict()
        model["intervals_reason"] = self.intervals_reason
        return {"model": model, "instances": self.instances.to_dict()}


def read_capacity(
    plateaus: Sequence[Plateau],
    demands: Sequence[Demand],
    *,
    target_ms: float = 500.0,
    think_seconds: float = 0.0,
    target_cpu_percent: float = DEFAULT_TARGET_CPU_PERCENT,
    cores: float = 1.0,
    budget_cores: float | None = None,
) -> CapacityReading:
    """Fit the USL to the plateaus with TPS, and count instances from those with CPU too.

    The USL bounds the per-instance TPS only when the fit is trustworthy. ``budget_cores``:
    the CPU budget the service ran under, if any (its ceiling plateaus leave the CPU line).
    """
    measured = [plateau for plateau in plateaus if plateau.tps is not None]
    model = fit_usl(
        [
            Point(plateau.users, plateau.tps, plateau.mtt_ms, plateau.probe)  # type: ignore[arg-type]
            for plateau in measured
        ],
        target_ms=target_ms,
        think_seconds=think_seconds,
    )
    if budget_cores is not None and not model.trustworthy:
        model = _note_held_from_the_start(model, measured, budget_cores)
    at_target = None
    if model.trustworthy and model.users_at_target is not None:
        at_target = model.tps_at(model.users_at_target)
    instances = instances_needed(
        [
            CpuPoint(plateau.tps, plateau.cpu_percent)  # type: ignore[arg-type]
            for plateau in measured
            if plateau.cpu_percent is not None
        ],
        [(demand.case, demand.required_tps, demand.peak_rps) for demand in demands],
        target_cpu_percent=target_cpu_percent,
        cores=cores,
        usl_peak_tps=model.peak_tps if model.trustworthy else None,
        usl_tps_at_target=at_target,
        target_ms=target_ms,
        budget_cores=budget_cores,
    )
    intervals, why_not = _model_intervals(model, measured, target_ms, think_seconds)
    if instances.cases:
        instances = _with_ranges(instances, model, intervals, measured)
    return CapacityReading(model, instances, intervals, why_not)


def _with_ranges(
    instances: Instances,
    model: UslModel,
    intervals: UslIntervals | None,
    measured: Sequence[Plateau],
) -> Instances:
    """Each case's count over the 95% interval of what one instance holds.

    The CPU bound moves with the plateaus' TPS (CPU is read at a TPS): by the largest
    relative half-width of their TPS intervals. The USL bounds move over their bootstrap
    intervals (X(N*), and X at the ends of the users-at-target interval). One instance
    holds between the smallest low ends and the smallest high ends.
    """
    with_cpu = [p for p in measured if p.cpu_percent is not None and p.tps]
    shares = [
        p.tps_half_width / p.tps  # type: ignore[operator]
        for p in with_cpu
        if p.tps_half_width is not None
    ]
    if len(shares) != len(with_cpu) or not shares:
        return instances
    share = max(shares)
    lows, highs = [], []
    for limit in instances.limits:
        if limit.name == "cpu":
            lows.append(limit.tps * (1.0 - share))
            highs.append(limit.tps * (1.0 + share))
        elif limit.name == "usl_peak" and intervals is not None:
            lows.append(intervals.peak_tps.low or 0.0)
            highs.append(intervals.peak_tps.high or math.inf)
        elif limit.name == "mtt_target" and intervals is not None:
            ends = intervals.users_at_target
            lows.append(model.tps_at(ends.low) or 0.0 if ends.low is not None else 0.0)
            highs.append(model.tps_at(ends.high) or math.inf if ends.high is not None else math.inf)
        else:
            return instances  # a bound without an interval: no range
    low, high = min(lows), min(highs)
    cases = tuple(
        replace(
            case,
            instances_low=whole_instances(case.required_tps / high) if high < math.inf else 1,
            instances_high=whole_instances(case.required_tps / low) if low > 0 else None,
            range_derivation=(
                f"one instance holds {low:,.1f} to "
                f"{'?' if high == math.inf else f'{high:,.1f}'} TPS over the 95% intervals "
                f"(CPU bound +/- {share:.0%}, the TPS intervals' largest relative half-width)"
            ),
        )
        for case in instances.cases
    )
    return replace(instances, cases=cases)


def _model_intervals(
    model: UslModel, measured: Sequence[Plateau], target_ms: float, think_seconds: float
) -> tuple[UslIntervals | None, str]:
    """Bootstrap intervals of a trusted fit whose plateaus all carry a TPS interval."""
    if not model.trustworthy:
        return None, "the fit is not trustworthy"
    missing = [p for p in measured if p.tps_se is None or not p.tps_degrees]
    if missing:
        users = ", ".join(f"{p.users:g}" for p in missing)
        return None, (
            f"the plateaus at {users} users have no TPS interval (each needs at least 10 "
            "measured seconds)"
        )
    ordered = sorted(measured, key=lambda plateau: plateau.users)
    intervals = usl_intervals(
        [p.users for p in ordered],
        [p.tps for p in ordered],  # type: ignore[misc]
        [p.tps_se for p in ordered],  # type: ignore[misc]
        [p.tps_degrees for p in ordered],  # type: ignore[misc]
        (model.sigma, model.kappa, model.lambda_),  # type: ignore[arg-type]
        target_ms=target_ms,
        think_seconds=think_seconds,
    )
    return intervals, ""


def _note_held_from_the_start(
    model: UslModel, measured: Sequence[Plateau], budget_cores: float
) -> UslModel:
    """Add to an untrusted fit's reason when the smallest plateau was already at the budget.

    Then no plateau shows the service below its knee: its throughput at one user is what
    a full CPU gives, and the rest of the curve is batching, which the USL does not model.
    """
    smallest = min(measured, key=lambda plateau: plateau.users, default=None)
    ceiling = CEILING_SHARE * budget_cores * 100.0
    if smallest is None or smallest.cpu_percent is None or smallest.cpu_percent < ceiling:
        return model
    return replace(
        model,
        reason=(
            f"{model.reason}; the service was at its {budget_cores:g}-core CPU budget from "
            f"the smallest plateau ({smallest.users:g} user{'' if smallest.users == 1 else 's'}, "
            f"{smallest.cpu_percent:.1f}%): "
            "no plateau is below the knee"
        ),
    )

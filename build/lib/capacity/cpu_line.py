"""The CPU one request costs, from measured (TPS, CPU) plateaus: pure arithmetic.

CPU is in percent of one core (100 = one core busy), as the target CPU sources report it.
A least-squares line through the plateaus, ``cpu_percent = idle + slope x TPS``, gives
the CPU-seconds one request costs (``slope / 100``) and its R^2; ``cpu_limit`` reads on
it the TPS at which one instance reaches its target CPU:

    cpu_tps = (target_cpu_percent x cores - idle) / slope

``measured_cpu_limit`` instead interpolates the target CPU between the two plateaus that
enclose it, and ``not_monotone`` says when the plateaus' CPU does not grow with their TPS
(then that interpolation reads noise). When the service ran under a CPU budget, plateaus
at ``CEILING_SHARE`` of that budget or more are left out of the line. ``capacity.instances``
turns these bounds into instance counts. See docs/capacity-model.md.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

# Below this R^2 the CPU does not follow TPS closely enough to extrapolate it to the target.
MIN_CPU_R2 = 0.9
_MIN_CPU_POINTS = 2
# A plateau at 95% of a CPU budget or more is taken as held at the budget's ceiling.
CEILING_SHARE = 0.95


@dataclass(frozen=True)
class CpuPoint:
    """One plateau's measured TPS and mean CPU of the service under test (% of one core)."""

    tps: float
    cpu_percent: float


@dataclass(frozen=True)
class CpuCost:
    """The line cpu_percent = idle_percent + slope x TPS, or why there is none."""

    cpu_seconds_per_request: float | None
    idle_cpu_percent: float | None
    r2: float | None
    points: int
    reason: str
    at_ceiling: int = 0

    @property
    def usable(self) -> bool:
        """Whether the line gives a positive cost per request."""
        return self.cpu_seconds_per_request is not None

    @property
    def ceiling_note(self) -> str:
        """ "; N more at the CPU budget's ceiling, left out", or "" when none were."""
        return (
            f"; {self.at_ceiling} more at the CPU budget's ceiling, left out"
            if self.at_ceiling
            else ""
        )


@dataclass(frozen=True)
class Limit:
    """One bound on what one instance holds: its name, TPS and how it was derived."""

    name: str
    tps: float
    derivation: str


def cpu_cost(points: Sequence[CpuPoint], ceiling_percent: float | None = None) -> CpuCost:
    """Least-squares line of CPU percent over TPS; its slope / 100 is CPU-seconds per request.

    With ``ceiling_percent`` (a CPU budget), plateaus at ``CEILING_SHARE`` of it or above
    are left out and counted in ``at_ceiling``.
    """
    finite = [
        point
        for point in points
        if math.isfinite(point.tps) and math.isfinite(point.cpu_percent) and point.tps >= 0
    ]
    limit = math.inf if ceiling_percent is None else CEILING_SHARE * ceiling_percent
    usable = [point for point in finite if point.cpu_percent < limit]
    at_ceiling = len(finite) - len(usable)
    if len(usable) < _MIN_CPU_POINTS:
        held = f", {at_ceiling} more at the CPU budget's ceiling" if at_ceiling else ""
        return CpuCost(
            None,
            None,
            None,
            len(usable),
            f"{len(usable)} plateau(s) with CPU data (need 2){held}",
            at_ceiling,
        )
    count = len(usable)
    mean_tps = sum(point.tps for point in usable) / count
    mean_cpu = sum(point.cpu_percent for point in usable) / count
    spread = sum((point.tps - mean_tps) ** 2 for point in usable)
    if spread <= 0:
        return CpuCost(None, None, None, count, "TPS is the same at every plateau", at_ceiling)
    slope = (
        sum((point.tps - mean_tps) * (point.cpu_percent - mean_cpu) for point in usable) / spread
    )
    idle = mean_cpu - slope * mean_tps
    total = sum((point.cpu_percent - mean_cpu) ** 2 for point in usable)
    residual = sum((point.cpu_percent - idle - slope * point.tps) ** 2 for point in usable)
    r2 = 1.0 - residual / total if total > 0 else 0.0
    if slope <= 0:
        return CpuCost(
            None,
            idle,
            r2,
            count,
            f"CPU does not grow with TPS (slope {slope:.4g} % per TPS)",
            at_ceiling,
        )
    return CpuCost(slope / 100.0, idle, r2, count, "", at_ceiling)


def cpu_limit(cost: CpuCost, target_cpu_percent: float, cores: float) -> Limit | None:
    """The TPS at which the line reaches ``target_cpu_percent`` of ``cores`` cores."""
    if cost.cpu_seconds_per_request is None or cost.idle_cpu_percent is None:
        return None
    budget = target_cpu_percent * cores
    slope = cost.cpu_seconds_per_request * 100.0
    tps = (budget - cost.idle_cpu_percent) / slope
    if tps <= 0:
        return None
    return Limit(
        "cpu",
        tps,
        f"({target_cpu_percent:g}% x {cores:g} core(s) - {cost.idle_cpu_percent:.1f}% idle) "
        f"/ {slope:.4g}% per TPS = {tps:,.1f} TPS",
    )


def measured_cpu_limit(
    points: Sequence[CpuPoint], target_cpu_percent: float, cores: float
) -> Limit | None:
    """The TPS at which the measured CPU first reaches the target, between two plateaus.

    When the target CPU lies inside what was measured, no line is needed: with the
    plateaus in TPS order, the first pair whose CPU goes from below ``target_cpu_percent``
    of ``cores`` to at or above it is interpolated linearly. None when no pair crosses.
    """
    budget = target_cpu_percent * cores
    ordered = sorted(
        (
            point
            for point in points
            if math.isfinite(point.tps) and math.isfinite(point.cpu_percent)
        ),
        key=lambda point: point.tps,
    )
    for low, high in itertools.pairwise(ordered):
        if low.cpu_percent < budget <= high.cpu_percent and high.tps > low.tps:
            share = (budget - low.cpu_percent) / (high.cpu_percent - low.cpu_percent)
            tps = low.tps + share * (high.tps - low.tps)
            return Limit(
                "cpu",
                tps,
                f"measured CPU reaches {target_cpu_percent:g}% x {cores:g} core(s) between "
                f"{low.tps:,.1f} TPS ({low.cpu_percent:.1f}%) and {high.tps:,.1f} TPS "
                f"({high.cpu_percent:.1f}%): {tps:,.1f} TPS, interpolated",
            )
    return None


def not_monotone(points: Sequence[CpuPoint]) -> str:
    """Why CPU does not grow with TPS across the plateaus (in TPS order); "" when it does."""
    ordered = sorted(
        (p for p in points if math.isfinite(p.tps) and math.isfinite(p.cpu_percent)),
        key=lambda point: point.tps,
    )
    for low, high in itertools.pairwise(ordered):
        if high.cpu_percent < low.cpu_percent:
            return (
                f"CPU is not monotone in TPS ({low.tps:,.1f} TPS at {low.cpu_percent:.1f}% but "
                f"{high.tps:,.1f} TPS at {high.cpu_percent:.1f}%)"
            )
    return ""

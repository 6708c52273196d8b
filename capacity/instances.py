"""Instances needed at a target CPU, from measured (TPS, CPU) pairs: pure arithmetic.

CPU is in percent of one core (100 = one core busy). The CPU line and the target CPU read
between plateaus are ``capacity.cpu_line``'s. One instance with ``cores`` cores at
``target_cpu_percent`` holds

    cpu_tps = (target_cpu_percent x cores - idle) / slope

requests per second (only when that line's R^2 is at least ``MIN_CPU_R2``, 0.9: else
no count is given; when the target CPU lies between two plateaus it is interpolated
there instead, but only when CPU grows monotonically with TPS across the plateaus, else
the line's rule decides), and no more than the fitted USL allows when that fit is trusted:
its throughput ceiling X(N*) and its throughput at the users where the mean response
time reaches the target, X(N at 500 ms). The smallest of these is ``per_instance_tps``.
When the service ran under a CPU budget (the embedded target's ``--target-cpus``),
plateaus at ``CEILING_SHARE`` of that budget or more are left out of the line: CPU cannot
grow there, and the TPS gained at the ceiling comes from a full queue being served in
bigger batches, not from what a request costs at the target CPU.
A case needs ``ceil(required_tps / per_instance_tps)`` instances, where ``required_tps``
is the case's target TPS from the plan (the closed-model figure the stair is judged on);
beside it, what the business peak RPS alone would need, so the two are not confused.
See docs/capacity-model.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from capacity.cpu_line import (
    MIN_CPU_R2,
    CpuCost,
    CpuPoint,
    Limit,
    cpu_cost,
    cpu_limit,
    measured_cpu_limit,
    not_monotone,
)
from capacity.limits import DEFAULT_TARGET_CPU_PERCENT


@dataclass(frozen=True)
class CaseInstances:
    """The instances one case needs, for its target TPS and for its peak RPS alone."""

    case: str
    required_tps: float
    instances: int
    derivation: str
    peak_rps: float
    instances_for_peak_rps: int
    peak_rps_derivation: str
    instances_low: int | None = None  # the count over the 95% interval of what one holds
    instances_high: int | None = None  # None: no upper end (one instance's TPS may be ~0)
    range_derivation: str = ""

    @property
    def text(self) -> str:
        """'2', or '2 (2 to 3)' with the range over the interval."""
        if self.instances_low is None:
            return f"{self.instances}"
        high = "?" if self.instances_high is None else f"{self.instances_high}"
        return f"{self.instances} ({self.instances_low} to {high})"

    def to_dict(self) -> dict[str, Any]:
        """The ``average`` / ``stress`` entry of summary.json's ``instances`` object."""
        return {
            "case": self.case,
            "required_tps": round(self.required_tps, 3),
            "instances": self.instances,
            "instances_range": (
                None if self.instances_low is None else [self.instances_low, self.instances_high]
            ),
            "range_derivation": self.range_derivation,
            "derivation": self.derivation,
            "peak_rps": round(self.peak_rps, 3),
            "instances_for_peak_rps": self.instances_for_peak_rps,
            "peak_rps_derivation": self.peak_rps_derivation,
        }


@dataclass(frozen=True)
class Instances:
    """The per-instance capacity and the count each case needs."""

    target_cpu_percent: float
    cores: float
    cost: CpuCost
    limits: tuple[Limit, ...]
    cases: tuple[CaseInstances, ...]
    reason: str = ""
    budget_cores: float | None = None

    @property
    def per_instance_tps(self) -> float | None:
        """The smallest limit: what one instance holds."""
        return min((limit.tps for limit in self.limits), default=None)

    @property
    def binding_limit(self) -> Limit | None:
        """The limit that sets ``per_instance_tps``."""
        return min(self.limits, key=lambda limit: limit.tps, default=None)

    def case(self, name: str) -> CaseInstances | None:
        """The count of the case called ``name``, if computed."""
        return next((case for case in self.cases if case.case == name), None)

    def to_dict(self) -> dict[str, Any]:
        """summary.json's ``instances`` object."""
        binding = self.binding_limit
        result: dict[str, Any] = {
            "target_cpu_percent": self.target_cpu_percent,
            "cores": self.cores,
            "cpu_seconds_per_request": _round(self.cost.cpu_seconds_per_request),
            "idle_cpu_percent": _round(self.cost.idle_cpu_percent),
            "cpu_r2": _round(self.cost.r2),
            "cpu_points": self.cost.points,
            "cpu_points_at_ceiling": self.cost.at_ceiling,
            "cpu_budget_cores": self.budget_cores,
            "per_instance_tps": _round(self.per_instance_tps),
            "per_instance_limit": None if binding is None else binding.name,
            "limits": [
                {"name": limit.name, "tps": _round(limit.tps), "derivation": limit.derivation}
                for limit in self.limits
            ],
            "reason": self.reason,
        }
        for case in self.cases:
            result[case.case] = case.to_dict()
        return result


def instance_limits(
    cost: CpuCost,
    *,
    target_cpu_percent: float = DEFAULT_TARGET_CPU_PERCENT,
    cores: float = 1.0,
    usl_peak_tps: float | None = None,
    usl_tps_at_target: float | None = None,
    target_ms: float = 500.0,
    measured: Limit | None = None,
) -> tuple[Limit, ...]:
    """Every bound on one instance's TPS: CPU, and the trusted USL's ceiling and 500 ms point.

    The CPU bound is ``measured`` (the target CPU found between two plateaus) when given,
    else where the line reaches it.
    """
    limits: list[Limit] = []
    by_cpu = measured if measured is not None else cpu_limit(cost, target_cpu_percent, cores)
    if by_cpu is not None:
        limits.append(by_cpu)
    if usl_peak_tps is not None and usl_peak_tps > 0:
        limits.append(
            Limit("usl_peak", usl_peak_tps, f"USL ceiling X(N*) = {usl_peak_tps:,.1f} TPS")
        )
    if usl_tps_at_target is not None and usl_tps_at_target > 0:
        limits.append(
            Limit(
                "mtt_target",
                usl_tps_at_target,
                f"USL X(N) where MTT reaches {target_ms:g} ms = {usl_tps_at_target:,.1f} TPS",
            )
        )
    return tuple(limits)


def case_instances(
    case: str, required_tps: float, peak_rps: float, per_instance_tps: float
) -> CaseInstances:
    """ceil(required TPS / per-instance TPS), and the same for the business peak RPS."""
    return CaseInstances(
        case=case,
        required_tps=required_tps,
        instances=whole_instances(required_tps / per_instance_tps),
        derivation=(
            f"ceil({required_tps:,.1f} TPS / {per_instance_tps:,.1f} TPS per instance) = "
            f"{whole_instances(required_tps / per_instance_tps)}"
        ),
        peak_rps=peak_rps,
        instances_for_peak_rps=whole_instances(peak_rps / per_instance_tps),
        peak_rps_derivation=(
            f"ceil({peak_rps:,.3f} RPS / {per_instance_tps:,.1f} TPS per instance) = "
            f"{whole_instances(peak_rps / per_instance_tps)}"
        ),
    )


def instances_needed(
    points: Sequence[CpuPoint],
    cases: Sequence[tuple[str, float, float]],
    *,
    target_cpu_percent: float = DEFAULT_TARGET_CPU_PERCENT,
    cores: float = 1.0,
    usl_peak_tps: float | None = None,
    usl_tps_at_target: float | None = None,
    target_ms: float = 500.0,
    budget_cores: float | None = None,
) -> Instances:
    """Instances for each ``(case, required_tps, peak_rps)`` from the measured CPU points.

    Pass the USL numbers only when that fit is trustworthy. With no usable limit the
    result has no cases and its cost's reason says why. ``budget_cores``: the service ran
    under that CPU budget (its plateaus at the ceiling leave the line; see ``cpu_cost``).
    """
    cost = cpu_cost(points, None if budget_cores is None else budget_cores * 100.0)
    crossing = measured_cpu_limit(points, target_cpu_percent, cores)
    unordered = not_monotone(points)
    if crossing is not None and unordered:
        if cost.usable and cost.r2 is not None and cost.r2 >= MIN_CPU_R2:
            crossing = None  # the line passes its own rule: read the target CPU on it
        else:
            line = (
                f"the CPU line's R^2 {cost.r2:.3f} is below {MIN_CPU_R2:g}"
                if cost.r2 is not None
                else f"no CPU line ({cost.reason})"
            )
            return Instances(
                target_cpu_percent,
                cores,
                cost,
                instance_limits(
                    cost,
                    target_cpu_percent=target_cpu_percent,
                    cores=cores,
                    usl_peak_tps=usl_peak_tps,
                    usl_tps_at_target=usl_tps_at_target,
                    target_ms=target_ms,
                ),
                (),
                f"{unordered}, so the target CPU cannot be interpolated between two plateaus, "
                f"and {line}: CPU does not follow TPS closely enough to read a count. "
                "Measure on a quieter machine, give the target a CPU budget (--target-cpus), "
                "or run each step longer",
                budget_cores=budget_cores,
            )
    limits = instance_limits(
        cost,
        target_cpu_percent=target_cpu_percent,
        cores=cores,
        usl_peak_tps=usl_peak_tps,
        usl_tps_at_target=usl_tps_at_target,
        target_ms=target_ms,
        measured=crossing,
    )

    def without_count(reason: str) -> Instances:
        return Instances(
            target_cpu_percent, cores, cost, limits, (), reason, budget_cores=budget_cores
        )

    if crossing is None:
        above = _above_at_every_plateau(points, target_cpu_percent, cores)
        if above:
            return without_count(above)
        if not cost.usable:
            return without_count(cost.reason)
        if cost.r2 is not None and cost.r2 < MIN_CPU_R2:
            return without_count(
                f"the CPU line's R^2 {cost.r2:.3f} is below {MIN_CPU_R2:g}: CPU does not follow "
                "TPS closely enough to extrapolate it to the target"
            )
    per_instance = min(limit.tps for limit in limits)
    counted = tuple(case_instances(name, tps, rps, per_instance) for name, tps, rps in cases)
    return Instances(target_cpu_percent, cores, cost, limits, counted, budget_cores=budget_cores)


def _above_at_every_plateau(
    points: Sequence[CpuPoint], target_cpu_percent: float, cores: float
) -> str:
    """Why no plateau can place the target CPU: all were above it; "" otherwise."""
    budget = target_cpu_percent * cores
    finite = [point for point in points if math.isfinite(point.cpu_percent)]
    if not finite or min(point.cpu_percent for point in finite) < budget:
        return ""
    lowest = min(finite, key=lambda point: point.tps)
    return (
        f"CPU was at or above {target_cpu_percent:g}% x {cores:g} core(s) at every plateau "
        f"(at the lowest TPS, {lowest.tps:,.1f}: {lowest.cpu_percent:.1f}%): no measured "
        "point below the target CPU; add probe steps with fewer users, or think time"
    )


def whole_instances(value: float) -> int:
    """Whole instances, at least one; float noise (a billionth, relative) does not add one."""
    return max(1, math.ceil(value * (1 - 1e-9)))


def _round(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.6g}")

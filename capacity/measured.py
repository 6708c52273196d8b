"""From measured plateaus to capacity: the USL model and the instance counts, together.

Pure: plateaus and the plan's demand in, a ``CapacityReading`` out. The report, the
``capacity instances --from-run`` and ``what-if --from-run`` commands all call
``read_capacity`` so they show the same numbers. See docs/capacity-model.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from capacity.instances import (
    CEILING_SHARE,
    DEFAULT_TARGET_CPU_PERCENT,
    CpuPoint,
    Instances,
    instances_needed,
)
from capacity.usl import Point, UslModel, fit_usl


@dataclass(frozen=True)
class Plateau:
    """One measured step: users, TPS, MTT and mean CPU of the service (None if unknown)."""

    users: float
    tps: float | None
    mtt_ms: float | None
    cpu_percent: float | None = None
    probe: bool = False


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

    @property
    def has_cpu(self) -> bool:
        """Whether some plateau carried the service's CPU."""
        return self.instances.cost.points > 0

    def to_summary(self) -> dict[str, Any]:
        """summary.json's ``model`` and ``instances`` objects."""
        return {"model": self.model.to_dict(), "instances": self.instances.to_dict()}


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
    return CapacityReading(model, instances)


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

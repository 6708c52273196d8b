"""A run's capacity reading as text or JSON: ``capacity instances`` and ``what-if --from-run``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from capacity.measured import CapacityReading, Demand
from capacity.render import _grid, plain
from capacity.usl import UslModel


@dataclass(frozen=True)
class RunCapacity:
    """A run's capacity reading with what it was read from."""

    run_id: str
    scenario: str
    reading: CapacityReading
    demands: tuple[Demand, ...]
    dau: tuple[float, ...]


def instances_json(run: RunCapacity) -> str:
    """``{"run_id", "scenario", "model", "instances"}`` as JSON."""
    content: dict[str, Any] = {"run_id": run.run_id, "scenario": run.scenario}
    content.update(run.reading.to_summary())
    for demand, dau in zip(run.demands, run.dau, strict=True):
        entry = content["instances"].get(demand.case)
        if entry is not None:
            entry["dau"] = dau
            entry["vusers"] = demand.vusers
    return json.dumps(content, indent=2)


def instances_text(run: RunCapacity, *, explain: bool) -> str:
    """The per-instance TPS, the model line and one row per case; derivations with explain."""
    instances = run.reading.instances
    cost = instances.cost
    lines = [
        f"{run.scenario} from run {run.run_id}: instances at "
        f"{plain(instances.target_cpu_percent)}% CPU ({plain(instances.cores)} core(s) each)",
        (
            f"CPU per request: {cost.cpu_seconds_per_request * 1000:.4g} ms of CPU "
            f"(line through {cost.points} plateaus, R^2 {cost.r2:.3f}; "
            f"idle {cost.idle_cpu_percent:.1f}%{cost.ceiling_note})"
            if cost.cpu_seconds_per_request is not None
            else "CPU per request: no line through the plateaus (see below)"
        ),
        *(
            f"{plain(instances.target_cpu_percent)}% CPU: {limit.derivation}"
            for limit in instances.limits
            if limit.name == "cpu"
        ),
        (
            f"one instance holds: {instances.per_instance_tps:,.1f} TPS "  # type: ignore[union-attr]
            f"(bound: {instances.binding_limit.name})"  # type: ignore[union-attr]
            if instances.cases
            else f"no instance count: {instances.reason}"
        ),
        model_line(run.reading.model),
    ]
    rows = []
    for demand, dau in zip(run.demands, run.dau, strict=True):
        case = instances.case(demand.case)
        if case is None:
            continue
        rows.append(
            (
                demand.case,
                plain(dau),
                plain(demand.required_tps),
                str(case.instances),
                plain(round(demand.peak_rps, 3)),
                str(case.instances_for_peak_rps),
            )
        )
    headers = ("case", "DAU", "target TPS", "instances", "peak RPS", "for peak RPS")
    if rows:
        lines += ["", *_grid(headers, rows)]
    if explain:
        lines += ["", *explain_lines(run)]
    return "\n".join(lines)


def model_line(model: UslModel) -> str:
    """The USL parameters with errors, and N* and users at target, or why not trusted."""
    if not model.fitted:
        return f"USL model: none ({model.reason})"
    text = (
        f"USL model: sigma {_pm(model.sigma, model.sigma_se)}, "
        f"kappa {_pm(model.kappa, model.kappa_se)}, "
        f"lambda {_pm(model.lambda_, model.lambda_se)} TPS/user, R^2 {model.r2:.3f}"
    )
    if not model.trustworthy:
        return f"{text}; NOT trustworthy: {model.reason}"
    peak = (
        "none (kappa 0)" if model.peak_users is None else _pm(model.peak_users, model.peak_users_se)
    )
    at_target = "never" if model.users_at_target is None else f"{model.users_at_target:,.0f}"
    return (
        f"{text}; N* {peak} users, peak {model.peak_tps:,.1f} TPS, "
        f"users at {plain(model.target_ms)} ms: {at_target}"
    )


def explain_lines(run: RunCapacity) -> list[str]:
    """How each number is made, with the numbers put in."""
    instances = run.reading.instances
    cost = instances.cost
    lines = [
        "How the numbers are made (docs/capacity-model.md):",
        f"  CPU line: cpu% = {cost.idle_cpu_percent:.2f} + "
        f"{cost.cpu_seconds_per_request * 100:.5g} x TPS over {cost.points} plateaus "  # type: ignore[operator]
        f"(R^2 {cost.r2:.3f}); CPU-seconds per request = slope / 100",
    ]
    lines += [f"  limit {limit.name}: {limit.derivation}" for limit in instances.limits]
    if not instances.cases:
        return [*lines, f"  no instance count: {instances.reason}"]
    lines.append(f"  per-instance TPS = the smallest limit = {instances.per_instance_tps:,.1f}")
    for case in instances.cases:
        lines.append(f"  {case.case}: {case.derivation}")
        lines.append(f"  {case.case} business peak RPS alone: {case.peak_rps_derivation}")
    if not run.reading.model.trustworthy:
        lines.append(f"  the USL bounds nothing here: {run.reading.model.reason}")
    return lines


def _pm(value: float | None, error: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.4g}" if error is None else f"{value:.4g} ± {error:.2g}"


def _measured_rows(run: RunCapacity) -> list[dict[str, Any]]:
    """Per demand: VUser, target TPS, instances at the target CPU, predicted MTT at VUser."""
    instances, model = run.reading.instances, run.reading.model
    rows = []
    for demand in run.demands:
        case = instances.case(demand.case)
        mtt = None
        if model.trustworthy and demand.vusers is not None:
            mtt = model.mtt_ms_at(demand.vusers)
        rows.append(
            {
                "scenario": run.scenario,
                "vusers": demand.vusers,
                "target_tps": demand.required_tps,
                "instances": None if case is None else case.instances,
                "predicted_mtt_ms": None if mtt is None else round(mtt, 1),
            }
        )
    return rows


def measured_json(run: RunCapacity) -> dict[str, Any]:
    """what-if's ``measured`` object: the run, its model, instances and the measured rows."""
    return {
        "run_id": run.run_id,
        "scenario": run.scenario,
        **run.reading.to_summary(),
        "rows": _measured_rows(run),
    }


def measured_text(run: RunCapacity) -> str:
    """what-if's measured columns: instances and predicted MTT next to the formula's plan."""
    instances = run.reading.instances
    lines = [f"measured by run {run.run_id}:", model_line(run.reading.model)]
    headers = (
        "scenario",
        "VUser",
        "target TPS",
        f"instances at {plain(instances.target_cpu_percent)}% CPU",
        "predicted MTT ms (one instance)",
    )
    rows = [
        (
            row["scenario"],
            "-" if row["vusers"] is None else plain(row["vusers"]),
            plain(row["target_tps"]),
            "-" if row["instances"] is None else str(row["instances"]),
            "-" if row["predicted_mtt_ms"] is None else f"{row['predicted_mtt_ms']:,.0f}",
        )
        for row in _measured_rows(run)
    ]
    lines += _grid(headers, rows)
    if instances.reason:
        lines.append(f"no instance count: {instances.reason}")
    return "\n".join(lines)

"""The report's Capacity section: the USL fit, the users at the target and instances at 70% CPU.

Its own template part (``templates/capacity.html``), rendered here and placed into the
page by ``reports.html``. The numbers come from ``capacity.measured.read_capacity`` over
the run's measured plateaus (planned and probe steps) and the plan of both cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from capacity import formulas
from capacity.measured import CapacityReading, Demand, Plateau, read_capacity
from capacity.usl import UslModel
from capacity.usl_bootstrap import Range, UslIntervals
from reports.steps import StepResult
from stairload.rundir import RunRecord
from stairload.rundir.files import CAPACITY_PNG

if TYPE_CHECKING:
    from reports.build import Analysis

DASH = "\N{EN DASH}"
_PEAK_LABEL = (
    "peak concurrency N* = \N{SQUARE ROOT}((1 \N{MINUS SIGN} \N{GREEK SMALL LETTER SIGMA})"
    " / \N{GREEK SMALL LETTER KAPPA})"
)


@dataclass(frozen=True)
class CapacityInputs:
    """What the section needs from the run besides its steps."""

    target_ms: float
    think_seconds: float
    stress_users: int | None
    demands: tuple[Demand, ...]
    target_cpu_percent: float = 70.0
    cores: float = 1.0
    budget_cores: float | None = None  # the CPU budget the service ran under, if any


def plateaus(steps: Sequence[StepResult], probes: Sequence[StepResult]) -> list[Plateau]:
    """The valid measured steps (probes first) as model points, users as planned.

    A step measured by a saturated load generator is left out: its TPS describes the
    generator, not the service.
    """
    return [
        Plateau(
            step.users,
            step.tps,
            step.mtt_ms,
            step.cpu_percent,
            probe,
            tps_se=None if step.tps_interval is None else step.tps_interval.standard_error,
            tps_half_width=None if step.tps_interval is None else step.tps_interval.half_width,
            tps_degrees=(
                step.tps_interval.batches - 1
                if step.tps_interval is not None and step.tps_interval.computable
                else None
            ),
        )
        for group, probe in ((probes, True), (steps, False))
        for step in group
        if step.valid and step.tps is not None
    ]


def demands_from_record(record: RunRecord) -> tuple[Demand, ...]:
    """Each of the start and end cases' target TPS and peak RPS, from run.json's plan.

    target TPS = the case's VUser / target response time; peak RPS = DAU x R / 86,400 x
    peak rate x safety factor (the plan's formulas, unscaled). Empty for an older run.json.
    """
    plan, inputs, cases = record.plan, record.inputs, record.cases
    try:
        requests = float(plan["requests_per_user_per_day"])
        pairs = {plan["start_case"]: plan["start_vusers"], plan["end_case"]: plan["vusers"]}
        demands = []
        for name, vusers in pairs.items():
            daily = formulas.daily_requests(float(cases[name]["dau"]), requests)
            peak = formulas.peak_rps(
                formulas.avg_rps(daily, float(inputs["seconds_per_day"])),
                float(inputs["peak_rate"]),
                float(inputs["safety_factor"]),
            )
            tps = formulas.target_tps(float(vusers), float(inputs["response_time_ms"]))
            demands.append(Demand(str(name), tps, peak, int(vusers)))
    except (KeyError, TypeError, ValueError):
        return ()
    return tuple(demands)


def inputs_from_record(record: RunRecord, stress_users: int | None) -> CapacityInputs:
    """The target, think time, stress VUser and demands of a run.

    Instances at 70% CPU of one core, or of the CPU budget the embedded target ran under.
    """
    think = (record.cases.get(record.case) or {}).get("think_time_seconds") or [0.0, 0.0]
    return CapacityInputs(
        target_ms=record.thresholds.mtt_ms,
        think_seconds=sum(float(value) for value in think) / len(think) if think else 0.0,
        stress_users=stress_users,
        demands=demands_from_record(record),
        cores=record.target_cpus or 1.0,
        budget_cores=record.target_cpus,
    )


def capacity_for_run(analysis: Analysis) -> tuple[str, dict[str, Any], CapacityReading]:
    """The section's HTML (and capacity.png), summary.json's model/instances objects and
    the reading they show."""
    inputs = inputs_from_record(analysis.record, analysis.run.end_users or None)
    reading = capacity_reading(analysis.steps, analysis.probes, inputs)
    if analysis.run.shape == "arrivals":  # fitted against the offered rate, not users
        return _open_section(analysis, reading, inputs)
    stress = analysis.steps[-1] if analysis.steps else None
    html = write_section(
        analysis.run_dir,
        reading,
        inputs,
        measured_max_users=(
            analysis.verdict.users_within.text()
            if analysis.verdict.users_within is not None
            else analysis.verdict.max_users_within_target
        ),
        stress_mtt_ms=stress.mtt_ms if stress is not None and stress.valid else None,
        probes=analysis.probes,
    )
    return html, reading.to_summary(), reading


def _open_section(
    analysis: Analysis, reading: CapacityReading, inputs: CapacityInputs
) -> tuple[str, dict[str, Any], CapacityReading]:
    """An open run's section and summary: the arrival fit, and instances from the CPU line."""
    from reports.html import render
    from reports.open_capacity import open_fit
    from reports.open_capacity import section_values as open_values

    fit = open_fit(analysis.steps, inputs.target_ms, analysis.record.workers)
    values = section_values(
        reading, inputs, chart=None, measured_max_users=None, stress_mtt_ms=None, probes=()
    )
    shared = {key: values[key] for key in ("target_cpu", "cases", "cpu", "no_instances")}
    html = render("capacity_open.html", **shared, **open_values(fit, analysis.steps))
    return html, {**reading.to_summary(), "arrival_model": fit.to_dict()}, reading


def capacity_reading(
    steps: Sequence[StepResult], probes: Sequence[StepResult], inputs: CapacityInputs
) -> CapacityReading:
    """The model and instance counts of a run's steps."""
    return read_capacity(
        plateaus(steps, probes),
        inputs.demands,
        target_ms=inputs.target_ms,
        think_seconds=inputs.think_seconds,
        target_cpu_percent=inputs.target_cpu_percent,
        cores=inputs.cores,
        budget_cores=inputs.budget_cores,
    )


def section_values(
    reading: CapacityReading,
    inputs: CapacityInputs,
    *,
    chart: Any,
    measured_max_users: int | str | None,
    stress_mtt_ms: float | None,
    probes: Sequence[StepResult],
) -> dict[str, Any]:
    """The strings ``templates/capacity.html`` shows."""
    model, instances = reading.model, reading.instances
    return {
        "trusted": model.trustworthy,
        "headline": _headline(model),
        "reason": "" if model.trustworthy else model.reason,
        "chart": chart,
        "parameters": _parameters(model, reading.intervals),
        "figures": _figures(model, inputs, measured_max_users, stress_mtt_ms, reading.intervals),
        "intervals_reason": reading.intervals_reason if model.trustworthy else "",
        "target_cpu": f"{instances.target_cpu_percent:g}",
        "cases": [
            {
                "case": case.case,
                "required_tps": f"{case.required_tps:,.0f}",
                "instances": case.text,
                "derivation": case.derivation
                + (f"; {case.range_derivation}" if case.range_derivation else ""),
                "peak_rps": f"{case.peak_rps:,.1f}",
                "instances_for_peak_rps": case.instances_for_peak_rps,
            }
            for case in instances.cases
        ],
        "cpu": _cpu_rows(reading),
        "no_instances": instances.reason,
        "probes": [
            (
                step.step,
                f"{step.users:,}",
                step.status,
                _num(step.tps, 1),
                _num(step.mtt_ms, 1),
                _num(step.cpu_percent, 1),
            )
            for step in probes
        ],
    }


def render_section(values: dict[str, Any]) -> str:
    """The section's HTML (autoescaped by the package's Jinja2 environment)."""
    from reports.html import render

    return render("capacity.html", **values)


def write_section(
    run_dir: Path,
    reading: CapacityReading,
    inputs: CapacityInputs,
    *,
    measured_max_users: int | str | None,
    stress_mtt_ms: float | None,
    probes: Sequence[StepResult],
) -> str:
    """Draw ``capacity.png`` into ``run_dir`` and return the section's HTML."""
    from reports.capacity_chart import write_capacity_chart
    from reports.html import chart

    path = write_capacity_chart(
        run_dir / CAPACITY_PNG,
        reading.model,
        stress_users=inputs.stress_users,
        target_ms=inputs.target_ms,
    )
    values = section_values(
        reading,
        inputs,
        chart=None if path is None else chart(path),
        measured_max_users=measured_max_users,
        stress_mtt_ms=stress_mtt_ms,
        probes=probes,
    )
    return render_section(values)


def _headline(model: UslModel) -> str:
    points = len(model.points)
    probes = sum(point.probe for point in model.points)
    where = f"{points} plateaus ({probes} probe steps)"
    if model.trustworthy:
        return f"USL fit over {where}: trustworthy (R\N{SUPERSCRIPT TWO} {model.r2:.3f})."
    if not model.fitted:
        return f"No USL fit over {where}: no extrapolated numbers."
    return (
        f"USL fit over {where} is NOT trustworthy (R\N{SUPERSCRIPT TWO} {model.r2:.3f}): "
        "no extrapolated numbers are shown."
    )


def _parameters(
    model: UslModel, intervals: UslIntervals | None
) -> list[tuple[str, str, str, str, str]]:
    if not model.fitted:
        return []
    ranges = (
        (DASH, DASH, DASH)
        if intervals is None
        else tuple(r.text(sig=True) for r in (intervals.sigma, intervals.kappa, intervals.lambda_))
    )
    return [
        ("\N{GREEK SMALL LETTER SIGMA} (contention)", _sig(model.sigma), _sig(model.sigma_se),
         ranges[0], "share of the work that waits in line"),
        ("\N{GREEK SMALL LETTER KAPPA} (coherency)", _sig(model.kappa), _sig(model.kappa_se),
         ranges[1], "crosstalk cost; makes TPS fall past the peak"),
        ("\N{GREEK SMALL LETTER LAMDA} (TPS per user)", _sig(model.lambda_),
         _sig(model.lambda_se), ranges[2], "throughput of one user alone"),
    ]  # fmt: skip


def _figures(
    model: UslModel,
    inputs: CapacityInputs,
    measured_max_users: int | str | None,
    stress_mtt_ms: float | None,
    intervals: UslIntervals | None = None,
) -> list[tuple[str, str]]:
    trusted = model.trustworthy

    def ci(value: str, interval: Range | None, digits: int = 0) -> str:
        if interval is None or value == DASH:
            return value
        return f"{value} (95% CI {interval.text(digits)})"

    target = f"{inputs.target_ms:g} ms"
    peak = DASH
    if trusted:
        peak = "never (\N{GREEK SMALL LETTER KAPPA} = 0)"
        if model.peak_users is not None:
            error = (
                ""
                if model.peak_users_se is None or intervals is not None
                else f" \N{PLUS-MINUS SIGN} {model.peak_users_se:,.0f}"
            )
            peak = f"{model.peak_users:,.0f}{error} users"
    predicted_stress = None
    if trusted and inputs.stress_users:
        predicted_stress = model.mtt_ms_at(inputs.stress_users)
    return [
        (_PEAK_LABEL, ci(peak, intervals.peak_users if intervals else None)),
        ("peak TPS X(N*)", ci(_num(model.peak_tps if trusted else None, 1),
                              intervals.peak_tps if intervals else None, 1)),
        (f"users at {target} (predicted)", ci(_users(model.users_at_target if trusted else None),
                                              intervals.users_at_target if intervals else None)),
        (f"max users within {target} (measured)",
         measured_max_users if isinstance(measured_max_users, str) else _users(measured_max_users)),
        (f"MTT at the stress VUser {_users(inputs.stress_users)}: predicted / measured",
         f"{_num(predicted_stress, 0)} / {_num(stress_mtt_ms, 0)} ms"),
        ("R\N{SUPERSCRIPT TWO} of the fit", _num(model.r2, 3)),
    ]  # fmt: skip


def _cpu_rows(reading: CapacityReading) -> list[tuple[str, str]]:
    instances = reading.instances
    cost = instances.cost
    rows = []
    if cost.cpu_seconds_per_request is not None:
        rows.append(
            ("CPU per request",
             f"{cost.cpu_seconds_per_request * 1000:.3g} ms of CPU (line through {cost.points} "
             f"plateaus, R\N{SUPERSCRIPT TWO} {cost.r2:.3f}, idle {cost.idle_cpu_percent:.1f}%"
             f"{cost.ceiling_note})")
        )  # fmt: skip
    rows += [(f"limit: {limit.name}", limit.derivation) for limit in instances.limits]
    binding = instances.binding_limit
    if binding is not None:
        rows.append(("one instance holds", f"{binding.tps:,.1f} TPS (bound: {binding.name})"))
    return rows


def _num(value: float | None, digits: int) -> str:
    return DASH if value is None else f"{value:,.{digits}f}"


def _sig(value: float | None) -> str:
    return DASH if value is None else f"{value:.4g}"


def _users(value: float | None) -> str:
    return DASH if value is None else f"{value:,.0f}"

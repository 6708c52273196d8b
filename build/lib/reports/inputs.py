"""What the run was asked to do and what it ran on: the report's first screen.

A reader judges a verdict by its inputs: the plan (DAU of both cases, R, T, peak rate,
safety factor, think time, response-time target, and the VUser and TPS they led to), the
run (start, duration, host, workers, machine, versions), the load generator's CPU and
memory per process and per step, and how many seconds lack the target's CPU. Fields a
run.json does not hold (older runs) read "not recorded".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reports.generator import MASTER, SATURATED_SHARE
from reports.steps import StepResult

if TYPE_CHECKING:
    from reports.build import Analysis

NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class GeneratorRow:
    """One process in one step: mean and peak CPU (% of one core), peak memory, loop lag."""

    step: int
    process: str
    mean_cpu_percent: float
    peak_cpu_percent: float
    peak_rss_mb: float | None
    hot: bool
    loop_lag_ms: float | None = None  # median of the step's per-second loop-lag p99
    lagging: bool = False  # some of its seconds lagged beyond LOOP_LAG_LIMIT_MS


@dataclass(frozen=True)
class ReportInputs:
    """Label/value rows for the plan and the run, generator rows, target CPU coverage."""

    plan: tuple[tuple[str, str], ...]
    run: tuple[tuple[str, str], ...]
    generator: tuple[GeneratorRow, ...]
    cpu_limit_percent: float
    target_cpu_seconds: int | None  # seconds with the target's CPU; None: not embedded
    target_cpu_missing_seconds: int | None


def report_inputs(analysis: Analysis) -> ReportInputs:
    """The inputs from the analysed run's record and its intervals.csv."""
    steps = analysis.steps
    doc = analysis.record.to_json()
    generator = doc.get("load_generator") or {}
    limit = float(generator.get("cpu_warning_percent") or 90.0)
    covered, missing = _target_cpu_coverage(analysis, bool(doc.get("embedded_target")))
    return ReportInputs(
        plan=plan_rows(doc),
        run=run_rows(doc),
        generator=generator_rows(steps, limit),
        cpu_limit_percent=limit,
        target_cpu_seconds=covered,
        target_cpu_missing_seconds=missing,
    )


def plan_rows(doc: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The plan that led to this stair, as label/value rows."""
    plan = doc.get("plan") or {}
    inputs = doc.get("inputs") or {}
    stairs = doc.get("stairs") or {}
    cases = doc.get("cases") or {}
    scale = doc.get("users_scale") or 1
    start_case, end_case = plan.get("start_case", "start"), plan.get("end_case", "end")
    dau = " / ".join(
        f"{name} {_num(case.get('dau'))}" for name, case in cases.items() if isinstance(case, dict)
    ) or (f"{doc.get('case', '')} {_num(inputs.get('dau'))}" if inputs else NOT_RECORDED)
    think = " / ".join(
        f"{name} {_range(case.get('think_time_seconds'))}"
        for name, case in cases.items()
        if isinstance(case, dict)
    )
    stair = NOT_RECORDED
    if stairs:
        stair = (
            f"{_num(stairs.get('start_users'))} -> {_num(stairs.get('end_users'))} users, "
            f"+{_num(stairs.get('step_users'))} every {_num(stairs.get('step_seconds'))} s, "
            f"hold {_num(stairs.get('hold_seconds'))} s"
        )
        if scale != 1 or (doc.get("time_scale") or 1) != 1:
            stair += f" (users scale {scale:g}, time scale {doc.get('time_scale', 1):g})"
    return (
        ("DAU", dau),
        ("requests per user per day (R)", _num(plan.get("requests_per_user_per_day"))),
        ("journey time (T)", _unit(plan.get("journey_seconds"), "s")),
        (
            "peak rate x safety factor",
            f"{_num(inputs.get('peak_rate'))} x {_num(inputs.get('safety_factor'))}",
        ),
        ("think time", think or NOT_RECORDED),
        ("response-time target", _unit(inputs.get("response_time_ms"), "ms")),
        (f"peak RPS ({doc.get('case', end_case)})", _num(plan.get("peak_rps"), 3)),
        (
            "VUser (plan)",
            f"{start_case} {_num(plan.get('start_vusers'))} -> {end_case} "
            f"{_num(plan.get('vusers'))} (exact {_num(plan.get('vusers_exact'), 1)})",
        ),
        ("target TPS (plan)", _num(plan.get("target_tps"))),
        ("stair run", stair),
    )


def run_rows(doc: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """When, where, with what, and how the run ended."""
    versions = doc.get("versions") or {}
    machine = doc.get("machine") or {}
    host = str(doc.get("host") or NOT_RECORDED)
    if doc.get("embedded_target"):
        workers = doc.get("target_workers")
        plural = "s" if workers != 1 else ""
        budget = doc.get("target_cpus")
        capped = f", capped at {budget:g} core(s)" if isinstance(budget, (int, float)) else ""
        served = f", {workers} server worker{plural}" if workers else ""
        host += f" (embedded target{served}{capped})"
    workers = doc.get("workers")
    workers_text = (
        NOT_RECORDED
        if workers is None
        else ("one Locust process" if workers == 0 else f"{workers} Locust workers and a master")
    )
    if doc.get("workers_reason"):
        workers_text += f" ({doc['workers_reason']})"
    exit_text = str(doc.get("exit_reason") or NOT_RECORDED)
    return (
        ("started", str(doc.get("started_at") or NOT_RECORDED)),
        ("duration", _duration(doc.get("duration_seconds"))),
        ("host", host),
        ("load generator", workers_text),
        ("machine", _machine(machine)),
        (
            "versions",
            ", ".join(f"{name} {value}" for name, value in versions.items()) or NOT_RECORDED,
        ),
        ("ended", exit_text),
    )


def generator_rows(steps: Sequence[StepResult], limit_percent: float) -> tuple[GeneratorRow, ...]:
    """Per measured step and process, from the per-second samples of ``reports.generator``."""
    rows = []
    for step in steps:
        if step.generator is None:
            continue
        for process in step.generator.processes:
            rows.append(
                GeneratorRow(
                    step.step,
                    process.process,
                    process.mean_cpu_percent,
                    process.peak_cpu_percent,
                    process.peak_rss_mb,
                    process.peak_cpu_percent > limit_percent,
                    process.loop_lag_ms,
                    process.process != MASTER
                    and process.lag_seconds > SATURATED_SHARE * process.seconds,
                )
            )
    return tuple(rows)


def _target_cpu_coverage(analysis: Analysis, embedded: bool) -> tuple[int | None, int | None]:
    """Seconds of intervals.csv with and without the embedded target's CPU (None: not known)."""
    seconds = analysis.intervals.target_cpu_seconds
    if not embedded or seconds is None or not sum(seconds):
        return None, None
    return seconds


def _num(value: Any, digits: int = 0) -> str:
    if value is None:
        return NOT_RECORDED
    if isinstance(value, int | float) and not isinstance(value, bool):
        if digits == 0 and float(value).is_integer():
            return f"{int(value):,}"
        return f"{value:,.{digits or 2}f}".rstrip("0").rstrip(".")
    return str(value)


def _unit(value: Any, unit: str) -> str:
    return NOT_RECORDED if value is None else f"{_num(value)} {unit}"


def _range(value: Any) -> str:
    if isinstance(value, Sequence) and len(value) == 2:
        low, high = value
        return f"{_num(low)} s" if low == high else f"{_num(low)}-{_num(high)} s"
    return NOT_RECORDED


def _duration(value: Any) -> str:
    if not isinstance(value, int | float):
        return NOT_RECORDED
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def _machine(machine: Mapping[str, Any]) -> str:
    if not machine:
        return NOT_RECORDED
    parts = []
    if machine.get("cores"):
        parts.append(f"{machine['cores']} cores")
    if machine.get("hostname"):
        parts.append(str(machine["hostname"]))
    if machine.get("platform"):
        parts.append(str(machine["platform"]))
    if machine.get("cpu_busy_percent_mean") is not None:
        parts.append(f"all cores {machine['cpu_busy_percent_mean']:.0f}% busy on average")
    if machine.get("load_average_max") is not None:
        parts.append(f"load average up to {machine['load_average_max']:.1f}")
    return ", ".join(parts) or NOT_RECORDED

"""Reading a run directory into numbers (analyse) and writing its report files (build)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reports.generator_lag import with_generator_lag
from reports.intervals import Intervals, load_intervals
from reports.open_capacity import open_fit
from reports.open_steps import (
    judged_view,
    open_steps,
    open_summary,
    open_verdict,
    read_open_seconds,
    schedule_of,
)
from reports.rundata import RunInfo, run_info
from reports.steps import (
    USERS_STOPPED,
    StepResult,
    measurement_windows,
    step_results,
    with_target_cpu,
)
from reports.trust import RunConditions, Trust, judge_trust
from reports.verdict import Verdict, judge
from stairload.core.faults import DATA_FAULT_METHOD
from stairload.rundir import (
    INTERVALS_CSV,
    REPORT_HTML,
    RUN_JSON,
    STEPS_CSV,
    SUMMARY_JSON,
    PlannedStep,
    RunRecord,
)
from stairload.rundir.atomic import write_file
from stairload.rundir.files import (
    JUNIT_XML,
    MTT_PNG,
    SCALING_JSON,
    SCALING_PNG,
    SUMMARY_MD,
    TPS_PNG,
)
from stairload.rundir.target_cpu import read_target_cpu

if TYPE_CHECKING:
    import pandas as pd

    from stairload.rundir.latency import LatencyHistogram

OUTPUTS = (REPORT_HTML, SUMMARY_JSON, STEPS_CSV, TPS_PNG, MTT_PNG, JUNIT_XML, SUMMARY_MD)


@dataclass(frozen=True)
class Analysis:
    """A run directory, read and judged."""

    run_dir: Path
    run: RunInfo
    intervals: Intervals
    steps: tuple[StepResult, ...]
    verdict: Verdict
    exclude_seconds: float
    record: RunRecord  # run.json's record, read once
    probes: tuple[StepResult, ...] = ()  # probe steps below the plan: not in the verdict
    trust: Trust | None = None  # the capacity answer's first lines (made by ``build``)


def analyse(
    run_dir: Path, exclude_seconds: float = 0.0, record: RunRecord | None = None
) -> Analysis:
    """Read run.json and the interval data, compute the step table and the verdict.

    ``record`` stands for run.json when it does not hold the run's final record yet:
    ``stairload run`` builds the report first and writes that record once after it,
    with the verdict's exit code (``stairload.run.record_lifecycle``).
    """
    if record is None:
        record = RunRecord.load(run_dir / RUN_JSON)
    run = run_info(record, run_dir)
    # probe steps come first in time: their windows and the steps' are one ordered list
    windows = measurement_windows((*run.probes, *run.steps), exclude_seconds)
    intervals = load_intervals(run_dir, run.started_epoch, windows)
    histograms = intervals.window_histograms
    probe_histograms = None if histograms is None else histograms[: len(run.probes)]
    step_histograms = None if histograms is None else histograms[len(run.probes) :]
    target_cpu = read_target_cpu(run_dir)

    def measure(planned: tuple[PlannedStep, ...], histograms: Any = None) -> tuple[StepResult, ...]:
        return step_table(
            run,
            planned,
            intervals.totals,
            histograms,
            exclude_seconds=exclude_seconds,
            shortfall_cause=_shortfall_cause(run, intervals),
            target_cpu=target_cpu,
            legacy_histograms=intervals.legacy_histograms,
        )

    steps = measure(run.steps, step_histograms)
    schedule = schedule_of(record.extras)
    if schedule is not None:  # an open run: its schedule and both latency views
        seconds = read_open_seconds(run_dir) if intervals.source == INTERVALS_CSV else {}
        steps = open_steps(steps, schedule, seconds, record.workers, run.mtt_ms)
    probes = measure(run.probes, probe_histograms) if run.probes else ()
    faults = int(intervals.totals["faults"].sum()) if "faults" in intervals.totals else 0
    judged = judged_view(steps, schedule) if schedule is not None else steps
    verdict = judge(run, judged, intervals_cut=intervals.cut_last_line, faults=faults)
    if schedule is not None:
        verdict = open_verdict(verdict, judged, run, schedule.judge_latency)
        # the knee of an open run is where the achieved rate stops tracking the offered
        # one (capacity.arrival_fit), not where TPS stops growing with users
        knee = open_fit(steps, run.mtt_ms, record.workers).knee
        verdict = replace(
            verdict,
            knee_step=knee.first_behind.step if knee.first_behind is not None else None,
            knee_note=knee.text,
        )
    return Analysis(run_dir, run, intervals, steps, verdict, exclude_seconds, record, probes)


def step_table(
    run: RunInfo,
    planned: Sequence[PlannedStep],
    totals: pd.DataFrame,
    histograms: Sequence[LatencyHistogram] | None = None,
    *,
    exclude_seconds: float = 0.0,
    shortfall_cause: str = USERS_STOPPED,
    target_cpu: Mapping[int, float] | None = None,
    legacy_histograms: bool = False,
) -> tuple[StepResult, ...]:
    """The rows of ``planned`` as every report makes them, and the live page too: the
    measured step table with its validity, the target's CPU over each window, and the
    generator-lag rule against the MTT target."""
    results = step_results(
        planned,
        totals,
        exclude_seconds,
        run.cpu_warnings,
        generator_seconds=run.generator_seconds,
        cpu_limit_percent=run.cpu_limit_percent,
        histograms=histograms,
        shortfall_cause=shortfall_cause,
        legacy_histograms=legacy_histograms,
    )
    if run.shape == "arrivals":  # an open step's users are the pool's ceiling, not a plan
        results = [dataclasses.replace(result, shortfall=None) for result in results]
    return with_generator_lag(
        with_target_cpu(results, target_cpu or {}, run.started_epoch), run.mtt_ms
    )


def _shortfall_cause(run: RunInfo, intervals: Intervals) -> str:
    """Why a step's users fell short of the plan, as far as the run directory tells."""
    causes = []
    by_name = intervals.by_name
    if "method" in by_name and (by_name["method"] == DATA_FAULT_METHOD).any():
        causes.append("the rows of a pick: unique data file were exhausted")
    if run.lost_workers:
        causes.append(f"{run.lost_workers} load-generator worker(s) lost")
    return "; ".join(causes) or USERS_STOPPED


def build(run_dir: Path, exclude_seconds: float = 0.0, record: RunRecord | None = None) -> Analysis:
    """Write report.html, summary.json, steps.csv, the charts, junit.xml and summary.md into
    run_dir (``analyse``)."""
    from reports.alarm_log import load_alarm_changes
    from reports.capacity_section import capacity_for_run
    from reports.charts import write_charts
    from reports.ci_outputs import junit_xml, markdown_summary
    from reports.html import render_report
    from reports.inputs import report_inputs
    from reports.open_report import ARRIVALS_PNG, arrivals_chart, open_rows
    from reports.summary import summary, write_steps_csv, write_summary

    analysis = analyse(run_dir, exclude_seconds, record)
    run, verdict, steps = analysis.run, analysis.verdict, analysis.steps
    source = analysis.intervals.source
    capacity_html, capacity_summary, reading = capacity_for_run(analysis)
    trust = judge_trust(reading, steps, analysis.probes, run_conditions(analysis))
    analysis = replace(analysis, trust=trust)
    capacity_summary["trust"] = {
        "trusted": trust.trusted,
        "summary": trust.summary,
        "changes": list(trust.changes),
    }
    if schedule_of(analysis.record.extras) is not None:
        capacity_summary = {**capacity_summary, "open": open_summary(steps, run)}
    write_summary(
        run_dir / SUMMARY_JSON,
        summary(
            run.run_id,
            verdict,
            steps,
            source=source,
            exclude_seconds=exclude_seconds,
            capacity=capacity_summary,
            probes=analysis.probes,
        ),
    )
    write_steps_csv(run_dir / STEPS_CSV, steps)
    write_file(run_dir / JUNIT_XML, junit_xml(run.run_id, verdict, steps))
    markdown = markdown_summary(run.run_id, verdict, steps, str(run_dir / REPORT_HTML))
    write_file(run_dir / SUMMARY_MD, markdown)
    alarms = load_alarm_changes(run_dir)
    charts = write_charts(run_dir, run, analysis.intervals.totals, steps, verdict.knee_step, alarms)
    schedule = schedule_of(analysis.record.extras)
    if schedule is not None and source == INTERVALS_CSV:
        drawn = arrivals_chart(run_dir, schedule, read_open_seconds(run_dir), run.steps[-1].end_s)
        if drawn is not None:
            charts = {ARRIVALS_PNG: drawn, **charts}
    page = render_report(
        run,
        verdict,
        steps,
        charts,
        by_name=analysis.intervals.by_name,
        source=source,
        exclude_seconds=exclude_seconds,
        alarms=alarms,
        inputs=report_inputs(analysis),
        scaling=scaling_figures(run_dir),
        scaling_chart=run_dir / SCALING_PNG if (run_dir / SCALING_PNG).exists() else None,
        capacity=capacity_html,
        open_rows=open_rows(steps),
        open_max_users=schedule.max_users if schedule is not None else None,
        trust=trust,
    )
    write_file(run_dir / REPORT_HTML, page)
    return analysis


def run_conditions(analysis: Analysis) -> RunConditions:
    """What the run was measured under: its target, CPU budget, machine load and probes."""
    record, machine = analysis.record, analysis.run.machine
    load, cores = machine.get("load_average_max"), machine.get("cores")
    return RunConditions(
        embedded_target=record.embedded_target,
        budget_cores=record.target_cpus,
        load_average_max=float(load) if isinstance(load, int | float) else None,
        cores=int(cores) if isinstance(cores, int | float) else None,
        probes_planned=len(record.stairs.probes),
        step_seconds=record.stairs.step_seconds / record.time_scale if record.time_scale else 0.0,
        open_run=schedule_of(record.extras) is not None,
        target_ms=analysis.run.mtt_ms,
        processes=max(1, record.workers),
    )


def scaling_figures(run_dir: Path) -> dict[str, Any] | None:
    """A scale-out run's scaling.json (written by stairload.scaleout.report), or None."""
    path = run_dir / SCALING_JSON
    if not path.exists():
        return None
    figures: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return figures

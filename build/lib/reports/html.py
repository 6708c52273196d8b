"""report.html: one self-contained page (inline CSS, charts as base64 data URIs, no URLs).

The page is the Jinja2 template ``reports/templates/report.html`` (autoescaped); this
module only turns the analysis into the strings the template shows.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from reports.alarm_log import AlarmChange
from reports.decisions import indistinguishable_text
from reports.generator import LOOP_LAG_LIMIT_MS
from reports.inputs import ReportInputs
from reports.open_report import OPEN_HEADERS, OpenRow
from reports.rundata import RunInfo
from reports.steps import StepResult, percentile_method
from reports.trust import Trust
from reports.uncertainty import Interval
from reports.verdict import Check, Verdict

if TYPE_CHECKING:
    import jinja2
    import pandas as pd

DASH = "\N{EN DASH}"  # a figure that does not exist
CSS = (Path(__file__).parent / "templates" / "report.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Chart:
    """A PNG as the template embeds it."""

    data: str
    alt: str
    title: str


def render_report(
    run: RunInfo,
    verdict: Verdict,
    steps: Sequence[StepResult],
    charts: Mapping[str, Path],
    *,
    by_name: pd.DataFrame,
    source: str,
    exclude_seconds: float,
    alarms: Sequence[AlarmChange] = (),
    inputs: ReportInputs | None = None,
    scaling: Mapping[str, Any] | None = None,
    scaling_chart: Path | None = None,
    capacity: str = "",
    open_rows: Sequence[OpenRow] = (),
    open_max_users: int | None = None,
    trust: Trust | None = None,
) -> str:
    """The whole page as a string (``scaling``: a scale-out run's scaling.json; ``capacity``:
    the Capacity section's rendered HTML)."""
    return render(
        "report.html",
        css=Markup(CSS),
        run=run,
        verdict=verdict,
        trust=trust,
        source=source,
        checks=[_check(check) for check in verdict.checks],
        facts=[
            *_facts(verdict, run),
            (
                "neighbouring steps not distinguishable (95% intervals overlap)",
                indistinguishable_text([step for step in steps if step.valid]),
            ),
        ],
        alarms=[_alarm(change) for change in alarms],
        steps=[_step(step, run.mtt_ms) for step in steps],
        exclude_seconds=f"{exclude_seconds:g}",
        percentile_method=percentile_method(steps),
        charts=[chart(path) for path in charts.values()],
        names=_names(by_name),
        inputs=inputs,
        generator=_generator_table(inputs) if inputs else None,
        target_cpu=_target_cpu_line(inputs) if inputs else "",
        scaling=_scaling(scaling) if scaling else None,
        scaling_chart=chart(scaling_chart) if scaling_chart else None,
        capacity=Markup(capacity),
        open_rows=open_rows,
        open_headers=OPEN_HEADERS,
        open_max_users=f"{open_max_users:,}" if open_max_users else "",
    )


def _scaling(figures: Mapping[str, Any]) -> dict[str, Any]:
    """The spike rows of a scale-out run, numbers formatted."""
    keys = ("in_service_s", "launch_to_service_s", "worst_mtt_ms", "mtt_before_ms")
    spikes = [
        {
            "instance": spike["instance"],
            **{key: _num(spike.get(key), 1) for key in keys},
            "tps_dip_percent": _num(spike.get("tps_dip_percent"), 0),
        }
        for spike in figures.get("spikes", [])
    ]
    return {"spikes": spikes}


def render(template: str, **values: Any) -> str:
    """One of the package's templates, autoescaped, with ``values``."""
    return _environment().get_template(template).render(**values)


def chart(path: Path) -> Chart:
    """A PNG file as an embedded image: base64 data, alt text and title."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return Chart(data, path.stem.replace("_", " "), path.name)


_ENVIRONMENT: list[jinja2.Environment] = []


def _environment() -> jinja2.Environment:
    if not _ENVIRONMENT:
        import jinja2

        _ENVIRONMENT.append(
            jinja2.Environment(
                loader=jinja2.PackageLoader("reports", "templates"),
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                keep_trailing_newline=True,
            )
        )
    return _ENVIRONMENT[0]


def _facts(verdict: Verdict, run: RunInfo) -> list[tuple[str, str]]:
    return [
        ("max users within target", _within_text(verdict)),
        ("first step over target", _step_name(verdict.first_breach_step)),
        ("knee (TPS gain per user halves)", _knee_text(verdict)),
        ("peak TPS", _num(verdict.peak_tps, 1)),
        ("target MTT", f"{run.mtt_ms:g} ms"),
    ]


def _within_text(verdict: Verdict) -> str:
    within = verdict.users_within
    if within is None:
        return _users(verdict.max_users_within_target)
    return within.text() + (f" ({within.note})" if within.note else "")


def _knee_text(verdict: Verdict) -> str:
    if verdict.knee_step is None:
        return verdict.knee_note or "none"
    return f"step {verdict.knee_step}" + (f" ({verdict.knee_note})" if verdict.knee_note else "")


def _check(check: Check) -> dict[str, str]:
    is_rate = check.name == "error_rate"
    measured = _pct(check.measured) if is_rate else _num(check.measured, 1)
    limit = _pct(check.limit) if is_rate else _num(check.limit, 1)
    if check.invalid_reason:
        css, result = "info", "n/a (invalid: generator saturated)"
    elif not check.gate:
        css, result = "info", f"{'met' if check.passed else 'not met'} (info)"
    else:
        css, result = ("ok", "PASS") if check.passed else ("bad", "FAIL")
        if check.margin:
            css, result = "warn", f"{result} at the margin"
    return {
        "name": check.name,
        "rule": check.rule + (f" ({check.margin})" if check.margin else ""),
        "measured": measured,
        "limit": f"{check.reference} {limit}",
        "css": css,
        "result": result,
    }


def _generator_table(inputs: ReportInputs) -> dict[str, Any] | None:
    """Steps as rows, processes as columns: 'mean / peak CPU %, peak MB' in each cell."""
    if not inputs.generator:
        return None
    processes = list(dict.fromkeys(row.process for row in inputs.generator))
    cells: dict[int, dict[str, Any]] = {}
    for row in inputs.generator:
        memory = DASH if row.peak_rss_mb is None else f"{row.peak_rss_mb:,.0f} MB"
        lag = DASH if row.loop_lag_ms is None else f"{row.loop_lag_ms:.1f} ms"
        text = f"{row.mean_cpu_percent:.0f} / {row.peak_cpu_percent:.0f}%, {memory}, {lag}"
        hot = row.hot or row.lagging
        cells.setdefault(row.step, {})[row.process] = {"text": text, "hot": hot}
    empty = {"text": DASH, "hot": False}
    return {
        "processes": processes,
        "rows": [
            {"step": step, "cells": [by_process.get(name, empty) for name in processes]}
            for step, by_process in cells.items()
        ],
        "limit": f"{inputs.cpu_limit_percent:g}",
        "lag_limit": f"{LOOP_LAG_LIMIT_MS:g}",
    }


def _target_cpu_line(inputs: ReportInputs) -> str:
    if inputs.target_cpu_missing_seconds is None:
        return "Target CPU: not measured (the target was not started by this run)."
    total = (inputs.target_cpu_seconds or 0) + inputs.target_cpu_missing_seconds
    return (
        f"Target CPU (sampled from outside the target every second): "
        f"{inputs.target_cpu_missing_seconds} of {total} seconds without data."
    )


def _alarm(change: AlarmChange) -> dict[str, str]:
    return {
        "time": _clock(change.time_s),
        "alarm": change.alarm,
        "old_state": change.old_state,
        "new_state": change.new_state,
        "reason": change.reason,
    }


def _step(step: StepResult, mtt_ms: float) -> dict[str, Any]:
    notes = []
    if step.invalid_reason:
        notes.append(f"\N{WARNING SIGN} invalid: {step.invalid_reason}")
    elif step.cpu_warning:
        notes.append("load generator crossed its CPU limit briefly")
    if step.mtt_interval is not None and step.mtt_interval.above(mtt_ms):
        notes.append("over target")
    elif step.mtt_interval is not None and step.mtt_interval.straddles(mtt_ms):
        notes.append("at the target (its interval straddles it)")
    elif step.mtt_ms is not None and step.mtt_ms > mtt_ms:
        notes.append("over target")
    if step.interval_note:
        notes.append(step.interval_note)
    if step.faults:
        notes.append(f"{step.faults:,} requests not sent (generator or journey faults)")
    return {
        "css": "dim" if not step.measured else ("warn" if not step.valid else ""),
        "step": step.step,
        "users": step.users,
        "status": step.status,
        "numbers": [
            _clock(step.start_s),
            _clock(step.end_s),
            _num(step.tps, 1),
            _interval(step.tps_interval),
            _num(step.mtt_ms, 1),
            _interval(step.mtt_interval),
            _num(step.p50_ms, 3),
            _num(step.p95_ms, 3),
            _num(step.p99_ms, 3),
            _num(step.p99_9_ms, 3),
            _num(step.max_ms, 3),
            _pct(step.error_rate),
            _num(step.tps_per_user, 3),
        ],
        "notes": "; ".join(notes),
    }


def _interval(interval: Interval | None) -> str:
    return DASH if interval is None or not interval.computable else interval.text(1)


def _names(by_name: pd.DataFrame) -> list[list[str]]:
    return [
        [
            str(row.method),
            str(row.name),
            str(int(row.requests)),
            str(int(row.failures)),
            _pct(row.failures / row.requests if row.requests else None),
            _num(None if row.mean_ms != row.mean_ms else row.mean_ms, 1),
        ]
        for row in by_name.itertuples()
    ]


def _num(value: float | None, digits: int) -> str:
    return DASH if value is None else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return DASH if value is None else f"{100 * value:.2f}"


def _clock(seconds: float) -> str:
    whole = int(seconds)
    if whole >= 3600:
        return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    return f"{whole // 60}:{whole % 60:02d}"


def _users(value: int | None) -> str:
    return "none" if value is None else f"{value:,}"


def _step_name(value: int | None) -> str:
    return "none" if value is None else f"step {value}"

"""report.html: one self-contained page (inline CSS, charts as base64 data URIs, no URLs)."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from reports.alarm_log import AlarmChange
from reports.rundata import RunInfo
from reports.steps import StepResult
from reports.summary import PERCENTILE_METHOD
from reports.verdict import Check, Verdict

if TYPE_CHECKING:
    import pandas as pd

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;
max-width:1180px;color:#222;line-height:1.4;padding:0 16px}
h1{font-size:1.5em;margin-bottom:4px}h2{font-size:1.15em;margin-top:28px}
.meta{color:#555;font-size:.9em}
.box{border-radius:6px;padding:10px 14px;margin:12px 0}
.pass{background:#e6f4ea;border:2px solid #2e7d32}.fail{background:#fdecea;border:2px solid #c62828}
.inconclusive{background:#eceff1;border:2px solid #546e7a}
.exit{background:#fff3e0;border:2px solid #ef6c00;font-weight:600}
.caveat{background:#fffde7;border:1px solid #f9a825}
.verdict{font-size:1.6em;font-weight:700}
table{border-collapse:collapse;font-size:.88em;margin:6px 0}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td.l,th.l{text-align:left}
tr.dim td{color:#999}tr.warn td{background:#fff8e1}
.ok{color:#2e7d32;font-weight:600}.bad{color:#c62828;font-weight:600}.info{color:#555}
img{max-width:100%;height:auto;display:block;margin:8px 0 18px}
.note{color:#555;font-size:.85em}
"""


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
) -> str:
    """The whole page as a string."""
    parts = [
        f"<h1>stairload report: {escape(run.run_id)}</h1>",
        f'<p class="meta">scenario {escape(run.scenario)} &middot; case {escape(run.case)}'
        f" &middot; shape {escape(run.shape)} &middot; host {escape(run.host)}"
        f" &middot; data from {escape(source)}</p>",
    ]
    if verdict.exit_note:
        parts.append(
            f'<div class="box exit" id="exit-reason">{escape(verdict.exit_note)} '
            "The figures below cover only what the run reached.</div>"
        )
    parts.append(_verdict_box(verdict, run))
    if verdict.caveats:
        items = "".join(f"<li>{escape(caveat)}</li>" for caveat in verdict.caveats)
        parts.append(f'<div class="box caveat" id="caveats"><b>Caveats</b><ul>{items}</ul></div>')
    if alarms:
        parts.append("<h2>Alarms</h2>" + _alarm_table(alarms))
    parts.append("<h2>Steps</h2>" + _step_table(steps, run.mtt_ms))
    parts.append(
        '<p class="note">Each step is measured from the end of its ramp plus '
        f"{exclude_seconds:g} s to its end. MTT is the request-weighted mean. "
        f"Percentiles: {PERCENTILE_METHOD}.</p>"
    )
    parts.append("<h2>Charts</h2>")
    parts += [image_tag(path) for path in charts.values()]
    if len(by_name):
        parts.append("<h2>Requests by name</h2>" + _name_table(by_name))
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="icon" href="data:,"><title>stairload report {escape(run.run_id)}</title>'
        f"<style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def _verdict_box(verdict: Verdict, run: RunInfo) -> str:
    kind = verdict.verdict.lower()
    rows = "".join(_check_row(check) for check in verdict.checks)
    advice = "".join(f"<li>{escape(line)}</li>" for line in verdict.advice)
    facts = [
        ("max users within target", _users(verdict.max_users_within_target)),
        ("first step over target", _step_name(verdict.first_breach_step)),
        ("knee (TPS gain per user halves)", _step_name(verdict.knee_step)),
        ("peak TPS", _num(verdict.peak_tps, 1)),
        ("target MTT", f"{run.mtt_ms:g} ms"),
    ]
    fact_rows = "".join(f'<tr><th class="l">{k}</th><td>{escape(v)}</td></tr>' for k, v in facts)
    return (
        f'<div class="box {kind}" id="verdict"><span class="verdict">{verdict.verdict}</span>'
        f' <span id="verdict-reason">{escape(verdict.reason)}</span>'
        '<table><tr><th class="l">check</th><th class="l">rule</th><th>measured</th>'
        f"<th>limit or plan</th><th>result</th></tr>{rows}</table>"
        f"<table>{fact_rows}</table>"
        + (f'<div id="advice"><b>What to change</b><ul>{advice}</ul></div>' if advice else "")
        + "</div>"
    )


def _check_row(check: Check) -> str:
    is_rate = check.name == "error_rate"
    measured = _pct(check.measured) if is_rate else _num(check.measured, 1)
    limit = _pct(check.limit) if is_rate else _num(check.limit, 1)
    limit = f"{check.reference} {limit}"
    if check.invalid_reason:
        result = '<span class="info">n/a (invalid: generator saturated)</span>'
    elif not check.gate:
        result = f'<span class="info">{"met" if check.passed else "not met"} (info)</span>'
    else:
        result = '<span class="ok">PASS</span>' if check.passed else '<span class="bad">FAIL</span>'
    return (
        f'<tr><td class="l">{escape(check.name)}</td><td class="l">{escape(check.rule)}</td>'
        f"<td>{measured}</td><td>{limit}</td><td>{result}</td></tr>"
    )


def _alarm_table(alarms: Sequence[AlarmChange]) -> str:
    rows = "".join(
        f'<tr><td>{_clock(change.time_s)}</td><td class="l">{escape(change.alarm)}</td>'
        f'<td class="l">{escape(change.old_state)} &rarr; <b>{escape(change.new_state)}</b></td>'
        f'<td class="l">{escape(change.reason)}</td></tr>'
        for change in alarms
    )
    return (
        '<table id="alarms"><tr><th>time</th><th class="l">alarm</th>'
        f'<th class="l">state</th><th class="l">cause</th></tr>{rows}</table>'
    )


def _step_table(steps: Sequence[StepResult], mtt_ms: float) -> str:
    head = (
        '<table id="steps"><tr><th>step</th><th>users</th><th class="l">status</th>'
        "<th>start</th><th>end</th><th>TPS</th><th>MTT ms</th><th>p50 ms</th><th>p95 ms</th>"
        '<th>p99 ms</th><th>error %</th><th>TPS/user</th><th class="l">notes</th></tr>'
    )
    rows = []
    for step in steps:
        notes = []
        if step.invalid_reason:
            notes.append(f"&#9888; invalid: {escape(step.invalid_reason)}")
        elif step.cpu_warning:
            notes.append("load generator crossed its CPU limit briefly")
        if step.mtt_ms is not None and step.mtt_ms > mtt_ms:
            notes.append("over target")
        css = "dim" if not step.measured else ("warn" if not step.valid else "")
        rows.append(
            f'<tr class="{css}"><td>{step.step}</td><td>{step.users}</td>'
            f'<td class="l">{step.status}</td><td>{_clock(step.start_s)}</td>'
            f"<td>{_clock(step.end_s)}</td><td>{_num(step.tps, 1)}</td>"
            f"<td>{_num(step.mtt_ms, 1)}</td><td>{_num(step.p50_ms, 0)}</td>"
            f"<td>{_num(step.p95_ms, 0)}</td><td>{_num(step.p99_ms, 0)}</td>"
            f"<td>{_pct(step.error_rate)}</td><td>{_num(step.tps_per_user, 3)}</td>"
            f'<td class="l">{"; ".join(notes)}</td></tr>'
        )
    return head + "".join(rows) + "</table>"


def _name_table(by_name: pd.DataFrame) -> str:
    rows = "".join(
        f'<tr><td class="l">{escape(str(row.method))}</td>'
        f'<td class="l">{escape(str(row.name))}</td>'
        f"<td>{int(row.requests)}</td><td>{int(row.failures)}</td>"
        f"<td>{_pct(row.failures / row.requests if row.requests else None)}</td>"
        f"<td>{_num(None if row.mean_ms != row.mean_ms else row.mean_ms, 1)}</td></tr>"
        for row in by_name.itertuples()
    )
    return (
        '<table><tr><th class="l">method</th><th class="l">name</th><th>requests</th>'
        f"<th>failures</th><th>error %</th><th>mean ms</th></tr>{rows}</table>"
    )


def image_tag(path: Path) -> str:
    """An <img> whose source is the PNG itself, base64-encoded."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    alt = path.stem.replace("_", " ")
    return f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}" title="{path.name}">'


def _num(value: float | None, digits: int) -> str:
    return "&ndash;" if value is None else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "&ndash;" if value is None else f"{100 * value:.2f}"


def _clock(seconds: float) -> str:
    whole = int(seconds)
    if whole >= 3600:
        return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    return f"{whole // 60}:{whole % 60:02d}"


def _users(value: int | None) -> str:
    return "none" if value is None else f"{value:,}"


def _step_name(value: int | None) -> str:
    return "none" if value is None else f"step {value}"

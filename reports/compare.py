"""Two runs side by side: overlaid TPS and MTT charts, each run's model line and a per-step
delta table.

Steps are matched by their x: planned users in a closed run, the offered journey rate in
an open one (``--shape arrivals``, whose steps all share the pool's ceiling of users). A
closed and an open run have no common x: their steps are listed one run after the other,
each with its own x labelled, and no deltas."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from reports.build import Analysis, analyse
from reports.html import CSS
from reports.steps import StepResult
from stairload.rundir.atomic import write_file, write_with
from stairload.rundir.files import COMPARE_CSV, COMPARE_HTML, COMPARE_MTT_PNG, COMPARE_TPS_PNG

if TYPE_CHECKING:
    from matplotlib.figure import Figure

USERS, RATE = "users", "offered_rate"
DELTA_COLUMNS = (
    USERS,
    "tps_a",
    "tps_b",
    "tps_delta_pct",
    "mtt_ms_a",
    "mtt_ms_b",
    "mtt_delta_pct",
    "p95_ms_a",
    "p95_ms_b",
    "error_rate_a",
    "error_rate_b",
)
# a closed and an open run: each run's steps on their own, with their own x
SIDE_COLUMNS = ("run", "step", USERS, RATE, "tps", "mtt_ms", "p95_ms", "error_rate")


@dataclass(frozen=True)
class Comparison:
    """Where the comparison went and what it holds."""

    out_dir: Path
    rows: tuple[dict[str, float | int | str | None], ...]
    matched_by: str | None = USERS  # USERS or RATE; None: a closed and an open run


def default_out_dir(run_a: Path, run_b: Path) -> Path:
    """A sibling of run B (so under runs/ for runs under runs/): compare-A-vs-B."""
    return run_b.resolve().parent / f"compare-{run_a.resolve().name}-vs-{run_b.resolve().name}"


def compare(run_a: Path, run_b: Path, out_dir: Path, exclude_seconds: float = 0.0) -> Comparison:
    """Write compare.html, compare.csv, compare_tps.png and compare_mtt.png into out_dir."""
    a, b = analyse(run_a, exclude_seconds), analyse(run_b, exclude_seconds)
    matched_by = _x(a) if _x(a) == _x(b) else None
    rows = tuple(delta_rows(a, b) if matched_by else side_rows(a, b))
    out_dir.mkdir(parents=True, exist_ok=True)
    columns = DELTA_COLUMNS if matched_by else SIDE_COLUMNS
    if matched_by == RATE:
        columns = (RATE, *DELTA_COLUMNS[1:])

    def write(handle: IO[str]) -> None:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)

    write_with(out_dir / COMPARE_CSV, write)
    charts = {
        COMPARE_TPS_PNG: _overlay(a, b, "tps", "TPS (requests/s)", "Throughput: A vs B"),
        COMPARE_MTT_PNG: _overlay(a, b, "mean_ms", "MTT (ms)", "Mean test time: A vs B"),
    }
    from reports.chart_parts import save

    paths = [save(fig, out_dir / name) for name, fig in charts.items()]
    write_file(out_dir / COMPARE_HTML, _page(a, b, rows, columns, matched_by, paths))
    return Comparison(out_dir, rows, matched_by)


def delta_rows(a: Analysis, b: Analysis) -> list[dict[str, float | int | str | None]]:
    """One row per x (user count, or offered rate of open runs) present in either run."""
    unit = _x(a)
    steps_a = {_key(step, unit): step for step in a.steps if step.measured}
    steps_b = {_key(step, unit): step for step in b.steps if step.measured}
    rows = []
    for key in sorted(set(steps_a) | set(steps_b)):
        one, two = steps_a.get(key), steps_b.get(key)
        row: dict[str, float | int | str | None] = {USERS: key}
        for field in ("tps", "mtt_ms", "p95_ms", "error_rate"):
            row[f"{field}_a"] = _round(getattr(one, field) if one else None)
            row[f"{field}_b"] = _round(getattr(two, field) if two else None)
        row["tps_delta_pct"] = _change(row["tps_a"], row["tps_b"])
        row["mtt_delta_pct"] = _change(row["mtt_ms_a"], row["mtt_ms_b"])
        row = {column: row[column] for column in DELTA_COLUMNS}
        rows.append(row if unit == USERS else {RATE: row.pop(USERS), **row})
    return rows


def side_rows(a: Analysis, b: Analysis) -> list[dict[str, float | int | str | None]]:
    """A closed and an open run: each measured step of A, then of B, with its own x."""
    rows: list[dict[str, float | int | str | None]] = []
    for label, analysis in (("A", a), ("B", b)):
        for step in analysis.steps:
            if not step.measured:
                continue
            rows.append(
                {
                    "run": label,
                    "step": step.step,
                    USERS: None if step.open is not None else step.users,
                    RATE: None if step.open is None else _round(step.open.offered_rate),
                    **{field: _round(getattr(step, field)) for field in SIDE_COLUMNS[4:]},
                }
            )
    return rows


def _x(analysis: Analysis) -> str:
    """RATE for an open run (its steps carry an offered rate), else USERS."""
    return RATE if any(step.open is not None for step in analysis.steps) else USERS


def _key(step: StepResult, unit: str) -> float | int:
    """A closed step's planned users; an open step's offered rate (to 4 decimals)."""
    if unit == RATE and step.open is not None:
        return round(step.open.offered_rate, 4)
    return step.users


def model_lines(analysis: Analysis) -> tuple[str, ...]:
    """The run's first lines as its report states them (``reports.trust``)."""
    from reports.build import run_conditions
    from reports.capacity_section import capacity_reading, inputs_from_record
    from reports.trust import judge_trust

    inputs = inputs_from_record(analysis.record, analysis.run.end_users or None)
    reading = capacity_reading(analysis.steps, analysis.probes, inputs)
    trust = judge_trust(reading, analysis.steps, analysis.probes, run_conditions(analysis))
    return trust.lines()


def _change(before: float | int | None, after: float | int | None) -> float | None:
    if before is None or after is None or before == 0:
        return None
    return round(100.0 * (after - before) / before, 2)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _overlay(a: Analysis, b: Analysis, column: str, ylabel: str, title: str) -> Figure:
    from reports.chart_parts import pyplot, time_axis

    fig, ax = pyplot().subplots(figsize=(11, 4.6), layout="constrained")
    duration = 1.0
    for analysis, label, color in ((a, "A", "#1f77b4"), (b, "B", "#ff7f0e")):
        totals = analysis.intervals.totals
        values = totals["requests"] / totals["duration_s"] if column == "tps" else totals[column]
        name = f"{label}: {analysis.run.run_id}"
        ax.plot(totals["time_s"], values, color=color, linewidth=1.0, label=name)
        duration = max(duration, analysis.run.steps[-1].end_s)
    if column == "mean_ms":
        target = a.run.mtt_ms
        ax.axhline(target, color="#d62728", linestyle="--", label=f"target {target:g} ms (A)")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    time_axis(ax, duration)
    ax.legend(loc="upper left", fontsize=9)
    ax.set_title(title)
    return fig


def spike_rows(a: Analysis, b: Analysis) -> list[list[str]]:
    """Scale-out runs (scaling.json): each new instance's spike, run A's then run B's."""
    from reports.build import scaling_figures

    rows = []
    for label, analysis in (("A", a), ("B", b)):
        for spike in (scaling_figures(analysis.run_dir) or {}).get("spikes", []):
            cells = [spike.get(key) for key in _SPIKE_KEYS]
            rows.append(
                [label, spike["instance"], *("-" if v is None else f"{v:,.1f}" for v in cells)]
            )
    return rows


_SPIKE_KEYS = (
    "launch_to_service_s",
    "worst_mtt_ms",
    "mtt_before_ms",
    "tps_dip_percent",
)


_MATCHED = {
    USERS: "steps are matched by user count",
    RATE: "open runs: steps are matched by offered journey rate (journeys/s)",
    None: (
        "a closed run (steps are users) and an open run (steps are offered journeys/s): "
        "their steps cannot be matched, so each run's steps are listed on their own, "
        "without deltas"
    ),
}


def _page(
    a: Analysis,
    b: Analysis,
    rows: tuple[dict, ...],
    columns: tuple[str, ...],
    matched_by: str | None,
    charts: list[Path],
) -> str:
    from markupsafe import Markup

    from reports.html import chart, render

    def run(analysis: Analysis) -> dict[str, object]:
        return {
            "run_id": analysis.run.run_id,
            "verdict": analysis.verdict.verdict,
            "shape": "open, offered journeys/s" if _x(analysis) == RATE else "closed, users",
            "model": model_lines(analysis),
        }

    return render(
        "compare.html",
        css=Markup(CSS),
        a=run(a),
        b=run(b),
        matched=_MATCHED[matched_by],
        columns=columns,
        rows=[list(row.values()) for row in rows],
        charts=[chart(path) for path in charts],
        spikes=spike_rows(a, b),
    )

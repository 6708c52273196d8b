"""Two runs side by side: overlaid TPS and MTT charts and a per-step delta table."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from reports.build import Analysis, analyse
from reports.html import CSS
from stairload.rundir.atomic import write_file, write_with
from stairload.rundir.files import COMPARE_CSV, COMPARE_HTML, COMPARE_MTT_PNG, COMPARE_TPS_PNG

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DELTA_COLUMNS = (
    "users",
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


@dataclass(frozen=True)
class Comparison:
    """Where the comparison went and what it holds."""

    out_dir: Path
    rows: tuple[dict[str, float | int | None], ...]


def default_out_dir(run_a: Path, run_b: Path) -> Path:
    """A sibling of run B (so under runs/ for runs under runs/): compare-A-vs-B."""
    return run_b.resolve().parent / f"compare-{run_a.resolve().name}-vs-{run_b.resolve().name}"


def compare(run_a: Path, run_b: Path, out_dir: Path, exclude_seconds: float = 0.0) -> Comparison:
    """Write compare.html, compare.csv, compare_tps.png and compare_mtt.png into out_dir."""
    a, b = analyse(run_a, exclude_seconds), analyse(run_b, exclude_seconds)
    rows = tuple(delta_rows(a, b))
    out_dir.mkdir(parents=True, exist_ok=True)

    def write(handle: IO[str]) -> None:
        writer = csv.DictWriter(handle, fieldnames=DELTA_COLUMNS)
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)

    write_with(out_dir / COMPARE_CSV, write)
    charts = {
        COMPARE_TPS_PNG: _overlay(a, b, "tps", "TPS (requests/s)", "Throughput: A vs B"),
        COMPARE_MTT_PNG: _overlay(a, b, "mean_ms", "MTT (ms)", "Mean test time: A vs B"),
    }
    from reports.chart_parts import save

    paths = [save(fig, out_dir / name) for name, fig in charts.items()]
    write_file(out_dir / COMPARE_HTML, _page(a, b, rows, paths))
    return Comparison(out_dir, rows)


def delta_rows(a: Analysis, b: Analysis) -> list[dict[str, float | int | None]]:
    """One row per user count present in either run, matched by user count."""
    steps_a = {step.users: step for step in a.steps if step.measured}
    steps_b = {step.users: step for step in b.steps if step.measured}
    rows = []
    for users in sorted(set(steps_a) | set(steps_b)):
        one, two = steps_a.get(users), steps_b.get(users)
        row: dict[str, float | int | None] = {"users": users}
        for field in ("tps", "mtt_ms", "p95_ms", "error_rate"):
            row[f"{field}_a"] = _round(getattr(one, field) if one else None)
            row[f"{field}_b"] = _round(getattr(two, field) if two else None)
        row["tps_delta_pct"] = _change(row["tps_a"], row["tps_b"])
        row["mtt_delta_pct"] = _change(row["mtt_ms_a"], row["mtt_ms_b"])
        rows.append({column: row[column] for column in DELTA_COLUMNS})
    return rows


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


def _page(a: Analysis, b: Analysis, rows: tuple[dict, ...], charts: list[Path]) -> str:
    from markupsafe import Markup

    from reports.html import chart, render

    return render(
        "compare.html",
        css=Markup(CSS),
        a={"run_id": a.run.run_id, "verdict": a.verdict.verdict},
        b={"run_id": b.run.run_id, "verdict": b.verdict.verdict},
        columns=DELTA_COLUMNS,
        rows=[list(row.values()) for row in rows],
        charts=[chart(path) for path in charts],
        spikes=spike_rows(a, b),
    )

"""The report's PNG charts (matplotlib, Agg backend): one function per chart.

The parts they share (axes, colours, step marks, legends) are ``reports.chart_parts``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reports.alarm_log import AlarmChange
from reports.chart_parts import (
    COLORS,
    SIZE,
    TARGET_COLOR,
    legend_below,
    legend_below_both,
    mark_steps,
    plot_users,
    pyplot,
    save,
    step_error_bars,
    time_axis,
)
from reports.rundata import RunInfo
from reports.steps import StepResult
from stairload.rundir import AlarmState
from stairload.rundir.files import (
    ERRORS_PNG,
    MTT_PNG,
    PERCENTILES_PNG,
    THROUGHPUT_USERS_PNG,
    TPS_PNG,
    USERS_PNG,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def write_charts(
    run_dir: Path,
    run: RunInfo,
    totals: pd.DataFrame,
    steps: Sequence[StepResult],
    knee_step: int | None = None,
    alarms: Sequence[AlarmChange] = (),
) -> dict[str, Path]:
    """Draw every chart into run_dir; return {file name: path} in report order."""
    duration = _duration(run, totals)
    charts = {
        TPS_PNG: _tps_chart(run, totals, steps, duration),
        MTT_PNG: _mtt_chart(run, totals, steps, duration, alarms),
        PERCENTILES_PNG: _percentile_chart(run, totals, steps, duration),
        ERRORS_PNG: _error_chart(totals, steps, duration),
        USERS_PNG: _users_chart(run, totals, steps, duration),
        THROUGHPUT_USERS_PNG: _throughput_chart(steps, run.mtt_ms, knee_step),
    }
    return {name: save(fig, run_dir / name) for name, fig in charts.items() if fig is not None}


def _duration(run: RunInfo, totals: pd.DataFrame) -> float:
    planned = run.steps[-1].end_s
    measured = float((totals["time_s"] + totals["duration_s"]).max()) if len(totals) else 0.0
    return max(planned, measured, 1.0)


def _smooth(values: pd.Series, points: int) -> pd.Series:
    window = max(1, points // 120)
    return values.rolling(window, min_periods=1, center=True).mean() if window > 1 else values


def _tps_chart(
    run: RunInfo, totals: pd.DataFrame, steps: Sequence[StepResult], duration: float
) -> Figure:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    tps = totals["requests"] / totals["duration_s"]
    smooth = len(totals) > 240
    ax.plot(
        totals["time_s"],
        tps,
        drawstyle="steps-post",
        color=COLORS["tps"],
        linewidth=0.6 if smooth else 1.2,
        alpha=0.45 if smooth else 1.0,
        label="TPS per interval",
    )
    if smooth:
        ax.plot(
            totals["time_s"],
            _smooth(tps, len(totals)),
            drawstyle="steps-post",
            color=COLORS["tps"],
            linewidth=1.6,
            label="TPS (rolling mean)",
        )
    step_error_bars(ax, steps, "tps", "#1f1f1f", "step TPS, 95% CI")
    ax.set_ylabel("TPS (requests/s)")
    ax.set_ylim(bottom=0)
    right = ax.twinx()
    plot_users(right, run, totals, linewidth=1.0)
    mark_steps(ax, steps)
    time_axis(ax, duration)
    legend_below_both(ax, right)
    ax.set_title("Throughput (TPS) and users over time", pad=16)
    return fig


def _mtt_chart(
    run: RunInfo,
    totals: pd.DataFrame,
    steps: Sequence[StepResult],
    duration: float,
    alarms: Sequence[AlarmChange] = (),
) -> Figure:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    ax.plot(
        totals["time_s"],
        totals["mean_ms"],
        drawstyle="steps-post",
        color=COLORS["mtt"],
        linewidth=0.8,
        label="MTT per interval",
    )
    ax.axhline(
        run.mtt_ms,
        color=TARGET_COLOR,
        linestyle="--",
        linewidth=1.2,
        label=f"target {run.mtt_ms:g} ms",
    )
    step_error_bars(ax, steps, "mtt", "#1f1f1f", "step MTT, 95% CI")
    ax.set_ylabel("MTT, mean response time (ms)")
    ax.set_ylim(bottom=0)
    mark_steps(ax, steps)
    _mark_alarms(ax, alarms)
    time_axis(ax, duration)
    legend_below(ax)
    ax.set_title("Mean test time (MTT) over time", pad=16)
    return fig


_ALARM_COLORS = {
    AlarmState.ALARM: "#d1242f",
    AlarmState.OK: "#1a7f37",
    AlarmState.INSUFFICIENT_DATA: "#9a6700",
}


def _mark_alarms(ax: Axes, alarms: Sequence[AlarmChange]) -> None:
    """A dotted line per alarm state change, coloured by the new state, labelled once each."""
    labelled: set[str] = set()
    for change in alarms:
        label = None if change.new_state in labelled else f"alarm -> {change.new_state}"
        labelled.add(change.new_state)
        ax.axvline(
            change.time_s,
            color=_ALARM_COLORS[change.new_state],
            linestyle=":",
            linewidth=1.2,
            label=label,
        )


def _percentile_chart(
    run: RunInfo, totals: pd.DataFrame, steps: Sequence[StepResult], duration: float
) -> Figure | None:
    if totals["p95_ms"].isna().all():
        return None
    plt = pyplot()
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    for column, color in (("p99_ms", "#9467bd"), ("p95_ms", "#e377c2"), ("p50_ms", "#17becf")):
        ax.plot(
            totals["time_s"],
            totals[column],
            drawstyle="steps-post",
            color=color,
            linewidth=0.8,
            label=column.replace("_ms", ""),
        )
    ax.axhline(
        run.mtt_ms,
        color=TARGET_COLOR,
        linestyle="--",
        linewidth=1.2,
        label=f"target {run.mtt_ms:g} ms",
    )
    ax.set_ylabel("response time (ms)")
    ax.set_ylim(bottom=0)
    mark_steps(ax, steps)
    time_axis(ax, duration)
    legend_below(ax)
    ax.set_title("Response-time percentiles per interval", pad=16)
    return fig


def _error_chart(totals: pd.DataFrame, steps: Sequence[StepResult], duration: float) -> Figure:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
    failures = totals["failures"] / totals["duration_s"]
    ax.fill_between(
        totals["time_s"], failures, step="post", color=TARGET_COLOR, alpha=0.35, label="failures/s"
    )
    ax.set_ylabel("failures per second")
    ax.set_ylim(bottom=0, top=max(1.0, float(failures.max() or 0) * 1.15))
    right = ax.twinx()
    share = 100 * totals["failures"] / totals["requests"].where(totals["requests"] > 0)
    right.plot(totals["time_s"], share, color="#8c564b", linewidth=0.9, label="error % of requests")
    right.set_ylabel("error %")
    right.set_ylim(0, max(1.0, float(share.max()) * 1.15 if share.notna().any() else 1.0))
    mark_steps(ax, steps)
    time_axis(ax, duration)
    legend_below_both(ax, right)
    ax.set_title("Errors over time", pad=16)
    return fig


def _users_chart(
    run: RunInfo, totals: pd.DataFrame, steps: Sequence[StepResult], duration: float
) -> Figure:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(11, 3.6), layout="constrained")
    plot_users(ax, run, totals, linewidth=1.2)
    mark_steps(ax, steps)
    time_axis(ax, duration)
    legend_below(ax)
    ax.set_title("Users: planned vs actual", pad=16)
    return fig


def _throughput_chart(
    steps: Sequence[StepResult], mtt_ms: float, knee_step: int | None
) -> Figure | None:
    points = [step for step in steps if step.tps is not None and step.users > 0]
    if not points:
        return None
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4.8), layout="constrained")
    users = [step.users for step in points]
    slope = points[0].tps / points[0].users
    top = max(users) * 1.05
    ax.plot(
        [0, top],
        [0, slope * top],
        color="#999999",
        linestyle="--",
        label="ideal linear (step 1 TPS/user)",
    )
    ax.plot(
        users,
        [step.tps for step in points],
        marker="o",
        color=COLORS["tps"],
        label="measured, one point per step",
    )
    with_interval = [s for s in points if s.tps_interval is not None and s.tps_interval.computable]
    if with_interval:
        ax.errorbar(
            [step.users for step in with_interval],
            [step.tps for step in with_interval],
            yerr=[
                [step.tps - step.tps_interval.low for step in with_interval],  # type: ignore[operator,union-attr]
                [step.tps_interval.high - step.tps for step in with_interval],  # type: ignore[operator,union-attr]
            ],
            fmt="none",
            ecolor=COLORS["tps"],
            capsize=4,
            label="95% CI of the step's TPS",
        )
    over = [step for step in points if step.mtt_ms is not None and step.mtt_ms > mtt_ms]
    if over:
        ax.scatter(
            [step.users for step in over],
            [step.tps for step in over],
            color=TARGET_COLOR,
            zorder=3,
            label=f"MTT over {mtt_ms:g} ms",
        )
    knee = next((step for step in points if step.step == knee_step), None)
    if knee is not None:
        ax.annotate(
            f"knee (S{knee.step})",
            (knee.users, knee.tps),
            textcoords="offset points",
            xytext=(25, 22),
            arrowprops={"arrowstyle": "->", "color": "#333333"},
            fontsize=9,
        )
    for step in points:
        ax.annotate(
            f"S{step.step}",
            (step.users, step.tps),
            textcoords="offset points",
            xytext=(4, -12),
            fontsize=8,
        )
    ax.set_xlim(0, top)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("users")
    ax.set_ylabel("TPS (requests/s)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=9)
    ax.set_title("Throughput vs users")
    return fig

"""What every chart of the report shares: matplotlib on Agg, the time axis, colours, the
step marks, the users lines, error bars and legends below the plot."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reports.rundata import RunInfo
from reports.steps import StepResult
from stairload.rundir.atomic import write_with

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_TICK_STEPS_S = (5, 10, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200)
COLORS = {"tps": "#1f77b4", "users": "#555555", "plan": "#ff7f0e", "mtt": "#2ca02c"}
TARGET_COLOR = "#d62728"
SIZE = (11, 4.6)


def pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend (imported here to keep the CLI fast)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def time_axis(ax: Axes, duration_s: float) -> None:
    """Elapsed-time ticks: mm:ss up to an hour, h:mm beyond; at most ~10 ticks."""
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    step = next((s for s in _TICK_STEPS_S if duration_s / s <= 10), _TICK_STEPS_S[-1])
    ax.xaxis.set_major_locator(MultipleLocator(step))
    if duration_s < 3600:
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda x, _: f"{int(x) // 60}:{int(x) % 60:02d}")
        )
        ax.set_xlabel("elapsed time (mm:ss)")
    else:
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda x, _: f"{int(x) // 3600}:{int(x) % 3600 // 60:02d}")
        )
        ax.set_xlabel("elapsed time (h:mm)")
    ax.set_xlim(0, max(duration_s, 1))
    ax.grid(True, axis="y", alpha=0.3)


def save(fig: Figure, path: Path) -> Path:
    """Write the figure as PNG (atomically, ``stairload.rundir.atomic``) and free it."""
    try:
        write_with(path, lambda handle: fig.savefig(handle, format="png", dpi=100), binary=True)
    finally:
        pyplot().close(fig)
    return path


def step_error_bars(
    ax: Axes, steps: Sequence[StepResult], figure: str, color: str, label: str
) -> None:
    """Each measured step's figure at the middle of its window, with its 95% interval."""
    middles, values, below, above = [], [], [], []
    for step in steps:
        value = step.tps if figure == "tps" else step.mtt_ms
        interval = step.tps_interval if figure == "tps" else step.mtt_interval
        if value is None or interval is None or not interval.computable:
            continue
        middles.append((step.window_start_s + step.window_end_s) / 2)
        values.append(value)
        below.append(value - interval.low)  # type: ignore[operator]
        above.append(interval.high - value)  # type: ignore[operator]
    if values:
        ax.errorbar(
            middles,
            values,
            yerr=[below, above],
            fmt="o",
            markersize=4,
            color=color,
            capsize=4,
            linewidth=1.4,
            zorder=4,
            label=label,
        )


def mark_steps(ax: Axes, steps: Sequence[StepResult]) -> None:
    """Dotted lines at step starts, shaded excluded ramps, step numbers along the top."""
    every = max(1, len(steps) // 12)
    for index, step in enumerate(steps):
        ax.axvline(step.start_s, color="#999999", linestyle=":", linewidth=0.8)
        label = "ramp, excluded from the step table" if index == 0 else None
        ax.axvspan(
            step.start_s, step.window_start_s, color="#cccccc", alpha=0.3, linewidth=0, label=label
        )
        if index % every == 0:
            middle = (step.start_s + step.end_s) / 2
            ax.text(
                middle,
                1.01,
                f"S{step.step}",
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=8,
                color="#666666",
            )


def plot_users(ax: Axes, run: RunInfo, totals: pd.DataFrame, linewidth: float) -> None:
    """Planned users (dashed) and actual users (steps) on ``ax``, from zero."""
    ax.plot(
        *planned_users(run),
        color=COLORS["plan"],
        linestyle="--",
        linewidth=linewidth + 0.2,
        label="planned users",
    )
    ax.plot(
        totals["time_s"],
        totals["users"],
        drawstyle="steps-post",
        color=COLORS["users"],
        linewidth=linewidth,
        label="actual users",
    )
    ax.set_ylabel("users")
    ax.set_ylim(bottom=0)


def planned_users(run: RunInfo) -> tuple[list[float], list[float]]:
    times, users = [], []
    for step in run.steps:
        times += [step.start_s, step.end_s]
        users += [step.users, step.users]
    return times, users


def legend_below_both(left: Axes, right: Axes) -> None:
    handles, labels = left.get_legend_handles_labels()
    more_handles, more_labels = right.get_legend_handles_labels()
    legend_below(left, handles + more_handles, labels + more_labels)


def legend_below(
    ax: Axes, handles: list[Any] | None = None, labels: list[str] | None = None
) -> None:
    """Legend under the x axis, so it never hides the data."""
    if handles is None or labels is None:
        handles, labels = ax.get_legend_handles_labels()
    ax.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncols=min(len(labels), 5),
        fontsize=9,
        frameon=False,
    )

"""``stairs.png``: the planned stair, announced when the run starts and drawn when it ends.

The runner stays lean while Locust runs: matplotlib (about 50 MB resident and a second of
CPU) is imported only once the load has stopped, just before the report's own charts.
"""

from __future__ import annotations

from pathlib import Path

from capacity.stairs import Stairs
from stairload.loadgen.context import RunContext
from stairload.rundir.atomic import write_with


def stair_title(context: RunContext) -> str:
    """One line naming the scenario, its shape, the users, the plateaus and the minutes."""
    stairs = context.stairs
    arrivals = context.arrivals
    if arrivals is not None:  # an open stair: journey rates on a capped pool
        return (
            f"{context.scenario.name} (arrivals, {arrivals.arrivals}): "
            f"{arrivals.start_rate:,.2f} to {arrivals.end_rate:,.2f} journeys/s, "
            f"{len(arrivals.steps)} plateaus, pool of at most {arrivals.max_users:,} users, "
            f"{arrivals.total_seconds / 60:.1f} min"
        )
    return (
        f"{context.scenario.name} ({context.shape}): {stairs.start_users:,} to "
        f"{stairs.end_users:,} users, {len(stairs.steps)} plateaus, "
        f"{stairs.total_seconds / 60:.1f} min"
    )


def draw_stairs(stairs: Stairs, title: str, path: Path) -> None:
    """Draw planned users over time, each plateau labelled with its users."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    times, users = [0.0], [0]
    for step in stairs.steps:
        times += [step.ramp_end_s, step.end_s]
        users += [step.users, step.users]
    minutes = stairs.total_seconds >= 180
    scale = 60.0 if minutes else 1.0
    figure, axis = plt.subplots(figsize=(9, 3.6), dpi=110)
    axis.plot([t / scale for t in times], users, color="#1f6feb", linewidth=2)
    axis.fill_between([t / scale for t in times], users, color="#1f6feb", alpha=0.08)
    for step in stairs.steps if len(stairs.steps) <= 15 else stairs.steps[::2]:
        axis.annotate(
            f"{step.users:,}",
            ((step.ramp_end_s + step.end_s) / 2 / scale, step.users),
            textcoords="offset points",
            xytext=(0, 4),
            ha="center",
            fontsize=7,
        )
    axis.set_xlabel("time (minutes)" if minutes else "time (seconds)")
    axis.set_ylabel("virtual users")
    axis.set_ylim(0, stairs.end_users * 1.15)
    axis.set_xlim(0, stairs.total_seconds / scale)
    axis.set_title(title, fontsize=10)
    axis.grid(alpha=0.3)
    figure.tight_layout()
    try:
        write_with(path, lambda handle: figure.savefig(handle, format="png"), binary=True)
    finally:
        plt.close(figure)

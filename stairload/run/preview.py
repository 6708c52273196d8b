"""``stairs.png``: the planned stair, drawn before the run starts (as nGrinder and JMeter do)."""

from __future__ import annotations

from pathlib import Path

from capacity.stairs import Stairs


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
    figure.savefig(path)
    plt.close(figure)

"""The open-run parts of the report: the arrivals chart and the per-step schedule table.

``arrivals.png``: journeys the plan offers per second (its rate) against those that
started, with the dropped ones as red bars. The table (``open_rows``): per step the
offered and achieved start rates, planned, started and dropped journeys, the requests in
flight by Little's law (TPS x service MTT), and both latency views: service time (from
when each request was sent) and user-seen time (from when its journey should have
started, coordinated omission corrected).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from capacity.arrival_stairs import ArrivalStairs
from reports.charts import pyplot, save, time_axis
from reports.open_steps import OpenSecond
from reports.steps import StepResult

ARRIVALS_PNG = "arrivals.png"


@dataclass(frozen=True)
class OpenRow:
    """One row of the report's open-workload table, as text cells."""

    step: int
    cells: tuple[str, ...]
    css: str


OPEN_HEADERS = (
    "offered journeys/s",
    "achieved journeys/s",
    "planned",
    "started",
    "dropped",
    "requests over the target (user-seen)",
    "requests in flight (TPS x MTT)",
    "service MTT / p95 / p99 ms",
    "user-seen MTT / p95 / p99 ms",
)


def open_rows(steps: Sequence[StepResult]) -> list[OpenRow]:
    """The table's rows, one per step of an open run (empty for a closed run)."""
    rows = []
    for step in steps:
        figures = step.open
        if figures is None:
            continue
        cells = (
            f"{figures.offered_rate:,.2f}",
            _number(figures.achieved_rate, 2),
            f"{figures.planned_starts:,}",
            f"{figures.started:,}",
            f"{figures.dropped:,}",
            "-" if figures.over_target is None else f"{figures.over_target:,}",
            _number(figures.busy_users, 2),
            " / ".join(
                _number(value, 1)
                for value in (
                    figures.service_mtt_ms,
                    figures.service_p95_ms,
                    figures.service_p99_ms,
                )
            ),
            " / ".join(_number(value, 1) for value in (step.mtt_ms, step.p95_ms, step.p99_ms)),
        )
        rows.append(OpenRow(step.step, cells, "bad" if figures.problem else ""))
    return rows


def arrivals_chart(
    run_dir: Path, schedule: ArrivalStairs, seconds: Mapping[int, OpenSecond], duration_s: float
) -> Path | None:
    """Draw arrivals.png into ``run_dir``: offered vs started per second, dropped as bars."""
    if not seconds:
        return None
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(11, 3.6), layout="constrained")
    whole = range(int(duration_s) + 1)
    offered = [schedule.planned_starts(second, second + 1) for second in whole]
    ax.step(list(whole), offered, where="post", color="#ff7f0e", label="offered (the plan's rate)")
    ordered = sorted(seconds)
    ax.plot(
        [second + 0.5 for second in ordered],
        [seconds[second].started for second in ordered],
        color="#1f77b4",
        marker=".",
        linewidth=1.2,
        label="started",
    )
    dropped = [(second, seconds[second].dropped) for second in ordered if seconds[second].dropped]
    if dropped:
        ax.bar(
            [second + 0.5 for second, _ in dropped],
            [count for _, count in dropped],
            width=0.8,
            color="#d62728",
            alpha=0.7,
            label="dropped (no free user)",
        )
    time_axis(ax, duration_s)
    ax.set_ylabel("journeys per second")
    ax.legend(loc="upper left", fontsize="small")
    ax.set_title("Arrivals: offered vs started journeys per second")
    return save(fig, run_dir / ARRIVALS_PNG)


def _number(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"

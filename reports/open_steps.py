"""The step table of an open run (``shape: arrivals``): schedule kept, both latency views.

An open run's ``run.json`` carries its schedule (``arrivals``: each step's rate and
planned journey starts); its ``intervals.csv`` Total rows carry, per second, the journeys
started and dropped and the user-seen times (``stairload.loadgen.arrival_counts``). Per
step this module adds:

- offered rate (the plan's journey starts over the window) and achieved rate (started);
- dropped journeys: due when every virtual user of the pool was busy;
- requests in flight by Little's law (TPS x service MTT);
- both latency views: the service time (what the request took once sent) and the
  user-seen time (from when its journey should have started: coordinated omission
  corrected). The step's ``mtt_ms`` and percentiles become the user-seen ones, so the
  verdict judges what users saw (``OPEN_NOTE`` says so); the service ones stay beside them.

A step that could not keep its schedule is invalid, like a step measured by a saturated
generator: more than ``DROPPED_LIMIT`` of its planned journeys dropped, or started journeys
off the plan by more than ``RATE_TOLERANCE`` (and by more than one per load-generator
process, the schedule's own exactness).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# a step with more than 1% of its planned journeys dropped, or started journeys off the plan
# by more than 2%, is invalid (the arrival fit's knee reads the same limits)
from capacity.arrival_fit import DROPPED_LIMIT, RATE_TOLERANCE
from capacity.arrival_stairs import SERVICE, USER_SEEN, ArrivalStairs, ArrivalStep
from reports.rundata import RunInfo
from reports.steps import StepResult
from reports.uncertainty import Interval, batch_means_interval
from reports.verdict import Check, Verdict, within_target
from stairload.rundir import INTERVALS_CSV
from stairload.rundir.intervals import IntervalRow, iter_intervals
from stairload.rundir.latency import REPORTED_PERCENTILES, LatencyHistogram

TPS_CHECK = "tps_at_stress_step"  # the closed model's target TPS: replaced in an open run
RATE_CHECK = "rate_at_stress_step"
OPEN_NOTE = (
    "Open run (journeys started on a schedule): MTT, percentiles and max are user-seen times, "
    "measured from when each journey should have started (coordinated omission corrected); "
    "the service times (from when each request was sent) are in the step table beside them."
)
SERVICE_NOTE = (
    "The verdict judges the service times (judge_latency: service): MTT from when each "
    "request was sent, which leaves out the time a journey waited past its scheduled start; "
    "the user-seen MTT of each step is in the step table."
)


@dataclass(frozen=True)
class OpenStep:
    """What an open run adds to one step (counts over the step's measurement window)."""

    offered_rate: float  # journeys/s the plan starts in the step
    planned_starts: int
    started: int
    dropped: int
    achieved_rate: float | None  # journeys/s started over the window
    busy_users: float | None  # requests in flight: TPS x service MTT (Little's law)
    service_mtt_ms: float | None
    service_p50_ms: float | None
    service_p95_ms: float | None
    service_p99_ms: float | None
    problem: str | None = None  # why the step did not keep its schedule
    over_target: int | None = None  # requests whose user-seen time was over the MTT target
    achieved_interval: Interval | None = None  # 95% interval of the achieved rate
    service_mtt_interval: Interval | None = None  # 95% interval of the service MTT


@dataclass
class OpenSecond:
    """One second of an open run, all processes merged."""

    started: int = 0
    dropped: int = 0
    corrected_ms: float = 0.0  # sum of user-seen times
    histogram: LatencyHistogram = dataclasses.field(default_factory=LatencyHistogram)


def schedule_of(record_extras: Mapping[str, Any]) -> ArrivalStairs | None:
    """The open run's schedule from run.json's ``arrivals`` object (None: a closed run)."""
    block = record_extras.get("arrivals")
    if not isinstance(block, dict):
        return None
    steps = tuple(
        ArrivalStep(int(step["step"]), float(step["rate"]), step["start_s"], step["end_s"])
        for step in block["steps"]
    )
    return ArrivalStairs(
        steps,
        float(block["step_rate"]),
        0.0,
        0.0,
        int(block["max_users"]),
        str(block["arrivals"]),
        int(block["seed"]),
        # runs recorded before the choice existed judged user-seen times
        SERVICE if block.get("judge_latency") == SERVICE else USER_SEEN,
    )


def read_open_seconds(run_dir: Path) -> dict[int, OpenSecond]:
    """Per second, the Total row's open-run counts and user-seen histogram."""
    return add_open_seconds({}, iter_intervals(run_dir / INTERVALS_CSV))


def add_open_seconds(
    seconds: dict[int, OpenSecond], rows: Iterable[IntervalRow]
) -> dict[int, OpenSecond]:
    """``seconds`` with the Total rows of ``rows`` added (the live page adds each second's)."""
    for row in rows:
        if not row.is_total:
            continue
        second = seconds.setdefault(row.time_s, OpenSecond())
        second.started += row.started or 0
        second.dropped += row.dropped or 0
        if row.corrected_histogram:
            histogram = LatencyHistogram.from_cell(row.corrected_histogram)
            second.histogram.add(histogram)
            second.corrected_ms += (row.corrected_mean_ms or 0.0) * histogram.count
    return seconds


def open_steps(
    steps: Sequence[StepResult],
    schedule: ArrivalStairs,
    seconds: Mapping[int, OpenSecond],
    processes: int,
    target_ms: float | None = None,
) -> tuple[StepResult, ...]:
    """The steps with their open-run figures, user-seen latency and schedule validity.

    With ``target_ms`` each step also counts its requests whose user-seen time was over
    it (to the HDR histogram's 0.1%): the requests a stall delayed past the target.
    """
    return tuple(_one(step, schedule, seconds, max(1, processes), target_ms) for step in steps)


def _one(
    step: StepResult,
    schedule: ArrivalStairs,
    seconds: Mapping[int, OpenSecond],
    processes: int,
    target_ms: float | None = None,
) -> StepResult:
    start, end = step.window_start_s, step.window_end_s
    inside = [
        seconds[second]
        for second in range(math.ceil(start - 1e-9), math.floor(end + 1e-9))
        if second in seconds and second + 1 <= end + 1e-9
    ]
    planned = schedule.planned_starts(start, end) if step.measured else 0
    started = sum(second.started for second in inside)
    dropped = sum(second.dropped for second in inside)
    window = step.seconds
    # per whole second of the window (a second without a row started nothing)
    per_second = [
        float(seconds[second].started) if second in seconds else 0.0
        for second in range(math.ceil(start - 1e-9), math.floor(end + 1e-9))
        if second + 1 <= end + 1e-9
    ]
    service = OpenStep(
        offered_rate=_rate_at(schedule, step.start_s),
        planned_starts=planned,
        started=started,
        dropped=dropped,
        achieved_rate=started / window if window else None,
        busy_users=step.tps * step.mtt_ms / 1000
        if step.tps is not None and step.mtt_ms is not None
        else None,
        service_mtt_ms=step.mtt_ms,
        service_p50_ms=step.p50_ms,
        service_p95_ms=step.p95_ms,
        service_p99_ms=step.p99_ms,
        problem=_problem(planned, started, dropped, processes, schedule.max_users)
        if step.measured
        else None,
        achieved_interval=batch_means_interval(per_second, [1.0] * len(per_second))
        if step.measured and per_second
        else None,
        service_mtt_interval=step.mtt_interval,
    )
    histogram = LatencyHistogram()
    for second in inside:
        histogram.add(second.histogram)
    count = histogram.count
    if target_ms is not None and step.measured:
        service = dataclasses.replace(service, over_target=histogram.count_above_ms(target_ms))
    changes: dict[str, Any] = {"open": service, "shortfall": service.problem}
    if count:
        corrected = [second.corrected_ms for second in inside]
        requests = [float(second.histogram.count) for second in inside]
        p50, p95, p99, p99_9 = histogram.values_at_ms(REPORTED_PERCENTILES)
        changes.update(
            mtt_ms=sum(corrected) / count,
            p50_ms=p50,
            p95_ms=p95,
            p99_ms=p99,
            p99_9_ms=p99_9,
            max_ms=histogram.value_at_ms(100.0),
            mtt_interval=batch_means_interval(corrected, requests),
        )
    return dataclasses.replace(step, **changes)


def open_summary(steps: Sequence[StepResult], run: RunInfo) -> dict[str, Any]:
    """summary.json's ``open`` object: the rates that answer an open run's question.

    ``max_rate_within_target``: the highest offered rate whose (valid) step was within the
    MTT and error-rate targets; ``first_rate_over_target``: the lowest whose valid step was
    not; ``first_schedule_missed``: the first step that could not keep its schedule. Each
    is a measured step's rate (no interpolation between steps), or None.
    """
    opened = [step for step in steps if step.open is not None]
    within = [step for step in opened if within_target(step, run)]
    over = [step for step in opened if step.valid and not within_target(step, run)]
    missed = [step for step in opened if step.open is not None and step.open.problem]

    def rate(step: StepResult | None) -> dict[str, Any] | None:
        if step is None or step.open is None:
            return None
        return {"step": step.step, "journeys_per_s": round(step.open.offered_rate, 6)}

    best = max(within, key=lambda step: step.open.offered_rate if step.open else 0.0, default=None)
    return {
        "max_rate_within_target": rate(best),
        "first_rate_over_target": rate(over[0] if over else None),
        "first_schedule_missed": {**(rate(missed[0]) or {}), "reason": missed[0].open.problem}
        if missed and missed[0].open is not None
        else None,
    }


def judged_view(steps: Sequence[StepResult], schedule: ArrivalStairs) -> tuple[StepResult, ...]:
    """The steps as the verdict judges them: user-seen times (the table's own), or with
    ``judge_latency: service`` each step's service MTT, percentiles and MTT interval."""
    if schedule.judge_latency != SERVICE:
        return tuple(steps)
    return tuple(
        dataclasses.replace(
            step,
            mtt_ms=step.open.service_mtt_ms,
            p50_ms=step.open.service_p50_ms,
            p95_ms=step.open.service_p95_ms,
            p99_ms=step.open.service_p99_ms,
            mtt_interval=step.open.service_mtt_interval,
        )
        if step.open is not None
        else step
        for step in steps
    )


def open_verdict(
    verdict: Verdict, steps: Sequence[StepResult], run: RunInfo, judged: str = USER_SEEN
) -> Verdict:
    """An open run's verdict: its steps are journey rates, not user counts.

    The users-based figures (max users within target, its range) would only repeat the
    pool's ceiling, so they are left out; a caveat says so and names the rates of
    ``open_summary`` instead. ``judged`` says which latency ``steps`` carry (``judged_view``).
    """
    figures = open_summary(steps, run)
    best, over, missed = (
        figures["max_rate_within_target"],
        figures["first_rate_over_target"],
        figures["first_schedule_missed"],
    )
    parts = [
        f"the highest offered rate within target was {best['journeys_per_s']:,.2f} "
        f"journeys/s (step {best['step']})"
        if best
        else "no step was within target"
    ]
    if over:
        parts.append(
            f"the first over it {over['journeys_per_s']:,.2f} journeys/s (step {over['step']})"
        )
    kept = (
        f" The schedule was first not kept at step {missed['step']} "
        f"({missed['journeys_per_s']:,.2f} journeys/s offered): {missed['reason']}."
        if missed
        else ""
    )
    service = f" {SERVICE_NOTE}" if judged == SERVICE else ""
    note = (
        f"{OPEN_NOTE}{service} Steps are journey rates, not user counts: 'max users within "
        f"target' is not given; {', '.join(parts)}.{kept}"
    )
    stress = steps[-1]
    checks = tuple(
        _rate_check(stress) if check.name == TPS_CHECK else check for check in verdict.checks
    )
    return dataclasses.replace(
        verdict,
        checks=checks,
        max_users_within_target=None,
        users_within=None,
        caveats=(note, *verdict.caveats),
    )


def _rate_check(stress: StepResult) -> Check:
    """An open run's informational row: journeys started per second vs the schedule's."""
    figures = stress.open
    offered = figures.offered_rate if figures is not None else None
    achieved = figures.achieved_rate if figures is not None else None
    return Check(
        RATE_CHECK,
        achieved,
        offered,
        figures is not None and achieved is not None and figures.problem is None,
        False,
        "informational: journeys started per second at the stress step vs the schedule",
        reference="plan",
        invalid_reason=figures.problem if figures is not None else None,
    )


def _rate_at(schedule: ArrivalStairs, elapsed_seconds: float) -> float:
    plateau = schedule.step_at(elapsed_seconds + 1e-9)
    return plateau.rate if plateau is not None else 0.0


def _problem(
    planned: int, started: int, dropped: int, processes: int, max_users: int
) -> str | None:
    """Why a step did not keep its schedule, or None when it did."""
    if not planned:
        return None
    if dropped > DROPPED_LIMIT * planned:
        why = (
            f"every one of the pool's {max_users:,} virtual users was busy"
            if max_users >= processes
            else f"the pool's {max_users:,} virtual users are fewer than the {processes} "
            "load-generator processes, so some processes had none"
        )
        return (
            f"{dropped:,} of {planned:,} planned journeys dropped ({dropped / planned:.1%}): {why}"
        )
    off = started - planned
    if abs(off) > RATE_TOLERANCE * planned and abs(off) > processes:
        return (
            f"{started:,} journeys started, the plan {planned:,} ({off / planned:+.1%}): the "
            "load generator could not keep the schedule"
        )
    return None

"""An open run's capacity: where throughput stops tracking the offered rate, and the offered
rate at which the mean response time reaches the target, each with its interval.

Pure: one ``RatePoint`` per measured step of an arrival stair in, an ``ArrivalFit`` out.
Every figure a point carries comes with its step's 95% interval (batch means,
``reports.uncertainty``); the answers are stated only as firmly as those intervals allow.

**The knee.** A step *fell behind* when more than ``DROPPED_LIMIT`` of its planned
journeys were dropped, or when its achieved start rate is below the offered rate by more
than ``RATE_TOLERANCE`` beyond its interval (the interval's high end under
``offered - tolerance``; the tolerance is at least one journey per load-generator process
over the step, the schedule's own exactness). Otherwise it *kept up*: its achieved rate is
consistent with the offered one. The knee lies between the last step that kept up before
the first step that fell behind and that step: "between R1 and R2 journeys/s"; "at or
below R" when the first step already fell behind; "not reached in this run (kept up to
R)" when none did. A step that keeps up again after the knee is named, not believed.

**The rate at the target.** Each step's MTT interval lies *above* the target (its low
end over it), *below* (its high end at or under it) or *straddles* it. A step that fell
behind served fewer journeys than offered and its MTT counts only those that started, so
it can show the target was passed but never that it was kept: it is above or, failing
that, unknown (treated as straddling). With the first step above the target:

- every step before it below: the rate is interpolated linearly in MTT between the last
  step below and the first above (the point from the MTTs; the 95% range from their
  intervals' high ends, which give the lower rate, and low ends, the higher rate);
- a step before it straddling: "undetermined between R1 and R2", R1 the last step below
  before the first straddling one, R2 the first step above;
- it is the first step: "below R" (already over the target there).

With no step above: "above R (not reached)" when every step was below (R the highest),
else "undetermined above R1" (some step straddles; "undetermined" alone when the first
does). Both latency views are read this way: user-seen (the verdict's) and service time.
The answer is trustworthy when at least ``MIN_STEPS`` rates were measured and the
user-seen crossing is settled (crossed, not reached, or over at the first step).

See docs/open-workload.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

DROPPED_LIMIT = 0.01  # more than 1% of a step's planned journeys dropped: it fell behind
RATE_TOLERANCE = 0.02  # achieved below offered by more than 2% beyond its interval: behind
MIN_STEPS = 2  # offered rates needed before a knee or a crossing means anything

ABOVE, BELOW, STRADDLES = "above", "below", "straddles"
CROSSED, NOT_REACHED, ALREADY_OVER, UNDETERMINED, NO_DATA = (
    "crossed",
    "not reached",
    "already over",
    "undetermined",
    "no data",
)


@dataclass(frozen=True)
class Measured:
    """A step's figure and its 95% interval (``low``/``high`` None: no interval)."""

    value: float
    low: float | None = None
    high: float | None = None

    @property
    def has_interval(self) -> bool:
        """Whether the interval exists."""
        return self.low is not None and self.high is not None

    def side_of(self, target: float) -> str:
        """ABOVE, BELOW or STRADDLES ``target`` (without an interval, the value decides)."""
        low = self.value if self.low is None else self.low
        high = self.value if self.high is None else self.high
        if low > target:
            return ABOVE
        if high <= target:
            return BELOW
        return STRADDLES


@dataclass(frozen=True)
class RatePoint:
    """One measured step of an arrival stair."""

    step: int
    offered_rate: float  # journeys/s the schedule started in the step
    achieved_rate: Measured  # journeys/s that started, over the step's window
    planned_starts: int
    dropped: int
    seconds: float  # the step's measured window
    user_seen_ms: Measured | None  # MTT from the journeys' intended starts
    service_ms: Measured | None  # MTT from when each request was sent
    processes: int = 1  # load-generator processes (the schedule is exact to one each)

    @property
    def tolerance_rate(self) -> float:
        """How far below offered the achieved rate may lie and still keep up."""
        exactness = self.processes / self.seconds if self.seconds > 0 else 0.0
        return max(RATE_TOLERANCE * self.offered_rate, exactness)

    @property
    def behind(self) -> str:
        """Why the step fell behind its schedule ("" when it kept up)."""
        if self.planned_starts and self.dropped > DROPPED_LIMIT * self.planned_starts:
            return (
                f"{self.dropped:,} of {self.planned_starts:,} journeys dropped "
                f"({self.dropped / self.planned_starts:.1%})"
            )
        achieved = self.achieved_rate
        high = achieved.value if achieved.high is None else achieved.high
        if high < self.offered_rate - self.tolerance_rate:
            where = "its 95% interval's high end " if achieved.has_interval else ""
            return (
                f"achieved {achieved.value:,.2f} journeys/s ({where}{high:,.2f}) of "
                f"{self.offered_rate:,.2f} offered"
            )
        return ""


@dataclass(frozen=True)
class Knee:
    """Where the achieved rate stops tracking the offered one."""

    last_kept: RatePoint | None  # the last step that kept up before the first behind
    first_behind: RatePoint | None
    highest_kept: RatePoint | None  # when not reached: the highest step that kept up
    notes: tuple[str, ...] = ()

    @property
    def reached(self) -> bool:
        """Whether some step fell behind."""
        return self.first_behind is not None

    @property
    def text(self) -> str:
        """The knee as the first lines state it."""
        if self.first_behind is not None:
            behind = self.first_behind
            if self.last_kept is None:
                return (
                    f"knee at or below {behind.offered_rate:,.2f} journeys/s (the first "
                    f"step already fell behind: {behind.behind})"
                )
            return (
                f"knee between {self.last_kept.offered_rate:,.2f} and "
                f"{behind.offered_rate:,.2f} journeys/s (step {behind.step}: {behind.behind})"
            )
        if self.highest_kept is None:
            return "knee: no step measured"
        return (
            f"knee not reached in this run (kept up to "
            f"{self.highest_kept.offered_rate:,.2f} journeys/s)"
        )

    def to_dict(self) -> dict[str, Any]:
        """summary.json's ``knee`` object."""
        return {
            "reached": self.reached,
            "last_kept_up": _rate(self.last_kept),
            "first_behind": _rate(self.first_behind),
            "first_behind_reason": self.first_behind.behind if self.first_behind else None,
            "kept_up_to": _rate(self.highest_kept),
            "text": self.text,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class RateAtTarget:
    """The offered rate at which one latency view's MTT reaches the target."""

    view: str  # "user-seen" or "service"
    target_ms: float
    state: str  # CROSSED, NOT_REACHED, ALREADY_OVER, UNDETERMINED or NO_DATA
    rate: float | None = None  # the interpolated rate (CROSSED)
    low: float | None = None  # its 95% range, or the range left undetermined
    high: float | None = None
    straddling: RatePoint | None = None  # the first step whose interval held the target
    notes: tuple[str, ...] = ()
    why: str = ""  # what left it undetermined

    @property
    def determined(self) -> bool:
        """Whether the run settles where the target is reached (or that it was not)."""
        return self.state in (CROSSED, NOT_REACHED, ALREADY_OVER)

    @property
    def text(self) -> str:
        """E.g. 'user-seen MTT reaches 500 ms at 19.61 journeys/s (95% CI 19.20 to 20.05)'."""
        head = f"{self.view} MTT reaches {self.target_ms:g} ms"
        if self.state == CROSSED:
            return (
                f"{head} at {self.rate:,.2f} journeys/s (95% CI {self.low:,.2f} to "
                f"{self.high:,.2f})"
            )
        if self.state == NOT_REACHED:
            return f"{head} above {self.low:,.2f} journeys/s (not reached)"
        if self.state == ALREADY_OVER:
            return f"{head} below {self.high:,.2f} journeys/s (over it at the first step)"
        if self.state == UNDETERMINED:
            if self.low is None and self.high is None:
                return f"{head}: undetermined (no step was confidently under or over it)"
            if self.high is None:
                return f"{head}: undetermined above {self.low:,.2f} journeys/s"
            if self.low is None:
                return f"{head}: undetermined below {self.high:,.2f} journeys/s"
            return f"{head}: undetermined between {self.low:,.2f} and {self.high:,.2f} journeys/s"
        return f"{head}: no step has an MTT"

    def to_dict(self) -> dict[str, Any]:
        """One view's object in summary.json's ``arrival_model``."""
        return {
            "state": self.state,
            "journeys_per_s": _round(self.rate),
            "low": _round(self.low),
            "high": _round(self.high),
            "straddling_step": None if self.straddling is None else self.straddling.step,
            "text": self.text,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class ArrivalFit:
    """An open run's capacity answer: the knee and the rates at the target."""

    points: tuple[RatePoint, ...]
    knee: Knee
    user_seen: RateAtTarget
    service: RateAtTarget
    excluded: tuple[str, ...] = field(default=())  # steps left out, with why

    @property
    def reason(self) -> str:
        """Why the answer is not firm ("" when it is)."""
        if len(self.points) < MIN_STEPS:
            return (
                f"{len(self.points)} offered rate measured; a knee and a crossing need at "
                f"least {MIN_STEPS}"
            )
        view = self.user_seen
        if view.state == NO_DATA:
            return f"no step has a {view.view} MTT"
        if not view.determined:
            return (
                f"where the {view.view} MTT reaches {view.target_ms:g} ms is not settled: "
                f"{view.why}"
            )
        return ""

    @property
    def trustworthy(self) -> bool:
        """At least ``MIN_STEPS`` rates measured and the user-seen crossing settled."""
        return not self.reason

    @property
    def text(self) -> str:
        """The knee and both views, as one line."""
        return f"{self.knee.text}; {self.user_seen.text}; {self.service.text}"

    def to_dict(self) -> dict[str, Any]:
        """summary.json's ``arrival_model`` object."""
        return {
            "trusted": self.trustworthy,
            "reason": self.reason,
            "steps": [point.step for point in self.points],
            "knee": self.knee.to_dict(),
            "user_seen_at_target": self.user_seen.to_dict(),
            "service_at_target": self.service.to_dict(),
            "excluded": list(self.excluded),
        }


def fit_arrivals(
    points: Sequence[RatePoint], target_ms: float, excluded: Sequence[str] = ()
) -> ArrivalFit:
    """The knee and the offered rates at ``target_ms`` (user-seen and service MTT)."""
    ordered = tuple(sorted(points, key=lambda point: (point.offered_rate, point.step)))
    return ArrivalFit(
        ordered,
        find_knee(ordered),
        rate_at_target(ordered, target_ms, "user-seen"),
        rate_at_target(ordered, target_ms, "service"),
        tuple(excluded),
    )


def find_knee(points: Sequence[RatePoint]) -> Knee:
    """The last step that kept up and the first that fell behind (points by offered rate)."""
    first = next((index for index, point in enumerate(points) if point.behind), None)
    kept = [point for point in points if not point.behind]
    if first is None:
        return Knee(None, None, kept[-1] if kept else None)
    again = [point for point in points[first + 1 :] if not point.behind]
    notes = tuple(
        f"step {point.step} ({point.offered_rate:,.2f} journeys/s) kept up again after the "
        "knee: a transient or noise; the knee is the first step that fell behind"
        for point in again
    )
    last = points[first - 1] if first else None
    return Knee(last, points[first], None, notes)


def rate_at_target(points: Sequence[RatePoint], target_ms: float, view: str) -> RateAtTarget:
    """Where ``view``'s MTT ("user-seen" or "service") reaches ``target_ms`` (see the module)."""
    series = [(point, _mtt(point, view)) for point in points]
    measured = [(point, mtt) for point, mtt in series if mtt is not None]
    if not measured:
        return RateAtTarget(view, target_ms, NO_DATA)
    sides = [_side(point, mtt, target_ms) for point, mtt in measured]
    notes = []
    first_above = next((index for index, side in enumerate(sides) if side == ABOVE), None)
    last = first_above if first_above is not None else len(measured)
    straddle = next((index for index in range(last) if sides[index] == STRADDLES), None)
    if first_above is not None:
        below_again = [
            point
            for index, (point, _) in enumerate(measured)
            if index > first_above and sides[index] == BELOW
        ]
        notes += [
            f"step {point.step} ({point.offered_rate:,.2f} journeys/s) was under the target "
            "again after the first step over it: a transient or noise"
            for point in below_again
        ]
    if straddle is not None:
        point = measured[straddle][0]
        why = _straddle_note(point, measured[straddle][1], target_ms)
        low = measured[straddle - 1][0].offered_rate if straddle else None
        high = measured[first_above][0].offered_rate if first_above is not None else None
        return RateAtTarget(
            view, target_ms, UNDETERMINED, None, low, high, point, (why, *notes), why
        )
    if first_above is None:
        return RateAtTarget(
            view, target_ms, NOT_REACHED, None, measured[-1][0].offered_rate, None, None,
            tuple(notes),
        )  # fmt: skip
    if first_above == 0:
        rate = measured[0][0].offered_rate
        return RateAtTarget(view, target_ms, ALREADY_OVER, None, None, rate, None, tuple(notes))
    (before, mtt_before), (after, mtt_after) = measured[first_above - 1], measured[first_above]
    rates = (before.offered_rate, after.offered_rate)
    estimate = _interpolate(rates, (mtt_before.value, mtt_after.value), target_ms)
    ends = (
        _interpolate(rates, (_high(mtt_before), _high(mtt_after)), target_ms),
        _interpolate(rates, (_low(mtt_before), _low(mtt_after)), target_ms),
    )
    if not (mtt_before.has_interval and mtt_after.has_interval):
        notes.append("a bracketing step has no MTT interval: the range uses its value alone")
    return RateAtTarget(
        view, target_ms, CROSSED, estimate, min(ends), max(ends), None, tuple(notes)
    )


def _mtt(point: RatePoint, view: str) -> Measured | None:
    return point.user_seen_ms if view == "user-seen" else point.service_ms


def _side(point: RatePoint, mtt: Measured, target_ms: float) -> str:
    """ABOVE, BELOW or STRADDLES; a step that fell behind is never BELOW (see the module)."""
    side = mtt.side_of(target_ms)
    return STRADDLES if side == BELOW and point.behind else side


def _straddle_note(point: RatePoint, mtt: Measured, target_ms: float) -> str:
    where = f"step {point.step} ({point.offered_rate:,.2f} journeys/s)"
    if point.behind and mtt.side_of(target_ms) == BELOW:
        return (
            f"{where} fell behind ({point.behind}): its MTT {mtt.value:,.1f} ms counts only "
            "the journeys that started, so it cannot show the target was kept"
        )
    interval = (
        f"{mtt.low:,.1f} to {mtt.high:,.1f} ms" if mtt.has_interval else f"{mtt.value:,.1f} ms"
    )
    return f"{where} has {target_ms:g} ms inside its MTT interval ({interval})"


def _interpolate(rates: tuple[float, float], mtts: tuple[float, float], target_ms: float) -> float:
    """The rate where the line through (rate, MTT) reaches ``target_ms``, within the pair."""
    (rate_0, rate_1), (mtt_0, mtt_1) = rates, mtts
    if mtt_1 <= mtt_0:
        return rate_1
    share = min(1.0, max(0.0, (target_ms - mtt_0) / (mtt_1 - mtt_0)))
    return rate_0 + share * (rate_1 - rate_0)


def _low(mtt: Measured) -> float:
    return mtt.value if mtt.low is None else mtt.low


def _high(mtt: Measured) -> float:
    return mtt.value if mtt.high is None else mtt.high


def _rate(point: RatePoint | None) -> dict[str, Any] | None:
    if point is None:
        return None
    return {"step": point.step, "journeys_per_s": round(point.offered_rate, 6)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)

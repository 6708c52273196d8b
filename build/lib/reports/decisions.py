"""Decisions read from the steps, stated only as firmly as the steps' 95% intervals allow.

- Max users within target: the last step before the first step that is over the target
  with confidence (its MTT interval entirely above the target, or its error rate over
  the threshold). When a step before that one has an MTT interval that straddles the
  target, the answer is a range: "undetermined between N and M users", N the users of
  the last step before the first straddling one, M those of the last step before the
  first confident breach.
- The knee: the first step whose TPS gained per added user is below half of the first
  step's TPS per user with confidence (the gain's interval entirely below that half);
  a step whose gain is below it only as a point estimate is "not distinguishable", and
  without a confident step the knee is "not found in this run".

See docs/capacity-model.md.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from reports.steps import StepResult
from reports.uncertainty import LEVEL

ABOVE, BELOW, STRADDLES = "above", "below", "straddles"


@dataclass(frozen=True)
class UsersWithinTarget:
    """Max users within target: ``users`` when determined, else ``low``..``high`` and why."""

    users: int | None
    low: int | None = None
    high: int | None = None
    note: str = ""

    @property
    def determined(self) -> bool:
        """Whether the answer is one number (or none at all), not a range."""
        return self.low is None and self.high is None

    def text(self) -> str:
        """'1,600', 'none' or 'undetermined between 1,300 and 1,600 users'."""
        if not self.determined:
            low = "0" if self.low is None else f"{self.low:,}"
            return f"undetermined between {low} and {self.high:,} users"
        return "none" if self.users is None else f"{self.users:,}"


@dataclass(frozen=True)
class Knee:
    """The knee step when found with confidence, and what the report says about it."""

    step: int | None
    note: str


def against_target(step: StepResult, mtt_ms: float, error_rate: float) -> str:
    """ABOVE (over with confidence), BELOW (within with confidence) or STRADDLES."""
    if step.mtt_ms is None or step.error_rate is None or step.error_rate > error_rate:
        return ABOVE
    interval = step.mtt_interval
    if interval is None:
        return ABOVE if step.mtt_ms > mtt_ms else BELOW
    if interval.above(mtt_ms):
        return ABOVE
    return BELOW if interval.below(mtt_ms) else STRADDLES


def users_within_target(
    steps: Sequence[StepResult], mtt_ms: float, error_rate: float
) -> UsersWithinTarget:
    """The max users within target over the valid ``steps`` (in order), as firm as allowed."""
    positions = [against_target(step, mtt_ms, error_rate) for step in steps]
    breach = positions.index(ABOVE) if ABOVE in positions else len(steps)
    before = steps[:breach]
    if not before:
        return UsersWithinTarget(None)
    if STRADDLES not in positions[:breach]:
        return UsersWithinTarget(before[-1].users)
    first = positions.index(STRADDLES)
    low = steps[first - 1].users if first > 0 else None
    straddling = steps[first]
    interval = straddling.mtt_interval
    seconds = None if interval is None else interval.seconds_to_settle(mtt_ms)
    settle = (
        f"; about {seconds:,} s of measurement per step (now {interval.seconds:,} s) would "
        "settle it"
        if seconds is not None and interval is not None
        else ""
    )
    note = (
        f"step {straddling.step} ({straddling.users:,} users): MTT {straddling.mtt_ms:,.1f} ms, "
        f"{LEVEL:.0%} CI {_interval_text(straddling)} ms straddles the {mtt_ms:g} ms target"
        f"{settle}"
    )
    return UsersWithinTarget(None, low, before[-1].users, note)


def knee_with_confidence(steps: Sequence[StepResult]) -> Knee:
    """The first step whose gain per added user is below half the first's, with confidence.

    The gain (TPS_j - TPS_{j-1}) / (users_j - users_{j-1}) has half-width
    sqrt(h_j^2 + h_{j-1}^2) / (users_j - users_{j-1}), h the TPS intervals' half-widths
    (independent steps); the knee needs the gain's upper end below the threshold.
    """
    usable = [step for step in steps if step.tps is not None and step.users > 0]
    if len(usable) < 2:
        return Knee(None, "not found in this run: fewer than 2 measured steps")
    first_gain = usable[0].tps / usable[0].users  # type: ignore[operator]
    threshold = first_gain / 2
    unsure: list[int] = []
    for previous, step in itertools.pairwise(usable):
        added = step.users - previous.users
        if added <= 0:
            continue
        gain = (step.tps - previous.tps) / added  # type: ignore[operator]
        half = math.hypot(_tps_half(step), _tps_half(previous)) / added
        if gain + half < threshold:
            note = f"step {step.step}: TPS gain per added user {gain:.3g} +/- {half:.2g}"
            if unsure:
                note += f" (before it, steps {_list(unsure)} were not distinguishable)"
            return Knee(step.step, note)
        if gain < threshold:
            unsure.append(step.step)
    if unsure:
        return Knee(
            None,
            f"not found in this run: the TPS gain per user falls below half of step "
            f"{usable[0].step}'s at steps {_list(unsure)} only as a point estimate; their "
            "TPS intervals overlap their neighbours', so it is not distinguishable from noise",
        )
    return Knee(None, "not found in this run: TPS still grows at every step")


def indistinguishable_pairs(steps: Sequence[StepResult], figure: str) -> list[tuple[int, int]]:
    """Neighbouring steps whose ``figure`` ("tps" or "mtt") intervals overlap.

    Their difference may be noise: the report says they are not distinguishable.
    """
    with_interval = [
        step
        for step in steps
        if (step.tps_interval if figure == "tps" else step.mtt_interval) is not None
    ]
    pairs = []
    for previous, step in itertools.pairwise(with_interval):
        first = previous.tps_interval if figure == "tps" else previous.mtt_interval
        second = step.tps_interval if figure == "tps" else step.mtt_interval
        if first is not None and second is not None and first.overlaps(second):
            pairs.append((previous.step, step.step))
    return pairs


def indistinguishable_text(steps: Sequence[StepResult]) -> str:
    """'TPS: steps 2 and 3, 5 and 6; MTT: steps 2 and 3', or 'none'."""
    parts = []
    for label, figure in (("TPS", "tps"), ("MTT", "mtt")):
        pairs = indistinguishable_pairs(steps, figure)
        if pairs:
            parts.append(f"{label}: steps " + ", ".join(f"{a} and {b}" for a, b in pairs))
    return "; ".join(parts) or "none"


def _tps_half(step: StepResult) -> float:
    interval = step.tps_interval
    if interval is None or interval.high is None or interval.low is None:
        return 0.0
    return (interval.high - interval.low) / 2.0


def _interval_text(step: StepResult) -> str:
    interval = step.mtt_interval
    return "n/a" if interval is None else interval.text(1)


def _list(numbers: Sequence[int]) -> str:
    return ", ".join(str(number) for number in numbers)

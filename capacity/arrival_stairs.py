"""The arrival stair (open workload, SPEC section 8): journeys started per second, step by step.

Timeline: step 1 starts journeys at ``start_rate`` per second for ``step_seconds``, each
next step ``step_rate`` faster, up to ``end_rate`` held ``hold_seconds``; then it stops.
There is no ramp: an open workload changes its rate at once.

The schedule is one global sequence of arrivals, the same in every load-generator
process: arrival ``k`` (0-based) is handed to process ``k mod count``. So each process
computes its own arrival times from its index and the process count alone, and the
number started by any moment is the plan's within one per process, with no drift:

- ``even``: arrival ``k`` at the moment the planned cumulative count reaches ``k``
  (``cumulative_starts(t) = k``), a whole-number target, not a per-second rounding;
- ``poisson``: each step's planned count of arrivals at seeded uniformly random moments
  of the step (a Poisson process conditioned on the step's count), so the totals per step
  stay exact while the gaps are exponential-like.

Scaling: ``users_scale`` multiplies every rate (the concurrency an open stair needs is
rate x journey time, so this shrinks it as the user stair's users shrink); ``time_scale``
multiplies every duration, not the rates.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

EVEN, POISSON = "even", "poisson"
ARRIVALS = (EVEN, POISSON)
# which latency an open run's verdict judges: from when each journey should have started
# (coordinated omission corrected, the default) or from when each request was sent
USER_SEEN, SERVICE = "user-seen", "service"
JUDGED_LATENCIES = (USER_SEEN, SERVICE)


@dataclass(frozen=True)
class ArrivalStep:
    """A plateau of ``rate`` journey starts per second from ``start_s`` to ``end_s``."""

    number: int
    rate: float
    start_s: float
    end_s: float


@dataclass(frozen=True)
class ArrivalStairs:
    """An open load shape as data: the rate steps, how arrivals are spaced, the pool ceiling."""

    steps: tuple[ArrivalStep, ...]
    step_rate: float
    step_seconds: float
    hold_seconds: float
    max_users: int
    arrivals: str = EVEN
    seed: int = 0
    judge_latency: str = USER_SEEN

    @property
    def total_seconds(self) -> float:
        """When the shape ends: the end of its last step."""
        return self.steps[-1].end_s

    @property
    def start_rate(self) -> float:
        """Journeys per second on the first step."""
        return self.steps[0].rate

    @property
    def end_rate(self) -> float:
        """Journeys per second on the last step."""
        return self.steps[-1].rate

    def cumulative_starts(self, elapsed_seconds: float) -> float:
        """Journeys the plan has started by ``elapsed_seconds`` (a real number)."""
        total = 0.0
        for step in self.steps:
            if elapsed_seconds <= step.start_s:
                break
            total += step.rate * (min(elapsed_seconds, step.end_s) - step.start_s)
        return total

    def planned_starts(self, start_s: float, end_s: float) -> int:
        """Whole journeys the plan starts in ``[start_s, end_s)``, summed over all processes.

        Exact for any window under ``even`` spacing, and for whole steps under ``poisson``.
        """
        return _whole(self.cumulative_starts(end_s)) - _whole(self.cumulative_starts(start_s))

    def step_at(self, elapsed_seconds: float) -> ArrivalStep | None:
        """The step running at ``elapsed_seconds``, or None once the shape is over."""
        for step in self.steps:
            if elapsed_seconds < step.end_s:
                return step
        return None


def build_arrival_stairs(
    *,
    start_rate: float,
    end_rate: float,
    step_rate: float,
    step_seconds: float,
    hold_seconds: float,
    max_users: int,
    arrivals: str = EVEN,
    seed: int = 0,
    time_scale: float = 1.0,
    users_scale: float = 1.0,
    judge_latency: str = USER_SEEN,
) -> ArrivalStairs:
    """The arrival stair from ``start_rate`` to ``end_rate`` journeys/s, scaled.

    Rates are multiplied by ``users_scale``, durations by ``time_scale``; ``max_users``
    (the pool ceiling) by ``users_scale``, at least 1. The last step is clipped to
    ``end_rate``. ValueError when a number is out of range (the callers check first).
    """
    if not (start_rate > 0 and end_rate >= start_rate and step_rate > 0):
        raise ValueError(
            f"rates must be > 0 with end >= start (got {start_rate:g}, {end_rate:g}, {step_rate:g})"
        )
    if arrivals not in ARRIVALS:
        raise ValueError(f"arrivals must be one of {', '.join(ARRIVALS)} (got {arrivals!r})")
    if judge_latency not in JUDGED_LATENCIES:
        raise ValueError(
            f"judge_latency must be one of {', '.join(JUDGED_LATENCIES)} (got {judge_latency!r})"
        )
    start, end, increment = (
        _tidy(rate * users_scale) for rate in (start_rate, end_rate, step_rate)
    )
    rates = [start]
    while rates[-1] < end - 1e-9:
        rates.append(_tidy(min(end, rates[-1] + increment)))
    plateau, hold = step_seconds * time_scale, hold_seconds * time_scale
    steps, clock = [], 0.0
    for index, rate in enumerate(rates):
        length = hold if index == len(rates) - 1 else plateau
        steps.append(ArrivalStep(index + 1, rate, _tidy(clock), _tidy(clock + length)))
        clock += length
    return ArrivalStairs(
        tuple(steps),
        increment,
        _tidy(plateau),
        _tidy(hold),
        max(1, round(max_users * users_scale)),
        arrivals,
        seed,
        judge_latency,
    )


def process_arrivals(stairs: ArrivalStairs, index: int, count: int) -> Iterator[float]:
    """The intended start times (seconds since the run started) of process ``index`` of ``count``.

    Global arrival ``k`` goes to process ``k mod count``; times increase.
    """
    if not 0 <= index < count:
        raise ValueError(f"process index must be in [0, {count}) (got {index})")
    arrivals = _poisson_arrivals(stairs) if stairs.arrivals == POISSON else _even_arrivals(stairs)
    for k, moment in enumerate(arrivals):
        if k % count == index:
            yield moment


def process_ceiling(max_users: int, index: int, count: int) -> int:
    """Process ``index``'s share of the pool's ceiling: ``max_users`` split in whole users."""
    return max_users // count + (1 if index < max_users % count else 0)


def _even_arrivals(stairs: ArrivalStairs) -> Iterator[float]:
    """Arrival k at the moment the cumulative planned count reaches k."""
    k, done = 0, 0.0  # done: cumulative starts at the current step's start
    for step in stairs.steps:
        reached = done + step.rate * (step.end_s - step.start_s)
        while k < _whole(reached):
            yield step.start_s + max(0.0, k - done) / step.rate
            k += 1
        done = reached


def _poisson_arrivals(stairs: ArrivalStairs) -> Iterator[float]:
    """Each step's planned count at seeded uniform moments of the step, sorted."""
    for step in stairs.steps:
        count = stairs.planned_starts(step.start_s, step.end_s)
        rng = random.Random(f"{stairs.seed}:{step.number}")
        length = step.end_s - step.start_s
        yield from sorted(step.start_s + rng.random() * length for _ in range(count))


def _whole(cumulative: float) -> int:
    """Arrivals 0..n-1 happen at cumulative counts 0..n-1: n = ceil(cumulative), fuzz-free."""
    return math.ceil(round(cumulative, 9))


def _tidy(value: float) -> float:
    return round(value, 9)

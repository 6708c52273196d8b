"""The load generator's own load, per step: was it saturated, and what did it cost?

A Locust process is one Python thread: above ``cpu_limit_percent`` of a core it delays
its own users and its clocks, so the response times and TPS it reports describe itself,
not the target. The same holds, before the CPU shows it, when its event loop wakes
greenlets late: a response then waits in the loop before its time is taken. Each process
samples its CPU, memory and loop lag (the 99th percentile of how late a 10 ms sleep woke)
once a second (run.json's ``load_generator.seconds`` and ``loop_lag``); a step is
saturated when, in more than ``SATURATED_SHARE`` of its measured seconds, any process was
above the CPU limit, and its loop lagged when, in as many, some process's loop-lag p99 was
above ``LOOP_LAG_LIMIT_MS``. A saturated step is invalid; a lagging one is kept, with a
caveat that gives the lag, unless its MTT is over the target by less than the lag
(``reports.generator_lag``). The lag only lengthens the times reported, so it cannot
undo a step within the target; invalidating every lagging step would leave no step to
read on a busy 2-core machine, where the generator's loop lags at any load.
Runs recorded before the per-second samples existed only have the crossings above the
limit (``cpu_warnings``); a step with such a crossing is then taken as saturated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SATURATED_SHARE = 0.10  # more than 10% of a step's seconds above the limit: saturated
LOOP_LAG_LIMIT_MS = 5.0  # a second whose loop-lag p99 is above this queues every response
MASTER = "master"  # load_generator's name of a distributed run's master process


@dataclass(frozen=True)
class GeneratorSecond:
    """One process's sample for the second ending at ``time_s`` (seconds since the start)."""

    time_s: float
    cpu_percent: float
    rss_mb: float | None
    loop_lag_ms: float | None = None  # the second's loop-lag p99; None in older runs
    loop_lag_mean_ms: float | None = None  # the second's mean loop lag


@dataclass(frozen=True)
class ProcessLoad:
    """One process over one window: mean and peak CPU (% of one core), peak memory."""

    process: str
    seconds: int
    mean_cpu_percent: float
    peak_cpu_percent: float
    peak_rss_mb: float | None
    loop_lag_ms: float | None = None  # the median of its seconds' loop-lag p99
    lag_seconds: int = 0  # seconds whose loop-lag p99 was above LOOP_LAG_LIMIT_MS
    loop_lag_mean_ms: float | None = None  # the mean of its seconds' mean loop lag


@dataclass(frozen=True)
class GeneratorLoad:
    """All processes over one step's window, and whether they were saturated."""

    seconds: int
    hot_seconds: int  # seconds in which some process was above the CPU limit
    cpu_seconds: float
    processes: tuple[ProcessLoad, ...]
    warned: bool
    lag_seconds: int = 0  # seconds in which some process's loop-lag p99 was above the limit

    @property
    def hot_share(self) -> float | None:
        """Share of the window's seconds in which some process was above the limit."""
        return self.hot_seconds / self.seconds if self.seconds else None

    @property
    def lagging(self) -> bool:
        """Some process's loop lagged beyond LOOP_LAG_LIMIT_MS in more than SATURATED_SHARE."""
        return self.lag_seconds > SATURATED_SHARE * self.seconds if self.seconds else False

    @property
    def loop_lag_ms(self) -> float | None:
        """The laggiest user-running process's median per-second loop-lag p99 (None: none)."""
        lags = [p.loop_lag_ms for p in self._running_users if p.loop_lag_ms is not None]
        return max(lags) if lags else None

    @property
    def loop_lag_mean_ms(self) -> float | None:
        """The highest mean loop lag of a user-running process over the window."""
        lags = [p.loop_lag_mean_ms for p in self._running_users if p.loop_lag_mean_ms is not None]
        return max(lags) if lags else None

    @property
    def _running_users(self) -> tuple[ProcessLoad, ...]:
        """A distributed run's master runs no users: its loop delays no response time."""
        return tuple(p for p in self.processes if p.process != MASTER)

    @property
    def saturated(self) -> bool:
        """Above the limit for more than SATURATED_SHARE of the seconds (or warned, unsampled)."""
        if not self.seconds:
            return self.warned
        return self.hot_seconds > SATURATED_SHARE * self.seconds


def window_load(
    samples: Mapping[str, Sequence[GeneratorSecond]],
    start_s: float,
    end_s: float,
    cpu_limit_percent: float,
    warning_times: Sequence[float] = (),
) -> GeneratorLoad:
    """The generator's load in the seconds ending in (start_s, end_s]."""
    hot: set[int] = set()
    lagging: set[int] = set()
    sampled: set[int] = set()
    processes = []
    cpu_seconds = 0.0
    for name, seconds in samples.items():
        inside = [s for s in seconds if start_s < s.time_s <= end_s + 1e-9]
        if not inside:
            continue
        sampled.update(math.ceil(s.time_s - 1e-9) for s in inside)
        hot.update(math.ceil(s.time_s - 1e-9) for s in inside if s.cpu_percent > cpu_limit_percent)
        slow = {math.ceil(s.time_s - 1e-9) for s in inside if _lagging(s)}
        if name != MASTER:
            lagging |= slow
        cpu_seconds += sum(s.cpu_percent for s in inside) / 100.0
        memory = [s.rss_mb for s in inside if s.rss_mb is not None]
        lags = sorted(s.loop_lag_ms for s in inside if s.loop_lag_ms is not None)
        means = [s.loop_lag_mean_ms for s in inside if s.loop_lag_mean_ms is not None]
        processes.append(
            ProcessLoad(
                process=name,
                seconds=len(inside),
                mean_cpu_percent=sum(s.cpu_percent for s in inside) / len(inside),
                peak_cpu_percent=max(s.cpu_percent for s in inside),
                peak_rss_mb=max(memory) if memory else None,
                loop_lag_ms=lags[(len(lags) - 1) // 2] if lags else None,
                lag_seconds=len(slow),
                loop_lag_mean_ms=sum(means) / len(means) if means else None,
            )
        )
    warned = any(start_s <= time_s < end_s for time_s in warning_times)
    return GeneratorLoad(
        len(sampled), len(hot), cpu_seconds, tuple(processes), warned, len(lagging)
    )


def _lagging(second: GeneratorSecond) -> bool:
    return second.loop_lag_ms is not None and second.loop_lag_ms > LOOP_LAG_LIMIT_MS


@dataclass(frozen=True)
class Capacity:
    """What the generator managed, and what the plan would need."""

    requests_per_cpu_second: float
    cores_needed: float
    processes_needed: int
    users_per_process: int
    tps: float = 0.0  # the TPS the cores are counted for
    measured: bool = False  # True: the steps sent more than the plan's TPS, so that is used


def capacity_needed(
    requests: int,
    cpu_seconds: float,
    planned_tps: float,
    planned_users: int,
    cpu_limit_percent: float,
    measured_tps: float = 0.0,
) -> Capacity | None:
    """From requests per generator CPU-second, the cores and processes the load needs.

    The load is the plan's TPS, or the TPS the steps measured when that is higher (users
    with no think time send as fast as the target answers, whatever the plan says). One
    Locust process uses at most one core, and should stay under the limit, so the
    processes needed are the cores needed divided by (limit / 100), rounded up.
    """
    tps = max(planned_tps, measured_tps)
    if requests <= 0 or cpu_seconds <= 0 or tps <= 0:
        return None
    rate = requests / cpu_seconds
    cores = tps / rate
    processes = max(1, math.ceil(cores / (cpu_limit_percent / 100.0)))
    users = math.ceil(planned_users / processes)
    return Capacity(rate, cores, processes, users, tps, measured_tps > planned_tps)

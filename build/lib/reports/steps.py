"""The per-step table: each plateau's TPS, MTT, percentiles and errors, ramp excluded.

Step percentiles come from intervals.csv's per-second microsecond histograms: the step's
p50/p95/p99/p99.9 are the HDR values at percentile of the merged histograms of its
seconds, the one definition shared with the alarms and the per-second rows
(``LatencyHistogram.value_at_ms``); its max is the largest exact per-second max. A
schema-1 run's histograms are Locust-rounded ms, and the method says so. Runs without
histograms (the oldest runs) get an approximation: each second modelled as a
piecewise-linear distribution through its (min, p50, p95, p99, max), the step's
percentile taken from the request-weighted mixture of those seconds. A plain Locust run
(its history CSV) has no per-step percentiles at all.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reports.generator import GeneratorLoad, GeneratorSecond, window_load
from reports.rundata import CpuWarning
from reports.uncertainty import Interval, batch_means_interval
from stairload.rundir import PlannedStep
from stairload.rundir.latency import REPORTED_PERCENTILES

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from reports.open_steps import OpenStep
    from stairload.rundir.latency import LatencyHistogram

COMPLETE, PARTIAL, RAMP_ONLY, NOT_REACHED = "complete", "partial", "ramp only", "not reached"
HISTOGRAM_METHOD = (
    "HDR value at percentile of the merged microsecond histograms of the seconds in the "
    "step (nearest rank; the top of its 3-significant-digit bucket, < 0.1% above the time)"
)
LEGACY_HISTOGRAM_METHOD = (
    "HDR value at percentile of the merged histograms of the seconds in the step, from the "
    "Locust-rounded response times of a schema-1 run (whole ms below 100 ms, then 2 "
    "significant digits)"
)
MIXTURE_METHOD = (
    "percentile of the request-weighted mixture of per-interval distributions, each "
    "piecewise-linear through its min, p50, p95, p99 and max (an approximation: the data "
    "has no per-second histograms)"
)
NO_PERCENTILES = "none (the data has no per-interval percentiles)"
USERS_SHORTFALL = 0.05  # a step whose median users fall short of the plan by more is invalid
USERS_STOPPED = "users stopped before the step ended (see locust.log)"
_KNOTS = (("min_ms", 0.0), ("p50_ms", 0.50), ("p95_ms", 0.95), ("p99_ms", 0.99), ("max_ms", 1.0))


@dataclass(frozen=True)
class StepResult:
    """One row of the step table; measured fields are None when the step has no data."""

    step: int
    users: int
    start_s: float
    end_s: float
    window_start_s: float
    window_end_s: float
    status: str
    seconds: float
    requests: int
    failures: int
    actual_users: float | None
    tps: float | None
    mtt_ms: float | None
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    error_rate: float | None
    cpu_warning: bool
    generator: GeneratorLoad | None = None
    cpu_percent: float | None = None  # mean CPU of the service under test, % of one core
    percentile_method: str | None = None  # HISTOGRAM_METHOD or MIXTURE_METHOD, as computed
    faults: int = 0  # requests the generator could not send in the window (not failures)
    shortfall: str | None = None  # why the plan's users did not run, when they did not
    tps_interval: Interval | None = None  # 95% confidence interval (batch means)
    mtt_interval: Interval | None = None  # 95% confidence interval (batch means, ratio)
    lag_reason: str | None = None  # over target by less than the generator's lag (generator_lag)
    p99_9_ms: float | None = None  # only from histograms (the mixture has no knot for it)
    max_ms: float | None = None  # the largest exact per-second max in the window
    open: OpenStep | None = None  # an open run's schedule and service times (reports.open_steps)

    @property
    def label(self) -> str:
        """How the step is named in sentences: its users, or an open step's journey rate."""
        if self.open is not None:
            return f"{self.open.offered_rate:,.2f} journeys/s"
        return f"{self.users:,} users"

    @property
    def tps_ci_low(self) -> float | None:
        """Low end of the TPS's 95% interval (None: not computable)."""
        return None if self.tps_interval is None else self.tps_interval.low

    @property
    def tps_ci_high(self) -> float | None:
        """High end of the TPS's 95% interval."""
        return None if self.tps_interval is None else self.tps_interval.high

    @property
    def mtt_ci_low_ms(self) -> float | None:
        """Low end of the MTT's 95% interval."""
        return None if self.mtt_interval is None else self.mtt_interval.low

    @property
    def mtt_ci_high_ms(self) -> float | None:
        """High end of the MTT's 95% interval."""
        return None if self.mtt_interval is None else self.mtt_interval.high

    @property
    def interval_note(self) -> str:
        """Why an interval is missing or widened ("" when both are plain)."""
        notes = [
            f"{label}: {interval.note}"
            for label, interval in (("TPS", self.tps_interval), ("MTT", self.mtt_interval))
            if interval is not None and interval.note
        ]
        return "; ".join(dict.fromkeys(notes))

    @property
    def measured(self) -> bool:
        """Whether the step has a measurement window with data."""
        return self.status in (COMPLETE, PARTIAL)

    @property
    def saturated(self) -> bool:
        """Whether the load generator was saturated during the step's window."""
        return self.generator is not None and self.generator.saturated

    @property
    def valid(self) -> bool:
        """Measured with the plan's users, by a generator that was not saturated."""
        return (
            self.measured
            and self.shortfall is None
            and not self.saturated
            and self.lag_reason is None
        )

    @property
    def invalid_reason(self) -> str | None:
        """Why a measured step's figures are not the plan's, or None when they are."""
        if not self.measured or self.valid:
            return None
        return self.shortfall or self.saturation_reason or self.lag_reason

    @property
    def saturation_reason(self) -> str | None:
        """How long the saturated generator was above its CPU limit, or None."""
        load = self.generator
        if not self.measured or load is None or not load.saturated:
            return None
        if not load.seconds:
            return "load generator CPU above its limit (no per-second samples to say how long)"
        hottest = max(load.processes, key=lambda p: p.peak_cpu_percent)
        return (
            f"load generator above its CPU limit in {load.hot_seconds} of {load.seconds} s "
            f"({100 * (load.hot_share or 0):.0f}%; {hottest.process} peaked at "
            f"{hottest.peak_cpu_percent:.0f}%)"
        )

    @property
    def generator_loop_lag_ms(self) -> float | None:
        """The laggiest Locust process's median per-second loop-lag p99 over the window."""
        return None if self.generator is None else self.generator.loop_lag_ms

    @property
    def tps_per_user(self) -> float | None:
        """Completed requests per second per planned user."""
        return None if self.tps is None or not self.users else self.tps / self.users


def step_results(
    steps: Sequence[PlannedStep],
    totals: pd.DataFrame,
    exclude_seconds: float = 0.0,
    cpu_warnings: Sequence[CpuWarning] = (),
    generator_seconds: Mapping[str, Sequence[GeneratorSecond]] | None = None,
    cpu_limit_percent: float = 90.0,
    histograms: Sequence[LatencyHistogram] | None = None,
    shortfall_cause: str = USERS_STOPPED,
    legacy_histograms: bool = False,
) -> list[StepResult]:
    """One StepResult per planned step, measured from ramp_end_s + exclude_seconds to end_s.

    Each step also carries its load generator's load over the same window, from which
    its validity follows (see ``reports.generator``). With ``histograms`` (one merged
    histogram per step's window, see ``measurement_windows``), the step's percentiles are
    the merged histogram's values at percentile, the same definition as an alarm period's
    p95 (``legacy_histograms``: they are a schema-1 run's Locust-rounded ones, and the
    method says so); without, they are approximated from the per-second percentiles.
    A measured step whose median users over its window fall short of the plan by more
    than ``USERS_SHORTFALL`` did not run the plan: it is invalid, ``shortfall_cause`` says
    why (rows of a data file exhausted, a worker lost, users that stopped).
    """
    last_s = float((totals["time_s"] + totals["duration_s"]).max()) if len(totals) else -math.inf
    results = []
    for index, step in enumerate(steps):
        result = _one_step(step, totals, exclude_seconds, last_s, cpu_warnings, shortfall_cause)
        histogram = histograms[index] if histograms is not None else None
        if result.requests and histogram is not None and histogram.count:
            p50, p95, p99, p99_9 = histogram.values_at_ms(REPORTED_PERCENTILES)
            result = dataclasses.replace(
                result,
                p50_ms=p50,
                p95_ms=p95,
                p99_ms=p99,
                p99_9_ms=p99_9,
                percentile_method=LEGACY_HISTOGRAM_METHOD
                if legacy_histograms
                else HISTOGRAM_METHOD,
            )
        if result.measured:
            load = window_load(
                generator_seconds or {},
                result.window_start_s,
                result.window_end_s,
                cpu_limit_percent,
                [w.time_s for w in cpu_warnings],
            )
            if not load.seconds:  # no samples: the crossings over the whole step decide
                load = window_load(
                    {},
                    step.start_s,
                    step.end_s,
                    cpu_limit_percent,
                    [w.time_s for w in cpu_warnings],
                )
            result = dataclasses.replace(result, generator=load)
        results.append(result)
    return results


def measurement_windows(
    steps: Sequence[PlannedStep], exclude_seconds: float = 0.0
) -> list[tuple[float, float]]:
    """Each step's measurement window (start, end): its plateau after the ramp."""
    return [(min(step.ramp_end_s + exclude_seconds, step.end_s), step.end_s) for step in steps]


def _one_step(
    step: PlannedStep,
    totals: pd.DataFrame,
    exclude_seconds: float,
    last_s: float,
    cpu_warnings: Sequence[CpuWarning],
    shortfall_cause: str = USERS_STOPPED,
) -> StepResult:
    window_start = measurement_windows([step], exclude_seconds)[0][0]
    ends = totals["time_s"] + totals["duration_s"]
    rows = totals[(totals["time_s"] >= window_start - 1e-9) & (ends <= step.end_s + 1e-9)]
    if last_s <= step.start_s:
        status = NOT_REACHED
    elif rows.empty:
        status = RAMP_ONLY
    else:
        status = COMPLETE if last_s >= step.end_s - 1e-9 else PARTIAL
    warned = any(step.start_s <= warning.time_s < step.end_s for warning in cpu_warnings)
    seconds = float(rows["duration_s"].sum())
    requests = int(rows["requests"].sum())
    failures = int(rows["failures"].sum())
    measured = status in (COMPLETE, PARTIAL)
    served = rows[rows["requests"] > 0]
    shortfall = None
    if measured and step.users > 0:
        held = float(rows["users"].median())
        if held < (1 - USERS_SHORTFALL) * step.users:
            shortfall = (
                f"{held:,.0f} of the planned {step.users:,} users ran (median over the step; "
                f"{shortfall_cause})"
            )
    return StepResult(
        step=step.step,
        users=step.users,
        start_s=step.start_s,
        end_s=step.end_s,
        window_start_s=window_start,
        window_end_s=float(ends[rows.index].max()) if measured else step.end_s,
        status=status,
        seconds=seconds,
        requests=requests,
        failures=failures,
        actual_users=float(rows["users"].mean()) if measured else None,
        tps=requests / seconds if measured and seconds else None,
        mtt_ms=_weighted_mean(served) if requests else None,
        p50_ms=mixture_quantile(served, 0.50) if requests else None,
        p95_ms=mixture_quantile(served, 0.95) if requests else None,
        p99_ms=mixture_quantile(served, 0.99) if requests else None,
        error_rate=failures / requests if requests else None,
        cpu_warning=warned,
        percentile_method=MIXTURE_METHOD if requests and not served.empty else None,
        faults=int(rows["faults"].sum()) if "faults" in rows else 0,
        shortfall=shortfall,
        tps_interval=_tps_interval(rows) if measured and seconds else None,
        mtt_interval=_mtt_interval(rows) if requests else None,
        max_ms=_largest(served["max_ms"]) if requests and "max_ms" in served else None,
    )


def percentile_method(steps: Sequence[StepResult]) -> str:
    """The method the steps' percentiles were computed by, as the report states it."""
    methods: dict[str, list[int]] = {}
    for step in steps:
        if step.percentile_method is not None and step.p50_ms is not None:
            methods.setdefault(step.percentile_method, []).append(step.step)
    if not methods:
        return NO_PERCENTILES
    if len(methods) == 1:
        return next(iter(methods))
    return "; ".join(
        f"steps {', '.join(str(n) for n in numbers)}: {method}"
        for method, numbers in methods.items()
    )


def _tps_interval(rows: pd.DataFrame) -> Interval:
    """TPS = requests / seconds over the window's seconds, in time order (batch means)."""
    ordered = rows.sort_values("time_s")
    return batch_means_interval(ordered["requests"].to_numpy(), ordered["duration_s"].to_numpy())


def _mtt_interval(rows: pd.DataFrame) -> Interval:
    """MTT = sum of response time / requests: a ratio estimator over batches of seconds."""
    ordered = rows.sort_values("time_s")
    requests = ordered["requests"].to_numpy(dtype=float)
    time_ms = (ordered["mean_ms"].fillna(0.0) * ordered["requests"]).to_numpy(dtype=float)
    return batch_means_interval(time_ms, requests)


def _largest(values: pd.Series) -> float | None:
    """The largest known value (None: none known, as in Locust's history)."""
    largest = values.max()
    return None if largest != largest else float(largest)  # NaN: all blank


def _weighted_mean(rows: pd.DataFrame) -> float:
    return float((rows["mean_ms"] * rows["requests"]).sum() / rows["requests"].sum())


def mixture_quantile(rows: pd.DataFrame, q: float) -> float | None:
    """The q-quantile of the request-weighted mixture of per-interval distributions.

    Returns None when the rows carry no percentiles (Locust's history fallback).
    """
    import numpy as np

    knots = rows[[column for column, _ in _KNOTS]].to_numpy(dtype=float)
    weights = rows["requests"].to_numpy(dtype=float)
    usable = ~np.isnan(knots).any(axis=1) & (weights > 0)
    if not usable.any():
        return None
    knots = np.maximum.accumulate(knots[usable], axis=1)
    weights = weights[usable] / weights[usable].sum()
    low, high = float(knots[:, 0].min()), float(knots[:, -1].max())
    for _ in range(60):
        middle = (low + high) / 2.0
        if _mixture_cdf(knots, weights, middle) < q:
            low = middle
        else:
            high = middle
    return high


def _mixture_cdf(knots: np.ndarray, weights: np.ndarray, value: float) -> float:
    import numpy as np

    levels = np.array([level for _, level in _KNOTS])
    cdf = np.zeros(len(knots))
    for left in range(len(levels) - 1):
        lo, hi = knots[:, left], knots[:, left + 1]
        width = np.where(hi > lo, hi - lo, 1.0)
        share = np.clip((value - lo) / width, 0.0, 1.0)
        share = np.where(hi > lo, share, (value >= hi).astype(float))
        inside = value >= lo
        part = levels[left] + share * (levels[left + 1] - levels[left])
        cdf = np.where(inside, part, cdf)
    return float((cdf * weights).sum())


def with_target_cpu(
    steps: Sequence[StepResult], samples: Mapping[int, float], started_epoch: float | None
) -> tuple[StepResult, ...]:
    """The steps with the mean CPU of the service under test over each measurement window.

    ``samples`` is ``target_cpu.csv`` ({unix second: % of one core}); a window covers the
    unix seconds from ``started_epoch + window_start_s`` up to ``started_epoch + window_end_s``.
    """
    if not samples or started_epoch is None:
        return tuple(steps)
    from stairload.targetcpu.window import mean_cpu

    return tuple(
        dataclasses.replace(
            step,
            cpu_percent=mean_cpu(
                samples, started_epoch + step.window_start_s, started_epoch + step.window_end_s
            )
            if step.measured
            else None,
        )
        for step in steps
    )

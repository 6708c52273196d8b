"""Per-second samples folded into one datapoint per metric per period.

A sample covers the second ``[time_s, time_s + 1)``; period ``k`` of length P covers
``[k * P, (k + 1) * P)`` and is closed by the first sample of a later period. Per metric:

- ``mtt_ms``: request-weighted mean of the per-second means (= the period's mean);
- ``p95_ms``: the p95 of the period's merged per-second microsecond histograms, the
  same definition as the report's step p95 (``LatencyHistogram.value_at_ms``, HDR's value
  at percentile); for samples without histograms (older runs), the largest per-second p95;
- ``tps``: mean of the per-second TPS over the seconds observed;
- ``error_rate``: failures / requests over the period;
- ``users``: the last known value;
- ``target_cpu_percent``: mean of the known values.

A metric with nothing to average (no request completed, value unknown) is missing
(``None``); a period with no sample at all has every metric missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stairload.alarms.config import Metric
from stairload.rundir.latency import LatencyHistogram

_MAX_SKIPPED_PERIODS = 10_000  # a clock jump yields at most this many empty periods


@dataclass(frozen=True)
class Period:
    """One closed period and its datapoint for each metric."""

    index: int
    start_s: float
    end_s: float
    values: Mapping[Metric, float | None]


@dataclass
class _Sums:
    samples: int = 0
    requests: float = 0.0
    failures: float = 0.0
    mtt_weighted: float = 0.0
    mtt_requests: float = 0.0
    p95_max: float | None = None
    histogram: LatencyHistogram | None = None
    without_histogram: bool = False
    tps_sum: float = 0.0
    tps_count: int = 0
    users_last: float | None = None
    cpu: list[float] = field(default_factory=list)

    def add(self, sample: Mapping[str, Any]) -> None:
        self.samples += 1
        requests = sample.get("requests") or 0.0
        self.requests += requests
        self.failures += sample.get("failures") or 0.0
        mtt = sample.get("mtt_ms")
        if mtt is not None and requests > 0:
            self.mtt_weighted += mtt * requests
            self.mtt_requests += requests
        p95 = sample.get("p95_ms")
        if p95 is not None:
            self.p95_max = p95 if self.p95_max is None else max(self.p95_max, p95)
        histogram: LatencyHistogram | None = sample.get("histogram")
        if histogram is not None and histogram.count:
            if self.histogram is None:
                self.histogram = LatencyHistogram()
            self.histogram.add(histogram)
        elif p95 is not None:
            self.without_histogram = True
        tps = sample.get("tps")
        tps = requests if tps is None else tps
        self.tps_sum += tps
        self.tps_count += 1
        users = sample.get("users")
        if users is not None:
            self.users_last = users
        cpu = sample.get("target_cpu_percent")
        if cpu is not None:
            self.cpu.append(cpu)

    def values(self) -> dict[Metric, float | None]:
        if self.samples == 0:
            return dict.fromkeys(Metric)
        return {
            Metric.MTT_MS: self.mtt_weighted / self.mtt_requests if self.mtt_requests else None,
            Metric.P95_MS: self._p95(),
            Metric.TPS: self.tps_sum / self.tps_count,
            Metric.ERROR_RATE: self.failures / self.requests if self.requests else None,
            Metric.USERS: self.users_last,
            Metric.TARGET_CPU_PERCENT: sum(self.cpu) / len(self.cpu) if self.cpu else None,
        }

    def _p95(self) -> float | None:
        if self.histogram is not None and not self.without_histogram:
            return self.histogram.value_at_ms(95.0)
        return self.p95_max


class PeriodAggregator:
    """Folds per-second samples into periods of ``period_seconds``."""

    def __init__(self, period_seconds: int) -> None:
        self.period_seconds = period_seconds
        self._index: int | None = None
        self._sums = _Sums()

    def add(self, time_s: float, sample: Mapping[str, Any]) -> list[Period]:
        """Take one second's sample; the periods it closes, oldest first."""
        index = int(time_s // self.period_seconds)
        closed: list[Period] = []
        if self._index is None:
            self._index = index
        elif index > self._index:
            closed.append(self._close())
            skipped = min(index - self._index - 1, _MAX_SKIPPED_PERIODS)
            closed.extend(self._period(index - skipped + n, {}) for n in range(skipped))
            self._index = index
        self._sums.add(sample)
        return closed

    def _close(self) -> Period:
        assert self._index is not None
        period = self._period(self._index, self._sums.values())
        self._sums = _Sums()
        return period

    def _period(self, index: int, values: Mapping[Metric, float | None]) -> Period:
        length = self.period_seconds
        return Period(index, index * length, (index + 1) * length, values or dict.fromkeys(Metric))

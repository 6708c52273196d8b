"""Per-second samples folded into one datapoint per metric per period."""

from __future__ import annotations

from stairload.alarms.config import Metric
from stairload.alarms.periods import PeriodAggregator
from stairload.rundir.latency import LatencyHistogram, highest_equivalent_us


def _histogram(times_us: dict[int, int]) -> LatencyHistogram:
    histogram = LatencyHistogram()
    for value, count in times_us.items():
        histogram.record_us(value, count)
    return histogram


def _second(requests: float, mtt: float | None, **extra: float | None) -> dict[str, float | None]:
    return {
        "requests": requests,
        "failures": 0,
        "mtt_ms": mtt,
        "p95_ms": None,
        "tps": requests,
        "users": None,
        "target_cpu_percent": None,
        **extra,
    }


def test_period_closes_on_the_first_sample_of_the_next_period() -> None:
    """A 3 s period is emitted when the sample of second 3 arrives, not before."""
    aggregator = PeriodAggregator(3)
    assert [aggregator.add(t, _second(1, 10)) for t in range(3)] == [[], [], []]
    closed = aggregator.add(3, _second(1, 10))
    assert [(p.index, p.start_s, p.end_s) for p in closed] == [(0, 0, 3)]


def test_mtt_is_the_request_weighted_mean() -> None:
    """MTT over a period weighs each second's mean by its request count."""
    aggregator = PeriodAggregator(2)
    aggregator.add(0, _second(1, 100.0))
    aggregator.add(1, _second(3, 500.0))
    (period,) = aggregator.add(2, _second(0, None))
    assert period.values[Metric.MTT_MS] == 400.0


def test_rates_and_levels_aggregate_as_documented() -> None:
    """TPS is the mean, error rate failures/requests, p95 the max, users the last, CPU the mean."""
    aggregator = PeriodAggregator(2)
    aggregator.add(0, _second(10, 50, failures=1, p95_ms=90, users=5, target_cpu_percent=40))
    aggregator.add(1, _second(30, 50, failures=1, p95_ms=70, users=7, target_cpu_percent=None))
    (period,) = aggregator.add(2, _second(0, None))
    values = period.values
    assert values[Metric.TPS] == 20.0
    assert values[Metric.ERROR_RATE] == 0.05
    assert values[Metric.P95_MS] == 90
    assert values[Metric.USERS] == 7
    assert values[Metric.TARGET_CPU_PERCENT] == 40


def test_period_without_requests_has_missing_mtt_but_zero_tps() -> None:
    """No completed request: MTT and error rate are missing, TPS is 0."""
    aggregator = PeriodAggregator(1)
    aggregator.add(0, _second(0, None))
    (period,) = aggregator.add(1, _second(0, None))
    assert period.values[Metric.MTT_MS] is None
    assert period.values[Metric.ERROR_RATE] is None
    assert period.values[Metric.TPS] == 0


def test_skipped_periods_come_out_all_missing() -> None:
    """A gap in the samples yields empty periods with every metric missing."""
    aggregator = PeriodAggregator(1)
    aggregator.add(0, _second(1, 10))
    closed = aggregator.add(3, _second(1, 10))
    assert [p.index for p in closed] == [0, 1, 2]
    assert all(value is None for value in closed[1].values.values())


def test_p95_is_the_merged_histograms_percentile() -> None:
    """90 fast + 10 slow, then 100 fast: each second's p95 is 800 and 10, the period's 10."""
    aggregator = PeriodAggregator(2)
    first = _histogram({10_001: 90, 800_000: 10})
    second = _histogram({10_002: 99, 10_003: 1})
    aggregator.add(0, {**_second(100, 10.0), "p95_ms": 800.0, "histogram": first})
    aggregator.add(1, {**_second(100, 10.0), "p95_ms": 10.0, "histogram": second})
    (period,) = aggregator.add(2, _second(1, 10.0))
    # rank 190 of 200 is the slowest of the fast ones: microseconds, not Locust's 10 ms
    assert period.values[Metric.P95_MS] == highest_equivalent_us(10_003) / 1000 == 10.007


def test_p95_without_histograms_is_the_largest_second() -> None:
    """Samples of an older run (no histograms) keep the upper bound: the largest p95."""
    aggregator = PeriodAggregator(2)
    aggregator.add(0, _second(100, 10.0, p95_ms=800.0))
    aggregator.add(1, _second(100, 10.0, p95_ms=10.0))
    (period,) = aggregator.add(2, _second(1, 10.0))
    assert period.values[Metric.P95_MS] == 800.0

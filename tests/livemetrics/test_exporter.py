"""The live exporter: intervals.csv rows in, the same figures out of a real /metrics scrape."""

from __future__ import annotations

import dataclasses
import math
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from capacity.stairs import build_stairs
from stairload.alarms.config import parse_alarms
from stairload.alarms.monitor import AlarmMonitor
from stairload.livemetrics import ALARM_STATE_VALUES, METRIC_NAMES, LiveMetrics
from stairload.rundir.histogram import Bucket, second_rows

STAIRS = build_stairs(
    start_users=4, end_users=8, step_users=2, step_seconds=10, hold_seconds=10, spawn_rate=100
)
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _bucket(*response_times_ms: float, failed: int = 0) -> Bucket:
    bucket = Bucket()
    for index, response_time in enumerate(response_times_ms):
        bucket.add(response_time, failed=index < failed)
    return bucket


def _rows(second: int, **named: Bucket) -> list[dict[str, object]]:
    buckets = {("GET", name): bucket for name, bucket in named.items()}
    return second_rows(second, 1_700_000_000.0 + second, buckets, 6, 6)


@pytest.fixture
def served() -> Iterator[LiveMetrics]:
    """An exporter serving on a free loopback port."""
    metrics = LiveMetrics(STAIRS)
    metrics.serve(0, "127.0.0.1")
    yield metrics
    metrics.close()


def _scrape(metrics: LiveMetrics) -> Samples:
    port = metrics.server.server_port
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _total(name: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    return (name, (("method", ""), ("name", "Total")))


def _named(name: str, request: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    return (name, (("method", "GET"), ("name", request)))


def test_a_scrape_shows_the_total_row_of_the_last_second(served: LiveMetrics) -> None:
    """Users, planned users, TPS, MTT, p95 and error ratio equal the second's Total row."""
    rows = _rows(12, trips=_bucket(100, 200, 300, 400, failed=1), login=_bucket(50))
    served.on_second(12, rows)
    total = rows[-1]
    samples = _scrape(served)
    assert samples[("stairload_second", ())] == 12
    assert samples[("stairload_users", ())] == total.users
    assert samples[("stairload_planned_users", ())] == total.target_users
    assert samples[_total("stairload_tps")] == total.requests == 5
    assert samples[_total("stairload_mtt_milliseconds")] == total.mean_ms
    assert samples[_total("stairload_p95_milliseconds")] == total.p95_ms
    assert samples[_total("stairload_error_ratio")] == pytest.approx(1 / 5)


def test_a_scrape_shows_every_percentile_to_the_microsecond(served: LiveMetrics) -> None:
    """p50, p95, p99, p99.9 and max are the Total row's, microseconds kept (HDR, 3 digits)."""
    rows = _rows(3, trips=_bucket(1.2341, 1.5, 1.7772, 1.9))
    served.on_second(3, rows)
    total, samples = rows[-1], _scrape(served)
    expected = {
        "stairload_p50_milliseconds": total.p50_ms,
        "stairload_p95_milliseconds": total.p95_ms,
        "stairload_p99_milliseconds": total.p99_ms,
        "stairload_p99_9_milliseconds": total.p99_9_ms,
        "stairload_max_milliseconds": total.max_ms,
    }
    assert {name: samples[_total(name)] for name in expected} == expected
    assert (total.p50_ms, total.p99_9_ms, total.max_ms) == (1.5, 1.9, 1.9)  # 1 us below 2 ms


def test_each_request_name_has_its_own_series(served: LiveMetrics) -> None:
    """A request name's TPS, MTT and error ratio come from its own row."""
    served.on_second(3, _rows(3, trips=_bucket(100, 300, failed=1), login=_bucket(50)))
    samples = _scrape(served)
    assert samples[_named("stairload_tps", "trips")] == 2
    assert samples[_named("stairload_mtt_milliseconds", "trips")] == 200
    assert samples[_named("stairload_error_ratio", "trips")] == 0.5
    assert samples[_named("stairload_error_ratio", "login")] == 0


def test_a_name_silent_in_the_last_second_shows_zero_tps_and_no_mtt(served: LiveMetrics) -> None:
    """A name absent from the newest second reads TPS 0 and NaN MTT, not its old figures."""
    served.on_second(3, _rows(3, trips=_bucket(100), login=_bucket(50)))
    served.on_second(4, _rows(4, trips=_bucket(120)))
    samples = _scrape(served)
    assert samples[_named("stairload_tps", "login")] == 0
    assert math.isnan(samples[_named("stairload_mtt_milliseconds", "login")])


def test_counters_add_every_second(served: LiveMetrics) -> None:
    """Requests and failures totals grow by each second's counts (for Prometheus rate())."""
    served.on_second(0, _rows(0, trips=_bucket(10, 10, failed=1)))
    served.on_second(1, _rows(1, trips=_bucket(10, 10, 10, failed=2)))
    samples = _scrape(served)
    assert samples[_total("stairload_requests_total")] == 5
    assert samples[_total("stairload_failures_total")] == 3


def test_an_open_runs_started_and_dropped_journeys_add_up(served: LiveMetrics) -> None:
    """The Total rows' started and dropped counts become counters (blank ones add nothing)."""
    for second, started, dropped in ((0, 9, 0), (1, 7, 3), (2, None, None)):
        total = dataclasses.replace(
            _rows(second, trips=_bucket(10))[-1], started=started, dropped=dropped
        )
        served.on_second(second, [total])
    samples = _scrape(served)
    assert samples[("stairload_journeys_started_total", ())] == 16
    assert samples[("stairload_journeys_dropped_total", ())] == 3


def test_the_step_number_follows_the_stair(served: LiveMetrics) -> None:
    """Second 15 of 4 -> 8 users in 10-second steps is step 2 of 3."""
    served.on_second(15, _rows(15, trips=_bucket(10)))
    samples = _scrape(served)
    assert samples[("stairload_step", ())] == 2
    assert samples[("stairload_step_count", ())] == 3


def test_alarm_states_are_numbers(tmp_path: Path) -> None:
    """A rule starts at 2 (INSUFFICIENT_DATA), then reads 1 in ALARM and 0 when OK again."""
    settings = parse_alarms(
        {
            "rules": [
                {
                    "name": "MTT over target",
                    "metric": "mtt_ms",
                    "comparison": "GreaterThanOrEqualToThreshold",
                    "threshold": 500,
                    "period_seconds": 1,
                    "evaluation_periods": 1,
                }
            ]
        },
        "scenarios.yaml",
    )
    monitor = AlarmMonitor(settings, tmp_path)
    metrics = LiveMetrics(STAIRS, lambda: monitor.states)
    key = ("stairload_alarm_state", (("alarm", "MTT over target"),))
    seen = [metrics.registry.get_sample_value(*_as_query(key))]
    for second, mtt in enumerate([900, 900, 100, 100]):
        rows = _rows(second, trips=_bucket(mtt))
        monitor.on_second(second, rows)
        metrics.on_second(second, rows)
        seen.append(metrics.registry.get_sample_value(*_as_query(key)))
    # Period [0, 1) is evaluated when second 1 arrives, so each state shows one second late.
    assert seen == [2, 2, 1, 1, 0]
    assert ALARM_STATE_VALUES == {"OK": 0, "ALARM": 1, "INSUFFICIENT_DATA": 2}


def _as_query(key: tuple[str, tuple[tuple[str, str], ...]]) -> tuple[str, dict[str, str]]:
    return key[0], dict(key[1])


def test_every_exported_name_is_listed() -> None:
    """METRIC_NAMES (what the dashboard may use) is exactly what a registry exposes."""
    metrics = LiveMetrics(STAIRS, lambda: {"a": "OK"})
    metrics.on_second(0, _rows(0, trips=_bucket(10)))
    exposed = {sample.name for family in metrics.registry.collect() for sample in family.samples}
    exposed = {name for name in exposed if not name.endswith("_created")}
    assert exposed == set(METRIC_NAMES)


def test_two_exporters_in_one_process_do_not_collide() -> None:
    """Each exporter has its own registry, so tests and runs can make several."""
    first, second = LiveMetrics(), LiveMetrics()
    first.on_second(7, _rows(7, trips=_bucket(10)))
    assert first.registry.get_sample_value("stairload_second") == 7
    assert second.registry.get_sample_value("stairload_second") == 0

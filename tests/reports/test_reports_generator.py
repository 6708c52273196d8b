"""The load generator's per-step load: hot seconds, saturation, the capacity the plan needs."""

from __future__ import annotations

import pytest

from reports.generator import GeneratorSecond, capacity_needed, window_load


def _samples(cpu: list[float], first_s: int = 1) -> list[GeneratorSecond]:
    return [GeneratorSecond(float(first_s + i), value, 100.0) for i, value in enumerate(cpu)]


def test_two_hot_seconds_of_fifteen_saturate():
    """2 of 15 seconds above 90% is 13% > 10%: saturated."""
    load = window_load({"local": _samples([95, 95] + [50] * 13)}, 0, 15, 90.0)
    assert (load.seconds, load.hot_seconds, load.saturated) == (15, 2, True)


def test_one_hot_second_of_fifteen_does_not():
    """1 of 15 seconds above 90% is 6.7%: not saturated."""
    load = window_load({"local": _samples([95] + [50] * 14)}, 0, 15, 90.0)
    assert (load.hot_seconds, load.saturated) == (1, False)


def test_a_second_counts_once_whichever_process_is_hot():
    """Two workers hot in the same two seconds: 2 hot seconds, not 4."""
    hot = _samples([95, 95] + [10] * 18)
    load = window_load({"worker-1": hot, "worker-2": hot}, 0, 20, 90.0)
    assert (load.hot_seconds, load.seconds) == (2, 20)


def test_only_samples_inside_the_window_count():
    """Samples at 1..20 s, window (5, 10]: five seconds, CPU-seconds from those only."""
    load = window_load({"local": _samples([100] * 5 + [40] * 5 + [100] * 10)}, 5, 10, 90.0)
    assert (load.seconds, load.cpu_seconds) == (5, pytest.approx(2.0))


def test_per_process_mean_peak_and_memory():
    """Per process: mean and peak CPU, peak RSS over the window."""
    samples = [GeneratorSecond(1.0, 20.0, 100.0), GeneratorSecond(2.0, 60.0, 130.0)]
    (process,) = window_load({"local": samples}, 0, 2, 90.0).processes
    assert (process.mean_cpu_percent, process.peak_cpu_percent, process.peak_rss_mb) == (
        40.0,
        60.0,
        130.0,
    )


def test_without_samples_a_warning_decides():
    """No samples: a CPU warning inside the window makes it saturated, none does not."""
    assert window_load({}, 0, 10, 90.0, [4.0]).saturated
    assert not window_load({}, 0, 10, 90.0, [12.0]).saturated


def test_capacity_divides_the_planned_tps_by_requests_per_cpu_second():
    """2,000 req/CPU-s and 4,200 planned TPS: 2.1 cores, 3 processes under 90%, 700 users each."""
    capacity = capacity_needed(20_000, 10.0, 4200.0, 2100, 90.0)
    assert (capacity.requests_per_cpu_second, capacity.cores_needed) == (2000.0, 2.1)
    assert (capacity.processes_needed, capacity.users_per_process) == (3, 700)


def test_capacity_is_unknown_without_cpu_seconds():
    """No CPU-seconds measured: no capacity figure."""
    assert capacity_needed(1000, 0.0, 4200.0, 2100, 90.0) is None


def _lagging(lags_ms: list[float]) -> list[GeneratorSecond]:
    return [GeneratorSecond(float(1 + i), 30.0, 100.0, lag) for i, lag in enumerate(lags_ms)]


def test_two_lagging_seconds_of_fifteen_make_a_lagging_step_not_a_saturated_one():
    """2 of 15 seconds with a loop-lag p99 above 5 ms at 30% CPU: lagging, still valid."""
    load = window_load({"local": _lagging([12.0, 8.0] + [0.4] * 13)}, 0, 15, 90.0)
    assert (load.hot_seconds, load.lag_seconds, load.lagging, load.saturated) == (0, 2, True, False)
    assert load.loop_lag_ms == 0.4  # the median second's p99


def test_a_step_lags_by_the_laggiest_process():
    """Two workers: the step's figure is the laggier one's median second."""
    load = window_load(
        {"worker-1": _lagging([0.5] * 10), "worker-2": _lagging([3.0] * 10)}, 0, 10, 90.0
    )
    assert (load.loop_lag_ms, load.lagging) == (3.0, False)


def test_older_runs_without_loop_lag_keep_the_cpu_rule():
    """No loop-lag samples: no lagging seconds, no figure, validity from CPU alone."""
    load = window_load({"local": _samples([50] * 15)}, 0, 15, 90.0)
    assert (load.lag_seconds, load.processes[0].loop_lag_ms, load.saturated) == (0, None, False)


def test_a_distributed_runs_master_does_not_lag_a_step():
    """The master runs no users: its late loop delays no response time and is not counted."""
    load = window_load(
        {"master": _lagging([40.0] * 10), "worker-1": _lagging([0.5] * 10)}, 0, 10, 90.0
    )
    assert (load.lagging, load.loop_lag_ms) == (False, 0.5)
    assert {p.process: p.lag_seconds for p in load.processes} == {"master": 10, "worker-1": 0}

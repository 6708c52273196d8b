"""An open run's steps: schedule kept or not (dropped, achieved rate), and both latency views."""

from __future__ import annotations

import pytest

from capacity.arrival_stairs import build_arrival_stairs
from reports.open_steps import OpenSecond, open_steps, open_summary, open_verdict
from reports.rundata import RunInfo
from reports.steps import COMPLETE, StepResult
from reports.verdict import judge
from stairload.rundir import PlannedStep
from stairload.rundir.latency import LatencyHistogram

# 10 journeys/s for 10 s: 100 planned starts in the one step
SCHEDULE = build_arrival_stairs(
    start_rate=10, end_rate=10, step_rate=1, step_seconds=10, hold_seconds=10, max_users=8
)


def _step(mtt_ms: float = 5.0) -> StepResult:
    return StepResult(
        step=1,
        users=8,
        start_s=0.0,
        end_s=10.0,
        window_start_s=0.0,
        window_end_s=10.0,
        status=COMPLETE,
        seconds=10.0,
        requests=100,
        failures=0,
        actual_users=1.0,
        tps=10.0,
        mtt_ms=mtt_ms,
        p50_ms=4.0,
        p95_ms=9.0,
        p99_ms=12.0,
        error_rate=0.0,
        cpu_warning=False,
    )


def _histogram(ms: float, count: int) -> LatencyHistogram:
    histogram = LatencyHistogram()
    if count:
        histogram.record_us(int(ms * 1000), count)
    return histogram


def _seconds(started: list[int], dropped: list[int], late_ms: float = 0.0) -> dict[int, OpenSecond]:
    return {
        second: OpenSecond(
            started[second],
            dropped[second],
            (5.0 + late_ms) * started[second],
            _histogram(5.0 + late_ms, started[second]),
        )
        for second in range(10)
    }


def test_a_step_that_kept_its_schedule_is_valid_with_its_rates() -> None:
    """100 planned, 100 started, none dropped: valid; offered and achieved 10/s."""
    (step,) = open_steps([_step()], SCHEDULE, _seconds([10] * 10, [0] * 10), processes=1)
    assert step.valid and step.invalid_reason is None
    assert step.open is not None
    assert (step.open.offered_rate, step.open.achieved_rate) == (10.0, 10.0)
    assert (step.open.planned_starts, step.open.started, step.open.dropped) == (100, 100, 0)
    assert step.open.busy_users == 10.0 * 5.0 / 1000  # Little's law: TPS x MTT


def test_more_than_one_percent_dropped_makes_the_step_invalid() -> None:
    """2 of 100 journeys dropped: invalid, and the reason names the pool's size."""
    started, dropped = [10] * 10, [0] * 10
    started[3], dropped[3] = 8, 2
    (step,) = open_steps([_step()], SCHEDULE, _seconds(started, dropped), processes=1)
    assert not step.valid
    assert step.invalid_reason == (
        "2 of 100 planned journeys dropped (2.0%): every one of the pool's 8 virtual users was busy"
    )


def test_one_dropped_in_a_hundred_is_within_the_limit() -> None:
    """Exactly 1% dropped is not more than 1%: still valid."""
    started, dropped = [10] * 10, [0] * 10
    started[3], dropped[3] = 9, 1
    (step,) = open_steps([_step()], SCHEDULE, _seconds(started, dropped), processes=1)
    assert step.valid


def test_starts_off_the_plan_by_more_than_two_percent_make_the_step_invalid() -> None:
    """95 started, none dropped (the generator fell behind): invalid, -5.0%."""
    started = [10] * 10
    started[9] = 5
    (step,) = open_steps([_step()], SCHEDULE, _seconds(started, [0] * 10), processes=1)
    assert step.invalid_reason == (
        "95 journeys started, the plan 100 (-5.0%): the load generator could not keep the schedule"
    )


def test_one_start_per_process_off_is_the_schedules_own_exactness() -> None:
    """A 3-journey step one short on one of 2 processes: 33% off, but within one per process."""
    schedule = build_arrival_stairs(
        start_rate=0.3, end_rate=0.3, step_rate=1, step_seconds=10, hold_seconds=10, max_users=8
    )
    started = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    (step,) = open_steps([_step()], schedule, _seconds(started, [0] * 10), processes=2)
    assert step.open is not None and step.open.planned_starts == 3
    assert step.valid


def test_requests_over_the_target_are_counted_from_the_user_seen_times() -> None:
    """Half the journeys 600 ms late: their 50 requests are over a 500 ms target."""
    late, on_time = _seconds([10] * 10, [0] * 10, 600.0), _seconds([10] * 10, [0] * 10)
    seconds = {second: late[second] if second % 2 else on_time[second] for second in range(10)}
    (step,) = open_steps([_step()], SCHEDULE, seconds, processes=1, target_ms=500.0)
    assert step.open is not None and step.open.over_target == 50


def test_the_verdicts_latency_is_the_user_seen_one_and_the_service_one_is_kept() -> None:
    """Journeys that started 100 ms late: MTT and p99 become 105 ms; service stays 5 ms."""
    seconds = _seconds([10] * 10, [0] * 10, late_ms=100.0)
    (step,) = open_steps([_step(mtt_ms=5.0)], SCHEDULE, seconds, processes=1)
    assert step.mtt_ms == 105.0 and step.p99_ms == pytest.approx(105.0, rel=1e-3)  # HDR 0.1%
    assert step.open is not None
    assert (step.open.service_mtt_ms, step.open.service_p99_ms) == (5.0, 12.0)


def _run() -> RunInfo:
    return RunInfo(
        run_id="open",
        scenario="s",
        case="stress",
        shape="arrivals",
        host="http://127.0.0.1:1",
        exit_reason="completed",
        started_epoch=None,
        duration_seconds=10.0,
        steps=(PlannedStep(1, 8, 0.0, 0.0, 10.0),),
        mtt_ms=500.0,
        error_rate=0.01,
        target_tps=16.0,
        cpu_warnings=(),
        saturated=False,
        lost_workers=0,
    )


def test_an_open_verdict_names_rates_not_the_pools_users() -> None:
    """The reason names the stress step by its journey rate, the TPS row becomes the start
    rate against the schedule, and max users within target is not given."""
    steps = open_steps([_step()], SCHEDULE, _seconds([10] * 10, [0] * 10), processes=1)
    verdict = open_verdict(judge(_run(), steps), steps, _run())
    assert verdict.reason.startswith("MTT at the stress step (10.00 journeys/s) is 5.0 ms")
    assert [check.name for check in verdict.checks][-1] == "rate_at_stress_step"
    assert (verdict.checks[-1].measured, verdict.checks[-1].limit) == (10.0, 10.0)
    assert verdict.max_users_within_target is None
    assert (
        "the highest offered rate within target was 10.00 journeys/s (step 1)"
        in (verdict.caveats[0])
    )


def test_the_open_summary_names_measured_rates_only() -> None:
    """Within target at 10/s, nothing over it, nothing missed: no interpolated rate."""
    steps = open_steps([_step()], SCHEDULE, _seconds([10] * 10, [0] * 10), processes=1)
    assert open_summary(steps, _run()) == {
        "max_rate_within_target": {"step": 1, "journeys_per_s": 10.0},
        "first_rate_over_target": None,
        "first_schedule_missed": None,
    }

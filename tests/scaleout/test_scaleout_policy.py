"""The target-tracking policy: alarms, the desired-capacity formula, bounds, cooldown."""

from __future__ import annotations

import pytest

from stairload.scaleout.policy import (
    ScalingPolicy,
    counted,
    decide,
    newest_first,
    period_datapoint,
)

POLICY = ScalingPolicy(cooldown_seconds=300, scale_out_periods=3, scale_in_periods=15)
HIGH = [80.0, 85.0, 90.0]
LOW = [30.0] * 15


@pytest.mark.parametrize(
    ("datapoints", "current", "action", "desired"),
    [
        (HIGH, 1, "scale_out", 2),  # ceil(1 x 90 / 70) = 2
        ([71.0, 71.0, 71.0], 1, "scale_out", 2),  # just above: ceil(1.01) = 2
        ([70.0, 70.0, 70.0], 1, "none", 1),  # at the target is not above it
        ([80.0, 60.0, 90.0], 1, "none", 1),  # 2 of 3 is not 3 of 3
        ([80.0, None, 90.0], 1, "none", 1),  # a missing period breaches nothing
        ([90.0, 90.0], 1, "none", 1),  # fewer periods than the alarm needs
        ([200.0, 200.0, 200.0], 1, "scale_out", 2),  # ceil(2.86) = 3, bounded by max 2
        (HIGH, 2, "none", 2),  # already at max
        (LOW, 2, "scale_in", 1),  # ceil(2 x 30 / 70) = 1
        ([30.0] * 14, 2, "none", 2),  # 14 low periods are not 15
        ([30.0] * 14 + [62.0], 2, "none", 2),  # alarm fires, but ceil(2 x 62 / 70) = 2
        ([30.0] * 14 + [64.0], 2, "none", 2),  # one period at 64 (>= 63) stops scale-in
        (LOW, 1, "none", 1),  # already at min
    ],
)
def test_decide_table(
    datapoints: list[float | None], current: int, action: str, desired: int
) -> None:
    """Each row: the datapoints and current capacity give this action and desired capacity."""
    decision = decide(POLICY, datapoints, current, now=1000.0, last_activity_at=None)
    assert (decision.action, decision.desired) == (action, desired)


def test_scale_in_keeps_capacity_the_metric_needs() -> None:
    """Two instances at 60% (below 63%) still need ceil(2 x 60 / 70) = 2: no change."""
    decision = decide(POLICY, [60.0] * 15, 2, now=1000.0, last_activity_at=None)
    assert decision.action == "none"
    assert "no change" in decision.reason


def test_cooldown_holds_a_firing_alarm() -> None:
    """A scale-out alarm within the cooldown after the last activity changes nothing."""
    decision = decide(POLICY, HIGH, 1, now=1000.0, last_activity_at=800.0)
    assert (decision.action, decision.desired) == ("none", 1)
    assert "cooldown, 100 s left" in decision.reason


def test_after_cooldown_the_alarm_acts() -> None:
    """The same alarm once the cooldown has passed scales out."""
    decision = decide(POLICY, HIGH, 1, now=1100.0, last_activity_at=800.0)
    assert decision.action == "scale_out"


def test_decision_carries_alarm_and_datapoints() -> None:
    """A scale-out names its alarm, its datapoints and the formula."""
    decision = decide(POLICY, [50.0, *HIGH], 1, now=0.0, last_activity_at=None)
    assert decision.alarm == "CPU > 70% for 3 of 3 periods"
    assert decision.datapoints == (80.0, 85.0, 90.0)
    assert decision.reason == (
        "CPU > 70% for 3 of 3 periods [80.0, 85.0, 90.0]: ceil(1 x 90.0 / 70) = 2, bounded to 2"
    )


def test_capacity_below_min_is_raised_without_an_alarm() -> None:
    """A group below its minimum (an instance was lost) goes back to the minimum."""
    decision = decide(POLICY, [], 0, now=0.0, last_activity_at=None)
    assert (decision.action, decision.desired) == ("scale_out", 1)


def test_newest_instance_is_terminated_first() -> None:
    """Scale-in picks instances by launch time, newest first."""
    launched = {"i-1": 10.0, "i-3": 30.0, "i-2": 20.0}
    assert newest_first(launched, 2) == ["i-3", "i-2"]


@pytest.mark.parametrize(
    ("in_service_at", "now", "expected"),
    [(None, 100.0, False), (50.0, 100.0, False), (40.0, 100.0, True)],
)
def test_warming_instance_is_not_counted(
    in_service_at: float | None, now: float, expected: bool
) -> None:
    """An instance counts only once in service for the warm-up time (60 s here)."""
    assert counted(in_service_at, now, warmup_seconds=60.0) is expected


def test_period_datapoint_averages_counted_instances() -> None:
    """The datapoint is the mean of each counted instance's mean CPU in the period."""
    cpu = {"a": {100: 80.0, 101: 90.0, 102: 10.0}, "b": {100: 40.0, 101: 40.0}, "c": {100: 0.0}}
    since = {"a": 0.0, "b": 50.0, "c": 101.0}  # c is still warming at the period start
    assert period_datapoint(cpu, since, 100.0, 102.0) == pytest.approx((85.0 + 40.0) / 2)


def test_period_without_counted_instances_is_missing() -> None:
    """No counted instance gives no datapoint."""
    assert period_datapoint({"a": {100: 50.0}}, {"a": 200.0}, 100.0, 160.0) is None


def test_time_scale_shrinks_every_duration() -> None:
    """scaled(0.1) shrinks period, cooldown and warm-up, and nothing else."""
    scaled = ScalingPolicy().scaled(0.1)
    assert (scaled.period_seconds, scaled.cooldown_seconds, scaled.instance_warmup_seconds) == (
        pytest.approx(6.0),
        pytest.approx(30.0),
        pytest.approx(30.0),
    )
    assert (scaled.target_cpu_percent, scaled.scale_out_periods) == (70.0, 3)

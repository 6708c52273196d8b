"""EC2-style target tracking on average CPU, as pure functions of numbers and times.

The group's metric is one datapoint per period: the mean CPU (percent of the cores an
instance has) of the instances that count, that is, in service and past their warm-up
time (a warming instance is not counted, as in EC2 Auto Scaling). Two alarms look at the
latest datapoints: scale-out when the last ``scale_out_periods`` are all above the
target, scale-in (slower, as AWS target tracking creates it) when the last
``scale_in_periods`` are all below ``scale_in_ratio`` x target. A firing alarm sets

    desired = ceil(current x metric / target), bounded by min and max instances,

unless a scaling activity happened less than ``cooldown_seconds`` ago. Scale-in removes
the newest instances first. Every decision carries the alarm and datapoints behind it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

Action = Literal["scale_out", "scale_in", "none"]


@dataclass(frozen=True)
class ScalingPolicy:
    """The ``scaling:`` block of scenarios.yaml, durations already time-scaled."""

    target_cpu_percent: float = 70.0
    min_instances: int = 1
    max_instances: int = 2
    period_seconds: float = 60.0
    scale_out_periods: int = 3
    scale_in_periods: int = 15
    scale_in_ratio: float = 0.9
    cooldown_seconds: float = 300.0
    instance_warmup_seconds: float = 300.0

    def scaled(self, time_scale: float) -> ScalingPolicy:
        """The same policy with every duration multiplied by ``time_scale``."""
        return ScalingPolicy(
            target_cpu_percent=self.target_cpu_percent,
            min_instances=self.min_instances,
            max_instances=self.max_instances,
            period_seconds=self.period_seconds * time_scale,
            scale_out_periods=self.scale_out_periods,
            scale_in_periods=self.scale_in_periods,
            scale_in_ratio=self.scale_in_ratio,
            cooldown_seconds=self.cooldown_seconds * time_scale,
            instance_warmup_seconds=self.instance_warmup_seconds * time_scale,
        )

    @property
    def scale_out_alarm(self) -> str:
        """The scale-out alarm's name, as it appears in events and messages."""
        return (
            f"CPU > {self.target_cpu_percent:g}% for {self.scale_out_periods} of "
            f"{self.scale_out_periods} periods"
        )

    @property
    def scale_in_alarm(self) -> str:
        """The scale-in alarm's name, as it appears in events and messages."""
        low = self.scale_in_ratio * self.target_cpu_percent
        return f"CPU < {low:g}% for {self.scale_in_periods} of {self.scale_in_periods} periods"


@dataclass(frozen=True)
class Decision:
    """What the policy decided at one evaluation, and why."""

    action: Action
    current: int
    desired: int
    reason: str
    alarm: str | None = None
    datapoints: tuple[float | None, ...] = field(default=())


def counted(in_service_at: float | None, now: float, warmup_seconds: float) -> bool:
    """Whether an instance's CPU counts in the group metric at ``now``."""
    return in_service_at is not None and now >= in_service_at + warmup_seconds


def period_datapoint(
    cpu_by_instance: Mapping[str, Mapping[int, float]],
    counted_since: Mapping[str, float],
    start: float,
    end: float,
) -> float | None:
    """Mean CPU over [start, end) of the instances counted since at most ``start``.

    Each counted instance contributes the mean of its per-second samples in the period;
    the datapoint is the mean of those (None when no instance counts or has a sample).
    """
    means: list[float] = []
    for instance, since in counted_since.items():
        if since > start:
            continue
        samples = [
            value
            for second, value in cpu_by_instance.get(instance, {}).items()
            if start <= second < end
        ]
        if samples:
            means.append(sum(samples) / len(samples))
    return sum(means) / len(means) if means else None


def decide(
    policy: ScalingPolicy,
    datapoints: Sequence[float | None],
    current: int,
    now: float,
    last_activity_at: float | None,
) -> Decision:
    """Evaluate both alarms on the datapoints (oldest first) and size the group.

    ``current`` is the group's desired capacity now; a missing datapoint (None) breaches
    neither alarm.
    """
    outside = _bounded(policy, current)
    if outside != current:
        return Decision(
            "scale_out" if outside > current else "scale_in",
            current,
            outside,
            f"capacity {current} is outside min {policy.min_instances} / max "
            f"{policy.max_instances}",
        )
    threshold_low = policy.scale_in_ratio * policy.target_cpu_percent
    recent_out = tuple(datapoints[-policy.scale_out_periods :])
    recent_in = tuple(datapoints[-policy.scale_in_periods :])
    if _all_breach(recent_out, policy.scale_out_periods, lambda v: v > policy.target_cpu_percent):
        return _resize(
            policy, "scale_out", policy.scale_out_alarm, recent_out, current, now, last_activity_at
        )
    if _all_breach(recent_in, policy.scale_in_periods, lambda v: v < threshold_low):
        return _resize(
            policy, "scale_in", policy.scale_in_alarm, recent_in, current, now, last_activity_at
        )
    return Decision("none", current, current, "no alarm", None, recent_out)


def newest_first(launched_at: Mapping[str, float], count: int) -> list[str]:
    """The ``count`` most recently launched instances, newest first (terminated first)."""
    ordered = sorted(launched_at, key=lambda instance: launched_at[instance], reverse=True)
    return ordered[:count]


def _bounded(policy: ScalingPolicy, capacity: int) -> int:
    return max(policy.min_instances, min(policy.max_instances, capacity))


def _all_breach(
    values: Sequence[float | None], needed: int, breaches: Callable[[float], bool]
) -> bool:
    return len(values) >= needed and all(v is not None and breaches(v) for v in values)


def _resize(
    policy: ScalingPolicy,
    action: Action,
    alarm: str,
    datapoints: tuple[float | None, ...],
    current: int,
    now: float,
    last_activity_at: float | None,
) -> Decision:
    metric = datapoints[-1]
    assert metric is not None
    wanted = math.ceil(round(current * metric / policy.target_cpu_percent, 9))
    desired = _bounded(policy, wanted)
    shown = ", ".join(f"{value:.1f}" for value in datapoints if value is not None)
    formula = (
        f"ceil({current} x {metric:.1f} / {policy.target_cpu_percent:g}) = {wanted}, "
        f"bounded to {desired}"
    )
    if last_activity_at is not None and now - last_activity_at < policy.cooldown_seconds:
        left = policy.cooldown_seconds - (now - last_activity_at)
        return Decision(
            "none",
            current,
            current,
            f"{alarm} [{shown}]: in cooldown, {left:.0f} s left",
            alarm,
            datapoints,
        )
    if (action == "scale_out" and desired <= current) or (
        action == "scale_in" and desired >= current
    ):
        return Decision(
            "none", current, current, f"{alarm} [{shown}]: {formula}, no change", alarm, datapoints
        )
    return Decision(action, current, desired, f"{alarm} [{shown}]: {formula}", alarm, datapoints)

"""The alarm state machine: CloudWatch's OK / ALARM / INSUFFICIENT_DATA, M of N, missing data.

Pure: datapoints in, transitions out. Each rule keeps the datapoints of its last N
periods (``evaluation_periods``). A datapoint is *breaching* when it compares true
against the threshold, *not breaching* otherwise, or *missing* (``None``: no request
completed in the period, or the metric is unknown). Missing datapoints are first
treated as the rule says:

- ``breaching`` / ``notBreaching``: they count as breaching / not breaching;
- ``missing`` / ``ignore``: they stay missing.

Then, with ``b`` breaching and ``m`` missing datapoints among the last N:

- all N missing: ``missing`` goes to INSUFFICIENT_DATA, ``ignore`` keeps the state;
- ``b >= M`` (``datapoints_to_alarm``): ALARM;
- ``b + m < M``: OK (even if every missing datapoint breached, M could not be reached);
- otherwise the state is kept until the data decides.

Periods before the run's first period do not exist: until N periods have passed they
count as missing whatever the treatment, so a run never alarms on periods it did not
have. The initial state is INSUFFICIENT_DATA; a transition is reported only when the
state changes, so a steady alarm never notifies twice.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from alarms.config import AlarmRule, Comparison, MissingData


class AlarmState(StrEnum):
    """CloudWatch's three alarm states."""

    OK = "OK"
    ALARM = "ALARM"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"


@dataclass(frozen=True)
class Evaluation:
    """The state one window of datapoints leads to, with the counts that decided it."""

    state: AlarmState
    breaching: int
    missing: int


@dataclass(frozen=True)
class Transition:
    """A change of state, at the end of the period whose datapoint caused it."""

    rule: AlarmRule
    time_s: float
    old_state: AlarmState
    new_state: AlarmState
    breaching: int
    missing: int
    datapoints: tuple[float | None, ...]

    @property
    def reason(self) -> str:
        """One English sentence in the spirit of CloudWatch's ``NewStateReason``."""
        rule = self.rule
        shown = ", ".join(
            "missing" if value is None else f"{value:.6g}" for value in self.datapoints
        )
        return (
            f"{self.breaching} of the last {rule.evaluation_periods} datapoints [{shown}] "
            f"were {rule.comparison.symbol} {rule.threshold:g} ({self.missing} missing; "
            f"{rule.datapoints_to_alarm} of {rule.evaluation_periods} needed for ALARM, "
            f"missing data treated as {rule.treat_missing_data.value})"
        )


def is_breaching(comparison: Comparison, value: float, threshold: float) -> bool:
    """Whether ``value`` crosses ``threshold`` the way ``comparison`` says."""
    if comparison is Comparison.GE:
        return value >= threshold
    if comparison is Comparison.GT:
        return value > threshold
    if comparison is Comparison.LT:
        return value < threshold
    return value <= threshold


def evaluate(rule: AlarmRule, window: Sequence[float | None], current: AlarmState) -> Evaluation:
    """The state after the datapoints of the last periods (oldest first, at most N of them)."""
    not_yet = max(0, rule.evaluation_periods - len(window))
    breaching = missing = 0
    for value in window:
        if value is not None:
            breaching += is_breaching(rule.comparison, value, rule.threshold)
        elif rule.treat_missing_data is MissingData.BREACHING:
            breaching += 1
        elif rule.treat_missing_data is not MissingData.NOT_BREACHING:
            missing += 1
    missing += not_yet
    if missing == rule.evaluation_periods:
        ignore = rule.treat_missing_data is MissingData.IGNORE
        state = current if ignore else AlarmState.INSUFFICIENT_DATA
    elif breaching >= rule.datapoints_to_alarm:
        state = AlarmState.ALARM
    elif breaching + missing < rule.datapoints_to_alarm:
        state = AlarmState.OK
    else:
        state = current
    return Evaluation(state, breaching, missing)


class AlarmEvaluator:
    """One rule's state, fed one datapoint per period."""

    def __init__(self, rule: AlarmRule) -> None:
        self.rule = rule
        self.state = AlarmState.INSUFFICIENT_DATA
        self._window: deque[float | None] = deque(maxlen=rule.evaluation_periods)

    def add(self, datapoint: float | None, time_s: float) -> Transition | None:
        """Take the datapoint of the period ending at ``time_s``; a transition on a change."""
        self._window.append(datapoint)
        result = evaluate(self.rule, self._window, self.state)
        if result.state is self.state:
            return None
        old, self.state = self.state, result.state
        return Transition(
            self.rule,
            time_s,
            old,
            result.state,
            result.breaching,
            result.missing,
            tuple(self._window),
        )

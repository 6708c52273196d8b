"""The alarm state machine: CloudWatch's evaluation range, M of N, and missing data.

Pure: datapoints in, states out. The rule implemented is the one the CloudWatch user
guide states in "How alarm state is evaluated when data is missing" (section
``alarms-evaluating-missing-data`` of "Using Amazon CloudWatch alarms"), and its two
published tables (M = N = 3 and M = 2, N = 3, five datapoints) are this module's tests
(``tests/alarms/test_alarms_cloudwatch_tables.py``, through ``stairload alarms evaluate``).

CloudWatch looks at more datapoints than the N evaluation periods: the *evaluation
range*. This project uses the last N + 2 periods (the guide's example: 5 for N = 3). A
datapoint is *breaching* when it compares true against the threshold, *not breaching*
otherwise, or *missing* (``None``: no request completed in the period, or the metric is
unknown). Exactly N datapoints are evaluated:

1. At least N real (not missing) datapoints in the range: the N most recent real ones
   are evaluated and the missing-data treatment is not used at all.
2. Fewer than N real datapoints: every real one is evaluated, whenever it came, and the
   rest is made of the most recent missing datapoints ("as few times as possible"),
   filled as the treatment says: ``breaching``, ``notBreaching``, or, for ``missing``
   and ``ignore``, left undecided.

With nothing undecided: ALARM when at least M (``datapoints_to_alarm``) are breaching,
otherwise OK. With undecided fills:

- at least M breaching: ALARM; any not-breaching datapoint: OK;
- otherwise ``ignore`` keeps the current state; ``missing`` goes to ALARM when the
  oldest evaluated datapoint is a real (so breaching) one, the guide's sixth row
  ("the oldest evaluated data point is breaching and there aren't any non-breaching
  data points"), and to INSUFFICIENT_DATA otherwise (for example when all are missing).

A run has no periods before its first one. When the range is shorter than N (the first
periods of a run, or a short series given to ``stairload alarms evaluate``), the periods
before it are *absent*: they are filled as undecided whatever the treatment, so a run
never alarms on periods it did not have. The initial state is INSUFFICIENT_DATA; a
transition is reported only when the state changes, so a steady alarm never notifies
twice.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from stairload.alarms.config import AlarmRule, Comparison, MissingData
from stairload.rundir.states import AlarmState

EXTRA_RANGE_PERIODS = 2
"""The evaluation range is N + this many periods (5 for N = 3, as in the guide's tables)."""


class Criteria(Protocol):
    """What an evaluation needs from a rule (an ``AlarmRule`` has all of it)."""

    @property
    def comparison(self) -> Comparison: ...
    @property
    def threshold(self) -> float: ...
    @property
    def evaluation_periods(self) -> int: ...
    @property
    def datapoints_to_alarm(self) -> int: ...
    @property
    def treat_missing_data(self) -> MissingData: ...


@dataclass(frozen=True)
class Evaluation:
    """The state one evaluation range leads to, and how each datapoint was judged.

    ``breaching`` counts evaluated datapoints that breach (filled ones included),
    ``missing`` the missing or absent datapoints filled in to make N, ``judgements`` says
    per datapoint of the range (oldest first) how it was used, ``why`` names the rule.
    """

    state: AlarmState
    breaching: int
    missing: int
    judgements: tuple[str, ...]
    why: str


def is_breaching(comparison: Comparison, value: float, threshold: float) -> bool:
    """Whether ``value`` crosses ``threshold`` the way ``comparison`` says."""
    if comparison is Comparison.GE:
        return value >= threshold
    if comparison is Comparison.GT:
        return value > threshold
    if comparison is Comparison.LT:
        return value < threshold
    return value <= threshold


def evaluate(rule: Criteria, datapoints: Sequence[float | None], current: AlarmState) -> Evaluation:
    """The state after one evaluation range (oldest first), from the ``current`` state."""
    n = rule.evaluation_periods
    treatment = rule.treat_missing_data
    real = [i for i, value in enumerate(datapoints) if value is not None]
    breaches = {
        i: is_breaching(rule.comparison, value, rule.threshold)
        for i, value in enumerate(datapoints)
        if value is not None
    }
    used = real[-n:]
    needed = n - len(used)
    missing_slots = [i for i, value in enumerate(datapoints) if value is None]
    fills = missing_slots[len(missing_slots) - needed :] if needed else []
    absent = needed - len(fills)

    breaching = sum(breaches[i] for i in used)
    not_breaching = len(used) - breaching
    undecided = absent
    if treatment is MissingData.BREACHING:
        breaching += len(fills)
    elif treatment is MissingData.NOT_BREACHING:
        not_breaching += len(fills)
    else:
        undecided += len(fills)

    state, why = _decide(rule, current, breaching, not_breaching, undecided, absent, used, fills)
    judgements = tuple(
        _judgement(i, datapoints[i], breaches, used, fills, treatment, n)
        for i in range(len(datapoints))
    )
    return Evaluation(state, breaching, len(fills) + absent, judgements, why)


def _decide(
    rule: Criteria,
    current: AlarmState,
    breaching: int,
    not_breaching: int,
    undecided: int,
    absent: int,
    used: list[int],
    fills: list[int],
) -> tuple[AlarmState, str]:
    n, m = rule.evaluation_periods, rule.datapoints_to_alarm
    counted = f"{breaching} of {n} evaluated datapoints breaching, {m} needed for ALARM"
    if breaching >= m:
        return AlarmState.ALARM, counted
    if undecided == 0 or not_breaching > 0:
        return AlarmState.OK, counted
    undecided_text = f"{undecided} undecided (missing) and no datapoint within the threshold"
    if rule.treat_missing_data is MissingData.IGNORE:
        return current, f"{counted}; {undecided_text}: ignore keeps the current state"
    oldest_is_real = absent == 0 and bool(used) and min(used + fills) == used[0]
    if oldest_is_real:
        return (
            AlarmState.ALARM,
            f"{counted}; {undecided_text}, and the oldest evaluated datapoint is breaching",
        )
    return AlarmState.INSUFFICIENT_DATA, f"{counted}; {undecided_text}"


def _judgement(
    index: int,
    value: float | None,
    breaches: dict[int, bool],
    used: list[int],
    fills: list[int],
    treatment: MissingData,
    n: int,
) -> str:
    if value is not None:
        kind = "breaching" if breaches[index] else "not breaching"
        if index in used:
            return f"{kind}, evaluated"
        return f"{kind}, not evaluated (older than the {n} most recent real datapoints)"
    if index in fills:
        filled = {
            MissingData.BREACHING: "filled as breaching",
            MissingData.NOT_BREACHING: "filled as not breaching",
        }.get(treatment, "filled as missing (undecided)")
        return f"missing, {filled}"
    if len(used) == n:
        return f"missing, not needed ({n} real datapoints in the range)"
    return "missing, not needed (more recent missing datapoints fill the gap)"


def evaluation_range(rule: Criteria) -> int:
    """How many of the most recent periods an evaluation looks at: N + 2."""
    return rule.evaluation_periods + EXTRA_RANGE_PERIODS


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
    why: str = ""

    @property
    def reason(self) -> str:
        """One English sentence in the spirit of CloudWatch's ``NewStateReason``."""
        rule = self.rule
        shown = ", ".join(
            "missing" if value is None else f"{value:.6g}" for value in self.datapoints
        )
        return (
            f"evaluation range [{shown}] against {rule.comparison.symbol} "
            f"{rule.threshold:g}: {self.why} (missing data treated as "
            f"{rule.treat_missing_data.value})"
        )


class AlarmEvaluator:
    """One rule's state, fed one datapoint per period."""

    def __init__(self, rule: AlarmRule) -> None:
        self.rule = rule
        self.state = AlarmState.INSUFFICIENT_DATA
        self._range: deque[float | None] = deque(maxlen=evaluation_range(rule))

    def add(self, datapoint: float | None, time_s: float) -> Transition | None:
        """Take the datapoint of the period ending at ``time_s``; a transition on a change."""
        self._range.append(datapoint)
        result = evaluate(self.rule, self._range, self.state)
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
            tuple(self._range),
            result.why,
        )

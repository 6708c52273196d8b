"""The pure alarm state machine: M of N datapoints, missing-data treatments, notifications."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from stairload.alarms.config import AlarmRule, Comparison, Metric, MissingData
from stairload.alarms.state import AlarmEvaluator, AlarmState, evaluate, is_breaching

OK, ALARM, NODATA = AlarmState.OK, AlarmState.ALARM, AlarmState.INSUFFICIENT_DATA
X, G, _ = 600.0, 100.0, None  # breaching, not breaching, missing (threshold 500)


def _rule(
    n: int = 3,
    m: int = 3,
    missing: MissingData = MissingData.MISSING,
    comparison: Comparison = Comparison.GE,
) -> AlarmRule:
    return AlarmRule("MTT over target", "", Metric.MTT_MS, comparison, 500.0, 60, n, m, missing)


def _states(rule: AlarmRule, datapoints: Sequence[float | None]) -> list[AlarmState]:
    evaluator = AlarmEvaluator(rule)
    states = []
    for index, value in enumerate(datapoints):
        evaluator.add(value, 60.0 * (index + 1))
        states.append(evaluator.state)
    return states


@pytest.mark.parametrize(
    ("comparison", "value", "expected"),
    [
        (Comparison.GE, 500.0, True),
        (Comparison.GE, 499.9, False),
        (Comparison.GT, 500.0, False),
        (Comparison.GT, 500.1, True),
        (Comparison.LT, 500.0, False),
        (Comparison.LT, 499.9, True),
        (Comparison.LE, 500.0, True),
        (Comparison.LE, 500.1, False),
    ],
)
def test_each_comparison_uses_its_operator(
    comparison: Comparison, value: float, expected: bool
) -> None:
    """The four CloudWatch comparisons compare a datapoint with the threshold as named."""
    assert is_breaching(comparison, value, 500.0) is expected


def test_initial_state_is_insufficient_data() -> None:
    """A new alarm starts in INSUFFICIENT_DATA."""
    assert AlarmEvaluator(_rule()).state is NODATA


def test_three_of_three_needs_three_breaching_periods_in_a_row() -> None:
    """3 of 3 goes to ALARM on the third consecutive breaching period, not before."""
    assert _states(_rule(), [X, X, X]) == [NODATA, NODATA, ALARM]
    assert _states(_rule(), [X, X, G, X, X]) == [NODATA, NODATA, OK, OK, OK]


def test_m_of_n_alarms_on_m_breaching_among_the_last_n() -> None:
    """2 of 3 alarms on any two breaching periods among the last three real ones."""
    assert _states(_rule(n=3, m=2), [X, G, X, G, G]) == [NODATA, OK, ALARM, OK, OK]
    assert _states(_rule(n=3, m=2), [X, X, G, X, G]) == [NODATA, ALARM, ALARM, ALARM, OK]


def test_first_good_period_goes_to_ok_when_alarm_is_out_of_reach() -> None:
    """A not-breaching first period of 3-of-3 goes to OK: three breaches are impossible."""
    assert _states(_rule(), [G]) == [OK]


def test_missing_keeps_evaluating_old_datapoints_then_insufficient_data() -> None:
    """With missing, older real datapoints of the range still count; all missing is NODATA."""
    states = _states(_rule(), [X, X, X, _, _, _, _, _])
    assert states == [NODATA, NODATA, ALARM, ALARM, ALARM, ALARM, ALARM, NODATA]


def test_missing_partial_window_is_decided_by_present_datapoints() -> None:
    """With N real datapoints in the range, the N most recent real ones decide."""
    assert _states(_rule(), [X, X, X, _, X, X]) == [NODATA, NODATA, ALARM, ALARM, ALARM, ALARM]
    assert _states(_rule(), [X, X, X, G, _, _]) == [NODATA, NODATA, ALARM, OK, OK, OK]


def test_ignore_keeps_the_state_when_everything_is_missing() -> None:
    """With ignore, a window of only missing datapoints keeps the current state."""
    rule = _rule(missing=MissingData.IGNORE)
    assert _states(rule, [X, X, X, _, _, _, _]) == [NODATA, NODATA, ALARM] + [ALARM] * 4
    assert _states(rule, [G, _, _, _]) == [OK] * 4


def test_breaching_counts_missing_as_breaching() -> None:
    """With breaching, missing datapoints count towards ALARM once no real one is left."""
    rule = _rule(missing=MissingData.BREACHING)
    assert _states(rule, [G, _, _, _, _, _]) == [OK] * 5 + [ALARM]


def test_not_breaching_counts_missing_as_good() -> None:
    """With notBreaching, missing datapoints filled in count as within the threshold."""
    rule = _rule(missing=MissingData.NOT_BREACHING)
    assert _states(rule, [X, X, X, _, _, _]) == [NODATA, NODATA, ALARM, ALARM, ALARM, OK]


def test_periods_before_the_run_never_breach() -> None:
    """Even with breaching, a run needs N real periods before the first ALARM."""
    rule = _rule(missing=MissingData.BREACHING)
    assert _states(rule, [X, X, X]) == [NODATA, NODATA, ALARM]


def test_flapping_reports_every_change_and_only_changes() -> None:
    """ALARM -> OK -> ALARM -> OK with 1 of 1 reports four transitions, one per change."""
    evaluator = AlarmEvaluator(_rule(n=1, m=1))
    transitions = [evaluator.add(value, 60.0 * i) for i, value in enumerate([X, X, G, G, X, G])]
    changes = [(t.old_state, t.new_state) for t in transitions if t is not None]
    assert changes == [(NODATA, ALARM), (ALARM, OK), (OK, ALARM), (ALARM, OK)]


def test_steady_alarm_does_not_notify_again() -> None:
    """Staying in ALARM for many periods produces exactly one transition."""
    evaluator = AlarmEvaluator(_rule())
    transitions = [evaluator.add(X, 60.0 * i) for i in range(100)]
    assert sum(t is not None for t in transitions) == 1


def test_transition_carries_the_range_and_a_reason() -> None:
    """A transition names the period end, the counts, the datapoints and why."""
    evaluator = AlarmEvaluator(_rule())
    for i, value in enumerate([612.0, 640.5]):
        assert evaluator.add(value, 60.0 * (i + 1)) is None
    transition = evaluator.add(701.25, 180.0)
    assert transition is not None
    assert (transition.time_s, transition.breaching, transition.missing) == (180.0, 3, 0)
    assert transition.datapoints == (612.0, 640.5, 701.25)
    assert transition.reason == (
        "evaluation range [612, 640.5, 701.25] against >= 500: 3 of 3 evaluated datapoints "
        "breaching, 3 needed for ALARM (missing data treated as missing)"
    )


def test_evaluate_is_pure() -> None:
    """evaluate depends only on its arguments."""
    rule = _rule()
    assert evaluate(rule, [X, X, X], OK) == evaluate(rule, [X, X, X], OK)
    assert evaluate(rule, [X, X, X], OK).state is ALARM


def test_the_range_is_n_plus_two_periods() -> None:
    """The evaluator keeps N + 2 periods: a breach six periods back no longer counts."""
    evaluator = AlarmEvaluator(_rule(n=1, m=1))
    for i, value in enumerate([X, _, _]):
        evaluator.add(value, 60.0 * i)
    assert evaluator.state is ALARM
    evaluator.add(_, 240.0)
    assert evaluator.state is NODATA

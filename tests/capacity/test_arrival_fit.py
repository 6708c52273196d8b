"""An open run's fit against the offered rate: the knee and the rate at the MTT target."""

from __future__ import annotations

import pytest

from capacity.arrival_fit import (
    ALREADY_OVER,
    CROSSED,
    NOT_REACHED,
    UNDETERMINED,
    Measured,
    RatePoint,
    fit_arrivals,
)

SECONDS = 60.0


def _point(
    step: int,
    offered: float,
    mtt_ms: float,
    mtt_half_ms: float = 10.0,
    *,
    achieved: float | None = None,
    achieved_half: float | None = None,
    dropped: int = 0,
    service_ms: float | None = None,
) -> RatePoint:
    """A step measured for 60 s; by default it started every planned journey."""
    rate = offered if achieved is None else achieved
    half = 0.005 * rate if achieved_half is None else achieved_half
    service = mtt_ms / 2 if service_ms is None else service_ms
    return RatePoint(
        step=step,
        offered_rate=offered,
        achieved_rate=Measured(rate, rate - half, rate + half),
        planned_starts=round(offered * SECONDS),
        dropped=dropped,
        seconds=SECONDS,
        user_seen_ms=Measured(mtt_ms, mtt_ms - mtt_half_ms, mtt_ms + mtt_half_ms),
        service_ms=Measured(service, service - 5.0, service + 5.0),
    )


def test_a_stair_that_kept_up_and_stayed_under_the_target_reaches_neither():
    """Every step kept up and was under 500 ms: both answers are lower bounds, stated so."""
    fit = fit_arrivals([_point(1, 10, 20), _point(2, 20, 30), _point(3, 30, 45)], 500.0)
    assert fit.knee.text == "knee not reached in this run (kept up to 30.00 journeys/s)"
    assert fit.user_seen.state == NOT_REACHED
    assert fit.user_seen.text == "user-seen MTT reaches 500 ms above 30.00 journeys/s (not reached)"
    assert fit.trustworthy and fit.reason == ""


def test_the_knee_lies_between_the_last_step_that_kept_up_and_the_first_that_dropped():
    """Step 3 dropped 90 of 1,800 journeys (5% > 1%): the knee is between 20 and 30."""
    points = [_point(1, 10, 20), _point(2, 20, 30), _point(3, 30, 45, dropped=90)]
    knee = fit_arrivals(points, 500.0).knee
    assert knee.reached
    assert knee.text == (
        "knee between 20.00 and 30.00 journeys/s (step 3: 90 of 1,800 journeys dropped (5.0%))"
    )
    assert knee.to_dict()["last_kept_up"] == {"step": 2, "journeys_per_s": 20.0}


def test_an_achieved_rate_short_beyond_its_interval_fell_behind_but_within_it_kept_up():
    """27 (26.8 to 27.2) of 30 offered is behind; 29.0 (28.5 to 29.5) reaches 29.4 (2% off)."""
    behind = _point(2, 30, 40, achieved=27.0, achieved_half=0.2)
    within = _point(2, 30, 40, achieved=29.0, achieved_half=0.5)
    assert (
        behind.behind
        == "achieved 27.00 journeys/s (its 95% interval's high end 27.20) of 30.00 offered"
    )
    assert within.behind == ""
    assert fit_arrivals([_point(1, 10, 20), behind], 500.0).knee.text.startswith(
        "knee between 10.00 and 30.00 journeys/s"
    )


def test_the_first_step_falling_behind_puts_the_knee_at_or_below_it():
    """Nothing kept up: the knee is at or below the first rate, and one rate is too few."""
    fit = fit_arrivals([_point(1, 40, 120, dropped=60)], 500.0)
    assert fit.knee.text.startswith("knee at or below 40.00 journeys/s (the first step already")
    assert not fit.trustworthy
    assert fit.reason == "1 offered rate measured; a knee and a crossing need at least 2"


def test_the_rate_at_the_target_is_interpolated_with_its_range_from_the_mtt_intervals():
    """300 (280 to 320) ms at 20/s and 700 (650 to 750) ms at 30/s: 500 ms at 25.00/s; the
    high ends give 20 + 180/430 x 10 = 24.19, the low ends 20 + 220/370 x 10 = 25.95."""
    points = [_point(1, 10, 100), _point(2, 20, 300, 20), _point(3, 30, 700, 50)]
    fit = fit_arrivals(points, 500.0)
    assert fit.user_seen.state == CROSSED
    assert fit.user_seen.rate == pytest.approx(25.0)
    assert fit.user_seen.low == pytest.approx(20 + 180 / 430 * 10)
    assert fit.user_seen.high == pytest.approx(20 + 220 / 370 * 10)
    assert fit.user_seen.text == (
        "user-seen MTT reaches 500 ms at 25.00 journeys/s (95% CI 24.19 to 25.95)"
    )
    assert fit.trustworthy
    # the service times (half the user-seen ones here) stay under 500 ms
    assert fit.service.text == "service MTT reaches 500 ms above 30.00 journeys/s (not reached)"


def test_a_step_whose_interval_holds_the_target_leaves_the_rate_undetermined():
    """450 (380 to 520) ms at 20/s straddles 500 ms: undetermined between 10 and 30, untrusted."""
    points = [_point(1, 10, 100), _point(2, 20, 450, 70), _point(3, 30, 700, 50)]
    fit = fit_arrivals(points, 500.0)
    assert fit.user_seen.state == UNDETERMINED
    assert fit.user_seen.straddling is points[1]
    assert fit.user_seen.text == (
        "user-seen MTT reaches 500 ms: undetermined between 10.00 and 30.00 journeys/s"
    )
    assert not fit.trustworthy
    assert fit.reason == (
        "where the user-seen MTT reaches 500 ms is not settled: step 2 (20.00 journeys/s) "
        "has 500 ms inside its MTT interval (380.0 to 520.0 ms)"
    )


def test_a_straddling_last_step_is_undetermined_above_the_last_step_under_the_target():
    """No step is confidently over 500 ms: the rate is only known to be above 20/s."""
    points = [_point(1, 10, 100), _point(2, 20, 200), _point(3, 30, 480, 40)]
    fit = fit_arrivals(points, 500.0)
    assert fit.user_seen.text == "user-seen MTT reaches 500 ms: undetermined above 20.00 journeys/s"


def test_a_first_step_over_the_target_puts_the_rate_below_it():
    """Already 800 ms at the first rate: the target is reached below 10/s."""
    fit = fit_arrivals([_point(1, 10, 800), _point(2, 20, 900)], 500.0)
    assert fit.user_seen.state == ALREADY_OVER
    assert fit.user_seen.text == (
        "user-seen MTT reaches 500 ms below 10.00 journeys/s (over it at the first step)"
    )


def test_non_monotone_steps_take_the_first_confident_crossing_and_name_the_later_ones():
    """600 ms at 20/s, 400 ms at 30/s, 800 ms at 40/s: the crossing is between 10 and 20, and
    step 3 is named as back under the target; step 3 keeping up after dropping is named too."""
    points = [
        _point(1, 10, 100),
        _point(2, 20, 600, dropped=30),
        _point(3, 30, 400),
        _point(4, 40, 800),
    ]
    fit = fit_arrivals(points, 500.0)
    assert fit.user_seen.state == CROSSED
    assert 10 < fit.user_seen.rate < 20  # type: ignore[operator]
    assert fit.user_seen.notes == (
        "step 3 (30.00 journeys/s) was under the target again after the first step over it: "
        "a transient or noise",
    )
    assert fit.knee.text.startswith("knee between 10.00 and 20.00 journeys/s")
    assert fit.knee.notes[0].startswith("step 3 (30.00 journeys/s) kept up again after the knee")


def test_a_step_that_fell_behind_cannot_show_the_target_was_kept():
    """Dropping journeys at 30/s with a low MTT (only the journeys that started count): the
    rate at the target is undetermined above the last step that kept up."""
    points = [_point(1, 10, 100), _point(2, 20, 150), _point(3, 30, 200, dropped=300)]
    fit = fit_arrivals(points, 500.0)
    assert fit.user_seen.text == "user-seen MTT reaches 500 ms: undetermined above 20.00 journeys/s"
    assert "fell behind (300 of 1,800 journeys dropped (16.7%))" in fit.user_seen.why


def test_the_summary_object_holds_both_views_and_the_knee():
    """summary.json's arrival_model: trusted, the knee's steps and each view's state (the
    service MTT, 350 ms at the step that fell behind, cannot show the target was kept)."""
    points = [_point(1, 10, 100), _point(2, 20, 300, 20), _point(3, 30, 700, 50, dropped=60)]
    content = fit_arrivals(points, 500.0).to_dict()
    assert content["trusted"] is True
    assert content["knee"]["first_behind"] == {"step": 3, "journeys_per_s": 30.0}
    assert content["user_seen_at_target"]["state"] == CROSSED
    assert content["user_seen_at_target"]["journeys_per_s"] == pytest.approx(25.0)
    assert content["service_at_target"]["state"] == UNDETERMINED
    assert content["service_at_target"]["low"] == 20.0

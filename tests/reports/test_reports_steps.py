"""The per-step table, against numbers computed by hand from the synthetic run."""

from __future__ import annotations

import pandas as pd
import pytest

from reports.build import analyse
from reports.steps import COMPLETE, NOT_REACHED, PARTIAL, RAMP_ONLY, mixture_quantile


def test_plateau_numbers_match_the_generated_run(make_run):
    """Each step's TPS, MTT, percentiles, error rate and TPS/user are the plateau's values."""
    steps = analyse(make_run()).steps
    assert [step.status for step in steps] == [COMPLETE] * 3
    assert [step.tps for step in steps] == [1000.0, 1600.0, 1200.0]
    assert [step.mtt_ms for step in steps] == [100.0, 125.0, 250.0]
    # p50/p95/p99 default to 0.9/1.6/2.0 x the mean in the generator.
    assert [step.p50_ms for step in steps] == pytest.approx([90.0, 112.5, 225.0])
    assert [step.p95_ms for step in steps] == pytest.approx([160.0, 200.0, 400.0])
    assert [step.p99_ms for step in steps] == pytest.approx([200.0, 250.0, 500.0])
    assert [step.error_rate for step in steps] == [0.0, 0.0, 12 / 1200]
    assert [step.tps_per_user for step in steps] == [10.0, 8.0, 4.0]


def test_ramp_is_excluded_from_each_step(make_run):
    """The window runs from ramp_end_s to end_s: 15 of 20 seconds, none at ramp speed."""
    first = analyse(make_run()).steps[0]
    assert (first.window_start_s, first.window_end_s, first.seconds) == (5.0, 20.0, 15.0)
    assert first.requests == 15 * 1000


def test_exclude_seconds_drops_more_after_the_ramp(make_run):
    """--exclude-seconds 3 starts each window 3 s after the ramp ends."""
    steps = analyse(make_run(), exclude_seconds=3).steps
    assert [step.window_start_s for step in steps] == [8.0, 28.0, 48.0]
    assert [step.requests for step in steps] == [12 * 1000, 12 * 1600, 12 * 1200]


def test_seconds_without_requests_lower_tps_but_not_mtt(make_run):
    """Two idle seconds in step 1: TPS = 13,000 requests / 15 s, MTT still 100 ms."""
    first = analyse(make_run(idle_seconds=(10, 11))).steps[0]
    assert first.tps == pytest.approx(13_000 / 15)
    assert first.mtt_ms == 100.0
    assert first.p95_ms == pytest.approx(160.0)


def test_run_stopped_in_the_last_step_reports_it_as_partial(make_run):
    """Stopped at 50 s: step 3 is measured over 45-50 s only and marked partial."""
    third = analyse(make_run(stop_at_s=50, exit_reason="interrupted")).steps[2]
    assert (third.status, third.seconds, third.tps) == (PARTIAL, 5.0, 1200.0)


def test_steps_never_reached_have_no_numbers(make_run):
    """Stopped at 38 s: step 2 is partial, step 3 not reached and empty."""
    steps = analyse(make_run(stop_at_s=38)).steps
    assert [step.status for step in steps] == [COMPLETE, PARTIAL, NOT_REACHED]
    assert steps[2].tps is None and steps[2].mtt_ms is None and steps[2].requests == 0


def test_run_stopped_during_a_ramp_marks_that_step_ramp_only(make_run):
    """Stopped at 43 s, inside step 3's ramp: no measurement window, status 'ramp only'."""
    assert analyse(make_run(stop_at_s=43)).steps[2].status == RAMP_ONLY


def test_step_percentile_is_the_percentile_of_the_mixture():
    """Uniform 0-200 ms and 200-400 ms seconds, 100 requests each: the step is uniform 0-400."""
    rows = pd.DataFrame(
        {
            "requests": [100, 100],
            "min_ms": [0.0, 200.0],
            "p50_ms": [100.0, 300.0],
            "p95_ms": [190.0, 390.0],
            "p99_ms": [198.0, 398.0],
            "max_ms": [200.0, 400.0],
        }
    )
    assert mixture_quantile(rows, 0.50) == pytest.approx(200.0, abs=1e-6)
    assert mixture_quantile(rows, 0.95) == pytest.approx(380.0, abs=1e-6)
    assert mixture_quantile(rows, 0.99) == pytest.approx(396.0, abs=1e-6)


def test_mixture_percentile_weights_seconds_by_requests():
    """A busy fast second outweighs a quiet slow one: 900 at 0-100 ms, 100 at 100-200 ms."""
    rows = pd.DataFrame(
        {
            "requests": [900, 100],
            "min_ms": [0.0, 100.0],
            "p50_ms": [50.0, 150.0],
            "p95_ms": [95.0, 195.0],
            "p99_ms": [99.0, 199.0],
            "max_ms": [100.0, 200.0],
        }
    )
    assert mixture_quantile(rows, 0.50) == pytest.approx(50.0 / 0.9, abs=1e-6)
    assert mixture_quantile(rows, 0.95) == pytest.approx(150.0, abs=1e-6)

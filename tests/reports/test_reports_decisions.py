"""Decisions from the steps, only as firm as their 95% intervals: tables of cases."""

from __future__ import annotations

import numpy as np
import pytest

from reports.build import analyse
from reports.decisions import (
    ABOVE,
    BELOW,
    STRADDLES,
    against_target,
    indistinguishable_text,
    knee_with_confidence,
    users_within_target,
)
from reports.steps import COMPLETE, StepResult
from reports.uncertainty import Interval, batch_means_interval

TARGET_MS = 500.0


def step(
    number: int,
    users: int,
    mtt: tuple[float, float, float] = (100.0, 90.0, 110.0),
    tps: tuple[float, float, float] = (1000.0, 1000.0, 1000.0),
    error_rate: float = 0.0,
) -> StepResult:
    """A valid measured step with MTT (estimate, low, high) and TPS (estimate, low, high)."""
    return StepResult(
        step=number,
        users=users,
        start_s=0.0,
        end_s=60.0,
        window_start_s=10.0,
        window_end_s=60.0,
        status=COMPLETE,
        seconds=50.0,
        requests=50_000,
        failures=0,
        actual_users=float(users),
        tps=tps[0],
        mtt_ms=mtt[0],
        p50_ms=None,
        p95_ms=None,
        p99_ms=None,
        error_rate=error_rate,
        cpu_warning=False,
        tps_interval=Interval(tps[0], tps[1], tps[2], 50),
        mtt_interval=Interval(mtt[0], mtt[1], mtt[2], 50),
    )


@pytest.mark.parametrize(
    ("mtt", "error_rate", "expected"),
    [
        ((450.0, 420.0, 480.0), 0.0, BELOW),
        ((550.0, 520.0, 580.0), 0.0, ABOVE),
        ((510.0, 470.0, 550.0), 0.0, STRADDLES),
        ((490.0, 470.0, 550.0), 0.0, STRADDLES),
        ((500.0, 490.0, 500.0), 0.0, BELOW),  # at the target is within it
        ((450.0, 420.0, 480.0), 0.5, ABOVE),  # errors over the threshold: a breach
    ],
)
def test_a_step_is_above_below_or_straddling_the_target(mtt, error_rate, expected):
    """Above: interval entirely over; below: entirely at or under; else it straddles."""
    assert against_target(step(1, 100, mtt, error_rate=error_rate), TARGET_MS, 0.01) == expected


BELOW_T = (300.0, 280.0, 320.0)
ABOVE_T = (700.0, 650.0, 750.0)
STRADDLE_T = (520.0, 460.0, 580.0)


@pytest.mark.parametrize(
    ("mtts", "text", "users"),
    [
        ([BELOW_T, BELOW_T, BELOW_T], "1,400", 1400),
        ([BELOW_T, BELOW_T, ABOVE_T], "1,300", 1300),
        ([ABOVE_T, ABOVE_T, ABOVE_T], "none", None),
        ([BELOW_T, STRADDLE_T, ABOVE_T], "undetermined between 1,200 and 1,300 users", None),
        ([BELOW_T, STRADDLE_T, STRADDLE_T], "undetermined between 1,200 and 1,400 users", None),
        ([STRADDLE_T, BELOW_T, ABOVE_T], "undetermined between 0 and 1,300 users", None),
        # a straddling step after a confident breach does not matter
        ([BELOW_T, ABOVE_T, STRADDLE_T], "1,200", 1200),
        # the seed's shape: over, back under, over again; the first confident breach decides
        ([BELOW_T, STRADDLE_T, BELOW_T, ABOVE_T], "undetermined between 1,200 and 1,400 users",
         None),
    ],
)  # fmt: skip
def test_max_users_within_target_is_as_firm_as_the_intervals(mtts, text, users):
    """The last step before the first confident breach, or a range when one straddles."""
    steps = [step(index + 1, 1200 + 100 * index, mtt) for index, mtt in enumerate(mtts)]
    within = users_within_target(steps, TARGET_MS, 0.01)
    assert within.text() == text
    assert within.users == users


def test_an_undetermined_answer_says_which_step_straddles_and_how_long_to_measure():
    """The note names the straddling step, its interval and the seconds that would settle it."""
    steps = [step(1, 1200, BELOW_T), step(2, 1300, STRADDLE_T), step(3, 1400, ABOVE_T)]
    note = users_within_target(steps, TARGET_MS, 0.01).note
    assert note.startswith("step 2 (1,300 users): MTT 520.0 ms, 95% CI 460.0 to 580.0 ms")
    # half-width 60, distance 20: 1.1 x 50 s x 9 = 495 s
    assert "about 495 s of measurement per step (now 50 s) would settle it" in note


FLAT = (1000.0, 990.0, 1010.0)


@pytest.mark.parametrize(
    ("tps", "knee", "note_start"),
    [
        # 10 TPS per user, then +10/user, +1/user: the knee at step 3, confidently
        ([(1000.0, 990.0, 1010.0), (2000.0, 1990.0, 2010.0), (2100.0, 2090.0, 2110.0)], 3,
         "step 3"),
        # still linear: no knee
        ([(1000.0, 990.0, 1010.0), (2000.0, 1990.0, 2010.0), (3000.0, 2990.0, 3010.0)], None,
         "not found in this run: TPS still grows"),
        # the point estimate flattens, but the intervals are wide: not distinguishable
        ([(1000.0, 900.0, 1100.0), (2000.0, 1500.0, 2500.0), (2300.0, 1800.0, 2800.0)], None,
         "not found in this run: the TPS gain per user falls below half of step 1's at steps 3"),
    ],
)  # fmt: skip
def test_knee_is_found_only_when_the_gain_is_below_half_with_confidence(tps, knee, note_start):
    """Knee: the gain's interval entirely below half the first step's TPS per user."""
    steps = [step(index + 1, 100 * (index + 1), tps=value) for index, value in enumerate(tps)]
    found = knee_with_confidence(steps)
    assert found.step == knee
    assert found.note.startswith(note_start)


def test_stress_step_straddling_the_target_is_a_verdict_at_the_margin(make_run, capsys):
    """Noisy stress step around the target: the MTT check and the reason say 'at the margin'."""
    from synthetic import StepSpec

    rng = np.random.default_rng(2)
    noise = rng.normal(0.0, 0.3, 60)
    run_dir = make_run(
        steps=(StepSpec(100, 1000, 100.0), StepSpec(200, 1000, 201.0), StepSpec(300, 1000, 200.0)),
        time_factors=list(np.exp(noise - noise.mean())),
    )
    analysis = analyse(run_dir)
    stress = analysis.steps[-1]
    assert stress.mtt_interval.straddles(200.0)
    check = analysis.verdict.checks[0]
    assert check.margin.startswith("at the margin: the 95% CI of its MTT")
    assert "would settle it" in check.margin
    assert "at the margin" in analysis.verdict.reason


def test_stress_step_clearly_over_the_target_is_not_at_the_margin(make_run):
    """Constant seconds far over the target: a plain FAIL, no margin."""
    verdict = analyse(make_run()).verdict
    assert verdict.verdict == "FAIL"
    assert verdict.checks[0].margin == ""
    assert "margin" not in verdict.reason


def test_intervals_straddling_the_target_come_from_real_seconds():
    """A step of noisy seconds around the target straddles it; far from it, it does not."""
    rng = np.random.default_rng(8)
    seconds = 500.0 * np.exp(rng.normal(0.0, 0.2, 50))
    requests = np.full(50, 100.0)
    interval = batch_means_interval(seconds * requests, requests)
    assert interval.straddles(interval.estimate)
    assert not interval.straddles(interval.estimate * 1.5)


@pytest.mark.parametrize(
    ("tps", "mtt", "text"),
    [
        # far apart everywhere: every step distinguishable
        ([(1000.0, 990.0, 1010.0), (2000.0, 1990.0, 2010.0)],
         [(100.0, 95.0, 105.0), (200.0, 190.0, 210.0)], "none"),
        # TPS intervals overlap, MTT ones do not
        ([(1000.0, 900.0, 1100.0), (1050.0, 950.0, 1150.0)],
         [(100.0, 95.0, 105.0), (200.0, 190.0, 210.0)], "TPS: steps 1 and 2"),
        # both overlap
        ([(1000.0, 900.0, 1100.0), (1050.0, 950.0, 1150.0)],
         [(480.0, 400.0, 560.0), (520.0, 450.0, 590.0)], "TPS: steps 1 and 2; MTT: steps 1 and 2"),
    ],
)  # fmt: skip
def test_neighbouring_steps_with_overlapping_intervals_are_not_distinguishable(tps, mtt, text):
    """Overlapping 95% intervals between neighbours are named, per figure."""
    steps = [step(i + 1, 100 * (i + 1), mtt[i], tps[i]) for i in range(2)]
    assert indistinguishable_text(steps) == text

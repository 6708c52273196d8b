"""Per-step 95% intervals: batch means over the seconds, checked by their coverage."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from synthetic import SyntheticRun, closed_model_steps, write_run

from reports.build import analyse, build
from reports.uncertainty import MIN_SECONDS, batch_means_interval

SEEDS = 200
PLATEAU_SECONDS = 50  # a 60 s step less its 10 s ramp
PHI = 0.7  # lag-1 autocorrelation of the per-second noise
NOISE_SD = 0.1  # of the log response time


def ar1(rng: np.random.Generator, seeds: int, seconds: int, phi: float, sd: float) -> np.ndarray:
    """Stationary AR(1) series, one row per seed, marginal standard deviation ``sd``."""
    shocks = rng.normal(0.0, sd * np.sqrt(1.0 - phi**2), (seeds, seconds))
    series = np.empty((seeds, seconds))
    series[:, 0] = rng.normal(0.0, sd, seeds)
    for second in range(1, seconds):
        series[:, second] = phi * series[:, second - 1] + shocks[:, second]
    return series


def closed_loop_seconds(
    rng: np.random.Generator, mean_ms: float, tps: float, seeds: int = SEEDS
) -> tuple[np.ndarray, np.ndarray]:
    """Per-second mean response times and request counts: slow seconds serve fewer requests."""
    noise = ar1(rng, seeds, PLATEAU_SECONDS, PHI, NOISE_SD)
    means = mean_ms * np.exp(noise)
    requests = rng.poisson(tps * np.exp(-noise))
    return means, requests


def true_values(mean_ms: float, tps: float) -> tuple[float, float]:
    """The request-weighted MTT and the TPS the process above has in the long run."""
    noise = np.random.default_rng(0).normal(0.0, NOISE_SD, 2_000_000)
    weights = np.exp(-noise)
    return float((mean_ms * np.exp(noise) * weights).sum() / weights.sum()), tps * float(
        weights.mean()
    )


def test_mtt_and_tps_intervals_cover_the_true_value_in_at_least_90_percent_of_seeds():
    """Over 200 seeds of AR(1) per-second noise (phi 0.7), the 95% intervals cover the truth."""
    rng = np.random.default_rng(21)
    means, requests = closed_loop_seconds(rng, 400.0, 300.0)
    true_mtt, true_tps = true_values(400.0, 300.0)
    mtt_hits = tps_hits = 0
    for seed in range(SEEDS):
        mtt = batch_means_interval(means[seed] * requests[seed], requests[seed])
        tps = batch_means_interval(requests[seed], np.ones(PLATEAU_SECONDS))
        mtt_hits += mtt.low <= true_mtt <= mtt.high
        tps_hits += tps.low <= true_tps <= tps.high
    assert mtt_hits / SEEDS >= 0.90, mtt_hits
    assert tps_hits / SEEDS >= 0.90, tps_hits


def test_correlated_seconds_get_longer_batches_than_independent_ones():
    """The batch grows with the autocorrelation: independent seconds keep 1-second batches."""
    rng = np.random.default_rng(5)
    flat = 300 + rng.normal(0.0, 10.0, 200)
    correlated = 300 + 30 * ar1(rng, 1, 200, 0.9, 1.0)[0]
    assert batch_means_interval(flat, np.ones(200)).batch_seconds <= 2
    assert batch_means_interval(correlated, np.ones(200)).batch_seconds >= 5


def test_a_trend_that_never_decorrelates_widens_the_interval_and_says_so():
    """Seconds drifting up throughout: the 5 longest batches stay correlated, so widen."""
    drift = np.linspace(100.0, 200.0, 40)
    interval = batch_means_interval(drift, np.ones(40))
    assert interval.widened > 1.0
    assert interval.batches == 5
    assert "widened" in interval.note and "measure the step longer" in interval.note


def test_too_few_seconds_give_no_interval_and_the_reason():
    """Below MIN_SECONDS seconds there is no interval, and its note says how many are needed."""
    interval = batch_means_interval([5.0] * (MIN_SECONDS - 1), [1.0] * (MIN_SECONDS - 1))
    assert not interval.computable
    assert interval.estimate == 5.0
    assert interval.note == f"only {MIN_SECONDS - 1} s measured (an interval needs at least 10 s)"


def test_mtt_interval_is_request_weighted():
    """A busy fast second weighs more than an idle slow one: the ratio of sums, not a mean."""
    requests = np.array([100.0, 1.0] * 10)
    means = np.array([100.0, 1000.0] * 10)
    interval = batch_means_interval(means * requests, requests)
    assert interval.estimate == pytest.approx((100 * 100 + 1000) / 101)


def test_seconds_to_settle_scale_with_the_square_of_the_half_width():
    """Halving the distance to the value needs four times the seconds."""
    rng = np.random.default_rng(3)
    interval = batch_means_interval(300 + rng.normal(0, 20, 60), np.ones(60))
    near = interval.seconds_to_settle(interval.estimate + interval.half_width / 2)
    far = interval.seconds_to_settle(interval.estimate + interval.half_width)
    assert near == pytest.approx(4 * far, rel=0.05)
    assert far == pytest.approx(1.1 * 60, abs=1)


def noisy_run(seed: int = 1) -> SyntheticRun:
    """Three 60-second steps with AR(1) response-time noise and fewer requests when slow."""
    rng = np.random.default_rng(seed)
    noise = ar1(rng, 1, 180, PHI, NOISE_SD)[0]
    return SyntheticRun(
        steps=closed_model_steps([100, 200, 300], [100.0, 200.0, 600.0]),
        time_factors=list(np.exp(noise)),
        request_factors=list(np.exp(-noise)),
    )


def test_the_report_files_carry_each_steps_interval(tmp_path):
    """steps.csv and summary.json hold tps_ci_* and mtt_ci_*_ms around the step's figures."""
    run_dir = write_run(tmp_path / "run", noisy_run())
    build(run_dir)
    with (run_dir / "steps.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    summary = json.loads((run_dir / "summary.json").read_text())
    for row, step in zip(rows, summary["steps"], strict=True):
        assert float(row["tps_ci_low"]) < float(row["tps"]) < float(row["tps_ci_high"])
        assert float(row["mtt_ci_low_ms"]) < float(row["mtt_ms"]) < float(row["mtt_ci_high_ms"])
        assert step["mtt_ci_low_ms"] == pytest.approx(float(row["mtt_ci_low_ms"]))


def test_constant_seconds_give_a_zero_width_interval(make_run):
    """Every plateau second the same: the interval is the figure itself."""
    step = analyse(make_run()).steps[0]
    assert (step.mtt_ci_low_ms, step.mtt_ci_high_ms) == (step.mtt_ms, step.mtt_ms)
    assert (step.tps_ci_low, step.tps_ci_high) == (step.tps, step.tps)

"""The USL's bootstrap intervals: N* covered over 200 seeds of noisy plateaus, fast enough."""

from __future__ import annotations

import time

import numpy as np
import pytest

from capacity.usl import Point, fit_usl, peak_users, usl_tps_array
from capacity.usl_bootstrap import Range, fit_many, usl_intervals
from reports.uncertainty import batch_means_interval

SIGMA, KAPPA, LAMBDA = 0.05, 0.0002, 10.0  # N* = sqrt(0.95 / 0.0002) = 68.9 users
USERS = np.array([1.0, 10.0, 20.0, 40.0, 60.0, 80.0, 100.0, 120.0])
SECONDS = 50
PHI = 0.7
NOISE_SD = 0.05
SEEDS = 200


def plateau_seconds(rng: np.random.Generator) -> np.ndarray:
    """(plateaus, seconds) requests: Poisson around X(N), times AR(1) noise on the log rate."""
    true_tps = usl_tps_array(USERS, SIGMA, KAPPA, LAMBDA)
    shocks = rng.normal(0.0, NOISE_SD * np.sqrt(1 - PHI**2), (len(USERS), SECONDS))
    noise = np.empty_like(shocks)
    noise[:, 0] = rng.normal(0.0, NOISE_SD, len(USERS))
    for second in range(1, SECONDS):
        noise[:, second] = PHI * noise[:, second - 1] + shocks[:, second]
    return rng.poisson(true_tps[:, None] * np.exp(noise - NOISE_SD**2 / 2))


def intervals_of(requests: np.ndarray, resamples: int = 200):
    """Point fit and bootstrap intervals from each plateau's per-second requests."""
    steps = [batch_means_interval(row, np.ones(SECONDS)) for row in requests]
    tps = [step.estimate for step in steps]
    model = fit_usl([Point(users, value) for users, value in zip(USERS, tps, strict=True)])
    return model, usl_intervals(
        USERS,
        tps,
        [step.standard_error for step in steps],
        [step.batches - 1 for step in steps],
        (model.sigma, model.kappa, model.lambda_),
        resamples=resamples,
    )


def test_n_star_interval_covers_the_true_value_in_at_least_90_percent_of_200_seeds():
    """Known sigma, kappa, lambda; AR(1) noise per second: the 95% N* interval covers N*."""
    truth = peak_users(SIGMA, KAPPA)
    rng = np.random.default_rng(11)
    hits = 0
    for _ in range(SEEDS):
        _, intervals = intervals_of(plateau_seconds(rng))
        low, high = intervals.peak_users.low, intervals.peak_users.high
        hits += (low is None or low <= truth) and (high is None or truth <= high)
    assert hits / SEEDS >= 0.90, hits


def test_vectorised_fit_agrees_with_the_point_fit():
    """fit_many from a poor start lands on scipy's least-squares answer."""
    tps = usl_tps_array(USERS, SIGMA, KAPPA, LAMBDA) * (1 + 0.02 * np.sin(USERS))
    model = fit_usl([Point(users, value) for users, value in zip(USERS, tps, strict=True)])
    sigma, kappa, lambda_ = fit_many(USERS, tps[None, :], (0.2, 0.001, tps[0]))[0]
    assert (sigma, kappa, lambda_) == pytest.approx(
        (model.sigma, model.kappa, model.lambda_), rel=1e-3
    )


def test_the_report_sized_bootstrap_takes_well_under_a_second():
    """400 resamples over 8 plateaus: a few tens of milliseconds (a generous 1 s bound)."""
    requests = plateau_seconds(np.random.default_rng(3))
    started = time.perf_counter()
    intervals_of(requests, resamples=400)
    assert time.perf_counter() - started < 1.0


def test_no_kappa_means_no_upper_end_for_n_star():
    """Pure contention data (kappa 0): N* is unbounded above in the resamples."""
    tps = usl_tps_array(USERS, 0.05, 0.0, LAMBDA)
    intervals = usl_intervals(USERS, tps, 0.01 * tps, [9] * len(USERS), (0.05, 0.0, LAMBDA))
    assert intervals.peak_users.high is None
    assert intervals.peak_users.text().startswith("from ")


def test_a_range_reads_as_low_to_high():
    """Range text: both ends, one open end, or n/a."""
    assert Range(1200.0, 1650.0).text() == "1,200 to 1,650"
    assert Range(1200.0, None).text() == "from 1,200 (no upper end)"
    assert Range(None, None).text() == "n/a"

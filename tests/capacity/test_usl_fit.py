"""The USL fit: recovery of known parameters from noisy synthetic plateaus, and trust rules."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capacity.usl import (
    Point,
    fit_usl,
    peak_users,
    users_at_response_time,
    usl_tps,
)

# A service whose peak (N* = 1,580) lies inside the measured range: probes at 1, 100 and
# 400 users below the planned stair 1,200 -> 2,100 of scenario 2.
SIGMA, KAPPA, LAMBDA = 0.002, 4e-7, 50.0
TRUE_PEAK = math.sqrt((1 - SIGMA) / KAPPA)
USERS = (1, 100, 400, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900, 2000, 2100)


def _plateaus(seed: int, noise: float, users: tuple[int, ...] = USERS) -> list[Point]:
    """Measured TPS = true X(N) x (1 + gaussian noise of relative size ``noise``)."""
    rnd = random.Random(seed)
    return [Point(n, usl_tps(n, SIGMA, KAPPA, LAMBDA) * (1 + rnd.gauss(0, noise))) for n in users]


@pytest.mark.parametrize("seed", range(20))
def test_fit_recovers_parameters_within_tolerance_at_one_percent_noise(seed: int) -> None:
    """With 1% noise: sigma within 0.0005, kappa within 25%, lambda within 3%, N* within 10%."""
    model = fit_usl(_plateaus(seed, 0.01))
    assert model.trustworthy, model.reason
    assert model.sigma == pytest.approx(SIGMA, abs=0.0005)
    assert model.kappa == pytest.approx(KAPPA, rel=0.25)
    assert model.lambda_ == pytest.approx(LAMBDA, rel=0.03)
    assert model.peak_users == pytest.approx(TRUE_PEAK, rel=0.10)


def test_standard_errors_cover_the_true_values_about_95_percent_of_the_time() -> None:
    """Over 100 noisy data sets, the true sigma, kappa, lambda and N* lie within 2 SE in 88-99%."""
    hits = {"sigma": 0, "kappa": 0, "lambda": 0, "peak": 0}
    for seed in range(100):
        model = fit_usl(_plateaus(seed, 0.02))
        assert model.sigma_se and model.kappa_se and model.lambda_se and model.peak_users_se
        hits["sigma"] += abs(model.sigma - SIGMA) <= 2 * model.sigma_se
        hits["kappa"] += abs(model.kappa - KAPPA) <= 2 * model.kappa_se
        hits["lambda"] += abs(model.lambda_ - LAMBDA) <= 2 * model.lambda_se
        hits["peak"] += abs(model.peak_users - TRUE_PEAK) <= 2 * model.peak_users_se
    assert all(88 <= count <= 99 for count in hits.values()), hits


def test_exact_points_give_r2_of_one() -> None:
    """Noise-free points are fitted exactly: R^2 is 1 to six places."""
    model = fit_usl(_plateaus(0, 0.0))
    assert model.r2 == pytest.approx(1.0, abs=1e-6)


def test_predicted_mtt_is_the_closed_model() -> None:
    """mtt_ms_at(N) is (N / X(N) - Z) in milliseconds."""
    model = fit_usl(_plateaus(0, 0.0), think_seconds=0.05)
    expected = (1500 / model.tps_at(1500) - 0.05) * 1000
    assert model.mtt_ms_at(1500) == pytest.approx(expected)


def test_users_at_target_is_where_predicted_mtt_reaches_500_ms() -> None:
    """The predicted MTT at users_at_target is the 500 ms target."""
    model = fit_usl(_plateaus(1, 0.01))
    assert model.users_at_target is not None
    assert model.mtt_ms_at(model.users_at_target) == pytest.approx(500.0, rel=1e-6)


def test_five_plateaus_are_not_trustworthy_and_show_no_extrapolation() -> None:
    """Fewer than 6 plateaus: trustworthy False, a reason, and no N* or users at 500 ms."""
    model = fit_usl(_plateaus(0, 0.01, users=(1, 100, 400, 1200, 1300)))
    assert not model.trustworthy
    assert model.reason == "only 5 plateaus (need at least 6)"
    assert (model.peak_users, model.peak_tps, model.users_at_target) == (None, None, None)


def test_a_poor_fit_is_not_trustworthy() -> None:
    """Scattered TPS (R^2 below 0.9) is reported as such."""
    rnd = random.Random(7)
    model = fit_usl([Point(n, 1000 * rnd.uniform(0.5, 1.5)) for n in USERS])
    assert not model.trustworthy
    assert model.reason.startswith("R^2 ")


def test_only_plateaus_past_the_peak_are_not_trustworthy() -> None:
    """Falling TPS on every plateau (negative slope) leaves lambda unpinned: not trustworthy."""
    model = fit_usl([Point(n, 5000 - 2 * n) for n in range(1200, 2200, 100)])
    assert not model.trustworthy
    assert model.reason


@pytest.mark.parametrize(
    ("points", "reason"),
    [
        ([Point(100, 50.0)], "1 plateau(s) at 1 user count(s)"),
        ([Point(n, 0.0) for n in USERS], "the plateau at 1 users served nothing (TPS 0)"),
        ([Point(n, float("nan")) for n in USERS], "the plateau at 1 users has no usable TPS"),
        ([Point(n, 700.0) for n in USERS], "TPS is the same at every plateau"),
        ([], "0 plateau(s) at 0 user count(s)"),
    ],
    ids=["one point", "zero tps", "nan", "flat", "empty"],
)
def test_degenerate_inputs_are_not_trustworthy(points: list[Point], reason: str) -> None:
    """One point, zero TPS, NaN, flat TPS or nothing: no crash, trustworthy False, a reason."""
    model = fit_usl(points)
    assert not model.trustworthy
    assert model.reason.startswith(reason)
    assert model.users_at_target is None


def test_model_serializes_to_the_summary_fields() -> None:
    """to_dict() carries every field summary.json's `model` object names."""
    fields = set(fit_usl(_plateaus(0, 0.01)).to_dict())
    assert {
        "sigma", "kappa", "lambda", "sigma_se", "kappa_se", "lambda_se", "r2", "peak_users",
        "peak_tps", "users_at_target_ms", "points", "trustworthy", "reason",
    } <= fields  # fmt: skip


_sigmas = st.floats(0.0, 0.5)
_kappas = st.floats(1e-8, 1e-3)
_lambdas = st.floats(1.0, 500.0)


@given(_sigmas, _kappas, _lambdas)
def test_peak_users_is_the_maximum_of_the_curve(sigma: float, kappa: float, lam: float) -> None:
    """X(N*) is not below X at 1% fewer or 1% more users."""
    top = peak_users(sigma, kappa)
    assert top is not None
    best = usl_tps(top, sigma, kappa, lam)
    assert best >= usl_tps(max(1.0, top * 0.99), sigma, kappa, lam) * (1 - 1e-12)
    assert best >= usl_tps(top * 1.01, sigma, kappa, lam) * (1 - 1e-12)


@given(_sigmas, _kappas, _lambdas, st.floats(0.05, 2.0), st.floats(0.0, 5.0))
def test_users_at_response_time_solves_the_closed_model(
    sigma: float, kappa: float, lam: float, target_s: float, think_s: float
) -> None:
    """N / X(N) - Z equals the target at the N returned (when one user alone is fast enough)."""
    users = users_at_response_time(sigma, kappa, lam, target_s, think_s)
    assert users is not None
    if lam * (target_s + think_s) < 1:
        assert users == 0.0
    else:
        response = users / usl_tps(users, sigma, kappa, lam) - think_s
        assert response == pytest.approx(target_s, rel=1e-6, abs=1e-9)


def test_without_contention_response_time_never_reaches_the_target() -> None:
    """sigma = kappa = 0: R(N) is constant, so no user count reaches 500 ms (None)."""
    assert users_at_response_time(0.0, 0.0, 100.0, 0.5, 0.0) is None

"""95% intervals for the USL's parameters and what they predict, by a parametric bootstrap.

Each plateau's TPS is known to within its own 95% interval (batch means over its seconds,
``reports.uncertainty``): a standard error ``se = half-width / t(0.975, k - 1)`` with ``k``
batches (the half-width widened for leftover autocorrelation, if it was). One resample
draws every plateau's TPS as ``TPS + se x T`` (``T`` Student-t with ``k - 1`` degrees of
freedom, so few batches give heavy tails) and refits the USL; the 95% interval of each
figure (sigma, kappa, lambda, N*, X(N*), the users at the target MTT) is the 2.5th to
97.5th percentile over the resamples. N* is infinite in a resample whose kappa is 0
(throughput never falls): an interval reaching it has no upper end (None).

All resamples are fitted at once, vectorised: a Levenberg-Marquardt iteration on the
relative residuals with the bounds of ``fit_usl`` (sigma and kappa in [0, 1], lambda > 0),
started from the point fit. numpy is imported inside the functions; the module is pure
(numbers in, numbers out). See docs/capacity-model.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

RESAMPLES = 400
SEED = 20261203
_ITERATIONS = 60
_LEVEL = 0.95


@dataclass(frozen=True)
class Range:
    """The 2.5th and 97.5th percentiles; None for an end that is infinite or unknown."""

    low: float | None
    high: float | None

    def text(self, digits: int = 0, sig: bool = False) -> str:
        """'1,200 to 1,650', 'from 1,200 (no upper end)' or 'n/a'."""

        def one(value: float) -> str:
            return f"{value:.4g}" if sig else f"{value:,.{digits}f}"

        if self.low is None and self.high is None:
            return "n/a"
        if self.high is None:
            return f"from {one(self.low)} (no upper end)"  # type: ignore[arg-type]
        if self.low is None:
            return f"up to {one(self.high)}"
        return f"{one(self.low)} to {one(self.high)}"

    def to_list(self) -> list[float | None]:
        """[low, high] for summary.json, 6 significant digits."""
        return [_round(self.low), _round(self.high)]


@dataclass(frozen=True)
class UslIntervals:
    """95% bootstrap intervals of a USL fit's parameters and derived figures."""

    resamples: int
    sigma: Range
    kappa: Range
    lambda_: Range
    peak_users: Range
    peak_tps: Range
    users_at_target: Range

    def to_dict(self) -> dict[str, Any]:
        """summary.json's ``model.intervals`` object."""
        return {
            "method": f"parametric bootstrap, {self.resamples} resamples, 2.5-97.5 percentiles",
            "sigma": self.sigma.to_list(),
            "kappa": self.kappa.to_list(),
            "lambda": self.lambda_.to_list(),
            "peak_users": self.peak_users.to_list(),
            "peak_tps": self.peak_tps.to_list(),
            "users_at_target_ms": self.users_at_target.to_list(),
        }


def resample_tps(
    tps: Sequence[float],
    standard_errors: Sequence[float],
    degrees: Sequence[int],
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> np.ndarray:
    """(resamples, points) TPS draws: TPS + se x Student-t(degrees), at least 1e-9."""
    import numpy as np

    rng = np.random.default_rng(seed)
    draws = rng.standard_t(np.asarray(degrees, dtype=float), size=(resamples, len(tps)))
    values = np.asarray(tps, dtype=float) + np.asarray(standard_errors, dtype=float) * draws
    return np.maximum(values, 1e-9)


def fit_many(users: Sequence[float], tps: Any, start: tuple[float, float, float]) -> np.ndarray:
    """Fit the USL to every row of ``tps`` (resamples x points) at once: (resamples, 3).

    Levenberg-Marquardt on the residuals (X(N) - TPS) / TPS, each row with its own
    damping, every step clipped into the bounds; ``_ITERATIONS`` iterations from ``start``.
    """
    import numpy as np

    counts = np.asarray(users, dtype=float)[None, :]
    measured = np.asarray(tps, dtype=float)
    rows = measured.shape[0]
    params = np.tile(np.asarray(start, dtype=float), (rows, 1))
    params[:, 0] = np.clip(params[:, 0], 1e-9, 1.0)
    params[:, 1] = np.clip(params[:, 1], 1e-15, 1.0)
    damping = np.full(rows, 1e-3)
    cost = _cost(params, counts, measured)
    for _ in range(_ITERATIONS):
        jacobian, residual = _jacobian(params, counts, measured)
        normal = np.einsum("rni,rnj->rij", jacobian, jacobian)
        gradient = np.einsum("rni,rn->ri", jacobian, residual)
        diagonal = np.einsum("rii->ri", normal) + 1e-30
        system = normal + damping[:, None, None] * np.einsum("ri,ij->rij", diagonal, np.eye(3))
        step = np.linalg.solve(system, -gradient[..., None])[..., 0]
        trial = params + step
        trial[:, 0] = np.clip(trial[:, 0], 0.0, 1.0)
        trial[:, 1] = np.clip(trial[:, 1], 0.0, 1.0)
        trial[:, 2] = np.maximum(trial[:, 2], 1e-12)
        trial_cost = _cost(trial, counts, measured)
        better = trial_cost < cost
        params[better] = trial[better]
        cost = np.where(better, trial_cost, cost)
        damping = np.where(better, damping / 3.0, damping * 4.0).clip(1e-12, 1e12)
    return params


def usl_intervals(
    users: Sequence[float],
    tps: Sequence[float],
    standard_errors: Sequence[float],
    degrees: Sequence[int],
    start: tuple[float, float, float],
    *,
    target_ms: float = 500.0,
    think_seconds: float = 0.0,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> UslIntervals:
    """The bootstrap intervals around a point fit ``start`` = (sigma, kappa, lambda)."""
    import numpy as np

    draws = resample_tps(tps, standard_errors, degrees, resamples, seed)
    params = fit_many(users, draws, start)
    sigma, kappa, lambda_ = params[:, 0], params[:, 1], params[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        top = np.where(kappa > 0, np.sqrt(np.clip(1.0 - sigma, 0.0, None) / kappa), np.inf)
        top = np.maximum(top, 1.0)
        peak = np.where(
            np.isfinite(top),
            lambda_ * top / (1.0 + sigma * (top - 1.0) + kappa * top * (top - 1.0)),
            np.where(sigma > 0, lambda_ / sigma, np.inf),
        )
    at_target = _users_at_target(sigma, kappa, lambda_, target_ms / 1000.0, think_seconds)
    return UslIntervals(
        resamples=resamples,
        sigma=_range(sigma),
        kappa=_range(kappa),
        lambda_=_range(lambda_),
        peak_users=_range(top),
        peak_tps=_range(peak),
        users_at_target=_range(at_target),
    )


def _users_at_target(
    sigma: np.ndarray, kappa: np.ndarray, lambda_: np.ndarray, target: float, think: float
) -> np.ndarray:
    """``capacity.usl.users_at_response_time`` over arrays (inf where it is never reached)."""
    import numpy as np

    budget = lambda_ * (target + think)
    a, b, c = kappa, sigma - kappa, (1.0 - sigma) - budget
    with np.errstate(divide="ignore", invalid="ignore"):
        quadratic = (-b + np.sqrt(np.clip(b * b - 4.0 * a * c, 0.0, None))) / (2.0 * a)
        linear = np.where(b > 0, -c / b, np.inf)
    result = np.where(a > 0, quadratic, linear)
    return np.where(budget < 1.0, 0.0, result)


def _range(values: np.ndarray) -> Range:
    import numpy as np

    tail = (1.0 - _LEVEL) / 2.0 * 100.0
    huge = 1e300  # infinity stands in as a huge number: percentiles of inf warn
    finite = np.where(np.isfinite(values), values, huge)
    low, high = np.percentile(finite, [tail, 100.0 - tail])
    return Range(float(low) if low < huge / 2 else None, float(high) if high < huge / 2 else None)


def _cost(params: np.ndarray, counts: np.ndarray, measured: np.ndarray) -> np.ndarray:
    _, residual = _jacobian(params, counts, measured, with_jacobian=False)
    return (residual**2).sum(axis=1)


def _jacobian(
    params: np.ndarray, counts: np.ndarray, measured: np.ndarray, with_jacobian: bool = True
) -> tuple[Any, np.ndarray]:
    import numpy as np

    sigma, kappa, lambda_ = (params[:, index][:, None] for index in range(3))
    denominator = 1.0 + sigma * (counts - 1.0) + kappa * counts * (counts - 1.0)
    model = lambda_ * counts / denominator
    residual = (model - measured) / measured
    if not with_jacobian:
        return None, residual
    scale = model / denominator / measured
    jacobian = np.stack(
        [
            -scale * (counts - 1.0),
            -scale * counts * (counts - 1.0),
            counts / denominator / measured,
        ],
        axis=2,
    )
    return jacobian, residual


def _round(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.6g}")

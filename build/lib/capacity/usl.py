"""The Universal Scalability Law fitted to measured plateaus, and what it predicts.

Gunther's USL gives the throughput of a closed system at ``N`` concurrent users:

    X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))

``lambda`` is the throughput of one user alone (TPS per user with no contention),
``sigma`` the share of the work that serialises (contention), ``kappa`` the cost of
keeping shared state coherent (crosstalk). ``fit_usl`` fits the three by bounded
non-linear least squares (``scipy.optimize.least_squares``; sigma and kappa in [0, 1],
lambda > 0) over (users, TPS) points, one per plateau, and derives:

- the peak concurrency ``N* = sqrt((1 - sigma) / kappa)`` (none when kappa = 0: the
  curve never turns down) and the peak throughput ``X(N*)`` (with kappa = 0, the
  ceiling ``lambda / sigma`` the curve approaches);
- the users at which the mean response time reaches the target, from the closed model
  ``R(N) = N / X(N) - Z`` (Z: think time per request).

A fit is trustworthy only with at least ``MIN_POINTS`` plateaus, R^2 of at least
``MIN_R2``, every plateau predicted within ``MAX_RELATIVE_ERROR`` and at least one plateau
below the fitted peak (else lambda is not pinned down). An untrustworthy fit keeps its
parameters (they describe the points) but no extrapolated number: ``peak_users``,
``peak_tps`` and ``users_at_target`` are None, and ``reason`` says why.

scipy and numpy are imported inside ``fit_usl`` only, so importing this module is cheap.
See docs/capacity-model.md for every formula.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MIN_POINTS = 6
MIN_R2 = 0.9
MAX_RELATIVE_ERROR = 0.10
_PARAMETERS = 3


@dataclass(frozen=True)
class Point:
    """One plateau: its user count, measured TPS and (optionally) measured MTT."""

    users: float
    tps: float
    mtt_ms: float | None = None
    probe: bool = False


@dataclass(frozen=True)
class UslModel:
    """A USL fit: parameters with standard errors, R^2, derived numbers and a verdict on trust.

    Parameters are None when no fit could be made at all (fewer points than parameters,
    or unusable points); derived numbers are None when the fit is not trustworthy.
    """

    sigma: float | None
    kappa: float | None
    lambda_: float | None
    sigma_se: float | None
    kappa_se: float | None
    lambda_se: float | None
    r2: float | None
    peak_users: float | None
    peak_users_se: float | None
    peak_tps: float | None
    users_at_target: float | None
    target_ms: float
    think_seconds: float
    points: tuple[Point, ...]
    trustworthy: bool
    reason: str

    @property
    def fitted(self) -> bool:
        """Whether the three parameters exist (a fit was made, trusted or not)."""
        return self.sigma is not None and self.kappa is not None and self.lambda_ is not None

    def tps_at(self, users: float) -> float | None:
        """The fitted X(users), or None without a fit."""
        if not self.fitted:
            return None
        return usl_tps(users, self.sigma, self.kappa, self.lambda_)  # type: ignore[arg-type]

    def mtt_ms_at(self, users: float) -> float | None:
        """The closed-model mean response time at ``users``: (N / X(N) - Z) in ms."""
        tps = self.tps_at(users)
        if tps is None or tps <= 0:
            return None
        return max(0.0, users / tps - self.think_seconds) * 1000.0

    def to_dict(self) -> dict[str, Any]:
        """summary.json's ``model`` object."""
        return {
            "sigma": _round(self.sigma),
            "kappa": _round(self.kappa),
            "lambda": _round(self.lambda_),
            "sigma_se": _round(self.sigma_se),
            "kappa_se": _round(self.kappa_se),
            "lambda_se": _round(self.lambda_se),
            "r2": _round(self.r2),
            "peak_users": _round(self.peak_users),
            "peak_users_se": _round(self.peak_users_se),
            "peak_tps": _round(self.peak_tps),
            "users_at_target_ms": _round(self.users_at_target),
            "target_ms": self.target_ms,
            "think_seconds": self.think_seconds,
            "points": [
                {
                    "users": point.users,
                    "tps": _round(point.tps),
                    "mtt_ms": _round(point.mtt_ms),
                    "probe": point.probe,
                    "predicted_tps": _round(self.tps_at(point.users)),
                    "predicted_mtt_ms": _round(self.mtt_ms_at(point.users)),
                }
                for point in self.points
            ],
            "trustworthy": self.trustworthy,
            "reason": self.reason,
        }


def usl_tps(users: float, sigma: float, kappa: float, lambda_: float) -> float:
    """X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))."""
    return lambda_ * users / (1.0 + sigma * (users - 1.0) + kappa * users * (users - 1.0))


def peak_users(sigma: float, kappa: float) -> float | None:
    """N* = sqrt((1 - sigma) / kappa), the concurrency of the highest throughput.

    None when kappa is 0 (throughput only flattens, never falls). At least 1 user.
    """
    if kappa <= 0:
        return None
    return max(1.0, math.sqrt(max(0.0, 1.0 - sigma) / kappa))


def throughput_ceiling(sigma: float, kappa: float, lambda_: float) -> float | None:
    """X(N*), or with kappa = 0 the asymptote lambda / sigma (None if sigma is 0 too)."""
    top = peak_users(sigma, kappa)
    if top is not None:
        return usl_tps(top, sigma, kappa, lambda_)
    return lambda_ / sigma if sigma > 0 else None


def users_at_response_time(
    sigma: float, kappa: float, lambda_: float, target_seconds: float, think_seconds: float
) -> float | None:
    """The N at which N / X(N) - Z reaches ``target_seconds``; None if it never does.

    N / X(N) = (1 + sigma (N - 1) + kappa N (N - 1)) / lambda, so the condition is the
    quadratic kappa N^2 + (sigma - kappa) N + (1 - sigma) - lambda (R + Z) = 0, whose
    larger root is the answer (R(N) grows with N). 0 when even one user is too slow.
    """
    budget = lambda_ * (target_seconds + think_seconds)
    if budget < 1.0:
        return 0.0  # the quadratic is positive at N = 1: one user alone is already too slow
    a, b, c = kappa, sigma - kappa, (1.0 - sigma) - budget
    if a > 0:
        # Negative at N = 1 and opening upwards: one real root above 1.
        return (-b + math.sqrt(b * b - 4.0 * a * c)) / (2.0 * a)
    if b > 0:
        return -c / b
    return None  # sigma = kappa = 0: response time never grows


def fit_usl(
    points: Sequence[Point], *, target_ms: float = 500.0, think_seconds: float = 0.0
) -> UslModel:
    """Fit the USL to ``points`` (one per plateau) and judge whether to trust it."""
    usable = tuple(sorted(points, key=lambda point: point.users))
    problem = _unusable(usable)
    if problem is not None:
        return _no_fit(usable, target_ms, think_seconds, problem)
    sigma, kappa, lambda_, errors, covariance = _least_squares(usable)
    model = UslModel(
        sigma=sigma,
        kappa=kappa,
        lambda_=lambda_,
        sigma_se=errors[0],
        kappa_se=errors[1],
        lambda_se=errors[2],
        r2=_r_squared(usable, sigma, kappa, lambda_),
        peak_users=peak_users(sigma, kappa),
        peak_users_se=_peak_users_se(sigma, kappa, covariance),
        peak_tps=throughput_ceiling(sigma, kappa, lambda_),
        users_at_target=users_at_response_time(
            sigma, kappa, lambda_, target_ms / 1000.0, think_seconds
        ),
        target_ms=target_ms,
        think_seconds=think_seconds,
        points=usable,
        trustworthy=True,
        reason="",
    )
    distrust = _distrust(model)
    if distrust is None:
        return model
    return _untrusted(model, distrust)


def _unusable(points: tuple[Point, ...]) -> str | None:
    """Why these points cannot be fitted at all, or None."""
    for point in points:
        if not (math.isfinite(point.users) and math.isfinite(point.tps)):
            return f"the plateau at {point.users:g} users has no usable TPS (got {point.tps:g})"
        if point.users < 1:
            return f"a plateau needs at least 1 user (got {point.users:g})"
        if point.tps <= 0:
            return f"the plateau at {point.users:g} users served nothing (TPS {point.tps:g})"
    if len({point.users for point in points}) < _PARAMETERS:
        return (
            f"{len(points)} plateau(s) at {len({p.users for p in points})} user count(s): "
            f"three parameters need at least {_PARAMETERS} different user counts "
            f"(trusted from {MIN_POINTS})"
        )
    return None


def _distrust(model: UslModel) -> str | None:
    """Why a fitted model is not to be trusted, or None."""
    points = model.points
    tps_values = [point.tps for point in points]
    if max(tps_values) - min(tps_values) <= 1e-9 * max(tps_values):
        return "TPS is the same at every plateau: the curve's shape is not measured"
    if len(points) < MIN_POINTS:
        return f"only {len(points)} plateaus (need at least {MIN_POINTS})"
    if model.r2 is None or model.r2 < MIN_R2:
        return f"R^2 {model.r2 or 0.0:.3f} is below {MIN_R2:g}"
    worst = max(points, key=lambda point: abs(model.tps_at(point.users) / point.tps - 1.0))
    error = model.tps_at(worst.users) / worst.tps - 1.0  # type: ignore[operator]
    if abs(error) > MAX_RELATIVE_ERROR:
        return (
            f"the fit misses the plateau at {worst.users:g} users by {error:+.0%} "
            f"(allowed {MAX_RELATIVE_ERROR:.0%})"
        )
    if model.peak_users is not None and model.peak_users <= points[0].users:
        return (
            f"every plateau is past the fitted peak ({model.peak_users:,.0f} users): "
            "lambda is not pinned down; add probe steps below the knee"
        )
    return None


def _untrusted(model: UslModel, reason: str) -> UslModel:
    return UslModel(
        **{
            **model.__dict__,
            "peak_users": None,
            "peak_users_se": None,
            "peak_tps": None,
            "users_at_target": None,
            "trustworthy": False,
            "reason": reason,
        }
    )


def _no_fit(
    points: tuple[Point, ...], target_ms: float, think_seconds: float, reason: str
) -> UslModel:
    return UslModel(
        sigma=None,
        kappa=None,
        lambda_=None,
        sigma_se=None,
        kappa_se=None,
        lambda_se=None,
        r2=None,
        peak_users=None,
        peak_users_se=None,
        peak_tps=None,
        users_at_target=None,
        target_ms=target_ms,
        think_seconds=think_seconds,
        points=points,
        trustworthy=False,
        reason=reason,
    )


def _starting_values(points: tuple[Point, ...]) -> list[tuple[float, float, float]]:
    """Starting (sigma, kappa, lambda) guesses, best first.

    lambda from the smallest-N plateau's X / N (the USL's value at N = 1 when that
    plateau has one user). sigma and kappa from Gunther's linearisation: with
    C(N) = X(N) / lambda, the deviation N / C(N) - 1 = sigma (N - 1) + kappa N (N - 1)
    is linear in sigma and kappa (ordinary least squares, no intercept), clipped into
    the bounds. Then the fixed guesses sigma 0.1, kappa 0.01 / N_max, and a pure
    contention start.
    """
    import numpy as np

    first = points[0]
    lambda_start = first.tps / first.users
    users = np.array([point.users for point in points])
    tps = np.array([point.tps for point in points])
    deviation = users / (tps / lambda_start) - 1.0
    design = np.column_stack([users - 1.0, users * (users - 1.0)])
    (sigma_lin, kappa_lin), *_ = np.linalg.lstsq(design, deviation, rcond=None)
    largest = float(users.max())
    starts = [
        (float(np.clip(sigma_lin, 1e-6, 0.99)), float(np.clip(kappa_lin, 1e-12, 0.99))),
        (0.1, 0.01 / largest),
        (0.5, 1e-12),
    ]
    return [(sigma, kappa, lambda_start) for sigma, kappa in starts]


def _least_squares(
    points: tuple[Point, ...],
) -> tuple[float, float, float, tuple[float | None, ...], Any]:
    """The best bounded fit over several starts, with standard errors from its Jacobian.

    Residuals are relative ((model - measured) / measured), so a one-user probe weighs as
    much as a 2,000-user plateau; the errors come from s^2 (J^T J)^-1, s^2 = RSS / (n - 3).
    """
    import numpy as np
    from scipy.optimize import least_squares

    users = np.array([point.users for point in points])
    tps = np.array([point.tps for point in points])

    def residuals(params: np.ndarray) -> np.ndarray:
        sigma, kappa, lambda_ = params
        return (usl_tps_array(users, sigma, kappa, lambda_) - tps) / tps

    best = None
    for start in _starting_values(points):
        result = least_squares(
            residuals,
            x0=np.array(start),
            bounds=([0.0, 0.0, 1e-12], [1.0, 1.0, np.inf]),
            x_scale="jac",
            method="trf",
            max_nfev=2000,
        )
        if best is None or result.cost < best.cost:
            best = result
    assert best is not None  # at least one start
    sigma, kappa, lambda_ = (float(value) for value in best.x)
    covariance = _covariance(best.jac, best.fun)
    return sigma, kappa, lambda_, _standard_errors(covariance), covariance


def usl_tps_array(users: Any, sigma: float, kappa: float, lambda_: float) -> Any:
    """X(N) over a numpy array of user counts."""
    return lambda_ * users / (1.0 + sigma * (users - 1.0) + kappa * users * (users - 1.0))


def _covariance(jacobian: Any, residual: Any) -> Any:
    """s^2 (J^T J)^-1 with s^2 = RSS / (n - 3); None without a degree of freedom."""
    import numpy as np

    degrees = len(residual) - _PARAMETERS
    if degrees <= 0:
        return None
    variance = float(residual @ residual) / degrees
    # Columns differ by ~10^12 (kappa multiplies N^2): scale them to unit length first, or
    # the pseudo-inverse drops the small singular values and the errors collapse to zero.
    norms = np.linalg.norm(jacobian, axis=0)
    norms[norms == 0] = 1.0
    scaled = jacobian / norms
    return np.linalg.pinv(scaled.T @ scaled) / np.outer(norms, norms) * variance


def _standard_errors(covariance: Any) -> tuple[float | None, ...]:
    if covariance is None:
        return (None, None, None)
    return tuple(_root(float(covariance[index, index])) for index in range(_PARAMETERS))


def _peak_users_se(sigma: float, kappa: float, covariance: Any) -> float | None:
    """The standard error of N* by the delta method over the (sigma, kappa) covariance.

    N* = sqrt((1 - sigma) / kappa); its gradient is (-N* / (2 (1 - sigma)), -N* / (2 kappa)).
    """
    top = peak_users(sigma, kappa)
    if top is None or covariance is None or sigma >= 1.0:
        return None
    gradient = (-top / (2.0 * (1.0 - sigma)), -top / (2.0 * kappa))
    variance = sum(
        gradient[row] * gradient[column] * float(covariance[row, column])
        for row in range(2)
        for column in range(2)
    )
    return _root(variance)


def _root(value: float) -> float | None:
    return math.sqrt(value) if value >= 0 and math.isfinite(value) else None


def _r_squared(points: tuple[Point, ...], sigma: float, kappa: float, lambda_: float) -> float:
    """1 - RSS / TSS on the TPS scale (None-free: TSS 0 gives 0)."""
    mean = sum(point.tps for point in points) / len(points)
    total = sum((point.tps - mean) ** 2 for point in points)
    if total <= 0:
        return 0.0
    residual = sum(
        (point.tps - usl_tps(point.users, sigma, kappa, lambda_)) ** 2 for point in points
    )
    return 1.0 - residual / total


def _round(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.6g}")

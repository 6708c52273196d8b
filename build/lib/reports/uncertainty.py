"""95% confidence intervals for a step's TPS and MTT: batch means over its measured seconds.

A step's seconds are not independent: a slow second is usually followed by another (queues
drain slowly, GC pauses and noisy neighbours last). So the seconds are grouped into
consecutive batches of ``b`` seconds, and ``b`` grows until the lag-1 autocorrelation of
the batch means is at most ``MAX_LAG1`` while at least ``MIN_BATCHES`` batches remain;
neighbouring batch means are then roughly independent and their spread gives the interval.
Few batches estimate their own correlation badly, so the search starts at the batch length
an AR(1) series with the seconds' own lag-1 correlation ``phi`` needs (its batch means
correlate by ``phi (1 - phi^b)^2 / (b (1 - phi^2) - 2 phi (1 - phi^b))``), and a batch
length passes only when both that and the batches' measured (bias-corrected) lag-1 are
at most ``MAX_LAG1``; the half-width is then multiplied by ``sqrt((1 + r) / (1 - r))``
with ``r`` the larger of the two (clipped to [0, 0.9]).

Both figures are ratios over the batches: TPS = requests / seconds, MTT = sum of response
time / requests (request-weighted). With ``k`` batches of numerator ``N_i`` and
denominator ``D_i``, the estimate is ``R = sum N / sum D`` and (ratio estimator)

    Var(R) = sum_i (N_i - R D_i)^2 / (k (k - 1) mean(D)^2)
    interval = R +/- t(0.975, k - 1) sqrt(Var(R))

When no batch length leaves the means uncorrelated, the longest batches with
``MIN_BATCHES`` batches are used, with the same widening (the variance inflation of an
AR(1) series), and the interval's ``note`` says so. With fewer than
``MIN_BATCHES * 2`` seconds there is no interval, and the note says why.

numpy and scipy are imported inside the functions. See docs/capacity-model.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

LEVEL = 0.95
MIN_BATCHES = 5
MIN_SECONDS = 2 * MIN_BATCHES
MAX_LAG1 = 0.2
_MAX_INFLATION_LAG1 = 0.9
_MAX_PHI = 0.99


@dataclass(frozen=True)
class Interval:
    """A 95% confidence interval around ``estimate``; ``low``/``high`` None when not computable."""

    estimate: float
    low: float | None
    high: float | None
    seconds: int
    batches: int = 0
    batch_seconds: int = 0
    lag1: float | None = None
    widened: float = 1.0  # the factor applied to the half-width (1: not widened)
    note: str = ""
    t_quantile: float | None = None  # t(0.975, batches - 1) the half-width used

    @property
    def standard_error(self) -> float | None:
        """The estimate's standard error, widening included: (high - estimate) / t quantile."""
        if self.high is None or not self.t_quantile:
            return None
        return (self.high - self.estimate) / self.t_quantile

    @property
    def computable(self) -> bool:
        """Whether the interval exists."""
        return self.low is not None and self.high is not None

    @property
    def half_width(self) -> float | None:
        """Half the interval's width (its ends may be clipped at zero)."""
        if self.low is None or self.high is None:
            return None
        return (self.high - self.low) / 2.0

    def above(self, value: float) -> bool:
        """The whole interval lies above ``value`` (without an interval: the estimate does)."""
        return (self.low if self.low is not None else self.estimate) > value

    def below(self, value: float) -> bool:
        """The whole interval lies at or below ``value``."""
        return (self.high if self.high is not None else self.estimate) <= value

    def straddles(self, value: float) -> bool:
        """``value`` lies inside the interval."""
        return not self.above(value) and not self.below(value)

    def overlaps(self, other: Interval) -> bool:
        """The two intervals share a value (then the two figures are not distinguishable)."""
        if not (self.computable and other.computable):
            return False
        return self.low <= other.high and other.low <= self.high  # type: ignore[operator]

    def seconds_to_settle(self, value: float) -> int | None:
        """Seconds of measurement for the interval to exclude ``value``, from its variance.

        The half-width shrinks as 1 / sqrt(seconds), so it reaches the distance to
        ``value`` after seconds x (half-width / distance)^2 (plus a tenth for the t
        quantile). None when the interval does not exist or the estimate equals ``value``.
        """
        half = self.half_width
        distance = abs(self.estimate - value)
        if half is None or distance <= 0 or self.seconds <= 0:
            return None
        return math.ceil(round(1.1 * self.seconds * (half / distance) ** 2, 6))

    def text(self, digits: int = 1) -> str:
        """'low to high', or the note when there is no interval."""
        if self.low is None or self.high is None:
            return "no interval"
        return f"{self.low:,.{digits}f} to {self.high:,.{digits}f}"


def batch_means_interval(
    numerators: Sequence[float], denominators: Sequence[float], level: float = LEVEL
) -> Interval:
    """The interval of sum(numerators) / sum(denominators) over consecutive seconds."""
    import numpy as np

    top = np.asarray(numerators, dtype=float)
    bottom = np.asarray(denominators, dtype=float)
    seconds = len(top)
    total = float(bottom.sum())
    estimate = float(top.sum()) / total if total > 0 else math.nan
    if total <= 0:
        return Interval(estimate, None, None, seconds, note="nothing measured")
    if seconds < MIN_SECONDS:
        return Interval(
            estimate,
            None,
            None,
            seconds,
            note=f"only {seconds} s measured (an interval needs at least {MIN_SECONDS} s)",
        )
    per_second = _lag1(top, bottom)
    chosen = None
    for size in range(_model_batch_seconds(per_second), seconds // MIN_BATCHES + 1):
        batches = _batches(top, bottom, size)
        lag1 = max(_lag1(*batches), _batch_lag1(per_second, size))
        if lag1 <= MAX_LAG1:
            chosen = (size, batches, lag1, _inflation(lag1))
            break
    if chosen is None:
        size = seconds // MIN_BATCHES
        batches = _batches(top, bottom, size)
        lag1 = max(_lag1(*batches), _batch_lag1(per_second, size))
        chosen = (size, batches, lag1, _inflation(lag1))
    size, (sums, weights), lag1, widened = chosen
    count = len(sums)
    ratio = float(sums.sum() / weights.sum())
    residual = sums - ratio * weights
    variance = float(residual @ residual) / (count * (count - 1) * float(weights.mean()) ** 2)
    from scipy.stats import t

    quantile = float(t.ppf(0.5 + level / 2.0, count - 1))
    half = quantile * math.sqrt(variance) * widened
    note = ""
    if lag1 > MAX_LAG1:
        note = (
            f"the means of {count} batches of {size} s are still correlated (lag-1 "
            f"{lag1:.2f}): interval widened x{widened:.2f}; measure the step longer"
        )
    return Interval(
        estimate,
        max(0.0, estimate - half),
        estimate + half,
        seconds,
        batches=count,
        batch_seconds=size,
        lag1=lag1,
        widened=widened,
        note=note,
        t_quantile=quantile,
    )


def _batch_lag1(phi: float, size: int) -> float:
    """The lag-1 correlation of the means of ``size``-second batches of an AR(1) series.

    With per-second lag-1 correlation phi: phi (1 - phi^b)^2 / (b (1 - phi^2) - 2 phi (1 - phi^b)).
    """
    phi = min(max(phi, 0.0), _MAX_PHI)
    if phi == 0.0:
        return 0.0
    decay = 1.0 - phi**size
    return phi * decay**2 / (size * (1.0 - phi**2) - 2.0 * phi * decay)


def _model_batch_seconds(phi: float) -> int:
    """The shortest batch whose AR(1) batch-mean lag-1 correlation is at most MAX_LAG1."""
    size = 1
    while _batch_lag1(phi, size) > MAX_LAG1 and size < 10_000:
        size += 1
    return size


def _inflation(lag1: float) -> float:
    """sqrt((1 + r) / (1 - r)), r clipped to [0, 0.9]: an AR(1) series' variance inflation."""
    clipped = min(max(lag1, 0.0), _MAX_INFLATION_LAG1)
    return math.sqrt((1.0 + clipped) / (1.0 - clipped))


def _batches(top: np.ndarray, bottom: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Sums over consecutive batches of ``size`` seconds, the earliest leftover dropped."""
    count = len(top) // size
    start = len(top) - count * size
    return (
        top[start:].reshape(count, size).sum(axis=1),
        bottom[start:].reshape(count, size).sum(axis=1),
    )


def _lag1(sums: np.ndarray, weights: np.ndarray) -> float:
    """Lag-1 autocorrelation of the batches' residuals N_i - R D_i (0 when they are all 0).

    Bias-corrected (Marriott and Pope: the sample value of k means is low by about
    (1 + 3 rho) / k), so few batches do not pass as uncorrelated too early.
    """
    ratio = sums.sum() / weights.sum()
    residual = sums - ratio * weights
    residual = residual - residual.mean()
    energy = float(residual @ residual)
    if energy <= 1e-12 * max(1.0, float(abs(sums).sum())) ** 2:
        return 0.0
    raw = float(residual[:-1] @ residual[1:]) / energy
    count = len(residual)
    if count <= 3:
        return raw
    return min(1.0, (raw + 1.0 / count) / (1.0 - 3.0 / count))

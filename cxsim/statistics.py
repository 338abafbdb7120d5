"""Confidence intervals for replicated simulation output.

Means use the Student-t interval ``mean +- t(n-1) * sd / sqrt(n)`` (Law, *Simulation Modeling
and Analysis*, 5th ed., section 9.4). A difference between two scenarios is the mean of paired
differences ``b_i - a_i`` of replications that share their random numbers (Law, section 10.2,
paired-t), and a relative change is a ratio of means with the delta-method interval of the
classical ratio estimator (Cochran, *Sampling Techniques*, 3rd ed., section 6.4). Correlations
are averaged and given intervals on Fisher's z scale, ``atanh(r)``, where they are nearly normal,
and turned back (Fisher 1921, *Metron* 1:3-32), so that an interval stays within -1..1. One
value gives no interval: its bounds are NaN, never a zero width that would read as certain.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "Estimate",
    "estimate",
    "correlation_estimate",
    "paired_difference",
    "relative_change",
    "independent_half_width",
    "area_under_roc",
]

LEVEL = 0.95


@dataclass(frozen=True, slots=True)
class Estimate:
    """A mean (or difference, or ratio) with its two-sided confidence interval."""

    mean: float
    low: float
    high: float
    n: int

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the interval (with a float tolerance)."""
        tolerance = 1e-12 * max(1.0, abs(value))
        return self.low - tolerance <= value <= self.high + tolerance

    @property
    def half_width(self) -> float:
        """Half the width of the interval."""
        return (self.high - self.low) / 2

    @property
    def significant(self) -> bool:
        """Whether the interval excludes zero (for differences)."""
        return self.low > 0 or self.high < 0


def _t(n: int, level: float) -> float:
    return float(stats.t.ppf(0.5 + level / 2, n - 1))


def estimate(values: Sequence[float], level: float = LEVEL) -> Estimate:
    """Mean and ``level`` confidence interval: ``mean +- t(n-1) * sd / sqrt(n)``."""
    data = np.asarray(values, dtype=float)
    mean = float(data.mean())
    if len(data) < 2:
        return Estimate(mean, math.nan, math.nan, len(data))
    half = _t(len(data), level) * float(data.std(ddof=1)) / math.sqrt(len(data))
    return Estimate(mean, mean - half, mean + half, len(data))


def correlation_estimate(values: Sequence[float], level: float = LEVEL) -> Estimate:
    """Mean correlation and ``level`` interval of correlations ``values``, on Fisher's z scale."""
    z = np.arctanh(np.clip(np.asarray(values, dtype=float), -1 + 1e-12, 1 - 1e-12))
    on_z = estimate(z, level)
    return Estimate(*map(math.tanh, (on_z.mean, on_z.low, on_z.high)), on_z.n)


def paired_difference(
    reference: Sequence[float], other: Sequence[float], level: float = LEVEL
) -> Estimate:
    """Mean of ``other_i - reference_i`` with its paired-t interval (replication i paired)."""
    return estimate(np.asarray(other, float) - np.asarray(reference, float), level)


def relative_change(
    reference: Sequence[float], other: Sequence[float], level: float = LEVEL
) -> Estimate:
    """``mean(other) / mean(reference) - 1`` with a delta-method interval.

    The ratio ``r = mean(y) / mean(x)`` of paired samples has standard error
    ``sd(y_i - r x_i) / (sqrt(n) |mean(x)|)`` (Cochran 1977, eq. 6.9). The interval is NaN
    when the reference mean is zero, where a relative change means nothing.
    """
    x, y = np.asarray(reference, float), np.asarray(other, float)
    if x.mean() == 0:
        return Estimate(math.nan, math.nan, math.nan, len(x))
    ratio = float(y.mean() / x.mean())
    if len(x) < 2:
        return Estimate(ratio - 1, math.nan, math.nan, len(x))
    se = float(np.std(y - ratio * x, ddof=1)) / (math.sqrt(len(x)) * abs(float(x.mean())))
    half = _t(len(x), level) * se
    return Estimate(ratio - 1, ratio - 1 - half, ratio - 1 + half, len(x))


def independent_half_width(
    reference: Sequence[float], other: Sequence[float], level: float = LEVEL
) -> float:
    """Half-width the difference interval would have if the runs shared no random numbers.

    ``Var(b - a) = Var(a) + Var(b) - 2 Cov(a, b)``; independent runs have ``Cov = 0``, so the
    same replications estimate it as ``t * sqrt((s_a^2 + s_b^2) / n)``.
    """
    a, b = np.asarray(reference, float), np.asarray(other, float)
    if len(a) < 2:
        return 0.0
    spread = float(np.var(a, ddof=1) + np.var(b, ddof=1))
    return _t(len(a), level) * math.sqrt(spread / len(a))


def area_under_roc(score: np.ndarray, positive: np.ndarray) -> float:
    """Chance that a positive case scores higher than a negative one (ties count half).

    The Mann-Whitney U statistic over the number of pairs (Hanley & McNeil 1982).
    """
    pairs = positive.sum() * (~positive).sum()
    return float(stats.mannwhitneyu(score[positive], score[~positive]).statistic / pairs)

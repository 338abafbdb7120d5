"""What a calibration found: misfit, targets met, what pins each parameter, targets that fight.

Pure functions of the evaluated candidates (:class:`Candidate`: free-parameter values and the
replicated means of the target KPIs), so the report, the tests and a notebook read the same.

- **Misfit** is the weighted mean of squared standardised distances,
  ``((model - client) / tolerance)^2``: the weighted least squares of the method of simulated
  moments (McFadden 1989, Econometrica 57(5); Gourieroux and Monfort 1996), with each
  target's tolerance as its scale. A misfit of 1 puts every target at the edge of its band.
- **Identification**: at the fit, the slope of every target in every free parameter (central
  differences over :data:`SLOPE_STEP` of its range either way, on the search's seeds; a slope
  not told apart from noise counts as none) gives the band of each parameter within which the
  targets stay inside their tolerances while the other parameters compensate: the marginal
  standard deviations of the linearised least-squares problem with the searched range as a
  uniform prior, ``sqrt(diag((J'J + 12 I)^-1))``, ``J`` the slopes in units of each tolerance
  and of each range (Bard 1974, *Nonlinear Parameter Estimation*, ch. 7 and 10; the local
  counterpart of Raue et al. 2009's profile likelihood, Bioinformatics 25(15)). A parameter
  whose band is as wide as the prior's spread is not pinned down by the targets: conclusions
  that hinge on it rest on its assumed value.
- **Targets that fight**: two targets each met by some candidates but never by the same one
  pull against each other within the searched ranges (e.g. occupancy against service level),
  where a free parameter moves both; where none does, the search was too short to tell.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cxsim.scenario import Scenario
from cxsim.statistics import Estimate, estimate
from cxsim.targets import FreeParameter, Target, Targets

__all__ = [
    "Candidate",
    "Fit",
    "Identification",
    "misfit",
    "met",
    "significant",
    "position",
    "value_at",
    "neighbours",
    "slope",
    "identification",
    "loose_keys",
    "PINNED_DOWN",
    "conflicts",
    "roles",
]

SIGNIFICANT_DIGITS = 4  # fitted values as calibrated.yaml holds them
PINNED, LOOSE = 1 / 3, 2 / 3  # a parameter's band against its spread over the searched range
PINNED_DOWN = "pinned down"  # the verdict on a parameter the targets fix
SLOPE_STEP = 0.1  # share of a searched range either side of the fit for its slopes
PRIOR_PRECISION = 12.0  # 1 / variance of a uniform position in a searched range (0 to 1)
EDGE = 0.02  # share of a range within which a value is "at the edge" of it


@dataclass(frozen=True, slots=True)
class Candidate:
    """One evaluated set of free-parameter values and the mean of each target KPI."""

    position: int
    values: dict[str, float]
    means: dict[str, float]
    misfit: float


def misfit(means: Mapping[str, float], targets: Targets) -> float:
    """Weighted mean of ``((mean - value) / tolerance)^2`` over the targets (1: at the edge).

    Infinite if a target could not be measured under the candidate (a survey nobody answered).
    """
    if any(math.isnan(means[key]) for key in targets.targets):
        return math.inf
    weights = [t.weight for t in targets.targets.values()]
    terms = [
        t.weight * ((means[key] - t.value) / t.half_width) ** 2
        for key, t in targets.targets.items()
    ]
    return float(sum(terms) / sum(weights))


def met(means: Mapping[str, float], targets: Targets) -> dict[str, bool]:
    """Whether each target's mean lies within its tolerance of the client's value."""
    return {key: abs(means[key] - t.value) <= t.half_width for key, t in targets.targets.items()}


def significant(value: float, digits: int = SIGNIFICANT_DIGITS) -> float | int:
    """``value`` to ``digits`` significant figures (a whole number stays one)."""
    if isinstance(value, int) or value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


@dataclass(frozen=True, slots=True)
class Identification:
    """How tightly the targets pin one free parameter down, around the fit."""

    key: str
    low: float  # the band of values that keep every target within tolerance
    high: float
    share: float  # of the searched range (on its scale) the band spans, at most 1
    verdict: str


def position(value: float, free: FreeParameter) -> float:
    """Where ``value`` lies in the searched range, 0 to 1, on the range's scale."""
    if free.scale == "log":
        return math.log(value / free.low) / math.log(free.high / free.low)
    return (value - free.low) / (free.high - free.low)


def value_at(share: float, free: FreeParameter) -> float:
    """The value at ``share`` (0 to 1) of the searched range, on its scale."""
    share = min(1.0, max(0.0, share))
    if free.scale == "log":
        return free.low * (free.high / free.low) ** share
    return free.low + share * (free.high - free.low)


def neighbours(value: float, free: FreeParameter) -> tuple[float, float]:
    """The values either side of ``value`` whose KPIs give its slopes (inside the range)."""
    at = position(value, free)
    down, up = value_at(at - SLOPE_STEP, free), value_at(at + SLOPE_STEP, free)
    if free.integer:
        down, up = float(min(round(down), value - 1)), float(max(round(up), value + 1))
        down, up = max(down, free.ends[0]), min(up, free.ends[1])
    return down, up


def slope(replications: Sequence[float]) -> float:
    """A slope told apart from noise: its mean over replications, or 0 within the noise.

    0 when the 95% interval (paired t: the replications share their seeds) holds 0; with one
    replication, its value.
    """
    if len(replications) < 2:
        return float(replications[0])
    e = estimate(replications)
    return e.mean if e.low > 0 or e.high < 0 else 0.0


def identification(
    slopes: Mapping[str, Mapping[str, Sequence[float]]],
    fitted: Mapping[str, float],
    targets: Targets,
) -> list[Identification]:
    """Per free parameter: the band that keeps the targets in tolerance, and a verdict.

    ``slopes[target][parameter]`` holds, per replication, the change of the target per whole
    searched range of the parameter (on its scale) at the fit; a slope not told apart from
    noise counts as none (:func:`slope`). The searched range is the prior (uniform: variance
    1/12 of the range squared), so a direction the targets do not constrain keeps the prior's
    spread; the verdict compares the band with that spread.
    """
    keys = list(targets.free)
    weight = np.mean([t.weight for t in targets.targets.values()])
    jacobian = np.array(
        [
            [math.sqrt(t.weight / weight) * slope(slopes[name][key]) / t.half_width for key in keys]
            for name, t in targets.targets.items()
        ]
    )
    covariance = np.linalg.inv(jacobian.T @ jacobian + PRIOR_PRECISION * np.eye(len(keys)))
    result = []
    for key, half in zip(keys, np.sqrt(np.diag(covariance)), strict=True):
        free, at = targets.free[key], position(fitted[key], targets.free[key])
        low, high = value_at(at - half, free), value_at(at + half, free)
        shrinkage = half * math.sqrt(PRIOR_PRECISION)  # 1: the targets say nothing about it
        if shrinkage <= PINNED:
            verdict = PINNED_DOWN
        elif shrinkage <= LOOSE:
            verdict = "loosely pinned"
        else:
            verdict = "not identified: do not trust conclusions that hinge on it"
        share = position(high, free) - position(low, free)
        result.append(Identification(key, low, high, share, verdict))
    return result


def loose_keys(verdicts: Mapping[str, str]) -> list[str]:
    """The fitted parameters whose identification verdict is not "pinned down"."""
    return [key for key, verdict in verdicts.items() if not str(verdict).startswith(PINNED_DOWN)]


def _describe(target: Target) -> str:
    return f"{target.value:.4g} \u00b1 {target.half_width:.2g}"


def _edges(candidate: Candidate, targets: Targets) -> list[str]:
    """Free parameters of ``candidate`` at an end of their searched range."""
    ends = []
    for key, free in targets.free.items():
        at = position(candidate.values[key], free)
        if at <= EDGE or at >= 1 - EDGE:
            end = "low" if at <= EDGE else "high"
            ends.append(f"{key} at the {end} end of its range ({candidate.values[key]:.4g})")
    return ends


def conflicts(
    candidates: Sequence[Candidate],
    targets: Targets,
    moves: Mapping[str, Sequence[str]],
) -> list[str]:
    """Sentences on the targets no candidate met together (empty when one met them all).

    A target no candidate met is named with the closest candidate (and the parameters it had
    at an end of their range: widen those, or the model cannot reach the figure). A pair each
    met by some candidates but never by one is said to pull against each other where a free
    parameter moves both (``moves``: :func:`roles`), with the best the candidates meeting one
    did for the other; where none moves both, the search was too short to tell.
    """
    flags = [met(c.means, targets) for c in candidates]
    if any(all(f.values()) for f in flags):
        return []
    sentences = []
    keys = list(targets.targets)
    for key in keys:
        if not any(f[key] for f in flags):
            target = targets.targets[key]
            closest = min(candidates, key=lambda c: abs(c.means[key] - target.value))
            edges = _edges(closest, targets)
            where = f", with {'; '.join(edges)}: widen that range" if edges else ""
            sentences.append(
                f"No candidate met {key} ({_describe(target)}): the closest gave "
                f"{closest.means[key]:.4g}{where}, or the model cannot reach it with these "
                "free parameters."
            )
    for i, first in enumerate(keys):
        for second in keys[i + 1 :]:
            one = [c for c, f in zip(candidates, flags, strict=True) if f[first]]
            other = [f[second] for f in flags]
            if not one or not any(other) or any(f[first] and f[second] for f in flags):
                continue
            if not any(first in moved and second in moved for moved in moves.values()):
                sentences.append(
                    f"No candidate of the {len(candidates)} met both {first} and {second}, "
                    "though no free parameter moves both (slopes at the fit): the search was "
                    "too short to tell whether they can be met together (a larger --budget "
                    "with --resume)."
                )
                continue
            target = targets.targets[second]
            nearest = min(one, key=lambda c: abs(c.means[second] - target.value))
            sentences.append(
                f"{first} and {second} pull against each other: no candidate of the "
                f"{len(candidates)} met both; of the {len(one)} that met {first} "
                f"({_describe(targets.targets[first])}), the closest to {second} gave "
                f"{nearest.means[second]:.4g} (target {_describe(target)})."
            )
    if not sentences:
        sentences.append(
            "Every target was met by some candidate, and every pair together, but never all "
            "at once: the best fit is a compromise between them."
        )
    return sentences


def roles(
    slopes: Mapping[str, Mapping[str, Sequence[float]]], targets: Targets
) -> dict[str, list[str]]:
    """Per free parameter, the targets it moves by more than their tolerance over its range.

    Largest first; from the slopes at the fit told apart from noise (:func:`slope`).
    """
    result = {}
    for key in targets.free:
        moved = [
            (abs(slope(slopes[name][key])) / t.half_width, name)
            for name, t in targets.targets.items()
            if abs(slope(slopes[name][key])) >= t.half_width
        ]
        result[key] = [name for _size, name in sorted(moved, reverse=True)]
    return result


@dataclass(frozen=True)
class Fit:
    """A finished calibration: every candidate, the best, its rounded values, its confirmation.

    ``confirmation`` holds each target KPI over the confirmation runs of the fitted values
    (seeds the search never used); the report's figures come from them. ``slopes[target]
    [parameter]`` is the change of the target per whole searched range of the parameter at
    the fitted values, one value per replication (see :func:`identification`).
    """

    targets: Targets
    base: Scenario
    scenario_file: Path
    candidates: list[Candidate]
    best: int
    fitted: dict[str, float | int]
    confirmation: dict[str, list[float]]
    slopes: dict[str, dict[str, list[float]]]

    @property
    def today(self) -> Candidate | None:
        """The scenario as given, when its values lay in the searched ranges (candidate 0)."""
        first, given = self.candidates[0], self.targets.today(self.base)
        if given is None or not all(np.isclose(given[k], v) for k, v in first.values.items()):
            return None
        return first

    def estimates(self) -> dict[str, Estimate]:
        """The fitted model's mean and 95% interval of each target KPI (confirmation runs)."""
        return {key: estimate(values) for key, values in self.confirmation.items()}

    def identification(self) -> list[Identification]:
        """How tightly the targets pin each free parameter down around the fit."""
        return identification(self.slopes, self.fitted, self.targets)

    def roles(self) -> dict[str, list[str]]:
        """The targets each free parameter moves, largest first."""
        return roles(self.slopes, self.targets)

    def met(self) -> dict[str, bool]:
        """Whether the confirmed mean of each target lies within its tolerance."""
        return met({k: e.mean for k, e in self.estimates().items()}, self.targets)

"""What a calibration found: misfit, targets met, what pins each parameter, targets that fight.

Pure functions of the evaluated candidates (:class:`Candidate`: free-parameter values and the
replicated means of the target KPIs), so the report, the tests and a notebook read the same.

- **Misfit** is the weighted mean of squared standardised distances,
  ``((model - client) / tolerance)^2``: the weighted least squares of the method of simulated
  moments (McFadden 1989, Econometrica 57(5); Gourieroux and Monfort 1996), with each
  target's tolerance as its scale. A misfit of 1 puts every target at the edge of its band.
- **Identification**: the candidates that meet every target (or, where none does, the best
  tenth) are the acceptable fits, an ABC rejection sample of sorts (Beaumont et al. 2002,
  Genetics 162). A parameter whose acceptable values span most of its searched range is not
  pinned down by the targets: conclusions that hinge on it rest on its assumed value.
- **Targets that fight**: two targets each met by some candidates but never by the same one
  pull against each other within the searched ranges (e.g. occupancy against service level).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from cxsim.scenario import Scenario
from cxsim.statistics import Estimate, estimate
from cxsim.targets import FreeParameter, Target, Targets, current_value

__all__ = [
    "Candidate",
    "Fit",
    "Identification",
    "misfit",
    "met",
    "significant",
    "acceptable",
    "identification",
    "conflicts",
    "roles",
]

SIGNIFICANT_DIGITS = 4  # fitted values as calibrated.yaml holds them
PINNED, LOOSE = 1 / 3, 2 / 3  # shares of the searched range the acceptable fits span
MIN_ACCEPTABLE = 5  # acceptable fits needed to judge a parameter's identification
ROLE_CORRELATION = 0.3  # |Spearman rho| above which a parameter is said to move a target
EDGE = 0.02  # share of a range within which a value is "at the edge" of it


@dataclass(frozen=True, slots=True)
class Candidate:
    """One evaluated set of free-parameter values and the mean of each target KPI."""

    position: int
    values: dict[str, float]
    means: dict[str, float]
    misfit: float


def misfit(means: Mapping[str, float], targets: Targets) -> float:
    """Weighted mean of ``((mean - value) / tolerance)^2`` over the targets (1: at the edge)."""
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


def acceptable(candidates: Sequence[Candidate], targets: Targets) -> tuple[list[Candidate], str]:
    """The acceptable fits and what made them so: every target met, else the best tenth."""
    meeting = [c for c in candidates if all(met(c.means, targets).values())]
    if meeting:
        return meeting, "meet every target"
    ranked = sorted(candidates, key=lambda c: c.misfit)
    return ranked[
        : max(1, len(ranked) // 10)
    ], "are the best tenth by misfit (none meets every target)"


@dataclass(frozen=True, slots=True)
class Identification:
    """How tightly the acceptable fits pin one free parameter down."""

    key: str
    low: float
    high: float
    share: float  # of the searched range (on its scale) the acceptable fits span
    accepted: int
    verdict: str


def _position(value: float, free: FreeParameter) -> float:
    """Where ``value`` lies in the searched range, 0 to 1, on the range's scale."""
    if free.scale == "log":
        return math.log(value / free.low) / math.log(free.high / free.low)
    return (value - free.low) / (free.high - free.low)


def identification(candidates: Sequence[Candidate], targets: Targets) -> list[Identification]:
    """Per free parameter: the span of its acceptable values and a verdict on it."""
    fits, _basis = acceptable(candidates, targets)
    result = []
    for key, free in targets.free.items():
        values = [c.values[key] for c in fits]
        share = _position(max(values), free) - _position(min(values), free)
        if len(fits) < MIN_ACCEPTABLE:
            verdict = f"too few acceptable fits to judge ({len(fits)})"
        elif share <= PINNED:
            verdict = "pinned down"
        elif share <= LOOSE:
            verdict = "loosely pinned"
        else:
            verdict = "not identified: do not trust conclusions that hinge on it"
        result.append(Identification(key, min(values), max(values), share, len(fits), verdict))
    return result


def _describe(target: Target) -> str:
    return f"{target.value:.4g} \u00b1 {target.half_width:.2g}"


def _edges(candidate: Candidate, targets: Targets) -> list[str]:
    """Free parameters of ``candidate`` at an end of their searched range."""
    ends = []
    for key, free in targets.free.items():
        at = _position(candidate.values[key], free)
        if at <= EDGE or at >= 1 - EDGE:
            end = "low" if at <= EDGE else "high"
            ends.append(f"{key} at the {end} end of its range ({candidate.values[key]:.4g})")
    return ends


def conflicts(candidates: Sequence[Candidate], targets: Targets) -> list[str]:
    """Sentences on the targets no candidate met together (empty when one met them all).

    A target no candidate met is named with the closest candidate (and the parameters it had
    at an end of their range: widen those, or the model cannot reach the figure); a pair each
    met by some candidates but never by one is said to pull against each other, with the
    best the candidates meeting one did for the other.
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
            target = targets.targets[second]
            nearest = min(one, key=lambda c: abs(c.means[second] - target.value))
            sentences.append(
                f"{first} and {second} pull against each other: no candidate met both; of "
                f"the {len(one)} that met {first} ({_describe(targets.targets[first])}), the "
                f"closest to {second} gave {nearest.means[second]:.4g} "
                f"(target {_describe(target)})."
            )
    if not sentences:
        sentences.append(
            "Every target was met by some candidate, and every pair together, but never all "
            "at once: the best fit is a compromise between them."
        )
    return sentences


def roles(candidates: Sequence[Candidate], targets: Targets) -> dict[str, list[str]]:
    """Per free parameter, the targets it moves (|Spearman rho| >= 0.3 over the candidates)."""
    result: dict[str, list[str]] = {}
    for key in targets.free:
        x = [c.values[key] for c in candidates]
        moved = []
        for target in targets.targets:
            y = [c.means[target] for c in candidates]
            if len(set(x)) > 1 and len(set(y)) > 1:
                rho = stats.spearmanr(x, y).statistic
                if abs(rho) >= ROLE_CORRELATION:
                    moved.append((abs(rho), target))
        result[key] = [target for _rho, target in sorted(moved, reverse=True)]
    return result


@dataclass(frozen=True)
class Fit:
    """A finished calibration: every candidate, the best, its rounded values, its confirmation.

    ``confirmation`` holds each target KPI over the confirmation runs of the fitted values
    (seeds the search never used); the report's figures come from them.
    """

    targets: Targets
    base: Scenario
    scenario_file: Path
    candidates: list[Candidate]
    best: int
    fitted: dict[str, float | int]
    confirmation: dict[str, list[float]]

    @property
    def today(self) -> Candidate | None:
        """The scenario as given, when its values lay in the searched ranges (candidate 0)."""
        first = self.candidates[0]
        given = {key: current_value(self.base, key) for key in first.values}
        same = all(
            isinstance(given[key], int | float) and np.isclose(given[key], value)
            for key, value in first.values.items()
        )
        return first if same else None

    def estimates(self) -> dict[str, Estimate]:
        """The fitted model's mean and 95% interval of each target KPI (confirmation runs)."""
        return {key: estimate(values) for key, values in self.confirmation.items()}

    def met(self) -> dict[str, bool]:
        """Whether the confirmed mean of each target lies within its tolerance."""
        return met({k: e.mean for k, e in self.estimates().items()}, self.targets)

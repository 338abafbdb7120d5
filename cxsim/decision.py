"""What a comparison means for a decision: each change's cost, return and payback; a choice.

A change's **cost** is what it buys directly, option minus reference over the horizon: people
(salaries, hiring), training and recognition, systems and the feedback loop's and surveys'
bills. Its **effects** are everything else that moves profit (revenue, cost of goods, contact
costs, rework, compensation, acquisition). The profit difference is effects minus cost, so the
**return on the change** is ``effects / cost - 1`` (a ratio of paired means with the
delta-method interval, ``cxsim.statistics.relative_change``), defined only when the change
costs something. **Payback** is read from the cumulative profit difference week by week: the
first week from which it stays at or above zero, for the mean and for each end of its band
(the band's upper end pays back first). Both are investment-appraisal conventions (Brealey,
Myers & Allen, *Principles of Corporate Finance*, ch. 5); the intervals cover simulation noise
only, like every interval of a comparison.

The **recommendation** follows one criterion, stated with it: the highest mean profit over the
horizon among the options that keep at least today's retention (their paired retention
difference is not significantly below zero), the reference itself included ("make no
change"). It says when the runner-up cannot be told apart from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cxsim.comparison import Replicated, ScenarioComparison
from cxsim.statistics import Estimate, estimate, paired_difference, relative_change

__all__ = [
    "CHANGE_GROUPS",
    "CRITERION",
    "Investment",
    "Payback",
    "Recommendation",
    "investment",
    "keeps_retention",
    "payback",
    "recommend",
    "stays_at_or_above_zero",
]

# Profit-bridge groups that are the change itself (what is bought), not its effects.
CHANGE_GROUPS = ("Salaries", "Hiring", "Training and recognition", "Systems and feedback")
CRITERION = (
    "the highest profit over the horizon among the options that keep at least today's "
    "retention (not significantly fewer customers)"
)


@dataclass(frozen=True)
class Payback:
    """Day from which the cumulative profit difference stays at or above zero.

    ``None`` means not within the horizon. ``earliest`` is read from the upper end of the 95%
    band, ``latest`` from its lower end.
    """

    day: float | None
    earliest: float | None
    latest: float | None


@dataclass(frozen=True)
class Investment:
    """An option's change against the reference: its cost, effects, return and payback."""

    cost: Estimate  # what the change buys, option minus reference, over the horizon (money)
    effects: Estimate  # the change's effect on every other part of profit (money)
    profit: Estimate  # effects minus cost: the paired profit difference (money)
    return_on_change: Estimate | None  # effects / cost - 1; None when the change costs nothing
    payback: Payback
    cumulative: list[Estimate]  # cumulative profit difference at each week of the series
    days: list[float]  # the weeks' days

    @property
    def buys_nothing(self) -> bool:
        """Whether the change buys nothing in any replication (a policy, not a purchase)."""
        return self.cost.mean == 0 and self.cost.half_width == 0


def stays_at_or_above_zero(days: Sequence[float], values: Sequence[float]) -> float | None:
    """First day from which ``values`` never falls below zero again (None: it ends below)."""
    below = [i for i, v in enumerate(values) if v < 0]
    if not below:
        return float(days[0])
    last = below[-1]
    return float(days[last + 1]) if last + 1 < len(days) else None


def _cumulative_difference(c: ScenarioComparison, s: Replicated) -> tuple[list[float], np.ndarray]:
    """Days and, per replication (rows) and week (columns), cumulative profit option - today."""
    days = list(c.reference.series[0]["day"])
    ref = np.array([run["cumulative_profit"] for run in c.reference.series])
    alt = np.array([run["cumulative_profit"] for run in s.series])
    return days, alt - ref


def payback(days: Sequence[float], weekly: Sequence[Estimate]) -> Payback:
    """Payback of a cumulative profit difference given week by week with its band."""
    return Payback(
        stays_at_or_above_zero(days, [e.mean for e in weekly]),
        stays_at_or_above_zero(days, [e.high for e in weekly]),
        stays_at_or_above_zero(days, [e.low for e in weekly]),
    )


def investment(c: ScenarioComparison, s: Replicated) -> Investment:
    """Cost, effects, return and payback of option ``s`` against the reference."""
    ref, alt = c.reference.bridge_values(), s.bridge_values()
    cost = sum(alt[g] - ref[g] for g in CHANGE_GROUPS)
    profit_change = s.values("profit") - c.reference.values("profit")
    effects = profit_change + cost
    cost_estimate = estimate(cost)
    days, differences = _cumulative_difference(c, s)
    weekly = [estimate(differences[:, j]) for j in range(differences.shape[1])]
    return Investment(
        cost=cost_estimate,
        effects=estimate(effects),
        profit=estimate(profit_change),
        return_on_change=relative_change(cost, effects) if cost_estimate.low > 0 else None,
        payback=payback(days, weekly),
        cumulative=weekly,
        days=days,
    )


@dataclass(frozen=True)
class Recommendation:
    """The option the criterion picks, and how sure the replications make it."""

    choice: Replicated  # the reference when no change is worth making
    criterion: str
    kept_retention: list[Replicated]  # options (reference first) that keep today's retention
    runner_up: Replicated | None
    margin: Estimate | None  # profit of the choice minus the runner-up's, paired

    @property
    def clear(self) -> bool:
        """Whether the choice earns significantly more than the runner-up."""
        return self.margin is None or self.margin.significant


def keeps_retention(c: ScenarioComparison, s: Replicated) -> bool:
    """Whether ``s`` keeps at least the reference's retention (no significant loss)."""
    return s is c.reference or c.difference(s, "retention_rate").high >= 0


def recommend(c: ScenarioComparison) -> Recommendation:
    """The highest-profit option among those that keep today's retention (``CRITERION``)."""
    kept = [s for s in c.scenarios if keeps_retention(c, s)]
    ranked = sorted(kept, key=lambda s: -float(s.values("profit").mean()))
    choice = ranked[0]
    runner_up = ranked[1] if len(ranked) > 1 else None
    margin = (
        paired_difference(runner_up.values("profit"), choice.values("profit"))
        if runner_up is not None
        else None
    )
    return Recommendation(choice, CRITERION, kept, runner_up, margin)

"""Loyalty: memory of episodes, remembered effort, a relationship, and the decision to stay.

Satisfaction is a memory of episodes, ``s += w * (x - s)``, so recent episodes weigh most; an
episode worse than what is remembered, or an intense one (a problem and its handling), weighs
more than ordinary delight (negativity bias: "bad is stronger than good", Baumeister et al.
2001; CEB 2010: delight adds little loyalty). A case is remembered by its worst moment and its
end (the peak-end rule, Kahneman et al. 1993), less the people it passed through.

The effort a case cost is remembered apart from how it felt (CEB 2010, Dixon, Freeman and
Toman, "Stop trying to delight your customers", HBR: effort, not satisfaction, drives
disloyalty; seed 004: "little or no connection between a feeling of satisfaction and that
person's likelihood to repurchase"). The intention to leave is a proportional hazard,
``base * exp(k_s * (s_ref - s) + k_e * E - w_r * R)``, in remembered satisfaction ``s``,
remembered effort ``E`` (what cases cost beyond what a customer takes in their stride) and a
relationship ``R`` with someone who knows the customer. Over a year it gives a customer's
stated willingness to buy again, the quantity TARP's studies report; at each renewal only a
share of the intention is acted on (the cost of switching: contracts, inertia).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cxsim.units import DAYS_PER_YEAR

# Willingness to buy again read as a 0-10 answer (10 x willingness): promoters answer 9-10,
# detractors 0-6 (Reichheld's Net Promoter categories).
PROMOTER_WILLINGNESS = 0.9
DETRACTOR_WILLINGNESS = 0.7
CSAT_SATISFIED = 0.7  # experience counted as "satisfied" (top-two-box of a 5-point survey)

__all__ = [
    "CSAT_SATISFIED",
    "PROMOTER_WILLINGNESS",
    "DETRACTOR_WILLINGNESS",
    "remember",
    "episode_weight",
    "peak_weight_after",
    "case_episode",
    "excess_effort",
    "remembered_effort",
    "effort_and_relationship",
    "churn_hazard",
    "period_churn_probability",
    "Renewal",
    "willingness_to_buy_again",
    "NPS_GROUPS",
    "nps_group",
    "effort_points",
    "people_penalty",
    "customer_effort_score",
]


def remember(satisfaction: float, experience: float, weight: float) -> float:
    """Blend an episode into satisfaction with memory weight ``weight``.

    Satisfaction stays on its 0..1 scale: an episode outside it counts as its nearest end.
    """
    return satisfaction + weight * (min(1.0, max(0.0, experience)) - satisfaction)


def episode_weight(
    satisfaction: float,
    experience: float,
    intense: bool,
    delight_weight: float,
    intense_weight: float,
) -> float:
    """Memory weight of an episode: intense ones (problems) and bad ones weigh more."""
    return intense_weight if intense or experience < satisfaction else delight_weight


def peak_weight_after(delay_days: float, halflife_days: float, peak_weight: float) -> float:
    """Weight of the worst moment, growing with how long the problem lasted.

    ``peak_weight * (1 - 0.5 ** (delay / halflife))``: frustration builds while a problem stays
    unfixed, so a problem fixed within minutes barely leaves a peak; an unresolved one leaves
    the full ``peak_weight``. (A deliberate departure from the duration neglect of the pure
    peak-end rule, so that how fast a case ends matters, as in TARP's data.)
    """
    return peak_weight * (1.0 - 0.5 ** (delay_days / halflife_days))


def case_episode(worst: float, end: float, peak_weight: float, penalty: float) -> float:
    """Peak-end value of a case: ``peak * min(worst, end) + (1 - peak) * end - penalty``."""
    value = peak_weight * min(worst, end) + (1.0 - peak_weight) * end - penalty
    return min(1.0, max(0.0, value))


def excess_effort(effort_points: float, tolerance: float) -> float:
    """Effort of a case beyond what a customer takes in their stride: ``max(0, points - E0)``.

    An easy contact (CEB's low effort is a CES of 2, one point) leaves nothing to remember, so
    many easy contacts do not add up to one hard one.
    """
    return max(0.0, effort_points - tolerance)


def remembered_effort(effort_points: float, days: float, halflife_days: float) -> float:
    """Effort still remembered ``days`` after it was last added to: halves every half-life."""
    return effort_points * 0.5 ** (days / halflife_days)


def effort_and_relationship(
    remembered: float, effort_sensitivity: float, relationship: bool, relationship_weight: float
) -> float:
    """Log-change of the churn hazard beside satisfaction: ``k_e * E - w_r * R``.

    Remembered effort ``E`` (the ``excess_effort`` of past cases, fading) raises the intention
    to leave by ``effort_sensitivity`` per point (CEB 2010: 96% of customers with high-effort
    service became more disloyal, and 94% of those with low-effort service would repurchase).
    A customer whose last case was handled by someone who knew them (their case owner, or an
    agent who recognised them) has a relationship that lowers it by ``relationship_weight``
    (seed 002: "one person direct approach ... a name to go with their solution"; relationship
    quality drives loyalty in Palmatier et al.'s 2006 meta-analysis, J. Marketing
    70(4):136-153; the size is an assumption).
    """
    return effort_sensitivity * remembered - (relationship_weight if relationship else 0.0)


def churn_hazard(
    satisfaction: float,
    reference: float,
    sensitivity: float,
    base_per_year: float,
    drivers: float = 0.0,
) -> float:
    """Churn hazard per year: ``base * exp(sensitivity * (reference - satisfaction) + drivers)``."""
    return base_per_year * math.exp(sensitivity * (reference - satisfaction) + drivers)


def period_churn_probability(hazard: float, follow_through: float, period_days: float) -> float:
    """Chance of leaving within ``period_days`` given the intention ``hazard`` (per year).

    ``1 - exp(-follow_through * h * period)``: stated intentions overstate behaviour (switching
    costs, contracts, inertia: Mittal and Kamakura 2001), so only ``follow_through`` of the
    intention hazard is acted on.
    """
    return 1.0 - math.exp(-(follow_through * hazard) * period_days / DAYS_PER_YEAR)


@dataclass(frozen=True, slots=True)
class Renewal:
    """One scenario's renewal decision: the hazard, what is acted on, and referrals.

    The formulas of ``churn_hazard``, ``effort_and_relationship``,
    ``period_churn_probability`` and ``willingness_to_buy_again`` with the constants gathered
    once, so that a renewal (a monthly decision for every customer, the commonest event)
    computes its hazard once.
    """

    reference: float
    sensitivity: float
    base_per_year: float
    follow_through: float
    period_days: float
    referral_probability: float  # of a promoter, per period
    advice_probability: float  # of speaking of the supplier to a contact, per period
    effort_sensitivity: float  # log-change of the hazard per remembered effort point
    effort_tolerance: float  # effort points taken in one's stride
    effort_memory_halflife_days: float  # for remembered effort to halve
    relationship_weight: float  # cut in the log-hazard while a relationship holds

    def hazard(self, satisfaction: float, drivers: float = 0.0) -> float:
        """Churn hazard per year at ``satisfaction`` and ``drivers`` (effort, relationship)."""
        return churn_hazard(
            satisfaction, self.reference, self.sensitivity, self.base_per_year, drivers
        )

    def leaving_probability(self, hazard: float) -> float:
        """Chance of leaving at this renewal, given the intention ``hazard``."""
        return period_churn_probability(hazard, self.follow_through, self.period_days)

    def willingness(self, satisfaction: float, drivers: float = 0.0) -> float:
        """Stated willingness to buy again at ``satisfaction`` and ``drivers``."""
        return willingness_to_buy_again(self.hazard(satisfaction, drivers))

    def effort_and_relationship_after(
        self, remembered: float, days: float, relationship: bool
    ) -> float:
        """``effort_and_relationship`` ``days`` after ``remembered`` effort was last added to."""
        effort = remembered_effort(remembered, days, self.effort_memory_halflife_days)
        return effort_and_relationship(
            effort, self.effort_sensitivity, relationship, self.relationship_weight
        )


def willingness_to_buy_again(hazard_per_year: float) -> float:
    """Stated willingness to buy again (TARP's measure): not leaving within a year, ``exp(-h)``."""
    return math.exp(-hazard_per_year)


NPS_GROUPS = ("promoter", "passive", "detractor")


def nps_group(willingness: float) -> str:
    """Net Promoter category of a willingness to buy again read as a 0-10 answer."""
    if willingness >= PROMOTER_WILLINGNESS:
        return "promoter"
    return "detractor" if willingness < DETRACTOR_WILLINGNESS else "passive"


def effort_points(
    contacts: int,
    handoffs: int,
    wait_minutes: float,
    abandoned: int,
    reexplanations: int = 0,
    switches: int = 0,
    reexplain_effort: float = 0.5,
    unresolved_effort: float = 0.0,
) -> float:
    """Effort of one case, in points.

    Each extra contact, transfer, hang-up and channel switch is a point, every 10 minutes of
    waiting is a point, and each re-explanation ``reexplain_effort`` points (CEB 2010's effort
    drivers: repeat contacts, transfers, re-explaining, switching channels, waiting). A case
    that ends unresolved adds ``unresolved_effort`` (pass 0 for a resolved one): CEB asked how
    much effort customers had to put forth to handle their request, and one left unhandled is
    still theirs to handle (its size is an assumption).
    """
    return (
        max(0, contacts - 1)
        + handoffs
        + abandoned
        + switches
        + reexplain_effort * reexplanations
        + wait_minutes / 10.0
        + unresolved_effort
    )


def people_penalty(people: int, weight: float) -> float:
    """Experience lost to the people a case passed through: ``weight * (people - 1)``.

    Seed 002: "The more people who have to be involved, the more your reputation goes in the
    toilet even if the issue is resolved"; seed 003: customers "shuffled from one service
    professional to another". Every member of staff the customer dealt with beyond the first
    weighs on the case's memory, whatever its end, on top of the effort the handoffs cost. No
    published figure gives the size per person; ``weight`` is an assumption.
    """
    return weight * max(0, people - 1)


def customer_effort_score(points: float) -> float:
    """Customer Effort Score on the usual 1 (very easy) to 7 (very hard) scale."""
    return 1.0 + min(6.0, points)

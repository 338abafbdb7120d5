"""Service recovery: how the end of a case is experienced.

A complaint that ends without a fix still leaves the customer a little better than silence
(being heard: TARP finds willingness to buy again of 19% vs 9% for large problems). A fix is
experienced better the faster it comes (half-life ``recovery.speed_halflife_days``) and the more
the handler listens and empathises, apologises and compensates (seed 000, "Compassionate
recovery"; seed 003, "Engage in active listening"); a slow fix drifts toward no fix. A quick,
excellent recovery of a first, non-severe failure can leave satisfaction above its earlier level
(the recovery paradox); after a repeated or severe failure it cannot (de Matos et al. 2007).
"""

from __future__ import annotations

__all__ = [
    "unresolved_experience",
    "recovery_experience",
    "bounded_recovery",
    "routine_experience",
    "care_lift",
]


def unresolved_experience(worst: float, complaint_relief: float) -> float:
    """End of a complaint without a fix: the problem remains, eased by being heard."""
    return min(1.0, worst + complaint_relief)


def recovery_experience(
    delay_days: float,
    halflife_days: float,
    empathy: float,
    apology: bool,
    compensation_ratio: float,
    weights: tuple[float, float, float],
    floor: float,
) -> float:
    """End of a resolved case: ``floor + (1 - floor) * quality * 0.5 ** (delay / halflife)``.

    ``quality = (1 - sum(w)) + w_empathy * empathy + w_apology * apology
    + w_comp * min(1, compensation_ratio / 0.3)``; compensation saturates at 30% of the money
    at stake; ``floor`` is the experience of the same complaint left unresolved.
    """
    w_empathy, w_apology, w_comp = weights
    quality = (
        (1.0 - w_empathy - w_apology - w_comp)
        + w_empathy * empathy
        + w_apology * float(apology)
        + w_comp * min(1.0, compensation_ratio / 0.3)
    )
    return floor + (1.0 - floor) * quality * 0.5 ** (delay_days / halflife_days)


def bounded_recovery(
    episode: float, satisfaction_before: float, first_failure: bool, severe: bool
) -> float:
    """The recovery paradox only for a first, non-severe failure; otherwise capped."""
    if first_failure and not severe:
        return episode
    return min(episode, satisfaction_before)


def routine_experience(resolved: bool, met_level: float) -> float:
    """Experience of a routine request: as expected when done, 0.2 less when abandoned.

    A request left undone is an annoyance, not a failed complaint; its effort is charged
    separately.
    """
    return met_level if resolved else met_level - 0.2


def care_lift(shown_empathy: float, expected: float, weight: float) -> float:
    """What a handler's care adds to a routine contact: ``weight * (shown - expected)``.

    Care is felt in every interaction, not only in recoveries (seed 004: "a natural flair for
    doing it"; seed 003: "Engage in active listening"); customers expect the usual agent's.
    """
    return weight * (shown_empathy - expected)

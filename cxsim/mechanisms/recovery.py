"""Service recovery: how the resolution of a case is experienced.

The experience of a resolved case falls with the delay since the customer noticed the problem
(half-life ``recovery.speed_halflife_days``) and rises with the handler's listening and empathy,
a sincere apology and compensation (seed 000, "Compassionate recovery"; seed 003, "Engage in
active listening"). TARP's studies find willingness to buy again of 82% when a large problem is
resolved quickly vs 54% when it is resolved at all; a quick, excellent recovery of a first,
non-severe failure can leave satisfaction above its pre-failure level (de Matos et al. 2007).
"""

from __future__ import annotations

__all__ = ["recovery_experience", "routine_experience", "UNRESOLVED_EXPERIENCE"]

UNRESOLVED_EXPERIENCE = 0.15  # a complaint that ends without a fix (TARP: 19% would buy again)


def recovery_experience(delay_days: float, halflife_days: float, empathy: float, apology: bool,
                        compensation_ratio: float, weights: tuple[float, float, float]) -> float:
    """Experience in [0, 1] of a resolved case.

    ``quality = (1 - sum(w)) + w_empathy * empathy + w_apology * apology
    + w_comp * min(1, compensation_ratio / 0.3)`` and the result is
    ``UNRESOLVED + (1 - UNRESOLVED) * quality * 0.5 ** (delay / halflife)``: a slow fix drifts
    toward an unresolved one. Compensation saturates at 30% of the money at stake.
    """
    w_empathy, w_apology, w_comp = weights
    quality = ((1.0 - w_empathy - w_apology - w_comp) + w_empathy * empathy
               + w_apology * float(apology) + w_comp * min(1.0, compensation_ratio / 0.3))
    speed = 0.5 ** (delay_days / halflife_days)
    return UNRESOLVED_EXPERIENCE + (1.0 - UNRESOLVED_EXPERIENCE) * quality * speed


def routine_experience(resolved: bool, met_level: float) -> float:
    """Experience of a routine request: as expected when done, half of that when abandoned.

    A request left undone is an annoyance, not a failed complaint, so it weighs less than
    ``UNRESOLVED_EXPERIENCE``; its effort is charged separately.
    """
    return met_level if resolved else met_level / 2.0

"""Loyalty: memory of episodes, customer effort and the decision to stay.

Satisfaction is an exponentially weighted memory of episodes (``s += w * (x - s)``), so recent
episodes weigh most. Every case costs effort (contacts, waits, transfers); effort lowers
satisfaction directly (CEB 2010: high-effort service made 96% of customers more disloyal). The
churn hazard is proportional-hazards in satisfaction: ``base * exp(k * (s_ref - s))``, assessed at
each monthly renewal.
"""

from __future__ import annotations

import math

__all__ = ["remember", "churn_probability", "effort_points", "customer_effort_score"]


def remember(satisfaction: float, experience: float, weight: float) -> float:
    """Blend a new episode into satisfaction with memory weight ``weight``."""
    return satisfaction + weight * (experience - satisfaction)


def churn_probability(satisfaction: float, reference: float, sensitivity: float,
                      base_per_year: float, period_days: float) -> float:
    """Chance of leaving within one renewal period: ``1 - exp(-h * period)``."""
    hazard = base_per_year * math.exp(sensitivity * (reference - satisfaction))
    return 1.0 - math.exp(-hazard * period_days / 365.0)


def effort_points(contacts: int, handoffs: int, wait_minutes: float, abandoned: int) -> float:
    """Effort of one case, in points.

    Each extra contact, transfer and hang-up is a point, and so is every 10 minutes of waiting
    (CEB 2010's effort drivers: repeat contacts, transfers, re-explaining, waiting).
    """
    return max(0, contacts - 1) + handoffs + abandoned + wait_minutes / 10.0


def customer_effort_score(points: float) -> float:
    """Customer Effort Score on the usual 1 (very easy) to 7 (very hard) scale."""
    return 1.0 + min(6.0, points)

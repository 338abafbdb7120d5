"""Workforce formulas: leaving, learning, fading skills and quality erosion under pressure.

Staff leave and vacancies stay open while a replacement is found and onboarded
(``cxsim.organisation.workforce`` keeps the posts).

Turnover rises with work pressure (jobs waiting per person in one's own queue: Oliva and
Sterman 2001 describe how pressure wears service staff down) and falls with personal
recognition (seed 002: the people "who get the least monetarily and in praise"; seed 004:
"worthwhile rewards"). Contact-centre attrition is commonly 30-45% a year. A leaver's post
stays empty for a hiring delay, then the new hire spends ``onboarding_days`` paid but not yet
serving: vacancies reduce capacity.

A rostered position (a seat of the contact centre, a supervisor's desk) is held by more than one
person: its rostered hours, grossed up for shrinkage (paid time off the phones: breaks,
training, absence, leave; OpsDog's benchmark of 1,230 centres: mean 27%, planning guides
30-35%), divided by a full-time contract's hours, are the people paid for it.
"""

from __future__ import annotations

import math

from cxsim.units import DAYS_PER_YEAR

__all__ = [
    "learn",
    "decay_skill",
    "erode",
    "training_fade",
    "full_time_equivalents",
]


def full_time_equivalents(
    rostered_hours_per_week: float, shrinkage: float, contract_hours_per_week: float
) -> float:
    """Full-time people needed to cover ``rostered_hours_per_week`` on duty."""
    return rostered_hours_per_week / (1.0 - shrinkage) / contract_hours_per_week


def learn(skill: float, rate: float, ceiling: float) -> float:
    """One more job done: ``skill += rate * (ceiling - skill)``.

    An exponential learning curve from experience, as in the workforce models of service
    operations (Oliva and Sterman 2001).
    """
    return skill + rate * max(0.0, ceiling - skill)


def decay_skill(skill: float, floor: float, rate_per_year: float, days: float) -> float:
    """Skill fades toward ``floor`` without refreshment: ``(skill - floor) * exp(-r t)``."""
    if skill <= floor:
        return skill
    return floor + (skill - floor) * math.exp(-rate_per_year * days / DAYS_PER_YEAR)


def erode(
    standard: float,
    pressure: float,
    corner_cutting: float,
    pressure_scale: float,
    erosion_days: float,
    recovery_days: float,
) -> tuple[float, float]:
    """One day of Oliva and Sterman's (2001) service-quality erosion.

    Under ``pressure`` staff give ``standard * (1 - cut)`` of the nominal time, with
    ``cut = corner_cutting * p / (p + scale)``; the standard then drifts toward what was
    given, down within ``erosion_days`` and back up only within ``recovery_days``, so that a
    temporary pressure can leave quality lower after it has passed. Returns
    ``(time_share, new_standard)``.
    """
    cut = corner_cutting * pressure / (pressure + pressure_scale)
    time_share = standard * (1.0 - cut)
    days = erosion_days if time_share < standard else recovery_days
    target = time_share if cut else 1.0
    return time_share, standard + (target - standard) / days


def training_fade(gain: float, decay_per_year: float, days_since: float) -> float:
    """Share of handoff errors a unified training removes ``days_since`` after it started.

    The gain fades as skills do (``decay_skill``): ``gain * exp(-decay * t / 365)``.
    """
    return gain * math.exp(-decay_per_year * days_since / DAYS_PER_YEAR)

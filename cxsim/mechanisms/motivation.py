"""Staff motivation: what the job gives a member of staff, and what it moves in their work.

Motivation is a number per member of staff, 0 for someone paid the market rate, not
personally recognised and under no work pressure. Measured in units of the log leaving hazard,
it says how much likelier than usual a member is to stay: the hazard is
``base * exp(-motivation)`` (``leaving_probability``).

What moves it (each term a source or a stated assumption):

- **Pay** relative to the market rate: ``pay_weight * ln(pay / market)``. With the hazard above,
  ``pay_weight`` is the elasticity of quitting to pay; the monopsony literature puts separation
  elasticities of about 1 to 3 (Manning 2003, *Monopsony in Motion*); 1.5 is an assumption
  within that range. Seed 002: the front line "get the least monetarily and in praise".
- **Personal recognition** (seeds 002, 004: "worthwhile rewards"): ``-ln(1 - effect)``, so
  that a recognised member's hazard is cut by ``workforce.recognition_effect``.
- **Work pressure**: ``-pressure_turnover * min(pressure, 5)`` (jobs waiting per person;
  Oliva and Sterman 2001; job demands wear people down: Bakker and Demerouti 2007). The team
  feels the pressure of its queue, smoothed over ``adjustment_days``.
- **Events**, each a jolt that fades over ``adjustment_days``: a customer success celebrated
  with the team (seed 000: "celebrate customer success stories"), and a case the agent had
  solved but had to escalate for want of authority (seed 000: "frustrating both the customer and
  the employee"). Their sizes are assumptions.

What it moves: the leaving hazard, the empathy and care a member shows in every interaction,
``empathy + care_per_motivation * motivation`` (the service-profit chain: Heskett et al. 1994;
employees' experience shows in customers' experience: Schneider and Bowen 1985; the size is an
assumption), and how far a team cuts corners under pressure: the largest cut times
``exp(-drive)``, drive being the team's mean motivation before its strain (pressure already
sets the cut itself, Oliva and Sterman 2001; that the demotivated cut more is the direction of
the service-profit chain, the form an assumption). Hiring for attitude shows here too: the
profile's empathy is shown in routine contacts, not only in recoveries (seed 004: "a natural
flair").
"""

from __future__ import annotations

import math

from cxsim.units import DAYS_PER_YEAR, clip_share

__all__ = [
    "PRESSURE_CAP",
    "standing",
    "strain",
    "recognition_lift",
    "settle",
    "faded",
    "shown_empathy",
    "leaving_probability",
    "corner_cutting",
]

PRESSURE_CAP = 5.0  # jobs waiting per person beyond which pressure adds no more strain


def standing(pay_ratio: float, pay_weight: float, recognised: bool, recognition: float) -> float:
    """A member's own motivation from pay and recognition: ``w ln(pay) + lift``."""
    return pay_weight * math.log(pay_ratio) + (recognition if recognised else 0.0)


def strain(pressure: float, pressure_weight: float) -> float:
    """Motivation lost under ``pressure`` (jobs waiting per person), capped."""
    return pressure_weight * min(pressure, PRESSURE_CAP)


def recognition_lift(effect: float) -> float:
    """Motivation of recognition that cuts the leaving hazard by ``effect``: ``-ln(1 - e)``."""
    return -math.log(max(1e-9, 1.0 - effect))


def settle(level: float, target: float, days: float, adjustment_days: float) -> float:
    """``level`` after ``days`` moving toward ``target``: first order, time constant."""
    return target + faded(level - target, days, adjustment_days)


def faded(jolt: float, days: float, adjustment_days: float) -> float:
    """What is left of an event's ``jolt`` to motivation ``days`` later."""
    return jolt * math.exp(-days / adjustment_days)


def shown_empathy(empathy: float, motivation: float, care_per_motivation: float) -> float:
    """The empathy and care a member shows now: their own, moved by motivation."""
    return clip_share(empathy + care_per_motivation * motivation)


def leaving_probability(base_per_year: float, motivation: float, days: float) -> float:
    """Chance of leaving within ``days``: hazard ``base * exp(-motivation)`` per year."""
    hazard = base_per_year * math.exp(-motivation)
    return 1.0 - math.exp(-hazard * days / DAYS_PER_YEAR)


def corner_cutting(largest_cut: float, drive: float) -> float:
    """The largest share of handling time a team cuts under pressure, given its ``drive``.

    ``min(1, largest_cut * exp(-drive))``; ``drive`` is the team's mean motivation before its
    strain (pay, recognition, events), so pressure is not counted twice.
    """
    return min(1.0, largest_cut * math.exp(-drive))

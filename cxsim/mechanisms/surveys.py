"""Surveys: who answers, and how a customer's state becomes an answer on a scale.

Seed 004: "if you ask the WRONG QUESTIONS, you're unlikely to get the RIGHT ANSWERS"; seed
000: evaluate every interaction by its effort. A survey sees only those who answer, and
non-response bias arises when the chance of answering moves with what is asked (Groves &
Peytcheva 2008, Public Opinion Quarterly 72(2):167-189, a meta-analysis of 59 studies):

* the unhappy and the delighted answer more than the lukewarm (Hu, Pavlou & Zhang 2009,
  Communications of the ACM 52(10):144-147: moderate experiences go unreported);
* a customer who had a problem and never complained stays silent here too (assumption, in
  line with TARP's finding that most customers with a problem never speak up);
* answers lean to the favourable end of the scale (Peterson & Wilson 1992, JAMS 20(1):61-71).

Every true state is on 0..1 (satisfaction-like: 1 best; effort: effort points over 6, 1
hardest) and is read onto the question's scale through cut points. Without noise or leniency
an answer's top two boxes are the model's ``CSAT_SATISFIED`` and its NPS group is
``nps_group``'s; an effort answer is the model's continuous CES rounded to a whole point.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from cxsim.mechanisms.loyalty import CSAT_SATISFIED

__all__ = [
    "NEUTRAL",
    "Scale",
    "SCALES",
    "FAVOURABLE_HIGH",
    "response_probability",
    "answer",
    "scores",
    "unfavourable",
]

NEUTRAL = 0.5  # a neither-good-nor-bad experience on the 0..1 state (assumption: mid-scale)
TOP_TWO_BOX = 4  # a 5-point satisfaction answer of 4 or 5: satisfied
PROMOTER, DETRACTOR = 9, 6  # NPS: 9-10 promoters, 0-6 detractors (Reichheld 2003)
HIGH_EFFORT = 5  # an effort answer of 5-7 on 1-7: high effort (CEB 2010's high-effort half)


@dataclass(frozen=True, slots=True)
class Scale:
    """A question's answer scale: ``low`` and one point more at each of ``cuts`` (0..1 state)."""

    low: int
    cuts: tuple[float, ...]

    def point(self, state: float) -> int:
        """The answer point of a state on 0..1 (noise and leniency already applied)."""
        return self.low + bisect.bisect_right(self.cuts, state)


# CSAT and overall satisfaction: 5 points, the top two from CSAT_SATISFIED on (the other cuts
# are an assumption: 4 from halfway to 1 above it, 2 and 3 in equal steps below). NPS: 0-10
# as floor(10 x willingness), so 9-10 is willingness >= PROMOTER_WILLINGNESS (0.9) and 0-6
# below DETRACTOR_WILLINGNESS (0.7), as ``nps_group``. Effort (CES, ease): 1 very easy to 7
# very hard, the state being effort points over 6 (CES = 1 + points), to the nearest point.
_SATISFACTION = Scale(1, (0.25, 0.5, CSAT_SATISFIED, (1 + CSAT_SATISFIED) / 2))
_EFFORT = Scale(1, tuple((k + 0.5) / 6 for k in range(6)))
SCALES = {
    "csat": _SATISFACTION,
    "satisfaction": _SATISFACTION,
    "nps": Scale(0, tuple(k / 10 for k in range(1, 11))),
    "ces": _EFFORT,
    "ease": _EFFORT,
}
FAVOURABLE_HIGH = {"csat": True, "satisfaction": True, "nps": True, "ces": False, "ease": False}


def response_probability(
    base: float, experience: float, extremity_lift: float, silent: bool, silent_factor: float
) -> float:
    """Chance of answering an invitation.

    ``base`` at a neutral ``experience`` (0..1), raised by ``extremity_lift`` per unit of
    distance from neutral (half the scale: double at the ends with a lift of 1), times
    ``silent_factor`` for a customer who had a problem and never complained.
    """
    p = base * (1.0 + extremity_lift * abs(experience - NEUTRAL) / NEUTRAL)
    if silent:
        p *= silent_factor
    return min(1.0, p)


def answer(question: str, state: float, noise: float, leniency: float) -> int:
    """The point a customer ticks: their state, moved by ``noise`` and ``leniency`` (0..1).

    Leniency moves the answer towards the favourable end (up for satisfaction, down for
    effort); both are shares of the scale.
    """
    lean = leniency if FAVOURABLE_HIGH[question] else -leniency
    return SCALES[question].point(state + noise + lean)


def scores(question: str, points: np.ndarray) -> np.ndarray:
    """Each answer's part in the question's KPI, whose mean is the KPI.

    CSAT and satisfaction: 1 for the top two boxes (4-5), else 0; NPS: +100 for a promoter
    (9-10), -100 for a detractor (0-6), 0 for a passive; CES and ease: the point itself.
    """
    if question in ("csat", "satisfaction"):
        return (points >= TOP_TWO_BOX).astype(float)
    if question == "nps":
        return 100.0 * (points >= PROMOTER) - 100.0 * (points <= DETRACTOR)
    return points.astype(float)


def unfavourable(question: str, point: int) -> bool:
    """An answer that says something went wrong: not satisfied, a detractor, high effort."""
    if question == "nps":
        return point <= DETRACTOR
    if question in ("ces", "ease"):
        return point >= HIGH_EFFORT
    return point < TOP_TWO_BOX

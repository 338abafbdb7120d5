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

Every true state is on 0..1 (satisfaction-like: 1 best; effort: CES points over 6, 1
hardest) and is read onto the question's scale through cut points; without noise or
leniency the answer's top box or NPS group equals the model's own (``CSAT_SATISFIED``,
``nps_group``), so the measured and true figures differ only by who answered and how.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

__all__ = [
    "NEUTRAL",
    "Scale",
    "SCALES",
    "FAVOURABLE_HIGH",
    "response_probability",
    "answer",
    "scores",
]

NEUTRAL = 0.5  # a neither-good-nor-bad experience on the 0..1 state (assumption: mid-scale)


@dataclass(frozen=True, slots=True)
class Scale:
    """A question's answer scale: ``low`` and one point more at each of ``cuts`` (0..1 state)."""

    low: int
    cuts: tuple[float, ...]

    def point(self, state: float) -> int:
        """The answer point of a state on 0..1 (noise and leniency already applied)."""
        return self.low + bisect.bisect_right(self.cuts, state)


# CSAT and overall satisfaction: 5 points, 4 and 5 the top two boxes from 0.7 on, the model's
# CSAT_SATISFIED (the lower cuts are an assumption: equal steps). NPS: 0-10, the answer read
# as floor(10 x willingness), so that 9-10 (promoters) is willingness >= 0.9 and 0-6
# (detractors) below 0.7, as ``nps_group``. Effort (CES, ease): 1 very easy to 7 very hard,
# the state being effort points over 6 (CES = 1 + points), rounded to the nearest point.
_CES = Scale(1, tuple((k + 0.5) / 6 for k in range(6)))
SCALES = {
    "csat": Scale(1, (0.25, 0.5, 0.7, 0.85)),
    "satisfaction": Scale(1, (0.25, 0.5, 0.7, 0.85)),
    "nps": Scale(0, tuple(k / 10 for k in range(1, 11))),
    "ces": _CES,
    "ease": _CES,
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
        return (points >= 4).astype(float)
    if question == "nps":
        return 100.0 * (points >= 9) - 100.0 * (points <= 6)
    return points.astype(float)

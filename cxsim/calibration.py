"""Calibration targets from published studies, and how the model measures each of them.

Each target is measured on the records of the calibration scenario
(``scenarios/calibration/complaints.yaml``: the baseline organisation, larger, with widely
spread incident severity), with the default parameters. The comparisons are registered as
stylised facts (``cxsim validate``) and tabulated in ``docs/calibration.md``.

- TARP (US Office of Consumer Affairs complaint-handling studies): willingness to buy again
  after a problem, by size and by what happened. Tolerance: 10 points, and the order
  silent < unresolved < resolved < resolved quickly.
- CEB 2010 (Dixon, Freeman and Toman, "Stop trying to delight your customers", HBR): 96% of
  customers with a high-effort experience became more disloyal, 9% with a low-effort one.
  Tolerance: 15 points each.
- SQM Group: each additional contact needed lowers top-box satisfaction by about 15 points.
  Tolerance: half the figure (7.5 to 22.5 points).
- TARP: complaining rises with the money at stake; few customers with a small problem complain
  (under 10%).
- East, Hammond and Wright 2007 (IJRM 24(2):175-184, 15 studies): positive word of mouth is
  about three times as common as negative, so a quarter of the stories told are bad news.
  Tolerance: 10 points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from cxsim.kpis import CSAT_SATISFIED
from cxsim.library import calibration_scenario
from cxsim.records import PROBLEM_OUTCOMES, CaseRecord, ProblemRecord
from cxsim.runner import simulate
from cxsim.scenario import Scenario, load_scenario

__all__ = [
    "CALIBRATION_SCENARIO",
    "SMALL_PROBLEM",
    "LARGE_PROBLEM",
    "TARP_TARGETS",
    "Target",
    "calibration_records",
    "tarp_targets",
    "effort_targets",
    "contact_target",
    "word_of_mouth_target",
    "complaint_rates",
    "all_targets",
]

CALIBRATION_SCENARIO = calibration_scenario("complaints")  # the library's calibration/complaints
SMALL_PROBLEM = 10.0  # money at stake below which a problem is "small" (TARP: under about $5)
LARGE_PROBLEM = 100.0  # money at stake above which a problem is "large" (TARP: over about $100)
TARP_TARGETS = {  # willingness to buy again, by size and outcome (PROBLEM_OUTCOMES order)
    "large": (0.09, 0.19, 0.54, 0.82),
    "small": (0.37, 0.46, 0.70, 0.95),
}
LOW_EFFORT_POINTS, HIGH_EFFORT_POINTS = 1.0, 4.0  # CES <= 2 is low effort, CES >= 5 high
BAD_NEWS_SHARE = 0.25  # East, Hammond and Wright 2007: positive word of mouth 3x as common


@dataclass(frozen=True, slots=True)
class Target:
    """A published figure, the model's value and the tolerance it must meet."""

    group: str
    name: str
    published: float
    model: float
    tolerance: float
    count: int

    @property
    def passed(self) -> bool:
        """Whether the model lies within the tolerance of the published figure."""
        return abs(self.model - self.published) <= self.tolerance


@lru_cache(maxsize=4)
def calibration_records(
    params: Scenario,
) -> tuple[tuple[ProblemRecord, ...], tuple[CaseRecord, ...], tuple[int, int]]:
    """Problem and case records and the (good, bad) stories told in one run of ``params``.

    Cached: several targets share the run.
    """
    model = simulate(params)
    counters = model.counters
    stories = (counters["positive_word_of_mouth"], counters["negative_word_of_mouth"])
    return tuple(model.recorder.problems), tuple(model.recorder.cases), stories


def _size(severity: float) -> str | None:
    if severity < SMALL_PROBLEM:
        return "small"
    return "large" if severity > LARGE_PROBLEM else None


def tarp_targets(problems: Sequence[ProblemRecord]) -> list[Target]:
    """Mean willingness to buy again per problem size and outcome, beside TARP's figures."""
    groups: dict[tuple[str, str], list[float]] = {}
    for p in problems:
        size = _size(p.severity)
        if size:
            groups.setdefault((size, p.outcome), []).append(p.willingness_to_buy_again)
    return [
        Target(
            "TARP: willingness to buy again",
            f"{size} problem, {outcome}",
            published,
            float(np.mean(groups.get((size, outcome), [np.nan]))),
            0.10,
            len(groups.get((size, outcome), [])),
        )
        for size, figures in TARP_TARGETS.items()
        for outcome, published in zip(PROBLEM_OUTCOMES, figures, strict=True)
    ]


def effort_targets(cases: Sequence[CaseRecord]) -> list[Target]:
    """Share of complaint cases that left the customer more disloyal, by effort (CEB 2010).

    Over cases with a service interaction: a customer who gave up before reaching anyone (the
    line was closed) had none to judge.
    """
    complaints = [c for c in cases if c.kind != "routine" and c.contacts > 0]
    targets = []
    for label, published, keep in (
        ("low effort (CES <= 2)", 0.09, lambda c: c.effort_points <= LOW_EFFORT_POINTS),
        ("high effort (CES >= 5)", 0.96, lambda c: c.effort_points >= HIGH_EFFORT_POINTS),
    ):
        group = [c for c in complaints if keep(c)]
        disloyal = np.mean([c.satisfaction_after < c.satisfaction_before for c in group])
        targets.append(
            Target(
                "CEB 2010: more disloyal after the case",
                label,
                published,
                float(disloyal),
                0.15,
                len(group),
            )
        )
    return targets


def contact_target(cases: Sequence[CaseRecord]) -> Target:
    """Drop in top-box satisfaction per additional contact (SQM Group).

    Cases that took one, two and three contacts: half the drop from one to three.
    """
    top_box = [
        np.mean([c.experience >= CSAT_SATISFIED for c in cases if c.contacts == k])
        for k in (1, 2, 3)
    ]
    drop = float((top_box[0] - top_box[2]) / 2)
    return Target(
        "SQM: top-box satisfaction per extra contact",
        "drop per additional contact",
        0.15,
        drop,
        0.075,
        sum(c.contacts <= 3 for c in cases),
    )


def word_of_mouth_target(stories: tuple[int, int]) -> Target:
    """Share of the stories customers told that were bad news (East, Hammond and Wright 2007).

    A story is one listener told about the supplier: advice in conversation, an episode, an
    exit.
    """
    good, bad = stories
    return Target(
        "East et al. 2007: word of mouth",
        "share of stories that are bad news",
        BAD_NEWS_SHARE,
        bad / (good + bad),
        0.10,
        good + bad,
    )


def complaint_rates(problems: Sequence[ProblemRecord]) -> list[tuple[str, float, int]]:
    """Share of noticed problems complained about, by money at stake."""
    bands = (
        (0, SMALL_PROBLEM),
        (SMALL_PROBLEM, 50.0),
        (50.0, LARGE_PROBLEM),
        (LARGE_PROBLEM, np.inf),
    )
    rows = []
    for low, high in bands:
        group = [p.outcome != "silent" for p in problems if low <= p.severity < high]
        rows.append((f"{low:g} to {high:g}", float(np.mean(group)), len(group)))
    return rows


def all_targets(params: Scenario | None = None) -> list[Target]:
    """Every calibration target measured on one run of the calibration scenario."""
    problems, cases, stories = calibration_records(params or load_scenario(CALIBRATION_SCENARIO))
    return [
        *tarp_targets(problems),
        *effort_targets(cases),
        contact_target(cases),
        word_of_mouth_target(stories),
    ]

"""Calibration targets from published studies, and how the model measures each of them.

Each target is measured on the records of the calibration scenario
(``scenarios/calibration/complaints.yaml``: the baseline organisation, larger, with widely
spread incident severity), with the default parameters. The comparisons are registered as
stylised facts (``cxsim validate``) and tabulated in ``docs/calibration_published.md``.

- TARP (US Office of Consumer Affairs complaint-handling studies): willingness to buy again
  after a problem, by size and by what happened. Tolerance: 10 points, and the order
  silent < unresolved < resolved < resolved quickly.
- CEB 2010 (Dixon, Freeman and Toman, "Stop trying to delight your customers", HBR): 96% of
  customers with a high-effort experience became more disloyal, 9% with a low-effort one.
  Tolerance: 15 points each. 94% of low-effort customers would repurchase (high-effort ones
  far fewer); tolerance 10 points. And effort predicts loyalty better than satisfaction does:
  in the model, a case's effort score tells who leaves within a year better than its
  satisfaction (``churn_predictors``).
- SQM Group: each additional contact needed lowers top-box satisfaction by about 15 points.
  Tolerance: half the figure (7.5 to 22.5 points).
- TARP: complaining rises with the money at stake; few customers with a small problem complain
  (under 10%).
- East, Hammond and Wright 2007 (IJRM 24(2):175-184, 15 studies): positive word of mouth is
  about three times as common as negative, so a quarter of the stories told are bad news.
  Tolerance: 10 points.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from cxsim.kpis import CSAT_SATISFIED, departures, left_within
from cxsim.library import calibration_scenario
from cxsim.mechanisms.surveys import HIGH_EFFORT
from cxsim.records import PROBLEM_OUTCOMES, CaseRecord, ProblemRecord
from cxsim.runner import simulate
from cxsim.scenario import Scenario, load_scenario
from cxsim.statistics import area_under_roc

__all__ = [
    "CALIBRATION_SCENARIO",
    "SMALL_PROBLEM",
    "LARGE_PROBLEM",
    "TARP_TARGETS",
    "Target",
    "CalibrationRun",
    "calibration_records",
    "judged_complaints",
    "repurchase_target",
    "ChurnPredictors",
    "churn_predictors",
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
# effort points of a case record whose CES (1 + points: loyalty.customer_effort_score) is 2 or
# less (low), or the survey's HIGH_EFFORT or more (high)
LOW_EFFORT_POINTS, HIGH_EFFORT_POINTS = 1.0, HIGH_EFFORT - 1.0
BAD_NEWS_SHARE = 0.25  # East, Hammond and Wright 2007: positive word of mouth 3x as common
LOW_EFFORT_REPURCHASE = 0.94  # CEB 2010: low-effort customers who would repurchase
CHURN_WINDOW_DAYS = 365.0  # who left within a year of a case


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


class CalibrationRun(NamedTuple):
    """What the targets read from one run of the calibration scenario."""

    problems: tuple[ProblemRecord, ...]
    cases: tuple[CaseRecord, ...]
    stories: tuple[int, int]  # (good, bad) stories told
    departures: Mapping[int, float]  # day each customer who left did so, by id
    horizon_days: float


@lru_cache(maxsize=4)
def calibration_records(params: Scenario) -> CalibrationRun:
    """Records, stories and departures of one run of ``params`` (cached: targets share it)."""
    model = simulate(params)
    counters = model.counters
    return CalibrationRun(
        tuple(model.recorder.problems),
        tuple(model.recorder.cases),
        (counters["positive_word_of_mouth"], counters["negative_word_of_mouth"]),
        departures(model),
        params.horizon.days,
    )


def judged_complaints(cases: Sequence[CaseRecord]) -> list[CaseRecord]:
    """Complaint cases with a service interaction (one who gave up unheard had none to judge)."""
    return [c for c in cases if c.kind != "routine" and c.contacts > 0]


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

    More disloyal: less willing to buy again after the case than before it (the loyalty
    measure, which reads effort and satisfaction).
    """
    complaints = judged_complaints(cases)
    targets = []
    for label, published, keep in (
        ("low effort (CES <= 2)", 0.09, lambda c: c.effort_points <= LOW_EFFORT_POINTS),
        ("high effort (CES >= 5)", 0.96, lambda c: c.effort_points >= HIGH_EFFORT_POINTS),
    ):
        group = [c for c in complaints if keep(c)]
        disloyal = np.mean([c.willingness_to_buy_again < c.willingness_before for c in group])
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


def repurchase_target(cases: Sequence[CaseRecord]) -> Target:
    """Willingness to buy again right after a low-effort complaint case (CEB 2010: 94%)."""
    low = _willingness_after(cases, lambda c: c.effort_points <= LOW_EFFORT_POINTS)
    return Target(
        "CEB 2010: would repurchase after the case",
        "low effort (CES <= 2)",
        LOW_EFFORT_REPURCHASE,
        float(np.mean(low)),
        0.10,
        len(low),
    )


def _willingness_after(
    cases: Sequence[CaseRecord], keep: Callable[[CaseRecord], bool]
) -> list[float]:
    return [c.willingness_to_buy_again for c in judged_complaints(cases) if keep(c)]


@dataclass(frozen=True, slots=True)
class ChurnPredictors:
    """How well a complaint case's effort and its satisfaction tell who leaves after it.

    Areas under the ROC curve (0.5: no better than chance) of the case's effort score (CES)
    and of its dissatisfaction (1 - the case's experience, what a CSAT survey asks) for the
    customer leaving within ``CHURN_WINDOW_DAYS``; and the willingness to buy again after a
    high-effort case (CEB 2010: far below the 94% after a low-effort one).
    """

    effort_auc: float
    dissatisfaction_auc: float
    cases: int
    departures: int
    high_effort_repurchase: float

    @property
    def effort_predicts_better(self) -> bool:
        """CEB 2010's finding: effort, not satisfaction, predicts disloyalty."""
        return self.effort_auc > self.dissatisfaction_auc


def churn_predictors(run: CalibrationRun) -> ChurnPredictors:
    """Effort against satisfaction as predictors of leaving.

    Over complaint cases closed at least ``CHURN_WINDOW_DAYS`` before the end of the run.
    """
    cases = [
        c
        for c in judged_complaints(run.cases)
        if c.closed_day <= run.horizon_days - CHURN_WINDOW_DAYS
    ]
    left = left_within(
        run.departures,
        [c.customer_id for c in cases],
        np.array([c.closed_day for c in cases], dtype=float),
        CHURN_WINDOW_DAYS,
    )
    high = _willingness_after(run.cases, lambda c: c.effort_points >= HIGH_EFFORT_POINTS)
    return ChurnPredictors(
        area_under_roc(np.array([c.ces for c in cases]), left),
        area_under_roc(np.array([1.0 - c.experience for c in cases]), left),
        len(cases),
        int(left.sum()),
        float(np.mean(high)),
    )


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
    run = calibration_records(params or load_scenario(CALIBRATION_SCENARIO))
    return [
        *tarp_targets(run.problems),
        *effort_targets(run.cases),
        repurchase_target(run.cases),
        contact_target(run.cases),
        word_of_mouth_target(run.stories),
    ]

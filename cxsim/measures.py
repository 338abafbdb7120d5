"""Which measure warns before customers leave: candidate indicators ranked, with intervals.

Seed 004: "if you adopt the WRONG MEASURES, you're unlikely to get the RIGHT INFORMATION" and
"if you ask the WRONG QUESTIONS ...". The organisation could watch its surveys' answers (CSAT,
effort, NPS, ease), what its case records show without asking (first-contact resolution,
repeat contacts, complaints, escalations) and, weekly, the loyalty-building inputs seed 004
names that a contact centre can count (work pressure, vacancies, the time allowed per
customer, waits). Two stated methods, each replicated on common seeds:

* **customer level**: the area under the ROC curve (AUC) of each indicator as a prediction
  that the customer leaves within ``window_days`` of the answer or case (0.5: no better than
  chance; 1: perfect); a customer who left while the case was still open counts as lost.
  The units are answers (as the organisation receives them) and closed cases with a contact,
  so a customer who answers or calls often counts often; answers and cases too close to the
  end to see the window out are left out, and a run without a leaver among an indicator's
  units gives it no score. An AUC's interval is cut at the ends of its 0..1 scale.
* **organisation level**: the correlation of each weekly figure with the share of customers
  lost over the following ``window_days``, both detrended against the week (the lead-lag
  relation a dashboard would rely on), over the weeks after the warm-up in which the figure
  exists (a survey's after its first answers); the row of day 0, before anything happened, is
  not a week. Correlations are averaged over runs on Fisher's z scale
  (:func:`cxsim.statistics.correlation_estimate`).

What the case records know of the truth (how a case felt, its effort) and the customers' mean
satisfaction (what a perfect survey of everyone would read) are scored beside them as a
yardstick. CEB 2010 (Dixon, Freeman & Toman, HBR): effort predicts disloyalty
better than satisfaction does; ``effort_beats_satisfaction`` is that comparison, paired.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cxsim.kpis import departures, left_within
from cxsim.model import ServiceOrganisation
from cxsim.organisation.surveys import UNANSWERED
from cxsim.records import CaseRecord
from cxsim.runner import map_runs, replicate, simulate
from cxsim.scenario import Scenario
from cxsim.statistics import (
    Estimate,
    area_under_roc,
    correlation_estimate,
    estimate,
    paired_difference,
)

__all__ = [
    "WINDOW_DAYS",
    "Indicator",
    "CUSTOMER_INDICATORS",
    "WEEKLY_INDICATORS",
    "indicator_scores",
    "rank_indicators",
    "Ranking",
]

WINDOW_DAYS = 182.0  # "over the next months": half a year after the answer or the case


@dataclass(frozen=True, slots=True)
class Indicator:
    """A figure the organisation could watch: its key, label, what it is, which way warns."""

    key: str
    label: str
    kind: str  # survey, operations, inputs or true state (not visible to the organisation)
    warns_high: bool  # a higher value means a customer more likely to leave


# Survey answers by question, then what case records show without asking, then the truth.
SURVEY_INDICATORS = (
    Indicator("csat", "CSAT answer after a case", "survey", False),
    Indicator("ces", "Effort answer after a case (CES)", "survey", True),
    Indicator("nps", "Likelihood to recommend (NPS answer)", "survey", False),
    Indicator("satisfaction", "Overall satisfaction answer", "survey", False),
    Indicator("ease", "Ease answer (relationship survey)", "survey", True),
)
CASE_INDICATORS: tuple[tuple[Indicator, Callable[[CaseRecord], float]], ...] = (
    (Indicator("not_fcr", "Case not resolved at first contact", "operations", True),
     lambda c: not c.first_contact_resolution),
    (Indicator("repeat_contacts", "Repeat contacts on the case", "operations", True),
     lambda c: c.contacts - 1),
    (Indicator("complaint", "The case was a complaint", "operations", True),
     lambda c: c.kind != "routine"),
    (Indicator("escalated", "The case went to a supervisor", "operations", True),
     lambda c: c.escalated),
    (Indicator("true_case_experience", "True: how the case felt", "true state", False),
     lambda c: c.experience),
    (Indicator("true_case_effort", "True: the case's effort", "true state", True),
     lambda c: c.effort_points),
)  # fmt: skip
CUSTOMER_INDICATORS = (*SURVEY_INDICATORS, *(i for i, _ in CASE_INDICATORS))
WEEKLY_INDICATORS = (
    *(
        Indicator(f"measured_{i.key}", f"Dashboard: {i.label}", "survey", i.warns_high)
        for i in SURVEY_INDICATORS
    ),
    Indicator("repeat_contacts", "Repeat contacts per week", "operations", True),
    Indicator("contacts_abandoned", "Abandoned contacts per week", "operations", True),
    Indicator("asa_minutes", "Average speed of answer", "inputs", True),
    Indicator("work_pressure", "Frontline work pressure", "inputs", True),
    Indicator("vacancies", "Open vacancies", "inputs", True),
    Indicator("handling_standard", "Time allowed per contact", "inputs", False),
    Indicator("mean_satisfaction", "True: mean satisfaction", "true state", False),
)


def _oriented_auc(score: np.ndarray, left: np.ndarray, warns_high: bool) -> float:
    """AUC with the indicator turned so that higher warns; NaN without both outcomes."""
    if left.all() or not left.any():
        return float("nan")
    return area_under_roc(score if warns_high else -score, left)


def _customer_level(model: ServiceOrganisation, window: float) -> dict[str, float]:
    end = model.time - window
    left_day = departures(model)
    scores: dict[str, float] = {}
    answers = [r for r in model.surveys.answers if r.point != UNANSWERED and r.day <= end]
    for indicator in SURVEY_INDICATORS:
        rows = [r for r in answers if r.question == indicator.key]
        if rows:
            ids, days = np.array([r.customer_id for r in rows]), np.array([r.day for r in rows])
            left = left_within(left_day, ids, days, window)
            points = np.array([r.point for r in rows], float)
            scores[f"auc.{indicator.key}"] = _oriented_auc(points, left, indicator.warns_high)
            scores[f"units.{indicator.key}"] = len(rows)
    cases = [c for c in model.recorder.cases if c.contacts > 0 and c.closed_day <= end]
    ids = np.array([c.customer_id for c in cases])
    left = left_within(left_day, ids, np.array([c.closed_day for c in cases]), window)
    for indicator, read in CASE_INDICATORS:
        values = np.array([read(c) for c in cases], float)
        scores[f"auc.{indicator.key}"] = _oriented_auc(values, left, indicator.warns_high)
        scores[f"units.{indicator.key}"] = len(cases)
    return scores


def _detrended(values: np.ndarray, weeks: np.ndarray) -> np.ndarray:
    """``values`` (of the ``weeks`` given) less their straight-line trend over the weeks."""
    return values - np.polyval(np.polyfit(weeks, values, 1), weeks)


def _organisation_level(model: ServiceOrganisation, window: float) -> dict[str, float]:
    """Correlation of each weekly figure with the share of customers lost in the window after.

    Both series are detrended first: a customer base that shrinks or grows over the run
    would otherwise correlate every drifting series with churn. Rows up to the warm-up's end
    (and the row of day 0, which covers no time) are left out. A churn share that does not
    vary has no correlation, nor has a figure with fewer than three values in the weeks used:
    a relationship survey's figure changes only at its waves, and with two values its
    correlation says only which way one wave moved (any two such figures then correlate alike).
    """
    frame = model.datacollector.get_model_vars_dataframe()
    weeks = max(1, round(window / 7))
    lost = frame["churned_customers"].to_numpy(float)
    ahead = pd.Series(lost[::-1]).rolling(weeks).sum().to_numpy()[::-1]  # lost from t on
    ahead = np.append(ahead[1:], np.nan) / frame["active_customers"].clip(lower=1).to_numpy()
    after_warmup = frame["day"].to_numpy(float) > model.params.warmup.days
    week = np.arange(len(frame), dtype=float)
    scores = {}
    for indicator in WEEKLY_INDICATORS:
        if indicator.key not in frame:
            continue
        x = frame[indicator.key].to_numpy(float) * (1 if indicator.warns_high else -1)
        usable = after_warmup & ~np.isnan(x) & ~np.isnan(ahead)
        if len(np.unique(x[usable])) > 2 and np.ptp(ahead[usable]) > 0:
            x = _detrended(x[usable], week[usable])
            y = _detrended(ahead[usable], week[usable])
            scores[f"lead.{indicator.key}"] = float(np.corrcoef(x, y)[0, 1])
            scores[f"weeks.{indicator.key}"] = int(usable.sum())
    return scores


def indicator_scores(params: Scenario, window: float = WINDOW_DAYS) -> dict[str, float]:
    """Every indicator's AUC and lead correlation in one run of ``params`` (picklable)."""
    model = simulate(params)
    scores = _customer_level(model, window) | _organisation_level(model, window)
    model.remove_all_agents()
    return scores


class _Scores:
    """``indicator_scores`` at a fixed window, as a picklable task for worker processes."""

    def __init__(self, window: float) -> None:
        self.window = window

    def __call__(self, params: Scenario) -> dict[str, float]:
        return indicator_scores(params, self.window)


@dataclass(frozen=True)
class Ranking:
    """Indicators ranked by how well they warn; one row per indicator and level."""

    scenario: str
    replications: int
    window_days: float
    table: pd.DataFrame  # level, key, indicator, kind, mean, low, high, replications, units
    effort_beats_satisfaction: Estimate | None  # paired AUC(ces) - AUC(csat)

    def markdown(self, level: str) -> str:
        """One level's ranking as a Markdown table (mean and 95% interval over replications)."""
        measure, units = (
            ("AUC", "Answers or cases") if level == "customer" else ("Correlation", "Weeks")
        )
        lines = [
            f"| Rank | Indicator | Kind | {measure} (95% interval) | {units} per run |",
            "|---:|---|---|---|---:|",
        ]
        for rank, row in enumerate(self.table[self.table.level == level].itertuples(), 1):
            place = rank if not np.isnan(row.low) else "-"  # one run's score is not ranked
            lines.append(
                f"| {place} | {row.indicator} | {row.kind} | {row.mean:.3f} "
                f"({self.interval_text(row)}) | {row.units:,.0f} |"
            )
        return "\n".join(lines) + "\n"

    def interval_text(self, row: Any) -> str:
        """A row's 95% interval, and in how many runs it was scored when not in all."""
        why = "had leavers" if row.level == "customer" else "saw it and churn vary"
        scored = (
            f"{row.replications} of {self.replications} runs {why}"
            if row.replications < self.replications
            else ""
        )
        interval = f"{row.low:.3f} to {row.high:.3f}" if not np.isnan(row.low) else "no interval"
        return "; ".join(filter(None, (interval, scored)))


def rank_indicators(
    params: Scenario,
    replications: int,
    jobs: int | None = None,
    window: float = WINDOW_DAYS,
    on_done: Callable[[int, Any], None] | None = None,
) -> Ranking:
    """Replicate ``params`` and rank every indicator it reports at both levels."""
    runs = map_runs(replicate(params, replications), jobs, _Scores(window), on_done)
    frame = pd.DataFrame(runs)
    rows = []
    for level, prefix, units, indicators in (
        ("customer", "auc.", "units.", CUSTOMER_INDICATORS),
        ("organisation", "lead.", "weeks.", WEEKLY_INDICATORS),
    ):
        for indicator in indicators:
            column = f"{prefix}{indicator.key}"
            if column not in frame or frame[column].isna().all():
                continue
            scored = frame[column].notna()  # a run without a leaver among the units has none
            summarised = estimate if level == "customer" else correlation_estimate
            found = summarised(frame.loc[scored, column].to_numpy(float))
            low, high = (  # an AUC's t-interval, cut at the ends of its 0..1 scale
                tuple(np.clip((found.low, found.high), 0.0, 1.0))  # NaN stays NaN
                if level == "customer"
                else (found.low, found.high)
            )
            rows.append(
                (level, indicator.key, indicator.label, indicator.kind, found.mean, low, high,
                 found.n, frame.loc[scored, f"{units}{indicator.key}"].mean())
            )  # fmt: skip
    columns = ["level", "key", "indicator", "kind", "mean", "low", "high", "replications", "units"]
    table = pd.DataFrame(rows, columns=columns)
    # ranked by the mean, those with an interval first: one run's score is not a ranking
    table = table.sort_values(
        ["level", "low", "mean"],
        key=lambda column: column.notna() if column.name == "low" else column,
        ascending=[True, False, False],
        ignore_index=True,
    )
    paired = None
    if {"auc.ces", "auc.csat"} <= set(frame):
        both = frame[["auc.csat", "auc.ces"]].dropna()
        paired = paired_difference(both["auc.csat"], both["auc.ces"]) if len(both) else None
    return Ranking(params.name, replications, window, table, paired)

"""Evidence that the model is right: queueing against exact formulas, and stylised facts.

*Queueing validation* runs the validation scenarios (pure M/M/c and M/M/c+M contact centres)
with replications and compares each measured quantity, as a mean with its 95% confidence
interval, with the exact value from :mod:`cxsim.theory`; it also checks Little's law
(mean queue length = arrival rate x mean wait) on the simulated runs themselves.

*Stylised facts* are patterns that published research finds in real service businesses; each
is a registered check (:data:`STYLISED_FACTS`) that runs the model and says whether the pattern
appears, or, for figures that should be reported rather than forced (the elasticity of profit
to retention), what the model gives beside the published range.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from cxsim import calibration, theory
from cxsim.benchmark import scaled_assignments
from cxsim.library import library_scenario, validation_scenario
from cxsim.measures import rank_indicators
from cxsim.runner import map_runs, replicate, run_replications, run_summary, simulate
from cxsim.scenario import Scenario, load_scenario, scenario_from_dict, with_overrides
from cxsim.statistics import Estimate, estimate, paired_difference

__all__ = [
    "Estimate",
    "Comparison",
    "FactResult",
    "StylisedFact",
    "STYLISED_FACTS",
    "VALIDATION_SCENARIOS",
    "PEER_SCENARIOS",
    "estimate",
    "analytical_values",
    "validate_queue",
    "run_stylised_facts",
    "small_organisation",
    "SMALL_CUSTOMERS",
    "MIN_PAIRED_REPLICATIONS",
]

VALIDATION_SCENARIOS = ("erlang_c", "erlang_a")  # the library's validation/ scenarios
PEER_SCENARIOS = ("lognormal", "business_day")  # compared with Ciw (cxsim.peer)
QUANTITIES = {  # summary key in the contact_centre block -> label
    "wait_probability": "waiting probability",
    "mean_wait_minutes": "mean wait of all contacts (ASA in Erlang A), min",
    "service_level": "service level",
    "abandonment_rate": "abandonment",
    "occupancy": "occupancy",
}


@dataclass(frozen=True, slots=True)
class Comparison:
    """One measured quantity beside its exact value."""

    scenario: str
    quantity: str
    simulated: Estimate
    analytical: float

    @property
    def relative_error(self) -> float:
        """``(simulated mean - exact) / exact``; 0 when both are 0."""
        if self.analytical == 0:
            return 0.0 if self.simulated.mean == 0 else math.inf
        return (self.simulated.mean - self.analytical) / self.analytical

    @property
    def passed(self) -> bool:
        """The exact value lies inside the simulated 95% interval."""
        return self.simulated.contains(self.analytical)


def analytical_values(params: Scenario) -> dict[str, float]:
    """Exact Erlang C (patience null) or Erlang A values of a validation scenario's centre."""
    cc = params.contact_centre
    rate_per_minute = cc.arrival_rate_per_hour / 60.0
    threshold = cc.service_level_seconds / 60.0
    patience = cc.patience_minutes if cc.patience_minutes is not None else math.inf
    exact = theory.erlang_a(cc.agents, rate_per_minute, cc.aht_minutes, patience, threshold)
    return {
        "wait_probability": exact.wait_probability,
        "mean_wait_minutes": exact.asa,
        "service_level": exact.service_level,
        "abandonment_rate": exact.abandonment_probability,
        "occupancy": exact.occupancy,
    }


def validate_queue(
    params: Scenario, replications: int, jobs: int | None = None, level: float = 0.95
) -> list[Comparison]:
    """Replicate a validation scenario; compare every queue quantity and Little's law.

    Each comparison carries the simulated mean's ``level`` confidence interval.
    """
    blocks = [s["contact_centre"] for s in run_replications(params, replications, jobs)]
    exact = analytical_values(params)
    comparisons = [
        Comparison(params.name, label, estimate([b[key] for b in blocks], level), exact[key])
        for key, label in QUANTITIES.items()
    ]
    little = [b["arrival_rate_per_hour"] / 60.0 * b["mean_wait_minutes"] for b in blocks]
    comparisons.append(
        Comparison(
            params.name,
            "Little's law: mean queue length (vs arrival rate x mean wait)",
            estimate([b["mean_queue_length"] for b in blocks], level),
            float(np.mean(little)),
        )
    )
    return comparisons


def shipped_validation_scenarios(
    names: Sequence[str] = VALIDATION_SCENARIOS,
) -> list[Scenario]:
    """The validation scenarios of the library (``scenarios/validation/`` in a checkout)."""
    return [load_scenario(validation_scenario(name)) for name in names]


# --- stylised facts -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FactResult:
    """Outcome of one stylised-fact check: ``status`` is "pass", "fail" or "reported"."""

    status: str
    finding: str
    rows: list[tuple[str, ...]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StylisedFact:
    """A published pattern and the check that looks for it in the model."""

    name: str
    source: str
    check: Callable[[Scenario, int, int | None], FactResult]


STYLISED_FACTS: list[StylisedFact] = []


def stylised_fact(name: str, source: str) -> Callable:
    """Register ``check(base, replications, jobs) -> FactResult`` under ``name``."""

    def register(check: Callable[[Scenario, int, int | None], FactResult]) -> Callable:
        STYLISED_FACTS.append(StylisedFact(name, source, check))
        return check

    return register


def _paired[Result](
    scenarios: Sequence[Scenario],
    replications: int,
    jobs: int | None,
    task: Callable[[Scenario], Result] = run_summary,
) -> list[list[Result]]:
    """``task`` of each scenario's replications; replication i of each shares its seed (CRN)."""
    runs = [run for params in scenarios for run in replicate(params, replications)]
    flat = map_runs(runs, jobs, task)
    return [flat[j * replications : (j + 1) * replications] for j in range(len(scenarios))]


def _variants(
    base: Scenario, key: str, values: Sequence[float], replications: int, jobs: int | None
) -> list[list[dict]]:
    """Summaries per value of ``key``, paired (:func:`_paired`)."""
    return _paired([with_overrides(base, [f"{key}={v}"]) for v in values], replications, jobs)


@stylised_fact(
    "Higher first-contact resolution goes with higher satisfaction",
    "SQM Group: FCR and customer satisfaction move about 1:1",
)
def fcr_and_satisfaction(base: Scenario, replications: int, jobs: int | None) -> FactResult:
    """Vary frontline skill; FCR and CSAT should rise together (Spearman rho > 0.8)."""
    skills = (0.4, 0.55, 0.7, 0.85)
    groups = _variants(base, "frontline.skill_mean", skills, replications, jobs)
    fcr = [float(np.mean([s["fcr"] for s in g])) for g in groups]
    csat = [float(np.mean([s["csat"] for s in g])) for g in groups]
    rho = float(stats.spearmanr(fcr, csat).statistic)
    rows = [(f"{k:.2f}", f"{f:.1%}", f"{c:.1%}") for k, f, c in zip(skills, fcr, csat, strict=True)]
    return FactResult(
        "pass" if rho > 0.8 else "fail",
        f"rank correlation of FCR and CSAT across frontline skill: {rho:+.2f}",
        [("frontline skill", "FCR", "CSAT"), *rows],
    )


@stylised_fact(
    "More escalation handoffs raise customer effort",
    "CEB 2010: transfers and repeat contacts drive effort and disloyalty",
)
def handoffs_and_effort(base: Scenario, replications: int, jobs: int | None) -> FactResult:
    """Cases with more handoffs carry a higher Customer Effort Score."""
    model = simulate(base)
    by_handoffs: dict[int, list[float]] = {}
    for case in model.recorder.cases:
        by_handoffs.setdefault(min(case.handoffs, 2), []).append(case.ces)
    means = [float(np.mean(by_handoffs[h])) for h in sorted(by_handoffs)]
    rows = [
        (("0", "1", "2 or more")[h], str(len(by_handoffs[h])), f"{m:.2f}")
        for h, m in zip(sorted(by_handoffs), means, strict=True)
    ]
    rising = len(means) >= 2 and all(a < b for a, b in zip(means, means[1:], strict=False))
    return FactResult(
        "pass" if rising else "fail",
        "mean CES by number of handoffs: " + " < ".join(f"{m:.2f}" for m in means),
        [("handoffs", "cases", "mean CES"), *rows],
    )


@stylised_fact(
    "Elasticity of profit to retention (reported, not forced)",
    "Reichheld & Sasser 1990: +5 points of retention gave +25% to +85% profit",
)
def profit_retention_elasticity(base: Scenario, replications: int, jobs: int | None) -> FactResult:
    """Lower the base churn hazard until retention rises about 5 points; report the profit."""
    churn = base.loyalty.base_churn_per_year
    lower = max(0.0, churn - 0.035)
    ref, better = _variants(base, "loyalty.base_churn_per_year", (churn, lower), replications, jobs)
    retention = [float(np.mean([s["retention_rate"] for s in g])) for g in (ref, better)]
    profit = [float(np.mean([s["profit"] for s in g])) for g in (ref, better)]
    gain_points = 100 * (retention[1] - retention[0])
    profit_change = profit[1] / profit[0] - 1 if profit[0] else 0.0
    per_five = profit_change * 5 / gain_points if gain_points else 0.0
    return FactResult(
        "reported",
        f"+{gain_points:.1f} points of retention raise profit {profit_change:+.1%} over "
        f"{base.horizon.days:.0f} days ({per_five:+.1%} per 5 points); the published cases "
        "range from +25% to +85% over a customer lifetime",
        [
            ("base churn per year", "retention", "profit"),
            (f"{churn:.3f}", f"{retention[0]:.1%}", f"{profit[0]:,.0f}"),
            (f"{lower:.3f}", f"{retention[1]:.1%}", f"{profit[1]:,.0f}"),
        ],
    )


def run_stylised_facts(
    base: Scenario, replications: int, jobs: int | None = None
) -> list[tuple[StylisedFact, FactResult]]:
    """Every registered stylised fact, checked on ``base``."""
    return [(fact, fact.check(base, replications, jobs)) for fact in STYLISED_FACTS]


# --- calibration targets, as facts -------------------------------------------------------
def _targets_fact(group_prefix: str, ordered: bool = False) -> Callable[..., FactResult]:
    """A fact that passes when every calibration target of ``group_prefix`` is met."""

    def check(base: Scenario, replications: int, jobs: int | None) -> FactResult:
        targets = [t for t in calibration.all_targets() if t.group.startswith(group_prefix)]
        in_order = not ordered or all(
            a.model < b.model
            for a, b in zip(targets, targets[1:], strict=False)
            if a.name.split(",")[0] == b.name.split(",")[0]
        )
        met = sum(t.passed for t in targets)
        rows = [
            (
                t.name,
                f"{t.published:.0%}",
                f"{t.model:.0%}",
                f"±{100 * t.tolerance:g} points",
                str(t.count),
            )
            for t in targets
        ]
        return FactResult(
            "pass" if met == len(targets) and in_order else "fail",
            f"{met} of {len(targets)} figures within tolerance"
            + ("; ordering holds" if ordered and in_order else ""),
            [("figure", "published", "model", "tolerance", "cases"), *rows],
        )

    return check


stylised_fact(
    "Willingness to buy again after a problem follows TARP",
    "TARP / US Office of Consumer Affairs complaint-handling studies",
)(_targets_fact("TARP", ordered=True))
stylised_fact(
    "High-effort service leaves customers more disloyal",
    "CEB 2010 (Dixon, Freeman & Toman, HBR), 75,000 customers",
)(_targets_fact("CEB 2010: more disloyal"))
stylised_fact(
    "Each additional contact costs about 15 points of top-box satisfaction",
    "SQM Group first-contact-resolution research",
)(_targets_fact("SQM"))
stylised_fact(
    "Positive word of mouth is about three times as common as negative",
    "East, Hammond & Wright 2007, IJRM 24(2):175-184, 15 studies",
)(_targets_fact("East"))


stylised_fact(
    "Low-effort customers would buy again",
    "CEB 2010 (Dixon, Freeman & Toman, HBR): 94% of low-effort customers would repurchase",
)(_targets_fact("CEB 2010: would repurchase"))


@stylised_fact(
    "Effort predicts who leaves better than satisfaction does",
    "CEB 2010 (Dixon, Freeman & Toman, HBR); seed 004",
)
def effort_predicts_churn(base: Scenario, replications: int, jobs: int | None) -> FactResult:
    """Areas under the ROC curve of a complaint case's effort and dissatisfaction for leaving."""
    found = calibration.churn_predictors(
        calibration.calibration_records(load_scenario(calibration.CALIBRATION_SCENARIO))
    )
    return FactResult(
        "pass" if found.effort_predicts_better else "fail",
        f"leaving within a year: effort AUC {found.effort_auc:.3f}, dissatisfaction AUC "
        f"{found.dissatisfaction_auc:.3f} ({found.cases} complaint cases)",
    )


MIN_PAIRED_REPLICATIONS = 6  # a paired t-interval on fewer has too few degrees of freedom


@stylised_fact(
    "Asked in a survey, effort still warns of leaving before satisfaction does",
    "CEB 2010 (Dixon, Freeman & Toman, HBR); seed 004 (the wrong questions)",
)
def surveyed_effort_predicts_churn(
    base: Scenario, replications: int, jobs: int | None
) -> FactResult:
    """AUC for leaving of the answers after a case: effort against CSAT, paired.

    ``base`` with the surveys of the library's ``surveys.yaml``, over at least
    ``MIN_PAIRED_REPLICATIONS`` paired replications. What the organisation sees: only those
    who answered, answers with noise and leniency.
    """
    surveys = load_scenario(library_scenario("surveys")).model_dump()["surveys"]
    surveyed = scenario_from_dict(base.model_dump() | {"surveys": surveys}, "surveys.yaml")
    replications = max(replications, MIN_PAIRED_REPLICATIONS)
    ranking = rank_indicators(surveyed, replications, jobs)
    found = ranking.table.set_index("key")
    difference = ranking.effort_beats_satisfaction
    if difference is None or not {"ces", "csat"} <= set(found.index):
        return FactResult("fail", "no replication had leavers among both answers' customers")
    rows = [
        (found.loc[key, "indicator"], f"{found.loc[key, 'mean']:.3f}",
         f"{found.loc[key, 'low']:.3f} to {found.loc[key, 'high']:.3f}")
        for key in ("ces", "csat")
    ]  # fmt: skip
    return FactResult(
        "pass" if difference.low > 0 else "fail",
        f"leaving within {ranking.window_days:.0f} days: effort answer AUC minus CSAT answer "
        f"AUC {difference.mean:+.3f} ({difference.low:+.3f} to {difference.high:+.3f}, "
        f"{replications} paired replications)",
        [("answer after a case", "AUC", "95% interval"), *rows],
    )


@stylised_fact(
    "Complaining rises with the money at stake; few complain about small problems",
    "TARP complaint-handling studies",
)
def complaints_by_severity(base: Scenario, replications: int, jobs: int | None) -> FactResult:
    """Complaint rate by severity band in the calibration scenario."""
    problems, *_ = calibration.calibration_records(load_scenario(calibration.CALIBRATION_SCENARIO))
    rows = calibration.complaint_rates(problems)
    rates = [rate for _, rate, _ in rows]
    rising = all(a < b for a, b in zip(rates, rates[1:], strict=False))
    return FactResult(
        "pass" if rising and rates[0] < 0.10 else "fail",
        "complaint rate by money at stake: " + " < ".join(f"{r:.0%}" for r in rates),
        [
            ("money at stake", "complained", "problems"),
            *((band, f"{rate:.1%}", str(n)) for band, rate, n in rows),
        ],
    )


# --- organisation levers, as facts --------------------------------------------------------
SMALL_CUSTOMERS = 400
TRAINING_DAY = 100  # the training programme's start
PULSE = (120.0, 180.0)  # the demand pulse's days


def small_organisation(base: Scenario) -> tuple[str, ...]:
    """Overrides that make ``base`` (with customers) a firm of ``SMALL_CUSTOMERS`` for a year.

    Scaled whole (``cxsim.benchmark.scaled_assignments``): its staff, new prospects and the
    calls that open no case at that share of its customers, so that its people carry the same
    load.
    """
    share = SMALL_CUSTOMERS / base.customers.initial
    return (*scaled_assignments(base, share), "horizon.days=365")


def _small_paired[Result](
    base: Scenario,
    variants: Sequence[Sequence[str]],
    replications: int,
    jobs: int | None,
    task: Callable[[Scenario], Result],
) -> list[list[Result]]:
    """``task`` of the small firm under each variant, paired (:func:`_paired`).

    At least ``MIN_PAIRED_REPLICATIONS``, so that a paired interval can exclude zero.
    """
    small = small_organisation(base)
    scenarios = [with_overrides(base, [*small, *assignments]) for assignments in variants]
    return _paired(scenarios, max(replications, MIN_PAIRED_REPLICATIONS), jobs, task)


def training_and_fcr_after(params: Scenario) -> tuple[float, float]:
    """A run's training cost and the FCR of cases opened from 20 days after training starts."""
    model = simulate(params)
    cases = [c for c in model.recorder.cases if c.opened_day >= TRAINING_DAY + 20]
    fcr = float(np.mean([c.first_contact_resolution for c in cases]))
    return model.ledger.costs["training"], fcr


def staff_leavers(params: Scenario) -> float:
    """Staff of every role who left during a run."""
    model = simulate(params)
    return float(sum(model.counters[f"leavers_{role}"] for role in model.workforce.roles))


def handling_standard_drop(params: Scenario) -> float:
    """The handling standard's lowest before day 120 (the pulse) less its highest from day 250."""
    model = simulate(params)
    series = model.datacollector.get_model_vars_dataframe().set_index("day")
    before = float(series.loc[: PULSE[0] - 1, "handling_standard"].min())
    return before - float(series.loc[250.0:, "handling_standard"].max())


def _interval(difference: Estimate, digits: str, scale: float = 1.0) -> str:
    """``difference`` times ``scale`` as "mean (low to high)" in the format ``digits``."""
    low, mean, high = (scale * x for x in (difference.low, difference.mean, difference.high))
    return f"{mean:{digits}} ({low:{digits}} to {high:{digits}})"


@stylised_fact(
    "Training costs money first and pays back later",
    "Oliva & Sterman 2001 (training delays); seed 000 (unified training)",
)
def training_payback(base: Scenario, replications: int, jobs: int | None) -> FactResult:
    """Frontline training at day 100: its cost falls then, higher FCR afterwards (paired)."""
    programme = (
        f"training=[{{name: t, role: frontline, start_day: {TRAINING_DAY}, days_off_floor: 3, "
        "skill_gain: 0.5, cost_per_person: 2000}]"
    )
    trained, plain = _small_paired(
        base, [[programme], []], replications, jobs, training_and_fcr_after
    )
    cost = estimate([run[0] for run in trained])
    gain = paired_difference([run[1] for run in plain], [run[1] for run in trained])
    return FactResult(
        "pass" if cost.low > 0 and gain.low > 0 else "fail",
        f"training cost {cost.mean:,.0f} from day {TRAINING_DAY}; FCR after day "
        f"{TRAINING_DAY + 20} {_interval(gain, '+.1f', 100)} points against no training "
        f"({gain.n} paired replications)",
    )


@stylised_fact(
    "Hiring for attitude lowers turnover as the workforce renews",
    "Seeds 001 and 004: hire for flair and fast learning",
)
def attitude_turnover(base: Scenario, replications: int, jobs: int | None) -> FactResult:
    """Same turnover pressure for a year; leavers under two hiring policies (paired).

    A policy applies to hires, not to the day-0 staff, so its effect grows as they are replaced.
    """
    variants = [
        ("workforce.turnover_per_year=2", f"workforce.hiring_policy={policy}")
        for policy in ("skill", "attitude")
    ]
    skill, attitude = _small_paired(base, variants, replications, jobs, staff_leavers)
    fewer = paired_difference(attitude, skill)
    return FactResult(
        "pass" if fewer.low > 0 else "fail",
        f"leavers in a year: hire for skill {np.mean(skill):.1f}, hire for attitude "
        f"{np.mean(attitude):.1f}; {_interval(fewer, '.1f')} fewer ({fewer.n} paired "
        "replications)",
    )


@stylised_fact(
    "A demand pulse under pressure leaves quality lower after it ends",
    "Oliva & Sterman 2001, service-quality erosion",
)
def erosion_after_pulse(base: Scenario, replications: int, jobs: int | None) -> FactResult:
    """A 4x pulse on days 120-180 with corner cutting allowed, in the loaded centre.

    Passes when, paired with the same year without the pulse, the handling standard from day
    250 has fallen more than 0.05 further below its level before day 120.
    """
    cutting = "work_pressure.corner_cutting=0.5"
    pulse = (
        f"shocks=[{{kind: demand_pulse, start_day: {PULSE[0]:g}, end_day: {PULSE[1]:g}, "
        "magnitude: 4}]"
    )
    variants = [(cutting, pulse), (cutting,)]
    pulsed, calm = _small_paired(base, variants, replications, jobs, handling_standard_drop)
    further = paired_difference(calm, pulsed)
    return FactResult(
        "pass" if further.low > 0.05 else "fail",
        f"handling standard from day 250 below its level before day {PULSE[0]:g}: "
        f"{np.mean(pulsed):.3f} after the pulse, {np.mean(calm):.3f} without it; "
        f"{_interval(further, '.3f')} further ({further.n} paired replications)",
    )

"""Compare scenarios honestly: replications, common random numbers, paired intervals.

Every scenario is run ``replications`` times. With common random numbers (the default),
replication ``i`` of every scenario uses the same seed, so it sees the same prospects, needs,
problems and customer draws, and the paired difference ``b_i - a_i`` removes the luck the
scenarios share (Law, *Simulation Modeling and Analysis*, 5th ed., section 11.2). With
``common_random_numbers=False`` each scenario after the reference draws its own, independent
seeds; the reference keeps its seeds, so only the others change.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cxsim.folders import unique_labels
from cxsim.mechanisms.economics import COST_CATEGORIES
from cxsim.mechanisms.requirements import STAGES
from cxsim.runner import map_runs, replication_seed, run_with_series
from cxsim.scenario import Scenario
from cxsim.statistics import (
    Estimate,
    estimate,
    independent_half_width,
    paired_difference,
    relative_change,
)

__all__ = [
    "ScenarioComparison",
    "Replicated",
    "compare",
    "flatten_kpis",
    "BRIDGE_GROUPS",
    "MECHANISM_KPIS",
    "labelled",
]

NOT_KPIS = frozenset({"seed", "days", "cxsim_version", "parameter_hash", "scenario", "currency"})

# The profit bridge: revenue, then cost categories grouped as a client reads them.
BRIDGE_GROUPS: dict[str, tuple[str, ...]] = {
    "Cost of goods": ("cost_of_goods",),
    "Salaries": tuple(c for c in COST_CATEGORIES if c.startswith("salaries_")),
    "Hiring": ("hiring",),
    "Training and recognition": ("training", "recognition"),
    "Contact costs": (
        "frontline_contacts",
        "self_service",
        "proactive_service",
        "supervisor_cases",
        "specialist_cases",
    ),
    "Rework": ("rework",),
    "Compensation": ("compensation",),
    "Acquisition": ("acquisition",),
    "Systems and feedback": ("systems", "feedback_loop", "surveys"),
}

# KPIs of the mechanisms between a lever and retention, in the order of the causal chain.
MECHANISM_KPIS: dict[str, str] = {
    "translation_loss": "Translation loss (fit)",
    "rework_rate": "Rework per order",
    "complaint_rate": "Complaints per problem",
    "fcr": "First-contact resolution",
    "escalation_rate": "Escalation rate",
    "handoffs_per_case": "Handoffs per case",
    "repeat_contact_rate": "Repeat contacts (failure demand)",
    "channel_switch_rate": "Cases with a channel switch",
    "contact_centre.asa_minutes": "Phone: average speed of answer (min)",
    "contact_centre.abandonment_rate": "Phone: abandoned contacts",
    "ces": "Customer effort (1-7)",
    "csat": "CSAT (satisfied cases)",
    "nps": "NPS",
    "silent_churn_share": "Silent churn share",
    "negative_word_of_mouth": "Bad-news stories told",
    "referrals": "Referred prospects",
    "public_complaints": "Public complaints",
    "staff.frontline.average_skill": "Frontline skill",
    "staff.frontline.turnover_per_year": "Frontline turnover per year",
}


def flatten_kpis(summary: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Numeric KPIs of a run summary with dotted keys (``contact_centre.asa_minutes``).

    A KPI the run could not measure (null: a survey question nobody answered) is NaN.
    """
    flat: dict[str, float] = {}
    for key, value in summary.items():
        if not prefix and key in NOT_KPIS:
            continue
        if isinstance(value, dict):
            flat |= flatten_kpis(value, f"{prefix}{key}.")
        elif value is None:
            flat[f"{prefix}{key}"] = math.nan
        elif isinstance(value, int | float) and not isinstance(value, bool):
            flat[f"{prefix}{key}"] = float(value)
    return flat


@dataclass(frozen=True)
class Replicated:
    """The replications of one scenario: parameters, seeds, KPIs and weekly series."""

    params: Scenario
    slug: str  # file-name form of the name, unique within the comparison
    seeds: list[int]
    kpis: pd.DataFrame  # one row per replication, one column per flattened KPI
    series: list[dict[str, list[float]]]  # weekly time series of each replication
    # per channel, counts by hour of the week summed over the replications
    intervals: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Scenario name (unique within a comparison)."""
        return self.params.name

    def values(self, kpi: str) -> np.ndarray:
        """The KPI in every replication (0.0 where a replication does not report it)."""
        return self.kpis[kpi].to_numpy(float) if kpi in self.kpis else np.zeros(len(self.seeds))

    def bridge_values(self) -> dict[str, np.ndarray]:
        """Revenue and grouped costs per replication, the components of profit."""
        parts = {"Revenue": self.values("revenue")}
        for group, categories in BRIDGE_GROUPS.items():
            parts[group] = sum(self.values(f"costs.{c}") for c in categories)
        return parts


@dataclass(frozen=True)
class ScenarioComparison:
    """Replicated scenarios; the first is the reference for every difference."""

    scenarios: list[Replicated]
    replications: int
    seed: int
    common_random_numbers: bool

    @property
    def reference(self) -> Replicated:
        """The scenario every other one is compared with."""
        return self.scenarios[0]

    @property
    def currency(self) -> str:
        """The currency code every amount of the comparison is in (the reference's)."""
        return self.reference.params.economics.currency

    @property
    def alternatives(self) -> list[Replicated]:
        """The scenarios compared with the reference."""
        return self.scenarios[1:]

    def kpi_names(self) -> list[str]:
        """Every KPI reported by any scenario, in first-seen order."""
        names: dict[str, None] = {}
        for s in self.scenarios:
            names |= dict.fromkeys(s.kpis.columns)
        return list(names)

    def mean(self, scenario: Replicated, kpi: str) -> Estimate:
        """Mean of ``kpi`` over the replications of ``scenario``, with its interval."""
        return estimate(scenario.values(kpi))

    def difference(self, scenario: Replicated, kpi: str) -> Estimate:
        """Paired difference ``scenario - reference`` of ``kpi`` with its interval."""
        return paired_difference(self.reference.values(kpi), scenario.values(kpi))

    def relative(self, scenario: Replicated, kpi: str) -> Estimate:
        """Relative change of the mean of ``kpi`` against the reference, with its interval."""
        return relative_change(self.reference.values(kpi), scenario.values(kpi))

    def half_width_without_crn(self, scenario: Replicated, kpi: str) -> float:
        """Half-width the difference interval would have with independent runs."""
        return independent_half_width(self.reference.values(kpi), scenario.values(kpi))

    def table(self) -> pd.DataFrame:
        """Scenario x KPI: mean and interval, paired difference and its interval."""
        rows = []
        for s in self.scenarios:
            for kpi in self.kpi_names():
                if kpi not in s.kpis:  # a figure only some scenarios measure (their surveys)
                    continue
                m = self.mean(s, kpi)
                paired = s is not self.reference and kpi in self.reference.kpis
                d = self.difference(s, kpi) if paired else None
                rows.append(
                    {
                        "scenario": s.name,
                        "kpi": kpi,
                        "replications": m.n,
                        "mean": m.mean,
                        "ci_low": m.low,
                        "ci_high": m.high,
                        "difference": d.mean if d else math.nan,
                        "difference_ci_low": d.low if d else math.nan,
                        "difference_ci_high": d.high if d else math.nan,
                        "significant": d.significant if d else None,
                    }
                )
        return pd.DataFrame(rows)

    def replication_table(self) -> pd.DataFrame:
        """One row per scenario and replication: its seed and every KPI."""
        frames = []
        for s in self.scenarios:
            frame = s.kpis.copy()
            frame.insert(0, "seed", [str(seed) for seed in s.seeds])  # 64-bit: keep exact
            frame.insert(0, "replication", range(len(s.seeds)))
            frame.insert(0, "scenario", s.name)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def series_table(self) -> pd.DataFrame:
        """Weekly time series of every replication, long format."""
        frames = []
        for s in self.scenarios:
            for i, series in enumerate(s.series):
                frame = pd.DataFrame(series)
                frame.insert(0, "replication", i)
                frame.insert(0, "scenario", s.name)
                frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def stage_losses(self, scenario: Replicated) -> dict[str, Estimate]:
        """Translation loss of each stage, mean over replications with its interval."""
        return {
            stage: self.mean(scenario, f"translation_loss_by_stage.{stage}") for stage in STAGES
        }


def summed_intervals(
    runs: Sequence[dict[str, dict[str, np.ndarray]]],
) -> dict[str, dict[str, np.ndarray]]:
    """Counts by hour of the week added over replications (measures then pool every contact)."""
    return {
        channel: {key: sum(run[channel][key] for run in runs) for key in counts}
        for channel, counts in runs[0].items()
    }


def labelled(scenarios: Sequence[Scenario]) -> list[tuple[Scenario, str]]:
    """Each scenario with a name unique in the comparison (``name-2``...) and its file slug."""
    labels = unique_labels([s.name for s in scenarios])
    return [
        (s if label == s.name else s.model_copy(update={"name": label}), safe)
        for s, (label, safe) in zip(scenarios, labels, strict=True)
    ]


def compare(
    scenarios: Sequence[Scenario],
    replications: int,
    seed: int,
    jobs: int | None = None,
    common_random_numbers: bool = True,
    on_done: Callable[[int, Any], None] | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> ScenarioComparison:
    """Run ``replications`` of every scenario from base ``seed``; the first is the reference.

    Results do not depend on ``jobs``: replication ``i`` always gets the same seed. ``pool``:
    a ``runner.worker_pool`` the caller holds (to stop it), in place of one of ``jobs``.
    """
    scenarios, slugs = zip(*labelled(scenarios), strict=True)
    seeds = [
        [replication_seed(seed, i, 0 if common_random_numbers else k) for i in range(replications)]
        for k in range(len(scenarios))
    ]
    runs = [
        s.model_copy(update={"seed": seed_ki})
        for s, seeds_k in zip(scenarios, seeds, strict=True)
        for seed_ki in seeds_k
    ]
    results = map_runs(runs, jobs, task=run_with_series, on_done=on_done, pool=pool)
    replicated = []
    for k, s in enumerate(scenarios):
        chunk = results[k * replications : (k + 1) * replications]
        replicated.append(
            Replicated(
                params=s.model_copy(update={"seed": seed}),
                slug=slugs[k],
                seeds=seeds[k],
                kpis=pd.DataFrame([flatten_kpis(summary) for summary, _, _ in chunk]).fillna(0.0),
                series=[series for _, series, _ in chunk],
                intervals=summed_intervals([intervals for _, _, intervals in chunk]),
            )
        )
    return ScenarioComparison(replicated, replications, seed, common_random_numbers)

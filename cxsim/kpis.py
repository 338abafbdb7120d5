"""Headline KPIs computed from what the agents did: records, counters and the ledger.

Nothing here models behaviour; every figure is counted from events. A ratio with an empty
denominator is reported as 0.0 (never NaN), and the documentation says so per KPI.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cxsim import __version__
from cxsim.agents.customer import ACTIVE, Customer
from cxsim.mechanisms.contact_centre import CHANNELS, ContactCentre
from cxsim.mechanisms.loyalty import nps_group
from cxsim.mechanisms.requirements import STAGES
from cxsim.model import ServiceOrganisation
from cxsim.scenario import plausibility_warnings

__all__ = ["summarise", "HEADLINE", "CSAT_SATISFIED"]

CSAT_SATISFIED = 0.7  # experience counted as "satisfied" (top-two-box of a 5-point survey)

HEADLINE = (
    ("retention_rate", "Annual retention", "{:.1%}"),
    ("customers_active_end", "Active customers at end", "{:,.0f}"),
    ("profit", "Profit", "{:,.0f}"),
    ("npv", "Net present value", "{:,.0f}"),
    ("csat", "CSAT (satisfied cases)", "{:.1%}"),
    ("nps", "NPS", "{:+.0f}"),
    ("ces", "Customer effort (1-7)", "{:.2f}"),
    ("fcr", "First-contact resolution", "{:.1%}"),
    ("escalation_rate", "Escalation rate", "{:.1%}"),
    ("complaint_rate", "Complaint rate", "{:.1%}"),
    ("silent_churn_share", "Silent churn share", "{:.1%}"),
    ("referrals", "Referred prospects", "{:,.0f}"),
    ("negative_word_of_mouth", "Bad-news stories told", "{:,.0f}"),
    ("public_complaints", "Public complaints", "{:,.0f}"),
    ("translation_loss", "Translation loss (fit)", "{:.3f}"),
)


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / denominator if denominator else 0.0


def _mean(values: list[float] | np.ndarray) -> float:
    return float(np.mean(values)) if len(values) else 0.0


def _retention(model: ServiceOrganisation) -> float:
    """Share of day-0 customers still active, annualised: ``share ** (365 / days)``."""
    initial = [a for a in model.agents if getattr(a, "initial", False)]
    if not initial or model.time <= 0:
        return 0.0
    share = sum(c.status == ACTIVE for c in initial) / len(initial)
    return share ** (365.0 / model.time)


def _nps(model: ServiceOrganisation) -> float:
    """Promoters minus detractors among active customers, in points (-100..100)."""
    groups = np.array([nps_group(c.willingness()) for c in model.roster.members])
    if not len(groups):
        return 0.0
    return float(100.0 * (np.mean(groups == "promoter") - np.mean(groups == "detractor")))


def _segments(model: ServiceOrganisation) -> dict[str, dict[str, float]]:
    """Per segment: active customers at the end and annualised retention of day-0 customers."""
    result = {}
    for segment in model.params.customers.segments:
        members = [
            a for a in model.agents if isinstance(a, Customer) and a.traits.segment == segment.name
        ]
        initial = [c for c in members if c.initial]
        share = _ratio(sum(c.status == ACTIVE for c in initial), len(initial))
        result[segment.name] = {
            "customers_active_end": sum(c.status == ACTIVE for c in members),
            "retention_rate": share ** (365.0 / model.time) if model.time > 0 else 0.0,
        }
    return result


def _staff(model: ServiceOrganisation) -> dict[str, dict[str, float]]:
    """Per role: headcount and open vacancies at the end, leavers, hires, turnover per year."""
    result = {}
    for role in model.roles:
        headcount, leavers = model.headcount(role), model.counters[f"leavers_{role}"]
        members = [m for r, pool, _, _ in model.staff_pools if r == role for m in pool.servers]
        busy = sum(m.busy_days for m in members)
        result[role] = {
            "average_skill": _mean([m.skill for m in members]),
            "utilisation": min(1.0, _ratio(busy, len(members) * model.time)),
            "headcount_end": headcount,
            "vacancies_end": model.vacancies_of(role),
            "leavers": leavers,
            "hires": model.counters[f"hires_{role}"],
            "turnover_per_year": _ratio(leavers * 365.0, max(1, headcount) * model.time),
        }
    return result


def _queue(model: ServiceOrganisation, centre: ContactCentre) -> dict[str, float]:
    """Queue measures of one channel since the warm-up, over contacts answered or abandoned."""
    stats, agents = centre.stats, centre.pool.size
    elapsed = model.time - stats.since
    finished = stats.answered + stats.abandoned
    return {
        "offered": stats.offered,
        "arrival_rate_per_hour": _ratio(stats.offered, elapsed * 24),
        "asa_minutes": _ratio(stats.answered_wait_days * 1440, stats.answered),
        "mean_wait_minutes": _ratio(
            (stats.answered_wait_days + stats.abandoned_wait_days) * 1440, finished
        ),
        "wait_probability": _ratio(stats.waited, finished),
        "service_level": _ratio(stats.answered_within_target, finished),
        "abandonment_rate": _ratio(stats.abandoned, finished),
        "occupancy": min(1.0, _ratio(stats.busy_days, agents * elapsed)),
        "mean_queue_length": centre.pool.mean_queue_length(),
    }


def summarise(model: ServiceOrganisation) -> dict[str, Any]:
    """All headline KPIs of a finished run, as plain JSON-ready values."""
    orders, cases, counters = model.recorder.orders, model.recorder.cases, model.counters
    by_stage = {stage: _mean([getattr(o, f"loss_{stage}") for o in orders]) for stage in STAGES}
    return {
        "scenario": model.params.name,
        "seed": model.params.seed,
        "parameter_hash": model.params.parameter_hash(),
        "cxsim_version": __version__,
        "days": float(model.time),
        "retention_rate": _retention(model),
        "customers_active_end": len(model.roster),
        "new_customers": counters["new_customers"],
        "churned_customers": counters["churned"],
        "revenue": model.ledger.revenue,
        "costs": dict(model.ledger.costs),
        "profit": model.ledger.profit,
        "npv": model.ledger.npv,
        "csat": _ratio(sum(c.experience >= CSAT_SATISFIED for c in cases), len(cases)),
        "nps": _nps(model),
        "ces": _mean([c.ces for c in cases]),
        "fcr": _ratio(sum(c.first_contact_resolution for c in cases), len(cases)),
        "escalation_rate": _ratio(sum(c.escalated for c in cases), len(cases)),
        "handoffs_per_case": _mean([c.handoffs for c in cases]),
        "complaint_rate": _ratio(counters["complaints"], counters["problems"]),
        "silent_churn_share": _ratio(counters["silent_churned"], counters["churned"]),
        "referrals": counters["referrals"],
        "positive_word_of_mouth": counters["positive_word_of_mouth"],
        "negative_word_of_mouth": counters["negative_word_of_mouth"],
        "public_complaints": counters["public_complaints"],
        "acquisitions_lost_to_reputation": counters["acquisitions_lost_to_reputation"],
        "repeat_contact_rate": _ratio(
            sum(c.contacts - 1 for c in cases), sum(c.contacts for c in cases)
        ),
        "translation_loss": _mean([o.loss_total for o in orders]),
        "translation_loss_by_stage": by_stage,
        "rework_rate": _ratio(sum(c.reworked for c in cases), len(orders)),
        "orders_delivered": len(orders),
        "cases_closed": len(cases),
        "contact_centre": _queue(model, model.contact_centre),
        "channels": {name: _queue(model, centre) for name, centre in model.channels.items()},
        "channel_switch_rate": _ratio(sum(c.switches > 0 for c in cases), len(cases)),
        "first_channel_share": {
            channel: _ratio(sum(c.channel == channel for c in cases), len(cases))
            for channel in CHANNELS
        },
        "segments": _segments(model),
        "staff": _staff(model),
        "warnings": plausibility_warnings(model.params),
    }

"""Headline KPIs computed from what the agents did: records, counters and the ledger.

Nothing here models behaviour; every figure is counted from events. A ratio with an empty
denominator is reported as 0.0 (never NaN), and the documentation says so per KPI.
"""

from __future__ import annotations

import math
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from cxsim import __version__
from cxsim.agents.customer import ACTIVE, Customer
from cxsim.mechanisms.loyalty import CSAT_SATISFIED, nps_group
from cxsim.mechanisms.requirements import STAGES
from cxsim.mechanisms.surveys import scores
from cxsim.organisation.surveys import UNANSWERED, SurveyAnswer
from cxsim.records import CaseRecord, OrderRecord
from cxsim.scenario import plausibility_warnings
from cxsim.stations.contact_centre import CHANNELS, ContactCentre, QueueStats
from cxsim.stations.intervals import open_time
from cxsim.statistics import estimate
from cxsim.units import DAYS_PER_YEAR, HOURS_PER_DAY, MINUTES_PER_DAY

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from cxsim.model import ServiceOrganisation

__all__ = [
    "summarise",
    "cost_per_contact",
    "queue_measures",
    "mean_wait_minutes",
    "case_measures",
    "escalated_cases",
    "effort_spent",
    "survey_measures",
    "departures",
    "left_within",
    "stage_losses",
    "WeeklySeries",
    "interval_counts",
    "interval_measures",
    "INTERVAL_MEASURES",
    "HEADLINE",
    "CSAT_SATISFIED",
    "TIMESERIES_COLUMNS",
]


HEADLINE = (
    ("retention_rate", "Annual retention", "{:.1%}"),
    ("customers_active_end", "Active customers at end", "{:,.0f}"),
    ("profit", "Profit", "{:,.0f}"),
    ("npv", "Net present value", "{:,.0f}"),
    ("csat", "CSAT (satisfied cases)", "{:.1%}"),
    ("nps", "NPS", "{:+.0f}"),
    ("ces", "Customer effort (1-7)", "{:.2f}"),
    ("effort_per_customer_year", "Effort points per customer-year", "{:.2f}"),
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
    return share ** (DAYS_PER_YEAR / model.time)


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
            "retention_rate": share ** (DAYS_PER_YEAR / model.time) if model.time > 0 else 0.0,
        }
    return result


def cost_per_contact(model: ServiceOrganisation) -> dict[str, float]:
    """Cost of one contact by channel and tier since the warm-up (money/contact).

    A staffed channel's: its agents' salaries over the contacts they answered, plus the cost
    per contact (``frontline.cost_per_contact``); self-service's: its cost per session; the
    specialists' and the supervisors': their salaries over the cases they took (a supervisor's
    coaching sessions count as cases), plus their ``cost_per_case``. MetricNet's benchmarks
    (about $22 per tier-1 ticket, $69 per tier-2, fully loaded) are of the same kind.
    """
    payroll, p = model.workforce.payroll_per_job(), model.params
    per_contact = p.frontline.cost_per_contact
    return {
        **{name: payroll[name] + per_contact for name in model.channels},
        "self_service": p.channels.self_service.cost_per_contact,
        "specialists": payroll["specialists"] + p.specialists.cost_per_case,
        "supervisors": payroll["supervisors"] + p.supervisors.cost_per_case,
    }


def _staff(model: ServiceOrganisation) -> dict[str, dict[str, float]]:
    """Per role: positions, paid people (FTE) and vacancies at the end, and more.

    Also utilisation over working time, leavers, hires and turnover per year.
    """
    result, workforce = {}, model.workforce
    for role in workforce.roles:
        headcount, leavers = workforce.headcount(role), model.counters[f"leavers_{role}"]
        members = workforce.members(role)
        busy = sum(m.busy_days for m in members)
        result[role] = {
            "average_skill": _mean([m.skill for m in members]),
            "utilisation": min(1.0, _ratio(busy, workforce.working_days(role, model.time))),
            "headcount_end": headcount,
            "fte_end": workforce.full_time_equivalents(role),
            "vacancies_end": workforce.vacancies_of(role),
            "leavers": leavers,
            "hires": model.counters[f"hires_{role}"],
            "turnover_per_year": _ratio(leavers * DAYS_PER_YEAR, max(1, headcount) * model.time),
        }
    return result


def mean_wait_minutes(wait_days: float, contacts: int) -> float:
    """Mean wait in minutes of ``contacts`` that waited ``wait_days`` in all (0 if none)."""
    return _ratio(wait_days * MINUTES_PER_DAY, contacts)


def queue_measures(
    stats: QueueStats, staffed_days: float, now: float, mean_queue_length: float
) -> dict[str, float]:
    """Queue measures of one channel since ``stats.since``, over contacts answered or abandoned.

    The standard contact-centre definitions, as in ``cxsim.theory``: ASA is the mean wait of
    answered contacts; service level and abandonment are shares of contacts that were answered
    or abandoned; occupancy is busy time over staffed time (agent-days on duty). Contacts a
    case's owner took on their direct line are counted apart (``owner_contacts``, and the share
    left as a message); their time is in occupancy.
    """
    elapsed = now - stats.since
    finished = stats.answered + stats.abandoned
    return {
        "offered": stats.offered,
        "arrival_rate_per_hour": _ratio(stats.offered, elapsed * HOURS_PER_DAY),
        "asa_minutes": mean_wait_minutes(stats.answered_wait_days, stats.answered),
        "mean_wait_minutes": mean_wait_minutes(
            stats.answered_wait_days + stats.abandoned_wait_days, finished
        ),
        "wait_probability": _ratio(stats.waited, finished),
        "service_level": _ratio(stats.answered_within_target, finished),
        "abandonment_rate": _ratio(stats.abandoned, finished),
        "occupancy": min(1.0, _ratio(stats.busy_days, staffed_days)),
        "mean_queue_length": mean_queue_length,
        "menu_abandonment_rate": _ratio(stats.menu_abandoned, stats.menu_entered),
        "misroute_rate": _ratio(stats.misrouted, stats.menu_entered),
        "callback_rate": _ratio(stats.callbacks, stats.offered),
        "owner_contacts": stats.owned,
        "owner_message_rate": _ratio(stats.owner_messages, stats.owned),
    }


INTERVAL_MEASURES = (  # by hour of week: name, what it is
    ("offered_per_hour", "contacts offered per open hour"),
    ("service_level", "answered within target, over answered and abandoned"),
    ("asa_minutes", "mean wait of answered contacts (minutes)"),
    ("mean_wait_minutes", "mean wait of all contacts (minutes)"),
    ("abandonment_rate", "abandoned, over answered and abandoned"),
    ("occupancy", "busy time over staffed time"),
    ("agents_on_duty", "mean agents on duty while open"),
)


def interval_counts(model: ServiceOrganisation) -> dict[str, dict[str, np.ndarray]]:
    """Each staffed channel's counts in the 168 hours of the week, since the warm-up.

    Counts (not ratios) add up over replications; ``interval_measures`` turns them into the
    measures. ``open_days`` is how long each hour of the week was open in that time.
    """
    result = {}
    for name, centre in model.channels.items():
        counts = centre.stats.by_hour.arrays()
        counts["staffed_days"] = np.asarray(centre.pool.staffed_by_hour())
        counts["open_days"] = np.asarray(
            open_time(centre.spec.opening, centre.stats.since, model.time)
        )
        result[name] = counts
    return result


def _ratios(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator``, 0.0 where the denominator is 0 (as ``_ratio``)."""
    out = np.zeros_like(numerator, dtype=float)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def interval_measures(counts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The queue measures of ``queue_measures`` in each hour of the week (INTERVAL_MEASURES)."""
    c = counts
    finished = c["answered"] + c["abandoned"]
    return {
        "offered_per_hour": _ratios(c["offered"], c["open_days"] * HOURS_PER_DAY),
        "service_level": _ratios(c["answered_within_target"], finished),
        "asa_minutes": _ratios(c["answered_wait_days"] * MINUTES_PER_DAY, c["answered"]),
        "mean_wait_minutes": _ratios(
            (c["answered_wait_days"] + c["abandoned_wait_days"]) * MINUTES_PER_DAY, finished
        ),
        "abandonment_rate": _ratios(c["abandoned"], finished),
        "occupancy": np.minimum(1.0, _ratios(c["busy_days"], c["staffed_days"])),
        "agents_on_duty": _ratios(c["staffed_days"], c["open_days"]),
    }


def _queue(model: ServiceOrganisation, centre: ContactCentre) -> dict[str, float]:
    return queue_measures(
        centre.stats, centre.pool.staffed_time(), model.time, centre.pool.mean_queue_length()
    )


def case_measures(cases: list[CaseRecord]) -> dict[str, float]:
    """Mean effort (CES), first-contact resolution and escalation rate of closed cases."""
    return {
        "ces": _mean([c.ces for c in cases]),
        "fcr": _ratio(sum(c.first_contact_resolution for c in cases), len(cases)),
        "escalation_rate": _ratio(escalated_cases(cases), len(cases)),
        "transfer_rate": _ratio(sum(c.transferred for c in cases), len(cases)),
    }


def effort_spent(model: ServiceOrganisation) -> float:
    """Effort points customers spent on cases: closed ones, and those still open so far.

    A case still open at the end (waiting for a supervisor, say) has cost its customer effort
    already; leaving it out would make a backlog look effortless.
    """
    closed = sum(c.effort_points for c in model.recorder.cases)
    open_cases = (a for a in model.agents if isinstance(a, Customer) and a.case is not None)
    return closed + sum(customer.case_effort(customer.case) for customer in open_cases)


def departures(model: ServiceOrganisation) -> dict[int, float]:
    """The day each customer who left did so, by customer id."""
    return {
        c.unique_id: c.left_day for c in model.agents_by_type[Customer] if c.left_day is not None
    }


def left_within(
    left_day: Mapping[int, float], ids: Iterable[int], days: np.ndarray, window: float
) -> np.ndarray:
    """Whether each customer ``ids[k]`` had left by ``window`` days after ``days[k]``.

    One who left before that day (during a case still open when they went) counts as lost:
    lost around the figure, and leaving them out would flatter it.
    """
    left = np.array([left_day.get(int(i), math.inf) for i in ids], dtype=float)
    return left - days <= window


def _survey_measure(question: str, rows: list[SurveyAnswer]) -> dict[str, float | None]:
    """A question's measured KPI (mean of the answers' scores, 95% interval) beside the true.

    True: the same KPI over every invitation, answered or not, read from the customers'
    states on the same scale without noise or leniency (for CES, the model's continuous
    effort rounded to a point). Their difference (the gap) is what the survey's response
    behaviour and answers add: non-response bias, leniency and noise. The interval treats
    answers as independent, though a customer may answer after several cases. Nothing
    measured (no answers; one answer has no interval) or nobody invited is null, not a 0 that
    would read as a score or as no bias.
    """
    answered = _answered_scores(question, rows)
    truth = scores(question, np.array([r.true_point for r in rows]))
    measured = estimate(answered) if len(answered) else None
    true = float(truth.mean()) if len(truth) else None
    return {
        "measured": measured.mean if measured else None,
        "low": _known(measured.low) if measured else None,
        "high": _known(measured.high) if measured else None,
        "responses": len(answered),
        "true": true,
        "gap": measured.mean - true if measured and true is not None else None,
    }


def _answered_scores(question: str, rows: Iterable[SurveyAnswer]) -> np.ndarray:
    """Each answer's part in ``question``'s KPI, over the rows that were answered."""
    return scores(question, np.array([r.point for r in rows if r.point != UNANSWERED]))


def _known(value: float) -> float | None:
    """``value``, or None where it is NaN (JSON has no NaN)."""
    return None if math.isnan(value) else value


def survey_measures(model: ServiceOrganisation) -> dict[str, Any]:
    """Invitations, responses and each question's measured and true KPI over the run."""
    surveys, counters = model.surveys, model.counters
    return {
        "invitations": counters["survey_invitations"],
        "responses": counters["survey_responses"],
        "response_rate": _ratio(counters["survey_responses"], counters["survey_invitations"]),
        **{
            question: _survey_measure(
                question, [r for r in surveys.answers if r.question == question]
            )
            for question in surveys.questions
        },
    }


def escalated_cases(cases: list[CaseRecord]) -> int:
    """Closed cases that went to a supervisor."""
    return sum(c.escalated for c in cases)


def stage_losses(orders: list[OrderRecord]) -> dict[str, float]:
    """Mean fit lost at each translation stage over delivered orders."""
    return {stage: _mean([getattr(o, f"loss_{stage}") for o in orders]) for stage in STAGES}


def summarise(model: ServiceOrganisation) -> dict[str, Any]:
    """All headline KPIs of a finished run, as plain JSON-ready values."""
    orders, cases, counters = model.recorder.orders, model.recorder.cases, model.counters
    return {
        "scenario": model.params.name,
        "seed": model.params.seed,
        "parameter_hash": model.params.parameter_hash(),
        "cxsim_version": __version__,
        "days": float(model.time),
        "currency": model.params.economics.currency,  # of every amount below
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
        **case_measures(cases),
        "effort_per_customer_year": _ratio(
            effort_spent(model), counters["customer_days"] / DAYS_PER_YEAR
        ),
        "handoffs_per_case": _mean([c.handoffs for c in cases]),
        "people_per_case": _mean([c.people for c in cases]),
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
        "translation_loss_by_stage": stage_losses(orders),
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
        "cost_per_contact": cost_per_contact(model),
        "warnings": plausibility_warnings(model.params),
    } | ({"surveys": survey_measures(model)} if model.params.surveys else {})


TIMESERIES_COLUMNS = (
    "day", "active_customers", "retained_share", "new_customers", "churned_customers", "revenue",
    "costs", "profit", "cumulative_profit", "contacts_offered", "contacts_abandoned", "asa_minutes",
    "queue_length", "supervisor_queue", "delivery_backlog", "mean_satisfaction", "reputation",
    "referrals", "negative_word_of_mouth", "public_complaints",
    "acquisitions_lost_to_reputation", "repeat_contacts", "channel_switches",
    "frontline_headcount", "vacancies", "handling_standard", "work_pressure",
)  # fmt: skip
# counters reported per period, as (column, counter)
WEEKLY_COUNTS = (
    ("new_customers", "new_customers"), ("churned_customers", "churned"),
    ("referrals", "referrals"), ("negative_word_of_mouth", "negative_word_of_mouth"),
    ("public_complaints", "public_complaints"),
    ("acquisitions_lost_to_reputation", "acquisitions_lost_to_reputation"),
    ("repeat_contacts", "repeat_contacts"), ("channel_switches", "channel_switches"),
)  # fmt: skip
QUEUE_TOTALS = ("contacts_offered", "contacts_abandoned", "answered", "answered_wait_days")
_satisfaction = attrgetter("satisfaction")


class WeeklySeries:
    """The time-series row of each period (a week): flows since the last row, stocks now."""

    def __init__(self, initial_customers: int, windows: dict[str, float]) -> None:
        self.initial = initial_customers
        self.windows = windows  # days of answers a dashboard shows, per question asked
        self._answers_from = 0  # the first survey answer inside the dashboard's window
        self.row: dict[str, float] = {}
        self._totals: dict[str, float] = {}
        self._since = 0.0  # start of the phone statistics the totals were taken from
        self._cumulative_profit = 0.0

    def add(self, model: ServiceOrganisation) -> dict[str, float]:
        """Build the row covering the period since the last one (it closes the ledger's)."""
        revenue, costs = model.ledger.close_period()
        self._cumulative_profit += revenue - costs
        counters, phone = model.counters, model.contact_centre
        stats, members = phone.stats, model.population.roster.members
        totals = {column: counters[key] for column, key in WEEKLY_COUNTS}
        totals |= {
            "contacts_offered": stats.offered, "contacts_abandoned": stats.abandoned,
            "answered": stats.answered, "answered_wait_days": stats.answered_wait_days,
        }  # fmt: skip
        totals["waiting_on_duty"], totals["staffed"] = phone.pool.pressure_integrals()
        if stats.since != self._since:  # the warm-up ended: the centre's statistics restarted
            self._totals = {k: v for k, v in self._totals.items() if k not in QUEUE_TOTALS}
            self._since = stats.since
        delta = {key: value - self._totals.get(key, 0) for key, value in totals.items()}
        self._totals = totals
        answered, waited = delta.pop("answered"), delta.pop("answered_wait_days")
        waiting, staffed = delta.pop("waiting_on_duty"), delta.pop("staffed")
        self.row = {
            "day": float(model.time),
            "active_customers": len(members),
            "retained_share": 1.0 - counters["initial_churned"] / max(1, self.initial),
            **delta,
            "frontline_headcount": model.workforce.headcount("frontline"),
            "vacancies": model.workforce.open_vacancies(),
            "handling_standard": phone.standard,
            "work_pressure": _ratio(waiting, staffed),  # the week's, as ServerPool.end_day
            "revenue": revenue,
            "costs": costs,
            "profit": revenue - costs,
            "cumulative_profit": self._cumulative_profit,
            "asa_minutes": mean_wait_minutes(waited, answered),
            "queue_length": phone.pool.queue_length,
            "supervisor_queue": model.desk.supervisors.queue_length,
            "delivery_backlog": model.desk.delivery.queue_length,
            "mean_satisfaction": (
                sum(map(_satisfaction, members)) / len(members) if members else 0.0
            ),
            "reputation": model.reputation.level,
        }
        if self.windows:
            self.row |= self._measured(model.surveys.answers, model.time)
        return self.row

    def _measured(self, answers: list[SurveyAnswer], now: float) -> dict[str, float]:
        """Each question's KPI over the answers of its dashboard window (NaN: none yet)."""
        longest = max(self.windows.values())
        while self._answers_from < len(answers) and (
            answers[self._answers_from].day < now - longest
        ):
            self._answers_from += 1
        recent = answers[self._answers_from :]
        row = {}
        for question, days in self.windows.items():
            answered = _answered_scores(
                question, (r for r in recent if r.question == question and r.day >= now - days)
            )
            row[f"measured_{question}"] = float(answered.mean()) if len(answered) else math.nan
        return row

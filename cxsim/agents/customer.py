"""Customers: they need something, judge what they get, complain or keep quiet, stay or leave."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import mesa
import numpy as np

from cxsim.mechanisms import expectation, loyalty, problems, word_of_mouth
from cxsim.mechanisms.recovery import (
    bounded_recovery,
    recovery_experience,
    routine_experience,
    unresolved_experience,
)
from cxsim.mechanisms.requirements import StageLosses
from cxsim.records import (
    QUICK_RESOLUTION_DAYS,
    Case,
    CaseRecord,
    Order,
    OrderRecord,
    ProblemRecord,
)

if TYPE_CHECKING:
    from cxsim.agents.delivery_team import DeliveryTeam
    from cxsim.model import ServiceOrganisation

__all__ = ["Customer", "Traits", "PROSPECT", "ACTIVE", "CHURNED"]

PROSPECT, ACTIVE, CHURNED = "prospect", "active", "churned"


@dataclass(frozen=True, slots=True)
class Traits:
    """What a customer brings from their segment, drawn around its means."""

    segment: str
    value_per_month: float
    patience_factor: float
    tolerance: float
    complaint_propensity: float
    channel: str  # the channel this customer tries first


class Customer(mesa.Agent):
    """A customer with a true need, a way of expressing it, a memory and a patience.

    ``satisfaction`` (0..1) is the customer's memory of episodes; ``case`` is the one reason
    for contact they are pursuing (a customer pursues one case at a time and folds anything
    else that goes wrong meanwhile into their satisfaction).
    """

    model: ServiceOrganisation

    def __init__(
        self,
        model: ServiceOrganisation,
        need: np.ndarray,
        clarity: float,
        satisfaction: float,
        status: str,
        joined_day: float | None,
        traits: Traits,
        origin: tuple[int, int],
    ) -> None:
        super().__init__(model)
        self.origin = origin  # (where from, number there): keys the customer's own stream
        self.traits = traits
        self.need = need
        self.clarity = clarity
        self.satisfaction = satisfaction
        self.status = status
        self.initial = status == ACTIVE
        self.joined_day = model.time if joined_day is None else joined_day
        self.ever_complained = False
        self.last_problem_day = -math.inf
        self.first_failure = True
        self.case: Case | None = None
        self.contacts: list[Customer] = []  # the customers this one talks to
        self.expectation = model.params.customers.expected_fit  # fit expected before promises
        self.referrer: Customer | None = None
        if status == ACTIVE:
            model.roster.add(self)

    @cached_property
    def rng(self) -> np.random.Generator:
        """The customer's own decision stream (made when first needed)."""
        return self.model.streams.customer(*self.origin)

    # --- buying -------------------------------------------------------------------------
    def place_order(self) -> None:
        """Ask sales for something; for a prospect this is the first sales conversation."""
        model = self.model
        order = Order(model.next_order_id(), self, model.time, self.status == PROSPECT)
        model.sales.submit(order)

    def join(self) -> None:
        """The prospect buys and becomes an active customer."""
        model = self.model
        self.status, self.joined_day = ACTIVE, model.time
        model.ledger.spend("acquisition", model.params.sales.commission_per_sale, model.time)
        model.roster.add(self)
        model.link_newcomer(self)
        model.counters["new_customers"] += 1

    def walk_away(self) -> None:
        """The prospect does not buy."""
        self.remove()

    def receive(self, order: Order, team: DeliveryTeam) -> None:
        """Judge a delivered order against the expectation; notice a gap if it is too large."""
        model, params = self.model, self.model.params
        losses = StageLosses.from_trace(self.need, *order.trace)
        fit = 1.0 - losses.total
        expected = expectation.expected_fit(self.expectation, model.policy.overpromise)
        self.expectation = expectation.learn_expectation(
            self.expectation, fit, params.customers.expectation_learning
        )
        gap = expectation.shortfall(fit, expected)
        severity = problems.gap_severity(
            gap, self.traits.tolerance, params.problems.gap_severity_per_fit
        )
        model.recorder.orders.append(
            OrderRecord.build(
                order,
                losses,
                delivered_day=model.time,
                team_id=team.unique_id,
                haste=team.haste,
                expected_fit=expected,
                delivered_fit=fit,
                problem=severity > 0,
                severity=severity,
            )
        )
        if severity > 0 and self.status == ACTIVE:
            self.notice_problem("requirement_gap", severity)
        else:
            experience = expectation.order_experience(
                fit, expected, params.loyalty.met_expectation, params.loyalty.disconfirmation_gain
            )
            self.remember(experience)
            self.tell(experience)

    # --- problems and cases ---------------------------------------------------------------
    def reached_proactively(self, kind: str, severity: float) -> None:
        """Hook for proactive service: the organisation finds the problem first and calls.

        ``severity`` is what is still at stake once caught early. The customer hears of it from
        the organisation, so no complaint decision is needed; the case then runs as any other.
        A customer already pursuing a case takes the news as one more bad moment.
        """
        params = self.model.params
        worst = problems.problem_experience(
            severity,
            params.loyalty.met_expectation,
            params.problems.problem_drop,
            params.problems.impact_scale,
        )
        self.model.counters["proactive_contacts"] += 1
        if self.case is not None:
            self.remember(worst, intense=True)
            return
        self.open_case(kind, severity, worst)

    def notice_problem(self, kind: str, severity: float) -> None:
        """A problem hurts; the customer complains (opens a case) or stays silent."""
        model, params = self.model, self.model.params
        model.counters["problems"] += 1
        memory = params.loyalty.failure_memory_days
        self.first_failure = model.time - self.last_problem_day > memory
        self.last_problem_day = model.time
        worst = problems.problem_experience(
            severity,
            params.loyalty.met_expectation,
            params.problems.problem_drop,
            params.problems.impact_scale,
        )
        p = self.traits.complaint_propensity * problems.complaint_probability(
            severity,
            params.problems.complaint_floor,
            params.problems.complaint_ceiling,
            params.problems.complaint_scale,
        )
        if self.case is not None or self.rng.random() >= p:
            before = self.satisfaction
            self.remember(worst, intense=True)
            self.tell(worst)
            self.record_problem(kind, severity, "silent", 0.0, before)
            return
        model.counters["complaints"] += 1
        self.ever_complained = True
        self.open_case(kind, severity, worst)

    def open_case(self, kind: str, severity: float, worst: float = 1.0) -> None:
        """Start pursuing a case and make the first contact."""
        model = self.model
        needs_rework = kind == "requirement_gap"
        remedy = model.params.delivery.rework_cost if needs_rework else severity
        goodwill = severity * model.policy.compensation_share
        channel = self.first_channel()
        complexity_mean = (
            model.params.problems.routine_complexity_mean
            if kind == "routine"
            else model.params.problems.incident_complexity_mean
        )
        self.case = Case(
            case_id=model.next_case_id(),
            customer=self,
            kind=kind,
            opened_day=model.time,
            severity=severity,
            remedy_cost=remedy + goodwill,
            complexity=model.streams.problems.beta(
                4.0 * complexity_mean, 4.0 * (1.0 - complexity_mean)
            ),
            needs_rework=needs_rework,
            satisfaction_before=self.satisfaction,
            first_failure=self.first_failure,
            channel=channel,
            first_channel=channel,
            worst=worst,
        )
        self.contact()

    def first_channel(self) -> str:
        """The preferred channel, unless the organisation does not staff it."""
        channel = self.traits.channel
        staffed = channel == "self_service" or self.model.channels[channel].pool.size > 0
        return channel if staffed else "phone"

    def contact(self) -> None:
        """Contact the organisation about the open case on the current channel."""
        model, case = self.model, self.case
        case.contacts += 1
        if case.contacts > 1:
            model.counters["repeat_contacts"] += 1  # failure demand
            if not model.policy.shared_record:
                case.reexplanations += 1  # nobody can see what was said before (silos)
        if case.channel == "self_service":
            self.try_self_service()
        else:
            model.channels[case.channel].offer(case, self.traits.patience_factor)

    def try_self_service(self) -> None:
        """Self-service solves a share of routine requests; otherwise a human is needed."""
        model, case = self.model, self.case
        service = model.params.channels.self_service
        model.ledger.spend("self_service", service.cost_per_contact, model.time)
        if case.kind == "routine" and model.streams.resolution.random() < service.containment:
            self.close_case(resolved=True)
            return
        case.complexity = min(1.0, case.complexity + service.failure_complexity)
        if self.switch_channel():
            self.contact()
        else:  # no staffed channel to turn to
            self.not_helped()

    def switch_channel(self) -> bool:
        """Move to another staffed channel (phone first, else chat, else email), if any."""
        case = self.case
        for channel in ("phone", "chat", "email"):
            if channel != case.channel and self.model.channels[channel].pool.size > 0:
                case.channel = channel
                case.switches += 1
                self.model.counters["channel_switches"] += 1
                return True
        return False

    def not_helped(self) -> None:
        """The contact did not solve the case: try again later, or give up."""
        model, customers = self.model, self.model.params.customers
        if (
            self.case.contacts < customers.max_contacts_per_case
            and self.rng.random() < customers.retry_probability
        ):
            if self.rng.random() < model.params.channels.switch_probability:
                self.switch_channel()
            delay = self.rng.exponential(customers.retry_delay_hours / 24.0)
            model.schedule_event(self.contact, after=delay)
        else:
            self.close_case(resolved=False)

    def await_call_back(self, delay_days: float) -> None:
        """A supervisor has decided the case and will call back after ``delay_days``."""
        self.model.schedule_event(self.hear_back, after=delay_days)

    def hear_back(self) -> None:
        """The supervisor's call-back: the decided route takes effect."""
        self.model.dispatch(self.case, self.case.pending_route)

    def close_case(self, resolved: bool) -> None:
        """End the case: remember its worst moment, its end and its effort."""
        model, case = self.model, self.case
        self.case = None
        effort = loyalty.effort_points(
            case.contacts,
            case.handoffs,
            case.wait_minutes,
            case.abandoned,
            case.reexplanations,
            case.switches,
            model.params.channels.reexplain_effort,
        )
        compensation = 0.0
        if resolved and case.kind != "routine":
            compensation = case.severity * model.policy.compensation_share
            remedy = 0.0 if case.needs_rework else case.severity
            model.ledger.spend("compensation", compensation + remedy, model.time)
        episode = self.case_episode(case, resolved, effort)
        before = self.satisfaction
        self.remember(episode, intense=case.kind != "routine")
        self.tell(episode)
        severe = case.severity > model.params.loyalty.severe_problem
        if (
            not resolved
            and severe
            and model.streams.word_of_mouth.random()
            < model.params.word_of_mouth.public_complaint_probability
        ):
            model.go_public()
        if case.kind == "incident" and model.params.feedback_loop.report_share > 0:
            model.report_back()
        if case.kind != "routine":
            days = model.time - case.opened_day
            outcome = (
                "unresolved"
                if not resolved
                else "resolved_quickly"
                if days <= QUICK_RESOLUTION_DAYS
                else "resolved"
            )
            self.record_problem(case.kind, case.severity, outcome, days, case.satisfaction_before)
        model.recorder.cases.append(
            CaseRecord(
                case_id=case.case_id,
                customer_id=self.unique_id,
                kind=case.kind,
                opened_day=case.opened_day,
                closed_day=model.time,
                severity=case.severity,
                remedy_cost=case.remedy_cost,
                channel=case.first_channel,
                contacts=case.contacts,
                abandoned=case.abandoned,
                handoffs=case.handoffs,
                switches=case.switches,
                reexplanations=case.reexplanations,
                escalated=case.escalated,
                reworked=case.reworked,
                resolved=resolved,
                first_contact_resolution=resolved and case.contacts == 1 and case.handoffs == 0,
                wait_minutes=case.wait_minutes,
                effort_points=effort,
                ces=loyalty.customer_effort_score(effort),
                compensation=compensation,
                experience=episode,
                satisfaction_before=before,
                satisfaction_after=self.satisfaction,
            )
        )

    def case_episode(self, case: Case, resolved: bool, effort: float) -> float:
        """How the case is remembered: peak and end, less effort; paradox only if deserved."""
        params, policy = self.model.params, self.model.policy
        penalty = params.loyalty.effort_weight * effort
        if case.kind == "routine":
            end = routine_experience(resolved, params.loyalty.met_expectation)
            return loyalty.case_episode(end, end, 0.0, penalty)
        floor = unresolved_experience(case.worst, params.loyalty.complaint_relief)
        if resolved:
            rec, delay = params.recovery, self.model.time - case.opened_day
            end = recovery_experience(
                delay,
                rec.speed_halflife_days,
                case.resolver_empathy,
                policy.apology,
                policy.compensation_share,
                (rec.empathy_weight, rec.apology_weight, rec.compensation_weight),
                floor,
            )
            peak = loyalty.peak_weight_after(
                delay, rec.speed_halflife_days, params.loyalty.peak_weight
            )
            episode = bounded_recovery(
                loyalty.case_episode(case.worst, end, peak, penalty),
                case.satisfaction_before,
                case.first_failure,
                case.severity > params.loyalty.severe_problem,
            )
        else:
            episode = loyalty.case_episode(case.worst, floor, params.loyalty.peak_weight, penalty)
        if effort >= params.loyalty.high_effort_points:
            return loyalty.effort_cap(episode, case.satisfaction_before, penalty)
        return episode

    def record_problem(
        self, kind: str, severity: float, outcome: str, days: float, before: float
    ) -> None:
        """Leave a problem record with the customer's willingness to buy again."""
        self.model.recorder.problems.append(
            ProblemRecord(
                customer_id=self.unique_id,
                noticed_day=self.model.time - days,
                kind=kind,
                severity=severity,
                outcome=outcome,
                days_to_close=days,
                satisfaction_before=before,
                satisfaction_after=self.satisfaction,
                willingness_to_buy_again=self.willingness(),
            )
        )

    # --- word of mouth ----------------------------------------------------------------------
    def tell(self, experience: float) -> None:
        """Tell a few contacts about an episode: more of them when it was bad."""
        wom = self.model.params.word_of_mouth
        stories = word_of_mouth.telling_count(
            experience, wom.negative_below, wom.positive_above, wom.negative_tell, wom.positive_tell
        )
        if not stories or not self.contacts:
            return
        rng = self.model.streams.word_of_mouth
        listeners = rng.choice(
            len(self.contacts), size=min(abs(stories), len(self.contacts)), replace=False
        )
        for i in listeners:
            self.contacts[int(i)].hear(stories > 0)
        self.model.hear(len(listeners) if stories > 0 else -len(listeners))

    def hear(self, good_news: bool) -> None:
        """A contact's story moves this customer's satisfaction a little (no retelling)."""
        impact = self.model.params.word_of_mouth.telling_impact
        self.satisfaction = min(
            1.0, max(0.0, self.satisfaction + (impact if good_news else -impact))
        )

    # --- loyalty --------------------------------------------------------------------------
    def remember(self, experience: float, intense: bool = False) -> None:
        """Blend an episode into satisfaction (recent, bad and intense episodes weigh most)."""
        lp = self.model.params.loyalty
        weight = loyalty.episode_weight(
            self.satisfaction, experience, intense, lp.memory_weight, lp.negativity_weight
        )
        self.satisfaction = loyalty.remember(self.satisfaction, experience, weight)

    def willingness(self) -> float:
        """Stated willingness to buy again now (TARP's measure), from satisfaction."""
        return self.model.renewal.willingness(self.satisfaction)

    def renew(self) -> None:
        """Renewal: pay for the next period, or leave; a promoter may refer someone."""
        model = self.model
        renewal = model.renewal
        hazard = renewal.hazard(self.satisfaction)
        if self.rng.random() < renewal.leaving_probability(hazard):
            self.leave()
            return
        if (
            loyalty.nps_group(math.exp(-hazard)) == "promoter"  # exp(-hazard): willingness
            and model.streams.word_of_mouth.random() < renewal.referral_probability
        ):
            model.referred_prospect(self)

    def leave(self) -> None:
        """Stop being a customer: no more fees, orders, contacts or incidents."""
        model = self.model
        self.status = CHURNED
        model.roster.discard(self)
        model.counters["churned"] += 1
        model.counters["initial_churned"] += self.initial
        if not self.ever_complained:
            model.counters["silent_churned"] += 1
        self.tell(self.satisfaction)  # a bitter exit is told; a neutral one is not

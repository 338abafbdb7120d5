"""Customers: they need something, judge what they get, complain or keep quiet, stay or leave."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from cxsim.mechanisms import expectation, loyalty, problems
from cxsim.mechanisms.recovery import (
    UNRESOLVED_EXPERIENCE,
    recovery_experience,
    routine_experience,
)
from cxsim.mechanisms.requirements import StageLosses
from cxsim.records import Case, CaseRecord, Order, OrderRecord

if TYPE_CHECKING:
    from cxsim.agents.delivery_team import DeliveryTeam
    from cxsim.model import ServiceOrganisation

__all__ = ["Customer", "PROSPECT", "ACTIVE", "CHURNED"]

PROSPECT, ACTIVE, CHURNED = "prospect", "active", "churned"


class Customer(mesa.Agent):
    """A customer with a true need, a way of expressing it, a memory and a patience.

    ``satisfaction`` (0..1) is the customer's memory of episodes; ``case`` is the one reason
    for contact they are pursuing (a customer pursues one case at a time and folds anything
    else that goes wrong meanwhile into their satisfaction).
    """

    model: ServiceOrganisation

    def __init__(self, model: ServiceOrganisation, need: np.ndarray, clarity: float,
                 satisfaction: float, status: str = PROSPECT,
                 joined_day: float | None = None) -> None:
        super().__init__(model)
        self.need = need
        self.clarity = clarity
        self.satisfaction = satisfaction
        self.status = status
        self.initial = status == ACTIVE
        self.joined_day = model.time if joined_day is None else joined_day
        self.ever_complained = False
        self.case: Case | None = None
        if status == ACTIVE:
            model.roster.add(self)

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
        model.counters["new_customers"] += 1

    def walk_away(self) -> None:
        """The prospect does not buy."""
        self.remove()

    def receive(self, order: Order, team: DeliveryTeam) -> None:
        """Judge a delivered order against the expectation; notice a gap if it is too large."""
        model, params = self.model, self.model.params
        losses = StageLosses.from_trace(self.need, *order.trace)
        fit = 1.0 - losses.total
        expected = expectation.expected_fit(params.customers.expected_fit,
                                            model.policy.overpromise)
        gap = expectation.shortfall(fit, expected)
        severity = problems.gap_severity(gap, params.customers.tolerance,
                                         params.problems.gap_severity_per_fit)
        model.recorder.orders.append(OrderRecord.build(
            order, losses, delivered_day=model.time, team_id=team.unique_id, haste=team.haste,
            expected_fit=expected, delivered_fit=fit, problem=severity > 0, severity=severity))
        experience = expectation.order_experience(fit, expected, params.loyalty.met_expectation,
                                                  params.loyalty.disconfirmation_gain)
        self.remember(experience)
        if severity > 0 and self.status == ACTIVE:
            self.notice_problem("requirement_gap", severity)

    # --- problems and cases ---------------------------------------------------------------
    def notice_problem(self, kind: str, severity: float) -> None:
        """A problem hurts satisfaction; the customer complains or stays silent."""
        model, params = self.model, self.model.params
        model.counters["problems"] += 1
        self.remember(problems.problem_experience(severity, params.loyalty.met_expectation,
                                                  params.problems.impact_per_money))
        p = problems.complaint_probability(severity, params.problems.complaint_floor,
                                           params.problems.complaint_ceiling,
                                           params.problems.complaint_scale)
        if self.case is not None or model.streams.decisions.random() >= p:
            return
        model.counters["complaints"] += 1
        self.ever_complained = True
        self.open_case(kind, severity)

    def open_case(self, kind: str, severity: float) -> None:
        """Start pursuing a case and make the first contact."""
        model = self.model
        needs_rework = kind == "requirement_gap"
        remedy = model.params.delivery.rework_cost if needs_rework else severity
        goodwill = severity * model.policy.compensation_share
        complexity_mean = (model.params.problems.routine_complexity_mean if kind == "routine"
                           else model.params.problems.incident_complexity_mean)
        self.case = Case(
            case_id=model.next_case_id(), customer=self, kind=kind, opened_day=model.time,
            severity=severity, remedy_cost=remedy + goodwill,
            complexity=model.streams.problems.beta(4.0 * complexity_mean,
                                                   4.0 * (1.0 - complexity_mean)),
            needs_rework=needs_rework)
        self.contact()

    def contact(self) -> None:
        """Call the contact centre about the open case."""
        self.case.contacts += 1
        self.model.contact_centre.offer(self.case)

    def not_helped(self) -> None:
        """The contact did not solve the case: try again later, or give up."""
        model, customers = self.model, self.model.params.customers
        if (self.case.contacts < customers.max_contacts_per_case
                and model.streams.decisions.random() < customers.retry_probability):
            delay = model.streams.decisions.exponential(customers.retry_delay_hours / 24.0)
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
        """End the case: judge the recovery and the effort, and remember both."""
        model, params, case = self.model, self.model.params, self.case
        self.case = None
        compensation = 0.0
        if case.kind == "routine":
            experience = routine_experience(resolved, params.loyalty.met_expectation)
        elif not resolved:
            experience = UNRESOLVED_EXPERIENCE
        else:
            compensation = case.severity * model.policy.compensation_share
            remedy = 0.0 if case.needs_rework else case.severity
            model.ledger.spend("compensation", compensation + remedy, model.time)
            experience = recovery_experience(
                model.time - case.opened_day, params.recovery.speed_halflife_days,
                case.resolver_empathy, model.policy.apology, model.policy.compensation_share,
                (params.recovery.empathy_weight, params.recovery.apology_weight,
                 params.recovery.compensation_weight))
        effort = loyalty.effort_points(case.contacts, case.handoffs, case.wait_minutes,
                                       case.abandoned)
        self.remember(experience)
        self.satisfaction = max(0.0, self.satisfaction - params.loyalty.effort_weight * effort)
        model.recorder.cases.append(CaseRecord(
            case_id=case.case_id, customer_id=self.unique_id, kind=case.kind,
            opened_day=case.opened_day, closed_day=model.time, severity=case.severity,
            remedy_cost=case.remedy_cost, contacts=case.contacts, abandoned=case.abandoned,
            handoffs=case.handoffs, escalated=case.escalated, reworked=case.reworked,
            resolved=resolved,
            first_contact_resolution=resolved and case.contacts == 1 and case.handoffs == 0,
            wait_minutes=case.wait_minutes, effort_points=effort,
            ces=loyalty.customer_effort_score(effort), compensation=compensation,
            experience=experience))

    # --- loyalty --------------------------------------------------------------------------
    def remember(self, experience: float) -> None:
        """Blend an episode into satisfaction (recent episodes weigh most)."""
        self.satisfaction = loyalty.remember(self.satisfaction, experience,
                                             self.model.params.loyalty.memory_weight)

    def renew(self) -> None:
        """Renewal: pay for the next period, or leave."""
        model, params = self.model, self.model.params.loyalty
        p_leave = loyalty.churn_probability(
            self.satisfaction, params.reference_satisfaction, params.satisfaction_sensitivity,
            params.base_churn_per_year, model.params.customers.renewal_period_days)
        if model.streams.decisions.random() < p_leave:
            self.leave()

    def leave(self) -> None:
        """Stop being a customer: no more fees, orders, contacts or incidents."""
        model = self.model
        self.status = CHURNED
        model.roster.discard(self)
        model.counters["churned"] += 1
        if not self.ever_complained:
            model.counters["silent_churned"] += 1

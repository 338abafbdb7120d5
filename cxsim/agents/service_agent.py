"""Frontline service agents: answer contacts and resolve what their authority and skill allow."""

from __future__ import annotations

import mesa

from cxsim.agents.staff import StaffAgent, Workplace
from cxsim.mechanisms.escalation import frontline_route, solve_probability
from cxsim.records import Case
from cxsim.stations.contact_centre import Contact, Outreach

__all__ = ["ServiceAgent"]


class ServiceAgent(StaffAgent):
    """A frontline agent with problem-solving skill and empathy."""

    def __init__(self, model: mesa.Model, work: Workplace, skill: float, empathy: float) -> None:
        super().__init__(model, work, skill)
        self.empathy = empathy

    def duration(self, job: Contact | Outreach) -> float:
        """Handling time of the contact just picked up (its wait is booked by the centre)."""
        if isinstance(job, Outreach):
            return job.centre.call_out(job)
        return job.centre.answer(job, self.skill, self.in_hand - 1)

    def complete(self, job: Contact | Outreach) -> None:
        """Make a proactive call, or answer: an enquiry; a case solved, reworked, escalated, not."""
        work = self.work
        frontline = work.frontline
        work.ledger.spend("frontline_contacts", frontline.cost_per_contact, work.calendar.now)
        if isinstance(job, Outreach):
            job.customer.told_first(job.severity)
            return
        contact, case = job, job.case
        if case is not None and not contact.unreached:
            case.people.add(self.unique_id)  # one more person the customer dealt with
        if contact.misrouted:
            contact.centre.transfer(contact)
            return
        if case is None:
            return
        if contact.unreached:  # nobody picked up the callback: the customer tries again
            case.customer.not_helped()
            return
        if contact.centre.has_owners and case.owner is not self:
            self.take_ownership(case, contact)
        policy = work.policy
        case.recognised = policy.recognition and (policy.shared_record or case.owner is self)
        # a shared record shows the customer's history, which helps solve the case; cutting
        # corners under pressure causes errors (Oliva and Sterman 2001)
        skill = (
            self.skill
            + frontline.record_skill_gain
            - frontline.error_per_cut * (1.0 - contact.centre.time_share)
        )
        solved = case.customer.rng.random() < solve_probability(skill, case.complexity)
        case.resolver_empathy = self.empathy
        route = frontline_route(
            case.remedy_cost, work.policy.empowerment_limit, case.needs_rework, solved,
            specialists=work.desk.specialists.size > 0,
        )  # fmt: skip
        work.desk.dispatch(case, route)

    def take_ownership(self, case: Case, contact: Contact) -> None:
        """Own the case from now on (seed 003: "own the issue").

        Taking over from an owner who left or went to training, to return the message the
        customer left for them, means hearing the story again unless the record is shared.
        """
        if case.owner is not None:
            self.work.counters["case_owner_takeovers"] += 1
            if contact.owned and not self.work.policy.shared_record:
                case.reexplanations += 1
        case.owner = self

"""Frontline service agents: answer contacts and resolve what their authority and skill allow."""

from __future__ import annotations

from cxsim.agents.staff import StaffAgent
from cxsim.mechanisms.contact_centre import Contact
from cxsim.mechanisms.escalation import frontline_route, solve_probability

__all__ = ["ServiceAgent"]


class ServiceAgent(StaffAgent):
    """A frontline agent with problem-solving skill and empathy."""

    def __init__(self, model, skill: float, empathy: float) -> None:
        super().__init__(model, skill)
        self.empathy = empathy

    def duration(self, contact: Contact) -> float:
        """Handling time of the contact just picked up (its wait is booked by the centre)."""
        return contact.centre.answer(contact)

    def complete(self, contact: Contact) -> None:
        """Answer an enquiry; for a case: solve it, send it to rework, escalate it, or fail."""
        model, case = self.model, contact.case
        model.ledger.spend(
            "frontline_contacts", model.params.frontline.cost_per_contact, model.time
        )
        if case is None:
            return
        # a shared record shows the customer's history, which helps solve the case; cutting
        # corners under pressure causes errors (Oliva and Sterman 2001)
        skill = (
            self.skill
            + (model.params.shared_record.skill_gain if model.policy.shared_record else 0.0)
            - model.params.work_pressure.error_per_cut * (1.0 - contact.centre.time_share)
        )
        solved = model.streams.resolution.random() < solve_probability(skill, case.complexity)
        case.resolver_empathy = self.empathy
        route = frontline_route(
            case.remedy_cost, model.policy.empowerment_limit, case.needs_rework, solved
        )
        model.dispatch(case, route)

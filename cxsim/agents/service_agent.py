"""Frontline service agents: answer contacts and resolve what their authority and skill allow."""

from __future__ import annotations

from cxsim.agents.staff import StaffAgent
from cxsim.mechanisms.contact_centre import MINUTES_PER_DAY
from cxsim.mechanisms.escalation import frontline_route, solve_probability
from cxsim.records import Case

__all__ = ["ServiceAgent"]


class ServiceAgent(StaffAgent):
    """A frontline agent with problem-solving skill and empathy."""

    def __init__(self, model, skill: float, empathy: float) -> None:
        super().__init__(model)
        self.skill = skill
        self.empathy = empathy

    def duration(self, case: Case) -> float:
        """Exponential handling time; the wait so far is booked when the agent picks up."""
        model = self.model
        handling = model.streams.handling.exponential(
            model.params.frontline.aht_minutes / MINUTES_PER_DAY)
        wait = model.time - case.queued_at
        case.wait_minutes += wait * MINUTES_PER_DAY
        case.customer.stop_waiting()
        model.contact_centre.record_answer(wait, handling)
        return handling

    def complete(self, case: Case) -> None:
        """Solve the case here, send it to rework, escalate it, or fail to solve it."""
        model = self.model
        model.ledger.spend("frontline_contacts", model.params.frontline.cost_per_contact,
                           model.time)
        solved = model.streams.resolution.random() < solve_probability(self.skill,
                                                                         case.complexity)
        case.resolver_empathy = self.empathy
        route = frontline_route(case.remedy_cost, model.policy.empowerment_limit,
                                case.needs_rework, solved)
        model.dispatch(case, route)

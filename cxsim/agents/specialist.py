"""Specialists: product and process experts who take the cases the frontline could not solve.

Seed 001 describes a contact centre of "product and process specialists" rather than a call
centre that redirects. A frontline agent who lacks the skill transfers the case (a handoff for
the customer); the specialist works it from their queue, in working hours, and tells the
customer the outcome. Their authority is the frontline's: a remedy beyond it still goes to a
supervisor.
"""

from __future__ import annotations

from cxsim.agents.staff import StaffAgent
from cxsim.mechanisms.escalation import frontline_route, solve_probability
from cxsim.records import Case

__all__ = ["Specialist"]


class Specialist(StaffAgent):
    """Solves a transferred case by their ``skill`` against its complexity."""

    def duration(self, case: Case) -> float:
        """Exponential time to work a transferred case."""
        return self.work.streams.handling.exponential(self.work.specialists.handling_days)

    def complete(self, case: Case) -> None:
        """Solve the case (or not) and send it on: closed, rework, a supervisor, or back."""
        work = self.work
        work.ledger.spend("specialist_cases", work.specialists.cost_per_case, work.calendar.now)
        case.people.add(self.unique_id)
        solved = case.customer.rng.random() < solve_probability(self.skill, case.complexity)
        self.attend(case)
        route = frontline_route(
            case.remedy_cost, work.policy.empowerment_limit, case.needs_rework, solved
        )
        self.frustrated_if_forced(route, solved)
        work.desk.dispatch(case, self.judge(case, route))

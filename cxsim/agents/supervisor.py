"""Supervisors: take escalated cases, decide them, and call the customer back."""

from __future__ import annotations

from cxsim.agents.staff import StaffAgent
from cxsim.mechanisms.contact_centre import MINUTES_PER_DAY
from cxsim.mechanisms.escalation import supervisor_route
from cxsim.records import Case

__all__ = ["Supervisor"]


class Supervisor(StaffAgent):
    """Resolves an escalated case with probability equal to their competency, ``skill``."""

    def __init__(self, model, competency: float, empathy: float) -> None:
        super().__init__(model, competency)
        self.empathy = empathy

    def duration(self, case: Case) -> float:
        """Exponential time to investigate and decide an escalated case."""
        minutes = self.model.params.supervisors.handling_minutes
        return self.model.streams.handling.exponential(minutes / MINUTES_PER_DAY)

    def complete(self, case: Case) -> None:
        """Decide the case and schedule the call-back that tells the customer."""
        model = self.model
        model.ledger.spend("supervisor_cases", model.params.supervisors.cost_per_case, model.time)
        solved = model.streams.resolution.random() < self.skill  # competency (seed 001)
        case.resolver_empathy = self.empathy
        case.pending_route = supervisor_route(case.needs_rework, solved)
        delay = model.streams.handling.exponential(
            model.params.supervisors.callback_delay_hours / 24.0)
        case.customer.await_call_back(delay)

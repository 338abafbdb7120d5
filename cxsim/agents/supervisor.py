"""Supervisors: decide escalated cases and call the customer back; coach when they can.

The call-back comes after a delay of working time (``calendar.working_hours``): a case decided
late on Friday is called back on Monday.
"""

from __future__ import annotations

from dataclasses import dataclass

from cxsim.agents.staff import StaffAgent
from cxsim.mechanisms.escalation import solve_probability, supervisor_route
from cxsim.mechanisms.workforce import learn
from cxsim.records import Case

__all__ = ["Supervisor", "Coaching"]


@dataclass(frozen=True, slots=True)
class Coaching:
    """A coaching session for one frontline agent (seed 001: "with focussed coaching")."""

    agent: StaffAgent


class Supervisor(StaffAgent):
    """Resolves an escalated case as skill against complexity allow (``solve_probability``)."""

    def duration(self, job: Case | Coaching) -> float:
        """Exponential time to decide an escalated case; a coaching session's fixed hours."""
        spec = self.work.supervisors
        if isinstance(job, Coaching):
            return spec.coaching_days
        return self.work.streams.handling.exponential(spec.handling_days)

    def complete(self, job: Case | Coaching) -> None:
        """Coach the agent, or decide the case and schedule the call-back."""
        if isinstance(job, Coaching):
            job.agent.skill = learn(
                job.agent.skill, self.work.supervisors.coaching_gain, self.work.staff.skill_ceiling
            )
            return
        self.decide(job)

    def decide(self, case: Case) -> None:
        """Decide an escalated case and schedule the call-back that tells the customer."""
        work = self.work
        work.ledger.spend("supervisor_cases", work.supervisors.cost_per_case, work.calendar.now)
        case.people.add(self.unique_id)
        # skill against the case's complexity, as for anyone (seed 001: more competent, not
        # infallible): the hard cases the frontline could not solve are hard for them too
        solved = case.customer.rng.random() < solve_probability(self.skill, case.complexity)
        self.attend(case)
        case.pending_route = self.judge(case, supervisor_route(case.needs_rework, solved))
        delay = work.streams.handling.exponential(work.supervisors.callback_delay_days)
        case.customer.await_call_back(work.working.advance(work.calendar.now, delay))

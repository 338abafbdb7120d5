"""Frontline service agents: answer contacts and resolve what their authority and skill allow.

With a diagnosis step (``frontline.diagnosis``; seed 003: "Understand, Then Solve") the agent
listens before solving: the minutes listened move their skill on the solve, a hurried agent may
fix the wrong problem believing it solved, and questions beyond the habit reveal needs the
customer did not state (``cxsim.mechanisms.diagnosis``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxsim.agents.staff import StaffAgent
from cxsim.mechanisms import diagnosis
from cxsim.mechanisms.escalation import (
    Route,
    frontline_route,
    pass_up_probability,
    solve_probability,
)
from cxsim.records import Case
from cxsim.stations.contact_centre import Contact, Outreach

if TYPE_CHECKING:
    from cxsim.specs import DiagnosisSpec

__all__ = ["ServiceAgent"]


class ServiceAgent(StaffAgent):
    """A frontline agent with problem-solving skill and empathy."""

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
        solved, misread = self.solve(contact, case)
        self.attend(case)
        route = frontline_route(
            case.remedy_cost, work.policy.empowerment_limit, case.needs_rework, solved or misread,
            specialists=work.desk.specialists.size > 0,
            pass_up=not (solved or misread) and self.passes_up(contact, case),
        )  # fmt: skip
        self.frustrated_if_forced(route, solved)
        step = contact.centre.spec.diagnosis  # the one that set the minutes listened
        if step is not None:
            self.ask(contact, case, step)
        if misread and route is not Route.ESCALATE:  # the agent believes it solved
            case.customer.given_wrong_fix(step.return_days)
            return
        work.desk.dispatch(case, self.judge(case, route))

    def solve(self, contact: Contact, case: Case) -> tuple[bool, bool]:
        """Whether the real problem is solved, and whether a hurried agent fixed the wrong one.

        A shared record shows the customer's history, which helps solve the case; cutting corners
        under pressure causes errors (Oliva and Sterman 2001); listening before solving moves the
        skill from the habit's (``cxsim.mechanisms.diagnosis``). One draw from the customer's
        stream decides, as without the diagnosis step.
        """
        frontline = self.work.frontline
        skill = (
            self.skill
            + frontline.record_skill_gain
            - frontline.error_per_cut * (1.0 - contact.centre.time_share)
        )
        draw = case.customer.rng.random()
        habitual = solve_probability(skill, case.complexity)
        step = contact.centre.spec.diagnosis
        if step is None:
            return draw < habitual, False
        shift = diagnosis.listening_skill(
            contact.listened, step.habitual_minutes, step.understanding_minutes, step.skill_gain
        )
        listened = solve_probability(skill + shift, case.complexity)
        return draw < listened, diagnosis.wrong_fix(draw, habitual, listened)

    def passes_up(self, contact: Contact, case: Case) -> bool:
        """Whether the agent, unable to solve the case, passes it up (one draw, the customer's).

        ``cxsim.mechanisms.escalation.pass_up_probability``: seen with the agent's skill, asked
        by the policy, skipped under pressure.
        """
        p = pass_up_probability(
            self.skill, self.work.frontline.escalate_when_unable, contact.centre.time_share
        )
        return case.customer.rng.random() < p

    def ask(self, contact: Contact, case: Case, step: DiagnosisSpec) -> None:
        """Questions beyond the habitual listening may reveal a need the customer did not state.

        Seed 003: "Be Curious To Exceed Expectations". One draw from the listening stream for
        every contact about a case, revealed or not: an order (``order_share``) or a problem
        prevented.
        """
        extra = contact.listened - step.habitual_minutes
        p = diagnosis.reveal_probability(extra, step.unstated_need_share, step.question_minutes)
        draw = self.work.streams.listening.random()
        if draw < p:
            case.customer.reveal_need(order=draw < p * step.order_share)

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

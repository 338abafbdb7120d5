"""The organisation's surveys: invitations sent, answers received, findings acted on.

What the organisation can see of its customers (seed 004, "the wrong questions"): each
survey of the scenario's ``surveys:`` list invites customers after a case or in waves, and
each invited customer decides whether to answer and what (``cxsim.mechanisms.surveys``).
Every invitation leaves one row per question with the customer's answer (if any) and the
answer their true state would give, so that measured and true figures can be set side by
side and the answers tested as warnings of who leaves (``cxsim.measures``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cxsim.mechanisms.surveys import SCALES, answer, response_probability

if TYPE_CHECKING:
    from collections import Counter

    import numpy as np

    from cxsim.agents.customer import Customer
    from cxsim.calendar import EventCalendar
    from cxsim.organisation.demand import FeedbackLoop
    from cxsim.organisation.ledger import Ledger
    from cxsim.organisation.population import Roster
    from cxsim.records import CaseRecord
    from cxsim.scenario import Survey

__all__ = ["SurveyAnswer", "Surveys", "UNANSWERED"]

UNANSWERED = -1  # the point of a question the customer did not answer


@dataclass(slots=True)
class SurveyAnswer:
    """One question of one invitation: what the customer answered, and what is true."""

    survey: int  # position in the scenario's surveys list
    question: str
    customer_id: int
    day: float
    point: int  # the answer ticked, or UNANSWERED
    true_point: int  # what the customer's state reads as, without noise or leniency


def _unfavourable(question: str, point: int) -> bool:
    """An answer that says something went wrong: bottom three of 5, a detractor, 5-7 effort."""
    if question == "nps":
        return point <= 6
    if question in ("ces", "ease"):
        return point >= 5
    return point <= 3


class Surveys:
    """Sends every survey of the scenario and keeps the answers (``answers``)."""

    def __init__(
        self,
        specs: tuple[Survey, ...],
        calendar: EventCalendar,
        rng: np.random.Generator,
        roster: Roster,
        feedback: FeedbackLoop,
        ledger: Ledger,
        counters: Counter[str],
    ) -> None:
        self.specs, self.calendar, self.rng, self.roster = specs, calendar, rng, roster
        self.feedback, self.ledger, self.counters = feedback, ledger, counters
        self.after_cases = [i for i, s in enumerate(specs) if s.kind == "post_case"]
        self.segment_factors = [{r.segment: r.factor for r in s.segment_response} for s in specs]
        self.answers: list[SurveyAnswer] = []

    @property
    def questions(self) -> list[str]:
        """Every question asked, in the order of the surveys."""
        return [q for spec in self.specs for q in spec.questions]

    def start(self) -> None:
        """Schedule the first wave of each relationship survey."""
        for i, spec in enumerate(self.specs):
            if spec.kind == "relationship":
                self.calendar.after(spec.every_days, lambda i=i: self.wave(i))

    def wave(self, survey: int) -> None:
        """Invite a sample of the active customers; schedule the next wave."""
        spec = self.specs[survey]
        invited = self.rng.random(len(self.roster)) < spec.sample_share
        for customer, chosen in zip(list(self.roster.members), invited, strict=True):
            if chosen:
                satisfaction = customer.satisfaction
                states = {
                    "nps": customer.willingness(),
                    "satisfaction": satisfaction,
                    "ease": min(6.0, customer.remembered_effort()) / 6.0,
                }
                recent = self.calendar.now - customer.last_problem_day <= spec.every_days
                self.invite(survey, customer, satisfaction, states, recent)
        self.calendar.after(spec.every_days, lambda: self.wave(survey))

    def after_case(self, customer: Customer, case: CaseRecord) -> None:
        """Invite the customer of a closed case to each post-case survey."""
        states = {"csat": case.experience, "ces": min(6.0, case.effort_points) / 6.0}
        for survey in self.after_cases:
            if self.rng.random() < self.specs[survey].sample_share:
                self.invite(survey, customer, case.experience, states, case.kind != "routine")

    def invite(
        self,
        survey: int,
        customer: Customer,
        experience: float,
        states: dict[str, float],
        had_problem: bool,
    ) -> None:
        """One invitation: the customer answers every question, or none.

        An answer that says something went wrong, from a customer who had a problem, is a
        finding; ``act_on_findings`` of them go to delivery through the feedback loop.
        """
        spec, now = self.specs[survey], self.calendar.now
        self.ledger.spend("surveys", spec.cost_per_invitation, now)
        self.counters["survey_invitations"] += 1
        silent = not customer.ever_complained and customer.last_problem_day > -math.inf
        base = spec.response_rate * self.segment_factors[survey].get(customer.traits.segment, 1.0)
        p = response_probability(
            base, experience, spec.extremity_lift, silent, spec.silent_response_factor
        )
        answered = self.rng.random() < p
        self.counters["survey_responses"] += answered
        finding = False
        for question in spec.questions:
            state = states[question]
            point = UNANSWERED
            if answered:
                noise = self.rng.normal(0.0, spec.noise_sd) if spec.noise_sd else 0.0
                point = answer(question, state, noise, spec.leniency)
                finding |= _unfavourable(question, point)
            true_point = SCALES[question].point(state)
            self.answers.append(
                SurveyAnswer(survey, question, customer.unique_id, now, point, true_point)
            )
        if finding and had_problem and self.rng.random() < spec.act_on_findings:
            self.feedback.report("survey_findings_acted_on")

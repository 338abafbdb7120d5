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
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from cxsim.agents.customer import ACTIVE
from cxsim.mechanisms.surveys import SCALES, answer, response_probability, unfavourable
from cxsim.records import RAISED_FIRST
from cxsim.scenario import POST_CASE_QUESTIONS, RELATIONSHIP_QUESTIONS

if TYPE_CHECKING:
    from collections import Counter

    from cxsim.agents.customer import Customer
    from cxsim.calendar import EventCalendar
    from cxsim.organisation.demand import FeedbackLoop
    from cxsim.organisation.ledger import Ledger
    from cxsim.organisation.population import Roster
    from cxsim.records import CaseRecord, ProblemRecord
    from cxsim.scenario import Survey
    from cxsim.streams import SurveyStreams

__all__ = ["SurveyAnswer", "Surveys", "UNANSWERED", "DASHBOARD_DAYS"]

UNANSWERED = -1  # the point of a question the customer did not answer
DASHBOARD_DAYS = 91.0  # a dashboard's survey figures: the answers of the last quarter
QUESTIONS = {"post_case": POST_CASE_QUESTIONS, "relationship": RELATIONSHIP_QUESTIONS}


@dataclass(slots=True)
class SurveyAnswer:
    """One question of one invitation: what the customer answered, and what is true."""

    survey: int  # position in the scenario's surveys list
    question: str
    customer_id: int
    day: float
    point: int  # the answer ticked, or UNANSWERED
    true_point: int  # what the customer's state reads as, without noise or leniency


class Reaction(NamedTuple):
    """One candidate's draws: the chance of answering, each question's noise, acting on it."""

    chance: float
    noise: np.ndarray  # one per question the survey's kind may ask (``QUESTIONS``)
    act: float


class Surveys:
    """Sends every survey of the scenario and keeps the answers (``answers``).

    Each survey draws from its own streams (``streams``: ``SurveyStreams``), the same numbers
    for every candidate whatever the survey asks and whomever it samples, so that two designs
    of one survey stay in step: a smaller sample is part of a larger one, and a customer
    invited in both reacts the same (common random numbers between survey designs).
    """

    def __init__(
        self,
        specs: tuple[Survey, ...],
        calendar: EventCalendar,
        streams: list[SurveyStreams],
        roster: Roster,
        feedback: FeedbackLoop,
        ledger: Ledger,
        counters: Counter[str],
        problems: list[ProblemRecord],
    ) -> None:
        self.specs, self.calendar, self.streams, self.roster = specs, calendar, streams, roster
        # Read at each wave, not kept on the customers: one more attribute on every customer
        # cost 5% of a 100,000-customer year.
        self.problems, self._problems_read = problems, 0
        self._last_incident: dict[int, float] = {}  # day each customer last noticed one
        self.feedback, self.ledger, self.counters = feedback, ledger, counters
        self.after_cases = [i for i, s in enumerate(specs) if s.kind == "post_case"]
        self.segment_factors = [{r.segment: r.factor for r in s.segment_response} for s in specs]
        self.answers: list[SurveyAnswer] = []

    @property
    def questions(self) -> list[str]:
        """Every question asked, in the order of the surveys."""
        return [q for spec in self.specs for q in spec.questions]

    def window_days(self, question: str) -> float:
        """Days of answers a dashboard shows of ``question``: a quarter, or one wave's span."""
        spec = next(s for s in self.specs if question in s.questions)
        return max(DASHBOARD_DAYS, spec.every_days if spec.kind == "relationship" else 0.0)

    def start(self) -> None:
        """Schedule the first wave of each relationship survey."""
        for i, spec in enumerate(self.specs):
            if spec.kind == "relationship":
                self.calendar.after(spec.every_days, lambda i=i: self.wave(i))

    def _last_incidents(self) -> dict[int, float]:
        """The day each customer last noticed an incident, from the problems recorded so far."""
        last = self._last_incident
        for record in self.problems[self._problems_read :]:
            if record.kind == "incident" and record.outcome != RAISED_FIRST:
                last[record.customer_id] = max(
                    record.noticed_day, last.get(record.customer_id, -math.inf)
                )
        self._problems_read = len(self.problems)
        return last

    def _incident_since(self, customer: Customer, day: float, last: dict[int, float]) -> bool:
        """Whether ``customer`` noticed an incident on or after ``day``.

        One they are still complaining about is recorded only when its case closes.
        """
        case = customer.case
        if case is not None and case.kind == "incident" and case.opened_day >= day:
            return True
        return last.get(customer.unique_id, -math.inf) >= day

    def wave(self, survey: int) -> None:
        """Invite a sample of the active customers; schedule the next wave."""
        spec, now = self.specs[survey], self.calendar.now
        last = self._last_incidents()
        members = list(self.roster.members)
        invited = self.streams[survey].invitations.random(len(members)) < spec.sample_share
        chances, noises, acts = self._reactions(survey, len(members))
        for i in np.flatnonzero(invited):
            customer, satisfaction = members[i], members[i].satisfaction
            states = {
                "nps": customer.willingness(),
                "satisfaction": satisfaction,
                "ease": min(6.0, customer.remembered_effort()) / 6.0,
            }
            incident = self._incident_since(customer, now - spec.every_days, last)
            reaction = Reaction(float(chances[i]), noises[i], float(acts[i]))
            self.invite(survey, customer, satisfaction, states, incident, reaction)
        self.calendar.after(spec.every_days, lambda: self.wave(survey))

    def after_case(self, customer: Customer, case: CaseRecord) -> None:
        """Invite the customer of a closed case to each post-case survey (if still one)."""
        if customer.status != ACTIVE:  # left while the case was open: nobody to ask
            return
        states = {"csat": case.experience, "ces": min(6.0, case.effort_points) / 6.0}
        for survey in self.after_cases:
            chosen = self.streams[survey].invitations.random() < self.specs[survey].sample_share
            reaction = Reaction(*self._reactions(survey))
            if chosen:
                incident = case.kind == "incident"
                self.invite(survey, customer, case.experience, states, incident, reaction)

    def _reactions(
        self, survey: int, candidates: int | None = None
    ) -> tuple[float | np.ndarray, np.ndarray, float | np.ndarray]:
        """Chances of answering, answer noise and acting draws of one candidate or a wave's."""
        spec, rng = self.specs[survey], self.streams[survey].reactions
        questions = len(QUESTIONS[spec.kind])  # a draw for every question the kind may ask
        shape = (questions,) if candidates is None else (candidates, questions)
        return rng.random(candidates), rng.normal(0.0, spec.noise_sd, shape), rng.random(candidates)

    def invite(
        self,
        survey: int,
        customer: Customer,
        experience: float,
        states: dict[str, float],
        after_incident: bool,
        reaction: Reaction,
    ) -> None:
        """One invitation: the customer answers every question, or none.

        An answer that says something went wrong is a finding; ``act_on_findings`` of them are
        analysed (the feedback loop's cost per report), and those about an incident (a
        post-case survey's incident case; a wave's customer who met one since the last wave)
        lead to a fix at the root: the feedback loop's, after its lag.
        """
        spec, now = self.specs[survey], self.calendar.now
        self.ledger.spend("surveys", spec.cost_per_invitation, now)
        self.counters["survey_invitations"] += 1
        silent = not customer.ever_complained and customer.last_problem_day > -math.inf
        base = spec.response_rate * self.segment_factors[survey].get(customer.traits.segment, 1.0)
        p = response_probability(
            base, experience, spec.extremity_lift, silent, spec.silent_response_factor
        )
        asked = QUESTIONS[spec.kind]  # the reaction's noise: one for each (``_reactions``)
        answered = reaction.chance < p
        self.counters["survey_responses"] += answered
        finding = False
        for question in spec.questions:
            state, point = states[question], UNANSWERED
            if answered:
                noise = reaction.noise[asked.index(question)]
                point = answer(question, state, noise, spec.leniency)
                finding |= unfavourable(question, point)
            true_point = SCALES[question].point(state)
            self.answers.append(
                SurveyAnswer(survey, question, customer.unique_id, now, point, true_point)
            )
        if finding and reaction.act < spec.act_on_findings:
            self.feedback.report("survey_findings_acted_on", fix=after_incident)

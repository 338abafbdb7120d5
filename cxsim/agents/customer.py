"""Customers: they need something, judge what they get, complain or keep quiet, stay or leave."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import mesa
import numpy as np

from cxsim.mechanisms import expectation, loyalty, proactive, problems, word_of_mouth
from cxsim.mechanisms.escalation import Route
from cxsim.mechanisms.recognition import recognised_end
from cxsim.mechanisms.recovery import (
    bounded_recovery,
    care_lift,
    recovery_experience,
    routine_experience,
    unresolved_experience,
)
from cxsim.mechanisms.requirements import StageLosses
from cxsim.records import (
    QUICK_RESOLUTION_DAYS,
    RAISED_FIRST,
    Case,
    CaseRecord,
    Order,
    OrderRecord,
    ProblemRecord,
)
from cxsim.units import hours

if TYPE_CHECKING:
    from collections import Counter

    from cxsim.agents.delivery_team import DeliveryTeam
    from cxsim.calendar import EventCalendar
    from cxsim.mechanisms.loyalty import Renewal
    from cxsim.mechanisms.timetable import Timetable
    from cxsim.organisation.demand import Demand, FeedbackLoop
    from cxsim.organisation.desk import CaseDesk
    from cxsim.organisation.ledger import Ledger
    from cxsim.organisation.population import Population
    from cxsim.organisation.reputation import Reputation
    from cxsim.organisation.surveys import Surveys
    from cxsim.records import Recorder
    from cxsim.specs import CustomerSpec, FollowUpSpec, Policy
    from cxsim.stations.contact_centre import ContactCentre
    from cxsim.stations.pool import ServerPool
    from cxsim.streams import Streams

__all__ = ["Customer", "Traits", "Touchpoints", "PROSPECT", "ACTIVE", "CHURNED"]

PROSPECT, ACTIVE, CHURNED = "prospect", "active", "churned"


@dataclass(frozen=True, slots=True)
class Traits:
    """What a customer brings from their segment, drawn around its means."""

    segment: str
    value_per_month: float
    patience_factor: float
    tolerance: float
    complaint_propensity: float
    channel: str  # the channel this customer tries first


@dataclass(slots=True)
class Touchpoints:
    """The parts of the organisation a customer deals with (one object, shared by all).

    A decision taken during the run (``ServiceOrganisation.decide``) replaces its policy and
    spec in place, so that every customer meets them from then on.
    """

    calendar: EventCalendar
    streams: Streams
    spec: CustomerSpec
    policy: Policy
    renewal: Renewal
    population: Population
    sales: ServerPool
    channels: dict[str, ContactCentre]
    demand_profile: Timetable  # when customers want to be in touch (hour of the week)
    desk: CaseDesk
    reputation: Reputation
    feedback: FeedbackLoop
    surveys: Surveys
    demand: Demand
    ledger: Ledger
    counters: Counter[str]
    recorder: Recorder


class Customer(mesa.Agent):
    """A customer with a true need, a way of expressing it, a memory and a patience.

    ``satisfaction`` (0..1) is the customer's memory of episodes; ``case`` is the one reason
    for contact they are pursuing (a customer pursues one case at a time and folds anything
    else that goes wrong meanwhile into their satisfaction).
    """

    def __init__(
        self,
        model: mesa.Model,
        at: Touchpoints,
        need: np.ndarray,
        clarity: float,
        satisfaction: float,
        status: str,
        joined_day: float | None,
        traits: Traits,
        origin: tuple[int, int],
    ) -> None:
        super().__init__(model)  # registration only: the customer deals with ``at``
        self.at = at
        self.origin = origin  # (where from, number there): keys the customer's own stream
        self.traits = traits
        self.need = need
        self.clarity = clarity
        self.satisfaction = satisfaction
        self.status = status
        self.initial = status == ACTIVE
        self.joined_day = at.calendar.now if joined_day is None else joined_day
        self.ever_complained = False
        self.last_problem_day = -math.inf
        self.first_failure = True
        self.case: Case | None = None
        self.requests_waiting = 0  # routine requests that came up while a case was open
        self.contacts: list[Customer] = []  # the customers this one talks to
        self.expectation = at.spec.expected_fit  # fit expected before promises
        self.referrer: Customer | None = None
        self.foreseen = 0  # problems an agent's questions revealed in time to prevent
        self.effort_memory = 0.0  # effort points beyond tolerance remembered, as of effort_day
        self.effort_day = 0.0
        self.relationship = False  # the last case was handled by someone who knew them
        self.left_day: float | None = None
        if status == ACTIVE:
            at.population.roster.add(self)

    @cached_property
    def rng(self) -> np.random.Generator:
        """The customer's own decision stream (made when first needed)."""
        return self.at.streams.customer(*self.origin)

    # --- buying -------------------------------------------------------------------------
    def place_order(self) -> None:
        """Ask sales for something; for a prospect this is the first sales conversation."""
        at = self.at
        order = Order(at.desk.next_order_id(), self, at.calendar.now, self.status == PROSPECT)
        at.sales.submit(order)

    def join(self) -> None:
        """The prospect buys and becomes an active customer."""
        at, spec = self.at, self.at.spec
        self.status, self.joined_day = ACTIVE, at.calendar.now
        at.ledger.spend("acquisition", spec.commission_per_sale, at.calendar.now)
        at.population.roster.add(self)
        at.population.link_newcomer(self, at.streams.word_of_mouth)
        at.counters["new_customers"] += 1

    def walk_away(self) -> None:
        """The prospect does not buy."""
        self.remove()

    def receive(self, order: Order, team: DeliveryTeam) -> None:
        """Judge a delivered order against the expectation; notice a gap if it is too large."""
        at, spec = self.at, self.at.spec
        losses = StageLosses.from_trace(self.need, *order.trace)
        fit = 1.0 - losses.total
        expected = expectation.expected_fit(self.expectation, at.policy.overpromise)
        self.expectation = expectation.learn_expectation(
            self.expectation, fit, spec.expectation_learning
        )
        gap = expectation.shortfall(fit, expected)
        severity = problems.gap_severity(
            gap, self.traits.tolerance, spec.problems.gap_severity_per_fit
        )
        at.recorder.orders.append(
            OrderRecord.build(
                order,
                losses,
                delivered_day=at.calendar.now,
                team_id=team.unique_id,
                haste=team.haste,
                expected_fit=expected,
                delivered_fit=fit,
                problem=severity > 0,
                severity=severity,
            )
        )
        if severity > 0 and self.status == ACTIVE:
            if not self.notice_problem("requirement_gap", severity):
                order.silent_gap = severity  # kept quiet: a follow-up may hear of it
        else:
            experience = expectation.order_experience(
                fit, expected, spec.loyalty.met_expectation, spec.loyalty.disconfirmation_gain
            )
            self.remember(experience)
            self.tell(experience)

    # --- problems and cases ---------------------------------------------------------------
    def told_first(self, severity: float) -> None:
        """The organisation calls first about a problem it caught, the fix arranged.

        Proactive service (``cxsim.mechanisms.proactive``): no complaint to decide on and no
        case to pursue. The customer remembers the smaller problem's sting softened by being
        told first, and may tell others; the organisation pays the remedy and its goodwill.
        """
        if self.status != ACTIVE:  # left before the call was made
            return
        at, spec = self.at, self.at.spec
        at.counters["proactive_contacts"] += 1
        sting = self._sting(severity)
        experience = proactive.told_first_experience(sting, spec.proactive.told_first_relief)
        before = self.satisfaction
        self.remember(experience, intense=True)
        self.tell(experience)
        goodwill = severity * at.policy.compensation_share
        at.ledger.spend("compensation", severity + goodwill, at.calendar.now)
        if spec.reports_back:
            at.feedback.report_back()
        self.record_problem("incident", severity, RAISED_FIRST, 0.0, before)

    def meet_incident(self, severity: float) -> None:
        """An incident happens, unless an agent's questions foresaw a problem and prevented it."""
        if self.foreseen:
            self.foreseen -= 1
            self.at.counters["problems_prevented"] += 1
            return
        self.notice_problem("incident", severity)

    def notice_problem(self, kind: str, severity: float) -> bool:
        """A problem hurts; the customer complains (opens a case: True) or stays silent."""
        at, spec = self.at, self.at.spec
        at.counters["problems"] += 1
        memory = spec.loyalty.failure_memory_days
        self.first_failure = at.calendar.now - self.last_problem_day > memory
        self.last_problem_day = at.calendar.now
        worst = self._sting(severity)
        p = self.traits.complaint_propensity * problems.complaint_probability(
            severity,
            spec.problems.complaint_floor,
            spec.problems.complaint_ceiling,
            spec.problems.complaint_scale,
        )
        if self.case is not None or self.rng.random() >= p:
            before = self.satisfaction
            self.remember(worst, intense=True)
            self.tell(worst)
            self.record_problem(kind, severity, "silent", 0.0, before)
            return False
        at.counters["complaints"] += 1
        self.ever_complained = True
        self.open_case(kind, severity, worst)
        return True

    def _sting(self, severity: float) -> float:
        """The experience of noticing a problem with ``severity`` at stake oneself."""
        spec = self.at.spec
        return problems.problem_experience(
            severity,
            spec.loyalty.met_expectation,
            spec.problems.problem_drop,
            spec.problems.impact_scale,
        )

    def answer_follow_up(self, order: Order, follow_up: FollowUpSpec, caller: int) -> None:
        """Asked after delivery, a customer keeping quiet about a gap may tell it now.

        Told, the gap is a case the salesperson sends straight to delivery for a fix smaller
        than a rework: one contact, no queue, no complaint decision; its worst moment is where
        the customer stands now (the sting was felt when the gap was noticed). Nothing to tell,
        or already pursuing a case: no change.
        """
        at = self.at
        if order.silent_gap <= 0 or self.case is not None or self.status != ACTIVE:
            return
        if at.streams.checks.random() >= follow_up.reveal_share:
            return
        at.counters["gaps_found_by_follow_up"] += 1
        case = self._new_case("requirement_gap", order.silent_gap, self.satisfaction)
        case.contacts, case.fix = 1, follow_up.fix  # the follow-up call
        case.people.add(caller)  # the salesperson who called
        order.silent_gap = 0.0
        at.desk.dispatch(case, Route.REWORK)

    def open_case(self, kind: str, severity: float, worst: float = 1.0) -> None:
        """Start pursuing a case and make the first contact."""
        self._new_case(kind, severity, worst)
        self.contact()

    def _new_case(self, kind: str, severity: float, worst: float) -> Case:
        at, spec = self.at, self.at.spec
        needs_rework = kind == "requirement_gap"
        remedy = spec.rework_cost if needs_rework else severity
        channel = self.first_channel()
        complexity_mean = (
            spec.problems.routine_complexity_mean
            if kind == "routine"
            else spec.problems.incident_complexity_mean
        )
        self.case = Case(
            case_id=at.desk.next_case_id(),
            customer=self,
            kind=kind,
            opened_day=at.calendar.now,
            severity=severity,
            remedy_cost=remedy,  # the authority is over the remedy; goodwill follows the policy
            complexity=at.streams.problems.beta(
                4.0 * complexity_mean, 4.0 * (1.0 - complexity_mean)
            ),
            needs_rework=needs_rework,
            satisfaction_before=self.satisfaction,
            first_failure=self.first_failure,
            channel=channel,
            first_channel=channel,
            worst=worst,
        )
        return self.case

    def first_channel(self) -> str:
        """The preferred channel, unless the organisation does not staff it."""
        channel = self.traits.channel
        staffed = channel == "self_service" or self.at.channels[channel].pool.size > 0
        return channel if staffed else "phone"

    def contact(self) -> None:
        """Contact the organisation about the open case: its owner, or the current channel.

        A case's owner, while on the floor, takes the contact whatever the opening hours (a
        message waits for their shift) and needs no retelling; an owner who left or is away in
        training is replaced by whoever answers next.
        """
        at, case = self.at, self.case
        owner = case.owner if case.owner is not None and case.owner.on_the_floor else None
        if owner is None and case.channel != "self_service":
            if not at.channels[case.channel].is_open():
                self.find_closed()
                return
        case.contacts += 1
        if case.contacts > 1:
            at.counters["repeat_contacts"] += 1  # failure demand
            if not at.policy.shared_record and owner is None:
                case.reexplanations += 1  # nobody can see what was said before (silos)
        if owner is not None:
            case.channel = owner.post
            at.channels[owner.post].ring_owner(case, owner)
        elif case.channel == "self_service":
            self.try_self_service()
        else:
            at.channels[case.channel].offer(case, self.traits.patience_factor)

    def try_self_service(self) -> None:
        """Self-service solves a share of routine requests; otherwise a human is needed."""
        at, case, spec = self.at, self.case, self.at.spec
        service = spec.channels.self_service
        at.ledger.spend("self_service", service.cost_per_contact, at.calendar.now)
        if case.kind == "routine" and self.rng.random() < service.containment:
            self.close_case(resolved=True)
            return
        case.complexity = min(1.0, case.complexity + service.failure_complexity)
        if self.switch_channel():
            self.contact()
        else:  # no staffed channel to turn to
            self.not_helped()

    def find_closed(self) -> None:
        """The channel is closed: wait for it to open, turn to an open one, or give up."""
        at, case = self.at, self.case
        closed = at.spec.channels.when_closed
        centre, draw = at.channels[case.channel], self.rng.random()
        if draw < closed.wait_for_opening + closed.other_channel:
            if draw >= closed.wait_for_opening and self.switch_channel(open_now=True):
                self.contact()
                return
            at.counters["waited_for_opening"] += 1
            delay = self.rng.exponential(hours(closed.delay_after_opening_hours))
            at.calendar.at(centre.spec.opening.advance(at.calendar.now, 0.0) + delay, self.contact)
            return
        at.counters["gave_up_while_closed"] += 1
        self.close_case(resolved=False)

    def switch_channel(self, open_now: bool = False) -> bool:
        """Move to another staffed channel (phone first, else chat, else email), if any.

        With ``open_now``, only to a channel open at this moment.
        """
        case, channels = self.case, self.at.channels
        for channel in ("phone", "chat", "email"):
            centre = channels[channel]
            if (
                channel != case.channel
                and centre.pool.size > 0
                and (not open_now or centre.is_open())
            ):
                case.channel = channel
                case.switches += 1
                self.at.counters["channel_switches"] += 1
                return True
        return False

    def given_wrong_fix(self, return_days: float) -> None:
        """The agent fixed the wrong problem and closed the contact as solved.

        The customer finds the real problem still there an exponential ``return_days`` later
        (the listening stream) and then decides as after any contact that did not help: try
        again (a repeat contact, failure demand) or give up.
        """
        at = self.at
        at.counters["wrong_fixes"] += 1
        at.calendar.after(at.streams.listening.exponential(return_days), self.not_helped)

    def short_granted(self, return_days: float) -> None:
        """Given too little, or the wrong fix (``StaffAgent.judge``): the case stays open.

        The customer finds out an exponential ``return_days`` later (their own stream) and
        decides as after any contact that did not help.
        """
        self.at.calendar.after(self.rng.exponential(return_days), self.not_helped)

    def reveal_need(self, order: bool) -> None:
        """Asked, the customer names a need they had not stated (seed 003: "reveal broader needs").

        Something the organisation sells becomes an order (sales, delivery, revenue); anything
        else is a problem the customer would have met, prevented: the next incident they would
        have noticed themselves does not happen (``meet_incident``).
        """
        at = self.at
        if self.status != ACTIVE:
            return
        at.counters["needs_revealed"] += 1
        if order:
            at.counters["orders_from_questions"] += 1
            self.place_order()
        else:
            self.foreseen += 1

    def not_helped(self) -> None:
        """The contact did not solve the case: try again later, or give up."""
        at, spec = self.at, self.at.spec
        if self._tries_again():
            if self.rng.random() < spec.channels.switch_probability:
                self.switch_channel()
            delay = self.rng.exponential(spec.retry_delay_days)  # at the hours customers call
            at.calendar.at(at.demand_profile.advance(at.calendar.now, delay), self.contact)
        else:
            self.close_case(resolved=False)

    def _tries_again(self) -> bool:
        """After a contact that did not help: try again (below the contacts' limit), or not."""
        spec = self.at.spec
        return (
            self.case.contacts < spec.max_contacts_per_case
            and self.rng.random() < spec.retry_probability
        )

    def chase_later(self, case: Case) -> None:
        """Handed to a queue: chase it if nobody has taken it an exponential while from now."""
        delay = self.rng.exponential(self.at.spec.chase_after_days)
        self.at.calendar.after(delay, lambda: self.chase(case))

    def chase(self, case: Case) -> None:
        """Still waiting in a supervisor's or specialist's queue: chase it, or give up.

        A chase is a contact (effort) after which the customer waits again, as after any
        contact that did not help (``retry_probability``, up to ``max_contacts_per_case``);
        otherwise they give up and the case closes unresolved. Seed 002: "it should not take
        having to go to multiple people to have that problem fixed".
        """
        if self.case is not case or case.waiting_in is None:
            return  # taken by a supervisor or specialist, or closed
        at = self.at
        if self._tries_again():
            case.contacts += 1
            at.counters["chases"] += 1
            self.chase_later(case)
            return
        case.waiting_in.withdraw(case)
        case.waiting_in = None
        at.counters["gave_up_waiting"] += 1
        self.close_case(resolved=False)

    def await_call_back(self, day: float) -> None:
        """A supervisor has decided the case and will call back on ``day`` (model time)."""
        self.at.calendar.at(day, self.hear_back)

    def hear_back(self) -> None:
        """The supervisor's call-back: the decided route takes effect."""
        self.at.desk.dispatch(self.case, self.case.pending_route)

    def close_case(self, resolved: bool) -> None:
        """End the case: remember its worst moment, its end and its effort; raise what waits."""
        at, case, spec = self.at, self.case, self.at.spec
        self.case = None
        effort = self.case_effort(case, 0.0 if resolved else spec.channels.unresolved_effort)
        compensation = 0.0
        if resolved and case.kind != "routine":
            compensation = case.severity * at.policy.compensation_share
            remedy = (0.0 if case.needs_rework else case.severity) + case.overgrant
            at.ledger.spend("compensation", compensation + remedy, at.calendar.now)
        episode = self.case_episode(case, resolved)
        if (
            resolved
            and case.kind != "routine"
            and case.resolver is not None
            and episode >= spec.word_of_mouth.positive_above
        ):
            case.resolver.celebrate()  # a complaint turned into a success story
        before, willing_before = self.satisfaction, self.willingness()
        self.remember(episode, intense=case.kind != "routine")
        self.remember_effort(effort, relationship=case.recognised or case.owner is not None)
        self.tell(episode)
        severe = case.severity > spec.loyalty.severe_problem
        if (
            not resolved
            and severe
            and at.streams.word_of_mouth.random() < spec.word_of_mouth.public_complaint_probability
        ):
            at.reputation.go_public()
        if case.kind == "incident" and spec.reports_back:
            at.feedback.report_back()
        if case.kind != "routine":
            days = at.calendar.now - case.opened_day
            outcome = (
                "unresolved"
                if not resolved
                else "resolved_quickly"
                if days <= QUICK_RESOLUTION_DAYS
                else "resolved"
            )
            self.record_problem(case.kind, case.severity, outcome, days, case.satisfaction_before)
        record = CaseRecord(
            case_id=case.case_id,
            customer_id=self.unique_id,
            kind=case.kind,
            opened_day=case.opened_day,
            closed_day=at.calendar.now,
            severity=case.severity,
            remedy_cost=case.remedy_cost,
            channel=case.first_channel,
            contacts=case.contacts,
            abandoned=case.abandoned,
            handoffs=case.handoffs,
            people=len(case.people),
            switches=case.switches,
            reexplanations=case.reexplanations,
            escalated=case.escalated,
            transferred=case.transferred,
            reworked=case.reworked,
            resolved=resolved,
            first_contact_resolution=resolved and case.contacts == 1 and case.handoffs == 0,
            wait_minutes=case.wait_minutes,
            effort_points=effort,
            ces=loyalty.customer_effort_score(effort),
            compensation=compensation,
            experience=episode,
            satisfaction_before=before,
            satisfaction_after=self.satisfaction,
            willingness_before=willing_before,
            willingness_to_buy_again=self.willingness(),
        )
        at.recorder.cases.append(record)
        if at.surveys.after_cases:
            at.surveys.after_case(self, record)
        if self.requests_waiting and self.status == ACTIVE:
            self.requests_waiting -= 1
            self.open_case("routine", 0.0)

    def request(self) -> None:
        """Something routine to ask or change: a case now, or once the open one is closed.

        One case at a time: a request that comes up while a case is open is raised when that
        case closes (the customer's next contact), not lost.
        """
        if self.case is None:
            self.open_case("routine", 0.0)
        else:
            self.requests_waiting += 1
            self.at.counters["requests_held"] += 1

    def case_effort(self, case: Case, unresolved_effort: float = 0.0) -> float:
        """Effort points ``case`` has cost so far (``cxsim.mechanisms.loyalty.effort_points``).

        ``unresolved_effort`` is added when the case ends unresolved; a case still open has
        cost what it has so far.
        """
        return loyalty.effort_points(
            case.contacts,
            case.handoffs,
            case.wait_minutes,
            case.abandoned,
            case.reexplanations,
            case.switches,
            self.at.spec.channels.reexplain_effort,
            unresolved_effort,
        )

    def case_episode(self, case: Case, resolved: bool) -> float:
        """How the case felt: peak and end, less the people involved; paradox only if deserved.

        Its effort is remembered apart (``remember_effort``), as CEB 2010 measured it.
        """
        spec, policy = self.at.spec, self.at.policy
        penalty = loyalty.people_penalty(len(case.people), spec.loyalty.people_weight)
        lift = spec.recognition.lift if case.recognised else 0.0
        if case.kind == "routine":
            end = routine_experience(resolved, spec.loyalty.met_expectation)
            if case.resolver is not None:  # a person, not self-service: their care shows
                end += care_lift(
                    case.resolver_empathy, spec.loyalty.expected_care, spec.loyalty.care_weight
                )
            end = recognised_end(end, lift)
            return loyalty.case_episode(end, end, 0.0, penalty)
        floor = unresolved_experience(case.worst, spec.loyalty.complaint_relief)
        if resolved:
            rec, delay = spec.recovery, self.at.calendar.now - case.opened_day
            end = recovery_experience(
                delay,
                rec.speed_halflife_days,
                case.resolver_empathy,
                policy.apology,
                policy.compensation_share,
                (rec.empathy_weight, rec.apology_weight, rec.compensation_weight),
                floor,
            )
            end = recognised_end(end, lift)
            peak = loyalty.peak_weight_after(
                delay, rec.speed_halflife_days, spec.loyalty.peak_weight
            )
            return bounded_recovery(
                loyalty.case_episode(case.worst, end, peak, penalty),
                case.satisfaction_before,
                case.first_failure,
                case.severity > spec.loyalty.severe_problem,
            )
        return loyalty.case_episode(case.worst, floor, spec.loyalty.peak_weight, penalty)

    def record_problem(
        self, kind: str, severity: float, outcome: str, days: float, before: float
    ) -> None:
        """Leave a problem record with the customer's willingness to buy again."""
        self.at.recorder.problems.append(
            ProblemRecord(
                customer_id=self.unique_id,
                noticed_day=self.at.calendar.now - days,
                kind=kind,
                severity=severity,
                outcome=outcome,
                days_to_close=days,
                satisfaction_before=before,
                satisfaction_after=self.satisfaction,
                willingness_to_buy_again=self.willingness(),
            )
        )

    # --- word of mouth ----------------------------------------------------------------------
    def tell(self, experience: float) -> None:
        """Tell contacts about an episode: a delight to a few, a bad one, if told, to more."""
        wom = self.at.spec.word_of_mouth
        stories = word_of_mouth.telling_count(
            experience, wom.negative_below, wom.positive_above, wom.negative_tell, wom.positive_tell
        )
        if not stories or not self.contacts:
            return
        rng = self.rng  # the teller's own decisions (common random numbers: speak_of_supplier)
        if stories < 0 and rng.random() >= word_of_mouth.telling_probability(
            experience, wom.negative_below, wom.negative_share
        ):
            return
        listeners = rng.choice(
            len(self.contacts), size=min(abs(stories), len(self.contacts)), replace=False
        )
        for i in listeners:
            self.contacts[int(i)].hear(stories > 0)
        self.at.reputation.hear(len(listeners) if stories > 0 else -len(listeners))

    def speak_of_supplier(self, good: bool) -> None:
        """Speak of the supplier to one contact: well of it (``good``) unless a detractor.

        East, Hammond and Wright 2007: most positive word of mouth is about the speaker's main
        brand.

        Whom to tell is drawn from the customer's own stream, as every word-of-mouth decision
        of a customer: a conversation at every renewal drawn from the shared word-of-mouth
        stream shifted every later referral and story between two scenarios whose customers
        differ anywhere, and halved what common random numbers gain (retention interval 1.6
        points against 0.7 for the shared record against the baseline, 10 replications).
        """
        if not self.contacts:
            return
        listener = self.contacts[int(self.rng.integers(len(self.contacts)))]
        listener.hear(good)
        self.at.reputation.hear(1 if good else -1)

    def hear(self, good_news: bool) -> None:
        """A contact's story moves this customer's satisfaction a little (no retelling)."""
        impact = self.at.spec.word_of_mouth.telling_impact
        self.satisfaction = min(
            1.0, max(0.0, self.satisfaction + (impact if good_news else -impact))
        )

    # --- loyalty --------------------------------------------------------------------------
    def remember(self, experience: float, intense: bool = False) -> None:
        """Blend an episode into satisfaction (recent, bad and intense episodes weigh most)."""
        lp = self.at.spec.loyalty
        weight = loyalty.episode_weight(
            self.satisfaction, experience, intense, lp.memory_weight, lp.negativity_weight
        )
        self.satisfaction = loyalty.remember(self.satisfaction, experience, weight)

    def remember_effort(self, effort_points: float, relationship: bool) -> None:
        """Add a case's effort beyond tolerance to what is remembered; note who handled it."""
        now, renewal = self.at.calendar.now, self.at.renewal
        self.effort_memory = loyalty.excess_effort(
            effort_points, renewal.effort_tolerance
        ) + loyalty.remembered_effort(
            self.effort_memory, now - self.effort_day, renewal.effort_memory_halflife_days
        )
        self.effort_day, self.relationship = now, relationship

    def remembered_effort(self) -> float:
        """Effort points beyond tolerance still remembered now."""
        days, renewal = self.at.calendar.now - self.effort_day, self.at.renewal
        return loyalty.remembered_effort(
            self.effort_memory, days, renewal.effort_memory_halflife_days
        )

    def effort_and_relationship(self) -> float:
        """What the decision to stay reads beside satisfaction, now: effort, a relationship."""
        if not (self.effort_memory or self.relationship):
            return 0.0
        days = self.at.calendar.now - self.effort_day
        return self.at.renewal.effort_and_relationship_after(
            self.effort_memory, days, self.relationship
        )

    def willingness(self) -> float:
        """Stated willingness to buy again now (TARP's measure)."""
        return self.at.renewal.willingness(self.satisfaction, self.effort_and_relationship())

    def renew(self) -> None:
        """Renewal: pay for the next period, or leave; a promoter may refer someone."""
        at = self.at
        renewal = at.renewal
        hazard = renewal.hazard(self.satisfaction, self.effort_and_relationship())
        if self.rng.random() < renewal.leaving_probability(hazard):
            self.leave()
            return
        group = loyalty.nps_group(loyalty.willingness_to_buy_again(hazard))
        if self.rng.random() < renewal.advice_probability:
            self.speak_of_supplier(good=group != "detractor")
        if group == "promoter" and self.rng.random() < renewal.referral_probability:
            at.demand.referred_prospect(self)

    def leave(self) -> None:
        """Stop being a customer: no more fees, orders, contacts or incidents."""
        at = self.at
        self.status, self.left_day = CHURNED, at.calendar.now
        at.population.roster.discard(self)
        at.counters["churned"] += 1
        at.counters["initial_churned"] += self.initial
        if not self.ever_complained:
            at.counters["silent_churned"] += 1
        self.tell(self.satisfaction)  # a bitter exit is told; a neutral one is not

"""Behaviour shared by every member of staff: serve jobs from a pool (one at a time but chats)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import mesa

from cxsim.mechanisms.escalation import Grant, Route, grant_judgement
from cxsim.mechanisms.motivation import faded, shown_empathy
from cxsim.mechanisms.timetable import ALWAYS, Timetable
from cxsim.mechanisms.workforce import learn
from cxsim.records import Case
from cxsim.stations.pool import ServerPool

if TYPE_CHECKING:
    import numpy as np

    from cxsim.calendar import EventCalendar
    from cxsim.mechanisms.shocks import Shocks
    from cxsim.organisation.desk import CaseDesk
    from cxsim.organisation.ledger import Ledger
    from cxsim.organisation.reputation import Reputation
    from cxsim.scenario import HiringProfile, Training
    from cxsim.specs import (
        DeliverySpec,
        FrontlineSpec,
        MotivationSpec,
        Policy,
        SalesSpec,
        SpecialistSpec,
        StaffSpec,
        SupervisorSpec,
    )
    from cxsim.streams import Streams

__all__ = ["StaffAgent", "Workplace"]


@dataclass(slots=True)
class Workplace:
    """The parts of the organisation its staff work with (one object, shared by all).

    A decision taken during the run (``ServiceOrganisation.decide``) replaces its policy and
    specs in place, so that every member of staff works to them from then on.
    """

    calendar: EventCalendar
    streams: Streams
    policy: Policy
    staff: StaffSpec
    sales: SalesSpec
    delivery: DeliverySpec
    frontline: FrontlineSpec
    supervisors: SupervisorSpec
    specialists: SpecialistSpec
    motivation: MotivationSpec
    desk: CaseDesk
    reputation: Reputation
    shocks: Shocks
    working: Timetable  # calendar.working_hours: supervisors call back within them
    handoff_factor: Callable[[], float]  # handoff error left after unified trainings
    away: Counter[str]  # staff in training, by post
    strain: dict[str, float]  # motivation the work's pressure takes from a post's team
    ledger: Ledger
    counters: Counter[str]


class StaffAgent(mesa.Agent):
    """An employee who serves jobs from ``pool``, as many at once as its places (one but chat).

    Subclasses say how long a job takes (``duration``) and what happens when it is done
    (``complete``). The completion is an event bound to this agent.
    """

    def __init__(
        self, model: mesa.Model, work: Workplace, skill: float, empathy: float = 0.0
    ) -> None:
        super().__init__(model)  # registration only: staff work with ``work``
        self.work = work
        self.skill = skill  # the role's skill: listening, execution, problem solving, judgement
        self.empathy = empathy  # listening and care for a customer with a case (service roles)
        self.own_motivation = 0.0  # from pay and recognition (``organisation.workforce``)
        self._jolt, self._jolt_day = 0.0, 0.0  # events' jolts to motivation, fading
        self.pool: ServerPool | None = None
        self.in_hand = 0  # jobs being served now
        self.busy_days = 0.0
        self.recognised = False
        self.seat: np.random.Generator | None = None  # the post's stream (organisation.workforce)
        self.leaving = False
        self.away = False  # off the floor, in training
        self.role = ""
        self.post = ""  # the post's name (phone, chat, ...): keys onboarding and training
        self.people = 1.0  # full-time people this position stands for (a rostered seat: more)
        self.hours: Timetable = ALWAYS  # working time in which jobs advance (the post's)
        self.returning = False  # back from training while a job was still in hand
        self.hired_as: HiringProfile | None = None  # the profile they were hired under

    def start(self, job: Any) -> None:
        """Take ``job`` and schedule its completion, ``duration`` of working time later."""
        if isinstance(job, Case):
            job.waiting_in = None  # taken from the queue: no longer the customer's to chase
        self.in_hand += 1
        duration = self.duration(job)
        self.busy_days += duration / self.pool.capacity  # a chat fills one of its places
        calendar = self.work.calendar
        calendar.at(self.hours.advance(calendar.now, duration), partial(self.finish, job))

    def finish(self, job: Any) -> None:
        """Hand the finished job on and take the next one, or leave if they resigned."""
        self.in_hand -= 1
        self.learn()
        if self.leaving or self.away:
            self.complete(job)
            if self.leaving and not self.in_hand:
                self.remove()
            return
        if not self.returning:
            self.pool.release(self)
        elif not self.in_hand:  # back from training once the last job from before is done
            self.returning = False
            self.pool.add_server(self)
        self.complete(job)

    @property
    def on_the_floor(self) -> bool:
        """Working here and not away in training (a case owner customers can reach)."""
        return not (self.leaving or self.away)

    def motivation(self) -> float:
        """Motivation now: their drive (pay, recognition, events) less the team's strain.

        ``cxsim.mechanisms.motivation``; 0 is someone paid the market rate, unrecognised and
        under no pressure.
        """
        return self.drive() - self.work.strain.get(self.post, 0.0)

    def drive(self) -> float:
        """Motivation before the team's strain: their own (pay, recognition) plus events."""
        jolt = self._jolt
        if jolt:
            work = self.work
            jolt = faded(jolt, work.calendar.now - self._jolt_day, work.motivation.adjustment_days)
        return self.own_motivation + jolt

    def jolt(self, amount: float) -> None:
        """An event moves motivation by ``amount``, fading over the adjustment time."""
        work = self.work
        now = work.calendar.now
        left = faded(self._jolt, now - self._jolt_day, work.motivation.adjustment_days)
        self._jolt, self._jolt_day = left + amount, now

    def attend(self, case: Case) -> None:
        """Handle ``case`` for the customer now: the care they show is what it is remembered by."""
        case.resolver = self
        case.resolver_empathy = shown_empathy(
            self.empathy, self.motivation(), self.work.motivation.care_per_motivation
        )

    def celebrate(self) -> None:
        """A customer they helped is delighted: celebrated with the team, a lift (if at all)."""
        lift = self.work.motivation.celebration_lift
        if lift:
            self.work.counters["celebrations"] += 1
            self.jolt(lift)

    def frustrated_if_forced(self, route: Route, solved: bool) -> None:
        """A case they solved goes up for want of authority: the agent loses motivation."""
        if route is Route.ESCALATE and solved:
            self.work.counters["forced_escalations"] += 1
            self.jolt(-self.work.motivation.forced_escalation)

    def judge(self, case: Case, route: Route) -> Route:
        """Decide the remedy of a complaint they solved: right, too generous, or short.

        ``cxsim.mechanisms.escalation.grant_judgement`` with the handler's skill (one draw, the
        customer's). Too generous: the money beyond the remedy is paid at the close; short:
        the customer comes back (``Route.SHORT``). Routine requests have no remedy to judge.
        """
        if route not in (Route.RESOLVED, Route.REWORK) or case.kind == "routine":
            return route
        frontline = self.work.frontline
        draw = case.customer.rng.random()
        grant = grant_judgement(draw, self.skill, frontline.grant_misjudgement)
        if grant is Grant.SHORT:
            self.work.counters["short_grants"] += 1
            return Route.SHORT
        if grant is Grant.GENEROUS and not case.needs_rework:  # a rework order costs time
            self.work.counters["generous_grants"] += 1
            case.overgrant = case.severity * frontline.overgrant_share
        return route

    def learn(self) -> None:
        """Experience: each job moves skill toward the ceiling (a learning curve)."""
        staff = self.work.staff
        if staff.learning_per_job:
            rate = staff.learning_per_job * self.hired_as.learning_multiplier
            self.skill = learn(self.skill, rate, staff.skill_ceiling)

    def start_training(self, programme: Training) -> None:
        """Go off the floor (finishing the job in hand) for the programme's days."""
        if self.leaving or self.away or self not in self.pool.servers:
            return
        self.away = True
        self.pool.retire(self)
        work = self.work
        work.away[self.post] += 1
        work.ledger.spend("training", programme.cost_per_person * self.people, work.calendar.now)
        work.calendar.after(programme.days_off_floor, lambda: self.end_training(programme))

    def end_training(self, programme: Training) -> None:
        """Back on the floor with more skill (or empathy, as the programme teaches)."""
        self.away = False
        self.work.away[self.post] -= 1
        ceiling = self.work.staff.skill_ceiling
        if programme.target == "empathy":
            self.empathy = learn(self.empathy, programme.skill_gain, ceiling)
        else:
            self.skill = learn(self.skill, programme.skill_gain, ceiling)
        if self.in_hand:
            self.returning = True
        else:
            self.pool.add_server(self)

    def resign(self) -> None:
        """Leave the organisation: at once if idle, after the current job if busy."""
        self.leaving = True
        self.pool.retire(self)
        if not self.in_hand:
            self.remove()

    def duration(self, job: Any) -> float:
        """Time in days this job takes."""
        raise NotImplementedError

    def complete(self, job: Any) -> None:
        """What happens when the job is done."""
        raise NotImplementedError

"""The contact centre: multi-server FIFO queues of contacts with impatient customers.

Contacts arrive when customers call, chat or write about a case, and, on the phone at
``contact_centre.arrival_rate_per_hour``, as enquiries from outside the customer base. Each
staffed channel (phone: the ``contact_centre`` block; chat and email: ``channels``) is one
queue: its agents serve contacts with handling times around ``aht_minutes``
(``cxsim.mechanisms.handling``); a waiting customer gives up after an exponential patience
(mean ``patience_minutes`` times their own patience factor; never when it is null). Each channel
behaves like its channel. A chat agent serves up to ``concurrency`` chats at once, each the
slower the more others are in hand (Tezcan and Zhang 2014, *Operations Research* 62(4): the
service rate of a chat falls with the agent's number of chats); chat occupancy is the share of
places filled. Email is a backlog worked in the inbox's hours, never abandoned, its service
level the share answered within ``response_target_hours``. A caller whose expected wait is
long may take a callback (virtual hold): they keep their place in the queue without holding,
never hang up, and an agent calls them back when their turn comes (``contact_centre.callback``);
the wait is estimated as in Ibrahim and Whitt (2009, *Management Science* 55(10)): callers
ahead plus one, times the mean handling time, over the agents on duty. With case owners
(``frontline.case_ownership: owner``) a customer's further contacts about a case go to the agent
who first answered it, on a direct line: no menu, no queue, and a message the owner returns when
they are busy or off shift; these contacts are not in the queue's measures.
Outside the channel's opening hours it takes no contacts (the customer decides what to do;
``cxsim.agents.customer``); how many agents are on duty is the pool's roster. With constant
staffing around the clock this is the Erlang-A (M/M/c+M) queue of Palm (1957) and Garnett,
Mandelbaum and Reiman (2002); with infinite patience it is Erlang C, and ``cxsim.theory`` gives
the exact values the phone queue must match.

The statistics are the standard contact-centre measures, accumulated contact by contact after
the warm-up. Definitions follow the analytical references: waiting probability, service level
(answered within the target, over all contacts that were answered or abandoned), abandonment,
occupancy, the mean wait of answered contacts (ASA) and of all contacts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cxsim.mechanisms.callback import expected_wait
from cxsim.mechanisms.handling import concurrency_factor, handling_factor, handling_time
from cxsim.mechanisms.motivation import corner_cutting
from cxsim.mechanisms.workforce import erode
from cxsim.records import Case
from cxsim.stations.intervals import HourOfWeek, hour_of_week, spread_over_hours
from cxsim.stations.pool import Server, ServerPool
from cxsim.units import MINUTES_PER_DAY, SECONDS_PER_DAY

if TYPE_CHECKING:
    import numpy as np

    from cxsim.agents.customer import Customer
    from cxsim.calendar import Entry, EventCalendar
    from cxsim.scenario import WorkPressure
    from cxsim.specs import ChannelSpec, DiagnosisSpec
    from cxsim.streams import Streams

__all__ = ["Contact", "ContactCentre", "Outreach", "QueueStats", "CHANNELS"]

CHANNELS = ("phone", "chat", "email", "self_service")  # self-service needs no agents


@dataclass(slots=True)
class QueueStats:
    """Running totals of the contact queue since ``since`` (times in days)."""

    since: float = 0.0
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    waited: int = 0  # answered after a positive wait, or abandoned
    answered_within_target: int = 0
    answered_wait_days: float = 0.0
    abandoned_wait_days: float = 0.0
    busy_days: float = 0.0
    menu_entered: int = 0  # callers who went into the phone menu
    menu_abandoned: int = 0  # and hung up in it
    misrouted: int = 0  # and landed in the wrong queue
    callbacks: int = 0  # callers who left a number to be called back
    unreached: int = 0  # callbacks nobody answered
    owned: int = 0  # contacts that went to their case's owner (not through the queue)
    owner_messages: int = 0  # of which left as a message the owner returned
    by_hour: HourOfWeek = field(default_factory=HourOfWeek)  # the same in each hour of week


@dataclass(slots=True, eq=False)
class Contact:
    """One call: about a customer's ``case``, or an enquiry from outside when ``case`` is None."""

    centre: ContactCentre
    case: Case | None
    queued_at: float
    patience_event: Entry | None = None
    misrouted: bool = False  # the phone menu sent it to the wrong agent
    callback: bool = False  # waits for a callback, not on hold
    unreached: bool = False  # the callback went unanswered
    owned: bool = False  # for the case's owner, on their direct line
    handling_share: float = 1.0  # its handling time as a share of the mean (drawn on arrival)
    hour: int = 0  # the hour of the week it arrived in (its interval)
    listened: float = 0.0  # minutes the agent listened before solving (frontline.diagnosis)

    def lose_patience(self) -> None:
        """The caller hangs up (an event on the calendar)."""
        self.centre.abandon(self)


@dataclass(slots=True, eq=False)
class Outreach:
    """A proactive call: an agent tells ``customer`` of a problem caught first (outbound)."""

    centre: ContactCentre
    customer: Customer
    severity: float  # money still at stake
    days: float  # the agent's time on the call


class ContactCentre:
    """One staffed channel: its agents' pool, callers' patience, and its statistics."""

    def __init__(
        self,
        calendar: EventCalendar,
        pool: ServerPool,
        spec: ChannelSpec,
        streams: Streams,
        work_pressure: WorkPressure,
        shared_record: bool,
    ) -> None:
        self.calendar = calendar
        self.shared_record = shared_record  # a transferred caller need not tell it again
        self.pool = pool
        self.spec = spec
        self.streams = streams
        self.work_pressure = work_pressure
        self.stats = QueueStats()
        self.first_weekday = spec.opening.first_weekday
        pool.keep_duty_by_hour(self.first_weekday)
        self.standard = 1.0  # handling time the organisation now treats as normal (share)
        self.time_share = 1.0  # handling time actually given (share of the nominal AHT)

    def is_open(self) -> bool:
        """Whether the channel takes contacts now (its opening hours)."""
        return self.spec.opening.value_at(self.calendar.now) > 0.0

    def offer(self, case: Case | None, patience_factor: float = 1.0) -> None:
        """A call arrives: through the phone menu, if there is one, into the queue."""
        menu = self.spec.menu
        if menu is None:
            self.enqueue(case, patience_factor)
            return
        rng = self._rng(case)
        counted = self.calendar.now >= self.stats.since
        self.stats.menu_entered += counted
        if rng.random() < menu.zero_out_share:  # "speak to a person" at the first level
            self._through_menu(case, patience_factor, menu.level_days, False)
        elif rng.random() < menu.hangup:  # gave up half-way through, on average
            self.stats.menu_abandoned += counted
            if case is not None:
                case.wait_minutes += menu.menu_days / 2 * MINUTES_PER_DAY
                self.calendar.after(menu.menu_days / 2, case.customer.not_helped)
        else:
            misrouted = rng.random() < menu.misroute
            self.stats.misrouted += counted and misrouted
            self._through_menu(case, patience_factor, menu.menu_days, misrouted)

    def _through_menu(
        self, case: Case | None, patience_factor: float, days: float, misrouted: bool
    ) -> None:
        if case is not None:
            case.wait_minutes += days * MINUTES_PER_DAY  # time in the menu is effort
        self.calendar.after(days, lambda: self.enqueue(case, patience_factor, misrouted))

    def _rng(self, case: Case | None) -> np.random.Generator:
        return self.streams.decisions if case is None else case.customer.rng

    def transfer(self, contact: Contact) -> None:
        """The wrong agent passes a misrouted caller on: a handoff and another wait."""
        case = contact.case
        if case is not None:
            case.handoffs += 1
            if not self.shared_record:
                case.reexplanations += 1
        self.enqueue(case, case.customer.traits.patience_factor if case is not None else 1.0)

    def _arrival(
        self, case: Case | None, patience_factor: float, misrouted: bool = False
    ) -> tuple[Contact, float | None]:
        """A new contact and its caller's patience (days; None: never gives up)."""
        calendar, spec = self.calendar, self.spec
        # Both draws are made for every contact, in the order contacts arrive, from the caller's
        # own stream (an outside enquiry's: the enquiries'), so that a caller's n-th contact
        # takes as long and has the same patience in every scenario with the same seed
        # (synchronised common random numbers), however the queue they meet differs.
        rng = self._rng(case)
        share = handling_time(rng, 1.0, spec.distribution, spec.cv)
        patience = (
            None
            if spec.patience_minutes is None
            else rng.exponential(spec.patience_minutes * patience_factor / MINUTES_PER_DAY)
        )
        hour = hour_of_week(calendar.now, self.first_weekday)
        contact = Contact(
            self, case, calendar.now, misrouted=misrouted, handling_share=share, hour=hour
        )
        return contact, patience

    def enqueue(self, case: Case | None, patience_factor: float, misrouted: bool = False) -> None:
        """The contact joins the queue: answered at once or waiting with the caller's patience."""
        calendar, spec = self.calendar, self.spec
        contact, patience = self._arrival(case, patience_factor, misrouted)
        if calendar.now >= self.stats.since:
            self.stats.offered += 1
            self.stats.by_hour.offered[contact.hour] += 1
        callback = spec.callback is not None and self._offers_callback(self._rng(case))
        if self.pool.submit(contact) or patience is None:
            return
        if callback:
            contact.callback = True
            self.stats.callbacks += calendar.now >= self.stats.since
            return
        contact.patience_event = calendar.after(patience, contact.lose_patience)

    def ring_owner(self, case: Case, owner: Server) -> None:
        """The customer contacts their case's owner directly: no menu and no queue.

        Answered at once if the owner has a free place on duty; otherwise the customer leaves
        a message, which the owner returns before taking anyone from the queue, however many
        colleagues are free (seed 002: "a name to go with their solution"; the cost is the wait
        for that one person). The handling time and patience are drawn as for any contact, so
        that the customer's stream keeps step with a scenario without owners.
        """
        contact, _ = self._arrival(case, case.customer.traits.patience_factor)
        contact.owned = True
        counted = self.calendar.now >= self.stats.since
        self.stats.owned += counted
        if not self.pool.submit_to(owner, contact):
            contact.callback = True  # a message, not a caller on hold
            self.stats.owner_messages += counted

    def _offers_callback(self, rng: np.random.Generator) -> bool:
        """Whether a caller arriving now is offered a callback and takes it (drawn if offered)."""
        spec, pool = self.spec, self.pool
        if pool.idle:
            return False  # answered at once
        agent_days = spec.aht_minutes * self.time_share / MINUTES_PER_DAY + spec.after_call_days
        on_duty = pool.on_duty * pool.capacity
        expected = expected_wait(pool.queue_length, agent_days, on_duty)
        return expected > spec.callback.offer_above_days and rng.random() < spec.callback.acceptance

    def answer(self, contact: Contact, skill: float, others: int = 0) -> float:
        """An agent of ``skill`` picks up ``contact``: book its wait; return the agent's time.

        The agent's time is the handling time (its mean set by the kind of contact, whether
        it is a repeat, the agent's skill and the ``others`` chats in hand) plus the wrap-up
        after the call, the listening before solving a case beyond the habit
        (``frontline.diagnosis``), and the dialling of a callback.
        """
        stats, now = self.stats, self.calendar.now
        wait = now - contact.queued_at
        if contact.patience_event is not None:
            self.calendar.cancel(contact.patience_event)
        spec, case = self.spec, contact.case
        if case is not None and spec.patience_minutes is not None and not contact.callback:
            case.wait_minutes += wait * MINUTES_PER_DAY  # on hold; a letter's wait is not effort
        if contact.queued_at >= stats.since and not contact.owned:  # the queue's measures
            within = wait * SECONDS_PER_DAY <= spec.service_level_seconds
            stats.answered += 1
            stats.answered_wait_days += wait
            stats.waited += wait > 0.0
            stats.answered_within_target += within
            hours, hour = stats.by_hour, contact.hour
            hours.answered[hour] += 1
            hours.answered_wait_days[hour] += wait
            hours.answered_within_target[hour] += within
        handling = self._handling(contact, skill, others)
        if spec.diagnosis is not None and case is not None and not contact.misrouted:
            handling = self._listen(contact, handling, spec.diagnosis)
        if contact.callback:
            handling = self._call_back(contact, handling)
        self._book_busy(now, handling)
        return handling

    def reach_out(self, customer: Customer, severity: float, days: float) -> None:
        """Queue a proactive call to ``customer``: the next free agent makes it.

        Outbound calls wait with the callers, first come first served, and are made while the
        line is staffed (a problem caught at night is raised in the morning).
        """
        self.pool.submit(Outreach(self, customer, severity, days))

    def call_out(self, outreach: Outreach) -> float:
        """An agent makes a proactive call: its time (days), busy time of the channel."""
        self._book_busy(self.calendar.now, outreach.days)
        return outreach.days

    def _book_busy(self, now: float, handling: float) -> None:
        share = 1.0 / self.pool.capacity  # a chat fills one of its agent's places
        self.stats.busy_days += handling * share
        spread_over_hours(
            self.stats.by_hour.busy_days, now, now + handling, self.first_weekday, share
        )

    def _call_back(self, contact: Contact, handling: float) -> float:
        """The agent calls a waiting caller back: dialling, then the call if they answer.

        The caller kept a place in the queue (virtual hold) or left a message for their owner.
        """
        spec = self.spec
        dialling = spec.owner_callback if contact.owned else spec.callback.dialling
        if self._rng(contact.case).random() < dialling.unreached:
            contact.unreached = True
            self.stats.unreached += contact.queued_at >= self.stats.since and not contact.owned
            return dialling.dial_days
        return dialling.dial_days + handling

    @property
    def has_owners(self) -> bool:
        """Whether the first agent who answers a case owns it (``frontline.case_ownership``)."""
        return self.spec.owner_callback is not None

    def _handling(self, contact: Contact, skill: float, others: int) -> float:
        """The agent's time on ``contact`` (days): handling and wrap-up, or a transfer."""
        spec, case = self.spec, contact.case
        if contact.misrouted:  # the wrong agent hears the caller out and transfers them
            return spec.menu.transfer_days
        factor = handling_factor(
            spec.by_kind["enquiry" if case is None else case.kind],
            spec.repeat_factor if case is not None and case.contacts > 1 else 1.0,
            spec.skill_speed,
            skill - spec.skill_mean,
        ) * concurrency_factor(others, spec.concurrency_slowdown)
        mean = spec.aht_minutes * self.time_share * factor / MINUTES_PER_DAY
        return contact.handling_share * mean + spec.after_call_days

    def _listen(self, contact: Contact, handling: float, diagnosis: DiagnosisSpec) -> float:
        """The agent listens before solving: the policy's minutes, cut under pressure.

        The minutes listened are kept on the contact for the agent's solve
        (``cxsim.mechanisms.diagnosis``). The habitual listening is inside the handling time
        already (cut with it), so the agent's time changes by the policy's minutes beyond the
        habit, or short of it; never below the wrap-up.
        """
        share = self.time_share
        contact.listened = diagnosis.minutes * share
        extra = (diagnosis.minutes - diagnosis.habitual_minutes) * share / MINUTES_PER_DAY
        return max(self.spec.after_call_days, handling + extra)

    def abandon(self, contact: Contact) -> None:
        """The caller hung up while waiting; a customer may try again later."""
        stats = self.stats
        wait = self.calendar.now - contact.queued_at
        self.pool.withdraw(contact)
        if contact.queued_at >= stats.since:
            stats.abandoned += 1
            stats.waited += 1
            stats.abandoned_wait_days += wait
            hours, hour = stats.by_hour, contact.hour
            hours.abandoned[hour] += 1
            hours.abandoned_wait_days[hour] += wait
        if contact.case is not None:
            contact.case.abandoned += 1
            contact.case.wait_minutes += wait * MINUTES_PER_DAY
            contact.case.customer.not_helped()

    def adjust_to_pressure(self) -> None:
        """A day's work under pressure: cut corners, and let the standard drift (daily).

        How far the agents cut follows their drive (``cxsim.mechanisms.motivation``).
        """
        wp, agents = self.work_pressure, self.pool.servers
        drive = 0.0
        if wp.corner_cutting and agents:  # nobody cuts corners: no need to ask
            drive = sum(agent.drive() for agent in agents) / len(agents)
        self.time_share, self.standard = erode(
            self.standard,
            self.pool.pressure,
            corner_cutting(wp.corner_cutting, drive),
            wp.pressure_scale,
            wp.standard_erosion_days,
            wp.standard_recovery_days,
        )

    def end_warmup(self) -> None:
        """Forget everything before now: statistics count from here on."""
        self.stats = QueueStats(since=self.calendar.now)
        self.pool.restart_average()

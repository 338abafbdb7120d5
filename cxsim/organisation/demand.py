"""Demand: the streams of work that reach the organisation, and the loop that thins one.

Work that every active customer generates at the same per-customer rate (repeat orders,
routine requests, incidents) is simulated as one superposed Poisson process each, with rate
``rate x active customers``, re-evaluated at every arrival; the customer is drawn at random.
New prospects and enquiries from outside the customer base arrive at their own rates. Shocks
scale the processes they touch (``cxsim.mechanisms.shocks``). Contacts (routine requests,
incidents, outside enquiries) follow the hour-of-week profile ``contact_centre.arrival_profile``
exactly, by the time change of ``cxsim.mechanisms.timetable``.

With proactive service a share of incidents is caught early, at a cost per outreach, with less
damage, and a phone agent calls the customer before they notice (seed 000: "proactive service
... creates positive surprise"; ``cxsim.mechanisms.proactive``). With the feedback loop, closed
incident complaints are reported to delivery, and each report removes a little of the
incidents' root cause after a lag (seed 000: act on the insights; Oliva and Sterman 2001 on
learning from failures).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from cxsim.agents.customer import Customer
from cxsim.calendar import EventCalendar
from cxsim.mechanisms.shocks import Shocks
from cxsim.mechanisms.timetable import ALWAYS, Timetable
from cxsim.organisation.ledger import Ledger
from cxsim.organisation.population import ARRIVING, REFERRED, Population
from cxsim.organisation.reputation import Reputation
from cxsim.scenario import FeedbackLoop as FeedbackLoopParams
from cxsim.scenario import Scenario
from cxsim.stations.contact_centre import ContactCentre
from cxsim.streams import Streams
from cxsim.units import DAYS_PER_YEAR, HOURS_PER_DAY, minutes

__all__ = ["Demand", "FeedbackLoop", "poisson_process"]


def poisson_process(
    calendar: EventCalendar,
    rate_per_day: float,
    action: Callable[[], None],
    rng: np.random.Generator,
    per: list | None = None,
    shocks: Shocks | None = None,
    kind: str | None = None,
    scale: Callable[[], float] | None = None,
    profile: Timetable = ALWAYS,
) -> None:
    """Run ``action`` as a Poisson process with a rate re-evaluated at each arrival.

    The rate is multiplied by ``len(per)`` (the active customers, when given), by the shocks of
    ``kind``, by ``scale()`` and by the weekly ``profile`` (mean 1: the hour of the week), whose
    time change makes the process exactly non-homogeneous (``cxsim.mechanisms.timetable``). The
    next arrival is drawn after ``action`` has run, as Mesa's ``schedule_recurring`` with a
    callable interval does.
    """
    if rate_per_day <= 0:
        return
    shocked = kind is not None and shocks is not None and shocks.has(kind)

    def next_time() -> float:  # on every arrival, so kept lean
        now = calendar.now
        total = rate_per_day * len(per) if per is not None else rate_per_day
        if shocked:
            total *= shocks.factor(kind, now)
        if scale:
            total *= scale()
        return profile.advance(now, rng.exponential(1.0 / total)) if total > 0 else now + 1.0

    calendar.every(action, next_time, next_time())


class FeedbackLoop:
    """Complaints and survey findings reported to delivery make incidents rarer, after a lag."""

    def __init__(
        self,
        params: FeedbackLoopParams,
        calendar: EventCalendar,
        rng: np.random.Generator,
        ledger: Ledger,
        counters: Counter[str],
    ) -> None:
        self.params, self.calendar, self.rng = params, calendar, rng
        self.ledger, self.counters = ledger, counters
        self.incident_factor = 1.0  # incident rate left after the fixes so far

    def report_back(self) -> None:
        """A complaint reaches delivery; the process is fixed after the lag."""
        loop = self.params
        if self.rng.random() >= loop.report_share:
            return
        self.report("feedback_reports")

    def report(self, counter: str, fix: bool = True) -> None:
        """A problem is analysed (counted in ``counter``); if ``fix``, fixed after the lag.

        A survey finding that is not about an incident costs its analysis and fixes nothing
        here: the loop's fixes make incidents rarer.
        """
        loop = self.params
        self.ledger.spend("feedback_loop", loop.cost_per_report, self.calendar.now)
        self.counters[counter] += 1
        if fix:
            self.calendar.after(loop.lag_days, self.apply_fix)

    def apply_fix(self) -> None:
        """A reported problem's root cause is removed: incidents become a little rarer."""
        loop = self.params
        self.incident_factor = max(loop.floor, self.incident_factor * (1 - loop.fix_per_report))

    def factor(self) -> float:
        """Incident rate left (a process scale)."""
        return self.incident_factor


class Demand:
    """Prospects, repeat orders, routine requests, incidents and outside enquiries."""

    def __init__(
        self,
        params: Scenario,
        calendar: EventCalendar,
        streams: Streams,
        population: Population,
        reputation: Reputation,
        feedback: FeedbackLoop,
        phone: ContactCentre,
        profile: Timetable,
        shocks: Shocks,
        ledger: Ledger,
        counters: Counter[str],
    ) -> None:
        self.params = params
        self.calendar, self.streams, self.population = calendar, streams, population
        self.reputation, self.feedback, self.phone = reputation, feedback, phone
        self.profile = profile  # when customers want to be in touch (hour of the week)
        self.shocks, self.ledger, self.counters = shocks, ledger, counters
        self.cost_per_prospect = params.sales.cost_per_prospect
        self.problems, self.proactive = params.problems, params.proactive
        self._severity_log_median = np.log(params.problems.severity_median)
        self._outreach_days = minutes(params.proactive.outreach_minutes)

    def start(self) -> None:
        """Start every process at the scenario's rates."""
        c, s, active = self.params.customers, self.streams, self.population.roster.members
        calendar, shocks, profile = self.calendar, self.shocks, self.profile
        poisson_process(
            calendar, c.arrival_rate_per_day, self.prospect_arrives, s.arrivals,
            shocks=shocks, kind="demand_pulse",
        )  # fmt: skip
        poisson_process(
            calendar, c.orders_per_year / DAYS_PER_YEAR, self.repeat_order, s.demand, per=active
        )
        poisson_process(
            calendar, c.routine_contacts_per_year / DAYS_PER_YEAR, self.routine_request, s.demand,
            per=active, shocks=shocks, kind="demand_pulse", profile=profile,
        )  # fmt: skip
        poisson_process(
            calendar, c.incidents_per_year / DAYS_PER_YEAR, self.incident, s.demand, per=active,
            shocks=shocks, kind="logistics_disruption", scale=self.feedback.factor, profile=profile,
        )  # fmt: skip
        poisson_process(
            calendar,
            self.params.contact_centre.arrival_rate_per_hour * HOURS_PER_DAY,
            self.enquiry,
            s.enquiries,
            shocks=shocks,
            kind="demand_pulse",
            profile=profile,
        )

    def prospect_arrives(self) -> None:
        """A new prospect would contact sales, unless a public complaint kept them away.

        Traits come from the arrivals stream and the deterrence draw from word of mouth, so
        that scenarios with the same seed meet the same prospects (common random numbers).
        """
        prospect = self.population.prospect(self.streams.arrivals, ARRIVING)
        if self.streams.word_of_mouth.random() < self.reputation.deterrence:
            self.counters["acquisitions_lost_to_reputation"] += 1
            prospect.remove()
            return
        self.ledger.spend("acquisition", self.cost_per_prospect, self.calendar.now)
        self.counters["prospects"] += 1
        prospect.place_order()

    def referred_prospect(self, referrer: Customer) -> None:
        """A promoter brings a prospect to sales."""
        prospect = self.population.prospect(self.streams.word_of_mouth, REFERRED)
        prospect.referrer = referrer
        self.counters["referrals"] += 1
        prospect.place_order()

    def repeat_order(self) -> None:
        """An active customer orders again."""
        roster = self.population.roster
        if roster.members:
            roster.pick(self.streams.demand).place_order()

    def routine_request(self) -> None:
        """An active customer needs help with something routine."""
        roster = self.population.roster
        if roster.members:
            roster.pick(self.streams.demand).request()

    def incident(self) -> None:
        """Something goes wrong for an active customer (lognormal money at stake).

        With proactive service, a share is caught early: less damage, and a phone agent calls
        the customer before they notice (an organisation without phone agents catches none).
        One the customer would notice themselves does not happen if an agent's questions
        foresaw it (``frontline.diagnosis``: ``Customer.meet_incident``).
        """
        roster = self.population.roster
        if not roster.members:
            return
        proactive, problems = self.proactive, self.streams.problems
        severity = float(
            problems.lognormal(self._severity_log_median, self.problems.severity_sigma)
        )
        customer = roster.pick(self.streams.demand)
        if problems.random() < proactive.detection_share and self.phone.pool.size:
            self.ledger.spend("proactive_service", proactive.cost_per_outreach, self.calendar.now)
            self.phone.reach_out(customer, severity * proactive.damage_share, self._outreach_days)
        else:
            customer.meet_incident(severity)

    def enquiry(self) -> None:
        """Someone outside the customer base calls with a question (lost while closed)."""
        if self.phone.is_open():
            self.phone.offer(None)
        else:
            self.counters["enquiries_while_closed"] += 1

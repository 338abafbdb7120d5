"""The service organisation as a Mesa model, driven by discrete events in continuous time.

Time is in days. Everything that happens to a customer is an event scheduled with Mesa's
``Model.schedule_event`` (a bound method of an agent): a prospect arrives, a salesperson
finishes eliciting a need, a team delivers, a customer calls, hangs up, or hears back from a
supervisor. Mesa's unit step fires once a day and does the calendar work: daily fees and
salaries, monthly renewals (one cohort of customers per day) and the weekly time-series row.
The events wait in the model's own lean calendar (see "the event calendar" below), which keeps
Mesa's ordering and API.

Streams of work that every active customer generates at the same per-customer rate (repeat
orders, routine requests, incidents) are simulated as one superposed Poisson process each, with
rate ``rate x active customers``, re-evaluated at every arrival; the customer is drawn at random.
"""

from __future__ import annotations

import gc
import itertools
import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from heapq import heappop, heappush
from operator import attrgetter

import mesa
import numpy as np
from mesa.time import Priority

from cxsim.agents import Customer, DeliveryTeam, Salesperson, ServiceAgent, Supervisor
from cxsim.agents.customer import ACTIVE, Traits
from cxsim.agents.staff import StaffAgent
from cxsim.agents.supervisor import Coaching
from cxsim.mechanisms.contact_centre import CHANNELS, ChannelSpec, ContactCentre
from cxsim.mechanisms.economics import Ledger
from cxsim.mechanisms.escalation import Route
from cxsim.mechanisms.loyalty import Renewal
from cxsim.mechanisms.word_of_mouth import decay, referral_probability, small_world
from cxsim.mechanisms.workforce import Vacancy, decay_skill, leaving_probability
from cxsim.queueing import ServerPool
from cxsim.records import Case, CaseRecord, OrderRecord, ProblemRecord
from cxsim.scenario import Scenario
from cxsim.streams import Streams, named_stream

__all__ = ["ServiceOrganisation", "Policy", "Recorder", "TIMESERIES_COLUMNS", "Entry"]

EMPATHY_SD = 0.1  # spread of empathy between staff members (share)
DAY_ZERO, ARRIVING, REFERRED = range(3)  # where a customer came from (keys their stream)
SEATS = ("sales", "delivery", "phone", "chat", "email", "supervisors")  # posts' pools
type Hire = Callable[[np.random.Generator, np.random.Generator], StaffAgent]
type Entry = list  # a calendar entry: [time, priority, sequence, action (None once cancelled)]

TIMESERIES_COLUMNS = (
    "day",
    "active_customers",
    "retained_share",
    "new_customers",
    "churned_customers",
    "revenue",
    "costs",
    "profit",
    "cumulative_profit",
    "contacts_offered",
    "contacts_abandoned",
    "asa_minutes",
    "queue_length",
    "supervisor_queue",
    "delivery_backlog",
    "mean_satisfaction",
    "reputation",
    "referrals",
    "negative_word_of_mouth",
    "public_complaints",
    "acquisitions_lost_to_reputation",
    "repeat_contacts",
    "channel_switches",
    "frontline_headcount",
    "vacancies",
    "handling_standard",
    "work_pressure",
)
WEEKLY_COUNTS = (
    "new_customers",
    "churned",
    "referrals",
    "negative_word_of_mouth",
    "public_complaints",
    "acquisitions_lost_to_reputation",
    "repeat_contacts",
    "channel_switches",
)  # counters reported per period


@dataclass(frozen=True, slots=True)
class Policy:
    """The organisation's policies: what its people may and must do."""

    empowerment_limit: float
    verification: bool
    shared_record: bool
    apology: bool
    compensation_share: float
    overpromise: float
    anchoring: float

    @classmethod
    def from_scenario(cls, s: Scenario) -> Policy:
        """Collect the policy levers; volume rewards push overpromising and the catalogue."""
        volume = s.sales.volume_reward_weight
        return cls(
            empowerment_limit=s.frontline.empowerment_limit,
            verification=s.sales.verification,
            shared_record=s.shared_record.enabled,
            apology=s.recovery.apology,
            compensation_share=s.recovery.compensation_share,
            overpromise=min(1.0, s.sales.overpromise + volume * s.sales.volume_overpromise),
            anchoring=min(1.0, s.sales.anchoring + volume * s.sales.volume_anchoring),
        )


@dataclass(slots=True)
class Recorder:
    """Rows left behind by finished orders, cases and noticed problems."""

    orders: list[OrderRecord] = field(default_factory=list)
    cases: list[CaseRecord] = field(default_factory=list)
    problems: list[ProblemRecord] = field(default_factory=list)


class CustomerRoster:
    """Active customers: O(1) add, remove and random pick, grouped in renewal cohorts."""

    def __init__(self, renewal_period_days: int) -> None:
        self.period = renewal_period_days
        self.members: list[Customer] = []
        self.monthly_value = 0.0  # fees of all active customers, per month
        self._index: dict[Customer, int] = {}
        # dicts, not sets: iteration in insertion order keeps runs reproducible
        self.cohorts: list[dict[Customer, None]] = [{} for _ in range(renewal_period_days)]

    def __len__(self) -> int:
        return len(self.members)

    def add(self, customer: Customer) -> None:
        """Activate ``customer``; their renewals fall on their join day modulo the period."""
        self._index[customer] = len(self.members)
        self.members.append(customer)
        self.monthly_value += customer.traits.value_per_month
        self.cohorts[int(customer.joined_day) % self.period][customer] = None

    def discard(self, customer: Customer) -> None:
        """Deactivate ``customer`` (swap-remove)."""
        i = self._index.pop(customer)
        self.monthly_value -= customer.traits.value_per_month
        last = self.members.pop()
        if last is not customer:
            self.members[i] = last
            self._index[last] = i
        del self.cohorts[int(customer.joined_day) % self.period][customer]

    def pick(self, rng: np.random.Generator) -> Customer:
        """A uniformly random active customer."""
        return self.members[int(rng.integers(len(self.members)))]

    def due(self, day: int) -> list[Customer]:
        """Customers whose renewal falls on ``day``."""
        return list(self.cohorts[day % self.period])


class ServiceOrganisation(mesa.Model):
    """Customers, salespeople, delivery teams, frontline agents and supervisors in one model."""

    # The clock is a plain attribute, not Mesa's observable one: every event reads it several
    # times (0.2 us a read through the observable) and nothing in cxsim subscribes to it.
    time: float = 0.0

    def __init__(self, params: Scenario) -> None:
        self.streams = Streams.from_seed(params.seed)
        self._origins = [0, 0, 0]  # customers created so far, per origin
        super().__init__(rng=self.streams.mesa)
        self._start_calendar()
        self.params = params
        self.policy = Policy.from_scenario(params)
        self.renewal = _renewal(params)
        self.ledger = Ledger(params.economics.cogs_share, params.economics.discount_rate_per_year)
        self.recorder = Recorder()
        self.counters: Counter[str] = Counter()
        self.roster = CustomerRoster(params.customers.renewal_period_days)
        self._segment_cdf = _cdf([s.share for s in params.customers.segments])
        self._channel_cdf = {
            s.name: _cdf([getattr(s.channel_mix, c) for c in CHANNELS])
            for s in params.customers.segments
        }
        self._order_ids, self._case_ids = itertools.count(1), itertools.count(1)
        self.hiring = getattr(params.workforce.profiles, params.workforce.hiring_policy)
        self.learning_per_job = params.workforce.learning_per_job * self.hiring.learning_multiplier
        self.reputation = 1.0  # multiplies a prospect's chance of buying; 1 is neutral
        self.incident_factor = 1.0  # incident rate left after fixes from the feedback loop
        self.deterrence = 0.0  # share of prospects kept away by recent public complaints
        with _collector_paused():  # a large population is all live objects: nothing to collect
            self._hire_staff()
            self._populate()
            self._connect(list(self.roster.members))
        self._start_processes()
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _reporter(name) for name in TIMESERIES_COLUMNS}
        )
        self._row: dict[str, float] = {}
        self._totals: dict[str, float] = {}
        self._cumulative_profit = 0.0
        self.collect()

    # --- construction ---------------------------------------------------------------------
    def _clock(self) -> float:
        return self.time

    def _seat(self, pool: str, number: int) -> np.random.Generator:
        """Random stream of one post: later hires' traits, recognition, leaving, hiring delay.

        Keyed by the post (pool and number), not by the order of events, so post *k* draws the
        same numbers in every scenario with the same seed (synchronised common random
        numbers), however turnover elsewhere differs.
        """
        return named_stream(self.params.seed, "workforce", SEATS.index(pool), number)

    def _staff(self, pool: str, count: int, hire: Hire) -> list[StaffAgent]:
        """The first holders of ``count`` posts; their traits come from the staffing stream."""
        return [hire(self.streams.staffing, self._seat(pool, number)) for number in range(count)]

    def _hire_staff(self) -> None:
        p = self.params
        cc, ch = p.contact_centre, p.channels
        staffed = {
            "phone": (cc.agents, cc.aht_minutes, cc.patience_minutes),
            "chat": (ch.chat.agents, ch.chat.aht_minutes, ch.chat.patience_minutes),
            "email": (ch.email.agents, ch.email.aht_minutes, ch.email.patience_minutes),
        }
        self.sales = self._pool(self._staff("sales", p.sales.salespeople, self._hire_salesperson))
        self.delivery = self._pool(self._staff("delivery", p.delivery.teams, self._hire_team))
        self.channels = {
            name: ContactCentre(
                self,
                self._pool(self._staff(name, agents, self._hire_agent)),
                ChannelSpec(name, aht, patience, cc.service_level_seconds),
            )
            for name, (agents, aht, patience) in staffed.items()
        }
        self.contact_centre = self.channels["phone"]  # the validated Erlang queue
        self.supervisors = self._pool(
            self._staff("supervisors", p.supervisors.count, self._hire_supervisor)
        )
        # role, pool, how to hire one more (given the post's stream), yearly salary
        self.staff_pools: list[tuple[str, ServerPool, Hire, float]] = [
            ("sales", self.sales, self._hire_salesperson, p.sales.salary_per_year),
            ("delivery", self.delivery, self._hire_team, p.delivery.salary_per_year),
            *(
                ("frontline", channel.pool, self._hire_agent, p.frontline.salary_per_year)
                for channel in self.channels.values()
            ),
            ("supervisors", self.supervisors, self._hire_supervisor, p.supervisors.salary_per_year),
        ]
        self.onboarding: Counter[str] = Counter()
        self.away: Counter[str] = Counter()  # in training
        self.vacancies: set[Vacancy] = set()
        for role, pool, _, _ in self.staff_pools:
            for member in pool.servers:
                member.role = role

    @staticmethod
    def _skills(rng: np.random.Generator, mean: float, sd: float) -> float:
        return _unit(float(rng.normal(mean, sd)))

    # Hires follow the hiring policy's profile: offsets on skill and empathy. Traits come from
    # ``traits`` (the staffing stream for day-0 staff, the post's stream for later hires);
    # recognition, leaving and hiring delays from the post's stream ``seat``.
    def _hire_salesperson(
        self, traits: np.random.Generator, seat: np.random.Generator
    ) -> Salesperson:
        sales = self.params.sales
        return self._seated(
            seat,
            Salesperson(
                self,
                self._skills(
                    traits,
                    sales.listening_skill_mean + self.hiring.skill_offset,
                    sales.listening_skill_sd,
                ),
            ),
        )

    def _hire_team(self, _traits: np.random.Generator, seat: np.random.Generator) -> DeliveryTeam:
        skill = self.params.delivery.execution_skill + self.hiring.skill_offset
        return self._seated(seat, DeliveryTeam(self, _unit(skill)))

    def _hire_agent(self, traits: np.random.Generator, seat: np.random.Generator) -> ServiceAgent:
        f = self.params.frontline
        return self._seated(
            seat,
            ServiceAgent(
                self,
                self._skills(traits, f.skill_mean + self.hiring.skill_offset, f.skill_sd),
                self._empathy(traits),
            ),
        )

    def _hire_supervisor(
        self, traits: np.random.Generator, seat: np.random.Generator
    ) -> Supervisor:
        # Supervisors came up from the frontline: their empathy is drawn the same way.
        competency = self.params.supervisors.competency + self.hiring.skill_offset
        return self._seated(seat, Supervisor(self, _unit(competency), self._empathy(traits)))

    def _empathy(self, traits: np.random.Generator) -> float:
        return self._skills(
            traits, self.params.frontline.empathy_mean + self.hiring.empathy_offset, EMPATHY_SD
        )

    def _seated[Member: StaffAgent](self, seat: np.random.Generator, member: Member) -> Member:
        member.seat = seat
        member.recognised = bool(seat.random() < self.params.workforce.recognition)
        return member

    def _pool(self, staff: list) -> ServerPool:
        pool = ServerPool(staff, clock=self._clock)
        for member in staff:
            member.pool = pool
        return pool

    def _new_customer(
        self,
        rng: np.random.Generator,
        satisfaction: float,
        status: str,
        origin: int,
        joined_day: float | None = None,
    ) -> Customer:
        """A customer of a segment drawn by share, with traits of their own around its means.

        ``origin`` (day-0, arriving or referred) and the count of customers from there so far
        key the customer's own decision stream.
        """
        c = self.params.customers
        number = self._origins[origin]
        self._origins[origin] += 1
        segment = c.segments[bisect_right(self._segment_cdf, rng.random())]
        traits = rng.lognormal(0.0, c.trait_spread, 3)
        need = rng.random(c.need_dimensions)
        clarity = _unit(float(rng.normal(segment.clarity_mean, c.clarity_sd)))
        return Customer(
            self,
            need,
            clarity,
            satisfaction,
            status,
            joined_day,
            Traits(
                segment=segment.name,
                value_per_month=segment.value_per_month,
                patience_factor=segment.patience_factor * float(traits[0]),
                tolerance=min(1.0, segment.tolerance * float(traits[1])),
                complaint_propensity=segment.complaint_propensity * float(traits[2]),
                channel=CHANNELS[bisect_right(self._channel_cdf[segment.name], rng.random())],
            ),
            (origin, number),
        )

    def _populate(self) -> None:
        c, rng = self.params.customers, self.streams.population
        mean = c.initial_satisfaction
        for _ in range(c.initial):
            # Beta with mean ``mean`` and concentration 20: most customers near it, some unhappy.
            satisfaction = float(rng.beta(20 * mean, 20 * (1 - mean))) if 0 < mean < 1 else mean
            # Day-0 customers renew on spread-out days of the renewal period.
            self._new_customer(
                rng,
                satisfaction,
                ACTIVE,
                DAY_ZERO,
                joined_day=float(rng.integers(c.renewal_period_days)),
            )

    def _connect(self, customers: list[Customer]) -> None:
        """Link the day-0 customers in a small-world network (who talks to whom)."""
        wom = self.params.word_of_mouth
        seed = int(self.streams.word_of_mouth.integers(2**31))
        for customer, neighbours in zip(
            customers,
            small_world(len(customers), wom.network_degree, wom.rewiring, seed),
            strict=True,
        ):
            customer.contacts = [customers[i] for i in neighbours]

    def link_newcomer(self, customer: Customer) -> None:
        """A new customer joins the network: next to their referrer and a few others."""
        rng, wanted = self.streams.word_of_mouth, self.params.word_of_mouth.network_degree // 2
        peers = [] if customer.referrer is None else [customer.referrer]
        if len(self.roster) > 1 and wanted:
            picks = rng.choice(len(self.roster), size=min(wanted, len(self.roster)), replace=False)
            peers += [self.roster.members[int(i)] for i in picks]
        for peer in dict.fromkeys(peers):
            if peer is not customer:
                customer.contacts.append(peer)
                peer.contacts.append(customer)

    def _start_processes(self) -> None:
        c = self.params.customers
        self._every(
            c.arrival_rate_per_day,
            self.prospect_arrives,
            per_customer=False,
            rng=self.streams.arrivals,
            shock="demand_pulse",
        )
        self._every(c.orders_per_year / 365.0, self.repeat_order)
        self._every(c.routine_contacts_per_year / 365.0, self.routine_request, shock="demand_pulse")
        self._every(
            c.incidents_per_year / 365.0,
            self.incident,
            shock="logistics_disruption",
            scale=self._incident_factor,
        )
        self._every(
            self.params.contact_centre.arrival_rate_per_hour * 24.0,
            self.enquiry,
            per_customer=False,
            rng=self.streams.enquiries,
        )
        self._every(
            self.params.supervisors.coaching_sessions_per_day * self.params.supervisors.count,
            self.coach,
            per_customer=False,
            rng=self.streams.workforce,
        )
        if self.params.warmup.days > 0:
            self.schedule_event(self.end_warmup, at=self.params.warmup.days)
        self._schedule_training()

    def _every(
        self,
        rate_per_day: float,
        action: Callable[[], None],
        per_customer: bool = True,
        rng: np.random.Generator | None = None,
        shock: str | None = None,
        scale: Callable[[], float] | None = None,
    ) -> None:
        """Run ``action`` as a Poisson process with a rate re-evaluated at each arrival.

        The rate is scaled by the active customers if ``per_customer``, by the shocks of kind
        ``shock``, and by ``scale()``. The next gap is drawn after ``action`` has run, as
        Mesa's ``schedule_recurring`` with a callable interval does.
        """
        if rate_per_day <= 0:
            return
        rng = rng or self.streams.demand
        active = self.roster.members
        shocked = shock is not None and any(s.kind == shock for s in self.params.shocks)

        def gap() -> float:  # on every arrival, so kept lean
            total = rate_per_day * len(active) if per_customer else rate_per_day
            if shocked:
                total *= self.shock_factor(shock)
            if scale:
                total *= scale()
            return rng.exponential(1.0 / total) if total > 0 else 1.0

        self._recurring(action, gap, self.time + gap(), Priority.DEFAULT)

    # --- the event calendar ---------------------------------------------------------------
    # Mesa's event list wraps each callback in a weak reference and orders ``Event`` objects
    # with a Python ``__lt__``: about 8 us of overhead per event here (docs/performance.md).
    # The model keeps its events in a heap of plain lists instead, compared in C, with Mesa's
    # semantics: earlier time first, then higher priority, then first scheduled first. Mesa's
    # ``step``, ``run_for`` and ``run_until`` all advance time through ``_advance_time``, which
    # is overridden here; Mesa's own daily step generator is replaced by one on this calendar.
    # (Mesa 3.5 internals used: ``_advance_time``, ``_default_schedule``, ``_do_step``.)
    def _start_calendar(self) -> None:
        self._calendar: list[Entry] = []
        self._sequence = itertools.count()
        self.events_executed = 0  # for benchmarks: events per second
        self._default_schedule.stop()
        self._recurring(self._do_step, lambda: 1.0, 1.0, Priority.HIGH)

    def schedule_event(
        self,
        function: Callable[[], None],
        *,
        at: float | None = None,
        after: float | None = None,
        priority: Priority = Priority.DEFAULT,
    ) -> Entry:
        """Mesa's ``schedule_event`` on the model's calendar; the entry can be cancelled."""
        if (at is None) == (after is None):
            raise ValueError("Specify exactly one of 'at' or 'after'")
        now = self.time
        time = now + after if at is None else at
        if time < now:
            raise ValueError(f"cannot schedule an event at {time}, before now ({now})")
        entry = [time, priority, next(self._sequence), function]  # IntEnum: compared in C
        heappush(self._calendar, entry)
        return entry

    def schedule_recurring(self, *_: object, **__: object) -> None:
        """Not available: recurring processes use ``_every`` on the model's calendar."""
        raise NotImplementedError("ServiceOrganisation schedules recurring work with _every")

    @staticmethod
    def cancel_event(entry: Entry) -> None:
        """Cancel a scheduled event (it stays in the heap and is skipped)."""
        entry[3] = None

    def _recurring(
        self, action: Callable[[], None], gap: Callable[[], float], first: float, priority: Priority
    ) -> None:
        """Run ``action`` at ``first`` and then again ``gap()`` after each run."""

        def occur() -> None:
            action()
            self.schedule_event(occur, after=gap(), priority=priority)

        self.schedule_event(occur, at=first, priority=priority)

    def _advance_time(self, until: float) -> None:
        """Execute every event up to ``until`` in order, then set the clock to ``until``."""
        if until < self.time:
            raise ValueError(f"cannot run back to {until} from {self.time}")
        calendar, executed = self._calendar, 0
        while calendar and calendar[0][0] <= until:
            time, _, _, action = heappop(calendar)
            if action is not None:
                self.time = time
                action()
                executed += 1
        self.events_executed += executed
        self.time = until

    # --- processes ----------------------------------------------------------------------
    def prospect_arrives(self) -> None:
        """A new prospect would contact sales, unless a public complaint kept them away.

        Traits come from the arrivals stream and the deterrence draw from word of mouth, so
        that scenarios with the same seed meet the same prospects (common random numbers).
        """
        prospect = self._new_customer(
            self.streams.arrivals, self.params.customers.initial_satisfaction, "prospect", ARRIVING
        )
        if self.streams.word_of_mouth.random() < self.deterrence:
            self.counters["acquisitions_lost_to_reputation"] += 1
            prospect.remove()
            return
        self.ledger.spend("acquisition", self.params.sales.cost_per_prospect, self.time)
        self.counters["prospects"] += 1
        prospect.place_order()

    def referred_prospect(self, referrer: Customer) -> None:
        """A promoter brings a prospect to sales."""
        prospect = self._new_customer(
            self.streams.word_of_mouth,
            self.params.customers.initial_satisfaction,
            "prospect",
            REFERRED,
        )
        prospect.referrer = referrer
        self.counters["referrals"] += 1
        prospect.place_order()

    def hear(self, stories: int) -> None:
        """Word of mouth moves the organisation's reputation (negative ``stories``: bad news)."""
        wom = self.params.word_of_mouth
        self.reputation = min(1.5, max(0.0, self.reputation + stories * wom.reputation_per_telling))
        key = "negative_word_of_mouth" if stories < 0 else "positive_word_of_mouth"
        self.counters[key] += abs(stories)

    def go_public(self) -> None:
        """A badly handled complaint is posted publicly: prospects stay away for a while."""
        self.counters["public_complaints"] += 1
        self.deterrence = 1.0 - (1.0 - self.deterrence) * (
            1.0 - self.params.word_of_mouth.public_reach
        )

    def repeat_order(self) -> None:
        """An active customer orders again."""
        if self.roster.members:
            self.roster.pick(self.streams.demand).place_order()

    def routine_request(self) -> None:
        """An active customer needs help with something routine."""
        if self.roster.members:
            customer = self.roster.pick(self.streams.demand)
            if customer.case is None:
                customer.open_case("routine", 0.0)

    def incident(self) -> None:
        """Something goes wrong for an active customer (lognormal money at stake).

        With proactive service, a share is caught early: less damage, and the organisation
        raises it before the customer notices.
        """
        if not self.roster.members:
            return
        p, proactive = self.params.problems, self.params.proactive
        severity = float(
            self.streams.problems.lognormal(np.log(p.severity_median), p.severity_sigma)
        )
        customer = self.roster.pick(self.streams.demand)
        if self.streams.problems.random() < proactive.detection_share:
            self.ledger.spend("proactive_service", proactive.cost_per_outreach, self.time)
            customer.reached_proactively("incident", severity * proactive.damage_share)
        else:
            customer.notice_problem("incident", severity)

    def _incident_factor(self) -> float:
        return self.incident_factor

    def report_back(self) -> None:
        """A complaint reaches delivery; the process is fixed after the lag (feedback loop)."""
        loop = self.params.feedback_loop
        if self.streams.feedback.random() >= loop.report_share:
            return
        self.ledger.spend("feedback_loop", loop.cost_per_report, self.time)
        self.counters["feedback_reports"] += 1
        self.schedule_event(self.apply_fix, after=loop.lag_days)

    def apply_fix(self) -> None:
        """A reported problem's root cause is removed: incidents become a little rarer."""
        loop = self.params.feedback_loop
        self.incident_factor = max(loop.floor, self.incident_factor * (1 - loop.fix_per_report))

    def shock_factor(self, kind: str) -> float:
        """Product of the magnitudes of the shocks of ``kind`` active now."""
        factor = 1.0
        for shock in self.params.shocks:
            if shock.kind == kind:
                factor *= shock.factor_at(self.time)
        return factor

    def end_warmup(self) -> None:
        """Contact-centre statistics count from now on."""
        for channel in self.channels.values():
            channel.end_warmup()

    def coach(self) -> None:
        """A supervisor offers a coaching session, unless escalations are waiting."""
        agents = [a for channel in self.channels.values() for a in channel.pool.servers]
        if self.supervisors.queue_length or not agents:
            self.counters["coaching_skipped"] += 1
            return
        agent = agents[int(self.streams.workforce.integers(len(agents)))]
        self.counters["coaching_sessions"] += 1
        self.supervisors.submit(Coaching(agent))

    def enquiry(self) -> None:
        """Someone outside the customer base calls with a question."""
        self.contact_centre.offer(None)

    def dispatch(self, case: Case, route: Route) -> None:
        """Send a handled case where its route says: close, rework, supervisor, or back."""
        customer = case.customer
        if route is Route.RESOLVED:
            customer.close_case(resolved=True)
        elif route is Route.NOT_SOLVED:
            customer.not_helped()
        elif route is Route.REWORK:
            case.handoffs += 1
            self.delivery.submit(case)
        elif self.supervisors.size:
            case.handoffs += 1
            case.escalated = True
            if not self.policy.shared_record:  # the supervisor hears the story again
                case.reexplanations += 1
            self.supervisors.submit(case)
        else:
            customer.not_helped()

    def next_order_id(self) -> int:
        """Sequential order number."""
        return next(self._order_ids)

    def next_case_id(self) -> int:
        """Sequential case number."""
        return next(self._case_ids)

    # --- workforce ------------------------------------------------------------------------
    def staff_turnover(self) -> None:
        """Each member of staff may leave today; pressure raises and recognition cuts the odds.

        Without a base leaving rate nobody leaves, and the posts' streams are not drawn (what
        they would give is never used).
        """
        wf = self.params.workforce
        base_per_year = wf.turnover_per_year * self.hiring.turnover_multiplier
        if base_per_year <= 0:
            return
        for role, pool, hire, _ in self.staff_pools:
            pressure = pool.queue_length / max(1, pool.size)
            for member in list(pool.servers):
                p_leave = leaving_probability(
                    base_per_year,
                    pressure,
                    wf.pressure_turnover,
                    member.recognised,
                    wf.recognition_effect,
                    1.0,
                )
                if member.seat.random() < p_leave:
                    member.resign()
                    self.counters[f"leavers_{role}"] += 1
                    vacancy = Vacancy(self, role, pool, hire, member.seat)
                    self.vacancies.add(vacancy)
                    self.schedule_event(
                        vacancy.fill, after=member.seat.exponential(wf.hiring_delay_days)
                    )

    def fade_skills(self) -> None:
        """A day without refreshment: every member of staff's skill fades a little."""
        wf = self.params.workforce
        if wf.skill_decay_per_year <= 0:
            return
        for _, pool, _, _ in self.staff_pools:
            for member in pool.servers:
                member.skill = decay_skill(
                    member.skill, wf.skill_floor, wf.skill_decay_per_year, 1.0
                )

    def fill_vacancy(self, vacancy: Vacancy) -> None:
        """A hire is made: paid from today, serving after onboarding."""
        freeze_end = self.hiring_freeze_end()
        if freeze_end is not None:
            if freeze_end < float("inf"):
                self.schedule_event(vacancy.fill, at=freeze_end)
            return
        member = vacancy.member = vacancy.hire(vacancy.seat, vacancy.seat)
        member.pool, member.role = vacancy.pool, vacancy.role
        self.ledger.spend(
            "hiring",
            self.params.workforce.cost_per_hire * self.hiring.hire_cost_multiplier,
            self.time,
        )
        self.counters[f"hires_{vacancy.role}"] += 1
        self.onboarding[vacancy.role] += 1
        self.schedule_event(vacancy.start, after=self.params.workforce.onboarding_days)

    def start_hire(self, vacancy: Vacancy) -> None:
        """The new hire finished onboarding and starts serving."""
        self.vacancies.discard(vacancy)
        self.onboarding[vacancy.role] -= 1
        vacancy.pool.add_server(vacancy.member)

    def hiring_freeze_end(self) -> float | None:
        """End of the hiring freeze in force now (inf if open-ended), or None if none is."""
        ends = [
            s.end_day if s.end_day is not None else float("inf")
            for s in self.params.shocks
            if s.kind == "hiring_freeze" and s.active_at(self.time)
        ]
        return max(ends) if ends else None

    def handoff_factor(self) -> float:
        """Handoff error left after unified trainings, their effect fading like skills."""
        factor, wf = 1.0, self.params.workforce
        for programme in self.params.training:
            if programme.unified and programme.start_day <= self.time:
                fade = math.exp(
                    -wf.skill_decay_per_year * (self.time - programme.start_day) / 365.0
                )
                factor *= 1.0 - programme.handoff_gain * fade
        return factor

    def _schedule_training(self) -> None:
        """Enrol each programme's trainees, one after another so the floor is never empty."""
        for programme in self.params.training:
            members = [
                m
                for role, pool, _, _ in self.staff_pools
                if role == programme.role
                for m in pool.servers
            ]
            for i, member in enumerate(members):
                member.enrol(
                    programme.days_off_floor,
                    programme.skill_gain,
                    programme.cost_per_person,
                    programme.target,
                )
                self.schedule_event(
                    member.start_training, at=programme.start_day + i * programme.days_off_floor
                )

    @property
    def roles(self) -> list[str]:
        """The staff roles, in the order of ``staff_pools``."""
        return list(dict.fromkeys(role for role, _, _, _ in self.staff_pools))

    def headcount(self, role: str) -> int:
        """Staff of ``role`` on the payroll: serving, onboarding or in training."""
        serving = sum(pool.size for r, pool, _, _ in self.staff_pools if r == role)
        return serving + self.onboarding[role] + self.away[role]

    def vacancies_of(self, role: str) -> int:
        """Open posts of ``role`` (not yet filled by a hire)."""
        return sum(v.role == role and v.member is None for v in self.vacancies)

    # --- the daily calendar ---------------------------------------------------------------
    def step(self) -> None:
        """Daily: fees, salaries and turnover, the renewal cohort due today, a weekly row."""
        day = int(round(self.time))
        p = self.params
        self.ledger.earn(
            self.roster.monthly_value * 12 / 365 * self.shock_factor("price_change"), self.time
        )
        salaries = {role: salary for role, _, _, salary in self.staff_pools}
        for role, salary in salaries.items():
            self.ledger.spend(
                f"salaries_{role}",
                self.headcount(role) * salary * self.hiring.salary_multiplier / 365,
                self.time,
            )
        recognised = p.workforce.recognition and sum(
            sum(map(_recognised, pool.servers)) for _, pool, _, _ in self.staff_pools
        )
        if recognised:
            self.ledger.spend(
                "recognition", recognised * p.workforce.recognition_cost_per_person / 365, self.time
            )
        self.staff_turnover()
        self.fade_skills()
        for channel in self.channels.values():
            channel.adjust_to_pressure()
        if self.policy.shared_record:
            self.ledger.spend("systems", p.shared_record.cost_per_year / 365, self.time)
        wom = p.word_of_mouth
        self.reputation = decay(self.reputation, 1.0, 1.0, wom.reputation_halflife_days)
        self.deterrence = decay(self.deterrence, 0.0, 1.0, wom.public_halflife_days)
        for customer in self.roster.due(day):
            customer.renew()
        if day % 7 == 0:
            self.collect()

    def collect(self) -> None:
        """Append one time-series row covering the period since the last one."""
        revenue, costs = self.ledger.close_period()
        self._cumulative_profit += revenue - costs
        stats = self.contact_centre.stats
        totals = {key: self.counters[key] for key in WEEKLY_COUNTS}
        totals |= {
            "contacts_offered": stats.offered,
            "contacts_abandoned": stats.abandoned,
            "answered": stats.answered,
            "answered_wait_days": stats.answered_wait_days,
        }
        delta = {key: value - self._totals.get(key, 0) for key, value in totals.items()}
        self._totals = totals
        members, initial = self.roster.members, self.params.customers.initial
        self._row = {
            "day": float(self.time),
            "active_customers": len(members),
            "retained_share": 1.0 - self.counters["initial_churned"] / max(1, initial),
            "new_customers": delta["new_customers"],
            "churned_customers": delta["churned"],
            "referrals": delta["referrals"],
            "negative_word_of_mouth": delta["negative_word_of_mouth"],
            "public_complaints": delta["public_complaints"],
            "acquisitions_lost_to_reputation": delta["acquisitions_lost_to_reputation"],
            "repeat_contacts": delta["repeat_contacts"],
            "channel_switches": delta["channel_switches"],
            "frontline_headcount": self.headcount("frontline"),
            "vacancies": sum(v.member is None for v in self.vacancies),
            "handling_standard": self.contact_centre.standard,
            "work_pressure": (
                self.contact_centre.pool.queue_length / max(1, self.contact_centre.pool.size)
            ),
            "revenue": revenue,
            "costs": costs,
            "profit": revenue - costs,
            "cumulative_profit": self._cumulative_profit,
            "contacts_offered": delta["contacts_offered"],
            "contacts_abandoned": delta["contacts_abandoned"],
            "asa_minutes": (
                delta["answered_wait_days"] / delta["answered"] * 1440 if delta["answered"] else 0.0
            ),
            "queue_length": self.contact_centre.pool.queue_length,
            "supervisor_queue": self.supervisors.queue_length,
            "delivery_backlog": self.delivery.queue_length,
            "mean_satisfaction": (
                sum(map(_satisfaction, members)) / len(members) if members else 0.0
            ),
            "reputation": self.reputation,
        }
        self.datacollector.collect(self)

    def run(self, days: float, on_week: Callable[[float], None] | None = None) -> None:
        """Run for ``days`` in weekly chunks (so a caller can show progress); end with a row.

        Python's cyclic garbage collector is paused meanwhile (and while the population is
        built): the run leaves almost no cyclic garbage (peak memory is the same without it),
        but its full collections walk every live customer, which cost 5-7% of the run at
        10,000-100,000 customers.
        """
        end = self.time + days
        with _collector_paused():
            while self.time < end:
                self.run_until(min(end, self.time + 7.0))
                if on_week is not None:
                    on_week(self.time)
        if self._row["day"] != self.time:  # close the last, partial week
            self.collect()


_satisfaction, _recognised = attrgetter("satisfaction"), attrgetter("recognised")


def _renewal(params: Scenario) -> Renewal:
    lp, period = params.loyalty, params.customers.renewal_period_days
    return Renewal(
        lp.reference_satisfaction,
        lp.satisfaction_sensitivity,
        lp.base_churn_per_year,
        lp.follow_through,
        period,
        referral_probability(params.word_of_mouth.referrals_per_promoter_per_year, period),
    )


# Mesa lists its clock among a model's observables; this model's clock is plain, so asking to
# observe it is an error rather than a subscription that never fires.
del ServiceOrganisation.observables["time"]


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _cdf(weights: list[float]) -> list[float]:
    """Cumulative shares of ``weights``; ``bisect_right(cdf, u)`` picks an index by weight.

    Computed as ``Generator.choice(p=...)`` does, so a pick from one uniform draw is the one
    ``choice`` would make (at a tenth of its cost).
    """
    shares = np.asarray(weights, dtype=float)
    cdf = (shares / shares.sum()).cumsum()
    cdf /= cdf[-1]
    return cdf.tolist()


def _unit(value: float) -> float:
    """``value`` clipped to 0..1."""
    return min(1.0, max(0.0, value))


def _reporter(name: str) -> Callable[[ServiceOrganisation], float]:
    """DataCollector reporter reading one column of the row the model just built."""
    return lambda model: model._row[name]

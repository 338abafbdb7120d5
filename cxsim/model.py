"""The service organisation as a Mesa model, driven by discrete events in continuous time.

Time is in days. Everything that happens to a customer is an event on the calendar
(``cxsim.calendar``): a prospect arrives, a salesperson finishes eliciting a need, a team
delivers, a customer calls, hangs up, or hears back from a supervisor. Mesa's unit step fires
once a day and does the calendar work: fees and salaries, turnover, the renewal cohort due
today and, weekly, a time-series row.

The model owns nothing but the wiring: it prepares the parameters once (``cxsim.specs``),
builds the organisation's parts (``cxsim.organisation``: population, workforce, case desk,
reputation, demand, ledger; ``cxsim.stations``: the contact centre's channels) and hands each
agent the parts it works with (``Touchpoints`` for customers, ``Workplace`` for staff). See
docs/architecture.md.

A decision taken during the run (the scenario's ``decisions``, or ``decide`` from the workshop
between days) gives the parts the decided parameters from that moment: the same wiring, handed
new specs (``scenario.DECIDABLE`` says how each key takes effect).
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import mesa
from mesa.time import Priority

from cxsim import kpis
from cxsim.agents.customer import Touchpoints
from cxsim.agents.staff import Workplace
from cxsim.calendar import CalendarModel
from cxsim.mechanisms.loyalty import Renewal
from cxsim.mechanisms.shocks import Shocks
from cxsim.mechanisms.word_of_mouth import period_probability
from cxsim.organisation.demand import Demand, FeedbackLoop, poisson_process
from cxsim.organisation.desk import CaseDesk
from cxsim.organisation.ledger import Ledger
from cxsim.organisation.population import Population, Roster
from cxsim.organisation.reputation import Reputation
from cxsim.organisation.surveys import Surveys
from cxsim.organisation.workforce import FRONTLINE_CHANNELS, Workforce
from cxsim.records import Recorder
from cxsim.scenario import Decision, Scenario, decided
from cxsim.specs import (
    ChannelSpec,
    CustomerSpec,
    DeliverySpec,
    FrontlineSpec,
    MotivationSpec,
    Policy,
    SalesSpec,
    SpecialistSpec,
    SupervisorSpec,
    Timetables,
)
from cxsim.stations.contact_centre import ContactCentre
from cxsim.streams import Streams
from cxsim.units import DAYS_PER_YEAR

__all__ = ["ServiceOrganisation", "TIMESERIES_COLUMNS"]

TIMESERIES_COLUMNS = kpis.TIMESERIES_COLUMNS


class ServiceOrganisation(CalendarModel):
    """Customers, salespeople, delivery teams, frontline agents and supervisors in one model."""

    def __init__(self, params: Scenario) -> None:
        self.streams = streams = Streams.from_seed(params.seed)
        super().__init__(rng=streams.mesa)
        self.params = params  # as decided so far (``decide``)
        self.decisions: list[Decision] = []  # taken so far, in order
        self.records_live_day = 0.0 if params.shared_record.enabled else float("inf")
        self.policy = Policy.from_scenario(params)
        self.ledger = Ledger(params.economics.cogs_share, params.economics.discount_rate_per_year)
        self.recorder = Recorder()
        self.counters: Counter[str] = Counter()
        self.shocks = Shocks(params.shocks)
        self.timetables = Timetables.from_scenario(params)
        calendar, counters = self.calendar, self.counters
        self.reputation = Reputation(params.word_of_mouth, counters)
        self.desk = CaseDesk(self.policy.shared_record, params.frontline.short_grant_return_days)
        self.workforce = Workforce(
            self, params, calendar, self.ledger, counters, self.shocks, self.timetables
        )
        self.population = Population(self, params.customers, params.word_of_mouth)
        self.feedback = FeedbackLoop(
            params.feedback_loop, calendar, streams.feedback, self.ledger, counters
        )
        self.surveys = Surveys(
            params.surveys, calendar, streams.surveys([s.kind for s in params.surveys]),
            self.population.roster, self.feedback, self.ledger, counters, self.recorder.problems,
        )  # fmt: skip
        with _collector_paused():  # a large population is all live objects: nothing to collect
            self._hire_staff()
            self.demand = Demand(
                params, calendar, streams, self.population, self.reputation, self.feedback,
                self.contact_centre, self.timetables.demand, self.shocks, self.ledger, counters,
            )  # fmt: skip
            self.population.touchpoints = self._touchpoints()
            self.population.populate(streams.population, streams.word_of_mouth)
        self._start_processes()
        windows = {q: self.surveys.window_days(q) for q in self.surveys.questions}
        self.series = kpis.WeeklySeries(params.customers.initial, windows)
        self.series_columns = TIMESERIES_COLUMNS + tuple(
            f"measured_{question}" for question in self.surveys.questions
        )  # what a dashboard shows: the surveys' figures beside the counted ones
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _reporter(name) for name in self.series_columns}
        )
        self.collect()

    # --- wiring ---------------------------------------------------------------------------
    def _hire_staff(self) -> None:
        p, workforce = self.params, self.workforce
        workforce.hire_all(self._workplace(), self.streams.staffing)
        self.desk.staff(
            *(workforce.pool(name) for name in ("sales", "delivery", "supervisors", "specialists"))
        )
        self.channels = {
            name: ContactCentre(
                self.calendar,
                workforce.pool(name),
                ChannelSpec.from_scenario(p, name, self.timetables),
                self.streams,
                p.work_pressure,
                self.policy.shared_record,
            )
            for name in FRONTLINE_CHANNELS
        }
        self.contact_centre = self.channels["phone"]  # the validated Erlang queue

    def _workplace(self) -> Workplace:
        p, workforce = self.params, self.workforce
        return Workplace(
            calendar=self.calendar,
            streams=self.streams,
            policy=self.policy,
            staff=workforce.staff_spec(),
            sales=SalesSpec.from_scenario(p, self.timetables.working),
            delivery=DeliverySpec.from_scenario(p, self.timetables.working),
            frontline=FrontlineSpec.from_scenario(p),
            supervisors=SupervisorSpec.from_scenario(p),
            specialists=SpecialistSpec.from_scenario(p),
            motivation=MotivationSpec.from_scenario(p),
            desk=self.desk,
            reputation=self.reputation,
            shocks=self.shocks,
            working=self.timetables.working,
            handoff_factor=workforce.handoff_factor,
            away=workforce.away,
            strain=workforce.strain,
            ledger=self.ledger,
            counters=self.counters,
        )

    def _touchpoints(self) -> Touchpoints:
        return Touchpoints(
            calendar=self.calendar,
            streams=self.streams,
            spec=CustomerSpec.from_scenario(self.params),
            policy=self.policy,
            renewal=_renewal(self.params),
            population=self.population,
            sales=self.workforce.pool("sales"),
            channels=self.channels,
            demand_profile=self.timetables.demand,
            desk=self.desk,
            reputation=self.reputation,
            feedback=self.feedback,
            surveys=self.surveys,
            demand=self.demand,
            ledger=self.ledger,
            counters=self.counters,
            recorder=self.recorder,
        )

    def _start_processes(self) -> None:
        p = self.params
        self.demand.start()
        self.surveys.start()
        self.workforce.start_rosters()
        poisson_process(
            self.calendar,
            p.supervisors.coaching_sessions_per_day * p.supervisors.count,
            self.workforce.coach,
            self.streams.workforce,
        )
        if p.warmup.days > 0:
            self.calendar.at(p.warmup.days, self.end_warmup)
        self.workforce.schedule_training()
        for decision in p.decisions:  # after everything else that day, as in the workshop
            self.calendar.at(
                decision.day, lambda d=decision: self.decide(d.set, d.note), Priority.LOW
            )

    def end_warmup(self) -> None:
        """Contact-centre statistics and the cost per contact count from now on."""
        for channel in self.channels.values():
            channel.end_warmup()
        self.workforce.end_warmup()

    # --- the day ----------------------------------------------------------------------------
    def step(self) -> None:
        """Daily: fees, salaries and turnover, the renewal cohort due today, a weekly row."""
        now, p = self.calendar.now, self.params
        day = int(round(now))
        roster = self.population.roster
        self.ledger.earn(
            roster.monthly_value * 12 / DAYS_PER_YEAR * self.shocks.factor("price_change", now), now
        )
        self.counters["customer_days"] += len(roster)  # the days' fees are paid for
        self.workforce.pay()
        self.workforce.end_day()  # the day's work pressure, which turnover and erosion read
        self.workforce.turnover()
        self.workforce.fade_skills()
        for channel in self.channels.values():
            channel.adjust_to_pressure()
        if p.shared_record.enabled:  # paid from the decision, live or not
            self.ledger.spend("systems", p.shared_record.cost_per_year / DAYS_PER_YEAR, now)
        if self.policy.recognition:
            self.ledger.spend("systems", p.customer_recognition.cost_per_year / DAYS_PER_YEAR, now)
        self.reputation.fade()
        for customer in roster.due(day):
            customer.renew()
        if day % 7 == 0:
            self.collect()

    def collect(self) -> None:
        """Append one time-series row covering the period since the last one."""
        self.series.add(self)
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
        if self.series.row["day"] != self.time:  # close the last, partial week
            self.collect()

    # --- decisions --------------------------------------------------------------------------
    def decide(self, changes: Mapping[str, Any], note: str = "") -> None:
        """A decision taken now: from now on the organisation works with ``changes``.

        ``changes`` maps decidable keys (``scenario.DECIDABLE``) to their new values; a value
        out of range raises pydantic's ``ValidationError`` and changes nothing.
        """
        before, now = self.params, self.calendar.now
        self.params = decided(before, changes)
        self.decisions.append(Decision(day=now, set=dict(changes), note=note))
        record = self.params.shared_record
        if record.enabled and not before.shared_record.enabled:  # a project: live later
            self.records_live_day = now + record.implementation_days
            self.calendar.at(self.records_live_day, self._work_to_decisions, Priority.LOW)
        elif not record.enabled:
            self.records_live_day = float("inf")
        self.timetables = Timetables.from_scenario(self.params)
        self.workforce.adopt(self.params, self.timetables)
        self._work_to_decisions()

    def in_force(self) -> Scenario:
        """The parameters the organisation works to now: as decided, less what is not live."""
        if self.calendar.now >= self.records_live_day or not self.params.shared_record.enabled:
            return self.params
        record = self.params.shared_record.model_copy(update={"enabled": False})
        return self.params.model_copy(update={"shared_record": record})

    def _work_to_decisions(self) -> None:
        """Hand every part the policy and specs in force (the same parts, new parameters)."""
        p, work, touch = self.in_force(), self.workforce.work, self.population.touchpoints
        self.policy = work.policy = touch.policy = Policy.from_scenario(p)
        work.sales = SalesSpec.from_scenario(p, self.timetables.working)
        work.frontline = FrontlineSpec.from_scenario(p)
        touch.spec = CustomerSpec.from_scenario(p)
        self.desk.shared_record = self.policy.shared_record
        for channel in self.channels.values():
            channel.shared_record = self.policy.shared_record
        self.demand.proactive = p.proactive

    # --- what reports read ----------------------------------------------------------------
    @property
    def roster(self) -> Roster:
        """Active customers."""
        return self.population.roster


def _renewal(params: Scenario) -> Renewal:
    lp, period = params.loyalty, params.customers.renewal_period_days
    return Renewal(
        lp.reference_satisfaction,
        lp.satisfaction_sensitivity,
        lp.base_churn_per_year,
        lp.follow_through,
        period,
        period_probability(params.word_of_mouth.referrals_per_promoter_per_year, period),
        period_probability(params.word_of_mouth.advice_per_year, period),
        lp.effort_sensitivity,
        lp.effort_tolerance,
        lp.effort_memory_halflife_days,
        lp.relationship_weight,
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _reporter(name: str) -> Callable[[ServiceOrganisation], float]:
    """DataCollector reporter reading one column of the row the model just built."""
    return lambda model: model.series.row[name]

"""Working calendars, rosters and the shape of demand (issue 17, items 1-3)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from cxsim.kpis import summarise
from cxsim.mechanisms.timetable import ALWAYS, Timetable
from cxsim.model import ServiceOrganisation
from cxsim.scenario import ScenarioError
from cxsim.specs import Timetables
from cxsim.stations.pool import ServerPool

HOUR = 1.0 / 24.0
WEEKDAYS_8_TO_18 = Timetable.from_intervals([(d + 8 * HOUR, d + 18 * HOUR, 1.0) for d in range(5)])
OFFICE = (
    "{mon: 08:00-18:00, tue: 08:00-18:00, wed: 08:00-18:00, thu: 08:00-18:00, "
    "fri: 08:00-18:00, sat: closed, sun: closed}"
)


# --- the mechanism ------------------------------------------------------------------------
def test_work_waits_while_its_people_are_off():
    monday_5pm, friday_5pm = 17 * HOUR, 4 + 17 * HOUR
    assert WEEKDAYS_8_TO_18.advance(monday_5pm, 2 * HOUR) == pytest.approx(1 + 9 * HOUR)
    assert WEEKDAYS_8_TO_18.advance(friday_5pm, 2 * HOUR) == pytest.approx(7 + 9 * HOUR)
    assert WEEKDAYS_8_TO_18.advance(5.5, 0.0) == pytest.approx(7 + 8 * HOUR)  # next opening
    assert WEEKDAYS_8_TO_18.hours_per_open_day() == pytest.approx(10.0)


def test_holidays_close_a_whole_day():
    with_tuesday_off = Timetable.from_intervals(
        [(d + 8 * HOUR, d + 18 * HOUR, 1.0) for d in range(5)], holidays=[1]
    )
    assert with_tuesday_off.value_at(1.5) == 0.0
    assert with_tuesday_off.advance(17 * HOUR, 2 * HOUR) == pytest.approx(2 + 9 * HOUR)


def test_a_flat_timetable_advances_by_plain_addition():
    """The default organisation (open around the clock) draws exactly as before timetables."""
    for t, amount in ((0.1, 0.2), (1e3 / 3, 1e-5), (17.0, 3.3)):
        assert ALWAYS.advance(t, amount) == t + amount


def test_shifts_add_up_and_a_night_shift_runs_into_monday():
    roster = Timetable.from_intervals([(6 + 22 * HOUR, 7 + 6 * HOUR, 2.0), (0.25, 0.75, 3.0)])
    assert roster.value_at(6.95) == 2.0  # Sunday night
    assert roster.value_at(0.1) == 2.0  # into Monday morning
    assert roster.value_at(0.5) == 3.0 and roster.value_at(0.8) == 0.0
    assert roster.peak == 3.0


@st.composite
def timetables(draw: st.DrawFn) -> Timetable:
    cuts = sorted(set(draw(st.lists(st.floats(0.01, 6.99), min_size=1, max_size=8))))
    values = draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 3.0]), min_size=len(cuts) + 1,
                           max_size=len(cuts) + 1))  # fmt: skip
    values[draw(st.integers(0, len(values) - 1))] = 1.0  # never zero all week
    holidays = draw(st.lists(st.integers(0, 30), max_size=3))
    return Timetable((0.0, *cuts), tuple(values), draw(st.integers(0, 6)), frozenset(holidays))


@settings(max_examples=200, deadline=None)
@given(timetables(), st.floats(0.0, 40.0), st.floats(0.0, 3.0))
def test_advance_is_the_inverse_of_the_integral(timetable, start, amount):
    end = timetable.advance(start, amount)
    assert end >= start
    assert timetable.integral(start, end) == pytest.approx(amount, abs=1e-9)


def test_arrival_profile_keeps_the_volume_and_moves_it_to_the_busy_hours():
    profile = Timetables.from_scenario(
        make_scenario(
            "contact_centre.arrival_profile.hourly="
            "[0,0,0,0,0,0,0,0,1,1,1,1,1,1,1,1,1,1,0,0,0,0,0,0]",
            "contact_centre.arrival_profile.weekly=[1,1,1,1,1,0,0]",
        )
    ).demand
    assert profile.mean == pytest.approx(1.0)
    rng = np.random.default_rng(1)
    t, times = 0.0, []
    while t < 70.0:  # a rate of 100 a day, over ten weeks
        t = profile.advance(t, rng.exponential(0.01))
        times.append(t)
    assert len(times) == pytest.approx(7000, rel=0.05)
    hours = (np.array(times) % 1.0) * 24
    assert ((hours >= 8) & (hours < 18)).all()
    assert (np.array(times) % 7.0 < 5.0).all()


# --- the pool's roster --------------------------------------------------------------------
class _Agent:
    in_hand = 0  # one job at a time: none left in hand when it is released

    def __init__(self) -> None:
        self.jobs: list[str] = []

    def start(self, job: str) -> None:
        self.jobs.append(job)


def test_an_agent_whose_shift_ends_finishes_the_call_in_hand():
    now = [0.0]
    a, b = _Agent(), _Agent()
    pool = ServerPool([a, b], clock=lambda: now[0])
    pool.submit("call 1")  # one agent busy, one free
    pool.set_on_duty(0)  # end of the shift: the free one goes at once
    assert pool.on_duty == 1 and not pool.idle
    pool.submit("call 2")  # waits: nobody free on duty
    now[0] = 1.0
    busy = a if a.jobs else b
    pool.release(busy)  # call 1 done: the agent goes off duty, call 2 still waits
    assert pool.on_duty == 0 and pool.queue_length == 1
    now[0] = 2.0
    pool.set_on_duty(1)  # next shift: an agent comes on and takes call 2
    assert pool.queue_length == 0
    now[0] = 3.0
    assert pool.staffed_time() == pytest.approx(1.0)  # 2-3; 0-1 was a call after the shift


def test_the_roster_sends_home_the_agents_who_came_free_last():
    now = [0.0]
    a, b, c = _Agent(), _Agent(), _Agent()
    pool = ServerPool([a, b, c], clock=lambda: now[0])
    assert pool.idle == [c, b, a]  # a takes the first call
    pool.set_on_duty(1)
    assert pool.off_duty == [a, b] and pool.idle == [c]
    pool.set_on_duty(3)
    assert pool.idle == [c, b, a]
    pool.retire(b)  # one in the middle leaves
    assert pool.idle == [c, a] and pool.size == 2


def test_work_pressure_is_the_queue_per_agent_on_duty_over_the_day():
    """A queue waiting overnight for opening is no pressure; a queue while open is."""
    now = [0.0]
    a, b = _Agent(), _Agent()
    pool = ServerPool([a, b], clock=lambda: now[0])
    pool.set_on_duty(0)  # closed
    for call in range(4):
        pool.submit(call)  # four letters wait overnight
    now[0] = 0.5
    assert pool.end_day() == 0.0  # nobody was on duty: nobody felt it
    pool.set_on_duty(2)  # open: both take one, two still wait
    now[0] = 0.75
    pool.submit(4)  # a third waits for the last quarter
    now[0] = 1.0
    # two wait from 0.5 to 0.75, three to 1.0: 1.25 contact-days over 2 x 0.5 agent-days on duty
    assert pool.end_day() == pytest.approx(1.25)
    assert pool.pressure == pytest.approx(1.25)


# --- the organisation ---------------------------------------------------------------------
def _office(*more: str) -> ServiceOrganisation:
    params = make_scenario(
        "customers.initial=300", "horizon.days=56", f"calendar.working_hours={OFFICE}",
        *(f"{key}.opening_hours={OFFICE}"
          for key in ("contact_centre", "channels.chat", "channels.email")),
        *more,
    )  # fmt: skip
    model = ServiceOrganisation(params)
    model.run(params.horizon.days)
    return model


def test_customers_who_find_the_centre_closed_wait_switch_or_give_up():
    model = _office()
    assert model.counters["waited_for_opening"] > 0
    assert model.counters["gave_up_while_closed"] > 0
    patient = _office("channels.when_closed.wait_for_opening=1.0",
                      "channels.when_closed.other_channel=0.0")  # fmt: skip
    assert patient.counters["gave_up_while_closed"] == 0


def test_deliveries_are_made_in_working_hours():
    model = _office()
    days = np.array([o.delivered_day for o in model.recorder.orders])
    hours = (days % 1.0) * 24
    assert len(days) > 20
    assert ((hours >= 8 - 1e-6) & (hours <= 18 + 1e-6)).all()
    assert (days % 7.0 < 5.0).all()


def test_a_roster_sets_the_agents_on_duty_and_occupancy_counts_staffed_time():
    roster = "[{days: mon-fri, start: '08:00', end: '13:00', agents: 3}, " \
             "{days: mon-fri, start: '13:00', end: '18:00', agents: 1}]"  # fmt: skip
    model = _office("contact_centre.agents=null", f"contact_centre.roster={roster}")
    phone = model.channels["phone"].pool
    assert phone.size == 3  # as many as the roster's peak
    staffed = phone.staffed_time()
    rostered = 8 * 5 * (3 * 5 + 1 * 5) * HOUR  # eight weeks of the roster, in agent-days
    assert staffed == pytest.approx(rostered, rel=0.01)  # plus calls finished after a shift
    summary = summarise(model)
    occupancy = summary["contact_centre"]["occupancy"]
    busy = model.channels["phone"].stats.busy_days
    assert occupancy == pytest.approx(busy / staffed)


# --- bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("assignment", "where"),
    [
        ("contact_centre.opening_hours.mon=8-18", r"contact_centre\.opening_hours\.mon"),
        ("contact_centre.opening_hours.tue=18:00-08:00", r"contact_centre\.opening_hours\.tue"),
        ("contact_centre.roster=[{days: mon-fri, agents: 2}]", r"contact_centre\.agents"),
        ("channels.chat.roster=[{days: weekdays, agents: 2}]", r"channels\.chat\.roster\.0\.days"),
        ("calendar.holidays=[12-32]", r"calendar\.holidays"),
        ("channels.when_closed.other_channel=0.5", r"channels\.when_closed\.other_channel"),
        ("contact_centre.arrival_profile.weekly=[1,1,1]", r"arrival_profile\.weekly"),
    ],
)
def test_bad_calendars_are_refused_with_their_key_path(assignment, where):
    with pytest.raises(ScenarioError, match=where):
        make_scenario(assignment)


def test_holidays_fall_on_their_dates_every_year():
    calendar = make_scenario("calendar.holidays=['12-25', '2024-01-02']").calendar
    assert calendar.holiday_days(800) == {1, 359, 359 + 365}
    assert calendar.first_weekday == 0  # 2024-01-01 was a Monday

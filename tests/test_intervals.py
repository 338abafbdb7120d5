"""Contact-centre measures by hour of the week (issue 17, item 8; cxsim.stations.intervals)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxsim.kpis import interval_counts, interval_measures, summarise
from cxsim.library import validation_scenario
from cxsim.mechanisms.timetable import Timetable
from cxsim.runner import simulate
from cxsim.scenario import load_scenario
from cxsim.stations.intervals import HOURS_PER_WEEK, hour_of_week, open_time, spread_over_hours

HOUR = 1.0 / 24.0


def test_time_is_split_exactly_over_the_hours_it_falls_in():
    bins = [0.0] * HOURS_PER_WEEK
    spread_over_hours(bins, 8.5 * HOUR, 10.25 * HOUR, first_weekday=0, weight=2.0)  # Mon
    assert bins[8:11] == pytest.approx([HOUR, 2 * HOUR, 0.5 * HOUR])
    assert sum(bins) == pytest.approx(3.5 * HOUR)
    wednesday = [0.0] * HOURS_PER_WEEK
    spread_over_hours(wednesday, 8.5 * HOUR, 9 * HOUR, first_weekday=2)  # day 0 a Wednesday
    assert wednesday[2 * 24 + 8] == pytest.approx(0.5 * HOUR)
    assert hour_of_week(6 + 23.5 * HOUR, first_weekday=0) == HOURS_PER_WEEK - 1  # Sunday 23:30
    assert hour_of_week(7 + 0.5 * HOUR, first_weekday=0) == 0  # Monday again


@given(
    st.floats(0.0, 30.0),
    st.floats(0.0, 9.0),
    st.integers(0, 6),
    st.floats(0.1, 5.0),
)
def test_spread_time_adds_up_whatever_the_interval(start, length, first_weekday, weight):
    bins = [0.0] * HOURS_PER_WEEK
    spread_over_hours(bins, start, start + length, first_weekday, weight)
    assert sum(bins) == pytest.approx(weight * length, rel=1e-9, abs=1e-12)
    assert min(bins) >= 0.0


def test_open_time_counts_opening_hours_and_closes_holidays():
    weekdays = [(d + 8 * HOUR, d + 18 * HOUR, 1.0) for d in range(5)]
    opening = Timetable.from_intervals(weekdays, holidays=[1])  # the first Tuesday off
    bins = open_time(opening, 0.0, 14.0)  # two weeks
    assert bins[8] == pytest.approx(2 * HOUR)  # two Mondays at 08:00
    assert bins[24 + 8] == pytest.approx(HOUR)  # one Tuesday
    assert bins[7] == bins[18] == bins[5 * 24 + 10] == 0.0  # before, after, Saturday
    assert sum(bins) == pytest.approx((2 * 50 - 10) * HOUR)


@pytest.fixture(scope="module")
def business_week():
    """The validation working week: a morning and an afternoon shift, a mid-morning peak."""
    params = load_scenario(validation_scenario("business_day"), horizon__days=8.0)
    return simulate(params)


def test_counts_by_hour_add_up_to_the_whole_run(business_week):
    model = business_week
    counts, centre = interval_counts(model)["phone"], model.contact_centre
    stats = centre.stats
    for key in ("offered", "answered", "abandoned", "answered_within_target"):
        assert counts[key].sum() == getattr(stats, key), key
    for key in ("answered_wait_days", "abandoned_wait_days", "busy_days"):
        assert counts[key].sum() == pytest.approx(getattr(stats, key), rel=1e-9), key
    assert counts["staffed_days"].sum() == pytest.approx(centre.pool.staffed_time(), rel=1e-9)
    closed = np.ones(HOURS_PER_WEEK, bool)
    for day in range(5):
        closed[day * 24 + 8 : day * 24 + 18] = False
    assert counts["offered"][closed].sum() == 0 and counts["open_days"][closed].sum() == 0


def test_hours_show_the_peak_the_profile_and_the_roster_make(business_week):
    params = business_week.params
    counts = interval_counts(business_week)["phone"]
    day = interval_measures({k: v.reshape(7, 24)[:5].sum(axis=0) for k, v in counts.items()})
    # the profile's weekday shape, mean 54 an hour over the week: 250 an hour at 10:00
    hourly = np.asarray(params.contact_centre.arrival_profile.hourly)
    peak = params.contact_centre.arrival_rate_per_hour * 168 / (5 * hourly.sum()) * hourly.max()
    assert day["offered_per_hour"][10] == pytest.approx(peak, rel=0.1)
    assert day["agents_on_duty"][9] == pytest.approx(14) and day["agents_on_duty"][13] == 11
    # the peak waits longest and answers fewest within target; the quiet first hour least
    assert day["service_level"][10] < day["service_level"][8]
    assert day["mean_wait_minutes"][10] > day["mean_wait_minutes"][8]
    assert day["occupancy"][10] > day["occupancy"][8]
    finished = counts["answered"] + counts["abandoned"]
    whole = counts["answered_within_target"].sum() / finished.sum()
    assert summarise(business_week)["contact_centre"]["service_level"] == pytest.approx(whole)


def test_cost_per_contact_is_a_channel_s_salaries_over_its_contacts_plus_the_contact_cost():
    """By channel and tier, after the warm-up; dearer agents make every phone contact dearer."""
    base = ("customers.initial=300", "horizon.days=60", "warmup.days=10")
    model = simulate(load_scenario(validation_scenario("business_day"), base))
    costs = summarise(model)["cost_per_contact"]
    assert set(costs) == {"phone", "chat", "email", "self_service", "specialists", "supervisors"}
    paid = model.workforce.payroll["phone"] * (model.time - 10.0) / model.time  # no turnover
    answered = model.contact_centre.stats.answered  # since the warm-up
    expected = paid / answered + model.params.frontline.cost_per_contact
    assert costs["phone"] == pytest.approx(expected, rel=0.02)
    dearer = simulate(
        load_scenario(
            validation_scenario("business_day"), [*base, "frontline.salary_per_year=90000"]
        )
    )
    assert summarise(dearer)["cost_per_contact"]["phone"] > costs["phone"]

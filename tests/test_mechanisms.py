"""Formulas of the loyalty, recovery, problems and economics mechanisms, and the server pool."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxsim.mechanisms import expectation, loyalty, problems
from cxsim.mechanisms.acquisition import close_probability
from cxsim.mechanisms.economics import discount_factor
from cxsim.mechanisms.recovery import (
    bounded_recovery,
    recovery_experience,
    unresolved_experience,
)
from cxsim.organisation.ledger import Ledger
from cxsim.stations.pool import ServerPool

WEIGHTS = (0.2, 0.1, 0.15)
# reference 0.7, sensitivity 8, base 0.1/year, follow-through 0.5, 30-day period, referral and
# advice chances, effort sensitivity 0.4, tolerance 1.5, half-life 450 days, relationship 0.3
RENEWAL = loyalty.Renewal(0.7, 8.0, 0.1, 0.5, 30, 0.1, 0.2, 0.4, 1.5, 450.0, 0.3)


def test_leaving_grows_as_satisfaction_falls_and_only_part_is_acted_on():
    renewal = RENEWAL
    p = [renewal.leaving_probability(renewal.hazard(s)) for s in (0.9, 0.7, 0.5, 0.2)]
    assert p == sorted(p)
    assert p[1] == pytest.approx(1 - math.exp(-0.5 * 0.1 * 30 / 365))
    assert renewal.willingness(0.7) == pytest.approx(math.exp(-0.1))


def test_remembered_effort_beyond_tolerance_raises_the_hazard_and_a_relationship_lowers_it():
    """CEB 2010: effort drives disloyalty apart from satisfaction; seed 002: a name to go with
    the solution."""
    assert loyalty.excess_effort(1.0, 1.5) == 0.0  # an easy case: taken in one's stride
    assert loyalty.excess_effort(4.0, 1.5) == 2.5
    assert loyalty.effort_and_relationship(2.5, 0.4, False, 0.3) == pytest.approx(1.0)
    assert loyalty.effort_and_relationship(0.0, 0.4, True, 0.3) == pytest.approx(-0.3)
    assert loyalty.remembered_effort(4.0, 450.0, 450.0) == pytest.approx(2.0)
    renewal = RENEWAL
    effortful = renewal.effort_and_relationship_after(2.5, 0.0, False)
    assert renewal.hazard(0.7, effortful) == pytest.approx(0.1 * math.e)  # same satisfaction
    assert renewal.willingness(0.7, effortful) < renewal.willingness(0.7)


@given(
    satisfaction=st.floats(0.0, 1.0),
    reference=st.floats(0.3, 0.9),
    sensitivity=st.floats(0.0, 15.0),
    base=st.floats(0.0, 1.0),
    follow_through=st.floats(0.0, 1.0),
    period=st.integers(1, 365),
    effort=st.floats(0.0, 20.0),
    relationship=st.booleans(),
)
def test_the_renewal_shortcut_gives_exactly_the_published_formulas(
    satisfaction, reference, sensitivity, base, follow_through, period, effort, relationship
):
    renewal = loyalty.Renewal(
        reference, sensitivity, base, follow_through, period, 0.1, 0.2, 0.4, 1.5, 450.0, 0.3
    )
    drivers = renewal.effort_and_relationship_after(effort, 450.0, relationship)
    assert drivers == loyalty.effort_and_relationship(effort / 2, 0.4, relationship, 0.3)
    hazard = renewal.hazard(satisfaction, drivers)
    assert hazard == loyalty.churn_hazard(satisfaction, reference, sensitivity, base, drivers)
    assert renewal.leaving_probability(hazard) == loyalty.period_churn_probability(
        hazard, follow_through, period
    )
    assert renewal.willingness(satisfaction, drivers) == loyalty.willingness_to_buy_again(hazard)


def test_bad_and_intense_episodes_weigh_more_than_delight():
    assert loyalty.episode_weight(0.7, 0.9, False, 0.3, 0.6) == 0.3
    assert loyalty.episode_weight(0.7, 0.5, False, 0.3, 0.6) == 0.6
    assert loyalty.episode_weight(0.7, 0.9, True, 0.3, 0.6) == 0.6
    up = loyalty.remember(0.7, 0.8, 0.3) - 0.7
    down = 0.7 - loyalty.remember(0.7, 0.6, 0.6)
    assert down == pytest.approx(2 * up)


def test_a_case_is_remembered_by_its_worst_moment_and_its_end():
    assert loyalty.case_episode(0.2, 0.9, 0.3, 0.0) == pytest.approx(0.3 * 0.2 + 0.7 * 0.9)
    assert loyalty.case_episode(0.2, 0.9, 0.3, 0.1) < loyalty.case_episode(0.2, 0.9, 0.3, 0.0)
    # the worst moment weighs more the longer the problem lasted
    assert (
        loyalty.peak_weight_after(0.01, 1.5, 0.35) < loyalty.peak_weight_after(3, 1.5, 0.35) < 0.35
    )


def test_effort_counts_extra_contacts_transfers_hang_ups_and_waiting():
    assert loyalty.effort_points(1, 0, 0.0, 0) == 0.0
    assert loyalty.effort_points(3, 2, 25.0, 1) == pytest.approx(2 + 2 + 1 + 2.5)
    assert loyalty.customer_effort_score(0) == 1.0
    assert loyalty.customer_effort_score(50) == 7.0


def test_recovery_is_worse_when_slow_and_better_with_apology_and_compensation():
    floor = unresolved_experience(0.2, 0.1)
    fast = recovery_experience(0.1, 3.0, 0.6, True, 0.2, WEIGHTS, floor)
    slow = recovery_experience(10.0, 3.0, 0.6, True, 0.2, WEIGHTS, floor)
    rude = recovery_experience(0.1, 3.0, 0.6, False, 0.0, WEIGHTS, floor)
    assert floor == pytest.approx(0.3)
    assert floor < slow < fast
    assert rude < fast
    assert recovery_experience(1e6, 3.0, 1.0, True, 1.0, WEIGHTS, floor) == pytest.approx(floor)


def test_recovery_paradox_only_after_a_first_non_severe_failure():
    assert bounded_recovery(0.9, 0.7, first_failure=True, severe=False) == 0.9
    assert bounded_recovery(0.9, 0.7, first_failure=False, severe=False) == 0.7
    assert bounded_recovery(0.9, 0.7, first_failure=True, severe=True) == 0.7
    assert bounded_recovery(0.5, 0.7, first_failure=False, severe=True) == 0.5


def test_complaining_rises_with_severity_from_a_small_floor():
    p = [problems.complaint_probability(s, 0.05, 0.7, 150) for s in (0, 5, 100, 1000)]
    assert p == sorted(p)
    assert p[0] == 0.05 and p[1] < 0.1 and p[3] > 0.69


def test_overpromising_raises_expectation_and_close_rate():
    assert expectation.expected_fit(0.8, 0.1) > expectation.expected_fit(0.8, 0.0)
    assert close_probability(0.35, 0.1, 1.0) > close_probability(0.35, 0.0, 1.0)
    assert close_probability(0.9, 1.0, 10.0) == 1.0
    assert (
        expectation.order_experience(0.9, 0.8, 0.8, 2.0)
        > 0.8
        > expectation.order_experience(0.7, 0.8, 0.8, 2.0)
    )


def test_expectations_follow_what_was_delivered():
    assert expectation.learn_expectation(0.8, 0.6, 0.3) == pytest.approx(0.74)
    assert expectation.learn_expectation(0.8, 0.9, 0.0) == 0.8


def test_ledger_books_profit_and_discounts_later_cash():
    ledger = Ledger(cogs_share=0.5, discount_rate_per_year=0.1)
    ledger.earn(1000.0, day=0.0)
    ledger.spend("salaries_frontline", 100.0, day=365.0)
    assert ledger.costs["cost_of_goods"] == 500.0
    assert ledger.profit == pytest.approx(400.0)
    assert ledger.npv == pytest.approx(500.0 - 100.0 / 1.1)
    assert discount_factor(730, 0.1) == pytest.approx(1 / 1.21)


class Clerk:
    in_hand = 0  # one job at a time: none left in hand when it is released

    def __init__(self):
        self.jobs = []

    def start(self, job):
        self.jobs.append(job)


def test_server_pool_serves_first_come_first_served_and_skips_withdrawn_jobs():
    now = [0.0]
    clerk = Clerk()
    pool = ServerPool([clerk], clock=lambda: now[0])
    a, b, c, d = (object() for _ in range(4))  # jobs are identified by identity
    assert pool.submit(a) is True
    for job in (b, c, d):
        assert pool.submit(job) is False
    now[0] = 1.0
    pool.withdraw(c)
    assert pool.queue_length == 2
    now[0] = 2.0
    pool.release(clerk)
    now[0] = 4.0
    pool.release(clerk)
    assert clerk.jobs == [a, b, d]
    # queue of 3 for 1 day, 2 for 1 day, 1 for 2 days: area 7 over 4 days
    assert pool.mean_queue_length() == pytest.approx(7 / 4)
    pool.release(clerk)
    assert pool.idle == [clerk] and pool.queue_length == 0


@given(st.floats(0.0, 1.0), st.floats(-1e6, 1e6), st.floats(0.0, 1.0))
def test_satisfaction_stays_on_its_scale_whatever_the_episode(
    satisfaction: float, experience: float, weight: float
) -> None:
    """An overloaded queue can push an episode far below 0; satisfaction stays in 0..1."""
    assert 0.0 <= loyalty.remember(satisfaction, experience, weight) <= 1.0

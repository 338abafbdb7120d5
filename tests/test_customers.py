"""Customers as people: segments, word of mouth, referrals, reputation, public complaints."""

import numpy as np
import pytest
from conftest import make_scenario, run_small, small_library

from cxsim.kpis import summarise
from cxsim.mechanisms import word_of_mouth as wom
from cxsim.mechanisms.proactive import told_first_experience
from cxsim.mechanisms.problems import problem_experience
from cxsim.records import RAISED_FIRST
from cxsim.runner import simulate

SEEDS = (42, 1, 2)


@pytest.fixture(scope="module")
def side_by_side():
    """Baseline and poor complaint handling as small firms, paired (common random numbers) at
    three seeds (retention 5-10 points lower at each, 2026-12-08)."""
    return [
        tuple(
            summarise(simulate(small_library(name, f"seed={seed}")))
            for name in ("baseline", "poor_complaint_handling")
        )
        for seed in SEEDS
    ]


def _total(pairs, which: int, kpi: str) -> float:
    return sum(pair[which][kpi] for pair in pairs)


def test_poor_complaint_handling_costs_referrals_word_of_mouth_and_retention(side_by_side):
    """Over three paired seeds: fewer referrals, more bad news; less retention at each seed."""
    assert _total(side_by_side, 1, "referrals") < _total(side_by_side, 0, "referrals")
    bad = "negative_word_of_mouth"
    assert _total(side_by_side, 1, bad) > _total(side_by_side, 0, bad)
    for baseline, poor in side_by_side:
        assert poor["retention_rate"] < baseline["retention_rate"]
        # every case with a remedy escalates, to one slow supervisor working office hours: the
        # backlog grows (so fewer escalated cases close within the run, and the closed cases'
        # escalation rate says little)
        assert (
            poor["staff"]["supervisors"]["utilisation"]
            > baseline["staff"]["supervisors"]["utilisation"]
        )
        for summary in (baseline, poor):
            assert 0.0 < summary["silent_churn_share"] < 1.0  # named separately in every summary


def test_dissatisfied_customers_tell_more_people_than_satisfied_ones():
    assert wom.telling_count(0.1, 0.35, 0.9, 3, 1) == -3
    assert wom.telling_count(0.95, 0.35, 0.9, 3, 1) == 1
    assert wom.telling_count(0.6, 0.35, 0.9, 3, 1) == 0
    # about episodes alone (no everyday advice), bad news outnumbers good
    _, kpi = run_small("word_of_mouth.advice_per_year=0")
    assert kpi["negative_word_of_mouth"] > kpi["positive_word_of_mouth"] > 0


def test_the_network_is_a_small_world_and_newcomers_join_it():
    neighbours = wom.small_world(500, 6, 0.1, seed=1)
    assert np.mean([len(n) for n in neighbours]) == pytest.approx(6, abs=0.01)
    assert all(i in neighbours[j] for i, ns in enumerate(neighbours) for j in ns)
    model, _ = run_small()
    referred = [
        a
        for a in model.agents
        if getattr(a, "referrer", None) is not None and a.status != "prospect"
    ]
    assert referred and all(c.referrer in c.contacts and c in c.referrer.contacts for c in referred)


def test_referrals_bring_customers_and_silence_them_brings_none():
    """Paired runs at three seeds: referred prospects add to the customers won."""
    gained = []
    for seed in range(3):
        _, with_referrals = run_small(f"seed={seed}")
        _, without = run_small(f"seed={seed}", "word_of_mouth.referrals_per_promoter_per_year=0")
        assert with_referrals["referrals"] > 10 and without["referrals"] == 0
        gained.append(with_referrals["new_customers"] - without["new_customers"])
    assert sum(gained) > 0 and sum(g > 0 for g in gained) >= 2


def test_public_complaints_keep_prospects_away_for_a_while():
    _, quiet = run_small("word_of_mouth.public_complaint_probability=0")
    _, loud = run_small("word_of_mouth.public_complaint_probability=1", "loyalty.severe_problem=0")
    assert quiet["public_complaints"] == 0 and loud["public_complaints"] > 5
    assert loud["acquisitions_lost_to_reputation"] > quiet["acquisitions_lost_to_reputation"]
    assert wom.decay(0.3, 0.0, 30, 30) == pytest.approx(0.15)


def test_bad_news_lowers_reputation_and_with_it_new_sales():
    # with no everyday advice, the stories are mostly bad news
    quiet = "word_of_mouth.advice_per_year=0"
    _, calm = run_small(quiet, "word_of_mouth.reputation_per_telling=0")
    _, harsh = run_small(quiet, "word_of_mouth.reputation_per_telling=0.002")
    assert harsh["acquisitions_lost_to_reputation"] > calm["acquisitions_lost_to_reputation"]
    assert harsh["new_customers"] < calm["new_customers"]


def test_segments_have_their_shares_and_their_own_traits():
    model, kpi = run_small()
    customers = [a for a in model.agents if hasattr(a, "traits") and a.initial]
    shares = {s.name: s.share for s in model.params.customers.segments}
    for name, share in shares.items():
        members = [c for c in customers if c.traits.segment == name]
        # 400 draws by share: within three binomial standard deviations (at most 0.075)
        assert len(members) / len(customers) == pytest.approx(share, abs=0.075)
    key = [c.traits for c in customers if c.traits.segment == "key_accounts"]
    small = [c.traits for c in customers if c.traits.segment == "small_business"]
    assert np.mean([t.complaint_propensity for t in key]) > np.mean(
        [t.complaint_propensity for t in small]
    )
    assert len({t.patience_factor for t in key}) == len(key)  # each draws their own
    assert set(kpi["segments"]) == set(shares)


def test_repeat_contacts_are_counted_as_failure_demand():
    _, skilled = run_small("frontline.skill_mean=0.9")
    _, unskilled = run_small("frontline.skill_mean=0.4")
    assert unskilled["repeat_contact_rate"] > skilled["repeat_contact_rate"] > 0


def test_customers_use_their_channels_and_switch_when_failed():
    model, kpi = run_small()
    first = kpi["first_channel_share"]
    assert all(first[c] > 0.05 for c in ("phone", "chat", "email", "self_service"))
    assert 0.0 < kpi["channel_switch_rate"] < 0.5
    assert kpi["channels"]["chat"]["offered"] > 0 and kpi["channels"]["email"]["offered"] > 0
    assert kpi["channels"]["email"]["abandonment_rate"] == 0.0  # nobody gives up on email
    _, eager = run_small("channels.switch_probability=1")
    _, loyal = run_small("channels.switch_probability=0")
    assert eager["channel_switch_rate"] > loyal["channel_switch_rate"]


def test_self_service_takes_routine_load_off_the_phones():
    _, weak = run_small("channels.self_service.containment=0")
    _, strong = run_small("channels.self_service.containment=1")
    assert strong["contact_centre"]["offered"] < weak["contact_centre"]["offered"]
    assert strong["costs"]["self_service"] > 0


def test_a_shared_record_spares_customers_from_re_explaining():
    silo, silo_kpi = run_small()
    shared, shared_kpi = run_small("shared_record.enabled=true")
    assert sum(c.reexplanations for c in silo.recorder.cases) > 100
    assert sum(c.reexplanations for c in shared.recorder.cases) == 0
    assert shared_kpi["ces"] < silo_kpi["ces"]


def test_a_problem_told_first_is_remembered_better_than_one_found_alone():
    model = simulate(make_scenario("customers.initial=200", "horizon.days=60"))
    told, found = [c for c in model.roster.members if c.case is None][:2]
    told.satisfaction = found.satisfaction = 0.7
    complaints, cases = model.counters["complaints"], len(model.recorder.cases)
    told.told_first(200.0)
    p = model.params
    sting = problem_experience(
        200.0, p.loyalty.met_expectation, p.problems.problem_drop, p.problems.impact_scale
    )
    found.remember(sting, intense=True)  # the same problem, noticed alone
    assert told.satisfaction > found.satisfaction
    assert told.case is None and len(model.recorder.cases) == cases  # nothing to pursue
    assert model.counters["complaints"] == complaints  # no complaint to decide on
    assert model.recorder.problems[-1].outcome == RAISED_FIRST
    assert model.counters["proactive_contacts"] == 1
    assert told_first_experience(0.2, 0.0) == 0.2 and told_first_experience(0.2, 1.0) == 1.0

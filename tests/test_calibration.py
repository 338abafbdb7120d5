"""Default parameters reproduce published figures; the stylised facts of cxsim validate appear.

The facts test is here, not in tests/test_validation.py, because several facts read the
calibration scenario's run, which ``calibration_records`` keeps per process: in one test file
(one pytest-xdist worker) the run is made once (about 25 s) instead of twice.
"""

import pytest
from conftest import small_library

from cxsim.calibration import (
    CALIBRATION_SCENARIO,
    calibration_records,
    complaint_rates,
    contact_target,
    effort_targets,
    tarp_targets,
    word_of_mouth_target,
)
from cxsim.records import PROBLEM_OUTCOMES
from cxsim.scenario import load_scenario
from cxsim.validation import STYLISED_FACTS, run_stylised_facts


@pytest.fixture(scope="module")
def records():
    return calibration_records(load_scenario(CALIBRATION_SCENARIO))


def test_tarp_willingness_to_buy_again_within_ten_points_and_in_order(records):
    problems, *_ = records
    targets = tarp_targets(problems)
    assert len(targets) == 8
    for t in targets:
        assert t.count >= 10, t
        assert t.passed, t  # within 10 points of TARP's figure
    for size in ("large", "small"):
        values = [t.model for t in targets if t.name.startswith(size)]
        assert values == sorted(values), (size, values)  # silent < unresolved < ... < quickly
    assert [t.name.split(", ")[1] for t in targets[:4]] == list(PROBLEM_OUTCOMES)


def test_high_effort_leaves_far_more_customers_disloyal(records):
    low, high = effort_targets(records[1])
    assert high.model - low.model > 0.6  # CEB: 96% vs 9%
    assert low.passed and high.passed, (low, high)  # each within 15 points


def test_each_extra_contact_costs_about_fifteen_points_of_top_box(records):
    target = contact_target(records[1])
    assert target.passed, target  # 7.5 to 22.5 points per contact


def test_complaining_rises_with_severity_and_is_rare_for_small_problems(records):
    rates = [rate for _, rate, _ in complaint_rates(records[0])]
    assert rates == sorted(rates)
    assert rates[0] < 0.10


def test_good_news_is_told_about_three_times_as_often_as_bad(records):
    target = word_of_mouth_target(records[2])
    assert target.count > 10_000
    assert target.passed, target  # East et al. 2007: a quarter of the stories, +-10 points


def test_stylised_facts_appear_in_a_small_organisation():
    # the library baseline (office hours, a loaded centre) as a firm of 400 customers scaled
    # whole; cxsim validate checks the same facts on the baseline itself
    base = small_library("baseline")
    results = {fact.name: result for fact, result in run_stylised_facts(base, 2, jobs=2)}
    assert len(results) == len(STYLISED_FACTS) >= 3
    assert all(r.status in ("pass", "reported") for r in results.values()), results
    elasticity = next(r for name, r in results.items() if "Elasticity" in name)
    assert "points of retention raise profit" in elasticity.finding

"""The contact centre reproduces Erlang C and Erlang A; the validation document is current.

The stylised facts are checked in tests/test_calibration.py, beside the calibration run that
several of them read (one run per test process).
"""

import math
from pathlib import Path

import numpy as np
import pytest
from conftest import make_scenario

from cxsim.peer import PEER_QUANTITIES
from cxsim.scenario import with_overrides
from cxsim.statistics import correlation_estimate
from cxsim.validation import (
    PEER_SCENARIOS,
    QUANTITIES,
    STYLISED_FACTS,
    analytical_values,
    estimate,
    shipped_validation_scenarios,
    validate_queue,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "validation.md"


def test_estimate_is_the_student_t_interval():
    e = estimate([1.0, 2.0, 3.0, 4.0])
    assert e.mean == 2.5 and e.n == 4
    half = 3.182446305284263 * math.sqrt(5 / 3) / 2  # t(0.975, 3) * sd / sqrt(n)
    assert e.low == pytest.approx(2.5 - half) and e.high == pytest.approx(2.5 + half)


def test_one_value_has_no_interval_and_correlations_stay_within_one():
    assert math.isnan(estimate([0.4]).low) and not estimate([0.4]).significant
    r = correlation_estimate([-0.9, -0.5, 0.3])  # a t-interval on r reaches below -1
    assert -1 < r.low < r.mean < r.high < 1
    assert r.mean == pytest.approx(math.tanh(np.mean(np.arctanh([-0.9, -0.5, 0.3]))))


def test_validation_scenarios_use_the_contract_keys():
    erlang_c, erlang_a = shipped_validation_scenarios()
    assert erlang_c.contact_centre.patience_minutes is None
    assert erlang_a.contact_centre.patience_minutes == 5.0
    assert erlang_c.customers.initial == 0 == erlang_a.customers.initial
    assert analytical_values(erlang_c)["wait_probability"] == pytest.approx(0.44939, abs=1e-5)
    assert analytical_values(erlang_a)["service_level"] == pytest.approx(0.858, abs=5e-4)


@pytest.mark.parametrize("index", [0, 1], ids=["erlang_c", "erlang_a"])
def test_shipped_validation_scenarios_match_the_exact_values(index):
    params = shipped_validation_scenarios()[index]
    short = with_overrides(params, ["horizon.days=9", "warmup.days=1"])
    # Six correlated comparisons at 95% each raised a false alarm for one seed in five when
    # measured (seeds 1-4 and 42 at this size); 99% keeps them rare, as for OTHER_CENTRES.
    for comparison in validate_queue(short, replications=8, jobs=2, level=0.99):
        assert comparison.passed, comparison


# Other arrival rates, handling times, agent counts and patience values (a user's own keys).
# Thirty comparisons are made here, so each uses a 99% interval to keep false alarms rare.
OTHER_CENTRES = [
    (
        "contact_centre.arrival_rate_per_hour=30",
        "contact_centre.aht_minutes=6",
        "contact_centre.agents=4",
        "contact_centre.patience_minutes=null",
    ),
    (
        "contact_centre.arrival_rate_per_hour=60",
        "contact_centre.aht_minutes=10",
        "contact_centre.agents=10",
        "contact_centre.patience_minutes=3",
    ),
    (
        "contact_centre.arrival_rate_per_hour=300",
        "contact_centre.aht_minutes=2",
        "contact_centre.agents=9",
        "contact_centre.patience_minutes=1.5",
        "contact_centre.service_level_seconds=15",
    ),
]


@pytest.mark.parametrize("keys", OTHER_CENTRES, ids=["mmc-small", "mmcm-busy", "mmcm-overload"])
def test_any_pure_contact_centre_matches_the_formulas(keys):
    erlang = shipped_validation_scenarios()[1]  # a pure queue: around the clock, exponential
    params = with_overrides(erlang, ["horizon.days=12", "warmup.days=1", *keys])
    for comparison in validate_queue(params, replications=8, jobs=2, level=0.99):
        assert comparison.passed, comparison


def test_warmup_is_left_out_of_the_contact_centre_statistics():
    from cxsim.runner import simulate

    keys = (
        "customers.initial=0",
        "customers.arrival_rate_per_day=0",
        "horizon.days=4",
        "contact_centre.arrival_rate_per_hour=60",
        "contact_centre.agents=3",
    )
    full = simulate(make_scenario(*keys)).contact_centre.stats
    after = simulate(make_scenario(*keys, "warmup.days=2")).contact_centre.stats
    assert after.since == 2.0 and full.since == 0.0
    assert 0.35 * full.offered < after.offered < 0.65 * full.offered


def test_validation_document_shows_every_comparison_and_fact():
    text = DOCS.read_text()
    exact, peer = text.split("## Queueing against the Ciw simulator")
    for params in shipped_validation_scenarios():
        assert f"### {params.name}" in exact
    for label in QUANTITIES.values():
        assert exact.count(f"| {label} |") == 2
    for name in PEER_SCENARIOS:
        assert f"### {name.replace('_', '-')}" in peer
    for label in PEER_QUANTITIES.values():
        assert peer.count(f"| {label} |") == len(PEER_SCENARIOS)
    for fact in STYLISED_FACTS:
        assert f"### {fact.name}" in text
    assert "**no**" not in text and "**fail**" not in text

"""Word of mouth: who tells, how many, about what (East et al. 2007; SQM Group; CEB 2010)."""

from __future__ import annotations

import pytest
from conftest import run_small

from cxsim.mechanisms.loyalty import nps_group
from cxsim.mechanisms.word_of_mouth import telling_probability

QUIET = ("word_of_mouth.advice_per_year=0",)


def _bad_share(summary: dict) -> float:
    good, bad = summary["positive_word_of_mouth"], summary["negative_word_of_mouth"]
    return bad / (good + bad)


def test_the_worse_an_episode_the_likelier_it_is_told():
    assert telling_probability(0.0, 0.2, 0.74) == pytest.approx(0.74)  # SQM: the very unhappy
    assert telling_probability(0.1, 0.2, 0.74) == pytest.approx(0.37)
    assert telling_probability(0.2, 0.2, 0.74) == 1.0  # not bad news: a delight is told
    # what a customer says of the supplier: well unless a detractor (promoters and passives)
    assert nps_group(0.95) != "detractor" and nps_group(0.8) != "detractor"
    assert nps_group(0.5) == "detractor"  # detractors warn


def test_customers_speak_of_their_supplier_mostly_in_its_favour():
    """Advice in conversation makes good news the commoner story (East et al. 2007)."""
    _, quiet = run_small(*QUIET)
    _, talking = run_small()
    assert talking["positive_word_of_mouth"] > 5 * quiet["positive_word_of_mouth"]
    assert _bad_share(quiet) > 0.5  # without advice, stories are about problems
    assert _bad_share(talking) < 0.5


def test_advice_raises_the_reputation_when_most_of_it_is_good():
    """Paired runs (common random numbers), 3 seeds: positive word of mouth on balance raises
    the organisation's reputation among prospects above neutral in each; without advice it
    ends below. (That a poorer reputation costs new customers: test_customers.py,
    ``test_bad_news_lowers_reputation_and_with_it_new_sales``.)"""
    for seed in range(3):
        quiet_model, _ = run_small(f"seed={seed}", *QUIET)
        talking_model, _ = run_small(f"seed={seed}")
        assert talking_model.reputation.level > 1.0 > quiet_model.reputation.level, seed

"""Handling times as measured: lognormal spread around the mean (Brown et al. 2005)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_scenario

from cxsim.mechanisms.handling import handling_time
from cxsim.runner import replicate, run_summary
from cxsim.scenario import ScenarioError, load_scenario
from cxsim.statistics import estimate

LOGNORMAL = ("contact_centre.handling.distribution=lognormal", "contact_centre.handling.cv=0.6")
DAYS, WARMUP, REPLICATIONS = 6.0, 1.0, 4


def test_lognormal_handling_has_the_mean_and_spread_asked_for():
    rng = np.random.default_rng(3)
    draws = np.array([handling_time(rng, 9.0, "lognormal", 0.6) for _ in range(100_000)])
    assert draws.mean() == pytest.approx(9.0, rel=0.01)
    assert draws.std() / draws.mean() == pytest.approx(0.6, rel=0.02)
    assert np.median(draws) < draws.mean()  # most calls short, a long tail


def test_exponential_handling_draws_as_before():
    a, b = np.random.default_rng(5), np.random.default_rng(5)
    assert handling_time(a, 2.5, "exponential", 1.0) == b.exponential(2.5)


def test_a_spread_without_lognormal_is_refused_with_its_key_path():
    with pytest.raises(ScenarioError, match=r"contact_centre\.handling\.cv"):
        make_scenario("contact_centre.handling.cv=0.5")


def _cxsim(*assignments: str) -> list[dict]:
    params = load_scenario(
        "validation/erlang_c", assignments, horizon__days=DAYS, warmup__days=WARMUP
    )
    return [run_summary(p)["contact_centre"] for p in replicate(params, REPLICATIONS)]


def test_less_spread_in_handling_means_shorter_waits():
    """Allen-Cunneen: the wait scales with (1 + cv^2) / 2, so cv 0.6 waits about 0.68 as long."""
    exponential = estimate([r["mean_wait_minutes"] for r in _cxsim()]).mean
    lognormal = estimate([r["mean_wait_minutes"] for r in _cxsim(*LOGNORMAL)]).mean
    assert 0.5 < lognormal / exponential < 0.85

"""Handling times as measured: lognormal spread around the mean (Brown et al. 2005)."""

from __future__ import annotations

import ciw
import numpy as np
import pytest
from conftest import make_scenario

from cxsim.mechanisms.handling import handling_time, lognormal_parameters
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


def _ciw(seed: int) -> dict[str, float]:
    """The same M/LogN/12 queue in Ciw, in hours: 120 calls an hour, 5-minute mean, cv 0.6."""
    mu, sigma = lognormal_parameters(5.0 / 60.0, 0.6)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=120.0)],
        service_distributions=[ciw.dists.Lognormal(mean=mu, sd=sigma)],
        number_of_servers=[12],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(DAYS * 24.0)
    records = [r for r in simulation.get_all_records() if r.arrival_date >= WARMUP * 24.0]
    busy = sum(r.service_time for r in records)
    return {
        "mean_wait_minutes": 60.0 * float(np.mean([r.waiting_time for r in records])),
        "occupancy": busy / (12 * (DAYS - WARMUP) * 24.0),
    }


def test_lognormal_handling_matches_ciw_on_the_same_queue():
    """cxsim's replications and Ciw's agree: their difference's 99% interval holds 0."""
    ours = _cxsim(*LOGNORMAL)
    peer = [_ciw(seed) for seed in range(REPLICATIONS)]
    for key in ("mean_wait_minutes", "occupancy"):
        a = np.array([r[key] for r in ours])
        b = np.array([r[key] for r in peer])
        # independent samples: the interval of the difference of means (Welch, normal approx.)
        half = 2.576 * np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
        assert abs(a.mean() - b.mean()) <= half, (key, a.mean(), b.mean(), half)


def test_less_spread_in_handling_means_shorter_waits():
    """Allen-Cunneen: the wait scales with (1 + cv^2) / 2, so cv 0.6 waits about 0.68 as long."""
    exponential = estimate([r["mean_wait_minutes"] for r in _cxsim()]).mean
    lognormal = estimate([r["mean_wait_minutes"] for r in _cxsim(*LOGNORMAL)]).mean
    assert 0.5 < lognormal / exponential < 0.85

"""Handling times as measured: lognormal spread around the mean (Brown et al. 2005)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import make_scenario

from cxsim.mechanisms.handling import handling_factor, handling_time
from cxsim.model import ServiceOrganisation
from cxsim.runner import replicate, run_summary
from cxsim.scenario import ScenarioError, load_scenario
from cxsim.stations.contact_centre import Contact
from cxsim.statistics import estimate
from cxsim.units import MINUTES_PER_DAY

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
        make_scenario(
            "contact_centre.handling.distribution=exponential", "contact_centre.handling.cv=0.5"
        )


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


def _mean_minutes(skill: float = 0.65, **spec: object) -> float:
    """Mean agent time per enquiry of the phone channel with ``spec`` changed."""
    params = load_scenario("validation/erlang_c", ["contact_centre.aht_minutes=12"])
    centre = ServiceOrganisation(params).channels["phone"]
    centre.spec = dataclasses.replace(centre.spec, **spec)
    times = [centre.answer(Contact(centre, None, 0.0), skill) for _ in range(40_000)]
    return float(np.mean(times)) * MINUTES_PER_DAY


def test_handling_time_depends_on_the_kind_of_contact():
    usual = {"routine": 1.0, "incident": 1.0, "requirement_gap": 1.0}
    assert _mean_minutes(by_kind={**usual, "enquiry": 2.0}) == pytest.approx(24.0, rel=0.03)
    assert handling_factor(2.0, 1.5, 0.0, 0.3) == 3.0  # a complaint, told again


def test_skilled_agents_are_quicker_when_skill_speeds_handling():
    assert _mean_minutes(skill=0.85, skill_speed=0.5) == pytest.approx(0.9 * 12.0, rel=0.03)
    assert _mean_minutes(skill=0.45, skill_speed=0.5) == pytest.approx(1.1 * 12.0, rel=0.03)
    assert _mean_minutes(skill=0.85) == pytest.approx(12.0, rel=0.03)  # skill_speed 0


def test_after_call_work_keeps_the_agent_busy():
    assert _mean_minutes(after_call_days=2.0 / MINUTES_PER_DAY) == pytest.approx(14.0, rel=0.03)

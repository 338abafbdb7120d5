"""Tests for cxsim.theory against published values and independent computations."""

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxsim.theory import (
    ErlangAResult,
    erlang_a,
    erlang_b,
    erlang_c_asa,
    erlang_c_service_level,
    erlang_c_wait_probability,
    littles_law_queue_length,
    occupancy,
    offered_load,
)

# Published Erlang A example: 100 contacts per 30 min, 3 min handling, 5 min mean
# patience, 13 agents, 20 s threshold; everything in minutes.
EA_RATE, EA_SERVICE, EA_PATIENCE, EA_AGENTS, EA_T = 100 / 30, 3.0, 5.0, 13, 20 / 60


def test_offered_load() -> None:
    """0.2 contacts/s times 240 s handling is 48 Erlangs."""
    assert offered_load(0.2, 240) == pytest.approx(48.0)


def test_erlang_c_published_55_agents() -> None:
    """0.2 contacts/s, 240 s handling, 55 agents (48 Erlangs)."""
    load = offered_load(0.2, 240)
    assert erlang_c_wait_probability(55, load) == pytest.approx(0.2387, abs=5e-4)
    assert erlang_c_asa(55, load, 240) == pytest.approx(8.18, abs=0.01)
    assert erlang_c_service_level(55, load, 240, 15) == pytest.approx(0.8459, abs=5e-4)
    assert erlang_c_service_level(55, load, 240, 20) == pytest.approx(0.8668, abs=5e-4)
    assert occupancy(55, load) == pytest.approx(48 / 55)


def test_erlang_c_published_12_agents() -> None:
    """10 Erlangs on 12 agents; service level at 30 s with 300 s handling."""
    assert erlang_c_wait_probability(12, 10) == pytest.approx(0.44939, abs=1e-5)
    assert erlang_c_service_level(12, 10, 300, 30) == pytest.approx(0.63207, abs=1e-4)


def test_erlang_b_matches_direct_formula() -> None:
    """B(c, a) = (a^c / c!) / sum_k a^k / k!, evaluated naively for small c."""
    for servers, load in [(1, 0.5), (5, 2.0), (12, 10.0), (30, 25.0)]:
        terms = [load**k / math.factorial(k) for k in range(servers + 1)]
        assert erlang_b(servers, load) == pytest.approx(terms[-1] / sum(terms), rel=1e-12)
    assert erlang_b(0, 3.0) == 1.0
    assert erlang_b(5, 0.0) == 0.0


def test_erlang_b_and_c_stable_at_1000_agents() -> None:
    """No overflow at 1000 agents; Erlang B agrees with a log-space evaluation."""
    for load in [10.0, 500.0, 950.0, 999.0, 1000.0, 2000.0]:
        b, c = erlang_b(1000, load), erlang_c_wait_probability(1000, load)
        assert 0.0 <= b <= c <= 1.0
    # log-space reference: log B = c log a - log c! - logsumexp_k(k log a - log k!)
    k = np.arange(1001)
    log_terms = k * math.log(950.0) - np.array([math.lgamma(i + 1) for i in k])
    log_b = log_terms[-1] - (log_terms.max() + math.log(np.exp(log_terms - log_terms.max()).sum()))
    assert erlang_b(1000, 950.0) == pytest.approx(math.exp(log_b), rel=1e-9)


def test_erlang_c_unstable() -> None:
    """Load >= servers: everyone waits, infinite ASA, zero service level, full occupancy."""
    assert erlang_c_wait_probability(10, 10.0) == 1.0
    assert erlang_c_asa(10, 12.0, 5.0) == math.inf
    assert erlang_c_service_level(10, 12.0, 5.0, 20.0) == 0.0
    assert occupancy(10, 12.0) == 1.0


def test_littles_law_matches_erlang_c_queue_length() -> None:
    """L_q = lambda W_q must equal the Erlang C queue length C a / (c - a)."""
    asa = erlang_c_asa(55, 48.0, 240)
    expected = erlang_c_wait_probability(55, 48.0) * 48 / 7
    assert littles_law_queue_length(0.2, asa) == pytest.approx(expected, rel=1e-12)


def test_erlang_a_published_13_agents() -> None:
    """Published Erlang A example; service level = answered within 20 s over all arrivals."""
    r = erlang_a(EA_AGENTS, EA_RATE, EA_SERVICE, EA_PATIENCE, EA_T)
    assert r.wait_probability == pytest.approx(0.226, abs=0.005)
    assert r.abandonment_probability == pytest.approx(0.025, abs=0.005)
    assert r.asa == pytest.approx(0.125, abs=0.005)
    assert r.service_level == pytest.approx(0.858, abs=0.005)
    assert r.occupancy == pytest.approx(0.750, abs=0.005)
    assert r.abandonment_probability == pytest.approx(r.asa / EA_PATIENCE, rel=1e-12)
    assert all(type(value) is float for value in dataclasses.astuple(r))


def _service_level_by_uniformisation(
    c: int, lam: float, service: float, patience: float, t: float, size: int = 200
) -> float:
    """Independent SL: direct stationary law plus uniformised CTMC of the tagged customer."""
    mu, gamma = 1 / service, 1 / patience
    weights = [(lam / mu) ** n / math.factorial(n) for n in range(c + 1)]
    for k in range(1, size):
        weights.append(weights[-1] * lam / (c * mu + k * gamma))
    pi = np.array(weights) / sum(weights)
    # transient states: k = 0..size-1 customers ahead; absorbing "answered" = index size
    rate_max = c * mu + size * gamma
    step = np.zeros((size + 1, size + 1))
    for k in range(size):
        step[k, k - 1 if k else size] = (c * mu + k * gamma) / rate_max
        step[k, k] = 1 - (c * mu + (k + 1) * gamma) / rate_max
    step[size, size] = 1.0
    state = np.append(pi[c:], 0.0)
    answered, poisson = 0.0, math.exp(-rate_max * t)
    for n in range(2000):
        answered += poisson * state[size]
        state = state @ step
        poisson *= rate_max * t / (n + 1)
    return float(pi[:c].sum() + answered)


@pytest.mark.parametrize("threshold", [0.05, EA_T, 1.0, 4.0])
def test_erlang_a_service_level_matches_uniformisation(threshold: float) -> None:
    """Closed-form (incomplete beta) SL equals the uniformised tagged-customer chain."""
    r = erlang_a(EA_AGENTS, EA_RATE, EA_SERVICE, EA_PATIENCE, threshold)
    expected = _service_level_by_uniformisation(
        EA_AGENTS, EA_RATE, EA_SERVICE, EA_PATIENCE, threshold
    )
    assert r.service_level == pytest.approx(expected, abs=1e-10)


def test_erlang_a_service_level_limits() -> None:
    """SL(0) = 1 - P_wait, SL(inf) = 1 - P_abandon, no threshold gives None."""
    r0 = erlang_a(EA_AGENTS, EA_RATE, EA_SERVICE, EA_PATIENCE, 0.0)
    assert r0.service_level == pytest.approx(1 - r0.wait_probability, abs=1e-14)
    r_tiny = erlang_a(EA_AGENTS, EA_RATE, EA_SERVICE, EA_PATIENCE, 5e-324)
    assert r_tiny.service_level == pytest.approx(r0.service_level, abs=1e-14)
    r_long = erlang_a(EA_AGENTS, EA_RATE, EA_SERVICE, EA_PATIENCE, 1e4)
    assert r_long.service_level == pytest.approx(1 - r_long.abandonment_probability, abs=1e-12)
    assert erlang_a(EA_AGENTS, EA_RATE, EA_SERVICE, EA_PATIENCE).service_level is None


@pytest.mark.parametrize("patience", [None, math.inf])
def test_erlang_a_without_abandonment_is_erlang_c(patience: float | None) -> None:
    """Infinite patience returns the Erlang C values exactly."""
    r = erlang_a(EA_AGENTS, EA_RATE, EA_SERVICE, patience, EA_T)
    assert r == ErlangAResult(
        wait_probability=erlang_c_wait_probability(EA_AGENTS, 10.0),
        abandonment_probability=0.0,
        asa=erlang_c_asa(EA_AGENTS, 10.0, EA_SERVICE),
        service_level=erlang_c_service_level(EA_AGENTS, 10.0, EA_SERVICE, EA_T),
        occupancy=10 / 13,
    )


@pytest.mark.parametrize(("servers", "load"), [(13, 10.0), (55, 48.0), (1000, 990.0)])
def test_erlang_a_approaches_erlang_c_for_long_patience(servers: int, load: float) -> None:
    """Finite-patience formulas (incl. the SL) converge to Erlang C as patience grows."""
    c_values = (
        erlang_c_wait_probability(servers, load),
        erlang_c_asa(servers, load, 1.0),
        erlang_c_service_level(servers, load, 1.0, 0.1),
    )
    r = erlang_a(servers, load, 1.0, 1e7, 0.1)
    assert (r.wait_probability, r.asa, r.service_level) == pytest.approx(c_values, rel=1e-5)
    assert r.abandonment_probability < 1e-6


def test_erlang_a_stable_at_1000_agents_overloaded() -> None:
    """Heavily overloaded: the fluid limit gives P_ab = 1 - c/a and full occupancy."""
    r = erlang_a(1000, 2000.0, 1.0, 2.0, 0.05)
    assert r.wait_probability == pytest.approx(1.0, abs=1e-9)
    assert r.abandonment_probability == pytest.approx(0.5, abs=0.01)
    assert r.occupancy == pytest.approx(1.0, abs=1e-6)
    assert 0.0 <= r.service_level <= 1.0


def test_erlang_a_no_arrivals_and_frozen() -> None:
    """Zero arrivals: nobody waits; the result is immutable."""
    r = erlang_a(5, 0.0, 3.0, 5.0, 1.0)
    assert r == ErlangAResult(0.0, 0.0, 0.0, 1.0, 0.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.asa = 1.0  # type: ignore[misc]


@settings(max_examples=60, deadline=None)
@given(
    servers=st.integers(1, 300),
    utilisation=st.floats(0.05, 3.0),
    patience=st.floats(0.05, 50.0),
    threshold=st.floats(0.0, 5.0),
)
def test_erlang_a_properties(
    servers: int, utilisation: float, patience: float, threshold: float
) -> None:
    """P_ab = ASA / patience, ordering of probabilities, occupancy = carried load / c."""
    r = erlang_a(servers, servers * utilisation, 1.0, patience, threshold)
    assert r.abandonment_probability == pytest.approx(r.asa / patience, rel=1e-12)
    assert 0.0 <= r.abandonment_probability <= r.wait_probability <= 1.0
    assert 0.0 <= r.service_level <= 1.0 - r.abandonment_probability + 1e-12
    assert r.service_level >= 1.0 - r.wait_probability - 1e-12
    carried = servers * utilisation * (1 - r.abandonment_probability) / servers
    assert r.occupancy == pytest.approx(carried, rel=1e-9, abs=1e-12)
    assert r.occupancy <= 1.0 + 1e-12


@pytest.mark.parametrize(
    "call",
    [
        lambda: erlang_b(-1, 2.0),
        lambda: erlang_b(2.5, 2.0),
        lambda: erlang_b(True, 2.0),
        lambda: erlang_b(3, -1.0),
        lambda: erlang_b(3, math.nan),
        lambda: erlang_c_wait_probability(3, math.inf),
        lambda: erlang_c_asa(3, 1.0, 0.0),
        lambda: erlang_c_service_level(3, 1.0, 1.0, -1.0),
        lambda: occupancy(0, 1.0),
        lambda: offered_load(-0.1, 3.0),
        lambda: littles_law_queue_length(1.0, math.inf),
        lambda: erlang_a(0, 1.0, 1.0, 1.0),
        lambda: erlang_a(3, 1.0, 1.0, 0.0),
        lambda: erlang_a(3, 1.0, 1.0, -2.0),
        lambda: erlang_a(3, 1.0, 1.0, 1.0, math.nan),
        lambda: erlang_a(3, "1", 1.0, 1.0),
    ],
)
def test_invalid_inputs_raise(call: Callable[[], object]) -> None:
    """Negative, non-finite or non-integer inputs raise ValueError."""
    with pytest.raises(ValueError):
        call()

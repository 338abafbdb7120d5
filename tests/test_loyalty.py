"""Loyalty that is more than satisfaction: remembered effort and a relationship (CEB 2010)."""

from __future__ import annotations

import pytest
from conftest import run_small

from cxsim.agents.customer import Customer
from cxsim.calibration import HIGH_EFFORT_POINTS, judged_complaints

SATISFACTION_ONLY = ("loyalty.effort_sensitivity=0", "loyalty.relationship_weight=0")
OWNERS = ("frontline.case_ownership=owner",)


def test_a_high_effort_case_leaves_the_customer_less_willing_to_buy_again_whatever_it_felt():
    """CEB 2010: 96% of high-effort customers became more disloyal, whatever the outcome. With
    effort remembered, most high-effort cases that felt better than the customer's earlier
    memory still lower the willingness to buy again; read from satisfaction alone, none do."""
    model, _ = run_small()
    alone, _ = run_small(*SATISFACTION_ONLY)
    shares = []
    for m in (model, alone):
        high = [
            c for c in judged_complaints(m.recorder.cases) if c.effort_points >= HIGH_EFFORT_POINTS
        ]
        happier = [c for c in high if c.satisfaction_after > c.satisfaction_before]
        assert len(high) > 10 and happier
        lowered = sum(c.willingness_to_buy_again < c.willingness_before for c in happier)
        shares.append(lowered / len(happier))
    assert shares[0] > 0.5 and shares[1] == 0.0


def test_customers_remember_effort_and_a_relationship_with_their_case_owner():
    model, _ = run_small(*OWNERS)
    customers = list(model.agents_by_type[Customer])
    assert any(c.effort_memory > 0 for c in customers)
    related = [c for c in customers if c.relationship]
    assert related  # their last case was handled by its owner
    loyalty = model.params.loyalty
    for c in related[:20]:
        days = model.calendar.now - c.effort_day
        effort = c.effort_memory * 0.5 ** (days / loyalty.effort_memory_halflife_days)
        expected = loyalty.effort_sensitivity * effort - loyalty.relationship_weight
        assert c.effort_and_relationship() == pytest.approx(expected)


def test_remembered_effort_makes_customers_leave_whom_satisfaction_alone_would_keep():
    """CEB 2010: effort drives disloyalty beyond satisfaction. Paired runs (common random
    numbers), 3 seeds: fewer customers are kept when the decision to stay reads effort."""
    for seed in range(3):
        _, effort_read = run_small(f"seed={seed}")
        _, alone = run_small(f"seed={seed}", *SATISFACTION_ONLY)
        assert effort_read["retention_rate"] < alone["retention_rate"], seed


def test_a_relationship_with_a_case_owner_keeps_customers():
    """Seed 002: "a name to go with their solution". Paired runs (common random numbers),
    3 seeds, with case owners: the relationship they build keeps more customers over the three
    than the same owners without it."""
    kept = 0.0
    for seed in range(3):
        _, related = run_small(f"seed={seed}", *OWNERS)
        _, unrelated = run_small(f"seed={seed}", *OWNERS, "loyalty.relationship_weight=0")
        kept += related["retention_rate"] - unrelated["retention_rate"]
    assert kept > 0

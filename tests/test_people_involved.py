"""Every person a case passes through weighs on its memory, even when it ends resolved."""

from __future__ import annotations

from conftest import run_small

from cxsim.mechanisms.loyalty import people_penalty

FELT = ("loyalty.people_weight=0.05",)
UNFELT = ("loyalty.people_weight=0",)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def test_the_penalty_counts_people_beyond_the_first():
    assert people_penalty(0, 0.05) == people_penalty(1, 0.05) == 0.0
    assert people_penalty(3, 0.05) == 0.1


def test_cases_record_the_people_the_customer_dealt_with():
    model, summary = run_small()
    cases = model.recorder.cases
    assert all(c.people >= 1 for c in cases if c.resolved and c.channel != "self_service")
    assert all(c.people >= 2 for c in cases if c.escalated and c.resolved)
    assert summary["people_per_case"] > 1.0


def test_resolved_cases_through_several_people_are_remembered_worse():
    """Seed 002: "the more people who have to be involved ... even if the issue is resolved".

    Same seed with and without the weight: resolved cases handled by one person keep their
    experience much as they were; those passed through several lose more.
    """
    felt, _ = run_small(*FELT)
    unfelt, _ = run_small(*UNFELT)

    def ends(model, many: bool) -> float:
        return _mean(
            [c.experience for c in model.recorder.cases if c.resolved and (c.people > 1) == many]
        )

    drop_many = ends(unfelt, True) - ends(felt, True)
    drop_one = ends(unfelt, False) - ends(felt, False)
    assert drop_many > 0.03
    assert drop_many > drop_one + 0.02


def test_the_people_involved_lower_satisfaction_with_the_organisation():
    """Paired runs (common random numbers), 3 seeds: CSAT falls when people are felt, and the
    organisation ends with fewer customers, over the seeds (seed 002: "your reputation goes
    in the toilet"). At 400 customers one seed can show no change in CSAT (seed 0: +0.0002;
    seeds 1-4: -0.011 to -0.021, 2026-12-08). NPS, read from the customers who stayed, is too
    noisy at this size to show it: those made unhappiest are the first to leave."""
    csat_change = customers_change = 0.0
    for seed in range(3):
        _, felt = run_small(f"seed={seed}", *FELT)
        _, unfelt = run_small(f"seed={seed}", *UNFELT)
        csat_change += felt["csat"] - unfelt["csat"]
        customers_change += felt["customers_active_end"] - unfelt["customers_active_end"]
    assert csat_change < 0
    assert customers_change < 0

"""Checks before and after delivery: the final check and the follow-up call (seed 000)."""

from __future__ import annotations

from conftest import run_small

CHECK = ("sales.final_check.enabled=true",)
FOLLOW_UP = ("sales.follow_up.enabled=true",)


def _silent_gaps(model) -> int:
    return sum(
        p.kind == "requirement_gap" and p.outcome == "silent" for p in model.recorder.problems
    )


def test_the_final_check_sends_clear_misses_back_and_delivers_closer_to_the_need():
    plain_model, plain = run_small()
    model, checked = run_small(*CHECK)
    checks, caught = model.counters["final_checks"], model.counters["caught_by_final_check"]
    assert checks >= len(model.recorder.orders)  # every order is checked before handover
    assert 0 < caught < checks  # the clear misses, at the catch rate
    assert plain_model.counters["final_checks"] == 0
    # every catch is a rebuild: delivery's time, and closer to the need the salesperson confirmed
    delivery = checked["staff"]["delivery"]["utilisation"]
    assert delivery > plain["staff"]["delivery"]["utilisation"]
    assert (
        checked["translation_loss_by_stage"]["delivery"]
        < plain["translation_loss_by_stage"]["delivery"]
    )
    lenient, _ = run_small(*CHECK, "sales.final_check.tolerance=1")
    assert lenient.counters["caught_by_final_check"] == 0  # nothing beyond the tolerance


def test_a_follow_up_hears_of_silent_gaps_and_sends_them_to_rework():
    plain_model, plain = run_small()
    model, followed = run_small(*FOLLOW_UP)
    found = model.counters["gaps_found_by_follow_up"]
    assert model.counters["follow_ups"] > 0 and found > 0
    assert found < _silent_gaps(model)  # a share of those who kept quiet, while still customers
    assert followed["rework_rate"] > plain["rework_rate"]
    deaf, _ = run_small(*FOLLOW_UP, "sales.follow_up.reveal_share=0")
    assert deaf.counters["follow_ups"] > 0 == deaf.counters["gaps_found_by_follow_up"]


def test_checks_take_salesperson_time_from_new_needs():
    _, plain = run_small("sales.salespeople=1")
    _, both = run_small("sales.salespeople=1", *CHECK, *FOLLOW_UP)
    assert both["staff"]["sales"]["utilisation"] > plain["staff"]["sales"]["utilisation"]

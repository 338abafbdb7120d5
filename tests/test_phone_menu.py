"""The phone menu (IVR): time, hang-ups and misroutes add to effort (seeds 000, 002)."""

from __future__ import annotations

import pytest
from conftest import run_small

from cxsim.mechanisms.phone_menu import menu_hangup_probability, menu_minutes

MENU = ("contact_centre.ivr.levels=4", "contact_centre.ivr.hangup_per_level=0.05")


def test_menu_formulas():
    assert menu_minutes(4, 15.0) == 1.0
    assert menu_hangup_probability(4, 0.05) == pytest.approx(1 - 0.95**4)
    assert menu_hangup_probability(0, 0.5) == 0.0


def test_callers_hang_up_in_the_menu_and_some_land_in_the_wrong_queue():
    _, summary = run_small(*MENU)
    phone = summary["contact_centre"]
    assert phone["menu_abandonment_rate"] == pytest.approx(1 - 0.95**4, abs=0.03)
    assert phone["misroute_rate"] == pytest.approx(0.95**4 * 0.1, abs=0.02)
    _, none = run_small()
    assert none["contact_centre"]["menu_abandonment_rate"] == 0.0


def test_an_option_to_reach_a_person_avoids_the_menu_s_costs():
    _, summary = run_small(*MENU, "contact_centre.ivr.zero_out_share=1.0")
    assert summary["contact_centre"]["misroute_rate"] == 0.0
    assert summary["contact_centre"]["menu_abandonment_rate"] == 0.0


def test_a_deep_menu_raises_effort_and_handoffs():
    """Paired runs with the same seeds: every caller spends the menu's time, some are passed on."""
    for seed in range(3):
        _, plain = run_small(f"seed={seed}")
        _, menu = run_small(f"seed={seed}", *MENU, "contact_centre.ivr.misroute_probability=0.3")
        assert menu["ces"] > plain["ces"]
        assert menu["handoffs_per_case"] > plain["handoffs_per_case"]

"""cxsim against the Ciw simulator where no formula is exact (cxsim.peer; docs/validation.md).

The tests run the library's peer scenarios at a smaller size than ``cxsim validate`` does.
"""

from __future__ import annotations

import pytest

from cxsim.peer import compare_with_ciw
from cxsim.scenario import load_scenario

REPLICATIONS = 4


@pytest.mark.parametrize(
    ("name", "days"),
    [("lognormal", 6.0), ("business_day", 8.0)],  # M/LogN/12; a working week with a roster
)
def test_cxsim_and_ciw_agree_on_the_same_queue(name, days):
    params = load_scenario(f"validation/{name}", horizon__days=days)
    comparisons = compare_with_ciw(params, REPLICATIONS, jobs=1)
    disagreements = [
        (c.quantity, c.cxsim.mean, c.ciw.mean, c.half_width) for c in comparisons if not c.passed
    ]
    assert not disagreements
    assert {c.quantity for c in comparisons} >= {"waiting probability", "abandonment"}


def test_a_wrong_roster_is_caught():
    """The comparison has power: one agent fewer in the afternoon shows."""
    params = load_scenario("validation/business_day", horizon__days=8.0)
    fewer = load_scenario(
        "validation/business_day", ["contact_centre.roster.1.agents=10"], horizon__days=8.0
    )
    ours = {c.quantity: c.cxsim.mean for c in compare_with_ciw(fewer, REPLICATIONS, jobs=1)}
    theirs = {c.quantity: c for c in compare_with_ciw(params, REPLICATIONS, jobs=1)}
    wait = theirs["mean wait of all contacts, min"]
    assert ours["mean wait of all contacts, min"] > wait.ciw.high

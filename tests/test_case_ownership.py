"""Case ownership: the first agent who answers a case takes the customer's further contacts."""

from __future__ import annotations

from conftest import run_small

OWNERS = ("frontline.case_ownership=owner",)


def _reexplanations(model) -> int:
    return sum(case.reexplanations for case in model.recorder.cases)


def test_owners_take_the_repeat_contacts_and_nobody_retells_the_story():
    pool_model, pool = run_small()
    owner_model, owned = run_small(*OWNERS)
    phone = owned["contact_centre"]
    assert pool["contact_centre"]["owner_contacts"] == 0
    assert phone["owner_contacts"] > 0  # repeat contacts on the owner's direct line
    # a busy or absent owner costs a wait: some customers leave a message, many do not
    assert 0.05 < phone["owner_message_rate"] < 0.95
    # each contact that reached its owner is one story not told again (handovers to
    # supervisors, and contacts before anyone owned the case, still need it)
    owned_contacts = sum(channel["owner_contacts"] for channel in owned["channels"].values())
    saved = _reexplanations(pool_model) - _reexplanations(owner_model)
    assert saved > 0.8 * owned_contacts


def test_owners_keep_their_cases_and_colleagues_take_over_when_they_leave():
    steady, _ = run_small(*OWNERS, "workforce.turnover_per_year=0")
    leaving, _ = run_small(*OWNERS, "workforce.turnover_per_year=6")
    assert steady.counters["case_owner_takeovers"] == 0  # nobody leaves: owners keep cases
    assert leaving.counters["case_owner_takeovers"] > 0  # the leavers' cases found new owners


def test_an_owner_lowers_the_effort_of_getting_a_problem_solved():
    """Seed 003: owning the issue "minimizes the effort required from the customer".

    Paired runs (common random numbers) at three seeds: the customer effort score falls over
    the three. The relationship an owner builds is switched off here (``relationship_weight``
    0): the customers it keeps load the same centre, whose longer waits add effort to every
    case, and at this size that hides the owners' own effect (tests/test_loyalty.py tests the
    relationship).
    """
    change = 0.0
    for seed in range(3):
        _, pool = run_small(f"seed={seed}", "loyalty.relationship_weight=0")
        _, owned = run_small(f"seed={seed}", *OWNERS, "loyalty.relationship_weight=0")
        change += owned["ces"] - pool["ces"]
    assert change < 0

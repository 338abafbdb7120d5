"""Decisions taken during a run: from their day on, never before, and the same live or filed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from cxsim.model import ServiceOrganisation
from cxsim.scenario import Scenario, ScenarioError, load_scenario, scenario_from_dict

SMALL = ROOT / "tests" / "data" / "small_demo.yaml"
TRAINING = {
    "name": "skills",
    "role": "frontline",
    "start_day": 0,
    "days_off_floor": 3,
    "cost_per_person": 2000,
    "skill_gain": 0.5,
}


@pytest.fixture(scope="module")
def base() -> Scenario:
    return load_scenario(SMALL)


def _with_decisions(base: Scenario, *decisions: dict) -> Scenario:
    return scenario_from_dict({**base.model_dump(), "decisions": list(decisions)})


def _rows(org: ServiceOrganisation) -> list[dict]:
    return org.datacollector.get_model_vars_dataframe().to_dict("records")


def test_a_decision_changes_the_run_from_its_day_on_and_the_same_live_or_filed(base) -> None:
    changes = {"frontline.empowerment_limit": 1000, "proactive.detection_share": 0.4}
    plain, filed, live = (
        ServiceOrganisation(s)
        for s in (base, _with_decisions(base, {"day": 60, "set": changes}), base)
    )
    plain.run_until(150)
    filed.run_until(150)
    live.run_until(60)
    live.decide(changes, "the workshop's team")
    live.run_until(150)
    before, after = ([r for r in _rows(plain) if (r["day"] <= 60) == early] for early in (1, 0))
    assert [r for r in _rows(filed) if r["day"] <= 60] == before  # nothing moves before
    assert [r for r in _rows(filed) if r["day"] > 60] != after
    assert _rows(live) == _rows(filed)  # a decision between days is the filed one
    assert [(d.day, d.set) for d in live.decisions] == [(60.0, changes)]
    assert live.policy.empowerment_limit == 1000 and plain.policy.empowerment_limit < 1000


def test_added_positions_are_recruited_and_cut_ones_made_redundant(base) -> None:
    agents, org = base.contact_centre.agents, ServiceOrganisation(base)
    org.run_until(30)
    pool, open_before, serving = (
        org.channels["phone"].pool,
        _open(org),
        len(org.channels["phone"].pool.servers),
    )
    org.decide({"contact_centre.agents": agents + 3})
    assert _open(org) == open_before + 3
    assert len(pool.servers) == serving  # recruited: nobody serves before the hiring delay
    org.run_until(200)
    paid, open_now = org.ledger.costs["salaries_frontline"], _open(org)
    org.decide({"contact_centre.agents": agents - 2})  # five positions fewer
    redundant, deferred = org.counters["redundancies_frontline"], org.workforce.to_cut["phone"]
    assert _open(org) == 0 and open_now + redundant + deferred == 5  # open vacancies first
    assert redundant > 0 and org.ledger.costs["salaries_frontline"] > paid  # paid at once


def test_training_decided_mid_run_starts_then_and_shows_as_pending(base) -> None:
    org = ServiceOrganisation(base)
    org.run_until(40)
    skill = _frontline_skill(org)
    org.decide({"training": [TRAINING]})
    assert org.workforce.programmes["skills"][1] == 40.0  # its start day had passed
    waiting = org.workforce.trainees_waiting("skills")
    assert waiting == len(org.workforce.members("frontline")) - 1  # the first is away now
    org.run_until(40 + 3 * (waiting + 2))
    assert org.workforce.trainees_waiting("skills") == 0
    assert org.ledger.costs["training"] > 0 and _frontline_skill(org) > skill + 0.05


def test_a_shared_record_is_paid_from_the_decision_and_live_after_its_implementation(base):
    org = ServiceOrganisation(base)
    org.run_until(20)
    org.decide({"shared_record.enabled": True})
    assert org.records_live_day == 20 + base.shared_record.implementation_days
    org.run_until(org.records_live_day - 1)
    assert not org.policy.shared_record and not org.desk.shared_record
    assert org.ledger.costs["systems"] > 0  # the licence runs while it is implemented
    org.run_until(org.records_live_day + 1)
    assert org.policy.shared_record and org.desk.shared_record
    assert org.workforce.work.frontline.record_skill_gain == base.shared_record.skill_gain


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        (
            "{day: 30, set: {frontline.empowerment: 500}}",
            "decisions.0.set.frontline.empowerment: expected a key a decision can change "
            "(did you mean frontline.empowerment_limit?)",
        ),
        (
            "{day: 30, set: {contact_centre.agents: -1}}",
            "decisions.0.set.contact_centre.agents: expected greater than or equal to 0",
        ),
        (
            "{day: 30, set: {training: [{name: x, skill_gain: 3}]}}",
            "decisions.0.set.training.0.skill_gain: expected less than or equal to 1",
        ),
        ("{day: 30, set: {}}", "decisions.0.set: expected"),
    ],
)
def test_bad_decisions_are_refused_in_one_line(tmp_path: Path, decision: str, expected: str):
    path = tmp_path / "phased.yaml"
    path.write_text(f"extends: {SMALL}\ndecisions:\n  - {decision}\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert message.startswith(str(path)) and "\n" not in message
    assert expected in message


def test_decisions_out_of_order_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "phased.yaml"
    path.write_text(
        f"extends: {SMALL}\ndecisions:\n"
        "  - {day: 90, set: {supervisors.count: 2}}\n"
        "  - {day: 30, set: {sales.verification: true}}\n"
    )
    with pytest.raises(ScenarioError, match=r"decisions\.1\.day: expected at least 90"):
        load_scenario(path)


def _frontline_skill(org: ServiceOrganisation) -> float:
    members = [
        m for post in org.workforce.posts if post.role == "frontline" for m in post.pool.servers
    ]
    return sum(m.skill for m in members) / len(members)


def _open(org: ServiceOrganisation, post: str = "phone") -> int:
    return sum(v.post.name == post and v.member is None for v in org.workforce.vacancies)

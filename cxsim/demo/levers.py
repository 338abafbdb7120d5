"""The levers a workshop can pull, in plain language, and how each changes a scenario.

Each lever has the label, unit and one-sentence explanation shown on screen, and maps its value
to scenario overrides, so the demo runs exactly the model that ``cxsim run`` runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cxsim.scenario import Scenario, with_overrides, yaml_value
from cxsim.specs import positions

__all__ = ["Lever", "LEVERS", "apply_levers", "lever_defaults"]

TRAINING = {  # programme -> training list (seed 000: unified training; frontline_training.yaml)
    "none": [],
    "frontline skills": [
        {
            "name": "frontline-skills",
            "role": "frontline",
            "start_day": 30,
            "days_off_floor": 3,
            "cost_per_person": 2000,
            "skill_gain": 0.5,
        }
    ],
    "everyone together": [
        {
            "name": f"together-{role}",
            "role": role,
            "start_day": 30,
            "days_off_floor": 2,
            "cost_per_person": 1500,
            "skill_gain": 0.3,
            "unified": role == "sales",
        }
        for role in ("sales", "delivery", "frontline")
    ],
}
HIRING = {"for skill": "skill", "for attitude and learning": "attitude", "cheapest": "cheapest"}
REWARDS = {"customer fit": 0.0, "sales volume": 1.0}


@dataclass(frozen=True, slots=True)
class Lever:
    """One control: what it is called on screen, its unit, what it does, and its effect."""

    name: str
    label: str
    unit: str
    tooltip: str
    kind: str  # "int", "bool" or "choice"
    overrides: Callable[[Any], list[str]]
    current: Callable[[Scenario], Any]
    low: int = 0
    high: int = 0
    step: int = 1
    choices: tuple[str, ...] = ()


def _key(path: str) -> Callable[[Any], list[str]]:
    return lambda value: [f"{path}={str(value).lower() if isinstance(value, bool) else value}"]


def _reverse(mapping: Mapping[str, Any], value: Any) -> str:
    return next((label for label, v in mapping.items() if v == value), next(iter(mapping)))


LEVERS: tuple[Lever, ...] = (
    Lever(
        "authority",
        "Frontline authority per case",
        "money",
        "How much an agent may refund, credit or redo without asking a supervisor.",
        "int",
        _key("frontline.empowerment_limit"),
        lambda s: int(s.frontline.empowerment_limit),
        0,
        2000,
        50,
    ),
    Lever(
        "agents",
        "Phone agents on duty",
        "people",
        "People answering the phone at any moment; fewer means longer waits.",
        "int",
        _key("contact_centre.agents"),
        lambda s: s.contact_centre.agents,
        1,
        30,
    ),
    Lever(
        "supervisors",
        "Supervisors",
        "people",
        "People who decide the cases the frontline may not; fewer means a longer queue.",
        "int",
        _key("supervisors.count"),
        lambda s: s.supervisors.count,
        1,
        5,
    ),
    Lever(
        "verification",
        "Sales confirms needs in writing",
        "on/off",
        "Before an order goes to delivery, the salesperson plays the need back to the customer.",
        "bool",
        _key("sales.verification"),
        lambda s: s.sales.verification,
    ),
    Lever(
        "shared_record",
        "One shared customer record",
        "on/off",
        "Sales, delivery and service see the same history, so nobody asks twice.",
        "bool",
        _key("shared_record.enabled"),
        lambda s: s.shared_record.enabled,
    ),
    Lever(
        "hiring",
        "We hire",
        "policy",
        "Whom recruiters pick when someone leaves: the most skilled, the quickest "
        "learners, or the cheapest.",
        "choice",
        lambda v: [f"workforce.hiring_policy={HIRING[v]}"],
        lambda s: _reverse(HIRING, s.workforce.hiring_policy),
        choices=tuple(HIRING),
    ),
    Lever(
        "training",
        "Training programme",
        "programme",
        "Staff go off the floor in turn from day 30 and come back more skilled; "
        "together, handoffs lose less.",
        "choice",
        lambda v: [f"training={yaml_value(TRAINING[v])}"],
        lambda s: "none" if not s.training else "frontline skills",
        choices=tuple(TRAINING),
    ),
    Lever(
        "rewards",
        "Salespeople are paid on",
        "incentive",
        "Paid on volume, salespeople promise more and push the standard product.",
        "choice",
        lambda v: [f"sales.volume_reward_weight={REWARDS[v]}"],
        lambda s: _reverse(REWARDS, s.sales.volume_reward_weight),
        choices=tuple(REWARDS),
    ),
    Lever(
        "proactive",
        "Proactive service",
        "on/off",
        "We spot 40% of incidents before the customer does and fix them first.",
        "bool",
        lambda on: [f"proactive.detection_share={0.4 if on else 0.0}"],
        lambda s: s.proactive.detection_share > 0,
    ),
)


def lever_defaults(base: Scenario) -> dict[str, Any]:
    """Each lever's setting in ``base`` (where the room starts)."""
    return {lever.name: lever.current(base) for lever in LEVERS}


def apply_levers(base: Scenario, values: Mapping[str, Any]) -> Scenario:
    """``base`` with every lever that differs from ``base`` applied."""
    start = lever_defaults(base)
    assignments = [
        a
        for lever in LEVERS
        if values.get(lever.name, start[lever.name]) != start[lever.name]
        for a in lever.overrides(values[lever.name])
    ]
    if not assignments:
        return base
    # today's staff are in post; positions the room adds are recruited (hiring delay, cost)
    assignments.append(f"workforce.positions_before={yaml_value(positions(base).model_dump())}")
    return with_overrides(base, assignments, "workshop levers").model_copy(
        update={"name": "with your changes"}
    )

"""The levers a workshop can pull, in plain language, and how each changes a scenario.

Each lever has the label, unit and one-sentence explanation shown on screen, and maps its value
to the scenario keys it changes, so the demo runs exactly the model that ``cxsim run`` runs:
pulled before the first day, a lever changes the scenario the team's organisation starts from;
pulled later, it is a decision from that day on (``scenario.Decision``, every key decidable).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cxsim.scenario import Scenario, decided
from cxsim.specs import positions

__all__ = ["Lever", "LEVERS", "LEVERS_BY_NAME", "apply_levers", "lever_changes", "lever_defaults"]

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
    changes: Callable[[Any], dict[str, Any]]  # value -> the scenario keys it sets
    current: Callable[[Scenario], Any]
    low: int = 0
    high: int = 0
    step: int = 1
    choices: tuple[str, ...] = ()


def _key(path: str) -> Callable[[Any], dict[str, Any]]:
    return lambda value: {path: value}


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
        lambda v: {"workforce.hiring_policy": HIRING[v]},
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
        lambda v: {"training": TRAINING[v]},
        lambda s: "none" if not s.training else "frontline skills",
        choices=tuple(TRAINING),
    ),
    Lever(
        "rewards",
        "Salespeople are paid on",
        "incentive",
        "Paid on volume, salespeople promise more and push the standard product.",
        "choice",
        lambda v: {"sales.volume_reward_weight": REWARDS[v]},
        lambda s: _reverse(REWARDS, s.sales.volume_reward_weight),
        choices=tuple(REWARDS),
    ),
    Lever(
        "proactive",
        "Proactive service",
        "on/off",
        "We spot 40% of incidents before the customer does and fix them first.",
        "bool",
        lambda on: {"proactive.detection_share": 0.4 if on else 0.0},
        lambda s: s.proactive.detection_share > 0,
    ),
)


LEVERS_BY_NAME = {lever.name: lever for lever in LEVERS}


def lever_defaults(base: Scenario) -> dict[str, Any]:
    """Each lever's setting in ``base`` (where the room starts)."""
    return {lever.name: lever.current(base) for lever in LEVERS}


def lever_changes(base: Scenario, values: Mapping[str, Any]) -> dict[str, Any]:
    """The scenario keys set by every lever in ``values`` that differs from ``base``."""
    start = lever_defaults(base)
    return {
        key: value
        for name, setting in values.items()
        if setting != start[name]
        for key, value in LEVERS_BY_NAME[name].changes(setting).items()
    }


def apply_levers(base: Scenario, values: Mapping[str, Any]) -> Scenario:
    """``base`` with every lever that differs from ``base`` applied from day 0."""
    changes = lever_changes(base, values)
    if not changes:
        return base
    # today's staff are in post; positions the room adds are recruited (hiring delay, cost)
    changes["workforce.positions_before"] = positions(base).model_dump()
    return decided(base, changes).model_copy(update={"name": "with your changes"})

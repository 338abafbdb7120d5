"""Who may fix what: the empowerment gap, escalation to supervisors and rework by delivery.

A frontline agent resolves a case on the spot when the remedy is within the empowerment limit
and the agent's skill suffices (seed 000, "Empowerment for first-contact resolution ... up to a
defined financial limit"; seed 002, Harrods). Without authority the case is handed to a
supervisor (an escalation, with its own queue); a product that misses the requirement goes back
to delivery for rework. An agent who lacks the skill does not solve the problem and the customer
has to contact again (failure demand), unless a specialist tier takes the cases beyond the
frontline's skill (seed 001: "product and process specialists"), at the cost of a handoff.
Escalation multiplies handling cost: MetricNet puts a tier-2 ticket at about 3x a tier-1 ticket.

Whoever solves a complaint also decides the remedy, and judgement can fail (seed 001: leaders
"do not have the confidence in their customer contact employees"): a grant is misjudged with
probability ``misjudgement * (1 - skill)``, half the time too generous (money beyond the
remedy) and half the time too little or the wrong fix (the customer comes back). The empowerment
limit is what a leader trades against that risk: below it, the agent's judgement; above it, the
supervisor's, after a handoff and a callback. The rate and the even split are assumptions.
"""

from __future__ import annotations

import math
from enum import Enum

__all__ = [
    "Route",
    "solve_probability",
    "frontline_route",
    "pass_up_probability",
    "supervisor_route",
    "Grant",
    "grant_judgement",
]

SKILL_SPREAD = 0.08  # logistic spread of the skill-versus-complexity contest (skill units)


class Route(Enum):
    """Where a case goes after someone has handled it."""

    RESOLVED = "resolved"
    REWORK = "rework"
    ESCALATE = "escalate"
    TRANSFER = "transfer"  # to a specialist
    NOT_SOLVED = "not_solved"
    SHORT = "short"  # a remedy too small or the wrong fix: the customer comes back


class Grant(Enum):
    """How well a remedy was judged."""

    RIGHT = "right"
    GENEROUS = "generous"  # more than the remedy needed
    SHORT = "short"  # too little, or the wrong fix


def solve_probability(skill: float, complexity: float) -> float:
    """Chance that a handler of ``skill`` solves a case of ``complexity``: logistic in their gap."""
    return 1.0 / (1.0 + math.exp(-(skill - complexity) / SKILL_SPREAD))


def frontline_route(
    remedy_cost: float,
    empowerment_limit: float,
    needs_rework: bool,
    solved: bool,
    specialists: bool = False,
    pass_up: bool = False,
) -> Route:
    """Route after a frontline contact: authority first, then skill, then rework if needed.

    An unsolved case the handler passes up (``pass_up``) goes to a specialist when there are
    ``specialists``, else to a supervisor; otherwise the customer is sent away to try again. A
    specialist's own route is the same without a further transfer.
    """
    if remedy_cost > empowerment_limit:
        return Route.ESCALATE
    if not solved:
        if not pass_up:
            return Route.NOT_SOLVED
        return Route.TRANSFER if specialists else Route.ESCALATE
    return Route.REWORK if needs_rework else Route.RESOLVED


def pass_up_probability(skill: float, policy_share: float, time_share: float) -> float:
    """Chance that a handler who could not solve a case passes it up, not sending them away.

    They see it was beyond them with probability ``skill`` (the less skilled believe they
    helped), the policy asks it of ``policy_share`` of those, and a hurried agent
    (``time_share`` of the standard handling time) skips it as often as they cut the time.

    The form is an assumption; seed 000 names the cost ("frustrating both the customer and the
    employee"), seed 003 the alternative ("own the issue").
    """
    return min(1.0, max(0.0, skill)) * policy_share * min(1.0, time_share)


def supervisor_route(needs_rework: bool, solved: bool) -> Route:
    """Route after a supervisor: solved cases are fixed (via rework if needed), else not solved."""
    if not solved:
        return Route.NOT_SOLVED
    return Route.REWORK if needs_rework else Route.RESOLVED


def grant_judgement(draw: float, skill: float, misjudgement: float) -> Grant:
    """How a handler of ``skill`` judges a remedy, from one uniform ``draw``.

    Misjudged with probability ``misjudgement * (1 - skill)``: the lower half of that band is
    too little, the upper half too generous.
    """
    wrong = misjudgement * (1.0 - skill)
    if draw < wrong / 2:
        return Grant.SHORT
    return Grant.GENEROUS if draw < wrong else Grant.RIGHT

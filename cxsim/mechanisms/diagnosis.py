"""Listening before solving at the frontline: understanding the real problem, and curiosity.

Seed 003: "Understand, Then Solve ... In the rush to serve the customer it is easy to fall into
the trap of diagnosing the problem before fully understanding the reason for the customer's
call"; and "Be Curious To Exceed Expectations ... Customers rarely volunteer more information
than is necessary to reach a resolution. Therefore, the service professional has a
responsibility to reveal broader needs." CEB 2010 found companies putting their first-contact
resolution at 76% where their customers put it at 40%: many contacts an agent closes as solved
come back.

A policy (``frontline.diagnosis``) sets the minutes an agent listens and asks before solving a
case, against the minutes they habitually spend, already inside the handling time; under work
pressure the agent cuts the listening with the rest of the handling time (Oliva and Sterman
2001). The chance of understanding the real problem saturates with the minutes listened,
``u(m) = 1 - exp(-m / scale)``. Understanding moves the agent's skill on the solve of
``cxsim.mechanisms.escalation`` by ``gain * (u(listened) - u(habitual))``: longer listening
solves more real problems with a fitting remedy; shorter listening solves fewer, and a contact
the habit would have solved and the hurry does not is a wrong fix: the agent closes it as solved
and the customer finds the problem still there later (a repeat contact: failure demand).
Listening beyond the habit reveals needs the customer did not state, each with probability
``share * (1 - exp(-extra / question_scale))``. No published figure gives these sizes: the
scales, the gain and the share of unstated needs are assumptions.
"""

from __future__ import annotations

import math

__all__ = ["understanding", "listening_skill", "wrong_fix", "reveal_probability"]


def understanding(minutes: float, scale: float) -> float:
    """Chance of understanding the real problem after ``minutes`` of listening.

    ``1 - exp(-minutes / scale)``: saturating, 63% of the way at ``scale``.
    """
    return 1.0 - math.exp(-minutes / scale)


def listening_skill(listened: float, habitual: float, scale: float, gain: float) -> float:
    """Skill the listening adds to the solve (negative when hurried): ``gain (u - u_habit)``."""
    return gain * (understanding(listened, scale) - understanding(habitual, scale))


def wrong_fix(draw: float, habitual_solve: float, listened_solve: float) -> bool:
    """Whether a hurried agent fixes the wrong problem, believing it solved.

    The one uniform ``draw`` decides the solve: below ``listened_solve`` the real problem is
    solved; between it and the chance the habitual listening would have had, the hurry misread
    it (a wrong fix); above both the agent knows they could not solve it.
    """
    return listened_solve <= draw < habitual_solve


def reveal_probability(extra_minutes: float, share: float, question_scale: float) -> float:
    """Chance that a contact reveals an unstated need: ``share (1 - exp(-extra / scale))``."""
    return share * (1.0 - math.exp(-max(0.0, extra_minutes) / question_scale))

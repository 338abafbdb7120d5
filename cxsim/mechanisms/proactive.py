"""Proactive service: a problem the organisation finds first and tells the customer about.

Seed 000: "anticipate customer needs or potential issues and address them before the customer
has to call. This defines a true value-add and creates positive surprise." A caught problem
still happened, with less money at stake (``proactive.damage_share``), but the customer hears of
it from the organisation, with the fix already arranged: no complaint to decide on, no case to
pursue, no effort. Its memory is the sting of the (smaller) problem, noticed oneself
(``cxsim.mechanisms.problems.problem_experience``), softened by being told first: the call
closes a share ``told_first_relief`` of the way from that sting to full satisfaction. How large
the share is has no published figure: it is an assumption, set so that a small problem told
first is remembered a little above a met expectation (a positive surprise) and a large one
below it.
"""

from __future__ import annotations

__all__ = ["told_first_experience"]


def told_first_experience(sting: float, relief: float) -> float:
    """Memory of a problem raised first by the organisation: ``sting + relief * (1 - sting)``."""
    return sting + relief * (1.0 - sting)

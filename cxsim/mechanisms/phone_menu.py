"""Phone menus (IVR): time spent in the menu, hang-ups in it, and calls sent to the wrong queue.

Seed 000 lists "complex phone trees" among the things that frustrate customers; seed 002 asks
for a person instead of having to "press a gazillion buttons to get to a human voice". A menu of
``levels`` choices takes ``seconds_per_level`` each; at each level a caller may hang up, so the
chance of giving up in the menu is ``1 - (1 - h) ** levels``; a wrongly chosen option lands the
caller with the wrong agent, who transfers them (a handoff and another wait). An option to reach
a person ends the menu at the first level. The figures of the library scenarios are
assumptions: no published study gives them for a B2B service line.
"""

from __future__ import annotations

__all__ = ["menu_minutes", "menu_hangup_probability"]


def menu_minutes(levels: int, seconds_per_level: float) -> float:
    """Minutes a caller spends going through every level of the menu."""
    return levels * seconds_per_level / 60.0


def menu_hangup_probability(levels: int, hangup_per_level: float) -> float:
    """Chance that a caller hangs up somewhere in a menu of ``levels`` levels."""
    return 1.0 - (1.0 - hangup_per_level) ** levels

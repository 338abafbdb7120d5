"""Shocks: events on the timeline that scale one process while they last.

A logistics disruption slows builds and raises incidents, a demand pulse brings more prospects
and routine requests, a price change scales fees, and a hiring freeze keeps vacancies open:
the pulse and step inputs with which system dynamics tests a policy (Sterman, *Business
Dynamics*, 2000), and with which Oliva and Sterman (2001) show service quality eroding under a
pressure that outlasts it. Several shocks of one kind multiply.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cxsim.scenario import Shock

__all__ = ["Shocks"]


@dataclass(frozen=True, slots=True)
class Shocks:
    """The scenario's shocks, asked what they do on a given day."""

    shocks: tuple[Shock, ...]

    def has(self, kind: str) -> bool:
        """Whether any shock of ``kind`` is planned."""
        return any(s.kind == kind for s in self.shocks)

    def factor(self, kind: str, day: float) -> float:
        """Product of the magnitudes of the shocks of ``kind`` active on ``day``."""
        factor = 1.0
        for shock in self.shocks:
            if shock.kind == kind:
                factor *= shock.factor_at(day)
        return factor

    def freeze_end(self, day: float) -> float | None:
        """End of the hiring freeze in force on ``day`` (inf if open-ended), or None."""
        ends = [
            s.end_day if s.end_day is not None else math.inf
            for s in self.shocks
            if s.kind == "hiring_freeze" and s.active_at(day)
        ]
        return max(ends) if ends else None

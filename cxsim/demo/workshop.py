"""Two organisations side by side: today, and today with the room's levers pulled.

Both run the same scenario file with the same seed (common random numbers: the same
prospects, needs and customer draws), so what differs on screen is the effect of the levers.
Each step is one simulated day; a few daily figures are kept for the live charts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from cxsim.agents.customer import ACTIVE, Customer
from cxsim.demo.levers import apply_levers, lever_defaults
from cxsim.mechanisms.loyalty import NPS_GROUPS, nps_group
from cxsim.mechanisms.requirements import STAGES
from cxsim.model import ServiceOrganisation
from cxsim.scenario import Scenario, load_scenario

__all__ = ["Workshop", "Tracker", "demo_scenario", "SCENARIO_ENV", "LOYALTY_STATES"]

SCENARIO_ENV = "CXSIM_DEMO_SCENARIO"  # set by ``cxsim demo SCENARIO``
DEFAULT_SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "workforce_dynamics.yaml"
LOYALTY_STATES = (*NPS_GROUPS, "left")


@cache
def demo_scenario(path: str | None = None) -> Scenario:
    """The scenario the room starts from.

    ``path``, else the demo's environment setting, else the baseline with staff turnover (so
    that hiring and training levers matter).
    """
    return load_scenario(path or os.environ.get(SCENARIO_ENV) or DEFAULT_SCENARIO)


@dataclass
class Tracker:
    """Daily figures of one organisation, updated from its records as they grow."""

    org: ServiceOrganisation
    series: dict[str, list[float]] = field(
        default_factory=lambda: {
            k: []
            for k in (
                "day",
                "customers",
                "profit",
                "queue",
                "wait_minutes",
                "fcr",
                "escalations",
                "effort",
            )
        }
    )
    _cases: int = 0
    _orders: int = 0
    _sums: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(("fcr", "escalated", "ces", *STAGES), 0.0)
    )
    _answered: tuple[int, float] = (0, 0.0)

    def record(self) -> None:
        """Append today's row."""
        org, sums = self.org, self._sums
        for case in org.recorder.cases[self._cases :]:
            sums["fcr"] += case.first_contact_resolution
            sums["escalated"] += case.escalated
            sums["ces"] += case.ces
        for order in org.recorder.orders[self._orders :]:
            for stage in STAGES:
                sums[stage] += getattr(order, f"loss_{stage}")
        self._cases, self._orders = len(org.recorder.cases), len(org.recorder.orders)
        stats = org.contact_centre.stats
        answered, waited = (
            stats.answered - self._answered[0],
            (stats.answered_wait_days - self._answered[1]),
        )
        self._answered = (stats.answered, stats.answered_wait_days)
        cases = max(1, self._cases)
        row = {
            "day": org.time,
            "customers": len(org.roster),
            "profit": org.ledger.profit,
            "queue": org.contact_centre.pool.queue_length,
            "wait_minutes": waited * 1440 / answered if answered else 0.0,
            "fcr": sums["fcr"] / cases,
            "escalations": sums["escalated"],
            "effort": sums["ces"] / cases if self._cases else 1.0,
        }
        for key, value in row.items():
            self.series[key].append(float(value))

    def translation_loss(self) -> dict[str, float]:
        """Mean fit lost at each stage over the orders delivered so far."""
        return {s: self._sums[s] / self._orders if self._orders else 0.0 for s in STAGES}

    def loyalty_grid(self) -> np.ndarray:
        """Loyalty state (index into LOYALTY_STATES) of each day-0 customer, as a square grid."""
        states = [
            LOYALTY_STATES.index(nps_group(c.willingness()) if c.status == ACTIVE else "left")
            for c in self.org.agents_by_type[Customer]
            if c.initial
        ]
        side = int(np.ceil(np.sqrt(max(1, len(states)))))
        grid = np.full(side * side, np.nan)
        grid[: len(states)] = states
        return grid.reshape(side, side)


class Workshop(mesa.Model):
    """Today's organisation and the changed one, stepped a day at a time in lockstep."""

    def __init__(
        self, levers: dict[str, Any] | None = None, scenario_path: str | None = None
    ) -> None:
        super().__init__()
        base = demo_scenario(scenario_path)
        self.levers = {**lever_defaults(base), **(levers or {})}
        self.today = Tracker(ServiceOrganisation(base))
        self.changed = Tracker(ServiceOrganisation(apply_levers(base, self.levers)))
        for tracker in (self.today, self.changed):
            tracker.record()

    @property
    def day(self) -> float:
        """Simulated days so far."""
        return self.today.org.time

    def step(self) -> None:
        """One more day for both organisations."""
        day = self.day + 1
        for tracker in (self.today, self.changed):
            tracker.org.run_until(day)
            tracker.record()

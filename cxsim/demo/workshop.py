"""Two organisations side by side: today, and today with the room's levers pulled.

Both run the same scenario file with the same seed (common random numbers: the same
prospects, needs and customer draws), so what differs on screen is the effect of the levers.
Each step is one simulated day; a few daily figures are kept for the live charts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import mesa
import numpy as np

from cxsim import kpis
from cxsim.agents.customer import ACTIVE, Customer
from cxsim.demo.levers import apply_levers, lever_defaults
from cxsim.library import library_scenario
from cxsim.mechanisms.loyalty import NPS_GROUPS, nps_group
from cxsim.model import ServiceOrganisation
from cxsim.scenario import Scenario, load_scenario

__all__ = ["Workshop", "Tracker", "demo_scenario", "SCENARIO_ENV", "LOYALTY_STATES"]

SCENARIO_ENV = "CXSIM_DEMO_SCENARIO"  # set by ``cxsim demo SCENARIO``
DEFAULT_SCENARIO = "workforce_dynamics"  # a library scenario: the baseline with staff turnover
LOYALTY_STATES = (*NPS_GROUPS, "left")


@cache
def demo_scenario(path: str | None = None) -> Scenario:
    """The scenario the room starts from.

    ``path``, else the demo's environment setting, else the baseline with staff turnover (so
    that hiring and training levers matter).
    """
    return load_scenario(path or os.environ.get(SCENARIO_ENV) or library_scenario(DEFAULT_SCENARIO))


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
    _answered: tuple[float, int, float] = (0.0, 0, 0.0)  # stats since, answered, wait (days)

    def record(self) -> None:
        """Append today's row (measures as ``cxsim.kpis`` defines them)."""
        org = self.org
        cases, phone = org.recorder.cases, org.contact_centre
        measures, stats = kpis.case_measures(cases), phone.stats
        since, before, waited_before = self._answered
        if stats.since != since:  # the warm-up ended: the centre's statistics restarted
            before, waited_before = 0, 0.0
        answered, waited = stats.answered - before, stats.answered_wait_days - waited_before
        self._answered = (stats.since, stats.answered, stats.answered_wait_days)
        row = {
            "day": org.time,
            "customers": len(org.roster),
            "profit": org.ledger.profit,
            "queue": phone.pool.queue_length,
            "wait_minutes": kpis.mean_wait_minutes(waited, answered),
            "fcr": measures["fcr"],
            "escalations": kpis.escalated_cases(cases),
            "effort": measures["ces"] if cases else 1.0,  # the easiest score before any case
        }
        for key, value in row.items():
            self.series[key].append(float(value))

    def translation_loss(self) -> dict[str, float]:
        """Mean fit lost at each stage over the orders delivered so far."""
        return kpis.stage_losses(self.org.recorder.orders)

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

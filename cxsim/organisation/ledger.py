"""The ledger: every revenue and cost booked as it happens.

Cost categories and discounting are in ``cxsim.mechanisms.economics``.
"""

from __future__ import annotations

from collections import defaultdict

from cxsim.mechanisms.economics import COST_CATEGORIES, discount_factor

__all__ = ["Ledger"]


class Ledger:
    """Books every revenue and cost as it happens; totals per category, period and NPV."""

    def __init__(self, cogs_share: float, discount_rate_per_year: float) -> None:
        self.cogs_share = cogs_share
        self.discount_rate = discount_rate_per_year
        self.revenue = 0.0
        self.costs: dict[str, float] = dict.fromkeys(COST_CATEGORIES, 0.0)
        self.npv = 0.0
        self.period: defaultdict[str, float] = defaultdict(float)

    def earn(self, amount: float, day: float) -> None:
        """Book revenue, and its cost of goods."""
        self.revenue += amount
        self.period["revenue"] += amount
        self.npv += amount * discount_factor(day, self.discount_rate)
        self.spend("cost_of_goods", amount * self.cogs_share, day)

    def spend(self, category: str, amount: float, day: float) -> None:
        """Book a cost in ``category``."""
        self.costs[category] += amount
        self.period["costs"] += amount
        self.npv -= amount * discount_factor(day, self.discount_rate)

    @property
    def profit(self) -> float:
        """Revenue less all costs so far."""
        return self.revenue - sum(self.costs.values())

    def close_period(self) -> tuple[float, float]:
        """Revenue and costs booked since the last call."""
        revenue, costs = self.period["revenue"], self.period["costs"]
        self.period.clear()
        return revenue, costs

"""Money: revenue, costs by category, profit per period and net present value.

Salaries are the fixed labour cost of each role; per-contact and per-case costs are the variable
non-labour costs of each tier (MetricNet: a tier-2 ticket costs about 3x a tier-1 one); rework
costs follow the late-fix escalation of Stecklein et al. (2004). NPV discounts each day's cash
flow at ``(1 + r) ** (day / 365)``.
"""

from __future__ import annotations

from collections import defaultdict

__all__ = ["COST_CATEGORIES", "Ledger", "discount_factor"]

COST_CATEGORIES = (
    "cost_of_goods",
    "salaries_sales",
    "salaries_delivery",
    "salaries_frontline",
    "salaries_supervisors",
    "hiring",
    "training",
    "recognition",
    "frontline_contacts",
    "self_service",
    "proactive_service",
    "feedback_loop",
    "supervisor_cases",
    "rework",
    "compensation",
    "acquisition",
    "systems",
)


def discount_factor(day: float, rate_per_year: float) -> float:
    """Present value of one money unit paid on ``day``."""
    return (1.0 + rate_per_year) ** (-day / 365.0)


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

"""Money: revenue, costs by category, profit per period and net present value.

Salaries are the fixed labour cost of each role; per-contact and per-case costs are the variable
non-labour costs of each tier (MetricNet: a tier-2 ticket costs about 3x a tier-1 one); rework
costs follow the late-fix escalation of Stecklein et al. (2004). NPV discounts each day's cash
flow at ``(1 + r) ** (day / 365)``.
"""

from __future__ import annotations

from cxsim.units import DAYS_PER_YEAR

__all__ = ["COST_CATEGORIES", "discount_factor"]

COST_CATEGORIES = (
    "cost_of_goods",
    "salaries_sales",
    "salaries_delivery",
    "salaries_frontline",
    "salaries_supervisors",
    "salaries_specialists",
    "hiring",
    "training",
    "recognition",
    "frontline_contacts",
    "self_service",
    "proactive_service",
    "feedback_loop",
    "surveys",
    "supervisor_cases",
    "specialist_cases",
    "rework",
    "compensation",
    "acquisition",
    "systems",
)


def discount_factor(day: float, rate_per_year: float) -> float:
    """Present value of one money unit paid on ``day``."""
    return (1.0 + rate_per_year) ** (-day / DAYS_PER_YEAR)

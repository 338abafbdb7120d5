"""Units: model time is in days (parameters come in the units people use), shares are 0..1."""

from __future__ import annotations

__all__ = [
    "HOURS_PER_DAY",
    "MINUTES_PER_DAY",
    "SECONDS_PER_DAY",
    "DAYS_PER_YEAR",
    "hours",
    "minutes",
    "clip_share",
]

HOURS_PER_DAY = 24.0
MINUTES_PER_DAY = 24 * 60.0
SECONDS_PER_DAY = 24 * 3600.0
DAYS_PER_YEAR = 365.0  # rates "per year" are per 365 days


def hours(value: float) -> float:
    """``value`` hours in days."""
    return value / HOURS_PER_DAY


def minutes(value: float) -> float:
    """``value`` minutes in days."""
    return value / MINUTES_PER_DAY


def clip_share(value: float) -> float:
    """``value`` clipped to a share, 0..1."""
    return min(1.0, max(0.0, value))

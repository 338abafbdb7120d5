"""Acquisition: prospects arrive as a Poisson process and a salesperson closes or loses them.

Overpromising wins sales (seed 004, "wrong rewards": rewarding sales volume) at the price of a
higher expectation that delivery then has to meet.
"""

from __future__ import annotations

__all__ = ["close_probability"]


def close_probability(close_rate: float, overpromise: float, gain: float) -> float:
    """Chance that an elicited prospect buys: ``close_rate * (1 + gain * overpromise)``, <= 1."""
    return min(1.0, close_rate * (1.0 + gain * overpromise))

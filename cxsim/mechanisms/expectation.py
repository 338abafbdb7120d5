"""Expectation and disconfirmation: how a delivered order is judged.

Satisfaction follows the gap between what was delivered and what was expected (Oliver's
expectation-disconfirmation model, 1980). Promises raise the expectation: overpromising raises
it (seed 004: "managed expectations, ensuring they never exceed your ability to deliver"); past
deliveries shape it too.
"""

from __future__ import annotations

__all__ = ["expected_fit", "learn_expectation", "order_experience", "shortfall"]


def expected_fit(baseline_expectation: float, overpromise: float) -> float:
    """Fit the customer expects: their own baseline plus whatever was promised beyond it."""
    return min(1.0, baseline_expectation + overpromise)


def learn_expectation(expectation: float, delivered_fit: float, learning: float) -> float:
    """Expectations follow experience: ``E += learning * (fit - E)`` (adaptive expectations).

    Customers expect next time roughly what they got before (Oliver 1980: expectations are
    formed by past experience as well as by promises).
    """
    return expectation + learning * (delivered_fit - expectation)


def shortfall(delivered_fit: float, expected: float) -> float:
    """How far the delivered fit falls below the expectation (0 when met or exceeded)."""
    return max(0.0, expected - delivered_fit)


def order_experience(delivered_fit: float, expected: float, met_level: float, gain: float) -> float:
    """Experience of a delivery in [0, 1]: ``met_level + gain * (fit - expected)``, clipped."""
    return min(1.0, max(0.0, met_level + gain * (delivered_fit - expected)))

"""Problems and the decision to complain.

Problems are requirement gaps (the delivered order falls short of the expectation by more than
the customer tolerates) and service incidents (lognormal money at stake). Most customers with a
small problem never complain, and complaining rises with the money at stake (TARP / US Office of
Consumer Affairs complaint-handling studies; see docs on calibration).
"""

from __future__ import annotations

import math

__all__ = ["complaint_probability", "problem_experience", "gap_severity"]


def complaint_probability(severity: float, floor: float, ceiling: float, scale: float) -> float:
    """Chance of complaining: ``floor + (ceiling - floor) * (1 - exp(-severity / scale))``."""
    return floor + (ceiling - floor) * (1.0 - math.exp(-severity / scale))


def gap_severity(shortfall: float, tolerance: float, money_per_fit: float) -> float:
    """Money at stake in a requirement gap: the shortfall beyond tolerance, priced per fit unit."""
    return max(0.0, shortfall - tolerance) * money_per_fit


def problem_experience(severity: float, met_level: float, drop: float, scale: float) -> float:
    """Experience of noticing a problem: ``met_level * (1 - drop - (1 - drop) * impact)``.

    ``impact = 1 - exp(-severity / scale)``: any problem disappoints (``drop``), a costly one
    more so. Calibrated with the loyalty submodel to TARP's willingness to buy again.
    """
    impact = 1.0 - math.exp(-severity / scale)
    return met_level * (1.0 - drop) * (1.0 - impact)

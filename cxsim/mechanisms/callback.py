"""Callbacks (virtual hold): the expected wait a caller is told, and the offer it triggers.

Ibrahim and Whitt (2009, *Management Science* 55(10), "Real-time delay estimation in overloaded
multiserver queues with abandonments") compare ways to tell an arriving caller their wait; the
queue-length estimator, for the caller with ``ahead`` callers in front of them and ``servers``
agents each taking ``mean_service`` per call, is ``(ahead + 1) * mean_service / servers``: the
mean time for ``ahead + 1`` calls to finish. Contact centres offer a callback when that estimate
is long (vendors: above the service-level target); the caller keeps their place in the queue.
"""

from __future__ import annotations

import math

__all__ = ["expected_wait"]


def expected_wait(ahead: int, mean_service: float, servers: int) -> float:
    """Expected wait of a caller with ``ahead`` in front (unit of ``mean_service``).

    Infinite with nobody on duty.
    """
    if servers <= 0:
        return math.inf
    return (ahead + 1) * mean_service / servers

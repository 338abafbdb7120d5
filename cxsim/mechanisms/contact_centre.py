"""The contact centre: a multi-server FIFO queue of contacts with impatient customers.

Contacts arrive when customers call; ``frontline.agents`` agents serve them one at a time with
exponential handling times (mean ``frontline.aht_minutes``); a waiting customer hangs up after an
exponential patience (mean ``customers.patience_minutes``). This is the Erlang-A (M/M/c+M)
queue of Palm (1957) and Garnett, Mandelbaum and Reiman (2002); with infinite patience it is
Erlang C. The statistics here are the standard contact-centre measures (ASA, waiting
probability, service level, abandonment, occupancy), accumulated contact by contact.
"""

from __future__ import annotations

from dataclasses import dataclass

from cxsim.queueing import ServerPool

__all__ = ["ContactCentre", "QueueStats", "MINUTES_PER_DAY"]

MINUTES_PER_DAY = 24 * 60.0


@dataclass(slots=True)
class QueueStats:
    """Running totals of one contact queue (times in days)."""

    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    waited: int = 0  # answered or abandoned after a positive wait
    answered_within_target: int = 0
    answered_wait_days: float = 0.0
    busy_days: float = 0.0


class ContactCentre:
    """Frontline pool plus the statistics of every contact offered to it."""

    def __init__(self, pool: ServerPool, service_level_days: float) -> None:
        self.pool = pool
        self.service_level_days = service_level_days
        self.stats = QueueStats()

    def offer(self, case: object) -> bool:
        """A contact arrives; True if an agent takes it at once."""
        self.stats.offered += 1
        return self.pool.submit(case)

    def record_answer(self, wait_days: float, handling_days: float) -> None:
        """A waiting or new contact reaches an agent after ``wait_days``."""
        stats = self.stats
        stats.answered += 1
        stats.answered_wait_days += wait_days
        stats.busy_days += handling_days
        if wait_days > 0.0:
            stats.waited += 1
        if wait_days <= self.service_level_days:
            stats.answered_within_target += 1

    def record_abandon(self, case: object) -> None:
        """A waiting customer hangs up."""
        self.pool.withdraw(case)
        self.stats.abandoned += 1
        self.stats.waited += 1

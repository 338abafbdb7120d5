"""The case desk: where a handled case goes next, and the numbers of orders and cases.

After a frontline agent, a specialist, a supervisor or a delivery team has handled a case, its
route (``cxsim.mechanisms.escalation``) says what happens: closed, back to the customer (who
may try again), to delivery for rework, across to a specialist or up to a supervisor, with a
handoff and, without a shared customer record, the story told again (seed 000: silos; seed
003: customers "shuffled from one service professional to another").
"""

from __future__ import annotations

import itertools

from cxsim.mechanisms.escalation import Route
from cxsim.records import Case, Order
from cxsim.stations.pool import ServerPool

__all__ = ["CaseDesk"]


class CaseDesk:
    """Routes cases between frontline, supervisors and delivery; orders' checks to sellers."""

    def __init__(self, shared_record: bool, short_grant_return_days: float) -> None:
        self.shared_record = shared_record
        self.short_grant_return_days = short_grant_return_days
        self.sales: ServerPool | None = None  # set once the workforce is hired
        self.delivery: ServerPool | None = None
        self.supervisors: ServerPool | None = None
        self.specialists: ServerPool | None = None
        self._order_ids, self._case_ids = itertools.count(1), itertools.count(1)

    def staff(
        self,
        sales: ServerPool,
        delivery: ServerPool,
        supervisors: ServerPool,
        specialists: ServerPool,
    ) -> None:
        """Connect the desk to the teams it routes to."""
        self.sales, self.delivery = sales, delivery
        self.supervisors, self.specialists = supervisors, specialists

    def to_seller(self, order: Order, job: object) -> None:
        """Give ``job`` about ``order`` to the salesperson who sold it, or, gone, to any."""
        seller = order.seller
        if seller is not None and seller.on_the_floor:
            self.sales.submit_to(seller, job)
        else:
            self.sales.submit(job)

    def dispatch(self, case: Case, route: Route) -> None:
        """Send a handled case where its route says: close, rework, supervisor, or back."""
        customer = case.customer
        if route is Route.RESOLVED:
            customer.close_case(resolved=True)
        elif route is Route.NOT_SOLVED:
            customer.not_helped()
        elif route is Route.SHORT:  # believed fixed; the customer finds out and comes back
            customer.short_granted(self.short_grant_return_days)
        elif route is Route.REWORK:
            case.handoffs += 1
            self.delivery.submit(case)
        elif route is Route.TRANSFER:
            case.transferred = True
            self._hand_over(case, self.specialists)
        elif self.supervisors.size:
            case.escalated = True
            self._hand_over(case, self.supervisors)
        else:
            customer.not_helped()

    def _hand_over(self, case: Case, pool: ServerPool) -> None:
        """A handoff to another person, who hears the story again unless the record is shared."""
        case.handoffs += 1
        if not self.shared_record:
            case.reexplanations += 1
        case.queued_at = case.customer.at.calendar.now
        case.waiting_in = pool
        pool.submit(case)
        case.customer.chase_later(case)

    def next_order_id(self) -> int:
        """Sequential order number."""
        return next(self._order_ids)

    def next_case_id(self) -> int:
        """Sequential case number."""
        return next(self._case_ids)

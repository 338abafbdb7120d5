"""Delivery teams: build what the specification says, and rework what missed the need."""

from __future__ import annotations

from functools import partial

import mesa
import numpy as np

from cxsim.agents.salesperson import FollowUpCall, HandoverCheck
from cxsim.agents.staff import StaffAgent, Workplace
from cxsim.mechanisms import requirements
from cxsim.mechanisms.escalation import Route
from cxsim.records import Case, Order

__all__ = ["DeliveryTeam"]


class DeliveryTeam(StaffAgent):
    """Builds orders one at a time; rigid teams default to the standard product."""

    def __init__(self, model: mesa.Model, work: Workplace, skill: float) -> None:
        super().__init__(model, work, skill)
        self.haste = 0.0

    def duration(self, job: Order | Case) -> float:
        """Build time of an order; rework time of a case or a rebuild; haste from the backlog."""
        work, delivery = self.work, self.work.delivery
        self.haste = requirements.haste(
            self.pool.queue_length, self.pool.size, delivery.haste_backlog_per_team
        )
        if isinstance(job, Order):
            mean = (
                work.sales.final_check.fix.days
                if job.rebuild
                else delivery.build_days
                * work.shocks.factor("logistics_disruption", work.calendar.now)
            )
        else:
            mean = delivery.rework_days if job.fix is None else job.fix.days
        return work.streams.handling.exponential(mean)

    def complete(self, job: Order | Case) -> None:
        """Deliver an order to its customer, or finish a rework and resolve its case."""
        if isinstance(job, Case):
            job.reworked = True
            cost = self.work.delivery.rework_cost if job.fix is None else job.fix.cost
            self.work.ledger.spend("rework", cost, self.work.calendar.now)
            self.work.desk.dispatch(job, Route.RESOLVED)
            return
        self.deliver(job)

    def deliver(self, order: Order) -> None:
        """Hand off the specification and build it, or rebuild what the final check sent back.

        A rebuild is made to the need the salesperson confirmed, who points out the miss: the
        handoff's loss and the team's default to the standard product are gone, its execution
        error (with haste) is drawn again.
        Built orders go to the final check, if there is one, else to the customer.
        """
        work, delivery = self.work, self.work.delivery
        rng = work.streams.requirements
        if order.rebuild:
            work.ledger.spend("rework", work.sales.final_check.fix.cost, work.calendar.now)
            order.trace[-1] = self._build(order.trace[2], rng, rigidity=0.0)
        else:
            spec = requirements.hand_off(
                order.trace[-1],
                delivery.documentation_quality,
                delivery.handoff_noise * work.handoff_factor(),
                work.policy.shared_record,
                delivery.shared_record_handoff_gain,
                rng,
            )
            order.trace.extend((spec, self._build(spec, rng)))
        order.team = self
        if work.sales.final_check is not None and not order.rebuild:
            work.desk.to_seller(order, HandoverCheck(order))
            return
        self.hand_over(order)

    def _build(
        self, spec: np.ndarray, rng: np.random.Generator, rigidity: float | None = None
    ) -> np.ndarray:
        delivery = self.work.delivery
        rigidity = delivery.rigidity if rigidity is None else rigidity
        return requirements.build(
            spec, rigidity, self.skill, delivery.execution_noise, self.haste, rng
        )

    def hand_over(self, order: Order) -> None:
        """The customer gets the order (and pays) and judges it; a follow-up is booked."""
        work = self.work
        work.ledger.earn(work.delivery.order_value, work.calendar.now)
        order.customer.receive(order, self)
        follow_up = work.sales.follow_up
        if follow_up is not None:
            day = work.working.advance(work.calendar.now, follow_up.delay_days)
            work.calendar.at(day, partial(work.desk.to_seller, order, FollowUpCall(order)))

"""Delivery teams: build what the specification says, and rework what missed the need."""

from __future__ import annotations

import mesa

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
        """Build time of an order, or rework time of a case; haste is read from the backlog."""
        work, delivery = self.work, self.work.delivery
        self.haste = requirements.haste(
            self.pool.queue_length, self.pool.size, delivery.haste_backlog_per_team
        )
        mean = (
            delivery.build_days * work.shocks.factor("logistics_disruption", work.calendar.now)
            if isinstance(job, Order)
            else delivery.rework_days
        )
        return work.streams.handling.exponential(mean)

    def complete(self, job: Order | Case) -> None:
        """Deliver an order to its customer, or finish a rework and resolve its case."""
        if isinstance(job, Case):
            job.reworked = True
            self.work.ledger.spend("rework", self.work.delivery.rework_cost, self.work.calendar.now)
            self.work.desk.dispatch(job, Route.RESOLVED)
            return
        self.deliver(job)

    def deliver(self, order: Order) -> None:
        """Hand off the specification, build it, and let the customer judge the result."""
        work, delivery = self.work, self.work.delivery
        rng = work.streams.requirements
        spec = requirements.hand_off(
            order.trace[-1],
            delivery.documentation_quality,
            delivery.handoff_noise * work.handoff_factor(),
            work.policy.shared_record,
            delivery.shared_record_handoff_gain,
            rng,
        )
        built = requirements.build(
            spec, delivery.rigidity, self.skill, delivery.execution_noise, self.haste, rng
        )
        order.trace.extend((spec, built))
        work.ledger.earn(delivery.order_value, work.calendar.now)
        order.customer.receive(order, self)

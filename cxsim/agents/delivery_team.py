"""Delivery teams: build what the specification says, and rework what missed the need."""

from __future__ import annotations

from cxsim.agents.staff import StaffAgent
from cxsim.mechanisms import requirements
from cxsim.mechanisms.escalation import Route
from cxsim.records import Case, Order

__all__ = ["DeliveryTeam"]


class DeliveryTeam(StaffAgent):
    """Builds orders one at a time; rigid teams default to the standard product."""

    def __init__(self, model, skill: float) -> None:
        super().__init__(model, skill)
        self.haste = 0.0

    def duration(self, job: Order | Case) -> float:
        """Build time of an order, or rework time of a case; haste is read from the backlog."""
        delivery = self.model.params.delivery
        self.haste = requirements.haste(
            self.pool.queue_length, self.pool.size, delivery.haste_backlog_per_team
        )
        mean = (
            delivery.build_days * self.model.shock_factor("logistics_disruption")
            if isinstance(job, Order)
            else delivery.rework_days
        )
        return self.model.streams.handling.exponential(mean)

    def complete(self, job: Order | Case) -> None:
        """Deliver an order to its customer, or finish a rework and resolve its case."""
        if isinstance(job, Case):
            job.reworked = True
            self.model.ledger.spend(
                "rework", self.model.params.delivery.rework_cost, self.model.time
            )
            self.model.dispatch(job, Route.RESOLVED)
            return
        self.deliver(job)

    def deliver(self, order: Order) -> None:
        """Hand off the specification, build it, and let the customer judge the result."""
        model, delivery = self.model, self.model.params.delivery
        rng = model.streams.requirements
        spec = requirements.hand_off(
            order.trace[-1],
            delivery.documentation_quality,
            delivery.handoff_noise * model.handoff_factor(),
            model.policy.shared_record,
            delivery.shared_record_handoff_gain,
            rng,
        )
        built = requirements.build(
            spec, delivery.rigidity, self.skill, delivery.execution_noise, self.haste, rng
        )
        order.trace.extend((spec, built))
        model.ledger.earn(delivery.order_value, model.time)
        order.customer.receive(order, self)

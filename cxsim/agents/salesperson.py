"""Salespeople: elicit the need, optionally verify it, and close the sale."""

from __future__ import annotations

from cxsim.agents.staff import StaffAgent
from cxsim.mechanisms import requirements
from cxsim.mechanisms.acquisition import close_probability
from cxsim.records import Order

__all__ = ["Salesperson"]


class Salesperson(StaffAgent):
    """Hears what customers say, through their listening skill (``skill``) and anchoring."""

    def duration(self, order: Order) -> float:
        """Elicitation time, plus paraphrase-and-confirm when the policy asks for it."""
        sales = self.model.params.sales
        mean_days = sales.elicitation_hours / 24.0
        if self.model.policy.verification:
            mean_days += sales.verification_minutes / 1440.0
        return self.model.streams.handling.exponential(mean_days)

    def complete(self, order: Order) -> None:
        """Translate the need into what was heard; close new customers; pass the order on."""
        model, sales = self.model, self.model.params.sales
        rng = model.streams.requirements
        customer = order.customer
        expressed = requirements.express(
            customer.need, customer.clarity, model.params.customers.expression_noise, rng
        )
        heard = requirements.interpret(
            expressed, self.skill, sales.interpretation_noise, model.policy.anchoring, rng
        )
        order.verified = model.policy.verification
        checked = (
            requirements.verify(heard, customer.need, sales.verification_catch_rate)
            if order.verified
            else heard
        )
        order.trace.extend((expressed, heard, checked))
        order.salesperson_id = self.unique_id
        if order.is_new_customer:
            p_close = close_probability(
                sales.close_rate, model.policy.overpromise, sales.overpromise_close_gain
            )
            if customer.referrer is not None:
                p_close *= model.params.word_of_mouth.referral_close_boost
            draw = customer.rng.random()
            if draw >= p_close * model.reputation:
                if draw < p_close:  # would have bought but for what they heard
                    model.counters["acquisitions_lost_to_reputation"] += 1
                customer.walk_away()
                return
            customer.join()
        model.delivery.submit(order)

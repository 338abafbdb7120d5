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
        return self.work.streams.handling.exponential(self.work.sales.elicitation_days)

    def complete(self, order: Order) -> None:
        """Translate the need into what was heard; close new customers; pass the order on."""
        work = self.work
        sales, policy, rng = work.sales, work.policy, work.streams.requirements
        customer = order.customer
        expressed = requirements.express(
            customer.need, customer.clarity, sales.expression_noise, rng
        )
        heard = requirements.interpret(
            expressed, self.skill, sales.interpretation_noise, policy.anchoring, rng
        )
        order.verified = policy.verification
        checked = (
            requirements.verify(heard, customer.need, sales.verification_catch_rate)
            if order.verified
            else heard
        )
        order.trace.extend((expressed, heard, checked))
        order.salesperson_id = self.unique_id
        if order.is_new_customer:
            p_close = close_probability(
                sales.close_rate, policy.overpromise, sales.overpromise_close_gain
            )
            if customer.referrer is not None:
                p_close *= sales.referral_close_boost
            draw = customer.rng.random()
            if draw >= p_close * work.reputation.level:
                if draw < p_close:  # would have bought but for what they heard
                    work.counters["acquisitions_lost_to_reputation"] += 1
                customer.walk_away()
                return
            customer.join()
        work.desk.delivery.submit(order)

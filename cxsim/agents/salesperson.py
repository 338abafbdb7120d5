"""Salespeople: elicit the need, optionally verify it, close the sale; check and follow up.

Two more of seed 000's active-listening behaviours are salesperson work, each a job in the
sales queue that takes the salesperson's time from eliciting new needs (and goes, while they
are here, to the salesperson who heard the need: ``CaseDesk.to_seller``):

- *final check* (``sales.final_check``; seed 000: "personally verify the final product before
  handing it over"): the built product is compared with the need the salesperson confirmed; a
  miss beyond ``tolerance`` is found with probability ``catch_rate`` and goes back to delivery,
  which rebuilds it from the confirmed need in ``fix_days`` at ``fix_cost``, less than a rework
  after delivery (Stecklein et al. 2004: the cost of fixing a defect rises with the stage it is
  found); with the miss pointed out, the handoff's loss and the team's default to the standard
  product are gone, its execution error is not;
- *follow-up* (``sales.follow_up``; seed 000: "follow up post-delivery to ensure
  satisfaction"): ``delay_days`` working days after delivery the salesperson asks whether the
  order does what was needed; a customer keeping quiet about a gap tells it with probability
  ``reveal_share``, and it goes straight to delivery as a case, put right while it is still
  small (``fix_days``, ``fix_cost``: less than a rework), instead of staying a silent
  disappointment (TARP: most customers with a problem never complain).
"""

from __future__ import annotations

from dataclasses import dataclass

from cxsim.agents.staff import StaffAgent
from cxsim.mechanisms import requirements
from cxsim.mechanisms.acquisition import close_probability
from cxsim.records import Order

__all__ = ["Salesperson", "HandoverCheck", "FollowUpCall"]


@dataclass(frozen=True, slots=True)
class HandoverCheck:
    """A built order to compare with the confirmed need before the customer gets it."""

    order: Order


@dataclass(frozen=True, slots=True)
class FollowUpCall:
    """A call to ask whether a delivered order does what was needed."""

    order: Order


class Salesperson(StaffAgent):
    """Hears what customers say, through their listening skill (``skill``) and anchoring."""

    def duration(self, job: Order | HandoverCheck | FollowUpCall) -> float:
        """Elicitation time (verification included); a check's or a follow-up's fixed time."""
        sales = self.work.sales
        if isinstance(job, HandoverCheck):
            return sales.final_check.days
        if isinstance(job, FollowUpCall):
            return sales.follow_up.days
        return self.work.streams.handling.exponential(sales.elicitation_days)

    def complete(self, job: Order | HandoverCheck | FollowUpCall) -> None:
        """Elicit an order, check a built one, or ask after a delivered one."""
        if isinstance(job, HandoverCheck):
            self.check(job.order)
        elif isinstance(job, FollowUpCall):
            self.follow_up(job.order)
        else:
            self.elicit(job)

    def elicit(self, order: Order) -> None:
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
        order.salesperson_id, order.seller = self.unique_id, self
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

    def check(self, order: Order) -> None:
        """Compare the built product with the confirmed need: hand it over or send it back."""
        work, check = self.work, self.work.sales.final_check
        work.counters["final_checks"] += 1
        confirmed, built = order.trace[2], order.trace[-1]
        miss = requirements.fit_loss(built, confirmed)
        if miss > check.tolerance and work.streams.checks.random() < check.catch_rate:
            work.counters["caught_by_final_check"] += 1
            order.rebuild = True
            work.desk.delivery.submit(order)
            return
        order.team.hand_over(order)

    def follow_up(self, order: Order) -> None:
        """Ask the customer whether the order does what was needed."""
        self.work.counters["follow_ups"] += 1
        order.customer.answer_follow_up(order, self.work.sales.follow_up, self.unique_id)

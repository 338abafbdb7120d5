"""Work items in flight (orders, cases) and the rows they leave behind.

Orders and cases are mutable while agents work on them; when they finish, each leaves one
record row (one schema per kind, as Ciw's data records). Tables are built once, at the end.
Rows are written once and never changed, but they are plain slotted dataclasses, not frozen
ones: a frozen dataclass of 24 fields takes 6.6 us to create here against 1.8 us, and a run
of 100,000 customers writes a million rows (docs/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

__all__ = [
    "Order",
    "Case",
    "OrderRecord",
    "CaseRecord",
    "ProblemRecord",
    "Recorder",
    "PROBLEM_OUTCOMES",
    "RAISED_FIRST",
    "QUICK_RESOLUTION_DAYS",
]

PROBLEM_OUTCOMES = ("silent", "unresolved", "resolved", "resolved_quickly")
RAISED_FIRST = "raised_first"  # found and raised by the organisation (proactive service)
QUICK_RESOLUTION_DAYS = 0.5  # "resolved quickly" (TARP): fixed within half a day of complaining


class Losses(Protocol):
    """Fit lost at each translation stage (``cxsim.mechanisms.requirements.StageLosses``)."""

    expression: float
    interpretation: float
    verification: float
    handoff: float
    delivery: float
    total: float


@dataclass(slots=True, eq=False)
class Order:
    """One order on its way from elicitation to delivery."""

    order_id: int
    customer: object
    created_day: float
    is_new_customer: bool
    trace: list[np.ndarray] = field(default_factory=list)
    verified: bool = False
    salesperson_id: int = 0
    seller: object = None  # the salesperson who heard the need (checks and follows up)
    team: object = None  # the delivery team that built it
    rebuild: bool = False  # sent back by the final check: built again from the confirmed need
    silent_gap: float = 0.0  # money at stake in a gap the customer kept quiet about


@dataclass(slots=True, eq=False)
class Case:
    """One reason for contacting the organisation, from the first contact to its close."""

    case_id: int
    customer: object
    kind: str
    opened_day: float
    severity: float
    remedy_cost: float
    complexity: float
    needs_rework: bool
    contacts: int = 0
    abandoned: int = 0
    handoffs: int = 0
    escalated: bool = False
    transferred: bool = False  # to a specialist
    reworked: bool = False
    wait_minutes: float = 0.0
    queued_at: float = 0.0
    waiting_in: object = None  # the queue (ServerPool) it waits in after a handoff, until taken
    resolver: object = None  # the member of staff who last handled it (None: self-service)
    resolver_empathy: float = 0.0  # the empathy and care they showed
    overgrant: float = 0.0  # money granted beyond the remedy (a too-generous judgement)
    pending_route: object = None
    channel: str = "phone"  # where the customer is trying now
    first_channel: str = "phone"
    switches: int = 0  # channel switches
    owner: object = None  # the frontline agent who owns the case (case ownership), if any
    fix: object = None  # a smaller fix than a rework (specs.Fix; a follow-up found the gap)
    recognised: bool = False  # last handled by an agent who knew the customer's history
    reexplanations: int = 0  # times the customer had to tell the story again
    worst: float = 1.0  # the worst moment so far: the experience of noticing the problem
    satisfaction_before: float = 0.0
    first_failure: bool = True
    people: set[int] = field(default_factory=set)  # ids of the staff the customer dealt with


@dataclass(slots=True)
class OrderRecord:
    """A delivered order and where its requirement was lost."""

    order_id: int
    customer_id: int
    new_customer: bool
    created_day: float
    delivered_day: float
    salesperson_id: int
    team_id: int
    verified: bool
    haste: float
    loss_expression: float
    loss_interpretation: float
    loss_verification: float
    loss_handoff: float
    loss_delivery: float
    loss_total: float
    expected_fit: float
    delivered_fit: float
    problem: bool
    severity: float

    @classmethod
    def build(cls, order: Order, losses: Losses, **fields_: object) -> OrderRecord:
        """Row from an order, its stage losses and the delivery facts."""
        return cls(
            order_id=order.order_id,
            customer_id=order.customer.unique_id,
            new_customer=order.is_new_customer,
            created_day=order.created_day,
            salesperson_id=order.salesperson_id,
            verified=order.verified,
            loss_expression=losses.expression,
            loss_interpretation=losses.interpretation,
            loss_verification=losses.verification,
            loss_handoff=losses.handoff,
            loss_delivery=losses.delivery,
            loss_total=losses.total,
            **fields_,
        )


@dataclass(slots=True)
class CaseRecord:
    """A closed case: how it went and how hard it was for the customer."""

    case_id: int
    customer_id: int
    kind: str
    opened_day: float
    closed_day: float
    severity: float
    remedy_cost: float
    channel: str  # the channel the customer tried first
    contacts: int
    abandoned: int
    handoffs: int
    people: int  # members of staff the customer dealt with about the case
    switches: int
    reexplanations: int
    escalated: bool
    transferred: bool
    reworked: bool
    resolved: bool
    first_contact_resolution: bool
    wait_minutes: float
    effort_points: float
    ces: float
    compensation: float
    experience: float
    satisfaction_before: float
    satisfaction_after: float
    willingness_before: float  # to buy again, just before the case's end was remembered
    willingness_to_buy_again: float  # right after


@dataclass(slots=True)
class ProblemRecord:
    """A problem a customer noticed, what they did about it, and where it left them."""

    customer_id: int
    noticed_day: float
    kind: str
    severity: float
    outcome: str  # one of PROBLEM_OUTCOMES, or RAISED_FIRST
    days_to_close: float
    satisfaction_before: float
    satisfaction_after: float
    willingness_to_buy_again: float


@dataclass(slots=True)
class Recorder:
    """Rows left behind by finished orders, cases and noticed problems."""

    orders: list[OrderRecord] = field(default_factory=list)
    cases: list[CaseRecord] = field(default_factory=list)
    problems: list[ProblemRecord] = field(default_factory=list)

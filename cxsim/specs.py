"""Parameters prepared once: what each role needs from the validated scenario, in days.

The model builds these frozen specs from the ``Scenario`` when it starts and hands each agent
its own; no agent reads the scenario itself. (The parts, built once, take the validated blocks
they own; the customer's spec carries the frozen blocks of the journey's mechanisms, whose
fields are read where the formulas are applied.) Durations given in hours
or minutes are converted here (``cxsim.units``) where the conversion is exact arithmetic of the
same operations; where a duration is scaled per contact first (handling time by the corner
cutting share, patience by the caller's own factor), the spec keeps minutes and the station
converts, so that the same numbers come out to the last bit.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from pydantic import BaseModel

from cxsim.scenario import (
    Channels,
    Loyalty,
    Problems,
    Recovery,
    Scenario,
    WordOfMouth,
)
from cxsim.units import hours, minutes

__all__ = [
    "Policy",
    "ChannelSpec",
    "SalesSpec",
    "DeliverySpec",
    "FrontlineSpec",
    "SupervisorSpec",
    "StaffSpec",
    "CustomerSpec",
]


@dataclass(frozen=True, slots=True)
class Policy:
    """The organisation's policies: what its people may and must do."""

    empowerment_limit: float
    verification: bool
    shared_record: bool
    apology: bool
    compensation_share: float
    overpromise: float
    anchoring: float

    @classmethod
    def from_scenario(cls, s: Scenario) -> Policy:
        """Collect the policy levers; volume rewards push overpromising and the catalogue."""
        volume = s.sales.volume_reward_weight
        return cls(
            empowerment_limit=s.frontline.empowerment_limit,
            verification=s.sales.verification,
            shared_record=s.shared_record.enabled,
            apology=s.recovery.apology,
            compensation_share=s.recovery.compensation_share,
            overpromise=min(1.0, s.sales.overpromise + volume * s.sales.volume_overpromise),
            anchoring=min(1.0, s.sales.anchoring + volume * s.sales.volume_anchoring),
        )


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """A staffed channel: handling, patience (minutes; None: never) and answer-time target."""

    name: str
    aht_minutes: float
    patience_minutes: float | None
    service_level_seconds: float
    distribution: str = "exponential"  # of handling times (mechanisms.handling)
    cv: float = 1.0

    @classmethod
    def from_scenario(cls, s: Scenario, name: str) -> ChannelSpec:
        """Channel ``name``: phone is the ``contact_centre`` block, chat and email ``channels``."""
        channel = s.contact_centre if name == "phone" else getattr(s.channels, name)
        return cls(
            name, channel.aht_minutes, channel.patience_minutes,
            s.contact_centre.service_level_seconds, channel.handling.distribution,
            channel.handling.cv,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class StaffSpec:
    """What every member of staff shares: the learning curve and how far it goes."""

    learning_per_job: float  # after the hiring profile's multiplier
    skill_ceiling: float


@dataclass(frozen=True, slots=True)
class SalesSpec:
    """How salespeople hear, check and close."""

    elicitation_days: float  # mean, with paraphrase-and-confirm when the policy asks for it
    expression_noise: float
    interpretation_noise: float
    verification_catch_rate: float
    close_rate: float
    overpromise_close_gain: float
    referral_close_boost: float

    @classmethod
    def from_scenario(cls, s: Scenario) -> SalesSpec:
        """Sales parameters; elicitation and verification time in days."""
        sales = s.sales
        elicitation = hours(sales.elicitation_hours)
        if sales.verification:
            elicitation += minutes(sales.verification_minutes)
        return cls(
            elicitation,
            s.customers.expression_noise,
            sales.interpretation_noise,
            sales.verification_catch_rate,
            sales.close_rate,
            sales.overpromise_close_gain,
            s.word_of_mouth.referral_close_boost,
        )


@dataclass(frozen=True, slots=True)
class DeliverySpec:
    """How delivery teams hand off, build and rework (times in days)."""

    build_days: float
    rework_days: float
    rework_cost: float
    order_value: float
    documentation_quality: float
    handoff_noise: float
    shared_record_handoff_gain: float
    rigidity: float
    execution_noise: float
    haste_backlog_per_team: float

    @classmethod
    def from_scenario(cls, s: Scenario) -> DeliverySpec:
        """Delivery parameters."""
        return _from_block(cls, s.delivery)


@dataclass(frozen=True, slots=True)
class FrontlineSpec:
    """What a frontline agent's answer costs and what helps or hurts solving."""

    cost_per_contact: float
    record_skill_gain: float  # from the shared customer record, when the policy has one
    error_per_cut: float  # skill lost per share of handling time cut under pressure

    @classmethod
    def from_scenario(cls, s: Scenario) -> FrontlineSpec:
        """Frontline parameters."""
        gain = s.shared_record.skill_gain if s.shared_record.enabled else 0.0
        return cls(s.frontline.cost_per_contact, gain, s.work_pressure.error_per_cut)


@dataclass(frozen=True, slots=True)
class SupervisorSpec:
    """How supervisors decide, call back and coach (times in days)."""

    handling_days: float  # mean time to decide an escalated case
    callback_delay_days: float  # mean
    cost_per_case: float
    coaching_days: float
    coaching_gain: float

    @classmethod
    def from_scenario(cls, s: Scenario) -> SupervisorSpec:
        """Supervisor parameters."""
        sv = s.supervisors
        return cls(
            minutes(sv.handling_minutes),
            hours(sv.callback_delay_hours),
            sv.cost_per_case,
            hours(sv.coaching_hours),
            sv.coaching_gain,
        )


@dataclass(frozen=True, slots=True)
class CustomerSpec:
    """What customers bring to and take from every episode (the validated blocks they read)."""

    expected_fit: float
    expectation_learning: float
    max_contacts_per_case: int
    retry_probability: float
    retry_delay_days: float  # mean
    commission_per_sale: float
    rework_cost: float
    reports_back: bool  # the feedback loop is on: closed incidents may be reported
    problems: Problems
    recovery: Recovery
    loyalty: Loyalty
    word_of_mouth: WordOfMouth
    channels: Channels

    @classmethod
    def from_scenario(cls, s: Scenario) -> CustomerSpec:
        """Customer parameters."""
        return _from_block(
            cls,
            s.customers,
            retry_delay_days=hours(s.customers.retry_delay_hours),
            commission_per_sale=s.sales.commission_per_sale,
            rework_cost=s.delivery.rework_cost,
            reports_back=s.feedback_loop.report_share > 0,
            problems=s.problems,
            recovery=s.recovery,
            loyalty=s.loyalty,
            word_of_mouth=s.word_of_mouth,
            channels=s.channels,
        )


def _from_block[Spec](cls: type[Spec], block: BaseModel, **given: Any) -> Spec:
    """``cls`` with ``given`` values and, for every other field, the block's of that name."""
    values = {f.name: getattr(block, f.name) for f in fields(cls) if f.name not in given}
    return cls(**values, **given)

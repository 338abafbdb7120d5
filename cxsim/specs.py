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

from cxsim.mechanisms.phone_menu import menu_hangup_probability, menu_minutes
from cxsim.mechanisms.timetable import Timetable
from cxsim.scenario import (
    Calendar,
    CallingBack,
    Channels,
    CustomerRecognition,
    Diagnosis,
    Loyalty,
    Positions,
    Proactive,
    Problems,
    Recovery,
    Scenario,
    WordOfMouth,
)
from cxsim.units import DAYS_PER_YEAR, hours, minutes

STAFFED = ("phone", "chat", "email")  # the channels with agents (cxsim.organisation.workforce)

__all__ = [
    "Policy",
    "Timetables",
    "ChannelSpec",
    "MenuSpec",
    "CallbackSpec",
    "DiallingSpec",
    "DiagnosisSpec",
    "SalesSpec",
    "FinalCheckSpec",
    "FollowUpSpec",
    "Fix",
    "DeliverySpec",
    "FrontlineSpec",
    "SupervisorSpec",
    "SpecialistSpec",
    "StaffSpec",
    "CustomerSpec",
    "positions",
    "recruited",
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
    recognition: bool  # agents who can see the history recognise returning customers

    @classmethod
    def from_scenario(cls, s: Scenario) -> Policy:
        """Collect the policy levers; volume rewards push overpromising and the catalogue."""
        volume = s.sales.volume_reward_weight
        return cls(
            empowerment_limit=s.frontline.empowerment_limit,
            verification=s.sales.verification,
            shared_record=s.shared_record.enabled,
            recognition=s.customer_recognition.enabled,
            apology=s.recovery.apology,
            compensation_share=s.recovery.compensation_share,
            overpromise=min(1.0, s.sales.overpromise + volume * s.sales.volume_overpromise),
            anchoring=min(1.0, s.sales.anchoring + volume * s.sales.volume_anchoring),
        )


@dataclass(frozen=True, slots=True)
class Timetables:
    """When the organisation works and when its customers want it (``mechanisms.timetable``)."""

    working: Timetable  # sales, delivery and supervisors: 1 in working hours
    demand: Timetable  # customers' wish to be in touch, by hour of the week (mean 1)
    opening: dict[str, Timetable]  # each staffed channel: 1 while open
    on_duty: dict[str, Timetable]  # staffed channels, supervisors, specialists: people on duty

    @classmethod
    def from_scenario(cls, s: Scenario) -> Timetables:
        """Timetables of the scenario; holidays close everything but customers' needs."""
        calendar = s.calendar
        closed = calendar.holiday_days(2 * s.horizon.days + DAYS_PER_YEAR)
        working = _timetable(calendar, calendar.working_hours.intervals(), closed)
        opening, on_duty = {}, {}
        for name in STAFFED:
            channel = s.contact_centre if name == "phone" else getattr(s.channels, name)
            opening[name] = _timetable(calendar, channel.opening_hours.intervals(), closed)
            shifts = [interval for shift in channel.roster for interval in shift.intervals()]
            on_duty[name] = _timetable(
                calendar, shifts or _scaled(opening[name], channel.agents), closed
            )
        for name, people in (
            ("supervisors", s.supervisors.count),
            ("specialists", s.specialists.count),
        ):
            on_duty[name] = _timetable(calendar, _scaled(working, people), closed)
        demand = _timetable(calendar, s.contact_centre.arrival_profile.intervals(), ())
        return cls(working, demand, opening, on_duty)

    def positions(self, s: Scenario) -> Positions:
        """Positions by post: salespeople, delivery teams and each roster's people at once."""
        rostered = {name: roster_positions(roster) for name, roster in self.on_duty.items()}
        return Positions(sales=s.sales.salespeople, delivery=s.delivery.teams, **rostered)


def roster_positions(roster: Timetable) -> int:
    """Positions a roster needs: as many as it puts on duty at once."""
    return round(roster.peak)


def positions(s: Scenario) -> Positions:
    """Positions by post of scenario ``s`` (``Timetables.positions``)."""
    return Timetables.from_scenario(s).positions(s)


def recruited(s: Scenario) -> dict[str, int]:
    """Positions ``s`` recruits from day 0, by post: those beyond ``positions_before``."""
    before = s.workforce.positions_before
    if before is None:
        return {}
    now = positions(s).model_dump()
    return {post: n - getattr(before, post) for post, n in now.items() if n > getattr(before, post)}


def _timetable(
    calendar: Calendar, intervals: list[tuple[float, float, float]], holidays: frozenset[int]
) -> Timetable:
    return Timetable.from_intervals(intervals, calendar.first_weekday, holidays)


def _scaled(timetable: Timetable, people: int) -> list[tuple[float, float, float]]:
    """``people`` on duty whenever ``timetable`` is open (1), as intervals of the week."""
    ends = (*timetable.starts[1:], 7.0)
    return [
        (start, end, value * people)
        for start, end, value in zip(timetable.starts, ends, timetable.values, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class MenuSpec:
    """A phone menu as the caller meets it (times in days; ``mechanisms.phone_menu``)."""

    menu_days: float  # through every level
    level_days: float  # one level (an option to reach a person is at the first)
    hangup: float  # chance of hanging up somewhere in the menu
    misroute: float
    transfer_days: float
    zero_out_share: float

    @classmethod
    def from_scenario(cls, s: Scenario) -> MenuSpec | None:
        """The phone's menu, or None without one."""
        ivr = s.contact_centre.ivr
        if ivr.levels == 0:
            return None
        return cls(
            minutes(menu_minutes(ivr.levels, ivr.seconds_per_level)),
            minutes(menu_minutes(1, ivr.seconds_per_level)),
            menu_hangup_probability(ivr.levels, ivr.hangup_per_level),
            ivr.misroute_probability,
            minutes(ivr.transfer_minutes),
            ivr.zero_out_share,
        )


@dataclass(frozen=True, slots=True)
class DiallingSpec:
    """An agent calling a customer back (days): the dialling, and the share nobody answers."""

    dial_days: float
    unreached: float

    @classmethod
    def from_block(cls, block: CallingBack) -> DiallingSpec:
        """From a callback block (seconds)."""
        return cls(minutes(block.dial_seconds / 60.0), block.unreached)


@dataclass(frozen=True, slots=True)
class CallbackSpec:
    """Callbacks offered to callers facing a long wait (times in days)."""

    offer_above_days: float  # expected wait above which the offer is made
    acceptance: float
    dialling: DiallingSpec  # the agent's call back

    @classmethod
    def from_scenario(cls, s: Scenario) -> CallbackSpec | None:
        """The phone's callbacks, or None when they are not offered."""
        callback = s.contact_centre.callback
        if not callback.enabled:
            return None
        return cls(
            minutes(callback.offer_above_wait_minutes),
            callback.acceptance,
            DiallingSpec.from_block(callback),
        )


def owner_callback(s: Scenario) -> DiallingSpec | None:
    """How case owners return messages, or None when any free agent takes each contact."""
    frontline = s.frontline
    if frontline.case_ownership != "owner":
        return None
    return DiallingSpec.from_block(frontline.owner_callback)


@dataclass(frozen=True, slots=True)
class DiagnosisSpec:
    """Listening before solving (``mechanisms.diagnosis``), in minutes.

    The minutes stay minutes: each contact's listening is scaled by the share of handling time
    given under pressure first, and the station converts.
    """

    minutes: float  # the policy's listening per contact about a case
    habitual_minutes: float  # inside the handling time already
    understanding_minutes: float
    skill_gain: float
    return_days: float  # mean, before a wrong fix is found out
    unstated_need_share: float
    question_minutes: float
    order_share: float

    @classmethod
    def from_block(cls, block: Diagnosis) -> DiagnosisSpec | None:
        """The frontline's diagnosis step, or None when agents solve as they always have."""
        return _from_block(cls, block) if block.enabled else None


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """A staffed channel: handling, patience (minutes; None: never) and answer-time target."""

    name: str
    aht_minutes: float
    patience_minutes: float | None
    service_level_seconds: float
    distribution: str  # of handling times (mechanisms.handling)
    cv: float
    opening: Timetable  # 1 while the channel takes contacts
    by_kind: dict[str, float]  # handling time by kind of contact (enquiry: no case)
    repeat_factor: float  # a repeat contact about the same case
    skill_speed: float  # share of handling time saved per unit of skill above the mean
    skill_mean: float
    after_call_days: float  # wrap-up after each contact
    menu: MenuSpec | None  # the phone menu callers go through first (None: none)
    callback: CallbackSpec | None  # callbacks for callers facing a long wait (None: none)
    concurrency_slowdown: float  # handling time added per other contact in hand
    owner_callback: DiallingSpec | None  # case owners return messages (None: no owners)
    diagnosis: DiagnosisSpec | None  # listening before solving a case (None: the habit)

    @classmethod
    def from_scenario(cls, s: Scenario, name: str, timetables: Timetables) -> ChannelSpec:
        """Channel ``name``: phone is the ``contact_centre`` block, chat and email ``channels``."""
        phone = name == "phone"
        channel = s.contact_centre if phone else getattr(s.channels, name)
        handling = channel.handling
        return cls(
            name, channel.aht_minutes, channel.patience, channel.target_seconds,
            handling.distribution, handling.cv, timetables.opening[name],
            handling.by_kind.model_dump(), handling.repeat_factor, handling.skill_speed,
            s.frontline.skill_mean, minutes(handling.after_call_minutes),
            MenuSpec.from_scenario(s) if phone else None,
            CallbackSpec.from_scenario(s) if phone else None,
            channel.concurrency_slowdown if name == "chat" else 0.0, owner_callback(s),
            DiagnosisSpec.from_block(s.frontline.diagnosis),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class StaffSpec:
    """What every member of staff shares: the learning curve and how far it goes."""

    learning_per_job: float  # before each member's hiring profile's multiplier
    skill_ceiling: float


@dataclass(frozen=True, slots=True)
class MotivationSpec:
    """How motivation moves and shows (``cxsim.mechanisms.motivation``)."""

    adjustment_days: float  # time constant of the team's strain and of events' jolts
    care_per_motivation: float  # empathy shown per unit of motivation
    forced_escalation: float  # motivation lost per solved case escalated for want of authority
    celebration_lift: float  # motivation per celebrated success (0: successes not celebrated)

    @classmethod
    def from_scenario(cls, s: Scenario) -> MotivationSpec:
        """Motivation parameters; no lift where successes are not celebrated."""
        m = s.motivation
        lift = m.celebration_lift if m.celebrate_successes else 0.0
        return cls(m.adjustment_days, m.care_per_motivation, m.forced_escalation, lift)


@dataclass(frozen=True, slots=True)
class Fix:
    """A fix smaller than a rework: a delivery team's time (working days) and its cost."""

    days: float  # mean
    cost: float


@dataclass(frozen=True, slots=True)
class FinalCheckSpec:
    """The check of a built order against the confirmed need (salesperson time in days)."""

    days: float
    tolerance: float  # fit units let through
    catch_rate: float
    fix: Fix  # putting a miss right


@dataclass(frozen=True, slots=True)
class FollowUpSpec:
    """The call after delivery (days; the delay in working time)."""

    delay_days: float
    days: float  # salesperson time
    reveal_share: float
    fix: Fix  # putting a revealed gap right


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
    final_check: FinalCheckSpec | None  # None: orders go to the customer as built
    follow_up: FollowUpSpec | None  # None: nobody asks after delivery

    @classmethod
    def from_scenario(cls, s: Scenario, working: Timetable) -> SalesSpec:
        """Sales parameters; times in days, the follow-up's delay in ``working`` time."""
        sales, check, follow = s.sales, s.sales.final_check, s.sales.follow_up
        elicitation = hours(sales.elicitation_hours)
        if sales.verification:
            elicitation += minutes(sales.verification_minutes)
        day = working.hours_per_open_day() / 24.0  # a working day of working time
        check_fix, follow_fix = (Fix(b.fix_days * day, b.fix_cost) for b in (check, follow))
        return cls(
            elicitation,
            s.customers.expression_noise,
            sales.interpretation_noise,
            sales.verification_catch_rate,
            sales.close_rate,
            sales.overpromise_close_gain,
            s.word_of_mouth.referral_close_boost,
            FinalCheckSpec(minutes(check.minutes), check.tolerance, check.catch_rate, check_fix)
            if check.enabled
            else None,
            FollowUpSpec(
                follow.delay_days * day, minutes(follow.minutes), follow.reveal_share, follow_fix
            )
            if follow.enabled
            else None,
        )


@dataclass(frozen=True, slots=True)
class DeliverySpec:
    """How delivery teams hand off, build and rework (times in days of working time)."""

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
    def from_scenario(cls, s: Scenario, working: Timetable) -> DeliverySpec:
        """Delivery parameters; a build or rework day is a working day of ``working`` hours."""
        day = working.hours_per_open_day() / 24.0
        d = s.delivery
        return _from_block(cls, d, build_days=d.build_days * day, rework_days=d.rework_days * day)


@dataclass(frozen=True, slots=True)
class FrontlineSpec:
    """What a frontline agent's answer costs and what helps or hurts solving."""

    cost_per_contact: float
    record_skill_gain: float  # from the shared customer record, when the policy has one
    error_per_cut: float  # skill lost per share of handling time cut under pressure
    escalate_when_unable: float  # share of the unsolvable cases an agent sees that they pass up
    grant_misjudgement: float  # share of remedies misjudged at skill 0 (anyone who grants)
    overgrant_share: float  # money beyond a too-generous money remedy, share of it

    @classmethod
    def from_scenario(cls, s: Scenario) -> FrontlineSpec:
        """Frontline parameters (the diagnosis step is the channel's: ``ChannelSpec``)."""
        gain = s.shared_record.skill_gain if s.shared_record.enabled else 0.0
        f = s.frontline
        return cls(
            f.cost_per_contact, gain, s.work_pressure.error_per_cut, f.escalate_when_unable,
            f.grant_misjudgement, f.overgrant_share,
        )  # fmt: skip


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
class SpecialistSpec:
    """How specialists work a transferred case (time in days)."""

    handling_days: float  # mean
    cost_per_case: float

    @classmethod
    def from_scenario(cls, s: Scenario) -> SpecialistSpec:
        """Specialist parameters."""
        return cls(minutes(s.specialists.handling_minutes), s.specialists.cost_per_case)


@dataclass(frozen=True, slots=True)
class CustomerSpec:
    """What customers bring to and take from every episode (the validated blocks they read)."""

    expected_fit: float
    expectation_learning: float
    max_contacts_per_case: int
    retry_probability: float
    retry_delay_days: float  # mean
    chase_after_days: float  # mean wait on a supervisor's or specialist's queue before chasing
    commission_per_sale: float
    rework_cost: float
    reports_back: bool  # the feedback loop is on: closed incidents may be reported
    problems: Problems
    recovery: Recovery
    loyalty: Loyalty
    word_of_mouth: WordOfMouth
    channels: Channels
    proactive: Proactive
    recognition: CustomerRecognition

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
            proactive=s.proactive,
            recognition=s.customer_recognition,
        )


def _from_block[Spec](cls: type[Spec], block: BaseModel, **given: Any) -> Spec:
    """``cls`` with ``given`` values and, for every other field, the block's of that name."""
    values = {f.name: getattr(block, f.name) for f in fields(cls) if f.name not in given}
    return cls(**values, **given)

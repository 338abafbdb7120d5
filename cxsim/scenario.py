"""Scenario files: the typed, validated description of one organisation and its policies.

Data flows one way: a YAML file (read with ``yaml.safe_load``, so it never executes code) is
merged with the files it ``extends:`` and with ``--set`` overrides, then validated here. Domain
code only ever sees the frozen :class:`Scenario` object. Every parameter carries a type, a
range, a unit and a one-line description (``Field(description=..., json_schema_extra={"unit"})``),
which is also what the parameter tables in the documentation are generated from.

Bad input raises :class:`ScenarioError`, whose message is one line naming the file, the key
path and what was expected.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError, PydanticUndefined

from cxsim.documents import Location, read_document
from cxsim.errors import ScenarioError, excerpt
from cxsim.library import (
    find_library_scenario,
    missing_scenario,
    referenced_scenario,
    scenario_argument,
)

__all__ = [
    "DECIDABLE",
    "DESCRIPTION_LENGTH",
    "Decision",
    "decided",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "parse_overrides",
    "shortcut_conflicts",
    "shortcut_assignments",
    "scenario_from_dict",
    "describe_error",
    "first_error",
    "located_error",
    "parameter_changes",
    "check_key",
    "yaml_value",
    "read_yaml",
    "value_at",
    "with_overrides",
    "parameter_table",
    "assumptions",
    "usual_band",
    "plausibility_warnings",
    "MAX_EXTENDS_DEPTH",
]

DESCRIPTION_LENGTH = 5000  # characters of a scenario's description
MAX_EXTENDS_DEPTH = 32  # files in one extends: chain; the library's are 2 deep


# Hard upper limits by unit where a field names none: beyond them a value is an error, not an
# organisation (a billion money units per item; a century; a year of minutes or hours).
UNIT_LIMITS = {
    "hours": 8760.0,
    "minutes": 525_600.0,
    "seconds": 31_536_000.0,
    "days": 36_500.0,
    "day": 36_500.0,
    "effort points": 100.0,
    "orders/team": 1e6,
    "contacts/agent": 1e6,
}
MONEY_LIMIT = 1e9


def _unit_limit(unit: str) -> float | None:
    return MONEY_LIMIT if unit.startswith("money") else UNIT_LIMITS.get(unit)


def param(
    default: Any,
    unit: str,
    doc: str,
    *,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    usual: tuple[float, float] | None = None,
    source: str = "",
    meaning: str = "",
) -> Any:
    """Declare one scenario parameter with its range, unit and one-line description.

    ``le`` defaults to the unit's hard limit (:data:`UNIT_LIMITS`). ``usual`` is the plausible
    band, with its ``source``: a value outside it runs, with a warning that says what the value
    ``meaning`` is (a template over ``value``, ``days`` = 365 / value, ``monthly`` = value / 12).
    """
    extra: dict[str, Any] = {"unit": unit}
    if usual is not None:
        extra |= {"usual": list(usual), "source": source, "meaning": meaning}
    return Field(
        default,
        ge=ge,
        le=_unit_limit(unit) if le is None else le,
        gt=gt,
        description=doc,
        json_schema_extra=extra,
    )


CURRENCY_CODE = r"^[A-Z]{3}$"  # ISO 4217
# A name shown in reports and slugged into folder names: not blank, no control characters.
LABEL = r"^[^\x00-\x1f\x7f]*[^\x00-\x20\x7f][^\x00-\x1f\x7f]*$"


def located_error(loc: tuple[str, ...], expected: str, value: Any) -> None:
    """Raise a validation error at ``loc`` (relative to the validating block)."""
    error = PydanticCustomError("constraint", expected.replace("{", "{{").replace("}", "}}"))
    raise ValidationError.from_exception_data(
        "Scenario", [{"type": error, "loc": loc, "input": value}]
    )


class Block(BaseModel):
    """Base for every scenario block: unknown keys are errors and values are immutable.

    Numbers are finite (``.inf`` and ``.nan`` are refused) and ``true``/``false`` is not a
    number (pydantic would otherwise read ``customers.initial: true`` as one customer).
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False
    )

    @model_validator(mode="before")
    @classmethod
    def _no_bool_for_a_number(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name, value in data.items():
                if isinstance(value, bool) and name in _numeric_fields(cls):
                    located_error((name,), "a number, not true/false", value)
        return data

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickle (in a worker process) with the field names interned.

        Pickle rebuilds ``__dict__`` with fresh key strings; CPython's fast attribute lookup
        needs the very string objects the code uses, so every ``params.block.value`` read in
        the model took 6x longer and whole runs 8% longer in worker processes (measured).
        """
        fields = {sys.intern(key): value for key, value in state["__dict__"].items()}
        super().__setstate__({**state, "__dict__": fields})


def _numeric_fields(model: type[BaseModel]) -> frozenset[str]:
    numeric = set()
    for name, info in model.model_fields.items():
        kinds = set(get_args(info.annotation)) | {info.annotation}
        if kinds & {int, float} and bool not in kinds:
            numeric.add(name)
    return frozenset(numeric)


SHARE = {"ge": 0.0, "le": 1.0}


class Horizon(Block):
    """How long the organisation is simulated."""

    days: float = param(730.0, "days", "Length of the simulated period.", gt=0, le=36500)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AROUND_THE_CLOCK = "00:00-24:00"
HOURS_TEXT = "HH:MM-HH:MM ranges (e.g. 08:00-18:00 or 08:00-12:00,13:00-17:00) or closed"


def _clock(text: str) -> float:
    """'08:30' as hours after midnight (8.5); '24:00' is the end of the day."""
    hh, sep, mm = text.strip().partition(":")
    if not (sep and hh.isdigit() and mm.isdigit() and len(mm) == 2):
        raise ValueError(text)
    value = int(hh) + int(mm) / 60.0
    if int(mm) >= 60 or value > 24.0:
        raise ValueError(text)
    return value


def hour_ranges(text: str) -> tuple[tuple[float, float], ...]:
    """'08:00-12:00,13:00-17:00' as ((8, 12), (13, 17)) hours; 'closed' as ()."""
    if text.strip() == "closed":
        return ()
    ranges = []
    for part in text.split(","):
        start, sep, end = part.partition("-")
        if not sep:
            raise ValueError(part)
        ranges.append((_clock(start), _clock(end)))
    return tuple(ranges)


def _weekday_numbers(text: str) -> tuple[int, ...]:
    """'mon-fri' as (0, 1, 2, 3, 4); 'sat,sun' as (5, 6); ranges may wrap ('fri-mon')."""
    days: list[int] = []
    for part in text.replace(" ", "").split(","):
        first, _, last = part.partition("-")
        a, b = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        days.extend(d % 7 for d in range(a, b + 1 if b >= a else b + 8))
    return tuple(dict.fromkeys(days))


class WeekHours(Block):
    """Hours of each weekday: ranges like "08:00-18:00", or closed."""

    mon: str = Field(AROUND_THE_CLOCK, description="Monday.", json_schema_extra={"unit": "hours"})
    tue: str = Field(AROUND_THE_CLOCK, description="Tuesday.", json_schema_extra={"unit": "hours"})
    wed: str = Field(
        AROUND_THE_CLOCK, description="Wednesday.", json_schema_extra={"unit": "hours"}
    )
    thu: str = Field(AROUND_THE_CLOCK, description="Thursday.", json_schema_extra={"unit": "hours"})
    fri: str = Field(AROUND_THE_CLOCK, description="Friday.", json_schema_extra={"unit": "hours"})
    sat: str = Field(AROUND_THE_CLOCK, description="Saturday.", json_schema_extra={"unit": "hours"})
    sun: str = Field(AROUND_THE_CLOCK, description="Sunday.", json_schema_extra={"unit": "hours"})

    @field_validator(*WEEKDAYS)
    @classmethod
    def _hours(cls, text: str) -> str:
        try:
            ranges = hour_ranges(text)
        except ValueError:
            raise PydanticCustomError("constraint", HOURS_TEXT) from None
        ends = [edge for pair in ranges for edge in pair]
        if any(b <= a for a, b in zip(ends, ends[1:], strict=False)):
            raise PydanticCustomError("constraint", "ranges in order, each ending after it starts")
        return text

    def intervals(self) -> list[tuple[float, float, float]]:
        """Open intervals of the week as (start, end, 1), in days after Monday 00:00."""
        return [
            (day + a / 24.0, day + b / 24.0, 1.0)
            for day, name in enumerate(WEEKDAYS)
            for a, b in hour_ranges(getattr(self, name))
        ]


class Shift(Block):
    """One shift of a roster: on which weekdays, from when to when, how many agents."""

    days: str = Field(
        "mon-fri",
        description="Weekdays of the shift: a day, a range or a list (mon-fri, sat,sun).",
        json_schema_extra={"unit": "weekdays"},
    )
    start: str = Field("08:00", description="Start (HH:MM).", json_schema_extra={"unit": "time"})
    end: str = Field(
        "17:00",
        description="End (HH:MM); before the start: the shift ends the next day.",
        json_schema_extra={"unit": "time"},
    )
    agents: int = param(1, "agents", "Agents on duty during the shift.", ge=0, le=100_000)

    @field_validator("days")
    @classmethod
    def _days(cls, text: str) -> str:
        try:
            _weekday_numbers(text)
        except ValueError:
            raise PydanticCustomError(
                "constraint", "weekdays such as mon-fri, sat,sun or tue (mon .. sun)"
            ) from None
        return text

    @field_validator("start", "end", mode="before")
    @classmethod
    def _sexagesimal(cls, value: Any) -> Any:
        """YAML 1.1 reads an unquoted 18:00 as the number 1080 (base 60): take it back."""
        if isinstance(value, int) and not isinstance(value, bool) and 60 <= value <= 1440:
            return f"{value // 60:02d}:{value % 60:02d}"
        return value

    @field_validator("start", "end")
    @classmethod
    def _time(cls, text: str) -> str:
        try:
            _clock(text)
        except ValueError:
            raise PydanticCustomError(
                "constraint", "a time of day HH:MM (00:00 .. 24:00)"
            ) from None
        return text

    def intervals(self) -> list[tuple[float, float, float]]:
        """The shift's intervals of the week as (start, end, agents), in days after Monday."""
        start, end = _clock(self.start) / 24.0, _clock(self.end) / 24.0
        if end <= start:
            end += 1.0
        return [(day + start, day + end, float(self.agents)) for day in _weekday_numbers(self.days)]


class Staffed(Block):
    """What every staffed channel has: agents or a roster, and its opening hours."""

    opening_hours: WeekHours = Field(
        WeekHours(),
        description="When the channel takes contacts; outside them customers wait, switch or "
        "give up (channels.when_closed).",
    )
    roster: tuple[Shift, ...] = Field(
        (),
        description="Shifts that set the agents on duty at each moment; empty: agents are on "
        "duty whenever the channel is open.",
    )

    @model_validator(mode="after")
    def _agents_or_roster(self) -> Staffed:
        if self.roster and self.agents is not None:
            located_error(("agents",), "null when a roster says who is on duty", self.agents)
        if not self.roster and self.agents is None:
            located_error(("agents",), "a number of agents (or a roster)", self.agents)
        return self

    @property
    def target_seconds(self) -> float:
        """The channel's answer-time target (seconds)."""
        return self.service_level_seconds

    @property
    def patience(self) -> float | None:
        """Mean patience (minutes) of those waiting; None: nobody gives up."""
        return self.patience_minutes


def _service_level_seconds(default: float, doc: str) -> Any:
    return param(
        default, "seconds", f"Answer-time target of the channel's service level ({doc}).", ge=0
    )


class ArrivalProfile(Block):
    """When customers want to be in touch: relative weights by hour of day and day of week."""

    hourly: tuple[float, ...] = Field(
        (1.0,) * 24,
        description="24 weights, from the hour 00:00-01:00 to 23:00-24:00.",
        json_schema_extra={"unit": "weights"},
        min_length=24,
        max_length=24,
    )
    weekly: tuple[float, ...] = Field(
        (1.0,) * 7,
        description="7 weights, Monday to Sunday.",
        json_schema_extra={"unit": "weights"},
        min_length=7,
        max_length=7,
    )

    @field_validator("hourly", "weekly")
    @classmethod
    def _weights(cls, weights: tuple[float, ...]) -> tuple[float, ...]:
        if any(w < 0 for w in weights) or not any(w > 0 for w in weights):
            raise PydanticCustomError("constraint", "weights >= 0, at least one positive")
        return weights

    def intervals(self) -> list[tuple[float, float, float]]:
        """The weekly intensity as (start, end, weight) hours, normalised to a mean of 1."""
        raw = [
            (day + hour / 24.0, day + (hour + 1) / 24.0, daily * hourly)
            for day, daily in enumerate(self.weekly)
            for hour, hourly in enumerate(self.hourly)
        ]
        mean = sum(w for *_, w in raw) / len(raw)
        return [(a, b, w / mean) for a, b, w in raw]


class Calendar(Block):
    """The calendar of the run: its first day, public holidays and the working week."""

    start_date: date = Field(
        date(2024, 1, 1),
        description="Date of day 0 (a Monday by default): sets the weekday of every day.",
        json_schema_extra={"unit": "date"},
    )
    holidays: tuple[str, ...] = Field(
        (),
        description="Days everyone is off and every channel closed: MM-DD every year, or "
        "YYYY-MM-DD once.",
        json_schema_extra={"unit": "dates"},
    )
    working_hours: WeekHours = Field(
        WeekHours(),
        description="Hours of sales, delivery and supervisors (their work waits outside them).",
    )

    @field_validator("holidays")
    @classmethod
    def _dates(cls, days: tuple[str, ...]) -> tuple[str, ...]:
        for text in days:
            try:
                _holiday_date(str(text), 2024)
            except ValueError:
                raise PydanticCustomError("constraint", "dates as MM-DD or YYYY-MM-DD") from None
        return tuple(str(text) for text in days)

    @property
    def first_weekday(self) -> int:
        """Weekday of day 0 (0 = Monday)."""
        return self.start_date.weekday()

    def holiday_days(self, days: float) -> frozenset[int]:
        """Days of a run of ``days`` days (0 = start_date) that are holidays."""
        if not self.holidays:
            return frozenset()
        found = set()
        for number in range(int(math.ceil(days)) + 1):
            today = self.start_date + timedelta(days=number)
            if any(today == _holiday_date(text, today.year) for text in self.holidays):
                found.add(number)
        return frozenset(found)


def _holiday_date(text: str, year: int) -> date:
    """'12-25' in ``year``, or '2025-12-25' itself."""
    return date.fromisoformat(text if text.count("-") == 2 else f"{year}-{text}")


class KindFactors(Block):
    """Handling time of each kind of contact relative to a routine request (assumption: 1)."""

    routine: float = param(1.0, "multiplier", "A routine request (question, change).", gt=0, le=20)
    incident: float = param(1.0, "multiplier", "A complaint about a service incident.", gt=0, le=20)
    requirement_gap: float = param(
        1.0, "multiplier", "A complaint that the delivery missed the need.", gt=0, le=20
    )
    enquiry: float = param(
        1.0, "multiplier", "An enquiry from outside the customer base.", gt=0, le=20
    )


class Handling(Block):
    """How long a contact takes: its spread (Brown et al. 2005: lognormal), kind and handler."""

    distribution: Literal["exponential", "lognormal"] = Field(
        "exponential",
        description="exponential: the Erlang assumption (cv 1); lognormal: short calls and a "
        "long tail, as measured by Brown et al. (2005).",
        json_schema_extra={"unit": "one of two"},
    )
    cv: float = param(
        1.0,
        "ratio",
        "Coefficient of variation (sd / mean) of lognormal handling; exponential's is 1.",
        gt=0,
        le=10,
        usual=(0.3, 2.0),
        source="assumption: lognormal call-centre service times (Brown et al. 2005)",
        meaning="a spread of {value:g} times the mean",
    )

    by_kind: KindFactors = Field(
        KindFactors(),
        description="Handling time by kind of contact, relative to aht_minutes (routine).",
    )
    repeat_factor: float = param(
        1.0,
        "multiplier",
        "Handling time of a repeat contact about the same case (retelling, checking what was "
        "done); assumption.",
        gt=0,
        le=20,
    )
    skill_speed: float = param(
        0.0,
        "1/skill",
        "Share of handling time saved per unit of skill above frontline.skill_mean (and added "
        "below it): experienced agents are quicker (assumption; 0: skill does not matter).",
        ge=0,
        le=1,
    )
    after_call_minutes: float = param(
        0.0,
        "minutes",
        "Wrap-up after each contact: the agent is busy, the customer is done (0: none).",
        ge=0,
        le=240,
    )

    @model_validator(mode="after")
    def _cv_of_exponential(self) -> Handling:
        if self.distribution == "exponential" and self.cv != 1.0:
            located_error(
                ("cv",), "1 with exponential handling (or distribution: lognormal)", self.cv
            )
        return self


class Channel(Staffed):
    """A staffed written channel (chat, email): its own agents and handling time."""

    agents: int | None = param(
        1, "agents", "Agents on duty whenever the channel is open (null with a roster).", ge=0,
        le=100_000,
    )  # fmt: skip
    aht_minutes: float = param(15.0, "minutes", "Mean handling time of one contact.", gt=0)
    handling: Handling = Handling()


class Chat(Channel):
    """Chat: agents serve several chats at once, each more slowly; customers may give up."""

    patience_minutes: float | None = param(
        20.0, "minutes", "Mean time a customer waits before giving up; null: never gives up.", gt=0
    )
    service_level_seconds: float = _service_level_seconds(60.0, "chat: a minute, assumption")
    concurrency: int = param(
        2,
        "chats",
        "Chats an agent serves at once (chat platforms' concurrency cap; 1: one at a time).",
        ge=1,
        le=10,
        usual=(1, 4),
        source="vendors' guidance: 2-4 chats at once (Supportman, Knowup); a logistics "
        "provider's most chats per hour at 5 (FM Outsource 2016)",
        meaning="up to {value:g} chats at once",
    )
    concurrency_slowdown: float = param(
        0.25,
        "share",
        "Handling time a chat gains for each other chat its agent has in hand when it starts "
        "(Tezcan and Zhang 2014: each chat is slower the more an agent serves; 0: none).",
        ge=0,
        le=5,
    )


class Email(Channel):
    """Email: a backlog worked in the inbox's hours against a response target; never abandoned."""

    response_target_hours: float = param(
        24.0,
        "hours",
        "Response-time target: the share answered within it is email's service level.",
        gt=0,
        le=24 * 30,
    )

    @property
    def target_seconds(self) -> float:
        """The response target (seconds)."""
        return self.response_target_hours * 3600.0

    @property
    def patience(self) -> None:
        """Nobody gives up on a letter."""
        return None


class SelfService(Block):
    """Self-service (portal, bot): no agents, solves a share of routine requests."""

    containment: float = param(
        0.5, "share", "Share of routine requests that self-service solves.", **SHARE
    )
    cost_per_contact: float = param(0.5, "money/contact", "Cost of one self-service session.", ge=0)
    failure_complexity: float = param(
        0.1, "skill", "Extra complexity of a request that self-service failed to solve.", **SHARE
    )


class WhenClosed(Block):
    """What a customer does who finds their channel closed (assumption: no published shares)."""

    wait_for_opening: float = param(
        0.6, "share", "Share who get in touch on the same channel once it opens.", **SHARE
    )
    other_channel: float = param(
        0.3,
        "share",
        "Share who turn to another open channel (self-service never closes); the rest give up.",
        **SHARE,
    )
    delay_after_opening_hours: float = param(
        1.0, "hours", "Mean time after opening at which those who waited get in touch.", gt=0
    )

    @model_validator(mode="after")
    def _shares(self) -> WhenClosed:
        if self.wait_for_opening + self.other_channel > 1.0 + 1e-9:
            located_error(
                ("other_channel",),
                f"at most {1.0 - self.wait_for_opening:g} (1 - wait_for_opening)",
                self.other_channel,
            )
        return self


class Channels(Block):
    """Phone is the contact_centre block; these are the other channels and how customers move."""

    chat: Chat = Chat()
    email: Email = Email(aht_minutes=10.0)
    self_service: SelfService = SelfService()
    when_closed: WhenClosed = WhenClosed()
    switch_probability: float = param(
        0.5,
        "share",
        "Chance that a customer trying again after a failed contact switches channel (CEB: 57%).",
        **SHARE,
    )
    reexplain_effort: float = param(
        0.3,
        "effort points",
        "Effort of telling the story again when the record is not shared (CEB: 56% re-explain).",
        ge=0,
        le=10,
    )
    unresolved_effort: float = param(
        1.5,
        "effort points",
        "Effort of a case left unresolved: the customer must handle the problem themselves.",
        ge=0,
        le=10,
    )


class ChannelMix(Block):
    """Shares of a segment's customers who first try each channel; they add up to 1."""

    phone: float = param(0.6, "share", "Share who first call.", **SHARE)
    chat: float = param(0.2, "share", "Share who first chat.", **SHARE)
    email: float = param(0.2, "share", "Share who first write an email.", **SHARE)
    self_service: float = param(0.0, "share", "Share who first try self-service.", **SHARE)

    @model_validator(mode="after")
    def _adds_up(self) -> ChannelMix:
        total = self.phone + self.chat + self.email + self.self_service
        if abs(total - 1.0) > 1e-6:
            located_error(("phone",), "channel shares adding up to 1", total)
        return self


class Segment(Block):
    """A group of customers with their own value, patience, clarity, tolerance and voice.

    Every field is required: a segment list given in a file replaces the parent's list whole,
    so a partly given segment would otherwise take generic values without a word.
    """

    name: str = Field(..., description="Name of the segment in reports.", min_length=1)
    share: float = param(
        ..., "share", "Share of customers and prospects in this segment.", gt=0, le=1
    )
    value_per_month: float = param(
        ..., "money/month", "Recurring fee an active customer pays per month.", ge=0
    )
    patience_factor: float = param(
        ...,
        "multiplier",
        "Patience in the contact queue relative to contact_centre's mean.",
        gt=0,
        le=10,
    )
    clarity_mean: float = param(
        ...,
        "share",
        "Mean clarity with which customers express their need (1 = perfectly).",
        **SHARE,
    )
    tolerance: float = param(
        ...,
        "fit units",
        "Shortfall below the expected fit that a customer accepts unnoticed.",
        **SHARE,
    )
    complaint_propensity: float = param(
        ...,
        "multiplier",
        "Propensity to complain relative to the problems block's curve.",
        ge=0,
        le=10,
    )
    channel_mix: ChannelMix = Field(
        ..., description="Shares who first try each channel.", json_schema_extra={"unit": "shares"}
    )


# A mid-size B2B book of accounts: few large, demanding key accounts; many small businesses
# that pay less, wait longer and complain less (TARP: the propensity to complain differs by
# customer type).
DEFAULT_SEGMENTS = (
    Segment(
        name="key_accounts",
        share=0.15,
        value_per_month=1800.0,
        patience_factor=0.6,
        clarity_mean=0.75,
        tolerance=0.03,
        complaint_propensity=1.5,
        channel_mix=ChannelMix(phone=0.8, chat=0.0, email=0.2, self_service=0.0),
    ),
    Segment(
        name="mid_market",
        share=0.35,
        value_per_month=700.0,
        patience_factor=1.0,
        clarity_mean=0.65,
        tolerance=0.05,
        complaint_propensity=1.0,
        channel_mix=ChannelMix(phone=0.6, chat=0.2, email=0.2, self_service=0.0),
    ),
    Segment(
        name="small_business",
        share=0.5,
        value_per_month=300.0,
        patience_factor=1.3,
        clarity_mean=0.6,
        tolerance=0.06,
        complaint_propensity=0.8,
        channel_mix=ChannelMix(phone=0.4, chat=0.2, email=0.2, self_service=0.2),
    ),
)


class Customers(Block):
    """The customer base: size, inflow, traits and how often they need the organisation."""

    initial: int = param(
        1000,
        "customers",
        "Active customers at day 0.",
        ge=0,
        le=10_000_000,
        usual=(0, 1_000_000),
        source="assumption: cxsim is benchmarked to 100,000 customers",
        meaning="{value:,.0f} customers at day 0",
    )
    arrival_rate_per_day: float = param(
        1.6, "prospects/day", "Poisson rate at which new prospects contact sales.", ge=0, le=1e6
    )
    need_dimensions: int = param(
        5,
        "dimensions",
        "Length of the requirement vector that describes what a customer needs.",
        ge=1,
        le=50,
    )
    clarity_sd: float = param(
        0.15, "share", "Spread of clarity between customers of one segment.", ge=0, le=0.5
    )
    trait_spread: float = param(
        0.3,
        "log-scale",
        "Spread between customers of a segment in patience, tolerance and propensity to complain.",
        ge=0,
        le=2,
    )
    expression_noise: float = param(
        0.30, "fit units", "Error in what a customer of clarity 0 says about each need.", ge=0, le=2
    )
    expected_fit: float = param(
        0.8, "fit units", "Fit a new customer expects from an order before any promise.", **SHARE
    )
    expectation_learning: float = param(
        0.3,
        "share",
        "How far each delivery moves a customer's expectation toward the fit they got.",
        **SHARE,
    )
    orders_per_year: float = param(
        1.0,
        "orders/customer/year",
        "Rate at which an active customer places a new order.",
        ge=0,
        le=365,
    )
    routine_contacts_per_year: float = param(
        6.0,
        "contacts/customer/year",
        "Rate of routine requests (questions, changes) an active customer brings to the frontline.",
        ge=0,
        le=1000,
        usual=(0.0, 52.0),
        source="assumption: up to a request a week per account",
        meaning="{value:g} requests per customer a year",
    )
    incidents_per_year: float = param(
        1.5,
        "incidents/customer/year",
        "Rate of service incidents an active customer meets.",
        ge=0,
        le=365,
        usual=(0.0, 24.0),
        source="assumption: up to two incidents a month per account",
        meaning="{value:g} incidents per customer a year",
    )
    initial_satisfaction: float = param(
        0.72, "satisfaction", "Mean satisfaction of the customers active at day 0.", **SHARE
    )
    retry_probability: float = param(
        0.6,
        "share",
        "Chance that a customer who hung up or was not helped contacts again.",
        **SHARE,
    )
    retry_delay_hours: float = param(6.0, "hours", "Mean delay before such a repeat contact.", gt=0)
    max_contacts_per_case: int = param(
        5, "contacts", "Contacts after which a customer gives up on a case.", ge=1, le=100
    )
    chase_after_days: float = param(
        3.0,
        "days",
        "Mean days a customer waits on a case handed to a supervisor's or specialist's queue "
        "before chasing it (a contact, then waiting again, as retry_probability says, or "
        "giving up); assumption: a few days against a callback promised within hours.",
        gt=0,
    )
    renewal_period_days: int = param(
        30, "days", "Interval between a customer's stay-or-leave decisions (renewals).", gt=0
    )
    segments: tuple[Segment, ...] = Field(
        DEFAULT_SEGMENTS, min_length=1, description="Customer segments; shares add up to 1."
    )

    @model_validator(mode="after")
    def _segments_add_up(self) -> Customers:
        total = sum(s.share for s in self.segments)
        names = [s.name for s in self.segments]
        if abs(total - 1.0) > 1e-6:
            located_error(("segments",), "shares adding up to 1", total)
        if len(set(names)) != len(names):
            located_error(("segments",), "unique segment names", names)
        return self


class EarlyFix(Block):
    """Putting an order right before the customer complains: less than a rework after one."""

    fix_days: float = param(
        0.5,
        "days",
        "Mean working days a team takes to put the order right (a rework after a complaint: "
        "delivery.rework_days).",
        gt=0,
        le=365,
    )
    fix_cost: float = param(100.0, "money/fix", "Material and overtime cost of one fix.", ge=0)


class FinalCheck(EarlyFix):
    """The salesperson compares the built product with the confirmed need before handover."""

    enabled: bool = param(
        False, "on/off", "Check every built order against the confirmed need (seed 000)."
    )
    minutes: float = param(30.0, "minutes", "Salesperson time per check.", gt=0, le=480)
    tolerance: float = param(
        0.12,
        "fit units",
        "Distance from the confirmed need that the check lets through.",
        ge=0,
        le=1,
    )
    catch_rate: float = param(
        0.7, "share", "Share of the misses beyond the tolerance that the check finds.", **SHARE
    )


class FollowUp(EarlyFix):
    """A salesperson asks after delivery whether the order does what was needed."""

    enabled: bool = param(
        False, "on/off", "Follow up every delivered order (seed 000: ensure satisfaction)."
    )
    delay_days: float = param(
        10.0, "days", "Working days after delivery before the follow-up call.", ge=0, le=365
    )
    minutes: float = param(15.0, "minutes", "Salesperson time per follow-up.", gt=0, le=240)
    reveal_share: float = param(
        0.6,
        "share",
        "Share of the customers keeping quiet about a gap who tell it when asked.",
        **SHARE,
    )


class Sales(Block):
    """Salespeople: how they listen, verify, promise and close."""

    salespeople: int = param(
        3, "people", "Salespeople eliciting needs for new and repeat orders.", ge=0, le=100_000
    )
    elicitation_hours: float = param(
        3.0, "hours", "Mean salesperson time to elicit the need of one order.", gt=0
    )
    listening_skill_mean: float = param(
        0.6, "skill", "Mean active-listening skill of salespeople (1 = hears exactly).", **SHARE
    )
    listening_skill_sd: float = param(0.1, "skill", "Spread of listening skill.", ge=0, le=0.5)
    interpretation_noise: float = param(
        0.30, "fit units", "Error a salesperson of listening skill 0 adds to each need.", ge=0, le=2
    )
    anchoring: float = param(
        0.35,
        "share",
        "Pull of a poor listener's interpretation toward the standard catalogue (seed 003).",
        **SHARE,
    )
    verification: bool = param(
        False, "on/off", "Paraphrase and confirm the need with the customer before the handoff."
    )
    verification_minutes: float = param(
        30.0, "minutes", "Extra salesperson time a verification takes.", ge=0
    )
    verification_catch_rate: float = param(
        0.6, "share", "Share of the misunderstanding that paraphrase-and-confirm corrects.", **SHARE
    )
    close_rate: float = param(
        0.35, "share", "Chance that an elicited prospect buys, before any overpromise.", **SHARE
    )
    overpromise: float = param(
        0.05,
        "fit units",
        "Fit promised beyond what is normally delivered; raises expectations.",
        ge=0,
        le=1,
    )
    overpromise_close_gain: float = param(
        1.0, "close-rate/fit unit", "Gain in close rate per unit of overpromise.", ge=0, le=10
    )
    volume_reward_weight: float = param(
        0.0,
        "share",
        "Weight of sales volume (vs customer retention) in salespeople's rewards (seed 004).",
        **SHARE,
    )
    volume_overpromise: float = param(
        0.1, "fit units", "Extra overpromise of a salesperson rewarded only on volume.", ge=0, le=1
    )
    volume_anchoring: float = param(
        0.3,
        "share",
        "Extra pull toward the standard catalogue when rewarded only on volume.",
        **SHARE,
    )
    commission_per_sale: float = param(
        400.0, "money/sale", "Commission paid per new customer.", ge=0
    )
    cost_per_prospect: float = param(
        120.0, "money/prospect", "Marketing cost to bring one prospect in.", ge=0
    )
    salary_per_year: float = param(
        62_000.0,
        "money/year",
        "Loaded salary of one salesperson.",
        ge=0,
        usual=(20_000.0, 300_000.0),
        source="assumption: loaded salary of a salesperson",
        meaning="{value:,.0f} a year, {monthly:,.0f} a month",
    )
    final_check: FinalCheck = Field(
        FinalCheck(), description="The built product checked against the confirmed need."
    )
    follow_up: FollowUp = Field(
        FollowUp(), description="A call after delivery that asks whether the order fits."
    )


class Delivery(Block):
    """Delivery teams: handoff, rigidity, execution and rework."""

    teams: int = param(
        9, "teams", "Delivery teams; each builds one order at a time.", ge=0, le=100_000
    )
    build_days: float = param(
        1.0, "days", "Mean working days a team takes to build one order.", gt=0
    )
    documentation_quality: float = param(
        0.6,
        "share",
        "Quality of the written handoff from sales to delivery (1 = lossless).",
        **SHARE,
    )
    handoff_noise: float = param(
        0.25,
        "fit units",
        "Error a handoff of documentation quality 0 adds to each need.",
        ge=0,
        le=2,
    )
    shared_record_handoff_gain: float = param(
        0.5,
        "share",
        "Share of the handoff error removed when the customer record is shared.",
        **SHARE,
    )
    rigidity: float = param(
        0.3, "share", "Pull of what is built toward the standard product (seed 000).", **SHARE
    )
    haste_backlog_per_team: float = param(
        3.0,
        "orders/team",
        "Queued orders per team at which haste doubles rigidity and execution error.",
        gt=0,
    )
    execution_skill: float = param(
        0.75, "skill", "Skill with which teams build what the specification says.", **SHARE
    )
    execution_noise: float = param(
        0.2, "fit units", "Error a team of execution skill 0 adds to each need.", ge=0, le=2
    )
    order_value: float = param(1500.0, "money/order", "One-off revenue of an order.", ge=0)
    rework_days: float = param(
        2.0, "days", "Mean working days a team takes to rework a delivered order.", gt=0
    )
    rework_cost: float = param(
        350.0,
        "money/rework",
        "Material and overtime cost of reworking an order (late-fix escalation, Stecklein 2004).",
        ge=0,
    )
    salary_per_year: float = param(
        150_000.0, "money/team/year", "Loaded salaries of one delivery team.", ge=0
    )


class PhoneMenu(Block):
    """The phone menu (IVR) callers go through before the queue (seeds 000, 002); assumptions."""

    levels: int = param(
        0, "levels", "Choices a caller makes before the queue (0: no menu).", ge=0, le=20
    )
    seconds_per_level: float = param(
        15.0, "seconds", "Time to listen and choose at each level.", gt=0
    )
    hangup_per_level: float = param(
        0.02, "share", "Chance that a caller hangs up at each level.", **SHARE
    )
    misroute_probability: float = param(
        0.1, "share", "Chance that the caller's choices land them in the wrong queue.", **SHARE
    )
    transfer_minutes: float = param(
        1.5, "minutes", "Time the wrong agent takes to hear the caller out and transfer them.", gt=0
    )
    zero_out_share: float = param(
        0.0,
        "share",
        "Share of callers who take an option to reach a person at the first level (0: none).",
        **SHARE,
    )


class CallingBack(Block):
    """An agent calling a customer back: the time it takes and the share nobody answers."""

    dial_seconds: float = param(
        30.0,
        "seconds",
        "Agent's time to call back and reach the caller, added to the call (assumption).",
        ge=0,
        le=600,
    )
    unreached: float = param(
        0.1,
        "share",
        "Share of callbacks nobody answers (the customer must get in touch again; assumption).",
        **SHARE,
    )


class Callback(CallingBack):
    """Virtual hold: callers facing a long wait may leave a number and keep their place."""

    enabled: bool = param(False, "on/off", "Whether callers are offered a callback.")
    offer_above_wait_minutes: float = param(
        2.0,
        "minutes",
        "Expected wait above which a caller is offered a callback (the estimate: callers ahead "
        "plus one, times the handling time, over the agents on duty; Ibrahim and Whitt 2009).",
        ge=0,
        le=240,
    )
    acceptance: float = param(
        0.4, "share", "Share of callers offered a callback who take it (assumption).", **SHARE
    )


class ContactCentre(Staffed):
    """The phone queue of the contact centre: agents, handling, patience, target (Erlang A)."""

    agents: int | None = param(
        10,
        "agents",
        "Phone agents on duty whenever the line is open (null with a roster).",
        ge=0,
        le=100_000,
        usual=(1, 5000),
        source="assumption: contact centres of one to a few thousand seats",
        meaning="{value:g} agents",
    )
    aht_minutes: float = param(
        10.0,
        "minutes",
        "Mean handling time of a routine call (its spread and other kinds: handling).",
        gt=0,
        usual=(1.0, 60.0),
        source="Brown et al. 2005: a few minutes; B2B support longer (assumption)",
        meaning="{value:g} minutes per contact",
    )
    service_level_seconds: float = _service_level_seconds(20.0, "the common 80% in 20 s")
    patience_minutes: float | None = param(
        4.0,
        "minutes",
        "Mean time a caller waits before hanging up (exponential); null for infinite patience.",
        gt=0,
        usual=(0.5, 15.0),
        source="Dimension Data 2007: callers wait 37-72 s before hanging up; B2B callers longer "
        "(assumption)",
        meaning="callers hang up after {value:g} minutes on average",
    )
    handling: Handling = Handling(
        distribution="lognormal",
        cv=1.0,
        by_kind=KindFactors(incident=1.5, requirement_gap=1.5, enquiry=0.8),
        repeat_factor=1.2,
        after_call_minutes=1.0,
    )
    ivr: PhoneMenu = Field(PhoneMenu(), description="The phone menu before the queue.")
    callback: Callback = Field(
        Callback(), description="Callbacks (virtual hold) for callers facing a long wait."
    )
    arrival_profile: ArrivalProfile = Field(
        ArrivalProfile(),
        description="When customers want to call, chat or write (every contact stream; "
        "enquiries from outside too).",
    )
    arrival_rate_per_hour: float = param(
        20.5,
        "contacts/hour",
        "Calls that open no case: the accounts' users' how-to questions and outsiders' "
        "enquiries, answered once (a mean over the week; they follow arrival_profile). The "
        "whole line's volume, not per account: it does not follow customers.initial, so a "
        "client of another size sets it (or calibrates it to the measured occupancy).",
        ge=0,
        le=1e6,
    )


class Warmup(Block):
    """Start-up period left out of the contact-centre statistics."""

    days: float = param(
        0.0, "days", "Days from the start before statistics are counted.", ge=0, le=36500
    )


class Diagnosis(Block):
    """Listening before solving: minutes spent understanding a case, and curiosity (seed 003)."""

    enabled: bool = param(
        False,
        "on/off",
        "Agents listen for the policy's minutes before solving a case (seed 003: understand, "
        "then solve); off: the solve as it is, without wrong fixes or revealed needs.",
    )
    minutes: float = param(
        5.0,
        "minutes",
        "Listening and questions before solving, per contact about a case; cut with the "
        "handling time under work pressure (assumption: half a 10-minute call).",
        ge=0,
        le=120,
    )
    habitual_minutes: float = param(
        2.0,
        "minutes",
        "Listening agents habitually give a case, already inside the handling time (assumption).",
        ge=0,
        le=120,
    )
    understanding_minutes: float = param(
        2.0,
        "minutes",
        "Listening at which the chance of understanding the real problem is 63% of the way "
        "up (assumption).",
        gt=0,
        le=120,
    )
    skill_gain: float = param(
        0.2, "skill", "Solving skill full understanding adds over none (assumption).", ge=0, le=1
    )
    return_days: float = param(
        3.0,
        "days",
        "Mean days before a customer given a wrong fix finds the problem still there (assumption).",
        gt=0,
        le=365,
    )
    unstated_need_share: float = param(
        0.1,
        "share",
        "Share of contacts about a case behind which the customer has a need they did not "
        "state (seed 003: customers rarely volunteer more; the size is an assumption).",
        **SHARE,
    )
    question_minutes: float = param(
        3.0,
        "minutes",
        "Listening beyond the habit at which questions reveal 63% of unstated needs (assumption).",
        gt=0,
        le=120,
    )
    order_share: float = param(
        0.5,
        "share",
        "Share of revealed needs that become an order; the rest are problems prevented "
        "(assumption).",
        **SHARE,
    )


class Frontline(Block):
    """The frontline service agents' skills and authority."""

    skill_mean: float = param(
        0.65, "skill", "Mean problem-solving skill of frontline agents.", **SHARE
    )
    skill_sd: float = param(0.1, "skill", "Spread of frontline skill.", ge=0, le=0.5)
    empathy_mean: float = param(
        0.6, "share", "Mean listening and empathy of frontline agents during a recovery.", **SHARE
    )
    empowerment_limit: float = param(
        50.0,
        "money/case",
        "Largest remedy (refund, credit, rework order) an agent may grant without a supervisor.",
        ge=0,
        usual=(0.0, 5000.0),
        source="assumption: frontline refund limits of tens to a few thousand",
        meaning="agents may grant up to {value:,.0f} per case",
    )
    escalate_when_unable: float = param(
        0.5,
        "share",
        "Share of the cases an agent sees they cannot solve that they pass to a supervisor (or "
        "the specialist tier) instead of sending the customer away; an agent sees it with "
        "probability their skill, less under pressure (assumption).",
        **SHARE,
    )
    grant_misjudgement: float = param(
        0.3,
        "share",
        "Share of remedies misjudged by someone of no skill; a handler of skill s misjudges "
        "grant_misjudgement * (1 - s) of them, half too generous, half too little or the wrong "
        "fix (supervisors and specialists too, with their skill; assumption).",
        **SHARE,
    )
    overgrant_share: float = param(
        0.5,
        "share",
        "Money paid beyond a money remedy when it is too generous, as a share of it (assumption).",
        ge=0,
        le=10,
    )
    short_grant_return_days: float = param(
        3.0,
        "days",
        "Mean days before a customer given too little, or the wrong fix, comes back (assumption).",
        gt=0,
        le=365,
    )
    salary_per_year: float = param(
        40_000.0,
        "money/year",
        "Loaded salary of one agent.",
        ge=0,
        usual=(15_000.0, 150_000.0),
        source="assumption: loaded salary of a service agent",
        meaning="{value:,.0f} a year, {monthly:,.0f} a month",
    )
    cost_per_contact: float = param(
        4.0,
        "money/contact",
        "Non-salary cost of one handled contact (telephony, systems).",
        ge=0,
        usual=(0.0, 60.0),
        source="MetricNet: about $22 per tier-1 ticket, fully loaded",
        meaning="{value:,.0f} per contact on top of salaries",
    )
    case_ownership: Literal["pool", "owner"] = Field(
        "pool",
        description="pool: any free agent takes each contact; owner: the first agent who "
        "answers a case owns it and takes the customer's further contacts (seed 002: the one "
        "person direct approach; seed 003: own the issue).",
        json_schema_extra={"unit": "one of two"},
    )
    owner_callback: CallingBack = Field(
        CallingBack(),
        description="A case owner returning a message left while they were busy or off shift.",
    )
    diagnosis: Diagnosis = Field(
        Diagnosis(),
        description="Listening before solving a case, and questions that reveal unstated needs.",
    )


class Supervisors(Block):
    """Supervisors who handle escalated cases."""

    count: int = param(1, "people", "Supervisors taking escalations.", ge=0, le=100_000)
    competency: float = param(
        0.85,
        "skill",
        "Mean problem-solving skill of supervisors; like anyone's, their chance of solving a "
        "case falls with its complexity.",
        **SHARE,
    )
    competency_sd: float = param(
        0.05, "skill", "Spread of skill between supervisors (assumption).", **SHARE
    )
    handling_minutes: float = param(
        45.0, "minutes", "Mean supervisor time per escalated case.", gt=0
    )
    callback_delay_hours: float = param(
        4.0, "hours", "Mean delay before the supervisor calls the customer back.", ge=0
    )
    salary_per_year: float = param(
        68_000.0,
        "money/year",
        "Loaded salary of one supervisor.",
        ge=0,
        usual=(25_000.0, 250_000.0),
        source="assumption: loaded salary of a supervisor",
        meaning="{value:,.0f} a year, {monthly:,.0f} a month",
    )
    cost_per_case: float = param(
        20.0,
        "money/case",
        "Non-salary cost of one escalated case (tier-2 overhead).",
        ge=0,
        usual=(0.0, 200.0),
        source="MetricNet: about $69 per tier-2 ticket, fully loaded",
        meaning="{value:,.0f} per escalated case on top of salaries",
    )
    coaching_sessions_per_day: float = param(
        0.0,
        "sessions/supervisor/day",
        "Coaching sessions each supervisor offers a day; skipped while escalations wait.",
        ge=0,
        le=50,
    )
    coaching_hours: float = param(1.0, "hours", "Supervisor time per coaching session.", gt=0)
    coaching_gain: float = param(
        0.05, "share", "Share of an agent's gap to the skill ceiling one session closes.", **SHARE
    )


class Specialists(Block):
    """A specialist tier: product and process experts for what the frontline cannot solve.

    Seed 001: a contact centre of "product and process specialists", not a call centre that
    redirects. Cases beyond a frontline agent's skill are transferred to their queue instead of
    ending unsolved; the transfer is a handoff for the customer. 0 specialists: no tier.
    """

    count: int = param(
        0, "people", "Specialists on duty in calendar.working_hours (0: no tier).", ge=0,
        le=100_000,
    )  # fmt: skip
    skill: float = param(
        0.85, "skill", "Problem-solving skill of a specialist (assumption: tier 2).", **SHARE
    )
    handling_minutes: float = param(
        30.0, "minutes", "Mean specialist time per transferred case (assumption).", gt=0
    )
    salary_per_year: float = param(
        55_000.0,
        "money/year",
        "Loaded salary of one specialist.",
        ge=0,
        usual=(20_000.0, 200_000.0),
        source="assumption: between a frontline agent's and a supervisor's",
        meaning="{value:,.0f} a year, {monthly:,.0f} a month",
    )
    cost_per_case: float = param(
        20.0,
        "money/case",
        "Non-salary cost of one transferred case (tier-2 overhead).",
        ge=0,
        usual=(0.0, 200.0),
        source="MetricNet: about $69 per tier-2 ticket, fully loaded",
        meaning="{value:,.0f} per transferred case on top of salaries",
    )


class Problems(Block):
    """How large problems are and how likely customers are to complain about them."""

    severity_median: float = param(
        60.0, "money", "Median money at stake in a service incident (lognormal).", gt=0
    )
    severity_sigma: float = param(
        1.0, "log-money", "Log-scale spread of incident severity.", ge=0, le=3
    )
    gap_severity_per_fit: float = param(
        2000.0, "money/fit unit", "Money at stake per unit of requirement shortfall.", ge=0
    )
    complaint_floor: float = param(
        0.05,
        "share",
        "Chance of complaining about a trivial problem (TARP: a few percent).",
        **SHARE,
        usual=(0.0, 0.2),
        source="TARP: a few percent complain about a small problem",
        meaning="{percent:.0f}% complain about a trivial problem",
    )
    complaint_ceiling: float = param(
        0.7, "share", "Chance of complaining about a very large problem.", **SHARE
    )
    complaint_scale: float = param(
        150.0, "money", "Severity at which the complaint chance is 63% of the way up.", gt=0
    )
    routine_complexity_mean: float = param(
        0.5, "skill", "Mean skill a routine request needs.", **SHARE
    )
    incident_complexity_mean: float = param(0.6, "skill", "Mean skill an incident needs.", **SHARE)
    problem_drop: float = param(
        0.7, "share", "Share of a met expectation that any noticed problem takes away.", **SHARE
    )
    impact_scale: float = param(
        150.0,
        "money",
        "Money at stake at which a problem's extra impact is 63% of its maximum.",
        gt=0,
    )


class Recovery(Block):
    """What a resolution offers and how customers judge it."""

    apology: bool = param(True, "on/off", "Agents apologise sincerely when resolving a problem.")
    compensation_share: float = param(
        0.2,
        "share of severity",
        "Goodwill compensation offered on top of the remedy.",
        ge=0,
        le=5,
        usual=(0.0, 1.0),
        source="assumption: goodwill rarely exceeds the money at stake",
        meaning="compensation of {percent:.0f}% of the money at stake",
    )
    speed_halflife_days: float = param(
        1.5, "days", "Delay from noticing a problem at which a recovery's effect halves.", gt=0
    )
    empathy_weight: float = param(
        0.2, "share", "Weight of the handler's listening and empathy in a recovery.", **SHARE
    )
    apology_weight: float = param(
        0.1, "share", "Weight of a sincere apology in a recovery.", **SHARE
    )
    compensation_weight: float = param(
        0.15,
        "share",
        "Weight of compensation (saturating at 30% of the stake) in a recovery.",
        **SHARE,
    )


class Loyalty(Block):
    """How customers remember episodes and decide to stay."""

    met_expectation: float = param(
        0.8, "satisfaction", "Experience of an order that exactly meets the expectation.", **SHARE
    )
    care_weight: float = param(
        0.2,
        "satisfaction/empathy",
        "Change in a routine contact's experience per unit of empathy the handler shows above "
        "loyalty.expected_care (assumption: recovery.empathy_weight's size).",
        ge=0,
        le=1,
    )
    expected_care: float = param(
        0.6,
        "empathy",
        "Empathy customers expect of a handler (assumption: the usual agent's, "
        "frontline.empathy_mean in the baseline).",
        **SHARE,
    )
    disconfirmation_gain: float = param(
        2.0,
        "satisfaction/fit unit",
        "Change in experience per unit of fit above expectation.",
        ge=0,
        le=20,
    )
    memory_weight: float = param(
        0.3,
        "share",
        "Weight of a better-than-remembered episode in satisfaction (delight).",
        **SHARE,
    )
    negativity_weight: float = param(
        0.6,
        "share",
        "Weight of a worse-than-remembered or intense episode (bad is stronger than good).",
        **SHARE,
    )
    peak_weight: float = param(
        0.32,
        "share",
        "Largest weight of a case's worst moment against its end (peak-end rule).",
        **SHARE,
    )
    complaint_relief: float = param(
        0.30,
        "satisfaction",
        "Lift from being heard when a complaint ends unresolved (TARP: beats silence).",
        ge=0,
        le=1,
    )
    failure_memory_days: float = param(
        30.0, "days", "A failure within this many days of an earlier one counts as repeated.", ge=0
    )
    severe_problem: float = param(
        100.0,
        "money",
        "Money at stake above which no recovery lifts satisfaction above its earlier level.",
        ge=0,
    )
    base_churn_per_year: float = param(
        0.08,
        "1/year",
        "Intention-to-leave hazard at the reference satisfaction.",
        ge=0,
        le=50,
        usual=(0.01, 1.0),
        source="B2B annual retention 74-85%, practitioner compilations",
        meaning="the average customer would leave within {days:.0f} days",
    )
    follow_through: float = param(
        0.25,
        "share",
        "Share of the intention to leave acted on: switching costs (Mittal & Kamakura 2001).",
        **SHARE,
    )
    reference_satisfaction: float = param(
        0.56, "satisfaction", "Satisfaction at which the churn hazard equals its base.", **SHARE
    )
    satisfaction_sensitivity: float = param(
        12.0,
        "1/satisfaction",
        "Log-change of the churn hazard per unit of satisfaction lost.",
        ge=0,
        le=50,
    )
    effort_sensitivity: float = param(
        0.48,
        "1/effort point",
        "Log-change of the churn hazard per remembered point of effort, beside satisfaction.",
        ge=0,
        le=10,
    )
    effort_tolerance: float = param(
        1.3,
        "effort points",
        "Effort of a case a customer takes in their stride and does not hold against the supplier.",
        ge=0,
        le=50,
    )
    effort_memory_halflife_days: float = param(
        230.0, "days", "Time for the remembered effort of past cases to halve.", gt=0
    )
    relationship_weight: float = param(
        0.2,
        "log-hazard",
        "Cut in the log churn hazard while the last case was handled by someone who knew them.",
        ge=0,
        le=10,
    )
    people_weight: float = param(
        0.01,
        "satisfaction/person",
        "Experience lost per member of staff a case passed through beyond the first (seed 002).",
        ge=0,
        le=1,
    )


class WordOfMouth(Block):
    """Who tells whom: the customer network, referrals, reputation and public complaints."""

    network_degree: int = param(
        6, "contacts", "Mean number of other customers each customer talks to.", ge=0, le=200
    )
    rewiring: float = param(
        0.1,
        "share",
        "Share of network links that reach outside one's circle (small world).",
        **SHARE,
    )
    negative_below: float = param(
        0.15,
        "experience",
        "Episodes worse than this may be told as bad news, the worse the likelier.",
        **SHARE,
    )
    positive_above: float = param(
        0.9, "experience", "Episodes better than this are told to others as good news.", **SHARE
    )
    negative_tell: int = param(
        5,
        "contacts",
        "Contacts a customer tells after a bad episode or a bitter exit (SQM: about 5).",
        ge=0,
        le=200,
    )
    negative_share: float = param(
        0.74,
        "share",
        "Chance that the worst episodes are told; less for milder ones (SQM: 74%).",
        **SHARE,
    )
    positive_tell: int = param(
        1, "contacts", "Contacts a customer tells after a delight.", ge=0, le=200
    )
    advice_per_year: float = param(
        6.0,
        "conversations/year",
        "Times a year a customer speaks of the supplier: well unless a detractor (East 2007).",
        ge=0,
        le=365,
    )
    telling_impact: float = param(
        0.01, "satisfaction", "Satisfaction a listener gains or loses per story heard.", **SHARE
    )
    reputation_per_telling: float = param(
        0.00002,
        "reputation",
        "Change in reputation (prospects' readiness to buy) per story.",
        ge=0,
        le=1,
    )
    reputation_halflife_days: float = param(
        90.0, "days", "Time for reputation to recover half-way to neutral.", gt=0
    )
    referrals_per_promoter_per_year: float = param(
        0.3, "prospects/year", "Prospects a promoter refers per year.", ge=0, le=100
    )
    referral_close_boost: float = param(
        1.5, "multiplier", "Close rate of a referred prospect relative to a cold one.", ge=0, le=10
    )
    public_complaint_probability: float = param(
        0.05,
        "share",
        "Chance that an unresolved complaint above loyalty.severe_problem goes public.",
        **SHARE,
    )
    public_reach: float = param(
        0.3, "share", "Share of prospects a fresh public complaint keeps away.", **SHARE
    )
    public_halflife_days: float = param(
        30.0, "days", "Time for a public complaint's deterrence to halve.", gt=0
    )


class HiringProfile(Block):
    """Who a hiring policy brings in, relative to the role's usual hire (seeds 001, 004)."""

    skill_offset: float = param(
        0.0, "skill", "Starting skill relative to the role's mean.", ge=-1, le=1
    )
    empathy_offset: float = param(
        0.0, "share", "Empathy relative to the frontline mean.", ge=-1, le=1
    )
    learning_multiplier: float = param(
        1.0, "multiplier", "Speed of learning from experience.", ge=0, le=10
    )
    turnover_multiplier: float = param(
        1.0,
        "multiplier",
        "Leaving hazard relative to base, beyond what the profile's pay explains.",
        ge=0,
        le=10,
    )
    salary_multiplier: float = param(
        1.0, "multiplier", "Salary relative to the role's salary.", gt=0, le=10
    )
    hire_cost_multiplier: float = param(
        1.0, "multiplier", "Recruiting cost relative to base.", ge=0, le=10
    )
    onboarding_multiplier: float = param(
        1.0, "multiplier", "Onboarding time relative to the usual hire's.", ge=0, le=10
    )


class HiringProfiles(Block):
    """The three hiring policies a scenario can choose between."""

    skill: HiringProfile = HiringProfile()
    attitude: HiringProfile = HiringProfile(
        skill_offset=-0.1,
        empathy_offset=0.15,
        learning_multiplier=2.0,
        turnover_multiplier=0.6,
        salary_multiplier=1.0,
        hire_cost_multiplier=1.2,
        onboarding_multiplier=0.5,
    )
    cheapest: HiringProfile = HiringProfile(
        skill_offset=-0.15,
        empathy_offset=-0.05,
        learning_multiplier=1.0,
        turnover_multiplier=1.0,  # they leave sooner through their pay (motivation.pay_weight)
        salary_multiplier=0.8,
        hire_cost_multiplier=0.6,
    )


class Positions(Block):
    """Positions by post: as many as each post has on duty at once (a roster's peak)."""

    sales: int = param(0, "people", "Salespeople.", ge=0, le=100_000)
    delivery: int = param(0, "teams", "Delivery teams.", ge=0, le=100_000)
    phone: int = param(0, "agents", "Phone agents.", ge=0, le=100_000)
    chat: int = param(0, "agents", "Chat agents.", ge=0, le=100_000)
    email: int = param(0, "agents", "Email agents.", ge=0, le=100_000)
    supervisors: int = param(0, "people", "Supervisors.", ge=0, le=100_000)
    specialists: int = param(0, "people", "Specialists.", ge=0, le=100_000)


class Workforce(Block):
    """Staff come and go: turnover, vacancies, hiring delay and onboarding, for every role."""

    turnover_per_year: float = param(
        0.0,
        "1/year",
        "Leaving hazard without work pressure (0: constant staff; contact centres 0.3-0.45).",
        ge=0,
        le=20,
        usual=(0.0, 1.0),
        source="contact centres 30-45% a year, practitioner surveys",
        meaning="the average employee would stay {days:.0f} days",
    )
    pressure_turnover: float = param(
        0.1,
        "1/(jobs waiting per person)",
        "Motivation lost per job waiting per person in their queue (capped at 5): the "
        "log-increase of the leaving hazard, felt over motivation.adjustment_days.",
        ge=0,
        le=10,
    )
    recognition: float = param(
        0.0, "share", "Share of staff given personal recognition (seed 002, seed 004).", **SHARE
    )
    recognition_effect: float = param(
        0.4,
        "share",
        "Cut in the leaving hazard of a recognised member of staff; the same motivation shows "
        "in their care for customers (motivation.care_per_motivation).",
        **SHARE,
    )
    pay_vs_market: float = param(
        1.0,
        "ratio",
        "Pay relative to the market rate, every role (the salaries in the file are the "
        "market's): scales the payroll and moves motivation (motivation.pay_weight).",
        gt=0,
        le=5,
        usual=(0.7, 1.5),
        source="assumption: employers pay within about 30% of the going rate",
        meaning="pay at {value:.0%} of the market rate",
    )
    recognition_cost_per_person: float = param(
        1500.0, "money/person/year", "Cost of recognising one member of staff for a year.", ge=0
    )
    hiring_delay_days: float = param(
        30.0, "days", "Mean time to fill a vacancy (exponential).", gt=0
    )
    onboarding_days: float = param(
        10.0, "days", "Time a new hire spends in onboarding, paid but not yet serving.", ge=0
    )
    cost_per_hire: float = param(5000.0, "money/hire", "Recruiting cost of one hire.", ge=0)
    redundancy_pay_weeks: float = param(
        8.0,
        "weeks of pay",
        "Pay to a member of staff whose position a decision cuts (last in, first out): notice "
        "and severance (assumption: four weeks' notice plus UK statutory pay, one week per "
        "year of service, for about four years' tenure).",
        ge=0,
        le=260,
    )
    positions_before: Positions | None = Field(
        None,
        description="Positions by post the organisation has before this scenario's change: "
        "those beyond them are recruited from day 0 (hiring delay, cost_per_hire, onboarding) "
        "instead of being in post. Filled from the file a scenario extends unless the file sets "
        "it; null: everyone is in post (a description of today). Keys: sales, delivery, "
        "phone, chat, email, supervisors, specialists.",
        json_schema_extra={"unit": "positions by post"},
    )
    shrinkage: float = param(
        0.3,
        "share",
        "Paid time of rostered staff off duty (breaks, training, absence, leave).",
        ge=0,
        le=0.9,
        usual=(0.1, 0.45),
        source="OpsDog benchmark of 1,230 centres: mean 27%, range 13-39%; planning guides 30-35%",
        meaning="{value:.0%} of paid time off the phones",
    )
    contract_hours_per_week: float = param(
        40.0,
        "hours/week",
        "Hours of a full-time contract (rostered posts are paid in full-time people).",
        gt=0,
        le=80,
        usual=(30.0, 48.0),
        source="assumption: a full-time week of 35-40 hours (48: the EU's legal maximum)",
        meaning="a full-time week of {value:g} hours",
    )
    learning_per_job: float = param(
        0.0, "share", "Share of the gap to the skill ceiling closed by each job done.", **SHARE
    )
    skill_ceiling: float = param(0.95, "skill", "Skill that experience tends to.", **SHARE)
    skill_decay_per_year: float = param(
        0.0,
        "1/year",
        "Rate at which skill fades toward the floor without refreshment.",
        ge=0,
        le=20,
    )
    skill_floor: float = param(0.3, "skill", "Skill that fading tends to.", **SHARE)
    hiring_policy: Literal["skill", "attitude", "cheapest"] = Field(
        "skill",
        description="Hire for skill, for attitude and learning, or the cheapest.",
        json_schema_extra={"unit": "policy"},
    )
    profiles: HiringProfiles = HiringProfiles()


class Training(Block):
    """A training programme for one role: staff go off the floor in turn and come back better."""

    name: str = Field("training", description="Name of the programme in reports.", min_length=1)
    role: Literal["sales", "delivery", "frontline", "supervisors"] = Field(
        "frontline", description="Who is trained.", json_schema_extra={"unit": "role"}
    )
    start_day: float = param(0.0, "day", "Day the first trainee goes off the floor.", ge=0)
    days_off_floor: float = param(2.0, "days", "Time each trainee spends away from work.", ge=0)
    cost_per_person: float = param(1500.0, "money/person", "Cost of training one person.", ge=0)
    skill_gain: float = param(
        0.3, "share", "Share of the gap to the skill ceiling the training closes.", **SHARE
    )
    target: Literal["skill", "empathy"] = Field(
        "skill",
        description="What it trains: the role's skill (listening, product knowledge, "
        "problem ownership, use of empowerment) or empathy in recovery.",
        json_schema_extra={"unit": "skill or empathy"},
    )
    unified: bool = param(
        False,
        "on/off",
        "Trained together with sales, delivery and service: handoffs lose less (seed 000).",
    )
    handoff_gain: float = param(
        0.3, "share", "Share of the handoff error a unified training removes.", **SHARE
    )

    @model_validator(mode="after")
    def _empathy_needs_a_listener(self) -> Training:
        if self.target == "empathy" and self.role not in ("frontline", "supervisors"):
            located_error(
                ("target",),
                "skill for sales and delivery (only frontline agents "
                "and supervisors are trained in empathy)",
                self.target,
            )
        return self


class Motivation(Block):
    """What keeps staff going: pay, recognition, celebrated successes, authority, workload.

    A state per member of staff (``cxsim.mechanisms.motivation``) that moves their leaving
    hazard and the empathy and care they show in every interaction.
    """

    adjustment_days: float = param(
        60.0,
        "days",
        "Time for motivation to follow the work's pressure, and for an event's jolt to fade to "
        "37% (assumption: weeks to months, as strain builds toward burnout).",
        gt=0,
    )
    pay_weight: float = param(
        1.5,
        "1/log pay",
        "Motivation per log of pay relative to the market (workforce.pay_vs_market, times the "
        "hiring profile's salary multiplier): the elasticity of quitting to pay (Manning 2003: "
        "separation elasticities of about 1 to 3; 1.5 an assumption).",
        ge=0,
        le=10,
    )
    care_per_motivation: float = param(
        0.1,
        "empathy/motivation",
        "Empathy shown per unit of motivation, in every interaction (service-profit chain: "
        "Heskett et al. 1994; Schneider and Bowen 1985; the size is an assumption).",
        ge=0,
        le=1,
    )
    forced_escalation: float = param(
        0.02,
        "motivation/case",
        "Motivation an agent loses for each case they had solved but had to pass to a "
        "supervisor for want of authority (seed 000: 'frustrating both the customer and the "
        "employee'; assumption).",
        ge=0,
        le=5,
    )
    celebrate_successes: bool = param(
        False,
        "on/off",
        "Customer success stories are celebrated with the team (seed 000: 'celebrate customer "
        "success stories'): each customer delighted by a resolved complaint lifts the handler.",
    )
    celebration_lift: float = param(
        0.1,
        "motivation/story",
        "Motivation a handler gains when their success is celebrated (assumption).",
        ge=0,
        le=5,
    )
    celebration_cost_per_person: float = param(
        400.0,
        "money/person/year",
        "Cost of the team time spent celebrating, per member of staff (assumption: about 15 "
        "minutes a week at a loaded 30 an hour).",
        ge=0,
    )


class WorkPressure(Block):
    """Service-quality erosion under pressure (Oliva and Sterman 2001), for every channel."""

    corner_cutting: float = param(
        0.0,
        "share",
        "Largest share of handling time agents cut under pressure (0: they never cut corners).",
        **SHARE,
    )
    pressure_scale: float = param(
        2.0, "contacts/agent", "Contacts waiting per agent at which half the cut is made.", gt=0
    )
    error_per_cut: float = param(
        0.5, "skill", "Skill lost to errors per share of handling time cut.", ge=0, le=2
    )
    standard_erosion_days: float = param(
        60.0, "days", "Time for the handling standard to drift down to what is achieved.", gt=0
    )
    standard_recovery_days: float = param(
        365.0, "days", "Time for the standard to climb back when pressure is gone.", gt=0
    )


class FeedbackLoop(Block):
    """Complaints fed back to delivery fix recurring problems, after a lag (seed 000)."""

    report_share: float = param(
        0.0,
        "share",
        "Share of incident complaints reported back to delivery (0: no loop).",
        **SHARE,
    )
    lag_days: float = param(60.0, "days", "Time from a report to the process fix.", ge=0)
    fix_per_report: float = param(
        0.002, "share", "Cut in the incident rate per report acted on.", **SHARE
    )
    floor: float = param(
        0.5, "share", "Lowest incident rate the loop can reach, relative to the start.", **SHARE
    )
    cost_per_report: float = param(50.0, "money/report", "Cost of analysing one report.", ge=0)


class SegmentResponse(Block):
    """How much more (or less) readily one segment's customers answer a survey."""

    segment: str = Field(
        ...,
        description="Name of a customer segment.",
        min_length=1,
        json_schema_extra={"unit": "segment name"},
    )
    factor: float = param(
        ..., "multiplier", "Chance of answering relative to the survey's own.", ge=0, le=10
    )


POST_CASE_QUESTIONS = ("csat", "ces")
RELATIONSHIP_QUESTIONS = ("nps", "satisfaction", "ease")


class Survey(Block):
    """A survey the organisation sends, and how its customers answer (or do not; seed 004).

    ``post_case`` asks after a case closes (CSAT: top-two-box satisfaction with the case;
    CES: effort, 1 very easy to 7 very hard); ``relationship`` asks a sample of active
    customers every ``every_days`` (NPS: 0-10 likelihood to recommend; satisfaction: overall,
    top-two-box; ease: "how easy is it to get what you want from us", 1 very easy to 7 very
    hard, as CES runs: a client's scale that runs the other way is turned before it becomes a
    target). Who answers and
    how is ``cxsim.mechanisms.surveys``.
    """

    kind: Literal["post_case", "relationship"] = Field(
        description="post_case: after each closed case; relationship: every every_days.",
        json_schema_extra={"unit": "one of two"},
    )
    questions: tuple[Literal["csat", "ces", "nps", "satisfaction", "ease"], ...] = Field(
        description="What it asks: post_case csat and/or ces; relationship nps, satisfaction "
        "and/or ease (ces and ease: 1 very easy to 7 very hard).",
        min_length=1,
        json_schema_extra={"unit": "list"},
    )
    every_days: float = param(
        91.0, "days", "Time between waves of a relationship survey (unused after a case).", gt=0
    )
    sample_share: float = param(
        1.0, "share", "Share of closed cases, or of active customers per wave, invited.", **SHARE
    )
    response_rate: float = param(
        0.15,
        "share",
        "Chance that an invited customer with a neutral experience answers.",
        **SHARE,
        usual=(0.05, 0.35),
        source="assumption: practitioner figures for e-mailed surveys run 5-35%",
    )
    extremity_lift: float = param(
        1.0,
        "multiplier",
        "Extra chance of answering per unit of distance from a neutral experience, relative "
        "(the unhappy and the delighted answer more).",
        ge=0,
        le=10,
        source="Hu, Pavlou & Zhang 2009 (CACM 52(10)): moderate experiences go unreported",
    )
    silent_response_factor: float = param(
        0.5,
        "multiplier",
        "Chance of answering of a customer who had a problem and never complained, relative.",
        ge=0,
        le=1,
        source="assumption; TARP: most customers with a problem never speak up",
    )
    noise_sd: float = param(
        0.08,
        "share of scale",
        "Standard deviation of the answer around the customer's true state.",
        ge=0,
        le=1,
        source="assumption",
    )
    leniency: float = param(
        0.03,
        "share of scale",
        "How far answers lean to the favourable end of the scale.",
        ge=-0.5,
        le=0.5,
        source="Peterson & Wilson 1992 (JAMS 20(1)): satisfaction ratings skew favourable",
    )
    segment_response: tuple[SegmentResponse, ...] = Field(
        (),
        description="Per segment, a factor on the chance of answering (none: the same in "
        "every segment, an assumption).",
    )
    cost_per_invitation: float = param(
        0.5, "money/invitation", "Cost of sending one invitation and handling its answer.", ge=0
    )
    act_on_findings: float = param(
        0.0,
        "share",
        "Share of answers that name a problem passed to delivery to fix (feedback_loop's lag, "
        "cut per report and cost); 0: collected and not acted on.",
        **SHARE,
        source="seed 000: soliciting feedback but failing to act on the insights",
    )

    @model_validator(mode="after")
    def _questions_fit_the_kind(self) -> Survey:
        allowed = POST_CASE_QUESTIONS if self.kind == "post_case" else RELATIONSHIP_QUESTIONS
        for i, question in enumerate(self.questions):
            if question not in allowed:
                located_error(
                    ("questions", str(i)),
                    f"one of {', '.join(allowed)} in a {self.kind} survey",
                    question,
                )
        if len(set(self.questions)) < len(self.questions):
            located_error(("questions",), "each question once", list(self.questions))
        return self


class Proactive(Block):
    """Proactive service: problems found and raised by the organisation first (seed 000)."""

    detection_share: float = param(
        0.0,
        "share",
        "Share of incidents the organisation detects before the customer does.",
        **SHARE,
    )
    damage_share: float = param(
        0.5,
        "share",
        "Share of the money at stake still lost when a problem is caught early.",
        **SHARE,
    )
    cost_per_outreach: float = param(
        15.0, "money/outreach", "Cost of finding one problem first (monitoring, analysis).", ge=0
    )
    outreach_minutes: float = param(
        8.0,
        "minutes",
        "A phone agent's time to call the customer, explain and arrange the fix (after-call "
        "work included).",
        gt=0,
        le=240,
    )
    told_first_relief: float = param(
        0.75,
        "share",
        "Share of the way from the problem's sting to full satisfaction that being told first, "
        "with the fix arranged, closes (seed 000: a positive surprise).",
        **SHARE,
    )


class Shock(Block):
    """An event on the timeline that scales one process by ``magnitude`` while it lasts."""

    kind: Literal["logistics_disruption", "demand_pulse", "price_change", "hiring_freeze"] = Field(
        description="logistics_disruption: build time and incidents; demand_pulse: prospects "
        "and routine requests; price_change: monthly fees; hiring_freeze: no "
        "vacancy is filled (magnitude unused).",
        json_schema_extra={"unit": "one of four"},
    )
    start_day: float = param(0.0, "day", "Day the shock begins.", ge=0)
    end_day: float | None = param(None, "day", "Day it ends; null: it never does.", ge=0)
    magnitude: float = param(
        1.0, "multiplier", "Factor applied while the shock lasts.", ge=0, le=100
    )

    @model_validator(mode="after")
    def _ends_after_start(self) -> Shock:
        if self.end_day is not None and self.end_day <= self.start_day:
            located_error(("end_day",), f"greater than start_day ({self.start_day})", self.end_day)
        return self

    def active_at(self, day: float) -> bool:
        """Whether the shock lasts on ``day``."""
        return self.start_day <= day and (self.end_day is None or day < self.end_day)

    def factor_at(self, day: float) -> float:
        """``magnitude`` while the shock lasts, 1 otherwise."""
        return self.magnitude if self.active_at(day) else 1.0


class SharedRecord(Block):
    """A 360-degree customer record shared by sales, delivery and service (seed 000, silos)."""

    enabled: bool = param(False, "on/off", "Sales, delivery and service share one record.")
    skill_gain: float = param(
        0.1,
        "skill",
        "Frontline skill gained by seeing the customer's history (when enabled).",
        **SHARE,
    )
    cost_per_year: float = param(
        40_000.0, "money/year", "Licence and upkeep of the shared record when enabled.", ge=0
    )
    implementation_days: float = param(
        90.0,
        "days",
        "When a decision switches the record on during a run: days from the decision (paid "
        "from then) until it is live (assumption: vendors quote 3-6 months for a mid-size CRM).",
        ge=0,
    )


class CustomerRecognition(Block):
    """Agents recognise returning customers from their history (seeds 000, 003)."""

    enabled: bool = param(
        False,
        "on/off",
        "Agents who can see a customer's history (shared record, or the case's owner) greet "
        "them as known and recall their preferences.",
    )
    lift: float = param(
        0.2,
        "share",
        "Share of the way to full satisfaction a recognised case's end gains (assumption).",
        **SHARE,
    )
    cost_per_year: float = param(
        10_000.0,
        "money/year",
        "Preference fields, scripts and coaching that keep recognition up (assumption).",
        ge=0,
    )


class Economics(Block):
    """Money: its currency, costs of goods and the discount rate."""

    currency: str = Field(
        "EUR",
        description="ISO 4217 code of the currency every amount is in; reports print it "
        "(a label only: nothing is converted).",
        pattern=CURRENCY_CODE,
        json_schema_extra={"unit": "code"},
    )
    cogs_share: float = param(
        0.55,
        "share",
        "Cost of goods, materials and third parties as a share of revenue (delivery teams' "
        "salaries are booked apart).",
        **SHARE,
    )
    discount_rate_per_year: float = param(
        0.10,
        "1/year",
        "Annual discount rate for the net present value.",
        ge=0,
        le=1,
        usual=(0.0, 0.3),
        source="assumption: firms' cost of capital",
        meaning="{percent:.0f}% a year",
    )


# Keys a decision may change during a run, and how the organisation takes the change on.
DECIDABLE: dict[str, str] = {
    "frontline.empowerment_limit": "policy: at once",
    "sales.verification": "policy: at once",
    "sales.volume_reward_weight": "policy: at once",
    "recovery.apology": "policy: at once",
    "recovery.compensation_share": "policy: at once",
    "customer_recognition.enabled": "policy: at once",
    "shared_record.enabled": "system: paid from the decision, live after implementation_days",
    "proactive.detection_share": "service: at once",
    "workforce.hiring_policy": "hiring: the next hires",
    "sales.salespeople": "positions: added ones recruited, cut ones made redundant",
    "delivery.teams": "positions: added ones recruited, cut ones made redundant",
    "contact_centre.agents": "positions: added ones recruited, cut ones made redundant",
    "contact_centre.roster": "positions: added ones recruited, cut ones made redundant",
    "supervisors.count": "positions: added ones recruited, cut ones made redundant",
    "training": "programmes: an added one starts on its start_day, or at once if that has passed",
}


class Decision(Block):
    """A management decision taken during the run: from ``day`` on, the keys in ``set`` hold.

    How each key takes effect is in ``DECIDABLE``: a policy at once; positions added are
    recruited (hiring delay, onboarding) and positions cut are made redundant, last in first out
    (``workforce.redundancy_pay_weeks``); a training programme added sends its trainees off the
    floor from its start day or the decision's, whichever is later; a shared record is paid from
    the decision and live ``shared_record.implementation_days`` later. This is how the
    workshop's teams decide in rounds (docs/workshop.md), and how a consultant phases a change.
    """

    day: float = param(0.0, "day", "Day the decision is taken (after that day's events).", ge=0)
    set: dict[str, Any] = Field(
        description="Each changed key (dotted, one of the decidable keys) and its new value.",
        min_length=1,
        json_schema_extra={"unit": "key: value"},
    )
    note: str = Field(
        "",
        description="Why, in the decision-maker's words.",
        max_length=500,
        json_schema_extra={"unit": "text"},
    )


class Scenario(Block):
    """One organisation, its policies and its customers, as read from a scenario file."""

    name: str = Field(
        "baseline",
        description="Short name used in reports.",
        min_length=1,
        max_length=120,
        pattern=LABEL,
    )
    description: str = Field(
        "", description="What this scenario changes and why.", max_length=DESCRIPTION_LENGTH
    )
    seed: int = param(
        42, "integer", "Seed of all random streams (same seed, same customers).", ge=0, le=2**64 - 1
    )
    horizon: Horizon = Horizon()
    warmup: Warmup = Warmup()
    calendar: Calendar = Calendar()
    customers: Customers = Customers()
    sales: Sales = Sales()
    delivery: Delivery = Delivery()
    contact_centre: ContactCentre = ContactCentre()
    channels: Channels = Channels()
    frontline: Frontline = Frontline()
    supervisors: Supervisors = Supervisors()
    specialists: Specialists = Specialists()
    problems: Problems = Problems()
    recovery: Recovery = Recovery()
    word_of_mouth: WordOfMouth = WordOfMouth()
    shared_record: SharedRecord = SharedRecord()
    customer_recognition: CustomerRecognition = CustomerRecognition()
    proactive: Proactive = Proactive()
    feedback_loop: FeedbackLoop = FeedbackLoop()
    surveys: tuple[Survey, ...] = Field(
        (), description="Surveys sent to customers (may be empty: nothing is measured)."
    )
    workforce: Workforce = Workforce()
    work_pressure: WorkPressure = WorkPressure()
    motivation: Motivation = Motivation()
    shocks: tuple[Shock, ...] = Field((), description="Timeline of shocks (may be empty).")
    training: tuple[Training, ...] = Field(
        (),
        description="Training programmes (may be empty); skills then fade at "
        "workforce.skill_decay_per_year.",
    )
    loyalty: Loyalty = Loyalty()
    economics: Economics = Economics()
    decisions: tuple[Decision, ...] = Field(
        (), description="Management decisions taken during the run, in order of day."
    )

    @model_validator(mode="after")
    def _warmup_inside_horizon(self) -> Scenario:
        if self.warmup.days >= self.horizon.days:
            located_error(
                ("warmup", "days"),
                f"less than horizon.days ({self.horizon.days})",
                self.warmup.days,
            )
        return self

    @model_validator(mode="after")
    def _each_question_asked_once(self) -> Scenario:
        asked: set[str] = set()
        for i, survey in enumerate(self.surveys):
            for question in survey.questions:
                if question in asked:
                    located_error(
                        ("surveys", str(i), "questions"),
                        f"questions not asked by an earlier survey ({question} is)",
                        list(survey.questions),
                    )
                asked.add(question)
            segments = [s.name for s in self.customers.segments]
            for j, response in enumerate(survey.segment_response):
                if response.segment not in segments:
                    located_error(
                        ("surveys", str(i), "segment_response", str(j), "segment"),
                        f"one of the customer segments ({', '.join(segments)})",
                        response.segment,
                    )
        return self

    @model_validator(mode="after")
    def _decisions_in_order_and_valid(self) -> Scenario:
        state, last_day = self, 0.0
        for i, decision in enumerate(self.decisions):
            here = ("decisions", str(i))
            if decision.day < last_day:
                expected = f"at least {last_day:g} (the day of the decision before)"
                located_error((*here, "day"), expected, decision.day)
            last_day = decision.day
            for key in decision.set:
                if key not in DECIDABLE:
                    close = difflib.get_close_matches(key, DECIDABLE, n=1)
                    known = f"did you mean {close[0]}?" if close else ", ".join(DECIDABLE)
                    located_error(
                        (*here, "set", key), f"a key a decision can change ({known})", key
                    )
            try:
                state = decided(state, decision.set)
            except ValidationError as exc:
                error = exc.errors()[0]
                located_error(
                    (*here, "set", *_decided_key(error["loc"], decision.set)),
                    error["msg"],
                    error["input"],
                )
        return self

    @model_validator(mode="after")
    def _recognition_needs_history(self) -> Scenario:
        if (
            self.customer_recognition.enabled
            and not self.shared_record.enabled
            and self.frontline.case_ownership != "owner"
        ):
            located_error(
                ("customer_recognition", "enabled"),
                "false unless agents can see the history (shared_record.enabled: true or "
                "frontline.case_ownership: owner)",
                True,
            )
        return self

    def parameter_hash(self) -> str:
        """Short hash of the parameters that set results (not name, description, currency)."""
        payload = self.model_dump(
            mode="json", exclude={"name": True, "description": True, "economics": {"currency"}}
        )
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _block_at(root: type[BaseModel], loc: Location) -> type[BaseModel] | None:
    """The block class that holds the key at ``loc`` (for "did you mean" suggestions)."""
    block: type[BaseModel] | None = root
    for part in loc[:-1]:
        if block is None or isinstance(part, int):
            continue
        info = block.model_fields.get(str(part))
        if info is None:
            return None
        block = _inner_block(info)
    return block


def _inner_block(info: FieldInfo) -> type[BaseModel] | None:
    """The block class a field holds (itself, in a list or optional), or None for a value."""
    inner = (info.annotation, *get_args(info.annotation))
    return next((t for t in inner if isinstance(t, type) and issubclass(t, BaseModel)), None)


def _key_text(part: object) -> str:
    """A key as printed in a message: itself if short and printable, else a short excerpt."""
    text = str(part)
    return text if text.isprintable() and len(text) <= 40 else excerpt(text, 40)


PATTERN_MEANINGS = {
    CURRENCY_CODE: "a three-letter ISO 4217 code in capitals, e.g. EUR or GBP",
    LABEL: "text with more than spaces, without control characters",
}


# Keys of one kind of file written in another: ``extends:`` in an experiment file means its
# ``base:``, in a targets file its ``scenario:``.
ALIASES = {"extends": ("base", "scenario")}


def first_error(exc: ValidationError) -> dict[str, Any]:
    """The error to report: an unknown key before the others (often a required key misnamed)."""
    errors = exc.errors()
    return next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])


def describe_error(error: dict[str, Any], root: type[BaseModel] | None = None) -> str:
    """Turn one pydantic error into 'key.path: expected ..., got ...' (a short excerpt)."""
    loc = tuple(error["loc"])
    path = ".".join(_key_text(p) for p in loc) or "(top level)"
    if error["type"] == "extra_forbidden":
        block = _block_at(root or Scenario, loc)
        known = list(block.model_fields) if block is not None else []
        close = difflib.get_close_matches(str(loc[-1]), known, n=1) or [
            name for name in ALIASES.get(str(loc[-1]), ()) if name in known
        ]
        return f"{path}: unknown key" + (f"; did you mean {close[0]}?" if close else "")
    if error["type"] == "missing":
        if not any(isinstance(part, int) for part in loc):
            return f"{path}: missing (a required key)"
        return (
            f"{path}: missing; a list given in a file replaces the parent's list whole, so "
            "each item names its required fields (to change one field of item 0 of a list, "
            "give it as list: {0: {field: value}})"
        )
    if error["type"] in ("tuple_type", "list_type"):  # tuples are lists in a scenario file
        return f"{path}: expected a list, got {excerpt(error['input'])}"
    if error["type"] == "too_short":
        least = error.get("ctx", {}).get("min_length", 1)
        return f"{path}: expected at least {least} item(s), got {excerpt(error['input'])}"
    if error["type"] == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        expected = PATTERN_MEANINGS.get(pattern) or (
            "text without control characters"
            if "\\x00-\\x1f" in pattern
            else f"text matching {pattern}"
        )
        return f"{path}: expected {expected}, got {excerpt(error['input'])}"
    message = error["msg"][0].lower() + error["msg"][1:]
    return (
        f"{path}: expected {message.removeprefix('input should be ')}, "
        f"got {excerpt(error['input'])}"
    )


def _origin(lines: Mapping[Location, tuple[str, int]], loc: Location, source: str) -> str:
    """``file:line`` of the longest key path in ``lines`` that starts ``loc``, else source.

    Parts compare as text: a list item is 0 in a list and "0" as a key that addresses it.
    """
    by_text = {tuple(map(str, key)): origin for key, origin in lines.items()}
    wanted = tuple(map(str, loc))
    for end in range(len(wanted), 0, -1):
        if wanted[:end] in by_text:
            file, line = by_text[wanted[:end]]
            return f"{file}:{line}"
    return source


def scenario_from_dict(
    data: Mapping[str, Any],
    source: str = "<scenario>",
    lines: Mapping[Location, tuple[str, int]] | None = None,
) -> Scenario:
    """Validate a plain mapping; raise ScenarioError naming the file (and line) of the bad key.

    ``lines`` maps key paths to the file and line that set them (from ``extends:`` chains).
    """
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as exc:
        error = first_error(exc)
        where = _origin(lines or {}, tuple(error["loc"]), source)
        raise ScenarioError(f"{where}: {describe_error(error)}") from None


def read_yaml(path: Path, what: str = "a scenario") -> dict[str, Any]:
    """The mapping in a YAML file, read with every guard of :mod:`cxsim.documents`."""
    return read_document(Path(path), what).data


def _deep_merge(
    base: dict[str, Any], override: Mapping[str, Any], path: str = ""
) -> dict[str, Any]:
    """``base`` with ``override`` merged in; numeric keys address list items (``segments.0``).

    Mappings merge key by key; a list or a value replaces what was there whole.
    """
    merged = dict(base)
    for key, value in override.items():
        current, here = merged.get(key), f"{path}{key}"
        if isinstance(value, Mapping) and isinstance(current, dict):
            merged[key] = _deep_merge(current, value, f"{here}.")
        elif (
            isinstance(value, Mapping)
            and isinstance(current, list | tuple)
            and all(str(k).isdigit() for k in value)
        ):
            items = {str(i): item for i, item in enumerate(current)}
            indexed = {str(index): item for index, item in value.items()}  # YAML reads 0 as int
            for index in indexed:
                if index not in items:
                    raise ScenarioError(
                        f"{here}.{index}: expected an index below {len(items)} (the items defined)"
                        if items
                        else f"{here}.{index}: the list has no items to change; give it whole"
                    )
            merged[key] = list(_deep_merge(items, indexed, f"{here}.").values())
        else:
            merged[key] = value
    return merged


def _replaced(loc: Location, data: Mapping[str, Any]) -> bool:
    """Whether a child's ``data`` sets ``loc`` or replaces a list or value above it."""
    node: Any = data
    for part in loc:
        if not isinstance(node, Mapping):
            return True
        key = next((k for k in node if str(k) == str(part)), None)  # list items: 0 or "0"
        if key is None:
            return False
        node = node[key]
    return True


def _resolve_extends(
    path: Path, chain: tuple[Path, ...] = ()
) -> tuple[dict[str, Any], dict[Location, tuple[str, int]]]:
    """Read ``path`` and the files it extends; reject cycles.

    ``extends: NAME.yaml`` is the file NAME.yaml beside the file that says it if there is one,
    else the library scenario of that name (:func:`cxsim.library.referenced_scenario`). Returns
    the merged mapping and, for every key path, the file and line that set it.
    """
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(f"{chain[0]}: extends: a chain of over {MAX_EXTENDS_DEPTH} files")
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        itself = resolved == chain[-1] and find_library_scenario(path.name) is not None
        hint = (
            f"; a file cannot extend itself: to extend the library's {path.name}, give this "
            "file another name"
            if itself
            else ""
        )
        raise ScenarioError(f"{chain[-1]}: extends: cycle {cycle}{hint}")
    document = read_document(path)
    data = dict(document.data)
    lines = {loc: (str(path), line) for loc, line in document.lines.items()}
    parent = data.pop("extends", None)
    if parent is None:
        return data, lines
    where = f"{path}:{document.lines.get(('extends',), 1)}"
    if not isinstance(parent, str) or not parent.endswith((".yaml", ".yml")):
        raise ScenarioError(
            f"{where}: extends: expected the path of a .yaml or .yml "
            f"scenario file, got {excerpt(parent)}"
        )
    target = referenced_scenario(path.parent, parent)
    if target is None:
        raise ScenarioError(f"{where}: extends: {missing_scenario(path.parent / parent, parent)}")
    base, base_lines = _resolve_extends(target, (*chain, resolved))
    merged_lines = {loc: o for loc, o in base_lines.items() if not _replaced(loc, data)}
    try:
        merged = _deep_merge(base, data)
    except ScenarioError as exc:
        raise ScenarioError(f"{path}: {exc}") from None
    return merged, merged_lines | lines


def _recruiting_added_positions(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with ``workforce.positions_before`` the positions of the file ``path`` extends.

    A scenario that adds staff to its parent recruits them (issue 17); a file that sets the key
    itself (null: everyone is in post) or extends nothing is left as it is.
    """
    own = read_document(path).data
    parent = own.get("extends")
    if parent is None or "positions_before" in (own.get("workforce") or {}):
        return data
    from cxsim.specs import positions  # the parts' arithmetic builds on this module

    target = referenced_scenario(path.parent, parent)
    parent_data, parent_lines = _resolve_extends(target)
    before = positions(scenario_from_dict(parent_data, str(target), parent_lines))
    return _deep_merge(data, {"workforce": {"positions_before": before.model_dump()}})


def yaml_value(value: Any) -> str:
    """``value`` written as the right-hand side of a ``key.path=value`` override."""
    return yaml.safe_dump(value, default_flow_style=True, width=10**6).strip().removesuffix("\n...")


def parse_overrides(assignments: Iterable[str]) -> dict[str, Any]:
    """Turn ``key.path=value`` strings into a nested mapping; values are read as YAML scalars.

    Two assignments where one sets a value and the other a key inside it are refused; of two
    values for one key the last wins (the command line's shortcuts: :func:`shortcut_conflicts`).
    """
    nested: dict[str, Any] = {}
    for text in assignments:
        key, sep, raw = text.partition("=")
        parts = key.strip().split(".")
        if not sep or not all(p.strip() for p in parts):
            raise ScenarioError(f"--set {excerpt(text)[1:-1]}: expected key.path=value")
        try:
            value = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError:
            raise ScenarioError(
                f"--set {excerpt(text)[1:-1]}: value is not a valid YAML scalar"
            ) from None
        clash = _put(nested, parts, value)
        if clash:
            raise _conflict(text, clash)
    return nested


def shortcut_conflicts(assignments: Iterable[str], shortcuts: Iterable[str]) -> None:
    """Refuse a shortcut that contradicts a ``--set`` (``--days 20``, ``--set horizon.days=10``).

    Which one the user meant cannot be told; of two ``--set`` values for one key the last wins,
    as a script that appends its own ``--set`` expects.
    """
    given = {text.partition("=")[0].strip(): text for text in assignments}
    for shortcut in shortcuts:
        key = shortcut.partition("=")[0]
        if key in given and parse_overrides([given[key]]) != parse_overrides([shortcut]):
            raise ScenarioError(
                f"--set {excerpt(given[key])[1:-1]}: contradicts the shortcut for {key} "
                f"({excerpt(shortcut)[1:-1]}); keep one"
            )


def shortcut_assignments(**direct: Any) -> list[str]:
    """``key.path=value`` of CLI shortcuts such as ``seed=``, ``horizon__days=`` (``__``: dot)."""
    return [
        f"{key.replace('__', '.')}={value}" for key, value in direct.items() if value is not None
    ]


def _put(nested: dict[str, Any], parts: list[str], value: Any) -> list[str] | None:
    """Set ``value`` at the key path ``parts`` of ``nested``, making mappings on the way.

    Returns the path that clashes with an earlier setting instead (a value where a mapping is
    needed, or a mapping where the value goes), leaving ``nested`` as it was at that key.
    """
    node, *parents, leaf = nested, *parts
    for depth, part in enumerate(parents):
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            return parts[: depth + 1]
    if isinstance(node.get(leaf), dict):
        return parts
    node[leaf] = value
    return None


def _conflict(text: str, parts: list[str]) -> ScenarioError:
    return ScenarioError(
        f"--set {excerpt(text)[1:-1]}: conflicts with another --set of "
        f"{'.'.join(parts)} (one sets a value, the other a key inside it)"
    )


def load_scenario(path: str | Path, overrides: Iterable[str] = (), **direct: Any) -> Scenario:
    """Load a scenario file with its ``extends:`` chain, apply ``--set`` overrides, validate.

    ``path`` is a file, or, where no such file exists, the name of a library scenario
    (``baseline``, ``baseline.yaml``, ``validation/erlang_c``; see :mod:`cxsim.library`).
    ``direct`` holds CLI shortcuts such as ``seed=`` or ``horizon__days=`` (``__`` for a dot).
    """
    path = scenario_argument(path)
    data, lines = _resolve_extends(path)
    scenario = scenario_from_dict(_recruiting_added_positions(path, data), str(path), lines)
    assignments = [*overrides, *shortcut_assignments(**direct)]
    return with_overrides(scenario, assignments, f"{path} (--set)") if assignments else scenario


def _implausible(key: str, value: float, extra: dict[str, Any]) -> str | None:
    low, high = extra["usual"]
    if low <= value <= high:
        return None
    meaning = extra["meaning"].format(
        value=value,
        days=365.0 / value if value else math.inf,
        monthly=value / 12,
        percent=100 * value,
    )
    hint = next(
        (
            f"; did you mean {guess:g}?"
            for guess in (value / 100, value * 12)
            if low <= guess <= high and guess != value
        ),
        "",
    )
    return (
        f"{key}: {value:g} means {meaning}, outside the usual {_number(low)} to "
        f"{_number(high)} ({extra['source']}){hint}"
    )


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"


def _differences(ours: Any, theirs: Any, prefix: str = "") -> dict[str, tuple[Any, Any]]:
    """Key paths at which two dumped values differ; a list item on one side only is one."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        keys = [*ours, *(key for key in theirs if key not in ours)]
        pairs = [(str(key), ours.get(key), theirs.get(key)) for key in keys]
    elif isinstance(ours, list) and isinstance(theirs, list):
        pairs = [(str(i), *pair) for i, pair in enumerate(itertools.zip_longest(ours, theirs))]
    else:
        return {prefix: (ours, theirs)} if ours != theirs else {}
    found: dict[str, tuple[Any, Any]] = {}
    for key, mine, other in pairs:
        found |= _differences(mine, other, f"{prefix}.{key}" if prefix else key)
    return found


NOT_A_CHANGE = {"name", "description", "seed"}  # labels, and the seed a comparison sets itself


def parameter_changes(reference: Scenario, option: Scenario) -> dict[str, tuple[Any, Any]]:
    """Key paths at which ``option`` differs from ``reference``: (reference's, option's) value.

    A list item one of them lacks is one change, ``None`` on that side. What an
    option changes is all that the comparison attributes to it, so a consultant reads here
    whether it changes its lever alone. ``workforce.positions_before`` is left out: it is
    the parent's positions, read from the ``extends:`` chain, not a choice.
    """
    exclude: dict[str, Any] = dict.fromkeys(NOT_A_CHANGE, True)
    exclude["workforce"] = {"positions_before"}
    return _differences(
        reference.model_dump(mode="json", exclude=exclude),
        option.model_dump(mode="json", exclude=exclude),
    )


def plausibility_warnings(block: BaseModel, prefix: str = "") -> list[str]:
    """One line per parameter outside its usual band: the value runs, but may be a slip."""
    warnings = []
    for name, info in type(block).model_fields.items():
        value, key = getattr(block, name), f"{prefix}{name}"
        items = value if isinstance(value, tuple) else (value,)
        for index, item in enumerate(items):
            where = f"{key}.{index}" if isinstance(value, tuple) else key
            if isinstance(item, BaseModel):
                warnings += plausibility_warnings(item, f"{where}.")
            elif (
                isinstance(info.json_schema_extra, dict)
                and "usual" in info.json_schema_extra
                and isinstance(item, int | float)
                and not isinstance(item, bool)
            ):
                warning = _implausible(where, item, info.json_schema_extra)
                warnings += [warning] if warning else []
    return warnings


_BOUND_SYMBOLS = {"Ge": ">=", "Gt": ">", "Le": "<=", "Lt": "<"}


def with_overrides(base: Scenario, assignments: Iterable[str], source: str = "--set") -> Scenario:
    """``base`` with ``key.path=value`` assignments applied and validated."""
    try:
        merged = _deep_merge(base.model_dump(), parse_overrides(assignments))
    except ScenarioError as exc:
        raise ScenarioError(f"{source}: {exc}") from None
    return scenario_from_dict(merged, source)


def value_at(scenario: Scenario, key: str) -> Any:
    """The value at dotted ``key`` in ``scenario`` (None where it is null or absent).

    List items are addressed by index as overrides address them
    (``channels.email.roster.0.agents``); an index past the list's end is absent.
    """
    value: Any = scenario.model_dump()
    for part in key.split("."):
        if isinstance(value, list | tuple) and part.isdigit():
            value = value[int(part)] if int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def decided(base: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """``base`` as it stands after a decision setting ``changes`` (dotted keys), validated.

    The result has no decisions of its own: it is the organisation from that day on.
    Raises pydantic's ``ValidationError`` (located in the scenario) for a value out of range.
    """
    nested: dict[str, Any] = {}
    for key, value in changes.items():
        _put(nested, key.split("."), value)  # decidable keys never hold one another
    merged = _deep_merge(base.model_dump(), nested)
    return Scenario.model_validate({**merged, "decisions": ()})


def _decided_key(loc: Sequence[Any], changes: Mapping[str, Any]) -> tuple[str, ...]:
    """A location in the scenario as a location in a decision's ``set`` (its dotted key first)."""
    parts = tuple(str(part) for part in loc)
    for key in changes:
        depth = key.count(".") + 1
        if parts[:depth] == tuple(key.split(".")):
            return (key, *parts[depth:])
    return parts  # a rule between keys (e.g. recognition needs a shared record)


def parameter_table(
    model: type[BaseModel] = Scenario,
    prefix: str = "",
    defaults: Any = None,
    *,
    per_item: bool = False,
) -> list[dict[str, Any]]:
    """Rows of (key, default, unit, range, description) for every parameter, for documentation.

    ``defaults`` is the block's value in the baseline: an instance (a nested block takes its
    parent's value, so ``channels.email`` shows the email channel's own defaults, not those of
    the ``Channel`` class), a list of instances, or None for the fields' own defaults. A list of
    blocks (the customer segments) gives one row per field, keyed ``key[].field``, whose default
    lists the value of every item; a list the baseline leaves empty (shocks, training) gives the
    defaults of a new item instead, marked ``per_item`` (``required`` when there is none).
    """
    rows: list[dict[str, Any]] = []
    for name, field in model.model_fields.items():
        key, annotation = f"{prefix}{name}", field.annotation
        if defaults is None:
            default = field.get_default(call_default_factory=True)
        elif isinstance(defaults, BaseModel):
            default = getattr(defaults, name)
        else:
            default = [getattr(d, name) for d in defaults]
        item = next(iter(get_args(annotation)), None)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            given = default if default is not PydanticUndefined else None
            rows.extend(parameter_table(annotation, f"{key}.", given, per_item=per_item))
        elif (
            isinstance(item, type)
            and issubclass(item, BaseModel)
            and type(None) not in get_args(annotation)  # a block or null: one row
        ):
            items = list(default) if isinstance(default, tuple | list) else []
            if isinstance(defaults, list):  # a list within the items of a list: all its items
                items = [inner for nested in items for inner in nested]
            rows.extend(
                parameter_table(item, f"{key}[].", items or None, per_item=per_item or not items)
            )
        else:
            rows.append(_parameter_row(key, field, default, per_item))
    return rows


def _parameter_row(key: str, field: Any, default: Any, per_item: bool) -> dict[str, Any]:
    bounds = [
        f"{_BOUND_SYMBOLS[type(m).__name__]} {getattr(m, type(m).__name__.lower())}"
        for m in field.metadata
        if type(m).__name__ in _BOUND_SYMBOLS
    ]
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    if isinstance(default, list):
        default = " / ".join(str(v) for v in default)
    if "usual" in extra:
        low, high = extra["usual"]
        bounds.append(f"usual {_number(low)} to {_number(high)} ({extra['source']})")
    required = default is PydanticUndefined
    return {
        "key": key,
        "default": None if required else default,
        "required": required,
        "per_item": per_item,
        "unit": extra.get("unit", ""),
        "range": ", ".join(bounds),
        "description": field.description or "",
    }


def assumptions(params: Scenario, settled: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Parameters of ``params`` still at a library value that the schema marks as an assumption.

    Rows of :func:`parameter_table` (key, value as ``default``, unit, range, description). A
    value the scenario changed, or a key in ``settled`` (fitted by a calibration), is the
    user's own and is not listed: whether it was measured, only the user knows. Neither is a
    field of a list the scenario leaves empty (no surveys: no survey's response rate).
    """
    settled = set(settled)
    return [
        own
        for own, library in zip(
            parameter_table(Scenario, "", params), parameter_table(), strict=True
        )
        if "assumption" in f"{library['description']} {library['range']}".lower()
        and own["default"] == library["default"]
        and own["key"] not in settled
        and not own["per_item"]
    ]


def _field(key: str) -> FieldInfo | None:
    """The schema's field at dotted ``key`` (None for a list item or inside a free mapping).

    Raises a ScenarioError for a key the schema does not have ("did you mean" its closest).
    """
    block: type[BaseModel] | None = Scenario
    info = None
    for depth, part in enumerate(key.split(".")):
        if block is None or part.isdigit():  # a list item, or inside a free mapping
            info = None
            continue
        info = block.model_fields.get(part)
        if info is None:
            close = difflib.get_close_matches(part, list(block.model_fields), n=1)
            where = ".".join(key.split(".")[: depth + 1])
            hint = f"; did you mean {close[0]}?" if close else ""
            raise ScenarioError(f"{where}: unknown key{hint}")
        block = _inner_block(info)
    return info


def check_key(key: str) -> None:
    """Refuse a dotted ``key`` the scenario schema does not have, naming its closest."""
    _field(key)


def usual_band(key: str) -> tuple[float, float] | None:
    """The plausible band the schema gives the parameter at dotted ``key``, or None.

    Raises a ScenarioError for a key the schema does not have ("did you mean" its closest).
    """
    info = _field(key)
    extra = info.json_schema_extra if info is not None else None
    if isinstance(extra, dict) and "usual" in extra:
        low, high = extra["usual"]
        return float(low), float(high)
    return None

"""Numbers as a client reads them: units, signs and no more digits than the replications hold.

An estimate is printed to the digits its interval's half-width supports, by the Particle Data
Group's rule (*Review of Particle Physics*, Introduction, "Rounding"): two significant digits
of the half-width when its three leading digits are 100 to 354, else one (a mean of 85.314%
give or take 0.93 points is 85.3%; profit of 1,234,567 give or take 40,000 is 1.23M); the
digits beyond are noise. A level's interval stops at what the figure can be (no share below
0%, no negative count or waiting time). A difference and both ends of its interval carry their
sign, so "-1.2% (-2.3% to -0.1%)" cannot read as a loss whose interval starts at "0%", and an
end of a significant interval never rounds to zero. The ends repeat the estimate's unit where
it is a symbol (%, k, M) and leave out a word already said ("+2.1 pts (+0.9 to +3.3)", "+120k
EUR (+40k to +200k)").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cxsim.statistics import Estimate

__all__ = [
    "Unit",
    "UNITS",
    "places",
    "number",
    "money",
    "estimate_text",
    "estimate_parts",
    "unit_of",
    "is_exact",
]

MONEY_SIZES = ((1e9, "bn"), (1e6, "M"), (1e3, "k"))


@dataclass(frozen=True)
class Unit:
    """How one kind of figure is printed: scale, suffix, and the suffix of its differences."""

    scale: float = 1.0  # multiply the stored value by this before printing (shares: 100)
    suffix: str = ""  # after a level: "%", " min"
    difference_suffix: str | None = None  # after a difference (" pts" for shares); else suffix
    most_decimals: int = 2
    is_money: bool = False
    bounds: tuple[float, float] = (-math.inf, math.inf)  # what a level can be (stored value)


UNITS: dict[str, Unit] = {
    "share": Unit(100.0, "%", " pts", 1, bounds=(0.0, 1.0)),  # printed in %, differences in pts
    "relative": Unit(100.0, "%", "%", 1),  # a relative change
    "money": Unit(is_money=True),
    "score": Unit(1.0, "", " points", 1, bounds=(-100.0, 100.0)),  # NPS
    "scale": Unit(1.0, "", "", 2),  # a 1-7 survey scale
    "count": Unit(1.0, "", "", 0, bounds=(0.0, math.inf)),
    "minutes": Unit(1.0, " min", " min", 2, bounds=(0.0, math.inf)),
    "days": Unit(1.0, " days", " days", 0, bounds=(0.0, math.inf)),
    "number": Unit(1.0, "", "", 3),
}


def counted(count: float, noun: str, plural: str = "") -> str:
    """``count`` and ``noun``, plural unless the count is 1: "1 year", "3 times", "1.5 years"."""
    return f"{count:g} {noun if count == 1 else plural or noun + 's'}"


def _precision(half_width: float) -> int:
    """Power of ten of the last digit ``half_width`` supports (the PDG rounding rule)."""
    exponent = math.floor(math.log10(half_width))
    leading = half_width / 10 ** (exponent - 2)  # the three leading digits, 100 to 999
    return exponent - 1 if leading < 354.5 else exponent


def is_exact(e: Estimate) -> bool:
    """Whether ``e`` is the same in every replication (its width only rounding error)."""
    return e.half_width <= 1e-9 * max(1.0, abs(e.mean))


def places(half_width: float, most: int) -> int:
    """Decimals the interval supports (at most ``most``; ``most`` capped at 1 without one)."""
    if not (math.isfinite(half_width) and half_width > 0):
        return min(1, most)
    return max(0, min(most, -_precision(half_width)))


def number(value: float, unit: Unit, decimals: int, signed: bool = False, word: bool = True) -> str:
    """``value`` (stored units) with ``decimals`` decimals and the unit's suffix.

    ``word=False`` leaves out a suffix that is a word (" pts"), as the ends of an interval do.
    """
    suffix = (unit.difference_suffix if signed and unit.difference_suffix else unit.suffix) or ""
    if not word and suffix.startswith(" "):
        suffix = ""
    sign = "+" if signed else ""
    return f"{value * unit.scale:{sign},.{decimals}f}{suffix}".replace("-", "\u2212")


def money(
    value: float, currency: str, step: float = 0.0, signed: bool = False, word: bool = True
) -> str:
    """Money in thousands (k), millions (M) or billions (bn), rounded to ``step``.

    ``step`` (the precision the estimate supports) defaults to three significant digits;
    ``word=False`` leaves out the currency (the ends of an interval).
    """
    magnitude = max(abs(value), step)
    size, suffix = next(((s, x) for s, x in MONEY_SIZES if magnitude >= s), (1.0, ""))
    if not step:
        step = 10 ** (math.floor(math.log10(magnitude)) - 2) if magnitude > 0 else 1.0
    decimals = max(0, math.ceil(math.log10(size / step) - 1e-9)) if step < size else 0
    rounded = round(value / step) * step / size
    if rounded == 0:
        size, suffix, decimals = 1.0, "", 0
    sign = "+" if signed else ""
    text = f"{rounded:{sign},.{decimals}f}{suffix}".replace("-", "\u2212")
    return f"{text} {currency}" if word and currency else text


def estimate_parts(
    e: Estimate, unit: Unit, *, signed: bool = False, currency: str = ""
) -> tuple[str, str, str]:
    """Mean, low and high printed alike, to the digits the interval supports.

    The ends of a significant difference get more digits where they would round to zero. A
    level's interval is cut at what the figure can be (a share at 0 and 100%, a count or a
    time at 0): over few replications of a rare event the t-interval reaches beyond, and
    the cut interval still covers the mean as often (it only drops impossible values).
    """
    low, high = unit.bounds
    ends = (e.low, e.high) if signed else (max(e.low, low), min(e.high, high))
    width = 0.0 if is_exact(e) else e.half_width
    if unit.is_money:
        step = 10.0 ** _precision(width) if width > 0 else 0.0
        while signed and e.significant and step and any(round(v / step) == 0 for v in ends):
            step /= 10
        return (
            money(e.mean, currency, step, signed),
            *(money(v, currency, step, signed, word=False) for v in ends),
        )
    decimals = places(width * unit.scale, unit.most_decimals)
    while (
        signed
        and e.significant
        and decimals < 6
        and any(round(v * unit.scale, decimals) == 0 for v in ends)
    ):
        decimals += 1
    return (
        number(e.mean, unit, decimals, signed),
        *(number(v, unit, decimals, signed, word=False) for v in ends),
    )


def estimate_text(e: Estimate, unit: Unit, *, signed: bool = False, currency: str = "") -> str:
    """``mean (low to high)``, every part in the same unit and, for differences, signed.

    An estimate without spread (the same in every replication) is its mean alone.
    """
    mean, low, high = estimate_parts(e, unit, signed=signed, currency=currency)
    return mean if is_exact(e) else f"{mean} ({low} to {high})"


SURVEY_UNITS = {"csat": "share", "satisfaction": "share", "nps": "score", "ces": "scale",
                "ease": "scale"}  # fmt: skip
SHARE_ENDINGS = (
    "rate",
    "share",
    "fcr",
    "csat",
    "occupancy",
    "service_level",
    "utilisation",
    "probability",
    "turnover_per_year",
)
COUNT_ENDINGS = (
    "customers_active_end",
    "new_customers",
    "churned_customers",
    "referrals",
    "word_of_mouth",
    "public_complaints",
    "offered",
    "headcount_end",
    "vacancies_end",
    "leavers",
    "hires",
    "cases_closed",
    "orders_delivered",
)


def unit_of(kpi: str) -> str:
    """The kind of unit of a summary KPI (a key of :data:`UNITS`), read from its name."""
    leaf = kpi.rsplit(".", 1)[-1]
    if kpi.startswith("surveys.") and kpi.count(".") == 2:  # a question's figures: its scale
        question = kpi.split(".")[1]
        return "count" if leaf == "responses" else SURVEY_UNITS.get(question, "number")
    if kpi in ("revenue", "profit", "npv") or kpi.startswith(("costs.", "cost_per_contact.")):
        return "money"
    if leaf == "nps" or leaf.startswith("measured_nps"):
        return "score"
    if leaf == "ces":
        return "scale"
    if leaf.endswith("minutes"):
        return "minutes"
    if leaf.endswith(COUNT_ENDINGS):
        return "count"
    if leaf.endswith(SHARE_ENDINGS):
        return "share"
    return "number"

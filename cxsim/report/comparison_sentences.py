"""What a comparison report says in words: answers, costs, payback and the recommendation.

Each function turns estimates (``cxsim.comparison``, ``cxsim.decision``, ``cxsim.robustness``)
into a phrase or a short piece of HTML that a board member reads: signed, in the estimate's
unit and to the digits its interval supports (``cxsim.report.wording``), with "not
significant" said in plain words.
"""

from __future__ import annotations

import html

from cxsim.comparison import Replicated, ScenarioComparison
from cxsim.decision import Investment, Recommendation
from cxsim.report.wording import UNITS, counted, estimate_parts, estimate_text, unit_of
from cxsim.robustness import Check
from cxsim.statistics import Estimate

__all__ = [
    "answer",
    "cost_text",
    "figure_text",
    "flips",
    "headline",
    "payback_text",
    "question",
    "return_text",
    "robustness_line",
    "sentence",
    "verdict",
]


def figure_text(c: ScenarioComparison, e: Estimate, kpi: str, signed: bool = False) -> str:
    """``e`` of ``kpi`` as ``mean (low to high)`` in the KPI's unit."""
    return estimate_text(e, UNITS[unit_of(kpi)], signed=signed, currency=c.currency)


def _retention_phrase(c: ScenarioComparison, e: Estimate) -> str:
    mean, low, high = estimate_parts(e, UNITS["share"], signed=True)
    if not e.significant:
        return f"keeps about as many customers a year ({mean}, {low} to {high}: not significant)"
    more = "more" if e.mean > 0 else "fewer"
    size = mean.lstrip("+\u2212").removesuffix(" pts")
    return f"keeps {size} points {more} customers a year ({low} to {high})"


def _profit_phrase(c: ScenarioComparison, s: Replicated) -> str:
    """Relative change where the reference makes a profit, else the money difference."""
    relative = c.mean(c.reference, "profit").mean > 0
    e = c.relative(s, "profit") if relative else c.difference(s, "profit")
    unit = UNITS["relative"] if relative else UNITS["money"]
    mean, low, high = estimate_parts(e, unit, signed=True, currency=c.currency)
    if not e.significant:
        return f"earns about the same profit ({mean}, {low} to {high}: not significant)"
    more = "more" if e.mean > 0 else "less"
    return f"earns {mean.lstrip('+\u2212')} {more} profit ({low} to {high})"


def answer(c: ScenarioComparison, s: Replicated) -> str:
    """What option ``s`` does to retention and profit against the reference (a predicate)."""
    return (
        f"{_retention_phrase(c, c.difference(s, 'retention_rate'))} and "
        f"{_profit_phrase(c, s)} compared with {c.reference.name}."
    )


def sentence(text: str) -> str:
    """``text`` with a capital first letter (the rest untouched: "EUR" stays "EUR")."""
    return text[:1].upper() + text[1:]


def headline(c: ScenarioComparison, s: Replicated) -> str:
    """One sentence a client can read: retention and profit against the reference."""
    return f"{s.name} {answer(c, s)}"


def cost_text(c: ScenarioComparison, change: Investment) -> str:
    """What the change itself costs over the horizon, or "none"."""
    return "none" if change.buys_nothing else figure_text(c, change.cost, "profit", signed=True)


def payback_text(change: Investment, horizon: float) -> str:
    """The payback day with its range, or why there is none."""
    p = change.payback
    if change.buys_nothing:
        return "nothing to pay back"
    if p.day is None:
        return f"not within {horizon:g} days"
    if p.day == 0 and p.latest == 0:
        return "from the start"
    latest = f"day {p.latest:g}" if p.latest is not None else f"after day {horizon:g}"
    earliest = f"day {p.earliest:g}" if p.earliest is not None else "?"
    return f"day {p.day:g} ({earliest} to {latest})"


def return_text(change: Investment) -> str:
    """Return on the change with its interval, or why it is not defined."""
    if change.buys_nothing:
        return "nothing bought"
    if change.return_on_change is None:
        return "no extra cost to recover" if change.cost.high < 0 else "cost not above zero"
    return estimate_text(change.return_on_change, UNITS["relative"], signed=True)


def question(c: ScenarioComparison, rec: Recommendation) -> str:
    """The question the report answers, how it was simulated and the criterion (HTML)."""
    days = c.reference.params.horizon.days
    span = counted(float(f"{days / 365:.3g}"), "year") if days >= 365 else counted(days, "day")
    options = ", ".join(html.escape(s.name) for s in c.alternatives) or "no option"
    paired = (
        "on the same customers and events"
        if c.common_random_numbers
        else "on independent random numbers"
    )
    return (
        f'<p class="question"><strong>The question.</strong> Should '
        f"{html.escape(c.reference.name)} make one of these changes: {options}? Each option and "
        f"today were simulated {counted(c.replications, 'time')} over {span} {paired}; the "
        f"recommendation follows one criterion: {rec.criterion}.</p>"
    )


def flips(rec: Recommendation, checks: list[Check]) -> list[Check]:
    """The checks at which the criterion picks another option than ``rec``'s."""
    return [k for k in checks if k.choice != rec.choice.name]


def robustness_line(rec: Recommendation, checks: list[Check] | None) -> str:
    """Whether the recommendation holds against doubtful inputs, in one sentence (HTML)."""
    if checks is None:
        return (
            " Not checked against doubtful inputs (<code>--robust</code>): see "
            "<em>How sure is this?</em>"
        )
    doubted = len({k.doubt.key for k in checks})
    flipped = flips(rec, checks)
    if not flipped:
        each = "the parameter" if doubted == 1 else f"each of the {doubted} parameters"
        return f" It holds with {each} in doubt at either end of its band."
    where = "; ".join(
        f"{html.escape(k.choice)} when <code>{html.escape(k.doubt.key)}</code> is {k.value:.4g}"
        for k in flipped
    )
    runner = rec.runner_up.name if rec.runner_up is not None and not rec.clear else None
    expected = (
        ", as can happen between options the replications cannot tell apart"
        if all(k.choice == runner for k in flipped)
        else ""
    )
    return f" <strong>It flips</strong> to {where}{expected} (<em>How sure is this?</em>)."


def verdict(c: ScenarioComparison, rec: Recommendation, checks: list[Check] | None) -> str:
    """The recommendation box: the choice, why, how sure, and whether it holds."""
    choice = html.escape(rec.choice.name)
    if rec.choice is c.reference:
        what = (
            f"<strong>Recommendation: make none of these changes</strong>; {choice} earns the most"
        )
    else:
        what = f"<strong>Recommendation: {choice}</strong>, which earns the most"
    what += " among the options that keep today's retention."
    lost = [s for s in c.alternatives if s not in rec.kept_retention]
    if lost:
        what += (
            " Left out because they lose customers: "
            + ", ".join(html.escape(s.name) for s in lost)
            + "."
        )
    if rec.runner_up is not None and rec.margin is not None:
        mean, low, high = estimate_parts(
            rec.margin, UNITS["money"], signed=True, currency=c.currency
        )
        runner = html.escape(rec.runner_up.name)
        what += (
            f" It earns {mean.lstrip('+')} more than {runner}, the next best ({low} to {high})."
            if rec.clear
            else f" But {runner} cannot be told apart from it (profit {mean}, {low} to {high}: "
            "not significant): decide between them on other grounds, or run more replications."
        )
    what += robustness_line(rec, checks)
    sure = rec.clear and not (checks and flips(rec, checks))
    return f'<div class="recommendation{"" if sure else " unclear"}">{what}</div>'

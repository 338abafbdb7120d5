"""Write a scenario comparison: summary.csv, Parquet replications, scenarios, plots, report.html.

The HTML report is one self-contained file (plots embedded as PNG data) that a client's board
can read, print to A4 or receive as a PDF. It is built for a reader with five minutes:

1. **Summary** (page one): the question, each option in the words of its ``description:``, a
   one-line answer per option, the cost of the change and its payback, and the recommendation
   with the criterion it follows (``cxsim.decision``).
2. **Evidence**: whether the reference is the client (its calibration table, or a plain "not
   calibrated"); profit against today over time with its band; what each change costs and
   returns, and its profit bridge drawn as a difference by component; one table of key
   figures formatted by unit (mechanisms that are off left out); the contact centre per
   channel and hour of the week; the mechanisms between the lever and the result; what the
   intervals cover and what they do not.
3. **Appendix**: the assumptions the reference rests on, the method (replications, common
   random numbers) and how to reproduce every number.
"""

from __future__ import annotations

import base64
import html
import platform
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cxsim.comparison import MECHANISM_KPIS, Replicated, ScenarioComparison
from cxsim.decision import Recommendation, investment, recommend
from cxsim.errors import excerpt
from cxsim.fit import loose_keys
from cxsim.folders import replaced_folder
from cxsim.report.comparison_plots import Changes, bridge_rows, write_comparison_plots
from cxsim.report.comparison_sentences import (
    answer,
    cost_text,
    figure_text,
    payback_text,
    question,
    return_text,
    sentence,
    verdict,
)
from cxsim.report.interval_plots import interval_table
from cxsim.report.outputs import resolved_yaml
from cxsim.report.pdf import write_pdf
from cxsim.report.wording import UNITS, estimate_parts, is_exact, money, unit_of
from cxsim.robustness import Check
from cxsim.scenario import Scenario, assumptions, parameter_changes, plausibility_warnings
from cxsim.statistics import Estimate

__all__ = ["write_comparison", "software_versions", "COMPARE_KIND", "comparison_bytes"]

COMPARE_KIND = "compare"
SERIES_ROW_BYTES = 400  # one week of one replication in timeseries.parquet, uncompressed

PACKAGES = ("cxsim", "mesa", "numpy", "scipy", "pandas", "pydantic", "pyarrow", "matplotlib")
# The key figures, in groups as a board reads them; rows that are off everywhere are left out.
KEY_FIGURES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Customers and profit",
        (
            ("retention_rate", "Annual retention"),
            ("customers_active_end", "Active customers at the end"),
            ("revenue", "Revenue"),
            ("profit", "Profit"),
            ("npv", "Net present value"),
        ),
    ),
    (
        "What customers live through",
        (
            ("nps", "NPS"),
            ("csat", "CSAT (satisfied cases)"),
            ("ces", "Customer effort (1-7)"),
            ("effort_per_customer_year", "Effort points per customer-year"),
            ("fcr", "First-contact resolution"),
            ("complaint_rate", "Complaints per problem"),
        ),
    ),
    (
        "The mechanisms between the change and the result",
        tuple(
            (k, label)
            for k, label in MECHANISM_KPIS.items()
            if k not in ("fcr", "ces", "csat", "nps", "complaint_rate")
        ),
    ),
)
CHANNEL_FIGURES = (
    ("offered", "Contacts offered"),
    ("occupancy", "Occupancy"),
    ("service_level", "Service level"),
    ("asa_minutes", "Average speed of answer"),
    ("abandonment_rate", "Abandoned"),
)
CRN_KPIS = ("retention_rate", "profit")

STYLE = """
body { font-family: system-ui, sans-serif; font-size: 17px; max-width: 1250px; margin: 1.2em auto;
       padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.7em; margin: 0.2em 0 0.4em; }
h2 { margin-top: 1.6em; border-bottom: 2px solid #ddd; }
section.summary h2 { margin-top: 0.6em; } section.summary table { font-size: 0.82em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.6em; text-align: right;
         vertical-align: top; }
th:first-child, td:first-child { text-align: left; } td.text, th.text { text-align: left; }
.changes { color: #555; font-size: 0.85em; }
td.ns { color: #777; } span.ci { display: block; font-size: 0.8em; color: #666; }
tr.group th { text-align: left; background: #f4f4f4; }
.recommendation { border-left: 6px solid #2c7a3f; background: #f1f8f3; padding: 0.6em 1em;
       margin: 0.8em 0; font-size: 1.05em; }
.recommendation.unclear { border-color: #b7791f; background: #fdf7ec; }
p.question { font-size: 1.1em; } img { max-width: 100%; }
.facts td { text-align: left; }
div.pair { display: flex; gap: 1%; align-items: flex-start; } div.pair img { width: 49.5%; }
ul.assumptions { columns: 2; column-gap: 2em; font-size: 0.78em; padding-left: 1.2em; }
ul.assumptions li { break-inside: avoid; margin-bottom: 0.25em; }
code { background: #f3f3f3; padding: 0.1em 0.3em; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 11pt; max-width: none; margin: 0; padding: 0; }
  section { break-before: page; } section.summary { break-before: auto; }
  h2, h3, tr, img, .recommendation { break-inside: avoid; } h2, h3 { break-after: avoid; }
  img { max-height: 240mm; }
}
"""


def software_versions() -> dict[str, str]:
    """Python, the platform, and the versions of cxsim and the libraries its numbers rest on."""
    versions = {"python": platform.python_version(), "platform": platform.platform()}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def _cell(text: str, ci: tuple[str, str] | None = None, muted: bool = False) -> str:
    interval = f'<span class="ci">{ci[0]} to {ci[1]}</span>' if ci else ""
    return f'<td class="{"ns" if muted else ""}">{text}{interval}</td>'


def _estimate_cell(c: ScenarioComparison, e: Estimate, kpi: str, signed: bool) -> str:
    mean, low, high = estimate_parts(e, UNITS[unit_of(kpi)], signed=signed, currency=c.currency)
    if is_exact(e):  # the same in every replication: no interval
        return _cell(mean, None, signed and e.mean == 0)
    muted = signed and not e.significant
    return _cell(mean + (" <small>n.s.</small>" if muted else ""), (low, high), muted)


def _is_on(c: ScenarioComparison, kpi: str) -> bool:
    """Whether any scenario reports ``kpi`` other than zero (a mechanism that is on)."""
    return any(kpi in s.kpis and c.mean(s, kpi).mean != 0 for s in c.scenarios)


def _header(c: ScenarioComparison, first: str) -> str:
    head = "".join(f"<th>{html.escape(s.name)}</th>" for s in c.scenarios)
    head += "".join(
        f"<th>{html.escape(s.name)} minus {html.escape(c.reference.name)}</th>"
        for s in c.alternatives
    )
    return f"<tr><th>{first}</th>{head}</tr>"


def _figure_cell(c: ScenarioComparison, s: Replicated, kpi: str, difference: bool) -> str:
    """A scenario's mean of ``kpi``, or its difference from the reference."""
    if difference:
        return _estimate_cell(c, c.difference(s, kpi), kpi, True)
    return _estimate_cell(c, c.mean(s, kpi), kpi, False)


Cell = Callable[[ScenarioComparison, Replicated, str, bool], str]  # scenario, kpi, difference?


def _figure_row(c: ScenarioComparison, kpi: str, label: str, cell: Cell = _figure_cell) -> str:
    """One figure: each scenario's value, then each option's difference (``cell`` fills them)."""
    cells = [cell(c, s, kpi, False) for s in c.scenarios]
    cells += [cell(c, s, kpi, True) for s in c.alternatives]
    return f"<tr><td>{html.escape(label)}</td>{''.join(cells)}</tr>"


def _group(c: ScenarioComparison, title: str, rows: list[str]) -> list[str]:
    """A group's heading row above its figure rows (nothing for a group with none)."""
    width = 1 + len(c.scenarios) + len(c.alternatives)
    return [f'<tr class="group"><th colspan="{width}">{title}</th></tr>', *rows] if rows else []


def _key_figures(c: ScenarioComparison) -> str:
    """One table, in groups, each figure in its unit; figures that are off are left out."""
    rows = [
        row
        for group, figures in KEY_FIGURES
        for row in _group(c, group, [_figure_row(c, k, f) for k, f in figures if _is_on(c, k)])
    ]
    return f"<table>{_header(c, 'Figure')}{''.join(rows)}</table>"


def _channel_table(c: ScenarioComparison) -> str:
    """Each staffed channel's queue figures per scenario (a channel nobody uses is left out)."""
    channels = [
        key.split(".")[1]
        for key in c.kpi_names()
        if key.startswith("channels.") and key.endswith(".offered") and _is_on(c, key)
    ]
    rows = [
        row
        for channel in channels
        for row in _group(
            c,
            channel.capitalize(),
            [
                _figure_row(c, f"channels.{channel}.{key}", label)
                for key, label in CHANNEL_FIGURES
                if f"channels.{channel}.{key}" in c.reference.kpis
            ],
        )
    ]
    return f"<table>{_header(c, 'Channel')}{''.join(rows)}</table>" if rows else ""


SURVEY_FIGURES = (
    ("measured", "Measured (answers)"),
    ("true", "True (all invited)"),
    ("gap", "Gap: measured minus true"),
    ("responses", "Answers"),
)


def _survey_cell(c: ScenarioComparison, s: Replicated, kpi: str, difference: bool) -> str:
    """A survey figure, or a dash where a scenario (or the reference) does not measure it."""
    involved = (c.reference, s) if difference else (s,)
    if any(kpi not in x.kpis or np.isnan(x.values(kpi)).any() for x in involved):
        return _cell("&ndash;")
    return _figure_cell(c, s, kpi, difference)


def _survey_table(c: ScenarioComparison) -> str:
    """What each question's survey measured beside the truth, per scenario that asks it."""
    asked = [
        key.split(".")[1]
        for key in c.kpi_names()
        if key.startswith("surveys.") and key.endswith(".measured")
    ]
    if not asked:
        return ""
    rows = [
        row
        for name in asked
        for row in _group(
            c,
            name.upper(),
            [
                _figure_row(c, f"surveys.{name}.{key}", label, _survey_cell)
                for key, label in SURVEY_FIGURES
            ],
        )
    ]
    return (
        "<h2>What the surveys tell</h2><p>Each question's figure as the survey measured it "
        "(the answers of those who replied) beside the truth over everyone invited, read from "
        "their states without noise or leniency; the gap is what non-response, leaning and "
        "noise add (docs/surveys.md). A dash: the scenario does not ask it, or some runs had "
        f"no answers.</p><table>{_header(c, 'Question')}{''.join(rows)}</table>"
    )


def _investment_table(c: ScenarioComparison, changes: Changes) -> str:
    horizon = c.reference.params.horizon.days
    rows = "".join(
        f"<tr><td>{html.escape(s.name)}</td>"
        f"<td>{cost_text(c, ch)}</td>"
        f"{_estimate_cell(c, ch.effects, 'profit', True)}"
        f"{_estimate_cell(c, ch.profit, 'profit', True)}"
        f"<td>{return_text(ch)}</td><td>{payback_text(ch, horizon)}</td></tr>"
        for s, ch in changes
    )
    return (
        f"<table><tr><th>Option</th><th>Cost of the change (people, training, systems)</th>"
        f"<th>Its effects on the rest of profit</th><th>Profit difference</th>"
        f"<th>Return on the change</th><th>Payback (95% range)</th></tr>{rows}</table>"
    )


def _bridge_table(c: ScenarioComparison) -> str:
    head = "".join(f"<th>{html.escape(s.name)}</th>" for s in c.alternatives)
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td>"
        + "".join(_estimate_cell(c, e, "profit", True) for e in estimates)
        + "</tr>"
        for name, estimates in bridge_rows(c)
    )
    return f"<table><tr><th>Change in profit by component</th>{head}</tr>{rows}</table>"


def _plus_minus(c: ScenarioComparison, kpi: str, half_width: float) -> str:
    """``half_width`` of a difference of ``kpi``, in its unit, to two significant digits."""
    unit = UNITS[unit_of(kpi)]
    if unit.is_money:
        return "&plusmn; " + money(half_width, c.currency)
    return f"&plusmn; {half_width * unit.scale:.2g}{unit.difference_suffix or unit.suffix}"


def _pairing_gain(paired: float, independent: float) -> str:
    """How many times the replications independent runs would need for the paired interval."""
    if paired <= 1e-12 * max(1.0, independent):  # the same in every run: nothing to estimate
        return "&ndash; (the same difference in every run)"
    gain = (independent / paired) ** 2
    return f"{gain:.1f}&times;" if gain < 1000 else "over 1,000&times;"


def _crn_table(c: ScenarioComparison) -> str:
    """Half-widths of the difference intervals as run, and what the other design would give."""
    measured = "with" if c.common_random_numbers else "without"
    rows = []
    for s in c.alternatives:
        for key in CRN_KPIS:
            run = c.difference(s, key).half_width
            other = c.half_width_without_crn(s, key)
            rows.append(
                f"<tr><td>{html.escape(s.name)}</td><td>{key}</td>"
                f"<td>{_plus_minus(c, key, run)}</td><td>{_plus_minus(c, key, other)}</td>"
                f"<td>{_pairing_gain(run, other)}</td></tr>"
            )
    return (
        f"<table><tr><th>Option</th><th>Figure</th><th>Interval of the difference, as run "
        f"({measured} common random numbers)</th><th>Same runs treated as independent"
        f"</th><th>Replications saved by pairing</th></tr>{''.join(rows)}</table>"
    )


def _image(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _facts(c: ScenarioComparison, command: str) -> str:
    ref = c.reference.params
    facts = {
        "Replications per scenario": str(c.replications),
        "Base seed": str(c.seed),
        "Common random numbers": "on (replication i of every scenario shares its seed)"
        if c.common_random_numbers
        else "off (--independent-seeds)",
        "Horizon": f"{ref.horizon.days:g} days (warm-up {ref.warmup.days:g} days)",
        "Customers at day 0": f"{ref.customers.initial:,}",
        "Currency": c.currency,
        "Command": f"<code>{html.escape(command)}</code>",
        "Created": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    facts |= {
        f"Version of {k}" if k not in ("python", "platform") else k.capitalize(): v
        for k, v in software_versions().items()
    }
    rows = "".join(
        f"<tr><th>{k}</th><td>{v if k == 'Command' else html.escape(v)}</td></tr>"
        for k, v in facts.items()
    )
    return f'<table class="facts">{rows}</table>'


def _warnings(c: ScenarioComparison) -> str:
    """Values outside their usual band, per scenario (empty when there are none)."""
    items = "".join(
        f"<li><strong>{html.escape(s.name)}</strong>: {html.escape(w)}</li>"
        for s in c.scenarios
        for w in plausibility_warnings(s.params)
    )
    return (
        f"<h3>Values outside their usual range</h3><p>These ran as given; check that they are "
        f"meant.</p><ul>{items}</ul>"
        if items
        else ""
    )


def _calibration(c: ScenarioComparison, evidence: dict[str, Any] | None) -> str:
    """Whether the reference is the client: its calibration table, or a plain warning."""
    name = html.escape(c.reference.name)
    if evidence is None:
        return (
            f"<h2>Is {name} the client?</h2><p><strong>The reference is not calibrated to the "
            "client's own figures</strong> (<code>cxsim calibrate</code>): its defaults stand "
            "for what was not measured, so the options' effects are those on a business like "
            "the library's, not necessarily on this client's.</p>"
        )
    rows = "".join(
        f"<tr><td>{html.escape(key)}</td><td>{t['client']:.4g}</td><td>\u00b1 "
        f"{t['tolerance']:.2g}</td><td>{t['model']:.4g}<span class='ci'>{t['model_low']:.4g} "
        f"to {t['model_high']:.4g}</span></td><td>{'yes' if t['within_tolerance'] else 'NO'}"
        f"</td><td class='text'>{html.escape(str(t.get('source', '')))}</td></tr>"
        for key, t in evidence["targets"].items()
    )
    loose = loose_keys(evidence.get("identification", {}))
    keys = ", ".join(f"<code>{html.escape(k)}</code>" for k in loose)
    caution = (
        "<p>The client's figures leave these fitted parameters loose; do not trust a "
        f"conclusion that hinges on them: {keys}.</p>"
        if loose
        else ""
    )
    return (
        f"<h2>Is {name} the client?</h2><p>Calibrated with <code>cxsim calibrate</code>: "
        f"the client's figures beside the model's over {evidence['confirmation_runs']} runs on "
        "fresh seeds (<code>calibration.json</code> beside the scenario).</p><table><tr><th>"
        "figure</th><th>client</th><th>tolerance</th><th>model</th><th>within</th>"
        f"<th class='text'>source</th></tr>{rows}</table>{caution}"
    )


def _robustness(rec: Recommendation, checks: list[Check] | None) -> str:
    """The one-at-a-time check: each doubtful parameter's band, the choice at each end."""
    if checks is None:
        return (
            "<h3>Robustness</h3><p>Not checked. Rerun with <code>--robust KEY</code> for each "
            "parameter in doubt (or <code>--robust loose</code> with a calibrated reference) "
            "to see whether the recommendation holds at either end of its plausible band.</p>"
        )
    rows = []
    for low, high in zip(checks[::2], checks[1::2], strict=True):
        d = low.doubt
        verdict = "holds" if low.choice == high.choice == rec.choice.name else "flips"
        rows.append(
            f"<tr><td><code>{html.escape(d.key)}</code></td><td class='text'>"
            f"{html.escape(d.why)}</td><td>{d.low:.4g} to {d.high:.4g}</td>"
            f"<td>{html.escape(low.choice)}</td><td>{html.escape(high.choice)}</td>"
            f"<td><strong>{verdict}</strong></td></tr>"
        )
    reps = checks[0].replications if checks else 0
    return (
        "<h3>Robustness</h3><p>Each parameter in doubt moved to either end of its band, "
        f"everything else as it was, every scenario rerun ({reps} replications each, the same "
        "seeds) and the criterion asked again.</p><table><tr><th>parameter</th><th "
        "class='text'>why in doubt</th><th>band</th><th>choice at the low end</th><th>choice "
        f"at the high end</th><th>recommendation</th></tr>{''.join(rows)}</table>"
    )


SHOWN_CHANGES = 6  # parameters listed under an option's description; the rest are counted


def _what_changes(reference: Scenario, option: Scenario) -> str:
    """The parameters ``option`` sets otherwise than today: all the comparison credits it with."""
    found = [_change_text(key, *pair) for key, pair in parameter_changes(reference, option).items()]
    if not found:
        return "<br><span class='changes'>The same parameters as today.</span>"
    more = len(found) - SHOWN_CHANGES
    listed = "; ".join(found[:SHOWN_CHANGES]) + (f"; and {more} more" if more > 0 else "")
    return f"<br><span class='changes'>Sets {html.escape(listed)}.</span>"


def _change_text(key: str, today: Any, option: Any) -> str:
    if today is None and isinstance(option, dict):
        return f"{key} (added)"
    if option is None and isinstance(today, dict):
        return f"{key} (removed)"
    return f"{key} {_setting(today)} → {_setting(option)}"


def _setting(value: Any) -> str:
    """A parameter's value as the appendix writes numbers (1,000), other values excerpted."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,g}" if isinstance(value, float) else f"{value:,}"
    return excerpt(value, 30).strip("'")


def _options_table(c: ScenarioComparison, changes: Changes) -> str:
    horizon = c.reference.params.horizon.days
    rows = [
        f"<tr><td>{html.escape(c.reference.name)}</td><td class='text'>Nothing: the "
        "organisation as it is today (the reference).</td><td class='text'>Today: "
        f"{figure_text(c, c.mean(c.reference, 'retention_rate'), 'retention_rate')} retention, "
        f"{figure_text(c, c.mean(c.reference, 'profit'), 'profit')} profit</td>"
        "<td></td><td></td></tr>"
    ]
    rows += [
        f"<tr><td>{html.escape(s.name)}</td><td class='text'>{html.escape(s.params.description)}"
        f"{_what_changes(c.reference.params, s.params)}"
        f"</td><td class='text headline'>{html.escape(sentence(answer(c, s)))}</td>"
        f"<td>{cost_text(c, ch)}</td>"
        f"<td>{payback_text(ch, horizon)}</td></tr>"
        for s, ch in changes
    ]
    return (
        "<table><tr><th>Option</th><th class='text'>What it changes</th><th class='text'>"
        "Answer</th><th>Cost of the change</th><th>Payback</th></tr>" + "".join(rows) + "</table>"
    )


def _uncertainty(c: ScenarioComparison, listed: int, evidence: dict[str, Any] | None) -> str:
    calibrated = "calibrated to the client's figures" if evidence else "not calibrated"
    return (
        "<h2>How sure is this?</h2><p>Every interval is a 95% confidence interval over the "
        f"{c.replications} replications: it covers <strong>simulation noise</strong> (which "
        "customers happened to call, leave or complain), and a difference whose interval holds "
        "zero is called not significant. It does <strong>not</strong> cover whether the "
        "inputs are right (the reference is " + calibrated + f"; {listed} of its values are "
        "the library's assumptions, not the client's figures: appendix) or whether the model's "
        "form is right (its mechanisms and their sources: <code>docs/odd.md</code>, checked "
        "against queueing theory and published studies by <code>cxsim validate</code>). A "
        "recommendation that hinges on an assumption should be re-run with that value moved "
        "within its plausible range (<code>--set key=value</code>).</p>" + _warnings(c)
    )


def _assumptions(rows: list[dict[str, Any]], currency: str) -> str:
    items = "".join(
        f"<li><code>{html.escape(r['key'])}</code> = {html.escape(str(r['default']))} "
        f"{html.escape(r['unit'].replace('money', currency))}: "
        f"{html.escape(r['description'])}</li>"
        for r in rows
    )
    return (
        "<h2>Assumptions</h2><p>Values of the reference that are still the library's and that "
        "the library marks as an assumption (not measured; its sources are in "
        "<code>docs/odd.md</code>). Values the client's scenario sets, and values fitted by a "
        f'calibration, are not listed.</p><ul class="assumptions">{items}</ul>'
    )


def _report(
    c: ScenarioComparison,
    plots: dict[str, Path],
    changes: Changes,
    command: str,
    evidence: dict[str, Any] | None = None,
    checks: list[Check] | None = None,
) -> str:
    names = ", ".join(html.escape(s.name) for s in c.alternatives) or "no alternative"
    rec = recommend(c)
    fitted = evidence.get("fitted", {}) if evidence else {}
    assumed = assumptions(c.reference.params, fitted)
    bridges = (
        _image(plots["bridges"], "profit bridges") + _bridge_table(c) if c.alternatives else ""
    )
    summary = (
        f'<section class="summary"><h1>Options for {html.escape(c.reference.name)}</h1>'
        "<h2>Summary</h2>"
        + question(c, rec)
        + verdict(c, rec, checks)
        + _options_table(c, changes)
        + "</section>"
    )
    evidence_section = (
        "<section>"
        + _calibration(c, evidence)
        + "<h2>Customers and profit over time</h2><p>Lines are means over the replications; "
        "bands their 95% intervals. Right: each option's cumulative profit minus that of "
        f"{html.escape(c.reference.name)} (today); a dot where a change that costs "
        "something pays back for good.</p>"
        + _image(plots["over_time"], "retention and cumulative profit difference over time")
        + "<h2>What each change costs and returns</h2><p>The cost of the change is what it "
        "buys (people, hiring, training and recognition, systems, feedback and surveys), "
        "option minus today over the horizon; its effects are everything else that moves "
        "profit. Return on the change is effects over cost, minus one; payback is the day "
        "from which the cumulative profit difference stays above zero.</p>"
        + (_investment_table(c, changes) if changes else "")
        + bridges
        + "<h2>Key figures</h2><p>Each scenario's mean with its 95% interval below it, and "
        "each option minus today (shares in percentage points); grey <em>n.s.</em>: not "
        "significant. Figures of mechanisms that are off are left out.</p>"
        + _key_figures(c)
        + _survey_table(c)
        + _contact_centre(c, plots)
        + "<h2>What explains the difference</h2><p>The mechanisms between the lever and the "
        "result, in the order of the customer journey: shares and NPS as differences in "
        "points, counts and times as relative changes where today's level is clearly above "
        "zero.</p>"
        + (_image(plots["drivers"], "mechanism KPIs") if "drivers" in plots else "")
        + "<h3>Translation loss by stage</h3><p>How far the delivered product is from what "
        "the customer needed, lost at each step from need to delivery.</p>"
        + _image(plots["translation_loss"], "translation loss by stage")
        + _uncertainty(c, len(assumed), evidence)
        + _robustness(rec, checks)
        + "</section>"
    )
    appendix = (
        "<section>"
        + _assumptions(assumed, c.currency)
        + "<h2>Method: replications and common random numbers</h2><p>Replication i of every "
        "scenario meets the same prospects, needs and customer decisions, so the paired "
        "difference removes luck the scenarios share. The last column says how many times "
        "more replications independent runs would need for intervals as narrow.</p>"
        + _crn_table(c)
        + "<h2>How to reproduce</h2>"
        + _facts(c, command)
        + "<p>Per-replication KPIs are in <code>replications.parquet</code>, weekly series in "
        "<code>timeseries.parquet</code>, the resolved scenarios in <code>scenarios/</code>, "
        "every KPI with intervals in <code>summary.csv</code>.</p></section>"
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>cxsim comparison: {names}</title><style>{STYLE}</style></head>"
        f"<body>{summary}{evidence_section}{appendix}</body></html>\n"
    )


def _interval_rows(c: ScenarioComparison) -> pd.DataFrame:
    """Every scenario's channels by hour of the week, replications pooled."""
    frames = [interval_table(s.intervals).assign(scenario=s.name) for s in c.scenarios]
    table = pd.concat(frames, ignore_index=True)
    return table[["scenario", *table.columns.drop("scenario")]]


def _contact_centre(c: ScenarioComparison, plots: dict[str, Path]) -> str:
    table = _channel_table(c)
    if not table:
        return ""
    hours = (
        "<p>Every replication's calls pooled: the mean wait of calls arriving in each hour of "
        "the week (one colour scale for all scenarios), and the average day: calls per open "
        "hour, service level, occupancy and abandonment. Every channel's figures by hour are "
        "in <code>hour_of_week.csv</code>.</p>"
        + '<div class="pair">'
        + _image(plots["waits_by_hour"], "mean wait by hour of the week")
        + _image(plots["daily_profile"], "the average day on the phone line")
        + "</div>"
        if "waits_by_hour" in plots
        else ""
    )
    return "<h2>The contact centre</h2><p>Each channel's queue per scenario.</p>" + table + hours


def comparison_bytes(scenarios: Sequence[Scenario], replications: int) -> int:
    """Disk space the outputs of a comparison take: weekly series of every run, plots."""
    weeks = sum(s.horizon.days / 7 + 2 for s in scenarios) * replications
    return int(8 * 2**20 + weeks * SERIES_ROW_BYTES)


def write_comparison(
    c: ScenarioComparison,
    out: Path,
    command: str,
    evidence: dict[str, Any] | None = None,
    pdf_browser: str | None = None,
    checks: list[Check] | None = None,
) -> Path:
    """Write every output of a comparison into ``out`` (replacing cxsim's results there).

    ``evidence``: the reference's calibration (``calibration.json``), shown first.
    ``pdf_browser``: a Chromium that also prints the report to report.pdf. ``checks``: the
    robustness check (``cxsim.robustness``), None when none was asked for. Returns the path of
    report.html.
    """
    with replaced_folder(out, COMPARE_KIND) as staging:
        c.table().to_csv(staging / "summary.csv", index=False, float_format="%.10g")
        pq.write_table(
            pa.Table.from_pandas(c.replication_table(), preserve_index=False),
            staging / "replications.parquet",
        )
        pq.write_table(
            pa.Table.from_pandas(c.series_table(), preserve_index=False),
            staging / "timeseries.parquet",
        )
        _interval_rows(c).to_csv(staging / "hour_of_week.csv", index=False)
        (staging / "scenarios").mkdir()
        for s in c.scenarios:
            (staging / "scenarios" / f"{s.slug}.yaml").write_text(resolved_yaml(s.params))
        changes = [(s, investment(c, s)) for s in c.alternatives]
        plots = write_comparison_plots(c, changes, staging / "plots")
        (staging / "report.html").write_text(_report(c, plots, changes, command, evidence, checks))
        if pdf_browser is not None:
            write_pdf(staging / "report.html", staging / "report.pdf", pdf_browser)
    return Path(out) / "report.html"

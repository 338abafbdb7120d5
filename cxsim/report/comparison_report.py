"""Write a scenario comparison: summary.csv, Parquet replications, scenarios, plots, report.html.

The HTML report is one self-contained file (plots embedded as PNG data) that a client can open
in any browser: a headline sentence per scenario, retention and profit over time with bands,
a KPI table with intervals, profit bridges, translation loss by stage, the mechanism KPIs
between the lever and the result, what common random numbers bought, and how to reproduce it.
"""

from __future__ import annotations

import base64
import html
import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cxsim.comparison import MECHANISM_KPIS, Replicated, ScenarioComparison
from cxsim.folders import replaced_folder
from cxsim.kpis import HEADLINE
from cxsim.report.comparison_plots import bridge_steps, write_comparison_plots
from cxsim.report.interval_plots import interval_table
from cxsim.report.outputs import resolved_yaml
from cxsim.report.plots import money
from cxsim.scenario import Scenario, plausibility_warnings
from cxsim.statistics import Estimate

__all__ = ["write_comparison", "headline", "software_versions", "COMPARE_KIND", "comparison_bytes"]

COMPARE_KIND = "compare"
SERIES_ROW_BYTES = 400  # one week of one replication in timeseries.parquet, uncompressed

PACKAGES = ("cxsim", "mesa", "numpy", "scipy", "pandas", "pydantic", "pyarrow", "matplotlib")
REPORT_KPIS = HEADLINE + (
    ("contact_centre.asa_minutes", "Phone: average speed of answer (min)", "{:.2f}"),
    ("contact_centre.abandonment_rate", "Phone: abandoned contacts", "{:.1%}"),
    ("contact_centre.service_level", "Phone: service level", "{:.1%}"),
    ("contact_centre.occupancy", "Phone: occupancy", "{:.1%}"),
    ("cost_per_contact.phone", "Cost per phone contact", "{:,.2f}"),
)
CRN_KPIS = (("retention_rate", "Annual retention", "{:.1%}"), ("profit", "Profit", "{:,.0f}"))

STYLE = """
body { font-family: system-ui, sans-serif; font-size: 18px; max-width: 1250px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 2em; } h2 { margin-top: 1.8em; border-bottom: 2px solid #ddd; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35em 0.7em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
td.ns { color: #888; } span.ci { display: block; font-size: 0.8em; color: #666; }
li.headline { font-size: 1.15em; margin: 0.5em 0; } img { max-width: 100%; }
.facts td { text-align: left; } .swatch { display: inline-block; width: 0.9em; height: 0.9em;
       margin-right: 0.3em; border-radius: 2px; vertical-align: middle; }
code { background: #f3f3f3; padding: 0.1em 0.3em; }
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


def _points(e: Estimate) -> str:
    return f"{100 * abs(e.mean):.1f} points"


def _retention_phrase(e: Estimate) -> str:
    if not e.significant:
        return (
            f"keeps about as many customers ({100 * e.mean:+.1f} points a year, "
            f"{100 * e.low:+.1f} to {100 * e.high:+.1f}: not significant)"
        )
    low, high = sorted((abs(100 * e.low), abs(100 * e.high)))
    more = "more" if e.mean > 0 else "fewer"
    return f"keeps {_points(e)} {more} customers a year ({low:.1f} to {high:.1f})"


def _percent(value: float, sign: str = "") -> str:
    return f"{100 * value:{sign}.0f}%"


def _signed_money(value: float) -> str:
    return ("+" if value >= 0 else "") + money(value)


def _profit_phrase(c: ScenarioComparison, s: Replicated) -> str:
    """Relative change where the reference makes a profit, else the money difference."""
    relative = c.mean(c.reference, "profit").mean > 0
    e = c.relative(s, "profit") if relative else c.difference(s, "profit")
    show = _percent if relative else money
    if not e.significant:
        signed = (lambda v: _percent(v, "+")) if relative else _signed_money
        return (
            f"earns about the same profit (change {signed(e.low)} to {signed(e.high)}: "
            "not significant)"
        )
    low, high = sorted((abs(e.low), abs(e.high)))
    more = "more" if e.mean > 0 else "less"
    return f"earns {show(abs(e.mean))} {more} profit ({show(low)} to {show(high)})"


def headline(c: ScenarioComparison, s: Replicated) -> str:
    """One sentence a client can read: retention and profit against the reference."""
    return (
        f"{s.name} {_retention_phrase(c.difference(s, 'retention_rate'))} and "
        f"{_profit_phrase(c, s)} compared with {c.reference.name}."
    )


def _signed(fmt: str) -> str:
    return fmt if "{:+" in fmt else fmt.replace("{:", "{:+", 1)


def _with_interval(value: str, low: str, high: str) -> str:
    return f'{value}<span class="ci">{low} to {high}</span>'


def _format_difference(e: Estimate, fmt: str) -> str:
    if "%" in fmt:
        return _with_interval(
            f"{100 * e.mean:+.1f} pts", f"{100 * e.low:+.1f}", f"{100 * e.high:+.1f}"
        )
    signed = _signed(fmt)
    return _with_interval(signed.format(e.mean), signed.format(e.low), signed.format(e.high))


def _format_mean(e: Estimate, fmt: str) -> str:
    return _with_interval(fmt.format(e.mean), fmt.format(e.low), fmt.format(e.high))


def _kpi_table(c: ScenarioComparison, kpis: tuple[tuple[str, str, str], ...]) -> str:
    head = "".join(f"<th>{html.escape(s.name)}</th>" for s in c.scenarios)
    head += "".join(
        f"<th>{html.escape(s.name)} minus {html.escape(c.reference.name)}</th>"
        for s in c.alternatives
    )
    rows = []
    for key, label, fmt in kpis:
        cells = [f"<td>{_format_mean(c.mean(s, key), fmt)}</td>" for s in c.scenarios]
        for s in c.alternatives:
            d = c.difference(s, key)
            mark = "" if d.significant else " <small>n.s.</small>"
            cells.append(
                f'<td class="{"" if d.significant else "ns"}">'
                f"{_format_difference(d, fmt)}{mark}</td>"
            )
        rows.append(f"<tr><td>{html.escape(label)}</td>{''.join(cells)}</tr>")
    return f"<table><tr><th>KPI</th>{head}</tr>{''.join(rows)}</table>"


def _bridge_table(c: ScenarioComparison, s: Replicated) -> str:
    rows = "".join(
        f'<tr><td>{html.escape(name)}</td><td class="{"" if e.significant else "ns"}">'
        f"{money(e.mean)} ({money(e.low)} to {money(e.high)})</td></tr>"
        for name, e in bridge_steps(c, s)
    )
    total = c.difference(s, "profit")
    return (
        f"<table><tr><th>Component</th><th>Change in profit (95% interval)</th></tr>{rows}"
        f"<tr><th>Profit</th><th>{money(total.mean)} ({money(total.low)} to "
        f"{money(total.high)})</th></tr></table>"
    )


def _crn_table(c: ScenarioComparison) -> str:
    """Half-widths of the difference intervals as run, and what the other design would give."""
    measured = "with" if c.common_random_numbers else "without"
    rows = []
    for s in c.alternatives:
        for key, label, fmt in CRN_KPIS:
            run = c.difference(s, key).half_width
            other = c.half_width_without_crn(s, key)
            scale = (lambda v: f"{100 * v:.2f} pts") if "%" in fmt else money
            gain = (other / run) ** 2 if run > 0 else float("inf")
            rows.append(
                f"<tr><td>{html.escape(s.name)}</td><td>{label}</td>"
                f"<td>&plusmn; {scale(run)}</td><td>&plusmn; {scale(other)}</td>"
                f"<td>{gain:.1f}&times;</td></tr>"
            )
    return (
        f"<table><tr><th>Scenario</th><th>KPI</th><th>Interval of the difference, as run "
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
        (
            "<h2>Values outside their usual range</h2><p>These ran as given; check that they "
            f"are meant.</p><ul>{items}</ul>"
        )
        if items
        else ""
    )


def _calibration(c: ScenarioComparison, evidence: dict[str, Any] | None) -> str:
    """Whether the reference is the client: its calibration table, or a plain warning."""
    name = html.escape(c.reference.name)
    if evidence is None:
        return (
            f"<h2>Is {name} the client?</h2><p>The reference is not calibrated to the "
            "client's own figures (<code>cxsim calibrate</code>): its defaults stand for "
            "what was not measured.</p>"
        )
    rows = "".join(
        f"<tr><td>{html.escape(key)}</td><td>{t['client']:.4g}</td><td>\u00b1 "
        f"{t['tolerance']:.2g}</td><td>{t['model']:.4g}<span class='ci'>{t['model_low']:.4g} "
        f"to {t['model_high']:.4g}</span></td><td>{'yes' if t['within_tolerance'] else 'NO'}"
        f"</td><td>{html.escape(str(t.get('source', '')))}</td></tr>"
        for key, t in evidence["targets"].items()
    )
    return (
        f"<h2>Is {name} the client?</h2><p>Calibrated with <code>cxsim calibrate</code>: "
        f"the client's figures beside the model's over {evidence['confirmation_runs']} runs on "
        "fresh seeds (<code>calibration.json</code> beside the scenario).</p><table><tr><th>"
        "figure</th><th>client</th><th>tolerance</th><th>model</th><th>within</th><th>source"
        f"</th></tr>{rows}</table>"
    )


def _report(
    c: ScenarioComparison,
    plots: dict[str, Path],
    command: str,
    evidence: dict[str, Any] | None = None,
) -> str:
    names = ", ".join(html.escape(s.name) for s in c.alternatives) or "no alternative"
    headlines = "".join(
        f'<li class="headline">{html.escape(headline(c, s))}</li>' for s in c.alternatives
    )
    bridges = "".join(
        f"<h3>{html.escape(s.name)}</h3>{_image(plots[f'bridge:{s.name}'], 'profit bridge')}"
        f"{_bridge_table(c, s)}"
        for s in c.alternatives
    )
    mechanisms = tuple(
        (k, label, "{:.1%}" if k.endswith(("rate", "fcr", "csat", "share")) else "{:,.2f}")
        for k, label in MECHANISM_KPIS.items()
    )
    sections = [
        f"<h1>{names} compared with {html.escape(c.reference.name)}</h1>",
        f"<p>{c.replications} replications of each scenario over "
        f"{c.reference.params.horizon.days:g} days. Intervals are 95% confidence intervals; "
        "a difference whose interval contains zero is marked <em>n.s.</em> (not significant)."
        "</p>",
        _warnings(c),
        _calibration(c, evidence),
        f"<h2>In one sentence</h2><ul>{headlines}</ul>",
        "<h2>Customers and profit over time</h2>"
        "<p>Lines are means over the replications; bands their 95% intervals.</p>"
        + _image(plots["over_time"], "retention and cumulative profit over time"),
        "<h2>Key figures</h2>" + _kpi_table(c, REPORT_KPIS),
        "<h2>Profit bridge</h2><p>How each component of profit moves from the reference to "
        "each scenario (revenue up is a gain, a cost up is a loss).</p>" + bridges,
        _phone_by_hour(plots),
        "<h2>Translation loss by stage</h2><p>How far the delivered product is from what the "
        "customer needed, lost at each step from need to delivery.</p>"
        + _image(plots["translation_loss"], "translation loss by stage"),
        "<h2>What explains the difference</h2><p>The mechanisms between the lever and the "
        "result, in the order of the customer journey.</p>"
        + (_image(plots["drivers"], "mechanism KPIs") if "drivers" in plots else "")
        + _kpi_table(c, mechanisms),
        "<h2>What common random numbers bought</h2><p>Replication i of every scenario meets "
        "the same prospects, needs and customer decisions, so the paired difference removes "
        "luck the scenarios share. The last column says how many times more replications "
        "independent runs would need for intervals as narrow.</p>" + _crn_table(c),
        "<h2>How to reproduce</h2>"
        + _facts(c, command)
        + "<p>Per-replication KPIs are in <code>replications.parquet</code>, weekly series in "
        "<code>timeseries.parquet</code>, the resolved scenarios in <code>scenarios/</code>, "
        "every KPI with intervals in <code>summary.csv</code>.</p>",
    ]
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>cxsim comparison: {names}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(sections)}</body></html>\n"
    )


def _interval_rows(c: ScenarioComparison) -> pd.DataFrame:
    """Every scenario's channels by hour of the week, replications pooled."""
    frames = [interval_table(s.intervals).assign(scenario=s.name) for s in c.scenarios]
    table = pd.concat(frames, ignore_index=True)
    return table[["scenario", *table.columns.drop("scenario")]]


def _phone_by_hour(plots: dict[str, Path]) -> str:
    if "waits_by_hour" not in plots:
        return ""
    return (
        "<h2>The phone line hour by hour</h2><p>Every replication's calls pooled: the mean "
        "wait of calls arriving in each hour of the week (one colour scale for all scenarios), "
        "and the average day: calls per open hour, service level, occupancy and abandonment. "
        "Every channel's figures by hour are in <code>hour_of_week.csv</code>.</p>"
        + _image(plots["waits_by_hour"], "mean wait by hour of the week")
        + _image(plots["daily_profile"], "the average day on the phone line")
    )


def comparison_bytes(scenarios: Sequence[Scenario], replications: int) -> int:
    """Disk space the outputs of a comparison take: weekly series of every run, plots."""
    weeks = sum(s.horizon.days / 7 + 2 for s in scenarios) * replications
    return int(8 * 2**20 + weeks * SERIES_ROW_BYTES)


def write_comparison(
    c: ScenarioComparison, out: Path, command: str, evidence: dict[str, Any] | None = None
) -> Path:
    """Write every output of a comparison into ``out`` (replacing cxsim's results there).

    ``evidence``: the reference's calibration (``calibration.json``), shown first. Returns the
    path of report.html.
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
        plots = write_comparison_plots(c, staging / "plots")
        (staging / "report.html").write_text(_report(c, plots, command, evidence))
    return Path(out) / "report.html"

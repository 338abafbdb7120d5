"""Plots of a scenario comparison: bands over time, profit bridges, translation loss, drivers.

Each scenario keeps one colour in every plot (the reference is always dark grey), so a reader
who learns the colour of option B once can find it everywhere. Differences are drawn as
differences (profit against the reference from zero, not from its full level), each axis holds
one kind of unit, and a relative change is drawn only where the reference is clearly above
zero (a change against nearly nothing reads as thousands of percent).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from cxsim.comparison import MECHANISM_KPIS, Replicated, ScenarioComparison
from cxsim.decision import CHANGE_GROUPS, Investment
from cxsim.mechanisms.requirements import STAGES
from cxsim.report.interval_plots import daily_profile, waits_by_hour_of_week
from cxsim.report.plots import figure, money, save_figure
from cxsim.report.wording import unit_of
from cxsim.statistics import Estimate, estimate

__all__ = [
    "Changes",
    "scenario_colours",
    "write_comparison_plots",
    "bridge_steps",
    "bridge_rows",
    "chart_kpis",
    "bridges_figure",
    "drivers_figure",
]

REFERENCE_COLOUR = "#444444"
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#d62728",
)
GAIN, LOSS = "#2ca02c", "#d62728"
Changes = list[tuple[Replicated, Investment]]  # each alternative with its cost and payback
# Smallest reference level at which a relative change of a ratio-scale figure is charted:
# below it a change of one event reads as tens of percent (a count of 2 public complaints).
RELATIVE_MINIMUM = {"count": 20.0, "minutes": 0.0, "number": 0.0}


def scenario_colours(comparison: ScenarioComparison) -> dict[str, str]:
    """One colour per scenario, the reference dark grey."""
    colours = {comparison.reference.name: REFERENCE_COLOUR}
    for i, s in enumerate(comparison.alternatives):
        colours[s.name] = PALETTE[i % len(PALETTE)]
    return colours


def _band(ax: Axes, s: Replicated, column: str, colour: str, scale: float = 1.0) -> None:
    """Mean over replications with its 95% interval as a shaded band."""
    days = np.asarray(s.series[0]["day"])
    values = np.array([run[column] for run in s.series]) * scale
    bands = [estimate(values[:, j]) for j in range(values.shape[1])]
    ax.fill_between(
        days, [b.low for b in bands], [b.high for b in bands], color=colour, alpha=0.2, lw=0
    )
    ax.plot(days, [b.mean for b in bands], color=colour, lw=2.5, label=s.name)


def _over_time(
    c: ScenarioComparison, changes: Changes, colours: dict[str, str], path: Path
) -> Path:
    """Retention of today's customers, and cumulative profit against the reference."""
    fig = figure(figsize=(12, 4.5))
    left, right = fig.subplots(1, 2)
    for s in c.scenarios:
        _band(left, s, "retained_share", colours[s.name], 100.0)
    left.set(title="Today's customers still with us", xlabel="day", ylabel="% of day-0 customers")
    left.yaxis.set_major_formatter(PercentFormatter())
    left.legend(loc="lower left")
    if changes:
        for s, change in changes:
            _difference_band(right, change, colours[s.name], s.name)
        right.axhline(0, color=colours[c.reference.name], lw=1.5, label=c.reference.name)
        right.set(title="Cumulative profit minus today's")
        right.legend(loc="best")
    else:
        _band(right, c.reference, "cumulative_profit", colours[c.reference.name])
        right.set(title="Cumulative profit")
    right.set(xlabel="day", ylabel=c.currency)
    right.yaxis.set_major_formatter(FuncFormatter(money))
    for ax in (left, right):
        ax.grid(alpha=0.3)
    return save_figure(fig, path)


def _difference_band(ax: Axes, change: Investment, colour: str, label: str) -> None:
    """The cumulative profit difference with its 95% band, and a dot where it pays back."""
    weekly = change.cumulative
    ax.fill_between(
        change.days,
        [e.low for e in weekly],
        [e.high for e in weekly],
        color=colour,
        alpha=0.2,
        lw=0,
    )
    ax.plot(change.days, [e.mean for e in weekly], color=colour, lw=2.5, label=label)
    day = change.payback.day
    if day is not None and day > change.days[0] and not change.buys_nothing:
        ax.plot([day], [weekly[change.days.index(day)].mean], "o", color=colour, ms=9)


def bridge_steps(c: ScenarioComparison, s: Replicated) -> list[tuple[str, Estimate]]:
    """Profit contributions of each component, scenario minus reference (costs negated).

    The change itself (``CHANGE_GROUPS``: what it buys) comes first, then its effects.
    """
    ref, alt = c.reference.bridge_values(), s.bridge_values()
    order = [*CHANGE_GROUPS, *(g for g in alt if g not in CHANGE_GROUPS)]
    steps = []
    for component in order:
        sign = 1.0 if component == "Revenue" else -1.0
        steps.append((component, estimate(sign * (alt[component] - ref[component]))))
    return steps


def bridge_rows(c: ScenarioComparison) -> list[tuple[str, list[Estimate]]]:
    """Components that move in any option, each with every option's contribution."""
    steps = [dict(bridge_steps(c, s)) for s in c.alternatives]
    rows = [
        (name, [step[name] for step in steps])
        for name in steps[0]
        if any(step[name].mean != 0 or step[name].half_width for step in steps)
    ]
    return rows + [("Profit difference", [c.difference(s, "profit") for s in c.alternatives])]


def bridges_figure(c: ScenarioComparison, colours: dict[str, str]) -> Figure:
    """Every option's change in profit by component against the reference, side by side."""
    rows = bridge_rows(c)
    fig = figure(figsize=(12, 0.3 * len(rows) * (1 + 0.3 * (len(c.alternatives) - 1)) + 1.6))
    ax = fig.subplots()
    height = 0.8 / len(c.alternatives)
    y = np.arange(len(rows))
    for k, s in enumerate(c.alternatives):
        values = [estimates[k] for _, estimates in rows]
        ax.barh(
            y + (k - (len(c.alternatives) - 1) / 2) * height,
            [e.mean for e in values],
            height,
            xerr=[[e.mean - e.low for e in values], [e.high - e.mean for e in values]],
            color=colours[s.name],
            hatch=[("//" if name in CHANGE_GROUPS else None) for name, _ in rows],
            edgecolor="white",
            ecolor="black",
            capsize=3,
            label=s.name,
        )
    ax.axvline(0, color="black", lw=0.8)
    ax.axhline(len(rows) - 1.5, color="#999999", lw=0.8, ls="--")
    ax.set_yticks(y, [name for name, _ in rows])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(money))
    ax.set(
        title="Change in profit against today by component (hatched: the change itself; "
        "95% intervals)",
        xlabel=c.currency,
    )
    ax.legend(loc="best")
    ax.grid(axis="x", alpha=0.3)
    return fig


def _translation_loss(c: ScenarioComparison, colours: dict[str, str], path: Path) -> Path:
    fig = figure(figsize=(12, 4.5))
    ax = fig.subplots()
    width = 0.8 / len(c.scenarios)
    x = np.arange(len(STAGES))
    for k, s in enumerate(c.scenarios):
        losses = c.stage_losses(s)
        means = [losses[stage].mean for stage in STAGES]
        errors = [
            [losses[st].mean - losses[st].low for st in STAGES],
            [losses[st].high - losses[st].mean for st in STAGES],
        ]
        ax.bar(
            x + (k - (len(c.scenarios) - 1) / 2) * width,
            means,
            width,
            yerr=errors,
            color=colours[s.name],
            label=s.name,
            capsize=3,
        )
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x, [stage.replace("_", " ") for stage in STAGES])
    ax.set(
        title="Where the customer's requirement is lost (mean fit lost per order)",
        ylabel="fit lost",
    )
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    return save_figure(fig, path)


def chart_kpis(c: ScenarioComparison) -> tuple[list[str], list[str]]:
    """Mechanism KPIs to chart: shares and scores (in points), and ratio-scale figures.

    A figure that is off (zero in every scenario) is left out; so is a ratio-scale one whose
    reference cannot be told from zero, where a relative change means nothing, and a scale
    score (effort, 1-7), whose relative change means nothing either (it is in the table).
    """
    on = [k for k in MECHANISM_KPIS if any(c.mean(s, k).mean != 0 for s in c.scenarios)]
    points = [k for k in on if unit_of(k) in ("share", "score")]
    relative = []
    for k in on:
        if unit_of(k) in ("share", "score", "scale"):
            continue
        ref = c.mean(c.reference, k)
        if ref.mean > 0 and ref.low > 0 and ref.mean >= RELATIVE_MINIMUM[unit_of(k)]:
            relative.append(k)
    return points, relative


def _dots(
    ax: Axes, c: ScenarioComparison, kpis: list[str], colours: dict[str, str], relative: bool
) -> None:
    y = np.arange(len(kpis))
    offset = 0.6 / max(1, len(c.alternatives))
    for k, s in enumerate(c.alternatives):
        changes = [c.relative(s, kpi) if relative else c.difference(s, kpi) for kpi in kpis]
        scale = [100.0 if relative or unit_of(kpi) == "share" else 1.0 for kpi in kpis]
        ax.errorbar(
            [f * e.mean for f, e in zip(scale, changes, strict=True)],
            y + k * offset,
            xerr=[
                [f * (e.mean - e.low) for f, e in zip(scale, changes, strict=True)],
                [f * (e.high - e.mean) for f, e in zip(scale, changes, strict=True)],
            ],
            fmt="o",
            color=colours[s.name],
            label=s.name,
            capsize=3,
        )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y + offset * (len(c.alternatives) - 1) / 2, [MECHANISM_KPIS[k] for k in kpis])
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)


def drivers_figure(c: ScenarioComparison, colours: dict[str, str]) -> Figure | None:
    """Change of each mechanism KPI against the reference in its own kind of unit (or None)."""
    points, relative = chart_kpis(c)
    panels = [(kpis, rel) for kpis, rel in ((points, False), (relative, True)) if kpis]
    if not panels:
        return None
    fig = figure(figsize=(12, 0.42 * (len(points) + len(relative)) + 1.6 * len(panels)))
    axes = fig.subplots(
        len(panels), 1, squeeze=False, height_ratios=[len(k) + 2 for k, _ in panels]
    )[:, 0]
    for ax, (kpis, rel) in zip(axes, panels, strict=True):
        _dots(ax, c, kpis, colours, rel)
        if rel:
            ax.xaxis.set_major_formatter(PercentFormatter())
            ax.set(xlabel=f"relative change against {c.reference.name} (95% interval)")
        else:
            ax.set(
                xlabel=f"difference against {c.reference.name}, percentage points or NPS "
                "points (95% interval)"
            )
    axes[0].set_title("What changed on the way")
    axes[0].legend(loc="best")
    return fig


def write_comparison_plots(c: ScenarioComparison, changes: Changes, out: Path) -> dict[str, Path]:
    """Write every comparison plot into ``out``; return them by role.

    ``changes``: each alternative with its :func:`cxsim.decision.investment`.
    """
    colours = scenario_colours(c)
    out.mkdir(parents=True, exist_ok=True)
    plots = {
        "over_time": _over_time(c, changes, colours, out / "retention_and_profit.png"),
        "translation_loss": _translation_loss(c, colours, out / "translation_loss.png"),
    }
    if c.alternatives and (drivers := drivers_figure(c, colours)):
        plots["drivers"] = save_figure(drivers, out / "mechanisms.png")
    if c.alternatives:
        plots["bridges"] = save_figure(bridges_figure(c, colours), out / "profit_bridges.png")
    phone = {s.name: s.intervals["phone"] for s in c.scenarios if "phone" in s.intervals}
    if phone:
        plots["waits_by_hour"] = waits_by_hour_of_week(
            phone, out / "phone_waits_by_hour_of_week.png", shared_scale=True
        )
        plots["daily_profile"] = daily_profile(phone, out / "phone_daily_profile.png")
    return plots

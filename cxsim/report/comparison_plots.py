"""Plots of a scenario comparison: bands over time, profit bridges, translation loss, drivers.

Each scenario keeps one colour in every plot (the reference is always dark grey), so a reader
who learns the colour of option B once can find it everywhere.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, PercentFormatter

from cxsim.comparison import MECHANISM_KPIS, Replicated, ScenarioComparison
from cxsim.mechanisms.requirements import STAGES
from cxsim.report.interval_plots import daily_profile, waits_by_hour_of_week
from cxsim.report.plots import figure, money, save_figure
from cxsim.statistics import Estimate, estimate

__all__ = ["scenario_colours", "write_comparison_plots", "bridge_steps"]

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


def _over_time(c: ScenarioComparison, colours: dict[str, str], path: Path) -> Path:
    fig = figure(figsize=(12, 4.5))
    left, right = fig.subplots(1, 2)
    for s in c.scenarios:
        _band(left, s, "retained_share", colours[s.name], 100.0)
        _band(right, s, "cumulative_profit", colours[s.name])
    left.set(title="Today's customers still with us", xlabel="day", ylabel="% of day-0 customers")
    left.yaxis.set_major_formatter(PercentFormatter())
    right.set(title="Cumulative profit", xlabel="day", ylabel="money")
    right.yaxis.set_major_formatter(FuncFormatter(money))
    for ax in (left, right):
        ax.grid(alpha=0.3)
    left.legend(loc="lower left")
    return save_figure(fig, path)


def bridge_steps(c: ScenarioComparison, s: Replicated) -> list[tuple[str, Estimate]]:
    """Profit contributions of each component, scenario minus reference (costs negated)."""
    ref, alt = c.reference.bridge_values(), s.bridge_values()
    steps = []
    for component, values in alt.items():
        sign = 1.0 if component == "Revenue" else -1.0
        steps.append((component, estimate(sign * (values - ref[component]))))
    return steps


def _bridge(c: ScenarioComparison, s: Replicated, colours: dict[str, str], path: Path) -> Path:
    """Waterfall from the reference's profit to the scenario's, by component."""
    steps = [(name, e) for name, e in bridge_steps(c, s) if abs(e.mean) > 0 or e.half_width]
    start, end = c.mean(c.reference, "profit").mean, c.mean(s, "profit").mean
    fig = figure(figsize=(12, 4.8))
    ax = fig.subplots()
    labels = [c.reference.name] + [name for name, _ in steps] + [s.name]
    ax.bar(0, start, color=colours[c.reference.name])
    level = start
    for i, (_, e) in enumerate(steps, start=1):
        ax.bar(
            i,
            e.mean,
            bottom=level,
            color=GAIN if e.mean >= 0 else LOSS,
            yerr=[[e.mean - e.low], [e.high - e.mean]],
            ecolor="black",
            capsize=4,
        )
        level += e.mean
    ax.bar(len(steps) + 1, end, color=colours[s.name])
    ax.set_xticks(range(len(labels)), labels, rotation=25, ha="right")
    lowest = min(start, end, level) - 0.1 * abs(end - start + 1)
    ax.set_ylim(bottom=min(0.0, lowest) if min(start, end) <= 0 else 0.8 * min(start, end))
    ax.yaxis.set_major_formatter(FuncFormatter(money))
    ax.set(
        title=f"Profit bridge: {c.reference.name} to {s.name} "
        "(bars: change in profit from each component, 95% interval)",
        ylabel="profit",
    )
    ax.grid(axis="y", alpha=0.3)
    return save_figure(fig, path)


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


def _drivers(c: ScenarioComparison, colours: dict[str, str], path: Path) -> Path:
    """Relative change of each mechanism KPI against the reference, with its interval."""
    kpis = [k for k in MECHANISM_KPIS if c.mean(c.reference, k).mean != 0]
    fig = figure(figsize=(12, 0.45 * len(kpis) + 1.5))
    ax = fig.subplots()
    y = np.arange(len(kpis))
    offset = 0.6 / max(1, len(c.alternatives))
    for k, s in enumerate(c.alternatives):
        changes = [c.relative(s, kpi) for kpi in kpis]
        ax.errorbar(
            [100 * e.mean for e in changes],
            y + k * offset,
            xerr=[
                [100 * (e.mean - e.low) for e in changes],
                [100 * (e.high - e.mean) for e in changes],
            ],
            fmt="o",
            color=colours[s.name],
            label=s.name,
            capsize=3,
        )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y + offset * (len(c.alternatives) - 1) / 2, [MECHANISM_KPIS[k] for k in kpis])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter())
    ax.set(
        title=f"What changed on the way (change against {c.reference.name}, 95% interval)",
        xlabel="relative change",
    )
    ax.legend()
    ax.grid(axis="x", alpha=0.3)
    return save_figure(fig, path)


def write_comparison_plots(c: ScenarioComparison, out: Path) -> dict[str, Path]:
    """Write every comparison plot into ``out``; return them by role."""
    colours = scenario_colours(c)
    out.mkdir(parents=True, exist_ok=True)
    plots = {
        "over_time": _over_time(c, colours, out / "retention_and_profit.png"),
        "translation_loss": _translation_loss(c, colours, out / "translation_loss.png"),
    }
    if c.alternatives:
        plots["drivers"] = _drivers(c, colours, out / "mechanisms.png")
    for s in c.alternatives:
        plots[f"bridge:{s.name}"] = _bridge(c, s, colours, out / f"profit_bridge_{s.slug}.png")
    phone = {s.name: s.intervals["phone"] for s in c.scenarios if "phone" in s.intervals}
    if phone:
        plots["waits_by_hour"] = waits_by_hour_of_week(
            phone, out / "phone_waits_by_hour_of_week.png", shared_scale=True
        )
        plots["daily_profile"] = daily_profile(phone, out / "phone_daily_profile.png")
    return plots

"""The workshop app: ``cxsim demo`` serves ``Page`` with Solara, built from Mesa's SolaraViz parts.

Left, Mesa's play / step / reset controls (``ModelController``) and the levers, each with a
one-line explanation on hover; in the main view, a headline comparing the two organisations,
live charts, the customers coloured by loyalty, and the translation loss by stage. Mesa's
``SolaraViz`` page itself lays components out as half-width cards in tabs, too small for a
projector, so the page is assembled here from the same parts. Moving a lever restarts both
organisations from day 0 with the same seed; only the right-hand one gets the lever.
One colour means one thing everywhere: grey is today, blue is with your changes; green,
light grey, orange and red are promoters, passives, detractors and customers who left.
"""

from __future__ import annotations

from typing import Any

import matplotlib
import solara
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import update_counter

from cxsim.demo.levers import LEVERS, Lever, lever_defaults
from cxsim.demo.workshop import LOYALTY_STATES, Workshop, demo_scenario
from cxsim.mechanisms.requirements import STAGES
from cxsim.report.plots import money

__all__ = ["Page", "LiveWorkshop"]

TODAY, CHANGED = "#555555", "#1f77b4"
LOYALTY_COLOURS = ("#2ca02c", "#c7c7c7", "#ff7f0e", "#d62728")
FONT = {
    "font.size": 15,
    "axes.titlesize": 17,
    "axes.labelsize": 15,
    "legend.fontsize": 14,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
}
STYLE = """
.v-application { font-size: 19px; }
.v-label, .v-select__selection, .v-btn__content { font-size: 18px !important; }
.cx-headline { font-size: 26px; line-height: 1.4; }
.cx-today { color: #555555; font-weight: 600; } .cx-changed { color: #1f77b4; font-weight: 600; }
"""

levers = solara.reactive(lever_defaults(demo_scenario()))


class LiveWorkshop(Workshop):
    """The workshop with the levers as the room has set them (what Reset rebuilds)."""

    def __init__(self, levers_set: dict[str, Any] | None = None) -> None:
        super().__init__(levers_set if levers_set is not None else levers.value)


model = solara.reactive(LiveWorkshop())


def _figure(width: float, height: float) -> Figure:
    """A figure outside pyplot (no global state shared between browser sessions)."""
    return Figure(figsize=(width, height), dpi=90, layout="constrained")


def _set_lever(name: str, value: Any) -> None:
    levers.value = {**levers.value, name: value}
    model.value = LiveWorkshop()  # both organisations restart from day 0, same seed


def _control(lever: Lever) -> None:
    value = levers.value[lever.name]
    label = f"{lever.label}: {value:,} ({lever.unit})" if lever.kind == "int" else lever.label
    with solara.Tooltip(lever.tooltip):
        with solara.Div():
            if lever.kind == "int":  # label above: a sidebar is too narrow for both
                solara.Text(label)
                solara.SliderInt(
                    "",
                    value=int(value),
                    min=lever.low,
                    max=lever.high,
                    step=lever.step,
                    thumb_label=True,
                    on_value=lambda v: _set_lever(lever.name, v),
                )
            elif lever.kind == "bool":
                solara.Switch(
                    label=label, value=bool(value), on_value=lambda v: _set_lever(lever.name, v)
                )
            else:
                solara.Select(
                    label,
                    values=list(lever.choices),
                    value=value,
                    on_value=lambda v: _set_lever(lever.name, v),
                )


@solara.component
def Levers() -> None:
    """One control per lever; hovering shows what it does."""
    with solara.Card("Pull a lever"):
        solara.Markdown("Applies to the **blue** organisation, from day 0.")
        for lever in LEVERS:
            _control(lever)


@solara.component
def Headline(workshop: Workshop) -> None:
    """Where the two organisations stand today, in one sentence each."""
    update_counter.get()
    today, changed = workshop.today.series, workshop.changed.series
    customers = changed["customers"][-1] - today["customers"][-1]
    profit = changed["profit"][-1] - today["profit"][-1]
    solara.HTML(
        tag="div",
        classes=["cx-headline"],
        unsafe_innerHTML=(
            f"Day {workshop.day:.0f}. <span class='cx-today'>Today</span>: "
            f"{today['customers'][-1]:,.0f} customers, profit {money(today['profit'][-1])}. "
            f"<span class='cx-changed'>With your changes</span>: "
            f"{changed['customers'][-1]:,.0f} customers ({customers:+,.0f}), "
            f"profit {money(changed['profit'][-1])} ({'+' if profit >= 0 else ''}{money(profit)})."
        ),
    )


CHARTS = (
    ("customers", "Active customers"),
    ("profit", "Cumulative profit"),
    ("wait_minutes", "Phone: wait (min); dashed: queue"),
    ("fcr", "Solved on first contact"),
    ("escalations", "Escalations so far"),
    ("effort", "Customer effort (1 easy - 7 hard)"),
)


class ChartPanel:
    """Six charts drawn once; each update only moves the lines (rebuilding costs ~0.8 s)."""

    def __init__(self) -> None:
        with matplotlib.rc_context(FONT):
            self.figure = Figure(figsize=(15, 7.5), dpi=80)
            self.figure.subplots_adjust(
                left=0.06, right=0.99, top=0.94, bottom=0.08, wspace=0.25, hspace=0.32
            )
            axes = self.figure.subplots(2, 3)
            self.lines = []
            for ax, (key, title) in zip(axes.flat, CHARTS, strict=True):
                ax.set_title(title)
                ax.grid(alpha=0.3)
                drawn = [
                    ax.plot([], [], color=c, lw=3, label=lab)[0]
                    for c, lab in ((TODAY, "today"), (CHANGED, "with your changes"))
                ]
                if key == "wait_minutes":
                    drawn += [ax.plot([], [], color=c, lw=2, ls="--")[0] for c in (TODAY, CHANGED)]
                self.lines.append((ax, key, drawn))
            axes[0, 0].legend(loc="lower left")
            axes[0, 1].yaxis.set_major_formatter(lambda v, _p: money(v))
            axes[1, 0].yaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
            for ax in axes[1]:
                ax.set_xlabel("day")

    def update(self, workshop: Workshop) -> Figure:
        """Move every line to the organisations' series so far."""
        trackers = (workshop.today, workshop.changed)
        for ax, key, drawn in self.lines:
            keys = (key, key, "queue", "queue")[: len(drawn)]
            for line, tracker, series in zip(
                drawn, (trackers * 2)[: len(drawn)], keys, strict=True
            ):
                line.set_data(tracker.series["day"], tracker.series[series])
            ax.relim()
            ax.autoscale_view()
        return self.figure


def _live_figure(panel_type: type[ChartPanel] | type[LossPanel], workshop: Workshop) -> None:
    """Show a figure built once per session and redrawn whenever the run moves."""
    update_counter.get()
    panel = solara.use_memo(panel_type, [])
    with matplotlib.rc_context(FONT):
        solara.FigureMatplotlib(
            panel.update(workshop), format="png", dependencies=[id(workshop), workshop.day]
        )


@solara.component
def Charts(workshop: Workshop) -> None:
    """Six live charts, today in grey and with your changes in blue."""
    _live_figure(ChartPanel, workshop)


@solara.component
def Population(workshop: Workshop) -> None:
    """Today's customers, one square each, coloured by how loyal they are now."""
    update_counter.get()
    colours = ListedColormap(LOYALTY_COLOURS)
    with matplotlib.rc_context(FONT):
        figure = _figure(9, 5.5)
        for ax, tracker, title in zip(
            figure.subplots(1, 2),
            (workshop.today, workshop.changed),
            ("Today", "With your changes"),
            strict=True,
        ):
            ax.imshow(tracker.loyalty_grid(), cmap=colours, vmin=-0.5, vmax=3.5)
            ax.set_title(title, color=TODAY if title == "Today" else CHANGED)
            ax.set_axis_off()
        figure.legend(
            handles=[
                Patch(color=c, label=s)
                for c, s in zip(LOYALTY_COLOURS, LOYALTY_STATES, strict=True)
            ],
            loc="outside lower center",
            ncols=4,
            frameon=False,
        )
    solara.FigureMatplotlib(figure, format="png")


class LossPanel:
    """Translation loss by stage for both organisations; updates move the bars only."""

    def __init__(self) -> None:
        with matplotlib.rc_context(FONT):
            self.figure = _figure(9, 5.5)
            self.ax = self.figure.subplots()
            self.bars = {
                label: self.ax.bar(
                    [i + shift for i in range(len(STAGES))],
                    [0.0] * len(STAGES),
                    0.4,
                    color=colour,
                    label=label,
                )
                for shift, colour, label in (
                    (-0.2, TODAY, "today"),
                    (0.2, CHANGED, "with your changes"),
                )
            }
            self.ax.set_xticks(range(len(STAGES)), [s.capitalize() for s in STAGES], rotation=15)
            self.ax.axhline(0, color="black", lw=0.8)
            self.ax.set_title("Where the customer's need gets lost")
            self.ax.set_ylabel("fit lost per order")
            self.ax.legend()

    def update(self, workshop: Workshop) -> Figure:
        """Set every bar to the mean loss of its stage so far."""
        for tracker, bars in zip(
            (workshop.today, workshop.changed), self.bars.values(), strict=True
        ):
            loss = tracker.translation_loss()
            for bar, stage in zip(bars, STAGES, strict=True):
                bar.set_height(loss[stage])
        self.ax.relim()
        self.ax.autoscale_view()
        return self.figure


@solara.component
def TranslationLoss(workshop: Workshop) -> None:
    """How much of what customers need is lost at each step, today and with your changes."""
    _live_figure(LossPanel, workshop)


TITLE = "Customer experience workshop"


@solara.component
def Page() -> None:
    """The whole app: controls and levers on the left, the two organisations on the right."""
    play_interval = solara.use_reactive(150)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    solara.Style(STYLE)
    solara.Title(TITLE)
    workshop = model.value
    with solara.AppBar():
        solara.AppBarTitle(f"{TITLE}: {demo_scenario().description or demo_scenario().name}")
    with solara.Sidebar():
        with solara.Card("Run"):
            ModelController(
                model,
                play_interval=play_interval,
                render_interval=render_interval,
                use_threads=use_threads,
            )
            solara.SliderInt("Days per click", value=render_interval, min=1, max=30)
        Levers()
    Headline(workshop)
    Charts(workshop)
    with solara.Columns([1, 1]):
        Population(workshop)
        TranslationLoss(workshop)

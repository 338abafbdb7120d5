"""The workshop's live charts, drawn in the browser and updated in place (bqplot widgets).

Each chart is built once per browser session; a step only sends the new points (the arrays of
its marks), which the browser redraws: no image is rendered on the server, and nothing is
fetched from the internet (bqplot's JavaScript comes with its Python package). One colour means
one thing everywhere: grey is today, blue the team's organisation; a dashed blue line marks a
decision, a red one a shock; green, light grey, orange and red are promoters, passives,
detractors and customers who left.
"""

from __future__ import annotations

import bqplot as bq
import numpy as np
from ipywidgets import Layout

from cxsim.demo.workshop import LOYALTY_STATES, Team, Tracker
from cxsim.mechanisms.requirements import STAGES

__all__ = ["CHARTS", "LineChart", "LoyaltyGrid", "LossBars", "TODAY", "CHANGED", "SHOCK"]

TODAY, CHANGED, SHOCK = "#555555", "#1f77b4", "#d62728"
LOYALTY_COLOURS = ("#2ca02c", "#c7c7c7", "#ff7f0e", "#d62728")
TITLE_STYLE = {"font-size": "20px"}
TICK_STYLE = {"font-size": "14px"}
# key of the trackers' series, title, d3 tick format of the values
CHARTS = (
    ("customers", "Active customers", ",~g"),
    ("profit", "Cumulative profit", "~s"),
    ("wait_minutes", "Phone: mean wait (minutes)", "~g"),
    ("fcr", "Solved on first contact", ".0%"),
    ("escalations", "Escalations so far", ",~g"),
    ("effort", "Customer effort (7: hardest)", "~g"),
)


def _figure(title: str, marks: list[bq.Mark], axes: list[bq.Axis], height: str) -> bq.Figure:
    return bq.Figure(
        title=title,
        marks=marks,
        axes=axes,
        title_style=TITLE_STYLE,
        fig_margin={"top": 40, "bottom": 35, "left": 65, "right": 15},
        animation_duration=0,
        layout=Layout(width="100%", height=height),
    )


class LineChart:
    """One measure over time: today in grey, the team in blue, decisions and shocks marked."""

    def __init__(self, key: str, title: str, tick_format: str) -> None:
        self.key = key
        x, y, span = bq.LinearScale(min=0.0), bq.LinearScale(), bq.LinearScale(min=0.0, max=1.0)
        self.lines = {
            colour: bq.Lines(
                x=[0.0], y=[0.0], scales={"x": x, "y": y}, colors=[colour], stroke_width=3
            )
            for colour in (TODAY, CHANGED)
        }
        self.marks = {
            colour: bq.Lines(
                x=[[0.0, 0.0]],
                y=[[0.0, 1.0]],
                scales={"x": x, "y": span},
                colors=[colour],
                line_style="dashed",
                stroke_width=2,
                visible=False,
            )
            for colour in (CHANGED, SHOCK)
        }
        axes = [
            bq.Axis(scale=x, label="day", tick_format=",.0f", tick_style=TICK_STYLE),
            bq.Axis(
                scale=y, orientation="vertical", tick_format=tick_format, tick_style=TICK_STYLE
            ),
        ]
        self.figure = _figure(title, [*self.marks.values(), *self.lines.values()], axes, "300px")

    def update(self, team: Team, decisions: list[int], shocks: list[int]) -> None:
        """Move the lines to the series so far and mark the decision and shock days."""
        with self.figure.hold_sync():
            for colour, tracker in ((TODAY, team.today), (CHANGED, team.changed)):
                self.lines[colour].x = tracker.series["day"]
                self.lines[colour].y = tracker.series[self.key]
            for colour, days in ((CHANGED, decisions), (SHOCK, shocks)):
                mark = self.marks[colour]
                mark.visible = bool(days)
                if days:
                    mark.x = [[d, d] for d in days]
                    mark.y = [[0.0, 1.0] for _ in days]


class LoyaltyGrid:
    """Today's day-0 customers, one square each, coloured by how loyal they are now."""

    def __init__(self, title: str, tracker: Tracker) -> None:
        colours = bq.OrdinalColorScale(
            domain=list(range(len(LOYALTY_STATES))), colors=list(LOYALTY_COLOURS)
        )
        scales = {
            "row": bq.OrdinalScale(reverse=True),
            "column": bq.OrdinalScale(),
            "color": colours,
        }
        self.map = bq.GridHeatMap(
            color=tracker.loyalty_grid(), scales=scales, stroke="white", null_color="white"
        )
        self.figure = _figure(title, [self.map], [], "380px")
        self.figure.fig_margin = {"top": 40, "bottom": 5, "left": 5, "right": 5}

    def update(self, tracker: Tracker) -> None:
        """Recolour every square."""
        self.map.color = tracker.loyalty_grid()


class LossBars:
    """Fit lost at each stage of the order, today and for the team."""

    def __init__(self) -> None:
        x, self.y = bq.OrdinalScale(), bq.LinearScale(min=0.0, max=0.1)
        y = self.y
        self.bars = bq.Bars(
            x=[s.capitalize() for s in STAGES],
            y=np.zeros((2, len(STAGES))),
            scales={"x": x, "y": y},
            type="grouped",
            colors=[TODAY, CHANGED],
        )
        axes = [
            bq.Axis(scale=x, tick_style=TICK_STYLE),
            bq.Axis(scale=y, orientation="vertical", tick_format="~g", tick_style=TICK_STYLE),
        ]
        self.figure = _figure(
            "Where the need gets lost (fit lost per order)", [self.bars], axes, "380px"
        )

    def update(self, team: Team) -> None:
        """Set every bar to the mean loss of its stage so far."""
        losses = [tracker.translation_loss() for tracker in (team.today, team.changed)]
        heights = np.array([[loss[stage] for stage in STAGES] for loss in losses])
        with self.figure.hold_sync():  # grouped bars do not rescale by themselves
            self.y.max = max(0.01, float(heights.max()) * 1.15)
            self.bars.y = heights

"""PNG plots of one run: customers, profit, where requirements are lost, contact-centre waiting."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

__all__ = ["write_plots", "save_figure", "figure", "money"]

COLOURS = {"customers": "#1f77b4", "profit": "#2ca02c", "loss": "#d62728", "wait": "#9467bd"}


def money(value: float, _position: object = None) -> str:
    """Money to three significant digits: 5.02M, 350k, 900."""
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.0f}"


def figure(**options: object) -> Figure:
    """A figure of its own, outside pyplot: no global backend, no state shared between callers.

    ``options`` go to :class:`~matplotlib.figure.Figure` (``figsize=``). ``fig.savefig`` picks
    the file's renderer (Agg for PNG) by itself, so no display is ever needed.
    """
    return Figure(**options)


def save_figure(fig: Figure, path: Path) -> Path:
    """Lay out and save ``fig`` at 120 dpi.

    A scenario named in a script the font lacks (Japanese, say) is drawn as boxes, without
    matplotlib's warning for every missing glyph of every label.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)
        fig.tight_layout()
        fig.savefig(path, dpi=120)
    return path


def _line(
    series: pd.DataFrame, column: str, title: str, ylabel: str, colour: str, path: Path
) -> Path:
    fig = figure(figsize=(7, 4))
    ax = fig.subplots()
    ax.plot(series["day"], series[column], color=colour, lw=2)
    ax.set(title=title, xlabel="day", ylabel=ylabel)
    ax.grid(alpha=0.3)
    return save_figure(fig, path)


def _translation_loss(by_stage: dict[str, float], path: Path) -> Path:
    fig = figure(figsize=(7, 4))
    ax = fig.subplots()
    stages = list(by_stage)
    values = [by_stage[s] for s in stages]
    ax.bar(stages, values, color=[COLOURS["loss"] if v >= 0 else COLOURS["profit"] for v in values])
    ax.axhline(0, color="black", lw=0.8)
    ax.set(title="Requirement lost at each stage (mean per order)", ylabel="fit lost")
    return save_figure(fig, path)


def _waiting(series: pd.DataFrame, path: Path) -> Path:
    fig = figure(figsize=(7, 4))
    ax = fig.subplots()
    ax.plot(
        series["day"],
        series["asa_minutes"],
        color=COLOURS["wait"],
        lw=2,
        label="average speed of answer (min)",
    )
    ax.plot(
        series["day"],
        series["queue_length"],
        color=COLOURS["wait"],
        lw=1,
        ls="--",
        label="contacts waiting (end of week)",
    )
    ax.set(title="Contact-centre waiting", xlabel="day", ylabel="minutes / contacts")
    ax.legend()
    ax.grid(alpha=0.3)
    return save_figure(fig, path)


def write_plots(series: pd.DataFrame, by_stage: dict[str, float], out: Path) -> list[Path]:
    """Write the four standard plots of a run into ``out``; return their paths."""
    return [
        _line(
            series,
            "active_customers",
            "Active customers",
            "customers",
            COLOURS["customers"],
            out / "active_customers.png",
        ),
        _line(
            series,
            "cumulative_profit",
            "Cumulative profit",
            "money",
            COLOURS["profit"],
            out / "cumulative_profit.png",
        ),
        _translation_loss(by_stage, out / "translation_loss.png"),
        _waiting(series, out / "contact_centre_waiting.png"),
    ]

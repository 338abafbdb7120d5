"""Contact-centre measures by hour of the week: the table, a heat map of waits, a daily profile.

One function per picture, each taking panels of interval counts (``cxsim.kpis.interval_counts``)
by label: the channels of one run, or one channel of each scenario of a comparison (counts
summed over the replications, so the measures pool every contact).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from cxsim.kpis import interval_measures
from cxsim.report.plots import figure, save_figure

__all__ = ["interval_table", "waits_by_hour_of_week", "daily_profile", "WEEKDAYS"]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
Counts = Mapping[str, np.ndarray]


def _with_contacts(panels: Mapping[str, Counts]) -> dict[str, Counts]:
    return {label: c for label, c in panels.items() if c["offered"].sum() > 0}


def interval_table(panels: Mapping[str, Counts], key: str = "channel") -> pd.DataFrame:
    """One row per panel and hour of the week: counts and measures (``hour_of_week.csv``)."""
    frames = []
    for label, counts in panels.items():
        frame = pd.DataFrame(
            {
                key: label,
                "weekday": np.repeat(WEEKDAYS, 24),
                "hour": np.tile(np.arange(24), 7),
                **{k: counts[k] for k in ("offered", "answered", "abandoned")},
                **interval_measures(counts),
            }
        )
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def waits_by_hour_of_week(
    panels: Mapping[str, Counts], path: Path, shared_scale: bool = False
) -> Path:
    """Heat map of the mean wait (minutes) of contacts arriving in each hour of the week.

    Hours without contacts are blank. ``shared_scale``: one colour scale for every panel
    (scenarios of a comparison), else one each (channels, whose waits differ in kind).
    """
    panels = _with_contacts(panels)
    waits = {}
    for label, counts in panels.items():
        empty = (counts["answered"] + counts["abandoned"]).reshape(7, 24) == 0
        wait = interval_measures(counts)["mean_wait_minutes"].reshape(7, 24)
        waits[label] = np.ma.masked_where(empty, wait)
    top = max((float(w.max()) for w in waits.values() if w.count()), default=1.0) or 1.0
    fig = figure(figsize=(9, 0.6 + 1.9 * max(1, len(waits))))
    ax = None
    for i, (label, wait) in enumerate(waits.items()):
        ax = fig.add_subplot(len(waits), 1, i + 1)
        image = ax.imshow(
            wait, aspect="auto", cmap="magma_r", vmin=0, vmax=top if shared_scale else None
        )
        ax.set_yticks(range(7), WEEKDAYS)
        ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
        ax.set_title(f"{label}: mean wait (minutes) by hour of arrival", fontsize=10)
        fig.colorbar(image, ax=ax, pad=0.01)
    if ax is not None:
        ax.set_xlabel("hour of day")
    return save_figure(fig, path)


def daily_profile(panels: Mapping[str, Counts], path: Path) -> Path:
    """The average day, hour by hour (the week's days pooled).

    Bars: contacts per open hour; lines: service level, occupancy and abandonment.
    """
    panels = _with_contacts(panels)
    fig = figure(figsize=(9, 0.6 + 2.3 * max(1, len(panels))))
    hours, ax = np.arange(24), None
    for i, (label, counts) in enumerate(panels.items()):
        pooled = {k: v.reshape(7, 24).sum(axis=0) for k, v in counts.items()}
        by_hour, answered = interval_measures(pooled), pooled["answered"] + pooled["abandoned"]
        ax = fig.add_subplot(len(panels), 1, i + 1)
        ax.bar(hours, by_hour["offered_per_hour"], color="#c7d4e8", label="contacts per open hour")
        ax.set_ylabel("contacts / hour")
        ax.set_xticks(range(0, 24, 2))
        ax.set_title(f"{label}: the average day", fontsize=10)
        shares = ax.twinx()
        for measure, colour, measured in (
            ("service_level", "#2ca02c", answered),
            ("occupancy", "#1f77b4", pooled["staffed_days"]),
            ("abandonment_rate", "#d62728", answered),
        ):
            shown = np.where(measured > 0, by_hour[measure], np.nan)
            shares.plot(
                hours, shown, color=colour, lw=2, marker=".", label=measure.replace("_", " ")
            )
        shares.set_ylim(0, 1.05)
        shares.set_ylabel("share")
        if i == 0:
            handles = [*ax.get_legend_handles_labels()[0], *shares.get_legend_handles_labels()[0]]
            shares.legend(handles=handles, fontsize=7, loc="upper right", ncols=2, framealpha=0.9)
    if ax is not None:
        ax.set_xlabel("hour of day")
        busy = np.flatnonzero(sum(c["offered"].reshape(7, 24).sum(axis=0) for c in panels.values()))
        for axis in fig.axes:  # the hours with contacts, and one either side
            axis.set_xlim(max(-0.6, busy[0] - 1.6), min(23.6, busy[-1] + 1.6))
    return save_figure(fig, path)

"""Contact-centre measures by hour of the week (interval reporting).

Workforce managers read a centre in intervals: the Monday 09:00 hour is not the Wednesday
15:00 one (Gans, Koole and Mandelbaum 2003, *Telephone call centers*, MSOM 5(2), sec. 2). Each
channel keeps counts in the 168 hours of the week, Monday 00:00 first. A contact is counted in
the hour it arrived (offered, answered, abandoned, within target, its wait), as an ACD's
interval report does; busy and staffed time are split exactly over the hours they fall in, so
that occupancy by hour is busy time over rostered staffed time in that hour. Summed over the
hours, every count equals the channel's whole-run figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np

from cxsim.mechanisms.timetable import Timetable
from cxsim.units import HOURS_PER_DAY

__all__ = [
    "HOURS_PER_WEEK",
    "HourOfWeek",
    "hour_of_week",
    "spread_over_hours",
    "open_time",
    "empty_hours",
]

HOURS_PER_WEEK = 168


def hour_of_week(t: float, first_weekday: int) -> int:
    """The hour of the week (0 = Monday 00:00-01:00) of time ``t`` in days of the run."""
    return int((t + first_weekday) * HOURS_PER_DAY) % HOURS_PER_WEEK


def spread_over_hours(
    bins: list[float], start: float, end: float, first_weekday: int, weight: float = 1.0
) -> None:
    """Add ``weight`` x the days between ``start`` and ``end`` to the hours they fall in."""
    hour = math.floor((start + first_weekday) * HOURS_PER_DAY)
    if math.floor((end + first_weekday) * HOURS_PER_DAY) == hour:  # most calls: within the hour
        bins[hour % HOURS_PER_WEEK] += weight * (end - start)
        return
    t = start
    while t < end:
        upto = min(end, (hour + 1) / HOURS_PER_DAY - first_weekday)
        if upto > t:  # (not so at an hour's edge rounded down)
            bins[hour % HOURS_PER_WEEK] += weight * (upto - t)
            t = upto
        hour += 1


def open_time(opening: Timetable, start: float, end: float) -> list[float]:
    """Days each hour of the week was open between ``start`` and ``end`` (holidays closed)."""
    bins = empty_hours()
    for t, change, value in opening.pieces(start, end):
        if value > 0:
            spread_over_hours(bins, t, change, opening.first_weekday)
    return bins


def empty_hours() -> list[float]:
    """A zero for each hour of the week."""
    return [0.0] * HOURS_PER_WEEK


@dataclass(slots=True)
class HourOfWeek:
    """Counts of one channel in each hour of the week (lists of 168; times in days).

    Staffed time is the pool's (``ServerPool.staffed_by_hour``): the roster is the pool's.
    """

    offered: list[float] = field(default_factory=empty_hours)
    answered: list[float] = field(default_factory=empty_hours)
    abandoned: list[float] = field(default_factory=empty_hours)
    answered_within_target: list[float] = field(default_factory=empty_hours)
    answered_wait_days: list[float] = field(default_factory=empty_hours)
    abandoned_wait_days: list[float] = field(default_factory=empty_hours)
    busy_days: list[float] = field(default_factory=empty_hours)

    def arrays(self) -> dict[str, np.ndarray]:
        """Each count as an array of the 168 hours."""
        return {f.name: np.asarray(getattr(self, f.name), float) for f in fields(self)}

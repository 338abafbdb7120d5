"""Weekly timetables: opening hours, rosters and demand profiles as step functions of time.

A timetable is a piecewise-constant function of the time of week, repeated every week: 1 while
a channel is open and 0 while it is closed; the number of agents a roster puts on duty; the
relative intensity of demand in each hour of the week. Time is in days; day 0 of a run falls on
``first_weekday`` (0 = Monday). On holidays (days of the run) an opening timetable is 0.

``advance(t, amount)`` is the time at which the timetable's integral from ``t`` reaches
``amount``. For opening hours this is working-time arithmetic: two hours of work begun at 17:00
in a 08:00-18:00 week end at 09:00 the next working day (the work waits while its people are
off). For a demand profile normalised to a mean of 1 it is the exact time change that turns a
homogeneous Poisson process into the non-homogeneous one with that intensity (Cinlar 1975,
*Introduction to Stochastic Processes*, ch. 4; the equivalent of Lewis and Shedler's 1979
thinning, with one exponential draw per arrival instead of several, which keeps the common
random numbers of scenarios that share a seed). A flat timetable advances by exactly ``amount``
(``t + amount``), so the default around-the-clock organisation draws the same numbers as before
timetables existed.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

__all__ = ["Timetable", "ALWAYS", "DAYS_PER_WEEK"]

DAYS_PER_WEEK = 7.0


@dataclass(frozen=True, slots=True)
class Timetable:
    """A weekly step function: ``values[i]`` from ``starts[i]`` (days after Monday 00:00)."""

    starts: tuple[float, ...]
    values: tuple[float, ...]
    first_weekday: int = 0  # weekday of day 0 of the run (0 = Monday)
    holidays: frozenset[int] = frozenset()  # days of the run on which the value is 0
    week_total: float = field(init=False)  # the integral over a week without holidays
    flat: bool = field(init=False)  # one value, no holidays: advance is plain addition

    def __post_init__(self) -> None:
        starts, values = self.starts, self.values
        if not starts or starts[0] != 0.0 or len(starts) != len(values):
            raise ValueError("a timetable starts at Monday 00:00 with one value per step")
        if any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
            raise ValueError("timetable steps must be in increasing order")
        if any(v < 0 for v in values):
            raise ValueError("timetable values cannot be negative")
        ends = (*starts[1:], DAYS_PER_WEEK)
        total = sum(v * (e - s) for s, e, v in zip(starts, ends, values, strict=True))
        object.__setattr__(self, "week_total", total)
        object.__setattr__(self, "flat", len(set(values)) == 1 and not self.holidays)

    @classmethod
    def from_intervals(
        cls,
        intervals: Iterable[tuple[float, float, float]],
        first_weekday: int = 0,
        holidays: Iterable[int] = (),
    ) -> Timetable:
        """The sum of ``(start, end, value)`` intervals of the week (days after Monday 00:00).

        An interval may run past the end of Sunday (a night shift): it continues on Monday.
        """
        changes: dict[float, float] = {0.0: 0.0}
        for start, end, value in intervals:
            for a, b in _within_week(start, end):
                changes[a] = changes.get(a, 0.0) + value
                changes[b] = changes.get(b, 0.0) - value
        starts, values, level = [], [], 0.0
        for at in sorted(changes):
            level += changes[at]
            if at < DAYS_PER_WEEK and (not values or level != values[-1]):
                starts.append(at)
                values.append(round(level, 12))
        return cls(tuple(starts), tuple(values), first_weekday, frozenset(holidays))

    @property
    def peak(self) -> float:
        """The largest value (a roster's most agents on duty at once)."""
        return max(self.values)

    @property
    def mean(self) -> float:
        """The value averaged over a week without holidays."""
        return self.week_total / DAYS_PER_WEEK

    def open_days_per_week(self) -> int:
        """Weekdays on which the value is positive at some time."""
        return sum(
            any(self._value_in_week(day + f) > 0 for f in self._day_steps(day)) for day in range(7)
        )

    def hours_per_open_day(self) -> float:
        """Mean hours of a day with any opening (the length of a working day)."""
        days = self.open_days_per_week()
        return 24.0 * self.week_total / self.peak / days if days and self.peak else 0.0

    def _day_steps(self, day: int) -> list[float]:
        inside = [s - day for s in self.starts if day <= s < day + 1]
        return [0.0, *inside]

    def _value_in_week(self, week_time: float) -> float:
        return self.values[bisect_right(self.starts, week_time) - 1]

    def value_at(self, t: float) -> float:
        """The value at time ``t`` (days of the run)."""
        if self.flat:
            return self.values[0]
        if self.holidays and math.floor(t) in self.holidays:
            return 0.0
        return self._value_in_week((t + self.first_weekday) % DAYS_PER_WEEK)

    def next_change(self, t: float) -> float:
        """The first time after ``t`` at which the value may change (inf if it never does)."""
        return math.inf if self.flat else self._step(t)[1]

    def _step(self, t: float) -> tuple[float, float]:
        """The value at ``t`` and the end of its step (one search: the per-event path)."""
        week_time = (t + self.first_weekday) % DAYS_PER_WEEK
        starts, holidays = self.starts, self.holidays
        i = bisect_right(starts, week_time)
        value = 0.0 if holidays and math.floor(t) in holidays else self.values[i - 1]
        end = t + ((starts[i] if i < len(starts) else DAYS_PER_WEEK) - week_time)
        if holidays:
            end = min(end, math.floor(t) + 1.0)
        return value, (end if end > t else math.nextafter(t, math.inf))

    def advance(self, t: float, amount: float) -> float:
        """The time at which the integral of the value from ``t`` reaches ``amount`` (>= 0).

        ``advance(t, 0)`` is the next time from ``t`` with a positive value (the next opening).
        Infinite if the value is zero all week.
        """
        if self.flat:
            return t + amount / self.values[0] if self.values[0] > 0 else math.inf
        if self.week_total <= 0:
            return math.inf
        while True:
            value, end = self._step(t)
            if value > 0:
                finish = t + amount / value
                if finish <= end:
                    return finish
                amount -= value * (end - t)
            t = end

    def pieces(self, start: float, end: float) -> Iterator[tuple[float, float, float]]:
        """``(from, to, value)`` of each piece of ``[start, end)`` with a constant value."""
        t = start
        while t < end:
            value, change = self._step(t) if not self.flat else (self.values[0], math.inf)
            change = min(change, end)
            yield t, change, value
            t = change

    def integral(self, start: float, end: float) -> float:
        """The integral of the value from ``start`` to ``end`` (agent-days, open days, ...)."""
        total = 0.0
        for t, change, value in self.pieces(start, end):
            total += value * (change - t)
        return total


def _within_week(start: float, end: float) -> list[tuple[float, float]]:
    """``[start, end)`` split at the end of the week, as pieces within ``[0, 7)``."""
    length = end - start
    start %= DAYS_PER_WEEK
    end = start + length
    if end <= DAYS_PER_WEEK:
        return [(start, end)]
    return [(start, DAYS_PER_WEEK), (0.0, end - DAYS_PER_WEEK)]


ALWAYS = Timetable((0.0,), (1.0,))  # open around the clock, every day

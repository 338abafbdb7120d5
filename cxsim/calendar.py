"""The event calendar, and the one place where cxsim goes around Mesa's own.

Everything that happens is an event on an ``EventCalendar``: a prospect arrives, a salesperson
finishes, a caller hangs up. Mesa's event list wraps each callback in a weak reference and
orders ``Event`` objects with a Python ``__lt__``, about 8 us of overhead per event here
(docs/performance.md), so the calendar keeps its events in a heap of plain lists compared in C,
with Mesa's semantics: earlier time first, then higher priority (``mesa.time.Priority``), then
first scheduled first. Time is in days and the calendar owns the clock.

``CalendarModel`` is the adapter: a ``mesa.Model`` whose clock, ``schedule_event``,
``schedule_recurring``, ``step``, ``run_for`` and ``run_until`` all run on the calendar. The
Mesa 3.5 methods it overrides or calls are listed in ``MESA_HOOKS`` and checked at import;
``tests/test_calendar.py`` also checks the internals that cannot be checked before a model
exists (``_default_schedule``), so that a Mesa release that renames one fails loudly.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from heapq import heappop, heappush

import mesa
from mesa.time import Priority, Schedule

__all__ = ["EventCalendar", "CalendarModel", "Entry", "ScheduledEvent", "Recurrence"]

type Entry = list  # [time, priority, sequence, action]; action None once cancelled
type Action = Callable[[], None]

# Mesa internals the adapter overrides or uses, with the parameters it relies on.
MESA_HOOKS = {
    "_advance_time": ("self", "until"),  # every run_for, run_until and step goes through it
    "_do_step": ("self",),  # counts the step and calls the user's step
    "schedule_event": ("self", "function", "at", "after", "priority"),
    "schedule_recurring": ("self", "function", "schedule", "priority"),
}


class EventCalendar:
    """Events in continuous time (days), run in Mesa's order; ``now`` is the clock."""

    __slots__ = ("now", "executed", "_heap", "_sequence")

    def __init__(self) -> None:
        self.now = 0.0
        self.executed = 0  # events run so far (benchmarks: events per second)
        self._heap: list[Entry] = []
        self._sequence = itertools.count()

    def clock(self) -> float:
        """The time now (for parts that read the clock through a callable)."""
        return self.now

    def at(self, time: float, action: Action, priority: Priority = Priority.DEFAULT) -> Entry:
        """Run ``action`` at ``time`` (not before now); the entry can be cancelled."""
        if time < self.now:
            raise ValueError(f"cannot schedule an event at {time}, before now ({self.now})")
        entry = [time, priority, next(self._sequence), action]  # IntEnum: compared in C
        heappush(self._heap, entry)
        return entry

    def after(self, delay: float, action: Action, priority: Priority = Priority.DEFAULT) -> Entry:
        """Run ``action`` ``delay`` days from now."""
        return self.at(self.now + delay, action, priority)

    @staticmethod
    def cancel(entry: Entry) -> None:
        """Cancel a scheduled event (it stays in the heap and is skipped)."""
        entry[3] = None

    def still_to_run(self, entry: Entry) -> bool:
        """Whether a scheduled event lies ahead (later than now, not cancelled)."""
        return entry[3] is not None and entry[0] > self.now

    def every(
        self,
        action: Action,
        next_time: Callable[[], float],
        first: float,
        priority: Priority = Priority.DEFAULT,
    ) -> None:
        """Run ``action`` at ``first`` and then again at ``next_time()`` after each run.

        The next time is drawn after ``action`` has run, as Mesa's ``schedule_recurring`` with
        a callable interval does.
        """

        def occur() -> None:
            action()
            self.at(next_time(), occur, priority)

        self.at(first, occur, priority)

    def advance(self, until: float) -> None:
        """Run every event up to ``until`` in order, then set the clock to ``until``."""
        if until < self.now:
            raise ValueError(f"cannot run back to {until} from {self.now}")
        heap, executed = self._heap, 0
        while heap and heap[0][0] <= until:
            time, _, _, action = heappop(heap)
            if action is not None:
                self.now = time
                action()
                executed += 1
        self.executed += executed
        self.now = until


@dataclass(frozen=True, slots=True)
class ScheduledEvent:
    """What ``CalendarModel.schedule_event`` returns: Mesa's ``Event`` interface, cancellable."""

    entry: Entry

    @property
    def time(self) -> float:
        """When the event runs."""
        return self.entry[0]

    @property
    def priority(self) -> Priority:
        """Its priority among events at the same time."""
        return self.entry[1]

    def cancel(self) -> None:
        """Do not run the event."""
        EventCalendar.cancel(self.entry)


class Recurrence:
    """What ``CalendarModel.schedule_recurring`` returns: Mesa's ``EventGenerator`` essentials."""

    def __init__(
        self, model: CalendarModel, function: Action, schedule: Schedule, priority: Priority
    ) -> None:
        self.model, self.function, self.schedule = model, function, schedule
        self.priority = priority
        self.execution_count = 0
        self.is_active = True
        self._next: Entry | None = None
        start = schedule.start if schedule.start is not None else model.time + self._interval()
        self._plan(start)

    def _interval(self) -> float:
        interval = self.schedule.interval
        return interval(self.model) if callable(interval) else interval

    def _plan(self, time: float) -> None:
        end, count = self.schedule.end, self.schedule.count
        if (end is not None and time > end) or (
            count is not None and self.execution_count >= count
        ):
            self.is_active = False
            return
        self._next = self.model.calendar.at(time, self._occur, self.priority)

    def _occur(self) -> None:
        self.function()
        self.execution_count += 1
        if self.is_active:
            self._plan(self.model.time + self._interval())

    @property
    def next_scheduled_time(self) -> float | None:
        """When it runs next, or None once stopped."""
        return self._next[0] if self.is_active and self._next is not None else None

    def stop(self) -> None:
        """No further runs."""
        self.is_active = False
        if self._next is not None:
            EventCalendar.cancel(self._next)


def _check_mesa_hooks() -> None:
    """Fail at import if this Mesa release lacks a name or parameter the adapter relies on."""
    for name, expected in MESA_HOOKS.items():
        function = getattr(mesa.Model, name, None)
        found = tuple(inspect.signature(function).parameters) if function else None
        if found != expected:
            raise ImportError(
                f"cxsim needs mesa.Model.{name}{expected} (Mesa 3.5); this Mesa "
                f"{mesa.__version__} has {found}: see cxsim/calendar.py"
            )
    if "time" not in mesa.Model.observables:
        raise ImportError("cxsim expects mesa.Model to observe 'time' (Mesa 3.5)")


_check_mesa_hooks()


class CalendarModel(mesa.Model):
    """A Mesa model whose time, events and daily ``step`` run on an ``EventCalendar``."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)  # Mesa lists the observables of each class anew
        _unobserve_time(cls)

    def __init__(self, rng: object) -> None:
        self.calendar = EventCalendar()
        super().__init__(rng=rng)
        # Mesa's own daily step generator (on its event list) is replaced by one on ours.
        self._default_schedule.stop()
        calendar = self.calendar
        calendar.every(self._do_step, lambda: calendar.now + 1.0, 1.0, Priority.HIGH)

    # The clock is the calendar's, not Mesa's observable: every event reads it several times
    # (0.2 us a read through the observable) and nothing in cxsim subscribes to it.
    @property
    def time(self) -> float:
        """Model time in days."""
        return self.calendar.now

    @time.setter
    def time(self, value: float) -> None:  # Mesa's __init__ sets 0.0; nothing else may
        if value != self.calendar.now:
            raise AttributeError("model time moves only with the calendar")

    def _advance_time(self, until: float) -> None:
        self.calendar.advance(until)

    def schedule_event(
        self,
        function: Action,
        *,
        at: float | None = None,
        after: float | None = None,
        priority: Priority = Priority.DEFAULT,
    ) -> ScheduledEvent:
        """Mesa's ``schedule_event`` on the calendar (the callback is held strongly)."""
        if (at is None) == (after is None):
            raise ValueError("Specify exactly one of 'at' or 'after'")
        time = self.time + after if at is None else at
        return ScheduledEvent(self.calendar.at(time, function, priority))

    def schedule_recurring(
        self, function: Action, schedule: Schedule, priority: Priority = Priority.DEFAULT
    ) -> Recurrence:
        """Mesa's ``schedule_recurring`` on the calendar."""
        if schedule.start is not None and schedule.start < self.time:
            raise ValueError(f"cannot start a recurring event at {schedule.start}, before now")
        return Recurrence(self, function, schedule, priority)

    @property
    def events_executed(self) -> int:
        """Events run so far (benchmarks: events per second)."""
        return self.calendar.executed


def _unobserve_time(cls: type[mesa.Model]) -> None:
    """Take the clock off Mesa's observables of ``cls``.

    The clock is the calendar's, so asking to observe it is an error rather than a
    subscription that never fires.
    """
    cls.observables = {k: v for k, v in cls.observables.items() if k != "time"}


_unobserve_time(CalendarModel)

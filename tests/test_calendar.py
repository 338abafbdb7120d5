"""The model's event calendar keeps Mesa's scheduling semantics (docs/odd.md, section 3)."""

import inspect

import mesa
import pytest
from conftest import make_scenario
from mesa.time import Priority, Schedule

from cxsim.calendar import MESA_HOOKS, EventCalendar
from cxsim.model import ServiceOrganisation


class Log:
    """Bound-method callbacks that write down when they ran."""

    def __init__(self, model: ServiceOrganisation) -> None:
        self.model = model
        self.fired: list[tuple[str, float]] = []

    def __getattr__(self, name: str):
        def note() -> None:
            self.fired.append((name, self.model.time))

        return note


@pytest.fixture
def quiet() -> ServiceOrganisation:
    """A model with no customers, staff demand or enquiries: only the daily step runs."""
    return ServiceOrganisation(
        make_scenario(
            "customers.initial=0",
            "customers.arrival_rate_per_day=0",
            "contact_centre.arrival_rate_per_hour=0",
            "warmup.days=0",
        )
    )


def test_events_run_by_time_then_priority_then_first_scheduled(quiet):
    log = Log(quiet)
    quiet.schedule_event(log.late, at=0.7)
    quiet.schedule_event(log.first_default, at=0.5)
    quiet.schedule_event(log.low, at=0.5, priority=Priority.LOW)
    quiet.schedule_event(log.second_default, at=0.5)
    quiet.schedule_event(log.high, at=0.5, priority=Priority.HIGH)
    quiet.schedule_event(log.relative, after=0.25)
    quiet.run_until(0.9)
    assert log.fired == [
        ("relative", 0.25),
        ("high", 0.5),
        ("first_default", 0.5),
        ("second_default", 0.5),
        ("low", 0.5),
        ("late", 0.7),
    ]
    assert quiet.time == 0.9


def test_a_cancelled_event_does_not_run(quiet):
    log = Log(quiet)
    entry = quiet.schedule_event(log.cancelled, after=1.5)
    quiet.schedule_event(log.kept, after=1.5)
    entry.cancel()  # Mesa's Event interface
    quiet.run_for(2)
    assert log.fired == [("kept", 1.5)]


def test_mesa_step_advances_one_day_and_runs_the_daily_calendar_once(quiet):
    log = Log(quiet)
    quiet.schedule_event(log.same_day, at=1.0)  # the daily step has the higher priority
    quiet.step()
    assert (quiet.time, quiet.steps) == (1.0, 1)
    quiet.run_until(10.5)
    assert (quiet.time, quiet.steps) == (10.5, 10)
    assert log.fired == [("same_day", 1.0)]


def test_bad_scheduling_is_refused(quiet):
    log = Log(quiet)
    quiet.run_until(3)
    with pytest.raises(ValueError, match="before now"):
        quiet.schedule_event(log.past, at=2.0)
    with pytest.raises(ValueError, match="exactly one"):
        quiet.schedule_event(log.both, at=4.0, after=1.0)
    with pytest.raises(ValueError, match="back"):
        quiet.run_for(-1)
    with pytest.warns(RuntimeWarning):  # Mesa's own check in run_until
        quiet.run_until(1)
    assert quiet.time == 3
    with pytest.raises(ValueError, match="not known"):  # the clock is plain, not observable
        quiet.observe("time", "changed", log.clock)


def test_recurring_events_follow_mesas_schedule(quiet):
    log = Log(quiet)
    every_half = quiet.schedule_recurring(log.half, Schedule(interval=0.5, start=0.25, count=3))
    drawn = quiet.schedule_recurring(log.drawn, Schedule(interval=lambda model: 1.0, end=2.5))
    quiet.run_until(4)
    assert [t for name, t in log.fired if name == "half"] == [0.25, 0.75, 1.25]
    assert [t for name, t in log.fired if name == "drawn"] == [1.0, 2.0]
    assert (every_half.execution_count, every_half.is_active) == (3, False)
    assert drawn.next_scheduled_time is None
    stopped = quiet.schedule_recurring(log.stopped, Schedule(interval=1.0))
    stopped.stop()
    quiet.run_until(6)
    assert "stopped" not in {name for name, _ in log.fired}
    with pytest.raises(ValueError, match="before now"):
        quiet.schedule_recurring(log.late, Schedule(interval=1.0, start=1.0))


def test_the_mesa_internals_the_calendar_relies_on_are_still_there():
    """Fails loudly when a Mesa release renames or reshapes one (see cxsim/calendar.py)."""
    for name, parameters in MESA_HOOKS.items():
        assert tuple(inspect.signature(getattr(mesa.Model, name)).parameters) == parameters, name
    plain = mesa.Model(rng=1)
    assert callable(plain._default_schedule.stop)  # the generator of Mesa's own daily step
    assert "time" in mesa.Model.observables
    # step (rebound to _wrapped_step), run_for and run_until all advance through _advance_time
    for name in ("_wrapped_step", "run_for", "run_until"):
        assert "self._advance_time(" in inspect.getsource(getattr(mesa.Model, name)), name


def test_the_calendar_alone_keeps_mesas_order():
    calendar, fired = EventCalendar(), []
    calendar.at(1.0, lambda: fired.append("low"), Priority.LOW)
    calendar.at(1.0, lambda: fired.append("high"), Priority.HIGH)
    calendar.after(0.5, lambda: fired.append("first"))
    calendar.advance(2.0)
    assert fired == ["first", "high", "low"] and calendar.now == 2.0 and calendar.executed == 3

"""A first-come-first-served pool of server agents, shared by every station in the model.

Sales, delivery, the contact centre and the supervisors are each a pool of agents that serve
jobs one at a time (an M/G/c station in Kendall's notation); a chat agent holds up to
``capacity`` jobs at once (concurrent chats: each agent is ``capacity`` places, as in the
multi-chat queues of Tezcan and Zhang 2014, *Operations Research* 62(4)). Jobs that give up
while waiting (contact-centre abandonment) are removed lazily: they are counted as withdrawn and
skipped when they reach the head of the queue, which keeps abandonment O(1) (Ciw handles
reneging likewise).
The pool also integrates its queue length over time, for time-average queue lengths (Little's
law: L = lambda W), and, while anyone is on duty, for the day's work pressure: jobs waiting per
server on duty, averaged over the day's staffed time (Oliva and Sterman 2001 measure pressure
as work waiting over the capacity to do it). A queue that waits overnight for the office to
open is not pressure on anyone, and a midday peak is, though the line is empty at midnight.

A roster sets how many of the pool's servers are on duty (``set_on_duty``); the others are off.
A server whose shift ends while serving finishes the job in hand, then goes off duty, as in
Ciw's server schedules without pre-emption (Palmer et al. 2019). The pool integrates the number
on duty over time (at most the roster's), so that occupancy is busy time over staffed time.
A chat agent above the roster's number stops taking chats and goes off duty once the last one
in hand is done. A job may be for one server only (``submit_to``: a case's owner): it waits for
that server, off duty too, and goes before the common queue; when the server leaves, colleagues
take it from the common queue.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from cxsim.stations.intervals import empty_hours, spread_over_hours

__all__ = ["Server", "ServerPool"]


class Server(Protocol):
    """An agent that can start serving one job."""

    in_hand: int  # jobs it is serving now (counted down before it calls ``release``)

    def start(self, job: Any) -> None:
        """Begin serving ``job``; the server calls ``pool.release(self)`` when done."""


class ServerPool:
    """Free places on servers plus a FIFO queue of waiting jobs, on the clock ``clock``.

    Each server has ``capacity`` places (jobs it can serve at once; 1 but for chat).
    """

    def __init__(
        self, servers: Iterable[Server], clock: Callable[[], float], capacity: int = 1
    ) -> None:
        self.servers: list[Server] = list(servers)
        self.capacity = capacity
        # one entry per free place; the first jobs go to different servers
        self.idle: list[Server] = list(reversed(self.servers)) * capacity
        self.closing: list[Server] = []  # above the roster: finishing the jobs in hand
        self.waiting: deque[Any] = deque()
        self.personal: dict[Server, deque[Any]] = {}  # jobs waiting for one server only
        self._withdrawn: Counter[int] = Counter()
        self._withdrawn_count = 0  # sum of _withdrawn (read on every queue change)
        self._clock = clock
        self.off_duty: list[Server] = []  # not rostered now
        self.limit = math.inf  # servers the roster puts on duty now
        self.queue_area = 0.0  # integral of the queue length over time
        self.duty_area = 0.0  # integral of the servers on duty, up to the roster's (staffed time)
        self.area_since = clock()
        self.pressure = 0.0  # the last day's work pressure (``end_day``)
        self.started = 0  # jobs started since day 0 (for cost per contact)
        self._waiting_on_duty = 0.0  # integral of the queue while anyone is on duty
        self._staffed_total = 0.0  # as duty_area, never restarted (the warm-up's end)
        self._day_marks = (0.0, 0.0)  # both integrals when the day began
        self._duty_by_hour: list[float] | None = None  # staffed time by hour of week, if kept
        self.first_weekday = 0  # weekday of day 0 (for the hours of the week)
        self._last_change = self._last_duty_change = self.area_since

    @property
    def size(self) -> int:
        """Number of servers."""
        return len(self.servers)

    @property
    def queue_length(self) -> int:
        """Jobs waiting, not counting those that gave up."""
        return len(self.waiting) - self._withdrawn_count

    @property
    def on_duty(self) -> int:
        """Servers on duty now and taking jobs, serving or free."""
        return len(self.servers) - len(self.off_duty) - len(self.closing)

    def pressure_integrals(self) -> tuple[float, float]:
        """Jobs waiting integrated over time with anyone on duty, and staffed time (days)."""
        self._touch_duty()
        return self._waiting_on_duty, self._staffed_total

    def end_day(self) -> float:
        """Set and return the day's work ``pressure``.

        Jobs waiting per server on duty, time-averaged over the staffed time since the last
        call; 0 if nobody was on duty.
        """
        integrals = self.pressure_integrals()
        waiting, staffed = (
            now - then for now, then in zip(integrals, self._day_marks, strict=True)
        )
        self._day_marks = integrals
        self.pressure = waiting / staffed if staffed > 0 else 0.0
        return self.pressure

    def mean_queue_length(self) -> float:
        """Time-average number of jobs waiting since ``area_since``."""
        self._touch()
        elapsed = self._last_change - self.area_since
        return self.queue_area / elapsed if elapsed > 0 else 0.0

    def keep_duty_by_hour(self, first_weekday: int) -> None:
        """Also integrate staffed time by hour of the week (contact-centre intervals)."""
        self._duty_by_hour, self.first_weekday = empty_hours(), first_weekday

    def staffed_by_hour(self) -> list[float]:
        """Server time on duty since ``area_since`` in each hour of the week (days)."""
        self._touch_duty()
        return list(self._duty_by_hour)

    def staffed_time(self) -> float:
        """Server time on duty since ``area_since`` (days)."""
        self._touch_duty()
        return self.duty_area

    def restart_average(self) -> None:
        """Start the time averages afresh (end of a warm-up)."""
        self._touch_duty()  # and the queue's
        self.queue_area, self.duty_area, self.area_since = 0.0, 0.0, self._last_change
        if self._duty_by_hour is not None:
            self._duty_by_hour = empty_hours()

    def _touch(self) -> None:
        now = self._clock()
        area = self.queue_length * (now - self._last_change)
        if area:
            self.queue_area += area
            if self.limit > 0 and len(self.off_duty) < len(self.servers):  # someone on duty
                self._waiting_on_duty += area
        self._last_change = now

    def _touch_duty(self) -> None:
        # rostered time: an agent finishing a call after their shift works unrostered time
        self._touch()  # the queue integrals too, before who is on duty changes
        now, on_duty = self._clock(), min(self.on_duty, self.limit)
        self.duty_area += on_duty * (now - self._last_duty_change)
        self._staffed_total += on_duty * (now - self._last_duty_change)
        if self._duty_by_hour is not None and on_duty:
            spread_over_hours(
                self._duty_by_hour, self._last_duty_change, now, self.first_weekday, on_duty
            )
        self._last_duty_change = now

    def set_on_duty(self, limit: float) -> None:
        """The roster changes to ``limit`` on duty.

        Servers come on duty (each place takes a waiting job) or free ones go off; busy ones
        above the new number go off when their jobs are done.
        """
        self._touch_duty()
        self.limit = limit
        self._cover()
        while self.on_duty > limit:
            free = next((server for server in reversed(self.idle) if not server.in_hand), None)
            if free is None:
                break
            self._clear_places(free)
            self.off_duty.append(free)

    def _cover(self) -> None:
        """Servers closing or off duty come on while the roster needs more than are on."""
        while self.closing and self.on_duty < self.limit:
            self._open(self.closing.pop())
        while self.off_duty and self.on_duty < self.limit:
            self._open(self.off_duty.pop())

    def _open(self, server: Server) -> None:
        """Every free place of ``server`` takes a waiting job or waits for one."""
        for _ in range(self.capacity - server.in_hand):
            self._fill(server)

    def _clear_places(self, server: Server) -> None:
        """``server`` takes no more jobs: its free places go."""
        if self.capacity > 1:
            self.idle = [place for place in self.idle if place is not server]
        elif self.idle[-1] is server:  # the roster sends home the last to come free: O(1)
            self.idle.pop()
        else:
            self.idle.remove(server)

    def add_server(self, server: Server) -> None:
        """A new member of staff starts: they take the next waiting jobs or wait for them."""
        self._touch_duty()
        self.servers.append(server)
        if self.on_duty > self.limit:
            self.off_duty.append(server)
        else:
            self._open(server)

    def retire(self, server: Server) -> None:
        """A member of staff leaves: idle ones at once, busy ones once their job is done.

        A colleague off duty covers the place on the roster.
        """
        self._touch_duty()
        self.servers.remove(server)
        if server in self.idle:
            self._clear_places(server)
        for others in (self.off_duty, self.closing):
            if server in others:
                others.remove(server)
        self._cover()
        for job in self.personal.pop(server, ()):  # colleagues take what waited for them
            self.submit(job)

    def submit(self, job: Any) -> bool:
        """Start ``job`` in a free place, or queue it; return True if it started at once."""
        if self.idle:
            self.started += 1
            self.idle.pop().start(job)
            return True
        self._touch()
        self.waiting.append(job)
        return False

    def submit_to(self, server: Server, job: Any) -> bool:
        """Start ``job`` with ``server`` if it has a free place on duty, else it waits for them.

        The job waits for that server alone, however many others are free (a case's owner),
        and goes before the common queue when one of the server's places frees; it is not in
        ``queue_length``. Return True if it started at once.
        """
        if server in self.idle:
            self.idle.remove(server)
            self.started += 1
            server.start(job)
            return True
        self.personal.setdefault(server, deque()).append(job)
        return False

    def withdraw(self, job: Any) -> None:
        """Remove a waiting job (it gave up); O(1), skipped later when it reaches the head."""
        self._touch()
        self._withdrawn[id(job)] += 1
        self._withdrawn_count += 1

    def release(self, server: Server) -> None:
        """``server`` finished a job: give the place the next waiting job or mark it free.

        Above the number the roster puts on duty, the server takes no more jobs and goes off
        duty once the jobs still in hand are done.
        """
        if self.closing and server in self.closing:
            if not server.in_hand:
                self.closing.remove(server)
                self.off_duty.append(server)
            return
        if self.on_duty > self.limit:
            self._touch_duty()
            if self.capacity > 1:  # its other free places go too
                self._clear_places(server)
            (self.closing if server.in_hand else self.off_duty).append(server)
            return
        self._fill(server)

    def _fill(self, server: Server) -> None:
        """One free place of ``server``: its own next job, the queue's next, or wait for one."""
        self._touch()
        own = self.personal.get(server) if self.personal else None
        if own:
            self.started += 1
            server.start(own.popleft())
            return
        while self.waiting:
            job = self.waiting.popleft()
            if self._withdrawn[id(job)]:
                self._withdrawn[id(job)] -= 1
                self._withdrawn_count -= 1
                if not self._withdrawn[id(job)]:
                    del self._withdrawn[id(job)]
                continue
            self.started += 1
            server.start(job)
            return
        self.idle.append(server)

"""The workshop as a management flight simulator: teams decide in rounds beside today's firm.

Each team runs two organisations from the same scenario and seed (common random numbers: the
same prospects, needs and customer draws): **today**, which nobody changes, and the team's own.
A lever pulled before the first day changes the scenario the team's organisation starts from; a
lever pulled later is a decision from that day on (``ServiceOrganisation.decide``): nothing
before it moves, and levers with delays (recruiting, training, a records system) show what is
still pending. Every decision is logged with its day and marked on the charts.

The facilitator's ``Plan`` cuts the run into rounds (the run pauses at the end of each for the
teams' decisions, as in Sterman's management flight simulators, *Business Dynamics*, 2000,
ch. 1) and may hide a shock in a round (a logistics disruption, a demand pulse, a hiring
freeze). The ``Room`` holds every team of one server for the facilitator's page; the debrief
replays each team's decisions over several seeds, paired with today (``cxsim.comparison``), so
the room can tell a good decision from a lucky run.
"""

from __future__ import annotations

import io
import os
import tempfile
import threading
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from cxsim import kpis
from cxsim.agents.customer import ACTIVE, Customer
from cxsim.comparison import ScenarioComparison, compare
from cxsim.demo.levers import LEVERS_BY_NAME, apply_levers, lever_defaults
from cxsim.library import library_scenario
from cxsim.mechanisms.loyalty import NPS_GROUPS, nps_group
from cxsim.model import ServiceOrganisation
from cxsim.report.comparison_report import write_comparison
from cxsim.runner import worker_count, worker_pool
from cxsim.scenario import DESCRIPTION_LENGTH, Scenario, Shock, load_scenario

__all__ = [
    "CODE_ENV",
    "PLAN_ENV",
    "SCENARIO_ENV",
    "LOYALTY_STATES",
    "SHOCKS",
    "Debriefing",
    "Logged",
    "Plan",
    "Room",
    "Team",
    "Tracker",
    "debrief",
    "debrief_report",
    "demo_scenario",
    "team_name",
]

SCENARIO_ENV = "CXSIM_DEMO_SCENARIO"  # set by ``cxsim demo SCENARIO``
PLAN_ENV = "CXSIM_DEMO_PLAN"  # "DAYSxROUNDS", set by ``cxsim demo --round-days --rounds``
CODE_ENV = "CXSIM_FACILITATOR_CODE"  # opens the facilitator's page, set by ``cxsim demo``
DEFAULT_SCENARIO = "workforce_dynamics"  # a library scenario: the baseline with staff turnover
LOYALTY_STATES = (*NPS_GROUPS, "left")
# Shocks a facilitator can hide in a round: what the room is told afterwards, and the shock.
# Each starts two weeks into its round (assumption: long enough for the teams' last decisions
# to settle, early enough that its aftermath shows within the round).
SHOCKS: dict[str, dict[str, Any]] = {
    "Logistics disruption: builds take twice as long and incidents double, for 6 weeks": {
        "kind": "logistics_disruption",
        "magnitude": 2.0,
        "days": 42,
    },
    "Demand pulse: half as many prospects and routine requests again, for 6 weeks": {
        "kind": "demand_pulse",
        "magnitude": 1.5,
        "days": 42,
    },
    "Hiring freeze: no vacancy is filled, for 8 weeks": {
        "kind": "hiring_freeze",
        "magnitude": 1.0,
        "days": 56,
    },
}
SHOCK_START_IN_ROUND = 14  # days into its round
TEAM_NAME_LENGTH = 40  # characters: a column of the facilitator's table


@cache
def demo_scenario(path: str | None = None) -> Scenario:
    """The scenario the room starts from.

    ``path``, else the demo's environment setting, else the baseline with staff turnover (so
    that hiring and training levers matter).
    """
    return load_scenario(path or os.environ.get(SCENARIO_ENV) or library_scenario(DEFAULT_SCENARIO))


@dataclass(frozen=True, slots=True)
class Plan:
    """The facilitator's plan: ``rounds`` rounds of ``round_days`` days, and hidden shocks.

    ``shocks`` maps a round (1 = the first) to a key of ``SHOCKS``.
    """

    round_days: int = 91  # a quarter
    rounds: int = 4
    shocks: tuple[tuple[int, str], ...] = ()

    @property
    def days(self) -> int:
        """Days of the whole run."""
        return self.round_days * self.rounds

    def round_of(self, day: float) -> int:
        """The round ``day`` is in (1 = the first; the last round's end counts as the last)."""
        return min(self.rounds, int(day) // self.round_days + 1)

    def shock_blocks(self) -> tuple[Shock, ...]:
        """The shocks as the scenario's timeline holds them."""
        blocks = []
        for round_number, name in self.shocks:
            spec = SHOCKS[name]
            start = (round_number - 1) * self.round_days + SHOCK_START_IN_ROUND
            blocks.append(
                Shock(
                    kind=spec["kind"],
                    start_day=start,
                    end_day=start + spec["days"],
                    magnitude=spec["magnitude"],
                )
            )
        return tuple(blocks)

    def scenario(self, base: Scenario) -> Scenario:
        """``base`` with the plan's shocks on its timeline, lasting exactly the rounds."""
        data = base.model_dump()
        return Scenario.model_validate(
            {
                **data,
                "horizon": {**data["horizon"], "days": float(self.days)},
                "shocks": [*data["shocks"], *(s.model_dump() for s in self.shock_blocks())],
            }
        )


@dataclass
class Tracker:
    """Daily figures of one organisation, updated from its records as they grow."""

    org: ServiceOrganisation
    series: dict[str, list[float]] = field(
        default_factory=lambda: {
            k: []
            for k in (
                "day",
                "customers",
                "profit",
                "queue",
                "wait_minutes",
                "fcr",
                "escalations",
                "effort",
            )
        }
    )
    _answered: tuple[float, int, float] = (0.0, 0, 0.0)  # stats since, answered, wait (days)

    def record(self) -> None:
        """Append today's row (measures as ``cxsim.kpis`` defines them)."""
        org = self.org
        cases, phone = org.recorder.cases, org.contact_centre
        measures, stats = kpis.case_measures(cases), phone.stats
        since, before, waited_before = self._answered
        if stats.since != since:  # the warm-up ended: the centre's statistics restarted
            before, waited_before = 0, 0.0
        answered, waited = stats.answered - before, stats.answered_wait_days - waited_before
        self._answered = (stats.since, stats.answered, stats.answered_wait_days)
        row = {
            "day": org.time,
            "customers": len(org.roster),
            "profit": org.ledger.profit,
            "queue": phone.pool.queue_length,
            "wait_minutes": kpis.mean_wait_minutes(waited, answered),
            "fcr": measures["fcr"],
            "escalations": kpis.escalated_cases(cases),
            "effort": measures["ces"] if cases else 1.0,  # the easiest score before any case
        }
        for key, value in row.items():
            self.series[key].append(float(value))

    def latest(self, key: str) -> float:
        """The last value of ``key``."""
        return self.series[key][-1]

    def translation_loss(self) -> dict[str, float]:
        """Mean fit lost at each stage over the orders delivered so far."""
        return kpis.stage_losses(self.org.recorder.orders)

    def loyalty_grid(self) -> np.ndarray:
        """Loyalty state (index into LOYALTY_STATES) of each day-0 customer, as a square grid."""
        states = [
            LOYALTY_STATES.index(nps_group(c.willingness()) if c.status == ACTIVE else "left")
            for c in self.org.agents_by_type[Customer]
            if c.initial
        ]
        side = int(np.ceil(np.sqrt(max(1, len(states)))))
        grid = np.full(side * side, np.nan)
        grid[: len(states)] = states
        return grid.reshape(side, side)


@dataclass(frozen=True, slots=True)
class Logged:
    """A lever the team pulled: when, which, from what to what."""

    day: int
    lever: str
    before: Any
    after: Any

    def text(self) -> str:
        """The entry as the team's log shows it."""
        lever = LEVERS_BY_NAME[self.lever]
        return f"Day {self.day}: {lever.label} {_setting(self.before)} → {_setting(self.after)}"


def _setting(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:,}" if isinstance(value, int) else str(value)


class Team(mesa.Model):
    """Today's organisation and the team's, stepped a day at a time in lockstep, in rounds."""

    def __init__(
        self,
        levers: dict[str, Any] | None = None,
        scenario_path: str | None = None,
        plan: Plan | None = None,
        name: str = "",
    ) -> None:
        super().__init__()
        self.lock = threading.RLock()  # the team's browser steps it while the facilitator reads
        self.player = threading.Lock()  # held by the one window playing a round
        self.name, self.plan = name, plan or Plan()
        self.base = self.plan.scenario(demo_scenario(scenario_path))
        self.levers = lever_defaults(self.base)
        self.log: list[Logged] = []
        for lever, value in (levers or {}).items():
            self._set(lever, value, 0)
        self.today = Tracker(ServiceOrganisation(self.base))
        self.today.record()
        self._start_changed()

    def _start_changed(self) -> None:
        self.changed = Tracker(ServiceOrganisation(apply_levers(self.base, self.levers)))
        self.changed.record()

    @property
    def day(self) -> int:
        """Simulated days so far."""
        return int(self.today.org.time)

    @property
    def round(self) -> int:
        """The round being played (or, between rounds, the one just ended)."""
        return self.plan.round_of(self.day if self.running else max(0, self.day - 1))

    @property
    def finished(self) -> bool:
        """Whether the last round is over."""
        return self.day >= self.plan.days

    @property
    def deciding(self) -> bool:
        """Whether the run stands at the start or between rounds: the time for decisions."""
        return self.day % self.plan.round_days == 0

    def _set(self, lever: str, value: Any, day: int) -> bool:
        """Set a lever and log it on ``day``; whether it moved.

        Moving a lever again on the same day revises that day's entry (a slider dragged from
        10 to 24 passes every value between: one decision, 10 -> 24, not fourteen); moving it
        back where the day began drops the entry.
        """
        before = self.levers[lever]
        if value == before:
            return False
        self.levers[lever] = value
        earlier = next((e for e in self.log if e.day == day and e.lever == lever), None)
        if earlier is not None:
            self.log.remove(earlier)
            before = earlier.before
        if value != before:
            self.log.append(Logged(day, lever, before, value))
        return True

    def pull(self, lever: str, value: Any) -> None:
        """Pull a lever: before the first day it sets the start, after it it is a decision."""
        with self.lock:
            if not self._set(lever, value, self.day):
                return
            if self.day == 0:
                self._start_changed()
            else:
                changes = LEVERS_BY_NAME[lever].changes(value)
                self.changed.org.decide(changes, LEVERS_BY_NAME[lever].label)

    def step(self) -> None:
        """One more day for both organisations, unless the round is over (then pause)."""
        with self.lock:
            if self.finished or not self.running:
                return
            day = self.day + 1
            for tracker in (self.today, self.changed):
                tracker.org.run_until(day)
                tracker.record()
            self.running = not self.deciding

    def next_round(self) -> None:
        """Decisions are made: the next round may run."""
        self.running = not self.finished

    def progress(self) -> tuple[int, bool, int]:
        """Day, whether a round is on, decisions: what another window of the team must show."""
        return self.day, self.running, len(self.log)

    def pending(self) -> list[str]:
        """What is on its way, in plain words.

        Posts being filled (the team's added ones and those staff left), courses still to run,
        a records system not yet live.
        """
        org, notes = self.changed.org, []
        workforce = org.workforce
        for post in workforce.posts:
            waiting = [v for v in workforce.vacancies if v.post is post]
            found = sum(v.member is not None for v in waiting)
            if waiting:
                notes.append(
                    f"{POST_WORDS[post.name]}: {len(waiting) - found} being recruited, "
                    f"{found} in onboarding"
                )
        for name in workforce.programmes:
            if waiting := workforce.trainees_waiting(name):
                notes.append(f"Training {name}: {waiting} staff still to go on the course")
        if away := sum(workforce.away.values()):
            notes.append(f"{away} staff away on a course today")
        if org.params.shared_record.enabled and org.records_live_day > org.time:
            notes.append(f"Shared customer record: live on day {org.records_live_day:.0f}")
        return notes

    def shocks_so_far(self) -> list[tuple[int, str]]:
        """The plan's shocks that have begun: (start day, what happened)."""
        blocks = self.plan.shock_blocks()
        return [
            (int(block.start_day), name)
            for (_, name), block in zip(self.plan.shocks, blocks, strict=True)
            if block.start_day <= self.day
        ]

    def standing(self) -> dict[str, float]:
        """Where the team's organisation stands, and how far from today's (the facilitator)."""
        with self.lock:
            return self._standing()

    def _standing(self) -> dict[str, float]:
        mine, today = self.changed, self.today
        initial = self.base.customers.initial
        return {
            "day": self.day,
            "round": self.round,
            "customers": mine.latest("customers"),
            "customers_vs_today": mine.latest("customers") - today.latest("customers"),
            "profit": mine.latest("profit"),
            "profit_vs_today": mine.latest("profit") - today.latest("profit"),
            "retention": _retained(mine.org) / initial,
            "effort": mine.latest("effort"),
            "decisions": len(self.log),
        }

    def decisions_in_words(self) -> str:
        """The team's decisions as its log shows them, in the order taken ("" for none)."""
        return "; ".join(log.text() for log in self.log)

    def played_scenario(self) -> Scenario:
        """The team's decisions as a scenario file would hold them: a start and decisions."""
        start = {log.lever: log.after for log in self.log if log.day == 0}
        scenario = apply_levers(self.base, {**lever_defaults(self.base), **start})
        decisions = [d.model_dump() for d in self.changed.org.decisions]
        taken = self.decisions_in_words() or "none"
        description = f"The team's decisions in the workshop: {taken}."[:DESCRIPTION_LENGTH]
        return Scenario.model_validate(
            {
                **scenario.model_dump(),
                "name": self.name or "team",
                "description": description,
                "decisions": decisions,
            }
        )


POST_WORDS = {
    "sales": "Salespeople",
    "delivery": "Delivery teams",
    "phone": "Phone agents",
    "chat": "Chat agents",
    "email": "Email agents",
    "supervisors": "Supervisors",
    "specialists": "Specialists",
}


def _retained(org: ServiceOrganisation) -> int:
    """Day-0 customers still active."""
    return sum(c.initial and c.status == ACTIVE for c in org.agents_by_type[Customer])


def team_name(text: str) -> str:
    """A team's name as typed, its spaces tidied (``"  Red   team "`` -> ``"Red team"``)."""
    return " ".join(text.split())[:TEAM_NAME_LENGTH]


def _same_team(name: str) -> str:
    """The key under which names that differ only in case and spacing are one team."""
    return team_name(name).casefold()


class Room:
    """Every team playing on this server, and the facilitator's plan (shared by all sessions).

    The room also holds its debrief (``Debriefing``), so that the facilitator's page shows it
    however often it is reloaded or opened.
    """

    def __init__(self) -> None:
        days, _, rounds = os.environ.get(PLAN_ENV, "").partition("x")
        self.plan = Plan(int(days), int(rounds)) if rounds else Plan()
        self.teams: dict[str, Team] = {}  # by _same_team(name), in the order they joined
        self.debriefing: Debriefing | None = None
        self.lock = threading.Lock()

    def join(self, name: str, scenario_path: str | None = None) -> Team:
        """The team called ``name``: a new one on the current plan, or the one already there.

        "Red", "red " and "RED" are one team (a rejoining team often types its name anew).
        """
        key, shown = _same_team(name), team_name(name)
        if not key:
            raise ValueError("a team needs a name")
        with self.lock:
            if key not in self.teams:
                self.teams[key] = Team(scenario_path=scenario_path, plan=self.plan, name=shown)
            return self.teams[key]

    def remove(self, name: str) -> None:
        """Take a team out of the room (a test join, a misspelt name); its page stops counting."""
        with self.lock:
            self.teams.pop(_same_team(name), None)

    def all_teams(self) -> list[Team]:
        """The teams, in the order they joined."""
        with self.lock:
            return list(self.teams.values())

    def on_other_plans(self) -> list[Team]:
        """The teams that joined before the plan last changed: a debrief leaves them out."""
        return [team for team in self.all_teams() if team.plan != self.plan]

    def start_debrief(self, replications: int, jobs: int | None = None) -> Debriefing:
        """Replay the current plan's teams in the background, unless a debrief is running."""
        teams = self.on_current_plan()
        with self.lock:
            if self.debriefing is None or not self.debriefing.running:
                self.debriefing = Debriefing(teams, replications)
                self.debriefing.start(jobs)
            return self.debriefing

    def on_current_plan(self) -> list[Team]:
        """The teams playing the current plan (one plan, one today: a debrief's teams)."""
        return [team for team in self.all_teams() if team.plan == self.plan]

    def standings(self) -> list[tuple[Team, dict[str, float]]]:
        """Each team with its standing, in the order they joined."""
        return [(t, t.standing()) for t in self.all_teams()]


class Debriefing:
    """A debrief of the room, run in a thread of the server: its teams, progress and result."""

    def __init__(self, teams: list[Team], replications: int) -> None:
        if not teams:
            raise ValueError("no team plays the current plan")
        self.teams, self.replications = teams, replications
        self.total = replications * (len(teams) + 1)  # today and each team
        self.done = 0
        self.result: ScenarioComparison | None = None
        self.error = ""
        self._report: bytes | None = None
        self._report_lock = threading.Lock()

    @property
    def running(self) -> bool:
        """Whether its runs are still going."""
        return self.result is None and not self.error

    def report(self) -> bytes:
        """The finished debrief as a zip (:func:`debrief_report`), made at the first download.

        Kept: every later download, from any page, gets the same bytes at once.
        """
        with self._report_lock:
            if self._report is None:
                if self.result is None:
                    raise ValueError("the debrief has not finished")
                self._report = debrief_report(self.result)
            return self._report

    def start(self, jobs: int | None) -> None:
        """Run it in a thread of its own, on worker processes that a stopping server ends.

        Python waits at exit for every run a process pool holds (a minute of a debrief after
        Ctrl-C); the pool is ended first instead, through the hook ``concurrent.futures``
        itself uses to be called before threads are joined (private: no public one in 3.12).
        """
        self._pool = worker_pool(worker_count(self.total, jobs))
        threading._register_atexit(self.stop)
        threading.Thread(target=self._run, daemon=True).start()

    def stop(self) -> None:
        """End the runs (the server stops): what is not done is not waited for."""
        if self.running:
            self.error = "the server stopped"
            self._pool.stop_now()

    def _run(self) -> None:
        def progress(_index: int, _result: Any) -> None:
            self.done += 1

        try:
            with self._pool:
                result = debrief(self.teams, self.replications, on_done=progress, pool=self._pool)
            self.result = None if self.error else result
        except Exception as exc:  # shown on the facilitator's page, not lost in a thread
            self.error = self.error or f"{type(exc).__name__}: {exc}"


def debrief(
    teams: list[Team],
    replications: int,
    jobs: int | None = None,
    on_done: Callable[[int, Any], None] | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> ScenarioComparison:
    """Each team's decisions replayed over ``replications`` seeds, paired with today's firm.

    The reference is the plan's scenario without decisions (the grey firm); every run lasts the
    whole plan. Replication ``i`` has the same seed in every scenario (common random numbers).
    """
    first = teams[0]
    if any(team.base != first.base for team in teams):
        raise ValueError("the teams played different plans: debrief each plan's teams apart")
    today = first.base.model_copy(
        update={"name": "today", "description": "Today's firm: the workshop's plan, undecided."}
    )
    scenarios = [today, *(team.played_scenario() for team in teams)]
    return compare(scenarios, replications, first.base.seed, jobs, on_done=on_done, pool=pool)


def debrief_report(result: ScenarioComparison) -> bytes:
    """The debrief as ``cxsim compare`` writes a comparison, zipped, for the room to take away.

    The folder ``debrief/`` holds the board report (report.html: each team's plan as an option
    beside today, with intervals), summary.csv, the replications and weekly series, plots, and
    each team's played scenario in ``scenarios/`` (its decisions included), from which the
    report's "How to reproduce" command, run in that folder, gives the same numbers.
    """
    files = " ".join(f"scenarios/{s.slug}.yaml" for s in result.scenarios)
    command = (
        f"cxsim compare {files} --reps {result.replications} --seed {result.seed} --out replayed"
    )
    with tempfile.TemporaryDirectory(prefix="cxsim-debrief-") as folder:
        out = Path(folder) / "debrief"
        write_comparison(result, out, command)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(folder).as_posix())
        return buffer.getvalue()

"""The workshop app: ``cxsim demo`` serves a team page (``/``) and a facilitator page.

A team joins under its name and runs its organisation beside today's, in rounds: it plays a
round (live charts), the run pauses at the round's end, the team pulls levers (decisions from
that day on, logged and marked on the charts; delayed ones listed as pending) and starts the
next round. The facilitator's page (``/facilitator``; behind a short code when the app is
served beyond this machine) sets the plan (round length, rounds, a hidden shock), shows every
team's standing and decisions live, and runs the debrief: each team's decisions replayed over
several seeds, beside today, so that skill can be told from luck.

The charts are bqplot widgets updated in place (``cxsim.demo.charts``); Mesa's own controller
restarts a model, which a run with decisions must not do, so the run controls are here.
"""

from __future__ import annotations

import html
import os
import re
import threading
import time
from typing import Any

import solara
from mesa.visualization.utils import force_update, update_counter

from cxsim.comparison import ScenarioComparison
from cxsim.demo.charts import CHARTS, LineChart, LossBars, LoyaltyGrid
from cxsim.demo.levers import LEVERS, Lever
from cxsim.demo.workshop import (
    CODE_ENV,
    SHOCKS,
    Debriefing,
    Plan,
    Room,
    Team,
    demo_scenario,
    team_name,
)
from cxsim.report.wording import UNITS, estimate_text, money, unit_of

__all__ = ["ROOM", "routes"]

ROOM = Room()  # every team on this server: shared by all browser sessions
DEBRIEF_REPLICATIONS = 10
ROUND_DAYS = [7, 14, 30, 61, 91, 182]  # a week, a fortnight, a month, two, a quarter, half a year
REFRESH_SECONDS = 2.0  # the facilitator's page; a team's page played in another window
PLAY_PAUSE_SECONDS = 0.05  # between the days of a played round: the browser keeps up
STYLE = """
.v-application { font-size: 19px; }
.v-label, .v-select__selection, .v-btn__content { font-size: 18px !important; }
.cx-headline { font-size: 26px; line-height: 1.4; }
.cx-today { color: #555555; font-weight: 600; } .cx-changed { color: #1f77b4; font-weight: 600; }
"""
TITLE = "Customer experience workshop"
DEBRIEF_KPIS = (  # KPI, label
    ("customers_active_end", "Customers at the end"),
    ("profit", "Profit"),
    ("fcr", "Solved on first contact"),
    ("ces", "Customer effort"),
)

team = solara.reactive(None)  # this browser session's Team
playing = solara.reactive(False)  # its round is being played (levers wait)
days_per_step = solara.reactive(7)


# --- the team's page --------------------------------------------------------------------------
@solara.component
def Join() -> None:
    """Ask for the team's name; the same name rejoins the same team."""
    name = solara.use_reactive("")
    with solara.Card("Join the workshop"):
        solara.InputText("Team name", value=name, continuous_update=True)
        solara.Button(
            "Join",
            color="primary",
            disabled=not team_name(name.value),
            on_click=lambda: team.set(ROOM.join(name.value)),
        )


@solara.component
def RunControls(t: Team) -> None:
    """Play or step the round; between rounds, start the next one."""
    update_counter.get()

    stepping = solara.use_ref(False)  # this window advances the run: it redraws at the end

    def advance() -> None:  # up to ``days_per_step`` days, stopping at the round's end
        stepping.current = True
        try:
            for _ in range(days_per_step.value):
                t.step()
                if not t.running:
                    break
        finally:
            stepping.current = False
        force_update()

    def play() -> None:
        if not playing.value or not t.player.acquire(blocking=False):
            playing.value = False  # another window of the team is playing it already
            return
        try:
            while playing.value and t.running and not t.finished:
                advance()
                time.sleep(PLAY_PAUSE_SECONDS)
        finally:
            t.player.release()
            playing.value = False

    shown = solara.use_ref(t.progress())
    shown.current = t.progress()  # what this window shows now

    def follow(cancel: threading.Event) -> None:  # another window of the team may play it
        while not cancel.wait(REFRESH_SECONDS):
            if not stepping.current and t.progress() != shown.current:
                force_update()

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)
    solara.use_thread(follow, dependencies=[id(t)])
    with solara.Card(f"Round {t.round} of {t.plan.rounds}"):
        if t.finished:
            solara.Markdown(
                "**The last round is over.** The debrief is on the facilitator's screen."
            )
        elif not t.running:
            solara.Markdown(f"**Round {t.round} is over.** Decide, then start the next round.")
            solara.Button(
                f"Start round {t.round + 1}",
                color="primary",
                on_click=lambda: (t.next_round(), force_update()),
            )
        else:
            with solara.Row():
                solara.Button(
                    "❚❚ Pause" if playing.value else "▶ Play",
                    color="primary",
                    on_click=lambda: playing.set(not playing.value),
                )
                solara.Button("Step", color="primary", disabled=playing.value, on_click=advance)
            solara.Text("Days per step")
            solara.ToggleButtonsSingle(value=days_per_step, values=[1, 7, 30])


def _control(t: Team, lever: Lever, disabled: bool) -> None:
    value = t.levers[lever.name]
    unit = t.base.economics.currency if lever.unit == "money" else lever.unit
    label = f"{lever.label}: {value:,} ({unit})" if lever.kind == "int" else lever.label

    def pull(v: Any) -> None:
        t.pull(lever.name, v)
        force_update()

    with solara.Tooltip(lever.tooltip):
        with solara.Div():
            if lever.kind == "int":  # label above: a sidebar is too narrow for both
                solara.Text(label)
                solara.SliderInt(
                    "", value=int(value), min=lever.low, max=lever.high, step=lever.step,
                    thumb_label=True, on_value=pull, disabled=disabled,
                )  # fmt: skip
            elif lever.kind == "bool":
                solara.Switch(label=label, value=bool(value), on_value=pull, disabled=disabled)
            else:
                solara.Select(
                    label, values=list(lever.choices), value=value, on_value=pull, disabled=disabled
                )


@solara.component
def Levers(t: Team) -> None:
    """One control per lever, usable while the run is paused; hovering says what it does."""
    update_counter.get()
    with solara.Card("Decide"):
        if t.finished:
            solara.Markdown("The run is over: the levers show the team's last decisions.")
        else:
            when = "from day 0" if t.day == 0 else f"from day {t.day} on"
            solara.Markdown(f"Applies to the **blue** organisation, {when}.")
        for lever in LEVERS:
            _control(t, lever, disabled=t.finished or playing.value)


@solara.component
def Headline(t: Team) -> None:
    """Where the two organisations stand today, in one sentence each."""
    update_counter.get()
    today, mine = t.today, t.changed
    customers = mine.latest("customers") - today.latest("customers")
    profit = mine.latest("profit") - today.latest("profit")
    currency = t.base.economics.currency
    solara.HTML(
        tag="div",
        classes=["cx-headline"],
        unsafe_innerHTML=(
            f"Day {t.day}. <span class='cx-today'>Today</span>: "
            f"{today.latest('customers'):,.0f} customers, "
            f"profit {money(today.latest('profit'), currency)}. "
            f"<span class='cx-changed'>{html.escape(t.name or 'Your organisation')}</span>: "
            f"{mine.latest('customers'):,.0f} customers ({customers:+,.0f}), "
            f"profit {money(mine.latest('profit'), currency)} "
            f"({money(profit, currency, signed=True)})."
        ),
    )


@solara.component
def Timeline(t: Team) -> None:
    """The team's decisions, the shocks that hit, and what is still pending."""
    update_counter.get()
    with t.lock:
        events = sorted(  # by day; within a day, in the order taken (a stable sort)
            [(log.day, log.text()) for log in t.log]
            + [(day, f"Day {day}: {what}") for day, what in t.shocks_so_far()],
            key=lambda event: event[0],
        )
        pending = [f"- {note}" for note in t.pending()]
    with solara.Card("Decisions and events"):
        lines = [f"- {text}" for _, text in events] or ["- none yet"]
        text = "\n".join(lines) + ("\n\n**Pending**\n\n" + "\n".join(pending) if pending else "")
        solara.Markdown(text, style={"font-size": "17px"})


@solara.component
def Charts(t: Team) -> None:
    """Six live charts (grey today, blue the team; dashed lines: decisions and shocks)."""
    update_counter.get()
    charts = solara.use_memo(lambda: [LineChart(*spec) for spec in CHARTS], [id(t)])
    with t.lock:  # a played round steps the team meanwhile
        decisions = sorted({log.day for log in t.log if log.day > 0})
        shocks = [day for day, _ in t.shocks_so_far()]
        for chart in charts:
            chart.update(t, decisions, shocks)
    with solara.GridFixed(columns=3):
        for chart in charts:
            solara.display(chart.figure)


@solara.component
def Customers(t: Team) -> None:
    """Today's customers and the team's, one square each, coloured by loyalty."""
    update_counter.get()
    grids = solara.use_memo(
        lambda: [
            LoyaltyGrid("Today's customers", t.today),
            LoyaltyGrid("Your customers", t.changed),
        ],
        [id(t)],
    )
    loss = solara.use_memo(LossBars, [id(t)])
    with t.lock:
        for grid, tracker in zip(grids, (t.today, t.changed), strict=True):
            grid.update(tracker)
        loss.update(t)
    with solara.Columns([1, 1, 2]):
        for widget in (*grids, loss):
            solara.display(widget.figure)


@solara.component
def TeamPage() -> None:
    """A team's page: join, then controls and levers on the left, the organisations right."""
    solara.Style(STYLE)
    solara.Title(TITLE)
    t = team.value
    with solara.AppBar():
        solara.AppBarTitle(f"{TITLE}: {demo_scenario().description or demo_scenario().name}")
    if t is None:
        Join()
        return
    with solara.Sidebar():
        RunControls(t)
        Levers(t)
    Headline(t)
    Charts(t)
    Timeline(t)
    Customers(t)


# --- the facilitator's page -------------------------------------------------------------------
@solara.component
def PlanForm() -> None:
    """Round length, number of rounds and a hidden shock, for the teams that join next."""
    plan = ROOM.plan
    days = solara.use_reactive(plan.round_days)
    rounds = solara.use_reactive(plan.rounds)
    shock = solara.use_reactive(plan.shocks[0][1] if plan.shocks else "none")
    shock_round = solara.use_reactive(plan.shocks[0][0] if plan.shocks else 2)

    saved = solara.use_reactive(plan)

    def save() -> None:
        shocks = () if shock.value == "none" else ((shock_round.value, shock.value),)
        ROOM.plan = saved.value = Plan(days.value, rounds.value, shocks)

    with solara.Card("Plan for the teams that join"):
        solara.Select("Days per round", values=sorted({*ROUND_DAYS, plan.round_days}), value=days)
        solara.Select("Rounds", values=list(range(1, 13)), value=rounds)
        solara.Select("Shock (the teams are not told)", values=["none", *SHOCKS], value=shock)
        solara.Select("in round", values=list(range(1, rounds.value + 1)), value=shock_round)
        solara.Button("Use this plan", color="primary", on_click=save)
        solara.Markdown(_plan_text(saved.value))  # read here: a save re-renders the card


def _plan_text(plan: Plan) -> str:
    shock = "; ".join(f"round {r}: {name}" for r, name in plan.shocks) or "no shock"
    return f"Now: {plan.rounds} rounds of {plan.round_days} days ({plan.days} days); {shock}."


def _plain(text: str) -> str:
    """``text`` (a team's name) shown as typed in Markdown: no markup, no HTML, no table cell."""
    return re.sub(r"([\\`*_{}\[\]()#+!|~-])", r"\\\1", html.escape(text))


STANDINGS_HEADER = (
    "| team | round | day | customers (vs today) | profit (vs today) | day-0 customers kept "
    "| effort | decisions |\n|---|---|---|---|---|---|---|---|"
)


def _standings_table(standings: list[tuple[Team, dict[str, float]]]) -> str:
    rows = [STANDINGS_HEADER]
    for t, s in standings:
        currency = t.base.economics.currency
        customers = f"{s['customers']:,.0f} ({s['customers_vs_today']:+,.0f})"
        change = money(s["profit_vs_today"], currency, signed=True, word=False)
        profit = f"{money(s['profit'], currency)} ({change})"
        rows.append(
            f"| {_plain(t.name)} | {s['round']:.0f} | {s['day']:.0f} | {customers} | {profit} "
            f"| {s['retention']:.1%} | {s['effort']:.2f} | {s['decisions']:.0f} |"
        )
    return "\n".join(rows)


@solara.component
def Standings(_tick: int) -> None:
    """Every team's standing and decisions (``_tick``: the page's refresh)."""
    with solara.Card("Teams"):
        if not ROOM.teams:
            solara.Markdown(
                "No team has joined yet. Teams open this app's address and join by name."
            )
            return
        standings = ROOM.standings()  # once a refresh: a standing counts every customer
        solara.Markdown(_standings_table(standings))
        for t, _ in standings:
            solara.Markdown(
                f"**{_plain(t.name)}**: " + (t.decisions_in_words() or "no decision yet")
            )
        RemoveTeam()


@solara.component
def RemoveTeam() -> None:
    """Take a stray team out of the room (a test join, a misspelt name) before the debrief."""
    chosen = solara.use_reactive(None)
    names = [t.name for t in ROOM.all_teams()]
    with solara.Row():
        solara.Select("Team to take out", values=names, value=chosen)
        solara.Button(
            "Take out",
            disabled=chosen.value not in names,
            on_click=lambda: (ROOM.remove(chosen.value), chosen.set(None)),
        )


def _debrief_table(result: ScenarioComparison, teams: list[Team]) -> str:
    """Per team: this run against today, then each KPI's paired difference over the runs."""
    runs = result.replications
    header = ["team", "decisions", "this run: customers", "this run: profit"]
    header += [f"{label}: {runs} runs" for _, label in DEBRIEF_KPIS]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for scenario, t in zip(result.alternatives, teams, strict=True):
        s = t.standing()
        name = _plain(t.name) + ("" if t.finished else f" (stopped at day {t.day})")
        cells = [name, f"{len(t.log)}", f"{s['customers_vs_today']:+,.0f}"]
        cells.append(money(s["profit_vs_today"], result.currency, signed=True))
        cells += [
            estimate_text(
                result.difference(scenario, kpi),
                UNITS[unit_of(kpi)],
                signed=True,
                currency=result.currency,
            )
            for kpi, _ in DEBRIEF_KPIS
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


@solara.component
def Debrief(_tick: int) -> None:
    """Each team's decisions replayed over several seeds, paired with today (``ROOM``'s run)."""
    current, others = ROOM.on_current_plan(), ROOM.on_other_plans()
    run = ROOM.debriefing
    with solara.Card("Debrief"):
        solara.Markdown(
            f"Each team's decisions replayed {DEBRIEF_REPLICATIONS} times with other random "
            "numbers, each time beside today's firm with the same numbers. *This run* is what "
            "the team saw; the replayed columns are the difference its decisions make on "
            "average, with a 95% interval: an interval that spans zero means the run's result "
            "could have been luck."
        )
        if others:
            solara.Markdown(
                f"Joined under an earlier plan, so not in this debrief: "
                f"{', '.join(_plain(t.name) for t in others)}. A debrief replays the teams of "
                "one plan; set that plan again to debrief them."
            )
        if not current:
            solara.Markdown("No team plays the current plan yet.")
        running = run is not None and run.running
        solara.Button(
            "Run the debrief",
            color="primary",
            disabled=not current or running,
            on_click=lambda: ROOM.start_debrief(DEBRIEF_REPLICATIONS),
        )
        if run is None:
            return
        if running:
            solara.ProgressLinear(value=100 * run.done / run.total)
            solara.Text(f"{run.done} of {run.total} runs")
        elif run.error:
            solara.Error(f"The debrief stopped: {run.error}")
        else:
            solara.Markdown(_debrief_table(run.result, run.teams))
            for t in run.teams:
                solara.Markdown(
                    f"**{_plain(t.name)}**: " + (t.decisions_in_words() or "no decision")
                )
            DebriefDownload(run)


@solara.component
def DebriefDownload(run: Debriefing) -> None:
    """The finished debrief as a zip, made once (a page refresh must not restart it)."""
    report = solara.use_memo(lambda: run.report, [run])  # the same data on every refresh
    solara.FileDownload(
        report,
        filename=f"debrief-{time.strftime('%Y-%m-%d')}.zip",
        label="Download the debrief (the board report, the table, each team's scenario)",
        mime_type="application/zip",
    )


@solara.component
def FacilitatorPage() -> None:
    """The facilitator's page: the plan, the teams live, the debrief."""
    solara.Style(STYLE)
    solara.Title(f"{TITLE}: facilitator")
    code = os.environ.get(CODE_ENV, "")
    given = solara.use_reactive("")
    tick = solara.use_reactive(0)

    def refresh(cancel: threading.Event) -> None:  # the teams play on: show it
        while not cancel.wait(REFRESH_SECONDS):
            tick.value += 1

    solara.use_thread(refresh, dependencies=[])
    with solara.AppBar():
        solara.AppBarTitle(f"{TITLE}: facilitator")
    if code and given.value != code:
        with solara.Card("Facilitator"):
            solara.InputText(
                "Facilitator code (printed where cxsim demo started)", value=given, password=True
            )
            if given.value:
                solara.Warning("That is not the code printed where cxsim demo started.")
        return
    with solara.Columns([1, 3]):
        PlanForm()
        Standings(tick.value)
    Debrief(tick.value)


@solara.component
def Layout(children: list[Any] | None = None) -> None:
    """Solara's app layout without its page tabs.

    A team's page offers no way to the facilitator's (which shows the hidden shock).
    """
    solara.AppLayout(children=children or [], navigation=False)


routes = [
    solara.Route(path="/", component=TeamPage, label="Team", layout=Layout),  # every page's
    solara.Route(path="facilitator", component=FacilitatorPage, label="Facilitator"),
]

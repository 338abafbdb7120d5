"""The workshop demo: levers, the twin organisations, and the app in a real browser."""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from cxsim.cli import _address_in_the_room, app
from cxsim.demo.levers import LEVERS, apply_levers, lever_defaults
from cxsim.demo.workshop import (
    CODE_ENV,
    PLAN_ENV,
    SCENARIO_ENV,
    SHOCKS,
    Plan,
    Room,
    Team,
    debrief,
    debrief_report,
    demo_scenario,
)
from cxsim.model import ServiceOrganisation
from cxsim.scenario import DECIDABLE

SHOTS = ROOT / "results" / "screenshots"
SMALL_DEMO = ROOT / "tests" / "data" / "small_demo.yaml"


def test_every_lever_has_plain_words_and_changes_its_scenario_key() -> None:
    base = demo_scenario(str(SMALL_DEMO))
    start = lever_defaults(base)
    flipped = {
        "int": lambda lever, v: min(lever.high, v + lever.step),
        "bool": lambda lever, v: not v,
        "choice": lambda lever, v: next(c for c in lever.choices if c != v),
    }
    for lever in LEVERS:
        assert "_" not in lever.label and lever.tooltip.endswith(".")
        changed = apply_levers(
            base, {**start, lever.name: flipped[lever.kind](lever, start[lever.name])}
        )
        assert changed != base, lever.name
        assert lever.current(changed) != start[lever.name], lever.name
    assert apply_levers(base, start) is base


def test_without_levers_the_two_organisations_are_identical() -> None:
    team = Team(scenario_path=str(SMALL_DEMO))
    for _ in range(30):
        team.step()
    assert team.day == 30
    assert team.today.series == team.changed.series


def test_a_lever_changes_only_the_right_hand_organisation() -> None:
    plain = Team(scenario_path=str(SMALL_DEMO))
    team = Team({"shared_record": True, "authority": 1000}, scenario_path=str(SMALL_DEMO))
    for _ in range(60):
        plain.step()
        team.step()
    assert team.today.series == plain.today.series  # same seed: the reference is today
    assert team.changed.series["escalations"][-1] < team.today.series["escalations"][-1]
    assert team.changed.series["effort"][-1] < team.today.series["effort"][-1]
    grid = team.today.loyalty_grid()
    assert grid.shape[0] == grid.shape[1] and set(grid[~(grid != grid)].ravel()) <= {0, 1, 2, 3}
    assert [log.text() for log in team.log] == [
        "Day 0: One shared customer record off → on",
        f"Day 0: Frontline authority per case {team.base.frontline.empowerment_limit:,.0f} → 1,000",
    ]


def test_every_lever_can_be_a_decision_mid_run() -> None:
    assert {key for lever in LEVERS for key in _every_key(lever)} <= set(DECIDABLE)


def _every_key(lever) -> set[str]:
    values = {"int": [lever.low, lever.high], "bool": [True, False]}.get(lever.kind, lever.choices)
    return {key for value in values for key in lever.changes(value)}


def test_a_lever_pulled_mid_run_changes_the_team_from_that_day_on_and_not_before() -> None:
    plan = Plan(round_days=30, rounds=2)
    plain, team = (Team(scenario_path=str(SMALL_DEMO), plan=plan) for _ in range(2))
    for _ in range(30):
        plain.step()
        team.step()
    assert team.deciding and not team.running  # the round is over: time to decide
    team.step()
    assert team.day == 30  # paused until the next round
    team.pull("authority", 1000)
    team.pull("shared_record", True)
    for t in (plain, team):
        t.next_round()
        for _ in range(30):
            t.step()
    assert team.finished and team.day == 60
    days = team.changed.series["day"]
    upto = days.index(30.0) + 1
    for key, values in team.changed.series.items():
        assert values[:upto] == plain.changed.series[key][:upto], key  # nothing before moves
    assert team.changed.series["escalations"][-1] < plain.changed.series["escalations"][-1]
    assert team.today.series == plain.today.series
    assert [log.day for log in team.log] == [30, 30]
    assert f"Shared customer record: live on day {30 + 90}" in team.pending()


def test_levers_with_delays_show_what_is_pending() -> None:
    team = Team(scenario_path=str(SMALL_DEMO), plan=Plan(round_days=10, rounds=3))
    for _ in range(10):
        team.step()
    agents = team.levers["agents"]
    team.pull("agents", agents + 3)
    team.pull("training", "frontline skills")
    pending = team.pending()
    assert "Phone agents: 3 being recruited, 0 in onboarding" in pending
    assert any(note.startswith("Training frontline-skills: ") for note in pending)


def test_the_team_s_played_scenario_replays_its_run_exactly() -> None:
    team = Team({"verification": True}, scenario_path=str(SMALL_DEMO), plan=Plan(20, 2), name="A")
    for _ in range(20):
        team.step()
    team.pull("authority", 800)
    team.next_round()
    for _ in range(20):
        team.step()
    played = team.played_scenario()
    assert played.name == "A" and played.horizon.days == 40
    assert [(d.day, d.set) for d in played.decisions] == [
        (20, {"frontline.empowerment_limit": 800})
    ]
    replay = ServiceOrganisation(played)
    replay.run_until(40)
    assert replay.ledger.profit == team.changed.latest("profit")
    assert len(replay.roster) == team.changed.latest("customers")


def test_a_planned_shock_hits_every_team_in_its_round_unannounced() -> None:
    name = next(iter(SHOCKS))
    plan = Plan(round_days=30, rounds=3, shocks=((2, name),))
    team = Team(scenario_path=str(SMALL_DEMO), plan=plan)
    (shock,) = team.base.shocks
    assert shock.start_day == 30 + 14 and shock.kind == "logistics_disruption"
    for _ in range(40):
        team.step()
        team.next_round()
    assert team.shocks_so_far() == []
    for _ in range(10):
        team.step()
    assert team.shocks_so_far() == [(44, name)]


def test_a_room_holds_each_team_once_and_the_debrief_pairs_them_with_today() -> None:
    room = Room()
    room.plan = Plan(round_days=15, rounds=2)
    a, b = room.join("Blue", str(SMALL_DEMO)), room.join("Green", str(SMALL_DEMO))
    assert room.join("Blue", str(SMALL_DEMO)) is a
    b.pull("shared_record", True)
    for team in (a, b):
        while not team.finished:
            team.step()
            team.next_round()
    standings = room.standings()
    assert [team.name for team, _ in standings] == ["Blue", "Green"]
    assert standings[1][1]["decisions"] == 1
    assert standings[1][0].decisions_in_words().startswith("Day 0: ")
    result = debrief([a, b], replications=2, jobs=1)
    assert [s.name for s in result.scenarios] == ["today", "Blue", "Green"]
    assert result.difference(result.scenarios[1], "profit").mean == 0.0  # no decision
    assert result.difference(result.scenarios[2], "fcr").mean > 0


def test_the_debrief_downloads_as_a_report_that_cxsim_compare_reproduces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The room takes the debrief away: the board report, the table and each team's scenario,
    from which the report's own command gives the same numbers."""
    plan = Plan(round_days=10, rounds=1)
    team = Team(scenario_path=str(SMALL_DEMO), plan=plan, name="Red <b>team</b>")
    team.pull("proactive", True)
    while not team.finished:
        team.step()
    zipfile.ZipFile(io.BytesIO(debrief_report(debrief([team], 2, jobs=1)))).extractall(tmp_path)
    folder = tmp_path / "debrief"
    assert {"report.html", "summary.csv", "replications.parquet"} <= {
        p.name for p in folder.iterdir()
    }
    played = sorted(p.name for p in (folder / "scenarios").iterdir())
    assert played == ["Red-b-team-b.yaml", "today.yaml"]  # a safe file name of the team's
    assert "Day 0: " in (folder / "scenarios" / played[0]).read_text()  # its decisions, in words
    report = (folder / "report.html").read_text()
    command = html.unescape(re.search(r"<code>(cxsim compare [^<]+)</code>", report)[1])
    monkeypatch.chdir(folder)
    done = CliRunner().invoke(app, [*command.split()[1:], "--quiet"])
    assert done.exit_code == 0, done.output
    assert (folder / "replayed" / "summary.csv").read_bytes() == (
        folder / "summary.csv"
    ).read_bytes()


def test_a_slider_dragged_is_one_decision_and_a_lever_moved_back_is_none() -> None:
    team = Team(scenario_path=str(SMALL_DEMO), plan=Plan(round_days=10, rounds=2))
    agents = team.levers["agents"]
    for value in range(agents + 1, agents + 6):  # every value a drag passes
        team.pull("agents", value)
    team.pull("proactive", True)
    assert [(log.lever, log.before, log.after) for log in team.log] == [
        ("agents", agents, agents + 5),
        ("proactive", False, True),
    ]
    for _ in range(10):
        team.step()
    team.pull("authority", 500)
    team.pull("authority", team.log[-1].before)  # back where the day began: no decision
    assert [log.day for log in team.log] == [0, 0]
    assert len(team.changed.org.decisions) == 2  # the organisation still took both, in order


def test_the_round_card_counts_the_next_round_once_it_is_started() -> None:
    team = Team(scenario_path=str(SMALL_DEMO), plan=Plan(round_days=3, rounds=2))
    assert team.round == 1
    for _ in range(3):
        team.step()
    assert team.round == 1 and not team.running  # round 1 is over
    team.next_round()
    assert team.round == 2  # "Start round 2" pressed: the card says round 2
    for _ in range(3):
        team.step()
    assert team.finished and team.round == 2


def test_names_that_differ_in_case_or_spacing_are_one_team_and_a_stray_one_can_go() -> None:
    room = Room()
    red = room.join("  Team   A ", str(SMALL_DEMO))
    assert red.name == "Team A"
    assert room.join("team a", str(SMALL_DEMO)) is red and room.join("TEAM  A") is red
    with pytest.raises(ValueError, match="needs a name"):
        room.join("   ")
    room.join("Probe", str(SMALL_DEMO))
    room.remove("probe ")
    assert [t.name for t in room.all_teams()] == ["Team A"]


def test_a_team_name_is_shown_as_typed_never_as_markup() -> None:
    from cxsim.demo import app as workshop_app

    room = Room()
    room.join("<b onclick=x>Blue</b> | *Team*", str(SMALL_DEMO))
    room.join("Green", str(SMALL_DEMO))
    table = workshop_app._standings_table(room.standings())
    header, _, blue, green = table.splitlines()
    assert "<b" not in blue and "&lt;b onclick=x&gt;Blue&lt;/b&gt; \\| \\*Team\\*" in blue
    cells = [line.replace("\\|", "").count("|") for line in (header, blue, green)]
    assert cells[0] == cells[1] == cells[2]


def test_the_room_keeps_its_debrief_for_every_page_and_leaves_other_plans_out() -> None:
    room = Room()
    room.plan = Plan(round_days=5, rounds=1)
    early = room.join("Early", str(SMALL_DEMO))
    room.plan = Plan(round_days=6, rounds=1)
    late = room.join("Late", str(SMALL_DEMO))
    assert room.on_other_plans() == [early] and room.on_current_plan() == [late]
    run = room.start_debrief(replications=2, jobs=1)
    assert room.start_debrief(replications=2, jobs=1) is run or not run.running  # one at a time
    deadline = time.monotonic() + 120
    while run.running and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not run.error and run.done == run.total == 4  # today and Late, twice each
    assert room.debriefing is run and [s.name for s in run.result.scenarios] == ["today", "Late"]
    assert run.report() is run.report()  # made once: a second download, or page, waits not


# --- in the browser ------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CODE = "4711"  # the facilitator's code in the browser tests
PLAN = "14x2"  # two rounds of two weeks


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("no chromium on this machine (.ci/run installs Debian's chromium)")
    pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    port = _free_port()
    env = {**os.environ, SCENARIO_ENV: str(SMALL_DEMO)}
    command = [sys.executable, "-m", "cxsim", "demo", "--port", str(port), "--no-open"]
    rounds = ["--round-days", PLAN.split("x")[0], "--rounds", PLAN.split("x")[1]]
    server = subprocess.Popen(
        [*command, *rounds, "--facilitator-code", CODE],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://localhost:{port}/"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("cxsim demo did not start within 90 s")
            time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser(demo_url: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


def _window(browser: object, url: str, hosts: set[str] | None = None) -> object:
    """A browser window of its own (a session of its own), noting every host it asks."""
    page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    if hosts is not None:
        page.on("request", lambda request: hosts.add(urllib.parse.urlparse(request.url).hostname))
    page.goto(url)
    return page


def _join(page: object, name: str) -> None:
    page.get_by_label("Team name").fill(name)
    page.get_by_role("button", name="Join").click()
    _day(page, 0)
    # the levers render after the headline; on a loaded machine the page was read between them
    page.get_by_text(LEVERS[0].label).first.wait_for(timeout=60_000)


def _day(page: object, day: int) -> None:
    page.locator(".cx-headline", has_text=f"Day {day}.").wait_for(timeout=60_000)


def _play_round(page: object, start: int, end: int) -> None:
    """Step a week at a time from ``start`` to the round's ``end``."""
    for day in range(start + 7, end + 1, 7):
        page.get_by_role("button", name="Step").click()
        _day(page, day)


def _lines(page: object, title: str) -> tuple[list[tuple[float, float]], ...]:
    """The points of today's (grey) and the team's (blue) line in the chart called ``title``."""
    paths = page.evaluate(
        """title => {
            const figure = [...document.querySelectorAll('.bqplot.figure')]
                .find(f => f.querySelector('.mainheading').textContent === title);
            return [...figure.querySelectorAll('path.line')].map(p => p.getAttribute('d'));
        }""",
        title,
    )
    today, team = paths[-2:]  # the decision and shock marks are drawn first, under the lines
    return tuple(
        [tuple(map(float, point.split(","))) for point in d[1:].split("L")] for d in (today, team)
    )


def test_team_page_shows_levers_and_charts_in_plain_words_and_stays_offline(
    browser: object, demo_url: str
) -> None:
    hosts: set[str] = set()
    page = _window(browser, demo_url, hosts)
    _join(page, "Red")
    text = page.inner_text("body")
    for lever in LEVERS:
        assert lever.label in text
    assert "empowerment_limit" not in text and "contact_centre" not in text
    assert "Round 1 of 2" in text
    assert "FACILITATOR" not in text.upper()  # no tab leads a team to the hidden shock
    assert page.locator(".bqplot.figure").count() == 9  # six charts, two grids, the losses
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "workshop_team_start.png"))
    assert hosts == {"localhost"}, hosts
    page.context.close()


def test_two_teams_decide_in_rounds_and_the_facilitator_sees_them_and_debriefs(
    browser: object, demo_url: str
) -> None:
    blue, green = _window(browser, demo_url), _window(browser, demo_url)
    _join(blue, "Blue")
    _join(green, "Green")
    again = _window(browser, demo_url)  # Blue in a second window, its name typed anew
    _join(again, "blue ")
    _play_round(blue, 0, 14)
    _day(again, 14)  # the other window follows the round played in the first
    again.context.close()
    blue.get_by_text("Round 1 is over").wait_for()
    assert blue.get_by_role("button", name="Step").count() == 0  # the round pauses
    blue.get_by_text("Proactive service").click()  # a decision from day 14 on
    blue.get_by_text("Day 14: Proactive service off → on").wait_for()
    blue.get_by_role("button", name="Start round 2").click()
    _play_round(blue, 14, 28)
    blue.get_by_text("The last round is over").wait_for()
    _play_round(green, 0, 14)
    green.get_by_role("button", name="Start round 2").click()
    _play_round(green, 14, 28)
    blue.wait_for_timeout(500)  # the last update reaches the browser
    today, mine = _lines(blue, "Cumulative profit")
    assert len(today) == len(mine) == 29  # days 0 to 28
    assert mine[:15] == today[:15]  # nothing before the decision moves
    assert mine[15:] != today[15:]  # the decision shows from day 15
    assert _lines(green, "Cumulative profit")[0] == _lines(green, "Cumulative profit")[1]
    blue.screenshot(path=str(SHOTS / "workshop_team_end.png"))

    facilitator = _window(browser, demo_url + "facilitator")
    facilitator.get_by_label("Facilitator code").fill(CODE)
    facilitator.get_by_label("Facilitator code").press("Enter")
    facilitator.get_by_text("Day 14: Proactive service off → on").wait_for(timeout=30_000)
    table = facilitator.locator("table").first.inner_text()
    assert "Blue" in table and "Green" in table
    facilitator.get_by_role("button", name="Run the debrief").click()
    debrief = facilitator.locator("table", has_text="10 runs")
    going = facilitator.get_by_text(re.compile(r"^\d+ of \d+ runs$"))
    going.or_(debrief).first.wait_for(timeout=60_000)  # the click reached the server
    facilitator.reload()  # the debrief is the room's: a reloaded page shows it going on
    facilitator.get_by_label("Facilitator code").fill(CODE)
    facilitator.get_by_label("Facilitator code").press("Enter")
    debrief.wait_for(timeout=240_000)
    rows = {r.split("\t")[0]: r.split("\t") for r in debrief.inner_text().splitlines()}
    assert rows["Blue"][1] == "1" and rows["Green"][1] == "0"  # decisions
    assert " to " in rows["Blue"][-1]  # the effort difference with its interval
    with facilitator.expect_download(timeout=60_000) as download:
        facilitator.get_by_text("Download the debrief").click()
    archive = zipfile.ZipFile(download.value.path())
    assert {"debrief/report.html", "debrief/scenarios/Blue.yaml"} <= set(archive.namelist())
    facilitator.screenshot(path=str(SHOTS / "workshop_facilitator.png"), full_page=True)
    for page in (blue, green, facilitator):
        page.context.close()


# --- the demo command: offline, localhost, checked input (issue 15) ---------------------------
runner = CliRunner()


def _demo_exec(
    monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[object, list[str], dict[str, str]]:
    """Run ``cxsim demo ARGS`` with ``os.execve`` caught: the result, the argv and the env."""
    calls: list[tuple[str, list[str], dict[str, str]]] = []
    monkeypatch.setattr(os, "execve", lambda path, argv, env: calls.append((path, argv, env)))
    monkeypatch.delenv("SOLARA_TELEMETRY_MIXPANEL_ENABLE", raising=False)
    result = runner.invoke(app, ["demo", "--no-open", *args])
    assert result.exit_code == 0, result.output
    assert len(calls) == 1
    return result, calls[0][1], calls[0][2]


def test_demo_starts_solara_without_the_version_check_or_telemetry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import solara.__main__ as solara_cli

    _, argv, env = _demo_exec(monkeypatch)
    assert argv[1:5] == ["-m", "solara", "run", "cxsim.demo.app"]
    assert "--no-check-version" in argv and "--check-version" not in argv
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    # the installed solara reads these arguments as "no request to pypi.org at start"
    params = solara_cli.run.make_context("run", argv[4:]).params
    assert params["check_version"] is False and params["open"] is False


def test_demo_listens_on_localhost_unless_told_and_announces_that_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = str(_free_port())
    result, argv, _ = _demo_exec(monkeypatch, "--port", port)
    assert argv[argv.index("--host") + 1] == "localhost"
    assert argv[argv.index("--port") + 1] == port
    assert f"workshop demo on http://localhost:{port} " in result.output
    result, argv, _ = _demo_exec(monkeypatch, "--host", "0.0.0.0", "--port", port)
    assert argv[argv.index("--host") + 1] == "0.0.0.0"  # every interface; announced: the
    room = _address_in_the_room()  # address teams open, not 0.0.0.0, which they cannot
    assert f"workshop demo on http://{room}:{port} " in result.output and room != "0.0.0.0"
    try:
        socket.create_server(("::1", 0)).close()
    except OSError:
        return  # no IPv6 on this machine
    result, _, _ = _demo_exec(monkeypatch, "--host", "::1", "--port", port)
    assert f"workshop demo on http://[::1]:{port} " in result.output


def test_demo_refuses_a_port_in_use_before_announcing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(os, "execve", lambda *args: calls.append(args))
    with socket.create_server(("localhost", 0)) as taken:
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["demo", "--no-open", "--port", str(port)])
    assert result.exit_code == 2 and not calls and "workshop demo on" not in result.output
    assert f"--port {port}: cannot listen on localhost:{port} (Address already in use)" in (
        result.stderr
    )
    assert "give another port with --port" in result.stderr


def test_demo_passes_the_plan_and_guards_the_facilitator_page_beyond_localhost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result, _, env = _demo_exec(monkeypatch, "--round-days", "30", "--rounds", "6")
    assert env[PLAN_ENV] == "30x6" and CODE_ENV not in env  # on localhost: no code
    assert "facilitator's page: http://localhost:8765/facilitator\n" in result.output
    result, _, env = _demo_exec(monkeypatch, "--host", "0.0.0.0")
    code = env[CODE_ENV]
    assert len(code) == 4 and code.isdigit() and f"(code {code})" in result.output
    _, _, env = _demo_exec(monkeypatch, "--facilitator-code", "tulip")
    assert env[CODE_ENV] == "tulip"


@pytest.mark.parametrize("port", ["70000", "0", "-1", "65536"])
def test_demo_refuses_a_port_outside_1_to_65535_before_starting(
    monkeypatch: pytest.MonkeyPatch, port: str
) -> None:
    calls: list[object] = []
    monkeypatch.setattr(os, "execve", lambda *args: calls.append(args))
    result = runner.invoke(app, ["demo", "--no-open", "--port", port])
    assert result.exit_code == 2 and not calls  # nothing started, nothing announced
    assert "workshop demo on" not in result.output and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if "Invalid value" in line]
    assert len(errors) == 1 and "'--port'" in errors[0]


def _bad_scenario(tmp_path: Path, kind: str) -> Path:
    """A path ``cxsim demo`` must refuse: a folder, a missing, a non-YAML or a binary file."""
    if kind == "directory":
        return tmp_path
    path = (
        tmp_path
        / {"missing": "nowhere.yaml", "not YAML": "notes.txt", "binary": "picture.png"}[kind]
    )
    if kind == "not YAML":
        path.write_text("levers: [unclosed\n")
    elif kind == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\xd0\xff\x00\x01")
    return path


@pytest.mark.parametrize("kind", ["directory", "missing", "not YAML", "binary"])
def test_demo_with_a_bad_scenario_path_says_one_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str
) -> None:
    calls: list[object] = []
    monkeypatch.setattr(os, "execve", lambda *args: calls.append(args))
    path = _bad_scenario(tmp_path, kind)
    result = runner.invoke(app, ["demo", "--no-open", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == 2 and not calls
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(path) in lines[0]
    assert "workshop demo on" not in result.output


# A sitecustomize module for the server's Python: every name lookup or connection that is not
# this machine is refused and written down, so the test sees any attempt to go online.
_NO_NETWORK = """
import os, socket
_LOG, _LOCAL = os.environ["CXSIM_TEST_NET_LOG"], {"localhost", "127.0.0.1", "::1", "0.0.0.0"}
_getaddrinfo, _connect = socket.getaddrinfo, socket.socket.connect
def _refuse(what):
    with open(_LOG, "a") as log:
        log.write(what + "\\n")
    raise socket.gaierror(socket.EAI_NONAME, "network blocked by the test")
def getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None and name not in _LOCAL:
        _refuse(f"getaddrinfo {name}")
    return _getaddrinfo(host, *args, **kwargs)
def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOCAL:
        _refuse(f"connect {address}")
    return _connect(self, address)
socket.getaddrinfo, socket.socket.connect = getaddrinfo, connect
"""


def test_demo_server_starts_offline_on_the_announced_address(tmp_path: Path) -> None:
    """The real server, with the network blocked: it serves, and never tried to go online."""
    (tmp_path / "sitecustomize.py").write_text(_NO_NETWORK)
    log, out = tmp_path / "network.log", tmp_path / "server.out"
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "CXSIM_TEST_NET_LOG": str(log),
        SCENARIO_ENV: str(SMALL_DEMO),
    }
    env.pop("SOLARA_TELEMETRY_MIXPANEL_ENABLE", None)
    port = _free_port()
    with out.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "cxsim", "demo", "--port", str(port), "--no-open"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url, deadline = f"http://localhost:{port}", time.monotonic() + 30
    try:
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"cxsim demo stopped: {out.read_text()}")
                if time.monotonic() > deadline:
                    pytest.skip("cxsim demo did not start within 30 s on this machine")
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=20)
    text = out.read_text()
    assert "New version of Solara" not in text
    assert not log.exists(), log.read_text()  # no lookup, no connection beyond this machine
    assert f"workshop demo on {url} " in text and f"starting at {url}" in text

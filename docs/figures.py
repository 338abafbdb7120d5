"""Regenerate the replicated figures of README.md and docs/workshop.md in place.

Run after a change meant to move results: ``python docs/figures.py readme`` (about 25 minutes
on two cores), ``python docs/figures.py workshop`` (about 10), ``python docs/figures.py
workshop-screens`` (the guide's screenshots and the measured Step time: about 10),
``python docs/figures.py surveys`` (about 12) and ``python docs/figures.py report`` (the
example client's board report and its screenshots in docs/report/: about 20 minutes, plus 17
for its calibration when results/calibrate-example holds none). Each runs the paired
comparisons a document quotes and rewrites the figure cells of its tables, keeping every other
word; figures quoted in prose are printed, to be checked by hand.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from cxsim.comparison import ScenarioComparison, compare
from cxsim.demo.levers import apply_levers, lever_changes, lever_defaults
from cxsim.demo.workshop import Plan
from cxsim.library import library_scenario
from cxsim.measures import rank_indicators
from cxsim.report.measures_report import effort_sentence
from cxsim.scenario import Scenario, load_scenario, scenario_from_dict
from cxsim.statistics import Estimate, paired_difference

ROOT = Path(__file__).resolve().parents[1]
README, WORKSHOP = ROOT / "README.md", ROOT / "docs" / "workshop.md"
SURVEYS = ROOT / "docs" / "surveys.md"
LIBRARY = (  # README "Scenario library": options compared with the baseline
    "empowered_frontline empowered_and_trained frontline_without_authority pass_up_when_unable "
    "poor_complaint_handling feedback_loop "
    "supervisor_coaching more_supervisors active_listening listening_before_solving final_check "
    "follow_up shared_customer_record proactive_service automation_first volume_sales_rewards "
    "under_resourced_contact_centre callbacks case_owners logistics_disruption "
    "frontline_training unified_training demand_pulse_under_pressure workforce_dynamics "
    "satisfaction_only_loyalty surveys wrong_questions acting_on_feedback"
).split()
WORKFORCE = (  # vs workforce_dynamics
    "hire_for_attitude hire_cheapest personal_recognition pay_above_market celebrate_successes "
    "close_the_supervisor_gap"
).split()
RECOGNITION = ("customer_recognition",)  # vs shared_customer_record (it needs the record)
WORKSHOP_LEVERS = {  # docs/workshop.md: row label -> the demo's lever settings
    "Frontline authority 500": {"authority": 500},
    "One shared customer record": {"shared_record": True},
    "Hire the cheapest": {"hiring": "cheapest"},
}
WORKSHOP_DECISIONS = {  # docs/workshop.md: row label -> (day decided, the levers then)
    "Frontline skills training": (91, {"training": "frontline skills"}),
    "Three more phone agents": (91, {"agents": 13}),
    "One shared customer record": (91, {"shared_record": True}),
}
Show = Callable[[Estimate], str]


def difference(fmt: str, scale: float = 1.0, unit: str = "") -> Show:
    """A paired difference with its interval; n.s. where the interval includes zero."""

    def show(e: Estimate) -> str:
        low, mean, high = (fmt.format(scale * v) for v in (e.low, e.mean, e.high))
        return f"{mean}{unit} ({low} to {high}){'' if e.significant else ' n.s.'}"

    return show


def mean(fmt: str, scale: float = 1.0) -> Show:
    """A mean with its interval."""
    return lambda e: " ".join(
        [
            fmt.format(scale * e.mean),
            f"({fmt.format(scale * e.low)} to {fmt.format(scale * e.high)})",
        ]
    )


POINTS, RELATIVE = difference("{:+.1f}", 100, " pts"), difference("{:+.1f}%", 100)
THOUSANDS = difference("{:+,.0f}k", 0.001)
SCORE, COUNT = difference("{:+.2f}"), difference("{:+,.0f}")
PERCENT = mean("{:.1f}%", 100)
LIBRARY_COLUMNS = (
    ("retention_rate", POINTS),
    ("profit", RELATIVE),
    ("fcr", POINTS),
    ("ces", SCORE),
    ("effort_per_customer_year", SCORE),
)
WORKSHOP_COLUMNS = (
    ("customers_active_end", COUNT),
    ("profit", RELATIVE),
    ("fcr", POINTS),
    ("ces", SCORE),
    ("escalation_rate", POINTS),
)
BASELINE_COLUMN = {  # README "What the KPIs mean": the baseline column
    "retention_rate": PERCENT,
    "customers_active_end": mean("{:,.0f}"),
    "fcr": PERCENT,
    "escalation_rate": PERCENT,
    "handoffs_per_case": mean("{:.2f}"),
    "repeat_contact_rate": PERCENT,
    "channel_switch_rate": PERCENT,
    "complaint_rate": PERCENT,
    "silent_churn_share": PERCENT,
    "csat": PERCENT,
    "nps": mean("{:+.0f}"),
    "ces": mean("{:.2f}"),
    "effort_per_customer_year": mean("{:.2f}"),
    "referrals": mean("{:,.0f}"),
    "public_complaints": mean("{:,.1f}"),
    "acquisitions_lost_to_reputation": mean("{:,.0f}"),
    "translation_loss": mean("{:.3f}"),
    "rework_rate": PERCENT,
}
STAGES = ("expression", "interpretation", "verification", "handoff", "delivery")
SURVEY_COLUMNS = {  # docs/surveys.md, measured against true: (level, gap)
    "csat": (PERCENT, mean("{:+.1f}", 100)),  # the gap in percentage points
    "ces": (mean("{:.2f}"), mean("{:+.2f}")),
    "nps": (mean("{:+.1f}"), mean("{:+.1f}")),
    "ease": (mean("{:.2f}"), mean("{:+.2f}")),
}
ACTING_COLUMNS = (  # docs/surveys.md, against no surveys
    ("retention_rate", difference("{:+.1f}", 100, " pts")),
    ("profit", difference("{:+.1%}")),
    ("nps", difference("{:+.1f}")),
    ("costs.surveys", difference("{:,.0f}")),
)


def set_cells(text: str, rows: dict[str, list[str]], first: int) -> str:
    """Markdown ``text`` with cells ``first``.. of each table row keyed in ``rows`` replaced.

    A row's key is its first cell without backticks, up to any space (``hire_cheapest`` for
    "`hire_cheapest` (vs workforce dynamics)").
    """
    rows, out = dict(rows), []
    for line in text.splitlines(keepends=True):
        cells = [c.strip() for c in line.strip()[1:-1].split("|")] if line.startswith("| ") else []
        key = cells[0].replace("`", "").split(" (")[0].split(",")[0] if cells else None
        if key in rows:
            new = rows.pop(key)
            cells[first : first + len(new)] = new
            line = "|" + "|".join(f" {cell} " if cell else " " for cell in cells) + "|\n"
        out.append(line)
    if rows:
        sys.exit(f"no table row for {sorted(rows)}")
    return "".join(out)


def differences(c: ScenarioComparison, columns: tuple[tuple[str, Show], ...]) -> dict:
    """Each alternative's differences from the reference (profit relative), by name."""
    return {
        s.name: [
            show(c.relative(s, kpi) if kpi == "profit" else c.difference(s, kpi))
            for kpi, show in columns
        ]
        for s in c.alternatives
    }


def run(scenarios: list[Scenario], replications: int) -> ScenarioComparison:
    """Paired replications of ``scenarios`` (the first is the reference), on every core."""
    print(f"comparing {len(scenarios)} scenarios x {replications} replications", flush=True)
    return compare(scenarios, replications, scenarios[0].seed)


def baseline_column(c: ScenarioComparison) -> dict[str, list[str]]:
    """The baseline's replicated means for the README's KPI table."""
    base = c.reference

    def m(kpi: str) -> float:
        return c.mean(base, kpi).mean

    rows = {kpi: [show(c.mean(base, kpi))] for kpi, show in BASELINE_COLUMN.items()}
    rows["positive_word_of_mouth"] = [
        f"{m('positive_word_of_mouth'):,.0f}, {m('negative_word_of_mouth'):,.0f}"
    ]
    stages = (f"{m(f'translation_loss_by_stage.{s}'):.3f}" for s in STAGES)
    rows["translation_loss_by_stage"] = [" / ".join(stages)]
    rows["revenue"] = [f"profit {m('profit') / 1e6:.2f} M on {m('revenue') / 1e6:.1f} M"]
    rows["cost_per_contact"] = [
        f"phone {m('cost_per_contact.phone'):.2f}, chat {m('cost_per_contact.chat'):.2f}, "
        f"supervisors {m('cost_per_contact.supervisors'):.2f}"
    ]
    rows["contact_centre"] = [
        f"phone: ASA {m('channels.phone.asa_minutes'):.2f} min, abandonment "
        f"{m('channels.phone.abandonment_rate'):.1%}, occupancy "
        f"{m('channels.phone.occupancy'):.0%}, "
        f"service level {m('channels.phone.service_level'):.0%}"
    ]
    return rows


def readme() -> None:
    """The KPI table's baseline column and the scenario library table of README.md."""
    files = {name: load_scenario(library_scenario(name)) for name in ("baseline", *LIBRARY)}
    library = run(list(files.values()), 10)
    dynamics = [files["workforce_dynamics"]] + [
        load_scenario(library_scenario(name)) for name in WORKFORCE
    ]
    workforce = run(dynamics, 10)
    record = [files["shared_customer_record"]] + [
        load_scenario(library_scenario(name)) for name in RECOGNITION
    ]
    recognition = run(record, 10)
    by_name = (
        differences(library, LIBRARY_COLUMNS)
        | differences(workforce, LIBRARY_COLUMNS)
        | differences(recognition, LIBRARY_COLUMNS)
    )
    scenarios = [*files.values(), *dynamics[1:], *record[1:]]
    compared = [*LIBRARY, *WORKFORCE, *RECOGNITION]
    names = dict(zip(["baseline", *compared], [s.name for s in scenarios], strict=True))
    text = set_cells(README.read_text(), {f: by_name[names[f]] for f in compared}, 2)
    README.write_text(set_cells(text, baseline_column(library), 2))
    empowered = next(s for s in library.alternatives if s.name == names["empowered_frontline"])
    print("check the prose after the KPI table (baseline -> empowered_frontline):")
    for kpi in ("fcr", "escalation_rate", "ces", "retention_rate", "profit"):
        print(f"  {kpi}: {library.mean(library.reference, kpi)} -> {library.mean(empowered, kpi)}")


def workshop() -> None:
    """docs/workshop.md: levers from day 0, and decisions on day 91 (a year, 20 paired runs)."""
    base = load_scenario(library_scenario("workforce_dynamics"), horizon__days=365)
    variants = [
        apply_levers(base, levers).model_copy(update={"name": label})
        for label, levers in WORKSHOP_LEVERS.items()
    ]
    decided = [
        scenario_from_dict(
            {
                **base.model_dump(),
                "name": f"{label} on day {day}",
                "decisions": [{"day": day, "set": lever_changes(base, _levers(base, levers))}],
            }
        )
        for label, (day, levers) in WORKSHOP_DECISIONS.items()
    ]
    c = run([base, *variants, *decided], 20)
    levers = {k: v for k, v in differences(c, WORKSHOP_COLUMNS).items() if k in WORKSHOP_LEVERS}
    text = set_cells(WORKSHOP.read_text(), levers, 1)
    rows = {
        s.name: [
            show(_series_difference(c, s, column, day))
            for day in (182, 364)
            for column, show in (("active_customers", COUNT), ("cumulative_profit", THOUSANDS))
        ]
        for s in c.alternatives
        if " on day " in s.name
    }
    WORKSHOP.write_text(set_cells(text, rows, 1))


def _levers(base: Scenario, levers: dict) -> dict:
    return {**lever_defaults(base), **levers}


def _series_difference(c: ScenarioComparison, s, column: str, day: float) -> Estimate:
    """Paired difference of the weekly series' ``column`` on ``day`` (a week's end)."""

    def values(scenario) -> list[float]:
        return [series[column][series["day"].index(day)] for series in scenario.series]

    return paired_difference(values(c.reference), values(s))


def replace_block(text: str, marker: str, content: str) -> str:
    """``text`` with what lies between ``<!-- marker -->`` and the next ``<!-- end`` replaced."""
    start = text.index(f"<!-- {marker} -->\n") + len(f"<!-- {marker} -->\n")
    end = text.index("<!-- end", start)
    return text[:start] + content + text[end:]


RANKING_REPLICATIONS = 30  # the relationship survey's AUCs rest on under 200 answers a run


def surveys() -> None:
    """docs/surveys.md: measured against true, the indicator rankings, acting on answers."""
    names = ("baseline", "surveys", "wrong_questions", "acting_on_feedback")
    files = [load_scenario(library_scenario(name)) for name in names]
    c = run(files, 10)
    surveyed = next(s for s in c.alternatives if s.name == files[1].name)
    rows = {}
    for question, (show, show_gap) in SURVEY_COLUMNS.items():
        key = f"surveys.{question}"
        rows[question] = [
            show(c.mean(surveyed, f"{key}.measured")),
            show(c.mean(surveyed, f"{key}.true")),
            show_gap(c.mean(surveyed, f"{key}.gap")),
            f"{c.mean(surveyed, f'{key}.responses').mean:,.0f}",
        ]
    text = set_cells(SURVEYS.read_text(), rows, 1)
    acted = differences(c, ACTING_COLUMNS)
    text = set_cells(text, {n: acted[f.name] for n, f in zip(names[1:], files[1:], strict=True)}, 2)
    for name in ("surveys", "wrong_questions"):
        print(f"ranking indicators of {name}", flush=True)
        ranking = rank_indicators(load_scenario(library_scenario(name)), RANKING_REPLICATIONS)
        tables = (
            "Customer level: AUC for leaving within 182 days.\n\n"
            + ranking.markdown("customer")
            + "\nOrganisation level: correlation of the weekly figure with the share lost over "
            "the next 182 days.\n\n" + ranking.markdown("organisation")
        )
        text = replace_block(text, f"measures: {name}", tables)
        if name == "surveys":
            text = replace_block(text, "effort: surveys", effort_sentence(ranking) + "\n")
    SURVEYS.write_text(text)


CALIBRATED = ROOT / "results" / "calibrate-example"
OPTIONS = ROOT / "experiments" / "calibrate" / "example_options"
REPORT = ROOT / "results" / "report-example"
SHOTS = ROOT / "docs" / "report"


def _cxsim(*arguments: str) -> None:
    print("cxsim", *arguments, flush=True)
    subprocess.run([sys.executable, "-m", "cxsim", *arguments], check=True, cwd=ROOT)


def _screenshots(page_file: Path) -> None:
    """The report's first screen, and its cost and robustness parts, as a reader sees them."""
    from playwright.sync_api import sync_playwright

    from cxsim.report.pdf import browser

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=browser(), args=["--no-sandbox"])
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        page.goto(page_file.as_uri())
        page.screenshot(path=str(SHOTS / "summary.png"))
        for name, first, last in (
            ("costs.png", "What each change costs", "Key figures"),
            ("over_time.png", "Customers and profit over time", "What each change costs"),
            ("robustness.png", "How sure is this?", "Assumptions"),
        ):
            top = page.locator(f"h2:has-text('{first}')").bounding_box()["y"]
            bottom = page.locator(f"h2:has-text('{last}')").bounding_box()["y"]
            clip = {"x": 0, "y": top - 10, "width": 1280, "height": bottom - top}
            page.screenshot(path=str(SHOTS / name), clip=clip, full_page=True)
        chromium.close()


def report() -> None:
    """The example client's options compared against its calibrated today (README)."""
    if not (CALIBRATED / "calibrated.yaml").exists():
        _cxsim("calibrate", "example_client", "--out", str(CALIBRATED))
    for option in OPTIONS.glob("*.yaml"):
        shutil.copyfile(option, CALIBRATED / option.name)
    names = ("calibrated", "authority_250", "authority_250_trained", "three_more_agents")
    _cxsim(
        "compare",
        *(str((CALIBRATED / f"{name}.yaml").relative_to(ROOT)) for name in names),
        "--reps",
        "20",
        "--days",
        "1095",
        "--robust",
        "loose",
        "--pdf",
        "--out",
        str(REPORT.relative_to(ROOT)),
        "--quiet",
    )
    _screenshots(REPORT / "report.html")
    print(f"report: {REPORT / 'report.html'}; screenshots in {SHOTS}")


GUIDE_SHOTS = ROOT / "docs" / "workshop"
# The guide's example room: (team, day, [(lever label, choice or None for a switch)])
ROOM_DECISIONS = (
    ("North", 91, [("Training programme", "frontline skills")]),
    ("South", 91, [("One shared customer record", None)]),
    ("East", 0, [("We hire", "for attitude and learning")]),
)
SHOCK = "Demand pulse"  # hidden in round 3


def workshop_screens() -> None:
    """docs/workshop.md's screenshots of a real room, and the measured Step time."""
    from playwright.sync_api import sync_playwright

    from cxsim.report.pdf import browser

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "cxsim", "demo", "--port", str(port), "--no-open"],
        env={**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"},
        cwd=ROOT,
    )
    url = f"http://localhost:{port}/"
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    GUIDE_SHOTS.mkdir(exist_ok=True)
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=browser(), args=["--no-sandbox"])

            def window(path: str = "") -> object:
                context = chromium.new_context(viewport={"width": 1600, "height": 1350})
                page = context.new_page()
                page.goto(url + path)
                return page

            facilitator = window("facilitator")
            _choose(facilitator, "Shock (the teams are not told)", SHOCK)
            _choose(facilitator, "in round", "3")
            facilitator.get_by_role("button", name="Use this plan").click()
            facilitator.get_by_text("round 3: Demand pulse").wait_for()
            west = window()
            _step_time(west, "West")  # a team that decides nothing: today's twin
            _play_rounds(west, "West", -1, [])
            for name, day, decisions in ROOM_DECISIONS:
                page = window()
                _join(page, name)
                _play_rounds(page, name, day, decisions)
            facilitator.get_by_text("East: Day 0").wait_for(timeout=60_000)
            facilitator.screenshot(path=str(GUIDE_SHOTS / "facilitator.png"))
            started = time.perf_counter()
            facilitator.get_by_role("button", name="Run the debrief").click()
            table = facilitator.locator("table", has_text="10 runs")
            table.wait_for(timeout=1_800_000)
            print(f"debrief: {time.perf_counter() - started:.0f} s", flush=True)
            facilitator.locator(".v-card", has=table).screenshot(
                path=str(GUIDE_SHOTS / "debrief.png")
            )
            chromium.close()
    finally:
        server.terminate()
        server.wait()
    print(f"screenshots in {GUIDE_SHOTS}")


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` (the start of its text) in the drop-down list called ``label``."""
    page.locator(".v-select", has_text=label).locator(".v-select__slot").click()
    page.locator(
        ".v-menu__content.menuable__content__active .v-list-item", has_text=option
    ).first.click()
    page.locator(".v-menu__content.menuable__content__active").wait_for(state="detached")


def _join(page, name: str) -> None:
    page.get_by_label("Team name").fill(name)
    page.get_by_role("button", name="Join").click()
    page.locator(".cx-headline", has_text="Day 0.").wait_for(timeout=120_000)


def _step_time(page, name: str) -> None:
    """Step plus redraw of one day, over 30 days from day 0 (printed for the guide)."""
    _join(page, name)
    page.get_by_role("button", name="1", exact=True).click()
    frames = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
    times = []
    for day in range(1, 31):
        start = time.perf_counter()
        page.get_by_role("button", name="Step").click()
        page.locator(".cx-headline", has_text=f"Day {day}.").wait_for()
        page.evaluate(frames)
        times.append(time.perf_counter() - start)
    print(
        f"Step + redraw of one day, 30 steps: mean {statistics.mean(times):.2f} s, "
        f"median {statistics.median(times):.2f} s, longest {max(times):.2f} s",
        flush=True,
    )


def _play_rounds(page, name: str, decision_day: int, decisions: list) -> None:
    """Play every round a month per step, deciding on ``decision_day``; North's screenshots."""
    started = time.perf_counter()
    page.get_by_role("button", name="30", exact=True).click()
    day = int(page.inner_text(".cx-headline").split(".")[0].removeprefix("Day "))
    while True:
        if day == decision_day:
            for label, choice in decisions:
                if choice is None:
                    page.get_by_text(label).first.click()  # a switch
                else:
                    _choose(page, label, choice)
            page.get_by_text(f"Day {day}: ").first.wait_for()
            if name == "North":
                page.mouse.move(1590, 1340)  # no tooltip over the page
                page.screenshot(path=str(GUIDE_SHOTS / "decision.png"))
        start = page.get_by_role("button", name="Start round")
        if day and day % Plan().round_days == 0:  # a round's end: its card may come after
            start.or_(page.get_by_text("The last round is over")).first.wait_for()  # the day
        if page.get_by_text("The last round is over").count():
            break
        if start.count():
            start.click()
        page.get_by_role("button", name="Step").click()
        page.wait_for_function(
            "d => !document.querySelector('.cx-headline').textContent.startsWith(`Day ${d}.`)",
            arg=day,
        )
        day = int(page.inner_text(".cx-headline").split(".")[0].removeprefix("Day "))
    if name == "North":
        page.mouse.move(1590, 1340)
        page.screenshot(path=str(GUIDE_SHOTS / "team_end.png"))
    print(f"{name} played to day {day} in {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    {
        "readme": readme,
        "workshop": workshop,
        "workshop-screens": workshop_screens,
        "surveys": surveys,
        "report": report,
    }[sys.argv[1]]()

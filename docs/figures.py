"""Regenerate the replicated figures of README.md and docs/workshop.md in place.

Run after a change meant to move results: ``python docs/figures.py readme`` (about 25 minutes
on two cores), ``python docs/figures.py workshop`` (about 5), ``python docs/figures.py
surveys`` (about 4) and ``python docs/figures.py report`` (the example client's board report
and its screenshots in docs/report/: about 20 minutes, plus 17 for its calibration when
results/calibrate-example holds none). Each runs the paired
comparisons a document quotes and rewrites the figure cells of its tables, keeping every other
word; figures quoted in prose are printed, to be checked by hand.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from cxsim.comparison import ScenarioComparison, compare
from cxsim.demo.levers import apply_levers
from cxsim.library import library_scenario
from cxsim.measures import rank_indicators
from cxsim.report.measures_report import effort_sentence
from cxsim.scenario import Scenario, load_scenario
from cxsim.statistics import Estimate

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
    """The replicated lever table of docs/workshop.md (a year, 20 paired runs)."""
    base = load_scenario(library_scenario("workforce_dynamics"), horizon__days=365)
    variants = [
        apply_levers(base, levers).model_copy(update={"name": label})
        for label, levers in WORKSHOP_LEVERS.items()
    ]
    rows = differences(run([base, *variants], 20), WORKSHOP_COLUMNS)
    WORKSHOP.write_text(set_cells(WORKSHOP.read_text(), rows, 1))


def replace_block(text: str, marker: str, content: str) -> str:
    """``text`` with what lies between ``<!-- marker -->`` and the next ``<!-- end`` replaced."""
    start = text.index(f"<!-- {marker} -->\n") + len(f"<!-- {marker} -->\n")
    end = text.index("<!-- end", start)
    return text[:start] + content + text[end:]


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
        ranking = rank_indicators(load_scenario(library_scenario(name)), 10)
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


if __name__ == "__main__":
    {"readme": readme, "workshop": workshop, "surveys": surveys, "report": report}[sys.argv[1]]()

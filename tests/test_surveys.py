"""Surveys (issue 21): who answers, what they answer, measured against true, and acting on it."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import small_library
from typer.testing import CliRunner

from cxsim.agents.customer import Customer
from cxsim.cli import app
from cxsim.comparison import compare
from cxsim.experiment import available_kpis
from cxsim.kpis import CSAT_SATISFIED, summarise
from cxsim.library import library_scenario
from cxsim.measures import WINDOW_DAYS, indicator_scores, rank_indicators
from cxsim.mechanisms.loyalty import nps_group
from cxsim.mechanisms.surveys import SCALES, answer, response_probability, scores
from cxsim.model import ServiceOrganisation
from cxsim.organisation.surveys import UNANSWERED
from cxsim.report.comparison_report import _survey_table
from cxsim.runner import run_replications, simulate
from cxsim.scenario import ScenarioError, load_scenario
from cxsim.statistics import paired_difference

runner = CliRunner()
RELATIONSHIP = "surveys.1"  # the relationship survey of surveys.yaml


@cache
def _year_scores() -> dict[str, float]:
    """``indicator_scores`` of the small ``surveys`` scenario over a year (two tests read it)."""
    return indicator_scores(small_library("surveys"))


@pytest.fixture(scope="module")
def surveyed() -> ServiceOrganisation:
    """One run of the small ``surveys`` scenario, for the tests that only read it."""
    return simulate(small_library("surveys"))


# --- the formulas ------------------------------------------------------------------------
@pytest.mark.parametrize("state", np.linspace(0.003, 0.997, 100))  # off the cut points
def test_a_noiseless_answer_puts_the_customer_where_the_model_does(state: float) -> None:
    assert (answer("csat", state, 0.0, 0.0) >= 4) == (state >= CSAT_SATISFIED)
    group = {9: "promoter", 10: "promoter", 7: "passive", 8: "passive"}
    assert group.get(answer("nps", state, 0.0, 0.0), "detractor") == nps_group(state)
    assert answer("ces", state, 0.0, 0.0) == 1 + math.floor(6 * state + 0.5)


def test_answers_stay_on_their_scales_and_lean_the_favourable_way() -> None:
    for question, scale in SCALES.items():
        assert answer(question, -5.0, 0.0, 0.0) == scale.low
        assert answer(question, 5.0, 0.0, 0.0) == scale.low + len(scale.cuts)
    assert answer("csat", 0.69, 0.0, 0.03) == 4  # leniency lifts a satisfaction answer
    assert answer("ces", 3.6 / 6, 0.0, 0.03) == 4  # and lowers an effort answer (4.6 -> 4)
    assert list(scores("nps", np.array([10, 8, 3]))) == [100.0, 0.0, -100.0]


def test_the_unhappy_and_the_delighted_answer_more_the_silent_less() -> None:
    lukewarm, unhappy, delighted = (
        response_probability(0.2, x, 1.0, False, 0.5) for x in (0.5, 0.1, 0.95)
    )
    assert lukewarm == pytest.approx(0.2) and unhappy > lukewarm and delighted > lukewarm
    assert response_probability(0.2, 0.1, 1.0, True, 0.5) == pytest.approx(unhappy / 2)
    assert response_probability(0.9, 0.0, 5.0, False, 1.0) == 1.0


# --- the scenario block ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("surveys", "expected"),
    [
        (
            "[{kind: post_case, questions: [nps]}]",
            "surveys.0.questions.0: expected one of csat, ces",
        ),
        (
            "[{kind: post_case, questions: [csat]}, {kind: relationship, questions: [nps, csat]}]",
            "surveys.1.questions.1: expected one of nps, satisfaction, ease",
        ),
        ("[{kind: post_case, questions: [csat, csat]}]", "surveys.0.questions: expected each"),
        ("[{kind: relationship, questions: []}]", "surveys.0.questions"),
        ("[{kind: weekly, questions: [nps]}]", "surveys.0.kind"),
        ("[{kind: post_case, questions: [ces], response_rate: 1.5}]", "surveys.0.response_rate"),
    ],
)
def test_a_bad_survey_is_one_located_line(tmp_path: Path, surveys: str, expected: str) -> None:
    path = tmp_path / "client.yaml"
    path.write_text(f"extends: baseline.yaml\nsurveys: {surveys}\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert "\n" not in message and str(path) in message and expected in message, message


def test_a_question_is_asked_by_one_survey_only(tmp_path: Path) -> None:
    path = tmp_path / "client.yaml"
    path.write_text(
        "extends: baseline.yaml\nsurveys:\n  - {kind: relationship, questions: [nps]}\n"
        "  - {kind: relationship, questions: [ease, nps], every_days: 30}\n"
    )
    with pytest.raises(ScenarioError, match=r"surveys\.1\.questions: expected questions not"):
        load_scenario(path)


# --- measured against true ---------------------------------------------------------------
def test_a_survey_everyone_answers_truthfully_measures_the_truth() -> None:
    model = simulate(
        small_library(
            "surveys",
            *(
                f"surveys.{i}.{key}"
                for i in (0, 1)
                for key in (
                    "response_rate=1",
                    "extremity_lift=0",
                    "silent_response_factor=1",
                    "noise_sd=0",
                    "leniency=0",
                )
            ),
        )  # fmt: skip
    )
    measured = summarise(model)["surveys"]
    assert measured["response_rate"] == 1.0
    for question in ("csat", "ces", "nps", "ease"):
        assert measured[question]["gap"] == pytest.approx(0.0, abs=1e-12), question
        assert measured[question]["responses"] > 50


def test_a_question_nobody_answers_reports_nothing_measured_not_a_zero() -> None:
    model = simulate(small_library("surveys", f"{RELATIONSHIP}.response_rate=0"))
    summary = summarise(model)
    nps = summary["surveys"]["nps"]
    assert nps["responses"] == 0 and nps["true"] is not None
    assert nps["measured"] is None and nps["low"] is None and nps["gap"] is None
    assert summary["surveys"]["csat"]["measured"] is not None  # the post-case survey answers
    json.dumps(summary, allow_nan=False)  # summary.json: null, never NaN


def test_silent_customers_answering_less_makes_the_survey_flattering() -> None:
    """Stated direction (cxsim.mechanisms.surveys): customers who kept a problem to themselves
    answer less, so the relationship survey's NPS reads better than the truth, and the more
    so the quieter they are. (Its ease question reads worse: the customers it misses had no
    case to find hard.) Three paired seeds."""
    neutral = [f"{RELATIONSHIP}.{k}" for k in ("extremity_lift=0", "noise_sd=0", "leniency=0",
                                                 "response_rate=0.3")]  # fmt: skip
    for seed in range(3):
        fair, quiet = (
            summarise(simulate(small_library("surveys", f"seed={seed}", *neutral,
                f"{RELATIONSHIP}.silent_response_factor={factor}")))["surveys"]["nps"]
            for factor in (1.0, 0.2)
        )  # fmt: skip
        assert quiet["gap"] > max(0.0, fair["gap"]) + 3, (seed, fair, quiet)


def test_leniency_lifts_what_is_measured_and_not_what_is_true() -> None:
    plain, lenient = (
        summarise(simulate(small_library("surveys", f"surveys.0.leniency={x}")))["surveys"]["csat"]
        for x in (0.0, 0.1)
    )
    assert lenient["true"] == plain["true"]
    assert lenient["measured"] > plain["measured"] + 0.02


def test_a_run_with_surveys_reports_measured_and_true_side_by_side(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(
        app,
        ["run", "surveys", "--set", "customers.initial=300", "--days", "200", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "What the surveys measured" in result.output
    summary = json.loads((out / "summary.json").read_text())["surveys"]
    for question in ("csat", "ces", "nps", "ease"):
        m = summary[question]
        assert m["low"] <= m["measured"] <= m["high"] and m["gap"] == m["measured"] - m["true"]
    answers = pd.read_parquet(out / "survey_answers.parquet")
    assert set(answers.question) == {"csat", "ces", "nps", "ease"}
    series = pd.read_csv(out / "timeseries.csv")
    assert series["measured_csat"].notna().any()
    assert math.isnan(series["measured_nps"].iloc[0])  # no wave before day 91


def test_the_board_report_shows_what_the_surveys_measured_beside_the_truth() -> None:
    c = compare([small_library("baseline"), small_library("surveys")], 2, 42, jobs=2)
    table = _survey_table(c)
    assert "What the surveys tell" in table and "True (all invited)" in table
    assert all(q.upper() in table for q in ("CSAT", "CES", "NPS", "EASE"))
    assert "&ndash;" in table  # the baseline asks nothing
    assert _survey_table(compare([small_library("baseline")], 2, 42, jobs=2)) == ""


def test_surveys_that_nobody_acts_on_change_nothing_but_the_bill(
    surveyed: ServiceOrganisation,
) -> None:
    plain = summarise(simulate(small_library("baseline")))
    surveyed = summarise(surveyed)
    assert surveyed["retention_rate"] == plain["retention_rate"]
    assert surveyed["customers_active_end"] == plain["customers_active_end"]
    assert surveyed["profit"] == pytest.approx(plain["profit"] - surveyed["costs"]["surveys"])
    assert "surveys" not in plain


# --- acting on the answers -----------------------------------------------------------------
def test_acting_on_survey_findings_fixes_problems_and_keeps_customers() -> None:
    """Seed 000 ("soliciting feedback but failing to act on the insights"): the same surveys,
    read and acted on, make incidents rarer after the loop's lag and keep more customers.
    Six paired replications, 400 customers (a firm scaled whole) over two years, fixes of 2% per
    finding."""
    size = ("horizon.days=730", "feedback_loop.fix_per_report=0.02")
    ignored, acted = (small_library(name, *size) for name in ("surveys", "acting_on_feedback"))
    model = simulate(acted)
    assert model.counters["survey_findings_acted_on"] > 20
    assert model.feedback.incident_factor < 0.9
    assert model.counters["feedback_reports"] == 0  # complaints are not reported: surveys only
    before, after = run_replications(ignored, 6, 2), run_replications(acted, 6, 2)
    retention = paired_difference(
        [r["retention_rate"] for r in before], [r["retention_rate"] for r in after]
    )
    assert retention.low > 0, retention


# --- which measure warns first -------------------------------------------------------------
def test_the_ranking_scores_every_indicator_the_scenario_offers(
    surveyed: ServiceOrganisation,
) -> None:
    """Structure only: the direction (effort beats CSAT, CEB 2010) is a stylised fact that
    ``cxsim validate`` checks (tests/test_calibration.py runs it)."""
    ranking = rank_indicators(small_library("surveys"), 2, 2)
    customer = ranking.table[ranking.table.level == "customer"]
    assert set(customer.key) == {
        "csat", "ces", "nps", "ease", "not_fcr", "repeat_contacts", "complaint", "escalated",
        "true_case_experience", "true_case_effort",
    }  # fmt: skip
    ranked = customer["low"].notna()  # those with an interval first, each part by its mean
    assert list(ranked) == sorted(ranked, reverse=True)
    for part in (customer[ranked], customer[~ranked]):
        assert list(part["mean"]) == sorted(part["mean"], reverse=True)
    assert customer["mean"].between(0, 1).all()
    paired = customer[customer.replications >= 2]  # one run's score has no interval
    assert {"ces", "csat", "true_case_effort"} <= set(paired.key)
    assert (paired["low"] <= paired["mean"]).all() and (paired["mean"] <= paired["high"]).all()
    assert paired["low"].between(0, 1).all() and paired["high"].between(0, 1).all()
    assert customer[customer.replications < 2]["low"].isna().all()
    assert ranking.effort_beats_satisfaction.n == 2
    weekly = ranking.table[ranking.table.level == "organisation"]
    assert {"measured_csat", "work_pressure"} <= set(weekly.key)
    assert weekly["mean"].between(-1, 1).all()
    assert weekly["low"].between(-1, 1).all() and weekly["high"].between(-1, 1).all()
    weeks = _year_scores()["weeks.work_pressure"]
    rows = surveyed.datacollector.get_model_vars_dataframe()
    after_warmup = int((rows["day"] > surveyed.params.warmup.days).sum())
    assert weeks == after_warmup - round(WINDOW_DAYS / 7)  # no day-0 row, no warm-up weeks


def test_a_relationship_figure_needs_three_waves_for_a_weekly_correlation() -> None:
    """Quarterly waves over a year leave the weeks that see the 182-day window out two values
    of ease and NPS: their correlation would only say which way one wave moved (and came out
    the same for both). Over two years they have six and are scored."""
    year = _year_scores()
    assert "lead.measured_ease" not in year and "lead.measured_nps" not in year
    assert "lead.work_pressure" in year and "lead.measured_csat" in year
    two_years = indicator_scores(small_library("surveys", "horizon.days=730"))
    assert two_years["lead.measured_ease"] != two_years["lead.measured_nps"]


def test_cxsim_measures_writes_its_report_and_refuses_a_folder_it_did_not_make(
    tmp_path: Path,
) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("mine")
    args = ["measures", "surveys", "--reps", "2", "--days", "300", "--window", "91",
            "--set", "customers.initial=300"]  # fmt: skip
    refused = runner.invoke(app, [*args, "--out", str(theirs)])
    assert refused.exit_code == 2 and (theirs / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in theirs.iterdir()) == ["notes.txt"]
    too_long = runner.invoke(
        app, ["measures", "surveys", "--window", "800", "--out", str(tmp_path / "x")]
    )
    assert too_long.exit_code == 2 and "--window" in too_long.output
    assert not (tmp_path / "x").exists()
    out = tmp_path / "measures"
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {"measures.md", "measures.csv", "measures.png"} <= {p.name for p in out.iterdir()}
    text = (out / "measures.md").read_text()
    assert "Effort answer after a case (CES)" in text and "95% interval" in text


def test_a_client_measured_figure_can_be_a_calibration_target() -> None:
    """A client's NPS comes from its survey: calibrate the measured figure, not the truth."""
    known = available_kpis(load_scenario(library_scenario("surveys")))
    assert {"surveys.nps.measured", "surveys.csat.measured", "surveys.ces.true"} <= set(known)
    assert not any(
        k.startswith("surveys.")
        for k in available_kpis(load_scenario(library_scenario("baseline")))
    )


def test_a_segment_that_answers_more_readily_is_heard_more() -> None:
    def response_rates(*assignments: str) -> dict[str, float]:
        model = simulate(small_library("surveys", *assignments))
        segment = {c.unique_id: c.traits.segment for c in model.agents_by_type[Customer]}
        answered: dict[str, list[bool]] = {}
        for row in model.surveys.answers:
            if row.survey == 0 and row.question == "csat":
                answered.setdefault(segment[row.customer_id], []).append(row.point != UNANSWERED)
        return {name: float(np.mean(flags)) for name, flags in answered.items()}

    plain = response_rates()
    keen = response_rates("surveys.0.segment_response=[{segment: key_accounts, factor: 3}]")
    assert keen["key_accounts"] > 2 * plain["key_accounts"]
    assert keen["mid_market"] == pytest.approx(plain["mid_market"], abs=0.03)


def test_a_segment_response_names_a_segment(tmp_path: Path) -> None:
    path = tmp_path / "client.yaml"
    path.write_text(
        "extends: surveys.yaml\nsurveys:\n  - kind: post_case\n    questions: [csat]\n"
        "    segment_response: [{segment: key accounts, factor: 2}]\n"
    )
    with pytest.raises(
        ScenarioError,
        match=r"segment_response\.0\.segment: expected one of the customer segments \(key_acc",
    ):
        load_scenario(path)


def test_a_finding_that_is_not_about_an_incident_costs_its_analysis_and_fixes_nothing() -> None:
    model = ServiceOrganisation(small_library("surveys"))
    model.feedback.report("survey_findings_acted_on", fix=False)
    model.feedback.report("survey_findings_acted_on", fix=True)
    model.run(model.params.feedback_loop.lag_days + 1)
    loop = model.params.feedback_loop
    assert model.counters["survey_findings_acted_on"] == 2
    assert model.ledger.costs["feedback_loop"] == 2 * loop.cost_per_report
    assert model.feedback.incident_factor == pytest.approx(1 - loop.fix_per_report)


@pytest.mark.parametrize(("survey", "kept"), [(0, "csat"), (1, "ease")])
def test_two_designs_of_one_survey_invite_and_hear_the_same_customers(
    survey: int, kept: str, surveyed: ServiceOrganisation
) -> None:
    """Common random numbers between survey designs: asking fewer questions draws the same,
    after a case and in the relationship survey's waves."""
    both = surveyed.surveys.answers
    fewer = simulate(
        small_library("surveys", f"surveys.{survey}.questions=[{kept}]")
    ).surveys.answers

    def answers(rows):
        return [(r.customer_id, r.day, r.point) for r in rows if r.question == kept]

    assert answers(both) and answers(both) == answers(fewer)


def test_a_smaller_sample_is_part_of_a_larger_one_and_its_customers_answer_the_same() -> None:
    """Common random numbers between sample sizes: halving both surveys' samples invites a
    subset of the same invitations (a closed case, a customer at a wave), and everyone
    invited in both designs answers (or not) with the same points."""
    everyone = small_library("surveys", "surveys.1.sample_share=1.0")
    half = small_library("surveys", "surveys.0.sample_share=0.5", "surveys.1.sample_share=0.5")

    def invited(surveys) -> dict[tuple, int]:
        return {(r.survey, r.question, r.customer_id, r.day): r.point for r in surveys.answers}

    large, small = invited(simulate(everyone).surveys), invited(simulate(half).surveys)
    assert 0.4 * len(large) < len(small) < 0.6 * len(large)
    assert {key: large[key] for key in small} == small
    assert any(point != UNANSWERED for point in small.values())


def test_adding_a_survey_of_another_kind_leaves_the_others_answers_as_they_were(
    surveyed: ServiceOrganisation,
) -> None:
    """A survey's streams are keyed by its kind and number among that kind, not its place in
    the list: dropping the post-case survey in front of the relationship survey leaves every
    invitation and answer of the relationship survey the same."""
    params = surveyed.params
    assert [s.kind for s in params.surveys] == ["post_case", "relationship"]
    both = surveyed.surveys
    alone = params.model_copy(update={"surveys": params.surveys[1:]})
    relationship_only = simulate(alone).surveys

    def relationship(surveys) -> list[tuple]:
        return [
            (r.question, r.customer_id, r.day, r.point)
            for r in surveys.answers
            if surveys.specs[r.survey].kind == "relationship"
        ]

    assert relationship(both) and relationship(both) == relationship(relationship_only)

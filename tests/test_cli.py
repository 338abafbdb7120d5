"""The command line: outputs of a run, and bad input refused with exit code 2."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cxsim.cli import app

runner = CliRunner()

REQUIRED = [
    "retention_rate",
    "customers_active_end",
    "revenue",
    "costs",
    "profit",
    "npv",
    "csat",
    "nps",
    "ces",
    "fcr",
    "escalation_rate",
    "handoffs_per_case",
    "complaint_rate",
    "silent_churn_share",
    "translation_loss",
    "translation_loss_by_stage",
    "rework_rate",
    "contact_centre",
    "scenario",
    "seed",
    "parameter_hash",
]
CONTACT_CENTRE = [
    "asa_minutes",
    "wait_probability",
    "service_level",
    "abandonment_rate",
    "occupancy",
]


def _numbers(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)
    elif isinstance(value, (int, float)):
        yield value


@pytest.fixture(scope="module")
def run_output(
    tmp_path_factory,
):
    from conftest import BASELINE

    out = tmp_path_factory.mktemp("run") / "baseline"
    result = runner.invoke(
        app,
        [
            "run",
            str(BASELINE),
            "--days",
            "120",
            "--out",
            str(out),
            "--set",
            "customers.initial=300",
        ],
    )
    assert result.exit_code == 0, result.output
    return out, result.output


def test_run_writes_every_output(run_output):
    out, _ = run_output
    expected = {
        "summary.json",
        "timeseries.csv",
        "orders.parquet",
        "cases.parquet",
        "scenario.yaml",
        "active_customers.png",
        "cumulative_profit.png",
        "translation_loss.png",
        "contact_centre_waiting.png",
        "hour_of_week.csv",
        "waits_by_hour_of_week.png",
        "daily_profile.png",
    }
    assert expected <= {p.name for p in out.iterdir()}
    assert all((out / name).stat().st_size > 0 for name in expected)


def test_summary_has_every_kpi_and_no_nan(run_output):
    summary = json.loads((run_output[0] / "summary.json").read_text())
    assert set(REQUIRED) <= set(summary)
    assert set(CONTACT_CENTRE) <= set(summary["contact_centre"])
    assert all(math.isfinite(x) for x in _numbers(summary))
    assert summary["profit"] == pytest.approx(summary["revenue"] - sum(summary["costs"].values()))
    assert summary["currency"] == "EUR"  # the baseline's: the unit of every amount
    assert "Profit (EUR)" in run_output[1]  # and the printed table says it
    assert set(summary["translation_loss_by_stage"]) == {
        "expression",
        "interpretation",
        "verification",
        "handoff",
        "delivery",
    }


def test_timeseries_has_a_row_per_week_and_records_tally(run_output):
    out, _ = run_output
    series = pd.read_csv(out / "timeseries.csv")
    assert list(series["day"][:3]) == [0.0, 7.0, 14.0]
    assert len(series) == 120 // 7 + 2 and series["day"].iloc[-1] == 120.0  # + partial week
    summary = json.loads((out / "summary.json").read_text())
    assert series["revenue"].sum() == pytest.approx(summary["revenue"])
    assert series["referrals"].sum() == summary["referrals"]
    assert series["negative_word_of_mouth"].sum() == summary["negative_word_of_mouth"]
    orders = pd.read_parquet(out / "orders.parquet")
    stages = orders[[c for c in orders if c.startswith("loss_") and c != "loss_total"]]
    assert (stages.sum(axis=1) - orders["loss_total"]).abs().max() < 1e-9
    cases = pd.read_parquet(out / "cases.parquet")
    assert cases["first_contact_resolution"].mean() == pytest.approx(summary["fcr"])


def test_run_prints_headline_kpis(run_output):
    _, output = run_output
    for label in ("Annual retention", "First-contact resolution", "Profit"):
        assert label in output


@pytest.mark.parametrize(
    "args",
    [
        ["--set", "contact_centre.agents=-1"],
        ["--set", "frontline.nonsense=1"],
        ["--set", "contact_centre.agents"],
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, args):
    from conftest import BASELINE

    out = tmp_path / "never"
    proc = subprocess.run(
        [sys.executable, "-m", "cxsim", "run", str(BASELINE), "--out", str(out), *args],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in proc.stderr
    assert not out.exists() and not list(tmp_path.iterdir())


def test_bad_file_names_the_file_and_key(tmp_path):
    bad = tmp_path / "client.yaml"
    bad.write_text("extends: missing_parent.yaml\n")
    result = runner.invoke(app, ["run", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "missing_parent.yaml: file not found" in result.output


def test_bench_smoke_run_writes_results_and_a_table(tmp_path: Path) -> None:
    """A tiny run of the benchmark command (the real benchmark is `make bench`)."""
    pytest.importorskip("ciw")
    result = runner.invoke(
        app,
        [
            "bench",
            "--sizes",
            "100,200",
            "--baseline-sizes",
            "100",
            "--reps",
            "2",
            "--repeats",
            "2",
            "--rep-customers",
            "50",
            "--no-calibration",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    results = json.loads((tmp_path / "results.json").read_text())
    assert [r["customers"] for r in results["sizes"]] == [100, 200]
    assert [r["customers"] for r in results["baseline_sizes"]] == [100]
    assert not any(r["outside_calls"] for r in results["sizes"])
    assert results["baseline_sizes"][0]["outside_calls"]
    # the calls that open no case are most of a baseline year's events
    assert results["baseline_sizes"][0]["events"] > 2 * results["sizes"][0]["events"]
    assert all(r["events"] > 0 and r["peak_memory_mb"] > 0 for r in results["sizes"])
    assert all(
        r["wall_s"] == min(r["wall_s_runs"]) and len(r["wall_s_runs"]) == 2
        for r in results["sizes"]
    )
    assert results["ciw"]["contacts_ciw"] > 0 and results["ciw"]["ratio_cxsim_to_ciw"] > 0
    assert "events/s" in (tmp_path / "results.md").read_text()
    bad = runner.invoke(app, ["bench", "--sizes", "ten", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "--sizes" in bad.output
    bad = runner.invoke(app, ["bench", "--baseline-sizes", "0", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "--baseline-sizes 0" in bad.output
    assert not (tmp_path / "x").exists()


def test_a_firm_without_the_baselines_roster_scales_whole() -> None:
    """``scaled_assignments`` on the schema's organisation (no email roster: it raised)."""
    from cxsim.benchmark import scaled_assignments
    from cxsim.scenario import Scenario, with_overrides

    overrides = scaled_assignments(Scenario(), 0.5)
    scaled = with_overrides(Scenario(), overrides)
    assert scaled.customers.initial == 500 and scaled.contact_centre.agents == 5
    assert (
        scaled.contact_centre.arrival_rate_per_hour
        == Scenario().contact_centre.arrival_rate_per_hour / 2
    )
    assert not any("roster" in assignment for assignment in overrides)
    without_chat = with_overrides(Scenario(), ["channels.chat.agents=0"])
    assert "channels.chat.agents=0" in scaled_assignments(without_chat, 0.5)  # none stays none


def test_every_head_count_scales_specialists_and_each_shift_too() -> None:
    """A rostered phone line and a specialist tier (the baseline has neither) grow with it."""
    from cxsim.benchmark import scaled_assignments
    from cxsim.scenario import Scenario, with_overrides

    rostered = with_overrides(
        Scenario(),
        [
            "contact_centre.agents=null",
            'contact_centre.roster=[{days: mon-fri, start: "08:00", end: "12:00", agents: 14}, '
            '{days: mon-fri, start: "12:00", end: "18:00", agents: 11}]',
            "specialists.count=3",
        ],
    )
    scaled = with_overrides(rostered, scaled_assignments(rostered, 2.0))
    assert [shift.agents for shift in scaled.contact_centre.roster] == [28, 22]
    assert scaled.specialists.count == 6 and scaled.contact_centre.agents is None


def test_benchmark_targets_are_judged_from_the_measurements() -> None:
    from cxsim.benchmark import target_checks

    def results(wall_100k: float, peak_mb: float, ciw: float, speedup: float) -> dict:
        return {
            "sizes": [
                {"customers": 10_000, "wall_s": 6.0, "peak_memory_mb": 200},
                {"customers": 100_000, "wall_s": wall_100k, "peak_memory_mb": peak_mb},
            ],
            "ciw": {"ratio_cxsim_to_ciw": ciw},
            "replications": [
                {"jobs": 1, "replications_per_minute": 40.0},
                {"jobs": 2, "replications_per_minute": 40.0 * speedup},
            ],
        }

    good = target_checks(results(55.0, 800, 0.9, 1.9))
    assert len(good) == 5 and all(met for _, _, met in good)
    calibrated = results(55.0, 800, 0.9, 1.9) | {
        "calibration": {"jobs": 2, "walkthrough": {"wall_s": 1300.0}}
    }
    judged = {target: met for target, _, met in target_checks(calibrated)}
    assert judged["the walkthrough's client calibrated within 20 minutes (2 processes)"] is False
    bad = {target: met for target, _, met in target_checks(results(70.0, 2000, 1.2, 1.5))}
    assert not any(bad.values())  # 70 s is also more than 11x the 6 s at 10,000

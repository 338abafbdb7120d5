"""Calibration to a client's figures: targets files, recovery, conflicts, resuming, Dask."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import distributed
import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT
from typer.testing import CliRunner

from cxsim.calibrate import calibrate
from cxsim.cli import app
from cxsim.comparison import flatten_kpis
from cxsim.fit import Candidate, conflicts
from cxsim.runner import replication_seed, run_summary
from cxsim.scenario import ScenarioError, load_scenario
from cxsim.sweep import RUNS
from cxsim.targets import Targets, load_targets

runner = CliRunner()
CLIENT = ROOT / "scenarios" / "clients" / "example.yaml"
HIDDEN = {"contact_centre.arrival_rate_per_hour": 26.0, "contact_centre.aht_minutes": 10.5}
RECOVERED_WITHIN = 0.05  # share of the hidden value the fitted one must lie within
FREE = {
    "contact_centre.arrival_rate_per_hour": {"low": 15.0, "high": 40.0},
    "contact_centre.aht_minutes": {"low": 6.0, "high": 14.0},
}


def _client(folder: Path) -> Path:
    """The example client, smaller and shorter: runs of a tenth of a second."""
    path = folder / "client.yaml"
    path.write_text(
        f"extends: {CLIENT}\nname: small-client\n"
        "customers: {initial: 100}\nhorizon: {days: 20}\n"
    )
    return path


def _targets(folder: Path, targets: dict, free: dict = FREE, **options: object) -> Path:
    path = folder / "targets.yaml"
    document = {"scenario": "client.yaml", "targets": targets, "free": free}
    document |= {"replications": 2, "budget": 24, "batch": 6, "confirm": 4} | options
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def _observed(scenario: Path, values: dict[str, float], keys: list[str]) -> dict[str, float]:
    """A client's figures: the mean of four runs with ``values``, on seeds the search never uses."""
    params = load_scenario(scenario, [f"{k}={v}" for k, v in values.items()])
    runs = [
        flatten_kpis(run_summary(params.model_copy(update={"seed": replication_seed(7, i, 3)})))
        for i in range(4)
    ]
    return {key: float(np.mean([run[key] for run in runs])) for key in keys}


def test_calibration_recovers_hidden_parameter_values(tmp_path: Path) -> None:
    client = _client(tmp_path)
    keys = ["contact_centre.arrival_rate_per_hour", "contact_centre.occupancy"]
    observed = _observed(client, HIDDEN, keys)
    path = _targets(
        tmp_path, {k: {"value": v, "tolerance": 0.02 * v} for k, v in observed.items()}, budget=60
    )
    targets, base, scenario_file = load_targets(path)
    fit = calibrate(targets, base, scenario_file, tmp_path / "out", jobs=1)
    assert fit.today is not None and fit.today.values != HIDDEN  # the search starts elsewhere
    for key, hidden in HIDDEN.items():
        assert abs(fit.fitted[key] - hidden) <= RECOVERED_WITHIN * hidden, (key, fit.fitted)
    assert all(fit.met().values())
    assert {i.verdict for i in fit.identification()} == {"pinned down"}
    assert fit.roles()["contact_centre.aht_minutes"] == ["contact_centre.occupancy"]


def test_cli_writes_a_calibrated_scenario_that_options_extend(tmp_path: Path) -> None:
    _client(tmp_path)
    path = _targets(
        tmp_path,
        {"contact_centre.occupancy": {"value": 0.7, "tolerance": 0.03, "source": "WFM report"}},
        {"contact_centre.arrival_rate_per_hour": {"low": 15.0, "high": 40.0, "scale": "log"}},
        budget=12,
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["calibrate", str(path), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "1 of 1 targets within tolerance" in result.output
    calibrated = load_scenario(out / "calibrated.yaml")
    fitted = calibrated.contact_centre.arrival_rate_per_hour
    assert calibrated.customers.initial == 100 and 15 <= fitted <= 40 and fitted != 31.5
    text = (out / "calibrated.yaml").read_text()
    assert "# fitted (searched 15-40; was 31.5); moves contact_centre.occupancy" in text
    report = (out / "report.md").read_text()
    assert "| contact_centre.occupancy" in report and "WFM report" in report
    html = (out / "report.html").read_text()
    assert "data:image/png;base64," in html and "<table" in html
    option = tmp_path / "option.yaml"
    option.write_text(
        "extends: out/calibrated.yaml\nname: one-more-agent\ncontact_centre: {agents: 15}\n"
    )
    compared = runner.invoke(
        app,
        [
            "compare",
            str(out / "calibrated.yaml"),
            str(option),
            "--reps",
            "2",
            "--out",
            str(tmp_path / "compare"),
            "--jobs",
            "1",
        ],
    )
    assert compared.exit_code == 0, compared.output
    opening = (tmp_path / "compare" / "report.html").read_text()
    assert "the client?</h2><p>Calibrated with" in opening and "WFM report" in opening
    json.loads((out / "calibration.json").read_text())["targets"]["contact_centre.occupancy"]


def test_two_targets_no_parameter_links_are_not_said_to_fight() -> None:
    """Met apart but never together, with no parameter moving both: the budget, not a conflict."""
    targets = Targets(
        scenario="s.yaml",
        targets={
            "fcr": {"value": 0.6, "tolerance": 0.05},
            "retention_rate": {"value": 0.9, "tolerance": 0.01},
        },
        free={"a": {"low": 0, "high": 1}, "b": {"low": 0, "high": 1}},
    )
    found = [
        Candidate(0, {"a": 0.1, "b": 0.1}, {"fcr": 0.6, "retention_rate": 0.5}, 2.0),
        Candidate(1, {"a": 0.9, "b": 0.9}, {"fcr": 0.1, "retention_rate": 0.9}, 2.0),
    ]
    apart = conflicts(found, targets, {"a": ["fcr"], "b": ["retention_rate"]})
    assert apart == [
        "No candidate of the 2 met both fcr and retention_rate, though no free parameter moves "
        "both (slopes at the fit): the search was too short to tell whether they can be met "
        "together (a larger --budget with --resume)."
    ]
    linked = conflicts(found, targets, {"a": ["fcr", "retention_rate"], "b": []})
    assert linked[0].startswith("fcr and retention_rate pull against each other")


def test_targets_that_cannot_be_met_together_are_named(tmp_path: Path) -> None:
    _client(tmp_path)
    path = _targets(
        tmp_path,
        {
            "contact_centre.occupancy": {"value": 0.85, "tolerance": 0.02},
            "contact_centre.service_level": {"value": 0.95, "tolerance": 0.02},
        },
        {"contact_centre.arrival_rate_per_hour": {"low": 15.0, "high": 40.0}},
        budget=12,
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["calibrate", str(path), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    report = (out / "report.md").read_text()
    assert "## Targets that fight" in report
    assert (
        "contact_centre.occupancy and contact_centre.service_level pull against each other"
        in report
    )


def test_a_targets_file_that_extends_is_told_its_key_is_scenario(tmp_path: Path) -> None:
    _client(tmp_path)
    path = _targets(tmp_path, {"fcr": {"value": 0.6, "tolerance": 0.05}})
    path.write_text(path.read_text().replace("scenario:", "extends:"))
    with pytest.raises(ScenarioError, match=r":\d+: extends: unknown key; did you mean scenario\?"):
        load_targets(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"targets": {"fcrr": {"value": 0.5, "tolerance": 0.1}}},
            r"targets.fcrr: not a KPI .*did you mean fcr",
        ),
        ({"targets": {"fcr": {"value": 0.5}}}, r"targets.fcr: .*give either tolerance"),
        ({"targets": {"fcr": {"value": 0.5, "tolerance": 0.1, "sd": 0.1}}}, r"targets.fcr"),
        ({"free": {"frontline.skil_mean": {"low": 0.4, "high": 0.9}}}, r"free: .*skil_mean"),
        (
            {"free": {"frontline.skill_mean": {"low": 0.9, "high": 0.4}}},
            r"free.frontline.skill_mean: .*low",
        ),
        ({"free": {"frontline.skill_mean": {"low": 0.4, "high": 1.5}}}, r"free: .*skill_mean"),
        (
            {"free": {"frontline.skill_mean": {"low": 0, "high": 1, "scale": "log"}}},
            r"log scale needs low > 0",
        ),
        ({"scenario": "nowhere.yaml"}, r"scenario: .*nowhere"),
        ({"budget": 0}, r"budget"),
        ({"replications": "three"}, r"replications"),
        ({"surprise": 1}, r"surprise: unknown key"),
        ({"batch": 2}, r":\d+: batch: expected at least 4 with method cmaes, got 2"),
    ],
)
def test_bad_targets_file_is_one_located_line(tmp_path: Path, change: dict, message: str) -> None:
    _client(tmp_path)
    path = _targets(
        tmp_path,
        {"fcr": {"value": 0.6, "tolerance": 0.05}},
        {"frontline.skill_mean": {"low": 0.4, "high": 0.9}},
    )
    document = yaml.safe_load(path.read_text()) | change
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    with pytest.raises(ScenarioError, match=message) as error:
        load_targets(path)
    assert str(error.value).startswith(str(path)) and "\n" not in str(error.value)
    out = tmp_path / "out"
    result = runner.invoke(app, ["calibrate", str(path), "--out", str(out)])
    assert result.exit_code == 2 and not out.exists()


def test_an_integer_range_is_checked_at_the_whole_numbers_searched(tmp_path: Path) -> None:
    """0.5-3.5 searches 1, 2 and 3: the check tries 1 and 3, not 0 (which the schema refuses)."""
    _client(tmp_path)
    free = {"customers.max_contacts_per_case": {"low": 0.5, "high": 3.5, "integer": True}}
    path = _targets(tmp_path, {"fcr": {"value": 0.6, "tolerance": 0.05}}, free)
    targets, _, _ = load_targets(path)
    assert targets.free["customers.max_contacts_per_case"].ends == (1.0, 3.0)
    free["customers.max_contacts_per_case"]["low"] = -0.6  # searches 0: refused at its key
    path = _targets(tmp_path, {"fcr": {"value": 0.6, "tolerance": 0.05}}, free)
    with pytest.raises(
        ScenarioError, match=r"free: customers.max_contacts_per_case: .*equal to 1, got 0$"
    ):
        load_targets(path)


def test_todays_values_start_the_search_roster_entries_included(tmp_path: Path) -> None:
    """The client's own values are the first candidate, a roster's head count too."""
    _client(tmp_path)
    free = FREE | {"channels.email.roster.0.agents": {"low": 1, "high": 4, "integer": True}}
    path = _targets(tmp_path, {"fcr": {"value": 0.6, "tolerance": 0.05}}, free)
    targets, base, _ = load_targets(path)
    today = targets.today(base)
    assert today == {
        "contact_centre.arrival_rate_per_hour": base.contact_centre.arrival_rate_per_hour,
        "contact_centre.aht_minutes": base.contact_centre.aht_minutes,
        "channels.email.roster.0.agents": base.channels.email.roster[0].agents,
    }
    assert isinstance(today["channels.email.roster.0.agents"], int)


def _calibrate_command(path: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "cxsim",
        "calibrate",
        str(path),
        "--out",
        str(out),
        "--quiet",
        *extra,
    ]


def test_killed_calibration_resumes_without_repeating_finished_runs(tmp_path: Path) -> None:
    client = _client(tmp_path)
    observed = _observed(client, HIDDEN, ["contact_centre.occupancy"])
    path = _targets(
        tmp_path,
        {
            "contact_centre.occupancy": {
                "value": observed["contact_centre.occupancy"],
                "tolerance": 0.02,
            }
        },
        budget=18,
    )
    out = tmp_path / "out"
    started = subprocess.Popen(_calibrate_command(path, out, "--jobs", "1"))
    deadline = time.monotonic() + 120
    while len(list((out / RUNS).glob("*.parquet"))) < 12 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(started.pid, signal.SIGKILL)
    started.wait()
    finished = {p.name: p.stat().st_mtime_ns for p in (out / RUNS).glob("*.parquet")}
    assert 12 <= len(finished) < 56, "the calibration should have been killed part-way"
    resumed = subprocess.run(_calibrate_command(path, out, "--jobs", "1", "--resume"), check=False)
    assert resumed.returncode == 0
    for name, mtime in finished.items():  # nothing that finished was recomputed
        assert (out / RUNS / name).stat().st_mtime_ns == mtime
    fresh = tmp_path / "fresh"
    assert (
        subprocess.run(_calibrate_command(path, fresh, "--jobs", "2"), check=False).returncode == 0
    )
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "candidates.csv"), pd.read_csv(fresh / "candidates.csv")
    )


def test_a_dask_cluster_gives_the_same_fit_as_local_processes(tmp_path: Path) -> None:
    _client(tmp_path)
    path = _targets(
        tmp_path,
        {"contact_centre.occupancy": {"value": 0.7, "tolerance": 0.02}},
        budget=12,
    )
    targets, base, scenario_file = load_targets(path)
    local = calibrate(targets, base, scenario_file, tmp_path / "local", jobs=2)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = calibrate(
            targets, base, scenario_file, tmp_path / "dask", scheduler=cluster.scheduler_address
        )
    assert remote.candidates == local.candidates and remote.fitted == local.fitted


def test_a_larger_budget_resumes_into_the_same_folder(tmp_path: Path) -> None:
    _client(tmp_path)
    path = _targets(
        tmp_path, {"contact_centre.occupancy": {"value": 0.7, "tolerance": 0.02}}, budget=6
    )
    out = tmp_path / "out"
    assert (
        runner.invoke(app, ["calibrate", str(path), "--out", str(out), "--jobs", "1"]).exit_code
        == 0
    )
    again = runner.invoke(app, ["calibrate", str(path), "--out", str(out), "--jobs", "1"])
    assert again.exit_code == 2 and "--resume" in again.output
    more = runner.invoke(
        app,
        ["calibrate", str(path), "--out", str(out), "--jobs", "1", "--resume", "--budget", "12"],
    )
    assert more.exit_code == 0, more.output
    assert len(pd.read_csv(out / "candidates.csv")) == 12

"""Designed experiments: validation, resumable sweeps, Dask, and the SALib analysis."""

from __future__ import annotations

import math
import multiprocessing
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from pydantic import ValidationError
from SALib.test_functions import Ishigami
from typer.testing import CliRunner

from cxsim.analysis import analyse_sweep, sensitivity
from cxsim.cli import app
from cxsim.experiment import (
    Experiment,
    Factor,
    design_points,
    experiment_runs,
    load_experiment,
    whole_number,
)
from cxsim.scenario import Scenario, ScenarioError
from cxsim.sweep import RUNS, read_runs, run_sweep

runner = CliRunner()
ISHIGAMI_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}  # Ishigami & Homma (1990), a=7, b=0.1
ISHIGAMI_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def _experiment_file(folder: Path, body: str) -> Path:
    path = folder / "experiment.yaml"
    path.write_text(
        f"name: small-grid\nbase: {ROOT / 'scenarios' / 'baseline.yaml'}\n"
        "fixed: {customers.initial: 120, horizon.days: 60}\n" + body
    )
    return path


GRID = """
factors:
  frontline.empowerment_limit: {levels: [0, 1000]}
  supervisors.count: {levels: [1, 2]}
design: {kind: grid}
replications: 2
kpis: [retention_rate, profit, fcr]
"""


def test_sobol_pipeline_reproduces_the_ishigami_indices() -> None:
    experiment = Experiment(
        name="ishigami",
        base="none",
        design={"kind": "sobol", "samples": 2048},
        kpis=["y"],
        factors={f"x{i}": {"low": -math.pi, "high": math.pi} for i in (1, 2, 3)},
    )
    x = np.asarray(design_points(experiment))
    points = pd.DataFrame(x, columns=list(experiment.factors)).assign(y=Ishigami.evaluate(x))
    table = sensitivity(experiment, points, "y")
    for factor in experiment.factors:
        row = table.loc[factor]
        assert abs(row["S1"] - ISHIGAMI_S1[factor]) <= row["S1_conf"], factor
        assert abs(row["ST"] - ISHIGAMI_ST[factor]) <= row["ST_conf"], factor


def test_grid_has_every_point_and_replication(tmp_path: Path) -> None:
    experiment, base = load_experiment(_experiment_file(tmp_path, GRID))
    runs = experiment_runs(experiment, base)
    assert len(runs) == 8 and len({r.key for r in runs}) == 8
    assert {r.scenario(base).supervisors.count for r in runs} == {1, 2}
    assert runs[0].scenario(base).customers.initial == 120  # the fixed keys apply
    assert runs[0].seed == runs[2].seed != runs[1].seed  # replication 0 of two points: CRN


def test_bad_experiment_names_the_key(tmp_path: Path) -> None:
    path = _experiment_file(tmp_path, GRID.replace("kind: grid", "kind: fractal"))
    with pytest.raises(ScenarioError, match=r"experiment.yaml:\d+: design.kind"):
        load_experiment(path)
    path = _experiment_file(tmp_path, GRID.replace("[1, 2]", "[1, -2]"))
    with pytest.raises(ScenarioError, match=r"design point \d+: supervisors.count"):
        experiment_runs(*load_experiment(path), source="x")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("supervisors.count: {levels: [1, 2]}", "seed: {levels: [1, 2]}"),
            r":\d+: factors.seed: ",
        ),
        (("horizon.days: 60}", "horizon.days: 60, seed: 7}"), r":\d+: fixed.seed: "),
        (("horizon.days: 60}", "horizon.days: 60, supervisors.count: 3}"), r"fixed.supervisors"),
        (("kpis: [retention_rate, profit, fcr]", "kpis: [profit, profit]"), r":\d+: kpis: .*once"),
        (("horizon.days: 60}", "horizon.dyas: 60}"), r"yaml:\d+: fixed.horizon.dyas: unknown"),
        (
            ("supervisors.count:", "supervisors.cuont:"),
            r":\d+: factors.supervisors.cuont: .*count\?",
        ),
        (("{levels: [1, 2]}", "{low: 1, high: 2}"), r":\d+: factors.supervisors.count: .*grid"),
        (("name: small-grid", 'name: "  "'), r":\d+: name: expected text with more than spaces"),
        (("\nbase:", "\nextends:"), r":\d+: extends: unknown key; did you mean base\?"),
        (("\nbase:", "\n# base:"), r"experiment.yaml: base: missing \(a required key\)$"),
    ],
)
def test_an_experiment_that_would_mislabel_its_runs_is_refused_at_its_key(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    """A seed factor, a fixed key also varied, a KPI twice: each mislabels runs or columns."""
    path = _experiment_file(tmp_path, GRID)
    path.write_text(path.read_text().replace(*change))
    with pytest.raises(ScenarioError, match=message):
        load_experiment(path)


def test_a_sobol_design_takes_a_power_of_two_samples() -> None:
    factors = {"x": {"low": 0.0, "high": 1.0}}
    with pytest.raises(ValidationError, match=r"design.samples\n.*power of 2"):
        Experiment(name="s", base="b", design={"kind": "sobol", "samples": 6}, factors=factors)
    assert Experiment(name="s", base="b", design={"kind": "sobol", "samples": 8}, factors=factors)


def test_whole_number_factors_stay_in_their_range_in_every_design() -> None:
    """``low: 0.5, high: 3.5`` is 1, 2 and 3 (Python's round sent the ends to 0 and 4)."""
    factor = Factor(low=0.5, high=3.5, integer=True)
    assert [whole_number(factor, v) for v in (0.5, 1.49, 1.5, 2.5, 3.5)] == [1, 1, 2, 3, 3]
    lhs = Experiment(
        name="e",
        base="b",
        design={"kind": "lhs", "samples": 60},
        factors={"supervisors.count": factor},
    )
    assert {run.values["supervisors.count"] for run in experiment_runs(lhs, Scenario())} == {
        1,
        2,
        3,
    }
    with pytest.raises(ValidationError, match="needs a whole number from 0.2 to 0.4"):
        Factor(low=0.2, high=0.4, integer=True)


def test_a_morris_design_gives_each_level_of_a_whole_number_factor_its_own_number() -> None:
    """Four Morris levels on 1-3 would share a number, and its steps would show no effect."""
    factors = {"supervisors.count": {"low": 0.5, "high": 3.5, "integer": True}}
    morris = {"kind": "morris", "samples": 4}
    with pytest.raises(ValidationError, match=r"4 Morris levels \(low: 0.5, high: 4.5 gives 4"):
        Experiment(name="m", base="b", design=morris, factors=factors)
    factors["supervisors.count"]["high"] = 4.5  # what the message proposes
    experiment = Experiment(name="m", base="b", design=morris, factors=factors)
    runs = experiment_runs(experiment, Scenario())
    assert {run.values["supervisors.count"] for run in runs} == {1, 2, 3, 4}
    # a triangular range bunches SALib's levels near its mode: 1, 1, 2, 4
    factors["supervisors.count"] |= {"distribution": "triangular", "mode": 0.5}
    with pytest.raises(ValidationError, match=r"4 Morris levels \(a wider range"):
        Experiment(name="m", base="b", design=morris, factors=factors)


def test_every_experiment_reads_back_as_its_sweep_folder_holds_it() -> None:
    """A sweep folder's experiment.yaml holds every setting, defaults included (analyse)."""
    shipped = [load_experiment(path)[0] for path in sorted((ROOT / "experiments").glob("*.yaml"))]
    lhs = Experiment(
        name="l", base="b", design={"kind": "lhs"}, factors={"x": {"low": 0.0, "high": 1.0}}
    )
    for experiment in [*shipped, lhs]:
        assert Experiment.model_validate(experiment.model_dump(mode="json")) == experiment
    with pytest.raises(ValidationError, match="no samples in a grid design"):
        Experiment(name="g", base="b", design={"samples": 64}, factors={"x": {"levels": [1]}})


@pytest.mark.parametrize(
    "command",
    [
        ["sweep", str(ROOT / "experiments" / "empowerment_map.yaml")],
        ["calibrate", str(ROOT / "experiments" / "calibrate" / "example_client.yaml")],
    ],
)
def test_a_new_sweep_or_calibration_is_not_made_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """An empty working folder would be removed to rename the new folder into its place."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = runner.invoke(app, [*command, "--out", ".", "--jobs", "1", "--quiet"])
    assert result.exit_code == 2 and "is the working folder" in result.output, result.output
    assert work.is_dir() and not any(work.iterdir()) and Path.cwd() == work


def _sweep_in_process(path: Path, out: Path) -> None:
    experiment, base = load_experiment(path)
    run_sweep(experiment, base, out, jobs=1)


def test_killed_sweep_resumes_without_recomputing_or_losing_runs(tmp_path: Path) -> None:
    path = _experiment_file(tmp_path, GRID)
    out = tmp_path / "sweep"
    context = multiprocessing.get_context("forkserver")
    worker = context.Process(target=_sweep_in_process, args=(path, out))
    worker.start()
    deadline = time.monotonic() + 120
    while len(list((out / RUNS).glob("*.parquet"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.kill()
    worker.join()
    finished = {p.name: p.stat().st_mtime_ns for p in (out / RUNS).glob("*.parquet")}
    assert 3 <= len(finished) < 8, "the sweep should have been killed part-way"
    result = runner.invoke(
        app, ["sweep", str(path), "--out", str(out), "--resume", "--quiet", "--jobs", "2"]
    )
    assert result.exit_code == 0, result.output
    rows = read_runs(out).to_pandas()
    assert len(rows) == 8 and rows.groupby(["point", "replication"]).size().eq(1).all()
    for name, mtime in finished.items():  # nothing that finished was recomputed
        assert (out / RUNS / name).stat().st_mtime_ns == mtime
    fresh = tmp_path / "fresh"
    _sweep_in_process(path, fresh)
    pd.testing.assert_frame_equal(rows, read_runs(fresh).to_pandas())


def test_rerun_into_a_used_folder_is_refused(tmp_path: Path) -> None:
    path = _experiment_file(tmp_path, GRID)
    out = tmp_path / "sweep"
    assert runner.invoke(app, ["sweep", str(path), "--out", str(out), "--quiet"]).exit_code == 0
    result = runner.invoke(app, ["sweep", str(path), "--out", str(out), "--quiet"])
    assert result.exit_code == 2 and "--resume" in result.output
    for change in ("replications: 1", "replications: 2\nseed: 7"):  # fewer runs, other runs
        changed = _experiment_file(tmp_path, GRID.replace("replications: 2", change))
        result = runner.invoke(app, ["sweep", str(changed), "--out", str(out), "--resume"])
        assert result.exit_code == 2
        assert "different experiment (experiment.yaml: " in result.output


def test_a_sweep_resumed_with_more_replications_runs_only_the_new_ones(tmp_path: Path) -> None:
    """Replication i of a point has the same seed whatever the count: the runs made are kept."""
    two = _experiment_file(tmp_path, GRID + "description: with a second replication\n")
    fresh = tmp_path / "fresh"
    _sweep_in_process(two, fresh)
    one = _experiment_file(tmp_path, GRID.replace("replications: 2", "replications: 1"))
    out = tmp_path / "sweep"
    _sweep_in_process(one, out)
    made = {p.name: p.stat().st_mtime_ns for p in (out / RUNS).glob("*.parquet")}
    # a growth cut short between its files and its manifest: the old experiment still resumes
    shutil.copy(fresh / "experiment.yaml", out / "experiment.yaml")
    experiment, base = load_experiment(one)
    assert run_sweep(experiment, base, out, jobs=1, resume=True) == 0
    assert "replications: 1" in (out / "experiment.yaml").read_text()
    two = _experiment_file(tmp_path, GRID + "description: with a second replication\n")
    experiment, base = load_experiment(two)  # the same file, now asking for two again
    assert run_sweep(experiment, base, out, jobs=1, resume=True) == len(made)  # the new ones
    for name, mtime in made.items():
        assert (out / RUNS / name).stat().st_mtime_ns == mtime
    pd.testing.assert_frame_equal(read_runs(out).to_pandas(), read_runs(fresh).to_pandas())
    assert "replications: 2" in (out / "experiment.yaml").read_text()  # what analyse reads
    assert (out / "manifest.json").read_bytes() == (fresh / "manifest.json").read_bytes()
    assert analyse_sweep(out).exists()


def test_dask_cluster_gives_the_same_rows_as_local_processes(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    path = _experiment_file(tmp_path, GRID.replace("replications: 2", "replications: 1"))
    experiment, base = load_experiment(path)
    run_sweep(experiment, base, tmp_path / "local", jobs=2)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        run_sweep(experiment, base, tmp_path / "dask", scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(
        read_runs(tmp_path / "local").to_pandas(), read_runs(tmp_path / "dask").to_pandas()
    )


def test_analysis_of_a_grid_writes_main_effects_and_a_heat_map(tmp_path: Path) -> None:
    path = _experiment_file(tmp_path, GRID.replace("replications: 2", "replications: 1"))
    out = tmp_path / "sweep"
    _sweep_in_process(path, out)
    summary = analyse_sweep(out)
    text = summary.read_text()
    assert "4 runs at 4 design points" in text
    assert (out / "analysis" / "heatmap_profit.png").stat().st_size > 10_000
    effects = pd.read_csv(out / "analysis" / "grid_fcr.csv")
    assert set(effects["factor"]) == {"frontline.empowerment_limit", "supervisors.count"}


def test_unreachable_scheduler_is_a_one_line_error(tmp_path: Path) -> None:
    dask = pytest.importorskip("dask")
    path = _experiment_file(tmp_path, GRID)
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        result = runner.invoke(
            app,
            [
                "sweep",
                str(path),
                "--out",
                str(tmp_path / "o"),
                "--quiet",
                "--scheduler",
                "tcp://127.0.0.1:9",
            ],
        )
    assert result.exit_code == 2 and "--scheduler tcp://127.0.0.1:9" in result.output
    assert not (tmp_path / "o").exists()  # nothing written

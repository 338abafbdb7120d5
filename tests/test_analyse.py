"""cxsim analyse: what it analyses, incomplete sweeps, missing intervals and bad input."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT
from typer.testing import CliRunner

from cxsim.analysis import AnalysisReport, Coverage, analyse_sweep, point_means
from cxsim.cli import app
from cxsim.experiment import Experiment, load_experiment
from cxsim.scenario import ScenarioError
from cxsim.sweep import MANIFEST, RUNS, read_runs, run_sweep

runner = CliRunner()

GRID = """
factors:
  frontline.empowerment_limit: {levels: [0, 1000]}
  supervisors.count: {levels: [1, 2]}
design: {kind: grid}
replications: 2
kpis: [retention_rate, profit]
"""
RANGES = """
factors:
  frontline.empowerment_limit: {low: 0, high: 1000}
  supervisors.count: {low: 0.5, high: 4.5, integer: true}  # 1-4: a number per Morris level
design: {kind: KIND, samples: 2}
replications: 1
kpis: [retention_rate, profit]
"""


def _sweep(folder: Path, body: str) -> Path:
    """A tiny sweep (30 customers, 20 days) run in this process into ``folder/sweep``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "experiment.yaml"
    path.write_text(
        f"name: tiny\nbase: {ROOT / 'scenarios' / 'baseline.yaml'}\n"
        "fixed: {customers.initial: 30, horizon.days: 20}\n" + body
    )
    experiment, base = load_experiment(path)
    run_sweep(experiment, base, folder / "sweep", jobs=1)
    return folder / "sweep"


@pytest.fixture(scope="module")
def grid_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished 2 x 2 grid with two replications (8 runs); copy it before changing it."""
    return _sweep(tmp_path_factory.mktemp("grid"), GRID)


@pytest.fixture()
def grid_copy(grid_sweep: Path, tmp_path: Path) -> Path:
    """A private copy of the finished grid sweep, without its analysis."""
    copy = tmp_path / "sweep"
    shutil.copytree(grid_sweep, copy, ignore=shutil.ignore_patterns("analysis"))
    return copy


def _run_file(folder: Path, point: int, replication: int) -> Path:
    return folder / RUNS / f"p{point:06d}-r{replication:04d}.parquet"


def _strict_json(path: Path) -> object:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{path} holds {constant}")

    return json.loads(path.read_text(), parse_constant=refuse)


def test_complete_sweep_says_every_run_was_found(grid_copy: Path) -> None:
    report = analyse_sweep(grid_copy)
    assert isinstance(report, AnalysisReport) and report.name == "analysis.md"
    assert report.coverage.complete and report.coverage.expected == 8
    assert report.notes == ("All 8 runs of the design were found.",)
    text = report.read_text()
    assert "8 runs at 4 design points" in text and "All 8 runs of the design" in text
    points = pd.read_csv(grid_copy / "analysis" / "points.csv")
    assert (points["replications"] == 2).all() and (points["profit_ci"] > 0).all()
    assert "n/a" not in text
    _strict_json(grid_copy / "analysis" / "indices.json")


def test_incomplete_grid_is_analysed_over_the_points_present(grid_copy: Path) -> None:
    _run_file(grid_copy, 1, 1).unlink()
    for replication in (0, 1):
        _run_file(grid_copy, 3, replication).unlink()
    report = analyse_sweep(grid_copy)
    assert report.coverage.found == 5 and report.coverage.expected == 8
    assert report.coverage.missing == {1: (1,), 3: (0, 1)}
    missing = "point 1 (replication 1), point 3 (all 2 replications)"
    text = report.read_text()
    assert "5 of the design's 8 runs were found" in text and missing in text
    assert any(missing in note for note in report.notes)
    assert any(f"--out {grid_copy} --resume" in note for note in report.notes)
    points = pd.read_csv(grid_copy / "analysis" / "points.csv")
    assert list(points["point"]) == [0, 1, 2]  # the grid analysis uses what is there
    assert (grid_copy / "analysis" / "heatmap_profit.png").exists()  # with a cell missing
    _strict_json(grid_copy / "analysis" / "indices.json")


def test_cli_analyses_an_incomplete_sweep_and_the_report_names_the_gap(grid_copy: Path) -> None:
    _run_file(grid_copy, 2, 0).unlink()
    result = runner.invoke(app, ["analyse", str(grid_copy)])
    assert result.exit_code == 0, result.output
    report = analyse_sweep(grid_copy)
    assert "point 2 (replication 0)" in " ".join(report.notes)


def test_an_analysis_goes_elsewhere_when_its_folder_holds_your_files(
    grid_copy: Path, tmp_path: Path
) -> None:
    (grid_copy / "analysis").mkdir()
    (grid_copy / "analysis" / "notes.md").write_text("mine")
    refused = runner.invoke(app, ["analyse", str(grid_copy)])
    assert refused.exit_code == 2 and "was not made by cxsim" in refused.output
    elsewhere = tmp_path / "read"
    result = runner.invoke(app, ["analyse", str(grid_copy), "--out", str(elsewhere)])
    assert result.exit_code == 0, result.output
    assert (elsewhere / "analysis.md").exists() and (elsewhere / "points.csv").exists()
    assert sorted(p.name for p in (grid_copy / "analysis").iterdir()) == ["notes.md"]


def test_missing_points_are_merged_into_ranges_and_cut_short() -> None:
    missing = {p: (0, 1) for p in range(4, 9)} | {10: (1,), 11: (1,)}
    missing |= {p: (0,) for p in range(20, 60, 2)}
    coverage = Coverage(expected=200, found=200 - 31, points=100, replications=2, missing=missing)
    text = coverage.missing_text(limit=4)
    assert text.startswith(
        "points 4-8 (all 2 replications), points 10-11 (replication 1), "
        "point 20 (replication 0), point 22 (replication 0), "
    )
    assert text.endswith("... and 18 more point(s)")
    single = Coverage(
        expected=10, found=7, points=10, replications=1, missing={2: (0,), 3: (0,), 7: (0,)}
    )
    assert single.missing_text() == "points 2-3, point 7"
    assert single.empty_points == [2, 3, 7] and not single.complete


def test_one_replication_gives_no_interval_rather_than_zero(tmp_path: Path) -> None:
    folder = _sweep(tmp_path, GRID.replace("replications: 2", "replications: 1"))
    report = analyse_sweep(folder)
    text = report.read_text()
    assert "Confidence intervals need >= 2 replications; every design point has one" in text
    assert any(">= 2 replications" in note for note in report.notes)
    table = text.split("## Design points")[1].split("## ")[0]
    assert "n/a" in table and "profit_ci" in table
    points = pd.read_csv(folder / "analysis" / "points.csv")
    assert points["profit_ci"].isna().all() and points["retention_rate_ci"].isna().all()


def test_point_means_ci_is_nan_for_a_single_replication() -> None:
    experiment = Experiment(
        name="e", base="none", kpis=["y"], factors={"a": {"levels": [0, 1]}}, replications=2
    )
    runs = pd.DataFrame(
        {"point": [0, 0, 1], "replication": [0, 1, 0], "a": [0, 0, 1], "y": [1.0, 3.0, 5.0]}
    )
    points = point_means(runs, experiment).set_index("point")
    assert points.loc[0, "y_ci"] > 0 and pd.isna(points.loc[1, "y_ci"])
    assert list(points["replications"]) == [2, 1]


@pytest.mark.parametrize("kind", ["sobol", "morris"])
def test_sobol_and_morris_need_every_design_point(tmp_path: Path, kind: str) -> None:
    folder = _sweep(tmp_path, RANGES.replace("KIND", kind))
    total = len(list((folder / RUNS).glob("*.parquet")))
    _run_file(folder, 1, 0).unlink()
    with pytest.raises(ScenarioError) as error:
        analyse_sweep(folder)
    message = str(error.value)
    assert f"1 of {total} runs missing" in message and "\n" not in message
    assert f"cxsim sweep EXPERIMENT --out {folder} --resume" in message
    assert not (folder / "analysis").exists()


def test_morris_with_a_replication_missing_is_still_analysed(tmp_path: Path) -> None:
    folder = _sweep(
        tmp_path, RANGES.replace("KIND", "morris").replace("replications: 1", "replications: 2")
    )
    _run_file(folder, 0, 1).unlink()
    report = analyse_sweep(folder)
    assert report.coverage.missing == {0: (1,)}
    assert "point 0 (replication 1)" in report.read_text()
    assert "1 of 6 design points has one" in report.read_text()
    _strict_json(folder / "analysis" / "indices.json")


def _no_runs(folder: Path) -> None:
    for path in (folder / RUNS).glob("*.parquet"):
        path.unlink()


def _truncate(folder: Path) -> None:
    path = _run_file(folder, 2, 1)
    path.write_bytes(path.read_bytes()[:200])


def _extra_column(folder: Path) -> None:
    path = _run_file(folder, 0, 0)
    table = pq.read_table(path)
    pq.write_table(table.append_column("nps", pa.array([12.5])), path)


def _kpi_missing(folder: Path) -> None:
    path = _run_file(folder, 0, 0)
    pq.write_table(pq.read_table(path).drop_columns(["profit"]), path)


def _outside_design(folder: Path) -> None:
    path = _run_file(folder, 0, 0)
    table = pq.read_table(path).to_pandas().assign(point=9, key="p000009-r0000")
    pq.write_table(
        pa.Table.from_pandas(table, preserve_index=False), folder / RUNS / "p000009-r0000.parquet"
    )


def _rewrite(name: str, text: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        (folder / name).write_text(text)

    return change


def _edit_experiment(old: str, new: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        path = folder / "experiment.yaml"
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new))

    return change


def _drop_manifest_key(folder: Path) -> None:
    path = folder / MANIFEST
    data = json.loads(path.read_text())
    del data["kpis"]
    path.write_text(json.dumps(data))


BAD_INPUT = {
    "no runs": (_no_runs, "", r"no finished runs in runs/ \(0 of the design's 8\)"),
    "truncated run": (
        _truncate,
        "runs/p000002-r0001.parquet",
        r"not a readable Parquet run file .*delete it",
    ),
    "extra column": (
        _extra_column,
        "runs/p000000-r0000.parquet",
        r"columns differ from the experiment's \(unexpected nps\)",
    ),
    "kpi missing": (
        _kpi_missing,
        "runs/p000000-r0000.parquet",
        r"columns differ from the experiment's \(missing profit\)",
    ),
    "outside design": (
        _outside_design,
        "runs/p000009-r0000.parquet",
        r"point 9 replication 0 is outside the design",
    ),
    "experiment not yaml": (
        _rewrite("experiment.yaml", "name: [unclosed\n"),
        "experiment.yaml",
        r"not valid YAML \(line \d+\)",
    ),
    "experiment not mapping": (
        _rewrite("experiment.yaml", "- a\n- b\n"),
        "experiment.yaml",
        r"expected a mapping",
    ),
    "experiment invalid": (
        _edit_experiment("kind: grid", "kind: fractal"),
        "experiment.yaml",
        r"design\.kind: expected",
    ),
    "experiment changed": (
        _edit_experiment("- profit", "- fcr"),
        "experiment.yaml",
        r"kpis differ from manifest\.json",
    ),
    "experiment seed edited": (
        _edit_experiment("seed: 42", "seed: 43"),
        "runs/p000000-r0000.parquet",
        r"seed is '\d+', not '\d+' as experiment.yaml gives point 0 replication 0",
    ),
    "experiment level edited": (
        _edit_experiment("- 1000", "- 500"),
        "runs/p000002-r0000.parquet",
        r"frontline.empowerment_limit is 1000, not 500 as experiment.yaml gives point 2",
    ),
    "manifest not json": (_rewrite(MANIFEST, '{"name": '), MANIFEST, r"not valid JSON \(line 1\)"),
    "manifest not object": (
        _rewrite(MANIFEST, "[1, 2]"),
        MANIFEST,
        r"expected a JSON object .*got list",
    ),
    "manifest missing key": (_drop_manifest_key, MANIFEST, r"missing key\(s\) kpis"),
    "not a sweep folder": (lambda f: (f / MANIFEST).unlink(), "", r"not a sweep folder"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_sweep_folder_is_one_error_line(grid_copy: Path, case: str) -> None:
    change, name, expected = BAD_INPUT[case]
    change(grid_copy)
    where = str(grid_copy / name) if name else str(grid_copy)
    with pytest.raises(ScenarioError, match=expected) as error:
        analyse_sweep(grid_copy)
    assert str(error.value).startswith(f"{where}:") and "\n" not in str(error.value)
    result = runner.invoke(app, ["analyse", str(grid_copy)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip() == f"error: {error.value}"


def test_paths_that_are_no_sweep_folder(tmp_path: Path) -> None:
    cases = {
        tmp_path / "empty": "not a sweep folder (no manifest.json or experiment.yaml)",
        tmp_path / "nowhere": "no such folder",
        tmp_path / "file.txt": "is a file, not a sweep folder",
    }
    (tmp_path / "empty").mkdir()
    (tmp_path / "file.txt").write_text("x")
    for path, expected in cases.items():
        result = runner.invoke(app, ["analyse", str(path)])
        assert result.exit_code == 2, path
        assert (
            result.output.strip() == f"error: {path}: {expected}; give the --out folder "
            "of cxsim sweep"
        )


def test_read_runs_checks_the_columns(grid_copy: Path) -> None:
    table = read_runs(grid_copy)
    assert table.num_rows == 8 and table.column("point").to_pylist()[:2] == [0, 0]
    _extra_column(grid_copy)
    with pytest.raises(ScenarioError, match="unexpected nps"):
        read_runs(grid_copy, list(read_runs(grid_copy).schema.names[:-1]))
    with pytest.raises(ScenarioError, match="no runs/ folder"):
        read_runs(grid_copy / RUNS)


LEVER = """
factors:
  supervisors.count: {levels: [1, 2]}
lever: {key: frontline.empowerment_limit, levels: [0, 1000]}
design: {kind: grid}
replications: 2
kpis: [retention_rate, fcr]
"""


def test_a_lever_runs_at_both_levels_of_every_point_with_shared_seeds(tmp_path: Path) -> None:
    from cxsim.experiment import experiment_runs, run_count

    path = tmp_path / "experiment.yaml"
    path.write_text(f"name: lever\nbase: {ROOT / 'scenarios' / 'baseline.yaml'}\n" + LEVER)
    experiment, base = load_experiment(path)
    runs = experiment_runs(experiment, base)
    assert run_count(experiment) == len(runs) == 8 and len({r.key for r in runs}) == 8
    by_key = {(r.point, r.replication): r for r in runs}
    for point in (0, 2):  # design points 0 and 1, each without (arm 0) and with (arm 1)
        without, with_lever = by_key[point, 1], by_key[point + 1, 1]
        assert without.seed == with_lever.seed  # the pair shares its random numbers
        assert without.scenario(base).frontline.empowerment_limit == 0
        assert with_lever.scenario(base).frontline.empowerment_limit == 1000
        assert without.values["supervisors.count"] == with_lever.values["supervisors.count"]


def test_a_lever_is_analysed_as_its_paired_effect(tmp_path: Path) -> None:
    out = _sweep(tmp_path, LEVER)
    report = analyse_sweep(out)
    runs = read_runs(out).to_pandas()
    points = pd.read_csv(out / "analysis" / "points.csv")
    assert len(points) == 2 and list(points["replications"]) == [2, 2]
    for point in (0, 1):  # the mean over replications of (with - without), same seed
        pair = runs[runs["point"].isin([2 * point, 2 * point + 1])]
        effect = pair.pivot(index="replication", columns="point", values="fcr")
        expected = (effect[2 * point + 1] - effect[2 * point]).mean()
        assert points.loc[point, "fcr"] == pytest.approx(expected)
    assert "effect of frontline.empowerment_limit at 1000 instead of 0" in report.read_text()
    assert len(pd.read_csv(out / "analysis" / "points_by_lever.csv")) == 4


def test_a_lever_cannot_also_be_a_factor(tmp_path: Path) -> None:
    body = LEVER.replace(
        "supervisors.count: {levels: [1, 2]}", "frontline.empowerment_limit: {levels: [1, 2]}"
    )
    path = tmp_path / "experiment.yaml"
    path.write_text(f"name: lever\nbase: {ROOT / 'scenarios' / 'baseline.yaml'}\n" + body)
    with pytest.raises(ScenarioError, match=r"lever.key: expected a key that is not also a factor"):
        load_experiment(path)

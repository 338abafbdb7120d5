"""cxsim installed anywhere: the wheel ships the scenario library, and names resolve to it.

The wheel is built from a copy of the sources (offline, with the installed setuptools) and
installed into a folder of its own; the installed commands then run from an empty folder with
every file they open recorded, so a lookup that still reads the checkout fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import BASELINE, ROOT
from typer.testing import CliRunner

from cxsim import library
from cxsim.cli import app
from cxsim.demo.workshop import SCENARIO_ENV, demo_scenario
from cxsim.experiment import load_experiment
from cxsim.scenario import ScenarioError, load_scenario

runner = CliRunner()
SOURCES = ("pyproject.toml", "setup.py", "README.md", "cxsim", "scenarios", "experiments")
TINY = ("--days", "30", "--set", "customers.initial=50")


def _shipped(folder: str, pattern: str) -> set[str]:
    """Files of the checkout's ``folder`` as the wheel names them (``cxsim/scenarios/...``)."""
    top = ROOT / folder
    target = "cxsim" if folder == "cxsim" else f"cxsim/{folder}"
    return {
        f"{target}/{p.relative_to(top).as_posix()}"
        for p in top.rglob(pattern)
        if "__pycache__" not in p.parts
    }


# --- the wheel --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of the project, built from a copy (the checkout gets no build/ folder)."""
    top = tmp_path_factory.mktemp("wheel")
    source = top / "source"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
        + ["--quiet", "-w", str(top / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    (built,) = (top / "dist").glob("cxsim-*.whl")
    return built


@pytest.fixture(scope="module")
def site(wheel: Path) -> Path:
    """The wheel installed into a folder of its own (not the venv, not editable)."""
    target = wheel.parent.parent / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet"]
        + ["--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return target


def test_the_wheel_holds_every_library_file_and_module(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    scenarios = _shipped("scenarios", "*.yaml")
    assert {"cxsim/scenarios/baseline.yaml", "cxsim/scenarios/validation/erlang_c.yaml"} <= (
        scenarios
    )
    assert "cxsim/scenarios/calibration/complaints.yaml" in scenarios
    assert scenarios <= names, sorted(scenarios - names)
    experiments = _shipped("experiments", "*.yaml")
    assert experiments and experiments <= names, sorted(experiments - names)
    modules = _shipped("cxsim", "*.py")  # a sub-package left out of setup.py would show here
    assert modules <= names, sorted(modules - names)
    assert not [n for n in names if n.split("/")[0] in {"scenarios", "experiments", "tests"}]


# Recorded by the installed interpreter: the absolute path of every file it opens, and
# whether pyplot was ever imported (the report's plots need neither pyplot nor a backend).
_AUDIT = """
import atexit, json, os, sys
_opened = []
def _hook(event, args):
    if event == "open" and args and isinstance(args[0], str):
        _opened.append(os.path.abspath(args[0]))
sys.addaudithook(_hook)
def _dump():
    with open(os.environ["CXSIM_TEST_OPENED"], "w") as log:
        json.dump({"opened": _opened, "pyplot": "matplotlib.pyplot" in sys.modules}, log)
atexit.register(_dump)
"""

# Every lookup of the library the commands make (validate, bench, demo, sweep), written to the
# file given, then ``python -m cxsim scenarios`` in the same process (runpy does what -m does).
_LOOKUPS_THEN_SCENARIOS = """
import json, runpy, sys
import cxsim, cxsim.benchmark, cxsim.calibration, cxsim.library, cxsim.validation
from cxsim.demo.workshop import demo_scenario
from cxsim.experiment import load_experiment
from cxsim.targets import load_targets
names = ("empowerment_by_supervisors", "hiring_by_training")
experiments = [load_experiment(name) for name in names]
with open(sys.argv[1], "w") as out:
    json.dump({
        "cxsim": cxsim.__file__,
        "folders": [str(cxsim.library.scenario_folder()), str(cxsim.library.experiment_folder())],
        "files": [str(cxsim.benchmark.BASELINE), str(cxsim.benchmark.ERLANG_C),
                  str(cxsim.calibration.CALIBRATION_SCENARIO),
                  str(load_targets("example_client")[2])],
        "validation": [s.name for s in cxsim.validation.shipped_validation_scenarios()],
        "demo": demo_scenario().name,
        "experiments": [[design.name, base.name] for design, base in experiments],
    }, out)
sys.argv = ["cxsim", "scenarios"]
runpy.run_module("cxsim", run_name="__main__", alter_sys=True)
"""


def _installed(site: Path, cwd: Path, commands: dict[str, list[str]]) -> dict[str, tuple]:
    """Run the installed cxsim's Python in ``cwd``, each command at once (in parallel).

    Returns, by command name, the finished process (stdout and stderr read into it) and what
    the audit recorded.
    """
    audit = cwd.parent / f"audit-{cwd.name}"
    audit.mkdir(exist_ok=True)
    (audit / "sitecustomize.py").write_text(_AUDIT)
    env = {k: v for k, v in os.environ.items() if k not in {SCENARIO_ENV, "PYTHONHOME"}}
    env |= {"PYTHONPATH": f"{site}{os.pathsep}{audit}"}
    started = {
        name: subprocess.Popen(
            [sys.executable, *args],
            cwd=cwd,
            env={**env, "CXSIM_TEST_OPENED": str(audit / f"{name}.json")},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, args in commands.items()
    }
    results = {}
    for name, proc in started.items():
        out, err = proc.communicate(timeout=120)
        done = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
        results[name] = (done, json.loads((audit / f"{name}.json").read_text()))
    return results


def _in_checkout(paths: list[str]) -> list[str]:
    """The paths inside the checkout, less the virtual environment that may live there."""
    return [
        p for p in paths if Path(p).is_relative_to(ROOT) and not Path(p).is_relative_to(sys.prefix)
    ]


def test_installed_cxsim_lists_and_runs_the_library_from_an_empty_folder(
    site: Path, tmp_path: Path
) -> None:
    work = tmp_path / "empty"
    work.mkdir()
    results = _installed(
        site,
        work,
        {
            "scenarios": ["-c", _LOOKUPS_THEN_SCENARIOS, str(tmp_path / "lookups.json")],
            "run": ["-m", "cxsim", "run", "baseline", *TINY, "--out", "X", "--quiet"],
        },
    )
    for name, (proc, audit) in results.items():
        assert proc.returncode == 0, (name, proc.stderr)
        assert not _in_checkout(audit["opened"]), (name, _in_checkout(audit["opened"]))
        assert not audit["pyplot"], name

    listed, audit = results["scenarios"]
    names = [line.split()[0] for line in listed.stdout.splitlines()]
    assert names == library.library_scenarios()  # the same library as the checkout's
    assert str(site / "cxsim" / "scenarios" / "validation" / "erlang_c.yaml") in audit["opened"]

    _, audit = results["run"]
    summary = json.loads((work / "X" / "summary.json").read_text())
    assert summary["scenario"] == "baseline" and summary["days"] == 30
    assert str(site / "cxsim" / "scenarios" / "baseline.yaml") in audit["opened"]
    assert (work / "X" / "active_customers.png").read_bytes().startswith(b"\x89PNG")

    found = json.loads((tmp_path / "lookups.json").read_text())
    assert Path(found["cxsim"]).is_relative_to(site)
    assert all(Path(p).is_relative_to(site / "cxsim") for p in found["folders"] + found["files"])
    assert found["validation"] == ["erlang-c", "erlang-a"]
    assert found["demo"] == "workforce-dynamics"
    assert found["experiments"] == [
        ["empowerment-by-supervisors", "baseline"],
        ["hiring-by-training", "workforce-dynamics"],
    ]


# --- library names: resolution, the file-wins rule, errors -------------------------------------
def test_library_names_resolve_with_or_without_the_suffix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # nothing here: every name is the library's
    reference = load_scenario(BASELINE)
    for name in ("baseline", "baseline.yaml", Path("baseline.yaml")):
        assert load_scenario(name) == reference
    assert load_scenario("validation/erlang_c").name == "erlang-c"
    assert load_scenario("calibration/complaints.yaml").name == "calibration-complaints"
    assert library.library_scenario("baseline") == BASELINE.resolve()
    assert library.validation_scenario("erlang_a").name == "erlang_a.yaml"


def test_an_existing_file_wins_over_the_library_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("baseline.yaml").write_text(f"extends: {BASELINE}\nname: mine\n")
    assert load_scenario("baseline.yaml").name == "mine"
    assert load_scenario("baseline").name == "baseline"  # no file called 'baseline'
    Path("workforce_dynamics").mkdir()  # a folder is not a file: the library's is meant
    assert load_scenario("workforce_dynamics").name == "workforce-dynamics"
    result = runner.invoke(app, ["run", "baseline.yaml", *TINY, "--out", "o", "--quiet"])
    assert result.exit_code == 0, result.output
    assert json.loads(Path("o/summary.json").read_text())["scenario"] == "mine"


def test_a_misspelt_name_is_one_line_with_the_closest_and_every_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run", "baselin", *TINY, "--out", "o"])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: baselin: file not found, and no library scenario")
    assert "did you mean baseline?" in line
    assert all(name in line for name in library.library_scenarios())
    assert "validation/erlang_c" in line and not Path("o").exists()
    result = runner.invoke(app, ["compare", "baseline", "empowerd_frontline", "--out", "o"])
    assert result.exit_code == 2 and "did you mean empowered_frontline?" in result.stderr
    # a path that can never be a library name: the short message, with the closest file
    result = runner.invoke(app, ["run", str(tmp_path / "clients" / "baseline.yaml")])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(
        "baseline.yaml: file not found; did you mean the library scenario baseline?"
    )


def test_compare_and_demo_take_library_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["compare", "baseline", "empowered_frontline.yaml", "--reps", "2", *TINY, "--jobs", "1"]
    result = runner.invoke(app, [*args, "--out", "c", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "cxsim compare baseline empowered_frontline.yaml" in Path("c/report.html").read_text()
    calls: list[tuple] = []
    monkeypatch.setattr(os, "execve", lambda *call: calls.append(call))
    result = runner.invoke(app, ["demo", "--no-open", "hire_cheapest"])
    assert result.exit_code == 0, result.output
    assert calls[0][2][SCENARIO_ENV] == str(library.library_scenario("hire_cheapest"))
    monkeypatch.delenv(SCENARIO_ENV, raising=False)
    assert demo_scenario.__wrapped__().name == "workforce-dynamics"  # the default


def test_extends_looks_beside_the_file_first_then_in_the_library(tmp_path: Path) -> None:
    acme = tmp_path / "clients" / "acme"
    acme.mkdir(parents=True)
    today = acme / "today.yaml"
    today.write_text("extends: baseline.yaml\nname: acme-today\ncustomers: {initial: 60}\n")
    library_baseline = load_scenario(BASELINE)
    loaded = load_scenario(today)
    assert loaded.customers.initial == 60 and loaded.sales == library_baseline.sales
    (acme / "baseline.yaml").write_text(f"extends: {BASELINE}\nsales: {{salespeople: 9}}\n")
    assert load_scenario(today).sales.salespeople == 9  # the file beside it wins
    (acme / "option.yaml").write_text("extends: empowered_frontline.yaml\nname: acme-option\n")
    assert load_scenario(acme / "option.yaml").frontline == (
        load_scenario("empowered_frontline").frontline
    )


def test_extends_errors_name_the_file_the_line_and_the_closest_library_file(
    tmp_path: Path,
) -> None:
    today = tmp_path / "today.yaml"
    today.write_text("name: acme\nextends: baselin.yaml\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(today)
    message = str(caught.value)
    assert message.startswith(f"{today}:2: extends: {tmp_path / 'baselin.yaml'}: file not found")
    assert "did you mean baseline.yaml?" in message and "\n" not in message
    option = tmp_path / "option.yaml"
    option.write_text("extends: todya.yaml\n")
    with pytest.raises(ScenarioError, match=r"did you mean today.yaml \(in the same folder\)\?$"):
        load_scenario(option)  # a typo of a file beside it, not of a library name
    own = tmp_path / "baseline.yaml"  # a client's own baseline.yaml cannot extend 'itself'
    own.write_text("extends: baseline.yaml\n")
    with pytest.raises(ScenarioError, match="cannot extend itself: to extend the library's"):
        load_scenario(own)


def test_experiments_resolve_by_name_and_their_base_like_extends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    design, base = load_experiment("empowerment_by_supervisors")
    assert design.name == "empowerment-by-supervisors" and base.horizon.days == 730
    Path("mine.yaml").write_text(
        "name: mine\nbase: workforce_dynamics.yaml\n"
        "factors: {supervisors.count: {levels: [1, 2]}}\n"
    )
    assert load_experiment("mine.yaml")[1].name == "workforce-dynamics"
    Path("typo.yaml").write_text(
        "name: typo\nbase: workforce.yaml\nfactors: {supervisors.count: {levels: [1, 2]}}\n"
    )
    with pytest.raises(ScenarioError, match=r"^typo.yaml:2: base: workforce.yaml: file not found"):
        load_experiment("typo.yaml")
    with pytest.raises(ScenarioError, match="did you mean empowerment_by_supervisors"):
        load_experiment("empowerment_by_supervisor")


# --- cxsim scenarios --------------------------------------------------------------------------
def test_cxsim_scenarios_lists_every_library_file_with_its_description() -> None:
    result = runner.invoke(app, ["scenarios"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    files = sorted((ROOT / "scenarios").rglob("*.yaml"))
    assert len(lines) == len(files)
    listed = {line.split()[0]: line.split(maxsplit=1)[1] for line in lines}
    for path in files:
        name = path.relative_to(ROOT / "scenarios").with_suffix("").as_posix()
        assert listed[name] == yaml.safe_load(path.read_text())["description"]
    assert {"baseline", "validation/erlang_c", "validation/erlang_a", "calibration/complaints"} <= (
        set(listed)
    )
    top_level = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
    assert lines[0].split()[0] == top_level[0]  # top-level files first, by name
    assert lines[-1].split()[0] == "validation/lognormal"
    paths = runner.invoke(app, ["scenarios", "--paths"]).stdout.splitlines()
    assert dict(line.split() for line in paths)["baseline"] == str(BASELINE.resolve())


# --- plots without pyplot ---------------------------------------------------------------------
def test_report_plots_are_built_on_figure_objects_without_pyplot() -> None:
    """The installed run above proves it for a run's plots; the source says it for the rest."""
    for module in ("plots", "comparison_plots", "validation_doc"):
        source = (ROOT / "cxsim" / "report" / f"{module}.py").read_text()
        assert "matplotlib.use(" not in source and "import matplotlib.pyplot" not in source

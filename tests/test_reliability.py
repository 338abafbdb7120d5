"""Never lose a user's work: every bad input, unsafe output and fault of issue 15.

Each case runs the real command line and checks the one-line message, the exit code 2, that
no traceback appears and that nothing of the user's was deleted or overwritten.
"""

from __future__ import annotations

import json
import math
import os
import signal
import stat
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
import yaml
from conftest import BASELINE, ROOT
from typer.testing import CliRunner

from cxsim.cli import _comparison_folder, app
from cxsim.errors import OutputError
from cxsim.folders import (
    MARKER,
    STAGING,
    clean_stale_staging,
    replaced_folder,
    slug,
    unique_labels,
    write_text_atomically,
)
from cxsim.report.plots import figure, save_figure

runner = CliRunner()
TINY = ["--set", "customers.initial=60", "--days", "20"]


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``cxsim args``: in this process (fast), or as a process in ``cwd``."""
    if cwd is not None:
        return subprocess.run(
            [sys.executable, "-m", "cxsim", *args],
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=300,
        )
    result = runner.invoke(app, list(args))
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    stderr = result.stderr + ("Traceback: " + repr(result.exception) if crashed else "")
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, stderr)


def _refused(proc: subprocess.CompletedProcess, *words: str) -> str:
    """Assert exit 2 with one ``error:`` line on stderr naming ``words``; return it."""
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def _client_folder(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    folder = tmp_path / "clients" / "acme"
    folder.mkdir(parents=True)
    files = {
        "today.yaml": "extends: " + str(BASELINE) + "\nname: acme-today\n",
        "notes.txt": "meeting on Tuesday\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder, files


def _unchanged(folder: Path, files: dict[str, str]) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(files)
    for name, text in files.items():
        assert (folder / name).read_text() == text


# --- outputs never destroy what cxsim did not make -------------------------------------------
@pytest.mark.parametrize("command", ["run", "compare"])
def test_a_folder_cxsim_did_not_make_is_refused_before_any_run(tmp_path, command):
    folder, files = _client_folder(tmp_path)
    scenarios = [str(folder / "today.yaml")] * (2 if command == "compare" else 1)
    extra = ["--reps", "2"] if command == "compare" else []
    started = time.perf_counter()
    proc = _cli(command, *scenarios, *extra, *TINY, "--out", str(folder))
    _refused(proc, "not empty and was not made by cxsim")
    assert time.perf_counter() - started < 20  # refused before simulating
    _unchanged(folder, files)


def test_out_dot_is_refused_and_the_working_folder_kept(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    _refused(_cli("run", str(BASELINE), *TINY, "--out", ".", cwd=tmp_path), "working folder")
    assert (tmp_path / "mine.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


@pytest.mark.parametrize("name", ["..", "/tmp/victim", "../../victim", "a/../../b"])
def test_a_scenario_name_is_a_label_not_a_path(tmp_path, name, monkeypatch):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("data")
    work = tmp_path / "work" / "deep"
    work.mkdir(parents=True)
    scenario = work / "s.yaml"
    scenario.write_text(yaml.safe_dump({"extends": str(BASELINE), "name": name}))
    monkeypatch.chdir(work)
    proc = _cli("run", str(scenario), *TINY, "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert (victim / "precious.txt").read_text() == "data"
    made = list((work / "results").iterdir())
    assert [p.name for p in made] == [slug(name)] and (made[0] / "summary.json").exists()


def test_compare_keeps_every_scenario_file_inside_its_folder(tmp_path):
    names = ["a", "a", "a-2", "../escape", "x/y"]
    paths = []
    for i, name in enumerate(names):
        paths.append(tmp_path / f"s{i}.yaml")
        paths[-1].write_text(yaml.safe_dump({"extends": str(BASELINE), "name": name}))
    out = tmp_path / "cmp"
    proc = _cli(
        "compare",
        *map(str, paths),
        "--reps",
        "2",
        *TINY,
        "--out",
        str(out),
        "--quiet",
        "--jobs",
        "1",
    )
    assert proc.returncode == 0, proc.stderr
    files = sorted(p.name for p in (out / "scenarios").iterdir())
    assert len(files) == len(names) == len(set(files))
    assert not (tmp_path / "escape.yaml").exists() and not list(tmp_path.glob("*escape*"))
    import pandas as pd

    labels = pd.read_csv(out / "summary.csv")["scenario"].unique()
    assert len(labels) == len(names)


def test_a_comparison_folder_is_named_after_its_reference_and_options():
    """Comparing today with another option no longer replaces the last comparison's results."""
    assert _comparison_folder(["baseline", "surveys"]) == "compare-baseline-vs-surveys"
    assert _comparison_folder(["baseline", "shared_record"]) != _comparison_folder(
        ["baseline", "surveys"]
    )
    one_name = _comparison_folder(["../acme: today", "/etc"])  # a name, never a path
    assert one_name == "compare-..-acme-today-vs-etc" and "/" not in one_name


def test_names_in_any_script_keep_their_letters_and_never_share_a_folder():
    assert slug("Société Générale / 日本") == "Société-Générale-日本"
    names = ["日本語のクライアント", "Ωmega", "   ", ".", "..", "...", "//"]
    slugs = [slug(name) for name in names]
    assert slugs[:2] == names[:2] and len(set(slugs)) == len(names)
    assert all(s.startswith("unnamed-") for s in slugs[2:])
    assert len(os.fsencode(slug("日" * 200))) <= 255


def test_a_name_the_font_cannot_draw_is_plotted_without_a_warning_per_glyph(tmp_path):
    fig = figure()
    fig.subplots().set_title("日本語のクライアント")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        save_figure(fig, tmp_path / "plot.png")
    assert not caught and (tmp_path / "plot.png").stat().st_size > 0


def test_unique_labels_are_unique_for_tables_and_files():
    labels = unique_labels(["a", "a", "a-2", "A", "x" * 200, "x" * 200])
    assert len({label for label, _ in labels}) == 6
    assert len({safe.lower() for _, safe in labels}) == 6
    assert all(len(safe) <= 64 for _, safe in labels)


def test_sweep_refuses_a_folder_without_its_manifest(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "experiment.yaml").write_text("my own notes\n")
    experiment = _grid_experiment(tmp_path)
    _refused(_cli("sweep", str(experiment), "--out", str(folder), "--quiet"), "not empty")
    assert (folder / "experiment.yaml").read_text() == "my own notes\n"


@pytest.mark.parametrize("where", ["file", "below a file", "read-only"])
def test_an_output_that_cannot_be_written_is_refused_before_the_run(tmp_path, where):
    target = {
        "file": tmp_path / "f.txt",
        "below a file": tmp_path / "f.txt" / "out",
        "read-only": Path("/proc/cxsim-out"),
    }[where]
    (tmp_path / "f.txt").write_text("mine")
    proc = _cli("run", str(BASELINE), *TINY, "--out", str(target))
    _refused(
        proc,
        {"file": "is a file", "below a file": "which is a file", "read-only": "not writable"}[
            where
        ],
    )
    assert (tmp_path / "f.txt").read_text() == "mine"


def test_too_little_disk_is_refused_before_the_run(tmp_path, monkeypatch):
    import shutil

    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda _: usage._replace(free=1000))
    result = runner.invoke(app, ["run", str(BASELINE), *TINY, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "of disk" in result.output
    assert not (tmp_path / "o").exists()


def test_a_full_disk_while_writing_keeps_the_earlier_results(tmp_path, monkeypatch):
    out = tmp_path / "o"
    first = runner.invoke(app, ["run", str(BASELINE), *TINY, "--out", str(out), "--quiet"])
    assert first.exit_code == 0, first.output
    before = (out / "summary.json").read_text()

    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device", str(out / "plot.png"))

    monkeypatch.setattr("cxsim.report.outputs.write_plots", full)
    result = runner.invoke(app, ["run", str(BASELINE), *TINY, "--seed", "9", "--out", str(out)])
    assert result.exit_code == 2 and "No space left on device" in result.output
    assert (out / "summary.json").read_text() == before
    assert not [p for p in tmp_path.iterdir() if p.name != "o"]  # no staging left


@pytest.mark.parametrize("name", ["bad\0name", "n" * 300, "tab\there"])
def test_a_name_that_cannot_be_a_label_is_refused_before_the_run(tmp_path, name):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"extends": str(BASELINE), "name": name}))
    result = runner.invoke(app, ["run", str(path), *TINY, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "name" in result.output
    assert not (tmp_path / "o").exists()


def test_a_results_folder_with_files_of_yours_is_refused_and_kept(tmp_path):
    """A rerun replaces only what cxsim wrote: notes, a notebook or an edited table stop it."""
    out = tmp_path / "o"
    assert _cli("run", str(BASELINE), *TINY, "--out", str(out), "--quiet").returncode == 0
    assert _cli("run", str(BASELINE), *TINY, "--out", str(out), "--quiet").returncode == 0
    (out / "my_analysis.txt").write_text("mine")
    (out / "nb").mkdir()
    _refused(_cli("run", str(BASELINE), *TINY, "--out", str(out)), "my_analysis.txt, nb")
    assert (out / "my_analysis.txt").read_text() == "mine" and (out / "nb").is_dir()
    (out / "my_analysis.txt").unlink()
    (out / "nb").rmdir()
    with (out / "summary.csv").open("a") as table:
        table.write("my row\n")
    _refused(_cli("run", str(BASELINE), *TINY, "--out", str(out)), "summary.csv", "changed")
    assert (out / "summary.csv").read_text().endswith("my row\n")


def _listing(folder: Path) -> list[str] | None:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else None


@pytest.mark.parametrize("points_to", ["earlier results", "an empty folder", "nothing"])
def test_a_symbolic_link_as_out_is_refused_before_the_work(tmp_path, points_to):
    """Renaming results into place would replace the link and empty its folder through it."""
    target = tmp_path / "real"
    if points_to == "earlier results":
        assert _cli("run", str(BASELINE), *TINY, "--out", str(target), "--quiet").returncode == 0
    elif points_to == "an empty folder":
        target.mkdir()
    before, around = _listing(target), _listing(tmp_path)
    link = tmp_path / "link"
    link.symlink_to(target)
    _refused(_cli("run", str(BASELINE), *TINY, "--out", str(link)), "symbolic link")
    assert link.is_symlink() and _listing(target) == before
    assert _listing(tmp_path) == sorted([*around, "link"])  # no staging folder left


@pytest.mark.parametrize(
    ("umask", "file_mode", "folder_mode"), [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700)]
)
def test_results_and_reports_get_the_permissions_of_any_new_file(
    tmp_path, umask, file_mode, folder_mode
):
    """Not a temporary file's owner-only ones: a colleague opens the report on a shared drive."""
    before = os.umask(umask)
    try:
        write_text_atomically(tmp_path / "report.md", "text")
        with replaced_folder(tmp_path / "results", "run") as staging:
            (staging / "summary.csv").write_text("a,b\n")
    finally:
        os.umask(before)
    assert stat.S_IMODE((tmp_path / "report.md").stat().st_mode) == file_mode
    assert stat.S_IMODE((tmp_path / "results").stat().st_mode) == folder_mode
    assert stat.S_IMODE((tmp_path / "results" / MARKER).stat().st_mode) == file_mode


def test_a_staging_name_that_is_a_link_is_never_followed(tmp_path):
    """A link named like a staging folder (an earlier cxsim's leftover) is not cleaned through."""
    with replaced_folder(tmp_path / "mine", "run") as staging:
        (staging / "a.txt").write_text("keep")
    gone = subprocess.Popen(["true"])
    gone.wait()
    marker = json.loads((tmp_path / "mine" / MARKER).read_text())
    (tmp_path / "mine" / MARKER).write_text(json.dumps(marker | {"pid": gone.pid}))
    (tmp_path / f".old{STAGING}x").symlink_to(tmp_path / "mine")
    clean_stale_staging(tmp_path)
    assert (tmp_path / "mine" / "a.txt").read_text() == "keep"


def test_a_results_folder_whose_marker_lists_no_files_is_refused(tmp_path):
    out = tmp_path / "r"
    with replaced_folder(out, "run") as staging:
        (staging / "a.txt").write_text("old")
    marker = json.loads((out / MARKER).read_text())
    del marker["files"]  # as an earlier cxsim wrote it
    (out / MARKER).write_text(json.dumps(marker))
    with pytest.raises(OutputError, match="earlier cxsim"), replaced_folder(out, "run"):
        pass
    assert (out / "a.txt").read_text() == "old"


def test_files_added_while_the_model_runs_stop_the_swap(tmp_path):
    out = tmp_path / "r"
    with replaced_folder(out, "run") as staging:
        (staging / "a.txt").write_text("old")
    with pytest.raises(OutputError, match="late.txt"), replaced_folder(out, "run") as staging:
        (staging / "a.txt").write_text("new")
        (out / "late.txt").write_text("mine")
    assert (out / "a.txt").read_text() == "old" and (out / "late.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]  # no staging left


def test_replacing_results_swaps_complete_folders_and_repairs_a_kill(tmp_path):
    out = tmp_path / "r"
    with replaced_folder(out, "run") as staging:
        (staging / "a.txt").write_text("old")
    with replaced_folder(out, "run") as staging:
        (staging / "a.txt").write_text("new")
    assert (out / "a.txt").read_text() == "new" and (out / MARKER).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]
    # a kill between the two renames of the fallback: complete new results beside no target
    (out / MARKER).write_text(
        json.dumps(
            {
                "made_by": "cxsim",
                "kind": "run",
                "state": "complete",
                "pid": 2**22 + 7,
                "host": os.uname().nodename,
                "target": "r",
                "created": time.time(),
            }
        )
    )
    out.rename(tmp_path / ".r.cxsim-staging-x")
    clean_stale_staging(tmp_path)
    assert (out / "a.txt").read_text() == "new"


def test_a_killed_run_leaves_the_previous_results_in_place(tmp_path):
    out = tmp_path / "o"
    assert _cli("run", str(BASELINE), *TINY, "--out", str(out), "--quiet").returncode == 0
    before = (out / "summary.json").read_text()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cxsim",
            "run",
            str(BASELINE),
            "--set",
            "customers.initial=20000",
            "--days",
            "730",
            "--out",
            str(out),
            "--quiet",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(4)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (out / "summary.json").read_text() == before
    assert _cli("run", str(BASELINE), *TINY, "--out", str(out), "--quiet").returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]  # stale staging removed


def test_a_results_folder_of_another_kind_is_not_replaced(tmp_path):
    out = tmp_path / "o"
    assert _cli("run", str(BASELINE), *TINY, "--out", str(out), "--quiet").returncode == 0
    proc = _cli("compare", str(BASELINE), str(BASELINE), "--reps", "2", *TINY, "--out", str(out))
    _refused(proc, "holds cxsim run results")


# --- bounded, strict inputs ---------------------------------------------------------------
def _grid_experiment(tmp_path: Path, **changes: object) -> Path:
    data = {
        "name": "grid",
        "base": str(BASELINE),
        "replications": 1,
        "fixed": {"customers.initial": 40, "horizon.days": 10},
        "factors": {"supervisors.count": {"levels": [1, 2]}},
        "design": {"kind": "grid"},
        "kpis": ["retention_rate"],
    } | changes
    path = tmp_path / "experiment.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _scenario(tmp_path: Path, text: str, name: str = "client.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


BOMB = (
    "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9) if i else '1'}]\n" for i in range(10))
    + "customers:\n  initial: *l9\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BOMB, "aliases are expanded"),
        ("", "is empty; a scenario file holds keys, e.g. start one with 'extends: baseline.yaml'"),
        ("# only a comment\n", "is empty"),
        (f"extends: {BASELINE}\ncustomers:\n  initial: true\n", "a number, not true/false"),
        (f"extends: {BASELINE}\nseed: 1\nseed: 2\n", "seed is given twice"),
        (f"extends: {BASELINE}\nrecovery:\n  compensation_share: .inf\n", "finite number"),
        (f"extends: {BASELINE}\nsales:\n  salary_per_year: 1.0e+308\n", "less than or equal to"),
        (f"extends: {BASELINE}\ncustomers:\n  intial: 5\n", "did you mean initial?"),
        (
            f"extends: {BASELINE}\ncustomers:\n  segments:\n    - {{name: all, share: 1.0}}\n",
            "missing; a list given in a file replaces the parent's list whole",
        ),
        (f"extends: {BASELINE}\nname: {'x' * 50_000}\n", "at most 120 characters"),
        ("extends: /dev/zero\n", "extends: expected the path of a .yaml or .yml"),
        ("a: &a [*a]\n", "refers to itself"),
        ("x: !!python/object/apply:os.system ['true']\n", "not valid YAML"),
    ],
)
def test_bad_files_get_one_short_line(tmp_path, text, expected):
    path = _scenario(tmp_path, text)
    proc = _cli("run", str(path), "--out", str(tmp_path / "o"))
    line = _refused(proc, expected)
    assert len(line) < 400 and not (tmp_path / "o").exists()


@pytest.mark.parametrize("make", ["directory", "binary", "latin-1", "huge", "device"])
def test_files_that_are_no_yaml_text_are_refused(tmp_path, make):
    path = tmp_path / "s.yaml"
    if make == "directory":
        path.mkdir()
    elif make == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\0\0")
    elif make == "latin-1":
        path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    elif make == "huge":
        path.write_text("k: [" + "1, " * 1_000_000 + "1]\n")
    else:
        path = Path("/dev/zero")
    expected = {
        "directory": "is a folder",
        "binary": "binary file",
        "latin-1": "not UTF-8",
        "huge": "at most",
        "device": "not a regular file",
    }[make]
    _refused(_cli("run", str(path), "--out", str(tmp_path / "o")), expected)


def test_an_error_names_the_parent_file_and_line_that_hold_the_key(tmp_path):
    _scenario(
        tmp_path,
        "extends: " + str(BASELINE) + "\nname: p\nsales:\n  close_rate: 7\n",
        "parent.yaml",
    )
    child = _scenario(tmp_path, "extends: parent.yaml\nname: child\n", "child.yaml")
    line = _refused(_cli("run", str(child), "--out", str(tmp_path / "o")))
    assert f"{tmp_path / 'parent.yaml'}:4: sales.close_rate" in line


def test_extends_to_a_file_that_is_no_scenario_does_not_echo_it(tmp_path):
    secret = _scenario(tmp_path, "root:x:0:0:root:/root:/bin/bash\n" * 3, "passwd.yaml")
    child = _scenario(tmp_path, f"extends: {secret.name}\n", "child.yaml")
    line = _refused(_cli("run", str(child), "--out", str(tmp_path / "o")))
    assert "/bin/bash" not in line


def test_a_deep_extends_chain_is_refused(tmp_path):
    _scenario(tmp_path, f"extends: {BASELINE}\n", "f0.yaml")
    for i in range(1, 40):
        _scenario(tmp_path, f"extends: f{i - 1}.yaml\n", f"f{i}.yaml")
    _refused(
        _cli("run", str(tmp_path / "f39.yaml"), "--out", str(tmp_path / "o")),
        "a chain of over 32 files",
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--set", "customers=5", "--set", "customers.initial=200"], "conflicts"),
        (["--set", "customers.initial=200", "--set", "customers=5"], "conflicts"),
        (["--set", "customers.initial=10000000"], "GB of memory"),
        (["--seed", "-5"], "--seed"),
    ],
)
def test_bad_command_line_values_are_refused(tmp_path, args, expected):
    _refused(_cli("run", str(BASELINE), *args, "--out", str(tmp_path / "o")), expected)
    assert not (tmp_path / "o").exists()


def test_compare_seed_must_be_a_seed(tmp_path):
    _refused(_cli("compare", str(BASELINE), "--seed", "-5", "--out", str(tmp_path / "o")), "--seed")


EIGHT_KEYS = (  # ten levels each: 10^8 design points
    "supervisors.count",
    "frontline.empowerment_limit",
    "contact_centre.agents",
    "sales.salespeople",
    "delivery.teams",
    "frontline.skill_mean",
    "loyalty.base_churn_per_year",
    "customers.arrival_rate_per_day",
)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"kpis": ["retention_rat"]}, "did you mean retention_rate?"),
        ({"kpis": ["first_contact_resolution"]}, "a run's summary calls it fcr"),
        ({"kpis": ["costs"]}, "costs is a group: name one of its keys (costs."),
        ({"factors": {"supervisors.count": {"levels": []}}}, "at least 1 item"),
        (
            {"factors": {key: {"levels": list(range(10))} for key in EIGHT_KEYS}},
            "runs; a sweep holds at most",
        ),
    ],
)
def test_bad_experiments_are_refused_before_the_first_run(tmp_path, changes, expected):
    experiment = _grid_experiment(tmp_path, **changes)
    out = tmp_path / "sweep"
    _refused(_cli("sweep", str(experiment), "--out", str(out), "--quiet"), expected)
    assert not out.exists()


@pytest.mark.parametrize("address", ["not a url", "tcp://", "tcp://127.0.0.1:99999"])
def test_a_scheduler_address_is_checked_before_anything(tmp_path, address):
    out = tmp_path / "sweep"
    _refused(
        _cli("sweep", str(_grid_experiment(tmp_path)), "--scheduler", address, "--out", str(out)),
        "--scheduler",
    )
    assert not out.exists()


def test_a_corrupt_manifest_cannot_be_resumed(tmp_path):
    experiment, out = _grid_experiment(tmp_path), tmp_path / "my sweep"
    done = _cli("sweep", str(experiment), "--out", str(out))
    assert done.returncode == 0
    assert f"read them with: cxsim analyse '{out}'" in done.stdout  # a path to paste, quoted
    (out / "manifest.json").write_text("{not json")
    _refused(
        _cli("sweep", str(experiment), "--out", str(out), "--resume"),
        "not a readable sweep manifest",
    )


# --- plausible bands -----------------------------------------------------------------------
def test_an_implausible_value_runs_with_a_warning_kept_in_the_summary(tmp_path):
    out = tmp_path / "o"
    proc = _cli(
        "run",
        str(BASELINE),
        *TINY,
        "--set",
        "loyalty.base_churn_per_year=14",
        "--out",
        str(out),
        "--quiet",
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        "warning: loyalty.base_churn_per_year: 14 means the average customer would leave "
        "within 26 days"
    ) in proc.stderr and "did you mean 0.14?" in proc.stderr
    warnings = json.loads((out / "summary.json").read_text())["warnings"]
    assert len(warnings) == 1 and warnings[0].startswith("loyalty.base_churn_per_year")


def test_the_library_scenarios_are_plausible():
    from cxsim.scenario import load_scenario, plausibility_warnings

    for path in sorted((ROOT / "scenarios").rglob("*.yaml")):
        assert plausibility_warnings(load_scenario(path)) == [], path


# --- no NaN or infinity in any result ------------------------------------------------------
def _strict_json(path: Path) -> object:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{path}: {constant}")

    return json.loads(path.read_text(), parse_constant=refuse)


EXTREME = [
    [],  # the baseline
    ["customers.initial=0", "customers.arrival_rate_per_day=0"],  # nobody to serve
    [
        "contact_centre.agents=0",
        "channels.chat.agents=0",
        "channels.email.agents=0",
        "channels.email.roster=[]",
    ],  # fmt: skip
    ["supervisors.count=0", "frontline.empowerment_limit=0"],
    ["delivery.teams=0", "sales.salespeople=0"],
    ["frontline.salary_per_year=1000000000", "delivery.order_value=0"],
]


@pytest.mark.parametrize("assignments", EXTREME)
def test_extreme_but_valid_scenarios_write_only_finite_numbers(tmp_path, assignments):
    out = tmp_path / "o"
    sets = [arg for a in assignments for arg in ("--set", a)]
    proc = _cli(
        "run",
        str(BASELINE),
        "--set",
        "customers.initial=80",
        *sets,
        "--days",
        "30",
        "--out",
        str(out),
        "--quiet",
    )
    assert proc.returncode == 0, proc.stderr
    _strict_json(out / "summary.json")
    text = (out / "timeseries.csv").read_text().lower()
    assert "nan" not in text and "inf" not in text
    import pyarrow.parquet as pq

    for table in ("orders", "cases", "problems"):
        frame = pq.read_table(out / f"{table}.parquet").to_pandas()
        numeric = frame.select_dtypes("number")
        assert numeric.map(math.isfinite).all().all(), table

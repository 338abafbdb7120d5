"""Interrupts and dead parents: Ctrl-C gives one line and exit 130, kill -9 leaves nothing behind.

Every command runs as a subprocess with a private TMPDIR, so the temporary folders checked are
its own and not those of other programs on the machine.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import typer
from conftest import ROOT

from cxsim.cli import INTERRUPTED, _on_interrupt
from cxsim.runner import SCRATCH_PREFIX, _remove_dead_scratch

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="process groups, /proc, kill -9")

SCENARIOS = [
    str(ROOT / "scenarios" / "baseline.yaml"),
    str(ROOT / "scenarios" / "empowered_frontline.yaml"),
]
# Enough work to keep two workers busy for some seconds after they start.
BUSY = ["--set", "customers.initial=300", "--days", "200", "--reps", "6", "--jobs", "2"]
EXPERIMENT = f"""name: interrupted-grid
base: {ROOT / "scenarios" / "baseline.yaml"}
fixed: {{customers.initial: 300, horizon.days: 200}}
factors:
  frontline.empowerment_limit: {{levels: [0, 1000]}}
  supervisors.count: {{levels: [1, 2]}}
design: {{kind: grid}}
replications: 3
kpis: [retention_rate, profit, fcr]
"""
GONE_WITHIN_S = 10.0


def _cxsim(args: list[str], tmp: Path, **popen: object) -> subprocess.Popen[str]:
    env = {**os.environ, "TMPDIR": str(tmp), "COLUMNS": "200"}
    return subprocess.Popen(
        [sys.executable, "-m", "cxsim.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


@pytest.fixture
def tmp() -> Iterator[Path]:
    """A private, short TMPDIR (pytest's tmp_path is too deep for Unix sockets in it)."""
    folder = Path(tempfile.mkdtemp(prefix="cxi-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait_for_workers(
    main: subprocess.Popen[str], workers: int = 2, timeout: float = 60.0
) -> list[psutil.Process]:
    """Every descendant of ``main`` once ``workers`` pool workers (forkserver children) run.

    A worker counts once it has started its watchdog thread (two threads), so it has also
    set SIGINT aside: what follows tests the running pool, not the start-up of its workers.
    """
    parent = psutil.Process(main.pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert main.poll() is None, main.communicate()
        try:
            tree = parent.children(recursive=True)
        except psutil.NoSuchProcess:
            tree = []
        pids = {p.pid for p in tree}
        running = [p for p in tree if _alive(p) and p.ppid() in pids and _threads(p) >= 2]
        if len(running) >= workers:
            return tree
        time.sleep(0.05)
    raise AssertionError(f"no {workers} workers within {timeout} s")


def _threads(process: psutil.Process) -> int:
    try:
        return process.num_threads()
    except psutil.NoSuchProcess:
        return 0


def _seconds_until_gone(processes: list[psutil.Process]) -> float:
    start = time.monotonic()
    while any(_alive(p) for p in processes):
        assert time.monotonic() - start < GONE_WITHIN_S, [
            (p.pid, p.cmdline()) for p in processes if _alive(p)
        ]
        time.sleep(0.05)
    return time.monotonic() - start


def _small_compare(tmp: Path, out: Path) -> None:
    """A short compare that starts a pool of two processes."""
    run = _cxsim(
        [
            "compare",
            *SCENARIOS,
            "--set",
            "customers.initial=50",
            "--days",
            "5",
            "--reps",
            "2",
            "--jobs",
            "2",
            "--quiet",
            "--out",
            str(out),
        ],
        tmp,
    )
    _, err = run.communicate(timeout=120)
    assert run.returncode == 0, err


def _kill_and_check(main: subprocess.Popen[str], tmp: Path, tmp_path: Path) -> None:
    """kill -9 ``main`` once its workers run: its whole tree ends, a later pool cleans up."""
    tree = _wait_for_workers(main)
    scratch = tmp / f"{SCRATCH_PREFIX}{os.getuid()}" / str(main.pid)
    assert list(scratch.glob("pymp-*")), "multiprocessing's folder should be in the scratch"
    tree = tree + [p for p in psutil.Process(main.pid).children(recursive=True) if p not in tree]
    main.kill()
    main.wait()  # not communicate(): the descendants hold its pipes until they end
    print(f"descendants gone {_seconds_until_gone(tree):.2f} s after kill -9")
    main.communicate()
    assert scratch.exists()  # nothing could remove it yet
    _small_compare(tmp, tmp_path / "later")
    assert not scratch.exists(), "the next pool removes a dead process's scratch folder"
    assert not list(tmp.rglob("pymp-*")), list(tmp.rglob("*"))
    assert not list(scratch.parent.iterdir()), "the later run removes its own folder at exit"


def test_killed_compare_leaves_no_process_and_no_temp_folder(tmp: Path, tmp_path: Path) -> None:
    main = _cxsim(["compare", *SCENARIOS, *BUSY, "--quiet", "--out", str(tmp_path / "out")], tmp)
    _kill_and_check(main, tmp, tmp_path)


def test_killed_sweep_leaves_no_process_and_no_temp_folder(tmp: Path, tmp_path: Path) -> None:
    experiment = tmp_path / "experiment.yaml"
    experiment.write_text(EXPERIMENT)
    main = _cxsim(
        ["sweep", str(experiment), "--jobs", "2", "--quiet", "--out", str(tmp_path / "sweep")], tmp
    )
    _kill_and_check(main, tmp, tmp_path)


def test_ctrl_c_in_compare_prints_one_line_and_exits_130(tmp: Path, tmp_path: Path) -> None:
    main = _cxsim(
        ["compare", *SCENARIOS, *BUSY, "--out", str(tmp_path / "out")], tmp, start_new_session=True
    )
    tree = _wait_for_workers(main)
    time.sleep(0.5)  # runs under way
    os.killpg(main.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
    _, err = main.communicate(timeout=60)
    lines = [line for line in err.splitlines() if line.strip()]
    assert main.returncode == 130, err
    assert len(lines) == 1 and lines[0].startswith("interrupted:"), err
    assert "Traceback" not in err
    _seconds_until_gone(tree)
    assert not (tmp_path / "out").exists()
    assert not list(tmp.rglob("pymp-*"))


def test_scratch_clean_up_removes_only_dead_processes_folders(tmp_path: Path) -> None:
    dead = next(pid for pid in range(4_000_000, 3_000_000, -1) if not psutil.pid_exists(pid))
    for name in (str(dead), str(os.getpid()), "pymp-other", "notes"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "file").write_text("x")
    _remove_dead_scratch(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [str(os.getpid()), "pymp-other", "notes"]
    )


def test_pools_start_where_the_temp_dir_is_too_deep_for_a_scratch_folder(
    tmp: Path, tmp_path: Path
) -> None:
    # 74 characters: pymp-*/listener-* fits in a socket path (107 on Linux), cxsim-<uid>/<pid>
    # in front of it would not.
    deep = tmp / ("d" * (74 - len(str(tmp)) - 1))
    assert len(str(deep)) == 74
    deep.mkdir()
    _small_compare(deep, tmp_path / "out")
    assert not list(deep.rglob("pymp-*"))


def test_ctrl_c_in_calibrate_says_how_to_resume(tmp: Path, tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        f"scenario: {ROOT / 'scenarios' / 'clients' / 'example.yaml'}\n"
        "targets: {contact_centre.occupancy: {value: 0.8, tolerance: 0.02}}\n"
        "free: {contact_centre.arrival_rate_per_hour: {low: 20, high: 40}}\n"
        "budget: 40\n"
    )
    out = tmp_path / "calibration"
    main = _cxsim(
        ["calibrate", str(targets), "--jobs", "2", "--out", str(out)], tmp, start_new_session=True
    )
    tree = _wait_for_workers(main)
    time.sleep(0.5)  # runs under way
    os.killpg(main.pid, signal.SIGINT)
    _, err = main.communicate(timeout=60)
    lines = [line for line in err.splitlines() if line.strip()]
    assert main.returncode == 130, err
    assert len(lines) == 1 and lines[0].startswith("interrupted: the runs finished so far"), err
    assert f"cxsim calibrate {targets} --out {out} --resume" in lines[0]
    _seconds_until_gone(tree)
    assert (out / "study.db").exists()


def test_ctrl_c_swallowed_by_a_callback_still_ends_the_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # CI once pressed Ctrl-C while the main process ran a weakref callback inside an import:
    # Python printed "Exception ignored ... KeyboardInterrupt" and went on.
    class Held:
        pass

    def command() -> None:
        held = Held()
        watch = weakref.ref(held, lambda _: signal.raise_signal(signal.SIGINT))
        del held  # the callback runs here and its KeyboardInterrupt cannot propagate
        time.sleep(30)
        assert watch() is None

    interruptible = _on_interrupt(lambda: "kept")(command)
    started = time.monotonic()
    with pytest.raises(typer.Exit) as ended:
        interruptible()
    assert ended.value.exit_code == INTERRUPTED
    assert time.monotonic() - started < 5
    assert capsys.readouterr().err == "interrupted: kept\n"


def _fail_first(index: int) -> int:
    """A run that fails at once for index 0; every other run takes 0.3 s."""
    if index == 0:
        raise ValueError("run 0 failed")
    time.sleep(0.3)
    return index


def test_a_failed_run_cancels_the_runs_not_yet_started() -> None:
    """The other 59 runs (9 s on two processes) are not waited for: only those running."""
    from cxsim.runner import map_runs

    started = time.monotonic()
    assert map_runs([1, 2], 2, _fail_first) == [1, 2]  # a pool's start and one run each
    one_run = time.monotonic() - started
    started = time.monotonic()
    with pytest.raises(ValueError, match="run 0 failed"):
        map_runs(list(range(60)), 2, _fail_first)
    assert time.monotonic() - started < one_run + 1.5

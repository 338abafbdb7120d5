"""Run a scenario: once, or as replications in parallel processes.

Replication ``i`` of a scenario always uses seed ``replication_seed(seed, i)``, whatever the
number of processes, so results do not depend on ``jobs``; and replication ``i`` of two
scenarios with the same base seed shares its random streams (common random numbers).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.util
import os
import select
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from cxsim.kpis import interval_counts, summarise
from cxsim.model import ServiceOrganisation
from cxsim.scenario import Scenario

__all__ = [
    "simulate",
    "run_summary",
    "run_with_series",
    "run_replications",
    "map_runs",
    "replication_seed",
    "replicate",
    "worker_pool",
    "worker_count",
]


def replication_seed(seed: int, replication: int, stream: int = 0) -> int:
    """Seed of replication ``replication``: ``SeedSequence(seed, spawn_key=(i,))`` as an int.

    ``stream`` > 0 gives a further, independent family of seeds (``spawn_key=(i, stream)``),
    used to switch common random numbers off between scenarios.
    """
    key = (replication,) if stream == 0 else (replication, stream)
    state = np.random.SeedSequence(seed, spawn_key=key).generate_state(2, np.uint32)
    return int(state[0]) << 32 | int(state[1])


def simulate(
    params: Scenario, on_week: Callable[[float], None] | None = None
) -> ServiceOrganisation:
    """Build the model of ``params`` and run it over its horizon."""
    model = ServiceOrganisation(params)
    model.run(params.horizon.days, on_week)
    return model


def run_summary(params: Scenario) -> dict[str, Any]:
    """Summary KPIs of one run (picklable, for worker processes)."""
    return _summary_and_release(simulate(params))


RunResult = tuple[dict[str, Any], dict[str, list[float]], dict[str, dict[str, np.ndarray]]]


def run_with_series(params: Scenario) -> RunResult:
    """Summary KPIs, weekly time series and counts by hour of the week of one run.

    The series map each column to its weekly values; the counts are per staffed channel
    (``cxsim.kpis.interval_counts``).
    """
    model = simulate(params)
    frame = model.datacollector.get_model_vars_dataframe()
    series = {name: frame[name].tolist() for name in model.series_columns}
    intervals = interval_counts(model)
    return _summary_and_release(model), series, intervals


def _summary_and_release(model: ServiceOrganisation) -> dict[str, Any]:
    summary = summarise(model)
    model.remove_all_agents()  # lets the model be garbage-collected at once (Mesa's advice)
    return summary


def replicate(params: Scenario, replications: int) -> list[Scenario]:
    """``params`` once per replication, replication ``i`` with ``replication_seed(seed, i)``."""
    return [
        params.model_copy(update={"seed": replication_seed(params.seed, i)})
        for i in range(replications)
    ]


def run_replications(
    params: Scenario, replications: int, jobs: int | None = None
) -> list[dict[str, Any]]:
    """Summaries of ``replications`` runs of ``params``, in replication order."""
    return map_runs(replicate(params, replications), jobs)


# Multiprocessing's default ("__main__") and the model, which every worker's task imports
# (about 1.8 s of CPU a worker otherwise, most of it Mesa's import).
FORKSERVER_PRELOAD = ["__main__", "cxsim.runner"]


def worker_count(runs: int, jobs: int | None = None) -> int:
    """Processes for ``runs`` runs: ``jobs``, else one per core; never more than the runs."""
    return min(runs, jobs or os.cpu_count() or 1)


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes (forkserver: clean processes, not forks).

    The workers leave Ctrl-C to this process (which ends them: see ``_Pool``) and exit on
    their own within about a second when this process dies, even by ``kill -9``.
    multiprocessing's temporary folder lives in a scratch folder of this process that a later
    pool removes if this process was killed (see ``_use_scratch_folder``). The forkserver
    imports the model once (``FORKSERVER_PRELOAD``) and every worker starts from it with the
    model loaded: about 1 s less per pool than each worker importing it again.
    """
    _use_scratch_folder()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(FORKSERVER_PRELOAD)  # before the forkserver first starts
    return _Pool(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )


class _Pool(ProcessPoolExecutor):
    """A process pool that, on Ctrl-C, ends its workers instead of waiting for their runs.

    On any other error it cancels the runs not yet started (their results could no longer be
    handed on) and waits only for those running.
    """

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None:
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            self.stop_now()
        elif exc_type is not None:
            self.shutdown(wait=True, cancel_futures=True)
        return super().__exit__(exc_type, exc, traceback)

    def stop_now(self) -> None:
        """Cancel the pending runs and end the running ones (nobody waits for them)."""
        # The workers ignore SIGINT, so a plain shutdown would wait for every running run.
        # _processes is private, but Python 3.12 has no public way (3.14: terminate_workers).
        processes = list((getattr(self, "_processes", None) or {}).values())
        self.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()  # SIGTERM: workers keep its default, an exit without output


WATCH_INTERVAL_S = 0.5  # how often a worker checks the main process where it cannot wait
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _start_worker(main_pid: int) -> None:
    """Set up a worker process (the pool's initializer); runs once, before any run.

    Parameters
    ----------
    main_pid
        The process that made the pool; the worker exits when it is gone.
    """
    # Ctrl-C signals the whole process group; the main process stops the pool, and a worker
    # that raised KeyboardInterrupt too would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    threading.Thread(
        target=_exit_with, args=(main_pid,), name="cxsim-watchdog", daemon=True
    ).start()


def _exit_with(pid: int) -> None:
    """Wait until process ``pid`` ends, then end this process at once (a watchdog thread).

    A worker's parent is the forkserver, not the main process, and a killed main process
    leaves its workers blocked on their task queue forever, so the worker watches the main
    process itself. A pidfd (Linux 5.3+) wakes the thread when the process ends, at no cost
    until then; elsewhere the thread checks every ``WATCH_INTERVAL_S`` seconds.
    """
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # not Linux, an old kernel, or refused by seccomp
        while _alive(pid):
            time.sleep(WATCH_INTERVAL_S)
        os._exit(1)
    select.select([handle], [], [])  # readable once the process has ended (reaped or not)
    os._exit(1)  # no clean-up: the run in progress is not wanted, and its results go nowhere


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker if its parent, the forkserver, dies.

    A complement to the watchdog: the forkserver only ends by itself once the main process
    and every worker are gone (they all hold its "alive" pipe), so this covers a forkserver
    killed on its own, and a worker whose watchdog thread cannot run.
    """
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a zombie counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


SCRATCH_PREFIX = "cxsim-"
# The forkserver listens on <folder>/pymp-XXXXXXXX/listener-XXXXXXXX, and a Unix socket's path
# has at most 103 bytes on macOS (107 on Linux): a deeper folder would stop every pool.
_SOCKET_SUFFIX = len("/pymp-12345678/listener-12345678")
_SOCKET_PATH_MAX = 103
_scratch: Path | None = None


def _use_scratch_folder() -> None:
    """Keep multiprocessing's temporary folder in ``<tmp>/cxsim-<uid>/<pid>/``.

    multiprocessing makes its folder (``pymp-*``, holding the forkserver's socket) once per
    process, in ``tempfile.gettempdir()``, and removes it at exit; a killed process leaves it
    behind. Here it is made inside a folder named after this process, which is removed at exit
    too, and a later cxsim removes the folders of processes that no longer exist. Nothing else
    in the temporary directory is touched. Without a usable scratch folder (not ours, not
    writable, or too deep for the forkserver's socket), multiprocessing's default is kept.
    """
    global _scratch
    if _scratch is not None:
        return
    try:
        root = _scratch_root()
        _remove_dead_scratch(root)
        folder = root / str(os.getpid())
        if len(os.fsencode(folder)) + _SOCKET_SUFFIX > _SOCKET_PATH_MAX:  # bytes, not chars
            return
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return
    saved = tempfile.tempdir
    # get_temp_dir has no folder argument: it calls tempfile.mkdtemp(prefix="pymp-") the
    # first time, and keeps that folder for the life of the process.
    tempfile.tempdir = str(folder)
    try:
        multiprocessing.util.get_temp_dir()
    finally:
        tempfile.tempdir = saved
    # After multiprocessing's own clean-up (exitpriority -100), which would fail on a folder
    # that is gone already.
    multiprocessing.util.Finalize(
        None, shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True}, exitpriority=-200
    )
    _scratch = folder


def _scratch_root() -> Path:
    """``<tmp>/cxsim-<uid>``: created if missing, refused unless a folder this user owns."""
    uid = os.getuid()
    root = Path(tempfile.gettempdir()) / f"{SCRATCH_PREFIX}{uid}"
    root.mkdir(mode=0o700, exist_ok=True)
    info = root.lstat()  # not stat: a link planted by someone else must not be followed
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != uid:
        raise OSError(f"{root}: not a folder of this user")
    return root


def _remove_dead_scratch(root: Path) -> None:
    """Remove the ``<pid>`` folders in ``root`` whose process no longer exists."""
    for entry in root.iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid() and not _alive(int(entry.name)):
            shutil.rmtree(entry, ignore_errors=True)  # rmtree does not follow links


def map_runs[Item, Result](
    runs: Sequence[Item],
    jobs: int | None = None,
    task: Callable[[Item], Result] = run_summary,
    on_done: Callable[[int, Result], None] | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> list[Result]:
    """``task`` of every run, in the order of ``runs``, on ``jobs`` processes (default: all).

    ``task`` must be picklable (a module-level function or an instance of a module class).

    ``on_done(index, result)`` is called as each run finishes (in completion order), so a
    caller can show progress or write results at once. ``pool``: a :func:`worker_pool` the
    caller keeps open across calls (a calibration's batches), in place of one per call.
    """
    jobs = worker_count(len(runs), jobs)
    results: list[Any] = [None] * len(runs)
    if pool is None and jobs <= 1:
        for i, run in enumerate(runs):
            results[i] = task(run)
            if on_done is not None:
                on_done(i, results[i])
        return results
    if pool is None:
        with worker_pool(jobs) as own:
            return map_runs(runs, jobs, task, on_done, own)
    futures = {pool.submit(task, run): i for i, run in enumerate(runs)}
    for future in as_completed(futures):
        i = futures[future]
        results[i] = future.result()
        if on_done is not None:
            on_done(i, results[i])
    return results

"""Run a designed experiment: local processes or a Dask cluster, each run saved as it ends.

Every finished run is written at once as one Parquet file in ``OUT/runs/`` (written to a
temporary name and renamed, so a killed sweep never leaves a half-written file). Resuming
skips every run whose file exists, after checking that the experiment is the one the folder
was started with. Only the kept KPIs of each run travel back: memory stays flat however many
runs a sweep has.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from cxsim.comparison import flatten_kpis
from cxsim.errors import excerpt
from cxsim.experiment import (
    Experiment,
    Run,
    check_kpis,
    design_hash,
    experiment_hash,
    experiment_runs,
)
from cxsim.folders import check_location, check_replaceable, new_folder, write_text_atomically
from cxsim.resources import check_memory
from cxsim.runner import map_runs, run_summary, worker_count
from cxsim.scenario import Scenario, ScenarioError

__all__ = [
    "run_sweep",
    "sweep_row",
    "read_runs",
    "pending_runs",
    "check_scheduler_address",
    "connect_scheduler",
    "run_on_dask",
    "write_run",
    "RunTask",
    "prepare_resumable",
    "RUNS",
    "MANIFEST",
    "SWEEP_KIND",
]

RUNS, MANIFEST = "runs", "manifest.json"
SWEEP_KIND = "sweep"
RUN_FILE_BYTES = 16 * 1024  # one run's Parquet file (measured 4-6 KB)
_ADDRESS = re.compile(r"((tcp|tls|ws|wss|ucx)://)?(\[[0-9a-fA-F:]+\]|[\w.-]+):(?P<port>\d{1,5})")


def sweep_row(run: Run, params: Scenario, kpis: Sequence[str]) -> dict[str, Any]:
    """Simulate ``params`` of ``run``; identity, factor values, seed, hash and kept KPIs."""
    flat = flatten_kpis(run_summary(params))
    missing = [k for k in kpis if k not in flat]
    if missing:
        raise KeyError(f"KPIs not in the run summary: {missing}")
    return {
        "key": run.key,
        "point": run.point,
        "replication": run.replication,
        "seed": str(run.seed),
        "parameter_hash": params.parameter_hash(),
        **run.values,
        **{k: flat[k] for k in kpis},
    }


class RunTask:
    """Picklable ``run -> row`` for worker processes and Dask workers."""

    def __init__(self, base: Scenario, kpis: Sequence[str]) -> None:
        self.base, self.kpis = base, list(kpis)

    def __call__(self, run: Run) -> dict[str, Any]:
        """The row of ``run`` (see :func:`sweep_row`)."""
        return sweep_row(run, run.scenario(self.base), self.kpis)


def write_run(folder: Path, row: dict[str, Any]) -> None:
    """One run as one Parquet file, renamed into place only when complete."""
    final = folder / f"{row['key']}.parquet"
    partial = folder / f".{row['key']}.parquet.tmp"
    pq.write_table(pa.Table.from_pylist([row]), partial)
    os.replace(partial, final)


def _manifest(out: Path, kind: str, command: str) -> dict[str, Any]:
    """The manifest of a resumable folder, or a one-line error when it is unreadable."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("experiment_hash"), str):
        raise ScenarioError(
            f"{out / MANIFEST}: not a readable {kind} manifest; this folder "
            f"cannot be resumed ({command} into another --out)"
        )
    return data


def prepare_resumable(
    out: Path,
    kind: str,
    manifest: dict[str, Any],
    files: dict[str, str],
    resume: bool,
    needed_bytes: int = 0,
) -> Path:
    """Create ``out`` with ``files``, its ``runs/`` and its manifest, or check a resumed one.

    ``manifest["experiment_hash"]`` fingerprints what decides the runs: a folder started with
    another is refused. A folder that is not empty and holds no manifest is refused, never
    written into; nor is the working folder (a new folder is renamed into place). ``kind`` is
    the folder's marker kind (``sweep``, ``calibration``). Returns ``out`` made absolute.
    """
    out = check_location(out, needed_bytes)
    command = "sweep" if kind == SWEEP_KIND else "calibrate"
    fingerprint = manifest["experiment_hash"]
    if (out / MANIFEST).exists():
        if not resume:
            raise ScenarioError(f"{out}: holds a {kind} already; use --resume or another --out")
        started = _manifest(out, kind, command)["experiment_hash"]
        if started != fingerprint:
            what = "experiment" if kind == SWEEP_KIND else "targets file"
            raise ScenarioError(
                f"{out}: was started with a different {what} ({_changed(out, files)}); "
                "use another --out"
            )
        if not (out / RUNS).is_dir():
            raise ScenarioError(
                f"{out}: has a manifest but no {RUNS}/ folder; not a {kind} cxsim can resume"
            )
        return out
    if out.is_dir() and any(out.iterdir()):
        raise ScenarioError(
            f"{out}: is not empty and holds no {kind} ({MANIFEST}); nothing "
            "was written. Give a new or empty --out"
        )
    if resume and out.exists():
        raise ScenarioError(f"{out}: holds no {kind} to resume (no {MANIFEST})")
    check_replaceable(out)
    with new_folder(out, kind) as staging:
        (staging / RUNS).mkdir()
        for name, text in files.items():
            (staging / name).write_text(text)
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return out


def _changed(out: Path, files: dict[str, str]) -> str:
    """What differs between the files a folder was started with and ``files``: top-level keys."""
    found = []
    for name, text in files.items():
        try:
            before = yaml.safe_load((out / name).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            before = None
        now = yaml.safe_load(text)
        if not (isinstance(before, dict) and isinstance(now, dict)):
            found.append(f"{name} unreadable" if before is None else name)
            continue
        keys = [k for k in dict.fromkeys([*before, *now]) if before.get(k) != now.get(k)]
        found += [f"{name}: {', '.join(map(str, keys))}"] if keys else []
    return "; ".join(found) or "made by another cxsim version"


def _prepare(
    out: Path, experiment: Experiment, base: Scenario, resume: bool, needed_bytes: int = 0
) -> Path:
    """Create ``out`` for ``experiment``; ``out`` made absolute (:func:`prepare_resumable`)."""
    manifest = {
        "experiment_hash": experiment_hash(experiment, base),
        "design_hash": design_hash(experiment, base),
        "name": experiment.name,
        "factors": list(experiment.factors),
        "kpis": experiment.kpis,
        "design": experiment.design.kind,
    }
    files = {
        "experiment.yaml": yaml.safe_dump(experiment.model_dump(mode="json"), sort_keys=False),
        "base.yaml": yaml.safe_dump(base.model_dump(mode="json"), sort_keys=False),
    }
    out = Path(out)
    if resume and _grows(out, manifest, experiment):
        check_location(out, needed_bytes)  # before the folder takes the new experiment
        _write_files(out, files)  # the files first: the manifest says they are whole
        write_text_atomically(out / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    out = prepare_resumable(out, SWEEP_KIND, manifest, files, resume, needed_bytes)
    _write_files(out, files)  # what a growth cut short before its manifest left ahead of it
    return out


def _write_files(out: Path, files: dict[str, str]) -> None:
    """Each of ``files`` in ``out`` as given, replaced atomically where it differs."""
    for name, text in files.items():
        try:
            same = (out / name).read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            same = False
        if not same:
            write_text_atomically(out / name, text)


def _grows(out: Path, manifest: dict[str, Any], experiment: Experiment) -> bool:
    """Whether ``out`` holds this sweep with at most its replications, or another description.

    Then the folder takes the experiment as it is now: its runs are kept and only the new
    replications run. A folder made before ``design_hash`` existed is resumed only unchanged.
    """
    if not (out / RUNS).is_dir():
        return False  # not a sweep to grow: prepare_resumable says what it is
    try:
        started = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        replications = yaml.safe_load((out / "experiment.yaml").read_text(encoding="utf-8"))[
            "replications"
        ]
    except (OSError, ValueError, TypeError, KeyError, yaml.YAMLError):
        return False  # not this case: prepare_resumable says what is wrong
    return (
        isinstance(started, dict)
        and started.get("design_hash") == manifest["design_hash"]
        and started.get("experiment_hash") != manifest["experiment_hash"]
        and isinstance(replications, int)
        and replications <= experiment.replications
    )


def pending_runs(out: Path, runs: Sequence[Run]) -> list[Run]:
    """The runs whose result file is not in ``out/runs`` yet."""
    done = {p.stem for p in (out / RUNS).glob("*.parquet")}
    return [r for r in runs if r.key not in done]


def run_sweep(
    experiment: Experiment,
    base: Scenario,
    out: Path,
    jobs: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    source: str = "<experiment>",
    on_start: Callable[[int, int], None] | None = None,
    on_done: Callable[[], None] | None = None,
) -> int:
    """Run every pending run of ``experiment``; return how many ran now.

    ``on_start(total, pending)`` is called once the design is known; ``on_done()`` after each
    run is saved.
    """
    if scheduler is not None:
        check_scheduler_address(scheduler)
    runs = experiment_runs(experiment, base, source)  # validates every point first
    check_kpis(experiment, base, source)
    check_memory(
        base,
        1 if scheduler else worker_count(len(runs), jobs),
        "each run of this sweep",
    )
    client = (
        connect_scheduler(scheduler) if scheduler is not None else None
    )  # before writing anything
    out = _prepare(Path(out), experiment, base, resume, RUN_FILE_BYTES * len(runs))
    todo = pending_runs(out, runs)
    if on_start is not None:
        on_start(len(runs), len(todo))
    task, folder = RunTask(base, experiment.kpis), out / RUNS

    def save(_index: int, row: dict[str, Any]) -> None:
        write_run(folder, row)
        if on_done is not None:
            on_done()

    if client is None:
        map_runs(todo, jobs, task=task, on_done=save)
    else:
        with client:
            run_on_dask(client, todo, task, save)
    return len(todo)


def check_scheduler_address(address: str) -> None:
    """Refuse, before any work, an address that names no Dask scheduler (scheme://host:port)."""
    match = _ADDRESS.fullmatch(address)
    if match is None or not 1 <= int(match["port"]) <= 65535:
        raise ScenarioError(
            f"--scheduler {excerpt(address)[1:-1]}: expected a Dask scheduler "
            "address such as tcp://10.0.0.5:8786 (port 1-65535)"
        )


def connect_scheduler(address: str) -> Any:
    """A Dask client of the scheduler at ``address``, or a one-line error."""
    from distributed import Client

    check_scheduler_address(address)
    try:
        return Client(address)  # waits distributed.comm.timeouts.connect (dask config)
    except (OSError, ValueError) as exc:  # refused, unknown host or scheme, or timed out
        raise ScenarioError(
            f"--scheduler {address}: cannot reach a Dask scheduler ({exc})"
        ) from None


def run_on_dask(
    client: Any, runs: Sequence[Run], task: RunTask, save: Callable[[int, dict[str, Any]], None]
) -> None:
    """Submit ``runs`` through ``client``; save each as it finishes."""
    from distributed import as_completed

    futures = client.map(task, runs, pure=False) if runs else []
    index = {f.key: i for i, f in enumerate(futures)}
    for future in as_completed(futures):
        save(index[future.key], future.result())
        future.release()  # results are on disk; let the cluster forget them


_IDENTITY = ("key", "point", "replication")


def run_columns(experiment: Experiment) -> list[str]:
    """The columns of every run file of ``experiment``, in order (see :func:`sweep_row`)."""
    lever = [] if experiment.lever is None else [experiment.lever.key]
    return [*_IDENTITY, "seed", "parameter_hash", *experiment.factors, *lever, *experiment.kpis]


def _read_run_file(path: Path, out: Path) -> pa.Table:
    """One run file, or a one-line error naming it when it is truncated or not Parquet."""
    try:
        return pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ScenarioError(
            f"{path}: not a readable Parquet run file ({reason}); delete it and "
            f"rerun it with cxsim sweep EXPERIMENT --out {out} --resume"
        ) from None


def read_runs(out: Path, columns: Sequence[str] | None = None) -> pa.Table:
    """Every saved run of a sweep folder, sorted by point and replication.

    Parameters
    ----------
    out
        The sweep folder (``--out`` of ``cxsim sweep``).
    columns
        The columns every run file must have, no more and no fewer (identity, factors and
        KPIs of the experiment); ``None`` checks only ``key``, ``point`` and ``replication``.

    Returns
    -------
    pyarrow.Table
        One row per run file; an empty table of the identity columns when there is none.

    Raises
    ------
    ScenarioError
        One line naming the folder or the file: no ``runs/`` folder, a truncated or corrupt
        file, a file whose columns are not ``columns``, or files whose column types disagree.
    """
    out = Path(out)
    folder = out / RUNS
    if not folder.is_dir():
        raise ScenarioError(f"{out}: no {RUNS}/ folder; not a sweep folder (run cxsim sweep)")
    tables = []
    for path in sorted(folder.glob("*.parquet")):
        table = _read_run_file(path, out)
        names = set(table.column_names)
        missing = [c for c in (columns if columns is not None else _IDENTITY) if c not in names]
        extra = sorted(names - set(columns)) if columns is not None else []
        if missing or extra:
            found = "; ".join(
                part
                for part in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"unexpected {', '.join(extra)}" if extra else "",
                )
                if part
            )
            raise ScenarioError(
                f"{path}: columns differ from the experiment's ({found}); was "
                "the experiment changed? Delete the file and resume, or sweep "
                "into another --out"
            )
        tables.append(table.select(list(columns)) if columns is not None else table)
    if not tables:
        return pa.table(
            {
                "key": pa.array([], pa.string()),
                "point": pa.array([], pa.int64()),
                "replication": pa.array([], pa.int64()),
            }
        )
    try:
        table = pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        reason = str(exc).splitlines()[0]
        raise ScenarioError(f"{folder}: run files disagree on column types ({reason})") from None
    return table.sort_by([("point", "ascending"), ("replication", "ascending")])

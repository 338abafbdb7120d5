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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from cxsim.comparison import flatten_kpis
from cxsim.experiment import Experiment, Run, experiment_hash, experiment_runs
from cxsim.runner import map_runs, run_summary
from cxsim.scenario import Scenario, ScenarioError

__all__ = ["run_sweep", "sweep_row", "read_runs", "pending_runs", "RUNS", "MANIFEST"]

RUNS, MANIFEST = "runs", "manifest.json"


def sweep_row(run: Run, params: Scenario, kpis: Sequence[str]) -> dict[str, Any]:
    """Simulate ``params`` of ``run``; identity, factor values, seed, hash and kept KPIs."""
    flat = flatten_kpis(run_summary(params))
    missing = [k for k in kpis if k not in flat]
    if missing:
        raise KeyError(f"KPIs not in the run summary: {missing}")
    return {"key": run.key, "point": run.point, "replication": run.replication,
            "seed": str(run.seed), "parameter_hash": params.parameter_hash(),
            **run.values, **{k: flat[k] for k in kpis}}


class _Task:
    """Picklable ``run -> row`` for worker processes and Dask workers."""

    def __init__(self, base: Scenario, kpis: Sequence[str]) -> None:
        self.base, self.kpis = base, list(kpis)

    def __call__(self, run: Run) -> dict[str, Any]:
        return sweep_row(run, run.scenario(self.base), self.kpis)


def _write_row(folder: Path, row: dict[str, Any]) -> None:
    """One run as one Parquet file, renamed into place only when complete."""
    final = folder / f"{row['key']}.parquet"
    partial = folder / f".{row['key']}.parquet.tmp"
    pq.write_table(pa.Table.from_pylist([row]), partial)
    os.replace(partial, final)


def _prepare(out: Path, experiment: Experiment, base: Scenario, resume: bool) -> None:
    """Create ``out`` with its manifest, or check that a resumed folder is this experiment."""
    manifest = out / MANIFEST
    fingerprint = experiment_hash(experiment, base)
    if manifest.exists():
        if not resume:
            raise ScenarioError(f"{out}: holds a sweep already; use --resume or another --out")
        started = json.loads(manifest.read_text())["experiment_hash"]
        if started != fingerprint:
            raise ScenarioError(f"{out}: was started with a different experiment "
                                f"({started} != {fingerprint}); use another --out")
        return
    (out / RUNS).mkdir(parents=True, exist_ok=True)
    (out / "experiment.yaml").write_text(
        yaml.safe_dump(experiment.model_dump(mode="json"), sort_keys=False))
    (out / "base.yaml").write_text(yaml.safe_dump(base.model_dump(mode="json"), sort_keys=False))
    manifest.write_text(json.dumps({"experiment_hash": fingerprint, "name": experiment.name,
                                    "factors": list(experiment.factors),
                                    "kpis": experiment.kpis,
                                    "design": experiment.design.kind}, indent=2) + "\n")


def pending_runs(out: Path, runs: Sequence[Run]) -> list[Run]:
    """The runs whose result file is not in ``out/runs`` yet."""
    done = {p.stem for p in (out / RUNS).glob("*.parquet")}
    return [r for r in runs if r.key not in done]


def run_sweep(experiment: Experiment, base: Scenario, out: Path, jobs: int | None = None,
              scheduler: str | None = None, resume: bool = False, source: str = "<experiment>",
              on_start: Callable[[int, int], None] | None = None,
              on_done: Callable[[], None] | None = None) -> int:
    """Run every pending run of ``experiment``; return how many ran now.

    ``on_start(total, pending)`` is called once the design is known; ``on_done()`` after each
    run is saved.
    """
    runs = experiment_runs(experiment, base, source)  # validates every point first
    client = _connect(scheduler) if scheduler is not None else None  # before writing anything
    out = Path(out)
    _prepare(out, experiment, base, resume)
    todo = pending_runs(out, runs)
    if on_start is not None:
        on_start(len(runs), len(todo))
    task, folder = _Task(base, experiment.kpis), out / RUNS

    def save(_index: int, row: dict[str, Any]) -> None:
        _write_row(folder, row)
        if on_done is not None:
            on_done()

    if client is None:
        map_runs(todo, jobs, task=task, on_done=save)
    else:
        with client:
            _on_dask(client, todo, task, save)
    return len(todo)


def _connect(address: str) -> Any:
    """A Dask client of the scheduler at ``address``, or a one-line error."""
    from distributed import Client

    try:
        return Client(address)  # waits distributed.comm.timeouts.connect (dask config)
    except OSError as exc:  # refused, unknown host, or timed out
        raise ScenarioError(f"--scheduler {address}: cannot reach a Dask scheduler ({exc})"
                            ) from None


def _on_dask(client: Any, runs: Sequence[Run], task: _Task,
             save: Callable[[int, dict[str, Any]], None]) -> None:
    """Submit ``runs`` through ``client``; save each as it finishes."""
    from distributed import as_completed

    futures = client.map(task, runs, pure=False) if runs else []
    index = {f.key: i for i, f in enumerate(futures)}
    for future in as_completed(futures):
        save(index[future.key], future.result())
        future.release()  # results are on disk; let the cluster forget them


def read_runs(out: Path) -> pa.Table:
    """Every saved run of a sweep folder, sorted by point and replication."""
    table = pq.ParquetDataset(Path(out) / RUNS).read()
    return table.sort_by([("point", "ascending"), ("replication", "ascending")])

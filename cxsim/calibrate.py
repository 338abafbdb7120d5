"""Calibrate a scenario to a client's own figures (``cxsim calibrate``): the search.

Optuna's TPE sampler (Bergstra et al. 2011, NeurIPS; Optuna: Akiba et al. 2019, KDD) proposes
candidate values of the free parameters in batches of ``batch``. Every candidate is run
``replications`` times with the same seeds (common random numbers: candidates differ by their
parameters only, so the search sees a smooth landscape) and scored by its misfit to the
client's figures (:func:`cxsim.fit.misfit`). The first candidate is the scenario as given, so
the report shows the uncalibrated model beside the fit.

Deterministic and resumable: the study lives in ``OUT/study.db`` (SQLite) and every run in
``OUT/runs/`` as one Parquet file written as it finishes (the sweep's layout). Candidate ``k``
is drawn by a sampler seeded from the targets' seed and ``k``, and a batch is scored only when
all of its runs are in, so the fit is the same whatever evaluates the runs (local processes, a
Dask cluster) and after a kill: a resumed calibration reruns only the runs that had not
finished. The best candidate, its values rounded as ``calibrated.yaml`` will hold them, is then
run ``confirm`` more times on seeds the search never used; those runs give the figures the
report shows (the search's own are biased towards the targets by the selection). Its
neighbours either side in each free parameter, on the search's seeds, give the slopes from
which :func:`cxsim.fit.identification` says how tightly the targets pin each one down.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from cxsim.experiment import Run
from cxsim.fit import Candidate, Fit, met, misfit, neighbours, position, significant
from cxsim.resources import check_memory
from cxsim.runner import map_runs, replication_seed, worker_pool
from cxsim.scenario import Scenario
from cxsim.sweep import (
    RUN_FILE_BYTES,
    RUNS,
    RunTask,
    check_scheduler_address,
    connect_scheduler,
    prepare_resumable,
    read_runs,
    run_on_dask,
    write_run,
)
from cxsim.targets import Targets, targets_hash

__all__ = ["calibrate", "CALIBRATION_KIND", "STUDY", "run_total"]

CALIBRATION_KIND = "calibration"
STUDY = "study.db"
SAMPLER_STREAM = 101  # replication_seed stream of the sampler's seeds (no run uses it)
NEIGHBOUR_REPLICATIONS = 4  # at least, either side of the fit: slopes told from noise (t, 3 df)

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class _Proposal:
    """A candidate asked of the study: its place in the search, trial number and values."""

    position: int
    number: int
    values: dict[str, float]


def run_total(targets: Targets) -> int:
    """Runs a calibration makes: the candidates', the confirmation and the fit's neighbours."""
    neighbours = 2 * len(targets.free) * max(targets.replications, NEIGHBOUR_REPLICATIONS)
    return targets.budget * targets.replications + targets.confirm + neighbours


def calibrate(
    targets: Targets,
    base: Scenario,
    scenario_file: Path,
    out: Path,
    jobs: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    on_start: Callable[[int, int], None] | None = None,
    on_done: Callable[[], None] | None = None,
    on_best: Progress | None = None,
) -> Fit:
    """Search the free parameters of ``base`` for the client's ``targets``; return the fit.

    ``on_start(total, pending)`` is called once, ``on_done()`` after each saved run and
    ``on_best(text)`` with the best fit so far after each batch.
    """
    import optuna

    if scheduler is not None:
        check_scheduler_address(scheduler)
    workers = 1 if scheduler else jobs or os.cpu_count() or 1
    check_memory(base, workers, "each calibration run")
    with ExitStack() as stack:
        client = None if scheduler is None else stack.enter_context(connect_scheduler(scheduler))
        out = _prepare(Path(out), targets, base, scenario_file, resume)
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        study = _study(out, targets, base)
        rows = {row["key"]: row for row in read_runs(out).to_pylist()}
        if on_start is not None:
            on_start(run_total(targets), max(0, run_total(targets) - len(rows)))
        pool = stack.enter_context(worker_pool(workers)) if client is None and workers > 1 else None
        execute = _executor(base, targets, out, rows, pool or client, on_done)
        while batch := _next_batch(study, targets):
            execute([run for p in batch for run in _runs(p, targets, range(targets.replications))])
            for proposal in batch:
                study.tell(proposal.number, misfit(_means(rows, proposal, targets), targets))
            if on_best is not None:
                on_best(_best_note(study, rows, targets))
        return _fit(_candidates(study, rows, targets), targets, base, scenario_file, rows, execute)


def _prepare(
    out: Path, targets: Targets, base: Scenario, scenario_file: Path, resume: bool
) -> Path:
    """Create the calibration folder ``out`` (or check a resumed one); ``out`` made absolute."""
    manifest = {
        "experiment_hash": targets_hash(targets, base),
        "scenario": str(scenario_file),
        "targets": list(targets.targets),
        "free": list(targets.free),
    }
    files = {
        "targets.yaml": yaml.safe_dump(targets.model_dump(mode="json"), sort_keys=False),
        "base.yaml": yaml.safe_dump(base.model_dump(mode="json"), sort_keys=False),
    }
    needed = RUN_FILE_BYTES * run_total(targets)
    return prepare_resumable(out, CALIBRATION_KIND, manifest, files, resume, needed)


def _fit(
    candidates: list[Candidate],
    targets: Targets,
    base: Scenario,
    scenario_file: Path,
    rows: dict[str, dict[str, Any]],
    execute: Callable[[Sequence[Run]], None],
) -> Fit:
    """The best candidate, rounded, confirmed on fresh seeds, with its neighbours' slopes."""
    best = min(candidates, key=lambda c: c.misfit)
    fitted = {key: significant(value) for key, value in best.values.items()}
    confirmation = _runs(
        _Proposal(best.position, -1, fitted),
        targets,
        range(targets.replications, targets.replications + targets.confirm),
        _digest("c", fitted),
    )
    neighbourhood = _neighbourhood(best.position, fitted, targets)
    execute(confirmation + [run for runs in neighbourhood.values() for run in runs])
    return Fit(
        targets=targets,
        base=base,
        scenario_file=scenario_file,
        candidates=candidates,
        best=best.position,
        fitted=fitted,
        confirmation={key: [rows[run.key][key] for run in confirmation] for key in targets.targets},
        slopes=_slopes(neighbourhood, rows, targets),
    )


def _neighbourhood(
    point: int, fitted: dict[str, float], targets: Targets
) -> dict[tuple[str, int], list[Run]]:
    """The runs either side (-1, +1) of the fit in each free parameter.

    On the search's seeds, and more up to :data:`NEIGHBOUR_REPLICATIONS`.
    """
    neighbourhood = {}
    for index, (key, free) in enumerate(targets.free.items()):
        for side, value in zip((-1, 1), neighbours(fitted[key], free), strict=True):
            values = fitted | {key: value}
            neighbourhood[key, side] = _runs(
                _Proposal(point, -1, values),
                targets,
                range(max(targets.replications, NEIGHBOUR_REPLICATIONS)),
                _digest(f"s{index:02d}{'+' if side > 0 else '-'}", values),
            )
    return neighbourhood


def _digest(kind: str, values: dict[str, float]) -> str:
    """A run key's variant naming the values it ran (a changed rounding never reuses a run)."""
    text = json.dumps(values, sort_keys=True)
    return f"-{kind}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def _slopes(
    neighbourhood: dict[tuple[str, int], list[Run]],
    rows: dict[str, dict[str, Any]],
    targets: Targets,
) -> dict[str, dict[str, list[float]]]:
    """Per replication, change of each target per whole searched range of each parameter."""
    slopes: dict[str, dict[str, list[float]]] = {name: {} for name in targets.targets}
    for key, free in targets.free.items():
        down, up = neighbourhood[key, -1], neighbourhood[key, 1]
        width = position(up[0].values[key], free) - position(down[0].values[key], free)
        for name in targets.targets:
            slopes[name][key] = [
                (rows[u.key][name] - rows[d.key][name]) / width
                for u, d in zip(up, down, strict=True)
            ]
    return slopes


def _distributions(targets: Targets) -> dict[str, Any]:
    from optuna.distributions import FloatDistribution, IntDistribution

    return {
        key: (
            IntDistribution(*f.ends, log=f.scale == "log")
            if f.integer
            else FloatDistribution(f.low, f.high, log=f.scale == "log")
        )
        for key, f in targets.free.items()
    }


def _study(out: Path, targets: Targets, base: Scenario) -> Any:
    """The study in ``out``: created with the scenario's own values queued first, or loaded."""
    import optuna

    study = optuna.create_study(
        storage=f"sqlite:///{out.resolve() / STUDY}",
        study_name=CALIBRATION_KIND,
        direction="minimize",
        load_if_exists=True,
    )
    today = targets.today(base)
    if not study.trials and today is not None:
        study.enqueue_trial(today)
    return study


def _sampler(targets: Targets, position: int) -> Any:
    """The sampler that draws candidate ``position`` (its seed depends on nothing else).

    CMA-ES (Hansen 2016, arXiv:1604.00772; the ``cmaes`` library) with a population of
    ``batch``, from the middle of the ranges: it follows the ridges that figures like
    occupancy (volume x handling time) make. TPE suits many integer or multi-modal parameters.
    """
    import optuna

    seed = replication_seed(targets.seed, position, SAMPLER_STREAM) % 2**32
    if targets.method == "tpe":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return optuna.samplers.TPESampler(
                seed=seed,
                multivariate=True,
                n_startup_trials=max(targets.batch, 2 * len(targets.free) + 2),
            )
    return optuna.samplers.CmaEsSampler(
        popsize=targets.batch,
        seed=seed,
        with_margin=any(f.integer for f in targets.free.values()),
        warn_independent_sampling=False,
    )


def _proposals(study: Any, targets: Targets) -> list[_Proposal]:
    """Every usable candidate asked so far, by position; one asked but never drawn is failed."""
    from optuna.trial import TrialState

    proposals = []
    for trial in study.get_trials(deepcopy=False):
        if trial.state not in (TrialState.RUNNING, TrialState.COMPLETE):
            continue  # failed, or queued and not drawn yet
        if set(trial.params) != set(targets.free):  # killed while it was being drawn
            study.tell(trial.number, state=TrialState.FAIL)
            continue
        proposals.append(_Proposal(len(proposals), trial.number, dict(trial.params)))
    return proposals


def _next_batch(study: Any, targets: Targets) -> list[_Proposal]:
    """The candidates of the batch not yet scored: unscored ones first, then new ones asked.

    Batch ``b`` holds positions ``b * batch`` onward, up to the budget.
    """
    from optuna.trial import TrialState

    proposals = _proposals(study, targets)
    states = {t.number: t.state for t in study.get_trials(deepcopy=False)}
    scored = sum(states[p.number] == TrialState.COMPLETE for p in proposals)
    if scored >= targets.budget:
        return []
    end = min(targets.budget, (scored // targets.batch + 1) * targets.batch)
    batch = [p for p in proposals if states[p.number] != TrialState.COMPLETE]
    distributions = _distributions(targets)
    for place in range(len(proposals), end):
        study.sampler = _sampler(targets, place)
        trial = study.ask(distributions)
        batch.append(_Proposal(place, trial.number, dict(trial.params)))
    return batch


def _runs(
    proposal: _Proposal, targets: Targets, replications: range, variant: str = ""
) -> list[Run]:
    """The runs of a candidate: replication ``i`` on the calibration's seed ``i`` (CRN)."""
    return [
        Run(proposal.position, i, replication_seed(targets.seed, i), proposal.values, variant)
        for i in replications
    ]


def _means(
    rows: dict[str, dict[str, Any]], proposal: _Proposal, targets: Targets
) -> dict[str, float]:
    runs = _runs(proposal, targets, range(targets.replications))
    return {key: float(np.mean([rows[run.key][key] for run in runs])) for key in targets.targets}


def _executor(
    base: Scenario,
    targets: Targets,
    out: Path,
    rows: dict[str, dict[str, Any]],
    workers: Any,
    on_done: Callable[[], None] | None,
) -> Callable[[Sequence[Run]], None]:
    """A function that runs what is not in ``rows`` yet, saving each run as it finishes.

    ``workers``: a process pool, a Dask client, or None (runs here, one after another).
    """
    task, folder = RunTask(base, list(targets.targets)), out / RUNS

    def save(_index: int, row: dict[str, Any]) -> None:
        write_run(folder, row)
        rows[row["key"]] = row
        if on_done is not None:
            on_done()

    def execute(runs: Sequence[Run]) -> None:
        todo = [run for run in runs if run.key not in rows]
        if workers is None or isinstance(workers, ProcessPoolExecutor):
            map_runs(todo, 1, task=task, on_done=save, pool=workers)
        else:
            run_on_dask(workers, todo, task, save)

    return execute


def _candidates(study: Any, rows: dict[str, dict[str, Any]], targets: Targets) -> list[Candidate]:
    """Every scored candidate with its replicated KPI means and misfit, by position."""
    candidates = []
    for proposal in _proposals(study, targets):
        means = _means(rows, proposal, targets)
        candidates.append(
            Candidate(proposal.position, proposal.values, means, misfit(means, targets))
        )
    return candidates


def _best_note(study: Any, rows: dict[str, dict[str, Any]], targets: Targets) -> str:
    """``best: 3/4 targets met, misfit 0.42`` for the progress bar (every batch so far scored)."""
    best = min(_candidates(study, rows, targets), key=lambda c: c.misfit)
    hits = sum(met(best.means, targets).values())
    return f"best: {hits}/{len(targets.targets)} targets met, misfit {best.misfit:.3g}"

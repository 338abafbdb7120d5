"""Run a scenario: once, or as replications in parallel processes.

Replication ``i`` of a scenario always uses seed ``replication_seed(seed, i)``, whatever the
number of processes, so results do not depend on ``jobs``; and replication ``i`` of two
scenarios with the same base seed shares its random streams (common random numbers).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

import numpy as np

from cxsim.kpis import summarise
from cxsim.model import TIMESERIES_COLUMNS, ServiceOrganisation
from cxsim.scenario import Scenario

__all__ = ["simulate", "run_summary", "run_with_series", "run_replications", "map_runs",
           "replication_seed", "replicate", "worker_pool"]


def replication_seed(seed: int, replication: int, stream: int = 0) -> int:
    """Seed of replication ``replication``: ``SeedSequence(seed, spawn_key=(i,))`` as an int.

    ``stream`` > 0 gives a further, independent family of seeds (``spawn_key=(i, stream)``),
    used to switch common random numbers off between scenarios.
    """
    key = (replication,) if stream == 0 else (replication, stream)
    state = np.random.SeedSequence(seed, spawn_key=key).generate_state(2, np.uint32)
    return int(state[0]) << 32 | int(state[1])


def simulate(params: Scenario, on_week: Callable[[float], None] | None = None
             ) -> ServiceOrganisation:
    """Build the model of ``params`` and run it over its horizon."""
    model = ServiceOrganisation(params)
    model.run(params.horizon.days, on_week)
    return model


def run_summary(params: Scenario) -> dict[str, Any]:
    """Summary KPIs of one run (picklable, for worker processes)."""
    return _summary_and_release(simulate(params))


def run_with_series(params: Scenario) -> tuple[dict[str, Any], dict[str, list[float]]]:
    """Summary KPIs and the weekly time series (column -> values) of one run."""
    model = simulate(params)
    frame = model.datacollector.get_model_vars_dataframe()
    series = {name: frame[name].tolist() for name in TIMESERIES_COLUMNS}
    return _summary_and_release(model), series


def _summary_and_release(model: ServiceOrganisation) -> dict[str, Any]:
    summary = summarise(model)
    model.remove_all_agents()  # lets the model be garbage-collected at once (Mesa's advice)
    return summary


def replicate(params: Scenario, replications: int) -> list[Scenario]:
    """``params`` once per replication, replication ``i`` with ``replication_seed(seed, i)``."""
    return [params.model_copy(update={"seed": replication_seed(params.seed, i)})
            for i in range(replications)]


def run_replications(params: Scenario, replications: int, jobs: int | None = None
                     ) -> list[dict[str, Any]]:
    """Summaries of ``replications`` runs of ``params``, in replication order."""
    return map_runs(replicate(params, replications), jobs)


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes (forkserver: clean processes, not forks)."""
    return ProcessPoolExecutor(max_workers=jobs,
                               mp_context=multiprocessing.get_context("forkserver"))


def map_runs[Item, Result](runs: Sequence[Item], jobs: int | None = None,
                           task: Callable[[Item], Result] = run_summary,
                           on_done: Callable[[int, Result], None] | None = None
                           ) -> list[Result]:
    """``task`` of every run, in the order of ``runs``, on ``jobs`` processes (default: all).

    ``task`` must be picklable (a module-level function or an instance of a module class).

    ``on_done(index, result)`` is called as each run finishes (in completion order), so a
    caller can show progress or write results at once.
    """
    jobs = min(len(runs), jobs or os.cpu_count() or 1)
    results: list[Any] = [None] * len(runs)
    if jobs <= 1:
        for i, run in enumerate(runs):
            results[i] = task(run)
            if on_done is not None:
                on_done(i, results[i])
        return results
    with worker_pool(jobs) as pool:
        futures = {pool.submit(task, run): i for i, run in enumerate(runs)}
        for future in as_completed(futures):
            i = futures[future]
            results[i] = future.result()
            if on_done is not None:
                on_done(i, results[i])
    return results

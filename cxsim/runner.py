"""Run a scenario: once, or as replications in parallel processes.

Replication ``i`` of a scenario always uses seed ``replication_seed(seed, i)``, whatever the
number of processes, so results do not depend on ``jobs``; and replication ``i`` of two
scenarios with the same base seed shares its random streams (common random numbers).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from cxsim.kpis import summarise
from cxsim.model import ServiceOrganisation
from cxsim.scenario import Scenario

__all__ = ["simulate", "run_summary", "run_replications", "map_runs", "replication_seed"]


def replication_seed(seed: int, replication: int) -> int:
    """Seed of replication ``replication``: ``SeedSequence(seed, spawn_key=(i,))`` as an int."""
    state = np.random.SeedSequence(seed, spawn_key=(replication,)).generate_state(2, np.uint32)
    return int(state[0]) << 32 | int(state[1])


def simulate(params: Scenario, on_week: Callable[[float], None] | None = None
             ) -> ServiceOrganisation:
    """Build the model of ``params`` and run it over its horizon."""
    model = ServiceOrganisation(params)
    model.run(params.horizon.days, on_week)
    return model


def run_summary(params: Scenario) -> dict[str, Any]:
    """Summary KPIs of one run (picklable, for worker processes)."""
    model = simulate(params)
    summary = summarise(model)
    model.remove_all_agents()  # lets the model be garbage-collected at once (Mesa's advice)
    return summary


def run_replications(params: Scenario, replications: int, jobs: int | None = None
                     ) -> list[dict[str, Any]]:
    """Summaries of ``replications`` runs of ``params``, in replication order."""
    runs = [params.model_copy(update={"seed": replication_seed(params.seed, i)})
            for i in range(replications)]
    return map_runs(runs, jobs)


def map_runs(runs: Sequence[Scenario], jobs: int | None = None) -> list[dict[str, Any]]:
    """Summaries of ``runs`` in order, on ``jobs`` processes (default: all cores)."""
    jobs = min(len(runs), jobs or os.cpu_count() or 1)
    if jobs <= 1:
        return [run_summary(r) for r in runs]
    # forkserver: workers start from a clean process, not a fork of a threaded one
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        return list(pool.map(run_summary, runs))

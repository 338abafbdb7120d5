"""Benchmarks: cost per simulated customer-year, scaling, parallel throughput, Dask, Ciw.

Benchmarks measure; they never fail a build. Each model size runs in a fresh process so that
its peak memory (``ru_maxrss``) is its own. Events are those the model's calendar executed
(``ServiceOrganisation.events_executed``).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cxsim.comparison import flatten_kpis
from cxsim.library import library_scenario, validation_scenario
from cxsim.runner import replicate, replication_seed, run_summary, simulate, worker_pool
from cxsim.scenario import Scenario, load_scenario, parameter_table, value_at, with_overrides

if TYPE_CHECKING:
    from cxsim.targets import Targets

__all__ = [
    "size_benchmark",
    "replication_throughput",
    "dask_overhead",
    "ciw_comparison",
    "run_benchmarks",
    "markdown_table",
    "target_checks",
    "scaled_baseline",
    "scaled_assignments",
    "calibration_benchmark",
    "write_results",
    "BENCH_FILES",
    "BENCH_MAX_CUSTOMERS",
]

BENCH_FILES = ("results.json", "results.md")
BENCH_MAX_CUSTOMERS = 10_000_000  # the schema's limit; memory is checked per size as well

BASELINE = library_scenario("baseline")  # the library's, wherever cxsim is installed
ERLANG_C = validation_scenario("erlang_c")


def _timed_run(params: Scenario) -> dict[str, float]:
    """One run in this (fresh) process: wall time, events, events per second, peak memory."""
    start = time.perf_counter()
    events = simulate(params).events_executed
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    return {
        "wall_s": wall,
        "events": events,
        "events_per_s": events / wall,
        "peak_memory_mb": peak_mb,
    }


def _in_fresh_process(function: Callable[..., Any], *args: Any) -> Any:
    with worker_pool(1) as pool:
        return pool.submit(function, *args).result()


HEAD_COUNT_UNITS = ("people", "teams", "agents")  # the schema's units of a head count
RATES = ("customers.arrival_rate_per_day", "contact_centre.arrival_rate_per_hour")


def scaled_baseline(customers: int, days: float = 365.0, outside_calls: bool = True) -> Scenario:
    """The baseline organisation grown (or shrunk) to ``customers``.

    Staff (at least one of each), new prospects and the calls that open no case scale in
    proportion, so every size carries the same load per person, as a real organisation of that
    size would. Without ``outside_calls`` the calls that open no case are left out
    (``contact_centre.arrival_rate_per_hour`` 0): what remains is the customers' own work, the
    workload the time targets are stated for (docs/performance.md).
    """
    base = load_scenario(BASELINE)
    scaled = scaled_assignments(base, customers / base.customers.initial)
    if not outside_calls:
        scaled.append("contact_centre.arrival_rate_per_hour=0")
    return load_scenario(BASELINE, [*scaled, f"horizon.days={days}"])


@cache
def _head_count_fields() -> tuple[str, ...]:
    """Every head count in the scenario schema, by its unit (``[]``: each item of a list)."""
    table = parameter_table(per_item=True)
    return tuple(row["key"] for row in table if row["unit"] in HEAD_COUNT_UNITS)


def _head_counts(base: Scenario) -> list[str]:
    """The dotted keys of ``base``'s head counts: every role, every shift of every roster."""
    keys = []
    for field in _head_count_fields():
        items, _, name = field.partition("[].")
        if name:
            keys += [f"{items}.{i}.{name}" for i in range(len(value_at(base, items) or ()))]
        else:
            keys.append(field)
    return keys


def scaled_assignments(base: Scenario, scale: float) -> list[str]:
    """Overrides that grow ``base`` by ``scale``: customers, staff, rates.

    Every head count the schema has (:func:`_head_counts`: roles, a specialist tier, each shift
    of each roster) is rounded, at least one where the scenario staffs it (none stays none).
    """
    staff = [
        f"{key}={max(1, round(value * scale)) if value else 0}"
        for key in _head_counts(base)
        if (value := value_at(base, key)) is not None
    ]
    rates = [f"{key}={value_at(base, key) * scale}" for key in RATES]
    return [f"customers.initial={round(base.customers.initial * scale)}", *rates, *staff]


def size_benchmark(
    customers: int, days: float = 365.0, repeats: int = 2, *, outside_calls: bool
) -> dict[str, Any]:
    """The scaled baseline with ``customers`` customers for ``days``, each run a fresh process.

    The fastest of ``repeats`` runs is reported (as ``timeit`` does: slower runs measure other
    work on the machine, not the model), with every run's wall time alongside: the customers'
    own work, or with ``outside_calls`` the baseline as it is (``scaled_baseline``).
    """
    params = scaled_baseline(customers, days, outside_calls)
    runs = [_in_fresh_process(_timed_run, params) for _ in range(repeats)]
    best = min(runs, key=lambda run: run["wall_s"])
    return {
        "customers": customers,
        "days": days,
        "outside_calls": outside_calls,
        **best,
        "wall_s_runs": [run["wall_s"] for run in runs],
    }


def _replications(replications: int, customers: int, days: float) -> list[Scenario]:
    base = load_scenario(BASELINE, [f"customers.initial={customers}", f"horizon.days={days}"])
    return replicate(base, replications)


def _on_warm_pool(runs: list[Scenario], jobs: int) -> float:
    """Wall time of ``runs`` on ``jobs`` processes that have already started and imported."""
    with worker_pool(jobs) as pool:
        list(pool.map(run_summary, runs[:jobs]))  # start-up and imports, not timed
        start = time.perf_counter()
        list(pool.map(run_summary, runs))
        return time.perf_counter() - start


def replication_throughput(
    replications: int, jobs: int, customers: int = 1000, days: float = 365.0
) -> dict[str, float]:
    """Replications per minute of the baseline on ``jobs`` warm processes."""
    wall = _on_warm_pool(_replications(replications, customers, days), jobs)
    return {
        "jobs": jobs,
        "replications": replications,
        "customers": customers,
        "wall_s": wall,
        "replications_per_minute": 60 * replications / wall,
    }


def dask_overhead(runs: int, workers: int) -> dict[str, float]:
    """Extra wall time per run of a Dask LocalCluster over warm local processes (short runs)."""
    from distributed import Client, LocalCluster

    tiny = _replications(runs, 400, 5.0)
    local = _on_warm_pool(tiny, workers)
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.gather(client.map(run_summary, tiny[:workers], pure=False))  # warm the workers
        start = time.perf_counter()
        client.gather(client.map(run_summary, tiny, pure=False))
        dask = time.perf_counter() - start
    return {
        "runs": runs,
        "workers": workers,
        "local_s": local,
        "dask_s": dask,
        "overhead_ms_per_run": 1000 * (dask - local) / runs,
    }


CALIBRATION_TARGET_S = 20 * 60  # the walkthrough's client, at most 20 minutes on 2 cores
CALIBRATION_TARGETS = "example_client"  # experiments/calibrate/example_client.yaml
FREE_COUNTS = (2, 4, 6)  # free parameters of the growth measurement
SIZE_FACTORS = (0.5, 1.0, 2.0)  # the client's size (customers, staff, calls) against today's
GROWTH_CLIENT = ("customers.initial=1000", "horizon.days=120")  # shorter runs for the growth
HIDDEN_AT = 0.4  # where in each searched range the growth measurement hides the true value


def _timed_calibration(targets: Targets, base: Scenario, file: Path, out: Path, jobs: int) -> dict:
    """Calibrate ``targets``: wall time, runs, targets met, first candidate meeting them all."""
    from cxsim.calibrate import calibrate, run_total
    from cxsim.fit import met

    start = time.perf_counter()
    fit = calibrate(targets, base, file, out, jobs)
    first = next(
        (c.position + 1 for c in fit.candidates if all(met(c.means, targets).values())), None
    )
    return {
        "wall_s": time.perf_counter() - start,
        "free": len(targets.free),
        "targets": len(targets.targets),
        "candidates": len(fit.candidates),
        "runs": run_total(targets),
        "met": sum(fit.met().values()),
        "candidates_to_meet_all": first,
    }


def _growth_with_free_parameters(count: int, scratch: Path, jobs: int) -> dict[str, Any]:
    """The walkthrough's targets recovered on a shorter client with ``count`` parameters free.

    The true values sit at :data:`HIDDEN_AT` of each range; the client's figures are the mean of
    four runs there on seeds the search never uses; parameters beyond ``count`` are fixed at
    their true values.
    """
    from cxsim.fit import value_at
    from cxsim.targets import load_targets

    targets, _base, _file = load_targets(CALIBRATION_TARGETS)
    hidden = {key: value_at(HIDDEN_AT, free) for key, free in targets.free.items()}
    folder = scratch / f"free-{count}"
    folder.mkdir()
    client = load_scenario(
        library_scenario("clients/example"),
        [*GROWTH_CLIENT, *(f"{k}={v}" for k, v in hidden.items())],
    )
    runs = [
        flatten_kpis(run_summary(client.model_copy(update={"seed": replication_seed(7, i, 3)})))
        for i in range(4)
    ]
    observed = {k: sum(run[k] for run in runs) / len(runs) for k in targets.targets}
    document = {
        "scenario": str(library_scenario("clients/example")),
        "targets": {
            k: {"value": observed[k], "tolerance": t.half_width} for k, t in targets.targets.items()
        },
        "free": {k: f.model_dump() for k, f in list(targets.free.items())[:count]},
        "replications": targets.replications,
        "budget": targets.budget,
        "batch": targets.batch,
        "confirm": 4,
    }
    fixed = [*GROWTH_CLIENT, *(f"{k}={v}" for k, v in list(hidden.items())[count:])]
    path = folder / "targets.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    grown, base, file = load_targets(path)
    return _timed_calibration(grown, with_overrides(base, fixed), file, folder / "out", jobs)


def _candidate_time(factor: float, jobs: int) -> dict[str, float]:
    """Wall time of one candidate (its replications side by side) for the client x ``factor``."""
    from cxsim.targets import load_targets

    targets, base, _file = load_targets(CALIBRATION_TARGETS)
    client = with_overrides(base, scaled_assignments(base, factor))
    runs = replicate(client, targets.replications)
    return {
        "factor": factor,
        "customers": client.customers.initial,
        "agents": client.contact_centre.agents or 0,
        "candidate_s": _on_warm_pool(runs, min(jobs, len(runs))),
    }


def calibration_benchmark(jobs: int) -> dict[str, Any]:
    """The walkthrough's client calibrated, and how the time grows with free parameters, size."""
    import tempfile

    from cxsim.targets import load_targets

    with tempfile.TemporaryDirectory(prefix="cxsim-bench-") as scratch:
        folder = Path(scratch)
        walkthrough = _timed_calibration(
            *load_targets(CALIBRATION_TARGETS), folder / "walkthrough", jobs
        )
        free = [_growth_with_free_parameters(count, folder, jobs) for count in FREE_COUNTS]
    return {
        "jobs": jobs,
        "walkthrough": walkthrough,
        "free_parameters": free,
        "sizes": [_candidate_time(factor, jobs) for factor in SIZE_FACTORS],
    }


def _ciw_mmc(arrivals_per_hour: float, services_per_hour: float, servers: int, hours: float) -> int:
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=arrivals_per_hour)],
        service_distributions=[ciw.dists.Exponential(rate=services_per_hour)],
        number_of_servers=[servers],
    )
    ciw.seed(1)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(hours)
    return len(simulation.get_all_records())


def ciw_comparison() -> dict[str, float]:
    """The Erlang C validation queue in cxsim and in Ciw (same M/M/c), one process each way.

    Without the warm-up, so that both count every contact of the same horizon.
    """
    params = load_scenario(ERLANG_C, ["warmup.days=0"])
    cc = params.contact_centre
    start = time.perf_counter()
    summary = run_summary(params)
    cxsim_s = time.perf_counter() - start
    start = time.perf_counter()
    served = _ciw_mmc(
        cc.arrival_rate_per_hour, 60.0 / cc.aht_minutes, cc.agents, params.horizon.days * 24
    )
    ciw_s = time.perf_counter() - start
    return {
        "contacts_cxsim": summary["contact_centre"]["offered"],
        "contacts_ciw": served,
        "cxsim_s": cxsim_s,
        "ciw_s": ciw_s,
        "ratio_cxsim_to_ciw": cxsim_s / ciw_s,
    }


def run_benchmarks(
    sizes: list[int],
    replications: int,
    replication_customers: int = 1000,
    repeats: int = 2,
    baseline_sizes: tuple[int, ...] = (),
    calibration: bool = True,
) -> dict[str, Any]:
    """Every benchmark; sizes are customers for one year.

    ``sizes`` measure the customers' own work (the targets); ``baseline_sizes`` the baseline
    with its calls that open no case (what a realistic run costs); ``calibration`` the
    walkthrough's client calibrated (:func:`calibration_benchmark`, about 20 minutes).
    """
    cores = os.cpu_count() or 1
    return {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cores": cores,
        },
        "sizes": [size_benchmark(n, repeats=repeats, outside_calls=False) for n in sizes],
        "baseline_sizes": [
            size_benchmark(n, repeats=repeats, outside_calls=True) for n in baseline_sizes
        ],
        "replications": [
            replication_throughput(replications, jobs, replication_customers) for jobs in (1, cores)
        ],
        "dask": dask_overhead(4 * replications, cores),
        "ciw": ciw_comparison(),
        "calibration": calibration_benchmark(cores) if calibration else None,
    }


def _size_rows(sizes: list[dict[str, Any]]) -> list[str]:
    return [
        f"| {r['customers']:,} | {r['wall_s']:.2f} | "
        f"{', '.join(f'{wall:.2f}' for wall in r['wall_s_runs'])} | {r['events']:,} | "
        f"{r['events_per_s']:,.0f} | {r['peak_memory_mb']:,.0f} |"
        for r in sizes
    ]


def markdown_table(results: dict[str, Any]) -> str:
    """The results as Markdown tables."""
    header = (
        "| customers (1 year) | wall (s), best run | all runs (s) | events | events/s | "
        "peak memory (MB) |\n|---|---|---|---|---|---|"
    )
    lines = ["Customers' own work (the targets):", "", header, *_size_rows(results["sizes"])]
    if results.get("baseline_sizes"):
        lines += [
            "",
            "The baseline with its calls that open no case:",
            "",
            header,
            *_size_rows(results["baseline_sizes"]),
        ]
    one, many = results["replications"]
    dask, ciw = results["dask"], results["ciw"]
    lines += [
        "",
        "| measure | value |",
        "|---|---|",
        f"| replications/min, 1 process | {one['replications_per_minute']:.1f} |",
        f"| replications/min, {many['jobs']} processes | "
        f"{many['replications_per_minute']:.1f} "
        f"({many['replications_per_minute'] / one['replications_per_minute']:.2f}x) |",
        f"| Dask overhead per run ({dask['workers']} workers) | "
        f"{dask['overhead_ms_per_run']:.0f} ms |",
        f"| Erlang C queue: cxsim / Ciw time ({ciw['contacts_cxsim']:,} vs "
        f"{ciw['contacts_ciw']:,} contacts) | {ciw['ratio_cxsim_to_ciw']:.2f} |",
    ]
    if results.get("calibration"):
        lines += ["", *_calibration_rows(results["calibration"])]
    lines += ["", "| target | measured | met |", "|---|---|---|"]
    lines += [
        f"| {target} | {measured} | {'yes' if met else '**no**'} |"
        for target, measured, met in target_checks(results)
    ]
    return "\n".join(lines) + "\n"


def _calibration_rows(calibration: dict[str, Any]) -> list[str]:
    walk, jobs = calibration["walkthrough"], calibration["jobs"]
    first = calibration["sizes"][[s["factor"] for s in calibration["sizes"]].index(1.0)]
    lines = [
        f"Calibration (`cxsim calibrate`, {jobs} processes): the walkthrough's client "
        f"({walk['free']} free parameters, {walk['targets']} targets, {walk['candidates']} "
        f"candidates, {walk['runs']} runs) took {walk['wall_s'] / 60:.1f} min; "
        f"{walk['met']} of {walk['targets']} targets met.",
        "",
        "| free parameters (shorter client) | candidates until every target met | "
        "time until then (s) | whole budget (s) |",
        "|---|---|---|---|",
        *(
            f"| {r['free']} | {r['candidates_to_meet_all'] or 'not met'} of "
            f"{r['candidates']} | "
            + (
                f"{r['wall_s'] * r['candidates_to_meet_all'] / r['candidates']:.0f}"
                if r["candidates_to_meet_all"]
                else "-"
            )
            + f" | {r['wall_s']:.0f} |"
            for r in calibration["free_parameters"]
        ),
        "",
        "| client size | customers | agents | one candidate (s) | walkthrough, projected (min) |",
        "|---|---|---|---|---|",
    ]
    for size in calibration["sizes"]:
        projected = walk["wall_s"] * size["candidate_s"] / first["candidate_s"] / 60
        lines.append(
            f"| {size['factor']:g}x | {size['customers']:,} | {size['agents']} | "
            f"{size['candidate_s']:.1f} | {projected:.0f} |"
        )
    return lines


def target_checks(results: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """Each target of the performance brief (docs/performance.md) that these results measure.

    Time and memory of the customers' own work at 100,000 customers (if measured), time ratios
    between sizes ten times apart, Ciw's speed on the same queue, and parallel efficiency (1.8x
    on 2 processes, the same 90% per process on more).
    """
    checks = []
    for size in results["sizes"]:
        if size["customers"] == 100_000:
            checks += [
                (
                    "100,000 customers' own work, one year, one core: at most 60 s",
                    f"{size['wall_s']:.1f} s",
                    size["wall_s"] <= 60.0,
                ),
                (
                    "... and at most 1.5 GB (1,536 MB) peak memory",
                    f"{size['peak_memory_mb']:,.0f} MB",
                    size["peak_memory_mb"] <= 1536,
                ),
            ]
    sizes = results["sizes"]
    for a, b in zip(sizes, sizes[1:], strict=False):
        if b["customers"] == 10 * a["customers"]:
            ratio = b["wall_s"] / a["wall_s"]
            checks.append(
                (
                    f"{a['customers']:,} to {b['customers']:,} customers: at most 11x the time",
                    f"{ratio:.2f}x",
                    ratio <= 11.0,
                )
            )
    ciw = results["ciw"]["ratio_cxsim_to_ciw"]
    checks.append(
        ("Erlang C queue no slower than Ciw (time ratio at most 1.0)", f"{ciw:.2f}", ciw <= 1.0)
    )
    if results.get("calibration"):
        walk = results["calibration"]["walkthrough"]
        checks.append(
            (
                f"the walkthrough's client calibrated within {CALIBRATION_TARGET_S // 60} "
                f"minutes ({results['calibration']['jobs']} processes)",
                f"{walk['wall_s'] / 60:.1f} min",
                walk["wall_s"] <= CALIBRATION_TARGET_S,
            )
        )
    one, many = results["replications"]
    if many["jobs"] > 1:
        speedup = many["replications_per_minute"] / one["replications_per_minute"]
        checks.append(
            (
                f"replications on {many['jobs']} processes: at least {0.9 * many['jobs']:.1f}x one",
                f"{speedup:.2f}x",
                speedup >= 0.9 * many["jobs"],
            )
        )
    return checks


def write_results(results: dict[str, Any], out: Path) -> tuple[Path, Path]:
    """``results.json`` and ``results.md`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2, allow_nan=False) + "\n")
    (out / "results.md").write_text(markdown_table(results))
    return out / "results.json", out / "results.md"

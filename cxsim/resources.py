"""What a run needs of this machine, estimated from the scenario before anything starts.

The figures are measured (``ru_maxrss`` of fresh processes running the scaled baseline for one
and four years at 1,000 to 100,000 customers; docs/reliability.md): a customer agent with its
own random stream holds about 3.5 KB, and each record row (order, case, problem) about 370
bytes; the interpreter with cxsim imported holds about 190 MB. The estimates round these up,
so that a run refused here would not have fitted, and a run allowed has room to spare.
"""

from __future__ import annotations

import os
from pathlib import Path

from cxsim.errors import CxsimError
from cxsim.scenario import Scenario

__all__ = [
    "model_memory_bytes",
    "output_bytes",
    "available_memory_bytes",
    "check_memory",
    "PROCESS_BYTES",
]

PROCESS_BYTES = 200 * 2**20  # Python, numpy, Mesa and cxsim imported (measured 190 MB)
CUSTOMER_BYTES = 4096  # agent, traits, own generator (measured ~3.5 KB)
RECORD_BYTES = 400  # one order, case or problem row in memory (measured ~370 B)
RECORD_FILE_BYTES = 100  # one row in the Parquet and CSV outputs (measured ~60 B)
PLOT_BYTES = 2**20  # the plots and small files of one run (measured ~0.3 MB)


def _customers(params: Scenario) -> float:
    """Everyone the model may hold: day-0 customers and every prospect that arrives."""
    return params.customers.initial + params.customers.arrival_rate_per_day * params.horizon.days


def _records(params: Scenario) -> float:
    """Order, case and problem rows: every contact and order of every customer-year."""
    c = params.customers
    per_customer_year = (
        c.routine_contacts_per_year + 2 * c.incidents_per_year + 2 * c.orders_per_year
    )
    return _customers(params) * per_customer_year * params.horizon.days / 365.0


def model_memory_bytes(params: Scenario) -> int:
    """Memory one process needs to build and run ``params`` (interpreter included)."""
    return int(
        PROCESS_BYTES + CUSTOMER_BYTES * _customers(params) + RECORD_BYTES * _records(params)
    )


def output_bytes(params: Scenario) -> int:
    """Disk space the files of one ``cxsim run`` of ``params`` take."""
    return int(PLOT_BYTES + RECORD_FILE_BYTES * _records(params))


def available_memory_bytes() -> int:
    """Memory this machine can give a new process now (``MemAvailable``, else all of it)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def check_memory(params: Scenario, processes: int = 1, what: str = "this run") -> None:
    """Refuse, before any work, a run whose ``processes`` models cannot fit in memory."""
    need, free = model_memory_bytes(params) * processes, available_memory_bytes()
    if need > free:
        per = "" if processes == 1 else f" ({processes} processes, fewer with --jobs)"
        raise CxsimError(
            f"{params.name}: {what} needs about {need / 2**30:,.1f} GB of memory{per} for "
            f"{_customers(params):,.0f} customers over {params.horizon.days:g} days; this "
            f"machine has {free / 2**30:,.1f} GB available"
        )

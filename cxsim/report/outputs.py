"""Write a run's results: summary.json, timeseries.csv, order and case records, plots.

Files are first written into a temporary folder beside ``out`` and moved into place only when
everything succeeded, so a failed run never leaves half-written results.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from cxsim.model import TIMESERIES_COLUMNS, ServiceOrganisation
from cxsim.records import CaseRecord, OrderRecord, ProblemRecord
from cxsim.report.plots import write_plots
from cxsim.scenario import Scenario

__all__ = ["write_results", "records_table", "staged_folder", "resolved_yaml"]


def records_table(rows: list, row_type: type) -> pa.Table:
    """Arrow table of frozen record rows, with the columns of ``row_type`` even when empty."""
    names = [f.name for f in dataclasses.fields(row_type)]
    columns = {n: [getattr(r, n) for r in rows] for n in names}
    return pa.table(columns) if rows else pa.table({n: pa.array([], pa.float64()) for n in names})


@contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out`` that replaces ``out`` only if the block succeeds."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        yield staging
        staging.chmod(0o755)  # mkdtemp makes it private; results are for sharing
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_results(model: ServiceOrganisation, summary: dict[str, Any], out: Path) -> list[Path]:
    """Write every output of a finished run into ``out`` (replacing what was there)."""
    with staged_folder(out) as staging:
        series = model.datacollector.get_model_vars_dataframe()[list(TIMESERIES_COLUMNS)]
        (staging / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        series.to_csv(staging / "timeseries.csv", index=False)
        pq.write_table(records_table(model.recorder.orders, OrderRecord),
                       staging / "orders.parquet")
        pq.write_table(records_table(model.recorder.cases, CaseRecord), staging / "cases.parquet")
        pq.write_table(records_table(model.recorder.problems, ProblemRecord),
                       staging / "problems.parquet")
        (staging / "scenario.yaml").write_text(resolved_yaml(model.params))
        write_plots(series, summary["translation_loss_by_stage"], staging)
    return sorted(Path(out).iterdir())


def resolved_yaml(params: Scenario) -> str:
    """The fully resolved scenario, so that a run can be repeated from its outputs."""
    return yaml.safe_dump(params.model_dump(), sort_keys=False)

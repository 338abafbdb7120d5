"""Write a run's results: summary.json, timeseries.csv, order and case records, plots.

Files are first written into a staging folder beside ``out`` and swapped into place only when
everything succeeded (:func:`cxsim.folders.replaced_folder`), so a failed or killed run never
leaves half-written results and never removes what cxsim did not make.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from cxsim.folders import replaced_folder
from cxsim.kpis import interval_counts
from cxsim.model import ServiceOrganisation
from cxsim.organisation.surveys import SurveyAnswer
from cxsim.records import CaseRecord, OrderRecord, ProblemRecord
from cxsim.report.interval_plots import daily_profile, interval_table, waits_by_hour_of_week
from cxsim.report.plots import write_plots
from cxsim.scenario import Scenario

__all__ = ["write_results", "records_table", "resolved_yaml", "strict_json", "RUN_KIND"]

RUN_KIND = "run"


def records_table(rows: list, row_type: type) -> pa.Table:
    """Arrow table of frozen record rows, with the columns of ``row_type`` even when empty."""
    names = [f.name for f in dataclasses.fields(row_type)]
    columns = {n: [getattr(r, n) for r in rows] for n in names}
    return pa.table(columns) if rows else pa.table({n: pa.array([], pa.float64()) for n in names})


def strict_json(data: Any) -> str:
    """``data`` as indented JSON; NaN or infinity is a bug here and raises (never written)."""
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


def write_results(model: ServiceOrganisation, summary: dict[str, Any], out: Path) -> list[Path]:
    """Write every output of a finished run into ``out`` (replacing cxsim's results there)."""
    with replaced_folder(out, RUN_KIND) as staging:
        series = model.datacollector.get_model_vars_dataframe()[list(model.series_columns)]
        (staging / "summary.json").write_text(strict_json(summary))
        series.to_csv(staging / "timeseries.csv", index=False)
        pq.write_table(
            records_table(model.recorder.orders, OrderRecord), staging / "orders.parquet"
        )
        pq.write_table(records_table(model.recorder.cases, CaseRecord), staging / "cases.parquet")
        pq.write_table(
            records_table(model.recorder.problems, ProblemRecord), staging / "problems.parquet"
        )
        if model.surveys.specs:
            answers = records_table(model.surveys.answers, SurveyAnswer)
            pq.write_table(answers, staging / "survey_answers.parquet")
        (staging / "scenario.yaml").write_text(resolved_yaml(model.params))
        write_plots(series, summary["translation_loss_by_stage"], staging)
        intervals = interval_counts(model)
        interval_table(intervals).to_csv(staging / "hour_of_week.csv", index=False)
        waits_by_hour_of_week(intervals, staging / "waits_by_hour_of_week.png")
        daily_profile(intervals, staging / "daily_profile.png")
    return sorted(p for p in Path(out).iterdir() if not p.name.startswith("."))


def resolved_yaml(params: Scenario) -> str:
    """The fully resolved scenario, so that a run can be repeated from its outputs."""
    return yaml.safe_dump(params.model_dump(), sort_keys=False)

"""Analyse a sweep: sensitivity indices, main effects, heat maps.

Replications of a design point are averaged first (the indices describe the expected KPI).
Sobol first-order and total indices come from SALib's Saltelli estimator with bootstrap
confidence intervals (Saltelli et al. 2010); Morris mu* and sigma from SALib's elementary
effects (Morris 1991; Campolongo et al. 2007); grids get main effects per factor and, with two
factors, a heat map; Latin hypercubes get Spearman rank correlations and main-effect scatters.

What is analysed
----------------
The design is recomputed from the folder's ``experiment.yaml`` (its run points, from
:func:`~cxsim.experiment.run_points`, times the replications; the numbering is the sweep's)
and compared with the run files in ``runs/``. ``analysis.md`` and the returned
:class:`AnalysisReport` say how many of the design's runs were found and list the missing
design points with their missing replications (consecutive points with the same gap are one
range; past ten groups the list is cut short with a count).

An incomplete sweep is still analysed where the method allows it: grid main effects, heat
maps and Latin-hypercube rank correlations use the points present. Sobol's estimator and
Morris' elementary effects need the whole sample matrix, so they need every design point (one
replication of a point is enough; its mean is then over fewer runs): with a point missing,
:func:`analyse_sweep` raises a ``ScenarioError`` saying how many runs are missing and how to
finish the sweep (``cxsim sweep EXPERIMENT --out FOLDER --resume``).

With a lever (``lever:`` in the experiment), run point ``2 k + arm`` is design point ``k`` at
the lever's first (arm 0) or second level (arm 1). The analysis reads the lever's effect: for
each design point and replication, the KPI at the second level minus the KPI at the first, the
two runs sharing their seed (common random numbers); those paired differences take the KPIs'
place in everything below (means and intervals per point, indices, effects, heat maps), and
``points_by_lever.csv`` keeps the means at each level. A design point needs both levels of at
least one replication.

A confidence interval needs at least two replications: a point with one has no ``<kpi>_ci``
(an empty cell in ``points.csv``, ``n/a`` in ``analysis.md``), never a half-width of 0.

Bad input is a ``ScenarioError`` of one line naming the file or folder and what was expected:
a path that is a file or not a sweep folder, a corrupt ``manifest.json``, an
``experiment.yaml`` that is not YAML, not a mapping, fails validation or disagrees with the
manifest, a sweep with no finished run, a truncated or corrupt run file (delete it and
resume), run files whose columns are not the experiment's, runs outside the design.
``indices.json`` is strict JSON: undefined values (a constant KPI's correlation) are ``null``.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle
from pydantic import ValidationError
from scipy import stats

from cxsim.experiment import Experiment, design_points, run_count, run_points, salib_problem
from cxsim.folders import check_results_folder, replaced_folder
from cxsim.report.plots import figure, money, save_figure
from cxsim.runner import replication_seed
from cxsim.scenario import ScenarioError, describe_error, first_error, read_yaml
from cxsim.statistics import estimate
from cxsim.sweep import MANIFEST, RUNS, read_runs, run_columns

__all__ = [
    "analyse_sweep",
    "sensitivity",
    "point_means",
    "lever_effects",
    "AnalysisReport",
    "Coverage",
    "sweep_coverage",
]

CONFIDENCE = 0.95
ANALYSIS, ANALYSIS_KIND = "analysis", "analysis"  # subfolder of the sweep folder
MANIFEST_KEYS = ("experiment_hash", "name", "factors", "kpis", "design")
NEEDS_EVERY_POINT = ("sobol", "morris")
LISTED_GROUPS = 10  # missing-point groups spelled out before the list is cut short
TABLE_ROWS = 30  # point means shown in analysis.md (all of them are in points.csv)


def _half_width(values: pd.Series) -> float:
    """Half-width of the 95% interval of the mean; NaN (not 0) with fewer than two values."""
    data = values.to_numpy(float)
    return estimate(data).half_width if len(data) >= 2 else math.nan


def point_means(runs: pd.DataFrame, experiment: Experiment) -> pd.DataFrame:
    """One row per design point: factor values and the KPIs averaged over replications.

    Parameters
    ----------
    runs
        One row per run (:func:`cxsim.sweep.read_runs`).
    experiment
        The sweep's experiment (factors and KPIs).

    Returns
    -------
    pandas.DataFrame
        ``point``, the factors, ``replications`` (runs found at the point), the KPI means and
        ``<kpi>_ci``, the half-width of each mean's 95% interval: NaN where a point has fewer
        than two replications, since one run gives no interval.
    """
    factors, kpis = list(experiment.factors), experiment.kpis
    grouped = runs.groupby("point", sort=True)
    means = grouped[kpis].mean()
    means.insert(0, "replications", grouped.size())
    half = {f"{k}_ci": grouped[k].agg(_half_width) for k in kpis}
    means = means.join(pd.DataFrame(half, index=means.index))
    return grouped[factors].first().join(means).reset_index()


def lever_effects(runs: pd.DataFrame, experiment: Experiment) -> pd.DataFrame:
    """The lever's paired effect on each KPI, one row per design point and replication.

    Parameters
    ----------
    runs
        One row per run of a sweep with a lever (run point ``2 k + arm``).
    experiment
        The sweep's experiment.

    Returns
    -------
    pandas.DataFrame
        ``point`` (the design point), ``replication``, the factors and, for each KPI, its value
        at the lever's second level minus its value at the first, in the same replication
        (same seed); pairs with a run missing are left out.
    """
    frame = runs.assign(arm=runs["point"] % 2, point=runs["point"] // 2)
    index = ["point", "replication"]
    without = frame[frame["arm"] == 0].set_index(index)
    with_lever = frame[frame["arm"] == 1].set_index(index)
    kpis = experiment.kpis
    effects = (with_lever[kpis] - without[kpis]).dropna()
    factors = without[list(experiment.factors)]
    return factors.join(effects, how="inner").reset_index()


@dataclass(frozen=True, slots=True)
class Coverage:
    """Runs of a sweep folder against the runs of its design.

    Attributes
    ----------
    expected
        Runs of the design: design points times replications.
    found
        Runs with a result file.
    points
        Design points.
    replications
        Replications per design point.
    missing
        Each design point with a missing run and its missing replications, by point.
    """

    expected: int
    found: int
    points: int
    replications: int
    missing: dict[int, tuple[int, ...]]

    @property
    def complete(self) -> bool:
        """Whether every run of the design was found."""
        return self.found == self.expected

    @property
    def empty_points(self) -> list[int]:
        """Design points without a single run."""
        return [p for p, reps in self.missing.items() if len(reps) == self.replications]

    def headline(self) -> str:
        """One sentence: how many of the design's runs were found."""
        if self.complete:
            return f"All {self.expected} runs of the design were found."
        present = self.points - len(self.empty_points)
        return (
            f"{self.found} of the design's {self.expected} runs were found "
            f"({self.expected - self.found} missing; {present} of {self.points} design "
            "points have at least one run)."
        )

    def missing_text(self, limit: int = LISTED_GROUPS) -> str:
        """The missing points and replications, consecutive points with the same gap merged.

        Parameters
        ----------
        limit
            Groups spelled out; the rest are counted.

        Returns
        -------
        str
            ``"points 4-7 (all 2 replications), point 9 (replication 1)"``; empty when complete.
        """
        groups: list[tuple[int, int, tuple[int, ...]]] = []
        for point, reps in sorted(self.missing.items()):
            if groups and groups[-1][1] == point - 1 and groups[-1][2] == reps:
                groups[-1] = (groups[-1][0], point, reps)
            else:
                groups.append((point, point, reps))
        parts = [self._group_text(*group) for group in groups[:limit]]
        if len(groups) > limit:
            rest = sum(last - first + 1 for first, last, _ in groups[limit:])
            parts.append(f"... and {rest} more point(s)")
        return ", ".join(parts)

    def _group_text(self, first: int, last: int, reps: tuple[int, ...]) -> str:
        where = f"point {first}" if first == last else f"points {first}-{last}"
        if self.replications == 1:
            return where
        if len(reps) == self.replications:
            return f"{where} (all {self.replications} replications)"
        label = "replication" if len(reps) == 1 else "replications"
        return f"{where} ({label} {', '.join(map(str, reps))})"


class AnalysisReport(Path):
    """Path of ``analysis.md``, carrying what was analysed so the CLI can print it.

    Attributes
    ----------
    coverage
        Runs found against the design's runs.
    notes
        One-line sentences for the terminal: the runs found, the missing points, intervals.
    """

    coverage: Coverage
    notes: tuple[str, ...]

    def with_segments(self, *pathsegments: str | Path) -> Path:
        """Derived paths (``parent``, ``/``) are plain paths without the report's fields."""
        return Path(*pathsegments)


def sweep_coverage(runs: pd.DataFrame, experiment: Experiment, folder: Path) -> Coverage:
    """Compare the runs found with the runs of the design.

    Parameters
    ----------
    runs
        One row per run file (``key``, ``point``, ``replication`` at least).
    experiment
        The experiment of the sweep folder.
    folder
        The sweep folder, for error messages.

    Returns
    -------
    Coverage
        Expected and found runs and the missing replications of each point.

    Raises
    ------
    ScenarioError
        When a run lies outside the design or two files hold the same run.
    """
    n_reps = experiment.replications
    n_points = run_count(experiment) // n_reps
    outside = runs[
        (runs["point"] < 0)
        | (runs["point"] >= n_points)
        | (runs["replication"] < 0)
        | (runs["replication"] >= n_reps)
    ]
    if len(outside):
        row = outside.iloc[0]
        raise ScenarioError(
            f"{folder / RUNS / (str(row['key']) + '.parquet')}: point {row['point']} "
            f"replication {row['replication']} is outside the design of experiment.yaml "
            f"({n_points} points x {n_reps} replications); was the experiment changed?"
        )
    _check_runs_follow_the_design(runs, experiment, folder)
    twice = runs[runs.duplicated(["point", "replication"], keep=False)]
    if len(twice):
        row = twice.iloc[0]
        raise ScenarioError(
            f"{folder / RUNS}: point {row['point']} replication "
            f"{row['replication']} is in {len(twice)} run files; delete the "
            "copies"
        )
    done = set(zip(runs["point"].astype(int), runs["replication"].astype(int), strict=True))
    missing = {}
    for point in range(n_points):
        reps = tuple(r for r in range(n_reps) if (point, r) not in done)
        if reps:
            missing[point] = reps
    return Coverage(n_points * n_reps, len(runs), n_points, n_reps, missing)


def _check_runs_follow_the_design(runs: pd.DataFrame, experiment: Experiment, folder: Path) -> None:
    """Each run's seed and factor values are those ``experiment.yaml`` gives its point.

    An ``experiment.yaml`` edited after the sweep (another seed, other levels or ranges)
    would otherwise label the runs with values they were not run at.
    """
    points = run_points(experiment)
    seeds = [str(replication_seed(experiment.seed, i)) for i in range(experiment.replications)]
    for row in runs.to_dict("records"):
        expected = {"seed": seeds[row["replication"]], **points[row["point"]]}
        differ = [key for key, value in expected.items() if row[key] != value]
        if differ:
            raise ScenarioError(
                f"{folder / RUNS / (str(row['key']) + '.parquet')}: {differ[0]} is "
                f"{row[differ[0]]!r}, not {expected[differ[0]]!r} as experiment.yaml gives "
                f"point {row['point']} replication {row['replication']}; was the experiment "
                "changed?"
            )


def _sobol(experiment: Experiment, y: np.ndarray) -> pd.DataFrame:
    from SALib.analyze import sobol

    result = sobol.analyze(
        salib_problem(experiment),
        y,
        calc_second_order=experiment.design.second_order,
        conf_level=CONFIDENCE,
        seed=experiment.seed,
    )
    return pd.DataFrame(
        {
            "S1": result["S1"],
            "S1_conf": result["S1_conf"],
            "ST": result["ST"],
            "ST_conf": result["ST_conf"],
        },
        index=list(experiment.factors),
    )


def _morris(experiment: Experiment, x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    from SALib.analyze import morris

    result = morris.analyze(
        salib_problem(experiment),
        x,
        y,
        conf_level=CONFIDENCE,
        num_levels=experiment.design.levels,
        seed=experiment.seed,
    )
    return pd.DataFrame(
        {
            "mu_star": result["mu_star"],
            "mu_star_conf": result["mu_star_conf"],
            "mu": result["mu"],
            "sigma": result["sigma"],
        },
        index=list(experiment.factors),
    )


def _rank_correlation(points: pd.DataFrame, experiment: Experiment, kpi: str) -> pd.DataFrame:
    rows = {}
    for factor in experiment.factors:
        with warnings.catch_warnings():  # a constant KPI has no correlation: NaN, said once
            warnings.simplefilter("ignore", stats.ConstantInputWarning)
            rho, p = stats.spearmanr(points[factor], points[kpi])
        rows[factor] = {"spearman_rho": float(rho), "p_value": float(p)}
    return pd.DataFrame(rows).T


def _main_effects(points: pd.DataFrame, experiment: Experiment, kpi: str) -> pd.DataFrame:
    frames = []
    for factor in experiment.factors:
        effect = points.groupby(factor)[kpi].mean().rename("mean").reset_index()
        frames.append(effect.rename(columns={factor: "level"}).assign(factor=factor))
    return pd.concat(frames, ignore_index=True)[["factor", "level", "mean"]]


def sensitivity(experiment: Experiment, points: pd.DataFrame, kpi: str) -> pd.DataFrame:
    """The design's sensitivity table of ``kpi`` over the point means."""
    kind = experiment.design.kind
    if kind == "sobol":
        return _sobol(experiment, points[kpi].to_numpy(float))
    if kind == "morris":
        x = points[list(experiment.factors)].to_numpy(float)
        return _morris(experiment, x, points[kpi].to_numpy(float))
    if kind == "lhs":
        return _rank_correlation(points, experiment, kpi)
    return _main_effects(points, experiment, kpi)


def _index_bars(table: pd.DataFrame, kind: str, kpi: str, path: Path) -> Path:
    fig = figure(figsize=(9, 0.45 * len(table) + 1.6))
    ax = fig.subplots()
    y = np.arange(len(table))
    if kind == "sobol":
        ax.barh(
            y - 0.2,
            table["S1"],
            0.4,
            xerr=table["S1_conf"],
            label="first order S1",
            color="#1f77b4",
            capsize=3,
        )
        ax.barh(
            y + 0.2,
            table["ST"],
            0.4,
            xerr=table["ST_conf"],
            label="total ST",
            color="#ff7f0e",
            capsize=3,
        )
        ax.set_xlabel("share of the KPI's variance")
    else:
        ax.barh(
            y,
            table["mu_star"],
            0.6,
            xerr=table["mu_star_conf"],
            color="#1f77b4",
            label="mu* (mean absolute elementary effect)",
            capsize=3,
        )
        ax.plot(table["sigma"], y, "o", color="#d62728", label="sigma (interactions)")
        ax.set_xlabel(f"effect on {kpi}")
    ax.set_yticks(y, table.index)
    ax.invert_yaxis()
    ax.legend()
    ax.set_title(f"{'Sobol indices' if kind == 'sobol' else 'Morris screening'}: {kpi}")
    ax.grid(axis="x", alpha=0.3)
    return save_figure(fig, path)


def _effect_panels(points: pd.DataFrame, experiment: Experiment, kpi: str, path: Path) -> Path:
    factors = list(experiment.factors)
    fig = figure(figsize=(4 * len(factors), 3.6))
    axes = fig.subplots(1, len(factors), squeeze=False)
    for ax, factor in zip(axes[0], factors, strict=True):
        if experiment.design.kind == "grid":
            effect = points.groupby(factor)[kpi].mean()
            ax.plot(effect.index.astype(str), effect.to_numpy(), "o-", lw=2, color="#1f77b4")
        else:
            ax.plot(points[factor], points[kpi], ".", alpha=0.5, color="#1f77b4")
        ax.set(xlabel=factor, ylabel=kpi)
        ax.grid(alpha=0.3)
    fig.suptitle(f"Main effects on {kpi}")
    return save_figure(fig, path)


def _heat_map(points: pd.DataFrame, experiment: Experiment, kpi: str, path: Path) -> Path:
    """Mean KPI over a two-factor grid; the best cell of each column is outlined."""
    rows, columns = list(experiment.factors)
    grid = points.pivot_table(index=rows, columns=columns, values=kpi, aggfunc="mean")
    fig = figure(figsize=(1.3 * grid.shape[1] + 3, 0.7 * grid.shape[0] + 2))
    ax = fig.subplots()
    image = ax.imshow(grid.to_numpy(), cmap="viridis", aspect="auto", origin="lower")
    for (i, j), value in np.ndenumerate(grid.to_numpy()):
        label = (
            "n/a"
            if not np.isfinite(value)  # a cell whose runs are missing
            else money(value)
            if abs(value) >= 1000
            else f"{value:.3g}"
        )
        ax.text(j, i, label, ha="center", va="center", color="white", fontsize=10)
    for j in range(grid.shape[1]):  # where the KPI peaks along the row factor
        column = grid.iloc[:, j].to_numpy(float)
        if not np.isfinite(column).any():
            continue
        best = int(np.nanargmax(column))
        ax.add_patch(Rectangle((j - 0.5, best - 0.5), 1, 1, fill=False, color="red", lw=2))
    ax.set_xticks(
        range(grid.shape[1]), [f"{c:g}" if isinstance(c, float) else str(c) for c in grid.columns]
    )
    ax.set_yticks(
        range(grid.shape[0]), [f"{r:g}" if isinstance(r, float) else str(r) for r in grid.index]
    )
    ax.set(xlabel=columns, ylabel=rows, title=f"{kpi} (red: best {rows} for each {columns})")
    fig.colorbar(image, ax=ax, label=kpi)
    return save_figure(fig, path)


def _sweep_folder(folder: Path) -> None:
    """Refuse a path that is not the ``--out`` folder of ``cxsim sweep``."""
    if not folder.exists():
        raise ScenarioError(f"{folder}: no such folder; give the --out folder of cxsim sweep")
    if not folder.is_dir():
        raise ScenarioError(
            f"{folder}: is a file, not a sweep folder; give the --out folder of cxsim sweep"
        )
    absent = [name for name in (MANIFEST, "experiment.yaml") if not (folder / name).is_file()]
    if absent:
        raise ScenarioError(
            f"{folder}: not a sweep folder (no {' or '.join(absent)}); give "
            "the --out folder of cxsim sweep"
        )


def _manifest(folder: Path) -> dict[str, Any]:
    """The sweep's manifest: a JSON object with every key ``cxsim sweep`` writes."""
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise ScenarioError(
            f"{path}: not valid JSON{where}; expected the manifest that cxsim sweep writes"
        ) from None
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{path}: expected a JSON object with keys "
            f"{', '.join(MANIFEST_KEYS)}, got {type(data).__name__}"
        )
    absent = [key for key in MANIFEST_KEYS if key not in data]
    if absent:
        raise ScenarioError(
            f"{path}: missing key(s) {', '.join(absent)}; expected the "
            "manifest that cxsim sweep writes"
        )
    return data


def _experiment(folder: Path, manifest: dict[str, Any]) -> Experiment:
    """The folder's ``experiment.yaml``, validated and checked against the manifest."""
    path = folder / "experiment.yaml"
    data = read_yaml(path, "an experiment")  # not YAML / not a mapping: one located line
    try:
        experiment = Experiment.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(f"{path}: {describe_error(first_error(exc), Experiment)}") from None
    recorded = {
        "factors": list(experiment.factors),
        "kpis": experiment.kpis,
        "design": experiment.design.kind,
    }
    differ = [key for key, value in recorded.items() if manifest[key] != value]
    if differ:
        raise ScenarioError(
            f"{path}: {', '.join(differ)} differ from {MANIFEST}; the folder "
            "was edited after the sweep started"
        )
    return experiment


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinity (nested in lists and dicts) turned into None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _points_table(points: pd.DataFrame, experiment: Experiment) -> list[str]:
    """Markdown of the point means (the first ``TABLE_ROWS``); intervals ``n/a`` if absent."""
    shown = points.head(TABLE_ROWS).copy()
    for kpi in experiment.kpis:
        shown[f"{kpi}_ci"] = [
            f"{v:.4g}" if math.isfinite(v) else "n/a" for v in shown[f"{kpi}_ci"].to_numpy(float)
        ]
    lines = ["## Design points", "", shown.to_markdown(floatfmt=".4g", index=False), ""]
    if len(points) > TABLE_ROWS:
        lines += [f"First {TABLE_ROWS} of {len(points)} points; all of them are in points.csv.", ""]
    return lines


def _interval_note(points: pd.DataFrame) -> str:
    """Sentence on missing intervals, or empty when every point has two replications."""
    single = int((points["replications"] < 2).sum())
    if not single:
        return ""
    which = (
        "every design point has"
        if single == len(points)
        else f"{single} of {len(points)} design points {'has' if single == 1 else 'have'}"
    )
    return (
        f"Confidence intervals need >= 2 replications; {which} one, so their <kpi>_ci "
        "is n/a (empty in points.csv)."
    )


def _coverage_notes(coverage: Coverage, folder: Path, kind: str) -> list[str]:
    notes = [coverage.headline()]
    if not coverage.complete:
        notes.append(f"Missing: {coverage.missing_text()}.")
        notes.append(
            f"The {kind} analysis uses the points present; finish the sweep with "
            f"cxsim sweep EXPERIMENT --out {folder} --resume."
        )
    return notes


def analyse_sweep(folder: str | Path, out: str | Path | None = None) -> AnalysisReport:
    """Write tables, plots and ``analysis.md`` into ``out`` (default ``folder/analysis``).

    Parameters
    ----------
    folder
        The ``--out`` folder of ``cxsim sweep``.
    out
        Where the analysis goes: a new or empty folder, or an earlier analysis to replace.

    Returns
    -------
    AnalysisReport
        The path of ``analysis.md``, with the runs found against the design's
        (``coverage``) and the sentences to print (``notes``).

    Raises
    ------
    ScenarioError
        One line naming the file or folder: see the module docstring for each case; a Sobol
        or Morris sweep with a design point missing.
    """
    folder = Path(folder)
    _sweep_folder(folder)
    final = check_results_folder(Path(out) if out else folder / ANALYSIS, ANALYSIS_KIND)
    experiment = _experiment(folder, _manifest(folder))
    runs = read_runs(folder, run_columns(experiment)).to_pandas()
    coverage = sweep_coverage(runs, experiment, folder)
    kind = experiment.design.kind
    if not coverage.found:
        raise ScenarioError(
            f"{folder}: no finished runs in {RUNS}/ (0 of the design's "
            f"{coverage.expected}); run cxsim sweep EXPERIMENT --out {folder} "
            "--resume"
        )
    if kind in NEEDS_EVERY_POINT and coverage.empty_points:
        raise ScenarioError(
            f"{folder}: {coverage.expected - coverage.found} of {coverage.expected} runs "
            f"missing ({len(coverage.empty_points)} of {coverage.points} design points have "
            f"none; a {kind} analysis needs every point); finish it with cxsim sweep "
            f"EXPERIMENT --out {folder} --resume"
        )
    by_lever = None
    if experiment.lever is not None:
        by_lever = point_means(runs, experiment)
        runs = lever_effects(runs, experiment)
        _check_pairs(runs, experiment, folder)
    points = point_means(runs, experiment)
    with replaced_folder(final, ANALYSIS_KIND) as staging:
        if by_lever is not None:
            by_lever.to_csv(staging / "points_by_lever.csv", index=False)
        notes = _write_analysis(experiment, runs, points, coverage, folder, staging)
    report = AnalysisReport(final / "analysis.md")
    report.coverage, report.notes = coverage, tuple(notes)
    return report


def _check_pairs(effects: pd.DataFrame, experiment: Experiment, folder: Path) -> None:
    """A Sobol or Morris analysis of a lever needs a pair of runs at every design point."""
    kind = experiment.design.kind
    unpaired = len(design_points(experiment)) - effects["point"].nunique()
    if kind in NEEDS_EVERY_POINT and unpaired:
        raise ScenarioError(
            f"{folder}: {unpaired} design point(s) have no replication run at both levels of "
            f"the lever (a {kind} analysis needs every point); finish it with cxsim sweep "
            f"EXPERIMENT --out {folder} --resume"
        )


def _write_analysis(
    experiment: Experiment,
    runs: pd.DataFrame,
    points: pd.DataFrame,
    coverage: Coverage,
    folder: Path,
    out: Path,
) -> list[str]:
    """Every table, plot and the summary of the analysis into ``out``; the notes to print."""
    kind = experiment.design.kind
    points.to_csv(out / "points.csv", index=False)
    notes = _coverage_notes(coverage, folder, kind)
    interval = _interval_note(points)
    if interval:
        notes.append(interval)
    lines = [
        f"# Analysis of {experiment.name}",
        "",
        _summary_line(experiment, runs, points),
        "",
        *(line for note in notes for line in (note, "")),
        *_points_table(points, experiment),
    ]
    tables: dict[str, Any] = {}
    for kpi in experiment.kpis:
        table = sensitivity(experiment, points, kpi)
        table.to_csv(out / f"{kind}_{kpi}.csv", index=kind != "grid")
        tables[kpi] = json.loads(table.to_json(orient="split"))
        lines += [f"## {kpi}", "", table.to_markdown(floatfmt=".4g", index=kind != "grid"), ""]
        for plot in _plots(points, experiment, kpi, table, out):
            lines += [f"![{plot.stem}]({plot.name})", ""]
    (out / "analysis.md").write_text("\n".join(lines))
    (out / "indices.json").write_text(json.dumps(_finite(tables), indent=1, allow_nan=False))
    return notes


def _plots(
    points: pd.DataFrame, experiment: Experiment, kpi: str, table: pd.DataFrame, out: Path
) -> list[Path]:
    kind, plots = experiment.design.kind, []
    if kind in ("sobol", "morris"):
        plots.append(_index_bars(table, kind, kpi, out / f"{kind}_{kpi}.png"))
    if kind != "sobol":
        plots.append(_effect_panels(points, experiment, kpi, out / f"effects_{kpi}.png"))
    if kind == "grid" and len(experiment.factors) == 2:
        plots.append(_heat_map(points, experiment, kpi, out / f"heatmap_{kpi}.png"))
    return plots


def _summary_line(experiment: Experiment, runs: pd.DataFrame, points: pd.DataFrame) -> str:
    lever = experiment.lever
    line = (
        f"{len(runs)} {'runs' if lever is None else 'pairs of runs'} at {len(points)} design "
        f"points ({experiment.design.kind} design, {experiment.replications} replication(s) "
        f"each, seed {experiment.seed}); factors: {', '.join(experiment.factors)}."
    )
    if lever is None:
        return line
    low, high = lever.levels
    return line + (
        f" Every KPI below is the effect of {lever.key} at {high} instead of {low}: the "
        "difference between two runs with the same seed (common random numbers), averaged over "
        "the replications; the means at each level are in points_by_lever.csv."
    )

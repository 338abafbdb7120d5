"""Analyse a sweep: sensitivity indices, main effects, heat maps.

Replications of a design point are averaged first (the indices describe the expected KPI).
Sobol first-order and total indices come from SALib's Saltelli estimator with bootstrap
confidence intervals (Saltelli et al. 2010); Morris mu* and sigma from SALib's elementary
effects (Morris 1991; Campolongo et al. 2007); grids get main effects per factor and, with two
factors, a heat map; Latin hypercubes get Spearman rank correlations and main-effect scatters.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from scipy import stats  # noqa: E402

from cxsim.experiment import Experiment, salib_problem  # noqa: E402
from cxsim.report.plots import money, save_figure  # noqa: E402
from cxsim.scenario import ScenarioError  # noqa: E402
from cxsim.statistics import estimate  # noqa: E402
from cxsim.sweep import MANIFEST, read_runs  # noqa: E402

__all__ = ["analyse_sweep", "sensitivity", "point_means"]

CONFIDENCE = 0.95


def point_means(runs: pd.DataFrame, experiment: Experiment) -> pd.DataFrame:
    """One row per design point: factor values and the KPIs averaged over replications.

    With two or more replications, ``<kpi>_ci`` is the half-width of each mean's 95% interval.
    """
    factors, kpis = list(experiment.factors), experiment.kpis
    grouped = runs.groupby("point", sort=True)
    means = grouped[kpis].mean()
    means.insert(0, "replications", grouped.size())
    if experiment.replications > 1:
        half = {f"{k}_ci": grouped[k].agg(lambda v: estimate(v.to_numpy()).half_width)
                for k in kpis}
        means = means.join(pd.DataFrame(half))
    return grouped[factors].first().join(means).reset_index()


def _sobol(experiment: Experiment, y: np.ndarray) -> pd.DataFrame:
    from SALib.analyze import sobol

    result = sobol.analyze(salib_problem(experiment), y,
                           calc_second_order=experiment.design.second_order,
                           conf_level=CONFIDENCE, seed=experiment.seed)
    return pd.DataFrame({"S1": result["S1"], "S1_conf": result["S1_conf"],
                         "ST": result["ST"], "ST_conf": result["ST_conf"]},
                        index=list(experiment.factors))


def _morris(experiment: Experiment, x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    from SALib.analyze import morris

    result = morris.analyze(salib_problem(experiment), x, y, conf_level=CONFIDENCE,
                            num_levels=experiment.design.levels, seed=experiment.seed)
    return pd.DataFrame({"mu_star": result["mu_star"], "mu_star_conf": result["mu_star_conf"],
                         "mu": result["mu"], "sigma": result["sigma"]},
                        index=list(experiment.factors))


def _rank_correlation(points: pd.DataFrame, experiment: Experiment, kpi: str) -> pd.DataFrame:
    rows = {}
    for factor in experiment.factors:
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
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(table) + 1.6))
    y = np.arange(len(table))
    if kind == "sobol":
        ax.barh(y - 0.2, table["S1"], 0.4, xerr=table["S1_conf"], label="first order S1",
                color="#1f77b4", capsize=3)
        ax.barh(y + 0.2, table["ST"], 0.4, xerr=table["ST_conf"], label="total ST",
                color="#ff7f0e", capsize=3)
        ax.set_xlabel("share of the KPI's variance")
    else:
        ax.barh(y, table["mu_star"], 0.6, xerr=table["mu_star_conf"], color="#1f77b4",
                label="mu* (mean absolute elementary effect)", capsize=3)
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
    fig, axes = plt.subplots(1, len(factors), figsize=(4 * len(factors), 3.6), squeeze=False)
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
    fig, ax = plt.subplots(figsize=(1.3 * grid.shape[1] + 3, 0.7 * grid.shape[0] + 2))
    image = ax.imshow(grid.to_numpy(), cmap="viridis", aspect="auto", origin="lower")
    for (i, j), value in np.ndenumerate(grid.to_numpy()):
        label = money(value) if abs(value) >= 1000 else f"{value:.3g}"
        ax.text(j, i, label, ha="center", va="center", color="white", fontsize=10)
    for j in range(grid.shape[1]):  # where the KPI peaks along the row factor
        best = int(np.nanargmax(grid.iloc[:, j].to_numpy()))
        ax.add_patch(plt.Rectangle((j - 0.5, best - 0.5), 1, 1, fill=False, color="red", lw=2))
    ax.set_xticks(range(grid.shape[1]), [f"{c:g}" if isinstance(c, float) else str(c)
                                         for c in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [f"{r:g}" if isinstance(r, float) else str(r)
                                         for r in grid.index])
    ax.set(xlabel=columns, ylabel=rows, title=f"{kpi} (red: best {rows} for each {columns})")
    fig.colorbar(image, ax=ax, label=kpi)
    return save_figure(fig, path)


def _experiment(folder: Path) -> Experiment:
    path = folder / "experiment.yaml"
    if not (folder / MANIFEST).exists() or not path.exists():
        raise ScenarioError(f"{folder}: not a sweep folder (no {MANIFEST}); run cxsim sweep")
    return Experiment.model_validate(yaml.safe_load(path.read_text()))


def analyse_sweep(folder: str | Path) -> Path:
    """Write tables, plots and ``analysis.md`` into ``folder/analysis``; return the summary."""
    folder = Path(folder)
    experiment = _experiment(folder)
    runs = read_runs(folder).to_pandas()
    points = point_means(runs, experiment)
    out = folder / "analysis"
    out.mkdir(exist_ok=True)
    points.to_csv(out / "points.csv", index=False)
    kind, lines = experiment.design.kind, [f"# Analysis of {experiment.name}", "",
                                           _summary_line(experiment, runs, points), ""]
    tables: dict[str, Any] = {}
    for kpi in experiment.kpis:
        table = sensitivity(experiment, points, kpi)
        table.to_csv(out / f"{kind}_{kpi}.csv", index=kind != "grid")
        tables[kpi] = json.loads(table.to_json(orient="split"))
        lines += [f"## {kpi}", "", table.to_markdown(floatfmt=".4g", index=kind != "grid"), ""]
        for plot in _plots(points, experiment, kpi, table, out):
            lines += [f"![{plot.stem}]({plot.name})", ""]
    summary = out / "analysis.md"
    summary.write_text("\n".join(lines))
    (out / "indices.json").write_text(json.dumps(tables, indent=1))
    return summary


def _plots(points: pd.DataFrame, experiment: Experiment, kpi: str, table: pd.DataFrame,
           out: Path) -> list[Path]:
    kind, plots = experiment.design.kind, []
    if kind in ("sobol", "morris"):
        plots.append(_index_bars(table, kind, kpi, out / f"{kind}_{kpi}.png"))
    if kind != "sobol":
        plots.append(_effect_panels(points, experiment, kpi, out / f"effects_{kpi}.png"))
    if kind == "grid" and len(experiment.factors) == 2:
        plots.append(_heat_map(points, experiment, kpi, out / f"heatmap_{kpi}.png"))
    return plots


def _summary_line(experiment: Experiment, runs: pd.DataFrame, points: pd.DataFrame) -> str:
    return (f"{len(runs)} runs at {len(points)} design points ({experiment.design.kind} design, "
            f"{experiment.replications} replication(s) each, seed {experiment.seed}); "
            f"factors: {', '.join(experiment.factors)}.")

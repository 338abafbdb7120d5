"""Write a calibration: calibrated.yaml, report.md and .html, calibration.json, candidates.csv.

``calibrated.yaml`` ``extends:`` the client's scenario and sets the fitted values, each with a
comment saying what was searched, what it was and which targets it moves, so options written
as ``extends: calibrated.yaml`` compare against a "today" that is the client. The report (the
same content in Markdown and in one self-contained HTML page) puts the client's figures beside
the model's before and after, says how tightly the targets pin each parameter down and, when
no candidate met every target, which targets pull against each other.

Every file is written under a temporary name and renamed into place, so a kill leaves the
earlier report or the new one, never half of either.
"""

from __future__ import annotations

import base64
import html
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from matplotlib.ticker import FuncFormatter, NullFormatter

from cxsim.fit import Fit, conflicts, met
from cxsim.folders import write_text_atomically
from cxsim.library import scenario_folder
from cxsim.report.comparison_report import STYLE, software_versions
from cxsim.report.plots import figure, save_figure
from cxsim.report.wording import counted

__all__ = [
    "write_calibration",
    "calibrated_yaml",
    "evidence",
    "read_evidence",
    "CALIBRATED",
    "REPORT",
    "EVIDENCE",
]

CALIBRATED, REPORT, EVIDENCE = "calibrated.yaml", "report.md", "calibration.json"
METHODS = {"cmaes": "CMA-ES (Optuna's CmaEsSampler)", "tpe": "Optuna's multivariate TPE sampler"}


def _number(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def calibrated_yaml(fit: Fit, folder: Path, command: str) -> str:
    """The text of ``calibrated.yaml`` in ``folder``: the scenario it extends, fitted values."""
    moves = fit.roles()
    pinned = {i.key: i.verdict.split(":")[0] for i in fit.identification()}
    hits = sum(fit.met().values())
    extends = _extends(fit.scenario_file, folder)
    before = fit.today
    lines = [
        f"# Calibrated by: {command}",
        f"# {hits} of {len(fit.targets.targets)} targets within tolerance over "
        f"{fit.targets.confirm} confirmation runs (report.md beside this file).",
        f"extends: {_scalar(extends)}",
        f"name: {_scalar((fit.base.name + ' (calibrated)')[:120])}",
        f"description: {_scalar(_description(fit))}",
    ]
    written: list[str] = []
    for key in sorted(fit.fitted):
        *blocks, leaf = key.split(".")
        common = 0
        while common < min(len(blocks), len(written)) and blocks[common] == written[common]:
            common += 1
        lines += [
            f"{'  ' * depth}{block}:" for depth, block in enumerate(blocks) if depth >= common
        ]
        written = blocks
        free = fit.targets.free[key]
        was = f"; was {_number(before.values[key])}" if before is not None else ""
        serves = ", ".join(moves[key]) or "no target clearly"
        lines.append(
            f"{'  ' * len(blocks)}{leaf}: {_scalar(fit.fitted[key])}  # fitted (searched "
            f"{_number(free.low)}-{_number(free.high)}{was}); moves {serves}; {pinned[key]}"
        )
    return "\n".join(lines) + "\n"


def _extends(scenario_file: Path, folder: Path) -> str:
    """How ``calibrated.yaml`` in ``folder`` names the scenario: library name, else a path."""
    library = scenario_folder().resolve()
    if scenario_file.resolve().is_relative_to(library):
        name = scenario_file.resolve().relative_to(library).as_posix()
        if not (folder / name).exists():  # a file beside it would win over the library's
            return name
    return os.path.relpath(scenario_file.resolve(), folder.resolve())


def _scalar(value: object) -> str:
    return yaml.safe_dump(value, default_flow_style=True, width=10**6).strip().removesuffix("\n...")


def _description(fit: Fit) -> str:
    figures = ", ".join(f"{k} {t.value:.4g}" for k, t in fit.targets.targets.items())
    return f"{fit.base.name} calibrated to the client's figures ({figures})."[:5000]


@dataclass(frozen=True, slots=True)
class _Section:
    """A heading, paragraphs, an optional table and an optional image: one part of the report."""

    heading: str
    paragraphs: Sequence[str] = ()
    table: pd.DataFrame | None = None
    image: Path | None = None


def _targets_table(fit: Fit) -> pd.DataFrame:
    estimates, flags, before = fit.estimates(), fit.met(), fit.today
    rows = []
    for key, target in fit.targets.targets.items():
        e = estimates[key]
        rows.append(
            {
                "Target": key,
                "Client": _number(target.value),
                "Tolerance": f"\u00b1 {target.half_width:.3g}",
                "Model before": _number(before.means[key]) if before is not None else "n/a",
                "Model fitted": _number(e.mean),
                "95% interval": f"{_number(e.low)} to {_number(e.high)}",
                "Within tolerance": "yes" if flags[key] else "NO",
                "Source": target.source,
            }
        )
    table = pd.DataFrame(rows)
    return (
        table
        if any(t.source for t in fit.targets.targets.values())
        else table.drop(columns="Source")
    )


def _parameter_table(fit: Fit) -> pd.DataFrame:
    moves, before = fit.roles(), fit.today
    rows = []
    for i in fit.identification():
        free = fit.targets.free[i.key]
        rows.append(
            {
                "Parameter": i.key,
                "Before": _number(before.values[i.key]) if before is not None else "n/a",
                "Fitted": _number(fit.fitted[i.key]),
                "Searched": f"{_number(free.low)} to {_number(free.high)}"
                + (" (log)" if free.scale == "log" else ""),
                "Targets hold from": f"{_number(i.low)} to {_number(i.high)}",
                "Pinned down?": i.verdict,
                "Moves": ", ".join(moves[i.key]) or "-",
            }
        )
    return pd.DataFrame(rows)


def _history_plot(fit: Fit, path: Path) -> Path:
    misfits = np.array([c.misfit for c in fit.candidates])
    fig = figure(figsize=(8, 4))
    ax = fig.subplots()
    ax.scatter(np.arange(len(misfits)), misfits, s=14, color="#1f77b4", label="candidate")
    ax.step(
        np.arange(len(misfits)),
        np.minimum.accumulate(misfits),
        where="post",
        color="#d62728",
        lw=2,
        label="best so far",
    )
    ax.axhline(1.0, color="#2ca02c", ls="--", lw=1, label="every target at its tolerance")
    ax.set(
        yscale="log",
        xlabel="candidate (in the order searched)",
        ylabel="misfit",
        title="Search history",
    )
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
    return save_figure(fig, path)


def _profile_plot(fit: Fit, path: Path) -> Path:
    """Misfit of every candidate against each free parameter, the band that holds shaded."""
    bands = {i.key: i for i in fit.identification()}
    keys = list(fit.targets.free)
    columns, rows = min(3, len(keys)), (len(keys) + 2) // 3
    fig = figure(figsize=(4 * columns, 3.2 * rows))
    axes = np.atleast_1d(fig.subplots(rows, columns)).ravel()
    for ax, key in zip(axes, keys, strict=False):
        free = fit.targets.free[key]
        x = [c.values[key] for c in fit.candidates]
        ax.scatter(x, [c.misfit for c in fit.candidates], s=12, color="#1f77b4")
        ax.axvspan(bands[key].low, bands[key].high, color="#2ca02c", alpha=0.2, lw=0)
        ax.axvline(fit.fitted[key], color="#d62728", lw=1.5)
        ax.set(yscale="log", xscale=free.scale, xlim=(free.low, free.high), ylabel="misfit")
        if free.scale == "log":  # plain numbers, not powers of ten
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:g}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_title(key, fontsize=9)
        ax.grid(alpha=0.3)
    for ax in axes[len(keys) :]:
        ax.set_visible(False)
    return save_figure(fig, path)


def _sections(fit: Fit, plots: dict[str, Path], command: str) -> list[_Section]:
    flags, targets = fit.met(), fit.targets
    hits, count = sum(flags.values()), len(flags)
    verdicts = {i.key: i.verdict for i in fit.identification()}
    loose = [key for key, verdict in verdicts.items() if verdict.startswith("not")]
    fights = conflicts(fit.candidates, targets, fit.roles())
    missed = [key for key, hit in flags.items() if not hit]
    if not missed:
        verdict = 'The calibrated model\'s "today" matches every figure the client gave.'
    elif fights:
        verdict = f"Not matched: {', '.join(missed)}; see *Targets that fight*."
    else:
        verdict = (
            f"Not matched on fresh seeds: {', '.join(missed)}, although the search met every "
            "target on its own runs: the fit sits at the edge of those tolerances (more "
            "replications per candidate, or a larger --budget with --resume, would settle it)."
        )
    summary = [
        f"**{hits} of {count} targets within tolerance** on {targets.confirm} confirmation "
        f"runs of the fitted values (seeds the search never used). {verdict}",
        f"Searched {counted(len(targets.free), 'free parameter')} "
        f"over {counted(len(fit.candidates), 'candidate')}, "
        f"each run {counted(targets.replications, 'time')} on the same seeds (common random "
        "numbers).",
    ]
    sections = [
        _Section("Calibration of " + fit.base.name, summary),
        _Section(
            "The client's figures and the model",
            [
                '"Model before" is the scenario as given (the search\'s replications); '
                '"Model fitted" the calibrated scenario, mean and 95% interval over the '
                "confirmation runs."
            ],
            _targets_table(fit),
        ),
        _Section(
            "Fitted values: how tightly the targets pin them down",
            [
                "For each parameter, the values over which every target stays within its "
                "tolerance while the other parameters compensate (from the targets' slopes at "
                "the fit, 10% of each range either way, same seeds; slopes within the noise "
                "count as none; the searched range is the prior). A band a third of the "
                "range's own spread or less is *pinned down*; one over two thirds is *not "
                "identified*: the client's figures say little about it. The plot shows every "
                "candidate's misfit, the band shaded.",
                (
                    "Do not trust conclusions that hinge on " + ", ".join(loose) + ": the "
                    "client's figures leave them free, so they rest on their assumed ranges."
                )
                if loose
                else "The client's figures pin every free parameter down, at least loosely.",
            ],
            _parameter_table(fit),
            plots["profiles"],
        ),
    ]
    if fights:
        sections.append(_Section("Targets that fight", fights))
    sections += [
        _Section(
            "Search",
            [
                f"{METHODS[targets.method]}, batches of {targets.batch}, seed {targets.seed}; "
                "misfit is the weighted mean of ((model - client) / tolerance)^2 over the "
                "targets (1: every target at the edge of its tolerance)."
            ],
            image=plots["history"],
        ),
        _Section(
            "Reproduce and use",
            [
                f"`{command}`",
                "Options written as `extends: calibrated.yaml` compare against this today: "
                "`cxsim compare calibrated.yaml option.yaml`.",
                "Software: " + ", ".join(f"{k} {v}" for k, v in software_versions().items()),
            ],
        ),
    ]
    return sections


def _markdown(sections: Sequence[_Section]) -> str:
    lines: list[str] = []
    for number, s in enumerate(sections):
        lines += [("# " if number == 0 else "## ") + s.heading, ""]
        for paragraph in s.paragraphs:
            lines += [paragraph, ""]
        if s.table is not None:
            lines += [s.table.to_markdown(index=False), ""]
        if s.image is not None:
            lines += [f"![{s.heading}]({s.image.name})", ""]
    return "\n".join(lines)


def _inline(text: str) -> str:
    """Markdown's ``code`` and **bold** of a paragraph as HTML, the rest escaped."""
    parts = html.escape(text).split("`")
    text = "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))
    parts = text.split("**")
    return "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts))


def _html(sections: Sequence[_Section]) -> str:
    body = []
    for number, s in enumerate(sections):
        tag = "h1" if number == 0 else "h2"
        body.append(f"<{tag}>{html.escape(s.heading)}</{tag}>")
        body += [f"<p>{_inline(p)}</p>" for p in s.paragraphs]
        if s.table is not None:
            body.append(s.table.to_html(index=False, border=0))
        if s.image is not None:
            data = base64.b64encode(s.image.read_bytes()).decode()
            body.append(f'<img alt="{html.escape(s.heading)}" src="data:image/png;base64,{data}">')
    title = html.escape(sections[0].heading)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}'
        f"</title><style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def evidence(fit: Fit) -> dict[str, object]:
    """What ``calibration.json`` holds: per target the client's figure, the model's, the verdict.

    Beside ``calibrated.yaml``, for a comparison report to open with the evidence that its
    reference is the client.
    """
    estimates, flags, identified = fit.estimates(), fit.met(), fit.identification()
    return {
        "scenario": fit.base.name,
        "calibrated": CALIBRATED,
        "confirmation_runs": fit.targets.confirm,
        "targets": {
            key: {
                "client": t.value,
                "tolerance": t.half_width,
                "source": t.source,
                "model": estimates[key].mean,
                "model_low": estimates[key].low,
                "model_high": estimates[key].high,
                "within_tolerance": flags[key],
            }
            for key, t in fit.targets.targets.items()
        },
        "fitted": fit.fitted,
        "identification": {i.key: i.verdict for i in identified},
        "bands": {i.key: [i.low, i.high] for i in identified},
    }


def read_evidence(scenario_file: Path) -> dict[str, Any] | None:
    """The calibration evidence of a scenario: ``calibration.json`` beside a ``calibrated.yaml``.

    None when the scenario is not a calibrated one or its evidence cannot be read (a report
    then says its reference is uncalibrated).
    """
    if scenario_file.name != CALIBRATED:
        return None
    try:
        data = json.loads((scenario_file.parent / EVIDENCE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("targets"), dict):
        return None
    return data


def _save_plot(draw: Callable[[Fit, Path], Path], fit: Fit, path: Path) -> Path:
    partial = path.with_name(f".{path.name}.tmp.png")
    draw(fit, partial)
    os.replace(partial, path)
    return path


def write_calibration(fit: Fit, out: Path, command: str) -> Path:
    """Write every output of ``fit`` into the calibration folder ``out``; return report.md."""
    out = Path(out)
    plots = {
        "history": _save_plot(_history_plot, fit, out / "history.png"),
        "profiles": _save_plot(_profile_plot, fit, out / "profiles.png"),
    }
    sections = _sections(fit, plots, command)
    frame = pd.DataFrame(
        [
            {
                "position": c.position,
                **c.values,
                **{f"model.{k}": v for k, v in c.means.items()},
                "misfit": c.misfit,
                "meets_all": all(met(c.means, fit.targets).values()),
            }
            for c in fit.candidates
        ]
    )
    write_text_atomically(out / "candidates.csv", frame.to_csv(index=False))
    write_text_atomically(out / EVIDENCE, json.dumps(evidence(fit), indent=2) + "\n")
    write_text_atomically(out / CALIBRATED, calibrated_yaml(fit, out, command))
    write_text_atomically(out / "report.html", _html(sections))
    write_text_atomically(out / REPORT, _markdown(sections))
    return out / REPORT

"""The indicator ranking on file: measures.md, measures.csv and a chart of the AUCs."""

from __future__ import annotations

from pathlib import Path

from cxsim.folders import replaced_folder
from cxsim.measures import Ranking
from cxsim.report.plots import figure, save_figure

__all__ = ["write_measures", "MEASURES_KIND", "effort_sentence"]

MEASURES_KIND = "measures"
KIND_COLOURS = {
    "survey": "#1f77b4",
    "operations": "#ff7f0e",
    "inputs": "#2ca02c",
    "true state": "#7f7f7f",
}


def effort_sentence(ranking: Ranking) -> str:
    """CEB 2010's comparison in words: the effort answer's AUC against the CSAT answer's."""
    d = ranking.effort_beats_satisfaction
    if d is None:
        return "The surveys do not ask both CSAT and effort after a case: no paired comparison."
    verdict = (
        "predicts who leaves better than"
        if d.low > 0
        else "predicts who leaves worse than"
        if d.high < 0
        else "cannot be told apart from"
    )
    return (
        f"The effort answer after a case {verdict} the CSAT answer: AUC difference "
        f"{d.mean:+.3f} (95% interval {d.low:+.3f} to {d.high:+.3f}, {d.n} paired "
        "replications; CEB 2010 found effort the better predictor of disloyalty)."
    )


def _chart(ranking: Ranking, path: Path) -> None:
    rows = ranking.table[ranking.table.level == "customer"].iloc[::-1]
    fig = figure(figsize=(8, 0.45 * len(rows) + 1.2))
    ax = fig.subplots()
    colours = [KIND_COLOURS[k] for k in rows.kind]
    errors = [rows["mean"] - rows["low"], rows["high"] - rows["mean"]]
    ax.barh(rows.indicator, rows["mean"] - 0.5, left=0.5, xerr=errors, color=colours)
    ax.axvline(0.5, color="black", lw=0.8)
    ax.set_xlabel(f"AUC for leaving within {ranking.window_days:.0f} days (0.5: chance)")
    ax.set_title(f"Which measure warns first: {ranking.scenario}")
    ax.set_xlim(0.4, max(0.8, float(rows["high"].max()) + 0.02))
    save_figure(fig, path)


def write_measures(ranking: Ranking, out: Path, command: str) -> Path:
    """Write the ranking into ``out`` (replacing cxsim's measures results there)."""
    with replaced_folder(out, MEASURES_KIND) as staging:
        ranking.table.to_csv(staging / "measures.csv", index=False)
        _chart(ranking, staging / "measures.png")
        text = [
            f"# Which measure warns first: {ranking.scenario}",
            "",
            f"{ranking.replications} replications on common seeds; intervals are 95% "
            "t-intervals over replications (simulation noise only).",
            "",
            f"## Customer level: does the indicator tell who leaves within "
            f"{ranking.window_days:.0f} days?",
            "",
            "Area under the ROC curve (0.5: chance, 1: perfect), over the answers received "
            "(survey answers) or every closed case (operations, true states).",
            "",
            effort_sentence(ranking),
            "",
            "![AUC by indicator](measures.png)",
            "",
            ranking.markdown("customer"),
            "## Organisation level: does the weekly figure move before churn does?",
            "",
            "Correlation of each weekly figure (survey figures over the last quarter's "
            f"answers, as a dashboard shows them) with the share of customers lost over the "
            f"next {ranking.window_days:.0f} days, both detrended; signed so that a positive "
            "correlation is a warning. Figures that never move are left out, and so are those "
            "with fewer than three values in the weeks used (a relationship survey's figure "
            "moves only at its waves: a run too short for three waves says only which way one "
            "wave moved). Indicators scored in fewer than two runs have no interval and come "
            "after the ranked ones.",
            "",
            ranking.markdown("organisation"),
            f"Reproduce: `{command}`",
            "",
        ]
        (staging / "measures.md").write_text("\n".join(text))
    return out / "measures.md"

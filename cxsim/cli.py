"""The ``cxsim`` command line: run a scenario and write its results.

Bad input (a missing file, an unknown key, a wrong type, an out-of-range value) prints one line
naming the file, the key path and what was expected, exits with code 2 and writes nothing.
"""

from __future__ import annotations

import functools
import os
import secrets
import shlex
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from typer.core import TyperGroup

from cxsim.errors import CxsimError
from cxsim.folders import check_owned_files, check_results_folder, owned_files, slug
from cxsim.kpis import HEADLINE, summarise
from cxsim.library import describe_library, library_scenario, scenario_argument
from cxsim.measures import WINDOW_DAYS
from cxsim.model import ServiceOrganisation
from cxsim.report.comparison_report import COMPARE_KIND, comparison_bytes
from cxsim.report.outputs import RUN_KIND, write_results
from cxsim.report.wording import UNITS, counted, unit_of
from cxsim.resources import check_memory, model_memory_bytes, output_bytes
from cxsim.runner import worker_count
from cxsim.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    plausibility_warnings,
    shortcut_assignments,
    shortcut_conflicts,
)

__all__ = ["app"]


class _OneLineUsageErrors(TyperGroup):
    """Typer's group, with a bad option (``--port 70000``) told in one line, exit code 2."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command line; usage errors become ``error: cxsim demo: ...`` lines."""
        kwargs.pop("standalone_mode", None)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except typer.TyperException as exc:  # typer's click errors derive from it (>= 0.29)
            if type(exc).__name__ == "NoArgsIsHelpError":  # 'cxsim' alone: the help
                typer.echo(exc.ctx.get_help())
                sys.exit(0)
            context = getattr(exc, "ctx", None)
            where = f"{context.command_path}: " if context is not None else ""
            typer.echo(f"error: {where}{exc.format_message()}", err=True)
            sys.exit(getattr(exc, "exit_code", 2))
        except typer.Abort:
            sys.exit(130)  # Ctrl-C outside a command (commands handle their own)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=_OneLineUsageErrors,
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Agent-based simulation of service-delivery organisations.",
)
console = Console()
PROGRESS_MIN_DAYS = 180  # shorter runs finish before a bar would be readable


@app.callback()
def main() -> None:
    """Simulate how requirements, complaints, recovery and loyalty drive retention and profit."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """Bad input, an unsafe output or a failed write: one line on stderr and exit code 2.

    A write that fails (a full disk, a folder made read-only meanwhile) leaves the earlier
    results in place: every output is staged and swapped in only when complete.
    """
    try:
        yield
    except CxsimError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise _fail(
            f"could not write the results: {exc.strerror or exc}{where}; nothing was replaced"
        ) from None


def _overrides(set_: list[str] | None, **shortcuts: Any) -> list[str]:
    """The ``--set`` values, then the shortcuts (``--days``, ``--seed``) none contradicts."""
    given = shortcut_assignments(**shortcuts)
    shortcut_conflicts(set_ or (), given)
    return [*(set_ or ()), *given]


def _warn(params: Scenario) -> None:
    """Print each implausible value of ``params`` (the run goes on; summary.json keeps them)."""
    for warning in plausibility_warnings(params):
        typer.echo(f"warning: {warning}", err=True)


def _warn_if_today_recruits(reference: Scenario) -> None:
    """Warn when the reference ("today") recruits: it has more positions than its parent.

    Options that add staff are meant to recruit them; a "today" that does so usually
    describes people already in post and forgot ``workforce.positions_before: null``.
    """
    from cxsim.specs import recruited

    added = recruited(reference)
    if added:
        posts = ", ".join(f"{post} {count}" for post, count in added.items())
        typer.echo(
            f"warning: {reference.name} (the reference) recruits from day 0 ({posts}): it has "
            "more positions than the file it extends; if they are in post today, set "
            "workforce.positions_before: null",
            err=True,
        )


INTERRUPTED = 130  # the shell's code for a program ended by Ctrl-C (128 + SIGINT)


def _on_interrupt(kept: Callable[..., str]) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Make Ctrl-C in a command print one line on stderr and exit with code 130.

    Parameters
    ----------
    kept
        Called with the command's arguments (as keywords); says what the interrupted command
        left behind and how to go on. The line is ``interrupted: <kept(...)>``.
    """

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)  # typer reads the signature through __wrapped__
        def interruptible(**arguments: Any) -> None:
            pressed = []

            def on_sigint(signum: int, frame: Any) -> None:
                pressed.append(signum)
                signal.default_int_handler(signum, frame)  # raises KeyboardInterrupt

            def on_unraisable(unraisable: Any) -> None:
                # Raised inside a callback Python cannot propagate from (a weakref's, during an
                # import), KeyboardInterrupt would be printed and lost: signal the main thread
                # again once the callback has returned (from a timer thread: a signal raised
                # here would run its handler inside this hook and be lost the same way).
                if pressed and isinstance(unraisable.exc_value, KeyboardInterrupt):
                    main = threading.main_thread().ident
                    threading.Timer(0.01, signal.pthread_kill, (main, signal.SIGINT)).start()
                else:
                    previous_hook(unraisable)

            # Ctrl-C can surface as another error first (a pool whose worker died on the same
            # signal, a pipe closed under a reader): once it was pressed, any end is its end.
            try:
                previous = signal.signal(signal.SIGINT, on_sigint)
            except ValueError:  # not the main thread (a test runner): KeyboardInterrupt only
                previous = None
            previous_hook, sys.unraisablehook = sys.unraisablehook, on_unraisable
            try:
                command(**arguments)
            except BaseException as exc:
                if not pressed and not isinstance(exc, KeyboardInterrupt):
                    raise
                # Worker processes ignore SIGINT and the pools end them (cxsim.runner), so
                # this line is all that is printed.
                typer.echo(f"interrupted: {kept(**arguments)}", err=True)
                raise typer.Exit(code=INTERRUPTED) from None
            finally:
                sys.unraisablehook = previous_hook
                if previous is not None:
                    signal.signal(signal.SIGINT, previous)

        return interruptible

    return decorate


def _nothing_written(folder: object) -> str:
    return (
        f"nothing was written; earlier results in {folder} are left in place; "
        "run the command again to start over"
    )


def _sweep_kept(experiment: Path, out: Path | None, **_: object) -> str:
    if out is None:
        try:
            from cxsim.experiment import load_experiment

            out = Path("results") / f"sweep-{load_experiment(experiment)[0].name}"
        except Exception:  # the line must still come out, whatever is wrong with the file
            out = Path("results/sweep-<experiment name>")
    command = shlex.join(["cxsim", "sweep", str(experiment), "--out", str(out), "--resume"])
    return f"the runs finished so far are kept in {out}/runs; continue with: {command}"


def _simulate(params: Scenario, quiet: bool) -> ServiceOrganisation:
    model = ServiceOrganisation(params)
    days = params.horizon.days
    if quiet or days < PROGRESS_MIN_DAYS:
        model.run(days)
        return model
    columns = (
        TextColumn("simulating {task.description}"),
        BarColumn(),
        TextColumn("day {task.completed:.0f}/{task.total:.0f}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(params.name, total=days)
        model.run(days, on_week=lambda t: progress.update(task, completed=t))
    return model


def _headline_table(summary: dict) -> Table:
    table = Table(
        title=f"{summary['scenario']} (seed {summary['seed']}, {summary['days']:.0f} days)"
    )
    table.add_column("KPI")
    table.add_column("value", justify="right")
    for key, label, fmt in HEADLINE:
        if UNITS[unit_of(key)].is_money:
            label = f"{label} ({summary['currency']})"
        table.add_row(label, fmt.format(summary[key]))
    cc = summary["contact_centre"]
    table.add_row("Average speed of answer", f"{cc['asa_minutes']:.2f} min")
    table.add_row("Abandoned contacts", f"{cc['abandonment_rate']:.1%}")
    return table


SURVEY_FORMATS = {"csat": "{:.1%}", "satisfaction": "{:.1%}", "nps": "{:+.0f}"}


def _comparison_folder(names: list[str]) -> str:
    """The default folder of a comparison, named after its reference and its options.

    Comparing the same reference with other options does not replace the last results.
    """
    options = "-".join(names[1:])
    return slug(f"compare-{names[0]}" + (f"-vs-{options}" if options else ""))


def _survey_table(surveys: dict) -> Table:
    """Each question's measured figure (with interval and answers) beside the true one."""
    table = Table(
        title=f"What the surveys measured ({surveys['responses']:,} of "
        f"{surveys['invitations']:,} invited answered)"
    )
    for column in ("Question", "Measured", "95% interval", "Answers", "True (all invited)", "Gap"):
        table.add_column(column, justify="left" if column == "Question" else "right")
    for question, m in surveys.items():
        if isinstance(m, dict):
            form = SURVEY_FORMATS.get(question, "{:.2f}")
            shown = functools.partial(_shown, form)
            interval = (
                f"{shown(m['low'])} to {shown(m['high'])}"
                if m["low"] is not None
                else ("no answers" if not m["responses"] else "one answer")
            )
            gap = "-" if m["gap"] is None else _gap(question, m["gap"])
            answers = f"{m['responses']:,}"
            table.add_row(question, shown(m["measured"]), interval, answers, shown(m["true"]), gap)
    return table


def _shown(form: str, value: float | None) -> str:
    """``value`` in ``form``, or a dash where nothing was measured."""
    return "-" if value is None else form.format(value)


def _gap(question: str, gap: float) -> str:
    """A measured-minus-true gap: percentage points for shares, signed points otherwise."""
    # ``or 0.0``: a gap that rounds to zero is no gap, not "-0.0"
    if question in ("csat", "satisfaction"):
        return f"{round(100 * gap, 1) or 0.0:+.1f} points"
    return f"{round(gap) or 0:+d}" if question == "nps" else f"{round(gap, 2) or 0.0:+.2f}"


@app.command()
@_on_interrupt(lambda out, **_: _nothing_written(out))
def validate(
    out: Annotated[Path, typer.Option(help="Folder for validation.md and its plots.")] = Path(
        "docs"
    ),
    reps: Annotated[int, typer.Option(min=2, help="Replications per queueing scenario.")] = 10,
    fact_reps: Annotated[int, typer.Option(min=1, help="Replications per fact variant.")] = 4,
    jobs: Annotated[int | None, typer.Option(min=1, help="Processes (default: all cores).")] = None,
) -> None:
    """Check the model: queues against Erlang C/A, Little's law and Ciw, and stylised facts."""
    from cxsim.calibration import (
        CALIBRATION_SCENARIO,
        all_targets,
        calibration_records,
        churn_predictors,
        complaint_rates,
    )
    from cxsim.report.validation_doc import (
        CALIBRATION_DOC,
        VALIDATION_DOC,
        write_calibration_doc,
        write_validation_doc,
    )
    from cxsim.validation import (
        PEER_SCENARIOS,
        run_stylised_facts,
        shipped_validation_scenarios,
        validate_queue,
    )

    shipped = shipped_validation_scenarios()
    files = [VALIDATION_DOC, CALIBRATION_DOC, *(f"validation/{p.name}.png" for p in shipped)]
    with _one_line_errors():
        check_owned_files(out, files, needed_bytes=10 * 2**20)
    queue = {}
    for params in shipped:
        console.print(f"validating {params.name} ({reps} replications)")
        queue[params.name] = (params.description, validate_queue(params, reps, jobs))
    peers = _peer_comparisons(shipped_validation_scenarios(PEER_SCENARIOS), reps, jobs)
    console.print(f"checking stylised facts ({fact_reps} replications per variant)")
    baseline = load_scenario(library_scenario("baseline"))
    facts = run_stylised_facts(baseline, fact_reps, jobs)
    run = calibration_records(load_scenario(CALIBRATION_SCENARIO))
    with _one_line_errors(), owned_files(out, files) as staging:
        write_validation_doc(queue, reps, facts, fact_reps, staging, peers)
        write_calibration_doc(
            all_targets(), complaint_rates(run.problems), churn_predictors(run), staging
        )
    path = out / VALIDATION_DOC
    compared = [*queue.values(), *(peers or {}).values()]
    failed = [c for _, cs in compared for c in cs if not c.passed]
    failed_facts = [f.name for f, r in facts if r.status == "fail"]
    for c in failed:
        console.print(f"[red]outside interval[/red]: {c.scenario} {c.quantity}")
    for name in failed_facts:
        console.print(f"[red]fact not reproduced[/red]: {name}")
    console.print(f"written {path}")
    if failed or failed_facts:
        raise typer.Exit(code=1)


def _peer_comparisons(
    scenarios: list[Scenario], reps: int, jobs: int | None
) -> dict[str, tuple[str, list]] | None:
    """Each scenario against Ciw (``cxsim.peer``), or None where Ciw is not installed."""
    from importlib.util import find_spec

    if find_spec("ciw") is None:
        console.print("[yellow]Ciw is not installed: no peer comparison[/yellow]")
        return None
    from cxsim.peer import compare_with_ciw

    peers = {}
    for params in scenarios:
        console.print(f"comparing {params.name} with Ciw ({reps} replications of each)")
        peers[params.name] = (params.description, compare_with_ciw(params, reps, jobs))
    return peers


@app.command()
@_on_interrupt(lambda out, **_: _nothing_written(out or "results/<scenario name>"))
def run(
    scenario: Annotated[
        Path,
        typer.Argument(help="Scenario YAML file, or a library name (cxsim scenarios lists them)."),
    ],
    seed: Annotated[
        int | None, typer.Option(min=0, max=2**64 - 1, help="Override the scenario's seed.")
    ] = None,
    days: Annotated[float | None, typer.Option(help="Override horizon.days.")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override one parameter: key.path=value (repeatable)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default: results/<scenario name>).")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar and no table.")] = False,
) -> None:
    """Run one scenario; write summary.json, timeseries.csv, records and plots."""
    with _one_line_errors():
        params = load_scenario(scenario, _overrides(set_, seed=seed, horizon__days=days))
        folder = check_results_folder(
            out or Path("results") / slug(params.name), RUN_KIND, output_bytes(params)
        )
        check_memory(params)
    _warn(params)
    model = _simulate(params, quiet)
    summary = summarise(model)
    with _one_line_errors():
        write_results(model, summary, folder)
    if not quiet:
        console.print(_headline_table(summary))
        if "surveys" in summary:
            console.print(_survey_table(summary["surveys"]))
        console.print(f"results written to {folder}/")


@app.command()
@_on_interrupt(lambda out, **_: _nothing_written(out or "results/compare-<reference>-vs-..."))
def compare(
    scenarios: Annotated[
        list[Path],
        typer.Argument(
            help="Scenario YAML files or library names (cxsim scenarios); the first is the "
            "reference."
        ),
    ],
    reps: Annotated[int, typer.Option(min=2, help="Replications per scenario.")] = 20,
    seed: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=2**64 - 1,
            help="Base seed of every scenario (default: the reference's seed).",
        ),
    ] = None,
    days: Annotated[float | None, typer.Option(help="Override horizon.days.")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override one parameter in every scenario: key.path=value."),
    ] = None,
    jobs: Annotated[int | None, typer.Option(min=1, help="Processes (default: all cores).")] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Output folder (default: results/compare-<reference>-vs-<options>)."),
    ] = None,
    independent_seeds: Annotated[
        bool,
        typer.Option(help="Switch common random numbers off: each scenario draws its own seeds."),
    ] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar and no headlines.")] = False,
    pdf: Annotated[
        bool, typer.Option(help="Also print the report to report.pdf (A4, needs Chromium).")
    ] = False,
    robust: Annotated[
        list[str] | None,
        typer.Option(
            help="Check that the recommendation holds with this parameter at either end of its "
            "band: KEY (the schema's usual band), KEY=LOW:HIGH, or 'loose' (a calibrated "
            "reference's loosely fitted parameters). Repeatable."
        ),
    ] = None,
    robust_reps: Annotated[
        int, typer.Option(min=2, help="Replications per scenario at each end of a band.")
    ] = 5,
) -> None:
    """Compare scenarios with replications: intervals, paired differences and a report."""
    from cxsim import robustness
    from cxsim.comparison import compare as run_comparison
    from cxsim.report.calibration_report import read_evidence
    from cxsim.report.comparison_report import write_comparison
    from cxsim.report.comparison_sentences import headline
    from cxsim.report.pdf import require_browser

    with _one_line_errors():
        chromium = require_browser() if pdf else None
        overrides = _overrides(set_, horizon__days=days)
        loaded = [load_scenario(path, overrides) for path in scenarios]
        evidence = None if set_ else read_evidence(scenario_argument(scenarios[0]))
        doubts = robustness.doubts(robust or (), loaded[0], evidence)
        if len(loaded) < 2:
            raise ScenarioError(
                f"{scenarios[0]}: the only scenario given; compare needs the reference first "
                "and at least one option"
            )
        currency = loaded[0].economics.currency
        for path, params in zip(scenarios[1:], loaded[1:], strict=True):
            if params.economics.currency != currency:
                raise ScenarioError(
                    f"{path}: economics.currency is {params.economics.currency}, the "
                    f"reference's {currency}; amounts are not converted, so every option "
                    "uses the reference's currency"
                )
        folder = check_results_folder(
            out or Path("results") / _comparison_folder([s.name for s in loaded]),
            COMPARE_KIND,
            comparison_bytes(loaded, reps),
        )
        largest = max(loaded, key=model_memory_bytes)
        check_memory(largest, worker_count(len(loaded) * reps, jobs), "each replication")
    for params in loaded:
        _warn(params)
    _warn_if_today_recruits(loaded[0])
    base_seed = loaded[0].seed if seed is None else seed
    extra = robustness.run_count(doubts, len(loaded), robust_reps)
    with _run_progress(len(loaded) * reps + extra, quiet) as bar:
        advance = bar.advance if bar else None
        result = run_comparison(loaded, reps, base_seed, jobs, not independent_seeds, advance)
        checks = robustness.check(loaded, doubts, robust_reps, base_seed, jobs, advance)
    command = [
        "cxsim",
        "compare",
        *map(str, scenarios),
        "--reps",
        str(reps),
        "--seed",
        str(base_seed),
    ]  # every choice that affects the numbers (not --jobs)
    command += ["--days", f"{days:g}"] if days is not None else []
    command += [arg for assignment in set_ or () for arg in ("--set", assignment)]
    command += ["--independent-seeds"] if independent_seeds else []
    command += [arg for text in robust or () for arg in ("--robust", text)]
    command += ["--robust-reps", str(robust_reps)] if doubts else []
    with _one_line_errors():
        report = write_comparison(
            result,
            folder,
            shlex.join([*command, "--out", str(folder)]),
            evidence,
            chromium,
            checks if doubts else None,
        )
    if not quiet:
        for s in result.alternatives:
            console.print(headline(result, s))
        console.print(f"report written to {report}")


@app.command()
@_on_interrupt(lambda out, **_: _nothing_written(out or "results/measures-<scenario name>"))
def measures(
    scenario: Annotated[
        Path,
        typer.Argument(help="Scenario with surveys: a YAML file or a library name (surveys)."),
    ],
    reps: Annotated[int, typer.Option(min=2, help="Replications.")] = 10,
    window: Annotated[
        float, typer.Option(min=7, help="Days after an answer or case in which leaving counts.")
    ] = WINDOW_DAYS,
    days: Annotated[float | None, typer.Option(help="Override horizon.days.")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override one parameter: key.path=value (repeatable)."),
    ] = None,
    jobs: Annotated[int | None, typer.Option(min=1, help="Processes (default: all cores).")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default: results/measures-<scenario>).")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar and no table.")] = False,
) -> None:
    """Rank the indicators an organisation could watch by how well they warn of churn."""
    from cxsim.measures import rank_indicators
    from cxsim.report.measures_report import MEASURES_KIND, effort_sentence, write_measures

    with _one_line_errors():
        params = load_scenario(scenario, _overrides(set_, horizon__days=days))
        if params.horizon.days <= window:
            raise CxsimError(
                f"{scenario}: horizon.days ({params.horizon.days:g}) must exceed --window "
                f"({window:g}): no answer or case could be followed for the window"
            )
        folder = check_results_folder(
            out or Path("results") / f"measures-{slug(params.name)}", MEASURES_KIND, 2**20
        )
        check_memory(params, worker_count(reps, jobs), "each replication")
    _warn(params)
    if not params.surveys:
        typer.echo(
            f"warning: {scenario} sends no surveys: only what case records and the weekly "
            "figures show is ranked",
            err=True,
        )
    with _run_progress(reps, quiet) as bar:
        ranking = rank_indicators(params, reps, jobs, window, bar.advance if bar else None)
    command = ["cxsim", "measures", str(scenario), "--reps", str(reps), "--window", f"{window:g}"]
    command += ["--days", f"{days:g}"] if days is not None else []
    command += [arg for assignment in set_ or () for arg in ("--set", assignment)]
    with _one_line_errors():
        report = write_measures(ranking, folder, shlex.join([*command, "--out", str(folder)]))
    if not quiet:
        for level, title, measure in (
            ("customer", "who leaves within the window", "AUC"),
            ("organisation", "week by week: the churn that follows", "Correlation"),
        ):
            table = Table(title=f"Which measure warns first, {title} ({reps} replications)")
            for column in ("Indicator", "Kind", measure, "95% interval"):
                table.add_column(column)
            for row in ranking.table[ranking.table.level == level].itertuples():
                interval = ranking.interval_text(row)
                table.add_row(row.indicator, row.kind, f"{row.mean:.3f}", interval)
            console.print(table)
        console.print(effort_sentence(ranking))
        console.print(f"report written to {report}")


LocalProcesses = Annotated[
    int | None, typer.Option(min=1, help="Local processes (default: all cores).")
]
DaskScheduler = Annotated[
    str | None,
    typer.Option(help="Address of a Dask distributed scheduler, e.g. tcp://10.0.0.5:8786."),
]


@app.command()
@_on_interrupt(_sweep_kept)
def sweep(
    experiment: Annotated[
        Path,
        typer.Argument(
            help="Experiment YAML file, or the name of one of cxsim's (empowerment_by_supervisors)."
        ),
    ],
    jobs: LocalProcesses = None,
    scheduler: DaskScheduler = None,
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default: results/sweep-<experiment name>).")
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            help="Continue an interrupted sweep in OUT: finished runs are not recomputed."
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Run a designed experiment; every finished run is saved at once (Parquet)."""
    from cxsim.experiment import load_experiment
    from cxsim.sweep import run_sweep

    with _one_line_errors():
        design, base = load_experiment(experiment)
        _warn(base)
        folder = out or Path("results") / f"sweep-{slug(design.name)}"
        with _run_progress(0, quiet) as progress:
            ran = run_sweep(
                design,
                base,
                folder,
                jobs,
                scheduler,
                resume,
                str(experiment),
                on_start=progress.start if progress else None,
                on_done=progress.advance if progress else None,
            )
    if not quiet:
        done = f"{counted(ran, 'run')} done" if ran else "Every run was already done"
        analyse = shlex.join(["cxsim", "analyse", str(folder)])
        message = f"{done}; results in {folder}/runs; read them with: {analyse}"
        console.print(message, soft_wrap=True)


def _calibration_kept(targets: Path, out: Path | None, **_: object) -> str:
    out = out or _calibration_folder(targets)
    command = shlex.join(["cxsim", "calibrate", str(targets), "--out", str(out), "--resume"])
    return f"the runs finished so far are kept in {out}/runs; continue with: {command}"


def _calibration_folder(targets: Path) -> Path:
    return Path("results") / f"calibrate-{slug(Path(targets).stem)}"


@app.command()
@_on_interrupt(_calibration_kept)
def calibrate(
    targets: Annotated[
        Path,
        typer.Argument(help="Targets file: the client's scenario, figures and free parameters."),
    ],
    budget: Annotated[
        int | None, typer.Option(min=1, help="Candidates to evaluate (default: the file's budget).")
    ] = None,
    jobs: LocalProcesses = None,
    scheduler: DaskScheduler = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Output folder (default: results/calibrate-<targets file name>)."),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            help="Continue an interrupted calibration in OUT (or one with a larger --budget): "
            "finished runs are not recomputed."
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Fit a scenario's free parameters to a client's figures; write calibrated.yaml, a report."""
    from cxsim.calibrate import calibrate as search
    from cxsim.report.calibration_report import CALIBRATED, write_calibration
    from cxsim.targets import load_targets

    folder = out or _calibration_folder(targets)
    with _one_line_errors():
        spec, base, scenario_file = load_targets(targets)
        spec = spec.with_budget(budget)
        _warn(base)
        with _run_progress(0, quiet) as progress:
            fit = search(
                spec,
                base,
                scenario_file,
                folder,
                jobs,
                scheduler,
                resume,
                on_start=progress.start if progress else None,
                on_done=progress.advance if progress else None,
                on_best=progress.note if progress else None,
            )
        command = ["cxsim", "calibrate", str(targets), "--out", str(folder)]
        command += ["--budget", str(budget)] if budget is not None else []
        report = write_calibration(fit, folder, shlex.join(command))
    if not quiet:
        hits = sum(fit.met().values())
        console.print(f"{hits} of {len(fit.met())} targets within tolerance; report: {report}")
        console.print(f"calibrated scenario: {folder / CALIBRATED}")


@app.command()
@_on_interrupt(lambda folder, **_: _nothing_written(Path(folder) / "analysis"))
def analyse(
    folder: Annotated[Path, typer.Argument(help="Output folder of cxsim sweep.")],
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default: FOLDER/analysis).")
    ] = None,
) -> None:
    """Sensitivity indices (Sobol, Morris), main effects and heat maps of a sweep."""
    from cxsim.analysis import analyse_sweep

    with _one_line_errors():
        report = analyse_sweep(folder, out)
    for note in report.notes:
        console.print(note)
    console.print(f"analysis written to {report}")


@app.command()
def demo(
    scenario: Annotated[
        Path | None,
        typer.Argument(
            help="Scenario file or library name the room starts from (default: the library's "
            "workforce_dynamics, the baseline with staff turnover)."
        ),
    ] = None,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port of the web app.")] = 8765,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "localhost",
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open a browser tab.")
    ] = True,
    round_days: Annotated[
        int, typer.Option(min=1, max=365, help="Days in a round (the facilitator may change it).")
    ] = 91,
    rounds: Annotated[int, typer.Option(min=1, max=12, help="Rounds in the workshop.")] = 4,
    facilitator_code: Annotated[
        str | None,
        typer.Option(
            help="Code that opens the facilitator's page (default: none on localhost, a "
            "random four-digit code when listening beyond this machine)."
        ),
    ] = None,
) -> None:
    """Workshop in the browser: teams decide in rounds beside today's firm; a facilitator page."""
    from cxsim.demo.workshop import CODE_ENV, PLAN_ENV, SCENARIO_ENV

    env = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", **os.environ}  # rooms are often offline
    env[PLAN_ENV] = f"{round_days}x{rounds}"
    if facilitator_code is None and host not in ("localhost", "127.0.0.1", "::1"):
        facilitator_code = f"{secrets.randbelow(10_000):04d}"
    if facilitator_code:
        env[CODE_ENV] = facilitator_code
    if scenario is not None:
        try:
            path = scenario_argument(scenario)  # a file, else a library name
            load_scenario(path)
        except CxsimError as exc:
            raise _fail(str(exc)) from None
        env[SCENARIO_ENV] = str(path.resolve())
    try:
        socket.create_server((host, port)).close()  # taken: say so before announcing it
    except OSError as exc:
        raise _fail(
            f"--port {port}: cannot listen on {host}:{port} "
            f"({os.strerror(exc.errno) if exc.errno else exc}); another "
            "demo may be running there: stop it, or give another port with --port"
        ) from None
    shown = _address_in_the_room() if host in ("0.0.0.0", "::") else host
    where = f"[{shown}]" if ":" in shown else shown  # an IPv6 address needs brackets in a URL
    console.print(f"workshop demo on http://{where}:{port} (Ctrl+C to stop)")
    code = f" (code {facilitator_code})" if facilitator_code else ""
    console.print(f"facilitator's page: http://{where}:{port}/facilitator{code}")
    # --no-check-version: solara run otherwise asks pypi.org for a newer release before it
    # serves (solara.__main__._check_version); there is no environment variable for it.
    command = [
        sys.executable,
        "-m",
        "solara",
        "run",
        "cxsim.demo.app",
        "--port",
        str(port),
        "--host",
        host,
        "--production",
        "--no-check-version",
        "--open" if open_browser else "--no-open",
    ]
    os.execve(sys.executable, command, env)  # become the server: stopping us stops it


def _address_in_the_room() -> str:
    """The address of this machine on its network (what teams' laptops open), else its name.

    Connecting a UDP socket sends nothing; it only picks the interface a packet would leave by.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
    except OSError:  # no network at all: the machine's name, as the guide says
        return socket.gethostname()


@app.command("scenarios")
def list_scenarios(
    paths: Annotated[
        bool, typer.Option("--paths", help="Each file's path instead of its description.")
    ] = False,
) -> None:
    """List the scenario library: each name (for run, compare, demo, extends) and what it is."""
    with _one_line_errors():
        entries = describe_library()
    width = max(len(entry.name) for entry in entries)
    for entry in entries:
        typer.echo(f"{entry.name:<{width}}  {entry.path if paths else entry.description}")


@app.command()
@_on_interrupt(lambda out, **_: _nothing_written(out))
def bench(
    sizes: Annotated[
        str,
        typer.Option(
            help="Customers for one year of their own work (the targets), comma-separated."
        ),
    ] = "1000,10000,100000",
    baseline_sizes: Annotated[
        str,
        typer.Option(
            help="Customers for one year of the baseline with its calls that open no case, "
            "comma-separated (empty: none)."
        ),
    ] = "1000,10000,100000",
    reps: Annotated[int, typer.Option(min=1, help="Replications for the throughput test.")] = 8,
    rep_customers: Annotated[
        int, typer.Option(min=0, help="Customers in each throughput replication.")
    ] = 1000,
    repeats: Annotated[
        int,
        typer.Option(min=1, help="Runs of each size (fresh processes); the fastest is reported."),
    ] = 2,
    out: Annotated[Path, typer.Option(help="Folder for results.json and results.md.")] = Path(
        "benchmarks"
    ),
    calibration: Annotated[
        bool,
        typer.Option(help="Calibrate the walkthrough's client, and its growth (about 20 min)."),
    ] = True,
) -> None:
    """Measure speed, scaling, memory, parallel throughput, Dask overhead and Ciw's speed.

    The time targets are for the customers' own work (``--sizes``); the baseline with its
    calls that open no case (``--baseline-sizes``) is measured to say what a realistic run
    costs (docs/performance.md).
    """
    from cxsim.benchmark import (
        BENCH_FILES,
        markdown_table,
        run_benchmarks,
        scaled_baseline,
        write_results,
    )

    customers = _bench_sizes("--sizes", sizes)
    baseline_customers = _bench_sizes("--baseline-sizes", baseline_sizes) if baseline_sizes else []
    with _one_line_errors():
        check_owned_files(out, BENCH_FILES)
        for size in {*customers, *baseline_customers}:
            check_memory(scaled_baseline(size), what=f"the {size:,}-customer benchmark")
    results = run_benchmarks(
        customers, reps, rep_customers, repeats, tuple(baseline_customers), calibration
    )
    with _one_line_errors(), owned_files(out, BENCH_FILES) as staging:
        write_results(results, staging)
    console.print(markdown_table(results))


def _bench_sizes(option: str, text: str) -> list[int]:
    """Customers per benchmark run from ``--sizes``-like text; exit 2 naming the option."""
    from cxsim.benchmark import BENCH_MAX_CUSTOMERS

    try:
        customers = [int(size) for size in text.split(",")]
    except ValueError:
        raise _fail(f"{option} {text}: expected whole numbers separated by commas") from None
    if not all(1 <= c <= BENCH_MAX_CUSTOMERS for c in customers):
        raise _fail(f"{option} {text}: expected sizes from 1 to {BENCH_MAX_CUSTOMERS:,} customers")
    return customers


class _Bar:
    """A rich progress bar over runs, with the time left."""

    def __init__(self, progress: Progress, total: int) -> None:
        self.progress = progress
        self.task = progress.add_task("runs", total=total)

    def start(self, total: int, pending: int) -> None:
        """Size the bar: ``pending`` of ``total`` runs remain."""
        self.progress.update(self.task, total=pending)
        if pending < total:
            console.print(f"resuming: {total - pending} of {total} runs already done")

    def advance(self, *_finished: object) -> None:
        """One more run finished."""
        self.progress.advance(self.task)

    def note(self, text: str) -> None:
        """Show ``text`` (the best fit so far) beside the bar."""
        self.progress.update(self.task, description=f"runs ({text})")


@contextmanager
def _run_progress(total: int, quiet: bool) -> Iterator[_Bar | None]:
    """A progress bar over finished runs (with time left), or nothing when quiet."""
    if quiet:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        yield _Bar(progress, total)


if __name__ == "__main__":  # pragma: no cover
    app()

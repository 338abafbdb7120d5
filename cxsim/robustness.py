"""Robustness: whether the recommendation holds as what was not measured moves in its band.

A comparison's intervals cover simulation noise, not doubtful inputs. This check takes the
parameters in doubt one at a time (Saltelli et al. 2008, *Global Sensitivity Analysis: The
Primer*, ch. 1: one-at-a-time screening around a base point), moves each to either end of its
plausible band with everything else as it was (a scenario whose own lever sets the parameter
keeps its value), reruns the whole comparison there (every
scenario, fewer replications, the same seeds: common random numbers keep the ends paired with
the base) and asks the recommendation's criterion again (``cxsim.decision.recommend``). A
recommendation that is the same at both ends of every band *holds*; otherwise the report says
at which end it *flips* and to what.

The parameters in doubt are named by the user (``--robust KEY`` with the schema's plausible
band, or ``--robust KEY=LOW:HIGH``) or taken from a calibration (``--robust loose``): the
fitted parameters the client's figures leave loose, over the band the figures allow
(``calibration.json``, "bands").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cxsim.comparison import compare
from cxsim.decision import recommend
from cxsim.errors import ScenarioError
from cxsim.fit import loose_keys
from cxsim.scenario import Scenario, usual_band, value_at, with_overrides, yaml_value

__all__ = ["Doubt", "Check", "LOOSE", "doubts", "check", "moved", "run_count"]

LOOSE = "loose"  # --robust loose: the calibration's loosely pinned or unidentified parameters


@dataclass(frozen=True)
class Doubt:
    """A parameter in doubt, the band it may lie in, and why it is doubted."""

    key: str
    low: float
    high: float
    why: str


@dataclass(frozen=True)
class Check:
    """The recommendation with one doubtful parameter at one end of its band."""

    doubt: Doubt
    value: float
    choice: str  # the name of the option the criterion picks there
    clear: bool  # whether it earns significantly more than the runner-up there
    replications: int


def _band(text: str, key: str) -> tuple[float, float]:
    try:
        low, high = (float(end) for end in text.split(":"))
    except ValueError:
        low = high = 0.0  # not two numbers: the same message as an empty band
    if not low < high:
        raise ScenarioError(f"--robust {key}: expected KEY=LOW:HIGH with LOW < HIGH, got {text!r}")
    return low, high


def _named(text: str) -> Doubt:
    key, sep, band = text.partition("=")
    if sep:
        low, high = _band(band, key)
        return Doubt(key, low, high, "named, with its band")
    try:
        usual = usual_band(key)
    except ScenarioError as error:
        raise ScenarioError(f"--robust {error}") from None
    if usual is None:
        raise ScenarioError(
            f"--robust {key}: no plausible band in the schema for this key; give one "
            "as KEY=LOW:HIGH"
        )
    return Doubt(key, *usual, "named; its usual band")


def _loose(evidence: Mapping[str, Any] | None) -> list[Doubt]:
    if not evidence or "bands" not in evidence:
        raise ScenarioError(
            "--robust loose: the reference is not a calibrated.yaml with its calibration.json "
            "(cxsim calibrate) that records the fitted parameters' bands"
        )
    verdicts, bands = evidence["identification"], evidence["bands"]
    return [
        Doubt(key, float(bands[key][0]), float(bands[key][1]), f"fitted, {verdicts[key]}")
        for key in loose_keys(verdicts)
        if key in bands and bands[key][0] < bands[key][1]
    ]


def doubts(
    named: Sequence[str], reference: Scenario, evidence: Mapping[str, Any] | None
) -> list[Doubt]:
    """The parameters in doubt from ``--robust`` values, checked against ``reference``.

    Each end of every band must be a valid value of the reference (one-line error otherwise).
    """
    found: dict[str, Doubt] = {}
    for text in named:
        for doubt in _loose(evidence) if text == LOOSE else [_named(text)]:
            found.setdefault(doubt.key, doubt)
    for doubt in found.values():
        for value in (doubt.low, doubt.high):
            with_overrides(reference, [_assignment(doubt, value)], f"--robust {doubt.key}")
    return list(found.values())


def _assignment(doubt: Doubt, value: float) -> str:
    return f"{doubt.key}={yaml_value(value)}"


def moved(scenarios: Sequence[Scenario], doubt: Doubt, value: float) -> list[Scenario]:
    """``scenarios`` with ``doubt`` at ``value`` where they hold the reference's value."""
    today = value_at(scenarios[0], doubt.key)
    return [
        with_overrides(s, [_assignment(doubt, value)]) if value_at(s, doubt.key) == today else s
        for s in scenarios
    ]


def run_count(found: Sequence[Doubt], scenarios: int, replications: int) -> int:
    """Runs the check takes: two ends of each band, every scenario, ``replications`` each."""
    return 2 * len(found) * scenarios * replications


def check(
    scenarios: Sequence[Scenario],
    found: Sequence[Doubt],
    replications: int,
    seed: int,
    jobs: int | None = None,
    on_done: Callable[[int, Any], None] | None = None,
) -> list[Check]:
    """The recommendation at both ends of each doubtful parameter's band."""
    checks = []
    for doubt in found:
        for value in (doubt.low, doubt.high):
            there = moved(scenarios, doubt, value)
            rec = recommend(compare(there, replications, seed, jobs, on_done=on_done))
            checks.append(Check(doubt, value, rec.choice.name, rec.clear, replications))
    return checks

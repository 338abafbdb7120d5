"""A client's figures to calibrate to: the targets file of ``cxsim calibrate``, validated.

A targets file names the scenario that describes the client (resolved like ``extends:``), the
client's observed KPIs (any numeric key of a run's summary, nested ones dotted), each with its
value and a tolerance or a measurement uncertainty, and the free parameters with their search
ranges. It is read like a scenario: YAML's safe loader, bounded, one located error line, and
nothing runs. Every target key is checked against what a run reports and every free
parameter against the scenario schema at both ends of its range before the first run.

``path`` is a file, or the name of a library targets file (``example_client``: the
experiments' ``calibrate/`` folder). Example (``experiments/calibrate/example_client.yaml``)::

    scenario: clients/example.yaml
    targets:
      contact_centre.occupancy: {value: 0.82, tolerance: 0.02, source: "WFM report"}
      retention_rate: {value: 0.86, sd: 0.01}    # tolerance: 2 sd
    free:
      contact_centre.arrival_rate_per_hour: {low: 20, high: 45}
      loyalty.base_churn_per_year: {low: 0.02, high: 0.3, scale: log}
    replications: 3
    budget: 60
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cxsim.documents import read_document
from cxsim.errors import ScenarioError, excerpt
from cxsim.experiment import available_kpis, kpi_hint, validated
from cxsim.library import missing_scenario, referenced_scenario, targets_argument
from cxsim.scenario import (
    Scenario,
    load_scenario,
    located_error,
    value_at,
    with_overrides,
    yaml_value,
)

__all__ = ["Target", "FreeParameter", "Targets", "load_targets", "targets_hash"]

MAX_FREE = 20  # free parameters: a search over more is not a calibration a client can follow
MAX_BUDGET = 100_000  # candidates evaluated


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Target(_Strict):
    """One figure of the client: its value and how closely the model must match it.

    ``tolerance`` is the half-width, in the KPI's own units, within which the model matches;
    ``sd`` is the client's measurement uncertainty instead (the tolerance is then 2 sd, a 95%
    band). ``weight`` scales the target's share of the fit (1: as much as any other).
    """

    value: float
    tolerance: Annotated[float, Field(gt=0)] | None = None
    sd: Annotated[float, Field(gt=0)] | None = None
    weight: Annotated[float, Field(gt=0, le=1000)] = 1.0
    source: Annotated[str, Field(max_length=300)] = ""

    @model_validator(mode="after")
    def _one_width(self) -> Target:
        if (self.tolerance is None) == (self.sd is None):
            raise ValueError("give either tolerance: (a half-width) or sd: (an uncertainty)")
        return self

    @property
    def half_width(self) -> float:
        """The band either side of ``value`` within which the model matches."""
        return self.tolerance if self.tolerance is not None else 2.0 * self.sd


class FreeParameter(_Strict):
    """A parameter the search may set, from ``low`` to ``high``.

    ``scale: log`` searches ratios evenly (rates, costs spanning a decade; the prior is
    log-uniform); ``integer`` searches whole numbers (head counts).
    """

    low: float
    high: float
    scale: Literal["linear", "log"] = "linear"
    integer: bool = False

    @model_validator(mode="after")
    def _range(self) -> FreeParameter:
        if self.low >= self.high:
            raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
        if self.scale == "log" and self.low <= 0:
            raise ValueError("a log scale needs low > 0")
        if self.integer and self.ends[0] > self.ends[1]:
            raise ValueError("an integer parameter needs a whole number between low and high")
        return self

    @property
    def ends(self) -> tuple[float, float]:
        """The lowest and highest values the search tries (ints for an integer parameter)."""
        if self.integer:
            return math.ceil(self.low), math.floor(self.high)
        return self.low, self.high

    def clip(self, value: float) -> float | None:
        """``value`` if it lies in the range (rounded for an integer), else None."""
        value = round(value) if self.integer else value
        return float(value) if self.low <= value <= self.high else None


class Targets(_Strict):
    """A targets file, validated (see the module docstring)."""

    scenario: str
    name: Annotated[str, Field(max_length=120, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""
    targets: Annotated[dict[str, Target], Field(min_length=1, max_length=100)]
    free: Annotated[dict[str, FreeParameter], Field(min_length=1, max_length=MAX_FREE)]
    replications: Annotated[int, Field(ge=1, le=1000)] = 3
    budget: Annotated[int, Field(ge=1, le=MAX_BUDGET)] = 60
    method: Literal["cmaes", "tpe"] = "cmaes"
    batch: Annotated[int, Field(ge=2, le=1000)] = 6
    confirm: Annotated[int, Field(ge=2, le=1000)] = 10
    seed: Annotated[int, Field(ge=0, le=2**64 - 1)] | None = None

    @model_validator(mode="after")
    def _population(self) -> Targets:
        # CMA-ES recombines the better half of each batch: with fewer than 4 that is one
        # parent, whose rank-mu update has zero weight and divides by it (Hansen 2016, "The
        # CMA Evolution Strategy: A Tutorial", section 3; its default is 4 + 3 ln n)
        if self.method == "cmaes" and self.batch < 4:
            located_error(("batch",), "at least 4 with method cmaes", self.batch)
        return self

    def today(self, base: Scenario) -> dict[str, float] | None:
        """The free parameters' values in ``base``, or None when one lies outside its range."""
        values = {}
        for key, free in self.free.items():
            value = value_at(base, key)
            inside = free.clip(float(value)) if isinstance(value, int | float) else None
            if inside is None:
                return None
            values[key] = int(inside) if free.integer else inside
        return values

    def with_budget(self, budget: int | None) -> Targets:
        """The file with ``--budget`` in place of its own (None: unchanged)."""
        return self if budget is None else self.model_copy(update={"budget": budget})


def load_targets(path: str | Path) -> tuple[Targets, Scenario, Path]:
    """Read a targets file; return it, the scenario it calibrates and that scenario's file.

    Raises ScenarioError (one line: file, line, key path, expectation) for a bad file, a
    scenario that is not found, a target that runs do not report or a free parameter the
    scenario schema refuses at either end of its range.
    """
    path = targets_argument(path)
    document = read_document(path, "a targets")
    targets = validated(document, Targets)

    scenario_path = referenced_scenario(path.parent, targets.scenario)
    if scenario_path is None:
        missing = missing_scenario(path.parent / targets.scenario, targets.scenario)
        raise ScenarioError(f"{document.where('scenario')}: scenario: {missing}")
    base = load_scenario(scenario_path)
    known = available_kpis(base)
    for key in targets.targets:
        if key not in known:
            raise ScenarioError(
                f"{document.where('targets', key)}: targets.{excerpt(key)[1:-1]}: not a KPI a run "
                f"reports{kpi_hint(key, known)}"
            )
    for key, free in targets.free.items():
        for end in free.ends:
            with_overrides(
                base, [f"{key}={yaml_value(end)}"], f"{document.where('free', key)}: free"
            )
    if targets.seed is None:  # the scenario's own seed: comparisons then share its arrivals
        targets = targets.model_copy(update={"seed": base.seed})
    return targets, base, scenario_path


def targets_hash(targets: Targets, base: Scenario) -> str:
    """Fingerprint of what decides a calibration's evaluations (the budget may grow)."""
    dumped = targets.model_dump(mode="json", exclude={"budget", "name"})
    text = json.dumps([dumped, base.parameter_hash()], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]

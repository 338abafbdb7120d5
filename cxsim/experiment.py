"""Designed experiments: which parameters to vary, how, and the runs that follow.

An experiment file names a base scenario, the factors to vary (levels, or a range with a
distribution), a design (full factorial grid, Latin hypercube, Sobol/Saltelli, Morris), the
replications per design point, the KPIs to keep and a seed, and optionally a lever: a key set
at two levels at every design point (``lever: {key: frontline.empowerment_limit, levels: [50,
1000]}``), so that the analysis reads the lever's paired effect on each KPI as it varies with
the factors (where a lever pays, and which factors decide it). Files are validated like
scenarios: one located error line, and nothing runs. Every design point is checked against
the scenario schema before the first run, so a sweep never fails half-way on a bad value.

Designs come from SALib (Herman and Usher 2017): Saltelli's extension of Sobol sequences for
variance-based indices (Saltelli et al. 2010), Morris trajectories (Morris 1991; Campolongo et
al. 2007), Latin hypercubes (McKay et al. 1979); the grid is the full factorial of the levels.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cxsim.documents import Document, read_document
from cxsim.errors import excerpt
from cxsim.library import experiment_argument, missing_scenario, referenced_scenario
from cxsim.runner import replication_seed, run_summary
from cxsim.scenario import (
    LABEL,
    Scenario,
    ScenarioError,
    check_key,
    describe_error,
    first_error,
    load_scenario,
    located_error,
    with_overrides,
    yaml_value,
)

__all__ = [
    "Experiment",
    "Factor",
    "Design",
    "Lever",
    "Run",
    "load_experiment",
    "validated",
    "design_points",
    "run_points",
    "salib_problem",
    "experiment_runs",
    "run_count",
    "check_kpis",
    "available_kpis",
    "MAX_RUNS",
]

MAX_RUNS = 1_000_000  # runs of one sweep: ~400 bytes each in memory, one file each on disk

DesignKind = Literal["grid", "lhs", "sobol", "morris"]
NOT_THE_SEED = "a key other than seed (the experiment's seed: sets every run's seed)"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Factor(_Strict):
    """One varied parameter: explicit ``levels``, or a range ``low``..``high``.

    ``distribution`` says how a range is sampled: uniform, or triangular with its mode at
    ``mode``, or normal with mean ``low`` and standard deviation ``high`` (SALib's
    convention). ``integer`` takes the whole number nearest a sampled value, within the range
    (head counts; :func:`whole_number`).
    """

    levels: (
        Annotated[list[float | int | bool | str], Field(min_length=1, max_length=10_000)] | None
    ) = None
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    distribution: Literal["uniform", "triangular", "normal"] = "uniform"
    integer: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> Factor:
        has_range = self.low is not None and self.high is not None
        if (self.levels is None) == (not has_range):
            raise ValueError("give either levels: [...] or both low: and high:")
        if has_range and self.distribution != "normal" and self.low >= self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.distribution == "triangular" and not (
            self.mode is not None and self.low <= self.mode <= self.high
        ):
            raise ValueError("a triangular factor needs low <= mode <= high")
        bounded = has_range and self.distribution != "normal"
        if self.integer and bounded and math.ceil(self.low) > math.floor(self.high):
            raise ValueError(f"integer: true needs a whole number from {self.low} to {self.high}")
        return self


# the design kinds that read each setting of ``design:``
DESIGN_SETTINGS = {"samples": ("lhs", "sobol", "morris"), "levels": ("morris",),
                   "second_order": ("sobol",)}  # fmt: skip


class Design(_Strict):
    """How design points are chosen; ``samples`` is per design kind (see the docs)."""

    kind: DesignKind = "grid"
    samples: Annotated[int, Field(ge=1, le=1_000_000)] = 16
    levels: Annotated[int, Field(ge=2, le=20)] = 4  # Morris grid levels
    second_order: bool = False  # Sobol second-order indices (more runs)

    @model_validator(mode="after")
    def _settings_of_its_kind(self) -> Design:
        """A setting the kind does not read is a slip (a grid's ``samples`` changes nothing).

        Only a value other than the default is refused: a sweep folder's experiment.yaml
        holds every setting, defaults included.
        """
        for name, kinds in DESIGN_SETTINGS.items():
            unread = self.kind not in kinds
            if unread and getattr(self, name) != type(self).model_fields[name].default:
                readers = ", ".join(kinds)
                expected = f"no {name} in a {self.kind} design (read by {readers} designs)"
                located_error((name,), expected, getattr(self, name))
        return self


class Lever(_Strict):
    """A key set at two levels, without and with, at every design point (paired runs)."""

    key: Annotated[str, Field(min_length=1)]
    levels: Annotated[list[Any], Field(min_length=2, max_length=2)]


class Experiment(_Strict):
    """An experiment file, validated.

    ``base`` is resolved like ``extends:``: the file beside the experiment file if there is
    one, else the library scenario of that name (``base: baseline.yaml``).
    """

    name: Annotated[str, Field(min_length=1, max_length=120, pattern=LABEL)]
    description: Annotated[str, Field(max_length=5000)] = ""
    base: str
    fixed: dict[str, Any] = Field(default_factory=dict)
    factors: dict[str, Factor]
    design: Design = Design()
    replications: Annotated[int, Field(ge=1, le=10_000)] = 1
    seed: Annotated[int, Field(ge=0, le=2**64 - 1)] = 42
    kpis: list[str] = Field(default_factory=lambda: ["retention_rate", "profit", "fcr"])
    lever: Lever | None = None

    @model_validator(mode="after")
    def _design_fits_factors(self) -> Experiment:
        if not self.factors:
            located_error(("factors",), "at least one factor", self.factors)
        kind = self.design.kind
        for key, factor in self.factors.items():
            if (kind == "grid") != (factor.levels is not None):
                expected = "levels: [...]" if kind == "grid" else "low: and high: (a range)"
                given = factor.model_dump(exclude_defaults=True)
                located_error(("factors", key), f"{expected} in a design of kind {kind}", given)
        if kind == "morris":
            self._morris_levels_stay_apart()
        if kind == "sobol" and self.design.samples & (self.design.samples - 1):
            located_error(
                ("design", "samples"),
                "a power of 2 in a sobol design (Saltelli's sampling keeps its balance)",
                self.design.samples,
            )
        return self

    def _morris_levels_stay_apart(self) -> None:
        """Each Morris level of an integer factor is a whole number of its own.

        Two levels rounded to one number would make the steps between them show no effect
        (SALib reads which factor moved from the values run), pulling mu* towards zero.
        """
        p = self.design.levels
        for key, f in self.factors.items():
            if not f.integer or f.distribution == "normal":
                continue
            if len({whole_number(f, v) for v in morris_levels(key, f, p)}) < p:
                remedy = (
                    f"low: {f.low:g}, high: {f.low + p:g} gives {p}"
                    if f.distribution == "uniform"
                    else "a wider range"
                )
                located_error(
                    ("factors", key),
                    f"an integer range with a whole number for each of the design's {p} Morris "
                    f"levels ({remedy}; or fewer design.levels)",
                    f.model_dump(exclude_defaults=True),
                )

    @model_validator(mode="after")
    def _each_key_set_once(self) -> Experiment:
        """A key is fixed, a factor or the lever, once; each run's seed comes from ``seed:``."""
        lever = self.lever.key if self.lever is not None else None
        for block, keys in (("fixed", self.fixed), ("factors", self.factors)):
            if "seed" in keys:
                located_error((block, "seed"), NOT_THE_SEED, "seed")
        if lever == "seed":
            located_error(("lever", "key"), NOT_THE_SEED, lever)
        for key in self.fixed:
            if key in self.factors or key == lever:
                located_error(("fixed", key), "a key that is not also varied", key)
        if lever in self.factors:
            located_error(("lever", "key"), "a key that is not also a factor", lever)
        if len(set(self.kpis)) < len(self.kpis):
            located_error(("kpis",), "each KPI once", self.kpis)
        return self


@dataclass(frozen=True, slots=True)
class Run:
    """One simulation of a sweep: design point, replication, seed and factor values.

    Small on purpose: a 10,000-run sweep holds 10,000 of these, and each worker builds the
    scenario itself (:meth:`scenario`).
    """

    point: int
    replication: int
    seed: int
    values: dict[str, Any]
    variant: str = ""  # a neighbour of the point (a calibration's slopes): part of the key

    @property
    def key(self) -> str:
        """Stable identity used to resume: run point (and variant) and replication."""
        return f"p{self.point:06d}{self.variant}-r{self.replication:04d}"

    def scenario(self, base: Scenario, source: str = "<experiment>") -> Scenario:
        """``base`` with this run's factor values and seed."""
        params = with_overrides(
            base,
            [f"{k}={yaml_value(v)}" for k, v in self.values.items()],
            f"{source}: design point {self.point}",
        )
        return params.model_copy(update={"seed": self.seed})


def validated[M: BaseModel](document: Document, model: type[M]) -> M:
    """``document`` validated as ``model``; a ScenarioError naming the file, line and key path."""
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        error = first_error(exc)
        line = next(
            (
                document.lines[error["loc"][:end]]
                for end in range(len(error["loc"]), 0, -1)
                if error["loc"][:end] in document.lines
            ),
            None,
        )
        where = f"{document.path}:{line}" if line else str(document.path)
        raise ScenarioError(f"{where}: {describe_error(error, model)}") from None


def load_experiment(path: str | Path) -> tuple[Experiment, Scenario]:
    """Read and validate an experiment file and its base scenario (with ``fixed`` applied).

    ``path`` is a file, or, where no such file exists, the name of a library experiment
    (``empowerment_by_supervisors``; see :mod:`cxsim.library`).
    """
    path = experiment_argument(path)
    document = read_document(path, "an experiment")
    experiment = validated(document, Experiment)
    _check_keys(document, experiment)
    base_path = referenced_scenario(path.parent, experiment.base)
    if base_path is None:
        missing = missing_scenario(path.parent / experiment.base, experiment.base)
        raise ScenarioError(f"{document.where('base')}: base: {missing}")
    fixed = [f"{k}={yaml_value(v)}" for k, v in experiment.fixed.items()]
    return experiment, with_overrides(
        load_scenario(base_path), fixed, f"{document.where('fixed')}: fixed"
    )


def _check_keys(document: Document, experiment: Experiment) -> None:
    """Refuse a fixed, factor or lever key the scenario schema lacks, at its line."""
    keys = [("fixed", key) for key in experiment.fixed]
    keys += [("factors", key) for key in experiment.factors]
    keys += [("lever", experiment.lever.key)] if experiment.lever is not None else []
    for block, key in keys:
        loc = ("lever", "key") if block == "lever" else (block, key)
        try:
            check_key(key)
        except ScenarioError as error:
            prefix = "lever.key: " if block == "lever" else f"{block}."
            raise ScenarioError(f"{document.where(*loc)}: {prefix}{error}") from None


SALIB_DISTRIBUTIONS = {"uniform": "unif", "triangular": "triang", "normal": "norm"}


def salib_problem(experiment: Experiment) -> dict[str, Any]:
    """The SALib problem dict of the ranged factors."""
    return _salib_problem(experiment.factors)


def _salib_problem(factors: dict[str, Factor]) -> dict[str, Any]:
    bounds = []
    for f in factors.values():
        if f.distribution == "triangular":  # SALib: [low, high, mode as a share of the width]
            bounds.append([f.low, f.high, (f.mode - f.low) / (f.high - f.low)])
        else:
            bounds.append([f.low, f.high])
    return {
        "num_vars": len(factors),
        "names": list(factors),
        "bounds": bounds,
        "dists": [SALIB_DISTRIBUTIONS[f.distribution] for f in factors.values()],
    }


def morris_levels(key: str, factor: Factor, levels: int) -> list[float]:
    """The values SALib's Morris sampler gives ``factor`` at its ``levels`` grid levels.

    The grid is even on the unit scale, then scaled through the factor's distribution (a
    triangular one bunches the levels near its mode).
    """
    from SALib.util import scale_samples

    unit = np.linspace(0.0, 1.0, levels)[:, None]
    return list(scale_samples(unit, _salib_problem({key: factor}))[:, 0])


def design_points(experiment: Experiment) -> np.ndarray | list[tuple[Any, ...]]:
    """The design: one row of factor values per point, in the factors' order."""
    d = experiment.design
    if d.kind == "grid":
        return list(itertools.product(*(f.levels for f in experiment.factors.values())))
    problem = salib_problem(experiment)
    if d.kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(
            problem, d.samples, calc_second_order=d.second_order, seed=experiment.seed
        )
    if d.kind == "morris":
        from SALib.sample import morris

        return morris.sample(problem, d.samples, num_levels=d.levels, seed=experiment.seed)
    from SALib.sample import latin

    return latin.sample(problem, d.samples, seed=experiment.seed)


def run_points(experiment: Experiment) -> list[dict[str, Any]]:
    """The factor values of every run point, in the sweep's numbering.

    The design's points; with a lever, each at both of its levels (run point ``2 k + arm`` is
    design point ``k`` at the lever's level ``arm``).
    """
    names = list(experiment.factors)
    points = [
        {n: _value(experiment.factors[n], v) for n, v in zip(names, row, strict=True)}
        for row in design_points(experiment)
    ]
    lever = experiment.lever
    if lever is None:
        return points
    return [point | {lever.key: level} for point in points for level in lever.levels]


def run_count(experiment: Experiment) -> int:
    """Runs the design will have (run points x replications), computed without building it."""
    d, k = experiment.design, len(experiment.factors)
    if d.kind == "grid":
        points = math.prod(len(f.levels or ()) for f in experiment.factors.values())
    elif d.kind == "sobol":
        points = d.samples * (2 * k + 2 if d.second_order else k + 2)
    elif d.kind == "morris":
        points = d.samples * (k + 1)
    else:
        points = d.samples
    arms = 1 if experiment.lever is None else 2
    return points * arms * experiment.replications


def available_kpis(base: Scenario) -> list[str]:
    """Every KPI name a run of ``base`` reports (from a run of five customers for minutes)."""
    from cxsim.comparison import flatten_kpis

    probe = with_overrides(
        base,
        [
            f"customers.initial={min(base.customers.initial, 5)}",
            "horizon.days=0.01",
            "warmup.days=0",
        ],
    )
    return list(flatten_kpis(run_summary(probe)))


# KPIs under the names the field uses for them, where the summary uses the short one
KPI_NAMES = {
    "first_contact_resolution": "fcr",
    "customer_effort_score": "ces",
    "net_promoter_score": "nps",
    "customer_satisfaction": "csat",
    "retention": "retention_rate",
}


def kpi_hint(name: str, known: list[str]) -> str:
    """What to write instead of ``name``, which is not among the ``known`` KPIs of a run."""
    if KPI_NAMES.get(name) in known:
        return f"; a run's summary calls it {KPI_NAMES[name]}"
    members = [k for k in known if k.startswith(f"{name}.")]
    if members:
        shown = ", ".join(members[:3]) + (", ..." if len(members) > 3 else "")
        return f"; {name} is a group: name one of its keys ({shown})"
    close = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean {close[0]}?" if close else " (see a run's summary.json)"


def check_kpis(experiment: Experiment, base: Scenario, source: str = "<experiment>") -> None:
    """Refuse, before the first run, a KPI name that the runs will not report."""
    known = available_kpis(base)
    for kpi in experiment.kpis:
        if kpi not in known:
            hint = kpi_hint(kpi, known)
            raise ScenarioError(f"{source}: kpis: {excerpt(kpi)} is not a KPI of the runs{hint}")


def _value(factor: Factor, raw: Any) -> Any:
    if factor.levels is not None:
        return raw
    return whole_number(factor, float(raw)) if factor.integer else float(raw)


def whole_number(factor: Factor, value: float) -> int:
    """The whole number whose unit cell holds ``value`` (halves up), within a bounded range.

    ``low: 0.5, high: 3.5`` gives 1, 2 and 3 in equal cells, its ends included: the ends are
    where a Morris design puts its outer levels, and Python's ``round`` would send 0.5 to 0
    and 3.5 to 4 (halves to even), outside the range. A normal factor is unbounded.
    """
    whole = math.floor(value + 0.5)
    if factor.distribution == "normal":
        return whole
    return min(max(whole, math.ceil(factor.low)), math.floor(factor.high))


def experiment_runs(
    experiment: Experiment, base: Scenario, source: str = "<experiment>"
) -> list[Run]:
    """Every run of the sweep, run point by run point; each validated against the schema first.

    Replication ``i`` of every point uses seed ``replication_seed(seed, i)``, so points (and a
    lever's two levels) are compared under common random numbers.
    """
    count = run_count(experiment)
    if count > MAX_RUNS:
        raise ScenarioError(
            f"{source}: the design has {count:,} runs; a sweep holds at most "
            f"{MAX_RUNS:,} (fewer levels, samples or replications)"
        )
    seeds = [replication_seed(experiment.seed, i) for i in range(experiment.replications)]
    runs = []
    for point, values in enumerate(run_points(experiment)):
        Run(point, 0, seeds[0], values).scenario(base, source)  # raises on a bad value
        runs += [Run(point, i, seed, values) for i, seed in enumerate(seeds)]
    return runs


def design_hash(experiment: Experiment, base: Scenario) -> str:
    """Fingerprint of what decides each run but not how many replications there are.

    A sweep resumed with more replications (or another description) keeps every run it has:
    replication ``i`` of a point has the same seed whatever the count.
    """
    dumped = experiment.model_dump(mode="json", exclude={"replications", "description"})
    text = json.dumps([dumped, base.parameter_hash()], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def experiment_hash(experiment: Experiment, base: Scenario) -> str:
    """Fingerprint of everything that decides the runs, to refuse resuming a changed sweep."""
    # without a lever, the fingerprint is the one earlier versions wrote (a sweep resumes)
    dumped = experiment.model_dump(
        mode="json", exclude={"lever"} if experiment.lever is None else None
    )
    text = json.dumps([dumped, base.parameter_hash()], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]

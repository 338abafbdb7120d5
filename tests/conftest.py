"""Shared helpers: build scenarios from overrides and run small models."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from cxsim.benchmark import scaled_assignments
from cxsim.kpis import summarise
from cxsim.library import library_scenario
from cxsim.model import ServiceOrganisation
from cxsim.scenario import Scenario, load_scenario, with_overrides

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def small_firm(base: Scenario) -> tuple[str, ...]:
    """Overrides that make ``base`` (with customers) a firm of 400 customers for a year, scaled.

    Its staff, new prospects and the calls that open no case at 400 customers' share
    (docs/experiments.md, "keeping runs small"): a business of its own size whose phone line is
    as loaded as the full one's (at 400 customers alone, a library scenario keeps the calls of a
    1,000-account line: 60% of the events, and a loss). Head counts are rounded (at least one
    of a role the scenario staffs), so an option that adds a few people may lose its difference:
    pair scenarios whose staff it keeps apart.
    """
    return (*scaled_assignments(base, 400 / base.customers.initial), "horizon.days=365")


# The small organisation of most tests: the schema's organisation as a small firm (a year in
# about 1.5 s).
SMALL = small_firm(Scenario())


def small_library(name: str, *assignments: str) -> Scenario:
    """Library scenario ``name`` as a small firm (:func:`small_firm`), then ``assignments``."""
    base = load_scenario(library_scenario(name))
    return with_overrides(base, (*small_firm(base), *assignments))


def make_scenario(*assignments: str) -> Scenario:
    """Schema defaults with ``key.path=value`` overrides applied."""
    return with_overrides(Scenario(), assignments)


@lru_cache(maxsize=64)
def _run(assignments: tuple[str, ...]) -> tuple[ServiceOrganisation, dict[str, Any]]:
    model = ServiceOrganisation(make_scenario(*assignments))
    model.run(model.params.horizon.days)
    return model, summarise(model)


def run_small(*assignments: str) -> tuple[ServiceOrganisation, dict[str, Any]]:
    """Run the small organisation with overrides; results are cached per override set."""
    return _run(SMALL + assignments)


@pytest.fixture(scope="session")
def baseline_path() -> Path:
    """Path of the shipped baseline scenario."""
    return BASELINE

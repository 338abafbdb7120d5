"""Shared helpers: build scenarios from overrides and run small models."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from cxsim.kpis import summarise
from cxsim.library import library_scenario
from cxsim.model import ServiceOrganisation
from cxsim.scenario import Scenario, load_scenario, with_overrides
from cxsim.validation import small_organisation

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"


# The small organisation of most tests: the schema's organisation as a small firm (a year in
# about 1.5 s).
SMALL = small_organisation(Scenario())


def small_library(name: str, *assignments: str) -> Scenario:
    """Library scenario ``name`` as a small firm (``cxsim.validation.small_organisation``),
    then ``assignments``.

    At 400 customers alone, a library scenario keeps the calls of a 1,000-account line (60% of
    the events, and a loss). Head counts are rounded (at least one of a role the scenario
    staffs), so an option that adds a few people may lose its difference: pair scenarios whose
    staff it keeps apart.
    """
    base = load_scenario(library_scenario(name))
    return with_overrides(base, (*small_organisation(base), *assignments))


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

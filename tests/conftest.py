"""Shared helpers: build scenarios from overrides and run small models."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from cxsim.kpis import summarise
from cxsim.model import ServiceOrganisation
from cxsim.scenario import Scenario, with_overrides
from cxsim.validation import SMALL_ORGANISATION

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"

# A smaller organisation than the baseline (the one the lever facts use), so direction tests
# run in well under a second.
SMALL = SMALL_ORGANISATION


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

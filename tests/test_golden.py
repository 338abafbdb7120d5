"""Seeded results of every library scenario are pinned (see tests/golden.py)."""

from __future__ import annotations

import json

import pytest
from golden import GOLDEN, differences, library, name_of, result


@pytest.mark.parametrize("path", library(), ids=name_of)
def test_results_are_unchanged(path):
    stored = GOLDEN / f"{name_of(path)}.json"
    assert stored.exists(), f"no golden file for {path.name}: run 'make golden'"
    found = differences(json.loads(stored.read_text()), result(path))
    assert not found, (
        "results moved (if meant, run 'make golden' and say so in the commit):\n"
        + "\n".join(found[:20])
    )


def test_every_golden_file_has_its_scenario():
    names = {name_of(path) for path in library()}
    assert {p.stem for p in GOLDEN.glob("*.json")} <= names


def test_a_moved_result_is_named_with_its_key_path():
    expected = {
        "summary": {"profit": 1.0, "staff": {"sales": {"hires": 2}}},
        "series": {"day": [0, 7]},
    }
    actual = {"summary": {"profit": 1.5, "staff": {"sales": {}}}, "series": {"day": [0, 8]}}
    assert differences(expected, actual) == [
        "series.day[1]: 7 -> 8",
        "summary.profit: 1.0 -> 1.5",
        "summary.staff.sales.hires: missing",
    ]

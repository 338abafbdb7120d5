"""Golden results: seeded summaries and weekly series of the scenario library, pinned.

Every library scenario is run at a short horizon and a small population (so every mechanism
it switches on is exercised in about a second) and its whole ``summary.json`` and weekly time
series are compared, number for number, with the files in ``tests/data/golden/``. A change not
meant to move results must leave them identical; one that is meant to move them regenerates
them with ``make golden`` (``python tests/golden.py``) and says so in its commit.

The scenario's identity fields (``parameter_hash``, ``cxsim_version``) are left out: a new
parameter whose default changes nothing should not fail the check.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from the repository
    sys.path.insert(0, str(ROOT))

from cxsim.runner import run_with_series  # noqa: E402
from cxsim.scenario import load_scenario  # noqa: E402

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
# Short and small, but long enough for renewals, turnover, training and shocks to happen.
SETTINGS = {"horizon__days": 200.0, "customers__initial": 300}
IDENTITY = ("parameter_hash", "cxsim_version")


def library() -> list[Path]:
    """Every scenario file of the library, sorted."""
    return sorted((ROOT / "scenarios").rglob("*.yaml"))


def name_of(path: Path) -> str:
    """File name of a scenario's golden result (``validation/erlang_c`` -> ``validation-...``)."""
    return path.relative_to(ROOT / "scenarios").with_suffix("").as_posix().replace("/", "-")


def result(path: Path) -> dict[str, Any]:
    """The pinned part of a short seeded run: summary less identity, and the weekly series."""
    summary, series, _ = run_with_series(load_scenario(path, **SETTINGS))
    for key in IDENTITY:
        summary.pop(key)
    # A survey figure of a week before any answer is NaN: null in the file.
    series = {k: [None if v != v else v for v in values] for k, values in series.items()}
    # through JSON, so that what is compared is exactly what the file holds
    return json.loads(json.dumps({"summary": summary, "series": series}, allow_nan=False))


def write_all() -> None:
    """Regenerate every golden file (only when a change is meant to move results)."""
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for path in library():
        target = GOLDEN / f"{name_of(path)}.json"
        target.write_text(json.dumps(result(path), indent=1, sort_keys=True) + "\n")
        print(f"wrote {target.relative_to(ROOT)}")


def differences(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Key paths at which ``actual`` differs from ``expected``, with both values."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(expected.keys() | actual.keys()):
            path = f"{where}.{key}" if where else key
            if key not in actual or key not in expected:
                found.append(f"{path}: {'missing' if key not in actual else 'new'}")
            else:
                found += differences(expected[key], actual[key], path)
        return found
    if expected != actual:
        if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
            first = next(i for i, (a, b) in enumerate(zip(expected, actual, strict=True)) if a != b)
            return [f"{where}[{first}]: {expected[first]!r} -> {actual[first]!r}"]
        return [f"{where}: {expected!r} -> {actual!r}"]
    return []


if __name__ == "__main__":
    write_all()

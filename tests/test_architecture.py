"""The layers say what they are (docs/architecture.md); these checks keep them so."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cxsim"


def _imports(path: Path) -> set[str]:
    """Every cxsim module ``path`` imports, at run time or for type checking."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cxsim"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("cxsim")}
    return found


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).glob("*.py"))


@pytest.mark.parametrize("path", _modules("mechanisms"), ids=lambda p: p.stem)
def test_mechanisms_are_formulas_that_import_no_model_agent_or_part(path):
    allowed = ("cxsim.mechanisms", "cxsim.units", "cxsim.scenario")
    assert {m for m in _imports(path) if not m.startswith(allowed)} == set()


def test_mechanisms_hold_no_stateful_classes():
    """Only frozen dataclasses and enums: a class with state belongs to a part or station."""
    for path in _modules("mechanisms"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                frozen = any(
                    isinstance(d, ast.Call)
                    and any(
                        k.arg == "frozen" and getattr(k.value, "value", False) for k in d.keywords
                    )
                    for d in node.decorator_list
                )
                enum = any(getattr(b, "id", "") == "Enum" for b in node.bases)
                assert frozen or enum, f"{path.name}: {node.name}"


def test_records_depend_on_nothing_above_them():
    assert _imports(PACKAGE / "records.py") == set()


@pytest.mark.parametrize("path", _modules("agents"), ids=lambda p: p.stem)
def test_agents_reach_the_organisation_only_through_the_parts_they_are_handed(path):
    """``self.model`` is Mesa's registration; agents never read the model or the scenario."""
    text = path.read_text()
    assert ".model." not in text and "params." not in text
    assert "cxsim.model" not in _imports(path)


def test_the_model_only_wires_and_runs_the_day():
    tree = ast.parse((PACKAGE / "model.py").read_text())
    model = next(n for n in tree.body if isinstance(n, ast.ClassDef))
    assert model.end_lineno - model.lineno < 300


def test_the_package_reads_no_files_by_repository_layout_and_switches_no_backend():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        assert "parents[" not in text, path
        assert "matplotlib.use(" not in text, path

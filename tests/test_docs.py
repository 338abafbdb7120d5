"""The documentation stays in step with the code."""

from pathlib import Path

from cxsim.report.parameters import END, START, parameter_markdown
from cxsim.scenario import parameter_table

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "odd.md"


def test_odd_parameter_table_matches_the_schema():
    text = ODD.read_text()
    table = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert table == parameter_markdown(), (
        "docs/odd.md is stale: run python -m cxsim.report.parameters docs/odd.md"
    )
    for row in parameter_table():
        assert f"`{row['key']}`" in table


def test_odd_describes_every_mechanism_module():
    text = ODD.read_text()
    modules = sorted(
        p.name for p in (ROOT / "cxsim" / "mechanisms").glob("*.py") if p.name != "__init__.py"
    )
    missing = [m for m in modules if f"`{m}`" not in text and f"mechanisms/{m}" not in text]
    assert not missing


def test_readme_documents_every_headline_kpi():
    from cxsim.kpis import HEADLINE

    readme = (ROOT / "README.md").read_text()
    assert all(f"`{key}`" in readme for key, _, _ in HEADLINE)


def test_every_image_a_document_shows_exists() -> None:
    import re

    for doc in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for target in re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", doc.read_text()):
            assert (doc.parent / target).is_file(), f"{doc.name}: {target}"

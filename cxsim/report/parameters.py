"""The parameter table of the documentation, generated from the scenario schema.

``python -m cxsim.report.parameters docs/odd.md`` rewrites the table between the markers
``<!-- parameters:start -->`` and ``<!-- parameters:end -->``; a test fails when it is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cxsim.scenario import parameter_table

__all__ = ["parameter_markdown", "update_document", "START", "END", "PER_ITEM"]

START, END = "<!-- parameters:start -->", "<!-- parameters:end -->"
PER_ITEM = "each item:"  # prefix of a default that applies to each item of an empty list


def _cell(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple):  # of numbers or texts (lists of blocks are per item)
        return " / ".join(map(_cell, value)) if value else "[]"
    return str(value).replace("|", "\\|")


def _default_cell(row: dict[str, object]) -> str:
    """The baseline's value; for a list the baseline leaves empty, a new item's default."""
    if not row.get("per_item"):
        return _cell(row["default"])
    return f"{PER_ITEM} {'required' if row.get('required') else _cell(row['default'])}"


def parameter_markdown() -> str:
    """Markdown table: key, default (the baseline), unit, range, description."""
    lines = ["| key | baseline | unit | range | description |", "|---|---|---|---|---|"]
    lines += [
        f"| `{r['key']}` | {_default_cell(r)} | {r['unit']} | {r['range']} | "
        f"{_cell(r['description'])} |"
        for r in parameter_table()
    ]
    return "\n".join(lines)


def update_document(path: Path) -> bool:
    """Rewrite the table in ``path``; return True if it changed."""
    text = path.read_text()
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    updated = f"{head}{START}\n{parameter_markdown()}\n{END}{tail}"
    path.write_text(updated)
    return updated != text


if __name__ == "__main__":  # pragma: no cover
    for name in sys.argv[1:]:
        print(f"{name}: {'updated' if update_document(Path(name)) else 'up to date'}")

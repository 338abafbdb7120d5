"""The documentation stays in step with the code."""

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from cxsim.report.parameters import END, PER_ITEM, START, parameter_markdown
from cxsim.scenario import Scenario, parameter_table

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


# --- defaults and key paths quoted in the documentation ------------------------------------
#
# The parameter table of docs/odd.md is generated, but the generator can be wrong (it once
# showed the Channel class's defaults for channels.email, and zeros for the hiring profiles),
# and prose, tables and YAML snippets elsewhere quote defaults by hand. These tests read every
# such claim out of README.md and docs/*.md and hold it against Scenario() itself.

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
REQUIRED = "required"  # a field an item must give (no default)
FILE_SUFFIXES = {"py", "yaml", "yml", "md", "csv", "json", "parquet", "png", "html", "txt"}
KEY_TOKEN = re.compile(r"(?<![\w./-])[a-z_]+(?:\[\])?(?:\.(?:[a-z_]+|\d+)(?:\[\])?)+\*?")
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
INLINE = re.compile(r"`([^`\n]+)`")


@dataclass(frozen=True)
class Resolved:
    """What the schema says about one key path."""

    exists: bool
    leaf: bool = False  # a parameter, not a block or a list
    per_item: bool = False  # inside a list the baseline leaves empty: a new item's default
    value: Any = None  # the default; a list of them across a list's items


def resolve(key: str) -> Resolved:
    """The schema default at ``a.b``, ``a[].b`` or ``a.0.b`` (list items by ``[]`` or index)."""
    parts = [p for p in re.split(r"\.|(\[\])", re.sub(r"\.(\d+)(?=\.|$)", "[]", key)) if p]
    model: type[BaseModel] = Scenario
    values: list[Any] | None = [Scenario()]  # the block's values; None: a new list item's
    over_list = False  # values are the items of a list
    while parts:
        name = parts.pop(0)
        field = model.model_fields.get(name)
        if field is None:
            return Resolved(False)
        annotation, item = field.annotation, next(iter(get_args(field.annotation)), None)
        here = None if values is None else [getattr(v, name) for v in values]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model, values = annotation, here
        elif (
            isinstance(item, type)
            and issubclass(item, BaseModel)
            and type(None) not in get_args(annotation)  # a block or null: a parameter
        ):
            if not parts:
                return Resolved(True)  # the list itself
            if parts.pop(0) != "[]":
                return Resolved(False)
            items = [x for listed in here or [] for x in listed]
            model, values, over_list = item, items or None, True
        elif parts:
            return Resolved(False)  # a parameter has no keys inside it
        elif here is None:
            default = field.get_default(call_default_factory=True)
            return Resolved(True, True, True, REQUIRED if default is PydanticUndefined else default)
        else:
            return Resolved(True, True, False, here if over_list else here[0])
    return Resolved(True)  # a block


@cache
def leaf_keys() -> dict[str, list[str]]:
    """Every parameter's key path by its last name (to read a bare name in prose)."""
    keys: dict[str, list[str]] = {}
    for row in parameter_table():
        keys.setdefault(row["key"].rsplit(".", 1)[-1], []).append(row["key"])
    return keys


def scenario_key(name: str) -> str | None:
    """``name`` as a scenario key path: itself if dotted, else the one parameter so named."""
    if "." in name or "[" in name:
        return name if name.split(".")[0].split("[")[0] in Scenario.model_fields else None
    matches = leaf_keys().get(name, [])
    return matches[0] if len(matches) == 1 else None


def doc_value(text: str) -> Any:
    """A value as the documentation writes it: null, true/false, numbers (perhaps with a unit
    and a gloss after them: '730 days, two years'), 'a / b / c' for a list's items."""
    text = text.strip().strip("`").strip().rstrip(".,")
    if " / " in text:
        return [doc_value(part) for part in text.split(" / ")]
    if text.lower() in ("null", "~"):
        return None
    if text in ("[]", "()"):
        return []
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    number = re.match(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[-+]?\d+)?(?![\w.:-])", text)
    return float(number.group(0).replace(",", "")) if number else text


def same(claimed: Any, default: Any) -> bool:
    """Whether a value read from the documentation is the schema's default."""
    if isinstance(default, list | tuple):
        return (
            isinstance(claimed, list)
            and len(claimed) == len(default)
            and all(map(same, claimed, default))
        )
    if isinstance(default, bool) or default is None:
        return claimed is default
    if isinstance(default, int | float):
        return isinstance(claimed, float) and math.isclose(claimed, default, abs_tol=1e-12)
    return claimed == str(default)


def _prose(text: str) -> str:
    """The text outside code fences (each fence left as its blank lines: line numbers hold)."""
    return FENCE.sub(lambda fence: "\n" * fence.group(0).count("\n"), text)


def table_claims(text: str) -> Iterator[tuple[int, str, str]]:
    """(line, key, value) from every Markdown table with a 'default' or 'baseline' column.

    A bare name counts as a key only in a table of keys or parameters (a KPI table's 'baseline'
    column is a result, not a default).
    """
    lines = text.splitlines()
    for n, line in enumerate(lines[:-1]):
        if not (line.startswith("|") and re.match(r"^\|[-:| ]+\|$", lines[n + 1])):
            continue
        header = [c.strip().lower() for c in line.strip("|").split("|")]
        column = next((i for i, c in enumerate(header) if c in ("default", "baseline")), None)
        if column is None:
            continue
        of_keys = header[0] in ("key", "parameter")
        for m, row in enumerate(lines[n + 2 :], n + 3):
            if not row.startswith("|"):
                break
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", row.strip().strip("|"))]
            key = re.fullmatch(r"`([^`]+)`", cells[0])
            if key and column < len(cells) and (of_keys or "." in key.group(1)):
                yield m, key.group(1), cells[column]


PROSE_CLAIMS = [  # anywhere: `key` (default V), `key` defaults to V
    re.compile(r"`(?P<key>[^`\s]+)`\s*\((?:default|baseline)(?: value)?:?\s+(?P<value>[^)]+)\)"),
    re.compile(r"`(?P<key>[^`\s]+)`\s+defaults to\s+(?P<value>`[^`]+`|[^\s,;)]+)"),
]
CONTEXT_CLAIMS = [  # in a sentence that speaks of the baseline or defaults: (`key` V), `key: V`
    re.compile(r"\(`(?P<key>[^`\s:]+)`\s+(?P<value>[^\s,;)`]+)\)"),
    re.compile(r"`(?P<key>[^`\s:]+):\s+(?P<value>[^`]+)`"),
]


def prose_claims(text: str) -> Iterator[tuple[int, str, str]]:
    """(line, key, value) for every default stated in prose."""
    # tables are read by table_claims; a list item is a paragraph of its own
    prose, at = re.sub(r"(?m)^\|.*$", "", _prose(text)), 0
    for paragraph in re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.)\s)", prose):
        at = prose.find(paragraph, at)
        line = prose[:at].count("\n") + 1
        flat = " ".join(paragraph.split())
        for pattern in PROSE_CLAIMS:
            for match in pattern.finditer(flat):
                yield line, match["key"], match["value"]
        for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z(`*])", flat):
            if re.search(r"\b(baseline|defaults?)\b", sentence, re.I):
                for pattern in CONTEXT_CLAIMS:
                    for match in pattern.finditer(sentence):
                        yield line, match["key"], match["value"]


def yaml_claims(text: str) -> Iterator[tuple[int, str, str]]:
    """(line, key, value) for YAML lines commented as defaults, in snippets of scenarios."""
    for fence in FENCE.finditer(text):
        body = fence.group(1)
        tops = re.findall(r"^([a-z_]+):", body, re.M)
        if not tops or not set(tops) <= set(Scenario.model_fields) | {"extends"}:
            continue
        start = text[: fence.start(1)].count("\n") + 1
        stack: list[tuple[int, str]] = []
        for offset, line in enumerate(body.splitlines()):
            m = re.match(r"^(\s*)([a-z_]+):\s*([^#]*?)\s*(#.*)?$", line)
            if not m:
                continue
            indent, name, value, comment = len(m[1]), m[2], m[3], m[4] or ""
            stack = [(i, n) for i, n in stack if i < indent] + [(indent, name)]
            if value and re.search(r"#\s*(?:the\s+)?(?:default|baseline)\b|\(default", comment):
                yield start + offset, ".".join(n for _, n in stack), value


def default_claims() -> Iterator[tuple[str, str, str]]:
    """(where, key path, value as written) for every default the documentation states."""
    for doc in DOCS:
        text = doc.read_text()
        for finder in (table_claims, prose_claims, yaml_claims):
            for line, name, value in finder(text):
                key = scenario_key(name)
                if key is not None:
                    yield f"{doc.relative_to(ROOT)}:{line}", key, value


def test_every_default_the_documentation_states_is_the_schemas():
    wrong, checked = [], 0
    for where, key, written in default_claims():
        found = resolve(key)
        if not found.exists or not found.leaf:
            wrong.append(f"{where}: {key} is not a scenario parameter")
            continue
        claimed_per_item = written.startswith(PER_ITEM)
        text = written.removeprefix(PER_ITEM).strip()
        claimed = REQUIRED if text == REQUIRED else doc_value(text)
        checked += 1
        if claimed_per_item != found.per_item or not same(claimed, found.value):
            expected = f"{PER_ITEM} {found.value}" if found.per_item else found.value
            wrong.append(f"{where}: {key} says {written!r}, the schema's default is {expected!r}")
    assert checked >= len(parameter_table()), "the parameter table of docs/odd.md was not read"
    assert not wrong, "\n".join(wrong)


def test_documented_defaults_are_read_from_tables_prose_and_yaml():
    text = """
| key | default | unit |
|---|---|---|
| `contact_centre.agents` | 3 | agents |

In the baseline agents may grant little (`empowerment_limit` 50); `contact_centre.aht_minutes`
(default 10) is the mean handling time.

```yaml
channels:
  email:
    aht_minutes: 15  # default
```
"""
    claims = {
        (scenario_key(name), value)
        for finder in (table_claims, prose_claims, yaml_claims)
        for _, name, value in finder(text)
    }
    assert claims == {
        ("contact_centre.agents", "3"),
        ("frontline.empowerment_limit", "50"),
        ("contact_centre.aht_minutes", "10"),
        ("channels.email.aht_minutes", "15"),
    }
    verdicts = {key: same(doc_value(value), resolve(key).value) for key, value in claims}
    assert verdicts == {
        "contact_centre.agents": False,  # 10
        "frontline.empowerment_limit": True,
        "contact_centre.aht_minutes": True,
        "channels.email.aht_minutes": False,  # 10, not the chat channel's 15
    }


def test_resolve_reads_nested_blocks_lists_and_empty_lists():
    assert resolve("workforce.positions_before") == Resolved(True, True, False, None)
    assert resolve("workforce.profiles.attitude.turnover_multiplier").value == 0.6
    assert resolve("customers.segments[].share").value == [0.15, 0.35, 0.5]
    assert resolve("customers.segments.0.channel_mix.phone").value == [0.8, 0.6, 0.4]
    assert resolve("training.0.days_off_floor") == Resolved(True, True, True, 2.0)
    assert resolve("shocks[].kind") == Resolved(True, True, True, REQUIRED)
    assert resolve("workforce.profiles") == Resolved(True)
    assert not resolve("channels.fax.agents").exists
    assert not resolve("contact_centre.asa_minutes").exists


@cache
def summary_keys() -> frozenset[str]:
    """Dotted key paths of a run's summary.json (the KPIs a document may name)."""
    from cxsim.library import library_scenario
    from cxsim.runner import run_summary
    from cxsim.scenario import load_scenario, with_overrides

    surveys = load_scenario(library_scenario("surveys")).surveys  # their figures are KPIs too
    tiny = with_overrides(Scenario(surveys=surveys), ["horizon.days=7", "customers.initial=20"])

    def walk(value: Any, prefix: str) -> Iterator[str]:
        if isinstance(value, dict):
            for name, inner in value.items():
                yield from walk(inner, f"{prefix}{name}.")
        yield prefix.rstrip(".")

    return frozenset(walk(run_summary(tiny), ""))


def backticked_key_paths() -> Iterator[tuple[str, str]]:
    """(where, token) for every dotted name in backticks or code blocks that starts like a
    scenario key (its first part is a top-level block of the schema).

    A name on a line that shows cxsim refusing it as an unknown key (a deliberate typo) is
    left out; ``a.b_*`` stands for the keys that start so.
    """
    for doc in DOCS:
        text = doc.read_text()
        prose, lines = _prose(text), text.splitlines()
        spans = [(text[: m.start(1)].count("\n"), m.group(1)) for m in FENCE.finditer(text)]
        spans += [(prose[: m.start(1)].count("\n"), m.group(1)) for m in INLINE.finditer(prose)]
        for line, span in spans:
            for token in KEY_TOKEN.finditer(span):
                name = token.group(0)
                parts = name.rstrip("*").replace("[]", "").split(".")
                where = line + span[: token.start()].count("\n")
                if "unknown key" in lines[where]:
                    continue
                if parts[0] in Scenario.model_fields and parts[-1] not in FILE_SUFFIXES:
                    yield f"{doc.relative_to(ROOT)}:{where + 1}", name


def test_every_scenario_key_the_documentation_names_exists():
    def known(name: str) -> bool:
        if name.endswith("*"):
            return any(row["key"].startswith(name[:-1]) for row in parameter_table())
        return resolve(name).exists or name in summary_keys()

    missing = [f"{where}: {name}" for where, name in backticked_key_paths() if not known(name)]
    assert not missing, "no such scenario key (nor KPI):\n" + "\n".join(missing)

"""Reading scenario and experiment files: bounded, plain data, every key's line remembered.

A file is read only if it is a regular file of at most :data:`MAX_FILE_BYTES`, in UTF-8, and
parses with YAML's safe loader (so it never executes code) into a mapping. Before any Python
object is built, the parsed node graph is checked: at most :data:`MAX_NODES` nodes counted with
every alias expanded (a "billion laughs" file is refused without being expanded), nesting at
most :data:`MAX_DEPTH` deep, no recursive alias and no key given twice in one mapping. The line
of every key is kept, so an error can name the file and line that hold the bad value.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cxsim.errors import ScenarioError, excerpt

__all__ = ["Document", "read_document", "MAX_FILE_BYTES", "MAX_NODES", "MAX_DEPTH"]

MAX_FILE_BYTES = 1 << 20  # the shipped baseline, fully commented, is 17 KB
MAX_NODES = 100_000  # values after alias expansion; the baseline has about 400
MAX_DEPTH = 64  # nesting of mappings and lists; scenarios nest 4 deep

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """The mapping in a file and the line (1-based) of each key path in it."""

    path: Path
    data: dict[str, Any]
    lines: dict[Location, int] = field(default_factory=dict)

    def where(self, *key: str | int) -> str:
        """``path:line`` of the key path ``key`` (the file alone where its line is unknown)."""
        line = self.lines.get(key)
        return f"{self.path}:{line}" if line else str(self.path)


def _fail(path: Path, message: str, line: int | None = None) -> ScenarioError:
    return ScenarioError(f"{path}{'' if line is None else f':{line}'}: {message}")


def _read_text(path: Path) -> str:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _fail(path, "file not found") from None
    except (OSError, ValueError) as exc:  # permission, NUL in the name, name too long
        raise _fail(path, f"cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise _fail(path, "is a folder, not a YAML file")
    if not stat.S_ISREG(info.st_mode):
        raise _fail(path, "is not a regular file (a device, pipe or socket)")
    if info.st_size > MAX_FILE_BYTES:
        raise _fail(
            path,
            f"is {info.st_size:,} bytes; scenario and experiment files are at "
            f"most {MAX_FILE_BYTES:,}",
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror or exc})") from None
    if b"\0" in raw:
        raise _fail(path, "is a binary file, not YAML text")
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise _fail(path, f"is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def _expanded_size(
    node: yaml.Node, sizes: dict[int, int], open_nodes: set[int], depth: int, path: Path
) -> int:
    """Nodes under ``node`` with aliases expanded, computed without expanding them."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_nodes:
        raise _fail(path, "an alias refers to itself", node.start_mark.line + 1)
    if depth > MAX_DEPTH:
        raise _fail(path, f"nested deeper than {MAX_DEPTH}", node.start_mark.line + 1)
    open_nodes.add(key)
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    total = 1
    for child in children:
        total += _expanded_size(child, sizes, open_nodes, depth + 1, path)
        if total > MAX_NODES:
            raise _fail(
                path,
                f"holds over {MAX_NODES:,} values once its aliases are "
                "expanded; scenario files are far smaller",
            )
    open_nodes.discard(key)
    sizes[key] = total
    return total


def _key_lines(node: yaml.Node, here: Location, lines: dict[Location, int], path: Path) -> None:
    """Record the line of every key path under ``node``; refuse a key given twice."""
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.setdefault((*here, index), item.start_mark.line + 1)
            _key_lines(item, (*here, index), lines, path)
    elif isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                _key_lines(value_node, here, lines, path)  # '<<' merges keep their lines
                continue
            name, line = key_node.value, key_node.start_mark.line + 1
            if name in seen:
                where = ".".join(map(str, (*here, name)))
                raise _fail(
                    path, f"{where} is given twice (also line {seen[name]}); keep one", line
                )
            seen[name] = line
            lines[(*here, name)] = line
            _key_lines(value_node, (*here, name), lines, path)


def read_document(path: Path, what: str = "a scenario") -> Document:
    """Read the YAML mapping in ``path`` with every guard above; raise ScenarioError."""
    path = Path(path)
    text = _read_text(path)
    loader = None
    try:
        loader = yaml.SafeLoader(text)  # refuses control characters already
        node = loader.get_single_node()
        if node is None:
            raise _fail(
                path,
                f"is empty; {what} file holds keys, e.g. start one with 'extends: baseline.yaml'",
            )
        _expanded_size(node, {}, set(), 0, path)
        if not isinstance(node, yaml.MappingNode):
            raise _fail(
                path,
                f"is not {what} file (expected a mapping of keys such as "
                f"'name:' at the top level, got {node.id})",
            )
        lines: dict[Location, int] = {}
        _key_lines(node, (), lines, path)
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None)
        detail = f": {excerpt(problem, 80)[1:-1]}" if problem else ""
        raise _fail(path, f"not valid YAML{where}{detail}") from None
    except RecursionError:
        raise _fail(path, f"nested deeper than {MAX_DEPTH}") from None
    finally:
        if loader is not None:
            loader.dispose()
    return Document(path, data, lines)

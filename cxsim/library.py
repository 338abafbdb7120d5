"""The scenario and experiment library that ships with cxsim, found wherever cxsim is installed.

In a checkout the library is the top-level ``scenarios/`` and ``experiments/`` folders, which
users read and edit. Installed, they are the packages ``cxsim.scenarios`` and
``cxsim.experiments`` (``setup.py`` maps the folders onto them and ships every ``*.yaml`` file
as package data), so a wheel carries the files and an editable install reads the checkout's.
Every lookup goes through :mod:`importlib.resources`; nothing here knows the repository layout.

The library must lie on the file system, as pip installs it (a wheel is unpacked; an editable
install points at the checkout): scenario files are read with :func:`cxsim.documents.read_document`
and follow ``extends:`` relative to each file, which needs real paths. A library inside a zip
archive is refused with one line rather than unpacked to a temporary folder that would vanish
while the files are still in use.

A *library name* is a file's path below its folder, with ``/`` and without ``.yaml``:
``baseline``, ``validation/erlang_c``, ``calibration/complaints``.

Resolution rules, the same for every command and for ``extends:`` (and an experiment's
``base:``):

- a file that exists always wins (a folder is not a file);
- otherwise a library name, with or without ``.yaml``, is the library's file;
- otherwise the error is one line: the path was not found, it is no library name, the closest
  name if one is close, and every library name.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from cxsim.documents import read_document
from cxsim.errors import CxsimError, ScenarioError, excerpt

__all__ = [
    "LibraryFile",
    "SCENARIOS_PACKAGE",
    "EXPERIMENTS_PACKAGE",
    "scenario_folder",
    "experiment_folder",
    "library_scenarios",
    "library_experiments",
    "library_scenario",
    "library_experiment",
    "find_library_scenario",
    "validation_scenario",
    "calibration_scenario",
    "library_name",
    "scenario_argument",
    "experiment_argument",
    "targets_argument",
    "library_targets",
    "referenced_scenario",
    "missing_scenario",
    "describe_library",
]

SCENARIOS_PACKAGE = "cxsim.scenarios"
EXPERIMENTS_PACKAGE = "cxsim.experiments"
SUFFIXES = (".yaml", ".yml")
CALIBRATE = "calibrate"  # the experiments' sub-folder of targets files (cxsim calibrate)


@cache
def _folder(package: str) -> Path:
    """The folder of a library package, as a real path (see the module's note)."""
    try:
        root = resources.files(package)
    except ModuleNotFoundError:
        raise CxsimError(
            f"cxsim's library ({package}) is not installed; reinstall cxsim "
            "(pip install . or, in a checkout, pip install -e .)"
        ) from None
    if not isinstance(root, Path) or not root.is_dir():
        raise CxsimError(
            f"cxsim's library ({package}) is not a folder on disk ({root}); install cxsim with "
            "pip, which unpacks it"
        )
    return root


def scenario_folder() -> Path:
    """The folder of the library's scenario files (``scenarios/`` in a checkout)."""
    return _folder(SCENARIOS_PACKAGE)


def experiment_folder() -> Path:
    """The folder of the library's experiment files (``experiments/`` in a checkout)."""
    return _folder(EXPERIMENTS_PACKAGE)


def _names(folder: Path) -> dict[str, Path]:
    """Library name -> file, top-level files first, then each sub-folder's, by name."""
    files = [p for p in folder.rglob("*") if p.suffix in SUFFIXES and p.is_file()]
    named = {p.relative_to(folder).with_suffix("").as_posix(): p for p in files}
    return {name: named[name] for name in sorted(named, key=lambda n: (n.count("/"), n))}


def library_scenarios() -> list[str]:
    """Every library scenario's name: ``baseline``, ..., ``validation/erlang_c``."""
    return list(_names(scenario_folder()))


def library_experiments() -> list[str]:
    """Every library experiment's name: ``empowerment_by_supervisors``, ..."""
    return [n for n in _names(experiment_folder()) if not n.startswith(f"{CALIBRATE}/")]


def library_targets() -> list[str]:
    """Every library targets file's name (``cxsim calibrate``): ``example_client``, ..."""
    prefix = f"{CALIBRATE}/"
    return [n.removeprefix(prefix) for n in _names(experiment_folder()) if n.startswith(prefix)]


def library_name(text: str | os.PathLike[str]) -> str:
    """``text`` as a library name would be written: ``/`` between parts, no ``.yaml``."""
    name = os.fspath(text).replace("\\", "/")
    for suffix in SUFFIXES:
        name = name.removesuffix(suffix)
    return name


def _lookup(folder: Path, text: str | os.PathLike[str]) -> Path | None:
    return _names(folder).get(library_name(text))


def _closest(text: str | os.PathLike[str], names: list[str]) -> str | None:
    name = library_name(text)
    for candidate in (name, name.rsplit("/", 1)[-1]):
        close = difflib.get_close_matches(candidate, names, n=1, cutoff=0.6)
        if close:
            return close[0]
    return None


def _close_sibling(path: Path) -> str | None:
    """A YAML file in ``path``'s folder whose name is close to ``path``'s (a typo), if any."""
    try:
        siblings = [p.name for p in path.parent.iterdir() if p.suffix in (".yaml", ".yml")]
    except OSError:
        return None
    close = difflib.get_close_matches(path.name, siblings, n=1, cutoff=0.8)
    return close[0] if close else None


def _not_in_library(
    path: str | os.PathLike[str], text: str | os.PathLike[str], kind: str, suffix: str = ""
) -> str:
    """The message for a path that is no file and names no library file.

    A relative name (``baselin``, ``validation/erlang``) is told the library's names and the
    closest one; a path that could never be a library name (absolute, or with ``..``) only the
    library file its last part is close to, if any.
    """
    beside = _close_sibling(Path(path))
    if beside is not None:
        return f"{path}: file not found; did you mean {beside} (in the same folder)?"
    names = {
        "scenario": library_scenarios,
        "experiment": library_experiments,
        "targets file": library_targets,
    }[kind]()
    name = library_name(text)
    close = _closest(text, names)
    if Path(name).is_absolute() or ".." in name.split("/"):
        hint = f"; did you mean the library {kind} {close}{suffix}?" if close else ""
        return f"{path}: file not found{hint}"
    hint = f"; did you mean {close}{suffix}?" if close else ""
    listing = "cxsim scenarios describes them" if kind == "scenario" else "shipped with cxsim"
    return (
        f"{path}: file not found, and no library {kind} is called {excerpt(name, 60)[1:-1]}"
        f"{hint} (library {kind}s: {', '.join(names)}; {listing})"
    )


def _library_file(folder: Path, name: str, kind: str) -> Path:
    path = _lookup(folder, name)
    if path is None:
        raise ScenarioError(_not_in_library(name, name, kind))
    return path


def library_scenario(name: str) -> Path:
    """The library scenario called ``name`` (``baseline``, ``validation/erlang_c.yaml``).

    A real path (see the module's note), so :func:`cxsim.scenario.load_scenario` reads it and
    its ``extends:`` chain directly. Raises :class:`ScenarioError` for an unknown name.
    """
    return _library_file(scenario_folder(), name, "scenario")


def find_library_scenario(text: str | os.PathLike[str]) -> Path | None:
    """The library scenario that ``text`` names (``baseline``, ``baseline.yaml``), or None."""
    return _lookup(scenario_folder(), text)


def library_experiment(name: str) -> Path:
    """The library experiment called ``name``, as a real path; ScenarioError if unknown."""
    return _library_file(experiment_folder(), name, "experiment")


def validation_scenario(name: str) -> Path:
    """The queueing validation scenario ``name`` (``erlang_c``): ``validation/<name>``."""
    return library_scenario(f"validation/{name}")


def calibration_scenario(name: str) -> Path:
    """The calibration scenario ``name`` (``complaints``): ``calibration/<name>``."""
    return library_scenario(f"calibration/{name}")


def _kind(path: Path) -> str | None:
    """What is at ``path``: ``"folder"``, ``"other"`` or None (nothing).

    ``"other"`` is a file, or a path the reader must explain (no permission, a NUL in the name).
    """
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError):
        return "other"
    return "folder" if path.is_dir() else "other"


def _resolve(candidate: Path, text: str | os.PathLike[str], folder: Path) -> Path | None:
    """``candidate`` unless it is a folder or missing, else the library's ``text``.

    A folder that names no library file is returned, for the reader to say it is a folder;
    None means nothing is there and the library has no such name.
    """
    kind = _kind(candidate)
    if kind == "other":
        return candidate
    library = _lookup(folder, text)
    if library is not None:
        return library
    return candidate if kind == "folder" else None


def scenario_argument(path: str | os.PathLike[str]) -> Path:
    """The scenario file a command's argument names: the file if it exists, else the library's.

    ``cxsim run baseline`` (or ``baseline.yaml``) runs the library's baseline from any folder,
    unless a file of that name is where the command runs. Raises :class:`ScenarioError` (one
    line, with the library's names) when neither exists.
    """
    resolved = _resolve(Path(path), path, scenario_folder())
    if resolved is None:
        raise ScenarioError(_not_in_library(path, path, "scenario"))
    return resolved


def experiment_argument(path: str | os.PathLike[str]) -> Path:
    """The experiment file an argument names: the file if it exists, else the library's."""
    resolved = _resolve(Path(path), path, experiment_folder())
    if resolved is None:
        raise ScenarioError(_not_in_library(path, path, "experiment"))
    return resolved


def targets_argument(path: str | os.PathLike[str]) -> Path:
    """The targets file an argument names: the file if it exists, else the library's.

    Library targets files (``example_client``) lie in the experiments' ``calibrate/`` folder.
    """
    name = f"{CALIBRATE}/{library_name(path)}"
    resolved = _resolve(Path(path), name, experiment_folder())
    if resolved is None:
        raise ScenarioError(_not_in_library(path, path, "targets file"))
    return resolved


def referenced_scenario(folder: Path, reference: str) -> Path | None:
    """The scenario an ``extends:`` or ``base:`` in a file in ``folder`` names, or None.

    The file beside it if there is one, else the library's; None if neither exists.
    A consultant's ``clients/acme/today.yaml`` with ``extends: baseline.yaml`` extends
    ``clients/acme/baseline.yaml`` if there is one, else the library's baseline.
    """
    return _resolve(folder / reference, reference, scenario_folder())


def missing_scenario(path: Path, reference: str) -> str:
    """The one-line message for a ``reference`` that :func:`referenced_scenario` did not find.

    ``path`` is where it was looked for beside the file; a close library name is suggested
    in the form an ``extends:`` takes (``baseline.yaml``).
    """
    return _not_in_library(path, reference, "scenario", ".yaml")


@dataclass(frozen=True, slots=True)
class LibraryFile:
    """One library scenario: its name, its file and its one-line description."""

    name: str
    path: Path
    description: str


def describe_library() -> list[LibraryFile]:
    """Every library scenario with the ``description:`` its file gives (read, never run)."""
    entries = []
    for name, path in _names(scenario_folder()).items():
        try:
            description = read_document(path).data.get("description", "")
        except ScenarioError as exc:  # never in a shipped library; said rather than hidden
            description = f"(unreadable: {exc})"
        entries.append(LibraryFile(name, path, " ".join(str(description).split())))
    return entries

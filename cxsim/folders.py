"""Where cxsim writes: folders it owns, files it owns in shared folders, names made safe.

cxsim never destroys what it did not make:

- A results folder (``run``, ``compare``, ``sweep``, ``analyse``) carries a marker file,
  :data:`MARKER`, written by cxsim. An existing folder without it that is not empty is refused
  before any work. The marker lists every file cxsim wrote there, with its SHA-256; a marked
  folder of the same kind that holds anything else, or a listed file changed since (notes, a
  notebook, an edited table), is refused before any work too, and checked again just before
  the swap. Otherwise it is replaced atomically: the new results
  are complete on disk in a staging folder beside it, then the two are swapped in one
  ``renameat2(RENAME_EXCHANGE)`` call (Linux), and only then are the old results removed. A
  kill at any moment leaves the complete old or the complete new results under the name.
  Where the exchange call is missing, two renames are made and the next start restores the
  newest complete results if a kill fell between them.
- Files written into a folder cxsim does not own (``validate`` into ``docs/``, ``bench`` into
  ``benchmarks/``) are listed with their SHA-256 in that folder's :data:`OWNED_LIST`; an
  existing file is replaced only if that list says cxsim wrote it and it is unchanged since.
- Names are labels, not paths: every file or folder name made from user text goes through
  :func:`slug` (safe characters, bounded length), and :func:`unique_labels` makes the labels
  of one run unique for the tables and the file names alike.

Staging folders of killed runs are removed (or restored, see above) at the next start; a
staging folder is only ever touched when its marker says cxsim made it and the process that
made it is gone.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cxsim.errors import OutputError

__all__ = [
    "MARKER",
    "OWNED_LIST",
    "slug",
    "unique_labels",
    "check_results_folder",
    "replaced_folder",
    "new_folder",
    "is_results_folder",
    "clean_stale_staging",
    "check_owned_files",
    "owned_files",
    "write_text_atomically",
    "folder_kind",
    "check_location",
    "check_replaceable",
]

MARKER = ".cxsim"  # JSON: made_by, kind, state, pid, host, target, created; files once complete
OWNED_LIST = ".cxsim-files.json"  # files cxsim wrote into a shared folder, with their hashes
STAGING = ".cxsim-staging-"
SLUG_LENGTH = 64
FREE_SPACE_MARGIN = 50 * 2**20  # bytes left over after a run's estimated output
_RENAME_EXCHANGE, _AT_FDCWD = 2, -100


def slug(text: str, max_length: int = SLUG_LENGTH) -> str:
    """``text`` as a safe file name: letters and digits of any script, ``_.-``; bounded.

    No separator, no leading dot. A name with no letter or digit is ``unnamed-`` and a short
    hash of it, so that two names never share a results folder by their slug.

    >>> slug("../Acme: today/2026")
    'Acme-today-2026'
    >>> slug("Société Générale / 日本")
    'Société-Générale-日本'
    """
    safe = re.sub(r"[^\w.-]+", "-", unicodedata.normalize("NFKC", text))
    safe = re.sub(r"-{2,}", "-", safe).strip("-._")[:max_length].rstrip("-._")
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return safe or f"unnamed-{digest}"


def _prefix(name: str) -> str:
    """The first 100 bytes of ``name`` at most, in whole characters.

    A temporary name made from it stays within the file system's 255 bytes in any script.
    """
    return name.encode("utf-8", "surrogateescape")[:100].decode("utf-8", "ignore")


def unique_labels(names: Sequence[str]) -> list[tuple[str, str]]:
    """``(label, slug)`` per name: repeats become ``name-2``, ``name-3``; slugs unique too.

    Slugs are compared ignoring case (file systems that fold case would merge them).
    """
    labels: set[str] = set()
    slugs: set[str] = set()
    result = []
    for name in names:
        base, count = slug(name), 1
        label, safe = name, base
        while label in labels or safe.lower() in slugs:
            count += 1
            suffix = f"-{count}"
            label, safe = f"{name}{suffix}", f"{base[: SLUG_LENGTH - len(suffix)]}{suffix}"
        labels.add(label)
        slugs.add(safe.lower())
        result.append((label, safe))
    return result


def _read_marker(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("made_by") == "cxsim" else None


def folder_kind(folder: Path) -> str | None:
    """The kind of results in ``folder`` if cxsim made it (``run``, ``compare``...), else None."""
    marker = _read_marker(folder)
    return None if marker is None else str(marker.get("kind"))


def is_results_folder(folder: Path, kind: str) -> bool:
    """Whether ``folder`` holds complete cxsim results of ``kind``."""
    marker = _read_marker(folder)
    return marker is not None and marker.get("kind") == kind and marker.get("state") == "complete"


def _write_marker(
    folder: Path, kind: str, state: str, target: str, files: dict[str, str] | None = None
) -> None:
    from cxsim import __version__

    marker: dict[str, Any] = {
        "made_by": "cxsim",
        "kind": kind,
        "state": state,
        "version": __version__,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "target": target,
        "created": time.time(),
    }
    if files is not None:
        marker["files"] = files
    write_text_atomically(folder / MARKER, json.dumps(marker) + "\n")


def _contents(folder: Path) -> dict[str, str]:
    """Everything below ``folder`` but its marker: relative path -> SHA-256 (a folder: "dir")."""
    contents = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if name == MARKER:
            continue
        if path.is_symlink():
            contents[name] = "link:" + os.readlink(path)
        else:
            contents[name] = "dir" if path.is_dir() else _sha256(path)
    return contents


def _check_only_cxsim_files(out: Path) -> None:
    """Refuse to replace ``out`` if it holds anything its marker does not list as written."""
    listed = (_read_marker(out) or {}).get("files")
    if not isinstance(listed, dict):
        raise OutputError(
            f"--out {out}: was made by an earlier cxsim that did not list its files, so "
            "cxsim cannot tell them from yours; nothing was written. Remove it yourself or "
            "give another folder"
        )
    foreign = [name for name, digest in _contents(out).items() if listed.get(name) != digest]
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if foreign[3:] else "")
        raise OutputError(
            f"--out {out}: holds {shown}, not written by cxsim or changed since; nothing was "
            "written. Move them away or give another folder"
        )


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place.

    The file gets the permissions of any new file (``0o666`` less the umask), not the
    owner-only ones of a temporary file: results and reports are for sharing.
    """
    partial = path.parent / f".{_prefix(path.name)}.{secrets.token_hex(6)}.tmp"
    handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _shared(mode: int) -> int:
    """``mode`` less the process's umask: what ``mkdir`` or ``open`` would have made."""
    umask = os.umask(0)
    os.umask(umask)
    return mode & ~umask


def _first_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_location(out: Path, needed_bytes: int) -> Path:
    """``out`` made absolute, after the checks every output location needs."""
    text = str(out)
    if "\0" in text:
        raise OutputError(f"--out {text!r}: a path cannot hold a NUL character")
    if any(len(os.fsencode(part)) > 255 for part in out.parts):
        raise OutputError(f"--out {text[:60]}...: a folder name is over 255 bytes")
    out = Path(os.path.abspath(out))
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: is a file, not a folder")
    existing = _first_existing(out.parent)
    if not existing.is_dir():
        raise OutputError(f"--out {out}: is below {existing}, which is a file")
    try:  # a real probe: permission bits say nothing to root or about read-only mounts
        Path(tempfile.mkdtemp(prefix=".cxsim-probe-", dir=existing)).rmdir()
    except OSError as exc:
        raise OutputError(f"--out {out}: {existing} is not writable ({exc.strerror})") from None
    free = shutil.disk_usage(existing).free
    if needed_bytes and free < needed_bytes + FREE_SPACE_MARGIN:
        raise OutputError(
            f"--out {out}: needs about {_megabytes(needed_bytes)} of disk, "
            f"{_megabytes(free)} free on that disk"
        )
    return out


def _megabytes(size: float) -> str:
    return f"{size / 2**20:,.0f} MB"


def check_replaceable(out: Path) -> None:
    """Refuse an ``out`` (absolute) that cxsim cannot replace by renaming a folder into place.

    Results are made in a folder beside ``out`` and renamed into place, ``out`` removed or
    swapped out first: the working folder (or one holding it) would vanish under the process
    and the user's shell, and a symbolic link would be replaced, the folder it points to
    emptied through it, or the results lost after the work (a link to nothing).
    """
    if out.is_symlink():
        raise OutputError(
            f"--out {out}: is a symbolic link (to {os.readlink(out)}); give the folder itself "
            "or a new one"
        )
    here = Path.cwd().resolve()
    if out.resolve() == here or out.resolve() in here.parents or out == Path(out.anchor):
        raise OutputError(
            f"--out {out}: is the working folder or holds it; "
            "give a new folder, e.g. results/<name>"
        )


def check_results_folder(out: Path, kind: str, needed_bytes: int = 0) -> Path:
    """Check, before any work, that results of ``kind`` may be written to ``out``.

    ``out`` may be missing, an empty folder or a complete cxsim folder of the same ``kind``
    holding only the files cxsim wrote there, unchanged (it is then replaced). Returns the
    absolute path; raises :class:`OutputError`.
    """
    out = check_location(Path(out), needed_bytes)
    check_replaceable(out)
    if out.is_dir():
        clean_stale_staging(out.parent)
        found = folder_kind(out)
        if found is None and any(out.iterdir()):
            raise OutputError(
                f"--out {out}: is not empty and was not made by cxsim "
                f"(no {MARKER} file); nothing was written. Give a new or empty "
                "folder"
            )
        if found is not None and found != kind:
            raise OutputError(
                f"--out {out}: holds cxsim {found} results, not {kind} results; give another folder"
            )
        if found is not None:
            _check_only_cxsim_files(out)
    elif out.parent.is_dir():
        clean_stale_staging(out.parent)
    return out


def _staging_folder(parent: Path, name: str, kind: str) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{_prefix(name)}{STAGING}", dir=parent))
    _write_marker(staging, kind, "staging", name)
    return staging


@contextmanager
def replaced_folder(out: Path, kind: str) -> Iterator[Path]:
    """A staging folder that replaces ``out`` atomically if the block succeeds.

    Call :func:`check_results_folder` before the work; it is checked again here, since the
    folder may have changed while the model ran.
    """
    out = check_results_folder(out, kind)
    staging = _staging_folder(out.parent, out.name, kind)
    try:
        yield staging
        _write_marker(staging, kind, "complete", out.name, files=_contents(staging))
        staging.chmod(_shared(0o777))  # mkdtemp makes it private; results are for sharing
        _move_into_place(staging, out)
    except BaseException:
        _remove_tree(staging)
        raise


@contextmanager
def new_folder(out: Path, kind: str) -> Iterator[Path]:
    """A staging folder moved to ``out`` (missing or empty) when the block succeeds."""
    out = Path(os.path.abspath(out))
    staging = _staging_folder(out.parent, out.name, kind)
    try:
        yield staging
        _write_marker(staging, kind, "complete", out.name)
        staging.chmod(_shared(0o777))
        if out.is_dir():
            out.rmdir()  # refuses (OSError) if something appeared in it meanwhile
        staging.rename(out)
    except BaseException:
        _remove_tree(staging)
        raise


def _move_into_place(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    if folder_kind(out) is None:  # the empty folder check_results_folder allowed
        out.rmdir()
        staging.rename(out)
        return
    _check_only_cxsim_files(out)  # nothing added while the model ran
    if _exchange(staging, out):
        old = staging  # the swap put the old results here
    else:  # two renames; a kill between them is repaired by clean_stale_staging
        old = Path(tempfile.mkdtemp(prefix=f".{_prefix(out.name)}{STAGING}", dir=out.parent))
        old.rmdir()
        out.rename(old)
        staging.rename(out)
    _write_marker(old, "trash", "trash", out.name)
    _remove_tree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one system call (Linux ``renameat2``); False where unavailable."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return done == 0


def _remove_tree(folder: Path) -> None:
    """Remove a folder cxsim made, its marker last, so a kill never leaves it unmarked.

    A symbolic link in its place is removed itself, never what it points to.
    """
    if folder.is_symlink():
        folder.unlink()
        return
    if not folder.exists():
        return
    for child in folder.iterdir():
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    (folder / MARKER).unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:
        pass


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_staging(parent: Path) -> None:
    """Remove staging folders in ``parent`` left by killed cxsim runs (restore if needed).

    Only folders whose marker says cxsim made them on this host, by a process that is gone,
    are touched. Complete results whose target name is missing (a kill between the two
    renames of the fallback) are moved back under that name.
    """
    host, restorable = socket.gethostname(), {}
    for folder in sorted(parent.glob(f".*{STAGING}*")):
        marker = _read_marker(folder) if folder.is_dir() and not folder.is_symlink() else None
        if marker is None or marker.get("host") != host:
            continue
        if _process_alive(int(marker.get("pid", 0))):
            continue  # still being written, or being removed by the run that swapped it out
        target = parent / str(marker.get("target", ""))
        if marker.get("state") == "complete" and not target.exists() and target != parent:
            best = restorable.get(target)
            if best is None or marker.get("created", 0) > best[1]:
                restorable[target] = (folder, marker.get("created", 0))
            continue
        _remove_tree(folder)
    for target, (folder, _) in restorable.items():
        folder.rename(target)
    if restorable:  # older complete copies of a restored target are stale now
        clean_stale_staging(parent)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _owned(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / OWNED_LIST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return files if isinstance(files, dict) else {}


def check_owned_files(folder: Path, names: Iterable[str], needed_bytes: int = 0) -> Path:
    """Check, before any work, that cxsim may write ``names`` into ``folder``.

    A file that exists may be replaced only if :data:`OWNED_LIST` records that cxsim wrote
    it and its content is unchanged since. Returns the absolute folder.
    """
    folder = check_location(Path(folder), needed_bytes)
    owned = _owned(folder)
    for name in names:
        path = folder / name
        if path.is_dir():
            raise OutputError(f"--out {folder}: {name} is a folder where cxsim writes a file")
        if path.exists() and owned.get(name) != _sha256(path):
            why = (
                "was edited since cxsim wrote it"
                if name in owned
                else f"was not written by cxsim (not in {OWNED_LIST})"
            )
            raise OutputError(
                f"--out {folder}: {name} {why}; nothing was written. Move it "
                "away or give another folder"
            )
    if folder.is_dir():
        clean_stale_staging(folder)
    return folder


@contextmanager
def owned_files(folder: Path, names: Sequence[str]) -> Iterator[Path]:
    """A staging folder; its files ``names`` replace those in ``folder`` when the block ends.

    Each file is renamed into place (atomic per file) and recorded in :data:`OWNED_LIST`.
    """
    folder = check_owned_files(folder, names)
    staging = _staging_folder(folder, "files", "files")
    try:
        yield staging
        missing = [n for n in names if not (staging / n).is_file()]
        if missing:
            raise RuntimeError(f"cxsim wrote none of {missing}")  # a bug, not bad input
        check_owned_files(folder, names)
        owned = _owned(folder)
        for name in names:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            owned[name] = _sha256(staging / name)
            os.replace(staging / name, folder / name)
        write_text_atomically(
            folder / OWNED_LIST,
            json.dumps({"made_by": "cxsim", "files": dict(sorted(owned.items()))}, indent=1) + "\n",
        )
    finally:
        _remove_tree(staging)

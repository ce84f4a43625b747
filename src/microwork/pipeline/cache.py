"""The execution cache: when a chapter's cached execution may be reused, and proof that it was not altered.

A chapter's cache entry is a folder ``_build/.cache/chapters/<chapter>/`` with the executed notebook, its
figures and ``record.json``. The record holds:

- ``key``: the hash of what the chapter does (its cells and tags, its parameters, the code its kernel imports,
  the pinned environment, the Python version);
- ``data_files``: every file the chapter read, by path relative to the project, with the SHA-256 of the bytes
  it read (taken as they were read, not after the chapter ran);
- ``outputs``: the SHA-256 of every file of the entry.

An entry is reused only when all three still hold. Anything else (no record, an unreadable record, another key,
a data file changed, an output edited, truncated or missing) means the chapter is executed again; the reason is
given in one line.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from ..analysis.notebooks import read_notebook, source_of

RECORD = "record.json"
CODE_FILES = ["pyproject.toml", "requirements.lock"]
# What chapter kernels import: the analysis room and the package's own __init__ (its version). A change anywhere
# else in src/ (the pipeline, the CLI) re-renders the book but re-executes nothing.
EXECUTED_CODE = ("__init__.py", "analysis")


def digest(parts: list[bytes]) -> str:
    """SHA-256 over several byte strings."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(hashlib.sha256(part).digest())
    return hasher.hexdigest()


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def notebook_digest(path: Path) -> str:
    """Hash of what a notebook does: its cells' types, sources and tags (not outputs)."""
    notebook = read_notebook(path)
    cells = [[c["cell_type"], source_of(c), c.get("metadata", {}).get("tags", [])] for c in notebook["cells"]]
    return digest([json.dumps([cells, notebook.get("metadata", {}).get("kernelspec")], sort_keys=True).encode()])


def editions() -> tuple[str, ...]:
    """The languages a build makes (see :func:`microwork.analysis.language.editions`)."""
    from ..analysis.language import editions as made

    return made()


def code_digest(root: Path, for_execution: bool = False) -> str:
    """Hash of the package code and the pinned environment (only what kernels import, :data:`EXECUTED_CODE`, if
    ``for_execution``)."""
    package = root / "src" / "microwork"
    files = [f for f in sorted(package.rglob("*")) if f.is_file() and "__pycache__" not in f.parts
             and (not for_execution or f.relative_to(package).parts[0] in EXECUTED_CODE)]
    files += [root / name for name in CODE_FILES if (root / name).is_file()]
    parts = [str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() for f in files]
    # The Python version too (a new interpreter re-executes), and the editions made (see analysis.language).
    return digest(parts + [sys.version.encode(), ",".join(editions()).encode()])


def execution_key(notebook: Path, parameters: dict, code: str) -> str:
    """The cache key of a chapter, before the data it reads is taken into account."""
    return digest([notebook_digest(notebook).encode(), json.dumps(parameters, sort_keys=True).encode(), code.encode()])


def project_path(path: str, root: Path) -> str:
    """A path as the record stores it: relative to the project when inside it (so a copied project checks its
    own files), absolute otherwise."""
    resolved = Path(path).resolve()
    return resolved.relative_to(root.resolve()).as_posix() if resolved.is_relative_to(root.resolve()) else str(resolved)


def output_hashes(entry: Path) -> dict[str, str]:
    """The SHA-256 of every file of a cache entry except its record, by path relative to the entry."""
    return {p.relative_to(entry).as_posix(): sha256_of(p)
            for p in sorted(entry.rglob("*")) if p.is_file() and p.name != RECORD}


def write_record(entry: Path, key: str, parameters: dict, data_files: dict[str, str], root: Path) -> None:
    """Write the entry's ``record.json`` (see the module docstring); call it once the entry's files are final."""
    record = {"key": key, "parameters": parameters,
              "data_files": {project_path(p, root): h for p, h in data_files.items()},
              "outputs": output_hashes(entry)}
    (entry / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")


def changed_data(data_files: dict[str, str], root: Path) -> list[str]:
    """The recorded data files whose content now differs from what was read (or that are gone)."""
    changed = []
    for path, recorded in data_files.items():
        file = root / path
        if not file.is_file() or sha256_of(file) != recorded:
            changed.append(path)
    return changed


def why_not_reusable(entry: Path, key: str, root: Path) -> str | None:
    """None when the cached execution in ``entry`` can be reused; otherwise why not, in a few words."""
    path = entry / RECORD
    if not path.is_file():
        return "no cached execution" if not entry.exists() else "its cache record is missing"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        data_files, outputs = dict(record["data_files"]), dict(record["outputs"])
        recorded_key = record["key"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return "its cache record is unreadable"
    if recorded_key != key:
        return "its notebook, parameters or code changed"
    if changed := changed_data(data_files, root):
        return f"{changed[0]} changed" + (f" (and {len(changed) - 1} more)" if len(changed) > 1 else "")
    actual = output_hashes(entry)
    if altered := sorted(name for name in set(outputs) | set(actual) if outputs.get(name) != actual.get(name)):
        return f"its cached output {altered[0]} was altered or is missing"
    return None

"""Load the book's data package, validated against its schemas.

Every chapter reads its tables through :func:`load_table`, so every number in
the book comes from a file that passed its schema. When the environment
variable ``MICROWORK_READ_LOG`` names a file, each table read is appended to it:
the build uses this to know which data files a chapter depends on. The hash logged is the
hash of the bytes actually read (not of the file as it is after the chapter ran), so a file
edited while a chapter executes is noticed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from .paths import data_dir, project_root
from .validate import DataValidationError, Problem, validate_table

PANDAS_TYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "object", "date": "object"}


def read_logged(path: Path) -> bytes:
    """Read a file's bytes and log the read with the SHA-256 of exactly these bytes (see :func:`record_read`)."""
    raw = path.read_bytes()
    record_read(path, hashlib.sha256(raw).hexdigest())
    return raw


def read_descriptor(folder: Path | None = None) -> dict[str, Any]:
    """Return the parsed ``datapackage.json``."""
    path = (folder or data_dir()) / "datapackage.json"
    try:
        return json.loads(read_logged(path).decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        if isinstance(error, UnicodeDecodeError):
            raise DataValidationError([Problem("data/datapackage.json", None, None, "encoding",
                                               "the file is not valid UTF-8")]) from None
        problem = Problem("data/datapackage.json", error.lineno, None, "json", f"invalid JSON: {error.msg}")
        raise DataValidationError([problem]) from None


def bibliography_keys(path: Path | None = None) -> set[str]:
    """Return the entry keys of ``references.bib``."""
    path = path or project_root() / "references.bib"
    text = read_logged(path).decode("utf-8")
    return set(re.findall(r"^@\w+\s*\{\s*([^,\s]+)\s*,", text, flags=re.M))


def resource(name: str, folder: Path | None = None) -> dict[str, Any]:
    """Return the descriptor of one resource (table) of the data package."""
    for item in read_descriptor(folder)["resources"]:
        if item["name"] == name:
            return item
    known = ", ".join(r["name"] for r in read_descriptor(folder)["resources"])
    raise KeyError(f"no table '{name}' in data/datapackage.json (tables: {known})")


def file_sha256(path: Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_read(path: Path, sha256: str) -> None:
    """Append ``SHA-256  path`` to the file named by ``MICROWORK_READ_LOG``, when the build set it."""
    log = os.environ.get("MICROWORK_READ_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{sha256}  {path.resolve()}\n")


def read_table(descriptor: dict[str, Any], folder: Path) -> tuple[list[dict[str, Any]], str]:
    """Read and validate one resource's file; return its typed rows and the SHA-256 of the bytes read."""
    path = folder / descriptor["path"]
    try:
        raw = read_logged(path)
    except FileNotFoundError:
        raise DataValidationError([Problem(f"data/{descriptor['path']}", None, None, "file exists",
                                           "the file is missing")]) from None
    rows = validate_table(path, descriptor["schema"], bibliography_keys(folder.parent / "references.bib"),
                          name=f"data/{descriptor['path']}", raw=raw)
    return rows, hashlib.sha256(raw).hexdigest()


def load_table(name: str, folder: Path | None = None) -> pd.DataFrame:
    """Load one table of the data package as a DataFrame, after validating it.

    Raises :class:`~microwork.validate.DataValidationError` naming the file, row,
    column and rule of every problem.
    """
    folder = folder or data_dir()
    descriptor = resource(name, folder)
    rows, sha256 = read_table(descriptor, folder)
    frame = pd.DataFrame(rows, columns=[f["name"] for f in descriptor["schema"]["fields"]])
    for field in descriptor["schema"]["fields"]:
        frame[field["name"]] = frame[field["name"]].astype(PANDAS_TYPES[field.get("type", "string")])
    frame.attrs.update(table=name, path=f"data/{descriptor['path']}", sha256=sha256)
    return frame


def check_package(folder: Path | None = None) -> dict[str, int]:
    """Validate every table of the package; return the row count of each.

    All problems of all tables are reported together.
    """
    folder = folder or data_dir()
    counts: dict[str, int] = {}
    problems: list[Problem] = []
    keys = bibliography_keys(folder.parent / "references.bib")
    for item in read_descriptor(folder)["resources"]:
        try:
            counts[item["name"]] = len(validate_table(folder / item["path"], item["schema"], keys,
                                                      name=f"data/{item['path']}"))
        except DataValidationError as error:
            problems.extend(error.problems)
    if problems:
        raise DataValidationError(problems)
    return counts



"""Load the book's data package, validated against its schemas.

Every chapter reads its tables through :func:`load_table`, so every number in
the book comes from a file that passed its schema. When the environment
variable ``MICROWORK_READ_LOG`` names a file, each table read is appended to it:
the build uses this to know which data files a chapter depends on.
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


def read_descriptor(folder: Path | None = None) -> dict[str, Any]:
    """Return the parsed ``datapackage.json``."""
    path = (folder or data_dir()) / "datapackage.json"
    record_reads([path])
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        problem = Problem("datapackage.json", error.lineno, None, "json", f"invalid JSON: {error.msg}")
        raise DataValidationError([problem]) from None


def bibliography_keys(path: Path | None = None) -> set[str]:
    """Return the entry keys of ``references.bib``."""
    path = path or project_root() / "references.bib"
    return set(re.findall(r"^@\w+\s*\{\s*([^,\s]+)\s*,", path.read_text(encoding="utf-8"), flags=re.M))


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


def record_reads(paths: list[Path]) -> None:
    """Append ``paths`` to the file named by ``MICROWORK_READ_LOG``, when the build set it."""
    log = os.environ.get("MICROWORK_READ_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.writelines(f"{p.resolve()}\n" for p in paths)


def log_read(path: Path) -> None:
    """Record that a data file was read, with the descriptor and bibliography it was checked against."""
    record_reads([path, path.parent / "datapackage.json", path.parent.parent / "references.bib"])


def load_table(name: str, folder: Path | None = None) -> pd.DataFrame:
    """Load one table of the data package as a DataFrame, after validating it.

    Raises :class:`~microwork.validate.DataValidationError` naming the file, row,
    column and rule of every problem.
    """
    folder = folder or data_dir()
    descriptor = resource(name, folder)
    path = folder / descriptor["path"]
    rows = validate_table(path, descriptor["schema"], bibliography_keys(folder.parent / "references.bib"),
                          name=f"data/{descriptor['path']}")
    log_read(path)
    frame = pd.DataFrame(rows, columns=[f["name"] for f in descriptor["schema"]["fields"]])
    for field in descriptor["schema"]["fields"]:
        frame[field["name"]] = frame[field["name"]].astype(PANDAS_TYPES[field.get("type", "string")])
    frame.attrs.update(table=name, path=f"data/{descriptor['path']}", sha256=file_sha256(path))
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



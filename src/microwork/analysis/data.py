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
import unicodedata
from collections.abc import Callable
from pathlib import Path
from string import ascii_lowercase
from typing import Any

import pandas as pd

from . import language
from .paths import data_dir, project_root
from .bibliography import bibliography_problems
from .meaning import MAX_TABLE_BYTES, Units
from .descriptor import DESCRIPTOR, referenced_resources, validate_descriptor
from .validate import (MAX_PROBLEMS, DataValidationError, Problem, check_table, size_problem, table_problems,
                       validate_table)

PANDAS_TYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "object", "date": "object"}


def read_logged(path: Path) -> bytes:
    """Read a file's bytes and log the read with the SHA-256 of exactly these bytes (see :func:`record_read`)."""
    raw = path.read_bytes()
    record_read(path, hashlib.sha256(raw).hexdigest())
    return raw


def parse_descriptor(path: Path) -> Any:
    """Read (logged) and parse ``datapackage.json``; raise :class:`DataValidationError` if it is not JSON."""
    try:
        return json.loads(read_logged(path).decode("utf-8"))
    except FileNotFoundError:
        raise DataValidationError([Problem(DESCRIPTOR, None, None, "file exists", "the file is missing")]) from None
    except UnicodeDecodeError:
        raise DataValidationError([Problem(DESCRIPTOR, None, None, "encoding",
                                           "the file is not valid UTF-8")]) from None
    except json.JSONDecodeError as error:
        raise DataValidationError([Problem(DESCRIPTOR, error.lineno, None, "json",
                                           f"invalid JSON: {error.msg}")]) from None
    except RecursionError:
        raise DataValidationError([Problem(DESCRIPTOR, None, None, "json", "the JSON is nested too deeply")]) from None


def read_descriptor(folder: Path | None = None) -> dict[str, Any]:
    """Return the parsed ``datapackage.json``, checked (see :func:`~microwork.descriptor.validate_descriptor`).

    Every reader of the package goes through here, so no table is read through a broken descriptor.
    """
    folder = folder or data_dir()
    descriptor = parse_descriptor(folder / "datapackage.json")
    problems = validate_descriptor(descriptor, folder)
    if problems:
        raise DataValidationError(problems)
    return descriptor


BIBTEX_ENTRY = re.compile(r"^@\w+\s*\{\s*([^,\s]+)\s*,", flags=re.M)


def bibliography_entries(text: str) -> list[str]:
    """The entry keys of a BibTeX text, in order (a key written twice appears twice)."""
    return BIBTEX_ENTRY.findall(text)


BIBTEX_FIELD = re.compile(r"(\w+)\s*=\s*(\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}|\d+|\w+)")
# LaTeX accents as the bibliography writes them ({\'e}, {\"a}) and the Unicode combining mark of each.
LATEX_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "c": "\u0327"}


def latex_to_text(value: str) -> str:
    """A BibTeX field as plain text: accents as letters ({\\'e} is é), TeX quotes as “ ”, emphasis
    (``\\emph{...}``), braces and ``\\&`` escapes removed."""
    accented = re.sub(r"\{?\\([`'^\"~c])\s*\{?(\w)\}?\}?",
                      lambda m: unicodedata.normalize("NFC", m.group(2) + LATEX_ACCENTS[m.group(1)]), value)
    accented = re.sub(r"\\(?:emph|textit|textbf)\s*(?=\{)", "", accented)
    quoted = accented.replace("``", "\u201c").replace("''", "\u201d").replace("\\&", "&")
    return re.sub(r"\s+", " ", quoted.replace("{", "").replace("}", "")).strip()


def bibliography_fields(text: str) -> dict[str, dict[str, str]]:
    """Each entry of a BibTeX text, by key: its fields (lower-case names) as plain text."""
    starts = [(m.start(), m.group(1)) for m in BIBTEX_ENTRY.finditer(text)] + [(len(text), "")]
    entries = {}
    for (start, key), (end, _) in zip(starts, starts[1:]):
        body = text[start:end].split(",", 1)[1] if "," in text[start:end] else ""
        fields = {name.lower(): value for name, value in BIBTEX_FIELD.findall(body)}
        entries[key] = {name: latex_to_text(value.strip("{}") if value.startswith("{") else value)
                        for name, value in fields.items()}
        if is_corporate_name(fields.get("author", "")):
            entries[key]["corporate_author"] = entries[key]["author"]
    return entries


def is_corporate_name(value: str) -> bool:
    """Whether a BibTeX ``author`` value is one name kept whole in a second pair of braces
    (``{{European Parliament and Council of the European Union}}``): an organisation, not people joined by "and"."""
    inner = value[1:-1].strip() if value.startswith("{") and value.endswith("}") else ""
    if not (inner.startswith("{") and inner.endswith("}")):
        return False
    depth = 0
    for index, character in enumerate(inner):
        depth += {"{": 1, "}": -1}.get(character, 0)
        if depth == 0 and index < len(inner) - 1:
            return False
    return True


UNDATED = "n.d."


def cited_name(fields: dict[str, str], between: str = " and ", name: Callable[[str], str] = str) -> str:
    """Who a citation names for an entry of ``references.bib`` (``fields`` as :func:`bibliography_fields` reads
    them): an organisation whole (:func:`is_corporate_name`, through ``name``), one surname or two joined by
    ``between``, the first and "et al." for more; for a work with no author, its ``key`` field (BibTeX's label for a
    work without author: the outlet of a press article, through ``name``), else its title."""
    if fields.get("corporate_author"):
        return name(fields["corporate_author"])
    people = [person.strip() for person in fields.get("author", "").split(" and ") if person.strip()]
    surnames = [person.split(",")[0].strip() for person in people]
    if len(surnames) > 2:
        return f"{surnames[0]} et al."
    if surnames:
        return between.join(surnames)
    return name(fields["key"]) if fields.get("key") else fields.get("title", "")


def cited_years(entries: dict[str, dict[str, str]]) -> dict[str, str]:
    """The year a citation gives each entry: its ``year`` ("n.d." without one), followed by a, b, c… when other
    entries are cited by the same name and year ("Le Ludec et al., 2019a" and "…, 2019b"), in the order of their
    titles (then of their keys)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for key, fields in entries.items():
        groups.setdefault((cited_name(fields).casefold(), fields.get("year", "")), []).append(key)
    years = {}
    for (_, year), keys in groups.items():
        written = year or UNDATED
        if len(keys) == 1:
            years[keys[0]] = written
            continue
        ordered = sorted(keys, key=lambda k: (entries[k].get("title", "").casefold(), k))
        for index, key in enumerate(ordered):
            years[key] = f"{written}{'-' if not year else ''}{ascii_lowercase[index]}"
    return years


def citation_labels(entries: dict[str, dict[str, str]], between: str = " and ",
                    name: Callable[[str], str] = str) -> dict[str, tuple[str, str]]:
    """How the book cites each entry, author-year, by key: (who, year), e.g. ("Le Ludec et al.", "2019a"); see
    :func:`cited_name` and :func:`cited_years`. The list of references and every citation of the book use it."""
    years = cited_years(entries)
    return {key: (cited_name(fields, between, name), years[key]) for key, fields in entries.items()}


def source_labels(path: Path | None = None, marked: bool = True) -> dict[str, str]:
    """The author-year label of every entry of ``references.bib``, by key (what a chart shows for a source):
    "Tubaro and Casilli, 2019a" ("Tubaro et Casilli, 2019a" in the French pass), as its citations write it.

    An organisation's name, and the name a work without author is cited by, are marked for translation in the
    French pass; not when ``marked`` is false, for a label put inside a longer text that is translated whole."""
    path = path or project_root() / "references.bib"
    entries = bibliography_fields(read_logged(path).decode("utf-8"))
    names = citation_labels(entries, language.and_between(), language.words if marked else str)
    return {key: f"{who}, {year}" for key, (who, year) in names.items()}


def bibliography_keys(path: Path | None = None) -> set[str]:
    """Return the entry keys of ``references.bib``."""
    path = path or project_root() / "references.bib"
    return set(bibliography_entries(read_logged(path).decode("utf-8")))


def find_resource(package: dict[str, Any], name: str) -> dict[str, Any]:
    """Return the descriptor of the resource (table) ``name`` of the parsed package descriptor."""
    for item in package["resources"]:
        if item["name"] == name:
            return item
    known = ", ".join(r["name"] for r in package["resources"])
    raise KeyError(f"no table '{name}' in data/datapackage.json (tables: {known})")


def resource(name: str, folder: Path | None = None) -> dict[str, Any]:
    """Return the descriptor of one resource (table) of the data package."""
    return find_resource(read_descriptor(folder), name)


def allowed_values(table: str, field: str, folder: Path | None = None) -> list[str]:
    """The values the data package allows in ``field`` of ``table`` (its ``enum``), in the package's order; none
    when the field has no such list. A chart's legend keeps this order, so a category has the same colour in every
    chart and edition."""
    fields = {f["name"]: f for f in resource(table, folder)["schema"]["fields"]}
    return [str(v) for v in fields[field].get("constraints", {}).get("enum", [])]


def file_sha256(path: Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_read(path: Path, sha256: str) -> None:
    """Append ``SHA-256  path`` to the file named by ``MICROWORK_READ_LOG``, when the build set it."""
    log = os.environ.get("MICROWORK_READ_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{sha256}  {path.resolve()}\n")


def read_table(descriptor: dict[str, Any], folder: Path, references: dict[str, list[dict[str, Any]]] | None = None,
               units: Units | None = None) -> tuple[list[dict[str, Any]], str]:
    """Read and validate one resource's file; return its typed rows and the SHA-256 of the bytes read.

    ``references`` holds the rows of the other tables its ``foreignKeys`` point to, by name (keys into
    tables not given are not checked); ``units``, the package's units and their ranges (``x-units``).
    """
    path = folder / descriptor["path"]
    try:
        if path.stat().st_size > MAX_TABLE_BYTES:  # refused before it is read (validate_table says so)
            raise DataValidationError([size_problem(f"data/{descriptor['path']}", path.stat().st_size)])
        raw = read_logged(path)
    except FileNotFoundError:
        raise DataValidationError([Problem(f"data/{descriptor['path']}", None, None, "file exists",
                                           "the file is missing")]) from None
    rows = validate_table(path, descriptor["schema"], bibliography_keys(folder.parent / "references.bib"),
                          name=f"data/{descriptor['path']}", raw=raw, references=references, units=units)
    return rows, hashlib.sha256(raw).hexdigest()


def load_table(name: str, folder: Path | None = None) -> pd.DataFrame:
    """Load one table of the data package as a DataFrame, after validating it.

    Raises :class:`~microwork.analysis.validate.DataValidationError` naming the file, row,
    column and rule of every problem.
    """
    folder = folder or data_dir()
    package = read_descriptor(folder)
    descriptor = find_resource(package, name)
    units = package.get("x-units", {})
    references = {other: read_table(find_resource(package, other), folder, units=units)[0]
                  for other in referenced_resources(descriptor["schema"])}
    rows, sha256 = read_table(descriptor, folder, references, units)
    frame = pd.DataFrame(rows, columns=[f["name"] for f in descriptor["schema"]["fields"]])
    for field in descriptor["schema"]["fields"]:
        frame[field["name"]] = frame[field["name"]].astype(PANDAS_TYPES[field.get("type", "string")])
    frame.attrs.update(table=name, path=f"data/{descriptor['path']}", sha256=sha256)
    return frame


def check_package(folder: Path | None = None) -> dict[str, int]:
    """Validate the bibliography (:mod:`microwork.analysis.bibliography`) and every table of the package; return the
    row count of each table.

    All problems of all tables are reported together. Foreign keys into another table are checked
    when that table has no problem of its own.
    """
    folder = folder or data_dir()
    package = read_descriptor(folder)
    resources = package["resources"]
    keys = bibliography_keys(folder.parent / "references.bib")
    tables = {item["name"]: check_table(folder / item["path"], item["schema"], keys, name=f"data/{item['path']}",
                                        units=package.get("x-units", {}))
              for item in resources}
    valid = {name: table.rows for name, table in tables.items() if not table.problems}
    problems = bibliography_problems(folder.parent / "references.bib")[:MAX_PROBLEMS]
    problems += [problem for item in resources for problem in table_problems(tables[item["name"]], item["schema"], valid)]
    if problems:
        raise DataValidationError(problems)
    return {name: len(table.rows) for name, table in tables.items()}



"""The data catalogue appendix, generated from ``data/datapackage.json``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .book import cite, code_span, escape_markdown
from .data import read_descriptor, read_table
from .language import counted, date_text, template, words


def constraints_text(field: dict) -> str:
    """A field's constraints in words."""
    words = []
    rules = field.get("constraints", {})
    if rules.get("required"):
        words.append("required")
    if rules.get("unique"):
        words.append("unique")
    if "minimum" in rules:
        words.append(f"≥ {rules['minimum']}")
    if "maximum" in rules:
        words.append(f"≤ {rules['maximum']}")
    if "enum" in rules:
        words.append("one of: " + ", ".join(map(str, rules["enum"])))
    if "pattern" in rules:
        words.append(f"matches the pattern {rules['pattern']}")
    if field.get("x-bibtex-key"):
        words.append("a key of references.bib")
    return "; ".join(words)


def fields_table(resource: dict) -> pd.DataFrame:
    """One row per field of a table, in three columns that fit a phone: the field, its type (with its unit),
    and its description followed by its constraints in words."""
    def about(field: dict) -> str:
        rules = constraints_text(field)
        return field.get("description", "") + (f" ({rules})" if rules else "")

    return pd.DataFrame([{
        "field": f["name"],
        "type": f.get("type", "string") + (f", {f['unit']}" if f.get("unit") else ""),
        "description": about(f),
    } for f in resource["schema"]["fields"]])


def catalogue(folder: Path) -> list[dict]:
    """For each table: its descriptor, row count, hash and the sources its rows cite."""
    entries = []
    package = read_descriptor(folder)
    for resource in package["resources"]:
        rows, sha256 = read_table(resource, folder, units=package.get("x-units", {}))
        source_fields = [f["name"] for f in resource["schema"]["fields"] if f.get("x-bibtex-key")]
        sources = sorted({row[f] for row in rows for f in source_fields if row[f]})
        entries.append({"resource": resource, "rows": len(rows), "sha256": sha256, "sources": sources})
    return entries


def entry_markdown(entry: dict) -> str:
    """One table of the catalogue as Markdown: its title, description, file, size, hash and sources (texts from
    the data package are escaped, and marked for translation in a French pass)."""
    resource = entry["resource"]
    cited = ", ".join(cite(key) for key in entry["sources"]) or words("none")
    facts = template("File {file}: {rows}, SHA-256 {sha}. Sources cited by its rows: {sources}.",
                     file=code_span("data/" + resource["path"]), rows=counted(entry["rows"], "{n} row", "{n} rows"),
                     sha=code_span(entry["sha256"][:16]), sources=cited)
    return (f"## {escape_markdown(words(resource['title']))}\n\n{escape_markdown(words(resource['description']))}\n\n"
            f"{facts}")


def changelog_markdown(entry: dict) -> str:
    """One version of the data package's changelog as Markdown: its number and date as a heading, then its
    changes as a list (escaped, and marked for translation in a French pass)."""
    heading = template("Version {version} ({date})", version=escape_markdown(entry["version"]),
                       date=date_text(entry["date"]))
    return f"## {heading}\n\n" + "\n".join(f"- {escape_markdown(words(change))}" for change in entry["changes"])

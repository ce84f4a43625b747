"""The data catalogue appendix, generated from ``data/datapackage.json``."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .book import cite, code_span, escape_markdown
from .data import read_descriptor, read_logged, read_table
from .language import counted, date_text, template, words

# The archive of the whole package, and the file of checksums, as the catalogue offers them for download.
ARCHIVE = "{name}-{version}.zip"
CHECKSUMS = "SHA256SUMS"
# Every member of the archive has this date (the earliest a zip file can hold): the same files, the same archive.
ARCHIVE_DATE = (1980, 1, 1, 0, 0, 0)


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


def table_label(name: str) -> str:
    """The cross-reference label of a table's section in the catalogue (``data-table-size-tiers``): the charts'
    provenance lines link to it."""
    return "data-table-" + name.replace("_", "-")


def entry_markdown(entry: dict, download: Path | None = None) -> str:
    """One table of the catalogue as Markdown: its title, description, file (a download link when ``download``, the
    copy of the file on the site, is given), size, hash and sources (texts from the data package are escaped, and
    marked for translation in a French pass)."""
    resource = entry["resource"]
    cited = ", ".join(cite(key) for key in entry["sources"]) or words("none")
    file = "data/" + resource["path"]
    link = download_link(file, download) if download is not None else code_span(file)
    facts = template("File {file}: {rows}, SHA-256 {sha}. Sources cited by its rows: {sources}.",
                     file=link, rows=counted(entry["rows"], "{n} row", "{n} rows"),
                     sha=code_span(entry["sha256"][:16]), sources=cited)
    return (f"({table_label(resource['name'])})=\n## {escape_markdown(words(resource['title']))}\n\n"
            f"{escape_markdown(words(resource['description']))}\n\n{facts}")


def download_link(label: str, path: Path) -> str:
    """A ``{download}`` link to ``path`` (relative to the chapter) shown as ``label``: a file name, the same in every
    edition (the characters that would end the role or its target are left out)."""
    text = label.replace("<", "").replace(">", "").replace("`", "")
    return f"{{download}}`{text} <{path.as_posix()}>`"


@dataclass(frozen=True)
class Download:
    """A file of the data package as the site offers it: where its copy is (relative to the chapter), what it is
    called in the package, its size in bytes and the SHA-256 of its bytes."""

    path: Path
    name: str
    size: int
    sha256: str


def package_members(folder: Path) -> list[str]:
    """The files of the data package, relative to the book's root: ``data/datapackage.json``, each table's file in
    the descriptor's order, and the bibliography its rows cite (``references.bib``)."""
    package = read_descriptor(folder)
    tables = [f"data/{resource['path']}" for resource in package["resources"]]
    return ["data/datapackage.json", *tables, "references.bib"]


def write_downloads(folder: Path, into: Path) -> list[Download]:
    """Copy the data package's files (see :func:`package_members`) into ``into``, with one zip archive of them all
    (under a folder named after the package and its version) and a ``SHA256SUMS`` file; return them, the archive
    and the checksums last. The copies are the bytes read (and logged) here, and the checksums are of those bytes."""
    package = read_descriptor(folder)
    into.mkdir(parents=True, exist_ok=True)
    root, members, found = folder.parent, package_members(folder), []
    contents = {member: read_logged(root / member) for member in members}
    for member, content in contents.items():
        copy = into / Path(member).name
        copy.write_bytes(content)
        found.append(Download(copy, member, len(content), hashlib.sha256(content).hexdigest()))
    archive_name = ARCHIVE.format(name=package["name"], version=package["version"])
    archive = into / archive_name
    top = archive_name.removesuffix(".zip")
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for member, content in contents.items():
            info = zipfile.ZipInfo(f"{top}/{member}", date_time=ARCHIVE_DATE)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            bundle.writestr(info, content)
    archived = archive.read_bytes()
    found.append(Download(archive, archive_name, len(archived), hashlib.sha256(archived).hexdigest()))
    sums = "".join(f"{d.sha256}  {d.path.name}\n" for d in found).encode()  # the names the files download as
    (into / CHECKSUMS).write_bytes(sums)
    found.append(Download(into / CHECKSUMS, CHECKSUMS, len(sums), hashlib.sha256(sums).hexdigest()))
    return found


def downloads_markdown(found: list[Download]) -> str:
    """The downloads as a Markdown list: each file as a download link, its size and its full SHA-256 (a reader
    checks a file with ``sha256sum -c SHA256SUMS``)."""
    items = "\n".join(f"- {download_link(d.name, d.path)} ({size_text(d.size)}), SHA\u2011256 {code_span(d.sha256)}"
                      for d in found)  # a non-breaking hyphen: "SHA-" and "256" stay on one line
    return f":::{{container}} mw-package\n{items}\n:::"


def size_text(size: int) -> str:
    """A file's size in kilobytes, one decimal ("12.3 kB"; « 12,3 ko » in French)."""
    return words(f"{size / 1000:.1f}\u00a0kB")  # a no-break space: the number and its unit on one line


def changelog_markdown(entry: dict) -> str:
    """One version of the data package's changelog as Markdown: its number and date as a heading, then its
    changes as a list (escaped, and marked for translation in a French pass)."""
    heading = template("Version {version} ({date})", version=escape_markdown(entry["version"]),
                       date=date_text(entry["date"]))
    return f"## {heading}\n\n" + "\n".join(f"- {escape_markdown(words(change))}" for change in entry["changes"])

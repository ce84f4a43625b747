"""``references.bib`` checked like data, before any kernel starts: it reaches every page (the list of references,
each citation's tooltip), so it is input, not markup.

- It must parse (pybtex, the parser sphinxcontrib-bibtex uses): a syntax error is reported as
  ``references.bib:LINE: …``, not after every chapter has run.
- Every address is a web address: ``url``, ``doi`` and the ``\\url{}`` and ``\\href{}`` of any field may use no
  scheme but http and https (a ``javascript:`` link would run in the reader's browser).
- No field is longer than :data:`MAX_FIELD_LENGTH` characters (a note is copied into every citation's tooltip),
  none holds a control character, and the file has at most :data:`MAX_ENTRIES` entries.

Each problem names the file, the line of the field (or of the entry) and the rule.
"""

from __future__ import annotations

import re
from pathlib import Path

from pybtex.database import BibliographyData, parse_string
from pybtex.exceptions import PybtexError

from .validate import Problem, character_problem

BIBLIOGRAPHY = "references.bib"
MAX_FIELD_LENGTH = 2_000
MAX_ENTRIES = 1_000
WEB_SCHEMES = ("http", "https")
ADDRESS_FIELDS = ("url", "doi")
ADDRESS_COMMANDS = re.compile(r"\\(?:url|href)\s*\{([^{}]*)\}")
SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*)\s*:")
ENTRY_START = re.compile(r"^\s*@\s*\w+\s*[{(]\s*([^,\s]+)\s*,")
FIELD_START = re.compile(r"^\s*([A-Za-z][\w-]*)\s*=")


def field_lines(text: str) -> dict[tuple[str, str | None], int]:
    """The line of each entry (``(key, None)``) and of each of its fields (``(key, field)``), counted from 1."""
    lines: dict[tuple[str, str | None], int] = {}
    key = None
    for number, line in enumerate(text.splitlines(), start=1):
        if entry := ENTRY_START.match(line):
            key = entry.group(1)
            lines.setdefault((key, None), number)
        elif key is not None and (field := FIELD_START.match(line)):
            lines.setdefault((key, field.group(1).lower()), number)
    return lines


def address_problem(address: str) -> str | None:
    """Why an address may not be linked (a scheme other than http or https), or None."""
    scheme = SCHEME.match(address)
    if scheme and scheme.group(1).lower() not in WEB_SCHEMES:
        return (f"the address {address[:60]!r} uses the scheme '{scheme.group(1)}:'; an address in the bibliography "
                "is a web address (http or https)")
    return None


def field_problems(name: str, value: str) -> list[tuple[str, str]]:
    """The (rule, message) pairs one field breaks: its length, its characters, its addresses."""
    if len(value) > MAX_FIELD_LENGTH:
        return [("maxLength", f"the field has {len(value):,} characters, more than {MAX_FIELD_LENGTH:,} (it is "
                              "copied into the tooltip of every citation of the work)")]
    problems = [broken] if (broken := character_problem(value, multiline=True)) else []
    addresses = ([value] if name in ADDRESS_FIELDS else []) + ADDRESS_COMMANDS.findall(value)
    problems += [("web address", reason) for address in addresses if (reason := address_problem(address))]
    return problems


def entries_problems(data: BibliographyData, lines: dict[tuple[str, str | None], int]) -> list[Problem]:
    """The problems of every field (and list of people) of every entry, each at its line."""
    problems = []
    for key, entry in data.entries.items():
        fields = {name.lower(): str(value) for name, value in entry.fields.items()}
        fields |= {role.lower(): " and ".join(map(str, people)) for role, people in entry.persons.items()}
        for name, value in fields.items():
            for rule, message in field_problems(name, value):
                line = lines.get((key, name), lines.get((key, None)))
                problems.append(Problem(BIBLIOGRAPHY, None, None, rule, f"entry {key}, field {name}: {message}", line))
    return problems


def bibliography_problems(path: Path) -> list[Problem]:
    """The problems of the bibliography at ``path`` (none when the book has no bibliography)."""
    if not path.is_file():
        return []
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return [Problem(BIBLIOGRAPHY, None, None, "encoding", f"byte 0x{raw[error.start]:02x} is not UTF-8 (save the "
                                                              "file as UTF-8)", line)]
    lines = field_lines(text)
    try:
        data = parse_string(text, "bibtex")
    except PybtexError as error:
        line = getattr(error, "lineno", None)
        message = str(error).replace(f"syntax error in line {line}: ", "") if line else str(error)
        return [Problem(BIBLIOGRAPHY, None, None, "bibtex", f"BibTeX cannot read it: {message}", line)]
    if len(data.entries) > MAX_ENTRIES:
        return [Problem(BIBLIOGRAPHY, None, None, "entries",
                        f"{len(data.entries):,} entries, more than the project's limit of {MAX_ENTRIES:,}")]
    return entries_problems(data, lines)

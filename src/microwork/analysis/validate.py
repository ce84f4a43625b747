"""Check the data package: its descriptor, and each CSV file against its Frictionless Table Schema.

Only the parts of the Table Schema standard the book uses are implemented:
field types ``string``, ``integer``, ``number``, ``boolean`` and ``date``; the
constraints ``required``, ``unique``, ``minimum``, ``maximum``, ``enum``, ``pattern``,
``minLength`` and ``maxLength``; ``primaryKey``; ``foreignKeys`` (into the same table,
``"resource": ""``, or into another table of the package); and two project rules:
``x-bibtex-key``, the value must be a key of ``references.bib``, and ``x-multiline``,
a field whose cells may hold line breaks (no other field may).

Whatever the file holds, the reader gets a :class:`DataValidationError`, never a Python
traceback: the CSV must be well formed, hold no control character (U+0000-U+001F, U+007F,
U+0080-U+009F; a line break, U+2028 or U+2029 only in an ``x-multiline`` field), no duplicate
column and no cell longer than :data:`MAX_CELL_LENGTH` characters unless the field's ``maxLength``
allows it.

Every problem names the file, the row (as a spreadsheet numbers it: the header
is row 1, and a row whose quoted cell spans several lines is still one row), the column
and the rule that was broken. Problems of ``datapackage.json`` name a JSON path as column.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field as dataclass_field
from pathlib import Path
from typing import Any

from .meaning import (MAX_ROWS, MAX_TABLE_BYTES, Units, calendar_problem, key_fields, key_form, mixed_script_problem,
                      row_problems)

MAX_PROBLEMS = 20
MAX_CELL_LENGTH = 10_000
LINE_BREAKS = "\n\r\u2028\u2029"
REFUSED_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Characters that change how the text around them is shown (right-to-left overrides, isolates, marks): a cell
# "Clickworker" with U+202E reads "Clickrekrow". Refused everywhere; other format characters (Unicode category
# Cf: zero-width spaces, soft hyphens, a byte-order mark) in single-line fields.
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Numbers as people type them into a table: ASCII digits only (Python would also read "١٢" and "1_000").
INTEGER = re.compile(r"-?[0-9]+")
NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CSV_HINTS = {
    "unexpected end of data": "a quoted cell is never closed (a '\"' is missing)",
    "',' expected after '\"'": "a '\"' inside a quoted cell must be written twice (\"\")",
}


@dataclass(frozen=True)
class Problem:
    """One broken rule at one place of one file."""

    file: str
    row: int | None
    column: str | None
    rule: str
    message: str
    line: int | None = None  # a text file's line (references.bib), written file:line as compilers write it

    def __str__(self) -> str:
        where = [self.file if self.line is None else f"{self.file}:{self.line}"]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message} [rule: {self.rule}]"


class DataValidationError(ValueError):
    """Raised when a data file breaks its schema; lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [f"{len(problems)} problem(s) in the data:"] + [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


@dataclass
class CheckedTable:
    """One table as read: its typed rows, the spreadsheet number of each, and the problems found."""

    name: str
    rows: list[dict[str, Any]] = dataclass_field(default_factory=list)
    row_numbers: list[int] = dataclass_field(default_factory=list)
    problems: list[Problem] = dataclass_field(default_factory=list)


# --- cells ---------------------------------------------------------------------------------


def parse_cell(text: str, field: dict[str, Any]) -> Any:
    """Turn a cell's text into a Python value of the field's type.

    Raises ``ValueError`` with a short reason when the text is not of that type.
    """
    kind = field.get("type", "string")
    if kind == "string":
        return text
    if kind == "integer":
        if not INTEGER.fullmatch(text):
            raise ValueError(f"'{text}' is not a whole number written with the digits 0-9 (a minus sign at most)")
        if len(text.lstrip("+-").lstrip("0")) > 18:  # the table's integer column holds 64 bits
            raise ValueError(f"'{text}' is too large a whole number (at most 18 digits)")
        return int(text)
    if kind == "number":
        if not NUMBER.fullmatch(text):
            raise ValueError(f"'{text}' is not a number written with the digits 0-9 and a decimal point "
                             "(a minus sign at most; no exponent, no thousands separator)")
        return float(text)
    if kind == "boolean":
        if text.lower() in ("true", "1", "yes"):
            return True
        if text.lower() in ("false", "0", "no"):
            return False
        raise ValueError(f"'{text}' is not true or false")
    if kind == "date":
        try:
            if not DATE.fullmatch(text):
                raise ValueError
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a date written YYYY-MM-DD") from None
    raise ValueError(f"the schema uses the unsupported type '{kind}'")


def check_constraints(value: Any, field: dict[str, Any]) -> list[tuple[str, str]]:
    """Return the (rule, message) pairs that ``value`` breaks."""
    broken = []
    constraints = field.get("constraints", {})
    if "minimum" in constraints and value < constraints["minimum"]:
        broken.append(("minimum", f"{value} is below the minimum {constraints['minimum']}"))
    if "maximum" in constraints and value > constraints["maximum"]:
        broken.append(("maximum", f"{value} is above the maximum {constraints['maximum']}"))
    if "enum" in constraints and value not in constraints["enum"]:
        allowed = ", ".join(map(str, constraints["enum"]))
        broken.append(("enum", f"'{value}' is not one of: {allowed}"))
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], str(value)):
        broken.append(("pattern", f"'{value}' does not match the pattern {constraints['pattern']}"))
    return broken


def character_problem(cell: str, multiline: bool = False) -> tuple[str, str] | None:
    """Return the (rule, message) of the first character the cell may not hold, or None.

    Control characters are refused (they are invisible, and a NUL kills the Jupyter kernel);
    a line break (U+000A, U+000D, and the line and paragraph separators U+2028, U+2029) only in a
    multi-line field.
    """
    for match in REFUSED_CHARACTERS.finditer(cell):
        char = match.group()
        if char in LINE_BREAKS:
            if multiline:
                continue
            return "single line", (f"the cell holds a line break (U+{ord(char):04X}) but the field is "
                                   "single-line (a field allows line breaks with \"x-multiline\": true)")
        return "control character", (f"the cell holds the control character U+{ord(char):04X} at character "
                                     f"{match.start() + 1} (invisible characters are not allowed: delete it)")
    for index, char in enumerate(cell):
        if char in BIDI_CONTROLS or (not multiline and unicodedata.category(char) == "Cf"):
            return "format character", (f"the cell holds the format character U+{ord(char):04X} "
                                        f"({unicodedata.name(char, 'unnamed')}) at character {index + 1}: it changes "
                                        "how the text is shown without being seen (delete it)")
    from .language import MARK_CHARACTERS

    for index, char in enumerate(cell):
        if char in MARK_CHARACTERS:
            return "private-use character", (f"the cell holds the private-use character U+{ord(char):04X} at "
                                             f"character {index + 1} (the book marks translated text with it: delete it)")
    return None


def length_problem(text: str, field: dict[str, Any]) -> tuple[str, str] | None:
    """Return the (rule, message) of a cell text longer than allowed or shorter than ``minLength``, or None."""
    constraints = field.get("constraints", {})
    longest = constraints.get("maxLength", MAX_CELL_LENGTH)
    if len(text) > longest:
        limit = ("the field's maxLength" if "maxLength" in constraints
                 else "the project's limit for a cell; a field may set another with the constraint maxLength")
        return "maxLength", f"the cell has {len(text):,} characters, more than {longest:,} ({limit})"
    shortest = constraints.get("minLength", 0)
    if len(text) < shortest:
        return "minLength", f"the cell has {len(text)} characters, fewer than the minLength {shortest}"
    return None


def check_cell(cell: str, field: dict[str, Any], bib_keys: set[str] | None) -> tuple[Any, list[tuple[str, str]]]:
    """Return the cell's typed value (None when empty or unreadable) and the (rule, message) pairs it breaks.

    Uniqueness is not checked here: it needs the other rows.
    """
    broken = character_problem(cell, field.get("x-multiline") is True)
    if broken:
        return None, [broken]
    text = cell.strip()
    if text == "":
        return None, [("required", "the cell is empty")] if field.get("constraints", {}).get("required") else []
    broken = length_problem(text, field)
    if broken:
        return None, [broken]
    try:
        value = parse_cell(text, field)
    except ValueError as error:
        return None, [(f"type {field.get('type', 'string')}", str(error))]
    problems = check_constraints(value, field)
    if field.get("x-calendar") and (broken := calendar_problem(text)):
        problems.append(broken)
    if field.get("x-bibtex-key") and bib_keys is not None and value not in bib_keys:
        problems.append(("x-bibtex-key", f"'{value}' is not a key of references.bib"))
    return value, problems


# --- files, rows and header ------------------------------------------------------------------


def read_records(text: str, name: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """Split CSV text into (row number, cells) pairs, the rows numbered as a spreadsheet numbers them.

    A blank line is a row; a quoted cell spanning lines stays in its row. Malformed CSV (a quote
    never closed, text after a closing quote) stops the reading with a problem at the row where it is.
    """
    # The csv module raises past 131,072 characters a field; the project's own limit is length_problem's.
    csv.field_size_limit(max(csv.field_size_limit(), min(len(text) + 1, 2**31 - 1)))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    while True:
        try:
            records.append((len(records) + 1, next(reader)))
        except StopIteration:
            return records, []
        except csv.Error as error:
            hint = CSV_HINTS.get(str(error))
            message = f"the row is not valid CSV: {error}" + (f" ({hint})" if hint else "")
            return records, [Problem(name, len(records) + 1, None, "csv", message)]


def column_name(header: list[str], index: int) -> str:
    """The header's name of the cell at ``index``, or ``#n`` (1-based) beyond the header."""
    return header[index] if index < len(header) else f"#{index + 1}"


def encoding_problem(raw: bytes, error: UnicodeDecodeError, name: str) -> Problem:
    """Locate the first byte that is not UTF-8 in ``raw`` (without its BOM): its row and column."""
    message = f"byte 0x{raw[error.start]:02x} is not valid UTF-8 (the file must be saved as UTF-8)"
    earlier = raw[: error.start].decode("utf-8").count("\ufffd")
    records, _ = read_records(raw.decode("utf-8", errors="replace"), name)
    header = [cell.strip() for cell in records[0][1]] if records else []
    seen = 0
    for number, cells in records:
        for index, cell in enumerate(cells):
            seen += cell.count("\ufffd")
            if seen > earlier:
                return Problem(name, number, column_name(header, index), "encoding", message)
    return Problem(name, raw[: error.start].count(b"\n") + 1, None, "encoding", message)


def decode_utf8(raw: bytes, name: str) -> str:
    """Decode the file's bytes as UTF-8, or raise naming the row and column of the bad byte."""
    body = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataValidationError([encoding_problem(body, error, name)]) from None


def size_problem(name: str, size: int) -> Problem:
    """A table file larger than the project's limit (:data:`~microwork.analysis.meaning.MAX_TABLE_BYTES`)."""
    return Problem(name, None, None, "size", f"the file has {size:,} bytes, more than the project's limit of "
                                             f"{MAX_TABLE_BYTES:,} for a table (microwork.analysis.meaning.MAX_TABLE_BYTES)")


def table_text(path: Path, name: str, raw: bytes | None = None) -> str:
    """Return the text of the table file (``raw``, its bytes when already read); raise if missing, too large (judged
    before reading it) or empty."""
    try:
        size = path.stat().st_size if raw is None else len(raw)
        if size > MAX_TABLE_BYTES:
            raise DataValidationError([size_problem(name, size)])
        raw = path.read_bytes() if raw is None else raw
    except FileNotFoundError:
        raise DataValidationError([Problem(name, None, None, "file exists", "the file is missing")]) from None
    text = decode_utf8(raw, name)
    if not text.strip():
        raise DataValidationError([Problem(name, None, None, "header", "the file is empty: a header row is expected")])
    return text


def header_problems(name: str, cells: list[str], expected: list[str]) -> list[Problem]:
    """Check the header row: no control character or line break, each column once, the schema's columns."""
    problems = [Problem(name, 1, f"#{index + 1}", *broken)
                for index, broken in enumerate(map(character_problem, cells)) if broken]
    header = [cell.strip() for cell in cells]
    for column in dict.fromkeys(header):
        positions = [str(index + 1) for index, cell in enumerate(header) if cell == column]
        if len(positions) > 1:
            problems.append(Problem(
                name, 1, column, "header",
                f"duplicate column: '{column}' appears {len(positions)} times in the header "
                f"(columns {', '.join(positions)}); each column must appear once",
            ))
    for column in expected:
        if column not in header:
            problems.append(Problem(name, 1, column, "header", f"column '{column}' is missing from the header"))
    for column in dict.fromkeys(header):
        if column not in expected:
            problems.append(Problem(
                name, 1, column, "header",
                f"column '{column}' is not in the schema (expected columns: {', '.join(expected)})",
            ))
    return problems


def as_names(names: str | list[str]) -> list[str]:
    """A field list of a schema (``primaryKey``, ``foreignKeys`` fields) as a list of names."""
    return [names] if isinstance(names, str) else list(names)


def first_row(seen: dict[Any, int], value: Any, row_number: int) -> int | None:
    """Return the row where ``value`` was seen before, or None (then remember it is in ``row_number``)."""
    first = seen.setdefault(value, row_number)
    return None if first == row_number else first


def check_rows(table: CheckedTable, header: list[str], records: list[tuple[int, list[str]]],
               schema: dict[str, Any], bib_keys: set[str] | None, units: Units | None = None) -> None:
    """Check the data rows against the schema and what the data means (:mod:`microwork.analysis.meaning`, with
    the package's ``units``); add their typed values and problems to ``table``. Keys are compared in their
    :func:`~microwork.analysis.meaning.key_form`."""
    if len(records) > MAX_ROWS:
        table.problems.append(Problem(table.name, MAX_ROWS + 2, None, "rows", (
            f"the table has {len(records):,} rows, more than the project's limit of {MAX_ROWS:,} "
            "(microwork.analysis.meaning.MAX_ROWS)")))
        return
    by_name = {f["name"]: f for f in schema["fields"]}
    keys = key_fields(schema)
    unique: dict[str, dict[Any, int]] = {f["name"]: {} for f in schema["fields"]
                                         if f.get("constraints", {}).get("unique")}
    primary = as_names(schema.get("primaryKey", []))
    seen_keys: dict[tuple, int] = {}
    for row_number, cells in records:
        if all(not c.strip(" ") for c in cells):  # a blank row; tabs and other controls are refused
            continue
        if len(cells) != len(header):
            table.problems.append(Problem(table.name, row_number, None, "row length",
                                          f"the row has {len(cells)} cells but the header has {len(header)}"))
            continue
        record: dict[str, Any] = {}
        for column, cell in zip(header, cells):
            value, broken = check_cell(cell, by_name[column], bib_keys)
            if column in keys and isinstance(value, str) and (mixed := mixed_script_problem(value)):
                broken.append(mixed)
            table.problems += [Problem(table.name, row_number, column, rule, message) for rule, message in broken]
            earlier = (first_row(unique[column], key_form(value), row_number)
                       if value is not None and column in unique else None)
            if earlier is not None:
                table.problems.append(Problem(table.name, row_number, column, "unique",
                                              f"'{value}' already appears in row {earlier}"))
            record[column] = value
        table.problems += [Problem(table.name, row_number, column, rule, message)
                           for column, rule, message in row_problems(record, schema["fields"], units or {})]
        if primary:
            key = tuple(key_form(record.get(k)) for k in primary)
            earlier = first_row(seen_keys, key, row_number)
            if earlier is not None:
                shown = tuple(record.get(k) for k in primary)
                table.problems.append(Problem(table.name, row_number, ",".join(primary), "primaryKey",
                                              f"key {shown} already appears in row {earlier} (keys are compared "
                                              "without case and Unicode variants)"))
        table.rows.append(record)
        table.row_numbers.append(row_number)
        if len(table.problems) >= MAX_PROBLEMS:
            break


def foreign_key_problems(table: CheckedTable, schema: dict[str, Any],
                         targets: Mapping[str, list[dict[str, Any]]]) -> list[Problem]:
    """Check the schema's ``foreignKeys`` into the tables of ``targets`` (rows by resource name; ``""`` is this table).

    Every value of the referring fields (when none is empty) must be a value of the referenced fields.
    Keys into tables that ``targets`` does not hold are not checked.
    """
    problems = []
    for key in schema.get("foreignKeys", []):
        resource = key["reference"].get("resource", "")
        if resource not in targets:
            continue
        columns, referenced = as_names(key["fields"]), as_names(key["reference"]["fields"])
        known = {tuple(row.get(f) for f in referenced) for row in targets[resource]}
        owner = "this table" if resource == "" else f"the table '{resource}'"
        for row, row_number in zip(table.rows, table.row_numbers):
            value = tuple(row.get(column) for column in columns)
            if None not in value and value not in known:
                shown = ", ".join(map(str, value))
                problems.append(Problem(table.name, row_number, ",".join(columns), "foreignKey",
                                        f"'{shown}' is not a {', '.join(referenced)} of {owner}"))
    return problems


def check_table(path: Path, schema: dict[str, Any], bib_keys: set[str] | None = None, name: str | None = None,
                raw: bytes | None = None, units: Units | None = None) -> CheckedTable:
    """Read ``path`` (or take its bytes ``raw``) and check it against ``schema`` and the package's ``units``, except
    for foreign keys into other tables (see :func:`foreign_key_problems`). Problems are returned in the result,
    not raised.
    """
    table = CheckedTable(name or path.name)
    try:
        text = table_text(path, table.name, raw)
    except DataValidationError as error:
        table.problems = error.problems
        return table
    records, csv_problems = read_records(text, table.name)
    header_cells = records[0][1] if records else []
    table.problems = header_problems(table.name, header_cells, [f["name"] for f in schema["fields"]]) if records else []
    if not table.problems:
        check_rows(table, [cell.strip() for cell in header_cells], records[1:], schema, bib_keys, units)
        table.problems += foreign_key_problems(table, schema, {"": table.rows})
    table.problems = (table.problems + csv_problems)[:MAX_PROBLEMS]
    if not table.problems and not table.rows:
        table.problems = [Problem(table.name, None, None, "rows", "the file has a header but no data rows")]
    return table


def table_problems(table: CheckedTable, schema: dict[str, Any],
                   references: Mapping[str, list[dict[str, Any]]]) -> list[Problem]:
    """All problems of a checked table: its own, or (when it has none) those of its keys into ``references``."""
    return (table.problems or foreign_key_problems(table, schema, references))[:MAX_PROBLEMS]


def validate_table(
    path: Path, schema: dict[str, Any], bib_keys: set[str] | None = None, name: str | None = None,
    raw: bytes | None = None, references: Mapping[str, list[dict[str, Any]]] | None = None,
    units: Units | None = None,
) -> list[dict[str, Any]]:
    """Read ``path`` (or take its bytes ``raw``, already read) and check it against ``schema`` and the package's
    ``units``; return its rows as typed dicts. ``references`` holds the rows of the other tables its
    ``foreignKeys`` point to, by name.

    Raises :class:`DataValidationError` listing every problem (up to a limit).
    """
    table = check_table(path, schema, bib_keys, name, raw, units)
    problems = table_problems(table, schema, references or {})
    if problems:
        raise DataValidationError(problems)
    return table.rows

"""Check a CSV file against its Frictionless Table Schema.

Only the parts of the Table Schema standard the book uses are implemented:
field types ``string``, ``integer``, ``number``, ``boolean`` and ``date``; the
constraints ``required``, ``unique``, ``minimum``, ``maximum``, ``enum`` and
``pattern``; ``primaryKey``; and one project rule, ``x-bibtex-key``: the value
must be a key of ``references.bib``.

Every problem names the file, the row (as a spreadsheet numbers it: the header
is row 1), the column and the rule that was broken.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Problem:
    """One broken rule at one place of one file."""

    file: str
    row: int | None
    column: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = [self.file]
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


def parse_cell(text: str, field: dict[str, Any]) -> Any:
    """Turn a cell's text into a Python value of the field's type.

    Raises ``ValueError`` with a short reason when the text is not of that type.
    """
    kind = field.get("type", "string")
    if kind == "string":
        return text
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError(f"'{text}' is not a whole number")
        return int(text)
    if kind == "number":
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a number") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"'{text}' is not a finite number")
        return value
    if kind == "boolean":
        if text.lower() in ("true", "1", "yes"):
            return True
        if text.lower() in ("false", "0", "no"):
            return False
        raise ValueError(f"'{text}' is not true or false")
    if kind == "date":
        try:
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


def decode_utf8(raw: bytes, name: str) -> str:
    """Decode the file's bytes as UTF-8, or raise naming the row and column of the bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = raw[: error.start].count(b"\n") + 1
        lines = raw.decode("utf-8", errors="replace").splitlines()
        column = None
        header = next(csv.reader([lines[0]]), []) if lines else []
        cells = next(csv.reader([lines[row - 1]]), []) if row - 1 < len(lines) else []
        for index, cell in enumerate(cells):
            if "\ufffd" in cell:
                column = header[index] if index < len(header) else f"#{index + 1}"
                break
        problem = Problem(
            name, row, column, "encoding",
            f"byte 0x{raw[error.start]:02x} is not valid UTF-8 (the file must be saved as UTF-8)",
        )
        raise DataValidationError([problem]) from None


def self_reference_problems(
    name: str, schema: dict[str, Any], rows: list[dict[str, Any]], row_numbers: list[int]
) -> list[Problem]:
    """Check the schema's ``foreignKeys`` that point into the same table (``"resource": ""``).

    Every non-empty value of the referring field must be a value of the referenced field.
    """
    problems = []
    for key in schema.get("foreignKeys", []):
        reference = key.get("reference", {})
        if reference.get("resource", "") != "":
            continue
        column, target = key["fields"], reference["fields"]
        known = {row.get(target) for row in rows}
        for row, number in zip(rows, row_numbers):
            value = row.get(column)
            if value is not None and value not in known:
                problems.append(Problem(name, number, column, "foreignKey",
                                        f"'{value}' is not a {target} of this table"))
    return problems


def validate_table(
    path: Path, schema: dict[str, Any], bib_keys: set[str] | None = None, name: str | None = None,
    raw: bytes | None = None,
) -> list[dict[str, Any]]:
    """Read ``path`` (or take its bytes ``raw``, already read) and check it against ``schema``; return its rows
    as typed dicts.

    Raises :class:`DataValidationError` listing every problem (up to a limit).
    """
    name = name or path.name
    try:
        raw = path.read_bytes() if raw is None else raw
    except FileNotFoundError:
        raise DataValidationError([Problem(name, None, None, "file exists", "the file is missing")]) from None
    text = decode_utf8(raw, name)
    if not text.strip():
        raise DataValidationError([Problem(name, None, None, "header", "the file is empty: a header row is expected")])

    fields = schema["fields"]
    expected = [f["name"] for f in fields]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    problems: list[Problem] = []
    for column in expected:
        if column not in header:
            problems.append(Problem(name, 1, column, "header", f"column '{column}' is missing from the header"))
    for column in header:
        if column not in expected:
            problems.append(Problem(
                name, 1, column, "header",
                f"column '{column}' is not in the schema (expected columns: {', '.join(expected)})",
            ))
    if problems:
        raise DataValidationError(problems)

    by_name = {f["name"]: f for f in fields}
    rows: list[dict[str, Any]] = []
    seen: dict[str, dict[Any, int]] = {f["name"]: {} for f in fields if f.get("constraints", {}).get("unique")}
    key_fields = schema.get("primaryKey", [])
    if isinstance(key_fields, str):
        key_fields = [key_fields]
    seen_keys: dict[tuple, int] = {}
    row_numbers: list[int] = []

    for cells in reader:
        row_number = reader.line_num
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(Problem(
                name, row_number, None, "row length",
                f"the row has {len(cells)} cells but the header has {len(header)}",
            ))
            continue
        record: dict[str, Any] = {}
        for column, cell in zip(header, cells):
            field = by_name[column]
            cell = cell.strip()
            if cell == "":
                if field.get("constraints", {}).get("required"):
                    problems.append(Problem(name, row_number, column, "required", "the cell is empty"))
                record[column] = None
                continue
            try:
                value = parse_cell(cell, field)
            except ValueError as error:
                problems.append(Problem(name, row_number, column, f"type {field.get('type', 'string')}", str(error)))
                record[column] = None
                continue
            for rule, message in check_constraints(value, field):
                problems.append(Problem(name, row_number, column, rule, message))
            if column in seen:
                if value in seen[column]:
                    problems.append(Problem(
                        name, row_number, column, "unique",
                        f"'{value}' already appears in row {seen[column][value]}",
                    ))
                seen[column].setdefault(value, row_number)
            if field.get("x-bibtex-key") and bib_keys is not None and value not in bib_keys:
                problems.append(Problem(
                    name, row_number, column, "x-bibtex-key",
                    f"'{value}' is not a key of references.bib",
                ))
            record[column] = value
        if key_fields:
            key = tuple(record.get(k) for k in key_fields)
            if key in seen_keys:
                problems.append(Problem(
                    name, row_number, ",".join(key_fields), "primaryKey",
                    f"key {key} already appears in row {seen_keys[key]}",
                ))
            seen_keys.setdefault(key, row_number)
        rows.append(record)
        row_numbers.append(row_number)
        if len(problems) >= MAX_PROBLEMS:
            break
    problems += self_reference_problems(name, schema, rows, row_numbers)
    if problems:
        raise DataValidationError(problems[:MAX_PROBLEMS])
    if not rows:
        raise DataValidationError([Problem(name, None, None, "rows", "the file has a header but no data rows")])
    return rows

"""Numbers, labels and columns for people: how the command line shows results, parameters and changes.

One rule for numbers everywhere (``microwork run``, ``microwork params``, ``microwork snapshots``):
whole numbers are shown exactly, with thousands separators from 10,000 up (so that a year or a seed
such as 2019 reads as written); other numbers keep four significant digits (0.1967, 1.199) and never
lose a digit before the decimal point (251,256.69 is shown 251,257).
"""

from __future__ import annotations

import json
import math
import numbers
import re
from pathlib import Path
from typing import Any

SEPARATORS_FROM = 10_000
SIGNIFICANT_DIGITS = 4
# Prefixes of glue names that stand for words (``n_platforms`` is the number of platforms).
PREFIXES = {"n": "number of", "p": "parameter"}


def readable_number(value: float, significant: int | None = SIGNIFICANT_DIGITS,
                    separators_from: float = SEPARATORS_FROM) -> str:
    """A number as a person reads it (see the module docstring).

    With ``significant=None`` a number that is not whole is shown exactly as given (1.27, 0.15):
    for values typed by people, such as parameter defaults. Tables separate thousands from 1,000
    (``separators_from``), so that a column reads the same from top to bottom.
    """
    if isinstance(value, bool) or not math.isfinite(value):
        return str(value)
    separator = "," if abs(value) >= separators_from else ""
    if value == int(value):
        return f"{int(value):{separator}d}"
    if significant is None:
        return f"{value:{separator}}"
    decimals = max(0, significant - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:{separator}.{decimals}f}"
    return text.rstrip("0").rstrip(".") if decimals else text


def is_number(value: Any) -> bool:
    """True for an int or a float (not for True and False)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def readable_value(value: Any, significant: int | None = SIGNIFICANT_DIGITS) -> str:
    """Any glued or declared value as text: numbers by :func:`readable_number`, the rest as written."""
    return readable_number(value, significant) if is_number(value) else str(value)


def label_for(name: str, labels: dict[str, str] | None = None) -> str:
    """A label for people for the value glued as ``name``.

    The chapter's own label wins (see :func:`chapter_labels`); otherwise the name is made readable:
    ``n_platforms`` becomes "number of platforms", ``p_seed`` "parameter seed", ``raw_total`` "raw total".
    """
    if labels and name in labels:
        return labels[name]
    head, _, rest = name.partition("_")
    words = f"{PREFIXES[head]} {rest}" if rest and head in PREFIXES else name
    return words.replace("_", " ").replace("/", " / ")


def labels_file(notebook: Path) -> Path:
    """Where the optional labels of a chapter's glued values are kept: ``chapters/size.labels.txt`` for size."""
    return notebook.with_name(f"{notebook.stem}.labels.txt")


def parse_labels(text: str) -> dict[str, str]:
    """Labels from lines ``glue_name: label`` (blank lines and lines starting with ``#`` are skipped)."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    pairs = [line.partition(":") for line in lines]
    if bad := [line for line, (_, colon, label) in zip(lines, pairs) if not colon or not label.strip()]:
        raise ValueError(f"labels must be written 'glue_name: label', not {bad[0]!r}")
    return {name.strip(): label.strip() for name, _, label in pairs}


def chapter_labels(notebook: Path) -> dict[str, str]:
    """The labels of a chapter's glued values (glue name: label), or none when the chapter has no labels file."""
    path = labels_file(notebook)
    try:
        return parse_labels(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None


def columns(rows: list[list[str]], gap: str = "  ") -> list[str]:
    """Rows of cells as lines of aligned columns, each as wide as its longest cell (the last one is not padded)."""
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [gap.join([cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]).rstrip() for row in rows]


def prose_formats(notebook: Path) -> dict[str, str]:
    """The format each glued value is printed with in the chapter's prose: ``{glue:text}`raw_total:,.0f``` gives
    ``{"raw_total": ",.0f"}`` (the first format wins when a value is printed twice)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    formats: dict[str, str] = {}
    for name, spec in re.findall(r"\{glue:text\}`([^`:]+):([^`]+)`", prose):
        formats.setdefault(name, spec)
    return formats


def shown_as(value: Any, spec: str | None) -> str:
    """A value as the book's prose prints it (``spec``), or by :func:`readable_value` when there is no spec."""
    if spec and is_number(value):
        try:
            return format(value, spec)
        except ValueError:
            pass
    return readable_value(value)


def results_table(values: dict[str, Any], labels: dict[str, str] | None = None,
                  formats: dict[str, str] | None = None, book: dict[str, Any] | None = None) -> list[str]:
    """Glued values as lines 'label  value': labels for people, numbers as the prose prints them (or rounded),
    aligned on the right; with ``book`` (the values of the book's own run), each line also says how the value
    differs from the book's (:func:`compared`)."""
    formats = formats or {}
    shown = {name: shown_as(value, formats.get(name)) for name, value in values.items()}
    width = max((len(shown[n]) for n, v in values.items() if is_number(v)), default=0)
    rows = [[label_for(name, labels), shown[name].rjust(width) if is_number(value) else shown[name]]
            for name, value in values.items()]
    if book is not None:
        rows = [row + [compared(values[name], book.get(name, MISSING), formats.get(name))]
                for row, name in zip(rows, values)]
    return columns(rows)


MISSING = object()


def compared(value: Any, book: Any, spec: str | None = None) -> str:
    """How ``value`` differs from the book's: "as in the book", "book: 266,126 (-12.3 %)", "book: casual" or "not
    in the book's run"."""
    if book is MISSING:
        return "not in the book's run"
    if value == book:
        return "as in the book"
    if is_number(value) and is_number(book) and book:
        return f"book: {shown_as(book, spec)} ({(value - book) / abs(book):+.1%})"
    return f"book: {shown_as(book, spec)}"


# How a source's comparator reads before its figure: as a sign (the reproduction report) or in words (prose, tables).
COMPARATOR_SIGNS = {"=": "", "≈": "≈ ", ">": "> ", "<": "< "}
COMPARATOR_WORDS = {"=": "{figure}", "≈": "about {figure}", ">": "more than {figure}", "<": "less than {figure}"}


def stated(value: float, comparator: str = "=", high: float | None = None, unit: str = "", words: bool = False) -> str:
    """A published figure as its source states it: every digit kept, thousands separated, a range written
    "low to high", the comparator as a sign ("≈ 500,000") or in words ("about 22 %", "more than 92"), then
    ``unit`` (e.g. " %")."""
    from .language import in_language, template, unit_text

    low = in_language(f"{value:,.10g}")
    figure = template("{low} to {high}", low=low, high=in_language(f"{high:,.10g}")) if high is not None and high == high \
        else low
    if words:
        return template(COMPARATOR_WORDS[comparator], figure=figure) + unit_text(unit)
    return COMPARATOR_SIGNS[comparator] + figure + unit_text(unit)


# Table cells. A column's kind says how its values read; :func:`column_kind` guesses it from the values when the
# chapter does not name it. In tables every number from 1,000 up is separated (a column reads the same from top
# to bottom), except years.
TABLE_SEPARATORS_FROM = 1_000
CELL_KINDS = ("text", "name", "yes/no", "count", "number", "share", "change", "year")


def is_missing(value: Any) -> bool:
    """True for None and for NaN / NA (an empty cell)."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    if str(value) in ("<NA>", "NaT"):
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False


def is_boolean(value: Any) -> bool:
    """True for True and False, Python's or numpy's."""
    return isinstance(value, bool) or type(value).__name__ in ("bool_", "bool")


def as_number(value: Any) -> float | None:
    """The value as a float if it is a number (Python or numpy; not True/False, not text), else None."""
    if isinstance(value, str) or is_boolean(value) or not isinstance(value, numbers.Real):
        return None
    return float(value)


def cell(value: Any, kind: str = "number") -> str:
    """A table cell as a person reads it; ``kind`` is one of :data:`CELL_KINDS` or a format spec (``".3f"``).

    - ``yes/no``: booleans as "yes" and "no";
    - ``count``: a whole number with thousands separators (14,903);
    - ``number``: four significant digits, separators from 1,000 (0.1990, 1.199, 266,126);
    - ``share``: a share as a percentage (0.199 is 19.9%); ``change``: the same with its sign (+12.3%);
    - ``year``: a whole number without separators (2019); ``text``: the value on one line, as written (marked for
      translation in a French pass); ``name``: the same, never translated (an author, a platform).

    An empty cell (None, NaN) is empty whatever the kind; a value that is not a number is shown as text.
    """
    from .language import in_language, words

    if is_missing(value):
        return ""
    if is_boolean(value):
        return words("yes" if value else "no")
    number = as_number(value)
    if kind == "name":  # a name (an author, a platform) reads the same in every language
        return " ".join(str(value).split())
    if number is None or kind == "text" or not math.isfinite(number):
        return words(" ".join(str(value).split()))
    if kind == "count":
        return in_language(f"{round(number):,d}")
    if kind == "year":
        return f"{round(number):d}"
    if kind == "share":
        return in_language(f"{number:.1%}")
    if kind == "change":
        return in_language(f"{number:+.1%}")
    if kind in ("number", "yes/no"):
        return in_language(readable_number(number, separators_from=TABLE_SEPARATORS_FROM))
    return in_language(format(number, kind))


def column_kind(name: str, values: list[Any]) -> str:
    """The kind of a table column guessed from its name and values (see :func:`cell`): ``yes/no`` for booleans,
    ``year`` for a column named year, ``count`` for whole numbers, ``number`` for other numbers, else ``text``."""
    present = [v for v in values if not is_missing(v)]
    if present and all(is_boolean(v) for v in present):
        return "yes/no"
    numbers_ = [as_number(v) for v in present]
    if not present or None in numbers_:
        return "text"
    if name.split("_")[-1] == "year":
        return "year"
    return "count" if all(n == int(n) for n in numbers_ if math.isfinite(n)) else "number"

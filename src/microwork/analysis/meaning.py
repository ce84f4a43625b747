"""What the data means, beyond the types of its cells: rules of ``data/datapackage.json`` that the Table Schema
standard does not state, checked with the schema by :mod:`microwork.analysis.validate`.

- **Units and their ranges.** The package lists every unit its figures use, each with the range a value in that
  unit can take (``"x-units": {"percent": {"minimum": 0, "maximum": 100}, ...}``): a percentage above 100 or a
  count of people above the world's population cannot be true. A number field names its unit (``"unit"``), or the
  field that gives each row's unit (``"x-unit-field": "unit"``), or states its own range (``minimum`` and
  ``maximum``); :mod:`microwork.analysis.descriptor` refuses a number field that does none of these.
- **Bounds in order.** ``"x-at-most": "value_high"``: a value is at most the upper bound of its own row.
- **Real dates.** ``"x-calendar": true`` on a text field written ``YYYY-MM`` or ``YYYY-MM-DD``: the month and day
  exist (no 2019-02-30).
- **Keys that cannot be told apart.** The values of key fields (``primaryKey``, ``unique``, ``foreignKeys``) are
  compared after Unicode normalisation (NFKC) and case folding, and a key may not mix letters of two scripts
  (a Cyrillic "А" inside "Amazon": Unicode TR39's single-script rule, read from the characters' Unicode names).
- **Size.** A table holds at most :data:`MAX_ROWS` rows and :data:`MAX_TABLE_BYTES` bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

MAX_ROWS = 5_000
MAX_TABLE_BYTES = 2_000_000
CALENDAR = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?")

Units = Mapping[str, Mapping[str, float]]


def key_form(value: Any) -> Any:
    """A key as it is compared with the other keys: a text normalised (NFKC) and case-folded, so that "Wirk" and
    "ＷＩＲＫ" (full-width) are the same key."""
    return unicodedata.normalize("NFKC", value).casefold() if isinstance(value, str) else value


def script_of(character: str) -> str:
    """The script of a letter, as the first word of its Unicode name says it ("LATIN", "CYRILLIC", "GREEK")."""
    return unicodedata.name(character, "UNKNOWN").split()[0]


def mixed_script_problem(value: str) -> tuple[str, str] | None:
    """The (rule, message) of a key whose letters come from more than one script, or None."""
    scripts: dict[str, tuple[int, str]] = {}
    for index, character in enumerate(value):
        if character.isalpha():
            scripts.setdefault(script_of(character), (index, character))
    if len(scripts) < 2:
        return None
    (first, _), *others = scripts.items()
    shown = "; ".join(f"'{c}' ({unicodedata.name(c, '?')}) at character {i + 1}" for _, (i, c) in others)
    return "single script", (f"'{value}' mixes {first.title()} letters with {shown}: a look-alike letter makes a "
                             "different key that reads the same (retype it)")


def calendar_problem(text: str) -> tuple[str, str] | None:
    """The (rule, message) of a ``YYYY-MM`` or ``YYYY-MM-DD`` text that is no real month or day, or None."""
    match = CALENDAR.fullmatch(text)
    if match is None:
        return "calendar", f"'{text}' is not a month written YYYY-MM or a day written YYYY-MM-DD"
    try:
        dt.date(int(match["year"]), int(match["month"]), int(match["day"] or 1))
    except ValueError as error:
        return "calendar", f"'{text}' is not a date of the calendar ({error})"
    return None


def range_problem(value: float, low: float, high: float, what: str) -> tuple[str, str] | None:
    """The (rule, message) of a value outside [low, high], or None; ``what`` says where the range comes from."""
    if low <= value <= high:
        return None
    return "range", f"{value:g} is outside {low:g} to {high:g}, the range of {what}"


def row_problems(record: Mapping[str, Any], fields: list[dict[str, Any]], units: Units) -> list[tuple[str, str, str]]:
    """The (column, rule, message) of every rule a typed row breaks across its cells: a value outside the range of
    its unit, a unit with no range, a value above the bound ``x-at-most`` names."""
    problems = []
    for field in fields:
        name, value = field["name"], record.get(field["name"])
        unit_field = field.get("x-unit-field")
        unit = record.get(unit_field) if unit_field else field.get("unit")
        if unit_field and unit is not None and unit not in units:
            problems.append((unit_field, "unit", f"the unit '{unit}' has no range in datapackage.json \"x-units\" "
                                                 f"(units with a range: {', '.join(units)})"))
        elif value is not None and unit in units:
            broken = range_problem(value, units[unit]["minimum"], units[unit]["maximum"], f"the unit '{unit}'")
            if broken:
                problems.append((name, *broken))
        bound = field.get("x-at-most")
        if bound and value is not None and record.get(bound) is not None and value > record[bound]:
            problems.append((name, "x-at-most", f"{value:g} is above {bound} ({record[bound]:g}) in the same row"))
    return problems


def key_fields(schema: Mapping[str, Any]) -> set[str]:
    """The fields whose values are keys: the primary key's, the unique ones and those of foreign keys."""
    names = schema.get("primaryKey", [])
    keys = {names} if isinstance(names, str) else set(names)
    keys |= {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("unique")}
    for key in schema.get("foreignKeys", []):
        keys |= {key["fields"]} if isinstance(key["fields"], str) else set(key["fields"])
    return keys

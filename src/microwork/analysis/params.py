"""Chapter parameters: read them from the notebook, check overrides before running.

A chapter's parameters live in its cell tagged ``parameters``, one per line::

    accounts_per_person: float = 1.27  # [1.0, 5.0] average accounts per person

The comment starts with the allowed range ``[low, high]`` (or the allowed values
``{a, b}``), then a one-line meaning. Papermill reads each line (``papermill.inspect_notebook``:
name, type, default and comment); this module reads the range or choices at the start of the
comment, and refuses any line papermill could not read. The notebook is the single source of truth:
``microwork params`` prints it and :func:`check` enforces it, both before a
kernel starts (CLI) and inside the notebook (plain papermill).
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .notebooks import NotebookError, read_notebook, source_of
from .paths import chapters_dir
from .readable import columns, readable_value

TYPES = {"float": float, "int": int, "str": str, "bool": bool}
RANGE = re.compile(r"^\[\s*(?P<low>[^,\]]+)\s*,\s*(?P<high>[^\]]+)\]\s*(?P<rest>.*)$")
CHOICES = re.compile(r"^\{(?P<values>[^}]*)\}\s*(?P<rest>.*)$")


class ParameterError(ValueError):
    """Raised when parameter overrides are refused; lists every problem."""


@dataclass(frozen=True)
class Parameter:
    """One chapter parameter as declared in the notebook."""

    name: str
    type: str
    default: Any
    low: float | None
    high: float | None
    choices: tuple | None
    meaning: str

    def allowed(self, show: Callable[[Any], str] = str) -> str:
        """The allowed values, for people, each written by ``show``."""
        if self.choices is not None:
            return "one of " + ", ".join(map(show, self.choices))
        if self.low is not None or self.high is not None:
            return f"{show(self.low)} to {show(self.high)}"
        return "any " + self.type


def notebook_path(chapter: str) -> Path:
    """The notebook of ``chapter`` (a name such as ``size``, or a path)."""
    path = Path(chapter)
    if path.suffix == ".ipynb" and path.is_file():
        return path
    candidate = chapters_dir() / f"{path.stem}.ipynb"
    if candidate.is_file():
        return candidate
    known = ", ".join(sorted(p.stem for p in chapters_dir().glob("*.ipynb")))
    raise ParameterError(f"no chapter notebook '{chapter}' (chapters with parameters: {known})")


def parameters_source(path: Path) -> str:
    """The source of the notebook's cell tagged ``parameters``."""
    try:
        notebook = read_notebook(path)
    except NotebookError as error:
        raise ParameterError(str(error)) from None
    for cell in notebook["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return source_of(cell)
    raise ParameterError(f"{path}: no cell tagged 'parameters'")


def unreadable(line: str, where: str) -> ParameterError:
    """The error for a line of the parameters cell that does not declare a parameter as this book does."""
    return ParameterError(f"{where}: cannot read the parameter line {line!r} "
                          "(expected 'name: type = default  # [low, high] meaning')")


def declaration_lines(source: str, inferred: dict[str, dict], where: str) -> dict[str, str]:
    """Each parameter papermill inferred, with the line that declares it; every other code line is an error.

    Papermill skips the lines it cannot read (or joins them to the line before), so each line is
    matched to a name papermill returned by the text before its first ``:`` or ``=``.
    """
    lines: dict[str, str] = {}
    for line in source.splitlines():
        if not line.strip() or line.strip().startswith("#"):
            continue
        name = re.split(r"[:=]", line, maxsplit=1)[0].strip()
        if name not in inferred:
            raise unreadable(line, where)
        if name in lines:
            raise ParameterError(f"{where}: parameter {name} is declared twice")
        lines[name] = line
    return lines


def parse_help(help_text: str) -> tuple[float | None, float | None, tuple | None, str]:
    """Split a parameter's comment into its allowed range or choices and its meaning: (low, high, choices, meaning)."""
    low = high = choices = None
    if found := RANGE.match(help_text):
        low, high = float(found["low"]), float(found["high"])
        help_text = found["rest"]
    elif found := CHOICES.match(help_text):
        choices = tuple(ast.literal_eval(v.strip()) for v in found["values"].split(","))
        help_text = found["rest"]
    return low, high, choices, help_text.strip()


def to_parameter(inferred: dict[str, str], line: str, where: str) -> Parameter:
    """A :class:`Parameter` from what ``papermill.inspect_notebook`` inferred about one declaration ``line``."""
    name, kind, help_text = inferred["name"], inferred["inferred_type_name"], inferred["help"].strip()
    if kind == "None" or not help_text:  # no annotation, or no comment
        raise unreadable(line, where)
    if kind not in TYPES:
        raise ParameterError(f"{where}: parameter {name} has unsupported type {kind}")
    try:
        default = ast.literal_eval(inferred["default"])
    except (ValueError, SyntaxError):
        raise unreadable(line, where) from None
    return Parameter(name, kind, default, *parse_help(help_text))


def read_parameters(chapter: str) -> dict[str, Parameter]:
    """The parameters declared in a chapter's notebook, by name, as ``papermill.inspect_notebook`` reads them."""
    import papermill  # here, not at the top: commands that read no parameters (build, check) start faster

    path = notebook_path(chapter)
    source = parameters_source(path)
    inferred = papermill.inspect_notebook(str(path))
    lines = declaration_lines(source, inferred, path.name)
    return {name: to_parameter(inferred[name], line, path.name) for name, line in lines.items()}


def convert(parameter: Parameter, value: Any) -> Any:
    """Convert ``value`` (text from a command line, or a Python value) to the parameter's type."""
    kind = TYPES[parameter.type]
    if isinstance(value, str) and parameter.type != "str":
        text = value.strip()
        if parameter.type == "bool":
            if text.lower() in ("true", "1", "yes"):
                return True
            if text.lower() in ("false", "0", "no"):
                return False
            raise ValueError(f"'{value}' is not true or false")
        try:
            return kind(text)
        except ValueError:
            raise ValueError(f"'{value}' is not a{'n' if parameter.type == 'int' else ''} {parameter.type}") from None
    if parameter.type == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"{value!r} is a {type(value).__name__}, not a {parameter.type}")
    return value


def check(chapter: str, **values: Any) -> dict[str, Any]:
    """Check parameter values for ``chapter``; return them typed, or raise :class:`ParameterError`.

    Every problem is listed: unknown names, wrong types, values out of range.
    """
    declared = read_parameters(chapter)
    problems, checked = [], {}
    for name, value in values.items():
        if name not in declared:
            problems.append(f"unknown parameter '{name}' (known: {', '.join(declared) or 'none'})")
            continue
        parameter = declared[name]
        try:
            typed = convert(parameter, value)
        except ValueError as error:
            problems.append(f"{name}: {error}")
            continue
        if isinstance(typed, float) and not math.isfinite(typed):
            problems.append(f"{name}: {typed} is not a finite number")
        elif parameter.low is not None and typed < parameter.low or parameter.high is not None and typed > parameter.high:
            problems.append(f"{name}: {typed} is outside the allowed range {parameter.allowed()}")
        elif parameter.choices is not None and typed not in parameter.choices:
            problems.append(f"{name}: {typed!r} is not {parameter.allowed()}")
        checked[name] = typed
    for name, parameter in declared.items():  # a pair NAME_low / NAME_high must be in order
        if name.endswith("_low") and (high := name[:-4] + "_high") in declared:
            low_value = checked.get(name, parameter.default)
            high_value = checked.get(high, declared[high].default)
            if low_value > high_value:
                problems.append(f"{name} ({low_value}) is above {high} ({high_value})")
    if problems:
        raise ParameterError(f"parameters refused for chapter '{Path(chapter).stem}':\n  - " + "\n  - ".join(problems))
    return checked


def parameters_table(declared: dict[str, Parameter]) -> list[str]:
    """The lines of ``microwork params``: one row per parameter, columns as wide as their content.

    Numbers are shown as declared, except that whole numbers lose their '.0' (20000.0 reads 20,000).
    """
    def show(value: Any) -> str:
        return readable_value(value, significant=None)

    rows = [["name", "type", "default", "allowed", "meaning"]]
    rows += [[p.name, p.type, show(p.default), p.allowed(show), p.meaning] for p in declared.values()]
    return columns(rows)


def parse_series(pairs: list[str]) -> list[dict[str, str]]:
    """Turn ``["NAME=VALUE", ...]`` into the runs they ask for: one run, or one per value of the one name given
    several values (``a=1.5 a=1.6`` is two runs, each with the other names as given); two names each given
    several values are refused (which value goes with which would be a guess)."""
    values: dict[str, list[str]] = {}
    for name, value in (split_assignment(pair) for pair in pairs):
        if value not in values.setdefault(name, []):  # the same value twice is one run
            values[name].append(value)
    varying = [name for name, given in values.items() if len(given) > 1]
    if len(varying) > 1:
        raise ParameterError(f"{' and '.join(varying)} are each given several values: give several values to one "
                             "parameter only (one run per value)")
    fixed = {name: given[0] for name, given in values.items() if len(given) == 1}
    if not varying:
        return [fixed]
    return [{**fixed, varying[0]: value} for value in values[varying[0]]]


def split_assignment(pair: str) -> tuple[str, str]:
    """``"NAME=VALUE"`` as (name, value), refusing a malformed item."""
    name, sep, value = pair.partition("=")
    if not sep or not name.strip():
        raise ParameterError(f"'{pair}' is not NAME=VALUE")
    return name.strip(), value


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """Turn ``["NAME=VALUE", ...]`` into a dict, refusing malformed items."""
    return dict(split_assignment(pair) for pair in pairs)

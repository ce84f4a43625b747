"""Check ``data/datapackage.json`` itself before any table is read.

Every problem names ``data/datapackage.json``, a JSON path as the column (``resources[3].schema.fields[2]``,
counted from 0) and the rule: the descriptor is an object with a list of ``resources``, each with a ``name``,
a ``path`` that stays inside ``data/`` and a ``schema`` whose fields, constraints, ``primaryKey`` and
``foreignKeys`` are well formed; and no text anywhere in it holds a control character or runs past
:data:`~microwork.analysis.validate.MAX_CELL_LENGTH` characters (its texts reach the book's pages).
"""

from __future__ import annotations

import functools
import json
import math
import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from .validate import MAX_CELL_LENGTH, REFUSED_CHARACTERS, Problem, character_problem

DESCRIPTOR = "data/datapackage.json"
TYPES = ("string", "integer", "number", "boolean", "date")
CONSTRAINTS = ("required", "unique", "minimum", "maximum", "enum", "pattern", "minLength", "maxLength")
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

KINDS = {dict: "an object", list: "a list", str: "a string", bool: "true or false"}


def shown(value: Any) -> str:
    """A JSON value as the descriptor writes it, shortened."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def descriptor_problem(column: str | None, rule: str, message: str) -> Problem:
    """A problem of ``data/datapackage.json`` at the JSON path ``column``."""
    return Problem(DESCRIPTOR, None, column, rule, message)


def member(holder: dict[str, Any], key: str, kind: type, where: str, problems: list[Problem],
           required: bool = True) -> Any:
    """Return ``holder[key]`` when it is of ``kind``; else None, adding a "required" or "type" problem."""
    path = f"{where}.{key}" if where else key
    if key not in holder:
        if required:
            problems.append(descriptor_problem(path, "required", f"'{key}' is missing"))
        return None
    value = holder[key]
    if not isinstance(value, kind):
        problems.append(descriptor_problem(path, "type", f"'{key}' must be {KINDS[kind]}, not {shown(value)}"))
        return None
    return value


def field_names(schema: dict[str, Any]) -> list[str]:
    """The names of a schema's fields (those that have one)."""
    fields = schema.get("fields")
    fields = fields if isinstance(fields, list) else []
    return [f["name"] for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)]


def duplicate_problems(items: list[Any], where: str, what: str) -> list[Problem]:
    """Report each object of ``items`` whose ``name`` an earlier one already has."""
    problems = []
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and first.setdefault(name, index) != index:
            problems.append(descriptor_problem(f"{where}[{index}].name", "unique",
                                               f"the {what} name '{name}' is already used by {where}[{first[name]}]"))
    return problems


def unsafe_path_reason(path: str) -> str | None:
    """Why a resource's ``path`` could lead outside ``data/`` (judged on the text alone), or None."""
    if not path.strip():
        return "it is empty"
    if REFUSED_CHARACTERS.search(path):
        return "it holds a control character or a line break"
    if "\\" in path:
        return "it holds a backslash (write '/' between folders)"
    if PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute() or PureWindowsPath(path).drive:
        return "it is absolute"
    if URL.match(path):
        return "it is a URL (only files of data/ are read)"
    if ".." in PurePosixPath(path).parts:
        return "it goes up a folder with '..'"
    if not re.fullmatch(r"[A-Za-z0-9._/-]+", path):
        return "it holds a character other than letters, digits, '.', '_', '-' and '/'"
    return None


def path_problems(path: str, where: str, folder: Path | None) -> list[Problem]:
    """A resource's ``path`` must name a file inside ``data/`` (``folder``, when given, is looked at too)."""
    reason = unsafe_path_reason(path)
    if reason is None and folder is not None:
        base, target = folder.resolve(), (folder / path).resolve()
        if target == base:
            reason = "it names the folder data/ itself"
        elif not target.is_relative_to(base):
            reason = "it resolves outside data/ (through a symbolic link)"
        elif target.exists() and not target.is_file():
            reason = "it is not a file"
    if reason is None:
        return []
    return [descriptor_problem(where, "path", f"the path {shown(path)} is refused: {reason}; "
                                              "a path names a file inside data/, e.g. \"size_tiers.csv\"")]


def is_number(value: Any) -> bool:
    """True for a finite JSON number (true and false are not numbers)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def constraint_reason(key: str, value: Any, kind: str | None) -> str | None:
    """Why the constraint ``key: value`` of a field of type ``kind`` cannot be used, or None."""
    if key not in CONSTRAINTS:
        return f"the constraint '{key}' is not supported (supported: {', '.join(CONSTRAINTS)})"
    if key in ("required", "unique"):
        return None if isinstance(value, bool) else f"'{key}' must be true or false, not {shown(value)}"
    if key in ("minimum", "maximum"):
        if kind not in (None, "integer", "number"):
            return f"'{key}' applies to integer and number fields, not to a {kind} field"
        return None if is_number(value) else f"'{key}' must be a number, not {shown(value)}"
    if key in ("minLength", "maxLength"):
        whole = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if whole else f"'{key}' must be a whole number of characters (0 or more), not {shown(value)}"
    if key == "enum":
        return None if isinstance(value, list) and value else f"'enum' must be a non-empty list, not {shown(value)}"
    if not isinstance(value, str):
        return f"'pattern' must be a string, not {shown(value)}"
    try:
        re.compile(value)
    except re.error as error:
        return f"'pattern' {shown(value)} is not a valid regular expression: {error}"
    return None


def field_problems(field: Any, where: str) -> list[Problem]:
    """Check one field of a schema: a name, a supported type, well-typed constraints and flags."""
    if not isinstance(field, dict):
        return [descriptor_problem(where, "type", f"a field must be an object, not {shown(field)}")]
    problems: list[Problem] = []
    member(field, "name", str, where, problems)
    kind = field.get("type", "string")
    if kind not in TYPES:
        problems.append(descriptor_problem(f"{where}.type", "field type",
                                           f"the type {shown(kind)} is not supported (supported: {', '.join(TYPES)})"))
        kind = None
    for flag in ("x-bibtex-key", "x-multiline"):
        member(field, flag, bool, where, problems, required=False)
    constraints = member(field, "constraints", dict, where, problems, required=False) or {}
    for key, value in constraints.items():
        reason = constraint_reason(key, value, kind)
        if reason:
            problems.append(descriptor_problem(f"{where}.constraints.{key}", "constraint", reason))
    return problems


def names_of(value: Any) -> list[str] | None:
    """A field list (one name, or a non-empty list of names) as a list, or None when it is not one."""
    names = [value] if isinstance(value, str) else value
    if isinstance(names, list) and names and all(isinstance(n, str) for n in names):
        return names
    return None


def names_problems(value: Any, known: list[str], where: str, rule: str, owner: str) -> list[Problem]:
    """A field list must be a name or a non-empty list of names, each a field of ``owner`` (``known``)."""
    names = names_of(value)
    if names is None:
        return [descriptor_problem(where, rule, f"expected a field name or a list of field names, not {shown(value)}")]
    return [descriptor_problem(where, rule, f"'{name}' is not a field of {owner} (fields: {', '.join(known)})")
            for name in names if name not in known]


def schema_problems(schema: dict[str, Any], where: str) -> list[Problem]:
    """Check a table schema: its fields, their names once each, and its ``primaryKey``."""
    problems: list[Problem] = []
    fields = member(schema, "fields", list, where, problems)
    if fields is None:
        return problems
    if not fields:
        problems.append(descriptor_problem(f"{where}.fields", "required", "the schema has no fields"))
    for index, field in enumerate(fields):
        problems += field_problems(field, f"{where}.fields[{index}]")
    problems += duplicate_problems(fields, f"{where}.fields", "field")
    if "primaryKey" in schema:
        problems += names_problems(schema["primaryKey"], field_names(schema), f"{where}.primaryKey",
                                   "primaryKey", "this table")
    return problems


def reference_problems(key: dict[str, Any], where: str, schema: dict[str, Any], own: str,
                       schemas: dict[str, dict[str, Any]]) -> list[Problem]:
    """Check a foreign key's ``reference``: an existing resource (``""``: this one) and its fields."""
    problems: list[Problem] = []
    reference = member(key, "reference", dict, where, problems)
    if reference is None:
        return problems
    where = f"{where}.reference"
    resource = reference.get("resource", "")
    if not isinstance(resource, str):
        return problems + [descriptor_problem(f"{where}.resource", "type",
                                              f"'resource' must be a string, not {shown(resource)}")]
    if resource != "" and (resource == own or resource not in schemas):
        reason = ("a table refers to itself with \"\"" if resource == own else
                  f"no other resource has this name (resources: {', '.join(schemas)})")
        return problems + [descriptor_problem(f"{where}.resource", "foreignKey",
                                              f"the resource {shown(resource)} is refused: {reason}")]
    target = schema if resource == "" else schemas[resource]
    if "fields" not in reference:
        return problems + [descriptor_problem(f"{where}.fields", "required", "'fields' is missing")]
    owner = "this table" if resource == "" else f"the table '{resource}'"
    problems += names_problems(reference["fields"], field_names(target), f"{where}.fields", "foreignKey", owner)
    referring, referenced = names_of(key.get("fields")), names_of(reference["fields"])
    if not problems and referring and referenced and len(referring) != len(referenced):
        problems.append(descriptor_problem(f"{where}.fields", "foreignKey",
                                           f"{len(referenced)} referenced field(s) for {len(referring)} referring"))
    return problems


def foreign_keys_problems(schema: dict[str, Any], where: str, own: str,
                          schemas: dict[str, dict[str, Any]]) -> list[Problem]:
    """Check a schema's ``foreignKeys``: a list of keys whose fields exist here and in the table referred to."""
    problems: list[Problem] = []
    keys = member(schema, "foreignKeys", list, where, problems, required=False) or []
    for index, key in enumerate(keys):
        at = f"{where}.foreignKeys[{index}]"
        if not isinstance(key, dict):
            problems.append(descriptor_problem(at, "type", f"a foreign key must be an object, not {shown(key)}"))
            continue
        if "fields" not in key:
            problems.append(descriptor_problem(f"{at}.fields", "required", "'fields' is missing"))
        else:
            problems += names_problems(key["fields"], field_names(schema), f"{at}.fields", "foreignKey", "this table")
        problems += reference_problems(key, at, schema, own, schemas)
    return problems


# A name of the package or of a resource (Frictionless's rule: lower-case letters, digits, ".", "_" and "-"); it
# becomes a page's cross-reference label and a download's file name, so nothing else may be in it.
NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
# The files the data catalogue offers beside the tables, all in one folder: a table's file may not take their names.
CATALOGUE_FILES = ("datapackage.json", "references.bib", "SHA256SUMS")


def name_problems(name: Any, where: str) -> list[Problem]:
    """A package's or resource's ``name`` must follow :data:`NAME`."""
    if isinstance(name, str) and name and not NAME.fullmatch(name):
        return [descriptor_problem(where, "pattern", f"the name {shown(name)} is refused: a name is written with "
                                                     "lower-case letters, digits, '.', '_' and '-' only")]
    return []


def package_identity_problems(descriptor: dict[str, Any]) -> list[Problem]:
    """The package's own ``name`` (:data:`NAME`) and ``version`` (``MAJOR.MINOR.PATCH``): they name its archive."""
    problems: list[Problem] = []
    name = member(descriptor, "name", str, "", problems)
    problems += name_problems(name, "name")
    version = member(descriptor, "version", str, "", problems)
    if isinstance(version, str) and not VERSION.fullmatch(version):
        problems.append(descriptor_problem("version", "pattern", f"the version {shown(version)} is refused: "
                                                                 "write it MAJOR.MINOR.PATCH, e.g. 0.8.0"))
    return problems


def file_name_problems(resources: list[Any]) -> list[Problem]:
    """Each table's file name once, and none of :data:`CATALOGUE_FILES`: the data catalogue offers them side by
    side in one folder."""
    problems, first = [], {}
    for index, item in enumerate(resources):
        path = item.get("path") if isinstance(item, dict) else None
        if not isinstance(path, str):
            continue
        file_name = PurePosixPath(path).name
        if file_name in CATALOGUE_FILES:
            problems.append(descriptor_problem(f"resources[{index}].path", "unique",
                                               f"the file name '{file_name}' is the data catalogue's own"))
        elif first.setdefault(file_name, index) != index:
            problems.append(descriptor_problem(f"resources[{index}].path", "unique",
                                               f"the file name '{file_name}' is already used by "
                                               f"resources[{first[file_name]}]"))
    return problems


def resource_problems(item: Any, where: str, folder: Path | None) -> list[Problem]:
    """Check one resource: a name, a safe path and a schema (foreign keys apart)."""
    if not isinstance(item, dict):
        return [descriptor_problem(where, "type", f"a resource must be an object, not {shown(item)}")]
    problems: list[Problem] = []
    name = member(item, "name", str, where, problems)
    if name == "":
        problems.append(descriptor_problem(f"{where}.name", "required", "the name is empty"))
    problems += name_problems(name, f"{where}.name")
    path = member(item, "path", str, where, problems)
    if path is not None:
        problems += path_problems(path, f"{where}.path", folder)
    schema = member(item, "schema", dict, where, problems)
    if schema is not None:
        problems += schema_problems(schema, f"{where}.schema")
    return problems


def text_problems(value: Any, where: str = "") -> list[Problem]:
    """Problems of every text in the descriptor (keys and values, at any depth): a control character
    (line breaks are allowed: the book shows them as spaces) or more than :data:`MAX_CELL_LENGTH` characters."""
    if isinstance(value, dict):
        return [p for key, item in value.items()
                for p in text_problems(key, where) + text_problems(item, f"{where}.{key}" if where else str(key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in text_problems(item, f"{where}[{index}]")]
    if not isinstance(value, str):
        return []
    if found := character_problem(value, multiline=True):
        rule, message = found
        return [descriptor_problem(where or None, rule, message.replace("the cell", "the text", 1))]
    if len(value) > MAX_CELL_LENGTH:
        return [descriptor_problem(where or None, "maxLength",
                                   f"the text has {len(value):,} characters, more than {MAX_CELL_LENGTH:,}")]
    return []


def validate_descriptor(descriptor: Any, folder: Path | None = None) -> list[Problem]:
    """Return the problems of the parsed ``datapackage.json``: its structure (:func:`structure_problems`), then
    its texts (:func:`text_problems`). ``folder`` is the data folder (see :func:`structure_problems`)."""
    return structure_problems(descriptor, folder) + list(texts_checked(json.dumps(descriptor, ensure_ascii=False)))


@functools.lru_cache(maxsize=16)
def texts_checked(descriptor_json: str) -> tuple[Problem, ...]:
    """:func:`text_problems` of the descriptor written as ``descriptor_json``, worked out once per content (a chapter
    checks the descriptor again at each table it reads)."""
    return tuple(text_problems(json.loads(descriptor_json)))


def structure_problems(descriptor: Any, folder: Path | None = None) -> list[Problem]:
    """Return the problems of the parsed ``datapackage.json``; check it before any table is read.

    ``folder`` is the data folder: when given, each resource's path must also resolve to a file inside it.
    """
    if not isinstance(descriptor, dict):
        return [descriptor_problem(None, "type", f"the descriptor must be a JSON object, not {shown(descriptor)}")]
    problems: list[Problem] = []
    resources = member(descriptor, "resources", list, "", problems)
    if resources is None:
        return problems
    problems += package_identity_problems(descriptor)
    for index, item in enumerate(resources):
        problems += resource_problems(item, f"resources[{index}]", folder)
    problems += duplicate_problems(resources, "resources", "resource") + file_name_problems(resources)
    schemas = {item["name"]: item["schema"] for item in resources if isinstance(item, dict)
               and isinstance(item.get("name"), str) and isinstance(item.get("schema"), dict)}
    for index, item in enumerate(resources):
        if isinstance(item, dict) and isinstance(item.get("schema"), dict):
            problems += foreign_keys_problems(item["schema"], f"resources[{index}].schema", item.get("name"), schemas)
    units = units_problems(descriptor)
    if problems or units:
        return problems + units
    for index, item in enumerate(resources):
        problems += meaning_problems(item["schema"], f"resources[{index}].schema", descriptor.get("x-units", {}))
    return problems


def units_problems(descriptor: dict[str, Any]) -> list[Problem]:
    """The package's ``x-units``: each unit the data uses, with the range of a value in it (``minimum`` ≤
    ``maximum``, both numbers; see :mod:`microwork.analysis.meaning`)."""
    problems: list[Problem] = []
    units = member(descriptor, "x-units", dict, "", problems, required=False) or {}
    for unit, bounds in units.items():
        where = f"x-units.{unit}"
        if not isinstance(bounds, dict) or not all(is_number(bounds.get(key)) for key in ("minimum", "maximum")):
            problems.append(descriptor_problem(where, "x-units", f"a unit's range is {{\"minimum\": number, "
                                                                 f"\"maximum\": number}}, not {shown(bounds)}"))
        elif bounds["minimum"] > bounds["maximum"]:
            problems.append(descriptor_problem(where, "x-units", "the minimum is above the maximum"))
    return problems


def meaning_problems(schema: dict[str, Any], where: str, units: dict[str, Any]) -> list[Problem]:
    """What a schema says its data means, well formed: ``unit`` (a unit of ``x-units`` for a number), ``x-unit-field``
    and ``x-at-most`` (fields of this table), ``x-calendar`` (on text); and every number states its range."""
    problems: list[Problem] = []
    names = field_names(schema)
    numbers = {f["name"] for f in schema["fields"] if f.get("type") in ("integer", "number")}
    for index, field in enumerate(schema["fields"]):
        at, kind, rules = f"{where}.fields[{index}]", field.get("type", "string"), field.get("constraints", {})
        for key in ("x-unit-field", "x-at-most"):
            if key in field and field[key] not in (names if key == "x-unit-field" else numbers):
                problems.append(descriptor_problem(f"{at}.{key}", key, f"{shown(field[key])} is not a "
                                                   f"{'field' if key == 'x-unit-field' else 'number field'} of this table"))
        if "x-calendar" in field and (field["x-calendar"] is not True or kind != "string"):
            problems.append(descriptor_problem(f"{at}.x-calendar", "x-calendar",
                                               "\"x-calendar\": true applies to a text field written YYYY-MM(-DD)"))
        if kind not in ("integer", "number"):
            continue
        if "unit" in field and field["unit"] not in units:
            problems.append(descriptor_problem(f"{at}.unit", "unit", f"the unit {shown(field['unit'])} has no range "
                                                                     "in \"x-units\" (add it there)"))
        ranged = "minimum" in rules and "maximum" in rules
        if not (ranged or "unit" in field or "x-unit-field" in field):
            problems.append(descriptor_problem(at, "range", (
                f"the number field '{field.get('name')}' states no range: give it a unit of \"x-units\" "
                "(\"unit\", or \"x-unit-field\" naming the field that gives each row's unit), or the constraints "
                "minimum and maximum")))
    return problems


def referenced_resources(schema: dict[str, Any]) -> list[str]:
    """The names of the other tables a (checked) schema's ``foreignKeys`` point to."""
    names = (key["reference"].get("resource", "") for key in schema.get("foreignKeys", []))
    return list(dict.fromkeys(name for name in names if name))

"""Chart regression: the Vega-Lite spec of every figure, compared with snapshots kept in ``tests/snapshots/charts``.

After a build, each chapter's ``figures/*.vl.json`` is in ``_build/.cache/chapters/<chapter>/figures``.
``microwork snapshots`` compares them with the snapshots and says what changed in words: which data values
(row, field, old → new) and which other parts of the spec (``title.text: 'A' → 'B'``).
``microwork snapshots --update`` accepts them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from ..analysis.readable import is_number, readable_value
from .layout import Layout

SNAPSHOTS = Path("tests") / "snapshots" / "charts"
SHOWN_CHANGES = 12  # per figure; the rest are counted
MISSING = object()  # a part of a spec that is not there


def shown(value: Any) -> str:
    """A JSON value in a change line: text in quotes, numbers rounded for people, the rest as compact JSON."""
    if isinstance(value, str):
        return f"'{value}'"
    if is_number(value):
        return readable_value(value)
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def change(where: str, old: Any, new: Any) -> str:
    """'where: old → new'; '(none)' stands for a missing part; numbers that look the same once rounded are
    shown in full."""
    before, after = ("(none)" if value is MISSING else shown(value) for value in (old, new))
    if before == after:
        before, after = json.dumps(old), json.dumps(new)
    return f"{where}: {before} → {after}"


def same(a: Any, b: Any) -> bool:
    """Equal JSON values: 1 and 1.0 are the same number, true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def is_table(value: Any) -> bool:
    """True for a list of records (the data of a chart)."""
    return isinstance(value, list) and all(isinstance(row, dict) for row in value)


def datasets_in_order(spec: dict) -> dict[str, str]:
    """Altair's dataset names ('data-3f2a…', a hash of the values) → labels that do not depend on the values:
    'data' when there is one dataset, else 'data 1', 'data 2'… in the order the spec first uses them."""
    text = json.dumps({k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True)

    def first_use(name: str) -> int:
        position = text.find(json.dumps(name))
        return position if position >= 0 else len(text)

    names = sorted(spec.get("datasets", {}), key=first_use)
    return {name: "data" if len(names) == 1 else f"data {i}" for i, name in enumerate(names, start=1)}


def renamed(node: Any, names: dict[str, str]) -> Any:
    """``node`` with every text that is a dataset name replaced by that dataset's label."""
    if isinstance(node, dict):
        return {key: renamed(value, names) for key, value in node.items()}
    if isinstance(node, list):
        return [renamed(value, names) for value in node]
    return names.get(node, node) if isinstance(node, str) else node


def category_fields(node: Any) -> list[str]:
    """Fields a spec encodes as categories (nominal or ordinal), in the order they appear: the best row names."""
    if isinstance(node, list):
        return [field for item in node for field in category_fields(item)]
    if not isinstance(node, dict):
        return []
    own = [node["field"]] if node.get("type") in ("nominal", "ordinal") and isinstance(node.get("field"), str) else []
    return own + [field for value in node.values() for field in category_fields(value)]


def row_names(old: list[dict], new: list[dict], preferred: list[str]) -> tuple[list[str], list[str]]:
    """A name for every row of two versions of a table: the value of a text field that names each row once in
    both versions (preferably a field the chart shows as a category), else the row's position."""
    def names_each_row(field: str) -> bool:
        return all(all(isinstance(row.get(field), str) for row in rows)
                   and len({row[field] for row in rows}) == len(rows) for rows in (old, new))

    fields = [f for f in dict.fromkeys(key for row in old + new for key in row) if names_each_row(f)]
    key = next((f for f in preferred if f in fields), fields[0] if fields else None)
    if key is None:
        return [f"row {i}" for i in range(1, len(old) + 1)], [f"row {i}" for i in range(1, len(new) + 1)]
    return [f"row '{row[key]}'" for row in old], [f"row '{row[key]}'" for row in new]


def data_changes(old: list[dict], new: list[dict], preferred: list[str]) -> list[str]:
    """Rows removed or added, and every value changed, between two versions of a table of records."""
    old_names, new_names = row_names(old, new, preferred)
    before, after = dict(zip(old_names, old)), dict(zip(new_names, new))
    lines = [f"{name} removed" for name in old_names if name not in after]
    lines += [f"{name} added" for name in new_names if name not in before]
    for name in (n for n in new_names if n in before):
        for field in dict.fromkeys([*before[name], *after[name]]):
            was, now = before[name].get(field, MISSING), after[name].get(field, MISSING)
            if not same(was, now):
                lines.append(change(f"{name}, field {field}", was, now))
    return lines


def path_changes(old: Any, new: Any, preferred: list[str], where: str = "") -> list[str]:
    """Every part of a spec that differs, named by its JSON path (``layer[0].encoding.x.title``); inline data
    (``data.values``) is compared row by row."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [line for key in dict.fromkeys([*old, *new])
                for line in path_changes(old.get(key, MISSING), new.get(key, MISSING), preferred,
                                         f"{where}.{key}" if where else key)]
    if where.endswith("values") and is_table(old) and is_table(new):
        return [f"{where}: {line}" for line in data_changes(old, new, preferred)]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [line for i, (a, b) in enumerate(zip(old, new))
                for line in path_changes(a, b, preferred, f"{where}[{i}]")]
    return [] if same(old, new) else [change(where, old, new)]


def spec_changes(old: dict, new: dict) -> list[str]:
    """What changed between two Vega-Lite specs, in words: data values first
    ("row 'Single division by the published 1.27', field people: 251,257 → 250,000"), then every other part
    by its path ("title.text: 'A' → 'B'"). An empty list when they show the same chart.

    Datasets are matched by the order in which the specs use them, not by Altair's names (hashes of the
    values), so a renamed dataset is not a change by itself.
    """
    versions = []
    for spec in (old, new):
        names = datasets_in_order(spec)
        versions.append(({names[name]: rows for name, rows in spec.get("datasets", {}).items()},
                         renamed({k: v for k, v in spec.items() if k != "datasets"}, names)))
    (old_data, old_rest), (new_data, new_rest) = versions
    preferred = category_fields(new_rest) + category_fields(old_rest)
    lines = []
    for label in dict.fromkeys([*old_data, *new_data]):
        if label not in old_data or label not in new_data:
            lines.append(f"{label} {'added' if label in new_data else 'removed'}")
        else:
            prefix = "" if label == "data" else f"{label}: "
            lines += [prefix + line for line in data_changes(old_data[label], new_data[label], preferred)]
    return lines + path_changes(old_rest, new_rest, preferred)


def built_specs(root: Path) -> dict[str, Path]:
    """The specs of the last build, by figure name."""
    folder = Layout(root).chapters_cache
    return {p.name: p for p in sorted(folder.glob("*/figures/*.vl.json"))}


def differences(root: Path) -> list[str]:
    """Every figure whose spec differs from its snapshot (saying what changed, in words), is new, or is gone."""
    built = built_specs(root)
    kept = {p.name: p for p in sorted((root / SNAPSHOTS).glob("*.vl.json"))}
    problems = [f"{name}: new figure, no snapshot" for name in sorted(set(built) - set(kept))]
    problems += [f"{name}: snapshot of a figure the book no longer draws" for name in sorted(set(kept) - set(built))]
    for name in sorted(set(built) & set(kept)):
        changes = spec_changes(*(json.loads(p.read_text(encoding="utf-8")) for p in (kept[name], built[name])))
        if changes:
            more = [f"... and {len(changes) - SHOWN_CHANGES} more"] if len(changes) > SHOWN_CHANGES else []
            problems.append(f"{name}: spec changed in {len(changes)} place{'s' * (len(changes) > 1)}:\n    "
                            + "\n    ".join(changes[:SHOWN_CHANGES] + more))
    return problems


def update(root: Path) -> int:
    """Replace the snapshots with the specs of the last build; return how many were written."""
    target = root / SNAPSHOTS
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    built = built_specs(root)
    for name, path in built.items():
        shutil.copyfile(path, target / name)
    return len(built)

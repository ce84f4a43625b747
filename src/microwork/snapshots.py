"""Chart regression: the Vega-Lite spec of every figure, compared with snapshots kept in ``tests/snapshots/charts``.

After a build, each chapter's ``figures/*.vl.json`` is in ``_build/.cache/chapters/<chapter>/figures``.
``microwork snapshots`` compares them with the snapshots; ``microwork snapshots --update`` accepts them.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

SNAPSHOTS = Path("tests") / "snapshots" / "charts"


def built_specs(root: Path) -> dict[str, Path]:
    """The specs of the last build, by figure name."""
    folder = root / "_build" / ".cache" / "chapters"
    return {p.name: p for p in sorted(folder.glob("*/figures/*.vl.json"))}


def differences(root: Path) -> list[str]:
    """Every figure whose spec differs from its snapshot (with a short diff), is new, or is gone."""
    built = built_specs(root)
    kept = {p.name: p for p in sorted((root / SNAPSHOTS).glob("*.vl.json"))}
    problems = [f"{name}: new figure, no snapshot" for name in sorted(set(built) - set(kept))]
    problems += [f"{name}: snapshot of a figure the book no longer draws" for name in sorted(set(kept) - set(built))]
    for name in sorted(set(built) & set(kept)):
        new, old = built[name].read_text(encoding="utf-8"), kept[name].read_text(encoding="utf-8")
        if new != old:
            diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), "snapshot", "built", lineterm="", n=1))
            problems.append(f"{name}: spec changed\n    " + "\n    ".join(diff[:12]))
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

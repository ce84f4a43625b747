"""Whether a venv still holds what its lock file pins, and healing it when it does not.

``make`` runs this file with the venv's own interpreter before every command that uses the venv::

    .venv/bin/python -I src/microwork/venvcheck.py --heal requirements.lock --editable microwork=.

A venv is sound when every distribution the lock pins for this Python (``name==version``, with an optional
``; python_version ...`` marker) is installed at that version with every file its ``RECORD`` lists (compiled
``__pycache__`` files aside), and so is the ``--editable`` project. Reading the ``*.dist-info`` folders of
``sys.path`` and stat-ing their files takes a few tenths of a second; no pip is started while the venv is sound.
With ``--heal``, what is missing or broken is reinstalled from the lock (``pip install --no-deps
--force-reinstall``, one line saying so), then checked again.

The file is run by path (``-I``: the venv's ``site-packages`` only), so it uses the standard library alone and
works even when the ``microwork`` package itself is what broke.
"""

from __future__ import annotations

import argparse
import csv
import operator
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

# A marker this file understands: python_version compared with a quoted version, possibly joined by "and".
MARKER = re.compile(r"""\s*python_version\s*(==|!=|<=|>=|<|>)\s*["']([0-9.]+)["']\s*""")
COMPARE = {"==": operator.eq, "!=": operator.ne, "<=": operator.le, ">=": operator.ge, "<": operator.lt,
           ">": operator.gt}


@dataclass(frozen=True)
class Pin:
    """One requirement to check: a distribution's normalized name, its version, and how pip reinstalls it."""

    name: str
    version: str | None  # None: any version will do (the editable project)
    install: tuple[str, ...]


@dataclass(frozen=True)
class Installed:
    """A distribution found on the path: its version and its ``*.dist-info`` folder."""

    version: str
    dist_info: Path


@dataclass(frozen=True)
class Problem:
    """A pin the venv does not satisfy, and why (for the one line ``--heal`` prints)."""

    pin: Pin
    reason: str


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them: ``Jinja2``, ``jinja_2`` -> ``jinja2``, ``jinja-2``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def marker_holds(marker: str, python: tuple[int, int]) -> bool | None:
    """Whether ``marker`` holds on Python ``python`` (major, minor); None for a marker this file cannot read."""
    results = []
    for clause in marker.split(" and "):
        match = MARKER.fullmatch(clause)
        if not match:
            return None
        operator, version = match.groups()
        wanted = tuple(int(part) for part in version.split("."))
        results.append(COMPARE[operator](python[:len(wanted)], wanted))
    return all(results)


def read_lock(path: Path, python: tuple[int, int] = sys.version_info[:2]) -> list[Pin]:
    """The ``name==version`` pins of a lock file that apply to Python ``python``.

    Comments, blank lines and options are skipped, and so is a pin whose marker this file cannot evaluate
    (pip still installs it; it is just not checked)."""
    pins = []
    for line in path.read_text(encoding="utf-8").splitlines():
        requirement, _, marker = line.split("#", 1)[0].partition(";")
        if "==" not in requirement or requirement.lstrip().startswith("-"):
            continue
        if marker.strip() and not marker_holds(marker.strip(), python):
            continue
        name, version = (part.strip() for part in requirement.split("==", 1))
        pins.append(Pin(normalize(name), version, (f"{name}=={version}",)))
    return pins


def metadata_field(lines: Iterable[str], wanted: tuple[str, ...]) -> dict[str, str]:
    """The first value of each ``wanted`` header of a METADATA file (read only as far as needed)."""
    found: dict[str, str] = {}
    for line in lines:
        if not line.strip():
            break  # the headers end at the first blank line
        key, _, value = line.partition(":")
        if key in wanted and key not in found:
            found[key] = value.strip()
            if len(found) == len(wanted):
                break
    return found


def installed(paths: Iterable[str | Path]) -> dict[str, Installed]:
    """Every distribution with a ``*.dist-info`` folder in ``paths``, by normalized name (the first one on the
    path wins, as for imports)."""
    found: dict[str, Installed] = {}
    for folder in map(Path, paths):
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            if not entry.name.endswith(".dist-info") or not entry.is_dir():
                continue
            try:
                with open(Path(entry.path) / "METADATA", encoding="utf-8") as metadata:
                    headers = metadata_field(metadata, ("Name", "Version"))
            except OSError:
                continue
            if "Name" in headers and "Version" in headers:
                found.setdefault(normalize(headers["Name"]), Installed(headers["Version"], Path(entry.path)))
    return found


def missing_files(dist_info: Path) -> tuple[int, int]:
    """How many of the files a distribution's RECORD lists are missing, out of how many (``__pycache__`` aside).

    A missing or unreadable RECORD counts as one missing file out of one."""
    base = str(dist_info.parent) + os.sep  # plain strings: some 20,000 files are looked at in a venv
    try:
        with open(dist_info / "RECORD", encoding="utf-8", newline="") as record:
            paths = [row[0] for row in csv.reader(record) if row and "__pycache__" not in row[0]]
    except OSError:
        return 1, 1
    return sum(not os.path.lexists(base + path) for path in paths), len(paths)


def problems(pins: Sequence[Pin], paths: Iterable[str | Path]) -> list[Problem]:
    """The pins that the distributions found in ``paths`` do not satisfy, in the order of ``pins``."""
    found = installed(paths)
    wrong = []
    for pin in pins:
        dist = found.get(pin.name)
        if dist is None:
            wrong.append(Problem(pin, "not installed"))
        elif pin.version is not None and dist.version != pin.version:
            wrong.append(Problem(pin, f"{dist.version} installed, {pin.version} pinned"))
        else:
            missing, listed = missing_files(dist.dist_info)
            if missing:
                wrong.append(Problem(pin, f"{missing} of its {listed} files missing"))
    return wrong


def editable_pin(spec: str) -> Pin:
    """A pin for ``NAME=PATH``: the project NAME, installed in editable mode from PATH."""
    name, _, path = spec.partition("=")
    return Pin(normalize(name), None, ("-e", path or "."))


def summary(found: Sequence[Problem], limit: int = 3) -> str:
    """The problems in a few words: ``altair (412 of its 415 files missing), pandas (not installed)``."""
    said = ", ".join(f"{problem.pin.name} ({problem.reason})" for problem in found[:limit])
    return said + (f" and {len(found) - limit} more" if len(found) > limit else "")


def heal(found: Sequence[Problem], lock: Path, venv: str) -> int:
    """Reinstall the pins of ``found`` with this interpreter's pip (one line saying so); pip's exit status."""
    print(f"[microwork] {venv} does not match {lock}: {summary(found)}; reinstalling {len(found)} "
          f"{'package' if len(found) == 1 else 'packages'} from it", flush=True)
    arguments = [argument for problem in found for argument in problem.pin.install]
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--no-deps", "--force-reinstall", *arguments]
    return subprocess.run(command).returncode


def main(argv: Sequence[str] | None = None) -> int:
    """Check this interpreter's venv against a lock file; 0 when it is sound (or was healed), 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", type=Path, help="the lock file (name==version lines)")
    parser.add_argument("--editable", action="append", default=[], metavar="NAME=PATH",
                        help="a project installed with pip install -e PATH that must be there too")
    parser.add_argument("--heal", action="store_true", help="reinstall what is missing or broken, then check again")
    options = parser.parse_args(argv)
    pins = read_lock(options.lock) + [editable_pin(spec) for spec in options.editable]
    found = problems(pins, sys.path)
    if not found:
        return 0
    venv = os.path.relpath(sys.prefix) if Path(sys.prefix).is_relative_to(Path.cwd()) else sys.prefix
    if not options.heal:
        print(f"[microwork] {venv} does not match {options.lock}: {summary(found, limit=len(found))}", file=sys.stderr)
        return 1
    if heal(found, options.lock, venv) != 0:
        return 1
    still = problems(pins, sys.path)
    if still:
        print(f"[microwork] {venv} still does not match {options.lock} after reinstalling: {summary(still)}; "
              f"remove {venv} and run make again", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

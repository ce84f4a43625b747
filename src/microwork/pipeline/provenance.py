"""Where a run comes from: the commit of the code, the date, the software and the data it used.

``microwork reproduce`` stores this under the ``run`` key of ``_build/reproduce/report.json``, so that a
reader of the report knows what was run, when, with which versions and on exactly which data files.
"""

from __future__ import annotations

import platform
import subprocess
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ..analysis.data import file_sha256

KEY_PACKAGES = ("microwork", "pandas", "numpy", "altair", "papermill", "jupyter-book", "myst-nb")
UNKNOWN = "unknown"


def git(root: Path, *args: str) -> str | None:
    """The output of a git command run in ``root``, or None when git is missing or the command fails."""
    try:
        result = subprocess.run(["git", "--no-optional-locks", *args], cwd=root, capture_output=True, text=True,
                                timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def run_metadata(root: Path, parameters: dict[str, Any]) -> dict[str, Any]:
    """What identifies a run of the book at ``root`` with ``parameters``, as plain JSON values.

    - ``commit``: the git commit checked out, or "unknown" when ``root`` is not the top of a git checkout
      (a downloaded archive, say) or git is missing; ``uncommitted_changes``: whether tracked files differ
      from that commit (true, false or "unknown");
    - ``date``: when this function ran (the start of the run), in UTC, ISO 8601;
    - ``python`` and ``packages``: versions of Python and of the key packages ("not installed" if absent);
    - ``parameters``: as given;
    - ``data_files``: the SHA-256 of every file in ``data/`` (``datapackage.json`` included), by path.
    """
    top = git(root, "rev-parse", "--show-toplevel")
    in_checkout = top is not None and Path(top).resolve() == root.resolve()
    commit = git(root, "rev-parse", "HEAD") if in_checkout else None
    changes = git(root, "status", "--porcelain", "--untracked-files=no") if commit else None

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    data = sorted(p for p in (root / "data").rglob("*") if p.is_file())
    return {
        "commit": commit or UNKNOWN,
        "uncommitted_changes": UNKNOWN if changes is None else changes != "",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "packages": {name: installed(name) for name in KEY_PACKAGES},
        "parameters": parameters,
        "data_files": {p.relative_to(root).as_posix(): file_sha256(p) for p in data},
    }

"""Where a run comes from: the commit of the code, the date, the software and the data it used.

``microwork reproduce`` stores this under the ``run`` key of ``_build/reproduce/report.json``, so that a
reader of the report knows what was run, when, with which versions and on exactly which data files. Every build
publishes it too, as the site's build record (:data:`SITE_RECORD`, JSON and CSV), with the reproduction report it
belongs to (:data:`SITE_REPORT`), and every page says in one line which commit it was built from.
"""

from __future__ import annotations

import csv
import io
import json
import platform
import subprocess
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ..analysis.data import file_sha256
from ..analysis.params import read_parameters

KEY_PACKAGES = ("microwork", "pandas", "numpy", "altair", "papermill", "jupyter-book", "myst-nb", "sphinx")
UNKNOWN = "unknown"
# The build record a build puts into the staged book (read by the site's Sphinx extension), and the files the site
# publishes at the top of each edition: the record, and the reproduction report with the record under ``run``.
STAGED_RECORD = "_build-record.json"
SITE_RECORD = ("build-record.json", "build-record.csv")
SITE_REPORT = ("reproduction-report.json", "reproduction-report.csv")


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


def chapter_defaults(notebooks: list[Path]) -> dict[str, dict[str, Any]]:
    """The parameters each chapter runs with in a full build (its declared defaults), by chapter."""
    return {notebook.stem: {name: p.default for name, p in read_parameters(str(notebook)).items()}
            for notebook in notebooks}


def record_identity(record: dict[str, Any]) -> str:
    """What in a build record decides whether a site must be made again: all of it but the date (the same commit,
    versions, parameters and data give the same pages)."""
    return json.dumps({key: value for key, value in record.items() if key != "date"}, sort_keys=True)


def record_rows(record: dict[str, Any]) -> list[tuple[str, str]]:
    """A build record as (field, value) rows: ``commit``, ``date``, ``python``, ``package:NAME``,
    ``parameter:CHAPTER:NAME``, ``data:PATH`` (the SHA-256 of the file)."""
    rows = [(key, str(record[key]).lower() if isinstance(record[key], bool) else str(record[key]))
            for key in ("commit", "uncommitted_changes", "date", "python")]
    rows += [(f"package:{name}", str(value)) for name, value in record["packages"].items()]
    rows += [(f"parameter:{chapter}:{name}", json.dumps(value, ensure_ascii=False))
             for chapter, values in record["parameters"].items() for name, value in values.items()]
    rows += [(f"data:{path}", sha256) for path, sha256 in record["data_files"].items()]
    return rows


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    """Rows as CSV text (RFC 4180 quoting, Unix line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def site_files(record: dict[str, Any], report: dict[str, Any] | None) -> dict[str, str]:
    """The files of :data:`SITE_RECORD` and, when the reproduction report is given, of :data:`SITE_REPORT` (its
    figures, with the record under ``run`` in JSON and as two columns, ``commit`` and ``built``, in CSV)."""
    files = {SITE_RECORD[0]: json.dumps(record, indent=1, ensure_ascii=False) + "\n",
             SITE_RECORD[1]: csv_text(["field", "value"], [list(row) for row in record_rows(record)])}
    if report is not None:
        figures = report.get("figures", [])
        files[SITE_REPORT[0]] = json.dumps({**report, "run": record}, indent=1, ensure_ascii=False) + "\n"
        columns = list(dict.fromkeys(key for figure in figures for key in figure))
        files[SITE_REPORT[1]] = csv_text([*columns, "commit", "built"],
                                         [[figure.get(c) for c in columns] + [record["commit"], record["date"]]
                                          for figure in figures])
    return files

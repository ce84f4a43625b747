"""Where the project's files are."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """Return the book's root folder (the one holding ``data/datapackage.json``).

    ``MICROWORK_ROOT`` wins when set; otherwise the folder is found from this
    package's location (editable install) or from the current directory upwards.
    """
    env = os.environ.get("MICROWORK_ROOT")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[3])  # src/microwork/analysis/paths.py -> the book
    here = Path.cwd().resolve()
    candidates.extend([here, *here.parents])
    for candidate in candidates:
        if (candidate / "data" / "datapackage.json").is_file():
            return candidate.resolve()
    raise FileNotFoundError(
        "cannot find the book's root: no data/datapackage.json above "
        f"{here}; set MICROWORK_ROOT to the folder of the book"
    )


def data_dir() -> Path:
    """The folder of the data package."""
    return project_root() / "data"


def chapters_dir() -> Path:
    """The folder of the chapter notebooks and pages."""
    return project_root() / "chapters"

"""Reading chapter notebooks: a notebook that is not one gets an error naming the file and what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class NotebookError(ValueError):
    """Raised when a chapter notebook cannot be read as a notebook; names the file and what is wrong."""


def read_notebook(path: Path, root: Path | None = None) -> dict[str, Any]:
    """A notebook's JSON, checked to be a notebook: an object with a list of cells, each with a type and a source.

    Raises :class:`NotebookError` naming the file and the problem (never a bare JSON error).
    """
    name = path.relative_to(root) if root and path.is_relative_to(root) else path
    try:
        notebook = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise NotebookError(f"{name}: the notebook is missing") from None
    except UnicodeDecodeError as error:
        raise NotebookError(f"{name}: not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise NotebookError(f"{name}: not a valid notebook: invalid JSON at line {error.lineno}, "
                            f"column {error.colno} ({error.msg})") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise NotebookError(f"{name}: not a valid notebook: no list of 'cells'")
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw") \
                or not isinstance(cell.get("source"), (str, list)):
            raise NotebookError(f"{name}: not a valid notebook: cell {index} has no valid 'cell_type' and 'source'")
    return notebook


def source_of(cell: dict[str, Any]) -> str:
    """A cell's source as one string (notebooks store it as a string or a list of lines)."""
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source

"""Papermill's engine in this venv: a chapter's parameter names are checked before its kernel starts.

Plain ``papermill chapters/size.ipynb out.ipynb -p NAME VALUE`` only warns about a NAME the notebook does not
declare, and writes any NAME, even one holding code, into the injected cell. :class:`ChapterEngine` is papermill's
nbclient engine with one step first: for a notebook in ``chapters/`` that has a cell tagged ``parameters``, it
refuses a name that is not a Python identifier, a name the chapter does not declare, and a value
:func:`microwork.analysis.params.check` refuses. Every other notebook runs as papermill runs it.

``pyproject.toml`` registers the class as papermill's ``nbclient`` engine (entry point group ``papermill.engine``);
papermill's CLI and ``execute_notebook`` use the engine registered under ``None`` unless ``--engine`` names one, so
loading this module registers the class under ``None`` too. Papermill loads this module while it imports itself:
import papermill first, not this module.
"""

from __future__ import annotations

import difflib
import keyword
import os
from pathlib import Path
from typing import Any

import click
from nbformat import NotebookNode
from papermill.engines import NBClientEngine, papermill_engines
from papermill.iorw import papermill_io
from papermill.utils import find_first_tagged_cell_index

from ..analysis import params
from ..analysis.paths import chapters_dir


class ParameterRefused(click.ClickException, ValueError):
    """Parameters a chapter refuses; papermill's CLI prints ``Error: <message>`` (one line) and exits 1."""


def caller_directory() -> Path:
    """The folder papermill reads a relative input path from (its local file handler's).

    ``execute_notebook`` sets it to the caller's working folder for the whole run; ``--cwd`` moves only the kernel,
    and the engine runs inside that move.
    """
    return Path(getattr(papermill_io.get_handler("local"), "_cwd", None) or os.getcwd())


def chapter_notebook(input_path: Any) -> Path | None:
    """The chapter notebook papermill was given, or None when ``input_path`` is not a file in ``chapters/``."""
    if not isinstance(input_path, (str, os.PathLike)):
        return None
    path = (caller_directory() / input_path).resolve()  # an absolute input_path stays as it is
    try:
        chapters = chapters_dir().resolve()
    except FileNotFoundError:  # no book here
        return None
    return path if path.suffix == ".ipynb" and path.parent == chapters and path.is_file() else None


def name_problem(name: Any, declared: dict[str, params.Parameter]) -> str | None:
    """What is wrong with one parameter name, or None when the chapter declares it."""
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        return f"parameter name {name!r} is not a Python identifier"
    if name in declared:
        return None
    close = difflib.get_close_matches(name, declared, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown parameter {name!r} ({hint}known: {', '.join(declared) or 'none'})"


def one_line(error: params.ParameterError) -> str:
    """A refusal of :mod:`~microwork.analysis.params` (a heading, then one ``  - `` line per problem) on one line."""
    heading, *problems = str(error).splitlines()
    return " ".join([heading, "; ".join(line.strip().removeprefix("- ") for line in problems)]).strip()


def refusal(nb: NotebookNode) -> str | None:
    """Why the parameters papermill injected into ``nb`` are refused, or None when ``nb`` may run."""
    papermill = nb.metadata.get("papermill", {})
    given = papermill.get("parameters") or {}
    path = chapter_notebook(papermill.get("input_path"))
    if not given or path is None or find_first_tagged_cell_index(nb, "parameters") < 0:
        return None
    try:
        declared = params.read_parameters(str(path))
        problems = [problem for name in given if (problem := name_problem(name, declared))]
        if not problems:
            params.check(str(path), **given)
    except params.ParameterError as error:
        problems = [one_line(error)]
    return f"{papermill['input_path']}: {'; '.join(problems)}" if problems else None


class ChapterEngine(NBClientEngine):
    """Papermill's nbclient engine, refusing a chapter's bad parameters before the kernel starts."""

    @classmethod
    def execute_notebook(cls, nb: NotebookNode, kernel_name: str, **kwargs: Any) -> NotebookNode:
        """Raise :class:`ParameterRefused`, or execute ``nb`` as papermill's nbclient engine does."""
        if reason := refusal(nb):
            raise ParameterRefused(reason)
        return super().execute_notebook(nb, kernel_name, **kwargs)


papermill_engines.register(None, ChapterEngine)

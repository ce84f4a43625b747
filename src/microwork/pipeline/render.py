"""Render a staged book to HTML with Jupyter Book's Sphinx build: ``python -m microwork.pipeline.render STAGE HTML``.

``python -m microwork.pipeline.render --wait ROOT`` is the same render started ahead by the build
(:mod:`microwork.pipeline.renderers`): it first imports what rendering the book at ``ROOT`` will import (Sphinx's own
extensions, and the extensions and theme its ``_config.yml`` names), then reads the stage and HTML folders from
its standard input (one line: a JSON list of the two paths) and renders them; an empty line renders nothing.

Equivalent to ``jupyter-book build STAGE -W -n --keep-going`` (book build, external table of
contents, nitpicky, warnings as errors), called through Jupyter Book's own ``build_sphinx``, with
notebook execution switched off: the staged notebooks were executed by papermill. The staged
``_config.yml`` is the book's own (``execute_notebooks: force`` for a plain ``jupyter-book build .``);
Jupyter Book merges ``confoverrides`` after it, so :data:`OVERRIDES` win.

Its output is plain text (no colours: the build relays it). When a file cannot be written (a full disk, a
read-only folder), its last line is that error as JSON (``errno``, ``strerror``, ``filename``), for the build to
report in one line.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import sys
from pathlib import Path

from jupyter_book.config import get_final_config
from jupyter_book.sphinx import build_sphinx
from sphinx.application import builtin_extensions
from sphinx.util.console import nocolor


OVERRIDES = {"nb_execution_mode": "off", "nitpicky": True, "latex_individualpages": False}


class FileErrors:
    """The file-system errors Sphinx only logs as warnings ("error writing file …: [Errno 28] …"), noted as each
    log record is made."""

    def __init__(self) -> None:
        self.found: list[OSError] = []
        self.make_record = logging.getLogRecordFactory()
        logging.setLogRecordFactory(self.record)

    def record(self, *args, **kwargs) -> logging.LogRecord:
        """Make a log record as usual, noting any file-system error among its arguments."""
        made = self.make_record(*args, **kwargs)
        if isinstance(made.args, tuple):
            self.found += [argument for argument in made.args if isinstance(argument, OSError)]
        return made


def file_error(error: BaseException | None) -> OSError | None:
    """The file-system error behind ``error`` (Sphinx wraps an extension's errors), if there is one."""
    while error is not None and not isinstance(error, OSError):
        error = getattr(error, "orig_exc", None) or error.__cause__ or error.__context__
    return error


def render(stage: Path, html: Path) -> int:
    """Build ``stage`` into ``html``; return 0 on success (warnings count as failures). If a file could not be
    written, print that error as JSON last."""
    nocolor()
    logged = FileErrors()
    error = build_sphinx(
        stage, html, use_external_toc=True, noconfig=True, path_config=str(stage / "_config.yml"),
        confoverrides={**OVERRIDES, "external_toc_path": (stage / "_toc.yml").as_posix()},
        builder="html", warningiserror=True, keep_going=True, freshenv=True, quiet=True,
    )
    if error is None or error == 0:
        return 0
    failure = file_error(error) if isinstance(error, BaseException) else None
    if failure is None and logged.found:
        failure = logged.found[0]
    if failure is not None:
        print(json.dumps({"errno": failure.errno, "strerror": failure.strerror or str(failure),
                          "filename": failure.filename and str(failure.filename)}), flush=True)
    return 1


def imported_by_render(root: Path) -> list[str]:
    """The modules a render of the book at ``root`` imports as Sphinx starts: Sphinx's built-in extensions, then the
    extensions and the theme of its configuration as Jupyter Book makes it (the book's ``_config.yml`` and
    :data:`OVERRIDES`)."""
    config, _ = get_final_config(
        user_yaml=root / "_config.yml", sourcedir=root, use_external_toc=True,
        cli_config={**OVERRIDES, "external_toc_path": (root / "_toc.yml").as_posix()})
    return [*builtin_extensions, *config.get("extensions", []), *filter(None, [config.get("html_theme")])]


def preload(root: Path) -> None:
    """Import :func:`imported_by_render` now, before the stage is written. Only time is at stake: a configuration or
    module that fails here is left for the render itself to report, as it would without this."""
    try:
        names = imported_by_render(root)
    except Exception:
        return
    for name in names:
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def wait_and_render(root: Path) -> int:
    """:func:`preload` the book at ``root``, then render the stage and HTML folders read from standard input (a
    JSON list of two paths, on one line); nothing for an empty line."""
    preload(root)
    line = sys.stdin.readline().strip()
    if not line:
        return 0
    stage, html = json.loads(line)
    return render(Path(stage).resolve(), Path(html).resolve())


if __name__ == "__main__":
    if sys.argv[1] == "--wait":
        sys.exit(wait_and_render(Path(sys.argv[2]).resolve()))
    sys.exit(render(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()))

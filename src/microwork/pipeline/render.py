"""Render a staged book to HTML with Jupyter Book's Sphinx build: ``python -m microwork.pipeline.render STAGE HTML``.

``python -m microwork.pipeline.render --jobs ROOT IN:OUT [IN:OUT ...]`` is the same render started ahead by the
build (:mod:`microwork.pipeline.renderers`), for several editions at once: it first imports, once, what rendering the
book at ``ROOT`` will import (Sphinx's own extensions, and the extensions and theme its ``_config.yml`` names), then
forks one render per pair of pipe descriptors. Each reads its job from ``IN`` (one line: a JSON list of the stage and
HTML folders; an empty line renders nothing), writes its output to ``OUT``, and ends it with :data:`EXIT` and its
exit code.

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
import os
import signal
import sys
import traceback
from pathlib import Path

from jupyter_book.config import get_final_config
from jupyter_book.sphinx import build_sphinx
from sphinx.application import builtin_extensions
from sphinx.util.console import nocolor

from .children import die_with_parent


# Ends a forked render's output, followed by its exit code: a marker no Sphinx output contains.
EXIT = "\0microwork render ended: "
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


def render_job() -> int:
    """Render the stage and HTML folders read from standard input (a JSON list of two paths, on one line); nothing
    for an empty line."""
    line = sys.stdin.readline().strip()
    if not line:
        return 0
    stage, html = json.loads(line)
    return render(Path(stage).resolve(), Path(html).resolve())


def run_forked_job(job: int, output: int, descriptors: set[int], parent: int) -> int:
    """In a forked render: take ``job`` as standard input and ``output`` as standard output and error (closing the
    other ``descriptors``), die with the ``parent``, do :func:`render_job`, and end the output with :data:`EXIT` and
    the exit code; return that code. The render ends as a process of its own would, by returning to the interpreter
    (whose exit stops what the render started, such as sphinx-sitemap's multiprocessing manager)."""
    code = 1
    try:
        os.dup2(job, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        for descriptor in descriptors - {0, 1, 2}:
            os.close(descriptor)
        die_with_parent(signal.SIGKILL, parent)
        code = render_job()
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:  # noqa: BLE001 - whatever fails, the build gets its traceback and an exit code
        traceback.print_exc()
    sys.stderr.flush()
    print(f"{EXIT}{code}", flush=True)
    return code


def render_jobs(root: Path, jobs: list[tuple[int, int]]) -> int:
    """:func:`preload` the book at ``root`` once, then fork one render per pair of descriptors in ``jobs`` (its
    standard input, its output: :func:`run_forked_job`). In this process, return once they have all ended; in each
    render, its exit code."""
    preload(root)
    descriptors = {descriptor for pair in jobs for descriptor in pair}
    sys.stdout.flush()
    sys.stderr.flush()
    parent, children = os.getpid(), []
    for job, output in jobs:
        child = os.fork()
        if child == 0:
            return run_forked_job(job, output, descriptors, parent)
        children.append(child)
    for descriptor in descriptors:
        os.close(descriptor)
    quiet = os.open(os.devnull, os.O_WRONLY)  # the first render's output ends with that render, not with this process
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    for child in children:
        os.waitpid(child, 0)
    return 0


def job_pipes(arguments: list[str]) -> list[tuple[int, int]]:
    """The ``IN:OUT`` descriptor pairs of the command line."""
    return [(int(job), int(output)) for job, output in (argument.split(":") for argument in arguments)]


if __name__ == "__main__":
    if sys.argv[1] == "--jobs":
        sys.exit(render_jobs(Path(sys.argv[2]).resolve(), job_pipes(sys.argv[3:])))
    sys.exit(render(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()))

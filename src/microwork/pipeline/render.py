"""Render a staged book to HTML with Jupyter Book's Sphinx build: ``python -m microwork.pipeline.render STAGE HTML``.

Equivalent to ``jupyter-book build STAGE -W -n --keep-going`` (book build, external table of
contents, nitpicky, warnings as errors), called through Jupyter Book's own ``build_sphinx``, with
notebook execution switched off: the staged notebooks were executed by papermill. The staged
``_config.yml`` is the book's own (``execute_notebooks: force`` for a plain ``jupyter-book build .``);
Jupyter Book merges ``confoverrides`` after it, so :data:`OVERRIDES` win.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jupyter_book.sphinx import build_sphinx


OVERRIDES = {"nb_execution_mode": "off", "nitpicky": True, "latex_individualpages": False}


def render(stage: Path, html: Path) -> int:
    """Build ``stage`` into ``html``; return 0 on success (warnings count as failures)."""
    error = build_sphinx(
        stage, html, use_external_toc=True, noconfig=True, path_config=str(stage / "_config.yml"),
        confoverrides={**OVERRIDES, "external_toc_path": (stage / "_toc.yml").as_posix()},
        builder="html", warningiserror=True, keep_going=True, freshenv=True, quiet=True,
    )
    return 0 if error is None or error == 0 else 1


if __name__ == "__main__":
    sys.exit(render(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()))

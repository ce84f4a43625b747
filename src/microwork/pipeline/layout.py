"""Where things are: the table of contents, every path under ``_build``, and a clean copy of the book's sources.

Every module that reads the table of contents or writes under ``_build`` asks here, so that the layout is
written down once:

``_build/html``                          a link to the newest complete site (``_build/sites/<site>/_build/html``)
``_build/.cache/chapters/<chapter>/``    a chapter's cached execution (see :mod:`microwork.pipeline.cache`)
``_build/.stage``, ``_build/sites``      the staged copy of the book and the rendered sites
``_build/sites/<site>/.microwork-site``  marks a site folder the build made: the only folders it ever prunes
``_build/.stage-fr``                     the staged French copy (its site is ``fr/`` inside the English one)
``_build/failed``, ``_build/runs``       notebooks of failed chapters, and ``microwork run`` results
``_build/html/pdf/<edition>``            PDFs (``students``, ``teachers``: see :mod:`microwork.pipeline.pdf`), part of the site
``_build/html/fr/pdf/<edition>``         the same PDFs of the French edition
``_build/reproduce``                     the reproduction report
``_build/.lock``                         held by the command writing under ``_build`` (one at a time)

Outside the book, :func:`user_cache` keeps what is made from the installed packages alone, for every copy of the book
on the machine: the Vega bundle, the theme's parsed style sheets.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import yaml

# Folders that are not part of the book's sources: environments, builds, tool caches, version control.
NOT_SOURCES = {".venv", ".venv-cff", "_build", ".git", ".pytest_cache", "node_modules", "figures", "__pycache__",
               ".ipynb_checkpoints", ".ruff_cache", ".mypy_cache"}


def user_cache() -> Path:
    """The user's cache folder for the book's builds (``$XDG_CACHE_HOME/microwork``, by default
    ``~/.cache/microwork``): files made from the installed packages alone, named by what they are made from, so that
    a copy of the book, or a build after ``make clean``, finds them made."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "microwork"


class BuildError(RuntimeError):
    """Raised when the book cannot be built; the previous site is untouched."""


class Layout:
    """Every path under a book's ``_build`` folder (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.build = root / "_build"
        self.html = self.build / "html"
        self.chapters_cache = self.build / ".cache" / "chapters"
        self.figures_cache = self.build / ".cache" / "figures"
        self.site_key = self.build / ".cache" / "site.key"
        self.stage = self.build / ".stage"
        self.sites = self.build / "sites"
        self.failed = self.build / "failed"
        self.runs = self.build / "runs"
        self.reproduce_report = self.build / "reproduce" / "report.json"
        # The report that the reproduction chapter writes next to its figures during a build.
        self.reproduction_report = self.cached("reproduction") / "figures" / "reproduction-report.json"

    def stage_in(self, language: str) -> Path:
        """The staged copy of the book in another language than English (``_build/.stage-fr``)."""
        return self.build / f".stage-{language}"

    def cached(self, chapter: str) -> Path:
        """The cache entry of one chapter."""
        return self.chapters_cache / chapter


def read_yaml(path: Path, root: Path) -> dict:
    """A YAML mapping from one of the book's configuration files, or a :class:`BuildError` naming what is wrong."""
    name = path.relative_to(root)
    try:
        value = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(f"{name}: the file is missing") from None
    except UnicodeDecodeError:
        raise BuildError(f"{name}: not UTF-8 text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise BuildError(f"{name}: invalid YAML{where}: {getattr(error, 'problem', None) or error}") from None
    if not isinstance(value, dict):
        raise BuildError(f"{name}: expected a mapping of settings, found {type(value).__name__}")
    return value


def toc_files(root: Path) -> list[str]:
    """Every document of ``_toc.yml`` (without suffix), root first, as Jupyter Book's own parser
    (``sphinx_external_toc``) reads it; each must exist as .md or .ipynb."""
    from sphinx_external_toc.parsing import MalformedError, parse_toc_yaml

    read_yaml(root / "_toc.yml", root)  # a YAML error is named with its line and column
    try:
        names = list(parse_toc_yaml(root / "_toc.yml"))
    except MalformedError as error:
        raise BuildError(f"_toc.yml: {error}") from None
    for name in names:
        if not any((root / f"{name}{suffix}").is_file() for suffix in (".md", ".ipynb")):
            raise BuildError(f"_toc.yml names {name!r}, but there is no {name}.md or {name}.ipynb")
    return names


def toc_parts(root: Path) -> dict[str, str]:
    """The caption of the part ("Study", "Appendices") that each document of ``_toc.yml`` is listed in, if any."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    toc_files(root)  # the same checks and messages
    site_map = parse_toc_yaml(root / "_toc.yml")
    parts: dict[str, str] = {}

    def visit(docname: str, caption: str | None) -> None:
        if caption:
            parts[docname] = caption
        for subtree in site_map[docname].subtrees:
            for item in subtree.items:
                if isinstance(item, str) and item in site_map:
                    visit(item, subtree.caption or caption)

    visit(site_map.root.docname, None)
    return parts


def copy_sources(root: Path, target: Path) -> Path:
    """Copy the book's sources (no environment, build, cache or git folders) into ``target``; return it."""
    shutil.copytree(root, target, ignore=lambda folder, names: [n for n in names if n in NOT_SOURCES])
    return target

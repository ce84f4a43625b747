"""The accessibility fixes of the Sphinx extension: applied to a small book, and loud when one stops matching."""

from __future__ import annotations

from pathlib import Path

import pytest
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import SphinxWarning
from sphinx.util.docutils import docutils_namespace, patch_docutils

from microwork.pipeline import sphinxext

PAGE = """Page
====

A claim [Source2019]_.

.. [Source2019] A source.
"""


def build(source: Path) -> str:
    """Build a one-page book with the book's theme and the extension (warnings are errors); return its HTML."""
    source.mkdir(exist_ok=True)
    (source / "index.rst").write_text(PAGE, encoding="utf-8")
    with patch_docutils(source), docutils_namespace():
        app = Sphinx(source, None, source / "_build" / "html", source / "_build" / ".doctrees", "html",
                     confoverrides={"extensions": ["microwork.pipeline.sphinxext"], "html_theme": "sphinx_book_theme"},
                     status=None, warning=None, freshenv=True, warningiserror=True)
        app.build()
    return (source / "_build" / "html" / "index.html").read_text(encoding="utf-8")


def test_fixes_are_applied(tmp_path):
    html = build(tmp_path / "book")
    assert 'role="listitem"' in html and "doc-biblioentry" not in html
    assert 'search-button-field search-button__button pst-js-only" title="Search" data-bs-placement' in html
    assert html.count('aria-hidden="true"></i>') == 3 and 'title="System Settings"' not in html


def test_a_body_fix_that_matches_nothing_fails_the_build(tmp_path, monkeypatch):
    monkeypatch.setattr(sphinxext, "BODY_FIXES", [(nodes.citation, sphinxext.Fix('role="gone"', "", "a test"))])
    with pytest.raises(SphinxWarning, match="accessibility fix matches nothing: 'role=\"gone\"'"):
        build(tmp_path / "book")


def test_a_template_fix_that_matches_nothing_fails_the_build(tmp_path, monkeypatch):
    fixes = {**sphinxext.TEMPLATE_FIXES, "theme-switcher.html": [sphinxext.Fix('title="gone"', "", "a test")]}
    monkeypatch.setattr(sphinxext, "TEMPLATE_FIXES", fixes)
    with pytest.raises(SphinxWarning, match="accessibility fix matches nothing in .*theme-switcher.html"):
        build(tmp_path / "book")


def test_a_stale_override_fails_the_build(tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    templates.mkdir()
    for name in sphinxext.TEMPLATE_FIXES:
        (templates / name).write_text((sphinxext.TEMPLATES / name).read_text(encoding="utf-8") + "\n<!-- older -->")
    monkeypatch.setattr(sphinxext, "TEMPLATES", templates)
    with pytest.raises(SphinxWarning, match="is not the theme's .* with its fixes"):
        build(tmp_path / "book")

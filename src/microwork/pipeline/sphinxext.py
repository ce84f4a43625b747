"""Sphinx extension: serve Vega from the site itself and draw the book's charts offline.

Added to the book by ``_config.yml`` (``sphinx.extra_extensions``), so that both
``make book`` and a plain ``jupyter-book build .`` get it. The Vega, Vega-Lite and
vega-embed code is the bundle shipped in the ``vl-convert-python`` wheel; it is
written into the site's ``_static`` folder and loaded only by pages with a chart.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import vl_convert as vlc

STATIC = Path(__file__).parent / "static"
BUNDLE = "vendor/vega-bundle.js"


def bundle_cache() -> Path:
    """Where the generated Vega bundle is kept between builds (it takes a second or two to generate)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "microwork" / f"vega-bundle-vl-convert-{vlc.__version__}.js"


def vega_bundle() -> str:
    """The Vega, Vega-Lite and vega-embed bundle of vl-convert, wrapped in a function.

    The bundle is a plain script with top-level declarations; the wrapper keeps them from
    colliding with other scripts' globals. It still sets ``window.vegaEmbed``.
    """
    cache = bundle_cache()
    if cache.is_file():
        return cache.read_text(encoding="utf-8")
    code = "(function () {\n" + vlc.javascript_bundle() + "\n})();\n"
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(code, encoding="utf-8")
    except OSError:  # a read-only home: generate it every time
        pass
    return code


def write_bundle(app: Any) -> None:
    """Write the Vega bundle into a static folder of this build."""
    folder = Path(app.doctreedir).parent / "microwork_static"
    target = folder / BUNDLE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(vega_bundle(), encoding="utf-8")
    app.config.html_static_path.extend([str(folder), str(STATIC)])


def cache_bibtex_plugin_lookups() -> None:
    """Look up each pybtex / sphinxcontrib-bibtex plugin's entry point once per build, not once per citation.

    Both libraries call ``importlib.metadata.entry_points(group=..., name=...)`` for every
    citation they format, and each call scans every installed package (seconds per build).
    The installed packages do not change during a build, so the answer is cached.
    """
    import pybtex.plugin
    import sphinxcontrib.bibtex.plugin

    for module in (pybtex.plugin, sphinxcontrib.bibtex.plugin):
        lookup = module.entry_points
        if not hasattr(lookup, "cache_info"):
            module.entry_points = functools.lru_cache(maxsize=None)(
                lambda group=None, name=None, _lookup=lookup: tuple(_lookup(group=group, name=name)))


def is_thebe(asset: Any) -> bool:
    """True for the scripts and styles of sphinx-thebe (live code from a remote kernel, off in this offline book)."""
    return "thebe" in str(getattr(asset, "filename", asset)) or "THEBE" in getattr(asset, "attributes", {}).get("body", "")


def add_chart_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Load the Vega bundle and the chart script only on pages that have a chart; drop thebe."""
    if not context.get("default_mode"):  # the theme's colour mode; empty makes it log a console error
        context["default_mode"] = "auto"
    for key in ("script_files", "css_files"):
        if key in context:
            context[key][:] = [asset for asset in context[key] if not is_thebe(asset)]
    if doctree is not None and "mw-vega" in context.get("body", ""):
        app.add_js_file(BUNDLE, loading_method="defer")
        app.add_js_file("microwork-charts.js", loading_method="defer")


# Accessibility fixes to the HTML that the theme and docutils write (found by the axe-core browser test).
ACCESSIBILITY_FIXES = [
    # pydata-sphinx-theme's search field is labelled "Search" while it shows "Search Ctrl+K": the label must
    # contain the visible text, so the field is left to be named by its content.
    ('class="btn search-button-field search-button__button pst-js-only" title="Search" aria-label="Search"',
     'class="btn search-button-field search-button__button pst-js-only" title="Search"'),
    # The theme's colour-mode button is labelled "Color mode"; the titles of its icons became visible text
    # that did not match the label. The button keeps its label; the icons are decorative.
    ('data-mode="light" title="Light"></i>', 'data-mode="light" aria-hidden="true"></i>'),
    ('data-mode="dark"  title="Dark"></i>', 'data-mode="dark" aria-hidden="true"></i>'),
    ('data-mode="auto"  title="System Settings"></i>', 'data-mode="auto" aria-hidden="true"></i>'),
    # sphinx-togglebutton labels its summary "Toggle hidden content" while it shows "Show code cell content".
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    # docutils puts bibliography entries with role "doc-biblioentry" in a role="list": a list needs "listitem"s.
    ('role="doc-biblioentry"', 'role="listitem"'),
]


def fix_accessibility(app: Any, exception: Exception | None) -> None:
    """Apply :data:`ACCESSIBILITY_FIXES` to every HTML page written."""
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = text
        for old, new in ACCESSIBILITY_FIXES:
            fixed = fixed.replace(old, new)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    cache_bibtex_plugin_lookups()
    app.connect("builder-inited", write_bundle)
    app.connect("html-page-context", add_chart_scripts)
    app.connect("build-finished", fix_accessibility)
    app.add_css_file("microwork.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}

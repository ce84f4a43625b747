"""Sphinx extension: serve Vega from the site itself, draw the book's charts offline, fix the theme's accessibility.

Added to the book by ``_config.yml`` (``sphinx.extra_extensions``), so that both
``make book`` and a plain ``jupyter-book build .`` get it. The Vega, Vega-Lite and
vega-embed code is the bundle shipped in the ``vl-convert-python`` wheel; it is
written into the site's ``_static`` folder and loaded only by pages with a chart.

The accessibility fixes (found by the axe-core browser test) override the theme's templates
(:data:`TEMPLATE_FIXES`) and fix the body of the pages that have the node concerned
(:data:`BODY_FIXES`); a fix that no longer matches is a Sphinx warning, so the build fails.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import vl_convert as vlc
from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
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


@dataclass(frozen=True)
class Fix:
    """One accessibility fix (found by the axe-core browser test): the markup ``old`` becomes ``new``."""

    old: str
    new: str
    why: str


# Fixes to the theme's templates. Each is applied by an override in TEMPLATES: the theme's own template (as the
# themes include it, by name) with the fixes applied, and a header line. The build checks that every override is
# still exactly that, so that a theme upgrade can neither make a fix match nothing nor leave a stale copy.
DECORATIVE_ICONS = ("the titles of the colour-mode button's icons became visible text that did not match the "
                    "button's label ('Color mode'): the button keeps its label, the icons are decorative")
TEMPLATE_FIXES: dict[str, list[Fix]] = {
    "search-button-field.html": [
        Fix('''title="{{ _('Search') }}" aria-label="{{ _('Search') }}"''', '''title="{{ _('Search') }}"''',
            "pydata-sphinx-theme labels its search field 'Search' while it shows 'Search Ctrl+K': the label must "
            "contain the visible text, so the field is left to be named by its content"),
    ],
    "theme-switcher.html": [
        Fix('''data-mode="light" title="{{ _('Light') }}"></i>''', 'data-mode="light" aria-hidden="true"></i>',
            DECORATIVE_ICONS),
        Fix('''data-mode="dark"  title="{{ _('Dark') }}"></i>''', 'data-mode="dark" aria-hidden="true"></i>',
            DECORATIVE_ICONS),
        Fix('''data-mode="auto"  title="{{ _('System Settings') }}"></i>''', 'data-mode="auto" aria-hidden="true"></i>',
            DECORATIVE_ICONS),
    ],
}
OVERRIDE_HEADER = "{{#- The theme's {name}, with the accessibility fixes of microwork.pipeline.sphinxext.TEMPLATE_FIXES -#}}\n"

# Fixes to the body of the pages that have the node whose HTML they fix.
BODY_FIXES: list[tuple[type[nodes.Node], Fix]] = [
    (HideCodeCellNode, Fix('<summary aria-label="Toggle hidden content">', "<summary>",
                           "myst-nb labels its summary 'Toggle hidden content' while it shows 'Show code cell content'")),
    (nodes.citation, Fix('role="doc-biblioentry"', 'role="listitem"',
                         "docutils puts bibliography entries with role 'doc-biblioentry' in a role='list': a list needs "
                         "'listitem's")),
]


def fixed(text: str, fix: Fix, docname: str | None = None, template: Path | None = None) -> str | None:
    """``text`` (the body of page ``docname``, or the source of ``template``) with ``fix`` applied; if it matches
    nothing, ``None`` and a Sphinx warning (an error in the book's builds)."""
    if fix.old not in text:
        where = f" in {template}" if template else ""
        LOGGER.warning(f"accessibility fix matches nothing{where}: {fix.old!r} is not there any more ({fix.why}); "
                       "the theme or an extension changed: update microwork.pipeline.sphinxext",
                       location=docname, type="microwork", subtype="accessibility")
        return None
    return text.replace(fix.old, fix.new)


def add_templates_path(app: Any, config: Any) -> None:
    """Put :data:`TEMPLATES` first in ``templates_path``: its overrides win over the themes' templates.

    A new list: the default one is shared by every Sphinx application of the process."""
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def theme_template(app: Any, name: str) -> Path | None:
    """The template ``name`` that Sphinx would use without :data:`TEMPLATES` (the themes' own), if any."""
    folders = [Path(app.confdir, folder) for folder in app.config.templates_path]
    folders = [folder for folder in folders if folder != TEMPLATES] + [Path(d) for d in app.builder.theme.get_theme_dirs()]
    return next((folder / name for folder in folders if (folder / name).is_file()), None)


def expected_override(app: Any, name: str) -> str | None:
    """What the override of ``name`` must be: the theme's template with its fixes applied; ``None`` (and a
    warning) if the themes have no such template any more or one of its fixes matches nothing in it."""
    original = theme_template(app, name)
    if original is None:
        LOGGER.warning(f"accessibility fix: the themes have no template {name} any more; update or remove "
                       f"{TEMPLATES / name}", type="microwork", subtype="accessibility")
        return None
    source: str | None = original.read_text(encoding="utf-8")
    for fix in TEMPLATE_FIXES[name]:
        if (source := fixed(source, fix, template=original)) is None:
            return None
    return OVERRIDE_HEADER.format(name=name) + source


def check_template_overrides(app: Any) -> None:
    """Warn (fail the build) unless each override of :data:`TEMPLATES` is the theme's template with its fixes."""
    if getattr(app.builder, "theme", None) is None:  # not an HTML build
        return
    for name in TEMPLATE_FIXES:
        expected = expected_override(app, name)
        override = TEMPLATES / name
        if expected is not None and (not override.is_file() or override.read_text(encoding="utf-8") != expected):
            LOGGER.warning(f"accessibility fix: {override} is not the theme's {name} with its fixes (the theme "
                           f"changed?): write it again from {theme_template(app, name)}", type="microwork",
                           subtype="accessibility")
    for extra in set(p.name for p in TEMPLATES.glob("*.html")) - set(TEMPLATE_FIXES):
        LOGGER.warning(f"accessibility fix: {TEMPLATES / extra} overrides a template with no fix in "
                       "TEMPLATE_FIXES", type="microwork", subtype="accessibility")


def fix_body(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Apply :data:`BODY_FIXES` to the body of a page that has the node each fixes."""
    if doctree is None or "body" not in context:
        return
    for node_type, fix in BODY_FIXES:
        if doctree.next_node(node_type) is not None and (body := fixed(context["body"], fix, docname=pagename)) is not None:
            context["body"] = body


def setup(app: Any) -> dict[str, Any]:
    cache_bibtex_plugin_lookups()
    app.connect("config-inited", add_templates_path)
    app.connect("builder-inited", write_bundle)
    app.connect("builder-inited", check_template_overrides)
    app.connect("html-page-context", add_chart_scripts)
    app.connect("html-page-context", fix_body)
    app.add_css_file("microwork.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: serve Vega from the site itself, draw the book's charts offline, fix the theme's accessibility,
make the pages light and quick to show, and describe them for search engines and link previews.

Added to the book by ``_config.yml`` (``sphinx.extra_extensions``), so that both
``make book`` and a plain ``jupyter-book build .`` get it. The Vega, Vega-Lite and
vega-embed code is the bundle shipped in the ``vl-convert-python`` wheel; it is
written into the site's ``_static`` folder and loaded only by pages with a chart, and only when
a chart is on the screen, or near it once the reader scrolls (``microwork-charts.js``).

The accessibility, navigation and speed fixes override the theme's templates (:data:`TEMPLATE_FIXES`) and fix
the body of the pages that have the node concerned (:data:`BODY_FIXES`); a fix that no longer
matches is a Sphinx warning, so the build fails. No script in a page's ``<head>`` holds up its
text (:func:`defer_head_scripts`); Font Awesome's script is not loaded (``microwork.css`` draws
the few icons the pages use); the pages link one style sheet, written after them
(:func:`write_stylesheet`, ``microwork.pipeline.stylesheet``). Every page gets a meta description (:func:`add_description`), and
OpenGraph tags and a sitemap when ``html.baseurl`` is set in ``_config.yml`` (:func:`check_base_url`).
"""

from __future__ import annotations

import functools
import gettext
import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import vl_convert as vlc
import yaml
from docutils import nodes
from markupsafe import Markup
from myst_nb.sphinx_ import HideCodeCellNode
from sphinx import locale as sphinx_locale
from sphinx.errors import ConfigError
from sphinx.util import logging

from microwork.analysis.data import bibliography_fields
from microwork.pipeline import typography
from microwork.pipeline.site_texts import BIBLIOGRAPHY_TEXTS, GENERATED_PAGES, LANGUAGE_NAMES, PAGE_DESCRIPTION, SEARCH_BOX, THEME_TEXTS
from microwork.pipeline.citations import register_citation_styles
from microwork.pipeline.pdf_links import add_pdf_line
from microwork.pipeline.layout import user_cache
from microwork.pipeline.exercise_links import add_exercise_facts, add_exercise_lines
from microwork.pipeline.record import add_build_line, remember_record, write_record_files
from microwork.pipeline.repository import CONFIG, RepositoryError, resolve
from microwork.pipeline.search import register_search_languages
from microwork.pipeline.stylesheet import CACHE_VARIABLE, SITE_STYLESHEET, write_site_stylesheet

LOGGER = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
BUNDLE = "vendor/vega-bundle.js"


def bundle_cache() -> Path:
    """Where the generated Vega bundle is kept between builds (it takes a second or two to generate)."""
    return user_cache() / f"vega-bundle-vl-convert-{vlc.__version__}.js"


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
    """Load the chart script only on pages that have a chart (it loads the Vega bundle when a chart is on the
    screen, or near it once the reader scrolls); drop thebe."""
    if not context.get("default_mode"):  # the theme's colour mode; empty makes it log a console error
        context["default_mode"] = "auto"
    for key in ("script_files", "css_files"):
        if key in context:
            context[key][:] = [asset for asset in context[key] if not is_thebe(asset)]
    if doctree is not None and "mw-vega" in context.get("body", ""):
        app.add_js_file("microwork-charts.js", loading_method="defer")


@dataclass(frozen=True)
class Fix:
    """One fix to the theme's or an extension's markup: ``old`` becomes ``new``. Most are accessibility fixes
    (found by the axe-core browser test); ``kind`` says which."""

    old: str
    new: str
    why: str
    kind: str = "accessibility"


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
SEARCH_SCRIPTS = ("pydata-sphinx-theme loads Sphinx's search code and index in <head> without defer: every page waits "
                  "for them (the index alone is 66 KB) before it shows its text")
SEARCH_PATHS = ("_static/searchtools.js", "_static/language_data.js", "searchindex.js")
THEME_STYLESHEET_LINKS = (
    "  <link href=\"{{ pathto('_static/styles/theme.css', 1) }}?digest=55c26ed414f5f8a31ebb\" rel=\"stylesheet\" />\n"
    "<link href=\"{{ pathto('_static/styles/pydata-sphinx-theme.css', 1) }}?digest=55c26ed414f5f8a31ebb\" rel=\"stylesheet\" />\n")
# The theme's own style sheets (linked by that template, before Sphinx's list of style sheets).
THEME_STYLESHEETS = tuple(re.findall(r"pathto\('([^']+\.css)'", THEME_STYLESHEET_LINKS))
THEME_AT_ONCE = ("on a first visit the theme wrote data-theme=\"auto\", which no style rule matches, and its deferred "
                 "script changed it to light or dark after the page was shown: the first paint had no theme colours "
                 "(a white flash in dark mode) and every element was styled again. The mode is resolved at once, as "
                 "the theme's script resolves it")
TEMPLATE_FIXES.update({
    "static/webpack-macros.html": [
        Fix(THEME_STYLESHEET_LINKS,
            f"  <link href=\"{{{{ pathto('{SITE_STYLESHEET}', 1) }}}}\" rel=\"stylesheet\" />\n",
            "a browser shows no text before it has every style sheet: the theme's two (one importing a third) and "
            "Sphinx's list are joined "
            f"into {SITE_STYLESHEET}, without the rules no page can use (microwork.pipeline.stylesheet)", "speed"),
        Fix("  <!-- So that users can add custom icons -->\n"
            "  <script defer src=\"{{ pathto('_static/scripts/fontawesome.js', 1) }}?digest=55c26ed414f5f8a31ebb\"></script>\n",
            "", "Font Awesome's script (1.5 MB, 530 KB gzipped) only draws a dozen icons: microwork.css draws them "
            "(its /* Icons */ block)", "speed"),
    ],
    "pydata_sphinx_theme/layout.html": [
        Fix('    document.documentElement.dataset.theme = localStorage.getItem("theme") || "{{ default_mode }}";\n',
            '    document.documentElement.dataset.theme = localStorage.getItem("theme") || ('
            'document.documentElement.dataset.mode === "auto" ? (matchMedia("(prefers-color-scheme: dark)").matches '
            '? "dark" : "light") : document.documentElement.dataset.mode);\n', THEME_AT_ONCE, "speed"),
        Fix("  {% else %}\n", "  {% elif theme_search_as_you_type | tobool %}\n",
            "the theme loads the search code and index on every page for its search-as-you-type, which is off "
            "(search_as_you_type = False): the search field sends the reader to search.html, which loads them", "speed"),
        *[Fix(f"<script src=\"{{{{ pathto('{path}', 1) | e }}}}\"></script>",
              f"<script defer src=\"{{{{ pathto('{path}', 1) | e }}}}\"></script>", SEARCH_SCRIPTS, "speed")
          for path in SEARCH_PATHS]],
    "search.html": [
        Fix(f"<script src=\"{{{{ pathto('{path}', 1) }}}}\"></script>",
            f"<script defer src=\"{{{{ pathto('{path}', 1) }}}}\"></script>", SEARCH_SCRIPTS, "speed")
        for path in SEARCH_PATHS],
})
DEAD_TOGGLES = ("pydata-sphinx-theme puts sidebar buttons of its own in its header, which sphinx-book-theme hides, and "
                "both themes' scripts listen only to the first button of each kind: the visible buttons of the article "
                "header did nothing, so on a phone the site navigation and the page contents could not be opened "
                "(pydata-sphinx-theme#2451, sphinx-book-theme#935). Without the hidden ones, the visible buttons are "
                "the first")
TEMPLATE_FIXES["sections/header.html"] = [
    Fix("  <button class=\"pst-navbar-icon sidebar-toggle primary-toggle\" aria-label=\"{{ _('Site navigation') }}\">\n"
        "    <span class=\"fa-solid fa-bars\"></span>\n"
        "  </button>\n", "", DEAD_TOGGLES, "navigation"),
    Fix("  {% if not remove_sidebar_secondary and secondary_sidebar_items %}\n"
        "    <button class=\"pst-navbar-icon sidebar-toggle secondary-toggle\" aria-label=\"{{ _('On this page') }}\">\n"
        "      <span class=\"fa-solid fa-outdent\"></span>\n"
        "    </button>\n"
        "  {% endif %}\n", "", DEAD_TOGGLES, "navigation"),
]
UNTRANSLATED = ("sphinx-book-theme writes this text in English whatever the book's language: it goes through the "
                "translations, so the French edition says it in French")
TEMPLATE_FIXES.update({
    "toggle-primary-sidebar.html": [
        Fix('title="Toggle primary sidebar"', "title=\"{{ _('Toggle primary sidebar') }}\"", UNTRANSLATED,
            "language")],
    "toggle-secondary-sidebar.html": [
        Fix('title="Toggle secondary sidebar"', "title=\"{{ _('Toggle secondary sidebar') }}\"", UNTRANSLATED,
            "language")],
    "sbt-sidebar-nav.html": [
        Fix('aria-label="Main"', "aria-label=\"{{ _('Main') }}\"", UNTRANSLATED, "language")],
})
# The book's own components (no theme has them): where the theme shows them.
OWN_TEMPLATES = {"edition-switch.html": "article_header_end"}
OVERRIDE_HEADER = "{{#- The theme's {name}, with the fixes of microwork.pipeline.sphinxext.TEMPLATE_FIXES -#}}\n"

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
        LOGGER.warning(f"{fix.kind} fix matches nothing{where}: {fix.old!r} is not there any more ({fix.why}); "
                       "the theme or an extension changed: update microwork.pipeline.sphinxext",
                       location=docname, type="microwork", subtype=fix.kind)
        return None
    return text.replace(fix.old, fix.new)


def add_templates_path(app: Any, config: Any) -> None:
    """Put :data:`TEMPLATES` first in ``templates_path``: its overrides win over the themes' templates.

    A new list: the default one is shared by every Sphinx application of the process."""
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def theme_template(app: Any, name: str) -> Path | None:
    """The template ``name`` that Sphinx would use without :data:`TEMPLATES` (the themes' own), if any.

    As Sphinx's template loader does, a name such as ``pydata_sphinx_theme/layout.html`` is also looked for in the
    folders that hold the themes."""
    folders = [Path(app.confdir, folder) for folder in app.config.templates_path]
    themes = [Path(d) for d in app.builder.theme.get_theme_dirs()]
    folders = [folder for folder in folders if folder != TEMPLATES] + themes + [theme.parent for theme in themes]
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
    for extra in set(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")) - set(TEMPLATE_FIXES) \
            - set(OWN_TEMPLATES):
        LOGGER.warning(f"accessibility fix: {TEMPLATES / extra} overrides a template with no fix in "
                       "TEMPLATE_FIXES", type="microwork", subtype="accessibility")


def fix_body(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Apply :data:`BODY_FIXES` to the body of a page that has the node each fixes."""
    if doctree is None or "body" not in context:
        return
    for node_type, fix in BODY_FIXES:
        if doctree.next_node(node_type) is not None and (body := fixed(context["body"], fix, docname=pagename)) is not None:
            context["body"] = body


# A script in <head> that is not deferred holds up the page's text until it is downloaded and run. The book's rule
# (checked on the built site by tests/test_speed.py): every <script> in <head> has ``defer`` or ``async``, or is a
# module or JSON data, or is inline and at most INLINE_SCRIPT_LIMIT bytes (it runs at once, with nothing to fetch).
INLINE_SCRIPT_LIMIT = 1024
# Sphinx's documentation_options.js defines DOCUMENTATION_OPTIONS, which small inline scripts of every page change
# as soon as they run: it cannot be deferred, so its (tiny) text is put inline instead.
OPTIONS_SCRIPT = "documentation_options.js"


def waits_for_the_page(script: Any) -> bool:
    """True if ``script`` (a Sphinx script asset) does not hold up the page: inline, deferred, async, a module or JSON."""
    attributes = getattr(script, "attributes", {})
    return (not getattr(script, "filename", None) or "defer" in attributes or "async" in attributes
            or attributes.get("type") in ("module", "application/json"))


def options_script_text(builder: Any) -> str:
    """The text of this build's ``documentation_options.js`` (rendered from Sphinx's template, as Sphinx does)."""
    if not hasattr(builder, "_microwork_options_script"):
        builder._microwork_options_script = builder.templates.render(
            "static/documentation_options.js.jinja", builder.globalcontext).strip()
    return builder._microwork_options_script


def defer_head_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Make every script the page lists in ``<head>`` wait for the page: deferred, in their order, except
    ``documentation_options.js``, put inline (see :data:`OPTIONS_SCRIPT`). Runs after the other extensions."""
    from sphinx.builders.html._assets import _JavaScript

    scripts = context.get("script_files")
    if not scripts:
        return
    changed = []
    for script in scripts:
        if str(getattr(script, "filename", "") or "").endswith(OPTIONS_SCRIPT):
            changed.append(_JavaScript("", priority=script.priority, body=options_script_text(app.builder)))
        elif waits_for_the_page(script):
            changed.append(script)
        else:
            changed.append(_JavaScript(script.filename, priority=script.priority, **script.attributes, defer="defer"))
    scripts[:] = changed


def combined_stylesheets(builder: Any) -> list[str]:
    """The style sheets that every page links, in their order, as paths in the site: the theme's own, then those
    of Sphinx's list that are files of the site (not URLs). They become one file, :data:`SITE_STYLESHEET`.

    Read once, before a page adds style sheets of its own (Sphinx's list then holds those of every page)."""
    if not hasattr(builder, "_microwork_stylesheets"):
        listed = sorted(builder.globalcontext.get("css_files", []), key=lambda css: css.priority)
        builder._microwork_stylesheets = [*THEME_STYLESHEETS, *(str(css.filename) for css in listed
                                                                 if is_site_file(str(css.filename)))]
    return builder._microwork_stylesheets


def is_site_file(filename: str) -> bool:
    """True for a style sheet in the site (Sphinx names them ``_static/...``), not an address on the web."""
    return filename.startswith("_static/") and "://" not in filename


def link_site_stylesheet(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Take out of the page's list the style sheets that :data:`SITE_STYLESHEET` holds (the theme's template links
    that file instead of its own two); a style sheet that only this page links stays."""
    if "css_files" not in context or not hasattr(app.builder, "globalcontext"):
        return
    combined = set(combined_stylesheets(app.builder))
    # A new list: the page's list is Sphinx's own, which the next pages start from.
    context["css_files"] = [css for css in context["css_files"] if str(css.filename) not in combined]


def write_stylesheet(app: Any, exception: Exception | None) -> None:
    """After an HTML build, write :data:`SITE_STYLESHEET` from the style sheets it replaces and the pages written."""
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    sources = combined_stylesheets(app.builder)
    cache = os.environ.get(CACHE_VARIABLE)
    result = write_site_stylesheet(Path(app.outdir), sources, Path(cache) if cache else None)
    LOGGER.info(f"[microwork] {SITE_STYLESHEET}: {len(sources)} style sheets in one, "
                f"{result.kept} rules kept, {result.dropped} that no page can use left out")


# The meta description: what a search engine shows under the page's title.
DESCRIPTION_RANGE = (50, 160)
NOT_RUNNING_TEXT = (nodes.Admonition, nodes.footnote, nodes.citation, nodes.table, nodes.raw, nodes.literal_block,
                    nodes.topic, nodes.sidebar, nodes.field_list, nodes.caption, nodes.figure)


CITATION = re.compile(r"\s*\[[^\[\]]*\b\d{4}[a-z]?\]")  # "[Le Ludec et al., 2019]": left out of a description


def shortened(text: str, limit: int = DESCRIPTION_RANGE[1]) -> str:
    """``text`` on one line, cut at a word boundary (with an ellipsis) so that it is at most ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.(") + "\N{HORIZONTAL ELLIPSIS}"


def is_running_text(paragraph: Any) -> bool:
    """True for a paragraph of the page's running text: not in a box, note, table, figure, code or cell output."""
    parent = paragraph.parent
    while parent is not None:
        if isinstance(parent, NOT_RUNNING_TEXT) or "cell_output" in parent.get("classes", []):
            return False
        parent = parent.parent
    return True


def first_paragraphs(doctree: Any, enough: int = DESCRIPTION_RANGE[0]) -> str:
    """The page's first paragraphs of running text, as many as make ``enough`` characters (if the page has them)."""
    text = ""
    for paragraph in doctree.findall(nodes.paragraph):
        if is_running_text(paragraph) and paragraph.astext().strip():
            text = " ".join(f"{text} {CITATION.sub('', paragraph.astext())}".split())
            if len(text) >= enough:
                break
    return text




def page_description(pagename: str, context: dict, doctree: Any) -> str:
    """The page's description: ``description`` in its front matter if it has one, else its first paragraphs
    (the search and index pages, which have no text of their own, are described by :data:`GENERATED_PAGES`)."""
    if doctree is None:
        book = context.get("docstitle") or ""
        book = book.unescape() if isinstance(book, Markup) else book  # text: the description is escaped once
        texts = app_texts(context)
        written = GENERATED_PAGES.get(pagename, PAGE_DESCRIPTION)
        return shortened(texts.get(written, written).format(book=book, page=context.get("title") or pagename))
    written = (context.get("meta") or {}).get("description")
    return shortened(written if written else first_paragraphs(doctree))


def add_description(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Put the page's meta description in its head (and, with a base URL, use it as its OpenGraph description).

    A description outside :data:`DESCRIPTION_RANGE` is a Sphinx warning. Runs before sphinxext-opengraph, which
    then adds no description of its own; without a base URL sphinxext-opengraph is told to add nothing."""
    context["microwork_texts"] = app.config.microwork_texts
    description = page_description(pagename, context, doctree)
    low, high = DESCRIPTION_RANGE
    if not low <= len(description) <= high:
        LOGGER.warning(f"the page's description has {len(description)} characters ({description!r}): give the page "
                       f"a `description` of {low} to {high} characters in its front matter", location=pagename,
                       type="microwork", subtype="description")
    context["metatags"] = (context.get("metatags") or "") + f'<meta name="description" content="{html.escape(description)}" />\n'
    meta = dict(context.get("meta") or {})  # a copy: the environment keeps the metadata as it was read
    if app.config.html_baseurl:
        meta.setdefault("og:description", description)
    else:
        meta["ogp_disable"] = True
    context["meta"] = meta


def check_base_url(app: Any, config: Any) -> None:
    """OpenGraph cards and the sitemap need the site's address (``html.baseurl`` in ``_config.yml``).

    Without it, say so once and make neither: no relative addresses in the cards, no sitemap (and not its warning).
    With it, give it to sphinxext-opengraph too."""
    baseurl = (config.html_baseurl or "").strip()
    if not baseurl:
        LOGGER.info("[microwork] no html.baseurl in _config.yml: the pages get no OpenGraph cards and no sitemap")
        config.suppress_warnings = [*config.suppress_warnings, "sitemap.configuration"]
        return
    if not re.match(r"https?://[^/]+", baseurl):
        LOGGER.warning(f"html.baseurl in _config.yml is {baseurl!r}: it must be the site's absolute address "
                       "(https://...)", type="microwork", subtype="baseurl")
    config.html_baseurl = baseurl.rstrip("/") + "/"
    if "ogp_site_url" in config and not config.ogp_site_url:
        config.ogp_site_url = config.html_baseurl


# The site's own texts that the French edition translates (in locales/fr/LC_MESSAGES/book.po, like every computed
# text): the staged _config.yml gives their translations as ``microwork_texts``.


def app_texts(context: dict) -> dict[str, str]:
    """The translations of :data:`SITE_TEXTS` for the page being written (none in English)."""
    return context.get("microwork_texts") or {}


def as_html_text(text: str) -> Markup:
    """Text (a configuration value, a translation) for a template that writes it as HTML: escaped once, and marked
    safe so that a template that escapes it (``|e``) does not escape it again."""
    return Markup(html.escape(str(text), quote=True))


def translate_theme_texts(app: Any, config: Any) -> None:
    """The theme's search box says its words in the edition's language (the theme's other words come from Sphinx's
    ``language``), as text: the theme writes them unescaped into the ``placeholder`` and ``aria-label``
    attributes. With other editions, the links to them join the top bar (:data:`OWN_TEMPLATES`)."""
    texts = config.microwork_texts or {}
    options = dict(config.html_theme_options or {})
    words = texts.get(SEARCH_BOX) or options.get("search_bar_text")
    if words:
        options["search_bar_text"] = as_html_text(words)
    if config.microwork_editions:  # the other editions, in the top bar of every page (edition-switch.html)
        for component, place in OWN_TEMPLATES.items():
            shown = options.get(place) or ["article-header-buttons.html"]
            options[place] = [component, *[c for c in shown if c != component]]
    config.html_theme_options = options


# The buttons that link to the repository or launch a chapter from it (sphinx-book-theme's theme options).
REPOSITORY_BUTTONS = ("use_repository_button", "use_edit_page_button")
LAUNCH_SERVICES = ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url", "jupyterlite_url")


def set_repository_buttons(app: Any, config: Any) -> None:
    """The repository, edit and launch buttons point to the book's repository (:mod:`microwork.pipeline.repository`:
    ``GITHUB_REPOSITORY``, else ``repository.url`` of ``_config.yml``), each unless ``_config.yml`` switches it off;
    when no address is known, the pages have none of them (and no launch button), rather than links to nowhere.
    An address that is not one stops the build, in one line."""
    options = dict(config.html_theme_options or {})
    config_file = Path(app.srcdir) / CONFIG
    text = config_file.read_text(encoding="utf-8") if config_file.is_file() else ""
    try:
        repository = resolve(os.environ, options.get("repository_url"), options.get("repository_branch"), text)
    except RepositoryError as error:
        raise ConfigError(str(error)) from None
    launch = dict(options.get("launch_buttons") or {})
    if repository is None:
        LOGGER.info("[microwork] no repository address (GITHUB_REPOSITORY, or repository.url in _config.yml): "
                    "the pages get no repository, edit or launch buttons")
        options.pop("repository_url", None)
        options.update({button: False for button in REPOSITORY_BUTTONS + ("use_issues_button",)})
        launch.update({service: "" for service in LAUNCH_SERVICES})
        launch["thebe"] = False
    else:
        LOGGER.info(f"[microwork] repository {repository.url} (from {repository.origin}), branch {repository.branch}")
        options.update(repository_url=repository.url, repository_branch=repository.branch,
                       repository_provider="github")
        written = (yaml.safe_load(text) or {}).get("html") or {}  # Jupyter Book's defaults say False: not a choice
        options.update({button: written.get(button) is not False for button in REPOSITORY_BUTTONS})
    if "launch_buttons" in options or repository is None:
        options["launch_buttons"] = launch
    config.html_theme_options = options


class BookTexts(gettext.NullTranslations):
    """The book's translations of :data:`THEME_TEXTS`, looked up after a theme's own catalog (as its fallback)."""

    def __init__(self, texts: dict[str, str]) -> None:
        super().__init__()
        self.texts = texts

    def gettext(self, message: str) -> str:
        return self.texts.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def translate_theme_words(app: Any) -> None:
    """In a translated edition, the themes' words that their catalogs lack (:data:`THEME_TEXTS`) are looked up in
    the book's, for the templates (Sphinx's domain) and sphinx-book-theme's buttons (its own)."""
    texts = {english: french for english, french in (app.config.microwork_texts or {}).items()
             if english in THEME_TEXTS and french != english}
    if not texts:
        return
    for catalog in ("sphinx", "booktheme"):
        translator = sphinx_locale.translators.get(("general", catalog))
        if translator is None:
            sphinx_locale.translators[("general", catalog)] = BookTexts(texts)
        elif not isinstance(translator, BookTexts):
            translator.add_fallback(BookTexts(texts))


# Where text is kept as written by typography: code, maths, raw markup, comments.
UNTYPESET = (nodes.literal, nodes.literal_block, nodes.raw, nodes.math, nodes.math_block, nodes.comment,
             nodes.doctest_block)


# Words a note quotes: in straight double quotes in references.bib, in « » once the note is translated (the edition
# renders its own copy of references.bib, whose notes are translated).
QUOTED_WORDS = re.compile(r'"([^"]{3,})"|«[\s\u00a0\u202f]*([^«»]{3,}?)[\s\u00a0\u202f]*»')


@functools.lru_cache(maxsize=4)
def titles_in_other_languages(bibliography: Path, language: str) -> tuple[tuple[str, str], ...]:
    """The titles of ``references.bib`` written in another language than ``language`` (its ``langid``, e.g.
    ``english``), and the names of their journals and proceedings, with that language's code: kept as written, and marked as such, in the references. So are the
    words such a work prints that its notes quote ("the address reads "crowdworkers saddled with…""): a
    translation of the note keeps them as written, between « »."""
    codes = {"english": "en", "french": "fr"}
    if not bibliography.is_file():
        return ()
    foreign = [entry for entry in bibliography_fields(bibliography.read_text(encoding="utf-8")).values()
               if codes.get(entry.get("langid", "")) not in (None, language)]
    titles = [(entry[name], codes[entry["langid"]]) for entry in foreign for name in ("title", "journal", "booktitle")
              if entry.get(name)]
    quoted = [(re.sub(r"[\s\u00a0\u202f]+([;:!?])", r"\1", "".join(words)), codes[entry["langid"]])  # as written
              for entry in foreign for field in BIBLIOGRAPHY_TEXTS
              for words in QUOTED_WORDS.findall(entry.get(field, ""))]
    return tuple(titles + quoted)


def mark_foreign_titles(doctree: Any, titles: tuple[tuple[str, str], ...]) -> None:
    """Wrap each title written in another language, inside a reference, in an inline element of class
    ``language-xx`` (docutils writes it ``lang="xx"``, as HTML asks: screen readers read it in its language)."""
    for citation in doctree.findall(nodes.citation):
        for text in list(citation.findall(nodes.Text)):
            if not isinstance(text.parent, nodes.inline):
                pieces = foreign_pieces(str(text), titles)
                if any(isinstance(piece, nodes.inline) for piece in pieces):  # a whole text may be a title
                    text.parent.replace(text, pieces)


@functools.lru_cache(maxsize=None)
def as_typeset(title: str) -> re.Pattern[str]:
    """A pattern that finds ``title`` in a text, also once typeset the French way (a no-break space before
    ``; : ! ?``, a typographic apostrophe): a translation of the note that quotes it was typeset as a whole."""
    pattern = "".join(r"[\s\u00a0\u202f]?" + re.escape(c) if c in ";:!?" else "['’]" if c in "'’" else re.escape(c)
                      for c in title)
    return re.compile(pattern)


def foreign_pieces(text: str, titles: tuple[tuple[str, str], ...]) -> list[Any]:
    """``text`` as nodes: each of ``titles`` in it (every occurrence, the first found first) as an inline element of
    class ``language-xx`` that shows it as written, the rest as text."""
    found = next(((match, title, code) for title, code in titles if (match := as_typeset(title).search(text))), None)
    if found is None:
        return [nodes.Text(text)] if text else []
    match, title, code = found
    before, after = text[:match.start()], text[match.end():]
    return ([nodes.Text(before)] if before else []) + [nodes.inline("", title, classes=[f"language-{code}"])] \
        + foreign_pieces(after, titles)


def in_another_language(node: Any) -> bool:
    """Whether ``node`` is marked as written in another language (class ``language-xx``)."""
    return isinstance(node, nodes.Element) and any(cls.startswith("language-") for cls in node.get("classes", []))


def typeset_elements(node: Any) -> Iterator[Any]:
    """``node`` and every element under it whose own text is typeset: all but code, maths, raw markup and text in
    another language, and what is inside them."""
    if isinstance(node, UNTYPESET) or in_another_language(node):
        return
    yield node
    for child in node.children:
        if isinstance(child, nodes.Element):
            yield from typeset_elements(child)


def typeset_nodes(doctree: Any, typography_: typography.Typography) -> None:
    """Every text node of a page typeset, but code, maths, raw markup and text in another language; a text that
    follows an inline element (``*Source*: …``) as such."""
    for parent in list(typeset_elements(doctree)):
        for position, text in enumerate(list(parent.children)):
            if not isinstance(text, nodes.Text):
                continue
            new = typography_.text(str(text))
            if position and not isinstance(parent[position - 1], nodes.Text):
                new = typography_.after_inline(new)
            if new != str(text):
                parent[position] = nodes.Text(new)


def typeset_across_elements(doctree: Any, typography_: typography.Typography) -> None:
    """The rules that join a text and the first text of the element after it ("Solution de" + "Exercice 2.1")."""
    replaced: set[int] = set()
    for text in list(doctree.findall(nodes.Text)):
        parent = text.parent
        if parent is None or id(text) in replaced:
            continue
        position = parent.index(text)
        if position + 1 >= len(parent) or isinstance(parent[position + 1], nodes.Text):
            continue
        following = next(iter(parent[position + 1].findall(nodes.Text)), None)
        if following is not None and (both := typography_.across(str(text), str(following))) is not None:
            following.parent.replace(following, nodes.Text(both[1]))
            parent.replace(text, nodes.Text(both[0]))
            replaced.add(id(following))


def translate_reference_words(doctree: Any, words: dict[str, str]) -> None:
    """The words the references' style writes in English ("In Proceedings…") in the edition's language."""
    for citation in doctree.findall(nodes.citation):
        for text in list(citation.findall(nodes.Text)):
            first, space, rest = str(text).partition(" ")
            if first in words and space:
                text.parent.replace(text, nodes.Text(f"{words[first]} {rest}"))


def typeset_read_page(app: Any, doctree: Any) -> None:
    """A page's text typeset as soon as it is read, so that its titles reach the navigation typeset."""
    if (typography_ := typography.TYPOGRAPHY.get(app.config.language or "")) is not None:
        typeset_nodes(doctree, typography_)


def typeset_text(app: Any, doctree: Any, docname: str | None = None) -> None:
    """Typeset a page in the edition's language (:mod:`microwork.pipeline.typography`) once glued values and
    references are in place: titles of works in another language marked as such (they keep their own typography),
    the text, the rules across elements, the references' words and images' text alternatives."""
    typography_ = typography.TYPOGRAPHY.get(app.config.language or "")
    if typography_ is None:
        return
    mark_foreign_titles(doctree, titles_in_other_languages(Path(app.srcdir) / "references.bib", app.config.language))
    typeset_nodes(doctree, typography_)
    typeset_across_elements(doctree, typography_)
    translate_reference_words(doctree, typography_.reference_words)
    for image in doctree.findall(nodes.image):
        if image.get("alt"):
            image["alt"] = typography_.text(image["alt"])


def title_as_text(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """The book's title is text: the theme writes ``docstitle`` unescaped in the logo and the search page's
    ``<title>``, Sphinx escapes it elsewhere; an escaped, safe-marked title is right in both."""
    if context.get("docstitle") and not isinstance(context["docstitle"], Markup):
        context["docstitle"] = as_html_text(context["docstitle"])
    typography_ = typography.TYPOGRAPHY.get(app.config.language or "")
    if typography_ is not None and context.get("title"):  # the page's <title>, from the titles Sphinx collected
        # as character references: the template's ``striptags`` turns every Unicode space into a plain one
        context["title"] = typography_.text(context["title"]).replace("\u202f", "&#8239;").replace("\u00a0", "&#160;")


def edition_address(app: Any, pagename: str, root: str) -> str:
    """The address of this page in an edition whose root is at ``root`` from this edition's root ("" for this
    one, "fr/" or "../"): absolute with ``html.baseurl``, else relative to the page."""
    target = f"{root}{pagename}.html"
    if app.config.html_baseurl:
        return re.sub(r"[^/:]+/\.\./", "", app.config.html_baseurl + target)
    return "../" * pagename.count("/") + target


def link_editions(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Link each page to itself in the other editions: links in the top bar (edition-switch.html), in each language's
    own name;
    and, with ``html.baseurl``, ``hreflang`` alternates in its head (the English edition is the default). Search
    engines read only absolute alternates (Lighthouse fails a relative one), so without the site's address there
    are none, as there are no OpenGraph cards."""
    editions = app.config.microwork_editions or {}
    if not editions:
        return  # a plain `jupyter-book build .`: one edition
    addresses = {app.config.language or "en": edition_address(app, pagename, ""),
                 **{language: edition_address(app, pagename, root) for language, root in editions.items()}}
    if app.config.html_baseurl:
        tags = [f'<link rel="alternate" hreflang="{language}" href="{html.escape(address)}" />'
                for language, address in sorted(addresses.items())]
        tags.append(f'<link rel="alternate" hreflang="x-default" href="{html.escape(addresses["en"])}" />')
        context["metatags"] = (context.get("metatags") or "") + "\n".join(tags) + "\n"
    context["microwork_edition_links"] = [(language, LANGUAGE_NAMES[language], addresses[language]) for language in editions]


def register_edition_citations(app: Any, config: Any) -> None:
    """The citation styles of the edition being rendered, made for its ``references.bib``
    (:mod:`microwork.pipeline.citations`)."""
    bibliography = Path(app.confdir) / (list(getattr(config, "bibtex_bibfiles", None) or []) or ["references.bib"])[0]
    register_citation_styles(bibliography, config.language or "en")


def setup(app: Any) -> dict[str, Any]:
    register_search_languages(app)
    app.add_config_value("microwork_editions", {}, "html")
    app.add_config_value("microwork_texts", {}, "html")
    app.connect("config-inited", translate_theme_texts, priority=900)
    app.connect("config-inited", set_repository_buttons, priority=900)
    app.connect("html-page-context", link_editions, priority=450)
    app.connect("html-page-context", title_as_text, priority=100)
    app.connect("builder-inited", translate_theme_words)
    app.connect("doctree-read", typeset_read_page, priority=100)  # before the titles are collected for the navigation
    app.connect("doctree-resolved", typeset_text)
    cache_bibtex_plugin_lookups()
    app.connect("config-inited", register_edition_citations)
    app.connect("config-inited", add_templates_path)
    app.connect("config-inited", check_base_url, priority=900)  # after sphinxext-opengraph has its settings
    app.connect("builder-inited", write_bundle)
    app.connect("builder-inited", check_template_overrides)
    app.connect("html-page-context", add_chart_scripts)
    app.connect("html-page-context", fix_body)
    app.connect("html-page-context", add_description, priority=400)  # before sphinxext-opengraph (500)
    app.connect("html-page-context", defer_head_scripts, priority=900)  # after every script is listed
    app.connect("html-page-context", link_site_stylesheet, priority=900)  # after every style sheet is listed
    app.connect("build-finished", write_stylesheet, priority=900)  # after sphinx-exercise copies its style sheet
    app.connect("builder-inited", remember_record)
    app.connect("html-page-context", add_build_line)
    app.connect("html-page-context", add_pdf_line)
    app.connect("html-page-context", add_exercise_lines, priority=600)  # after the PDF line, which it follows
    app.connect("doctree-resolved", add_exercise_facts, priority=400)  # before typeset_text (500) typesets them
    app.connect("build-finished", write_record_files)
    app.add_css_file("microwork.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}

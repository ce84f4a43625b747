"""The Sphinx extension on a small book: the accessibility and speed fixes (applied, and loud when one stops
matching), the scripts of <head>, the meta description, and OpenGraph tags and sitemap only with a base URL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import SphinxWarning
from sphinx.util.docutils import docutils_namespace, patch_docutils

from conftest import ROOT
from microwork.pipeline import sphinxext
from microwork.pipeline.search import searchable_words

PAGE = """Page
====

.. note:: A note is not what describes the page.

A claim about micro-work in France, made by a source that this small page cites [Source2019]_.

.. [Source2019] A source.
"""


def build(source: Path, page: str = PAGE, **config) -> str:
    """Build a one-page book with the book's theme and the extension (warnings are errors); return its HTML."""
    source.mkdir(exist_ok=True)
    (source / "index.rst").write_text(page, encoding="utf-8")
    overrides = {"extensions": ["microwork.pipeline.sphinxext"], "html_theme": "sphinx_book_theme", **config}
    with patch_docutils(source), docutils_namespace():
        app = Sphinx(source, None, source / "_build" / "html", source / "_build" / ".doctrees", "html",
                     confoverrides=overrides, status=None, warning=None, freshenv=True, warningiserror=True)
        app.build()
    return (source / "_build" / "html" / "index.html").read_text(encoding="utf-8")


def head(html: str) -> str:
    return html.split("</head>")[0]


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
        (templates / name).parent.mkdir(parents=True, exist_ok=True)
        (templates / name).write_text((sphinxext.TEMPLATES / name).read_text(encoding="utf-8") + "\n<!-- older -->")
    monkeypatch.setattr(sphinxext, "TEMPLATES", templates)
    with pytest.raises(SphinxWarning, match="is not the theme's .* with its fixes"):
        build(tmp_path / "book")


def external_scripts(html: str) -> list[str]:
    """The attributes of the <script src=...> tags of the page's <head>."""
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", head(html), flags=re.S)
    return [attributes for attributes, _ in scripts if "src=" in attributes]


def test_speed_fixes_are_applied(tmp_path):
    html = build(tmp_path / "book")
    assert "fontawesome.js" not in html
    external = external_scripts(html)
    assert any("doctools.js" in a for a in external) and not any("searchindex.js" in a for a in external)
    assert all(re.search(r"\b(defer|async)\b", a) for a in external), external
    assert "documentation_options.js" not in html and "const DOCUMENTATION_OPTIONS = {" in html
    assert 'matchMedia("(prefers-color-scheme: dark)")' in head(html), "the colour mode is resolved before the body"
    search = external_scripts((tmp_path / "book" / "_build" / "html" / "search.html").read_text(encoding="utf-8"))
    assert any("searchindex.js" in a for a in search)
    assert all(re.search(r"\b(defer|async)\b", a) for a in search), search


def test_a_speed_fix_that_matches_nothing_fails_the_build(tmp_path, monkeypatch):
    fixes = {**sphinxext.TEMPLATE_FIXES, "static/webpack-macros.html": [sphinxext.Fix("fontawesome-gone.js", "", "a test", "speed")]}
    monkeypatch.setattr(sphinxext, "TEMPLATE_FIXES", fixes)
    with pytest.raises(SphinxWarning, match="speed fix matches nothing in .*webpack-macros.html: 'fontawesome-gone.js'"):
        build(tmp_path / "book")


def test_the_description_is_the_first_paragraph_of_running_text(tmp_path):
    html = build(tmp_path / "book")
    assert '<meta name="description" content="A claim about micro-work in France, made by a source that this small page cites [Source2019]." />' in html


def test_a_written_description_wins_and_a_long_one_is_cut(tmp_path):
    long = "A description written for this page, " * 8
    html = build(tmp_path / "book", PAGE.replace("Page\n====", f":description: {long}\n\nPage\n===="))
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    assert description.startswith("A description written for this page") and description.endswith("\N{HORIZONTAL ELLIPSIS}")
    assert len(description) <= sphinxext.DESCRIPTION_RANGE[1]


def test_a_page_too_short_to_describe_fails_the_build(tmp_path):
    with pytest.raises(SphinxWarning, match="the page's description has 6 characters"):
        build(tmp_path / "book", "Page\n====\n\nShort.\n")


LINKS = ["microwork.pipeline.sphinxext", "sphinxext.opengraph", "sphinx_sitemap"]


def test_no_base_url_no_cards_and_no_sitemap(tmp_path):
    html = build(tmp_path / "book", extensions=LINKS, html_baseurl="")
    assert 'property="og:' not in html and html.count('name="description"') == 1
    assert not (tmp_path / "book" / "_build" / "html" / "sitemap.xml").exists()


def test_with_a_base_url_cards_and_sitemap_have_absolute_addresses(tmp_path):
    html = build(tmp_path / "book", extensions=LINKS, html_baseurl="https://example.org/book",
                 sitemap_url_scheme="{link}", ogp_social_cards={"enable": False})
    assert '<meta property="og:url" content="https://example.org/book/index.html" />' in html
    assert '<meta property="og:description" content="A claim about micro-work in France' in html
    assert html.count('name="description"') == 1
    sitemap = (tmp_path / "book" / "_build" / "html" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/book/index.html</loc>" in sitemap


def css_nesting_problems(text: str) -> list[str]:
    """Where the braces of a style sheet do not pair up (comments and strings left out), or a merge left markers."""
    problems = [f"line {n}: merge marker" for n, line in enumerate(text.splitlines(), 1)
                if re.match(r"(<{7}|={7}|>{7})( |$)", line)]
    code = re.sub(r"/\*.*?\*/|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'", lambda m: "\n" * m.group().count("\n"), text, flags=re.S)
    depth = 0
    for n, line in enumerate(code.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        if depth < 0:
            problems.append(f"line {n}: a '}}' closes nothing")
            depth = 0
    return problems + ([f"{depth} block(s) never closed"] if depth else [])


@pytest.mark.parametrize("sheet", sorted(p.name for p in sphinxext.STATIC.glob("*.css")))
def test_style_sheets_are_well_formed(sheet):
    # A block left open hides every later rule from the browser (the print rules were lost that way once).
    assert css_nesting_problems((sphinxext.STATIC / sheet).read_text(encoding="utf-8")) == []


def test_the_style_sheet_check_can_fail():
    assert css_nesting_problems("@media print {\n  a { color: red; }\n") == ["1 block(s) never closed"]
    assert css_nesting_problems("a { b: c; } }") == ["line 1: a '}' closes nothing"]
    assert css_nesting_problems("/* { */ a { content: '{'; }") == []


def test_editions_are_alternates_only_with_a_base_url(tmp_path):
    """The link to the other edition is always at the top of the text; ``hreflang`` alternates, which search
    engines read only when absolute, only with the site's address."""
    html = build(tmp_path / "one", microwork_editions={"fr": "fr/"})
    assert re.search(r'<nav class="mw-edition-switch" aria-label="Language">\s*<a class="btn btn-sm" href="fr/index.html" '
                     r'hreflang="fr" lang="fr">Français</a>', html), html
    assert 'rel="alternate"' not in html
    html = build(tmp_path / "two", extensions=LINKS, microwork_editions={"fr": "fr/"},
                 html_baseurl="https://example.org/book", ogp_social_cards={"enable": False})
    assert '<link rel="alternate" hreflang="fr" href="https://example.org/book/fr/index.html" />' in head(html)
    assert '<link rel="alternate" hreflang="en" href="https://example.org/book/index.html" />' in head(html)
    assert '<link rel="alternate" hreflang="x-default" href="https://example.org/book/index.html" />' in head(html)
    french = build(tmp_path / "three", extensions=LINKS, microwork_editions={"en": "../"}, language="fr",
                   html_baseurl="https://example.org/book/fr/", ogp_social_cards={"enable": False})
    assert '<link rel="alternate" hreflang="en" href="https://example.org/book/index.html" />' in head(french)


def test_search_indexes_numbers_and_names_as_readers_type_them():
    """Accents folded, numbers marked (Sphinx's script skips a query word of digits), grouped numbers whole."""
    words = searchable_words(["Sénat", "14", "903", "266", "126"], "au Sénat : 14,903 et 266\u202f126")
    assert words == ["Senat", "n14", "n903", "n266", "n126", "n14903", "n266126"]
    assert searchable_words(["1", "27"], "1,27 and 1.27") == ["n1", "n27"]  # decimals are not thousands


def test_the_search_languages_stem_each_word_once_and_as_sphinx_does():
    from sphinx.search.fr import SearchFrench

    from microwork.pipeline.search import readers_search

    class Recording:
        def __init__(self, stemmer):
            self.stemmer, self.asked = stemmer, []

        def stemWord(self, word: str) -> str:  # noqa: N802 - the stemmers' name
            self.asked.append(word)
            return self.stemmer.stemWord(word)

    ours, sphinx_own = readers_search(SearchFrench)({}), SearchFrench({})
    words = ["plateformes", "travailleurs", "plateformes", "Sénat", "micro-travail", "plateformes"]
    ours.stemmer = recording = Recording(ours.stemmer)
    assert [ours.stem(word) for word in words] == [sphinx_own.stem(word) for word in words]
    assert sorted(recording.asked) == sorted(set(word.lower() for word in words))


def book_words() -> set[str]:
    """Every word of the chapters' and the catalogs' text, lower-cased, as the search index would stem them."""
    texts = [path.read_text(encoding="utf-8") for pattern in ("chapters/*.ipynb", "locales/fr/LC_MESSAGES/*.po")
             for path in ROOT.glob(pattern)]
    return {word.lower() for text in texts for word in re.findall(r"[^\W\d_]+", text)}


def test_the_index_stems_words_in_c_as_snowballs_python_algorithms_do():
    """PyStemmer (pinned) makes the search index's stemming forty times faster; the stems must not change."""
    import snowballstemmer
    import Stemmer
    from snowballstemmer.french_stemmer import FrenchStemmer
    from snowballstemmer.porter_stemmer import PorterStemmer

    assert snowballstemmer.stemmer is Stemmer.Stemmer, "snowballstemmer does not use the C stemmer"
    words = sorted(book_words())
    assert len(words) > 3000
    for language, python in (("french", FrenchStemmer()), ("porter", PorterStemmer())):  # Sphinx's fr and en
        in_c = Stemmer.Stemmer(language)
        differing = [(word, python.stemWord(word), in_c.stemWord(word)) for word in words
                     if python.stemWord(word) != in_c.stemWord(word)]
        assert not differing, (language, differing[:10])

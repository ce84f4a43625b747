"""The French edition is French all the way down: its interface words and its typography, judged on the built pages
by readers written apart from the code that translates and typesets them (tests/french_text.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT
from french_text import TYPOGRAPHY_RULES, as_printed, english_pieces, identifiers, site_faults, typography_faults
from microwork.pipeline import typography

# The interface words the themes and extensions write in English unless the book translates them (found on the
# French pages before it did), as they appear in the HTML; the repository's buttons' only when the book has a
# repository address (the test book has none: tests/test_publishing.py renders pages with one).
REPOSITORY_INTERFACE = ("Suggest edit", "Source repositories", "Launch interactive content", "Launch on Binder",
                        ">Repository<")
ENGLISH_INTERFACE = ("Toggle primary sidebar", "Toggle secondary sidebar", "Show code cell content", 'aria-label="Main"',
                     *REPOSITORY_INTERFACE)

# One planted fault per rule, and what French typesetting makes of it.
PLANTED = {
    "ordinary space before ; : ! ?": ("Code sous licence MIT ; texte", "Code sous licence MIT\u202f; texte"),
    "no space before ; ! ?": ("Pourquoi? Voilà", "Pourquoi\u202f? Voilà"),
    "no space before a colon that ends a label": ("Description: texte", "Description\u202f: texte"),
    "ordinary space inside « »": ("« près de » x", "«\u202fprès de\u202f» x"),
    "ordinary space between thousands": ("soit 14 903 personnes", "soit 14\u202f903 personnes"),
    "ordinary or no space before %": ("soit 5,6 % des", "soit 5,6\u202f% des"),
    "hyphen as a minus sign": ("un biais de -0,2 point", "un biais de \u22120,2 point"),
    "straight apostrophe in a word": ("l'étude", "l\u2019étude"),
    "n.d. for an undated reference": ("Tubaro, n.d.", "Tubaro, s.\u00a0d."),
    "de before a vowel (no elision)": ("Solution de Exercice 2.1", "Solution de l\u2019exercice 2.1"),
}


def test_every_rule_has_a_planted_fault():
    assert set(PLANTED) == set(TYPOGRAPHY_RULES)


@pytest.mark.parametrize("rule", sorted(PLANTED))
def test_the_check_sees_each_fault_and_the_typesetter_mends_it(rule):
    written, typeset = PLANTED[rule]
    assert rule in typography_faults(written), f"the check misses: {written!r}"
    assert typography.french(written) == typeset
    assert typography_faults(typeset) == {}


@pytest.mark.parametrize("kept", ["https://example.org/a?b=1;c", "doi:10.1145/3159652", "arXiv:1901.03889", "à 10:30",
                                  "version 0.1.0", "2017-2019"])
def test_addresses_identifiers_and_ranges_are_kept(kept):
    assert typography.french(kept) == kept


@pytest.fixture(scope="module")
def site(built_book) -> Path:
    return (built_book / "_build" / "html").resolve()


@pytest.mark.build
def test_french_pages_follow_french_typography(site):
    faults = site_faults(site, as_printed(ROOT))
    assert faults == {}, {rule: hits[:5] for rule, hits in faults.items()}


@pytest.mark.build
def test_french_pages_carry_no_english_interface_words(site):
    english = (site / "chapters" / "size.html").read_text(encoding="utf-8")
    assert all(word in english for word in ENGLISH_INTERFACE if word not in REPOSITORY_INTERFACE), "the list is out of date"
    found = {}
    for page in sorted((site / "fr").rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if hits := [word for word in ENGLISH_INTERFACE if word in text]:
            found[str(page.relative_to(site))] = hits
    assert found == {}


@pytest.mark.build
def test_french_page_titles_keep_their_narrow_spaces(site):
    title = re.search(r"<title>(.*?)</title>", (site / "fr" / "chapters" / "debate.html").read_text(encoding="utf-8"))
    assert title and "\u202f:" in title.group(1) and "\u202f?" in title.group(1), title


def downloads(site: Path, edition: str) -> dict[str, Path]:
    """The chart downloads of an edition's pages (file name: path), as the pages link them: the files of a chart
    (its .vl.json spec among them). The data package's files are not a chart's: each edition offers them as they are
    (tests/test_site_data.py)."""
    root = site / edition if edition else site
    found = {path.name: path for path in (root / "_downloads").glob("*/*")}
    charts = {name.removesuffix(".vl.json") for name in found if name.endswith(".vl.json")}
    return {name: path for name, path in found.items()
            if (name.endswith(".vl.json") or path.suffix in (".png", ".svg", ".csv")) and name.split(".")[0] in charts}


@pytest.mark.build
def test_every_chart_download_of_the_french_pages_is_french(site):
    english, french = downloads(site, ""), downloads(site, "fr")
    assert len(french) >= 40 and set(french) == set(english)
    same = sorted(name for name in french if french[name].read_bytes() == english[name].read_bytes())
    assert same == []
    for name, path in french.items():
        if name.endswith(".csv"):
            header = path.read_text(encoding="utf-8").split("\n")[0]
            assert header != english[name].read_text(encoding="utf-8").split("\n")[0], name
    registrations = french["size-registrations.csv"].read_text(encoding="utf-8").splitlines()
    assert registrations[0].startswith("Plateforme,") and "Amazon Mechanical Turk,1250," in registrations[1]
    images = {p.name: p for p in (site / "fr" / "_images").glob("*.svg")}
    assert images and all(p.read_bytes() != (site / "_images" / n).read_bytes() for n, p in images.items())


@pytest.mark.parametrize("planted", ['<p>This chapter shows the counts of the study.</p>',
                                     '<button title="Toggle the sidebar">x</button>',
                                     '<script type="application/json" id="spec-x">{"title": "Number of workers on the platform"}</script>'])
def test_the_english_detector_sees_english_in_text_attributes_and_specs(planted):
    page = f"<html><body><p>Le micro-travail en France.</p>{planted}</body></html>"
    assert english_pieces(page) != []


def test_the_english_detector_leaves_what_is_marked_but_not_an_unmarked_quotation():
    page = ('<p>Un titre : <span lang="en">How many people microwork in France?</span> ; une citation '
            '« <span lang="en">Today, we published the report</span> » ; <code>the_code and_more</code>.</p>')
    assert english_pieces(page) == []
    assert english_pieces(page.replace('<span lang="en">Today', "Today")) != []  # « » alone: a screen reader reads French


@pytest.mark.build
def test_french_pages_and_their_chart_files_carry_no_english(site):
    quoted = as_printed(ROOT) + identifiers(ROOT)
    found = {}
    for page in sorted((site / "fr").rglob("*.html")):
        if "_static" not in page.parts and (hits := english_pieces(page.read_text(encoding="utf-8"), quoted)):
            found[str(page.relative_to(site))] = hits[:3]
    for path in sorted((site / "fr" / "_downloads").glob("*/*")):
        if path.suffix == ".svg" or path.name.endswith(".vl.json"):
            text = path.read_text(encoding="utf-8")
            strings = re.findall(r">([^<>]+)<", text) if path.suffix == ".svg" else re.findall(r'"((?:[^"\\]|\\.)*)"', text)
            page = "".join(f"<p>{s}</p>" for s in strings)
            if hits := english_pieces(page, quoted):
                found[str(path.relative_to(site))] = hits[:3]
    assert found == {}


@pytest.mark.build
@pytest.mark.parametrize("page", ["search.html", "genindex.html", "chapters/size.html"])
def test_every_page_has_the_language_switch_in_its_top_bar(site, page):
    for edition, other, target in (("", "fr", site / "fr" / page), ("fr", "en", site / page)):
        path = (site / edition / page) if edition else site / page
        html = path.read_text(encoding="utf-8")
        bar = re.search(r'<div class="header-article-items__end">.*?<nav class="mw-edition-switch"[^>]*>\s*'
                        rf'<a class="btn btn-sm" href="([^"]+)" hreflang="{other}" lang="{other}">', html, re.S)
        assert bar and (path.parent / bar.group(1)).resolve() == target.resolve(), (edition, page)


def test_identifiers_are_never_written_as_french_numbers():
    from microwork.analysis import language

    with language.french_pass():
        assert "1901.03889" in language.words("Published in English (arXiv 1901.03889)")
        assert "1901,03889" not in language.words("Published in English (arXiv 1901.03889), 1.27")


@pytest.mark.build
def test_french_pages_keep_identifiers_as_written(site):
    localised = re.compile(r"\b(?:arXiv|DOI|doi)[ :]\d+,\d+")
    found = {str(p.relative_to(site)): localised.findall(p.read_text(encoding="utf-8"))
             for p in sorted((site / "fr").rglob("*.html")) if localised.search(p.read_text(encoding="utf-8"))}
    assert found == {}

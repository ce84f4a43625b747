"""Citations that tell works apart, in both editions of the built book: every citation shows author-year, no page
shows a raw key of references.bib or "Untitled", and two works are never cited by the same author-year; the list of
references labels each entry as it is cited. Also: no executed chapter leaves a bare value in an output box.

The checks read the built HTML and references.bib (with pybtex, as any reader of the file would), not the code that
writes the citations; each is shown to fail on a planted page."""

from __future__ import annotations

import html as html_module
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pybtex.database import parse_file

from microwork.analysis import data

BIBLIOGRAPHY_PAGE = "bibliography.html"
YEAR = r"(?:\d{4}|n\.\s?d\.|s\.\s?d\.)(?:-?[a-z])?"  # 2019, 2019a, n.d., s. d. (French), n.d.-a
AUTHOR_YEAR = re.compile(rf"^\S.*, {YEAR}$|^{YEAR}$")  # "[Le Ludec et al., 2019a]", or the year of "Tubaro [2019a]"


def bibliography_keys(repo_root: Path) -> set[str]:
    return set(parse_file(str(repo_root / "references.bib"), "bibtex").entries)


class Page(HTMLParser):
    """A page's visible text (no script, style or attribute), its citations (text of each link to an entry of the
    list of references, with the entry's id) and the labels of its list of references (id: label)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.citations: list[tuple[str, str]] = []
        self.labels: dict[str, str] = {}
        self.skip = 0
        self.citing: tuple[str, list[str]] | None = None
        self.entry: str | None = None
        self.label: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "a" and BIBLIOGRAPHY_PAGE + "#" in (attrs.get("href") or ""):
            self.citing = ((attrs.get("href") or "").split("#")[-1], [])
        elif tag == "div" and "citation" in classes and attrs.get("id"):
            self.entry = attrs["id"]
        elif tag == "span" and "label" in classes and self.entry is not None:
            self.label = []

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        elif tag == "a" and self.citing is not None:
            target, parts = self.citing
            self.citations.append((target, "".join(parts).strip()))
            self.citing = None
        elif tag == "span" and self.label is not None and self.entry is not None:
            if "".join(self.label).strip("[] \u00a0") and self.entry not in self.labels:
                self.labels[self.entry] = "".join(self.label).strip().strip("[]").strip()
            if "".join(self.label).endswith("]"):
                self.label = None
        elif tag == "div" and self.entry is not None and self.label is None:
            self.entry = None

    def handle_data(self, text):
        if self.skip:
            return
        self.text.append(text)
        if self.citing is not None:
            self.citing[1].append(text)
        if self.label is not None:
            self.label.append(text)


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def editions(built_book: Path) -> dict[str, Path]:
    site = built_book / "_build" / "html"
    return {"en": site, "fr": site / "fr"}


def pages_of(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "fr" not in p.relative_to(site).parts[:1] or site.name == "fr")


def site_problems(site: Path, keys: set[str]) -> list[str]:
    """Every raw key, "Untitled", citation that is not author-year, and author-year shared by two works, of the pages
    of one edition (``site``: its root; the other edition's folder is not part of it)."""
    problems: list[str] = []
    cited_as: dict[str, set[str]] = {}  # visible citation -> the entries it points to
    distinctive = {key for key in keys if re.search(r"\d|[a-z][A-Z]|^[A-Z]{2,}\d", key)}
    for path in pages_of(site):
        page = read_page(path)
        where = path.relative_to(site)
        text = html_module.unescape(" ".join(page.text))
        if re.search(r"untitled", text, re.IGNORECASE):
            problems.append(f"{where}: 'Untitled'")
        for key in distinctive:  # a key that cannot be a word of the text: nowhere, but in an address
            for found in re.finditer(rf"(?<![\w/.#-]){re.escape(key)}(?![\w-]|\.\w)", text):
                problems.append(f"{where}: the key {key} ({text[max(0, found.start() - 40):found.end() + 20]!r})")
        for target, shown in page.citations:
            if shown in keys:
                problems.append(f"{where}: the key {shown} as a citation")
            elif not AUTHOR_YEAR.match(shown):
                problems.append(f"{where}: citation {shown!r} is not author-year")
            cited_as.setdefault(shown, set()).add(target)
        if path.name == BIBLIOGRAPHY_PAGE:
            labels = page.labels
            if not labels:
                problems.append(f"{where}: no labelled entries")
            for entry, label in labels.items():
                if label in keys or not AUTHOR_YEAR.match(label):
                    problems.append(f"{where}: entry label {label!r} is not author-year")
            for label in {label for label in labels.values() if list(labels.values()).count(label) > 1}:
                problems.append(f"{where}: two entries labelled {label!r}")
    for shown, targets in cited_as.items():
        if len(targets) > 1 and not re.fullmatch(YEAR, shown):  # a year alone follows a name: checked with it below
            problems.append(f"{shown!r} cites {len(targets)} different works")
    return problems


@pytest.mark.build
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_citation_is_author_year_and_tells_works_apart(built_book, repo_root, language):
    site = editions(built_book)[language]
    page = read_page(site / "chapters" / BIBLIOGRAPHY_PAGE)
    assert len(page.labels) >= 40 and len(read_page(site / "chapters" / "size.html").citations) >= 10
    assert site_problems(site, bibliography_keys(repo_root)) == []


@pytest.mark.build
def test_the_same_work_has_the_same_label_in_both_editions_but_for_its_words(built_book):
    english = read_page(editions(built_book)["en"] / "chapters" / BIBLIOGRAPHY_PAGE).labels
    french = read_page(editions(built_book)["fr"] / "chapters" / BIBLIOGRAPHY_PAGE).labels
    years = lambda labels: sorted(label.rsplit(", ", 1)[-1].replace("s.\u00a0d.", "n.d.").replace("s. d.", "n.d.")
                                  for label in labels.values())
    assert years(english) == years(french)
    assert any(label.endswith("2019a") for label in english.values())


PLANTED = """<html><body>
<p>As <a class="reference internal" href="bibliography.html#id1" title="x">Silicon2019</a> shows, and
<a class="reference internal" href="bibliography.html#id2" title="x">Le Ludec et al., 2019</a> and
<a class="reference internal" href="bibliography.html#id3" title="x">Le Ludec et al., 2019</a> too.</p>
<p>Source: TLC2020, abstract. [Untitled article on the DiPLab report]</p>
</body></html>"""
PLANTED_LIST = """<html><body><div role="list" class="citation-list">
<div class="citation" id="id2" role="listitem"><span class="label"><span class="fn-bracket">[</span>Le Ludec et al., 2019<span class="fn-bracket">]</span></span><p>A.</p></div>
<div class="citation" id="id3" role="listitem"><span class="label"><span class="fn-bracket">[</span>Le Ludec et al., 2019<span class="fn-bracket">]</span></span><p>B.</p></div>
<div class="citation" id="id4" role="listitem"><span class="label"><span class="fn-bracket">[</span>4<span class="fn-bracket">]</span></span><p>C.</p></div>
</div></body></html>"""


def test_the_checks_find_planted_faults(tmp_path, repo_root):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "size.html").write_text(PLANTED, encoding="utf-8")
    (tmp_path / "chapters" / BIBLIOGRAPHY_PAGE).write_text(PLANTED_LIST, encoding="utf-8")
    problems = "\n".join(site_problems(tmp_path, bibliography_keys(repo_root)))
    assert "the key Silicon2019 as a citation" in problems
    assert "the key TLC2020" in problems
    assert "'Untitled'" in problems
    assert "'Le Ludec et al., 2019' cites 2 different works" in problems
    assert "two entries labelled 'Le Ludec et al., 2019'" in problems
    assert "entry label '4' is not author-year" in problems


def test_works_of_the_same_name_and_year_get_a_and_b_in_the_order_of_their_titles():
    entries = data.bibliography_fields(r"""
@misc{Second, author = {Tubaro, Paola and Casilli, Antonio A.}, title = {Zebra}, year = {2019}}
@misc{First, author = {Tubaro, Paola and Casilli, Antonio A.}, title = {Apple}, year = {2019}}
@misc{Other, author = {Tubaro, Paola and Casilli, Antonio A.}, title = {Mango}, year = {2020}}
@misc{Press1, key = {P{\^o}le emploi}, title = {B}, year = {2019}}
@misc{Press2, key = {P{\^o}le emploi}, title = {A}, year = {2019}}
@misc{Undated1, author = {{ELW network}}, title = {B}}
@misc{Undated2, author = {{ELW network}}, title = {A}}
""")
    labels = data.citation_labels(entries)
    assert labels["First"] == ("Tubaro and Casilli", "2019a") and labels["Second"] == ("Tubaro and Casilli", "2019b")
    assert labels["Other"] == ("Tubaro and Casilli", "2020")
    assert labels["Press2"] == ("Pôle emploi", "2019a") and labels["Press1"] == ("Pôle emploi", "2019b")
    assert labels["Undated2"] == ("ELW network", "n.d.-a")
    assert data.citation_labels(entries, " et ")["First"] == ("Tubaro et Casilli", "2019a")


def test_every_work_without_author_is_cited_by_a_name(repo_root):
    # A work with no author (nor organisation) needs a key field: otherwise its citation would be its title.
    database = parse_file(str(repo_root / "references.bib"), "bibtex")
    nameless = [key for key, entry in database.entries.items()
                if not entry.persons.get("author") and not entry.fields.get("key")]
    assert nameless == []


# --- No bare value in an output box ---------------------------------------------------------------------------------

def bare_values(notebook: dict) -> list[str]:
    """The outputs of a notebook that show a cell's last value as its plain text (``'0.6.0'``, ``12.0``): an
    ``execute_result`` with nothing but ``text/plain``, never meant for the reader."""
    found = []
    for number, cell in enumerate(notebook.get("cells", [])):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "execute_result" and set(output.get("data", {})) <= {"text/plain"}:
                found.append(f"cell {number}: {''.join(output['data'].get('text/plain', ''))[:40]}")
    return found


@pytest.mark.build
def test_no_executed_chapter_leaves_a_bare_value(built_book):
    executed = sorted((built_book / "_build" / ".cache" / "chapters").glob("*/*.ipynb"))
    assert len(executed) >= 10
    found = {path.stem: values for path in executed if (values := bare_values(json.loads(path.read_text())))}
    assert found == {}


def test_the_bare_value_check_finds_one():
    planted = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "execute_result", "data": {"text/plain": "'0.6.0'"}, "metadata": {}, "execution_count": 1}]},
        {"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {"text/plain": "x",
                                                                                     "text/html": "<b>x</b>"}}]}]}
    assert bare_values(planted) == ["cell 0: '0.6.0'"]

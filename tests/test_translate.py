"""The French edition: catalogs in step with the English, every text translated, French forms, the terminology."""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from microwork.analysis import book, charts, language, readable
from microwork.pipeline import translate

FRENCH = ROOT / "locales" / "fr" / "LC_MESSAGES"


def test_every_page_reads_back_unchanged_when_nothing_is_translated():
    for path in sorted((ROOT / "chapters").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert translate.localised_markdown(text, lambda english: english) == text, path.name
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            text = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                assert translate.localised_markdown(text, lambda english: english) == text, path.name


def test_units_keep_the_markdown_around_them():
    page = ("# Title\n\n:::{admonition} Learning objectives\n:class: tip\nYou can:\n- count the tiers;\n- read a\n"
            "  long item\n:::\n\n> « Tout est flou. »\n> — Le Ludec\n\n| a | b |\n|---|---|\n\n```python\nx = 1\n```\n")
    found = [unit.text for unit in translate.units(page)]
    assert found == ["Title", "Learning objectives", "You can:", "count the tiers;", "read a\nlong item",
                     "« Tout est flou. »\n— Le Ludec", "| a | b |"]
    french = translate.localised_markdown(page, lambda english: english.upper().replace("\n", "\n"))
    assert french.startswith("# TITLE\n\n:::{admonition} LEARNING OBJECTIVES\n:class: tip\nYOU CAN:\n- COUNT THE TIERS;")
    assert "- READ A\n  LONG ITEM\n:::" in french and "> « TOUT EST FLOU. »\n> — LE LUDEC" in french
    assert "```python\nx = 1\n```" in french and "|---|---|" in french


def test_numbers_follow_babel_french_rules():
    assert language.french_number(format(14903, ",d")) == "14\u202f903"
    assert language.french_number(format(0.056, ".1%")) == "5,6\u202f%"
    assert language.french_number(format(-0.002, ".1%")) == "\u22120,2\u202f%"
    assert language.french_number(format(1.27, ".2f")) == "1,27"
    with language.french_pass():
        assert readable.cell(266126, "count") == "266\u202f126"
        assert readable.cell(0.123, "change") == "+12,3\u202f%"
        assert language.date_text("2019-10-16") == "16 octobre 2019"
    assert readable.cell(266126, "count") == "266,126"


def test_marks_are_translated_for_where_they_land():
    french = {"Persons": "Personnes", "Step {step}: {tier}": "Étape {step} : {tier}", "casual tier": "niveau occasionnel",
              "Three published counts of micro-workers in France": "Trois effectifs publiés de micro-travailleurs en France"}
    with language.french_pass():
        markdown = book.escape_markdown(language.template("Step {step}: {tier}", step=1, tier=language.words("casual tier")))
        title = charts.title_text("Three published counts of micro-workers in France")
        cell = html.escape(language.words("Persons"))
    assert translate.resolved_bundle({"text/markdown": markdown}, french.get)["text/markdown"] == \
        book.escape_markdown("Étape 1 : niveau occasionnel")
    assert translate.resolved_json({"title": title}, french.get) == {"title": ["Trois effectifs publiés de", "micro-travailleurs en France"]}
    assert translate.resolved_html(f"<td>{cell}</td>", french.get) == "<td>Personnes</td>"


def test_a_chart_made_in_english_carries_its_french_version():
    frame = pd.DataFrame({"tier": ["very active", "casual"], "persons": [14903, 266126]})
    chart = charts.horizontal_bars(frame, "tier", "persons", "Three counts", "persons")
    _, spec = charts.FRENCH_SPECS.pop(id(chart))
    assert spec["usermeta"]["locale"]["number"]["thousands"] == "\u202f"
    seen: list[str] = []
    translate.resolved_json(spec, lambda english: seen.append(english) or english)
    assert {"very active", "casual", "Three counts", "persons"} <= set(seen)


def test_a_changed_english_text_turns_its_translation_fuzzy(tmp_path):
    path = tmp_path / "page.po"
    first = translate.template_catalog([("The study counted three tiers.", ("page.md", 1))])
    catalog = translate.updated(path, first, "fr")
    catalog["The study counted three tiers."].string = "L'étude a compté trois niveaux."
    translate.write_catalog(catalog, path)
    changed = translate.template_catalog([("The study counted three tiers of workers.", ("page.md", 1))])
    catalog = translate.updated(path, changed, "fr")
    message = catalog["The study counted three tiers of workers."]
    assert message.fuzzy and message.string == "L'étude a compté trois niveaux."
    translations = translate.Translations(tmp_path, "fr")
    translations.catalogs["page"] = catalog
    assert translations.lookup("page", "The study counted three tiers of workers.") == \
        "The study counted three tiers of workers."
    assert translations.coverage["page"].fuzzy


def test_data_cannot_hold_the_translation_marks(tmp_path):
    from microwork.analysis.validate import character_problem

    assert character_problem("plain text") is None
    assert character_problem(f"a {language.OPEN}mark") [0] == "private-use character"


# --- On the built book -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(built_book) -> Path:
    return (built_book / "_build" / "html").resolve()


def test_every_text_of_every_page_is_translated_and_none_is_fuzzy(built_book):
    missing = {name: (sorted(set(found.untranslated))[:3], sorted(set(found.fuzzy))[:3])
               for name, found in translate.coverage(built_book, "fr").items() if not found.complete}
    assert missing == {}


def test_localising_ahead_changes_when_not_what(built_book, tmp_path):
    """The French localised in the background while chapters execute is the French localised at staging: the same
    files and the same counts; a file whose content changed since, or any file after a catalog changed, is
    localised again."""
    from microwork.pipeline.background import BackgroundLocalisation
    from microwork.pipeline.build import stage_files

    staged = stage_files(built_book)
    files = {k: v for k, v in staged.items() if not k.endswith(".ipynb") or k == "chapters/size.ipynb"}
    at_staging, counted = translate.localised_files(built_book, files, "fr")
    ahead = BackgroundLocalisation(built_book, ("fr",))
    ahead.add(files)
    assert ahead.results == {}  # nothing runs before start(): the build forks its workers first
    ahead.start()
    early, counted_early = translate.localised_files(built_book, files, "fr", done=ahead.done)
    assert early == at_staging and early["chapters/size.ipynb"] != files["chapters/size.ipynb"]
    assert {n: (c.entries, sorted(c.untranslated), sorted(c.fuzzy)) for n, c in counted.coverage.items()} == \
        {n: (c.entries, sorted(c.untranslated), sorted(c.fuzzy)) for n, c in counted_early.coverage.items()}

    changed = files["chapters/size.ipynb"].replace(b"tier", b"tear", 1)
    assert ahead.done("fr", "chapters/size.ipynb", changed) is None
    assert ahead.done("fr", "chapters/size.ipynb", files["chapters/size.ipynb"]) is not None
    ahead.close()

    book = tmp_path / "book"
    shutil.copytree(built_book / "locales", book / "locales")
    later = BackgroundLocalisation(book, ("fr",))
    later.add({"_toc.yml": files["_toc.yml"]})
    later.start()
    catalog = next((book / "locales").rglob("book.po"))
    catalog.write_bytes(catalog.read_bytes() + b"\n")
    assert later.done("fr", "_toc.yml", files["_toc.yml"]) is None
    later.close()


def test_the_catalogs_are_in_step_with_the_english(built_book):
    """``microwork translations --update`` would change no entry: the catalogs have every English text, no other."""
    for name in translate.catalog_names(built_book):
        path = translate.catalog_path(built_book, "fr", name)
        messages = (translate.page_messages(built_book, name) if name != translate.BOOK_CATALOG
                    else translate.computed_messages(built_book, translate.catalog_names(built_book)[:-1]))
        expected = {english for english, _ in messages if english.strip()}
        assert {m.id for m in translate.read_catalog(path) if m.id} == expected, name


# A number in English form on a French page: a decimal point (not a version, "0.6.0"), or thousands separated by
# commas ("14,903", "1,234,567"). "1,199" reads as a French decimal, so one digit before a comma is not counted.
ENGLISH_NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3}){2,}|\d{2,3},\d{3}|\d+\.\d+)(?![\d.,]?\d)")


# Numbers that are names, not quantities: section and figure numbers ("2.1", "Fig. 2.1", also inside the links to
# them), the licence CC BY 4.0, a software version, an arXiv identifier.
NOT_QUANTITIES = re.compile(r'<span class="(?:section|caption)-number">.*?</span>|<a [^>]*>.*?</a>|CC BY \d\.\d|'
                            r"Python \d+\.\d+(?:(?:,| or| ou) \d+\.\d+)*|arXiv\s\d+\.\d+", re.S)


def visible_text(page: Path | str) -> str:
    """The text of a page (a file, or its HTML) a reader reads as prose: no scripts, styles, code, links, section
    or figure numbers (see :data:`NOT_QUANTITIES`)."""
    body = page if isinstance(page, str) else page.read_text(encoding="utf-8")
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = NOT_QUANTITIES.sub(" ", body)
    body = re.sub(r"<(pre|code)\b.*?</\1>", " ", body, flags=re.S)  # code is code in every edition
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def english_chart_titles(site: Path) -> set[str]:
    titles = set()
    for page in site.glob("chapters/*.html"):
        for spec in re.findall(r'<script type="application/json" id="spec-[^"]+">(.*?)</script>', page.read_text(), re.S):
            title = json.loads(spec).get("title")
            text = title.get("text", "") if isinstance(title, dict) else title
            titles.add(" ".join(text) if isinstance(text, list) else str(text))
    return titles - {""}


def quoted_as_printed() -> set[str]:
    """Numbers inside the headlines and titles the book quotes as printed, in French ("260.000"): not English
    numbers."""
    headlines = pd.read_csv(ROOT / "data" / "press_coverage.csv", keep_default_na=False)["headline"]
    titles = re.findall(r"title\s*=\s*\{(.*)\}", (ROOT / "references.bib").read_text(encoding="utf-8"))
    return {n for text in [*headlines, *titles] for n in re.findall(r"\d+(?:[.,]\d+)+", text)}


def english_numbers(page_html: str) -> list[str]:
    """The numbers in English form in a page's prose, but those of the titles quoted as printed."""
    quoted = quoted_as_printed()
    return [n for n in ENGLISH_NUMBER.findall(visible_text(page_html)) if n not in quoted]


def test_french_pages_have_no_english_chart_title_and_no_english_number(site):
    titles = english_chart_titles(site)
    assert len(titles) > 10
    problems = []
    for page in sorted((site / "fr").rglob("*.html")):
        if page.name == "bibliography.html":  # the references are printed as their sources print them
            continue
        text = page.read_text(encoding="utf-8")
        specs = re.findall(r'<script type="application/json" id="spec-[^"]+">(.*?)</script>', text, re.S)
        for spec in specs:
            title = json.loads(spec).get("title")
            title = " ".join(title) if isinstance(title, list) else str(title)
            if title in titles:
                problems.append(f"{page.relative_to(site)}: English chart title {title!r}")
        numbers = english_numbers(text)
        if numbers:
            problems.append(f"{page.relative_to(site)}: English-form numbers {numbers[:5]}")
    assert problems == []


def test_each_page_says_its_language_and_links_to_the_other_edition(site):
    for english in sorted(site.glob("chapters/*.html")):
        french = site / "fr" / "chapters" / english.name
        assert french.is_file(), english.name
        for page, lang, other in ((english, "en", "fr"), (french, "fr", "en")):
            text = page.read_text(encoding="utf-8")
            assert f'<html lang="{lang}"' in text, page
            link = re.search(rf'<nav class="mw-edition-switch"[^>]*>\s*<a class="btn btn-sm" href="([^"]+)" '
                             rf'hreflang="{other}" lang="{other}">', text)
            assert link and (page.parent / link.group(1)).resolve() == (french if lang == "en" else english), page
            assert 'rel="alternate"' not in text  # without html.baseurl: relative alternates are invalid


def test_french_pages_use_the_terminology_of_the_glossary():
    terms = pd.read_csv(ROOT / "data" / "glossary.csv", keep_default_na=False)
    problems = []
    italics = re.compile(r"\*[^*]+\*")  # in English, italics hold French words or an English equivalent: not checked
    # Roles, code, identifiers, and the values a field allows (the data's own codes, "one of: ..., platforms").
    # Also English quoted as printed ("historic agreement: digital platform ...", kept in « » in French) and names
    # of two or more capitalised words (Digital Platform Observatory).
    not_prose = re.compile(r"\{[\w:-]+\}`[^`]*`|`[^`]*`|\b\w+_\w+\b|one of: [^)]*|\"[^\"]*\"|"
                           r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b")
    for path in sorted(FRENCH.rglob("*.po")):
        for message in translate.read_catalog(path):
            if not message.id or not message.string or message.string == message.id:
                continue
            english = " ".join(not_prose.sub("", italics.sub("", message.id)).split())
            french = " ".join(message.string.split())  # one space for any line break or no-break space
            for term in terms.itertuples():
                if re.search(term.english_pattern, english, re.I) and not re.search(term.french_pattern, french, re.I):
                    problems.append(f"{path.relative_to(FRENCH)}: {term.term_en!r} is not {term.term_fr!r} in "
                                    f"{message.string[:70]!r}")
    assert problems == []


def page_text(page: Path) -> str:
    """All the text of a page, tags removed, entities read."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_the_references_are_written_in_the_language_of_their_edition(site):
    """The list of references and the citations: French names joining, months, notes and kinds of report in the
    French edition; in both, titles as references.bib writes them (pybtex's plain style lower-cased them)."""
    french, english = (page_text(site / folder / "chapters" / "bibliography.html") for folder in ("fr", "."))
    assert "Nicolas Amar et Louis-Charles Viossat" in french and "Nicolas Amar and Louis-Charles Viossat" in english
    assert "Rapport technique 2015-121R" in french and "Technical Report" not in french
    assert "février 2019" in french and "February" not in french and "February 2019" in english
    for title in ("En France, plus de 250.000", "Demographics and Dynamics of Mechanical Turk Workers"):
        assert title in french and title in english
    computed = translate.typeset(translate.Translations(ROOT, "fr").for_catalog(translate.BOOK_CATALOG), "fr")
    texts = translate.bibliography_texts((ROOT / "references.bib").read_text(encoding="utf-8"))
    translated = [" ".join(computed(text).split()) for text in texts
                  if computed(text) != text and text != translate.REPORT_WORDS]  # spaces as page_text writes them
    loose = functools.partial(re.sub, r"\s+([;:!?])", r"\1")  # English quoted in a note is shown as written
    assert len(translated) > 30 and [t for t in translated if loose(t) not in loose(french)] == []
    printed = set(re.findall(r"(?im)^\s*(?:institution|publisher|journal|booktitle)\s*=\s*\{(.*)\},?\s*$",
                             (ROOT / "references.bib").read_text(encoding="utf-8")))  # names kept as printed
    assert [t for t in texts if computed(t) != t and t in french and t not in printed] == []  # no note left in English
    profile = page_text(site / "fr" / "chapters" / "profile.html")
    assert "Tubaro et Casilli [" in profile and "Tubaro et Casilli, 2019" in profile  # the text, the charts' labels
    assert "Tubaro and Casilli" not in profile and "Tubaro and Casilli [" in page_text(site / "chapters" / "profile.html")
    english_citation = re.compile(r"\b[A-Z][\w-]+ and [A-Z][\w-]+(?:,\s*\d{4}| \[\d{4})")  # "Amar and Viossat [2016]"
    assert {page.name: english_citation.findall(page.read_text(encoding="utf-8"))
            for page in sorted((site / "fr").rglob("*.html")) if english_citation.search(page.read_text(encoding="utf-8"))} == {}


def test_a_translation_reaches_the_references_as_text_never_markup():
    import pybtex.database

    from microwork.pipeline.citations import FrenchBookStyle
    from microwork.pipeline.layout import BuildError

    bib = "@misc{K,\n  title = {T},\n  year = {2019},\n  month = feb,\n  note = {A note}\n}\n"
    french = translate.localised_bibliography(bib, "fr", lambda english: {"A note": "Hausse de 50 % ; a_b #1 & $5"}.get(english, english))
    entry = next(iter(FrenchBookStyle().format_entries(pybtex.database.parse_string(french, "bibtex").entries.values())))
    assert entry.text.render_as("text") == "T. février 2019. Hausse de 50 % ; a_b #1 & $5."
    with pytest.raises(BuildError, match=r"'A note'.*markup"):
        translate.localised_bibliography(bib, "fr", lambda english: "{x}" if english == "A note" else english)


@pytest.mark.parametrize("count, english, french", [
    (0, "0 articles", "0 article"), (1, "1 article", "1 article"), (2, "2 articles", "2 articles"),
    (1500, "1,500 articles", "1\u202f500 articles"),
])
def test_a_count_agrees_with_its_words_by_each_language_rule(count, english, french):
    """English says "0 articles", French « 0 article » (CLDR's rules, by Babel); the French mark holds both English
    forms, so the catalogs hold the form another count would need."""
    words = {"{n} article": "{n} article", "{n} articles": "{n} articles"}
    assert language.counted(count, "{n} article", "{n} articles") == english
    with language.french_pass():
        mark = language.counted(count, "{n} article", "{n} articles")
    looked_up: list[str] = []
    assert translate.resolved_plain(mark, lambda text: looked_up.append(text) or words[text]) == french
    assert set(looked_up) == set(words)


def test_english_words_quoted_in_french_notes_are_marked_english_as_written(site):
    """A note of an English work quotes its words ("the address reads "crowdworkers saddled…""): the French note
    keeps them between « », marked lang="en" and as written (no French space before a colon inside them)."""
    page = (site / "fr" / "chapters" / "bibliography.html").read_text(encoding="utf-8")
    for words in ("crowdworkers saddled with low wages, high demands", "Today, we published",
                  "New report: digital employment platforms gain a foothold in Europe’s labour markets"):
        assert re.search(rf'«[\u00a0\u202f]<span lang="en">{re.escape(words)}</span>[\u00a0\u202f]»',
                         page), words

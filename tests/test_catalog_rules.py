"""Translations are input: a catalog that breaks a rule is refused with its file and line, before anything runs,
and the previous site stays as it was; what a translation may hold lands in the page as text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, copy_book, microwork
from microwork.pipeline import catalog_rules as rules
from microwork.pipeline import translate, typography

WHERE = "locales/fr/LC_MESSAGES/chapters/size.po"
HEADER = 'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'


def po(*entries: tuple[str, str]) -> bytes:
    """A small catalog with the given (msgid, msgstr) entries, written as gettext writes them."""
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    body = "".join(f"#: size.ipynb cell:1\nmsgid {quoted(i)}\nmsgstr {quoted(s)}\n\n" for i, s in entries)
    return (HEADER + body).encode()


# Each class of defect a translator (or an attacker with commit rights on a catalog) could plant: the English, the
# French, and words of the rule that must refuse it.
PLANTED = {
    "script in a heading": ("Learning objectives", "Objectifs<script>alert(1)</script>", "adds HTML tag"),
    "img onerror in prose": ("After this chapter you can:", 'Vous saurez <img src=x onerror="alert(1)"> :',
                             "adds HTML tag"),
    "changed format spec": ("more than {n1} people", "plus de {n1:.1} personnes", "placeholders differ"),
    "huge format width": ("more than {n1} people", "plus de {n1:999999999999} personnes", "placeholders differ"),
    "lone brace": ("more than {n1} people", "plus de {n1 personnes", "lone {"),
    "swapped glue key": ("Of the {glue:text}`n_with_figure` articles", "Sur les {glue:text}`n_casual` articles",
                         "role"),
    "raw role added": ("A paragraph.", "Un paragraphe {raw}`<b>x</b>`.", "adds role"),
    "link target changed": ("See [the data](data-catalogue.md).", "Voir [les données](javascript:alert(1)).",
                            "link target"),
    "hand-typed number": ("The study counts 14,903 very active people.",
                          "L'étude compte 14 930 personnes très actives.", "numbers differ"),
    "number added": ("The study counts people.", "L'étude compte 15 000 personnes.", "numbers differ"),
    "extra table cell": ("| Platform | Registrations |", "| Plateforme | Inscriptions | x |", "cell bars"),
    "newline in a heading": ("Learning objectives", "Objectifs\n# Un autre titre", "a new line"),
    "new block in a paragraph": ("One line\nand another.", "Une ligne\n```{raw} html", "new Markdown block"),
    "substitution added": ("A paragraph.", "Un paragraphe {{ book_citation }}.", "adds substitution"),
    "code changed": ("Run `microwork check` first.", "Lancez `rm -rf /` d'abord.", "code"),
    "language span with a handler": ("*paid by the piece*.", '*<span lang="en" onclick="alert(1)">paid by the piece</span>*.',
                                     "adds HTML tag"),
    "language span left open": ("*paid by the piece*.", '*<span lang="en">paid by the piece*.', "adds HTML tag"),
    # found by an independent review of the first version of the rules
    "unclosed tag opening a block": ("See the chart.", "<script src=https://evil.example/x.js", "HTML opening"),
    "comment hiding the page": ("See the chart.", "<!-- Voir le graphique", "HTML opening"),
    "link target with a space": ("See [the data](data.md).", "Voir [ici]( https://evil.example)", "link target"),
    "link with a quoted title": ("See [the data](data.md).", "Voir [ici](https://evil.example 'x')", "link target"),
    "image as a tracker": ("See the chart.", "Voir ![]( https://evil.example/p.png)", "image"),
    "reference definition": ("See the chart.", "[x]: https://evil.example", "reference definition"),
    "reference link": ("See the data.", "Voir [les données][x]", "reference link"),
    "cross-reference swapped": ("See {doc}`size`.", "Voir {doc}`other`.", "role"),
    "figure reference swapped": ("See {numref}`fig-a`.", "Voir {numref}`fig-b`.", "role"),
    "decimal read as thousands": ("The ratio is 1.270.", "Le ratio est de 1 270.", "numbers differ"),
    "number glued to a unit": ("A road of 41 km.", "Une route de 42km.", "numbers differ"),
    "heading on the first line": ("See the chart.", "# Voir le graphique", "new Markdown block"),
    "comment on the first line": ("See the chart.", "% Voir le graphique", "new Markdown block"),
    "code fence on the first line": ("See the chart.", "```python Voir", "new Markdown block"),
    "a huge translation": ("See the chart.", "{{" * 20_000, "characters"),
}


def test_a_translation_may_mark_english_kept_as_written():
    entry = ("*paid by the piece*. Paid per task.", '*en anglais : <span lang="en">paid by the piece</span>*. Payé à la tâche.')
    assert rules.catalog_problems(po(entry), WHERE) == ([], [])


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_each_planted_defect_is_refused_with_its_catalog_and_line(case):
    english, french, rule = PLANTED[case]
    refused, _ = rules.catalog_problems(po(("Fine.", "Bien."), (english, french)), WHERE)
    assert refused, f"{case}: not refused"
    line = HEADER.count("\n") + 4 + 1 + 1  # header, first entry (4 lines), the comment line, then the msgid
    assert refused[0].startswith(f'{WHERE}:{line}: msgid "{rules.shortened(english)}":'), refused
    assert rule in " ".join(refused), refused


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_the_same_entry_translated_faithfully_passes(case):
    """The rules judge the planted change, not the entry: its faithful translation is accepted."""
    english = PLANTED[case][0]
    faithful = {"The study counts 14,903 very active people.": "L'étude compte 14\u202f903 personnes très actives.",
                "| Platform | Registrations |": "| Plateforme | Inscriptions |"}.get(english, english)
    assert rules.catalog_problems(po((english, faithful)), WHERE) == ([], [])


MALFORMED = {
    "stray line": ((HEADER + 'msgid "a"\nmsgstr "b"\nstray words\n').encode(), 8, "not gettext syntax"),
    "Latin-1 bytes": ((HEADER + 'msgid "café"\nmsgstr "café"\n').encode("latin-1"), 6, "is not UTF-8"),
    "byte-order mark": (b"\xef\xbb\xbf" + HEADER.encode(), 1, "byte-order mark"),
    "duplicate msgid": ((HEADER + 'msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n').encode(), 9,
                        "same msgid as line 6"),
    "msgid without quotes": ((HEADER + 'msgid a\nmsgstr "b"\n').encode(), 6, "not gettext syntax"),
    "msgstr without msgid": ((HEADER + 'msgstr "b"\n').encode(), 6, "without a msgid"),
    "unknown escape": ((HEADER + 'msgid "a"\nmsgstr "b\\q"\n').encode(), 7, "backslash"),
    "a second msgstr": ((HEADER + 'msgid "a"\nmsgstr "b"\nmsgstr "<script>"\n').encode(), 8, "a second msgstr"),
    "plural form": ((HEADER + 'msgid "a"\nmsgstr "b"\nmsgstr[1] "<script>"\n').encode(), 8, "plural forms"),
    "obsolete msgid, live msgstr": ((HEADER + '#~ msgid "a"\nmsgstr "<script>"\n').encode(), 7, "mixes obsolete"),
    "msgid without msgstr": ((HEADER + 'msgid "a"\n').encode(), 6, "without its msgstr"),
    "control character": ((HEADER + 'msgid\x0b"a"\nmsgstr "b"\n').encode(), 6, "control character"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_catalog_gets_one_located_line(case):
    content, line, rule = MALFORMED[case]
    refused, _ = rules.catalog_problems(content, WHERE)
    assert len(refused) == 1 and refused[0].startswith(f"{WHERE}:{line}:") and rule in refused[0], refused


def test_fuzzy_and_obsolete_entries_are_named_not_judged():
    content = (HEADER + '#, fuzzy\nmsgid "14 people"\nmsgstr "15 personnes"\n\n#~ msgid "old"\n#~ msgstr "vieux"\n')
    refused, warned = rules.catalog_problems(content.encode(), WHERE)
    assert refused == [] and len(warned) == 2
    assert warned[0].startswith(f"{WHERE}:7:") and "fuzzy" in warned[0]
    assert warned[1].startswith(f"{WHERE}:10:") and "obsolete" in warned[1]


def test_numbers_are_read_as_values_in_both_languages():
    assert rules.english_numbers("14,903 and 1.27, 5.6% of 2019; version 0.1.0; 19M") == \
        rules.french_numbers("14\u202f903 et 1,27, 5,6 % de 2019 ; version 0.1.0 ; 19 M")
    assert rules.french_numbers("l'article 1er") == rules.english_numbers("Article 1")
    assert rules.english_numbers("{glue:text}`n:,.0f` and `260,000`") == {}


def test_the_book_s_own_catalogs_break_no_rule():
    refused, warned = rules.check_catalog_folder(ROOT)
    assert refused == [] and warned == []


def planted_copy(tmp_path: Path, edit) -> Path:
    """A copy of the book's sources with one catalog edited by ``edit(text) -> text``."""
    root = copy_book(tmp_path / "book")
    path = translate.catalog_path(root, "fr", "chapters/size")
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def heading_with_a_script(text: str) -> str:
    return text.replace('msgstr "Objectifs d\'apprentissage"', 'msgstr "Objectifs<script>alert(1)</script>"', 1)


def test_microwork_check_reads_the_catalogs_before_anything_runs(tmp_path):
    root = planted_copy(tmp_path, heading_with_a_script)
    result = microwork("check", root=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert re.search(r"locales/fr/LC_MESSAGES/chapters/size\.po:\d+: msgid \"Learning objectives\": the translation "
                     r"adds HTML tag", result.stderr), result.stderr
    assert not (root / "_build" / ".cache").exists()  # no kernel started


@pytest.mark.build
@pytest.mark.parametrize("edit", ["rule", "syntax"])
def test_a_refused_catalog_stops_the_build_and_keeps_the_previous_site(book_copy, edit):
    root = book_copy
    before = (root / "_build" / "html").resolve()
    path = translate.catalog_path(root, "fr", "chapters/size")
    text = path.read_text(encoding="utf-8")
    path.write_text(heading_with_a_script(text) if edit == "rule" else text + "\nmsgid stray\n", encoding="utf-8")
    result = microwork("build", root=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert re.search(r"locales/fr/LC_MESSAGES/chapters/size\.po:\d+: ", result.stderr), result.stderr
    assert "executing" not in result.stdout.lower()
    assert (root / "_build" / "html").resolve() == before and (before / "fr" / "chapters" / "size.html").is_file()


# Translations that keep every rule (no markup) but hold the characters that end an attribute or open a tag: the
# theme writes the title, the search box text and the footer as HTML, so each must be escaped where it lands.
ATTRIBUTE_BREAKERS = {
    "Counting the hidden crowd: micro-work in France": 'Compter " onmouseover="alert(document.domain) & x',
    "Search this book...": 'Rechercher" autofocus onfocus="alert(document.cookie)',
    "Code under the MIT licence; text and data compilation under CC BY 4.0.":
        'Code MIT ; CC BY 4.0 &lt;script&gt;alert(document.title)&lt;/script&gt; " onx="y',
}


@pytest.mark.build
def test_translated_site_texts_land_as_text(book_copy):
    root = book_copy
    path = translate.catalog_path(root, "fr", translate.BOOK_CATALOG)
    text = path.read_text(encoding="utf-8")
    for english, french in ATTRIBUTE_BREAKERS.items():
        quoted = french.replace("\\", "\\\\").replace('"', '\\"')
        text, count = re.subn(rf'(msgid "{re.escape(english)}"\nmsgstr )"[^\n]*"', lambda m: m.group(1) + f'"{quoted}"',
                              text, count=1)
        assert count == 1, english
    path.write_text(text, encoding="utf-8")
    result = microwork("build", root=root)
    assert result.returncode == 0, result.stderr
    site = (root / "_build" / "html" / "fr").resolve()
    for page in ("chapters/size.html", "search.html", "genindex.html"):
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
        handlers = [(tag.name, name) for tag in soup.find_all(True) for name in tag.attrs
                    if name in ("onmouseover", "onfocus", "onx", "autofocus")]
        assert handlers == [], (page, handlers)
        assert not soup.find_all("script", string=re.compile("alert")), page
        shown = {english: typography.french(french) for english, french in ATTRIBUTE_BREAKERS.items()}  # as typeset
        assert soup.select_one(".logo__title").get_text() == shown["Counting the hidden crowd: micro-work in France"]
        assert soup.select_one("input[type=search]")["placeholder"] == shown["Search this book..."]
        footer = soup.select_one(".extra_footer").get_text(" ", strip=True)
        assert footer == shown["Code under the MIT licence; text and data compilation under CC BY 4.0."]

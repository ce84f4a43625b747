"""Chapter prose: numbers are glued from code, and every source is cited and resolves."""

from __future__ import annotations

import json
import re
from pathlib import Path

from microwork.analysis.data import bibliography_entries
from microwork.pipeline.layout import toc_files

ROOT = Path(__file__).resolve().parents[1]
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"

# What may be written with digits in prose: dates, years, legal references, list numbers, names.
ALLOWED = [
    rf"\b\d{{1,2}} (?:{MONTHS}) (?:19|20)\d\d\b",       # a date: 16 October 2019
    r"\bDirective \(EU\) \d{4}/\d+",                      # Directive (EU) 2024/2831
    r"\bArticles? \d+(?:\(\d+\))?(?:-\(\d+\))?(?: and \d+)?",  # Article 4, Articles 4 and 5, Article 1(2)-(3)
    r"\b(?:19|20)\d\d\b",                                 # a year
    r"^\s*\d+\.\s",                                       # numbered-list marker
    r"^#+ Question \d+:",                                # a numbered question's heading (open-questions)
    r"\b[Ss]teps? \d+(?: and \d+)?",                        # a step of a method table, by its number
    r"\b3F\b",                                            # the Danish union's name
    r"\bbac\+2\b",                                        # French diploma level
    r"\baged \d+ to \d+",                                  # an age band (a definition, not a result)
    r"\bPython 3\.\d+(?:, 3\.\d+)*(?: or 3\.\d+)?|\bCC BY 4\.0|\bUTF-8",  # names of versions and standards
]
# Stripped before looking for digits: code, MyST roles, substitutions, links' targets, directive options.
STRIP = [
    r"```[^\n]*\n(?::[a-z-]+:[^\n]*\n)*",  # directive openers and their options (their content is prose)
    r"^```\s*$",
    r"`[^`\n]*`",                              # inline code and the argument of roles
    r"\{[a-z:-]+\}",                           # role names left after their argument was stripped
    r"\{\{[^}]*\}\}",                          # substitutions
    r"\]\([^)]*\)",                            # link targets
    r"https?://\S+",
    r"<!--.*?-->",
]


def toc_documents() -> list[Path]:
    """The pages of the book, in table-of-contents order (read as the build reads them)."""
    return [next(ROOT / f"{name}{suffix}" for suffix in (".md", ".ipynb") if (ROOT / f"{name}{suffix}").is_file())
            for name in toc_files(ROOT)]


def prose_of(path: Path) -> str:
    """The Markdown a reader sees: a .md file, or the Markdown cells of a notebook."""
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")


def typed_numbers(text: str) -> list[str]:
    """Lines of prose that still contain a digit once code, roles and allowed forms are removed."""
    problems = []
    in_code = False
    for line in text.splitlines():
        if re.match(r"^```(?!\{)", line):      # a plain code block (not a directive)
            in_code = not in_code
            continue
        if in_code or re.match(r"^\s*:[a-z-]+:", line):
            continue
        cleaned = line
        for pattern in STRIP + ALLOWED:
            cleaned = re.sub(pattern, " ", cleaned, flags=re.S)
        if re.search(r"\d", cleaned):
            problems.append(line.strip())
    return problems


def problems_in_pages(check) -> dict[str, list[str]]:
    """``check`` applied to the prose of every page of the table of contents; only pages with problems."""
    found = {str(p.relative_to(ROOT)): check(prose_of(p)) for p in toc_documents()}
    return {k: v for k, v in found.items() if v}


def test_prose_has_no_typed_numbers():
    found = problems_in_pages(typed_numbers)
    assert not found, "numbers typed in prose (glue them from the notebook):\n" + json.dumps(found, indent=1, ensure_ascii=False)


def test_the_check_catches_a_typed_number():
    assert typed_numbers("There are 266,126 casual micro-workers.") == ["There are 266,126 casual micro-workers."]
    assert typed_numbers("The hearing of 16 October 2019, see Directive (EU) 2024/2831, Article 4.") == []
    assert typed_numbers("There are {glue:text}`tier_casual:,.0f` casual micro-workers.") == []
    assert typed_numbers("1. first point") == []


def bib_keys() -> list[str]:
    return bibliography_entries((ROOT / "references.bib").read_text(encoding="utf-8"))


def cited_keys() -> set[str]:
    text = "\n".join(prose_of(p) for p in toc_documents())
    return {k.strip() for m in re.finditer(r"\{cite:[a-z]+\}`([^`]+)`", text) for k in m.group(1).split(",")}


def test_every_bibliography_entry_is_cited():
    uncited = sorted(set(bib_keys()) - cited_keys())
    assert not uncited, f"references.bib entries cited nowhere in the chapters: {uncited}"


def test_every_citation_resolves():
    unknown = sorted(cited_keys() - set(bib_keys()))
    assert not unknown, f"citations with no references.bib entry: {unknown}"


def test_bibliography_is_large_enough():
    assert len(bib_keys()) >= 25
    assert len(set(bib_keys())) == len(bib_keys()), "duplicate keys in references.bib"


# --- Claims about what is public -------------------------------------------------------------------
# "Not found in the parts we read" is not "not public": the study's methods sections exist, this book
# could not read them. A "not public" claim is allowed only in a sentence that cites the source saying so.
NOT_PUBLIC = re.compile(r"\b(?:not|never) (?:yet )?(?:been )?(?:made )?(?:public|published)\b|\bno public\b|\bunpublished\b"
                        r"|\bnot publicly\b|\bpublic inputs\b", re.I)


def not_public_claims(text: str, citations_allowed: bool = True) -> list[str]:
    """Sentences that say something is not public, unless (in prose) the sentence cites a source."""
    sentences = re.split(r"(?<=[.;:!?])\s+|\n", re.sub(r"“[^”]*”|\"[^\"\n]*\"|«[^»]*»", " ", text))
    return [s.strip() for s in sentences
            if NOT_PUBLIC.search(s) and not (citations_allowed and re.search(r"\{cite:[a-z]+\}`", s))]


def reader_facing_texts() -> dict[str, str]:
    """Prose of every page, the data package's text, the package's strings, and the README."""
    texts = {str(p.relative_to(ROOT)): prose_of(p) for p in toc_documents()}
    for path in sorted((ROOT / "data").glob("*.csv")) + [ROOT / "data" / "datapackage.json", ROOT / "README.md",
                                                          ROOT / "CITATION.cff", ROOT / ".zenodo.json"]:
        texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "src" / "microwork").glob("*.py")):
        texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return texts


def test_nothing_is_called_not_public_without_a_source_saying_so():
    found = {}
    for name, text in reader_facing_texts().items():
        claims = not_public_claims(text, citations_allowed=name.startswith("chapters/"))
        if claims:
            found[name] = claims
    assert not found, "'not public' claims (say 'not in the parts of the sources this book could read'):\n" + \
        json.dumps(found, indent=1, ensure_ascii=False)


def test_the_check_catches_a_not_public_claim():
    assert not_public_claims("The derivation is not published.") == ["The derivation is not published."]
    assert not_public_claims("It rests on figures that are not public (open question 3)")
    assert not_public_claims("Recomputed from public inputs.")
    assert not_public_claims("The full list of platforms has not been published.")
    assert not_public_claims("The platform says its data are not public {cite:p}`Silicon2019`.") == []
    assert not_public_claims("It was not found in the sources this book could read.") == []


# --- Numbers written as words ------------------------------------------------------------------------
# A count or share written in words ("seven platforms", "a third of respondents") is a number typed into
# prose like any digit: glue it. Allowed: counts that describe the book or the study's design rather than
# a result (the nouns below), and words inside a quotation, which are the source's own.
NUMBER_WORDS = (r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
                r"|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?"
                r"|thousands?|millions?|billions?|dozens?|half|quarter|third")
STRUCTURAL_NOUNS = (r"tiers?|counts?|estimates?|numbers|populations|sessions?|sentences?|words|arguments?|pillars?"
                    r"|criteria|categories|uses|functions|roles|ways|stories|differences|misreadings|waves|ranges"
                    r"|researchers|sociologists|sides|questions|steps|corrections|decimals|landings|products"
                    r"|definitions|figures|shares|sources|conditions|designs|things|editions|kinds|at a time")
WORD_ALLOWED = [
    rf"\b(?:{NUMBER_WORDS})\b(?:[\s-]+(?:\w+[\s-]+)?)(?:{STRUCTURAL_NOUNS})\b",   # "three tiers", "two published shares"
    r"\b(?:the|these|those|both|all|first|last) (?:two|three|four|five)\b",        # "the two", "all three", "the first two"
    r"\bout of two\b|\bin two\b|\bthe third\b|\btwo years of higher education\b",
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten) of the\b",                 # "two of the five criteria"                                                      # "two such landings out of two"
    r"\bninety-percent\b|\bhalf the median\b|\bhalf-life\b",                                      # a definition
    r"“[^”]*”|\"[^\"\n]*\"|«[^»]*»",                                                  # quotations
    r"^\s*#+ .*$",                                                                     # headings name structure
]


def written_numbers(text: str) -> list[str]:
    """Paragraphs of prose with a number written in words, once allowed forms are removed (each shown by its
    offending sentence)."""
    problems = []
    kept = []
    in_code = False
    for line in text.splitlines():
        if re.match(r"^```(?!\{)", line):
            in_code = not in_code
            kept.append("")
            continue
        kept.append("" if in_code or re.match(r"^\s*:[a-z-]+:", line) else line)
    for paragraph in re.split(r"\n\s*\n", "\n".join(kept)):
        for sentence in re.split(r"(?<=[.;!?])\s+|\n(?=\s*(?:[-*|#]|\d+\.))", paragraph):
            cleaned = re.sub(r"\s+", " ", sentence)
            for pattern in STRIP + WORD_ALLOWED:
                cleaned = re.sub(pattern, " ", cleaned, flags=re.I)
            if re.search(rf"\b(?:{NUMBER_WORDS})\b", cleaned, flags=re.I):
                problems.append(re.sub(r"\s+", " ", sentence).strip())
    return problems


def test_prose_has_no_numbers_written_as_words():
    found = problems_in_pages(written_numbers)
    assert not found, "numbers written as words in prose (glue them):\n" + json.dumps(found, indent=1, ensure_ascii=False)


def test_the_check_catches_a_number_written_as_words():
    assert written_numbers("The seven platforms add up to many accounts.") == [
        "The seven platforms add up to many accounts."]
    assert written_numbers("About a third of respondents are inactive.") == ["About a third of respondents are inactive."]
    assert written_numbers("Fifty thousand people.") == ["Fifty thousand people."]
    assert written_numbers("The study gives three estimates; the two are consistent.") == []
    assert written_numbers('Alternatives Économiques wrote "one third".') == []


# --- Nothing outside the book ------------------------------------------------------------------------
# The reader has the book, not the project's working notes on its sources: no text may send them to a file
# the book does not contain (it once said "dossier open question 4"). Open points link to the appendix
# "What the sources do not tell us" instead. Checked in the sources and in what the build makes.
OUTSIDE_FILE = re.compile(r"dossier", re.I)


def naming_an_outside_file(texts: dict[str, str]) -> list[str]:
    """Each place where ``texts`` (name -> text) names the working notes, as ``name: ...context...``."""
    return [f"{name}: ...{' '.join(text[max(0, m.start() - 50):m.end() + 50].split())}..."
            for name, text in texts.items() for m in OUTSIDE_FILE.finditer(text)]


def notebook_code_and_outputs() -> dict[str, str]:
    """The code cells of every chapter notebook, with any output text they carry."""
    texts = {}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
        texts[f"{path.relative_to(ROOT)} (code)"] = json.dumps([[c["source"], c.get("outputs", [])] for c in cells],
                                                               ensure_ascii=False)
    return texts


def text_files(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` that reads as UTF-8 text (pages, search index, downloads, reports)."""
    texts = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            texts[str(path.relative_to(folder))] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # an image
    return texts


def package_texts() -> dict[str, str]:
    """The text of the code that makes the book (its messages, table labels and reasons end up in pages)."""
    package = ROOT / "src" / "microwork"
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
            for p in sorted(package.rglob("*")) if p.is_file() and p.suffix in (".py", ".html", ".js", ".css")}


def test_no_source_text_names_the_working_notes():
    texts = reader_facing_texts() | notebook_code_and_outputs() | package_texts()
    texts |= {p.name: p.read_text(encoding="utf-8") for p in [ROOT / "tests" / "snapshots" / "reproduction-baseline.json"]}
    found = naming_an_outside_file(texts)
    assert not found, "text that names a file the book does not contain (link to chapters/open-questions):\n" + \
        "\n".join(found)


def test_no_built_page_download_or_report_names_the_working_notes(built_book):
    from microwork.cli import chapter_defaults
    from microwork.pipeline.layout import Layout
    from microwork.pipeline.provenance import run_metadata

    site = (built_book / "_build" / "html").resolve()
    texts = text_files(site)
    assert "chapters/open-questions.html" in texts and "searchindex.js" in texts
    # What `microwork reproduce` writes to _build/reproduce/report.json: the build's report and the run.
    texts["reproduction report"] = Layout(built_book).reproduction_report.read_text(encoding="utf-8")
    texts["run of the report"] = json.dumps(run_metadata(built_book, chapter_defaults(built_book)), ensure_ascii=False)
    reproduced = built_book / "_build" / "reproduce" / "report.json"
    if reproduced.is_file():
        texts["_build/reproduce/report.json"] = reproduced.read_text(encoding="utf-8")
    found = naming_an_outside_file(texts)
    assert not found, "built text that names a file the book does not contain:\n" + "\n".join(found)


def test_the_check_finds_the_working_notes_named(tmp_path):
    (tmp_path / "page.html").write_text("<p>As the Dossier says (open question 4).</p>", encoding="utf-8")
    (tmp_path / "fine.html").write_text("<p>See the appendix.</p>", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    found = naming_an_outside_file(text_files(tmp_path))
    assert found == ["page.html: ...<p>As the Dossier says (open question 4).</p>..."]
    assert naming_an_outside_file({"x.json": '{"description": "see the dossier\'s labels"}'})


# A count glued on its own (``n_articles``, by the book's naming of glued counts) followed by a word: the word's
# number cannot agree with every count ("1 articles", « 0 articles », "1 are"). Such a count is glued with its
# words by ``book.glue_count``, which each edition writes by its own plural rule. Words that agree with any count ("of", "in all", "used") pass.
BARE_COUNT = re.compile(r"\{glue:text\}`n_\w+(?::[^`]*)?`\s+(?!(?:of|in all|used|printed|a)\b)([A-Za-z]+)")


def bare_counts(text: str) -> list[str]:
    """The places where a glued count is followed by a word that has to agree with it."""
    return [" ".join(match.group(0).split()) for match in BARE_COUNT.finditer(text)]


def test_glued_counts_are_glued_with_the_words_that_agree_with_them():
    found = problems_in_pages(bare_counts)
    assert not found, "counts followed by words that agree with them (use book.glue_count):\n" + json.dumps(
        found, indent=1, ensure_ascii=False)


def test_the_check_catches_a_count_followed_by_its_noun():
    assert bare_counts("the dates of the {glue:text}`n_undated` articles") == ["{glue:text}`n_undated` articles"]
    assert bare_counts("{glue:text}`n_inside`\nare inside") == ["{glue:text}`n_inside` are"]
    assert bare_counts("{glue:text}`n_unaddressed` of its topics; {glue:text}`n_articles` in all; "
                       "the {glue:text}`undated_counted` about the study") == []

"""`microwork build` prints PDFs a teacher can hand out into the site: one per chapter and one for the book, in a
students' edition (no solutions) and a teachers' edition, with titles, page numbers, static figures and nothing cut at
the edge; every page links its own, and no link in a PDF points to the local server that printed it."""

from __future__ import annotations

import functools
import html
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from french_text import WORD, as_printed, english_pieces, identifiers
from microwork.pipeline.pdf import EDITIONS, footer_text, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pdfs(published_site):
    """The English PDFs of the built site (``pdf/<edition>``); the French ones are in ``fr/pdf/<edition>``."""
    return published_site / "pdf"


def french_pdfs(pdfs: Path) -> Path:
    """The French PDFs' folder, next to the English ones."""
    return pdfs.parent / "fr" / "pdf"


def squashed(text: str) -> str:
    """``text`` without spaces, line breaks and hyphens, ligatures undone (NFKC), quotes straight: what is left of a
    text whatever the lines it is wrapped into, so that the HTML's text and the PDF's can be compared."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("\u00ad", "")
    return re.sub(r"[\s\-‐‑]+", "", text)


@functools.lru_cache(maxsize=None)
def pages_text(path: Path) -> tuple[str, ...]:
    """The text of each page (extracted once: several tests read the same files)."""
    return tuple(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def text_of(path: Path) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", " ".join(pages_text(path))))


def body_of(path: Path, edition: str, header: str = "") -> str:
    """The squashed text of a PDF without its page footers (edition, page number) and headers (``header``, the
    chapter's title), so that a text that runs over a page break reads as one."""
    pages = pages_text(path)
    body = []
    for number, text in enumerate(pages, start=1):
        text = squashed(text).replace(squashed(footer_text(edition, number, len(pages))), "", 1)
        body.append(text.replace(squashed(header), "", 1) if header else text)
    return "".join(body)


def chapters_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.pdf") if p.name != "book.pdf")


@pytest.fixture(scope="module")
def html_pages(published_site, browser):
    """For each chapter: its numbered title, figure numbers, the text of every printed table cell and code block,
    and the text of each paragraph of its solutions, as the built site's HTML has them."""
    site = published_site
    script = """() => {
      const h1 = document.querySelector('article h1').cloneNode(true);
      h1.querySelectorAll('.headerlink').forEach(e => e.remove());
      // What print leaves out by design: code cells folded on screen (the tag hide-cell, or hide-input's code).
      const printed = e => !e.closest('.tag_hide-cell, .tag_hide-input > .cell_input');
      const texts = (selector, read = e => e.textContent) => [...document.querySelectorAll(selector)].filter(printed)
        .map(read).filter(t => t.trim());
      // A table cell's text as printed (innerText under print media): without its header label, which shows only
      // when a table is stacked on a phone.
      const printedText = e => e.innerText;
      return {
        title: h1.textContent.replace(/\\s+/g, ' ').trim(),
        figures: texts('figure .caption-number').map(t => t.trim()),
        cells: texts('article table:not(.mw-data-table) th, article table:not(.mw-data-table) td', printedText),
        code: texts('article pre'),
        solutions: texts('div.solution section > p, div.solution section > ul > li'),
      };
    }"""
    pages = {}
    with serve(site) as base:
        page = browser.new_page()
        page.emulate_media(media="print")
        for html in sorted((site / "chapters").glob("*.html")):
            page.goto(f"{base}/chapters/{html.name}")
            pages[html.stem] = page.evaluate(script)
        page.close()
    return pages


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_one_pdf_per_chapter_with_its_numbered_title_and_figures(pdfs, html_pages, edition):
    chapters = chapters_of(pdfs / edition)
    assert len(chapters) >= 15
    assert {p.stem for p in chapters} == set(html_pages)
    for pdf in chapters:
        page = html_pages[pdf.stem]
        text = squashed(text_of(pdf))
        assert squashed(page["title"]) in text, f"{pdf.name}: no title {page['title']!r}"
        for figure in page["figures"]:
            assert squashed(figure) in text, f"{pdf.name}: no {figure}"
    assert squashed("2. How many people micro-work in France?") in squashed(text_of(pdfs / edition / "size.pdf")), \
        "numbered chapters keep their number in print"


def test_figures_are_static_images_without_downloads(pdfs):
    for edition in EDITIONS:
        text = text_of(pdfs / edition / "size.pdf")
        assert "accounts registered from France" in text, "the chart itself (its axis title) is in the PDF"
        assert "Data table of this chart" not in text, "interactive-only parts are not printed"
        assert "Download:" not in text and "Vega-Lite spec" not in text, "download links are not printed"


def test_nothing_is_cut_at_the_right_edge(pdfs, html_pages):
    """Every cell of every printed table, and every code block, is in the chapter's PDF whole (wrapped, not cut)."""
    for name, page in html_pages.items():
        body = body_of(pdfs / "teachers" / f"{name}.pdf", "teachers", page["title"])
        missing = [cell.strip()[:60] for cell in page["cells"] if squashed(cell) not in body]
        assert not missing, f"{name}.pdf: table cells cut or missing: {missing[:5]}"
        for block in page["code"]:
            for line in block.splitlines():
                assert squashed(line) in body, f"{name}.pdf: code line cut or missing: {line[:80]!r}"
    assert any(page["cells"] for page in html_pages.values()) and any(page["code"] for page in html_pages.values())


def test_students_edition_has_no_solutions_and_teachers_edition_has_them(pdfs, html_pages):
    with_solutions = {name: page["solutions"] for name, page in html_pages.items() if page["solutions"]}
    assert len(with_solutions) >= 8, "the chapters' exercises have solutions"
    for name, solutions in with_solutions.items():
        title = html_pages[name]["title"]
        students = body_of(pdfs / "students" / f"{name}.pdf", "students", title)
        teachers = body_of(pdfs / "teachers" / f"{name}.pdf", "teachers", title)
        for solution in solutions:
            assert squashed(solution) in teachers, f"teachers/{name}.pdf lacks the solution {solution[:60]!r}"
            assert squashed(solution)[:60] not in students, f"students/{name}.pdf prints the solution {solution[:60]!r}"
        assert "Solutionto" not in students
    assert "Solutionto" not in body_of(pdfs / "students" / "book.pdf", "students")


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_every_page_is_numbered(pdfs, edition):
    for pdf in [*chapters_of(pdfs / edition), pdfs / edition / "book.pdf"]:
        pages = pages_text(pdf)
        for number, text in enumerate(pages, start=1):
            assert squashed(footer_text(edition, number, len(pages))) in squashed(text), f"{pdf.name}: page {number}"


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_book_has_contents_and_bookmarks_with_numbered_titles(pdfs, html_pages, edition):
    chapters = chapters_of(pdfs / edition)
    book = PdfReader(str(pdfs / edition / "book.pdf"))
    bookmarks = [item for item in book.outline if not isinstance(item, list)]  # chapters' headings are nested
    assert bookmarks[0].title == "Contents"
    titles = [item.title for item in bookmarks[1:]]
    assert len(titles) == len(chapters)
    assert "2. How many people micro-work in France?" in titles
    assert set(titles) == {page["title"] for page in html_pages.values()}
    contents_pages = book.get_destination_page_number(bookmarks[1])
    assert len(book.pages) == contents_pages + sum(len(PdfReader(str(p)).pages) for p in chapters)
    text = pages_text(pdfs / edition / "book.pdf")
    contents = squashed(" ".join(text[:contents_pages]))
    for item in bookmarks[1:]:
        start = book.get_destination_page_number(item)
        number, title = re.fullmatch(r"([\d.]*)\s*(.*)", item.title).groups()
        assert squashed(f"{number}{title}{start + 1}") in contents, f"contents: {item.title} on page {start + 1}"
        assert squashed(title) in squashed(text[start]), f"{item.title} starts on page {start + 1}"


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_the_french_edition_is_printed_too_in_french(pdfs, built_book, edition):
    from microwork.pipeline.translate import BOOK_CATALOG, Translations

    french = french_pdfs(pdfs) / edition
    assert {p.name for p in chapters_of(french)} == {p.name for p in chapters_of(pdfs / edition)}
    words = Translations(built_book, "fr").for_catalog(BOOK_CATALOG)
    book = PdfReader(str(french / "book.pdf"))
    assert book.outline[0].title == words("Contents") != "Contents"
    titles = [re.sub(r"[\u00a0\u202f]", " ", i.title) for i in book.outline if not isinstance(i, list)]
    assert "2. Combien de personnes font du micro-travail en France ?" in titles, titles
    size = pages_text(french / "size.pdf")
    assert squashed(footer_text(edition, 1, len(size), words)) in squashed(size[0])
    assert "14\u202f903" in text_of(french / "size.pdf") or "14 903" in text_of(french / "size.pdf")
    # the charts are printed in French too: the registrations chart's axis, no number in English form
    printed = " ".join(text_of(french / "size.pdf").split())
    assert "comptes inscrits depuis la France" in printed and "14,903" not in printed and "130,900" not in printed


def marked_english(page_html: str) -> set[tuple[str, str]]:
    """The pairs of neighbouring words inside the elements a page marks lang="en" (titles of English works, English
    equivalents): a PDF's text has no marks, so its English is known by these words, whatever its line breaks."""
    texts = re.findall(r'<(\w+)[^>]*\blang="en"[^>]*>(.*?)</\1>', page_html, flags=re.S)
    words = [WORD.findall(html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("\u2019", "'")) for _, text in texts]
    return {(a.lower(), b.lower()) for seq in words for a, b in zip(seq, seq[1:])}


def english_lines(path: Path, quoted: list[str], marked: set[tuple[str, str]] = frozenset()) -> list[str]:
    """The lines of a PDF that :func:`french_text.english_pieces` reads as English, once the words its page marks
    English (``marked``: :func:`marked_english`), the titles and names quoted as printed and the data's identifiers
    (``quoted``) are left out."""
    found = []
    for line in (line for page in pages_text(path) for line in page.splitlines()):
        tokens = WORD.findall(unicodedata.normalize("NFKC", line).replace("\u2019", "'"))
        pairs = [(a.lower(), b.lower()) in marked for a, b in zip(tokens, tokens[1:])]
        kept = [token for i, token in enumerate(tokens)
                if not ((i > 0 and pairs[i - 1]) or (i < len(pairs) and pairs[i]))]
        if len(kept) < len(tokens):
            line = " ".join(kept)
        found += english_pieces(html.escape(unicodedata.normalize("NFKC", line)), quoted)
    return found


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_the_french_pdfs_have_no_english_sentence(pdfs, built_book, edition):
    """Read in the PDFs' text, without the code that made them: what the French PDFs print, code blocks and chart
    labels included, but the words their pages mark lang="en"."""
    quoted = as_printed(built_book) + identifiers(built_book)
    site = pdfs.parent / "fr" / "chapters"
    found = {path.name: english_lines(path, quoted, marked_english((site / f"{path.stem}.html").read_text("utf-8")))
             for path in chapters_of(french_pdfs(pdfs) / edition) if (site / f"{path.stem}.html").is_file()}
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_the_pdf_check_finds_an_english_line():
    assert english_pieces(html.escape("make book   # builds the whole book and its PDFs"), []) != []
    assert english_pieces(html.escape("make book : construit tout le livre"), []) == []
    marked = marked_english('<p>en anglais : <span lang="en">paid by the piece</span></p>')
    assert marked == {("paid", "by"), ("by", "the"), ("the", "piece")}


@pytest.mark.parametrize("language", ["", "fr"])
def test_every_page_links_its_pdfs_and_the_books(published_site, pdfs, language):
    site = published_site / language
    folder = pdfs if not language else french_pdfs(pdfs)
    pages = sorted((site / "chapters").glob("*.html"))
    assert len(pages) > 15
    for page in pages:
        text = page.read_text(encoding="utf-8")
        line = re.search(r'<p class="mw-pdfs">(.*?)</p>', text, re.S)
        assert line, f"{page.relative_to(site)} links no PDF"
        targets = {(page.parent / html.unescape(href)).resolve() for href in re.findall(r'href="([^"]+)"', line.group(1))}
        assert targets == {folder / edition / f"{stem}.pdf" for edition in EDITIONS for stem in (page.stem, "book")}, page
        assert all(target.is_file() for target in targets), page


def pdf_urls(path: Path) -> list[str]:
    """The addresses of a PDF's links, as poppler's ``pdfinfo -url`` lists them (independent of the printing code)."""
    listed = subprocess.run(["pdfinfo", "-url", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[-1] for line in listed.splitlines()[1:] if line.split()]


def test_no_pdf_links_to_a_local_address(pdfs):
    files = sorted(pdfs.rglob("*.pdf")) + sorted(french_pdfs(pdfs).rglob("*.pdf"))
    assert len(files) > 40
    local = {f"{path.relative_to(pdfs.parent)}: {url}" for path in files for url in pdf_urls(path)
             if re.match(r"https?://(127\.0\.0\.1|localhost|0\.0\.0\.0)", url)}
    assert local == set()
    assert any(url.startswith("https://") for url in pdf_urls(pdfs / "teachers" / "book.pdf"))  # outside links kept


def test_the_local_address_check_sees_a_local_link(tmp_path, browser):
    page = browser.new_page()
    page.set_content('<a href="http://127.0.0.1:8000/chapters/size.html">size</a>')
    page.pdf(path=str(tmp_path / "planted.pdf"))
    page.close()
    assert pdf_urls(tmp_path / "planted.pdf") == ["http://127.0.0.1:8000/chapters/size.html"]

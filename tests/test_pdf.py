"""`microwork pdf` prints one PDF per chapter and one for the book, with titles and static figures."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import microwork

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pdfs(built_book):
    result = microwork("pdf", root=built_book)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return built_book / "_build" / "pdf"


def text_of(path: Path) -> str:
    text = " ".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))  # NFKC undoes ligatures such as "ﬁ"


def title_and_figures(html: Path) -> tuple[str, list[str]]:
    page = html.read_text(encoding="utf-8")
    title = re.search(r"<h1>(?:<span class=\"section-number\">[^<]*</span>)?([^<]+)", page).group(1).strip()
    return title, re.findall(r'caption-number">(Fig\. [\d.]+)', page)


def test_one_pdf_per_chapter_with_its_title_and_figures(built_book, pdfs):
    site = built_book / "_build" / "html" / "chapters"
    chapters = sorted(p for p in pdfs.glob("*.pdf") if p.name != "book.pdf")
    assert len(chapters) >= 15
    for pdf in chapters:
        title, figures = title_and_figures(site / f"{pdf.stem}.html")
        text = text_of(pdf)
        assert title.replace("’", "'")[:30] in text.replace("’", "'"), f"{pdf.name}: no title {title!r}"
        for figure in figures:
            assert figure in text, f"{pdf.name}: no {figure}"


def test_figures_are_static_images(pdfs):
    text = text_of(pdfs / "size.pdf")
    assert "accounts registered from France" in text, "the chart itself (its axis title) is in the PDF"
    assert "Data table of this chart" not in text, "interactive-only parts are not printed"


def test_book_pdf_binds_every_chapter(pdfs):
    chapters = [p for p in pdfs.glob("*.pdf") if p.name != "book.pdf"]
    book = PdfReader(str(pdfs / "book.pdf"))
    assert len(book.pages) == sum(len(PdfReader(str(p)).pages) for p in chapters)
    assert len(book.outline) == len(chapters)

"""The line under every printed page's title that links its PDFs, in both PDF editions, and the whole book's.

``microwork build`` prints the PDFs into the site (:mod:`microwork.pipeline.pdf`) and tells the render which pages it
prints (:data:`~microwork.pipeline.pdf.STAGED_PDFS` in the staged book); a page it does not print, or a plain
``jupyter-book build .``, gets no line. Print hides the line (a PDF does not link itself). A Sphinx hook, registered
by :mod:`microwork.pipeline.sphinxext`.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any, Callable

from .pdf import EDITIONS, STAGED_PDFS, site_pdf
from .site_texts import PDF_LINE

BOOK = "book"


def printed_pages(srcdir: Path) -> set[str]:
    """The pages the build prints, from the staged list (none without it)."""
    staged = srcdir / STAGED_PDFS
    return set(json.loads(staged.read_text(encoding="utf-8"))) if staged.is_file() else set()


def pdf_line(page: str, texts: dict[str, str], link: Callable[[str], str]) -> str:
    """The line for ``page`` as HTML: its PDF and the book's, each in both editions (``link(path)`` gives a file's
    address from the page; ``texts`` the translations of the site's texts, each escaped before the links go in)."""
    def said(english: str) -> str:
        return html.escape(texts.get(english) or english, quote=False)

    def editions(name: str) -> str:
        return ", ".join(f'<a href="{html.escape(link(site_pdf(edition, name)))}">{said(label)}</a>'
                         for edition, label in EDITIONS.items())

    return said(PDF_LINE).format(page=editions(page), book=editions(BOOK))


def add_pdf_line(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context: put the PDF line under the page's first heading, when the build prints the page."""
    if "body" not in context or pagename not in printed_pages(Path(app.srcdir)):
        return
    line = pdf_line(pagename, context.get("microwork_texts") or app.config.microwork_texts or {},
                    lambda path: context["pathto"](path, 1))
    body, heading_end = context["body"], context["body"].find("</h1>")
    at = heading_end + len("</h1>") if heading_end >= 0 else 0
    context["body"] = f'{body[:at]}\n<p class="mw-pdfs">{line}</p>\n{body[at:]}'

"""PDFs a teacher can hand out: one per chapter and one for the whole book, in two editions, printed by Debian chromium.

The built site is served on 127.0.0.1 and each page of the table of contents is printed with the print style
sheet (the "Print" block of ``static/microwork.css``), in which every interactive chart is replaced by its static
SVG figure, wide tables and code wrap inside the page, and downloads are left out. Nothing is downloaded:
Playwright drives the chromium installed on the machine, and every request outside the local server is refused.

Two editions (:data:`EDITIONS`), each a folder ``pdf/<edition>`` of the site (``fr/pdf/<edition>`` for the French
pages) with one PDF per chapter and ``book.pdf``, printed by ``microwork build`` before the site is published: the
teachers' edition prints the exercises with their worked solutions, the students' edition the exercises only (the
solutions are removed from the page before it is printed, so their text is not in the file at all). Every page of
the site links its chapter's PDFs and the book's (:mod:`microwork.pipeline.pdf_links`).

A link to another page of the site points, in the PDF, to that page on the published site (``html.baseurl`` of
``_config.yml``); without a published address it is left as text. Never to the local server that printed it.

Every page has the chapter's numbered title at the top (chromium's header) and its edition and page number
at the bottom; the page numbers are stamped when the files are written (:func:`stamp_footers`), so that the
pages of ``book.pdf`` are numbered through the book. ``book.pdf`` starts with a contents page (numbered titles
and the pages where they start) and has one bookmark per chapter, named by its numbered title.
"""

from __future__ import annotations

import functools
import html
import http.server
import shutil
import tempfile
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from ..analysis.language import SOURCE_LANGUAGE
from .layout import toc_files, toc_parts
from .site_texts import PAGE_OF, PDF_EDITIONS
from .translate import BOOK_CATALOG, Translations

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]

# Each edition: its folder under the site's pdf/, and the name printed at the foot of its pages.
EDITIONS = PDF_EDITIONS
# The blocks that sphinx-exercise makes of a `solution` directive (folded on screen, under the exercise).
SOLUTIONS = "div.solution"
MARGINS = {"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
FOOTER_SIZE, FOOTER_RAISE = 8, 26  # points: the page numbers' size and height above the bottom edge (in the margin)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(site: Path):
    """Serve ``site`` on 127.0.0.1 (a free port) for the duration of the block; yield its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def chromium_path() -> str:
    """The Debian chromium executable (installed by ``.ci/install-system-deps``)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise FileNotFoundError("chromium is not installed: run `bash .ci/install-system-deps`")
    return path


@dataclass(frozen=True)
class Chapter:
    """One printed page of the table of contents: its file name, number ("2." or ""), title and part ("Study")."""

    name: str
    number: str
    title: str
    part: str = ""

    @property
    def numbered_title(self) -> str:
        """The title as the book numbers it: "2. How many people micro-work in France?"."""
        return f"{self.number} {self.title}".strip()


# The page's own first heading, as Sphinx numbers it (<span class="section-number">2. </span>Title<a>#</a>).
TITLE_SCRIPT = """() => {
  const h1 = document.querySelector('article h1') || document.querySelector('h1');
  if (!h1) return [null, document.title];
  const number = h1.querySelector('.section-number');
  const copy = h1.cloneNode(true);
  copy.querySelectorAll('.section-number, .headerlink').forEach(e => e.remove());
  return [number ? number.textContent.trim() : '', copy.textContent.replace(/\\s+/g, ' ').trim()];
}"""


# How cells of a table may break (the print style sheet lets the cells marked "mw-long-words" break anywhere): a word
# longer than LONG_WORD characters (an identifier such as accounts_per_person) may break, shorter ones (numbers, most
# words) stay whole. A table that still cannot get narrower than WIDE_TABLE of the page's width (every column at the
# width of its longest word) is marked "mw-wide-table" (a smaller font) and words longer than WIDE_WORD may break.
LONG_WORD, WIDE_WORD, WIDE_TABLE = 14, 10, 0.85
FIT_TABLES = f"""() => {{
  const room = document.querySelector('article').clientWidth;
  const mark = (table, longest) => table.querySelectorAll('td, th').forEach(cell => {{
    if (cell.textContent.split(/\\s+/).some(word => word.length > longest)) cell.classList.add('mw-long-words');
  }});
  const narrowest = table => {{
    table.style.setProperty('width', 'min-content', 'important');
    table.style.setProperty('max-width', 'none', 'important');
    const width = table.offsetWidth;
    table.style.removeProperty('width');
    table.style.removeProperty('max-width');
    return width;
  }};
  for (const table of document.querySelectorAll('article table')) {{
    if (!table.offsetWidth) continue;  // not printed (a chart's data table)
    mark(table, {LONG_WORD});
    if (narrowest(table) > {WIDE_TABLE} * room) {{
      table.classList.add('mw-wide-table');
      mark(table, {WIDE_WORD});
    }}
  }}
}}"""
# The width of a portrait A4 page inside its margins, in CSS pixels: pages are laid out at it before they are measured.
PORTRAIT = {"width": round((210 - 16 - 16) / 25.4 * 96), "height": round((297 - 18 - 18) / 25.4 * 96)}


# What only the screen uses (print hides the interactive charts; there is no search on paper): not loaded, which
# saves parsing the Vega bundle and drawing every chart of a page before it is printed.
SCREEN_ONLY = ("/_static/vendor/vega-bundle.js", "/_static/microwork-charts.js", "/searchindex.js")


def allowed(url: str) -> bool:
    """Whether printing a page may load ``url``: the local server's files, except :data:`SCREEN_ONLY`."""
    address = urlparse(url)
    return address.hostname == "127.0.0.1" and not address.path.endswith(SCREEN_ONLY)


def open_page(browser, url: str):
    """``url`` opened in a new page with print media, its images and fonts loaded, its tables fitted to the page."""
    page = browser.new_page(viewport=PORTRAIT)
    page.route("**/*", lambda route: route.continue_() if allowed(route.request.url) else route.abort())
    page.emulate_media(media="print")
    page.goto(url, wait_until="load")
    page.evaluate("() => Promise.all([...document.images].map(i => i.complete ? null : new Promise(r => "
                  "i.onload = i.onerror = r))).then(() => document.fonts.ready).then(() => null)")
    page.evaluate(FIT_TABLES)
    return page


def header_template(text: str) -> str:
    """Chromium's header for every page: ``text`` (the chapter's title), escaped, small, grey and centred like the
    page numbers at the foot (chromium draws templates at about three quarters of their CSS size)."""
    return (f'<div style="width:100%; margin:0 {MARGINS["left"]}; font: 10px sans-serif; color:#555; text-align:center; '
            f'white-space:nowrap; overflow:hidden; text-overflow:ellipsis;">{html.escape(text)}</div>')


def print_to(page, target: Path, header: str) -> None:
    """Print ``page`` as an A4 PDF to ``target``, ``header`` on every page; the foot is left for the numbers."""
    page.pdf(path=str(target), format="A4", print_background=True, margin=MARGINS, outline=True,
             display_header_footer=True, header_template=header_template(header), footer_template="<span></span>")


def remove_solutions(page) -> int:
    """Remove every solution from ``page`` (not merely hide it: its text must not be printed); return how many."""
    return page.evaluate(f"() => {{ const s = [...document.querySelectorAll({SOLUTIONS!r})]; "
                         "s.forEach(e => e.remove()); return s.length; }")


# Widths of Helvetica's characters (in 1/1000 em, from its AFM file) that page footers use; others count as "n".
HELVETICA_WIDTHS = {" ": 278, "'": 191, "(": 333, ")": 333, ".": 278, "f": 278, "i": 222, "l": 222, "t": 278,
                    "r": 333, "w": 722, "m": 833, "T": 611, "S": 667, "E": 667}


def text_width(text: str, size: float) -> float:
    """The width in points of ``text`` set in Helvetica at ``size`` points (digits and most letters are 556)."""
    return sum(HELVETICA_WIDTHS.get(char, 556) for char in text) * size / 1000


def same(text: str) -> str:
    """The English edition's words: as written."""
    return text


def footer_text(edition: str, number: int, total: int, words: Callable[[str], str] = same) -> str:
    """What the foot of a page says: "Students' edition · page 3 of 21" (``words`` translates it)."""
    return f"{words(EDITIONS[edition])}  \u00b7  " + words(PAGE_OF).format(number=number, total=total)




def stamp_footers(writer, edition: str, words: Callable[[str], str] = same) -> None:
    """Write the edition and "page N of M" centred at the foot of every page of ``writer``, over what is printed.

    The text is set in Helvetica, one of the fonts every PDF reader has (nothing to embed), in a content stream
    added after the page's own (which is wrapped in q/Q, so that nothing it leaves set moves the footer); the
    page's own streams are not decoded or rewritten, which keeps this fast and the files small."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    def stream(data: bytes):
        content = DecodedStreamObject()
        content.set_data(data)
        return writer._add_object(content)

    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
    save = stream(b"q\n")
    total = len(writer.pages)
    for number, page in enumerate(writer.pages, start=1):
        text = footer_text(edition, number, total, words)
        box = page.mediabox
        x = float(box.left) + (float(box.width) - text_width(text, FOOTER_SIZE)) / 2
        resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
        fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
        fonts[NameObject("/MWFoot")] = font
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        foot = stream(f"\nQ BT /MWFoot {FOOTER_SIZE} Tf 0.33 g {x:.2f} {float(box.bottom) + FOOTER_RAISE:.2f} Td "
                      f"({escaped}) Tj ET\n".encode("cp1252"))
        own = page.get("/Contents")
        if own is None:
            own = []
        elif isinstance(own.get_object(), ArrayObject):
            own = list(own.get_object())
        else:
            own = [own]
        page[NameObject("/Contents")] = ArrayObject([save, *own, foot])


def write_numbered(source: Path, target: Path, edition: str, words: Callable[[str], str] = same) -> None:
    """Copy the PDF ``source`` to ``target`` with its pages numbered (its outline kept)."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(source))
    stamp_footers(writer, edition, words)
    writer.write(str(target))


def contents_html(book_title: str, edition: str, entries: list[tuple[Chapter, int]],
                  words: Callable[[str], str] = same, language: str = "en") -> str:
    """The contents page of ``book.pdf``: each chapter's number, title and first page, under the caption of its
    part (text escaped)."""
    rows, part = [], ""
    for chapter, page in entries:
        if chapter.part and chapter.part != part:
            rows.append(f'<tr class="part"><td colspan="3">{html.escape(chapter.part)}</td></tr>')
        part = chapter.part
        rows.append(f'<tr><td class="n">{html.escape(chapter.number)}</td><td class="t">{html.escape(chapter.title)}'
                    f'</td><td class="p">{page}</td></tr>')
    rows = "\n".join(rows)
    return f"""<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><title>{html.escape(words("Contents"))}</title><style>
body {{ font-family: sans-serif; color: #222; }}
h1 {{ font-size: 22pt; margin: 0 0 0.2em; }} p.edition {{ color: #555; margin: 0 0 2em; }}
h2 {{ font-size: 15pt; }} table {{ width: 100%; border-collapse: collapse; font-size: 11pt; }}
td {{ padding: 0.3em 0.4em; vertical-align: top; border-bottom: 1px solid #ddd; }}
td.n {{ width: 2.5em; white-space: nowrap; }} td.p {{ width: 3em; text-align: right; }}
tr {{ break-inside: avoid; }} tr.part td {{ font-weight: bold; padding-top: 1.2em; border-bottom: 1px solid #999; }}
</style></head><body><h1>{html.escape(book_title)}</h1><p class="edition">{html.escape(words(EDITIONS[edition]))}</p>
<h2>{html.escape(words("Contents"))}</h2><table>{rows}</table></body></html>"""


def print_contents(browser, book_title: str, edition: str, chapters: list[tuple[Chapter, int]], target: Path,
                   words: Callable[[str], str] = same, language: str = "en") -> int:
    """Print the contents page(s) of ``book.pdf`` to ``target``, the chapters' first pages counted after them;
    return how many pages they take (printed again if the numbers change that)."""
    from pypdf import PdfReader

    page = browser.new_page()
    page.route("**/*", lambda route: route.abort())  # the page is self-contained
    length = 1
    for _ in range(3):
        page.set_content(contents_html(book_title, edition, [(c, length + start) for c, start in chapters], words,
                                       language))
        page.pdf(path=str(target), format="A4", margin=MARGINS)
        printed = len(PdfReader(str(target)).pages)
        if printed == length:
            break
        length = printed
    page.close()
    return length


def bind_book(browser, chapters: list[tuple[Chapter, Path]], edition: str, target: Path,
              words: Callable[[str], str] = same, language: str = "en") -> None:
    """``book.pdf``: a contents page, then every chapter's PDF (``chapters``, unnumbered), numbered through the
    book, with one bookmark per chapter named by its numbered title (and the chapter's headings under it)."""
    from pypdf import PdfReader, PdfWriter

    starts, pages = [], 1
    for _, path in chapters:
        starts.append(pages)
        pages += len(PdfReader(str(path)).pages)
    book_title = chapters[0][0].title
    contents = target.with_name("contents.pdf")
    print_contents(browser, book_title, edition, [(c, s) for (c, _), s in zip(chapters, starts)], contents, words,
                   language)
    book = PdfWriter()
    book.append(str(contents), outline_item=words("Contents"), import_outline=False)
    for chapter, path in chapters:
        book.append(str(path), outline_item=chapter.numbered_title)
    contents.unlink()
    stamp_footers(book, edition, words)
    book.page_mode = "/UseOutlines"
    book.add_metadata({"/Title": f"{book_title} ({words(EDITIONS[edition])})"})
    book.write(str(target))


def print_chapters(browser, base: str, names: list[str], parts: dict[str, str], raw: Path, published: str = ""
                   ) -> list[tuple[Chapter, dict[str, Path]]]:
    """Print every page of ``names`` once per edition into ``raw`` (unnumbered), its links to other pages pointing
    to ``published`` (see :data:`PUBLISHED_LINKS`); a page without solutions is printed once, for both editions.
    Return each chapter with its PDF per edition."""
    printed = []
    edition = urlparse(base).path.rstrip("/")
    for name in names:
        page = open_page(browser, f"{base}/{name}.html")
        page.evaluate(PUBLISHED_LINKS, [edition, published])
        number, title = page.evaluate(TITLE_SCRIPT)
        chapter = Chapter(Path(name).name, number or "", title or Path(name).name, parts.get(name, ""))
        teachers = raw / f"teachers-{chapter.name}.pdf"
        print_to(page, teachers, chapter.numbered_title)
        students = teachers
        if remove_solutions(page):
            students = raw / f"students-{chapter.name}.pdf"
            print_to(page, students, chapter.numbered_title)
        page.close()
        printed.append((chapter, {"teachers": teachers, "students": students}))
    return printed


# Before printing: every link to the local server becomes a link to the published page (the page's path under the
# edition's folder, on the published address), or text when there is no published address or the link leaves the
# edition's folder; a link within the page (#section) stays, for chromium makes it a link inside the PDF.
PUBLISHED_LINKS = """([edition, published]) => {
  for (const a of document.querySelectorAll('a[href]')) {
    const url = new URL(a.getAttribute('href'), location.href);
    if (url.origin !== location.origin) continue;
    if (url.pathname === location.pathname && url.hash) { a.setAttribute('href', url.hash); continue; }
    if (published && url.pathname.startsWith(edition + '/'))
      a.setAttribute('href', published + url.pathname.slice(edition.length) + url.search + url.hash);
    else a.removeAttribute('href');
  }
}"""


def site_pdf(edition: str, name: str) -> str:
    """Where the PDF of the page ``name`` (``book`` for the whole book) of one PDF edition is, relative to the top of
    the site's language edition: ``pdf/students/size.pdf``."""
    return f"{PDF_FOLDER}/{edition}/{Path(name).name}.pdf"


PDF_FOLDER = "pdf"
# The pages ``microwork build`` prints (a JSON list of page names), put into the staged book so that every page it
# renders links its PDFs; a plain ``jupyter-book build .`` prints none, and links none.
STAGED_PDFS = "_build-pdfs.json"


def print_language(browser, root: Path, site: Path, base: str, language: str, published: str) -> list[Path]:
    """Print the pages of one language edition (served at ``base``, its files in ``site``) into ``site/pdf``; links
    to its other pages go to ``published`` (the edition's published address, or nothing). Return the files."""
    words = same if language == SOURCE_LANGUAGE else Translations(root, language).for_catalog(BOOK_CATALOG)
    parts = {name: words(caption) for name, caption in toc_parts(root).items()}
    names = [name for name in toc_files(root) if (site / f"{name}.html").is_file()]
    written = []
    with tempfile.TemporaryDirectory(prefix="microwork-pdf-") as scratch:
        printed = print_chapters(browser, base, names, parts, Path(scratch), published)
        for edition in EDITIONS:
            out = site / PDF_FOLDER / edition
            if out.exists():
                shutil.rmtree(out)
            out.mkdir(parents=True)
            for chapter, files in printed:
                write_numbered(files[edition], out / f"{chapter.name}.pdf", edition, words)
                written.append(out / f"{chapter.name}.pdf")
            bind_book(browser, [(chapter, files[edition]) for chapter, files in printed], edition, out / "book.pdf",
                      words, language)
            written.append(out / "book.pdf")
    return written


def print_site(root: Path, site: Path, languages: list[str], published: str = "") -> list[Path]:
    """Print the PDFs of each of ``languages`` for the site in ``site`` (English at its top, the others in their
    folders), each into its edition's ``pdf/`` folder; ``published`` is the site's published address (``html.baseurl``),
    empty when it has none. Return the files written."""
    from playwright.sync_api import sync_playwright

    written = []
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for language in languages:
            folder = "" if language == SOURCE_LANGUAGE else f"/{language}"
            edition_address = f"{published.rstrip('/')}{folder}" if published else ""
            written += print_language(browser, root, site / folder.lstrip("/"), base + folder, language,
                                      edition_address)
        browser.close()
    return written

"""PDFs for teachers: one per chapter and one for the whole book, printed by Debian chromium.

The built site is served on 127.0.0.1 and each page is printed with the print style sheet, in which
every interactive chart is replaced by its static SVG figure (with its number and caption). Nothing
is downloaded: Playwright drives the chromium installed on the machine, and every request outside
the local server is refused.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from .layout import Layout, toc_files

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


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


def print_page(browser, url: str, target: Path) -> None:
    """Print one page of the book to ``target`` as an A4 PDF, charts as static figures."""
    page = browser.new_page()
    page.route("**/*", lambda route: route.continue_() if urlparse(route.request.url).hostname == "127.0.0.1"
               else route.abort())
    page.emulate_media(media="print")
    page.goto(url, wait_until="networkidle")
    page.evaluate("() => Promise.all([...document.images].map(i => i.complete ? null : new Promise(r => i.onload = i.onerror = r)))")
    page.pdf(path=str(target), format="A4", print_background=True,
             margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"})
    page.close()


def make_pdfs(root: Path) -> list[Path]:
    """Print every page of the table of contents, then bind them into ``book.pdf``; return the files."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfWriter

    site, out = Layout(root).html.resolve(), Layout(root).pdf
    out.mkdir(parents=True, exist_ok=True)
    chapters = [name for name in toc_files(root) if (site / f"{name}.html").is_file()]
    written = []
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for name in chapters:
            target = out / f"{Path(name).name}.pdf"
            print_page(browser, f"{base}/{name}.html", target)
            written.append(target)
        browser.close()
    book = PdfWriter()
    for path in written:
        book.append(str(path), outline_item=path.stem)
    book.write(str(out / "book.pdf"))
    return written + [out / "book.pdf"]

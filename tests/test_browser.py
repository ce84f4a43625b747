"""The built book in a real browser (Debian chromium driven by Playwright), with the network cut off.

Every request to a host other than the local test server is aborted and recorded;
the test fails if a page asks for one.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(built_book):
    site = (built_book / "_build" / "html").resolve()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run `bash .ci/install-system-deps`")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def open_page(browser, url, screenshot: Path | None = None):
    """Load ``url`` with every outside request blocked; return the page and what went wrong."""
    problems = {"outside": [], "failed": [], "errors": [], "console": []}
    page = browser.new_page(viewport={"width": 1200, "height": 900})

    def route(request_route):
        host = urlparse(request_route.request.url).hostname
        if request_route.request.url.startswith("data:") or host == "127.0.0.1":
            request_route.continue_()
        else:
            problems["outside"].append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda r: problems["failed"].append(r.url))
    page.on("response", lambda r: r.status >= 400 and problems["failed"].append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda e: problems["errors"].append(str(e)))
    page.on("console", lambda m: m.type == "error" and problems["console"].append(m.text))
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.mw-vega')].every(e => ['drawn', 'failed'].includes(e.dataset.chartStatus))",
        timeout=20_000)
    if screenshot:
        page.screenshot(path=str(screenshot), full_page=True)
    return page, problems


def test_size_page_draws_its_charts_offline(browser, site_url, tmp_path_factory):
    shots = tmp_path_factory.mktemp("screenshots")
    page, problems = open_page(browser, f"{site_url}/chapters/size.html", shots / "size.png")
    statuses = page.eval_on_selector_all(".mw-vega", "els => els.map(e => e.dataset.chartStatus)")
    assert statuses == ["drawn"] * 4
    assert page.eval_on_selector_all(".mw-vega svg", "els => els.length") == 4
    assert problems == {"outside": [], "failed": [], "errors": [], "console": []}
    text = page.inner_text("main")
    for number in ("14,903", "52,337", "266,126", "319,096", "1.199"):
        assert number in text


def test_landing_page_loads_cleanly(browser, site_url):
    page, problems = open_page(browser, f"{site_url}/chapters/index.html")
    assert problems == {"outside": [], "failed": [], "errors": [], "console": []}

"""Hostile data: every text column and the descriptor's texts carry markup, directives, links, comment openers and
formulas (tests/hostile.py). The book must build, show each value literally and run nothing; values the schemas
refuse must stop the build with a located error and leave the previous site as it was."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from conftest import copy_book, microwork
from hostile import PAYLOADS, PLATFORM, REFUSED, make_hostile, put_in_a_cell

pytestmark = pytest.mark.build

EVIL = "evil.example"


def hostile_book_artifacts() -> Path:
    """Where the screenshots of the hostile book are kept for people to look at."""
    from conftest import ROOT

    folder = ROOT / "_build" / "test-artifacts" / "hostile"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def flat(text: str) -> str:
    """Text with every run of white space as one space (how the page lays it out)."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory) -> Path:
    root = copy_book(tmp_path_factory.mktemp("hostile") / "book")
    make_hostile(root)
    result = microwork("build", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture(scope="module")
def site(hostile_book) -> Path:
    return (hostile_book / "_build" / "html").resolve()


@pytest.fixture(scope="module")
def hostile_site_url(site):
    from microwork.pipeline.pdf import serve

    with serve(site) as url:
        yield url


def pages(site: Path) -> list[str]:
    """The chapters of both editions (the French edition's are in fr/: data reaches them through the catalogs'
    marks, escaped again for where they land)."""
    found = sorted(str(p.relative_to(site)) for p in (site / "chapters").glob("*.html"))
    return found + sorted(str(p.relative_to(site)) for p in (site / "fr" / "chapters").glob("*.html"))


def test_no_payload_becomes_markup(site):
    """No payload reaches a page as a tag, a link, a directive's output or an unescaped comment opener."""
    for page in pages(site):
        html = (site / page).read_text(encoding="utf-8")
        assert not re.search(r"<img src=(x|\"http://evil)|<script>window|href=\"javascript:", html), page
        scripts = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, flags=re.S)
        assert all("<" not in s and ">" not in s and "&" not in s for s in scripts), page
    assert "root:x:0:0" not in "".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*.html"))
    downloads = [p.name for p in (site / "_downloads").rglob("*") if p.is_file()]
    assert downloads and not any("passwd" in name for name in downloads), downloads


def test_exported_csv_cells_cannot_run_as_formulas(hostile_book):
    figures = list((hostile_book / "_build" / ".cache" / "chapters").glob("*/figures/*"))
    # A chart's data (it has a .vl.json spec beside it); the data package's own files, offered as they are by the data
    # catalogue (byte for byte, with their checksums), are not exports.
    charts = {path.name.removesuffix(".vl.json") for path in figures if path.name.endswith(".vl.json")}
    exported = [path for path in figures if path.suffix == ".csv" and path.stem in charts]
    cells = [cell for path in exported for row in csv.reader(path.open(encoding="utf-8")) for cell in row]
    formulas = [c for c in cells if c[:1] in ("=", "+", "@") or (c.startswith("-") and not re.fullmatch(r"-[\d.e+-]+", c))]
    assert formulas == []
    assert any(c.startswith("'=HYPERLINK(") for c in cells) and any(c.startswith("'@SUM(") for c in cells)
    assert any(re.fullmatch(r"-\d+(\.\d+)?", c) for c in cells), "negative numbers are kept as numbers"


@pytest.mark.browser
def test_hostile_pages_run_nothing_and_show_the_text(browser, hostile_site_url, site):
    from test_browser import CLEAN, open_page

    for page_path in pages(site) + ["search.html?q=onerror", "search.html?q=script"]:
        dialogs = []
        page, problems = open_page(browser, f"{hostile_site_url}/{page_path}", on_dialog=dialogs.append)
        page.wait_for_timeout(300)  # give any injected handler the time to fire
        assert dialogs == [], page_path
        assert "pwned" not in page.title() and page.evaluate("() => window.__pwned") is None, page_path
        assert problems == CLEAN, (page_path, problems)
        statuses = page.eval_on_selector_all(".mw-vega", "els => els.map(e => e.dataset.chartStatus)")
        assert all(s == "drawn" for s in statuses), (page_path, statuses)
        if page_path.startswith("search"):  # the snippets of the search results show the data as text too
            page.wait_for_selector("#search-results ul.search li", timeout=20_000)
            page.wait_for_timeout(1_000)
            assert page.locator("#search-results img, #search-results script").count() == 0
            assert "pwned" not in page.title() and page.evaluate("() => window.__pwned") is None
        page.close()


@pytest.mark.browser
def test_hostile_text_is_visible_as_written(browser, hostile_site_url):
    from test_browser import open_page

    page, _ = open_page(browser, f"{hostile_site_url}/chapters/size.html")
    page.screenshot(path=str(hostile_book_artifacts() / "size.png"), full_page=True)
    text = flat(page.inner_text("main"))
    shown = [p for p in PAYLOADS if flat(p) in text]
    assert len(shown) >= 8, [p for p in PAYLOADS if p not in shown]
    assert PAYLOADS[0] in text and PAYLOADS[4] in text
    labels = page.eval_on_selector_all("#chart-size-registrations svg text", "els => els.map(e => e.textContent)")
    assert PLATFORM[1] in labels, labels
    table = page.text_content("#data-size-registrations table")  # in a folded block: its text, not its rendering
    assert PLATFORM[1] in table
    bar = page.locator("#chart-size-registrations svg path[aria-roledescription='bar'][aria-label*='Clickworker']")
    bar.hover()
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
    tooltip = page.locator("#vg-tooltip-element")
    assert PLATFORM[1] in tooltip.inner_text() and tooltip.locator("img, script").count() == 0
    page.screenshot(path=str(hostile_book_artifacts() / "size-tooltip.png"))
    page.close()

    page, _ = open_page(browser, f"{hostile_site_url}/fr/chapters/size.html")  # not translated: shown as written
    text = flat(page.inner_text("main"))
    assert PAYLOADS[0] in text and PAYLOADS[4] in text
    labels = page.eval_on_selector_all("#chart-size-registrations svg text", "els => els.map(e => e.textContent)")
    assert PLATFORM[1] in labels, labels
    page.close()

    page, _ = open_page(browser, f"{hostile_site_url}/chapters/data-catalogue.html")
    text = flat(page.inner_text("main"))
    assert PAYLOADS[0] in text and flat(PAYLOADS[2]) in text and PAYLOADS[3] in text
    page.close()
    page, _ = open_page(browser, f"{hostile_site_url}/chapters/changelog.html")
    assert flat(PAYLOADS[1]) in flat(page.inner_text("main"))
    page.close()


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_values_the_schema_refuses_stop_the_build_with_a_located_error(own_book, case):
    value, rule = REFUSED[case]
    path = own_book / "data" / "platform_registrations.csv"
    original = path.read_bytes()
    before = (own_book / "_build" / "html").resolve()
    try:
        row = put_in_a_cell(own_book, value)
        result = microwork("build", root=own_book)
        assert result.returncode == 1
        assert f"data/platform_registrations.csv, row {row}, column 'locator'" in result.stderr, result.stderr
        assert f"[rule: {rule}]" in result.stderr and "Traceback" not in result.stderr + result.stdout
        assert (own_book / "_build" / "html").resolve() == before and (before / "index.html").is_file()
    finally:
        path.write_bytes(original)

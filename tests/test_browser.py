"""The built book in a real browser (Debian chromium driven by Playwright), with the network cut off.

Every request to a host other than the local test server is aborted and recorded; a page that asks
for one fails, and so does a page that downloads an icon font (microwork.css draws the icons). Each page is also checked with axe-core for serious or critical accessibility
violations, and a screenshot of it is kept in ``_build/test-artifacts/screenshots``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote, urlparse

import pandas as pd
import pytest

from conftest import ROOT
from microwork.pipeline.pdf import serve
from test_prose import toc_documents

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "_build" / "test-artifacts" / "screenshots"
PAGES = [str(p.relative_to(ROOT).with_suffix(".html")) for p in toc_documents()] + ["search.html"]
BOTH_EDITIONS = PAGES + [f"fr/{path}" for path in PAGES]  # the French edition is in fr/
CLEAN = {"outside": [], "failed": [], "errors": [], "console": [], "fonts": []}


@pytest.fixture(scope="module")
def site_url(built_book):
    with serve((built_book / "_build" / "html").resolve()) as url:
        yield url


def open_page(browser, url, on_dialog=None):
    """Load ``url`` with every outside request blocked, scroll to its first chart (the chart library is loaded when
    a chart comes near the screen) and wait for its charts; return the page and what went wrong.

    ``on_dialog`` is called with every dialog (alert, confirm, prompt) the page opens, which is then dismissed.
    """
    problems = {key: [] for key in CLEAN}
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    if on_dialog is not None:
        page.on("dialog", lambda dialog: (on_dialog(dialog.message), dialog.dismiss()))

    def route(request_route):
        request = request_route.request
        if request.url.startswith("data:") or urlparse(request.url).hostname == "127.0.0.1":
            request_route.continue_()
        else:
            problems["outside"].append(request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda r: problems["failed"].append(r.url))
    page.on("request", lambda r: r.resource_type == "font" and problems["fonts"].append(r.url))
    page.on("response", lambda r: r.status >= 400 and problems["failed"].append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda e: problems["errors"].append(str(e)))
    page.on("console", lambda m: m.type == "error" and problems["console"].append(m.text))
    page.goto(url, wait_until="load")
    page.evaluate("() => { const chart = document.querySelector('.mw-vega'); if (chart) chart.scrollIntoView(); }")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.mw-vega')].every(e => ['drawn', 'failed'].includes(e.dataset.chartStatus))",
        timeout=20_000)
    return page, problems


@pytest.fixture(scope="module")
def visit(browser, site_url):
    """``visit(path)``: what the tests of a whole page read from it, the page opened once for all of them (see
    :func:`page_report`)."""
    reports = {}

    def visited(path: str) -> dict:
        if path not in reports:
            reports[path] = page_report(browser, f"{site_url}/{path}", path)
        return reports[path]

    return visited


def page_report(browser, url: str, path: str) -> dict:
    """Open ``url`` (:func:`open_page`), keep a screenshot of it, and read: the status of each chart, the charts
    drawn as SVG, what went wrong while loading, axe-core's serious and critical violations, then, once the
    screen is a phone's, its tables (:data:`TABLES_ON_A_PHONE`)."""
    page, problems = open_page(browser, url)
    try:
        statuses = page.eval_on_selector_all(".mw-vega", "els => els.map(e => e.dataset.chartStatus)")
        drawn = page.eval_on_selector_all(".mw-vega svg", "els => els.length")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / (path.replace("/", "-").removesuffix(".html") + ".png")), full_page=True)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document)).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(' | '))")
        page.set_viewport_size({"width": 390, "height": 900})
        page.wait_for_timeout(200)
        tables = page.evaluate(TABLES_ON_A_PHONE)
    finally:
        page.close()
    return {"statuses": statuses, "drawn": drawn, "problems": problems, "violations": violations, "tables": tables}


@pytest.mark.parametrize("path", BOTH_EDITIONS)
def test_page_loads_offline_and_draws_its_charts(visit, path):
    report = visit(path)
    assert all(s == "drawn" for s in report["statuses"]), report["statuses"]
    assert report["drawn"] == len(report["statuses"])
    assert report["problems"] == CLEAN


@pytest.mark.parametrize("path", BOTH_EDITIONS)
def test_no_serious_accessibility_violation(visit, path):
    assert visit(path)["violations"] == []


def test_every_chart_has_a_text_alternative(browser, site_url):
    page, _ = open_page(browser, f"{site_url}/chapters/size.html")
    charts = page.eval_on_selector_all(".mw-vega", """els => els.map(e => ({
        label: e.getAttribute('aria-label') || '',
        table: (document.getElementById(e.getAttribute('aria-describedby')) || {querySelectorAll: () => []})
               .querySelectorAll('table tbody tr').length}))""")
    assert charts and all(len(c["label"]) > 40 and c["table"] > 0 for c in charts), charts


@pytest.mark.parametrize("search", ["search.html?q=Clickworker", "fr/search.html?q=plateformes"])
def test_search_finds_the_size_chapter_in_each_language(browser, site_url, search):
    """The English search finds a name; the French search finds a French word (Sphinx's French stemmer)."""
    page, problems = open_page(browser, f"{site_url}/{search}")
    page.wait_for_selector("#search-results ul.search li", timeout=20_000)
    hits = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.getAttribute('href'))")
    assert any("size" in h for h in hits), hits
    assert problems == CLEAN
    page.close()


# As readers type them (issue: "266" and "14903" found nothing, and "Sénat" nothing in the English edition).
READERS_QUERIES = [("266", "size"), ("266,126", "size"), ("266 126", "size"), ("14903", "size"),
                   ("Sénat", "regulation"), ("Senate", "regulation"), ("Directive", "regulation")]


@pytest.mark.parametrize("edition", ["", "fr/"])
@pytest.mark.parametrize("query, chapter", READERS_QUERIES)
def test_search_finds_numbers_and_names_as_readers_type_them(browser, site_url, edition, query, chapter):
    page, problems = open_page(browser, f"{site_url}/{edition}search.html?q={quote(query)}")
    page.wait_for_selector("#search-results ul.search li", timeout=20_000)
    hits = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.getAttribute('href'))")
    assert any(f"chapters/{chapter}.html" in h for h in hits), (query, hits)
    page.close()


def test_french_size_page_shows_the_tiers_in_french_form_and_links_to_english(browser, site_url):
    page, problems = open_page(browser, f"{site_url}/fr/chapters/size.html")
    assert page.get_attribute("html", "lang") == "fr"
    text = page.inner_text("main")
    for number in ("14\u202f903", "52\u202f337", "266\u202f126", "319\u202f096"):
        assert number in text
    from test_translate import english_numbers

    assert english_numbers(page.inner_html("main")) == [], "no English-form number on a French page"
    titles = page.eval_on_selector_all(".mw-vega svg .role-title-text", "els => els.map(e => e.textContent)")
    assert titles and "Trois" in " ".join(titles), titles
    english = page.get_attribute('a[hreflang="en"]', "href")
    page.click('a[hreflang="en"]')
    page.wait_for_load_state("load")
    assert page.url.endswith("/chapters/size.html") and "/fr/" not in page.url, (english, page.url)
    assert page.get_attribute("html", "lang") == "en"
    assert problems == CLEAN
    page.close()


def test_size_page_shows_the_headline_numbers(browser, site_url):
    page, _ = open_page(browser, f"{site_url}/chapters/size.html")
    text = page.inner_text("main")
    for number in ("14,903", "52,337", "266,126", "319,096", "1.199"):
        assert number in text
    assert re.search(r"Fig\. 2\.1", text), "figures are numbered"


# The chapters' tables at a phone's width. Every cell of every table shows all its text; a table made by
# book.show_table (in a .mw-table container) fits the column of text, or scrolls in a box shorter than the screen.
# The charts' folded data tables (.mw-data-table) are checked with the charts.
TABLES_ON_A_PHONE = """() => [...document.querySelectorAll('article table:not(.mw-data-table)')].map(t => {
  const box = t.closest('.pst-scrollable-table-container') || t.parentElement;
  return {
    headers: [...t.querySelectorAll('thead th')].map(h => h.textContent.trim()),
    clipped: [...t.querySelectorAll('th, td')].filter(c => c.scrollWidth > c.clientWidth + 1)
                                              .map(c => c.textContent.trim().slice(0, 40)),
    fits: box.scrollWidth <= box.clientWidth + 1 || box.getBoundingClientRect().height < 900,
    madeByTheBook: !!t.closest('.mw-table'),
  };
})"""


@pytest.mark.parametrize("path", BOTH_EDITIONS)
def test_tables_fit_a_phone_and_have_human_headers(visit, path):
    tables = visit(path)["tables"]
    assert [t["clipped"] for t in tables if t["clipped"]] == []
    assert [t["headers"] for t in tables if t["madeByTheBook"] and not t["fits"]] == []
    raw = [h for t in tables for h in t["headers"] if "_" in h or h[:1].islower()]
    assert raw == [], f"headers that are not for people: {raw}"


ALL_CHARTS_DRAWN = "() => [...document.querySelectorAll('.mw-vega')].every(e => e.dataset.chartStatus === 'drawn')"


def open_recording_requests(browser, url, width=390, height=800):
    """Open ``url`` on a ``width`` x ``height`` screen and wait a second; return the page, the addresses it has
    requested (a list that keeps growing) and the top of its first chart."""
    page = browser.new_page(viewport={"width": width, "height": height})
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(1_000)
    return page, requested, page.eval_on_selector(".mw-vega", "e => e.getBoundingClientRect().top")


def test_the_chart_library_waits_for_a_chart_to_come_near(browser, site_url):
    page, requested, first_chart = open_recording_requests(browser, f"{site_url}/chapters/size.html")
    assert first_chart > 2 * 800, "the size chapter's first chart is no longer below the first two screens: pick a page"
    assert not any("vega-bundle" in url for url in requested)
    page.eval_on_selector(".mw-vega", "e => e.scrollIntoView()")
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=20_000)
    assert sum("vega-bundle" in url for url in requested) == 1
    page.close()


# The site's one style sheet (microwork.pipeline.stylesheet) against the files it replaces, in the browser: every
# element of every page gets the same box and the same painted style from both, at a phone's width in light mode
# and at a desktop's in dark mode, and with the theme's menus, dialogs and tooltips open. The charts are left out
# (the chart library is blocked: a chart drawn between the two records would move the page).
SAME_STYLE = "\n".join(line for line in (ROOT / "tests" / "js" / "same-style.js").read_text(encoding="utf-8").splitlines()
                       if not line.startswith("//"))
STYLESHEET_STATES = {  # what the reader opens: (width, the button, how, what then shows)
    "a tooltip": (1280, "button.theme-switch-button", "hover", ".tooltip.show"),
    "a dropdown menu": (1280, "button[aria-label='Download this page']", "click", ".dropdown-menu.show"),
    "the search dialog": (1280, "button.search-button__button >> visible=true", "click", "#pst-search-dialog[open]"),
    "the site navigation": (390, "button.primary-toggle >> visible=true", "click", "#pst-primary-sidebar-modal[open]"),
    "the page contents": (390, "button.secondary-toggle >> visible=true", "click", "#pst-secondary-sidebar-modal[open]"),
}


def original_stylesheets(built_book) -> list[str]:
    """The files that the site's style sheet replaces, from its first comment."""
    text = (built_book / "_build" / "html" / "_static" / "microwork-site.css").read_text(encoding="utf-8")
    return re.search(r"/\* Sources, in this order: (.*?) \*/", text).group(1).split()


def style_differences(browser, url, sources, width, scheme="light", opened=None):
    """Load ``url`` (the chart library blocked), open what ``opened`` names, compare the two style sheets."""
    page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page.route("**/vega-bundle.js", lambda request_route: request_route.abort())
    page.goto(url, wait_until="load")
    if opened is not None:
        _, button, action, shown = STYLESHEET_STATES[opened]
        getattr(page.locator(button).first, action)()
        page.wait_for_selector(shown, state="attached", timeout=5_000)
        page.wait_for_timeout(400)  # the theme's fade-in
    result = page.evaluate(SAME_STYLE, sources)
    page.close()
    assert result["count"] > 50, "the page has hardly any element: did it load?"
    return result["differences"]


@pytest.mark.parametrize("width,scheme", [(390, "light"), (1280, "dark")])
def test_the_site_stylesheet_styles_every_page_as_the_theme_files_do(browser, site_url, built_book, width, scheme):
    sources = original_stylesheets(built_book)
    assert "_static/styles/pydata-sphinx-theme.css" in sources and "_static/microwork.css" in sources
    different = {path: found for path in PAGES
                 if (found := style_differences(browser, f"{site_url}/{path}", sources, width, scheme))}
    assert different == {}


@pytest.mark.parametrize("opened", STYLESHEET_STATES)
def test_the_site_stylesheet_styles_what_the_theme_opens(browser, site_url, built_book, opened):
    width = STYLESHEET_STATES[opened][0]
    sources = original_stylesheets(built_book)
    assert style_differences(browser, f"{site_url}/chapters/size.html", sources, width, opened=opened) == []


def test_the_style_comparison_can_fail(browser, site_url, built_book):
    without_code_colours = [s for s in original_stylesheets(built_book) if "pygments" not in s]
    assert style_differences(browser, f"{site_url}/chapters/size.html", without_code_colours, 1280) != []


@pytest.mark.parametrize("width,button,opens", [
    (390, "primary-toggle", "#pst-primary-sidebar-modal[open] a[href*='profile']"),
    (390, "secondary-toggle", "#pst-secondary-sidebar-modal[open] a[href*='#']"),
])
def test_the_sidebar_buttons_open_the_navigation_on_a_phone(browser, site_url, width, button, opens):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(f"{site_url}/chapters/size.html", wait_until="load")
    visible = page.locator(f"button.{button} >> visible=true")
    assert visible.count() == 1 and page.locator(f"button.{button}").count() == 1, "one button of each kind"
    visible.click()
    page.wait_for_selector(opens, timeout=5_000)
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog[open]", state="detached", timeout=5_000)
    page.close()


def test_the_sidebar_button_hides_the_navigation_on_a_desktop(browser, site_url):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{site_url}/chapters/size.html", wait_until="load")
    assert page.locator("#pst-primary-sidebar").is_visible()
    page.locator("button.primary-toggle").click()
    page.wait_for_selector("#pst-primary-sidebar.pst-sidebar-hidden", state="attached", timeout=5_000)
    page.close()


def test_a_chart_just_below_the_first_screen_waits_for_the_reader_to_scroll(browser, site_url):
    page, requested, first_chart = open_recording_requests(browser, f"{site_url}/chapters/reception.html")
    assert 800 < first_chart < 2 * 800, "the reception chapter's chart is no longer within the second screen: pick a page"
    assert not any("vega-bundle" in url for url in requested)
    page.mouse.wheel(0, 100)  # a little: the chart is now within a screen of the window, not on it
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=20_000)
    assert sum("vega-bundle" in url for url in requested) == 1
    page.close()


def test_a_chart_on_the_first_screen_is_drawn_without_scrolling(browser, site_url):
    page, requested, first_chart = open_recording_requests(browser, f"{site_url}/chapters/reception.html", 1280, 1400)
    assert first_chart < 1400
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=20_000)
    assert sum("vega-bundle" in url for url in requested) == 1
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_colour_mode_is_set_before_the_page_is_shown(browser, site_url, scheme):
    """On a first visit the page is drawn in the reader's mode at once, not after the theme's script runs (which is
    blocked here): data-theme must be one that the style rules know, never "auto"."""
    page = browser.new_page(color_scheme=scheme)
    page.route("**/pydata-sphinx-theme.js*", lambda request_route: request_route.abort())
    page.goto(f"{site_url}/chapters/size.html", wait_until="load")
    assert page.evaluate("() => document.documentElement.dataset.theme") == scheme
    page.close()


# The first screen of a phone and of a laptop (CSS pixels).
FIRST_SCREEN = {390: 844, 1280: 800}
TEXT_BOTTOM = """text => {
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent.indexOf(text);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at); range.setEnd(node, at + text.length);
    const box = range.getBoundingClientRect();
    if (box.width > 0) return box.bottom;
  }
  return null;
}"""


@pytest.mark.parametrize("width", sorted(FIRST_SCREEN))
@pytest.mark.parametrize("edition", ["", "fr/"])
def test_the_front_page_shows_the_three_counts_on_its_first_screen(browser, site_url, built_book, edition, width):
    counts = pd.read_csv(built_book / "data" / "size_tiers.csv")["persons"]
    page = browser.new_page(viewport={"width": width, "height": FIRST_SCREEN[width]})
    page.goto(f"{site_url}/{edition}chapters/index.html")
    for count in counts:
        written = f"{count:,}".replace(",", "\u202f" if edition else ",")  # « 14 903 »: a narrow no-break space
        bottom = page.evaluate(TEXT_BOTTOM, written)
        assert bottom is not None, f"{edition}chapters/index.html does not show {written}"
        assert bottom <= FIRST_SCREEN[width], f"{written} is {bottom:.0f} px down, below the first screen at {width} px"
    page.close()

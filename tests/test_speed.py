"""The built pages stay light and quick to show (measured on the built files, not timed).

- Byte budget: what a page with a chart downloads (its HTML, the styles, scripts and images it references, the Vega
  bundle its chart script loads), each file gzip-compressed as a web host sends it, is at most CHART_PAGE_BUDGET.
- No script in <head> holds up the text: each is deferred, async, a module or JSON, or inline and at most
  sphinxext.INLINE_SCRIPT_LIMIT bytes (the rule of microwork.pipeline.sphinxext.defer_head_scripts).
- No icon font or Font Awesome script: every Font Awesome class the pages use is drawn by microwork.css.
- One style sheet per page, microwork-site.css (the theme's and the extensions' files joined and pruned); that it
  styles every element as they do is checked in the browser (tests/test_browser.py).
- Every page has one meta description of 50 to 160 characters.
The Lighthouse scores themselves are a benchmark (bench/lighthouse.py, `make bench`), not a test.
"""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from microwork.pipeline import sphinxext

pytestmark = pytest.mark.build

CHART_PAGE_BUDGET = 500_000  # bytes, gzipped (issue 12: a chart page <= 500 KB transferred)


class Head(HTMLParser):
    """The files a page references (scripts, styles, preloads, images), its <head> scripts and its meta tags."""

    def __init__(self):
        super().__init__()
        self.files, self.head_scripts, self.meta, self.classes = [], [], [], set()
        self.in_head, self.script = False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.classes.update((attrs.get("class") or "").split())
        if tag == "head":
            self.in_head = True
        elif tag == "script":
            self.script = {"attrs": attrs, "body": ""}
            if attrs.get("src"):
                self.files.append(attrs["src"])
        elif tag == "link" and ({"stylesheet", "preload", "icon"} & set((attrs.get("rel") or "").split())):
            self.files.append(attrs["href"])
        elif tag == "img" and attrs.get("src"):
            self.files.append(attrs["src"])
        elif tag == "meta" and self.in_head:
            self.meta.append(attrs)

    def handle_data(self, data):
        if self.script is not None:
            self.script["body"] += data

    def handle_endtag(self, tag):
        if tag == "script" and self.script is not None:
            if self.in_head:
                self.head_scripts.append(self.script)
            self.script = None
        elif tag == "head":
            self.in_head = False


def read(page: Path) -> Head:
    head = Head()
    head.feed(page.read_text(encoding="utf-8"))
    return head


def pages(site: Path) -> list[Path]:
    """Every page of the built site (both editions) but each edition's root index.html, which only redirects to its
    first page."""
    redirects = {site / "index.html", site / "fr" / "index.html"}
    return sorted(p for p in site.rglob("*.html") if p not in redirects and "_static" not in p.parts)


def gzipped_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def downloads(site: Path, page: Path) -> set[Path]:
    """The files of the site that ``page`` makes the browser download (the Vega bundle too if it has a chart)."""
    found = {page}
    for reference in read(page).files:
        url = urlparse(reference)
        if url.scheme or reference.startswith("data:"):
            continue
        found.add((page.parent / url.path).resolve())
    if 'class="mw-vega"' in page.read_text(encoding="utf-8"):
        found.add(site / "_static" / sphinxext.BUNDLE)
    return found


def page_weight(site: Path, page: Path) -> int:
    """The bytes ``page`` downloads, each file gzipped (images too: an SVG is text, a PNG barely changes)."""
    return sum(gzipped_size(path) for path in downloads(site, page))


def is_blocking(script: dict) -> bool:
    """True for a <head> script that holds up the page (see sphinxext.INLINE_SCRIPT_LIMIT for the rule)."""
    attrs = script["attrs"]
    if "defer" in attrs or "async" in attrs or attrs.get("type") in ("module", "application/json"):
        return False
    return bool(attrs.get("src")) or len(script["body"].encode()) > sphinxext.INLINE_SCRIPT_LIMIT


@pytest.fixture(scope="module")
def site(built_book) -> Path:
    return (built_book / "_build" / "html").resolve()


def test_chart_pages_stay_within_the_byte_budget(site):
    chart_pages = [p for p in pages(site) if 'class="mw-vega"' in p.read_text(encoding="utf-8")]
    assert site / "chapters" / "size.html" in chart_pages
    for page in chart_pages:
        assert all(path.is_file() for path in downloads(site, page)), page
    weights = {page.relative_to(site).as_posix(): page_weight(site, page) for page in chart_pages}
    assert {page: weight for page, weight in weights.items() if weight > CHART_PAGE_BUDGET} == {}, weights


def test_the_budget_counts_what_the_page_loads(site):
    size = site / "chapters" / "size.html"
    loaded = {path.relative_to(site).as_posix() for path in downloads(site, size)}
    assert {"_static/vendor/vega-bundle.js", "_static/microwork-site.css", "_static/scripts/bootstrap.js",
            "_static/microwork-charts.js", "_images/size-tiers.svg"} <= loaded
    assert not any(path.endswith(".css") and path != "_static/microwork-site.css" for path in loaded), loaded
    # The search code and index are only for the search page (the theme's search-as-you-type is off).
    assert "searchindex.js" not in loaded and "searchindex.js" in {
        path.relative_to(site).as_posix() for path in downloads(site, site / "search.html")}
    # The theme's Font Awesome script alone would take the page over the budget.
    fontawesome = gzipped_size(site / "_static" / "scripts" / "fontawesome.js")
    assert page_weight(site, size) + fontawesome > CHART_PAGE_BUDGET


def test_every_page_links_one_style_sheet(site):
    """The theme's and the extensions' style sheets are one file (microwork.pipeline.stylesheet), which imports none."""
    linked = {page.relative_to(site).as_posix(): [f for f in read(page).files if urlparse(f).path.endswith(".css")]
              for page in pages(site)}
    assert {page: files for page, files in linked.items() if [Path(urlparse(f).path).name for f in files]
            != ["microwork-site.css"]} == {}
    combined = site / "_static" / "microwork-site.css"
    assert "@import" not in combined.read_text(encoding="utf-8")
    theme = site / "_static" / "styles" / "pydata-sphinx-theme.css"
    assert gzipped_size(combined) < gzipped_size(theme) / 1.5, "the combined file is hardly smaller than the theme's"


def test_no_script_in_head_holds_up_the_page(site):
    blocking = {page.relative_to(site).as_posix(): [s["attrs"].get("src") or s["body"][:60] for s in read(page).head_scripts
                                                     if is_blocking(s)]
                for page in pages(site)}
    assert {page: found for page, found in blocking.items() if found} == {}


def test_the_rule_on_head_scripts_can_fail():
    assert is_blocking({"attrs": {"src": "x.js"}, "body": ""})
    assert is_blocking({"attrs": {}, "body": "x" * (sphinxext.INLINE_SCRIPT_LIMIT + 1)})
    assert not is_blocking({"attrs": {"src": "x.js", "defer": "defer"}, "body": ""})
    assert not is_blocking({"attrs": {}, "body": "var tiny = 1;"})


def test_no_icon_font_and_every_icon_is_drawn(site, repo_root):
    css = (repo_root / "src" / "microwork" / "pipeline" / "static" / "microwork.css").read_text(encoding="utf-8")
    drawn = set(re.findall(r"\.fa-([a-z0-9-]+)::before \{ --mw-icon:", css))
    used = set()
    for page in pages(site):
        head = read(page)
        assert not any("fontawesome" in f for f in head.files), page
        used |= {c.removeprefix("fa-") for c in head.classes if c.startswith("fa-")}
    sizes_and_styles = {"solid", "regular", "brands", "lg", "fw", "classic"}
    assert used - sizes_and_styles - drawn == set()
    assert {"bars", "magnifying-glass", "sun", "moon"} <= used


def test_every_page_has_one_meta_description(site):
    low, high = sphinxext.DESCRIPTION_RANGE
    wrong = {}
    for page in pages(site):
        descriptions = [m.get("content", "") for m in read(page).meta if m.get("name") == "description"]
        if len(descriptions) != 1 or not low <= len(descriptions[0]) <= high:
            wrong[page.relative_to(site).as_posix()] = descriptions
    assert wrong == {}

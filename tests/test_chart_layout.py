"""Charts fit their reader: drawn at the width of the page, text readable, nothing cut, light and dark.

Every chart of every page is measured in a real browser at a phone width (390 px) and a desktop width
(1280 px): each SVG ``text`` is drawn at 12 CSS px or more (computed font size times the SVG's scale on
screen), none is cut with "…", and each lies inside its chart's SVG box. In dark mode the chart does not
sit on a white panel, and its text keeps 4.5:1 contrast with what is behind it.
"""

from __future__ import annotations

import json
import re

import pytest

from microwork.analysis import charts, data
from microwork.pipeline.pdf import serve

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
SMALLEST_TEXT_PX = 12
TEXT_CONTRAST = 4.5
SI_NUMBER = re.compile(r"^[−-]?\d+(\.\d+)?\s?[kMGTP]$")  # 1G, 10k, 2.5M: not how people write counts

# Every visible text of every drawn chart, as the reader sees it.
MEASURE_TEXTS = """() => [...document.querySelectorAll('.mw-vega')].flatMap(chart => {
  const svg = chart.querySelector('svg');
  if (!svg) return [{chart: chart.id, missing: true}];
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')]
    .filter(t => t.textContent.trim() && t.checkVisibility({opacityProperty: true, visibilityProperty: true}))
    .map(t => {
      const m = t.getScreenCTM(), r = t.getBoundingClientRect();
      return {chart: chart.id, text: t.textContent,
              px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b),
              outside: Math.max(box.left - r.left, r.right - box.right, box.top - r.top, r.bottom - box.bottom),
              fill: getComputedStyle(t).fill};
    });
})"""

# The colour behind each chart: the SVG's own background, else the first opaque background around it.
BACKGROUNDS = """() => [...document.querySelectorAll('.mw-vega svg')].map(svg => {
  for (let el = svg; el; el = el.parentElement) {
    const colour = getComputedStyle(el).backgroundColor;
    if (colour && colour !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(colour)) return colour;
  }
  return 'rgb(255, 255, 255)';
})"""


def rgb(colour: str) -> tuple[float, float, float]:
    """The red, green and blue channels (0-255) of a CSS ``rgb()``/``rgba()`` or ``#rrggbb`` colour."""
    if colour.startswith("#"):
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return tuple(float(c) for c in re.findall(r"[\d.]+", colour)[:3])


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2)."""
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in rgb(colour))]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def chart_pages(site) -> list[str]:
    """The pages of the built site that draw at least one chart."""
    return sorted(str(p.relative_to(site)) for p in site.glob("chapters/*.html") if 'class="mw-vega"' in p.read_text())


def drawn_page(browser, url: str, width: int, dark: bool = False):
    """``url`` opened at ``width`` CSS px (light or dark system preference), scrolled to its first chart, once
    every chart is drawn."""
    page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme="dark" if dark else "light")
    page.goto(url, wait_until="load")
    # The chart library is loaded when a chart comes near the screen (microwork-charts.js).
    page.evaluate("() => { const chart = document.querySelector('.mw-vega'); if (chart) chart.scrollIntoView(); }")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.mw-vega')].every(e => ['drawn', 'failed'].includes(e.dataset.chartStatus))",
        timeout=20_000)
    return page


def layout_problems(texts: list[dict]) -> list[str]:
    """What a reader could not read: missing charts, text under 12 px, text cut with "…", numbers such as "1G",
    text outside its SVG."""
    problems = []
    for t in texts:
        if t.get("missing"):
            problems.append(f"{t['chart']}: not drawn")
            continue
        where = f"{t['chart']}: {t['text']!r}"
        if t["px"] < SMALLEST_TEXT_PX - 0.05:
            problems.append(f"{where} drawn at {t['px']:.1f} px")
        if t["text"].rstrip().endswith("…"):
            problems.append(f"{where} is cut")
        if SI_NUMBER.match(t["text"].strip()):
            problems.append(f"{where} uses an SI prefix")
        if t["outside"] > 1:
            problems.append(f"{where} extends {t['outside']:.0f} px outside its chart")
    return problems


def dark_problems(texts: list[dict], backgrounds: list[str]) -> list[str]:
    """Charts on a white panel in dark mode, and text without 4.5:1 contrast against the chart's background."""
    problems = [f"chart {i} sits on {b}" for i, b in enumerate(backgrounds) if luminance(b) > 0.5]
    behind = backgrounds[0] if backgrounds else "rgb(255, 255, 255)"
    problems += [f"{t['chart']}: {t['text']!r} in {t['fill']} on {behind} ({contrast(t['fill'], behind):.1f}:1)"
                 for t in texts if not t.get("missing") and contrast(t["fill"], behind) < TEXT_CONTRAST]
    return problems


@pytest.fixture(scope="module")
def site(built_book):
    return (built_book / "_build" / "html").resolve()


@pytest.fixture(scope="module")
def site_url(site):
    with serve(site) as url:
        yield url


def test_some_pages_draw_charts(site):
    assert len(chart_pages(site)) >= 8


@pytest.mark.parametrize("width", WIDTHS)
def test_chart_text_is_readable_and_whole(browser, site, site_url, width):
    problems = []
    for path in chart_pages(site):
        page = drawn_page(browser, f"{site_url}/{path}", width)
        problems += [f"{path} at {width} px: {p}" for p in layout_problems(page.evaluate(MEASURE_TEXTS))]
        page.close()
    assert problems == []


def test_dark_mode_charts_are_dark_and_legible(browser, site, site_url):
    problems = []
    for path in chart_pages(site):
        page = drawn_page(browser, f"{site_url}/{path}", 390, dark=True)
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        texts, backgrounds = page.evaluate(MEASURE_TEXTS), page.evaluate(BACKGROUNDS)
        problems += [f"{path}: {p}" for p in dark_problems(texts, backgrounds) + layout_problems(texts)]
        page.close()
    assert problems == []


def test_charts_follow_a_theme_switch_and_a_resize(browser, site_url):
    page = drawn_page(browser, f"{site_url}/chapters/size.html", 1280)
    light = page.evaluate(BACKGROUNDS)[0]
    page.evaluate("() => document.documentElement.dataset.theme = 'dark'")
    page.wait_for_function("() => document.querySelector('.mw-vega').dataset.chartTheme === 'dark'", timeout=10_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.mw-vega')].every(e => e.dataset.chartStatus === 'drawn')", timeout=20_000)
    dark = page.evaluate(BACKGROUNDS)[0]
    assert luminance(light) > 0.5 > luminance(dark), (light, dark)
    assert dark_problems(page.evaluate(MEASURE_TEXTS), page.evaluate(BACKGROUNDS)) == []
    # Narrowed to a phone and widened again, each chart is redrawn as wide as its column, never wider.
    widths = "() => [...document.querySelectorAll('.mw-vega')].map(e => [e.querySelector('svg').getBoundingClientRect().width, e.clientWidth])"
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function(
            "() => [...document.querySelectorAll('.mw-vega')].every(e => e.dataset.chartStatus === 'drawn' && "
            "e.dataset.chartWidth === String(Math.floor(e.clientWidth)))", timeout=20_000)
        assert all(abs(svg - column) <= 1 for svg, column in page.evaluate(widths)), (width, page.evaluate(widths))
        assert layout_problems(page.evaluate(MEASURE_TEXTS)) == []
    page.close()


RAW_HEADER = re.compile(r"_|^q\d+$")  # a column name such as gap_to_published or q05, not words


def data_tables(site) -> dict[str, tuple[list[str], list[str], list[str]]]:
    """The folded data table under each chart of the site: headers, every cell, the numeric cells (by chart)."""
    tables = {}
    for path in chart_pages(site):
        page = (site / path).read_text()
        for name, body in re.findall(r'<details class="mw-data" id="data-([^"]+)">(.*?)</details>', page, re.S):
            tables[name] = (re.findall(r"<th>(.*?)</th>", body), re.findall(r"<td[^>]*>(.*?)</td>", body),
                            re.findall(r'<td class="mw-number">(.*?)</td>', body))
    return tables


def test_data_tables_under_charts_are_written_for_people(site):
    tables = data_tables(site)
    assert len(tables) >= 10
    for name, (headers, cells, numbers) in tables.items():
        assert not [h for h in headers if RAW_HEADER.search(h)], (name, headers)
        assert not {"True", "False", "nan", "NaN", "None"} & set(cells), name
        assert not [n for n in numbers if re.search(r"\.\d{5,}|\d{5,}", n)], (name, numbers)


BARS = """() => [...document.querySelectorAll('.mw-vega')].filter(c => c.id.includes('size-registrations')).map(chart => {
  const svg = chart.querySelector('svg');
  return svg ? [...svg.querySelectorAll('g.mark-rect path')].map(p => p.getBoundingClientRect().width) : null;
})"""


@pytest.mark.parametrize("name", ["Microworkers, the platform with the longest name this data allows",
                                  "M" * 60])
def test_the_longest_platform_name_the_data_allows_leaves_every_bar_drawn_on_a_phone(browser, built_book, site,
                                                                                    site_url, name):
    """The registrations chart as the size chapter draws it (charts.horizontal_bars), with one platform named with
    the most characters data/datapackage.json allows, in words or as one long word (wide letters): every bar is
    drawn, and every text stays in the chart. (A 167-character name left no bar at all.)"""
    allowed = next(f for r in json.loads((built_book / "data" / "datapackage.json").read_text())["resources"]
                   if r["name"] == "platform_registrations" for f in r["schema"]["fields"] if f["name"] == "platform")
    name = name[:allowed["constraints"]["maxLength"]].ljust(allowed["constraints"]["maxLength"], "x")
    frame = data.load_table("platform_registrations", built_book / "data").drop(columns="counts")
    frame.loc[frame["platform"] == "Microworkers", "platform"] = name
    spec = charts.spec_of(charts.horizontal_bars(frame, "platform", "registrations", "French registrations",
                                                 "accounts registered from France"))
    page_file = site / "chapters" / "size.html"
    probe = site / "chapters" / "zz-longest-platform-name.html"
    text = page_file.read_text(encoding="utf-8")
    script = re.search(r'(<script type="application/json" id="spec-[^"]*size-registrations[^"]*">)(.*?)(</script>)',
                       text, re.S)
    probe.write_text(text[:script.start(2)] + charts.json_for_script(spec) + text[script.end(2):], encoding="utf-8")
    try:
        page = drawn_page(browser, f"{site_url}/chapters/{probe.name}", 390)
        page.evaluate("() => document.querySelector('[id*=size-registrations]').scrollIntoView()")
        page.wait_for_timeout(500)
        widths = page.evaluate(BARS)
        texts = [t for t in page.evaluate(MEASURE_TEXTS) if "size-registrations" in t["chart"]]
        page.close()
    finally:
        probe.unlink()
    # One bar per platform, each with a width (the smallest platform has about 1 % of the largest's accounts), and
    # room for the bars beside the labels: 148 px for the largest with the data's own names, at least 40 px here.
    assert widths and len(widths[0]) == len(frame) and min(widths[0]) > 0 and max(widths[0]) >= 40, widths
    assert any(name.split()[0][:20] in t["text"] for t in texts)
    if " " in name:  # one word of 60 wide letters takes 260 px of a 390 px chart: its value labels may touch the edge
        assert [p for p in layout_problems(texts) if "outside" in p] == []

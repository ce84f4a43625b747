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


# --- Phone layout: no text on another, none cut, an axis never far, one colour and shape per category ---------

EDITIONS = ("", "fr/")  # English at the root, French under fr/
PHONE_SCREEN = 844  # CSS px: the height of a 390 px wide phone's screen (iPhone 12 to 14)
SCREENS_WITHOUT_AXIS = 1.5  # the most of a chart, in screens, that may lie between two value axes (or an end)
TEXT_GAP = 1  # px: two texts side by side closer than this touch ("20202021")
LINE_OVERLAP = 1  # px: lines stacked as a legend or a label stacks them may share this much of their boxes

# Every visible text's box, the chart's box, and the boxes of its horizontal axes (a value or time axis).
MEASURE_BOXES = """() => [...document.querySelectorAll('.mw-vega')].map(chart => {
  const svg = chart.querySelector('svg');
  if (!svg) return {chart: chart.id, missing: true};
  const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  const visible = e => e.checkVisibility({opacityProperty: true, visibilityProperty: true});
  return {chart: chart.id, box: box(svg.getBoundingClientRect()),
          texts: [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() && visible(t))
                   .map(t => ({text: t.textContent, ...box(t.getBoundingClientRect())})),
          axes: [...svg.querySelectorAll('g.role-axis')].map(a => box(a.getBoundingClientRect()))
                  .filter(a => a.right - a.left > a.bottom - a.top)};
})"""


def chart_pages_in(site, edition: str) -> list[str]:
    """The pages of one edition (``""`` or ``"fr/"``) that draw at least one chart."""
    return [f"{edition}{path}" for path in chart_pages(site / edition if edition else site)]


def overlapping(a: dict, b: dict) -> bool:
    """Whether two text boxes (left, right, top, bottom) overlap: they share more than :data:`LINE_OVERLAP` px of
    height and come closer than :data:`TEXT_GAP` px side by side."""
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]) > -TEXT_GAP
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > LINE_OVERLAP)


def overlaps(chart: dict) -> list[tuple[str, str]]:
    """Every pair of the chart's texts whose boxes overlap or touch."""
    texts = chart["texts"]
    return [(a["text"], b["text"]) for i, a in enumerate(texts) for b in texts[i + 1:] if overlapping(a, b)]


def cut_texts(chart: dict) -> list[str]:
    """The chart's texts that reach more than 1 px outside its SVG (cut at the chart's edge)."""
    box = chart["box"]
    return [t["text"] for t in chart["texts"]
            if max(box["left"] - t["left"], t["right"] - box["right"], box["top"] - t["top"], t["bottom"] - box["bottom"]) > 1]


def longest_stretch_without_axis(chart: dict) -> float:
    """The tallest part of the chart (px) between its top, its horizontal axes and its bottom: what a reader
    scrolls through with no axis in view."""
    ends = sorted([chart["box"]["top"], chart["box"]["bottom"]] + [(a["top"] + a["bottom"]) / 2 for a in chart["axes"]])
    return max(b - a for a, b in zip(ends, ends[1:]))


def phone_problems(chart: dict, width: int) -> list[str]:
    """What a reader cannot read in one drawn chart: texts on one another, texts cut, and (on a phone) more than
    :data:`SCREENS_WITHOUT_AXIS` screens of chart without an axis."""
    if chart.get("missing"):
        return [f"{chart['chart']}: not drawn"]
    problems = [f"{chart['chart']}: {a!r} overlaps {b!r}" for a, b in overlaps(chart)]
    problems += [f"{chart['chart']}: {t!r} is cut at the chart's edge" for t in cut_texts(chart)]
    stretch = longest_stretch_without_axis(chart)
    if width < 600 and stretch > SCREENS_WITHOUT_AXIS * PHONE_SCREEN:
        problems.append(f"{chart['chart']}: {stretch:.0f} px ({stretch / PHONE_SCREEN:.1f} screens) without an axis")
    return problems


def test_overlaps_cuts_and_axis_distance_are_measured():
    """The measures themselves, on boxes made by hand: touching years, a label past the edge, a tall chart."""
    text = lambda s, l, r, t, b: {"text": s, "left": l, "right": r, "top": t, "bottom": b}
    chart = {"chart": "c", "box": {"left": 0, "right": 100, "top": 0, "bottom": 2000}, "axes": [],
             "texts": [text("2020", 10, 40, 990, 1004), text("2021", 40, 70, 990, 1004), text("2022", 75, 105, 990, 1004),
                       text("legend", 10, 60, 1020, 1034), text("below it", 10, 60, 1034, 1048)]}
    assert overlaps(chart) == [("2020", "2021")]
    assert cut_texts(chart) == ["2022"]
    assert len(phone_problems(chart, 390)) == 3 and len(phone_problems(chart, 1280)) == 2
    chart["axes"] = [{"left": 0, "right": 100, "top": 990, "bottom": 1010}]
    assert longest_stretch_without_axis(chart) == 1000


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("edition", EDITIONS)
def test_no_chart_text_overlaps_another_or_is_cut_and_an_axis_stays_near(browser, site, site_url, width, edition):
    pages = chart_pages_in(site, edition)
    assert len(pages) >= 8
    problems = []
    for path in pages:
        page = drawn_page(browser, f"{site_url}/{path}", width)
        problems += [f"{path} at {width} px: {p}" for chart in page.evaluate(MEASURE_BOXES)
                     for p in phone_problems(chart, width)]
        page.close()
    assert problems == []


def chart_specs(page: str) -> dict[str, dict]:
    """The Vega-Lite spec of every chart of a built page, by chart name."""
    return {name: json.loads(spec) for name, spec in
            re.findall(r'<script type="application/json" id="spec-([^"]+)">(.*?)</script>', page, re.S)}


# What Vega draws for a nominal field when the spec names no domain or range: the values in ascending order, the
# theme's category colours and Vega's own shapes, in turn.
VEGA_SHAPES = ["circle", "square", "cross", "diamond", "triangle-up", "triangle-down", "triangle-right", "triangle-left"]


def drawn_styles(spec: dict) -> list[dict[str, str]]:
    """For each row of the chart's data, in order, the colour and shape its category is drawn with."""
    rows = next(iter(spec.get("datasets", {}).values()), [])
    styles = [{} for _ in rows]
    defaults = {"color": spec.get("config", {}).get("range", {}).get("category", []), "shape": VEGA_SHAPES}
    for layer in [spec, *spec.get("layer", [])]:
        for channel in ("color", "shape"):
            encoding = layer.get("encoding", {}).get(channel, {})
            if "field" not in encoding:
                continue
            scale = encoding.get("scale", {})
            domain = scale.get("domain") or sorted({row[encoding["field"]] for row in rows})
            palette = scale.get("range") or defaults[channel]
            for style, row in zip(styles, rows):
                style[channel] = palette[domain.index(row[encoding["field"]]) % len(palette)]
    return styles


def test_a_category_has_the_same_colour_and_shape_in_both_editions(site):
    """Each row of a chart's data is the same in both editions (its category translated): it must be drawn in the
    same colour and shape, whatever the French words' alphabetical order."""
    compared = 0
    for path in chart_pages(site):
        english, french = chart_specs((site / path).read_text()), chart_specs((site / "fr" / path).read_text())
        for name, spec in english.items():
            styles = drawn_styles(spec)
            if any(styles):
                compared += 1
                assert styles == drawn_styles(french[name]), f"{path}: {name}"
    assert compared >= 4  # the debate's, the international counts' and the two timelines' categories


def test_colour_and_shape_are_read_as_vega_draws_them():
    """Without a named domain the categories take the colours in alphabetical order (so "événement" comes after
    "régulation" in French, "event" before "publication" in English); with one, in the domain's order."""
    spec = lambda values, scale: {"config": {"range": {"category": ["blue", "orange"]}},
                                  "datasets": {"d": [{"k": v} for v in values]},
                                  "encoding": {"color": {"field": "k", "scale": scale}, "shape": {"field": "k"}}}
    assert drawn_styles(spec(["event", "publication"], {})) == [{"color": "blue", "shape": "circle"},
                                                               {"color": "orange", "shape": "square"}]
    assert drawn_styles(spec(["événement", "publication"], {}))[0] == {"color": "orange", "shape": "square"}
    assert drawn_styles(spec(["é", "p"], {"domain": ["é", "p"], "range": ["red", "green"]}))[0]["color"] == "red"

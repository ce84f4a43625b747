"""Charts: one Altair theme, the book's chart functions, and figure export.

Charts are shown with :func:`show_figure`, which writes PNG, SVG and CSV files
next to the chapter and emits HTML that the book's own copy of Vega draws
(no network). The provenance line under each figure names the data file and its
hash, the sources with their locators, and the parameters of the run.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import altair as alt
import pandas as pd

from . import book, drawing, language, readable
from .language import words
from .book import cite, code_span, column_header, escape_markdown, is_source_column, one_line, package_fields
from .catalogue import table_label
from .data import source_labels
from .paths import project_root

# Categorical colours: the first three differ in lightness (they stay distinct in grayscale) and each has at
# least 3:1 contrast with the white page. Charts with more than three categories also encode them by shape.
PALETTE = ["#0b2545", "#d95f02", "#7b3294", "#8c8c8c"]
LIGHT = "#5b8db8"  # bars that are not highlighted (4:1 against the dark highlight, 3.5:1 against white)
TEXT = "#222222"  # chart text on the white page
# The same roles on the dark page of the book (pydata-sphinx-theme draws it DARK_PAGE): each light colour's
# counterpart, with the same rules (3:1 for marks against the page, the first three apart in lightness).
DARK_PAGE = "#121212"
DARK_COLOURS = {PALETTE[0]: "#dbe9f6", PALETTE[1]: "#f28e2b", PALETTE[2]: "#8e63b8", PALETTE[3]: "#9e9e9e",
                LIGHT: "#4a7fb0", TEXT: "#e6e6e6"}
DARK_AXIS = "#a0a0a0"  # ticks and axis lines on the dark page
# The static figures (PDF, downloads) have a fixed width: vl-convert has no page to fit. On screen a chart is as
# wide as the text column.
EXPORT_WIDTH = 640
LABEL_LINE = 26  # characters per line of a category label (a label column about 170 px wide at 12 px)
# Labels longer than LONG_LABEL lines beside their rows are written above them instead, across the chart's width
# (ABOVE_LINE characters a line: a 390 px phone's chart is about 340 px wide, 12 px text about 5.5 px a character),
# ABOVE_LINE_HEIGHT px a line, with MARK_ROOM px under them for the row's bar or dot: a phone's chart of long
# labels stays short enough for its axes (drawn above and below it) to stay near the reader.
LONG_LABEL = 3
ABOVE_LINE = 58
ABOVE_LINE_HEIGHT = 14
MARK_ROOM = 18
# Shapes that tell categories apart with their colours (a category keeps its colour and shape in every edition).
SHAPES = ["circle", "square", "triangle-up", "cross", "diamond", "triangle-down", "triangle-right", "triangle-left"]
TITLE_LINE = 40  # characters per line of a chart or axis title (fits a 360 px phone screen)
LINE_HEIGHT = 15  # px per line of a wrapped label
# Vega draws a category label given as "line\nline" on several lines (the category itself stays one value).
WRAPPED_LABEL = "split(datum.value, '\\n')"
# Vega draws a label of several lines downwards from its row's middle: raised by half its extra lines, it is centred
# on its row (and the last row's label stays clear of the axis under it).
CENTRED_LABEL = f"-(length(split(datum.value, '\\n')) - 1) * {LINE_HEIGHT / 2}"
# A month on a time axis ("Feb" or « févr. », from the chart's date locale), with its year under the first month
# and under each January.
MONTH_LABEL = ("datum.index === 0 || utcmonth(datum.value) === 0 ? "
               "[utcFormat(datum.value, '%b'), utcFormat(datum.value, '%Y')] : utcFormat(datum.value, '%b')")
# Figures go next to the kernel's working directory: chapters/figures under Jupyter Book, the run folder under
# `microwork build` (the page links to figures/NAME.svg relative to the notebook). A kernel started at the project
# root (plain `papermill chapters/x.ipynb out.ipynb` there) writes under the git-ignored _build instead.
FIGURE_DIR = Path("figures")
ROOT_FIGURE_DIR = Path("_build") / "papermill" / "figures"


def figure_dir() -> Path:
    """The folder for this kernel's figures, relative to its working directory (see ``FIGURE_DIR``)."""
    try:
        at_root = Path.cwd().resolve() == project_root()
    except FileNotFoundError:  # no book above the working directory
        return FIGURE_DIR
    return ROOT_FIGURE_DIR if at_root else FIGURE_DIR


def theme() -> dict:
    """The book's chart theme as a Vega-Lite config: 12 px text or more, nothing truncated, legends below."""
    return {
        "config": {
            "font": "sans-serif",
            "background": "white",
            "autosize": {"type": "fit-x", "contains": "padding"},
            "padding": {"left": 5, "top": 5, "bottom": 5, "right": 12},  # room for a value printed at a bar's end
            "view": {"stroke": None, "continuousHeight": 300},
            "range": {"category": PALETTE},
            "mark": {"color": PALETTE[0]},
            "text": {"fontSize": 12, "color": TEXT},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "grid": False, "labelLimit": 0, "titleLimit": 0,
                     "labelColor": TEXT, "titleColor": TEXT, "labelLineHeight": LINE_HEIGHT,
                     "labelSeparation": 8},  # where labels may be hidden, none closer than 8 px to another
            "title": {"fontSize": 14, "anchor": "start", "limit": 0, "color": TEXT},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 0, "titleLimit": 0,
                       "orient": "bottom", "direction": "vertical", "labelColor": TEXT, "titleColor": TEXT},
        }
    }


def dark_theme() -> dict:
    """What changes in dark mode, read by ``microwork-charts.js``: a config laid over the light one (no panel
    behind the chart, light text and axes) and the dark counterpart of every colour the chart names."""
    axis = {"labelColor": DARK_COLOURS[TEXT], "titleColor": DARK_COLOURS[TEXT],
            "domainColor": DARK_AXIS, "tickColor": DARK_AXIS}
    return {
        "config": {
            "background": "transparent",
            "range": {"category": [DARK_COLOURS[c] for c in PALETTE]},
            "mark": {"color": DARK_COLOURS[PALETTE[0]]},
            "text": {"color": DARK_COLOURS[TEXT]},
            "axis": axis,
            "title": {"color": DARK_COLOURS[TEXT]},
            "legend": {"labelColor": DARK_COLOURS[TEXT], "titleColor": DARK_COLOURS[TEXT]},
        },
        "colours": DARK_COLOURS,
    }


alt.theme.register("microwork", enable=True)(theme)


def wrapped(text: object, width: int) -> list[str]:
    """``text`` cut into lines of at most ``width`` characters, at spaces (a longer word keeps its own line); a word
    longer than a label's line (:data:`LABEL_LINE`) is cut too, or a label of one long word would take a phone's
    whole chart and leave no room for the bars."""
    words = [piece for word in str(text).split(" ")
             for piece in (textwrap.wrap(word, max(width, LABEL_LINE)) if len(word) > max(width, LABEL_LINE) else [word])]
    return textwrap.wrap(" ".join(words), width, break_long_words=False, break_on_hyphens=False) or [""]


def title_text(text: str) -> str | list[str]:
    """A chart or axis title as Vega-Lite draws it on several lines: a list of lines when it is long."""
    if language.current() != language.SOURCE_LANGUAGE:
        return language.lines_of_words(text, TITLE_LINE)
    lines = wrapped(text, TITLE_LINE)
    return lines[0] if len(lines) == 1 else lines


def wrapped_label(value: object, width: int = LABEL_LINE) -> str:
    """A category label in lines of ``width`` characters joined by new lines (drawn by :data:`WRAPPED_LABEL`); in a
    French pass, a mark whose translation the render wraps (and whose lines size the chart's rows)."""
    if language.current() != language.SOURCE_LANGUAGE:
        return language.wrapped_words(value, width)
    return "\n".join(wrapped(value, width))


def with_wrapped_labels(frame: pd.DataFrame, category: str, width: int = LABEL_LINE) -> tuple[pd.DataFrame, str, int]:
    """``frame`` with a copy of the ``category`` column wrapped into lines (see :func:`wrapped_label`); return the
    frame, that column's name and the most lines an English label takes."""
    column = f"{category}_lines"
    most = int(frame[category].map(lambda value: len(wrapped(value, width))).max() if len(frame) else 1)
    return frame.assign(**{column: frame[category].map(lambda value: wrapped_label(value, width)),
                           category: frame[category].map(words)}), column, most


def labels_go_above(frame: pd.DataFrame, category: str) -> bool:
    """Whether the labels of ``category`` are long enough to be written above their rows: some label takes more than
    :data:`LONG_LABEL` lines beside them (decided on the English labels, so both editions are laid out alike)."""
    return bool(len(frame)) and max(len(wrapped(value, LABEL_LINE)) for value in frame[category]) > LONG_LABEL


def category_order(values: Iterable[object], categories: Sequence[str] | None = None) -> list[str]:
    """The categories of a legend in an order that does not depend on the language: ``categories`` (e.g. a field's
    allowed values in the data package) first, then any other value in English alphabetical order."""
    given = list(categories or [])
    return given + sorted({str(v) for v in values} - set(given))


def category_styles(frame: pd.DataFrame, kind: str, title: str,
                    categories: Sequence[str] | None = None) -> tuple[pd.DataFrame, dict[str, alt.Color | alt.Shape]]:
    """``frame`` with its ``kind`` column as legend labels, and the colour and shape encodings of that column.

    Each category takes the colour and shape of its place in :func:`category_order`, from its English value: the
    same in both editions and in every chart given the same ``categories``. The scales name their domain (the
    categories present) and range, so no language's alphabetical order can change them.
    """
    order = category_order(frame[kind], categories)
    present = [c for c in order if c in set(frame[kind].astype(str))]
    domain = [words(c) for c in present]
    colour = alt.Color(f"{kind}:N", title=legend_title(title), scale=alt.Scale(
        domain=domain, range=[PALETTE[order.index(c) % len(PALETTE)] for c in present]))
    shape = alt.Shape(f"{kind}:N", title=legend_title(title), scale=alt.Scale(
        domain=domain, range=[SHAPES[order.index(c) % len(SHAPES)] for c in present]))
    return frame.assign(**{kind: frame[kind].astype(str).map(words)}), {"color": colour, "shape": shape}


def tip(shorthand: str, **options: object) -> alt.Tooltip:
    """A tooltip line; in a French pass it is titled with its column's header, marked for translation (in English
    Vega-Lite shows the column's name)."""
    if language.current() != language.SOURCE_LANGUAGE and "title" not in options:
        options["title"] = column_header(shorthand.split(":")[0])
    return alt.Tooltip(shorthand, **options)


def legend_title(column: str) -> str:
    """The title of a legend for ``column``: its name in words."""
    return words(column.replace("_", " "))


def category_axis(column: str, sort: list | None) -> alt.Y:
    """A vertical category axis drawing the wrapped labels of ``column`` (see :func:`with_wrapped_labels`), each
    centred on its row."""
    return alt.Y(f"{column}:N", sort=sort, title=None, axis=alt.Axis(labelExpr=WRAPPED_LABEL,
                                                                      labelOffset={"expr": CENTRED_LABEL}),
                 scale=alt.Scale(paddingInner=0.25))


def rows_axis(column: str, sort: list | None) -> alt.Y:
    """Rows for labels written above their marks (see :func:`labelled_rows`): bands with no axis and no gap."""
    return alt.Y(f"{column}:N", sort=sort, title=None, axis=None,
                 scale=alt.Scale(type="band", paddingInner=0, paddingOuter=0))


def under_label(column: str) -> dict:
    """Where a row's bar or dot goes when its label (``column``) is written above it: just under the label's lines,
    whatever the row's height (a Vega expression of the row's band and the label's number of lines)."""
    return {"expr": f"{TOP_MARGIN} - bandwidth('y') / 2 + length(split(datum[{json.dumps(column)}], '\\n')) * "
                    f"{ABOVE_LINE_HEIGHT} + {MARK_ROOM / 2}"}


TOP_MARGIN = 2  # px above a label written at the top of its row


def labelled_rows(base: alt.Chart, column: str, sort: list | None) -> alt.Chart:
    """The labels of ``column`` written at the top of their rows, from the chart's left edge (the rows' marks are
    drawn under them, offset by :func:`under_label`)."""
    return base.mark_text(align="left", baseline="top", lineBreak="\n", lineHeight=ABOVE_LINE_HEIGHT,
                          dy={"expr": f"{TOP_MARGIN} - bandwidth('y') / 2"}).encode(
        y=rows_axis(column, sort), x=alt.value(0), text=f"{column}:N")


def axis_on_top(base: alt.Chart, x: alt.X, y: alt.Y) -> alt.Chart:
    """An invisible layer that repeats the value axis above the chart (a tall chart keeps an axis at each end)."""
    below = x.to_dict()
    top = alt.X(**{**below, "title": None, "axis": {**below.get("axis", {}), "orient": "top", "title": None}})
    return base.mark_point(opacity=0, size=1).encode(x=top, y=y)


def without_axis(x: alt.X) -> alt.X:
    """The same value encoding drawing no axis (for a chart's further layers when each layer may draw its own)."""
    return alt.X(**{**x.to_dict(), "axis": None})


def row_height(most_lines: int, above: bool = False) -> dict:
    """The height of one category row (a Vega-Lite step) for labels of ``most_lines`` lines, beside the row's mark or
    ``above`` it."""
    if above:
        return {"step": most_lines * ABOVE_LINE_HEIGHT + MARK_ROOM + TOP_MARGIN + 4}
    return {"step": max(22, most_lines * LINE_HEIGHT + 8)}


def for_the_page(chart: alt.TopLevelMixin, most_lines: int | None = None, above: bool = False) -> alt.TopLevelMixin:
    """A chart as wide as the text column of the page; with ``most_lines``, its category rows are tall enough
    for labels of that many lines (written ``above`` the rows' marks: the render sizes the French rows the same
    way, told so by ``usermeta``)."""
    chart = chart.properties(width="container")
    if most_lines is None:
        return chart
    chart = chart.properties(height=row_height(most_lines, above))
    return chart.properties(usermeta={"labelsAbove": True}).resolve_axis(x="independent") if above else chart


# The French version of each chart a chart function made in English (see :func:`bilingual`), by the chart's id.
FRENCH_SPECS: dict[int, tuple[alt.TopLevelMixin, dict]] = {}


def bilingual(build):
    """A chart function that, called in English, also makes its chart in a French pass (texts marked for
    translation, numbers and dates drawn with the French locale) and keeps that spec for :func:`show_figure`."""
    @functools.wraps(build)
    def both(*args, **kwargs):
        chart = build(*args, **kwargs)
        if language.current() == language.SOURCE_LANGUAGE and language.making_french():
            with language.french_pass():
                # Not validated again: the same function on the same data, with other texts, makes the same
                # structure as the English chart, which is validated against Vega-Lite's schema.
                FRENCH_SPECS[id(chart)] = (chart, spec_of(build(*args, **kwargs), validate=False))
        return chart

    return both


@bilingual
def horizontal_bars(
    frame: pd.DataFrame, category: str, value: str, title: str, value_title: str,
    highlight: str | None = None, sort_by_value: bool = True,
) -> alt.Chart:
    """Horizontal bars with value labels, one bar per row of ``frame``; long category labels are wrapped.

    ``highlight`` names a boolean column: its True rows are drawn in the accent colour. Long labels are written
    above their bars (see :func:`labels_go_above`), with the value axis above and below the chart.
    """
    above = labels_go_above(frame, category)
    frame, label, most_lines = with_wrapped_labels(frame, category, ABOVE_LINE if above else LABEL_LINE)
    order = frame.sort_values(value, ascending=False)[label] if sort_by_value else frame[label]
    sort = list(dict.fromkeys(order))
    colour = (
        alt.Color(f"{highlight}:N", scale=alt.Scale(domain=[False, True], range=[LIGHT, PALETTE[0]]), legend=None)
        if highlight else alt.value(PALETTE[0])
    )
    # The value axis's title ends where the bars end: with long labels the bars' area is narrow, and a centred
    # title would run past the chart's right edge on a phone.
    x = alt.X(f"{value}:Q", title=title_text(value_title), axis=alt.Axis(format=",.0f", titleAnchor="end"),
              scale=alt.Scale(**room_for_labels(frame[value])))
    y = rows_axis(label, sort) if above else category_axis(label, sort)
    base = alt.Chart(frame).encode(y=y, x=x, tooltip=[tip(f"{category}:N"), tip(f"{value}:Q", format=",.0f")])
    under = {"yOffset": under_label(label)} if above else {}
    bars = base.mark_bar(**under, **({"height": 14} if above else {})).encode(color=colour)
    # Each value is printed beyond the end of its bar: after a positive bar, before a negative one (never on it).
    text = alt.Text(f"{value}:Q", format=",.0f")
    values = base.encode(x=without_axis(x)) if above else base  # one axis below the chart, not one per layer
    after = values.transform_filter(alt.datum[value] >= 0).mark_text(align="left", dx=4, **under).encode(text=text)
    before = values.transform_filter(alt.datum[value] < 0).mark_text(align="right", dx=-4, **under).encode(text=text)
    layers = [bars, after, before] + ([labelled_rows(base, label, sort), axis_on_top(base, x, y)] if above else [])
    return for_the_page(alt.layer(*layers).properties(title=title_text(title)), most_lines, above)


def room_for_labels(values: pd.Series, share: float = 0.25) -> dict[str, float]:
    """The ends of a value axis (``domainMax``, and ``domainMin`` when a value is negative) that leave room beyond
    the longest bars, on either side of zero, for their printed values: ``share`` of the axis's span."""
    top = max(float(values.max()), 0.0) if len(values) else 0.0
    bottom = min(float(values.min()), 0.0) if len(values) else 0.0
    room = (top - bottom) * share
    return {"domainMax": top + room if top > 0 else 1.0, **({"domainMin": bottom - room} if bottom < 0 else {})}


def exported(spec: dict, width: int = EXPORT_WIDTH) -> dict:
    """The spec for a static figure: the same chart at a fixed ``width`` (a file has no page to fit)."""
    return {**spec, "width": width} if spec.get("width") == "container" else spec


DATUM_FIELD = re.compile(r"datum\.([A-Za-z_]\w*)|datum\[[\"']([^\"']+)[\"']\]")


def referenced_fields(value: object) -> set[str]:
    """Every string of a spec (without its datasets), and the fields its expressions read (``datum.x``): the columns
    the chart can use."""
    if isinstance(value, dict):
        return {k for k in value} | {f for k, v in value.items() if k != "datasets" for f in referenced_fields(v)}
    if isinstance(value, list):
        return {f for item in value for f in referenced_fields(item)}
    if isinstance(value, str):
        return {value} | {a or b for a, b in DATUM_FIELD.findall(value)}
    return set()


def only_used_columns(spec: dict) -> dict:
    """The spec with each inline dataset keeping only the columns the chart uses: what a page and a download carry
    is what the chart shows (the full data is the figure's CSV)."""
    if not isinstance(spec.get("datasets"), dict):
        return spec
    used = referenced_fields(spec)
    datasets = {name: [{k: v for k, v in row.items() if k in used} if isinstance(row, dict) else row for row in rows]
                for name, rows in spec["datasets"].items()}
    return {**spec, "datasets": datasets}


def spec_of(chart: alt.TopLevelMixin, validate: bool = True) -> dict:
    """The chart's Vega-Lite specification, with its data inline (the columns it uses) and the dark theme for the
    page's script; checked against Vega-Lite's schema unless ``validate`` is False."""
    spec = only_used_columns(chart.to_dict(validate=validate))
    usermeta = {**spec.get("usermeta", {}), "dark": dark_theme()}
    if language.current() != language.SOURCE_LANGUAGE:  # the page's script and the render draw it with these
        usermeta["locale"] = {"number": language.vega_locale(language.current()),
                              "time": language.vega_time_locale(language.current())}
    return {**spec, "usermeta": usermeta}


def export(spec: dict, data: pd.DataFrame, name: str, folder: Path | None = None) -> dict[str, Path]:
    """Write ``name``.png, .svg, .csv (the figure's data) and .vl.json (its Vega-Lite ``spec``, see :func:`spec_of`)
    into ``folder`` (by default :func:`figure_dir`)."""
    folder = figure_dir() if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    paths = {kind: folder / f"{name}.{kind}" for kind in ("png", "svg", "csv", "vl.json")}
    drawing.draw_into(exported(spec), paths["svg"], paths["png"])  # by the drawing service, if any, while we go on
    csv_safe(data).to_csv(paths["csv"], index=False)
    paths["vl.json"].write_text(spec_text(spec) + "\n", encoding="utf-8")
    return paths


def spec_text(spec: dict) -> str:
    """The spec as canonical JSON (sorted keys, no NaN): what the page embeds and the snapshots compare."""
    return json.dumps(without_nan(spec), sort_keys=True, indent=1, ensure_ascii=False, allow_nan=False)


def without_nan(value: object) -> object:
    """Replace NaN by None everywhere in a JSON-like value (NaN is not valid JSON)."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: without_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nan(v) for v in value]
    return value


def cell_html(value: object, kind: str | None, numeric: bool) -> str:
    """One escaped ``<td>`` of a data table; numbers are aligned right (class ``mw-number``)."""
    text = html.escape(readable.cell(value, kind))
    return f'<td class="mw-number">{text}</td>' if numeric else f"<td>{text}</td>"


def data_table_html(data: pd.DataFrame, name: str, titles: Mapping[str, str] | None = None,
                    kinds: Mapping[str, str] | None = None) -> str:
    """The chart's data as an HTML table in a collapsed block: the text alternative a screen reader can reach.

    Headers follow :func:`book.column_header`: ``titles`` (the chapter's words), else the data package's field
    titles, else the column name in words; cells are shown by :func:`readable.cell` in the column's ``kinds`` (e.g.
    "change"; guessed from the values by :func:`readable.column_kind` when not given), and sources (see
    :func:`book.is_source_column`) author-year. Every header and cell is escaped: data is text, never markup.
    """
    fields = package_fields()
    numeric = [c for c in data.columns if pd.api.types.is_numeric_dtype(data[c]) and not pd.api.types.is_bool_dtype(data[c])]
    kinds = {**{c: readable.column_kind(str(c), data[c].tolist()) for c in data.columns}, **(kinds or {})}
    # Cells are separated by new lines: the search index reads the page's text, and "Clickworker" next to
    # "72,000" without a space between them would be indexed as one word.
    head = "\n".join(f"<th>{html.escape(column_header(str(c), dict(titles or {}), fields))}</th>" for c in data.columns)
    labels = source_labels()  # a source is shown as the book cites it ("Le Ludec et al., 2019"), not as its key
    shown = data.apply(lambda values: values.map(lambda key: labels.get(key, key)) if is_source_column(values.name)
                       else values)
    kinds.update({c: "name" for c in data.columns if is_source_column(c)})  # "Le Ludec et al., 2019" is a name
    rows = "".join("<tr>\n" + "\n".join(cell_html(v, kinds.get(c), c in numeric) for c, v in zip(shown.columns, row))
                   + "\n</tr>\n" for row in shown.itertuples(index=False))
    table = f'<table class="mw-data-table">\n<thead><tr>\n{head}\n</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>'
    return (f'<details class="mw-data" id="data-{name}"><summary>{html.escape(words("Data table of this chart"))}</summary>\n'
            f"{table}\n</details>")


# Characters that could end or confuse a <script> element, or a JavaScript string, written as JSON escapes.
SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_for_script(value: object) -> str:
    """JSON safe to place inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` appears
    (so no ``</script>`` or ``<!--`` can come from data), nor U+2028/U+2029; ``JSON.parse`` reads it unchanged."""
    text = json.dumps(without_nan(value), sort_keys=True, allow_nan=False, ensure_ascii=False)
    return re.sub("[<>&\u2028\u2029]", lambda match: SCRIPT_ESCAPES[match.group()], text)


def safe_csv_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula (it begins with ``= + - @``, a tab or a carriage
    return) gets a leading apostrophe, as OWASP recommends; numbers, and text that is a plain number, are kept."""
    if not isinstance(value, str) or not value or value[0] not in "=+-@\t\r":
        return value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell passed through :func:`safe_csv_cell` (other columns untouched)."""
    text = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    return frame.assign(**{c: frame[c].map(safe_csv_cell) for c in text}) if text else frame


def chart_html(spec: dict, name: str, description: str, data: pd.DataFrame | None = None,
               titles: Mapping[str, str] | None = None, kinds: Mapping[str, str] | None = None) -> str:
    """HTML that the book's ``microwork-charts.js`` turns into an interactive chart.

    The chart is an image for assistive technology, labelled with ``description``; its data
    follow as a table. Every text is escaped for where it lands (attribute, JSON in a script, table cell).
    """
    payload = json_for_script(spec)
    described = f' aria-describedby="data-{name}"' if data is not None else ""
    return (
        f'<div class="mw-vega" id="chart-{name}" data-spec="spec-{name}" role="img" '
        f'aria-label="{html.escape(description)}" data-description="{html.escape(description)}"{described}></div>\n'
        f'<script type="application/json" id="spec-{name}">{payload}</script>'
        + (f"\n{data_table_html(data, name, titles, kinds)}" if data is not None else "")
    )


def table_link(attrs: Mapping[str, str]) -> str:
    """A data table's file name as a link to its section of the data catalogue (where it is described and
    downloaded); a table with no such name, or a file name with other characters, is its file name alone."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", attrs.get("table", "")) or not re.fullmatch(r"data/[\w.-]+", attrs["path"]):
        return code_span(attrs["path"])
    return f"{{ref}}`{attrs['path']} <{table_label(attrs['table'])}>`"


def provenance(
    data: pd.DataFrame | list[pd.DataFrame], sources: Mapping[str, str], parameters: Mapping[str, object] | None = None
) -> str:
    """One line saying where a figure comes from: data files and hashes, sources and locators, parameters."""
    tables = data if isinstance(data, list) else [data]
    files = " · ".join(f"{table_link(t.attrs)} (SHA-256 {code_span(t.attrs['sha256'][:12])})"
                       for t in tables if "path" in t.attrs)
    cited = "; ".join(f"{cite(key)}, {escape_markdown(words(locator))}" for key, locator in sources.items())
    line = (f"**{words('Provenance.')}** {words('Data:')} {files or words('computed in this chapter')}. "
            f"{words('Sources:')} {cited}.")
    if parameters:
        line += f" {words('Parameters:')} " + ", ".join(code_span(f"{k} = {v}") for k, v in parameters.items()) + "."
    return line


def show_figure(
    chart: alt.TopLevelMixin,
    name: str,
    data: pd.DataFrame,
    description: str,
    sources: Mapping[str, str],
    inputs: pd.DataFrame | list[pd.DataFrame] | None = None,
    parameters: Mapping[str, object] | None = None,
    titles: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
) -> None:
    """Display a chart for the book, with its text alternative, downloads and provenance.

    ``data`` is what the chart plots (exported as CSV); ``inputs`` are the data
    package tables it was computed from (named, with their hashes, in the provenance).
    ``titles`` and ``kinds`` name the columns of its data table for people and say how to show their values
    (see :func:`data_table_html`).
    """
    if id(chart) not in FRENCH_SPECS and language.making_french():
        raise ValueError(f"figure {name!r}: the chart has no French version; make it with one of the chart "
                         "functions of microwork.analysis.charts and pass it to show_figure unchanged")
    _, french_spec = FRENCH_SPECS.pop(id(chart), (None, None))
    english_spec = spec_of(chart)
    paths = export(english_spec, data, name)

    def chart_part() -> str:
        spec = english_spec if language.current() == language.SOURCE_LANGUAGE else french_spec
        return chart_html(spec, name, words(description), data, titles, kinds)

    def caption_part() -> str:
        labels = {"png": "PNG", "svg": "SVG", "csv": language.verbatim_words("data (CSV)"),
                  "vl.json": language.verbatim_words("Vega-Lite spec")}
        downloads = " · ".join(f"{{download}}`{labels[kind]} <{path.as_posix()}>`" for kind, path in paths.items())
        # A numbered figure (cross-references: {numref}`fig-NAME`). On screen it shows only its caption under the
        # interactive chart; in print and PDF its static SVG replaces the chart. The downloads (class mw-downloads)
        # are left out of print.
        return (f":::{{figure}} {paths['svg'].as_posix()}\n:name: fig-{name}\n:alt: {language.verbatim_words(one_line(description))}\n"
                f":figclass: mw-static-figure\n\n{escape_markdown(words(description))}\n:::\n\n"
                f":::{{container}} mw-downloads\n{words('Download:')} {downloads}\n:::\n\n"
                f"{provenance(inputs if inputs is not None else data, sources, parameters)}")

    book.show_both({"text/html": chart_part})
    book.show_markdown(caption_part)


@bilingual
def timeline(frame: pd.DataFrame, date: str, label: str, kind: str, title: str,
             kinds: Sequence[str] | None = None) -> alt.Chart:
    """Dated events on a time axis, one row each, coloured and shaped by kind (in the order of ``kinds``, see
    :func:`category_styles`). A year is written where it has room: Vega keeps each year that does not come within
    8 px of the last one kept (its "greedy" rule: on a phone's narrow axis every other year, where halving the labels
    until none touched would leave only the first and the last)."""
    frame, styles = category_styles(frame, kind, kind, kinds)
    frame, lines, most_lines = with_wrapped_labels(frame, label)
    base = alt.Chart(frame).encode(
        x=alt.X(f"{date}:T", title=None, axis=alt.Axis(format="%Y", labelAngle=0, labelFlush=True, labelOverlap="greedy",
                                                       tickCount={"interval": "year", "step": 1})),
        y=category_axis(lines, None),
        tooltip=[tip(f"{date}:T", format="%d %B %Y"), tip(f"{label}:N"), tip(f"{kind}:N")],
    )
    points = base.mark_point(size=120, filled=True).encode(**styles)
    return for_the_page(points.properties(title=title_text(title)), most_lines)


def powers_of_ten(values: pd.Series) -> list[float]:
    """The powers of ten from just below the smallest to just above the largest of ``values`` (log-axis ticks)."""
    positive = values[values > 0]
    low, high = math.floor(math.log10(positive.min())), math.ceil(math.log10(positive.max()))
    return [10.0 ** k for k in range(low, high + 1)]


def count_labels(ticks: list[float]) -> str:
    """A Vega expression that writes each tick of a logarithmic axis of counts in the language being written
    (:func:`microwork.analysis.language.count_in_words`: "1,000", "10 million"; "1 000", "10 millions",
    "1 milliard"), each label a JSON string literal; any other value as the language writes the number."""
    labels = [f"datum.value === {tick:.0f} ? {json.dumps(language.count_in_words(tick))} : " for tick in ticks]
    return "".join(labels) + "format(datum.value, ',')"  # the chart's number locale is the language's


@bilingual
def dots_on_log_scale(frame: pd.DataFrame, category: str, value: str, kind: str, title: str, value_title: str,
                      kinds: Sequence[str] | None = None) -> alt.Chart:
    """One dot per row on a logarithmic axis (for counts of very different sizes), coloured and shaped by kind (in
    the order of ``kinds``, see :func:`category_styles`).

    The axis is marked at powers of ten, written out (1,000 · 100,000 · 1 million), never as 1k or 1G. Long labels
    are written above their dots (see :func:`labels_go_above`), with the axis above and below the chart.
    """
    above = labels_go_above(frame, category)
    frame, styles = category_styles(frame, kind, kind, kinds)
    frame, lines, most_lines = with_wrapped_labels(frame, category, ABOVE_LINE if above else LABEL_LINE)
    ticks = powers_of_ten(frame[value])
    x = alt.X(f"{value}:Q", title=title_text(value_title), scale=alt.Scale(type="log", domain=[ticks[0], ticks[-1]]),
              axis=alt.Axis(values=ticks, labelExpr=count_labels(ticks), labelOverlap="greedy", labelFlush=True))
    y = rows_axis(lines, None) if above else category_axis(lines, None)
    base = alt.Chart(frame).encode(
        y=y, x=x, tooltip=[tip(f"{category}:N"), tip(f"{value}:Q", format=",.0f"), tip(f"{kind}:N")])
    dots = base.mark_point(size=110, filled=True, **({"yOffset": under_label(lines)} if above else {})).encode(**styles)
    layers = [dots] + ([labelled_rows(base, lines, None), axis_on_top(base, x, y)] if above else [])
    return for_the_page(alt.layer(*layers).properties(title=title_text(title)), most_lines, above)


@bilingual
def bars_by_month(frame: pd.DataFrame, month: str, value: str, title: str, value_title: str) -> alt.Chart:
    """Vertical bars, one per month of ``month`` (ISO "2019-02"), with value labels. Months are written as a reader
    writes them, with the chart's date locale ("Feb", « févr. »; see :data:`MONTH_LABEL`), the year under the first
    month and each January."""
    base = alt.Chart(frame).encode(
        x=alt.X(f"utcyearmonth({month}):O", title=None, axis=alt.Axis(labelAngle=0, labelExpr=MONTH_LABEL)),
        y=alt.Y(f"{value}:Q", title=title_text(value_title), scale=alt.Scale(**room_for_labels(frame[value], 0.15))),
        tooltip=[alt.Tooltip(f"utcyearmonth({month}):T", format="%B %Y", title=column_header(month)),
                 tip(f"{value}:Q")],
    )
    bars = base.mark_bar(color=PALETTE[0])
    labels = base.mark_text(dy=-8).encode(text=alt.Text(f"{value}:Q"))
    return for_the_page((bars + labels).properties(title=title_text(title), height=240))


@bilingual
def interval_chart(frame: pd.DataFrame, category: str, low: str, middle: str, high: str, marker: str,
                   title: str, value_title: str) -> alt.Chart:
    """A range bar from ``low`` to ``high`` with a tick at ``middle`` and a diamond at ``marker``, one row each."""
    frame, lines, most_lines = with_wrapped_labels(frame, category)
    base = alt.Chart(frame).encode(y=category_axis(lines, None))
    axis = alt.Axis(format=",.0f", labelOverlap="greedy", labelFlush=True)
    bars = base.mark_bar(color=LIGHT, height=14).encode(
        x=alt.X(f"{low}:Q", title=title_text(value_title), axis=axis), x2=f"{high}:Q",
        tooltip=[tip(f"{category}:N")] + [tip(f"{c}:Q", format=",.0f") for c in (low, middle, high, marker)])
    ticks = base.mark_tick(color=PALETTE[0], thickness=3, size=18).encode(x=f"{middle}:Q")
    published = base.mark_point(shape="diamond", size=120, filled=True, color=PALETTE[1]).encode(x=f"{marker}:Q")
    return for_the_page((bars + ticks + published).properties(title=title_text(title)), max(most_lines, 2))


@bilingual
def tornado(frame: pd.DataFrame, category: str, low: str, high: str, title: str, value_title: str) -> alt.Chart:
    """Tornado chart: one bar per input from the result at its low value to the result at its high value."""
    frame, lines, most_lines = with_wrapped_labels(frame, category)
    base = alt.Chart(frame).encode(y=category_axis(lines, None))
    bars = base.mark_bar(color=PALETTE[0]).encode(
        x=alt.X(f"{low}:Q", title=title_text(value_title), axis=alt.Axis(format=",.0f", labelOverlap="greedy", labelFlush=True)),
        x2=f"{high}:Q",
        tooltip=[tip(f"{category}:N"), tip(f"{low}:Q", format=",.0f"),
                 tip(f"{high}:Q", format=",.0f")])
    return for_the_page(bars.properties(title=title_text(title)), most_lines)


@bilingual
def line_chart(frame: pd.DataFrame, x: str, y: str, title: str, x_title: str, y_title: str) -> alt.Chart:
    """A line with points, for a quantity that changes with a parameter."""
    return for_the_page(alt.Chart(frame).mark_line(point=True, color=PALETTE[0]).encode(
        x=alt.X(f"{x}:Q", title=title_text(x_title)), y=alt.Y(f"{y}:Q", title=title_text(y_title)),
        tooltip=[tip(f"{x}:Q"), tip(f"{y}:Q", format=".1f")],
    ).properties(title=title_text(title), height=260))

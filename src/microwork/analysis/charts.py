"""Charts: one Altair theme, the book's chart functions, and figure export.

Charts are shown with :func:`show_figure`, which writes PNG, SVG and CSV files
next to the chapter and emits HTML that the book's own copy of Vega draws
(no network). The provenance line under each figure names the data file and its
hash, the sources with their locators, and the parameters of the run.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert as vlc
from IPython.display import HTML, Markdown, display

from .book import cite, code_span, escape_markdown, one_line
from .paths import project_root

# Categorical colours: the first three differ in lightness (they stay distinct in grayscale) and each has at
# least 3:1 contrast with the white page. Charts with more than three categories also encode them by shape.
PALETTE = ["#0b2545", "#d95f02", "#7b3294", "#8c8c8c"]
LIGHT = "#5b8db8"  # bars that are not highlighted (4:1 against the dark highlight, 3.5:1 against white)
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
    """The book's chart theme as a Vega-Lite config."""
    return {
        "config": {
            "font": "sans-serif",
            "view": {"stroke": None, "continuousWidth": 560, "continuousHeight": 300},
            "range": {"category": PALETTE},
            "mark": {"color": PALETTE[0]},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "grid": False, "labelLimit": 360},
            "title": {"fontSize": 14, "anchor": "start"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12},
        }
    }


alt.theme.register("microwork", enable=True)(theme)


def horizontal_bars(
    frame: pd.DataFrame, category: str, value: str, title: str, value_title: str,
    highlight: str | None = None, sort_by_value: bool = True,
) -> alt.Chart:
    """Horizontal bars with value labels, one bar per row of ``frame``.

    ``highlight`` names a boolean column: its True rows are drawn in the accent colour.
    """
    order = frame.sort_values(value, ascending=False)[category] if sort_by_value else frame[category]
    sort = list(dict.fromkeys(order))
    colour = (
        alt.Color(f"{highlight}:N", scale=alt.Scale(domain=[False, True], range=[LIGHT, PALETTE[0]]), legend=None)
        if highlight else alt.value(PALETTE[0])
    )
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{category}:N", sort=sort, title=None),
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=",.0f")),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{value}:Q", format=",.0f")],
    )
    bars = base.mark_bar().encode(color=colour)
    labels = base.mark_text(align="left", dx=4, color="#222").encode(text=alt.Text(f"{value}:Q", format=",.0f"))
    return (bars + labels).properties(title=title, width=520)


def spec_of(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite specification, with its data inline."""
    return chart.to_dict()


def export(chart: alt.TopLevelMixin, data: pd.DataFrame, name: str, folder: Path | None = None) -> dict[str, Path]:
    """Write ``name``.png, .svg, .csv (the figure's data) and .vl.json (its Vega-Lite spec) into ``folder``
    (by default :func:`figure_dir`)."""
    folder = figure_dir() if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    spec = spec_of(chart)
    paths = {kind: folder / f"{name}.{kind}" for kind in ("png", "svg", "csv", "vl.json")}
    svg = vlc.vegalite_to_svg(spec)  # render once; the PNG is rasterised from the SVG (much cheaper than re-rendering)
    paths["svg"].write_text(svg, encoding="utf-8")
    paths["png"].write_bytes(vlc.svg_to_png(svg, scale=2))
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


def data_table_html(data: pd.DataFrame, name: str) -> str:
    """The chart's data as an HTML table in a collapsed block: the text alternative a screen reader can reach."""
    table = data.to_html(index=False, border=0, classes="mw-data-table", na_rep="", float_format=lambda v: f"{v:,.6g}")
    return (f'<details class="mw-data" id="data-{name}"><summary>Data table of this chart</summary>\n'
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


def chart_html(spec: dict, name: str, description: str, data: pd.DataFrame | None = None) -> str:
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
        + (f"\n{data_table_html(data, name)}" if data is not None else "")
    )


def provenance(
    data: pd.DataFrame | list[pd.DataFrame], sources: Mapping[str, str], parameters: Mapping[str, object] | None = None
) -> str:
    """One line saying where a figure comes from: data files and hashes, sources and locators, parameters."""
    tables = data if isinstance(data, list) else [data]
    files = " · ".join(f"{code_span(t.attrs['path'])} (SHA-256 {code_span(t.attrs['sha256'][:12])})"
                       for t in tables if "path" in t.attrs)
    cited = "; ".join(f"{cite(key)}, {escape_markdown(locator)}" for key, locator in sources.items())
    line = f"**Provenance.** Data: {files or 'computed in this chapter'}. Sources: {cited}."
    if parameters:
        line += " Parameters: " + ", ".join(code_span(f"{k} = {v}") for k, v in parameters.items()) + "."
    return line


def show_figure(
    chart: alt.TopLevelMixin,
    name: str,
    data: pd.DataFrame,
    description: str,
    sources: Mapping[str, str],
    inputs: pd.DataFrame | list[pd.DataFrame] | None = None,
    parameters: Mapping[str, object] | None = None,
) -> None:
    """Display a chart for the book, with its text alternative, downloads and provenance.

    ``data`` is what the chart plots (exported as CSV); ``inputs`` are the data
    package tables it was computed from (named, with their hashes, in the provenance).
    """
    paths = export(chart, data, name)
    display(HTML(chart_html(spec_of(chart), name, description, data)))
    labels = {"png": "PNG", "svg": "SVG", "csv": "data (CSV)", "vl.json": "Vega-Lite spec"}
    downloads = " · ".join(f"{{download}}`{labels[kind]} <{path.as_posix()}>`" for kind, path in paths.items())
    # A numbered figure (cross-references: {numref}`fig-NAME`). On screen it shows only its caption under the
    # interactive chart; in print and PDF its static SVG replaces the chart.
    display(Markdown(
        f":::{{figure}} {paths['svg'].as_posix()}\n:name: fig-{name}\n:alt: {one_line(description)}\n"
        f":figclass: mw-static-figure\n\n{escape_markdown(description)}\n:::\n\n"
        f"Download: {downloads}\n\n"
        f"{provenance(inputs if inputs is not None else data, sources, parameters)}"
    ))


def timeline(frame: pd.DataFrame, date: str, label: str, kind: str, title: str) -> alt.Chart:
    """Dated events on a time axis, one row each, coloured (and shaped) by kind."""
    base = alt.Chart(frame).encode(
        x=alt.X(f"{date}:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8)),
        y=alt.Y(f"{label}:N", sort=None, title=None),
        tooltip=[alt.Tooltip(f"{date}:T", format="%d %B %Y"), alt.Tooltip(f"{label}:N"), alt.Tooltip(f"{kind}:N")],
    )
    points = base.mark_point(size=120, filled=True).encode(
        color=alt.Color(f"{kind}:N", title=kind.replace("_", " ")), shape=alt.Shape(f"{kind}:N", title=kind.replace("_", " ")))
    return points.properties(title=title, width=420)


def dots_on_log_scale(frame: pd.DataFrame, category: str, value: str, kind: str, title: str, value_title: str) -> alt.Chart:
    """One dot per row on a logarithmic axis (for counts of very different sizes), coloured and shaped by kind."""
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{category}:N", sort=None, title=None),
        x=alt.X(f"{value}:Q", title=value_title, scale=alt.Scale(type="log"), axis=alt.Axis(format="~s")),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{value}:Q", format=",.0f"), alt.Tooltip(f"{kind}:N")],
    )
    dots = base.mark_point(size=110, filled=True).encode(
        color=alt.Color(f"{kind}:N", title=kind.replace("_", " ")), shape=alt.Shape(f"{kind}:N", title=kind.replace("_", " ")))
    labels = base.mark_text(align="left", dx=8, color="#222").encode(text=alt.Text(f"{value}:Q", format=",.0f"))
    return (dots + labels).properties(title=title, width=420)


def vertical_bars(frame: pd.DataFrame, category: str, value: str, title: str, value_title: str) -> alt.Chart:
    """Vertical bars in the order of ``frame`` (e.g. months), with value labels."""
    base = alt.Chart(frame).encode(
        x=alt.X(f"{category}:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{value}:Q", title=value_title),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{value}:Q")],
    )
    bars = base.mark_bar(color=PALETTE[0])
    labels = base.mark_text(dy=-6, color="#222").encode(text=alt.Text(f"{value}:Q"))
    return (bars + labels).properties(title=title, width=520)


def interval_chart(frame: pd.DataFrame, category: str, low: str, middle: str, high: str, marker: str,
                   title: str, value_title: str) -> alt.Chart:
    """A range bar from ``low`` to ``high`` with a tick at ``middle`` and a diamond at ``marker``, one row each."""
    base = alt.Chart(frame).encode(y=alt.Y(f"{category}:N", sort=None, title=None))
    axis = alt.Axis(format=",.0f")
    bars = base.mark_bar(color=LIGHT, height=14).encode(
        x=alt.X(f"{low}:Q", title=value_title, axis=axis), x2=f"{high}:Q",
        tooltip=[alt.Tooltip(f"{c}:Q", format=",.0f") for c in (low, middle, high, marker)])
    ticks = base.mark_tick(color=PALETTE[0], thickness=3, size=18).encode(x=f"{middle}:Q")
    published = base.mark_point(shape="diamond", size=120, filled=True, color=PALETTE[1]).encode(x=f"{marker}:Q")
    return (bars + ticks + published).properties(title=title, width=520)


def tornado(frame: pd.DataFrame, category: str, low: str, high: str, title: str, value_title: str) -> alt.Chart:
    """Tornado chart: one bar per input from the result at its low value to the result at its high value."""
    base = alt.Chart(frame).encode(y=alt.Y(f"{category}:N", sort=None, title=None))
    bars = base.mark_bar(color=PALETTE[0]).encode(
        x=alt.X(f"{low}:Q", title=value_title, axis=alt.Axis(format=",.0f")), x2=f"{high}:Q",
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{low}:Q", format=",.0f"),
                 alt.Tooltip(f"{high}:Q", format=",.0f")])
    return bars.properties(title=title, width=520)


def line_chart(frame: pd.DataFrame, x: str, y: str, title: str, x_title: str, y_title: str) -> alt.Chart:
    """A line with points, for a quantity that changes with a parameter."""
    return alt.Chart(frame).mark_line(point=True, color=PALETTE[0]).encode(
        x=alt.X(f"{x}:Q", title=x_title), y=alt.Y(f"{y}:Q", title=y_title),
        tooltip=[alt.Tooltip(f"{x}:Q"), alt.Tooltip(f"{y}:Q", format=".1f")],
    ).properties(title=title, width=520)

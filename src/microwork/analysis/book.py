"""Helpers for chapter notebooks: glue numbers for the prose, show tables.

Every string that comes from ``data/``, ``datapackage.json`` or parameters is text, never markup: the
helpers here escape it for the Markdown it lands in (:func:`escape_markdown`, :func:`code_span`,
:func:`cite`), so that no role, directive, link, HTML tag or table break can come from data.
"""

from __future__ import annotations

import re
from numbers import Integral, Real

import pandas as pd
from IPython.display import Markdown, display


def plain(value: object) -> object:
    """Turn numpy/pandas scalars into plain Python numbers so that glued text formats cleanly."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    return value


def glue(name: str, value: object) -> object:
    """Glue a value for the prose (``{glue:text}`name:,.0f```), without displaying it here."""
    from myst_nb import glue as myst_glue

    value = plain(value)
    myst_glue(name, value, display=False)
    return value


def glue_all(values: dict[str, object], prefix: str = "") -> None:
    """Glue several values at once, each under ``prefix + name``."""
    for name, value in values.items():
        glue(prefix + name, value)


def quoted_figures(published: pd.DataFrame, quotes: pd.DataFrame, chapter: str) -> dict[str, float]:
    """The values of the published figures ``chapter`` quotes in its text (the ``quoted_figures`` table), by
    figure id: what the chapter glues for its prose."""
    value = published.set_index("figure_id")["value"]
    return {figure_id: value[figure_id] for figure_id in quotes.loc[quotes["chapter"] == chapter, "figure_id"]}


def show_table(frame: pd.DataFrame, formats: dict[str, str] | None = None, caption: str | None = None,
               code: tuple[str, ...] = ()) -> None:
    """Display a table as Markdown, numbers formatted for readers, every cell shown as text.

    Columns named in ``code`` are shown as inline code (field names, patterns), still as text.
    """
    shown = frame.copy()
    for column, fmt in (formats or {}).items():
        shown[column] = shown[column].map(lambda v, f=fmt: "" if pd.isna(v) else format(v, f))
    display(Markdown((f"**{escape_markdown(caption)}**\n\n" if caption else "") + markdown_table(shown, code)))


def is_missing(value: object) -> bool:
    """True for None and NaN / NA (an empty cell)."""
    return value is None or (not isinstance(value, (str, bytes)) and bool(pd.isna(value)))


def markdown_table(frame: pd.DataFrame, code: tuple[str, ...] = ()) -> str:
    """A pipe table of ``frame``'s cells as text (no index): headers and cells escaped, ``code`` columns as code."""
    def cell(value: object, as_code: bool) -> str:
        if is_missing(value):
            return ""
        return code_span(value).replace("|", "\\|") if as_code else escape_markdown(value)

    header = "| " + " | ".join(escape_markdown(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    flags = [c in code for c in frame.columns]
    rows = ["| " + " | ".join(cell(v, f) for v, f in zip(row, flags)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def show_provenance(data: pd.DataFrame | list[pd.DataFrame], sources: dict[str, str]) -> None:
    """Display the provenance line of a table (data files with hashes, sources with locators)."""
    from .charts import provenance

    display(Markdown(provenance(data, sources)))


PUNCTUATION = r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"""
BIBTEX_KEY = re.compile(r"[A-Za-z0-9_:.+-]+")


def one_line(value: object) -> str:
    """Text on one line: every run of white space (newlines, tabs, U+2028 ...) becomes one space."""
    return " ".join(str(value).split())


def escape_markdown(value: object) -> str:
    """Text from ``data/`` made safe to place in Markdown: every ASCII punctuation mark is backslash-escaped
    (CommonMark allows it for all of them), so no role, directive, link or HTML tag can come from data; the text
    is kept on one line, so it cannot end a table or start a block."""
    return "".join(f"\\{ch}" if ch in PUNCTUATION else ch for ch in one_line(value))


def code_span(value: object) -> str:
    """Text as a Markdown inline code span, whatever backticks it holds (the fence is one backtick longer than
    the longest run of backticks inside, as CommonMark allows)."""
    text = one_line(value)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def cite(key: object) -> str:
    """A ``{cite:t}`` citation of a bibliography key, or the key as plain text if it is not shaped like one."""
    text = str(key)
    return f"{{cite:t}}`{text}`" if BIBTEX_KEY.fullmatch(text) else escape_markdown(text)


def show_records(frame: pd.DataFrame, title: str, fields: dict[str, str], caption: str | None = None) -> None:
    """Display each row as a short block that reads well on a phone: a bold title, then one labelled line per field.

    ``title`` is a format string over the row's columns, e.g. ``"Step {step} ({tier})"``; ``fields`` maps
    a label to a column. Every value is escaped: data is shown as text, never as markup.
    """
    blocks = [f"**{escape_markdown(caption)}**"] if caption else []
    for row in frame.to_dict("records"):
        heading = escape_markdown(title.format(**row))
        lines = [f"**{heading}**"] + [f"- *{escape_markdown(label)}*: {escape_markdown(row[column])}"
                                      for label, column in fields.items()]
        blocks.append("\n".join(lines))
    display(Markdown("\n\n".join(blocks)))

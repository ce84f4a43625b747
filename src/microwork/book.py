"""Helpers for chapter notebooks: glue numbers for the prose, show tables."""

from __future__ import annotations

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


def show_table(frame: pd.DataFrame, formats: dict[str, str] | None = None, caption: str | None = None) -> None:
    """Display a table as Markdown, numbers formatted for readers."""
    shown = frame.copy()
    for column, fmt in (formats or {}).items():
        shown[column] = shown[column].map(lambda v, f=fmt: "" if pd.isna(v) else format(v, f))
    display(Markdown((f"**{caption}**\n\n" if caption else "") + markdown_table(shown)))


def markdown_table(frame: pd.DataFrame) -> str:
    """A pipe table of ``frame``'s cells as text (no index)."""
    def cell(value: object) -> str:
        return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).replace("|", "\\|")

    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def show_provenance(data: pd.DataFrame | list[pd.DataFrame], sources: dict[str, str]) -> None:
    """Display the provenance line of a table (data files with hashes, sources with locators)."""
    from .charts import provenance

    display(Markdown(provenance(data, sources)))


def escape_markdown(value: object) -> str:
    """Text from ``data/`` made safe to place in Markdown: every ASCII punctuation mark is backslash-escaped
    (CommonMark allows it for all of them), so no role, directive, link or HTML tag can come from data."""
    text = " ".join(str(value).split())
    return "".join(f"\\{ch}" if ch in r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~""" else ch for ch in text)


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

"""Helpers for chapter notebooks: glue numbers for the prose, show tables.

Every string that comes from ``data/``, ``datapackage.json`` or parameters is text, never markup: the
helpers here escape it for the Markdown it lands in (:func:`escape_markdown`, :func:`code_span`,
:func:`cite`), so that no role, directive, link, HTML tag or table break can come from data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from numbers import Integral, Real
from string import Formatter
from typing import Any

import pandas as pd
from IPython.core.formatters import format_display_data
from IPython.display import display
from myst_nb.ext.glue import GLUE_PREFIX

from . import language, readable
from .language import words


def plain(value: object) -> object:
    """Turn numpy/pandas scalars into plain Python numbers so that glued text formats cleanly."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    return value


def glue(name: str, value: object) -> None:
    """Glue a value for the prose (``{glue:text}`name:,.0f```), without displaying it here (it returns nothing, so
    that a cell ending with it shows no value either).

    A text is glued with its French mark too (see :mod:`microwork.analysis.language`); a number is written the
    French way by the French edition's render, from its format spec in the prose.
    """
    value = plain(value)
    french = None
    if isinstance(value, str) and language.has_letters(value) and language.making_french():
        with language.french_pass():
            french = words(value)
    display_glued(name, value, french)


def glue_count(name: str, count: int, one: str, other: str) -> None:
    """Glue a count with the words that agree with it (``{glue:text}`name```): ``one`` or ``other``, English
    texts with a ``{n}`` field, chosen in each edition by its own plural rule (see
    :func:`microwork.analysis.language.counted`): "1 article" and "0 articles"; « 0 article », « 2 articles ».
    Returns nothing, as :func:`glue`."""
    english = language.counted(plain(count), one, other)
    french = None
    if language.making_french():
        with language.french_pass():
            french = language.counted(plain(count), one, other)
    display_glued(name, english, french)


def display_glued(name: str, value: object, french: str | None) -> None:
    """Display ``value`` as myst-nb's glue does, under ``name``, with its French mark (if any) in the metadata."""
    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    if french is not None:
        metadata["microwork"] = {"fr": french}
    display({GLUE_PREFIX + mime: content for mime, content in bundle.items()}, raw=True, metadata=metadata)


def show_markdown(make: Callable[[], str]) -> None:
    """Display the Markdown ``make()`` writes, and keep what it writes in a French pass for the French edition
    (its numbers in French, its texts marked for translation)."""
    show_both({"text/markdown": make})


def show_both(makers: dict[str, Callable[[], str]]) -> None:
    """Display one output (mime type: the function writing it), made once in English and once in a French pass;
    the French version goes into the output's metadata, where the French edition's render takes it."""
    english = {mime: make() for mime, make in makers.items()}
    if not language.making_french():
        display(english, raw=True)
        return
    with language.french_pass():
        french = {mime: make() for mime, make in makers.items()}
    display(english, raw=True, metadata={"microwork": {"fr": french}})


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
               code: tuple[str, ...] = (), headers: dict[str, str] | None = None, notes: tuple[str, ...] = ()) -> None:
    """Display a table as Markdown for readers (see :func:`markdown_table`), under an optional bold caption, in a
    container of class ``mw-table`` (the stylesheet's rules for these tables: the cells' labels, narrow screens)."""
    show_markdown(lambda: (f"**{escape_markdown(words(caption))}**\n\n" if caption else "")
                  + f"````{{container}} {TABLE_CLASS}\n{markdown_table(frame, code, formats, headers, notes)}\n````")


TABLE_CLASS = "mw-table"


def package_fields() -> dict[str, dict]:
    """Every field of the data package by name (the first table that has it wins): its ``title`` is the header
    a table shows for a column of that name (fields of the same name have the same title, a test checks)."""
    from .data import read_descriptor

    fields: dict[str, dict] = {}
    for resource in read_descriptor()["resources"]:
        for field in resource["schema"]["fields"]:
            fields.setdefault(field["name"], field)
    return fields


def sentence_case(text: str) -> str:
    """Text with its first letter in capitals, the rest as written ("where in the source" -> "Where in the source")."""
    return text[:1].upper() + text[1:]


def column_header(column: str, headers: dict[str, str] | None = None, fields: dict[str, dict] | None = None) -> str:
    """The header a reader sees for ``column``: the one the chapter or the analysis gives (``headers``), else the
    ``title`` of the data package's field of that name, else the name with spaces for underscores; capitalised."""
    title = (headers or {}).get(column) or (fields or {}).get(column, {}).get("title") or column.replace("_", " ")
    return words(sentence_case(str(title)))


def is_source_column(column: object) -> bool:
    """True for a column of bibliography keys: ``source`` or a name ending in ``_source`` (the data package's naming
    rule for its ``x-bibtex-key`` fields, which a test checks; computed tables follow it too)."""
    return str(column) == "source" or str(column).endswith("_source")


def locator_column(source: str) -> str:
    """The column that says where in a source a figure is printed: ``locator`` for ``source``, ``senate_locator``
    for ``senate_source`` (the data package's naming rule)."""
    return source[: -len("source")] + "locator"


def citation(key: object, locator: object = None) -> str:
    """A source cell: the key as a ``{cite:t}`` citation (see :func:`cite`), then the locator as text."""
    if readable.is_missing(key) or not str(key).strip():
        return ""
    where = "" if readable.is_missing(locator) or not str(locator).strip() else ", " + escape_markdown(words(locator))
    return cite(str(key).strip()) + where


def numbered_notes(texts: list[str]) -> tuple[list[str], list[str]]:
    """Number the distinct non-empty texts in order of appearance: each row's number ("" for none), and the notes."""
    order: dict[str, int] = {}
    numbers = [str(order.setdefault(t, len(order) + 1)) if t else "" for t in texts]
    return numbers, list(order)


def labelled(header: str, text: str) -> str:
    """A cell's Markdown with its column's header in front, as emphasis: in the container :func:`show_table` puts
    around the table, the stylesheet hides it where the table is a grid and shows it where a narrow screen stacks
    each row as a card (data never makes emphasis: it is escaped)."""
    return f"*{escape_markdown(header)}:* {text}" if text else ""


def markdown_table(frame: pd.DataFrame, code: tuple[str, ...] = (), formats: dict[str, str] | None = None,
                   headers: dict[str, str] | None = None, notes: tuple[str, ...] = ()) -> str:
    """A pipe table of ``frame`` for readers (no index), every cell shown as text, never as markup.

    - Headers: see :func:`column_header` (``headers`` for computed columns, else the data package's titles).
    - Values: by :func:`microwork.analysis.readable.cell`, with the kind or format spec ``formats`` gives a
      column, else the kind :func:`~microwork.analysis.readable.column_kind` reads from its values
      (yes/no, thousands separators, four significant digits).
    - A column of bibliography keys (see :func:`is_source_column`) is shown as citations, with the
      column's locator (see :func:`locator_column`) after each, as text; ``code`` columns as inline code.
    - ``notes`` columns (long text such as a reason) leave the grid: each row gets the number of its note in a
      column "Note", and the notes follow the table as a numbered list (rows with the same text share a note; a
      note of several columns names each, "Parameter: ...; Why this status: ...").
    - Each cell starts with its header (see :func:`labelled`), for narrow screens.
    """
    fields = package_fields()
    formats = formats or {}
    cited = [c for c in frame.columns if is_source_column(c)]
    merged = {locator_column(c) for c in cited if locator_column(c) in frame.columns}
    grid = [c for c in frame.columns if c not in merged and c not in notes]

    def shown(column: str) -> list[str]:
        values = list(frame[column])
        if column in cited:
            where = list(frame[locator_column(column)]) if locator_column(column) in merged else [None] * len(values)
            return [citation(k, w) for k, w in zip(values, where)]
        if column in code:
            return ["" if readable.is_missing(v) else code_span(v).replace("|", "\\|") for v in values]
        kind = formats.get(column) or readable.column_kind(str(column), values)
        return [escape_markdown(readable.cell(v, kind)) for v in values]

    cells = {column: shown(column) for column in grid}
    names = [column_header(c, headers, fields) for c in grid]
    note_list: list[str] = []
    if notes:
        def note(row: dict) -> str:
            parts = [(column_header(c, headers, fields), readable.cell(row[c], "text")) for c in notes]
            parts = [(label, text) for label, text in parts if text]
            return parts[0][1] if len(parts) == 1 else "; ".join(f"{label}: {text}" for label, text in parts)

        cells["Note"], note_list = numbered_notes([note(row) for row in frame.to_dict("records")])
        names.append(words("Note"))
    header = "| " + " | ".join(escape_markdown(n) for n in names) + " |"
    rule = "|" + "|".join("---" for _ in names) + "|"
    rows = ["| " + " | ".join(labelled(n, text) for n, text in zip(names, row)) + " |" for row in zip(*cells.values())]
    table = "\n".join([header, rule, *rows])
    if not note_list:
        return table
    return table + "\n\n" + "\n".join(f"{i}. {escape_markdown(text)}" for i, text in enumerate(note_list, 1))


def show_provenance(data: pd.DataFrame | list[pd.DataFrame], sources: dict[str, str]) -> None:
    """Display the provenance line of a table (data files with hashes, sources with locators)."""
    from .charts import provenance

    show_markdown(lambda: provenance(data, sources))


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


def record_value(row: dict[str, Any], column: str) -> str:
    """One field of a record, as Markdown: a source (``source``, ``..._source``) as its citation followed by its
    locator (:func:`citation`), any other value as text."""
    if is_source_column(column):
        return citation(row[column], row.get(locator_column(column)))
    return escape_markdown(words(row[column]))


def show_records(frame: pd.DataFrame, title: str, fields: dict[str, str], caption: str | None = None) -> None:
    """Display each row as a short block that reads well on a phone: a bold title, then one labelled line per field.

    ``title`` is a format string over the row's columns, e.g. ``"Step {step} ({tier})"``; ``fields`` maps
    a label to a column. Every value is escaped: data is shown as text, never as markup; a source column is its
    citation (:func:`record_value`).
    """
    def written() -> str:
        blocks = [f"**{escape_markdown(words(caption))}**"] if caption else []
        for row in frame.to_dict("records"):
            shown = {name for _, name, _, _ in Formatter().parse(title) if name}  # only what the title shows
            heading = escape_markdown(language.template(title, **{k: words(v) for k, v in row.items() if k in shown}))
            lines = [f"**{heading}**"] + [f"- *{escape_markdown(words(label))}*: {record_value(row, column)}"
                                          for label, column in fields.items()]
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)

    show_markdown(written)

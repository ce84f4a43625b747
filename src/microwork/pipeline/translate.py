"""The French edition: gettext catalogs for every page, and the localised copy of the book the render reads.

Catalogs (``locales/fr/LC_MESSAGES/``, opened by Poedit, Weblate or any gettext tool; read and written with Babel):

- ``chapters/<page>.po``: the prose of one page, Markdown page or notebook Markdown cells alike, exercises and
  solutions included. Each *unit* is a paragraph, a heading, a list item, a table row, a quote or a
  directive's title (:func:`segments`); its ``msgid`` is the English as written, without the Markdown around it.
- ``book.po``: what code, data and configuration show: chart titles and axes, table headers, text from ``data/``,
  statuses, the book's title. Chapters mark it while they execute (:mod:`microwork.analysis.language`); the
  render replaces each mark by its translation here.

An entry whose English changed turns fuzzy when the catalogs are updated (:func:`update_catalogs`, Babel's
merge); a fuzzy or missing translation is shown in English and counted (:func:`coverage`): the build prints the
counts per page and the tests fail unless they are all 0.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from ..analysis import language as lang

TRANSLATED = ("fr",)
LOCALES = "locales"
BOOK_CATALOG = "book"
DOMAIN_FOLDER = "LC_MESSAGES"
# Directives whose argument is a title for readers (the others' arguments are labels, classes or paths).
TITLED_DIRECTIVES = {"admonition", "exercise", "topic", "sidebar", "dropdown", "note", "tip", "warning"}

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,}|:{3,})\s*(\{([\w:-]+)\})?\s*(.*)$")
OPTION = re.compile(r"^\s*:[\w-]+:")
STRUCTURE = re.compile(r"^\s*(\(.*\)=|%.*|\|[\s|:-]*\||\$\$.*|\{\{.*\}\}|<!--.*-->)\s*$")
HEADING = re.compile(r"^(#{1,6}\s+)(.*)$")
ITEM = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)(.*)$")
QUOTE = re.compile(r"^(\s*>\s?)(.*)$")
DEFINITION = re.compile(r"^(:\s+)(.*)$")
ROW = re.compile(r"^(\s*)(\|.*\|)\s*$")


@dataclass
class Unit:
    """One translatable piece of a page: its lines' Markdown prefixes, and its text (the ``msgid``)."""

    prefixes: list[str]
    lines: list[str]
    line_number: int
    continuation: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def written(self, translation: str) -> list[str]:
        """The unit's lines with ``translation`` in place of the English, each with its Markdown prefix."""
        out = translation.split("\n")
        return [(self.prefixes[i] if i < len(self.prefixes) else self.continuation) + line for i, line in enumerate(out)]


def segments(text: str) -> Iterator[str | Unit]:
    """A page's Markdown as kept lines (``str``) and translatable :class:`Unit` s, in order.

    Kept as they are: blank lines, fences and directive options, code blocks, targets, comments, table rules,
    maths blocks and substitutions. Translated: headings, paragraphs, list items, quotes, definitions, table rows
    (one unit each) and the titles of :data:`TITLED_DIRECTIVES`.
    """
    lines = text.split("\n")
    unit: Unit | None = None
    code_fence: str | None = None
    directives: list[str] = []  # the fences of the directives open around this line
    in_options = False
    for number, line in enumerate(lines, start=1):
        if code_fence is not None:  # inside a code block: everything is kept, up to its closing fence
            if line.strip() == code_fence:
                code_fence = None
            yield line
            continue
        fence = FENCE.match(line)
        starts = fence or not line.strip() or STRUCTURE.match(line) or (in_options and OPTION.match(line))
        if starts or HEADING.match(line) or ITEM.match(line) or ROW.match(line) or DEFINITION.match(line) \
                or (QUOTE.match(line) and not (unit and unit.continuation.strip().startswith(">"))):
            if unit:
                yield unit
                unit = None
        if fence:
            indent, marks, _, name, argument = fence.groups()
            in_options = bool(name)
            if name:
                directives.append(marks)
            elif directives and marks == directives[-1] and not argument:
                directives.pop()  # a directive's closing fence
            elif marks.startswith(("`", "~")):
                code_fence = marks  # a code block, kept as it is
            if name in TITLED_DIRECTIVES and lang.has_letters(argument):
                yield Unit([f"{indent}{marks}{{{name}}} "], [argument], number)
            else:
                yield line
            continue
        if not line.strip() or STRUCTURE.match(line) or (in_options and OPTION.match(line)):
            yield line
            continue
        in_options = False
        if unit is not None:  # a paragraph, item or quote goes on
            quote = QUOTE.match(line)
            if quote and unit.continuation.strip().startswith(">"):
                unit.prefixes.append(quote.group(1))
                unit.lines.append(quote.group(2))
            else:
                indent = line[: len(line) - len(line.lstrip())]
                unit.prefixes.append(indent)
                unit.lines.append(line[len(indent):])
            continue
        for pattern, follow in ((HEADING, None), (ROW, None), (ITEM, "indent"), (QUOTE, "quote"),
                                (DEFINITION, "indent")):
            match = pattern.match(line)
            if match:
                prefix, body = match.groups()
                if not lang.has_letters(body):
                    yield line
                    break
                continuation = {"indent": " " * len(prefix), "quote": prefix, None: ""}[follow]
                unit = Unit([prefix], [body], number, continuation)
                if follow is None:
                    yield unit
                    unit = None
                break
        else:
            indent = line[: len(line) - len(line.lstrip())]
            unit = Unit([indent], [line[len(indent):]], number, indent)
    if unit:
        yield unit


def units(text: str) -> list[Unit]:
    """The translatable units of a page's Markdown (see :func:`segments`)."""
    return [piece for piece in segments(text) if isinstance(piece, Unit)]


def localised_markdown(text: str, translate: Callable[[str], str]) -> str:
    """A page's Markdown with every unit replaced by ``translate(unit text)``, the rest kept as it is."""
    out: list[str] = []
    for piece in segments(text):
        out.extend(piece.written(translate(piece.text)) if isinstance(piece, Unit) else [piece])
    return "\n".join(out)


# --- Catalogs -------------------------------------------------------------------------------------------


def catalog_path(root: Path, language: str, name: str) -> Path:
    """Where a catalog is kept: ``locales/fr/LC_MESSAGES/chapters/size.po`` for the size page, ``.../book.po``."""
    return root / LOCALES / language / DOMAIN_FOLDER / f"{name}.po"


def read_catalog(path: Path) -> Catalog:
    """A ``.po`` file as a Babel catalog; an empty French catalog when the file does not exist yet."""
    if not path.is_file():
        return Catalog(locale=path.parts[-3] if len(path.parts) >= 3 else None)
    with path.open("rb") as handle:
        return read_po(handle, locale=None, abort_invalid=True)


def write_catalog(catalog: Catalog, path: Path) -> None:
    """Write a catalog as a ``.po`` file (wrapped at 100 columns, entries in the pages' order)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, include_previous=True, sort_output=False)


@dataclass
class Coverage:
    """How much of one catalog a language has: entries, and those untranslated or fuzzy."""

    name: str
    entries: int = 0
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.untranslated and not self.fuzzy


class Translations:
    """The translations of one language, looked up by English text; what was missing is counted per catalog."""

    def __init__(self, root: Path, language: str) -> None:
        self.root, self.language = root, language
        self.catalogs: dict[str, Catalog] = {}
        self.coverage: dict[str, Coverage] = {}

    def catalog(self, name: str) -> Catalog:
        if name not in self.catalogs:
            self.catalogs[name] = read_catalog(catalog_path(self.root, self.language, name))
        return self.catalogs[name]

    def lookup(self, name: str, english: str) -> str:
        """The translation of ``english`` from catalog ``name``; the English (counted as missing) if there is
        none or it is fuzzy."""
        report = self.coverage.setdefault(name, Coverage(name))
        report.entries += 1
        message = self.catalog(name).get(english)
        if message is None or not message.string:
            report.untranslated.append(english)
            return english
        if message.fuzzy:
            report.fuzzy.append(english)
            return english
        return message.string

    def for_catalog(self, name: str) -> Callable[[str], str]:
        return lambda english: self.lookup(name, english)


# --- Marks made by the chapters' French pass ------------------------------------------------------------

MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape_markdown(text: str) -> str:
    """The inverse of :func:`microwork.analysis.book.escape_markdown` (a backslash before punctuation)."""
    return MARKDOWN_ESCAPE.sub(r"\1", text)


def filled(payload: dict, translate: Callable[[str], str], resolve: Callable[[str], str]) -> str | list[str]:
    """What a template mark stands for: its translated text, filled with its values, or cut into lines."""
    text = translate(payload["text"])
    if "values" in payload:
        return text.format(**{k: resolve(v) for k, v in payload["values"].items()})
    if "wrap" in payload:
        return "\n".join(textwrap.wrap(text, payload["wrap"], break_long_words=False, break_on_hyphens=False))
    lines = textwrap.wrap(text, payload["lines"], break_long_words=False, break_on_hyphens=False) or [""]
    return lines[0] if len(lines) == 1 else lines


def resolved_plain(text: str, translate: Callable[[str], str]) -> str:
    """Plain text (a JSON string value, a glued text) with every mark replaced by its translation."""
    def resolve(value: str) -> str:
        value = lang.SIMPLE_MARK.sub(lambda m: translate(m.group(1)), value)
        return lang.TEMPLATE_MARK.sub(lambda m: _joined(filled(json.loads(m.group(1)), translate, resolve)), value)

    return resolve(text)


def _joined(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "\n".join(value)


def resolved_escaped(text: str, translate: Callable[[str], str], unescape: Callable[[str], str],
                     escape: Callable[[str], str]) -> str:
    """Marked text inside Markdown or HTML: each mark's English is unescaped, translated and escaped again."""
    def one(match: re.Match) -> str:
        return escape(resolved_plain(unescape(match.group(0)), translate))

    pattern = f"[{lang.OPEN}{lang.TEMPLATE_OPEN}][^{lang.CLOSE}{lang.TEMPLATE_CLOSE}]*[{lang.CLOSE}{lang.TEMPLATE_CLOSE}]"
    # Template marks may hold simple marks: resolve the innermost first, until none is left.
    while re.search(pattern, text):
        text = re.sub(pattern, one, text)
    return text


def resolved_json(value: object, translate: Callable[[str], str], lines_seen: list[int] | None = None) -> object:
    """A JSON value (a chart's spec) with its marks translated; a mark that is a whole string may become a list of
    lines (a title). ``lines_seen`` collects how many lines each wrapped label takes."""
    if isinstance(value, dict):
        return {k: resolved_json(v, translate, lines_seen) for k, v in value.items()}
    if isinstance(value, list):
        return [resolved_json(v, translate, lines_seen) for v in value]
    if not isinstance(value, str):
        return value
    whole = lang.TEMPLATE_MARK.fullmatch(value)
    if whole:
        payload = json.loads(whole.group(1))
        result = filled(payload, translate, lambda v: resolved_plain(v, translate))
        if "wrap" in payload and lines_seen is not None:
            lines_seen.append(_joined(result).count("\n") + 1)
        return result
    return resolved_plain(value, translate)


def markdown_escape(text: str) -> str:
    from ..analysis.book import escape_markdown

    return escape_markdown(text)


def plain_option(text: str) -> str:
    """A translation placed in a directive's option (a figure's ``:alt:``): on one line, not escaped."""
    return " ".join(text.split())


SCRIPT = re.compile(r'(<script type="application/json" id="[^"]*">)(.*?)(</script>)', re.S)


def resolved_html(text: str, translate: Callable[[str], str]) -> str:
    """A chart's HTML with its marks translated: the spec inside its script as JSON, the rest as HTML text."""
    from ..analysis.charts import json_for_script, row_height

    def spec(match: re.Match) -> str:
        lines: list[int] = []
        value = resolved_json(json.loads(match.group(2)), translate, lines)
        if lines and isinstance(value, dict) and isinstance(value.get("height"), dict):
            value["height"] = row_height(max(lines))
        return match.group(1) + json_for_script(value) + match.group(3)

    text = SCRIPT.sub(spec, text)
    return resolved_escaped(text, translate, html.unescape, lambda t: html.escape(t, quote=True))


def resolved_bundle(bundle: dict, translate: Callable[[str], str]) -> dict:
    """An output's French data (mime type: content) with every mark translated for where it lands."""
    out = {}
    for mime, content in bundle.items():
        text = "".join(content) if isinstance(content, list) else content
        if not isinstance(text, str):
            out[mime] = content
        elif mime == "text/markdown":
            out[mime] = "\n".join(
                resolved_escaped(line, translate, unescape_markdown, plain_option if OPTION.match(line) else markdown_escape)
                for line in text.split("\n"))
        elif mime == "text/html":
            out[mime] = resolved_html(text, translate)
        else:
            out[mime] = resolved_plain(text, translate)
    return out


# --- The localised copy of the book ---------------------------------------------------------------------

GLUE_TEXT = re.compile(r"\{glue:text\}`([^`:]+)(?::([^`]+))?`")


def glued_values(notebook: dict) -> dict[str, dict]:
    """Every value a notebook glued, by name: its output's data and metadata."""
    values = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook")
            if record:
                values[record["name"]] = output
    return values


def glued_french(output: dict, spec: str | None, translate: Callable[[str], str]) -> str | None:
    """What a ``{glue:text}`` role shows in French: a number in the French form of its format spec, a marked
    text translated; None to leave the role as it is (a whole number without spec reads the same)."""
    french = output.get("metadata", {}).get("microwork", {}).get("fr")
    if french is not None:
        return markdown_escape(resolved_plain(french, translate))
    plain = "".join(next((v for k, v in output["data"].items() if k.endswith("text/plain")), ""))
    try:
        value = json.loads(plain)
    except ValueError:
        return None
    if spec is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return lang.french_number(format(value, spec))


def localised_notebook(notebook: dict, prose: Callable[[str], str], computed: Callable[[str], str]) -> dict:
    """An executed notebook for the French edition: its Markdown through the page's catalog (``prose``), its
    glued numbers in French form, and each output that has a French version in its metadata replaced by it, with
    its marks translated (``computed``). Code is kept as it is."""
    notebook = json.loads(json.dumps(notebook))
    glued = glued_values(notebook)

    def glue_role(match: re.Match) -> str:
        name, spec = match.groups()
        return match.group(0) if name not in glued else (glued_french(glued[name], spec, computed) or match.group(0))

    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            source = localised_markdown("".join(cell["source"]), prose)
            cell["source"] = GLUE_TEXT.sub(glue_role, source)
        for output in cell.get("outputs", []):
            french = output.get("metadata", {}).get("microwork", {}).get("fr")
            if isinstance(french, dict):
                output["data"] = resolved_bundle(french, computed)
    return notebook

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

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from babel.dates import get_month_names
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po

from ..analysis import language as lang
from ..analysis.book import escape_markdown
from ..analysis.data import BIBTEX_ENTRY, BIBTEX_FIELD, is_corporate_name, latex_to_text
from ..analysis.charts import exported, json_for_script, row_height, safe_csv_cell, spec_text, wrapped
from ..analysis.drawing import drawn_once
from . import catalog_rules as rules
from .typography import TYPOGRAPHY
from .layout import BuildError, Layout, read_yaml, toc_files
from ..analysis import exercises
from .site_texts import (BIBLIOGRAPHY_TEXTS, CONFIG_TEXTS, GRADER_TEXTS, HTML_CONFIG_TEXTS, NOTEBOOK_TEXTS, PRINTED_TEXTS,
                         SITE_TEXTS, TRANSLATED_OPTIONS)

TRANSLATED = tuple(language for language in lang.editions() if language != lang.SOURCE_LANGUAGE)
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


def catalog_files(root: Path) -> dict[str, bytes]:
    """Every catalog file of the book (path under ``locales``: content): part of what the site is built from."""
    folder = root / LOCALES
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(folder.rglob("*.po"))} if folder.is_dir() else {}


def catalog_path(root: Path, language: str, name: str) -> Path:
    """Where a catalog is kept: ``locales/fr/LC_MESSAGES/chapters/size.po`` for the size page, ``.../book.po``."""
    return root / LOCALES / language / DOMAIN_FOLDER / f"{name}.po"


class CatalogError(BuildError):
    """Catalogs that break :mod:`microwork.pipeline.catalog_rules`: one located line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_SHOWN] + ([f"... and {len(problems) - MAX_SHOWN} more"] if len(problems) > MAX_SHOWN else [])
        super().__init__("a translation catalog breaks the rules (nothing was built):\n" + "\n".join(shown))


MAX_SHOWN = 30  # located problems shown at once


def shown_path(path: Path) -> str:
    """A catalog's path as a translator finds it: from ``locales/`` on."""
    parts = path.parts
    return str(Path(*parts[parts.index(LOCALES):])) if LOCALES in parts else str(path)


def read_catalog(path: Path) -> Catalog:
    """A ``.po`` file as a Babel catalog, once :mod:`~microwork.pipeline.catalog_rules` finds nothing refused in
    it (:class:`CatalogError` otherwise); an empty French catalog when the file does not exist yet."""
    if not path.is_file():
        return Catalog(locale=path.parts[-3] if len(path.parts) >= 3 else None)
    content = path.read_bytes()
    refused, _ = rules.catalog_problems(content, shown_path(path))
    if refused:
        raise CatalogError(refused)
    try:
        return read_po(io.BytesIO(content), locale=None, abort_invalid=True)
    except PoFileError as error:  # what the strict reader let through and Babel does not read: still one line
        raise CatalogError([rules.located(shown_path(path), int(getattr(error, "lineno", 0)) + 1, None,
                                          f"Babel cannot read it: {error}")]) from None


def check_catalogs(root: Path) -> list[str]:
    """Refuse every catalog of the book that breaks a rule (:class:`CatalogError`, all problems at once); return
    the warnings (fuzzy and obsolete entries), each on a located line."""
    refused, warned = rules.check_catalog_folder(root)
    if refused:
        raise CatalogError(refused)
    return warned


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

    def sharing_catalogs(self) -> Translations:
        """A new count of what is missing, looked up in the same catalogs (those already read are not read
        again)."""
        other = Translations(self.root, self.language)
        other.catalogs = self.catalogs
        return other

    def count(self, other: Translations) -> None:
        """Add what ``other`` found missing to this count."""
        for name, found in other.coverage.items():
            mine = self.coverage.setdefault(name, Coverage(name))
            mine.entries += found.entries
            mine.untranslated += found.untranslated
            mine.fuzzy += found.fuzzy


# --- Marks made by the chapters' French pass ------------------------------------------------------------

MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape_markdown(text: str) -> str:
    """The inverse of :func:`microwork.analysis.book.escape_markdown` (a backslash before punctuation)."""
    return MARKDOWN_ESCAPE.sub(r"\1", text)


def filled(payload: dict, translate: Callable[[str], str], resolve: Callable[[str], str]) -> str | list[str]:
    """What a template mark stands for: its translated text, filled with its values, or cut into lines."""
    text = translate(payload["text"])
    for form in payload.get("forms", ()):  # a count's other forms, looked up too: the catalogs hold every form
        translate(form)
    if "values" in payload:
        return text.format(**{k: resolve(v) for k, v in payload["values"].items()})
    if "wrap" in payload:
        return "\n".join(wrapped(text, payload["wrap"]))
    lines = wrapped(text, payload["lines"])
    return lines[0] if len(lines) == 1 else lines


def top_level_marks(text: str) -> list[tuple[int, int]]:
    """Where the outermost marks of ``text`` start and end (a template mark may hold other marks)."""
    spans, depth, start = [], 0, 0
    for index, character in enumerate(text):
        if character in (lang.OPEN, lang.TEMPLATE_OPEN):
            if depth == 0:
                start = index
            depth += 1
        elif character in (lang.CLOSE, lang.TEMPLATE_CLOSE) and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, index + 1))
    return spans


def replaced_marks(text: str, replace: Callable[[str], str]) -> str:
    """``text`` with each outermost mark replaced by ``replace(mark)``."""
    out, last = [], 0
    for start, end in top_level_marks(text):
        out += [text[last:start], replace(text[start:end])]
        last = end
    return "".join(out + [text[last:]])


def resolved_plain(text: str, translate: Callable[[str], str]) -> str:
    """Plain text (a JSON string value, a glued text) with every mark replaced by its translation."""
    def one(mark: str) -> str:
        if mark[0] == lang.OPEN:
            return translate(mark[1:-1])
        return _joined(filled(json.loads(mark[1:-1]), translate, lambda v: resolved_plain(v, translate)))

    return replaced_marks(text, one)


def _joined(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "\n".join(value)


def resolved_escaped(text: str, translate: Callable[[str], str], unescape: Callable[[str], str],
                     escape: Callable[[str], str], markdown: bool = False) -> str:
    """Marked text inside Markdown or HTML: each mark is unescaped, translated and escaped again.

    In ``markdown``, a template mark written as it is (its JSON starts with a brace, not an escaped one) is Markdown
    already, values included (a code span, a citation): it is filled, and neither unescaped nor escaped.
    """
    def one(mark: str) -> str:
        if markdown and mark[0] == lang.TEMPLATE_OPEN and mark[1:2] == "{":
            return resolved_plain(mark, translate)
        return escape(resolved_plain(unescape(mark), translate))

    return replaced_marks(text, one)


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


def plain_option(text: str) -> str:
    """A translation placed in a directive's option (a figure's ``:alt:``): on one line, not escaped."""
    return " ".join(text.split())


# A chart's spec in its page: <script type="application/json" id="spec-NAME">JSON</script> (see charts.chart_html).
SCRIPT = re.compile(r'(?P<open><script type="application/json" id="spec-(?P<name>[^"]*)">)(?P<spec>.*?)'
                    r'(?P<close></script>)', re.S)


def resolved_html(text: str, translate: Callable[[str], str]) -> str:
    """A chart's HTML with its marks translated: the spec inside its script as JSON, the rest as HTML text."""
    def spec(match: re.Match) -> str:
        lines: list[int] = []
        value = resolved_json(json.loads(match.group("spec")), translate, lines)
        if lines and isinstance(value, dict) and isinstance(value.get("height"), dict):
            above = bool(value.get("usermeta", {}).get("labelsAbove"))  # see charts.for_the_page
            value["height"] = row_height(max(lines), above)
        return match.group("open") + json_for_script(value) + match.group("close")

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
                resolved_escaped(line, translate, unescape_markdown, plain_option if OPTION.match(line) else escape_markdown,
                                 markdown=True)
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
        return escape_markdown(resolved_plain(french, translate))
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


# --- Catalogs kept in step with the English ------------------------------------------------------------





def html_between_tags(translation: str) -> str:
    """A translation written where the theme expects HTML (the footer): its text escaped, its tags (those of its
    English, :mod:`~microwork.pipeline.catalog_rules` sees to it) kept."""
    pieces, last = [], 0
    for match in rules.TAG.finditer(translation):
        pieces += [html.escape(translation[last:match.start()], quote=False), match.group()]
        last = match.end()
    return "".join(pieces + [html.escape(translation[last:], quote=False)])


def config_value(config: dict, dotted: str) -> object:
    """A value of ``_config.yml`` by its dotted path ("html.extra_footer"), None when it is not set."""
    value: object = config
    for key in dotted.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def page_messages(root: Path, docname: str) -> list[tuple[str, tuple[str, int]]]:
    """The prose units of one page (``chapters/size``), with where each is: (English, (file, line or cell))."""
    markdown = root / f"{docname}.md"
    if markdown.is_file():
        return [(u.text, (markdown.name, u.line_number)) for u in units(markdown.read_text(encoding="utf-8"))]
    notebook = json.loads((root / f"{docname}.ipynb").read_text(encoding="utf-8"))
    return [(u.text, (f"{Path(docname).name}.ipynb cell", index + 1))
            for index, cell in enumerate(notebook["cells"]) if cell["cell_type"] == "markdown"
            for u in units("".join(cell["source"]))]


def computed_messages(root: Path, docnames: list[str]) -> list[tuple[str, tuple[str, int]]]:
    """What the book's code, data and configuration show, from the marks of the executed chapters (in
    ``_build/.cache``) and the configuration's texts: (English, (where, 0))."""
    found: list[tuple[str, tuple[str, int]]] = []
    config = read_yaml(root / "_config.yml", root)
    found += [(str(config_value(config, key)), ("_config.yml " + key, 0)) for key in CONFIG_TEXTS
              if config_value(config, key)]
    toc = read_yaml(root / "_toc.yml", root)
    found += [(part["caption"], ("_toc.yml caption", 0)) for part in toc.get("parts", []) if part.get("caption")]
    found += [(text, ("microwork.pipeline.site_texts", 0)) for text in SITE_TEXTS + PRINTED_TEXTS]
    found += [(text, (BIBLIOGRAPHY, 0)) for text in bibliography_texts((root / BIBLIOGRAPHY).read_text(encoding="utf-8"))]
    found += exercise_texts(root)
    for docname in docnames:
        executed = Layout(root).cached(Path(docname).name) / f"{Path(docname).name}.ipynb"
        if not executed.is_file():
            continue

        def record(english: str, where: str = f"{Path(docname).name}.ipynb outputs") -> str:
            found.append((english, (where, 0)))
            return english

        notebook = json.loads(executed.read_text(encoding="utf-8"))
        for output in (o for cell in notebook["cells"] for o in cell.get("outputs", [])):
            french = output.get("metadata", {}).get("microwork", {}).get("fr")
            if isinstance(french, dict):
                resolved_bundle(french, record)
            elif isinstance(french, str):
                resolved_plain(french, record)
    return found


def exercise_texts(root: Path) -> list[tuple[str, tuple[str, int]]]:
    """The English texts of the exercise notebooks, their checks, the autograder and the exercise sources, with where
    each is (:mod:`microwork.pipeline.assignments`; the pages' own exercise words are site texts)."""
    found = [(text, ("microwork.pipeline.site_texts", 0)) for text in NOTEBOOK_TEXTS + GRADER_TEXTS]
    found += [(text, ("microwork.analysis.exercises", 0)) for text in (*exercises.MESSAGES.values(), exercises.NOT_A_NUMBER)]
    sources = exercises.read_sources(root / exercises.SOURCES)
    for source in sources.values():
        where = f"{exercises.SOURCES}/{source.path.name}"
        for exercise in source.exercises:
            if exercise.prompt:
                found.append((exercise.prompt, (where, exercise.line)))
            for q in exercise.questions:
                found += [(q.prompt, (where, q.line)), (q.hint, (where, q.line))]
                found += [(m.feedback, (where, q.line)) for m in q.mistakes]
    plans = exercises.read_plans(sources, root / exercises.SOURCES)
    return found + [(plan.name, (f"{exercises.SOURCES}/{exercises.PLANS}.yml", 0)) for plan in plans]


def template_catalog(messages: list[tuple[str, tuple[str, int]]]) -> Catalog:
    """A catalog template (what ``.pot`` files hold): the English texts, each with where it is."""
    template = Catalog(fuzzy=False)
    for english, location in messages:
        if english.strip():
            template.add(english, locations=[location])
    return template


def updated(path: Path, template: Catalog, language: str) -> Catalog:
    """The catalog at ``path`` merged with ``template`` (Babel's merge: new texts added, changed ones fuzzy with
    their old translation, gone ones dropped: git keeps their history)."""
    catalog = read_catalog(path) if path.is_file() else Catalog(locale=language, fuzzy=False)
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False, keep_user_comments=True)
    catalog.obsolete.clear()
    return catalog


def catalog_names(root: Path) -> list[str]:
    """Every catalog of the book: one per page of ``_toc.yml``, and :data:`BOOK_CATALOG`."""
    return toc_files(root) + [BOOK_CATALOG]


def update_catalogs(root: Path, languages: tuple[str, ...] = TRANSLATED) -> list[Path]:
    """Bring every catalog in step with the English (see :func:`updated`); return the files written."""
    docnames = toc_files(root)
    templates = {docname: template_catalog(page_messages(root, docname)) for docname in docnames}
    templates[BOOK_CATALOG] = template_catalog(computed_messages(root, docnames))
    written = []
    for language in languages:
        for name, template in templates.items():
            path = catalog_path(root, language, name)
            catalog = updated(path, template, language)
            catalog.project, catalog.version = "Counting the hidden crowd", "0.1.0"
            catalog.header_comment = f"# {name}: the French of the book's {'computed texts' if name == BOOK_CATALOG else 'page'}.\n# See README.md, 'Translating the book'."
            write_catalog(catalog, path)
            written.append(path)
    return written


def coverage(root: Path, language: str) -> dict[str, Coverage]:
    """For each catalog: how many of the English texts have a translation that is not fuzzy (without writing
    anything: a text the catalog does not have yet counts as untranslated)."""
    docnames = toc_files(root)
    templates = {docname: page_messages(root, docname) for docname in docnames}
    templates[BOOK_CATALOG] = computed_messages(root, docnames)
    translations = Translations(root, language)
    for name, messages in templates.items():
        for english in dict.fromkeys(english for english, _ in messages if english.strip()):
            translations.lookup(name, english)
        translations.coverage.setdefault(name, Coverage(name))
    return translations.coverage


# --- The French copy of the staged book ------------------------------------------------------------------


LAST_UPDATED_FORMATS = {"fr": "%-d %B %Y"}  # the date a page says it was updated, as the language writes dates


def localised_config(text: str, language: str, computed: Callable[[str], str]) -> str:
    """``_config.yml`` for an edition: its texts translated, Sphinx's ``language`` set (the theme's words, the
    search's stemming, ``<html lang>``)."""
    config = yaml.safe_load(text)
    for dotted in CONFIG_TEXTS:
        *parents, key = dotted.split(".")
        holder = config
        for parent in parents:
            holder = holder.setdefault(parent, {})
        if holder.get(key):
            english = str(holder[key])
            translated = computed(english)
            holder[key] = html_between_tags(translated) if dotted in HTML_CONFIG_TEXTS and translated != english \
                else translated
    settings = config.setdefault("sphinx", {}).setdefault("config", {})
    settings["language"] = language
    settings["bibtex_default_style"] = f"microwork_{language}"  # names joined in the language (pipeline.citations)
    settings["bibtex_reference_style"] = f"author_year_{language}"
    settings["microwork_editions"] = {"en": "../"}
    if language in LAST_UPDATED_FORMATS:  # "7 décembre 2026", not "déc. 07, 2026"
        settings["html_last_updated_fmt"] = LAST_UPDATED_FORMATS[language]
    html_settings = config.get("html") or {}
    if html_settings.get("baseurl"):  # the edition's own address: its sitemap and link previews
        html_settings["baseurl"] = html_settings["baseurl"].rstrip("/") + f"/{language}/"
    settings["microwork_texts"] = {text: computed(text) for text in SITE_TEXTS + PRINTED_TEXTS}
    settings.update({option: computed(english) for option, english in TRANSLATED_OPTIONS.items()})
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


BIBLIOGRAPHY = "references.bib"
REPORT_WORDS = "Technical Report"  # what the list of references says for a report without a ``type``
BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
BIBTEX_MARKUP = set("{}\\")  # what a BibTeX value cannot show as text (a "%" is written "\\%")


def bibtex_escaped(text: str, english: str = "") -> str:
    """Plain text (the translation of ``english``) as a BibTeX value that pybtex reads back as the same text:
    a translation is text, never markup. Braces and backslashes have no escape that pybtex reads as text, so they
    are refused."""
    if BIBTEX_MARKUP & set(text):
        raise BuildError(f"{BOOK_CATALOG}.po: the translation of {english or text!r} for {BIBLIOGRAPHY} "
                         "holds {, } or \\, which BibTeX reads as markup: write it without them")
    return text.replace("%", "\\%")


def bibliography_fields_in(text: str) -> Iterator[tuple[str, re.Match]]:
    """Each field of each entry of a BibTeX text: (the entry's type, the field's match: name, raw value)."""
    starts = [m.start() for m in BIBTEX_ENTRY.finditer(text)] + [len(text)]
    for start, end in zip(starts, starts[1:]):
        kind = re.match(r"@(\w+)", text[start:]).group(1).lower()
        for match in BIBTEX_FIELD.finditer(text, text.index(",", start, end) + 1, end):
            yield kind, match


def bibliography_texts(text: str) -> list[str]:
    """The book's own English in a BibTeX text, as plain text: notes, publication lines, titles in [brackets] (the
    book's description of an untitled work), the names organisations and works without author are cited by
    (a corporate ``author``, the ``key`` field)."""
    found = []
    for _, match in bibliography_fields_in(text):
        name, plain = match.group(1).lower(), latex_to_text(match.group(2).strip("{}"))
        if name in BIBLIOGRAPHY_TEXTS or (name == "title" and plain.startswith("[")) or name == "key" or \
                (name == "author" and is_corporate_name(match.group(2))):
            found.append(plain)
    return found + [REPORT_WORDS]


def localised_bibliography(text: str, language: str, computed: Callable[[str], str]) -> str:
    """``references.bib`` for an edition: the book's own words (:func:`bibliography_texts`) translated, months
    named in ``language``, and a report's kind said in it (pybtex's style would print "Technical Report")."""
    months = get_month_names("wide", locale=lang.BABEL_LOCALES[language])
    pieces, position = [], 0
    for kind, match in bibliography_fields_in(text):
        name, raw = match.group(1).lower(), match.group(2)
        plain = latex_to_text(raw.strip("{}"))
        value = None
        if name in BIBLIOGRAPHY_TEXTS or (name == "title" and plain.startswith("[")) or name == "key":
            translated = computed(plain)
            value = None if translated == plain else "{" + bibtex_escaped(translated, plain) + "}"
        elif name == "author" and is_corporate_name(raw):  # an organisation's name, kept whole
            translated = computed(plain)
            value = None if translated == plain else "{{" + bibtex_escaped(translated, plain) + "}}"
        elif name == "month" and raw.lower() in BIBTEX_MONTHS:
            value = "{" + bibtex_escaped(months[BIBTEX_MONTHS.index(raw.lower()) + 1]) + "}"
        if value is not None:
            pieces += [text[position:match.start(2)], value]
            position = match.end(2)
    text = "".join(pieces) + text[position:]
    report = "  type = {" + bibtex_escaped(computed(REPORT_WORDS), REPORT_WORDS) + "},\n"
    entries = re.split(r"(?m)^(?=@)", text)
    return "".join(entry.replace("\n", "\n" + report, 1) if re.match(r"@techreport\b", entry, re.I)
                   and not re.search(r"(?im)^\s*type\s*=", entry) else entry for entry in entries)


def with_editions(text: str, languages: tuple[str, ...] = TRANSLATED) -> str:
    """The English ``_config.yml`` of a build that makes the other editions too: each page links to them."""
    config = yaml.safe_load(text)
    config.setdefault("sphinx", {}).setdefault("config", {})["microwork_editions"] = {l: f"{l}/" for l in languages}
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def localised_toc(text: str, computed: Callable[[str], str]) -> str:
    """``_toc.yml`` with its parts' captions translated."""
    toc = yaml.safe_load(text)
    for part in toc.get("parts", []):
        if part.get("caption"):
            part["caption"] = computed(part["caption"])
    return yaml.safe_dump(toc, allow_unicode=True, sort_keys=False)


def french_figures(notebook: dict, folder: str, cache: Path | None = None) -> dict[str, bytes]:
    """The static figures (SVG, PNG) of a localised notebook's charts, drawn from their French specs with the
    French locale: what its PDF and downloads show (file path in the staged book: content). A chart drawn by an
    earlier build is read from ``cache`` (see :func:`microwork.analysis.drawing.drawn_once`)."""
    files = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/html", "")
            for match in SCRIPT.finditer("".join(text) if isinstance(text, list) else text):
                name, spec = match.group("name"), json.loads(match.group("spec"))
                locale = spec.get("usermeta", {}).get("locale", {})
                drawn = drawn_once(exported(spec), locale.get("number"), locale.get("time"), cache)
                files[f"{folder}/figures/{name}.svg"] = drawn.svg.encode()
                files[f"{folder}/figures/{name}.png"] = drawn.png
                files[f"{folder}/figures/{name}.vl.json"] = (spec_text(spec) + "\n").encode()
    return files


DATA_TABLE = re.compile(r'<details class="mw-data" id="data-(?P<name>[^"]*)">.*?<thead>(?P<head>.*?)</thead>', re.S)


def french_data_files(notebook: dict, folder: str, files: Mapping[str, bytes]) -> dict[str, bytes]:
    """Each chart's data download (``figures/NAME.csv``) with the headers of its French data table: the values as
    the English file has them (numbers a spreadsheet reads), the column names in French, safe as CSV cells."""
    out = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/html", "")
            for match in DATA_TABLE.finditer("".join(text) if isinstance(text, list) else text):
                path = f"{folder}/figures/{match.group('name')}.csv"
                headers = [html.unescape(h) for h in re.findall(r"<th>(.*?)</th>", match.group("head"), re.S)]
                if path not in files:
                    continue
                rows = list(csv.reader(io.StringIO(files[path].decode("utf-8"))))
                if not rows or len(rows[0]) != len(headers):
                    continue
                written = io.StringIO()
                csv.writer(written, lineterminator="\n").writerows([[safe_csv_cell(h) for h in headers], *rows[1:]])
                out[path] = written.getvalue().encode("utf-8")
    return out


def typeset(translate: Callable[[str], str], language: str) -> Callable[[str], str]:
    """``translate`` followed by the language's typography (:mod:`microwork.pipeline.typography`): the computed texts
    (chart words, table cells, glued texts, site texts) are typeset as the prose is."""
    typography = TYPOGRAPHY.get(language)
    return translate if typography is None else lambda english: typography.text(translate(english))


def localised_file(relative: str, content: bytes, translations: Translations, figures: bool = True) -> dict[str, bytes]:
    """One file of the staged book in the language of ``translations`` (relative path: content): a page's prose
    through its catalog, computed texts through :data:`BOOK_CATALOG`; an executed notebook comes with its figures
    redrawn (unless not ``figures``). A file with nothing to translate comes back as it is."""
    computed = typeset(translations.for_catalog(BOOK_CATALOG), translations.language)
    docname, suffix = relative.rsplit(".", 1)[0], Path(relative).suffix
    if relative == "_config.yml":
        return {relative: localised_config(content.decode(), translations.language, computed).encode()}
    if relative == "_toc.yml":
        return {relative: localised_toc(content.decode(), computed).encode()}
    if relative == BIBLIOGRAPHY:
        return {relative: localised_bibliography(content.decode(), translations.language, computed).encode()}
    if suffix == ".md" and relative.startswith("chapters/"):
        return {relative: localised_markdown(content.decode(), translations.for_catalog(docname)).encode()}
    if suffix == ".ipynb":
        notebook = localised_notebook(json.loads(content), translations.for_catalog(docname), computed)
        out = {relative: (json.dumps(notebook, ensure_ascii=False) + "\n").encode()}
        if figures:
            out.update(french_figures(notebook, str(Path(relative).parent), Layout(translations.root).figures_cache))
        return out
    return {relative: content}


def localised_files(root: Path, files: dict[str, bytes], language: str, figures: bool = True,
                    done: Callable[[str, str, bytes], tuple[dict[str, bytes], Translations] | None] | None = None,
                    ) -> tuple[dict[str, bytes], Translations]:
    """The staged book (relative path: content) in ``language``, file by file (:func:`localised_file`); and the
    translations, with what was missing. ``done(language, path, content)`` may give a file already localised (and
    what was missing from it), e.g. while the chapters executed; None to localise it here."""
    translations = Translations(root, language)
    out, redrawn = dict(files), {}
    for relative, content in files.items():
        found = done(language, relative, content) if done else None
        if found is None:
            own = translations.sharing_catalogs()
            found = localised_file(relative, content, own, figures), own
        localised, used = found
        out[relative] = localised.get(relative, content)
        redrawn.update({path: data for path, data in localised.items() if path != relative})
        translations.count(used)
    out.update(redrawn)  # a chapter's figures drawn in the language replace the English ones, wherever they came
    if figures:
        for relative in [r for r in files if r.endswith(".ipynb")]:
            out.update(french_data_files(json.loads(out[relative]), str(Path(relative).parent), files))
    return out, translations

"""What a translation may be: text with the markup, values and shape of its English, in a well-formed catalog.

A translation is input, as data is: it is checked before anything is built, and a catalog that breaks a rule
is refused with one located line per problem, ``locales/fr/LC_MESSAGES/chapters/size.po:123: msgid "…": rule``
(never a traceback), so the previous site stays as it was.

Two layers, each a small set of pure functions:

- **Reading** (:func:`read_entries`): the ``.po`` syntax, strictly and with line numbers: UTF-8 without a byte-order
  mark or control characters, known keywords, quoted strings with gettext's escapes only, ``[msgctxt] msgid msgstr``
  once each and all live or all obsolete, no plural forms, one entry per ``msgid`` (a duplicate names the first
  one's line): what the rules judge is exactly what Babel reads. Babel, which the build then uses, would accept a duplicate or a ``msgid`` without quotes
  silently, and fails on the rest with a traceback that does not name the file.
- **Rules** (:func:`entry_problems`): a ``msgstr`` carries the same *tokens* as its ``msgid`` (HTML tags, roles,
  links, code, substitutions, ``str.format`` fields with their specs, footnotes, maths), the same *shape* (table
  cells, no new block where the English has none, first line included), the same count of HTML openings, links,
  images and reference links however written, and the same *numbers* (a number written by hand in French form
  must equal one of the English; values are compared, not their order). Words, punctuation and emphasis are the translator's, and so is one inert span,
  ``<span lang="en">…</span>``, that marks English kept as written.
"""

from __future__ import annotations

import functools
import re
import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import unescape

KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])[ \t]+("(?:[^"\\]|\\.)*")[ \t]*$')
CONTINUATION = re.compile(r'^("(?:[^"\\]|\\.)*")[ \t]*$')
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
GETTEXT_ESCAPES = re.compile(r'\\(?![\\"ntr])')  # a backslash that does not start one of gettext's escapes
SHOWN = 70  # characters of a msgid shown in a problem


@dataclass
class Entry:
    """One entry of a catalog as written: its texts, its flags and the line its ``msgid`` is on."""

    line: int
    msgid: str = ""
    msgstr: str = ""
    context: str | None = None
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    fields: set[str] = field(default_factory=set)


class CatalogProblem(ValueError):
    """A catalog that cannot be read: the message is one located line."""


def located(where: str, line: int, msgid: str | None, rule: str) -> str:
    """One problem as a translator reads it: ``file:line: msgid "…": rule``."""
    shown = "" if msgid is None else f' msgid "{shortened(msgid)}":'
    return f"{where}:{line}:{shown} {rule}"


def shortened(text: str) -> str:
    """A msgid on one short line, as a problem quotes it."""
    one_line = text.replace("\n", "\\n")
    return one_line if len(one_line) <= SHOWN else one_line[: SHOWN - 1] + "…"


def decoded(content: bytes, where: str) -> str:
    """A catalog's bytes as text: UTF-8, without a byte-order mark (gettext's tools do not write one)."""
    if content.startswith(b"\xef\xbb\xbf"):
        raise CatalogProblem(located(where, 1, None, "starts with a byte-order mark: save the file as UTF-8 "
                                                     "without BOM"))
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise CatalogProblem(located(where, line, None, f"byte 0x{content[error.start]:02x} is not UTF-8: "
                                                        "save the file as UTF-8")) from None


def read_entries(content: bytes, where: str) -> list[Entry]:
    """The entries of a ``.po`` file, read strictly (see the module); :class:`CatalogProblem` at the first fault.

    An entry is ``[msgctxt] msgid msgstr``, each keyword once, in that order, every line of it live or every line
    obsolete (``#~``). Plural forms are refused: the book's texts have none, and a ``msgstr[n]`` the rules did not
    judge could reach the page."""
    entries: list[Entry] = []
    current: Entry | None = None
    field_name = ""
    pending_flags: set[str] = set()
    seen: dict[tuple[str | None, str], int] = {}

    def problem(number: int, rule: str) -> CatalogProblem:
        return CatalogProblem(located(where, number, None, rule))

    def finish() -> None:
        if current is None:
            return
        if "msgstr" not in current.fields:
            raise CatalogProblem(located(where, current.line, current.msgid, "a msgid without its msgstr"))
        if not current.obsolete:
            key = (current.context, current.msgid)
            if key in seen:
                raise CatalogProblem(located(where, current.line, current.msgid,
                                             f"the same msgid as line {seen[key]}: keep one entry"))
            seen[key] = current.line
        entries.append(current)

    def string_value(literal: str, number: int) -> str:
        if GETTEXT_ESCAPES.search(literal[1:-1]):
            raise problem(number, "a backslash that is not \\\\, \\\", \\n, \\t or \\r: write \\\\ for a backslash")
        return unescape(literal)

    for number, raw in enumerate(decoded(content, where).split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if CONTROL.search(line):
            raise problem(number, "a control character (only tabs may stand in a line): remove it")
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].lstrip(" \t")
        if not line.strip():
            field_name = ""  # a blank line ends an entry: nothing continues across it
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        keyword = KEYWORD.match(line)
        if keyword and keyword.group(1) in ("msgid_plural",) or (keyword and keyword.group(1).startswith("msgstr[")):
            raise problem(number, f"{keyword.group(1)}: plural forms are not used by the book's catalogs")
        if keyword:
            name, literal = keyword.groups()
            value = string_value(literal, number)
            if name == "msgctxt" or (name == "msgid" and field_name != "msgctxt"):
                finish()
                current = Entry(line=number, flags=pending_flags, obsolete=obsolete)
                pending_flags = set()
            elif current is None or not field_name:
                raise problem(number, f"{name} without a msgid before it")
            if obsolete != current.obsolete:
                raise problem(number, "an entry mixes obsolete (#~) and live lines: make it all one or the other")
            if name in current.fields:
                raise problem(number, f"a second {name} in the same entry")
            if name == "msgstr" and "msgid" not in current.fields:
                raise problem(number, "msgstr without a msgid before it")
            current.fields.add(name)
            field_name = name
            if name == "msgid":
                current.line, current.msgid = number, value
            elif name == "msgctxt":
                current.context = value
            else:
                current.msgstr = value
            continue
        continuation = CONTINUATION.match(line)
        if continuation and current is not None and field_name and obsolete == current.obsolete:
            value = string_value(continuation.group(1), number)
            if field_name == "msgctxt":
                current.context = (current.context or "") + value
            elif field_name == "msgid":
                current.msgid += value
            else:
                current.msgstr += value
            continue
        shown = line if len(line) <= 40 else line[:39] + "…"
        raise problem(number, f"not gettext syntax: {shown!r} (a keyword with a quoted string, or a quoted string "
                              "continuing one)")
    finish()
    for entry in entries:
        if entry.msgid == "" and entry is not entries[0]:
            raise CatalogProblem(located(where, entry.line, None, "an empty msgid is the header, which comes first"))
    return entries


# --- The tokens a translation must keep ---------------------------------------------------------------------

ROLE = re.compile(r"\{(?P<name>[\w:.-]+)\}`(?P<content>[^`]*)`")
ROLE_TARGET = re.compile(r"<([^<>]*)>\s*$")
TEXT_ROLES = {"doc", "ref", "numref", "term", "abbr"}  # their text is the translator's, their target is not
LINK_TARGET = re.compile(r"\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)")
# Markup counted however it is written, so that a form the patterns above do not read is still seen: an HTML
# opening (a tag, a comment, an autolink, closed or not), a link or image, a reference link.
OPENINGS = {"HTML opening <": re.compile(r"<(?=[A-Za-z/!?])"), "link or image ](": re.compile(r"\]\("),
            "image ![": re.compile(r"!\["), "reference link ][": re.compile(r"\]\["),
            "reference definition ]:": re.compile(r"\]:")}
TAG = re.compile(r"</?[A-Za-z!?][^>]*>|<[a-z][\w+.-]*:[^>\s]*>")
SUBSTITUTION = re.compile(r"\{\{[^{}\n]*\}\}")
CODE = re.compile(r"(?<![`}])(`+)(?!`)(.+?)(?<!`)\1(?!`)")
FOOTNOTE = re.compile(r"\[\^[^\]]+\]")


def format_fields(text: str) -> Counter | None:
    """The ``str.format`` fields of a text with their conversion and spec ("{n1}", "{n1:.1f}", "{0!r}"), once the
    roles and substitutions are set aside; None when the text is not a valid template (e.g. a lone brace)."""
    bare = SUBSTITUTION.sub("", ROLE.sub("", text))
    try:
        return Counter((name, conversion or "", spec or "") for _, name, spec, conversion
                       in string.Formatter().parse(bare) if name is not None)
    except ValueError:
        return None


def role_tokens(text: str) -> Counter:
    """Each role as what must not change: the whole role, or for a role with text (``{doc}`text <page>```) its
    name and target."""
    found: Counter = Counter()
    for match in ROLE.finditer(text):
        name, content = match.group("name"), match.group("content")
        if name in TEXT_ROLES:  # the text is the translator's; the target (all of it, without text) is not
            target = ROLE_TARGET.search(content)
            found[f"{{{name}}} -> {(target.group(1) if target else content).strip()}"] += 1
        else:
            found[match.group(0)] += 1
    return +found


# The one piece of markup a translation may add: a span that says a quoted word is English (``<span lang="en">``),
# written exactly so, opened and closed in pairs.
LANGUAGE_SPAN = ('<span lang="en">', "</span>")


def without_language_spans(text: str) -> str:
    """``text`` without :data:`LANGUAGE_SPAN` pairs (what is left is judged as any other markup)."""
    return re.sub(re.escape(LANGUAGE_SPAN[0]) + r"([^<>]*)" + re.escape(LANGUAGE_SPAN[1]), r"\1", text)


def markup_tokens(text: str) -> dict[str, Counter]:
    """What of a text is markup or a value rather than words, by kind (see the module)."""
    without_roles = ROLE.sub("", text)
    return {
        "role": role_tokens(text),
        "HTML tag": Counter(TAG.findall(without_roles)),
        "link target": Counter(LINK_TARGET.findall(without_roles)),
        "code": Counter(content for _, content in CODE.findall(SUBSTITUTION.sub("", without_roles))),
        "substitution": Counter(SUBSTITUTION.findall(text)),
        "footnote": Counter(FOOTNOTE.findall(without_roles)),
        "maths sign $": Counter({"$": without_roles.count("$")}) if "$" in without_roles else Counter(),
        **{kind: Counter({kind: len(pattern.findall(without_roles))}) - Counter() for kind, pattern in OPENINGS.items()},
    }


def table_cells(text: str) -> int:
    """How many cell separators a table row has (``|`` not escaped, outside code)."""
    return len(re.findall(r"(?<!\\)\|", CODE.sub("", ROLE.sub("", text))))


# A line that would start a new Markdown block inside a paragraph: heading, quote, list item, table row, fence,
# directive, target, comment, maths block, substitution line, HTML block, thematic break.
BLOCK_START = re.compile(r"^\s*(#{1,6}(\s|$)|>|[-*+]\s|\d+[.)]\s|\||`{3,}|~{3,}|:{3,}|\(.*\)=|%|\$\$|\{\{|<[A-Za-z/!?]"
                         r"|[-*_](\s*[-*_]){2,}\s*$|=+\s*$|\[[^\]]*\]:)")


def new_blocks(msgid: str, msgstr: str) -> list[str]:
    """The lines of a translation that would start a block its English does not have (the first line included: a
    unit's text follows only its own prefix)."""
    english = {BLOCK_START.match(line).group(1).strip()[:1] for line in msgid.split("\n") if BLOCK_START.match(line)}
    problems = []
    for line in msgstr.split("\n"):
        start = BLOCK_START.match(line)
        if start and start.group(1).strip()[:1] not in english:
            problems.append(line)
    return problems


# --- Numbers written by hand ------------------------------------------------------------------------------

# A number as English writes it (14,903; 1.27; 2019; 19M) or as French does (14 903 with any space; 1,27; 19 M;
# 1er). A dotted number in French text is an identifier kept as written (a version 3.11, arXiv 1901.03889, a DOI),
# and French thousands grouped by spaces may be quoted in English text ("260 000", a French headline).
_AFTER = r"(?![.,]?\d)"  # a number ends where its digits do ("41km", "19M" and "5x" are read too)
_SPACED = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+"
ENGLISH_NUMBER = re.compile(rf"(?<![\w.,])(?:{_SPACED}|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)*){_AFTER}")
FRENCH_NUMBER = re.compile(rf"(?<![\w.,])(?:\d+(?:\.\d+)+|{_SPACED}(?:,\d+)?|\d+(?:,\d+)?){_AFTER}")
FRENCH_ORDINAL = re.compile(r"(?<![\w.,])(\d+)(?:er|re|e|es|ème|èmes)\b")
DOTTED_THOUSANDS = re.compile(r"(?<![\w.,])\d{1,3}(?:\.000)+(?![\w]|[.,]\d)")  # "260.000" as a French headline
# English numbers written in words: a French translation may write them in figures ("ninety-percent" → "90 %").
NUMBER_WORDS = {word: str(value) for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
                     "ninety": "90", "hundred": "100", "thousand": "1000", "half": "0.5", "once": "1", "twice": "2",
                     "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5"})


def prose_only(text: str) -> str:
    """A text without what is not the translator's words: roles, links' targets, code, tags, fields, substitutions,
    and numbers in a dotted French form quoted as printed ("260.000")."""
    text = ROLE.sub(" ", text)
    text = LINK_TARGET.sub("]", text)
    text = CODE.sub(" ", text)
    text = TAG.sub(" ", text)
    text = SUBSTITUTION.sub(" ", text)
    text = re.sub(r"\{[^{}]*\}", " ", text)
    text = FOOTNOTE.sub(" ", text)
    return text


def english_numbers(text: str) -> Counter:
    """The numbers of an English text, as values (so "14,903" and French "14 903" are the same number)."""
    plain = prose_only(text)
    found = Counter(_value(m.replace(".", "")) for m in DOTTED_THOUSANDS.findall(plain))
    plain = DOTTED_THOUSANDS.sub(" ", plain)
    return found + Counter(_value(re.sub(r"[, \u00a0\u202f]", "", m)) for m in ENGLISH_NUMBER.findall(plain))


def english_number_words(text: str) -> Counter:
    """The numbers an English text writes in words ("three", "ninety-percent"), as values."""
    return Counter(NUMBER_WORDS[word] for word in re.findall(r"[a-z]+", prose_only(text).lower()) if word in NUMBER_WORDS)


def french_numbers(text: str) -> Counter:
    """The numbers of a French text, as values (see :func:`english_numbers`); ordinals (1er, 3e) count."""
    plain = prose_only(text)
    found = Counter(_value(m.replace(".", "")) for m in DOTTED_THOUSANDS.findall(plain))
    plain = DOTTED_THOUSANDS.sub(" ", plain)
    found += Counter(_value(m) for m in FRENCH_ORDINAL.findall(plain))
    plain = FRENCH_ORDINAL.sub(" ", plain)
    return found + Counter(_value(re.sub(r"[ \u00a0\u202f]", "", m).replace(",", "."))
                           for m in FRENCH_NUMBER.findall(plain))


def _value(number: str) -> str:
    """A number's value written one way ("1.50" and "1.5" alike); an identifier (0.1.0) as it is."""
    if number.count(".") > 1:
        return number
    whole, _, decimals = number.partition(".")
    decimals = decimals.rstrip("0")
    return whole.lstrip("0") or "0" if not decimals else f"{whole.lstrip('0') or '0'}.{decimals}"


def counted(difference: Counter) -> str:
    return ", ".join(f"{token!s}" + (f" ×{n}" if n > 1 else "") for token, n in sorted(difference.items()))


MAX_TEXT = 5_000  # characters of a translation: the book's longest is about 1,500


def entry_problems(msgid: str, msgstr: str) -> list[str]:
    """Every rule a translation breaks (empty: it may be used). See the module."""
    if not msgstr or not msgid:
        return []
    if len(msgstr) > MAX_TEXT:
        return [f"a translation of {len(msgstr):,} characters (at most {MAX_TEXT:,}): no text of the book is so long"]
    problems = []
    msgstr = msgstr if LANGUAGE_SPAN[0] in msgid else without_language_spans(msgstr)
    english, french = markup_tokens(msgid), markup_tokens(msgstr)
    for kind in english:
        if french[kind] == english[kind]:  # most entries: nothing added or dropped
            continue
        extra, lost = french[kind] - english[kind], english[kind] - french[kind]
        if extra:
            problems.append(f"the translation adds {kind} {counted(extra)} that the English does not have "
                            "(a translation is text: keep the markup of the msgid)")
        if lost:
            problems.append(f"the translation drops {kind} {counted(lost)} of the English")
    fields_en, fields_fr = format_fields(msgid), format_fields(msgstr)
    if fields_en is not None and fields_fr != fields_en:
        if fields_fr is None:
            problems.append("the translation has a lone { or }: write {{ or }} for a brace")
        else:
            changed = counted((fields_fr - fields_en) + (fields_en - fields_fr))
            problems.append(f"placeholders differ from the English ({changed}): keep each {{name:spec}} as it is")
    if msgid.lstrip().startswith("|") and table_cells(msgstr) != table_cells(msgid):
        problems.append(f"a table row with {table_cells(msgstr)} cell bars where the English has {table_cells(msgid)}")
    if "\n" not in msgid and "\n" in msgstr:
        problems.append("a new line where the English has none (it would start a new line or block on the page)")
    else:
        for line in new_blocks(msgid, msgstr):
            problems.append(f"the line {shortened(line)!r} would start a new Markdown block")
    numbers_en, numbers_fr = english_numbers(msgid), french_numbers(msgstr)
    extra, lost = numbers_fr - numbers_en, numbers_en - numbers_fr
    extra -= english_number_words(msgid)  # "three" may be written 3
    if extra or lost:
        said = [f"adds {counted(extra)}"] if extra else []
        said += [f"drops {counted(lost)}"] if lost else []
        problems.append(f"numbers differ from the English: the translation {' and '.join(said)} (write the "
                        "English numbers, in French form: 14 903, 1,27)")
    return problems


def catalog_problems(content: bytes, where: str) -> tuple[list[str], list[str]]:
    """A catalog's problems as located lines: (refused, warned). Refused: syntax, encoding, duplicates, broken
    rules; warned: fuzzy and obsolete entries (shown in English until a translator settles them). Worked out once
    per content (:func:`judged`): a build checks every catalog, then reads them to translate."""
    refused, warned = judged(content, where)
    return list(refused), list(warned)


@functools.lru_cache(maxsize=64)
def judged(content: bytes, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """:func:`catalog_problems`, worked out."""
    try:
        entries = read_entries(content, where)
    except CatalogProblem as problem:
        return (str(problem),), ()
    refused, warned = [], []
    for entry in entries:
        if entry.obsolete:
            warned.append(located(where, entry.line, entry.msgid, "an obsolete entry (#~): delete it"))
            continue
        if "fuzzy" in entry.flags and entry.msgid:
            warned.append(located(where, entry.line, entry.msgid, "fuzzy: check the translation, then remove the "
                                                                  "fuzzy flag (shown in English until then)"))
            continue  # an old translation kept for a changed English: not used, so not judged
        refused += [located(where, entry.line, entry.msgid, rule) for rule in entry_problems(entry.msgid,
                                                                                            entry.msgstr)]
    return tuple(refused), tuple(warned)


def all_problems(files: Iterable[tuple[str, bytes]]) -> tuple[list[str], list[str]]:
    """:func:`catalog_problems` of every ``(path, content)``."""
    refused, warned = [], []
    for where, content in files:
        found = catalog_problems(content, where)
        refused += found[0]
        warned += found[1]
    return refused, warned


def check_catalog_folder(root: Path) -> tuple[list[str], list[str]]:
    """:func:`all_problems` of every catalog under ``root/locales`` (paths relative to ``root``)."""
    folder = root / "locales"
    paths = sorted(folder.rglob("*.po")) if folder.is_dir() else []
    return all_problems((str(p.relative_to(root)), p.read_bytes()) for p in paths)

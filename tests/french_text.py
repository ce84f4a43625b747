"""Independent readers of the French pages, for the tests: what a French reader sees, and the typography faults
in it, by rule. Written apart from microwork.pipeline.typography (which typesets): a check that used the typesetter
could not see what it misses."""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

NNBSP = "\u202f"


def reader_text(page_html: str) -> str:
    """The text a reader reads on a page: no scripts, styles, code, maths, addresses; tags become spaces."""
    body = re.sub(r"<!--.*?-->|<(script|style|pre|code|math)\b.*?</\1>", " ", page_html, flags=re.S)
    body = re.sub(r'<span class="pre">.*?</span>', " ", body, flags=re.S)
    body = re.sub(r"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", " ", body)
    text = html.unescape(body)
    text = re.sub(r"\b(?:https?|ftp)://\S+|\b(?:doi|arXiv|mailto):\S+|\d+:\d+", " ", text)
    return text


# Each rule: a name, and a pattern that finds a fault in French text.
TYPOGRAPHY_RULES = {
    "ordinary space before ; : ! ?": re.compile(r"[ \u00a0][;:!?](?=\s|$)"),
    "no space before ; ! ?": re.compile(r"[a-zà-ÿ\)»][;!?](?=\s)"),
    "no space before a colon that ends a label": re.compile(r"[A-Za-zà-ÿ\)»]:(?=\s)"),
    "ordinary space inside « »": re.compile(r"«[ \u00a0]|[ \u00a0]»"),
    "ordinary space between thousands": re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?!\d)"),
    "ordinary or no space before %": re.compile(r"\d[ \u00a0]?%"),
    "hyphen as a minus sign": re.compile(r"(?<![\w\-−–/.])-\d"),
    "straight apostrophe in a word": re.compile(r"[A-Za-zà-ÿ]'[A-Za-zà-ÿ]"),
    "n.d. for an undated reference": re.compile(r"\bn\.\s?d\."),
    "de before a vowel (no elision)": re.compile(r"\b[Dd]e\s+(?:[Ee]xercice|[Aa]rticle|[Ee]stimation)\b"),
}


def typography_faults(text: str, quoted: list[str] = ()) -> dict[str, list[str]]:
    """The faults of French text by rule, each with a few characters around it; those inside a ``quoted`` title
    (:func:`as_printed`) left out."""
    found: dict[str, list[str]] = {}
    for rule, pattern in TYPOGRAPHY_RULES.items():
        hits = [text[max(0, m.start() - 20): m.end() + 10] for m in pattern.finditer(text)
                if not (in_quoted(text[max(0, m.start() - 4): m.end()], quoted)
                        or in_quoted(text[m.start(): m.end() + 4], quoted))]
        if hits:
            found[rule] = hits
    return found


def site_faults(site: Path, quoted: list[str] = ()) -> dict[str, list[tuple[str, str]]]:
    """:func:`typography_faults` of every French page of a built site, by rule: (page, context); the ``quoted``
    titles (:func:`as_printed`) left out."""
    out: dict[str, list[tuple[str, str]]] = {}
    for page in sorted((site / "fr").rglob("*.html")):
        if "_static" in page.parts or "_sources" in page.parts:
            continue
        for rule, hits in typography_faults(reader_text(page.read_text(encoding="utf-8")), list(quoted)).items():
            out.setdefault(rule, []).extend((str(page.relative_to(site)), hit) for hit in hits)
    return out


def as_printed(root: Path) -> list[str]:
    """The titles and headlines the book quotes as their sources print them (``references.bib`` titles and the names
    of journals, books, publishers, institutions and series, and the words its notes quote; the press table's
    headlines), each on one line with
    plain spaces and apostrophes: kept in their own language and typography."""
    import csv

    from microwork.analysis.data import latex_to_text

    bib = (root / "references.bib").read_text(encoding="utf-8")
    names = r"title|journal|booktitle|publisher|institution|series|school|organization|type"
    titles = [latex_to_text(t) for t in re.findall(rf"(?im)^\s*(?:{names})\s*=\s*\{{(.*)\}},?\s*$", bib)]
    notes = re.findall(r"(?im)^\s*(?:note|howpublished)\s*=\s*\{(.*)\},?\s*$", bib)
    titles += [latex_to_text(words) for note in notes for words in re.findall(r'"([^"]+)"', note)]  # words a note quotes
    with (root / "data" / "press_coverage.csv").open(encoding="utf-8") as handle:
        headlines = [row["headline"] for row in csv.DictReader(handle)]
    book = re.search(r"(?m)^title:\s*\"?(.*?)\"?\s*$", (root / "_config.yml").read_text(encoding="utf-8")).group(1)
    return sorted({plain(t) for t in titles + headlines + [book] if t.strip()})


def plain(text: str) -> str:
    """Text with every run of spaces as one plain space and typographic apostrophes as straight ones."""
    return " ".join(text.replace("\u2019", "'").split())


def in_quoted(context: str, quoted: list[str]) -> bool:
    """Whether the few characters around a fault are part of a title quoted as printed."""
    core = plain(context)
    return any(core in title for title in quoted)


# English words that French never writes (function words and common verbs): two distinct ones in a piece of text
# make it English. Independent of the catalogs: it reads the page, not what the extractor found.
ENGLISH_ONLY = frozenset("""the and of with which is are this that these those from for to by not be was were has have
had it its or an at their they them there what when where who whom whose would should could will can may might must
shall into than then only also about after before between each every other such some any more most many much very
our we you your he she his her him how why does do did done being been because while whether same own both either
neither nor yet still just over under again further once here all no yes show hide toggle edit page search""".split())
WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


def english_pieces(page_html: str, quoted: list[str] = ()) -> list[str]:
    """The pieces of a page a French reader meets in English: visible text between tags, attribute texts (title,
    alt, aria-label, placeholder) and the texts of chart specs; a piece is English when it has two distinct
    :data:`ENGLISH_ONLY` words. Left out: code, addresses, elements marked lang="en" (an English quotation must be
    marked so, « » are not enough: a screen reader reads what lang says), titles and names quoted as printed and the
    data's identifiers (``quoted``: :func:`as_printed`, :func:`identifiers`)."""
    body = re.sub(r"<(?P<tag>\w+)[^>]*\blang=\"en\"[^>]*>.*?</(?P=tag)>", " ", page_html, flags=re.S)
    pieces = []
    for spec in re.findall(r'<script type="application/json" id="spec-[^"]+">(.*?)</script>', body, re.S):
        pieces += [t for t in re.findall(r'"((?:[^"\\]|\\.)*)"', spec) if " " in t]
    pieces += [html.unescape(v) for v in re.findall(r'\b(?:title|alt|aria-label|placeholder|data-description)="([^"]*)"',
                                                    body)]
    text = re.sub(r"<!--.*?-->|<(script|style|pre|code|math)\b.*?</\1>", "\n", body, flags=re.S)
    text = re.sub(r'<span class="pre">.*?</span>', " ", text, flags=re.S)
    pieces += [html.unescape(t) for t in re.split(r"<(?:/?(?:p|li|td|th|div|h\d|dt|dd|figcaption|summary|title|a|button"
                                                  r"|label|caption|blockquote)\b)[^>]*>", text)]
    found = []
    names = any_of(tuple(quoted))
    for piece in pieces:
        piece = normal(re.sub(r"<[^>]+>", " ", piece))
        piece = re.sub(r"\b(?:https?|ftp)://\S+|\b(?:doi|arXiv|mailto):\S+", " ", piece)
        while names is not None and (left := names.sub(" ", piece)) != piece:  # a name can appear once another goes
            piece = left
        if len({w.lower() for w in WORD.findall(piece)} & ENGLISH_ONLY) >= 2:
            found.append(piece[:160])
    return found


@functools.lru_cache(maxsize=8)
def any_of(quoted: tuple[str, ...]) -> re.Pattern | None:
    """One pattern for every quoted title or name, each a whole run of words (the longest first: a name inside a
    title); None when there are none."""
    names = sorted({normal(title) for title in quoted}, key=len, reverse=True)
    return re.compile("|".join(rf"(?<!\w){re.escape(name)}(?!\w)" for name in names)) if names else None


def normal(text: str) -> str:
    """Text with French spacing undone (no space before ; : ! ?), straight apostrophes and one plain space between
    words: a title reads the same typeset or not."""
    text = text.replace("\u2019", "'").replace("\u202f", " ").replace("\u00a0", " ")
    return " ".join(re.sub(r"\s+([;:!?])", r"\1", text).split())


def identifiers(root: Path) -> list[str]:
    """The data package's field names, allowed values (``casual``, ``very_active``, ``true``) and its own schema
    properties (``x-at-most``, ``x-calendar``): names a reader types in the data, the same in every edition."""
    import json

    package = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    found = {"true", "false"} | schema_properties(package)
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            found.add(field["name"])
            found.update(str(value) for value in field.get("constraints", {}).get("enum", []))
    return sorted(found, key=len, reverse=True)


def schema_properties(node: object) -> set[str]:
    """The names of the properties the data package adds to Frictionless (keys beginning ``x-``), at any depth."""
    if isinstance(node, dict):
        return {key for key in node if key.startswith("x-")} | {
            name for value in node.values() for name in schema_properties(value)}
    if isinstance(node, list):
        return {name for value in node for name in schema_properties(value)}
    return set()

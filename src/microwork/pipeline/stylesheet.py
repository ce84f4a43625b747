"""One style sheet for the whole site, with only the rules its pages can use.

The theme and the extensions link eleven style sheets from every page (one of them through an ``@import``): a
browser waits for all of them before it shows any text, and most of their rules style components that no page of
this book has (``pydata-sphinx-theme.css`` alone is 397 KB, Bootstrap included). After the pages are written,
:func:`write_site_stylesheet` joins them, in the pages' order, into ``_static/microwork-site.css`` and leaves out
every rule that cannot match anything in the site; the pages link that one file (``sphinxext.link_site_stylesheet``).

A rule is left out only when one of the class or id names its selectors *require* appears nowhere in the site: in
no page and in none of its scripts (a script that adds a class when a menu opens names that class, so the rule is
kept). The same test as PurgeCSS's, and as cautious: a name inside ``:not()``, ``:is()`` or another function, or in
an attribute selector, is not required; element names are never checked; ``@font-face``, ``@keyframes`` and
custom properties are kept. The original files stay in ``_static``; the first lines of the combined file list them
(tests/test_speed.py checks that the combined file gives every element the same computed style as they do).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import tinycss2
from tinycss2.serializer import serialize_string_value, serialize_url

from .lock import file_lock

SITE_STYLESHEET = "_static/microwork-site.css"
# Set by microwork build for its renders: the folder where the parsed style sheets are kept between builds
# (:func:`cached_outline`; the user's cache folder, so that every copy of the book on the machine finds them); a plain
# `jupyter-book build .` parses them each time.
CACHE_VARIABLE = "MICROWORK_STYLESHEET_CACHE"
SOURCES_LINE = "/* Sources, in this order: {sources} */"
# A word of a page or a script: what could be a class or id name (the same idea as PurgeCSS's default extractor).
WORD = re.compile(r"[A-Za-z0-9_-]+")
# Class names that scripts build and no file spells out: Bootstrap adds `bs-${NAME}-auto` to its tooltips and
# popovers (the theme's buttons have tooltips).
BUILT_BY_SCRIPTS = frozenset({"bs-tooltip-auto", "bs-popover-auto"})
# Files whose words count: every page and every script of the site.
WORD_FILES = ("*.html", "*.js")
# At-rules whose content is itself a list of rules (the others are kept whole).
GROUPING_RULES = {"media", "supports", "layer", "container", "document"}
# The book's own style sheet is kept whole: its rules are all meant for the book (and the PDFs add its classes).
KEPT_WHOLE = ("_static/microwork.css",)


@dataclass(frozen=True)
class Pruned:
    """The combined style sheet and what pruning did: rules kept and left out."""

    text: str
    kept: int
    dropped: int


def site_words(site: Path) -> set[str]:
    """Every word that appears in a page or a script of the built ``site``, and :data:`BUILT_BY_SCRIPTS`."""
    words: set[str] = set()
    for pattern in WORD_FILES:
        for path in site.rglob(pattern):
            words.update(WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
    return words | BUILT_BY_SCRIPTS


def required_names(selector: list) -> set[str]:
    """The class and id names one selector (a list of tinycss2 tokens) needs on some element to match anything.

    Names inside brackets (attribute selectors) or functions (``:not()``, ``:is()``, ``:where()``, ``:has()``...)
    are not counted: a selector can match without them."""
    names: set[str] = set()
    for before, token in zip([None, *selector], selector):
        if token.type == "hash":
            names.add(token.value)
        elif token.type == "ident" and before is not None and before.type == "literal" and before.value == ".":
            names.add(token.value)
    return names


def selectors(prelude: list) -> list[list]:
    """The comma-separated selectors of a rule's prelude, each a list of tokens."""
    groups: list[list] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            groups.append([])
        else:
            groups[-1].append(token)
    return groups


def rebased_urls(tokens: list, source_dir: str, target_dir: str) -> None:
    """Rewrite, in place, every relative ``url()`` of ``tokens`` (read from ``source_dir``) for ``target_dir``."""
    for token in tokens:
        if token.type == "url" or (token.type == "function" and token.lower_name == "url"):
            if token.type == "url":
                token.value = rebased(token.value, source_dir, target_dir)
                token.representation = f"url({serialize_url(token.value)})"
            else:
                for argument in token.arguments:
                    if argument.type == "string":
                        argument.value = rebased(argument.value, source_dir, target_dir)
                        argument.representation = f'"{serialize_string_value(argument.value)}"'
        elif getattr(token, "content", None) is not None and not isinstance(token.content, str):
            rebased_urls(token.content, source_dir, target_dir)
        elif getattr(token, "arguments", None) is not None:
            rebased_urls(token.arguments, source_dir, target_dir)


def rebased(url: str, source_dir: str, target_dir: str) -> str:
    """``url``, relative to ``source_dir``, as seen from ``target_dir`` (absolute and data: URLs unchanged)."""
    if re.match(r"^([a-z][a-z0-9+.-]*:|/|#)", url, re.IGNORECASE):
        return url
    return posixpath.relpath(posixpath.normpath(posixpath.join(source_dir, url)), target_dir)


def imported(rule, source: str) -> str | None:
    """The site path that an ``@import`` rule loads (relative to the site), if it names one."""
    for token in rule.prelude:
        if token.type in ("string", "url"):
            return rebased(token.value, posixpath.dirname(source), "")
        if token.type == "function" and token.lower_name == "url":
            return next((rebased(a.value, posixpath.dirname(source), "") for a in token.arguments if a.type == "string"), None)
    return None


def outline(rules: list) -> list[dict]:
    """``rules`` as what pruning needs of them, in plain data that can be kept between builds: a style rule's text
    and the names each of its selectors requires; a grouping at-rule's head and its inner rules; any other at-rule's
    text (always kept)."""
    entries: list[dict] = []
    for rule in rules:
        if rule.type == "qualified-rule":
            entries.append({"css": rule.serialize(),
                            "selectors": [sorted(required_names(selector)) for selector in selectors(rule.prelude)]})
        elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPING_RULES and rule.content is not None:
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            entries.append({"group": f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}", "rules": outline(inner)})
        elif rule.type == "at-rule":
            entries.append({"css": rule.serialize()})
    return entries


def pruned(entries: list[dict], words: set[str], counts: list[int]) -> list[str]:
    """The text of each rule of ``entries`` (:func:`outline`) that can match something in the site (a grouping rule
    keeps the inner rules that can, one per line, and is left out when none can); ``counts`` gets the style rules
    kept and dropped added to it."""
    kept = []
    for entry in entries:
        if "group" in entry:
            if inner := pruned(entry["rules"], words, counts):
                kept.append(entry["group"] + "{" + "".join(f"{text}\n" for text in inner) + "}")
        elif "selectors" not in entry:
            kept.append(entry["css"])
        elif any(set(names) <= words for names in entry["selectors"]):
            kept.append(entry["css"])
            counts[0] += 1
        else:
            counts[1] += 1
    return kept


def stylesheet_rules(site: Path, source: str, target_dir: str, seen: set[str]) -> list:
    """The rules of the style sheet at ``source`` (a path in ``site``), its ``@import``s inlined, its ``url()``s
    rewritten for ``target_dir``; ``@charset`` dropped (the combined file is UTF-8)."""
    seen.add(source)
    text = (site / source).read_text(encoding="utf-8")
    rules = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "charset":
            continue
        if rule.type == "at-rule" and rule.lower_at_keyword == "import" and (path := imported(rule, source)):
            if path not in seen and (site / path).is_file():
                rules.extend(stylesheet_rules(site, path, target_dir, seen))
            continue
        rebased_urls([rule], posixpath.dirname(source), target_dir)
        rules.append(rule)
    return rules


def sources_outline(site: Path, sources: list[str], whole: tuple[str, ...]) -> list[dict]:
    """Each of the style sheets ``sources`` (its ``@import``s inlined, its ``url()``s rewritten for the combined file),
    as :func:`outline` gives it; those in ``whole`` as their rules' texts only (kept whole)."""
    target_dir = posixpath.dirname(SITE_STYLESHEET)
    seen: set[str] = set()
    sheets = []
    for source in sources:
        rules = stylesheet_rules(site, source, target_dir, seen)
        sheets.append({"source": source, "whole": source in whole,
                       "rules": [{"css": rule.serialize()} for rule in rules] if source in whole else outline(rules)})
    return sheets


def outline_key(site: Path, sources: list[str], whole: tuple[str, ...]) -> str:
    """What :func:`sources_outline` depends on, hashed: every style sheet of the site's ``_static`` (an ``@import`` can
    reach any), the sources and their order, this module's code and tinycss2's version."""
    parts = [json.dumps([sources, list(whole), tinycss2.__version__]).encode(), Path(__file__).read_bytes()]
    static = site / "_static"
    for path in sorted(static.rglob("*.css")):
        if path != site / SITE_STYLESHEET:
            parts += [path.relative_to(site).as_posix().encode(), path.read_bytes()]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def cached_outline(site: Path, sources: list[str], whole: tuple[str, ...], cache: Path | None) -> list[dict]:
    """:func:`sources_outline`, read from ``cache`` when made there before for the same style sheets (parsing the
    theme's 400 KB of CSS is most of the combining's time), and kept there otherwise. Without ``cache``, worked out.

    The two editions' renders of a build link the same style sheets: while one makes their outline, the other waits
    for it (a lock beside the file) and reads it, instead of parsing them too."""
    if cache is None:
        return sources_outline(site, sources, whole)
    path = cache / f"{outline_key(site, sources, whole)}.json"
    if (sheets := read_outline(path)) is not None:
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: the last to be pruned (:func:`prune_outlines`)
        return sheets
    with contextlib.ExitStack() as held:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            held.enter_context(file_lock(path.with_suffix(".lock")))
        except OSError:  # a cache that cannot be written only costs time
            return sources_outline(site, sources, whole)
        if (sheets := read_outline(path)) is not None:  # made by the other render while this one waited
            return sheets
        sheets = sources_outline(site, sources, whole)
        with contextlib.suppress(OSError):
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(sheets), encoding="utf-8")
            temporary.replace(path)
            prune_outlines(cache, path)
        return sheets


KEPT_OUTLINES = 4  # outlines kept in the cache: about a megabyte each


def prune_outlines(cache: Path, made: Path, kept: int = KEPT_OUTLINES) -> None:
    """Remove all but the ``kept`` outlines in ``cache`` used last (and their locks), never the one just ``made``: a
    changed style sheet makes a new one, and nothing else removes the old."""
    others = [path for path in cache.glob("*.json") if path != made]
    with_times = []
    for path in others:
        with contextlib.suppress(FileNotFoundError):  # pruned by another render meanwhile
            with_times.append((path.stat().st_mtime_ns, path))
    for _, old in sorted(with_times, reverse=True)[kept - 1:]:
        for path in (old, old.with_suffix(".lock")):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def read_outline(path: Path) -> list[dict] | None:
    """The outline kept at ``path`` by :func:`cached_outline`; None when it is not there or cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def combined(site: Path, sources: list[str], words: set[str] | None = None,
             whole: tuple[str, ...] = KEPT_WHOLE, cache: Path | None = None) -> Pruned:
    """The style sheets ``sources`` (site paths, in the pages' order) as one, pruned for the pages of ``site``
    (those in ``whole`` are kept whole); their outline kept in ``cache`` between builds, when given."""
    words = site_words(site) if words is None else words
    counts = [0, 0]
    kept = []
    for sheet in cached_outline(site, sources, whole, cache):
        if sheet["whole"]:
            kept.extend(rule["css"] for rule in sheet["rules"])
            counts[0] += len(sheet["rules"])
        else:
            kept.extend(pruned(sheet["rules"], words, counts))
    header = SOURCES_LINE.format(sources=" ".join(sources))
    body = "\n".join(kept)
    return Pruned(f"@charset \"utf-8\";\n{header}\n{body}\n", kept=counts[0], dropped=counts[1])

def write_site_stylesheet(site: Path, sources: list[str], cache: Path | None = None) -> Pruned:
    """Write the combined, pruned style sheet of ``sources`` into ``site`` at :data:`SITE_STYLESHEET` (with
    ``cache``, see :func:`cached_outline`)."""
    result = combined(site, sources, cache=cache)
    (site / SITE_STYLESHEET).write_text(result.text, encoding="utf-8")
    return result

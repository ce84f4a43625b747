"""French typography, by rule, on the text of the French edition's pages.

The translations and the computed texts are written with ordinary spaces and keyboard characters; the French
page shows them as French typesetting asks (Imprimerie nationale, *Lexique des règles typographiques*):

- a narrow no-break space (U+202F) before ``; : ! ?`` and ``%``, inside « », and between groups of thousands;
- the minus sign (U+2212) for a negative number, the typographic apostrophe (’) inside a word;
- « s. d. » (sans date) for an undated reference.

Applied to the text of the document (never to code, maths, raw HTML, addresses or identifiers), after the glued
values are in place, so that computed texts follow the same rules as the prose.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

NARROW = "\u202f"
NO_BREAK = "\u00a0"
SPACES = f" {NO_BREAK}{NARROW}"

# An address or an identifier keeps its characters: "https://…", "doi:10.…", "arXiv:1901.03889", "10:30", "1:1".
KEPT = re.compile(r"[a-z][a-z0-9+.-]*://\S+|\b(?:doi|arXiv|hal|urn|mailto|isbn|issn):\S+|\d+:\d+|\S+@\S+\.\w+",
                  re.IGNORECASE)
SPACE_BEFORE_HIGH = re.compile(rf"[ {NO_BREAK}]([;:!?])")
NONE_BEFORE_HIGH = re.compile(r"(?<=[\w)\]»*%’'\"])([;:!?])(?=\s|$)")
OPENING_GUILLEMET = re.compile(rf"«[ {NO_BREAK}{NARROW}]?")
CLOSING_GUILLEMET = re.compile(rf"[ {NO_BREAK}{NARROW}]?»")
THOUSANDS = re.compile(rf"(?<![\d.,])(\d{{1,3}})((?:[ {NO_BREAK}]\d{{3}})+)(?![\d])")
PERCENT = re.compile(rf"([\d}}])[ {NO_BREAK}]?%")  # after a number, or a {placeholder} a number fills
MINUS = re.compile(r"(?<![\w\-−–/.])-(?=\d)")
APOSTROPHE = re.compile(r"(?<=[A-Za-zÀ-ÿ])'(?=[A-Za-zÀ-ÿ])")
UNDATED = re.compile(r"\bn\.\s?d\.")
ELISION = re.compile(r"\b([Dd])e ([Ee]xercice)\b")


def _outside_kept(text: str, change) -> str:
    """``change`` applied to the parts of ``text`` that are not an address or an identifier (:data:`KEPT`)."""
    pieces, last = [], 0
    for match in KEPT.finditer(text):
        pieces += [change(text[last:match.start()]), match.group()]
        last = match.end()
    return "".join(pieces + [change(text[last:])])


def _typeset(text: str) -> str:
    text = SPACE_BEFORE_HIGH.sub(NARROW + r"\1", text)
    text = NONE_BEFORE_HIGH.sub(NARROW + r"\1", text)
    text = OPENING_GUILLEMET.sub("«" + NARROW, text)
    text = CLOSING_GUILLEMET.sub(NARROW + "»", text)
    text = THOUSANDS.sub(lambda m: m.group(1) + re.sub(f"[ {NO_BREAK}]", NARROW, m.group(2)), text)
    text = PERCENT.sub(rf"\1{NARROW}%", text)
    text = MINUS.sub("\u2212", text)
    text = APOSTROPHE.sub("\u2019", text)
    text = UNDATED.sub(f"s.{NO_BREAK}d.", text)
    return ELISION.sub(lambda m: f"{m.group(1)}e l\u2019{m.group(2).lower()}", text)


# "de" + a noun that begins with a vowel, across two pieces of text ("Solution de" + a link "Exercice 2.1", as
# sphinx-exercise writes a solution's title): "de l’exercice".
ENDS_WITH_DE = re.compile(r"\b([Dd])e\s*$")
STARTS_WITH_ELIDED = re.compile(r"^\s*([Ee]xercice)\b")


def elided_across(before: str, after: str) -> tuple[str, str] | None:
    """``before`` ending with "de" and ``after`` starting with a noun that elides it, written "de l’" + "exercice…";
    None when the rule does not apply."""
    end, start = ENDS_WITH_DE.search(before), STARTS_WITH_ELIDED.match(after)
    if not (end and start):
        return None
    return before[: end.start()] + f"{end.group(1)}e l\u2019", start.group(1).lower() + after[start.end():]


AFTER_INLINE = re.compile(r"^[ \u00a0]?([;:!?])(?=\s|$)")


def french_after_inline(text: str) -> str:
    """Text that follows an inline element (``*Source*: …``): its first ``; : ! ?`` gets its narrow space too."""
    return AFTER_INLINE.sub(NARROW + r"\1", text)


@functools.lru_cache(maxsize=1 << 16)
def french(text: str) -> str:
    """``text`` typeset the French way (see the module); addresses and identifiers as they are. Remembered: a page's
    text is typeset twice (as it is read, and once its glued values are in place), mostly the same pieces."""
    return _outside_kept(text, _typeset)


@dataclass(frozen=True)
class Typography:
    """How one language typesets its text: a piece of text, the text that follows an inline element, two pieces
    of text on either side of an element's edge, and the words of the references' style."""

    text: Callable[[str], str]
    after_inline: Callable[[str], str]
    across: Callable[[str, str], tuple[str, str] | None]
    reference_words: dict[str, str]


# By language: the typography each edition's text gets (the English is written as it is).
TYPOGRAPHY = {"fr": Typography(text=french, after_inline=french_after_inline, across=elided_across,
                               reference_words={"In": "Dans"})}  # pybtex's plain style: "In Proceedings of …"

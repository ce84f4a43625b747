"""How the book's references are written, in each edition (styles for pybtex and sphinxcontrib-bibtex).

- ``microwork`` (the list of references): pybtex's ``plain`` style, with titles as ``references.bib`` writes
  them. ``plain`` lower-cases every title but its first letter, which made "En france", "the diplab report".
- ``microwork_fr``: the same in French: "Paola Tubaro et Antonio A. Casilli".
- ``author_year_fr`` (citations in the text): sphinxcontrib-bibtex's ``author_year``, with "Tubaro et Casilli
  [2019]".

Month names, notes and the other words of the entries themselves are translated in the French copy of
``references.bib`` (:func:`microwork.pipeline.translate.localised_bibliography`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pybtex.plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import names, sentence
from pybtex.style.template import field as entry_field
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

from ..analysis.language import and_between

FRENCH_AND = and_between("fr")  # " et ", Babel's list pattern, as in the chapters' labels


class BookStyle(PlainStyle):
    """pybtex's plain style, with each title as written."""

    def format_title(self, e: Any, which_field: str, as_sentence: bool = True) -> Any:
        title = entry_field(which_field)
        return sentence[title] if as_sentence else title


class FrenchBookStyle(BookStyle):
    """:class:`BookStyle` with the authors joined in French."""

    def format_names(self, role: str, as_sentence: bool = True) -> Any:
        joined = names(role, sep=", ", sep2=FRENCH_AND, last_sep=FRENCH_AND)
        return sentence[joined] if as_sentence else joined


@dataclass
class FrenchAuthorYear(AuthorYearReferenceStyle):
    """Author-year citations with the authors joined in French ("Tubaro et Casilli [2019]")."""

    person: PersonStyle = field(default_factory=lambda: PersonStyle(sep2=FRENCH_AND, last_sep=FRENCH_AND))


STYLES = {"microwork": BookStyle, "microwork_fr": FrenchBookStyle}
REFERENCE_STYLES = {"author_year_fr": FrenchAuthorYear}


def register_citation_styles() -> None:
    """Make the styles above known to pybtex and sphinxcontrib-bibtex by name (``bibtex_default_style``,
    ``bibtex_reference_style``)."""
    for name, style in STYLES.items():
        pybtex.plugin.register_plugin("pybtex.style.formatting", name, style, force=True)
    for name, style in REFERENCE_STYLES.items():
        register_plugin("sphinxcontrib.bibtex.style.referencing", name, style, force=True)

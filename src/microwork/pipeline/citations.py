"""How the book's references are written, in each edition (styles for pybtex and sphinxcontrib-bibtex).

Every citation and every entry of the list of references names a work as :func:`microwork.analysis.data.citation_labels`
does (as the charts and tables do): author-year, works cited by the same name in the same year told apart by a, b
("Le Ludec et al., 2019a", "…, 2019b"), a work without author by its ``key`` field (the outlet of a press article).

- ``microwork`` (the list of references): pybtex's ``plain`` style, with titles as ``references.bib`` writes
  them (``plain`` lower-cases every title but its first letter, which made "En france", "the diplab report"),
  each entry labelled by its citation ("[Le Ludec et al., 2019a]") and the list in the order of those labels.
- ``microwork_fr``: the same in French: "Paola Tubaro et Antonio A. Casilli".
- ``author_year_en``, ``author_year_fr`` (citations in the text): sphinxcontrib-bibtex's ``author_year`` with the
  book's names and years: "[Le Ludec et al., 2019a]", "Tubaro et Casilli [2019b]".

The styles are made for the ``references.bib`` of the edition being rendered (:func:`register_citation_styles`).

Month names, notes and the other words of the entries themselves are translated in the French copy of
``references.bib`` (:func:`microwork.pipeline.translate.localised_bibliography`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pybtex.plugin
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import names, sentence
from pybtex.style.template import field as entry_field
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle, BasicAuthorYearTextualReferenceStyle)
from sphinxcontrib.bibtex.style.referencing.extra_author import ExtraAuthorReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_empty import ExtraEmptyReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_label import ExtraLabelReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_year import ExtraYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join, join2, node, post_text, pre_text, reference

from ..analysis.data import bibliography_fields, citation_labels
from ..analysis.language import and_between

FRENCH_AND = and_between("fr")  # " et ", Babel's list pattern, as in the chapters' labels
Labels = dict[str, tuple[str, str]]  # key: (who, year), as citation_labels gives them


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


def folded(text: str) -> str:
    """``text`` for sorting: without accents, case folded ("Kässi" with "Kassi", "Urzì" with "Urzi")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def label_of(labels: Labels, key: str) -> str:
    """The label of an entry in the list of references: its citation, "Le Ludec et al., 2019a"."""
    who, year = labels[key]
    return f"{who}, {year}"


@node
def cited_name(children: list, data: dict) -> Text:
    """The name a citation gives the work (the reference style's ``labels``)."""
    return Text(data["style"].labels[data["entry"].key][0])


@node
def cited_year(children: list, data: dict) -> Text:
    """The year a citation gives the work, with its a, b… (the reference style's ``labels``)."""
    return Text(data["style"].labels[data["entry"].key][1])


@dataclass
class CitedParenthetical(BasicAuthorYearParentheticalReferenceStyle):
    """"[Le Ludec et al., 2019a]": sphinxcontrib-bibtex's, with the book's names and years."""

    labels: Labels = field(default_factory=dict)

    def inner(self, role_name: str) -> Any:
        return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            pre_text, reference[join(sep=self.author_year_sep)[cited_name, cited_year]], post_text]


@dataclass
class CitedTextual(BasicAuthorYearTextualReferenceStyle):
    """"Tubaro and Casilli [2019b]": sphinxcontrib-bibtex's, with the book's names and years."""

    labels: Labels = field(default_factory=dict)

    def inner(self, role_name: str) -> Any:
        return join(sep=self.text_reference_sep)[
            cited_name,
            join[self.bracket.left,
                 join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[pre_text, reference[cited_year], post_text],
                 self.bracket.right]]


@dataclass
class BookAuthorYear(AuthorYearReferenceStyle):
    """Author-year citations as the book names works (:data:`Labels`); the other roles as sphinxcontrib-bibtex's."""

    labels: Labels = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.styles.extend([
            CitedParenthetical(bracket=self.bracket_parenthetical, person=self.person,
                               author_year_sep=self.author_year_sep, pre_text_sep=self.pre_text_sep,
                               post_text_sep=self.post_text_sep, labels=self.labels),
            CitedTextual(bracket=self.bracket_textual, person=self.person, text_reference_sep=self.text_reference_sep,
                         pre_text_sep=self.pre_text_sep, post_text_sep=self.post_text_sep, labels=self.labels),
            ExtraAuthorReferenceStyle(bracket=self.bracket_author, person=self.person),
            ExtraLabelReferenceStyle(bracket=self.bracket_label),
            ExtraYearReferenceStyle(bracket=self.bracket_year),
            ExtraEmptyReferenceStyle(),
        ])
        self.role_style.update((role, style) for style in self.styles for role in style.role_names())


def made_for(labels: Labels, language: str) -> dict[str, dict[str, type]]:
    """The styles of an edition whose works are cited as ``labels`` say: the list of references (its labels and
    order) and the citations, by plugin group and name."""

    class CitationLabels(BaseLabelStyle):
        """Each entry of the list labelled by its citation."""

        def format_labels(self, sorted_entries: Any) -> Any:
            for entry in sorted_entries:
                yield label_of(labels, entry.key)

    class CitationOrder(BaseSortingStyle):
        """The list in the order of its labels: by name (accents and case aside), then year."""

        def sorting_key(self, entry: Any) -> tuple[str, str]:
            who, year = labels[entry.key]
            return folded(who), year

    base = FrenchBookStyle if language == "fr" else BookStyle
    book_style = type(base.__name__, (base,), {"default_label_style": CitationLabels,
                                               "default_sorting_style": CitationOrder})
    person = PersonStyle(sep2=FRENCH_AND, last_sep=FRENCH_AND) if language == "fr" else PersonStyle()

    @dataclass
    class EditionAuthorYear(BookAuthorYear):
        """:class:`BookAuthorYear` for this edition's ``references.bib``."""

        person: PersonStyle = field(default_factory=lambda: person)
        labels: Labels = field(default_factory=lambda: labels)

    return {"pybtex.style.formatting": {f"microwork_{language}" if language != "en" else "microwork": book_style},
            "sphinxcontrib.bibtex.style.referencing": {f"author_year_{language}": EditionAuthorYear}}


def edition_labels(bibliography: Path, language: str) -> Labels:
    """How the edition in ``language`` cites the works of its ``references.bib`` (none if there is no such file)."""
    if not bibliography.is_file():
        return {}
    return citation_labels(bibliography_fields(bibliography.read_text(encoding="utf-8")), and_between(language))


def register_citation_styles(bibliography: Path, language: str = "en") -> None:
    """Make the styles of the edition in ``language`` (whose references are ``bibliography``) known to pybtex and
    sphinxcontrib-bibtex by name (``bibtex_default_style``, ``bibtex_reference_style``)."""
    for group, styles in made_for(edition_labels(bibliography, language), language).items():
        for name, style in styles.items():
            if group.startswith("pybtex"):
                pybtex.plugin.register_plugin(group, name, style, force=True)
            else:
                register_plugin(group, name, style, force=True)

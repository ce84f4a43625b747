"""The site's search finds numbers and names as readers type them.

Sphinx's search skips a query word made of digits, so "266" or "14903" found nothing, and it keeps accents, so
"Sénat" did not find "Senate". The book's search languages (English and French, Sphinx's own with two changes)
index and look up the same words in the same form, in Python when the index is written and in JavaScript when a
reader searches:

- accents folded: "Sénat" and "Senate" meet at "senat";
- a number written with thousands separators is also indexed whole ("14,903" and « 14 903 » as 14903), and
  every number is indexed with a letter before it ("n14903", "n266"), which Sphinx's script does not skip.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sphinx.search import SearchLanguage, languages
from sphinx.search.en import SearchEnglish
from sphinx.search.fr import SearchFrench

# A number with thousands separators, as the two editions write it: 14,903 · 14 903 (no-break or narrow spaces).
GROUPED_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?![\d]|[.,]\d)")
NUMBER_MARK = "n"

# The same rules for the query, in the reader's browser (Sphinx puts this code before its search script, which
# then uses this splitQuery).
SPLIT_QUERY = r"""
var splitQuery = (query) => {
  const grouped = /(^|[^\d.,])(\d{1,3}(?:[,\u00a0\u202f ]\d{3})+)(?![\d]|[.,]\d)/gu;
  const whole = query.replace(grouped, (match, before, number) => before + number.replace(/[^\d]/gu, ""));
  return whole.normalize("NFD").replace(/\p{M}/gu, "")
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .filter(term => term)
    .map(term => /^\d+$/.test(term) ? "%s" + term : term);
};
""" % NUMBER_MARK


def folded(word: str) -> str:
    """``word`` without its accents ("Sénat" → "Senat")."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def searchable_words(words: list[str], text: str) -> list[str]:
    """The words of ``text`` as the index keeps them: accents folded, numbers marked, grouped numbers also whole."""
    found = [folded(word) for word in words]
    found += [re.sub(r"\D", "", number.group()) for number in GROUPED_NUMBER.finditer(text)]
    return [NUMBER_MARK + word if word.isdigit() else word for word in found]


def readers_search(base: type[SearchLanguage]) -> type[SearchLanguage]:
    """Sphinx's search language ``base`` with the readers' rules above."""

    class ReadersSearch(base):  # type: ignore[valid-type, misc]
        js_splitter_code = SPLIT_QUERY

        def split(self, input: str) -> list[str]:
            return searchable_words(super().split(input), input)

        def stem(self, word: str) -> str:
            """Sphinx's stem of ``word``, worked out once per render: Sphinx remembers a word's stem only within one
            page. The pinned PyStemmer stems in C; without it (snowballstemmer's Python), stemming was a fifth of
            the French edition's writing time."""
            if (known := self.stems.get(word)) is None:
                known = self.stems[word] = super().stem(word)
            return known

        def init(self, options: dict) -> None:
            super().init(options)
            self.stems: dict[str, str] = {}

    ReadersSearch.__name__ = f"Readers{base.__name__}"
    return ReadersSearch


def register_search_languages(app: Any) -> None:
    """Use the readers' search languages for the book's two editions (Sphinx looks them up by language code)."""
    languages["en"] = readers_search(SearchEnglish)
    languages["fr"] = readers_search(SearchFrench)

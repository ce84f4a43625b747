"""The book's two languages, as the chapters' code sees them: English, and French marks for the render to fill.

A chapter is executed once, in English. Each thing it shows (a table, a chart, a glued text) is also made a
second time in a *French pass* (:func:`french_pass`), and kept in the output's metadata for the French edition:

- numbers are written the French way at once, with Babel's ``fr_FR`` symbols (14 903 with a narrow no-break
  space, 5,6 %, see :func:`french_number`);
- every text a reader sees (a title, an axis, a header, a text cell from ``data/``) is not translated in the
  kernel: :func:`words` wraps the English in a *mark* (private-use characters around it). The French edition's
  render replaces each mark by its translation from the gettext catalogs (:mod:`microwork.pipeline.translate`).

So editing a translation re-renders the French edition and re-executes nothing, and the English text inside a
mark is exactly the ``msgid`` a translator sees.
"""

from __future__ import annotations

import contextvars
import json
import math
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

LANGUAGES = ("en", "fr")
SOURCE_LANGUAGE = "en"
BABEL_LOCALES = {"en": "en_GB", "fr": "fr_FR"}

# A mark: OPEN, the English text, CLOSE. A mark with something to do besides translating (fill a template,
# wrap lines) holds JSON between TEMPLATE_OPEN and TEMPLATE_CLOSE. Data may not contain these characters
# (microwork.analysis.validate refuses them), so a mark cannot come from data.
OPEN, CLOSE, TEMPLATE_OPEN, TEMPLATE_CLOSE = "\ue000", "\ue001", "\ue002", "\ue003"
MARK_CHARACTERS = OPEN + CLOSE + TEMPLATE_OPEN + TEMPLATE_CLOSE
SIMPLE_MARK = re.compile(f"{OPEN}([^{MARK_CHARACTERS}]*){CLOSE}")
TEMPLATE_MARK = re.compile(f"{TEMPLATE_OPEN}([^{MARK_CHARACTERS}]*){TEMPLATE_CLOSE}")

# MICROWORK_EDITIONS=en makes the English edition only (no French pass, no French render): the benchmark's
# English-only build, to measure what the French edition costs.
EDITIONS_VARIABLE = "MICROWORK_EDITIONS"


def editions() -> tuple[str, ...]:
    """The languages the build makes: :data:`LANGUAGES`, or those of ``MICROWORK_EDITIONS`` (e.g. "en")."""
    import os

    chosen = tuple(l.strip() for l in os.environ.get(EDITIONS_VARIABLE, "").split(",") if l.strip())
    unknown = [l for l in chosen if l not in LANGUAGES]
    if unknown or (chosen and SOURCE_LANGUAGE not in chosen):
        raise ValueError(f"{EDITIONS_VARIABLE}={os.environ[EDITIONS_VARIABLE]!r}: give languages among "
                         f"{', '.join(LANGUAGES)}, English included")
    return chosen or LANGUAGES


_current: contextvars.ContextVar[str] = contextvars.ContextVar("microwork_language", default=SOURCE_LANGUAGE)


def current() -> str:
    """The language being written: "en", or "fr" during a French pass."""
    return _current.get()


def making_french() -> bool:
    """Whether the build makes the French edition (so chapters make their outputs a second time, in French)."""
    return "fr" in editions()


@contextmanager
def french_pass() -> Iterator[None]:
    """Within this block, :func:`words` marks text for translation and numbers are written the French way."""
    token = _current.set("fr")
    try:
        yield
    finally:
        _current.reset(token)


def has_letters(text: str) -> bool:
    """True when ``text`` has a letter: only such text is translated (not "2019-05", "1.3.0" or "—")."""
    return any(character.isalpha() for character in text)


# A number inside a text ("50,000", "1.27", "2019"), not part of a word, a code or a version ("LTC2019en", "0.1.0").
# "260.000" (French thousands with a dot, as the French press prints them, e.g. in a quoted title) is not a number
# in English form: it is left as it is.
# A number after an identifier's name ("arXiv 1901.03889", "DOI 10.1145/…") is part of the identifier: never
# localised ("arXiv 1901,03889" would name no paper).
IDENTIFIER_BEFORE = r"(?<!arXiv )(?<!arXiv:)(?<!DOI )(?<!doi:)(?<!ISSN )(?<!ISBN )(?<!HAL )(?<!hal-)"
NUMBER_IN_TEXT = re.compile(rf"{IDENTIFIER_BEFORE}(?<![\w.,])\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?![\w.,]?\w)|"
                            rf"{IDENTIFIER_BEFORE}(?<![\w.,])(?!\d{{1,3}}(?:\.000)+(?![\d.]))\d+(?:\.\d+)?(?![\w]|[.,]\d)")


def words(text: object) -> str:
    """Text a reader sees: as it is in English; in a French pass, marked for translation (see the module).

    The numbers inside a text are left out of what is translated: "Single division by this run's 1.27" is
    translated as "Single division by this run's {n1}", and the render puts 1,27 in its place (so the translation
    holds for every value of a parameter, and no English-form number reaches the French edition).
    """
    text = str(text)
    if current() == SOURCE_LANGUAGE or OPEN in text or TEMPLATE_OPEN in text:
        return text
    if not has_letters(text):  # "266,126", "≈ 500,000": nothing to translate, the numbers written the French way
        return NUMBER_IN_TEXT.sub(lambda match: french_number(match.group()), text)
    numbers = NUMBER_IN_TEXT.findall(text)
    if not numbers:
        return f"{OPEN}{text}{CLOSE}"
    count = iter(range(1, len(numbers) + 1))
    shape = NUMBER_IN_TEXT.sub(lambda match: f"{{n{next(count)}}}", text.replace("{", "{{").replace("}", "}}"))
    return template(shape, **{f"n{i}": french_number(n) for i, n in enumerate(numbers, start=1)})


def template(text: str, **values: object) -> str:
    """``text.format(**values)``; in a French pass, a mark the render fills once it has translated ``text``
    (the values are written in the language already: numbers the French way, texts as marks)."""
    if current() == SOURCE_LANGUAGE or not has_letters(text.format(**{k: "" for k in values})):
        return text.format(**values)
    return template_mark(text, values={k: str(v) for k, v in values.items()})


def template_mark(text: str, **instructions: object) -> str:
    """A mark for the render: the English ``text`` and what to do with its translation (fill ``values``, ``wrap``
    it into lines joined by new lines, cut it into a list of ``lines``)."""
    return TEMPLATE_OPEN + json.dumps({"text": text, **instructions}, ensure_ascii=False) + TEMPLATE_CLOSE


def verbatim_words(text: object) -> str:
    """Text placed where Markdown is not parsed (a role's content, a directive's option): in a French pass, a mark
    whose translation the render inserts as it is, without Markdown escapes."""
    text = str(text)
    if current() == SOURCE_LANGUAGE or not has_letters(text):
        return text
    return template_mark(text, values={})


def wrapped_words(text: object, width: int) -> str:
    """In a French pass, a mark whose translation the render cuts into lines of ``width`` characters joined by new
    lines (a chart's category label); in English, the text as it is (the caller wraps it)."""
    return template_mark(str(text), wrap=width)


def lines_of_words(text: object, width: int) -> str:
    """In a French pass, a mark that the render turns into a list of lines of ``width`` characters (a chart
    title, which Vega-Lite draws on several lines when given a list)."""
    return template_mark(str(text), lines=width)


def babel_symbols(language: str) -> dict[str, str]:
    """How numbers are written in ``language`` by Babel's CLDR data: group and decimal separators, and the
    percent sign with the space before it."""
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = BABEL_LOCALES[language]
    percent = Locale.parse(locale).percent_formats[None].pattern  # '#,##0\xa0%' in French
    percent = percent[percent.rindex("0") + 1:]
    if language == "fr":  # French typesetting puts a narrow no-break space before %, as between thousands
        percent = percent.replace("\u00a0", "\u202f")
    return {"group": get_group_symbol(locale), "decimal": get_decimal_symbol(locale), "percent": percent,
            "minus": "\u2212" if language == "fr" else "-"}


def french_number(english: str) -> str:
    """A number written by Python's format mini-language ("14,903", "5.6%", "-12.3%") as French writes it:
    "14 903", "5,6 %", "−12,3 %" (Babel's ``fr_FR`` symbols; a narrow no-break space before %, the minus sign)."""
    symbols = babel_symbols("fr")
    swapped = english.translate(str.maketrans({",": symbols["group"], ".": symbols["decimal"], "-": symbols["minus"]}))
    return swapped.replace("%", symbols["percent"])


def number(value: float, spec: str) -> str:
    """``format(value, spec)`` in the language being written."""
    text = format(value, spec)
    return text if current() == SOURCE_LANGUAGE else french_number(text)


def plural_category(count: float, language: str | None = None) -> str:
    """The CLDR plural category of ``count`` in ``language`` (the one being written by default), by Babel:
    "one" for 1 in English but for 0 and 1 in French, else "other" (or "many", which French uses for a million)."""
    from babel import Locale

    return Locale.parse(BABEL_LOCALES[language or current()]).plural_form(count)


def counted(count: int, one: str, other: str) -> str:
    """A count and the words that agree with it, in the language being written: ``one`` or ``other`` (English
    texts with a ``{n}`` field) chosen by the language's plural rule, so that English writes "1 article",
    "0 articles" and French « 0 article », « 2 articles »; in a French pass, a mark whose translation (of the
    chosen English form) the render fills with the French number."""
    form = one if plural_category(count) == "one" else other
    if current() == SOURCE_LANGUAGE:
        return form.format(n=number(count, ",d"))
    return template_mark(form, values={"n": number(count, ",d")}, forms=[one, other])


def count_in_words(value: float) -> str:
    """A round count as an axis writes it in the language being written: in figures below a million ("100,000",
    « 100 000 »), else in CLDR's long compact form with the word agreeing with the number shown ("1 million",
    "10 million", "1 billion"; « 1 million », « 10 millions », « 1 milliard »)."""
    from babel import Locale
    from babel.numbers import format_decimal

    locale = Locale.parse(BABEL_LOCALES[current()])
    if value < 1e6:
        return number(value, ",.0f")
    power = int(math.log10(value) // 3 * 3)  # 6 (millions), 9 (billions), ...
    shown = value / 10 ** power
    patterns = locale.compact_decimal_formats["long"]
    pattern = patterns[plural_category(shown) if plural_category(shown) in patterns else "other"][str(10 ** power)]
    return pattern.prefix[0] + format_decimal(shown, locale=locale) + pattern.suffix[0]


def in_language(text: str) -> str:
    """A number already written in English ("14,903") in the language being written."""
    return text if current() == SOURCE_LANGUAGE else french_number(text)


def unit_text(unit: str) -> str:
    """A unit after a number (" %", " persons") in the language being written: " %" becomes the French percent
    sign with its no-break space; a unit in words is marked for translation."""
    if current() == SOURCE_LANGUAGE or not unit.strip():
        return unit
    if unit.strip() == "%":
        return babel_symbols(current())["percent"]
    return " " + words(unit.strip())


def vega_locale(language: str) -> Mapping[str, object] | None:
    """The number format locale a chart is drawn with (d3-format's shape), from Babel's symbols; None for
    English (Vega's default)."""
    if language == SOURCE_LANGUAGE:
        return None
    symbols = babel_symbols(language)
    return {"decimal": symbols["decimal"], "thousands": symbols["group"], "grouping": [3],
            "currency": ["", "\u00a0€"], "percent": symbols["percent"], "minus": symbols["minus"]}


def vega_time_locale(language: str) -> Mapping[str, object] | None:
    """The date locale a chart is drawn with (d3-time-format's shape: month and day names), from Babel's CLDR
    data; None for English."""
    if language == SOURCE_LANGUAGE:
        return None
    from babel.dates import get_day_names, get_month_names, get_period_names

    locale = BABEL_LOCALES[language]
    days = [get_day_names(width, locale=locale) for width in ("wide", "abbreviated")]
    months = [get_month_names(width, locale=locale) for width in ("wide", "abbreviated")]
    periods = get_period_names(locale=locale)  # AM and PM: unused by the charts, required by d3
    return {"dateTime": "%A %e %B %Y à %X", "date": "%d/%m/%Y", "time": "%H:%M:%S",
            "periods": [periods.get("am", "AM"), periods.get("pm", "PM")],
            "days": [days[0][(i + 6) % 7] for i in range(7)], "shortDays": [days[1][(i + 6) % 7] for i in range(7)],
            "months": [months[0][i] for i in range(1, 13)], "shortMonths": [months[1][i] for i in range(1, 13)]}


def date_text(iso: str) -> str:
    """An ISO date ("2019-10-16") in words in the language being written: "16 October 2019", "16 octobre 2019"
    (Babel's long date format without the weekday)."""
    import datetime

    from babel.dates import format_date

    return format_date(datetime.date.fromisoformat(iso), "d MMMM y", locale=BABEL_LOCALES[current()])


def and_between(language: str | None = None) -> str:
    """What joins the last two names of a list in ``language`` (the one being written by default), from Babel's
    CLDR list patterns: " and ", " et "."""
    from babel import Locale

    pattern = Locale.parse(BABEL_LOCALES[language or current()]).list_patterns["standard"]["2"]
    return pattern.replace("{0}", "").replace("{1}", "")

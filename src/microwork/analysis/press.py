"""The reception chapter: which figures the press repeated, and what each one really is."""

from __future__ import annotations

import re

import pandas as pd

from .checks import relative_gap

# A count written with thousands separators, the French way (260 000, 260.000) or the English way
# (260,000), or plainly with five digits or more. A plain four-digit number is taken for a year.
NUMBER = re.compile(r"(?<![\d])(\d{1,3}(?:[ .,\u00a0\u202f]\d{3})+|\d{5,})(?![\d])")


def numbers_in(text: str) -> list[int]:
    """The numbers of 1,000 or more written in ``text`` (thousands separators of any kind)."""
    return [int(re.sub(r"\D", "", match)) for match in NUMBER.findall(text) if int(re.sub(r"\D", "", match)) >= 1000]


def figure_of(row: pd.Series) -> int | None:
    """The figure an article put forward: in its headline, or recorded from its text."""
    found = numbers_in(row["headline"])
    if found:
        return found[0]
    return None if pd.isna(row["quoted_figure"]) else int(row["quoted_figure"])



def closest_reading(figure: float, candidates: dict[str, float], tolerance: float = 0.10) -> str:
    """The study count nearest to a press ``figure``, if within ``tolerance``, else 'none of the study's counts'.

    The gap is measured relative to the press figure, as the reproduction report measures it
    relative to the published figure (:func:`microwork.checks.relative_gap`).
    """
    name, target = min(candidates.items(), key=lambda item: relative_gap(figure, item[1]))
    return name if relative_gap(figure, target) <= tolerance else "none of the study's counts"


# The headers readers see for the columns this module computes (see book.markdown_table).
HEADERS = {"figure": "Figure", "reading": "Study count it matches"}


def figures_in_press(press: pd.DataFrame, candidates: dict[str, float], tolerance: float = 0.10) -> pd.DataFrame:
    """One row per article that states a figure, with the study count it corresponds to (within ``tolerance``)."""
    frame = press.assign(figure=press.apply(figure_of, axis=1)).dropna(subset=["figure"])
    frame["figure"] = frame["figure"].astype(int)
    frame["reading"] = frame["figure"].map(lambda f: closest_reading(f, candidates, tolerance))
    return frame[["outlet", "month", "headline", "figure", "reading", "listed_by_diplab", "source"]]


def articles_per_month(press: pd.DataFrame) -> pd.DataFrame:
    """Number of dated articles per month."""
    dated = press.dropna(subset=["month"])
    return dated.groupby("month").size().rename("articles").reset_index()

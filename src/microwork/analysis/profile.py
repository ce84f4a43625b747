"""The profile chapter: survey shares side by side with their populations and denominators."""

from __future__ import annotations

import pandas as pd

from .data import source_labels
from .readable import stated

def stated_row(row: pd.Series) -> str:
    """A survey figure as its source states it, e.g. 'about 22 %' or 'more than 60 %'."""
    unit = " %" if row["unit"] == "percent" else f" {row['unit']}"
    high = row.get("value_high")
    return stated(row["value"], row["comparator"], None if pd.isna(high) else high, unit, words=True)


def by_topic(survey: pd.DataFrame, topic: str) -> pd.DataFrame:
    """The rows of one topic, with the figure as stated and its population and denominator."""
    rows = survey[survey["topic"] == topic]
    return pd.DataFrame({
        "what": rows["description"],
        "figure": rows.apply(stated_row, axis=1),
        "population": rows["population"],
        "denominator": rows["denominator"],
        "source": rows["source"],
    })


def value(survey: pd.DataFrame, indicator: str) -> float:
    """One indicator's value."""
    return float(survey.set_index("indicator").loc[indicator, "value"])


def derived(survey: pd.DataFrame) -> dict[str, float]:
    """Quantities this book derives from the published shares (arithmetic, not claims of the sources)."""
    return {
        "full_time_permanent_share": value(survey, "permanent_contract") * value(survey, "full_time_among_cdi") / 100,
        "poverty_ratio": value(survey, "poverty") / value(survey, "poverty_benchmark"),
        "yearly_income": value(survey, "income_mean") * 12,
        "men_share": 100 - value(survey, "women_afp"),
        "platforms_over_accounts": value(survey, "platforms_per_respondent") / value(survey, "accounts_per_person_figaro"),
    }


def same_statistic_pairs(survey: pd.DataFrame) -> list[tuple[str, str]]:
    """(more precise, other) indicator pairs that may print one statistic twice: ``same_statistic_as`` in the data."""
    rows = survey[survey["same_statistic_as"].notna()]
    return list(zip(rows["same_statistic_as"], rows["indicator"]))


def is_rounding(precise: pd.Series, other: pd.Series) -> bool:
    """True when ``other`` can be a rounding of ``precise``: same whole number, same denominator."""
    return round(precise["value"]) == round(other["value"]) and precise["denominator"] == other["denominator"]


# The headers readers see for the columns this module computes (see book.markdown_table).
HEADERS = {"statistic": "Statistic", "precise": "Precise figure", "precise_source": "Printed by",
           "rounded": "Rounded figure", "rounded_source": "Rounded by", "same_denominator": "Same denominator",
           "verdict": "Verdict", "what": "What is measured", "figure": "Figure"}


def same_figure_twice(survey: pd.DataFrame) -> pd.DataFrame:
    """Pairs of rows that print the same statistic in two sources: is one a rounding of the other?"""
    indexed = survey.set_index("indicator")
    rows = []
    for precise, rounded in same_statistic_pairs(survey):
        a, b = indexed.loc[precise], indexed.loc[rounded]
        rows.append({
            "statistic": a["description"],
            "precise": f"{a['value']:g}",
            "precise_source": a["source"],
            "rounded": f"{b['value']:g}",
            "rounded_source": b["source"],
            "same_denominator": a["denominator"] == b["denominator"],
            "verdict": "a rounding of the same figure" if is_rounding(a, b) else "not shown to be the same statistic: "
            + ("denominators differ or are not stated" if a["denominator"] != b["denominator"] else "values differ"),
        })
    return pd.DataFrame(rows)


def profile_checks(survey: pd.DataFrame, reason: str, published: pd.DataFrame | None = None) -> list:
    """A status for every survey figure: a rounding of a more precise figure of the same statistic is consistent,
    and so is a row that quotes again a figure of ``published`` (``published_figures``, by its ``restates``) with
    the same value; the rest reported with ``reason`` (the survey's reason in ``data/report_reasons.csv``)."""
    from . import checks as ck

    indexed, cited = survey.set_index("indicator"), source_labels(marked=False)  # inside a translated text
    roundings = []
    for precise, rounded in same_statistic_pairs(survey):
        a, b = indexed.loc[precise], indexed.loc[rounded]
        if is_rounding(a, b):
            roundings.append(ck.consistent(rounded, b["value"], a["value"], precise,
                                           f"a rounding of {a['value']:g} % ({cited[a['source']]}), same denominator"))
    return ck.reported_otherwise(survey["indicator"], roundings + restated_figures(survey, published), default=reason)


def restated_figures(survey: pd.DataFrame, published: pd.DataFrame | None) -> list:
    """A check for each survey row whose ``restates`` names a figure of ``published``: consistent when the row
    quotes the same value (or a rounding of it), reported otherwise (see :func:`~microwork.analysis.checks.consistent`)."""
    from . import checks as ck

    if published is None or "restates" not in survey:
        return []
    figures, cited, found = published.set_index("figure_id"), source_labels(marked=False), []  # inside a translated text
    for _, row in survey[survey["restates"].notna()].iterrows():
        figure = figures.loc[row["restates"]]
        found.append(ck.consistent(row["indicator"], float(row["value"]), float(figure["value"]), row["restates"],
                                   f"quotes again the figure for {figure['description']} ({cited[figure['source']]})",
                                   row["comparator"]))
    return found

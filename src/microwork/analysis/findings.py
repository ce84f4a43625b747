"""What the front page says the study found: the three published counts, the survey's headline profile, and how
sure the book is of them (its statuses), each computed from the data package as the chapters compute them."""

from __future__ import annotations

import pandas as pd

from .data import load_table

# The survey's headline figures on the front page: the study's own words at the Senate (seen in the source).
HEADLINE_PROFILE = ("women_senate", "age_25_44_senate", "poverty", "poverty_benchmark", "main_job", "income_mean")


def published_counts() -> dict[str, int]:
    """The three published counts of people who micro-work in France, by population (``very_active``,
    ``routine``, ``casual``), from ``size_tiers``."""
    tiers = load_table("size_tiers")
    return {str(tier): int(persons) for tier, persons in zip(tiers["tier"], tiers["persons"])}


def headline_profile() -> dict[str, float]:
    """The survey's headline figures (:data:`HEADLINE_PROFILE`), by indicator, from ``survey_profile``."""
    survey = load_table("survey_profile").set_index("indicator")
    return {name: float(survey.loc[name, "value"]) for name in HEADLINE_PROFILE}


def statuses_of_the_counts(checks: pd.DataFrame) -> dict[str, str]:
    """The book's status for each published count, by population (``very_active``, ``routine``, ``casual``): the
    status of the published figure ``tier_<population>`` in the reproduction ``checks``
    (:func:`~microwork.analysis.reproduce.collect_checks`)."""
    by_figure = checks.set_index("figure_id")
    return {tier: str(by_figure.loc[f"tier_{tier}", "status"]) for tier in published_counts()}

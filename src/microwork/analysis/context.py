"""The debate and international chapters: estimates from many sources, set side by side."""

from __future__ import annotations

import pandas as pd

STUDY_SOURCES = {"LTC2019en", "LTC2019fr", "Senate2019", "DiPLab2019"}
CRITIQUE_SOURCES = {"BGS2019conv", "BGS2019wp", "PoleEmploi2019b"}


def who_said_it(row: pd.Series) -> str:
    """Classify a published figure by who put it forward and how."""
    if row["flag"] == "misreading":
        return "press misreading"
    if row["source"] in STUDY_SOURCES:
        return "study, 2019" + (" (rounded)" if row["flag"] == "rounded" else "")
    if row["source"] == "TLC2020":
        return "study, 2020 restatement"
    if row["source"] in CRITIQUE_SOURCES:
        return "critique and its coverage"
    return "press coverage of the study"


def estimates_side_by_side(published: pd.DataFrame) -> pd.DataFrame:
    """Every published count of people micro-working in France, labelled by who put it forward."""
    counts = published[(published["unit"] == "persons") & published["chapter"].isin(["size", "debate"])].copy()
    counts["who"] = counts.apply(who_said_it, axis=1)
    counts["label"] = counts["description"] + " (" + counts["source"] + ")"
    return counts.sort_values("value", ascending=False)[
        ["figure_id", "label", "comparator", "value", "who", "source", "locator", "flag"]]


def counts_of_people(estimates: pd.DataFrame) -> pd.DataFrame:
    """International estimates that count people or profiles (not shares, pay or coefficients)."""
    counted = estimates[estimates["unit"].isin(["persons", "profiles", "full-time equivalents"])].copy()
    year = counted["year"].map(lambda y: "year not given" if pd.isna(y) else str(int(y)))
    counted["label"] = counted["measure"] + " (" + counted["source"] + ", " + year + ")"
    return counted


def by_unit(estimates: pd.DataFrame) -> pd.DataFrame:
    """How many estimates use each unit."""
    return estimates.groupby("unit").size().rename("estimates").reset_index().sort_values("estimates", ascending=False)

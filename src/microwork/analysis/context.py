"""The debate and international chapters: estimates from many sources, set side by side."""

from __future__ import annotations

import pandas as pd

from .data import source_labels


def who_said_it(row: pd.Series, restated_by: str | None = None) -> str:
    """Who put a published figure forward and how: its ``put_forward_by``, or "press misreading".

    ``restated_by`` is the ``put_forward_by`` of the figure the row restates: a rounding of a figure
    the same side put forward is marked "(rounded)".
    """
    if row["flag"] == "misreading":
        return "press misreading"
    rounded_own = row["flag"] == "rounded" and restated_by == row["put_forward_by"]
    return row["put_forward_by"] + (" (rounded)" if rounded_own else "")


def estimates_side_by_side(published: pd.DataFrame, cited: dict[str, str] | None = None) -> pd.DataFrame:
    """Every published count of people micro-working in France, labelled by who put it forward.

    Each ``label`` names its source author-year (``cited``: key to label, by default from the bibliography)."""
    cited = source_labels() if cited is None else cited
    counts = published[(published["unit"] == "persons") & published["chapter"].isin(["size", "debate"])].copy()
    unlabelled = counts.loc[counts["put_forward_by"].isna(), "figure_id"]
    if len(unlabelled):
        raise ValueError(f"counts of people without put_forward_by in published_figures: {', '.join(unlabelled)}")
    side = published.set_index("figure_id")["put_forward_by"]
    counts["who"] = [who_said_it(row, side.get(row["restates"])) for _, row in counts.iterrows()]
    counts["label"] = counts["description"] + " (" + counts["source"].map(cited).fillna(counts["source"]) + ")"
    return counts.sort_values("value", ascending=False)[
        ["figure_id", "label", "comparator", "value", "who", "source", "locator", "flag"]]


def counts_of_people(estimates: pd.DataFrame, cited: dict[str, str] | None = None) -> pd.DataFrame:
    """International estimates that count people or profiles (not shares, pay or coefficients).

    Each ``label`` gives the year the figure is for, then its source author-year (``cited``, as above)."""
    cited = source_labels() if cited is None else cited
    counted = estimates[estimates["unit"].isin(["persons", "profiles", "full-time equivalents"])].copy()
    year = counted["year"].map(lambda y: "year not given" if pd.isna(y) else str(int(y)))
    counted["label"] = counted["measure"] + ", " + year + " (" + counted["source"].map(cited).fillna(counted["source"]) + ")"
    return counted


def by_unit(estimates: pd.DataFrame) -> pd.DataFrame:
    """How many estimates use each unit."""
    return estimates.groupby("unit").size().rename("estimates").reset_index().sort_values("estimates", ascending=False)

"""Compare published figures with what the book computes, and give each a status.

Statuses:

``reproduced``
    the book recomputes the figure from public inputs at their published values,
    within a stated relative tolerance;
``calibrated``
    the book matches the figure only with a parameter chosen to match it (named);
``reported``
    reported as published: no public inputs allow recomputing it;
``contradicted``
    the book recomputes it from public inputs and gets something else.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

STATUSES = ("reproduced", "calibrated", "reported", "contradicted")
EXACT = 0.0005      # relative tolerance for figures printed to the unit
ROUNDED = 0.05      # relative tolerance for figures printed as round numbers


@dataclass(frozen=True)
class Check:
    """The book's verdict on one published figure."""

    figure_id: str
    status: str
    book_value: float | None
    tolerance: float | None
    parameter: str | None
    reason: str

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")


def relative_gap(published: float, computed: float) -> float:
    """|computed - published| / published."""
    return abs(computed - published) / abs(published)


def recomputed(
    figure_id: str, published: float, computed: float, tolerance: float, reason: str, comparator: str = "="
) -> Check:
    """A figure the book recomputes from public inputs: reproduced or contradicted.

    With ``comparator`` ``>`` (or ``<``) the published figure is a bound: it is reproduced
    when the computed value lies above (or below) it.
    """
    if comparator in (">", "<"):
        holds = computed > published if comparator == ">" else computed < published
        return Check(figure_id, "reproduced" if holds else "contradicted", float(computed), None, None,
                     f"{reason} (the source says {comparator} {published:,.10g}; the book finds {computed:,.10g})")
    gap = relative_gap(published, computed)
    status = "reproduced" if gap <= tolerance else "contradicted"
    return Check(figure_id, status, float(computed), tolerance, None,
                 f"{reason} (gap {gap:.2%}, tolerance {tolerance:.2%})")


def calibrated(figure_id: str, computed: float, parameter: str, reason: str) -> Check:
    """A figure matched only through a parameter chosen to match it."""
    return Check(figure_id, "calibrated", float(computed), None, parameter, reason)


def reported(figure_id: str, reason: str) -> Check:
    """A figure the book cannot recompute from public inputs."""
    return Check(figure_id, "reported", None, None, None, reason)


def checks_table(published: pd.DataFrame, checks: list[Check]) -> pd.DataFrame:
    """Join the published figures with the book's checks; every published row of the chapters checked must have one."""
    frame = pd.DataFrame([asdict(c) for c in checks])
    missing = set(published["figure_id"]) - set(frame["figure_id"])
    if missing:
        raise ValueError(f"published figures without a check: {', '.join(sorted(missing))}")
    extra = set(frame["figure_id"]) - set(published["figure_id"])
    if extra:
        raise ValueError(f"checks for figures not in data/published_figures.csv: {', '.join(sorted(extra))}")
    columns = ["figure_id", "description", "value", "unit", "source", "locator", "confidence", "flag"]
    return published[columns].merge(frame, on="figure_id", how="left")

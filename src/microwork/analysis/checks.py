"""Compare published figures with what the book computes, and give each a status.

Statuses (the definitions shown to readers are in ``chapters/how-to-read.md``):

``reproduced``
    recomputed from independent inputs by the study's method, within a stated relative
    tolerance. The inputs are named, and the figure itself (or anything that merely
    restates it) is never one of them;
``consistent``
    a rounding, re-quotation or arithmetic identity of another published figure: the book
    shows the two agree, which says nothing about how either was computed;
``calibrated``
    the book matches the figure only with a parameter chosen to match it (named);
``reported``
    reported as published: the book has no inputs to recompute it;
``contradicted``
    the book recomputes it from independent inputs and gets something else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

import pandas as pd

from .data import source_labels
from .estimate import describe_rounding

# The headers readers see for the columns of a table of checks (see book.markdown_table).
HEADERS = {"published": "Published", "status": "Status", "book_value": "This book's value", "tolerance": "Tolerance",
           "parameter": "Parameter", "inputs": "Inputs", "reason": "Why this status"}
STATUSES = ("reproduced", "consistent", "calibrated", "reported", "contradicted")
EXACT = 0.0005      # relative tolerance for recomputed figures printed to the unit
ROUNDED = 0.05      # relative tolerance for recomputed figures printed as round numbers


@dataclass(frozen=True)
class Check:
    """The book's verdict on one published figure.

    ``inputs`` names what a recomputation used (``table:row`` or ``table:column``);
    ``restates`` names the published figure a *consistent* one rounds or re-quotes.
    """

    figure_id: str
    status: str
    book_value: float | None
    tolerance: float | None
    parameter: str | None
    reason: str
    inputs: tuple[str, ...] = field(default=())
    restates: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.status in ("reproduced", "contradicted") and not self.inputs:
            raise ValueError(f"{self.figure_id}: a recomputation must name its inputs")


def relative_gap(published: float, computed: float) -> float:
    """|computed - published| / published."""
    return abs(computed - published) / abs(published)


def recomputed(
    figure_id: str, published: float, computed: float, tolerance: float, reason: str,
    inputs: list[str] | tuple[str, ...], comparator: str = "=",
) -> Check:
    """A figure the book recomputes from independent ``inputs``: reproduced or contradicted.

    With ``comparator`` ``>`` (or ``<``) the published figure is a bound: it is reproduced
    when the computed value lies above (or below) it. A figure cannot be one of its own inputs.
    """
    inputs = tuple(inputs)
    if any(i.split(":")[-1] == figure_id for i in inputs):
        raise ValueError(f"{figure_id}: a figure cannot be recomputed from itself")
    if comparator in (">", "<"):
        holds = computed > published if comparator == ">" else computed < published
        return Check(figure_id, "reproduced" if holds else "contradicted", float(computed), None, None,
                     f"{reason} (the source says {comparator} {published:,.10g}; the book finds {computed:,.10g})",
                     inputs)
    gap = relative_gap(published, computed)
    status = "reproduced" if gap <= tolerance else "contradicted"
    return Check(figure_id, status, float(computed), tolerance, None,
                 f"{reason} (gap {gap:.2%}, tolerance {tolerance:.2%})", inputs)


def rounding_rule(published: float, other: float, comparator: str = "≈") -> str | None:
    """How ``published`` follows from ``other``, or None when it does not.

    Equal values are a re-quotation; a bound (``>``, ``<``) holds or not; otherwise ``published``
    must be ``other`` rounded (to the nearest, down or up) to a step no coarser than a fifth of it.
    """
    if published == other:
        return f"equal: {other:,.10g}"
    if comparator in (">", "<"):
        holds = other > published if comparator == ">" else other < published
        return f"{other:,.10g} is {'more' if comparator == '>' else 'less'} than {published:,.10g}" if holds else None
    rule = describe_rounding(other, published, largest_step=abs(published) / 5)
    return None if rule == "not a simple rounding" else f"{other:,.10g} {rule}"


def consistent(
    figure_id: str, published: float, other: float, restates: str, reason: str, comparator: str = "≈"
) -> Check:
    """A figure that rounds, re-quotes or adds up other published figures: consistent, or reported if not.

    ``restates`` names what it stands for (a figure id, or a short description of an
    arithmetic identity such as a sum). No tolerance: the rule must hold exactly.
    """
    rule = rounding_rule(published, other, comparator)
    if rule is None:
        return Check(figure_id, "reported", float(other), None, None,
                     f"{reason}; but {published:,.10g} is not a simple rounding of {other:,.10g}", (), restates)
    return Check(figure_id, "consistent", float(other), None, None, f"{reason} ({rule})", (), restates)


def calibrated(figure_id: str, computed: float, parameter: str, reason: str) -> Check:
    """A figure matched only through a parameter chosen to match it."""
    return Check(figure_id, "calibrated", float(computed), None, parameter, reason)


def reported(figure_id: str, reason: str) -> Check:
    """A figure the book has no inputs to recompute."""
    return Check(figure_id, "reported", None, None, None, reason)


def cell_text(value: object) -> str | None:
    """A table cell's text, or None when the cell is empty."""
    return value if isinstance(value, str) and value.strip() else None


def reason_of(reasons: Mapping[str, object] | pd.Series, figure_id: str) -> str:
    """The reason ``reasons`` (a table's ``reason`` column, by id) gives for a figure; ``ValueError`` when it gives none."""
    reason = cell_text(reasons.get(figure_id))
    if reason is None:
        raise ValueError(f"{figure_id}: its row gives no reason (the reason column of its table is empty)")
    return reason


def restatement_checks(published: pd.DataFrame, chapter: str | None = None) -> list[Check]:
    """A *consistent* (or *reported*) check for every row whose ``restates`` names another published figure.

    ``published`` is the whole table (a restated figure may belong to another chapter);
    ``chapter`` keeps the rows of one chapter only. The reason is the row's ``reason``, else the figure it restates.
    """
    indexed = published.set_index("figure_id")
    rows = indexed[indexed["restates"].notna()]
    if chapter is not None:
        rows = rows[rows["chapter"] == chapter]
    checks = []
    for figure_id, row in rows.iterrows():
        other = indexed.loc[row["restates"]]
        reason = (cell_text(row.get("reason"))
                  or f"restates the published figure for {other['description']} "
                     f"({source_labels().get(other['source'], other['source'])})")
        checks.append(consistent(figure_id, float(row["value"]), float(other["value"]), row["restates"], reason,
                                 row["comparator"]))
    return checks


def reported_otherwise(
    ids: Iterable[str], checks: Iterable[Check], reasons: Mapping[str, object] | pd.Series | None = None,
    default: str | None = None,
) -> list[Check]:
    """``checks``, completed with a *reported* check for every id of ``ids`` that none of them covers.

    Its reason is the id's own in ``reasons`` (a table's ``reason`` column, by id), else ``default``; an id
    with neither raises ``ValueError``. The checks come in the order of ``ids``, those of other ids after them.
    """
    by_id = {c.figure_id: c for c in checks}
    ids = list(ids)
    reasons = {} if reasons is None else reasons
    completed = []
    for figure_id in ids:
        reason = cell_text(reasons.get(figure_id)) or default
        if figure_id not in by_id and reason is None:
            raise ValueError(f"{figure_id}: no check gives it a status and no reason says why it is reported")
        completed.append(by_id.get(figure_id) or reported(figure_id, reason))
    listed = set(ids)
    return completed + [c for i, c in by_id.items() if i not in listed]


def self_referential(check: Check, restated_by: dict[str, set[str]]) -> list[str]:
    """Why a *reproduced* check is not a recomputation from independent inputs (empty when it is).

    ``restated_by`` maps a figure id to every published figure that rounds or re-quotes it
    (or that it restates): none of them may be an input of its recomputation.
    """
    if check.status != "reproduced":
        return []
    problems = []
    if not check.inputs:
        problems.append(f"{check.figure_id}: reproduced without named inputs")
    names = {i.split(":")[-1] for i in check.inputs}
    if check.figure_id in names:
        problems.append(f"{check.figure_id}: compared with itself")
    for other in sorted(names & restated_by.get(check.figure_id, set())):
        problems.append(f"{check.figure_id}: compared with {other}, which restates the same figure")
    if check.restates is not None:
        problems.append(f"{check.figure_id}: a restatement of {check.restates} cannot be reproduced")
    return problems


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
    return published[columns].merge(frame.drop(columns="restates"), on="figure_id", how="left")

"""The five statuses are earned: reproduced only from independent inputs, roundings consistent, never contradicted."""

import pandas as pd
import pytest

from microwork.analysis import checks, reproduce
from microwork.analysis.data import load_table


def test_a_figure_cannot_be_recomputed_from_itself():
    with pytest.raises(ValueError, match="itself"):
        checks.recomputed("tier_casual", 266_126, 266_126, checks.EXACT, "r", ["published_figures:tier_casual"])


def test_a_recomputation_must_name_its_inputs():
    with pytest.raises(ValueError, match="inputs"):
        checks.recomputed("x", 100, 100, checks.EXACT, "r", [])


@pytest.mark.parametrize("published, other, comparator, status", [
    (260_000, 266_126, "≈", "consistent"),     # rounded down to 10,000
    (250_000, 266_126, "≈", "consistent"),     # rounded down to 50,000: a rounding, not a contradiction
    (15_000, 14_903, "≈", "consistent"),
    (56, 56.1, "≈", "consistent"),
    (250_000, 266_126, ">", "consistent"),     # a bound that holds
    (300_000, 266_126, ">", "reported"),       # a bound that does not hold: flagged, not contradicted
    (123_000, 266_126, "≈", "reported"),       # not a rounding at all
    (0, 14_903, "≈", "reported"),              # a step coarser than the figure is not a rounding
])
def test_roundings_are_consistent_never_reproduced_or_contradicted(published, other, comparator, status):
    check = checks.consistent("x", published, other, "y", "r", comparator)
    assert check.status == status
    assert check.status not in ("reproduced", "contradicted")


def restated_by(report: pd.DataFrame) -> dict[str, set[str]]:
    """Every figure id linked to the figures that restate it, in both directions."""
    published = load_table("published_figures").dropna(subset=["restates"])
    links: dict[str, set[str]] = {}
    for figure, other in zip(published["figure_id"], published["restates"]):
        links.setdefault(figure, set()).add(other)
        links.setdefault(other, set()).add(figure)
    return links


def test_the_inspector_catches_a_number_compared_with_itself_or_its_rounding():
    links = {"tier_casual_rounded": {"tier_casual"}, "tier_casual": {"tier_casual_rounded"}}
    own_rounding = checks.Check("tier_casual_rounded", "reproduced", 266_126.0, 0.05, None, "r",
                                ("published_figures:tier_casual",))
    assert checks.self_referential(own_rounding, links) == [
        "tier_casual_rounded: compared with tier_casual, which restates the same figure"]
    restatement = checks.Check("a", "reproduced", 1.0, 0.05, None, "r", ("t:b",), restates="b")
    assert checks.self_referential(restatement, {}) == ["a: a restatement of b cannot be reproduced"]
    independent = checks.Check("registrations_total", "reproduced", 1.0, 0.0, None, "r",
                               ("platform_registrations:registrations",))
    assert checks.self_referential(independent, links) == []


def test_every_reproduced_figure_of_the_report_is_recomputed_from_independent_inputs():
    report = reproduce.collect_checks()
    links = restated_by(report)
    problems = []
    for row in report[report["status"] == "reproduced"].to_dict("records"):
        check = checks.Check(row["figure_id"], row["status"], row["book_value"], row["tolerance"], row["parameter"],
                             row["reason"], tuple(row["inputs"]), row["restates"])
        problems += checks.self_referential(check, links)
    assert problems == []


def test_every_restatement_is_consistent_or_flagged_and_never_reproduced():
    report = reproduce.collect_checks().set_index("figure_id")
    restating = load_table("published_figures").dropna(subset=["restates"])["figure_id"]
    assert len(restating) > 0
    assert set(report.loc[restating, "status"]) <= {"consistent", "reported"}
    assert (report["status"] == "contradicted").sum() == 0 or all(
        report.loc[report["status"] == "contradicted", "inputs"].map(len) > 0)

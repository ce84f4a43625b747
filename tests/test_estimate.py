"""The size arithmetic against the dossier's numbers (section 1.4 and section 8)."""

import pytest

from microwork.analysis import data, estimate, size

REGISTRATIONS = {"Amazon Mechanical Turk": 1250, "Microworkers": 12766, "Clickworker": 72720, "Clixsense": 130900,
                 "Wirk (Foule Factory)": 50000, "Ferpection": 14460, "Appen": 37000}


def test_raw_total_is_the_published_total():
    assert estimate.raw_total(REGISTRATIONS.values()) == 319_096


def test_implied_coefficient():
    assert estimate.implied_accounts_per_person(319_096, 266_126) == pytest.approx(1.1990, abs=5e-5)


def test_single_division_by_published_coefficient():
    assert round(estimate.people_from_accounts(319_096, 1.27)) == 251_257


def test_wirk_left_uncorrected():
    assert round(estimate.people_with_exempt_platforms(REGISTRATIONS, 1.27, ["Wirk (Foule Factory)"])) == 261_887


def test_unknown_exempt_platform_is_refused():
    with pytest.raises(KeyError, match="Nowhere"):
        estimate.people_with_exempt_platforms(REGISTRATIONS, 1.27, ["Nowhere"])


def test_coefficient_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1.0"):
        estimate.people_from_accounts(100, 0.9)


def test_tier_ratios_match_dossier():
    ratios = estimate.ratios_between_tiers({"very_active": 14_903, "routine": 52_337, "casual": 266_126})
    assert ratios["routine/casual"] == pytest.approx(0.197, abs=5e-4)
    assert ratios["very_active/casual"] == pytest.approx(0.056, abs=5e-4)
    assert ratios["very_active/routine"] == pytest.approx(0.285, abs=5e-4)


@pytest.mark.parametrize("exact, rounded, expected", [
    (14_903, 15_000, "rounded to the nearest 1,000"),
    (52_337, 50_000, "rounded to the nearest 10,000"),
    (319_096, 320_000, "rounded to the nearest 10,000"),
    (56.1, 56, "rounded to the nearest 1"),
    (63.4, 63, "rounded to the nearest 1"),
    (266_126, 250_000, "rounded to the nearest 50,000"),
    (266_126, 260_000, "rounded down to a multiple of 10,000"),
    (266_126, 123_000, "not a simple rounding"),
])
def test_describe_rounding(exact, rounded, expected):
    assert estimate.describe_rounding(exact, rounded) == expected


def test_size_estimate_from_the_data_package():
    registrations = data.load_table("platform_registrations")
    tiers = data.load_table("size_tiers")
    published = data.load_table("published_figures")
    result = size.estimate_size(registrations, tiers, published, 1.5)
    assert result.raw_total == 319_096
    assert result.sum_of_tiers == 333_366
    assert result.casual_book == pytest.approx(319_096 / 1.5)
    assert result.casual_at_published_coefficient == pytest.approx(319_096 / 1.27)


def test_every_size_figure_gets_a_status():
    registrations = data.load_table("platform_registrations")
    tiers = data.load_table("size_tiers")
    published = data.load_table("published_figures")
    result = size.estimate_size(registrations, tiers, published, 1.27)
    table = size.size_checks(result, tiers, published).set_index("figure_id")
    assert set(table.index) == set(published.loc[published["chapter"] == "size", "figure_id"])
    assert table.loc["registrations_total", "status"] == "consistent"
    assert table.loc["tier_casual_rounded", "status"] == "consistent"
    assert table.loc["press_raw_total", "status"] == "consistent"
    assert "reproduced" not in set(table["status"])
    assert table.loc["tier_casual", "status"] == "calibrated"
    assert "1.19904" in table.loc["tier_casual", "parameter"]
    assert table.loc["tier_very_active", "status"] == "reported"
    assert table.loc["full_time_equivalents", "status"] == "reported"
    assert table.loc["press_sum_of_tiers", "book_value"] == 333_366


def test_contradicted_when_outside_tolerance():
    from microwork.analysis import checks
    assert checks.recomputed("x", 100, 110, checks.ROUNDED, "r", ["table:a"]).status == "contradicted"
    assert checks.recomputed("x", 100, 104, checks.ROUNDED, "r", ["table:a"]).status == "reproduced"


def test_a_calibrated_coefficient_is_printed_with_the_digits_that_reproduce_its_target():
    """319,096 / 1.1990 is 266,135, not the published 266,126: the printed value must give the figure back."""
    printed = estimate.coefficient_as_printed(319_096, 266_126)
    assert printed == "1.19904" and round(319_096 / float(printed)) == 266_126
    assert estimate.coefficient_as_printed(1000, 500) == "2.00"

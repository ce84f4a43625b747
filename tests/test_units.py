"""Small pure functions of the chapters' modules."""

import pytest

from microwork.analysis import lab, press


def test_press_numbers_in_headlines():
    assert press.numbers_in("En France, 260.000 micro-travailleurs") == [260_000]
    assert press.numbers_in("plus de 250 000 micro-travailleurs en 2019") == [250_000]
    assert press.numbers_in("Le rapport de 2019") == [], "a year is not a count"


def test_press_reading_uses_the_report_gap():
    candidates = {"casual tier": 266_126, "raw registrations (misreading)": 319_096}
    assert press.closest_reading(320_000, candidates) == "raw registrations (misreading)"
    assert press.closest_reading(250_000, candidates, tolerance=0.05) == "none of the study's counts"


def test_lab_refuses_shares_that_do_not_add_up():
    with pytest.raises(ValueError, match="add up to 1"):
        lab.population(1000, 3, 0.3, (0.9, -0.4, 0.5), seed=1)
    with pytest.raises(ValueError, match="nobody is active"):
        lab.population(1000, 3, 0.3, (1.0, 0.0, 0.0), seed=1)


def test_capture_recapture_formulas():
    assert lab.lincoln_petersen(100, 100, 10) == 1000
    assert lab.chapman(100, 100, 10) == pytest.approx(101 * 101 / 11 - 1)

"""Editorial knowledge lives in data/: who put a figure forward, which survey rows print one statistic, which
platform may count people, which figures a chapter quotes, and why a figure is reported. The code only reads it."""

import json

import pandas as pd
import pytest

from microwork.analysis import book, checks, context, data, profile, size


@pytest.fixture(scope="module")
def published():
    return data.load_table("published_figures")


def test_who_put_a_figure_forward_comes_from_the_data(published):
    who = context.estimates_side_by_side(published).set_index("figure_id")["who"]
    assert who["tier_casual"] == "study, 2019"
    assert who["tier_casual_rounded"] == "study, 2019 (rounded)"      # the study rounding its own figure
    assert who["tlc2020_registered"] == "study, 2020 restatement"     # rounded, but a restatement of another side's
    assert who["critique_title_figure"] == "critique and its coverage"
    assert who["lemonde_feb_headline"] == "press coverage of the study"
    assert who["press_raw_total"] == "press misreading"


def test_a_compared_count_without_put_forward_by_is_refused(published):
    missing = published.assign(put_forward_by=published["put_forward_by"].where(published["figure_id"] != "tier_routine"))
    with pytest.raises(ValueError, match="tier_routine"):
        context.estimates_side_by_side(missing)


def test_same_statistic_pairs_come_from_the_data():
    survey = data.load_table("survey_profile")
    assert profile.same_statistic_pairs(survey) == [("women_afp", "women_senate"), ("age_25_44_lemonde", "age_25_44_senate"),
                                                    ("degree_bachelor", "degree_above_bac2")]
    status = {c.figure_id: c.status for c in profile.profile_checks(survey, "r")}
    assert status["women_senate"] == status["age_25_44_senate"] == "consistent"
    assert status["degree_above_bac2"] == "reported"                  # denominators differ: not shown to be the same
    assert list(profile.same_figure_twice(survey)["verdict"].str.startswith("a rounding")) == [True, True, False]


def test_the_platform_that_may_count_people_comes_from_the_data():
    registrations = data.load_table("platform_registrations")
    assert list(size.people_counting(registrations)["platform"]) == ["Wirk (Foule Factory)"]
    assert size.short_name("Wirk (Foule Factory)") == "Wirk"
    published, tiers = data.load_table("published_figures"), data.load_table("size_tiers")
    scenario = size.scenarios(size.estimate_size(registrations, tiers, published, 1.27), registrations).iloc[2]
    assert (scenario["scenario"], scenario["kind"]) == ("Published coefficient, Wirk figure left uncorrected",
                                                        "hypothesis: Wirk's 50,000 already counts people")
    assert round(scenario["people"]) == 261_887


def test_each_chapter_glues_the_figures_the_data_says_it_quotes(published):
    quotes = data.load_table("quoted_figures")
    assert book.quoted_figures(published, quotes, "regulation") == {
        "hilfr_hours": 100.0, "hilfr_workers": 450.0, "hilfr_customers": 1700.0, "hilfr_min_pay": 141.21}
    assert list(book.quoted_figures(published, quotes, "profile")) == ["survey_respondents"]


def test_no_notebook_types_a_list_of_figure_ids(repo_root):
    for chapter in set(data.load_table("quoted_figures")["chapter"]):
        notebook = json.loads((repo_root / "chapters" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
        code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
        assert "quoted_figures" in code and "figure[k] for k in" not in code, chapter


def test_a_reported_figure_takes_the_reason_of_its_row_or_the_default():
    done = checks.consistent("b", 15, 14.9, "a", "rounds a")
    found = checks.reported_otherwise(["a", "b", "c"], [done], pd.Series({"a": "its own", "c": None}), "default")
    assert [(c.figure_id, c.status, c.reason) for c in found] == [
        ("a", "reported", "its own"), ("b", "consistent", done.reason), ("c", "reported", "default")]
    with pytest.raises(ValueError, match="c: no check"):
        checks.reported_otherwise(["c"], [])


def test_a_size_figure_without_a_check_or_a_reason_is_refused(published):
    registrations, tiers = data.load_table("platform_registrations"), data.load_table("size_tiers")
    result = size.estimate_size(registrations, tiers, published, 1.27)
    silent = published.assign(reason=published["reason"].where(published["figure_id"] != "full_time_equivalents"))
    with pytest.raises(ValueError, match="full_time_equivalents"):
        size.size_checks(result, tiers, silent)


def test_a_restatement_gives_the_reading_of_its_row(published):
    reason = {c.figure_id: c.reason for c in checks.restatement_checks(published)}
    assert reason["tlc2020_regular"].startswith("the 2019 routine tier, restated in 2020 (")
    assert reason["tier_routine_rounded"].startswith("restates the published figure for routine micro-workers")

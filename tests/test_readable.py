"""Results and parameters are shown to people with labels, rounded numbers and aligned columns."""

import pytest

from microwork.analysis import readable


@pytest.mark.parametrize("value, text", [
    (20000.0, "20,000"),                 # a whole float loses its '.0'
    (319096, "319,096"),
    (2019, "2019"),                      # a year or a seed reads as written
    (-266126, "-266,126"),
    (0.19904105574051378, "0.199"),      # four significant digits, trailing zeros dropped
    (0.1967, "0.1967"),
    (0.0025, "0.0025"),
    (-0.055873184456288194, "-0.05587"),
    (1.1990410557405138, "1.199"),
    (251256.69291338584, "251,257"),     # no digit lost before the decimal point
    (float("nan"), "nan"),
    (True, "True"),
])
def test_numbers_are_rounded_for_people(value, text):
    assert readable.readable_number(value) == text


def test_exact_numbers_keep_their_decimals_but_not_a_whole_numbers_dot_zero():
    assert readable.readable_number(1.27, significant=None) == "1.27"
    assert readable.readable_number(337980.02, significant=None) == "337,980.02"
    assert readable.readable_number(5.0, significant=None) == "5"


@pytest.mark.parametrize("name, label", [
    ("n_platforms", "number of platforms"),
    ("p_seed", "parameter seed"),
    ("raw_total", "raw total"),
    ("ratio_routine/casual", "ratio routine / casual"),
    ("np_draws", "np draws"),            # only whole prefixes are words
    ("n", "n"),
])
def test_labels_are_made_from_glue_names(name, label):
    assert readable.label_for(name) == label


def test_a_chapters_own_label_wins():
    assert readable.label_for("casual_book", {"casual_book": "casual tier of this run"}) == "casual tier of this run"
    assert readable.label_for("n_platforms", {"casual_book": "casual tier of this run"}) == "number of platforms"


def test_labels_file_lines():
    text = "# a comment\n\npress_raw_total: press figure: raw total (silicon.fr)\nn_platforms : platforms\n"
    assert readable.parse_labels(text) == {"press_raw_total": "press figure: raw total (silicon.fr)",
                                           "n_platforms": "platforms"}
    with pytest.raises(ValueError, match="glue_name: label"):
        readable.parse_labels("raw_total\n")


def test_labels_file_is_optional(tmp_path):
    notebook = tmp_path / "size.ipynb"
    assert readable.chapter_labels(notebook) == {}
    (tmp_path / "size.labels.txt").write_text("raw_total: raw total of registrations\n", encoding="utf-8")
    assert readable.chapter_labels(notebook) == {"raw_total": "raw total of registrations"}


def test_every_label_of_the_size_chapter_is_a_value_it_glues(repo_root, tmp_path):
    from microwork.pipeline.execute import execute_chapter, glued_values

    source = repo_root / "chapters" / "size.ipynb"
    labels = readable.chapter_labels(source)
    assert labels, "chapters/size.labels.txt is missing or empty"
    execute_chapter(source, tmp_path / "run", {}, tmp_path / "failed")
    assert sorted(set(labels) - set(glued_values(tmp_path / "run" / "size.ipynb"))) == []


def test_results_table_labels_rounds_and_aligns():
    lines = readable.results_table(
        {"n_platforms": 7, "raw_total": 319096, "casual_book": 251256.69291338584, "top_input": "monthly share"},
        {"casual_book": "casual tier of this run"})
    assert lines == [
        "number of platforms            7",
        "raw total                319,096",
        "casual tier of this run  251,257",
        "top input                monthly share",
    ]


def test_columns_are_as_wide_as_their_longest_cell():
    assert readable.columns([["name", "default", "meaning"], ["packages", "jupyter-book,papermill", "listed"]]) == [
        "name      default                 meaning",
        "packages  jupyter-book,papermill  listed",
    ]


def test_values_are_shown_as_the_prose_prints_them(tmp_path):
    import json

    notebook = tmp_path / "x.ipynb"
    notebook.write_text(json.dumps({"cells": [
        {"cell_type": "markdown", "source": ["{glue:text}`product:,.2f` and {glue:text}`gap:+.1%`"]},
        {"cell_type": "code", "source": ["{glue:text}`ignored:.0f`"]}]}), encoding="utf-8")
    formats = readable.prose_formats(notebook)
    assert formats == {"product": ",.2f", "gap": "+.1%"}
    lines = readable.results_table({"product": 337980.02, "gap": -0.0559, "other": 251256.69}, {}, formats)
    assert lines[0].endswith("337,980.02") and lines[1].endswith("-5.6%") and lines[2].endswith("251,257")


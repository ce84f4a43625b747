"""Data that cannot be true is refused with its file, row, column and rule: ranges of units, real dates, ASCII
digits, bounds in order, look-alike keys, format characters, sizes (microwork.analysis.meaning)."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import copy_book, microwork
from microwork.analysis import data, meaning
from microwork.analysis.validate import DataValidationError


@pytest.fixture
def package(tmp_path, repo_root):
    """A copy of the data package (and references.bib) that a test may corrupt."""
    shutil.copytree(repo_root / "data", tmp_path / "data")
    shutil.copy(repo_root / "references.bib", tmp_path / "references.bib")
    return tmp_path / "data"


def corrupt(package, name, old, new):
    path = package / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(package):
    with pytest.raises(DataValidationError) as caught:
        data.check_package(package)
    return [(p.file, p.row, p.column, p.rule) for p in caught.value.problems], str(caught.value)


# Each: the table, the text replaced, what replaces it (values other than the issue's), the row, column and rule.
PLANTED = {
    "a percentage above 100": (
        "survey_profile.csv", "women_afp,gender,women,=,56.1,", "women_afp,gender,women,=,143.7,",
        2, "value", "range"),
    "a huge number in a percentage": (
        "survey_profile.csv", "women_afp,gender,women,=,56.1,", "women_afp,gender,women,=,7e200,",
        2, "value", "type number"),
    "an impossible day": (
        "study_timeline.csv", "2019-02-16,", "2019-02-29,", 3, "date", "calendar"),
    "an impossible month": (
        "press_coverage.csv", ",2019-05,", ",2019-13,", None, "month", "pattern"),
    "Arabic-Indic digits": (
        "platform_registrations.csv", "Microworkers,12766", "Microworkers,١٢٧٦٦", 3, "registrations", "type integer"),
    "a plus sign": (
        "platform_registrations.csv", "Microworkers,12766", "Microworkers,+4410", 3, "registrations", "type integer"),
    "an upper bound below the value": (
        "international_estimates.csv", "≈,100000,200000,persons", "≈,100000,90000,persons",
        None, "value", "x-at-most"),
    "a count above the world's population": (
        "platform_registrations.csv", "Microworkers,12766", "Microworkers,99000000000", 3, "registrations", "range"),
    "a unit with no range": (
        "survey_profile.csv", ",56.1,,percent,", ",56.1,,pourcent,", 2, "unit", "unit"),
    "a look-alike letter in a key": (
        "platform_registrations.csv", "Microworkers,12766", "Micrоworkers,12766", 3, "platform", "single script"),
    "a right-to-left override": (
        "platform_registrations.csv", "Microworkers,12766", "Micro\u202eworkers,12766", 3, "platform",
        "format character"),
    "a zero-width space in a single-line text": (
        "platform_registrations.csv", "Microworkers,12766", "Micro\u200bworkers,12766", 3, "platform",
        "format character"),
    "a platform name too long for a chart": (
        "platform_registrations.csv", "Microworkers,12766", "Microworkers " + "x" * 55 + ",12766", 3, "platform",
        "maxLength"),
}


@pytest.mark.parametrize("case", list(PLANTED))
def test_data_that_cannot_be_true_is_refused_where_it_is(package, case):
    name, old, new, row, column, rule = PLANTED[case]
    corrupt(package, name, old, new)
    found, text = problems_of(package)
    matching = [p for p in found if p[0] == f"data/{name}" and p[2] == column and p[3] == rule]
    assert matching, (case, found)
    if row is not None:
        assert matching[0][1] == row, (case, found)
    assert f"data/{name}, row" in text


def test_a_key_that_differs_only_by_case_or_width_is_the_same_key(package):
    path = package / "platform_registrations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    copy = next(line for line in lines if line.startswith("Microworkers,"))
    path.write_text("\n".join(lines + [copy.replace("Microworkers", "ＭＩＣＲＯＷＯＲＫＥＲＳ", 1)]) + "\n", encoding="utf-8")
    found, _ = problems_of(package)
    assert ("data/platform_registrations.csv", len(lines) + 1, "platform", "unique") in found


def test_a_table_too_long_is_refused_before_it_is_read_whole(package):
    path = package / "press_coverage.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + lines[1:2] * meaning.MAX_ROWS) + "\n", encoding="utf-8")
    found, _ = problems_of(package)
    assert ("data/press_coverage.csv", meaning.MAX_ROWS + 2, None, "rows") in found


def test_a_file_too_large_is_refused_before_it_is_parsed(package):
    path = package / "press_coverage.csv"
    path.write_bytes(path.read_bytes() + b"x" * meaning.MAX_TABLE_BYTES)
    found, text = problems_of(package)
    assert ("data/press_coverage.csv", None, None, "size") in found and "bytes" in text


@pytest.mark.parametrize("edit, column, rule", [
    (lambda d: d["x-units"]["percent"].update(maximum=-1), "x-units.percent", "x-units"),
    (lambda d: d["x-units"].pop("persons"), "resources[1].schema.fields[6].unit", "unit"),
    (lambda d: d["resources"][2]["schema"]["fields"][0]["constraints"].pop("maximum"),
     "resources[2].schema.fields[0]", "range"),
    (lambda d: d["resources"][4]["schema"]["fields"][4].update({"x-at-most": "nowhere"}),
     "resources[4].schema.fields[4].x-at-most", "x-at-most"),
    (lambda d: d["resources"][1]["schema"]["fields"][3].update({"x-calendar": True}),
     "resources[1].schema.fields[3].x-calendar", "x-calendar"),
])
def test_the_descriptor_says_what_its_numbers_mean(package, edit, column, rule):
    """Every number field states its range (through its unit, or its own minimum and maximum); each unit has one."""
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    edit(descriptor)
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    found, _ = problems_of(package)
    assert ("data/datapackage.json", None, column, rule) in found, found


def test_microwork_check_refuses_before_any_kernel_and_names_the_place(tmp_path):
    """The command a contributor runs: one located line for a planted percentage, exit 1."""
    clean_copy = copy_book(tmp_path / "book")
    corrupt(clean_copy / "data", "survey_profile.csv", "women_afp,gender,women,=,56.1,", "women_afp,gender,women,=,104,")
    result = microwork("check", root=clean_copy)
    assert result.returncode == 1
    assert "data/survey_profile.csv, row 2, column 'value': 104 is outside 0 to 100, the range of the unit 'percent'" \
        in result.stdout + result.stderr

"""Corrupt data is refused with the file, row, column and rule."""

import shutil

import pytest

from microwork import data
from microwork.validate import DataValidationError

GOOD = "platform_registrations.csv"


@pytest.fixture
def package(tmp_path, repo_root):
    """A copy of the data package (and references.bib) that a test may corrupt."""
    shutil.copytree(repo_root / "data", tmp_path / "data")
    shutil.copy(repo_root / "references.bib", tmp_path / "references.bib")
    return tmp_path / "data"


def corrupt(package, old, new, name=GOOD):
    path = package / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def refused(package, table="platform_registrations"):
    with pytest.raises(DataValidationError) as caught:
        data.load_table(table, package)
    return caught.value


def test_good_package_loads(package):
    assert data.check_package(package)["platform_registrations"] == 7


def test_non_number(package):
    corrupt(package, "Microworkers,12766", "Microworkers,12 766x")
    error = refused(package)
    problem = error.problems[0]
    assert (problem.file, problem.row, problem.column, problem.rule) == (
        "data/platform_registrations.csv", 3, "registrations", "type integer")
    assert "row 3, column 'registrations'" in str(error)


def test_missing_column(package):
    path = package / GOOD
    lines = [",".join(line.split(",")[:1] + line.split(",")[2:]) for line in path.read_text().splitlines()]
    path.write_text("\n".join(lines) + "\n")
    problem = refused(package).problems[0]
    assert (problem.row, problem.column, problem.rule) == (1, "registrations", "header")
    assert "missing" in problem.message


def test_renamed_header(package):
    corrupt(package, "platform,registrations", "platform,registered_accounts")
    problems = refused(package).problems
    assert {(p.row, p.column) for p in problems} == {(1, "registrations"), (1, "registered_accounts")}


def test_empty_file(package):
    (package / GOOD).write_text("")
    problem = refused(package).problems[0]
    assert problem.file == "data/platform_registrations.csv" and "empty" in problem.message


def test_header_only(package):
    (package / GOOD).write_text((package / GOOD).read_text().splitlines()[0] + "\n")
    assert "no data rows" in str(refused(package))


def test_bad_encoding(package):
    path = package / GOOD
    path.write_bytes(path.read_bytes().replace(b"Ferpection", "Ferpéction".encode("latin-1")))
    problem = refused(package).problems[0]
    assert (problem.row, problem.column, problem.rule) == (7, "platform", "encoding")


def test_value_out_of_constraint(package):
    corrupt(package, "Appen,37000", "Appen,-37000")
    problem = refused(package).problems[0]
    assert (problem.row, problem.column, problem.rule) == (8, "registrations", "minimum")


def test_value_not_in_enum(package):
    corrupt(package, "seen-in-secondary", "rumour")
    problem = refused(package).problems[0]
    assert (problem.row, problem.column, problem.rule) == (2, "confidence", "enum")


def test_required_cell_empty(package):
    corrupt(package, "Clickworker,72720", "Clickworker,")
    problem = refused(package).problems[0]
    assert (problem.row, problem.column, problem.rule) == (4, "registrations", "required")


def test_duplicate_key(package):
    corrupt(package, "Appen,37000", "Clickworker,37000")
    rules = {p.rule for p in refused(package).problems}
    assert {"unique", "primaryKey"} <= rules


def test_unknown_source_key(package):
    corrupt(package, "Appen,37000,Silicon2019", "Appen,37000,Silicon2099")
    problem = refused(package).problems[0]
    assert (problem.row, problem.column, problem.rule) == (8, "source", "x-bibtex-key")


def test_wrong_cell_count(package):
    corrupt(package, "Appen,37000,", "Appen,37000,extra,")
    problem = refused(package).problems[0]
    assert (problem.row, problem.rule) == (8, "row length")


def test_check_package_reports_every_table(package):
    corrupt(package, "Appen,37000", "Appen,-1")
    corrupt(package, "very_active,très actifs", "very_active,", name="size_tiers.csv")
    files = {p.file for p in pytest.raises(DataValidationError, data.check_package, package).value.problems}
    assert files == {"data/platform_registrations.csv", "data/size_tiers.csv"}

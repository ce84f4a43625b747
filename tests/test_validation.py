"""Corrupt data is refused with the file, row, column and rule."""

import json
import shutil

import pytest

from microwork.analysis import data
from microwork.analysis.validate import DataValidationError

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


def where(problem):
    return problem.file, problem.row, problem.column, problem.rule


def test_duplicate_header_column(package):
    corrupt(package, "platform,registrations,source,locator,confidence",
            "platform,registrations,source,locator,registrations")
    problems = refused(package).problems
    assert where(problems[0]) == ("data/platform_registrations.csv", 1, "registrations", "header")
    assert problems[0].message.startswith("duplicate column: 'registrations' appears 2 times")
    assert "(columns 2, 5)" in problems[0].message


@pytest.mark.parametrize("char, code", [("\x00", "U+0000"), ("\t", "U+0009"), ("\x1b", "U+001B"),
                                        ("\x7f", "U+007F"), ("\x85", "U+0085"), ("\x9f", "U+009F")])
def test_control_character(package, char, code):
    corrupt(package, "Microworkers,12766", f"Micro{char}workers,12766")
    problem = refused(package).problems[0]
    assert where(problem) == ("data/platform_registrations.csv", 3, "platform", "control character")
    assert f"control character {code} at character 6" in problem.message


def test_control_character_in_header(package):
    corrupt(package, "platform,registrations", "platform,regis\x00trations")
    problem = refused(package).problems[0]
    assert where(problem) == ("data/platform_registrations.csv", 1, "#2", "control character")


@pytest.mark.parametrize("size", [10_001, 200_000])
def test_oversize_cell(package, size):
    corrupt(package, '"section 3, list of French registrations"', '"' + "x" * size + '"')  # a field with no maxLength
    problem = refused(package).problems[0]
    assert where(problem) == ("data/platform_registrations.csv", 2, "locator", "maxLength")
    assert f"the cell has {size:,} characters, more than 10,000" in problem.message


def set_constraint(package, table, column, **constraints):
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    field = next(f for f in resource["schema"]["fields"] if f["name"] == column)
    field.setdefault("constraints", {}).update(constraints)
    path.write_text(json.dumps(descriptor), encoding="utf-8")


def test_max_length_of_the_field_wins(package):
    set_constraint(package, "platform_registrations", "platform", maxLength=20_000)
    corrupt(package, "Microworkers,12766", "x" * 15_000 + ",12766")
    assert len(data.load_table("platform_registrations", package)) == 7
    set_constraint(package, "platform_registrations", "platform", maxLength=14_999)
    problem = refused(package).problems[0]
    assert where(problem) == ("data/platform_registrations.csv", 3, "platform", "maxLength")
    assert "more than 14,999 (the field's maxLength)" in problem.message


def test_min_length(package):
    set_constraint(package, "platform_registrations", "platform", minLength=6)
    corrupt(package, "Appen,37000", "Appe,37000")
    problem = refused(package).problems[0]
    assert where(problem) == ("data/platform_registrations.csv", 8, "platform", "minLength")
    assert problem.message == "the cell has 4 characters, fewer than the minLength 6"


@pytest.mark.parametrize("newline, code", [("\n", "U+000A"), ("\r\n", "U+000D"), ("\r", "U+000D"),
                                           ("\u2028", "U+2028"), ("\u2029", "U+2029")])
def test_line_break_in_single_line_field(package, newline, code):
    corrupt(package, "Microworkers,12766", f'"Micro{newline}workers",12766')
    problem = refused(package).problems[0]
    assert where(problem) == ("data/platform_registrations.csv", 3, "platform", "single line")
    assert problem.message.startswith(f"the cell holds a line break ({code}) but the field is single-line")


def test_rows_numbered_as_a_spreadsheet_after_a_multi_line_cell(package):
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][0]["schema"]["fields"][3]["x-multiline"] = True
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    corrupt(package, '12766,Silicon2019,"section 3', '12766,Silicon2019,"section\n\n3')
    assert len(data.load_table("platform_registrations", package)) == 7
    corrupt(package, "Appen,37000", "Appen,-37000")
    problem = refused(package).problems[0]
    assert where(problem) == ("data/platform_registrations.csv", 8, "registrations", "minimum")


def test_encoding_row_after_a_multi_line_cell(package):
    corrupt(package, '12766,Silicon2019,"section 3', '12766,Silicon2019,"section\n3')
    path = package / GOOD
    path.write_bytes(path.read_bytes().replace(b"Ferpection", "Ferpéction".encode("latin-1")))
    problem = refused(package).problems[0]
    assert where(problem) == ("data/platform_registrations.csv", 7, "platform", "encoding")


def test_encoding_after_a_byte_order_mark(package):
    path = package / GOOD
    raw = path.read_bytes().replace(b"Ferpection", "Ferpéction".encode("latin-1"))
    path.write_bytes(b"\xef\xbb\xbf" + raw)
    problem = refused(package).problems[0]
    assert where(problem) == ("data/platform_registrations.csv", 7, "platform", "encoding")
    assert "byte 0xe9" in problem.message


@pytest.mark.parametrize("old, new", [("Microworkers,12766", '"Micro"workers,12766'),
                                      ("Appen,37000", '"Appen,37000')])
def test_malformed_csv(package, old, new):
    corrupt(package, old, new)
    problem = refused(package).problems[-1]
    assert where(problem) == ("data/platform_registrations.csv", 3 if "Micro" in old else 8, None, "csv")
    assert problem.message.startswith("the row is not valid CSV: ")


def test_unclosed_quote_at_the_end(package):
    path = package / GOOD
    path.write_text(path.read_text(encoding="utf-8") + '"Toloka,1\n', encoding="utf-8")
    problem = refused(package).problems[-1]
    assert where(problem) == ("data/platform_registrations.csv", 9, None, "csv")
    assert "a quoted cell is never closed" in problem.message


def add_foreign_key(package):
    """size_method.tier must be a tier of size_tiers (the step 'all', row 7, is not)."""
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    method = next(r for r in descriptor["resources"] if r["name"] == "size_method")
    method["schema"]["foreignKeys"] = [{"fields": "tier", "reference": {"resource": "size_tiers", "fields": "tier"}}]
    path.write_text(json.dumps(descriptor), encoding="utf-8")


def test_foreign_key_into_another_table(package):
    add_foreign_key(package)
    problem = refused(package, "size_method").problems[0]
    assert where(problem) == ("data/size_method.csv", 7, "tier", "foreignKey")
    assert problem.message == "'all' is not a tier of the table 'size_tiers'"
    checked = pytest.raises(DataValidationError, data.check_package, package).value.problems
    assert [where(p) for p in checked] == [("data/size_method.csv", 7, "tier", "foreignKey")]


def test_foreign_key_satisfied_and_referenced_table_read_logged(package, tmp_path, monkeypatch):
    add_foreign_key(package)
    corrupt(package, "6,all,", "6,casual,", name="size_method.csv")
    log = tmp_path / "reads.log"
    monkeypatch.setenv("MICROWORK_READ_LOG", str(log))
    assert len(data.load_table("size_method", package)) == 6
    assert str((package / "size_tiers.csv").resolve()) in log.read_text()


def test_foreign_key_into_a_broken_table(package):
    add_foreign_key(package)
    corrupt(package, "6,all,", "6,casual,", name="size_method.csv")
    corrupt(package, "casual,occasionnels", "casual,", name="size_tiers.csv")
    problem = refused(package, "size_method").problems[0]
    assert where(problem) == ("data/size_tiers.csv", 4, "label_fr", "required")


def test_whole_number_too_large_for_the_table(package):
    corrupt(package, "Appen,37000", "Appen,99999999999999999999")
    problem = refused(package).problems[0]
    assert where(problem) == ("data/platform_registrations.csv", 8, "registrations", "type integer")
    assert problem.message == "'99999999999999999999' is too large a whole number (at most 18 digits)"

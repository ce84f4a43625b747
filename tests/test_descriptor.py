"""A broken data/datapackage.json is refused, before any table is read, naming the JSON path and the rule."""

import json

import pytest

from microwork.analysis import data
from microwork.analysis.descriptor import validate_descriptor
from microwork.analysis.validate import DataValidationError
from test_validation import package  # noqa: F401 (the fixture: a copy of the data package)

DESCRIPTOR = "data/datapackage.json"


def edit(package, change):
    """Apply ``change`` to the parsed descriptor (it may return a replacement) and save it."""
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor = change(descriptor) or descriptor
    path.write_text(json.dumps(descriptor), encoding="utf-8")


def problems_of(package):
    """The problems that every reader of the package reports (a table load and the package check)."""
    with pytest.raises(DataValidationError) as loading:
        data.load_table("platform_registrations", package)
    with pytest.raises(DataValidationError) as checking:
        data.check_package(package)
    assert loading.value.problems == checking.value.problems
    return loading.value.problems


def only(package):
    """The one problem of the descriptor, as (file, row, column, rule)."""
    problems = problems_of(package)
    assert len(problems) == 1, problems
    return problems[0].file, problems[0].row, problems[0].column, problems[0].rule


def fields(descriptor, resource=0):
    return descriptor["resources"][resource]["schema"]["fields"]


def foreign_key(descriptor):
    return descriptor["resources"][4]["schema"]["foreignKeys"][0]


def test_real_descriptor_is_valid(repo_root):
    descriptor = json.loads((repo_root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert validate_descriptor(descriptor, repo_root / "data") == []


def test_not_an_object(package):
    edit(package, lambda d: [d])
    assert only(package) == (DESCRIPTOR, None, None, "type")


def test_not_json(package):
    (package / "datapackage.json").write_text('{"resources": [', encoding="utf-8")
    assert only(package) == (DESCRIPTOR, 1, None, "json")


def test_missing(package):
    (package / "datapackage.json").unlink()
    assert only(package) == (DESCRIPTOR, None, None, "file exists")


@pytest.mark.parametrize("change, column, rule", [
    (lambda d: d.pop("resources") and None, "resources", "required"),
    (lambda d: d.update(resources={}), "resources", "type"),
    (lambda d: d["resources"].__setitem__(3, "size_tiers.csv"), "resources[3]", "type"),
    (lambda d: d["resources"][3].pop("name") and None, "resources[3].name", "required"),
    (lambda d: d["resources"][3].pop("path") and None, "resources[3].path", "required"),
    (lambda d: d["resources"][3].pop("schema") and None, "resources[3].schema", "required"),
    (lambda d: d["resources"][3].update(schema=[]), "resources[3].schema", "type"),
    (lambda d: d["resources"][3].update(name="size_tiers"), "resources[3].name", "unique"),
])
def test_resources(package, change, column, rule):
    edit(package, change)
    assert only(package) == (DESCRIPTOR, None, column, rule)


@pytest.mark.parametrize("path, reason", [
    ("/etc/passwd", "it is absolute"),
    ("C:/data/size_tiers.csv", "it is absolute"),
    ("../references.bib", "it goes up a folder with '..'"),
    ("sub/../../references.bib", "it goes up a folder with '..'"),
    ("sub\\size_tiers.csv", "it holds a backslash"),
    ("https://example.org/size_tiers.csv", "it is a URL"),
    ("file:///etc/passwd", "it is a URL"),
    ("", "it is empty"),
    (".", "it names the folder data/ itself"),
    ("size\x00tiers.csv", "it holds a control character or a line break"),
])
def test_unsafe_path(package, path, reason):
    edit(package, lambda d: d["resources"][1].update(path=path))
    problem = problems_of(package)[0]
    assert (problem.file, problem.row, problem.column, problem.rule) == (DESCRIPTOR, None, "resources[1].path", "path")
    assert reason in problem.message


def test_path_through_a_symbolic_link_outside(package):
    (package / "link.csv").symlink_to(package.parent / "references.bib")
    edit(package, lambda d: d["resources"][1].update(path="link.csv"))
    assert only(package) == (DESCRIPTOR, None, "resources[1].path", "path")


def test_path_to_a_folder(package):
    (package / "tables").mkdir()
    edit(package, lambda d: d["resources"][1].update(path="tables"))
    assert only(package) == (DESCRIPTOR, None, "resources[1].path", "path")


@pytest.mark.parametrize("change, column, rule", [
    (lambda d: d["resources"][3]["schema"].pop("fields") and None, "resources[3].schema.fields", "required"),
    (lambda d: d["resources"][3]["schema"].update(fields={}), "resources[3].schema.fields", "type"),
    (lambda d: fields(d, 3)[2].pop("name") and None, "resources[3].schema.fields[2].name", "required"),
    (lambda d: fields(d, 3)[2].update(name=7), "resources[3].schema.fields[2].name", "type"),
    (lambda d: fields(d, 3)[2].update(name="persons"), "resources[3].schema.fields[2].name", "unique"),
    (lambda d: fields(d, 3)[1].update(type="text"), "resources[3].schema.fields[1].type", "field type"),
    (lambda d: fields(d, 3)[1].update(constraints=[]), "resources[3].schema.fields[1].constraints", "type"),
    (lambda d: fields(d)[0].update({"x-multiline": "yes"}), "resources[0].schema.fields[0].x-multiline", "type"),
])
def test_fields(package, change, column, rule):
    edit(package, change)
    assert only(package) == (DESCRIPTOR, None, column, rule)


@pytest.mark.parametrize("field, constraint, value, reason", [
    (1, "minimum", "0", "'minimum' must be a number, not \"0\""),
    (1, "maximum", True, "'maximum' must be a number, not true"),
    (0, "minimum", 0, "'minimum' applies to integer and number fields, not to a string field"),
    (0, "required", "yes", "'required' must be true or false, not \"yes\""),
    (0, "unique", 1, "'unique' must be true or false, not 1"),
    (4, "enum", [], "'enum' must be a non-empty list, not []"),
    (4, "enum", "derived", "'enum' must be a non-empty list, not \"derived\""),
    (0, "pattern", "[a-z", "'pattern' \"[a-z\" is not a valid regular expression: unterminated character set"),
    (0, "pattern", 5, "'pattern' must be a string, not 5"),
    (0, "minLength", 1.5, "'minLength' must be a whole number of characters (0 or more), not 1.5"),
    (0, "maxLength", -1, "'maxLength' must be a whole number of characters (0 or more), not -1"),
    (0, "exclusiveMinimum", 1, "the constraint 'exclusiveMinimum' is not supported"),
])
def test_constraints(package, field, constraint, value, reason):
    edit(package, lambda d: fields(d)[field]["constraints"].update({constraint: value}))
    problem = problems_of(package)[0]
    column = f"resources[0].schema.fields[{field}].constraints.{constraint}"
    assert (problem.file, problem.row, problem.column, problem.rule) == (DESCRIPTOR, None, column, "constraint")
    assert problem.message.startswith(reason)


@pytest.mark.parametrize("change, column, rule", [
    (lambda d: d["resources"][0]["schema"].update(primaryKey=["platfrom"]), "resources[0].schema.primaryKey",
     "primaryKey"),
    (lambda d: d["resources"][0]["schema"].update(primaryKey=3), "resources[0].schema.primaryKey", "primaryKey"),
    (lambda d: d["resources"][4]["schema"].update(foreignKeys={}), "resources[4].schema.foreignKeys", "type"),
    (lambda d: foreign_key(d).update(fields="restate"), "resources[4].schema.foreignKeys[0].fields", "foreignKey"),
    (lambda d: foreign_key(d).pop("reference") and None, "resources[4].schema.foreignKeys[0].reference", "required"),
    (lambda d: foreign_key(d)["reference"].update(fields="figure"),
     "resources[4].schema.foreignKeys[0].reference.fields", "foreignKey"),
    (lambda d: foreign_key(d)["reference"].update(fields=["figure_id", "chapter"]),
     "resources[4].schema.foreignKeys[0].reference.fields", "foreignKey"),
    (lambda d: foreign_key(d)["reference"].update(resource="figures"),
     "resources[4].schema.foreignKeys[0].reference.resource", "foreignKey"),
    (lambda d: foreign_key(d)["reference"].update(resource="published_figures"),
     "resources[4].schema.foreignKeys[0].reference.resource", "foreignKey"),
    (lambda d: foreign_key(d)["reference"].update(resource=["size_tiers"]),
     "resources[4].schema.foreignKeys[0].reference.resource", "type"),
    (lambda d: foreign_key(d)["reference"].update(resource="size_tiers"),
     "resources[4].schema.foreignKeys[0].reference.fields", "foreignKey"),
])
def test_keys(package, change, column, rule):
    edit(package, change)
    assert only(package) == (DESCRIPTOR, None, column, rule)


def test_every_problem_is_listed(package):
    def break_twice(d):
        d["resources"][0]["path"] = "../x.csv"
        fields(d, 2)[0]["type"] = "int"
    edit(package, break_twice)
    assert [p.column for p in problems_of(package)] == ["resources[0].path", "resources[2].schema.fields[0].type"]


@pytest.mark.parametrize("text, rule", [("a\x00b", "control character"), ("a\x1b[31m", "control character"),
                                        ("x" * 10_001, "maxLength")])
def test_texts_of_the_descriptor_are_checked(package, text, rule):
    edit(package, lambda d: d["resources"][2].update(description=text))
    assert only(package) == (DESCRIPTOR, None, "resources[2].description", rule)
    edit(package, lambda d: d["resources"][2].update(description="fine") or d["changelog"][0]["changes"].append(text))
    assert only(package)[2:] == ("changelog[0].changes[" + str(len(json.loads((package / "datapackage.json")
                                                                         .read_text())["changelog"][0]["changes"]) - 1) + "]", rule)


def test_line_breaks_in_descriptor_texts_are_allowed(package):
    edit(package, lambda d: d["resources"][2].update(description="first line\nsecond line"))
    assert data.check_package(package)["size_method"] > 0


@pytest.mark.parametrize("change, column, rule", [
    (lambda d: d["resources"][3].update(name="size_tiers\n\n<img src=x onerror=alert(1)>"), "resources[3].name",
     "pattern"),
    (lambda d: d.update(name="../../elsewhere"), "name", "pattern"),
    (lambda d: d.pop("version") and None, "version", "required"),
    (lambda d: d.update(version="0.8"), "version", "pattern"),
    (lambda d: d["resources"][3].update(path="size`tiers.csv"), "resources[3].path", "path"),
    (lambda d: d["resources"][3].update(path="sub/size_method.csv"), "resources[3].path", "unique"),
    (lambda d: d["resources"][3].update(path="SHA256SUMS"), "resources[3].path", "unique"),
])
def test_names_and_files_that_would_land_in_the_catalogue_as_markup_or_elsewhere(package, change, column, rule):
    edit(package, change)
    assert (column, rule) in {(p.column, p.rule) for p in problems_of(package)}

"""Chapter parameters are read from the notebook and checked before anything runs."""

import pytest

from conftest import microwork
from microwork.analysis import params


def test_size_declares_accounts_per_person():
    declared = params.read_parameters("size")
    p = declared["accounts_per_person"]
    assert (p.type, p.default, p.low, p.high) == ("float", 1.27, 1.0, 5.0)
    assert "multihoming" in p.meaning


def test_valid_values_are_typed():
    assert params.check("size", accounts_per_person="1.5") == {"accounts_per_person": 1.5}
    assert params.check("size", accounts_per_person=2) == {"accounts_per_person": 2.0}


@pytest.mark.parametrize("values, message", [
    ({"accounts_per_persons": 1.5}, "unknown parameter 'accounts_per_persons'"),
    ({"accounts_per_person": "abc"}, "'abc' is not a float"),
    ({"accounts_per_person": True}, "not a float"),
    ({"accounts_per_person": 0.5}, "outside the allowed range 1.0 to 5.0"),
    ({"accounts_per_person": "5.01"}, "outside the allowed range"),
])
def test_bad_values_are_refused(values, message):
    with pytest.raises(params.ParameterError, match=message):
        params.check("size", **values)


def test_unknown_chapter():
    with pytest.raises(params.ParameterError, match="no chapter notebook 'nowhere'"):
        params.read_parameters("nowhere")


def test_malformed_assignment():
    with pytest.raises(params.ParameterError, match="is not NAME=VALUE"):
        params.parse_assignments(["accounts_per_person"])


def test_cli_refuses_before_any_kernel_starts(repo_root, tmp_path):
    import conftest
    root = conftest.copy_book(tmp_path / "book")
    result = microwork("run", "size", "-p", "accounts_per_person=9", root=root)
    assert result.returncode == 1
    assert "outside the allowed range 1.0 to 5.0" in result.stderr
    assert not (root / "_build").exists(), "nothing may run (or be written) for refused parameters"


def test_cli_params_lists_the_parameter(repo_root):
    result = microwork("params", "size", root=repo_root, check=True)
    assert "accounts_per_person" in result.stdout and "1.27" in result.stdout and "1 to 5" in result.stdout


def test_non_finite_values_are_refused():
    with pytest.raises(params.ParameterError, match="not a finite number"):
        params.check("size", accounts_per_person="nan")


def test_parameters_table_shows_whole_numbers_without_dot_zero():
    declared = {"draws": params.Parameter("draws", "float", 20000.0, 100.0, 500000.0, None, "number of draws"),
                "coefficient": params.Parameter("coefficient", "float", 1.27, 1.0, 5.0, None, "accounts per person")}
    header, draws, coefficient = params.parameters_table(declared)
    assert draws.split() == ["draws", "float", "20,000", "100", "to", "500,000", "number", "of", "draws"]
    assert coefficient.split()[2:6] == ["1.27", "1", "to", "5"]
    assert ".0" not in draws


def test_parameters_table_columns_follow_their_content():
    long_default = "jupyter-book,papermill,pandas,altair"
    declared = {"packages": params.Parameter("packages", "str", long_default, None, None, None, "packages listed"),
                "n": params.Parameter("n", "int", 3, 1.0, 9.0, None, "a count")}
    lines = params.parameters_table(declared)
    starts = {line.index(word) for line, word in zip(lines, ["allowed", "any str", "1 to 9"])}
    assert len(starts) == 1, "the 'allowed' column starts at the same place on every line"
    assert min(starts) > len("default") + lines[1].index(long_default), "a long default does not overflow its column"


def test_sensitivity_parameters_read_as_declared():
    lines = params.parameters_table(params.read_parameters("sensitivity"))
    draws = next(line for line in lines if line.startswith("draws "))
    seed = next(line for line in lines if line.startswith("seed "))
    assert "20,000" in draws and "100 to 500,000" in draws
    assert " 2019 " in seed, "a seed is not written with a thousands separator"


def parameters_notebook(folder, source):
    """A notebook at ``folder/chapter.ipynb`` whose cell tagged ``parameters`` is ``source``."""
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]})])
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    path = folder / "chapter.ipynb"
    nbformat.write(notebook, path)
    return path


def test_declarations_are_read_by_papermill(tmp_path):
    path = parameters_notebook(tmp_path, '# a comment\nn: int = 3  # [1, 9] a count\nunit: str = "kg"  # {"kg", "g"} the unit')
    declared = params.read_parameters(str(path))
    assert declared["n"] == params.Parameter("n", "int", 3, 1.0, 9.0, None, "a count")
    assert declared["unit"] == params.Parameter("unit", "str", "kg", None, None, ("kg", "g"), "the unit")


@pytest.mark.parametrize("source, message", [
    ("n = 3  # [1, 9] a count", r"cannot read the parameter line 'n = 3  # \[1, 9\] a count'"),  # no type
    ("n: int = 3", "cannot read the parameter line 'n: int = 3'"),  # no comment
    ("n: int = 3  # [1, 9] a count\nprint(n)", r"cannot read the parameter line 'print\(n\)'"),  # papermill joins it to n
    ('s: str = "a=b"  # text', "cannot read the parameter line"),  # papermill skips a line with two '='
    ("n: int = three  # [1, 9] a count", "cannot read the parameter line"),  # not a Python literal
    ("n: complex = 3  # a count", "parameter n has unsupported type complex"),
    ("n: int = 3  # [1, 9] a\nn: int = 4  # [1, 9] b", "parameter n is declared twice"),
])
def test_unreadable_declarations_are_refused(tmp_path, source, message):
    with pytest.raises(params.ParameterError, match=message):
        params.read_parameters(str(parameters_notebook(tmp_path, source)))


def test_one_parameter_given_several_values_makes_one_run_per_value():
    from microwork.analysis.params import ParameterError, parse_series

    assert parse_series([]) == [{}]
    assert parse_series(["a=1.5", "b=x"]) == [{"a": "1.5", "b": "x"}]
    assert parse_series(["a=1.5", "b=x", "a=1.6"]) == [{"b": "x", "a": "1.5"}, {"b": "x", "a": "1.6"}]
    assert parse_series(["a=1.5", "a=1.5", "b=x", "b=x"]) == [{"a": "1.5", "b": "x"}]  # the same value twice: one run
    with pytest.raises(ParameterError, match="a and b are each given several values"):
        parse_series(["a=1", "a=2", "b=1", "b=2"])
    with pytest.raises(ParameterError, match="is not NAME=VALUE"):
        parse_series(["a"])


def test_a_run_says_how_each_value_differs_from_the_books():
    from microwork.analysis.readable import MISSING, compared, results_table

    assert compared(212731.0, 251257.0, ",.0f") == "book: 251,257 (-15.3%)"
    assert compared(1.27, 1.27) == "as in the book"
    assert compared("casual", "routine") == "book: routine"
    assert compared(3, MISSING) == "not in the book's run"
    lines = results_table({"casual": 212731.0, "same": 5}, None, {"casual": ",.0f"}, {"casual": 251257.0, "same": 5})
    assert lines[0].endswith("book: 251,257 (-15.3%)") and lines[1].endswith("as in the book")

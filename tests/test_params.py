"""Chapter parameters are read from the notebook and checked before anything runs."""

import pytest

from conftest import microwork
from microwork import params


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
    assert "accounts_per_person" in result.stdout and "1.0 to 5.0" in result.stdout


def test_non_finite_values_are_refused():
    with pytest.raises(params.ParameterError, match="not a finite number"):
        params.check("size", accounts_per_person="nan")

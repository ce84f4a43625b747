"""The size chapter executes with papermill, and its estimates follow its parameter."""

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_book, microwork
from microwork.execute import execute_chapter, glued_values


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return copy_book(tmp_path_factory.mktemp("chapter") / "book")


def run(book, monkeypatch, tmp_path, **parameters):
    monkeypatch.setenv("MICROWORK_ROOT", str(book))
    execute_chapter(book / "chapters" / "size.ipynb", tmp_path / "run", parameters, tmp_path / "failed")
    return glued_values(tmp_path / "run" / "size.ipynb")


def test_default_parameters(book, monkeypatch, tmp_path):
    values = run(book, monkeypatch, tmp_path)
    assert values["raw_total"] == 319_096
    assert values["accounts_per_person"] == 1.27
    assert values["casual_book"] == pytest.approx(319_096 / 1.27)
    assert values["implied_accounts_per_person"] == pytest.approx(1.199, abs=5e-4)
    assert values["tier_casual"] == 266_126
    for kind in ("png", "svg", "csv"):
        assert (tmp_path / "run" / "figures" / f"size-tiers.{kind}").stat().st_size > 100


def test_override_changes_the_casual_estimate(book, monkeypatch, tmp_path):
    values = run(book, monkeypatch, tmp_path, accounts_per_person=1.5)
    assert values["accounts_per_person"] == 1.5
    assert values["casual_book"] == pytest.approx(319_096 / 1.5)
    assert values["tier_casual"] == 266_126, "the published tier is reported, not recomputed"


def test_plain_papermill_cli(book, tmp_path):
    papermill = Path(sys.executable).parent / "papermill"
    output = tmp_path / "out.ipynb"
    subprocess.run([str(papermill), "chapters/size.ipynb", str(output), "-p", "accounts_per_person", "1.5",
                    "--cwd", str(tmp_path)], cwd=book, check=True, capture_output=True,
                   env={"MICROWORK_ROOT": str(book), "PATH": str(papermill.parent)})
    assert glued_values(output)["casual_book"] == pytest.approx(319_096 / 1.5)


def test_plain_papermill_refuses_bad_value_inside_the_notebook(book, tmp_path):
    papermill = Path(sys.executable).parent / "papermill"
    result = subprocess.run([str(papermill), "chapters/size.ipynb", str(tmp_path / "out.ipynb"),
                             "-p", "accounts_per_person", "0.2", "--cwd", str(tmp_path)],
                            cwd=book, capture_output=True, text=True,
                            env={"MICROWORK_ROOT": str(book), "PATH": str(papermill.parent)})
    assert result.returncode != 0
    assert "outside the allowed range 1.0 to 5.0" in result.stdout + result.stderr


def test_microwork_run_prints_key_results(book):
    result = microwork("run", "size", "-p", "accounts_per_person=1.5", root=book, check=True)
    assert "casual_book" in result.stdout and "212,730.6667" in result.stdout

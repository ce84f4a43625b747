"""The size chapter executes with papermill, and its estimates follow its parameter."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_book, microwork
from microwork.pipeline.execute import execute_chapter, glued_values

pytestmark = pytest.mark.kernel  # runs chapters, or the command that runs them


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


def test_plain_papermill_cli(book, tmp_path, tcp_kernels):
    papermill = Path(sys.executable).parent / "papermill"
    output = tmp_path / "out.ipynb"
    subprocess.run([str(papermill), "chapters/size.ipynb", str(output), "-p", "accounts_per_person", "1.5",
                    "--cwd", str(tmp_path)], cwd=book, check=True, capture_output=True,
                   env={"MICROWORK_ROOT": str(book), "PATH": str(papermill.parent)})
    assert glued_values(output)["casual_book"] == pytest.approx(319_096 / 1.5)


def test_plain_papermill_refuses_bad_value_inside_the_notebook(book, tmp_path, tcp_kernels):
    papermill = Path(sys.executable).parent / "papermill"
    result = subprocess.run([str(papermill), "chapters/size.ipynb", str(tmp_path / "out.ipynb"),
                             "-p", "accounts_per_person", "0.2", "--cwd", str(tmp_path)],
                            cwd=book, capture_output=True, text=True,
                            env={"MICROWORK_ROOT": str(book), "PATH": str(papermill.parent)})
    assert result.returncode != 0
    assert "outside the allowed range 1.0 to 5.0" in result.stdout + result.stderr


def test_microwork_run_prints_key_results(book):
    result = microwork("run", "size", "-p", "accounts_per_person=1.5", root=book, check=True)
    line = next(l for l in result.stdout.splitlines() if "casual tier, raw total / this run's coefficient" in l)
    assert line.rstrip().endswith("212,731")          # labelled, and printed as the chapter's prose prints it
    assert "Executed notebook (exact values): _build/runs/size-" in result.stdout
    assert "Figures: _build/runs/size-" in result.stdout
    run = json.loads(next(book.glob("_build/runs/size-*/size.ipynb")).read_text(encoding="utf-8"))
    outputs = [output for cell in run["cells"] for output in cell.get("outputs", [])]
    assert len(outputs) > 20 and not [o for o in outputs if "microwork" in o.get("metadata", {})]  # no French pass


def run_chapter(book, monkeypatch, tmp_path, chapter, **parameters):
    monkeypatch.setenv("MICROWORK_ROOT", str(book))
    folder = tmp_path / chapter
    execute_chapter(book / "chapters" / f"{chapter}.ipynb", folder, parameters, tmp_path / "failed")
    return glued_values(folder / f"{chapter}.ipynb")


def test_sensitivity_default_and_altered(book, monkeypatch, tmp_path):
    default = run_chapter(book, monkeypatch, tmp_path / "a", "sensitivity", draws=2000)
    narrow = run_chapter(book, monkeypatch, tmp_path / "b", "sensitivity", draws=2000,
                         accounts_per_person_low=1.27, accounts_per_person_high=1.27)
    assert default["casual_q05"] < default["casual_q50"] < default["casual_q95"]
    assert narrow["casual_q95"] - narrow["casual_q05"] < default["casual_q95"] - default["casual_q05"]
    again = run_chapter(book, monkeypatch, tmp_path / "c", "sensitivity", draws=2000)
    assert again == default, "same seed, same results"


def test_lab_default_and_altered(book, monkeypatch, tmp_path):
    default = run_chapter(book, monkeypatch, tmp_path / "a", "lab", population_size=20000)
    equal_reach = run_chapter(book, monkeypatch, tmp_path / "b", "lab", population_size=20000, catchability_ratio=1.0)
    no_overlap = run_chapter(book, monkeypatch, tmp_path / "c", "lab", population_size=20000, overlap=0.0)
    assert default["bias_raw"] > 0.1
    assert default["bias_chapman"] < -0.05, "unequal reach makes capture-recapture undercount"
    assert abs(equal_reach["bias_chapman"]) < abs(default["bias_chapman"])
    assert no_overlap["bias_raw"] == 0 and no_overlap["accounts_per_person_true"] == 1.0


def test_crossed_range_is_refused_before_running(book):
    result = microwork("run", "sensitivity", "-p", "accounts_per_person_low=2", "-p", "accounts_per_person_high=1.5",
                       root=book)
    assert result.returncode == 1
    assert "accounts_per_person_low (2.0) is above accounts_per_person_high (1.5)" in result.stderr


@pytest.mark.parametrize("command", ["build", "run", "params", "check", "reproduce", "snapshots"])
def test_every_command_has_help_with_an_example(book, command):
    result = microwork(command, "--help", root=book, check=True)
    assert "example" in result.stdout


def test_check_validates_parameters_without_running(book):
    before = sorted((book / "_build").rglob("*")) if (book / "_build").exists() else []
    assert microwork("check", "-p", "size:accounts_per_person=1.5", root=book).returncode == 0
    refused = microwork("check", "-p", "size:accounts_per_person=7", root=book)
    assert refused.returncode == 1 and "outside the allowed range" in refused.stderr
    after = sorted((book / "_build").rglob("*")) if (book / "_build").exists() else []
    assert after == before, "check must not execute or write anything"

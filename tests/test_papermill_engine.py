"""Plain ``papermill`` in the venv refuses a chapter's bad parameter names before any kernel starts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import nbformat
import papermill  # before the engine's module: papermill loads that module while it imports itself
import pytest
from papermill.engines import NBClientEngine, papermill_engines

from conftest import ROOT
from microwork.pipeline.papermill_engine import ChapterEngine, ParameterRefused, refusal

# runs notebooks with plain papermill: kernels over TCP, one such test at a time across the workers
pytestmark = [pytest.mark.kernel, pytest.mark.usefixtures("tcp_kernels")]

PAPERMILL = str(Path(sys.executable).parent / "papermill")


def papermill_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the venv's ``papermill`` command."""
    return subprocess.run([PAPERMILL, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def refusal_line(result: subprocess.CompletedProcess) -> str:
    """The refusal papermill printed: exit 1, no traceback, one ``Error:`` line, the last one."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and result.stderr.splitlines()[-1] == errors[0], result.stderr
    return errors[0]


@pytest.mark.parametrize("args, expected", [
    (["-p", "acounts_per_person", "1.5"],
     "Error: chapters/size.ipynb: unknown parameter 'acounts_per_person' (did you mean 'accounts_per_person'? "
     "known: accounts_per_person)"),
    (["-p", "accounts_per_person", "9"],
     "Error: chapters/size.ipynb: parameters refused for chapter 'size': "
     "accounts_per_person: 9.0 is outside the allowed range 1.0 to 5.0"),
    (["-p", "accounts_per_person", "1.5", "-p", "class", "1"],
     "Error: chapters/size.ipynb: parameter name 'class' is not a Python identifier"),
])
def test_a_bad_parameter_is_refused_and_nothing_is_written(tmp_path, args, expected):
    out = tmp_path / "out.ipynb"
    assert refusal_line(papermill_cli("chapters/size.ipynb", str(out), *args)) == expected
    assert not out.exists(), "papermill writes its output only after the engine: a refused run writes none"


def test_the_refusal_is_the_only_line_at_error_level(tmp_path):
    result = papermill_cli("chapters/size.ipynb", str(tmp_path / "out.ipynb"), "-p", "acounts_per_person", "1.5",
                           "--log-level", "ERROR")
    assert result.stderr.count("\n") == 1 and refusal_line(result), result.stderr


def test_a_name_holding_code_never_runs(tmp_path):
    pwned = tmp_path / "pwned"
    result = papermill_cli("chapters/size.ipynb", str(tmp_path / "out.ipynb"),
                           "-p", f"x=open({str(pwned)!r},'w');y", "1")
    assert "is not a Python identifier" in refusal_line(result)
    assert not pwned.exists()
    assert not (tmp_path / "out.ipynb").exists()


def test_a_relative_path_is_checked_under_another_working_folder(tmp_path):
    """``--cwd`` moves the kernel (and the engine) elsewhere; the chapter is still found and checked."""
    result = papermill_cli("size.ipynb", str(tmp_path / "out.ipynb"), "-p", "acounts_per_person", "1.5",
                           "--cwd", str(tmp_path), cwd=ROOT / "chapters")
    assert "unknown parameter 'acounts_per_person'" in refusal_line(result)


def test_a_known_parameter_with_a_good_value_runs_to_the_end(tmp_path):
    out = tmp_path / "out.ipynb"
    result = papermill_cli("chapters/size.ipynb", str(out), "-p", "accounts_per_person", "1.5",
                           "--no-progress-bar")
    assert result.returncode == 0, result.stderr
    executed = json.loads(out.read_text(encoding="utf-8"))
    assert executed["metadata"]["papermill"]["parameters"] == {"accounts_per_person": 1.5}
    assert executed["metadata"]["papermill"]["exception"] is None
    code = [cell for cell in executed["cells"] if cell["cell_type"] == "code"]
    assert all(cell["execution_count"] for cell in code), "every code cell ran"


def test_a_notebook_without_a_parameters_cell_runs_as_papermill_runs_it(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('got', anything)")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, tmp_path / "tiny.ipynb")
    result = papermill_cli("tiny.ipynb", "out.ipynb", "-p", "anything", "1", "--no-progress-bar", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "does not contain a cell with tag 'parameters'" in result.stderr  # papermill's usual warning
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert "got 1" in executed.cells[-1].outputs[0]["text"]


def prepared(source: Path, tmp_path: Path, **parameters: object) -> nbformat.NotebookNode:
    """``source`` as papermill hands it to the engine (parameters injected, nothing executed)."""
    return papermill.execute_notebook(str(source), str(tmp_path / "prepared.ipynb"), parameters=parameters,
                                      prepare_only=True, progress_bar=False)


def test_only_the_books_chapters_are_checked(tmp_path):
    assert "unknown parameter 'acounts_per_person'" in refusal(
        prepared(ROOT / "chapters" / "size.ipynb", tmp_path, acounts_per_person=1.5))
    assert refusal(prepared(ROOT / "chapters" / "size.ipynb", tmp_path)) is None
    copy = shutil.copy(ROOT / "chapters" / "size.ipynb", tmp_path / "size.ipynb")  # outside chapters/
    assert refusal(prepared(copy, tmp_path, acounts_per_person=1.5)) is None


def test_the_python_api_raises_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="unknown parameter 'acounts_per_person'"):
        papermill.execute_notebook(str(ROOT / "chapters" / "size.ipynb"), str(tmp_path / "out.ipynb"),
                                   parameters={"acounts_per_person": 1.5}, progress_bar=False)
    assert not (tmp_path / "out.ipynb").exists()


def test_the_engine_replaces_papermills_default():
    assert papermill_engines.get_engine("nbclient") is ChapterEngine
    assert papermill_engines.get_engine(None) is ChapterEngine  # what papermill uses without --engine
    assert issubclass(ChapterEngine, NBClientEngine)
    assert issubclass(ParameterRefused, click.ClickException) and issubclass(ParameterRefused, ValueError)

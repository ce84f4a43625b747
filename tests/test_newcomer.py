"""A newcomer's first five minutes: a wrong Python, a half-made venv, another Python, a missing npm, papermill at
the root."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import copy_book

MAKE = shutil.which("make")
needs_make = pytest.mark.skipif(MAKE is None, reason="make is not installed")

ACCEPTED = "3.11, 3.12 or 3.13"  # the Pythons the Makefile accepts (PYTHONS_OK)


def fake_text(version: str) -> str:
    """A stand-in for a python of ``version``: it tells its version; any other call would be an install, which
    must not happen."""
    return f"""#!/bin/sh
if [ "$1" = "--version" ]; then echo "Python {version}"; exit 0; fi
echo "fake python{version} called with: $*" >&2
exit 3
"""


def fake_python(folder: Path, text: str = fake_text("3.10.0"), name: str = "python3.10") -> Path:
    """An executable script at ``folder/name`` that behaves like ``text`` says (by default, a python3.10)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text(text)
    script.chmod(0o755)
    return script


def real_python_310() -> list[str]:
    """A real python3.10 on this machine (on PATH or installed by pyenv), if one runs."""
    candidates = [shutil.which("python3.10"), *sorted(Path.home().glob(".pyenv/versions/3.10*/bin/python3.10"))]
    for found in filter(None, candidates):
        result = subprocess.run([str(found), "--version"], capture_output=True, text=True)
        if result.returncode == 0 and result.stdout.startswith("Python 3.10"):
            return [str(found)]
    return []


def make(root: Path, *args: str, path: str | None = None) -> tuple[subprocess.CompletedProcess, float]:
    """Run make in ``root`` as a newcomer would (not as a sub-make of ``make test``); return it and its time."""
    env = {k: v for k, v in os.environ.items() if k not in {"MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES"}}
    if path is not None:
        env["PATH"] = path
    start = time.monotonic()
    result = subprocess.run([MAKE, *args], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    return result, time.monotonic() - start


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return copy_book(tmp_path / "book")


@needs_make
@pytest.mark.parametrize("kind", ["fake", *(["real"] if real_python_310() else [])])
def test_wrong_python_stops_at_once_with_one_line(book, tmp_path, kind):
    python = fake_python(tmp_path / "bin") if kind == "fake" else real_python_310()[0]
    result, seconds = make(book, f"PYTHON={python}", "book")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Python 3.10" in lines[0] and f"needs Python {ACCEPTED}" in lines[0]
    assert re.search(r"make PYTHON=python3\.1[123] book", lines[0]), lines[0]  # one found here, or one to install
    assert result.stdout == ""
    assert seconds < 5
    assert not (book / ".venv").exists()


@needs_make
@pytest.mark.parametrize("case", ["missing", "broken"])
def test_missing_or_broken_python_is_named(book, tmp_path, case):
    python = tmp_path / "no-such-python" if case == "missing" else fake_python(tmp_path / "bin", "#!/bin/sh\nexit 127\n")
    result, _ = make(book, f"PYTHON={python}", "venv")
    assert result.returncode != 0 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert ("is not installed" if case == "missing" else "does not run") in result.stderr
    assert not (book / ".venv").exists()


def half_made(book: Path, python: Path | str, stamp: bool) -> None:
    """A .venv whose ``bin/python`` is ``python``, with or without its install stamp."""
    (book / ".venv" / "bin").mkdir(parents=True)
    (book / ".venv" / "bin" / "python").symlink_to(python)
    if stamp:
        (book / ".venv" / ".installed").touch()


@needs_make
@pytest.mark.parametrize("case", ["no stamp", "stamp but python 3.10", "stamp but python gone"])
def test_half_made_venv_is_made_again_from_scratch(book, tmp_path, case):
    python = {"no stamp": sys.executable, "stamp but python 3.10": fake_python(tmp_path / "bin"),
              "stamp but python gone": tmp_path / "removed-python"}[case]
    half_made(book, python, stamp=case != "no stamp")
    result, seconds = make(book, "-n", f"PYTHON={sys.executable}", "book")  # dry run: says what it would do
    assert result.returncode == 0, result.stderr
    assert "is half-made" in result.stdout
    assert f"rm -rf .venv && {sys.executable} -m venv .venv" in result.stdout
    assert seconds < 5


@needs_make
def test_sound_venv_is_kept(book):
    half_made(book, sys.executable, stamp=True)
    result, _ = make(book, "-n", "PYTHON=/nonexistent/python3.12", "book")  # a sound venv never needs $(PYTHON)
    assert result.returncode == 0, result.stderr
    assert "-m venv" not in result.stdout and "rm -rf" not in result.stdout
    assert "microwork build" in result.stdout


def venv_of_this_python(book: Path) -> str:
    """A sound .venv of the running Python; its X.Y."""
    half_made(book, sys.executable, stamp=True)
    return "%d.%d" % sys.version_info[:2]


@needs_make
def test_venv_is_kept_for_the_same_python(book, tmp_path):
    version = venv_of_this_python(book)
    python = fake_python(tmp_path / "bin", fake_text(f"{version}.99"), f"python{version}")
    result, _ = make(book, "-n", f"PYTHON={python}", "book")
    assert result.returncode == 0, result.stderr
    assert "-m venv" not in result.stdout and "rm -rf" not in result.stdout


@needs_make
def test_another_accepted_python_makes_the_venv_again(book, tmp_path):
    version = venv_of_this_python(book)
    other = "3.13" if version != "3.13" else "3.12"
    python = fake_python(tmp_path / "bin", fake_text(f"{other}.0"), f"python{other}")
    result, seconds = make(book, "-n", f"PYTHON={python}", "book")
    assert result.returncode == 0, result.stderr
    assert f".venv is Python {version} but {python} is Python {other}: making it again" in result.stdout
    assert f"rm -rf .venv && {python} -m venv .venv" in result.stdout
    assert seconds < 5


@needs_make
def test_a_refused_python_given_with_a_sound_venv_is_refused(book, tmp_path):
    venv_of_this_python(book)
    result, _ = make(book, "-n", f"PYTHON={fake_python(tmp_path / 'bin')}", "book")
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1 and f"needs Python {ACCEPTED}" in result.stderr
    assert (book / ".venv" / ".installed").exists()


@needs_make
def test_missing_npm_is_said_in_one_line_before_any_install(book):
    result, seconds = make(book, "test", path="/nonexistent")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "npm not found" in lines[0], result.stderr
    assert seconds < 5
    assert not (book / ".venv").exists()


@needs_make
def test_distclean_removes_every_installed_environment(book):
    made = ["_build", "chapters/figures", ".venv", ".venv-cff", "tests/js/node_modules"]
    for folder in made:
        (book / folder / "inside").mkdir(parents=True)
    result, _ = make(book, "distclean")
    assert result.returncode == 0, result.stderr
    assert [folder for folder in made if (book / folder).exists()] == []
    assert (book / "tests" / "js" / "package.json").is_file() and (book / "chapters" / "size.ipynb").is_file()


@pytest.mark.kernel
def test_plain_papermill_at_the_root_writes_nothing_there(book, tcp_kernels):
    before = {p.name for p in book.iterdir()}
    env = {**os.environ, "MICROWORK_ROOT": str(book), "PYTHONPATH": str(book / "src")}
    papermill = Path(sys.executable).parent / "papermill"
    result = subprocess.run([str(papermill), "chapters/size.ipynb", "out.ipynb"], cwd=book, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert {p.name for p in book.iterdir()} - before <= {"out.ipynb", "_build"}  # _build is git-ignored
    assert not (book / "figures").exists() and not (book / "chapters" / "figures").exists()
    assert (book / "_build" / "papermill" / "figures" / "size-tiers.svg").stat().st_size > 100
    assert "_build/papermill/figures/size-tiers.svg" in (book / "out.ipynb").read_text()


def test_figures_stay_next_to_the_notebook_elsewhere(book, tmp_path, monkeypatch):
    from microwork.analysis import charts

    monkeypatch.setenv("MICROWORK_ROOT", str(book))
    monkeypatch.chdir(book)
    assert charts.figure_dir() == Path("_build/papermill/figures")
    monkeypatch.chdir(book / "chapters")  # Jupyter Book
    assert charts.figure_dir() == Path("figures")
    monkeypatch.chdir(tmp_path)  # a run folder of `microwork build` or `microwork run`
    assert charts.figure_dir() == Path("figures")


def test_tool_caches_are_not_part_of_the_book(repo_root):
    assert "**/.pytest_cache" in yaml.safe_load((repo_root / "_config.yml").read_text())["exclude_patterns"]

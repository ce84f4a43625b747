"""The execution cache is verified before reuse, one build runs at a time, and failures leave nothing half-made."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import microwork
from microwork.analysis import drawing
from microwork.pipeline import warm
from microwork.pipeline.cache import sha256_of

pytestmark = pytest.mark.build


@pytest.fixture
def book(book_copy) -> Path:
    """A built book of the test's own (a copy of the shared one, its cache and site included), which it damages,
    edits and builds again: nothing to put back for the next test."""
    return book_copy


def entry(root: Path, chapter: str) -> Path:
    return root / "_build" / ".cache" / "chapters" / chapter


def test_records_keep_project_relative_paths(book):
    record = json.loads((entry(book, "size") / "record.json").read_text())
    assert "data/platform_registrations.csv" in record["data_files"]
    assert all(not Path(p).is_absolute() for p in record["data_files"])
    assert "size.ipynb" in record["outputs"] and "figures/size-tiers.svg" in record["outputs"]


def test_a_tampered_cached_notebook_is_executed_again_not_published(book):
    notebook = entry(book, "size") / "size.ipynb"
    notebook.write_text(notebook.read_text().replace("266126", "999999"))
    result = microwork("build", root=book, check=True)
    assert "size: its cached output size.ipynb was altered or is missing: executing it again" in result.stdout
    assert "executed 1 chapter(s)" in result.stdout
    html = (book / "_build" / "html" / "chapters" / "size.html").read_text()
    assert "999,999" not in html and "999999" not in html and "266,126" in html


@pytest.mark.parametrize("damage", ["delete a figure", "truncate the notebook", "corrupt the record",
                                    "delete the record"])
def test_a_damaged_cache_entry_is_executed_again(book, damage):
    target = entry(book, "about")
    if damage == "delete a figure":
        target = entry(book, "size")
        (target / "figures" / "size-tiers.png").unlink()
    elif damage == "truncate the notebook":
        (target / "about.ipynb").write_bytes((target / "about.ipynb").read_bytes()[:100])
    elif damage == "corrupt the record":
        (target / "record.json").write_text("{not json")
    else:
        (target / "record.json").unlink()
    result = microwork("build", root=book)
    assert result.returncode == 0, result.stderr
    assert f"{target.name}: its cache" in result.stdout and "executing it again" in result.stdout
    assert microwork("build", root=book, check=True).stdout.count("executed 0 chapter(s)") == 1


def test_data_edited_while_a_chapter_executes_is_noticed(book):
    """A chapter whose data file changes while it runs is executed again (here the first run edits the file)."""
    notebook = book / "chapters" / "about.ipynb"
    nb = json.loads(notebook.read_bytes())
    nb["cells"].append({"cell_type": "code", "metadata": {"tags": ["remove-cell"]}, "execution_count": None,
                        "outputs": [], "source": (
        "from microwork.analysis import data, paths\n"
        "marker = paths.project_root() / '_build' / 'edited-once'\n"
        "data.load_table('comparison_workforces')\n"
        "if not marker.exists():\n"
        "    marker.touch()\n"
        "    csv = paths.data_dir() / 'comparison_workforces.csv'\n"
        "    csv.write_bytes(csv.read_bytes() + b'\\n')\n")})
    csv = book / "data" / "comparison_workforces.csv"
    notebook.write_text(json.dumps(nb))
    result = microwork("build", root=book, check=True)
    assert ("about: data/comparison_workforces.csv changed while the chapter was executing: executing it again"
            in result.stdout)
    record = json.loads((entry(book, "about") / "record.json").read_text())
    assert record["data_files"]["data/comparison_workforces.csv"] == sha256_of(csv)


def test_a_second_build_waits_for_the_first_and_says_for_whom(book):
    from microwork.pipeline.lock import build_lock

    with build_lock(book / "_build", say=lambda _: None):
        env = {**os.environ, "MICROWORK_ROOT": str(book)}
        second = subprocess.Popen([str(Path(sys.executable).parent / "microwork"), "build", "--no-pdf"], cwd=book, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        first_line = second.stdout.readline()
        assert f"waiting: process {os.getpid()}" in first_line and "one build at a time" in first_line
        time.sleep(1)
        assert second.poll() is None, "the second build must wait while the lock is held"
    rest = second.communicate(timeout=120)[0]
    assert second.returncode == 0 and "the other build finished" in rest and "nothing changed" in rest


def test_two_builds_at_once_both_succeed(book):
    env = {**os.environ, "MICROWORK_ROOT": str(book)}
    command = [str(Path(sys.executable).parent / "microwork"), "build", "--no-pdf"]  # PDFs: tests/test_pdf.py
    page = book / "chapters" / "glossary.md"
    page.write_text(page.read_text() + "\nOne more line, for the first build to render.\n")
    first = subprocess.Popen(command, cwd=book, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    started = first.stdout.readline()  # "checking the data package": the first build holds the lock by now
    second = subprocess.Popen(command, cwd=book, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    runs = [first, second]
    outputs = [started + first.communicate(timeout=600)[0], second.communicate(timeout=600)[0]]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert any("waiting: process" in output for output in outputs)


def processes_of(book: Path) -> list[int]:
    """Processes whose environment names this book (build workers and their kernels), this test excepted."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and int(proc.name) != os.getpid():
            try:
                if str(book).encode() in (proc / "environ").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


def helper_sockets(pid: int) -> list[str]:
    """The sockets of the build's helpers (kernel parent, drawing services) named in the environment of ``pid``."""
    try:
        environment = dict(item.split("=", 1) for item in (Path("/proc") / str(pid) / "environ").read_text().split("\0")
                           if "=" in item)
    except OSError:
        return []
    return [path for variable in (warm.SOCKET_VARIABLE, drawing.SERVICE_VARIABLE)
            for path in environment.get(variable, "").split(os.pathsep) if path]


def test_killing_the_build_leaves_no_worker_or_kernel(book):
    env = {**os.environ, "MICROWORK_ROOT": str(book)}
    build = subprocess.Popen([str(Path(sys.executable).parent / "microwork"), "build", "--force"], cwd=book, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in build.stdout:
        if "executing" in line:
            break
    time.sleep(4)  # kernels are running
    assert len(processes_of(book)) >= 3
    helper_folders = {Path(path).parent for pid in processes_of(book) for path in helper_sockets(pid)}
    assert len(helper_folders) >= 2 and all(folder.is_dir() for folder in helper_folders)
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.time() + 20
    while processes_of(book) and time.time() < deadline:
        time.sleep(0.5)
    assert processes_of(book) == []
    assert not [folder for folder in helper_folders if folder.exists()]  # the helpers removed their sockets' folders
    result = microwork("build", root=book, check=True)  # the next build is not hindered by the killed one
    assert "Built in" in result.stdout
    assert not list(entry(book, "x").parent.glob("*.running"))


def test_a_failed_render_leaves_no_partial_site(book):
    page = book / "chapters" / "glossary.md"
    original = page.read_text()
    sites_before = sorted((book / "_build" / "sites").iterdir())
    published = (book / "_build" / "html").resolve()
    page.write_text(original + "\n\nSee {ref}`a-label-that-does-not-exist`.\n")
    result = microwork("build", root=book)
    assert result.returncode == 1 and "Jupyter Book failed" in result.stderr
    assert sorted((book / "_build" / "sites").iterdir()) == sites_before
    assert (book / "_build" / "html").resolve() == published


@pytest.mark.parametrize("file, content, message", [
    ("chapters/about.ipynb", "{not json", "chapters/about.ipynb: not a valid notebook: invalid JSON at line 1"),
    ("chapters/about.ipynb", '{"cells": 3}', "chapters/about.ipynb: not a valid notebook: no list of 'cells'"),
    ("_toc.yml", "root: [unclosed", "_toc.yml: invalid YAML at line"),
    ("_toc.yml", "format: jb-book\nroot: chapters/index\nchapters:\n  - file: chapters/missing\n",
     "_toc.yml names 'chapters/missing', but there is no chapters/missing.md or chapters/missing.ipynb"),
])
def test_a_corrupt_notebook_or_toc_is_named_without_a_traceback(book, file, content, message):
    (book / file).write_text(content)
    result = microwork("build", root=book)
    assert result.returncode == 1
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("errno, reason", [(28, "No space left on device"), (30, "Read-only file system")])
def test_a_full_disk_or_read_only_build_folder_is_one_line(monkeypatch, capsys, errno, reason):
    from microwork import cli

    def fails(*args, **kwargs):
        raise OSError(errno, reason, "_build/.cache/chapters/size.running/size.ipynb")

    monkeypatch.setattr(cli, "build", fails)
    assert cli.main(["build"]) == 1
    error = capsys.readouterr().err
    assert error.splitlines()[0] == f"error: cannot write or read _build/.cache/chapters/size.running/size.ipynb: {reason}"
    assert "Traceback" not in error


def test_a_cell_that_runs_too_long_fails_its_chapter(book):
    config, notebook = book / "_config.yml", book / "chapters" / "about.ipynb"
    nb = json.loads(notebook.read_bytes())
    nb["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                        "source": "import time\ntime.sleep(60)"})
    config.write_text(config.read_text().replace("timeout: 600", "timeout: 3"))
    notebook.write_text(json.dumps(nb))
    started = time.time()
    result = microwork("build", root=book)
    assert result.returncode == 1 and time.time() - started < 50
    assert "chapter 'about' failed" in result.stderr and "timed out" in result.stderr, result.stderr

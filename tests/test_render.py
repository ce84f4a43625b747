"""The book is rendered from its own ``_config.yml``, with Jupyter Book's configuration overrides on top."""

import os
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from microwork.pipeline import render
from microwork.pipeline.renderers import NICENESS, RenderJob, Renderers
from microwork.pipeline.build import BOOK_FILES, stage_files


@pytest.mark.build
def test_the_staged_configuration_is_the_books(built_book):
    files = stage_files(built_book)
    assert {name: files[name] for name in BOOK_FILES} == {name: (built_book / name).read_bytes() for name in BOOK_FILES}


def test_render_switches_execution_off_over_the_book_configuration():
    from jupyter_book.config import get_final_config

    book = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert book["execute"]["execute_notebooks"] == "force", "a plain `jupyter-book build .` executes the notebooks"
    config, _ = get_final_config(user_yaml=ROOT / "_config.yml", cli_config=dict(render.OVERRIDES), sourcedir=ROOT)
    assert config["nb_execution_mode"] == "off"
    assert config["nb_execution_timeout"] == book["execute"]["timeout"], "the rest of the book's settings still apply"


def test_a_render_started_ahead_imports_the_books_extensions_and_theme():
    names = render.imported_by_render(ROOT)
    book = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert set(book["sphinx"]["extra_extensions"]) <= set(names)
    assert "sphinx_book_theme" in names and "myst_nb" in names and "sphinx.builders.html" in names


def niceness(pid: int) -> int:
    """The niceness of the process ``pid`` (field 19 of /proc/PID/stat)."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


@pytest.mark.kernel
def test_renders_started_ahead_share_one_import_run_below_the_kernels_and_those_not_used_are_ended(tmp_path):
    with Renderers(ROOT, tmp_path / "cache", count=2) as renderers:
        renderers.start()
        started = list(renderers.waiting)
        (process,) = renderers.processes
        assert len(started) == 2 and process.poll() is None
        assert niceness(process.pid) == min(19, os.nice(0) + NICENESS)
        taken = renderers.take()
        assert taken is started[0] and renderers.waiting == [started[1]]
        taken.send(tmp_path / "no-such-stage", tmp_path / "html")  # a job it cannot do: it fails and ends
        output, _ = taken.communicate()
        assert taken.returncode == 1 and render.EXIT not in output
        assert "no-such-stage" in output or "Error" in output, output[-2000:]
        assert process.poll() is None  # the other render still waits
    assert process.returncode == 0  # the render never taken ended with the block, and the process with it
    assert started[1].returncode == 0


@pytest.mark.kernel
def test_killing_a_render_ends_its_process_and_the_other_renders(tmp_path):
    with Renderers(ROOT, tmp_path / "cache", count=2) as renderers:
        taken = renderers.take()  # none started ahead: started now
        taken.kill()
        output, _ = taken.communicate()
        assert taken.returncode == -9
    assert renderers.processes[0].returncode == -9


class Ended:
    """A stand-in for the renders' process, already ended with ``code``."""

    def __init__(self, code: int) -> None:
        self.code = code

    def poll(self) -> int:
        return self.code


def finished_job(output: str, code: int = 0) -> RenderJob:
    """A render job whose render has written ``output`` and ended."""
    (job_read, job_write), (output_read, output_write) = os.pipe(), os.pipe()
    os.write(output_write, output.encode())
    os.close(output_write)
    os.close(job_read)
    return RenderJob(job_write, output_read, Ended(code))


def test_a_renders_exit_code_is_read_after_its_marker_and_what_follows_is_kept():
    job = finished_job(f"WARNING: one\n{render.EXIT}1\nException ignored in: <atexit>\n")
    text, _ = job.communicate()
    assert job.returncode == 1 and text == "WARNING: one\nException ignored in: <atexit>\n"
    assert job.communicate() == ("", None)  # asked again: nothing more
    job = finished_job("Traceback (most recent call last):\nImportError: no sphinx\n", code=3)  # it never forked
    text, _ = job.communicate()
    assert job.returncode == 3 and "ImportError: no sphinx" in text and "ended before it forked" in text
    job = finished_job("", code=0)  # killed, its process still running
    job.process = Ended(None)  # type: ignore[arg-type]
    assert job.communicate() == ("", None) and job.returncode == -9

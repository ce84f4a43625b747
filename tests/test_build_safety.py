"""A build that is killed, runs out of disk or shares its folders stays within what it made."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from conftest import microwork

pytestmark = pytest.mark.build

FILE_SIZE_LIMIT = 1_200_000  # bytes: every staged file is smaller; the theme's fontawesome.js and Sphinx's pickle are not


def site_of(root: Path) -> Path:
    return (root / "_build" / "html").resolve()


def start_build(root: Path, **options) -> subprocess.Popen:
    """``microwork build`` for the book at ``root``, in its own session, its output (both streams) readable."""
    return subprocess.Popen([str(Path(sys.executable).parent / "microwork"), "build"], cwd=root,
                            env={**os.environ, "MICROWORK_ROOT": str(root)}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True, **options)


@contextmanager
def a_page_changed(root: Path) -> Iterator[None]:
    """One Markdown page gains a blank line at its end: both editions must be rendered again, nothing executed."""
    page = root / "chapters" / "glossary.md"
    original = page.read_bytes()
    page.write_bytes(original + b"\n")
    try:
        yield
    finally:
        page.write_bytes(original)


def alive(process: psutil.Process) -> bool:
    """Whether ``process`` still runs (a zombie waiting to be reaped has ended)."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def mentioning(root: Path) -> list[psutil.Process]:
    """The processes whose command line names a path inside ``root``."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if process.pid != os.getpid() and str(root) in " ".join(process.info["cmdline"] or []):
            found.append(process)
    return found


def renders(build: psutil.Process) -> list[psutil.Process]:
    """The render processes the build has started."""
    found = []
    for child in build.children(recursive=True):
        try:
            if "microwork.pipeline.render" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


def test_killed_build_leaves_no_process_running(own_book):
    with a_page_changed(own_book):
        build = start_build(own_book)
        family: list[psutil.Process] = []
        try:
            for line in build.stdout:
                if "rendering the" in line:
                    break
            else:
                pytest.fail("the build ended before rendering")
            parent = psutil.Process(build.pid)
            deadline = time.monotonic() + 120
            while not renders(parent) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert renders(parent), "no render process started"
            time.sleep(1)  # the render is at work
            family = parent.children(recursive=True)
            os.kill(build.pid, signal.SIGKILL)
            build.wait()
            time.sleep(1)
            left = [p for p in {*family, *mentioning(own_book)} if p.pid != build.pid and alive(p)]
            assert left == [], [" ".join(p.cmdline())[:200] for p in left]
        finally:
            for process in {*family, *mentioning(own_book)}:
                if process.pid != build.pid and alive(process):
                    process.kill()
            build.kill()
            build.wait()
            build.stdout.close()


def limit_file_size() -> None:
    """In the build's process, before it starts: writing a file past :data:`FILE_SIZE_LIMIT` fails (EFBIG), as
    writing to a full disk does (ENOSPC)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


def test_a_file_that_cannot_be_written_is_one_line(own_book):
    before = site_of(own_book)
    sites_before = set((own_book / "_build" / "sites").iterdir())
    with a_page_changed(own_book):
        result = subprocess.run([str(Path(sys.executable).parent / "microwork"), "build"], cwd=own_book,
                                env={**os.environ, "MICROWORK_ROOT": str(own_book)}, capture_output=True,
                                text=True, preexec_fn=limit_file_size)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "\x1b[" not in result.stderr + result.stdout
    error, *rest = result.stderr.strip().splitlines()
    assert rest == ["The previous book in _build/html is untouched."], result.stderr
    assert error.startswith(f"error: cannot write or read {own_book / '_build' / 'sites'}/site-"), error
    assert error.endswith(": File too large"), error
    assert site_of(own_book) == before and (before / "chapters" / "glossary.html").is_file()
    assert set((own_book / "_build" / "sites").iterdir()) <= sites_before  # the failed render left nothing


def test_pruning_keeps_folders_the_build_did_not_make(own_book, tmp_path):
    build_dir = own_book / "_build"
    elsewhere = tmp_path / "build-elsewhere"
    shutil.move(build_dir, elsewhere)
    build_dir.symlink_to(elsewhere)  # someone keeps _build on another disk
    sites = elsewhere / "sites"
    mine, notes = sites / "site-mine", sites / "my notes"
    old = sites / "site-20000101-000000-00000000"  # a render that was killed long ago
    try:
        for folder in (mine, notes, old):
            folder.mkdir()
            (folder / "keep.txt").write_text("mine\n")
        (old / ".microwork-site").write_text("site-20000101-000000-00000000\n")
        published = site_of(own_book)
        assert (published.parents[1] / ".microwork-site").is_file()  # the build marks the sites it makes
        result = microwork("build", root=own_book)  # nothing changed: it only prunes
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr
        assert (mine / "keep.txt").is_file() and (notes / "keep.txt").is_file()
        assert not old.exists()
        assert site_of(own_book) == published and (published / "index.html").is_file()
    finally:
        build_dir.unlink()
        shutil.move(elsewhere, build_dir)
        for folder in (mine, notes, old):
            shutil.rmtree(build_dir / "sites" / folder.name, ignore_errors=True)

"""Shared fixtures: the repository, and a built copy of the book in a temporary folder."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from microwork.pipeline.layout import copy_sources

ROOT = Path(__file__).resolve().parents[1]
def copy_book(target: Path) -> Path:
    """Copy the book's sources (no venv, build or git folders) into ``target``."""
    return copy_sources(ROOT, target)


def as_git_checkout(book: Path) -> Path:
    """Make the copied ``book`` a git checkout with its files in one commit (the site's build record names it)."""
    identity = ["-c", "user.name=Book tests", "-c", "user.email=tests@example.org", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], [*identity, "commit", "-q", "-m", "copy of the book"]):
        subprocess.run(["git", *command], cwd=book, check=True, capture_output=True)
    return book


# Set by GitHub Actions, where the tests run too: a test's build is a fresh clone's, with no repository address
# unless the test gives one (``environment``).
REPOSITORY_VARIABLES = ("GITHUB_REPOSITORY", "GITHUB_SERVER_URL")


def microwork(*args: str, root: Path, check: bool = False, environment: dict[str, str] | None = None,
              pdfs: bool = False) -> subprocess.CompletedProcess:
    """Run the ``microwork`` command for the book at ``root`` (with no repository address, unless ``environment``
    gives one; a ``build`` prints no PDFs unless ``pdfs``: they take minutes, and the tests that read them read the
    first build's, :func:`published_site`)."""
    if args[:1] == ("build",) and not pdfs:
        args = (*args, "--no-pdf")
    env = {**{k: v for k, v in os.environ.items() if k not in REPOSITORY_VARIABLES}, **(environment or {}),
           "MICROWORK_ROOT": str(root)}
    command = [str(Path(sys.executable).parent / "microwork"), *args]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=check)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    """Debian chromium driven by Playwright (headless, no background network)."""
    from microwork.pipeline.pdf import CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run `bash .ci/install-system-deps`")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def sources():
    """Every chapter's exercise source (exercises/*.yml), read and checked."""
    from microwork.analysis import exercises

    return exercises.read_sources()


@pytest.fixture(scope="session")
def files(sources):
    """Every chapter's students' notebook and teachers' bundle, in each language (language: file name: content)."""
    from microwork.pipeline import assignments

    return assignments.edition_files(ROOT, sources)


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this test run that every pytest-xdist worker sees: the run's temporary folder (each worker has
    its own inside it); without workers, the one process's."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (made if needed) within this block: one worker at a time."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the book, built once with ``microwork build``, PDFs included, shared by the build and browser tests of
    every worker: they only read it (the tests that change the book and build it again take :func:`own_book`). The
    site as this build made it is also kept apart (:func:`published_site`)."""
    shared = shared_folder(tmp_path_factory)
    folder, root = shared / "built", shared / "built" / "book"
    with locked(shared / "built.lock"):
        if not (folder / BUILT).is_file():
            shutil.rmtree(folder, ignore_errors=True)  # a build another worker could not finish: tried again
            folder.mkdir()
            as_git_checkout(copy_book(root))
            result = microwork("build", root=root, pdfs=True)
            assert result.returncode == 0, result.stdout + result.stderr
            shutil.copytree((root / "_build" / "html").resolve(), folder / PUBLISHED, copy_function=os.link)
            (folder / BUILT).write_text("built\n")
    return root


BUILT = "built.done"


@pytest.fixture
def tcp_kernels(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Held by a test that starts Jupyter kernels over TCP (plain papermill, plain jupyter-book), so that only one
    such test runs at a time across the workers: two kernels that pick their free ports at the same moment can pick
    the same one ("Kernel died before replying to kernel_info"; the build's own kernels use IPC sockets for this)."""
    with locked(shared_folder(tmp_path_factory) / "tcp-kernels.lock"):
        yield


@pytest.fixture(scope="module")
def own_book(built_book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of :func:`built_book` (its ``_build`` included: cached chapters, sites, PDFs) for the tests of one module
    that change the book and build it again, while other workers read the shared one."""
    root = tmp_path_factory.mktemp("own") / "book"
    shutil.copytree(built_book, root, symlinks=True)
    return root


@pytest.fixture
def book_copy(built_book: Path, tmp_path: Path) -> Path:
    """A copy of :func:`built_book` (its ``_build`` included) for one test that changes the book and builds it again:
    the test needs no build to set its book up or to put it back (a copy takes half a second, a build twenty)."""
    root = tmp_path / "book"
    shutil.copytree(built_book, root, symlinks=True)
    return root


PUBLISHED = "published-site"


@pytest.fixture(scope="session")
def published_site(built_book: Path) -> Path:
    """The site of the first build of :func:`built_book`, as it was published: pages, data, record and PDFs."""
    return built_book.parent / PUBLISHED


# Fixtures that build the whole book or open a browser: a test using one is marked as such, whatever its module says,
# so that `make test-fast` (pytest -m "not build and not browser and not kernel and not venv") leaves it out.
MARKING_FIXTURES = {"built_book": "build", "browser": "browser"}


SLOW_MARKS = ("build", "browser", "kernel", "venv")
# Fixtures that give a test a book of its own, which it builds again: about fifteen seconds each.
REBUILDING_FIXTURES = ("book_copy", "own_book", "hostile_book")


def expected_seconds(item: pytest.Item) -> int:
    """A rough guess of a test's duration, to schedule the long files first: a test that builds a book of its own
    fifteen seconds, another slow test (:data:`SLOW_MARKS`) two, the rest nothing."""
    if any(fixture in REBUILDING_FIXTURES for fixture in getattr(item, "fixturenames", ())):
        return 15
    return 2 if any(item.get_closest_marker(mark) for mark in SLOW_MARKS) else 0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test by the slow fixtures it uses, directly or through another fixture (:data:`MARKING_FIXTURES`),
    then put the modules expected to take longest first (:func:`expected_seconds`; each module's tests keep their
    order). With several processes (``make test``: pytest-xdist, whole files, ``--no-loadscope-reorder``) the long
    files start first and the short ones fill the gaps at the end, instead of a long file starting last."""
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            if fixture in MARKING_FIXTURES:
                item.add_marker(MARKING_FIXTURES[fixture])
    seconds: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        seconds[module] = seconds.get(module, 0) + expected_seconds(item)
    items.sort(key=lambda item: (-seconds[item.nodeid.split("::")[0]], item.nodeid.split("::")[0]))

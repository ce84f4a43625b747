"""Shared fixtures: the repository, and a built copy of the book in a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the book, built once with ``microwork build``, PDFs included (shared by the build and browser tests).
    The site as this build made it is also kept apart (:func:`published_site`): tests that change the book and build
    it again (without PDFs, which take minutes) replace its ``_build/html``."""
    root = as_git_checkout(copy_book(tmp_path_factory.mktemp("book") / "book"))
    result = microwork("build", root=root, pdfs=True)
    assert result.returncode == 0, result.stdout + result.stderr
    shutil.copytree((root / "_build" / "html").resolve(), root.parent / PUBLISHED, copy_function=os.link)
    return root


PUBLISHED = "published-site"


@pytest.fixture(scope="session")
def published_site(built_book: Path) -> Path:
    """The site of the first build of :func:`built_book`, as it was published: pages, data, record and PDFs."""
    return built_book.parent / PUBLISHED


# Fixtures that build the whole book or open a browser: a test using one is marked as such, whatever its module says,
# so that `make test-fast` (pytest -m "not build and not browser and not kernel and not venv") leaves it out.
MARKING_FIXTURES = {"built_book": "build", "browser": "browser"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test by the slow fixtures it uses, directly or through another fixture (:data:`MARKING_FIXTURES`)."""
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            if fixture in MARKING_FIXTURES:
                item.add_marker(MARKING_FIXTURES[fixture])

"""The package's two rooms: ``analysis/`` (what chapters import) never imports ``pipeline/`` (how the book is made),
and the cache rule follows the folders: a change under ``pipeline/`` re-executes no chapter."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from microwork.pipeline.cache import code_digest

PACKAGE = ROOT / "src" / "microwork"


def imported_modules(path: Path) -> list[str]:
    """The modules a file imports, as absolute names (relative imports resolved against its package)."""
    package = ".".join(path.relative_to(ROOT / "src").with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module) if part)
            names += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return names


def test_analysis_never_imports_the_pipeline_or_the_cli():
    offenders = {f"{path.relative_to(PACKAGE)} imports {name}"
                 for path in (PACKAGE / "analysis").rglob("*.py") for name in imported_modules(path)
                 if name.startswith(("microwork.pipeline", "microwork.cli"))}
    assert offenders == set()


def test_chapters_import_only_the_analysis_room():
    import json

    for notebook in (ROOT / "chapters").glob("*.ipynb"):
        code = "\n".join("".join(c["source"]) for c in json.loads(notebook.read_text())["cells"]
                         if c["cell_type"] == "code")
        assert "microwork.pipeline" not in code and "microwork.cli" not in code, notebook.name


@pytest.fixture
def project(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "src" / "microwork", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("module", sorted(p.relative_to(PACKAGE).as_posix()
                                          for p in (PACKAGE / "pipeline").rglob("*") if p.is_file()
                                          and "__pycache__" not in p.parts) + ["cli.py"])
def test_editing_the_pipeline_reexecutes_no_chapter(project, module):
    executed, rendered = code_digest(project, for_execution=True), code_digest(project)
    path = project / "src" / "microwork" / module
    path.write_bytes(path.read_bytes() + b"\n# edited\n")
    assert code_digest(project, for_execution=True) == executed
    assert code_digest(project) != rendered  # the book is still rendered again


@pytest.mark.parametrize("module", ["analysis/charts.py", "analysis/data.py", "__init__.py"])
def test_editing_the_analysis_reexecutes_the_chapters(project, module):
    before = code_digest(project, for_execution=True)
    path = project / "src" / "microwork" / module
    path.write_bytes(path.read_bytes() + b"\n# edited\n")
    assert code_digest(project, for_execution=True) != before


def test_the_architecture_page_names_only_modules_that_exist():
    import re

    page = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_/]+\.py)`", page))
    assert len(named) >= 15
    missing = {name for name in named if not (ROOT / name).is_file()
               and not any(p.as_posix().endswith("/" + name) for p in (ROOT / "src" / "microwork").rglob("*.py"))}
    assert missing == set()
    folders = set(re.findall(r"`(?:src/microwork/)?(analysis|pipeline)/`", page))
    assert folders == {"analysis", "pipeline"}

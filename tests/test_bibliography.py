"""references.bib is input, checked before any kernel: it parses, its addresses are web addresses, its fields have
a size; each refusal names references.bib and the line (microwork.analysis.bibliography)."""

from __future__ import annotations

import shutil

import pytest

from conftest import copy_book, microwork
from microwork.analysis import bibliography, data
from microwork.analysis.validate import DataValidationError

ENTRY = "@misc{FinTribune2018,"


@pytest.fixture
def package(tmp_path, repo_root):
    shutil.copytree(repo_root / "data", tmp_path / "data")
    shutil.copy(repo_root / "references.bib", tmp_path / "references.bib")
    return tmp_path


def plant(root, old, new):
    path = root / "references.bib"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1  # the line where the planted text starts


def refusals(root) -> list[str]:
    with pytest.raises(DataValidationError) as caught:
        data.check_package(root / "data")
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("old, new, rule", [
    ("  url          = {https://financialtribune.com", "  url          = {javascript:alert(document.domain)//", "web address"),
    ("  url          = {https://financialtribune.com", "  url          = { JavaScript:alert(1)//", "web address"),
    ("  howpublished = {Financial Tribune (financialtribune.com)}",
     "  howpublished = {\\url{data:text/html;base64,PHNjcmlwdD4=}}", "web address"),
    ("  howpublished = {Financial Tribune (financialtribune.com)}",
     "  howpublished = {\\href{vbscript:msgbox}{Financial Tribune}}", "web address"),
])
def test_an_address_that_is_not_a_web_address_is_refused_at_its_line(package, old, new, rule):
    line = plant(package, old, new)
    found = refusals(package)
    assert [f for f in found if f.startswith(f"references.bib:{line}: entry FinTribune2018") and f"[rule: {rule}]" in f], found


def test_a_huge_note_is_refused_at_its_line(package):
    line = plant(package, "  note         = {Title descriptive;", "  note         = {" + "lorem ipsum " * 90_000 + "Title descriptive;")
    found = refusals(package)
    assert any(f.startswith(f"references.bib:{line}: entry FHO2018, field note: the field has 1,080,1") for f in found), found


def test_a_syntax_error_is_refused_with_its_line_before_any_chapter_runs(package):
    plant(package, "  author       = {{Financial Tribune}},", "  author       = {{Financial Tribune},")
    found = refusals(package)
    assert len(found) == 1 and found[0].startswith("references.bib:") and "BibTeX cannot read it" in found[0], found
    assert int(found[0].split(":")[1]) > 400  # pybtex's line: where the unbalanced brace is found


def test_the_books_bibliography_passes(repo_root):
    assert bibliography.bibliography_problems(repo_root / "references.bib") == []


def test_microwork_build_refuses_a_javascript_link_before_any_kernel(tmp_path):
    book = copy_book(tmp_path / "book")
    line = plant(book, "  url          = {https://financialtribune.com", "  url          = {javascript:alert(1)//")
    result = microwork("build", root=book)
    assert result.returncode == 1
    assert f"references.bib:{line}: entry FinTribune2018, field url: the address 'javascript:alert(1)//" in result.stderr
    assert "executing" not in (result.stdout + result.stderr).lower() and not (book / "_build" / "html").exists()

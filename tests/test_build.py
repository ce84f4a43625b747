"""The whole book builds offline, fast when nothing changed, and safely when something breaks."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_book, microwork

pytestmark = pytest.mark.build

RESOURCE = re.compile(r"""<(?:script|link|img|iframe|source|audio|video)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)""", re.I)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)""")


def third_party_references(site: Path) -> list[str]:
    """Every script, style, image or frame the site would load from another host."""
    found = []
    for path in site.rglob("*"):
        if path.suffix not in (".html", ".css"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        urls = RESOURCE.findall(text) if path.suffix == ".html" else CSS_URL.findall(text)
        found += [f"{path.relative_to(site)}: {u}" for u in urls if re.match(r"(https?:)?//", u)]
    return found


def site_of(root: Path) -> Path:
    return (root / "_build" / "html").resolve()


def test_book_has_every_page(built_book):
    site = site_of(built_book)
    for page in ("chapters/index.html", "chapters/size.html", "chapters/bibliography.html", "search.html"):
        assert (site / page).is_file(), page
    assert (site / "_static" / "vendor" / "vega-bundle.js").stat().st_size > 100_000


def test_no_third_party_host(built_book):
    assert third_party_references(site_of(built_book)) == []


def test_figures_have_downloads_and_provenance(built_book):
    html = (site_of(built_book) / "chapters" / "size.html").read_text(encoding="utf-8")
    assert html.count('class="mw-vega"') == 4
    assert html.count("Provenance.") == 4
    for kind in ("png", "svg", "csv"):
        assert f"size-tiers.{kind}" in html
    assert "319,096" in html and "1.199" in html


def test_noop_rebuild_renders_nothing(book_copy):
    before = site_of(book_copy)
    result = microwork("build", root=book_copy, check=True)
    assert "nothing changed" in result.stdout
    assert "executing" not in result.stdout
    assert site_of(book_copy) == before


def test_corrupt_csv_fails_and_keeps_the_site(book_copy):
    before = site_of(book_copy)
    path = book_copy / "data" / "platform_registrations.csv"
    path.write_bytes(path.read_bytes().replace(b"Clickworker,72720", b"Clickworker,seventy"))
    result = microwork("build", root=book_copy)
    assert result.returncode == 1
    assert "data/platform_registrations.csv, row 4, column 'registrations'" in result.stderr
    assert "[rule: type integer]" in result.stderr
    assert site_of(book_copy) == before and (before / "chapters" / "size.html").is_file()


def test_data_change_reexecutes_the_chapter_that_reads_it(book_copy, built_book):
    """In a copy of a built book (another folder), the chapter reading a changed file is executed again, from the
    copy's own data: the cache records paths within the project, and the book copied from is left as it was."""
    path = book_copy / "data" / "comparison_workforces.csv"
    path.write_bytes(path.read_bytes().replace(b"Deliveroo riders,9300", b"Deliveroo riders,9301"))
    result = microwork("build", root=book_copy, check=True)
    assert "size: data/comparison_workforces.csv changed: executing it again" in result.stdout
    assert "size: executed" in result.stdout
    assert '"persons": 9301' in (site_of(book_copy) / "chapters" / "size.html").read_text(encoding="utf-8")
    assert '"persons": 9301' not in (site_of(built_book) / "chapters" / "size.html").read_text(encoding="utf-8")


def test_failing_chapter_names_cell_and_keeps_notebook(book_copy):
    before = site_of(book_copy)
    notebook = book_copy / "chapters" / "size.ipynb"
    nb = json.loads(notebook.read_bytes())
    nb["cells"][2]["source"] = "raise ValueError('deliberate failure for the test')"
    notebook.write_text(json.dumps(nb))
    result = microwork("build", root=book_copy)
    assert result.returncode == 1
    assert "chapter 'size' failed in cell 2: ValueError: deliberate failure for the test" in result.stderr
    assert (book_copy / "_build" / "failed" / "size.ipynb").is_file()
    assert site_of(book_copy) == before


def test_plain_jupyter_book_build(tmp_path, tcp_kernels):
    """`jupyter-book build .` (the ecosystem's own command) builds the book too, zero warnings."""
    root = copy_book(tmp_path / "book")
    jb = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run([str(jb), "build", ".", "-W", "-n", "--keep-going"], cwd=root,
                            capture_output=True, text=True, env={"MICROWORK_ROOT": str(root), "PATH": str(jb.parent)})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "WARNING:" not in result.stdout + result.stderr  # Sphinx warnings (the kernel logs "WARNING |")
    site = root / "_build" / "html"
    assert 'class="mw-vega"' in (site / "chapters" / "size.html").read_text(encoding="utf-8")
    assert third_party_references(site) == []


def test_reproduce_fails_when_a_consistent_figure_breaks(book_copy):
    path = book_copy / "data" / "platform_registrations.csv"
    path.write_bytes(path.read_bytes().replace(b"Clixsense,130900", b"Clixsense,150900"))
    result = microwork("reproduce", root=book_copy)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "registrations_total: was consistent, now reported" in result.stderr
    report = json.loads((book_copy / "_build" / "reproduce" / "report.json").read_text())
    assert len(report["figures"]) >= 30


def glued_and_specs(root: Path) -> tuple[dict, dict]:
    from microwork.pipeline.execute import glued_values
    cache = root / "_build" / ".cache" / "chapters"
    glued = {nb.parent.name: glued_values(nb) for nb in cache.glob("*/*.ipynb")}
    specs = {p.name: p.read_text() for p in cache.glob("*/figures/*.vl.json")}
    return glued, specs


def test_two_clean_builds_are_identical(book_copy):
    glued_before, specs_before = glued_and_specs(book_copy)
    assert len(specs_before) >= 10 and sum(len(v) for v in glued_before.values()) >= 100
    microwork("build", "--force", root=book_copy, check=True)
    glued_after, specs_after = glued_and_specs(book_copy)
    assert glued_after == glued_before
    assert specs_after == specs_before


def test_chart_specs_equal_their_snapshots(built_book):
    result = microwork("snapshots", root=built_book)
    assert result.returncode == 0, result.stderr


def test_changed_chart_is_reported(book_copy):
    snapshot = book_copy / "tests" / "snapshots" / "charts" / "size-tiers.vl.json"
    snapshot.write_text(snapshot.read_text().replace('"$schema"', '"$schema_changed"', 1))
    result = microwork("snapshots", root=book_copy)
    assert result.returncode == 1
    assert "size-tiers.vl.json: spec changed" in result.stderr

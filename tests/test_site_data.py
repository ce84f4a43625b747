"""The published site is the whole book: the data package is downloadable from both editions, byte for byte as in
data/, with checksums that hold; every page says which commit it was built from and links the build record and the
reproduction report, which the site publishes; every chart's provenance links its tables' sections.

The checks read the built site's HTML and files and compare them with the book's own files and with git: not with
the code that made them."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest

pytestmark = pytest.mark.build

EDITIONS = ("", "fr")


@pytest.fixture(scope="module")
def site(published_site) -> Path:
    return published_site


def package_files(book: Path) -> list[str]:
    """The files a reader needs to use the data: the descriptor, each table it lists, the bibliography."""
    package = json.loads((book / "data" / "datapackage.json").read_text(encoding="utf-8"))
    return ["data/datapackage.json", *[f"data/{r['path']}" for r in package["resources"]], "references.bib"]


def links(page: Path) -> dict[str, Path]:
    """The page's links to files of the site (file name: the file), from its HTML."""
    found = {}
    for href in re.findall(r'href="([^"#?]+)"', page.read_text(encoding="utf-8")):
        target = Path(unquote(urljoin(page.as_uri(), html.unescape(href)).removeprefix("file://")))
        if target.is_file():
            found.setdefault(target.name, target)
    return found


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_data_file_is_downloadable_with_its_checksum(site, built_book, edition):
    page = site / edition / "chapters" / "data-catalogue.html"
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
    offered = links(page)
    for member in package_files(built_book):
        name = Path(member).name
        assert name in offered, f"{page.relative_to(site)} offers no download of {member}"
        assert offered[name].read_bytes() == (built_book / member).read_bytes(), f"{name} differs from {member}"
        assert sha256(offered[name]) in text, f"the page does not print the SHA-256 of {name}"
    archive = next(path for name, path in offered.items() if name.endswith(".zip"))
    sums = offered["SHA256SUMS"].read_text(encoding="utf-8").splitlines()
    listed = dict(line.split("  ", 1)[::-1] for line in sums)
    assert listed[archive.name] == sha256(archive) and sha256(archive) in text
    for member in package_files(built_book):
        assert listed[Path(member).name] == sha256(built_book / member)
    with zipfile.ZipFile(archive) as bundle:
        inside = {name.split("/", 1)[1]: bundle.read(name) for name in bundle.namelist()}
    assert inside == {member: (built_book / member).read_bytes() for member in package_files(built_book)}


def test_the_archive_is_the_same_in_both_editions(site):
    english, french = links(site / "chapters" / "data-catalogue.html"), links(site / "fr" / "chapters" / "data-catalogue.html")
    archives = [name for name in english if name.endswith(".zip")]
    assert len(archives) == 1 and english[archives[0]].read_bytes() == french[archives[0]].read_bytes()


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_chart_provenance_links_its_tables_in_the_catalogue(site, edition):
    catalogue = (site / edition / "chapters" / "data-catalogue.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'id="(data-table-[a-z0-9-]+)"', catalogue))
    assert len(anchors) >= 13
    linked = 0
    for page in sorted((site / edition / "chapters").glob("*.html")):
        for paragraph in re.findall(r"<p>\s*<strong>(?:Provenance|Provenance\u202f?)\.?</strong>.*?</p>",
                                    page.read_text(encoding="utf-8"), re.S):
            data_part = paragraph.split("SHA-256")[0]
            targets = re.findall(r'href="data-catalogue\.html#(data-table-[a-z0-9-]+)"', data_part)
            if "data/" in data_part:
                assert targets, f"{page.name}: a provenance line names a data file without linking it: {data_part[:200]}"
            assert set(targets) <= anchors, page.name
            linked += len(targets)
    assert linked >= 10


def git_head(book: Path) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=book, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_build_record_names_the_commit_built(site, built_book, edition):
    root = site / edition if edition else site
    record = json.loads((root / "build-record.json").read_text(encoding="utf-8"))
    assert record["commit"] == git_head(built_book)
    assert record["uncommitted_changes"] is False
    assert {"jupyter-book", "myst-nb", "pandas", "altair", "papermill", "sphinx"} <= set(record["packages"])
    assert record["data_files"]["data/size_tiers.csv"] == sha256(built_book / "data" / "size_tiers.csv")
    rows = dict(csv.reader(io.StringIO((root / "build-record.csv").read_text(encoding="utf-8"))))
    assert rows["commit"] == record["commit"] and rows["python"] == record["python"]
    assert rows["data:data/size_tiers.csv"] == record["data_files"]["data/size_tiers.csv"]
    report = json.loads((root / "reproduction-report.json").read_text(encoding="utf-8"))
    assert report["run"] == record and len(report["figures"]) > 20
    table = list(csv.DictReader(io.StringIO((root / "reproduction-report.csv").read_text(encoding="utf-8"))))
    assert len(table) == len(report["figures"]) and {row["commit"] for row in table} == {record["commit"]}


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_page_says_its_commit_and_links_the_record(site, built_book, edition):
    short = git_head(built_book)[:12]
    pages = sorted((site / edition).glob("chapters/*.html") if edition else site.glob("chapters/*.html"))
    assert len(pages) > 15
    for page in pages:
        text = page.read_text(encoding="utf-8")
        line = re.search(r'<p class="mw-build-record">(.*?)</p>', text, re.S)
        assert line, f"{page.relative_to(site)} has no build line"
        assert f"<code>{short}</code>" in line.group(1)
        assert {"build-record.json", "build-record.csv", "reproduction-report.json",
                "reproduction-report.csv"} <= set(links(page)), page.relative_to(site)
        if edition == "fr":
            assert "Construit le" in line.group(1) and "Rapport de reproduction" in line.group(1)


def test_the_build_line_escapes_its_translation():
    from microwork.pipeline.record import build_line
    from microwork.pipeline.site_texts import BUILD_LINE

    record = {"commit": "0123456789abcdef", "uncommitted_changes": True, "date": "2026-12-07T10:00:00+00:00"}
    hostile = {BUILD_LINE: '<img src=x onerror=alert(1)> {date} {commit} {record} {report}'}
    line = build_line(record, "fr", hostile, lambda name: f"../{name}")
    assert "<img" not in line and "&lt;img" in line and "7 décembre 2026" in line
    assert "<code>0123456789ab</code>" in line and 'href="../build-record.csv"' in line

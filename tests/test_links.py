"""Every internal link and citation of the built book points to a page and an anchor that exist."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

pytestmark = pytest.mark.build


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


def parse(path: Path) -> Collector:
    collector = Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def broken_links(site: Path) -> list[str]:
    pages = {p: parse(p) for p in site.rglob("*.html")}
    broken = []
    for page, found in pages.items():
        for href in found.links:
            url = urlparse(href)
            if url.scheme or href.startswith(("mailto:", "javascript:")):
                continue
            target = page if not url.path else (page.parent / unquote(url.path)).resolve()
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {href} (no such file)")
            elif url.fragment and target.suffix == ".html" and url.fragment not in pages.get(target, parse(target)).ids:
                broken.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    return broken


def test_internal_links_and_citations_resolve(built_book):
    site = (built_book / "_build" / "html").resolve()
    assert broken_links(site) == []


def test_citations_point_to_the_bibliography(built_book):
    html = (built_book / "_build" / "html" / "chapters" / "size.html").read_text(encoding="utf-8")
    citations = re.findall(r'href="(bibliography\.html#[^"]+)"', html)
    assert len(citations) >= 10


def test_the_check_finds_a_broken_link(tmp_path):
    (tmp_path / "a.html").write_text('<a href="b.html#x">b</a><a href="#top">top</a><p id="top"></p>')
    (tmp_path / "b.html").write_text('<p id="y"></p>')
    assert broken_links(tmp_path) == ["a.html -> b.html#x (no such anchor)"]

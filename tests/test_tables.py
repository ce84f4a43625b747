"""The book's tables are for people: human headers, numbers and booleans as people read them, sources as
citations, long text in numbered notes, every data cell still text (never markup)."""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from markdown_it import MarkdownIt

from conftest import ROOT
from microwork.analysis import book
from microwork.analysis.readable import cell, column_kind


@pytest.mark.parametrize("value, kind, text", [
    (True, "number", "yes"), (False, "text", "no"), (14903, "count", "14,903"), (266126.0, "number", "266,126"),
    (0.199041, "number", "0.199"), (1.199041, "number", "1.199"), (0.199041, "share", "19.9%"),
    (0.1234, "change", "+12.3%"), (-0.05, "change", "-5.0%"), (2019, "year", "2019"), (1.19901, ".3f", "1.199"),
    (float("nan"), "count", ""), (None, "number", ""), (pd.NA, "text", ""), ("Wirk  (Foule\nFactory)", "count",
                                                                             "Wirk (Foule Factory)"),
])
def test_a_cell_reads_as_people_write_it(value, kind, text):
    assert cell(value, kind) == text


def test_a_columns_kind_is_read_from_its_name_and_values():
    assert column_kind("near_whole", [True, False]) == "yes/no"
    assert column_kind("year", [2019, 2020, math.nan]) == "year"
    assert column_kind("persons", [14903, 52337]) == "count"
    assert column_kind("book_value", [266126.0, 56.1]) == "number"
    assert column_kind("platform", ["Appen", 3]) == "text"


def test_every_field_has_a_title_and_fields_of_one_name_share_it():
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    titles: dict[str, set[str]] = {}
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            assert field.get("title"), f"{resource['name']}.{field['name']} has no title"
            titles.setdefault(field["name"], set()).add(field["title"])
    assert {name: t for name, t in titles.items() if len(t) > 1} == {}


def test_the_source_columns_are_named_by_the_packages_rule():
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        for field in resource["schema"]["fields"]:
            assert bool(field.get("x-bibtex-key")) == book.is_source_column(field["name"]), field["name"]


def render(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_a_table_has_human_headers_readable_cells_and_citations():
    frame = pd.DataFrame({"platform": ["Clickworker", "Appen"], "registrations": [72720, 37000],
                          "near_whole": [True, False], "source": ["Silicon2019", "Silicon2019"],
                          "locator": ["section 3", None], "gap_to_published": [0.1234, -0.05]})
    text = book.markdown_table(frame, formats={"gap_to_published": "change"},
                               headers={"gap_to_published": "gap to the published tier"})
    header = text.splitlines()[0]
    assert header == ("| Platform | French registrations | Near whole | Source | "
                      "Gap to the published tier |")  # package titles, else the name; the locator joins its source
    assert "72\\,720" in text and "yes" in text and "no" in text and "+12\\.3\\%" in text
    assert "{cite:t}`Silicon2019`, section 3" in text and "{cite:t}`Silicon2019` |" in text
    assert "True" not in text and "False" not in text and "_" not in header


def test_long_text_leaves_the_grid_as_numbered_notes_shared_by_equal_texts():
    frame = pd.DataFrame({"figure": ["a", "b", "c"], "reason": ["same <b>reason</b>", "other", "same <b>reason</b>"]})
    text = book.markdown_table(frame, notes=("reason",))
    assert text.splitlines()[0] == "| Figure | Note |"
    assert [row.split("|")[-2].strip() for row in text.splitlines()[2:5]] == ["*Note:* 1", "*Note:* 2", "*Note:* 1"]
    html = render(text)
    assert "<ol>" in html and html.count("<li>") == 2 and "&lt;b&gt;reason&lt;/b&gt;" in html and "<b>" not in html


def test_hostile_cells_headers_and_notes_stay_text():
    payload = "<script>alert(1)</script> {raw}`html x` [a](javascript:1) | *em*"
    frame = pd.DataFrame({payload: [payload], "source": [payload], "reason": [payload]})
    html = render(book.markdown_table(frame, headers={"reason": payload}, notes=("reason",)))
    assert "<script>" not in html and "<a " not in html and "cite:t" not in html
    # the header, the cell's label and value, the source (not shaped like a key: shown as text), the note
    assert html.count("&lt;script&gt;") == 5
    assert all(tag not in html for tag in ("<strong>", "<code>")) and html.count("<em>") == 3  # only the labels


class Tables(HTMLParser):
    """The chapters' Markdown tables of a page (not the charts' folded data): header texts and cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, list[str]]] = []
        self.depth = 0
        self.where: str | None = None
        self.label = False

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and "table" in classes and "mw-data-table" not in classes:
            self.tables.append({"headers": [], "cells": []})
            self.depth = 1
        elif tag == "table" and self.depth:
            self.depth += 1
        elif self.depth and tag in ("th", "td"):
            self.where = tag
            self.tables[-1]["headers" if tag == "th" else "cells"].append("")
        elif self.where == "td" and tag == "em" and not self.tables[-1]["cells"][-1]:
            self.label = True  # the cell's own header, for narrow screens

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag in ("th", "td"):
            self.where = None
        elif tag == "em":
            self.label = False

    def handle_data(self, data):
        if self.where and not self.label:
            key = "headers" if self.where == "th" else "cells"
            self.tables[-1][key][-1] = " ".join((self.tables[-1][key][-1] + data).split())


def table_problems(html_dir: Path) -> list[str]:
    """What is not for people in the chapters' tables of a built site: raw headers, True/False, big bare numbers."""
    problems = []
    for page in sorted((html_dir / "chapters").glob("*.html")):
        parser = Tables()
        parser.feed(page.read_text(encoding="utf-8"))
        for number, table in enumerate(parser.tables, 1):
            where = f"{page.stem}, table {number}"
            problems += [f"{where}: header {h!r}" for h in table["headers"] if "_" in h or h[:1].islower()]
            problems += [f"{where}: cell {c!r}" for c in table["cells"]
                         if c in ("True", "False") or re.search(r"(?<![\d.,])\d{5,}(?![\d.,])", c)]
    return problems


def test_the_chapters_tables_are_for_people(built_book):
    assert table_problems(built_book / "_build" / "html") == []


def test_a_note_of_several_columns_names_them_only_when_a_row_has_several():
    frame = pd.DataFrame({"figure": ["a", "b"], "parameter": ["k = 1.2", None], "reason": ["chosen", "printed"]})
    html = render(book.markdown_table(frame, headers={"reason": "why"}, notes=("parameter", "reason")))
    assert "<li>Parameter: k = 1.2; Why: chosen</li>" in html and "<li>printed</li>" in html

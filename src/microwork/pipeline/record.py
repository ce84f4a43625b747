"""The build record on the site: every page says, in one line at its foot, when and from which commit it was built,
and links the record (:data:`~microwork.pipeline.provenance.SITE_RECORD`) and the reproduction report
(:data:`~microwork.pipeline.provenance.SITE_REPORT`), which each edition publishes at its top.

``microwork build`` computes the record before it executes anything and puts it into the staged book
(:data:`~microwork.pipeline.provenance.STAGED_RECORD`); a plain ``jupyter-book build .`` has none, and the record is
made here from the book being built. Sphinx hooks, registered by :mod:`microwork.pipeline.sphinxext`.
"""

from __future__ import annotations

import datetime
import html
import json
from pathlib import Path
from typing import Any

from babel.dates import format_date

from .provenance import SITE_RECORD, SITE_REPORT, STAGED_RECORD, UNKNOWN, run_metadata, site_files
from .site_texts import BUILD_LINE, COMMIT_UNKNOWN, UNCOMMITTED

# Where the reproduction chapter writes its report, in the book being built.
CHAPTER_REPORT = Path("chapters") / "figures" / "reproduction-report.json"
SHORT_COMMIT = 12


def read_record(srcdir: Path) -> dict[str, Any]:
    """The build record of the book in ``srcdir``: the one ``microwork build`` staged, else one made now."""
    staged = srcdir / STAGED_RECORD
    if staged.is_file():
        return json.loads(staged.read_text(encoding="utf-8"))
    return run_metadata(srcdir, {})


def remember_record(app: Any) -> None:
    """builder-inited: read the build record once per build."""
    app.microwork_record = read_record(Path(app.srcdir))


def build_line(record: dict[str, Any], language: str, texts: dict[str, str], link: Any) -> str:
    """The line at the foot of every page, as HTML: the build's date (in ``language``), its commit, and links to the
    record and the report in JSON and CSV (``link(file)`` gives a file's address from the page). ``texts`` are the
    translations of the site's texts (none in English); each is escaped before the values go in."""
    def said(english: str) -> str:
        return html.escape(texts.get(english) or english, quote=False)

    def both(files: tuple[str, str]) -> str:
        return ", ".join(f'<a href="{html.escape(link(name))}">{kind}</a>' for name, kind in zip(files, ("JSON", "CSV")))

    commit = record.get("commit", UNKNOWN)
    commit_html = said(COMMIT_UNKNOWN) if commit == UNKNOWN else f"<code>{html.escape(str(commit)[:SHORT_COMMIT])}</code>"
    if record.get("uncommitted_changes") is True:
        commit_html += said(UNCOMMITTED)
    day = datetime.datetime.fromisoformat(record["date"]).date()
    date = html.escape(format_date(day, "d MMMM y", locale=language), quote=False)
    return said(BUILD_LINE).format(date=date, commit=commit_html, record=both(SITE_RECORD), report=both(SITE_REPORT))


def add_build_line(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context: put the build line at the end of the page's body."""
    if "body" not in context or not hasattr(app, "microwork_record"):
        return
    line = build_line(app.microwork_record, app.config.language or "en", context.get("microwork_texts") or
                      app.config.microwork_texts or {}, lambda name: context["pathto"](name, 1))
    context["body"] += f'\n<p class="mw-build-record">{line}</p>\n'


def write_record_files(app: Any, exception: Exception | None) -> None:
    """build-finished: write the record and the reproduction report (with the record) at the top of the site."""
    if exception is not None or getattr(app.builder, "format", "") != "html" or not hasattr(app, "microwork_record"):
        return
    chapter_report = Path(app.srcdir) / CHAPTER_REPORT
    report = json.loads(chapter_report.read_text(encoding="utf-8")) if chapter_report.is_file() else None
    for name, text in site_files(app.microwork_record, report).items():
        (Path(app.outdir) / name).write_text(text, encoding="utf-8")

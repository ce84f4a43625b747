"""What the pages show of the exercise notebooks (:mod:`microwork.pipeline.assignments`): under each exercise its kind,
difficulty and minutes; under a chapter's title the link to its students' notebook (and Binder, when the repository's
address is known); in the teachers' guide, the table of every chapter's notebook and teachers' bundle and the minutes
of each session plan.

``microwork build`` stages what the pages need (:data:`~microwork.pipeline.assignments.STAGED_EXERCISES`) and writes
the files into the site; a plain ``jupyter-book build .`` has neither, and its pages get none of these lines. Sphinx
hooks, registered by :mod:`microwork.pipeline.sphinxext`; every text is escaped for the HTML it lands in.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any, Callable

from docutils import nodes

from .assignments import SITE_FOLDER, STAGED_EXERCISES, file_name
from .site_texts import (CHAPTER_HEADERS, EXERCISE_DIFFICULTIES, EXERCISE_FACTS, EXERCISE_KINDS, NOTEBOOK_BINDER,
                         NOTEBOOK_DOWNLOAD, NOTEBOOK_LINE, PLAN_HEADERS, TEACHERS_NOTEBOOKS)

TEACHERS_PAGE = "chapters/teachers"
# Where the teachers' guide gets its tables: this comment on a line of its own (raw HTML, which the French copy keeps).
TEACHERS_MARK = "<!-- exercise-notebooks -->"


def staged(srcdir: Path) -> dict:
    """What the build staged for the pages (nothing for a plain ``jupyter-book build .``)."""
    path = srcdir / STAGED_EXERCISES
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def texts_of(app: Any) -> Callable[[str], str]:
    texts = app.config.microwork_texts or {}
    return lambda english: texts.get(english) or english


def facts_text(facts: dict, said: Callable[[str], str]) -> str:
    """"Computing, introductory, about 15 minutes", in the edition's language (plain text)."""
    return said(EXERCISE_FACTS).format(kind=said(EXERCISE_KINDS[facts["kind"]]),
                                       difficulty=said(EXERCISE_DIFFICULTIES[facts["difficulty"]]),
                                       minutes=facts["minutes"])


def add_exercise_facts(app: Any, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: a line with its kind, difficulty and minutes at the top of each exercise's body."""
    found = staged(Path(app.srcdir)).get("exercises", {})
    said = texts_of(app)
    for node in list(doctree.findall(nodes.Admonition)):
        label = node.get("label")
        if type(node).__name__ not in ("exercise_node", "exercise_enumerable_node") or label not in found:
            continue
        line = nodes.paragraph("", "", nodes.emphasis("", facts_text(found[label], said)), classes=["mw-exercise-facts"])
        titles = [i for i, child in enumerate(node.children) if isinstance(child, nodes.title)]
        node.insert(titles[0] + 1 if titles else 0, line)


def notebook_line(chapter: str, language: str, binder: str, said: Callable[[str], str],
                  link: Callable[[str], str]) -> str:
    """The line under a chapter's title that links its students' notebook, as HTML."""
    name = file_name("student", chapter, language)
    download = f'<a href="{html.escape(link(f"{SITE_FOLDER}/{name}"))}" download>{html.escape(said(NOTEBOOK_DOWNLOAD))}</a>'
    on_binder = ""
    if binder:
        address = f"{binder}?urlpath=lab/tree/_exercises/{language}/{name}"
        on_binder = html.escape(said(NOTEBOOK_BINDER)).replace(
            "Binder", f'<a href="{html.escape(address)}">Binder</a>', 1)
    return html.escape(said(NOTEBOOK_LINE)).format(download=download, binder=on_binder)


def teachers_tables(found: dict, language: str, said: Callable[[str], str], link: Callable[[str], str],
                    titles: dict[str, str]) -> str:
    """The teachers' guide's tables as HTML: each chapter's notebook and bundle, and each session plan's minutes."""
    exercises = found["exercises"]

    def counts(labels: list[str]) -> list[str]:
        kinds = [exercises[label]["kind"] for label in labels]
        return [str(kinds.count(kind)) for kind in EXERCISE_KINDS]

    def table(headers: tuple[str, ...], rows: list[list[str]]) -> str:
        head = "".join(f"<th>{html.escape(said(h))}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
        # in the theme's scrolling container: the table scrolls within the text's column instead of running past it
        return (f'<div class="pst-scrollable-table-container"><table class="table mw-exercise-table"><thead><tr>{head}'
                f'</tr></thead><tbody>{body}</tbody></table></div>')

    def file_link(kind: str, chapter: str) -> str:
        name = file_name(kind, chapter, language)
        return f'<a href="{html.escape(link(f"{SITE_FOLDER}/{name}"))}" download>{html.escape(name)}</a>'

    chapters = []
    for chapter, labels in found["chapters"].items():
        minutes = sum(exercises[label]["minutes"] for label in labels)
        graded = sum(exercises[label]["graded"] for label in labels)
        chapters.append([html.escape(titles.get(chapter, chapter)), *counts(labels), str(graded), str(minutes),
                         file_link("student", chapter), file_link("bundle", chapter)])
    plans = []
    for plan in found["plans"]:
        labels = [label for chapter in plan["chapters"] for label in found["chapters"][chapter]]
        plans.append([html.escape(plan["name"].get(language) or plan["name"]["en"]), str(len(labels)), *counts(labels),
                      str(sum(exercises[label]["minutes"] for label in labels))])
    return (f'<p>{html.escape(said(TEACHERS_NOTEBOOKS))}</p>\n{table(CHAPTER_HEADERS, chapters)}\n'
            f'{table(PLAN_HEADERS, plans)}')


def add_exercise_lines(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context: a chapter's notebook line under its title (after its PDF line); the teachers' guide's
    tables in place of its mark."""
    found = staged(Path(app.srcdir))
    if "body" not in context or not found:
        return
    said, language = texts_of(app), app.config.language or "en"
    link = lambda path: context["pathto"](path, 1)  # noqa: E731
    body = context["body"]
    chapter = pagename.removeprefix("chapters/")
    if pagename.startswith("chapters/") and chapter in found["chapters"]:
        line = notebook_line(chapter, language, found.get("binder", ""), said, link)
        pdfs = body.find('<p class="mw-pdfs">')
        after = body.find("</p>", pdfs) + len("</p>") if pdfs >= 0 else body.find("</h1>") + len("</h1>")
        at = after if after >= len("</h1>") else 0
        context["body"] = body = f'{body[:at]}\n<p class="mw-notebook">{line}</p>\n{body[at:]}'
    if pagename == TEACHERS_PAGE:
        mark = TEACHERS_MARK
        titles = {chapter: app.env.titles[f"chapters/{chapter}"].astext()
                  for chapter in found["chapters"] if f"chapters/{chapter}" in app.env.titles}
        if mark in body:
            context["body"] = body.replace(mark, teachers_tables(found, language, said, link, titles))

"""The chapters' exercises as notebooks, in each edition's language, made from the exercise sources.

For each chapter with a source (``exercises/<chapter>.yml``, read by :mod:`microwork.analysis.exercises`):

- the **students' notebook**: the chapter's prompts (as its page writes them, or the source's own when the page's
  uses a role), starter code that loads the book's data through ``microwork.analysis``, and a check cell under each
  answer; no solution, and no expected value (the checks compute them from the data when they run);
- the **teachers' bundle** (a zip): the solutions notebook (the same cells with the solutions' code), the students'
  notebook, ``grade.py`` (the autograder, :mod:`microwork.pipeline.grading`) and a short read-me.

French comes from the catalogs: the chapter's prompts from its page catalog, the sources' texts and the notebooks'
own words from ``book.po`` (collected by :func:`exercise_texts`), each typeset by the French rules outside code.
The site gets every file under ``exercises/`` of each edition (:func:`write_site_files`), the pages link them
(:mod:`microwork.pipeline.exercise_links`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..analysis import exercises as ex
from ..analysis.language import SOURCE_LANGUAGE
from .translate import (BOOK_CATALOG, TRANSLATED, Translations, localised_markdown, typeset)
from .layout import toc_files
from .site_texts import (EXERCISE, EXERCISE_DIFFICULTIES, EXERCISE_FACTS, EXERCISE_KINDS, INTRO, README,
                         SETUP, SOLUTIONS_INTRO, SOLUTIONS_TITLE, TITLE, YOUR_ANSWER)
from .typography import TYPOGRAPHY

SITE_FOLDER = "exercises"
STAGED_EXERCISES = "_build-exercises.json"  # what the pages need to know: facts of each exercise, files, Binder
BINDER_FOLDER = "_exercises"  # where binder/postBuild writes the notebooks in a Binder session


# Each edition's file names.
FILE_NAMES = {"en": {"student": "{chapter}-exercises.ipynb", "solutions": "{chapter}-solutions.ipynb",
                     "bundle": "{chapter}-teachers.zip", "readme": "README.txt"},
              "fr": {"student": "{chapter}-exercices.ipynb", "solutions": "{chapter}-corrige.ipynb",
                     "bundle": "{chapter}-enseignants.zip", "readme": "LISEZMOI.txt"}}
GRADER = "grade.py"
GRADER_SCRIPT = ('"""The autograder of the book\'s exercises: python grade.py FOLDER --output scores.csv"""\n'
                 "import sys\n\nfrom microwork.pipeline.grading import main\n\nsys.exit(main())\n")
CODE_SPAN = re.compile(r"(`[^`\n]+`)")


def file_name(kind: str, chapter: str, language: str) -> str:
    """The name of a chapter's ``kind`` of file (student, solutions, bundle, readme) in ``language``."""
    return FILE_NAMES[language][kind].format(chapter=chapter)


def typeset_outside_code(text: str, language: str) -> str:
    """``text`` with the language's typography, except inside `code` spans."""
    typography = TYPOGRAPHY.get(language)
    if typography is None:
        return text
    return "".join(part if CODE_SPAN.fullmatch(part) else typography.text(part) for part in CODE_SPAN.split(text))


@dataclass
class Words:
    """What a notebook of one language says: ``said`` for the book's computed texts, ``page`` for a chapter's prose."""

    language: str
    translations: Translations | None

    def said(self, english: str, **values: str) -> str:
        text = english if self.translations is None else self.translations.lookup(BOOK_CATALOG, english)
        return typeset_outside_code(text, self.language).format(**values) if values else \
            typeset_outside_code(text, self.language)

    def page(self, chapter: str, english: str) -> str:
        if self.translations is None:
            return english
        lookup = self.translations.for_catalog(f"chapters/{chapter}")
        return localised_markdown(english, lambda unit: typeset_outside_code(lookup(unit), self.language))


def words_for(root: Path, language: str) -> Words:
    return Words(language, None if language == SOURCE_LANGUAGE else Translations(root, language))


def chapter_title(chapter: str) -> str:
    """The chapter's title, as its first heading writes it."""
    found = re.search(r"^#\s+(.+)$", ex.chapter_text(chapter), re.M)
    return found.group(1).strip() if found else chapter


def _cell(kind: str, source: str, tags: tuple[str, ...] = ()) -> dict:
    cell = {"cell_type": kind, "metadata": {"tags": list(tags)} if tags else {}, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def notebook(source: ex.ExerciseSource, words: Words, solutions: bool) -> dict:
    """The students' notebook of a chapter (``solutions``: the teachers' solutions notebook) in ``words``' language."""
    title = words.page(source.chapter, chapter_title(source.chapter))
    prompts = ex.chapter_exercises(source.chapter)
    cells = [_cell("markdown", f"# {words.said(SOLUTIONS_TITLE if solutions else TITLE, chapter=title)}\n\n"
                               f"{words.said(SOLUTIONS_INTRO if solutions else INTRO)}"),
             _cell("markdown", words.said(SETUP)),
             _cell("code", f"from microwork.analysis import exercises\ncheck = exercises.Checker({source.chapter!r}, "
                           f"{words.language!r})\n{source.setup}".rstrip(), ("setup",))]
    for number, exercise in enumerate(source.exercises, 1):
        facts = words.said(EXERCISE_FACTS, kind=words.said(EXERCISE_KINDS[exercise.kind]),
                           difficulty=words.said(EXERCISE_DIFFICULTIES[exercise.difficulty]), minutes=str(exercise.minutes))
        prompt = words.said(exercise.prompt) if exercise.prompt else words.page(source.chapter, prompts[exercise.label])
        cells.append(_cell("markdown", f"## {words.said(EXERCISE, number=str(number))}\n\n*{facts}*\n\n{prompt}"))
        for question in exercise.questions:
            cells.append(_cell("markdown", words.said(question.prompt)))
            cells.append(_cell("code", (question.solution if solutions else question.starter).rstrip(),
                               ("solution" if solutions else "answer", question.answer)))
            cells.append(_cell("code", f"check({question.answer!r}, {question.answer})", ("check",)))
        cells.append(_cell("markdown", words.said(YOUR_ANSWER)))
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index}"
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                         "language_info": {"name": "python"},
                         "microwork_exercises": {"chapter": source.chapter, "language": words.language,
                                                 "notebook": "solutions" if solutions else "student"}}}


def notebook_bytes(content: dict) -> bytes:
    return (json.dumps(content, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def teacher_bundle(source: ex.ExerciseSource, words: Words) -> bytes:
    """The teachers' bundle of a chapter as zip bytes (same bytes for the same content: fixed dates)."""
    language, chapter = words.language, source.chapter
    files = {file_name("solutions", chapter, language): notebook_bytes(notebook(source, words, solutions=True)),
             file_name("student", chapter, language): notebook_bytes(notebook(source, words, solutions=False)),
             GRADER: GRADER_SCRIPT.encode(),
             file_name("readme", chapter, language): (words.said(
                 README, chapter=chapter, solutions=file_name("solutions", chapter, language),
                 student=file_name("student", chapter, language)) + "\n").encode("utf-8")}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


def assignment_files(root: Path, language: str, sources: dict[str, ex.ExerciseSource] | None = None
                     ) -> dict[str, bytes]:
    """Every exercise file of an edition (file name: content): each chapter's students' notebook and teachers'
    bundle."""
    sources = ex.read_sources() if sources is None else sources
    words = words_for(root, language)
    files = {}
    for chapter, source in sources.items():
        files[file_name("student", chapter, language)] = notebook_bytes(notebook(source, words, solutions=False))
        files[file_name("bundle", chapter, language)] = teacher_bundle(source, words)
    return files


def write_files(files: dict[str, bytes], folder: Path) -> list[Path]:
    """Write ``files`` into ``folder``, each by a new file renamed into place (a kept edition's files, linked from
    an older site, are replaced, never changed in place)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        target = folder / name
        temporary = folder / f".{name}.new"
        temporary.write_bytes(content)
        os.replace(temporary, target)
        written.append(target)
    return written


def edition_files(root: Path, sources: dict[str, ex.ExerciseSource] | None = None) -> dict[str, dict[str, bytes]]:
    """Every edition's exercise files: language: (file name: content)."""
    sources = ex.read_sources() if sources is None else sources
    return {language: assignment_files(root, language, sources) for language in (SOURCE_LANGUAGE, *TRANSLATED)}


def write_site_files(files: dict[str, dict[str, bytes]], site_html: Path) -> list[Path]:
    """The exercise files of every edition (:func:`edition_files`) into the site (``exercises/``,
    ``fr/exercises/``)."""
    written = []
    for language, found in files.items():
        folder = site_html / SITE_FOLDER if language == SOURCE_LANGUAGE else site_html / language / SITE_FOLDER
        written += write_files(found, folder)
    return written


def page_facts(root: Path, sources: dict[str, ex.ExerciseSource], files: dict[str, dict[str, bytes]],
               binder: str = "") -> dict:
    """What the pages show of the exercises (staged as :data:`STAGED_EXERCISES`): each exercise's kind, difficulty
    and minutes, the chapters with a notebook, the session plans (named in each edition's language), the Binder
    address of the repository (empty without one), and a digest of every edition's exercise ``files`` (so that an
    edited prompt or catalog makes the edition again)."""
    names = {language: words_for(root, language) for language in files}
    return {"files": {language: hashlib.sha256(b"".join(name.encode() + b"\0" + content
                                                         for name, content in sorted(found.items()))).hexdigest()
                      for language, found in files.items()},
            "exercises": {e.label: {"kind": e.kind, "difficulty": e.difficulty, "minutes": e.minutes,
                                    "graded": len(e.questions)} for s in sources.values() for e in s.exercises},
            "chapters": {chapter: [e.label for e in sources[chapter].exercises] for chapter in in_book_order(root, sources)},
            "plans": [{"name": {language: words.said(p.name) for language, words in names.items()},
                       "chapters": list(p.chapters)} for p in ex.read_plans(sources)],
            "binder": binder}


def in_book_order(root: Path, sources: dict[str, ex.ExerciseSource]) -> list[str]:
    """The chapters with an exercise source, in the order of the table of contents."""
    order = [Path(docname).name for docname in toc_files(root)]
    return sorted(sources, key=lambda chapter: order.index(chapter) if chapter in order else len(order))


def binder_address(url: str, branch: str) -> str:
    """Binder's address for the repository at ``url`` (https://github.com/owner/name) and ``branch``."""
    owner_name = url.rstrip("/").removeprefix("https://github.com/")
    return f"https://mybinder.org/v2/gh/{owner_name}/{branch}"


def write_notebooks(root: Path, into: Path) -> list[Path]:
    """Every edition's students' notebooks and teachers' bundles into ``into/<language>/`` (``microwork
    exercises``: what binder/postBuild runs, and a teacher without the site)."""
    written = []
    for language, found in edition_files(root).items():
        written += write_files(found, into / language)
    return written

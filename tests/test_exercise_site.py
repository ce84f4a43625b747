"""The built site publishes the exercise notebooks: every chapter's students' notebook and teachers' bundle in both
editions, linked from its page (in the edition's language) and from the teachers' guide, whose session plans add up
the exercises' minutes; each exercise on a page states its kind, difficulty and minutes."""

from __future__ import annotations

import re

from microwork.analysis import exercises as ex
from microwork.pipeline import assignments


def test_the_site_has_every_notebook_and_bundle_linked_from_the_pages(built_book):
    site = built_book / "_build" / "html"
    sources = ex.read_sources()
    for language, folder in (("en", site), ("fr", site / "fr")):
        files = assignments.assignment_files(built_book, language, sources)
        for name, content in files.items():
            assert (folder / assignments.SITE_FOLDER / name).read_bytes() == content, name
        teachers = (folder / "chapters" / "teachers.html").read_text(encoding="utf-8")
        assert "exercise-notebooks" not in teachers and teachers.count('class="table mw-exercise-table"') == 2
        for chapter in sources:
            student = assignments.file_name("student", chapter, language)
            page = (folder / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
            assert f'href="../{assignments.SITE_FOLDER}/{student}" download' in page, (language, chapter)
            assert f'href="../{assignments.SITE_FOLDER}/{assignments.file_name("bundle", chapter, language)}"' in teachers
            assert page.count('class="mw-exercise-facts"') == len(sources[chapter].exercises), (language, chapter)
    french = (site / "fr" / "chapters" / "size.html").read_text(encoding="utf-8")
    assert "Les exercices de ce chapitre dans un carnet" in french
    assert re.search(r"<em>Calcul, niveau initiation, environ 15\u00a0minutes</em>|<em>Calcul, niveau initiation, "
                     r"environ 15 minutes</em>", french)

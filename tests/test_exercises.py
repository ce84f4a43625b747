"""The exercise sources and the notebooks made from them, without a kernel: every chapter's exercises are listed with
their kind, difficulty and minutes; a bad source is refused with its file, line and rule; a student's notebook holds
no solution and no expected value; a check says "not yet answered", "correct" or the right feedback, in English and
French; the pages' lines are escaped."""

from __future__ import annotations

import json
import re
import zipfile
import io

import pytest

from microwork.analysis import exercises as ex
from microwork.pipeline import assignments, exercise_links
from microwork.pipeline.translate import exercise_texts




def test_every_chapter_exercise_has_a_kind_a_difficulty_and_minutes(sources):
    labels = [e.label for s in sources.values() for e in s.exercises]
    assert len(labels) == len(set(labels)) == 27
    for source in sources.values():
        assert [e.label for e in source.exercises] == list(ex.chapter_exercises(source.chapter))
        for exercise in source.exercises:
            assert exercise.kind in ex.KINDS and exercise.difficulty in ex.DIFFICULTIES and exercise.minutes > 0
            assert bool(exercise.questions) == (exercise.kind == "computing"), exercise.label


def test_the_issue_s_method_exercises_are_auto_graded(sources):
    expected = {q.expected for s in sources.values() for q in s.questions}
    for name in ("size.raw_total", "size.casual_at_one_and_a_half", "lab.chapman_equal_chances",
                 "reception.misread_articles"):
        assert name in expected


BAD_SOURCE = """chapter: size
exercises:
  - label: size-ex-1
    kind: computing
    difficulty: easy
    minutes: 0
    questions:
      - answer: raw_total
        prompt: Add up <b>everything</b>
        starter: total = ...
        solution: raw_total = registrations["registrations"].sum()
        expected: size.nothing
        hint: Add.
  - label: size-ex-2
    kind: discussion
    difficulty: introductory
    minutes: 10
    questions: []
"""


def test_a_bad_source_is_refused_with_file_line_and_rule(tmp_path):
    path = tmp_path / "size.yml"
    path.write_text(BAD_SOURCE)
    with pytest.raises(ex.ExerciseSourceError) as caught:
        ex.read_source(path)
    problems = "\n".join(caught.value.problems)
    for expected in ("size.yml, line 5: exercise 1: difficulty must be one of introductory",
                     "size.yml, line 6: exercise 1: minutes must be a whole number from 1 to 120",
                     "size.yml, line 9: size-ex-1, question 1: prompt must be one line of text",
                     "size.yml, line 10: size-ex-1, question 1: the starter must assign raw_total",
                     "size.yml, line 12: size-ex-1, question 1: expected must be one of",
                     "size.yml, line 18: exercise 2: only a computing exercise has auto-graded questions",
                     "the exercises must be the chapter's, in its order"):
        assert expected in problems, problems


def test_a_source_that_is_not_yaml_names_its_line(tmp_path):
    path = tmp_path / "size.yml"
    path.write_text("chapter: size\nexercises: [\n")
    with pytest.raises(ex.ExerciseSourceError, match=r"size.yml, line 3: not YAML"):
        ex.read_source(path)


def printed_forms(value: float) -> set[str]:
    """How a value could be written in a notebook: whole, with separators, rounded."""
    forms = {repr(value), f"{value:.6g}", f"{value:.4g}"}
    if abs(value - round(value)) < 1e-9 and abs(value) >= 100:
        whole = int(round(value))
        forms |= {str(whole), f"{whole:,}", f"{whole:,}".replace(",", " "), f"{whole:,}".replace(",", "\u202f")}
    return {f for f in forms if len(f.strip("0.-")) >= 3}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_students_notebook_holds_no_solution_nor_expected_value(sources, files, language):
    for chapter, source in sources.items():
        student = "\n".join(c["source"] for c in json.loads(files[language][assignments.file_name(
            "student", chapter, language)])["cells"])
        for question in source.questions:
            for line in question.solution.splitlines():
                if line.strip() and line.strip() not in question.starter:
                    assert line.strip() not in student, f"{chapter}: the solution line {line!r} is in the notebook"
            values = [ex.expected_value(question.expected), *(ex.expected_value(m.expected) for m in question.mistakes)]
            code = student
            for value in values:
                for form in printed_forms(value):
                    assert form not in code, f"{chapter}: {form} (an expected value) is in the students' notebook"
        with zipfile.ZipFile(io.BytesIO(files[language][assignments.file_name("bundle", chapter, language)])) as bundle:
            solutions = "\n".join(c["source"] for c in json.loads(bundle.read(assignments.file_name(
                "solutions", chapter, language)))["cells"])
            assert all(q.solution.splitlines()[0] in solutions for q in source.questions)
            assert assignments.GRADER in bundle.namelist()


def test_the_french_notebooks_are_french(sources, files, repo_root):
    english = {text for text, _ in exercise_texts(repo_root) if len(text.split()) > 2}
    for chapter in sources:
        for kind in ("student",):
            notebook = json.loads(files["fr"][assignments.file_name(kind, chapter, "fr")])
            prose = "\n".join(c["source"] for c in notebook["cells"] if c["cell_type"] == "markdown")
            left = [text for text in english if text in prose]
            assert not left, f"{chapter}: English left in the French notebook: {left}"
            assert notebook["metadata"]["microwork_exercises"]["language"] == "fr"
            assert "Exercices" in prose and "Votre réponse" in prose
            assert "\u202f:" in prose  # French typography outside code


def test_checks_say_not_answered_correct_or_the_mistake_s_feedback(sources):
    for source in sources.values():
        for question in source.questions:
            right = ex.expected_value(question.expected)
            assert ex.verdict(question, ex.answer_value(...)) == (ex.NOT_ANSWERED, "")
            assert ex.verdict(question, ex.answer_value(right)) == (ex.CORRECT, "")
            assert ex.verdict(question, "str") == (ex.WRONG, f"{ex.NOT_A_NUMBER} {question.hint}")
            assert ex.verdict(question, right * 7.31 + 1234.5) == (ex.WRONG, question.hint)
            for mistake in question.mistakes:
                assert ex.verdict(question, ex.expected_value(mistake.expected)) == (ex.WRONG, mistake.feedback)


def test_a_check_speaks_the_notebook_s_language(sources):
    question = sources["size"].questions[0]
    wrong = ex.expected_value(question.mistakes[0].expected)
    assert ex.feedback_line(question, ..., "fr").startswith("raw_total\u202f: pas encore de réponse")
    assert ex.feedback_line(question, ex.expected_value(question.expected), "fr") == "raw_total\u202f: juste."
    french = ex.feedback_line(question, wrong, "fr")
    assert french.startswith("raw_total\u202f: pas encore juste. C’est la somme des trois populations publiées"), french
    assert ex.feedback_line(question, wrong, "en") == f"raw_total: not right yet. {question.mistakes[0].feedback}"


def test_the_page_lines_escape_their_texts():
    said = lambda english: {"download it": "<b>x</b>"}.get(english, english)  # noqa: E731
    line = exercise_links.notebook_line("size", "en", 'https://mybinder.org/v2/gh/o/n/main"><script>', said,
                                        lambda path: f"../{path}")
    assert "<b>" not in line and "<script>" not in line and "&lt;b&gt;x&lt;/b&gt;" in line
    assert 'href="../exercises/size-exercises.ipynb"' in line and "urlpath=lab/tree/_exercises/en/size-exercises.ipynb" in line


def test_the_plans_add_up_the_minutes_of_their_chapters(repo_root, sources, files):
    facts = assignments.page_facts(repo_root, sources, files)
    html = exercise_links.teachers_tables(facts, "en", lambda e: e, lambda p: p, {})
    one_session = sources["size"].minutes
    assert re.search(rf"<td>One session</td><td>{len(sources['size'].exercises)}</td>(<td>\d+</td>){{3}}"
                     rf"<td>{one_session}</td>", html), html

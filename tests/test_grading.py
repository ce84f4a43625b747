"""The autograder on every chapter's notebooks, in both languages, in one run: the solutions get full marks, the
blank students' notebooks zero (and no error), a planted wrong answer its mistake's feedback; the scores' CSV speaks
the submissions' language. And a students' notebook runs top to bottom under papermill, its checks saying "not yet
answered", then "correct" with the solutions in."""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from pathlib import Path

import papermill
import pytest

from microwork.analysis import exercises as ex
from microwork.pipeline import assignments, grading

pytestmark = pytest.mark.kernel
LANGUAGES = ("en", "fr")




def solutions_of(files: dict, chapter: str, language: str) -> dict:
    bundle = zipfile.ZipFile(io.BytesIO(files[language][assignments.file_name("bundle", chapter, language)]))
    return json.loads(bundle.read(assignments.file_name("solutions", chapter, language)))


def planted(student: dict, question: ex.Question) -> dict:
    """The students' notebook with the first known mistake as the answer to ``question``."""
    notebook = json.loads(json.dumps(student))
    for cell in notebook["cells"]:
        if question.answer in cell["metadata"].get("tags", []) and "answer" in cell["metadata"]["tags"]:
            cell["source"] = f"{question.answer} = exercises.expected_value({question.mistakes[0].expected!r})"
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory, sources, files):
    """Every chapter with auto-graded answers, in both languages: its solutions, its blank notebook and a planted
    mistake, graded in one run of the autograder."""
    folder = tmp_path_factory.mktemp("submissions")
    for chapter, source in sources.items():
        if not source.questions:
            continue
        for language in LANGUAGES:
            student = json.loads(files[language][assignments.file_name("student", chapter, language)])
            notebooks = {"solution": solutions_of(files, chapter, language), "blank": student,
                         "wrong": planted(student, source.questions[0])}
            for kind, notebook in notebooks.items():
                (folder / f"{chapter}-{language}-{kind}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    return folder, {g.file: g for g in grading.grade_folder(folder)}


def test_solutions_get_full_marks_blanks_zero_and_a_planted_mistake_its_feedback(sources, graded):
    _, found = graded
    chapters = [c for c, s in sources.items() if s.questions]
    assert len(found) == len(chapters) * len(LANGUAGES) * 3
    for chapter in chapters:
        questions = sources[chapter].questions
        for language in LANGUAGES:
            solution, blank, wrong = (found[f"{chapter}-{language}-{kind}.ipynb"] for kind in ("solution", "blank", "wrong"))
            assert solution.score == len(questions) and not solution.errors, solution
            assert blank.score == 0 and not blank.errors and not blank.feedback, blank
            first = questions[0]
            assert wrong.points[first.answer] == 0 and not wrong.errors
            assert wrong.feedback == {first.answer: first.mistakes[0].feedback}


def test_a_submission_that_fails_or_cheats_gets_no_point(tmp_path, files, sources, monkeypatch):
    student = json.loads(files["en"][assignments.file_name("student", "size", "en")])
    student["cells"].insert(3, {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                "source": "exercises.verdict = lambda q, v: ('correct', '')\n1 / 0"})
    (tmp_path / "cheat.ipynb").write_text(json.dumps(student))
    (tmp_path / "other.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}))
    (tmp_path / "x-broken.ipynb").write_text('{"cells": [')  # cut short, a list, not UTF-8: one row each, no stop
    (tmp_path / "y-list.ipynb").write_text("[1, 2]")
    (tmp_path / "z-latin1.ipynb").write_bytes('{"cells": [], "metadata": {"é": 1}}'.encode("latin-1"))
    monkeypatch.chdir(tmp_path.parent)
    cheat, other, *unreadable = grading.grade_folder(Path(tmp_path.name))  # a folder named from here, as typed
    assert cheat.score == 0 and cheat.errors == ["cell 4: ZeroDivisionError"]
    assert other.errors == [grading.NOT_A_SUBMISSION]
    assert [(g.file, g.errors) for g in unreadable] == [(name, [grading.UNREADABLE]) for name in
                                                        ("x-broken.ipynb", "y-list.ipynb", "z-latin1.ipynb")]
    assert grading.main([tmp_path.name, "--output", str(tmp_path / "scores.csv")]) == 0
    assert len(list(csv.reader((tmp_path / "scores.csv").open(encoding="utf-8")))) == 6


def test_a_submission_past_its_time_limit_is_stopped_and_no_working_folder_is_left(tmp_path, files, monkeypatch):
    student = json.loads(files["en"][assignments.file_name("student", "size", "en")])
    slow = json.loads(json.dumps(student))
    slow["cells"].insert(3, {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                             "source": "import time\ntime.sleep(120)"})
    submissions, temporary = tmp_path / "submissions", tmp_path / "temporary"
    submissions.mkdir(), temporary.mkdir()
    (submissions / "a-on-time.ipynb").write_text(json.dumps(student))
    (submissions / "b-slow.ipynb").write_text(json.dumps(slow))
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # where the submissions' working folders are made
    on_time, slow_one = grading.grade_folder(submissions, time_limit=5)
    assert not on_time.errors
    assert slow_one.errors == [grading.TIMED_OUT.format(seconds=5)] and slow_one.score == 0
    assert list(temporary.iterdir()) == []


def test_the_scores_csv_is_in_the_submissions_language(graded, tmp_path):
    folder, found = graded
    french = [g for name, g in found.items() if "-fr-" in name and name.startswith("size-")]
    grading.write_scores(french, tmp_path / "notes.csv", "fr")
    rows = list(csv.reader((tmp_path / "notes.csv").open(encoding="utf-8")))
    assert rows[0][:2] == ["fichier", "chapitre"] and rows[0][-4:] == ["note", "sur", "commentaire", "erreurs"]
    wrong = next(row for row in rows if row[0] == "size-fr-wrong.ipynb")
    assert "C’est la somme des trois populations publiées" in wrong[-2]


def check_outputs(notebook: dict) -> list[str]:
    """What each check cell printed, as the student sees it under the cell: the kernel may send one printed line in
    several stream messages (its text, then its new line, on a busy machine), which Jupyter shows as one text."""
    return ["".join("".join(o.get("text", "")) for o in c["outputs"]) for c in notebook["cells"]
            if "check" in c["metadata"].get("tags", [])]


def test_a_students_notebook_runs_under_papermill_and_says_not_yet_then_correct(tmp_path, files, sources, repo_root,
                                                                                tcp_kernels):
    questions = sources["size"].questions
    student = tmp_path / "size-exercises.ipynb"
    student.write_bytes(files["en"][assignments.file_name("student", "size", "en")])
    ran = papermill.execute_notebook(str(student), str(tmp_path / "out.ipynb"), cwd=str(tmp_path), progress_bar=False)
    assert check_outputs(ran) == [f"{q.answer}: not yet answered (replace the ... with your answer, then run this "
                                  "cell again).\n" for q in questions]
    solutions = tmp_path / "size-corrige.ipynb"
    solutions.write_text(json.dumps(solutions_of(files, "size", "fr")))
    ran = papermill.execute_notebook(str(solutions), str(tmp_path / "out-fr.ipynb"), cwd=str(tmp_path),
                                     progress_bar=False)
    assert check_outputs(ran) == [f"{q.answer}\u202f: juste.\n" for q in questions]

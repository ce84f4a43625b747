"""The autograder: a folder of submitted exercise notebooks, graded on this machine, offline, into a CSV of scores.

Each submission runs in a process of its own (forked from this one once pandas and the book's package are imported,
so a submission starts in a fraction of a second; spawned where fork is not available), in an IPython shell with a
fresh namespace, in an empty temporary folder, with a time limit. A cell that fails is noted and the next one runs,
as a student's kernel would. The process sends back only the values of the answers (numbers); the scores are
computed here, by :func:`microwork.analysis.exercises.verdict` against values computed from the data in this
process, so nothing a submission does (redefining ``check``, printing "correct") changes its score.

Reading and discussion answers are not graded: they are for the teacher to read.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import multiprocessing
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..analysis import exercises as ex
from ..analysis.language import SOURCE_LANGUAGE
from .site_texts import (CHAPTER, ERRORS, FEEDBACK, FEEDBACK_ITEM, FILE, GRADER_TEXTS, NOT_A_SUBMISSION, OUT_OF, SCORE,
                         STOPPED, TIMED_OUT, UNREADABLE)

TIME_LIMIT = 300  # seconds one submission may run
METADATA = "microwork_exercises"


@dataclass
class Graded:
    """One submission's grade: a point per auto-graded answer that is right, and what failed while it ran."""

    file: str
    chapter: str
    points: dict[str, int] = field(default_factory=dict)
    feedback: dict[str, str] = field(default_factory=dict)  # answer: the English feedback, for answers given and wrong
    errors: list[str] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(self.points.values())


def read_submission(path: Path) -> tuple[dict, str, str]:
    """A submitted notebook, its chapter and its language (from the metadata the book's notebooks carry)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    metadata = notebook.get("metadata") if isinstance(notebook, dict) else None
    if not isinstance(metadata, dict):
        raise ValueError(f"{path.name} is not a notebook")
    found = metadata.get(METADATA)
    found = found if isinstance(found, dict) else {}
    return notebook, str(found.get("chapter", "")), str(found.get("language", SOURCE_LANGUAGE))


def submission_language(path: Path) -> str:
    """The language of a submission, English when it cannot be read."""
    try:
        return read_submission(path)[2]
    except (OSError, ValueError):
        return SOURCE_LANGUAGE


def run_cells(notebook: dict, answers: list[str]) -> dict:
    """Run a notebook's code cells in a fresh IPython shell; return the answers' values and the cells that failed.
    Runs in the submission's own process."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    errors = []
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for number, cell in enumerate(notebook.get("cells", []), 1):
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            result = shell.run_cell("".join(source) if isinstance(source, list) else str(source), store_history=False)
            failure = result.error_before_exec or result.error_in_exec
            if failure is not None:
                errors.append(f"cell {number}: {type(failure).__name__}")
    values = {name: ex.answer_value(shell.user_ns.get(name, Ellipsis)) for name in answers}
    return {"answers": values, "errors": errors}


def _child(path: str, answers: list[str], folder: str, sender) -> None:
    os.chdir(folder)
    try:
        notebook, _, _ = read_submission(Path(path))
        sender.send(run_cells(notebook, answers))
    except BaseException as error:  # noqa: BLE001 - whatever a submission does, the parent gets one line
        sender.send({"answers": {}, "errors": [f"{type(error).__name__}: {error}"]})


def _context() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")


def submitted_answers(path: Path, answers: list[str], time_limit: float = TIME_LIMIT) -> dict:
    """The answers' values and the failures of one submission, run in a process of its own."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    # the child works in a folder of its own, which this process removes once the child has ended (a child killed
    # at its time limit, or right after it answered, cannot remove it): it gets the submission's absolute path
    with tempfile.TemporaryDirectory(prefix="microwork-grade-", ignore_cleanup_errors=True) as folder:
        process = context.Process(target=_child, args=(str(path.resolve()), answers, folder, sender), daemon=True)
        process.start()
        sender.close()
        try:
            if receiver.poll(time_limit):
                return receiver.recv()
            return {"answers": {}, "errors": [TIMED_OUT.format(seconds=int(time_limit))]}
        except EOFError:
            return {"answers": {}, "errors": [STOPPED]}
        finally:
            if process.is_alive():
                process.kill()
            process.join()


def grade(path: Path, sources: dict[str, ex.ExerciseSource], chapter: str = "", time_limit: float = TIME_LIMIT
          ) -> Graded:
    """One submission's grade (``chapter`` when its metadata lost it)."""
    try:
        _, found, _ = read_submission(path)
    except (OSError, ValueError):  # not JSON, not UTF-8, not a notebook: its row says so, the others are graded
        return Graded(path.name, chapter, errors=[UNREADABLE])
    chapter = found or chapter
    if chapter not in sources:
        return Graded(path.name, chapter, errors=[NOT_A_SUBMISSION])
    questions = sources[chapter].questions
    ran = submitted_answers(path, [q.answer for q in questions], time_limit)
    verdicts = {q.answer: ex.verdict(q, ran["answers"].get(q.answer)) for q in questions}
    points = {answer: int(status == ex.CORRECT) for answer, (status, _) in verdicts.items()}
    feedback = {answer: said for answer, (status, said) in verdicts.items() if status == ex.WRONG}
    return Graded(path.name, chapter, points, feedback, ran["errors"])


def preload(sources: dict[str, ex.ExerciseSource]) -> None:
    """Compute every expected value once, here, before the submissions are forked (their processes need none)."""
    for source in sources.values():
        for question in source.questions:
            for name in (question.expected, *(m.expected for m in question.mistakes)):
                ex.expected_value(name)


def grade_folder(folder: Path, chapter: str = "", time_limit: float = TIME_LIMIT) -> list[Graded]:
    """Every ``.ipynb`` of ``folder`` (sorted by name), graded."""
    sources = ex.read_sources()
    preload(sources)
    import IPython.core.interactiveshell  # noqa: F401 - imported once, before the forks
    return [grade(path, sources, chapter, time_limit) for path in sorted(folder.glob("*.ipynb"))]


def spreadsheet_text(text: str) -> str:
    """A text cell that a spreadsheet would not run as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_scores(graded: list[Graded], path: Path, language: str = SOURCE_LANGUAGE) -> None:
    """The CSV of scores: one row per submission, one column per auto-graded answer, headers in ``language``."""
    said = lambda english: ex.said(english, language)  # noqa: E731
    answers = list(dict.fromkeys(name for g in graded for name in g.points))
    sources = ex.read_sources()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([said(FILE), said(CHAPTER), *answers, said(SCORE), said(OUT_OF), said(FEEDBACK), said(ERRORS)])
        for g in graded:
            out_of = len(sources[g.chapter].questions) if g.chapter in sources else 0
            errors = "; ".join(said(e) if e in GRADER_TEXTS else e for e in g.errors)
            feedback = " ".join(said(FEEDBACK_ITEM).format(answer=answer, feedback=ex.feedback_text(text, language))
                                for answer, text in g.feedback.items())
            writer.writerow([spreadsheet_text(g.file), spreadsheet_text(g.chapter),
                             *(g.points.get(a, "") for a in answers), g.score, out_of, spreadsheet_text(feedback),
                             spreadsheet_text(errors)])


def main(argv: list[str] | None = None) -> int:
    """``microwork grade FOLDER --output scores.csv`` (or ``python grade.py ...`` from a teachers' bundle)."""
    parser = argparse.ArgumentParser(prog="grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the folder of submitted notebooks (.ipynb)")
    parser.add_argument("--output", type=Path, default=Path("scores.csv"), help="the CSV to write (scores.csv)")
    parser.add_argument("--chapter", default="", help="the chapter, for notebooks whose metadata lost it")
    parser.add_argument("--language", default="", help="the CSV's language (default: the submissions')")
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT, help="seconds one submission may run")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"error: {args.folder} is not a folder", file=sys.stderr)
        return 2
    graded = grade_folder(args.folder, args.chapter, args.time_limit)
    languages = [submission_language(p) for p in sorted(args.folder.glob("*.ipynb"))]
    write_scores(graded, args.output, args.language or (languages[0] if languages else SOURCE_LANGUAGE))
    for g in graded:
        print(f"{g.file}: {g.score}/{len(g.points)}" + (f" ({'; '.join(g.errors)})" if g.errors else ""))
    print(f"{len(graded)} notebooks graded into {args.output}")
    return 0

"""The chapters' exercises as assignable notebooks: their sources, the values their checks expect, and the checks.

One source per chapter, ``exercises/<chapter>.yml``, lists the chapter's exercises (by the label of their
``{exercise}`` directive) with their kind, difficulty and minutes, and, for computing exercises, the questions a
notebook asks: a prompt, starter code, the solution, the name of the answer and the value it must equal. That value
is never written in the source nor in a notebook: it is named (``size.raw_total``) and computed from the data when
a check or the autograder runs (:data:`EXPECTED`). :mod:`microwork.pipeline.assignments` makes the students' and
teachers' notebooks from the sources, :mod:`microwork.pipeline.grading` grades a folder of submissions.

A student's check cell calls a :class:`Checker`: "not yet answered", "correct", or what to look at (a known
mistake's feedback when the answer equals that mistake's value, else the question's hint), in the notebook's
language: French from ``locales/fr/LC_MESSAGES/book.po``, where the sources' texts are translated.
"""

from __future__ import annotations

import ast
import functools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml
from babel.messages.pofile import read_po

from . import context, data, lab, params, press, profile, sensitivity, size
from .paths import project_root

KINDS = ("reading", "computing", "discussion")
DIFFICULTIES = ("introductory", "intermediate", "advanced")
MAX_MINUTES = 120
MAX_TEXT = 1000  # characters of one prompt, hint or feedback
SOURCES = "exercises"
PLANS = "plans"
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
# What a prompt, hint or feedback may hold besides text: `code` and *emphasis*. No markup that a notebook, a page
# or a spreadsheet would run or resolve: no HTML, directive, role, link, image or maths.
MARKUP = re.compile(r"[<>{}\[\]$\\|]|^\s*[#:>-]|```")
CODE_SPAN = re.compile(r"`[^`\n]+`")  # inside `code`, brackets and the like are shown as written
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class ExerciseSourceError(ValueError):
    """An exercise source that breaks a rule: one line per problem, each with its file, line and rule."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("an exercise source breaks the rules:\n" + "\n".join(problems))


@dataclass(frozen=True)
class Mistake:
    """A wrong answer met often enough to deserve its own feedback: the value it gives (a name of
    :data:`EXPECTED`) and what to say."""

    expected: str
    feedback: str


@dataclass(frozen=True)
class Question:
    """One auto-graded answer of a computing exercise."""

    answer: str
    prompt: str
    starter: str
    solution: str
    expected: str
    tolerance: float
    hint: str
    mistakes: tuple[Mistake, ...]
    line: int


@dataclass(frozen=True)
class Exercise:
    """One exercise of a chapter, as its source describes it."""

    label: str
    kind: str
    difficulty: str
    minutes: int
    prompt: str | None
    questions: tuple[Question, ...]
    line: int


@dataclass(frozen=True)
class ExerciseSource:
    """A chapter's exercise source: the code every notebook starts with, and the exercises in the chapter's order."""

    chapter: str
    path: Path
    setup: str
    exercises: tuple[Exercise, ...]

    @property
    def questions(self) -> list[Question]:
        return [q for exercise in self.exercises for q in exercise.questions]

    @property
    def minutes(self) -> int:
        return sum(exercise.minutes for exercise in self.exercises)


@dataclass(frozen=True)
class Plan:
    """A session plan of the teachers' guide and the chapters it sets."""

    name: str
    chapters: tuple[str, ...]


# --- The values the checks expect, computed from the data when asked (never stored) -------------------------------


def _size(coefficient: float = 1.0) -> size.SizeEstimate:
    return size.estimate_size(data.load_table("platform_registrations"), data.load_table("size_tiers"),
                              data.load_table("published_figures"), coefficient)


def _defaults(chapter: str) -> dict[str, Any]:
    """A chapter's parameters at their default values."""
    return {name: parameter.default for name, parameter in params.read_parameters(chapter).items()}


def _lab_accounts(overlap: float | None = None):
    run = _defaults("lab")
    shares = (run["casual_share"], 1 - run["casual_share"] - run["very_active_share"], run["very_active_share"])
    return lab.population(run["population_size"], run["platforms"], run["overlap"] if overlap is None else overlap,
                          shares, run["seed"])


def _lab_estimate(estimator: str, catchability_ratio: float | None = None) -> float:
    run = _defaults("lab")
    ratio = run["catchability_ratio"] if catchability_ratio is None else catchability_ratio
    results = lab.estimators(_lab_accounts(), run["sample_1"], run["sample_2"], ratio, run["seed"])
    return float(results.set_index("estimator").loc[estimator, "estimate"])


def _press_readings(tolerance: float):
    tiers = data.load_table("size_tiers").set_index("tier")
    result = _size()
    candidates = {"casual tier": result.casual_published, "routine tier": float(tiers.loc["routine", "persons"]),
                  "very active tier": float(tiers.loc["very_active", "persons"]),
                  "raw registrations (misreading)": result.raw_total, "sum of the tiers (misreading)": result.sum_of_tiers}
    return press.figures_in_press(data.load_table("press_coverage"), candidates, tolerance)["reading"]


def _spread(include_press: bool) -> float:
    estimates = context.estimates_side_by_side(data.load_table("published_figures"))
    kept = estimates if include_press else estimates[estimates["who"] != "press misreading"]
    return float(kept["value"].max() / kept["value"].min())


def _international_shown(from_year: int, undated: bool) -> int:
    estimates = data.load_table("international_estimates")
    return int(((estimates["year"] >= from_year) | (estimates["year"].isna() & undated)).sum())


def _casual_width(narrowed: bool) -> float:
    run = _defaults("sensitivity")
    ranges = sensitivity.Ranges(**{name: (run[f"{name}_low"], run[f"{name}_high"]) for name in sensitivity.INPUTS})
    counts = data.load_table("platform_registrations")["registrations"].to_numpy(dtype=float)
    coefficient = _size().published_accounts_per_person
    changed = {"accounts_per_person": (coefficient, coefficient)} if narrowed else {}
    low, high = sensitivity.casual_interval(counts, ranges, run["draws"], run["seed"], **changed)
    return high - low


def _survey(indicator: str) -> float:
    return profile.value(data.load_table("survey_profile"), indicator)


# Each value a question can expect, or a known mistake can give, by name; computed by the chapters' own functions.
EXPECTED: dict[str, Callable[[], float]] = {
    "size.raw_total": lambda: _size().raw_total,
    "size.sum_of_tiers": lambda: _size().sum_of_tiers,
    "size.casual_at_published_coefficient": lambda: _size().casual_at_published_coefficient,
    "size.raw_total_times_coefficient": lambda: _size().raw_total * _size().published_accounts_per_person,
    "size.implied_accounts_per_person": lambda: _size().implied_accounts_per_person,
    "size.published_accounts_per_person": lambda: _size().published_accounts_per_person,
    "size.casual_at_one_and_a_half": lambda: _size(1.5).casual_book,
    "lab.chapman_equal_chances": lambda: _lab_estimate("capture-recapture (Chapman)", 1.0),
    "lab.lincoln_petersen_equal_chances": lambda: _lab_estimate("capture-recapture (Lincoln-Petersen)", 1.0),
    "lab.chapman_default": lambda: _lab_estimate("capture-recapture (Chapman)"),
    "lab.population_size": lambda: _defaults("lab")["population_size"],
    "lab.raw_sum_without_overlap": lambda: len(_lab_accounts(0.0)),
    "lab.raw_sum_default": lambda: len(_lab_accounts()),
    "reception.misread_articles": lambda: int(_press_readings(0.10).str.contains("misreading").sum()),
    "reception.articles_with_figure": lambda: len(_press_readings(0.10)),
    "reception.unmatched_at_one_twentieth": lambda: int((_press_readings(0.05) == "none of the study's counts").sum()),
    "reception.unmatched_at_one_tenth": lambda: int((_press_readings(0.10) == "none of the study's counts").sum()),
    "profile.full_time_permanent_share":
        lambda: profile.derived(data.load_table("survey_profile"))["full_time_permanent_share"],
    "profile.full_time_permanent_not_divided": lambda: _survey("permanent_contract") * _survey("full_time_among_cdi"),
    "debate.spread_without_press": lambda: _spread(False),
    "debate.spread_with_press": lambda: _spread(True),
    "international.shown_from_2018": lambda: _international_shown(2018, undated=True),
    "international.dated_from_2018": lambda: _international_shown(2018, undated=False),
    "sensitivity.narrowed_width_share": lambda: _casual_width(True) / _casual_width(False),
    "sensitivity.widened_width_ratio": lambda: _casual_width(False) / _casual_width(True),
}


@functools.cache
def expected_value(name: str) -> float:
    """The value named ``name`` (:data:`EXPECTED`), computed from the data the first time it is asked."""
    return float(EXPECTED[name]())


# --- Reading and checking the sources ---------------------------------------------------------------------------


def sources_dir() -> Path:
    """The folder of the exercise sources."""
    return project_root() / SOURCES


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _plain(node: yaml.Node) -> Any:
    """A YAML node as Python values (what ``yaml.safe_load`` gives), keeping the nodes of mappings for their lines."""
    return yaml.safe_load(yaml.serialize(node)) if not isinstance(node, yaml.MappingNode) else node


class _Reader:
    """Collects every problem of one source, each located."""

    def __init__(self, path: Path) -> None:
        self.path, self.problems = path, []

    def problem(self, node: yaml.Node | int, rule: str) -> None:
        line = node if isinstance(node, int) else _line(node)
        self.problems.append(f"{self.path.parent.name}/{self.path.name}, line {line}: {rule}")

    def fields(self, node: yaml.Node, required: set[str], optional: set[str], what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping of fields")
            return {}
        found = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name not in required | optional:
                self.problem(key, f"unknown field {name!r} in {what} (allowed: {', '.join(sorted(required | optional))})")
            elif name in found:
                self.problem(key, f"field {name!r} given twice in {what}")
            else:
                found[name] = value
        for name in sorted(required - found.keys()):
            self.problem(node, f"{what} lacks the field {name!r}")
        return found

    def text(self, node: yaml.Node | None, what: str, code: bool = False) -> str:
        if node is None:
            return ""
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str" or not node.value.strip():
            self.problem(node, f"{what} must be a text")
            return ""
        value = node.value
        if CONTROL.search(value):
            self.problem(node, f"{what} holds a control character")
        if code:
            try:
                ast.parse(value)
            except SyntaxError as error:
                self.problem(_line(node) + (error.lineno or 1), f"{what} is not Python: {error.msg}")
        else:
            if len(value) > MAX_TEXT:
                self.problem(node, f"{what} is longer than {MAX_TEXT} characters")
            outside_code = CODE_SPAN.sub("", value)
            if "\n" in value.strip() or MARKUP.search(outside_code) or "`" in outside_code:
                self.problem(node, f"{what} must be one line of text with only `code` and *emphasis* "
                                   "(no HTML, directive, role, link, heading, list, table or maths)")
        return value.strip() if not code else value.rstrip() + "\n"

    def choice(self, node: yaml.Node | None, allowed: tuple[str, ...], what: str) -> str:
        value = node.value if isinstance(node, yaml.ScalarNode) else None
        if value not in allowed:
            self.problem(node, f"{what} must be one of {', '.join(allowed)}")
        return value or ""

    def number(self, node: yaml.Node | None, low: float, high: float, what: str, whole: bool = False) -> float:
        if node is None:
            return 0.0
        value = _plain(node)
        if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)) or not low <= value <= high:
            self.problem(node, f"{what} must be a {'whole ' if whole else ''}number from {low:g} to {high:g}")
            return low
        return value


def _assigns(code: str, name: str) -> bool:
    """Whether ``code`` assigns ``name`` at its top level."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    return any(isinstance(target, ast.Name) and target.id == name
               for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
               for target in (node.targets if isinstance(node, ast.Assign) else [node.target]))


def _question(reader: _Reader, node: yaml.Node, where: str) -> Question:
    fields = reader.fields(node, {"answer", "prompt", "starter", "solution", "expected", "hint"},
                           {"tolerance", "mistakes"}, where)
    answer = reader.text(fields.get("answer"), f"{where}: answer")
    if answer and not IDENTIFIER.match(answer):
        reader.problem(fields["answer"], f"{where}: answer must be a Python name in lower case")
    starter = reader.text(fields.get("starter"), f"{where}: starter", code=True)
    solution = reader.text(fields.get("solution"), f"{where}: solution", code=True)
    for name, code in (("starter", starter), ("solution", solution)):
        if answer and code and not _assigns(code, answer):
            reader.problem(fields[name], f"{where}: the {name} must assign {answer}")
    if starter and not re.search(rf"^{re.escape(answer)}\s*=\s*\.\.\.\s*$", starter, re.M):
        reader.problem(fields["starter"], f"{where}: the starter must leave the answer as `{answer} = ...`")
    expected = reader.choice(fields.get("expected"), tuple(EXPECTED), f"{where}: expected")
    mistakes = []
    listed = fields.get("mistakes")
    if listed is not None and not isinstance(listed, yaml.SequenceNode):
        reader.problem(listed, f"{where}: mistakes must be a list")
    for index, item in enumerate(listed.value if isinstance(listed, yaml.SequenceNode) else [], 1):
        got = reader.fields(item, {"expected", "feedback"}, set(), f"{where}, mistake {index}")
        mistakes.append(Mistake(reader.choice(got.get("expected"), tuple(EXPECTED), f"{where}, mistake {index}: expected"),
                                reader.text(got.get("feedback"), f"{where}, mistake {index}: feedback")))
        if mistakes[-1].expected == expected:
            reader.problem(item, f"{where}, mistake {index}: a mistake cannot expect the right answer")
    return Question(answer, reader.text(fields.get("prompt"), f"{where}: prompt"), starter, solution, expected,
                    reader.number(fields.get("tolerance"), 0, 0.5, f"{where}: tolerance"),
                    reader.text(fields.get("hint"), f"{where}: hint"), tuple(mistakes), _line(node))


def _exercise(reader: _Reader, node: yaml.Node, index: int, labels: list[str]) -> Exercise:
    where = f"exercise {index}"
    fields = reader.fields(node, {"label", "kind", "difficulty", "minutes"}, {"prompt", "questions"}, where)
    label = reader.text(fields.get("label"), f"{where}: label")
    if label and label not in labels:
        reader.problem(fields["label"], f"{where}: the chapter has no exercise labelled {label!r}")
    kind = reader.choice(fields.get("kind"), KINDS, f"{where}: kind")
    listed = fields.get("questions")
    questions = tuple(_question(reader, item, f"{label or where}, question {n}")
                      for n, item in enumerate(listed.value if isinstance(listed, yaml.SequenceNode) else [], 1))
    if listed is not None and not isinstance(listed, yaml.SequenceNode):
        reader.problem(listed, f"{where}: questions must be a list")
    if kind == "computing" and not questions:
        reader.problem(node, f"{where}: a computing exercise needs at least one question")
    if kind != "computing" and listed is not None:
        reader.problem(listed, f"{where}: only a computing exercise has auto-graded questions ({kind} stays {kind})")
    return Exercise(label, kind, reader.choice(fields.get("difficulty"), DIFFICULTIES, f"{where}: difficulty"),
                    int(reader.number(fields.get("minutes"), 1, MAX_MINUTES, f"{where}: minutes", whole=True)),
                    reader.text(fields.get("prompt"), f"{where}: prompt") or None, questions, _line(node))


EXERCISE_BLOCK = re.compile(r"^(`{3,}|:{3,})\{exercise\}[^\n]*\n:label:\s*(?P<label>[\w-]+)\s*\n(?P<body>.*?)^\1\s*$",
                            re.S | re.M)


def chapter_text(chapter: str) -> str:
    """The Markdown of a chapter (a page, or a notebook's Markdown cells joined)."""
    folder = project_root() / "chapters"
    page = folder / f"{chapter}.md"
    if page.is_file():
        return page.read_text(encoding="utf-8")
    notebook = json.loads((folder / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    return "\n\n".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown")


def chapter_exercises(chapter: str) -> dict[str, str]:
    """The chapter's exercises, label: prompt as the chapter writes it (MyST)."""
    return {m["label"]: m["body"].strip() for m in EXERCISE_BLOCK.finditer(chapter_text(chapter))}


def read_source(path: Path) -> ExerciseSource:
    """A chapter's exercise source, checked (:class:`ExerciseSourceError` lists every problem with its line)."""
    reader = _Reader(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ExerciseSourceError([f"{path.parent.name}/{path.name}, line {mark.line + 1 if mark else 1}: "
                                   f"not YAML: {getattr(error, 'problem', error)}"]) from None
    fields = reader.fields(root, {"chapter", "exercises"}, {"setup"}, "the source") if root else {}
    if root is None:
        reader.problem(1, "the source is empty")
    chapter = reader.text(fields.get("chapter"), "chapter")
    if chapter and chapter != path.stem:
        reader.problem(fields["chapter"], f"chapter must be the file's name, {path.stem!r}")
    labels = list(chapter_exercises(chapter)) if chapter and any((project_root() / "chapters").glob(f"{chapter}.*")) \
        else []
    if chapter and not labels:
        reader.problem(fields["chapter"], f"chapters/{chapter} has no exercise")
    listed = fields.get("exercises")
    exercises = tuple(_exercise(reader, item, n, labels)
                      for n, item in enumerate(listed.value if isinstance(listed, yaml.SequenceNode) else [], 1))
    if "exercises" in fields and not isinstance(listed, yaml.SequenceNode):
        reader.problem(listed, "exercises must be a list")
    given = [exercise.label for exercise in exercises]
    if labels and given != labels:
        reader.problem(listed or root, f"the exercises must be the chapter's, in its order: {', '.join(labels)}")
    answers = [q.answer for exercise in exercises for q in exercise.questions]
    for answer in {a for a in answers if answers.count(a) > 1}:
        reader.problem(listed, f"the answer {answer} is asked twice")
    setup = reader.text(fields.get("setup"), "setup", code=True)
    prompts = chapter_exercises(chapter) if chapter else {}
    for exercise in exercises:
        for question in exercise.questions:
            if re.search(rf"\b{re.escape(question.answer)}\s*=", setup):
                reader.problem(fields["setup"], f"the setup must not assign the answer {question.answer}")
        if exercise.prompt is None and re.search(r"\{[\w:-]+\}`", prompts.get(exercise.label, "")):
            reader.problem(exercise.line, f"{exercise.label}: the chapter's prompt uses a role ({{glue:text}}, "
                                          "{doc}...), which a notebook cannot show: give the exercise a prompt of its own")
    if reader.problems:
        raise ExerciseSourceError(reader.problems)
    return ExerciseSource(chapter, path, setup, exercises)


def read_sources(folder: Path | None = None) -> dict[str, ExerciseSource]:
    """Every chapter's exercise source, by chapter (every problem of every source at once)."""
    folder = folder or sources_dir()
    found, problems = {}, []
    for path in sorted(folder.glob("*.yml")):
        if path.stem == PLANS:
            continue
        try:
            found[path.stem] = read_source(path)
        except ExerciseSourceError as error:
            problems += error.problems
    if problems:
        raise ExerciseSourceError(problems)
    return found


def read_plans(sources: dict[str, ExerciseSource], folder: Path | None = None) -> list[Plan]:
    """The session plans of the teachers' guide, each checked against the chapters that have exercises."""
    path = (folder or sources_dir()) / f"{PLANS}.yml"
    reader = _Reader(path)
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    plans = []
    listed = reader.fields(root, {"plans"}, set(), "the plans").get("plans")
    for n, item in enumerate(listed.value if isinstance(listed, yaml.SequenceNode) else [], 1):
        got = reader.fields(item, {"name", "chapters"}, set(), f"plan {n}")
        chapters = _plain(got["chapters"]) if "chapters" in got else []
        if not isinstance(chapters, list) or not chapters or any(c not in sources for c in chapters):
            reader.problem(got.get("chapters", item), f"plan {n}: chapters must list chapters that have an exercise "
                                                      f"source ({', '.join(sources)})")
            chapters = []
        plans.append(Plan(reader.text(got.get("name"), f"plan {n}: name"), tuple(chapters)))
    if reader.problems:
        raise ExerciseSourceError(reader.problems)
    return plans


# --- Checking an answer -------------------------------------------------------------------------------------------

NOT_ANSWERED, CORRECT, WRONG = "not answered", "correct", "wrong"
MESSAGES = {
    NOT_ANSWERED: "{answer}: not yet answered (replace the ... with your answer, then run this cell again).",
    CORRECT: "{answer}: correct.",
    WRONG: "{answer}: not right yet. {feedback}",
}
NOT_A_NUMBER = "The answer must be a number."


def answer_value(value: object) -> float | str | None:
    """A submitted answer as the autograder keeps it: a number, None when not answered (``...``), else its type's
    name (what a wrong kind of answer is reported as)."""
    if value is Ellipsis or value is None:
        return None
    if isinstance(value, bool):
        return type(value).__name__
    try:
        number = float(value)  # numpy and pandas numbers too
    except (TypeError, ValueError):
        return type(value).__name__
    return number if math.isfinite(number) else type(value).__name__


def close(value: float, target: float, tolerance: float) -> bool:
    """Whether ``value`` equals ``target`` within a relative ``tolerance`` (and a rounding error)."""
    return abs(value - target) <= tolerance * abs(target) + 1e-9 * max(1.0, abs(target))


def verdict(question: Question, value: float | str | None) -> tuple[str, str]:
    """The status of an answer (:data:`NOT_ANSWERED`, :data:`CORRECT` or :data:`WRONG`) and, when wrong, the English
    feedback: a known mistake's, the question's hint otherwise."""
    if value is None:
        return NOT_ANSWERED, ""
    if isinstance(value, str):
        return WRONG, f"{NOT_A_NUMBER} {question.hint}"
    if close(value, expected_value(question.expected), question.tolerance):
        return CORRECT, ""
    for mistake in question.mistakes:
        if close(value, expected_value(mistake.expected), question.tolerance):
            return WRONG, mistake.feedback
    return WRONG, question.hint


def catalog_path(language: str) -> Path:
    """The catalog that translates the exercise sources' texts (the book's computed texts)."""
    return project_root() / "locales" / language / "LC_MESSAGES" / "book.po"


@functools.cache
def translations(language: str) -> dict[str, str]:
    """English: translation, for ``language`` (nothing for English; ``microwork check`` validates the catalogs)."""
    path = catalog_path(language)
    if language == "en" or not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def said(english: str, language: str) -> str:
    """``english`` in ``language`` (the English when the catalog lacks it)."""
    return translations(language).get(english, english)


def feedback_text(feedback: str, language: str) -> str:
    """A :func:`verdict`'s English feedback in ``language``."""
    if feedback.startswith(f"{NOT_A_NUMBER} "):
        return f"{said(NOT_A_NUMBER, language)} {said(feedback.removeprefix(f'{NOT_A_NUMBER} '), language)}"
    return said(feedback, language)


def feedback_line(question: Question, value: object, language: str = "en") -> str:
    """What a check cell prints for ``value``."""
    status, feedback = verdict(question, answer_value(value))
    shown = feedback_text(feedback, language)
    return said(MESSAGES[status], language).format(answer=question.answer, feedback=shown)


class Checker:
    """The check of a chapter's answers in a students' notebook: ``check("raw_total", raw_total)``."""

    def __init__(self, chapter: str, language: str = "en") -> None:
        source = read_source(sources_dir() / f"{chapter}.yml")
        self.questions = {q.answer: q for q in source.questions}
        self.language = language

    def __call__(self, answer: str, value: object) -> None:
        print(feedback_line(self.questions[answer], value, self.language))

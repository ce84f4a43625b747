"""The words the site and the PDFs show that come from neither the pages nor the data: one place, read by the
modules that show them (``sphinxext``, ``pdf``) and by the one that collects them for translation (``translate``),
so that none of those imports another for them. Each is translated in ``locales/<language>/LC_MESSAGES/book.po``.
"""

from __future__ import annotations

# _config.yml texts a reader sees (dotted paths), translated into each edition's configuration.
CONFIG_TEXTS = ("title", "author", "html.extra_footer", "parse.myst_substitutions.book_citation")
HTML_CONFIG_TEXTS = ("html.extra_footer",)  # written into the pages as HTML by the theme

# The description of the pages that have no text of their own.
GENERATED_PAGES = {"search": "Search the pages of the book {book}", "genindex": "Index of the terms of the book {book}"}
PAGE_DESCRIPTION = "{page}, a page of the book {book}"
SEARCH_BOX = "Search this book..."

# Options of extensions that hold words a reader sees: the edition's configuration sets them to their translation.
TRANSLATED_OPTIONS = {"nb_code_prompt_show": "Show code cell content", "nb_code_prompt_hide": "Hide code cell content"}

# The themes' and extensions' words that the French edition must say in French and that their own French catalogs
# lack (sphinx-book-theme's header buttons, myst-nb's code-cell prompt), or that their templates write without
# translating them (made translatable by sphinxext.TEMPLATE_FIXES, kind "language").
THEME_TEXTS = ("Suggest edit", "Source repositories", "Repository", "Launch interactive content", "Launch on",
               "Toggle primary sidebar", "Toggle secondary sidebar", "Main", "Show code cell content",
               "Hide code cell content", "Open issue", "Edit this page", "Language")
# The line at the foot of every page (microwork.pipeline.record): {commit} is a commit's number in code, or
# COMMIT_UNKNOWN, followed by UNCOMMITTED when the files differed from it; {record} and {report} are links.
BUILD_LINE = "Built on {date} from commit {commit}. Build record: {record}. Reproduction report: {report}."
COMMIT_UNKNOWN = "unknown (not built from a git checkout)"
UNCOMMITTED = " (with uncommitted changes)"
# The exercises' words on the pages (microwork.pipeline.exercise_links) and in the notebooks
# (microwork.pipeline.assignments): each exercise's kind, difficulty and minutes; the line of a chapter that links its
# notebook; the teachers' guide's tables of notebooks, bundles and minutes per session plan.
EXERCISE_KINDS = {"reading": "Reading", "computing": "Computing", "discussion": "Discussion"}
EXERCISE_DIFFICULTIES = {"introductory": "introductory", "intermediate": "intermediate", "advanced": "advanced"}
EXERCISE_FACTS = "{kind}, {difficulty}, about {minutes} minutes"
NOTEBOOK_LINE = "This chapter's exercises as a notebook that checks the answers: {download}{binder}."
NOTEBOOK_DOWNLOAD = "download it"
NOTEBOOK_BINDER = ", or open it on Binder"
TEACHERS_NOTEBOOKS = ("Each chapter's exercises as a notebook to hand to students, and a teachers' bundle: the "
                      "solutions notebook and the autograder, which grades a folder of submitted notebooks on one "
                      "machine, offline, into a CSV of scores. Reading and discussion answers are not auto-graded: "
                      "they are for the teacher to read.")
CHAPTER_HEADERS = ("Chapter", "Reading", "Computing", "Discussion", "Auto-graded answers", "Minutes",
                   "Students' notebook", "Teachers' bundle")
PLAN_HEADERS = ("Session plan", "Exercises", "Reading", "Computing", "Discussion", "Minutes")
# The exercise notebooks' own words (microwork.pipeline.assignments) and the autograder's (microwork.pipeline.grading):
TITLE = "Exercises: {chapter}"
SOLUTIONS_TITLE = "Solutions: {chapter}"
INTRO = ("Run the cells from the top. Replace each `...` with your answer, then run the check cell under it: it says "
         "whether the answer is right and, if not, what to look at. Reading and discussion exercises have a cell for "
         "your answer, which your teacher reads.")
SOLUTIONS_INTRO = ("The students' notebook with the solutions' code in place of each `...`: every check says correct. "
                   "Reading and discussion exercises are not auto-graded: their worked answers are under each exercise "
                   "in the teachers' PDF of the chapter.")
SETUP = "The book's data, loaded through its package:"
EXERCISE = "Exercise {number}"
YOUR_ANSWER = "*Your answer:*"
README = ("Teachers' bundle of the chapter {chapter}. {solutions}: the solutions notebook. {student}: the notebook "
          "to hand to students. To grade, put the submitted notebooks in one folder and run, in the book's "
          "environment: python grade.py FOLDER --output scores.csv (or: microwork grade FOLDER --output scores.csv). "
          "Each submission runs on this machine, offline, in a process of its own; scores.csv gets one row per "
          "notebook and one column per auto-graded answer. Reading and discussion answers are for you to read.")
NOTEBOOK_TEXTS = (TITLE, SOLUTIONS_TITLE, INTRO, SOLUTIONS_INTRO, SETUP, EXERCISE, YOUR_ANSWER, README)
# The scores' CSV's headers: one column per auto-graded answer between CHAPTER and SCORE.
FILE, CHAPTER, SCORE, OUT_OF, FEEDBACK, ERRORS = "file", "chapter", "score", "out of", "feedback", "errors"
HEADER_TEXTS = (FILE, CHAPTER, SCORE, OUT_OF, FEEDBACK, ERRORS)
NOT_A_SUBMISSION = "not an exercise notebook of the book (no chapter in its metadata)"
UNREADABLE = "a file the grader cannot read as a notebook"
TIMED_OUT = "stopped after {seconds} seconds"
STOPPED = "the submission's process ended without an answer"
FEEDBACK_ITEM = "{answer}: {feedback}"  # one wrong answer's feedback in the CSV
GRADER_TEXTS = (FEEDBACK_ITEM, *HEADER_TEXTS, NOT_A_SUBMISSION, UNREADABLE, TIMED_OUT, STOPPED)
EXERCISE_SITE_TEXTS = (*EXERCISE_KINDS.values(), *EXERCISE_DIFFICULTIES.values(), EXERCISE_FACTS, NOTEBOOK_LINE,
                       NOTEBOOK_DOWNLOAD, NOTEBOOK_BINDER, TEACHERS_NOTEBOOKS, *CHAPTER_HEADERS, *PLAN_HEADERS)
SITE_TEXTS = (SEARCH_BOX, *GENERATED_PAGES.values(), PAGE_DESCRIPTION, *THEME_TEXTS, BUILD_LINE, COMMIT_UNKNOWN,
              UNCOMMITTED, *EXERCISE_SITE_TEXTS)

# Each language's name in that language: what the link to an edition says.
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}

# What the PDFs print besides the pages.
PDF_EDITIONS = {"teachers": "Teachers' edition (with solutions)", "students": "Students' edition"}
PAGE_OF = "page {number} of {total}"
# The line under each page's title that links its PDFs: {page} and {book} are the links to each edition's file.
PDF_LINE = "PDF of this page: {page}. Of the whole book: {book}."
PRINTED_TEXTS = (*PDF_EDITIONS.values(), PAGE_OF, "Contents", PDF_LINE)

# The fields of references.bib written in the book's own words about a work (translated; a title in [brackets] too).
BIBLIOGRAPHY_TEXTS = ("note", "howpublished")

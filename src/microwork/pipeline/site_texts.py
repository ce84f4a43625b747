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
SITE_TEXTS = (SEARCH_BOX, *GENERATED_PAGES.values(), PAGE_DESCRIPTION, *THEME_TEXTS, BUILD_LINE, COMMIT_UNKNOWN,
              UNCOMMITTED)

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

"""Localising the translated editions while the chapters execute.

A chapter's kernel waits for much of its run (starting, sending cells, writing its notebook), so the two
processors have time to spare while the chapters execute. The build uses it: each file of the staged book is
localised (:func:`microwork.pipeline.translate.localised_file`) in a background thread as soon as its content is
final: the pages and the cached chapters when execution starts, each executed chapter as soon as it ends. The
render of the translated editions can then start with the English one, instead of after localising the whole book.

This changes when the work is done, never what an edition shows: a result is used only for the same file with the
same content, and only if no catalog changed since it was made; anything else is localised at staging, as
without this.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .cache import digest
from .translate import Translations, catalog_files, localised_file


class BackgroundLocalisation:
    """Files of the staged book to localise, one at a time, in a background thread, for each of ``languages``.

    Work added before :meth:`start` waits for it: the build starts the thread only once the execution workers are
    forked (a process forked while another thread holds a lock, e.g. Python's import lock, can hang).
    """

    def __init__(self, root: Path, languages: tuple[str, ...]) -> None:
        self.root = root
        self.catalogs = catalog_files(root)
        self.translations = {language: Translations(root, language) for language in languages}
        self.pool: ThreadPoolExecutor | None = None
        self.waiting: list[tuple[tuple[str, str, str], Callable[[], tuple]]] = []
        self.results: dict[tuple[str, str, str], Future] = {}
        self.catalogs_unchanged: bool | None = None  # checked once, when the results are first asked for

    def add(self, files: dict[str, bytes]) -> None:
        """Localise ``files`` (relative path: final content) in the background."""
        for relative, content in files.items():
            for language, translations in self.translations.items():
                key = (language, relative, digest([content]))
                if key in self.results or any(key == waiting for waiting, _ in self.waiting):
                    continue
                own = translations.sharing_catalogs()
                self.waiting.append((key, lambda r=relative, c=content, t=own: (localised_file(r, c, t), t)))
        if self.pool is not None:
            self.start()

    def start(self) -> None:
        """Start the work added so far, and any added later as soon as it is added."""
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="localise")
        for key, work in self.waiting:
            self.results[key] = self.pool.submit(work)
        self.waiting = []

    def wait(self) -> None:
        """Return when the work started so far is done (the thread is idle: the build may fork again)."""
        for future in list(self.results.values()):
            future.exception()

    def done(self, language: str, relative: str, content: bytes) -> tuple[dict[str, bytes], Translations] | None:
        """The localised file (and what was missing from it), waiting for it if it is under way; None if it was
        not localised from this content, or a catalog has changed since."""
        if self.catalogs_unchanged is None:
            self.catalogs_unchanged = catalog_files(self.root) == self.catalogs
        future = self.results.get((language, relative, digest([content])))
        return future.result() if future is not None and self.catalogs_unchanged else None

    def close(self) -> None:
        """Drop what has not started (a failed build does not wait for it)."""
        self.waiting = []
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)

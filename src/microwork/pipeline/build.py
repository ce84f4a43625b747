"""Build the book: execute chapters with papermill, render with Jupyter Book, publish atomically.

Steps, each printed as it happens:

0. take the exclusive lock on ``_build`` (a second build waits, saying which process holds it);
1. check every data table against its schema (nothing runs if one is bad);
2. execute each chapter notebook with papermill into ``_build/.cache`` (two at a
   time by default), unless its cached execution is still valid: same notebook,
   same parameters, same ``src/`` and pinned environment, same content of every
   data file it read, and cached outputs that still have their recorded hashes
   (see :mod:`microwork.pipeline.cache`); a chapter whose data changed while it ran is executed again;
   meanwhile the translated editions are localised, each chapter as soon as it ends
   (:mod:`microwork.pipeline.background`);
3. stage a copy of the book with the executed notebooks, and render it with
   Jupyter Book with execution switched off by a configuration override (warnings are errors);
4. point ``_build/html`` at the new site in one atomic rename.

A failure at any step leaves the previous ``_build/html`` as it was, and a failed render leaves no
partial site. Build workers and renders stop when the build process dies (even by ``kill -9``), and their kernels
with them. Pruning removes only site folders the build made (they hold :data:`SITE_MARKER`).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


from .background import BackgroundLocalisation
from .children import die_with_parent
from .cache import changed_data, code_digest, digest, execution_key, why_not_reusable, write_record
from ..analysis.data import check_package
from .execute import ChapterError, execute_chapter
from .layout import BuildError, Layout, read_yaml, toc_files, user_cache
from .lock import build_lock
from .warm import Helpers, build_helpers, warm_kernels
from ..analysis.exercises import read_sources
from .assignments import STAGED_EXERCISES, binder_address, edition_files, page_facts, write_site_files
from .pdf import STAGED_PDFS, print_site
from .renderers import Renderers, RenderJob
from .provenance import STAGED_RECORD, chapter_defaults, record_identity, run_metadata
from .repository import Repository, book_repository
from .translate import TRANSLATED, Translations, catalog_files, check_catalogs, localised_files, with_editions
from ..analysis.language import SOURCE_LANGUAGE
from ..analysis.notebooks import NotebookError, read_notebook, source_of

BOOK_FILES = ["_config.yml", "_toc.yml", "references.bib"]
KEEP_SITES = 2
COMPLETE = ".complete"  # written into a site folder once Jupyter Book has rendered it completely
SITE_MARKER = ".microwork-site"  # written into each site folder the build makes, before anything else
PDFS_KEY = "pdfs"  # in the site key file: whether the published site holds its PDFs
DEFAULT_CELL_TIMEOUT = 600


@dataclass
class BuildReport:
    """What a build did."""

    executed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    rendered: bool = False
    site: Path | None = None
    seconds: float = 0.0


def say(message: str) -> None:
    """Print a progress line at once."""
    print(f"[microwork] {message}", flush=True)


def chapter_notebooks(root: Path) -> list[Path]:
    """The notebooks of the book, in table-of-contents order."""
    return [root / f"{name}.ipynb" for name in toc_files(root) if (root / f"{name}.ipynb").is_file()]


def cell_timeout(root: Path) -> int:
    """Seconds a cell may run before its chapter fails: ``execute.timeout`` of ``_config.yml`` (as for a plain
    ``jupyter-book build``), 600 if not set."""
    value = (read_yaml(root / "_config.yml", root).get("execute") or {}).get("timeout", DEFAULT_CELL_TIMEOUT)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise BuildError(f"_config.yml: execute.timeout must be a positive whole number of seconds, not {value!r}")
    return value


def expected_cost(notebook: Path) -> int:
    """A rough, deterministic estimate of a chapter's execution time: code cells, and figures counted thrice."""
    code = [source_of(c) for c in read_notebook(notebook)["cells"] if c["cell_type"] == "code"]
    return len(code) + 3 * sum(source.count("show_figure(") for source in code)


def run_chapter(source: Path, root: Path, key: str, parameters: dict, timeout: int) -> float:
    """Execute one chapter into its cache folder (atomically replaced); return the seconds it took."""
    started = time.perf_counter()
    layout = Layout(root)
    final = layout.cached(source.stem)
    workdir = layout.cached(f"{source.stem}.running")
    reads = execute_chapter(source, workdir, parameters, layout.failed, timeout)
    write_record(workdir, key, parameters, reads, root)
    if final.exists():
        shutil.rmtree(final)
    workdir.rename(final)
    return time.perf_counter() - started


def stale_jobs(root: Path, jobs: dict[Path, str]) -> list[Path]:
    """The chapters just executed whose data changed while they ran (the bytes read differ from the files now)."""
    stale = []
    for notebook in jobs:
        record = json.loads((Layout(root).cached(notebook.stem) / "record.json").read_text())
        if changed := changed_data(record["data_files"], root):
            say(f"{notebook.stem}: {changed[0]} changed while the chapter was executing: executing it again")
            stale.append(notebook)
    return stale


def run_jobs(root: Path, jobs: dict[Path, str], workers: int, timeout: int,
             started: Callable[[], None] = lambda: None, executed: Callable[[Path], None] = lambda notebook: None) -> None:
    """Execute ``jobs`` (notebook: cache key) in worker processes, longest first; raise if any chapter failed.
    ``started()`` is called once the workers are forked, ``executed(notebook)`` as each chapter ends."""
    # Longest first (estimated by the number of code cells and figures), so that no long chapter is left
    # running alone at the end while the other worker idles.
    order = sorted(jobs, key=lambda notebook: -expected_cost(notebook))
    say(f"executing {len(order)} chapter(s) with papermill, {workers} at a time: " + ", ".join(n.stem for n in order))
    failures = []
    # The kernel parent first: the workers, forked at the first submission, find it in their environment.
    # A worker gets SIGTERM if the build dies: it ends at once, and its kernel sees its parent gone and stops too.
    with warm_kernels(), ProcessPoolExecutor(max_workers=max(1, workers), initializer=die_with_parent,
                                             initargs=(signal.SIGTERM, os.getpid())) as pool:
        futures = {pool.submit(run_chapter, nb, root, jobs[nb], {}, timeout): nb for nb in order}
        started()  # the first submission forked every worker
        for done, future in enumerate(as_completed(futures), start=1):
            name = futures[future].stem
            try:
                seconds = future.result()
                say(f"[{done}/{len(order)}] {name}: executed in {seconds:.1f} s")
                executed(futures[future])
            except ChapterError as error:
                say(f"[{done}/{len(order)}] {name}: FAILED")
                failures.append(str(error))
    if failures:
        raise BuildError("\n".join(failures))


def execute_all(root: Path, workers: int, force: bool, ahead: BackgroundLocalisation | None = None,
                starting: Callable[[], None] = lambda: None) -> tuple[list[str], list[str]]:
    """Execute every chapter whose cache cannot be reused; return (executed, cached) chapter names. While they
    execute, ``ahead`` localises the translated editions: the pages and cached chapters at once, each executed
    chapter as it ends. ``starting()`` is called when some chapter is to execute, before any is."""
    cache_dir = Layout(root).chapters_cache
    cache_dir.mkdir(parents=True, exist_ok=True)
    for leftover in cache_dir.glob("*.running"):  # from a build that was killed (the lock says none is running)
        shutil.rmtree(leftover, ignore_errors=True)
    code = code_digest(root, for_execution=True)
    timeout = cell_timeout(root)
    jobs, cached = {}, []
    for notebook in chapter_notebooks(root):
        try:
            key = execution_key(notebook, {}, code)
        except NotebookError as error:
            raise BuildError(str(error).replace(str(root) + "/", "")) from None
        reason = None if force else why_not_reusable(cache_dir / notebook.stem, key, root)
        if force or reason is not None:
            jobs[notebook] = key
            if reason not in (None, "no cached execution"):
                say(f"{notebook.stem}: {reason}: executing it again")
        else:
            cached.append(notebook.stem)
            say(f"{notebook.stem}: unchanged, using the cached execution")
    if not jobs:
        return [], cached
    starting()
    if ahead is None:
        run_jobs(root, jobs, workers, timeout)
    else:
        ahead.add(page_files(root))
        for notebook in chapter_notebooks(root):
            if notebook not in jobs:
                ahead.add(executed_files(root, notebook))
        run_jobs(root, jobs, workers, timeout, ahead.start, lambda notebook: ahead.add(executed_files(root, notebook)))
    if stale := stale_jobs(root, jobs):
        if ahead is not None:
            ahead.wait()  # no fork while the background thread is at work
        run_jobs(root, {nb: jobs[nb] for nb in stale}, workers, timeout)
        if stale_jobs(root, {nb: jobs[nb] for nb in stale}):
            raise BuildError("the data files kept changing while the chapters executed: build again once they are saved")
    return [n.stem for n in jobs], cached


def page_files(root: Path) -> dict[str, bytes]:
    """The staged book's files other than the executed notebooks and their figures (relative path: content): the
    configuration files as they are (the render switches execution off), and the chapters' other sources."""
    files: dict[str, bytes] = {name: (root / name).read_bytes() for name in BOOK_FILES}
    for path in sorted((root / "chapters").rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and path.suffix != ".ipynb" and "figures" not in relative.parts \
                and ".ipynb_checkpoints" not in relative.parts:
            files[str(relative)] = path.read_bytes()
    return files


def executed_files(root: Path, notebook: Path) -> dict[str, bytes]:
    """A chapter as executed, from its cache folder: the notebook and its figures (relative path: content)."""
    relative, run_dir = notebook.relative_to(root), Layout(root).cached(notebook.stem)
    files = {str(relative): (run_dir / notebook.name).read_bytes()}
    for figure in sorted((run_dir / "figures").glob("*")):
        files[str(relative.parent / "figures" / figure.name)] = figure.read_bytes()
    return files


def stage_files(root: Path) -> dict[str, bytes]:
    """Every file of the staged book (relative path -> content): :func:`page_files`, and each chapter of the table
    of contents as executed (a notebook not in ``_toc.yml`` is not part of the book)."""
    files = page_files(root)
    for notebook in chapter_notebooks(root):
        files.update(executed_files(root, notebook))
    return files


def write_stage(files: dict[str, bytes], stage: Path) -> Path:
    """Write the staged book into a fresh folder; return it."""
    if stage.exists():
        shutil.rmtree(stage)
    for relative, content in files.items():
        target = stage / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return stage


def stage_translated(root: Path, files: dict[str, bytes], language: str, stage: Path,
                     ahead: BackgroundLocalisation | None = None) -> Path:
    """Write the staged book in ``language`` (see :func:`microwork.pipeline.translate.localised_files`), with what
    ``ahead`` already localised, saying what is missing from its catalogs; return it."""
    localised, translations = localised_files(root, files, language, done=ahead.done if ahead else None)
    report_coverage(translations)
    return write_stage(localised, stage)


# What papermill writes into a notebook about one execution (when, how long, from which path): no page shows it.
EXECUTION_METADATA = ("duration", "start_time", "end_time", "input_path", "output_path", "exception")


def shown_part(relative: str, content: bytes) -> bytes:
    """A staged file as far as the pages can show it: an executed notebook without papermill's times and paths (a
    chapter executed again with the same outputs leaves the editions' keys as they were); any other file whole."""
    if not relative.endswith(".ipynb"):
        return content
    try:
        notebook = json.loads(content)
        papermill = notebook["metadata"].get("papermill", {})
        for name in EXECUTION_METADATA:
            papermill.pop(name, None)
        for cell in notebook["cells"]:
            for name in ("execution", "papermill"):
                cell.get("metadata", {}).pop(name, None)
    except (ValueError, KeyError, TypeError, AttributeError):  # not a notebook as papermill writes it: whole
        return content
    return json.dumps(notebook, sort_keys=True, ensure_ascii=False).encode()


def edition_keys(root: Path, files: dict[str, bytes], identity: str = "") -> dict[str, str]:
    """What each edition is made from, as a hash: the staged files, the code and what else the pages show
    (``identity``: the build record's commit, versions and data but not its date, the pages printed as PDFs, the
    repository the buttons point to); the translated editions also their catalogs (so that editing a catalog
    re-renders that edition only)."""
    base = [k.encode() + b"\0" + shown_part(k, v) for k, v in sorted(files.items())] + [code_digest(root).encode(),
                                                                                    identity.encode()]
    catalogs = catalog_files(root)
    keys = {SOURCE_LANGUAGE: digest(base)}
    for language in TRANSLATED:
        own = [k.encode() + b"\0" + v for k, v in catalogs.items() if k.startswith(f"locales/{language}/")]
        keys[language] = digest(base + own)
    return keys


def render(stages: dict[str, Callable[[], Path]], output: Path, renderers: Renderers,
           kept: dict[str, Path] | None = None) -> Path:
    """Render each edition (language: a function that writes its staged book and returns it) with Jupyter Book's
    Sphinx build (warnings are errors); return the HTML folder: the English edition, with the French one in its
    ``fr/``. Each render starts as soon as its stage is written, so the French copy is localised while the English
    edition renders. ``kept`` editions (language: their folder in the published site) are not rendered again:
    their files are linked into the new site as they are.

    Each runs ``microwork.pipeline.render`` in a process of its own, taken from ``renderers`` (started ahead, its
    imports done, when chapters executed): the same call as ``jupyter-book build -W -n --keep-going``, without the
    command-line start-up; it is killed if the build dies. A file that could not be written is raised as the
    :class:`OSError` it was.
    """
    output.mkdir(parents=True, exist_ok=True)
    (output / SITE_MARKER).write_text(f"{output.name}: made by microwork build, process {os.getpid()}\n")
    html = output / "_build" / "html"
    folders = {language: html if language == SOURCE_LANGUAGE else output / language / "_build" / "html"
               for language in stages}
    say(f"rendering the {' and '.join(EDITION_NAMES[l] for l in stages)} edition{'s' * (len(stages) > 1)} with "
        "Jupyter Book (warnings are errors)")
    running: dict[str, RenderJob] = {}
    try:
        for language, write in stages.items():
            running[language] = renderers.take()
            running[language].send(write(), folders[language])
        results = {language: (job.communicate()[0], job.returncode) for language, job in running.items()}
    except BaseException:
        for job in running.values():
            job.kill()
            job.communicate()
        shutil.rmtree(output, ignore_errors=True)
        raise
    failed = {language: text for language, (text, code) in results.items() if code != 0}
    if failed:
        shutil.rmtree(output, ignore_errors=True)  # a failed render leaves nothing behind
        for text in failed.values():
            if (error := file_error(text, output)) is not None:
                raise error
        messages = []
        for language, text in failed.items():
            lines = text.splitlines()
            problems = [line for line in lines if "WARNING" in line or "ERROR" in line or "Error" in line]
            messages.append(f"{EDITION_NAMES[language]} edition:\n" + "\n".join(problems[-30:] or lines[-30:]))
        raise BuildError("Jupyter Book failed:\n" + "\n".join(messages))
    for language, previous in (kept or {}).items():
        target = html if language == SOURCE_LANGUAGE else html / language
        inside = list(TRANSLATED) if language == SOURCE_LANGUAGE else []  # the other editions' folders: not kept
        shutil.copytree(previous, target, copy_function=os.link, dirs_exist_ok=True,
                        ignore=lambda folder, names: inside if Path(folder) == previous else [])
    for language, folder in folders.items():
        if folder != html:
            folder.rename(html / language)
            shutil.rmtree(output / language)
    (output / COMPLETE).touch()
    return html


EDITION_NAMES = {"en": "English", "fr": "French"}


def print_pdfs(root: Path, site_html: Path, languages: list[str], output: Path) -> None:
    """Print the PDFs of the ``languages`` just rendered into the new site (links to the published address of
    ``_config.yml``, if any); a failure leaves no site behind, as a failed render does."""
    say(f"printing the PDFs of the {' and '.join(EDITION_NAMES[l] for l in languages)} "
        f"edition{'s' * (len(languages) > 1)} with chromium")
    published = str((read_yaml(root / "_config.yml", root).get("html") or {}).get("baseurl") or "")
    try:
        files = print_site(root, site_html, languages, published)
    except BaseException:
        shutil.rmtree(output, ignore_errors=True)
        raise
    say(f"{len(files)} PDFs printed")


def file_error(render_output: str, site: Path) -> OSError | None:
    """The file-system error a render printed as its last line (JSON: errno, strerror, filename; see
    :mod:`microwork.pipeline.render`), if any; an error that names no file is placed in ``site``, being written."""
    lines = render_output.splitlines()
    try:
        found = json.loads(lines[-1]) if lines else None
    except ValueError:
        return None
    if not isinstance(found, dict) or "errno" not in found:
        return None
    return OSError(found["errno"], found["strerror"], found["filename"] or str(site))


def report_coverage(translations: Translations) -> None:
    """Print, for each catalog with something missing, how many of its texts are untranslated or fuzzy."""
    missing = 0
    for name, found in sorted(translations.coverage.items()):
        untranslated, fuzzy = len(set(found.untranslated)), len(set(found.fuzzy))
        missing += untranslated + fuzzy
        if untranslated or fuzzy:
            say(f"{translations.language}: {name}: {untranslated} untranslated, {fuzzy} fuzzy (shown in English)")
    if not missing:
        say(f"{translations.language}: every text of every page is translated")


def publish(layout: Layout, site_html: Path) -> Path:
    """Make ``_build/html`` point to the new site with one atomic rename; prune old sites."""
    link = layout.html
    if link.exists() and not link.is_symlink():  # a site built by a plain `jupyter-book build .`
        plain = layout.sites / f"plain-{time.strftime('%Y%m%d-%H%M%S')}"
        link.rename(plain)
        (plain / SITE_MARKER).write_text(f"{plain.name}: moved here by microwork build, process {os.getpid()}\n")
    temporary = layout.build / "html.new"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(site_html.relative_to(layout.build))
    os.replace(temporary, link)
    prune_sites(layout)
    return link


def prune_sites(layout: Layout) -> None:
    """Remove the sites that are not the published one: partial ones (a render that was killed) and all but the
    newest of the older complete ones. Only the folders the build made (holding :data:`SITE_MARKER`) directly in
    the real ``sites`` folder are candidates: never a folder someone keeps there, nor what a link points to."""
    sites = layout.sites.resolve()  # ``_build`` may be a link to another disk
    if not sites.is_dir():
        return
    link = layout.html
    current = link.resolve().parents[1] if link.is_symlink() else None
    made = [p for p in sites.iterdir() if p != current and not p.is_symlink() and (p / SITE_MARKER).is_file()]
    older = sorted(made, key=lambda p: p.stat().st_mtime)
    partial = [p for p in older if not (p / COMPLETE).exists() and not p.name.startswith("plain-")]
    complete = [p for p in older if p not in partial]
    for old in partial + complete[:-(KEEP_SITES - 1) or None]:
        shutil.rmtree(old, ignore_errors=True)


def build(root: Path, workers: int = 2, force: bool = False, pdfs: bool = False) -> BuildReport:
    """Build the whole book into ``root/_build/html``, with its PDFs when ``pdfs``; see the module docstring. One
    build at a time per book."""
    with build_lock(Layout(root).build, say):
        return build_locked(root, workers, force, pdfs)


def build_locked(root: Path, workers: int, force: bool, pdfs: bool = False) -> BuildReport:
    """:func:`build`, once the lock on ``_build`` is held. Its helpers start first, while the data and the catalogs
    are checked: the drawing services, and the kernel parent when every chapter will surely run (``--force``, or no
    chapter executed yet). Otherwise the parent starts only if a chapter turns out to need executing: a build that
    changes nothing does not pay for it."""
    with build_helpers(kernels=force or not executed_before(Layout(root))) as helpers:
        return build_with_helpers(root, workers, force, pdfs, helpers)


def executed_before(layout: Layout) -> bool:
    """Whether the execution cache holds any chapter."""
    return layout.chapters_cache.is_dir() and any(layout.chapters_cache.iterdir())


def build_with_helpers(root: Path, workers: int, force: bool, pdfs: bool, helpers: Helpers) -> BuildReport:
    """:func:`build_locked`, its ``helpers`` started (and waited for once the checks are done)."""
    started = time.perf_counter()
    report = BuildReport()
    layout = Layout(root)
    say("checking the data package")
    counts = check_package(root / "data")
    say(f"data OK: {len(counts)} tables, {sum(counts.values())} rows")
    repository = book_repository(root, os.environ)
    say(f"repository: {repository.url} (from {repository.origin}), branch {repository.branch}" if repository else
        "no repository address (GITHUB_REPOSITORY, or repository.url in _config.yml): the pages get no repository, "
        "edit or launch buttons")
    if TRANSLATED:
        for warning in check_catalogs(root):
            say(warning)
        say("translation catalogs OK")
    prune_sites(layout)
    helpers.ready()  # every figure of the build, the kernels' and the French ones, drawn by the drawing services
    ahead = BackgroundLocalisation(root, TRANSLATED) if TRANSLATED else None
    try:
        with Renderers(root, user_cache() / "stylesheets", count=1 + len(TRANSLATED)) as renderers:
            return build_steps(root, layout, workers, force, ahead, renderers, report, started, pdfs, repository)
    finally:
        if ahead is not None:
            ahead.close()


def build_steps(root: Path, layout: Layout, workers: int, force: bool, ahead: BackgroundLocalisation | None,
                renderers: Renderers, report: BuildReport, started: float, pdfs: bool = False,
                repository: Repository | None = None) -> BuildReport:
    """Steps 2 to 4 of :func:`build` (``ahead`` localising the translated editions while the chapters execute, and
    ``renderers`` starting one render per edition as they start), the PDFs printed into the new site before it is
    published when ``pdfs``; ``repository`` is the one the pages' buttons point to (the render reads it again from
    the environment)."""
    record = run_metadata(root, chapter_defaults(chapter_notebooks(root)))  # the data as the chapters will read them
    report.executed, report.cached = execute_all(root, workers, force, ahead, renderers.start)

    files = stage_files(root)
    printed = toc_files(root) if pdfs else []
    address = f"{repository.url} {repository.branch}" if repository else ""
    keys = edition_keys(root, files, "\0".join([record_identity(record), address]))
    files[STAGED_RECORD] = json.dumps(record, indent=1, ensure_ascii=False).encode()
    sources = read_sources()
    exercise_files = edition_files(root, sources)
    files[STAGED_EXERCISES] = json.dumps(page_facts(root, sources, exercise_files, binder_address(
        repository.url, repository.branch) if repository else ""), indent=1, ensure_ascii=False).encode()
    if printed:
        files[STAGED_PDFS] = json.dumps(printed).encode()
    key_file, link = layout.site_key, layout.html
    built = json.loads(key_file.read_text()) if key_file.is_file() and link.is_symlink() and link.resolve().is_dir() \
        and key_file.read_text().startswith("{") else {}
    # A site with PDFs is kept by a build that prints none (--no-pdf: nothing to print, nothing to take away); a site
    # without them is made again when they are asked for (its pages must link them).
    missing_pdfs = bool(printed) and not built.get(PDFS_KEY)
    changed = [language for language in keys if force or missing_pdfs or built.get(language) != keys[language]]
    if not changed:
        say("nothing changed since the last build: the book is up to date")
    else:
        stages: dict[str, Callable[[], Path]] = {}
        if SOURCE_LANGUAGE in changed:
            english = {**files, "_config.yml": with_editions(files["_config.yml"].decode()).encode()}
            stages[SOURCE_LANGUAGE] = lambda: write_stage(english, layout.stage)
        else:
            say("the English edition is unchanged: only the translated edition(s) are rendered")
        for language in TRANSLATED:
            if language in changed:
                stages[language] = functools.partial(stage_translated, root, files, language, layout.stage_in(language),
                                                     ahead)
            else:  # still localised, for its counts of what is missing
                report_coverage(localised_files(root, files, language, figures=False)[1])
        output = layout.sites / f"site-{time.strftime('%Y%m%d-%H%M%S')}-{keys[SOURCE_LANGUAGE][:8]}"
        kept = {language: link.resolve() / ("" if language == SOURCE_LANGUAGE else language)
                for language in keys if language not in changed}
        site_html = render(stages, output, renderers, kept)
        write_site_files(exercise_files, site_html)
        if printed:
            print_pdfs(root, site_html, list(stages), output)
        publish(layout, site_html)
        key_file.write_text(json.dumps({**keys, PDFS_KEY: bool(printed)}))
        report.rendered = True
    report.site = link
    report.seconds = time.perf_counter() - started
    return report

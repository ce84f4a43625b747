"""The ``microwork`` command: build the book, run or inspect a chapter, check the data."""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from collections.abc import Iterator
from typing import Any, Callable

from .analysis import params as chapter_params
from .analysis import language, readable
from .pipeline import assignments, grading, translate
from .pipeline.assignments import BINDER_FOLDER
from .pipeline.build import BuildError, build, cell_timeout, chapter_notebooks, say
from .analysis.data import check_package
from .pipeline.execute import ChapterError, execute_chapter, glued_values
from .pipeline.layout import Layout
from .pipeline.lock import build_lock
from .pipeline.provenance import chapter_defaults as defaults_of
from .pipeline.warm import warm_start
from .analysis.notebooks import NotebookError
from .analysis.paths import project_root
from .analysis.validate import DataValidationError

EPILOG = """examples:
  microwork build                      build the book into _build/html (cached chapters are reused)
  microwork params size                list the size chapter's parameters
  microwork run size -p accounts_per_person=1.5
                                       run one chapter with an override and print its key results
  microwork check                      validate the data package
  microwork reproduce                  re-execute everything from scratch and write the reproduction report
  microwork snapshots [--update]       compare the charts' Vega-Lite specs with tests/snapshots/charts
  microwork pdf                        build the book with its PDFs (students' and teachers' editions, in _build/html/pdf)
"""

BASELINE = Path("tests") / "snapshots" / "reproduction-baseline.json"


def verdict(problems: list[str], failure: str, success: str) -> int:
    """Print ``failure`` and the problems, one per line, on stderr and return 1; or print ``success`` and return 0."""
    if problems:
        print(failure + "\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(success)
    return 0


def holding_the_build_lock(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A command that builds, then writes more into ``_build``: it holds the lock for the whole run."""
    @functools.wraps(command)
    def locked(args: argparse.Namespace) -> int:
        with build_lock(Layout(project_root()).build, say):
            return command(args)

    return locked


def command_build(args: argparse.Namespace) -> int:
    report = build(project_root(), workers=args.workers, force=args.force, pdfs=not args.no_pdf)
    print(f"\nBuilt in {report.seconds:.1f} s: executed {len(report.executed)} chapter(s), "
          f"reused {len(report.cached)} cached.")
    print(f"Open {report.site / 'index.html'} in a browser "
          f"(or serve it: python -m http.server -d {report.site})")
    return 0


def command_params(args: argparse.Namespace) -> int:
    declared = chapter_params.read_parameters(args.chapter)
    print(f"Parameters of chapter '{Path(args.chapter).stem}' "
          f"({chapter_params.notebook_path(args.chapter).relative_to(project_root())}):\n")
    print("\n".join(chapter_params.parameters_table(declared)))
    return 0


def figures_summary(folder: Path, root: Path) -> str:
    """Where a run's figures are, and which: '_build/runs/size-…/figures/ (4 figures, 16 files: size-tiers, …)'."""
    files = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
    if not files:
        return "none (the chapter drew no figure)"
    names = sorted({p.name.split(".")[0] for p in files})
    return f"{folder.relative_to(root)}/ ({len(names)} figures, {len(files)} files: {', '.join(names)})"


def command_run(args: argparse.Namespace) -> int:
    """Run a chapter once, or once per value of the parameter given several values (each run's parameters checked
    before the first starts; every run in a kernel forked warm); print each run's key results, and how
    they differ from the book's own run when the book has been built."""
    runs = [chapter_params.check(args.chapter, **given)
            for given in chapter_params.parse_series(args.parameter or [])]
    source = chapter_params.notebook_path(args.chapter)
    root = project_root()
    check_package(root / "data")
    layout = Layout(root)
    book = layout.cached(source.stem) / source.name
    with build_lock(layout.build, say), warm_start(), editions_of_a_run():
        published = glued_values(book) if book.is_file() else None  # read under the lock: no build is replacing it
        for overrides in runs:
            run_once(source, overrides, root, published)
    return 0


@contextlib.contextmanager
def editions_of_a_run() -> Iterator[None]:
    """Within this block, chapters make the English edition's outputs only, unless ``MICROWORK_EDITIONS`` asks for
    more: a run's key results are its values, the same in every edition, and the French pass would double the time of
    every chart and glued value."""
    if language.EDITIONS_VARIABLE in os.environ:
        yield
        return
    os.environ[language.EDITIONS_VARIABLE] = language.SOURCE_LANGUAGE
    try:
        yield
    finally:
        os.environ.pop(language.EDITIONS_VARIABLE, None)


def run_once(source: Path, overrides: dict[str, Any], root: Path, published: dict[str, Any] | None) -> None:
    """Execute one run of a chapter into ``_build/runs`` and print its key results (compared with ``published``,
    the book's own run, when given)."""
    layout = Layout(root)
    tag = hashlib.sha256(json.dumps(overrides, sort_keys=True).encode()).hexdigest()[:8]
    workdir = layout.runs / f"{source.stem}-{tag}"
    shown = ", ".join(f"{k}={v}" for k, v in overrides.items()) or "defaults"
    print(f"Running chapter '{source.stem}' with {shown} ...", flush=True)
    started = time.perf_counter()
    execute_chapter(source, workdir, overrides, layout.failed, cell_timeout(root))
    values = glued_values(workdir / source.name)
    labels = readable.chapter_labels(source)
    compared = " and how they differ from the book's own run" if published is not None else ""
    print(f"\nKey results in {time.perf_counter() - started:.1f} s ({len(values)} values glued into the chapter's "
          f"prose; shown as the prose prints them, otherwise rounded to {readable.SIGNIFICANT_DIGITS} significant "
          f"digits unless whole){compared}:")
    print("\n".join("  " + line for line in readable.results_table(values, labels, readable.prose_formats(source),
                                                                    published)))
    if unused := sorted(set(labels) - set(values)):
        print(f"\nLabels in {readable.labels_file(source).relative_to(root)} for values the chapter no longer glues: "
              + ", ".join(unused))
    print(f"\nExecuted notebook (exact values): {(workdir / source.name).relative_to(root)}")
    print(f"Figures: {figures_summary(workdir / 'figures', root)}\n")


def command_check(args: argparse.Namespace) -> int:
    counts = check_package(project_root() / "data")
    for name, rows in counts.items():
        print(f"  {name:<28} {rows:>4} rows  OK")
    for overrides in args.parameter or []:
        chapter, _, pairs = overrides.partition(":")
        chapter_params.check(chapter, **chapter_params.parse_assignments(pairs.split(",") if pairs else []))
        print(f"  parameters for {chapter}: OK")
    print("Data package valid.")
    warned = translate.check_catalogs(project_root())
    for warning in warned:
        print(f"  {warning}")
    catalogs = len(translate.catalog_files(project_root()))
    if warned:
        print(f"Translation catalogs: {catalogs} read, {len(warned)} entries to settle (shown in English until then).")
        return 1
    print(f"Translation catalogs valid ({catalogs} files).")
    return 0


def chapter_defaults(root: Path) -> dict[str, dict[str, Any]]:
    """The parameters every chapter of the book at ``root`` runs with in a full build (its declared defaults)."""
    return defaults_of(chapter_notebooks(root))


def run_summary(run: dict[str, Any]) -> str:
    """One line on a run's provenance: commit, date, Python, how many data files were hashed."""
    changes = " with uncommitted changes" if run["uncommitted_changes"] is True else ""
    return (f"commit {run['commit'][:12]}{changes}, {run['date']}, Python {run['python']}, "
            f"{len(run['data_files'])} data files hashed")


@holding_the_build_lock
def command_reproduce(args: argparse.Namespace) -> int:
    """Rebuild everything; write the report with its provenance (``run``); compare its statuses with the baseline.

    The baseline keeps the counts and figures only, never ``run``: its commit and date change from run to run,
    and the baseline must change only when a figure's status does.
    """
    import pandas as pd

    from .pipeline.provenance import run_metadata
    from .analysis.reproduce import regressions, write_report

    root = project_root()
    run = run_metadata(root, chapter_defaults(root))  # before the build: the data as the build reads them
    build(root, workers=args.workers, force=True)
    report = json.loads(Layout(root).reproduction_report.read_text(encoding="utf-8"))
    target = Layout(root).reproduce_report
    write_report(pd.DataFrame(report["figures"]), target, metadata=run)
    counts = ", ".join(f"{n} {status}" for status, n in report["counts"].items())
    print(f"\nReproduction report: {len(report['figures'])} published figures: {counts}.")
    print(f"Run: {run_summary(run)}.")
    print(f"Written to {target.relative_to(root)}; the book page is chapters/reproduction.html.")
    baseline_path = root / BASELINE
    if args.update_baseline:
        baseline_path.parent.mkdir(parents=True, exist_ok=True)
        stable = {key: value for key, value in report.items() if key != "run"}
        baseline_path.write_text(json.dumps(stable, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"Baseline updated: {BASELINE} (statuses only; the run's provenance is in {target.relative_to(root)})")
        return 0
    if not baseline_path.is_file():
        print(f"No baseline at {BASELINE}: run `microwork reproduce --update-baseline` to create one.")
        return 0
    lost = regressions(report["figures"], json.loads(baseline_path.read_text(encoding="utf-8"))["figures"])
    return verdict(lost, "Figures that reproduced in the baseline and no longer do:",
                   f"Every figure reproduced in the baseline ({BASELINE}) still reproduces.")


@holding_the_build_lock
def command_snapshots(args: argparse.Namespace) -> int:
    from .pipeline import snapshots

    root = project_root()
    if not snapshots.built_specs(root):
        build(root, workers=args.workers)
    if args.update:
        print(f"{snapshots.update(root)} chart snapshots written to {snapshots.SNAPSHOTS}.")
        return 0
    return verdict(snapshots.differences(root),
                   "Charts that differ from their snapshots (accept with `microwork snapshots --update`):",
                   f"Every chart spec matches its snapshot in {snapshots.SNAPSHOTS} (same data values, same spec).")


@holding_the_build_lock
def command_pdf(args: argparse.Namespace) -> int:
    """Build the book with its PDFs (they are part of the site) and list them."""
    root = project_root()
    build(root, workers=args.workers, pdfs=True)
    site = Layout(root).html
    files = sorted(site.glob("pdf/*/*.pdf")) + sorted(site.glob("*/pdf/*/*.pdf"))
    for path in files:
        print(f"  {path.relative_to(root)}  {path.stat().st_size / 1024:,.0f} KiB")
    folders = ", ".join(sorted({str(path.parent.relative_to(root)) for path in files}))
    print(f"{len(files)} PDF files in {folders}: the students' edition has the exercises without their solutions, "
          "the teachers' edition has the solutions. Each page of the site links its own.")
    return 0


@holding_the_build_lock
def command_translations(args: argparse.Namespace) -> int:
    root = project_root()
    build(root, workers=args.workers)  # the computed texts are read from the executed chapters
    if args.update:
        written = translate.update_catalogs(root)
        print(f"updated {len(written)} catalogs in {translate.LOCALES}/ (new English texts are untranslated, changed "
              "ones fuzzy: translate them, then remove the fuzzy flag)")
    incomplete = 0
    for language in translate.TRANSLATED:
        rows = [["catalog", "texts", "untranslated", "fuzzy"]]
        for name, found in translate.coverage(root, language).items():
            untranslated, fuzzy = len(set(found.untranslated)), len(set(found.fuzzy))
            incomplete += untranslated + fuzzy
            rows.append([name, str(found.entries), str(untranslated), str(fuzzy)])
        print(f"{language}:")
        print("\n".join("  " + line for line in readable.columns(rows)))
    if incomplete:
        print(f"{incomplete} texts are not translated or are fuzzy: they are shown in English in the French edition")
        return 1
    print("every text is translated")
    return 0


def command_exercises(args: argparse.Namespace) -> int:
    written = assignments.write_notebooks(project_root(), args.into)
    print(f"{len(written)} files written into {args.into}")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="microwork", description=__doc__, epilog=EPILOG,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = main.add_subparsers(dest="command", required=True)

    p = commands.add_parser("build", help="execute the chapters and build the book into _build/html",
                            epilog="example: microwork build --workers 2", formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workers", type=int, default=2, help="chapters executed at the same time (default 2)")
    p.add_argument("--force", action="store_true", help="ignore the cache: re-execute every chapter and re-render")
    p.add_argument("--no-pdf", action="store_true",
                   help="do not print the PDFs (faster; the site then has no PDFs and its pages do not link them)")
    p.set_defaults(func=command_build)

    p = commands.add_parser("params", help="list a chapter's parameters",
                            epilog="example: microwork params size")
    p.add_argument("chapter", help="chapter name (e.g. size) or notebook path")
    p.set_defaults(func=command_params)

    p = commands.add_parser("run", help="run one chapter with parameter overrides and print its key results",
                            epilog="examples:\n  microwork run size -p accounts_per_person=1.5\n"
                                   "  microwork run size -p accounts_per_person=1.5 -p accounts_per_person=1.6\n"
                                   "                (one run per value, each in a warm kernel)",
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("chapter", help="chapter name (e.g. size) or notebook path")
    p.add_argument("-p", "--parameter", action="append", metavar="NAME=VALUE",
                   help="override a parameter (repeatable; one parameter given several values makes one run per value)")
    p.set_defaults(func=command_run)

    p = commands.add_parser("reproduce", help="re-execute every chapter ignoring caches; write the reproduction report",
                            epilog="examples:\n  microwork reproduce\n  microwork reproduce --update-baseline",
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workers", type=int, default=2, help="chapters executed at the same time (default 2)")
    p.add_argument("--update-baseline", action="store_true",
                   help=f"accept this report as the new baseline ({BASELINE}); the baseline keeps the statuses "
                        "only, not the run's provenance (commit, date, versions, data hashes)")
    p.set_defaults(func=command_reproduce)

    p = commands.add_parser("snapshots", help="compare chart specs with their snapshots, or update the snapshots",
                            epilog="examples:\n  microwork snapshots\n  microwork snapshots --update",
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--update", action="store_true", help="accept the specs of the last build as the new snapshots")
    p.add_argument("--workers", type=int, default=2, help="chapters executed at the same time, if a build is needed")
    p.set_defaults(func=command_snapshots)

    p = commands.add_parser("pdf", help="print one PDF per chapter and one for the whole book, in a students' edition "
                                        "(no solutions) and a teachers' edition (Debian chromium)",
                            epilog="example: microwork pdf")
    p.add_argument("--workers", type=int, default=2, help="chapters executed at the same time, if a build is needed")
    p.set_defaults(func=command_pdf)

    p = commands.add_parser("translations", help="say how much of each page is translated (exit 1 unless all); "
                                                 "--update brings the catalogs in step with the English",
                            epilog="examples:\n  microwork translations\n  microwork translations --update",
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--update", action="store_true", help="add new English texts to the catalogs, mark changed ones fuzzy")
    p.add_argument("--workers", type=int, default=2, help="chapters executed at the same time, if a build is needed")
    p.set_defaults(func=command_translations)

    p = commands.add_parser("exercises", help="write every chapter's students' notebook and teachers' bundle, in "
                                              "each language, into a folder (the site has them under exercises/)",
                            epilog="example: microwork exercises --into _exercises")
    p.add_argument("--into", type=Path, default=Path(BINDER_FOLDER), help=f"the folder (default {BINDER_FOLDER})")
    p.set_defaults(func=command_exercises)

    p = commands.add_parser("grade", help="grade a folder of submitted exercise notebooks into a CSV of scores "
                                          "(offline, one process per submission)", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=lambda args: grading.main(args.rest))

    p = commands.add_parser("check", help="validate the data package (and parameters) without executing anything",
                            epilog="example: microwork check -p size:accounts_per_person=1.5")
    p.add_argument("-p", "--parameter", action="append", metavar="CHAPTER:NAME=VALUE,...",
                   help="also check parameter values for a chapter")
    p.set_defaults(func=command_check)
    return main


def one_line_os_error(error: OSError) -> str:
    """A file-system failure in one line: what could not be done, where, and why."""
    where = f" {error.filename}" if error.filename else ""
    return f"cannot write or read{where}: {error.strerror or error}"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except DataValidationError as error:
        print(f"error: {error}\nNothing was executed; the previous book in _build/html is untouched.", file=sys.stderr)
    except chapter_params.ParameterError as error:
        print(f"error: {error}\nNothing was executed.", file=sys.stderr)
    except (BuildError, ChapterError, NotebookError) as error:
        print(f"error: {error}\nThe previous book in _build/html is untouched.", file=sys.stderr)
    except OSError as error:
        print(f"error: {one_line_os_error(error)}\nThe previous book in _build/html is untouched.", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted: the previous book in _build/html is untouched.", file=sys.stderr)
        return 130
    return 1


if __name__ == "__main__":
    sys.exit(main())

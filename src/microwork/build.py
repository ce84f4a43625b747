"""Build the book: execute chapters with papermill, render with Jupyter Book, publish atomically.

Steps, each printed as it happens:

1. check every data table against its schema (nothing runs if one is bad);
2. execute each chapter notebook with papermill into ``_build/.cache`` (two at a
   time by default), unless its cached execution is still valid: same notebook,
   same parameters, same ``src/`` and pinned environment, same content of every
   data file it read;
3. stage a copy of the book with the executed notebooks, and render it with
   Jupyter Book with execution switched off (warnings are errors);
4. point ``_build/html`` at the new site in one atomic rename.

A failure at any step leaves the previous ``_build/html`` as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .data import check_package, file_sha256
from .execute import ChapterError, execute_chapter

BOOK_FILES = ["_config.yml", "_toc.yml", "references.bib"]
CODE_FILES = ["pyproject.toml", "requirements.lock"]
KEEP_SITES = 2


class BuildError(RuntimeError):
    """Raised when the book cannot be built; the previous site is untouched."""


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


def toc_files(root: Path) -> list[str]:
    """Every file named in ``_toc.yml`` (without suffix), root first."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                names.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return names


def chapter_notebooks(root: Path) -> list[Path]:
    """The notebooks of the book, in table-of-contents order."""
    return [root / f"{name}.ipynb" for name in toc_files(root) if (root / f"{name}.ipynb").is_file()]


def digest(parts: list[bytes]) -> str:
    """SHA-256 over several byte strings."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(hashlib.sha256(part).digest())
    return hasher.hexdigest()


def notebook_digest(path: Path) -> str:
    """Hash of what a notebook does: its cells' types, sources and tags (not outputs)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = [
        [c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
         c.get("metadata", {}).get("tags", [])]
        for c in notebook["cells"]
    ]
    return digest([json.dumps([cells, notebook.get("metadata", {}).get("kernelspec")], sort_keys=True).encode()])


# Modules that chapter kernels never import: a change to them re-renders the book but re-executes nothing.
RENDER_ONLY = {"build.py", "cli.py", "render.py", "sphinxext.py", "snapshots.py", "provenance.py", "static"}


def code_digest(root: Path, for_execution: bool = False) -> str:
    """Hash of the package code and the pinned environment (only what kernels import, if ``for_execution``)."""
    files = sorted((root / "src" / "microwork").rglob("*"))
    files = [f for f in files if f.is_file() and "__pycache__" not in f.parts
             and not (for_execution and RENDER_ONLY & set(f.relative_to(root / "src" / "microwork").parts))]
    files += [root / name for name in CODE_FILES if (root / name).is_file()]
    parts = [str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() for f in files]
    return digest(parts + [sys.version.encode()])  # the Python version too: a new interpreter re-executes


def execution_key(notebook: Path, parameters: dict, code: str) -> str:
    """The cache key of a chapter, before the data it reads is taken into account."""
    return digest([notebook_digest(notebook).encode(), json.dumps(parameters, sort_keys=True).encode(), code.encode()])


def cache_is_valid(record_path: Path, key: str) -> bool:
    """True when the cached execution has the same key and every data file it read is unchanged."""
    if not record_path.is_file():
        return False
    record = json.loads(record_path.read_text(encoding="utf-8"))
    if record.get("key") != key:
        return False
    return all(Path(p).is_file() and file_sha256(Path(p)) == h for p, h in record.get("data_files", {}).items())


def expected_cost(notebook: Path) -> int:
    """A rough, deterministic estimate of a chapter's execution time: code cells, and figures counted thrice."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells if c["cell_type"] == "code"]
    return len(code) + 3 * sum(source.count("show_figure(") for source in code)


def run_chapter(source: Path, cache_dir: Path, failed_dir: Path, key: str, parameters: dict) -> float:
    """Execute one chapter into its cache folder (atomically replaced); return the seconds it took."""
    started = time.perf_counter()
    final = cache_dir / source.stem
    workdir = cache_dir / f"{source.stem}.running"
    reads = execute_chapter(source, workdir, parameters, failed_dir)
    (workdir / "record.json").write_text(json.dumps(
        {"key": key, "parameters": parameters, "data_files": reads}, indent=1, sort_keys=True), encoding="utf-8")
    if final.exists():
        shutil.rmtree(final)
    workdir.rename(final)
    return time.perf_counter() - started


def execute_all(root: Path, build_dir: Path, workers: int, force: bool) -> tuple[list[str], list[str]]:
    """Execute every chapter whose cache is stale; return (executed, cached) chapter names."""
    cache_dir = build_dir / ".cache" / "chapters"
    failed_dir = build_dir / "failed"
    cache_dir.mkdir(parents=True, exist_ok=True)
    code = code_digest(root, for_execution=True)
    jobs, cached = {}, []
    for notebook in chapter_notebooks(root):
        key = execution_key(notebook, {}, code)
        if not force and cache_is_valid(cache_dir / notebook.stem / "record.json", key):
            cached.append(notebook.stem)
            say(f"{notebook.stem}: unchanged, using the cached execution")
        else:
            jobs[notebook] = key
    if not jobs:
        return [], cached
    # Longest first (estimated by the number of code cells and figures), so that no long chapter is left
    # running alone at the end while the other worker idles.
    jobs = dict(sorted(jobs.items(), key=lambda item: -expected_cost(item[0])))
    say(f"executing {len(jobs)} chapter(s) with papermill, {workers} at a time: "
        + ", ".join(n.stem for n in jobs))
    failures = []
    with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(run_chapter, nb, cache_dir, failed_dir, key, {}): nb for nb, key in jobs.items()}
        for done, future in enumerate(as_completed(futures), start=1):
            name = futures[future].stem
            try:
                seconds = future.result()
                say(f"[{done}/{len(jobs)}] {name}: executed in {seconds:.1f} s")
            except ChapterError as error:
                say(f"[{done}/{len(jobs)}] {name}: FAILED")
                failures.append(str(error))
    if failures:
        raise BuildError("\n".join(failures))
    return [n.stem for n in jobs], cached


def staged_config(root: Path) -> str:
    """The book's ``_config.yml`` with notebook execution switched off (papermill already ran them)."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def stage_files(root: Path, build_dir: Path) -> dict[str, bytes]:
    """Every file of the staged book (relative path -> content): sources, executed notebooks, their figures."""
    files: dict[str, bytes] = {name: (root / name).read_bytes() for name in BOOK_FILES}
    files["_config.yml"] = staged_config(root).encode()
    executed = build_dir / ".cache" / "chapters"
    notebooks = set(chapter_notebooks(root))
    for path in sorted((root / "chapters").rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or "figures" in relative.parts or ".ipynb_checkpoints" in relative.parts:
            continue
        if path.suffix == ".ipynb":
            if path not in notebooks:  # not in _toc.yml: not executed, and not part of the book
                continue
            run_dir = executed / path.stem
            files[str(relative)] = (run_dir / path.name).read_bytes()
            for figure in sorted((run_dir / "figures").glob("*")):
                files[str(relative.parent / "figures" / figure.name)] = figure.read_bytes()
        else:
            files[str(relative)] = path.read_bytes()
    return files


def write_stage(files: dict[str, bytes], stage: Path) -> None:
    """Write the staged book into a fresh folder."""
    if stage.exists():
        shutil.rmtree(stage)
    for relative, content in files.items():
        target = stage / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def render(stage: Path, output: Path) -> Path:
    """Render the staged book with Jupyter Book's Sphinx build (warnings are errors); return the HTML folder.

    Runs ``microwork.render`` in a fresh process: the same call as ``jupyter-book build -W -n
    --keep-going``, without the command-line start-up.
    """
    html = output / "_build" / "html"
    command = [sys.executable, "-m", "microwork.render", str(stage), str(html)]
    say("rendering the book with Jupyter Book (warnings are errors)")
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stdout + result.stderr).splitlines()
        problems = [line for line in lines if "WARNING" in line or "ERROR" in line or "Error" in line]
        raise BuildError("Jupyter Book failed:\n" + "\n".join(problems[-30:] or lines[-30:]))
    return html


def publish(build_dir: Path, site_html: Path) -> Path:
    """Make ``_build/html`` point to the new site with one atomic rename; prune old sites."""
    link = build_dir / "html"
    if link.exists() and not link.is_symlink():  # a site built by a plain `jupyter-book build .`
        link.rename(build_dir / "sites" / f"plain-{time.strftime('%Y%m%d-%H%M%S')}")
    temporary = build_dir / "html.new"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(site_html.relative_to(build_dir))
    os.replace(temporary, link)
    sites = sorted((build_dir / "sites").iterdir(), key=lambda p: p.stat().st_mtime)
    for old in sites[:-KEEP_SITES]:
        shutil.rmtree(old, ignore_errors=True)
    return link


def build(root: Path, workers: int = 2, force: bool = False) -> BuildReport:
    """Build the whole book into ``root/_build/html``; see the module docstring."""
    started = time.perf_counter()
    report = BuildReport()
    build_dir = root / "_build"
    say("checking the data package")
    counts = check_package(root / "data")
    say(f"data OK: {len(counts)} tables, {sum(counts.values())} rows")
    report.executed, report.cached = execute_all(root, build_dir, workers, force)

    files = stage_files(root, build_dir)
    site_key = digest([k.encode() + b"\0" + v for k, v in sorted(files.items())] + [code_digest(root).encode()])
    key_file = build_dir / ".cache" / "site.key"
    link = build_dir / "html"
    if not force and link.is_symlink() and link.resolve().is_dir() and key_file.is_file() \
            and key_file.read_text() == site_key:
        say("nothing changed since the last build: the book is up to date")
    else:
        write_stage(files, build_dir / ".stage")
        output = build_dir / "sites" / f"site-{time.strftime('%Y%m%d-%H%M%S')}-{site_key[:8]}"
        site_html = render(build_dir / ".stage", output)
        publish(build_dir, site_html)
        key_file.write_text(site_key)
        report.rendered = True
    report.site = link
    report.seconds = time.perf_counter() - started
    return report

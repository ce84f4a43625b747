"""Benchmark of the book's build (a script, not a test): run with `make bench`.

In one run, on fresh copies of the book and with the dependencies already installed:

1. cold `microwork build --no-pdf` (papermill, 2 workers, kernels forked warm, then Jupyter Book rendering of both
   editions), and the same with the English edition only (``MICROWORK_EDITIONS=en``);
2. cold `jupyter-book build .` with Jupyter Book's own executor (`execute_notebooks: force`, serial);
3. a no-op `microwork build` (nothing changed);
4. `microwork build` after changing one data file: which chapters were re-executed;
5. `microwork run size` with two values of a parameter (the second run in a warm kernel) against plain `papermill`.

Wall time and processor time (of the command and every process it waited for, kernels included) are both
measured: the PDFs are left out of the builds, which Jupyter Book does not make.

Writes bench/RESULTS.md with the timings, the ratios and the machine (keeping the page-speed section that
bench/lighthouse.py writes after it).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from microwork.pipeline.layout import copy_sources

ROOT = Path(__file__).resolve().parents[1]
PAGE_SPEED = "## Page speed (Lighthouse)"  # the section of RESULTS.md that bench/lighthouse.py writes
BIN = Path(sys.executable).parent
CHANGED_FILE = "data/press_coverage.csv"


def copy_book(target: Path) -> Path:
    """A clean copy of the book's sources (the same copy the tests use)."""
    return copy_sources(ROOT, target)


PROCESSOR = {}  # command's first words -> processor seconds of its last run (see timed)


def children_seconds() -> float:
    """Processor time (user and system) of every child process this one has waited for, so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(command: list[str], root: Path, **variables: str) -> tuple[float, str]:
    """Run ``command`` in ``root`` (with environment ``variables``); return (seconds, output), and keep its processor
    seconds in :data:`PROCESSOR` under its first two words. Fails loudly if the command fails."""
    env = {**os.environ, "MICROWORK_ROOT": str(root), **variables}
    started, processor = time.perf_counter(), children_seconds()
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    PROCESSOR[f"{Path(command[0]).name} {command[1]}"] = children_seconds() - processor
    if result.returncode != 0:
        sys.exit(f"benchmark command failed: {' '.join(command)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return seconds, result.stdout + result.stderr


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        kib = int(re.search(r"MemTotal:\s*(\d+)", meminfo.read_text()).group(1))
        memory = f", {kib / 1024 ** 2:.0f} GiB RAM"
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def cold_pair(scratch: Path, round_: int) -> tuple[float, float, str, Path, float, float, float]:
    """One cold build each way, on fresh copies; return (microwork s, Jupyter Book s, microwork log, our copy,
    microwork English-only s, microwork processor s, Jupyter Book processor s)."""
    ours = copy_book(scratch / f"ours-{round_}")
    theirs = copy_book(scratch / f"theirs-{round_}")
    english = copy_book(scratch / f"english-{round_}")
    print(f"round {round_}: cold microwork build, English edition only ...", flush=True)
    english_only, _ = timed([str(BIN / "microwork"), "build", "--workers", "2", "--no-pdf"], english,
                            MICROWORK_EDITIONS="en")
    shutil.rmtree(english)
    print(f"round {round_}: cold microwork build (both editions) ...", flush=True)
    cold, cold_log = timed([str(BIN / "microwork"), "build", "--workers", "2", "--no-pdf"], ours)
    ours_processor = PROCESSOR["microwork build"]
    print(f"round {round_}: cold jupyter-book build (execute_notebooks: force, serial) ...", flush=True)
    jb, _ = timed([str(BIN / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"], theirs)
    shutil.rmtree(theirs)
    return cold, jb, cold_log, ours, english_only, ours_processor, PROCESSOR["jupyter-book build"]


def run_seconds(log: str) -> list[float]:
    """The seconds of each run that ``microwork run`` printed ("Key results in 1.2 s")."""
    return [float(found) for found in re.findall(r"Key results in ([0-9.]+) s", log)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold builds of each kind, interleaved (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="microwork-bench-") as scratch:
        pairs = [cold_pair(Path(scratch), i + 1) for i in range(args.repeat)]
        colds, jbs = [p[0] for p in pairs], [p[1] for p in pairs]
        cold, jb, cold_log, ours = statistics.median(colds), statistics.median(jbs), pairs[-1][2], pairs[-1][3]
        english_only = statistics.median(p[4] for p in pairs)
        ours_cpu, theirs_cpu = statistics.median(p[5] for p in pairs), statistics.median(p[6] for p in pairs)
        print("microwork build after editing a French catalog ...", flush=True)
        catalog = ours / "locales" / "fr" / "LC_MESSAGES" / "chapters" / "lab.po"
        catalog.write_text(catalog.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        po_edit, po_log = timed([str(BIN / "microwork"), "build", "--no-pdf"], ours)
        chapters = len(re.findall(r"executed in", cold_log))
        print("no-op microwork build ...", flush=True)
        noop, noop_log = timed([str(BIN / "microwork"), "build", "--no-pdf"], ours)
        path = ours / CHANGED_FILE
        path.write_text(path.read_text(encoding="utf-8").replace("Les Echos,2019-05-24", "Les Échos,2019-05-24", 1),
                        encoding="utf-8")
        print(f"microwork build after changing {CHANGED_FILE} ...", flush=True)
        changed, changed_log = timed([str(BIN / "microwork"), "build", "--no-pdf"], ours)
        print("microwork run size with two values, and plain papermill ...", flush=True)
        _, runs_log = timed([str(BIN / "microwork"), "run", "size", "-p", "accounts_per_person=1.5",
                             "-p", "accounts_per_person=1.6"], ours)
        first_run, second_run = run_seconds(runs_log)
        plain, _ = timed([str(BIN / "papermill"), "chapters/size.ipynb", str(Path(scratch) / "out.ipynb"),
                          "-p", "accounts_per_person", "1.5"], ours)
    pairs_times = list(zip(colds, jbs))
    reexecuted = re.findall(r"\] (\S+): executed in", changed_log)
    readers = sorted(reexecuted)
    ratio = jb / cold
    lines = [
        "# Build benchmark",
        "",
        f"Measured by `bench/run.py` (`make bench`) on {time.strftime('%Y-%m-%d')}, in one run, on fresh copies of the",
        f"book with the dependencies already installed. Cold builds: {args.repeat} of each kind, interleaved; the table",
        "shows medians (this machine's timings vary by about a tenth from run to run).",
        "",
        f"Machine: {machine()}.",
        "",
        "| measurement | seconds | target | met |",
        "|---|---:|---|---|",
        f"| cold `microwork build` ({chapters} notebooks, papermill with 2 workers, then Jupyter Book rendering) | {cold:.1f} | | |",
        f"| cold `jupyter-book build .` (Jupyter Book's own executor, `execute_notebooks: force`, serial) | {jb:.1f} | | |",
        f"| **ratio** Jupyter Book / microwork (medians) | **{ratio:.2f}×** | ≥ 2.5× | {'yes' if ratio >= 2.5 else 'NO'} |",
        f"| processor time: microwork, both editions / Jupyter Book, English only (medians) | {ours_cpu:.1f} / {theirs_cpu:.1f} | microwork ≤ Jupyter Book | {'yes' if ours_cpu <= theirs_cpu else 'NO'} |",
        f"| cold `microwork build`, English edition only (`MICROWORK_EDITIONS=en`: no French pass, no French render) | {english_only:.1f} | | |",
        f"| **ratio** both editions / English only (medians) | **{cold / english_only:.2f}×** | ≤ 1.3× | {'yes' if cold / english_only <= 1.3 else 'NO'} |",
        f"| `microwork build` after editing a French catalog (`chapters/lab.po`) | {po_edit:.1f} | French render only, nothing executed | {'yes' if 'executing' not in po_log and 'French edition with' in po_log else 'NO'} |",
        f"| each round: microwork / Jupyter Book / English only (s) | {'; '.join(f'{c:.1f} / {j:.1f} / {p[4]:.1f}' for (c, j), p in zip(pairs_times, pairs))} | | |",
        f"| no-op `microwork build` (nothing changed) | {noop:.2f} | < 3 s | {'yes' if noop < 3 else 'NO'} |",
        f"| `microwork build` after changing `{CHANGED_FILE}` | {changed:.1f} | only chapters reading it | see below |",
        f"| `microwork run size`, first of two values (kernel parent started before it) | {first_run:.1f} | ≤ 2 s | {'yes' if first_run <= 2 else 'NO'} |",
        f"| `microwork run size`, second value (warm kernel) | {second_run:.1f} | ≤ 1 s | {'yes' if second_run <= 1 else 'NO'} |",
        f"| plain `papermill chapters/size.ipynb out.ipynb -p accounts_per_person 1.5` (cold kernel, whole command) | {plain:.1f} | | |",
        "",
        f"Chapters re-executed after changing `{CHANGED_FILE}`: {', '.join(readers) or 'none'}.",
        "Those are the chapters whose recorded reads include the file (the data catalogue describes every",
        "file); every other chapter was taken from the cache. The no-op build printed:",
        "",
        "```",
        *[line for line in noop_log.splitlines() if line.startswith("[microwork]")],
        "```",
        "",
        "Both cold builds render with the same Jupyter Book (zero warnings, `-W -n`). The difference is",
        "execution: Jupyter Book executes the notebooks one after the other, each in a cold kernel; `microwork",
        "build` runs them through papermill two at a time, in kernels forked from a parent that has done the",
        "imports once, and skips any chapter whose notebook, parameters, code, pinned environment and data files",
        "read are unchanged.",
    ]
    results = ROOT / "bench" / "RESULTS.md"
    page_speed = PAGE_SPEED in (old := results.read_text(encoding="utf-8") if results.exists() else "")
    kept = "\n" + PAGE_SPEED + old.split(PAGE_SPEED, 1)[1] if page_speed else ""  # bench/lighthouse.py's section
    results.write_text("\n".join(lines) + "\n" + kept, encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

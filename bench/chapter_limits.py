"""Wall time and peak memory of each chapter at the extremes of its parameter ranges (a script, not a test).

For every chapter notebook with ranged numeric parameters (declared in its ``parameters`` cell and
read with :func:`microwork.params.read_parameters`), run it with papermill at a few corners:

- ``all max``: every ranged numeric parameter at the top of its range, the others at their defaults;
- ``all min``: every ranged numeric parameter at the bottom of its range;
- a few extra corners per chapter (``EXTRA`` below), such as the lab's largest crowd with the largest
  surveys while its shares stay valid.

Each run is a fresh subprocess (kernel python3, working directory and output notebook in a temporary
folder, ``MICROWORK_ROOT`` set to this book). Peak memory is that of the kernel's process tree: the
larger of a psutil poll of the tree (summed RSS) and the kernel's own ``ru_maxrss``. A run stopped
by the chapter's own checks (``ParameterError``, or a ``ValueError`` such as shares adding up to more
than 1) is reported as refused, not as a failure.

Usage: ``.venv/bin/python bench/chapter_limits.py [chapter ...] [--repeat N] [--timeout SECONDS]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from microwork.analysis.params import Parameter, read_parameters

ROOT = Path(__file__).resolve().parents[1]
REFUSALS = {"ParameterError", "ValueError"}  # what the chapters' own checks raise
POLL_SECONDS = 0.05
# Extra corners per chapter: parameter -> "max" or "min" of its own range, or "max of OTHER" (the top of another
# parameter's range), all resolved against the ranges declared today.
EXTRA: dict[str, dict[str, dict[str, str]]] = {
    "lab": {
        "max population": {"population_size": "max"},
        "max population, max samples": {"population_size": "max", "sample_1": "max", "sample_2": "max"},
        "population = max samples": {"population_size": "max of sample_1", "sample_1": "max", "sample_2": "max",
                                     "catchability_ratio": "max"},
        "largest valid": {"population_size": "max", "platforms": "max", "overlap": "max", "casual_share": "min",
                          "very_active_share": "max", "sample_1": "max", "sample_2": "max", "catchability_ratio": "max",
                          "seed": "max"},  # everyone very active: the most accounts
    },
    "sensitivity": {
        "max draws": {"draws": "max"},
        "max draws, widest ranges": {"draws": "max", "accounts_per_person_low": "min", "accounts_per_person_high": "max",
                                     "french_share_low": "min", "french_share_high": "max", "monthly_share_low": "min",
                                     "monthly_share_high": "max", "weekly_share_low": "min", "weekly_share_high": "max"},
    },
}


@dataclass
class Result:
    """One chapter run at one corner."""

    chapter: str
    case: str
    values: dict[str, Any]
    status: str = "ok"
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    note: str = ""


def ranged(declared: dict[str, Parameter]) -> dict[str, Parameter]:
    """The numeric parameters that have a range."""
    return {n: p for n, p in declared.items() if p.type in ("int", "float") and p.low is not None and p.high is not None}


def value_at(parameter: Parameter, end: str, numeric: dict[str, Parameter] | None = None) -> int | float:
    """The parameter's bound ``end`` ("max", "min", or "max of OTHER"), in its type."""
    if end.startswith("max of "):
        bound = (numeric or {})[end.removeprefix("max of ")].high
    else:
        bound = parameter.high if end == "max" else parameter.low
    return int(bound) if parameter.type == "int" else float(bound)


def corners(chapter: str) -> dict[str, dict[str, Any]]:
    """The parameter sets to run for ``chapter``: name -> overrides (empty when it has no ranged numeric parameter)."""
    numeric = ranged(read_parameters(str(ROOT / "chapters" / f"{chapter}.ipynb")))
    if not numeric:
        return {}
    cases = {end_name: {n: value_at(p, end) for n, p in numeric.items()}
             for end_name, end in (("all max", "max"), ("all min", "min"))}
    for name, ends in EXTRA.get(chapter, {}).items():
        cases[name] = {n: value_at(numeric[n], end, numeric) for n, end in ends.items()}
    return cases


def worker(chapter: str, values: dict[str, Any]) -> None:
    """Run one chapter in this process with papermill and print a JSON line: seconds, kernel max RSS, error."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with tempfile.TemporaryDirectory(prefix="chapter-limits-") as folder:
        started = time.perf_counter()
        error = None
        try:
            papermill.execute_notebook(str(ROOT / "chapters" / f"{chapter}.ipynb"), str(Path(folder) / "out.ipynb"),
                                       parameters=values, kernel_name="python3", cwd=folder, progress_bar=False,
                                       log_output=False)
        except PapermillExecutionError as failure:
            error = {"ename": failure.ename, "evalue": str(failure.evalue)}
        seconds = time.perf_counter() - started
    kernel_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the kernel, once reaped (KiB on Linux)
    print(json.dumps({"seconds": seconds, "kernel_max_rss_mb": kernel_kb / 1024, "error": error}))


def tree_rss(process: psutil.Process) -> int:
    """Summed RSS (bytes) of the descendants of ``process`` (the kernel and anything it started)."""
    total = 0
    try:
        children = process.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    for child in children:
        try:
            total += child.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def measure(chapter: str, values: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run :func:`worker` in a subprocess and poll its process tree; return the worker's report plus the peak."""
    env = {**os.environ, "MICROWORK_ROOT": str(ROOT)}
    command = [sys.executable, __file__, "--worker", chapter, json.dumps(values)]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    watched, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        peak = max(peak, tree_rss(watched))
        if time.perf_counter() - started > timeout:
            os.killpg(child.pid, signal.SIGKILL)  # the worker's own session: the worker and its kernel
            child.wait()
            return {"seconds": time.perf_counter() - started, "peak_mb": peak / 2**20, "status": "timeout", "note": ""}
        time.sleep(POLL_SECONDS)
    out, err = child.communicate()
    if child.returncode != 0 or not out.strip():
        return {"seconds": time.perf_counter() - started, "peak_mb": peak / 2**20, "status": "failed",
                "note": (err.strip().splitlines() or ["no output"])[-1][:120]}
    report = json.loads(out.strip().splitlines()[-1])
    result = {"seconds": report["seconds"], "peak_mb": max(peak / 2**20, report["kernel_max_rss_mb"]),
              "status": "ok", "note": ""}
    if error := report["error"]:
        result["status"] = "refused" if error["ename"] in REFUSALS else "failed"
        result["note"] = f"{error['ename']}: {' '.join(error['evalue'].split())}"[:120]
    return result


def shown(values: dict[str, Any]) -> str:
    """Overrides as short text."""
    return ", ".join(f"{n}={v:g}" if isinstance(v, float) else f"{n}={v}" for n, v in values.items())


def print_table(results: list[Result]) -> None:
    """A Markdown table: seconds are the median of the repeats (all repeats in brackets), memory the largest."""
    print("| chapter | case | parameters set | seconds | peak MB | status |")
    print("|---|---|---|---:|---:|---|")
    for r in results:
        if r.seconds:
            runs = " (" + ", ".join(f"{s:.1f}" for s in r.seconds) + ")" if len(r.seconds) > 1 else ""
            seconds, peak = f"{statistics.median(r.seconds):.1f}{runs}", f"{max(r.peak_mb):.0f}"
        else:
            seconds = peak = ""
        status = r.status + (f" ({r.note})" if r.note else "")
        print(f"| {r.chapter} | {r.case} | {shown(r.values)} | {seconds} | {peak} | {status} |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="chapter names (default: every chapter notebook)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (the median time is shown)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a run is stopped")
    parser.add_argument("--case", action="append", help="run only the cases of this name (repeatable)")
    parser.add_argument("--worker", nargs=2, metavar=("CHAPTER", "JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], json.loads(args.worker[1]))
        return 0
    chapters = args.chapters or sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb"))
    results = []
    for chapter in chapters:
        for case, values in corners(chapter).items():
            if args.case and case not in args.case:
                continue
            result = Result(chapter, case, values)
            for _ in range(args.repeat):
                run = measure(chapter, values, args.timeout)
                result.seconds.append(run["seconds"])
                result.peak_mb.append(run["peak_mb"])
                result.status, result.note = run["status"], run["note"]
                print(f"[chapter_limits] {chapter} / {case}: {run['status']} {run['seconds']:.1f} s "
                      f"{run['peak_mb']:.0f} MB", file=sys.stderr, flush=True)
                if run["status"] in ("refused", "failed", "timeout"):
                    break
            results.append(result)
    print_table(results)
    return 0 if all(r.status in ("ok", "refused") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

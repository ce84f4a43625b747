"""Page speed of the built book, measured with Lighthouse (a script, not a test): run by `make bench`.

Serves the built site with gzip on 127.0.0.1 (bench/serve.py), runs Lighthouse (pinned in bench/package.json, installed
by `npm ci --prefix bench`) on every page of the table of contents and on the search page, as a phone on a slow 4G
connection would load them (Lighthouse's default mobile settings, simulated throttling), with Debian's chromium,
three times per page, and writes the four category scores of the median run, the range of its performance scores,
the largest contentful paint and the bytes transferred of each page into
the "Page speed" section of bench/RESULTS.md (the build benchmark's section, written by bench/run.py, is kept).

    .venv/bin/python bench/lighthouse.py [--site _build/html] [--pages chapters/size.html ...] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import serve  # noqa: E402 (bench/ is a folder of scripts, not a package)

from microwork.analysis.language import LANGUAGES, SOURCE_LANGUAGE  # noqa: E402
from microwork.pipeline.layout import toc_files  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Page speed (Lighthouse)"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# What every page must reach (issue 12): scores, largest contentful paint, and bytes for a page with a chart.
TARGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 0.95, "seo": 0.95}
LCP_TARGET_S = 2.5
CHART_PAGE_TARGET_KB = 500
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")


def book_pages(root: Path = ROOT, site: Path | None = None) -> list[str]:
    """The pages of the built site to measure: every page of the table of contents, then the search page; then the
    same for each translated edition the site has (``fr/``)."""
    pages = [f"{name}.html" for name in toc_files(root)] + ["search.html"]
    editions = [language for language in LANGUAGES if language != SOURCE_LANGUAGE
                and site is not None and (site / language / "index.html").is_file()]
    return pages + [f"{folder}/{page}" for folder in editions for page in pages]


def lighthouse_version() -> str:
    return subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=True).stdout.strip()


def measure(url: str, report: Path) -> dict:
    """Run Lighthouse once on ``url`` (mobile, simulated slow 4G, headless chromium); return its JSON report."""
    command = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}", "--chrome-flags=--headless=new --no-sandbox"]
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROME}, capture_output=True, text=True)
    return json.loads(report.read_text(encoding="utf-8"))


def summary(report: dict) -> dict:
    """The numbers of one page: the category scores, LCP (s), total blocking time (ms), bytes transferred (KB),
    and whether it has a chart (it then loads the Vega bundle when the chart comes near the screen)."""
    audits = report["audits"]
    requests = audits.get("network-requests", {}).get("details", {}).get("items", [])
    return {
        **{name: report["categories"][name]["score"] for name in CATEGORIES},
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt": audits["total-blocking-time"]["numericValue"],
        "kb": audits["total-byte-weight"]["numericValue"] / 1000,
        "vega": any("vega-bundle" in item.get("url", "") for item in requests),
        "benchmark": report.get("environment", {}).get("benchmarkIndex"),
        "failed": [f"{audits[ref['id']]['title']} ({audits[ref['id']]['score']:.2f})"
                   for name in CATEGORIES for ref in report["categories"][name]["auditRefs"]
                   if ref["weight"] > 0 and (audits[ref["id"]].get("score") is not None) and audits[ref["id"]]["score"] < 0.9],
    }


def meets(row: dict) -> bool:
    return all(row[name] is not None and row[name] >= target for name, target in TARGETS.items()) and row["lcp"] <= LCP_TARGET_S


def median_run(runs: list[dict]) -> dict:
    """The median of a page's runs by performance score (the lower middle one for an even number), with the range
    of the performance scores of all the runs as ``range`` ("0.94–0.98")."""
    ordered = sorted(runs, key=lambda run: run["performance"] or 0)
    scores = [run["performance"] or 0 for run in ordered]
    low, high = f"{scores[0]:.2f}", f"{scores[-1]:.2f}"
    return {**ordered[(len(ordered) - 1) // 2], "range": low if low == high else f"{low}\N{EN DASH}{high}"}


def table(rows: dict[str, dict], site: Path, version: str, load: tuple[float, float], runs: int = 1) -> list[str]:
    """The Markdown section written into bench/RESULTS.md (``load``: the machine's load average before and after)."""
    lines = [
        SECTION, "",
        f"Measured by `bench/lighthouse.py` (`make bench`) on {datetime.date.today():%Y-%m-%d} with Lighthouse {version} "
        f"(Node {subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}) and Debian chromium, "
        "headless, on the built site served with gzip from 127.0.0.1 (`bench/serve.py`): mobile preset, simulated slow 4G "
        f"and a 4x slower processor. {runs} runs per page, one after the other: the performance score varies from run "
        "to run (by hundredths on an idle machine, by tenths on a busy one), so, as Lighthouse's documentation on "
        "variability advises, the table shows the median run (by performance score) and the range of the scores. "
        f"Load average of the {os.cpu_count()}-core machine: {load[0]:.1f} before, {load[1]:.1f} after; Lighthouse "
        "simulates the slow phone from the processor time it observes, so a busy machine lowers the performance "
        "score (total blocking time above all) while the bytes, the accessibility, best-practice and SEO audits do "
        "not change.",
        "",
        f"Targets: performance ≥ {TARGETS['performance']}, accessibility {TARGETS['accessibility']}, best practices ≥ "
        f"{TARGETS['best-practices']}, SEO ≥ {TARGETS['seo']}, LCP ≤ {LCP_TARGET_S} s; a page with a chart ≤ "
        f"{CHART_PAGE_TARGET_KB} KB transferred, Vega included (tests/test_speed.py checks that budget on the built files).",
        "",
        "| page | performance | range | accessibility | best practices | SEO | LCP (s) | TBT (ms) | KB transferred | Vega loaded | met |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for page, row in rows.items():
        lines.append(f"| {page} | {row['performance']:.2f} | {row['range']} | "
                     + " | ".join(f"{row[name]:.2f}" for name in CATEGORIES[1:])
                     + f" | {row['lcp']:.1f} | {row['tbt']:.0f} | {row['kb']:.0f} | {'yes' if row['vega'] else 'no'}"
                     f" | {'yes' if meets(row) else 'NO'} |")
    missed = {page: row["failed"] for page, row in rows.items() if not meets(row)}
    if missed:
        lines += ["", "Audits not passed on the pages that miss a target:", ""]
        lines += [f"- {page}: {'; '.join(titles) or '(scores only)'}" for page, titles in missed.items()]
    lines += ["", "\"Vega loaded\": a chart of the page is on its first screen, so the chart library (about 300 KB "
              "gzipped) was loaded during the measurement. On the other chart pages it is loaded once a chart is on "
              "the screen, or within a screen of it after the reader has started to scroll: Lighthouse does not "
              "scroll, so these numbers leave out what a reader's phone spends on it then (about 0.9 s of processor "
              "at Lighthouse's 4x slowdown, measured on the reception chapter before the change)."]
    return lines


def write_section(lines: list[str], path: Path = RESULTS) -> None:
    """Put ``lines`` in place of the "Page speed" section of ``path`` (at its end), keeping everything before it."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    before = text.split(SECTION)[0].rstrip()
    path.write_text((before + "\n\n" if before else "") + "\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html", help="the built site (default _build/html)")
    parser.add_argument("--pages", nargs="*", help="pages to measure (default: every page of the book and search.html, in each edition)")
    parser.add_argument("--print-only", action="store_true", help="print the table; do not write bench/RESULTS.md")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the table shows the median (default 3)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `npm ci --prefix bench` (make bench does)")
    site = args.site.resolve()
    rows, load_before = {}, os.getloadavg()[0]
    with serve(site) as url, tempfile.TemporaryDirectory() as tmp:
        for page in args.pages or book_pages(ROOT, site):
            rows[page] = median_run([summary(measure(f"{url}/{page}", Path(tmp) / "report.json"))
                                     for _ in range(max(1, args.runs))])
            print(page, {k: (round(v, 3) if isinstance(v, float) else v) for k, v in rows[page].items() if k != "failed"},
                  flush=True)
    lines = table(rows, site, lighthouse_version(), (load_before, os.getloadavg()[0]), max(1, args.runs))
    indexes = [row["benchmark"] for row in rows.values() if row.get("benchmark")]
    if indexes:
        lines[3:3] = ["", f"Lighthouse's own measure of this machine's processor (its benchmark index, in the median runs): "
                        f"{min(indexes):.0f} to {max(indexes):.0f}; it is the speed that the 4x slowdown is applied to, "
                        "and it changes from run to run as much as the scores do."]
    print("\n".join(lines))
    if not args.print_only:
        write_section(lines)


if __name__ == "__main__":
    main()

"""Chapter prose: numbers are glued from code, and every source is cited and resolves."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"

# What may be written with digits in prose: dates, years, legal references, list numbers, names.
ALLOWED = [
    rf"\b\d{{1,2}} (?:{MONTHS}) (?:19|20)\d\d\b",       # a date: 16 October 2019
    r"\bDirective \(EU\) \d{4}/\d+",                      # Directive (EU) 2024/2831
    r"\bArticles? \d+(?:\(\d+\))?(?:-\(\d+\))?(?: and \d+)?",  # Article 4, Articles 4 and 5, Article 1(2)-(3)
    r"\b(?:19|20)\d\d\b",                                 # a year
    r"^\s*\d+\.\s",                                       # numbered-list marker
    r"\b3F\b",                                            # the Danish union's name
    r"\bbac\+2\b",                                        # French diploma level
    r"\baged \d+ to \d+",                                  # an age band (a definition, not a result)
    r"\bPython 3\.\d+|\bCC BY 4\.0|\bUTF-8",                # names of versions and standards
]
# Stripped before looking for digits: code, MyST roles, substitutions, links' targets, directive options.
STRIP = [
    r"```[^\n]*\n(?::[a-z-]+:[^\n]*\n)*",  # directive openers and their options (their content is prose)
    r"^```\s*$",
    r"`[^`\n]*`",                              # inline code and the argument of roles
    r"\{[a-z:-]+\}",                           # role names left after their argument was stripped
    r"\{\{[^}]*\}\}",                          # substitutions
    r"\]\([^)]*\)",                            # link targets
    r"https?://\S+",
    r"<!--.*?-->",
]


def toc_documents() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    names = [toc["root"]] + re.findall(r"file:\s*(\S+)", (ROOT / "_toc.yml").read_text())
    paths = []
    for name in names:
        for suffix in (".md", ".ipynb"):
            if (ROOT / f"{name}{suffix}").is_file():
                paths.append(ROOT / f"{name}{suffix}")
    return paths


def prose_of(path: Path) -> str:
    """The Markdown a reader sees: a .md file, or the Markdown cells of a notebook."""
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")


def typed_numbers(text: str) -> list[str]:
    """Lines of prose that still contain a digit once code, roles and allowed forms are removed."""
    problems = []
    in_code = False
    for line in text.splitlines():
        if re.match(r"^```(?!\{)", line):      # a plain code block (not a directive)
            in_code = not in_code
            continue
        if in_code or re.match(r"^\s*:[a-z-]+:", line):
            continue
        cleaned = line
        for pattern in STRIP + ALLOWED:
            cleaned = re.sub(pattern, " ", cleaned, flags=re.S)
        if re.search(r"\d", cleaned):
            problems.append(line.strip())
    return problems


def test_prose_has_no_typed_numbers():
    found = {str(p.relative_to(ROOT)): typed_numbers(prose_of(p)) for p in toc_documents()}
    found = {k: v for k, v in found.items() if v}
    assert not found, "numbers typed in prose (glue them from the notebook):\n" + json.dumps(found, indent=1, ensure_ascii=False)


def test_the_check_catches_a_typed_number():
    assert typed_numbers("There are 266,126 casual micro-workers.") == ["There are 266,126 casual micro-workers."]
    assert typed_numbers("The hearing of 16 October 2019, see Directive (EU) 2024/2831, Article 4.") == []
    assert typed_numbers("There are {glue:text}`tier_casual:,.0f` casual micro-workers.") == []
    assert typed_numbers("1. first point") == []


def bib_keys() -> list[str]:
    return re.findall(r"^@\w+\s*\{\s*([^,\s]+)", (ROOT / "references.bib").read_text(encoding="utf-8"), re.M)


def cited_keys() -> set[str]:
    text = "\n".join(prose_of(p) for p in toc_documents())
    return {k.strip() for m in re.finditer(r"\{cite:[a-z]+\}`([^`]+)`", text) for k in m.group(1).split(",")}


def test_every_bibliography_entry_is_cited():
    uncited = sorted(set(bib_keys()) - cited_keys())
    assert not uncited, f"references.bib entries cited nowhere in the chapters: {uncited}"


def test_every_citation_resolves():
    unknown = sorted(cited_keys() - set(bib_keys()))
    assert not unknown, f"citations with no references.bib entry: {unknown}"


def test_bibliography_is_large_enough():
    assert len(bib_keys()) >= 25
    assert len(set(bib_keys())) == len(bib_keys()), "duplicate keys in references.bib"

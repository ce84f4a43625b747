"""The site's one style sheet (microwork.pipeline.stylesheet) on small made-up sites: which rules it keeps, how it
joins files (``@import`` inlined, ``url()``s rewritten) and that the book's own style sheet is kept whole.

That the combined file styles the real pages exactly as the original files do is checked in a browser
(tests/test_speed.py)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import tinycss2

from microwork.pipeline import lock, stylesheet


def names(selector: str) -> set[str]:
    return stylesheet.required_names(tinycss2.parse_component_value_list(selector))


def test_a_selector_requires_its_classes_and_ids_but_not_those_it_excludes():
    assert names(".note .title") == {"note", "title"}
    assert names("#main > p.lead:hover::before") == {"main", "lead"}
    assert names("div:not(.hidden)") == set()
    assert names(":is(.a, .b) p") == set()
    assert names('a[href$=".pdf"]') == set()
    assert names("html[data-theme=dark] .card") == {"card"}


def site(tmp_path: Path, pages: dict[str, str], sheets: dict[str, str]) -> Path:
    root = tmp_path / "site"
    for path, text in {**pages, **sheets}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def test_rules_no_page_or_script_can_use_are_left_out(tmp_path):
    root = site(tmp_path, {
        "index.html": '<p class="used">text</p>',
        "_static/menu.js": "button.classList.add('opened');",
    }, {"_static/theme.css": """
        .used { color: red }
        .unused { color: blue }
        .unused, .used b { color: green }
        .opened { display: block }
        .modal .used { color: black }
        p:not(.unused) { margin: 0 }
        @media (min-width: 600px) { .unused { color: blue } }
        @media (min-width: 900px) { .used { color: red } .unused { color: blue } }
        @keyframes spin { from { transform: rotate(0) } }
        :root { --colour: red }
    """})
    result = stylesheet.combined(root, ["_static/theme.css"])
    text = result.text
    for kept in (".used { color: red }", ".unused, .used b", ".opened", "p:not(.unused)", "@keyframes spin",
                 "--colour: red", "(min-width: 900px)"):
        assert kept in text, kept
    assert ".unused { color: blue }" not in text and ".modal" not in text and "(min-width: 600px)" not in text
    assert (result.kept, result.dropped) == (6, 4)


def test_names_built_by_scripts_are_kept(tmp_path):
    root = site(tmp_path, {"index.html": "<p>text</p>", "_static/tip.js": "'<div class=\"tooltip-arrow\"></div>'"},
                {"_static/theme.css": ".bs-tooltip-auto .tooltip-arrow { top: 0 } .tooltip-arrow { left: 0 }"})
    words = stylesheet.site_words(root)
    assert {"tooltip-arrow", "bs-tooltip-auto"} <= words
    text = stylesheet.combined(root, ["_static/theme.css"], words=words - stylesheet.BUILT_BY_SCRIPTS).text
    assert ".bs-tooltip-auto .tooltip-arrow" not in text and ".tooltip-arrow { left: 0 }" in text
    assert ".bs-tooltip-auto .tooltip-arrow" in stylesheet.combined(root, ["_static/theme.css"]).text


def test_files_are_joined_in_order_with_imports_inlined_and_urls_rewritten(tmp_path):
    root = site(tmp_path, {"index.html": '<p class="a b c">text</p>'}, {
        "_static/styles/theme.css": '@charset "utf-8";\n@import "../basic.css";\n'
                                    ".a { background: url(../images/a.png) }\n"
                                    '.b { background: url("../images/b.svg") }\n'
                                    '.c { background: url("data:image/svg+xml,%3Csvg%3E") }\n',
        "_static/basic.css": ".c { color: red }\n",
        "_static/later.css": ".a { color: blue }\n",
    })
    text = stylesheet.combined(root, ["_static/styles/theme.css", "_static/later.css"]).text
    assert text.startswith('@charset "utf-8";\n') and text.count("@charset") == 1 and "@import" not in text
    assert text.index(".c { color: red }") < text.index("url(images/a.png)") < text.index(".a { color: blue }")
    assert 'url("images/b.svg")' in text and 'url("data:image/svg+xml,%3Csvg%3E")' in text
    assert "_static/styles/theme.css _static/later.css" in text.splitlines()[1]


def test_the_books_own_style_sheet_is_kept_whole(tmp_path):
    root = site(tmp_path, {"index.html": "<p>text</p>"}, {
        "_static/microwork.css": ".mw-wide-table { font-size: 80% }", "_static/theme.css": ".mw-gone { color: red }"})
    text = stylesheet.combined(root, ["_static/theme.css", "_static/microwork.css"]).text
    assert ".mw-wide-table" in text and ".mw-gone" not in text


def test_the_parsed_style_sheets_kept_between_builds_give_the_same_file_and_follow_a_change(tmp_path):
    root = tmp_path / "site"
    (root / "_static").mkdir(parents=True)
    (root / "index.html").write_text('<p class="kept">text</p>')
    theme = root / "_static" / "theme.css"
    theme.write_text(".kept { color: red }\n.gone { color: blue }\n@media print { .kept { color: black } .gone { x: y } }")
    cache = tmp_path / "cache"
    worked_out = stylesheet.combined(root, ["_static/theme.css"])
    assert stylesheet.combined(root, ["_static/theme.css"], cache=cache) == worked_out
    assert len(list(cache.glob("*.json"))) == 1
    assert stylesheet.combined(root, ["_static/theme.css"], cache=cache) == worked_out  # read from the cache
    assert ".gone" not in worked_out.text and "@media print {.kept { color: black }\n}" in worked_out.text
    theme.write_text(".kept { color: green }")  # another theme file: another outline, not the kept one
    assert "green" in stylesheet.combined(root, ["_static/theme.css"], cache=cache).text
    assert len(list(cache.glob("*.json"))) == 2
    for colour in range(stylesheet.KEPT_OUTLINES):  # more outlines than are kept: the oldest go, the newest stay
        theme.write_text(f".kept {{ color: #{colour:06x} }}")
        stylesheet.combined(root, ["_static/theme.css"], cache=cache)
    assert len(list(cache.glob("*.json"))) == len(list(cache.glob("*.lock"))) == stylesheet.KEPT_OUTLINES
    assert (cache / f"{stylesheet.outline_key(root, ['_static/theme.css'], stylesheet.KEPT_WHOLE)}.json").is_file()


def test_a_render_waits_for_the_outline_the_other_render_is_making_and_reads_it(tmp_path):
    root = tmp_path / "site"
    (root / "_static").mkdir(parents=True)
    (root / "_static" / "theme.css").write_text(".kept { color: red }")
    cache = tmp_path / "cache"
    cache.mkdir()
    sources, whole = ["_static/theme.css"], ()
    path = cache / f"{stylesheet.outline_key(root, sources, whole)}.json"
    # What the other render wrote while this one waited: not what parsing the file gives, so that it shows.
    theirs = [{"source": "_static/theme.css", "whole": True, "rules": [{"css": ".theirs { color: blue }"}]}]
    result: list = []
    with lock.file_lock(path.with_suffix(".lock")):  # the other render, making the outline
        waiting = threading.Thread(target=lambda: result.append(stylesheet.cached_outline(root, sources, whole, cache)))
        waiting.start()
        waiting.join(timeout=1)
        assert waiting.is_alive() and not result  # it waits for the lock instead of parsing the file too
        path.write_text(json.dumps(theirs))
    waiting.join(timeout=30)
    assert result == [theirs]
    path.unlink()  # nobody else making it: this render parses the file and keeps the outline
    made = stylesheet.cached_outline(root, sources, whole, cache)
    assert made != theirs and json.loads(path.read_text()) == made

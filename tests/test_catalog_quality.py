"""The French catalogs read by tools that know nothing of the book: French spelling by hunspell (Debian's hunspell-fr,
with a reviewed word list, locales/fr/words.txt) and translate-toolkit's pofilter consistency checks. Each check is
shown to fail on a planted defect."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from conftest import ROOT

CATALOGS = ROOT / "locales" / "fr" / "LC_MESSAGES"
WORD_LIST = ROOT / "locales" / "fr" / "words.txt"
ENTRY = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', re.M)
WORD = re.compile(r"\w[\w’'.-]*\w|\w")
ELISION = re.compile(r"^(?:[lLdDjJnNsStTcCmM]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu)['’]")
# What is not words in a translation: roles, code, links' targets, tags, placeholders, addresses.
NOT_WORDS = re.compile(r"\{[\w:.-]+\}`[^`]*`|`[^`]*`|\]\([^)]*\)|<[^>]+>|\{[^{}]*\}|https?://\S+|\S+@\S+")


def po_texts(content: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) of a catalog's entries, read with a regular expression (not the book's reader)."""
    def joined(block: str) -> str:
        return "".join(re.findall(r'^"(.*)"$', block, re.M)).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")

    return [(joined(i), joined(s)) for i, s in ENTRY.findall(content)]


def translators_words(msgid: str, msgstr: str) -> set[str]:
    """The words of a translation that are the translator's own: not markup, not carried over from the English
    unchanged (names, identifiers, quotations kept in English), without an elided article (l’, d’, qu’…)."""
    carried = {word.lower() for word in WORD.findall(msgid)}
    words = set()
    for word in WORD.findall(NOT_WORDS.sub(" ", msgstr)):
        if word.lower() in carried or any(c.isdigit() for c in word) and not word.endswith("ᵉ"):
            continue
        bare = ELISION.sub("", word).strip(".-’'")
        if bare and bare.lower() not in carried:
            words.add(bare)
    return words


def misspelt(words: set[str], accepted: set[str]) -> list[str]:
    """The words hunspell's French dictionary does not know, and the word list does not accept."""
    if shutil.which("hunspell") is None or not Path("/usr/share/hunspell/fr_FR.dic").exists():
        pytest.fail("hunspell and Debian's hunspell-fr are needed: run `bash .ci/install-system-deps`")
    result = subprocess.run(["hunspell", "-d", "fr_FR", "-i", "utf-8", "-l"], input="\n".join(sorted(words)),
                            capture_output=True, text=True, check=True)
    return sorted(set(result.stdout.split()) - accepted)


def accepted_words() -> set[str]:
    lines = WORD_LIST.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_every_translation_is_spelt_as_french_writes_it():
    words = set()
    for path in sorted(CATALOGS.rglob("*.po")):
        for msgid, msgstr in po_texts(path.read_text(encoding="utf-8")):
            if msgid and msgstr:
                words |= translators_words(msgid, msgstr)
    assert len(words) > 2000  # the translators' own words (2,869 on 7 December 2026)
    assert misspelt(words, accepted_words()) == []


def test_the_word_list_holds_only_words_the_dictionary_lacks():
    """A word the dictionary knows does not belong in the reviewed list (it would hide nothing, and grow)."""
    accepted = accepted_words()
    assert sorted(accepted - set(misspelt(accepted, set()))) == []


def test_the_spelling_check_sees_a_misspelt_word():
    words = translators_words("The study counts micro-workers.", "L'étude dénombre les micro-travailleurs invisbles.")
    assert misspelt(words, accepted_words()) == ["invisbles"]


POFILTER_TESTS = ("variables", "xmltags", "doublespacing", "escapes", "pythonbraceformat", "printf", "emails", "tabs",
                  "endwhitespace", "startwhitespace", "doublewords", "purepunc", "filepaths", "functions", "options",
                  "kdecomments", "compendiumconflicts", "credits", "nplurals")
# Left out, with the reason: numbers (reads 1,27 as two numbers: the book's own rule compares values, French form
# included), brackets and newlines (a translation may add a parenthesis, and wraps its Markdown lines where French
# needs), unchanged, acronyms, quoting and capitals (names and quotations are kept as written).


def pofilter(folder: Path, output: Path) -> list[str]:
    """What translate-toolkit's pofilter finds in the catalogs under ``folder`` (one line per problem)."""
    command = [str(Path(sys.executable).parent / "pofilter"), "--progress=none", "-i", str(folder), "-o", str(output)]
    for test in POFILTER_TESTS:
        command += ["-t", test]
    subprocess.run(command, check=True, capture_output=True, text=True)
    return [line for path in sorted(output.rglob("*.po")) for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("# (pofilter)")]


def test_pofilter_finds_no_inconsistency(tmp_path):
    """pofilter reads a copy of the catalogs without the one markup a translation may add, the span that marks
    English kept as written (``<span lang="en">``, see microwork.pipeline.catalog_rules); it judges the rest."""
    copy = tmp_path / "in"
    for path in CATALOGS.rglob("*.po"):
        target = copy / path.relative_to(CATALOGS)
        target.parent.mkdir(parents=True, exist_ok=True)
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if isinstance(message.string, str):
                message.string = re.sub(r'<span lang="en">(.*?)</span>', r"\1", message.string, flags=re.S)
        with target.open("wb") as handle:
            write_po(handle, catalog, width=0)
    assert pofilter(copy, tmp_path / "out") == []


def test_pofilter_sees_planted_defects(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "planted.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "A <b>bold</b> word."\nmsgstr "Un mot <i>gras</i>."\n\n'
        'msgid "The word twice."\nmsgstr "Le le mot deux fois."\n\n'
        'msgid "One space."\nmsgstr "Un  espace."\n', encoding="utf-8")
    found = " ".join(pofilter(folder, tmp_path / "out"))
    assert "xmltags" in found and "doublewords" in found and "doublespacing" in found, found

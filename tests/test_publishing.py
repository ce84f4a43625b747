"""Publishing: the Pages workflow, the citation metadata (CITATION.cff, .zenodo.json), Binder, and the repository's
address (the pages link to a repository only when the build knows its address, and never to a placeholder)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import copy_book, microwork
from microwork.pipeline.repository import Repository, RepositoryError, resolve


def test_pages_workflow_tests_then_deploys(repo_root):
    workflow = yaml.safe_load((repo_root / ".github" / "workflows" / "pages.yml").read_text())
    jobs = workflow["jobs"]
    test_steps = " ".join(str(step.get("run", "")) for step in jobs["test"]["steps"])
    assert "make test" in test_steps
    publish = jobs["publish"]
    assert publish["needs"] == "test"
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert any(u.startswith("actions/deploy-pages") for u in uses)
    assert any("_build/html" in str(step.get("run", "")) for step in publish["steps"])
    assert publish["permissions"] == {"pages": "write", "id-token": "write"}


def test_citation_cff_is_valid(repo_root):
    cffconvert = repo_root / ".venv-cff" / "bin" / "cffconvert"
    if not cffconvert.exists():
        pytest.fail("cffconvert is not installed: run `make test` (it creates .venv-cff)")
    result = subprocess.run([str(cffconvert), "--validate", "-i", str(repo_root / "CITATION.cff")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout


def test_zenodo_metadata_agrees_with_citation(repo_root):
    zenodo = json.loads((repo_root / ".zenodo.json").read_text())
    citation = yaml.safe_load((repo_root / "CITATION.cff").read_text())
    assert zenodo["title"].startswith(citation["title"].split(".")[0])
    assert zenodo["version"] == str(citation["version"])
    assert {"creators", "license", "upload_type", "description", "keywords"} <= set(zenodo)


def test_binder_installs_the_full_lock(repo_root):
    # repo2docker reads binder/ and then ignores the root (environment.yml stays for conda users): it runs
    # `pip install -r binder/requirements.txt` from the root, so -r is relative to binder/ and -e . to the root.
    lines = [line.strip() for line in (repo_root / "binder" / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines == ["-r ../requirements.lock", "-e ."]
    assert (repo_root / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    environment = yaml.safe_load((repo_root / "environment.yml").read_text())
    assert "python>=3.11,<3.14" in environment["dependencies"]  # as requires-python in pyproject.toml
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip, "the book's package must be installed for the notebooks to import it"


PLACEHOLDER = "OWNER/REPOSITORY"
EXAMPLE = "example-org/microwork-book"
# A link to a repository page on a GitHub server, or a Binder launch: what a page without an address must not have.
REPOSITORY_LINK = re.compile(r"^https?://(?:[^/]*github[^/]*/[^/?#]+/[^/?#]+|mybinder\.org/v2/)", re.IGNORECASE)


# --- Where the address comes from (microwork.pipeline.repository.resolve) ------------------------------------------

CONFIG_TEXT = """title: A book
repository:
  url: {url}
  path_to_book: ""
  branch: {branch}
"""


def resolved(environ: dict[str, str], url: object = "", branch: object = "main") -> Repository | None:
    return resolve(environ, url, branch, CONFIG_TEXT.format(url=url, branch=branch))


def test_the_variable_gives_the_address_and_wins_over_the_configuration():
    found = resolved({"GITHUB_REPOSITORY": EXAMPLE}, "https://github.com/someone/else")
    assert (found.url, found.branch, found.origin) == (f"https://github.com/{EXAMPLE}", "main", "GITHUB_REPOSITORY")
    on_server = resolved({"GITHUB_REPOSITORY": EXAMPLE, "GITHUB_SERVER_URL": "https://github.example.com"})
    assert on_server.url == f"https://github.example.com/{EXAMPLE}"


def test_a_real_address_in_the_configuration_is_used_without_the_variable():
    found = resolved({}, "https://github.com/example-org/microwork-book.git", "gh-pages")
    assert (found.url, found.branch, found.origin) == (f"https://github.com/{EXAMPLE}", "gh-pages", "_config.yml:3")


@pytest.mark.parametrize("url", ["", None, "https://github.com/OWNER/REPOSITORY", "https://github.com/OWNER/REPOSITORY/"])
def test_no_address_when_neither_gives_one(url):
    assert resolved({}, url) is None
    assert resolved({"GITHUB_REPOSITORY": ""}, url) is None


@pytest.mark.parametrize("value", ["owner", "owner/name/extra", "-owner/name", "owner-/name", "ow--ner/name", "o/..",
                                   "o/.", "owner/na me", 'owner/"><script>alert(1)</script>', "owner/name?x=1",
                                   "https://github.com/owner/name", "a" * 40 + "/name", "owner/" + "n" * 101,
                                   "owner/name\n", "ownér/name"])
def test_a_variable_that_is_not_owner_and_name_is_refused_in_one_line(value):
    with pytest.raises(RepositoryError) as refused:
        resolved({"GITHUB_REPOSITORY": value})
    message = str(refused.value)
    assert message.startswith("GITHUB_REPOSITORY is ") and "\n" not in message, message


@pytest.mark.parametrize("server", ["http://github.com", "javascript:alert(1)", "https://github.com/x",
                                    "https://github.com?x", 'https://a"b', "github.com"])
def test_a_server_that_is_not_an_https_address_is_refused(server):
    with pytest.raises(RepositoryError, match=r"^GITHUB_SERVER_URL is "):
        resolved({"GITHUB_REPOSITORY": EXAMPLE, "GITHUB_SERVER_URL": server})


@pytest.mark.parametrize("url", ["javascript:alert(1)", "http://github.com/owner/name", "https://github.com/owner",
                                 "https://github.com/owner/name/tree/main", 'https://github.com/o/"><b>', 42])
def test_a_configured_address_that_is_not_one_names_the_file_and_line(url):
    with pytest.raises(RepositoryError, match=r"^_config\.yml:3: repository\.url is "):
        resolved({}, url)
    with pytest.raises(RepositoryError, match=r"^_config\.yml:3: "):  # wrong everywhere, even with the variable
        resolved({"GITHUB_REPOSITORY": EXAMPLE}, url)


@pytest.mark.parametrize("branch", ["../x", "main branch", "-x", "a..b", 'main"><b>', "x/"])
def test_a_branch_that_is_not_one_names_the_file_and_line(branch):
    with pytest.raises(RepositoryError, match=r"^_config\.yml:5: repository\.branch is "):
        resolved({"GITHUB_REPOSITORY": EXAMPLE}, "", branch)


# --- The published files: no placeholder, and only the configured address --------------------------------------------

def configured_address(repo_root: Path) -> str:
    """``repository.url`` as _config.yml writes it (read with yaml, not with the code under test)."""
    return str((yaml.safe_load((repo_root / "_config.yml").read_text())["repository"] or {}).get("url") or "")


def test_no_file_holds_a_placeholder_and_every_address_is_the_configured_one(repo_root):
    configured = configured_address(repo_root)
    assert PLACEHOLDER not in configured, "_config.yml: repository.url is a placeholder: leave it empty"
    path = configured.removeprefix("https://github.com/").rstrip("/")
    for name in ("README.md", "CITATION.cff", ".zenodo.json", "_config.yml"):
        text = (repo_root / name).read_text()
        assert PLACEHOLDER not in text, f"{name} holds the placeholder {PLACEHOLDER}"
        for found in re.findall(r"(?:github\.com|mybinder\.org/v2/gh)/([\w.-]+/[\w.-]+)", text):
            if found == "owner/name":  # the form an address takes, as the documentation writes it
                continue
            assert configured and found.removesuffix(".git") == path, (name, found, configured or "no address")
    citation = yaml.safe_load((repo_root / "CITATION.cff").read_text())
    zenodo = json.loads((repo_root / ".zenodo.json").read_text())
    linked = [r["identifier"] for r in zenodo["related_identifiers"] if r["scheme"] == "url"]
    if configured:
        assert citation.get("repository-code", configured) == configured and set(linked) <= {configured}
    else:
        assert "repository-code" not in citation and not linked


def test_the_pages_workflow_builds_with_the_repository_of_github_actions(repo_root):
    # GitHub Actions sets GITHUB_REPOSITORY in every step (and inside a job's container): the publish job must not
    # set it to anything else.
    workflow = (repo_root / ".github" / "workflows" / "pages.yml").read_text()
    assert "GITHUB_REPOSITORY:" not in workflow and "GITHUB_SERVER_URL:" not in workflow


# --- The built pages --------------------------------------------------------------------------------------------------

class Links(HTMLParser):
    """Every address a page links to or loads (href, src, action), and the repository buttons it has."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []
        self.buttons: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.addresses += [value for name, value in attrs.items() if name in ("href", "src", "action") and value]
        classes = (attrs.get("class") or "").split()
        self.buttons += [c for c in classes if c in ("btn-source-repository-button", "btn-source-edit-button",
                                                    "btn-launch-binder", "dropdown-launch-buttons",
                                                    "dropdown-source-buttons")]


def repository_links(site: Path) -> list[str]:
    """Each link to a repository or Binder, placeholder or repository button of every page of ``site``, located."""
    found = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        links = Links()
        links.feed(text)
        where = page.relative_to(site)
        found += [f"{where}: {address}" for address in links.addresses
                  if REPOSITORY_LINK.match(address) or PLACEHOLDER in address]
        found += [f"{where}: button {button}" for button in links.buttons]
        found += [f"{where}: placeholder in the text"] * text.count(PLACEHOLDER)
    return found


PLANTED_BUTTONS = """<html><body><div class="dropdown dropdown-source-buttons"><ul>
<li><a href="https://github.com/OWNER/REPOSITORY" class="btn btn-sm btn-source-repository-button">Repository</a></li>
<li><a href="https://mybinder.org/v2/gh/someone/book/main?urlpath=lab/tree/chapters/size.ipynb">Binder</a></li>
</ul></div></body></html>"""


def test_the_scan_finds_a_planted_repository_link(tmp_path):
    page = tmp_path / "fr" / "chapters" / "size.html"
    page.parent.mkdir(parents=True)
    page.write_text(PLANTED_BUTTONS, encoding="utf-8")
    found = repository_links(tmp_path)
    assert any("OWNER/REPOSITORY" in f for f in found) and any("mybinder.org" in f for f in found)
    assert any("btn-source-repository-button" in f for f in found) and any("placeholder" in f for f in found)


@pytest.mark.build
def test_a_book_without_an_address_links_to_no_repository(built_book, repo_root):
    assert not configured_address(repo_root), "this test is for a book with no address in _config.yml"
    site = built_book / "_build" / "html"
    pages = list(site.rglob("*.html"))
    assert (site / "fr" / "chapters" / "size.html") in pages and len(pages) > 40
    assert repository_links(site) == []
    html = (site / "chapters" / "size.html").read_text(encoding="utf-8")
    assert "btn-download-source-button" in html  # the site's own download of the page's source stays


MINI_PAGE = ("A page that says enough for a description of its own, between fifty and one hundred and sixty "
             "characters.")


# The configuration of earlier versions: the placeholder, and the buttons asked for.
OLD_CONFIGURATION = {"\n  url: \"\"\n": "\n  url: https://github.com/OWNER/REPOSITORY\n",
                     "  use_issues_button: false\n": "  use_issues_button: false\n  use_repository_button: true\n"
                                                     "  use_edit_page_button: true\n"}


def mini_book(repo_root: Path, target: Path, configuration: dict[str, str] | None = None) -> Path:
    """A book of two pages (a Markdown page and a notebook) with the book's configuration (each key of
    ``configuration`` replaced by its value) and extension."""
    target.mkdir(parents=True)
    for name in ("_config.yml", "references.bib", "chapters/favicon.svg"):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(repo_root / name, target / name)
    config = (target / "_config.yml").read_text()
    for old, new in (configuration or {}).items():
        assert config.count(old) == 1, old
        config = config.replace(old, new)
    (target / "_config.yml").write_text(config)
    (target / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n- file: chapters/example\n")
    (target / "index.md").write_text(f"# A small book\n\n{MINI_PAGE}\n")
    notebook = {"cells": [{"cell_type": "markdown", "id": "example", "metadata": {}, "source": [f"# Example\n\n{MINI_PAGE}\n"]}],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    (target / "chapters" / "example.ipynb").write_text(json.dumps(notebook))
    return target


def render_mini_book(repo_root: Path, folder: Path, environment: dict[str, str],
                     configuration: dict[str, str] | None = None) -> Path:
    """Render the small book as the build renders an edition (``microwork.pipeline.render``); return its site."""
    stage = mini_book(repo_root, folder / "stage", configuration)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}, **environment}
    result = subprocess.run([sys.executable, "-m", "microwork.pipeline.render", str(stage), str(folder / "html")],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    return folder / "html"


@pytest.mark.build
def test_with_the_variable_the_pages_link_to_the_repository_and_binder(tmp_path, repo_root):
    # One small book rendered through the build's own render (a few seconds), not a second build of the whole book:
    # the buttons depend only on the configuration and the environment, not on a chapter's content.
    site = render_mini_book(repo_root, tmp_path, {"GITHUB_REPOSITORY": EXAMPLE})
    url, branch = f"https://github.com/{EXAMPLE}", "main"
    html = (site / "chapters" / "example.html").read_text(encoding="utf-8")
    assert f'href="{url}"' in html
    assert f'href="{url}/edit/{branch}/chapters/example.ipynb"' in html
    assert f'href="https://mybinder.org/v2/gh/{EXAMPLE}/{branch}?urlpath=lab/tree/chapters/example.ipynb"' in html
    assert f'href="{url}/edit/{branch}/index.md"' in (site / "index.html").read_text(encoding="utf-8")
    # Plain links: nothing on the page is fetched from the repository's or Binder's host.
    assert not re.search(r'(src|href)="https://[^"]*"[^>]*rel="(stylesheet|preload|icon)"', html)
    assert not re.search(r'<(script|img|iframe)[^>]+src="https?://', html)
    # Every repository link of the site is this repository's.
    others = [link for link in repository_links(site) if "button" not in link and EXAMPLE not in link]
    assert others == []


@pytest.mark.build
@pytest.mark.parametrize("configuration", [None, OLD_CONFIGURATION], ids=["empty address", "old placeholder"])
def test_the_same_book_without_the_variable_has_no_repository_link(tmp_path, repo_root, configuration):
    site = render_mini_book(repo_root, tmp_path, {}, configuration)
    assert (site / "chapters" / "example.html").is_file()
    assert repository_links(site) == []


def test_the_build_refuses_a_bad_variable_before_executing_anything(tmp_path):
    root = copy_book(tmp_path / "book")
    result = microwork("build", root=root, environment={"GITHUB_REPOSITORY": 'owner/"><script>alert(1)</script>'})
    assert result.returncode == 1
    first = result.stderr.strip().splitlines()[0]
    assert first.startswith("error: GITHUB_REPOSITORY is ") and "must be" in first, result.stderr
    assert "executing" not in result.stdout and not (root / "_build" / "html").exists()


@pytest.mark.build
def test_no_base_url_no_cards_and_no_sitemap_in_the_book(built_book, repo_root):
    config = yaml.safe_load((repo_root / "_config.yml").read_text())
    site = built_book / "_build" / "html"
    if config["html"].get("baseurl"):
        base = config["html"]["baseurl"].rstrip("/") + "/"
        assert f"<loc>{base}chapters/size.html</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")
        assert f'<meta property="og:url" content="{base}chapters/size.html" />' in (site / "chapters" / "size.html").read_text()
    else:
        assert not (site / "sitemap.xml").exists()
        assert 'property="og:' not in (site / "chapters" / "size.html").read_text(encoding="utf-8")

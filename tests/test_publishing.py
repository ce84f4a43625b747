"""Publishing: the Pages workflow, the citation metadata (CITATION.cff, .zenodo.json) and Binder."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml


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


def repository(repo_root) -> tuple[str, str]:
    """The repository's URL and branch, from _config.yml (the one place they are written)."""
    config = yaml.safe_load((repo_root / "_config.yml").read_text())
    return config["repository"]["url"].rstrip("/"), config["repository"]["branch"]


def test_one_repository_url_drives_every_link(repo_root):
    url, branch = repository(repo_root)
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url), url
    path = url.removeprefix("https://github.com/")
    config = yaml.safe_load((repo_root / "_config.yml").read_text())
    assert config["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert config["html"]["use_repository_button"] and config["html"]["use_edit_page_button"]
    readme = (repo_root / "README.md").read_text()
    badges = re.findall(r"\(https://mybinder\.org/v2/gh/([^)?]+)\?labpath=([^)]+)\)", readme)
    assert badges == [(f"{path}/{branch}", "chapters%2Fsize.ipynb")]
    assert "mybinder.org/badge_logo.svg" in readme
    citation = yaml.safe_load((repo_root / "CITATION.cff").read_text())
    assert citation["repository-code"] == url
    zenodo = json.loads((repo_root / ".zenodo.json").read_text())
    linked = [r["identifier"] for r in zenodo["related_identifiers"] if r["scheme"] == "url"]
    assert linked == [url]
    # Every GitHub address written anywhere in these files is the repository's.
    for name in ("README.md", "CITATION.cff", ".zenodo.json"):
        for found in re.findall(r"github\.com/([\w.-]+/[\w.-]+)", (repo_root / name).read_text()):
            assert found.removesuffix(".git") == path, (name, found)


@pytest.mark.build
def test_the_pages_link_to_the_repository_and_binder(built_book, repo_root):
    url, branch = repository(repo_root)
    path = url.removeprefix("https://github.com/")
    html = (built_book / "_build" / "html" / "chapters" / "size.html").read_text(encoding="utf-8")
    assert f'href="{url}/edit/{branch}/chapters/size.ipynb"' in html
    assert f'href="https://mybinder.org/v2/gh/{path}/{branch}?urlpath=lab/tree/chapters/size.ipynb"' in html
    # Plain links: nothing on the page is fetched from the repository's or Binder's host.
    assert not re.search(r'(src|href)="https://[^"]*"[^>]*rel="(stylesheet|preload|icon)"', html)
    assert not re.search(r'<(script|img|iframe)[^>]+src="https?://', html)


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

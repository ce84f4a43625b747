"""Publishing: the Pages workflow, the citation metadata (CITATION.cff, .zenodo.json) and Binder."""

from __future__ import annotations

import json
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


def test_binder_can_use_environment_yml(repo_root):
    environment = yaml.safe_load((repo_root / "environment.yml").read_text())
    assert "python=3.11" in environment["dependencies"]
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip, "the book's package must be installed for the notebooks to import it"
    readme = (repo_root / "README.md").read_text()
    assert "mybinder.org/badge_logo.svg" in readme and "labpath=chapters" in readme

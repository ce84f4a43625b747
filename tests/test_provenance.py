"""The reproduction report records where a run comes from: commit, date, versions, parameters, data hashes."""

import hashlib
import json
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from importlib.metadata import version

import pandas as pd
import pytest

import conftest
from microwork import cli
from microwork.analysis import reproduce
from microwork.pipeline import provenance

PACKAGES = ["pandas", "altair", "papermill", "jupyter-book", "myst-nb", "numpy"]


@pytest.fixture
def outside_git(tmp_path, monkeypatch):
    """A folder with a small data package, where git cannot find a checkout above it."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "book"
    (root / "data").mkdir(parents=True)
    (root / "data" / "datapackage.json").write_text('{"resources": []}', encoding="utf-8")
    (root / "data" / "counts.csv").write_text("platform,registrations\nA,10\n", encoding="utf-8")
    return root


def test_run_metadata_of_this_checkout(repo_root):
    parameters = {"size": {"accounts_per_person": 1.27}}
    run = provenance.run_metadata(repo_root, parameters)
    if (repo_root / ".git").exists() and shutil.which("git"):
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo_root, capture_output=True, text=True)
        head = head.stdout.strip()
        assert run["commit"] == head and re.fullmatch(r"[0-9a-f]{40}", run["commit"])
        assert run["uncommitted_changes"] in (True, False)
    date = datetime.fromisoformat(run["date"])
    assert date.utcoffset() == timedelta(0), "the date is in UTC"
    assert abs(datetime.now(timezone.utc) - date) < timedelta(minutes=5)
    assert re.fullmatch(r"3\.\d+\.\d+.*", run["python"])
    assert {name: run["packages"][name] for name in PACKAGES} == {name: version(name) for name in PACKAGES}
    assert run["parameters"] == parameters
    files = sorted(p for p in (repo_root / "data").iterdir() if p.is_file())
    assert "data/datapackage.json" in run["data_files"]
    assert run["data_files"] == {f"data/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    json.dumps(run)  # plain JSON values only


def test_commit_is_unknown_outside_a_git_checkout(outside_git):
    run = provenance.run_metadata(outside_git, {})
    assert run["commit"] == "unknown" and run["uncommitted_changes"] == "unknown"
    assert run["data_files"] == {
        "data/counts.csv": hashlib.sha256(b"platform,registrations\nA,10\n").hexdigest(),
        "data/datapackage.json": hashlib.sha256(b'{"resources": []}').hexdigest(),
    }


@pytest.mark.skipif(not shutil.which("git"), reason="needs git")
def test_commit_of_an_enclosing_repository_is_not_claimed(outside_git):
    outer = outside_git.parent
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"]
    subprocess.run(git + ["init", "-q"], cwd=outer, check=True)
    subprocess.run(git + ["add", "."], cwd=outer, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "outer"], cwd=outer, check=True)
    assert provenance.run_metadata(outer / "book", {})["commit"] == "unknown"
    assert re.fullmatch(r"[0-9a-f]{40}", provenance.git(outer, "rev-parse", "HEAD") or "")


def test_commit_is_unknown_without_git(outside_git, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    assert provenance.run_metadata(outside_git, {})["commit"] == "unknown"


RECORDS = [
    {"figure_id": "a", "status": "reproduced", "book_value": 266126.0, "inputs": ["x"], "restates": None},
    {"figure_id": "b", "status": "reported", "book_value": None, "inputs": [], "restates": "a"},
]


def test_write_report_puts_metadata_under_run(tmp_path):
    path = tmp_path / "report.json"
    reproduce.write_report(pd.DataFrame(RECORDS), path, metadata={"commit": "abc"})
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["run"] == {"commit": "abc"}
    assert written["figures"] == RECORDS, "the report read back from JSON is written unchanged"
    assert written["counts"]["reproduced"] == 1 and written["counts"]["reported"] == 1
    reproduce.write_report(pd.DataFrame(RECORDS), path)
    assert "run" not in json.loads(path.read_text(encoding="utf-8"))


def test_reproduce_writes_provenance_but_keeps_it_out_of_the_baseline(tmp_path, monkeypatch, capsys):
    root = conftest.copy_book(tmp_path / "book")
    monkeypatch.setenv("MICROWORK_ROOT", str(root))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setattr(cli, "build", lambda *args, **kwargs: None)  # the chapter's report is put in place below
    produced = root / "_build" / ".cache" / "chapters" / "reproduction" / "figures" / "reproduction-report.json"
    produced.parent.mkdir(parents=True)
    shutil.copyfile(root / cli.BASELINE, produced)
    chapter_report = json.loads(produced.read_text(encoding="utf-8"))

    assert cli.main(["reproduce", "--update-baseline"]) == 0
    report = json.loads((root / "_build" / "reproduce" / "report.json").read_text(encoding="utf-8"))
    assert report["figures"] == chapter_report["figures"] and report["counts"] == chapter_report["counts"]
    assert report["run"]["commit"] == "unknown"
    assert report["run"]["parameters"]["size"] == {"accounts_per_person": 1.27}
    assert set(report["run"]["data_files"]) >= {"data/datapackage.json", "data/published_figures.csv"}
    baseline = json.loads((root / cli.BASELINE).read_text(encoding="utf-8"))
    assert baseline == chapter_report, "the baseline has no run metadata"
    assert "commit unknown" in capsys.readouterr().out

    assert cli.main(["reproduce"]) == 0
    assert "still reproduces" in capsys.readouterr().out

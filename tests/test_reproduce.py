"""The reproduction report: every published figure gets a status; regressions are caught."""

import json
import shutil

import pytest

from microwork.analysis import reproduce

pytestmark = []


@pytest.fixture(scope="module")
def report():
    return reproduce.collect_checks()


def test_at_least_thirty_figures_each_with_a_status(report):
    assert len(report) >= 30
    assert report["status"].isin(["reproduced", "consistent", "calibrated", "reported", "contradicted"]).all()
    assert report["figure_id"].is_unique
    assert report["reason"].str.len().gt(10).all(), "every status has a reason"


def test_known_statuses(report):
    status = report.set_index("figure_id")["status"]
    assert status["registrations_total"] == "consistent"  # a printed total that equals its printed parts
    assert status["tier_casual"] == "calibrated"
    assert status["tier_very_active"] == "reported"
    assert status["full_time_equivalents"] == "reported"
    assert status["women_senate"] == "consistent"          # 56 % is a rounding of 56.1 %
    assert status["lemonde_feb_headline"] == "consistent"  # "more than 250,000" is a bound the casual tier satisfies
    assert status["critique_title_figure"] == "consistent"  # 250,000 is 266,126 rounded, not a recomputation
    assert "accounts_per_person" in report.set_index("figure_id").loc["tier_casual", "parameter"]


def test_report_matches_the_committed_baseline(report, repo_root):
    baseline = json.loads((repo_root / "tests" / "snapshots" / "reproduction-baseline.json").read_text())
    assert reproduce.regressions(json.loads(report.to_json(orient="records")), baseline["figures"]) == []
    now = dict(zip(report["figure_id"], report["status"]))
    changed = {f["figure_id"]: (f["status"], now.get(f["figure_id"])) for f in baseline["figures"]
               if now.get(f["figure_id"]) != f["status"]}
    assert changed == {}, "statuses changed: run `microwork reproduce --update-baseline` if intended"


def test_regression_is_detected():
    baseline = [{"figure_id": "a", "status": "reproduced"}, {"figure_id": "b", "status": "reported"}]
    assert reproduce.regressions([{"figure_id": "a", "status": "contradicted"}], baseline) == [
        "a: was reproduced, now contradicted"]
    assert reproduce.regressions([{"figure_id": "a", "status": "reproduced"}], baseline) == []


def test_changed_input_breaks_a_consistent_figure(tmp_path, repo_root, monkeypatch):
    shutil.copytree(repo_root / "data", tmp_path / "data")
    shutil.copy(repo_root / "references.bib", tmp_path)
    path = tmp_path / "data" / "platform_registrations.csv"
    path.write_text(path.read_text().replace("Clixsense,130900", "Clixsense,150900"))
    monkeypatch.setenv("MICROWORK_ROOT", str(tmp_path))
    report = reproduce.collect_checks().set_index("figure_id")
    assert report.loc["registrations_total", "status"] == "reported"
    assert "not a simple rounding of 339,096" in report.loc["registrations_total", "reason"]
    baseline = [{"figure_id": "registrations_total", "status": "consistent"}]
    assert reproduce.regressions([{"figure_id": "registrations_total", "status": "reported"}], baseline) == [
        "registrations_total: was consistent, now reported"]

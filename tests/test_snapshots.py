"""Chart snapshots: a changed chart is described in words (which values, which parts), not as a raw diff."""

import copy
import json

from microwork.pipeline import snapshots


def chart(name: str = "data-3f2a", people: float = 251256.69291338584, title: str = "Casual tier") -> dict:
    """A small Vega-Lite spec like Altair's: one dataset named by a hash, a bar per scenario."""
    rows = [{"scenario": "No correction", "kind": "raw", "people": 319096.0},
            {"scenario": "Single division by the published 1.27", "kind": "published", "people": people}]
    return {"data": {"name": name}, "datasets": {name: rows}, "mark": {"type": "bar"},
            "encoding": {"x": {"field": "people", "type": "quantitative"},
                         "y": {"field": "scenario", "type": "nominal"}},
            "title": {"text": title}}


def test_a_changed_value_is_reported_old_to_new():
    assert snapshots.spec_changes(chart(), chart("data-9c1e", people=250000.0)) == [
        "row 'Single division by the published 1.27', field people: 251,257 → 250,000"]


def test_a_renamed_dataset_alone_is_no_change():
    assert snapshots.spec_changes(chart("data-3f2a"), chart("data-9c1e")) == []


def test_a_tiny_change_is_shown_in_full():
    assert snapshots.spec_changes(chart(people=251256.69), chart(people=251256.7)) == [
        "row 'Single division by the published 1.27', field people: 251256.69 → 251256.7"]


def test_other_changes_are_named_by_their_path():
    new = chart(title="Casual tier, four readings")
    new["encoding"]["x"]["title"] = "people"
    assert snapshots.spec_changes(chart(), new) == [
        "encoding.x.title: (none) → 'people'",
        "title.text: 'Casual tier' → 'Casual tier, four readings'"]


def test_rows_added_and_removed_are_named():
    new = chart("data-9c1e")
    new["datasets"]["data-9c1e"][0] = {"scenario": "Wirk left uncorrected", "kind": "raw", "people": 261886.6}
    assert snapshots.spec_changes(chart(), new) == ["row 'No correction' removed", "row 'Wirk left uncorrected' added"]


def test_two_datasets_are_matched_by_where_they_are_used():
    def layered(first: str, second: str, value: int) -> dict:
        datasets = {first: [{"tier": "casual", "persons": 266126}], second: [{"tier": "casual", "persons": value}]}
        return {"datasets": dict(sorted(datasets.items())),  # Altair's files list datasets by name, i.e. by hash
                "layer": [{"data": {"name": first}, "mark": "bar"}, {"data": {"name": second}, "mark": "text"}]}

    old = layered("data-aaaa", "data-bbbb", 1)
    assert snapshots.spec_changes(old, layered("data-zzzz", "data-cccc", 1)) == []  # names now sort the other way
    assert snapshots.spec_changes(old, layered("data-zzzz", "data-cccc", 2)) == [
        "data 2: row 'casual', field persons: 1 → 2"]


def test_inline_values_are_compared_row_by_row():
    old = {"data": {"values": [{"month": "2019-02", "articles": 9}, {"month": "2019-03", "articles": 4}]}}
    new = copy.deepcopy(old)
    new["data"]["values"][1]["articles"] = 5
    assert snapshots.spec_changes(old, new) == ["data.values: row '2019-03', field articles: 4 → 5"]


def test_differences_reads_the_build_and_the_snapshots(tmp_path):
    built = tmp_path / "_build" / ".cache" / "chapters" / "size" / "figures"
    kept = tmp_path / snapshots.SNAPSHOTS
    built.mkdir(parents=True)
    kept.mkdir(parents=True)
    (kept / "size-scenarios.vl.json").write_text(json.dumps(chart()), encoding="utf-8")
    (built / "size-scenarios.vl.json").write_text(json.dumps(chart("data-9c1e"), indent=2), encoding="utf-8")
    assert snapshots.differences(tmp_path) == []
    (built / "size-scenarios.vl.json").write_text(json.dumps(chart("data-9c1e", people=250000.0)), encoding="utf-8")
    assert snapshots.differences(tmp_path) == [
        "size-scenarios.vl.json: spec changed in 1 place:\n"
        "    row 'Single division by the published 1.27', field people: 251,257 → 250,000"]

"""Chart colours stay distinguishable in grayscale, in light and dark mode; charts with many categories also use
shapes; charts fit the page (exports keep a fixed width), axes speak in words, sources are named author-year,
and the data table under a chart is written for people."""

from __future__ import annotations

import contextlib
import itertools
import json
import re

import pandas as pd
import pytest

from microwork.analysis import charts, data, language
from microwork.analysis.charts import DARK_COLOURS, DARK_PAGE, LIGHT, PALETTE, TEXT


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2)."""
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_first_three_colours_differ_in_grayscale():
    for a, b in itertools.combinations(PALETTE[:3], 2):
        assert contrast(a, b) >= 1.5, (a, b)


def test_highlight_pair_differs_in_grayscale():
    assert contrast(PALETTE[0], LIGHT) >= 3


def test_every_mark_colour_stands_out_on_white():
    for colour in PALETTE + [LIGHT]:
        assert contrast(colour, "#ffffff") >= 3, colour


def layers(spec: dict):
    yield spec
    for layer in spec.get("layer", []):
        yield from layers(layer)


def test_many_categories_are_also_told_apart_by_shape(repo_root):
    for path in sorted((repo_root / "tests" / "snapshots" / "charts").glob("*.vl.json")):
        spec = json.loads(path.read_text())
        data = {name: rows for name, rows in spec.get("datasets", {}).items()}
        rows = next(iter(data.values()), [])
        for layer in layers(spec):
            encoding = layer.get("encoding", {})
            colour = encoding.get("color", {})
            field = colour.get("field")
            if not field or colour.get("type") != "nominal":
                continue
            categories = {row.get(field) for row in rows}
            if len(categories) > 3:
                assert encoding.get("shape", {}).get("field") == field, f"{path.name}: colour alone for {field}"


def test_dark_colours_follow_the_same_rules_on_the_dark_page():
    dark = [DARK_COLOURS[c] for c in PALETTE]
    for a, b in itertools.combinations(dark[:3], 2):
        assert contrast(a, b) >= 1.5, (a, b)
    assert contrast(DARK_COLOURS[PALETTE[0]], DARK_COLOURS[LIGHT]) >= 3
    for colour in dark + [DARK_COLOURS[LIGHT]]:
        assert contrast(colour, DARK_PAGE) >= 3, colour
    assert contrast(DARK_COLOURS[TEXT], DARK_PAGE) >= 4.5 and contrast(TEXT, "#ffffff") >= 4.5
    assert contrast(charts.DARK_AXIS, DARK_PAGE) >= 3


def snapshots(repo_root):
    return {p.name: json.loads(p.read_text()) for p in sorted((repo_root / "tests" / "snapshots" / "charts").glob("*.vl.json"))}


def encodings(spec: dict):
    """Every (channel, encoding) of every layer (a tooltip's list of fields is not an axis: skipped)."""
    for layer in layers(spec):
        yield from ((c, e) for c, e in layer.get("encoding", {}).items() if isinstance(e, dict))


def test_charts_are_as_wide_as_the_page_and_exports_have_a_fixed_width(repo_root):
    for name, spec in snapshots(repo_root).items():
        assert spec["width"] == "container", name
        assert charts.exported(spec)["width"] == charts.EXPORT_WIDTH, name
        assert spec["usermeta"]["dark"] == charts.dark_theme(), name


def test_an_exported_figure_is_drawn_at_the_export_width(tmp_path):
    frame = pd.DataFrame({"tier": ["casual", "routine"], "persons": [266126, 52337]})
    paths = charts.export(charts.spec_of(charts.horizontal_bars(frame, "tier", "persons", "Tiers", "persons")), frame, "t",
                          tmp_path)
    assert re.search(r'<svg[^>]* width="640"', paths["svg"].read_text())


def test_no_text_is_truncated_by_the_theme():
    config = charts.theme()["config"]
    assert config["axis"]["labelLimit"] == config["legend"]["labelLimit"] == config["title"]["limit"] == 0
    assert min(config["axis"]["labelFontSize"], config["legend"]["labelFontSize"], config["text"]["fontSize"]) >= 12


SI_FORMAT = re.compile(r"s$")  # d3-format's SI prefixes (1G, 10k): "s", "~s", ".2s"


def test_axes_never_use_si_prefixes(repo_root):
    for name, spec in snapshots(repo_root).items():
        for channel, encoding in encodings(spec):
            axis = encoding.get("axis") or {}
            assert not SI_FORMAT.search(str(axis.get("format", ""))), (name, channel, axis)
            if (encoding.get("scale") or {}).get("type") == "log":
                ticks = axis["values"]
                assert axis.get("labelExpr") == charts.count_labels(ticks), (name, channel)


def test_log_axis_ticks_are_powers_of_ten_in_words():
    assert charts.powers_of_ten(pd.Series([14_903, 1_500_000])) == [1e4, 1e5, 1e6, 1e7]


@pytest.mark.parametrize("speaking, expected", [
    ("en", ["1,000", "100,000", "1 million", "10 million", "100 million", "1 billion"]),
    ("fr", ["1\u202f000", "100\u202f000", "1 million", "10 millions", "100 millions", "1 milliard"]),
])
def test_log_axis_labels_agree_with_their_number_in_each_language(speaking, expected):
    """Babel's own compact format says « 1 millions » (it takes the plural of 1,000,000, not of the 1 shown)."""
    ticks = [1e3, 1e5, 1e6, 1e7, 1e8, 1e9]
    with (language.french_pass() if speaking == "fr" else contextlib.nullcontext()):
        labels = [language.count_in_words(tick) for tick in ticks]
        expression = charts.count_labels(ticks)
    assert labels == expected
    assert all(f"datum.value === {tick:.0f} ? {json.dumps(label)}" in expression for tick, label in zip(ticks, labels))


def test_long_labels_are_wrapped_not_cut():
    frame, column, lines = charts.with_wrapped_labels(
        pd.DataFrame({"label": ["hold a diploma above two years of higher education (bac+2)", "women"]}), "label")
    assert lines == 3 and frame[column].tolist()[1] == "women"
    assert all(len(line) <= charts.LABEL_LINE for line in frame[column][0].split("\n"))
    assert " ".join(frame[column][0].split("\n")) == frame["label"][0]


def test_charts_name_their_sources_author_year_not_by_key(repo_root):
    keys = data.bibliography_keys(repo_root / "references.bib")
    for name, spec in snapshots(repo_root).items():
        for rows in spec.get("datasets", {}).values():
            for row in rows:
                shown = [str(v) for k, v in row.items() if k.endswith("_lines") or k == "label"]
                words = set(re.findall(r"[A-Za-z0-9_]+", " ".join(shown)))
                assert not words & keys, (name, words & keys)


BIB = r"""
@article{TLC2020,
  author  = {Tubaro, Paola and Le Ludec, Cl{\'e}ment and Casilli, Antonio A.},
  title   = {Counting `micro-workers'},
  year    = {2020},
}
@misc{Senate2019, author = {Tubaro, Paola and Casilli, Antonio A.}, year = {2019}, month = oct}
@misc{KLS2021, author = {K{\"a}ssi, Otto}, title = {X}, year = 2021}
@misc{Press2019, title = {Les ``travailleurs du clic''}, howpublished = {web}, year = {2019}, month = may}
@misc{ILO2021, author = {{International Labour Office}}}
@misc{Outlet2019, key = {Le Monde}, title = {Jobs du clic}, howpublished = {Le Monde}, year = {2019}}
"""


@pytest.mark.parametrize("key, label", [
    ("TLC2020", "Tubaro et al., 2020"),
    ("Senate2019", "Tubaro and Casilli, 2019"),
    ("KLS2021", "Kässi, 2021"),
    ("Press2019", "Les “travailleurs du clic”, 2019"),   # no author nor key: the title
    ("Outlet2019", "Le Monde, 2019"),   # no author: its key field (the outlet), as the book's citations do
    ("ILO2021", "International Labour Office, n.d."),
])
def test_sources_are_named_author_year(key, label):
    who, year = data.citation_labels(data.bibliography_fields(BIB))[key]
    assert f"{who}, {year}" == label


def test_data_table_is_written_for_people_and_escaped():
    frame = pd.DataFrame({"gap_to_published": [0.199041], "is_published": [True], "q05": [1250.0],
                          "people": [251256.69], "who": ["<script>x</script>"]})
    table = charts.data_table_html(frame, "t", {"q05": "5th percentile"}, {"gap_to_published": "change"})
    heads = re.findall(r"<th>(.*?)</th>", table)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table)
    assert heads == ["Gap to published", "Is published", "5th percentile", "People", "Who"]
    assert cells == ["+19.9%", "yes", "1,250", "251,257", "&lt;script&gt;x&lt;/script&gt;"]


def test_bar_values_are_printed_beyond_their_bars_on_either_side_of_zero():
    # A negative bar's value printed after its end would sit on the bar itself (dark on dark: unreadable).
    frame = pd.DataFrame({"estimator": ["raw sum", "survey of active workers"], "bias": [38.0, -22.0]})
    spec = charts.horizontal_bars(frame, "estimator", "bias", "Bias", "bias, percent").to_dict()
    texts = {layer["transform"][0]["filter"]: layer["mark"] for layer in spec["layer"] if "transform" in layer}
    assert texts == {"(datum['bias'] >= 0)": {"type": "text", "align": "left", "dx": 4},
                     "(datum['bias'] < 0)": {"type": "text", "align": "right", "dx": -4}}
    scale = spec["layer"][0]["encoding"]["x"]["scale"]
    assert scale["domainMin"] < -22 and scale["domainMax"] > 38, "room for the printed values on both sides"
    assert charts.room_for_labels(pd.Series([10.0, 20.0])) == {"domainMax": 25.0}, "no negative side without negatives"


def test_a_data_table_shows_sources_as_the_book_cites_them():
    table = charts.data_table_html(pd.DataFrame({"source": ["LTC2019en"], "senate_source": ["TC2019"],
                                                 "value": [1.0]}), "sources")
    # Each has a work of the same name and year in references.bib: b for "How many…" after "Combien…", a for
    # "Micro-work…" before "Quelle protection…".
    assert "<td>Le Ludec et al., 2019b</td>" in table and "<td>Tubaro and Casilli, 2019a</td>" in table
    assert "LTC2019en" not in table and "TC2019<" not in table

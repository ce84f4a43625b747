"""Chart colours stay distinguishable in grayscale; charts with many categories also use shapes."""

from __future__ import annotations

import itertools
import json

from microwork.analysis.charts import LIGHT, PALETTE


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

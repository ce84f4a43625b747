"""Sphinx extension: serve Vega from the site itself and draw the book's charts offline.

Added to the book by ``_config.yml`` (``sphinx.extra_extensions``), so that both
``make book`` and a plain ``jupyter-book build .`` get it. The Vega, Vega-Lite and
vega-embed code is the bundle shipped in the ``vl-convert-python`` wheel; it is
written into the site's ``_static`` folder and loaded only by pages with a chart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import vl_convert as vlc

STATIC = Path(__file__).parent / "static"
BUNDLE = "vendor/vega-bundle.js"


def write_bundle(app: Any) -> None:
    """Write the Vega bundle into a static folder of this build."""
    folder = Path(app.doctreedir).parent / "microwork_static"
    target = folder / BUNDLE
    target.parent.mkdir(parents=True, exist_ok=True)
    # The bundle is a plain script with top-level declarations; wrapped in a function so that
    # they do not collide with other scripts' globals. It still sets window.vegaEmbed.
    code = "(function () {\n" + vlc.javascript_bundle() + "\n})();\n"
    if not target.is_file() or target.read_text(encoding="utf-8") != code:
        target.write_text(code, encoding="utf-8")
    app.config.html_static_path.extend([str(folder), str(STATIC)])


def is_thebe(asset: Any) -> bool:
    """True for the scripts and styles of sphinx-thebe (live code from a remote kernel, off in this offline book)."""
    return "thebe" in str(getattr(asset, "filename", asset)) or "THEBE" in getattr(asset, "attributes", {}).get("body", "")


def add_chart_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Load the Vega bundle and the chart script only on pages that have a chart; drop thebe."""
    if not context.get("default_mode"):  # the theme's colour mode; empty makes it log a console error
        context["default_mode"] = "auto"
    for key in ("script_files", "css_files"):
        if key in context:
            context[key][:] = [asset for asset in context[key] if not is_thebe(asset)]
    if doctree is not None and "mw-vega" in context.get("body", ""):
        app.add_js_file(BUNDLE, loading_method="defer")
        app.add_js_file("microwork-charts.js", loading_method="defer")


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", write_bundle)
    app.connect("html-page-context", add_chart_scripts)
    app.add_css_file("microwork.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}

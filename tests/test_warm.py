"""Kernels forked from a warm parent (microwork.pipeline.warm): warm, isolated from each other, and giving the same
chapter as a cold kernel does."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from microwork.analysis import drawing
from microwork.pipeline import warm
from microwork.pipeline.execute import ChapterError, execute_chapter, glued_values

pytestmark = pytest.mark.kernel


def notebook(path: Path, *cells: str) -> Path:
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells],
                                            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                     "language": "python"}}), path)
    return path


def printed(path: Path) -> dict:
    """What the notebook's last cell printed, as JSON."""
    cell = json.loads(path.read_text(encoding="utf-8"))["cells"][-1]
    return json.loads("".join(cell["outputs"][0]["text"]))


def run(source: Path, workdir: Path) -> Path:
    execute_chapter(source, workdir, {}, workdir.parent / "failed", timeout=120)
    return workdir / source.name


def test_a_chapter_sees_nothing_another_left_in_the_same_warm_parent(tmp_path):
    first = notebook(tmp_path / "first.ipynb",
                     "import json, sys, os\nimport microwork.analysis.book as book\n"
                     "book.LEFT_BEHIND = 1\njson.LEFT_BEHIND = 1\nsecret = 42\nos.environ['LEFT_BEHIND'] = '1'",
                     "print(json.dumps({'parent': os.getppid(), 'warm': 'pandas' in sys.modules}))")
    second = notebook(tmp_path / "second.ipynb",
                      "import json, sys, os\nimport microwork.analysis.book as book",
                      "print(json.dumps({'parent': os.getppid(), 'module': hasattr(book, 'LEFT_BEHIND'),\n"
                      "  'library': hasattr(json, 'LEFT_BEHIND'), 'variable': 'secret' in globals(),\n"
                      "  'environment': 'LEFT_BEHIND' in os.environ}))")
    with warm.warm_kernels():
        a = printed(run(first, tmp_path / "a"))
        b = printed(run(second, tmp_path / "b"))
    assert a["warm"] and a["parent"] == b["parent"] != os.getpid()  # both forked from the one parent
    assert b == {"parent": a["parent"], "module": False, "library": False, "variable": False, "environment": False}


def test_without_the_parent_kernels_start_cold(tmp_path):
    probe = notebook(tmp_path / "probe.ipynb",
                     "import json, sys\nprint(json.dumps({'warm': 'pandas' in sys.modules}))")
    assert warm.SOCKET_VARIABLE not in os.environ
    assert printed(run(probe, tmp_path / "cold")) == {"warm": False}


def test_a_warm_kernel_gives_the_chapter_a_cold_one_gives(tmp_path):
    source = ROOT / "chapters" / "size.ipynb"
    cold = run(source, tmp_path / "cold")
    with warm.warm_start():  # a warm kernel, its figures drawn by the drawing service
        warmed = run(source, tmp_path / "warm")
    assert glued_values(warmed) == glued_values(cold)
    files = {p.name: p.read_bytes() for p in (tmp_path / "cold" / "figures").iterdir()}
    assert {name.split(".", 1)[1] for name in files} == {"vl.json", "svg", "png", "csv"}
    assert files == {p.name: p.read_bytes() for p in (tmp_path / "warm" / "figures").iterdir()}


def test_a_kernel_the_parent_cannot_give_starts_cold():
    assert warm.kernel_arguments(["python", "-m", "ipykernel_launcher", "-f", "k.json"]) == ["-f", "k.json"]
    assert warm.kernel_arguments(["R", "--slave", "-e", "IRkernel::main()", "k.json"]) is None


def test_the_parent_ends_with_its_block():
    with warm.warm_kernels() as [path]:
        assert os.environ[warm.SOCKET_VARIABLE] == path and Path(path).exists()
    assert warm.SOCKET_VARIABLE not in os.environ and not Path(path).exists()


def test_a_bad_request_ends_only_itself_and_a_missing_parent_means_a_cold_kernel(tmp_path, monkeypatch):
    import socket

    probe = notebook(tmp_path / "probe.ipynb",
                     "import json, sys\nprint(json.dumps({'warm': 'pandas' in sys.modules}))")
    with warm.warm_kernels() as [path]:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:  # half a request, then gone
            connection.connect(path)
            connection.sendall(b'{"args": [')
        assert printed(run(probe, tmp_path / "after")) == {"warm": True}  # the parent still gives kernels
    monkeypatch.setenv(warm.SOCKET_VARIABLE, str(tmp_path / "no-parent.sock"))
    assert printed(run(probe, tmp_path / "cold")) == {"warm": False}


FRENCH = {"number": {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0€"]},
          "time": None}
SPEC = {"data": {"values": [{"x": 12766.5, "y": "Foule"}, {"x": 52000, "y": "Clic"}]}, "mark": "bar", "width": 300,
        "encoding": {"x": {"field": "x", "type": "quantitative", "axis": {"format": ",.1f"}},
                     "y": {"field": "y", "type": "nominal"}}}


def test_the_drawing_service_draws_what_this_process_draws():
    here = drawing.draw_here(SPEC, FRENCH["number"])
    with warm.drawing_service() as paths:
        assert len(paths) == warm.DRAWING_SERVICES == 2
        assert os.environ[drawing.SERVICE_VARIABLE] == os.pathsep.join(paths)
        served = drawing.draw(SPEC, FRENCH["number"])
        answered = [json.loads(drawing.exchange(path, json.dumps(drawing.request(SPEC, FRENCH["number"], None)).encode()))
                    for path in paths]
    assert "12\u202f766,5" in here.svg and here.png.startswith(b"\x89PNG")
    assert served == here and [drawing.drawing_from(a) for a in answered] == [here, here]  # byte for byte, each
    assert drawing.SERVICE_VARIABLE not in os.environ and not any(Path(path).exists() for path in paths)


def test_figures_go_to_each_service_in_turn_and_finished_waits_for_all(tmp_path, monkeypatch):
    handed = []
    send = drawing.send
    monkeypatch.setattr(drawing, "send", lambda path, message: (handed.append(path), send(path, message)))
    with warm.drawing_service() as paths:
        for number in range(4):
            drawing.draw_into({**SPEC, "width": 300 + number}, tmp_path / f"{number}.svg", tmp_path / f"{number}.png")
        drawing.finished(tmp_path)
        assert sorted(handed) == sorted(paths * 2) and handed[0] != handed[1]
    for number in range(4):  # every file written by the time finished() returned, as this process draws it
        drawn = drawing.draw_here({**SPEC, "width": 300 + number})
        assert (tmp_path / f"{number}.svg").read_text() == drawn.svg
        assert (tmp_path / f"{number}.png").read_bytes() == drawn.png


def test_a_spec_vl_convert_refuses_is_refused_by_the_service_too_and_the_service_goes_on():
    wrong = {**SPEC, "mark": "no-such-mark"}
    with pytest.raises(drawing.DrawingError) as here:
        drawing.draw_here(wrong)
    with warm.drawing_service() as paths:
        with pytest.raises(drawing.DrawingError) as served:
            drawing.draw(wrong)
        for broken in (b'{"spec": ', b'["not", "a request"]', b""):
            assert "not a drawing request" in json.loads(drawing.exchange(paths[0], broken))["error"]
        assert drawing.draw(SPEC) == drawing.draw_here(SPEC)  # still drawing
    assert "conversion failed" in str(here.value) and str(served.value) == str(here.value)


def test_without_the_service_charts_are_drawn_here(tmp_path, monkeypatch):
    monkeypatch.setenv(drawing.SERVICE_VARIABLE, str(tmp_path / "no-service.sock"))
    assert drawing.draw(SPEC) == drawing.draw_here(SPEC)


def test_figures_left_to_the_service_are_written_before_the_chapter_is_done_and_refusals_fail_it(tmp_path):
    chapter = notebook(tmp_path / "figures.ipynb",
                       "import pandas as pd\nfrom microwork.analysis import charts\n"
                       f"spec = {SPEC!r}\n"
                       "charts.export(spec, pd.DataFrame({'x': [1]}), 'good')\n"
                       "charts.export({**spec, 'mark': 'no-such-mark'}, pd.DataFrame({'x': [1]}), 'refused')",
                       "print('{}')")
    with warm.warm_start():
        with pytest.raises(ChapterError) as failed:
            run(chapter, tmp_path / "served")
    with pytest.raises(ChapterError) as failed_here:  # no service: the cell itself fails
        run(chapter, tmp_path / "here")
    assert "figure 'refused': Vega-Lite to SVG conversion failed" in str(failed.value)
    assert "DrawingError: Vega-Lite to SVG conversion failed" in str(failed_here.value)
    good = tmp_path / "served" / "figures" / "good"
    assert good.with_suffix(".svg").read_text() == drawing.draw_here(SPEC).svg  # written before run() returned
    assert good.with_suffix(".png").read_bytes() == drawing.draw_here(SPEC).png


def test_the_service_keeps_each_folders_refusals_until_that_folder_is_finished(tmp_path):
    kept = drawing.Service()
    ask = lambda **message: kept.answer(drawing.encoded(message))  # noqa: E731
    (tmp_path / "a").mkdir()
    assert ask(spec=SPEC, svg=str(tmp_path / "a" / "one.svg"), png=str(tmp_path / "a" / "one.png")) == b""
    assert (tmp_path / "a" / "one.svg").read_text() == drawing.draw_here(SPEC).svg
    ask(spec={**SPEC, "mark": "no-such-mark"}, svg=str(tmp_path / "a" / "two.svg"), png=str(tmp_path / "a" / "two.png"))
    ask(spec=SPEC, svg=str(tmp_path / "gone" / "three.svg"), png=str(tmp_path / "gone" / "three.png"))
    assert json.loads(ask(finished=str(tmp_path / "b"))) == {"errors": []}
    [refusal] = json.loads(ask(finished=str(tmp_path / "a")))["errors"]
    assert refusal.startswith("figure 'two': Vega-Lite to SVG conversion failed")
    assert json.loads(ask(finished=str(tmp_path / "a"))) == {"errors": []}  # told once
    [unwritable] = json.loads(ask(finished=str(tmp_path / "gone")))["errors"]
    assert unwritable.startswith("figure 'three': cannot write it:")


def test_finished_says_when_the_service_is_gone(tmp_path, monkeypatch):
    drawing.finished(tmp_path)  # no service: nothing to wait for
    monkeypatch.setenv(drawing.SERVICE_VARIABLE, str(tmp_path / "no-service.sock"))
    with pytest.raises(drawing.DrawingError, match="the drawing service ended before drawing the figures of"):
        drawing.finished(tmp_path)


def test_a_chart_drawn_once_is_read_back_the_same_and_another_spec_is_drawn_again(tmp_path):
    cache = tmp_path / "figures"
    first = drawing.drawn_once(SPEC, FRENCH["number"], None, cache)
    assert first == drawing.draw_here(SPEC, FRENCH["number"]) and len(list(cache.iterdir())) == 2
    for kept in cache.iterdir():  # what the cache holds is what is given back
        kept.write_bytes(kept.read_bytes().replace(b"Foule", b"Fouie"))
    assert "Fouie" in drawing.drawn_once(SPEC, FRENCH["number"], None, cache).svg
    assert drawing.drawn_once(SPEC, None, None, cache) == drawing.draw_here(SPEC)  # the English locale: drawn
    assert drawing.drawn_once({**SPEC, "width": 200}, FRENCH["number"], None, cache).svg != first.svg
    assert len(list(cache.iterdir())) == 6

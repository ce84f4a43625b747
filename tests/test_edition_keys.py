"""An edition is rendered again when what its pages show changes, not when a chapter is merely executed again."""

from __future__ import annotations

import copy
import json

from microwork.pipeline.build import edition_keys


def executed(when: str, where: str, value: str) -> bytes:
    """A notebook as papermill writes it: its execution's times and paths in the metadata, one output."""
    return json.dumps({
        "metadata": {"papermill": {"parameters": {"a": 1}, "start_time": when, "end_time": when, "duration": 0.5,
                                   "input_path": f"{where}/chapters/x.ipynb", "output_path": f"{where}/out.ipynb",
                                   "exception": None, "version": "2.7.0"}},
        "cells": [{"cell_type": "code", "id": "c1", "execution_count": 1, "source": "x",
                   "metadata": {"execution": {"iopub.status.idle": when}, "papermill": {"duration": 0.1},
                                "tags": ["remove-input"]},
                   "outputs": [{"output_type": "stream", "name": "stdout", "text": value}]}],
        "nbformat": 4, "nbformat_minor": 5}).encode()


def test_a_chapter_executed_again_with_the_same_outputs_keeps_the_keys(repo_root):
    first = {"chapters/x.ipynb": executed("2026-12-07T10:00:00", "/home/a/book", "12,766"), "page.md": b"# Page"}
    again = {**first, "chapters/x.ipynb": executed("2026-12-07T11:30:00", "/tmp/copy", "12,766")}
    assert edition_keys(repo_root, first) == edition_keys(repo_root, again)


def test_what_a_page_shows_changes_the_keys(repo_root):
    first = {"chapters/x.ipynb": executed("2026-12-07T10:00:00", "/home/a/book", "12,766"), "page.md": b"# Page"}
    changed_output = {**first, "chapters/x.ipynb": executed("2026-12-07T10:00:00", "/home/a/book", "12,767")}
    notebook = json.loads(first["chapters/x.ipynb"])
    retagged = copy.deepcopy(notebook)
    retagged["cells"][0]["metadata"]["tags"] = []
    reparameterised = copy.deepcopy(notebook)
    reparameterised["metadata"]["papermill"]["parameters"] = {"a": 2}
    keys = edition_keys(repo_root, first)
    for other in (changed_output, {**first, "chapters/x.ipynb": json.dumps(retagged).encode()},
                  {**first, "chapters/x.ipynb": json.dumps(reparameterised).encode()},
                  {**first, "page.md": b"# Page\n"}, {**first, "chapters/x.ipynb": b"{not json"}):
        assert edition_keys(repo_root, other) != keys

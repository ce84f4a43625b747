"""The book is rendered from its own ``_config.yml``, with Jupyter Book's configuration overrides on top."""

import pytest
import yaml

from conftest import ROOT
from microwork.pipeline import render
from microwork.pipeline.build import BOOK_FILES, stage_files


@pytest.mark.build
def test_the_staged_configuration_is_the_books(built_book):
    files = stage_files(built_book)
    assert {name: files[name] for name in BOOK_FILES} == {name: (built_book / name).read_bytes() for name in BOOK_FILES}


def test_render_switches_execution_off_over_the_book_configuration():
    from jupyter_book.config import get_final_config

    book = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert book["execute"]["execute_notebooks"] == "force", "a plain `jupyter-book build .` executes the notebooks"
    config, _ = get_final_config(user_yaml=ROOT / "_config.yml", cli_config=dict(render.OVERRIDES), sourcedir=ROOT)
    assert config["nb_execution_mode"] == "off"
    assert config["nb_execution_timeout"] == book["execute"]["timeout"], "the rest of the book's settings still apply"

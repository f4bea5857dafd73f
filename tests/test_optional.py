"""Optional extras: the core install does not need spaCy."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_spacy_is_an_extra_not_a_core_dependency():
    import tomllib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not [d for d in meta["dependencies"] if d.lower().startswith("spacy")]
    assert [d for d in meta["optional-dependencies"]["spacy"] if d.lower().startswith("spacy")]


def test_the_spacy_pipeline_without_spacy_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)  # as if not installed
    from jixiao.pipeline.nlp import make_nlp

    with pytest.raises(ImportError, match=r"jixiao\[spacy\]"):
        make_nlp()


def test_no_command_module_imports_spacy():
    import subprocess

    code = ("import sys, jixiao.cli, jixiao.pipeline.enrich, jixiao.index.ingest, jixiao.models.suggest, "
            "jixiao.pipeline.nlp; print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"

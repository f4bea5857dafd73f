"""Start-up: each command imports only what it uses (timings live in bench/bench_startup.py)."""

import json
import subprocess
import sys

import pytest

from tests.conftest import SEED

HEAVY = ("sklearn", "scipy", "numpy", "skops", "jieba", "spacy", "yaml", "asyncio", "urllib.request")


def _modules_after(args, tmp_path, stdin=None):
    code = ("import sys, runpy; sys.argv = ['jixiao'] + " + repr(args) + "\n"
            "try:\n    runpy.run_module('jixiao', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "import json; sys.stderr.write('\\nMODULES ' + json.dumps(sorted(sys.modules)))")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / "data"), "PATH": ""}
    for _ in range(2):  # the first run fills the user cache (the taxonomy's JSON copy); the second is typical
        r = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True, text=True, env=env)
    return set(json.loads(r.stderr.rsplit("MODULES ", 1)[1])), r.stdout


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    from click.testing import CliRunner

    from jixiao.cli import cli

    ix = tmp_path_factory.mktemp("ix") / "index"
    assert CliRunner().invoke(cli, ["ingest", str(SEED), "--index", str(ix), "-q"]).exit_code == 0
    return str(ix)


def test_suggest_imports_no_heavy_library(tmp_path, index):
    mods, out = _modules_after(["suggest", "培训人次", "--index", index], tmp_path)
    assert "数量指标" in out and "过去" in out
    assert not [m for m in HEAVY if m in mods]


def test_classify_imports_no_heavy_library(tmp_path):
    mods, out = _modules_after(["classify"], tmp_path, stdin="培训人次\n")
    assert json.loads(out)["level2"] == "数量指标"
    assert not [m for m in HEAVY if m in mods]


def test_search_imports_no_heavy_library(tmp_path, index):
    mods, out = _modules_after(["search", "演练", "--index", index], tmp_path)
    assert "演练" in out
    assert not [m for m in HEAVY if m in mods]


def test_whoosh_stand_ins_leave_the_real_modules_to_everyone_else():
    code = ("import sys, jixiao.index.whoosh_store, cached_property, whoosh.compat\n"
            "assert 'asyncio' not in sys.modules and 'urllib.request' not in sys.modules\n"
            "async def f(): pass\n"
            "assert cached_property.asyncio.iscoroutinefunction(f)\n"
            "import asyncio, urllib.request\n"
            "assert asyncio.run is not None and urllib.request.urlopen and hasattr(asyncio, '__file__')\n"
            "print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr

"""Every `jixiao …` line in the README's code blocks runs as written in a fresh copy of the checkout.

The lines run in README order (ingest before search, train before evaluate), each with bash in the
copy's root, with the index and the user's data directory in a temporary home.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# `jixiao` as a command word: at the start, or after a pipe, && or ;
COMMAND = re.compile(r"(?:^|[|&;]\s*)jixiao\s")


def readme_lines() -> list[str]:
    lines, block = [], None
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            block = None if block is not None else line[3:].strip()
            continue
        if block in ("bash", "sh", "console", "shell") and COMMAND.search(line):
            cmd = line.split("  #")[0].strip()  # a trailing comment explains, it does not run
            # The install step of the quick start is the test environment's own.
            cmd = re.sub(r"^pip install [^&]*&&\s*", "", cmd)
            lines.append(cmd)
    return lines


LINES = readme_lines()


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    dest = tmp_path_factory.mktemp("checkout") / "jixiao"
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(
        ".git", ".venv", "__pycache__", "*.egg-info", ".pytest_cache", "bench"))
    home = tmp_path_factory.mktemp("home")
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CACHE_HOME=str(home / "cache"), XDG_CONFIG_HOME=str(home / "config"),
               PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    env.pop("JIXIAO_INDEX", None)
    return dest, env


def test_readme_has_examples():
    assert len(LINES) >= 10, LINES


@pytest.mark.slow
@pytest.mark.parametrize("cmd", LINES, ids=[f"{i:02d}" for i in range(len(LINES))])
def test_readme_example_runs(checkout, cmd):
    root, env = checkout
    r = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=root, env=env, capture_output=True,
                       text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, f"{cmd!r} exited {r.returncode}:\n{r.stderr[-2000:]}"

"""CLI surface: help texts, version, lazy imports, and README coverage of every command."""

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao import __version__
from jixiao.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def test_version():
    r = CliRunner().invoke(cli, ["--version"])
    assert r.exit_code == 0 and __version__ in r.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_and_is_in_the_readme(name):
    r = CliRunner().invoke(cli, [name, "--help"])
    assert r.exit_code == 0
    assert "Example" in r.output, f"{name} help lacks an Example"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"jixiao {name}" in readme, f"README does not mention `jixiao {name}`"


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; from jixiao.cli import cli; from click.testing import CliRunner;"
            "CliRunner().invoke(cli, ['--help']);"
            "heavy = [m for m in ('sklearn', 'jieba', 'whoosh', 'spacy', 'docx', 'openpyxl', 'pdfplumber', 'numpy')"
            " if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_usage_error_exits_2():
    r = CliRunner().invoke(cli, ["search"])
    assert r.exit_code == 2

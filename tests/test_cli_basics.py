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


# ---------------------------------------------------------------- tables for people

def _lines(text):
    from rich.cells import cell_len

    return [(line, cell_len(line)) for line in text.splitlines()]


LABELS = ["数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
          "可持续影响指标", "服务对象满意度指标"]


@pytest.mark.parametrize("width", [80, 120, 200])
def test_tables_fit_the_terminal_and_keep_short_cells_whole(width):
    import io

    from jixiao.output import print_table

    buf = io.StringIO()
    long = "对全市因灾造成冬春期间生活出现困难的人员提供口粮、饮水、衣被、取暖等基本生活救助的总体救助率达到90%"
    print_table([[label, long, 12, "95%"] for label in LABELS], ["二级指标", "叙述目标", "数量", "指标值"],
                file=buf, width=width)
    lines = _lines(buf.getvalue())
    assert max(w for _, w in lines) <= width
    for label in LABELS:  # a category name is never broken over two lines
        assert any(label in line for line, _ in lines), label
    row = next(line for line, _ in lines if "数量指标" in line)
    assert "12" in row and "95%" in row


def test_a_confusion_table_fits_80_columns_without_wrapping_numbers():
    import io

    from jixiao.output import print_table

    buf = io.StringIO()
    print_table([[a] + [12] * 9 + [108] for a in LABELS], ["文档 stated \\ 模型 model"] + [a[:2] for a in LABELS]
                + ["合计"], file=buf, width=80)
    lines = _lines(buf.getvalue())
    assert max(w for _, w in lines) <= 80
    rows = [line for line, _ in lines if line.startswith(tuple(LABELS))]
    assert len(rows) == 9 and all(line.split()[1:] == ["12"] * 9 + ["108"] for line in rows)


def test_empty_columns_can_be_dropped():
    import io

    from jixiao.output import print_table

    buf = io.StringIO()
    print_table([["装备数量", "95%", None]], ["三级指标", "指标值", "实际完成值"], file=buf, drop_empty=True)
    assert "实际完成值" not in buf.getvalue() and "装备数量" in buf.getvalue()


def test_cells_are_text_not_rich_markup():
    import io

    from jixiao.output import print_table

    # "[/]" raised rich's MarkupError (a traceback for extract/classify/suggest --format table);
    # "[b]" vanished as bold and ":100:" became an emoji
    cells = ["[/]培训", "[b]x[/b]", "比例:100:1"]
    buf = io.StringIO()
    print_table([[c] for c in cells], ["[/] 指标"], file=buf, width=80)
    assert all(c in buf.getvalue() for c in cells + ["[/] 指标"])


def test_a_table_cut_short_by_head_exits_0_like_other_output(seed_path):
    import subprocess
    import sys

    # rich answers a broken pipe with exit status 1: `jixiao parse --format table | head` "failed"
    p = subprocess.Popen([sys.executable, "-m", "jixiao", "parse", "--no-classify", "--format", "table",
                          *[str(seed_path)] * 8],  # one table per project, far more than a pipe holds
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.readline()
    p.stdout.close()
    assert p.wait(timeout=60) == 0 and p.stderr.read() == b""


def test_terminal_width_follows_columns(monkeypatch):
    from jixiao.output import terminal_width

    monkeypatch.setenv("COLUMNS", "93")
    assert terminal_width() == 93


@pytest.mark.parametrize("target, text", [
    ({"kind": "numeric", "op": ">=", "value": 95, "unit": "%"}, "≥95%"),
    ({"kind": "numeric", "op": None, "implied_op": ">=", "value": 10000, "unit": "份"}, "10000份"),
    ({"kind": "numeric", "op": "<=", "value": 24, "unit": "小时"}, "≤24小时"),
    ({"kind": "numeric", "op": "between", "value": 60, "value_max": 80, "unit": "%"}, "60–80%"),
    ({"kind": "change", "direction": "decrease", "baseline": "2015年末", "value": 10, "unit": "%"},
     "较2015年末下降10%"),
    ({"kind": "deadline", "op": "<=", "date": "2022-12"}, "≤2022-12"),
    ({"kind": "deadline", "op": "<=", "date": "--12"}, "≤12月"),  # yearless: never ≤--12 to people
    ({"kind": "deadline", "op": None, "date": "--12-30"}, "≤12月30日"),
    ({"kind": "reference", "op": "<=", "reference": "核定数"}, "≤核定数"),
    ({"kind": "qualitative", "raw": "保障机关正常运转"}, ""),
    ({"kind": "na", "raw": "未涉及"}, "不适用"),
    (None, ""),
])
def test_target_text_for_people(target, text):
    from jixiao.output import target_text

    assert target_text(target) == text


def test_extract_table_prints_each_text_once():
    r = CliRunner(env={"COLUMNS": "80"}).invoke(
        cli, ["extract", "--format", "table", "安全生产月发放宣传品1万份，抽查率达到50%，较2015年末下降10%"])
    assert r.exit_code == 0
    assert r.output.count("安全生产月发") == 1
    assert "≥50%" in r.output and "较2015年末下降10%" in r.output and "(>=)" in r.output
    assert max(w for _, w in _lines(r.output)) <= 80


def test_parse_table_groups_rows_by_project():
    seed = ROOT / "corpus" / "samples" / "chengde_2021_yingji.txt"
    r = CliRunner(env={"COLUMNS": "80"}).invoke(cli, ["parse", str(seed), "--format", "table", "--no-classify"])
    assert r.exit_code == 0
    out = r.output
    assert "[1] 承德市森林草原火灾应急能力建设项目  预算 132.4 万元" in out
    assert out.count("承德市森林草原火灾应急能力建设项目") == 1  # a heading, not a column on every row
    assert "实际完成值" not in out  # a target document has no 实际完成值: the empty column is left out
    assert "≥50%" in out and "较2015年末下降10%" in out  # narrative targets, normalized
    assert max(w for _, w in _lines(out)) <= 80


@pytest.mark.parametrize("name", [None, *sorted(cli.commands)])
def test_bilingual_help_fits_an_80_column_terminal(name):
    r = CliRunner().invoke(cli, ([name] if name else []) + ["--help"], terminal_width=80)
    assert r.exit_code == 0
    too_wide = [line for line, w in _lines(r.output) if w > 80]
    assert not too_wide, too_wide


@pytest.mark.parametrize("args", [
    ["search", "演练", "--format", "xlsx"],
    ["search", "演练", "--from", "2022", "--to", "2021"],
    ["search", "演练", "--min", "90", "--max", "10"],
    ["compare", "--department", "x", "--from", "2022", "--to", "2021"],
    ["compare", "--department", "x", "--from", "2021", "--to", "2022", "--format", "xlsx"],
])
def test_contradictory_options_are_usage_errors(args, tmp_path):
    r = CliRunner().invoke(cli, args + ["--index", str(tmp_path / "none")])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output


def _path_arguments():
    """(command, param) for every argument or option that must name an existing path."""
    from jixiao.cli import InputPath

    for name, cmd in sorted(cli.commands.items()):
        for p in cmd.params:
            if isinstance(p.type, InputPath) and p.type.exists:
                yield name, p


@pytest.mark.parametrize("command, param", list(_path_arguments()), ids=lambda x: getattr(x, "name", x))
def test_a_missing_path_is_one_bilingual_line_for_every_command(tmp_path, command, param):
    missing = str(tmp_path / "没有这个文件.docx")
    args = [command]
    args += [missing] if param.param_type_name == "argument" else [param.opts[0], missing]
    for other in cli.commands[command].params:  # other required options get a harmless value
        if other is not param and other.required and other.param_type_name == "option":
            args += [other.opts[0], str(tmp_path / "out.skops")]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 1, r.output
    assert r.stderr.strip().splitlines() == [f"错误 Error: {missing}: [R001] 文件或文件夹不存在 no such file or folder"]


def test_path_commands_are_covered():
    assert {c for c, _ in _path_arguments()} >= {"parse", "ingest", "train", "evaluate"}


def test_every_existing_path_argument_says_missing_in_both_languages():
    import click

    from jixiao.cli import InputPath

    for name, cmd in cli.commands.items():
        for p in cmd.params:
            if isinstance(p.type, click.Path) and p.type.exists:
                assert isinstance(p.type, InputPath), f"{name} {p.name}: use InputPath(exists=True)"

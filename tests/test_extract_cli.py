"""``jixiao extract``: one JSON result per input line (or for TEXT), targets with [start, end) spans."""

from __future__ import annotations

import json

import pytest

from click.testing import CliRunner

from jixiao.cli import cli


def run(args, stdin=None):
    result = CliRunner().invoke(cli, ["extract", *args], input=stdin)
    assert result.exit_code == 0, result.output
    return result.output


def test_stdin_lines_give_one_result_each_with_spans():
    lines = ["≥95%", "安全生产月发放宣传品1万份，抽查率达到50%", "未涉及", "", "较2015年末下降10%"]
    out = run([], "\n".join(lines) + "\n").splitlines()
    results = [json.loads(line) for line in out]
    assert [r["text"] for r in results] == lines
    for r in results:
        for t in r["targets"]:
            s, e = t["span"]
            assert 0 <= s <= e <= len(r["text"])
            if r["text"]:
                assert r["text"][s:e] == t["raw"]
    assert [(t["op"], t["value"], t["unit"]) for t in results[0]["targets"]] == [(">=", 95, "%")]
    assert [(t["value"], t["unit"]) for t in results[1]["targets"]] == [(10000, "份"), (50, "%")]
    assert results[1]["targets"][1]["span"] == [17, 22]
    assert [t["kind"] for t in results[2]["targets"]] == ["na"]
    assert [t["kind"] for t in results[3]["targets"]] == ["na"]
    change = results[4]["targets"][0]
    assert (change["kind"], change["direction"], change["baseline"]) == ("change", "decrease", "2015年末")


def test_text_argument_and_crlf_input():
    r = json.loads(run(["24小时内报送"]))
    assert [(t["op"], t["value"], t["unit"], t["span"]) for t in r["targets"]] == [("<=", 24, "小时", [0, 5])]
    out = run([], "９５％\r\n3次\r\n").splitlines()
    assert [json.loads(line)["text"] for line in out] == ["９５％", "3次"]


def test_table_format_lists_each_target():
    out = run(["--format", "table"], "≥95%\n光纤故障率5%，满意率达到90%以上并持续改进服务水平\n")
    assert "95" in out and "故障率" in out and "<=" in out and ">=" in out


def test_bad_format_is_a_usage_error():
    result = CliRunner().invoke(cli, ["extract", "--format", "xml", "x"])
    assert result.exit_code == 2


def test_a_giant_digit_run_does_not_crash_the_json_output():
    out = run([], "1" * 5000 + "\n")
    assert json.loads(out)["text"] == "1" * 5000


def test_gb18030_stdin_reads_as_chinese_and_binary_stdin_is_one_error():
    # stdin used to be decoded by the locale: GBK input read as mojibake and 不低于95% lost its comparator
    r = CliRunner().invoke(cli, ["extract"], input="不低于95%\n".encode("gb18030"))
    assert r.exit_code == 0
    assert [(t["op"], t["value"]) for t in json.loads(r.stdout)["targets"]] == [(">=", 95)]
    r = CliRunner().invoke(cli, ["extract"], input=bytes(range(256)))
    assert r.exit_code == 1 and r.stderr.startswith("错误 Error: stdin line 1: [R004]")
    assert len(r.stderr.splitlines()) == 1


def test_json_lines_carry_the_row_context():
    lines = [
        '{"value": "90", "name": "任务完成率"}',
        '{"value": "28", "level3": "改造面积(万亩)"}',
        '{"value": "470", "name": "差旅费", "unit": "人/天"}',
        '{"value": "3", "name": "设备故障率"}',
        '{"value": "12月底前", "name": "完成时间", "year": 2023}',
        '90',
    ]
    out = [json.loads(line) for line in run([], "\n".join(lines) + "\n").splitlines()]
    got = [(r["targets"][0]["value"], r["targets"][0]["unit"], r["targets"][0]["implied_op"]) for r in out[:4]]
    assert got == [(90, "%", ">="), (280000, "亩", ">="), (470, "人/天", "<="), (3, "%", "<=")]
    assert out[4]["targets"][0]["date"] == "2023-12"
    assert [r["text"] for r in out] == ["90", "28", "470", "3", "12月底前", "90"]
    assert out[0]["name"] == "任务完成率" and out[1]["name"] == "改造面积(万亩)" and "name" not in out[5]
    assert out[5]["targets"][0]["unit"] is None  # a plain line has no context


def test_a_bad_json_line_is_named_and_the_others_still_answer():
    r = CliRunner().invoke(cli, ["extract"], input='{"value": "95%"}\n{"value": 95, "name": ["x"]}\n{not json}\n')
    assert r.exit_code == 1
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert out[0]["targets"][0]["value"] == 95 and out[1]["line"] == 2 and out[2]["line"] == 3
    assert "line 2" in r.stderr and "line 3: not valid JSON" in r.stderr
    assert "2 input line(s) could not be read" in r.stderr


@pytest.mark.parametrize("args, stdin, where", [([""], None, "TEXT"), (["   "], None, "TEXT"), ([], "", "stdin")])
def test_empty_input_is_a_clear_error(args, stdin, where):
    r = CliRunner().invoke(cli, ["extract", *args], input=stdin)
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr.startswith(f"错误 Error: {where}: [R002]")
    assert ("empty text" if where == "TEXT" else "no input") in r.stderr


def test_table_shows_the_name_and_a_yearless_deadline_for_people():
    out = run(["--format", "table"], '{"value": "90", "name": "任务完成率"}\n12月30日前\n')
    assert "任务完成率 | 90" in out and "90%" in out
    assert "≤12月30日" in out and "--12" not in out

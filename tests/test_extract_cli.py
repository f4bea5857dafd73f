"""``jixiao extract``: one JSON result per input line (or for TEXT), targets with [start, end) spans."""

from __future__ import annotations

import json

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

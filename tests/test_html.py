"""The web-page reader: charsets, the HTML table model, site chrome, and the seed as two real-looking pages."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

import pytest

from jixiao.corpus.blocks import Paragraph, Table
from jixiao.corpus.html import cell_text, decode, read_html
from jixiao.corpus.layout import build_document
from jixiao.corpus.readers import read
from jixiao.errors import TooLargeError

if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))
import html_fixtures as hx  # noqa: E402
import office_fixtures as fx  # noqa: E402

CHROME = ("ICP", "公网安备", "分享", "当前位置", "隐藏的旧版本", "相关文章", "浏览次数", "打印本页", "政务公开",
          "跳到正文", "请输入关键词", "_hmt", "color:")


def gold_table(projects: list[dict]) -> list[tuple]:
    return [(i["level1"], i["level2"], i["level3"], i["value"]) for p in projects for i in p["indicators"]]


@pytest.mark.parametrize("name,build,encoding", [("seed_gb2312.html", hx.gb2312_page, "gb18030"),
                                                 ("seed_utf8.htm", hx.utf8_page, "utf-8")])
def test_seed_pages_give_the_projects_budgets_and_exactly_the_gold_rows(seed_gold, tmp_path, name, build, encoding):
    path = tmp_path / name
    path.write_bytes(build(seed_gold))
    raw = read(path)
    assert raw.format == "html" and raw.encoding == encoding
    doc = build_document(raw)
    projects = seed_gold["projects"]
    assert [(p.code, p.name) for p in doc.projects] == [(p["code"], p["name"]) for p in projects]
    assert [(p.budget.total, p.budget.fiscal) for p in doc.projects] == \
        [(p["budget_wan"], p["fiscal_wan"]) for p in projects]
    assert [(i.level1, i.level2, i.level3, i.value) for _, i in doc.indicators()] == gold_table(projects)
    assert len(list(doc.indicators())) == 108
    assert (doc.year, doc.department, doc.source.format) == (2021, "承德市应急管理局", "html")
    assert not [w for w in doc.warnings if w.code != "W-MODEL-DISAGREES"]
    for word in CHROME:
        assert word not in raw.text, word
    first = [b.text for b in raw.blocks[:2]]
    assert first[0] == hx.TITLE and first[1].startswith("发布") and "来源：承德市应急管理局" in first[1]
    assert "【" not in first[1] and "1024" not in first[1]


def test_tables_expand_rowspan_and_colspan_into_the_blocks_convention():
    page = """<table><tr><td rowspan=3>产出指标</td><td colspan=2>数量指标</td><td>4次</td></tr>
      <tr><td>a</td><td rowspan=0>b</td><td>1</td></tr><tr><td>c</td><td>2</td></tr>
      <tr><td colspan="3junk">x</td></tr></table>"""
    raw = read_html(page.encode(), "t.html")
    assert raw.blocks == [Table([["产出指标", "数量指标", "", "4次"], ["", "a", "b", "1"], ["", "c", "", "2"],
                                 ["x", "", "", ""]])]


def test_cells_of_paragraph_spans_breaks_and_nbsp_are_normalized():
    import lxml.html

    cell = lxml.html.fragment_fromstring(
        '<td><p class="MsoNormal"><span>&nbsp;小于等于</span><span lang="EN-US">95</span><span>%&nbsp;</span></p>'
        '<p><span>\n  年初工作\n  计划</span></p>第二行<br>第三行</td>')
    assert cell_text(cell) == "小于等于95%\n年初工作计划\n第二行\n第三行"


def test_a_layout_table_around_the_page_does_not_swallow_the_content_table():
    page = """<html><body><table><tr><td class="nav"><a>首页</a> <a>政务公开</a></td></tr>
      <tr><td><p>承德市应急管理局2021年度绩效目标</p>
        <table><tr><td>一级指标</td><td>二级指标</td></tr><tr><td>产出指标</td><td>数量指标</td></tr></table>
        <p>说明文字</p></td></tr></table></body></html>"""
    raw = read_html(page.encode(), "t.html")
    assert raw.blocks == [Paragraph("承德市应急管理局2021年度绩效目标"),
                          Table([["一级指标", "二级指标"], ["产出指标", "数量指标"]]), Paragraph("说明文字")]


def test_hidden_elements_scripts_and_footers_are_not_content():
    page = """<html><head><title>2021年度绩效目标 | 某某市人民政府网站</title></head><body><script>var x = "产出指标";</script>
      <div hidden>隐藏一</div><div style="DISPLAY: none">隐藏二</div><span aria-hidden="true">隐藏三</span>
      <p>正文</p><!-- 注释 --><div class="footer">版权所有 ©2021</div><p>冀ICP备12345678号</p></body></html>"""
    raw = read_html(page.encode(), "t.html")
    assert [b.text for b in raw.blocks] == ["2021年度绩效目标", "正文"]


# ---------------------------------------------------------------- charsets

TEXT = "绩效目标：满意度≥95%，䶮"  # 䶮 is in GB18030 but not in GBK: pages declared GBK carry it anyway


@pytest.mark.parametrize("data,expected", [
    (f'<meta charset="gb2312"><p>{TEXT}</p>'.encode("gb18030"), "gb18030"),
    (f'<meta http-equiv="Content-Type" content="text/html; charset=GBK"><p>{TEXT}</p>'.encode("gb18030"), "gb18030"),
    (f"<p>{TEXT}</p>".encode("gb18030"), "gb18030"),  # nothing declared, not UTF-8
    (f"<p>{TEXT}</p>".encode(), "utf-8"),
    (codecs.BOM_UTF8 + f'<meta charset="gb2312"><p>{TEXT}</p>'.encode(), "utf-8"),  # the BOM wins
    (codecs.BOM_UTF16_LE + f"<p>{TEXT}</p>".encode("utf-16-le"), "utf-16-le"),
    (f'<meta charset="x-no-such-charset"><p>{TEXT}</p>'.encode(), "utf-8"),
    (f'<meta charset="utf-8"><p>{TEXT}</p>'.encode("gb18030"), "gb18030"),  # declared wrong: bytes decide
    (f'<?xml version="1.0" encoding="gb2312"?><html><body><p>{TEXT}</p></body></html>'.encode("gb18030"), "gb18030"),
])
def test_charset_from_bom_then_meta_then_content(data, expected):
    text, enc = decode(data)
    assert enc == expected and TEXT in text
    assert read_html(data, "t.html").blocks[-1] == Paragraph(TEXT)


def test_a_page_of_undecodable_bytes_is_one_line(tmp_path):
    from jixiao.errors import ReadError

    with pytest.raises(ReadError) as info:
        read_html(b'<meta charset="utf-8">' + bytes(range(0x80, 0x100)) * 40, "bad.html")
    assert str(info.value).startswith("bad.html: [R001]") and "\n" not in str(info.value)


def test_spans_past_any_real_table_are_refused():
    rows = "".join(f'<tr><td colspan="100000000">{i}</td></tr>' for i in range(2500))
    with pytest.raises(TooLargeError) as info:
        read_html(f"<table>{rows}</table>".encode(), "big.html")
    assert str(info.value).startswith("big.html: [R006]")


def test_parse_command_reads_a_page_and_folders_include_html(seed_gold, tmp_path):
    import json

    from click.testing import CliRunner

    from jixiao.cli import cli

    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "seed.htm").write_bytes(hx.utf8_page(seed_gold))
    r = CliRunner().invoke(cli, ["parse", str(tmp_path / "pages"), "--format", "jsonl"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output.splitlines()[0])
    assert doc["source"]["format"] == "html" and len(doc["projects"]) == 12

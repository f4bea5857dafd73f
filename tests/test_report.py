"""Comparison reports: json/md/html/csv/xlsx, two years and several, and ``jixiao compare`` end to end."""

from __future__ import annotations

import csv
import io
import json
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.errors import JixiaoError
from jixiao.index.compare import compare_documents, compare_years
from jixiao.index.report import render, write_report

if str(Path(__file__).parent) not in sys.path:  # --import-mode=importlib leaves tests/ off sys.path
    sys.path.insert(0, str(Path(__file__).parent))
from compare_fixtures import DEPT, docs_2021, docs_2022, ind  # noqa: E402

SCRIPT = "<script>alert('x')</script>"


def planted_2022():
    """2022 with a script planted in a project name, an indicator value and a narrative clause."""
    d = docs_2022()
    d.projects[1].name = "应急指挥平台运维费" + SCRIPT
    d.projects[1].indicators[0].value = '98%"><img src=x onerror=alert(1)>'
    d.sections[0].targets[-1].text = "开展应急科普进社区活动20场" + SCRIPT
    return d


@pytest.fixture(scope="module")
def result():
    return compare_documents(DEPT, 2021, [docs_2021()], 2022, [planted_2022()])


@pytest.fixture(scope="module")
def multi():
    d23 = docs_2022()
    d23.year = 2023
    d23.projects[2].indicators[0] = ind("数量指标", "应急演练次数", "6次")
    return compare_years(DEPT, {2021: [docs_2021()], 2022: [docs_2022()], 2023: [d23]})


# ---------------------------------------------------------------- json

def test_json_follows_the_contract(result):
    d = json.loads(render(result, "json"))
    assert (d["department"], d["from"], d["to"]) == (DEPT, 2021, 2022)
    for p in d["projects"]:
        assert {"status", "from_name", "to_name", "budget", "indicators"} <= set(p)
        assert {"from", "to"} <= set(p["budget"])
        for i in p["indicators"]:
            assert {"status", "from_level3", "to_level3", "level2", "from_value", "to_value", "from_target",
                    "to_target"} <= set(i)
            assert i["status"] in ("same", "changed", "added", "removed")
    assert all({"status", "from_text", "to_text", "from_target", "to_target"} <= set(n) for n in d["narrative"])
    assert d["summary"]["projects"]["added"] == 1


# ---------------------------------------------------------------- markdown

def test_markdown_summary_first_then_changes(result):
    md = render(result, "md")
    assert md.index("## 摘要") < md.index("## 项目") < md.index("## 叙述目标")
    assert "| 项目 | 1 | 1 | 7 | 1 |" in md  # added, removed, changed, same
    assert "331.77 → 354.3 万元（+22.53，+6.79%）" in md
    assert "| 变化 | 数量指标 | 应急演练次数 | 应急演练次数 | 3次 | 4次 | 提高 |" in md
    assert "### [变化、改名] 安全生产专家劳务费 → 安全生产专家咨询劳务费" in md
    assert "- 物业管理费（57.3 → 57.3 万元（不变），4 项指标）" in md
    assert "<script>" not in md and "\\<script\\>" in md  # planted HTML shows as text in a renderer
    # unchanged rows are counted, not listed
    assert "| 不变 | 服务对象满意度指标 | 企业满意度" not in md


def test_markdown_escapes_table_pipes():
    a, b = docs_2021(), docs_2022()
    b.projects[3].indicators[1].value = "95%|96%"
    md = render(compare_documents(DEPT, 2021, [a], 2022, [b]), "md")
    assert "95%\\|96%" in md


# ---------------------------------------------------------------- html

class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text = set(), [], []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs += [k for k, _ in attrs]

    def handle_data(self, data):
        self.text.append(data)


def test_html_escapes_document_text(result):
    page = render(result, "html")
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    p = TagCollector()
    p.feed(page)
    assert not {"script", "img", "iframe", "link", "object"} & p.tags
    assert not [a for a in p.attrs if a.startswith("on")]
    # the planted text is shown to the reader as text
    assert any(SCRIPT in t for t in p.text)


def test_html_is_self_contained_with_charts(result):
    page = render(result, "html")
    assert "http://" not in page and "https://" not in page and "@import" not in page
    assert page.count("<svg") == 2  # direction of changes, budget by project
    assert 'name="viewport"' in page and "@media print" in page and "@media (max-width" in page
    # both years' bars for a project in the budget chart
    assert "<title>2021: 30 万元</title>" in page and "<title>2022: 35 万元</title>" in page
    assert '<span class="c-raised">提高</span>' in page


# ---------------------------------------------------------------- csv and xlsx

def test_csv_one_row_per_indicator_and_clause(result):
    rows = list(csv.DictReader(io.StringIO(render(result, "csv"))))
    n_ind = sum(len(p["indicators"]) for p in result["projects"])
    assert len(rows) == n_ind + len(result["narrative"])
    drill = next(r for r in rows if r["to_level3"] == "应急演练次数")
    assert (drill["status"], drill["change"], drill["from_value"], drill["to_value"]) == ("changed", "raised",
                                                                                          "3次", "4次")
    assert {r["kind"] for r in rows} == {"indicator", "narrative"}


def test_csv_file_has_a_bom_for_excel(result, tmp_path):
    path = tmp_path / "c.csv"
    write_report(result, "csv", out_path=str(path))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_xlsx_summary_and_filtered_indicator_sheet(result, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "r.xlsx"
    write_report(result, "xlsx", out_path=str(path))
    wb = load_workbook(path)
    assert wb.sheetnames == ["摘要", "项目", "指标变化"]
    ws = wb["指标变化"]
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    header = [c.value for c in ws[1]]
    assert header[:5] == ["kind", "project_status", "from_project", "to_project", "status"]
    assert ws.max_row == 1 + sum(len(p["indicators"]) for p in result["projects"]) + len(result["narrative"])
    summary = {r[0]: r[1] for r in wb["摘要"].iter_rows(min_row=2, values_only=True)}
    assert summary["项目 新增 added"] == 1 and summary["预算变化（万元）"] == pytest.approx(22.53)
    assert wb["摘要"].auto_filter.ref


def test_xlsx_needs_a_file(result):
    with pytest.raises(JixiaoError, match="-o FILE"):
        write_report(result, "xlsx", out_path=None, out=io.StringIO())


# ---------------------------------------------------------------- several years

def test_multi_year_rows_across_years(multi, tmp_path):
    rows = list(csv.DictReader(io.StringIO(render(multi, "csv"))))
    drill = next(r for r in rows if r["level3"] == "应急演练次数")
    assert (drill["value_2021"], drill["value_2022"], drill["value_2023"]) == ("3次", "4次", "6次")
    assert (drill["change_2021→2022"], drill["change_2022→2023"]) == ("raised", "raised")
    md = render(multi, "md")
    assert "| 数量指标 | 应急演练次数 | 3次 | 4次 | 6次 |" in md
    page = render(multi, "html")
    assert page.count("<svg") == 3 and "2021–2023" in page
    json.loads(render(multi, "json"))
    path = tmp_path / "m.xlsx"
    write_report(multi, "xlsx", out_path=str(path))
    from openpyxl import load_workbook

    ws = load_workbook(path)["指标变化"]
    assert [c.value for c in ws[1]][4:7] == ["value_2021", "value_2022", "value_2023"]
    assert ws.auto_filter.ref


# ---------------------------------------------------------------- the command

@pytest.fixture
def index_dir(tmp_path):
    from jixiao.index.store import open_store

    d = tmp_path / "ix"
    store = open_store(str(d), create=True, writable=True)
    try:
        store.add_document(docs_2021())
        store.add_document(planted_2022())
    finally:
        store.close()
    return str(d)


def test_cli_compare_json_and_html(index_dir, tmp_path):
    from jixiao.cli import cli

    runner = CliRunner()
    r = runner.invoke(cli, ["compare", "--index", index_dir, "--department", "应急管理", "--from", "2021",
                            "--to", "2022", "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["department"] == DEPT and d["summary"]["projects"]["removed"] == 1
    out = tmp_path / "r.html"
    r = runner.invoke(cli, ["compare", "--index", index_dir, "--department", DEPT, "--from", "2021", "--to", "2022",
                            "--format", "html", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "&lt;script&gt;" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (["--department", "不存在的局", "--from", "2021", "--to", "2022"], "承德市应急管理局 (2021, 2022)"),
    (["--department", DEPT, "--from", "2020", "--to", "2022"], "it has years: 2021, 2022"),
])
def test_cli_compare_errors_list_the_index(index_dir, args, message):
    from jixiao.cli import cli

    r = CliRunner().invoke(cli, ["compare", "--index", index_dir, *args])
    assert r.exit_code == 1
    assert message in r.output and "Traceback" not in r.output


def test_xlsx_keeps_formula_like_text_as_text(tmp_path):
    from openpyxl import load_workbook

    a, b = docs_2021(), docs_2022()
    b.projects[3].indicators[1].value = '=HYPERLINK("http://x.example","点击")'
    path = tmp_path / "f.xlsx"
    write_report(compare_documents(DEPT, 2021, [a], 2022, [b]), "xlsx", out_path=str(path))
    ws = load_workbook(path)["指标变化"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)

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
from jixiao.document import Source
from jixiao.index.compare import compare_documents, compare_range, compare_years
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


def docs_2023():
    d = docs_2022()
    d.year, d.source = 2023, Source("/tmp/2023.txt", "2023", "txt")
    d.projects[2].indicators[0] = ind("数量指标", "应急演练次数", "6次")
    return d


@pytest.fixture(scope="module")
def multi():
    return compare_years(DEPT, {2021: [docs_2021()], 2022: [docs_2022()], 2023: [docs_2023()]})


@pytest.fixture(scope="module")
def ranged():
    """--from 2021 --to 2023 with 2022 indexed too."""
    return compare_range(DEPT, {2021: [docs_2021()], 2022: [docs_2022()], 2023: [docs_2023()]})


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
    assert "| 变化 | 数量指标 | 应急演练次数 | 应急演练次数 | 3次 | 4次 | 要求提高 |" in md
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
    assert '<span class="c-raised">要求提高</span>' in page


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
    assert header[:5] == ["类型 kind", "项目状态 project_status", "2021 项目 from_project", "2022 项目 to_project",
                          "状态 status"]
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
    assert [c.value for c in ws[1]][4:7] == ["2021 指标值 value", "2022 指标值 value", "2023 指标值 value"]
    assert ws.auto_filter.ref


# ---------------------------------------------------------------- a range with years between its ends

def drill_row(result):
    p = next(p for p in result["projects"] if p["to_name"] == "安全生产应急专项经费及自然灾害预案演练经费")
    return next(i for i in p["indicators"] if i["to_level3"] == "应急演练次数")


def test_range_json_is_the_contract_comparison_of_its_ends(ranged):
    d = json.loads(render(ranged, "json"))
    assert (d["from"], d["to"]) == (2021, 2023) and "years" not in d
    for p in d["projects"]:
        assert {"status", "from_name", "to_name", "budget", "indicators"} <= set(p)
        assert all({"status", "from_level3", "to_level3", "from_target", "to_target"} <= set(i) for i in p["indicators"])
    assert all({"status", "from_text", "to_text"} <= set(n) for n in d["narrative"])
    r = drill_row(d)
    assert (r["from_value"], r["to_value"], r["change"]) == ("3次", "6次", "raised")  # 2021 against 2023
    chain = d["by_year"]
    assert chain["years"] == [2021, 2022, 2023]
    [row] = [i for p in chain["projects"] for i in p["indicators"] if i["names"].get("2023") == "应急演练次数"]
    assert list(row["values"].values()) == ["3次", "4次", "6次"]


def test_range_reports_lead_with_the_two_year_comparison(ranged, tmp_path):
    md = render(ranged, "md")
    assert md.startswith(f"# {DEPT} 2021 → 2023 绩效目标对比")
    assert md.index("## 项目 Projects") < md.index("## 逐年对比 Year by year 2021–2023")
    assert "| 数量指标 | 应急演练次数 | 3次 | 4次 | 6次 |" in md
    page = render(ranged, "html")
    assert page.index("<h1>") < page.index("<h2>逐年对比 Year by year 2021–2023</h2>")
    assert "<h1>" not in page[page.index("逐年对比"):]
    rows = list(csv.DictReader(io.StringIO(render(ranged, "csv"))))
    assert "from_level3" in rows[0] and not any(k.startswith("value_") for k in rows[0])
    drill = next(r for r in rows if r["to_level3"] == "应急演练次数")
    assert (drill["from_value"], drill["to_value"], drill["change"]) == ("3次", "6次", "raised")
    path = tmp_path / "r.xlsx"
    write_report(ranged, "xlsx", out_path=str(path))
    from openpyxl import load_workbook

    wb = load_workbook(path)
    assert wb.sheetnames == ["摘要", "项目", "指标变化", "逐年摘要", "逐年项目", "逐年指标变化"]
    assert {"2021 指标值 from_value", "2023 指标值 to_value"} <= {c.value for c in wb["指标变化"][1]}
    assert [c.value for c in wb["逐年指标变化"][1]][4:7] == ["2021 指标值 value", "2022 指标值 value", "2023 指标值 value"]


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


def test_cli_compare_json_over_three_indexed_years(index_dir):
    from jixiao.cli import cli
    from jixiao.index.store import open_store

    store = open_store(index_dir, writable=True)
    try:
        store.add_document(docs_2023())
    finally:
        store.close()
    r = CliRunner().invoke(cli, ["compare", "--index", index_dir, "--department", DEPT, "--from", "2021",
                                 "--to", "2023", "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert (d["from"], d["to"], d["by_year"]["years"]) == (2021, 2023, [2021, 2022, 2023])
    assert {p["status"] for p in d["projects"]} <= {"same", "changed", "added", "removed"}
    assert all("from_name" in p and "to_name" in p for p in d["projects"])


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


# ---------------------------------------------------------------- for people: phone, print, Excel

def test_html_puts_changes_first_and_folds_the_unchanged(result):
    page = render(result, "html")
    projects = page[page.index("<h2>项目 Projects</h2>"):]
    # changed/added/removed projects come before the folded list of unchanged ones
    assert projects.index("安全生产专家咨询劳务费") < projects.index("未变化的项目") < projects.index("物业管理费")
    assert "其余 " in page and "<details><summary>" in page
    # a changed project shows its changed row up front; its unchanged rows sit inside <details>
    drill = projects[projects.index("应急演练次数"):]
    assert drill.index("要求提高") < drill.index("<details>")


def test_html_tables_become_labelled_cards_on_a_phone(result):
    page = render(result, "html")
    p = TagCollector()
    p.feed(page)
    assert page.count("<td") == page.count('<td data-label="')  # every cell says which column it is
    assert '<td data-label="2022 指标值">4次</td>' in page
    css = page[page.index("@media (max-width:600px)"):]
    assert "td::before{content:attr(data-label)" in css and "thead{display:none}" in css
    assert ".badge{display:inline-block;white-space:nowrap" in page  # 不变 never splits into 不/变


def test_html_print_keeps_rows_and_charts_whole(result):
    page = render(result, "html")
    css = page[page.index("@media print"):]
    assert "@page{size:A4" in page and "figure,svg,tr,.card{break-inside:avoid}" in css
    assert "thead{display:table-header-group}" in page  # headers repeat on each printed page


def test_change_chart_labels_every_kind_with_its_count():
    from jixiao.index.report import change_chart

    svg = change_chart([("raised", 4), ("lowered", 0), ("modified", 1), ("same", 95), ("added", 9)])
    for label, n in (("要求提高", 4), ("要求降低", 0), ("调整", 1), ("不变", 95), ("新增", 9)):
        assert f">{label}</text>" in svg and f">{n}</text>" in svg
    assert svg.count("<rect") == 4  # no bar for a zero count, but its label and 0 are shown


def test_budget_chart_annotates_the_change_and_escapes_names():
    from jixiao.index.report import budget_chart

    svg = budget_chart(["地震工作经费", "<b>x</b>"], [("2021", [12.0, None]), ("2022", [15.0, 3.0])])
    assert ">15（+3）</text>" in svg and "2021：无" in svg
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg


def test_multi_year_html_folds_indicators_of_a_removed_project(multi):
    from jixiao.index.report import render_html_years

    d = json.loads(render(multi, "json"))  # year keys as strings, as after a round trip
    page = render_html_years(d)
    assert page.count("<svg") == 3
    drill = page[page.index("应急演练次数"):]
    assert drill.index('class="c-raised"') < drill.index("</table>")
    # 购置办公家具 went in 2022: a badge says so, and its rows (all "removed") are folded, not listed as news
    furniture = page[page.index("购置办公家具</h3>") - 80:]
    furniture = furniture[:furniture.index("</section>")]
    assert "2022 删除" in furniture
    assert furniture.index("<details>") < furniture.index("购置数量与购置计划的比率")
    # a project added in 2022 is badged too
    assert "2022 新增</span>应急指挥平台运维费" in page


def test_xlsx_numbers_are_numbers_and_statuses_are_words(result, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "r.xlsx"
    write_report(result, "xlsx", out_path=str(path))
    wb = load_workbook(path)
    ws = wb["指标变化"]
    header = [c.value for c in ws[1]]
    col = {h: k for k, h in enumerate(header)}
    drill = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[col["2022 三级指标 to_level3"]] == "应急演练次数")
    assert drill[col["状态 status"]] == "变化" and drill[col["变化 change"]] == "要求提高"
    assert drill[col["2021 数值 from_number"]] == 3 and drill[col["2022 数值 to_number"]] == 4
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:{ws.cell(1, len(header)).column_letter}{ws.max_row}"
    budgets = [r[4:6] for r in wb["项目"].iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(v, (int, float)) for pair in budgets for v in pair if v is not None)
    assert max(ws.column_dimensions[c].width for c in ws.column_dimensions) <= 45


def test_multi_year_xlsx_summary_and_values_are_numeric(multi, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "m.xlsx"
    write_report(multi, "xlsx", out_path=str(path))
    wb = load_workbook(path)
    summary = {r[0]: r[1] for r in wb["摘要"].iter_rows(min_row=2, values_only=True)}
    assert isinstance(summary["2021 项目数 projects"], int) and isinstance(summary["2023 预算合计（万元）budget"], float)
    ws = wb["指标变化"]
    header = [c.value for c in ws[1]]
    drill = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[3] == "应急演练次数")
    assert [drill[header.index(f"{y} 数值 number")] for y in (2021, 2022, 2023)] == [3, 4, 6]
    assert drill[header.index("2022→2023 变化 change")] == "要求提高"


def test_atomic_writes_keep_the_old_file_when_writing_fails(tmp_path):
    from jixiao.output import atomic_path

    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            open(tmp, "w").write("half")
            raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    with atomic_path(target) as tmp:
        open(tmp, "w").write("new")
    assert target.read_text(encoding="utf-8") == "new"
    assert (target.stat().st_mode & 0o777) == (0o666 & ~_umask())


def _umask() -> int:
    import os

    m = os.umask(0)
    os.umask(m)
    return m

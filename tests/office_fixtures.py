"""Build .docx/.xlsx/.pdf renderings of the seed's gold parse, laid out unlike its text export.

Each builder returns bytes. The layouts use real merges (Word ``cell.merge``, Excel merged ranges,
ReportLab ``SPAN``) so that the readers' merge convention and the layout engine are both exercised.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = Path(__file__).resolve().parent / "data" / "chengde_2021_yingji.gold.json"
SEED = ROOT / "corpus" / "samples" / "chengde_2021_yingji.txt"
PERIODS = ["3月底", "6月底", "10月底", "12月底"]
HEADER = ["一级指标", "二级指标", "三级指标", "绩效指标描述（指标内容）", "指标值", "指标确定依据"]
PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")


def load_gold(path: Path | None = None) -> dict:
    return json.loads((path or GOLD).read_text(encoding="utf-8"))


def narrative_lines() -> list[str]:
    """The seed's narrative part (before 第二部分), one paragraph a line, TC field leaks removed."""
    lines = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if line.strip() == "第二部分":
            break
        line = re.sub(r"\s*TC .*$", "", line).strip()
        if line:
            lines.append(line)
    return lines


def fmt_amount(x: float) -> str:
    return f"{x:g}"


def runs(values: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, value) for runs of equal consecutive values: the cells a document merges."""
    out, start = [], 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            out.append((start, i - 1, values[start]))
            start = i
    return out


# ---------------------------------------------------------------- docx

def _tc_field(paragraph, entry: str) -> None:
    """Append a Word TC field (its code lives in w:instrText and must not reach the text)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, instr in (("begin", None), (None, f' TC "{entry}" \\f A \\l 1 '), ("end", None)):
        r = OxmlElement("w:r")
        if kind:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            r.append(fc)
        else:
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = instr
            r.append(it)
        paragraph._p.append(r)


def _set(cell, text: str) -> None:
    cell.paragraphs[0].text = text


def build_docx(gold: dict, *, with_narrative: bool = True) -> bytes:
    """Title, narrative part, then one table per project on a 7-column grid with real merges.

    Rows: 项目编码/项目名称 (values spanning two columns), 预算 (label merged down over the purpose
    row, purpose merged across), 资金支出计划 (label merged down, 12月底 spanning three columns),
    绩效目标 (label merged down, one goal a row), then the indicator header and rows with 一级/二级
    merged down and 绩效指标描述 spanning two grid columns.
    """
    import docx

    d = docx.Document()
    d.add_heading("承德市应急管理局2021年度部门整体及项目绩效目标", level=0)
    if with_narrative:
        for line in narrative_lines():
            p = d.add_paragraph(line)
            if re.match(r"^[一二三四五六七八九十]+、", line):
                _tc_field(p, re.sub(r"^[一二三四五六七八九十]+、", "", line))
            d.add_paragraph("")  # empty paragraphs between, as authors type them
    d.add_paragraph("第二部分 项目绩效目标")
    for p in gold["projects"]:
        d.add_paragraph(p["title"], style="Heading 2")
        _docx_project_table(d, p)
        d.add_paragraph("")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _docx_project_table(d, p: dict) -> None:
    goals, inds = p["goals"], p["indicators"]
    n_rows = 1 + 2 + 2 + len(goals) + 1 + len(inds)
    t = d.add_table(rows=n_rows, cols=7)
    t.style = "Table Grid"
    grid = [list(row.cells) for row in t.rows]  # Table.cell() re-walks the table on every call: slow
    c = lambda r, j: grid[r][j]  # noqa: E731
    _set(c(0, 0), "项目编码"); _set(c(0, 1).merge(c(0, 2)), p["code"])
    _set(c(0, 3), "项目名称"); _set(c(0, 4).merge(c(0, 6)), p["name"])
    _set(c(1, 0).merge(c(2, 0)), "预算规模及资金用途")
    for j, text in enumerate(["预算数", fmt_amount(p["budget_wan"]), "其中：财政资金",
                              fmt_amount(p["fiscal_wan"]), "其他资金", ""], 1):
        _set(c(1, j), text)
    _set(c(2, 1).merge(c(2, 6)), p["purpose"])
    _set(c(3, 0).merge(c(4, 0)), "资金支出计划（%）")
    for j, (period, pct) in enumerate(zip(PERIODS, p["schedule_pct"]), 1):
        top, bottom = (c(3, j), c(4, j)) if j < 4 else (c(3, 4).merge(c(3, 6)), c(4, 4).merge(c(4, 6)))
        _set(top, period)
        _set(bottom, str(pct))
    g0 = 5
    _set(c(g0, 0).merge(c(g0 + len(goals) - 1, 0)), "绩效目标")
    for k, goal in enumerate(goals):
        _set(c(g0 + k, 1), f"目标{k + 1}")
        _set(c(g0 + k, 2).merge(c(g0 + k, 6)), goal)
    h = g0 + len(goals)
    cols = [0, 1, 2, 3, 5, 6]  # grid column of each logical column; 描述 spans 3-4
    for j, text in zip(cols, HEADER):
        cell = c(h, j).merge(c(h, 4)) if j == 3 else c(h, j)
        _set(cell, text)
    for i, ind in enumerate(inds):
        r = h + 1 + i
        _set(c(r, 2), ind["level3"])
        _set(c(r, 3).merge(c(r, 4)), ind["description"])
        _set(c(r, 5), ind["value"])
        _set(c(r, 6), ind["basis"])
    for col, key in ((0, "level1"), (1, "level2")):
        keys = [(ind["level1"], ind[key]) for ind in inds]  # 二级 merges only within one 一级
        for a, b, (_, value) in runs(keys):
            _set(c(h + 1 + a, col).merge(c(h + 1 + b, col)) if b > a else c(h + 1 + a, col), value)


# ---------------------------------------------------------------- xlsx

def _sheet_title(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:28]
    title, k = base, 2
    while title in used:
        title, k = f"{base[:26]}_{k}", k + 1
    used.add(title)
    return title


def build_xlsx(gold: dict, *, goals_last: bool = False) -> bytes:
    """One sheet per project: a title row merged across, amounts as numbers, percents as %-cells.

    Unlike the docx, 一级/二级 are merged ranges, 指标确定依据 spans two columns and 绩效指标描述 one;
    with ``goals_last`` the 绩效目标 rows come after the indicator block instead of before it.
    """
    import openpyxl
    from openpyxl.styles import Alignment

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for p in gold["projects"]:
        ws = wb.create_sheet(_sheet_title(p["name"], used))
        ws.append([p["title"]])
        ws.merge_cells("A1:G1")
        ws.append(["项目编码", p["code"], None, "项目名称", p["name"]])
        ws.merge_cells("B2:C2"); ws.merge_cells("E2:G2")
        ws.append(["预算规模及资金用途", "预算数", p["budget_wan"], "其中：财政资金", p["fiscal_wan"], "其他资金", None])
        ws.append([None, p["purpose"]])
        ws.merge_cells("A3:A4"); ws.merge_cells("B4:G4")
        ws.append(["资金支出计划（%）", *PERIODS])
        ws.append([None, *p["schedule_pct"]])
        ws.merge_cells("A5:A6")
        if not goals_last:
            _xlsx_goals(ws, p["goals"])
        _xlsx_indicators(ws, p["indicators"])
        if goals_last:
            _xlsx_goals(ws, p["goals"])
        for row in ws.iter_rows():
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="center")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_goals(ws, goals: list[str]) -> None:
    g0 = ws.max_row + 1
    for k, goal in enumerate(goals):
        ws.append(["绩效目标" if k == 0 else None, f"目标{k + 1}", goal])
        ws.merge_cells(start_row=g0 + k, start_column=3, end_row=g0 + k, end_column=7)
    if len(goals) > 1:
        ws.merge_cells(start_row=g0, start_column=1, end_row=g0 + len(goals) - 1, end_column=1)


def _xlsx_indicators(ws, inds: list[dict]) -> None:
    ws.append(HEADER)
    ws.merge_cells(start_row=ws.max_row, start_column=6, end_row=ws.max_row, end_column=7)
    first = ws.max_row + 1
    for ind in inds:
        ws.append([ind["level1"], ind["level2"], ind["level3"], ind["description"], None, ind["basis"]])
        cell = ws.cell(row=ws.max_row, column=5)
        m = PERCENT.fullmatch(ind["value"])
        if m:  # 95% as the number 0.95 shown through a percent format, as Excel users enter it
            decimals = len(m.group(1).partition(".")[2])
            cell.value = float(m.group(1)) / 100
            cell.number_format = "0%" if not decimals else "0." + "0" * decimals + "%"
        else:
            cell.value = ind["value"]
        ws.merge_cells(start_row=ws.max_row, start_column=6, end_row=ws.max_row, end_column=7)
    for col, key in ((1, "level1"), (2, "level2")):
        for a, b, _ in runs([(ind["level1"], ind[key]) for ind in inds]):
            if b > a:
                ws.merge_cells(start_row=first + a, start_column=col, end_row=first + b, end_column=col)


# ---------------------------------------------------------------- pdf

def build_pdf(*projects: dict) -> bytes:
    """Each project on A4: a title line, its code, then its indicator table (ruled, 一级 spanned down)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=8, leading=10, wordWrap="CJK")
    title = ParagraphStyle("title", fontName="STSong-Light", fontSize=14, leading=18)
    story = []
    for project in projects:
        inds = project["indicators"]
        data = [[Paragraph(h, cell) for h in HEADER]]
        for ind in inds:
            data.append([Paragraph(ind[k], cell)
                         for k in ("level1", "level2", "level3", "description", "value", "basis")])
        style = [("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        for a, b, _ in runs([ind["level1"] for ind in inds]):
            if b > a:
                style.append(("SPAN", (0, 1 + a), (0, 1 + b)))
                for r in range(a + 1, b + 1):
                    data[1 + r][0] = ""
        table = Table(data, colWidths=[50, 60, 110, 120, 90, 60], style=TableStyle(style))
        story += [Paragraph(project["title"], title), Paragraph(f"项目编码：{project['code']}", cell), table,
                  PageBreak()]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story[:-1])
    return buf.getvalue()

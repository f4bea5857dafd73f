"""The .docx/.xlsx/.pdf readers: merge convention, cell display, block order, and one-line errors."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

import pytest

from jixiao.corpus.blocks import Paragraph, Table
from jixiao.corpus.office import read_docx, read_xlsx
from jixiao.corpus.pdf import read_pdf
from jixiao.corpus.readers import read, sha256_of
from jixiao.errors import BinaryInputError, CorruptFileError, EmptyInputError, JixiaoError, ReadError, TooLargeError

if str(Path(__file__).parent) not in sys.path:  # --import-mode=importlib leaves tests/ off sys.path
    sys.path.insert(0, str(Path(__file__).parent))
import office_fixtures as fx  # noqa: E402


@pytest.fixture(scope="module")
def gold() -> dict:
    if not fx.GOLD.exists():
        pytest.skip(f"{fx.GOLD} not present yet")
    return fx.load_gold()


@pytest.fixture(scope="module")
def docx_bytes(gold) -> bytes:
    return fx.build_docx(gold)


@pytest.fixture(scope="module")
def xlsx_bytes(gold) -> bytes:
    return fx.build_xlsx(gold)


def tables(raw) -> list[Table]:
    return [b for b in raw.blocks if isinstance(b, Table)]


def indicator_rows(table: Table, cols: list[int]) -> list[dict]:
    """Rows under the 一级指标 header, picked from grid columns ``cols``, categories filled down."""
    start = next(i for i, r in enumerate(table.rows) if r[0] == "一级指标")
    out, last = [], {}
    for r in table.rows[start + 1:]:
        if r[0] == "绩效目标":
            break
        row = dict(zip(["level1", "level2", "level3", "description", "value", "basis"], (r[j] for j in cols)))
        for k in ("level1", "level2"):
            row[k] = row[k] or last.get(k, "")
        out.append(row)
        last = row
    return out


def gold_rows(project: dict) -> list[dict]:
    return [{k: ind[k] for k in ("level1", "level2", "level3", "description", "value", "basis")}
            for ind in project["indicators"]]


# ---------------------------------------------------------------- docx: merge convention, small literal tables

def _docx(build) -> bytes:
    import docx

    d = docx.Document()
    build(d)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_merged_cells_appear_once_and_rows_stay_grid_aligned():
    def build(d):
        t = d.add_table(rows=4, cols=4)
        c = [list(r.cells) for r in t.rows]
        c[0][0].merge(c[2][0]).paragraphs[0].text = "产出指标"  # vertical merge over 3 rows
        for i, (l2, l3, v) in enumerate([("数量指标", "演练次数", "3次"), ("质量指标", "合格率", "95%"),
                                         ("时效指标", "完成时间", "12月底")]):
            c[i][1].paragraphs[0].text = l2
            c[i][2].paragraphs[0].text = l3
            c[i][3].paragraphs[0].text = v
        c[3][0].merge(c[3][3]).paragraphs[0].text = "注：指标值为年度目标"  # horizontal merge over 4 columns
    raw = read_docx(_docx(build), "t.docx")
    assert raw.blocks == [Table([["产出指标", "数量指标", "演练次数", "3次"],
                                 ["", "质量指标", "合格率", "95%"],
                                 ["", "时效指标", "完成时间", "12月底"],
                                 ["注：指标值为年度目标", "", "", ""]])]


def test_docx_paragraphs_and_tables_in_order_without_field_codes_or_empty_paragraphs():
    def build(d):
        d.add_paragraph("第一部分")
        p = d.add_paragraph("一、总体绩效目标")
        fx._tc_field(p, "总体绩效目标")
        d.add_paragraph("")
        d.add_paragraph("   ")
        t = d.add_table(rows=1, cols=2)
        t.cell(0, 0).text, t.cell(0, 1).text = "项目名称", "物业管理费"
        hidden = d.add_paragraph("看得见").add_run("看不见")
        hidden.font.hidden = True
    raw = read_docx(_docx(build), "t.docx")
    assert raw.blocks == [Paragraph("第一部分"), Paragraph("一、总体绩效目标"),
                          Table([["项目名称", "物业管理费"]]), Paragraph("看得见")]
    assert raw.text == "第一部分\n一、总体绩效目标\n项目名称\t物业管理费\n看得见"
    assert raw.format == "docx" and raw.path == "t.docx"


def test_docx_one_cell_frame_is_unwrapped_and_nested_tables_flatten_into_their_cell():
    def build(d):
        frame = d.add_table(rows=1, cols=1).cell(0, 0)
        frame.paragraphs[0].text = "框内标题"
        inner = frame.add_table(rows=2, cols=2)
        for (i, j), text in {(0, 0): "一级指标", (0, 1): "指标值", (1, 0): "产出指标", (1, 1): "4次"}.items():
            inner.cell(i, j).text = text
        outer = d.add_table(rows=1, cols=2)
        outer.cell(0, 0).text = "绩效目标"
        cell = outer.cell(0, 1)
        cell.paragraphs[0].text = "目标如下"
        nested = cell.add_table(rows=2, cols=2)
        for (i, j), text in {(0, 0): "目标1", (0, 1): "完成演练", (1, 0): "目标2", (1, 1): ""}.items():
            nested.cell(i, j).text = text
    raw = read_docx(_docx(build), "t.docx")
    assert raw.blocks == [Paragraph("框内标题"), Table([["一级指标", "指标值"], ["产出指标", "4次"]]),
                          Table([["绩效目标", "目标如下\n目标1 完成演练\n目标2"]])]


# ---------------------------------------------------------------- xlsx: merges, display, sheets

def _xlsx(build) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    build(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_sheets_become_named_tables_with_merged_ranges_once():
    def build(wb):
        ws = wb.active
        ws.title = "物业管理费"
        ws["B2"] = "物业管理费绩效信息表"  # title row, offset from A1: trimmed and made a paragraph
        ws.merge_cells("B2:D2")
        ws.append([None, "产出指标", "数量指标", "4次"])
        ws.append([None, None, "质量指标", "95%"])
        ws.merge_cells("B3:B4")
        hidden = wb.create_sheet("下拉列表")
        hidden["A1"] = "数量指标"
        hidden.sheet_state = "hidden"
        wb.create_sheet("空白")
        wb.create_sheet("设备购置经费")["A1"] = "项目名称"
    raw = read_xlsx(_xlsx(build), "t.xlsx")
    assert raw.blocks == [Paragraph("物业管理费绩效信息表"),
                          Table([["产出指标", "数量指标", "4次"], ["", "质量指标", "95%"]], name="物业管理费"),
                          Table([["项目名称"]], name="设备购置经费")]


@pytest.mark.parametrize("value, number_format, shown", [
    (132.40000000000001, "General", "132.4"),
    (0.1 + 0.2, "General", "0.3"),
    (12.0, "General", "12"),
    (19, "General", "19"),
    (0.95, "0%", "95%"),
    (0.955, "0.0%", "95.5%"),
    (1, "0%", "100%"),
    (1234.5, "#,##0.00", "1234.50"),
    (4.52, '0.00"万元"', "4.52"),
    (1e16, "General", "10000000000000000"),
    (dt.datetime(2021, 3, 31), "yyyy-mm-dd", "2021-03-31"),
    (dt.datetime(2021, 12, 30), "yyyy年m月d日", "2021-12-30"),
    (True, "General", "TRUE"),
    ("  ≥95%  ", "General", "≥95%"),
])
def test_xlsx_cells_read_as_a_person_sees_them(value, number_format, shown):
    def build(wb):
        wb.active["A1"] = value
        wb.active["A1"].number_format = number_format
    assert read_xlsx(_xlsx(build), "t.xlsx").blocks == [Table([[shown]], name="Sheet")]


def test_xlsx_stray_far_cell_does_not_blow_up_the_grid():
    # A 5 KB workbook with a stray cell at XFD1048576 used to build a 1M × 16k grid (hang, then OOM).
    def build(wb):
        ws = wb.active
        ws["A1"], ws["C1"] = "一级指标", "指标值"
        ws["A3"], ws["C3"] = "产出指标", "4次"
        ws["XFD1048576"] = "x"
    assert read_xlsx(_xlsx(build), "t.xlsx").blocks == [
        Table([["一级指标", "指标值", ""], ["产出指标", "4次", ""], ["", "", "x"]], name="Sheet")]


def test_xlsx_sheet_too_large_to_be_a_table_is_refused_by_name(monkeypatch):
    import jixiao.corpus.office as office

    monkeypatch.setattr(office, "MAX_GRID_CELLS", 8)
    data = _xlsx(lambda wb: [wb.active.cell(row=i, column=i, value="数量指标") for i in range(1, 4)])
    with pytest.raises(TooLargeError) as info:
        read_xlsx(data, "t.xlsx")
    assert str(info.value).startswith("t.xlsx: [R006]") and "'Sheet'" in str(info.value)


def test_xlsx_formulas_read_as_cached_values_else_as_formula_text():
    def build(wb):
        ws = wb.active
        ws.append([1, 2, "=SUM(A1:B1)"])
    data = _xlsx(build)
    assert read_xlsx(data, "t.xlsx").blocks == [Table([["1", "2", "=SUM(A1:B1)"]], name="Sheet")]
    cached = _rewrite_zip(data, "xl/worksheets/sheet1.xml",
                          lambda xml: re.sub(rb"(<f>SUM\(A1:B1\)</f>)<v\s*/>|(<f>SUM\(A1:B1\)</f>)<v></v>",
                                             rb"\1\2<v>3</v>", xml))
    assert read_xlsx(cached, "t.xlsx").blocks == [Table([["1", "2", "3"]], name="Sheet")]


def _rewrite_zip(data: bytes, member: str, fn) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename == member:
                new = fn(body)
                assert new != body, "the rewrite did not apply"
                body = new
            zout.writestr(item, body)
    return out.getvalue()


# ---------------------------------------------------------------- the seed's 12 projects as Word and Excel

def test_docx_rendering_of_the_seed_reads_back_every_indicator_row(gold, docx_bytes):
    raw = read_docx(docx_bytes, "seed.docx")
    found = tables(raw)
    assert len(found) == len(gold["projects"]) == 12
    for t, p in zip(found, gold["projects"]):
        assert t.rows[0] == ["项目编码", p["code"], "", "项目名称", p["name"], "", ""]
        assert t.rows[1][:5] == ["预算规模及资金用途", "预算数", fx.fmt_amount(p["budget_wan"]), "其中：财政资金",
                                 fx.fmt_amount(p["fiscal_wan"])]
        assert t.rows[2] == ["", p["purpose"], "", "", "", "", ""]
        assert indicator_rows(t, [0, 1, 2, 3, 5, 6]) == gold_rows(p)
    titles = [b.text for b in raw.blocks if isinstance(b, Paragraph) and b.text.endswith("表")]
    assert titles == [p["title"] for p in gold["projects"]]
    assert raw.sha256 == sha256_of(docx_bytes)
    assert "TC " not in raw.text and "高危行业二级标准化企业抽查率达到50%" in raw.text


def test_xlsx_rendering_of_the_seed_reads_back_every_indicator_row(gold, xlsx_bytes):
    raw = read_xlsx(xlsx_bytes, "seed.xlsx")
    found = tables(raw)
    assert len(found) == 12
    assert [b.text for b in raw.blocks if isinstance(b, Paragraph)] == [p["title"] for p in gold["projects"]]
    n_rows = 0
    for t, p in zip(found, gold["projects"]):
        assert t.name and p["name"].startswith(t.name.split("_")[0])
        assert t.rows[1][:5] == ["预算规模及资金用途", "预算数", fx.fmt_amount(p["budget_wan"]), "其中：财政资金",
                                 fx.fmt_amount(p["fiscal_wan"])]
        assert t.rows[4] == ["", *map(str, p["schedule_pct"]), ""]
        rows = indicator_rows(t, [0, 1, 2, 3, 4, 5])
        assert rows == gold_rows(p)
        n_rows += len(rows)
    assert n_rows == 108


def test_pdf_project_table_reads_back_its_rows_and_is_not_repeated_as_text(gold):
    project = gold["projects"][4]
    raw = read_pdf(fx.build_pdf(project), "p.pdf")
    assert [type(b) for b in raw.blocks] == [Paragraph, Paragraph, Table]
    assert raw.blocks[0].text == project["title"]
    assert raw.blocks[1].text == f"项目编码：{project['code']}"
    table = raw.blocks[2]
    assert table.rows[0] == fx.HEADER
    assert indicator_rows(table, [0, 1, 2, 3, 4, 5]) == gold_rows(project)
    assert [r[0] for r in table.rows[1:]].count("") == len(project["indicators"]) - 3  # 一级 spans: once each
    assert raw.text.count(project["indicators"][1]["level3"]) == 1


# ---------------------------------------------------------------- the layout engine over these renderings

def gold_table(projects: list[dict]) -> list[tuple]:
    return [(i["level1"], i["level2"], i["level3"], i["value"]) for p in projects for i in p["indicators"]]


def parsed_table(doc) -> list[tuple]:
    return [(i.level1, i.level2, i.level3, i.value) for _, i in doc.indicators()]


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_renderings_parse_to_the_gold_rows(gold, docx_bytes, xlsx_bytes, tmp_path, suffix):
    layout = pytest.importorskip("jixiao.corpus.layout")
    path = tmp_path / f"承德市应急管理局2021年绩效目标{suffix}"
    path.write_bytes(docx_bytes if suffix == ".docx" else xlsx_bytes)
    doc = layout.build_document(read(path))
    projects = gold["projects"]
    assert [p.code for p in doc.projects] == [p["code"] for p in projects]
    assert [(p.budget.total, p.budget.fiscal) for p in doc.projects] == \
        [(p["budget_wan"], p["fiscal_wan"]) for p in projects]
    assert [p.purpose for p in doc.projects] == [p["purpose"] for p in projects]
    assert [[s.percent for s in p.schedule] for p in doc.projects] == [p["schedule_pct"] for p in projects]
    assert [p.goals for p in doc.projects] == [p["goals"] for p in projects]
    got = parsed_table(doc)
    assert len(got) == 108
    assert got == gold_table(projects)


def test_pdf_rendering_of_all_projects_parses_to_the_gold_rows(gold, tmp_path):
    layout = pytest.importorskip("jixiao.corpus.layout")
    path = tmp_path / "seed.pdf"
    path.write_bytes(fx.build_pdf(*gold["projects"]))
    doc = layout.build_document(read(path))
    assert [(p.code, p.title) for p in doc.projects] == [(p["code"], p["title"]) for p in gold["projects"]]
    assert parsed_table(doc) == gold_table(gold["projects"])


def test_xlsx_with_goals_after_the_indicators_parses_to_the_gold_rows(gold, tmp_path):
    layout = pytest.importorskip("jixiao.corpus.layout")
    path = tmp_path / "goals_last.xlsx"
    path.write_bytes(fx.build_xlsx(gold, goals_last=True))
    doc = layout.build_document(read(path))
    assert parsed_table(doc) == gold_table(gold["projects"])
    assert [p.goals for p in doc.projects] == [p["goals"] for p in gold["projects"]]


# ---------------------------------------------------------------- bad input: one clear line each

def _pdf(*, encrypt=None, text=True) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=encrypt)
    if text:
        c.drawString(100, 700, "2021")
    else:
        c.rect(100, 100, 200, 200, fill=1)  # a page with drawing only, like a scan without OCR
    c.showPage()
    c.save()
    return buf.getvalue()


def _empty_workbook() -> bytes:
    return _xlsx(lambda wb: None)


def _small_docx() -> bytes:
    return _docx(lambda d: d.add_paragraph("项目名称：物业管理费" * 50))


def _encrypted_pdf() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption

    return _pdf(encrypt=StandardEncryption("secret"))


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BAD_FILES = [
    ("empty.docx", lambda: b"", EmptyInputError, "empty"),
    ("truncated.docx", lambda: _small_docx()[:900], CorruptFileError, "truncated"),
    ("damaged.docx", lambda: _rewrite_zip(_small_docx(), "word/document.xml", lambda x: x[: len(x) // 2]),
     CorruptFileError, "damaged"),
    ("notes.docx", lambda: "这其实是一个文本文件\n".encode("utf-8"), CorruptFileError, "plain text"),
    ("sheet.docx", _empty_workbook, CorruptFileError, "Excel workbook"),
    ("legacy.docx", lambda: OLE + bytes(600), CorruptFileError, "legacy .doc"),
    ("locked.docx", lambda: OLE + "EncryptionInfo".encode("utf-16-le") + bytes(600), ReadError, "password"),
    ("empty.xlsx", _empty_workbook, EmptyInputError, "no cells"),
    ("truncated.xlsx", lambda: _empty_workbook()[:1500], CorruptFileError, "truncated"),
    ("random.xlsx", lambda: bytes(range(256)) * 4, BinaryInputError, "not a .xlsx"),
    ("garbage.pdf", lambda: b"%PDF-1.4\n" + bytes(range(256)) * 8, CorruptFileError, "damaged"),
    ("truncated.pdf", lambda: _pdf()[:700], CorruptFileError, "truncated"),
    ("locked.pdf", _encrypted_pdf, ReadError, "password"),
    ("scan.pdf", lambda: _pdf(text=False), ReadError, "OCR"),
    ("word.pdf", _small_docx, CorruptFileError, "zip package"),
]


@pytest.mark.parametrize("name, make, error, says", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_give_one_clear_line(tmp_path, name, make, error, says):
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(JixiaoError) as info:
        read(path)
    assert type(info.value) is error
    line = str(info.value)
    assert "\n" not in line and line.startswith(f"{path}: [{error.code}]") and says in line
    assert re.search(r"[\u4e00-\u9fff]", line), "the message carries Chinese as well as English"


def test_docx_automatic_list_numbers_are_rendered_into_the_text():
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    levels = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."), ("bullet", "•")]
    abstract = parse_xml(f'<w:abstractNum {w} w:abstractNumId="90">' + "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{f}"/><w:lvlText w:val="{t}"/></w:lvl>'
        for i, (f, t) in enumerate(levels)) + "</w:abstractNum>")

    def numbered(d, text, ilvl=None, style=None):
        p = d.add_paragraph(text, style=style)
        if ilvl is not None:
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {w}><w:ilvl w:val="{ilvl}"/><w:numId w:val="90"/></w:numPr>'))

    def build(d):
        root = d.part.numbering_part.element
        root.insert(0, abstract)
        root.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
        style = d.styles.add_style("分项标题", WD_STYLE_TYPE.PARAGRAPH)
        style.element.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {w}><w:ilvl w:val="1"/><w:numId w:val="90"/></w:numPr>'))
        numbered(d, "总体绩效目标", 0)
        numbered(d, "全市安全生产形势持续稳定好转", style="分项标题")  # numbered through its style
        numbered(d, "", 2)  # an empty numbered paragraph still takes its number
        numbered(d, "固定资产日常管理", 2)
        numbered(d, "要点", 3)
        numbered(d, "防范化解自然灾害风险", style="分项标题")
        numbered(d, "工作保障措施", 0)
        numbered(d, "严格落实安全生产责任", 1)
        numbered(d, "不编号的段落")
    assert [b.text for b in read_docx(_docx(build), "t.docx").blocks] == [
        "一、总体绩效目标", "（一）全市安全生产形势持续稳定好转", "2.固定资产日常管理", "要点",
        "（二）防范化解自然灾害风险", "二、工作保障措施", "（一）严格落实安全生产责任", "不编号的段落"]


@pytest.mark.parametrize("n, fmt, shown", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (21, "chineseCountingThousand", "二十一"), (105, "chineseCounting", "一百零五"), (110, "chineseCounting", "一百一十"),
    (12, "chineseLegalSimplified", "壹拾贰"), (3, "ideographTraditional", "丙"), (20, "ideographDigital", "二〇"),
    (3, "decimalEnclosedCircleChinese", "③"), (7, "decimal", "7"), (28, "upperLetter", "BB"),
    (14, "lowerRoman", "xiv"), (4, "decimalZero", "04"),
])
def test_word_list_number_formats(n, fmt, shown):
    from jixiao.corpus.office import _format_number

    assert _format_number(n, fmt) == shown

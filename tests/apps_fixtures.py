"""Drafts with planted problems and a small index of the sample, for the check and serve tests."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "samples" / "chengde_2021_yingji.txt"

# A 2024 draft as copied from Excel (tab-separated). Planted: a count without a unit (培训人次 500),
# satisfaction filed under 数量指标, a rate valued 良好, a duplicate row (应急演练次数 twice), a
# deadline in the year before the budget year, and no 满意度指标 block.
PLANTED_ROWS = [
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "培训人次", "500"],
    ["产出指标", "数量指标", "应急演练次数", "2次"],
    ["产出指标", "数量指标", "社区居民满意度", "95%"],
    ["产出指标", "质量指标", "培训合格率", "良好"],
    ["产出指标", "数量指标", "应急演练次数", "2次"],
    ["产出指标", "时效指标", "培训完成时间", "2023年12月底前"],
    ["效益指标", "社会效益指标", "居民应急意识", "明显提高"],
]
PLANTED_HEAD = ["2024年社区应急能力提升项目绩效目标表", "项目名称\t社区应急能力提升项目"]
PLANTED_TEXT = "\n".join(PLANTED_HEAD + ["\t".join(r) for r in PLANTED_ROWS]) + "\n"

# A clean 2022 draft of the sample's department: values far from 2021's (满意率 50% against 90–95%,
# 应急演练次数 30次 against 3次), everything else in order.
FAR_TEXT = "\n".join([
    "2022年承德市应急管理局项目支出绩效目标表",
    "项目名称\t安全生产应急专项经费",
    "一级指标\t二级指标\t三级指标\t指标值",
    "产出指标\t数量指标\t应急演练次数\t30次",
    "产出指标\t质量指标\t隐患整改率\t90%",
    "产出指标\t成本指标\t资金成本\t小于等于核定数",
    "效益指标\t社会效益指标\t保障全市安全生产\t有效保障全市安全生产",
    "满意度指标\t服务对象满意度指标\t服务对象满意率\t50%",
]) + "\n"


def write_planted_xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([PLANTED_HEAD[0]])
    ws.append(["项目名称", "社区应急能力提升项目"])
    for r in PLANTED_ROWS:
        ws.append(r)
    wb.save(path)
    return path


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> str:
    """An index built from the bundled sample (2021, 承德市应急管理局)."""
    import io

    from jixiao.index.ingest import run_ingest

    d = tmp_path_factory.mktemp("apps-index") / "idx"
    assert run_ingest([str(SAMPLE)], str(d), progress=False, out=io.StringIO(), err=io.StringIO())
    return str(d)


def planted_docx() -> bytes:
    """The planted draft as a Word table (a title paragraph, the project name, the indicator table)."""
    import io

    from docx import Document

    d = Document()
    d.add_paragraph(PLANTED_HEAD[0])
    d.add_paragraph("项目名称：社区应急能力提升项目")
    table = d.add_table(rows=0, cols=4)
    for r in PLANTED_ROWS:
        cells = table.add_row().cells
        for c, v in zip(cells, r):
            c.text = v
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()

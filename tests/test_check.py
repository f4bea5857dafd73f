"""``jixiao check``: the approved sample is not drowned in errors; every planted problem is reported."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.apps.check import Checker, check_document, is_count, is_rate, review_document, unit_hint
from jixiao.cli import cli
from jixiao.pipeline.enrich import Parser

if str(Path(__file__).parent) not in sys.path:  # --import-mode=importlib leaves tests/ off sys.path
    sys.path.insert(0, str(Path(__file__).parent))
from apps_fixtures import FAR_TEXT, PLANTED_TEXT, SAMPLE, sample_index, write_planted_xlsx  # noqa: E402,F401


@pytest.fixture(scope="module")
def parser():
    return Parser()


@pytest.fixture(scope="module")
def sample_review(parser):
    return review_document(parser.parse(SAMPLE))


@pytest.fixture
def planted(tmp_path) -> Path:
    p = tmp_path / "draft.txt"
    p.write_text(PLANTED_TEXT, encoding="utf-8")
    return p


def codes_by_row(findings) -> dict:
    out: dict = {}
    for f in findings:
        out.setdefault(f.level3, set()).add((f.severity, f.code))
    return out


@pytest.mark.parametrize("name, rate, count, unit", [
    ("验收合格率", True, False, "%"),
    ("购置数量与购置计划的比率", True, False, "%"),
    ("培训人次", False, True, "人次"),
    ("组织培训、会议次数（次）", False, True, "次"),
    ("应急演练次数", False, True, "次"),
    ("购置数量", False, True, None),
    ("保障机关正常运转", False, False, None),
])
def test_name_kinds(name, rate, count, unit):
    assert (is_rate(name), is_count(name), unit_hint(name)) == (rate, count, unit)


def test_sample_is_not_drowned_in_errors(sample_review):
    c = sample_review.counts()
    assert len(sample_review.rows) == 108
    assert c["error"] <= 10, [f for f in sample_review.findings if f.severity == "error"]
    # every project of the approved sample has its 满意度指标 block, and no row is filed under the
    # wrong first level
    assert not any(f.code in ("C-NO-SATISFACTION", "C-DUPLICATE") for f in sample_review.findings)
    assert not any(f.code == "C-CATEGORY" and f.severity == "error" for f in sample_review.findings)


def test_sample_rows_carry_category_and_normalized_value(sample_review):
    rows = {(r.project, r.level3): r for r in sample_review.rows}
    r = rows[("地震工作经费", "地震监测设备巡检次数")]
    assert (r.level1, r.level2, r.category_source, r.normalized) == ("产出指标", "数量指标", "document", "4次")
    assert r.target["value"] == 4 and r.target["unit"] == "次"
    # a rate valued with a state (正常运行) is pointed out, as a warning: a grade (良好) would be an error
    bad = rows[("地震工作经费", "地震信息网络技术系统运行率")]
    assert ("warning", "C-UNMEASURABLE") in {(f.severity, f.code) for f in bad.findings}


@pytest.mark.parametrize("value, severity", [("良好", "error"), ("明显提高", "error"), ("较好", "error"),
                                             ("正常运行", "warning"), ("及时购置各项执法装备", "warning")])
def test_grades_are_errors_states_are_warnings(value, severity):
    from jixiao.document import Document, Project, Source

    sat = _ind("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%")
    doc = Document(Source("d.txt", "0" * 64, "txt"), year=2021,
                   projects=[Project(name="P", indicators=[_ind("产出指标", "质量指标", "系统运行率", value), sat])])
    assert [(f.code, f.severity) for f in check_document(doc)] == [("C-UNMEASURABLE", severity)]


def test_the_samples_pass_as_the_readme_shows(sample_index):
    """The bundled samples are approved documents: findings to look at, but no error (exit 0)."""
    for name in ("chengde_2021_yingji.txt", "synthetic_chengde_2022_yingji.txt"):
        res = CliRunner().invoke(cli, ["check", str(SAMPLE.parent / name), "--index", sample_index])
        assert res.exit_code == 0, res.output
        assert "错误 0" in res.output and "警告" in res.output


def test_planted_draft_reports_each_planted_row(parser, planted):
    findings = check_document(parser.parse(planted))
    by_row = codes_by_row(findings)
    assert ("error", "C-UNMEASURABLE") in by_row["培训合格率"]
    assert ("error", "C-CATEGORY") in by_row["社区居民满意度"]
    assert ("warning", "C-NO-UNIT") in by_row["培训人次"]
    assert ("error", "C-DUPLICATE") in by_row["应急演练次数"]
    assert ("error", "C-DEADLINE-YEAR") in by_row["培训完成时间"]
    assert ("error", "C-NO-SATISFACTION") in by_row[None]
    assert ("warning", "C-NO-COST") in by_row[None]  # a 2024 table with no cost row at all
    # the rows without a planted problem have no error or warning
    assert not {s for s, _ in by_row.get("居民应急意识", set())} & {"error", "warning"}
    unit = next(f for f in findings if f.code == "C-NO-UNIT")
    assert unit.suggestion == "写成 500人次" and unit.project == "社区应急能力提升项目" and unit.value == "500"


def test_check_cli_exit_status_and_table(planted):
    res = CliRunner().invoke(cli, ["check", str(planted), "--index", str(planted.parent / "none")])
    assert res.exit_code == 1
    for name in ("培训合格率", "社区居民满意度", "培训人次", "应急演练次数", "缺少满意度指标"):
        assert name in res.output


def test_check_cli_json_one_object_then_array(tmp_path, planted):
    res = CliRunner().invoke(cli, ["check", str(planted), "--format", "json", "--index", str(tmp_path / "none")])
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert isinstance(data, dict) and data["path"] == str(planted)
    f = data["findings"][0]
    assert set(f) == {"severity", "code", "message", "project", "level3", "value", "suggestion"}
    assert {x["level3"] for x in data["findings"] if x["code"] == "C-NO-SATISFACTION"} == {None}
    clean = tmp_path / "clean.txt"
    clean.write_text("一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人次\t500人次\n"
                     "满意度指标\t服务对象满意度指标\t服务对象满意度\t≥90%\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(planted), str(clean), "--format", "json",
                                   "--index", str(tmp_path / "none")])
    data = json.loads(res.stdout)
    assert isinstance(data, list) and [d["path"] for d in data] == [str(planted), str(clean)]
    assert res.exit_code == 1
    res = CliRunner().invoke(cli, ["check", str(clean), "--index", str(tmp_path / "none")])
    assert res.exit_code == 0, res.output


def test_check_goes_on_past_a_bad_file(tmp_path, planted):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    clean = tmp_path / "clean.txt"
    clean.write_text("一级指标\t二级指标\t三级指标\t指标值\n满意度指标\t服务对象满意度指标\t服务对象满意度\t≥90%\n",
                     encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(bad), str(clean), "--format", "json", "--index", str(tmp_path / "x")])
    assert res.exit_code == 1
    assert "bad.docx" in res.stderr and "Traceback" not in res.stderr
    assert [d["path"] for d in json.loads(res.stdout)] == [str(clean)]


def test_xlsx_draft_is_reviewed_like_the_text(parser, tmp_path):
    findings = check_document(parser.parse(write_planted_xlsx(tmp_path / "draft.xlsx")))
    by_row = codes_by_row(findings)
    assert ("error", "C-UNMEASURABLE") in by_row["培训合格率"]
    assert ("error", "C-NO-SATISFACTION") in by_row[None]


def test_values_far_from_past_years_name_the_years(parser, sample_index, tmp_path):
    from jixiao.index.store import open_store

    draft = tmp_path / "draft2022.txt"
    draft.write_text(FAR_TEXT, encoding="utf-8")
    store = open_store(sample_index)
    try:
        review = Checker(store).review(parser.parse(draft))
    finally:
        store.close()
    far = {f.level3: f for f in review.findings if f.code == "C-FAR-FROM-PAST"}
    assert set(far) == {"应急演练次数", "服务对象满意率"}
    assert "2021年" in far["服务对象满意率"].message and "90–95%" in far["服务对象满意率"].message
    assert "3次" in far["应急演练次数"].message
    assert review.counts()["error"] == 0


def test_past_years_only(parser, sample_index, tmp_path):
    """A draft of the index's own year is not compared with itself."""
    from jixiao.index.store import open_store

    draft = tmp_path / "draft2021.txt"
    draft.write_text(FAR_TEXT.replace("2022年", "2021年"), encoding="utf-8")
    store = open_store(sample_index)
    try:
        review = Checker(store).review(parser.parse(draft))
    finally:
        store.close()
    assert not [f for f in review.findings if f.code == "C-FAR-FROM-PAST"]


def _ind(l1, l2, name, value):
    from jixiao.document import Indicator

    return Indicator(level1=l1, level2=l2, level1_raw=l1, level2_raw=l2, level3=name, value=value)


def test_2021_framework_needs_a_cost_block():
    from jixiao.document import Document, Project, Source

    sat = _ind("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%")
    doc = Document(Source("draft.txt", "0" * 64, "txt"), year=2023, projects=[
        Project(name="有成本", indicators=[_ind("成本指标", "经济成本指标", "项目总成本", "≤20万元"), sat]),
        Project(name="无成本", indicators=[_ind("产出指标", "数量指标", "培训人次", "500人次"), sat])])
    review = review_document(doc)
    assert review.taxonomy == "cz2021"
    cost = [f for f in review.findings if f.code == "C-NO-COST"]
    assert [(f.project, f.severity, f.level3) for f in cost] == [("无成本", "error", None)]


def test_document_text_is_data_not_markup(parser, tmp_path):
    """A name with HTML in it comes back as the same string (pages set it with textContent)."""
    draft = tmp_path / "x.txt"
    draft.write_text("一级指标\t二级指标\t三级指标\t指标值\n产出指标\t质量指标\t<img src=x onerror=alert(1)>合格率\t良好\n",
                     encoding="utf-8")
    review = review_document(parser.parse(draft))
    assert review.rows[0].level3 == "<img src=x onerror=alert(1)>合格率"


def test_a_table_of_empty_values_is_one_finding_not_an_error_per_row():
    from jixiao.document import Document, Project, Source

    rows = [_ind("产出指标", "数量指标", f"指标{k}数量", None) for k in range(4)]
    rows += [_ind("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%")]
    doc = Document(Source("d.txt", "0" * 64, "txt"), year=2021, projects=[Project(name="P", indicators=rows)])
    findings = check_document(doc)
    assert [(f.code, f.severity, f.level3) for f in findings if "EMPTY" in f.code] == \
        [("C-EMPTY-VALUES", "warning", None)]
    one = Document(Source("d.txt", "0" * 64, "txt"), year=2021, projects=[Project(name="P", indicators=rows[3:])])
    assert [(f.code, f.severity) for f in check_document(one) if "EMPTY" in f.code] == [("C-EMPTY", "error")]


def test_a_row_the_reader_doubts_has_no_errors():
    from jixiao.document import Document, Project, Source

    bad = _ind("产出指标", "质量指标", "验收合格率", "良好")
    bad.read_confidence, bad.flags = 0.3, ["fused_cells"]  # contract §6 fields, set by the reader
    sat = _ind("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%")
    doc = Document(Source("d.txt", "0" * 64, "txt"), year=2021, projects=[Project(name="P", indicators=[bad, sat])])
    found = {(f.code, f.severity) for f in check_document(doc) if f.level3 == "验收合格率"}
    assert found == {("C-UNMEASURABLE", "warning"), ("C-SUSPECT-READ", "info")}


def test_similar_indicators_match_names_not_values(sample_index):
    """设备采购数量 is like 装备数量 and 购置数量, not like 生态效益增长率 valued 购置节能环保设备."""
    from jixiao.index.store import open_store

    store = open_store(sample_index)
    try:
        names = [r["level3"] for r in store.similar_indicators("设备采购数量")]
    finally:
        store.close()
    assert {"装备数量", "购置数量"} <= set(names[:5]) and "生态效益增长率" not in names


@pytest.mark.parametrize("name, value, suggestion", [("培训人次", "500", "写成 500人次"),
                                                     ("审稿率", "1", "写成 100%（若 1 是比例）"),
                                                     ("覆盖率", "0.95", "写成 95%（若 0.95 是比例）"),
                                                     ("购置数量", "22", "写明单位，如 次、件、人、万元")])
def test_unit_suggestions(name, value, suggestion):
    from jixiao.apps.check import review_row

    row = review_row(name, value)
    assert [f.suggestion for f in row.findings if f.code == "C-NO-UNIT"] == [suggestion]

"""Layout families (bench/gen_layouts.py) and reading confidence (contract §6).

The renderings come from the seed's gold and the generator's own rows only (never dev text), so
these tests run on a fresh clone.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from jixiao.corpus import glued, prose
from jixiao.corpus.layout import shared_labels
from jixiao.document import Document, Indicator

ROOT = Path(__file__).resolve().parents[1]


def _gen():
    spec = importlib.util.spec_from_file_location("gen_layouts", ROOT / "bench" / "gen_layouts.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["gen_layouts"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


GEN = _gen()
TABLES = GEN.own_tables() + GEN.seed_tables()


def _family(fam: str, tables=TABLES) -> dict:
    return GEN.evaluate_families(tables, [fam])[fam]


# (family, recall floor, precision floor) on seed + own rows; measured 0.99-1.00 for the table families
@pytest.mark.parametrize("fam,recall,precision", [
    ("selfeval", 0.95, 0.95), ("pipe_split", 0.95, 0.95), ("prose", 0.95, 0.95),
    ("traditional", 0.95, 0.95), ("old_labels", 0.95, 0.95),
])
def test_family_is_read(fam, recall, precision):
    t = _family(fam)
    assert t["tp"] / t["expected"] >= recall
    assert t["tp"] / t["out"] >= precision


def test_glued_family_with_numeric_targets_is_cut_exactly():
    # the generator's own rows have typed targets (units, dates, qualitative phrases): every one is cut
    t = _family("glued", GEN.own_tables())
    assert t["tp"] == t["expected"] == t["out"]


def test_glued_rows_carry_their_score_columns():
    text = ("绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分产出指标数量指标新建农村公路里程5≥35公里35公里5"
            "改造危桥数量512座12座4质量指标工程验收合格率10100%98%10")
    got = [(i.level3, i.value, i.actual, i.weight, i.score) for _, i in GEN.parse_text(text).indicators()]
    assert got == [("新建农村公路里程", "≥35公里", "35公里", "5", "5"), ("改造危桥数量", "12座", "12座", "5", "4"),
                   ("工程验收合格率", "100%", "98%", "10", "10")]


def test_glued_table_without_header_picks_its_columns():
    text = ("项目名称某县造林项目产出指标数量指标新增造林面积3000亩3000亩2020苗木种植数量≥17600株17600株54"
            "质量指标造林成活率≥85%85%33满意度指标服务对象满意度指标林农满意度≥90%90%22")
    doc = GEN.parse_text(text)
    got = [(i.level2, i.level3, i.value, i.actual, i.weight, i.score) for _, i in doc.indicators()]
    assert got[0] == ("数量指标", "新增造林面积", "3000亩", "3000亩", "20", "20")
    assert got[1] == ("数量指标", "苗木种植数量", "≥17600株", "17600株", "5", "4")
    assert [g[1] for g in got] == ["新增造林面积", "苗木种植数量", "造林成活率", "林农满意度"]


def test_glued_cut_prefers_typed_cells():
    score, rows = glued.cut("城市低保月人均补助标准620元/人·月620元/人·月1010", ("value", "actual", "weight", "score"))
    assert [(r.name, r.cells) for r in rows] == [
        ("城市低保月人均补助标准", {"value": "620元/人·月", "actual": "620元/人·月", "weight": "10", "score": "10"})]


def test_prose_items_split_into_name_and_target():
    assert prose.split_item("种植数量(≥**株)>=17600株") == ("种植数量(≥**株)", ">=17600株")
    assert prose.split_item("汛前完成清淤为5月31日前") == ("汛前完成清淤", "5月31日前")
    assert prose.split_item("沿线群众出行条件为明显改善") == ("沿线群众出行条件", "明显改善")
    assert prose.split_item("补贴期限2020.1.1-2020.12.31") == ("补贴期限", "2020.1.1-2020.12.31")


def test_prose_list_becomes_project_rows():
    text = ("绩效指标：\n一、产出指标 1.数量指标：种植数量(≥**株)>=17600株；成活率为95%。2.时效指标：完成时间2023年4月前。\n"
            "二、满意度指标 3.服务对象满意度指标：林农满意度≥90%。\n")
    doc = GEN.parse_text(text)
    got = [(i.level1, i.level2, i.level3, i.value) for _, i in doc.indicators()]
    assert got == [("产出指标", "数量指标", "种植数量(≥**株)", ">=17600株"), ("产出指标", "数量指标", "成活率", "95%"),
                   ("产出指标", "时效指标", "完成时间", "2023年4月前"),
                   ("满意度指标", "服务对象满意度指标", "林农满意度", "≥90%")]
    ind = next(i for _, i in doc.indicators())
    assert "prose" in ind.flags and "placeholder" in ind.flags and ind.read_confidence >= 0.5


def test_narrative_without_labels_stays_narrative(seed_path):
    from jixiao.corpus.layout import build_document
    from jixiao.corpus.readers import read

    doc = build_document(read(seed_path))
    assert not any("prose" in i.flags for _, i in doc.indicators())
    assert doc.quality == {"rows": 108, "suspect": 0}


def test_split_pipe_header_cells_cut_inside():
    text = ("一级 | 二级 | 三级 | 年度 | 实际 |\n指标 | 指标 | 指标 | 指标值 | 完成值 |\n"
            "产出指标 | 数量指标 | 培训人数 | 1200人次 | 1180人次 |\n |  | 培训期数 | 8期 | 8期 |\n")
    got = [(i.level3, i.value, i.actual) for _, i in GEN.parse_text(text).indicators()]
    assert got == [("培训人数", "1200人次", "1180人次"), ("培训期数", "8期", "8期")]


def test_older_first_level_labels_are_mapped():
    text = ("一级指标 二级指标 三级指标 指标值\n项目完成指标 产出数量 培训人数 1200人次\n"
            "项目效果 社会效益 带动就业人数 ≥300人\n")
    got = [(i.level1, i.level2, i.level3) for _, i in GEN.parse_text(text).indicators()]
    assert got == [("产出指标", "数量指标", "培训人数"), ("效益指标", "社会效益指标", "带动就业人数")]


# ---------------------------------------------------------------- confidence and flags

def _assess(name, value="95%", **kw):
    from jixiao.corpus.confidence import assess
    from jixiao.corpus.layout import header_role

    ind = Indicator(level3=name, value=value)
    assess(ind, labels=shared_labels(), header_role=header_role, **kw)
    return ind


@pytest.mark.parametrize("name,value,flag", [
    ("年度", "2021", "header-word"),
    ("指标值(包含数字及文字描述)", "95%", "header-word"),
    ("产出指标", "95%", "header-word"),
    ("202 10", "95%", "no-name"),
    ("享受资助人数达到预计值210010", "2100", "fused-value"),
    ("安装坡面水标尺≥266米10", "10", "fused-value"),
])
def test_garbage_rows_are_suspect(name, value, flag):
    ind = _assess(name, value)
    assert flag in ind.flags
    assert ind.read_confidence < 0.5 and ind.suspect


def test_glued_name_with_a_qualitative_target_inside_is_suspect():
    from jixiao.corpus.confidence import assess

    # two glued rows read as one: a target phrase with words on both sides of it in the name
    ind = Indicator(level3="河道水环境质量明显改善周边耕地灌溉面积", value="≥500亩", flags=["glued"])
    assess(ind, labels=shared_labels())
    assert "fused-value" in ind.flags and ind.suspect
    ind = Indicator(level3="按时完成任务比例", value="100%", flags=["glued"])  # a phrase that opens a name
    assess(ind, labels=shared_labels())
    assert ind.flags == ["glued"] and not ind.suspect


def test_score_digits_left_on_a_value_lower_confidence():
    ind = _assess("服务对象满意度", "0100%")
    assert "score-digits" in ind.flags and ind.read_confidence < 0.7


@pytest.mark.parametrize("name,value", [("服务对象满意度", "≥95%"), ("群众满意度", "90%"), ("满意度", "90%"),
                                        ("项目完成时间", "2024年12月底前"), ("5000吨稻谷储备到位率", "100%")])
def test_clean_rows_are_confident(name, value):
    ind = _assess(name, value)
    assert ind.read_confidence == 1.0 and ind.flags == []


def test_mostly_suspect_document_says_so_once():
    doc = GEN.parse_text("一级指标 | 二级指标 | 三级指标 | 指标值 |\n产出指标 | 数量指标 | 年度 | 2021 |\n"
                         " |  | 指标 | 2022 |\n |  | 培训人数 | 30人 |\n")
    assert doc.quality == {"rows": 3, "suspect": 2}
    assert [w.code for w in doc.warnings].count("W-SUSPECT-ROWS") == 1


def test_confidence_round_trips_through_json():
    doc = GEN.parse_text("一级指标 | 二级指标 | 三级指标 | 指标值 |\n产出指标 | 数量指标 | 年度 | 2021 |\n")
    back = Document.from_dict(doc.to_dict())
    ind = back.projects[0].indicators[0]
    assert ind.flags == ["header-word"] and ind.read_confidence < 0.5
    assert back.quality == {"rows": 1, "suspect": 1}


def test_table_output_marks_suspect_rows(tmp_path):
    from click.testing import CliRunner

    from jixiao.cli import cli

    p = tmp_path / "t.txt"
    p.write_text("一级指标 | 二级指标 | 三级指标 | 指标值 |\n产出指标 | 数量指标 | 年度 | 2021 |\n"
                 " |  | 培训人数 | 30人 |\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["parse", str(p), "--format", "table"]).output
    line = next(ln for ln in out.splitlines() if "年度" in ln and "2021" in ln)
    assert "存疑" in line and "header-word" in line
    assert "存疑" not in next(ln for ln in out.splitlines() if "培训人数" in ln)


# ---------------------------------------------------------------- the learned cut points

def test_cut_point_model_ships_and_reads_without_sklearn():
    import subprocess
    import sys

    code = ("import sys\nfrom jixiao.corpus.text import read_text\nfrom jixiao.corpus.layout import build_document\n"
            "t='产出指标数量指标装备数量95%质量指标购装备验收合格率95%时效指标按时间进度要求支付使用资金支出进度要求'\n"
            "d=build_document(read_text(t.encode(),'x.txt'))\n"
            "print(len(list(d.indicators())), 'sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["3", "False"]


def test_cut_point_model_finds_a_qualitative_target_between_names():
    from jixiao.corpus.cutpoints import default_model

    model = default_model()
    assert model is not None
    s = "按时间进度要求支付使用资金支出进度要求资金成本小于等于核定数"
    k_nv, k_vn = s.index("支出进度"), s.index("资金成本")
    assert model.prob("nv", s, k_nv) > 0.5 and model.prob("vn", s, k_vn) > 0.5
    assert model.prob("nv", s, 3) < 0.1 and model.prob("vn", s, 3) < 0.1  # inside 时间进度


def test_cut_point_model_round_trips_json():
    from jixiao.corpus.cutpoints import CutModel, default_model

    m = default_model()
    again = CutModel.from_json(m.to_json())
    s = "沿线群众出行条件明显改善道路设计使用年限"
    assert [round(again.prob("nv", s, k), 6) for k in range(1, len(s))] == \
        [round(m.prob("nv", s, k), 6) for k in range(1, len(s))]


def test_self_evaluation_prose_reports_target_and_actual():
    text = ("（四）绩效指标完成情况分析\n1.数量指标。培训人数指标为300人实际完成值为320人。\n"
            "2.时效指标。补助资金按月发放指标为100%实际完成值为100%工作经费年底前拨付指标为100%实际完成值为95%\n")
    got = [(i.level2, i.level3, i.value, i.actual) for _, i in GEN.parse_text(text).indicators()]
    assert got == [("数量指标", "培训人数", "300人", "320人"), ("时效指标", "补助资金按月发放", "100%", "100%"),
                   ("时效指标", "工作经费年底前拨付", "100%", "95%")]


@pytest.mark.parametrize("text,want", [
    ("（一）产出指标：1.数量指标：种植数量>=17600株，成活率≥95%。（二）满意度指标：服务对象满意度≥90%。",
     [("产出指标", "数量指标", "种植数量", ">=17600株"), ("产出指标", "数量指标", "成活率", "≥95%"),
      ("满意度指标", None, "服务对象满意度", "≥90%")]),
    ("产出指标：数量指标：改造危桥12座。满意度指标：服务对象满意度指标：沿线群众满意度≥90%。",
     [("产出指标", "数量指标", "改造危桥", "12座"), ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%")]),
    ("绩效指标：一、产出指标\n（1）数量指标：培训人数1200人次；培训期数8期\n二、满意度指标\n（1）服务对象满意度指标：学员满意度≥95%",
     [("产出指标", "数量指标", "培训人数", "1200人次"), ("产出指标", "数量指标", "培训期数", "8期"),
      ("满意度指标", "服务对象满意度指标", "学员满意度", "≥95%")]),
])
def test_prose_list_variants(text, want):
    got = [(i.level1, i.level2, i.level3, i.value) for _, i in GEN.parse_text(text).indicators()]
    assert got == want


def test_a_separate_unit_column_is_kept_as_written():
    text = ("一级指标 | 二级指标 | 三级指标 | 指标值 | 计量单位 | 权重(%) |\n产出指标 | 数量指标 | 培训人数 | 320 | 人次 | 10 |\n"
            " | 质量指标 | 考核合格率 | 95 | % | 10 |\n | 时效指标 | 完成时限 | 1 |  | 5 |\n")
    got = [(i.level3, i.value, i.unit, i.weight) for _, i in GEN.parse_text(text).indicators()]
    assert got == [("培训人数", "320", "人次", "10"), ("考核合格率", "95", "%", "10"), ("完成时限", "1", None, "5")]

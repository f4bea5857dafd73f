"""Layout recognition: sections, projects and indicator rows from the shapes real documents take."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.corpus.blocks import Paragraph, RawDocument, Table
from jixiao.corpus.layout import align, build_document
from jixiao.corpus.metadata import infer, region_of
from jixiao.corpus.readers import read
from jixiao.corpus.text import read_text

DATA = Path(__file__).parent / "data"


def parse(text: str, name: str = "t.txt"):
    return build_document(read_text(text.encode("utf-8"), name))


def rows(doc):
    return [(i.level1, i.level2, i.level3, i.value) for _, i in doc.indicators()]


# ---------------------------------------------------------------- the seed, field by field

@pytest.fixture(scope="module")
def seed_doc(request):
    root = Path(request.config.rootpath)
    return build_document(read(root / "corpus" / "samples" / "chengde_2021_yingji.txt"))


@pytest.fixture(scope="module")
def gold():
    return json.loads((DATA / "chengde_2021_yingji.gold.json").read_text(encoding="utf-8"))


def test_seed_document_fields(seed_doc, gold):
    g = gold["document"]
    assert (seed_doc.year, seed_doc.region, seed_doc.department) == (g["year"], g["region"], g["department"])
    assert seed_doc.kind == "target"
    assert len(seed_doc.projects) == g["projects"] == 12
    assert sum(len(p.indicators) for p in seed_doc.projects) == g["indicator_rows"] == 108
    assert seed_doc.warnings == []


def test_seed_projects_equal_gold(seed_doc, gold):
    for gp, p in zip(gold["projects"], seed_doc.projects, strict=True):
        assert (p.code, p.name, p.title) == (gp["code"], gp["name"], gp["title"])
        assert (p.budget.total, p.budget.fiscal, p.budget.other, p.budget.unit) == (
            gp["budget_wan"], gp["fiscal_wan"], gp.get("other_wan"), "万元")
        assert p.purpose == gp["purpose"]
        assert p.goals == gp["goals"]
        assert [s.period for s in p.schedule] == ["3月底", "6月底", "10月底", "12月底"]
        assert [s.percent for s in p.schedule] == gp["schedule_pct"]
        assert len(p.indicators) == len(gp["indicators"])
        for gi, ind in zip(gp["indicators"], p.indicators):
            got = {k: getattr(ind, k) for k in gi}
            assert got == gi, p.name
            assert (ind.level1_raw, ind.level2_raw) == (gi["level1"], gi["level2"])
            assert ind.target is None and ind.category is None  # filled later by enrich


def test_seed_projects_sharing_a_code_stay_apart(seed_doc):
    shared = [p.name for p in seed_doc.projects if p.code == "13080021VZ4526047U3DP"]
    assert shared == ["安全生产执法检查专项经费", "安全生产专家劳务费"]


def test_seed_narrative_sections(seed_doc, gold):
    texts = [s.indicator_text or "" for s in seed_doc.sections]
    for clause in gold["narrative_targets"]:
        assert any(clause["clause_contains"] in t for t in texts), clause["clause_contains"]
    headings = [s.heading for s in seed_doc.sections]
    assert headings == ["一、总体绩效目标", "（一）全市安全生产形势持续稳定好转",
                        "（二）防范化解自然灾害风险，做好防灾减灾救灾工作",
                        "（二）防范化解自然灾害风险，做好防灾减灾救灾工作"]  # two goal/indicator pairs under (二)
    assert seed_doc.sections[1].goal.startswith("推动“党政同责")
    assert all("TC " not in (s.heading or "") for s in seed_doc.sections)
    assert all(s.targets == [] for s in seed_doc.sections)


def test_seed_as_grid_tables_parses_the_same(seed_doc):
    """A .docx reader gives full grid rows with "" under merged cells: same projects and rows."""
    raw = read(Path(__file__).resolve().parents[1] / "corpus" / "samples" / "chengde_2021_yingji.txt")
    blocks = []
    for b in raw.blocks:
        if isinstance(b, Table):
            grid = []
            for r in b.rows:
                if len(r) == 8 and r[4:6] == ["", ""]:  # the text export's padding cells of merged columns
                    r = r[:4] + r[6:]
                elif len(r) == 7 and r[4] == "":
                    r = r[:4] + r[5:]
                grid.append(r)
            blocks.append(Table(grid))
        else:
            blocks.append(b)
    doc = build_document(RawDocument(raw.path, "docx", raw.sha256, blocks, raw.text))
    assert [(p.code, p.name) for p in doc.projects] == [(p.code, p.name) for p in seed_doc.projects]
    assert rows(doc) == rows(seed_doc)
    assert doc.source.format == "docx"


# ---------------------------------------------------------------- table shapes

WORD_EXPORT = """\
\t示例项目绩效信息表

\t项目编码
\tABC123456
\t项目名称
\t示例项目

\t一级指标
\t二级指标
\t三级指标
\t指标值

\t产出指标
\t数量指标
\t培训人次
\t
\t
\t300人次

\t
\t
\t培训天数
\t5天

\t
\t时效指标
\t完成时间
\t2022年12月底前
"""


def test_merged_category_cells_fill_down_and_padding_cells_are_skipped():
    doc = parse(WORD_EXPORT)
    assert rows(doc) == [("产出指标", "数量指标", "培训人次", "300人次"),
                         ("产出指标", "数量指标", "培训天数", "5天"),
                         ("产出指标", "时效指标", "完成时间", "2022年12月底前")]
    assert doc.projects[0].code == "ABC123456"


SPACE_ROWS = """\
项目名称 道路维护 主管部门 某县交通运输局
绩效指标 一级指标 二级指标 三级指标 指标值 备注
产出指标 数量指标 维护里程(≥**公里) >=20公里  
新建桥梁 >=2座  
质量指标 *验收合格率100% >=98%  
效益指标 社会效益指标 受益人口 >=5000人  
财政部门审核意见 (盖章)
"""


def test_one_row_per_line_split_on_spaces():
    doc = parse(SPACE_ROWS)
    assert rows(doc) == [("产出指标", "数量指标", "维护里程(≥**公里)", ">=20公里"),
                         ("产出指标", "数量指标", "新建桥梁", ">=2座"),
                         ("产出指标", "质量指标", "验收合格率100%", ">=98%"),
                         ("效益指标", "社会效益指标", "受益人口", ">=5000人")]
    assert doc.projects[0].name == "道路维护"
    assert doc.department == "某县交通运输局"


PIPE_SELF_EVAL = """\
项目名称 | 护理培训 | ||||
一级指标 | 二级指标 | 指标名称 | 目标值 | 完成值 |
产出指标 | 产出数量 | 完成培训任务 | 500名 | 480名 |
| | 完成考核验收 | 11所 | 11所 |
| 产出时效 | 培训及时 | 2021.1.1-12.31 | 2021.1.1-12.31 |
效益指标 | 社会效益 | 学员就业率 | 60%及以上 | 53.5% |
| 满意度 | 学员满意度 | 95%及以上 | 90% |
序号 | 学校 | 人数 |
1 | 甲校 | 30 |
"""


def test_pipe_rows_short_labels_and_self_evaluation_columns():
    doc = parse(PIPE_SELF_EVAL)
    got = [(i.level1, i.level2, i.level2_raw, i.level3, i.value, i.actual) for _, i in doc.indicators()]
    assert got == [
        ("产出指标", "数量指标", "产出数量", "完成培训任务", "500名", "480名"),
        ("产出指标", "数量指标", "产出数量", "完成考核验收", "11所", "11所"),
        ("产出指标", "时效指标", "产出时效", "培训及时", "2021.1.1-12.31", "2021.1.1-12.31"),
        ("效益指标", "社会效益指标", "社会效益", "学员就业率", "60%及以上", "53.5%"),
        ("效益指标", "服务对象满意度指标", "满意度", "学员满意度", "95%及以上", "90%"),
    ]  # the 序号 table after it is another table, not indicator rows
    assert doc.kind == "self_evaluation"


CELL_PER_PARAGRAPH = """\
项目名称

村道硬化

一级

二级

三级

年度数值

备注

产出值

数量值

硬化里程

<=12公里

 

效益值

可持续影响

指标

设计使用年限

≥20年

 

满意度指标

服务对象满意度指标

满意度

90%

 
"""


def test_one_cell_per_paragraph_with_wrapped_labels_and_value_word_labels():
    doc = parse(CELL_PER_PARAGRAPH)
    assert rows(doc) == [("产出指标", "数量指标", "硬化里程", "<=12公里"),
                         ("效益指标", "可持续影响指标", "设计使用年限", "≥20年"),
                         ("满意度指标", "服务对象满意度指标", "满意度", "90%")]
    assert [i.level1_raw for _, i in doc.indicators()][0] == "产出值"


FLAT_ONE_LINE = ("项目名称 委托业务 绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 "
                 "偏差原因分析及改进措施 产出指标(50分) 数量指标 委托项目数量 ≥50个 50 8 8 质量指标 报告合格率 "
                 "≥100百分比 100 8 8 经费支出合规性 严格执行相关制度 达成预期指标 8 8 效益指标(30分) 社会效益指标 "
                 "对市场公平的影响 效果明显 达成预期指标 10 9")


def test_table_flattened_on_one_line_with_scores_in_labels():
    doc = parse(FLAT_ONE_LINE)
    got = [(i.level1, i.level1_raw, i.level2, i.level3, i.value, i.actual, i.weight, i.score)
           for _, i in doc.indicators()]
    assert got == [
        ("产出指标", "产出指标(50分)", "数量指标", "委托项目数量", "≥50个", "50", "8", "8"),
        ("产出指标", "产出指标(50分)", "质量指标", "报告合格率", "≥100百分比", "100", "8", "8"),
        ("产出指标", "产出指标(50分)", "质量指标", "经费支出合规性", "严格执行相关制度", "达成预期指标", "8", "8"),
        ("效益指标", "效益指标(30分)", "社会效益指标", "对市场公平的影响", "效果明显", "达成预期指标", "10", "9"),
    ]
    assert doc.projects[0].name == "委托业务"


COST_2021 = """\
一级指标 | 二级指标 | 三级指标 | 指标值 | 分值 | 得分 | 偏差原因 |
产出指标 | 数量指标 | 采购车辆 | 10辆 | 10 | 10 | |
成本指标 | 经济成本指标 | 采购单价 | ≤25万元 | 10 | 8 | 市场价上涨 |
| 社会成本指标 | 对周边影响 | 无 | 5 | 5 | |
"""


def test_2021_style_cost_as_first_level_and_deviation_column():
    doc = parse(COST_2021)
    got = [(i.level1, i.level2, i.level3, i.value, i.weight, i.score, i.deviation) for _, i in doc.indicators()]
    assert got == [("产出指标", "数量指标", "采购车辆", "10辆", "10", "10", None),
                   ("成本指标", "经济成本指标", "采购单价", "≤25万元", "10", "8", "市场价上涨"),
                   ("成本指标", "社会成本指标", "对周边影响", "无", "5", "5", None)]


def test_2020_style_cost_under_output():
    doc = parse("一级指标 | 二级指标 | 三级指标 | 指标值 |\n产出指标 | 数量指标 | 车辆 | 10辆 |\n"
                "| 成本指标 | 单价 | ≤25万元 |\n效益指标 | 社会效益指标 | 出勤率 | 95% |\n")
    assert [(i.level1, i.level2) for _, i in doc.indicators()] == [
        ("产出指标", "数量指标"), ("产出指标", "成本指标"), ("效益指标", "社会效益指标")]


def test_table_without_category_columns_still_yields_rows():
    doc = parse("三级指标 | 指标值 | 指标确定依据 |\n巡查次数 | 12次 | 工作计划 |\n群众满意度 | ≥90% | 问卷 |\n")
    got = [(i.level1, i.level2, i.level3, i.value, i.basis) for _, i in doc.indicators()]
    assert got == [(None, None, "巡查次数", "12次", "工作计划"), (None, None, "群众满意度", "≥90%", "问卷")]


def test_indicator_codes_and_explanations_of_an_indicator_library():
    text = ("指标编码\t一级指标\t二级指标\t三级指标\t指标解释\n"
            "gx010101\t产出指标\t数量指标\t培训班次\t反映培训数量。\n"
            "gx010901\t满意度指标\t服务对象满意度指标\t参训人员满意度\t反映满意情况。\n")
    got = [(i.level2, i.level3, i.description, i.value) for _, i in parse(text).indicators()]
    assert got == [("数量指标", "培训班次", "反映培训数量。", None),
                   ("服务对象满意度指标", "参训人员满意度", "反映满意情况。", None)]


def test_row_split_over_two_lines_is_one_row():
    text = ("一级指标 二级指标 三级指标 指标性质 指标值 度量单位 权重(%)\n"
            "产出指标 数量指标 召开会议 2 15\n"
            "效益指标 社会效益指标 整体状况 定性 高中低\n10\n")
    got = [(i.level3, i.value, i.weight) for _, i in parse(text).indicators()]
    assert got == [("召开会议", "2", "15"), ("整体状况", "高中低", "10")]


def test_second_column_block_is_ignored():
    text = ("一级指标 | 二级指标 | 三级指标 | 指标值 | 二级指标 | 三级指标 | 指标值 |\n"
            "产出指标 | 数量指标 | 维修车辆 | ≥90辆 | 数量指标 | ||||\n"
            "| 质量指标 | 合格率 | ≥100百分比 | 质量指标 | ||\n")
    assert rows(parse(text)) == [("产出指标", "数量指标", "维修车辆", "≥90辆"),
                                 ("产出指标", "质量指标", "合格率", "≥100百分比")]


def test_rows_without_value_are_warned_about():
    doc = parse("一级指标 | 二级指标 | 三级指标 | 指标值 |\n产出指标 | 数量指标 | 培训人次 | |\n")
    assert [w.code for w in doc.warnings] == ["W-NO-VALUE"]


def test_prose_without_tables_warns_and_keeps_nothing():
    doc = parse("这是一段普通的说明文字，没有任何表格。\n")
    assert doc.projects == [] and doc.sections == []
    assert [w.code for w in doc.warnings] == ["W-NO-CONTENT"]


# ---------------------------------------------------------------- helpers and metadata

def test_align_puts_numbers_units_and_names_in_their_columns():
    roles = ["level3", "nature", "value", "unit", "weight"]
    got = align(["差旅费", "470", "人/天", "2"], roles)
    assert {roles[i]: v for i, v in got.items()} == {"level3": "差旅费", "value": "470", "unit": "人/天", "weight": "2"}


@pytest.mark.parametrize("text, year, region, department", [
    ("（2022年度）\n项目名称 | 道路 |\n主管部门 | 219-池州市贵池区棠溪镇人民政府 |\n", 2022, "池州市贵池区棠溪镇",
     "池州市贵池区棠溪镇人民政府"),
    ("2023年项目支出绩效目标申报表\n预算部门 | 湘潭市环境卫生管理处 |\n", 2023, "湘潭市", "湘潭市环境卫生管理处"),
    ("部门整体支出绩效目标表\n2019年度)\n部门(单位)名称 中共宁德市委党史和地方志研究室 部门预算编码 901001033\n", 2019,
     "宁德市", "中共宁德市委党史和地方志研究室"),
    ("我局2021年重点工作。落实《承德市应急管理局工作规则》，24小时内报送到省应急管理厅。承德市各县。\n", 2021,
     "承德市", "承德市应急管理局"),
    ("主管部门及其编码 湘潭市城市管理和综合执法局 308001\n", None, "湘潭市", "湘潭市城市管理和综合执法局"),
])
def test_metadata_inference(text, year, region, department):
    m = infer(text)
    assert (m.year, m.region, m.department) == (year, region, department)


def test_provenance_year_is_only_a_last_resort():
    assert infer("绩效目标表\n", {"year": "2024 (probable)"}).year == 2024
    assert infer("（2021年度）绩效目标表\n", {"year": "2024"}).year == 2021


@pytest.mark.parametrize("name, region", [
    ("承德市应急管理局", "承德市"), ("六安市金安区体育局", "六安市金安区"), ("城市管理局", None),
    ("临邑县师范附属小学", "临邑县"), ("市场监管总局", None), ("甘孜藏族自治州市场监督管理局", "甘孜藏族自治州"),
])
def test_region_of(name, region):
    assert region_of(name) == region


def test_paragraph_blocks_from_another_reader():
    raw = RawDocument("x.docx", "docx", "0" * 64, [
        Paragraph("（一）应急管理"), Paragraph("绩效目标：提升应急能力。"), Paragraph("绩效指标：演练3次，培训2期。"),
        Table([["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "演练次数", "3次"],
               ["", "", "培训期数", "2期"]])])
    doc = build_document(raw)
    assert [(s.heading, s.goal, s.indicator_text) for s in doc.sections] == [
        ("（一）应急管理", "提升应急能力。", "演练3次，培训2期。")]
    assert rows(doc) == [("产出指标", "数量指标", "演练次数", "3次"), ("产出指标", "数量指标", "培训期数", "2期")]


@pytest.mark.parametrize("layout", ["pipe", "spaces", "cells"])
def test_seed_rendered_in_other_layouts_reads_back_the_same(seed_doc, layout):
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "bench" / "gen_docs.py"
    spec = importlib.util.spec_from_file_location("gen_docs", path)
    gen_docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_docs)
    doc = parse(gen_docs.render(seed_doc, layout))

    def summary(d):
        return [(p.code, p.name, p.budget.total, [(i.level1, i.level2, i.level3, i.value, i.basis)
                                                   for i in p.indicators]) for p in d.projects]

    assert summary(doc) == summary(seed_doc)


GLUED = ("2020年度专项资金绩效目标自评表项目名称储备粮绩 效 指 标一级 指标二级 指标三级指标年度指标 值全年 完成值"
         "未完成原因和 改进措施产 出 指 标数量 指标5000吨稻谷储备到位率100%100%库存数量真实率100%\n"
         "2、100%质量 指标变质比例00时效 指标贷款付息及时率100%100%满意 度指 标服务 对象 满意 度指 标"
         "安全事件发生数0起0起市民满意度95%无未开展调查说明无")


def test_table_glued_without_any_separator():
    doc = parse(GLUED)
    got = [(i.level1, i.level2, i.level3, i.value, i.actual) for _, i in doc.indicators()]
    assert got == [("产出指标", "数量指标", "5000吨稻谷储备到位率", "100%", "100%"),
                   ("产出指标", "数量指标", "库存数量真实率", "100%", "100%"),
                   ("产出指标", "质量指标", "变质比例", "0", "0"),
                   ("产出指标", "时效指标", "贷款付息及时率", "100%", "100%"),
                   ("满意度指标", "服务对象满意度指标", "安全事件发生数", "0起", "0起"),
                   ("满意度指标", "服务对象满意度指标", "市民满意度", "95%", "无")]
    assert doc.year == 2020 and doc.kind == "self_evaluation"


def test_glued_table_stops_at_the_prose_after_it():
    text = ("評價內容績效內容績效目標值實際完成值累計完成率產出目標數量目標驛站數量>=2個0個0%活動數量>=28次40次143%"
            "(二)財務狀況:時效目標:到位時間績效目標值是2023年12月前,實際完成值為2023年12月前,目標完成率為100%")
    got = [(i.level2, i.level3, i.value, i.actual) for _, i in parse(text).indicators()]
    assert got == [("数量指标", "驛站數量", ">=2個", "0個"), ("数量指标", "活動數量", ">=28次", "40次")]


def test_goal_rows_after_the_indicator_block_are_goals_not_indicators():
    doc = parse("一级指标 | 二级指标 | 三级指标 | 指标值 |\n产出指标 | 数量指标 | 演练次数 | 3次 |\n"
                "绩效目标 | 目标1 | 提升应急处置能力 |\n| 目标2 | 完成演练 |\n")
    assert rows(doc) == [("产出指标", "数量指标", "演练次数", "3次")]
    assert doc.projects[0].goals == ["提升应急处置能力", "完成演练"]


@pytest.mark.parametrize("text,year", [
    ("项目支出绩效目标表（2019年度）\n指标 目标值", 2019),
    # a 年度 far below the opening lines is a reference to another year, outvoted by the text
    ("完成2021年护工培训任务；2021年培训人数；2021年就业率。" + "培训补助标准。" * 80 + "在2020年度第五期补助。", 2021),
    ("污水集中收集率（不低于80%或比2023年提升不少于5个百分点）", None),  # a baseline is not the year
    ("2021年末较2015年末事故起数下降10%", 2021),
])
def test_infer_year(text, year):
    from jixiao.corpus.metadata import infer_year

    assert infer_year(text) == year


SELF_EVAL_TSV = (
    "2022年度项目支出绩效自评表\n"
    "项目名称\t农村饮水安全维修养护\n"
    "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施\n"
    "产出指标(50分)\t数量指标\t维修供水工程处数\t30处\t32处\t20\t20\t\n"
    "\t\t水质检测次数\t≥4次\t4次\t10\t10\t\n"
    "\t时效指标\t资金拨付及时率\t100%\t95%\t10\t9\t部分资金年底拨付\n"
    "满意度指标(10分)\t服务对象满意度指标\t受益群众满意度\t≥90%\t93%\t10\t10\t\n"
)


def test_tab_separated_rows_copied_from_excel_keep_their_blank_merged_cells():
    doc = parse(SELF_EVAL_TSV)
    assert doc.kind == "self_evaluation" and doc.year == 2022
    got = [(i.level1, i.level2, i.level3, i.value, i.actual, i.weight, i.score, i.deviation)
           for p in doc.projects for i in p.indicators]
    assert got == [
        ("产出指标", "数量指标", "维修供水工程处数", "30处", "32处", "20", "20", None),
        ("产出指标", "数量指标", "水质检测次数", "≥4次", "4次", "10", "10", None),
        ("产出指标", "时效指标", "资金拨付及时率", "100%", "95%", "10", "9", "部分资金年底拨付"),
        ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "93%", "10", "10", None),
    ]


def test_2021_framework_pipe_table_with_a_unit_in_the_budget_label():
    doc = parse("项目名称 | 大气污染防治专项 | 项目编码 | 4501232301\n"
                "预算金额（万元）| 300 | 其中：财政资金 | 300 | 其他资金 | 0\n"
                "一级指标 | 二级指标 | 三级指标 | 指标值\n"
                "产出指标 | 数量指标 | 监测站点建设数量 | ≥12个\n"
                "成本指标 | 经济成本指标 | 单个站点建设成本 | ≤25万元\n"
                "| 社会成本指标 | 施工扰民投诉次数 | ≤2次\n")
    p = doc.projects[0]
    assert (p.code, p.name, p.budget.total, p.budget.fiscal, p.budget.other) == (
        "4501232301", "大气污染防治专项", 300, 300, 0)
    assert [(i.level1, i.level2, i.level3) for i in p.indicators] == [
        ("产出指标", "数量指标", "监测站点建设数量"), ("成本指标", "经济成本指标", "单个站点建设成本"),
        ("成本指标", "社会成本指标", "施工扰民投诉次数")]


def test_csv_export_is_read_as_one_table_with_quoted_cells():
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    for line in SELF_EVAL_TSV.replace("部分资金年底拨付", "部分资金年底拨付, 已整改").splitlines():
        w.writerow(line.split("\t"))  # the comma inside a cell gets quoted
    assert '"部分资金年底拨付, 已整改"' in buf.getvalue()
    doc = build_document(read_text(("\ufeff" + buf.getvalue()).encode("utf-8"), "se.csv"))
    got = [(i.level2, i.level3, i.value, i.actual, i.deviation) for p in doc.projects for i in p.indicators]
    assert got[2] == ("时效指标", "资金拨付及时率", "100%", "95%", "部分资金年底拨付, 已整改")
    assert len(got) == 4


STANDARD_SELF_EVAL = (  # the 财预〔2020〕10号 self-evaluation template, as copied from Excel
    "项目支出绩效自评表\n（2021年度）\n"
    "项目名称\t城乡环卫一体化运营\t\t\t\t\n"
    "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
    "\t年度资金总额\t500\t520\t510\t10\t98.08%\t9.8\n"
    "\t其中：当年财政拨款\t500\t520\t510\t—\t—\t—\n"
    "\t其他资金\t0\t0\t0\t—\t—\t—\n"
    "年度总体目标\t预期目标\t\t\t实际完成情况\t\t\n"
    "\t完成城乡垃圾收集转运，保持环境整洁。\t\t\t全年收集转运垃圾3.2万吨。\t\t\n"
    "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施\n"
    "\t产出指标\t数量指标\t垃圾收集转运量\t≥3万吨\t3.2万吨\t15\t15\t\n"
    "\t满意度指标\t服务对象满意度指标\t群众满意度\t≥90%\t92%\t10\t10\t\n"
    "总分\t\t\t\t\t\t\t99.3\t\n"
)


def test_standard_self_evaluation_template():
    """全年预算数 is the budget (not the first number of the row), 预期目标 is the goal, 总分 is no row."""
    doc = parse(STANDARD_SELF_EVAL)
    (p,) = doc.projects
    assert (p.budget.total, p.budget.fiscal, p.budget.other) == (520, 520, 0)
    assert p.goals == ["完成城乡垃圾收集转运，保持环境整洁。"]
    assert [(i.level3, i.value, i.actual) for i in p.indicators] == [
        ("垃圾收集转运量", "≥3万吨", "3.2万吨"), ("群众满意度", "≥90%", "92%")]


@pytest.mark.parametrize("label_row,goals", [
    ("年度绩效目标 | 保障农村学生营养膳食补助按时足额发放。", ["保障农村学生营养膳食补助按时足额发放。"]),
    ("中期目标(2023年—2025年) | 保障执法车辆的维修及燃油费用", ["保障执法车辆的维修及燃油费用"]),
    ("绩效目标 | 目标1 | 森林草原防火装备得到改善；", ["森林草原防火装备得到改善；"]),
])
def test_goal_rows_of_a_project_table(label_row, goals):
    doc = parse("项目名称 | 学生营养改善计划\n" + label_row + "\n一级指标 | 二级指标 | 三级指标 | 指标值\n"
                "产出指标 | 数量指标 | 受益学生人数 | ≥15000人\n")
    assert doc.projects[0].goals == goals


def test_glued_free_text_target_that_repeats_its_name():
    # a free-text target often restates its name word for word; unrepeated text is no cut point
    text = ("项目支出绩效目标表绩效指标一级指标二级指标三级指标指标值产出指标数量指标新建村级卫生室数量12座"
            "质量指标维修设施正常使用维修设施正常使用效益指标社会效益指标保障群众就近就医保障群众就近就医"
            "满意度指标服务对象满意度指标就诊群众满意度≥90%")
    got = [(i.level3, i.value) for _, i in parse(text).indicators()]
    assert got == [("新建村级卫生室数量", "12座"), ("维修设施正常使用", "维修设施正常使用"),
                   ("保障群众就近就医", "保障群众就近就医"), ("就诊群众满意度", "≥90%")]


def test_glued_bare_numbers_end_their_rows():
    # a bare count glued between two names belongs to the first, not inside one long name
    text = ("项目支出绩效目标表绩效指标一级指标二级指标三级指标指标值产出指标数量指标开展专项检查行动12"
            "组织业务骨干培训3质量指标设备安装合格率100%")
    got = [(i.level3, i.value) for _, i in parse(text).indicators()]
    assert got == [("开展专项检查行动", "12"), ("组织业务骨干培训", "3"), ("设备安装合格率", "100%")]



def test_glued_value_suffix_and_repeated_word_stay_with_the_value():
    # 及以上 closes a value (it opens no name); a name does not end with its value's first word twice
    from jixiao.corpus.cutpoints import default_model
    from jixiao.corpus.glued import cut

    _, rows = cut("参加技能鉴定人数80%及以上提高农户种植技术水平基本提高资金拨付及时程度程度较高", ("value",),
                  model=default_model())
    assert [(r.name, r.cells) for r in rows] == [("参加技能鉴定人数", {"value": "80%及以上"}),
                                                 ("提高农户种植技术水平", {"value": "基本提高"}),
                                                 ("资金拨付及时程度", {"value": "程度较高"})]

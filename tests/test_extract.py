"""Normalizing 指标值 (parse_value), finding targets in text (extract_targets) and narrative clauses."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.document import Target
from jixiao.pipeline.extract import extract_targets, implied_op, narrative_targets, parse_value
from jixiao.pipeline.numbers import find_numbers, fold, parse_number

SEED = Path(__file__).resolve().parents[1] / "corpus" / "samples" / "chengde_2021_yingji.txt"


def assert_target(t: Target, expected: dict) -> None:
    got = {k: getattr(t, k) for k in expected}
    assert got == expected, f"{t.raw!r}: {got} != {expected}"


# ------------------------------------------------------------------ numerals

NUMERALS = [
    ("95", 95), ("1,200", 1200), ("10,000.5", 10000.5), ("0.5", 0.5), ("-3", -3),
    ("一万", 10000), ("两百", 200), ("十余万", 100000), ("壹佰", 100), ("十五", 15), ("百三", 130),
    ("二〇二一", 2021), ("九万四", 94000), ("两千四百五", 2450), ("一千零五", 1005), ("一千零五十", 1050),
    ("四亿五千六百四十二万零一十五", 456420015), ("1.5万", 15000), ("3万4000", 34000), ("5万4千6百", 54600),
    ("4.78万亿", 4780000000000), ("一百二十三点四五", 123.45), ("负三十二", -32), ("二十几万", 200000),
    ("五分之一", 0.2), ("三百五十又3分之1", Decimal(350) + Decimal(1) / 3), ("肆佰陆拾", 460), ("拾万零五十六", 100056),
]


@pytest.mark.parametrize("span,value", NUMERALS, ids=[n for n, _ in NUMERALS])
def test_parse_number(span, value):
    assert parse_number(fold(span)) == pytest.approx(Decimal(value))


@pytest.mark.parametrize("span", ["", "点", "abc", "-"])
def test_parse_number_rejects_non_numerals(span):
    assert parse_number(span) is None


def test_fold_keeps_length_and_maps_fullwidth_and_traditional():
    for s in ["９５％", "１０萬元", "≧2個", "比上年增長５％，達到"]:
        assert len(fold(s)) == len(s)
    assert fold("９５％") == "95%"
    assert fold("１０萬元") == "10万元"
    assert fold("甲，乙") == "甲，乙"  # the Chinese comma is a clause break, never a thousands separator


def test_find_numbers_spans():
    text = "发放宣传品1万份，演练３次"
    assert [(text[s:e], v) for s, e, v in find_numbers(text)] == [("1万", 10000), ("３", 3)]


# ------------------------------------------------------------------ table values

VALUES = [
    # symbolic comparators
    ("≥95%", dict(kind="numeric", op=">=", value=95, unit="%")),
    (">=90%", dict(kind="numeric", op=">=", value=90, unit="%")),
    ("≧90%", dict(kind="numeric", op=">=", value=90, unit="%")),
    ("≤5%", dict(kind="numeric", op="<=", value=5, unit="%")),
    ("<=10次", dict(kind="numeric", op="<=", value=10, unit="次")),
    ("＞92%", dict(kind="numeric", op=">", value=92, unit="%")),
    ("<3天", dict(kind="numeric", op="<", value=3, unit="天")),
    ("=100%", dict(kind="numeric", op="=", value=100, unit="%")),
    ("＝902000元", dict(kind="numeric", op="=", value=902000, unit="元")),
    ("≥ 50个", dict(kind="numeric", op=">=", value=50, unit="个")),
    # word comparators
    ("不低于95%", dict(kind="numeric", op=">=", value=95, unit="%")),
    ("不少于3次", dict(kind="numeric", op=">=", value=3, unit="次")),
    ("达到90%", dict(kind="numeric", op=">=", value=90, unit="%")),
    ("90%以上", dict(kind="numeric", op=">=", value=90, unit="%")),
    ("60%及以上", dict(kind="numeric", op=">=", value=60, unit="%")),
    ("不高于5%", dict(kind="numeric", op="<=", value=5, unit="%")),
    ("不超过10万元", dict(kind="numeric", op="<=", value=10, unit="万元")),
    ("5%以内", dict(kind="numeric", op="<=", value=5, unit="%")),
    ("3%以下", dict(kind="numeric", op="<=", value=3, unit="%")),
    ("控制在5%以内", dict(kind="numeric", op="<=", value=5, unit="%")),
    ("小于2%", dict(kind="numeric", op="<", value=2, unit="%")),
    ("大于80%", dict(kind="numeric", op=">", value=80, unit="%")),
    ("超13万元/年", dict(kind="numeric", op=">", value=13, unit="万元/年")),
    ("24小时内", dict(kind="numeric", op="<=", value=24, unit="小时")),
    ("15日以内", dict(kind="numeric", op="<=", value=15, unit="日")),
    ("3个工作日内", dict(kind="numeric", op="<=", value=3, unit="工作日")),
    # bare numbers and units
    ("4次", dict(kind="numeric", op=None, value=4, unit="次")),
    ("19件", dict(kind="numeric", op=None, value=19, unit="件")),
    ("6家", dict(kind="numeric", value=6, unit="家")),
    ("2期", dict(kind="numeric", value=2, unit="期")),
    ("1场", dict(kind="numeric", value=1, unit="场")),
    ("1万册", dict(kind="numeric", value=10000, unit="册")),
    ("300人次", dict(kind="numeric", value=300, unit="人次")),
    ("26970.7平方米", dict(kind="numeric", value=26970.7, unit="平方米")),
    ("≥20平方米", dict(kind="numeric", op=">=", value=20, unit="平方米")),
    ("≥80M", dict(kind="numeric", op=">=", value=80, unit="米")),
    ("5公里", dict(kind="numeric", value=5, unit="公里")),
    (">=60亩", dict(kind="numeric", op=">=", value=60, unit="亩")),
    ("8小时", dict(kind="numeric", value=8, unit="小时")),
    ("≥20年", dict(kind="numeric", op=">=", value=20, unit="年")),
    ("6个月", dict(kind="numeric", value=6, unit="月")),
    ("13969.56标箱", dict(kind="numeric", value=13969.56, unit="标箱")),
    ("<=475元/亩", dict(kind="numeric", op="<=", value=475, unit="元/亩")),
    ("780元/生/年", dict(kind="numeric", value=780, unit="元/生/年")),
    ("0起", dict(kind="numeric", value=0, unit="起", implied_op="<=")),
    ("1", dict(kind="numeric", value=1, unit=None)),
    ("11个县市区", dict(kind="numeric", value=11, unit="个")),
    # percentages in every spelling
    ("95%", dict(kind="numeric", value=95, unit="%")),
    ("９５％", dict(kind="numeric", value=95, unit="%")),
    ("≥100百分比", dict(kind="numeric", op=">=", value=100, unit="%")),
    ("百分之九十五", dict(kind="numeric", value=95, unit="%")),
    ("不低于百分之九十", dict(kind="numeric", op=">=", value=90, unit="%")),
    ("百分之九十五点五", dict(kind="numeric", value=95.5, unit="%")),
    ("千分之三", dict(kind="numeric", value=0.3, unit="%")),
    ("≥90.91%", dict(kind="numeric", op=">=", value=90.91, unit="%")),
    # Chinese numerals, multipliers, money
    ("一万份", dict(kind="numeric", value=10000, unit="份")),
    ("三次", dict(kind="numeric", value=3, unit="次")),
    ("两百", dict(kind="numeric", value=200, unit=None)),
    ("十余万", dict(kind="numeric", value=100000, flags=["approx"])),
    ("壹佰", dict(kind="numeric", value=100)),
    ("1万份", dict(kind="numeric", value=10000, unit="份")),
    ("550万粒", dict(kind="numeric", value=5500000, unit="粒")),
    ("≥3万条", dict(kind="numeric", op=">=", value=30000, unit="条")),
    ("250万元", dict(kind="numeric", value=250, unit="万元")),
    ("1.5亿元", dict(kind="numeric", value=1.5, unit="亿元")),
    ("10萬元", dict(kind="numeric", value=10, unit="万元")),
    (">=2個", dict(kind="numeric", op=">=", value=2, unit="个")),
    ("≤90万元", dict(kind="numeric", op="<=", value=90, unit="万元")),
    # ranges
    ("90%-95%", dict(kind="numeric", op="between", value=90, value_max=95, unit="%")),
    ("90-95%", dict(kind="numeric", op="between", value=90, value_max=95, unit="%")),
    ("3至5次", dict(kind="numeric", op="between", value=3, value_max=5, unit="次")),
    ("18—54周岁", dict(kind="numeric", op="between", value=18, value_max=54, unit="周岁")),
    # changes against a baseline
    ("较2015年末下降10%", dict(kind="change", direction="decrease", value=10, unit="%", baseline="2015年末")),
    ("比上年增长5%", dict(kind="change", direction="increase", value=5, unit="%", baseline="上年")),
    ("同比下降3个百分点", dict(kind="change", direction="decrease", value=3, unit="百分点", baseline="上年同期")),
    ("重特大事故起数下降20%", dict(kind="change", direction="decrease", value=20, unit="%", baseline=None)),
    ("较上年减少10%以上", dict(kind="change", direction="decrease", value=10, op=">=", baseline="上年")),
    ("提高到95%", dict(kind="numeric", op=">=", value=95, unit="%")),
    ("下降到5%以下", dict(kind="numeric", op="<=", value=5, unit="%")),
    # deadlines
    ("2022年12月底前", dict(kind="deadline", op="<=", date="2022-12")),
    ("2023年12月前", dict(kind="deadline", op="<=", date="2023-12")),
    ("2021年12月31日", dict(kind="deadline", op=None, date="2021-12-31")),
    ("2025年年底前", dict(kind="deadline", op="<=", date="2025-12")),
    ("2019年12月(计划标准)", dict(kind="deadline", date="2019-12", flags=["basis:计划标准"])),
    ("2020.1.1-2020.12.31", dict(kind="deadline", op="between", date="2020-12-31")),
    ("2021.1.1-12.31", dict(kind="deadline", op="between", date="2021-12-31")),
    ("2023.07-2024.01", dict(kind="deadline", op="between", date="2024-01")),
    ("二〇二二年十二月底前", dict(kind="deadline", op="<=", date="2022-12")),
    # named caps and references
    ("小于等于核定数", dict(kind="reference", op="<=", reference="核定数")),
    ("小于等于预算数", dict(kind="reference", op="<=", reference="预算数")),
    ("控制在预算内", dict(kind="reference", op="<=", reference="预算")),
    ("控制在预算成本内", dict(kind="reference", op="<=", reference="预算成本")),
    ("小于前三年平均值", dict(kind="reference", op="<", reference="前三年平均值")),
    ("不超预算", dict(kind="reference", op="<=", reference="预算")),
    ("在项目计划完成时间内完成", dict(kind="reference", op="<=", reference="项目计划完成时间")),
    ("符合相关规定", dict(kind="reference", op=None, reference="相关规定")),
    ("按相关规定，确定使用年限", dict(kind="reference", reference="相关规定")),
    ("可持续使用时间按资产管理规定执行", dict(kind="reference", reference="资产管理规定")),
    ("参照政府采购成本控制", dict(kind="reference", reference="政府采购成本")),
    # qualitative
    ("正常运行", dict(kind="qualitative", value=None)),
    ("优良", dict(kind="qualitative")),
    ("有效保障", dict(kind="qualitative")),
    ("效果明显", dict(kind="qualitative")),
    ("严格执行相关制度规定", dict(kind="qualitative")),
    ("一岗双责", dict(kind="qualitative", value=None)),
    ("及时购置各项执法装备", dict(kind="qualitative")),
    # not applicable
    ("未涉及", dict(kind="na")),
    ("无", dict(kind="na")),
    ("/", dict(kind="na")),
    ("—", dict(kind="na")),
    ("", dict(kind="na")),
    ("   ", dict(kind="na")),
    (None, dict(kind="na")),
    ("本项目不适用此指标", dict(kind="na")),
    # OCR noise: never a wrong number
    ("292%", dict(kind="numeric", op=">=", value=92, unit="%", flags=["ocr_suspect"])),
    ("290$", dict(kind="numeric", op=">=", value=90, unit="%")),
    ("工5%", dict(kind="numeric", op=">=", value=5, unit="%", flags=["ocr_suspect"])),
    ("≤****000元", dict(kind="numeric", op="<=", value=None, unit="元", flags=["masked"])),
    ("100%（1.0）", dict(kind="numeric", value=100, unit="%")),
    ("100%(历史标准)", dict(kind="numeric", value=100, unit="%", flags=["basis:历史标准"])),
    ("200%", dict(kind="numeric", value=200, unit="%", flags=[])),
    ("2%", dict(kind="numeric", value=2, unit="%", flags=[])),
]


@pytest.mark.parametrize("raw,expected", VALUES, ids=[repr(r) for r, _ in VALUES])
def test_parse_value(raw, expected):
    assert_target(parse_value(raw), expected)


@pytest.mark.parametrize("raw,kwargs,expected", [
    ("250万", dict(name="控制在预算成本内", level2="成本指标"), dict(value=250, unit="万元", implied_op="<=")),
    ("250万", dict(name="受益人口", level2="社会效益指标"), dict(value=2500000, unit=None)),
    ("11月底完成", dict(year=2022), dict(kind="deadline", date="2022-11", op=None)),
    ("12月30日前", dict(year=2021), dict(kind="deadline", date="2021-12-30", op="<=")),
    ("12月30日前", dict(), dict(kind="deadline", date="--12-30", op="<=")),
    ("年底前完成", dict(year=2021), dict(kind="deadline", date="2021-12", op="<=")),
    ("年底前完成", dict(), dict(kind="deadline", date="--12", op="<=")),   # yearless: ISO 8601 --MM
    ("11月底完成", dict(), dict(kind="deadline", date="--11", op=None)),
    ("5%", dict(name="光纤故障率"), dict(op=None, implied_op="<=")),
    ("95%", dict(name="购装备验收合格率"), dict(implied_op=">=")),
    ("90%", dict(name="服务对象满意度", level2="服务对象满意度指标"), dict(implied_op=">=")),
    ("4次", dict(name="地震监测设备巡检次数"), dict(implied_op=">=")),
    ("3次", dict(name="投诉次数"), dict(implied_op="<=")),
    ("98%", dict(name="成本控制率"), dict(implied_op=">=")),
    ("50万元", dict(name="设备购置", level2="成本指标"), dict(implied_op="<=")),
    ("2天", dict(name="处理时限", level2="时效指标"), dict(implied_op="<=")),
    ("≥95%", dict(name="光纤故障率"), dict(op=">=", implied_op=None)),
    ("正常运行", dict(name="系统运行率"), dict(kind="qualitative", flags=["rate_without_number"])),
    ("维护社会稳定", dict(name="维护社会稳定"), dict(kind="qualitative", flags=["name_as_value"])),
])
def test_parse_value_context(raw, kwargs, expected):
    assert_target(parse_value(raw, **kwargs), expected)


# Money keeps the magnitude written (contract §3), with or without 元, Chinese or Arabic, single or range;
# counts get the multiplier, and a magnitude written once covers both ends of a range.
MONEY = [
    ("五十万", "项目资金", dict(value=50, value_max=None, unit="万元", op=None)),
    ("一百万", "项目资金", dict(value=100, value_max=None, unit="万元", op=None)),
    ("十余万", "项目资金", dict(value=10, value_max=None, unit="万元", flags=["approx"])),
    ("1.5亿", "项目资金", dict(value=1.5, value_max=None, unit="亿元")),
    ("≥50万", "项目资金", dict(value=50, unit="万元", op=">=")),
    ("50万以上", "项目资金", dict(value=50, unit="万元", op=">=")),
    ("250万", "项目资金", dict(value=250, unit="万元")),
    ("250万元", "项目资金", dict(value=250, unit="万元")),
    ("5000元", "项目资金", dict(value=5000, unit="元")),
    ("100-200万", "项目资金", dict(value=100, value_max=200, unit="万元", op="between")),
    ("100万-200万", "项目资金", dict(value=100, value_max=200, unit="万元", op="between")),
    ("100-200万元", "项目资金", dict(value=100, value_max=200, unit="万元", op="between")),
    ("100-200万元", None, dict(value=100, value_max=200, unit="万元", op="between")),
    ("1-2万人", "受益人口", dict(value=10000, value_max=20000, unit="人", op="between")),
    ("100-200万", "受益人口", dict(value=1000000, value_max=2000000, unit=None, op="between")),
    ("5000-1万", "受益人口", dict(value=5000, value_max=10000, unit=None, op="between")),
    ("3万4000", "项目资金", dict(value=34000, unit=None)),
]


@pytest.mark.parametrize("raw,name,expected", MONEY, ids=[f"{n}:{r}" for r, n, _ in MONEY])
def test_parse_value_money_keeps_the_magnitude_written(raw, name, expected):
    assert_target(parse_value(raw, name=name), expected)


def test_parse_value_keeps_raw_as_written():
    assert parse_value(" ≥９５％ ").raw == " ≥９５％ "


def test_implied_op_rules():
    assert implied_op("满意度") == ">="
    assert implied_op("投诉率") == "<="
    assert implied_op("x", level2="成本指标") == "<="
    assert implied_op("事故发生数", value=0) == "<="


# One direction rule for parse_value, extract and compare (index.compare.polarity calls implied_op).
DIRECTIONS = [
    ("事故起数下降率", None, "%", ">="),        # a 下降率 of a bad thing is a good rate
    ("能耗下降率", None, "%", ">="),
    ("投诉件减少率", None, "%", ">="),
    ("人员压减率", None, "%", ">="),
    ("单位成本降低率", "成本指标", "%", ">="),
    ("光纤故障率", None, "%", "<="),
    ("投诉率", None, "%", "<="),
    ("安全事故率", None, "%", "<="),
    ("火灾事故发生率", None, "%", "<="),
    ("不合格率", None, "%", "<="),
    ("差错率", None, "%", "<="),
    ("成本增长率", None, "%", "<="),
    ("城镇登记失业率", None, "%", "<="),
    ("脱贫人口返贫率", None, "%", "<="),
    ("产品不良率", None, "%", "<="),
    ("病例漏检率", None, "%", "<="),
    ("工资拖欠率", None, "%", "<="),
    ("验收合格率", None, "%", ">="),
    ("食品安全投诉举报处置率", "质量指标", "%", ">="),   # handling complaints is good
    ("违法案件查办率", "质量指标", "%", ">="),
    ("人均培训成本控制率", "成本指标", "%", ">="),       # a good rate beats the cost category
    ("资金成本", "成本指标", None, "<="),
    ("设备购置", "成本指标", "万元", "<="),
    ("培训费用", None, "万元", "<="),
    ("免费发放种子数量", None, "粒", ">="),              # 免费 is no 费用
    ("办结时限", None, "日", "<="),
    ("平均办理时长", None, "小时", "<="),
    ("审批用时", None, "日", "<="),
    ("设备持续使用时间", "可持续影响指标", "年", ">="),   # 使用时间 holds 用时 but is good
    ("总体支出进度", None, "%", ">="),
    ("投诉处理满意度", "服务对象满意度指标", "%", ">="),
    ("办理周期", "时效指标", "天", "<="),
    ("及时率", "时效指标", "%", ">="),
    ("培训人次", "数量指标", "人次", ">="),
    (None, None, "万元", None),                         # bare money in free text: no direction
]


@pytest.mark.parametrize("name,level2,unit,op", DIRECTIONS, ids=[str(d[0]) for d in DIRECTIONS])
def test_implied_op_directions(name, level2, unit, op):
    assert implied_op(name, level2, unit) == op


def test_good_rate_gets_its_direction_in_cells_and_text():
    assert parse_value("10%", name="事故起数下降率").implied_op == ">="
    [t] = extract_targets("全年事故起数下降率 10%，")
    assert (t["op"], t["implied_op"]) == (None, ">=")


# The seed's table values (distinct value, name, level2 of its 108 rows) and what they mean.
SEED_ROWS = [
    ("95%", "装备数量", "数量指标", dict(kind="numeric", op=None, value=95, unit="%")),
    ("95%", "购装备验收合格率", "质量指标", dict(kind="numeric", value=95, unit="%", implied_op=">=")),
    ("支出进度要求", "按时间进度要求支付使用资金", "时效指标", dict(kind="reference", reference="支出进度要求")),
    ("小于等于核定数", "资金成本", "成本指标", dict(kind="reference", op="<=", reference="核定数")),
    ("按相关规定，确定使用年限", "设备购置类项目持续使用时间（年", "可持续影响指标", dict(kind="reference", reference="相关规定")),
    ("减少森林草原火灾，从而减少经济损失", "综合利用率", "经济效益指标", dict(kind="qualitative")),
    ("扩大防火宣传", "扩大防火安全宣传效应", "社会效益指标", dict(kind="qualitative")),
    ("购置节能环保设备", "生态效益增长率", "生态效益指标", dict(kind="qualitative")),
    ("90%", "考试学员满意度", "服务对象满意度指标", dict(kind="numeric", value=90, unit="%", implied_op=">=")),
    ("考试场所正常使用", "考试场地正常使用情况", "质量指标", dict(kind="qualitative")),
    ("后续使用率", "可持续性", "可持续影响指标", dict(kind="qualitative", value=None)),
    ("未涉及", "未涉及", "经济效益指标", dict(kind="na")),
    ("考试正常支行", "保障考试正常进行", "社会效益指标", dict(kind="qualitative")),
    ("4次", "地震监测设备巡检次数", "数量指标", dict(kind="numeric", value=4, unit="次", implied_op=">=")),
    ("正常运行", "地震信息网络技术系统运行率", "质量指标", dict(kind="qualitative")),
    ("维护社会稳定", "维护社会稳定", "可持续影响指标", dict(kind="qualitative")),
    ("19件", "购置数量与购置计划的比率", "数量指标", dict(kind="numeric", value=19, unit="件")),
    ("及时购置各项办公家具、办公设备", "按时间进度要求支付使用资金", "时效指标", dict(kind="qualitative")),
    ("可持续使用时间按资产管理规定执行", "可持续性服务", "可持续影响指标", dict(kind="reference", reference="资产管理规定")),
    ("11个县市区", "监督覆盖率", "数量指标", dict(kind="numeric", value=11, unit="个")),
    ("办公面积", "物业服务面积", "数量指标", dict(kind="qualitative", value=None)),
    ("维护机关正常办公秩序。", "正常办公条件保障情况", "社会效益指标", dict(kind="qualitative")),
    ("局机关光纤网租赁", "光纤租赁", "数量指标", dict(kind="qualitative")),
    ("5%", "光纤故障率", "质量指标", dict(kind="numeric", value=5, unit="%", implied_op="<=")),
    ("100%", "机关工作人员满意率", "服务对象满意度指标", dict(kind="numeric", value=100, unit="%", implied_op=">=")),
    ("小于前三年平均值", "“三公”经费有效控制情况", "经济效益指标", dict(kind="reference", op="<", reference="前三年平均值")),
    ("维护机关正常办公秩序，保障运转", "正常办公条件保障情况", "社会效益指标", dict(kind="qualitative")),
    ("根据明年车辆编制情况，配备相应数量司机。", "工作日保障单位运转", "数量指标", dict(kind="qualitative", value=None)),
    ("无", "未涉及", "经济效益指标", dict(kind="na")),
    ("3次", "应急演练次数", "数量指标", dict(kind="numeric", value=3, unit="次")),
    ("及时组织演练", "及时性", "时效指标", dict(kind="qualitative")),
    ("22件", "购置数量", "数量指标", dict(kind="numeric", value=22, unit="件")),
    ("20%", "行政立案率", "数量指标", dict(kind="numeric", value=20, unit="%", implied_op=">=")),
    ("小于等于预算数", "资金成本", "成本指标", dict(kind="reference", op="<=", reference="预算数")),
    ("安全生产形势稳定好转", "为国民经济提供安全保障", "可持续影响指标", dict(kind="qualitative")),
    ("有效保障全市安全生产", "保障全市安全生产", "社会效益指标", dict(kind="qualitative")),
]


@pytest.mark.parametrize("raw,name,level2,expected", SEED_ROWS, ids=[f"{n}:{r}" for r, n, _, _ in SEED_ROWS])
def test_seed_table_values(raw, name, level2, expected):
    assert_target(parse_value(raw, name=name, level2=level2, year=2021), expected)


def test_seed_gold_table_values_all_parse(seed_gold):
    """Every one of the seed's 108 rows normalizes to the kind its value implies."""
    expected = {r: e for r, _, _, e in SEED_ROWS}
    rows = [i for p in seed_gold["projects"] for i in p["indicators"]]
    assert len(rows) == 108
    for i in rows:
        t = parse_value(i["value"], name=i["level3"], level2=i["level2"], year=2021)
        if i["value"] in expected:
            assert t.kind == expected[i["value"]]["kind"], i


# ------------------------------------------------------------------ free text

def test_extract_targets_spans_and_fields():
    text = "安全生产月发放宣传品1万份，抽查率达到50%"
    got = extract_targets(text)
    assert [text[s:e] for s, e in (t["span"] for t in got)] == ["1万份", "达到50%"]
    assert [(t["value"], t["unit"], t["op"]) for t in got] == [(10000, "份", None), (50, "%", ">=")]
    assert all(t["raw"] == text[t["span"][0]:t["span"][1]] for t in got)
    assert set(got[0]) >= {"raw", "kind", "op", "value", "value_max", "unit", "direction", "baseline",
                           "reference", "date", "span"}


@pytest.mark.parametrize("text,expected", [
    ("5.12防灾减灾日发放宣传品1万份", [("1万份", 10000, "份")]),
    ("2021年末较2015年末生产安全事故起数下降10%", [("较2015年末生产安全事故起数下降10%", 10, "%")]),
    ("“三个必须”的要求落到实处，一岗双责，重点抓好第一批项目", []),
    ("光纤故障率控制在5%以内，满意度不低于９５％", [("控制在5%以内", 5, "%"), ("不低于９５％", 95, "%")]),
    ("代码13080021IR3I64CQ3V9GF的项目完成验收", []),
    ("共计331万元，地方配套132.4万元", [("331万元", 331, "万元"), ("132.4万元", 132.4, "万元")]),
    ("2021年开展培训一次性完成", []),
    ("每年组织演练两次，培训200人次", [("两次", 2, "次"), ("200人次", 200, "人次")]),
])
def test_extract_targets_in_sentences(text, expected):
    got = [(text[t["span"][0]:t["span"][1]], t["value"], t["unit"]) for t in extract_targets(text)
           if t["kind"] in ("numeric", "change")]
    assert got == expected


def test_extract_short_line_reads_as_a_cell():
    assert [t["kind"] for t in extract_targets("未涉及")] == ["na"]
    assert [t["kind"] for t in extract_targets("优良")] == ["qualitative"]
    got = extract_targets("≥95%（计划标准）")
    assert (got[0]["op"], got[0]["value"], got[0]["span"]) == (">=", 95, [0, 4])
    assert extract_targets("")[0]["kind"] == "na"


def test_extract_implied_op_from_the_clause():
    got = extract_targets("全年光纤故障率5%，服务对象满意率95%，另有说明文字若干以免被当作单个值处理")
    assert [t["implied_op"] for t in got] == ["<=", ">="]


def test_deadlines_in_text_are_not_baselines():
    got = extract_targets("于2022年12月底前完成全部建设任务，较2020年末增长5%")
    assert [(t["kind"], t.get("date"), t.get("baseline")) for t in got] == [
        ("deadline", "2022-12", None), ("change", None, "2020年末")]


# ------------------------------------------------------------------ narrative clauses

# The seed's 18 narrative targets (gold: shared/corpus/seed/…gold.json, key narrative_targets).
SEED_NARRATIVE = [
    ("安全生产月发放宣传品1万份", dict(kind="numeric", op=None, value=10000, unit="份")),
    ("创建市级安全文化示范企业6家", dict(kind="numeric", op=None, value=6, unit="家")),
    ("高危行业二级标准化企业抽查率达到50%", dict(kind="numeric", op=">=", value=50, unit="%")),
    ("2021年末较2015年末生产安全事故起数下降10%",
     dict(kind="change", direction="decrease", value=10, unit="%", baseline="2015年末")),
    ("生产安全事故死亡人数下降10%", dict(kind="change", direction="decrease", value=10, unit="%", baseline="2015年末")),
    ("重特大事故起数下降20%", dict(kind="change", direction="decrease", value=20, unit="%", baseline="2015年末")),
    ("重特大事故死亡人数下降20%", dict(kind="change", direction="decrease", value=20, unit="%", baseline="2015年末")),
    ("5.12防灾减灾日发放宣传品1万份", dict(kind="numeric", op=None, value=10000, unit="份")),
    ("自然灾害损失初步情况报告24小时内报送到省应急管理局", dict(kind="numeric", op="<=", value=24, unit="小时")),
    ("市级灾害救助资金下拨到县级财政部门时间保证在15日以内", dict(kind="numeric", op="<=", value=15, unit="日")),
    ("总体救助率达到90%", dict(kind="numeric", op=">=", value=90, unit="%")),
    ("应急演练1次", dict(kind="numeric", op=None, value=1, unit="次")),
    ("组织召开全市比武演练1次", dict(kind="numeric", op=None, value=1, unit="次")),
    ("社会救援力量训练2期", dict(kind="numeric", op=None, value=2, unit="期")),
    ("购置宣传册1万册", dict(kind="numeric", op=None, value=10000, unit="册")),
    ("组织1场市级防灾减灾宣传演练活动", dict(kind="numeric", op=None, value=1, unit="场")),
    ("森林草原火灾隐患排查工作中整改率达到85%", dict(kind="numeric", op=">=", value=85, unit="%")),
    ("物资维护保养覆盖率达到95%", dict(kind="numeric", op=">=", value=95, unit="%")),
]


@pytest.fixture(scope="module")
def seed_narrative():
    paras = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.startswith("绩效指标：")]
    out = []
    for p in paras:
        for nt in narrative_targets(p):
            out.append((p, nt))
    return out


def test_seed_narrative_has_exactly_the_18_targets(seed_narrative):
    assert len(seed_narrative) == 18
    for (contains, expected), (para, nt) in zip(SEED_NARRATIVE, seed_narrative):
        assert contains in nt.text
        assert para[nt.span[0]:nt.span[1]] == nt.text
        assert_target(nt.target, expected)


def test_narrative_inherits_baseline_only_within_the_sentence():
    text = "较2015年末事故起数下降10%，死亡人数下降10%。受灾人数下降5%"
    got = narrative_targets(text)
    assert [t.target.baseline for t in got] == ["2015年末", "2015年末", None]
    assert "baseline_inherited" in got[1].target.flags


def test_narrative_skips_clauses_without_measurable_targets():
    text = "绩效指标：组织市级专项应急预案审核，“六个机制”落到实处，5.12防灾减灾日开展宣传，培训2期、演练3次"
    got = narrative_targets(text)
    assert [(t.text, t.target.value) for t in got] == [("培训2期", 2), ("演练3次", 3)]
    for t in got:
        assert text[t.span[0]:t.span[1]] == t.text


def test_narrative_deadline_takes_the_document_year():
    text = "绩效指标：系统于11月底前上线运行。"
    assert [n.target.date for n in narrative_targets(text)] == ["--11"]
    assert [n.target.date for n in narrative_targets(text, year=2022)] == ["2022-11"]


def test_parsed_document_narrative_deadlines_take_its_year():
    from jixiao.document import Document, Section, Source
    from jixiao.pipeline.enrich import Parser

    d = Document(source=Source("/tmp/x.txt", "x", "txt"), year=2022,
                 sections=[Section(heading="（一）", indicator_text="绩效指标：系统于11月底前上线运行。")])
    Parser(classify=False).enrich(d)
    assert [t.target.date for t in d.sections[0].targets] == ["2022-11"]


def test_narrative_of_empty_text():
    assert narrative_targets("") == []
    assert narrative_targets("绩效指标：") == []


@pytest.mark.parametrize("text", ["1" * 5000, "一" * 3000, "十 " * 3000, "2021年" * 1000, "百分之" * 2000,
                                  "较" + "x" * 3000 + "下降10%", "1." * 3000])
def test_pathological_lines_are_fast_and_never_huge_numbers(text):
    import time

    t0 = time.perf_counter()
    got = extract_targets(text) + [t.target.__dict__ for t in narrative_targets(text)]
    assert time.perf_counter() - t0 < 1.0
    for t in got:
        assert t["value"] is None or abs(t["value"]) < 10 ** 16


def test_identifier_digit_runs_are_not_quantities():
    assert all(t["kind"] != "numeric" for t in extract_targets("身份证号130802199001011234"))


@pytest.mark.parametrize("text", [
    "网站监督电话:0534-4366343  邮箱", "鲁ICP备06032897号 根据鲁财科教(2024)67号文件", "发布时间:2023-10-13 19:49 来源",
    "访问 gov.cn/public/6602051/25929172.html 查看", "满分为百分制考核的相关说明文字",
])
def test_codes_dates_and_times_are_not_quantities(text):
    assert [t for t in extract_targets(text) if t["kind"] == "numeric"] == []


def test_iso_date_is_a_deadline():
    got = extract_targets("项目须于2023-12-04之前完成并通过验收，届时提交报告")
    assert [(t["kind"], t["date"]) for t in got] == [("deadline", "2023-12-04")]


@pytest.mark.parametrize("spans, kept", [
    ([(0, 4, 1), (2, 6, 2)], [(2, 6)]),  # priority wins an overlap
    ([(0, 4, 1), (0, 6, 1)], [(0, 6)]),  # then length
    ([(0, 4, 1), (4, 6, 1), (6, 6, 1)], [(0, 4), (4, 6), (6, 6)]),  # touching spans both stay
    ([(3, 3, 2), (0, 6, 1), (8, 9, 1)], [(3, 3), (8, 9)]),  # an empty span still blocks what covers it
])
def test_select_keeps_the_best_non_overlapping_candidates(spans, kept):
    from jixiao.pipeline.extract import _Cand, _select

    assert [(c.start, c.end) for c in _select([_Cand(s, e, p, None) for s, e, p in spans])] == kept


def test_select_is_not_quadratic_in_the_candidates():
    import time

    from jixiao.pipeline.extract import _Cand, _select

    # one long line (a page exported without newlines) gives tens of thousands of candidates:
    # checking each against every kept one took 19 s for 660 KB of text
    cands = [_Cand(i * 3, i * 3 + 2, i % 3, None) for i in range(30000)] + [_Cand(1, 5, 0, None)]
    t0 = time.perf_counter()
    kept = _select(cands)
    assert time.perf_counter() - t0 < 2.0
    assert len(kept) == 30000 and all(a.end <= b.start for a, b in zip(kept, kept[1:]))


# ------------------------------------------------------------------ units and directions from context

@pytest.mark.parametrize("raw,kwargs,expected", [
    # the name's parentheses, a template placeholder, a rate, a satisfaction
    ("90", dict(name="任务完成率"), dict(value=90, unit="%", implied_op=">=", flags=["unit_from_name"])),
    # a magnitude in a non-money unit counts in full, as 28万亩 in a cell does; money keeps it (万元)
    ("28", dict(name="改造面积(万亩)"), dict(value=280000, unit="亩", flags=["unit_from_name"])),
    ("1.5", dict(name="接待游客(万人次)"), dict(value=15000, unit="人次")),
    ("250", dict(name="项目资金(万元)"), dict(value=250, unit="万元")),
    ("300", dict(name="生活补助(元/人·月)"), dict(value=300, unit="元/人·月")),
    ("50", dict(name="培训人数（人）"), dict(value=50, unit="人")),
    ("≥4", dict(name="新建站点数量(≥**个)"), dict(op=">=", value=4, unit="个")),
    ("12", dict(name="道路长度（单位：公里）"), dict(value=12, unit="公里")),
    ("2.5万", dict(name="种植面积(亩)"), dict(value=25000, unit="亩")),
    ("2.5万", dict(name="种植面积(万亩)"), dict(value=25000, unit="亩")),  # the cell's 万 is not counted twice
    ("250万", dict(name="发放标准", unit="元"), dict(value=250, unit="万元", flags=["unit_from_column"])),
    ("92", dict(name="群众满意度"), dict(value=92, unit="%")),
    ("3", dict(name="设备故障率"), dict(value=3, unit="%", implied_op="<=")),  # a rate that should go down
    ("15", dict(name="事故起数下降率"), dict(value=15, unit="%", implied_op=">=")),
    # nothing to go on: a bare 1 under a rate may be a fraction, a count noun names no unit
    ("1", dict(name="资料归档率"), dict(value=1, unit=None, flags=[])),
    ("0.95", dict(name="验收合格率"), dict(value=0.95, unit=None)),
    ("4.5", dict(name="群众满意度"), dict(value=4.5, unit=None)),
    ("8", dict(name="配备车辆数"), dict(value=8, unit=None)),
    ("6", dict(name="完成(2023年)项目"), dict(value=6, unit=None)),
    ("7", dict(name="受益(监测)户数"), dict(value=7, unit=None)),
    # a unit column beats the name; a unit written in the cell beats both
    ("470", dict(name="差旅费", unit="人/天"), dict(value=470, unit="人/天", flags=["unit_from_column"])),
    ("100", dict(name="工作落实", unit="%"), dict(value=100, unit="%")),
    ("250", dict(name="项目资金", unit="万元"), dict(value=250, unit="万元")),
    ("60", dict(name="覆盖率", unit="百分比"), dict(value=60, unit="%")),
    ("60", dict(name="培训人数(人)", unit="人次"), dict(value=60, unit="人次")),
    ("95%", dict(name="培训人数(人)", unit="人"), dict(value=95, unit="%", flags=[])),
    ("5", dict(name="巡查次数", unit="是/否"), dict(value=5, unit=None)),  # a 单位 cell that is no unit
    ("12月底前", dict(name="完成时间(月)", year=2023), dict(kind="deadline", date="2023-12", unit=None)),
])
def test_parse_value_unit_from_context(raw, kwargs, expected):
    assert_target(parse_value(raw, **kwargs), expected)


@pytest.mark.parametrize("raw,expected", [
    ("≤28.40/株", dict(op="<=", value=28.4, unit="/株")),  # the money word left out, the per-part kept
    ("300元/人·月", dict(value=300, unit="元/人·月")),
    ("≥5元/人", dict(op=">=", value=5, unit="元/人")),
    ("10人/次", dict(value=10, unit="人/次")),
    ("2021/12", dict(value=2021, unit=None)),  # digits after the slash: no unit
])
def test_per_units_are_kept_as_written(raw, expected):
    assert_target(parse_value(raw), expected)


def test_per_unit_in_free_text():
    (t,) = extract_targets("每株收购价格不超过28.40/株")
    assert (t["op"], t["value"], t["unit"], t["raw"]) == ("<=", 28.4, "/株", "不超过28.40/株")


@pytest.mark.parametrize("written,unit", [
    ("%", "%"), ("百分比", "%"), ("万元", "万元"), ("人/天", "人/天"), ("元/人·月", "元/人·月"), ("平米", "平方米"),
    ("km", "公里"), ("万人次", "万人次"), (" 个 ", "个"), ("（亩）", "亩"),
    ("是/否", None), ("定性", None), ("/", None), ("无", None), ("", None), (None, None), ("万%", None),
])
def test_written_unit(written, unit):
    from jixiao.pipeline.extract import written_unit

    assert written_unit(written) == unit


def test_extract_targets_with_a_name():
    (t,) = extract_targets("90", name="任务完成率")
    assert (t["value"], t["unit"], t["implied_op"], t["span"]) == (90, "%", ">=", [0, 2])
    (t,) = extract_targets("5", name="投诉率")
    assert (t["unit"], t["implied_op"]) == ("%", "<=")
    (t,) = extract_targets("12月30日前", year=2022)
    assert t["date"] == "2022-12-30"
    assert extract_targets("90")[0]["unit"] is None  # no context, no guess

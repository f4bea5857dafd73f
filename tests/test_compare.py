"""Cross-year matching and target comparison on 2021/2022 documents built here (seed-like names)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from jixiao.document import Budget, Target
from jixiao.errors import JixiaoError, NotFoundError
from jixiao.pipeline.extract import parse_value
from jixiao.index.compare import (Comparer, compare_documents, compare_targets, compare_years, normalize_name,
                                  polarity, resolve_department, select_years, target_of)

if str(Path(__file__).parent) not in sys.path:  # --import-mode=importlib leaves tests/ off sys.path
    sys.path.insert(0, str(Path(__file__).parent))
from compare_fixtures import DEPT, doc, docs_2021, docs_2022, ind, proj  # noqa: E402


@pytest.fixture(scope="module")
def result():
    return compare_documents(DEPT, 2021, [docs_2021()], 2022, [docs_2022()])


def by_project(result, name):
    for p in result["projects"]:
        if name in (p["from_name"], p["to_name"]):
            return p
    raise AssertionError(f"{name} not in result")


def row(p, level3):
    for r in p["indicators"]:
        if level3 in (r["from_level3"], r["to_level3"]):
            return r
    raise AssertionError(f"{level3} not in {p['to_name'] or p['from_name']}")


# ---------------------------------------------------------------- projects

def test_projects_added_removed_renamed(result):
    added = [p["to_name"] for p in result["projects"] if p["status"] == "added"]
    removed = [p["from_name"] for p in result["projects"] if p["status"] == "removed"]
    assert added == ["应急指挥平台运维费"]
    assert removed == ["购置办公家具"]
    renamed = by_project(result, "安全生产专家咨询劳务费")
    assert (renamed["from_name"], renamed["status"], renamed["renamed"]) == ("安全生产专家劳务费", "changed", True)
    # Only the name moved: its indicators are all the same.
    assert {r["status"] for r in renamed["indicators"]} == {"same"}


def test_matching_ignores_codes_and_order(result):
    # 安全生产执法检查专项经费 and 安全生产专家劳务费 shared code C2 in 2021; codes all differ in 2022.
    p = by_project(result, "安全生产执法检查专项经费")
    assert p["from_name"] == p["to_name"] == "安全生产执法检查专项经费"
    assert by_project(result, "物业管理费")["status"] == "same"


def test_budgets(result):
    drill = by_project(result, "安全生产应急专项经费及自然灾害预案演练经费")
    assert drill["budget"] == {"from": 30, "to": 35, "change": 5, "pct": pytest.approx(16.67), "unit": "万元"}
    assert by_project(result, "设备购置经费")["budget"]["change"] == pytest.approx(2.05)
    assert by_project(result, "应急指挥平台运维费")["budget"]["from"] is None
    b = result["summary"]["budget"]
    assert b["from"] == pytest.approx(331.77)  # 30+140+12+5+12.95+50+4.52+57.3+20
    assert b["to"] == pytest.approx(354.3)
    assert b["change"] == pytest.approx(22.53)


# ---------------------------------------------------------------- indicators

@pytest.mark.parametrize("project, level3, change", [
    ("安全生产应急专项经费及自然灾害预案演练经费", "应急演练次数", "raised"),          # 3次 → 4次
    ("安全生产应急专项经费及自然灾害预案演练经费", "实际进行的应急预案演练占计划完成比例", "raised"),  # 90% → 95%
    ("安全生产执法检查专项经费", "隐患整改率", "raised"),                                # 90% → 95%
    ("地震工作经费", "地震监测设备巡检次数", "raised"),                                  # 4次 → 6次
    ("局光纤网站租赁费", "光纤故障率", "raised"),                                      # 5% → 3%: lower is better
    ("应急救援车辆租赁", "应急响应到达时间", "raised"),                                  # ≤30分钟 → 20分钟内
])
def test_value_changes_with_direction(result, project, level3, change):
    r = row(by_project(result, project), level3)
    assert (r["status"], r["change"], r["renamed"]) == ("changed", change, False)


def test_renamed_indicator(result):
    r = row(by_project(result, "设备购置经费"), "执法装备购置数量")
    assert (r["from_level3"], r["status"], r["renamed"], r["change"]) == ("购置数量", "changed", True, None)


@pytest.mark.parametrize("project, level3", [
    ("安全生产执法检查专项经费", "企业满意度"),  # ≥85% vs 85%
    ("应急救援车辆租赁", "租赁车辆数"),          # 10辆 vs 10
    ("安全生产应急专项经费及自然灾害预案演练经费", "资金成本"),
    ("安全生产应急专项经费及自然灾害预案演练经费", "及时性"),
])
def test_same_targets_in_other_forms(result, project, level3):
    r = row(by_project(result, project), level3)
    assert (r["status"], r["change"]) == ("same", None)


def test_every_change_found_and_nothing_else(result):
    changed = sorted((p["to_name"] or p["from_name"], r["to_level3"] or r["from_level3"])
                     for p in result["projects"] for r in p["indicators"] if r["status"] != "same")
    expected_changed = {
        ("安全生产应急专项经费及自然灾害预案演练经费", "应急演练次数"),
        ("安全生产应急专项经费及自然灾害预案演练经费", "实际进行的应急预案演练占计划完成比例"),
        ("安全生产执法检查专项经费", "隐患整改率"), ("地震工作经费", "地震监测设备巡检次数"),
        ("局光纤网站租赁费", "光纤故障率"), ("设备购置经费", "执法装备购置数量"),
        ("应急救援车辆租赁", "应急响应到达时间"),
        # whole projects added or removed
        ("应急指挥平台运维费", "系统正常运行率"), ("应急指挥平台运维费", "服务对象满意率"),
        ("购置办公家具", "购置数量与购置计划的比率"), ("购置办公家具", "经费支出准确率"),
    }
    assert set(changed) == expected_changed
    s = result["summary"]
    assert s["projects"] == {"same": 1, "changed": 7, "added": 1, "removed": 1, "renamed": 1}
    assert (s["indicators"]["raised"], s["indicators"]["lowered"], s["indicators"]["renamed"]) == (6, 0, 1)


def test_indicator_added_and_removed_within_a_project():
    a = doc(2021, [proj("地震工作经费", 12, "", [("数量指标", "地震监测设备巡检次数", "4次"),
                                               ("质量指标", "地震信息网络技术系统运行率", "95%")])], [])
    b = doc(2022, [proj("地震工作经费", 12, "", [("数量指标", "地震监测设备巡检次数", "4次"),
                                               ("数量指标", "地震科普宣传场次", "6次")])], [])
    rows = compare_documents(DEPT, 2021, [a], 2022, [b])["projects"][0]["indicators"]
    got = {(r["status"], r["from_level3"] or r["to_level3"]) for r in rows}
    assert got == {("same", "地震监测设备巡检次数"), ("removed", "地震信息网络技术系统运行率"),
                   ("added", "地震科普宣传场次")}


def test_placeholder_rows_match_by_category():
    rows_a = [("经济效益指标", "未涉及", "未涉及"), ("生态效益指标", "未涉及", "未涉及")]
    a = doc(2021, [proj("地震工作经费", 12, "", rows_a)], [])
    b = doc(2022, [proj("地震工作经费", 12, "", list(reversed(rows_a)))], [])
    p = compare_documents(DEPT, 2021, [a], 2022, [b])["projects"][0]
    assert [(r["status"], r["from_level2"], r["to_level2"]) for r in p["indicators"]] == [
        ("same", "生态效益指标", "生态效益指标"), ("same", "经济效益指标", "经济效益指标")]


# ---------------------------------------------------------------- narrative

def test_narrative_changes(result):
    got = {(n["status"], n["change"], n["from_text"], n["to_text"]) for n in result["narrative"]}
    assert got == {
        ("same", None, "总体救助率达到90%", "总体救助率达到90%"),
        ("changed", "raised", "安全生产月发放宣传品1万份", "安全生产月发放宣传品2万份"),
        ("changed", "raised", "重特大事故起数下降20%", "重特大事故起数下降25%"),
        ("changed", "raised", "自然灾害损失初步情况报告24小时内报送到省应急管理局",
         "自然灾害损失初步情况报告12小时内报送到省应急管理局"),
        ("added", None, None, "开展应急科普进社区活动20场"),
        ("removed", None, "创建市级安全文化示范企业6家", None),
    }


# ---------------------------------------------------------------- target comparison

def t(**kw) -> Target:
    return Target(raw=kw.pop("raw", ""), **kw)


@pytest.mark.parametrize("a, b, name, level2, expected", [
    (t(kind="numeric", op=">=", value=85, unit="%"), t(kind="numeric", value=85, unit="%"), "满意度", None, None),
    (t(kind="numeric", value=10, unit="辆"), t(kind="numeric", value=10), "车辆数", None, None),
    (t(kind="numeric", value=80, unit="M"), t(kind="numeric", op=">=", value=80, unit="米"), "射程", None, None),
    (t(kind="numeric", value=250, unit="万元"), t(kind="numeric", value=2500000, unit="元"), "成本", None, None),
    (t(kind="numeric", value=90, unit="%"), t(kind="numeric", value=95, unit="%"), "隐患整改率", None, "raised"),
    (t(kind="numeric", value=95, unit="%"), t(kind="numeric", value=90, unit="%"), "验收合格率", None, "lowered"),
    (t(kind="numeric", value=5, unit="%"), t(kind="numeric", value=3, unit="%"), "光纤故障率", None, "raised"),
    (t(kind="numeric", value=2, unit="%"), t(kind="numeric", value=4, unit="%"), "投诉率", None, "lowered"),
    (t(kind="numeric", value=15, unit="日"), t(kind="numeric", value=10, unit="天"), "救助资金下拨时间", None, "raised"),
    (t(kind="numeric", value=3, unit="天"), t(kind="numeric", value=5, unit="天"), "办理周期", "时效指标", "lowered"),
    (t(kind="numeric", value=40, unit="万元"), t(kind="numeric", value=35, unit="万元"), "项目总成本", "成本指标",
     "raised"),
    (t(kind="numeric", value=10, unit="%"), t(kind="numeric", value=12, unit="%"), "成本节约率", "成本指标", "raised"),
    (t(kind="numeric", value=4, unit="次"), t(kind="numeric", value=4, unit="场"), "培训次数", None, "modified"),
    (t(kind="numeric", op=">=", value=4), t(kind="numeric", op="<=", value=4), "培训次数", None, "modified"),
    (t(kind="change", direction="decrease", value=10, unit="%"),
     t(kind="change", direction="decrease", value=8, unit="%"), "死亡人数", None, "lowered"),
    (t(kind="change", direction="decrease", value=10, unit="%"),
     t(kind="change", direction="increase", value=10, unit="%"), "事故起数", None, "modified"),
    (t(kind="deadline", date="2021-12"), t(kind="deadline", date="2022-12"), "完成时间", None, None),
    (t(kind="deadline", date="2021-12"), t(kind="deadline", date="2022-06"), "完成时间", None, "raised"),
    (t(kind="reference", op="<=", reference="核定数"), t(kind="reference", op="<=", reference="预算数"), "成本", None,
     "modified"),
    (t(kind="qualitative", raw="维护机关正常办公秩序。"), t(kind="qualitative", raw="维护机关正常办公秩序"), "x", None,
     None),
    (t(kind="qualitative", raw="考试正常进行"), t(kind="qualitative", raw="考试场所正常使用"), "x", None, "modified"),
    (t(kind="numeric", value=250, unit="万元"), t(kind="reference", op="<=", reference="预算"), "成本", None,
     "modified"),
    (t(kind="na", raw="未涉及"), t(kind="na", raw="无"), "未涉及", None, None),
])
def test_compare_targets(a, b, name, level2, expected):
    assert compare_targets(a, b, name=name, level2=level2, year_shift=1) == expected


def dl(date, *flags) -> Target:
    return t(kind="deadline", op="<=", date=date, flags=list(flags))


@pytest.mark.parametrize("a, b, from_year, expected", [
    (dl("--12"), dl("2023-06"), 2022, "raised"),         # 12月 in 2022 → 2023年6月: half a year earlier
    (dl("--12"), dl("2023-12"), 2022, None),             # 年底前 each year
    (dl("2022-12"), dl("--12"), 2022, None),
    (dl("--12"), dl("--06"), 2022, "raised"),
    (dl("--06"), dl("--12"), None, "lowered"),           # both yearless: month against month
    (dl("--12"), dl("--12"), None, None),
    (dl("--12"), dl("2023-06"), None, "modified"),        # one year unknown: no order
    (dl("--12"), dl("2023-12"), None, None),
    (dl("2022-12"), dl("2023-12-31"), 2022, None),        # 12月底 is the 31st
    (dl("2022-12"), dl("2023-12-30"), 2022, "raised"),
    (dl("2022-12-30"), dl("2023-12"), 2022, "lowered"),
    (dl("2022-06", "中旬"), dl("2023-06"), 2022, "lowered"),
    (dl("2022-11"), dl("2023-02"), 2022, "raised"),        # 2023-11 → 2023-02, not compared as text
    (dl("2022-12"), dl(None), 2022, "modified"),
])
def test_deadlines_compare_as_days(a, b, from_year, expected):
    assert compare_targets(a, b, name="完成时间", year_shift=1, from_year=from_year) == expected


def test_yearless_deadline_in_a_document_takes_its_year():
    def one(year, value):
        p = proj("平台建设", 10, "", [("时效指标", "完成时间", value)])
        p.indicators[0].target = parse_value(value)  # as parsed without the document's year
        return doc(year, [p], [])

    r = compare_documents(DEPT, 2022, [one(2022, "12月底前")], 2023, [one(2023, "2023年6月底前")])
    [row] = r["projects"][0]["indicators"]
    assert (row["from_target"]["date"], row["to_target"]["date"], row["change"]) == ("--12", "2023-06", "raised")


@pytest.mark.parametrize("name, level2, a, b, expected", [
    ("事故起数下降率", None, 10, 15, "raised"),      # a bigger 下降率 asks more
    ("能耗下降率", None, 8, 5, "lowered"),
    ("光纤故障率", None, 5, 3, "raised"),
    ("投诉率", None, 2, 4, "lowered"),
    ("成本增长率", None, 5, 3, "raised"),
    ("培训成本控制率", "成本指标", 90, 95, "raised"),
    ("平均办理时长", None, 5, 3, "raised"),
    ("设备持续使用时间", "可持续影响指标", 5, 8, "raised"),
    ("设备购置", "产出成本", 40, 35, "raised"),       # a raw category label is understood
])
def test_compare_uses_the_extractor_direction(name, level2, a, b, expected):
    """polarity follows implied_op, also over an implied_op stored by an older rule."""
    ta, tb = t(kind="numeric", value=a, unit="%"), t(kind="numeric", value=b, unit="%")
    assert compare_targets(ta, tb, name=name, level2=level2) == expected
    stale = "<=" if polarity(name, level2, ta, tb) == 1 else ">="
    ta.implied_op = tb.implied_op = stale
    assert compare_targets(ta, tb, name=name, level2=level2) == expected


def test_polarity_prefers_the_written_comparator():
    assert polarity("应急响应时间", None, t(kind="numeric", op="<=", value=30), None) == -1
    assert polarity("培训人次", None, t(kind="numeric", op=">=", value=30), None) == 1
    assert polarity("及时率", "时效指标", None, None) == 1
    assert polarity("资金成本", "成本指标", None, None) == -1


@pytest.mark.parametrize("raw, norm", [
    ("组织培训、会议次数（次）", "组织培训会议次数"),
    ("设备购置类项目持续使用时间（年", "设备购置类项目持续使用时间"),
    ("2022年安全生产月活动经费", "安全生产月活动经费"),
    ("服务周期内，市民对空气质量改善的满意程度", "服务周期内市民对空气质量改善的满意程度"),
    ("游客满意度(≥**%)", "游客满意度"),
    ("ＡＢＣ　满意率", "abc满意率"),
])
def test_normalize_name(raw, norm):
    assert normalize_name(raw) == norm


def test_year_in_project_name_is_not_a_rename():
    a = doc(2021, [proj("2021年安全生产月活动经费", 10, "", [("数量指标", "宣传品发放数量", "19件")])], [])
    b = doc(2022, [proj("2022年安全生产月活动经费", 10, "", [("数量指标", "宣传品发放数量", "19件")])], [])
    p = compare_documents(DEPT, 2021, [a], 2022, [b])["projects"][0]
    assert (p["status"], p["renamed"]) == ("same", False)


def test_thresholds_reject_unrelated_projects():
    """An unrelated project of the next year is added, not a 'rename' of a removed one."""
    a = doc(2021, [proj("购置办公家具", 4.52, "购置办公家具、办公设备", [("数量指标", "购置数量", "19件")])], [])
    b = doc(2022, [proj("应急指挥平台运维费", 20, "保障应急指挥信息平台稳定运行",
                        [("质量指标", "系统正常运行率", "98%")])], [])
    statuses = [p["status"] for p in compare_documents(DEPT, 2021, [a], 2022, [b])["projects"]]
    assert statuses == ["added", "removed"]


def test_self_evaluation_does_not_duplicate_targets():
    a = docs_2021()
    selfeval = docs_2021()
    selfeval.kind = "self_evaluation"
    r = compare_documents(DEPT, 2021, [a, selfeval], 2022, [docs_2022()])
    assert r["summary"]["projects"]["removed"] == 1


@pytest.mark.parametrize("value, year, expected", [
    ("12月底前", 2022, dict(kind="deadline", date="2022-12")),    # a row without a stored target: parsed with its year
    ("12月底前", None, dict(kind="deadline", date="--12")),
    ("五十万", None, dict(kind="numeric", value=50, unit="万元")),
    ("未涉及", None, dict(kind="na")),
])
def test_target_of_parses_a_missing_target(value, year, expected):
    got = target_of(value, None, name="项目资金", year=year)
    assert {k: getattr(got, k) for k in expected} == expected
    stored = Target(raw=value, kind="qualitative")
    assert target_of(value, stored, year=year) is stored


# ---------------------------------------------------------------- several years

def test_compare_years_rows_across_years():
    d21, d22 = docs_2021(), docs_2022()
    d23 = docs_2022()
    d23.year = 2023
    drill = next(p for p in d23.projects if p.name.startswith("安全生产应急"))
    drill.indicators[0] = ind("数量指标", "应急演练次数", "6次")
    drill.budget = Budget(total=40)
    r = compare_years(DEPT, {2021: [d21], 2022: [d22], 2023: [d23]})
    assert r["years"] == [2021, 2022, 2023]
    p = next(p for p in r["projects"] if p["names"].get(2021) == "安全生产应急专项经费及自然灾害预案演练经费")
    assert p["budget"] == {2021: 30, 2022: 35, 2023: 40}
    drills = next(i for i in p["indicators"] if i["names"].get(2021) == "应急演练次数")
    assert drills["values"] == {2021: "3次", 2022: "4次", 2023: "6次"}
    assert drills["changes"] == {"2021→2022": "raised", "2022→2023": "raised"}
    gone = next(p for p in r["projects"] if 2021 in p["names"] and p["names"][2021] == "购置办公家具")
    assert set(gone["names"]) == {2021}
    assert r["summary"]["years"][2023]["budget"] == pytest.approx(359.3)


def test_compare_years_rejoins_after_a_gap():
    keep = [("数量指标", "地震监测设备巡检次数", "4次")]
    d = {y: [doc(y, [proj("地震工作经费", 12, "", keep)] if y != 2022 else [], [])] for y in (2021, 2022, 2023)}
    r = compare_years(DEPT, d)
    assert len(r["projects"]) == 1
    assert r["projects"][0]["indicators"][0]["changes"] == {"2021→2022": "removed", "2022→2023": "added"}


# ---------------------------------------------------------------- departments and years

DEPTS = {"承德市应急管理局": [2021, 2022], "承德市财政局": [2021], "湘潭市环境卫生管理处": [2023, 2024]}


@pytest.mark.parametrize("query, found", [
    ("承德市应急管理局", "承德市应急管理局"), ("应急管理", "承德市应急管理局"), ("环境卫生", "湘潭市环境卫生管理处"),
    ("承德市应急管理局 ", "承德市应急管理局"),
])
def test_resolve_department(query, found):
    assert resolve_department(DEPTS, query) == found


def test_unknown_department_lists_the_index():
    with pytest.raises(NotFoundError) as e:
        resolve_department(DEPTS, "不存在的局")
    msg = str(e.value)
    assert "不存在的局" in msg and "承德市财政局 (2021)" in msg and "湘潭市环境卫生管理处 (2023, 2024)" in msg


def test_a_department_without_a_known_year_is_listed_as_such():
    with pytest.raises(NotFoundError) as e:
        resolve_department({"某县农业农村局": [], "承德市财政局": [2021]}, "不存在的局")
    msg = str(e.value)
    assert "某县农业农村局 (年份未知 year unknown)" in msg and "()" not in msg
    with pytest.raises(NotFoundError, match="years: 年份未知"):
        select_years({"某县农业农村局": []}, "某县农业农村局", 2020, 2021)


def test_ambiguous_department_names_candidates():
    with pytest.raises(NotFoundError, match="ambiguous.*承德市应急管理局.*承德市财政局"):
        resolve_department(DEPTS, "承德市")


def test_missing_year_lists_the_years():
    with pytest.raises(NotFoundError, match="no documents for 2020.*years: 2021, 2022"):
        select_years(DEPTS, "承德市应急管理局", 2020, 2022)
    with pytest.raises(JixiaoError, match="earlier"):
        select_years(DEPTS, "承德市应急管理局", 2022, 2021)
    assert select_years({"a": [2019, 2020, 2021, 2023]}, "a", 2019, 2023) == [2019, 2020, 2021, 2023]


def test_custom_threshold_changes_matching():
    """The thresholds are real parameters: at 0.99 a drifted name no longer matches."""
    a = doc(2021, [proj("设备购置经费", 12.95, "", [("数量指标", "购置数量", "22件")])], [])
    b = doc(2022, [proj("设备购置经费", 12.95, "", [("数量指标", "执法装备购置数量", "22件")])], [])
    strict = Comparer(indicator_threshold=0.99).compare(DEPT, 2021, [a], 2022, [b])
    assert sorted(r["status"] for r in strict["projects"][0]["indicators"]) == ["added", "removed"]


def test_assignment_keeps_a_near_certain_pair():
    """Maximizing the margin over the threshold: 0.95 alone beats the chain 0.53 + 0.49."""
    from jixiao.index.compare import assign

    assert assign([[0.95, 0.53], [0.49, 0.0]], 0.45) == [(0, 0, 0.95)]
    assert assign([[0.3]], 0.45) == [] and assign([], 0.45) == []


def test_same_named_rows_pair_by_value():
    """Two rows of one name and category: the identical targets pair up, not a crosswise 'change'."""
    rows = [("数量指标", "培训次数", "4次"), ("数量指标", "培训次数", "6次")]
    a = doc(2021, [proj("会议培训及宣传工作经费", 30, "", rows)], [])
    b = doc(2022, [proj("会议培训及宣传工作经费", 30, "", list(reversed(rows)))], [])
    p = compare_documents(DEPT, 2021, [a], 2022, [b])["projects"][0]
    assert [r["status"] for r in p["indicators"]] == ["same", "same"]


def test_compare_years_counts_project_transitions():
    r = compare_years(DEPT, {2021: [docs_2021()], 2022: [docs_2022()]})
    assert r["summary"]["project_transitions"] == {"2021→2022": {"added": 1, "removed": 1, "renamed": 1}}


# ---------------------------------------------------------------- the seed, parsed, against a 2022 version of it

def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in the seed"
    return text.replace(old, new)


def seed_2022(seed: str) -> str:
    """The seed as next year's document: budgets, projects, values, names and narrative edited."""
    t = _edit(seed, "\t应急演练次数\n\t应急演练次数\n\t3次", "\t应急演练次数\n\t应急演练次数\n\t4次")
    t = _edit(t, "\t隐患整改的数量占发现隐患数量的比例\n\t90%", "\t隐患整改的数量占发现隐患数量的比例\n\t95%")
    t = _edit(t, "\t地震监测设备巡检次数\n\t地震监测设备巡检次数\n\t4次", "\t地震监测设备巡检次数\n\t地震监测设备巡检次数\n\t6次")
    t = _edit(t, "\t光纤故障率\n\t光纤故障率\n\t5%", "\t光纤故障率\n\t光纤故障率\n\t3%")
    t = _edit(t, "\t购置数量\n\t购置数量\n", "\t执法装备购置数量\n\t执法装备购置数量\n")
    t = _edit(t, "安全生产月发放宣传品1万份", "安全生产月发放宣传品2万份")
    t = _edit(t, "24小时内报送", "12小时内报送")
    t = t.replace("安全生产专家劳务费", "安全生产专家咨询劳务费")
    drill = t.index("\t安全生产应急专项经费及自然灾害预案演练经费绩效信息表")
    head, tail = t[:drill], t[drill:]
    t = head + tail.replace("\t预算数\n\t30\n\t其中：财政资金\n\t30\n", "\t预算数\n\t35\n\t其中：财政资金\n\t35\n", 1)
    start, end = t.index("\t购置办公家具绩效信息表"), t.index("\t安全生产执法检查专项经费绩效信息表")
    t = t[:start] + t[end:]  # a project removed
    start, end = t.index("\t物业管理费绩效信息表"), t.index("\t局光纤网站租赁费绩效信息表")
    added = t[start:end].replace("物业管理费", "应急指挥平台运维费").replace("物业服务面积", "平台运行天数")
    t = t[:end] + added + t[end:]  # a project added
    return t.replace("2021", "2022")


def test_seed_against_its_2022_version(tmp_path, seed_path):
    from jixiao.pipeline.enrich import Parser

    p2022 = tmp_path / "chengde_2022_yingji.txt"
    p2022.write_text(seed_2022(seed_path.read_text(encoding="utf-8")), encoding="utf-8")
    parser = Parser(classify=False)
    a, b = parser.parse(seed_path), parser.parse(p2022)
    assert (a.year, b.year) == (2021, 2022)
    r = compare_documents(DEPT, 2021, [a], 2022, [b])
    changed = {(p["to_name"] or p["from_name"], r_["from_level3"], r_["to_level3"], r_["status"], r_["change"])
               for p in r["projects"] for r_ in p["indicators"]
               if r_["status"] == "changed"}
    assert changed == {
        ("安全生产应急专项经费及自然灾害预案演练经费", "应急演练次数", "应急演练次数", "changed", "raised"),
        ("安全生产执法检查专项经费", "隐患整改率", "隐患整改率", "changed", "raised"),
        ("地震工作经费", "地震监测设备巡检次数", "地震监测设备巡检次数", "changed", "raised"),
        ("局光纤网站租赁费", "光纤故障率", "光纤故障率", "changed", "raised"),
        ("设备购置经费", "购置数量", "执法装备购置数量", "changed", None),
    }
    projects = {(p["status"], p["from_name"], p["to_name"]) for p in r["projects"] if p["status"] != "same"}
    assert ("added", None, "应急指挥平台运维费") in projects
    assert ("removed", "购置办公家具", None) in projects
    assert ("changed", "安全生产专家劳务费", "安全生产专家咨询劳务费") in projects
    assert r["summary"]["projects"]["same"] == 5
    drill = next(p for p in r["projects"] if p["to_name"] == "安全生产应急专项经费及自然灾害预案演练经费")
    assert (drill["budget"]["from"], drill["budget"]["to"]) == (30, 35)
    narr = {(n["from_text"], n["to_text"], n["change"]) for n in r["narrative"] if n["status"] != "same"}
    assert narr == {("安全生产月发放宣传品1万份", "安全生产月发放宣传品2万份", "raised"),
                    ("自然灾害损失初步情况报告24小时内报送到省应急管理局",
                     "自然灾害损失初步情况报告12小时内报送到省应急管理局", "raised")}


def test_a_project_without_a_name_is_named_as_parse_and_search_name_it():
    rows = [("数量指标", "地震监测设备巡检次数", "4次")]
    a, b = proj(None, 12, "", rows), proj(None, 12, "", rows)
    a.title = b.title = "附件1：部门整体支出绩效目标表"
    p = compare_documents(DEPT, 2021, [doc(2021, [a], [])], 2022, [doc(2022, [b], [])])["projects"][0]
    assert p["from_name"] == p["to_name"] == "部门整体支出绩效目标表"

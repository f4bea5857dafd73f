import json

from jixiao.document import (Budget, Category, Document, Indicator, NarrativeTarget, Project, ScheduleItem,
                             Section, Source, Target)


def make_doc():
    t = Target(raw="≥95%", kind="numeric", op=">=", value=95, unit="%")
    ind = Indicator(level1="产出指标", level2="质量指标", level1_raw="产出指标", level2_raw="质量指标",
                    level3="验收合格率", value="≥95%", target=t,
                    category=Category("产出指标", "质量指标", "document", 1.0))
    p = Project(code="X1", name="购置", budget=Budget(total=4.52, fiscal=4.52),
                schedule=[ScheduleItem("3月底", 0), ScheduleItem("12月底", 100)], goals=["g"], indicators=[ind])
    s = Section(heading="（一）", indicator_text="发放宣传品1万份",
                targets=[NarrativeTarget("发放宣传品1万份", Target(raw="1万份", kind="numeric", value=10000, unit="份"),
                                         span=(0, 8))])
    return Document(source=Source("a.txt", "00", "txt"), year=2021, department="某局", projects=[p], sections=[s])


def test_round_trip_through_json_is_lossless():
    doc = make_doc()
    d = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))
    back = Document.from_dict(d)
    assert back == doc
    assert back.sections[0].targets[0].span == (0, 8)
    assert d["projects"][0]["budget"] == {"total": 4.52, "fiscal": 4.52, "other": None, "unit": "万元"}


def test_contract_field_names():
    d = make_doc().to_dict()
    assert set(d) >= {"source", "year", "region", "department", "kind", "title", "sections", "projects", "warnings"}
    ind = d["projects"][0]["indicators"][0]
    assert set(ind) >= {"level1", "level2", "level1_raw", "level2_raw", "level3", "description", "value",
                        "actual", "basis", "target", "actual_target", "category"}
    assert set(ind["target"]) >= {"raw", "kind", "op", "value", "value_max", "unit", "direction", "baseline",
                                  "reference", "date"}
    assert set(d["sections"][0]["targets"][0]) >= {"text", "target", "level1", "level2", "confidence"}

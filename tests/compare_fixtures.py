"""2021/2022 documents of one department, built by hand for the compare and report tests.

2022 against 2021: budgets changed, a project removed (购置办公家具), one added (应急指挥平台运维费), one
renamed (安全生产专家劳务费 → 安全生产专家咨询劳务费), values changed (3次→4次, 90%→95%, 4次→6次, a 故障率 lowered),
an indicator renamed (购置数量 → 执法装备购置数量), targets in other forms (≥85%/85%, 10辆/10), narrative targets
changed; codes and project order differ.
"""

from __future__ import annotations

from jixiao.document import Budget, Document, Indicator, NarrativeTarget, Project, Section, Source, Target

DEPT = "承德市应急管理局"

# Targets as the extractor normalizes them (contract §3), written out literally.
T = {
    "3次": dict(kind="numeric", value=3, unit="次"), "4次": dict(kind="numeric", value=4, unit="次"),
    "6次": dict(kind="numeric", value=6, unit="次"),
    "90%": dict(kind="numeric", value=90, unit="%"), "95%": dict(kind="numeric", value=95, unit="%"),
    "100%": dict(kind="numeric", value=100, unit="%"), "20%": dict(kind="numeric", value=20, unit="%"),
    "85%": dict(kind="numeric", value=85, unit="%"), "≥85%": dict(kind="numeric", op=">=", value=85, unit="%"),
    "5%": dict(kind="numeric", value=5, unit="%"), "3%": dict(kind="numeric", value=3, unit="%"),
    "98%": dict(kind="numeric", value=98, unit="%"),
    "22件": dict(kind="numeric", value=22, unit="件"), "19件": dict(kind="numeric", value=19, unit="件"),
    "10辆": dict(kind="numeric", value=10, unit="辆"), "10": dict(kind="numeric", value=10),
    "≤30分钟": dict(kind="numeric", op="<=", value=30, unit="分钟"),
    "20分钟内": dict(kind="numeric", op="<=", value=20, unit="分钟"),
    "小于等于核定数": dict(kind="reference", op="<=", reference="核定数"),
    "及时组织演练": dict(kind="qualitative"), "11个县市区": dict(kind="numeric", value=11, unit="个县市区"),
}


def target(raw: str) -> Target:
    return Target(raw=raw, **T.get(raw, {"kind": "qualitative"}))


def ind(level2: str, level3: str, value: str) -> Indicator:
    level1 = "满意度指标" if "满意" in level2 else ("效益指标" if "效益" in level2 else "产出指标")
    return Indicator(level1=level1, level2=level2, level3=level3, description=level3, value=value,
                     target=target(value))


def proj(name: str, budget: float, purpose: str, rows: list[tuple[str, str, str]], code: str = "X") -> Project:
    return Project(code=code, name=name, budget=Budget(total=budget, fiscal=budget), purpose=purpose,
                   indicators=[ind(*r) for r in rows])


def narr(text: str, **t) -> NarrativeTarget:
    return NarrativeTarget(text=text, target=Target(raw=text, **t))


def doc(year: int, projects: list[Project], narratives: list[NarrativeTarget]) -> Document:
    return Document(source=Source(f"/tmp/{year}.txt", str(year), "txt"), year=year, region="承德市",
                    department=DEPT, kind="target", projects=projects,
                    sections=[Section(heading="（一）全市安全生产形势持续稳定好转", targets=narratives)])


DRILL_2021 = [("数量指标", "应急演练次数", "3次"), ("质量指标", "实际进行的应急预案演练占计划完成比例", "90%"),
              ("时效指标", "及时性", "及时组织演练"), ("成本指标", "资金成本", "小于等于核定数"),
              ("服务对象满意度指标", "企业满意度", "95%")]
PROPERTY = [("数量指标", "物业服务面积", "办公面积"), ("质量指标", "经费支出准确率", "95%"),
            ("成本指标", "资金成本", "小于等于核定数"), ("服务对象满意度指标", "机关工作人员满意率", "95%")]


def docs_2021() -> Document:
    return doc(2021, [
        proj("安全生产应急专项经费及自然灾害预案演练经费", 30, "组织应急预案演练，完善应急预案体系", DRILL_2021, "C1"),
        proj("安全生产执法检查专项经费", 140, "开展安全生产执法检查，督促企业整改隐患",
             [("数量指标", "监督覆盖率", "11个县市区"), ("质量指标", "隐患整改率", "90%"),
              ("服务对象满意度指标", "企业满意度", "≥85%")], "C2"),
        proj("地震工作经费", 12, "保障地震监测台站正常运行",
             [("数量指标", "地震监测设备巡检次数", "4次"), ("服务对象满意度指标", "服务对象满意率", "90%")], "C3"),
        proj("局光纤网站租赁费", 5, "租赁局机关光纤网络",
             [("质量指标", "光纤故障率", "5%"), ("服务对象满意度指标", "机关工作人员满意率", "100%")], "C4"),
        proj("设备购置经费", 12.95, "购置执法装备",
             [("数量指标", "购置数量", "22件"), ("质量指标", "购置合格率", "95%")], "C5"),
        proj("安全生产专家劳务费", 50, "聘请安全生产专家参与执法检查",
             [("数量指标", "行政立案率", "20%"), ("质量指标", "企业抽查率", "90%")], "C2"),
        proj("购置办公家具", 4.52, "购置办公家具、办公设备",
             [("数量指标", "购置数量与购置计划的比率", "19件"), ("质量指标", "经费支出准确率", "95%")], "C7"),
        proj("物业管理费", 57.3, "保障机关正常办公秩序", PROPERTY, "C8"),
        proj("应急救援车辆租赁", 20, "租赁应急救援车辆",
             [("数量指标", "租赁车辆数", "10辆"), ("时效指标", "应急响应到达时间", "≤30分钟")], "C9"),
    ], [
        narr("安全生产月发放宣传品1万份", kind="numeric", value=10000, unit="份"),
        narr("创建市级安全文化示范企业6家", kind="numeric", value=6, unit="家"),
        narr("重特大事故起数下降20%", kind="change", direction="decrease", value=20, unit="%"),
        narr("自然灾害损失初步情况报告24小时内报送到省应急管理局", kind="numeric", op="<=", value=24, unit="小时"),
        narr("总体救助率达到90%", kind="numeric", op=">=", value=90, unit="%"),
    ])


def docs_2022() -> Document:
    drill = [("数量指标", "应急演练次数", "4次"), ("质量指标", "实际进行的应急预案演练占计划完成比例", "95%"),
             *DRILL_2021[2:]]
    return doc(2022, [
        # new order, new codes: matching must not rely on either
        proj("物业管理费", 57.3, "保障机关正常办公秩序", PROPERTY, "D1"),
        proj("应急指挥平台运维费", 20, "保障应急指挥信息平台稳定运行",
             [("质量指标", "系统正常运行率", "98%"), ("服务对象满意度指标", "服务对象满意率", "90%")], "D2"),
        proj("安全生产应急专项经费及自然灾害预案演练经费", 35, "组织应急预案演练，完善应急预案体系", drill, "D3"),
        proj("安全生产执法检查专项经费", 140, "开展安全生产执法检查，督促企业整改隐患",
             [("数量指标", "监督覆盖率", "11个县市区"), ("质量指标", "隐患整改率", "95%"),
              ("服务对象满意度指标", "企业满意度", "85%")], "D4"),
        proj("地震工作经费", 12, "保障地震监测台站正常运行",
             [("数量指标", "地震监测设备巡检次数", "6次"), ("服务对象满意度指标", "服务对象满意率", "90%")], "D5"),
        proj("局光纤网站租赁费", 5, "租赁局机关光纤网络",
             [("质量指标", "光纤故障率", "3%"), ("服务对象满意度指标", "机关工作人员满意率", "100%")], "D6"),
        proj("设备购置经费", 15, "购置执法装备",
             [("数量指标", "执法装备购置数量", "22件"), ("质量指标", "购置合格率", "95%")], "D7"),
        proj("安全生产专家咨询劳务费", 50, "聘请安全生产专家参与执法检查",
             [("数量指标", "行政立案率", "20%"), ("质量指标", "企业抽查率", "90%")], "D8"),
        proj("应急救援车辆租赁", 20, "租赁应急救援车辆",
             [("数量指标", "租赁车辆数", "10"), ("时效指标", "应急响应到达时间", "20分钟内")], "D9"),
    ], [
        narr("总体救助率达到90%", kind="numeric", op=">=", value=90, unit="%"),
        narr("安全生产月发放宣传品2万份", kind="numeric", value=20000, unit="份"),
        narr("重特大事故起数下降25%", kind="change", direction="decrease", value=25, unit="%"),
        narr("自然灾害损失初步情况报告12小时内报送到省应急管理局", kind="numeric", op="<=", value=12, unit="小时"),
        narr("开展应急科普进社区活动20场", kind="numeric", value=20, unit="场"),
    ])

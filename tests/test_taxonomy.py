import pytest

from jixiao.pipeline.taxonomy import clean_label, load_taxonomy


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy()


@pytest.mark.parametrize("raw,clean", [
    ("产出指标(50分)", "产出指标"),
    ("产出指标 （30分）", "产出指标"),
    ("（一）数量指标", "数量指标"),
    ("经济效益\n指标", "经济效益指标"),
    ("社会公众或服务对象满意度指标指标", "社会公众或服务对象满意度指标"),
    ("*质量指标", "质量指标"),
])
def test_clean_label(raw, clean):
    assert clean_label(raw) == clean


@pytest.mark.parametrize("raw,level1", [
    ("产出指标", "产出指标"), ("产出", "产出指标"), ("效果指标", "效益指标"), ("效益", "效益指标"),
    ("满意度", "满意度指标"), ("成本指标", "成本指标"), ("产出指标(50分)", "产出指标"),
    ("数量指标", None), ("投入", None), ("", None), (None, None),
])
def test_canonical_level1(tax, raw, level1):
    assert tax.canonical_level1(raw) == level1


@pytest.mark.parametrize("raw,parent,level2", [
    ("产出数量", None, "数量指标"), ("数量目标", None, "数量指标"), ("数量", None, "数量指标"),
    ("产出时效", None, "时效指标"), ("进度指标", None, "时效指标"),
    ("环境效益", None, "生态效益指标"), ("可持续影响", None, "可持续影响指标"),
    ("社会公众或服务对象满意度指标", None, "服务对象满意度指标"), ("满意度", None, "服务对象满意度指标"),
    ("成本指标", "产出指标", "成本指标"),  # cz2020: 成本 under 产出
    ("成本指标", "成本指标", "经济成本指标"),  # cz2021: 成本 is first level, its cost is economic
    ("经济成本指标", "成本指标", "经济成本指标"),
    ("生态环境成本指标", None, "生态环境成本指标"),
    ("评分标准", None, None),
])
def test_canonical_level2(tax, raw, parent, level2):
    assert tax.canonical_level2(raw, parent) == level2


def test_versions_map_between_frameworks(tax):
    assert tax.label("output.cost", "cz2020") == ("产出指标", "成本指标")
    assert tax.label("output.cost", "cz2021") == ("成本指标", "经济成本指标")
    assert tax.label("output.cost", "cz2021", "污水排放成本") == ("成本指标", "生态环境成本指标")
    assert tax.label("cost.economic", "cz2020") == ("产出指标", "成本指标")
    # 可持续影响 does not exist in cz2021: it maps by cue words, default social
    assert tax.label("benefit.sustainable", "cz2021", "长效机制") == ("效益指标", "社会效益指标")
    assert tax.label("benefit.sustainable", "cz2020") == ("效益指标", "可持续影响指标")


def test_detect_version(tax):
    assert tax.detect_version(["产出指标", "效益指标"]) == "cz2020"
    assert tax.detect_version(["成本指标", "产出指标"]) == "cz2021"
    assert tax.detect_version(["产出指标"], ["社会成本指标"]) == "cz2021"


def test_every_category_has_examples_and_a_parent_in_some_version(tax):
    for cid, info in tax.categories.items():
        assert info.examples, cid
        assert any(cid in tax.parent[v] for v in ("cz2020", "cz2021")), cid

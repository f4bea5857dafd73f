"""Search that finds what people mean: concepts, name weighting, exclusions, regions by level, exports,
unknown years, --confident, and the backend-neutral query tree (index/query.py)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from jixiao.cli import cli
from jixiao.document import Document, Indicator, NarrativeTarget, Project, Section, Source, Target
from jixiao.index import query as N
from jixiao.index.store import SearchFilters, open_store


def T(raw, value=None, unit=None, op=None, kind="numeric"):
    return Target(raw=raw, kind=kind, op=op, value=value, unit=unit)


def row(level3, value, target=None, level2="数量指标", description=None, conf=None):
    i = Indicator(level1="产出指标", level2=level2, level3=level3, description=description, value=value,
                  target=target or T(value, kind="qualitative"))
    if conf is not None:
        i.read_confidence = conf
    return i


def doc(path, sha, rows, *, year=2023, region="濉溪县", dept="濉溪县农业农村局", project="高标准农田建设", title=None):
    return Document(source=Source(path, sha * 64, "txt"), year=year, region=region, department=dept,
                    kind="target", projects=[Project(name=project, title=title, indicators=rows)])


DOCS = [
    doc("a.txt", "a", [
        row("群众满意度", "≥95%", T("≥95%", 95, "%", ">="), "服务对象满意度指标"),
        row("服务对象满意率", "90%", T("90%", 90, "%"), "服务对象满意度指标"),
        row("托养残疾人满意程度", "≥90%", T("≥90%", 90, "%", ">="), "服务对象满意度指标"),
        row("企业满意度", "95%", T("95%", 95, "%"), "服务对象满意度指标"),
        row("项目验收合格率", "100%", T("100%", 100, "%"), "质量指标"),
        row("合格证发放数量", "20份", T("20份", 20, "份")),
        row("资金拨付及时率", "≥95%", T("≥95%", 95, "%", ">="), "时效指标"),
        row("培训任务完成及时", "按期", level2="时效指标"),
        row("应急演练次数", "3次", T("3次", 3, "次")),
        row("及时性", "及时组织演练", level2="时效指标", description="及时组织演练"),
        row("专项资金使用率", "100%", T("100%", 100, "%"), "质量指标"),
        row("人才驛站數量", "2個", T("2個", 2, "個")),
        row("202 10", "0100%", T("0100%", 100, "%"), conf=0.2),
    ]),
    doc("b.txt", "b", [row("专项资金到位率", "100%", T("100%", 100, "%"), "质量指标"),
                       row("企业培训人次", "200人次", T("200人次", 200, "人次"))],
        year=None, region="承德市", dept="承德市应急管理局", project=None, title="附件:2020年项目支出绩效目标表"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("rel") / "ix")
    with open_store(d, create=True, writable=True) as st:
        for dc in DOCS:
            st.add_document(dc, commit=False)
    st = open_store(d)
    yield st
    st.close()


def names(result):
    return [h["level3"] for h in result.hits]


# ------------------------------------------------------------------ concepts

def test_measure_suffixes_are_mined_from_the_taxonomy():
    # endings that alternate on one stem in the taxonomy's words; 物 (废弃物/污染物) shares no stem with a rate
    assert {"率", "度", "性", "程度"} <= set(N.measure_suffixes())
    assert "物" not in N.measure_suffixes() and "指标" not in N.measure_suffixes()


@pytest.mark.parametrize("token, stem", [("满意度", ("满意",)), ("合格率", ("合格",)), ("及时率", ("及时",)),
                                         ("满意程度", ("满意",)), ("服务对象满意度", ("服务对象", "满意"))])
def test_concept_alternatives(token, stem):
    alts = N.concept_alternatives(token)
    assert alts[0] == N.Alt((token,), 1.0)
    assert alts[1].words == stem and alts[1].weight < 1.0


def test_no_concept_from_a_one_character_stem():
    assert N.concept_alternatives("人数") == (N.Alt(("人数",), 1.0),)


@pytest.mark.parametrize("query, stem", [("满意度", "满意"), ("满意率", "满意"), ("合格率", "合格"), ("及时率", "及时")])
def test_a_concept_finds_every_row_named_with_its_stem_and_ranks_them_first(store, query, stem):
    r = store.search(query, limit=50)
    named = [h for h in store.search("*", limit=100).hits if stem in (h["level3"] or "")]
    assert {h["level3"] for h in named} <= set(names(r))
    top = names(r)[: min(3, len(named))]
    assert all(stem in n for n in top)
    assert names(r)[0] == query or query not in {h["level3"] for h in named}  # the word as typed first


def test_names_rank_above_descriptions(store):
    found = names(store.search("演练"))
    assert found.index("应急演练次数") < found.index("及时性")


def test_traditional_and_simplified_find_each_other(store):
    assert names(store.search("人才驿站")) == ["人才驛站數量"]


# ------------------------------------------------------------------ exclusions and phrases

@pytest.mark.parametrize("query", ["满意 -企业", "满意 NOT 企业", "满意 －企业", "满意度 -企业"])
def test_minus_and_not_exclude_every_row_containing_the_word(store, query):
    r = store.search(query, limit=50)
    assert r.total > 0 and all("企业" not in h["text"] for h in r.hits)
    assert "群众满意度" in names(r)


def test_an_excluded_word_is_exact_not_a_concept(store):
    # leaving out 满意度 keeps 满意率 and 满意程度 rows
    r = store.search("满意 -满意度", limit=50)
    assert sorted(names(r)) == ["托养残疾人满意程度", "服务对象满意率"]


def test_an_excluded_word_leaves_out_rows_that_contain_it_inside_longer_words(store):
    r = store.search("资金 -专项资金", limit=50)
    assert names(r) == ["资金拨付及时率"]
    assert sorted(names(store.search("资金 -到位率", limit=50))) == ["专项资金使用率", "资金拨付及时率"]


def test_quoted_phrases_are_exact(store):
    assert names(store.search('"验收合格率"')) == ["项目验收合格率"]
    assert store.search('"合格验收"').total == 0


# ------------------------------------------------------------------ parsing (the neutral tree)

def test_the_tree_a_backend_translates():
    pq = N.parse_query('满意度 -企业 "验收合格率" year:[2020 TO 2022] region:安徽')
    kinds = [type(c).__name__ for c in pq.root.children]
    assert kinds == ["Word", "Not", "Phrase", "Range", "Match"]
    assert pq.excluded == ["企业"] and pq.phrases == [("text", "验收合格率")]
    assert pq.needs_check and pq.accepts("项目验收合格率 | 100%") and not pq.accepts("企业验收合格率")
    assert not pq.accepts("合格率验收")
    assert {"满意度", "满意", "验收", "合格率"} <= pq.highlight_terms() and "企业" not in pq.highlight_terms()


def test_a_hyphen_inside_a_word_is_not_an_exclusion():
    pq = N.parse_query("2020-2022 满意")
    assert not pq.excluded and not N.has_negation(pq.root)


# ------------------------------------------------------------------ regions

def test_region_matches_any_level(store):
    every = store.search("*", SearchFilters(region="濉溪县")).total
    assert every == len(DOCS[0].projects[0].indicators)
    for name in ("安徽", "安徽省", "淮北市", "淮北", "安徽省淮北市", "340621"):
        assert store.search("*", SearchFilters(region=name)).total == every, name
    assert store.search("*", SearchFilters(region="河北")).total == 2
    assert store.search("资金", SearchFilters(region="安徽")).total == 2
    assert store.search("region:安徽 资金").total == 2
    assert store.search("资金", SearchFilters(region="承德")).total == 1


def test_hits_carry_the_region_levels(store):
    h = store.search("群众满意度").hits[0]
    assert h["region"] == "濉溪县"
    assert h["region_levels"] == {"province": "安徽省", "city": "淮北市", "county": "濉溪县", "code": "340621"}


def test_divisions_resolve_names_codes_and_context():
    from jixiao.corpus.metadata import region_levels
    from jixiao.pipeline.divisions import load_divisions

    divs = load_divisions()
    assert divs.resolve("甘孜州")["province"] == "四川省"
    assert divs.resolve("天津市宁河区") == {"province": "天津市", "city": "天津市", "county": "宁河区", "code": "120117"}
    assert divs.resolve("南岳镇") is None
    assert region_levels("南岳镇", "衡阳市南岳区南岳镇人民政府")["county"] == "南岳区"
    # a county name two places share is settled by the document's other place names
    assert divs.resolve("朝阳区", "吉林省长春市")["city"] == "长春市"
    assert divs.resolve("朝阳区", "北京市")["province"] == "北京市"


def test_parse_gives_region_levels(tmp_path):
    from jixiao.pipeline.enrich import Parser

    p = tmp_path / "d.txt"
    p.write_text("淮北市濉溪县农业农村局2023年项目支出绩效目标表\n", encoding="utf-8")
    d = Parser(classify=False).parse(p)
    assert d.region_levels == {"province": "安徽省", "city": "淮北市", "county": "濉溪县", "code": "340621"}
    assert json.loads(json.dumps(d.to_dict()))["region_levels"]["province"] == "安徽省"


# ------------------------------------------------------------------ confidence, years, names

def test_confident_leaves_out_suspect_rows(store):
    assert "202 10" in names(store.search("*", limit=100))
    assert "202 10" not in names(store.search("*", SearchFilters(confident=True), limit=100))
    h = next(h for h in store.search("*", limit=100).hits if h["level3"] == "202 10")
    assert h["read_confidence"] == 0.2


def test_unknown_year_is_null_and_never_a_sentinel(store):
    r = store.search("资金到位率")
    assert r.hits[0]["year"] is None
    assert "2147483647" not in json.dumps(r.to_dict())
    assert r.facets["year"] == {"未知": 1}


def test_a_project_without_a_name_is_named_the_same_everywhere(store):
    from jixiao.document import project_display_name

    assert project_display_name(DOCS[1].projects[0]) == "2020年项目支出绩效目标表"
    assert project_display_name(Project()) == "（无名项目）"
    assert store.search("资金到位率").hits[0]["project"] == "2020年项目支出绩效目标表"


# ------------------------------------------------------------------ exports through the CLI

@pytest.fixture(scope="module")
def cli_index(store):
    return store.index_dir


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_csv_has_chinese_headers_target_columns_and_plain_snippets(cli_index):
    r = run("search", "资金", "--index", cli_index, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {"年度", "三级指标", "指标值", "比较符", "目标数值", "单位", "摘要"} <= set(rows[0])
    assert not any("<b>" in v or "{" in v for row_ in rows for v in row_.values() if v)
    by_name = {x["三级指标"]: x for x in rows}
    assert by_name["专项资金到位率"]["年度"] == "未知" and by_name["专项资金使用率"]["年度"] == "2023"
    assert by_name["专项资金使用率"]["目标数值"] == "100" and by_name["专项资金使用率"]["单位"] == "%"


def test_xlsx_cells_are_numbers_and_years_never_a_sentinel(cli_index, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "hits.xlsx"
    r = run("search", "*", "--index", cli_index, "--format", "xlsx", "-o", out, "--limit", 100)
    assert r.exit_code == 0
    wb = load_workbook(out)
    ws = wb["hits"]
    head = [c.value for c in ws[1]]
    assert head[:3] == ["得分", "类型", "年度"]
    col = {h: i for i, h in enumerate(head)}
    body = list(ws.iter_rows(min_row=2, values_only=True))
    cell = next(r_ for r_ in body if r_[col["三级指标"]] == "应急演练次数")
    assert cell[col["年度"]] == 2023 and cell[col["目标数值"]] == 3 and cell[col["单位"]] == "次"
    assert isinstance(cell[col["得分"]], (int, float))
    ge = next(r_ for r_ in body if r_[col["三级指标"]] == "群众满意度")
    assert ge[col["比较符"]] == "≥" and ge[col["目标数值"]] == 95
    everything = [v for sheet in wb for r_ in sheet.iter_rows(values_only=True) for v in r_]
    assert 2147483647 not in everything and "2147483647" not in map(str, everything)
    assert not any(isinstance(v, str) and "<b>" in v for v in everything)
    facets = list(wb["facets"].iter_rows(min_row=2, values_only=True))
    assert ("年度", 2023, 13) in facets and ("年度", "未知", 2) in facets


def test_table_says_unknown_and_marks_suspect_rows(cli_index):
    r = run("search", "*", "--index", cli_index, "--limit", 100)
    assert "未知" in r.stdout and "2147483647" not in r.stdout and "存疑" in r.stdout
    r = run("search", "*", "--index", cli_index, "--limit", 100, "--confident")
    assert "存疑" not in r.stdout


def test_a_compound_ending_in_a_measure_asks_for_the_measure(store):
    # 服务对象满意率: rows with both words first, then the rest of the 满意 family; 服务对象 alone is not enough
    found = names(store.search("服务对象满意率", limit=50))
    assert found[0] == "服务对象满意率"
    assert {"群众满意度", "托养残疾人满意程度", "企业满意度"} <= set(found)
    assert not {"合格证发放数量", "应急演练次数"} & set(found)
    # a compound ending in an ordinary word keeps every word required
    assert names(store.search("应急演练次数")) == ["应急演练次数"]
    pq = N.parse_query("验收合格率")
    assert [a.words for a in pq.root.groups[0]] == [("合格率",), ("合格",)]
    assert [a.words for g in pq.root.optional for a in g] == [("验收",)]


def test_a_query_starting_with_minus_is_a_query_not_an_option(cli_index):
    r = run("search", "-企业 满意", "--index", cli_index, "--format", "json")
    assert r.exit_code == 0, r.output
    hits = json.loads(r.stdout)["hits"]
    assert hits and all("企业" not in h["text"] and "满意" in h["text"] for h in hits)
    assert run("search", "满意", "--limt", 3, "--index", cli_index).exit_code == 2  # a mistyped option still says so


def test_excluding_part_of_a_word_still_leaves_out_every_row_containing_it(store):
    # 意度 is no dictionary word: the index has no such term inside 满意度, so the hits are checked
    assert N.parse_query("满意 -意度").needs_check and not N.parse_query("满意 -企业").needs_check
    assert sorted(names(store.search("满意 -意度", limit=50))) == ["托养残疾人满意程度", "服务对象满意率"]


# the province each development document's file name gives (its pinyin slug)
_PROVINCES = {"hunan": "湖南省", "fujian": "福建省", "tianjin": "天津市", "shanxi": "山西省", "sichuan": "四川省",
              "anhui": "安徽省", "guangdong": "广东省", "ningxia": "宁夏回族自治区", "neimenggu": "内蒙古自治区",
              "shandong": "山东省"}


def test_dev_documents_get_their_province():
    from tests.conftest import shared_path  # conftest is imported as tests.conftest (importlib mode)

    from jixiao.pipeline.enrich import Parser

    dev = shared_path("corpus", "dev")
    parser = Parser(classify=False)
    checked = 0
    for path in sorted(dev.glob("*.txt")):
        slug = path.name.split("_")[1].split("-")[0]
        if slug in _PROVINCES:
            levels = parser.parse(path).region_levels
            assert levels and levels["province"] == _PROVINCES[slug], path.name
            checked += 1
    assert checked >= 20

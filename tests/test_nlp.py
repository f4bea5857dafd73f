"""The spaCy integration: jixiao's tokenizer, clause boundaries, target spans and categories."""

import pytest

spacy = pytest.importorskip("spacy", reason="spaCy is the optional extra: pip install 'jixiao[spacy]'")

from jixiao.pipeline.nlp import make_nlp  # noqa: E402

TEXT = "安全生产月发放宣传品1万份，创建市级安全文化示范企业6家，高危行业二级标准化企业抽查率达到50%。"


@pytest.fixture(scope="module")
def nlp():
    return make_nlp()


def test_tokens_cover_the_text_exactly(nlp):
    doc = nlp("应急演练４次，满意度≥95%")
    assert doc.text == "应急演练４次，满意度≥95%"
    assert "满意度" in [t.text for t in doc]


def test_clauses_split_at_clause_punctuation(nlp):
    doc = nlp(TEXT)
    assert [s.text.rstrip("，。") for s in doc.sents] == [
        "安全生产月发放宣传品1万份", "创建市级安全文化示范企业6家", "高危行业二级标准化企业抽查率达到50%"]


def test_target_spans_carry_normalized_targets(nlp):
    doc = nlp(TEXT)
    got = [(s.text, s._.target.value, s._.target.unit, s._.target.op) for s in doc.spans["targets"]]
    assert ("1万份", 10000, "份", None) in got
    assert ("6家", 6, "家", None) in got
    assert any(t[1] == 50 and t[2] == "%" and t[3] == ">=" for t in got)


def test_categories_per_clause(nlp):
    doc = nlp("组织开展应急演练1次，服务对象满意率达到95%")
    cats = [s._.category["level2"] for s in doc.spans["targets"]]
    assert cats == ["数量指标", "服务对象满意度指标"]
    assert set(doc.cats) == set(cats)


def test_no_global_jieba_dictionary_is_touched(nlp):
    import jieba

    nlp("绩效目标")
    assert "绩效目标" not in jieba.dt.FREQ

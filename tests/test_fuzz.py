"""Property-based fuzzing (hypothesis): value extraction, the text reader, the query parser, mutated files.

The properties are the contract's: no exception other than a coded JixiaoError, spans that index the
text, bounded time. Sizes and example counts keep the whole module under a minute on CI; the heavy
version is ``bench/fuzz_heavy.py``.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hostile_files as H  # noqa: E402

from jixiao.errors import JixiaoError  # noqa: E402

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Characters that 指标值 are made of, so that the generator reaches the interesting branches.
VALUE_CHARS = ("0123456789.%％‰≥≤<>=＜＞~～-－—至到万亿千百十一二三四五六七八九零两壹贰叁次件份个人年月日"
               "小时内以上以下不低于不超过较下降增长提高减少核定数预算未涉及无/ ,，;；()（）")
values = st.text(alphabet=st.sampled_from(VALUE_CHARS), max_size=60) | st.text(max_size=40)


@FAST
@given(values)
@example("较2015年末下降10%，死亡人数下降10%")
@example("≥" * 500)
@example("1" * 400 + "万亿")
def test_extract_targets_spans_index_the_text(text):
    from jixiao.pipeline.extract import extract_targets

    for t in extract_targets(text):
        a, b = t["span"]
        assert 0 <= a <= b <= len(text)
        assert t["kind"] in ("numeric", "change", "deadline", "reference", "qualitative", "na")
        if t["kind"] != "na":
            assert t["raw"] == text[a:b]


@FAST
@given(values, st.one_of(st.none(), st.sampled_from(["培训人次", "故障率", "满意度", "资金"])))
def test_parse_value_always_gives_a_target(raw, name):
    from jixiao.pipeline.extract import parse_value

    t = parse_value(raw, name=name)
    assert t is not None and t.kind in ("numeric", "change", "deadline", "reference", "qualitative", "na")
    if t.kind == "numeric" and t.value is not None:
        assert t.value == t.value  # never NaN


def _read_text_or_error(data: bytes, name: str = "x.txt"):
    from jixiao.corpus.text import read_text

    try:
        return read_text(data, name)
    except JixiaoError as e:
        assert "\n" not in str(e)
        return e


@FAST
@given(st.binary(max_size=400))
@example(b"\xef\xbb\xbf")
@example(b"\xff\xfe\x00")
@example("绩效".encode("gbk") * 3)
def test_text_reader_bytes(data):
    _read_text_or_error(data)


@FAST
@given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
       st.sampled_from(["x.txt", "x.csv"]))
def test_text_reader_encoded_text(text, encoding, name):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    _read_text_or_error(data, name)


@FAST
@given(st.lists(st.binary(max_size=40), max_size=8))
def test_stdin_lines_decode_or_one_error(lines):
    import io

    from jixiao.corpus.text import decode_lines

    try:
        for _ in decode_lines(io.BytesIO(b"\n".join(lines))):
            pass
    except JixiaoError as e:
        assert "\n" not in str(e)


def test_seed_mutations_read_or_fail_cleanly():
    rng = random.Random(13)
    seed = (Path(__file__).resolve().parents[1] / "corpus" / "samples" / "chengde_2021_yingji.txt").read_bytes()
    t0 = time.process_time()
    for _ in range(60):
        _read_text_or_error(H.mutate(seed, rng, n=rng.randrange(1, 30)))
    assert time.process_time() - t0 < 60


QUERY_PIECES = ['"', "(", ")", "AND", "OR", "NOT", "-", "*", "?", "year:", "level2:", "foo:", ":", "^2", "~",
                "[", "]", "{", "}", "应急", "演练", "95%", "4次", "满意度", "TO", "\\", "'", "１万份", "“", "”"]


@pytest.fixture(scope="module")
def warm():
    from jixiao.index.query import parse_query

    parse_query("应急演练")  # jieba's start-up is not the parser's time


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(QUERY_PIECES), max_size=10).map(" ".join) | st.text(max_size=80))
def test_query_parser_answers_or_refuses(warm, q):
    from jixiao.index.query import parse_query

    t0 = time.process_time()
    try:
        parsed = parse_query(q)
    except JixiaoError as e:
        assert e.code.startswith("Q") and "\n" not in str(e)
    else:
        assert parsed.root is not None
    assert time.process_time() - t0 < 5


def test_query_length_bounded(warm):
    from jixiao.errors import QueryError
    from jixiao.index.query import parse_query

    t0 = time.process_time()
    with pytest.raises(QueryError):
        parse_query('"' + "应急演练" * 2500 + 'x"')
    assert time.process_time() - t0 < 5


# ---------------------------------------------------------------- mutated and hostile Office files

@pytest.fixture(scope="module")
def office_seeds():
    import office_fixtures as OF

    gold = OF.load_gold()
    return {"docx": OF.build_docx(gold), "xlsx": OF.build_xlsx(gold)}


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_mutated_office_files_read_or_fail_cleanly(office_seeds, fmt, tmp_path):
    from jixiao.corpus.readers import read

    rng = random.Random(7)
    t0 = time.process_time()
    for i in range(12):
        data = H.mutate_zip(office_seeds[fmt], rng) if i % 2 else H.mutate(office_seeds[fmt], rng, n=3)
        p = tmp_path / f"m{i}.{fmt}"
        p.write_bytes(data)
        try:
            read(p)
        except JixiaoError as e:
            assert "\n" not in str(e) and e.code.startswith("R")
    assert time.process_time() - t0 < 60


@pytest.mark.parametrize("name,data", H.quick_set(), ids=[n for n, _ in H.quick_set()])
def test_quick_hostile_set_reads_or_fails_cleanly(name, data, tmp_path):
    from jixiao.corpus.readers import read

    p = tmp_path / name
    p.write_bytes(data)
    t0 = time.process_time()
    try:
        read(p)
    except JixiaoError as e:
        assert "\n" not in str(e)
    assert time.process_time() - t0 < 20


# The PDF limits and the damaged-page warning live in corpus/pdf.py; these are the generator's checks of them.
def test_pdf_inflating_stream_refused(tmp_path):
    from jixiao.corpus.readers import read

    name, data = H.pdf_inflating(256)
    p = tmp_path / name
    p.write_bytes(data)
    t0 = time.process_time()
    with pytest.raises(JixiaoError):
        read(p)
    assert time.process_time() - t0 < 20


def test_pdf_damaged_page_is_reported(tmp_path):
    from jixiao.pipeline.enrich import Parser

    name, data = H.pdf_damaged_page()
    p = tmp_path / name
    p.write_bytes(data)
    try:
        doc = Parser(classify=False).parse(p)
    except JixiaoError as e:
        assert _names_page_2(str(e))
        return
    assert any(_names_page_2(f"{w.where} {w.message}") for w in doc.warnings), doc.warnings


def _names_page_2(text: str) -> bool:
    import re

    return re.search(r"page 2\b|第\s*2\s*页", text) is not None

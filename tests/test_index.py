"""WhooshStore on small hand-built Documents: filters, facets, ranges, idempotency, replace, versions, locks."""

from __future__ import annotations

import dataclasses
import json

import pytest

from jixiao.document import Document, Indicator, NarrativeTarget, Project, Section, Source, Target
from jixiao.errors import IndexError_, IndexLockedError, QueryError, SchemaVersionError
from jixiao.index.store import SearchFilters, open_store
from jixiao.index.whoosh_store import SCHEMA_VERSION, VERSION_FILE, pack_target, unpack_target


def T(raw, value=None, unit=None, op=None, kind="numeric"):
    return Target(raw=raw, kind=kind, op=op, value=value, unit=unit)


def ind(level3, value, target, level1="产出指标", level2="数量指标"):
    return Indicator(level1=level1, level2=level2, level1_raw=level1, level2_raw=level2, level3=level3,
                     description=level3, value=value, target=target)


def make_doc(path="2021/yingji.txt", sha="a" * 64, year=2021, dept="承德市应急管理局", region="承德市",
             drill="4次", extra=()):
    return Document(
        source=Source(path, sha, "txt"), year=year, region=region, department=dept, kind="target",
        title=f"{dept}{year}年部门整体绩效目标",
        projects=[
            Project(name="安全生产应急专项经费", indicators=[
                ind("应急演练次数", drill, T(drill, float(drill.rstrip("次")), "次")),
                ind("购装备验收合格率", "≥95%", T("≥95%", 95, "%", ">="), level2="质量指标"),
                ind("服务对象满意率", "95%", T("95%", 95, "%"), "满意度指标", "服务对象满意度指标"),
                *extra,
            ]),
            Project(name="安全生产管理水平提升", indicators=[
                ind("加强安全生产管理水平", "明显提升", T("明显提升", kind="qualitative"), "效益指标", "社会效益指标"),
            ]),
        ],
        sections=[Section(heading="（一）安全生产", indicator_text="安全生产月发放宣传品1万份",
                          targets=[NarrativeTarget(text="安全生产月发放宣传品1万份", target=T("1万份", 10000, "份"),
                                                   level1="产出指标", level2="数量指标", confidence=0.8)])],
    )


DOCS = [
    make_doc(),
    make_doc("2022/yingji.txt", "b" * 64, 2022, drill="6次"),
    make_doc("2022/jiaoyu.txt", "c" * 64, 2022, dept="衡阳市教育局", region="衡阳市", drill="2次",
             extra=[ind("培训人次", "200人次", T("200人次", 200, "人次", ">="))]),
]


def every_field_set() -> Target:
    """A Target with a distinct non-empty value in every field, whatever fields Target has."""
    return Target(**{f.name: [f"v-{f.name}"] if f.default_factory is list else f"v-{f.name}"
                     for f in dataclasses.fields(Target)})


def test_every_target_field_survives_the_index():
    # TARGET_KEYS was a hand-kept copy of Target's fields: a new field would be silently dropped.
    t = every_field_set()
    assert unpack_target(pack_target(t)) == dataclasses.asdict(t)
    assert unpack_target(pack_target(Target(raw="x"))) == dataclasses.asdict(Target(raw="x", kind="qualitative"))


def test_the_stored_target_form_is_schema_version_5():
    # Positions are the stored form: if this changes, bump SCHEMA_VERSION (old indexes then say re-ingest).
    assert SCHEMA_VERSION == 5  # 5: name field, region levels, read confidence per row
    assert pack_target(Target("≥95%", "numeric", ">=", 95, unit="%", flags=["approx"])) == \
        ["≥95%", "numeric", ">=", 95, None, "%", None, None, None, None, None, ["approx"]]
    assert pack_target(Target("明显提升")) == ["明显提升", "qualitative"]
    old = ["≥95%", "numeric", ">=", 95, None, "%"]  # as written by earlier versions (trailing empties dropped)
    assert unpack_target(old) == dataclasses.asdict(Target("≥95%", "numeric", ">=", 95, unit="%"))


@pytest.fixture
def index_dir(tmp_path):
    d = tmp_path / "ix"
    with open_store(str(d), create=True, writable=True) as st:
        for doc in DOCS:
            assert st.add_document(doc, commit=False).status == "added"
    return str(d)


@pytest.fixture
def store(index_dir):
    st = open_store(index_dir)
    yield st
    st.close()


def levels3(result):
    return sorted((h["year"], h["level3"] or h["text"]) for h in result.hits)


def test_hits_have_the_contract_fields(store):
    r = store.search("应急演练")
    assert r.total == 3
    h = r.hits[0]
    assert set(h) >= {"score", "kind", "year", "region", "department", "project", "level1", "level2", "level3",
                      "value", "target", "text", "snippet", "source"}
    assert h["kind"] == "indicator" and h["level3"] == "应急演练次数"
    assert h["snippet"].startswith("<b>应急演练</b>次数")
    assert h["target"]["unit"] == "次" and h["target"]["flags"] == []
    assert list(h["target"]) == [f.name for f in dataclasses.fields(Target)]
    assert set(h["source"]) == {"path", "sha256"}
    assert json.loads(json.dumps(r.to_dict(), ensure_ascii=False))["total"] == 3


@pytest.mark.parametrize("filters, expected", [
    (SearchFilters(year=2021), [(2021, "服务对象满意率")]),
    (SearchFilters(year_from=2022), [(2022, "服务对象满意率"), (2022, "服务对象满意率")]),
    (SearchFilters(year_to=2021), [(2021, "服务对象满意率")]),
    (SearchFilters(department="教育"), [(2022, "服务对象满意率")]),  # substring of 衡阳市教育局
    (SearchFilters(department="承德市应急管理局", year=2022), [(2022, "服务对象满意率")]),
    (SearchFilters(region="衡阳"), [(2022, "服务对象满意率")]),
    (SearchFilters(level2="质量指标"), []),
    (SearchFilters(level2="满意度"), [(2021, "服务对象满意率"), (2022, "服务对象满意率"), (2022, "服务对象满意率")]),
    (SearchFilters(department="财政局"), []),
])
def test_filters(store, filters, expected):
    assert levels3(store.search("满意", filters)) == expected


def test_numeric_ranges_on_the_target_value(store):
    assert levels3(store.search("*", SearchFilters(vmin=5, vmax=10))) == [(2022, "应急演练次数")]
    big = store.search("*", SearchFilters(vmin=1000))
    assert [h["kind"] for h in big.hits] == ["narrative"] * 3 and big.total == 3
    assert levels3(store.search("*", SearchFilters(vmin=100, vmax=199.5))) == []
    assert store.search("合格率", SearchFilters(vmax=94.9)).total == 0
    assert store.search("合格率", SearchFilters(vmin=95)).total == 3


def test_kind_filter_and_narrative_hits(store):
    r = store.search("宣传品")
    assert r.total == 3 and {h["kind"] for h in r.hits} == {"narrative"}
    assert r.hits[0]["heading"] == "（一）安全生产" and r.hits[0]["target"]["value"] == 10000
    assert store.search("宣传品", SearchFilters(kind="indicator")).total == 0


def test_facets_count_every_match_not_just_the_page(store):
    r = store.search("满意", limit=1)
    assert len(r.hits) == 1 and r.total == 3
    assert r.facets == {"year": {"2022": 2, "2021": 1},
                        "level2": {"服务对象满意度指标": 3},
                        "department": {"承德市应急管理局": 2, "衡阳市教育局": 1}}


@pytest.mark.parametrize("query, total", [
    ("95%", 6), ("９５％", 6), ("95", 6), ("４次", 1), ("6次", 1), ("200人次", 1), ("1万份", 3),
    ('"应急演练次数"', 3), ('"演练次数"', 3), ('"次数应急"', 0),
    ('"安全管理"', 0),  # both words are sub-words of adjacent words, but not a substring of the text
    ('"安全生产管理"', 3), ("project:管理", 3), ("year:2021 满意", 1), ("year:[2022 TO 2023] 满意", 2),
    ("year:2021", 5), ("department:衡阳市教育局", 6), ("kind:document", 0), ("应急 NOT 2次", 2), ("NOT 应急", 13), ("满意 OR 培训", 4), ("vnum:[100 TO 300]", 1), ("培训*", 1),
])
def test_query_syntax(store, query, total):
    assert store.search(query).total == total


@pytest.mark.parametrize("query", ['"应急演练', "应急演练)", "level2: 应急演练", "foo:应急演练", "year:abc 应急演练",
                                   "应急演练 AND"])
def test_malformed_queries_are_searched_as_plain_words(store, query):
    r = store.search(query)
    assert store.last_query_note and "plain words" in store.last_query_note
    # the words of foo:… and year:abc stay words
    assert r.total == (0 if query.startswith(("foo", "year")) else 3)


@pytest.mark.parametrize("query", ["", "   ", "AND", '"" ()', "level2:"])
def test_queries_without_words_are_refused(store, query):
    with pytest.raises(QueryError, match="Q001"):
        store.search(query)


def test_readding_is_idempotent_and_changes_replace(index_dir):
    with open_store(index_dir, writable=True) as st:
        before = st.stats()
        assert st.add_document(make_doc()).status == "skipped"
        # the same content under another path is not counted twice
        assert st.add_document(make_doc("copy/yingji.txt")).status == "duplicate"
        assert st.stats() == before
        changed = make_doc(sha="d" * 64, drill="9次")
        assert st.add_document(changed).status == "replaced"
        assert st.stats() == before
        r = st.search("应急演练", SearchFilters(year=2021))
        assert [h["value"] for h in r.hits] == ["9次"] and r.hits[0]["source"]["sha256"] == "d" * 64
        assert st.search("4次").total == 0


def doc_shas(st) -> list[str]:
    """The sha of every document record (one per indexed file); rows join to them by dockey."""
    return sorted(r["sha"] for r in st._doc_records())


@pytest.mark.parametrize("commit", [True, False])
def test_a_path_overwritten_with_another_files_content_holds_it_once(index_dir, commit):
    # 2022/jiaoyu.txt now has 2021/yingji.txt's bytes: it used to be "replaced", leaving two document
    # records with one dockey (documents() twice, hits joined to either path).
    with open_store(index_dir, writable=True) as st:
        copy = make_doc("2022/jiaoyu.txt", "a" * 64, 2021)
        assert st.add_document(copy, commit=commit).status == "duplicate"
        assert st.add_document(copy, commit=commit).status == "duplicate"  # again: still nothing added
        st.commit()
        assert doc_shas(st) == ["a" * 64, "b" * 64]
        assert [d.to_dict() for d in st.documents()] == [DOCS[0].to_dict(), DOCS[1].to_dict()]
        assert st.stats() == {"documents": 2, "projects": 4, "indicators": 8, "narrative": 2,
                              "departments": 1, "years": 2}
        assert st.search("培训人次").total == 0  # the path's old content is gone
        hits = st.search("应急演练", SearchFilters(year=2021)).hits
        assert [h["source"]["path"] for h in hits] == ["2021/yingji.txt"]


@pytest.mark.parametrize("order, shas", [
    # the holder changes first: its old content is free for the other path in the same batch
    ("holder first", ["a" * 64, "b" * 64, "d" * 64]),
    # the copy first: a duplicate at that moment (ingest re-checks copies after committing)
    ("copy first", ["b" * 64, "d" * 64]),
])
def test_content_moving_between_paths_in_one_batch(index_dir, order, shas):
    holder = make_doc(sha="d" * 64, drill="9次")
    copy = make_doc("2022/jiaoyu.txt", "a" * 64, 2021)
    with open_store(index_dir, writable=True) as st:
        for doc in ((holder, copy) if order == "holder first" else (copy, holder)):
            st.add_document(doc, commit=False)
        st.commit()
        assert doc_shas(st) == shas
        assert len(st.documents()) == len(shas)
        assert st.search("培训人次").total == 0


def test_uncommitted_writes_are_invisible_and_committed_ones_survive(index_dir):
    st = open_store(index_dir, writable=True)
    st.add_document(make_doc("2023/yingji.txt", "e" * 64, 2023), commit=False)
    other = open_store(index_dir)
    try:
        assert other.stats()["documents"] == 3  # as if the writer were killed now
    finally:
        other.close()
    st.cancel()
    st.close()
    again = open_store(index_dir)
    try:
        assert again.stats()["documents"] == 3
    finally:
        again.close()


def test_documents_departments_stats_and_similar(store):
    assert store.departments() == {"承德市应急管理局": [2021, 2022], "衡阳市教育局": [2022]}
    docs = store.documents(department="承德市应急管理局", year=2022)
    assert len(docs) == 1 and docs[0].projects[0].indicators[0].value == "6次"
    assert docs[0].to_dict() == DOCS[1].to_dict()
    assert store.stats() == {"documents": 3, "projects": 6, "indicators": 13, "narrative": 3,
                             "departments": 2, "years": 2}
    sim = store.similar_indicators("培训人次")
    assert sim[0]["level3"] == "培训人次" and sim[0]["value"] == "200人次"
    assert all(s["level3"] for s in sim)


def test_missing_index_says_to_ingest(tmp_path):
    with pytest.raises(IndexError_, match="jixiao ingest"):
        open_store(str(tmp_path / "nothing"))


def test_refuses_to_create_in_a_non_empty_directory(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(IndexError_, match="not empty"):
        open_store(str(tmp_path), create=True, writable=True)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_concurrent_creation_is_locked_not_a_non_empty_directory(tmp_path):
    # Two first ingests at once: the second saw the first's lock file and said "not empty, choose
    # another directory" instead of "another ingest is running".
    from whoosh.filedb.filestore import FileStorage

    d = tmp_path / "ix"
    d.mkdir()
    lock = FileStorage(str(d)).lock("MAIN_WRITELOCK")
    assert lock.acquire(False)
    try:
        with pytest.raises(IndexLockedError, match="creating"):
            open_store(str(d), create=True, writable=True)
    finally:
        lock.release()
    with open_store(str(d), create=True, writable=True) as st:  # a leftover lock file is no obstacle
        assert st.add_document(make_doc()).status == "added"


def test_schema_version_mismatch_says_to_reingest(index_dir):
    from pathlib import Path

    Path(index_dir, VERSION_FILE).write_text(json.dumps({"schema_version": 0}), encoding="utf-8")
    with pytest.raises(SchemaVersionError, match="re-ingest"):
        open_store(index_dir)


def test_a_truncated_segment_is_a_damaged_index_not_a_crash(index_dir):
    from pathlib import Path

    seg = next(Path(index_dir).glob("*.seg"))
    seg.write_bytes(seg.read_bytes()[: seg.stat().st_size // 2])
    for writable in (False, True, True):  # search/compare, then ingest twice: the lock was released
        with pytest.raises(IndexError_, match="delete it and re-ingest") as info:
            open_store(index_dir, writable=writable)
        assert type(info.value) is IndexError_


def test_damage_found_while_reading_is_an_index_error(store, monkeypatch):
    # whoosh reads segments lazily: damage deep in a file shows up as EOFError/struct.error mid-search
    def broken(*a, **k):
        raise EOFError("Ran out of input")

    store._drop_searcher()
    monkeypatch.setattr(store.ix, "searcher", broken)
    for call in (lambda: store.search("应急"), store.stats, store.departments, lambda: store.documents(),
                 lambda: store.similar_indicators("培训"), lambda: store.status_of("x.txt", "f" * 64)):
        with pytest.raises(IndexError_, match="damaged.*EOFError"):
            call()


def test_a_second_writer_is_refused(index_dir):
    first = open_store(index_dir, writable=True)
    try:
        with pytest.raises(IndexLockedError, match="another"):
            open_store(index_dir, writable=True)
        open_store(index_dir).close()  # readers are fine
    finally:
        first.close()
    open_store(index_dir, writable=True).close()  # released


def test_unknown_year_and_department_facet_as_unknown(tmp_path):
    with open_store(str(tmp_path / "ix"), create=True, writable=True) as st:
        st.add_document(make_doc(year=None, dept=None))
        r = st.search("满意")
        assert r.facets["year"] == {"未知": 1} and r.facets["department"] == {"未知": 1}
        assert r.hits[0]["year"] is None


def test_segments_stay_few_and_merges_keep_every_record(tmp_path):
    from jixiao.index.whoosh_store import MERGE_FACTOR

    d = str(tmp_path / "ix")
    with open_store(d, create=True, writable=True) as st:
        for i in range(MERGE_FACTOR + 2):  # one commit (one segment) per document
            st.add_document(make_doc(f"{i}.txt", f"{i:064x}", 2010 + i))
        st.add_document(make_doc("0.txt", "f" * 64, 2010, drill="7次"))  # a replacement leaves a deletion
        assert len(st.ix._segments()) < MERGE_FACTOR
        assert st.stats()["documents"] == MERGE_FACTOR + 2
        assert st.search("应急演练").total == MERGE_FACTOR + 2
        assert st.search("7次").total == 1

"""The second backend (tantivy) and parallel ingest: same answers as whoosh, remembered backend, workers."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.cli import cli
from jixiao.errors import BackendMismatchError, IndexError_
from jixiao.index.store import SearchFilters, index_backend, open_store

SEED = Path(__file__).resolve().parents[1] / "corpus" / "samples" / "chengde_2021_yingji.txt"
TINY = ("承德市应急管理局2021年项目支出绩效目标表\n项目名称 | 演练经费\n一级指标 | 二级指标 | 三级指标 | 指标值\n"
        "产出指标 | 数量指标 | 应急演练次数 | 4次\n")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def seed_doc():
    from jixiao.corpus.readers import read_bytes, sha256_of
    from jixiao.pipeline.enrich import Parser

    data = read_bytes(SEED)
    doc = Parser(classify=False).parse(SEED, data)
    doc.source.sha256 = sha256_of(data)
    return doc


@pytest.fixture(scope="module")
def both(tmp_path_factory, seed_doc):
    """The seed indexed by each backend: {backend: open store}."""
    import copy

    stores = {}
    for backend in ("whoosh", "tantivy"):
        d = str(tmp_path_factory.mktemp(backend) / "ix")
        with open_store(d, create=True, writable=True, backend=backend) as st:
            st.add_document(seed_doc)
            other = copy.deepcopy(seed_doc)  # a second year and department, for filters and facets
            other.source.path, other.source.sha256 = "other.txt", "f" * 64
            other.year, other.department, other.region = 2022, "衡阳市教育局", "衡阳市"
            st.add_document(other)
        stores[backend] = open_store(d)
    yield stores
    for st in stores.values():
        st.close()


QUERIES = ["应急演练", "满意", "满意率", '"应急演练次数"', '"服务对象满意"', '"安全管理"', '"对象满意度"', "95%", "95",
           "应急 NOT 演练", "NOT 应急", "满意 OR 培训", "培训*", "year:2022 满意", "department:衡阳市教育局",
           "vnum:[90 TO 100]", "project:应急", "*", "应急演练(", "演练 次数", '"演练次数"',
           # concepts, exclusions (one word, several words, a phrase), regions
           "满意度", "合格率", "及时率", "满意 -服务", "应急 -演练次数", '应急 -"演练次数"', "满意 NOT 服务对象",
           "region:河北", "region:承德市 满意", "应急 -练次", "满意 -务对象满", "资金", "kind:project 资金"]
FILTERS = [None, SearchFilters(year=2021), SearchFilters(year_from=2022), SearchFilters(department="教育"),
           SearchFilters(region="承德"), SearchFilters(level1="产出"), SearchFilters(level2="满意度"),
           SearchFilters(kind="narrative"), SearchFilters(vmin=90, vmax=100), SearchFilters(vmin=1000),
           SearchFilters(region="河北"), SearchFilters(region="衡阳"), SearchFilters(confident=True),
           SearchFilters(kind="project")]


def answer(st, q, f):
    r = st.search(q, f, limit=1000)
    rows = sorted((h["kind"], h["year"], h["department"], h["level3"] or h["text"], h["value"] or "", h["snippet"])
                  for h in r.hits)
    return r.total, r.facets, rows


@pytest.mark.parametrize("query", QUERIES)
def test_tantivy_answers_exactly_as_whoosh(both, query):
    for f in FILTERS:
        w, t = answer(both["whoosh"], query, f), answer(both["tantivy"], query, f)
        assert t == w, (query, f)
    # a phrase that is no substring of any text (对象满意度 is only in the level2 label) finds nothing
    assert (both["whoosh"].search(query).total > 0) != (query in ('"安全管理"', '"对象满意度"'))


def test_the_rest_of_the_store_agrees(both, seed_doc):
    w, t = both["whoosh"], both["tantivy"]
    assert t.stats() == w.stats() and t.departments() == w.departments()
    assert [d.to_dict() for d in t.documents("承德市应急管理局", 2021)] == [seed_doc.to_dict()]
    sw, stt = w.similar_indicators("应急演练次数"), t.similar_indicators("应急演练次数")
    assert stt[0]["level3"] == sw[0]["level3"] == "应急演练次数"
    assert {s["level3"] for s in stt} == {s["level3"] for s in sw}


def test_sub_words_carry_where_they_sit_in_their_word():
    from jixiao.index.tantivy_store import INSIDE, PREFIX, SUFFIX, index_tokens

    toks = {t for t, *_ in index_tokens("服务对象满意率95%")}
    assert {"服务对象", "满意率", "95%"} <= toks  # whole words plain
    assert {"服务" + PREFIX, "对象" + SUFFIX, "满意" + PREFIX, "95" + PREFIX} <= toks
    assert not any(t.endswith(INSIDE) for t in toks) or any(len(t) > 3 for t in toks)


def test_a_token_longer_than_40_bytes_is_found(tmp_path, seed_doc):
    # tantivy's default tokenizer silently drops tokens over 40 bytes; pre-tokenized text keeps them
    import copy

    long_word = "gb" + "x" * 50
    doc = copy.deepcopy(seed_doc)
    doc.projects[0].indicators[0].level3 = f"符合{long_word}标准"
    doc.projects[0].indicators[0].description = None
    with open_store(str(tmp_path / "ix"), create=True, writable=True, backend="tantivy") as st:
        st.add_document(doc)
        assert st.search(long_word).total == 1
        assert st.search(f'"符合{long_word}标准"').total == 1


def test_the_index_remembers_its_backend(tmp_path):
    index = tmp_path / "ix"
    later = tmp_path / "2022.txt"
    later.write_text(SEED.read_text(encoding="utf-8").replace("2021", "2022"), encoding="utf-8")
    r = run("ingest", SEED, later, "--index", index, "-q", "--backend", "tantivy")
    assert r.exit_code == 0, r.stderr
    assert json.loads((index / "jixiao-schema.json").read_text(encoding="utf-8"))["backend"] == "tantivy"
    assert index_backend(str(index)) == "tantivy" and (index / "meta.json").is_file()
    again = run("ingest", SEED, "--index", index, "-q")  # no --backend: the index's own
    assert again.exit_code == 0 and "跳过 skipped 1" in again.stdout, again.stdout
    clash = run("ingest", SEED, "--index", index, "-q", "--backend", "whoosh")
    assert clash.exit_code == 1 and clash.stderr.count("\n") == 1
    assert "[I004]" in clash.stderr and "tantivy" in clash.stderr
    with pytest.raises(BackendMismatchError):
        open_store(str(index), backend="whoosh")
    # every command reads it
    s = run("search", "应急演练", "--index", index, "--format", "json")
    assert s.exit_code == 0 and json.loads(s.stdout)["total"] >= 1
    c = run("compare", "--department", "承德市应急管理局", "--from", 2021, "--to", 2022, "--index", index)
    assert c.exit_code == 0, c.stderr
    g = run("suggest", "应急演练次数", "--index", index, "--format", "json")
    assert g.exit_code == 0 and "应急演练次数" in g.stdout


def test_an_index_without_backend_in_its_marker_is_whoosh(tmp_path):
    index = tmp_path / "ix"
    assert run("ingest", SEED, "--index", index, "-q").exit_code == 0
    marker = json.loads((index / "jixiao-schema.json").read_text(encoding="utf-8"))
    assert marker.get("backend", "whoosh") == "whoosh" and index_backend(str(index)) == "whoosh"
    clash = run("ingest", SEED, "--index", index, "-q", "--backend", "tantivy")
    assert clash.exit_code == 1 and "[I004]" in clash.stderr


@pytest.mark.parametrize("ext", ["idx", "pos", "fast", "store", "term", "fieldnorm"])
def test_damage_inside_a_tantivy_file_is_one_line_for_every_command(tmp_path, ext):
    # tantivy checks footers, not bodies: flipped bytes panicked mid-search (a Rust backtrace) or
    # gave wrong answers silently; the checksums in the footers catch them at open.
    index = tmp_path / "ix"
    (tmp_path / "a.txt").write_text(TINY, encoding="utf-8")
    assert run("ingest", tmp_path / "a.txt", "--index", index, "-q", "--backend", "tantivy").exit_code == 0
    f = next(index.glob(f"*.{ext}"))
    data = bytearray(f.read_bytes())
    for i in range(0, len(data) // 2, 3):
        data[i] ^= 0x5A
    f.write_bytes(bytes(data))
    (tmp_path / "b.txt").write_text(TINY.replace("2021", "2022"), encoding="utf-8")
    for args in (["search", "演练"], ["compare", "--department", "承德市应急管理局", "--from", 2021, "--to", 2022],
                 ["ingest", tmp_path / "b.txt", "-q"]):
        r = CliRunner().invoke(cli, [str(a) for a in args] + ["--index", str(index)])
        assert r.exit_code == 1, args
        assert r.stderr.splitlines() == [r.stderr.strip()] and "[I001]" in r.stderr and "re-ingest" in r.stderr
        assert "checksum" in r.stderr


def test_a_panic_inside_tantivy_is_an_index_error(tmp_path, monkeypatch):
    # pyo3 raises Rust panics as PanicException, a BaseException: it escaped `except Exception`
    from jixiao.index import tantivy_store

    (tmp_path / "a.txt").write_text(TINY, encoding="utf-8")
    assert run("ingest", tmp_path / "a.txt", "--index", tmp_path / "ix", "-q", "--backend", "tantivy").exit_code == 0

    class PanicException(BaseException):
        pass

    def panics(self, *a, **k):
        raise PanicException("index out of bounds")

    st = open_store(str(tmp_path / "ix"))
    monkeypatch.setattr(tantivy_store.TantivyStore, "_full_query", panics)
    with pytest.raises(IndexError_, match="damaged.*PanicException"):
        st.search("演练")
    st.close()


def _docs(folder: Path, n: int, bad: int | None = None) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"d{i}.txt").write_text(TINY.replace("4次", f"{i + 1}次"), encoding="utf-8")
    if bad is not None:
        (folder / f"d{bad}.txt").write_bytes(b"")
    return folder


class PidParser:
    """A Parser that notes which process parsed each file."""

    def __init__(self, log: Path):
        from jixiao.pipeline.enrich import Parser

        self.inner, self.log, self.classify = Parser(classify=False), log, False

    def parse(self, path, data=None):
        with open(self.log, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        return self.inner.parse(path, data)


@pytest.mark.parametrize("backend", ["whoosh", "tantivy"])
def test_parallel_ingest_builds_the_same_index_as_one_process(tmp_path, backend):
    from jixiao.index.ingest import run_ingest

    docs = _docs(tmp_path / "docs", 7, bad=3)
    answers, summaries = [], []
    for jobs in (1, 3):
        log, out, err = tmp_path / f"pids{jobs}", io.StringIO(), io.StringIO()
        index = str(tmp_path / f"ix{jobs}")
        ok = run_ingest([docs], index, progress=False, out=out, err=err, parser=PidParser(log),
                        backend=backend, jobs=jobs)
        assert not ok and err.getvalue().count("\n") == 1 and "d3.txt" in err.getvalue()
        pids = set(log.read_text().split())
        assert (pids == {str(os.getpid())}) if jobs == 1 else (str(os.getpid()) not in pids and len(pids) >= 2)
        summaries.append(out.getvalue().split("\n", 1)[1])  # the first line has the time
        with open_store(index) as st:
            r = st.search("应急演练次数", limit=50)
            answers.append((st.stats(), sorted(h["value"] for h in r.hits)))
        again = io.StringIO()
        run_ingest([docs], index, progress=False, out=again, err=io.StringIO(), parser=PidParser(log), jobs=jobs)
        assert "新增 added 0, 替换 replaced 0, 跳过 skipped 6" in again.getvalue()
    assert summaries[0] == summaries[1] and "新增 added 6" in summaries[0] and "失败 failed 1" in summaries[0]
    assert answers[0] == answers[1] and answers[0][1] == ["1次", "2次", "3次", "5次", "6次", "7次"]


def test_parallel_ingest_handles_copies_in_one_run(tmp_path):
    # two files with the same bytes, parsed at once by two workers: indexed once
    from jixiao.index.ingest import run_ingest
    from jixiao.pipeline.enrich import Parser

    docs = _docs(tmp_path / "docs", 4)
    (docs / "d9.txt").write_text(TINY.replace("4次", "1次"), encoding="utf-8")  # a copy of d0
    out = io.StringIO()
    assert run_ingest([docs], str(tmp_path / "ix"), progress=False, out=out, err=io.StringIO(),
                      parser=Parser(classify=False), backend="tantivy", jobs=2)
    assert "新增 added 4" in out.getvalue() and "跳过 skipped 1" in out.getvalue()
    with open_store(str(tmp_path / "ix")) as st:
        assert st.stats()["documents"] == 4 and st.search("应急演练次数").total == 4


class DyingParser(PidParser):
    """Kills the worker process on one file, as the out-of-memory killer would."""

    def parse(self, path, data=None):
        if Path(path).name == "d2.txt" and os.getpid() != PARENT:
            os._exit(9)
        return super().parse(path, data)


PARENT = os.getpid()


def test_a_worker_that_dies_fails_its_file_and_the_batch_goes_on(tmp_path):
    from jixiao.index.ingest import run_ingest

    docs = _docs(tmp_path / "docs", 6)
    out, err = io.StringIO(), io.StringIO()
    ok = run_ingest([docs], str(tmp_path / "ix"), progress=False, out=out, err=err,
                    parser=DyingParser(tmp_path / "pids"), backend="tantivy", jobs=2)
    assert not ok and err.getvalue().count("\n") == 1
    assert "d2.txt" in err.getvalue() and "parser process died" in err.getvalue()
    assert "新增 added 5" in out.getvalue() and "失败 failed 1" in out.getvalue()
    with open_store(str(tmp_path / "ix")) as st:
        assert sorted(h["value"] for h in st.search("应急演练次数").hits) == ["1次", "2次", "4次", "5次", "6次"]


def test_search_on_a_tantivy_index_imports_no_heavy_library(tmp_path):
    from tests.test_startup import HEAVY, _modules_after

    index = tmp_path / "ix"
    assert run("ingest", SEED, "--index", index, "-q", "--backend", "tantivy").exit_code == 0
    mods, out = _modules_after(["search", "演练", "--index", str(index)], tmp_path)
    assert "演练" in out and "tantivy" in mods
    assert not [m for m in HEAVY if m in mods]

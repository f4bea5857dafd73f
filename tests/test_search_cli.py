"""End to end through the CLI: ingest the bundled sample, search it, bad files and bad queries.

The seed is ingested once per module (about a second); every search runs against that index.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.cli import cli
from jixiao.index.search import HIT_COLUMNS

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"
SEED = SAMPLES / "chengde_2021_yingji.txt"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module", params=["whoosh", "tantivy"])
def seed_index(tmp_path_factory, request):
    d = tmp_path_factory.mktemp("seed") / "index"
    r = run("ingest", SEED, "--index", d, "-q", "--backend", request.param)
    assert r.exit_code == 0, r.stderr
    assert "新增 added 1" in r.stdout and "指标 indicators 108" in r.stdout
    return d


def search(index, *args):
    r = run("search", *args, "--index", index, "--format", "json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def test_phrase_and_words_find_the_drill_count(seed_index):
    for q in ("应急演练", '"应急演练次数"', "演练"):
        hits = search(seed_index, q, "--limit", 50)["hits"]
        assert any(h["level3"] == "应急演练次数" and h["year"] == 2021 for h in hits), q


def test_filtered_search_with_facets(seed_index):
    d = search(seed_index, "满意", "--year", 2021, "--level2", "服务对象满意度指标", "--limit", 100)
    assert d["total"] >= 12 and len(d["hits"]) == d["total"]
    assert all(h["year"] == 2021 and h["level2"] == "服务对象满意度指标" for h in d["hits"])
    assert all("满意" in h["text"] for h in d["hits"])
    assert d["facets"]["year"] == {"2021": d["total"]}
    assert d["facets"]["level2"] == {"服务对象满意度指标": d["total"]}
    assert sum(d["facets"]["department"].values()) == d["total"]


def test_percent_and_fullwidth_numbers(seed_index):
    d = search(seed_index, "95%", "--kind", "indicator", "--limit", 100)
    assert d["total"] == 14 and all(h["value"] == "95%" for h in d["hits"])
    assert search(seed_index, "９５％", "--kind", "indicator")["total"] == 14
    hits = search(seed_index, "４次", "--limit", 50)["hits"]
    assert hits and all("4次" in h["text"] for h in hits)


def test_narrative_targets_are_searchable(seed_index):
    hits = search(seed_index, "宣传品")["hits"]
    assert any(h["kind"] == "narrative" and "宣传品1万份" in h["text"] for h in hits)
    assert all(h["target"]["value"] == 10000 for h in hits if "宣传品1万份" in h["text"])


def test_department_filter(seed_index):
    everything = search(seed_index, "满意")["total"]
    assert search(seed_index, "满意", "--department", "应急管理局")["total"] == everything > 0
    r = run("search", "满意", "--department", "教育局", "--index", seed_index)
    assert r.exit_code == 0 and "共 0 条" in r.stdout and "承德市应急管理局" in r.stdout  # lists known ones


def test_value_range(seed_index):
    d = search(seed_index, "*", "--min", 96, "--max", 100, "--limit", 200)
    assert d["total"] > 0
    assert all(96 <= h["target"]["value"] <= 100 for h in d["hits"])


def test_reingest_changes_no_total(seed_index):
    before = search(seed_index, "*", "--limit", 0)["total"]
    r = run("ingest", SEED, "--index", seed_index, "-q")
    assert r.exit_code == 0 and "跳过 skipped 1" in r.stdout
    assert search(seed_index, "*", "--limit", 0)["total"] == before


def test_table_csv_xlsx(seed_index, tmp_path):
    r = run("search", "应急演练", "--index", seed_index)
    assert r.exit_code == 0 and "【应急演练】次数" in r.stdout and "年度: 2021" in r.stdout
    r = run("search", "应急演练", "--index", seed_index, "--format", "csv")
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert tuple(rows[0]) == HIT_COLUMNS and len(rows) > 1
    r = run("search", "应急演练", "--index", seed_index, "--format", "xlsx")
    assert r.exit_code == 2 and "-o" in r.stderr
    out = tmp_path / "hits.xlsx"
    r = run("search", "应急演练", "--index", seed_index, "--format", "xlsx", "-o", out)
    assert r.exit_code == 0
    from openpyxl import load_workbook

    ws = load_workbook(out)["hits"]
    assert tuple(c.value for c in ws[1]) == HIT_COLUMNS and ws.max_row > 1


@pytest.mark.parametrize("query, code, needle", [
    ("AND", 1, "Q001"),
    ("", 1, "Q001"),
    ('"应急演练', 0, "plain words"),
    ("foo:bar)", 0, "plain words"),
    # 10,000 characters of distinct words: whoosh's nested matchers overflowed the stack (a traceback)
    ("".join(chr(0x4E00 + i * 37 % 20000) for i in range(10000)), 1, "Q001"),
    (" ".join(f"*{i}" for i in range(2000)), 1, "Q001"),
])
def test_bad_queries(seed_index, query, code, needle):
    r = run("search", query, "--index", seed_index)
    assert r.exit_code == code
    assert needle in r.stderr and "Traceback" not in r.stderr + r.stdout
    if code:
        assert len(r.stderr.strip().splitlines()) == 1


def test_missing_index(tmp_path):
    r = run("search", "演练", "--index", tmp_path / "none")
    assert r.exit_code == 1 and "jixiao ingest" in r.stderr


def test_index_from_environment(seed_index):
    r = CliRunner(env={"JIXIAO_INDEX": str(seed_index)}).invoke(cli, ["search", "演练", "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["total"] > 0


def test_a_bad_batch_is_reported_and_nothing_is_lost(tmp_path):
    index = tmp_path / "index"
    assert run("ingest", SEED, "--index", index, "-q").exit_code == 0
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "broken.docx").write_bytes(b"PK\x03\x04 this is not really a zip archive")
    (batch / "empty.txt").write_bytes(b"")
    (batch / "gb18030.txt").write_bytes(SEED.read_text(encoding="utf-8").replace("承德", "衡阳").encode("gb18030"))
    r = run("ingest", batch, "--index", index, "-q")
    assert r.exit_code == 1
    errors = r.stderr.strip().splitlines()
    assert len(errors) == 2 and "broken.docx" in errors[0] and "empty.txt" in errors[1]
    assert "Traceback" not in r.stderr
    assert "新增 added 1" in r.stdout and "失败 failed 2" in r.stdout
    d = search(index, "应急演练次数", "--limit", 10)
    assert {h["department"] for h in d["hits"]} == {"承德市应急管理局", "衡阳市应急管理局"}


def test_default_index_location(tmp_path, monkeypatch):
    # conftest points XDG_DATA_HOME at a temporary home: the README's two commands, no --index
    assert run("ingest", SEED, "-q").exit_code == 0
    r = run("search", "演练", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["total"] > 0


def test_a_missing_model_is_one_error(tmp_path):
    r = run("ingest", SEED, "--index", tmp_path / "ix", "--model", tmp_path / "nope.skops", "-q")
    assert r.exit_code == 1 and len(r.stderr.strip().splitlines()) == 1 and "M001" in r.stderr


TINY = ("承德市应急管理局2021年项目支出绩效目标表\n项目名称 | 演练经费\n一级指标 | 二级指标 | 三级指标 | 指标值\n"
        "产出指标 | 数量指标 | 应急演练次数 | 4次\n")


@pytest.mark.parametrize("holder, copy", [("a.txt", "b.txt"), ("b.txt", "a.txt")])
def test_a_copy_survives_when_its_twin_changes(tmp_path, holder, copy):
    # The copy is skipped while its twin (the holder) carries the content in the index; when the
    # holder changes in a later run, processed before or after the copy, the copy's content used
    # to vanish from the index.
    from jixiao.index.ingest import run_ingest
    from jixiao.pipeline.enrich import Parser

    docs, index = tmp_path / "docs", str(tmp_path / "ix")
    docs.mkdir()
    for name in (holder, copy):
        (docs / name).write_text(TINY, encoding="utf-8")

    def ingest(*paths) -> str:
        out = io.StringIO()
        assert run_ingest(list(paths), index, progress=False, out=out, parser=Parser(classify=False))
        return out.getvalue()

    assert "新增 added 1" in ingest(docs / holder)
    assert "新增 added 0, 替换 replaced 0, 跳过 skipped 2" in ingest(docs)
    (docs / holder).write_text(TINY.replace("4次", "6次"), encoding="utf-8")
    assert "新增 added 1, 替换 replaced 1, 跳过 skipped 0" in ingest(docs)
    assert sorted(h["value"] for h in search(index, "应急演练次数")["hits"]) == ["4次", "6次"]
    assert "跳过 skipped 2" in ingest(docs)


def test_a_file_overwritten_with_another_files_bytes_is_indexed_once(tmp_path):
    # b.txt overwritten with a.txt's bytes was "replaced": two document records with one key, so
    # documents() returned a.txt's Document twice, compare saw b's projects vanish and hits showed either path.
    from jixiao.index.ingest import run_ingest
    from jixiao.index.store import open_store
    from jixiao.pipeline.enrich import Parser

    docs, index = tmp_path / "docs", str(tmp_path / "ix")
    docs.mkdir()
    (docs / "a.txt").write_text(TINY, encoding="utf-8")
    (docs / "b.txt").write_text(TINY.replace("演练经费", "培训经费").replace("4次", "6次"), encoding="utf-8")

    def ingest() -> str:
        out = io.StringIO()
        assert run_ingest([docs], index, progress=False, out=out, parser=Parser(classify=False))
        return out.getvalue()

    assert "新增 added 2" in ingest()
    (docs / "b.txt").write_bytes((docs / "a.txt").read_bytes())
    out = ingest()
    assert "新增 added 0, 替换 replaced 0, 跳过 skipped 2 (unchanged, or 1 个副本 copies" in out
    assert "1 个文件现与另一已入库文件内容相同" in out and "文件 documents 1," in out
    with open_store(index) as st:
        assert [d.source.path for d in st.documents()] == [str(docs / "a.txt")]
        assert st.stats()["documents"] == 1 and st.stats()["indicators"] == 1
        assert st.search("培训经费").total == 0 and st.search("6次").total == 0  # nothing of the old b.txt
        assert [h["source"]["path"] for h in st.search("应急演练次数").hits] == [str(docs / "a.txt")]
    assert "跳过 skipped 2" in ingest() and "现与另一" not in ingest()


def test_a_copy_whose_twin_changed_in_the_same_run_is_reported_as_replaced(tmp_path):
    # b.txt takes a.txt's old bytes while a.txt changes: b.txt is a duplicate only until a.txt is written.
    from jixiao.index.ingest import run_ingest
    from jixiao.index.store import open_store
    from jixiao.pipeline.enrich import Parser

    docs, index = tmp_path / "docs", str(tmp_path / "ix")
    docs.mkdir()
    (docs / "b.txt").write_text(TINY, encoding="utf-8")
    (docs / "a.txt").write_text(TINY.replace("4次", "6次"), encoding="utf-8")
    assert run_ingest([docs], index, progress=False, out=io.StringIO(), parser=Parser(classify=False))
    (docs / "a.txt").write_bytes((docs / "b.txt").read_bytes())  # a.txt is processed first: a copy then
    (docs / "b.txt").write_text(TINY.replace("4次", "9次"), encoding="utf-8")
    out = io.StringIO()
    assert run_ingest([docs], index, progress=False, out=out, parser=Parser(classify=False))
    assert "新增 added 0, 替换 replaced 2, 跳过 skipped 0 (unchanged)" in out.getvalue()
    assert "现与另一" not in out.getvalue()
    with open_store(index) as st:
        values = {d.source.path: d.projects[0].indicators[0].value for d in st.documents()}
    assert values == {str(docs / "a.txt"): "4次", str(docs / "b.txt"): "9次"}


@pytest.mark.parametrize("fmt", ["json", "csv", "table", "xlsx"])
def test_output_into_a_missing_folder_is_one_error(seed_index, tmp_path, fmt):
    out = tmp_path / "no" / "such" / f"hits.{fmt}"
    r = run("search", "演练", "--index", seed_index, "--format", fmt, "-o", out)
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith(f"错误 Error: {out}: [W001]") and len(r.stderr.splitlines()) == 1
    assert not out.parent.exists()


def test_a_damaged_index_is_one_line_for_every_command(tmp_path):
    index = tmp_path / "ix"
    (tmp_path / "a.txt").write_text(TINY, encoding="utf-8")
    assert run("ingest", tmp_path / "a.txt", "--index", index, "-q").exit_code == 0
    seg = next(index.glob("*.seg"))
    seg.write_bytes(seg.read_bytes()[:100])
    (tmp_path / "b.txt").write_text(TINY.replace("2021", "2022"), encoding="utf-8")
    for args in (["search", "演练"], ["compare", "--department", "承德市应急管理局", "--from", 2021, "--to", 2022],
                 ["ingest", tmp_path / "b.txt", "-q"]):
        r = CliRunner().invoke(cli, [str(a) for a in args] + ["--index", str(index)])
        assert r.exit_code == 1 and "Aborted" not in r.output, args  # click's answer to a stray EOFError
        assert r.stderr.splitlines() == [r.stderr.strip()] and "[I001]" in r.stderr and "re-ingest" in r.stderr


def _tiny_docs(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"d{i}.txt").write_text(TINY.replace("4次", f"{i + 1}次"), encoding="utf-8")
    return folder


def test_ctrl_c_inside_a_write_keeps_the_index_whole_and_a_rerun_completes(tmp_path, monkeypatch):
    # A Ctrl-C landing inside whoosh's add_document used to be committed on the way out: half a
    # document in the index, or a segment that no longer opened (IndexError, zlib errors).
    from whoosh.writing import SegmentWriter

    from jixiao.index.ingest import run_ingest
    from jixiao.pipeline.enrich import Parser

    docs, index = _tiny_docs(tmp_path / "docs", 3), str(tmp_path / "ix")
    real, calls = SegmentWriter.add_document, []

    def interrupted(self, **fields):
        calls.append(fields.get("kind"))
        if len(calls) == 5:  # the second file's second record
            raise KeyboardInterrupt
        return real(self, **fields)

    monkeypatch.setattr(SegmentWriter, "add_document", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_ingest([docs], index, progress=False, out=io.StringIO(), parser=Parser(classify=False))
    monkeypatch.setattr(SegmentWriter, "add_document", real)
    assert search(index, "*", "--limit", 0)["total"] == 0  # the uncommitted batch is dropped whole
    out = io.StringIO()
    assert run_ingest([docs], index, progress=False, out=out, parser=Parser(classify=False))
    assert "新增 added 3" in out.getvalue()
    assert sorted(h["value"] for h in search(index, "应急演练次数")["hits"]) == ["1次", "2次", "3次"]


def test_ingest_reads_and_looks_up_each_file_once(tmp_path, monkeypatch):
    # Each new file was read and hashed twice (once to decide, again to parse) and looked up in the
    # index twice (status_of again inside add_document).
    import builtins

    from jixiao.index.ingest import run_ingest
    from jixiao.index.whoosh_store import WhooshStore
    from jixiao.pipeline.enrich import Parser

    docs, index = _tiny_docs(tmp_path / "docs", 3), str(tmp_path / "ix")
    Parser(classify=False).parse(docs / "d0.txt")  # jieba and the taxonomy load their files now
    calls = Counter()
    real_open, real_status = builtins.open, WhooshStore.status_of

    def counted_open(file, *a, **k):
        if str(file).startswith(str(docs)):
            calls["open"] += 1
        return real_open(file, *a, **k)

    def counted_status(*a, **k):
        calls["status_of"] += 1
        return real_status(*a, **k)

    monkeypatch.setattr(builtins, "open", counted_open)
    monkeypatch.setattr(WhooshStore, "status_of", counted_status)
    out = io.StringIO()
    assert run_ingest([docs], index, progress=False, out=out, parser=Parser(classify=False))
    assert "新增 added 3" in out.getvalue() and calls == {"open": 3, "status_of": 3}
    assert sorted(h["value"] for h in search(index, "应急演练次数")["hits"]) == ["1次", "2次", "3次"]


def test_ctrl_c_while_parsing_keeps_the_files_already_done(tmp_path):
    from jixiao.index.ingest import run_ingest
    from jixiao.pipeline.enrich import Parser

    class Interrupted(Parser):
        def parse(self, path, data=None):
            if path.name == "d2.txt":
                raise KeyboardInterrupt
            return super().parse(path, data)

    docs, index = _tiny_docs(tmp_path / "docs", 3), str(tmp_path / "ix")
    with pytest.raises(KeyboardInterrupt):
        run_ingest([docs], index, progress=False, out=io.StringIO(), parser=Interrupted(classify=False))
    assert sorted(h["value"] for h in search(index, "应急演练次数")["hits"]) == ["1次", "2次"]
    out = io.StringIO()
    assert run_ingest([docs], index, progress=False, out=out, parser=Parser(classify=False))
    assert "新增 added 1, 替换 replaced 0, 跳过 skipped 2" in out.getvalue()


@pytest.mark.parametrize("args, code, says", [
    (["--year", "99999999999"], 2, "1900<=x<=2100"),  # overflowed whoosh's 32-bit year: "index damaged"
    (["--from", "-5"], 2, "1900<=x<=2100"),
    (["--limit", "-1"], 2, "x>=0"),  # silently no hits
    (["--min", "nan"], 1, "--min nan is not a number"),  # silently no hits
    (["--min", "5", "--max", "1"], 2, "--min 5 is above --max 1"),  # contradictory options: usage errors
    (["--from", "2022", "--to", "2021"], 2, "--from 2022 is after --to 2021"),
])
def test_bad_filter_values(seed_index, args, code, says):
    r = run("search", "演练", "--index", seed_index, *args)
    assert r.exit_code == code and says in r.stderr and "damaged" not in r.stderr


def test_csv_files_carry_a_bom_for_excel(seed_index, tmp_path):
    out = tmp_path / "hits.csv"
    r = run("search", "应急演练", "--index", seed_index, "--format", "csv", "-o", out)
    assert r.exit_code == 0
    assert out.read_bytes().startswith("\ufeff".encode("utf-8"))


def test_ingest_warnings_name_their_files(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plain.txt").write_text("这是一段说明文字，没有指标表，也没有绩效指标段落。\n", encoding="utf-8")
    (docs / "table.txt").write_text(
        "某县教育局2023年项目支出绩效目标表\n一级指标 | 二级指标 | 三级指标 | 指标值\n"
        "产出指标 | 数量指标 | 培训教师人数 | ≥50人\n产出指标 | 质量指标 | 培训合格率 |\n", encoding="utf-8")
    index = tmp_path / "index"
    for again in (False, True):  # the second run skips both files: the warnings come from the index
        r = run("ingest", docs, "--index", index, "-q", "--warnings")
        assert r.exit_code == 0, r.stderr
        lines = r.stdout.splitlines()
        assert ("跳过 skipped 2" in r.stdout) == again
        assert any(line.startswith(f"  {docs / 'plain.txt'}: W-NO-CONTENT") for line in lines), r.stdout
        assert any(line.startswith(f"  {docs / 'table.txt'}: W-NO-VALUE") and "培训合格率" in line for line in lines)
        assert "警告 warnings: 2 in 2 个文件 file(s)" in r.stdout
    (docs / "plain.txt").write_text("另一段说明文字。\n", encoding="utf-8")
    r = run("ingest", docs, "--index", index, "-q")
    assert "--warnings" in r.stdout and "W-NO-CONTENT" not in r.stdout  # without the flag: a hint, not the list


def test_project_goals_and_funds_use_are_searchable(seed_index):
    # 家具 is written only in the project's 资金用途 and 绩效目标, never in a row name or value
    d = search(seed_index, "家具", "--kind", "project")
    assert d["total"] == 1
    h = d["hits"][0]
    assert h["kind"] == "project" and h["project"] == "购置办公家具" and "办公家具" in h["text"]
    assert h["level3"] is None and h["year"] == 2021
    assert any(x["kind"] == "project" for x in search(seed_index, "家具")["hits"])
    assert all(x["kind"] == "indicator" for x in search(seed_index, "家具", "--kind", "indicator")["hits"])

"""Files LibreOffice made from renderings of the seed: a Word-style .docx exported to .pdf and saved as
.doc, the .xlsx saved as .xls. The committed copies (tests/data/lo/) run everywhere; the
``regenerate`` test rebuilds them with soffice when it is installed. Also: damaged and crafted PDFs,
and .doc converters that are missing, failing or hanging."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
import zlib
from pathlib import Path

import pytest

from jixiao.corpus import legacy
from jixiao.corpus.blocks import Table
from jixiao.corpus.layout import build_document
from jixiao.corpus.readers import read
from jixiao.errors import ConverterError, TooLargeError, UnsupportedFormatError

if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))
import lo_fixtures as lo  # noqa: E402

LO = lo.LO_DIR


def gold_table(projects: list[dict]) -> list[tuple]:
    return [(i["level1"], i["level2"], i["level3"], i["value"]) for p in projects for i in p["indicators"]]


def assert_seed(doc, gold: dict, *, budgets: bool = True) -> None:
    projects = gold["projects"]
    assert [p.code for p in doc.projects] == [p["code"] for p in projects]
    if budgets:
        assert [(p.budget.total, p.budget.fiscal) for p in doc.projects] == \
            [(p["budget_wan"], p["fiscal_wan"]) for p in projects]
    assert [(i.level1, i.level2, i.level3, i.value) for _, i in doc.indicators()] == gold_table(projects)


# ---------------------------------------------------------------- the committed LibreOffice files

@pytest.fixture(scope="module")
def word_pdf():
    return read(LO / "word.pdf")


def test_word_pdf_tables_crossing_pages_read_as_one_table_each(seed_gold, word_pdf):
    raw = word_pdf
    tables = [b for b in raw.blocks if isinstance(b, Table)]
    assert len(tables) == 12  # every project table continues over a page break at least once in places
    assert sum(1 for t in tables if t.name.startswith("pages ")) >= 5
    header_rows = [r for t in tables for r in t.rows if r[0] == "项目编码"]
    assert len(header_rows) == 12  # the header Word repeats on each page is dropped
    codes = [r[1] for r in header_rows]
    assert codes == [p["code"] for p in seed_gold["projects"]]  # codes wrapped in their cell joined, no space
    # the running header and the 第 N 页 footer of every page are page furniture, not content
    assert raw.text.replace(" ", "").count("承德市应急管理局2021年度部门整体及项目绩效目标") == 1 and "页" not in raw.text.split("\n")[-1]
    assert not any(line.startswith("第 ") and line.endswith(" 页") for line in raw.text.splitlines())


def test_word_pdf_parses_to_the_seed(seed_gold, word_pdf):
    doc = build_document(word_pdf)
    assert_seed(doc, seed_gold)
    assert doc.warnings == [] or all(w.code == "W-MODEL-DISAGREES" for w in doc.warnings)


def test_xls_saved_by_libreoffice_parses_to_the_seed(seed_gold):
    raw = read(LO / "sheet.xls")
    assert raw.format == "xls"
    tables = [b for b in raw.blocks if isinstance(b, Table)]
    assert len(tables) == 12 and tables[0].rows[4][:5] == ["", "0", "0", "0", "100"]
    first = tables[0]
    level1 = [r[0] for r in first.rows[first.rows.index(next(r for r in first.rows if r[0] == "一级指标")) + 1:]]
    assert level1.count("产出指标") == 1 and "" in level1  # a merged range once, at its top-left
    assert_seed(build_document(raw), seed_gold)


def test_doc_saved_by_libreoffice_parses_to_the_seed_through_soffice(seed_gold):
    if "soffice" not in legacy.converters():
        pytest.skip("soffice not installed (apt-get install libreoffice-writer-nogui); CI installs it")
    raw = read(LO / "word.doc")
    assert raw.format == "doc"
    assert_seed(build_document(raw), seed_gold)


def test_doc_through_antiword_when_soffice_is_absent(seed_gold, monkeypatch):
    found = legacy.converters()
    if "antiword" not in found:
        pytest.skip("antiword not installed (apt-get install antiword); CI installs it")
    monkeypatch.setattr(legacy, "converters", lambda: {"antiword": found["antiword"]})
    doc = build_document(read(LO / "word.doc"))
    # antiword 0.37 drops the cells of rows under a vertical merge (预算数 …): the rows survive, budgets do not
    assert_seed(doc, seed_gold, budgets=False)


def test_without_any_converter_a_doc_gives_one_line_saying_what_to_install(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from jixiao.cli import cli

    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(UnsupportedFormatError) as info:
        read(LO / "word.doc")
    assert "apt-get install libreoffice-writer-nogui" in str(info.value) and "antiword" in str(info.value)
    r = CliRunner().invoke(cli, ["parse", str(LO / "word.doc")])
    assert r.exit_code == 1
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "[R003]" in lines[0] and "apt-get install" in lines[0]


def _fake_soffice(tmp_path: Path, script: str) -> Path:
    bindir = tmp_path / "fakebin"
    bindir.mkdir(exist_ok=True)
    exe = bindir / "soffice"
    exe.write_text("#!/bin/sh\n" + script + "\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return exe


@pytest.mark.parametrize("script,says", [("sleep 30", "timed out"), ("echo 'Error: source file could not be loaded' >&2; exit 1",
                                                                      "could not be loaded")])
def test_converter_failures_are_one_coded_line_and_leave_no_temp_files(tmp_path, monkeypatch, script, says):
    exe = _fake_soffice(tmp_path, script)
    monkeypatch.setattr(legacy, "converters", lambda: {"soffice": str(exe)})
    monkeypatch.setattr(legacy, "CONVERT_TIMEOUT", 1.0)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(tmp))
    t = time.monotonic()
    with pytest.raises(ConverterError) as info:
        read(LO / "word.doc")
    assert time.monotonic() - t < 10
    msg = str(info.value)
    assert msg.startswith(f"{LO / 'word.doc'}: [R007]") and says in msg and "\n" not in msg
    assert list(tmp.iterdir()) == []  # the private temp dir is gone


def test_files_named_xls_or_doc_are_read_by_what_they_are(seed_gold, tmp_path):
    import html_fixtures as hx
    import office_fixtures as fx

    (tmp_path / "export.xls").write_bytes(hx.utf8_page(seed_gold))  # web systems export HTML as ".xls"
    (tmp_path / "renamed.doc").write_bytes(fx.build_docx(seed_gold))
    for name, fmt in (("export.xls", "html"), ("renamed.doc", "docx")):
        raw = read(tmp_path / name)
        assert raw.format == fmt
        assert len(list(build_document(raw).indicators())) == 108
    (tmp_path / "tabs.xls").write_bytes("一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t演练次数\t3次\n"
                                        .encode("gb18030"))  # tab-separated text exported as ".xls"
    doc = build_document(read(tmp_path / "tabs.xls"))
    assert [(i.level3, i.value) for _, i in doc.indicators()] == [("演练次数", "3次")]


@pytest.mark.slow
def test_regenerate_with_libreoffice(seed_gold, tmp_path):
    """Rebuild the three files with the soffice installed here and check they still read as the seed."""
    if lo.soffice() is None:
        pytest.skip("soffice not installed (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui); "
                    "CI installs it")
    made = lo.build_all(tmp_path, seed_gold)
    assert_seed(build_document(read(made["word.pdf"])), seed_gold)
    assert_seed(build_document(read(made["sheet.xls"])), seed_gold)
    assert_seed(build_document(read(made["word.doc"])), seed_gold)


# ---------------------------------------------------------------- damaged and crafted PDFs

def _page_stream(data: bytes, page: int) -> tuple[int, int]:
    """(start, end) of the raw content stream of ``page`` (1-based) in ``data``."""
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        objid = pdf.pages[page - 1].page_obj.contents[0].objid
    at = data.find(b"\n%d 0 obj" % objid)
    start = data.find(b"stream\n", at) + len(b"stream\n")
    return start, data.find(b"endstream", start)


@pytest.mark.parametrize("where", [0.1, 0.99])
def test_one_damaged_byte_in_page_2_is_a_warning_naming_the_page(tmp_path, where):
    data = bytearray((LO / "word.pdf").read_bytes())
    start, end = _page_stream(bytes(data), 2)
    data[start + int((end - start) * where)] ^= 0x55
    path = tmp_path / "damaged.pdf"
    path.write_bytes(bytes(data))
    doc = build_document(read(path))
    pages = [w for w in doc.warnings if w.code == "W-PDF-PAGE"]
    assert len(pages) == 1 and "page 2" in pages[0].message and pages[0].where.endswith("page 2")
    assert doc.projects  # the other pages are still read


def test_damaged_page_warning_reaches_parse_output(tmp_path):
    from click.testing import CliRunner

    from jixiao.cli import cli

    data = bytearray((LO / "word.pdf").read_bytes())
    start, end = _page_stream(bytes(data), 2)
    data[(start + end) // 2] ^= 0x01
    path = tmp_path / "damaged.pdf"
    path.write_bytes(bytes(data))
    r = CliRunner().invoke(cli, ["parse", str(path), "--format", "jsonl"])
    assert r.exit_code == 0
    doc = json.loads(r.output.splitlines()[0])
    assert any(w["code"] == "W-PDF-PAGE" and "page 2" in w["message"] for w in doc["warnings"])


def bomb_pdf(inflated_mb: int, kind: bytes = b"") -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated_mb`` MB of spaces (built in well
    under a second: after a full flush, deflate emits the same bytes for the same 1 MB block)."""
    c = zlib.compressobj(9)
    mb = b" " * (1 << 20)
    first = c.compress(mb) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(mb) + c.flush(zlib.Z_FULL_FLUSH)
    stream = first + block * (inflated_mb - 1) + c.flush()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d %s/Filter /FlateDecode >>\nstream\n" % (len(stream), kind) + stream + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


@pytest.mark.parametrize("kind", [b"", b"/Type /XObject /Subtype /Image /Width 1 /Height 1 "])
def test_a_stream_inflating_to_gigabytes_is_refused_quickly(tmp_path, kind):
    import resource

    path = tmp_path / "bomb.pdf"
    path.write_bytes(bomb_pdf(3000, kind))  # 3 GB inflated from about 3 MB
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.monotonic()
    with pytest.raises(TooLargeError) as info:
        read(path)
    assert time.monotonic() - t < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 300 * 1024  # KB: far below the GBs
    assert str(info.value).startswith(f"{path}: [R006]") and "inflate to more than" in str(info.value)


def test_page_content_pdfminer_would_parse_for_minutes_is_refused_and_real_pages_pass():
    from jixiao.corpus import pdf

    t = time.monotonic()
    with pytest.raises(TooLargeError):
        read(LO / "word.pdf", bomb_pdf(16))  # 16 MB of page content: pdfminer needs over a minute
    assert time.monotonic() - t < 2
    pdf.check_inflation((LO / "word.pdf").read_bytes(), "word.pdf")  # its fonts and pages (≤ 30 KB) pass


def test_lo_files_are_small_enough_to_commit():
    for name in lo.FILES:
        assert (LO / name).stat().st_size < 500 * 1024, name
    assert os.path.getsize(LO / "word.pdf") > 10_000


def test_a_damaged_stream_outside_page_text_is_reported_too(tmp_path):
    from jixiao.corpus import pdf

    data = bytearray((LO / "word.pdf").read_bytes())
    for m in pdf._STREAM.finditer(bytes(data)):  # a font's ToUnicode map: damage garbles text silently
        end = data.find(b"endstream", m.end())
        try:
            if b"begincmap" in zlib.decompress(bytes(data[m.end():end])):
                break
        except zlib.error:
            continue
    data[(m.end() + end) // 2] ^= 0x55
    path = tmp_path / "cmap.pdf"
    path.write_bytes(bytes(data))
    warned = [w for w in build_document(read(path)).warnings if w.code == "W-PDF-DAMAGED"]
    assert len(warned) == 1 and "1 compressed stream" in warned[0].message and warned[0].where == str(path)

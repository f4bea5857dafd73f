"""The plain-text reader: encodings, bad input, and how lines become paragraphs and tables."""

from __future__ import annotations

import pytest

from jixiao.corpus.blocks import Paragraph, Table
from jixiao.corpus.text import decode, decode_lines, provenance, read_text, split_blocks
from jixiao.errors import BinaryInputError, EmptyInputError, ReadError

SAMPLE = "承德市应急管理局2021年绩效目标\n\t一级指标\n\t三级指标\n\t指标值\n\n\t产出指标\n\t演练次数\n\t3次\n"


@pytest.mark.parametrize("data, encoding", [
    (SAMPLE.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
    (b"\xff\xfe" + SAMPLE.encode("utf-16-le"), "utf-16"),
    (b"\xfe\xff" + SAMPLE.encode("utf-16-be"), "utf-16"),
    (SAMPLE.encode("utf-16-le"), "utf-16"),  # no BOM: NULs on one byte parity
    (SAMPLE.encode("gb18030"), "gb18030"),
    (SAMPLE.encode("gbk"), "gb18030"),
])
def test_encodings_decode_to_the_same_text(data, encoding):
    text, enc = decode(data, "x.txt")
    assert text == SAMPLE
    assert enc == encoding


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n\n"])
def test_empty_input(data):
    with pytest.raises(EmptyInputError) as e:
        decode(data, "empty.txt")
    assert "empty.txt" in str(e.value) and "R002" in str(e.value)


LINES = ["不低于95%", "24小时内", "3次"]


@pytest.mark.parametrize("data", [
    "\n".join(LINES).encode("utf-8"),
    b"\xef\xbb\xbf" + "\r\n".join(LINES).encode("utf-8") + b"\r\n",
    "\n".join(LINES).encode("gb18030") + b"\n",
    "\n".join(["95%"] + LINES).encode("gbk"),  # an ASCII line first: the encoding is settled later
], ids=["utf-8", "bom-crlf", "gb18030", "ascii-then-gbk"])
def test_stdin_lines_decode_like_files(data):
    import io

    assert [ln for ln in decode_lines(io.BytesIO(data)) if ln != "95%"] == LINES


@pytest.mark.parametrize("data, error, where, says", [
    (b"95%\n3\x00\x01\n", BinaryInputError, "stdin line 2", "NUL"),
    ("不低于95%\n".encode("utf-8") + "不低于95%\n".encode("gbk"), ReadError, "stdin line 2", "like the lines before"),
    (bytes(range(0x80, 0x100)) * 3, ReadError, "stdin line 1", "neither UTF-8 nor GB18030"),
])
def test_stdin_lines_that_are_not_text_name_the_line(data, error, where, says):
    import io

    with pytest.raises(error) as e:
        list(decode_lines(io.BytesIO(data)))
    assert str(e.value).startswith(f"{where}: [{error.code}]") and says in str(e.value)


def test_closed_stdin_is_an_error():
    with pytest.raises(ReadError, match="stdin is closed"):
        list(decode_lines(None))


def test_provenance_header_alone_is_empty():
    with pytest.raises(EmptyInputError):
        read_text("# source: http://x\n# year: 2021\n\n".encode(), "h.txt")


@pytest.mark.parametrize("data, what", [
    (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "zip"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Office"),
    (b"abc\x00\x01\x02\x03def\x00\x00\x00\x00\x10\x11", "NUL"),
    ("正文".encode() + bytes(range(1, 9)) * 20, "control"),
])
def test_binary_input(data, what):
    with pytest.raises(BinaryInputError) as e:
        decode(data, "b.txt")
    assert what in str(e.value)


def test_truncated_utf8_is_reported():
    data = "绩效目标表：演练次数3次".encode("utf-8")[:-2]  # cut inside the last character
    with pytest.raises(ReadError) as e:
        decode(data, "cut.txt")
    assert "truncated" in str(e.value) and "cut.txt" in str(e.value)


def test_damaged_utf8_in_the_middle_is_reported():
    good = "绩效目标，一级指标，二级指标，三级指标，指标值".encode("utf-8")
    with pytest.raises(ReadError) as e:
        decode(good + b"\xff\xfe\xfa" + good, "mixed.txt")
    assert "UTF-8" in str(e.value)


@pytest.mark.parametrize("data", [
    "テスト日本語の文章です。これは試験。".encode("shift_jis"),
    "這是繁體中文的句子，測試編碼。".encode("big5"),
    bytes(range(0x81, 0xFF)),
])
def test_wrong_encoding_is_not_read_as_garbage(data):
    with pytest.raises(ReadError) as e:
        decode(data, "w.txt")
    assert "encoding" in str(e.value) or "编码" in str(e.value)


def test_word_export_cells_become_table_rows_and_field_codes_are_dropped():
    text = ("一、总体绩效目标 TC 总体绩效目标 \\f A \\l 1 \n正文一段。\n\n"
            "\t项目编码\n\t130800\n\t项目名称\n\t购置\n\n\t一级指标\n\t\n\t指标值\n\n末尾\n")
    blocks = read_text(text.encode(), "w.txt").blocks
    assert blocks[0] == Paragraph("一、总体绩效目标")
    assert blocks[1] == Paragraph("正文一段。")
    assert isinstance(blocks[2], Table)
    assert blocks[2].rows == [["项目编码", "130800", "项目名称", "购置"], ["一级指标", "", "指标值"]]
    assert blocks[3] == Paragraph("末尾")


def test_pipe_rows_keep_leading_empty_cells_and_join_wrapped_rows():
    text = ("一级指标 | 二级指标 | 三级指标 | 指标值 |\n产出指标 | 数量指标 | 培训人次 | 100人 |\n"
            "| | 培训天数 | 3天 |\n经济效益 指标 |\n增收 | 5万元 | ||||\n")
    (table,) = split_blocks(text)
    assert table.rows[1] == ["产出指标", "数量指标", "培训人次", "100人"]
    assert table.rows[2] == ["", "", "培训天数", "3天"]
    assert table.rows[3][:3] == ["经济效益 指标", "增收", "5万元"]


def test_one_cell_per_line_with_trailing_pipes():
    text = "|\n一级\n指标 |\n二级指标 |\n三级指标 |\n指标值 |\n|\n||\n产出指标 |\n"
    (table,) = split_blocks(text)
    assert table.name == "cells"
    assert table.rows == [[""], ["一级\n指标"], ["二级指标"], ["三级指标"], ["指标值"], [""], [], ["产出指标"]]


def test_space_only_line_is_an_empty_cell():
    blocks = split_blocks("小学就读人数\n\n<=6962人\n\n \n\n质量值\n")
    assert [b.text for b in blocks] == ["小学就读人数", "<=6962人", "", "质量值"]


def test_read_text_skips_the_provenance_header_but_keeps_it_as_a_hint():
    raw = read_text("# source: http://example\n# year: 2024 (probable)\n绩效目标表\n".encode(), "p.txt")
    assert raw.blocks == [Paragraph("绩效目标表")]
    assert provenance(raw.text) == {"source": "http://example", "year": "2024 (probable)"}
    assert raw.encoding == "utf-8" and len(raw.sha256) == 64 and raw.format == "txt"


def test_oversized_text_file_is_refused_before_reading(tmp_path, monkeypatch):
    """A text file over the limit is one R006 error; the bytes are never decoded (sparse file: no disk cost)."""
    from jixiao.corpus import readers
    from jixiao.errors import TooLargeError

    big = tmp_path / "huge.txt"
    with open(big, "wb") as f:
        f.truncate(readers.MAX_TEXT_BYTES + 1)
    with pytest.raises(TooLargeError) as info:
        readers.read(big)
    assert "[R006]" in str(info.value) and "huge.txt" in str(info.value)


def test_blank_separated_cells_keep_a_wrapped_cell_whole():
    from jixiao.corpus.text import split_blocks

    cells = ["一级指标", "二级指标", "三级指标", "指标值", "产出指标", "数量指标", "培训农村实\n用人才人数", "1200人次",
             "质量指标", "培训考核合格率", "≥95%", "时效指标", "培训完成时限", "12月31日前"]
    blocks = split_blocks("\n\n".join(cells) + "\n")
    assert [b.text for b in blocks] == cells


def test_lines_without_blank_lines_stay_apart():
    from jixiao.corpus.text import split_blocks

    lines = [f"第{k}行内容" for k in range(15)]
    assert [b.text for b in split_blocks("\n".join(lines))] == lines

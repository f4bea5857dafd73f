"""Plain-text reader: decode bytes (UTF-8/BOM, UTF-16 BOM, GB18030) and cut the text into blocks.

Word's "save as text" writes every table cell on its own line starting with a tab and ends each
row with a blank line; web pages copied to text give rows of ``a | b | c`` or one cell per line.
Those become ``Table`` blocks here; every other line becomes a ``Paragraph``. Space-separated rows
and one-cell-per-paragraph tables cannot be told from prose at this level: layout reads them.
"""

from __future__ import annotations

import re

from jixiao.corpus.blocks import Block, Paragraph, RawDocument, Table
from jixiao.errors import BinaryInputError, EmptyInputError, ReadError, TooLargeError

_MAGIC = (
    (b"PK\x03\x04", "a zip archive (a .docx/.xlsx renamed .txt?)"),
    (b"%PDF", "a PDF file"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc/.xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7z archive"),
)
# Word TC (table of contents) field codes leak into text exports: "总体绩效目标 TC 总体绩效目标 \f A \l 1".
_FIELD_CODE = re.compile(r"[ \t]*\bTC\s+[^\n]*?\\f\s*\w\s*\\l\s*\d+[ \t]*")
_PROVENANCE = re.compile(r"#\s*[A-Za-z_][\w -]*:")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def read_text(data: bytes, path: str) -> RawDocument:
    """Decode ``data`` (the bytes of ``path``) and split it into paragraphs and tables."""
    from jixiao.corpus.readers import sha256_of

    text, encoding = decode(data, path)
    text = clean_text(text)
    body_start = provenance_end(text)
    if path.lower().endswith(".csv"):
        try:
            blocks = csv_blocks(text[body_start:])
        except ReadError as e:
            e.where = e.where or path
            raise
    else:
        blocks = split_blocks(text[body_start:])
    if not any(_has_text(b) for b in blocks):
        raise EmptyInputError("文件没有正文 the file holds no text (only a header or blank lines)", where=path)
    return RawDocument(path=path, format="txt", sha256=sha256_of(data), blocks=blocks, text=text,
                       encoding=encoding)


# ---------------------------------------------------------------- decoding

def decode(data: bytes, path: str = "") -> tuple[str, str]:
    """Bytes → (text, encoding). Raises EmptyInputError, BinaryInputError or ReadError."""
    if not data.strip(b" \t\r\n\x00\x0b\x0c") or data in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        raise EmptyInputError("文件为空 the file is empty", where=path)
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", path), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        return _strict(data[2:], enc, path), "utf-16"
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise BinaryInputError(f"不是文本文件 not a text file: the bytes are {what}", where=path)
    if b"\x00" in data[:65536]:
        enc = _utf16_without_bom(data)
        if enc:
            return _strict(data, enc, path), enc.replace("-le", "").replace("-be", "")
        raise BinaryInputError("不是文本文件 not a text file: it contains NUL bytes (binary data)", where=path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and e.end == len(data):
            raise ReadError(f"文件被截断 truncated: the UTF-8 text ends inside a character at byte {e.start} "
                            f"of {len(data)}; re-export or re-download the file", where=path) from None
        if _looks_utf8_mostly(data, e.start):
            raise ReadError(f"编码错误 invalid UTF-8 at byte {e.start} (the rest of the file is UTF-8): the file "
                            "is damaged or mixes encodings", where=path) from None
        text = _gb18030(data, path)
        _check_text(text, path)
        return text, "gb18030"
    _check_text(text, path)
    return text, "utf-8"


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        if e.reason in ("truncated data", "unexpected end of data") and e.end >= len(data) - 1:
            raise ReadError(f"文件被截断 truncated: the {encoding} text ends inside a character", where=path) from None
        raise ReadError(f"编码错误 cannot decode as {encoding} at byte {e.start}: the file is damaged",
                        where=path) from None
    _check_text(text, path)
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """Mostly-ASCII/CJK UTF-16 without a BOM shows NULs on one byte parity only."""
    sample = data[:4096]
    if len(sample) < 16 or len(data) % 2:  # too little to tell, or an odd byte count: not UTF-16
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    if odd > 0.3 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def _looks_utf8_mostly(data: bytes, bad: int) -> bool:
    """True when the text before the first bad byte has real multi-byte UTF-8 (so it is not GBK)."""
    head = data[:bad]
    return sum(1 for b in head if b >= 0xC0) >= 8


def _gb18030(data: bytes, path: str) -> str:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as e:
        if e.end >= len(data) - 1 and e.reason in ("incomplete multibyte sequence", "unexpected end of data"):
            raise ReadError("文件被截断 truncated: the GB18030/GBK text ends inside a character", where=path) from None
        raise ReadError("编码无法识别 unknown encoding: the file is neither UTF-8 nor GB18030/GBK; save it as "
                        "UTF-8 text", where=path) from None
    if not _plausible_chinese(text):
        raise ReadError("编码无法识别 unknown encoding: not UTF-8, and as GB18030/GBK it reads as garbage; save "
                        "it as UTF-8 text", where=path)
    return text


def _plausible_chinese(text: str) -> bool:
    """Real GBK Chinese is mostly common (GB2312 level-1) characters; mis-decoded bytes are not."""
    han = common = odd = 0
    for ch in text:
        o = ord(ch)
        if 0x4E00 <= o <= 0x9FFF:
            han += 1
            try:
                b = ch.encode("gb2312")
                common += 0xB0 <= b[0] <= 0xD7
            except UnicodeEncodeError:
                pass
        elif o >= 0x80 and not (0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F):
            odd += 1
    if han == 0:
        return odd == 0
    return common >= 0.4 * han and odd <= 0.2 * (han + odd)


def _check_text(text: str, path: str) -> None:
    sample = text[:65536]
    if not sample.strip():
        raise EmptyInputError("文件为空 the file holds only blank characters", where=path)
    controls = len(_CONTROL.findall(sample))
    if controls > 8 and controls > 0.01 * len(sample):
        raise BinaryInputError(f"不是文本文件 not a text file: {controls} control characters in the first "
                               f"{len(sample)} characters", where=path)
    if sample.count("\ufffd") > 0.05 * len(sample):
        raise ReadError("编码错误 the text is full of replacement characters (�): it was mis-converted "
                        "before saving", where=path)
    fixed = _mojibake(sample)
    if fixed:
        bad, good = fixed
        raise ReadError(f"编码错误 the text was decoded with the wrong encoding and saved again (mojibake): "
                        f"'{bad}' is '{good}'; 请从原文件重新导出 re-export it from the original as UTF-8", where=path)


# Windows-1252's letters in 0x80–0x9F (the rest of 0x80–0xFF is Latin-1): what UTF-8 or GBK bytes
# become when read as "ANSI" on a Western Windows.
_CP1252 = {ch: b for b in range(0x80, 0xA0) if (ch := bytes([b]).decode("cp1252", "ignore"))}
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _mojibake(sample: str) -> tuple[str, str] | None:
    """(garbled excerpt, repaired excerpt) when Chinese was decoded as Latin-1/Windows-1252 and saved again.

    The Latin letters are mapped back to their bytes; if those bytes read as UTF-8 or GBK give far more
    Chinese than the text has, the text is mojibake (ç»©æ•ˆ → 绩效, ¼¨Ð§ → 绩效).
    """
    high = sum(1 for ch in sample if 0x80 <= ord(ch) <= 0xFF or ch in _CP1252)
    if high < 8 or high < 0.3 * sum(1 for ch in sample if ord(ch) > 0x7F):
        return None
    raw = bytearray()
    run: list[int] | None = None  # [start, end) in sample and in raw of the first garbled run
    for i, ch in enumerate(sample):
        o = ord(ch)
        if o < 0x100:
            byte = o
        elif ch in _CP1252:
            byte = _CP1252[ch]
        elif ch == "\ufffd":
            byte = 0x3F  # a byte lost when it was decoded; the rest still shows the text
        else:
            return None  # real characters beyond Latin-1: not a Latin-1 misreading
        if byte >= 0x80 and (run is None or run[1] == i):
            run = [i, i + 1, len(raw), len(raw) + 1] if run is None else [run[0], i + 1, run[2], len(raw) + 1]
        raw.append(byte)
    han_before = len(_HAN.findall(sample))
    for enc in ("utf-8", "gb18030"):
        repaired = bytes(raw).decode(enc, "replace")
        if len(_HAN.findall(repaired)) >= max(8, 3 * han_before) and repaired.count("\ufffd") < 0.1 * len(repaired):
            start, end, rstart, rend = run
            good = bytes(raw[rstart:rend]).decode(enc, "ignore")
            return sample[start:end][:16], good[:8]
    return None


def decode_lines(stream, where: str = "stdin"):
    """Yield the lines of a byte stream (stdin), decoded as files are: UTF-8 with or without a BOM, else GB18030.

    The encoding is settled by the first line that is not ASCII and then kept; lines stream (a pipe
    is not read ahead). A closed stream, NUL bytes or a line that fits neither encoding raise a
    ReadError naming the line.
    """
    if stream is None:
        raise ReadError("标准输入已关闭 stdin is closed; give the text as an argument or pipe lines in", where=where)
    encoding, settled = None, 0  # settled: the line that decided the encoding
    for n, raw in enumerate(stream, 1):
        line = raw.rstrip(b"\r\n")
        if n == 1 and line.startswith(b"\xef\xbb\xbf"):
            line, encoding = line[3:], "utf-8"
        if b"\x00" in line:
            raise BinaryInputError("不是文本 not text: NUL bytes (binary data, or UTF-16: convert to UTF-8 first)",
                                   where=f"{where} line {n}")
        if encoding is None and not line.isascii():
            try:
                line.decode("utf-8")
                encoding = "utf-8"
            except UnicodeDecodeError:
                encoding = "gb18030"
            settled = n
        try:
            text = line.decode(encoding or "utf-8")
            ok = encoding != "gb18030" or _plausible_chinese(text)
        except UnicodeDecodeError:
            ok = False
        if not ok:
            why = ("neither UTF-8 nor GB18030/GBK text (binary data?)" if settled == n else
                   f"not {encoding} text like the lines before it (mixed encodings, or binary data)")
            raise ReadError(f"编码错误 {why}", where=f"{where} line {n}")
        yield text


# ---------------------------------------------------------------- cleaning and blocks

def clean_text(text: str) -> str:
    """Normalize newlines, drop Word field codes and stray control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n").replace("\x0b", "\n")
    text = text.replace("\ufeff", "").replace("\u200b", "").replace("\xa0", " ")
    text = _FIELD_CODE.sub("", text) if "\\l" in text else text
    return _CONTROL.sub("", text)


def provenance_end(text: str) -> int:
    """Offset just after a leading block of ``# key: value`` provenance lines (0 when there is none)."""
    pos = 0
    while True:
        nl = text.find("\n", pos)
        line = text[pos:] if nl < 0 else text[pos:nl]
        if not _PROVENANCE.match(line):
            return pos
        if nl < 0:
            return len(text)
        pos = nl + 1


def provenance(text: str) -> dict[str, str]:
    """The ``# key: value`` header of a collected file, as a dict (used only as a last-resort hint)."""
    out = {}
    for line in text[: provenance_end(text)].splitlines():
        key, _, value = line.lstrip("# ").partition(":")
        out[key.strip().lower()] = value.strip()
    return out


def csv_blocks(text: str) -> list[Block]:
    """A CSV export (Excel, WPS): one table, quoted cells and empty merged cells kept in place."""
    import csv

    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [[_cell(c) for c in row] for row in csv.reader(text.splitlines(), dialect)]
    except csv.Error as e:  # a field over csv's limit (131,072 characters), a stray NUL …
        raise TooLargeError(f"CSV 无法读取 the CSV cannot be read ({e}); a 绩效 table cell is far shorter") from None
    return [Table([r for r in rows if any(r)])]


def _has_text(block: Block) -> bool:
    if isinstance(block, Paragraph):
        return bool(block.text.strip())
    return any(c.strip() for row in block.rows for c in row)


def split_blocks(text: str) -> list[Block]:
    """Cut text into Paragraphs (one per non-blank line) and Tables (tab-cell and pipe regions)."""
    lines = text.split("\n")
    blocks: list[Block] = []
    i, n = 0, len(lines)
    spaced = _blank_separated(lines)
    while i < n:
        line = lines[i]
        if _is_tsv_row(line):
            i = _tsv_region(lines, i, blocks)
        elif line.startswith("\t"):
            i = _tab_table(lines, i, blocks)
        elif "|" in line:
            i = _pipe_region(lines, i, blocks)
        else:
            if line.strip() and spaced:
                # paragraphs apart by blank lines: lines that touch are one wrapped cell
                run = [line.strip()]
                while i + 1 < n and lines[i + 1].strip() and "|" not in lines[i + 1] and \
                        not lines[i + 1].startswith("\t") and len(run) < 4:
                    i += 1
                    run.append(lines[i].strip())
                blocks.append(Paragraph("\n".join(run)))
            elif line.strip():
                blocks.append(Paragraph(line.strip()))
            elif line:
                blocks.append(Paragraph(""))  # a blank cell written as a space (HTML &nbsp;)
            i += 1
    return blocks


def _blank_separated(lines: list[str]) -> bool:
    """Cells written one per paragraph with blank lines between (a web page's table copied out)."""
    body = [k for k, ln in enumerate(lines) if ln.strip() and "|" not in ln and not ln.startswith("\t")]
    if len(body) < 12:
        return False
    apart = sum(1 for k in body if k + 1 < len(lines) and not lines[k + 1].strip())
    return apart >= 0.75 * len(body)


def _cell(s: str) -> str:
    return s.replace("\u3000", " ").strip()


def _is_tsv_row(line: str) -> bool:
    """A whole row with tab-separated cells (copied from Excel), as opposed to Word's export, which
    writes one cell per line after a single leading tab."""
    tabs = line.count("\t")
    return bool(tabs) and line.strip() != "" and (tabs >= 2 or not line.startswith("\t"))


def _tsv_region(lines: list[str], i: int, blocks: list[Block]) -> int:
    """Consecutive tab-separated rows; empty cells (merged in the source) stay as "" in place."""
    rows: list[list[str]] = []
    while i < len(lines) and _is_tsv_row(lines[i]):
        rows.append([_cell(c) for c in lines[i].rstrip("\n").split("\t")])
        i += 1
    blocks.append(Table(rows))
    return i


def _tab_table(lines: list[str], i: int, blocks: list[Block]) -> int:
    """Word text export: one cell per tab-led line, a blank line ends a row."""
    rows: list[list[str]] = []
    row: list[str] = []
    n = len(lines)
    while i < n:
        line = lines[i]
        if line.startswith("\t"):
            row.extend(_cell(c) for c in line[1:].split("\t"))
        elif not line.strip():
            if row:
                rows.append(row)
                row = []
            # a table continues past one blank line only if the next line is a cell again
            if i + 1 < n and lines[i + 1].startswith("\t"):
                i += 1
                continue
            if i + 1 < n and not lines[i + 1].strip() and i + 2 < n and lines[i + 2].startswith("\t"):
                i += 1
                continue
            break
        else:
            break
        i += 1
    if row:
        rows.append(row)
    if rows:
        blocks.append(Table(rows))
    return i


def _split_pipes(line: str) -> list[str]:
    return [_cell(c) for c in line.split("|")]


def _pipe_region(lines: list[str], i: int, blocks: list[Block]) -> int:
    """``a | b | c`` rows, or one cell per line ending in `` |`` (an HTML table flattened)."""
    n = len(lines)
    j = i
    region: list[str] = []
    while j < n:
        line = lines[j]
        if "|" in line:
            region.append(line)
            j += 1
            continue
        # a cell wrapped over lines: a pipe-less line followed by a line that has pipes
        if line.strip() and j + 1 < n and "|" in lines[j + 1] and region:
            region.append(line)
            j += 1
            continue
        break
    with_pipes = [ln for ln in region if "|" in ln]
    single = sum(1 for ln in with_pipes if sum(1 for c in _split_pipes(ln) if c) <= 1)
    if len(with_pipes) >= 3 and single >= 0.7 * len(with_pipes):
        blocks.append(Table(_cell_per_line(region), name="cells"))
    else:
        blocks.append(Table(_pipe_rows(region)))
    return j


def _cell_per_line(region: list[str]) -> list[list[str]]:
    """One cell per line: text accumulates until a line ending in '|'; '|' alone is an empty cell.

    Returned as one-cell rows; runs of pipes (row padding) become a row boundary marker ``[]``.
    """
    rows: list[list[str]] = []
    buf: list[str] = []
    for line in region:
        s = line.strip()
        if not s.endswith("|"):
            buf.append(s)
            continue
        body = s.rstrip("|").strip()
        pipes = len(s) - len(s.rstrip("|"))
        if body or buf:
            rows.append(["\n".join(buf + [body]) if buf else body])
            buf = []
        elif pipes == 1:
            rows.append([""])
        else:
            rows.append([])
    if buf:
        rows.append(["\n".join(buf)])
    return rows


def _header_tail(pending: list[str], cells: list[str]) -> bool:
    """The last cells of a header row written over two lines (… | 三级指标 | / 目标值 |): a row of its own."""
    from jixiao.corpus.layout import header_role

    roles = [header_role(c) for c in cells if c]
    return bool(roles) and all(r and r != "skip" for r in roles) and roles[-1] not in ("level1", "level2")


def _pipe_rows(region: list[str]) -> list[list[str]]:
    """Rows of ``a | b | c``; a short line ending in a single '|' continues on the next line."""
    rows: list[list[str]] = []
    pending: list[str] = []
    for line in region:
        if "|" not in line:  # wrapped cell text: onto the pending cell, else a new cell of the last row
            if pending:
                pending[-1] = (pending[-1] + "\n" + line.strip()).strip()
            elif rows:
                rows[-1].append(line.strip())
            continue
        s = line.strip()
        cells = _split_pipes(s)
        if s.endswith("|"):
            cells = cells[:-1]
        row = pending + cells
        filled = sum(1 for c in cells if c)
        # "产 出 指 标 (50分) |" or "绩效指标 | 一级 指标 |": a merged cell that goes on in the next line
        continues = s.endswith("|") and not s.endswith("||") and not s.endswith("| |") and (
            filled == 1 or (filled == 2 and len(cells) == 2)) and not _header_tail(pending, cells)
        if continues:
            pending = row
            continue
        pending = []
        rows.append(row)
    if pending:
        rows.append(pending)
    return rows

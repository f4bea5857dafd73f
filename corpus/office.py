"""Readers for .docx and .xlsx (.pdf: ``pdf.py``): paragraphs and tables in document order (see ``blocks.py``).

Merged cells follow the convention of ``blocks.py``: the text appears once, in the top-left cell of
the merge, and every grid position the merge covers is "". Rows are **grid-aligned**: a docx cell that
spans k grid columns gives its text followed by k-1 "" cells, and every row of a table is padded to the
table's width, so column j means the same grid column on every row (the header row's 指标值 lines up
with the value cells below even where some rows split a column into several narrower cells).

Library errors on damaged input become one-line ``ReadError`` subclasses naming the file; the heavy
libraries are imported inside the readers.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from typing import Iterator

from jixiao.corpus.blocks import Block, Paragraph, RawDocument, Table
from jixiao.errors import (BinaryInputError, CorruptFileError, EmptyInputError, JixiaoError, ReadError,
                           TooLargeError)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls, and encrypted OOXML containers
MAX_UNZIPPED = 1024 * 1024 * 1024  # refuse zip bombs: a real 绩效 workbook unpacks to a few MB
MAX_GRID_CELLS = 2_000_000  # a sheet's filled rows × filled columns; real 绩效 sheets are thousands
# Limits checked before a library expands anything (a 1 KB file can claim 17 billion merged cells):
MAX_XML_PART = 40 * 1024 * 1024  # one XML part unpacked; a long 绩效 document.xml is a few MB
MAX_RATIO = 500  # unpacked/packed of a part over 1 MB: XML compresses 5–30× (a generated one 300×), a bomb 1000×
MAX_MERGED_CELLS = 200_000  # cells covered by a sheet's merged ranges (openpyxl makes one object each)
MAX_MERGE_RANGES = 10_000  # merged ranges of one sheet (openpyxl spends about 0.3 ms on each); real sheets: hundreds
MAX_TABLE_COLUMNS = 512  # grid columns of one docx table row (Word itself allows 63)
MAX_LETTER_LABEL = 64  # letters of one list label (upperLetter numbering writes n/26 letters)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Word TC (table-of-contents entry) field codes that leaked into visible text: "一、总体绩效目标 TC 总体绩效目标 \f A \l 1"
TC_FIELD = re.compile(r'\s*\bTC\s+"?[^"\\\n]*?"?\s*\\f\s*[A-Za-z](?:\s*\\l\s*\d+)?\s*$')
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


# ---------------------------------------------------------------- shared checks

def _sniff_container(data: bytes, path: str, fmt: str) -> None:
    """Reject input that is not a zip package of the expected kind, with a message saying what it is."""
    if _blank(data):
        raise EmptyInputError(f"空文件 the .{fmt} file is empty", where=path)
    if data.startswith(OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise ReadError(f"文件已加密 the .{fmt} file is password-protected; 请先取消密码再另存 "
                            f"(remove the password and save again)", where=path)
        legacy, app = {"docx": (".doc", "Word"), "xlsx": (".xls", "Excel")}[fmt]
        raise CorruptFileError(f"这是旧格式 {legacy} 文件 the file is a legacy {legacy} saved under a .{fmt} name; "
                               f"请另存为 .{fmt} (open it in {app} or WPS and save as .{fmt})", where=path)
    if not data.startswith(b"PK"):
        raise _not_a_package(data, path, fmt)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except NotImplementedError as e:  # "zip file version 21.2", an unknown compression method
        raise CorruptFileError(f"压缩格式不支持 the .{fmt} uses zip features jixiao cannot unpack ({e}); Word and Excel "
                               f"write plain zip 2.0: 请用 Word/WPS 另存一次 (open it and save again)", where=path) from None
    except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, EOFError, OSError) as e:
        # UnicodeDecodeError: a member name flagged UTF-8 that is not; the rest: damaged central directory
        raise CorruptFileError(f"文件损坏或不完整 the .{fmt} file is truncated or damaged "
                               f"({type(e).__name__}: {str(e)[:100]})", where=path) from None
    names = {i.filename for i in infos}
    _check_members(infos, path, fmt)
    expected = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[fmt]
    if expected not in names:
        kinds = {"word/document.xml": "a Word document (.docx)", "xl/workbook.xml": "an Excel workbook (.xlsx)",
                 "ppt/presentation.xml": "a PowerPoint presentation (.pptx)"}
        what = next((v for k, v in kinds.items() if k in names), "a zip archive")
        raise CorruptFileError(f"不是 .{fmt} 文件 the file holds {what}, not a .{fmt}", where=path)


def _check_members(infos: list[zipfile.ZipInfo], path: str, fmt: str) -> None:
    """Refuse, from the zip directory alone, what would take minutes or gigabytes to unpack or parse."""
    if sum(i.file_size for i in infos) > MAX_UNZIPPED:
        raise TooLargeError(f"解压后过大 the .{fmt} unpacks to more than {MAX_UNZIPPED // 2**20} MB", where=path)
    for i in infos:
        if i.extract_version > zipfile.MAX_EXTRACT_VERSION:
            raise CorruptFileError(f"压缩格式不支持 the .{fmt} needs zip version {i.extract_version / 10:.1f} to "
                                   f"unpack '{i.filename}' (Word and Excel write 2.0); 请用 Word/WPS 另存一次 "
                                   f"(open it and save again)", where=path)
        if not i.filename.lower().endswith((".xml", ".rels")):
            continue  # media: bounded by the total
        if i.file_size > MAX_XML_PART:
            raise TooLargeError(f"内容部件过大 '{i.filename}' unpacks to {i.file_size / 2**20:.0f} MB of XML "
                                f"(limit {MAX_XML_PART // 2**20} MB); a 绩效 document is far smaller", where=path)
        if i.file_size > 2**20 and i.file_size > MAX_RATIO * max(1, i.compress_size):
            raise TooLargeError(f"压缩比异常 '{i.filename}' unpacks {i.file_size // max(1, i.compress_size)}× its "
                                f"packed size (a zip bomb?); refused", where=path)


def _blank(data: bytes) -> bool:
    return not data or (len(data) < 4096 and not data.strip(b" \t\r\n\x00"))


def _not_a_package(data: bytes, path: str, fmt: str) -> JixiaoError:
    head = data[:1024]
    if head.lstrip().startswith(b"%PDF") or b"%PDF-" in head:
        return CorruptFileError(f"这是 PDF 文件 the file is a PDF named .{fmt}; rename it to .pdf", where=path)
    if b"<html" in head.lower() or b"<?xml" in head:
        return CorruptFileError(f"这是 HTML/XML 文本 the file is HTML/XML text, not a .{fmt} "
                                f"(an export saved under the wrong name?)", where=path)
    if _looks_like_text(head):
        return CorruptFileError(f"这是纯文本文件 the file is plain text, not a .{fmt}; rename it to .txt", where=path)
    header = "%PDF" if fmt == "pdf" else "zip package"
    return BinaryInputError(f"不是 .{fmt} 文件 the file is not a .{fmt} (no {header} header)", where=path)


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            head.decode(enc)
            return True
        except UnicodeDecodeError as e:
            if e.start > len(head) - 4:  # a multi-byte character cut by the 1 KB window
                return True
    return False


def _damaged(fmt: str, path: str, e: Exception) -> CorruptFileError:
    detail = str(e).splitlines()[0][:160] if str(e) else ""
    return CorruptFileError(f"文件损坏 the .{fmt} file is truncated or damaged and cannot be read "
                            f"({type(e).__name__}{': ' + detail if detail else ''})", where=path)


def _join_lines(lines: list[str]) -> str:
    """Join visual lines of one paragraph or cell: no space where either side is Chinese, else one space."""
    out = ""
    for line in (s.strip() for s in lines):
        if not line:
            continue
        if out and not (CJK.match(out[-1]) or CJK.match(line[0])):
            out += " "
        out += line
    return out


def _document_text(blocks: list[Block]) -> str:
    lines: list[str] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            lines.append(b.text)
        else:
            lines.extend("\t".join(c for c in row if c) for row in b.rows)
    return "\n".join(lines)


def _rectangular(rows: list[list[str]]) -> list[list[str]]:
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


# ---------------------------------------------------------------- docx

def read_docx(data: bytes, path: str) -> RawDocument:
    """Paragraphs and tables of the document body, in order (headers, footers and comments are skipped)."""
    from jixiao.corpus.readers import sha256_of

    _sniff_container(data, path, "docx")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        blocks = list(_docx_blocks(document.element.body, _Numbering(document)))
    except JixiaoError as e:
        e.where = e.where or path
        raise
    except Exception as e:  # python-docx/lxml/zipfile raise many types on damaged packages
        raise _damaged("docx", path, e) from None
    if not blocks:
        raise EmptyInputError("文档没有文字 the .docx holds no text", where=path)
    return RawDocument(path=path, format="docx", sha256=sha256_of(data), blocks=blocks,
                       text=_document_text(blocks))


def _children(el, *tags: str) -> Iterator:
    """Direct children with one of ``tags``, looking through content controls and custom-XML wrappers."""
    for child in el:
        tag = child.tag
        if tag in tags:
            yield child
        elif tag in (W + "sdt", W + "customXml"):
            inner = child.find(W + "sdtContent") if tag == W + "sdt" else child
            if inner is not None:
                yield from _children(inner, *tags)


def _docx_blocks(container, numbering: "_Numbering") -> Iterator[Block]:
    for el in _children(container, W + "p", W + "tbl"):
        if el.tag == W + "p":
            label = numbering.label(el)  # counted even when the paragraph is empty, as Word does
            text = _paragraph_text(el)
            if text:
                sep = "" if not label or not label[-1].isalnum() else " "
                yield Paragraph(label + sep + text if label else text)
        else:
            yield from _docx_table(el, numbering)


def _paragraph_text(p) -> str:
    parts: list[str] = []
    _collect_text(p, parts)
    text = "".join(parts).replace("\xa0", " ")
    lines = [TC_FIELD.sub("", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _collect_text(el, parts: list[str]) -> None:
    """Visible text of a paragraph: runs, hyperlinks, insertions, text boxes; not field codes,
    deleted or hidden text, nor the duplicate fallback copy of drawings."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in (MC_FALLBACK, W + "del", W + "instrText", W + "delText",
                                               W + "rPr", W + "pPr", W + "moveFrom"):
            continue
        if tag == W + "r":
            rpr = child.find(W + "rPr")
            if rpr is not None and rpr.find(W + "vanish") is not None:
                continue
        if tag == W + "t":
            parts.append(child.text or "")
        elif tag in (W + "tab", W + "ptab"):
            parts.append("\t")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        elif tag in (W + "br", W + "cr"):
            parts.append("\n")
        elif tag == W + "p":  # a paragraph inside a text box
            parts.append("\n")
            _collect_text(child, parts)
            parts.append("\n")
        else:
            _collect_text(child, parts)


def _docx_table(tbl, numbering: "_Numbering") -> Iterator[Block]:
    """One Table; a one-cell frame around other content is unwrapped into that content."""
    trs = list(_children(tbl, W + "tr"))
    tcs = [tc for tr in trs for tc in _children(tr, W + "tc")]
    if len(tcs) == 1:
        yield from _docx_blocks(tcs[0], numbering)
        return
    rows: list[list[str]] = []
    for tr in trs:
        row = [""] * _grid_count(tr, "gridBefore")
        for tc in _children(tr, W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span, continued = 1, False
            if tcpr is not None:
                span = max(_val_int(tcpr.find(W + "gridSpan"), 1), 1)
                if len(row) + span > MAX_TABLE_COLUMNS:
                    raise _too_wide(len(row) + span)
                # vMerge: the cells below the top of a vertical merge; hMerge: legacy horizontal merge
                continued = any(m is not None and m.get(W + "val", "continue") == "continue"
                                for m in (tcpr.find(W + "vMerge"), tcpr.find(W + "hMerge")))
            row.append("" if continued else _cell_text(tc, numbering))
            row.extend([""] * (span - 1))
        row.extend([""] * _grid_count(tr, "gridAfter", len(row)))
        rows.append(row)
    rows = _rectangular(rows)
    if any(any(c for c in r) for r in rows):
        yield Table(rows)


def _grid_count(tr, name: str, used: int = 0) -> int:
    """gridBefore/gridAfter of a row: grid columns skipped (refused beyond MAX_TABLE_COLUMNS)."""
    trpr = tr.find(W + "trPr")
    n = 0 if trpr is None else max(_val_int(trpr.find(W + name), 0), 0)
    if used + n > MAX_TABLE_COLUMNS:
        raise _too_wide(used + n)
    return n


def _too_wide(n: int) -> TooLargeError:
    return TooLargeError(f"表格过宽 a table row spans {n:,} grid columns (limit {MAX_TABLE_COLUMNS}; Word allows 63): "
                         f"the file is damaged or crafted")


def _val_int(el, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(W + "val"))
    except (TypeError, ValueError):
        return default


def _cell_text(tc, numbering: "_Numbering") -> str:
    """A cell's paragraphs, one a line; a nested table becomes lines of its cells joined by spaces."""
    lines: list[str] = []
    for block in _docx_blocks(tc, numbering):
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines.extend(" ".join(c for c in row if c) for row in block.rows)
    return "\n".join(line for line in lines if line)


class _Numbering:
    """Word's automatic list numbers (一、 （一） 1. ①), which are not part of the paragraph text.

    Counters are kept per abstract list, as Word does, so numbering continues across list instances
    unless a ``startOverride`` restarts it. Bullets give no label.
    """

    def __init__(self, document):
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractNumId, {ilvl: restart})
        self.levels: dict[str, dict[int, tuple[str, str, int, str]]] = {}  # abstract → ilvl → (fmt, text, start, suff)
        self.style_num: dict[str, tuple[str | None, int | None]] = {}
        self.based_on: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        try:
            root = document.part.part_related_by(RT.NUMBERING).element
        except KeyError:
            return
        for an in root.findall(W + "abstractNum"):
            levels = self.levels.setdefault(an.get(W + "abstractNumId"), {})
            for lvl in an.findall(W + "lvl"):
                levels[_int_attr(lvl, "ilvl", 0)] = (
                    _child_val(lvl, "numFmt") or "decimal", _child_val(lvl, "lvlText") or "",
                    _val_int(lvl.find(W + "start"), 1), _child_val(lvl, "suff") or "tab")
        for num in root.findall(W + "num"):
            restarts = {_int_attr(o, "ilvl", 0): _val_int(o.find(W + "startOverride"), 1)
                        for o in num.findall(W + "lvlOverride") if o.find(W + "startOverride") is not None}
            self.nums[num.get(W + "numId")] = (_child_val(num, "abstractNumId") or "", restarts)
        for style in document.styles.element.findall(W + "style"):
            sid = style.get(W + "styleId")
            if _child_val(style, "basedOn"):
                self.based_on[sid] = _child_val(style, "basedOn")
            numpr = style.find(f"{W}pPr/{W}numPr")
            if numpr is not None:
                ilvl = numpr.find(W + "ilvl")
                self.style_num[sid] = (_child_val(numpr, "numId"), None if ilvl is None else _val_int(ilvl, 0))

    def label(self, p) -> str:
        if not self.nums:
            return ""
        num_id, ilvl = self._num_pr(p)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abstract, restarts = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        if ilvl not in levels:
            return ""
        counts = self.counters.setdefault(abstract, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lv, start in restarts.items():
                counts[lv] = start - 1
        counts[ilvl] = counts.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        fmt, text, _, suff = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def sub(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            lf = levels.get(k, ("decimal", "", 1, ""))
            return _format_number(counts.get(k, lf[2]), lf[0])

        label = re.sub(r"%([1-9])", sub, text)
        return label + (" " if suff == "space" and label else "")

    def _num_pr(self, p) -> tuple[str | None, int]:
        ppr = p.find(W + "pPr")
        numpr = None if ppr is None else ppr.find(W + "numPr")
        num_id = ilvl = None
        if numpr is not None:
            num_id = _child_val(numpr, "numId")
            ilvl = None if numpr.find(W + "ilvl") is None else _val_int(numpr.find(W + "ilvl"), 0)
        style = _child_val(ppr, "pStyle") if ppr is not None else None
        seen = set()
        while style and style not in seen and (num_id is None or ilvl is None):
            seen.add(style)
            s_num, s_lvl = self.style_num.get(style, (None, None))
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_lvl
            style = self.based_on.get(style)
        return num_id, ilvl or 0


def _child_val(el, name: str) -> str | None:
    child = el.find(W + name)
    return None if child is None else child.get(W + "val")


def _int_attr(el, name: str, default: int) -> int:
    try:
        return int(el.get(W + name))
    except (TypeError, ValueError):
        return default


CN_DIGITS = "〇一二三四五六七八九"
LEGAL_DIGITS = str.maketrans("〇一二三四五六七八九十百千", "零壹贰叁肆伍陆柒捌玖拾佰仟")


def _format_number(n: int, fmt: str) -> str:
    """A list counter in a Word number format (decimal, chineseCounting, decimalEnclosedCircle …)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting"):
        return _chinese_count(n)
    if fmt == "chineseLegalSimplified":  # 壹拾贰: the counting form in financial numerals
        counted = _chinese_count(n)
        return ("一" + counted if counted.startswith("十") else counted).translate(LEGAL_DIGITS)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(CN_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return "子丑寅卯辰巳午未申酉戌亥"[(n - 1) % 12]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter") and n >= 1:
        if (n - 1) // 26 + 1 > MAX_LETTER_LABEL:
            raise TooLargeError(f"列表编号过大 a list number {n:,} in letters would be {(n - 1) // 26 + 1:,} "
                                f"characters long; the file is damaged or crafted")
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 1 <= n < 4000:
        roman = ""
        for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
            count, n = divmod(n, value)
            roman += sym * count
        return roman if fmt == "upperRoman" else roman.lower()
    return str(n)


def _chinese_count(n: int) -> str:
    """一 … 十 十一 … 二十一 … 一百零五: Word's chineseCounting up to 9999, digits beyond."""
    if not 0 < n < 10000:
        return str(n)
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            out += ("零" if zero and out else "") + ("" if unit == "十" and d == 1 and not out else CN_DIGITS[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


# ---------------------------------------------------------------- xlsx

def read_xlsx(data: bytes, path: str) -> RawDocument:
    """One Table per visible sheet (``Table.name`` = the sheet name), cells as Excel displays them.

    Leading rows that hold one cell only (a title, 单位：万元) become Paragraphs before the table.
    Formulas give their cached values; a formula never calculated (a file written by a script)
    gives its formula text. Hidden sheets (often dropdown lists) are skipped.
    """
    from jixiao.corpus.readers import sha256_of

    _sniff_container(data, path, "xlsx")
    try:
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions; not the user's problem
            _check_merges(data)
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)  # not read_only: it loses merges
            formulas = None
            if _has_uncached_formulas(data):
                formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
        blocks: list[Block] = []
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            fws = formulas[ws.title] if formulas is not None else None
            blocks.extend(_sheet_blocks(ws, fws))
    except JixiaoError as e:
        e.where = e.where or path
        raise
    except Exception as e:  # openpyxl/lxml/zipfile raise many types on damaged packages
        raise _damaged("xlsx", path, e) from None
    if not blocks:
        raise EmptyInputError("工作簿没有内容 the .xlsx has no cells with content", where=path)
    return RawDocument(path=path, format="xlsx", sha256=sha256_of(data), blocks=blocks,
                       text=_document_text(blocks))


MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([A-Za-z]{1,3})(\d{1,7})(?::([A-Za-z]{1,3})(\d{1,7}))?")


def _check_merges(data: bytes) -> None:
    """Refuse sheets whose merged ranges cover more than MAX_MERGED_CELLS cells, before openpyxl loads them.

    openpyxl creates an object for every cell a merge covers: ``A1:XFD1048576`` is 17 billion.
    """
    from openpyxl.utils import column_index_from_string

    def col(s: bytes) -> int:
        try:
            return column_index_from_string(s.decode().upper())
        except ValueError:
            return 1

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            name = info.filename
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            xml = z.read(name)
            covered = 0
            for n, m in enumerate(MERGE_REF.finditer(xml), 1):
                if n > MAX_MERGE_RANGES:
                    raise TooLargeError(f"合并单元格过多 {name.rsplit('/', 1)[-1]} has more than {MAX_MERGE_RANGES:,} "
                                        f"merged ranges; a 绩效 table has a few hundred")
                c1, r1, c2, r2 = m.groups()
                if c2 is None:
                    continue
                covered += (abs(col(c2) - col(c1)) + 1) * (abs(int(r2) - int(r1)) + 1)
                if covered > MAX_MERGED_CELLS:
                    raise TooLargeError(f"合并单元格过多 merged ranges in {name.rsplit('/', 1)[-1]} cover more than "
                                        f"{MAX_MERGED_CELLS:,} cells (e.g. {m.group(0).decode(errors='replace')[-40:]}); "
                                        f"a 绩效 table is far smaller")


def _has_uncached_formulas(data: bytes) -> bool:
    """True if some sheet has a formula cell without a cached value (<f> but no non-empty <v>)."""
    cell = re.compile(rb"<(?:\w+:)?c\b[^>]*?(?<!/)>(.*?)</(?:\w+:)?c>", re.S)
    formula, value = re.compile(rb"<(?:\w+:)?f\b"), re.compile(rb"<(?:\w+:)?v>[^<]+<")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name)
                if formula.search(xml) and any(formula.search(m.group(1)) and not value.search(m.group(1))
                                               for m in cell.finditer(xml)):
                    return True
    return False


def _sheet_blocks(ws, fws) -> list[Block]:
    from openpyxl.cell.cell import MergedCell

    values = {}
    for (r, c), cell in ws._cells.items():
        if isinstance(cell, MergedCell):
            continue
        value = cell.value
        if value is None and fws is not None:
            value = fws.cell(row=r, column=c).value  # a formula never calculated: show its text
        if value is not None and str(value).strip():
            values[r, c] = _cell_display(value, cell.number_format)
    return grid_blocks(values, ws.title)


def grid_blocks(values: dict[tuple[int, int], str], name: str) -> list[Block]:
    """A sheet's non-empty cells ``{(row, col): text}`` → its blocks (.xlsx and .xls alike).

    Only rows and columns holding a value: a stray cell at XFD1048576 must not make the grid
    1M × 16k. Merged-away positions are simply absent from ``values``: they read "", per the
    convention. Single-cell rows above the table (titles) become paragraphs.
    """
    if not values:
        return []
    row_nos = sorted({r for r, _ in values})
    col_nos = sorted({c for _, c in values})
    if len(row_nos) * len(col_nos) > MAX_GRID_CELLS:
        raise TooLargeError(f"工作表过大 sheet '{name}' spans {len(row_nos)} rows × {len(col_nos)} columns "
                            f"(limit {MAX_GRID_CELLS:,} cells); a 绩效 table is far smaller")
    rows = [[values.get((r, c), "") for c in col_nos] for r in row_nos]
    blocks: list[Block] = []
    while len(rows) > 1 and sum(1 for c in rows[0] if c) == 1:
        blocks.append(Paragraph(next(c for c in rows.pop(0) if c)))
    blocks.append(Table(rows, name=name))
    return blocks


def _cell_display(value, number_format: str | None) -> str:
    """A cell value as Excel shows it: 132.4, 95%, 2021-03-31 (no float noise, no thousands separators)."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, (int, float)):
        fmt = (number_format or "General").split(";")[0]
        fmt = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", fmt)  # drop literal text, colours and escapes
        decimals = _format_decimals(fmt)
        if "%" in fmt:
            return (_fmt_number(value * 100) if decimals is None else f"{value * 100:.{decimals}f}") + "%"
        if decimals is not None and fmt.strip() not in ("", "General", "@"):
            return f"{value:.{decimals}f}"
        return _fmt_number(value)
    return str(value).strip()


def _format_decimals(fmt: str) -> int | None:
    """Decimal places a number format asks for ("0.00" → 2, "0%" → 0), None for General."""
    if not re.search(r"[0#?]", fmt):
        return None
    m = re.search(r"\.([0#?]+)", fmt)
    return len(m.group(1)) if m else 0


def _fmt_number(v: float) -> str:
    if isinstance(v, int):
        return str(v)
    s = f"{v:.15g}"  # 15 significant digits, as Excel: 132.40000000000001 → 132.4
    if "e" in s:
        from decimal import Decimal

        s = format(Decimal(s), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" else s

"""A small generator of hostile input files: each is tiny on disk and expensive or broken inside.

Every builder returns ``(filename, bytes)``. Used by ``tests/test_hostile.py`` (the quick set) and
``bench/fuzz_heavy.py`` (the same kinds at full size plus random mutations). The OOXML packages are
written by hand with ``zipfile`` so that every field (spans, merges, zip headers) can be set to what
an attacker would choose; nothing here needs Word or Excel.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT_DOCX = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""
DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
STYLES = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W_NS}"></w:styles>'
NUMBERING_EMPTY = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="{W_NS}"></w:numbering>'

ROW = ("<w:tr>{before}<w:tc>{tcpr}<w:p><w:r><w:t>{a}</w:t></w:r></w:p></w:tc>"
       "<w:tc><w:p><w:r><w:t>{b}</w:t></w:r></w:p></w:tc></w:tr>")


def _para(text: str, numbered: bool = False) -> str:
    num = '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>' if numbered else ""
    return f"<w:p>{num}<w:r><w:t>{text}</w:t></w:r></w:p>"


def _document(body: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}">'
            f"<w:body>{body}</w:body></w:document>")


def docx_package(document_xml: str | bytes, numbering: str = NUMBERING_EMPTY) -> bytes:
    """A minimal valid .docx around ``document_xml``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT_DOCX)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/_rels/document.xml.rels", DOC_RELS)
        z.writestr("word/styles.xml", STYLES)
        z.writestr("word/numbering.xml", numbering)
        z.writestr("word/document.xml", document_xml)
    return buf.getvalue()


def _table(rows: str) -> str:
    return f"<w:tbl>{rows}</w:tbl>"


def docx_grid_span(span: int = 100_000_000) -> tuple[str, bytes]:
    """A table cell that claims to span ``span`` grid columns (each one a list cell when read naively)."""
    rows = ROW.format(before="", tcpr=f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>', a="三级指标", b="指标值")
    rows += ROW.format(before="", tcpr="", a="培训人次", b="≥100人次")
    return "gridspan.docx", docx_package(_document(_para("绩效目标表") + _table(rows)))


def docx_grid_before(n: int = 500_000_000) -> tuple[str, bytes]:
    """A row that skips ``n`` grid columns before its first cell."""
    rows = ROW.format(before=f'<w:trPr><w:gridBefore w:val="{n}"/></w:trPr>', tcpr="", a="三级指标", b="指标值")
    rows += ROW.format(before="", tcpr="", a="培训人次", b="≥100人次")
    return "gridbefore.docx", docx_package(_document(_para("绩效目标表") + _table(rows)))


def docx_numbering(start: int = 2_000_000_000, paragraphs: int = 20) -> tuple[str, bytes]:
    """List paragraphs numbered in upper letters from ``start`` (Word writes AAAA… of n/26 letters)."""
    numbering = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="{W_NS}">'
                 f'<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="{start}"/>'
                 f'<w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
                 f'<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>')
    body = _para("绩效目标") + "".join(_para(f"目标{i}", numbered=True) for i in range(paragraphs))
    return "numbering.docx", docx_package(_document(body), numbering)


def docx_big_xml(megabytes: int = 100) -> tuple[str, bytes]:
    """``megabytes`` of real paragraphs (compresses about 1000:1)."""
    para = _para("安全生产宣传品发放数量达到1万份").encode()
    n = megabytes * 2**20 // len(para)
    xml = _document("").encode().replace(b"<w:body></w:body>", b"<w:body>" + para * n + b"</w:body>")
    return "bigxml.docx", docx_package(xml)


def docx_whitespace(megabytes: int = 900) -> tuple[str, bytes]:
    """``megabytes`` of spaces inside the document part (a stream of one byte compresses 1000:1)."""
    head, tail = _document(_para("绩效目标") + "@@").encode().split(b"@@")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("[Content_Types].xml", CT_DOCX), ("_rels/.rels", RELS),
                           ("word/_rels/document.xml.rels", DOC_RELS), ("word/styles.xml", STYLES),
                           ("word/numbering.xml", NUMBERING_EMPTY)):
            z.writestr(name, text)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(head)
            chunk = b" " * 2**20
            for _ in range(megabytes):
                f.write(chunk)
            f.write(tail)
    return "whitespace.docx", buf.getvalue()


def _patch_zip(data: bytes, fn) -> bytes:
    """Apply ``fn(bytearray, local_offsets, central_offsets)`` to a zip's raw headers."""
    b = bytearray(data)
    local = [i for i in range(len(b) - 4) if b[i:i + 4] == b"PK\x03\x04"]
    central = [i for i in range(len(b) - 4) if b[i:i + 4] == b"PK\x01\x02"]
    fn(b, local, central)
    return bytes(b)


def docx_zip_version(version: int = 212) -> tuple[str, bytes]:
    """A .docx whose headers say 'version needed to extract: 21.2' (zipfile refuses such members)."""
    _, data = docx_grid_span(2)

    def patch(b, local, central):
        for off in local:
            struct.pack_into("<H", b, off + 4, version)
        for off in central:
            struct.pack_into("<H", b, off + 6, version)

    return "zipversion.docx", _patch_zip(data, patch)


def docx_bad_name() -> tuple[str, bytes]:
    """A .docx with a member name that has a byte that is not UTF-8 while the UTF-8 flag is set."""
    _, data = docx_grid_span(2)
    target = b"word/styles.xml"

    def patch(b, local, central):
        for off in local + central:
            flag_at = off + (6 if b[off + 2] == 3 else 8)
            name_at = off + (30 if b[off + 2] == 3 else 46)
            n = struct.unpack_from("<H", b, off + (26 if b[off + 2] == 3 else 28))[0]
            if bytes(b[name_at:name_at + n]) == target:
                struct.pack_into("<H", b, flag_at, struct.unpack_from("<H", b, flag_at)[0] | 0x800)
                b[name_at + 5] = 0xFF  # word/\xfftyles.xml

    return "badname.docx", _patch_zip(data, patch)


def docx_truncated() -> tuple[str, bytes]:
    _, data = docx_grid_span(2)
    return "truncated.docx", data[: len(data) // 2]


# ---------------------------------------------------------------- xlsx

CT_XLSX = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
XL_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WB_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""


def xlsx_package(sheet_xml: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT_XLSX)
        z.writestr("_rels/.rels", XL_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buf.getvalue()


def _sheet(extra: str = "") -> str:
    cells = ('<row r="1"><c r="A1" t="inlineStr"><is><t>三级指标</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>指标值</t></is></c></row>'
             '<row r="2"><c r="A2" t="inlineStr"><is><t>培训人次</t></is></c>'
             '<c r="B2" t="inlineStr"><is><t>≥100人次</t></is></c></row>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{cells}</sheetData>{extra}</worksheet>")


def xlsx_merge(ref: str = "A1:XFD1048576") -> tuple[str, bytes]:
    """A sheet with one merged range over ``ref`` (the whole sheet: 17 billion cells)."""
    return "merge.xlsx", xlsx_package(_sheet(f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'))


def xlsx_many_merges(n: int = 200_000) -> tuple[str, bytes]:
    """Many small merged ranges (each costs openpyxl a MergedCell object per covered cell)."""
    merges = "".join(f'<mergeCell ref="C{i}:D{i}"/>' for i in range(3, n + 3))
    return "manymerges.xlsx", xlsx_package(_sheet(f'<mergeCells count="{n}">{merges}</mergeCells>'))


def xlsx_dimension_cell(row: int = 1048576, col: str = "XFD") -> tuple[str, bytes]:
    """A stray cell at the far corner of the sheet (the grid is only the filled rows and columns)."""
    extra_cell = f'<row r="{row}"><c r="{col}{row}" t="inlineStr"><is><t>x</t></is></c></row>'
    xml = _sheet().replace("</sheetData>", extra_cell + "</sheetData>")
    return "farcell.xlsx", xlsx_package(xml)


# ---------------------------------------------------------------- text and csv

def csv_long_field(chars: int = 131_073 * 2) -> tuple[str, bytes]:
    return "longfield.csv", ("三级指标,指标值\n培训人次,\"" + "长" * chars + "\"\n").encode("utf-8")


def text_mojibake_cp1252() -> tuple[str, bytes]:
    """UTF-8 Chinese decoded as Windows-1252 and saved again as UTF-8 (ç»©æ•ˆ for 绩效)."""
    src = "绩效目标表\n三级指标\t指标值\n培训人次\t≥100人次\n群众满意度\t≥95%\n"
    return "mojibake.txt", src.encode("utf-8").decode("cp1252", "replace").encode("utf-8")


def text_mojibake_latin1() -> tuple[str, bytes]:
    """GBK Chinese decoded as Latin-1 and saved again as UTF-8 (¼¨Ð§ for 绩效)."""
    src = "绩效目标表\n三级指标\t指标值\n培训人次\t≥100人次\n群众满意度\t≥95%\n"
    return "mojibake_gbk.txt", src.encode("gbk").decode("latin-1").encode("utf-8")


def text_long_line(megabytes: int = 6) -> bytes:
    """One line of ``megabytes`` of target-like text (for ``jixiao extract`` on stdin)."""
    unit = "抽查率达到50%，发放宣传品1万份，24小时内处置，"
    n = megabytes * 2**20 // len(unit.encode())
    return (unit * n).encode() + b"\n"


# ---------------------------------------------------------------- pdf

def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _pdf_pages(contents: list[bytes], filters: list[str | None]) -> bytes:
    n = len(contents)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode()]
    font = 3 + 2 * n
    for i, (stream, flt) in enumerate(zip(contents, filters)):
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * i} 0 R "
                    f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode())
        f = f" /Filter /{flt}" if flt else ""
        objs.append(f"<< /Length {len(stream)}{f} >>\nstream\n".encode() + stream + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return _pdf(objs)


def _text_ops(line: str) -> bytes:
    return f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode()


def pdf_inflating(megabytes: int = 1500) -> tuple[str, bytes]:
    """A page whose FlateDecode content stream inflates to ``megabytes`` (of spaces)."""
    c = zlib.compressobj(9)
    parts = [c.compress(_text_ops("Target 95%") + b"\n")]
    chunk = b" " * 2**20
    for _ in range(megabytes):
        parts.append(c.compress(chunk))
    parts.append(c.flush())
    return "inflate.pdf", _pdf_pages([b"".join(parts)], ["FlateDecode"])


def pdf_damaged_page() -> tuple[str, bytes]:
    """Three pages; the compressed stream of page 2 has a damaged byte (its text cannot be inflated)."""
    streams = [zlib.compress(_text_ops(f"Page {i} target 95%")) for i in (1, 2, 3)]
    bad = bytearray(streams[1])
    bad[len(bad) // 2] ^= 0xFF
    bad[2:6] = b"\x00\xff\x00\xff"
    streams[1] = bytes(bad)
    return "damagedpage.pdf", _pdf_pages(streams, ["FlateDecode"] * 3)


# ---------------------------------------------------------------- sets

def quick_set() -> list[tuple[str, bytes]]:
    """Every kind at a size that still shows the problem but builds in well under a second."""
    return [docx_grid_span(), docx_grid_before(), docx_numbering(), docx_big_xml(8), docx_whitespace(40),
            docx_zip_version(), docx_bad_name(), docx_truncated(), xlsx_merge(), xlsx_many_merges(20_000),
            xlsx_dimension_cell(), csv_long_field(), text_mojibake_cp1252(), text_mojibake_latin1()]


def pdf_set() -> list[tuple[str, bytes]]:
    return [pdf_inflating(64), pdf_damaged_page()]


def heavy_set() -> list[tuple[str, bytes]]:
    """The kinds at the sizes the reliability probe reported."""
    return [docx_grid_span(), docx_grid_before(), docx_numbering(), docx_big_xml(100), docx_whitespace(900),
            docx_zip_version(), docx_bad_name(), docx_truncated(), xlsx_merge(), xlsx_many_merges(),
            xlsx_dimension_cell(), csv_long_field(), text_mojibake_cp1252(), text_mojibake_latin1(),
            pdf_inflating(1500), pdf_damaged_page()]


def mutate(data: bytes, rng: random.Random, n: int = 4) -> bytes:
    """Flip, drop or duplicate a few bytes (the classic dumb fuzzer)."""
    b = bytearray(data)
    for _ in range(n):
        if not b:
            break
        i = rng.randrange(len(b))
        op = rng.random()
        if op < 0.5:
            b[i] = rng.randrange(256)
        elif op < 0.75:
            del b[i:i + rng.randrange(1, 16)]
        else:
            b[i:i] = b[i:i + rng.randrange(1, 16)]
    return bytes(b)


def mutate_zip(data: bytes, rng: random.Random) -> bytes:
    """Mutate one member of a zip package (keeps the container valid so the XML parser is reached)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    victim = rng.choice(names)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in names:
            body = src.read(name)
            z.writestr(name, mutate(body, rng) if name == victim else body)
    return buf.getvalue()

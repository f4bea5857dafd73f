"""The .pdf reader: text lines and ruled tables of every page, in reading order (see ``blocks.py``).

Kept apart from ``office.py`` (docx/xlsx): PDFs made by word processors need their own repairs
(tables continued across pages, cells wrapped over lines, merges that cross a page break).
"""

from __future__ import annotations

import io
import re
import warnings
from typing import Iterator

from jixiao.corpus.blocks import Block, Paragraph, RawDocument, Table
from jixiao.corpus.office import _blank, _damaged, _document_text, _join_lines, _not_a_package, _rectangular
from jixiao.errors import CorruptFileError, EmptyInputError, JixiaoError, ReadError


def read_pdf(data: bytes, path: str) -> RawDocument:
    """Text lines and ruled tables of every page, top to bottom; table regions are not repeated as text."""
    from jixiao.corpus.readers import sha256_of

    if _blank(data):
        raise EmptyInputError("空文件 the .pdf file is empty", where=path)
    if b"%PDF-" not in data[:1024]:
        raise _not_a_package(data, path, "pdf") if not data.startswith(b"PK") else \
            CorruptFileError("不是 PDF 文件 the file is a zip package (.docx/.xlsx?) named .pdf", where=path)
    try:
        import pdfplumber

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                blocks: list[Block] = []
                chars = cid = 0
                for number, page in enumerate(pdf.pages, 1):
                    page_blocks, n, n_cid = _page_blocks(page, number)
                    blocks.extend(page_blocks)
                    chars, cid = chars + n, cid + n_cid
    except JixiaoError:
        raise
    except Exception as e:  # pdfminer/pdfplumber raise many types on damaged or encrypted files
        name = type(e).__name__ + " " + repr(getattr(e, "args", ""))
        if "Password" in name or "Encrypt" in name:
            raise ReadError("文件已加密 the .pdf is password-protected; 请先取消密码 (remove the password "
                            "and save again)", where=path) from None
        raise _damaged("pdf", path, e) from None
    if chars == 0:
        raise ReadError("PDF 没有可提取的文字 the .pdf has no text layer (a scan?); 需要先做 OCR "
                        "(run OCR first, e.g. `ocrmypdf -l chi_sim IN.pdf OUT.pdf`)", where=path)
    if cid > chars * 0.3:
        raise ReadError("PDF 文字无法解码 the .pdf's fonts have no Unicode map, so its text reads as "
                        "(cid:…) codes; 需要 OCR 或原始 Word 文件 (use OCR or the source document)", where=path)
    return RawDocument(path=path, format="pdf", sha256=sha256_of(data), blocks=blocks,
                       text=_document_text(blocks))


def _page_blocks(page, number: int) -> tuple[list[Block], int, int]:
    """Blocks of one page ordered by their top edge; returns (blocks, char count, (cid:…) count)."""
    page = page.dedupe_chars()  # fake-bold text is printed twice
    n_chars = len(page.chars)
    n_cid = sum(1 for ch in page.chars if ch.get("text", "").startswith("(cid:"))
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    items: list[tuple[float, Block]] = []
    for t in tables:
        rows = [[_join_lines((c or "").split("\n")) for c in row] for row in t.extract()]
        rows = [r for r in rows if any(r)]
        if rows:
            items.append((t.bbox[1], Table(_rectangular(rows), name=f"page {number}")))

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside) if boxes else page
    lines = [ln for ln in text_page.extract_text_lines() if ln["text"].strip()]
    for top, text in _paragraphs(lines, page.width):
        items.append((top, Paragraph(text)))
    items.sort(key=lambda it: it[0])
    return [b for _, b in items], n_chars, n_cid


HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\(\d+\)|\d+[.、．]|第[一二三四五六七八九十]+部分)")


def _paragraphs(lines: list[dict], width: float) -> Iterator[tuple[float, str]]:
    """Join wrapped lines: a line continues the previous one when that one ran to the right margin
    (margins taken as symmetric), the gap is small, the type size the same, and the line does not
    start a heading or numbered item."""
    if not lines:
        return
    right = width - min(ln["x0"] for ln in lines)
    group: list[dict] = []
    for ln in lines:
        if group:
            prev = group[-1]
            height = max(prev["bottom"] - prev["top"], 1.0)
            same_size = abs((ln["bottom"] - ln["top"]) - height) <= 0.2 * height
            continues = (same_size and ln["top"] - prev["bottom"] < 0.8 * height
                         and prev["x1"] >= right - 1.5 * height and not HEADING.match(ln["text"]))
            if not continues:
                yield group[0]["top"], _join_lines([g["text"] for g in group])
                group = []
        group.append(ln)
    yield group[0]["top"], _join_lines([g["text"] for g in group])

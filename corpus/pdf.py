"""The .pdf reader: text lines and ruled tables of every page, in reading order (see ``blocks.py``).

Kept apart from ``office.py`` (docx/xlsx): PDFs made by word processors need their own repairs
(tables continued across pages, cells wrapped over lines, merges that cross a page break).
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zlib
from dataclasses import dataclass, field
from typing import Iterator

from jixiao.corpus.blocks import Block, Paragraph, RawDocument, Table
from jixiao.corpus.office import CJK, _blank, _damaged, _document_text, _join_lines, _not_a_package
from jixiao.errors import CorruptFileError, EmptyInputError, JixiaoError, ReadError, TooLargeError

# A word-processor PDF's streams inflate to a few MB (a page's content: KBs; an embedded CJK font:
# ~10 MB). Streams are measured before pdfminer inflates them whole, so a crafted stream cannot take
# GBs. What pdfminer *parses* (page contents, forms, object streams, CMaps) is capped far lower: it
# parses about 1 MB/s, and superlinearly (16 MB of blanks took over a minute).
MAX_STREAM = 128 * 1024 * 1024  # images and embedded fonts: inflated only in part, or not at all
MAX_PARSED_STREAM = 4 * 1024 * 1024
MAX_PARSED = 24 * 1024 * 1024  # all parsed streams of the file together
MAX_INFLATED = 512 * 1024 * 1024
# pdfminer logs every oddity of a damaged file; without a handler Python prints them to stderr.
# What matters reaches the user as a warning naming the page instead.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())
TOL = 2.0  # points: two ruling lines this close are the same column or row edge


def read_pdf(data: bytes, path: str) -> RawDocument:
    """Text lines and ruled tables of every page in order; a table continued on the next page is one
    Table (a repeated header row dropped, a row split by the page break joined, a merged cell that
    crosses the break kept once). A page that cannot be read is a warning naming the page."""
    from jixiao.corpus.readers import sha256_of

    if _blank(data):
        raise EmptyInputError("空文件 the .pdf file is empty", where=path)
    if b"%PDF-" not in data[:1024]:
        raise _not_a_package(data, path, "pdf") if not data.startswith(b"PK") else \
            CorruptFileError("不是 PDF 文件 the file is a zip package (.docx/.xlsx?) named .pdf", where=path)
    damaged_streams = set(check_inflation(data, path))
    notes: list[tuple[str, str, str | None]] = []
    content_ids: set[int] = set()
    try:
        import pdfplumber

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                pages: list[_Page] = []
                chars = cid = 0
                for number, page in enumerate(pdf.pages, 1):
                    where = f"{path} page {number}"
                    damage = _damaged_contents(page)
                    content_ids.update(getattr(st, "objid", None) for st in _contents(page))
                    try:
                        pg = _read_page(page, number)
                    except JixiaoError:
                        raise
                    except Exception as e:  # one unreadable page must not hide the others
                        if "Password" in type(e).__name__ or "Encrypt" in type(e).__name__:
                            raise
                        notes.append(("W-PDF-PAGE", f"第 {number} 页无法读取 page {number} cannot be read "
                                      f"({type(e).__name__}); its content is missing", where))
                        continue
                    if damage:
                        notes.append(("W-PDF-PAGE", f"第 {number} 页已损坏 page {number} is damaged ({damage}); "
                                      f"its text may be incomplete", where))
                    elif pg.chars == 0 and not pg.images:
                        notes.append(("W-PDF-PAGE", f"第 {number} 页没有文字 page {number} has no text", where))
                    pages.append(pg)
                    chars, cid = chars + pg.chars, cid + pg.cid
    except JixiaoError:
        raise
    except Exception as e:  # pdfminer/pdfplumber raise many types on damaged or encrypted files
        name = type(e).__name__ + " " + repr(getattr(e, "args", ""))
        if "Password" in name or "Encrypt" in name:
            raise ReadError("文件已加密 the .pdf is password-protected; 请先取消密码 (remove the password "
                            "and save again)", where=path) from None
        raise _damaged("pdf", path, e) from None
    if chars == 0:
        if any("损坏" in n[1] or "无法" in n[1] for n in notes):
            raise CorruptFileError("文件损坏 the .pdf's pages are damaged and hold no readable text", where=path)
        raise ReadError("PDF 没有可提取的文字 the .pdf has no text layer (a scan?); 需要先做 OCR "
                        "(run OCR first, e.g. `ocrmypdf -l chi_sim IN.pdf OUT.pdf`)", where=path)
    if cid > chars * 0.3:
        raise ReadError("PDF 文字无法解码 the .pdf's fonts have no Unicode map, so its text reads as "
                        "(cid:…) codes; 需要 OCR 或原始 Word 文件 (use OCR or the source document)", where=path)
    other = damaged_streams - content_ids
    if other:  # fonts, ToUnicode maps, object streams: text may be garbled or missing somewhere
        notes.append(("W-PDF-DAMAGED", f"PDF 有 {len(other)} 个数据流已损坏 {len(other)} compressed stream(s) "
                      f"of the .pdf are damaged (not page text); some text may be garbled or missing", path))
    _drop_running_lines(pages)
    blocks = _assemble(pages)
    return RawDocument(path=path, format="pdf", sha256=sha256_of(data), blocks=blocks,
                       text=_document_text(blocks), warnings=notes)


# ---------------------------------------------------------------- bounded inflation

_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_BULK = re.compile(rb"/Subtype\s*/(?:Image|Type1C|CIDFontType0C|OpenType)\b|/Length[123]\b")
_FILTER = re.compile(rb"/(FlateDecode|Fl|LZWDecode|LZW|DCTDecode|DCT|ASCII85Decode|A85|ASCIIHexDecode|AHx|"
                     rb"RunLengthDecode|RL|CCITTFaxDecode|CCF|JBIG2Decode|JPXDecode|Crypt)\b")


def check_inflation(data: bytes, path: str) -> list[int]:
    """Refuse a PDF whose compressed streams inflate beyond the limits above; return the object
    numbers of streams that are damaged (they do not inflate to their end).

    Every stream of the file (page contents, fonts, object streams) is inflated in bounded chunks and
    only counted, so a 1 MB stream that would expand to gigabytes costs milliseconds, not memory.
    """
    total = parsed = 0
    damaged: list[int] = []
    for m in _STREAM.finditer(data):
        obj = data.rfind(b" obj", max(0, m.start() - 4096), m.start())
        head = data[obj if obj >= 0 else max(0, m.start() - 1024):m.start()]
        filters = [f for f in _FILTER.findall(head)]
        if not filters or filters[0] not in (b"FlateDecode", b"Fl", b"LZWDecode", b"LZW"):
            continue
        bulk = _BULK.search(head) is not None  # an image or a font program: not parsed by pdfminer
        limit = MAX_STREAM if bulk else MAX_PARSED_STREAM
        end = data.find(b"endstream", m.end())
        raw = data[m.end(): end if end >= 0 else len(data)]
        damage: list = []
        size = _inflated_size(raw, filters, limit + 1, damage)
        if damage:
            num = re.search(rb"(\d+)\s+\d+\s+obj\s*$", data[max(0, obj - 24):obj + 4]) if obj >= 0 else None
            damaged.append(int(num.group(1)) if num else -1)
        total += size
        parsed += 0 if bulk else size
        over = limit if size > limit else MAX_PARSED if parsed > MAX_PARSED else \
            MAX_INFLATED if total > MAX_INFLATED else 0
        if over:
            raise TooLargeError(f"PDF 数据流解压后过大 the .pdf's compressed streams inflate to more than "
                                f"{over // 2**20} MB (a crafted or broken file; a 绩效 document needs far "
                                f"less); refused", where=path)
    return damaged


def _inflated_size(raw: bytes, filters: list[bytes], limit: int, damage: list | None = None) -> int:
    """Bytes the chain of Flate/LZW filters produces from ``raw``, counted up to ``limit``."""
    chunks: Iterator[bytes] = iter((raw,))
    for k, f in enumerate(filters):
        if f in (b"FlateDecode", b"Fl"):
            chunks = _inflate(chunks, limit, damage if k == 0 else None)
        elif f in (b"LZWDecode", b"LZW"):
            chunks = _unlzw(b"".join(chunks), limit) if f is filters[0] else _unlzw_capped(chunks, limit)
        else:
            break  # later filters (ASCII85 …) shrink data; image filters are not decoded by the reader
    n = 0
    for chunk in chunks:
        n += len(chunk)
        if n >= limit:
            break
    return n


def _inflate(chunks: Iterator[bytes], limit: int, damage: list | None = None) -> Iterator[bytes]:
    """Inflate in bounded steps; a stream that errors or ends before its end marker is noted in ``damage``."""
    d, produced = zlib.decompressobj(), 0
    try:
        for chunk in chunks:
            while chunk and produced < limit:
                out = d.decompress(chunk, 1 << 20)
                produced += len(out)
                yield out
                chunk = d.unconsumed_tail
            if d.eof or produced >= limit:
                return
    except zlib.error:
        pass  # damaged data: pdfminer keeps what inflated before the damage
    if damage is not None:
        damage.append(True)


def _unlzw(raw: bytes, limit: int) -> Iterator[bytes]:
    from pdfminer.lzw import LZWDecoder

    produced = 0
    try:
        for out in LZWDecoder(io.BytesIO(raw)).run():
            produced += len(out)
            yield out
            if produced >= limit:
                return
    except Exception:
        return


def _unlzw_capped(chunks: Iterator[bytes], limit: int) -> Iterator[bytes]:
    buf = bytearray()
    for c in chunks:
        buf += c
        if len(buf) >= limit:
            break
    yield from _unlzw(bytes(buf), limit)


def _contents(page) -> list:
    try:
        return list(page.page_obj.contents or [])
    except Exception:
        return []


def _damaged_contents(page) -> str | None:
    """Why a page's content stream cannot be inflated completely (pdfminer would silently use what
    inflates before the damage), or None."""
    try:
        contents = page.page_obj.contents
    except Exception as e:
        return type(e).__name__
    for stream in contents or []:
        raw = getattr(stream, "rawdata", None)
        if raw is None or getattr(stream, "decipher", None):
            continue
        filters = [f for f, _ in stream.get_filters()]
        if not filters or getattr(filters[0], "name", None) not in ("FlateDecode", "Fl"):
            continue
        d = zlib.decompressobj()
        try:
            d.decompress(raw, MAX_STREAM)
            if not d.eof:
                return "content stream cut short"
        except zlib.error as e:
            return f"content stream: {e}"
    return None


# ---------------------------------------------------------------- one page

@dataclass
class _Cell:
    x0: float
    x1: float
    r0: int
    r1: int
    text: str


@dataclass
class _Frag:
    """A ruled table as drawn on one page: cells placed on the page's row lines."""
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    n_rows: int
    cells: list[_Cell]


@dataclass
class _Para:
    page: int
    top: float
    text: str
    ends_full: bool  # the last line ran to the right margin: the paragraph may go on


@dataclass
class _Page:
    number: int
    height: float
    items: list = field(default_factory=list)  # _Para and _Frag by their top edge
    chars: int = 0
    cid: int = 0
    images: int = 0


_PAGE_NO = re.compile(r"^[-—－\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/共]\s*\d{1,4}\s*页?)?[-—－\s]*$")


def _read_page(page, number: int) -> _Page:
    chars = page.chars
    if len({(c["text"], round(c["x0"]), round(c["top"])) for c in chars}) < len(chars):
        page = page.dedupe_chars()  # fake-bold text is printed twice (deduplicating costs; only when needed)
    pg = _Page(number, float(page.height))
    pg.chars = len(page.chars)
    pg.cid = sum(1 for ch in page.chars if ch.get("text", "").startswith("(cid:"))
    pg.images = len(page.images)
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    for t in tables:
        frag = _fragment(t, number)
        if frag is not None:
            pg.items.append(frag)

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside) if boxes else page
    lines = [ln for ln in text_page.extract_text_lines() if ln["text"].strip()]
    margin = 0.07 * pg.height
    lines = [ln for ln in lines if not ((ln["top"] < margin or ln["bottom"] > pg.height - margin)
                                        and _PAGE_NO.match(ln["text"]))]  # page numbers in header/footer
    for top, text, full in _paragraphs(lines, page.width):
        pg.items.append(_Para(number, top, text, full))
    pg.items.sort(key=lambda it: it.top)
    return pg


def _drop_running_lines(pages: list[_Page]) -> None:
    """Remove page furniture: a line in the top or bottom margin that recurs on other pages (a running
    header with the document title, 第 3 页 footers), so a table continued across a page break meets
    its continuation directly."""
    from collections import Counter

    def furniture(pg: _Page, it) -> str | None:
        if not isinstance(it, _Para) or len(it.text) > 80:
            return None
        if it.top < 0.1 * pg.height or it.top > 0.88 * pg.height:
            return re.sub(r"\d+", "#", it.text.replace(" ", ""))
        return None

    seen = Counter(k for pg in pages for k in {furniture(pg, it) for it in pg.items} if k)
    recurring = {k for k, n in seen.items() if n >= 2 and n >= 0.3 * len(pages)}
    if not recurring:
        return
    for pg in pages:
        # only from the top and the bottom of the page, each line once: a heading that repeats the
        # running header's words (the title on page 1) is content
        used: set[str] = set()
        for end in (0, -1):
            while pg.items:
                k = furniture(pg, pg.items[end])
                if k not in recurring or k in used:
                    break
                used.add(k)
                pg.items.pop(end)


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > TOL:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    """The edge nearest ``v`` (edges are sorted)."""
    import bisect

    i = bisect.bisect_left(edges, v)
    if i == len(edges) or (i > 0 and v - edges[i - 1] < edges[i] - v):
        i -= 1
    return max(i, 0)


def _fragment(t, number: int) -> _Frag | None:
    texts = t.extract()
    pairs = [(box, txt) for row, trow in zip(t.rows, texts) for box, txt in zip(row.cells, trow) if box]
    if not pairs:
        return None
    tops = _cluster([b[1] for b, _ in pairs])
    cells = []
    for (x0, top, x1, bottom), txt in pairs:
        r0 = _index(tops, top)
        r1 = max(r0, max((i for i, tp in enumerate(tops) if tp < bottom - TOL), default=r0))
        cells.append(_Cell(x0, x1, r0, r1, _cell_text(txt or "")))
    if not any(c.text for c in cells):
        return None
    x0, top, x1, bottom = t.bbox
    return _Frag(number, x0, x1, top, bottom, len(tops), cells)


def _cell_text(text: str) -> str:
    """Lines of one cell as one string: no space where either side is Chinese or where the line before
    holds no space (a code or number too long for the cell, broken mid-word), else one space."""
    out = ""
    for line in (s.strip() for s in text.split("\n")):
        if not line:
            continue
        if out and not (CJK.match(out[-1]) or CJK.match(line[0])) and " " in out.rsplit("\n", 1)[-1][-40:]:
            out += " "
        out += line
    return out


# ---------------------------------------------------------------- across pages

def _assemble(pages: list[_Page]) -> list[Block]:
    """Blocks in reading order, joining what a page break cut: paragraphs that run on, and tables
    continued at the top of the next page with the same outer edges."""
    items: list = []
    prev: _Page | None = None
    for pg in pages:
        for k, it in enumerate(pg.items):
            last = items[-1] if items else None
            first_on_page = k == 0 and prev is not None and prev.number == pg.number - 1
            if first_on_page and isinstance(it, _Frag) and isinstance(last, list) and \
                    abs(last[-1].x0 - it.x0) <= 2 * TOL and abs(last[-1].x1 - it.x1) <= 2 * TOL:
                last.append(it)
                continue
            if first_on_page and isinstance(it, _Para) and isinstance(last, _Para) and last.ends_full \
                    and not HEADING.match(it.text):
                items[-1] = _Para(last.page, last.top, _join_lines([last.text, it.text]), it.ends_full)
                continue
            items.append([it] if isinstance(it, _Frag) else it)
        prev = pg
    blocks: list[Block] = []
    for it in items:
        if isinstance(it, _Para):
            blocks.append(Paragraph(it.text))
        else:
            rows = _table_rows(it)
            if rows:
                pages_ = sorted({f.page for f in it})
                name = f"page {pages_[0]}" if len(pages_) == 1 else f"pages {pages_[0]}-{pages_[-1]}"
                blocks.append(Table(rows, name=name))
    return blocks


def _grid(frag: _Frag, cols: list[float]) -> list[list]:
    """Rows of ``frag`` on the shared column edges: a cell's text at its top-left position, the
    positions its merge covers hold the (row, col) of that position."""
    grid: list[list] = [[None] * len(cols) for _ in range(frag.n_rows)]
    for c in frag.cells:
        c0 = _index(cols, c.x0)
        c1 = max(c0, max((i for i, x in enumerate(cols) if x < c.x1 - TOL), default=c0))
        for r in range(c.r0, c.r1 + 1):
            for j in range(c0, c1 + 1):
                if grid[r][j] is None:
                    grid[r][j] = c.text if (r, j) == (c.r0, c0) else (c.r0, c0)
    for row in grid:
        for j, v in enumerate(row):
            if v is None:
                row[j] = ""
    return grid


def _texts(row: list) -> list[str]:
    return [v if isinstance(v, str) else "" for v in row]


def _table_rows(frags: list[_Frag]) -> list[list[str]]:
    cols = _cluster([c.x0 for f in frags for c in f.cells])
    out: list[list] = []
    head: list[list[str]] = []
    for f in frags:
        g = _grid(f, cols)
        if not out:
            out, head = g, [_texts(r) for r in g[:3]]
            continue
        k = 0  # a header repeated on each page (Word's 重复标题行): drop it
        while k < min(len(head), len(g) - 1) and _texts(g[k]) == head[k] and any(head[k]):
            k += 1
        g = [[(v[0] - k, v[1]) if isinstance(v, tuple) else v for v in row] for row in g[k:]]
        base = len(out)
        if _continues(out, g):  # the page break cut a row: its remainder joins it, cell by cell
            for j, v in enumerate(g[0]):
                if isinstance(v, str) and v:
                    r, c = _owner(out, base - 1, j)
                    out[r][c] = _join_cell(out[r][c], v)
            owners = [_owner(out, base - 1, j) for j in range(len(cols))]
            remap = lambda v: owners[v[1]] if v[0] <= 0 else (base + v[0] - 1, v[1])  # noqa: E731
            g = g[1:]
        else:
            _carry_merges(out, g)
            remap = lambda v: (base + v[0], v[1]) if v[0] >= 0 else ""  # noqa: E731
        out.extend([remap(v) if isinstance(v, tuple) else v for v in row] for row in g)
    return [r for r in (_texts(row) for row in out) if any(r)]


def _owner(grid: list[list], r: int, c: int) -> tuple[int, int]:
    v = grid[r][c]
    return v if isinstance(v, tuple) else (r, c)


def _resolved(grid: list[list], r: int) -> list[str]:
    """Row ``r`` with covered positions showing the text of the merge that covers them."""
    out = []
    for j in range(len(grid[r])):
        rr, cc = _owner(grid, r, j)
        out.append(grid[rr][cc] if isinstance(grid[rr][cc], str) else "")
    return out


def _continues(out: list[list], g: list[list]) -> bool:
    """True when the first row of ``g`` is the rest of ``out``'s last row, split by the page break.

    Its text lies only in columns where the row before has text, and it leaves empty a column that
    the rows on both sides fill in their own cells (a new row would fill it too).
    """
    a = _resolved(out, len(out) - 1)
    b0 = g[0]
    own = [isinstance(v, str) for v in b0]
    if not any(isinstance(v, str) and v for v in b0):
        return False
    if any(isinstance(v, str) and v and not a[j] for j, v in enumerate(b0)):
        return False
    after = g[1] if len(g) > 1 else None
    last = out[-1]
    for j, v in enumerate(b0):
        if not own[j] or v or not isinstance(last[j], str) or not last[j]:
            continue
        if after is None or (isinstance(after[j], str) and after[j]):
            return True
    return False


def _carry_merges(out: list[list], g: list[list]) -> None:
    """A merged cell that crosses the break with its text drawn on the new page: the text moves up
    to the top of the merge, so the rows above the break get it too."""
    last = out[-1]
    for j, v in enumerate(g[0]):
        if isinstance(v, str) and v and isinstance(last[j], tuple):
            r, c = last[j]
            if c == j and out[r][c] == "":
                out[r][c], g[0][j] = v, ""


def _join_cell(a: str, b: str) -> str:
    if not a:
        return b
    if CJK.match(a[-1]) or CJK.match(b[0]) or " " not in a:
        return a + b
    return a + " " + b


HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\(\d+\)|\d+[.、．]|第[一二三四五六七八九十]+部分)")


def _paragraphs(lines: list[dict], width: float) -> Iterator[tuple[float, str, bool]]:
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
                yield group[0]["top"], _join_lines([g["text"] for g in group]), _full(group[-1], right)
                group = []
        group.append(ln)
    yield group[0]["top"], _join_lines([g["text"] for g in group]), _full(group[-1], right)


def _full(line: dict, right: float) -> bool:
    return line["x1"] >= right - 1.5 * max(line["bottom"] - line["top"], 1.0)

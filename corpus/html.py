"""The web-page reader (.html/.htm): paragraphs and tables in document order (see ``blocks.py``).

Government sites publish 绩效目标表 as pages: often GB2312, the table wrapped in layout tables,
cells of ``<p><span>…</span></p>`` with ``&nbsp;``, and the page framed by navigation, breadcrumbs,
share bars and 版权/ICP footers. The page is parsed by lxml's HTML parser (libxml2), never by regular
expressions; tables are expanded by the HTML table model (rowspan/colspan) into the blocks
convention: a merged cell's text once in its top-left position, the positions it covers "".

The page ``<title>`` and the publishing line (发布时间/来源/发布机构) come first, as Paragraphs,
so metadata inference sees them before the body.
"""

from __future__ import annotations

import codecs
import re

from jixiao.corpus.blocks import Block, Paragraph, RawDocument, Table
from jixiao.errors import EmptyInputError, ReadError, TooLargeError

MAX_GRID_CELLS = 2_000_000  # rows × columns of one table after spans; real 绩效 tables are thousands
MAX_COLSPAN = 1000  # the HTML standard's own limits
MAX_ROWSPAN = 65534

# Declared charsets that browsers decode as a superset: GB2312/GBK pages hold GBK and GB18030 characters.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
             "csgb2312": "gb18030", "chinese": "gb18030", "iso-ir-58": "gb18030", "euc-cn": "gb18030",
             "x-euc-cn": "gb18030", "cp936": "gb18030", "windows-936": "gb18030", "ms936": "gb18030",
             "big5-hkscs": "big5hkscs", "iso-8859-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252",
             "us-ascii": "cp1252", "utf8": "utf-8", "unicode": "utf-8"}
# The HTML standard's prescan: a <meta charset=…> or http-equiv content="…; charset=…" in the first KBs.
_META = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.I)

_DROP_TAGS = {"script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
              "svg", "canvas", "nav", "aside", "form", "button", "select", "input",
              "textarea", "label", "map", "audio", "video", "head", "title", "meta", "link", "base"}
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "main",
               "blockquote", "pre", "dl", "dt", "dd", "center", "address", "figure", "figcaption", "caption",
               "hr", "fieldset", "legend", "table", "tr", "td", "th", "tbody", "thead", "tfoot", "body", "html",
               "details", "summary", "font-block"}
# class/id words of site chrome: navigation, breadcrumbs, share bars, footers, side bars, search boxes
_CHROME_ATTR = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|navigation|menu|menus|breadcrumbs?|crumbs?|bread|location|position|weizhi|"
    r"dqwz|share|bdshare|bshare|jiathis|social|footer|foot|copyright|banquan|sidebar|toolbar|"
    r"topbar|search|login|banner|friendlink|yqlj|fontsize|zihao|ewm|qrcode|"
    r"pager|pagination|skip|hidden|sr-only)(?:$|[\s_\-\d])", re.I)
_CHROME_TEXT = re.compile(r"版权所有|ICP\s*备|公网安备|网站标识码|主办单位|承办单位|技术支持|网站地图|联系我们|"
                          r"当前位置|您的位置|所在位置|现在的位置|分享到|打印本页|关闭窗口|【\s*字[体号]|"
                          r"^\s*首页\s*[>＞»›]|[>＞»›]\s*首页|^\s*\[?\s*(?:打印|关闭|返回顶部|收藏)\s*\]?\s*$")
_PUBLISHING = re.compile(r"(?:发布|发文|成文|更新|印发)(?:时间|日期)\s*[:：]|(?:^|\s)(?:信息|文章)?来源\s*[:：]|"
                         r"发布(?:机构|单位|部门)\s*[:：]")
_PUB_NOISE = re.compile(r"【[^】]{0,30}】|\[[^\]]{0,30}\]|(?:浏览|点击|阅读|访问)(?:次数|数|量)?\s*[:：]\s*\d*")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WS = re.compile(r"[ \t\r\n\f\v\xa0\u2002\u2003\u2009\u200b\ufeff]+")
_HAN = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
# a line break of the page source between two Chinese characters is not a space (browsers differ; the
# author never meant one); spaces and &nbsp; typed between words stay one space
_SOURCE_BREAK = re.compile(rf"(?<=[{_HAN}])[ \t]*[\r\n][ \t\r\n]*(?=[{_HAN}])")


# ---------------------------------------------------------------- decoding

def decode(data: bytes) -> tuple[str, str]:
    """The page's text and the encoding used: BOM, else the declared charset (GB2312/GBK read as
    GB18030, as browsers do), else UTF-8, else GB18030. Raises ReadError when nothing decodes."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc
    declared = _declared(data)
    tried = []
    for enc in ([declared] if declared else []) + ["utf-8", "gb18030"]:
        if enc in tried:
            continue
        tried.append(enc)
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    # Neither the declared charset nor the usual ones fit every byte: decode the declared one and mark
    # the bad bytes (U+FFFD), rather than refuse a page with one broken character.
    enc = declared or "gb18030"
    text = data.decode(enc, errors="replace")
    if text.count("\ufffd") > max(20, len(text) // 50):
        raise ReadError(f"无法识别网页编码 the page's bytes are not valid {enc} (declared "
                        f"{declared or 'nothing'}); save it again as UTF-8")
    return text, enc


def _declared(data: bytes) -> str | None:
    m = _META.search(data[:8192])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").strip().lower()
    name = _SUPERSET.get(name, name)
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    if name.startswith("utf-16"):  # a page whose bytes could be read to find the meta is not UTF-16
        return "utf-8"
    return name


# ---------------------------------------------------------------- reading

def read_html(data: bytes, path: str) -> RawDocument:
    """Paragraphs and tables of the page body, site chrome left out; the title and publishing line first."""
    from jixiao.corpus.office import _document_text
    from jixiao.corpus.readers import sha256_of

    if not data.strip(b" \t\r\n\x00"):
        raise EmptyInputError("空文件 the web page is empty", where=path)
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        from jixiao.errors import BinaryInputError

        raise BinaryInputError("不是网页 the file is binary, not an HTML page", where=path)
    try:
        text, encoding = decode(data)
    except ReadError as e:
        e.where = path
        raise
    try:
        import lxml.html
        from lxml import etree

        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input that declares an encoding
        root = lxml.html.document_fromstring(text) if text.strip() else None
    except (etree.ParserError, ValueError) as e:
        raise ReadError(f"网页无法解析 the page cannot be parsed ({e})", where=path) from None
    if root is None:
        raise EmptyInputError("网页没有内容 the page holds no text", where=path)
    title = _title(root)
    body = root.find("body") if root.find("body") is not None else root
    publishing = _publishing_line(body)
    _strip_chrome(body)
    walker = _Walker()
    try:
        walker.walk(body)
    except TooLargeError as e:
        e.where = path
        raise
    walker.flush()
    blocks = walker.blocks
    if publishing:
        blocks = [b for b in blocks if not (isinstance(b, Paragraph) and
                                            _norm(_PUB_NOISE.sub(" ", b.text)) == publishing)]
    at = next((k for k, b in enumerate(blocks[:5]) if isinstance(b, Paragraph) and title and title in b.text), None)
    if at is None:
        at = 0
        if title:
            blocks.insert(0, Paragraph(title))
    if publishing:
        blocks.insert(at + 1, Paragraph(publishing))
    if not any(isinstance(b, Table) or b.text for b in blocks):
        raise EmptyInputError("网页没有内容 the page holds no text", where=path)
    return RawDocument(path=path, format="html", sha256=sha256_of(data), blocks=blocks,
                       text=_document_text(blocks), encoding=encoding)


def _title(root) -> str | None:
    el = root.find(".//title")
    if el is None:
        return None
    t = _norm(el.text_content())
    # "承德市应急管理局2021年度…绩效目标_承德市人民政府" → the page's own part, without the site name
    parts = [p.strip() for p in re.split(r"\s*(?:_|\||｜| - | — |--)\s*", t) if p.strip()]
    if not parts:
        return None
    return parts[0] if len(parts[0]) >= 6 else max(parts, key=len)  # sites put their own name last


def _publishing_line(body) -> str | None:
    """The smallest short element naming the most of publishing date, source and publisher
    (发布时间：… 来源：…), without counters and font-size links."""
    best, best_key = None, None
    for el in body.iter():
        if not isinstance(el.tag, str) or el.tag.lower() in ("script", "style", "table", "tr"):
            continue
        text = _norm(el.text_content())
        if text and _is_publishing(text):
            k = (-len(_PUBLISHING.findall(text)), len(text))
            if best_key is None or k < best_key:
                best, best_key = text, k
    return _norm(_PUB_NOISE.sub(" ", best)) if best else None


def _is_publishing(text: str) -> bool:
    return len(text) <= 200 and bool(_PUBLISHING.search(text))


def _norm(s: str) -> str:
    return _WS.sub(" ", _SOURCE_BREAK.sub("", s)).strip()


def _strip_chrome(body) -> None:
    """Remove scripts, hidden elements and site chrome (by tag, class/id, role or typical wording),
    but never an element that holds most of the page's text: that is a wrapper, not chrome."""
    total = len(_norm(body.text_content())) or 1
    doomed = []
    for el in body.iter():
        if not isinstance(el.tag, str):
            doomed.append(el)  # comments, processing instructions
            continue
        tag = el.tag.lower()
        style = el.get("style") or ""
        if tag in ("header", "footer") and not any(a.tag in ("article", "main") for a in el.iterancestors()):
            doomed.append(el)  # the site's banner and footer; an article's own header is content
            continue
        if tag in _DROP_TAGS or el.get("hidden") is not None or el.get("aria-hidden") == "true" or \
                _HIDDEN_STYLE.search(style) or (el.get("type") or "").lower() == "hidden":
            doomed.append(el)
            continue
        words = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("role"))))
        if words and _CHROME_ATTR.search(words):
            if tag != "table" and len(_norm(el.text_content())) < 0.3 * total and not _holds_table(el):
                doomed.append(el)
                continue
        if tag in ("table", "ul", "ol", "div", "td", "p", "dl") and _mostly_links(el, total):
            doomed.append(el)  # a menu: text that is nearly all links (通知公告 | 财政预决算 …)

    for el in doomed:
        _drop(el)


def _mostly_links(el, total: int) -> bool:
    text = _norm(el.text_content())
    if not text or len(text) > 0.3 * total:
        return False
    linked = sum(len(_norm(a.text_content())) for a in el.iter("a"))
    return linked >= 0.8 * len(text.replace(" ", "")) and not _holds_table(el)


def _holds_table(el) -> bool:
    return any(t.tag == "table" and len(t.findall(".//td")) >= 4 for t in el.iter("table"))


def _drop(el) -> None:
    """Remove ``el`` but keep the text that follows it (lxml stores it in ``tail``)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


# ---------------------------------------------------------------- walking the body

class _Walker:
    """Document order: inline text gathers into a line until a block boundary; content tables become
    Tables, layout tables (holding other tables, or one cell) are walked through like divs."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.line: list[str] = []

    def flush(self) -> None:
        text = _norm("".join(self.line))
        self.line = []
        if text and not (len(text) <= 200 and _CHROME_TEXT.search(text) and not _is_publishing(text)):
            self.blocks.append(Paragraph(text))

    def walk(self, el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "table" and not _is_layout_table(el):
            self.flush()
            rows = table_rows(el)
            if rows:
                self.blocks.append(Table(rows))
            self._tail(el)
            return
        if tag == "br":
            self.flush()
            self._tail(el)
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.flush()
        if el.text:
            self.line.append(el.text)
        for child in el:
            self.walk(child)
        if block:
            self.flush()
        self._tail(el)

    def _tail(self, el) -> None:
        if el.tail:
            self.line.append(el.tail)


def _own_rows(table) -> list:
    """The table's own rows (directly or under thead/tbody/tfoot), not those of nested tables."""
    rows = []
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if isinstance(c.tag, str) and c.tag.lower() == "tr")
    return rows


def _own_cells(tr) -> list:
    return [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]


def _is_layout_table(table) -> bool:
    """A table used for page layout: one that holds other tables, or has a single cell."""
    rows = _own_rows(table)
    cells = [c for r in rows for c in _own_cells(r)]
    if len(cells) <= 1:
        return True
    return any(c.find(".//table") is not None for c in cells)


def _span(cell, name: str, limit: int) -> int:
    try:
        v = int(re.match(r"\s*(\d+)", cell.get(name) or "1").group(1))
    except (AttributeError, ValueError):
        return 1
    return min(max(v, 1 if name == "colspan" else 0), limit)


def table_rows(table) -> list[list[str]]:
    """The HTML table model: rows of cell texts with rowspan/colspan expanded to the grid; a merged
    cell's text at its top-left, covered positions "" (rowspan=0 reaches the last row)."""
    trs = _own_rows(table)
    n = len(trs)
    grid: dict[tuple[int, int], str] = {}
    width = 0
    for r, tr in enumerate(trs):
        c = 0
        for cell in _own_cells(tr):
            while (r, c) in grid:
                c += 1
            cs = _span(cell, "colspan", MAX_COLSPAN)
            rs = _span(cell, "rowspan", MAX_ROWSPAN)
            rs = n - r if rs == 0 else min(rs, n - r)  # a span past the last row stops there
            if (width and (c + cs) * n > MAX_GRID_CELLS) or rs * cs > MAX_GRID_CELLS:
                raise TooLargeError(f"网页表格过大 a table spans more than {MAX_GRID_CELLS:,} cells "
                                    f"(colspan/rowspan); a 绩效 table is far smaller")
            text = cell_text(cell)
            for dr in range(rs):
                for dc in range(cs):
                    grid.setdefault((r + dr, c + dc), "")
            grid[r, c] = text
            c += cs
            width = max(width, c)
        if len(grid) > MAX_GRID_CELLS:
            raise TooLargeError(f"网页表格过大 a table spans more than {MAX_GRID_CELLS:,} cells")
    rows = [[grid.get((r, c), "") for c in range(width)] for r in range(n)]
    return [row for row in rows if any(row)]


def cell_text(cell) -> str:
    """A cell's visible text: paragraphs and <br> lines joined by newlines, &nbsp; and source
    whitespace collapsed, spans glued."""
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        t = _norm("".join(buf))
        buf.clear()
        if t:
            lines.append(t)

    def walk(el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "br":
            flush()
        else:
            block = tag in _BLOCK_TAGS
            if block:
                flush()
            if el.text:
                buf.append(el.text)
            for child in el:
                walk(child)
            if block:
                flush()
        if el.tail and el is not cell:
            buf.append(el.tail)

    walk(cell)
    flush()
    return "\n".join(lines)

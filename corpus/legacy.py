"""Legacy Office formats: .xls (and WPS .et) through xlrd, .doc (and WPS .wps) through a converter.

A .doc is converted by LibreOffice (``soffice --headless --convert-to docx``) and then read by the
.docx reader, so it gives the same blocks as its Word 2007+ twin; without LibreOffice, antiword gives
its text (tables as ``|`` rows) to the text reader. Conversions run in a private temporary folder
(``mkdtemp``, removed afterwards, also LibreOffice's profile) under a timeout.

Files named .xls/.doc are often something else: web systems export HTML tables as ".xls", and a
renamed .xlsx/.docx is common. Those are sniffed and read by the reader of what they are.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import warnings

from jixiao.corpus.blocks import Block, Paragraph, RawDocument, Table
from jixiao.errors import ConverterError, CorruptFileError, EmptyInputError, JixiaoError, ReadError, \
    TooLargeError, UnsupportedFormatError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONVERT_TIMEOUT = 120.0  # seconds; LibreOffice converts a 绩效 .doc in a few
MAX_GRID_CELLS = 2_000_000
INSTALL_HINT = ("读取 .doc 需要 LibreOffice 或 antiword (needs LibreOffice or antiword): "
                "apt-get install libreoffice-writer-nogui  或 or  apt-get install antiword; "
                "或在 Word/WPS 中另存为 .docx (or save it as .docx)")


def _sniffed(data: bytes, path: str, fmt: str) -> RawDocument | None:
    """Read a file that only carries a legacy name by what it really is (xlsx/docx/html), else None."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data.startswith(b"PK"):
        from jixiao.corpus import office

        raw = (office.read_xlsx if fmt == "xls" else office.read_docx)(data, path)
    elif head.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<?xml")) or b"<html" in head:
        from jixiao.corpus.html import read_html

        raw = read_html(data, path)
    elif fmt == "xls" and not data.startswith(OLE_MAGIC) and b"\x00" not in data[:4096] and b"\t" in data[:4096]:
        from jixiao.corpus.text import read_text  # tab-separated text exported as ".xls"

        raw = read_text(data, path)
    else:
        return None
    return raw


# ---------------------------------------------------------------- xls

def read_xls(data: bytes, path: str) -> RawDocument:
    """One Table per visible sheet (``Table.name`` = the sheet name), cells as Excel displays them,
    merged ranges once at their top-left; leading one-cell rows become Paragraphs (as for .xlsx)."""
    from jixiao.corpus.readers import sha256_of

    if not data.strip(b"\x00 \t\r\n"):
        raise EmptyInputError("空文件 the .xls file is empty", where=path)
    raw = _sniffed(data, path, "xls")
    if raw is not None:
        return raw
    if not data.startswith(OLE_MAGIC):
        raise CorruptFileError("不是 .xls 文件 the file is not an Excel 97-2003 workbook (no OLE header)",
                               where=path)
    try:
        import xlrd

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=open(os.devnull, "w"))
        blocks: list[Block] = []
        for sheet in book.sheets():
            if sheet.visibility != 0:  # hidden sheets hold dropdown lists, not the table
                continue
            blocks.extend(_xls_sheet_blocks(book, sheet))
    except JixiaoError as e:
        e.where = e.where or path
        raise
    except Exception as e:  # xlrd raises XLRDError, struct.error, IndexError … on damaged files
        text = str(e)
        if "encrypt" in text.lower():
            raise ReadError("文件已加密 the .xls is password-protected; 请先取消密码再另存 "
                            "(remove the password and save again)", where=path) from None
        raise CorruptFileError(f"文件损坏 the .xls file is truncated or damaged and cannot be read "
                               f"({type(e).__name__}: {text.splitlines()[0][:160] if text else ''})",
                               where=path) from None
    if not blocks:
        raise EmptyInputError("工作簿没有内容 the .xls has no cells with content", where=path)
    from jixiao.corpus.office import _document_text

    return RawDocument(path=path, format="xls", sha256=sha256_of(data), blocks=blocks,
                       text=_document_text(blocks))


def _xls_sheet_blocks(book, sheet) -> list[Block]:
    import xlrd

    from jixiao.corpus.office import _cell_display, grid_blocks

    covered = set()
    for rlo, rhi, clo, chi in sheet.merged_cells:
        if (rhi - rlo) * (chi - clo) > MAX_GRID_CELLS:
            raise TooLargeError(f"合并区域过大 sheet '{sheet.name}' merges more than {MAX_GRID_CELLS:,} cells")
        covered.update((r, c) for r in range(rlo, rhi) for c in range(clo, chi) if (r, c) != (rlo, clo))
    values = {}
    for r in range(sheet.nrows):
        for c, cell in enumerate(sheet.row(r)):
            if (r, c) in covered or cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            value, fmt = cell.value, None
            if cell.ctype == xlrd.XL_CELL_NUMBER:
                xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
                fmt = book.format_map[xf.format_key].format_str if xf and xf.format_key in book.format_map else None
                if float(value).is_integer() and not (fmt and "%" in fmt):
                    value = int(value)
            elif cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    value = xlrd.xldate_as_datetime(value, book.datemode)
                except Exception:
                    pass
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                value = xlrd.error_text_from_code.get(value, "#ERR")
            text = _cell_display(value, fmt)
            if text.strip():
                values[r, c] = text
    return grid_blocks(values, sheet.name)


# ---------------------------------------------------------------- doc

def converters() -> dict[str, str]:
    """The converters on PATH: {'soffice': path, 'antiword': path}."""
    found = {}
    for name, exe in (("soffice", "soffice"), ("soffice", "libreoffice"), ("antiword", "antiword")):
        p = shutil.which(exe)
        if p and name not in found:
            found[name] = p
    return found


def read_doc(data: bytes, path: str) -> RawDocument:
    """A Word 97-2003 .doc (or WPS .wps): converted to .docx by LibreOffice and read as such, else its
    text through antiword; with neither installed, one line saying what to install."""
    from jixiao.corpus.readers import sha256_of

    if not data.strip(b"\x00 \t\r\n"):
        raise EmptyInputError("空文件 the .doc file is empty", where=path)
    raw = _sniffed(data, path, "doc")
    if raw is None:
        if not data.startswith((OLE_MAGIC, b"{\\rtf")):
            raise CorruptFileError("不是 .doc 文件 the file is not a Word 97-2003 document (no OLE header)",
                                   where=path)
        if data.startswith(OLE_MAGIC) and "EncryptionInfo".encode("utf-16-le") in data:
            raise ReadError("文件已加密 the .doc is password-protected; 请先取消密码再另存 "
                            "(remove the password and save again)", where=path)
        tools = converters()
        if "soffice" in tools:
            raw = _via_soffice(data, path, tools["soffice"])
        elif "antiword" in tools and data.startswith(OLE_MAGIC):
            raw = _via_antiword(data, path, tools["antiword"])
        else:
            raise UnsupportedFormatError(INSTALL_HINT, where=path)
        raw.format = "doc"
    raw.sha256, raw.path = sha256_of(data), path
    return raw


def _run(cmd: list[str], cwd: str, env: dict, timeout: float, what: str, path: str) -> subprocess.CompletedProcess:
    """Run a converter in its own process group, killed whole on timeout (soffice forks soffice.bin)."""
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
    except OSError as e:
        raise ConverterError(f"{what} 无法启动 could not start: {e.strerror or e}", where=path) from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        proc.communicate()
        raise ConverterError(f"{what} 转换超时 timed out after {timeout:.0f} s", where=path) from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _private_env(home: str) -> dict:
    env = dict(os.environ)
    env.update(HOME=home, LC_ALL="C.UTF-8", LANG="C.UTF-8", TMPDIR=home)
    return env


def _via_soffice(data: bytes, path: str, exe: str) -> RawDocument:
    from jixiao.corpus.office import read_docx

    tmp = tempfile.mkdtemp(prefix="jixiao-doc-")
    try:
        src = os.path.join(tmp, "in.doc" if data.startswith(OLE_MAGIC) else "in.rtf")
        with open(src, "wb") as f:
            f.write(data)
        profile = os.path.join(tmp, "profile")
        res = _run([exe, "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation=file://{profile}",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", tmp, src],
                   tmp, _private_env(tmp), CONVERT_TIMEOUT, "LibreOffice", path)
        out = os.path.join(tmp, "in.docx")
        if res.returncode != 0 or not os.path.exists(out):
            detail = (res.stderr or res.stdout or b"").decode("utf-8", "replace").strip().splitlines()
            raise ConverterError(f"LibreOffice 无法转换 could not convert the .doc"
                                 f"{' (' + detail[-1][:160] + ')' if detail else ''}; the file may be damaged",
                                 where=path)
        with open(out, "rb") as f:
            converted = f.read()
        return read_docx(converted, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _via_antiword(data: bytes, path: str, exe: str) -> RawDocument:
    """antiword's DocBook output (``-x db``): paragraphs and table rows with their cells intact (its
    text output wraps cells over several lines, which cannot be told from merged rows)."""
    from jixiao.corpus.office import _document_text

    tmp = tempfile.mkdtemp(prefix="jixiao-doc-")
    try:
        src = os.path.join(tmp, "in.doc")
        with open(src, "wb") as f:
            f.write(data)
        res = _run([exe, "-x", "db", src], tmp, _private_env(tmp), CONVERT_TIMEOUT, "antiword", path)
        if res.returncode != 0 or not res.stdout.strip():
            detail = res.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ConverterError(f"antiword 无法读取 could not read the .doc"
                                 f"{' (' + detail[-1][:160] + ')' if detail else ''}", where=path)
        blocks = _docbook_blocks(res.stdout, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not blocks:
        raise EmptyInputError("文档没有文字 the .doc holds no text", where=path)
    from jixiao.corpus.readers import sha256_of

    return RawDocument(path=path, format="doc", sha256=sha256_of(data), blocks=blocks, text=_document_text(blocks))


def _docbook_blocks(xml: bytes, path: str) -> list[Block]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             recover=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as e:
        raise ConverterError(f"antiword 输出无法解析 antiword's output cannot be parsed ({e})", where=path) from None
    if root is None:
        return []
    blocks: list[Block] = []

    def text_of(el) -> str:
        return "\n".join(line.strip() for line in "".join(el.itertext()).split("\n") if line.strip())

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("informaltable", "table"):
            rows = [[text_of(e) for e in row.iter("entry")] for row in el.iter("row")]
            rows = [r for r in rows if any(r)]
            if rows:
                width = max(len(r) for r in rows)
                blocks.append(Table([r + [""] * (width - len(r)) for r in rows]))
            return
        if tag in ("para", "title", "simpara"):
            t = text_of(el)
            if t:
                blocks.extend(Paragraph(line) for line in t.split("\n"))
            return
        if tag in ("bookinfo", "info"):
            return
        for child in el:
            walk(child)

    walk(root)
    return blocks

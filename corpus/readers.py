"""Read a file of any supported format into a RawDocument (paragraphs and tables in order)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from jixiao.corpus.blocks import RawDocument
from jixiao.errors import ReadError, TooLargeError, UnsupportedFormatError

SUPPORTED = (".txt", ".text", ".csv", ".docx", ".xlsx", ".xlsm", ".pdf")
LEGACY = {
    ".doc": "请先另存为 .docx (Word: 文件→另存为; or `libreoffice --headless --convert-to docx FILE`, "
            "or `antiword -m UTF-8.txt FILE > FILE.txt`)",
    ".xls": "请先另存为 .xlsx (Excel/WPS: 文件→另存为; or `libreoffice --headless --convert-to xlsx FILE`)",
    ".wps": "请先在 WPS 中另存为 .docx (or `libreoffice --headless --convert-to docx FILE`)",
    ".et": "请先在 WPS 中另存为 .xlsx",
}
MAX_BYTES = 200 * 1024 * 1024  # a 绩效 document is kilobytes to a few MB; beyond this is a mistake


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read(path: str | Path) -> RawDocument:
    """Read ``path`` by its extension. Raises a ReadError subclass naming the problem."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext in LEGACY:
        raise UnsupportedFormatError(f"旧格式 {ext} 不能直接读取 (legacy format): {LEGACY[ext]}", where=str(p))
    if ext not in SUPPORTED:
        raise UnsupportedFormatError(
            f"不支持的文件类型 unsupported file type '{ext or '(none)'}'; jixiao reads "
            f"{' '.join(SUPPORTED)}", where=str(p))
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise TooLargeError(f"文件过大 file is {size / 2**20:.0f} MB, limit {MAX_BYTES // 2**20} MB", where=str(p))
        data = p.read_bytes()
    except OSError as e:
        raise ReadError(f"无法读取 cannot read: {e.strerror or e}", where=str(p)) from None
    if ext in (".txt", ".text", ".csv"):
        from jixiao.corpus.text import read_text

        return read_text(data, str(p))
    from jixiao.corpus import office

    reader = {".docx": office.read_docx, ".xlsx": office.read_xlsx, ".xlsm": office.read_xlsx,
              ".pdf": office.read_pdf}[ext]
    return reader(data, str(p))

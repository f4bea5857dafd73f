"""Read a file of any supported format into a RawDocument (paragraphs and tables in order)."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from jixiao.corpus.blocks import RawDocument
from jixiao.errors import ReadError, TooLargeError, UnsupportedFormatError

SUPPORTED = (".txt", ".text", ".csv", ".docx", ".xlsx", ".xlsm", ".pdf", ".html", ".htm", ".xls", ".et",
             ".doc", ".wps")
LEGACY: dict[str, str] = {}  # formats refused with a "save as" message (none left: see legacy.py)
MAX_BYTES = 200 * 1024 * 1024  # a 绩效 document is kilobytes to a few MB; beyond this is a mistake
# Text costs about 35 bytes of memory per input byte through layout; Office/PDF files are mostly
# compressed parts and images, so they keep the larger limit.
MAX_TEXT_BYTES = 64 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".text", ".csv")


def size_limit(path: str | Path) -> int:
    return MAX_TEXT_BYTES if Path(path).suffix.lower() in TEXT_SUFFIXES else MAX_BYTES


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_file(path: str | Path) -> int:
    """The size of a regular file within MAX_BYTES; a ReadError subclass otherwise.

    A pipe or a device (``x.txt -> /dev/zero``) would block or read forever.
    """
    p = Path(path)
    try:
        st = p.stat()
    except OSError as e:
        raise ReadError(f"无法读取 cannot read: {e.strerror or e}", where=str(p)) from None
    if not stat.S_ISREG(st.st_mode):
        what = "a folder" if stat.S_ISDIR(st.st_mode) else "a pipe, socket or device"
        raise ReadError(f"不是普通文件 not a regular file: it is {what}", where=str(p))
    limit = size_limit(p)
    if st.st_size > limit:
        raise TooLargeError(f"文件过大 file is {st.st_size / 2**20:.0f} MB, limit {limit // 2**20} MB",
                            where=str(p))
    return st.st_size


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a regular file within its size limit. Raises a ReadError subclass naming the problem."""
    p = Path(path)
    check_file(p)
    limit = size_limit(p)
    try:
        with open(p, "rb") as f:
            data = f.read(limit + 1)  # a file still growing cannot slip past the limit
    except OSError as e:
        raise ReadError(f"无法读取 cannot read: {e.strerror or e}", where=str(p)) from None
    if len(data) > limit:
        raise TooLargeError(f"文件过大 file is over the limit of {limit // 2**20} MB", where=str(p))
    return data


def read(path: str | Path, data: bytes | None = None) -> RawDocument:
    """Read ``path`` by its extension (``data``: its bytes, already read by ``read_bytes``).

    Raises a ReadError subclass naming the problem.
    """
    p = Path(path)
    ext = p.suffix.lower()
    if ext in LEGACY:
        raise UnsupportedFormatError(f"旧格式 {ext} 不能直接读取 (legacy format): {LEGACY[ext]}", where=str(p))
    if ext not in SUPPORTED:
        raise UnsupportedFormatError(
            f"不支持的文件类型 unsupported file type '{ext or '(none)'}'; jixiao reads "
            f"{' '.join(SUPPORTED)}", where=str(p))
    if data is None:
        data = read_bytes(p)
    if ext in TEXT_SUFFIXES:
        from jixiao.corpus.text import read_text

        return read_text(data, str(p))
    if ext == ".pdf":
        from jixiao.corpus.pdf import read_pdf

        return read_pdf(data, str(p))
    if ext in (".html", ".htm"):
        from jixiao.corpus.html import read_html

        return read_html(data, str(p))
    if ext in (".xls", ".et", ".doc", ".wps"):
        from jixiao.corpus import legacy

        return (legacy.read_xls if ext in (".xls", ".et") else legacy.read_doc)(data, str(p))
    from jixiao.corpus import office

    reader = {".docx": office.read_docx, ".xlsx": office.read_xlsx, ".xlsm": office.read_xlsx}[ext]
    return reader(data, str(p))

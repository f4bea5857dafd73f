"""The reader → layout interface: a file becomes an ordered list of paragraphs and tables.

Every reader (txt, docx, xlsx, pdf) produces the same shapes, so layout recognition is written once.
Merged cells follow one convention: the text appears once, in the top-left cell of the merge; the
cells it covers are empty strings (as in a Word text export), so that layout fills categories down.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    rows: list[list[str]]
    name: str | None = None  # sheet name (xlsx) or page (pdf), for warnings


Block = Paragraph | Table


@dataclass
class RawDocument:
    path: str
    format: str  # txt|docx|xlsx|pdf|html|xls|doc
    sha256: str
    blocks: list[Block] = field(default_factory=list)
    text: str = ""  # the whole text in reading order, for metadata inference
    encoding: str | None = None
    # problems met while reading that lost or may have lost content: (code, message, where);
    # build_document copies them into Document.warnings
    warnings: list[tuple[str, str, str | None]] = field(default_factory=list)

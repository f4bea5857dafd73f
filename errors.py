"""Typed errors with stable codes; the CLI turns them into one line on stderr and exit status 1.

Messages live here (spaCy style) so that users, tests and docs can name them by code.
"""

from __future__ import annotations


class JixiaoError(Exception):
    """Base class: a runtime problem with an input the user gave (exit status 1)."""

    code = "J000"

    def __init__(self, message: str, *, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}[{self.code}] {self.message}"


class ReadError(JixiaoError):
    """A file could not be read or decoded."""

    code = "R001"


class EmptyInputError(ReadError):
    """The file holds no text."""

    code = "R002"


class UnsupportedFormatError(ReadError):
    """The file type is not one jixiao reads (or needs converting first)."""

    code = "R003"


class BinaryInputError(ReadError):
    """The file looks binary, not a document jixiao reads."""

    code = "R004"


class CorruptFileError(ReadError):
    """A .docx/.xlsx/.pdf that is truncated or damaged."""

    code = "R005"


class TooLargeError(ReadError):
    """The file exceeds the size limit."""

    code = "R006"


class ConverterError(ReadError):
    """An external converter (LibreOffice, antiword) failed or timed out on a legacy file."""

    code = "R007"


class WriteError(JixiaoError):
    """An output file could not be written (missing or read-only folder, full disk)."""

    code = "W001"


class LayoutError(JixiaoError):
    """The document's structure could not be recognized."""

    code = "L001"


class ModelError(JixiaoError):
    """A classifier model is missing, damaged or of an incompatible version."""

    code = "M001"


class IndexError_(JixiaoError):
    """The search index is missing, locked, damaged or of another schema version."""

    code = "I001"


class IndexLockedError(IndexError_):
    """Another process is writing to the index."""

    code = "I002"


class SchemaVersionError(IndexError_):
    """The index was built by another schema version."""

    code = "I003"


class QueryError(JixiaoError):
    """A search query could not be understood."""

    code = "Q001"


class NotFoundError(JixiaoError):
    """A department, year or other selector matched nothing in the index."""

    code = "N001"

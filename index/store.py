"""The index interface: what ingest, search, suggest and compare need from a full-text backend.

``open_store`` returns the whoosh backend (``index/whoosh_store.py``); another backend (tantivy,
SQLite FTS5) can join by implementing ``Store``. Query syntax, concepts, field weights and region
terms are backend-neutral (``index/query.py``, ``pipeline/divisions.py``): a backend translates
``query.parse_query``'s tree and indexes ``divisions.region_terms``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol

from jixiao.document import Document


@dataclass
class SearchFilters:
    year: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    department: str | None = None
    region: str | None = None
    level1: str | None = None
    level2: str | None = None
    kind: str | None = None  # indicator|narrative
    vmin: float | None = None
    vmax: float | None = None
    confident: bool = False  # leave out suspect rows (read_confidence < 0.5, contract §6)


@dataclass
class SearchResult:
    """Contract §5: ``{"query", "total", "hits": [...], "facets": {...}}``."""

    query: str
    total: int
    hits: list[dict[str, Any]] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "total": self.total, "hits": self.hits, "facets": self.facets}


@dataclass
class AddResult:
    status: str  # added|replaced|skipped|duplicate (the content is indexed under another path)
    records: int = 0


class Store(Protocol):
    def add_document(self, doc: Document) -> AddResult:
        """Index one enriched Document atomically; same sha256 → skipped; same path, new hash → replaced;
        content indexed under another path → duplicate (one document per content)."""

    def search(self, query: str, filters: SearchFilters | None = None, limit: int = 20) -> SearchResult: ...

    def documents(self, department: str | None = None, year: int | None = None) -> list[Document]:
        """Stored Documents (full, as parsed), filtered by exact department and year."""

    def departments(self) -> dict[str, list[int]]:
        """Every department in the index with the years it has documents for."""

    def similar_indicators(self, name: str, limit: int = 50) -> list[dict[str, Any]]:
        """Past indicator records whose level3 resembles ``name`` (for suggest)."""

    def stats(self) -> dict[str, int]: ...

    def close(self) -> None: ...


def open_store(index_dir: str, *, create: bool = False, writable: bool = False) -> Store:
    """Open (or create) the index in ``index_dir``. Raises IndexError_ subclasses with a fix."""
    from jixiao.index.whoosh_store import WhooshStore

    return WhooshStore.open(index_dir, create=create, writable=writable)

"""The index interface: what ingest, search, suggest and compare need from a full-text backend.

``open_store`` returns the backend the index was built with: whoosh (``index/whoosh_store.py``, the
default) or tantivy (``index/tantivy_store.py``). The index remembers its backend in a small JSON
marker file (``jixiao-schema.json``: ``{"backend": …, "schema_version": …}``; no backend named means
whoosh, as every index before the second backend); another backend joins by implementing ``Store``.
Query syntax, concepts, field weights and region terms are backend-neutral (``index/query.py``,
``pipeline/divisions.py``): a backend translates ``query.parse_query``'s tree and indexes
``divisions.region_terms``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
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


BACKENDS = ("whoosh", "tantivy")
DEFAULT_BACKEND = "whoosh"
MARKER_FILE = "jixiao-schema.json"


def index_backend(index_dir: str) -> str | None:
    """The backend the index in ``index_dir`` was built with; None when there is no marker file.

    A marker that cannot be read is whoosh's to judge (its version check names the problem).
    """
    try:
        data = json.loads(Path(index_dir, MARKER_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return DEFAULT_BACKEND
    backend = data.get("backend") if isinstance(data, dict) else None
    return backend if isinstance(backend, str) else DEFAULT_BACKEND


def open_store(index_dir: str, *, create: bool = False, writable: bool = False,
               backend: str | None = None) -> Store:
    """Open (or create) the index in ``index_dir``. Raises IndexError_ subclasses with a fix.

    ``backend`` chooses the engine of a new index (whoosh when None); for an existing index it must
    be None or the backend the index was built with.
    """
    from jixiao.errors import BackendMismatchError, IndexError_

    if backend is not None and backend not in BACKENDS:
        raise IndexError_(f"未知引擎 unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    found = index_backend(index_dir)
    if found is not None and found not in BACKENDS:
        raise BackendMismatchError(f"索引引擎未知 the index at {index_dir} was built with backend {found!r}, "
                                   f"which this jixiao does not have; use a newer jixiao or re-ingest")
    if found is not None and backend is not None and backend != found:
        raise BackendMismatchError(f"索引引擎不符 the index at {index_dir} was built with {found}, not {backend}; "
                                   f"drop --backend, or ingest into a new --index directory")
    chosen = found or backend or DEFAULT_BACKEND
    if chosen == "tantivy":
        from jixiao.index.tantivy_store import TantivyStore

        return TantivyStore.open(index_dir, create=create, writable=writable)
    from jixiao.index.whoosh_store import WhooshStore

    return WhooshStore.open(index_dir, create=create, writable=writable)

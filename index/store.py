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
import os
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


class PathBookkeeping:
    """What both engines share about which path holds which content while a writer is open.

    An engine keeps ``_pending`` (path → sha, or None once deleted, in the open writer),
    ``_pending_shas`` (sha → path) and ``_released`` (committed shas whose holder goes with the
    next commit), and implements ``_held(key)`` (the sha the path will hold once committed),
    ``_sha_indexed(sha)`` (committed anywhere), ``_delete_path(key)`` (in the open writer) and
    ``_doc_records()`` (the stored document summaries).
    """

    def status_of(self, path: str, sha256: str) -> str:
        """What adding a file with this content would do: ``added``, ``replaced`` or ``skipped``.

        ``duplicate`` (skipped too) when the content is indexed under another path: one document per
        content. Adding a duplicate drops what its own path held before (see ``discard``). The other
        copy may change or go later in the same batch, so a caller re-checks duplicates after committing.
        """
        key = os.path.abspath(path)
        held = self._held(key)
        if held == sha256:
            return "skipped"
        if self._held_elsewhere(key, sha256):
            return "duplicate"
        return "replaced" if held is not None else "added"

    def _held_elsewhere(self, key: str, sha256: str) -> bool:
        other = self._pending_shas.get(sha256)
        if other is not None:
            return other != key
        if sha256 in self._released:  # its committed holder goes with this commit
            return False
        return self._sha_indexed(sha256)

    def _forget(self, key: str, held: str | None) -> None:
        """Bookkeeping for deleting ``key``'s records (which held ``held``) in the open writer."""
        if held is not None:
            if self._pending_shas.get(held) == key:
                del self._pending_shas[held]
            self._released.add(held)

    def discard(self, path: str) -> bool:
        """Delete the records of ``path`` (in the open writer); False when it has none."""
        key = os.path.abspath(path)
        held = self._held(key)
        if held is None:
            return False
        self._delete_path(key)
        self._forget(key, held)
        self._pending[key] = None
        return True

    def departments(self) -> dict[str, list[int]]:
        """Every department in the index with the years it has documents for (from ``_doc_records``)."""
        out: dict[str, set[int]] = {}
        for rec in self._doc_records():
            dept = rec.get("department")
            if dept:
                years = out.setdefault(dept, set())
                if rec.get("year") is not None:
                    years.add(rec["year"])
        return {d: sorted(y) for d, y in sorted(out.items())}

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        # Any exception, Ctrl-C included, drops uncommitted writes: it may have struck inside an
        # engine's add_document, and committing that half-updated writer corrupts the index.
        if exc_type is not None:
            self.cancel()
        self.close()


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

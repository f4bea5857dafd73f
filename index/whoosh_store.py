"""The whoosh backend of ``Store``: one record per indicator row and per narrative target.

Record kinds share one index:

* ``indicator`` / ``narrative``: what search finds (analyzed ``text``, keyword filter fields, numeric
  ``year`` and ``vnum`` = the normalized target value, one compact stored tuple for the hit);
* ``document``: per file, small (path, hash, year, region, department, project names, counts) for
  hits (rows join to it by ``dockey``), ``departments()`` and ``stats()``;
* ``blob``: per file, the full ``Document`` JSON (zlib) for ``documents()``.

Every record carries ``pathkey`` (the absolute path), so replacing a changed file is one
``delete_by_term`` plus adds in the same commit: a document is either wholly in the index or not.
Whoosh commits atomically (a new TOC generation), so a killed process loses only its uncommitted batch.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import zlib
from pathlib import Path
from typing import Any

from jixiao.document import Document, Target
from jixiao.errors import IndexError_, IndexLockedError, JixiaoError, SchemaVersionError
from jixiao.index.store import AddResult, PathBookkeeping, SearchFilters, SearchResult

SCHEMA_VERSION = 5  # 5: name field, region levels, read confidence (per row), t2s-folded terms
MERGE_FACTOR = 8  # segments of one size tier before they are merged (keeps their number logarithmic)
VERSION_FILE = "jixiao-schema.json"
INGEST_LOCK = "JIXIAO_INGEST"
# Stored positionally in field order: a new Target field goes last (older records lack it and unpack
# it as None, or [] for a list); reordering or removing one changes the stored form: bump SCHEMA_VERSION.
TARGET_FIELDS = dataclasses.fields(Target)
TARGET_KEYS = tuple(f.name for f in TARGET_FIELDS)
FACETS = ("year", "level2", "department")
SUSPECT_BELOW = 0.5  # contract §6: a row with read_confidence below this is suspect
# whoosh fills a sortable numeric column with its largest value where a record has none
_NO_YEAR = 2**31 - 1
UNKNOWN = "未知"
# What search finds: indicator rows, narrative targets, and each project's funds use and goals.
SEARCHABLE = ("indicator", "narrative", "project")
SNIPPET_CHARS = 120


def build_schema():
    """The index schema (pickled into the index by whoosh; bump SCHEMA_VERSION when it changes).

    Rows store one compact tuple (``r``) and join to their document record (by ``dockey``) for path,
    hash, year, region, department and project names: per-row copies were most of the index size.
    """
    from whoosh.columns import RefBytesColumn
    from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

    from jixiao.index.analysis import JiebaAnalyzer

    ana = JiebaAnalyzer()
    return Schema(
        kind=ID,
        pathkey=ID,  # every record: replacing a file deletes by it
        sha=ID(stored=True),  # document and blob records
        dockey=ID,  # document records: the key rows carry in ``r``
        # shift_step=0: one term per year (ranges enumerate the few years); vnum keeps 4 tiers for ranges
        year=NUMERIC(int, bits=32, sortable=True, shift_step=0),
        # every level of the region, full and short names and codes (see divisions.region_terms)
        region=KEYWORD(commas=True),
        # facet columns: few distinct values, so a per-document reference into a list of uniques
        department=ID(sortable=RefBytesColumn()),
        level1=ID,
        level2=ID(sortable=RefBytesColumn()),
        text=TEXT(analyzer=ana, phrase=True),
        name=TEXT(analyzer=ana, phrase=True),  # indicator rows: level3 alone, weighted above the text
        suspect=ID,  # "1" on rows read with read_confidence < SUSPECT_BELOW (search --confident)
        project=TEXT(analyzer=ana, phrase=True),
        vnum=NUMERIC(float, bits=64, shift_step=16),
        r=STORED,  # rows: see pack_row
        info=STORED,  # document records: path, year, region, department, title, project names, counts
        blob=STORED,  # blob records: zlib-compressed Document JSON
    )


def indicator_text(level3: str | None, description: str | None, value: str | None) -> str:
    """The searchable text of an indicator row (rebuilt from stored fields for snippets)."""
    parts = [level3 or ""]
    if description and description != level3:
        parts.append(description)
    if value:
        parts.append(value)
    return " | ".join(p for p in parts if p)


def _is_list(f: dataclasses.Field) -> bool:
    return f.default_factory is list


def pack_target(t) -> list | None:
    """Target → a short list in TARGET_KEYS order (stored per record; keys would triple its size).

    Trailing None and [] are dropped; ``unpack_target`` restores them.
    """
    if t is None:
        return None
    vals = [list(getattr(t, f.name) or []) if _is_list(f) else getattr(t, f.name) for f in TARGET_FIELDS]
    while vals and vals[-1] in (None, []):
        vals.pop()
    return vals


def unpack_target(vals: list | None) -> dict | None:
    """A stored list → the Target's fields as a dict; fields missing from the list are None (lists [])."""
    if vals is None:
        return None
    d = {f.name: [] if _is_list(f) else None for f in TARGET_FIELDS}
    d.update(zip(TARGET_KEYS, vals))
    return d


def read_confidence(ind) -> float:
    """An indicator row's read_confidence (contract §6); 1.0 for rows read before it existed."""
    v = getattr(ind, "read_confidence", None)
    return 1.0 if v is None else float(v)


def project_name(p) -> str | None:
    """The name a project is shown under everywhere (parse's table, search hits, compare)."""
    from jixiao.document import project_display_name

    return project_display_name(p)


def project_text(p) -> str:
    """What a project states besides its rows: the use of its funds and its goals, one text."""
    parts = [p.purpose or ""] + list(p.goals or [])
    return "\n".join(dict.fromkeys(s.strip() for s in parts if s and s.strip()))


def unpack_row(r: tuple) -> dict[str, Any]:
    """A row's stored tuple → its fields (``project`` is an ordinal into the document's project names).

    indicator: ("i", dockey, project ordinal, level1, level2, level3, description, value, target,
    read_confidence, flags); narrative: ("n", dockey, heading, level1, level2, clause, target);
    project: ("p", dockey, project ordinal, text) — the project's 资金用途 and 绩效目标, so that words a
    project states only there (资金, 结转 …) are found too.
    """
    if r[0] == "i":
        _, dockey, proj, l1, l2, l3, desc, value, target, conf, flags = (tuple(r) + (1.0, []))[:11]
        return {"kind": "indicator", "dockey": dockey, "project_no": proj, "level1": l1, "level2": l2,
                "level3": l3, "description": desc, "value": value, "target": target,
                "read_confidence": conf, "flags": flags}
    if r[0] == "p":
        _, dockey, proj, text = r
        return {"kind": "project", "dockey": dockey, "project_no": proj, "clause": text}
    _, dockey, heading, l1, l2, clause, target = r
    return {"kind": "narrative", "dockey": dockey, "heading": heading, "level1": l1, "level2": l2,
            "clause": clause, "target": target}


def row_text(f: dict[str, Any]) -> str:
    if f.get("kind") == "indicator":
        return indicator_text(f.get("level3"), f.get("description"), f.get("value"))
    return f.get("clause") or ""


def _num(t) -> float | None:
    v = getattr(t, "value", None) if t is not None else None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v) if v == v and abs(v) != float("inf") else None


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Whoosh rejects None values: drop them (and empty strings)."""
    return {k: v for k, v in fields.items() if v is not None and v != ""}


def records_for(doc: Document) -> list[dict[str, Any]]:
    """The index records of one Document (rows, narrative targets, the document and its blob)."""
    from jixiao.pipeline.divisions import region_terms

    key = os.path.abspath(doc.source.path)
    dockey = doc.source.sha256[:16]
    levels = getattr(doc, "region_levels", None)
    if levels is None and doc.region:  # a Document built without the parse pipeline (or before levels)
        from jixiao.pipeline.divisions import load_divisions

        levels = load_divisions().resolve(doc.region)
    regions = ",".join(t.replace(",", " ") for t in region_terms(levels, doc.region)) or None
    common = {"pathkey": key, "year": doc.year, "region": regions, "department": doc.department}
    recs = []
    n_ind = 0
    for no, p in enumerate(doc.projects):
        name = project_name(p)
        for ind in p.indicators:
            cat = ind.category
            level1 = ind.level1 or (cat.level1 if cat else None)
            level2 = ind.level2 or (cat.level2 if cat else None)
            text = indicator_text(ind.level3, ind.description, ind.value)
            if not text:
                continue
            n_ind += 1
            desc = ind.description if ind.description != ind.level3 else None
            conf = read_confidence(ind)
            recs.append(_clean({**common, "kind": "indicator", "level1": level1, "level2": level2, "text": text,
                                "name": ind.level3, "project": name, "vnum": _num(ind.target),
                                "suspect": "1" if conf < SUSPECT_BELOW else None,
                                "r": ("i", dockey, no, level1, level2, ind.level3, desc, ind.value,
                                      pack_target(ind.target), conf, list(getattr(ind, "flags", None) or []))}))
        text = project_text(p)
        if text:
            recs.append(_clean({**common, "kind": "project", "text": text, "project": name,
                                "r": ("p", dockey, no, text)}))
    n_narr = 0
    for s in doc.sections:
        for t in s.targets:
            if not t.text:
                continue
            n_narr += 1
            recs.append(_clean({**common, "kind": "narrative", "level1": t.level1, "level2": t.level2,
                                "text": t.text, "vnum": _num(t.target),
                                "r": ("n", dockey, s.heading, t.level1, t.level2, t.text, pack_target(t.target))}))
    info = {"path": doc.source.path, "sha": doc.source.sha256, "year": doc.year, "region": doc.region,
            "region_levels": levels, "department": doc.department, "title": doc.title, "kind": doc.kind,
            "format": doc.source.format, "project_names": [project_name(p) for p in doc.projects],
            "projects": len(doc.projects),
            "indicators": n_ind, "narrative": n_narr, "warnings": len(doc.warnings)}
    recs.append(_clean({**common, "kind": "document", "sha": doc.source.sha256, "dockey": dockey, "info": info}))
    # json with default=vars gives exactly doc.to_dict()'s JSON, about 10x faster than dataclasses.asdict
    blob = zlib.compress(json.dumps(doc, default=vars, ensure_ascii=False).encode("utf-8"), 9)
    recs.append({"kind": "blob", "pathkey": key, "sha": doc.source.sha256, "blob": blob})
    return recs


def _reads_index(method):
    """Library errors while reading index files mean the files are damaged: one IndexError_ naming the index.

    whoosh reads segments lazily, so a truncated or overwritten file surfaces as EOFError, struct or
    pickle errors deep inside a search (click even reports EOFError as a bare "Aborted!").
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except JixiaoError:
            raise
        except Exception as e:  # noqa: BLE001 - any failure inside whoosh's readers
            raise IndexError_(f"索引已损坏 the index at {self.index_dir} is damaged or unreadable "
                              f"({type(e).__name__}: {e}); delete it and re-ingest") from e

    return wrapper


class WhooshStore(PathBookkeeping):
    """``Store`` over a whoosh index directory. Use ``WhooshStore.open`` (or ``open_store``).

    A writable store holds the ingest lock until ``close()``; writes go to one writer that is
    committed by ``commit()`` (or per document with ``add_document(doc, commit=True)``).
    """

    def __init__(self, index_dir: str, ix, *, writable: bool = False, lock=None):
        self.index_dir = index_dir
        self.ix = ix
        self.writable = writable
        self._lock = lock
        self._writer = None
        self._searcher = None
        # Writes in the open writer, so that status_of sees them before they are committed:
        self._pending: dict[str, str | None] = {}  # pathkey → sha it will hold (None: its records deleted)
        self._pending_shas: dict[str, str] = {}  # sha → the pathkey that will hold it
        self._released: set[str] = set()  # shas whose committed holder is deleted or replaced
        self.last_query_note: str | None = None  # set when a malformed query was searched as plain words
        self._docinfo: dict[str, dict[str, Any]] = {}  # dockey → document info, per searcher

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, index_dir: str, *, create: bool = False, writable: bool = False) -> "WhooshStore":
        """Open the index without running anything from its files (see ``integrity``), checked for damage.

        ``writable`` (ingest) checks every file against the manifest of the last commit (or reads
        every record of an index without one), so a damaged index is refused before anything is added.
        """
        from whoosh import index as windex
        from whoosh.filedb.filestore import FileStorage

        from jixiao.index import integrity

        integrity.harden_whoosh()
        d = str(index_dir)
        if not integrity.index_exists(d):  # from file names: whoosh's exists_in unpickles the schema
            if not create:
                raise IndexError_(f"没有索引 no index at {d}; build it first with `jixiao ingest PATH...` "
                                  f"(or pass --index DIR / set JIXIAO_INDEX)")
            cls._create(d)
        cls._check_version(d)
        lock = None
        if writable:
            try:
                lock = FileStorage(d).lock(INGEST_LOCK)
                locked = lock.acquire(False)
            except OSError as e:
                raise IndexError_(f"索引不可写 cannot write to the index at {d}: {e.strerror or e} "
                                  f"(a read-only folder? ingest into a folder you can write)") from None
            if not locked:
                raise IndexLockedError(f"另一个入库进程正在写入 another `jixiao ingest` is writing to {d}; "
                                       f"wait for it to finish and run again")
        try:
            # the schema comes from code, never from the pickle in the TOC
            ix = windex.open_dir(d, schema=build_schema())
            checked = integrity.verify(d, ix, deep=True if writable else None)
            ix.reader().close()  # opens every segment: a damaged one fails here, not mid-search
            if writable and not checked:
                integrity.scan(d, ix)  # no manifest for this generation: read everything once
                integrity.write_manifest(d, ix)
        except Exception as e:  # a refused pickle, truncated files, a read-only folder …
            if lock:
                lock.release()
            if isinstance(e, JixiaoError):
                raise
            if isinstance(e, OSError) and writable:
                raise IndexError_(f"索引不可写 cannot write to the index at {d}: {e.strerror or e}") from None
            raise integrity.damaged(d, f"{type(e).__name__}: {str(e)[:160]}") from None
        return cls(d, ix, writable=writable, lock=lock)

    @staticmethod
    def _create(d: str) -> None:
        from whoosh.filedb.filestore import FileStorage

        from jixiao.index import integrity

        try:
            os.makedirs(d, exist_ok=True)
            storage = FileStorage(d)
            # create_index wipes an existing index's files: hold whoosh's write lock so a concurrent
            # ingest that created it a moment ago is not clobbered.
            lock = storage.lock("MAIN_WRITELOCK")
            locked = lock.acquire(False)
        except OSError as e:
            raise IndexError_(f"无法创建索引目录 cannot create the index directory: {e.strerror or e}",
                              where=d) from None
        if not locked:
            raise IndexLockedError(f"另一个入库进程正在创建索引 another process is creating the index at {d}")
        try:
            if not integrity.index_exists(d):
                # checked under the lock: a concurrent creation leaves only lock files (and ours) here
                ours = {"MAIN_WRITELOCK", INGEST_LOCK, VERSION_FILE, "jixiao-manifest.json"}
                if any(not n.startswith(".") and n not in ours for n in os.listdir(d)):
                    raise IndexError_(f"目录非空 {d} is not empty and holds no jixiao index; choose an empty or new "
                                      f"directory for --index")
                # the version first: a reader that sees the new index also sees its version
                Path(d, VERSION_FILE).write_text(json.dumps({"schema_version": SCHEMA_VERSION}), encoding="utf-8")
                integrity.write_manifest(d, storage.create_index(build_schema()))
        except OSError as e:
            raise IndexError_(f"无法创建索引 cannot create the index: {e.strerror or e}", where=d) from None
        finally:
            lock.release()

    @staticmethod
    def _check_version(d: str) -> None:
        try:
            found = json.loads(Path(d, VERSION_FILE).read_text(encoding="utf-8")).get("schema_version")
        except (OSError, ValueError, AttributeError):
            found = None
        if found != SCHEMA_VERSION:
            raise SchemaVersionError(
                f"索引版本不符 the index at {d} has schema version {found or 'unknown'}, this jixiao needs "
                f"{SCHEMA_VERSION}; delete the directory and re-ingest (`jixiao ingest PATH... --index {d}`)")

    # ------------------------------------------------------------ writing

    def _get_writer(self):
        if not self.writable:
            raise IndexError_(f"index at {self.index_dir} was opened read-only")
        if self._writer is None:
            from whoosh.index import LockError

            try:
                self._writer = self.ix.writer(limitmb=256)
            except LockError:
                raise IndexLockedError(f"另一个进程正在写入 another process is writing to {self.index_dir}; "
                                       f"wait for it to finish and run again") from None
        return self._writer

    status_of = _reads_index(PathBookkeeping.status_of)
    discard = _reads_index(PathBookkeeping.discard)

    def _sha_indexed(self, sha256: str) -> bool:
        return self._get_searcher().document(kind="document", sha=sha256) is not None

    def _delete_path(self, key: str) -> None:
        self._get_writer().delete_by_term("pathkey", key)

    def _held(self, key: str) -> str | None:
        """The sha the path will hold once the writer commits (None: no records)."""
        if key in self._pending:
            return self._pending[key]
        old = self._get_searcher().document(kind="document", pathkey=key)
        return old.get("sha") if old is not None else None

    def add_document(self, doc: Document, commit: bool = True, *, status: str | None = None) -> AddResult:
        """Index one enriched Document; same sha256 → skipped; same path with new content → replaced.

        Content already indexed under another path → ``duplicate``: nothing is added, and what this
        path held before is deleted (it no longer holds that), so no two records share a ``dockey``.
        ``status``: what ``status_of`` just said for this document, when the caller asked it (no writes since).
        """
        status = status or self.status_of(doc.source.path, doc.source.sha256)
        if status == "skipped":
            return AddResult("skipped", 0)
        if status == "duplicate":
            self.discard(doc.source.path)
            if commit:
                self.commit()
            return AddResult("duplicate", 0)
        recs = records_for(doc)
        w = self._get_writer()
        key = recs[-1]["pathkey"]
        if status == "replaced" or key in self._pending:
            w.delete_by_term("pathkey", key)
            self._forget(key, self._held(key))
        for r in recs:
            w.add_document(**r)
        self._pending[key] = doc.source.sha256
        self._pending_shas[doc.source.sha256] = key
        if commit:
            self.commit()
        return AddResult(status, len(recs) - 2)

    def commit(self) -> None:
        """Make everything added so far durable and visible (atomic)."""
        if self._writer is not None:
            from jixiao.index import integrity

            w, self._writer = self._writer, None
            try:
                w.commit(mergetype=merge_tiered)
                integrity.write_manifest(self.index_dir, self.ix)
            except OSError as e:  # disk full, folder gone read-only: the last committed generation stays
                raise IndexError_(f"无法写入索引 cannot write to the index at {self.index_dir}: {e.strerror or e}; "
                                  f"files since the last commit were not indexed") from None
        self._pending.clear()
        self._pending_shas.clear()
        self._released.clear()
        self._drop_searcher()

    def cancel(self) -> None:
        if self._writer is not None:
            w, self._writer = self._writer, None
            w.cancel()
        self._pending.clear()
        self._pending_shas.clear()
        self._released.clear()

    def close(self) -> None:
        """Commit pending writes, release the ingest lock and close readers."""
        try:
            self.commit()
        finally:
            self._drop_searcher()
            if self._lock is not None:
                lock, self._lock = self._lock, None
                lock.release()

    # ------------------------------------------------------------ reading

    def _get_searcher(self):
        if self._searcher is None:
            self._searcher = self.ix.searcher()
        return self._searcher

    def _drop_searcher(self):
        self._docinfo.clear()
        if self._searcher is not None:
            s, self._searcher = self._searcher, None
            s.close()

    def parse_query(self, query: str):
        """User query → ParsedQuery (backend-neutral, ``index/query.py``). Syntax errors fall back to plain
        words (``last_query_note`` says so); nothing searchable → QueryError."""
        from jixiao.index.query import parse_query

        pq = parse_query(query)
        self.last_query_note = pq.note
        return pq

    def to_whoosh(self, node, *, top_excluded: bool = False):
        """A neutral query node → a whoosh query (None: nothing for the engine to do here).

        ``top_excluded``: ``node`` is a top-level exclusion that ``ParsedQuery.accepts`` checks, so a
        multi-token one is left to that check (sub-words share positions: a whoosh phrase would
        also exclude 安全生产|管理水平 for 安全管理).
        """
        from whoosh import query as Q

        from jixiao.index import query as N

        w_name, w_text = N.FIELD_WEIGHTS["name"], N.FIELD_WEIGHTS["text"]
        if isinstance(node, N.Everything):
            return Q.Every()
        if isinstance(node, N.Word):
            if node.field != "text":
                return _and([Q.Or([Q.Term(node.field, a.words[0]) for a in g if len(a.words) == 1]) for g in node.groups])
            def group(g):
                alts = []
                for a in g:
                    per_word = [Q.Or([Q.Term("name", t, boost=w_name * a.weight), Q.Term("text", t, boost=w_text * a.weight)])
                                for t in a.words]
                    alts.append(_and(per_word))
                return alts[0] if len(alts) == 1 else Q.Or(alts)

            required = _and([group(g) for g in node.groups])
            if node.optional:
                return Q.AndMaybe(required, Q.Or([group(g) for g in node.optional]))
            return required
        if isinstance(node, N.Phrase):
            if node.field != "text":
                return Q.Phrase(node.field, node.tokens)
            return Q.Or([Q.Phrase("name", node.tokens, boost=w_name), Q.Phrase("text", node.tokens, boost=w_text)])
        if isinstance(node, N.Prefix):
            if node.field != "text":
                return Q.Prefix(node.field, node.text)
            return Q.Or([Q.Prefix("name", node.text, boost=w_name), Q.Prefix("text", node.text, boost=w_text)])
        if isinstance(node, N.Match):
            return self._expand(node.field, node.value) if node.field != "kind" else Q.Term("kind", node.value)
        if isinstance(node, N.Range):
            return Q.NumericRange(node.field, node.lo, node.hi)
        if isinstance(node, N.And):
            kids = [self.to_whoosh(c, top_excluded=top_excluded) for c in node.children]
            kids = [k for k in kids if k is not None]
            return _and(kids) if kids else None
        if isinstance(node, N.Or):
            return Q.Or([k for k in (self.to_whoosh(c) for c in node.children) if k is not None])
        if isinstance(node, N.Not):
            c = node.child
            if isinstance(c, N.Word) and c.field == "text":
                words = [a.words[0] for g in c.groups for a in g[:1]]
                if len(words) == 1:
                    return Q.Not(Q.Term("text", words[0]))
                if top_excluded:
                    return None
                return Q.Not(Q.Phrase("text", words))
            if isinstance(c, N.Phrase) and c.field == "text" and top_excluded:
                return None
            inner = self.to_whoosh(c)
            return Q.Not(inner) if inner is not None else None
        raise TypeError(f"unknown query node {node!r}")

    def _expand(self, fieldname: str, needle: str):
        """A keyword filter: exact value, else every indexed value containing ``needle``; a region by
        the division list (any level: 安徽 finds 安徽省淮北市濉溪县), else by substring."""
        from whoosh import query as Q

        from jixiao.index.analysis import normalize

        codes = []
        if fieldname == "region":
            from jixiao.index.query import region_filter_terms

            codes = region_filter_terms(needle)
        values = list(self._get_searcher().reader().field_terms(fieldname))
        if needle in values and not codes:
            return Q.Term(fieldname, needle)
        n = normalize(needle.strip())
        hits = codes + [v for v in values if n in normalize(v)]
        return Q.Or([Q.Term(fieldname, v) for v in dict.fromkeys(hits)]) if hits else Q.NullQuery

    def filter_query(self, f: SearchFilters | None):
        """SearchFilters → a list of whoosh queries that must all match."""
        from whoosh import query as Q

        out = []
        if f is None:
            return out
        if f.year is not None:
            out.append(Q.NumericRange("year", f.year, f.year))
        if f.year_from is not None or f.year_to is not None:
            out.append(Q.NumericRange("year", f.year_from, f.year_to))
        for name in ("department", "region", "level1", "level2"):
            v = getattr(f, name)
            if v:
                out.append(self._expand(name, v))
        if f.kind:
            out.append(Q.Term("kind", f.kind))
        if f.vmin is not None or f.vmax is not None:
            out.append(Q.NumericRange("vnum", f.vmin, f.vmax))
        if getattr(f, "confident", False):
            out.append(Q.Not(Q.Term("suspect", "1")))
        return out

    @_reads_index
    def search(self, query: str, filters: SearchFilters | None = None, limit: int = 20) -> SearchResult:
        from whoosh import query as Q
        from whoosh import sorting

        pq = self.parse_query(query)
        searchable = Q.Or([Q.Term("kind", k) for k in SEARCHABLE])
        q = self.to_whoosh(pq.root, top_excluded=True)
        conds = self.filter_query(filters)
        if q is None or isinstance(q, Q.Every):
            q = searchable
        elif not _text_only(pq.root):
            # rows only: a negation, year:/department: alone would also match document and blob records.
            # Not added otherwise: the guard is materialized per query (ConstantScoreQuery lists every
            # matching id), which made a plain word 4x slower at 10k rows.
            conds.append(searchable)
        # Filters go into the query (constant score) rather than ``filter=``: whoosh materializes a
        # filter as a set of every matching docnum, which costs O(index) per query.
        full = Q.And([q] + [Q.ConstantScoreQuery(c, 0.0) for c in conds])
        terms = pq.highlight_terms()
        if pq.needs_check:
            return self._search_verified(query, full, pq, terms, limit)
        s = self._get_searcher()
        facets = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACETS}
        res = s.search(full, limit=max(1, limit), groupedby=facets)
        hits = [self._hit(self._row(h.fields()), h.score, terms) for h in res[: max(0, limit)]]
        out_facets = {}
        for name in FACETS:
            counts: dict[str, int] = {}
            for k, n in res.groups(name).items():
                label = _facet_key(k)
                counts[label] = counts.get(label, 0) + n
            out_facets[name] = _sorted_counts(counts)
        return SearchResult(query=query, total=len(res), hits=hits, facets=out_facets)

    def _search_verified(self, query: str, full, pq, terms: set, limit: int) -> SearchResult:
        """Hits checked against the stored text (``ParsedQuery.accepts``): exact phrases and exclusions.

        Sub-words share their parent word's position, so whoosh also accepts 安全|管理 in
        安全生产|管理水平; a real phrase must occur in the text (punctuation and spaces aside).
        """
        from collections import Counter

        res = self._get_searcher().search(full, limit=None)
        kept = []
        counts = {name: Counter() for name in FACETS}
        for h in res:
            f = self._row(h.fields())
            if pq.accepts(row_text(f), f.get("project") or ""):
                kept.append((f, h.score))
                for name in FACETS:
                    counts[name][_facet_key(f.get(name))] += 1
        hits = [self._hit(f, score, terms) for f, score in kept[: max(0, limit)]]
        return SearchResult(query=query, total=len(kept), hits=hits,
                            facets={name: _sorted_counts(c) for name, c in counts.items()})

    def _doc_info(self, dockey: str) -> dict[str, Any]:
        info = self._docinfo.get(dockey)
        if info is None:
            rec = self._get_searcher().document(kind="document", dockey=dockey)
            info = self._docinfo[dockey] = (rec or {}).get("info") or {}
        return info

    def _row(self, stored: dict[str, Any]) -> dict[str, Any]:
        """A row's stored fields joined with its document's (path, hash, year, region, department, project)."""
        f = unpack_row(stored["r"])
        info = self._doc_info(f["dockey"])
        for k in ("path", "sha", "year", "region", "region_levels", "department"):
            f[k] = info.get(k)
        if f["kind"] in ("indicator", "project"):
            names = info.get("project_names") or []
            no = f.pop("project_no")
            f["project"] = names[no] if isinstance(no, int) and 0 <= no < len(names) else None
        return f

    def _hit(self, f: dict[str, Any], score: float | None, terms: set) -> dict[str, Any]:
        from jixiao.index.search import make_snippet

        kind = f.get("kind")
        text = row_text(f)
        hit = {"score": round(float(score or 0.0), 3), "kind": kind, "year": f.get("year"),
               "region": f.get("region"), "department": f.get("department"), "project": f.get("project"),
               "level1": f.get("level1"), "level2": f.get("level2"), "level3": f.get("level3"),
               "value": f.get("value"), "target": unpack_target(f.get("target")), "text": text,
               "snippet": make_snippet(text, terms, SNIPPET_CHARS),
               "source": {"path": f.get("path"), "sha256": f.get("sha")}}
        if f.get("region_levels"):
            hit["region_levels"] = f["region_levels"]
        if kind == "narrative":
            hit["heading"] = f.get("heading")
        elif kind == "indicator":
            hit["read_confidence"] = f.get("read_confidence", 1.0)
            hit["flags"] = f.get("flags") or []
        return hit

    def _doc_records(self, department: str | None = None, year: int | None = None):
        from whoosh import query as Q

        parts = [Q.Term("kind", "document")]
        if department:
            parts.append(Q.Term("department", department))
        if year is not None:
            parts.append(Q.NumericRange("year", year, year))
        s = self._get_searcher()
        return [s.stored_fields(n).get("info") or {} for n in s.docs_for_query(Q.And(parts))]

    @_reads_index
    def documents(self, department: str | None = None, year: int | None = None) -> list[Document]:
        """Stored Documents (full, as parsed), filtered by exact department and year."""
        s = self._get_searcher()
        docs = []
        for rec in sorted(self._doc_records(department, year), key=lambda r: (r.get("year") or 0, r.get("path") or "")):
            blob = s.document(kind="blob", sha=rec["sha"])
            if blob is not None:
                docs.append(Document.from_dict(json.loads(zlib.decompress(blob["blob"]).decode("utf-8"))))
        return docs

    departments = _reads_index(PathBookkeeping.departments)

    @_reads_index
    def similar_indicators(self, name: str, limit: int = 50) -> list[dict[str, Any]]:
        """Past indicator records whose level3 resembles ``name``: level3, value, target, categories, year."""
        from whoosh import query as Q

        from jixiao.index.analysis import iter_terms

        words = list(dict.fromkeys(t for t, *_ in iter_terms(name, index=True)))
        if not words:
            return []
        # The name field alone: only indicator rows have one (no kind filter, which whoosh would expand to
        # every indicator id per call), and a word of the value (购置节能环保设备) no longer makes an
        # unrelated indicator (生态效益增长率) similar to 设备采购数量. 2× faster at 10,900 rows.
        q = Q.Or([Q.Term("name", w) for w in words])
        res = self._get_searcher().search(q, limit=limit)
        out = []
        for h in res:
            f = self._row(h.fields())
            out.append({"score": round(float(h.score or 0.0), 3), "level3": f.get("level3"),
                        "value": f.get("value"), "target": unpack_target(f.get("target")),
                        "level1": f.get("level1"), "level2": f.get("level2"), "year": f.get("year"),
                        "department": f.get("department"), "project": f.get("project")})
        return out

    @_reads_index
    def stats(self) -> dict[str, int]:
        recs = info = self._doc_records()
        return {"documents": len(recs),
                "projects": sum(i.get("projects", 0) for i in info),
                "indicators": sum(i.get("indicators", 0) for i in info),
                "narrative": sum(i.get("narrative", 0) for i in info),
                "departments": len({r.get("department") for r in recs if r.get("department")}),
                "years": len({r.get("year") for r in recs if r.get("year") is not None})}


def merge_tiered(writer, segments):
    """Whoosh merge policy: merge a size tier once it holds MERGE_FACTOR segments.

    Whoosh's default (MERGE_SMALL) only merges tiny segments, so batch commits of equal size pile
    up (19 segments at 100k rows) and every query pays per segment; tiers keep the count logarithmic
    while each record is copied about log_8(size) times in all.
    """
    import math

    from whoosh.reading import SegmentReader

    def tier(seg):
        return int(math.log(max(1, seg.doc_count_all()), MERGE_FACTOR))

    tiers: dict[int, list] = {}
    for seg in segments:
        tiers.setdefault(tier(seg), []).append(seg)
    merge = [seg for t in sorted(tiers) for seg in tiers[t] if len(tiers[t]) >= MERGE_FACTOR]
    keep = [seg for seg in segments if seg not in merge]
    for seg in merge:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return keep


def _text_only(node) -> bool:
    """A query tree that can only match searchable records: every leaf a word, phrase or prefix in
    a field only rows have (text/name, project), and no negation."""
    from jixiao.index import query as N

    if isinstance(node, (N.Word, N.Phrase, N.Prefix)):
        return node.field in ("text", "project")
    if isinstance(node, (N.And, N.Or)):
        return bool(node.children) and all(_text_only(c) for c in node.children)
    return False


def _and(parts):
    from whoosh import query as Q

    return parts[0] if len(parts) == 1 else Q.And(parts)


def _sorted_counts(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _facet_key(k: Any) -> str:
    if isinstance(k, bytes):
        k = k.decode("utf-8", "replace")
    if k is None or k == "" or k == _NO_YEAR:  # whoosh's stand-in for "no year"
        return UNKNOWN
    return str(k)

"""The tantivy backend of ``Store``: the same records, tokens and answers as the whoosh backend, faster.

tantivy (the maintained Rust engine) gets the records of ``whoosh_store.records_for`` unchanged:
indicator rows and narrative targets (searched), one ``document`` record per file and one ``blob``
(the full Document JSON). Text is tokenized here by the shared analyzer (``analysis.iter_terms``) and
handed over pre-tokenized with its positions, so both engines index the same terms at the same
positions, and tantivy's own tokenizers (which drop tokens over 40 bytes) never run.

Phrases are exact in the engine. A dictionary sub-word sits at its parent word's position (满意 inside
满意率), so a plain phrase query would also accept 安全|管理 in 安全生产|管理水平. Sub-words are therefore
indexed with a mark saying where they sit in the parent (``\\x02`` prefix, ``\\x03`` suffix,
``\\x04`` inside); a phrase's first word may be a whole word or a suffix, its last a whole word or a
prefix, the words between only whole words — exactly the matches where the phrase is a substring of
the text. A plain word query matches the word and its marked forms.

Filters and facets (year, level2, department) run in the engine (range, term-set and terms
aggregations over fast fields). Commits are atomic (tantivy publishes a new meta.json); one writer
at a time (the same ingest lock file as whoosh); a damaged index is one ``IndexError_`` line.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from typing import Any

from jixiao.document import Document
from jixiao.errors import IndexError_, IndexLockedError, JixiaoError, SchemaVersionError
from jixiao.index.store import AddResult, PathBookkeeping, SearchFilters, SearchResult
from jixiao.index.whoosh_store import (FACETS, INGEST_LOCK, SEARCHABLE, UNKNOWN, VERSION_FILE, WhooshStore,
                                       records_for, unpack_target)

BACKEND = "tantivy"
SCHEMA_VERSION = 2  # of this backend's layout, in the marker file beside the backend's name (2: name, suspect, region levels)
PREFIX, SUFFIX, INSIDE = "\x02", "\x03", "\x04"
MARKS = (PREFIX, SUFFIX, INSIDE)
KEYWORDS = ("kind", "pathkey", "sha", "dockey", "region", "department", "level1", "level2", "suspect")
FAST_KEYWORDS = ("department", "level2")  # facets are terms aggregations over fast fields
JSON_FIELDS = ("r", "info")
TEXT_FIELDS = ("text", "name", "project")
FACET_SIZE = 10_000  # distinct values per facet returned (the national corpus has ~3,000 counties)
WRITER_HEAP = 256_000_000
_NO_YEAR = -(2 ** 62)  # the aggregation's bucket for records without a year


def build_schema():
    import tantivy

    sb = tantivy.SchemaBuilder()
    for name in KEYWORDS:
        sb.add_text_field(name, stored=name == "sha", fast=name in FAST_KEYWORDS, tokenizer_name="raw",
                          index_option="basic")
    for name in TEXT_FIELDS:
        # pre-tokenized by the shared analyzer; the tokenizer named here never sees our text
        sb.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_float_field("vnum", indexed=True, fast=True)
    for name in ("r", "info", "blob"):
        sb.add_bytes_field(name, stored=True)
    return sb.build()


def index_tokens(text: str) -> list[tuple[str, int, int, int]]:
    """``(term, position, start, end)`` as indexed: whole words plain, sub-words marked by where they sit."""
    from jixiao.index.analysis import iter_terms

    out = []
    ps = pe = ppos = None
    for term, pos, s, e in iter_terms(text, index=True):
        if pos != ppos:  # the first term at a position is the word itself
            ps, pe, ppos = s, e, pos
            out.append((term, pos, s, e))
        else:
            out.append((term + (PREFIX if s == ps else SUFFIX if e == pe else INSIDE), pos, s, e))
    return out


def _pretokenized(value):
    """A text, or ``(text, tokens)`` from ``prepare_records``, → tantivy's pre-tokenized value."""
    import tantivy

    text, tokens = value if isinstance(value, tuple) else (value, index_tokens(value))
    return tantivy.PreTokenizedString(text, [tantivy.Token(t, p, s, e) for t, p, s, e in tokens])


def prepare_records(doc: Document) -> list[dict[str, Any]]:
    """The records of ``doc`` with their text already tokenized: the costly part of indexing, done
    where the document was parsed (a worker process), so the single writer only adds them."""
    recs = records_for(doc)
    for rec in recs:
        for k in TEXT_FIELDS:
            if k in rec:
                rec[k] = (rec[k], index_tokens(rec[k]))
    return recs


def to_tantivy(rec: dict[str, Any]):
    """One ``records_for`` record → a tantivy Document."""
    import tantivy

    doc = tantivy.Document()
    for k, v in rec.items():
        if k in TEXT_FIELDS:
            doc.add_pre_tokenized_text(k, _pretokenized(v))
        elif k == "region":  # every level's names and codes, comma-joined by records_for
            for term in v.split(","):
                if term.strip():
                    doc.add_text(k, term.strip())
        elif k == "year":
            doc.add_integer(k, int(v))
        elif k == "vnum":
            doc.add_float(k, float(v))
        elif k in JSON_FIELDS:
            doc.add_bytes(k, json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        elif k == "blob":
            doc.add_bytes(k, v)
        elif k in KEYWORDS:
            doc.add_text(k, str(v))
        else:  # a new record field must get a place in build_schema (and SCHEMA_VERSION a bump)
            raise ValueError(f"tantivy schema has no field {k!r}")
    return doc


def _rx(term: str) -> str:
    """A literal term inside a tantivy (Rust) regex."""
    return re.sub(r"([.^$*+?()\[\]{}|\\\-&~#])", r"\\\1", term)


def _reads_index(method):
    """tantivy errors while reading mean damaged files: one IndexError_ naming the index."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (JixiaoError, KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as e:  # noqa: BLE001 - ValueError, and Rust panics (pyo3's PanicException
            # derives from BaseException) on damaged files whose footers still look right
            raise IndexError_(f"索引已损坏 the index at {self.index_dir} is damaged or unreadable "
                              f"({type(e).__name__}: {e}); delete it and re-ingest") from e

    return wrapper


class TantivyStore(PathBookkeeping):
    """``Store`` over a tantivy index directory. Use ``TantivyStore.open`` (or ``open_store``).

    A writable store holds the ingest lock until ``close()``; one tantivy writer takes every write
    and ``commit()`` publishes them atomically.
    """

    # Hits are assembled exactly as the whoosh backend does (same joins, snippets and fields).
    _row = WhooshStore._row
    _hit = WhooshStore._hit

    def __init__(self, index_dir: str, ix, *, writable: bool = False, lock=None):
        self.index_dir = index_dir
        self.ix = ix
        self.schema = ix.schema
        self.writable = writable
        self._lock = lock
        self._writer = None
        self._searcher = None
        self._pending: dict[str, str | None] = {}  # pathkey → sha it will hold (None: records deleted)
        self._pending_shas: dict[str, str] = {}  # sha → the pathkey that will hold it
        self._released: set[str] = set()  # shas whose committed holder is deleted or replaced
        self.last_query_note: str | None = None
        self._docinfo: dict[str, dict[str, Any]] = {}
        self._values: dict[str, list[str]] = {}  # keyword field → its indexed values, per searcher

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, index_dir: str, *, create: bool = False, writable: bool = False) -> "TantivyStore":
        import tantivy

        d = str(index_dir)
        lock = None
        if writable or create:
            try:
                os.makedirs(d, exist_ok=True)
            except OSError as e:
                raise IndexError_(f"无法创建索引目录 cannot create the index directory: {e.strerror or e}",
                                  where=d) from None
            lock = _ingest_lock(d)
        try:
            if not _exists(d):
                if not create:
                    raise IndexError_(f"没有索引 no index at {d}; build it first with `jixiao ingest PATH...` "
                                      f"(or pass --index DIR / set JIXIAO_INDEX)")
                cls._create(d)
            cls._check_version(d)
            try:
                # every byte, every open, before tantivy reads any (damage panics inside it): about
                # 15 ms per 20 MB (108,000 rows), and it warms the page cache for the search
                verify_checksums(d)
                ix = tantivy.Index.open(d)
                ix.searcher().num_docs  # noqa: B018 - opens every segment
            except (JixiaoError, KeyboardInterrupt, SystemExit):
                raise
            except BaseException as e:  # noqa: BLE001 - see _reads_index
                raise IndexError_(f"无法打开索引 cannot open the index at {d}: {type(e).__name__}: {e}; "
                                  f"delete it and re-ingest") from None
            if not writable and lock is not None:
                lock.release()
                lock = None
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return cls(d, ix, writable=writable, lock=lock)

    @staticmethod
    def _create(d: str) -> None:
        import tantivy

        ours = {INGEST_LOCK, VERSION_FILE, f"{INGEST_LOCK}.lock"}
        if any(not n.startswith(".") and n not in ours for n in os.listdir(d)):
            raise IndexError_(f"目录非空 {d} is not empty and holds no jixiao index; choose an empty or new "
                              f"directory for --index")
        # the marker first: a reader that sees the new index also sees its backend and version
        Path(d, VERSION_FILE).write_text(json.dumps({"backend": BACKEND, "schema_version": SCHEMA_VERSION}),
                                         encoding="utf-8")
        tantivy.Index(build_schema(), path=d, reuse=False)

    @staticmethod
    def _check_version(d: str) -> None:
        try:
            found = json.loads(Path(d, VERSION_FILE).read_text(encoding="utf-8")).get("schema_version")
        except (OSError, ValueError, AttributeError):
            found = None
        if found != SCHEMA_VERSION:
            raise SchemaVersionError(
                f"索引版本不符 the tantivy index at {d} has schema version {found or 'unknown'}, this jixiao needs "
                f"{SCHEMA_VERSION}; delete the directory and re-ingest (`jixiao ingest PATH... --index {d}`)")

    # ------------------------------------------------------------ writing

    def _get_writer(self):
        if not self.writable:
            raise IndexError_(f"index at {self.index_dir} was opened read-only")
        if self._writer is None:
            try:
                self._writer = self.ix.writer(heap_size=WRITER_HEAP, num_threads=1)
            except ValueError as e:  # tantivy's own lock: a writer outside jixiao's lock
                raise IndexLockedError(f"另一个进程正在写入 another process is writing to {self.index_dir} "
                                       f"({e}); wait for it to finish and run again") from None
        return self._writer

    status_of = _reads_index(PathBookkeeping.status_of)
    discard = _reads_index(PathBookkeeping.discard)

    def _sha_indexed(self, sha256: str) -> bool:
        return bool(self._find(kind="document", sha=sha256, limit=1))

    def _delete_path(self, key: str) -> None:
        self._get_writer().delete_documents_by_term("pathkey", key)

    def _held(self, key: str) -> str | None:
        if key in self._pending:
            return self._pending[key]
        docs = self._find(kind="document", pathkey=key, limit=1)
        return docs[0].get_first("sha") if docs else None

    def add_document(self, doc: Document, commit: bool = True, *, status: str | None = None,
                     prepared: list[dict[str, Any]] | None = None) -> AddResult:
        """Index one enriched Document; same contract as ``WhooshStore.add_document``.

        ``prepared``: ``prepare_records(doc)``, when a worker process made it.
        """
        status = status or self.status_of(doc.source.path, doc.source.sha256)
        if status == "skipped":
            return AddResult("skipped", 0)
        if status == "duplicate":
            self.discard(doc.source.path)
            if commit:
                self.commit()
            return AddResult("duplicate", 0)
        recs = prepared or records_for(doc)
        tdocs = [to_tantivy(r) for r in recs]  # before touching the writer: a bad record changes nothing
        w = self._get_writer()
        key = recs[-1]["pathkey"]
        if status == "replaced" or key in self._pending:
            # tantivy applies a delete to documents added before it only, so the new ones survive
            w.delete_documents_by_term("pathkey", key)
            self._forget(key, self._held(key))
        for t in tdocs:
            w.add_document(t)
        self._pending[key] = doc.source.sha256
        self._pending_shas[doc.source.sha256] = key
        if commit:
            self.commit()
        return AddResult(status, len(recs) - 2)

    def commit(self) -> None:
        """Make everything added so far durable and visible (atomic: a new meta.json)."""
        if self._writer is not None and (self._pending or self._released):
            try:
                self._writer.commit()
            except Exception as e:  # noqa: BLE001
                raise IndexError_(f"无法提交索引 cannot commit to the index at {self.index_dir}: {e}") from e
            self.ix.reload()
        self._pending.clear()
        self._pending_shas.clear()
        self._released.clear()
        self._drop_searcher()

    def cancel(self) -> None:
        if self._writer is not None:
            self._writer.rollback()
        self._pending.clear()
        self._pending_shas.clear()
        self._released.clear()

    def close(self) -> None:
        """Commit pending writes, let merges finish, release the ingest lock."""
        try:
            self.commit()
            if self._writer is not None:
                w, self._writer = self._writer, None
                w.wait_merging_threads()  # merges started by the commits end now, not mid-exit
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
        self._values.clear()
        self._searcher = None

    def _term(self, field: str, value) -> Any:
        import tantivy

        return tantivy.Query.term_query(self.schema, field, value)

    def _find(self, limit: int | None = None, **terms) -> list:
        """Stored documents whose keyword fields equal ``terms`` (all of them when ``limit`` is None)."""
        import tantivy

        q = tantivy.Query.boolean_query([(tantivy.Occur.Must, self._term(k, v)) for k, v in terms.items()])
        return self._docs_for(q, limit)

    def _docs_for(self, q, limit: int | None = None) -> list:
        s = self._get_searcher()
        if limit is None:
            limit = s.search(q, 1, count=True).count
        if limit <= 0:
            return []
        return [s.doc(addr) for _, addr in s.search(q, limit, count=False).hits]

    # -- queries

    def parse_query(self, query: str):
        """User query → ParsedQuery (backend-neutral, ``index/query.py``), translated by ``translate``."""
        from jixiao.index.query import parse_query

        pq = parse_query(query)
        self.last_query_note = pq.note
        return pq

    def _word(self, field: str, word: str):
        """A word as typed: the whole word, or a sub-word anywhere (scores add up like one term's)."""
        import tantivy

        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, self._term(field, w)) for w in (word, *(word + m for m in MARKS))])

    def _boost(self, q, weight: float):
        import tantivy

        return q if weight == 1.0 else tantivy.Query.boost_query(q, float(weight))

    def _named(self, make, weight: float = 1.0):
        """``make(field)`` over the row's name (weighted above) or its whole text, as whoosh's Or of both."""
        import tantivy

        from jixiao.index.query import FIELD_WEIGHTS

        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, self._boost(make("name"), FIELD_WEIGHTS["name"] * weight)),
             (tantivy.Occur.Should, self._boost(make("text"), FIELD_WEIGHTS["text"] * weight))])

    def translate(self, node):
        """A neutral query node (``index/query.py``) → a tantivy query with the same matches.

        Unlike whoosh, nothing is left to ``ParsedQuery.accepts``: phrases are exact in the engine
        (marked sub-words), so a longer exclusion (``-安全管理``) is a must-not phrase here.
        """
        import tantivy

        from jixiao.index import query as N

        T, Occur = tantivy.Query, tantivy.Occur

        def every(parts, occur):
            return parts[0] if len(parts) == 1 and occur is Occur.Must else T.boolean_query([(occur, p) for p in parts])

        if isinstance(node, N.Everything):
            return T.all_query()
        if isinstance(node, N.Word):
            if node.field != "text":
                return every([every([self._word(node.field, a.words[0]) for a in g if len(a.words) == 1], Occur.Should)
                              for g in node.groups], Occur.Must)
            groups = []
            for g in node.groups:
                alts = [every([self._named(lambda f, t=t: self._word(f, t), a.weight) for t in a.words], Occur.Must)
                        for a in g]
                groups.append(alts[0] if len(alts) == 1 else every(alts, Occur.Should))
            return every(groups, Occur.Must)
        if isinstance(node, N.Phrase):
            if node.field != "text":
                return self._phrase(node.field, node.tokens)
            return self._named(lambda f: self._phrase(f, node.tokens))
        if isinstance(node, N.Prefix):
            if node.field != "text":
                return T.regex_query(self.schema, node.field, _rx(node.text) + ".*")
            return self._named(lambda f: T.regex_query(self.schema, f, _rx(node.text) + ".*"))
        if isinstance(node, N.Match):
            return self._expand(node.field, node.value) if node.field != "kind" else self._term("kind", node.value)
        if isinstance(node, N.Range):
            return self._range(node.field, node.lo, node.hi)
        if isinstance(node, N.And):
            return every([self.translate(c) for c in node.children], Occur.Must)
        if isinstance(node, N.Or):
            return every([self.translate(c) for c in node.children], Occur.Should)
        if isinstance(node, N.Not):
            c = node.child
            if isinstance(c, N.Word) and c.field == "text":
                # an exclusion is exact (the words as typed, no concepts) and looks at the whole text
                words = [a.words[0] for g in c.groups for a in g[:1]]
                inner = self._word("text", words[0]) if len(words) == 1 else self._phrase("text", words)
            elif isinstance(c, N.Phrase) and c.field == "text":
                inner = self._phrase("text", c.tokens)
            else:
                inner = self.translate(c)
            return T.boolean_query([(Occur.Must, T.all_query()), (Occur.MustNot, inner)])
        raise TypeError(f"unknown query node {node!r}")

    def _range(self, field: str, lo, hi, incl_lo: bool = True, incl_hi: bool = True):
        import tantivy

        if lo is None and hi is None:
            return tantivy.Query.exists_query(field)
        kind = tantivy.FieldType.Integer if field == "year" else tantivy.FieldType.Float
        conv = int if field == "year" else float
        return tantivy.Query.range_query(self.schema, field, kind, None if lo is None else conv(lo),
                                         None if hi is None else conv(hi), include_lower=incl_lo or lo is None,
                                         include_upper=incl_hi or hi is None)

    def _phrase(self, field: str, words: list[str], slop: int = 0):
        """Exact phrase: first word whole or a suffix, last whole or a prefix, the rest whole (module doc)."""
        import tantivy

        if len(words) == 1:
            return self._word(field, words[0])
        pats = [_rx(w) for w in words]
        pats[0] += SUFFIX + "?"
        pats[-1] += PREFIX + "?"
        return tantivy.Query.regex_phrase_query(self.schema, field, pats, slop=slop)

    def _field_values(self, field: str) -> list[str]:
        """Every value a keyword field has in the index (a few thousand departments at most)."""
        if field not in self._values:
            self._values[field] = [v for v, _ in self._get_searcher().terms_with_prefix(field, "")]
        return self._values[field]

    def _keyword_range(self, q):
        import tantivy

        values = self._field_values(q.fieldname)
        lo, hi = q.start, q.end
        keep = [v for v in values if (lo is None or (v > lo if q.startexcl else v >= lo))
                and (hi is None or (v < hi if q.endexcl else v <= hi))]
        return tantivy.Query.term_set_query(self.schema, q.fieldname, keep) if keep else tantivy.Query.empty_query()

    def _expand(self, field: str, needle: str):
        """A keyword filter: the exact value, else every indexed value containing ``needle``."""
        import tantivy

        from jixiao.index.analysis import normalize

        codes = []
        if field == "region":  # any level, by the division list (安徽 finds 安徽省淮北市濉溪县)
            from jixiao.index.query import region_filter_terms

            codes = region_filter_terms(needle)
        values = self._field_values(field)
        if needle in values and not codes:
            return self._term(field, needle)
        n = normalize(needle.strip())
        hits = list(dict.fromkeys(codes + [v for v in values if n in normalize(v)]))
        return tantivy.Query.term_set_query(self.schema, field, hits) if hits else tantivy.Query.empty_query()

    def filter_query(self, f: SearchFilters | None) -> list:
        """SearchFilters → tantivy queries that must all match."""
        out = []
        if f is None:
            return out
        if f.year is not None:
            out.append(self._range("year", f.year, f.year))
        if f.year_from is not None or f.year_to is not None:
            out.append(self._range("year", f.year_from, f.year_to))
        for name in ("department", "region", "level1", "level2"):
            v = getattr(f, name)
            if v:
                out.append(self._expand(name, v))
        if f.kind:
            out.append(self._term("kind", f.kind))
        if f.vmin is not None or f.vmax is not None:
            out.append(self._range("vnum", f.vmin, f.vmax))
        if getattr(f, "confident", False):
            import tantivy

            out.append(tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()),
                                                    (tantivy.Occur.MustNot, self._term("suspect", "1"))]))
        return out

    def _full_query(self, q, filters: SearchFilters | None):
        import tantivy

        Occur, T = tantivy.Occur, tantivy.Query
        # rows only (never the document/blob records), and filters that do not score
        conds = [T.term_set_query(self.schema, "kind", list(SEARCHABLE))] + self.filter_query(filters)
        return T.boolean_query([(Occur.Must, self.translate(q))]
                               + [(Occur.Must, T.const_score_query(c, 0.0)) for c in conds])

    @_reads_index
    def search(self, query: str, filters: SearchFilters | None = None, limit: int = 20) -> SearchResult:
        pq = self.parse_query(query)
        full = self._full_query(pq.root, filters)
        terms = pq.highlight_terms()
        s = self._get_searcher()
        from jixiao.index.query import _engine_excludes

        if not all(_engine_excludes(w) for w in pq.excluded):
            # The engine left out rows holding the excluded words as whole words or phrases; a word
            # inside a longer one (or across words) is found only in the text, as whoosh does it.
            return self._search_verified(query, full, pq, terms, limit)
        res = s.search(full, max(1, limit), count=True)
        hits = [self._hit(self._row(_stored(s.doc(addr))), score, terms) for score, addr in res.hits[: max(0, limit)]]
        if len(hits) == res.count:  # every match is on the page: count them here, not in a second pass
            facets = {name: _counted(h.get(name) for h in hits) for name in FACETS}
        else:
            facets = self._facets(full)
        return SearchResult(query=query, total=res.count, hits=hits, facets=facets)

    def _search_verified(self, query: str, full, pq, terms: set, limit: int) -> SearchResult:
        """Every match checked with ``ParsedQuery.accepts`` (exclusions as substrings of the text)."""
        from jixiao.index.whoosh_store import row_text

        s = self._get_searcher()
        n = s.search(full, 1, count=True).count
        kept = []
        for score, addr in (s.search(full, n, count=False).hits if n else []):
            f = self._row(_stored(s.doc(addr)))
            if pq.accepts(row_text(f), f.get("project") or ""):
                kept.append((f, score))
        hits = [self._hit(f, score, terms) for f, score in kept[: max(0, limit)]]
        facets = {name: _counted(f.get(name) for f, _ in kept) for name in FACETS}
        return SearchResult(query=query, total=len(kept), hits=hits, facets=facets)

    def _facets(self, full) -> dict[str, dict[str, int]]:
        """Counts over every match, computed in the engine (terms aggregations on fast fields)."""
        aggs = {name: {"terms": {"field": name, "size": FACET_SIZE,
                                 "missing": _NO_YEAR if name == "year" else UNKNOWN}} for name in FACETS}
        res = self._get_searcher().aggregate(full, aggs)
        out = {}
        for name in FACETS:
            counts: dict[str, int] = {}
            for b in res.get(name, {}).get("buckets", []):
                k = b["key"]
                label = UNKNOWN if k in (None, "", _NO_YEAR) else str(int(k) if isinstance(k, float) else k)
                counts[label] = counts.get(label, 0) + int(b["doc_count"])
            out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return out

    def _doc_info(self, dockey: str) -> dict[str, Any]:
        info = self._docinfo.get(dockey)
        if info is None:
            docs = self._find(kind="document", dockey=dockey, limit=1)
            info = self._docinfo[dockey] = (_stored(docs[0]).get("info") or {}) if docs else {}
        return info

    def _doc_records(self, department: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
        import tantivy

        parts = [self._term("kind", "document")]
        if department:
            parts.append(self._term("department", department))
        if year is not None:
            parts.append(self._range("year", year, year))
        q = tantivy.Query.boolean_query([(tantivy.Occur.Must, p) for p in parts])
        return [_stored(d).get("info") or {} for d in self._docs_for(q)]

    @_reads_index
    def documents(self, department: str | None = None, year: int | None = None) -> list[Document]:
        import zlib

        docs = []
        for rec in sorted(self._doc_records(department, year), key=lambda r: (r.get("year") or 0, r.get("path") or "")):
            blobs = self._find(kind="blob", sha=rec["sha"], limit=1)
            if blobs:
                data = zlib.decompress(blobs[0].get_first("blob")).decode("utf-8")
                docs.append(Document.from_dict(json.loads(data)))
        return docs

    departments = _reads_index(PathBookkeeping.departments)

    @_reads_index
    def similar_indicators(self, name: str, limit: int = 50) -> list[dict[str, Any]]:
        import tantivy

        from jixiao.index.analysis import iter_terms

        words = list(dict.fromkeys(t for t, *_ in iter_terms(name, index=True)))
        if not words:
            return []
        # the name field alone, as whoosh: only indicator rows have one, and a word of a row's value
        # does not make an unrelated indicator similar
        q = tantivy.Query.boolean_query([(tantivy.Occur.Should, self._word("name", w)) for w in words])
        s = self._get_searcher()
        out = []
        for score, addr in s.search(q, max(1, limit), count=False).hits[:limit]:
            f = self._row(_stored(s.doc(addr)))
            out.append({"score": round(float(score or 0.0), 3), "level3": f.get("level3"),
                        "value": f.get("value"), "target": unpack_target(f.get("target")),
                        "level1": f.get("level1"), "level2": f.get("level2"), "year": f.get("year"),
                        "department": f.get("department"), "project": f.get("project")})
        return out

    @_reads_index
    def stats(self) -> dict[str, int]:
        recs = self._doc_records()
        return {"documents": len(recs),
                "projects": sum(i.get("projects", 0) for i in recs),
                "indicators": sum(i.get("indicators", 0) for i in recs),
                "narrative": sum(i.get("narrative", 0) for i in recs),
                "departments": len({r.get("department") for r in recs if r.get("department")}),
                "years": len({r.get("year") for r in recs if r.get("year") is not None})}


def _counted(values) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in values:
        k = UNKNOWN if v is None or v == "" else str(v)
        counts[k] = counts.get(k, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _stored(doc) -> dict[str, Any]:
    """A stored tantivy document → ``{"r": row tuple}`` / ``{"info": dict}`` as whoosh stores them."""
    out = {}
    for k in JSON_FIELDS:
        v = doc.get_first(k)
        if v is not None:
            out[k] = json.loads(bytes(v).decode("utf-8"))
    return out


def verify_checksums(d: str) -> None:
    """Check every file of the index's segments against the CRC32 in its footer.

    tantivy checks a file's footer when it opens it, not its body, so damage inside a file shows as
    a panic mid-search, or as silently wrong answers. Raises IndexError_ naming the damaged file.
    """
    import struct
    import zlib

    meta = json.loads(Path(d, "meta.json").read_text(encoding="utf-8"))
    for seg in meta.get("segments", []):
        sid = seg["segment_id"].replace("-", "")
        for f in sorted(Path(d).glob(sid + ".*")):
            try:
                data = f.read_bytes()
            except FileNotFoundError:  # merged away by a writer's commit since meta.json was read
                continue
            ok = False
            if len(data) >= 8:
                length, _magic = struct.unpack("<II", data[-8:])
                try:
                    crc = json.loads(data[-8 - length:-8]).get("crc")
                    ok = crc == zlib.crc32(data[:-8 - length])
                except (ValueError, AttributeError):
                    ok = False
            if not ok:
                raise IndexError_(f"索引已损坏 the index at {d} is damaged ({f.name} fails its checksum); "
                                  f"delete it and re-ingest")


def _exists(d: str) -> bool:
    return Path(d, "meta.json").is_file()


def _ingest_lock(d: str):
    """The same lock file whoosh indexes use: one `jixiao ingest` per index, whatever its backend."""
    from whoosh.filedb.filestore import FileStorage

    lock = FileStorage(d).lock(INGEST_LOCK)
    if not lock.acquire(False):
        raise IndexLockedError(f"另一个入库进程正在写入 another `jixiao ingest` is writing to {d}; "
                               f"wait for it to finish and run again")
    return lock

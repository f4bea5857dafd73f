"""Opening a whoosh index safely: no code from the index files, and damage found before it is trusted.

whoosh keeps pickles on disk: the schema and the segment list in the TOC, posting blocks, column
headers and stored fields in the segments. Indexes are shared (a folder on a network drive), and
unpickling runs whatever a crafted file names. So jixiao never unpickles the schema (it passes the one
built from code) and reads every other whoosh pickle through ``SafeUnpickler``, which builds only the
few plain types whoosh's own files hold and refuses any other global (``os.system`` and friends).

Damage: whoosh reads lazily, so a bad byte in a segment surfaces mid-search, or never. Every commit
writes a manifest (``jixiao-manifest.json``: size and SHA-256 of the TOC and of each segment file of
that generation); ``ingest`` checks the files against it before writing (and scans every record of an
index without one); searches check them too (sizes only beyond DEEP_CHECK_BYTES). A mismatch is one
IndexError_ saying how to rebuild.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
from pathlib import Path

from jixiao.errors import IndexError_

INDEX_NAME = "MAIN"
MANIFEST = "jixiao-manifest.json"
# Read-only opens hash the files too while the index is this small (about 0.1 s); beyond, sizes only.
DEEP_CHECK_BYTES = 64 * 1024 * 1024

# The globals that whoosh's pickles in a jixiao index name (traced over ingest, search, suggest and
# compare). Only classes or functions that cannot touch the system; the schema pickle is never loaded.
_ALLOWED = {
    ("whoosh.codec.whoosh3", "W3Codec"),
    ("whoosh.codec.whoosh3", "W3Segment"),
    ("collections", "defaultdict"),
    ("collections", "OrderedDict"),
    ("builtins", "int"),
    ("builtins", "float"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
}
_RENAMED = {"__builtin__": "builtins", "copy_reg": "copyreg"}


def _latin1(text, encoding="latin1", errors="strict"):
    """What protocol-2 pickles call to rebuild bytes (``_codecs.encode(str, 'latin1')``), and nothing else."""
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise pickle.UnpicklingError(f"refused _codecs.encode(…, {encoding!r})")
    return text.encode("latin-1")


def _empty_bytes(*args):
    """``bytes()`` as protocol 2 writes b'' — never ``bytes(10**10)``."""
    if args and not isinstance(args[0], (str, bytes)) or len(args) > 2:
        raise pickle.UnpicklingError("refused bytes(…) with a size")
    return bytes(*args)


class SafeUnpickler(pickle.Unpickler):
    """An unpickler that builds only whoosh's own segment objects and plain data."""

    def find_class(self, module, name):
        key = (_RENAMED.get(module, module), name)
        if key == ("_codecs", "encode"):
            return _latin1
        if key == ("builtins", "bytes"):
            return _empty_bytes
        if key in _ALLOWED:
            return super().find_class(*key)
        raise pickle.UnpicklingError(f"refused to load {module}.{name} from the index (not data whoosh writes)")


def safe_loads(data, **_):
    return SafeUnpickler(io.BytesIO(data)).load()


def safe_load(file, **_):
    return SafeUnpickler(file).load()


_hardened = False


def harden_whoosh() -> None:
    """Route every pickle whoosh reads through ``SafeUnpickler`` (idempotent).

    whoosh calls ``loads``/``load`` through names it imported into three modules; whoosh-reloaded is
    pinned (==2.7.5), and the check below fails loudly if a release moves them.
    """
    global _hardened  # noqa: PLW0603 - the patch itself is process-wide: whoosh has one set of modules
    if _hardened:
        return
    import whoosh.codec.whoosh3 as w3
    import whoosh.columns as columns
    import whoosh.filedb.structfile as structfile

    for module, attr, fn in ((w3, "loads", safe_loads), (columns, "loads", safe_loads),
                             (structfile, "load_pickle", safe_load)):
        if not hasattr(module, attr):
            raise RuntimeError(f"whoosh changed: {module.__name__}.{attr} is gone; update jixiao.index.integrity")
        setattr(module, attr, fn)
    _hardened = True


# ---------------------------------------------------------------- existence and manifest

def latest_generation(d: str) -> int:
    """The newest TOC generation in ``d`` (-1: no index), from file names only (nothing is read)."""
    import re

    pattern = re.compile(r"^_%s_([0-9]+)\.toc$" % INDEX_NAME)
    try:
        names = os.listdir(d)
    except OSError:
        return -1
    return max((int(m.group(1)) for n in names if (m := pattern.match(n))), default=-1)


def index_exists(d: str) -> bool:
    return latest_generation(d) >= 0


def _files_of(d: str, ix, gen: int) -> list[str]:
    """The TOC and every file of every segment of generation ``gen``."""
    from whoosh.index import TOC

    names = sorted(os.listdir(d))
    toc = TOC.read(ix.storage, INDEX_NAME, gen, schema=ix._schema)  # noqa: SLF001 - the schema from code
    files = [f"_{INDEX_NAME}_{gen}.toc"]
    for seg in toc.segments:
        prefix = seg.segment_id() + "."
        files += [n for n in names if n.startswith(prefix)]
    return files


def _digest(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(d: str, ix) -> None:
    """Record the size and SHA-256 of the current generation's files (after a commit, under the lock).

    Segment files never change once written (deletions live in the TOC), so digests of files the
    previous manifest already lists with the same size are reused.
    """
    gen = ix.latest_generation()
    old = (read_manifest(d) or {}).get("files", {})
    files = {}
    for n in _files_of(d, ix, gen):
        path = os.path.join(d, n)
        size = os.path.getsize(path)
        prev = old.get(n)
        reuse = not n.endswith(".toc") and isinstance(prev, list) and len(prev) == 2 and prev[0] == size
        files[n] = [size, prev[1] if reuse else _digest(path)]
    tmp = os.path.join(d, MANIFEST + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"generation": gen, "files": files}, f)
    os.replace(tmp, os.path.join(d, MANIFEST))


def read_manifest(d: str) -> dict | None:
    try:
        m = json.loads(Path(d, MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(m, dict) or not isinstance(m.get("files"), dict) or not isinstance(m.get("generation"), int):
        return None
    return m


def damaged(d: str, why: str) -> IndexError_:
    return IndexError_(f"索引已损坏 the index at {d} is damaged ({why}); 请删除后重建 delete it and re-ingest "
                       f"(`jixiao ingest PATH... --index {d}` after removing the folder)")


def verify(d: str, ix, *, deep: bool | None = None) -> bool:
    """Check the index files against the manifest of their generation; True if they were checked.

    ``deep``: compare SHA-256 (ingest), else sizes only; None: SHA-256 while the index is at most
    DEEP_CHECK_BYTES (searches of a typical index), sizes beyond (a stat per file). False when there
    is no manifest for this generation (an index from an older jixiao, a commit killed before its
    manifest was written, or a writer committing right now): the caller may then ``scan`` the records.
    """
    m = read_manifest(d)
    gen = ix.latest_generation()
    if m is None or m["generation"] != gen:
        return False
    try:
        present = set(_files_of(d, ix, gen))
    except FileNotFoundError:
        return False  # a concurrent commit replaced this generation between the two reads
    expected = m["files"]
    if deep is None:
        sizes = [e[0] for e in expected.values() if isinstance(e, list) and len(e) == 2 and isinstance(e[0], int)]
        deep = sum(sizes) <= DEEP_CHECK_BYTES
    problem = None
    for name in sorted(present - set(expected)):
        problem = problem or f"{name} is not one of the files jixiao wrote"
    for name, entry in sorted(expected.items()):
        if problem:
            break
        path = os.path.join(d, name)
        size, digest = entry if isinstance(entry, list) and len(entry) == 2 else (None, None)
        try:
            actual = os.path.getsize(path)
        except OSError:
            problem = f"{name} is missing"
            break
        if actual != size:
            problem = f"{name} has {actual} bytes, {size} were written"
        elif deep and _digest(path) != digest:
            problem = f"{name} has changed since it was written (checksum mismatch)"
    if problem and ix.latest_generation() == gen:
        raise damaged(d, problem)
    return not problem


def scan(d: str, ix) -> None:
    """Read every stored record and every posting list once: a damaged segment fails here."""
    try:
        with ix.reader() as r:
            for _ in r.all_stored_fields():
                pass
            for fieldname, text in r.all_terms():
                for _ in r.postings(fieldname, text).all_ids():
                    pass
    except IndexError_:
        raise
    except Exception as e:  # noqa: BLE001 - whatever whoosh raises on a bad byte
        raise damaged(d, f"{type(e).__name__}: {str(e)[:120]}") from None

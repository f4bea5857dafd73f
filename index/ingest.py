"""``jixiao ingest``: parse → extract → classify → index a batch of files, idempotently.

A file whose content hash is already indexed is skipped before it is parsed (under another path it is
a copy: one document per content, and what that path held before is removed); a changed file replaces
its old records; a bad file is named on stderr and skipped. Writes are committed every
``BATCH_FILES`` files (whoosh commits are atomic), so a killed run loses at most its last batch and
never anything committed before.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from jixiao.errors import IndexError_, JixiaoError

BATCH_FILES = 50
BATCH_RECORDS = 20_000


def _error_line(path, e: BaseException) -> str:
    if isinstance(e, JixiaoError):
        return f"错误 Error: {e}" if e.where else f"错误 Error: {path}: {e}"
    if isinstance(e, OSError):
        return f"错误 Error: {path}: [R001] 无法读取 cannot read: {e.strerror or e}"
    # A bug in a pipeline stage must not stop the batch; name the file and the exception, no traceback.
    return f"错误 Error: {path}: [J000] 内部错误 internal error {type(e).__name__}: {e}"


def run_ingest(paths, index_dir: str, *, year=None, region=None, department=None, model_path=None,
               progress: bool = True, out=None, err=None, parser=None) -> bool:
    """Ingest ``paths`` (files or folders) into the index at ``index_dir``; False if any file failed.

    Prints one error line per bad file on ``err`` and a closing summary on ``out``.
    """
    from jixiao.corpus.readers import read_bytes, sha256_of
    from jixiao.index.store import open_store
    from jixiao.output import progress_bar, short_name
    from jixiao.pipeline.enrich import Parser, iter_input_files

    out = out or sys.stdout
    err = err or sys.stderr
    files = list(iter_input_files(paths))
    if not files:
        print(f"错误 Error: 没有可入库的文件 no .txt/.docx/.xlsx/.pdf files found in {' '.join(map(str, paths))}",
              file=err)
        return False
    if parser is None:
        parser = Parser(year=year, region=region, department=department, model_path=model_path)
    if getattr(parser, "classify", False):
        parser.model  # noqa: B018 - a missing or damaged model is one error, not one per file
    store = open_store(index_dir, create=True, writable=True)
    n = Counter()
    t0 = time.perf_counter()
    bar = progress_bar(len(files), err) if progress else None
    emit = (lambda line: bar.console.print(line, markup=False, highlight=False)) if bar else \
        (lambda line: print(line, file=err))
    duplicates: list[Path] = []  # skipped: the same content is indexed under another path
    dropped: set[Path] = set()  # duplicates whose older content was removed from the index
    writing = False  # inside a write: a Ctrl-C there leaves whoosh's writer half-updated

    def write(path: Path, fn):
        nonlocal writing
        writing = True
        try:
            out = fn()
        except Exception as e:  # whoosh's writer may hold part of this document: commit nothing more
            raise IndexError_(f"无法写入索引 cannot add the file to the index ({type(e).__name__}: {e}); "
                              f"files since the last commit were not indexed, run again", where=str(path)) from e
        writing = False
        return out

    def ingest_one(path: Path) -> tuple[str, int]:
        """Index one file: its status and the number of records written (0 when skipped or failed)."""
        try:
            data = read_bytes(path)  # once: hashed here, parsed below if the index needs it
            sha = sha256_of(data)
            status = store.status_of(str(path), sha)
            if status in ("skipped", "duplicate"):
                n["skipped"] += 1
                if status == "duplicate":
                    duplicates.append(path)
                    # one document per content: what this path held before is no longer in it
                    if write(path, lambda: store.discard(str(path))):
                        dropped.add(path)
                return status, 0
            doc = parser.parse(path, data)
            doc.source.sha256 = sha  # the index identifies a file by its bytes
            res = write(path, lambda: store.add_document(doc, commit=False, status=status))
        except (KeyboardInterrupt, SystemExit, IndexError_):
            raise  # a damaged or locked index is not this file's fault: stop the batch
        except Exception as e:  # noqa: BLE001 - every failure is reported per file
            n["failed"] += 1
            emit(_error_line(path, e))
            return "failed", 0
        if res.status in ("skipped", "duplicate"):
            n["skipped"] += 1
            return res.status, 0
        n[res.status] += 1
        n["projects"] += len(doc.projects)
        n["indicators"] += sum(len(p.indicators) for p in doc.projects)
        n["narrative"] += sum(len(s.targets) for s in doc.sections)
        n["warnings"] += len(doc.warnings)
        return res.status, max(1, res.records)

    try:
        with store:
            pending_files = pending_recs = 0
            for i, path in enumerate(files):
                if bar:
                    bar.update(bar.task_ids[0], completed=i, description=short_name(path))
                try:
                    written = ingest_one(path)[1]
                except KeyboardInterrupt:
                    if not writing:  # struck while parsing: keep the files finished before it
                        store.commit()
                    raise
                pending_files += written > 0
                pending_recs += written
                if pending_files >= BATCH_FILES or pending_recs >= BATCH_RECORDS:
                    store.commit()
                    pending_files = pending_recs = 0
            if bar:
                bar.update(bar.task_ids[0], completed=len(files), description="提交 committing")
            store.commit()
            # A copy skipped because its content was indexed under another path must not vanish
            # when that other file changed in this same run: re-check against the committed index.
            again, duplicates[:] = list(duplicates), []
            for path in again:
                n["skipped"] -= 1
                if ingest_one(path)[0] == "added" and path in dropped:  # its old records went in pass one
                    n["added"] -= 1
                    n["replaced"] += 1
                    dropped.discard(path)
            store.commit()
            totals = store.stats()
    finally:
        if bar:
            bar.stop()
    secs = time.perf_counter() - t0
    print(f"入库 ingest → {index_dir}  ({secs:.1f} s)", file=out)
    print(f"  文件 files {len(files)}: 新增 added {n['added']}, 替换 replaced {n['replaced']}, "
          f"跳过 skipped {n['skipped']} ({_skipped_why(len(duplicates))}), 失败 failed {n['failed']}", file=out)
    if dropped:
        print(f"  {len(dropped)} 个文件现与另一已入库文件内容相同 file(s) now hold the same content as another "
              f"indexed file: their old records were removed, the content is indexed once", file=out)
    print(f"  本次 this run: 项目 projects {n['projects']}, 指标 indicators {n['indicators']}, "
          f"叙述目标 narrative targets {n['narrative']}, 警告 warnings {n['warnings']}"
          + (" (`ingest --warnings` lists them with their files)" if n["warnings"] else ""), file=out)
    print(f"  索引合计 index total: 文件 documents {totals['documents']}, 指标 indicators {totals['indicators']}, "
          f"叙述目标 narrative {totals['narrative']}, 部门 departments {totals['departments']}", file=out)
    if n["failed"]:
        print(f"  {n['failed']} 个文件失败 file(s) failed (named above); the rest is indexed", file=out)
    return n["failed"] == 0


def _skipped_why(copies: int) -> str:
    return f"unchanged, or {copies} 个副本 copies of another indexed file" if copies else "unchanged"


def print_warnings(paths, index_dir: str, out=None) -> int:
    """``ingest --warnings``: every reading warning of the files under ``paths``, one line each with its
    file, as the index holds them (so a file skipped as unchanged shows its warnings too). A file
    found by content under another path shows that document's warnings; a failed file has none
    (its error was named). Returns the number of warnings listed."""
    from jixiao.corpus.readers import read_bytes, sha256_of
    from jixiao.index.store import open_store
    from jixiao.pipeline.enrich import iter_input_files

    out = out or sys.stdout
    files = list(iter_input_files(paths))
    store = open_store(index_dir)
    try:
        by_sha = {d.source.sha256: d.warnings for d in store.documents()}
    finally:
        store.close()
    lines = []
    with_any = 0
    for path in files:
        try:
            warnings = by_sha.get(sha256_of(read_bytes(path)), [])
        except Exception:  # noqa: BLE001 - unreadable now: its error was named by the ingest itself
            continue
        with_any += bool(warnings)
        for w in warnings:
            where = f" ({w.where})" if w.where and w.where != str(path) and w.where not in w.message else ""
            lines.append(f"  {path}: {w.code} {w.message}{where}")
    print(f"警告 warnings: {len(lines)} in {with_any} 个文件 file(s)", file=out)
    for line in lines:
        print(line, file=out)
    return len(lines)

"""Benchmark the two index backends (whoosh, tantivy) at scale, and parallel ingest against a naive pipeline.

Prints figures; it is not a test. Speeds are ratios against baselines measured in the same run (the
machine is shared and noisy: compare ratios, not milliseconds).

1. Scale: indexes of 10k and 100k rows (``--million`` adds 1M) built by each backend's
   ``add_document`` from copies of parsed documents (``bench_index.clones``): index rows/s, size,
   and query latency p50/p95 for term, two-term, phrase and filtered queries through
   ``Store.search`` (a warm-up pass, then the median of 3 timed passes per query). The totals of
   every query are compared between the backends ("same answers").
2. Ingest check: ``--docs`` generated documents (1,000 → 108,000 rows; ``gen_docs``) ingested end to
   end by ``run_ingest --backend tantivy`` (worker processes) against the naive pipeline on the same
   files in the same run: each file parsed in one process, rows indexed by whoosh with jieba's
   ``ChineseAnalyzer`` and one writer. Also ``run_ingest`` with whoosh, and with ``--jobs 1``.
3. The library search path of ``jixiao serve`` on that index: ``open_store`` once, then
   ``store.search(...).to_dict()`` serialized to JSON, p50/p95 over the query set.

    python bench/bench_scale.py                          # 1,000 docs, 10k and 100k rows
    python bench/bench_scale.py --docs 100 --scales 10000 --queries 20   # quick look
    python bench/bench_scale.py --million                # adds 1M rows (long on 2 cores)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_index import build_baseline, clones, dir_size, latency, make_parser, make_queries, rows_of  # noqa: E402
from gen_docs import generate  # noqa: E402

BACKENDS = ("whoosh", "tantivy")


def build(docs, d: str, backend: str, batch: int = 50) -> float:
    from jixiao.index.store import open_store

    t = time.perf_counter()
    with open_store(d, create=True, writable=True, backend=backend) as st:
        for i, doc in enumerate(docs, 1):
            st.add_document(doc, commit=False)
            if i % batch == 0:
                st.commit()
    return time.perf_counter() - t  # close() included: tantivy's merges finish inside it


def runner(d: str):
    from jixiao.index.store import SearchFilters, open_store

    st = open_store(d)

    def run(q, f):
        return st.search(q, SearchFilters(**f) if f else None, limit=10).total

    return run, st


def scale(docs, n: int, queries_per_type: int, work: Path, keep: bool, backends=BACKENDS) -> None:
    cl = clones(docs, n)
    actual = rows_of(cl)
    queries = make_queries(cl, queries_per_type)
    results, totals = {}, {}
    for backend in backends:
        d = work / f"ix-{n}-{backend}"
        shutil.rmtree(d, ignore_errors=True)
        t = build(cl, str(d), backend)
        run, st = runner(str(d))
        totals[backend] = {k: [run(q, f) for q, f in v] for k, v in queries.items()}
        res = {k: latency(run, v) for k, v in queries.items()}
        st.close()
        size = dir_size(d)
        results[backend] = (t, size, res)
        _row(actual, backend, actual / t, size, res)
        if not keep:
            shutil.rmtree(d, ignore_errors=True)
    if len(results) < 2:
        return
    (tw, sw, rw), (tt, st_, rt) = results["whoosh"], results["tantivy"]
    same = sum(a == b for k in queries for a, b in zip(totals["whoosh"][k], totals["tantivy"][k]))
    count = sum(len(v) for v in queries.values())
    print(f"{'':>9} tantivy/whoosh: index speed {tw / tt:.1f}x, size {st_ / sw:.2f}x, p50 speed "
          + "  ".join(f"{k} {rw[k][0] / rt[k][0]:.0f}x" for k in rw)
          + f"; p95 " + "  ".join(f"{k} {rw[k][1] / rt[k][1]:.0f}x" for k in rw)
          + f"; same totals {same}/{count}")


def _row(rows, engine, speed, size, res):
    lat = " ".join(f"{res[k][0]:7.2f}/{res[k][1]:7.2f}" for k in ("term", "two-term", "phrase", "filtered"))
    print(f"{rows:>9,} {engine:<8} {speed:>8,.0f} {size / 1e6:>7.1f} {size / rows:>6.0f}  {lat}  "
          f"{res['phrase'][2]}/{res['phrase'][3]}", flush=True)


def naive_pipeline(paths, parser, d: str) -> float:
    """Each file parsed in this one process, then whoosh + jieba's ChineseAnalyzer with one writer."""
    t = time.perf_counter()
    docs = [parser.parse(p) for p in paths]
    t_parse = time.perf_counter() - t
    t_index = build_baseline(docs, d)
    print(f"  (naive: parse {t_parse:.1f} s + whoosh ChineseAnalyzer index {t_index:.1f} s)")
    return time.perf_counter() - t


def ingest_check(n_docs: int, work: Path, parser, queries_per_type: int) -> None:
    from jixiao.index.ingest import default_jobs, run_ingest

    paths = generate(n_docs, work / "docs")
    devnull = open(os.devnull, "w")

    def ingest(backend, jobs=None):
        d = work / f"ix-ingest-{backend}-{jobs or 'auto'}"
        shutil.rmtree(d, ignore_errors=True)
        t = time.perf_counter()
        ok = run_ingest([str(work / "docs")], str(d), progress=False, out=devnull, err=devnull, parser=parser,
                        backend=backend, jobs=jobs)
        return time.perf_counter() - t, d, ok

    t_tv, d_tv, ok = ingest("tantivy")
    from jixiao.index.store import open_store

    with open_store(str(d_tv)) as st:
        rows = st.stats()["indicators"]
    print(f"\n== ingest: {len(paths)} generated documents, {rows:,} indicator rows, "
          f"{default_jobs(len(paths))} worker processes on {os.cpu_count()} cores")
    d_naive = work / "ix-naive"
    shutil.rmtree(d_naive, ignore_errors=True)
    t_naive = naive_pipeline(paths, parser, str(d_naive))
    t_wh, d_wh, _ = ingest("whoosh")
    t_tv1, d_tv1, _ = ingest("tantivy", 1)
    print(f"naive whoosh+jieba (1 process)     {rows / t_naive:7,.0f} rows/s  ({t_naive:.1f} s)  = 1.00")
    for name, t, d in (("run_ingest --backend tantivy", t_tv, d_tv), ("run_ingest --backend whoosh", t_wh, d_wh),
                       ("run_ingest tantivy --jobs 1", t_tv1, d_tv1)):
        print(f"{name:<34} {rows / t:7,.0f} rows/s  ({t:.1f} s)  = {t_naive / t:.2f}x naive   "
              f"index {dir_size(d) / 1e6:.1f} MB")
    print(f"tantivy ingest ok={ok}; index of the naive pipeline {dir_size(d_naive) / 1e6:.1f} MB")

    # ---- 3. what serve calls, on this index
    docs = [parser.parse(p) for p in paths[:100]]
    queries = make_queries(docs, queries_per_type, seed=2)
    from jixiao.index.store import SearchFilters

    for backend, d in (("tantivy", d_tv), ("whoosh", d_wh)):
        st = open_store(str(d))
        flat = [(q, f) for v in queries.values() for q, f in v]

        def api(q, f):
            body = json.dumps(st.search(q, SearchFilters(**f) if f else None, limit=20).to_dict(), ensure_ascii=False)
            return len(body)

        p50, p95, _, nq = latency(api, flat)
        st.close()

        def cold(q, f):
            with open_store(str(d)) as s2:
                return s2.search(q, SearchFilters(**f) if f else None, limit=20).total

        c50, c95, _, _ = latency(cold, flat[:: max(1, len(flat) // 40)], passes=1)
        print(f"serve search path on {rows:,} rows, {backend:<7}: store kept open p50 {p50:.1f} ms, p95 {p95:.1f} ms "
              f"({nq} queries, limit 20, JSON); opened per request p50 {c50:.1f} / p95 {c95:.1f} ms")


def jobs_ab(n_docs: int, rounds: int, work: Path, parser) -> None:
    """run_ingest --backend tantivy with worker processes and with --jobs 1, alternated on the same files
    (a shared machine's load drifts: alternating keeps it from favouring one side)."""
    from jixiao.index.ingest import default_jobs, run_ingest

    paths = generate(n_docs, work / "ab-docs", seed=3)
    devnull = open(os.devnull, "w")
    times: dict[str, list[float]] = {"workers": [], "one process": []}
    for r in range(rounds):
        for name, jobs in (("workers", None), ("one process", 1))[:: 1 if r % 2 == 0 else -1]:
            d = work / "ab-ix"
            shutil.rmtree(d, ignore_errors=True)
            t = time.perf_counter()
            run_ingest([str(work / "ab-docs")], str(d), progress=False, out=devnull, err=devnull, parser=parser,
                       backend="tantivy", jobs=jobs)
            times[name].append(time.perf_counter() - t)
    w, o = statistics.median(times["workers"]), statistics.median(times["one process"])
    print(f"\n== --jobs {default_jobs(len(paths))} against --jobs 1, tantivy, {len(paths)} documents, "
          f"{rounds} alternated rounds (median): {w:.1f} s against {o:.1f} s → {o / w:.2f}x "
          f"(runs: {', '.join(f'{a:.0f}/{b:.0f}' for a, b in zip(times['workers'], times['one process']))} s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000, help="generated documents for the ingest check")
    ap.add_argument("--scales", default="10000,100000", help="index sizes in rows")
    ap.add_argument("--million", action="store_true", help="also 1,000,000 rows (long)")
    ap.add_argument("--queries", type=int, default=50, help="queries per type")
    ap.add_argument("--backends", default="whoosh,tantivy", help="backends for the scale part")
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--jobs-ab", type=int, default=0, metavar="DOCS",
                    help="also time worker processes against one process on DOCS documents, alternated")
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--keep", help="keep files and indexes in this directory")
    a = ap.parse_args()

    work = Path(a.keep or tempfile.mkdtemp(prefix="jixiao-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    import tantivy
    import importlib.metadata

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu, tantivy {tantivy.__version__}, "
          f"whoosh {importlib.metadata.version('whoosh-reloaded')}, work dir {work}")
    from jixiao.pipeline.segment import default_segmenter

    default_segmenter()
    parser, mode = make_parser()
    print(f"pipeline: {mode}")
    if not a.skip_scale:
        seed_paths = generate(100, work / "seed-docs", seed=7)
        docs = [parser.parse(p) for p in seed_paths]
        scales = [int(s) for s in a.scales.split(",") if s] + ([1_000_000] if a.million else [])
        print(f"\n== scale ({a.queries} queries per type; ms p50/p95; phrase hits = phrase queries with a hit)")
        print(f"{'rows':>9} {'engine':<8} {'rows/s':>8} {'MB':>7} {'B/row':>6}  "
              f"{'term':>15} {'two-term':>15} {'phrase':>15} {'filtered':>15}  phrase hits")
        for n in scales:
            scale(docs, n, a.queries, work, bool(a.keep), tuple(a.backends.split(",")))
    if not a.skip_ingest:
        ingest_check(a.docs, work, parser, max(10, a.queries // 2))
    if a.jobs_ab:
        jobs_ab(a.jobs_ab, 4, work, parser)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

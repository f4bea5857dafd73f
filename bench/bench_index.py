"""Benchmark ingest and search: jixiao's index against jieba's ``ChineseAnalyzer`` on default whoosh.

Prints figures; it is not a test. Speeds are also given as ratios against the baseline measured in
the same run (the machine is noisy; compare ratios, not milliseconds).

1. Ingest of ``--docs`` generated documents (300 → 32,400 indicator rows): pipeline (parse, extract,
   classify) and index rows/s separately, end to end through ``run_ingest``, and index size against
   the input text size.
2. Scale: indexes of 10k and 100k rows (``--million`` adds 1M; slow) built from copies of the parsed
   documents; index rows/s and size, and query latency p50/p95 for term, two-term, phrase and
   filtered queries (a warm-up pass, then the median of 3 timed passes per query).

    python bench/bench_index.py                      # 300 docs, 10k and 100k rows
    python bench/bench_index.py --docs 50 --scales 10000 --queries 20   # quick look
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_corpus import generate  # noqa: E402

from jixiao.document import Source  # noqa: E402


def dir_size(d: str | Path) -> int:
    return sum(f.stat().st_size for f in Path(d).rglob("*") if f.is_file())


def rows_of(docs) -> int:
    return sum(len(p.indicators) for d in docs for p in d.projects)


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def make_parser():
    from jixiao.pipeline.enrich import Parser

    p = Parser()
    try:
        p.model  # noqa: B018 - load now so that it is not timed as part of the first file
        return p, "classify=on"
    except Exception as e:  # the bundled model may be missing in a development checkout
        print(f"  (classifier unavailable: {e}; pipeline measured without it)")
        return Parser(classify=False), "classify=off"


# ------------------------------------------------------------------ indexes

def build_ours(docs, d: str, batch: int = 50) -> float:
    from jixiao.index.store import open_store

    t = time.perf_counter()
    with open_store(d, create=True, writable=True) as st:
        for i, doc in enumerate(docs, 1):
            st.add_document(doc, commit=False)
            if i % batch == 0:
                st.commit()
    return time.perf_counter() - t


def baseline_rows(docs):
    from jixiao.index.whoosh_store import indicator_text

    for doc in docs:
        for p, ind in doc.indicators():
            yield {"text": indicator_text(ind.level3, ind.description, ind.value), "year": doc.year or 0,
                   "level2": ind.level2 or "", "project": p.name or ""}


def build_baseline(docs, d: str) -> float:
    """jieba's ChineseAnalyzer with whoosh defaults (one writer), a stored id, year and level2 for filters."""
    import logging

    import jieba
    from jieba.analyse import ChineseAnalyzer
    from whoosh import index
    from whoosh.fields import ID, NUMERIC, TEXT, Schema

    jieba.setLogLevel(logging.WARNING)
    schema = Schema(id=ID(stored=True), text=TEXT(analyzer=ChineseAnalyzer(), stored=True),
                    year=NUMERIC(int, stored=True), level2=ID(stored=True))
    os.makedirs(d, exist_ok=True)
    t = time.perf_counter()
    ix = index.create_in(d, schema)
    w = ix.writer()
    for i, r in enumerate(baseline_rows(docs)):
        w.add_document(id=str(i), text=r["text"], year=r["year"], level2=r["level2"])
    w.commit()
    return time.perf_counter() - t


def clones(docs, n_rows: int):
    """Copies of ``docs`` under distinct paths, years and departments until ``n_rows`` rows."""
    out, total, k = [], 0, 0
    per = [rows_of([d]) for d in docs]
    while total < n_rows:
        src = docs[k % len(docs)]
        c = copy.copy(src)
        c.source = Source(f"clone/{k:07d}.txt", f"{k:064x}", "txt")
        c.year = 2016 + (k * 7) % 10
        c.department = f"{src.department}{k // len(docs)}" if k >= len(docs) else src.department
        out.append(c)
        total += per[k % len(docs)]
        k += 1
    return out


# ------------------------------------------------------------------ queries

def make_queries(docs, n: int, seed: int = 1):
    from jixiao.index.analysis import iter_terms

    rnd = random.Random(seed)
    rows = [(doc.year, ind.level2, ind.level3) for doc in docs for _, ind in doc.indicators()
            if ind.level3 and ind.level2]
    words_of = {}
    for _, _, l3 in rows:
        if l3 not in words_of:
            words_of[l3] = [t for t, *_ in iter_terms(l3, index=False) if len(t) >= 2 and not t[0].isdigit()]
    multi = [r for r in rows if len(words_of[r[2]]) >= 2]
    q = {"term": [], "two-term": [], "phrase": [], "filtered": []}
    for _ in range(n):
        y, l2, l3 = rnd.choice(multi)
        ws = words_of[l3]
        q["term"].append((rnd.choice(ws), None))
        a = rnd.randrange(len(ws) - 1)
        q["two-term"].append((f"{ws[a]} {ws[a + 1]}", None))
        q["phrase"].append((f'"{ws[a]}{ws[a + 1]}"', None))
        q["filtered"].append((rnd.choice(ws), {"year": y, "level2": l2}))
    return q


def latency(run_one, queries, passes: int = 3):
    """Per-query median over ``passes`` after a warm-up pass → (p50 ms, p95 ms, queries with hits, queries)."""
    hits = [run_one(q, f) for q, f in queries]
    per_query = [[] for _ in queries]
    for _ in range(passes):
        for i, (q, f) in enumerate(queries):
            t = time.perf_counter()
            run_one(q, f)
            per_query[i].append(time.perf_counter() - t)
    med = sorted(statistics.median(x) * 1000 for x in per_query)
    p95 = med[min(len(med) - 1, int(round(0.95 * (len(med) - 1))))]
    return statistics.median(med), p95, sum(1 for h in hits if h), len(queries)


def ours_runner(d: str):
    from jixiao.index.store import SearchFilters, open_store

    st = open_store(d)

    def run(q, f):
        return st.search(q, SearchFilters(**f) if f else None, limit=10).total

    return run, st


def baseline_runner(d: str):
    from whoosh import index
    from whoosh.qparser import QueryParser

    ix = index.open_dir(d)
    s = ix.searcher()
    parser = QueryParser("text", ix.schema)

    def run(q, f):
        if f:
            q = f"{q} year:{f['year']} level2:{f['level2']}"
        res = s.search(parser.parse(q), limit=10)
        _ = [h["id"] for h in res]
        return len(res)

    return run, s


# ------------------------------------------------------------------ main

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300, help="generated documents for the ingest part")
    ap.add_argument("--scales", default="10000,100000", help="index sizes in rows for the query part")
    ap.add_argument("--million", action="store_true", help="also 1,000,000 rows (several minutes)")
    ap.add_argument("--queries", type=int, default=50, help="queries per type")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--keep", help="keep the generated files and indexes in this directory")
    a = ap.parse_args()

    work = Path(a.keep or tempfile.mkdtemp(prefix="jixiao-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu, work dir {work}")
    from jixiao.pipeline.segment import default_segmenter

    _, t_seg = timed(default_segmenter)
    print(f"jieba start-up (not counted below): {t_seg:.2f} s")

    # ---- 1. ingest
    paths = generate(a.docs, work / "docs")
    text_bytes = sum(p.stat().st_size for p in paths)
    parser, mode = make_parser()
    docs, t_parse = timed(lambda: [parser.parse(p) for p in paths])
    n_rows = rows_of(docs)
    n_narr = sum(len(s.targets) for d in docs for s in d.sections)
    print(f"\n== ingest: {len(paths)} documents, {n_rows:,} indicator rows, {n_narr:,} narrative targets, "
          f"{text_bytes / 1e6:.1f} MB of text")
    print(f"pipeline ({mode})      {n_rows / t_parse:8,.0f} rows/s  ({t_parse:.1f} s)")
    ix_ours = work / "ix-ingest"
    shutil.rmtree(ix_ours, ignore_errors=True)
    t_index = build_ours(docs, str(ix_ours))
    size_ours = dir_size(ix_ours)
    print(f"index, jixiao           {n_rows / t_index:8,.0f} rows/s  ({t_index:.1f} s)  "
          f"size {size_ours / 1e6:.1f} MB = {size_ours / text_bytes:.2f}x the text")
    if not a.no_baseline:
        ix_base = work / "ix-ingest-baseline"
        shutil.rmtree(ix_base, ignore_errors=True)
        t_base = build_baseline(docs, str(ix_base))
        size_base = dir_size(ix_base)
        print(f"index, baseline         {n_rows / t_base:8,.0f} rows/s  ({t_base:.1f} s)  "
              f"size {size_base / 1e6:.1f} MB = {size_base / text_bytes:.2f}x the text   "
              f"→ jixiao index speed {t_base / t_index:.2f}x baseline, size {size_ours / size_base:.2f}x")
    from jixiao.index.ingest import run_ingest

    ix_e2e = work / "ix-e2e"
    shutil.rmtree(ix_e2e, ignore_errors=True)
    devnull = open(os.devnull, "w")
    ok, t_e2e = timed(lambda: run_ingest([str(work / "docs")], str(ix_e2e), progress=False, out=devnull,
                                         err=devnull, parser=parser))
    print(f"run_ingest end to end   {n_rows / t_e2e:8,.0f} rows/s  ({t_e2e:.1f} s, ok={ok})")
    _, t_again = timed(lambda: run_ingest([str(work / "docs")], str(ix_e2e), progress=False, out=devnull,
                                          err=devnull, parser=parser))
    print(f"re-ingest (all skipped) {t_again:.2f} s")

    # ---- CLI wall time for a filtered query against the ingest index
    def wall(args, n=3):
        ts = []
        for _ in range(n):
            t = time.perf_counter()
            subprocess.run([sys.executable, *args], capture_output=True, check=False)
            ts.append(time.perf_counter() - t)
        return statistics.median(ts)

    # start-up = the interpreter, the CLI and index modules, and the jieba dictionary
    t_start = wall(["-c", "import jixiao.cli, jixiao.index.whoosh_store, whoosh.qparser; "
                          "from jixiao.pipeline.segment import default_segmenter; default_segmenter()"])
    t_cli = wall(["-m", "jixiao", "search", "满意", "--year", "2021", "--level2", "服务对象满意度指标",
                  "--index", str(ix_e2e), "--format", "json"])
    print(f"CLI filtered search wall {t_cli:.2f} s; start-up alone {t_start:.2f} s "
          f"→ beyond start-up {t_cli - t_start:.2f} s")

    # ---- 2. scale
    scales = [int(s) for s in a.scales.split(",") if s]
    if a.million:
        scales.append(1_000_000)
    print("\n== scale (rows; latency ms p50/p95 over "
          f"{a.queries} queries per type; hits = queries with at least one hit)")
    print(f"{'rows':>9} {'engine':<9} {'rows/s':>8} {'MB':>7} {'B/row':>6}  "
          f"{'term':>13} {'two-term':>13} {'phrase':>13} {'filtered':>13}  phrase hits")
    for n in scales:
        cl = clones(docs, n)
        actual = rows_of(cl)
        queries = make_queries(cl, a.queries)
        d = work / f"ix-{n}"
        shutil.rmtree(d, ignore_errors=True)
        t = build_ours(cl, str(d))
        run, st = ours_runner(str(d))
        res = {k: latency(run, v) for k, v in queries.items()}
        st.close()
        _print_row(actual, "jixiao", actual / t, dir_size(d), res)
        if not a.no_baseline:
            db = work / f"ix-{n}-baseline"
            shutil.rmtree(db, ignore_errors=True)
            tb = build_baseline(cl, str(db))
            runb, sb = baseline_runner(str(db))
            resb = {k: latency(runb, v) for k, v in queries.items()}
            sb.close()
            _print_row(actual, "baseline", actual / tb, dir_size(db), resb)
            ratios = "  ".join(f"{k} {resb[k][0] / res[k][0]:.2f}x" for k in res)
            print(f"{'':>9} ratio     index {tb / t:.2f}x  size {dir_size(d) / dir_size(db):.2f}x  "
                  f"p50 speed vs baseline: {ratios}")
            shutil.rmtree(db, ignore_errors=True)
        if not a.keep:
            shutil.rmtree(d, ignore_errors=True)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


def _print_row(rows, engine, speed, size, res):
    lat = " ".join(f"{res[k][0]:6.1f}/{res[k][1]:6.1f}" for k in ("term", "two-term", "phrase", "filtered"))
    print(f"{rows:>9,} {engine:<9} {speed:>8,.0f} {size / 1e6:>7.1f} {size / rows:>6.0f}  {lat}  "
          f"{res['phrase'][2]}/{res['phrase'][3]}")


if __name__ == "__main__":
    main()

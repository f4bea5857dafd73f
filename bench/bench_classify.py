"""Classifier speed: single-phrase ``suggest`` latency in-process and bulk rows/s, against a plain
character TF-IDF + logistic-regression baseline measured in the same run. Prints figures; not a test.

    python bench/bench_classify.py [--rows 20000] [--calls 500]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20000, help="rows for the bulk runs")
    ap.add_argument("--calls", type=int, default=500, help="single-phrase calls for latency")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    from jixiao.models.classifier import classify_lines, load_model
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = load_model()
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.predict_categories([{"level3": "培训人次"}])
    t_first = time.perf_counter() - t0
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from jixiao.models.suggest import run_suggest
    from jixiao.models.train import bundled_rows

    rows = bundled_rows()
    base = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
                         LogisticRegression(max_iter=1000))
    base.fit([r["level3"] for r in rows], [r["id"] for r in rows])

    rng = random.Random(7)
    items = [{"level3": r["level3"], "value": r.get("value")} for r in rows]
    print(f"import {t_import * 1000:.0f} ms, load bundled model {t_load * 1000:.0f} ms, "
          f"first prediction (jieba init) {t_first * 1000:.0f} ms")

    # -- single phrase, in-process
    names = [rng.choice(items) for _ in range(args.calls)]
    lat = {"suggest": [], "predict": [], "baseline": []}
    sink = io.StringIO()
    for it in names[:20]:  # warm-up
        run_suggest(it["level3"], value=it["value"], fmt="json", index_dir=None, out=sink)
    for it in names:
        t = time.perf_counter()
        run_suggest(it["level3"], value=it["value"], fmt="json", index_dir=None, out=sink)
        lat["suggest"].append(time.perf_counter() - t)
        t = time.perf_counter()
        model.predict_categories([it])
        lat["predict"].append(time.perf_counter() - t)
        t = time.perf_counter()
        base.predict_proba([it["level3"]])
        lat["baseline"].append(time.perf_counter() - t)
    b50 = statistics.median(lat["baseline"])
    print(f"\nsingle phrase, in-process, {args.calls} calls (p50 / p95 ms; p50 ratio to the baseline's predict_proba)")
    for k, label in (("suggest", "run_suggest (no index)"), ("predict", "model.predict_categories"),
                     ("baseline", "char TF-IDF+LR predict_proba")):
        p50, p95 = statistics.median(lat[k]), pct(lat[k], 95)
        print(f"  {label:32} {p50 * 1000:6.2f} / {p95 * 1000:6.2f}   ×{p50 / b50:.2f}")

    # -- bulk, in-process
    bulk = [rng.choice(items) for _ in range(args.rows)]
    text = "".join(json.dumps(it, ensure_ascii=False) + "\n" for it in bulk)
    t = time.perf_counter()
    classify_lines(io.StringIO(text), io.StringIO(), fmt="jsonl")
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    P = base.predict_proba([it["level3"] for it in bulk])
    out = io.StringIO()
    for p in P:  # the same JSON writing work
        out.write(json.dumps({"level2": base.classes_[p.argmax()], "confidence": float(p.max())}) + "\n")
    t_base = time.perf_counter() - t
    print(f"\nbulk, in-process, {args.rows} JSON lines: classify_lines {args.rows / t_ours:,.0f} rows/s; "
          f"baseline {args.rows / t_base:,.0f} rows/s (ours ×{t_base / t_ours:.2f} the baseline's speed)")

    # -- bulk through the CLI (process start, imports and model load included)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        f.write(text)
    try:
        jixiao = Path(sys.executable).with_name("jixiao")
        cmd = [str(jixiao) if jixiao.exists() else sys.executable, *([] if jixiao.exists() else ["-m", "jixiao"]),
               "classify"]
        for n in (1, args.rows):
            with open(f.name, encoding="utf-8") as fin:
                src = "".join(fin.readline() for _ in range(n))
            t = time.perf_counter()
            r = subprocess.run(cmd, input=src.encode(), capture_output=True)
            dt = time.perf_counter() - t
            assert r.returncode == 0, r.stderr.decode()[-500:]
            print(f"CLI `jixiao classify` with {n:>6} rows: {dt:.2f} s wall ({n / dt:,.0f} rows/s)")
    finally:
        os.unlink(f.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())

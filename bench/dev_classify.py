"""Honest generalization estimate of the classifier: leave-one-file-out over the dev gold.

For each dev file: train on everything shipped in ``models/data/training.jsonl`` except that
file's rows, then predict that file's rows from name + value only. Reported next to a plain
character TF-IDF (1–3-grams) + logistic regression baseline trained on seed + dev under the same
protocol. Also printed: the same rows from their names alone (indicator libraries often give no
value), and a model trained on the bundled curated/taxonomy rows only (no document row at all).
``--with-seed`` holds the seed document out as one more file. Needs ../shared (skips otherwise).
Not a test; prints figures.

    python bench/dev_classify.py [--with-seed] [--param C=8 --param value_weight=0.7 ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def level1_of(cid, tax):
    return tax.level1_of(cid, "cz2020")


def gold_level1(row, tax):
    return tax.canonical_level1(row.get("level1")) or level1_of(row["id"], tax)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--param", action="append", default=[], help="classifier parameter NAME=VALUE")
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--with-seed", action="store_true", help="hold the seed document out too")
    args = ap.parse_args(argv)
    params = {}
    for p in args.param:
        k, v = p.split("=", 1)
        params[k] = json.loads(v) if v[:1] in "0123456789-[{tfn" else v

    if not (SHARED / "corpus" / "dev" / "gold.jsonl").exists():
        print(f"skipped: {SHARED}/corpus/dev not present")
        return 0
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from jixiao.models.train import bundled_rows, fit_model, gold_rows
    from jixiao.pipeline.taxonomy import load_taxonomy

    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # BLAS threads only contend on these small fits
    tax = load_taxonomy()
    shipped = bundled_rows()
    gold = gold_rows(SHARED)
    # the dev rows with their stated level1 (for the first-level score)
    raw = [json.loads(line) for line in (SHARED / "corpus" / "dev" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    l1_by_key = {(r["file"], r["level3"], r.get("value_raw")): r.get("level1") for r in raw}
    files = sorted({r["source"][4:] for r in gold if r["source"].startswith("dev:")})
    if args.with_seed:
        files.append("seed")
    res = {"ours": defaultdict(list), "base": defaultdict(list), "names": defaultdict(list),
           "curated": defaultdict(list)}
    curated_model = fit_model([r for r in shipped if r.get("source") in ("curated", "taxonomy")], **params)
    conf = []
    t0 = time.perf_counter()
    errors = []
    for f in files:
        src = "seed" if f == "seed" else f"dev:{f}"
        test = [dict(r, kind="target") if f == "seed" else r for r in gold if r["source"] == src]
        train = [r for r in shipped if r.get("source") != src]
        base_train = [r for r in gold if r["source"] != src]
        model = fit_model(train, **params)
        base = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
                             LogisticRegression(max_iter=1000))
        base.fit([r["level3"] for r in base_train], [r["id"] for r in base_train])
        preds = model.predict_categories([{"level3": r["level3"], "value": r.get("value")} for r in test])
        npreds = model.predict_categories([{"level3": r["level3"]} for r in test])
        cpreds = curated_model.predict_categories([{"level3": r["level3"], "value": r.get("value")} for r in test])
        bpred = base.predict([r["level3"] for r in test])
        for r, p, b, n, c in zip(test, preds, bpred, npreds, cpreds):
            stated_l1 = tax.canonical_level1(l1_by_key.get((f, r["level3"], r.get("value")))) or level1_of(r["id"], tax)
            budget = r.get("kind") in ("target", "self-evaluation")
            for name, cid in (("ours", p["id"]), ("base", b), ("names", n["id"]), ("curated", c["id"])):
                ok2 = cid == r["id"]
                ok1 = level1_of(cid, tax) == stated_l1
                res[name]["l2"].append(ok2)
                res[name]["l1"].append(ok1)
                if budget:
                    res[name]["l2_budget"].append(ok2)
                else:
                    res[name]["l2_library"].append(ok2)
            conf.append((p["confidence"], p["id"] == r["id"]))
            if p["id"] != r["id"]:
                errors.append((f[:30], r["level3"], r.get("value"), tax.name(r["id"]), tax.name(p["id"]), p["confidence"]))
    secs = time.perf_counter() - t0

    def acc(xs):
        return sum(xs) / len(xs) if xs else float("nan")

    print(f"leave-one-file-out over {len(files)} dev files, {len(res['ours']['l2'])} rows "
          f"({len(res['ours']['l2_budget'])} budget-table rows, {len(res['ours']['l2_library'])} library rows); "
          f"{secs:.1f} s; params {params or 'default'}")
    print(f"{'':28}{'ours':>8}{'char TF-IDF':>13}{'ours, names only':>18}{'curated rows only':>19}")
    for key, label in (("l2_budget", "level2 acc, budget tables"), ("l2_library", "level2 acc, libraries"),
                       ("l2", "level2 acc, overall"), ("l1", "level1 acc, overall")):
        print(f"{label:28}{acc(res['ours'][key]):8.3f}{acc(res['base'][key]):13.3f}"
              f"{acc(res['names'][key]):18.3f}{acc(res['curated'][key]):19.3f}")
    # calibration: accuracy within confidence bins, and expected calibration error
    bins = [(0, .5), (.5, .7), (.7, .9), (.9, 1.01)]
    ece = 0.0
    line = []
    for lo, hi in bins:
        sel = [ok for c, ok in conf if lo <= c < hi]
        cs = [c for c, _ in conf if lo <= c < hi]
        if sel:
            ece += len(sel) / len(conf) * abs(acc(sel) - sum(cs) / len(cs))
            line.append(f"[{lo:.1f},{min(hi, 1):.1f}) n={len(sel)} acc={acc(sel):.2f} conf={sum(cs) / len(cs):.2f}")
    print("calibration: " + "; ".join(line) + f"; ECE={ece:.3f}")
    if args.show_errors:
        for e in errors:
            print("  ", *e)
    return 0


if __name__ == "__main__":
    sys.exit(main())

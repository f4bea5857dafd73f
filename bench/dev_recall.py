"""Layout recall on the development corpus: how many gold indicator rows the parser recovers.

A gold row counts as recovered when some parsed row of the same file has the same third-level name
and the same 指标值 (whitespace removed; a missing value matches a missing value). Of those, the share
whose canonical second-level category equals the gold's is reported where the gold states one.

    python bench/dev_recall.py [DEV_DIR] [-v] [--loo] [--families]

DEV_DIR defaults to ../shared/corpus/dev (it must hold *.txt and gold.jsonl). Precision counts the
parsed rows that are gold rows (name + value as written), of all rows and of confident ones
(read_confidence >= 0.5). ``--families`` adds recall/precision per layout family of
bench/gen_layouts.py (seed, own and dev-gold rows rendered as glued text, space-separated
self-evaluations, split-header pipe tables, prose lists, traditional, OCR noise, wrapped, old labels).

Leave-one-document-out (``--loo``): the one learned part, the glued-text cut-point model
(corpus/cutpoints.py), is retrained without the held-out document's gold rows before that document
is read; the rest of the reader is rules. Rules written
after looking at documents: the split-header and prose rules after the generator's renderings only;
glued cutting after the generator and 2020_hunan-hengshan / 2023_fujian-ningde_rencai (prose after
a glued table); self-evaluation prose (名称指标为X实际完成值为Y) after 2023_neimenggu; the confidence
flags after the issue's examples and the dev rows flagged by them.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEV = ROOT.parent / "shared" / "corpus" / "dev"


def norm(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "")


def evaluate(dev: Path, verbose: bool = False, loo: bool = False) -> dict:
    from jixiao.corpus.layout import build_document
    from jixiao.corpus.readers import read

    if loo:
        sys.path.insert(0, str(ROOT / "bench"))
        from train_cutpoints import train

    gold = [json.loads(line) for line in (dev / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    by_file = defaultdict(list)
    for g in gold:
        by_file[g["file"]].append(g)
    total = found = cat_total = cat_ok = 0
    out_real = out_conf = out_conf_real = 0
    per_file = {}
    started = time.perf_counter()
    for name, rows in sorted(by_file.items()):
        if loo:
            from jixiao.corpus.cutpoints import using

            with using(train(exclude={name})):  # the cut-point model never saw this document's rows
                doc = build_document(read(dev / name))
        else:
            doc = build_document(read(dev / name))
        parsed = [ind for _, ind in doc.indicators()]
        index = defaultdict(list)
        for ind in parsed:
            index[norm(ind.level3)].append(ind)
        hit_file = 0
        scored = [g for g in rows if g["level3"]]
        # precision: a parsed row is real when some gold row of the file has its name and value
        gold_keys = {(norm(g["level3"]), norm(g["value_raw"])) for g in rows}
        real = [(norm(i.level3), norm(i.value)) in gold_keys for i in parsed]
        conf = [i.read_confidence >= 0.5 for i in parsed]
        out_real += sum(real)
        out_conf += sum(conf)
        out_conf_real += sum(r and c for r, c in zip(real, conf))
        if verbose:
            for i, r in zip(parsed, real):
                if not r:
                    print(f"  XTRA {name[:40]}: {i.level3!r} = {i.value!r} {i.read_confidence:.2f} {i.flags}")
        for g in scored:
            cands = [i for i in index.get(norm(g["level3"]), []) if norm(i.value) == norm(g["value_raw"])]
            if cands:
                hit_file += 1
                if g["level2"]:
                    cat_total += 1
                    ok = any(i.level2 == g["level2"] for i in cands)
                    cat_ok += ok
                    if verbose and not ok:
                        print(f"  CAT {name[:40]}: {g['level3']} gold={g['level2']} got={[i.level2 for i in cands]}")
            elif verbose:
                near = index.get(norm(g["level3"]))
                print(f"  MISS {name[:40]}: {g['level3']!r} = {g['value_raw']!r}"
                      + (f" (got value {[i.value for i in near]})" if near else ""))
        total += len(scored)
        found += hit_file
        per_file[name] = (hit_file, len(scored), len(parsed), sum(conf))
    elapsed = time.perf_counter() - started
    return {"rows": total, "recovered": found, "category_rows": cat_total, "category_ok": cat_ok,
            "per_file": per_file, "seconds": elapsed, "out": sum(v[2] for v in per_file.values()),
            "out_real": out_real, "out_conf": out_conf, "out_conf_real": out_conf_real}


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    args = [a for a in argv if a not in ("-v", "--families", "--loo")]
    dev = Path(args[0]) if args else DEFAULT_DEV
    if not (dev / "gold.jsonl").exists():
        print(f"no gold.jsonl under {dev}", file=sys.stderr)
        return 1
    loo = "--loo" in argv
    r = evaluate(dev, verbose, loo=loo)
    print("leave-one-document-out (cut-point model retrained without each document)" if loo else
          "shipped cut-point model (trained on every dev gold row: use --loo for held-out figures)")
    if "--families" in argv:
        sys.path.insert(0, str(ROOT / "bench"))
        import gen_layouts

        print("layout families, cut-point model retrained per fold without the fold's tables (5 folds):")
        gen_layouts.print_families(gen_layouts.evaluate_families(seeds=(0, 1), folds=5))
    for name, (hit, n, parsed, confident) in r["per_file"].items():
        print(f"{hit:3d}/{n:<3d} (parsed {parsed:3d}, confident {confident:3d})  {name}")
    print(f"recall (level3+value): {r['recovered']}/{r['rows']} = {r['recovered'] / max(1, r['rows']):.1%} "
          f"(gold rows without a third-level name are not counted)")
    docs = [hit / n for hit, n, _, _ in r["per_file"].values() if n]
    print(f"per-document recall: min {min(docs):.1%}, median {sorted(docs)[len(docs) // 2]:.1%}, "
          f"documents under 75%: {sum(1 for d in docs if d < 0.75)}/{len(docs)}")
    print(f"precision (parsed rows that are gold rows): all {r['out_real']}/{r['out']} = "
          f"{r['out_real'] / max(1, r['out']):.1%}; read_confidence >= 0.5: {r['out_conf_real']}/{r['out_conf']} = "
          f"{r['out_conf_real'] / max(1, r['out_conf']):.1%}")
    print(f"canonical level2 correct among recovered rows stating one: {r['category_ok']}/{r['category_rows']} = "
          f"{r['category_ok'] / max(1, r['category_rows']):.1%}")
    print(f"time: {r['seconds']:.2f} s for {len(r['per_file'])} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

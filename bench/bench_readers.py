"""Reader throughput per format, against reading the same seed content as .txt in the same run.

The .docx/.xlsx/.pdf files are the test renderings of the seed's gold parse (tests/office_fixtures.py).
Prints file size, median read time, MB/s and output characters/s, with ratios to the .txt baseline.

    /work/venv/bin/python bench/bench_readers.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import office_fixtures as fx  # noqa: E402

from jixiao.corpus.readers import read  # noqa: E402


def gold_path() -> Path:
    for p in (fx.GOLD, ROOT.parent / "shared" / "corpus" / "seed" / "chengde_2021_yingji.gold.json"):
        if p.exists():
            return p
    sys.exit("no gold parse of the seed found (tests/data/ or ../shared/corpus/seed/)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    gold = fx.load_gold(gold_path())
    with tempfile.TemporaryDirectory() as tmp:
        files = {"txt": Path(tmp) / "seed.txt", "docx": Path(tmp) / "seed.docx",
                 "xlsx": Path(tmp) / "seed.xlsx", "pdf": Path(tmp) / "seed.pdf"}
        files["txt"].write_bytes(fx.SEED.read_bytes())
        files["docx"].write_bytes(fx.build_docx(gold))
        files["xlsx"].write_bytes(fx.build_xlsx(gold))
        files["pdf"].write_bytes(fx.build_pdf(*gold["projects"]))
        results = {}
        for fmt, path in files.items():
            read(path)  # warm-up: library imports are not part of the per-file cost
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                raw = read(path)
                times.append(time.perf_counter() - t)
            results[fmt] = (path.stat().st_size, statistics.median(times), len(raw.text))
    size0, t0, chars0 = results["txt"]
    print(f"median of {args.repeat} reads; ratios are against .txt measured in this run "
          f"(>1 means slower per byte / per output character)")
    print(f"{'format':6} {'KB':>7} {'ms':>8} {'MB/s':>8} {'kchar/s':>9} {'time/byte ×':>12} {'time/char ×':>12}")
    for fmt, (size, t, chars) in results.items():
        print(f"{fmt:6} {size / 1024:7.1f} {t * 1000:8.2f} {size / t / 2**20:8.2f} {chars / t / 1000:9.0f} "
              f"{(t / size) / (t0 / size0):12.1f} {(t / chars) / (t0 / chars0):12.1f}")


if __name__ == "__main__":
    main()

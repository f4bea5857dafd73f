"""Reader throughput per format, against reading the same seed content as .txt and as .docx in the same run.

The .docx/.xlsx/.pdf files are the test renderings of the seed's gold parse (tests/office_fixtures.py);
html-gb/html-u8 the two web pages of tests/html_fixtures.py; pdf-lo, xls and doc the files LibreOffice
made (tests/data/lo/, from the Word-style docx-word and the xlsx). Prints file size, median read time,
MB/s, output characters/s, and time per MB as a ratio to .txt and to .docx (docx-word for pdf-lo/doc).
The .doc time is mostly LibreOffice starting (or antiword when soffice is absent).

    python bench/bench_readers.py [--repeat 7]
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

import html_fixtures as hx  # noqa: E402
import lo_fixtures as lo  # noqa: E402
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
        t = Path(tmp)
        made = {"txt": ("seed.txt", fx.SEED.read_bytes()), "docx": ("seed.docx", fx.build_docx(gold)),
                "docx-word": ("word.docx", lo.build_word_docx(gold)), "xlsx": ("seed.xlsx", fx.build_xlsx(gold)),
                "pdf": ("seed.pdf", fx.build_pdf(*gold["projects"])),
                "html-gb": ("seed_gb.html", hx.gb2312_page(gold)), "html-u8": ("seed_u8.htm", hx.utf8_page(gold)),
                "pdf-lo": ("word.pdf", (lo.LO_DIR / "word.pdf").read_bytes()),
                "xls": ("sheet.xls", (lo.LO_DIR / "sheet.xls").read_bytes()),
                "doc": ("word.doc", (lo.LO_DIR / "word.doc").read_bytes())}
        files = {}
        for fmt, (name, data) in made.items():
            files[fmt] = t / name
            files[fmt].write_bytes(data)
        results = {}
        for fmt, path in files.items():
            read(path)  # warm-up: library imports are not part of the per-file cost
            times = []
            for _ in range(args.repeat if fmt not in ("doc", "pdf-lo") else min(args.repeat, 3)):
                t0 = time.perf_counter()
                raw = read(path)
                times.append(time.perf_counter() - t0)
            results[fmt] = (path.stat().st_size, statistics.median(times), len(raw.text))
    size0, t0, chars0 = results["txt"]
    per_mb = {fmt: t / size for fmt, (size, t, _) in results.items()}
    print(f"median of {args.repeat} reads (3 for doc, pdf-lo); ratios of time per MB against .txt and .docx "
          f"measured in this run (>1 means slower per byte)")
    print(f"{'format':9} {'KB':>7} {'ms':>8} {'MB/s':>8} {'kchar/s':>9} {'×txt':>8} {'×docx':>8}")
    for fmt, (size, t, chars) in results.items():
        base = per_mb["docx-word"] if fmt in ("pdf-lo", "doc") else per_mb["docx"]
        print(f"{fmt:9} {size / 1024:7.1f} {t * 1000:8.1f} {size / t / 2**20:8.2f} {chars / t / 1000:9.0f} "
              f"{per_mb[fmt] / per_mb['txt']:8.1f} {per_mb[fmt] / base:8.2f}")


if __name__ == "__main__":
    main()

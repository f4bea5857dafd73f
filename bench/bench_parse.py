"""Parsing throughput and memory: the seed, a folder of generated documents, and growing file sizes.

Times are medians of --repeat runs. The baseline, measured in the same run, is the reader alone
(decode + cut into blocks); "layout ×" is how much slower reading + layout recognition is than that,
and "enrich ×" adds value extraction (``Parser(classify=False)``). Linearity: one document made of
1, 4, 16 and 64 copies of the seed's project tables; time per MB must stay flat, as must peak
memory per MB of input (tracemalloc).

    python bench/bench_parse.py [--docs 200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import gen_docs  # noqa: E402

from jixiao.corpus.layout import build_document  # noqa: E402
from jixiao.corpus.text import read_text  # noqa: E402


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_bytes(datas: list[bytes], repeat: int, parser) -> dict:
    mb = sum(len(d) for d in datas) / 1e6
    read_s = median_time(lambda: [read_text(d, "x.txt") for d in datas], repeat)
    layout_s = median_time(lambda: [build_document(read_text(d, "x.txt")) for d in datas], repeat)
    enrich_s = median_time(lambda: [parser.enrich(build_document(read_text(d, "x.txt"))) for d in datas],
                           repeat) if parser else None
    return {"docs": len(datas), "mb": mb, "read": read_s, "layout": layout_s, "enrich": enrich_s}


def show(name: str, r: dict) -> None:
    line = (f"{name:<28} {r['docs']:>5} docs {r['mb']:7.3f} MB | reader {r['mb'] / r['read']:6.1f} MB/s | "
            f"layout {r['docs'] / r['layout']:7.1f} docs/s {r['mb'] / r['layout']:5.2f} MB/s "
            f"(×{r['layout'] / r['read']:.1f} reader)")
    if r["enrich"]:
        line += (f" | +enrich {r['docs'] / r['enrich']:6.1f} docs/s {r['mb'] / r['enrich']:5.2f} MB/s "
                 f"(×{r['enrich'] / r['read']:.1f})")
    print(line)


def peak_memory(data: bytes) -> int:
    tracemalloc.start()
    build_document(read_text(data, "x.txt"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200, help="generated documents in the folder run")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    parser = None
    try:
        from jixiao.pipeline.enrich import Parser

        parser = Parser(classify=False)
        parser.enrich(build_document(read_text(gen_docs.SAMPLE.read_bytes(), "warm.txt")))
    except ImportError as e:  # the extractor is another stage; the layout figures stand alone
        print(f"(enrich not measured: {e})")

    seed = gen_docs.SAMPLE.read_bytes()
    build_document(read_text(seed, "warm.txt"))  # load the taxonomy once, outside the timings
    show("seed", bench_bytes([seed] * 20, args.repeat, parser))

    with tempfile.TemporaryDirectory() as tmp:
        paths = gen_docs.generate(args.docs, tmp)
        datas = [p.read_bytes() for p in paths]
    show(f"generated folder ({len(gen_docs.LAYOUTS)} layouts)", bench_bytes(datas, args.repeat, None))
    for layout in gen_docs.LAYOUTS:
        sub = [d for p, d in zip(paths, datas) if f"_{layout}_" in p.name]
        show(f"  layout {layout}", bench_bytes(sub, args.repeat, None))

    print("\nlinearity (one document of N copies of the seed's project tables):")
    base = None
    for copies in (1, 4, 16, 64):
        data = gen_docs.big_document(copies).encode("utf-8")
        t = median_time(lambda: build_document(read_text(data, "big.txt")), max(3, args.repeat // 2))
        peak = peak_memory(data)
        s_per_mb = t / (len(data) / 1e6)
        base = base or (s_per_mb, peak / len(data))
        rows = sum(len(p.indicators) for p in build_document(read_text(data, "big.txt")).projects)
        print(f"  ×{copies:<3} {len(data) / 1e6:7.3f} MB {rows:6d} rows  {t * 1000:8.1f} ms  "
              f"{len(data) / 1e6 / t:5.2f} MB/s  time/MB ×{s_per_mb / base[0]:.2f}  "
              f"peak memory {peak / 1e6:6.1f} MB = {peak / len(data):5.1f}× input (×{peak / len(data) / base[1]:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Values per second: ``parse_value``/``extract_targets`` against cn2an on the same strings, and the
``jixiao extract`` process on a big stdin (start-up excluded: the time for 0 lines is subtracted).

Speeds are medians of 3 runs; ratios are against cn2an measured in the same run.

    python bench/bench_extract.py [--lines 50000]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from jixiao.pipeline.extract import extract_targets, parse_value
from jixiao.pipeline.numbers import find_numbers, fold, parse_number

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "corpus" / "dev" / "gold.jsonl"
SEED_GOLD = ROOT.parent / "shared" / "corpus" / "seed" / "chengde_2021_yingji.gold.json"

# Value forms used when ../shared is absent (and always mixed in).
FORMS = ["≥95%", "95%", "百分之九十五", "不低于95%", "９５％", "4次", "19件", "1万份", "一万份", "250万元", "24小时内",
         "15日以内", "较2015年末下降10%", "比上年增长5%", "2022年12月底前", "小于等于核定数", "正常运行", "未涉及", "无",
         "90%-95%", "3至5次", "≥80M", "≤90万元", "十余万", "两百", "壹佰", "60%及以上", "控制在预算内", "292%", ""]


def load_values() -> list[str]:
    vals = list(FORMS)
    if GOLD.exists():
        vals += [json.loads(line).get("value_raw") or "" for line in GOLD.read_text(encoding="utf-8").splitlines()]
    if SEED_GOLD.exists():
        g = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
        vals += [i["value"] for p in g["projects"] for i in p["indicators"]]
    return vals


def rate(fn, items, repeat=3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for x in items:
            fn(x)
        times.append(time.perf_counter() - t0)
    return len(items) / statistics.median(times)


def cn2an_transform(s: str):
    import cn2an

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return cn2an.transform(s, "cn2an")
        except Exception:  # cn2an raises on some inputs; the baseline still pays for the attempt
            return None


def cn2an_span(s: str):
    import cn2an

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return cn2an.cn2an(s, "smart")
        except Exception:
            return None


def process_rate(values: list[str], n_lines: int) -> tuple[float, float]:
    """(values/s excluding start-up, start-up seconds) through the jixiao extract process."""
    exe = Path(sys.executable).with_name("jixiao")
    cmd = [str(exe), "extract"] if exe.exists() else [sys.executable, "-m", "jixiao", "extract"]
    lines = (values * (n_lines // len(values) + 1))[:n_lines]
    with tempfile.TemporaryDirectory() as d:
        big = Path(d) / "big.txt"
        big.write_text("\n".join(v.replace("\n", " ") for v in lines) + "\n", encoding="utf-8")
        empty = Path(d) / "empty.txt"
        empty.write_text("", encoding="utf-8")

        def timed(path):
            ts = []
            for _ in range(3):
                with open(path, "rb") as f:
                    t0 = time.perf_counter()
                    subprocess.run(cmd, stdin=f, stdout=subprocess.DEVNULL, check=True, env=dict(os.environ))
                    ts.append(time.perf_counter() - t0)
            return statistics.median(ts)

        t0 = timed(empty)
        tn = timed(big)
    return n_lines / max(tn - t0, 1e-9), t0


def main() -> None:
    n_lines = int(sys.argv[sys.argv.index("--lines") + 1]) if "--lines" in sys.argv else 50000
    values = load_values()
    items = values * max(1, 20000 // len(values))
    spans = [fold(v)[s:e] for v in values for s, e, _ in find_numbers(v)]
    spans = spans * max(1, 20000 // max(1, len(spans)))
    print(f"{len(values)} value strings, {len(items)} per timed pass; {len(spans)} numeral spans")

    base = rate(cn2an_transform, items)
    pv = rate(parse_value, items)
    ex = rate(extract_targets, items)
    print(f"cn2an.transform (baseline)   {base:10,.0f} values/s   1.00x")
    print(f"parse_value                  {pv:10,.0f} values/s   {pv / base:.2f}x")
    print(f"extract_targets              {ex:10,.0f} values/s   {ex / base:.2f}x")

    sb = rate(cn2an_span, spans)
    sp = rate(parse_number, spans)
    print(f"cn2an.cn2an on numeral spans {sb:10,.0f} spans/s    1.00x")
    print(f"parse_number on the same     {sp:10,.0f} spans/s    {sp / sb:.2f}x")

    pr, startup = process_rate(values, n_lines)
    print(f"jixiao extract process       {pr:10,.0f} values/s   {pr / base:.2f}x   "
          f"({n_lines} lines; start-up {startup:.2f}s excluded)")


if __name__ == "__main__":
    main()

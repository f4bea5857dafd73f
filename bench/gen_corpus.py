"""Generate N distinct 绩效目标 documents from the bundled sample, for ingest/search benchmarks.

Each document is the sample with another city, department and year, and with every number that
carries a unit (95%, 4次, 1万份, 132.4 …) redrawn near its original value, so no two files (and few
indicator texts) are identical. Files keep the sample's layout so the real parser reads them.

    python bench/gen_corpus.py 300 /tmp/gen300        # writes 300 .txt files
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "samples" / "chengde_2021_yingji.txt"
CITIES = ("衡阳", "宁德", "遂宁", "池州", "固原", "阜阳", "湘潭", "运城", "六安", "德州", "吕梁", "岳阳",
          "巴彦淖尔", "甘孜", "承德", "保定", "邯郸", "洛阳", "南阳", "绵阳", "赣州", "曲靖", "天水", "榆林")
DEPARTMENTS = ("应急管理局", "教育局", "卫生健康委员会", "市场监督管理局", "农业农村局", "文化和旅游局",
               "生态环境局", "交通运输局", "民政局", "水利局", "自然资源和规划局", "人力资源和社会保障局")
YEARS = tuple(range(2016, 2026))
_UNIT_NUMBER = re.compile(r"(?<![\dA-Za-z.])(\d+(?:\.\d+)?)(?=%|％|次|件|份|个|家|人次|人|万|场|期|台|套|小时|天|日|辆|元)")


def combos():
    """(city, department, year) in an order that varies all three from the first documents on."""
    for i in range(len(CITIES) * len(DEPARTMENTS) * len(YEARS)):
        yield (CITIES[i % len(CITIES)], DEPARTMENTS[(i // len(CITIES) + i) % len(DEPARTMENTS)],
               YEARS[(i * 7) % len(YEARS)])


def variant(text: str, city: str, department: str, year: int, rnd: random.Random) -> str:
    """The sample rewritten for another city, department and year, with redrawn numbers."""
    def redraw(m: re.Match) -> str:
        v = float(m.group(1))
        after = text[m.end():m.end() + 1]
        if after in "%％":
            new = min(100.0, max(50.0, v + rnd.choice((-10, -5, -2, 0, 0, 2, 5))))
        else:
            new = max(1.0, v * rnd.uniform(0.5, 2.0))
        return f"{new:.1f}" if "." in m.group(1) else str(int(round(new)))

    out = _UNIT_NUMBER.sub(redraw, text)
    out = out.replace("承德", city).replace("应急管理局", department)
    shift = {"2020": str(year - 1), "2021": str(year), "2022": str(year + 1)}
    return re.sub(r"202[012]", lambda m: shift[m.group(0)], out)  # in one pass: no chained shifts


def generate(n: int, out_dir: str | Path, seed: int = 0) -> list[Path]:
    """Write ``n`` distinct documents into ``out_dir``; returns their paths."""
    text = SAMPLE.read_text(encoding="utf-8")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    paths = []
    for i, (city, dept, year) in zip(range(n), _cycle(combos())):
        p = out / f"{year}_{city}_{dept}_{i:05d}.txt"
        p.write_text(variant(text, city, dept, year, rnd), encoding="utf-8")
        paths.append(p)
    return paths


def _cycle(it):
    items = list(it)
    while True:
        yield from items


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    paths = generate(a.n, a.out_dir, a.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} documents, {size / 1e6:.1f} MB → {a.out_dir}")


if __name__ == "__main__":
    main()

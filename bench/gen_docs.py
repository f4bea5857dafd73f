"""Synthetic documents in the other layouts real files use, built from the seed, for parser benchmarks.

``bench/gen_corpus.py`` varies the seed's city, department, year and numbers but keeps its Word
text-export layout. This module re-renders such a document's projects as ``a | b`` rows, rows of
space-separated words, or one cell per paragraph, so a benchmark folder exercises every reader
mode; ``big_document`` repeats the seed's project tables to make one file of any size.

    python bench/gen_docs.py 200 /tmp/gen_docs     # 200 files, layouts mixed
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
SAMPLE = ROOT / "corpus" / "samples" / "chengde_2021_yingji.txt"
LAYOUTS = ("word", "pipe", "spaces", "cells")
HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "指标确定依据"]


def render(doc, layout: str) -> str:
    """The projects of a parsed Document written in ``layout`` (one of LAYOUTS but word)."""
    out = [doc.title or "绩效目标", ""]
    for p in doc.projects:
        rows = [[p.title or "绩效目标表"], ["项目编码", p.code or "", "项目名称", p.name or ""],
                ["预算数", f"{p.budget.total:g}" if p.budget.total is not None else "", "其中：财政资金",
                 f"{p.budget.fiscal:g}" if p.budget.fiscal is not None else ""], HEADER]
        prev = (None, None)
        for ind in p.indicators:
            l1 = "" if ind.level1 == prev[0] else (ind.level1 or "")
            l2 = "" if (ind.level1, ind.level2) == prev else (ind.level2 or "")
            prev = (ind.level1, ind.level2)
            rows.append([l1, l2, ind.level3, ind.value or "", ind.basis or ""])
        for r in rows:
            if layout == "pipe":
                out.append(" | ".join(r) + " | ||")
            elif layout == "spaces":
                out.append(" ".join(c.replace(" ", "") for c in r if c))
            elif layout == "cells":
                for c in r:
                    out.extend([c if c else " ", ""])
            else:
                raise ValueError(f"unknown layout {layout!r}")
        out.append("")
    return "\n".join(out) + "\n"


def generate(n: int, out_dir: str | Path, seed: int = 0) -> list[Path]:
    """``n`` documents: seed variants (gen_corpus) in the four layouts in turn."""
    import gen_corpus

    from jixiao.corpus.layout import build_document
    from jixiao.corpus.text import read_text

    text = SAMPLE.read_text(encoding="utf-8")
    rnd = random.Random(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (city, dept, year) in zip(range(n), gen_corpus._cycle(gen_corpus.combos())):
        body = gen_corpus.variant(text, city, dept, year, rnd)
        layout = LAYOUTS[i % len(LAYOUTS)]
        if layout != "word":
            body = render(build_document(read_text(body.encode("utf-8"), "gen.txt")), layout)
        path = out / f"{year}_{city}_{dept}_{layout}_{i:05d}.txt"
        path.write_text(body, encoding="utf-8")
        paths.append(path)
    return paths


def big_document(copies: int) -> str:
    """The seed with its project tables repeated ``copies`` times (one large, valid document)."""
    text = SAMPLE.read_text(encoding="utf-8")
    cut = text.index("第二部分")
    return text[:cut] + text[cut:] * copies


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    paths = generate(args.n, args.out_dir, args.seed)
    print(f"wrote {len(paths)} files to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

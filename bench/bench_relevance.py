"""Relevance of ``jixiao search`` on the judged query set, against a naive whoosh + jieba baseline.

Both systems index the same rows: what jixiao parses from the seed sample and the development corpus
(indicator rows: name | description | value; narrative targets: the clause). The baseline is what one
gets from the libraries' defaults: a whoosh ``TEXT`` field with jieba's ``ChineseAnalyzer`` and
whoosh's ``QueryParser`` (all words must match). Judgments (``data/relevance_judgments.jsonl``, from
``relevance_judge.py``) name gold rows by file and name with a grade (2 = about the name, 1 = related);
a hit counts when it is from the same file and its name equals, contains or is contained in the
judged name (the reader may cut a long name short). Rows the reader misses are misses for both.

Prints recall@20 and nDCG@10 (graded gain 2^g − 1) per query and on average, and the issue's checks.

    python bench/bench_relevance.py [SHARED_DIR]
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
JUDGMENTS = HERE / "data" / "relevance_judgments.jsonl"


def _key(s: str | None) -> str:
    from jixiao.index.query import text_key

    return text_key(s or "")


def parse_corpus(shared: Path):
    from jixiao.pipeline.enrich import Parser, iter_input_files

    parser = Parser()
    files = [ROOT / "corpus" / "samples" / "chengde_2021_yingji.txt"]
    files += [p for p in iter_input_files([shared / "corpus" / "dev"]) if p.suffix == ".txt"]
    return [parser.parse(p) for p in files]


def baseline_index(docs):
    """whoosh defaults + jieba's ChineseAnalyzer; one record per row (same texts as jixiao's)."""
    import logging

    import jieba
    from jieba.analyse import ChineseAnalyzer
    from whoosh.fields import ID, STORED, TEXT, Schema
    from whoosh.filedb.filestore import RamStorage

    from jixiao.index.whoosh_store import indicator_text

    jieba.setLogLevel(logging.WARNING)
    schema = Schema(file=ID(stored=True), name=STORED, text=TEXT(analyzer=ChineseAnalyzer(), stored=True))
    ix = RamStorage().create_index(schema)
    with ix.writer() as w:
        for d in docs:
            f = os.path.basename(d.source.path)
            for _, ind in d.indicators():
                text = indicator_text(ind.level3, ind.description, ind.value)
                if text:
                    w.add_document(file=f, name=ind.level3, text=text)
            for s in d.sections:
                for t in s.targets:
                    if t.text:
                        w.add_document(file=f, name=t.text, text=t.text)
    return ix


def baseline_search(ix, query: str, limit: int) -> list[tuple[str, str]]:
    from whoosh.qparser import QueryParser

    q = QueryParser("text", ix.schema).parse(query)
    with ix.searcher() as s:
        return [(h["file"], h["name"] or "") for h in s.search(q, limit=limit)]


def jixiao_search(store, query: str, limit: int) -> list[tuple[str, str]]:
    hits = store.search(query, limit=limit).hits
    return [(os.path.basename(h["source"]["path"]), h.get("level3") or h.get("text") or "") for h in hits]


def _same(hit: tuple[str, str], judged: dict) -> bool:
    if hit[0] != judged["file"]:
        return False
    a, b = _key(hit[1]), _key(judged["level3"])
    return bool(a and b) and (a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a)))


def scores(ranked: list[tuple[str, str]], relevant: list[dict]) -> tuple[float, float]:
    """(recall@20, nDCG@10) of one ranking; each judged row is credited once, to its first hit."""
    found = {}
    gains = []
    for i, hit in enumerate(ranked):
        g = 0
        for j, r in enumerate(relevant):
            if j not in found and _same(hit, r):
                found[j] = i
                g = r["grade"]
                break
        gains.append(g)
    recall = sum(1 for j, i in found.items() if i < 20) / len(relevant) if relevant else 0.0
    dcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:10]))
    ideal = sorted((r["grade"] for r in relevant), reverse=True)[:10]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return recall, (dcg / idcg if idcg else 0.0)


def checks(store) -> list[str]:
    """The issue's checks on the same index."""
    from jixiao.index.store import SearchFilters

    lines = []
    rows = [h for h in store.search("*", limit=100000).hits if h["kind"] == "indicator"]
    for q, stem in (("满意度", "满意"), ("合格率", "合格"), ("及时率", "及时")):
        want = {(h["source"]["path"], h["level3"], h["value"]) for h in rows if stem in (h["level3"] or "")}
        r = store.search(q, limit=100000)
        got = {(h["source"]["path"], h["level3"], h["value"]) for h in r.hits}
        top3 = [h.get("level3") or "" for h in r.hits[:3]]
        lines.append(f"{q}: {len(want & got)}/{len(want)} rows named with {stem} "
                     f"({100 * len(want & got) / max(1, len(want)):.0f}%), top 3 all named with {stem}: "
                     f"{all(stem in t for t in top3)} {top3}")
    r = store.search("满意 -企业", limit=100000)
    lines.append(f"满意 -企业: {r.total} hits, with 企业: {sum('企业' in h['text'] for h in r.hits)}")
    hits = [h.get("level3") or h["text"] for h in store.search("演练", limit=50).hits]
    a = next((i for i, t in enumerate(hits) if t == "应急演练次数"), None)
    b = next((i for i, t in enumerate(hits) if t == "及时性"), None)
    lines.append(f"演练: 应急演练次数 at {a}, 及时性|及时组织演练 at {b}")
    for q in ("资金", "*"):
        r = store.search(q, SearchFilters(region="安徽"), limit=100000)
        provinces = {(h.get("region_levels") or {}).get("province") for h in r.hits}
        lines.append(f"{q} --region 安徽: {r.total} hits, provinces {sorted(p or '?' for p in provinces)}")
    return lines


def main() -> None:
    from jixiao.index.store import open_store

    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared"
    judged = [json.loads(line) for line in JUDGMENTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = parse_corpus(shared)
    base = baseline_index(docs)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(os.path.join(tmp, "ix"), create=True, writable=True)
        for d in docs:
            store.add_document(d, commit=False)
        store.commit()
        tot = {"jixiao": [0.0, 0.0], "baseline": [0.0, 0.0]}
        print(f"{len(judged)} judged queries, {sum(len(j['relevant']) for j in judged)} judged rows, "
              f"{len(docs)} documents")
        print(f"{'query':<12} {'rel':>4}  {'jixiao R@20':>11} {'nDCG@10':>8}   {'baseline R@20':>13} {'nDCG@10':>8}")
        for j in judged:
            q, rel = j["query"], j["relevant"]
            rj, nj = scores(jixiao_search(store, q, 20), rel)
            rb, nb = scores(baseline_search(base, q, 20), rel)
            tot["jixiao"][0] += rj
            tot["jixiao"][1] += nj
            tot["baseline"][0] += rb
            tot["baseline"][1] += nb
            print(f"{q:<12} {len(rel):>4}  {rj:>11.2f} {nj:>8.2f}   {rb:>13.2f} {nb:>8.2f}")
        n = len(judged)
        print(f"\nmean over {n} queries: jixiao recall@20 {tot['jixiao'][0] / n:.3f}, nDCG@10 {tot['jixiao'][1] / n:.3f}; "
              f"baseline (whoosh + jieba ChineseAnalyzer) recall@20 {tot['baseline'][0] / n:.3f}, "
              f"nDCG@10 {tot['baseline'][1] / n:.3f}")
        print("\nchecks (sample + dev):")
        for line in checks(store):
            print("  " + line)
        store.close()


if __name__ == "__main__":
    main()

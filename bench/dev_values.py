"""Accuracy of ``parse_value`` on the development gold (../shared/corpus/dev/gold.jsonl).

A row is exactly right when every field the gold target states (kind, op, value, value_max, unit,
direction, reference, date) equals ours. Rows whose gold target is null (no value in the excerpt)
are not counted.

Two more figures on the gold's numeric targets — "value+unit": the number and the unit the document
means (the issue's bar is 90%):

- *cells*: ``parse_value`` given the row's name, category and year (what the gold records);
- *parsed*: the whole pipeline on the dev files (layout → enrich), so a separate 单位/计量单位 column
  the layout reads also counts; a gold row counts only where a parsed row has its name and value.

    python bench/dev_values.py [--show-misses]
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from jixiao.pipeline.extract import parse_value

DEV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"
GOLD = DEV / "gold.jsonl"
FIELDS = ("kind", "op", "value", "value_max", "unit", "direction", "reference", "date")


def same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-9 * max(1.0, abs(b))
    return a == b


def unit_right(t, gold: dict) -> bool:
    return t is not None and t.kind == "numeric" and same(t.value, gold.get("value")) and t.unit == gold.get("unit")


def numeric(rows):
    return [r for r in rows if (r.get("target") or {}).get("kind") == "numeric" and r["target"].get("value") is not None]


def score(rows, show=False):
    ok = total = 0
    misses = []
    for r in rows:
        gold = r.get("target")
        if gold is None:
            continue
        total += 1
        t = parse_value(r.get("value_raw"), name=r.get("level3"), level2=r.get("level2"), year=r.get("year"))
        got = {f: getattr(t, f) for f in FIELDS}
        bad = [f for f in FIELDS if not same(got[f], gold.get(f))]
        if bad:
            misses.append((r.get("value_raw"), r.get("level3"), {f: (got[f], gold.get(f)) for f in bad}))
        else:
            ok += 1
    if show:
        for raw, name, diff in misses:
            print(f"  MISS {raw!r:30} {str(name)[:24]:24} {diff}")
    return ok, total


def unit_score_cells(rows) -> tuple[int, int]:
    num = numeric(rows)
    ok = sum(unit_right(parse_value(r.get("value_raw"), name=r.get("level3"), level2=r.get("level2"),
                                    year=r.get("year")), r["target"]) for r in num)
    return ok, len(num)


def unit_score_parsed(rows, show=False) -> tuple[int, int, int]:
    """(right, matched, gold numeric rows) through the whole pipeline."""
    from jixiao.corpus.layout import build_document
    from jixiao.corpus.readers import read
    from jixiao.pipeline.enrich import Parser

    def norm(s):
        return re.sub(r"\s+", "", s or "")

    num = numeric(rows)
    by_file = defaultdict(list)
    for r in num:
        by_file[r["file"]].append(r)
    parser = Parser(classify=False)
    ok = matched = 0
    for name, golds in sorted(by_file.items()):
        doc = parser.enrich(build_document(read(DEV / name)))
        index = {(norm(i.level3), norm(i.value)): i for _, i in doc.indicators()}
        for g in golds:
            ind = index.get((norm(g["level3"]), norm(g["value_raw"])))
            if ind is None:
                continue
            matched += 1
            if unit_right(ind.target, g["target"]):
                ok += 1
            elif show:
                t = ind.target
                print(f"  UNIT {g['value_raw']!r:24} {g['level3'][:24]:24} got {t and t.value} {t and t.unit!r} "
                      f"gold {g['target']['value']} {g['target']['unit']!r} (unit column {getattr(ind, 'unit', None)!r})")
    return ok, matched, len(num)


def main() -> None:
    if not GOLD.exists():
        sys.exit(f"{GOLD} not present")
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    show = "--show-misses" in sys.argv
    ok, total = score(rows, show=show)
    print(f"dev gold: {ok}/{total} values exactly right = {100 * ok / total:.1f}%")
    ok, total = unit_score_cells(rows)
    print(f"numeric value+unit, cells (name, level2, year given): {ok}/{total} = {100 * ok / total:.1f}%")
    ok, matched, total = unit_score_parsed(rows, show=show)
    print(f"numeric value+unit, parsed documents: {ok}/{matched} matched rows = {100 * ok / max(1, matched):.1f}% "
          f"({matched} of {total} gold numeric rows read with their name and value)")


if __name__ == "__main__":
    main()

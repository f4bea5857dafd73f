"""Accuracy of ``parse_value`` on the development gold (../shared/corpus/dev/gold.jsonl).

A row is exactly right when every field the gold target states (kind, op, value, value_max, unit,
direction, reference, date) equals ours. Rows whose gold target is null (no value in the excerpt)
are not counted.

    /work/venv/bin/python bench/dev_values.py [--show-misses]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jixiao.pipeline.extract import parse_value

GOLD = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev" / "gold.jsonl"
FIELDS = ("kind", "op", "value", "value_max", "unit", "direction", "reference", "date")


def same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-9 * max(1.0, abs(b))
    return a == b


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


def main() -> None:
    if not GOLD.exists():
        sys.exit(f"{GOLD} not present")
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    ok, total = score(rows, show="--show-misses" in sys.argv)
    print(f"dev gold: {ok}/{total} values exactly right = {100 * ok / total:.1f}%")


if __name__ == "__main__":
    main()

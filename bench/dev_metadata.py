"""Department inference on the development corpus: found / right / wrong per document.

The truth is each file's ``# department:`` provenance line (which the parser never reads for the
department): the unit it names, and the 主管/实施 units it mentions in parentheses, all count as right.
A file whose line says ``unknown`` (or names no unit) has no truth: anything inferred there is listed
as *unverified* for a person to check. The seed sample is checked against its known department.

    python bench/dev_metadata.py [DEV_DIR] [-v]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEV = ROOT.parent / "shared" / "corpus" / "dev"
SEED = ROOT / "corpus" / "samples" / "chengde_2021_yingji.txt"
SEED_DEPARTMENT = "承德市应急管理局"

# Spelling variants a person reads as the same unit (judging only; inference never sees these).
_SAME = [("市场监督管理", "市场监管"), ("残疾人联合会", "残联"), ("藏族自治州", "州"), ("机关", ""), ("中共", "")]
_UNIT_END = re.compile(r"(?:局|委|办|院|中心|政府|学校|小学|中学|所|站|队|馆|会|处|室|厅|部|联)$")


def norm(s: str) -> str:
    s = re.sub(r"\s+", "", s)
    for a, b in _SAME:
        s = s.replace(a, b)
    return s


def truth(header: str) -> list[str]:
    """The units named on a ``# department:`` line (empty when it says unknown)."""
    head = re.split(r";\s*(?:project|projects|专项)", header)[0]
    names = re.findall(r"[\u4e00-\u9fff]{2,}", head)
    names = [n for n in names if _UNIT_END.search(norm(n))]
    return [] if head.strip().lower().startswith(("unknown", "a ")) else names


def judge(found: str | None, names: list[str]) -> str:
    if not names:
        return "unverified" if found else "none"
    if not found:
        return "missing"
    f = norm(found)
    ok = any(len(f) >= 3 and (f in norm(n) or norm(n) in f) for n in names)
    return "right" if ok else "wrong"


def main() -> None:
    from jixiao.corpus.layout import build_document
    from jixiao.corpus.readers import read
    from jixiao.corpus.text import provenance

    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    dev = Path(args[0]) if args else DEFAULT_DEV
    verbose = "-v" in sys.argv
    if not dev.exists():
        sys.exit(f"{dev} not present")
    counts: dict[str, int] = {}
    for path in sorted(dev.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        names = truth(provenance(raw).get("department", ""))
        found = build_document(read(path)).department
        verdict = judge(found, names)
        counts[verdict] = counts.get(verdict, 0) + 1
        if verbose or verdict in ("wrong", "unverified", "missing"):
            print(f"  {verdict:10} {path.name[:58]:58} found={found!r} truth={names}")
    seed = build_document(read(SEED)).department
    known = sum(counts.get(k, 0) for k in ("right", "wrong", "missing"))
    print(f"dev: {known} documents with a known department: right {counts.get('right', 0)}, "
          f"wrong {counts.get('wrong', 0)}, missing {counts.get('missing', 0)} "
          f"(found {100 * (counts.get('right', 0) + counts.get('wrong', 0)) / max(1, known):.0f}%); "
          f"unknown truth: {counts.get('unverified', 0)} inferred (unverified), {counts.get('none', 0)} none")
    print(f"seed: {seed!r} ({'right' if seed == SEED_DEPARTMENT else 'WRONG'})")


if __name__ == "__main__":
    main()

"""Print match scores of true pairs vs the best wrong candidates: the evidence behind compare's thresholds.

Data: the 湘潭 雾炮车 2023/2024 pair in ../shared/corpus/dev (a real cross-year pair whose names and
value formats drift), read from gold.jsonl rows (names, categories, values, targets), plus the name
drifts the issue quotes. Run:

    python bench/dev_match.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jixiao.document import Indicator, Project, Target
from jixiao.index.compare import (INDICATOR_THRESHOLD, PROJECT_THRESHOLD, Comparer, _idf, _Ind, _Proj,
                                  compare_targets, normalize_name)

DEV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"
PAIR = ("2023_hunan-xiangtan_huanjing-weisheng_wupaoche_target_1.txt",
        "2024_hunan-xiangtan_huanjing-weisheng_wupaoche_target_2.txt")
PROJECT_NAMES = {PAIR[0]: "雾炮车降尘抑尘服务", PAIR[1]: "雾炮车抑尘降尘服务"}
# Other projects of the same kind of department as distractors for the project score.
DISTRACTORS = ["环卫作业车辆购置", "道路清扫保洁服务", "城市生活垃圾处理费", "公厕管理维护经费"]
ISSUE_DRIFTS = [("安全生产专家劳务费", "安全生产专家咨询劳务费"), ("购置数量", "执法装备购置数量"),
                ("市民满意度", "满意度"), ("雾炮车降尘抑尘服务配备车辆数", "雾炮车抑尘降尘服务配备车辆数")]


def load_rows(name: str) -> list[_Ind]:
    rows = [json.loads(line) for line in (DEV / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    out = []
    for r in rows:
        if r["file"] != name:
            continue
        t = Target(raw=r["value_raw"] or "", **(r["target"] or {}))
        ind = Indicator(level1=r["level1"], level2=r["level2"], level3=r["level3"] or "", value=r["value_raw"],
                        target=t)
        out.append(_Ind(ind, r["level2"], t))
    return out


def main() -> int:
    if not DEV.exists():
        print(f"{DEV} not present", file=sys.stderr)
        return 1
    cmp = Comparer()
    a, b = load_rows(PAIR[0]), load_rows(PAIR[1])
    # Gold rows are in the same order in both years (the pair's note says the 10 rows correspond).
    print(f"Indicators: {len(a)} (2023) vs {len(b)} (2024); threshold {INDICATOR_THRESHOLD}")
    print(f"{'2023 level3':<24} {'2024 level3':<24} {'true':>6} {'best wrong':>10}  change")
    worst_true, best_wrong = 1e9, -1e9
    for i, (x, y) in enumerate(zip(a, b)):
        true = cmp.indicator_score(x, y)
        wrong = max(cmp.indicator_score(x, z) for j, z in enumerate(b) if j != i)
        worst_true, best_wrong = min(worst_true, true), max(best_wrong, wrong)
        change = compare_targets(x.target, y.target, name=y.ind.level3, level2=y.level2, year_shift=1)
        print(f"{(x.ind.level3 or '∅')[:22]:<24} {(y.ind.level3 or '∅')[:22]:<24} {true:6.3f} {wrong:10.3f}  "
              f"{x.ind.value!s:>16} → {y.ind.value!s:<14} {change or 'same'}")
    print(f"lowest true pair {worst_true:.3f}  highest wrong candidate {best_wrong:.3f}  "
          f"margin {worst_true - best_wrong:.3f}")
    matched = cmp.match_indicators(a, b)
    correct = sum(1 for i, j, _ in matched if i == j)
    print(f"assignment: {correct}/{len(a)} correct pairs, {len(matched) - correct} wrong")

    def proj(name, inds):
        return _Proj(Project(name=name, indicators=[i.ind for i in inds]), inds, 250.0, "")

    pa = proj(PROJECT_NAMES[PAIR[0]], a)
    pb = proj(PROJECT_NAMES[PAIR[1]], b)
    others = [proj(n, []) for n in DISTRACTORS]
    idf = _idf([[pa], [pb, *others]])
    print(f"\nProjects (threshold {PROJECT_THRESHOLD}): true pair {cmp.project_score(pa, pb, idf):.3f}; "
          f"best distractor {max(cmp.project_score(pa, o, idf) for o in others):.3f}")
    print("\nName drifts from the issue (name similarity / as indicators of the same category):")
    for x, y in ISSUE_DRIFTS:
        ix = _Ind(Indicator(level2="数量指标", level3=x), "数量指标", Target(raw="4次", kind="numeric"))
        iy = _Ind(Indicator(level2="数量指标", level3=y), "数量指标", Target(raw="5次", kind="numeric"))
        print(f"  {x} → {y}: name {cmp.sim.score(x, y):.3f}, indicator score {cmp.indicator_score(ix, iy):.3f}")
    distinct_pairs(cmp)
    seed_projects(cmp)
    return 0


def distinct_pairs(cmp: Comparer) -> None:
    """Scores of indicators that are NOT the same (different names, same category) across all dev files:
    how often would a wrong candidate clear the threshold if its true partner were missing?"""
    rows = [json.loads(line) for line in (DEV / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    by_l2: dict[str, dict[str, _Ind]] = {}
    for r in rows:
        if not r["level3"]:
            continue
        t = Target(raw=r["value_raw"] or "", **(r["target"] or {}))
        ind = _Ind(Indicator(level2=r["level2"], level3=r["level3"], value=r["value_raw"], target=t), r["level2"], t)
        by_l2.setdefault(r["level2"] or "", {}).setdefault(normalize_name(r["level3"]), ind)
    scores = []
    for inds in by_l2.values():
        items = list(inds.values())
        for k, x in enumerate(items):
            for y in items[k + 1:]:
                scores.append((cmp.indicator_score(x, y), x.ind.level3, y.ind.level3))
    scores.sort(reverse=True)
    above = [s for s in scores if s[0] >= INDICATOR_THRESHOLD]
    print(f"\nDistinct same-category indicator names in dev gold: {len(scores)} pairs; "
          f"{len(above)} ({100 * len(above) / max(1, len(scores)):.2f}%) score >= {INDICATOR_THRESHOLD}")
    q = [scores[int(len(scores) * f)][0] for f in (0.5, 0.1, 0.01)] if scores else []
    print("  median {:.3f}, top 10% {:.3f}, top 1% {:.3f}".format(*q) if q else "")
    for s, x, y in scores[:8]:
        print(f"  {s:.3f}  {x} | {y}")


def seed_projects(cmp: Comparer) -> None:
    """Projects of one year are all different: their best mutual score shows the project false-match risk."""
    gold = json.loads((DEV.parent / "seed" / "chengde_2021_yingji.gold.json").read_text(encoding="utf-8"))
    projs = []
    for p in gold["projects"]:
        inds = []
        for r in p["indicators"]:
            t = Target(raw=r["value"] or "")
            inds.append(_Ind(Indicator(level2=r["level2"], level3=r["level3"], value=r["value"]), r["level2"], t))
        text = " ".join([p.get("purpose") or "", *p.get("goals", [])])
        projs.append(_Proj(Project(name=p["name"]), inds, p.get("budget_wan"), text))
    idf = _idf([projs, projs])
    best = []
    for k, x in enumerate(projs):
        s, y = max((cmp.project_score(x, y, idf), y.project.name) for j, y in enumerate(projs) if j != k)
        best.append((s, x.project.name, y))
    best.sort(reverse=True)
    print(f"\nSeed: best score of each of {len(projs)} projects against a DIFFERENT project "
          f"(threshold {PROJECT_THRESHOLD}):")
    for s, x, y in best[:5]:
        print(f"  {s:.3f}  {x} | {y}")


if __name__ == "__main__":
    sys.exit(main())

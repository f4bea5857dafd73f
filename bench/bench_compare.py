"""Compare time for a department with 100 projects, against an exact-name baseline in the same run.

Synthetic 2021/2022 documents (seeded random): 100 projects of ~9 indicators; in 2022 five projects
are removed, five added, ten renamed (a qualifier inserted), every project's order and code change,
a fifth of the values move and a tenth of the indicator names gain a qualifier. Prints the median of
several runs for ``compare_documents`` (segmenter already loaded) and for a naive matcher that pairs
equal names only, plus how many true pairs each one recovers. Run:

    python bench/bench_compare.py [--projects 100] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from jixiao.document import Budget, Document, Indicator, Project, Source, Target
from jixiao.index.compare import Comparer, normalize_name
from jixiao.pipeline.segment import default_segmenter

PLACES = ["市本级", "城区", "开发区", "高新区", "北区", "南区", "东区", "西区", "县域", "乡镇"]
THINGS = ["安全生产执法检查", "应急预案演练", "森林草原防火", "地震监测", "防汛抗旱物资储备", "危化品监管",
          "安全生产宣传培训", "应急指挥平台运维", "救灾物资采购", "矿山安全监察", "消防设施维护", "专家咨询"]
KINDS = ["专项经费", "工作经费", "运维费", "服务费", "补助资金"]
QUALIFIERS = ["执法", "日常", "年度", "综合", "应急"]
ROWS = [("数量指标", "应急演练次数", "次"), ("数量指标", "组织培训会议次数", "次"), ("数量指标", "购置数量", "件"),
        ("数量指标", "地震监测设备巡检次数", "次"), ("数量指标", "发放宣传品数量", "份"),
        ("质量指标", "隐患整改率", "%"), ("质量指标", "验收合格率", "%"), ("质量指标", "光纤故障率", "%"),
        ("质量指标", "经费支出准确率", "%"), ("时效指标", "按时间进度要求支付使用资金", None),
        ("时效指标", "灾情信息报送时限", "小时"), ("成本指标", "资金成本", None), ("社会效益指标", "保障全市安全生产", None),
        ("可持续影响指标", "设备持续使用年限", "年"), ("服务对象满意度指标", "企业满意度", "%"),
        ("服务对象满意度指标", "机关工作人员满意率", "%")]


def make_indicator(rng: random.Random, level2: str, name: str, unit: str | None) -> Indicator:
    if unit is None:
        raw = "小于等于核定数" if level2 == "成本指标" else "支出进度要求"
        t = Target(raw=raw, kind="reference" if level2 == "成本指标" else "qualitative", op="<=" if level2 == "成本指标"
                   else None, reference="核定数" if level2 == "成本指标" else None)
    else:
        v = rng.choice([85, 90, 95, 98]) if unit == "%" else rng.randint(2, 30)
        raw = f"{v}{unit}"
        t = Target(raw=raw, kind="numeric", value=v, unit=unit)
    return Indicator(level1="产出指标", level2=level2, level3=name, description=name, value=raw, target=t)


def make_years(n: int, seed: int = 7):
    """(2021 doc, 2022 doc, truth: 2022 index → 2021 index of the same project)."""
    rng = random.Random(seed)
    parts = [(p, t, k) for p in PLACES for t in THINGS for k in KINDS]
    rng.shuffle(parts)
    names = ["".join(x) for x in parts]
    old = []
    for k in range(n):
        rows = rng.sample(ROWS, 9)
        old.append(Project(code=f"A{k}", name=names[k], budget=Budget(total=float(rng.randint(5, 300))),
                           purpose=f"保障{names[k]}工作顺利开展", indicators=[make_indicator(rng, *r) for r in rows]))
    removed = set(rng.sample(range(n), 5))
    kept = [k for k in range(n) if k not in removed]
    renamed = set(rng.sample(kept, 10))
    new, truth = [], {}
    for k in kept:
        p = old[k]
        name = p.name
        if k in renamed:
            place, thing, kind = parts[k]
            name = place + thing + rng.choice(QUALIFIERS) + kind  # 城区地震监测运维费 → 城区地震监测日常运维费
        inds = []
        for ind in p.indicators:
            level3 = ind.level3
            if rng.random() < 0.1:
                level3 = rng.choice(QUALIFIERS) + level3
            i = Indicator(level1=ind.level1, level2=ind.level2, level3=level3, description=level3, value=ind.value,
                          target=ind.target)
            if ind.target.kind == "numeric" and rng.random() < 0.2:
                v = ind.target.value + 1
                i.value, i.target = f"{v:g}{ind.target.unit}", Target(raw=f"{v:g}{ind.target.unit}", kind="numeric",
                                                                      value=v, unit=ind.target.unit)
            inds.append(i)
        truth[len(new)] = k
        new.append(Project(code=f"B{k}", name=name, budget=Budget(total=p.budget.total + rng.choice([0, 0, 5])),
                           purpose=p.purpose, indicators=inds))
    for k in range(5):
        rows = rng.sample(ROWS, 9)
        name = names[n + k]
        new.append(Project(code=f"N{k}", name=name, budget=Budget(total=50.0), purpose=f"保障{name}工作顺利开展",
                           indicators=[make_indicator(rng, *r) for r in rows]))
    order = list(range(len(new)))
    rng.shuffle(order)
    truth = {order.index(j): k for j, k in truth.items()}
    new = [new[j] for j in order]

    def doc(year, projects):
        return Document(source=Source(f"/synthetic/{year}.txt", str(year), "txt"), year=year, department="某局",
                        kind="target", projects=projects)

    return doc(2021, old), doc(2022, new), truth


def naive_compare(a: Document, b: Document) -> dict[int, int]:
    """Baseline: pair projects (and indicators) whose names are equal, nothing else."""
    index = {}
    for k, p in enumerate(a.projects):
        index.setdefault(p.name, k)
    pairs = {}
    for j, p in enumerate(b.projects):
        if p.name in index:
            pairs[j] = index.pop(p.name)
            old = {i.level3: i for i in a.projects[pairs[j]].indicators}
            for ind in p.indicators:
                o = old.get(ind.level3)
                _ = o is not None and o.value != ind.value
    return pairs


def pairs_of(result, a: Document, b: Document) -> dict[int, int]:
    """2022 index → 2021 index of the projects compare matched (names are unique in this data)."""
    ia = {p.name: k for k, p in enumerate(a.projects)}
    ib = {p.name: k for k, p in enumerate(b.projects)}
    return {ib[p["to_name"]]: ia[p["from_name"]] for p in result["projects"] if p["from_name"] and p["to_name"]}


def median_time(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=100)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    t0 = time.perf_counter()
    seg = default_segmenter()
    print(f"segmenter load (once per process): {time.perf_counter() - t0:.2f} s")
    a, b, truth = make_years(args.projects)
    n_ind = sum(len(p.indicators) for p in a.projects)
    print(f"department: {len(a.projects)} projects / {n_ind} indicators (2021) vs {len(b.projects)} projects (2022)")
    # A fresh Comparer per run: its similarity cache starts empty, as in one `jixiao compare` call.
    t_cmp, result = median_time(lambda: Comparer(seg).compare("某局", 2021, [a], 2022, [b]), args.runs)
    t_naive, naive = median_time(lambda: naive_compare(a, b), args.runs)
    got = pairs_of(result, a, b)
    ok = sum(1 for j, k in got.items() if truth.get(j) == k)
    wrong = len(got) - ok
    ok_naive = sum(1 for j, k in naive.items() if truth.get(j) == k)
    inds_changed = result["summary"]["indicators"]
    print(f"compare_documents: {t_cmp * 1000:.0f} ms (median of {args.runs}); "
          f"exact-name baseline: {t_naive * 1000:.2f} ms; ratio {t_cmp / t_naive:.0f}x")
    print(f"true project pairs recovered: compare {ok}/{len(truth)} (wrong {wrong}); "
          f"exact names {ok_naive}/{len(truth)}")
    print(f"indicators: {inds_changed}")
    t_render = {}
    from jixiao.index.report import render
    for fmt in ("json", "md", "html", "csv"):
        t_render[fmt], _ = median_time(lambda: render(result, fmt), args.runs)
    print("render: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in t_render.items()))


if __name__ == "__main__":
    main()

"""Write the judged query set of ``bench_relevance.py`` (``bench/data/relevance_judgments.jsonl``).

Each query is one a budget officer would type; the rows that should come back are judged on the gold
rows of the development corpus and the seed (their names, descriptions and values as labelled, not
as jixiao reads them): grade 2 = the row's name is about what was asked, grade 1 = related (the word
only in its description or value, or a near concept). The rules below were applied to every gold
row and the result read through by hand; the JSONL (the facts: file, name, grade) is what the
benchmark uses, so the rules never run at benchmark time.

    python bench/relevance_judge.py [SHARED_DIR]   # default ../shared beside the checkout
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "data" / "relevance_judgments.jsonl"

# query → (patterns for grade 2 in the name, patterns for grade 1 in name/description/value).
# A pattern is a string (substring) or a tuple of strings (all of them). Traditional characters are
# folded before matching (寧德 rows count for simplified queries).
QUERIES: dict[str, tuple[list, list]] = {
    "满意度": (["满意"], []),
    "服务对象满意率": (["满意"], []),
    "群众满意度": ([("群众", "满意"), ("公众", "满意"), ("市民", "满意")], ["满意"]),
    "合格率": (["合格"], []),
    "验收合格率": ([("验收", "合格")], ["合格", "验收"]),
    "及时率": (["及时"], ["按时", "按期"]),
    "完成及时": (["及时"], ["按时", "按期", "完成时间"]),
    "演练": (["演练"], []),
    "应急演练次数": ([("演练", "次数")], ["演练"]),
    "培训": (["培训", "参训", "参培"], []),
    "培训人次": ([("培训", "人次"), ("参会", "人次")], ["培训", "参训"]),
    "成本": (["成本"], ["费用", "经费"]),
    "项目总成本": (["总成本"], ["成本"]),
    "完成率": (["完成率"], ["完成"]),
    "覆盖率": (["覆盖"], []),
    "达标率": (["达标"], []),
    "知晓率": (["知晓"], ["认知"]),
    "资金到位率": ([("资金", "到位")], ["到位", "资金"]),
    "补贴标准": ([("补贴", "标准"), ("补助", "标准")], ["补贴", "补助"]),
    "受益人口": ([("受益", "人口"), ("受益", "人数"), ("受益", "户")], ["受益"]),
    "种植面积": ([("种植", "面积")], ["面积", "种植"]),
    "食品安全": (["食品安全"], ["食品", "食安"]),
    "安全生产": (["安全生产"], []),
    "宣传": (["宣传"], []),
    "购置": (["购置"], ["采购", "购买"]),
    "完成时间": (["完成时间", "完成时限"], ["时限", "期限", "按期"]),
    "经费支出合规": ([("经费", "合规"), ("支出", "合规")], ["合规"]),
    "故障率": (["故障"], []),
    "就业": (["就业"], []),
    "贫困人口": ([("贫困", "人口"), ("脱贫", "人口")], ["贫困", "脱贫"]),
    "残疾人": (["残疾"], []),
    "储备粮": (["储备粮"], ["粮"]),
    "整改率": (["整改"], []),
    "空气质量": (["空气质量"], ["空气"]),
    "补助资金": (["补助资金"], ["补助", "资金"]),
    "人才驿站": (["人才驿站"], []),
    "执法": (["执法"], ["检查"]),
    "民办幼儿园": (["民办幼儿园", "民办园"], ["幼儿园"]),
    "会议": (["会议"], []),
    "隐患": (["隐患"], []),
}


def _fold(s: str) -> str:
    from jixiao.pipeline.segment import t2s_table

    return (s or "").translate(t2s_table())


def _has(text: str, pat) -> bool:
    return all(p in text for p in pat) if isinstance(pat, tuple) else pat in text


def gold_rows(shared: Path) -> list[dict]:
    """(file, level3, description, value) of every gold row of the dev corpus and the seed."""
    rows = []
    for line in (shared / "corpus" / "dev" / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r.get("level3"):
            rows.append({"file": r["file"], "level3": r["level3"], "description": None, "value": r.get("value_raw")})
    seed = json.loads((shared / "corpus" / "seed" / "chengde_2021_yingji.gold.json").read_text(encoding="utf-8"))
    for p in seed["projects"]:
        for i in p["indicators"]:
            rows.append({"file": "chengde_2021_yingji.txt", "level3": i["level3"],
                         "description": i.get("description"), "value": i.get("value")})
    for t in seed.get("narrative_targets") or []:
        if t.get("clause_contains"):  # a narrative target: the clause is its name
            rows.append({"file": "chengde_2021_yingji.txt", "level3": t["clause_contains"], "description": None,
                         "value": None})
    return rows


def judge(rows: list[dict]) -> list[dict]:
    out = []
    for q, (strong, weak) in QUERIES.items():
        rel = {}
        for r in rows:
            name = _fold(r["level3"])
            rest = _fold(" ".join(x for x in (r.get("description"), r.get("value")) if x))
            grade = 0
            if any(_has(name, p) for p in strong):
                grade = 2
            elif any(_has(name, p) or _has(rest, p) for p in strong + weak):
                grade = 1
            if grade:
                key = (r["file"], r["level3"])
                rel[key] = max(rel.get(key, 0), grade)
        out.append({"query": q, "relevant": [{"file": f, "level3": n, "grade": g} for (f, n), g in rel.items()]})
    return out


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[1] / "shared"
    OUT.parent.mkdir(exist_ok=True)
    judged = judge(gold_rows(shared))
    with OUT.open("w", encoding="utf-8") as f:
        for j in judged:
            f.write(json.dumps(j, ensure_ascii=False) + "\n")
    for j in judged:
        print(f"{j['query']}: {len(j['relevant'])} rows "
              f"({sum(1 for r in j['relevant'] if r['grade'] == 2)} by name)")


if __name__ == "__main__":
    main()

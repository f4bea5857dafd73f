"""Layout families: clean indicator tables rendered the ways real flattened text comes out.

A *table* is a list of rows ``(level1, level2, level3, value, actual)``. Each family renders it as
the text of a file and returns the rows a reader should recover, as written (the name and value of
every row after the rendering's own changes: traditional characters, OCR digit noise):

* ``glued``        cells run together with no separator (header, category labels, name, value; in
                   self-evaluations also actual, 分值 and 得分, in either column order);
* ``selfeval``     one row per line, cells separated by spaces, columns 年度指标值 实际完成值 分值 得分
                   偏差原因, category labels only on the first row of their group;
* ``pipe_split``   a `` | `` table whose header is split over two or more lines, merged cells blank;
* ``prose``        an indicator list written as prose by category (一、产出指标 1.数量指标：名称≥95%；…),
                   with template placeholders in some names;
* ``traditional``  a pipe or space table in traditional characters;
* ``ocr``          glued or space rows with OCR-like digit noise (≥ read as 2 or 工, % as $ …);
* ``wrapped``      one cell per line (`` |`` endings), long cells wrapped over lines;
* ``old_labels``   first-level labels in older wording (项目产出, 项目效果, 项目完成指标 …).

Sources: the seed's gold (tests/data), the dev gold rows (../shared/corpus/dev/gold.jsonl, when
present) and a few rows written here. ``python bench/gen_layouts.py [--out DIR]`` writes samples.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_GOLD = ROOT / "tests" / "data" / "chengde_2021_yingji.gold.json"
DEV = ROOT.parent / "shared" / "corpus" / "dev"


@dataclass
class Row:
    level1: str
    level2: str
    level3: str
    value: str
    actual: str | None = None


@dataclass
class GenTable:
    source: str  # where the rows come from (a file name, seed:N, own:N)
    rows: list[Row]
    title: str = "项目支出绩效目标表"


@dataclass
class Rendering:
    family: str
    source: str
    text: str
    expected: list[tuple[str, str]] = field(default_factory=list)  # (name, value) as written


# Rows written for the generator (not from any document): varied units, operators and categories.
OWN_ROWS: list[list[tuple[str, str, str, str]]] = [
    [("产出指标", "数量指标", "新建农村公路里程", "≥35公里"),
     ("产出指标", "数量指标", "改造危桥数量", "12座"),
     ("产出指标", "质量指标", "工程验收合格率", "100%"),
     ("产出指标", "时效指标", "项目完工时间", "2024年11月底前"),
     ("产出指标", "成本指标", "每公里建设成本", "≤80万元"),
     ("效益指标", "社会效益指标", "沿线群众出行条件", "明显改善"),
     ("效益指标", "可持续影响指标", "道路设计使用年限", "≥15年"),
     ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%")],
    [("产出指标", "数量指标", "培训农村实用人才人数", "1200人次"),
     ("产出指标", "数量指标", "举办培训班期数", "8期"),
     ("产出指标", "质量指标", "培训考核合格率", "≥95%"),
     ("产出指标", "时效指标", "培训完成时限", "12月31日前"),
     ("产出指标", "成本指标", "人均培训费用", "≤450元/人"),
     ("效益指标", "经济效益指标", "学员人均增收", "≥3000元"),
     ("效益指标", "社会效益指标", "带动就业人数", "≥300人"),
     ("满意度指标", "服务对象满意度指标", "参训学员满意度", "95%")],
    [("产出指标", "数量指标", "发放低保金户数", "4862户"),
     ("产出指标", "数量指标", "保障面积(万亩)", "28"),
     ("产出指标", "质量指标", "资金发放准确率", "=100%"),
     ("产出指标", "时效指标", "补助资金按月发放率", "100%"),
     ("产出指标", "成本指标", "城市低保月人均补助标准", "620元/人·月"),
     ("效益指标", "社会效益指标", "困难群众基本生活保障水平", "有效保障"),
     ("效益指标", "可持续影响指标", "社会救助体系运行", "长期稳定"),
     ("满意度指标", "服务对象满意度指标", "救助对象满意度", "≥85%")],
    [("产出指标", "数量指标", "河道清淤长度", "6.5公里"),
     ("产出指标", "数量指标", "安装水位监测设备", "24套"),
     ("产出指标", "质量指标", "水质达标率", "≥90%"),
     ("产出指标", "时效指标", "汛前完成清淤", "5月31日前"),
     ("产出指标", "成本指标", "项目总成本", "≤560万元"),
     ("效益指标", "生态效益指标", "水生态环境", "持续改善"),
     ("效益指标", "生态效益指标", "化学需氧量削减量", "≥120吨"),
     ("效益指标", "经济效益指标", "减少洪涝损失", "≥200万元"),
     ("满意度指标", "服务对象满意度指标", "周边居民满意度", "≥92%")],
    [("产出指标", "数量指标", "义诊服务人次", "≥5000人次"),
     ("产出指标", "数量指标", "配备急救车辆", "3辆"),
     ("产出指标", "质量指标", "医疗设备完好率", "≥98%"),
     ("产出指标", "时效指标", "急救响应时间", "≤15分钟"),
     ("产出指标", "成本指标", "设备采购成本控制率", "≤100%"),
     ("效益指标", "社会效益指标", "基层医疗服务能力", "显著提升"),
     ("效益指标", "社会效益指标", "家庭医生签约率", "≥75%"),
     ("满意度指标", "服务对象满意度指标", "患者满意度", "≥90%")],
    [("产出指标", "数量指标", "新增造林面积", "3000亩"),
     ("产出指标", "数量指标", "苗木种植数量", "≥17600株"),
     ("产出指标", "质量指标", "造林成活率", "≥85%"),
     ("产出指标", "时效指标", "造林任务完成时间", "2023年4月前"),
     ("产出指标", "成本指标", "亩均造林成本", "≤1200元/亩"),
     ("效益指标", "生态效益指标", "森林覆盖率提高", "0.3个百分点"),
     ("效益指标", "可持续影响指标", "林木管护期限", "3年"),
     ("满意度指标", "服务对象满意度指标", "林农满意度", "≥90%")],
]


# ---------------------------------------------------------------- sources

def seed_tables() -> list[GenTable]:
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    out = []
    for k, p in enumerate(gold["projects"]):
        rows = [Row(i["level1"], i["level2"], i["level3"], i["value"]) for i in p["indicators"]
                if i.get("level3") and i.get("value") and i["level3"] != "未涉及"]
        if rows:
            out.append(GenTable(f"seed:{k}", rows))
    return out


def own_tables() -> list[GenTable]:
    return [GenTable(f"own:{k}", [Row(*r) for r in t]) for k, t in enumerate(OWN_ROWS)]


def dev_tables(dev: Path = DEV) -> list[GenTable]:
    """The dev gold rows grouped by file (only their labelled cells, never the documents' text)."""
    path = dev / "gold.jsonl"
    if not path.exists():
        return []
    by_file: dict[str, list[Row]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line:
            continue
        g = json.loads(line)
        name, value = (g.get("level3") or "").strip(), (g.get("value_raw") or "").strip()
        if not name or not value or not g.get("level2") or "|" in name + value:
            continue
        if g.get("kind") == "indicator-library":
            continue
        l1 = g.get("level1") or "产出指标"
        by_file.setdefault(g["file"], []).append(
            Row(l1, g["level2"], re.sub(r"\s+", "", name), re.sub(r"\s+", "", value),
                re.sub(r"\s+", "", g.get("actual_raw") or "") or None))
    return [GenTable(f, rows) for f, rows in sorted(by_file.items()) if len(rows) >= 3]


def all_tables() -> list[GenTable]:
    return seed_tables() + own_tables() + dev_tables()


# ---------------------------------------------------------------- label wording

_L1_OLD = {"产出指标": ["项目产出", "项目完成指标", "产出"], "效益指标": ["项目效果", "项目效益指标", "效果指标", "项目效益"],
           "满意度指标": ["满意度", "满意度指标"], "成本指标": ["成本指标"]}
_L2_SHORT = {"数量指标": "产出数量", "质量指标": "产出质量", "时效指标": "产出时效", "成本指标": "产出成本",
             "经济效益指标": "经济效益", "社会效益指标": "社会效益", "生态效益指标": "生态效益",
             "可持续影响指标": "可持续影响", "服务对象满意度指标": "服务对象满意度"}


def _l1(row: Row, rng: random.Random, old: bool) -> str:
    if old:
        return rng.choice(_L1_OLD.get(row.level1, [row.level1]))
    return row.level1


def _l2(row: Row, rng: random.Random, old: bool) -> str:
    if old and rng.random() < 0.6:
        return _L2_SHORT.get(row.level2, row.level2)
    return row.level2


# ---------------------------------------------------------------- cell fillers

def _actual(row: Row, rng: random.Random) -> str:
    if row.actual:
        return row.actual
    v = re.sub(r"^(?:[≥≤<>=＞＜]+|不低于|不高于|不少于|不超过)", "", row.value)
    if rng.random() < 0.2 and re.fullmatch(r"\d+(?:\.\d+)?[^\d年月日]*", v):
        m = re.match(r"(\d+(?:\.\d+)?)(.*)", v)
        n = float(m.group(1))
        v = (f"{n * rng.uniform(0.9, 1.05):.0f}" if n > 10 else m.group(1)) + m.group(2)
    return v or "达成预期指标"


def _weights(n: int, rng: random.Random) -> list[str]:
    return [str(rng.choice([2, 3, 4, 5, 5, 8, 10, 10, 15, 20])) for _ in range(n)]


def _score(w: str, rng: random.Random) -> str:
    return w if rng.random() < 0.75 else str(max(0, int(w) - rng.choice([1, 2, w and int(w)])))


def _groups(rows: list[Row]) -> list[tuple[str, list[tuple[str, list[Row]]]]]:
    """Rows grouped by first, then second level, in order of appearance."""
    out: list[tuple[str, list[tuple[str, list[Row]]]]] = []
    for r in rows:
        if not out or out[-1][0] != r.level1:
            out.append((r.level1, []))
        l2s = out[-1][1]
        if not l2s or l2s[-1][0] != r.level2:
            l2s.append((r.level2, []))
        l2s[-1][1].append(r)
    return out


def _preamble(t: GenTable, rng: random.Random, sep: str) -> str:
    name = rng.choice(["城乡环境综合整治项目", "农村饮水安全巩固提升工程", "困难群众救助补助资金", "基层公共文化服务项目",
                       "重点人群健康服务补助", "农田水利设施维修养护"])
    total = rng.choice(["50.00", "128.5", "300", "1,200.00"])
    return (f"{t.title}\n（{rng.choice([2020, 2021, 2022, 2023, 2024])}年度）\n"
            f"项目名称{sep}{name}{sep}主管部门{sep}某县{rng.choice(['农业农村局', '民政局', '卫生健康委员会', '水利局'])}\n"
            f"年度资金总额{sep}{total}\n")


# ---------------------------------------------------------------- families

def render_glued(t: GenTable, rng: random.Random) -> Rendering:
    selfeval = rng.random() < 0.5
    order = rng.choice([["value", "actual", "weight", "score"], ["weight", "value", "actual", "score"]]) \
        if selfeval else ["value"]
    head_words = {"value": rng.choice(["年度指标值", "指标值", "目标值"]), "actual": rng.choice(["实际完成值", "全年实际值"]),
                  "weight": "分值", "score": "得分"}
    parts = [_preamble(t, rng, "").replace("\n", "")]
    lines = rng.random() < 0.3  # one row per line, its cells glued
    if rng.random() < 0.8:
        parts.append("绩效指标一级指标二级指标三级指标" + "".join(head_words[c] for c in order))
    expected = []
    for l1, l2s in _groups(t.rows):
        old = rng.random() < 0.2
        row_l1 = _l1(l2s[0][1][0], rng, old) + (f"({rng.choice([30, 40, 50])}分)" if selfeval and rng.random() < 0.5
                                               else "")
        for l2, rows in l2s:
            row_l2 = l2
            for r in rows:
                w = _weights(1, rng)[0]
                cells = {"value": r.value, "actual": _actual(r, rng), "weight": w, "score": _score(w, rng)}
                parts.append(row_l1 + row_l2 + r.level3 + "".join(cells[c] for c in order))
                row_l1 = row_l2 = ""
                expected.append((r.level3, r.value))
    return Rendering("glued", t.source, ("\n" if lines else "").join(parts) + "\n", expected)


def render_selfeval(t: GenTable, rng: random.Random, old: bool = False, family: str = "selfeval") -> Rendering:
    dev = rng.random() < 0.5
    weight_first = rng.random() < 0.25  # 三级指标 分值 年度指标值 全年实际值 得分 (Ningxia-style order)
    repeat = rng.random() < 0.25  # category labels written on every row (no merged cells)
    points = rng.random() < 0.3  # 产出指标 (50分)
    lines = [_preamble(t, rng, " ").rstrip("\n")]
    vh, ah = rng.choice(["年度指标值", "指标值", "目标值"]), rng.choice(["实际完成值", "全年实际值", "全年完成值"])
    cols = f"分值 {vh} {ah} 得分" if weight_first else f"{vh} {ah} 分值 得分"
    lines.append("一级指标 二级指标 三级指标 " + cols
                 + (" " + rng.choice(["偏差原因分析及改进措施", "未完成原因及改进措施"]) if dev else ""))
    expected = []
    for l1, l2s in _groups(t.rows):
        first1 = True
        for l2, rows in l2s:
            first2 = True
            for r in rows:
                w = _weights(1, rng)[0]
                s = _score(w, rng)
                lead = []
                if first1 or repeat:
                    lead.append(_l1(r, rng, old) + (f" ({rng.choice([30, 40, 50])}分)" if points and first1 else ""))
                if first2 or repeat:
                    lead.append(_l2(r, rng, old))
                first1 = first2 = False
                data = [w, r.value, _actual(r, rng), s] if weight_first else [r.value, _actual(r, rng), w, s]
                cells = lead + [r.level3] + data
                if dev and s != w:
                    cells.append(rng.choice(["受天气影响进度滞后", "部分资金未及时拨付", "下年度加强管理"]))
                lines.append(" ".join(cells))
                expected.append((r.level3, r.value))
    return Rendering(family, t.source, "\n".join(lines) + "\n", expected)


def _split_header_lines(cells: list[str], rng: random.Random) -> list[str]:
    """A header row written over two or three lines: each cell cut inside, or the row cut between cells."""
    if rng.random() < 0.6:
        tops, bottoms = [], []
        for c in cells:
            cut = 2 if len(c) > 3 else max(1, len(c) - 2) if len(c) > 2 else len(c)
            tops.append(c[:cut])
            bottoms.append(c[cut:])
        return [" | ".join(tops) + " |", " | ".join(bottoms) + " |"]
    k = rng.randint(2, len(cells) - 1)
    return [" | ".join(cells[:k]) + " |", " | ".join(cells[k:]) + " |"]


def render_pipe_split(t: GenTable, rng: random.Random, trad: bool = False, old: bool = False,
                      family: str = "pipe_split") -> Rendering:
    selfeval = rng.random() < 0.5
    head = ["一级指标", "二级指标", "三级指标", rng.choice(["指标值", "年度指标值", "目标值"])]
    if selfeval:
        head += [rng.choice(["实际完成值", "全年实际值"]), "分值", "得分"]
    lines = [_preamble(t, rng, " | ").replace("\n", " |\n").rstrip("\n")]
    if rng.random() < 0.3:
        head = ["绩效指标"] + head  # the merged 绩效指标 cell left of the header
    lead = "| " if rng.random() < 0.3 else ""
    lines += [lead + h for h in (_split_header_lines(head, rng) if not trad or rng.random() < 0.5
                                 else [" | ".join(head) + " |"])]
    expected = []
    for l1, l2s in _groups(t.rows):
        first1 = True
        for l2, rows in l2s:
            first2 = True
            for r in rows:
                cells = [_l1(r, rng, old) if first1 else "", _l2(r, rng, old) if first2 else "", r.level3, r.value]
                if head[0] == "绩效指标":
                    cells.insert(0, "")
                if selfeval:
                    w = _weights(1, rng)[0]
                    cells += [_actual(r, rng), w, _score(w, rng)]
                first1 = first2 = False
                lines.append(lead + " | ".join(cells) + " |")
                expected.append((r.level3, r.value))
    return Rendering(family, t.source, "\n".join(lines) + "\n", expected)


_CN_NUM = "一二三四五六七八九十"
_PLACEHOLDER = {"%": "(≥**%)", "人": "(≥**人)", "个": "(≥**个)", "株": "(≥**株)", "元": "(≤**元)", "次": "(≥**次)"}


def render_prose(t: GenTable, rng: random.Random) -> Rendering:
    lines = [_preamble(t, rng, "：").replace("\n", "。\n").rstrip("\n")]
    lines.append(rng.choice(["绩效指标：", "三、绩效指标", "（二）年度绩效指标"]))
    expected = []
    n2 = 0
    style = rng.choice(["colon", "wei", "plain"])
    for k, (l1, l2s) in enumerate(_groups(t.rows)):
        head = f"{_CN_NUM[k]}、{l1}"
        body = []
        for l2, rows in l2s:
            n2 += 1
            items = []
            for r in rows:
                name = r.level3
                unit = next((u for u in _PLACEHOLDER if r.value.endswith(u)), None)
                if unit and rng.random() < 0.3 and "**" not in name:
                    name += _PLACEHOLDER[unit]
                value = r.value.rstrip("。；;，,")
                numeric = re.match(r"[≥≤<>=]|\d", value)
                # a qualitative value needs a separator (为/：) to be a value at all
                sep = {"colon": "：", "wei": "" if numeric and re.match(r"[≥≤<>=]", value) else "为",
                       "plain": "" if numeric else "："}[style]
                items.append(f"{name}{sep}{value}")
                expected.append((name, value))
            label = f"{n2 if rng.random() < 0.5 else len(body) + 1}.{l2}："
            body.append(label + "；".join(items) + "。")
        lines.append(head + (" " if rng.random() < 0.5 else "\n") + (" " if rng.random() < 0.5 else "").join(body))
    return Rendering("prose", t.source, "\n".join(lines) + "\n", expected)


_S2T: dict[int, int] | None = None


def s2t(text: str) -> str:
    global _S2T
    if _S2T is None:
        from jixiao.pipeline.segment import t2s_table

        cands: dict[int, list[int]] = {}
        for trad, simp in t2s_table().items():
            cands.setdefault(simp, []).append(trad)
        # one-to-one pairs only, and the usual form of a few common characters with several
        _S2T = {simp: trads[0] for simp, trads in cands.items() if len(trads) == 1}
        _S2T.update({ord(a): ord(b) for a, b in zip("发后里于复历准余干面台志", "發後裏於復歷準餘幹面臺志")})
    return text.translate(_S2T)


def render_traditional(t: GenTable, rng: random.Random) -> Rendering:
    base = render_pipe_split(t, rng, trad=True) if rng.random() < 0.5 else render_selfeval(t, rng)
    return Rendering("traditional", t.source, s2t(base.text), [(s2t(n), s2t(v)) for n, v in base.expected])


_OCR = [("≥", ["2", "工", "》", "≥"]), ("%", ["$", "%", "%"]), ("≤", ["S", "≤", "<"]), ("0", ["0", "0", "O"])]


def _noise(s: str, rng: random.Random) -> str:
    out = []
    for ch in s:
        subs = next((alts for c, alts in _OCR if c == ch), None)
        out.append(rng.choice(subs) if subs and rng.random() < 0.5 else ch)
    return "".join(out)


def render_ocr(t: GenTable, rng: random.Random) -> Rendering:
    noisy = [Row(r.level1, r.level2, r.level3, _noise(r.value, rng), r.actual and _noise(r.actual, rng))
             for r in t.rows]
    t2 = GenTable(t.source, noisy, t.title)
    base = render_glued(t2, rng) if rng.random() < 0.5 else render_selfeval(t2, rng)
    return Rendering("ocr", t.source, base.text, base.expected)


def _wrap(cell: str, rng: random.Random) -> str:
    if len(cell) > 8 and rng.random() < 0.6:
        k = rng.randint(5, len(cell) - 3)
        return cell[:k] + "\n" + cell[k:]
    return cell


def render_wrapped(t: GenTable, rng: random.Random) -> Rendering:
    end = " |" if rng.random() < 0.5 else ""
    lines = [_preamble(t, rng, "\n").rstrip("\n")]
    head = ["一级指标", "二级指标", "三级指标", "指标值"]
    lines += [h + end for h in head]
    expected = []
    for l1, l2s in _groups(t.rows):
        lines.append(_wrap(l1, rng) + end)
        for l2, rows in l2s:
            lines.append(l2 + end)
            for r in rows:
                lines.append(_wrap(r.level3, rng) + end)
                lines.append(r.value + end)
                expected.append((r.level3, r.value))
    sep = "\n\n" if not end and rng.random() < 0.5 else "\n"
    return Rendering("wrapped", t.source, sep.join(lines) + "\n", expected)


def render_old_labels(t: GenTable, rng: random.Random) -> Rendering:
    if rng.random() < 0.5:
        return render_pipe_split(t, rng, old=True, family="old_labels")
    return render_selfeval(t, rng, old=True, family="old_labels")


FAMILIES = {
    "glued": render_glued,
    "selfeval": render_selfeval,
    "pipe_split": render_pipe_split,
    "prose": render_prose,
    "traditional": render_traditional,
    "ocr": render_ocr,
    "wrapped": render_wrapped,
    "old_labels": render_old_labels,
}


def render(family: str, table: GenTable, seed: int = 0) -> Rendering:
    rng = random.Random(f"{family}:{table.source}:{seed}")
    return FAMILIES[family](table, rng)


def renderings(tables: list[GenTable] | None = None, families=None, seeds=(0,)) -> list[Rendering]:
    tables = all_tables() if tables is None else tables
    return [render(f, t, s) for f in (families or FAMILIES) for t in tables for s in seeds]


def main(argv: list[str]) -> int:
    out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else None
    for r in renderings():
        if out:
            out.mkdir(parents=True, exist_ok=True)
            safe = re.sub(r"[^\w.-]", "_", r.source)[:60]
            (out / f"{r.family}__{safe}.txt").write_text(r.text, encoding="utf-8")
    if not out:
        for fam in FAMILIES:
            r = render(fam, own_tables()[0])
            print(f"=== {fam}\n{r.text}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))


# ---------------------------------------------------------------- scoring

def _norm(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "")


def parse_text(text: str, name: str = "generated.txt"):
    """The Document jixiao reads from ``text`` (as a .txt file)."""
    from jixiao.corpus.layout import build_document
    from jixiao.corpus.text import read_text

    return build_document(read_text(text.encode("utf-8"), name))


def score(expected: list[tuple[str, str]], indicators) -> dict:
    """Recall of the expected (name, value) pairs; precision of all rows and of confident ones."""
    want = {}
    for n, v in expected:
        want[(_norm(n), _norm(v))] = want.get((_norm(n), _norm(v)), 0) + 1
    left = dict(want)
    tp = tp_conf = out_conf = 0
    for ind in indicators:
        k = (_norm(ind.level3), _norm(ind.value))
        conf = getattr(ind, "read_confidence", 1.0) >= 0.5
        out_conf += conf
        if left.get(k):
            left[k] -= 1
            tp += 1
            tp_conf += conf
    return {"expected": len(expected), "out": len(indicators), "tp": tp, "out_conf": out_conf, "tp_conf": tp_conf}


def evaluate_families(tables: list[GenTable] | None = None, families=None, seeds=(0,), verbose=False,
                      folds: int = 0) -> dict:
    """Recall/precision per family. ``folds`` > 1: the cut-point model is retrained without each fold's
    tables (held out by table), so no table is read by a model that saw its rows."""
    tables = all_tables() if tables is None else tables
    if folds > 1:
        from train_cutpoints import train

        from jixiao.corpus.cutpoints import using

        totals: dict[str, dict] = {}
        for k in range(folds):
            test = [t for i, t in enumerate(tables) if i % folds == k]
            model = train(exclude={t.source for t in test})
            with using(model):
                part = evaluate_families(test, families, seeds, verbose)
            for fam, t in part.items():
                acc = totals.setdefault(fam, {key: 0 for key in t})
                for key, v in t.items():
                    acc[key] += v
        return totals
    totals = {}
    for r in renderings(tables, families, seeds):
        doc = parse_text(r.text)
        s = score(r.expected, [i for _, i in doc.indicators()])
        t = totals.setdefault(r.family, {k: 0 for k in s})
        for k, v in s.items():
            t[k] += v
        if verbose and (s["tp"] < s["expected"] or s["tp"] < s["out"]):
            got = {(_norm(i.level3), _norm(i.value)) for _, i in doc.indicators()}
            want = {(_norm(n), _norm(v)) for n, v in r.expected}
            print(f"--- {r.family} {r.source}")
            for k in sorted(want - got):
                print("   MISS", k)
            for _, i in doc.indicators():
                if (_norm(i.level3), _norm(i.value)) not in want:
                    print("   XTRA", (i.level3, i.value), f"{i.read_confidence:.2f}", i.flags)
    return totals


def print_families(totals: dict) -> None:
    print(f"{'family':12s} {'recall':>7s} {'prec':>6s} {'prec≥.5':>7s} {'rows':>5s}")
    for fam, t in totals.items():
        rec = t["tp"] / max(1, t["expected"])
        prec = t["tp"] / max(1, t["out"])
        pc = t["tp_conf"] / max(1, t["out_conf"])
        print(f"{fam:12s} {rec:7.1%} {prec:6.1%} {pc:7.1%} {t['expected']:5d}")

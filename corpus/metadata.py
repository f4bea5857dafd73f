"""Infer a document's year, region, department, title and kind from its text.

Labelled fields win (填报单位, 主管部门, 部门(单位)名称 …), then the organisation most often named in
the body ("承德市应急管理局"), then a collected file's ``# year: …`` provenance header as a last resort.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# 2021年度 / ( 2019 年度) / 2021年 — the 年度 form is the document's own year; a bare 年 may be a date.
_YEAR_DU = re.compile(r"(?<!\d)(20[0-4]\d)\s*年度")
_BASELINE_BEFORE = re.compile(r"(?:比|较|同比|相比|与|对比)\s*$")  # 比2023年: a baseline, not the year
_YEAR = re.compile(r"(?<![\d.\-/])(20[0-4]\d)\s*年(?!\s*[-—~至到]\s*20)")
_DIVISION = "(?:省|自治区|特别行政区|市|自治州|州|盟|地区|县|自治县|区|旗|镇|乡|街道)"
_REGION_CHAIN = re.compile(rf"^[\u4e00-\u9fff]{{1,7}}?{_DIVISION}(?:[\u4e00-\u9fff]{{0,7}}?{_DIVISION}){{0,3}}")
_NOT_REGION = {"城市", "都市", "超市", "社区", "园区", "景区", "城区", "辖区", "地区", "全市", "本市", "我市",
               "全县", "本县", "我县", "全区", "本区", "我区", "市区", "街区", "小区", "山区", "林区", "库区",
               "老区", "牧区", "全省", "本省", "我省", "各市", "各县", "各区", "城乡", "县区", "县市区", "省市",
               "农村", "乡镇", "城镇", "村镇", "集镇", "新区", "开发区", "高新区", "示范区", "片区", "校区",
               "厅市", "城市管理", "市场"}
_WORD_AFTER = {"市": "场民容政直值", "区": "域块间别", "县": "域级", "州": "", "省": "级内外钱", "镇": "压定"}
_ORG_SUFFIX = ("管理局", "管理处", "管理中心", "事务局", "委员会", "办公室", "办事处", "研究室", "人民政府", "政府",
               "局", "委", "厅", "中心", "处", "院", "站", "所", "馆", "队", "小学", "中学", "学校", "医院",
               "联合会", "残联", "总工会", "机关", "街道")
_ORG = re.compile(r"(?<![\u4e00-\u9fff])(?:中共)?((?:[\u4e00-\u9fff]{1,5}?%s){1,4}[\u4e00-\u9fff]{1,12}?(?:%s))" % (
    _DIVISION, "|".join(sorted(_ORG_SUFFIX, key=len, reverse=True))))
_LABELS = ("主管部门及其编码", "主管部门及代码", "主管预算部门", "项目主管部门", "主管部门", "预算部门", "部门(单位)名称", "部门（单位）名称",
           "单位名称", "填报单位", "单位信息", "预算单位", "部门名称", "实施单位", "项目单位")
_LABEL = re.compile(r"(%s)\s*[:：]?\s*(?:\(盖章\)|（盖章）)?\s*[:：]?\s*([^\s|:：]{2,40})" % "|".join(
    re.escape(x) for x in _LABELS))
_CODE_AROUND = re.compile(r"^(?:[\[［【(（]?\d+[\]］】)）]?\s*[-—－]?\s*)|(?:\s*[-—－]?\s*\d{3,}\s*)$")
_TITLE_WORDS = ("绩效目标", "绩效信息表", "自评表", "申报表", "绩效表", "目标表", "评价报告", "自评报告", "指标表")


@dataclass
class Metadata:
    year: int | None = None
    region: str | None = None
    department: str | None = None
    title: str | None = None
    kind: str = "unknown"


def infer(body: str, hints: dict[str, str] | None = None, *, has_actuals: bool = False) -> Metadata:
    """Metadata from the document body; ``hints`` is a provenance header (last resort)."""
    hints = hints or {}
    head = body[:20000]
    meta = Metadata()
    meta.title = infer_title(head)
    meta.year = infer_year(head, meta.title) or _year_hint(hints.get("year"))
    meta.department = infer_department(head)
    meta.region = region_of(meta.department) if meta.department else None
    if meta.region is None:
        meta.region = _region_in_text(head)
    meta.kind = infer_kind(meta.title, head, has_actuals)
    return meta


def infer_year(text: str, title: str | None = None) -> int | None:
    """The document's own year: ``2021年度`` in the title or the opening lines, else the year named
    most often (``年度`` counting double; ties → the first named), leaving out baselines (比2023年,
    较2015年末)."""
    m = _YEAR_DU.search(title or "")
    if m:
        return int(m.group(1))
    head = text[:400]
    m = _YEAR_DU.search(head)
    if m:
        return int(m.group(1))
    counts: Counter[int] = Counter()
    for m in _YEAR.finditer(text):
        if not _BASELINE_BEFORE.search(text[max(0, m.start() - 3):m.start()]):
            counts[int(m.group(1))] += 1
    for m in _YEAR_DU.finditer(text):
        if not _BASELINE_BEFORE.search(text[max(0, m.start() - 3):m.start()]):
            counts[int(m.group(1))] += 1  # with the 年 match above: a 年度 counts double
    if not counts:
        return None
    best = max(counts.values())
    return next(y for y, n in counts.items() if n == best)  # Counter keeps first-seen order


def _year_hint(raw: str | None) -> int | None:
    m = re.match(r"\s*(20\d\d)", raw or "")
    return int(m.group(1)) if m else None


def clean_org(raw: str) -> str:
    s = raw.strip().strip("：:")
    if len(s) > 20:  # glued text runs on: 原州区农业农村局资金情况(万元)… → 原州区农业农村局
        m = re.match(r"^.{2,30}?(?:%s)" % "|".join(sorted(_ORG_SUFFIX, key=len, reverse=True)), s)
        if m:
            s = m.group(0)
    s = _CODE_AROUND.sub("", s)
    s = re.sub(r"^\d+\s*[-—－]\s*", "", s)
    return s.strip()


def infer_department(text: str) -> str | None:
    """A labelled unit (主管部门, 填报单位 …) first, else the organisation named most often."""
    compact = re.sub(r"[ \t\u3000]+", " ", text)
    found: dict[str, str] = {}
    for m in _LABEL.finditer(compact):
        value = clean_org(m.group(2))
        if len(value) >= 3 and not re.fullmatch(r"[\d\W*]+", value) and "*" not in value and value not in _LABELS \
                and not value.startswith(("及", "代码", "编码")):
            found.setdefault(m.group(1), value)
    for label in _LABELS:
        if label in found:
            return found[label]
    flat = re.sub(r"\s+", "", text)
    orgs = Counter(m.group(1) for m in _ORG.finditer(flat))
    scored = []
    for org, count in orgs.items():
        region = region_of(org)
        if not region:
            continue
        unit = org[len(region):]
        # "我局"/"本局" point at a 局; the unit's own city is named all over its document
        self_ref = any(f"{w}{unit[-1]}" in flat for w in ("我", "本")) if unit else False
        scored.append((count + 0.5 * self_ref + 0.1 * min(flat.count(region), 20), -flat.find(org), org))
    if scored:
        return max(scored)[2]
    return None


def region_of(name: str | None) -> str | None:
    """The administrative-division prefix of an organisation name (承德市应急管理局 → 承德市)."""
    if not name:
        return None
    s = re.sub(r"^(?:中共|中国共产党)", "", name)
    m = _REGION_CHAIN.match(s)
    if not m:
        return None
    region = m.group(0)
    # drop trailing pieces that are ordinary words (城市管理局 → not a region)
    parts = re.findall(rf"[\u4e00-\u9fff]{{0,7}}?{_DIVISION}", region)
    kept: list[str] = []
    at = 0
    for p in parts:
        at += len(p)
        if len(p) == 1:
            # a lone suffix closes the previous piece (池州+市, 原州+区) unless it starts a word (市场, 区域)
            if not kept or s[at:at + 1] in _WORD_AFTER.get(p, ""):
                break
            kept[-1] += p
            continue
        if p in _NOT_REGION or any(p.endswith(x) for x in ("城市", "社区", "园区", "景区", "小区")):
            break
        kept.append(p)
    region = "".join(kept)
    return region or None


def region_levels(region: str | None, text: str = "") -> dict[str, str | None] | None:
    """Province, city and county (and the division code) of ``region`` from the shipped division list
    (濉溪县 → 安徽省/淮北市/濉溪县); when ``region`` names none (a town, 省残联), the division ``text``
    names most. None when neither names one."""
    from jixiao.pipeline.divisions import load_divisions

    divs = load_divisions()
    head = text[:20000]
    return divs.resolve(region, head) or divs.in_text(head)


def _region_in_text(text: str) -> str | None:
    for m in _ORG.finditer(re.sub(r"\s+", "", text[:5000])):
        r = region_of(m.group(1))
        if r:
            return r
    return None


def infer_title(text: str) -> str | None:
    """The first short line that names the form (…绩效目标表, …自评表, 部门整体绩效目标 …)."""
    for line in text.splitlines()[:80]:
        s = line.strip().strip("|").strip()
        if 4 <= len(s) <= 60 and any(w in s for w in _TITLE_WORDS) and not s.startswith(("#", "注", "附件:")) \
                and "|" not in s:
            return re.sub(r"\s*\|+\s*$", "", s)
    for line in text.splitlines():
        s = line.strip()
        if 4 <= len(s) <= 60:
            return s
    return None


def infer_kind(title: str | None, text: str, has_actuals: bool = False) -> str:
    """self_evaluation when actuals are reported or the form says 自评; target for 目标 forms."""
    near = (title or "") + text[:600]
    if has_actuals or re.search(r"自评|自評|完成情况表|评价报告", near):
        return "self_evaluation"
    if re.search(r"绩效目标|绩效指标|目标表|申报表|绩效信息表|績效目標|績效指標", near + text[:20000]):
        return "target"
    return "unknown"

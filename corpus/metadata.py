"""Infer a document's year, region, department, title and kind from its text.

Labelled fields win (填报单位, 主管部门, 部门(单位)名称 …), then the organisation most often named in
the body ("承德市应急管理局"), then a collected file's ``# year: …`` provenance header as a last resort.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from jixiao.pipeline.numbers import fold

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
               "人民法院", "人民检察院", "法院", "检察院", "联合会", "协会", "学会", "商会", "红十字会", "总工会",
               "残联", "妇联", "科协", "文联", "侨联", "工商联", "供销社", "党校", "幼儿园",
               "局", "委", "厅", "中心", "处", "院", "站", "所", "馆", "队", "小学", "中学", "大学", "学校", "医院",
               "机关", "街道", "报社", "电视台", "林场", "农场", "苗圃", "监狱", "基金会", "审计署")
# 办 and 部 end a unit only after the words that name an office or a ministry (县委办, 扶贫办, 组织部,
# 财政部), not 主办/举办 or 全部/内部/干部.
_OFFICE_BAN = "(?:委|政府|扶贫|文明|综治|防汛|防火|安委|减灾|信访|编|督查|创城|乡村振兴)办"
_PART_BU = ("(?:组织|宣传|统战|统一战线工作|人民武装|人武|武装|社会工作|财政|教育|民政|司法|公安|商务|水利|农业农村|"
            "自然资源|生态环境|交通运输|应急管理|住房和城乡建设|住房城乡建设|文化和旅游|退役军人事务|人力资源和社会保障|"
            "工业和信息化|科学技术|国家卫生健康委员会)部")
_ORG_END = "|".join([_OFFICE_BAN, _PART_BU] + [re.escape(x) for x in sorted(_ORG_SUFFIX, key=len, reverse=True)])
_ORG = re.compile(r"(?<![\u4e00-\u9fff])(?:中共)?((?:[\u4e00-\u9fff]{1,5}?%s){1,4}[\u4e00-\u9fff]{1,12}?(?:%s))" % (
    _DIVISION, _ORG_END))
_ORG_TAIL = re.compile(r"(?:%s)(?:机关|本级)?$" % _ORG_END)
# Words of a form's sign-off lines and headers: never part of a unit's name (审核意见, 单位公章, 填报人).
_NOT_ORG = re.compile(r"意见|公章|盖章|签字|签章|签名|印章|填报|填表|联系人|负责人|经办人|责任人|审核人|复核人|电话|手机|"
                      r"日期|年月日|姓名|职务|指标|名称|编码|代码|部门|金额|万元|合计")
# A name never starts with a quantifier, a pronoun, a conjunction or a level word (个省级中心, 各县区,
# 本级, 及所属单位); the few places that do are let through (个旧市, 本溪市, 诸暨市, 诸城市).
_BAD_START = re.compile(r"^(?:个(?!旧)|各|本(?!溪)|诸(?!暨|城)|我|该|其|及|与|或|等|的|级|每|此|之|为|由|向|对|在)")
# What stands between a unit's region and its suffix: a real stem, not a level or generic word
# (省级中心, 相关局); only a full unit word (_BARE_OK) may follow the region directly (南岳镇政府, 某区法院).
_GENERIC_STEM = re.compile(r"(?:[省市县区乡镇州]?级|相关|有关|其他|其它|主管|上级|下级|同级|各|所属|直属|职能|业务)$")
_BARE_OK = ("人民政府", "政府", "委员会", "办事处", "人民法院", "人民检察院", "法院", "检察院", "红十字会", "总工会", "联合会",
            "残联", "妇联", "科协", "文联", "侨联", "工商联", "供销社", "党校", "办", "部", "报社", "电视台")
_LABELS = ("主管部门及其编码", "主管部门及代码", "主管预算部门", "项目主管部门", "主管部门", "预算部门", "部门(单位)名称", "部门（单位）名称",
           "单位名称", "填报单位", "单位信息", "预算单位", "部门名称", "实施单位", "项目单位", "申报单位", "建设单位",
           "单位（盖章）", "单位(盖章)", "责任单位")
# A label's level: the form's own (主管部门, 本级) first, then a local level named beside a higher one in a
# 区域绩效目标表 (市县主管部门), then the province's (省级/自治区主管部门); the central one never counts.
_LEAD_RANK = {"": 0, "本级": 0, "省级": 3, "自治区": 3, "直辖市": 3, "上级": 3}
# Units that publish or fund other units' tables: on a page's 来源 line they say nothing of the form's unit.
_PUBLISHER_ONLY = re.compile(r"财政(?:局|厅|部|委)|政府办公室|政府办$")
# Labels of a web page naming who published it: weaker evidence than the form's own labels.
_PAGE_LABELS = ("发布机构", "发文机关", "发布单位", "信息来源", "来源")
_LABEL = re.compile(r"(?P<lead>中央|省级|自治区|直辖市|上级|市县级?|县市级?|地市级?|区县级?|市级|县级|区级|本级)?(?P<label>%s)\s*(?:[(（]\s*(?:盖章|公章|签章|章)\s*[)）])?"
                    r"(?=[\s|｜:：]*(?P<value>[^\s|｜:：]{2,40}))" % "|".join(
                        re.escape(x) for x in sorted(_LABELS + _PAGE_LABELS, key=len, reverse=True)))
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


# What follows a unit's name when a flattened form glues the next cell on (…局项目名称…, …局联系电话…).
_GLUED_NEXT = re.compile(r"(?:%s|项目|资金|预算|联系|电话|填报|年度|金额|绩效|单位|部门|负责人|经办人|实施|主管|代码|编码|发布|"
                         r"时间|日期|\d)" % "|".join(
    re.escape(x) for x in sorted(_LABELS + _PAGE_LABELS, key=len, reverse=True)))


def clean_org(raw: str) -> str:
    """A labelled unit without codes around it (219-…, […], …308001) or the text glued after it."""
    s = raw.strip().strip("：:")
    s = _CODE_AROUND.sub("", s)
    s = re.sub(r"^\d+\s*[-—－]\s*", "", s)
    s = re.sub(r"[(（]\s*(?:盖章|公章|签章|章|本级)?\s*[)）]$", "", s.strip())
    if len(s) > 20 or not _ORG_TAIL.search(s):
        # glued text runs on: 原州区农业农村局资金情况(万元)… → 原州区农业农村局. Cut after the unit ending
        # that the next cell's words follow (中共某县委宣传部项目名称 → …宣传部, not …县委), else the first.
        ends: list[int] = []
        for m in re.finditer(r"(?:%s)(?:机关)?" % _ORG_END, s[:40]):
            if ends and m.start() == ends[-1]:
                ends[-1] = m.end()  # one unit word after another: 人民政府|办公室, 县委|宣传部
            elif m.end() >= 3:
                ends.append(m.end())
        if ends:
            glued = [e for e in ends if _GLUED_NEXT.match(s, e)]
            s = s[:(glued or ends)[0]]
    return s.strip()


def looks_like_department(name: str | None) -> bool:
    """Whether ``name`` reads as an organisation (…局/委/办/院/中心/政府/学校…), not a form's label or
    sign-off words (审核意见, 单位公章, 填报人) or a phrase that merely ends like one (个省级中心)."""
    if not name:
        return False
    s = re.sub(r"^(?:中共|中国共产党)", "", name)
    if not 3 <= len(s) <= 30 or not re.fullmatch(r"[\u4e00-\u9fff()（）·]+", s):
        return False
    m = _ORG_TAIL.search(s)
    if not m or _NOT_ORG.search(s) or _BAD_START.search(s) or s in _LABELS:
        return False
    region = region_of(s) or ""
    if region and _BAD_START.search(region):
        return False
    stem = s[len(region):m.start()]
    if not stem:  # the region and a suffix alone: 南岳镇政府 yes, 省级中心/承德市局 no
        return bool(region) and any(s.endswith(x) for x in _BARE_OK)
    if re.fullmatch(r"[省市县区乡镇州]", stem):  # 省残联, 县政府: a level and a full unit word; not 市局
        return len(m.group(0)) >= 2
    return not _GENERIC_STEM.search(stem)


def infer_department(text: str) -> str | None:
    """The unit a form names under its labels (主管部门, 填报单位 …), else the page's publisher (来源),
    else the organisation the text names most (at least twice, or in the title).

    Every candidate must look like an organisation (``looks_like_department``): no department beats
    a wrong one. Units a form names under a higher level's label (中央主管部门, 省级主管部门 in a
    区域绩效目标表) come last, and a central one never. Traditional script reads as simplified.
    """
    text = fold(text)  # 主管部門 → 主管部门, full-width → half-width (same length)
    compact = re.sub(r"[ \t\u3000]+", " ", text)
    found = _labelled(compact)
    if not found:
        # letter-spaced text from doc-sharing sites (主 管 部 门 某 县 教 育 局): read it with the spaces gone
        found = _labelled(re.sub(r"(?<=[\u4e00-\u9fff()]) (?=[\u4e00-\u9fff()])", "", compact))
    if found:
        return found[min(found)]
    flat = re.sub(r"\s+", "", text)
    title = re.sub(r"\s+", "", _form_title(text) or "")
    orgs = Counter(m.group(1) for m in _ORG.finditer(flat))
    scored = []
    for org, count in orgs.items():
        region = region_of(org)
        if not region or not looks_like_department(org):
            continue
        unit = org[len(region):]
        # "我局"/"本局" point at a 局; the unit's own city is named all over its document
        self_ref = any(f"{w}{unit[-1]}" in flat for w in ("我", "本")) if unit else False
        if count < 2 and not self_ref and org not in title:
            continue  # named once in passing (one of several schools in a list): not evidence enough
        score = count + 0.5 * self_ref + 0.1 * min(flat.count(region), 20)
        if _PUBLISHER_ONLY.search(org) and not self_ref:
            score /= 2  # 资金由某市财政局下达: finance is named in every unit's documents
        scored.append((score, -flat.find(org), org))
    if scored:
        return max(scored)[2]
    return None


_CELL_SPLIT = re.compile(r"\s*[|｜\t]\s*|\s{2,}| ")


def _header_rows(compact: str) -> dict[tuple[int, int], str]:
    """Units under a row of labels whose values make the next row, cell for cell
    (``主管部门 实施单位 项目负责人`` over ``某县民政局 某县养老服务中心 王某``)."""
    found: dict[tuple[int, int], str] = {}
    lines = [ln.strip().strip("|").strip() for ln in compact.splitlines()]
    lines = [ln for ln in lines if ln]
    for head, row in zip(lines, lines[1:]):
        labels = [c for c in _CELL_SPLIT.split(head) if c]
        cells = [c for c in _CELL_SPLIT.split(row) if c]
        if len(labels) < 2 or len(labels) != len(cells) or not any(c in _LABELS for c in labels) \
                or any(len(c) > 12 or re.search(r"\d", c) for c in labels):
            continue
        for label, cell in zip(labels, cells):
            value = clean_org(cell)
            if label in _LABELS and looks_like_department(value):
                found.setdefault((0, _LABELS.index(label)), value)
    return found


def _labelled(compact: str) -> dict[tuple[int, int], str]:
    """Plausible units under the labels of ``compact``, keyed by rank (lower is better)."""
    found: dict[tuple[int, int], str] = _header_rows(compact)
    for m in _LABEL.finditer(compact):
        label, lead = m["label"], m["lead"]
        value = clean_org(m["value"])
        if lead == "中央" or not looks_like_department(value):
            continue
        if label in _PAGE_LABELS:
            if _PUBLISHER_ONLY.search(value):  # finance and the government office publish others' tables
                continue
            if label == "来源" and re.match(r"[\u4e00-\u9fff]", compact[max(0, m.start() - 1):m.start()]):
                continue  # 资金来源, 数据来源: not who published the page
            rank = (1, 0)
        else:
            rank = (_LEAD_RANK.get(lead or "", 2), _LABELS.index(label))
        found.setdefault(rank, value)
    return found


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
    title = _form_title(text)
    if title:
        return title
    for line in text.splitlines():
        s = line.strip()
        if 4 <= len(s) <= 60:
            return s
    return None


def _form_title(text: str) -> str | None:
    for line in text.splitlines()[:80]:
        s = line.strip().strip("|").strip()
        if 4 <= len(s) <= 60 and any(w in s for w in _TITLE_WORDS) and not s.startswith(("#", "注", "附件:")) \
                and "|" not in s:
            return re.sub(r"\s*\|+\s*$", "", s)
    return None


def infer_kind(title: str | None, text: str, has_actuals: bool = False) -> str:
    """self_evaluation when actuals are reported or the form says 自评; target for 目标 forms."""
    near = (title or "") + text[:600]
    if has_actuals or re.search(r"自评|自評|完成情况表|评价报告", near):
        return "self_evaluation"
    if re.search(r"绩效目标|绩效指标|目标表|申报表|绩效信息表|績效目標|績效指標", near + text[:20000]):
        return "target"
    return "unknown"

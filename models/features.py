"""Features of an indicator row for the classifier: its name, the form of its value, and cue words.

Everything here is deterministic string work (no jieba, no sklearn) so that a saved model sees
exactly the features it was trained on. Word segmentation is added by the classifier.

Feature tokens are short prefixed strings:

- ``c:`` character n-grams of the cleaned name;
- ``s1:``/``s2:``/``s3:``/``p2:`` name suffixes and prefix (率, 人次, 满意度, 提高 …);
- ``cue:<id>`` a cue word of that category appears in the name; ``m:`` other name traits;
- ``v:``/``vs:``/``vb:`` the value's form: comparator, unit class, percent level, date, reference,
  its digit-masked shape (``≥#%``) and character bigrams of a qualitative value.
"""

from __future__ import annotations

import re

from jixiao.pipeline.segment import FULLWIDTH, t2s_table

# -- text normalization ------------------------------------------------------------------------

# Full-width folding first, then traditional → simplified (the shared table of pipeline/segment.py).
_T2S = {**FULLWIDTH, **t2s_table()}

_PLACEHOLDER = re.compile(r"[（(]?\s*[≥≤><=]*\s*\*{2,}\s*([^\s()（）*]{0,4})\s*[)）]?")
_SCORE = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[）)]")
_PAREN_UNIT = re.compile(r"[（(]\s*([^\s()（）]{1,4})\s*[)）]?\s*$")
_SPACE = re.compile(r"\s+")
_LEADING_ENUM = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．]|[①-⑳]|[*★☆·•])\s*")


def fold(text: str | None) -> str:
    """Width-fold, traditional → simplified, collapse spaces, lower-case."""
    if not text:
        return ""
    return _SPACE.sub(" ", str(text).translate(_T2S)).strip().lower()


def clean_name(name: str | None) -> tuple[str, list[str]]:
    """The indicator name without template debris, and units the debris named.

    ``贫困地区旅游景点开发数量( ≥**个 )`` → (``贫困地区旅游景点开发数量``, [``个``]);
    ``组织培训、会议次数（次）`` → (``组织培训、会议次数``, [``次``]).
    """
    s = fold(name)
    s = _SCORE.sub("", s)
    s = _LEADING_ENUM.sub("", s)
    units: list[str] = []
    for m in _PLACEHOLDER.finditer(s):
        if m.group(1):
            units.append(m.group(1))
    s = _PLACEHOLDER.sub("", s)
    m = _PAREN_UNIT.search(s)
    if m and _unit_class(m.group(1)):
        units.append(m.group(1))
        s = s[: m.start()]
    s = s.replace(" ", "").strip("，,。.;；:：、")
    return s, units


# -- value form --------------------------------------------------------------------------------

_NA = re.compile(r"^(?:无|未涉及|不涉及|不适用|本项目不适用.*|/|／|—+|-+|--|\\|暂无|空|n/?a|无此项|未设置)$")
_NUM = re.compile(r"\d+(?:\.\d+)?")
_UNIT_AFTER = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿|千|百)?\s*([^\d\s.,，;；、()（）≥≤<>=~\-—至到]{1,4})")
_DATE = re.compile(r"(?:(?:19|20)\d\d\s*[年.\-/]\s*\d{1,2})|(?:\d{1,2}\s*月\s*(?:底|末|前|份|中旬|上旬|下旬|\d))"
                   r"|年底|年末|年初|月底|月末|季度末|季末|上半年|下半年|前完成|之前|以前")

_COUNT_UNITS = set("个次件套台辆份册场期项户家所处座条种只头名批篇部本张班门株棵粒盏眼块处间幅集档床辆类") | {
    "人次", "户次", "家次", "场次", "批次", "车次", "架次", "课时", "学时", "万份", "万册", "万人次", "万条", "万粒",
    "标箱", "个百分点"}
_PERSON_UNITS = {"人", "名", "万人", "人/年", "人次/年"}
_MONEY_UNITS = {"元", "万元", "亿元", "千元", "万", "亿"}
_AREA_UNITS = {"平方米", "平米", "㎡", "m2", "m²", "亩", "公顷", "平方公里", "万亩", "万平方米", "km2"}
_LENGTH_UNITS = {"公里", "千米", "米", "km", "m", "延米"}
_MASS_UNITS = {"吨", "公斤", "千克", "斤", "kg", "t", "立方米", "方", "万吨", "升", "千瓦时", "度", "万千瓦时"}
_DURATION_UNITS = {"小时", "h", "天", "日", "工作日", "个工作日", "分钟", "min", "周", "个月", "月", "年", "秒"}


def _unit_class(u: str) -> str | None:
    u = u.strip().lower()
    if not u:
        return None
    if u in ("%", "‰", "百分比", "百分点"):
        return "pct"
    if "/" in u and any(u.startswith(m) for m in ("元", "万元")):
        return "money_per"
    if u in _MONEY_UNITS or u.endswith("元"):
        return "money"
    if u in _AREA_UNITS:
        return "area"
    if u in _DURATION_UNITS:
        return "duration"
    if u in _PERSON_UNITS:
        return "person"
    if u in _LENGTH_UNITS:
        return "length"
    if u in _MASS_UNITS:
        return "mass"
    if u in _COUNT_UNITS or u[:1] in _COUNT_UNITS:
        return "count"
    return None


_GE = ("≥", ">=", "不低于", "不少于", "达到", "以上", "大于等于", "至少", "超过", ">")
_LE = ("≤", "<=", "不高于", "不超过", "以内", "以下", "小于等于", "控制在", "不大于", "低于", "少于", "内", "<", "不超")
_REFS = ("核定", "预算", "前三年", "上年", "市场价", "标准", "规定", "计划", "批复", "同期", "要求")
_CHANGE_DOWN = ("下降", "减少", "降低", "减")
_CHANGE_UP = ("增长", "增加", "提高", "提升", "增")


def value_features(value: str | None) -> list[str]:
    """Tokens describing the form of a 指标值 (not its topic)."""
    v = fold(value).replace(" ", "")
    if not v or v in ("none", "null", "nan"):
        return ["v:empty"]
    if _NA.match(v):
        return ["v:na"]
    v = v.replace("百分比", "%").replace("％", "%")
    toks: list[str] = []
    if v.startswith((">=", "≥", "＞", ">")) or any(w in v for w in _GE[2:8]):
        toks.append("v:op_ge")
    elif v.startswith(("<=", "≤", "<")) or any(w in v for w in _LE[2:]):
        toks.append("v:op_le")
    elif v.startswith("="):
        toks.append("v:op_eq")
    nums = _NUM.findall(v)
    if "%" in v or "‰" in v:
        toks.append("v:pct")
        if nums:
            x = float(nums[0])
            toks.append("v:pct100" if x == 100 else "v:pct90" if x >= 90 else "v:pct50" if x >= 50
                        else "v:pct0" if x == 0 else "v:pctlo")
    classes = set()
    for m in _UNIT_AFTER.finditer(v):
        mult, unit = m.group(2) or "", m.group(3)
        for cand in (mult + unit, unit, unit[:3], unit[:2], unit[:1]):
            c = _unit_class(cand)
            if c:
                classes.add(c)
                break
    if _DATE.search(v) or re.search(r"(?:19|20)\d\d\.\d{1,2}", v):
        classes.discard("duration")
        classes.discard("count")
        toks.append("v:date")
    toks += [f"v:u_{c}" for c in sorted(classes)]
    if "/" in v and classes & {"money", "money_per"}:
        toks.append("v:per")
    if any(r in v for r in _REFS):
        toks.append("v:ref")
    if nums and all(float(n) == 0 for n in nums):
        toks.append("v:zero")
    if nums and any(w in v for w in _CHANGE_DOWN):
        toks.append("v:down")
    elif nums and any(w in v for w in _CHANGE_UP):
        toks.append("v:up")
    for cid, words in VALUE_CUES.items():
        if any(w in v for w in words):
            toks.append(f"v:cue_{cid}")
    for cid, words in VALUE_NAMES.items():
        if any(w in v for w in words):
            toks.append(f"v:names_{cid}")
    if not nums:
        toks.append("v:qual")
        core = re.sub(r"[^\u4e00-\u9fff]", "", v)[:14]
        toks += [f"vb:{core[i:i + 2]}" for i in range(len(core) - 1)]
        if len(core) == 1:
            toks.append(f"vb:{core}")
    elif not classes and "%" not in v and "v:date" not in toks:
        toks.append("v:bare")
    shape = _NUM.sub("#", v)
    shape = re.sub(r"[\u4e00-\u9fff]{5,}", "…", shape)[:12]
    toks.append(f"vs:{shape}")
    return toks


# -- name traits and cue words -----------------------------------------------------------------

# Cue words written for this classifier (the taxonomy's cue lists are added at fit time).
CUES: dict[str, tuple[str, ...]] = {
    "output.quantity": ("数量", "次数", "人次", "人数", "个数", "户数", "家数", "场次", "期数", "面积", "里程", "长度",
                        "规模", "总量", "完成量", "册数", "件数", "台数", "批次", "覆盖县", "户", "班次", "天数"),
    "output.quality": ("合格率", "达标率", "完好率", "准确率", "正确率", "运行率", "整改率", "合规", "规范", "验收",
                       "质量", "通过率", "成活率", "优良率", "故障率", "差错率", "办结率", "符合率", "完整率",
                       "覆盖率", "到位率", "执行率", "标准化", "可用率", "知晓"),
    "output.timeliness": ("及时", "按时", "按期", "时限", "时间", "进度", "周期", "期限", "时效", "响应", "前完成",
                          "月底", "年底", "工作日", "小时", "完工", "开工", "结题"),
    "output.cost": ("成本", "经费", "费用", "资金", "预算", "单价", "造价", "标准", "补助", "补贴", "费", "投入",
                    "控制率", "节约率", "价格", "金额"),
    "benefit.economic": ("收入", "增收", "产值", "税收", "经济", "损失", "节约", "节支", "带动", "利润", "增产",
                         "效益", "消费", "投资", "收益", "负担", "降低成本"),
    "benefit.social": ("保障", "维护", "稳定", "安全", "提升", "提高", "改善", "促进", "推动", "民生", "正常运转",
                       "受益", "就业", "意识", "能力", "水平", "事故", "知晓率", "发生", "惠及", "便利"),
    "benefit.ecological": ("生态", "环境", "环保", "节能", "减排", "绿色", "绿化", "空气", "水质", "森林", "植被",
                           "污染", "排放", "碳", "节水", "垃圾", "污水", "无害化", "秸秆", "化肥", "农药", "扬尘",
                           "湿地", "水土"),
    "benefit.sustainable": ("持续", "长期", "长效", "可持续", "使用年限", "后续", "机制", "常态化", "延续", "持久",
                            "年限", "管护", "长远"),
    "satisfaction.service_object": ("满意", "认可度", "好评", "评价"),
}

# Words in a qualitative value that name what the row is about (经济效益良好, 影响可持续, 及时支付).
VALUE_CUES: dict[str, tuple[str, ...]] = {
    "output.quality": ("合格", "达标", "规范", "合规", "优良", "准确", "符合", "完好", "正常运行", "正常使用"),
    "output.timeliness": ("及时", "按时", "按期", "如期", "前完成", "底前", "底完成", "进度"),
    "output.cost": ("预算", "核定", "成本", "不超", "市场价"),
    "benefit.economic": ("经济", "收入", "增收", "节约", "损失"),
    "benefit.social": ("社会", "提高", "提升", "改善", "促进", "保障", "稳定", "增强"),
    "benefit.ecological": ("生态", "环境", "环保", "节能", "减排", "绿色"),
    "benefit.sustainable": ("持续", "长期", "长效", "年限", "永久"),
    "satisfaction.service_object": ("满意",),
}

_ACTS = ("开展", "组织", "召开", "举办", "完成", "实施", "新建", "建设", "购置", "采购", "发放", "培训", "配备",
         "印制", "制作", "编制", "维修", "改造", "安装", "种植", "补助", "资助", "慰问", "接待", "检查", "巡查")

_VERBS = ("提高", "提升", "促进", "推动", "保障", "维护", "确保", "改善", "巩固", "增强", "完善", "加强", "推进",
          "减少", "降低", "带动", "丰富", "扩大", "方便", "助力", "打造", "营造", "满足")


# When something happens, written into the name (补助金每月中旬发放, 每年3月、9月发放, 6月底前完成).
_WHEN = re.compile(r"[上中下]旬|\d{1,2}月(?:份|底|末|前|\d|、)|[月年季][底末]前|每(?:个)?(?:月|季度?)\d|日前|之前|以前"
                   r"|前完成|前发放|前拨付|按[月季]|如期|限时")
# 成本 named as the thing to keep within bounds (not 降低/节约…成本, which is an economic benefit).
_COST_DOWN = re.compile(r"降|节约|节省|节支|减|压缩|影响|效益")
_COUNTED = re.compile(r"(?:数量|次数|人次|人数|个数|户数|数|量|面积)$")
# A name cut off by a line wrap inside 满意度 (公众满, 服务对象满意).
_SAT_CUT = re.compile(r"满意?$")
# A qualitative value that names the category it belongs to (经济效益良好, 影响可持续, 满意).
VALUE_NAMES: dict[str, tuple[str, ...]] = {
    "benefit.economic": ("经济效益", "经济效"),
    "benefit.social": ("社会效益", "社会效"),
    "benefit.ecological": ("生态效益", "环境效益", "生态效"),
    "benefit.sustainable": ("可持续", "持续性", "持续影响", "长效"),
    "satisfaction.service_object": ("满意", "好评"),
}


def name_features(name: str, cues: dict[str, tuple[str, ...]]) -> list[str]:
    """Suffix/prefix, cue-word hits and shape of a cleaned name."""
    toks: list[str] = []
    core = re.sub(r"[\s\d.%≥≤<>=]+$", "", name) or name
    if core:
        toks += [f"s1:{core[-1:]}", f"s2:{core[-2:]}", f"s3:{core[-3:]}", f"p2:{core[:2]}"]
    for cid, words in cues.items():
        if any(w in name for w in words):
            toks.append(f"cue:{cid}")
    n = len(name)
    toks.append("m:len" + ("0" if n == 0 else "1" if n <= 4 else "2" if n <= 8 else "3" if n <= 14 else "4"))
    if name.startswith(_VERBS) or name.startswith("对"):
        toks.append("m:verb")
    elif any(v in name for v in _VERBS[:9]):
        toks.append("m:verb_in")
    if name.startswith(_ACTS):
        toks.append("m:act")
    if re.search(r"\d", name):
        toks.append("m:digit")
    if "%" in name:
        toks.append("m:pct")
    if _WHEN.search(name):
        toks.append("m:when")
    if _SAT_CUT.search(name):
        toks.append("m:satcut")
    return toks


def rule_hits(name: str, value: str | None) -> list[str]:
    """Category ids that high-precision rules point to (each hit adds a fixed bias to that category).

    The rules are few and read the text the way a budget officer would: a value that names its
    category, a name cut inside 满意度, 成本 kept within bounds, a name that states when payments happen.
    """
    hits: list[str] = []
    v = fold(value).replace(" ", "")
    if v and not _NUM.search(v):
        for cid, words in VALUE_NAMES.items():
            if any(w in v for w in words):
                hits.append(cid)
    if _SAT_CUT.search(name):
        hits.append("satisfaction.service_object")
    if "成本" in name and not _COST_DOWN.search(name):
        hits.append("output.cost")
    if _WHEN.search(name) and "满意" not in name and not _COUNTED.search(name):
        hits.append("output.timeliness")
    return hits


def char_ngrams(text: str, lo: int = 1, hi: int = 3) -> list[str]:
    """Character n-grams of ``text`` (digits collapsed to #, punctuation dropped)."""
    t = re.sub(r"\d+(?:\.\d+)?", "#", text)
    t = re.sub(r"[\s,，、;；:：。.()（）“”\"'《》<>\[\]【】]+", "|", t)
    out: list[str] = []
    for part in t.split("|"):
        L = len(part)
        for n in range(lo, hi + 1):
            for i in range(L - n + 1):
                out.append("c:" + part[i:i + n])
    return out

"""Normalize 指标值 and find measurable targets in free text (contract §3).

Three entry points share one finder:

- ``parse_value(raw, name=, level2=, year=)``: one table cell → one ``Target`` (cell rules: 未涉及 → na,
  OCR ``290%`` → ≥90%, ``250万`` on a money row → 250 万元, implied direction from the indicator).
- ``extract_targets(text)``: every target in a line, as Target dicts with ``span`` [start, end).
- ``narrative_targets(paragraph)``: the measurable clauses of a 绩效指标 paragraph, with spans and
  baselines inherited by later change clauses (较2015年末…下降10%，死亡人数下降10%).

Deadline dates are ``2022-12`` or ``2022-12-30``; one written without a year and no document year
given is ``--12`` / ``--12-30`` (ISO 8601 truncated forms), never a guessed year.

The finder runs a few precompiled regexes over a same-length folded copy of the text (so spans
index the original), then keeps the best non-overlapping candidates: period > deadline > change >
reference > quantity.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from decimal import Decimal

from jixiao.document import NarrativeTarget, Target
from jixiao.pipeline.numbers import NUM, NUMX, fold, parse_number, to_number

# ------------------------------------------------------------------ vocabularies

_PRE_OPS = {
    ">=": ">=", "≥": ">=", "=>": ">=", "大于或等于": ">=", "大于等于": ">=", "不低于": ">=", "不少于": ">=",
    "不小于": ">=", "至少": ">=", "最少": ">=", "最低": ">=", "达到": ">=", "达": ">=",
    "<=": "<=", "≤": "<=", "=<": "<=", "小于或等于": "<=", "小于等于": "<=", "低于或等于": "<=", "不高于": "<=",
    "不超过": "<=", "不超出": "<=", "不多于": "<=", "不大于": "<=", "不超": "<=", "最多": "<=", "最高": "<=",
    "控制在": "<=", "控制到": "<=", "控制于": "<=",
    ">": ">", "大于": ">", "超过": ">", "高于": ">", "多于": ">", "超": ">",
    "<": "<", "小于": "<", "低于": "<", "少于": "<",
    "=": "=", "等于": "=",
    "保持在": None, "保持": None, "在": None, "约": None,
}
for _w in ("提高", "提升", "增加", "增长", "上升"):
    for _t in ("到", "至"):
        _PRE_OPS[_w + _t] = ">="
for _w in ("下降", "降低", "减少", "压减", "压降", "压缩", "缩减", "控制"):
    for _t in ("到", "至"):
        _PRE_OPS[_w + _t] = "<="
_PRE_OPS["降至"] = "<="
_POST_OPS = {"及以上": ">=", "以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<=", "之内": "<=",
             "内": "<=", "左右": None, "上下": None}

_PERCENT_UNITS = {"%": "%", "百分比": "%", "‰": "‰", "个百分点": "百分点", "百分点": "百分点"}
_TIME_UNITS = {"小时", "分钟", "秒", "工作日", "日", "天", "周", "月", "年", "季度", "学期", "个工作日",
               "个小时", "个月", "个季度"}
_UNIT_ALIASES = {"M": "米", "m": "米", "km": "公里", "KM": "公里", "Km": "公里", "平米": "平方米", "㎡": "平方米",
                 "m2": "平方米", "m²": "平方米", "千米": "公里", "个工作日": "工作日", "个小时": "小时",
                 "个月": "月", "个季度": "季度", "kg": "公斤", "千克": "公斤", "㎥": "立方米", "m³": "立方米"}
_COUNT_UNITS = (
    "人次 户次 家次 批次 架次 车次 班次 台次 场次 期次 次 件 份 个 家 人 名 位 户 期 场 册 本 套 台 辆 项 处 条 篇 批 所 座 间 张 "
    "块 只 头 匹 株 棵 粒 种 支 队 组 宗 起 例 艘 栋 幢 盏 根 包 袋 箱 标箱 门 节 学时 课时 村 镇 乡 床 站 枚 卷 页 字 幅 笔 层 "
    "单 万字 户数 人数 对 双"
).split()
_MEASURE_UNITS = (
    "平方公里 平方千米 平方米 平米 ㎡ 公顷 亩 公里 千米 厘米 毫米 立方米 米 吨 公斤 千克 斤 克 ℃ 千瓦时 千瓦 兆瓦 瓦 度 "
    "周岁 岁 分"
).split()
_LATIN_UNITS = ["km", "KM", "Km", "m²", "m³", "m2", "kg", "GB", "TB", "MB", "kW", "kWh", "M", "m", "t", "h"]
_UNIT_WORDS = sorted(set(_COUNT_UNITS + _MEASURE_UNITS + list(_TIME_UNITS) + ["元", "美元"]), key=len, reverse=True)
_UNIT_CORE = "|".join(re.escape(u) for u in _UNIT_WORDS)
_UNIT_LATIN = "|".join(re.escape(u) for u in _LATIN_UNITS) + r"(?![A-Za-z])"
# A unit may be compound: 元/亩, 元/生/年, 人/天, 万元/年, 元每人, 元/人·月; or only a per-part as written
# (28.40/株: the money word left out, the 「/株」 kept).
_PER = rf"(?:{_UNIT_CORE}|[人户生年月日天次件个亩])"
_UNIT = (rf"(?:个?\s*百\s*分\s*点|{'|'.join(re.escape(u) for u in _PERCENT_UNITS)}|(?:{_UNIT_CORE})"
         rf"(?:(?:/|每|·){_PER}){{0,3}}|/{_PER}(?:(?:/|·){_PER}){{0,2}}|{_UNIT_LATIN})")
# Units that are never followed by these characters (一次性, 折旧, 成员).
_UNIT_STOP_AFTER = {"次": "性数", "个": "人体性别", "名": "称单", "家": "庭属乡", "期": "间限末初望待刊",
                    "项": "目", "处": "理置罚", "人": "员民才口大", "度": "过", "分": "析别配类级之", "节": "约能点日",
                    "门": "户诊口类", "只": "有要是", "本": "级地身", "支": "出付持撑队部", "种": "类植子", "条": "件例款",
                    "起": "草来步诉", "对": "象接照于比待", "站": "点", "单": "位独", "层": "级面次", "米": "面",
                    "组": "织成", "台": "账", "块": "钱", "包": "括", "批": "准复", "双": "责控重"}

# Reference nouns a cap can name instead of a number (longest first).
_REF_WORDS = sorted("""核定数 核定标准 核定金额 预算数 预算金额 预算成本 预算标准 预算总额 预算资金 预算 批复数 批复金额 计划数 计划成本 计划投资
前三年平均值 前三年平均水平 前三年平均数 近三年平均值 上年水平 上年度水平 上年数 上年实际数 上年度 上年 市场价格 市场价 市场平均价格
政府采购成本 政府采购价格 政府采购价 相关规定 有关规定 资产管理规定 国家规定标准 国家标准 行业标准 规定标准 相关标准 相关要求
合同约定 合同金额 合同价 项目计划完成时间 计划完成时间 计划时间 规定时间 规定时限 定额标准 支出标准 开支标准 指导价""".split(),
                    key=len, reverse=True)
_REF_ALT = "|".join(_REF_WORDS)
_REF_CMP = {"小于或等于": "<=", "小于等于": "<=", "低于或等于": "<=", "不超过": "<=", "不高于": "<=", "不大于": "<=",
            "不超出": "<=", "不超": "<=", "控制在": "<=", "控制于": "<=", "≤": "<=", "<=": "<=", "小于": "<", "低于": "<",
            "<": "<", "不低于": ">=", "不少于": ">=", "达到": ">=", "≥": ">=", ">=": ">=", "高于": ">", "大于": ">",
            "超过": ">", ">": ">", "在": None, "符合": None, "按照": None, "按": None, "参照": None, "依据": None,
            "根据": None, "执行": None, "等于": "=", "=": "="}

# The direction of an indicator, one table for parse_value, extract and compare (see implied_op).
# Nouns where lower is better: failures, losses, costs, durations.
_NEGATIVE_CUES = re.compile(
    "故障|投诉|差错|事故|超标|时长|时限|用时|耗时|发生数|损失|失误|违规|违法|变质|死亡|伤亡|误差|不合格|缺陷|返工|延误|"
    "能耗|消耗|排放|成本|费用|(?<![免消付])费|单价|价格|支出|开支|经费|调整次数|退回|逾期|事件|案件数|发案|逃逸|上访|漏报|"
    "迟报|不良|污染|差评|隐患数|(?:处理|响应|办结|到达|下拨|报送|等待)时间")
# Nouns where higher is better although they contain a negative cue (使用时间 holds 用时, 支出进度 支出).
_POSITIVE_CUES = re.compile("满意|(?<!不)合规|(?<!不)合格|达标|节约|节省|进度|知名度|(?:使用|运行|服务|持续)(?:时间|年限)|使用寿命")
# A rate is higher-is-better unless what it counts is bad (故障率), or it is the growth of a bad thing
# (成本增长率). 下降率/减少率 of anything is a good rate: 事故起数下降率 10% asks for at least 10%.
_DECREASE_RATE = re.compile(r"(?:下降|减少|降低|压减|压降|压缩|缩减|节约|节省)率$")
_BAD_RATE = re.compile(r"(?:故障|投诉|事故|差错|错误|返工|返修|失误|发生|不合格|超标|空置|闲置|流失|辍学|漏报|迟报|"
                       r"误报|死亡|发病|结余|违规|违约|逾期|损耗|误差|差评|失败|失业|犯罪|发案|患病|复发|返贫|不良|漏检|误诊|"
                       r"延误|拖欠|失信|违章|破损|丢失|损坏)率$")
_GROWTH_RATE = re.compile(r"(?:增长|增加|上升|超支|频)$")  # 成本增长率, 故障频率
_COST_LEVEL2 = ("成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标")
_MONEY_CUES = ("成本", "经费", "资金", "预算", "金额", "费", "收入", "投资", "补贴", "补助", "投入", "支出", "价", "元",
               "奖励", "工资", "租金", "款")

_NA = re.compile(r"[/／\\—\-–_－~、.。·…*＊]*|未涉及|不涉及|无|暂无|无此项|不适用|本项目不适用.*|此项不适用|空|N/?A|n/?a|null|None")
_BASIS = re.compile(r"\s*[（(【\[]\s*(计划标准|行业标准|历史标准|预算支出标准|其他标准|年初计划|实际情况)\s*[)）】\]]\s*")
_STRIP = " \t\r\n\u3000。；;，,、★☆*"

# ------------------------------------------------------------------ regexes

_PRE = "|".join(re.escape(k) for k in sorted(_PRE_OPS, key=len, reverse=True))
_POST = "|".join(re.escape(k) for k in sorted(_POST_OPS, key=len, reverse=True))
_SEP = r"(?:-|~|—|–|至|到)"

_QTY = re.compile(rf"""
(?:(?P<pre>{_PRE})\s*)?
(?:(?P<pp>(?:百万万|百万|千万|万万|百|千|仟|万)\s*分\s*之)\s*)?
(?P<num>{NUMX}|(?<![\d.])[*]{{2,}}\d*)
(?:\s*(?P<u1>%|‰|百分比))?
(?:\s*{_SEP}\s*(?P<pp2>百分之)?(?P<num2>{NUM}))?
(?:\s*(?P<unit>{_UNIT}|成(?![员本果为立效绩熟功都交型长就])|折(?![旧算合叠扣磨腾射]))(?P<half>半)?)?
(?P<post>{_POST})?
""", re.X)

_Y = r"(?P<y>(?:19|20)\d{2}|[二〇零一][〇零一二三四五六七八九]{3})\s*年\s*度?"
_M = r"\d{1,2}|十[一二]?|[一二三四五六七八九]"
_DEADLINE = re.compile(rf"""
(?:于|在|截至|截止到|截止|到)?\s*
(?:{_Y}\s*(?:(?P<m>{_M})\s*月份?(?:\s*(?P<d>\d{{1,2}}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*[日号])?|(?P<ye>年底|年末|底|末))?
 |(?P<m2>{_M})\s*月份?(?:\s*(?P<d2>\d{{1,2}})\s*[日号])?)
\s*(?P<mend>底|末|中旬|上旬|下旬|初)?
\s*(?P<by>之前|以前|前|为止|以内|之内|内)?
""", re.X)
_DEADLINE_BAD_AFTER = ("较", "比", "起", "以来", "开始", "至今", "同期", "相比", "的")

_PERIOD = re.compile(r"""
(?P<y1>(?:19|20)\d{2})\s*[.\-/年]\s*(?P<m1>\d{1,2})(?:\s*[.\-/月]\s*(?P<d1>\d{1,2})\s*[日号]?)?\s*月?
\s*(?:-|—|–|~|至|到)\s*
(?:(?P<y2>(?:19|20)\d{2})\s*[.\-/年]\s*)?(?P<m2>\d{1,2})(?:\s*[.\-/月]\s*(?P<d2>\d{1,2})\s*[日号]?)?\s*月?
""", re.X)

_STAMP = re.compile(r"(?<!\d)(?:(?P<y>(?:19|20)\d{2})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?!\d)"
                    r"(?P<time>\s*\d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}:\d{2}(?::\d{2})?(?!\d))")

_BASE = (r"(?:19|20)\d{2}\s*年\s*(?:度)?(?:末|底|初)?(?:同期)?|上一?年度?(?:同期|末|底)?|去年(?:同期)?|前三年平均(?:值|水平|数)?"
         r"|近三年平均(?:值|水平)?|基期|同期|基准年|上期|上季度|上月")
_DIR_WORDS = {"下降": "decrease", "降低": "decrease", "减少": "decrease", "压减": "decrease", "压降": "decrease",
              "压缩": "decrease", "缩减": "decrease", "减": "decrease", "降": "decrease", "增长": "increase",
              "增加": "increase", "提高": "increase", "提升": "increase", "上升": "increase", "增": "increase",
              "增幅": "increase", "降幅": "decrease"}
_DIR = "|".join(sorted(_DIR_WORDS, key=len, reverse=True))
_CHANGE = re.compile(rf"""
(?:(?P<cw>较|比|相比|相较于?|与)\s*(?P<base>{_BASE})(?:相比|比较)?[^，。；;,\n]{{0,24}}?|(?P<yoy>同比|环比))?
(?P<dir>{_DIR})(?:了|达到|达|幅度?为?)?\s*
(?:(?P<pre>{_PRE})\s*)?(?P<pp>百分之)?
(?P<num>{NUM})\s*(?P<unit>%|个百分点|百分点|成|{_UNIT})?
(?P<post>及以上|以上|以内|以下|左右)?
""", re.X)

_REF = re.compile(rf"(?P<rc>小于或等于|小于等于|低于或等于|不超过|不高于|不大于|不超出|不超|控制在|控制于|≤|<=|小于|低于|<"
                  rf"|不低于|不少于|达到|≥|>=|高于|大于|超过|>|等于|=|在|符合|按照|按|参照|依据|根据|执行)\s*"
                  rf"(?P<ref>{_REF_ALT})(?:的)?(?P<rpost>以内|之内|范围内|内|以下|以上)?")
# Cell-only fallbacks: 控制在预算内, 在项目计划完成时间内完成, 不超预算, 按资产管理规定执行.
_REF_CELL_IN = re.compile(r"(?:控制在|控制于|在)(?P<ref>[^\d，,。；;%]{1,16}?)(?:以内|之内|范围内|内)(?:完成|控制|执行|支出)?")
_REF_CELL_CMP = re.compile(r"(?P<rc>小于或等于|小于等于|不超过|不高于|不大于|不超出|不超|低于|小于|控制在|≤|<=|<)"
                           r"(?P<ref>[^\d，,。；;%]{1,16}?)(?:以内|之内|范围内|内)?(?:控制|执行)?")
_REF_CELL_RULE = re.compile(r"(?:.{0,12}?)(?P<rc>符合|按照|按|参照|依据|根据)(?P<ref>[^\d，,。；;%]{1,16}?"
                            r"(?:规定|标准|要求|制度|办法|文件|合同|约定|价格|价|成本|计划))(?:执行|控制|确定|.*)?")
_REF_CELL_PLAN = re.compile(r"(?P<ref>[^\d，,。；;%]{0,8}(?:进度|时间)(?:要求|计划))")

_OCR_GE = re.compile(r"2(?P<n>\d{2,3}(?:\.\d+)?)\s*[%$]|工(?P<g>\d{1,3}(?:\.\d+)?)\s*[%$]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_QUOTE_BEFORE = "“‘「『\"'《"
_CLAUSE_SPLIT = re.compile(r"[，。；;！？!?\n]|,(?!\d{3})")
_INDICATOR_PREFIX = re.compile(r"^\s*(?:绩效指标|指标)\s*[:：]\s*")
_DATEISH_AFTER = re.compile(r"^[^，。；,;\d]{0,8}?(?:日|节)")

# Years in Chinese digits, e.g. 二〇二一.
_CN_YEAR = re.compile(r"[二〇零一][〇零一二三四五六七八九]{3}")


# ------------------------------------------------------------------ helpers

def _num(d: Decimal | None):
    return None if d is None else to_number(d)


def _cn_small(s: str | None) -> int | None:
    if not s:
        return None
    v = parse_number(s)
    return int(v) if v is not None else None


class _Cand:
    """A candidate target in the folded text (priority decides overlaps)."""

    __slots__ = ("start", "end", "prio", "target", "meta")

    def __init__(self, start, end, prio, target, meta=None):
        self.start, self.end, self.prio, self.target, self.meta = start, end, prio, target, meta or {}


def _date_str(y, m, d) -> str:
    """``2022-12``, ``2022-12-30``; without a known year ``--12``, ``--12-30`` (ISO 8601's truncated
    month and month-day forms, as XML Schema's gMonth/gMonthDay): the document year fills them when
    known (``parse_value(year=)``, ``narrative_targets(year=)``) and ``index.compare`` does when comparing."""
    ys = f"{y:04d}" if y else "-"
    if m is None:
        return f"{ys}"
    s = f"{ys}-{m:02d}"
    return s + (f"-{d:02d}" if d else "")


def _year_of(s: str | None) -> int | None:
    if not s:
        return None
    if _CN_YEAR.fullmatch(s):
        return int(parse_number(s))
    return int(s)


# ------------------------------------------------------------------ candidate finders

def _periods(t: str, out: list) -> None:
    for m in _PERIOD.finditer(t):
        y1, m1 = int(m["y1"]), int(m["m1"])
        y2 = int(m["y2"]) if m["y2"] else y1
        m2 = int(m["m2"])
        d1 = int(m["d1"]) if m["d1"] else None
        d2 = int(m["d2"]) if m["d2"] else None
        if not (1 <= m1 <= 12 and 1 <= m2 <= 12) or (d1 and d1 > 31) or (d2 and d2 > 31) or y2 < y1:
            continue
        tg = Target(raw=m.group(), kind="deadline", op="between", date=_date_str(y2, m2, d2))
        tg.flags.append(f"from:{_date_str(y1, m1, d1)}")
        out.append(_Cand(m.start(), m.end(), 5, tg))


def _stamps(t: str, out: list) -> None:
    """ISO dates (2023-12-04 → a deadline) and clock times (19:49, never a quantity)."""
    for m in _STAMP.finditer(t):
        if m["y"]:
            mon, day = int(m["m"]), int(m["d"])
            if not (1 <= mon <= 12 and 1 <= day <= 31):
                continue
            tg = None if m["time"] else Target(raw=m.group(), kind="deadline", date=_date_str(int(m["y"]), mon, day))
        else:
            tg = None
        out.append(_Cand(m.start(), m.end(), 6, tg))


def _deadlines(t: str, out: list, cell: bool, year: int | None) -> None:
    for m in _DEADLINE.finditer(t):
        if m.end() == m.start():
            continue
        y = _year_of(m["y"])
        mon = _cn_small(m["m"] or m["m2"])
        day = _cn_small(m["d"] or m["d2"])
        ye, mend, by = m["ye"], m["mend"], m["by"]
        if mon is not None and not 1 <= mon <= 12 or day is not None and not 1 <= day <= 31:
            continue
        if y is None and mon is None:
            continue
        after = t[m.end():m.end() + 3]
        before = t[max(0, m.start() - 1):m.start()]
        whole = cell and not t[:m.start()].strip() and re.fullmatch(r"\s*(?:完成|完工|前完成|到位|支付|之前完成)?\s*",
                                                                    t[m.end():]) is not None
        if not whole:
            if before in ("较", "比", "与", "自", "从", "第") or after.startswith(_DEADLINE_BAD_AFTER):
                continue
            if by in ("以内", "之内", "内") and not (y or day or mend):
                continue  # 3月内 is ambiguous (March / three months); the quantity finder decides
            ok = (y and mon and (day or by or mend)) or (y and (ye or mend) and by) or (mon and (day or by or mend) and
                                                                                           (by or y or day))
            if y and mon and not by and not day and not mend:
                ok = True  # 2021年5月: a dated commitment
            if not ok:
                continue
        if mon is None and (ye or mend):
            mon = 12
        if y is None:
            y = year
        op = "<=" if by else None
        date = _date_str(y, mon, day)
        tg = Target(raw=m.group().strip(), kind="deadline", op=op, date=date)
        if mend in ("中旬", "上旬", "下旬", "初"):
            tg.flags.append(mend)
        s = m.start() + (len(m.group()) - len(m.group().lstrip()))
        out.append(_Cand(s, m.end(), 4, tg))


def _changes(t: str, out: list) -> None:
    for m in _CHANGE.finditer(t):
        v = parse_number(m["num"])
        if v is None:
            continue
        unit = m["unit"]
        if unit == "成":
            v, unit = v * 10, "%"
        unit = _PERCENT_UNITS.get(unit, _UNIT_ALIASES.get(unit, unit)) if unit else None
        if m["pp"]:
            unit = "%"
        if unit in ("年", "月") and m["num"].isdigit() and len(m["num"]) == 4:
            continue
        op = _PRE_OPS.get(m["pre"]) if m["pre"] else None
        if m["post"]:
            op = op or _POST_OPS.get(m["post"])
        base = m["base"]
        if base:
            base = re.sub(r"\s+", "", base)
        elif m["yoy"] == "同比":
            base = "上年同期"
        elif m["yoy"] == "环比":
            base = "上期"
        tg = Target(raw=m.group(), kind="change", op=op, value=_num(v), unit=unit,
                    direction=_DIR_WORDS[m["dir"]], baseline=base)
        out.append(_Cand(m.start(), m.end(), 3, tg))


def _references(t: str, out: list) -> None:
    for m in _REF.finditer(t):
        op = _REF_CMP.get(m["rc"])
        rp = m["rpost"]
        if rp in ("以内", "之内", "范围内", "内", "以下"):
            op = op or "<="
        elif rp == "以上":
            op = op or ">="
        if m["rc"] in ("在",) and not rp:
            continue
        tg = Target(raw=m.group(), kind="reference", op=op, reference=m["ref"])
        out.append(_Cand(m.start(), m.end(), 2, tg))


_MAGNITUDES = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8}
_MAGNITUDE_IN = re.compile(r"[十百千万亿拾佰仟]")
# The magnitude of the last numeral in a span: 250万, 十余万, 50万以上 (not 3万4000, whose last part is 4000).
_MAGNITUDE_END = re.compile(r"([万亿])[余多几]?[^\d万亿〇零一二两三四五六七八九十百千点.]*$")


def _magnitude_word(span: str | None) -> str | None:
    m = _MAGNITUDE_END.search(span or "")
    return m.group(1) if m else None


def _magnitude(span: str | None) -> Decimal | None:
    w = _magnitude_word(span)
    return _MAGNITUDES[w] if w else None


def _scale_down(v, value_max, word: str):
    """Value and range end of a number found in full (2500000) expressed in 万/亿 (250)."""
    mag = _MAGNITUDES[word]

    def down(x):  # Decimals inside the finder, JSON numbers on a finished Target
        return x / mag if isinstance(x, Decimal) else _num(Decimal(str(x)) / mag)

    return down(v), (None if value_max is None else down(value_max))


def _is_code(t: str, numtxt: str, nstart: int, end: int) -> bool:
    """Bare digit runs that are identifiers, not quantities: 06032897, 0534-4366343, 67号, (2024), URL parts."""
    digits = numtxt.strip()
    if not digits.isdigit():
        return False
    before = t[nstart - 1:nstart] if nstart else ""
    after = t[end:end + 1]
    if len(digits) > 1 and digits[0] == "0" or len(digits) > 8:
        return True
    if after in ("号", "/", "_") or before in ("/", "_", "#"):
        return True
    return len(digits) == 4 and 1900 <= int(digits) <= 2100  # a year written alone


def _quantities(t: str, out: list, strict: bool, cell: bool = False) -> None:
    n = len(t)
    for m in _QTY.finditer(t):
        numtxt = m["num"].rstrip()
        start, end = m.start(), m.end()
        if end == start:
            continue
        pre, pp, unit, post = m["pre"], m["pp"], m["unit"] or m["u1"], m["post"]
        flags = []
        masked = numtxt.startswith("*")
        if masked:
            v = None
            flags.append("masked")
        else:
            v = parse_number(numtxt)
            if v is None:
                continue
        nstart = m.start("num")
        before = t[nstart - 1] if nstart > 0 else ""
        # Codes and identifiers (13080021IR3I64...), ordinals (第三), slogans (“十四五”).
        if before and (before.isascii() and before.isalnum() or before == "第"):
            continue
        if not masked and not pp:
            cn_only = not any(c.isdigit() for c in numtxt)
            if cn_only:
                core = numtxt.lstrip("-负 ")
                if before and before in _QUOTE_BEFORE and t[m.end("num"):m.end("num") + 1] not in "”’」』\"'》":
                    continue
                if not unit and not pre and not post:
                    lone = len(core) == 1 or not any(c in "十拾百佰千仟万亿兆〇零点" for c in core)
                    after_c = t[m.end("num"):m.end("num") + 1]
                    standalone = (not before or not _HAN.match(before)) and (not after_c or not _HAN.match(after_c))
                    if lone and not standalone:
                        continue
                if core in ("万", "亿", "万万", "千万", "百万", "兆") or (core == "一" and unit in ("起", "对", "双", "样")):
                    continue
        if unit:
            stop = _UNIT_STOP_AFTER.get(unit)
            nxt = t[m.end("unit"):m.end("unit") + 1]
            if stop and nxt and nxt in stop:
                # 一次性, 折旧: the unit is part of a word; keep the bare number only if it is Arabic.
                if not any(c.isdigit() for c in numtxt):
                    continue
                unit, post = None, None
                end = m.end("num")
        # Bare number glued to Latin letters (80MB handled by units; ABC123 by the before-check).
        if not unit and end < n and t[end:end + 1].isascii() and t[end:end + 1].isalpha():
            continue
        if not unit and not pre and not pp and not cell and (
                _is_code(t, numtxt, nstart, m.end("num"))
                or m["num2"] is not None and _is_code(t, m["num2"], m.start("num2"), m.end("num2"))):
            continue
        if masked and not pre and not any(c.isdigit() for c in numtxt):
            continue  # **日 in a 年月日 template
        if unit == "分" and numtxt.strip() in ("百", "千", "十", "满"):
            continue  # 百分制
        if unit in ("年", "月", "日", "度") and m.start("unit") > m.end("num"):
            unit, post, end = None, None, m.end("num")  # 4623 万 年 度: letter-spaced text, not a unit
        op = _PRE_OPS.get(pre) if pre else None
        if pre and op is None and pre in ("在", "约", "保持", "保持在"):
            start = m.start("num") if pre in ("在", "约") else start
        value_max = None
        if m["num2"] is not None:
            v2 = parse_number(m["num2"])
            if v2 is None or (v is not None and v2 < v):
                # Not a range (e.g. 2021-1): keep only the first number.
                end = m.end("num")
                unit = m["u1"]
                post = None
            else:
                value_max = v2
                op = "between" if op is None else op
                mag = _magnitude(m["num2"])
                if mag and v is not None and not _MAGNITUDE_IN.search(numtxt) and v * mag <= v2:
                    v *= mag  # 1-2万人, 100-200万元: a magnitude written once covers both ends
        if m["u1"] and m["unit"] and m["unit"] not in ("%", "‰", "百分比"):
            unit = m["u1"]
        # Units.
        if pp:
            scale = Decimal(100) / parse_number(pp.replace(" ", "")[:-2])  # 千分之2.4 → 0.24%
            unit = "%"
            if v is not None and scale != 1:
                v *= scale
                value_max = value_max * scale if value_max is not None else None
        elif unit in ("成", "折"):
            if v is None:
                continue
            tenths = 10 if unit == "成" or v < 10 else 1
            if m["half"]:
                v += Decimal("0.5")
            v *= tenths
            if value_max is not None:
                value_max *= tenths
            unit = "%"
            if m["unit"] == "折" and m["num"] in ("十", "10"):
                continue
        elif unit:
            unit = _PERCENT_UNITS.get(unit, unit)
            if "点" in unit and "分" in unit:
                unit = "百分点"
            unit = _UNIT_ALIASES.get(unit, unit)
            if unit.startswith("元") or unit.startswith("美元"):
                # Money stays in the magnitude written next to the unit: 250万元 → 250 万元.
                mag_word = _magnitude_word(m["num2"] if value_max is not None else numtxt)
                if mag_word and v is not None:
                    v, value_max = _scale_down(v, value_max, mag_word)
                    unit = mag_word + unit
        # Dates are not quantities: 2021年, 12月, 5月10日, 5.12防灾减灾日.
        if v is not None and not pre:
            if unit == "年" and 1900 <= v <= 2100 and v == int(v) and value_max is None:
                continue
            if unit == "年" and _CN_YEAR.fullmatch(numtxt):
                continue
            if unit in ("月",) and not post and m["unit"] != "个月":
                continue
            if unit in ("日", "号") and t[max(0, nstart - 1):nstart] == "月":
                continue
            if not unit and re.fullmatch(r"\d{1,2}\.\d{1,2}", numtxt) and _DATEISH_AFTER.match(t[end:end + 12]):
                continue
        if post:
            pop = _POST_OPS.get(post)
            if post == "内" and unit not in _TIME_UNITS and unit != "%" and unit not in ("月", "年", "日"):
                end = m.start("post")
                pop = None
            elif pop is None:
                flags.append("approx")
            if pop:
                if op and op != pop and op != "between":
                    flags.append("op_conflict")
                else:
                    op = pop if op != "between" else op
        if any(c in numtxt for c in "余多几"):
            flags.append("approx")
        if strict and not unit and not op and not pp:
            continue
        raw = t[start:end]
        tg = Target(raw=raw, kind="numeric", op=op, value=_num(v), value_max=_num(value_max), unit=unit,
                    flags=flags)
        out.append(_Cand(start, end, 1, tg))


def _select(cands: list) -> list:
    """Best non-overlapping candidates (higher priority, then longer), in text order.

    ``taken`` stays sorted by (start, end); being disjoint, its ends then rise too, so the one taken
    span that can overlap a candidate is the last starting before the candidate ends (a bisection:
    checking every taken span made a long line quadratic, 19 s for 660 KB).
    """
    cands.sort(key=lambda c: (-c.prio, -(c.end - c.start), c.start))
    taken: list = []
    keys: list[tuple[int, int]] = []
    starts: list[int] = []
    for c in cands:
        i = bisect_left(starts, c.end)
        if i and taken[i - 1].end > c.start:
            continue
        j = bisect_right(keys, (c.start, c.end))
        taken.insert(j, c)
        keys.insert(j, (c.start, c.end))
        starts.insert(j, c.start)
    return taken


def _find(text: str, *, cell: bool = False, strict: bool = False, year: int | None = None) -> list:
    t = fold(text)
    cands: list = []
    if ":" in t or "-" in t or "/" in t:
        _stamps(t, cands)
    if "-" in t or "—" in t or "至" in t or "到" in t or "~" in t or "–" in t:
        _periods(t, cands)
    if "年" in t or "月" in t:
        _deadlines(t, cands, cell, year)
    _changes(t, cands)
    _references(t, cands)
    _quantities(t, cands, strict, cell)
    sel = [c for c in _select(cands) if c.target is not None]  # stamps without a target only block
    for c in sel:
        c.target.raw = text[c.start:c.end]
    return sel


# ------------------------------------------------------------------ implied direction

def implied_op(name: str | None, level2: str | None = None, unit: str | None = None,
               value=None) -> str | None:
    """The direction a bare number means for this indicator: ``<=`` when lower is better, else ``>=``.

    The one direction rule of the project (``index.compare.polarity`` uses it too), in this order:
    a zero target is a cap (0起); a rate (…率) is higher-is-better unless it counts something bad
    (故障率, 投诉率, 事故率, 差错率) or is the growth of a bad thing (成本增长率), and 下降率/减少率/降低率/压减率
    are good rates; otherwise good nouns (满意, 使用时间, 进度) beat bad ones (成本, 费用, 时限, 时长, 用时,
    事故, 投诉); then a cost category (成本指标) or a 时效指标 counted in time units means ``<=``.
    Returns None only for money with no context at all (a bare 250万元 in free text).
    """
    if value is not None and value == 0:
        return "<="
    if name:
        n = fold(name)
        i = n.rfind("率")
        if i >= 0:
            head = n[:i + 1]
            if _DECREASE_RATE.search(head):
                return ">="
            if _BAD_RATE.search(head):
                return "<="
            if _GROWTH_RATE.search(head[:-1]) and _NEGATIVE_CUES.search(head):
                return "<="
            return ">="
        if _POSITIVE_CUES.search(n):
            return ">="
        if _NEGATIVE_CUES.search(n):
            return "<="
    if level2 and level2 in _COST_LEVEL2:
        return "<="
    if level2 == "时效指标" and unit in _TIME_UNITS:
        return "<="
    if unit and unit.endswith("元") and level2 is None and name is None:
        return None
    return ">="


# ------------------------------------------------------------------ public API

def _is_money_row(name: str | None, level2: str | None) -> bool:
    if level2 in _COST_LEVEL2 or level2 == "经济效益指标":
        return True
    return bool(name) and any(c in name for c in _MONEY_CUES)


def parse_value(raw: str | None, *, name: str | None = None, level2: str | None = None,
                year: int | None = None, unit: str | None = None) -> Target:
    """Normalize one 指标值 cell into a Target (contract §3).

    Args:
        raw: the cell text as written (None or blank → kind na).
        name: the indicator (三级指标) name, for the implied direction, money context and the unit of a
            bare number (完成率 | 90 → 90 %, 面积(万亩) | 28 → 28 万亩; see ``unit_from_name``).
        level2: the canonical second-level category (成本指标 → ``<=``).
        year: the document year, for deadlines written without one (11月底完成 → 2022-11; without
            ``year`` the date is ``--11``, see ``_date_str``).
        unit: a separate 单位/计量单位 column as written (人/天, 万元, %): the unit of a bare number,
            before the name's.
    """
    if raw is None:
        return Target(raw="", kind="na")
    text = str(raw)
    core = text.strip(_STRIP)
    flags: list[str] = []
    mb = _BASIS.search(core)
    if mb:
        flags.append(f"basis:{mb.group(1)}")
        core = (core[:mb.start()] + core[mb.end():]).strip(_STRIP)
    if not core or _NA.fullmatch(fold(core)):
        return Target(raw=text, kind="na", flags=flags)
    f = fold(core)
    # OCR: a leading 2 or 工 read for ≥ (292% → ≥92%), $ read for %.
    mo = _OCR_GE.fullmatch(f)
    if mo and (mo["g"] or 100 < float(f[:-1]) < 300):
        v = Decimal(mo["g"] or mo["n"])
        if 10 <= v <= 100 or mo["g"]:
            return Target(raw=text, kind="numeric", op=">=", value=_num(v), unit="%", flags=flags + ["ocr_suspect"])
    if re.fullmatch(r"[≥≤<>=]?\s*\d+(?:\.\d+)?\$", f):
        core = core[:-1] + "%"
        flags.append("ocr_suspect")
    found = _find(core, cell=True, year=year)
    tg = None
    span = ""
    if found:
        tg = found[0].target
        span = fold(tg.raw)
        if len([c for c in found if c.target.kind == "numeric"]) > 1:
            tg.flags.append("multi_value")
    else:
        tg = _cell_reference(core)
        if tg is None:
            ml = re.fullmatch(r"(?:本?年[底末内]|年度内|当年|本年度内?)(?:前|之前|以前)?(?:完成)?", f)
            if ml:
                tg = Target(raw=text, kind="deadline", op="<=" if ("前" in f or "内" in f) else None,
                            date=_date_str(year, 12, None))
    if tg is None:
        tg = Target(raw=text, kind="qualitative")
        if name and fold(name).strip() == f.strip():
            flags.append("name_as_value")
        if name and fold(name).rstrip("）)").endswith("率"):
            flags.append("rate_without_number")
    tg.raw = text
    tg.flags = flags + tg.flags
    if tg.kind == "numeric":
        mag_word = _magnitude_word(span)
        if tg.unit is None and tg.value is not None and mag_word and _is_money_row(name, level2):
            # 250万 on a money row is 250 万元: the number was found in full, so scale it back.
            tg.value, tg.value_max = _scale_down(tg.value, tg.value_max, mag_word)
            tg.unit = mag_word + "元"
        if tg.unit is None:
            _unit_from_context(tg, mag_word, name, unit)
        if tg.op is None:
            tg.implied_op = implied_op(name, level2, tg.unit, tg.value)
    return tg


# A unit as a unit column or a name's parentheses write it: %, 人/天, 万元, 万亩, 元/人·月, /株.
_WRITTEN_UNIT = re.compile(rf"(?P<mag>百万|千万|[万亿千])?(?P<u>{_UNIT})")
_NAME_PAREN = re.compile(r"[(（]([^()（）]{1,16})[)）]")
# What a template leaves before the unit in a name's parentheses: (≥**个), (≥95%), (单位：万元).
_PAREN_LEAD = re.compile(r"^(?:(?:单位|计量单位|度量单位)\s*[:：]?\s*|[≥≤<>=]+\s*(?:[*xX]+|\d+(?:\.\d+)?)?|[*]+)\s*")
_RATE_NAME = re.compile(r"(?:率|比例|占比|比重|百分比)$")


def written_unit(text: str | None) -> str | None:
    """The unit a 单位 column or a name's parentheses write, normalized as in values (百分比 → %,
    平米 → 平方米), magnitude kept (万元, 万亩); None when it is no unit (是/否, 定性, /, 无)."""
    parts = _unit_parts(text)
    return None if parts is None else parts[0] + parts[1]


def _unit_parts(text: str | None) -> tuple[str, str] | None:
    """(magnitude, unit) of a written unit: 万亩 → ("万", "亩"), 千瓦 → ("", "千瓦"), 人/天 → ("", "人/天")."""
    if not text:
        return None
    f = re.sub(r"\s+", "", fold(str(text))).strip("()（）[]【】")
    if not f or _NA.fullmatch(f):
        return None
    mag = ""
    if not re.fullmatch(_UNIT, f):
        m = _WRITTEN_UNIT.fullmatch(f)
        if not m:
            return None
        mag, f = m["mag"] or "", m["u"]
    u = _PERCENT_UNITS.get(f, f)
    if "点" in u and "分" in u:
        u = "百分点"
    u = _UNIT_ALIASES.get(u, u)
    return None if mag and u in ("%", "‰", "百分点") else (mag, u)


def _name_unit(name: str | None) -> str | None:
    """The last parenthesised unit of a name as written (面积(万亩) → 万亩, 数量(≥**个) → 个), or None."""
    if not name:
        return None
    for m in reversed(list(_NAME_PAREN.finditer(fold(name)))):
        inner = _PAREN_LEAD.sub("", m.group(1).strip())
        if _unit_parts(inner):
            return inner
    return None


def unit_from_name(name: str | None, value=None) -> str | None:
    """The unit an indicator name gives a bare number: the last parenthesised unit (面积(万亩),
    培训人数（人）, 开发数量(≥**个)), else ``%`` for a rate above 1 (完成率 | 90; a bare 1 or 0.95 may be
    a fraction, so it stays unitless) or a satisfaction between 10 and 100 (满意度 | 90)."""
    if not name:
        return None
    written = _name_unit(name)
    if written:
        return written_unit(written)
    if value is None:
        return None
    core = _NAME_PAREN.sub("", fold(name)).strip()
    if _RATE_NAME.search(core) and value > 1:
        return "%"
    if core.endswith("满意度") and 10 < value <= 100:
        return "%"
    return None


_MAGNITUDE_WORDS = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8, "千": Decimal(1000), "百万": Decimal(10) ** 6,
                    "千万": Decimal(10) ** 7}


def _unit_from_context(tg: Target, mag_word: str | None, name: str | None, column: str | None) -> None:
    """A bare number takes the unit column's unit, else the name's (flagged where it came from).

    Magnitudes follow the cell rules: money keeps the one written (资金(万元) | 250 → 250 万元; 250万
    under a 元 column → 250 万元), anything else is counted in full (面积(万亩) | 28 → 280000 亩, as
    28万亩 in a cell), so values of one unit compare as numbers.
    """
    parts, source = _unit_parts(column), "unit_from_column"
    if parts is None:
        parts, source = _unit_parts(_name_unit(name)), "unit_from_name"
        if parts is None and (u := unit_from_name(name, tg.value)):
            parts = ("", u)
    if parts is None:
        return
    mag, u = parts
    if "元" in u:
        if mag_word and not mag and tg.value is not None:
            tg.value, tg.value_max = _scale_down(tg.value, tg.value_max, mag_word)
            mag = mag_word
    elif mag and tg.value is not None and not mag_word:
        def up(x):
            return None if x is None else _num(Decimal(str(x)) * _MAGNITUDE_WORDS[mag])

        tg.value, tg.value_max = up(tg.value), up(tg.value_max)
        mag = ""
    elif mag:
        mag = ""  # 2.5万 under 面积(万亩): the cell already wrote the magnitude (read as 25000)
    tg.unit = mag + u
    tg.flags.append(source)


def _cell_reference(core: str) -> Target | None:
    f = fold(core)
    for rx in (_REF_CELL_IN, _REF_CELL_CMP):
        m = rx.fullmatch(f)
        if m:
            rc = m.groupdict().get("rc")
            op = _REF_CMP.get(rc, "<=") if rc else "<="
            if op is None:
                op = "<="
            return Target(raw=core, kind="reference", op=op, reference=m["ref"].strip())
    m = _REF_CELL_RULE.fullmatch(f)
    if m:
        return Target(raw=core, kind="reference", op=None, reference=m["ref"].strip())
    m = _REF_CELL_PLAN.fullmatch(f)
    if m:
        return Target(raw=core, kind="reference", op=None, reference=m["ref"])
    return None


def _target_dict(tg: Target, span) -> dict:
    return {"raw": tg.raw, "kind": tg.kind, "op": tg.op, "value": tg.value, "value_max": tg.value_max,
            "unit": tg.unit, "direction": tg.direction, "baseline": tg.baseline, "reference": tg.reference,
            "date": tg.date, "implied_op": tg.implied_op, "flags": list(tg.flags), "span": [span[0], span[1]]}


_CELL_MAX = 40
# One line for ``jixiao extract``: a long 绩效指标 paragraph is a few thousand characters; beyond this
# is a whole document on one line (extraction runs at about 60k characters/s and grows faster than linearly).
MAX_LINE_CHARS = 100_000


def extract_targets(text: str, *, name: str | None = None, level2: str | None = None, unit: str | None = None,
                    year: int | None = None) -> list[dict]:
    """Every target in ``text``: Target dicts (contract §3) plus ``span`` [start, end) into ``text``.

    A short line that is one value as a whole (``未涉及``, ``优良``, ``≥95%（计划标准）``) is read as a
    table cell, so piping a column of 指标值 through ``jixiao extract`` gives one target each.
    ``name``/``level2``/``unit``/``year`` are the row's context (contract §6, ``extract`` with
    context): a cell then reads as ``parse_value`` reads it, and the name gives free text's bare
    numbers their direction.
    """
    if text is None:
        return []
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    if not stripped:
        return [_target_dict(Target(raw=text, kind="na"), (0, len(text)))]
    found = _find(text, year=year)
    if len(stripped) <= _CELL_MAX and len(found) <= 1 and not re.search(r"[。；;]", stripped):
        # A lone value (2024, 0起) is kept even where free text would drop it, but only when
        # nothing else of substance surrounds it (电话:0534-4366343 stays free text).
        cf = found or _find(text, cell=True, year=year)
        if not cf or len(cf) == 1 and _uncovered_is_noise(text, cf[0]):
            tg = parse_value(stripped, name=name, level2=level2, unit=unit, year=year)
            span = (cf[0].start, cf[0].end) if cf else (lead, lead + len(stripped))
            if cf and tg.kind == cf[0].target.kind:
                tg.raw = text[span[0]:span[1]]
            else:
                span = (lead, lead + len(stripped))
            return [_target_dict(tg, span)]
    out = []
    for c in found:
        tg = c.target
        if tg.kind == "numeric" and tg.op is None:
            ctx = text[max(0, _clause_start(text, c.start)):c.start]
            tg.implied_op = implied_op(ctx or name, level2, tg.unit, tg.value)
        out.append(_target_dict(tg, (c.start, c.end)))
    return out


def _uncovered_is_noise(text: str, c) -> bool:
    rest = (text[:c.start] + text[c.end:]).strip(_STRIP)
    if not rest:
        return True
    rest = _BASIS.sub("", rest).strip(_STRIP)
    return not rest or re.fullmatch(r"[()（）\s]*|完成|完工|前完成|到位|及时|以上|左右", rest) is not None


def _clause_start(text: str, pos: int) -> int:
    i = pos
    while i > 0 and text[i - 1] not in "，。；;,、：:\n":
        i -= 1
    return i


def narrative_targets(text: str, *, year: int | None = None) -> list[NarrativeTarget]:
    """The measurable clauses of a 绩效指标 paragraph, each with its span in ``text`` and its Target.

    Clauses are split at ，。；; a change clause without its own baseline inherits the last one
    written in the same sentence (较2015年末…下降10%，死亡人数下降10%). ``year`` (the document's)
    completes deadlines written without one (11月底前 → 2022-11).
    """
    if not text:
        return []
    out: list[NarrativeTarget] = []
    m0 = _INDICATOR_PREFIX.match(text)
    pos = m0.end() if m0 else 0
    baseline = None
    for piece in _split_clauses(text, pos):
        cs, ce, sentence_end = piece
        clause = text[cs:ce]
        found = _find(clause, strict=True, year=year)
        found = [c for c in found if c.target.kind != "deadline" or c.target.op]
        if not found:
            if sentence_end:
                baseline = None
            continue
        subs = _sub_clauses(clause, found) if len(found) > 1 else [(0, len(clause), found[0])]
        for ss, se, c in subs:
            tg = c.target
            if tg.kind == "change":
                if tg.baseline:
                    baseline = tg.baseline
                elif baseline:
                    tg.baseline = baseline
                    tg.flags.append("baseline_inherited")
            if tg.kind == "numeric" and tg.op is None:
                tg.implied_op = implied_op(clause[ss:c.start] or None, None, tg.unit, tg.value)
            a, b = _trim(text, cs + ss, cs + se)
            out.append(NarrativeTarget(text=text[a:b], target=tg, span=(a, b)))
        if sentence_end:
            baseline = None
    return out


def _split_clauses(text: str, pos: int):
    start = pos
    for m in _CLAUSE_SPLIT.finditer(text, pos):
        if m.start() > start:
            yield start, m.start(), m.group() in "。；;！？!?\n"
        start = m.end()
    if start < len(text):
        yield start, len(text), True


def _sub_clauses(clause: str, found: list):
    """Split a clause with several targets at 、/和/及 between them (培训2期、演练3次)."""
    subs = []
    start = 0
    for i, c in enumerate(found):
        if i + 1 < len(found):
            nxt = found[i + 1]
            gap = clause[c.end:nxt.start]
            k = max(gap.rfind("、"), gap.rfind("和"), gap.rfind("及"), gap.rfind(" "))
            cut = c.end + k if k >= 0 else c.end
            subs.append((start, cut, c))
            start = cut + (1 if k >= 0 else 0)
        else:
            subs.append((start, len(clause), c))
    return subs


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in _STRIP + "：:":
        a += 1
    while b > a and text[b - 1] in _STRIP:
        b -= 1
    return a, b


def read_extract_line(line: str, lineno: int = 1) -> dict:
    """One ``jixiao extract`` stdin line: plain text, or a JSON object with the row's context
    (``value``; ``name`` or ``level3``; optional ``unit``, ``level2``, ``year``) → ``{"text", "name", …}``.

    Raises ValueError (naming the line) for JSON that is malformed or has no string ``value``.
    """
    s = line.strip()
    if not (s.startswith("{") and s.endswith("}")):
        return {"text": line}
    import json

    try:
        obj = json.loads(s)
    except json.JSONDecodeError as e:
        raise ValueError(f"line {lineno}: not valid JSON ({e.msg} at column {e.colno})") from None
    if not isinstance(obj, dict):
        raise ValueError(f"line {lineno}: a JSON line must be an object such as {{\"value\": \"90\", \"name\": \"完成率\"}}")
    value = obj.get("value")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValueError(f"line {lineno}: \"value\" must be a string such as \"≥95%\"")
    item = {"text": value, "name": obj.get("name", obj.get("level3"))}
    for k in ("unit", "level2"):
        if obj.get(k) is not None:
            item[k] = str(obj[k])
    if item["name"] is not None and not isinstance(item["name"], str):
        raise ValueError(f"line {lineno}: \"name\" must be a string such as \"任务完成率\"")
    year = obj.get("year")
    if year is not None:
        try:
            item["year"] = int(year)
        except (TypeError, ValueError):
            raise ValueError(f"line {lineno}: \"year\" must be a year such as 2023") from None
    return item

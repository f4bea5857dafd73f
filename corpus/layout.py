"""Layout recognition: a RawDocument (paragraphs and tables) becomes a Document.

Real 绩效 tables arrive in many shapes: Word text exports (one cell per tab-led line), ``a | b``
rows, one cell per line or per paragraph, rows split on single spaces, a whole table flattened on
one line, merged category cells left blank, padding cells from merged columns. The reader keeps
the cells it can see; this module finds indicator tables by their header (一级指标/二级指标/三级指标/
指标值/实际完成值/分值/得分 …) and reads the rows in one of three modes:

* ``row``: rows with reliable boundaries (tables, pipe rows, space-separated lines). Leading cells
  that are category labels set the level, the rest are aligned to the header's columns by type
  (a number fits 分值, ``≥95%`` fits 指标值, a long phrase fits 三级指标) so padding and missing
  cells do not shift values.
* ``cells``: one cell per line/paragraph with empty cells written out; rows are cut by count.
* ``tokens``: a table flattened into one run of words; rows are cut where a word stops fitting.

Project fields (项目编码, 项目名称, 预算数, 财政资金, 资金支出计划, 目标1…) are read as key → next cell, and
narrative sections from ``（一）heading`` / ``绩效目标：`` / ``绩效指标：`` paragraphs.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from jixiao.corpus import confidence
from jixiao.corpus import metadata as meta_mod
from jixiao.corpus.blocks import Paragraph, RawDocument, Table
from jixiao.document import Document, Indicator, Project, ScheduleItem, Section, Source
from jixiao.pipeline.segment import t2s_table
from jixiao.pipeline.taxonomy import SCORE_RE

# Labels and headers only (never output text) are folded to simplified characters for matching.
_T2S = t2s_table()
_WS = re.compile(r"\s+")
_SCORE = SCORE_RE
_PREFIX_N = re.compile(r"^\s*(?:指标|指標)\s*\d+\s*[:：]?\s*")
_MARKS = "★☆*＊※●◆"


@functools.lru_cache(maxsize=1 << 16)  # pure; the same cells recur across rows and files
def key(text: str | None) -> str:
    """Comparable form of a label or header cell: no spaces, simplified, half-width brackets."""
    if not text:
        return ""
    s = _WS.sub("", text.translate(_T2S))
    return s.replace("（", "(").replace("）", ")").replace("：", ":").strip(":")


# ---------------------------------------------------------------- headers

_HEADER: dict[str, str] = {}
for _role, _names in {
    "level1": "一级指标 一级 一级指标名称 一级目标",
    "level2": "二级指标 二级 二级指标名称 二级目标",
    "level3": "三级指标 三级 指标名称 三级指标名称 具体指标 绩效指标名称 三级目标",
    "description": "指标内容 指标描述 指标解释 指标说明 绩效指标描述 绩效指标描述(指标内容) 指标定义 指标概述",
    "value": "指标值 目标值 年度指标值 指标值及单位 年度数值 绩效目标值 预期目标值 年度目标值 全年目标值 计划值 "
             "预期指标值 指标目标值 预期值 年度预期指标值 计划目标值 目标值及单位",
    "actual": "实际完成值 完成值 全年实际值 全年完成值 实际完成指标值 实际值 全年实际完成值 实际完成 年度实际完成值 "
              "实际完成情况 实际完成数",
    "weight": "分值 权重 权重(%) 指标分值 指标权重 权重分值",
    "score": "得分 评分 自评得分 实际得分",
    "basis": "指标确定依据 绩效标准 确定依据 指标值确定依据 评分标准 评(扣)分标准 指标来源 评分规则 计分方法",
    "unit": "度量单位 计量单位 单位",
    "nature": "指标性质 指标属性 指标值类型 指标类型 指标方向",
    "code": "指标编码 序号 编号 指标代码",
    "note": "备注 说明",
    "skip": "绩效指标 年度绩效指标 本年度绩效指标 当年绩效指标 年度绩效指标完成情况 绩效指标完成情况 绩效指标体系 "
            "评价内容 绩效内容",
    "deviation": "偏差原因 偏差原因分析及改进措施 未完成原因和改进措施 未完成原因及改进措施 未完成原因及拟采取的改进措施 "
                 "偏差原因及改进措施 未完成原因分析",
    "rate": "累计完成率 完成率 目标完成率 指标完成率",
}.items():
    for _n in _names.split():
        _HEADER[key(_n)] = _role
DATA_ROLES = ("level3", "description", "value", "actual", "weight", "score", "basis", "unit", "nature", "code",
              "note", "deviation", "rate")
TEXT_ROLES = ("level3", "description", "basis", "note", "deviation")  # may hold several words
OPTIONAL_IN_TOKENS = ("description", "basis", "note", "deviation", None)


@functools.lru_cache(maxsize=1 << 16)
def header_role(cell: str) -> str | None:
    k = key(cell)
    if not k:
        return None
    role = _HEADER.get(k)
    if role:
        return role
    if k.startswith(("偏差原因", "未完成原因", "偏差原因分析")) or (len(k) <= 16 and "改进措施" in k):
        return "deviation"
    return None


def is_header(roles: list[str | None]) -> bool:
    present = {r for r in roles if r and r != "skip"}
    if len(present) < 3:
        return False
    return "level3" in present or ("value" in present and bool(present & {"level1", "level2", "actual"}))


# ---------------------------------------------------------------- category labels

@dataclass(frozen=True)
class Label:
    raw: str
    levels: frozenset  # {1}, {2} or {1, 2}
    key: str  # normalized for the taxonomy


class Labels:
    """Recognizes first/second-level category labels, as written in real tables."""

    def __init__(self):
        from jixiao.pipeline.taxonomy import clean_label, load_taxonomy

        self.tax = load_taxonomy()
        self._clean = clean_label
        syn = self.tax.data["synonyms"]
        self.l1 = {clean_label(s) for canon, alts in syn["first_level"].items()
                   if canon in ("产出指标", "效益指标", "满意度指标", "成本指标") for s in list(alts) + [canon]}
        self.l2 = {clean_label(s) for cid, alts in syn["second_level"].items()
                   for s in list(alts or []) + [self.tax.categories[cid].name]}
        self._cache: dict[str, Label | None] = {}

    def normal(self, raw: str) -> str:
        s = self._clean(raw.translate(_T2S)).strip(_MARKS)
        s = s.replace("目标", "指标") if s.endswith(("目标", "目标指标")) else s
        if s.endswith("值") and len(s) >= 3 and not s.endswith(("指标值", "目标值")):
            s = s[:-1] + "指标"  # 2025 Shandong forms write 数量值/产出值 for 数量指标/产出指标
        return s

    def __call__(self, raw: str | None) -> Label | None:
        if not raw or len(raw) > 40:
            return None
        if raw in self._cache:
            return self._cache[raw]
        s = self.normal(raw)
        levels = set()
        if s in self.l1 or s + "指标" in self.l1:
            levels.add(1)
        if s in self.l2 or s + "指标" in self.l2:
            levels.add(2)
        lab = Label(_WS.sub(" ", raw).strip(), frozenset(levels), s) if levels else None
        self._cache[raw] = lab
        return lab

    def level1(self, lab: Label | None) -> str | None:
        return self.tax.canonical_level1(lab.key) if lab else None

    def level2(self, lab: Label | None, l1: Label | None) -> str | None:
        if not lab:
            return None
        return self.tax.canonical_level2(lab.key, l1.key if l1 else None)


@functools.lru_cache(maxsize=1)
def shared_labels() -> Labels:
    """One recognizer per process: it only memoizes pure lookups, so sharing it is safe."""
    return Labels()


# ---------------------------------------------------------------- cell typing

_OP = re.compile(r"^\s*(?:[≥≤<>=＞＜≧≦]|不低于|不少于|不高于|不超过|不大于|不小于|达到|大于|小于|低于|高于|超过|控制在|"
                 r"小于等于|大于等于)")
_NUM = re.compile(r"^[+-]?[\d,，]*\.?\d+$")
_DIGIT_UNIT = re.compile(r"^[≥≤<>=＞＜≧≦约]*\s*[\d.,，]+\s*[%％‰]?\s*[^\d\s]{0,6}$")
_UNITS = {"%", "％", "‰", "个", "人", "次", "元", "万元", "天", "年", "月", "日", "件", "份", "家", "户", "亩", "平方米",
          "米", "公里", "千米", "吨", "辆", "台", "套", "座", "所", "名", "人次", "场", "期", "项", "册", "小时", "分钟",
          "万人", "万", "条", "处", "篇", "本", "头", "只", "批", "公斤", "斤", "立方米", "千瓦", "张", "间", "班"}
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _han(t: str) -> int:
    return len(_HAN.findall(t))


@functools.lru_cache(maxsize=1 << 16)
def value_like(t: str) -> bool:
    t = t.strip()
    if not t:
        return False
    if _OP.match(t) or _NUM.match(t) or _DIGIT_UNIT.match(t):
        return True
    return bool(re.search(r"\d", t)) and _han(t) <= 6


@functools.lru_cache(maxsize=1 << 16)
def compat(role: str | None, t: str) -> float:
    """How well text ``t`` fits a column of ``role`` (higher is better, negative is a misfit)."""
    t = t.strip()
    num = bool(_NUM.match(t))
    vl = value_like(t)
    han = _han(t)
    if role == "level3":
        if num:
            return -3
        if vl:
            return -0.5
        return 2 if han >= 4 else 1
    if role == "description":
        if num:
            return -2
        return 1.2 if han >= 4 else (0.6 if vl else 0.8)
    if role in ("value", "actual", "rate"):
        if vl:
            return 3
        if len(t) <= 12:
            return 1.5
        return 0.8
    if role in ("weight", "score"):
        try:
            return 3 if num and float(t.replace(",", "")) <= 100 else -3
        except ValueError:
            return -3
    if role == "unit":
        return 2.5 if len(t) <= 6 and not re.search(r"\d", t) and (t in _UNITS or "/" in t) else -3
    if role == "nature":
        return 3 if key(t) in ("定性", "定量") else -3
    if role == "code":
        return 2 if re.fullmatch(r"[A-Za-z]*\d+[A-Za-z\d.-]*", t) else -3
    if role in ("basis", "note", "deviation"):
        return 0.8 if han else 0.2
    return 0.1


_EMPTY_PENALTY = {"level3": -4.0, "value": -1.0}
_EMPTY_DEFAULT = -0.3


def align(tokens: list[str], roles: list[str | None]) -> dict[int, str]:
    """Assign tokens, in order, to columns: text columns may take several words, others one or none."""
    k, n = len(tokens), len(roles)
    if not k or not n:
        return {}
    NEG = float("-inf")
    best = [[NEG] * (n + 1) for _ in range(k + 1)]
    back = [[0] * (n + 1) for _ in range(k + 1)]
    best[0][0] = 0.0
    for j in range(1, n + 1):
        role = roles[j - 1]
        multi = role in TEXT_ROLES or j == n
        for i in range(k + 1):
            # column j-1 takes tokens[s:i]
            cand = best[i][j - 1] + _EMPTY_PENALTY.get(role, _EMPTY_DEFAULT) if best[i][j - 1] > NEG else NEG
            arg = i
            lo = 0 if multi else max(0, i - 1)
            for s in range(i - 1, lo - 1, -1):
                if best[s][j - 1] == NEG:
                    continue
                span = tokens[s:i]
                sc = best[s][j - 1] + compat(role, " ".join(span)) - 1.0 * (len(span) - 1)
                if sc > cand:
                    cand, arg = sc, s
            best[i][j] = cand
            back[i][j] = arg
    out: dict[int, str] = {}
    i = k
    for j in range(n, 0, -1):
        s = back[i][j]
        if s < i:
            out[j - 1] = " ".join(tokens[s:i])
        i = s
    return out


# ---------------------------------------------------------------- text helpers

def join_lines(s: str) -> str:
    """A cell wrapped over lines: glue CJK pieces directly, others with a space."""
    if "\n" not in s:
        return s.strip()
    parts = [p.strip() for p in s.split("\n") if p.strip()]
    out = parts[0] if parts else ""
    for p in parts[1:]:
        glue = "" if (_HAN.match(out[-1:]) or _HAN.match(p[:1]) or out[-1:] in "，,、（(“") else " "
        out += glue + p
    return out


def clean_name(s: str) -> str:
    s = join_lines(s).strip()
    s = _PREFIX_N.sub("", s)
    return s.lstrip(_MARKS).strip()


def tokens_of(line: str) -> list[str]:
    """Split a row written on one line: tabs if any, else runs of whitespace."""
    if "\t" in line:
        return [c.strip() for c in line.split("\t") if c.strip()]
    return [t for t in _WS.split(line.replace("\u3000", " ")) if t]


def merge_fragments(tokens: list[str], labels: Labels) -> list[str]:
    """Rejoin words split by spaces: 产 出 指 标 → 产出指标, 效果指 标 → 效果指标, 一级 指标 → 一级指标."""
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        t = tokens[i]
        # a run of single characters
        if len(t) == 1 and _HAN.match(t):
            j = i
            while j < n and len(tokens[j]) == 1 and _HAN.match(tokens[j]):
                j += 1
            if j - i >= 2:
                run = "".join(tokens[i:j])
                if j < n and _SCORE.fullmatch(tokens[j]):
                    run += tokens[j]
                    j += 1
                out.append(run)
                i = j
                continue
        merged = False
        for width in (3, 2):
            if i + width <= n:
                cand = "".join(tokens[i:i + width])
                alone = header_role(t) or labels(t)
                fragment = all(len(x) <= 2 or key(x) == "指标" for x in tokens[i + 1:i + width])
                if len(cand) <= 14 and (key(cand) in _HEADER or labels(cand)) and (fragment or not alone):
                    out.append(cand)
                    i += width
                    merged = True
                    break
        if merged:
            continue
        out.append(t)
        i += 1
    return out


# ---------------------------------------------------------------- the table reader

@dataclass
class _Row:
    l1: Label | None
    l2: Label | None
    cells: dict[str, str] = field(default_factory=dict)


_POINTS = re.compile(r"^[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")


def _join_points(tokens: list[str]) -> list[str]:
    """``产出指标`` ``(50分)`` → ``产出指标 (50分)``: a label's points written as a word of their own."""
    out: list[str] = []
    for t in tokens:
        if out and _POINTS.match(t):
            out[-1] += " " + t
        else:
            out.append(t)
    return out


def _balance(tokens: list[str]) -> list[str]:
    """Rejoin words split inside brackets: ``数量(`` ``≥**个`` ``)`` → ``数量( ≥**个 )``."""
    out: list[str] = []
    depth = 0
    for t in tokens:
        if depth > 0 and out:
            out[-1] += " " + t
        else:
            out.append(t)
        depth += t.count("(") + t.count("（") - t.count(")") - t.count("）")
        depth = max(depth, 0)
    return tokens if depth else out  # a bracket never closed (a truncated cell): keep the words


class TableReader:
    """Reads indicator rows after a header, in one of the modes described in the module docstring."""

    def __init__(self, roles: list[str | None], labels: Labels, mode: str):
        self.labels = labels
        self.mode = mode
        self.raw_roles = roles
        self.roles = self._data_roles(roles)
        # 中期 | 年度 blocks side by side: the second block's labels trail each row
        after = roles[roles.index("level3") + 1:] if "level3" in roles else []
        self.two_blocks = any(r in ("level1", "level2", "level3") for r in after)
        self.has_label_cols = any(r in ("level1", "level2") for r in roles)
        self.rows: list[_Row] = []
        self.l1: Label | None = None
        self.l2: Label | None = None
        self.pending: list[str] = []  # cells mode: the row being filled
        self.prev_was_label = False
        self.lead: list[_Row] = []  # rows seen before any category (column-scrambled text)
        self.first_group: list[Label] | None = None
        self.glued: list[str] = []  # glued mode: the text, parsed at close()
        self.unparsed: set[str] = set()  # glued names no cutting explained (flagged)

    @staticmethod
    def _data_roles(roles: list[str | None]) -> list[str | None]:
        out: list[str | None] = []
        seen = set()
        started = False
        for r in roles:
            if r in ("level1", "level2", "skip", "label"):
                if started and r != "skip":
                    break  # a second block of columns (中期 | 年度 side by side): read the first only
                continue
            if r is not None and r in seen:
                break
            if r == "level3":
                started = True
            if r is not None:
                seen.add(r)
            out.append(r)
        while out and out[0] is None:
            out.pop(0)
        return out or ["level3"]

    # -- labels
    def _label(self, lab: Label, position: int | None = None) -> None:
        """Apply one category label; the first labels after column-scrambled names also go to those names."""
        if self.lead and self.first_group is None:
            self.first_group = []
        if self.first_group is not None and self.lead and not self._lead_done:
            self.first_group.append(lab)
        lvl = self._level_of(lab, position)
        if lvl == 1:
            self.l1, self.l2 = lab, None
        else:
            self.l2 = lab
        self.prev_was_label = True

    _lead_done = False

    def _level_of(self, lab: Label, position: int | None) -> int:
        if position is not None and position < len(self.raw_roles) \
                and self.raw_roles[position] in ("level1", "level2"):
            return 1 if self.raw_roles[position] == "level1" else 2
        if lab.levels == {1}:
            return 1
        if lab.levels == {2} or not lab.levels:
            return 2
        if self.prev_was_label and self.l1 is not None and self.l2 is None:
            return 2
        cur = self.labels.level1(self.l1)
        canon1 = self.labels.level1(lab)
        if canon1 == "成本指标":
            return 2 if cur == "产出指标" else 1
        if canon1 == "满意度指标":
            return 2 if cur == "满意度指标" and self.l2 is None else 1
        return 1

    def _is_name_not_label(self, lab: Label) -> bool:
        """A label word right after a second-level label is the indicator's name (满意度 under 服务对象满意度指标)."""
        if not (self.prev_was_label and self.l2 is not None):
            return False
        if lab.key.endswith("指标"):
            return False  # a full category name is a label even where scrambled text lists several
        if 1 not in lab.levels:
            return True  # two short second-level labels in a row: the second is a name (群众满意度)
        fam_new = self.labels.level1(lab)
        cid = self.labels.tax.id_for_name(self.l2.key, self.l1.key if self.l1 else None)
        fam_cur = self.labels.tax.level1_of(cid) if cid else None
        return fam_new is not None and fam_new == fam_cur

    # -- rows
    def _emit(self, cells: dict[str, str]) -> None:
        cells = {r: v for r, v in cells.items() if r and v and v.strip()}
        name = clean_name(cells.get("level3", ""))
        if not name or name in ("……", "…", "-", "/") or _NUM.match(name) or header_role(name):
            return
        cells["level3"] = name
        if self.first_group is not None and not self._lead_done:
            self._settle_lead()
        row = _Row(self.l1, self.l2, cells)
        if self.l1 is None and self.l2 is None:
            self.lead.append(row)
        self.rows.append(row)
        self.prev_was_label = False

    def _settle_lead(self) -> None:
        """Names listed before any category get the first group of labels that follows them."""
        group = self.first_group or []
        l1 = next((g for g in group if 1 in g.levels and 2 not in g.levels), None) or \
            next((g for g in group if 1 in g.levels), None)
        l2 = next((g for g in group if g.levels == {2}), None)
        for r in self.lead:
            r.l1, r.l2 = l1, l2
        self._lead_done = True

    def _merge_into_last(self, tokens: list[str]) -> bool:
        """A row split over two blocks: value-like leftovers fill the previous row's empty columns."""
        if not self.rows or not tokens or not all(value_like(t) or key(t) in ("定性", "定量") for t in tokens):
            return False
        last = self.rows[-1]
        filled = [i for i, r in enumerate(self.roles) if r in last.cells]
        start = (max(filled) + 1) if filled else 0
        free = self.roles[start:]
        if len(free) < len(tokens):
            return False
        got = align(tokens, free)
        if not got or any(compat(free[i], v) < 0 for i, v in got.items()):
            return False
        for i, v in got.items():
            if free[i]:
                last.cells[free[i]] = v
        return True

    def feed_row(self, cells: list[str], split: bool = False) -> None:
        """A row with reliable boundaries: a table row, or one line of words (``split``)."""
        cells = [join_lines(c) for c in cells]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            return
        roles = self.raw_roles
        if not split and len(cells) <= len(roles) and self._positional(cells):
            labs, data = [], {}
            for i, c in enumerate(cells):
                if not c:
                    continue
                if roles[i] in ("level1", "level2"):
                    labs.append((self.labels(c) or Label(_WS.sub(" ", c).strip(), frozenset(), key(c)), i))
                elif roles[i] in DATA_ROLES:
                    data[roles[i]] = c
            for lab, i in labs:
                self._label(lab, i)
            self._emit(data)
            return
        toks = [c for c in cells if c]
        if split:
            toks = _join_points(_balance(toks))
        code = None
        if "code" in roles and len(toks) > 1 and compat("code", toks[0]) > 0 and not self.labels(toks[0]):
            code = toks.pop(0)
        labs: list[Label] = []
        while toks and len(labs) < 2:
            lab = self.labels(toks[0])
            if lab is None or (labs and not (1 in labs[0].levels and 2 in lab.levels)):
                break
            if not labs and self._is_name_not_label(lab):
                break
            labs.append(lab)
            toks.pop(0)
        while toks and labs and key(toks[0]) == "指标":
            toks.pop(0)
        while self.two_blocks and len(toks) > 1 and self.labels(toks[-1]):
            toks.pop()  # repeated labels of a second column block
        data_roles = [r for r in self.roles if r != "code"] if code else self.roles
        if not labs and not split and self.has_label_cols and len(toks) > len(data_roles):
            # categories outside the known frameworks (产出绩效 / 城市地下管网更新改造): cells before the name
            extra = min(2, len(toks) - len(data_roles))
            for t in toks[:extra]:
                self._label(Label(t, frozenset(), key(t)), None if extra == 1 else
                            roles.index("level1") if "level1" in roles and t is toks[0] else None)
            toks = toks[extra:]
        if len(labs) == 2:
            self._label(labs[0], None)
            self.l1, self.l2 = labs[0], labs[1]
        elif labs:
            pos = cells.index(labs[0].raw) if labs[0].raw in cells and len(cells) == len(roles) else None
            self._label(labs[0], pos)
        if not toks:
            return
        if not labs and self._merge_into_last(toks):
            return
        got = align(toks, data_roles)
        data = {data_roles[i]: v for i, v in got.items() if data_roles[i]}
        if code:
            data.setdefault("code", code)
        self._emit(data)

    def _positional(self, cells: list[str]) -> bool:
        """Cells line up with the header: labels only under 一级/二级, data only under data columns."""
        roles = self.raw_roles
        full = len(cells) == len(roles)
        saw_name = False
        for i, c in enumerate(cells):
            if not c:
                continue
            r = roles[i]
            is_lab = self.labels(c) is not None
            if r in ("level1", "level2"):
                if not is_lab and not (full and len(c) <= 20 and any(cells[j] for j, x in enumerate(roles)
                                                                   if x == "level3" and j < len(cells))):
                    return False
            elif r == "skip" or (is_lab and r != "level3"):
                return False
            elif r == "level3":
                if is_lab and not any(cells[i + 1:]):
                    return False
                saw_name = True
            elif r in DATA_ROLES and compat(r, c) < 0:
                return False
        return saw_name or all(not c or roles[i] in ("level1", "level2") for i, c in enumerate(cells))

    # -- cell streams
    def feed_cell(self, cell: str) -> None:
        """One cell of a table written one cell per line (empty cells written out)."""
        cell = join_lines(cell)
        lab = self.labels(cell) if cell else None
        if lab and self.pending and len(self.pending) < len(self.roles) and \
                self.roles[len(self.pending)] in ("basis", "note", "deviation", "description"):
            lab = None  # a text column of a row being filled may read like a label (依据: 生态效益)
        if lab and not self._is_name_not_label(lab):
            self._flush()
            self._label(lab)
            return
        if self.prev_was_label and key(cell) == "指标":
            return  # the second line of a wrapped label (经济效益 / 指标)
        self.prev_was_label = False
        if not self.pending:
            if not cell:
                return
            if _NUM.match(cell) and self.rows and self._merge_into_last([cell]):
                return
        self.pending.append(cell)
        if len(self.pending) >= len(self.roles):
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self._emit({self.roles[i]: c for i, c in enumerate(self.pending) if i < len(self.roles)})
            self.pending = []

    # -- flattened token runs
    def feed_tokens(self, tokens: list[str]) -> None:
        core = [r for r in self.roles if r not in OPTIONAL_IN_TOKENS]
        if "level3" not in core:
            core.insert(0, "level3")
        row: dict[str, str] | None = None
        pos = 0
        for t in _balance(merge_fragments(tokens, self.labels)):
            lab = self.labels(t)
            if lab and not self._is_name_not_label(lab):
                if row:
                    self._emit(row)
                row = None
                self._label(lab)
                continue
            if self.prev_was_label and key(t) == "指标":
                continue
            if header_role(t):
                if row:
                    self._emit(row)
                    row = None
                continue
            self.prev_was_label = False
            placed = False
            if row is not None:
                for q in range(pos, len(core)):
                    sc = compat(core[q], t)
                    if core[q] != "level3" and sc >= 1:
                        row[core[q]] = t
                        pos = q + 1
                        placed = True
                        break
                    if core[q] not in ("weight", "score", "unit", "nature", "actual"):
                        break
            if not placed:
                if row:
                    self._emit(row)
                row = {"level3": t}
                pos = core.index("level3") + 1
        if row:
            self._emit(row)

    # -- a table glued into one run of characters (no separators at all)
    def feed_glued(self, text: str) -> None:
        self.glued.append(text)

    def _parse_glued(self) -> None:
        from jixiao.corpus import glued

        text = "".join(self.glued)
        simp = text.translate(_T2S)
        cols = tuple(r for r in self.roles if r in _GLUED_VALUE) or None
        marks = [(m.start(), m.end(), m.group(0)) for m in _glued_labels(self.labels).finditer(simp)]
        spans, pos = [], 0
        for start, end, _ in marks + [(len(simp), len(simp), None)]:
            spans.append((pos, start))
            pos = end
        view = glued.digit_view(simp)
        cols, cut = glued.read_segments([view[a:b] for a, b in spans], cols)
        for k, ((a, b), rows) in enumerate(zip(spans, cut)):
            if k:
                lab = self.labels(marks[k - 1][2])
                if lab:
                    self._label(lab)
            if k == len(spans) - 1:
                while rows and rows[-1].unparsed:
                    rows = rows[:-1]  # the text after the table (说明, 注) ends the last group
            junk = sum(len(r.name) for r in rows if r.unparsed)
            if k and rows and rows[0].unparsed and junk > 0.5 * (b - a) and b - a > 20:
                break  # prose after the table: nothing reads as rows any more
            q = a
            ended = False
            for row in rows:
                if row.unparsed and re.search(r"[(（][一二三四五六七八九十]+[)）]|[:：]|[，,]{2}", row.name):
                    ended = True  # a heading or a sentence: the prose after the table
                    break
                name = text[q:q + len(row.name)]
                q += len(row.name)
                cells = {"level3": name}
                for c in cols:
                    if c in row.cells:
                        cells[c] = text[q:q + len(row.cells[c])]
                        q += len(row.cells[c])
                if row.unparsed:
                    if _han(name) < 2 or len(name) > 40:
                        continue
                    self.unparsed.add(name)
                elif re.search(r"[，,。；;]", name) or _stray_number(name):
                    self.unparsed.add(name)  # a sentence, or a row's number left inside: the cut is a guess
                self._emit(cells)
            if ended:
                break

    def close(self) -> None:
        if self.glued:
            self._parse_glued()
        self._flush()
        if self.lead and not self._lead_done and self.first_group:
            self._settle_lead()

    def indicators(self) -> list[Indicator]:
        out = []
        for r in self.rows:
            c = r.cells
            out.append(Indicator(
                level1=self.labels.level1(r.l1), level2=self.labels.level2(r.l2, r.l1),
                level1_raw=r.l1.raw if r.l1 else None, level2_raw=r.l2.raw if r.l2 else None,
                level3=c["level3"], description=c.get("description"), value=c.get("value"),
                actual=c.get("actual"), basis=c.get("basis"), weight=c.get("weight"), score=c.get("score"),
                deviation=c.get("deviation"), unit=c.get("unit"),
                flags=["unparsed"] if c["level3"] in self.unparsed else []))
        return out


_UNIT = r"(?:%|‰|平方米|立方米|公里|公斤|万元|小时|人次|万[\u4e00-\u9fff]|[个次人件份家户亩米吨辆台套座所名场期项册天年月日元起处条篇本头只批种])"
_V = rf"(?:[≥≤<>=＞＜]{{0,2}}\d+(?:\.\d+)?(?:{_UNIT}(?:/[\u4e00-\u9fff])?)?|[高中低是否无])"
_GLUED_MAX_NAME = 80
_GLUED_VALUE = {"weight": r"\d{1,2}?(?:\.\d)?", "value": _V, "actual": _V, "rate": _V, "score": r"\d{1,3}?(?:\.\d)?"}


def _stray_number(name: str) -> bool:
    """A number between Chinese words with no unit after it (…车辆数10雾炮车…): two glued rows in one name."""
    from jixiao.corpus.glued import _UNIT_RE

    for m in re.finditer(r"(?<=[\u4e00-\u9fff])\d+(?:\.\d+)?(?=[\u4e00-\u9fff])", name):
        if not _UNIT_RE.match(name, m.end()) and name[m.end()] not in "年月日号期批届":
            return True
    return False


@functools.lru_cache(maxsize=4)
def _glued_labels(labels: Labels) -> re.Pattern:
    """Full category names (…指标/…目标) and the repeated 绩效指标 header, for cutting glued text."""
    names = {"绩效指标"}
    for s in labels.l1 | labels.l2:
        if s.endswith("指标"):
            names.update({s, s[:-2] + "目标"})
        elif s.startswith("项目") and len(s) >= 4:
            names.add(s)  # older first-level words (项目产出, 项目效果) are never part of a name
    points = r"[（(]\d+(?:\.\d+)?分[)）]"
    short = sorted((s for s in labels.l1 if not s.endswith("指标") and len(s) >= 2), key=len, reverse=True)
    return re.compile("|".join([f"(?:{'|'.join(re.escape(n) for n in short)}){points}"] +
                               [re.escape(n) + f"(?:{points})?" for n in sorted(names, key=len, reverse=True)]))


_GLUED_HEADER = re.compile("|".join(re.escape(k) for k in sorted(_HEADER, key=len, reverse=True) if len(k) >= 2))


def glued_header(text: str) -> tuple[list[str], int, int] | None:
    """A header written without separators (一级指标二级指标三级指标年度指标值…): roles, start, end offsets."""
    best = None
    run: list[re.Match] = []
    for m in list(_GLUED_HEADER.finditer(text)) + [None]:
        if m is not None and run and m.start() == run[-1].end():
            run.append(m)
            continue
        if len(run) >= 3:
            roles = [_HEADER[x.group(0)] for x in run]
            if is_header(roles) and (best is None or len(roles) > len(best[0])):
                best = (roles, run[0].start(), run[-1].end())
        run = [m] if m is not None else []
    return best


# ---------------------------------------------------------------- project fields

_KEYS = {
    "code": "项目编码 项目代码 项目编号",
    "name": "项目名称 专项名称 项目支出名称 专项资金名称 资金名称 项目(资金)名称",
    "total": "预算数 年度资金总额 资金总额 项目预算金额(万元) 项目预算金额 年度本级预算金额 全年预算数 全年预算数(A) "
             "预算金额 项目资金总额 年度预算数 资金额度 预算安排 年度预算",
    "fiscal": "财政资金 财政拨款 本年财政拨款 当年财政拨款 一、预算资金 预算资金 中央补助 财政拨款资金",
    "other": "其他资金 二、自有资金 自有资金 其他",
    "purpose": "项目概况 项目总体情况 项目实施内容 项目内容 资金用途 主要用途",
}
_KEY_ROLE = {key(n): r for r, names in _KEYS.items() for n in names.split()}
_TITLE = re.compile(r"(绩效信息表|绩效表|绩效目标表|绩效目标申报表|目标申报表|申报表|自评表|绩效目标自评表|目标表)$")
_STOP = re.compile(r"^(注[:：]|注\d|说明[:：]|其他需说明|财政部门|主管部门意见|审核意见|填表人|填报人|单位负责人|附件[:：]?$|"
                   r".{0,12}意见\s*[（(]?盖章|相关解读|扫一扫)")
_GOAL_LABELS = {"绩效目标", "年度绩效目标", "本年度绩效目标", "实施期绩效目标", "年度目标", "总体目标", "年度总体目标",
                "项目绩效目标", "中长期绩效目标", "长期目标", "年度总体绩效目标", "项目年度绩效目标"}
_GOAL_LABEL = re.compile(r"(?:中期|长期|中长期|年度|实施期|本年度|项目|整体|项目年度)?(?:总体)?(?:绩效)?目标(?:\(.*\))?")
_GOAL_LABEL_LIKE = re.compile(r"(目标|完成情况|实际完成|预期|综述)(\(.*\))?$")


def _is_goal_label(k: str) -> bool:
    return k in _GOAL_LABELS or bool(_GOAL_LABEL.fullmatch(k))


def _is_goal_text(cell: str) -> bool:
    """A goal's text rather than one more label of the goal block."""
    k = key(cell)
    return len(k) >= 2 and not _is_goal_label(k) and not _GOAL_LABEL_LIKE.search(k)


_FOOTERS = {"总分", "合计", "总计", "得分合计", "总得分", "评分合计"}
_HEADING = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")
_GOAL_N = re.compile(r"^目标\s*\d+\s*[:：]?\s*(.*)$")
_NUMBER = re.compile(r"^\s*([\d,，]+(?:\.\d+)?)\s*(万元|万|元)?")


def _number(text: str) -> tuple[float, str | None] | None:
    m = _NUMBER.match(text or "")
    if not m:
        return None
    try:
        return float(m.group(1).replace(",", "").replace("，", "")), m.group(2)
    except ValueError:
        return None


def _key_role(cell: str) -> str | None:
    k = key(cell)
    k = re.sub(r"^其中[:：]?", "", k).rstrip(":")
    # 预算金额（万元） is 预算金额 with its unit (a 元 unit is noticed by the builder's yuan flag)
    return _KEY_ROLE.get(k) or _KEY_ROLE.get(re.sub(r"\((?:万元|元)\)$", "", k))


def is_title(cell: str) -> bool:
    s = key(cell)
    s = re.sub(r"\([^()]*\)$", "", s)
    return 4 <= len(s) <= 60 and bool(_TITLE.search(s)) and header_role(cell) is None


@dataclass
class _ProjectState:
    project: Project
    pending_key: str | None = None
    schedule_periods: list[str] = field(default_factory=list)
    expect_purpose: bool = False
    goal_next: bool = False
    yuan: bool = False  # amounts written in 元, converted to 万元
    budget_col: int | None = None  # self-evaluations: the 全年预算数 column of the 项目资金 block
    goal_col: int | None = None  # set after a 预期目标 header: the next row holds the goal


# ---------------------------------------------------------------- the builder

class _Builder:
    def __init__(self, raw: RawDocument):
        self.raw = raw
        self.labels = shared_labels()
        src = Source(path=raw.path, sha256=raw.sha256, format=raw.format)
        self.doc = Document(source=src)
        for code, message, where in raw.warnings:  # what the reader could not read
            self.doc.warn(code, message, where)
        self.proj: _ProjectState | None = None
        self.projects: list[_ProjectState] = []
        self.reader: TableReader | None = None
        self.reader_project: _ProjectState | None = None
        self.heading: str | None = None
        self.section: Section | None = None
        self.awaiting_goal_for: str | None = None
        self.prose = None  # a ProseReader while a prose indicator list goes on

    # -- items: ("row", cells) ("cell", text) ("break", None) ("para", text)
    def items(self):
        for b in self.raw.blocks:
            if isinstance(b, Paragraph):
                yield ("para", b.text)
            elif isinstance(b, Table):
                if b.name == "cells":
                    for r in b.rows:
                        yield ("cell", r[0]) if r else ("break", None)
                else:
                    for r in b.rows:
                        yield ("row", list(r))
                    yield ("break", None)

    def build(self) -> Document:
        items = list(self.items())
        i, n = 0, len(items)
        while i < n:
            kind, val = items[i]
            if self.reader is not None:
                if self._feed_reader(kind, val):
                    i += 1
                    continue
                self._close_reader()
            step = self._try_header(items, i)
            if step:
                i += step
                continue
            self._other(kind, val)
            i += 1
        self._close_reader()
        self._finish()
        return self.doc

    # -- header detection
    def _try_header(self, items, i) -> int:
        kind, val = items[i]
        if kind == "row":
            merged = _split_header(items, i)
            if merged:
                val, used, prefix = merged
                if prefix:
                    self._fields(prefix, row=True)
                self._open_reader([header_role(c) for c in val], "row")
                return used
            roles = [header_role(c) for c in val]
            if not roles[0] and val[0] and key(val[0]).endswith("一级指标"):
                roles[0] = "level1"  # junk glued before the first header cell
            if is_header(roles):
                first = next(k for k, r in enumerate(roles) if r)
                if first and any(_key_role(c) for c in val[:first]):
                    self._fields(val[:first], row=True)  # 项目名称 | X | glued to the header by a wrapped row
                    roles = roles[first:]
                self._open_reader(roles, "row")
                return 1
            return 0
        if kind in ("cell", "para") and val:
            if kind == "para":
                toks = merge_fragments(tokens_of(val), self.labels)
                # column-scrambled text interleaves category labels with the header words
                roles = [header_role(t) or ("label" if self.labels(t) else None) for t in toks]
                if len(toks) > 1:
                    start, end = _header_run(roles)
                    if start is not None and is_header(roles[start:end]):
                        if start:
                            self._other("tokens", toks[:start])
                        self._open_reader(roles[start:end], "row")
                        rest = toks[end:]
                        if rest:
                            self.reader.mode = "tokens"
                            self.reader.feed_tokens(rest)
                            self._close_reader()
                        return 1
            if kind == "para" and (len(val) >= 30 or (len(val) >= 12 and " " not in val.strip())):
                flat = _WS.sub("", val)
                found = glued_header(flat.translate(_T2S))
                if found:
                    roles, _, end = found
                    self._open_reader(roles, "glued")
                    self.reader.feed_glued(flat[end:])
                    return 1
                # no header left: three or more category labels run together with the rows
                marks = list(_glued_labels(self.labels).finditer(flat.translate(_T2S)))
                if len(marks) >= 3 and re.search(r"\d", flat[marks[0].start():]) and self.prose is None \
                        and not _prose_list(val, self.labels):
                    if marks[0].start():
                        self._other("tokens", [flat[:marks[0].start()]])
                    self._open_reader(["level1", "level2", "level3"], "glued")
                    self.reader.feed_glued(flat[marks[0].start():])
                    return 1
                # one row per line, its cells glued: 产出指标数量指标种植数量≥17600株 / 成活率≥95%
                if marks and marks[0].start() == 0 and re.search(r"\d", flat) and self.prose is None \
                        and not _prose_list(val, self.labels):
                    j, text = i, ""
                    while j < len(items) and items[j][0] == "para" and items[j][1] and \
                            " " not in items[j][1].strip() and not _STOP.match(items[j][1]):
                        text += items[j][1].strip()
                        j += 1
                    if len(_glued_labels(self.labels).findall(text.translate(_T2S))) >= 3 and j - i >= 2:
                        self._open_reader(["level1", "level2", "level3"], "glued")
                        self.reader.feed_glued(text)
                        return j - i
            if header_role(val) and header_role(val) != "skip" or key(val) in ("绩效指标",):
                roles, j = [], i
                while j < len(items) and items[j][0] == kind and (header_role(items[j][1] or "") or
                                                                 (kind == "cell" and not items[j][1])):
                    roles.append(header_role(items[j][1] or ""))
                    j += 1
                if is_header(roles):
                    # numbers right after the header are score columns (自评表: 分值 written as "50")
                    while j < len(items) and items[j][0] == kind and _NUM.match(items[j][1] or ""):
                        roles.append("weight" if "weight" not in roles else "score")
                        j += 1
                    self._open_reader([r for r in roles if r is not None or kind != "cell"], "cells")
                    return j - i
        return 0

    def _open_reader(self, roles, mode):
        self.reader = TableReader(roles, self.labels, mode)
        if self.proj is None:
            self._new_project(None)
        self.reader_project = self.proj
        self.proj.pending_key = None

    def _feed_reader(self, kind, val) -> bool:
        r = self.reader
        if kind == "break":
            return r.mode == "cells"
        text = val if isinstance(val, str) else " ".join(c for c in val if c)
        first = (val[0] if kind == "row" and val else text) or ""
        if _STOP.match(first.strip()) or (first and is_title(first)) or (first and _key_role(first) in ("code", "name")):
            return False
        if key(first) in ("序号", "编号") and "code" not in r.raw_roles:
            return False  # the header of another table
        lead = next((c for c in val if c), "") if kind == "row" else first
        if key(lead) in ("绩效目标", "年度目标", "总体目标", "年度总体目标") or _GOAL_N.match(key(lead)):
            return False  # 绩效目标 / 目标1 rows after the indicator block belong to the project
        if key(lead) in _FOOTERS:
            return False  # 总分 / 合计: the table's footer, not an indicator
        if kind == "row":
            if r.mode == "cells":
                return False
            roles = [header_role(c) for c in val]
            if is_header(roles):
                return False
            r.feed_row(val)
            return True
        if r.mode == "glued":
            if kind != "para" or not text:
                return False
            r.feed_glued(_WS.sub("", re.sub(r"^\s*\d+、", "", text)))  # "2、" starts each preview chunk
            return True
        if r.mode == "cells":
            if kind == "para" and len(text) > 150 and not r.labels(text):
                return False
            r.feed_cell(text)
            return True
        if kind == "para" and r.mode == "row":
            if len(text) > 200:
                return False
            toks = tokens_of(text)
            if len(toks) > 1 and any(header_role(t) for t in toks) and \
                    is_header([header_role(t) for t in merge_fragments(toks, self.labels)]):
                return False
            r.feed_row(toks, split=True)
            return True
        return False

    def _close_reader(self):
        if self.reader is None:
            return
        self.reader.close()
        inds = self.reader.indicators()
        has_value_col = "value" in self.reader.roles
        for ind in inds:
            if has_value_col and not ind.value:
                self.doc.warn("W-NO-VALUE", f"row without 指标值: {ind.level3}", where=ind.level3)
            if self.reader.mode == "glued":
                ind.flags.append("glued")
            confidence.assess(ind, labels=self.labels, value_column=has_value_col, header_role=header_role)
        self.reader_project.project.indicators.extend(inds)
        self.reader = None

    # -- everything that is not an indicator table
    def _new_project(self, title: str | None) -> _ProjectState:
        st = _ProjectState(Project(title=title))
        self.projects.append(st)
        self.proj = st
        return st

    def _project_busy(self) -> bool:
        p = self.proj.project if self.proj else None
        return bool(p and (p.indicators or p.code or p.name))

    def _other(self, kind, val):
        if kind == "break":
            return
        if kind == "para":
            if self._prose(val):
                return
            if self._narrative(val):
                return
            cells = _split_colons(tokens_of(val)) if len(val) <= 300 else [val]
            self._fields(cells, row=False)
            return
        if kind == "tokens":
            self._fields(_split_colons(val), row=False)
            return
        if kind == "cell":
            self._fields([val], row=False)
            return
        self._fields(val, row=True)

    def _fields(self, cells: list[str], row: bool):
        cells = [join_lines(c) for c in cells]
        nonempty = [c for c in cells if c]
        if not nonempty:
            return
        if len(nonempty) == 1 and is_title(nonempty[0]) and len(nonempty[0]) <= 60:
            if self.proj is None or self._project_busy():
                self._new_project(nonempty[0])
            elif not self.proj.project.title:
                self.proj.project.title = nonempty[0]
            return
        if self.proj is None:
            role0 = _key_role(nonempty[0])
            if not any(_key_role(c) in ("code", "name") for c in nonempty) and role0 is None:
                return
            self._new_project(None)
        st = self.proj
        p = st.project
        # schedule: 资金支出计划（%） 3月底 6月底 … then a row of percentages
        if st.schedule_periods and row:
            nums = [_number(c) for c in nonempty]
            if nums and all(nums):
                p.schedule = [ScheduleItem(per, v[0]) for per, v in zip(st.schedule_periods, nums)]
                st.schedule_periods = []
                return
            st.schedule_periods = []
        if key(nonempty[0]).startswith(("资金支出计划", "支出计划", "资金使用计划")):
            st.schedule_periods = [c for c in nonempty[1:]]
            return
        if st.expect_purpose and row:
            st.expect_purpose = False
            if len(nonempty) == 1 and not _NUM.match(nonempty[0]):
                p.purpose = nonempty[0]
                return
        if row and any("资金用途" in key(c) for c in nonempty):
            st.expect_purpose = True
        if row and st.goal_col is not None:  # the row under 预期目标 | 实际完成情况
            st.goal_col = None
            # the goal comes before the actual result; a merged label cell may be missing, so take the
            # first cell that is not the label rather than the header's column
            text = next((c for c in nonempty if key(c) not in ("年度总体目标", "总体目标", "年度绩效目标")), "")
            if text and not _key_role(text):
                for goal in re.split(r"\s*(?=目标\s*\d+\s*[:：])", text):
                    m = _GOAL_N.match(goal.strip())
                    goal = (m.group(1) if m else goal).strip()
                    if goal and goal not in p.goals:
                        p.goals.append(goal)
                return
        if row:
            keys = [key(c) for c in cells]
            if "全年预算数" in keys or any(k.startswith("全年预算数") for k in keys):
                st.budget_col = next(i for i, k in enumerate(keys) if k.startswith("全年预算数"))
                return
            if "预期目标" in keys:
                st.goal_col = keys.index("预期目标")
                return
        for idx, c in enumerate(cells):
            if not c:
                if row and st.pending_key and idx + 1 < len(cells) and _key_role(cells[idx + 1] or "") is None \
                        and st.pending_key in ("other",):
                    st.pending_key = None
                continue
            if re.search(r"[（(]\s*元\s*[)）]", c) and "万" not in c:
                st.yuan = True
            m = _GOAL_N.match(key(c))
            if m:
                text = _GOAL_N.match(c.strip()).group(1).strip() if _GOAL_N.match(c.strip()) else ""
                if text:
                    if text not in p.goals:
                        p.goals.append(text)
                else:
                    st.goal_next = True
                st.pending_key = None
                continue
            if _is_goal_label(key(c)):  # 年度绩效目标 | text: the next cell is a goal (or 目标1 …)
                st.goal_next = True
                st.pending_key = None
                continue
            role = _key_role(c)
            if role == "code" and self._project_busy() and p.code:
                st = self._new_project(None)
                p = st.project
            elif role == "name" and p.name and (p.indicators or p.code is None):
                st = self._new_project(None)
                p = st.project
            if role:
                st.goal_next = False
                col = st.budget_col
                if row and role in ("total", "fiscal", "other") and col is not None and col > idx:
                    num = _number(cells[col]) if col < len(cells) else None
                    if num and getattr(p.budget, role) is None:  # the 全年预算数 column, not the first number
                        amount, unit = num
                        setattr(p.budget, role, round(amount / 10000, 6) if unit == "元" or (st.yuan and unit is None)
                                else amount)
                    continue
                st.pending_key = role
                continue
            if st.goal_next:
                if not _is_goal_text(c):  # 中期目标(2023年—2025年), 预期目标, …完成情况: more labels
                    continue
                if c not in p.goals:
                    p.goals.append(c)
                st.goal_next = False
                continue
            pk = st.pending_key
            if pk:
                st.pending_key = None
                if pk == "code" and p.code is None and re.fullmatch(r"[0-9A-Za-z\-_]{6,40}", c):
                    p.code = c
                elif pk == "name" and p.name is None:
                    p.name = c
                elif pk == "purpose" and p.purpose is None and len(c) >= 4:
                    p.purpose = c
                elif pk in ("total", "fiscal", "other"):
                    num = _number(c)
                    if num:
                        amount, unit = num
                        if unit == "元" or (st.yuan and unit is None):
                            amount = round(amount / 10000, 6)
                        if getattr(p.budget, pk) is None:
                            setattr(p.budget, pk, amount)
        if row:
            st.pending_key = None if st.pending_key in ("total", "fiscal", "other") else st.pending_key

    # -- indicator lists written as prose (contract §6)
    def _prose(self, text: str) -> bool:
        from jixiao.corpus import prose

        if self.prose is None:
            if not prose.is_prose_list(text, self.labels):
                return False
            self.prose = prose.ProseReader(self.labels)
        rows = self.prose.feed(text)
        if not rows and not prose.find_labels(text, self.labels):
            self.prose = None  # the list has ended
            return False
        if rows and self.proj is None:
            self._new_project(None)
        for r in rows:
            lab1 = self.labels(r.level1) if r.level1 else None
            lab2 = self.labels(r.level2) if r.level2 else None
            ind = Indicator(level1=self.labels.level1(lab1), level2=self.labels.level2(lab2, lab1),
                            level1_raw=r.level1, level2_raw=r.level2, level3=r.name, value=r.value,
                            actual=r.actual, flags=["prose"])
            confidence.assess(ind, labels=self.labels, header_role=header_role)
            self.proj.project.indicators.append(ind)
        return True

    # -- narrative sections (部门整体绩效目标)
    def _narrative(self, text: str) -> bool:
        s = text.strip()
        m = re.match(r"^(绩效目标|绩效指标)\s*[:：]\s*(.*)$", s)
        if m:
            which, body = m.group(1), m.group(2).strip()
            sec = self.section
            if which == "绩效目标":
                if sec is None or sec.goal or sec.indicator_text or sec.heading != self.heading:
                    sec = self._new_section()
                sec.goal = body
            else:
                if sec is None or sec.indicator_text or sec.heading != self.heading:
                    sec = self._new_section()
                sec.indicator_text = body
            self.awaiting_goal_for = None
            return True
        if _HEADING.match(s) and len(s) <= 60:
            self.heading = s
            self.awaiting_goal_for = s if "绩效目标" in s and "分项" not in s else None
            return False
        if self.awaiting_goal_for and len(s) >= 30 and self.proj is None:
            sec = self._new_section()
            sec.goal = s
            self.awaiting_goal_for = None
            return True
        return False

    def _new_section(self) -> Section:
        sec = Section(heading=self.heading)
        self.doc.sections.append(sec)
        self.section = sec
        return sec

    # -- wrap up
    def _finish(self):
        doc = self.doc
        for st in self.projects:
            p = st.project
            if p.indicators or p.code or p.name or p.budget.total is not None:
                doc.projects.append(p)
        raw_text = self.raw.text
        from jixiao.corpus.text import provenance, provenance_end

        body_at = provenance_end(raw_text)
        hints = provenance(raw_text) if body_at else {}
        has_actuals = any(i.actual for _, i in doc.indicators())
        m = meta_mod.infer(raw_text[body_at:], hints, has_actuals=has_actuals)
        doc.year, doc.region, doc.department, doc.title, doc.kind = m.year, m.region, m.department, m.title, m.kind
        if doc.kind == "unknown" and doc.projects and any(p.indicators for p in doc.projects):
            doc.kind = "target"
        confidence.summarize(doc)
        if not doc.projects and not doc.sections:
            doc.warn("W-NO-CONTENT", "no indicator table or 绩效目标/绩效指标 paragraph recognized",
                     where=self.raw.path)
        for p in doc.projects:
            if not p.indicators:
                doc.warn("W-NO-INDICATORS", f"project without an indicator table: {p.name or p.title or p.code}",
                         where=p.name or p.title)


def _prose_list(text: str, labels) -> bool:
    from jixiao.corpus.prose import is_prose_list

    return is_prose_list(text, labels)


def _split_header(items, i) -> tuple[list[str], int, list[str]] | None:
    """A header row written over two or three lines (一级 | 二级 | 年度 / 指标 | 指标 | 指标值): the cells
    joined column by column, or the lines joined end to end; None when row ``i`` starts no such header."""
    first = items[i][1]
    if not any(c for c in first) or not any(_HEADER_PART.match(key(c)) for c in first if c):
        return None
    start = next((k for k, c in enumerate(first) if c and (header_role(c) not in (None, "skip") or (
        len(key(c)) <= 3 and _HEADER_PART.match(key(c))))), None)
    if start is None:
        return None
    while start and not first[start - 1]:
        start -= 1  # an empty cell before the header (a leading pipe) is the header's own column
    prefix, first = first[:start], first[start:]
    alone = sum(1 for c in first if header_role(c))
    rows = [first]
    for j in range(i + 1, min(i + 3, len(items))):
        if items[j][0] != "row":
            break
        nxt = items[j][1]
        if not all(not c or header_role(c) or (len(key(c)) <= 6 and not re.search(r"\d", c)
                                               and shared_labels()(c) is None) for c in nxt):
            break  # a data row
        rows.append(nxt)
        width = max(len(r) for r in rows)
        by_column = ["".join((r[k] if k < len(r) else "") for r in rows) for k in range(width)]
        roles = [header_role(c) for c in by_column]
        if is_header(roles) and sum(1 for r in roles if r) > alone and \
                sum(1 for r in roles if r) >= sum(1 for c in by_column if c) - 1:
            return by_column, len(rows), prefix
        end_to_end = [c for r in rows for c in r if c]
        if is_header([header_role(c) for c in end_to_end]) and all(header_role(c) for c in end_to_end):
            return end_to_end, len(rows), prefix
    return None


_HEADER_PART = re.compile(r"^(一级|二级|三级|指标|年度|实际|全年|目标|完成|分值|得分|偏差|绩效|指标值|完成值|预期|计划)")


def _header_run(roles: list[str | None]) -> tuple[int | None, int]:
    """The run of consecutive header cells (labels may sit among them) with the most header words."""
    best, best_score = (None, 0), 0
    i, n = 0, len(roles)
    while i < n:
        if roles[i] and roles[i] != "label":
            j = i
            while j < n and roles[j]:
                j += 1
            while roles[j - 1] == "label":
                j -= 1
            score = sum(1 for r in roles[i:j] if r != "label")
            if score > best_score:
                best, best_score = (i, j), score
            i = j
        else:
            i += 1
    return best


def _split_colons(tokens: list[str]) -> list[str]:
    """``年度资金总额:10`` → ``年度资金总额:``, ``10`` (key and value glued by a colon)."""
    out = []
    for t in tokens:
        m = re.match(r"^([^:：]{2,20}[:：])(.+)$", t)
        if m and _key_role(m.group(1)):
            out.extend([m.group(1), m.group(2)])
        else:
            out.append(t)
    return out


def build_document(raw: RawDocument) -> Document:
    """Recognize sections, projects and indicator rows in ``raw``; infer year/region/department."""
    return _Builder(raw).build()

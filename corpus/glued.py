"""Cut a table glued into one run of characters (no separators at all) into rows.

    新建农村公路里程5≥35公里35公里5改造危桥数量512座12座5 → (新建农村公路里程 | 5 | ≥35公里 | 35公里 | 5), …

Between two category labels the text is a sequence of rows, each a name followed by one cell per
data column (指标值, 实际完成值, 分值, 得分 in the header's order; when no header survives, the column
set that reads the whole table best). Every cell has a small grammar (a target: operator, number
and a known unit, a date, or a qualitative phrase; a score: one or two digits), so the candidate
cut points are few; a dynamic program picks the cutting with the best score: typed cells, an actual
value equal to the target, a score no higher than its weight, names that start and end like names.
Text no cutting explains is returned as an ``unparsed`` row rather than dropped.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

_UNITS = sorted(set((
    "% ％ ‰ 个百分点 百分点 万元 亿元 千元 元 公里 千米 米 平方米 平方公里 立方米 万立方米 亩 万亩 公顷 株 万株 人 人次 万人 万人次 "
    "次 个 件 份 户 万户 家 所 座 辆 台 套 名 场 期 项 册 本 天 日 年 月 小时 分钟 工作日 吨 万吨 公斤 千克 斤 条 处 篇 头 只 "
    "批 张 间 班 粒 万粒 起 种 部 块 棵 箱 例 床 栋 处次 课时 学时 所次 户次 篇次 期次 人天 车次 盏 台套 宗 单 周岁 岁 周 万 亿 M m km"
).split()), key=len, reverse=True)
_UNIT_RE = re.compile("|".join(re.escape(u) for u in _UNITS))
_OP = re.compile(r"(?:[≥≤><=＞＜≧≦]=?|不低于|不少于|不高于|不超过|不大于|不小于|大于等于|小于等于|大于|小于|低于|高于|"
                 r"超过|控制在|约|达到)")
_DATE = [re.compile(p) for p in (
    r"\d{4}[.\-/]\d{1,2}(?:[.\-/]\d{1,2})?\s*[-~～至—]\s*(?:\d{4}[.\-/])?\d{1,2}(?:[.\-/]\d{1,2})?",
    r"(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?(?:底|末|中旬|上旬|下旬)?(?:前|以前|之前|内|以内)?(?:完成)?",
    r"\d{4}年(?:底|末|年底|年内)?(?:前|以前|之前|内)?(?:完成)?",
)]
_QUAL = sorted(set((
    "明显改善 显著改善 有效改善 持续改善 明显提升 显著提升 有效提升 稳步提升 逐步提高 不断提高 明显提高 有效提高 有效保障 长期稳定 "
    "长期有效 持续有效 效果明显 效果显著 效果良好 影响可持续 经济效益良好 达成预期指标 达到预期 达到预期目标 符合相关规定 严格执行相关制度规定 "
    "按期完成 按时完成 及时完成 全部完成 已完成 未完成 基本完成 正常运行 运行良好 逐步完善 持续完善 进一步完善 有所提高 有所提升 "
    "较高 较好 良好 优良 合格 达标 及时 有效 高 中 低 是 否 无 好 优 高中低 程度较高 及时支出"
).split()), key=len, reverse=True)
_ADV = "有效|基本|明显|显著|持续|逐步|进一步|稳步|大幅|全面|长期|不断|切实|较大|大大|充分|按时|及时|按期|全部|逐年|稳定"
_VERB = ("减轻|提高|提升|巩固|改善|保障|增强|增加|加强|下降|降低|减少|完善|发挥|缓解|推进|达标|完成|发放|到位|落实|"
         "执行|运行|改进|扩大|促进|带动|覆盖")
_QUAL_RE = re.compile(rf"(?:{_ADV})(?:{_VERB})")
_AFTER = re.compile(r"(?:及以上|以上|以下|以内|左右|百分比)")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_DIGIT = re.compile(r"\d")
_BARE_IN = re.compile(r"(?<=[\u4e00-\u9fff])\d+(?:\.\d+)?(?=[\u4e00-\u9fff])")

# column sets tried when the header is lost, in the order real forms use them
SCHEMAS = (("value",), ("value", "actual"), ("value", "actual", "weight", "score"),
           ("weight", "value", "actual", "score"), ("value", "actual", "score"), ("value", "weight"),
           ("value", "actual", "weight"))


MODEL_WEIGHT = 0.5  # how much the cut-point model's log-probabilities count against the grammar's scores
ROW_COST = 0.6  # each row must pay for itself: fewer, fuller rows unless the cells say otherwise


@dataclass
class GluedRow:
    name: str
    cells: dict[str, str]
    unparsed: bool = False


@functools.lru_cache(maxsize=64)
def _qual_at(s: str) -> dict[int, list[int]]:
    """Where each known qualitative phrase occurs in ``s``: start → ends (one pass per phrase)."""
    at: dict[int, list[int]] = {}
    for w in _QUAL:
        k = s.find(w)
        while k >= 0:
            at.setdefault(k, []).append(k + len(w))
            k = s.find(w, k + 1)
    return at


def _repeats_at(s: str) -> set[int]:
    """Positions where a run of 2-30 characters is written twice in a row (a target and its equal actual)."""
    out = set()
    for j in range(len(s)):
        for n in range(2, min(31, (len(s) - j) // 2 + 1)):
            if s[j:j + n] == s[j + n:j + 2 * n]:
                out.add(j)
                break
    return out


# OCR puts letters for digits and signs (30O0亩, 工90%, 》95%, 98$); cells are matched on a view with
# the usual ones put back (same length, so what is returned is the text as written)
_OCR_FIX = re.compile(r"(?<=\d)[Oo](?=[\dO%])|(?<=\d)[Oo]|[Oo](?=\d)|(?<=\d)[lI](?=\d)|[工》](?=\d)|(?<=\d)\$")
_OCR_MAP = {"O": "0", "o": "0", "l": "1", "I": "1", "工": "≥", "》": "≥", "$": "%"}


def digit_view(s: str) -> str:
    return _OCR_FIX.sub(lambda m: _OCR_MAP[m.group(0)], s)


@functools.lru_cache(maxsize=1 << 15)
def _value_ends(s: str, p: int) -> list[tuple[int, float]]:
    """Ends of a target cell starting at ``p``, each with how typical it is."""
    out: list[tuple[int, float]] = []
    q = p
    m = _OP.match(s, p)
    op = bool(m)
    if m:
        q = m.end()
    for rx in _DATE:
        d = rx.match(s, q)
        if d:
            out.append((d.end(), 2.2))
    if q < len(s) and s[q].isdigit():
        k = q
        while k < len(s) and (s[k].isdigit() or (s[k] in ".," and k + 1 < len(s) and s[k + 1].isdigit())):
            k += 1
            if s[k - 1].isdigit():
                digits = s[q:k]
                lead0 = len(digits) > 1 and digits[0] == "0" and digits[1] != "."
                base = (0.3 if op else -0.2) - (3 if lead0 else 0)
                out.append((k, base))  # a bare number
                u = _UNIT_RE.match(s, k)
                while u:
                    end = u.end()
                    if s[k:end] in ("万", "亿", "千", "百"):  # 3万条, 1.2亿元: a count word before the unit
                        u2 = _UNIT_RE.match(s, end)
                        if u2:
                            out.append((u2.end(), base + 2.3 + (0.5 if op else 0)))
                    v = re.match(r"(?:/[\u4e00-\u9fff]{1,3}){1,2}(?:·[\u4e00-\u9fff]{1,2})?", s[end:])
                    if v:  # 元/人·月, 元/亩, 元/平方米: every length, the next name decides
                        for k2 in range(2, v.end() + 1):
                            out.append((end + k2, base + 2.5 + (0.5 if op else 0) - 0.1 * (k2 - 2)))
                    out.append((end, base + 2.2 + (0.5 if op else 0)))
                    # a shorter unit that is a prefix of this one (万 of 万元) is tried too
                    shorter = [x for x in _UNITS if len(x) < end - k and s.startswith(x, k)]
                    u = None
                    for x in shorter:
                        out.append((k + len(x), base + 2.0 + (0.5 if op else 0)))
    if q < len(s) and s[q].isdigit():
        r = re.match(r"\d+(?:\.\d+)?\s*[-—～~至]\s*\d+(?:\.\d+)?", s[q:])
        if r:  # a range: 18—54周岁, 1-6期
            e = q + r.end()
            u = _UNIT_RE.match(s, e)
            out.append((u.end() if u else e, 2.0 if u else 0.8))
    # 95%及以上, ≥100百分比: a suffix after a number or unit
    out += [(e + a.end(), w + 0.3) for e, w in list(out) if (a := _AFTER.match(s[e:]))]
    if not op:
        for e in _qual_at(s).get(p, ()):
            out.append((e, 1.6 if e - p >= 2 else 0.6))
        m = _QUAL_RE.match(s, p)
        if m:
            out.append((m.end(), 1.7))
    return out


def _score_ends(s: str, p: int) -> list[tuple[int, float]]:
    out = []
    m = re.match(r"\d{1,3}(?:\.\d)?", s[p:])
    if not m:
        return out
    text = m.group(0)
    for k in range(1, len(text) + 1):
        t = text[:k]
        if t.endswith("."):
            continue
        try:
            v = float(t)
        except ValueError:
            continue
        if v <= 100 and not (len(t) > 1 and t[0] == "0" and t[1] != "."):
            out.append((p + k, 0.4 if v <= 40 else -0.5))
    return out


def _repeated(s: str, q: int, limit: int) -> list[tuple[int, float]]:
    """A target written twice in a row (the actual equals it): 明显改善明显改善, ≥95%95%."""
    out = []
    m = _OP.match(s, q)
    body = m.end() if m else q
    for start in ((q, body) if body > q else (q,)):
        for n in range(2, 31):
            e = start + n
            if e + (e - q) > limit:
                break
            same = s[start:e] == s[e:e + n] or s[q:e] == s[e:e + (e - q)]
            if same and not (e + n < len(s) and s[e + n].isdigit() and s[e + n - 1].isdigit()):
                out.append((e, 1.2 + 0.05 * n))
    return out


_NUMV = re.compile(r"(\d+(?:\.\d+)?)(.*)$")


@functools.lru_cache(maxsize=1 << 14)
def _agree(value: str, actual: str) -> float:
    """An actual value like its target (same unit, a near number) is the usual case."""
    a, b = _NUMV.search(_strip_op(value)), _NUMV.search(actual)
    if not a or not b:
        return 0.0
    sc = 0.0
    ua, ub = a.group(2), b.group(2)
    if ua != ub:
        sc -= 1.0 if (ua and not ub) or (ub and not ua) else 0.5
    x, y = float(a.group(1)), float(b.group(1))
    if x and y:
        sc += 0.8 if 0.5 <= y / x <= 2 else -0.5
    return sc


def _strip_op(v: str) -> str:
    return _OP.sub("", v, count=1) if _OP.match(v) else v


def _learned_ends(s: str, p: int, limit: int, probs) -> list[tuple[int, float]]:
    """Qualitative targets the cut-point model sees: a value begins at ``p`` and ends where a name starts."""
    pnv, pvn = probs
    if pnv[p] < 0.3 or (p < len(s) and s[p].isdigit()):
        return []
    out = []
    for e in range(p + 2, min(limit, p + 40) + 1):
        if s[e - 1].isdigit():
            break
        end_p = 0.9 if e == limit else pvn[e]
        if end_p >= 0.3:
            out.append((e, 2.0 + math.log(pnv[p]) + math.log(end_p)))
    return out


def _echo_ends(s: str, q: int, limit: int, name: str) -> list[tuple[int, float]]:
    """A short free-text target that restates its name in other words (可持续性服务 | 可持续服务): it
    begins like the name and ends like it (two characters each), or shares three leading characters
    and ends where the text does."""
    out = []
    long_head = s.startswith(name[:3], q)
    for e in range(q + 3, min(limit, q + len(name) + 6) + 1):
        if not _HAN.match(s[e - 1]):  # no digits, signs or punctuation: a phrase, not a sentence
            break
        if s[e - 2:e] == name[-2:]:
            out.append((e, 1.6))
        elif e == limit and long_head:
            out.append((e, 1.0))
    return out


def _cells(s: str, p: int, cols: tuple[str, ...], limit: int, probs=None, name: str = ""):
    """Every way to read ``cols`` from ``p``: (end, score, cells). ``name``: the row's name, which a
    free-text target often repeats word for word (保障机关正常运转 | 保障机关正常运转)."""
    results = [(p, 0.0, {})]
    for col in cols:
        nxt = []
        for q, sc, cells in results:
            if q >= limit:
                continue
            if col in ("weight", "score"):
                ends = _score_ends(s, q)
            else:
                ends = _value_ends(s, q)
                if probs is not None and col in ("value", "actual"):
                    ends = ends + _learned_ends(s, q, limit, probs)
                if col == "value" and "actual" in cols:
                    ends = ends + _repeated(s, q, limit)
                if col == "value" and len(name) >= 2 and s.startswith(name, q):
                    ends = ends + [(q + len(name), 2.4)]
                elif col == "value" and len(name) >= 4 and s.startswith(name[:2], q):
                    ends = ends + _echo_ends(s, q, limit, name)
                if col == "actual" and "value" in cells:
                    for target in {_strip_op(cells["value"]), cells["value"]}:
                        if target and s.startswith(target, q):
                            ends = [(e, w + (1.5 if e == q + len(target) else 0)) for e, w in ends] + \
                                   [(q + len(target), 1.8)]
            for e, w in ends:
                if e > limit:
                    continue
                c = dict(cells)
                c[col] = s[q:e]
                bonus = 0.0
                if col == "actual" and "value" in c:
                    bonus += _agree(c["value"], c["actual"])
                if col == "score" and "weight" in c:
                    try:
                        ws, ss = float(c["weight"]), float(c["score"])
                        bonus = 1.0 if ws == ss else (0.2 if ss < ws else -2.0)
                    except ValueError:
                        pass
                nxt.append((e, sc + w + bonus, c))
        results = nxt
        if len(results) > 400:
            results = sorted(results, key=lambda r: -r[1])[:400]
    return results


@functools.lru_cache(maxsize=1 << 14)
def _name_score(name: str) -> float:
    han = len(_HAN.findall(name))
    if han < 2:
        return -6
    sc = 0.0
    if _DIGIT.match(name[-1]):
        sc -= 2.5
    if name[-1] in "、，,：:；;（(":
        sc -= 3
    if name[0] in "，,：:；;）)、。":
        sc -= 3
    if re.search(r"[≥≤<>=＞＜≧≦]", re.sub(r"[（(][^)）]*[)）]", "", name)):
        sc -= 3
    if re.search(r"[%％]", re.sub(r"[（(][^)）]*[)）]", "", name)):
        sc -= 2
    if not (_HAN.match(name[0]) or name[0] in "★☆*＊(（“\"《" or name[0].isdigit()):
        sc -= 2
    if name[0].isdigit():
        sc -= 0.6
    if han < 4:
        sc -= 0.5
    if name[0] in "年月日底前内后":
        sc -= 1.5
    if _AFTER.match(name):  # 及以上, 百分比 close the value before, they do not open a name
        sc -= 3
    if len(name) >= 4 and name[-2:] == name[-4:-2]:  # 改善程度程度: the value's first word glued on
        sc -= 1.5
    sc -= 0.8 * len(re.findall(r"\d+", name))
    # a bare number between two words, no unit after it (差旅费470培训费): most often a value cut
    # into the name, rarely part of it (第3季度, 12345热线 are names that pay this)
    for m in _BARE_IN.finditer(name):
        if not _UNIT_RE.match(name, m.end()):
            sc -= 1.0
    if len(name) > 40:
        sc -= (len(name) - 40) * 0.1
    return sc


def cut(segment: str, cols: tuple[str, ...], max_name: int = 60, model=None) -> tuple[float, list[GluedRow]]:
    """The best reading of ``segment`` as rows of name + ``cols``; (score, rows).

    ``model`` (a cutpoints.CutModel) adds qualitative targets at the gaps it scores as name/value
    boundaries; without it only typed targets (numbers, dates, known phrases) are cut."""
    n = len(segment)
    probs = None
    if model is not None:
        probs = ([model.prob("nv", segment, k) if k else 0.0 for k in range(n + 1)],
                 [model.prob("vn", segment, k) if k else 0.0 for k in range(n + 1)])
    NEG = float("-inf")
    best = [NEG] * (n + 1)
    back: list[tuple[int, GluedRow] | None] = [None] * (n + 1)
    best[0] = 0.0
    first = cols[0] if cols else "value"
    # where a first cell can begin: a digit, an operator, or (for a target) a qualitative word
    qual = _qual_at(segment)
    twice = _repeats_at(segment) if "actual" in cols else set()
    starts = [bool(segment[j].isdigit() or (first not in ("weight", "score") and (
        _OP.match(segment, j) or j in qual or j in twice or _QUAL_RE.match(segment, j)
        or (probs is not None and probs[0][j] >= 0.3)))) for j in range(n)]
    for i in range(n):
        if best[i] == NEG:
            continue
        # junk: nothing explains segment[i:j]
        for j in range(i + 1, min(n, i + max_name) + 1):
            sc = best[i] - 3.0 - 0.05 * (j - i)
            if sc > best[j]:
                best[j] = sc
                back[j] = (i, GluedRow(segment[i:j], {}, unparsed=True))
        for j in range(i + 2, min(n, i + max_name) + 1):
            if j >= n:
                continue
            name = segment[i:j]
            # a target that repeats its name can begin anywhere the name is written again
            if not starts[j] and not (first == "value" and (segment.startswith(name, j) or (
                    j - i >= 4 and segment.startswith(name[:2], j)))):
                continue
            ns = _name_score(name)
            if ns <= -6:
                continue
            # the model's view of the row's two ends: the name ends at j, the next name starts at e
            edge = MODEL_WEIGHT * math.log(max(probs[0][j], 0.02)) if probs is not None else 0.0
            for e, sc, cells in _cells(segment, j, cols, n, probs, name):
                # (trained on name-target-name text: with more columns the row's end is not such a gap)
                tail = MODEL_WEIGHT * math.log(max(probs[1][e], 0.02)) \
                    if probs is not None and e < n and len(cols) == 1 else 0.0
                total = best[i] + ns + sc - ROW_COST + edge + tail
                if total > best[e]:
                    best[e] = total
                    back[e] = (i, GluedRow(name, cells))
    rows: list[GluedRow] = []
    k = n
    while k > 0 and back[k] is not None:
        i, row = back[k]
        rows.append(row)
        k = i
    rows.reverse()
    return best[n], rows


@functools.lru_cache(maxsize=256)
def _cut_cached(segment: str, cols: tuple[str, ...], model=None) -> tuple[float, list[GluedRow]]:
    return cut(segment, cols, model=model)


def read_segments(segments: list[str], cols: tuple[str, ...] | None) -> tuple[tuple[str, ...], list[list[GluedRow]]]:
    """Cut every segment with the header's columns, or with the column set that reads them best."""
    from jixiao.corpus.cutpoints import active

    model = active()
    if cols:
        return cols, [_cut_cached(s, cols, model)[1] if s else [] for s in segments]
    best_cols, best_score, best_rows = SCHEMAS[0], float("-inf"), []
    for schema in SCHEMAS:
        total, rows = 0.0, []
        for s in segments:
            sc, r = _cut_cached(s, schema, model) if s else (0.0, [])
            total += sc
            rows.append(r)
        if total > best_score:
            best_cols, best_score, best_rows = schema, total, rows
    return best_cols, best_rows

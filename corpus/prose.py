"""Indicator lists written as prose (contract §6): category labels followed by named targets.

    一、产出指标 1.数量指标：种植数量(≥**株)>=17600株；成活率为95%。2.质量指标：…

A paragraph is read as such a list only when it holds a second-level label followed by a colon
(``数量指标：``) or a numbered first/second-level label; a narrative 绩效指标 paragraph without labels
stays a narrative. Each item (cut at ；。; or at a comma between two values) becomes a row: the value
is the trailing target (an operator and number with its unit, a date, or a qualitative phrase after
为/：), the name what comes before it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from jixiao.pipeline.segment import t2s_table

_T2S = t2s_table()
_OPS = r"(?:[≥≤><=＞＜≧≦]=?|不低于|不少于|不高于|不超过|不大于|不小于|大于等于|小于等于|大于|小于|低于|高于|超过|控制在|约)"
_UNIT = (r"(?:%|％|‰|个百分点|百分点|平方米|平方公里|立方米|公里|千米|公斤|千克|万元|亿元|元|小时|分钟|工作日|人次|万人|"
         r"[万千百亿]?[\u4e00-\u9fff]{1,2}?|[A-Za-z]{1,3})")
# the target at the end of an item: 17600株, ≥95%, 620元/人·月, 2024年11月底前, 12月31日前, 0.3个百分点
_DATE = r"\d{4}\s*[.\-/年]\s*\d{1,2}(?:\s*[.\-/月]\s*\d{1,2}日?)?月?"
_VALUE = re.compile(
    rf"{_OPS}?\s*(?:{_DATE}(?:\s*[-~～至—]\s*(?:{_DATE}|\d{{1,2}}\s*[.\-/月]\s*\d{{1,2}}日?))?(?:前|以前|之前)?$|"
    rf"\d[\d,，]*(?:\.\d+)?\s*(?:[-~～至—]\s*\d[\d,，]*(?:\.\d+)?)?\s*{_UNIT}?"
    r"(?:/[\u4e00-\u9fff·]{1,4})*"
    r"(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底|末|中旬|上旬|下旬)?(?:前|以前|之前|内|以内|以上|以下)?(?:完成)?)$")
_QUAL = re.compile(r"(?:(?:明显|显著|有效|持续|逐步|进一步|稳步|大幅|基本|全面|长期|不断|切实|极大)"
                   r"(?:改善|提升|提高|保障|稳定|增强|增加|加强|下降|降低|减少|完善|发挥|缓解|推进)|"
                   r"较高|良好|优良|合格|达标|及时|按时完成|按期完成|已完成|全部完成|长期稳定|正常运行)$")
_SEP_TAIL = re.compile(r"(?:为|均为|达到|达|：|:)$")
_ITEM_SPLIT = re.compile(r"[；;。\n]+")
_ENUM = r"(?:\d{1,2}\s*[.、．]|[（(]\s*\d{1,2}\s*[)）]|[一二三四五六七八九十]{1,2}\s*[、.．]|[（(][一二三四五六七八九十]{1,2}[)）])"
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LEAD = re.compile(r"^\s*(?:绩效指标|年度绩效指标|绩效指标情况)\s*[:：]\s*")


@dataclass
class ProseRow:
    level1: str | None
    level2: str | None
    name: str
    value: str | None
    actual: str | None = None


def _reported(body: str) -> list[tuple[str, str, str]]:
    """Self-evaluation prose: ``名称指标为100%实际完成值为100%`` (several run together) → (name, value, actual)."""
    from jixiao.corpus.glued import _UNIT_RE

    units = _UNIT_RE.pattern
    v = rf"(?:{_OPS})?\d[\d.,，]*(?:{units})?"
    rx = re.compile(rf"(?P<name>[^；;。，,]+?)(?:指标值?|目标值|目标|年度指标值)为(?P<value>{v})[，,]?"
                    rf"(?:实际完成值?|实际值|完成值|实际完成情况)为(?P<actual>{v})")
    return [(m.group("name").strip(), m.group("value"), m.group("actual")) for m in rx.finditer(body)]


@functools.lru_cache(maxsize=4)
def _label_re(labels) -> re.Pattern:
    """Category labels as they open a part of the list: 一、产出指标 / 1.数量指标： / 数量指标："""
    names = sorted({s for s in labels.l1 | labels.l2 if len(s) >= 2} | {s[:-2] + "目标" for s in labels.l2
                                                                          if s.endswith("指标")},
                   key=len, reverse=True)
    alt = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?P<enum>{_ENUM})?\s*(?P<label>{alt})(?:\s*[（(]\d+分[)）])?\s*(?P<colon>[：:。]?)")


def find_labels(text: str, labels) -> list[re.Match]:
    """Label openings in ``text`` (matched on its simplified form; offsets are the same)."""
    simp = text.translate(_T2S)
    out = []
    for m in _label_re(labels).finditer(simp):
        before = simp[m.start() - 1:m.start()] if m.start() else ""
        if not m.group("enum") and before and not re.match(r"[\s。；;，,：:、）)]", before):
            continue  # 林农满意度： is a name ending in a label word
        if m.group("colon") in ("：", ":") or m.group("enum"):
            # a label inside a name (社会效益指标达标率) is not an opening
            nxt = simp[m.end():m.end() + 1]
            if not m.group("colon") and nxt and _HAN.match(nxt) and not m.group("enum"):
                continue
            out.append(m)
    return out


def is_prose_list(text: str, labels) -> bool:
    """A paragraph that opens a labelled indicator list (or is a lone 一、产出指标 heading of one)."""
    text = _LEAD.sub("", text)
    found = find_labels(text, labels)
    if not found:
        return False
    lone = len(found) == 1 and found[0].start() == 0 and found[0].end() >= len(text.strip()) - 1
    if lone:
        return bool(found[0].group("enum")) and labels(found[0].group("label")) is not None
    if any(m.group("enum") for m in found) and _reported(text):
        return True  # 3.时效指标。…指标为100%实际完成值为100%
    return any(m.group("colon") in ("：", ":") for m in found) and any(_VALUE.search(p.strip()) or _QUAL.search(
        p.strip()) for p in _ITEM_SPLIT.split(text))


def split_item(item: str) -> tuple[str, str | None]:
    """``种植数量(≥**株)>=17600株`` → (``种植数量(≥**株)``, ``>=17600株``)."""
    s = item.strip().strip("，,、 ")
    best = None
    for k in range(len(s)):
        if k and s[k - 1].isdigit() and s[k].isdigit():
            continue
        if k and s[k - 1] in ".*＊" and s[k].isdigit():
            continue
        m = _VALUE.fullmatch(s[k:].strip()) if re.match(rf"{_OPS}|\d", s[k:]) else None
        if m and _HAN.search(s[:k]) and not s[:k].endswith(("**", "＊＊")):
            best = k
            break
    if best is not None:
        name, value = s[:best], s[best:].strip()
        # a placeholder's own operator ((≥**%)) is part of the name, not the value
        if re.search(r"[（(][^)）]*$", name):
            best = None
        else:
            return _SEP_TAIL.sub("", name).strip(), value
    for sep, longest in (("：", 60), (":", 60), ("为", 24)):
        k = s.find(sep) if sep != "为" else s.rfind(sep)
        if 2 <= k < len(s) - 1 and len(s) - k <= longest:
            return s[:k].strip(), s[k + 1:].strip()
    m = _QUAL.search(s)
    if m and len(_HAN.findall(s[:m.start()])) >= 2:
        return _SEP_TAIL.sub("", s[:m.start()]).strip(), m.group(0)
    return s, None


def _items(body: str) -> list[str]:
    out = []
    for part in _ITEM_SPLIT.split(body):
        pieces = re.split(r"[，,]", part)
        if len(pieces) > 1 and all(split_item(p)[1] for p in pieces if p.strip()):
            out.extend(p for p in pieces if p.strip())
        elif part.strip():
            out.append(part)
    return out


class ProseReader:
    """Reads the paragraphs of a prose indicator list in order; the first-level label carries over."""

    def __init__(self, labels):
        self.labels = labels
        self.l1: str | None = None
        self.l2: str | None = None

    def feed(self, text: str) -> list[ProseRow]:
        text = _LEAD.sub("", text)
        marks = find_labels(text, self.labels)
        rows: list[ProseRow] = []
        cuts = [(m.start(), m.end(), m.group("label")) for m in marks] + [(len(text), len(text), None)]
        pos = 0
        continuing = self.l2 is not None
        for n_mark, (start, end, label) in enumerate(cuts):
            body = text[pos:start]
            reported = _reported(body) if (pos or continuing) else []
            for name, value, actual in reported:
                rows.append(ProseRow(self.l1, self.l2, re.sub(rf"^{_ENUM}", "", name).strip(), value, actual))
            if (pos or continuing) and body.strip() and not reported:
                for item in _items(body):
                    name, value = split_item(item)
                    name = re.sub(rf"^{_ENUM}", "", name).strip()
                    if len(_HAN.findall(name)) >= 2 and len(name) <= 80:
                        rows.append(ProseRow(self.l1, self.l2, name, value))
            if label:
                raw = text[start:end].strip()
                lab = self.labels(label)
                levels = lab.levels if lab else frozenset({2})
                # a label that is both levels is the first one when a label follows it at once
                nxt = cuts[n_mark + 1] if n_mark + 1 < len(cuts) else None
                followed = nxt is not None and nxt[2] is not None and not text[end:nxt[0]].strip(" ：:")
                if 1 in levels and (2 not in levels or (self.l1 is None and self.l2 is None) or followed
                                    or re.match(r"[（(]?[一二三四五六七八九十]", raw)):
                    self.l1, self.l2 = label, None
                else:
                    self.l2 = label
            pos = end
        return rows

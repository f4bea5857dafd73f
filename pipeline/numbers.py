"""Numerals: Arabic, full-width, Chinese (一万, 两百, 十余万, 壹佰) and mixed (1.5万, 3万4000).

``fold`` maps a text to a same-length form the regexes read (full-width → half-width, traditional
numeral/unit characters → simplified), so offsets found in the folded text are offsets into the
original. ``NUM`` is the regex source of one numeral span; ``parse_number`` converts such a span.
The converter is our own (exact, Decimal-based) rather than cn2an: cn2an rejects mixed spans with
approximations (十余万, 二十几万) and colloquial tails (九万四), and is slower (see bench/).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from jixiao.pipeline.segment import t2s_table

CN_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "幺": 1, "二": 2, "贰": 2, "两": 2, "俩": 2,
    "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7,
    "八": 8, "捌": 8, "九": 9, "玖": 9,
}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10 ** 4, "亿": 10 ** 8, "兆": 10 ** 12}

CN_DIG = "".join(CN_DIGITS)
CN_MAG = "".join(SMALL_UNITS) + "".join(BIG_UNITS)

# Same-length character map: full-width ASCII (except the Chinese comma "，", which separates
# clauses and must never glue 100，200 into one number), look-alike symbols, and traditional →
# simplified (the shared table of pipeline/segment.py; 萬億兩點 … are numerals and units here).
_FOLD = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F) if i != 0xFF0C}
_FOLD[0x3000] = 0x20
_FOLD.update(t2s_table())
_FOLD.update({ord(a): ord(b) for a, b in zip("≧≦﹪﹤﹥參", "≥≤%<>叁")})  # 參 is the 大写 3 here

_ARABIC = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
# One numeral span: a sign, then Arabic literals and Chinese digits/magnitudes, with 点 decimals,
# approximation marks (十余万, 二十几万, 10多) and spaces only between Chinese numeral characters.
NUM = (rf"(?:[-负]\s*)?(?!百\s*分\s*之|千\s*分\s*之|万\s*分\s*之)(?:{_ARABIC}|\.\d+|[{CN_DIG}{CN_MAG}])"
       rf"(?:{_ARABIC}|(?!百分比|百分点)[{CN_DIG}{CN_MAG}]|[余多几](?![余多几])|\s*点\s*(?=[{CN_DIG}\d])"
       rf"|\s+(?=[{CN_DIG}{CN_MAG}余多几])|(?<=[{CN_MAG}])\s+(?=\d))*")

# A numeral with an optional fraction: 五分之一, 三百五十又3分之1.
NUMX = rf"{NUM}(?:\s*又\s*{NUM})?(?:\s*分\s*之\s*{NUM})?"

_NUM_RE = re.compile(NUMX)
# Longer digit runs are identifiers (ID-card, account and project codes), not quantities.
MAX_DIGITS = 15
LIMIT = Decimal(10) ** 16
_ARABIC_ONLY = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_TOKEN = re.compile(rf"\d+(?:\.\d+)?|[{CN_DIG}{CN_MAG}几]")


def fold(text: str) -> str:
    """Same-length normalization for matching (offsets stay valid)."""
    return text.translate(_FOLD)


def to_number(d: Decimal) -> int | float:
    """Decimal → int when integral, else float (JSON-friendly)."""
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def parse_number(span: str) -> Decimal | None:
    """Convert one numeral span (as matched by ``NUM``, folded) to a Decimal; None if it is not one.

    >>> parse_number("十余万"), parse_number("1.5万"), parse_number("九万四"), parse_number("二〇二一")
    (Decimal('100000'), Decimal('15000'), Decimal('94000'), Decimal('2021'))
    """
    s = span.replace(" ", "").replace(",", "").replace("\t", "")
    if "分之" in s:  # 五分之一 = 1/5, 三百五十又3分之1 = 350 + 1/3
        whole, _, frac = s.rpartition("又") if "又" in s else ("", "", s)
        den_s, _, num_s = frac.partition("分之")
        den, num = parse_number(den_s) if den_s else None, parse_number(num_s) if num_s else None
        if not den or num is None:
            return None
        w = parse_number(whole) if whole else Decimal(0)
        if w is None:
            return None
        q = abs(num) / abs(den)
        return w - q if w < 0 else w + q
    neg = False
    while s[:1] in ("-", "负"):
        neg = True
        s = s[1:]
    s = s.replace("余", "").replace("多", "")
    if not s:
        return None
    if _ARABIC_ONLY.fullmatch(s):
        if sum(c.isdigit() for c in s) > MAX_DIGITS:
            return None
        try:
            v = Decimal(s)
        except InvalidOperation:
            return None
    else:
        whole, _, frac = s.partition("点")
        if not whole and not frac:
            return None
        v = _cn_integer(whole) if whole else Decimal(0)
        if v is None:
            return None
        if frac:
            digits = []
            for ch in frac:
                if ch.isdigit():
                    digits.append(ch)
                elif ch in CN_DIGITS:
                    digits.append(str(CN_DIGITS[ch]))
                else:
                    return None
            v += Decimal("0." + "".join(digits))
    if abs(v) >= LIMIT:
        return None
    return -v if neg else v


def _cn_integer(s: str) -> Decimal | None:
    toks = _TOKEN.findall(s)
    if "".join(toks) != s:
        return None
    if not any(t in SMALL_UNITS or t in BIG_UNITS for t in toks):
        # Digits only: positional (二〇二一 → 2021, 九九 → 99) or one Arabic literal.
        if len(toks) == 1 and toks[0][0].isdigit():
            return Decimal(toks[0])
        out = 0
        for t in toks:
            if t[0].isdigit():
                return None
            out = out * 10 + CN_DIGITS.get(t, 0)
        return Decimal(out)
    total = Decimal(0)
    section = Decimal(0)
    number: Decimal | None = None
    last_unit = None  # value of the unit just before a trailing digit (九万四 → 四千)
    last_big = None
    prev = None  # kind of the previous token: num|small|big|zero
    zero_before = False
    for t in toks:
        if t[0].isdigit() or t in CN_DIGITS or t == "几":
            if t == "零" or t == "〇":
                prev, zero_before = "zero", True
                continue
            d = Decimal(t) if t[0].isdigit() else Decimal(CN_DIGITS.get(t, 0))
            if prev == "num" and number is not None:
                number = number * 10 + d
            else:
                number = d
                zero_before = prev == "zero"
            prev = "num"
        elif t in SMALL_UNITS:
            u = SMALL_UNITS[t]
            section += (number if number is not None else 1) * u
            number, last_unit, prev, zero_before = None, u, "small", False
        else:
            u = BIG_UNITS[t]
            if number is None and section == 0 and prev == "big":
                total *= u  # 万万, 万亿
            elif number is None and section == 0 and total == 0:
                total = Decimal(u)  # a bare 万 in 万分之三
            else:
                section += number or 0
                if total == 0 or last_big is None or u > last_big:
                    total = (total + section) * u
                    last_big = u
                else:
                    total += section * u
            section, number, last_unit, prev, zero_before = Decimal(0), None, u, "big", False
    if number is not None:
        if last_unit is not None and not zero_before and number < 10 and last_unit >= 10:
            number *= last_unit // 10  # colloquial tail: 两千四百五 → 2450, 一万三 → 13000
        section += number
    return total + section


def find_numbers(text: str):
    """Yield (start, end, value) for every numeral span in ``text`` (no unit or context rules)."""
    folded = fold(text)
    for m in _NUM_RE.finditer(folded):
        raw = m.group().rstrip()
        v = parse_number(raw)
        if v is not None:
            yield m.start(), m.start() + len(raw), v

"""The whoosh analyzer for Chinese 绩效 text: jieba words with sequential positions, numbers kept with units.

Whoosh pickles the schema, analyzer included, into every index, so ``JiebaTokenizer`` must stay at
this import path (``jixiao.index.analysis.JiebaTokenizer``) forever, and must hold no jieba
dictionary in its state: the segmenter is fetched lazily from ``default_segmenter()``.

Index mode emits, at each word's position, the word plus its dictionary sub-words (满意率 → 满意) and,
for a number with a unit, the bare number (95% → 95); query mode emits only the precise words. So an
unquoted ``满意`` finds 满意率, ``95%`` finds exactly 95%, and a quoted phrase matches because positions
are token ordinals (jieba's own ``ChineseAnalyzer`` stores character offsets there; see tech-notes).
"""

from __future__ import annotations

import functools
import re

from whoosh.analysis import Token, Tokenizer

from jixiao.pipeline.segment import fold_width, t2s_table

# Units written after numbers in 指标值 (longest first, so 人次 wins over 人 and 平方米 over 米).
UNITS = sorted("""
人次 户次 车次 班次 架次 批次 场次 课时 学时 工作日 个工作日 个月 小时 分钟 秒
平方公里 平方千米 平方米 立方米 公里 千米 公顷 亩 米 厘米 毫米 km m2 m3 kg mb gb
万元 亿元 千元 元 吨 千克 公斤 克 斤 升 千瓦 度
年 月 周 日 天 次 件 份 个 家 人 户 所 台 辆 套 场 期 篇 项 座 处 条 株 棵 册 本 张 批
部 名 位 支 只 头 匹 盏 根 床 间 栋 幢 层 段 座 片 块 宗 起 例 种 类 门 班 届 轮 遍 倍 分 个百分点 百分点
""".split(), key=len, reverse=True)
MULTIPLIERS = "万亿千百"

# A number not glued to Latin letters/digits (GB50016, 5G stay whole words), with an optional
# multiplier and unit, or a percent/permille sign.
_NUMBER = re.compile(
    r"(?<![a-z0-9_.])(?P<num>\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<suffix>%|‰|(?P<mult>[" + MULTIPLIERS + r"])?(?P<unit>" + "|".join(map(re.escape, UNITS)) + r")|["
    + MULTIPLIERS + r"])?"
    r"(?![a-z_])"
)


def normalize(text: str) -> str:
    """Width-fold, lower-case and fold traditional characters without changing the length (offsets stay
    valid): 人才驛站 and 人才驿站 are one word to search."""
    folded = fold_width(text).translate(t2s_table())
    lowered = folded.lower()
    if len(lowered) != len(folded):  # rare letters such as İ grow when lower-cased; keep offsets exact
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in folded)
    return lowered


def _is_word(s: str) -> bool:
    return any(ch.isalnum() for ch in s)


def iter_terms(text: str, index: bool = True):
    """Yield ``(term, position_ordinal, start, end)`` for ``text``.

    ``index=True`` adds the extra terms (sub-words, bare numbers) at their parent's position.
    """
    return iter(_terms(text, index))


@functools.lru_cache(maxsize=16384)
def _terms(text: str, index: bool) -> tuple:
    # Project names, category labels and common indicator names repeat across rows and files;
    # the result depends only on the text (the segmenter is fixed per process).
    return tuple(_analyze(text, index))


def _analyze(text: str, index: bool):
    from jixiao.pipeline.segment import default_segmenter

    seg = default_segmenter()
    has_word = seg.has_word
    norm = normalize(text)
    pos = 0
    last = 0

    def words(chunk: str, offset: int):
        nonlocal pos
        for w, s, e in seg.raw_tokenize(chunk):
            if not _is_word(w):
                continue
            yield w, pos, offset + s, offset + e
            if index and len(w) > 2:
                # jieba's search-mode sub-words, kept at the parent's position so phrases still line up
                seen = set()
                for n in range(2, min(len(w) - 1, 4) + 1):
                    for i in range(len(w) - n + 1):
                        gram = w[i:i + n]
                        if gram not in seen and _is_word(gram) and has_word(gram):
                            seen.add(gram)
                            yield gram, pos, offset + s + i, offset + s + i + n
            pos += 1

    for m in _NUMBER.finditer(norm):
        if m.start() > last:
            yield from words(norm[last:m.start()], last)
        num = m.group("num").replace(",", "")
        suffix = m.group("suffix") or ""
        s, e = m.start(), m.end()
        yield num + suffix, pos, s, e
        if index and suffix:
            yield num, pos, s, m.end("num")
            if m.group("mult") and m.group("unit"):
                yield num + m.group("mult"), pos, s, m.end("mult")
        pos += 1
        last = e
    if last < len(norm):
        yield from words(norm[last:], last)


class JiebaTokenizer(Tokenizer):
    """Whoosh tokenizer: jieba words (default cut) with token-ordinal positions; see module docstring.

    Honours the whoosh Token contract: ``positions`` are sequential ordinals from ``start_pos``,
    ``chars`` are offsets into the value given, ``mode`` is ``"index"`` or ``"query"``.
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # whoosh asks for the whole value as one token (e.g. spelling); still normalize it
            t.original = t.text = normalize(value)
            t.boost, t.stopped = 1.0, False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for term, pos, s, e in iter_terms(value, index=(mode != "query")):
            t.text = term
            if keeporiginal:
                t.original = value[s:e]
            t.boost, t.stopped = 1.0, False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + s, start_char + e
            yield t


def JiebaAnalyzer() -> JiebaTokenizer:
    """The analyzer for jixiao's text fields (width folding and lower-casing happen in the tokenizer)."""
    return JiebaTokenizer()

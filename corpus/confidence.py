"""Reading confidence (contract §6): how sure the reader is that a row's name and value are as written.

Every row starts at 1.0 and loses a fixed amount per sign of a misreading; ``flags`` name the signs.
A row under 0.5 is *suspect*: kept, marked in ``table`` output, left out by ``search --confident``.

Flags (short codes):

=============  ====================================================================  =======
header-word    the name is a header or label word (年度, 指标值(包含数字及文字描述), 产出指标)  -0.8
no-name        the name has fewer than two Chinese characters (``202 10``, ``2021``)    -0.8
fused-value    the name ends in a target (``…预计值210010``, ``…≥266米10``)               -0.55
fused-label    a category label is glued to the front of the name (效益指标社保…)        -0.3
score-digits   digits of a score/weight column stuck to the value (``0100%``, ``95%10``)  -0.35
unparsed       glued text no cutting into name and cells explained                    -0.4
long-name      a name longer than a cell usually is (prose or a merged row)            -0.3
no-value       the table has a value column and this row has nothing in it            -0.2
ocr-noise      characters OCR puts for ≥ and % (``290$``, ``工5%``)                        -0.15
glued          cut from text with no separators                                         -0.15
prose          read from a prose list                                                   -0.05
placeholder    a template placeholder left in the name (``(≥**%)``)                      -0.05
=============  ====================================================================  =======
"""

from __future__ import annotations

import re

from jixiao.document import SUSPECT, Document, Indicator

PENALTY = {
    "header-word": 0.8, "no-name": 0.8, "fused-value": 0.55, "fused-label": 0.3, "score-digits": 0.35,
    "long-name": 0.3, "unparsed": 0.4, "no-value": 0.2, "ocr-noise": 0.15, "glued": 0.15, "prose": 0.05, "placeholder": 0.05,
}
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HEADERISH = re.compile(r"^(?:年度|指标|单位|序号|名称|内容|备注|说明|年|月|日|合计|小计|总计|得分|分值|权重|其中|"
                        r"绩效|目标|预期|实际|完成|情况|[一二三]级)+")
# a target at the end of a name: ≥266米, 达到预计值2100, 95%, 10 (a lone score)
_TAIL_VALUE = re.compile(r"(?:[≥≤><＞＜]=?\s*\d[\d.]*\S{0,4}|\d+(?:\.\d+)?\s*(?:%|％|‰)|(?<![\d年月.])\d{3,})\s*\d{0,3}$")
_SCORE_GLUE = re.compile(r"^(?:0\d|\d+(?:\.\d+)?(?:%|％)\d+)|(?:%|％|[\u4e00-\u9fff])\d{1,2}$")
# two rows run together: a target inside the name with more name after it (…比例880%^80%8指标2群众…)
_INNER_VALUE = re.compile(r"\d\s*[%％‰][^\u4e00-\u9fff]{0,6}[\u4e00-\u9fff]{2}")
_OCR = re.compile(r"\d\$|\$\d|^[工》S]\d|\d\s*\^|\^\s*\d|^2[5-9]\d(?:%|$)")
_PLACEHOLDER = re.compile(r"[*＊]{2}")


def _inner_phrase(name: str) -> bool:
    """A qualitative target of four or more characters inside a glued name, words on both sides
    (水生态环境持续改善化学需氧量…): two rows run together, not one name."""
    from jixiao.corpus.glued import _QUAL

    for w in _QUAL:
        if len(w) < 4:
            break
        k = name.find(w, 2)
        if k >= 2 and len(_HAN.findall(name[k + len(w):])) >= 3:
            return True
    return False


def assess(ind: Indicator, *, labels=None, value_column: bool = True, header_role=None) -> None:
    """Set ``ind.read_confidence`` and add to ``ind.flags`` (keeping the reader's own flags)."""
    flags = list(dict.fromkeys(ind.flags))
    name = re.sub(r"\s+", "", ind.level3 or "")
    value = re.sub(r"\s+", "", ind.value or "")
    han = len(_HAN.findall(name))
    if han < 2 or len(re.findall(r"\d", name)) > han * 2 + 2:
        flags.append("no-name")
    elif (header_role and (header_role(name) or header_role(re.sub(r"[（(][^)）]*[)）]$", "", name)))) or \
            (labels and labels(name) and name.endswith(("指标", "目标", "指標", "目標"))) or \
            _HEADERISH.fullmatch(re.sub(r"[()（）:：]", "", name)):
        flags.append("header-word")
    if name and _TAIL_VALUE.search(name) and not _PLACEHOLDER.search(name[-8:]) and "no-name" not in flags:
        flags.append("fused-value")
    if _INNER_VALUE.search(re.sub(r"[（(][^)）]*[)）]", "", name)) and "fused-value" not in flags:
        flags.append("fused-value")
    if "glued" in flags and "fused-value" not in flags and _inner_phrase(name):
        flags.append("fused-value")
    if labels and han >= 6 and "header-word" not in flags:
        for cut in range(4, min(len(name) - 2, 10) + 1):
            lab = labels(name[:cut])
            if lab and name[:cut].endswith(("指标", "目标")):
                flags.append("fused-label")
                break
    if value and _SCORE_GLUE.search(value) and not re.fullmatch(r"\d{1,3}", value):
        flags.append("score-digits")
    if value and _OCR.search(value):
        flags.append("ocr-noise")
    if len(name) > 60:
        flags.append("long-name")
    if value_column and not value:
        flags.append("no-value")
    if _PLACEHOLDER.search(name):
        flags.append("placeholder")
    flags = list(dict.fromkeys(flags))
    conf = 1.0 - sum(PENALTY.get(f, 0.0) for f in flags)
    ind.read_confidence = round(min(1.0, max(0.0, conf)), 2)
    ind.flags = flags


def summarize(doc: Document) -> None:
    """Count rows and suspect rows into ``doc.quality``; one warning when most rows are suspect."""
    rows = [ind for _, ind in doc.indicators()]
    suspect = sum(1 for ind in rows if ind.read_confidence < SUSPECT)
    doc.quality = {"rows": len(rows), "suspect": suspect}
    if rows and suspect * 2 > len(rows):
        doc.warn("W-SUSPECT-ROWS", f"{suspect} of {len(rows)} indicator rows are suspect (read_confidence < "
                 f"{SUSPECT}): the layout was not read reliably, check them against the original "
                 "大部分指标行读取不可靠，请对照原文核对", where=doc.source.path)

"""Cross-year comparison: match projects, indicators and narrative targets by meaning, then diff targets.

Codes change every year and names drift (安全生产专家劳务费 → 安全生产专家咨询劳务费, 购置数量 → 执法装备购置数量),
so matching uses normalized names, character bigrams, jieba tokens, the category and (for projects)
the purpose text and the indicators they carry. Pairs are chosen by an optimal assignment
(Hungarian) over a score matrix; a pair below the threshold is not a match, and its two sides are
reported as removed and added. ``bench/dev_match.py`` prints the scores behind the thresholds.

Output statuses follow the contract (same|changed|added|removed). Decisions documented here:

- A matched indicator is ``same`` only when its normalized name, its category and its normalized
  target are all unchanged; a rename alone makes it ``changed`` with ``renamed: true`` (a reviewer
  wants to see it) and ``change: null`` (the target itself did not move).
- ``change`` says how the target moved: ``raised`` (more ambitious, judged with the indicator's
  direction: a lower 故障率 is a raise), ``lowered``, or ``modified`` (different but not ordered:
  another unit, kind, reference or wording).
- ``≥85%`` and ``85%`` are the same target (an unwritten comparator is the implied one), and so are
  ``10辆`` and ``10`` (the unit is implied); deadlines are compared as days (a month alone is its
  last day; a date without a year, ``--12``, takes its document's year) after shifting by the years
  between the documents (2021年底前 in 2021 and 2022年底前 in 2022 are the same target); an earlier
  deadline is ``raised``.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from jixiao.document import Document, Indicator, Project, Target, to_dict
from jixiao.errors import JixiaoError, NotFoundError
from jixiao.pipeline.extract import implied_op, parse_value
from jixiao.pipeline.segment import fold_width
from jixiao.pipeline.taxonomy import load_taxonomy

# Thresholds on the combined scores below (0..1), from bench/dev_match.py. On the 湘潭 雾炮车 2023/2024
# pair, true indicator pairs score >= 0.85 (empty rows 0.64) and the best wrong candidate 0.43; among
# 4,085 pairs of *different* same-category names in the dev gold, 1.7% reach 0.55 and the top ones are
# synonyms (市民满意度/满意度). The drifts score 0.82–0.87. Projects: the true pair 0.76, while
# seed projects score <= 0.31 against each other.
PROJECT_THRESHOLD = 0.45
INDICATOR_THRESHOLD = 0.55
NARRATIVE_THRESHOLD = 0.55

UNIT_ALIASES = {"m": "米", "公尺": "米", "km": "公里", "千米": "公里", "天": "日", "h": "小时", "个小时": "小时",
                "％": "%", "百分比": "%", "平米": "平方米", "㎡": "平方米", "m2": "平方米", "万": "万元",
                "人/次": "人次", "辆次": "辆次", "台套": "套"}

_PAREN_HINT = re.compile(r"[（(][^（）()]{0,8}[）)]|[（(][^（）()]{0,8}$")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?")
_NONWORD = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?|百分之[零〇一二两三四五六七八九十百点]+"
                     r"|[零〇一二两三四五六七八九十百千万]+(?=[次件个家份项场期批名人户所座台辆套万%])")
_PLACEHOLDER = {"", "无", "未涉及", "不涉及", "/", "-", "—", "null", "none"}


# ---------------------------------------------------------------- text normalization and similarity

def normalize_name(text: str | None) -> str:
    """A name as compared across years: width-folded, lower-cased, without years, unit hints or punctuation.

    ``组织培训、会议次数（次）`` → ``组织培训会议次数``; ``2022年安全生产月经费`` → ``安全生产月经费``.
    """
    if not text:
        return ""
    s = fold_width(text).lower()
    s = _YEAR.sub("", s)
    s = _PAREN_HINT.sub("", s)
    return _NONWORD.sub("", s)


def mask_numbers(text: str) -> str:
    """Numbers → ``#`` so that a clause whose value changed still reads as the same clause."""
    return _NUMBER.sub("#", text)


def _bigrams(s: str) -> frozenset[str]:
    if len(s) < 2:
        return frozenset([s]) if s else frozenset()
    return frozenset(s[i:i + 2] for i in range(len(s) - 1))


def _dice(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


@dataclass(frozen=True)
class TextFeatures:
    norm: str
    bigrams: frozenset
    tokens: frozenset


class Similarity:
    """Name/text similarity with cached features (one jieba pass per distinct string).

    Args:
        segmenter (Segmenter | None): default ``default_segmenter()``.
    """

    def __init__(self, segmenter=None):
        self._segmenter = segmenter
        self._cache: dict[tuple[str, bool], TextFeatures] = {}

    @property
    def segmenter(self):
        if self._segmenter is None:
            from jixiao.pipeline.segment import default_segmenter

            self._segmenter = default_segmenter()
        return self._segmenter

    def features(self, text: str | None, *, masked: bool = False) -> TextFeatures:
        key = (text or "", masked)
        f = self._cache.get(key)
        if f is None:
            norm = normalize_name(mask_numbers(fold_width(text or "")) if masked else text)
            # Search mode adds the sub-words of long words (专家劳务费 → 专家, 劳务费, …), so a word
            # that gained an infix (专家咨询劳务费) still shares tokens.
            tokens = frozenset(self.segmenter.cut(norm, search=True)) if norm else frozenset()
            f = TextFeatures(norm, _bigrams(norm), tokens)
            self._cache[key] = f
        return f

    def score(self, a: str | None, b: str | None, *, masked: bool = False) -> float:
        """1.0 for the same normalized text; else the larger of a containment score and the mean of
        bigram and token Dice (word order drift such as 降尘抑尘/抑尘降尘 keeps most bigrams)."""
        fa, fb = self.features(a, masked=masked), self.features(b, masked=masked)
        return features_score(fa, fb)


def features_score(fa: TextFeatures, fb: TextFeatures) -> float:
    if fa.norm == fb.norm:
        return 1.0
    if not fa.norm or not fb.norm:
        return 0.0
    dice = (_dice(fa.bigrams, fb.bigrams) + _dice(fa.tokens, fb.tokens)) / 2
    short, long_ = sorted((fa.norm, fb.norm), key=len)
    # 购置数量 ⊂ 执法装备购置数量: a name that gained a qualifier keeps its whole old name.
    contain = 0.5 + 0.5 * len(short) / len(long_) if len(short) >= 2 and short in long_ else 0.0
    return max(dice, contain)


# ---------------------------------------------------------------- targets

def canonical_unit(unit: str | None) -> str | None:
    if not unit:
        return None
    u = fold_width(unit).strip()
    return UNIT_ALIASES.get(u, UNIT_ALIASES.get(u.lower(), u))


def target_of(ind_value: str | None, target: Target | None, *, name: str | None = None,
              level2: str | None = None, year: int | None = None) -> Target:
    """The stored target, else one parsed from the raw value (``parse_value``)."""
    if target is not None:
        return target
    return parse_value(ind_value or "", name=name, level2=level2, year=year)


def polarity(name: str | None, level2: str | None, a: Target | None, b: Target | None) -> int:
    """+1 when a larger value is more ambitious, -1 when a smaller one is (故障率, 时限, 成本, ≤ targets).

    A comparator written in either year decides; else the indicator's direction (``implied_op``, the
    rule parse_value uses), not the ``implied_op`` stored in the targets, which an older index may
    have computed with older rules.
    """
    ops = {t.op for t in (a, b) if t is not None and t.op in ("<=", "<", ">=", ">")}
    if ops and ops <= {"<=", "<"}:
        return -1
    if ops and ops <= {">=", ">"}:
        return 1
    unit = next((canonical_unit(t.unit) for t in (b, a) if t is not None and t.unit), None)
    return -1 if implied_op(name, _canonical_level2(level2), unit) == "<=" else 1


def _canonical_level2(level2: str | None) -> str | None:
    """A raw label (产出成本, 时效) as its canonical second-level name, for the direction rule."""
    return (load_taxonomy().canonical_level2(level2) or level2) if level2 else None


def _norm_op(op: str | None) -> str | None:
    return None if op in (None, "=", "") else op


def _money_wan(value: float | None, unit: str | None) -> tuple[float | None, str | None]:
    if value is not None and unit == "元":
        return value / 10000, "万元"
    return value, unit


_DATE = re.compile(r"(?:(\d{4})|-)(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_PART_OF_MONTH = {"初": 10, "上旬": 10, "中旬": 20}  # 下旬 and 底 are the month's end


def deadline_day(t: Target, year: int | None = None) -> tuple[int | None, int, int] | None:
    """The day a deadline falls on, ``(year, month, day)``: a month alone (2022-12, 12月底) is its last
    day, 12月中旬 the 20th; a date without a year (``--12``) takes ``year`` (the document's), else its
    year is None. None when the date cannot be read."""
    m = _DATE.fullmatch(t.date or "")
    if not m:
        return None
    y = int(m[1]) if m[1] else year
    mon = int(m[2]) if m[2] else 12
    if not 1 <= mon <= 12:
        return None
    if m[3]:
        day = int(m[3])
    else:
        part = next((_PART_OF_MONTH[f] for f in t.flags if f in _PART_OF_MONTH), None)
        day = part or calendar.monthrange(y or 2001, mon)[1]
    return y, mon, day


def _compare_deadlines(a: Target, b: Target, year_shift: int, from_year: int | None) -> str | None:
    to_year = from_year + year_shift if from_year is not None else None
    da, db = deadline_day(a, from_year), deadline_day(b, to_year)
    if da is None or db is None:
        return None if (a.date or None) == (b.date or None) else "modified"
    (ya, ma, xa), (yb, mb, xb) = da, db
    if ya is None and yb is None:
        ya = yb = 0  # both 'every year on this day' (年底前): compare month and day
    elif ya is None or yb is None:
        # One year unknown, no document year to fill it: equal days are taken as the same target,
        # but there is no order to speak of.
        return None if (ma, xa) == (mb, xb) else "modified"
    else:
        ya += year_shift  # 2021年底前 in 2021 and 2022年底前 in 2022 are the same target
    if (ya, ma, xa) == (yb, mb, xb):
        return None
    return "raised" if (yb, mb, xb) < (ya, ma, xa) else "lowered"  # an earlier deadline asks more


def _close(x: float | None, y: float | None) -> bool:
    if x is None or y is None:
        return x is None and y is None
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def compare_targets(a: Target, b: Target, *, name: str | None = None, level2: str | None = None,
                    year_shift: int = 0, from_year: int | None = None) -> str | None:
    """How target ``a`` (earlier) became ``b``: None (unchanged), ``raised``, ``lowered`` or ``modified``.

    ``year_shift`` is the years between the documents; ``from_year`` (the earlier document's year)
    completes deadlines written without a year (``--12``).
    """
    ka, kb = a.kind or "qualitative", b.kind or "qualitative"
    if ka == "na" and kb == "na":
        return None
    if ka != kb:
        return "modified"
    if ka == "qualitative":
        return None if normalize_name(a.raw) == normalize_name(b.raw) else "modified"
    if ka == "reference":
        same_ref = normalize_name(a.reference) == normalize_name(b.reference)
        oa, ob = _norm_op(a.effective_op), _norm_op(b.effective_op)
        return None if same_ref and (oa == ob or oa is None or ob is None) else "modified"
    if ka == "deadline":
        return _compare_deadlines(a, b, year_shift, from_year)
    # numeric and change
    va, ua = _money_wan(a.value, canonical_unit(a.unit))
    vb, ub = _money_wan(b.value, canonical_unit(b.unit))
    if ua and ub and ua != ub:
        return "modified"
    if ka == "change":
        if (a.direction or None) != (b.direction or None):
            return "modified"
        if _close(va, vb):
            return None
        if va is None or vb is None:
            return "modified"
        return "raised" if vb > va else "lowered"  # a larger stated improvement asks more
    oa, ob = _norm_op(a.op), _norm_op(b.op)
    if oa != ob and oa is not None and ob is not None:
        return "modified"
    if "between" in (oa, ob):
        return None if _close(va, vb) and _close(a.value_max, b.value_max) else "modified"
    if _close(va, vb):
        return None
    if va is None or vb is None:
        return "modified"
    sign = polarity(name, level2, a, b)
    return "raised" if sign * (vb - va) > 0 else "lowered"


# ---------------------------------------------------------------- assignment

def assign(scores: Sequence[Sequence[float]], threshold: float) -> list[tuple[int, int, float]]:
    """Optimal one-to-one pairs (Hungarian, maximizing the total margin) whose score reaches ``threshold``."""
    n = len(scores)
    m = len(scores[0]) if n else 0
    if not n or not m:
        return []
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    mat = np.asarray(scores, dtype=float)
    # Each pair earns its margin over the threshold (pairs under it earn nothing): maximizing raw
    # scores would let two mediocre pairs (0.53 + 0.49) displace one near-certain pair (0.95).
    gain = np.clip(mat - threshold, 0.0, None)
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return [(int(i), int(j), float(mat[i, j])) for i, j in zip(rows, cols) if mat[i, j] >= threshold]


# ---------------------------------------------------------------- items being matched

@dataclass
class _Ind:
    ind: Indicator
    level2: str | None
    target: Target

    def __post_init__(self):
        self.norm = normalize_name(self.ind.level3)


@dataclass
class _Proj:
    project: Project
    inds: list[_Ind]
    budget: float | None
    text: str  # purpose and goals

    def __post_init__(self):
        self.names = frozenset(i.norm for i in self.inds) - _PLACEHOLDER


@dataclass
class _Narr:
    text: str
    heading: str | None
    target: Target
    level2: str | None


def _is_placeholder(text: str | None) -> bool:
    return normalize_name(text) in _PLACEHOLDER


def _level2(ind: Indicator) -> str | None:
    return ind.level2 or (ind.category.level2 if ind.category else None) or ind.level2_raw


def budget_wan(project: Project) -> float | None:
    """The project's total budget in 万元 (fiscal when no total is given)."""
    b = project.budget
    v = b.total if b.total is not None else b.fiscal
    if v is None:
        return None
    return v / 10000 if (b.unit or "万元") == "元" else v


def _prefer_targets(docs: Iterable[Document]) -> list[Document]:
    """The documents of a year to compare: only its target documents when it has any (its
    self-evaluations repeat the same projects and rows), else all of them. Nothing is merged: two
    target documents of one year contribute their projects side by side."""
    docs = list(docs)
    targets = [d for d in docs if d.kind == "target"]
    return targets or docs



def _chain(items_by_year: dict[int, list], match) -> list[dict[int, Any]]:
    """Link items year by year: each year's items are matched (``match(previous, current)`` →
    ``(i, j, score)`` pairs) against the latest appearance of every chain so far, so an item
    missing in a middle year can rejoin its chain; unmatched items start new chains."""
    chains: list[dict[int, Any]] = []
    for y, current in items_by_year.items():
        latest = [c[max(c)] for c in chains]
        pairs = {j: i for i, j, _ in match(latest, current)} if latest else {}
        for j, item in enumerate(current):
            if j in pairs:
                chains[pairs[j]][y] = item
            else:
                chains.append({y: item})
    return chains

def _projects(docs: Iterable[Document]) -> list[_Proj]:
    out = []
    for d in _prefer_targets(docs):
        for p in d.projects:
            inds = [_Ind(i, _level2(i), target_of(i.value, i.target, name=i.level3, level2=_level2(i), year=d.year))
                    for i in p.indicators]
            text = " ".join(x for x in [p.purpose or "", *p.goals] if x)
            out.append(_Proj(p, inds, budget_wan(p), text))
    return out


def _narratives(docs: Iterable[Document]) -> list[_Narr]:
    out = []
    for d in _prefer_targets(docs):
        for s in d.sections:
            for t in s.targets:
                out.append(_Narr(t.text, s.heading, target_of(t.text, t.target, year=d.year), t.level2))
    return out


def _tdict(t: Target | None) -> dict[str, Any] | None:
    return to_dict(t) if t is not None else None


def _round(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)


# ---------------------------------------------------------------- the comparer

class Comparer:
    """Match and diff a department's documents across years.

    Args:
        segmenter (Segmenter | None): for token similarity (default: the shared one).
        project_threshold, indicator_threshold, narrative_threshold (float): minimum match scores.
    """

    def __init__(self, segmenter=None, *, project_threshold: float = PROJECT_THRESHOLD,
                 indicator_threshold: float = INDICATOR_THRESHOLD, narrative_threshold: float = NARRATIVE_THRESHOLD):
        self.sim = Similarity(segmenter)
        self.project_threshold = project_threshold
        self.indicator_threshold = indicator_threshold
        self.narrative_threshold = narrative_threshold

    # -- scores
    def indicator_score(self, a: _Ind, b: _Ind) -> float:
        """0.72 name (level3, or description) + 0.2 same category (−0.15 when both known and differ)
        + 0.03 same target kind + 0.05 same target (a tie-breaker between rows of one name)."""
        if a.norm in _PLACEHOLDER and b.norm in _PLACEHOLDER:
            name = 0.5  # two empty/未涉及 rows say nothing by name: let the category decide
        else:
            name = self.sim.score(a.ind.level3, b.ind.level3)
            da, db = a.ind.description, b.ind.description
            if da and db and not _is_placeholder(da) and not _is_placeholder(db):
                name = max(name, 0.9 * self.sim.score(da, db))
        if a.level2 and b.level2:
            cat = 0.2 if a.level2 == b.level2 else -0.15
        else:
            cat = 0.1
        kind = 0.0
        if a.target.kind == b.target.kind:
            kind = 0.08 if compare_targets(a.target, b.target, name=b.ind.level3) is None else 0.03
        return 0.72 * name + cat + kind

    def project_score(self, a: _Proj, b: _Proj, idf: dict[str, float]) -> float:
        """0.58 name + 0.2 purpose/goals + 0.19 IDF-weighted overlap of indicator names + 0.03 budget
        closeness (without purpose on both sides: 0.68 name + 0.29 overlap + 0.03 budget)."""
        name = self.sim.score(a.project.name or a.project.title, b.project.name or b.project.title)
        overlap = self._overlap(a, b, idf)
        budget = 0.0
        if a.budget and b.budget and a.budget > 0 and b.budget > 0:
            budget = 0.03 * min(a.budget, b.budget) / max(a.budget, b.budget)
        if a.text and b.text:
            text = self.sim.score(a.text, b.text, masked=True)
            return 0.58 * name + 0.2 * text + 0.19 * overlap + budget
        return 0.68 * name + 0.29 * overlap + budget

    def _overlap(self, a: _Proj, b: _Proj, idf: dict[str, float]) -> float:
        na, nb = a.names, b.names
        union = na | nb
        if not union:
            return 0.0
        # Generic rows (资金成本, 按时间进度要求支付使用资金) appear in most projects and weigh little.
        return sum(idf.get(n, 1.0) for n in na & nb) / sum(idf.get(n, 1.0) for n in union)

    def narrative_score(self, a: _Narr, b: _Narr) -> float:
        s = self.sim.score(a.text, b.text, masked=True)
        return s + (0.05 if a.target.kind == b.target.kind else 0.0)

    # -- matching
    def match_projects(self, left: list[_Proj], right: list[_Proj]) -> list[tuple[int, int, float]]:
        idf = _idf([left, right])
        scores = [[self.project_score(a, b, idf) for b in right] for a in left]
        return assign(scores, self.project_threshold)

    def match_indicators(self, left: list[_Ind], right: list[_Ind]) -> list[tuple[int, int, float]]:
        scores = [[self.indicator_score(a, b) for b in right] for a in left]
        return assign(scores, self.indicator_threshold)

    def match_narratives(self, left: list[_Narr], right: list[_Narr]) -> list[tuple[int, int, float]]:
        scores = [[self.narrative_score(a, b) for b in right] for a in left]
        return assign(scores, self.narrative_threshold)

    # -- two years
    def compare(self, department: str, from_year: int, from_docs: Iterable[Document], to_year: int,
                to_docs: Iterable[Document]) -> dict[str, Any]:
        """Contract §4 comparison of two years, plus a ``summary``."""
        from_docs, to_docs = list(from_docs), list(to_docs)  # read twice: projects, then narrative
        left, right = _projects(from_docs), _projects(to_docs)
        pairs = {j: (i, s) for i, j, s in self.match_projects(left, right)}
        matched_left = {i for i, _ in pairs.values()}
        projects = []
        for j, b in enumerate(right):
            if j in pairs:
                i, s = pairs[j]
                projects.append(self._project_diff(left[i], b, s, (from_year, to_year)))
            else:
                projects.append(self._project_one(b, "added"))
        projects += [self._project_one(a, "removed") for i, a in enumerate(left) if i not in matched_left]
        narrative = self._narrative_diff(_narratives(from_docs), _narratives(to_docs), (from_year, to_year))
        result = {"department": department, "from": from_year, "to": to_year, "projects": projects,
                  "narrative": narrative}
        result["summary"] = summarize(result)
        return result

    def _project_diff(self, a: _Proj, b: _Proj, score: float, years: tuple[int, int]) -> dict[str, Any]:
        pairs = {j: (i, s) for i, j, s in self.match_indicators(a.inds, b.inds)}
        matched = {i for i, _ in pairs.values()}
        rows = []
        for j, ib in enumerate(b.inds):
            if j in pairs:
                i, s = pairs[j]
                rows.append(self._indicator_diff(a.inds[i], ib, s, years))
            else:
                rows.append(_indicator_one(ib, "added"))
        for i, ia in enumerate(a.inds):
            if i not in matched:
                _insert_by_level2(rows, _indicator_one(ia, "removed"))
        renamed = normalize_name(a.project.name) != normalize_name(b.project.name)
        budget_changed = not _close(_round(a.budget), _round(b.budget))
        status = "changed" if renamed or budget_changed or any(r["status"] != "same" for r in rows) else "same"
        return {"status": status, "from_name": _shown(a.project), "to_name": _shown(b.project), "renamed": renamed,
                "from_code": a.project.code, "to_code": b.project.code, "score": round(score, 3),
                "budget": _budget(a.budget, b.budget), "indicators": rows}

    def _project_one(self, p: _Proj, status: str) -> dict[str, Any]:
        side_from = status == "removed"
        return {"status": status, "from_name": _shown(p.project) if side_from else None,
                "to_name": None if side_from else _shown(p.project), "renamed": False,
                "from_code": p.project.code if side_from else None,
                "to_code": None if side_from else p.project.code, "score": None,
                "budget": _budget(p.budget if side_from else None, None if side_from else p.budget),
                "indicators": [_indicator_one(i, status) for i in p.inds]}

    def _indicator_diff(self, a: _Ind, b: _Ind, score: float, years: tuple[int, int]) -> dict[str, Any]:
        renamed = a.norm != b.norm
        recategorized = bool(a.level2 and b.level2 and a.level2 != b.level2)
        change = compare_targets(a.target, b.target, name=b.ind.level3 or a.ind.level3,
                                 level2=b.level2 or a.level2, year_shift=years[1] - years[0], from_year=years[0])
        status = "changed" if renamed or recategorized or change else "same"
        return {"status": status, "change": change, "renamed": renamed, "recategorized": recategorized,
                "from_level3": a.ind.level3, "to_level3": b.ind.level3,
                "level1": b.ind.level1 or a.ind.level1, "level2": b.level2 or a.level2,
                "from_level2": a.level2, "to_level2": b.level2,
                "from_value": a.ind.value, "to_value": b.ind.value,
                "from_target": _tdict(a.target), "to_target": _tdict(b.target), "score": round(score, 3)}

    def _narrative_diff(self, left: list[_Narr], right: list[_Narr], years: tuple[int, int]) -> list[dict[str, Any]]:
        pairs = {j: (i, s) for i, j, s in self.match_narratives(left, right)}
        matched = {i for i, _ in pairs.values()}
        out = []
        for j, b in enumerate(right):
            if j in pairs:
                i, s = pairs[j]
                a = left[i]
                change = compare_targets(a.target, b.target, name=b.text, level2=b.level2,
                                         year_shift=years[1] - years[0], from_year=years[0])
                same_text = normalize_name(a.text) == normalize_name(b.text)
                status = "same" if change is None and same_text else "changed"
                out.append({"status": status, "change": change, "reworded": not same_text and change is None,
                            "from_text": a.text, "to_text": b.text, "heading": b.heading or a.heading,
                            "from_target": _tdict(a.target), "to_target": _tdict(b.target), "score": round(s, 3)})
            else:
                out.append(_narrative_one(b, "added"))
        out += [_narrative_one(a, "removed") for i, a in enumerate(left) if i not in matched]
        return out

    # -- several years
    def compare_years(self, department: str, docs_by_year: dict[int, Iterable[Document]]) -> dict[str, Any]:
        """Every indicator as a row across years: projects and indicators chained year to year.

        An item missing in a middle year can rejoin its chain later (each year is matched against the
        latest appearance of every chain so far).
        """
        docs_by_year = {y: list(d) for y, d in docs_by_year.items()}
        years = sorted(docs_by_year)
        if len(years) < 2:
            raise JixiaoError(f"comparing needs at least two years; got {years}")
        chains = _chain({y: _projects(docs_by_year[y]) for y in years}, self.match_projects)
        projects = [self._project_row(chain, years) for chain in chains]
        narr_chains = _chain({y: _narratives(docs_by_year[y]) for y in years}, self.match_narratives)
        narrative = []
        for c in narr_chains:
            first = c[min(c)]
            narrative.append({"texts": {y: n.text for y, n in c.items()},
                              "targets": {y: _tdict(n.target) for y, n in c.items()},
                              "changes": _chain_changes(c, years, lambda n: (n.target, n.text, n.level2)),
                              "heading": first.heading})
        result = {"department": department, "years": years, "from": years[0], "to": years[-1],
                  "projects": projects, "narrative": narrative}
        result["summary"] = summarize_years(result)
        return result

    def _project_row(self, chain: dict[int, _Proj], years: list[int]) -> dict[str, Any]:
        ind_chains = _chain({y: chain[y].inds for y in sorted(chain)}, self.match_indicators)
        indicators = []
        for c in ind_chains:
            last = c[max(c)]
            indicators.append({"level1": last.ind.level1, "level2": last.level2,
                               "names": {y: i.ind.level3 for y, i in c.items()},
                               "values": {y: i.ind.value for y, i in c.items()},
                               "targets": {y: _tdict(i.target) for y, i in c.items()},
                               "changes": _chain_changes(c, years, lambda i: (i.target, i.ind.level3, i.level2))})
        return {"names": {y: p.project.name for y, p in chain.items()},
                "budget": {y: _round(p.budget) for y, p in chain.items()},
                "indicators": indicators}


def _chain_changes(chain: dict, years: list[int], get) -> dict[str, str]:
    """``{"2021→2022": "raised"|...|"same"|"added"|"removed"}`` for consecutive years of the range."""
    out = {}
    for y0, y1 in zip(years, years[1:]):
        a, b = chain.get(y0), chain.get(y1)
        key = f"{y0}→{y1}"
        if a is None and b is None:
            continue
        if a is None:
            out[key] = "added"
        elif b is None:
            out[key] = "removed"
        else:
            (ta, na, la), (tb, nb, lb) = get(a), get(b)
            change = compare_targets(ta, tb, name=nb or na, level2=lb or la, year_shift=y1 - y0, from_year=y0)
            out[key] = change or ("renamed" if normalize_name(na) != normalize_name(nb) else "same")
    return out


def _idf(groups: Iterable[list[_Proj]]) -> dict[str, float]:
    df: dict[str, int] = {}
    n = 0
    for group in groups:
        for p in group:
            n += 1
            for name in {i.norm for i in p.inds}:
                df[name] = df.get(name, 0) + 1
    return {k: math.log((n + 1) / (v + 1)) + 0.1 for k, v in df.items()}


def _budget(a: float | None, b: float | None) -> dict[str, Any]:
    change = None if a is None or b is None else round(b - a, 4)
    pct = None if change is None or not a else round(100 * change / a, 2)
    return {"from": _round(a), "to": _round(b), "change": change, "pct": pct, "unit": "万元"}


def _indicator_one(i: _Ind, status: str) -> dict[str, Any]:
    side_from = status == "removed"
    return {"status": status, "change": None, "renamed": False, "recategorized": False,
            "from_level3": i.ind.level3 if side_from else None, "to_level3": None if side_from else i.ind.level3,
            "level1": i.ind.level1, "level2": i.level2,
            "from_level2": i.level2 if side_from else None, "to_level2": None if side_from else i.level2,
            "from_value": i.ind.value if side_from else None, "to_value": None if side_from else i.ind.value,
            "from_target": _tdict(i.target) if side_from else None,
            "to_target": None if side_from else _tdict(i.target), "score": None}


def _narrative_one(n: _Narr, status: str) -> dict[str, Any]:
    side_from = status == "removed"
    return {"status": status, "change": None, "reworded": False,
            "from_text": n.text if side_from else None, "to_text": None if side_from else n.text,
            "heading": n.heading, "from_target": _tdict(n.target) if side_from else None,
            "to_target": None if side_from else _tdict(n.target), "score": None}


def _insert_by_level2(rows: list[dict], row: dict) -> None:
    """Put a removed row after the last row of its category, so a table reads by category."""
    for k in range(len(rows) - 1, -1, -1):
        if rows[k]["level2"] == row["level2"]:
            rows.insert(k + 1, row)
            return
    rows.append(row)


# ---------------------------------------------------------------- summaries

def _count(items: Iterable[dict], key: str, values: Sequence[str]) -> dict[str, int]:
    out = {v: 0 for v in values}
    for it in items:
        v = it.get(key)
        if v in out:
            out[v] += 1
    return out


STATUSES = ("same", "changed", "added", "removed")
CHANGES = ("raised", "lowered", "modified")


def summarize(result: dict[str, Any]) -> dict[str, Any]:
    """Counts of added/removed/changed projects, indicators and narrative targets, and the budget total."""
    projects = result["projects"]
    inds = [i for p in projects for i in p["indicators"]]
    narr = result["narrative"]
    totals = {}
    for side in ("from", "to"):
        vals = [p["budget"][side] for p in projects if p["budget"][side] is not None]
        totals[side] = round(sum(vals), 4) if vals else None
    change = None if totals["from"] is None or totals["to"] is None else round(totals["to"] - totals["from"], 4)
    pct = None if change is None or not totals["from"] else round(100 * change / totals["from"], 2)
    return {
        "projects": {**_count(projects, "status", STATUSES), "renamed": sum(bool(p["renamed"]) for p in projects)},
        "indicators": {**_count(inds, "status", STATUSES), **_count(inds, "change", CHANGES),
                       "renamed": sum(bool(i["renamed"]) for i in inds)},
        "narrative": {**_count(narr, "status", STATUSES), **_count(narr, "change", CHANGES)},
        "budget": {"from": totals["from"], "to": totals["to"], "change": change, "pct": pct, "unit": "万元"},
    }


def summarize_years(result: dict[str, Any]) -> dict[str, Any]:
    """Per year: projects, indicators and the budget total; per transition: counts of each indicator
    change and of projects added, removed and renamed."""
    years = result["years"]
    per_year = {}
    for y in years:
        ps = [p for p in result["projects"] if y in p["names"]]
        vals = [p["budget"][y] for p in ps if p["budget"].get(y) is not None]
        per_year[y] = {"projects": len(ps), "indicators": sum(1 for p in ps for i in p["indicators"] if y in i["names"]),
                       "budget": round(sum(vals), 4) if vals else None}
    transitions = {}
    for y0, y1 in zip(years, years[1:]):
        key = f"{y0}→{y1}"
        counts: dict[str, int] = {}
        for p in result["projects"]:
            for i in p["indicators"]:
                c = i["changes"].get(key)
                if c:
                    counts[c] = counts.get(c, 0) + 1
        transitions[key] = counts
    project_transitions = {}
    for y0, y1 in zip(years, years[1:]):
        c = {"added": 0, "removed": 0, "renamed": 0}
        for p in result["projects"]:
            a, b = p["names"].get(y0), p["names"].get(y1)
            if y0 not in p["names"] and y1 in p["names"]:
                c["added"] += 1
            elif y0 in p["names"] and y1 not in p["names"]:
                c["removed"] += 1
            elif y0 in p["names"] and normalize_name(a) != normalize_name(b):
                c["renamed"] += 1
        project_transitions[f"{y0}→{y1}"] = c
    return {"years": per_year, "transitions": transitions, "project_transitions": project_transitions,
            "unit": "万元"}


# ---------------------------------------------------------------- public API and the command

def compare_documents(department: str, from_year: int, from_docs: Iterable[Document], to_year: int,
                      to_docs: Iterable[Document], *, segmenter=None) -> dict[str, Any]:
    """Compare a department's documents of two years (contract §4 plus ``summary``)."""
    return Comparer(segmenter).compare(department, from_year, from_docs, to_year, to_docs)


def compare_years(department: str, docs_by_year: dict[int, Iterable[Document]], *, segmenter=None) -> dict[str, Any]:
    """Compare several years at once: one row per indicator with a value per year."""
    return Comparer(segmenter).compare_years(department, docs_by_year)


def compare_range(department: str, docs_by_year: dict[int, Iterable[Document]], *, segmenter=None) -> dict[str, Any]:
    """What ``jixiao compare --from Y1 --to Y2`` reports: the first year against the last (contract §4,
    plus ``summary``) and, when years lie between them, the year-by-year chain of every year under
    ``by_year`` (the ``compare_years`` result), so the top level always has the contract's shape."""
    docs_by_year = {y: list(d) for y, d in docs_by_year.items()}  # read by both comparisons
    years = sorted(docs_by_year)
    if len(years) < 2:
        raise JixiaoError(f"comparing needs at least two years; got {years}")
    comparer = Comparer(segmenter)  # one similarity cache for both
    result = comparer.compare(department, years[0], docs_by_year[years[0]], years[-1], docs_by_year[years[-1]])
    if len(years) > 2:
        result["by_year"] = comparer.compare_years(department, docs_by_year)
    return result


def _listing(departments: dict[str, list[int]]) -> str:
    if not departments:
        return "the index is empty (run `jixiao ingest PATH` first)"
    return "; ".join(f"{d} ({', '.join(str(y) for y in sorted(ys)) or '年份未知 year unknown'})"
                     for d, ys in sorted(departments.items()))


def resolve_department(departments: dict[str, list[int]], query: str) -> str:
    """The department named exactly, else the only one containing ``query``; NotFoundError lists the index."""
    q = normalize_name(query)
    if query in departments:
        return query
    exact = [d for d in departments if normalize_name(d) == q]
    if len(exact) == 1:
        return exact[0]
    hits = [d for d in departments if q and q in normalize_name(d)]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise NotFoundError(f"department {query!r} is ambiguous: it matches {', '.join(sorted(hits))}; "
                            f"give the full name")
    raise NotFoundError(f"no department {query!r} in the index; it has: {_listing(departments)}")


def select_years(departments: dict[str, list[int]], department: str, year_from: int, year_to: int) -> list[int]:
    """The years to compare: both ends must have documents; years between them join when present."""
    if year_from >= year_to:
        raise JixiaoError(f"--from {year_from} must be earlier than --to {year_to}")
    have = sorted(set(departments.get(department) or []))
    missing = [y for y in (year_from, year_to) if y not in have]
    if missing:
        raise NotFoundError(f"{department} has no documents for {', '.join(map(str, missing))}; "
                            f"it has years: {', '.join(map(str, have)) or '年份未知 none known'}")
    return [y for y in have if year_from <= y <= year_to]


def run_compare(index_dir: str, department: str, year_from: int, year_to: int, *, fmt: str = "md",
                out_path: str | None = None, out=None) -> dict[str, Any]:
    """``jixiao compare``: read the index, compare, render in ``fmt`` to ``out_path`` or ``out``."""
    import sys

    from jixiao.index.report import write_report
    from jixiao.index.store import open_store

    if fmt == "xlsx" and not out_path:
        raise JixiaoError("--format xlsx writes a file: give -o FILE.xlsx")
    store = open_store(index_dir)
    try:
        departments = store.departments()
        dept = resolve_department(departments, department)
        years = select_years(departments, dept, year_from, year_to)
        docs = {y: store.documents(dept, y) for y in years}
    finally:
        store.close()
    result = compare_range(dept, docs)
    write_report(result, fmt, out_path=out_path, out=out or sys.stdout)
    return result


def _shown(p) -> str:
    """A project's name as parse and search show it (its table's title when it has no name)."""
    from jixiao.document import project_display_name

    return project_display_name(p)

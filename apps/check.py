"""``jixiao check``: review a draft 绩效目标表 before it is filed (contract §6).

Every indicator row gets its category (as stated, else the model's), its normalized value and its
findings. The rules follow 财预〔2020〕10号 and 财预〔2021〕101号: targets measurable and quantified
where possible, categories consistent with the names, a 满意度指标 block in every project and, in the
2021 framework, a 成本指标 block; with an index, a value far from what the same indicator had in
past years is pointed out with those years.

Severities: ``error`` is what a reviewer would send back (a rate valued 良好, 满意度 filed under
数量指标, an exact duplicate, no 满意度指标 block); ``warning`` is worth a second look; ``info`` is
advice. They are tuned so that an approved document (the bundled sample) has only a few errors.
"""

from __future__ import annotations

import re
import statistics
import sys
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from jixiao.document import Document, Indicator, Project, Target

SEVERITIES = ("error", "warning", "info")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
CONFLICT_P = 0.9  # model probability above which a stated category that differs is reported
PAST_PCT_POINTS = 20.0  # a percentage this many points from the past median is far
PAST_RATIO = 3.0  # a count or amount this many times larger or smaller than the past median is far
EMPTY_TABLE_ROWS = 3  # this many empty values, half the table or more: one finding for the table
SUSPECT_BELOW = 0.5  # contract §6: a row read with less confidence is suspect

_RATE = re.compile(r"(?:率|比例|比率|占比|比重)$")
_COUNT = re.compile(r"(?:数量|次数|人次|户次|个数|人数|户数|家数|场次|批次|件数|台数|套数|期数|项数|天数|册数|份数|数)$")
_COUNT_UNIT = {"次数": "次", "人次": "人次", "户次": "户次", "个数": "个", "人数": "人", "户数": "户", "家数": "家",
               "场次": "场", "批次": "批", "件数": "件", "台数": "台", "套数": "套", "期数": "期", "项数": "项",
               "天数": "天", "册数": "册", "份数": "份"}
# Words that grade rather than measure; a short value made of them is a judgement, not a target.
_GRADE = re.compile(r"良好|较好|很好|优秀|优良|较高|显著|明显|一般|较满意|基本满意|提高|提升|增强|改善|加强|进一步")
GRADE_MAX_CHARS = 8
_NA_NAME = re.compile(r"^(?:未涉及|不涉及|无|/|—+|-+|不适用)$")


@dataclass
class Finding:
    """One problem (or piece of advice) about a row, a project or the whole document."""

    severity: str  # error|warning|info
    code: str
    message: str
    project: str | None = None
    level3: str | None = None  # None: about a whole table or document
    value: str | None = None
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RowReview:
    """An indicator row as reviewed: category (stated or suggested), normalized value, findings."""

    project: str | None
    level1: str | None
    level2: str | None
    level3: str
    value: str | None
    category_source: str | None  # document|model
    confidence: float | None
    normalized: str
    target: dict[str, Any] | None
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["findings"] = [f.to_dict() for f in self.findings]
        return d


@dataclass
class Review:
    path: str | None
    year: int | None
    department: str | None
    taxonomy: str
    rows: list[RowReview] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # every finding: rows' in order, then tables'

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}

    def to_dict(self) -> dict[str, Any]:
        """Contract §6 (``path``, ``findings``) plus the reviewed rows and a summary."""
        return {"path": self.path, "year": self.year, "department": self.department, "taxonomy": self.taxonomy,
                "summary": {**self.counts(), "rows": len(self.rows)},
                "findings": [f.to_dict() for f in self.findings], "rows": [r.to_dict() for r in self.rows]}


# ---------------------------------------------------------------- names

def clean(name: str | None) -> str:
    from jixiao.models.features import clean_name

    return clean_name(name or "")[0]


def is_rate(name: str) -> bool:
    return bool(_RATE.search(clean(name).rstrip("）)")))


def is_count(name: str) -> bool:
    return bool(_COUNT.search(clean(name))) and not is_rate(name)


def unit_hint(name: str) -> str | None:
    """The unit a name implies: 培训人次 → 人次, 会议次数（次） → 次, 合格率 → %."""
    from jixiao.models.features import clean_name

    base, units = clean_name(name or "")
    if units:
        return units[0]
    if is_rate(name):
        return "%"
    for suffix, unit in _COUNT_UNIT.items():
        if base.endswith(suffix):
            return unit
    return None


def _num(v: float) -> str:
    return f"{v:g}"


def _years(years: Iterable[int]) -> str:
    ys = sorted(set(years))
    return "、".join(str(y) for y in ys) + "年"


# ---------------------------------------------------------------- the reviewer

class Checker:
    """Reviews Documents; holds the model, the taxonomy and (optionally) an open index ``store``.

    Args:
        store: an open ``Store`` for the past-years comparison and typical values (None: skipped).
        model: a fitted classifier (default: the bundled one).
    """

    def __init__(self, store=None, *, model=None):
        from jixiao.pipeline.taxonomy import load_taxonomy

        self.store = store
        self.tax = load_taxonomy()
        self._model = model
        self._past: dict[str, list[dict]] = {}

    @property
    def model(self):
        if self._model is None:
            from jixiao.models.predict import load_model

            self._model = load_model()
        return self._model

    # ------------------------------------------------------------ entry point

    def review(self, doc: Document) -> Review:
        version = self.tax.detect_version([i.level1_raw or i.level1 for _, i in doc.indicators()],
                                          [i.level2_raw or i.level2 for _, i in doc.indicators()])
        review = Review(path=doc.source.path if doc.source else None, year=doc.year, department=doc.department,
                        taxonomy=version)
        pairs = list(doc.indicators())
        preds = self.model.predict_categories(
            [{"level3": i.level3, "description": i.description, "value": i.value} for _, i in pairs], top=3) \
            if pairs else []
        for (project, ind), pred in zip(pairs, preds):
            review.rows.append(self._row(doc, project, ind, pred, version))
        empties = self._mostly_empty(doc, review)
        review.findings = [f for r in review.rows for f in r.findings]
        review.findings += empties + self._tables(doc, review, version)
        if not pairs:
            review.findings.append(Finding(
                "error", "C-NO-ROWS", "没有读到指标行 no indicator rows were found (一级/二级/三级指标, 指标值)",
                suggestion="粘贴或上传含表头的绩效目标表 paste or upload the table with its header row"))
        return review

    # ------------------------------------------------------------ rows

    def _shown_category(self, ind: Indicator, pred: dict, version: str) -> tuple[str | None, str | None, str, float]:
        cat = ind.category
        if ind.level2 or (cat is not None and cat.source == "document"):
            return (ind.level1 or (cat and cat.level1), ind.level2 or (cat and cat.level2), "document", 1.0)
        if cat is not None:
            return cat.level1, cat.level2, cat.source, float(cat.confidence)
        l1, l2 = self.tax.label(pred["id"], version, ind.level3 or "")
        return l1, l2, "model", float(pred["confidence"])

    def _row(self, doc: Document, project: Project, ind: Indicator, pred: dict, version: str) -> RowReview:
        from jixiao.output import target_text
        from jixiao.pipeline.extract import parse_value

        l1, l2, source, conf = self._shown_category(ind, pred, version)
        target = ind.target or parse_value(ind.value, name=ind.level3, level2=l2, year=doc.year)
        row = RowReview(project=project.name, level1=l1, level2=l2, level3=ind.level3 or "", value=ind.value,
                        category_source=source, confidence=round(conf, 3), normalized=target_text(target),
                        target=asdict(target) if target else None)
        name = ind.level3 or ""
        if not clean(name) or _NA_NAME.match(clean(name)):
            return row

        def add(severity: str, code: str, message: str, suggestion: str | None = None) -> None:
            row.findings.append(Finding(severity, code, message, project.name, name, ind.value, suggestion))

        self._check_category(add, ind, pred, l1, l2, source, conf, version)
        self._check_value(add, doc, name, target, l1, l2)
        read = getattr(ind, "read_confidence", None)
        if read is not None and read < SUSPECT_BELOW:
            # the reader doubts the row was read as written: its problems may be ours, not the draft's
            for f in row.findings:
                if f.severity == "error":
                    f.severity = "warning"
            flags = ", ".join(getattr(ind, "flags", None) or [])
            add("info", "C-SUSPECT-READ", f"这一行可能没有读对 the row may be misread (read_confidence {read:.2f}"
                + (f"; {flags}" if flags else "") + ")", suggestion="对照原表核对这一行 check it against the file")
        return row

    def _check_category(self, add, ind: Indicator, pred: dict, l1, l2, source, conf, version) -> None:
        tax = self.tax
        if source != "document":
            if l2:
                add("info", "C-CATEGORY-SUGGESTED", f"未填类别，建议归入 {l1}/{l2} (p={conf:.2f}) no category stated",
                    suggestion=f"{l1} → {l2}")
            return
        stated = tax.id_for_name(l2, l1)
        if stated is None or pred["confidence"] < CONFLICT_P:
            return
        if tax.map_id(stated, "cz2020") == tax.map_id(pred["id"], "cz2020"):
            return
        p1, p2 = tax.label(pred["id"], version, ind.level3 or "")
        s1 = tax.level1_of(tax.map_id(stated, "cz2020"), "cz2020")
        m1 = tax.level1_of(tax.map_id(pred["id"], "cz2020"), "cz2020")
        # Another first level (满意度 under 数量指标) misfiles the row; another second level under the
        # same first level (数量 vs 质量) is often a matter of judgement.
        severity = "error" if s1 != m1 else "warning"
        add(severity, "C-CATEGORY", f"类别与名称不符：填在 {l2}，名称看是 {p2} (p={pred['confidence']:.2f}) "
            f"the name reads as another category", suggestion=f"改为 {p1} → {p2}")

    def _check_value(self, add, doc: Document, name: str, t: Target, l1, l2) -> None:
        rate, count = is_rate(name), is_count(name)
        output_like = l1 in ("产出指标", "满意度指标", "成本指标")
        raw = (t.raw or "").strip()
        if t.kind == "na" and not raw:
            add("error" if output_like else "warning", "C-EMPTY", "指标值为空 the target value is empty",
                suggestion=self._typical_hint(name) or "填写可衡量的目标值 fill in a measurable target")
            return
        if t.kind == "qualitative":
            if rate or count:
                what = "比率" if rate else "数量"
                example = "≥95%" if rate else f"4{unit_hint(name) or '次'}"
                # a grade (良好, 明显提高) cannot be checked at all; a state (正常运行) at least as yes or no
                graded = bool(_GRADE.search(raw)) and len(raw) <= GRADE_MAX_CHARS
                add("error" if output_like and graded else "warning", "C-UNMEASURABLE",
                    f"{what}指标的目标「{raw}」无法衡量 a {'rate' if rate else 'count'} needs a number",
                    suggestion=self._typical_hint(name) or f"写成可衡量的数值，如 {example}")
            elif "name_as_value" in (t.flags or []):
                add("warning", "C-NAME-AS-VALUE", "指标值只是重复了指标名称 the value repeats the name",
                    suggestion="写明要达到的程度或数值 state the level to reach")
            elif l2 == "数量指标":
                add("warning", "C-NOT-QUANTIFIED", f"数量指标的目标「{raw}」没有数量 a 数量指标 should be a number",
                    suggestion=self._typical_hint(name) or "写明数量和单位，如 4次、22件")
            elif l1 == "产出指标":
                add("info", "C-QUALITATIVE", "定性目标：能量化的尽量量化 quantify where possible",
                    suggestion=self._typical_hint(name))
            return
        if t.kind == "numeric" and t.value is not None:
            if not t.unit:
                unit = unit_hint(name)
                if unit == "%" and 0 < t.value <= 1:  # a share written as a fraction: 1 is 100%, 0.95 is 95%
                    hint = f"写成 {_num(t.value * 100)}%（若 {raw} 是比例）"
                else:
                    hint = f"写成 {raw}{unit}" if unit else "写明单位，如 次、件、人、万元"
                add("warning", "C-NO-UNIT", f"数值「{raw}」没有单位 a number without a unit", suggestion=hint)
            elif rate and t.unit not in ("%", "‰", "百分点"):
                add("warning", "C-UNIT-MISMATCH", f"比率指标的目标是「{raw}」，不是百分比 a rate valued in {t.unit}",
                    suggestion="写成百分比，如 ≥95%，或改用数量指标名称")
            elif count and t.unit == "%" and not re.search(r"完成|比例|占", name):
                add("warning", "C-UNIT-MISMATCH", f"数量指标的目标是百分比「{raw}」 a count valued as a percentage",
                    suggestion=f"写成数量，如 {unit_hint(name) and '4' + unit_hint(name) or '22件'}，或改名为…完成率")
            elif rate and t.unit == "%" and t.value > 100 and (t.op or t.implied_op) == ">=" \
                    and not re.search(r"增长|增加|提高|上升|提升", name):
                add("warning", "C-OVER-100", f"比率目标超过 100%「{raw}」 a rate above 100%")
            self._check_past(add, doc, name, t)
        if t.kind == "deadline" and t.date and doc.year and re.match(r"\d{4}", t.date):
            y = int(t.date[:4])
            if y != doc.year:
                add("error" if y < doc.year else "warning", "C-DEADLINE-YEAR",
                    f"期限 {t.date} 不在预算年度 {doc.year} 内 a deadline outside the budget year",
                    suggestion=f"改为 {doc.year}年内的日期，如 {doc.year}年12月底前")

    # ------------------------------------------------------------ the index

    def _records(self, name: str) -> list[dict]:
        key = clean(name)
        if self.store is None or not key:
            return []
        if key not in self._past:
            from jixiao.errors import JixiaoError

            try:
                recs = self.store.similar_indicators(name, limit=100)
            except JixiaoError:
                recs = []
            self._past[key] = recs
        return self._past[key]

    def _same_indicator(self, name: str, year: int | None) -> list[dict]:
        """Past records of the same indicator (same name once cleaned), from other years than ``year``."""
        key = clean(name)
        out = []
        for r in self._records(name):
            if clean(r.get("level3")) != key or r.get("year") is None:
                continue
            if year is not None and r["year"] >= year:
                continue  # past years only; a draft's own year may already be in the index
            out.append(r)
        return out

    def _typical_hint(self, name: str) -> str | None:
        """过去同类指标的典型值, from the index: 「验收合格率: 过去 12 次，中位数 ≥95%（2019–2021年）」."""
        if self.store is None:
            return None
        from jixiao.models.suggest import summarize_for

        recs = [r for r in self._records(name) if r.get("target") and r["target"].get("kind") == "numeric"]
        if not recs:
            return None
        top = summarize_for(name, recs, limit=1)
        if not top or not top[0].get("typical"):
            return None
        s = top[0]
        years = {r["year"] for r in recs if r.get("year")}
        return f"参考以往：{s['line']}" + (f"（{_years(years)}）" if years else "")

    def _check_past(self, add, doc: Document, name: str, t: Target) -> None:
        from jixiao.index.compare import canonical_unit

        recs = [r for r in self._same_indicator(name, doc.year)
                if (r.get("target") or {}).get("kind") == "numeric" and r["target"].get("value") is not None
                and canonical_unit(r["target"].get("unit")) == canonical_unit(t.unit)]
        if len(recs) < 1:
            return
        vals = [float(r["target"]["value"]) for r in recs]
        med = statistics.median(vals)
        v = float(t.value)
        if t.unit == "%":
            far = abs(v - med) >= PAST_PCT_POINTS
        else:
            far = min(v, med) > 0 and max(v, med) / min(v, med) >= PAST_RATIO
        if not far:
            return
        years = {r["year"] for r in recs}
        lo, hi = min(vals), max(vals)
        span = _num(lo) if lo == hi else f"{_num(lo)}–{_num(hi)}"
        add("warning", "C-FAR-FROM-PAST",
            f"与以往差距大：{_years(years)}同一指标为 {span}{t.unit or ''}（中位数 {_num(med)}{t.unit or ''}，"
            f"{len(recs)} 条），本表 {_num(v)}{t.unit or ''} far from past years",
            suggestion=f"核对目标值，或说明调整原因（以往中位数 {_num(med)}{t.unit or ''}）")

    # ------------------------------------------------------------ tables and the document

    def _tables(self, doc: Document, review: Review, version: str) -> list[Finding]:
        out: list[Finding] = []
        for p, rows in self._project_rows(doc, review):
            if not rows:
                continue
            out += self._duplicates(p, rows)
            level1s = {r.level1 for r in rows} | {self.tax.canonical_level1(r.level1) for r in rows}
            if "满意度指标" not in level1s and not any("满意" in (r.level2 or "") for r in rows):
                out.append(Finding("error", "C-NO-SATISFACTION",
                                   "缺少满意度指标 no 满意度指标 block (财预〔2020〕10号)", p.name, None, None,
                                   "增加 满意度指标 → 服务对象满意度指标，如 服务对象满意度 ≥90%"))
            if version == "cz2021" and "成本指标" not in level1s:
                out.append(Finding("error", "C-NO-COST",
                                   "缺少成本指标 no 成本指标 block in the 2021 framework (财预〔2021〕101号)", p.name,
                                   None, None, "增加 成本指标 → 经济成本指标，如 项目总成本 ≤预算数"))
            elif version == "cz2020" and doc.year and doc.year >= 2022 \
                    and not any("成本" in (r.level2 or "") or r.level1 == "成本指标" for r in rows):
                # a 2020-style table filed after the 2021 framework came in, without any cost row
                out.append(Finding("warning", "C-NO-COST", f"{doc.year}年的表没有成本指标 no 成本指标 rows "
                                   f"(财预〔2021〕101号)", p.name, None, None,
                                   "增加 成本指标 → 经济成本指标，如 项目总成本 ≤预算数"))
        if version == "cz2020" and doc.year and doc.year >= 2022 and review.rows:
            out.append(Finding("info", "C-FRAMEWORK",
                               f"{doc.year}年的表按财预〔2021〕101号框架：一级指标含成本指标 the 2021 framework applies",
                               None, None, None, "把成本指标列为一级指标（经济成本/社会成本/生态环境成本）"))
        return out

    def _project_rows(self, doc: Document, review: Review) -> list[tuple[Project, list[RowReview]]]:
        out, k = [], 0
        for p in doc.projects:
            out.append((p, review.rows[k:k + len(p.indicators)]))
            k += len(p.indicators)
        return out

    def _mostly_empty(self, doc: Document, review: Review) -> list[Finding]:
        """A table whose values are mostly empty was filled in elsewhere or not read right: one finding
        for the table instead of an error on every row."""
        out = []
        for p, rows in self._project_rows(doc, review):
            empty = [r for r in rows if any(f.code == "C-EMPTY" for f in r.findings)]
            if len(empty) >= EMPTY_TABLE_ROWS and len(empty) * 2 >= len(rows):
                for r in empty:
                    r.findings = [f for f in r.findings if f.code != "C-EMPTY"]
                out.append(Finding("warning", "C-EMPTY-VALUES",
                                   f"{len(empty)}/{len(rows)} 行指标值为空 most target values are empty (or were not read)",
                                   p.name, None, None, "填写指标值；若原表有值，检查指标值列是否被读出 check the 指标值 column"))
        return out

    def _duplicates(self, p: Project, rows: list[RowReview]) -> list[Finding]:
        out = []
        seen: dict[str, RowReview] = {}
        for r in rows:
            key = clean(r.level3)
            if not key or _NA_NAME.match(key):
                continue
            first = seen.get(key)
            if first is None:
                seen[key] = r
                continue
            same_value = (first.value or "").strip() == (r.value or "").strip()
            f = Finding("error" if same_value else "warning", "C-DUPLICATE",
                        ("重复的指标行 a duplicate row" if same_value else
                         f"同名指标出现两次（另一行为「{first.value or ''}」） the same indicator twice"),
                        p.name, r.level3, r.value, "删除重复行，或改名区分 remove it or tell the two apart")
            r.findings.append(f)
            out.append(f)
        return out


def review_row(name: str, value: str | None, *, store=None, model=None, year: int | None = None) -> RowReview:
    """One row being drafted (name and value, no table around it): its suggested category, normalized
    value and the findings about the row alone (the drafting page shows them as you type)."""
    from jixiao.document import Source

    doc = Document(Source("draft", "", "txt"), year=year,
                   projects=[Project(indicators=[Indicator(level3=name, value=value)])])
    return Checker(store, model=model).review(doc).rows[0]


def check_document(doc: Document, store=None, *, model=None) -> list[Finding]:
    """Every finding about ``doc``: rows in order, then projects and the document."""
    return Checker(store, model=model).review(doc).findings


def review_document(doc: Document, store=None, *, model=None) -> Review:
    """``doc`` reviewed row by row (categories, normalized values, findings)."""
    return Checker(store, model=model).review(doc)


# ---------------------------------------------------------------- the command

def open_index(index_dir: str | None):
    """An open read-only store, or (None, why) when there is no usable index (checks still run)."""
    import os

    from jixiao.errors import JixiaoError

    if not index_dir or not os.path.isdir(index_dir):
        return None, f"没有索引 no index at {index_dir}: past-year comparison skipped"
    try:
        from jixiao.index.store import open_store

        return open_store(index_dir), None
    except (JixiaoError, ImportError) as e:
        return None, f"索引不可用 index not usable ({e}): past-year comparison skipped"


def run_check(paths: list[str], *, fmt: str = "table", index_dir: str | None = None, out=None,
              err=None) -> bool:
    """``jixiao check``: review each file; False when any finding is an error or a file could not be read."""
    from jixiao.errors import JixiaoError
    from jixiao.output import dumps
    from jixiao.pipeline.enrich import Parser, iter_input_files

    out, err = out or sys.stdout, err or sys.stderr
    files = list(iter_input_files(paths))
    if not files:
        raise JixiaoError(f"没有可检查的文件 no draft files found in {' '.join(map(str, paths))}")
    store, note = open_index(index_dir)
    if note and fmt == "table":
        print(f"注意 Note: {note}", file=err)
    parser = Parser()
    checker = Checker(store)
    results, ok = [], True
    try:
        for path in files:
            try:
                doc = parser.parse(path)
            except JixiaoError as e:
                print(f"错误 Error: {e}", file=err)
                ok = False
                continue
            review = checker.review(doc)
            ok = ok and review.counts()["error"] == 0
            if fmt == "json":
                results.append({"path": str(path), **{k: v for k, v in review.to_dict().items() if k != "path"}})
            else:
                out.write(table_text(review, str(path)))
    finally:
        if store is not None:
            store.close()
    if fmt == "json":
        out.write(dumps(results[0] if len(paths) == 1 and len(results) == 1 and len(files) == 1 else results)
                  + "\n")
    return ok


def table_text(review: Review, path: str, width: int | None = None) -> str:
    """A review for people: a summary line, then one line per finding."""
    import io

    from jixiao.output import print_table, terminal_width

    buf = io.StringIO()
    c = review.counts()
    buf.write(f"{path}\n  年度 {review.year or '?'}  部门 {review.department or '?'}  指标 {len(review.rows)}  "
              f"错误 {c['error']}  警告 {c['warning']}  提示 {c['info']}\n")
    order = {s: i for i, s in enumerate(SEVERITIES)}
    shown = [f for f in review.findings if f.severity != "info"] or review.findings
    rows = [[SEVERITY_ZH[f.severity], f.project or "", f.level3 or "（整表）", f.value or "", f.message,
             f.suggestion or ""] for f in sorted(shown, key=lambda f: order[f.severity])]
    if rows:
        print_table(rows, ["级别", "项目", "三级指标", "指标值", "问题", "建议"], file=buf,
                    width=width or terminal_width(sys.stdout), compact=True)
    if c["info"] and len(shown) < len(review.findings):
        buf.write(f"  另有 {c['info']} 条提示 (--format json 查看全部) more advice in --format json\n")
    buf.write("\n")
    return buf.getvalue()

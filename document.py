"""The data model every stage shares: Document, Project, Indicator, Section, Target.

Field names follow ``shared/spec/contract.md`` §2–§3 (the JSON a user sees is ``to_dict()``).
Stages fill the model in order: reading/layout (corpus/) → targets and categories (pipeline/, models/)
→ the index (index/).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class Target:
    """A normalized 指标值 (contract §3)."""

    raw: str
    kind: str = "qualitative"  # numeric|change|deadline|reference|qualitative|na
    op: str | None = None  # >=|<=|=|>|<|between|None
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    direction: str | None = None  # increase|decrease (kind change)
    baseline: str | None = None  # 2015年末, 上年 …
    reference: str | None = None  # 核定数, 预算数 …
    date: str | None = None  # 2022-12 or 2022-12-30; --12 / --12-30 when no year is written or known
    implied_op: str | None = None  # direction inferred when op is None
    flags: list[str] = field(default_factory=list)

    @property
    def effective_op(self) -> str | None:
        return self.op or self.implied_op


@dataclass
class Category:
    level1: str | None
    level2: str | None
    source: str = "document"  # document|model
    confidence: float = 1.0


@dataclass
class Indicator:
    level1: str | None = None  # canonical
    level2: str | None = None
    level1_raw: str | None = None  # as written
    level2_raw: str | None = None
    level3: str = ""
    description: str | None = None
    value: str | None = None
    actual: str | None = None  # 实际完成值 (self-evaluations)
    basis: str | None = None  # 指标确定依据 / 绩效标准
    weight: str | None = None  # 分值
    score: str | None = None  # 得分
    deviation: str | None = None  # 偏差原因
    unit: str | None = None  # a separate 单位/计量单位 column, as written
    target: Target | None = None
    actual_target: Target | None = None
    category: Category | None = None
    # How sure the reader is that name and value were read as written (contract §6); below
    # SUSPECT the row is suspect. flags say why (codes in corpus/confidence.py).
    read_confidence: float = 1.0
    flags: list[str] = field(default_factory=list)

    @property
    def suspect(self) -> bool:
        return self.read_confidence < SUSPECT


SUSPECT = 0.5  # read_confidence below this marks a suspect row


@dataclass
class Budget:
    total: float | None = None
    fiscal: float | None = None
    other: float | None = None
    unit: str = "万元"


@dataclass
class ScheduleItem:
    period: str
    percent: float | None


@dataclass
class Project:
    code: str | None = None
    name: str | None = None
    title: str | None = None
    budget: Budget = field(default_factory=Budget)
    purpose: str | None = None
    schedule: list[ScheduleItem] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class NarrativeTarget:
    text: str  # the clause
    target: Target
    span: tuple[int, int] | None = None  # [start, end) within the section's indicator_text
    level1: str | None = None
    level2: str | None = None
    confidence: float | None = None


@dataclass
class Section:
    heading: str | None = None
    goal: str | None = None
    indicator_text: str | None = None
    targets: list[NarrativeTarget] = field(default_factory=list)


@dataclass
class Warning:
    code: str
    message: str
    where: str | None = None


@dataclass
class Source:
    path: str
    sha256: str
    format: str  # txt|docx|xlsx|pdf|html|xls|doc


@dataclass
class Document:
    source: Source
    year: int | None = None
    region: str | None = None
    # the region's place in the division list: {"province", "city", "county", "code"} (None: not found)
    region_levels: dict[str, str | None] | None = None
    department: str | None = None
    kind: str = "unknown"  # target|self_evaluation|unknown
    title: str | None = None
    sections: list[Section] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    quality: dict[str, int] = field(default_factory=lambda: {"rows": 0, "suspect": 0})

    def warn(self, code: str, message: str, where: str | None = None) -> None:
        self.warnings.append(Warning(code, message, where))

    def indicators(self):
        """Yield (project, indicator) for every indicator row."""
        for p in self.projects:
            for ind in p.indicators:
                yield p, ind

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Document":
        return document_from_dict(d)


NO_PROJECT_NAME = "（无名项目）"


def project_display_name(p: Any) -> str:
    """The name a project is shown under everywhere (parse tables, search hits, compare): its name, else
    its table's title without an 附件/附表 label, else （无名项目）. ``Project.name`` stays as read."""
    import re

    get = p.get if isinstance(p, dict) else lambda k: getattr(p, k, None)
    name = (get("name") or "").strip()
    if name:
        return name
    title = re.sub(r"^\s*附[件表]\s*[\d一二三四五六七八九十]*\s*[:：.、]?\s*", "", get("title") or "").strip()
    return title or NO_PROJECT_NAME


def to_dict(obj: Any) -> Any:
    """Dataclass → plain JSON-able dict (tuples become lists)."""
    d = asdict(obj)
    return _listify(d)


def _listify(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _listify(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_listify(v) for v in x]
    return x


def _build(cls, d: dict[str, Any] | None):
    if d is None:
        return None
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in d.items() if k in names})


def target_from_dict(d: dict[str, Any] | None) -> Target | None:
    if d is None:
        return None
    t = _build(Target, d)
    t.flags = list(d.get("flags") or [])
    return t


def indicator_from_dict(d: dict[str, Any]) -> Indicator:
    ind = _build(Indicator, d)
    ind.flags = list(d.get("flags") or [])
    ind.target = target_from_dict(d.get("target"))
    ind.actual_target = target_from_dict(d.get("actual_target"))
    ind.category = _build(Category, d.get("category"))
    return ind


def project_from_dict(d: dict[str, Any]) -> Project:
    p = _build(Project, d)
    p.budget = _build(Budget, d.get("budget")) or Budget()
    p.schedule = [_build(ScheduleItem, s) for s in d.get("schedule") or []]
    p.goals = list(d.get("goals") or [])
    p.indicators = [indicator_from_dict(i) for i in d.get("indicators") or []]
    return p


def section_from_dict(d: dict[str, Any]) -> Section:
    s = _build(Section, d)
    targets = []
    for t in d.get("targets") or []:
        nt = _build(NarrativeTarget, t)
        nt.target = target_from_dict(t.get("target"))
        nt.span = tuple(t["span"]) if t.get("span") else None
        targets.append(nt)
    s.targets = targets
    return s


def document_from_dict(d: dict[str, Any]) -> Document:
    doc = _build(Document, d)
    doc.source = _build(Source, d["source"])
    doc.sections = [section_from_dict(s) for s in d.get("sections") or []]
    doc.projects = [project_from_dict(p) for p in d.get("projects") or []]
    doc.warnings = [_build(Warning, w) for w in d.get("warnings") or []]
    q = d.get("quality") or {}
    doc.quality = {"rows": int(q.get("rows", 0)), "suspect": int(q.get("suspect", 0))}
    return doc

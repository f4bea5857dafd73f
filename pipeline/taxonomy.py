"""The indicator-category taxonomy (data in ``pipeline/data/taxonomy.yaml``) and label normalization.

Two frameworks: ``cz2020`` (产出 → 数量/质量/时效/成本; 效益 → 经济/社会/生态/可持续影响; 满意度) and
``cz2021`` (first-level 成本 → 经济/社会/生态环境成本; no 可持续影响). Categories are identified by
ids such as ``output.quantity``; names are what documents print.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

VERSIONS = ("cz2020", "cz2021")
LEVEL1_NAMES = ("产出指标", "效益指标", "满意度指标", "成本指标")

_ENUM = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]|[①-⑩])\s*")
SCORE_RE = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分?\s*[）)]")  # (50分) in a label
_SCORE = SCORE_RE
_SPACE = re.compile(r"[\s\u3000]+")


def clean_label(raw: str | None) -> str:
    """Strip scores ``(50分)``, enumerators, spaces, stars and a doubled 指标 suffix."""
    if not raw:
        return ""
    s = raw.replace("\u3000", " ")
    s = _SCORE.sub("", s)
    s = _ENUM.sub("", s)
    s = _SPACE.sub("", s).strip("*★☆:：|")
    while s.endswith("指标指标"):
        s = s[:-2]
    return s


@dataclass(frozen=True)
class CategoryInfo:
    id: str
    name: str  # second-level name, e.g. 数量指标
    polarity: str
    cue_words: tuple[str, ...]
    negative_cues: tuple[str, ...]
    examples: tuple[str, ...]


class Taxonomy:
    """Loaded taxonomy: category definitions, version trees, synonyms and mappings."""

    def __init__(self, data: dict):
        self.data = data
        self.default_version = data.get("default_version", "cz2020")
        self.categories: dict[str, CategoryInfo] = {}
        for cid, c in data["categories"].items():
            self.categories[cid] = CategoryInfo(
                id=cid, name=c["name"], polarity=c.get("polarity", "positive"),
                cue_words=tuple(c.get("cue_words") or ()), negative_cues=tuple(c.get("negative_cues") or ()),
                examples=tuple(str(e) for e in c.get("examples") or ()))
        # version → category id → first-level name
        self.parent: dict[str, dict[str, str]] = {}
        for v in VERSIONS:
            tree = data["versions"][v]["tree"]
            self.parent[v] = {cid: l1 for l1, node in tree.items() for cid in node["children"]}
        syn = data["synonyms"]
        self._l1 = {clean_label(s): canon for canon, alts in syn["first_level"].items() for s in alts + [canon]}
        self._l2: dict[str, str] = {}
        for cid, alts in syn["second_level"].items():
            for s in list(alts or []) + [self.categories[cid].name]:
                self._l2.setdefault(clean_label(s), cid)
        self._mappings = data.get("mappings", {})

    # -- names and ids
    def name(self, cid: str | None) -> str | None:
        return self.categories[cid].name if cid in self.categories else None

    def id_for_name(self, level2: str | None, level1: str | None = None) -> str | None:
        """Canonical category id for a (possibly raw) second-level label, using the parent to decide 成本."""
        if not level2:
            return None
        key = clean_label(level2)
        cid = self._l2.get(key)
        if cid is None and not key.endswith("指标"):
            cid = self._l2.get(key + "指标")
        if cid is None:
            # Long wrapped labels (社会公众或服务对象满意度指标…) and labels with trailing noise.
            for syn, c in sorted(self._l2.items(), key=lambda kv: -len(kv[0])):
                if len(syn) >= 4 and key.startswith(syn):
                    cid = c
                    break
        if cid == "output.cost" and self.canonical_level1(level1) == "成本指标":
            cid = "cost.economic"
        return cid

    def canonical_level1(self, raw: str | None) -> str | None:
        """产出/效果指标/满意度 … → 产出指标/效益指标/满意度指标/成本指标 (None when unknown)."""
        if not raw:
            return None
        key = clean_label(raw)
        canon = self._l1.get(key) or self._l1.get(key + "指标")
        if canon in LEVEL1_NAMES:
            return canon
        return None

    def canonical_level2(self, raw: str | None, level1: str | None = None) -> str | None:
        return self.name(self.id_for_name(raw, level1))

    def level1_of(self, cid: str, version: str | None = None) -> str | None:
        version = version or self.default_version
        l1 = self.parent[version].get(cid)
        if l1 is None:  # a category the version lacks: map it first
            mapped = self.map_id(cid, version)
            l1 = self.parent[version].get(mapped)
        return l1

    def ids(self, version: str | None = None) -> list[str]:
        return list(self.parent[version or self.default_version])

    # -- version mapping
    def map_id(self, cid: str, to_version: str, text: str = "") -> str:
        """Map a category id into ``to_version`` (rules use cue words of the indicator text)."""
        if cid in self.parent[to_version]:
            return cid
        key = "cz2020_to_cz2021" if to_version == "cz2021" else "cz2021_to_cz2020"
        rule = self._mappings.get(key, {}).get(cid)
        if rule is None:
            return cid
        if isinstance(rule, str):
            return rule
        for r in rule.get("rules", []) or []:
            if any(c in text for c in r.get("if_cues", [])):
                return r["to"]
        return rule.get("default", cid)

    def label(self, cid: str | None, version: str | None = None, text: str = "") -> tuple[str | None, str | None]:
        """(level1, level2) names of ``cid`` as printed in ``version``."""
        if cid is None:
            return None, None
        version = version or self.default_version
        mapped = self.map_id(cid, version, text)
        return self.parent[version].get(mapped), self.name(mapped)

    def detect_version(self, level1_labels, level2_labels=()) -> str:
        """cz2021 when a document uses first-level 成本指标 or 经济/社会/生态环境成本, else cz2020."""
        if any(self.canonical_level1(x) == "成本指标" for x in level1_labels):
            return "cz2021"
        if any(self.id_for_name(x) in ("cost.economic", "cost.social", "cost.eco_env") for x in level2_labels):
            return "cz2021"
        return "cz2020"


@functools.lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    text = (resources.files("jixiao.pipeline") / "data" / "taxonomy.yaml").read_text(encoding="utf-8")
    return Taxonomy(taxonomy_data(text))


def taxonomy_data(text: str) -> dict:
    """The parsed YAML, through a JSON copy in the user's cache dir keyed by the text's hash.

    Parsing the YAML costs 0.1–0.4 s (PyYAML), which every ``suggest``/``classify`` would pay;
    the JSON copy loads in under a millisecond. A cache that cannot be written is simply skipped.
    """
    import hashlib
    import json

    from jixiao.pipeline.segment import cache_dir

    path = cache_dir() / f"taxonomy-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:20]}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "categories" in data:
            return data
    except (OSError, ValueError):
        pass
    import yaml

    # libyaml's safe loader when PyYAML has it: 0.02 s instead of 0.2 s
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    from jixiao.errors import WriteError
    from jixiao.output import atomic_path

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path, ".json") as tmp:
            Path(tmp).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    except (OSError, WriteError):
        pass
    return data


def cached_derivation(name: str, compute):
    """``compute()`` (JSON-able) for the current taxonomy and user dictionary, kept in the user's cache dir.

    For facts mined from the taxonomy with the segmenter (search's measure suffixes): mining costs
    the whole jieba dictionary, which a query otherwise never needs.
    """
    import hashlib
    import json

    from jixiao.pipeline.segment import cache_dir, user_dict_path

    h = hashlib.sha256()
    h.update((resources.files("jixiao.pipeline") / "data" / "taxonomy.yaml").read_bytes())
    try:
        h.update(user_dict_path().read_bytes())
    except OSError:
        pass
    path = cache_dir() / f"{name}-{h.hexdigest()[:20]}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = compute()
    from jixiao.errors import WriteError
    from jixiao.output import atomic_path

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path, ".json") as tmp:
            Path(tmp).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    except (OSError, WriteError):
        pass
    return value

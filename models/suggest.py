"""``jixiao suggest``: where does an indicator being drafted belong, and what did others set?

Categories come from the classifier; when an index exists, similar past indicators are grouped by
name with a typical value: ``验收合格率: 过去 37 次，中位数 ≥95%``.
"""

from __future__ import annotations

import os
import re
import statistics
from collections import Counter
from typing import Any

from jixiao.errors import JixiaoError
from jixiao.output import OP_SIGNS



def _get(rec: Any, key: str):
    return rec.get(key) if isinstance(rec, dict) else getattr(rec, key, None)


def typical_value(records: list) -> dict:
    """Count and typical target of past records: the median of the numeric targets sharing the most
    common (comparator, unit), else the most common value as written."""
    numeric = []
    for r in records:
        t = _get(r, "target")
        if t is not None and _get(t, "kind") == "numeric" and _get(t, "value") is not None:
            op = _get(t, "op") or _get(t, "implied_op")
            numeric.append((op, _get(t, "unit") or "", float(_get(t, "value"))))
    out: dict[str, Any] = {"count": len(records),
                           "years": sorted({y for y in (_get(r, "year") for r in records) if isinstance(y, int)})}
    if numeric:
        (op, unit), _ = Counter((o, u) for o, u, _ in numeric).most_common(1)[0]
        vals = [v for o, u, v in numeric if (o, u) == (op, unit)]
        # Counts (4次, 22件) and other whole-number targets: the median is one of the values (the
        # lower middle one), never 4.5次; rates and amounts keep the ordinary median.
        med = statistics.median_low(vals) if all(float(v).is_integer() for v in vals) else statistics.median(vals)
        out.update({"median": med, "min": min(vals), "max": max(vals), "op": op, "unit": unit or None,
                    "n_numeric": len(vals),
                    "typical": f"{'' if op == '=' else OP_SIGNS.get(op or '', '')}{med:g}{unit}", "kind": "median"})
        return out
    raws = Counter((_get(r, "value") or "").strip() for r in records)
    raws.pop("", None)
    if raws:
        raw, _ = raws.most_common(1)[0]
        out.update({"typical": raw, "kind": "most_common"})
    return out


# Words of a table's header, not names of indicators (a header row read as a data row).
_HEADER = re.compile(r"^(?:[一二三]级)?(?:绩效)?指标(?:名称|内容|值|值说明|解释)?(?:[(（].*)?$|^(?:年度)?(?:目标值|指标值|"
                     r"实际完成值|完成值|分值|得分|权重|备注|序号|偏差原因.*)(?:[(（].*)?$")


def junk_name(name: str | None) -> bool:
    """A row whose "name" is header words or a category label, or has no Chinese name at all."""
    from jixiao.models.features import clean_name
    from jixiao.pipeline.taxonomy import load_taxonomy

    key = clean_name(name or "")[0]
    if len(key) < 2 or not re.search(r"[\u4e00-\u9fff]", key) or _HEADER.match(key):
        return True
    tax = load_taxonomy()
    # a category label (数量指标, 产出指标) as the name; 服务对象满意度 is a real name, 服务对象满意度指标 a label
    return key.endswith("指标") and (tax.canonical_level1(key) is not None or tax.canonical_level2(key) is not None)


def _bigrams(key: str) -> set[str]:
    return {key[i:i + 2] for i in range(len(key) - 1)} or ({key} if key else set())


def name_similarity(query_key: str, key: str) -> float:
    """How much of the drafted name another name shares: character bigrams, Dice coefficient.

    Only names count: the index also matches a query word in a row's value or text (设备 in
    「购置节能环保设备」), which says nothing about the indicator being drafted.
    """
    a, b = _bigrams(query_key), _bigrams(key)
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def summarize_similar(records: list, limit: int = 5, query: str | None = None) -> list[dict]:
    """Group past indicator records by name; names most like ``query`` first (then the most frequent,
    then relevance order). Junk rows (header words) and, with a query, names sharing nothing with
    it are left out."""
    from jixiao.models.features import clean_name

    qkey = clean_name(query)[0] if query else None
    groups: dict[str, list] = {}
    shown: dict[str, str] = {}
    for r in records:
        name = _get(r, "level3") or ""
        key = clean_name(name)[0]
        if not key or junk_name(name):
            continue
        groups.setdefault(key, []).append(r)
        shown.setdefault(key, name)
    sim = {k: name_similarity(qkey, k) for k in groups} if qkey else {k: 1.0 for k in groups}
    order = {k: i for i, k in enumerate(groups)}
    out = []
    keys = [k for k in groups if sim[k] > 0]
    for key in sorted(keys, key=lambda k: (-round(sim[k], 3), -len(groups[k]), order[k]))[:limit]:
        recs = groups[key]
        s = typical_value(recs)
        l2 = Counter(_get(r, "level2") for r in recs if _get(r, "level2"))
        s.update({"level3": shown[key], "level2": l2.most_common(1)[0][0] if l2 else None})
        s["scope"] = "name"
        s["similarity"] = round(sim[key], 3)
        s["line"] = _line(shown[key], s)
        out.append(s)
    return out


def _line(name: str, s: dict) -> str:
    return (f"{name}: 过去 {s['count']} 次，" +
            (f"中位数 {s['typical']}" if s.get("kind") == "median"
             else f"常见 {s['typical']}" if s.get("typical") else "无数值"))


def summarize_for(name: str, records: list, limit: int = 5) -> list[dict]:
    """A summary of every past record whose name contains ``name`` (验收合格率 covers 项目验收合格率),
    then the most frequent similar names."""
    from jixiao.models.features import clean_name

    key = clean_name(name)[0]
    out = []
    same = [r for r in records if key and key in clean_name(_get(r, "level3") or "")[0]
            and not junk_name(_get(r, "level3"))]
    if same:
        s = typical_value(same)
        l2 = Counter(_get(r, "level2") for r in same if _get(r, "level2"))
        s.update({"level3": name, "level2": l2.most_common(1)[0][0] if l2 else None, "scope": "contains"})
        s["line"] = _line(name, s)
        out.append(s)
    for s in summarize_similar(records, limit=limit, query=name):
        # the group of exactly this name says nothing new when it holds the same rows as the summary
        if not (same and clean_name(s["level3"])[0] == key and s["count"] in (1, len(same))):
            out.append(s)
    return out[:limit + 1]


def find_similar(name: str, index_dir: str | None) -> tuple[list[dict], str | None]:
    """(summaries, hint). No index, or an index that cannot be opened, yields a hint instead."""
    if not index_dir or not os.path.isdir(index_dir):
        return [], f"没有索引 no index at {index_dir}: run `jixiao ingest PATH...` to see similar past indicators"
    try:
        from jixiao.index.store import open_store

        store = open_store(index_dir)
    except (JixiaoError, ImportError) as e:
        return [], f"索引不可用 index not usable ({e}); run `jixiao ingest PATH...`"
    try:
        records = store.similar_indicators(name)
    except JixiaoError as e:
        return [], f"索引查询失败 index lookup failed ({e})"
    finally:
        store.close()
    if not records:
        return [], "索引中没有相似指标 no similar past indicators in the index"
    return summarize_for(name, records), None


def run_suggest(name: str, *, value: str | None = None, top: int = 3, fmt: str = "table",
                index_dir: str | None = None, taxonomy: str | None = None, model_path: str | None = None,
                out=None) -> dict:
    """Print the top categories (with p) and similar past indicators for ``name``."""
    import sys

    from jixiao.errors import QueryError
    from jixiao.models.predict import labelled, resolve_model
    from jixiao.output import dumps
    from jixiao.pipeline.taxonomy import load_taxonomy

    out = out or sys.stdout
    if not name or not name.strip():
        raise QueryError("suggest needs an indicator name, e.g. `jixiao suggest 培训人次`")
    tax = load_taxonomy()
    version = taxonomy or tax.default_version
    model, which = resolve_model(model_path, index_dir)
    pred = model.predict_categories([{"level3": name, "value": value}], top=12, min_p=0.0)[0]
    res = labelled(pred, tax, version, name)  # pooled per printed label (cz2021 merges some ids)
    cats = [{"level1": res["level1"], "level2": res["level2"], "p": round(res["confidence"], 3)}]
    cats += [{"level1": a["level1"], "level2": a["level2"], "p": round(a["p"], 3)} for a in res["alternatives"]]
    cats = cats[:max(1, top)]
    similar, hint = find_similar(name, index_dir)
    result = {"name": name, "value": value, "taxonomy": version, "categories": cats,
              "similar": [{k: v for k, v in s.items() if k != "line"} for s in similar], "hint": hint,
              "model": which}
    if fmt == "json":
        out.write(dumps(result) + "\n")
        return result
    from jixiao.output import print_table

    print_table([[c["level1"], c["level2"], f"{c['p']:.2f}"] for c in cats], ["一级指标", "二级指标", "概率 p"],
                title=f"{name}" + (f"  {value}" if value else ""), file=out)
    if similar:
        out.write("相似历史指标 similar past indicators:\n")
        for s in similar:
            out.write(f"  {s['line']}" + (f"  ({s['level2']})" if s.get("level2") else "") + "\n")
    elif hint:
        out.write(f"{hint}\n")
    return result


def similar_in(store, name: str) -> tuple[list[dict], str | None]:
    """``find_similar`` over an already open store (a server keeps one open): (summaries, hint)."""
    if store is None:
        return [], "没有索引 no index: run `jixiao ingest PATH...` to see similar past indicators"
    try:
        records = store.similar_indicators(name)
    except JixiaoError as e:
        return [], f"索引查询失败 index lookup failed ({e})"
    if not records:
        return [], "索引中没有相似指标 no similar past indicators in the index"
    return summarize_for(name, records), None


def suggest_result(name: str, *, value: str | None = None, top: int = 3, store=None, model=None,
                   which: dict | None = None, taxonomy: str | None = None) -> dict:
    """The data of ``jixiao suggest --format json`` for ``name``, with a loaded ``model`` (``which``: where
    it came from, as ``resolve_model`` says) and an open ``store`` (None: no similar indicators), printing
    nothing. A server calls it with what it loaded once."""
    from jixiao.errors import QueryError
    from jixiao.models.predict import labelled, resolve_model
    from jixiao.pipeline.taxonomy import load_taxonomy

    if not name or not name.strip():
        raise QueryError("suggest needs an indicator name, e.g. `jixiao suggest 培训人次`")
    tax = load_taxonomy()
    version = taxonomy or tax.default_version
    if model is None:
        model, which = resolve_model()
    pred = model.predict_categories([{"level3": name, "value": value}], top=12, min_p=0.0)[0]
    res = labelled(pred, tax, version, name)
    cats = [{"level1": res["level1"], "level2": res["level2"], "p": round(res["confidence"], 3)}]
    cats += [{"level1": a["level1"], "level2": a["level2"], "p": round(a["p"], 3)} for a in res["alternatives"]]
    similar, hint = similar_in(store, name)
    return {"name": name, "value": value, "taxonomy": version, "categories": cats[:max(1, top)],
            "similar": [{k: v for k, v in s.items() if k != "line"} for s in similar], "hint": hint,
            "model": which or {"source": "bundled", "path": None}}

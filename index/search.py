"""``jixiao search``: snippets and the table/json/csv/xlsx outputs (contract §5, §6); queries are parsed in ``query.py``."""

from __future__ import annotations

import html
import sys
from typing import Any

from jixiao.errors import JixiaoError, QueryError
from jixiao.index.query import MAX_QUERY_TERMS, QUERY_FIELDS  # noqa: F401 - their home before query.py

# Columns of the csv/xlsx export (contract §6): Chinese headers; the target's comparator, number and
# unit in their own columns; plain-text snippets. (header, hit → cell)
EXPORT_COLUMNS = (
    ("得分", lambda h: h.get("score")),
    ("类型", lambda h: KIND_NAMES.get(h.get("kind"), h.get("kind"))),
    ("年度", lambda h: h.get("year") if h.get("year") is not None else UNKNOWN),
    ("地区", lambda h: h.get("region")),
    ("部门", lambda h: h.get("department")),
    ("项目", lambda h: h.get("project") or h.get("heading")),
    ("一级指标", lambda h: h.get("level1")),
    ("二级指标", lambda h: h.get("level2")),
    ("三级指标", lambda h: h.get("level3")),
    ("指标值", lambda h: h.get("value") if h.get("kind") == "indicator" else (h.get("target") or {}).get("raw")),
    ("比较符", lambda h: _op_text(h.get("target"))),
    ("目标数值", lambda h: (h.get("target") or {}).get("value")),
    ("目标上限", lambda h: (h.get("target") or {}).get("value_max")),
    ("单位", lambda h: (h.get("target") or {}).get("unit")),
    ("目标类型", lambda h: _target_kind(h.get("target"))),
    ("读取可信度", lambda h: h.get("read_confidence")),
    ("文本", lambda h: h.get("text")),
    ("摘要", lambda h: snippet_text(h.get("snippet") or "")),
    ("文件", lambda h: (h.get("source") or {}).get("path")),
    ("SHA256", lambda h: (h.get("source") or {}).get("sha256")),
)
HIT_COLUMNS = tuple(name for name, _ in EXPORT_COLUMNS)
FACET_NAMES = {"year": "年度", "level2": "二级指标", "department": "部门"}
KIND_NAMES = {"indicator": "指标", "narrative": "叙述", "project": "项目目标"}
UNKNOWN = "未知"


def _op_text(t: dict | None) -> str | None:
    from jixiao.output import OP_SIGNS

    op = (t or {}).get("op")
    return "区间" if op == "between" else OP_SIGNS.get(op or "", op)


def _target_kind(t: dict | None) -> str | None:
    from jixiao.output import KIND_ZH

    k = (t or {}).get("kind")
    return KIND_ZH.get(k, k) if k else None


def make_snippet(text: str, terms: set[str], maxchars: int = 120) -> str:
    """``text`` with the query's terms in ``<b>…</b>`` (HTML-escaped), cut to about ``maxchars`` around the first."""
    from jixiao.index.analysis import iter_terms

    spans = sorted((s, e) for t, _, s, e in iter_terms(text, index=True) if t in terms) if terms else []
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    lo, hi = 0, len(text)
    if len(text) > maxchars:
        first = merged[0][0] if merged else 0
        lo = max(0, min(first - maxchars // 3, len(text) - maxchars))
        hi = lo + maxchars
    out, cur = [], lo
    for s, e in merged:
        if e <= lo or s >= hi:
            continue
        s, e = max(s, lo), min(e, hi)
        out.append(html.escape(text[cur:s], quote=False))
        out.append("<b>" + html.escape(text[s:e], quote=False) + "</b>")
        cur = e
    out.append(html.escape(text[cur:hi], quote=False))
    return ("…" if lo > 0 else "") + "".join(out) + ("…" if hi < len(text) else "")


def snippet_plain(snippet: str) -> str:
    """A snippet for people: 【】 instead of tags."""
    return html.unescape(snippet.replace("<b>", "【").replace("</b>", "】"))


def snippet_text(snippet: str) -> str:
    """A snippet as plain text (no tags, no marks, entities decoded), for spreadsheets."""
    return html.unescape(snippet.replace("<b>", "").replace("</b>", ""))


def hit_row(h: dict[str, Any]) -> list[Any]:
    """One hit as export cells in ``HIT_COLUMNS`` order (numbers stay numbers)."""
    return [get(h) for _, get in EXPORT_COLUMNS]


def facet_rows(facets: dict[str, dict[str, int]]) -> list[list[Any]]:
    """Facet counts as rows (分面, 取值, 条数); a year is a number, an unknown one 未知."""
    rows = []
    for name, counts in facets.items():
        for k, n in counts.items():
            v: Any = int(k) if name == "year" and k.isdigit() else k
            rows.append([FACET_NAMES.get(name, name), v, n])
    return rows


def run_search(index_dir: str, query: str, *, year=None, year_from=None, year_to=None, department=None,
               region=None, level1=None, level2=None, kind=None, vmin=None, vmax=None, limit=20,
               fmt="table", out_path=None, out=None, confident=False) -> dict[str, Any]:
    """Search the index and print (or write to ``out_path``) the hits in ``fmt``; returns contract §5."""
    from jixiao.index.store import SearchFilters, open_store
    from jixiao.output import csv_text, dumps, write_text_atomic, write_xlsx

    out = out or sys.stdout
    if fmt == "xlsx" and not out_path:
        raise JixiaoError("--format xlsx 需要 -o FILE (an Excel file cannot go to the terminal)")
    if year_from is not None and year_to is not None and year_from > year_to:
        raise QueryError(f"--from {year_from} is after --to {year_to}")
    for name, v in (("--min", vmin), ("--max", vmax)):
        if v is not None and v != v:
            raise QueryError(f"{name} nan is not a number")
    if vmin is not None and vmax is not None and vmin > vmax:
        raise QueryError(f"--min {vmin:g} is above --max {vmax:g}")
    filters = SearchFilters(year=year, year_from=year_from, year_to=year_to, department=department,
                            region=region, level1=level1, level2=level2, kind=kind, vmin=vmin, vmax=vmax,
                            confident=confident)
    store = open_store(index_dir)
    try:
        result = store.search(query, filters, limit=max(0, int(limit)))
        note = getattr(store, "last_query_note", None)
        known = store.departments() if (result.total == 0 and department) else None
    finally:
        store.close()
    data = result.to_dict()
    if note:
        print(f"注意 Note: {note}", file=sys.stderr)
    if fmt == "json":
        text = dumps(data) + "\n"
    elif fmt == "csv":
        text = csv_text([hit_row(h) for h in data["hits"]], HIT_COLUMNS)
    elif fmt == "xlsx":
        write_xlsx(out_path, {"hits": (HIT_COLUMNS, [hit_row(h) for h in data["hits"]]),
                              "facets": (["分面", "取值", "条数"], facet_rows(data["facets"]))})
        print(f"{result.total} hits → {out_path}", file=out)
        return data
    else:
        from jixiao.output import terminal_width

        text = _table_text(data, department, known, width=200 if out_path else terminal_width(out))
    if out_path:
        write_text_atomic(out_path, text, bom=fmt == "csv")  # Excel reads a UTF-8 CSV only with a BOM
    else:
        out.write(text)
    return data


def _suspect_mark(h: dict[str, Any]) -> str:
    """Contract §6: a suspect row (read_confidence < 0.5) is marked in tables."""
    conf = h.get("read_confidence")
    return f"  ⚠存疑 suspect {conf:.2f}" if conf is not None and conf < 0.5 else ""


def _table_text(data: dict[str, Any], department: str | None, known: dict | None, width: int = 200) -> str:
    import io

    from jixiao.output import print_table

    buf = io.StringIO()
    hits = data["hits"]
    depts = {h.get("department") for h in hits}
    one_dept = len(depts) == 1 and None not in depts
    buf.write(f"「{data['query']}」 共 {data['total']} 条 hits" +
              (f"，显示前 {len(hits)} 条 showing {len(hits)} (--limit)" if len(hits) < data["total"] else "") +
              (f"  部门 {next(iter(depts))}" if one_dept else "") + "\n")
    if hits:
        rows = [[h.get("year") if h.get("year") is not None else UNKNOWN]
                + ([] if one_dept else [h.get("department")])
                + [h.get("project") or h.get("heading") or "", h.get("level2"),
                   snippet_plain(h.get("snippet") or "") + _suspect_mark(h),
                   h.get("value") if h.get("kind") == "indicator" else f"({KIND_NAMES.get(h.get('kind'), '叙述')})"] for h in hits]
        # one department: its name is in the heading line, not repeated on every row
        print_table(rows, ["年度"] + ([] if one_dept else ["部门"]) + ["项目", "二级指标", "指标 / 目标", "指标值"],
                    file=buf, width=width)
        names = {"year": "年度", "level2": "二级指标", "department": "部门"}
        for name, counts in data["facets"].items():
            if counts and not (one_dept and name == "department" and len(counts) == 1):
                shown = "  ".join(f"{k} {n}" for k, n in list(counts.items())[:12])
                more = f"  …(+{len(counts) - 12})" if len(counts) > 12 else ""
                buf.write(f"{names.get(name, name)}: {shown}{more}\n")
    elif known is not None and not any(department in d for d in known):
        buf.write(f"没有部门包含 no department contains「{department}」; known: "
                  f"{', '.join(list(known)[:20]) or '(none)'}\n")
    return buf.getvalue()

"""``jixiao search``: query parsing (forgiving), snippets, and the table/json/csv/xlsx outputs (contract §5)."""

from __future__ import annotations

import html
import re
import sys
from typing import Any

from jixiao.errors import JixiaoError, QueryError

# Fields a user may name as ``field:value`` (others are read as plain words).
QUERY_FIELDS = ("text", "project", "department", "region", "level1", "level2", "year", "kind", "vnum")
HIT_COLUMNS = ("score", "kind", "year", "region", "department", "project", "level1", "level2", "level3",
               "value", "target", "text", "snippet", "source_path", "source_sha256")
_QUOTES = str.maketrans({"“": '"', "”": '"', "＂": '"', "「": '"', "」": '"', "（": "(", "）": ")"})
_OPS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_FIELD = re.compile(r"(?<![\w.])([A-Za-z_][A-Za-z0-9_]*):")
# More terms than anyone types (a pasted page): whoosh nests one matcher per term and overflows the stack.
MAX_QUERY_TERMS = 512
# Characters of a query: segmenting a 10,000-character phrase alone took 11 s.
MAX_QUERY_CHARS = 1000


def _syntax_problem(q: str) -> str | None:
    """Why ``q`` is not well-formed query syntax, or None."""
    if q.count('"') % 2:
        return "unbalanced quote"
    depth = 0
    for ch in q:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return "unbalanced parenthesis"
    if depth:
        return "unbalanced parenthesis"
    for m in _FIELD.finditer(q):
        if m.group(1) not in QUERY_FIELDS:
            return f"unknown field '{m.group(1)}'"
        rest = q[m.end():]
        if not rest or rest[0].isspace() or rest[0] == ")":
            return f"'{m.group(1)}:' without a value"
    words = q.replace("(", " ").replace(")", " ").split()
    if words and (words[0] in _OPS - {"NOT"} or words[-1] in _OPS):
        return "operator without a word on each side"
    for a, b in zip(words, words[1:]):
        if a in _OPS and b in _OPS - {"NOT"}:
            return "two operators in a row"
    return None


def _has_error(q) -> bool:
    if getattr(q, "error", None):
        return True
    return any(_has_error(c) for c in q.children()) if hasattr(q, "children") else False


def plain_query(schema, text: str):
    """All words of ``text`` must match (syntax characters and operator words dropped)."""
    from whoosh import query as Q

    cleaned = _FIELD.sub(lambda m: " " if m.group(1) in QUERY_FIELDS else m.group(1) + " ", text)
    cleaned = re.sub(r'["()\[\]{}:^~*?]', " ", cleaned)
    words = [w for w in cleaned.split() if w not in _OPS]
    terms = []
    for w in words:
        terms += [t for t in schema["text"].process_text(w, mode="query")]
    terms = list(dict.fromkeys(terms))
    if not terms:
        raise QueryError(f"查询没有可检索的词 the query {text!r} has no searchable words")
    _check_size(len(terms))
    return Q.And([Q.Term("text", t) for t in terms]) if len(terms) > 1 else Q.Term("text", terms[0])


def parse_user_query(schema, text: str):
    """User query → (whoosh query, note). Malformed syntax is searched as plain words (note says so)."""
    from whoosh import qparser
    from whoosh import query as Q

    from jixiao.pipeline.segment import fold_width

    q = fold_width((text or "").translate(_QUOTES)).strip()
    if not q:
        raise QueryError("查询为空 the query is empty; give words to search, or '*' with filters")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"查询过长 the query has {len(q):,} characters, at most {MAX_QUERY_CHARS:,}; "
                         f"search a few key words")
    problem = _syntax_problem(q)
    if problem is None:
        parser = qparser.QueryParser("text", schema, group=qparser.AndGroup)
        parser.remove_plugin_class(qparser.FieldsPlugin)
        parser.add_plugin(qparser.FieldsPlugin(remove_unknown=True))
        try:
            parsed = parser.parse(q)
        except Exception as e:  # whoosh's parser raises assorted errors on odd input
            problem = f"{type(e).__name__}"
        else:
            if _has_error(parsed):
                problem = "a value the field cannot take"
            elif parsed is Q.NullQuery:
                problem = "nothing searchable"
            else:
                _check_size(sum(1 for _ in parsed.leaves()))
                return parsed, None
    return plain_query(schema, q), f"查询语法有误 ({problem})，已按普通词语检索 searched as plain words"


def _check_size(n_terms: int) -> None:
    if n_terms > MAX_QUERY_TERMS:
        raise QueryError(f"查询过长 the query has {n_terms} terms, at most {MAX_QUERY_TERMS}; search a few key words")


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


def hit_row(h: dict[str, Any]) -> list[Any]:
    import json

    src = h.get("source") or {}
    row = []
    for c in HIT_COLUMNS:
        if c == "source_path":
            row.append(src.get("path"))
        elif c == "source_sha256":
            row.append(src.get("sha256"))
        elif c == "target":
            row.append(json.dumps(h["target"], ensure_ascii=False) if h.get("target") else None)
        else:
            row.append(h.get(c))
    return row


def run_search(index_dir: str, query: str, *, year=None, year_from=None, year_to=None, department=None,
               region=None, level1=None, level2=None, kind=None, vmin=None, vmax=None, limit=20,
               fmt="table", out_path=None, out=None) -> dict[str, Any]:
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
                            region=region, level1=level1, level2=level2, kind=kind, vmin=vmin, vmax=vmax)
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
        facet_rows = [[name, k, n] for name, counts in data["facets"].items() for k, n in counts.items()]
        write_xlsx(out_path, {"hits": (HIT_COLUMNS, [hit_row(h) for h in data["hits"]]),
                              "facets": (["facet", "value", "count"], facet_rows)})
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
        rows = [[h.get("year")] + ([] if one_dept else [h.get("department")])
                + [h.get("project") or h.get("heading") or "", h.get("level2"), snippet_plain(h.get("snippet") or ""),
                   h.get("value") if h.get("kind") == "indicator" else "(叙述)"] for h in hits]
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

"""Renderers for comparison results: json, md, html (self-contained, with charts), csv and xlsx.

A two-year result (``compare_documents``, ``compare_range``) and a several-year result (``compare_years``,
which has a ``years`` key) are both accepted. A two-year result carrying ``by_year`` (``jixiao compare``
over a range with years between its ends) is reported as that two-year comparison first, every format
alike, then the year-by-year table as an extra section (md, html) or sheets (xlsx); csv, like the json
top level, holds the two-year rows. Every string that comes from a document is escaped in HTML.
"""

from __future__ import annotations

import html
import json
from typing import Any, Iterable

STATUS_ZH = {"same": "不变", "changed": "变化", "added": "新增", "removed": "删除"}
# raised/lowered judge ambition with the indicator's direction (a 故障率 going 5% → 3% is raised), so
# the words say 要求 (the demand), not the number, went up or down.
CHANGE_ZH = {"raised": "要求提高", "lowered": "要求降低", "modified": "调整", "renamed": "改名", "same": "不变",
             "added": "新增", "removed": "删除", None: ""}
COLORS = {"raised": "#2e7d32", "lowered": "#c62828", "modified": "#ef6c00", "same": "#9e9e9e",
          "added": "#1565c0", "removed": "#6d4c41", "renamed": "#7b1fa2"}
YEAR_COLORS = ("#90a4ae", "#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#e53935", "#00897b")


def is_multi(result: dict[str, Any]) -> bool:
    return "years" in result


def num(v: Any) -> str:
    """12.0 → 12, 4.52 → 4.52, None → ''."""
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.4f}".rstrip("0").rstrip(".")
    return str(v)


def signed(v: float | None) -> str:
    if v is None:
        return ""
    return ("+" if v > 0 else "") + num(v)


def budget_text(b: dict[str, Any]) -> str:
    if b.get("from") is None and b.get("to") is None:
        return "无预算数"
    s = f"{num(b.get('from')) or '—'} → {num(b.get('to')) or '—'} {b.get('unit', '万元')}"
    if b.get("change") == 0:
        s += "（不变）"
    elif b.get("change") is not None:
        s += f"（{signed(b['change'])}" + (f"，{signed(b['pct'])}%" if b.get("pct") is not None else "") + "）"
    return s


def change_label(row: dict[str, Any]) -> str:
    parts = []
    if row.get("change"):
        parts.append(CHANGE_ZH[row["change"]])
    if row.get("renamed"):
        parts.append("改名")
    if row.get("recategorized"):
        parts.append("改类")
    if row.get("reworded"):
        parts.append("改写")
    return "、".join(parts)


def project_title(p: dict[str, Any]) -> str:
    if p["status"] == "added":
        return p["to_name"] or "（无名项目）"
    if p["status"] == "removed":
        return p["from_name"] or "（无名项目）"
    if p.get("renamed"):
        return f"{p['from_name']} → {p['to_name']}"
    return p["to_name"] or p["from_name"] or "（无名项目）"


# ---------------------------------------------------------------- entry point

def render(result: dict[str, Any], fmt: str) -> str:
    """The report as text (json, md, html, csv); xlsx goes through ``write_report``."""
    multi = is_multi(result)
    if fmt == "json":
        return json.dumps(result, ensure_ascii=False, indent=1) + "\n"
    if fmt == "md":
        return render_md_years(result) if multi else render_md(result)
    if fmt == "html":
        return render_html_years(result) if multi else render_html(result)
    if fmt == "csv":
        from jixiao.output import csv_text

        columns, rows = year_rows(result) if multi else indicator_rows(result)
        return csv_text(rows, columns)
    raise ValueError(f"unknown report format {fmt!r}")


def write_report(result: dict[str, Any], fmt: str, *, out_path: str | None = None, out=None) -> None:
    """Render ``result`` to ``out_path`` (atomically) or to the text stream ``out``."""
    from jixiao.errors import JixiaoError
    from jixiao.output import write_text_atomic

    if fmt == "xlsx":
        if not out_path:
            raise JixiaoError("--format xlsx writes a file: give -o FILE.xlsx")
        write_xlsx_report(result, out_path)
        return
    text = render(result, fmt)
    if out_path:
        write_text_atomic(out_path, text, bom=fmt == "csv")
    else:
        out.write(text)


# ---------------------------------------------------------------- tabular rows (csv, xlsx)

INDICATOR_COLUMNS = ["kind", "project_status", "from_project", "to_project", "status", "change", "renamed",
                     "level1", "level2", "from_level3", "to_level3", "from_value", "to_value",
                     "from_op", "to_op", "from_number", "to_number", "unit"]


def _t(t: dict | None, key: str) -> Any:
    if not t:
        return None
    if key == "op":
        return t.get("op") or t.get("implied_op")
    return t.get(key)


def indicator_rows(result: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """One row per indicator (and per narrative clause, ``kind`` = narrative) of a two-year result."""
    rows = []
    for p in result["projects"]:
        for i in p["indicators"]:
            ft, tt = i.get("from_target"), i.get("to_target")
            rows.append(["indicator", p["status"], p["from_name"], p["to_name"], i["status"], i.get("change"),
                         bool(i.get("renamed")), i.get("level1"), i.get("level2"), i["from_level3"], i["to_level3"],
                         i["from_value"], i["to_value"], _t(ft, "op"), _t(tt, "op"), _t(ft, "value"),
                         _t(tt, "value"), _t(tt, "unit") or _t(ft, "unit")])
    for n in result["narrative"]:
        ft, tt = n.get("from_target"), n.get("to_target")
        rows.append(["narrative", None, n.get("heading"), n.get("heading"), n["status"], n.get("change"), False,
                     None, None, n["from_text"], n["to_text"], _t(ft, "raw"), _t(tt, "raw"), _t(ft, "op"),
                     _t(tt, "op"), _t(ft, "value"), _t(tt, "value"), _t(tt, "unit") or _t(ft, "unit")])
    return INDICATOR_COLUMNS, rows


def _year_keys(result) -> list:
    return list(result["years"])


def _get(d: dict, y) -> Any:
    """Year-keyed dicts have int keys in Python and str keys after a JSON round trip."""
    return d.get(y, d.get(str(y)))


def year_rows(result: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """One row per indicator with one value column per year (and one change column per transition)."""
    years = _year_keys(result)
    trans = [f"{a}→{b}" for a, b in zip(years, years[1:])]
    columns = (["kind", "project", "level2", "level3"] + [f"value_{y}" for y in years] + [f"change_{t}" for t in trans]
               + [f"number_{y}" for y in years] + ["unit"])

    def numbers(targets: dict) -> list:
        ts = [_get(targets, y) or {} for y in years]
        return [t.get("value") for t in ts] + [next((t["unit"] for t in reversed(ts) if t.get("unit")), None)]

    rows = []
    for p in result["projects"]:
        pname = _latest(p["names"], years)
        for i in p["indicators"]:
            rows.append(["indicator", pname, i.get("level2"), _latest(i["names"], years)]
                        + [_get(i["values"], y) for y in years] + [i["changes"].get(t) for t in trans]
                        + numbers(i.get("targets") or {}))
    for n in result["narrative"]:
        present = {y: t for y, t in (n.get("targets") or {}).items() if _get(n["texts"], y)}
        rows.append(["narrative", n.get("heading"), None, _latest(n["texts"], years)]
                    + [(_get(n["targets"], y) or {}).get("raw") if _get(n["texts"], y) else None for y in years]
                    + [n["changes"].get(t) for t in trans] + numbers(present))
    return columns, rows


def _latest(by_year: dict, years: list) -> Any:
    for y in reversed(years):
        v = _get(by_year, y)
        if v is not None:
            return v
    return None


# ---------------------------------------------------------------- xlsx

XLSX_HEADERS = {"kind": "类型 kind", "project_status": "项目状态 project_status", "from_project": "基准年项目 from_project",
                "to_project": "对比年项目 to_project", "status": "状态 status", "change": "变化 change",
                "renamed": "改名 renamed", "level1": "一级指标 level1", "level2": "二级指标 level2",
                "from_level3": "基准年三级指标 from_level3", "to_level3": "对比年三级指标 to_level3",
                "from_value": "基准年指标值 from_value", "to_value": "对比年指标值 to_value",
                "from_op": "基准年比较 from_op", "to_op": "对比年比较 to_op", "from_number": "基准年数值 from_number",
                "to_number": "对比年数值 to_number", "unit": "单位 unit", "project": "项目 project",
                "level3": "三级指标 level3"}
KIND_ZH = {"indicator": "指标", "narrative": "叙述目标"}


def _xlsx_sheet(columns: list[str], rows: list[list[Any]], y0=None, y1=None) -> tuple[list[str], list[list[Any]]]:
    """The csv columns for people: bilingual headers with the years, and Chinese statuses (an Excel
    filter then offers 新增/删除/要求提高, not added/removed/raised); numbers stay numbers."""
    per_year = {"value": "指标值 value", "change": "变化 change", "number": "数值 number"}
    headers, codes = [], []
    for c in columns:
        key, _, year = c.partition("_")
        if key in per_year and year[:1].isdigit():
            headers.append(f"{year} {per_year[key]}")
        else:
            headers.append(XLSX_HEADERS.get(c, c).replace("基准年", f"{y0} ").replace("对比年", f"{y1} "))
        codes.append(c.split("_", 1)[0] if c.startswith("change_") else c)
    out = []
    for r in rows:
        row = []
        for c, v in zip(codes, r):
            if c == "kind":
                v = KIND_ZH.get(v, v)
            elif c in ("status", "project_status"):
                v = STATUS_ZH.get(v, v)
            elif c == "change":
                v = CHANGE_ZH.get(v, v)
            elif c == "renamed":
                v = "是" if v else ""
            row.append(v)
        out.append(row)
    return headers, out


def _year_sheets(result: dict[str, Any]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """摘要, 项目 and 指标变化 of a several-year result: per-year counts, budgets and values."""
    years = _year_keys(result)
    summ = result["summary"]
    summary_rows: list[list[Any]] = [["部门 department", result["department"]]]
    for y in years:
        s = _get(summ["years"], y)
        summary_rows += [[f"{y} 项目数 projects", s["projects"]], [f"{y} 指标数 indicators", s["indicators"]],
                         [f"{y} 预算合计（万元）budget", s["budget"]]]
    for t, counts in summ["transitions"].items():
        summary_rows += [[f"{t} 指标{CHANGE_ZH.get(k, k)} {k}", v] for k, v in counts.items()]
    proj_rows = [[_latest(p["names"], years)] + [_get(p["budget"], y) for y in years] for p in result["projects"]]
    columns, rows = _xlsx_sheet(*year_rows(result))
    return {"摘要": (["项目 item", "数值 value"], summary_rows),
            "项目": (["项目 project"] + [f"{y} 预算(万元)" for y in years], proj_rows),
            "指标变化": (columns, rows)}


def write_xlsx_report(result: dict[str, Any], path: str) -> None:
    """Sheets 摘要 (summary), 项目 (projects) and 指标变化 (indicator level), all with filters; a result
    with ``by_year`` adds 逐年摘要, 逐年项目 and 逐年指标变化 for the years between.

    Counts, budgets and target numbers are numeric cells (sums and filters work in Excel)."""
    from jixiao.output import write_xlsx

    if is_multi(result):
        sheets = _year_sheets(result)
    else:
        s = result["summary"]
        summary_rows = [["部门 department", result["department"]], ["年度 years", f"{result['from']} → {result['to']}"]]
        for part, zh in (("projects", "项目"), ("indicators", "指标"), ("narrative", "叙述目标")):
            for k, v in s[part].items():
                summary_rows.append([f"{zh} {CHANGE_ZH.get(k) or STATUS_ZH.get(k, k)} {k}", v])
        b = s["budget"]
        summary_rows += [[f"预算合计 {result['from']}（万元）", b["from"]], [f"预算合计 {result['to']}（万元）", b["to"]],
                         ["预算变化（万元）", b["change"]], ["预算变化 %", b["pct"]]]
        proj_rows = [[STATUS_ZH[p["status"]], p["from_name"], p["to_name"], "是" if p.get("renamed") else "",
                      p["budget"]["from"], p["budget"]["to"], p["budget"]["change"],
                      sum(i["status"] == "added" for i in p["indicators"]),
                      sum(i["status"] == "removed" for i in p["indicators"]),
                      sum(i["status"] == "changed" for i in p["indicators"])] for p in result["projects"]]
        columns, rows = _xlsx_sheet(*indicator_rows(result), y0=result["from"], y1=result["to"])
        sheets = {"摘要": (["项目 item", "数值 value"], summary_rows),
                  "项目": (["状态", f"{result['from']} 项目", f"{result['to']} 项目", "改名",
                          f"{result['from']} 预算(万元)", f"{result['to']} 预算(万元)", "预算变化",
                          "新增指标", "删除指标", "变化指标"], proj_rows),
                  "指标变化": (columns, rows)}
        if result.get("by_year"):  # the years between, after the two-year sheets
            sheets.update({f"逐年{k}": v for k, v in _year_sheets(result["by_year"]).items()})
    write_xlsx(path, sheets)


# ---------------------------------------------------------------- markdown

def _md(v: Any) -> str:
    """A table cell or heading: pipes and angle brackets backslash-escaped (CommonMark shows them
    literally, so planted HTML never renders), line breaks flattened."""
    s = num(v).replace("\\", "\\\\")
    for ch in "|<>":
        s = s.replace(ch, "\\" + ch)
    return s.replace("\r", " ").replace("\n", " ")


def _md_table(columns: list[str], rows: Iterable[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_md(c) for c in r) + " |" for r in rows]
    return lines


def render_md(result: dict[str, Any]) -> str:
    y0, y1 = result["from"], result["to"]
    s = result["summary"]
    out = [f"# {_md(result['department'])} {y0} → {y1} 绩效目标对比", "", "## 摘要 Summary", ""]
    out += _md_table(["", "新增", "删除", "变化", "不变"],
                     [[zh, s[k]["added"], s[k]["removed"], s[k]["changed"], s[k]["same"]]
                      for k, zh in (("projects", "项目"), ("indicators", "指标"), ("narrative", "叙述目标"))])
    i = s["indicators"]
    out += ["", f"- 指标值：提高 {i['raised']}，降低 {i['lowered']}，调整 {i['modified']}；改名 {i['renamed']}",
            f"- 项目改名：{s['projects']['renamed']}",
            f"- 预算合计：{budget_text(s['budget'])}", "", "## 项目 Projects", ""]
    unchanged = []
    for p in result["projects"]:
        if p["status"] == "same":
            unchanged.append(p)
            continue
        tag = STATUS_ZH[p["status"]] + ("、改名" if p.get("renamed") else "")
        out += [f"### [{tag}] {_md(project_title(p))}", "", f"预算：{budget_text(p['budget'])}", ""]
        rows = [r for r in p["indicators"] if r["status"] != "same"]
        if rows:
            out += _md_table(["状态", "二级指标", f"{y0} 三级指标", f"{y1} 三级指标", f"{y0} 指标值", f"{y1} 指标值", "变化"],
                             [[STATUS_ZH[r["status"]], r.get("level2"), r["from_level3"], r["to_level3"],
                               r["from_value"], r["to_value"], change_label(r)] for r in rows])
            out.append("")
        same = len(p["indicators"]) - len(rows)
        if same and p["status"] == "changed":
            out += [f"其余 {same} 项指标未变。", ""]
    if unchanged:
        out += ["### 未变化的项目 Unchanged", ""]
        out += [f"- {_md(project_title(p))}（{budget_text(p['budget'])}，{len(p['indicators'])} 项指标）"
                for p in unchanged]
        out.append("")
    narr = [n for n in result["narrative"] if n["status"] != "same"]
    if result["narrative"]:
        out += ["## 叙述目标 Narrative targets", ""]
        if narr:
            out += _md_table(["状态", f"{y0}", f"{y1}", "变化"],
                             [[STATUS_ZH[n["status"]], n["from_text"], n["to_text"], change_label(n)] for n in narr])
        same = len(result["narrative"]) - len(narr)
        if same:
            out += ["", f"其余 {same} 条叙述目标未变。"]
        out.append("")
    if result.get("by_year"):
        out.append(render_md_years(result["by_year"], level=2))
    return "\n".join(out)


def render_md_years(result: dict[str, Any], *, level: int = 1) -> str:
    """The year-by-year report; ``level`` 2 makes it a section of a two-year report."""
    years = _year_keys(result)
    s = result["summary"]
    h = "#" * level
    title = (f"{_md(result['department'])} {years[0]}–{years[-1]} 绩效目标对比" if level == 1
             else f"逐年对比 Year by year {years[0]}–{years[-1]}")
    out = [f"{h} {title}", "", f"{h}# 摘要 Summary", ""]
    out += _md_table(["年度", "项目", "指标", "预算合计（万元）"],
                     [[y, _get(s["years"], y)["projects"], _get(s["years"], y)["indicators"],
                       _get(s["years"], y)["budget"]] for y in years])
    out.append("")
    for t, counts in s["transitions"].items():
        pc = s.get("project_transitions", {}).get(t, {})
        projects = "，".join(f"{CHANGE_ZH.get(k, k)} {v}" for k, v in pc.items() if v)
        out.append(f"- {t} 指标：" + ("，".join(f"{CHANGE_ZH.get(k, k)} {v}" for k, v in counts.items()) or "无")
                   + (f"；项目：{projects}" if projects else ""))
    out += ["", f"{h}# 项目 Projects", ""]
    for p in result["projects"]:
        out += [f"{h}## {_md(_latest(p['names'], years))}", "",
                "预算（万元）：" + "，".join(f"{y} {num(_get(p['budget'], y)) or '—'}" for y in years), ""]
        out += _md_table(["二级指标", "三级指标"] + [str(y) for y in years],
                         [[i.get("level2"), _latest(i["names"], years)] + [_get(i["values"], y) for y in years]
                          for i in p["indicators"]])
        out.append("")
    if result["narrative"]:
        out += [f"{h}# 叙述目标 Narrative targets", ""]
        out += _md_table(["叙述目标"] + [str(y) for y in years],
                         [[_latest(n["texts"], years)] + [(_get(n["targets"], y) or {}).get("raw")
                                                          if _get(n["texts"], y) else None for y in years]
                          for n in result["narrative"]])
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- html

def e(v: Any) -> str:
    """Escape anything for HTML text and attributes."""
    return html.escape(num(v), quote=True)


CSS = """
:root{--fg:#212121;--muted:#6b6b6b;--line:#e0e0e0;--bg:#fff}
*{box-sizing:border-box}
html{font-size:15px}
body{font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:var(--fg);
background:var(--bg);margin:0 auto;padding:1rem;max-width:1100px;line-height:1.5;overflow-wrap:anywhere}
h1{font-size:1.4rem;margin:.2rem 0 1rem}
h2{font-size:1.15rem;border-bottom:2px solid var(--line);padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1rem;margin:1.4rem 0 .3rem}h4{font-size:.95rem;margin:1.2rem 0 .3rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.6rem}
.card{border:1px solid var(--line);border-radius:6px;padding:.5rem .7rem}.card b{font-size:1.3rem;display:block}
.card span{white-space:nowrap}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:0 2rem}
figure{margin:0}figcaption{font-weight:600;margin:1rem 0 .3rem}
.note{font-size:.85rem;color:var(--muted);margin:.2rem 0}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.3rem 0}
th,td{border:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f5f5f5;white-space:nowrap}
thead{display:table-header-group}
table.ind{table-layout:fixed}table.ind th:first-child{width:9.5em}
@media (max-width:600px){table.ind{table-layout:auto}}
table.ind2 th:first-child{width:4.5em}table.ind2 th:nth-child(2){width:9.5em}table.ind2 th:last-child{width:7.5em}
tr.same td{color:var(--muted)}
.badge{display:inline-block;white-space:nowrap;border-radius:3px;padding:0 .35rem;font-size:.8rem;color:#fff;margin-right:.25rem}
.s-added{background:#1565c0}.s-removed{background:#6d4c41}.s-changed{background:#ef6c00}.s-same{background:#757575}
.c-raised{color:#2e7d32;font-weight:600}.c-lowered{color:#c62828;font-weight:600}.c-modified{color:#e65100}
.c-added{color:#1565c0}.c-removed{color:#6d4c41}
.muted{color:var(--muted)}.old{color:var(--muted);text-decoration:line-through}
details{margin:.3rem 0}summary{cursor:pointer;color:var(--muted);font-size:.9rem}
svg{width:100%;max-width:560px;height:auto;display:block;margin:.3rem 0}svg text{font-size:13px;fill:#424242}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.legend{font-size:.85rem}.legend span{display:inline-block;margin-right:.8rem;white-space:nowrap}
.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.25rem;vertical-align:-1px}
@media (max-width:600px){
html{font-size:14px}body{padding:.6rem}
table.rows thead{display:none}
table.rows,table.rows tbody,table.rows tr,table.rows td{display:block;width:100%}
table.rows tr{border:1px solid var(--line);border-radius:6px;margin:.5rem 0;padding:.3rem .5rem}
table.rows td{border:0;padding:.1rem 0;display:flex;gap:.5rem}
table.rows td:empty{display:none}
table.rows td::before{content:attr(data-label);flex:0 0 6.5rem;color:var(--muted);font-size:.85rem}
.scroll{overflow:visible}
}
@page{size:A4;margin:14mm 12mm}
@media print{
html{font-size:10.5pt}body{max-width:none;padding:0}
.scroll{overflow:visible}
figure,svg,tr,.card{break-inside:avoid}
svg{max-width:110mm}
h2,h3,h4,figcaption,.project>.muted{break-after:avoid}
details>summary{list-style:none}
a{color:inherit;text-decoration:none}
}
"""


def _page(title: str, body: list[str]) -> str:
    return "\n".join(["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
                      '<meta name="viewport" content="width=device-width,initial-scale=1">',
                      f"<title>{e(title)}</title><style>{CSS}</style></head><body>", *body,
                      "</body></html>", ""])


def _table(columns: list[str], rows: Iterable[tuple[str, list[str]]], cls: str = "rows") -> str:
    """Columns are plain labels (escaped here); each row is (css class, [already escaped cells]).

    Each cell carries its column label, so that on a phone a row becomes a card of labelled lines.
    """
    labels = [e(c) for c in columns]
    head = "".join(f"<th>{c}</th>" for c in labels)
    body = "".join(f'<tr class="{cls_}">' + "".join(f'<td data-label="{labels[k]}">{c}</td>' for k, c in enumerate(cells))
                   + "</tr>" for cls_, cells in rows)
    return f'<div class="scroll"><table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _badge(status: str) -> str:
    return f'<span class="badge s-{status}">{STATUS_ZH[status]}</span>'


def _change_cell(row: dict[str, Any]) -> str:
    c = row.get("change")
    label = e(change_label(row))
    return f'<span class="c-{c}">{label}</span>' if c else label


def _renamed(old: Any, new: Any) -> str:
    """One name, or the old one struck through and the new one when they differ."""
    if old and new and old != new:
        return f'<span class="old">{e(old)}</span> → {e(new)}'
    return e(new or old)


def _details(summary: str, inner: str) -> str:
    return f"<details><summary>{summary}</summary>{inner}</details>"


def budget_chart(labels: list[str], series: list[tuple[str, list[float | None]]], unit: str = "万元") -> str:
    """Horizontal grouped bars: one group per project, one bar per year; labels above the bars
    (long Chinese names stay readable on a phone), the last bar annotated with its change.
    All text is escaped."""
    # 420 units wide and at most 560px on screen: 13px text stays legible on a phone and modest on a desktop.
    width = 420
    bar_h, gap = 11, 5
    group_h = 17 + len(series) * (bar_h + 2) + gap
    values = [v for _, vs in series for v in vs if v is not None]
    vmax = max(values) if values else 0
    if not labels or vmax <= 0:
        return '<p class="muted">无预算数据 no budget figures.</p>'
    scale = (width - 110) / vmax  # room after the longest bar for "1,234.5（+123.4）"
    parts = [f'<svg viewBox="0 0 {width} {len(labels) * group_h + 4}" role="img" aria-label="预算对比 budget by project">']
    for k, name in enumerate(labels):
        y = k * group_h
        short = name if len(name) <= 30 else name[:29] + "…"
        parts.append(f'<text x="0" y="{y + 12}"><title>{e(name)}</title>{e(short)}</text>')
        prev = None
        for s, (year, vs) in enumerate(series):
            v = vs[k]
            by = y + 17 + s * (bar_h + 2)
            color = YEAR_COLORS[s % len(YEAR_COLORS)]
            if v is None:
                parts.append(f'<text x="0" y="{by + bar_h - 1}" style="fill:#757575">{e(year)}：无</text>')
                prev = None
                continue
            w = max(1.0, v * scale)
            delta = f"（{signed(round(v - prev, 4))}）" if prev is not None and v != prev else ""
            parts.append(f'<rect x="0" y="{by}" width="{w:.1f}" height="{bar_h}" fill="{color}">'
                         f'<title>{e(year)}: {e(v)} {e(unit)}</title></rect>')
            parts.append(f'<text x="{w + 4:.1f}" y="{by + bar_h - 1}">{e(v)}{e(delta)}</text>')
            prev = v
    parts.append("</svg>")
    legend = "".join(f'<span><i style="background:{YEAR_COLORS[s % len(YEAR_COLORS)]}"></i>{e(y)}</span>'
                     for s, (y, _) in enumerate(series))
    return f'<div class="legend">{legend}<span class="muted">单位 {e(unit)}</span></div>' + "".join(parts)


CHANGE_NOTE = ('<p class="note">要求提高/降低按指标方向判断：合格率升高、故障率或时限降低都算“要求提高”。'
               "raised = a more demanding target.</p>")


def change_chart(counts: list[tuple[str, int]]) -> str:
    """One labelled bar per kind of change (要求提高/要求降低/调整/不变/新增/删除) with its count: small
    counts stay visible next to a large 不变, and each colour is named by its own label."""
    total = sum(c for _, c in counts)
    if not total:
        return '<p class="muted">无指标 no indicators.</p>'
    vmax = max(c for _, c in counts)
    row_h, label_w, width = 22, 78, 420
    parts = [f'<svg viewBox="0 0 {width} {len(counts) * row_h}" role="img" '
             'aria-label="指标变化方向 direction of target changes">']
    for k, (key, c) in enumerate(counts):
        y = k * row_h
        w = (width - label_w - 40) * c / vmax if c else 0
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{CHANGE_ZH[key]}</text>')
        if c:
            parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 2):.1f}" height="15" fill="{COLORS[key]}">'
                         f'<title>{CHANGE_ZH[key]} {c}</title></rect>')
        parts.append(f'<text x="{label_w + max(w, 2) + 4:.1f}" y="{y + 15}">{c}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _indicator_table(rows: list[dict[str, Any]], y0, y1) -> str:
    return _table(["状态", "二级指标", "三级指标", f"{y0} 指标值", f"{y1} 指标值", "变化"],
                  [(r["status"], [_badge(r["status"]), e(r.get("level2")), _renamed(r["from_level3"], r["to_level3"]),
                                  e(r["from_value"]), e(r["to_value"]), _change_cell(r)]) for r in rows],
                  cls="rows ind ind2")


def render_html(result: dict[str, Any]) -> str:
    y0, y1 = result["from"], result["to"]
    s = result["summary"]
    title = f"{result['department']} {y0} → {y1} 绩效目标对比"
    b = s["budget"]
    body = [f"<h1>{e(title)}</h1>", "<h2>摘要 Summary</h2>", '<div class="cards">']
    for k, zh in (("projects", "项目"), ("indicators", "指标"), ("narrative", "叙述目标")):
        c = s[k]
        body.append(f'<div class="card">{zh}<b>{c["changed"]} 项变化</b><span>新增 {c["added"]}</span> · '
                    f'<span>删除 {c["removed"]}</span> · <span>不变 {c["same"]}</span></div>')
    body.append(f'<div class="card">预算合计<b>{e(signed(b["change"]) or "—")} 万元</b>'
                f'<span>{e(num(b["from"]) or "—")} → {e(num(b["to"]) or "—")}</span>'
                + (f'<span>（{e(signed(b["pct"]))}%）</span>' if b["pct"] is not None else "") + "</div></div>")
    inds = [i for p in result["projects"] for i in p["indicators"]]
    counts = [("raised", s["indicators"]["raised"]), ("lowered", s["indicators"]["lowered"]),
              ("modified", s["indicators"]["modified"]),
              ("same", sum(1 for i in inds if i["status"] != "added" and i["status"] != "removed" and not i["change"])),
              ("added", s["indicators"]["added"]), ("removed", s["indicators"]["removed"])]
    body += ['<div class="charts"><figure><figcaption>指标值变化方向 Direction of target changes</figcaption>',
             change_chart(counts), CHANGE_NOTE, "</figure>",
             "<figure><figcaption>各项目预算 Budget by project</figcaption>",
             budget_chart([project_title(p) for p in result["projects"]],
                          [(str(y0), [p["budget"]["from"] for p in result["projects"]]),
                           (str(y1), [p["budget"]["to"] for p in result["projects"]])]),
             "</figure></div>", "<h2>项目 Projects</h2>"]
    # changed, added and removed projects first; unchanged ones folded at the end (a reader looks for changes)
    moved = [p for p in result["projects"] if p["status"] != "same"]
    unchanged = [p for p in result["projects"] if p["status"] == "same"]
    for p in moved:
        extra = '<span class="badge s-changed">改名</span>' if p.get("renamed") else ""
        body.append(f'<section class="project"><h3>{_badge(p["status"])}{extra}{e(project_title(p))}</h3>'
                    f'<div class="muted">预算 {e(budget_text(p["budget"]))}</div>')
        rows = [r for r in p["indicators"] if r["status"] != "same"]
        same = [r for r in p["indicators"] if r["status"] == "same"]
        if rows:
            body.append(_indicator_table(rows, y0, y1))
        if same:
            body.append(_details(f"其余 {len(same)} 项指标未变 unchanged", _indicator_table(same, y0, y1)))
        body.append("</section>")
    if unchanged:
        inner = "".join(f'<section class="project"><h3>{e(project_title(p))}</h3>'
                        f'<div class="muted">预算 {e(budget_text(p["budget"]))}，{len(p["indicators"])} 项指标</div>'
                        + _indicator_table(p["indicators"], y0, y1) + "</section>" for p in unchanged)
        body.append("<h3>未变化的项目 Unchanged projects</h3><ul>"
                    + "".join(f"<li>{e(project_title(p))}（{e(budget_text(p['budget']))}，{len(p['indicators'])} 项指标）</li>"
                              for p in unchanged) + "</ul>" + _details("展开全部指标 show their indicators", inner))
    if result["narrative"]:
        body.append("<h2>叙述目标 Narrative targets</h2>")
        narr = [n for n in result["narrative"] if n["status"] != "same"]
        same = [n for n in result["narrative"] if n["status"] == "same"]

        def narr_table(ns):
            return _table(["状态", f"{y0}", f"{y1}", "变化"],
                          [(n["status"], [_badge(n["status"]), e(n["from_text"]), e(n["to_text"]), _change_cell(n)])
                           for n in ns])

        if narr:
            body.append(narr_table(narr))
        if same:
            body.append(_details(f"其余 {len(same)} 条叙述目标未变 unchanged", narr_table(same)))
    if result.get("by_year"):
        body += html_years_body(result["by_year"], level=2)
    body.append('<p class="muted">jixiao compare · 匹配按名称语义、类别与内容，不按项目编码。'
                "Matched by meaning, category and content, not by project code.</p>")
    return _page(title, body)


def _year_span(names: dict, years: list) -> str:
    """'2021 新增' / '2022 删除' / '' for an item present in every year."""
    present = [y for y in years if _get(names, y) is not None]
    if len(present) == len(years) or not present:
        return ""
    parts = []
    if present[0] != years[0]:
        parts.append(f'<span class="badge s-added">{e(present[0])} 新增</span>')
    if present[-1] != years[-1]:
        after = years[years.index(present[-1]) + 1]
        parts.append(f'<span class="badge s-removed">{e(after)} 删除</span>')
    return "".join(parts)


def _name_history(names: dict, years: list) -> str:
    seen = []
    for y in years:
        v = _get(names, y)
        if v is not None and v not in seen:
            seen.append(v)
    if len(seen) <= 1:
        return e(seen[0] if seen else "")
    return " → ".join(f'<span class="old">{e(v)}</span>' for v in seen[:-1]) + f" → {e(seen[-1])}"


def render_html_years(result: dict[str, Any]) -> str:
    years = _year_keys(result)
    return _page(f"{result['department']} {years[0]}–{years[-1]} 绩效目标对比", html_years_body(result))


def html_years_body(result: dict[str, Any], *, level: int = 1) -> list[str]:
    """The year-by-year report as HTML body parts; ``level`` 2 makes it a section of a two-year report."""
    years = _year_keys(result)
    s = result["summary"]
    h1, h2, h3 = (f"h{level + k}" for k in range(3))
    title = (f"{result['department']} {years[0]}–{years[-1]} 绩效目标对比" if level == 1
             else f"逐年对比 Year by year {years[0]}–{years[-1]}")
    body = [f"<{h1}>{e(title)}</{h1}>", f"<{h2}>摘要 Summary</{h2}>",
            _table(["年度", "项目", "指标", "预算合计（万元）"],
                   [("", [e(y), e(_get(s["years"], y)["projects"]), e(_get(s["years"], y)["indicators"]),
                          e(_get(s["years"], y)["budget"])]) for y in years], cls="plain")]
    body.append('<div class="charts">')
    for t, counts in s["transitions"].items():
        order = [k for k in ("raised", "lowered", "modified", "renamed", "same", "added", "removed") if k in counts]
        body += [f"<figure><figcaption>{e(t)} 指标变化方向</figcaption>", change_chart([(k, counts[k]) for k in order]),
                 "</figure>"]
    body += ["</div>", CHANGE_NOTE, "<figure><figcaption>各项目预算 Budget by project</figcaption>",
             budget_chart([str(_latest(p["names"], years)) for p in result["projects"]],
                          [(str(y), [_get(p["budget"], y) for p in result["projects"]]) for y in years]),
             "</figure>", f"<{h2}>项目 Projects</{h2}>",
             '<p class="legend"><span class="c-raised">■ 要求提高</span><span class="c-lowered">■ 要求降低</span>'
             '<span class="c-modified">■ 调整</span><span class="muted">— 当年无此指标</span></p>']
    trans = [f"{a}→{b}" for a, b in zip(years, years[1:])]

    def moved(i, names=None):
        """Changed in some transition; an indicator added or removed with its whole project is not
        news of its own (the project's badge says it)."""
        for a, b in zip(years, years[1:]):
            c = i["changes"].get(f"{a}→{b}")
            if c in ("added", "removed") and names is not None:
                if _get(names, a) is None or _get(names, b) is None:
                    continue
            if c not in (None, "same"):
                return True
        return False

    def ind_table(inds):
        rows = []
        for i in inds:
            cells = [e(i.get("level2")), _name_history(i["names"], years)]
            for k, y in enumerate(years):
                c = i["changes"].get(trans[k - 1]) if k else None
                v = _get(i["values"], y)
                cells.append(f'<span class="c-{e(c)}" title="{e(CHANGE_ZH.get(c, c) or "")}">{e(v)}</span>'
                             if v is not None else '<span class="muted">—</span>')
            rows.append(("", cells))
        return _table(["二级指标", "三级指标"] + [str(y) for y in years], rows, cls="rows ind")

    def quiet(p):
        return (not any(moved(i, p["names"]) for i in p["indicators"]) and not _year_span(p["names"], years)
                and len({_get(p["budget"], y) for y in years}) == 1)

    for p in sorted(result["projects"], key=quiet):  # projects with news first, in document order
        body.append(f'<section class="project"><{h3}>{_year_span(p["names"], years)}{_name_history(p["names"], years)}</{h3}>'
                    '<div class="muted">预算（万元）'
                    + "，".join(f"{e(y)} {e(num(_get(p['budget'], y)) or '—')}" for y in years) + "</div>")
        changed = [i for i in p["indicators"] if moved(i, p["names"])]
        same = [i for i in p["indicators"] if not moved(i, p["names"])]
        if changed:
            body.append(ind_table(changed))
        if same:
            body.append(_details(f"{'其余 ' if changed else ''}{len(same)} 项指标各年不变 unchanged", ind_table(same)))
        body.append("</section>")
    if result["narrative"]:
        body.append(f"<{h2}>叙述目标 Narrative targets</{h2}>")
        narr = [("changed" if moved(n) else "same",
                 [_name_history(n["texts"], years)]
                 + [e((_get(n["targets"], y) or {}).get("raw")) if _get(n["texts"], y) else '<span class="muted">—</span>'
                    for y in years]) for n in result["narrative"]]
        changed = [r for r in narr if r[0] == "changed"]
        same = [r for r in narr if r[0] == "same"]
        cols = ["叙述目标"] + [str(y) for y in years]
        if changed:
            body.append(_table(cols, changed))
        if same:
            body.append(_details(f"{'其余 ' if changed else ''}{len(same)} 条叙述目标各年不变 unchanged", _table(cols, same)))
    return body

"""Renderers for comparison results: json, md, html (self-contained, with charts), csv and xlsx.

A two-year result (``compare_documents``) and a several-year result (``compare_years``, which has a
``years`` key) are both accepted. Every string that comes from a document is escaped in HTML.
"""

from __future__ import annotations

import html
import json
from typing import Any, Iterable

STATUS_ZH = {"same": "不变", "changed": "变化", "added": "新增", "removed": "删除"}
CHANGE_ZH = {"raised": "提高", "lowered": "降低", "modified": "调整", "renamed": "改名", "same": "不变",
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
        if fmt == "csv":
            text = "\ufeff" + text  # a BOM so that Excel opens a UTF-8 CSV file as UTF-8
        try:
            write_text_atomic(out_path, text)
        except OSError as e:
            raise JixiaoError(f"cannot write the report: {e.strerror}", where=out_path) from None
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
    columns = ["kind", "project", "level2", "level3"] + [f"value_{y}" for y in years] + [f"change_{t}" for t in trans]
    rows = []
    for p in result["projects"]:
        pname = _latest(p["names"], years)
        for i in p["indicators"]:
            rows.append(["indicator", pname, i.get("level2"), _latest(i["names"], years)]
                        + [_get(i["values"], y) for y in years] + [i["changes"].get(t) for t in trans])
    for n in result["narrative"]:
        rows.append(["narrative", n.get("heading"), None, _latest(n["texts"], years)]
                    + [(_get(n["targets"], y) or {}).get("raw") if _get(n["texts"], y) else None for y in years]
                    + [n["changes"].get(t) for t in trans])
    return columns, rows


def _latest(by_year: dict, years: list) -> Any:
    for y in reversed(years):
        v = _get(by_year, y)
        if v is not None:
            return v
    return None


# ---------------------------------------------------------------- xlsx

def write_xlsx_report(result: dict[str, Any], path: str) -> None:
    """Sheets 摘要 (summary), 项目 (projects) and 指标变化 (indicator level), all with filters."""
    from jixiao.errors import JixiaoError
    from jixiao.output import write_xlsx

    if is_multi(result):
        years = _year_keys(result)
        summ = result["summary"]
        summary_rows = [["部门 department", result["department"]]]
        for y in years:
            s = _get(summ["years"], y)
            summary_rows.append([f"{y} 项目/指标/预算合计(万元)", f"{s['projects']} / {s['indicators']} / {num(s['budget'])}"])
        for t, counts in summ["transitions"].items():
            summary_rows.append([f"{t} 指标变化", "，".join(f"{CHANGE_ZH.get(k, k)} {v}" for k, v in counts.items())])
        proj_rows = [[_latest(p["names"], years)] + [_get(p["budget"], y) for y in years] for p in result["projects"]]
        columns, rows = year_rows(result)
        sheets = {"摘要": (["项目 item", "数值 value"], summary_rows),
                  "项目": (["项目 project"] + [f"{y} 预算(万元)" for y in years], proj_rows),
                  "指标变化": (columns, rows)}
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
        columns, rows = indicator_rows(result)
        sheets = {"摘要": (["项目 item", "数值 value"], summary_rows),
                  "项目": (["状态", f"{result['from']} 项目", f"{result['to']} 项目", "改名",
                          f"{result['from']} 预算(万元)", f"{result['to']} 预算(万元)", "预算变化",
                          "新增指标", "删除指标", "变化指标"], proj_rows),
                  "指标变化": (columns, rows)}
    try:
        write_xlsx(path, sheets)
    except OSError as e:
        raise JixiaoError(f"cannot write the workbook: {e.strerror}", where=path) from None


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
    return "\n".join(out)


def render_md_years(result: dict[str, Any]) -> str:
    years = _year_keys(result)
    s = result["summary"]
    out = [f"# {_md(result['department'])} {years[0]}–{years[-1]} 绩效目标对比", "", "## 摘要 Summary", ""]
    out += _md_table(["年度", "项目", "指标", "预算合计（万元）"],
                     [[y, _get(s["years"], y)["projects"], _get(s["years"], y)["indicators"],
                       _get(s["years"], y)["budget"]] for y in years])
    out.append("")
    for t, counts in s["transitions"].items():
        pc = s.get("project_transitions", {}).get(t, {})
        projects = "，".join(f"{CHANGE_ZH.get(k, k)} {v}" for k, v in pc.items() if v)
        out.append(f"- {t} 指标：" + ("，".join(f"{CHANGE_ZH.get(k, k)} {v}" for k, v in counts.items()) or "无")
                   + (f"；项目：{projects}" if projects else ""))
    out += ["", "## 项目 Projects", ""]
    for p in result["projects"]:
        out += [f"### {_md(_latest(p['names'], years))}", "",
                "预算（万元）：" + "，".join(f"{y} {num(_get(p['budget'], y)) or '—'}" for y in years), ""]
        out += _md_table(["二级指标", "三级指标"] + [str(y) for y in years],
                         [[i.get("level2"), _latest(i["names"], years)] + [_get(i["values"], y) for y in years]
                          for i in p["indicators"]])
        out.append("")
    if result["narrative"]:
        out += ["## 叙述目标 Narrative targets", ""]
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
:root{--fg:#212121;--muted:#757575;--line:#e0e0e0;--bg:#fff}
*{box-sizing:border-box}
body{font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:var(--fg);
background:var(--bg);margin:0 auto;padding:1rem;max-width:1100px;line-height:1.5;font-size:15px}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;border-bottom:2px solid var(--line);padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1rem;margin:1.4rem 0 .3rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.6rem}
.card{border:1px solid var(--line);border-radius:6px;padding:.5rem .7rem}.card b{font-size:1.3rem;display:block}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.3rem 0}
th,td{border:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f5f5f5;white-space:nowrap}
tr.same td{color:var(--muted)}
.badge{display:inline-block;border-radius:3px;padding:0 .35rem;font-size:.8rem;color:#fff;margin-right:.25rem}
.s-added{background:#1565c0}.s-removed{background:#6d4c41}.s-changed{background:#ef6c00}.s-same{background:#9e9e9e}
.c-raised{color:#2e7d32;font-weight:600}.c-lowered{color:#c62828;font-weight:600}.c-modified{color:#ef6c00}
.muted{color:var(--muted)}
svg{width:100%;max-width:560px;height:auto;display:block;margin:.3rem 0}svg text{font-size:13px;fill:#424242}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.legend span{display:inline-block;margin-right:.8rem;font-size:.85rem}
.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.25rem;vertical-align:-1px}
@media (max-width:600px){body{font-size:14px;padding:.6rem}th,td{padding:.25rem .3rem}}
@media print{body{max-width:none;font-size:11px}.scroll{overflow:visible}section.project,table,svg{break-inside:avoid}
h2{break-after:avoid}a{color:inherit;text-decoration:none}}
"""


def _page(title: str, body: list[str]) -> str:
    return "\n".join(["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
                      '<meta name="viewport" content="width=device-width,initial-scale=1">',
                      f"<title>{e(title)}</title><style>{CSS}</style></head><body>", *body,
                      "</body></html>", ""])


def _table(columns: list[str], rows: Iterable[tuple[str, list[str]]]) -> str:
    """Columns are trusted labels; each row is (css class, [already escaped cells])."""
    head = "".join(f"<th>{c}</th>" for c in columns)
    body = "".join(f'<tr class="{cls}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>" for cls, cells in rows)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _badge(status: str) -> str:
    return f'<span class="badge s-{status}">{STATUS_ZH[status]}</span>'


def _change_cell(row: dict[str, Any]) -> str:
    c = row.get("change")
    label = e(change_label(row))
    return f'<span class="c-{c}">{label}</span>' if c else label


def budget_chart(labels: list[str], series: list[tuple[str, list[float | None]]], unit: str = "万元") -> str:
    """Horizontal grouped bars: one group per project, one bar per year; labels above the bars
    (long Chinese names stay readable on a phone). All text is escaped."""
    # 420 units wide and at most 560px on screen: 13px text stays legible on a phone and modest on a desktop.
    width = 420
    bar_h, gap = 11, 5
    group_h = 17 + len(series) * (bar_h + 2) + gap
    values = [v for _, vs in series for v in vs if v is not None]
    vmax = max(values) if values else 0
    if not labels or vmax <= 0:
        return '<p class="muted">无预算数据 no budget figures.</p>'
    scale = (width - 60) / vmax
    parts = [f'<svg viewBox="0 0 {width} {len(labels) * group_h + 4}" role="img" aria-label="预算对比 budget by project">']
    for k, name in enumerate(labels):
        y = k * group_h
        short = name if len(name) <= 30 else name[:29] + "…"
        parts.append(f'<text x="0" y="{y + 12}"><title>{e(name)}</title>{e(short)}</text>')
        for s, (year, vs) in enumerate(series):
            v = vs[k]
            by = y + 17 + s * (bar_h + 2)
            color = YEAR_COLORS[s % len(YEAR_COLORS)]
            if v is None:
                parts.append(f'<text x="0" y="{by + bar_h - 1}" class="muted">{e(year)}：—</text>')
                continue
            w = max(1.0, v * scale)
            parts.append(f'<rect x="0" y="{by}" width="{w:.1f}" height="{bar_h}" fill="{color}">'
                         f'<title>{e(year)}: {e(v)} {e(unit)}</title></rect>')
            parts.append(f'<text x="{w + 4:.1f}" y="{by + bar_h - 1}">{e(v)}</text>')
    parts.append("</svg>")
    legend = "".join(f'<span><i style="background:{YEAR_COLORS[s % len(YEAR_COLORS)]}"></i>{e(y)}</span>'
                     for s, (y, _) in enumerate(series))
    return f'<div class="legend">{legend}<span class="muted">单位 {e(unit)}</span></div>' + "".join(parts)


def change_chart(counts: list[tuple[str, int]]) -> str:
    """One stacked bar of target changes (提高/降低/调整/不变/新增/删除) with counts, plus a legend."""
    total = sum(c for _, c in counts)
    if not total:
        return '<p class="muted">无指标 no indicators.</p>'
    width, x = 420.0, 0.0
    parts = ['<svg viewBox="0 0 420 30" role="img" aria-label="指标变化方向 direction of target changes">']
    for key, c in counts:
        if not c:
            continue
        w = width * c / total
        parts.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="30" fill="{COLORS[key]}">'
                     f'<title>{CHANGE_ZH[key]} {c}</title></rect>')
        if w > 24:
            parts.append(f'<text x="{x + w / 2:.1f}" y="20" text-anchor="middle" style="fill:#fff">{c}</text>')
        x += w
    parts.append("</svg>")
    legend = "".join(f'<span><i style="background:{COLORS[k]}"></i>{CHANGE_ZH[k]} {c}</span>' for k, c in counts)
    return "".join(parts) + f'<div class="legend">{legend}</div>'


def render_html(result: dict[str, Any]) -> str:
    y0, y1 = result["from"], result["to"]
    s = result["summary"]
    title = f"{result['department']} {y0} → {y1} 绩效目标对比"
    b = s["budget"]
    body = [f"<h1>{e(title)}</h1>", "<h2>摘要 Summary</h2>", '<div class="cards">']
    for k, zh in (("projects", "项目"), ("indicators", "指标"), ("narrative", "叙述目标")):
        c = s[k]
        body.append(f'<div class="card">{zh}<b>{c["changed"]} 变化</b>新增 {c["added"]} · 删除 {c["removed"]} · '
                    f'不变 {c["same"]}</div>')
    body.append(f'<div class="card">预算合计<b>{e(signed(b["change"]) or "—")} 万元</b>'
                f'{e(num(b["from"]) or "—")} → {e(num(b["to"]) or "—")}'
                + (f'（{e(signed(b["pct"]))}%）' if b["pct"] is not None else "") + "</div></div>")
    inds = [i for p in result["projects"] for i in p["indicators"]]
    counts = [("raised", s["indicators"]["raised"]), ("lowered", s["indicators"]["lowered"]),
              ("modified", s["indicators"]["modified"]),
              ("same", sum(1 for i in inds if i["status"] != "added" and i["status"] != "removed" and not i["change"])),
              ("added", s["indicators"]["added"]), ("removed", s["indicators"]["removed"])]
    body += ["<h3>指标值变化方向 Direction of target changes</h3>", change_chart(counts),
             "<h3>各项目预算 Budget by project</h3>",
             budget_chart([project_title(p) for p in result["projects"]],
                          [(str(y0), [p["budget"]["from"] for p in result["projects"]]),
                           (str(y1), [p["budget"]["to"] for p in result["projects"]])]),
             "<h2>项目 Projects</h2>"]
    for p in result["projects"]:
        extra = '<span class="badge s-changed">改名</span>' if p.get("renamed") else ""
        body.append(f'<section class="project"><h3>{_badge(p["status"])}{extra}{e(project_title(p))}</h3>'
                    f'<div class="muted">预算 {e(budget_text(p["budget"]))}</div>')
        rows = [(r["status"], [_badge(r["status"]), e(r.get("level2")), e(r["from_level3"]), e(r["to_level3"]),
                               e(r["from_value"]), e(r["to_value"]), _change_cell(r)]) for r in p["indicators"]]
        if rows:
            body.append(_table(["状态", "二级指标", f"{y0} 三级指标", f"{y1} 三级指标", f"{y0} 指标值", f"{y1} 指标值",
                                "变化"], rows))
        body.append("</section>")
    if result["narrative"]:
        body.append("<h2>叙述目标 Narrative targets</h2>")
        body.append(_table(["状态", f"{y0}", f"{y1}", "变化"],
                           [(n["status"], [_badge(n["status"]), e(n["from_text"]), e(n["to_text"]), _change_cell(n)])
                            for n in result["narrative"]]))
    body.append('<p class="muted">jixiao compare · 匹配按名称语义、类别与内容，不按项目编码。</p>')
    return _page(title, body)


def render_html_years(result: dict[str, Any]) -> str:
    years = _year_keys(result)
    s = result["summary"]
    title = f"{result['department']} {years[0]}–{years[-1]} 绩效目标对比"
    body = [f"<h1>{e(title)}</h1>", "<h2>摘要 Summary</h2>",
            _table(["年度", "项目", "指标", "预算合计（万元）"],
                   [("", [e(y), e(_get(s["years"], y)["projects"]), e(_get(s["years"], y)["indicators"]),
                          e(_get(s["years"], y)["budget"])]) for y in years])]
    for t, counts in s["transitions"].items():
        order = [k for k in ("raised", "lowered", "modified", "renamed", "same", "added", "removed") if k in counts]
        body += [f"<h3>{e(t)} 指标变化方向</h3>", change_chart([(k, counts[k]) for k in order])]
    body += ["<h3>各项目预算 Budget by project</h3>",
             budget_chart([str(_latest(p["names"], years)) for p in result["projects"]],
                          [(str(y), [_get(p["budget"], y) for p in result["projects"]]) for y in years]),
             "<h2>项目 Projects</h2>"]
    trans = [f"{a}→{b}" for a, b in zip(years, years[1:])]
    for p in result["projects"]:
        body.append(f'<section class="project"><h3>{e(_latest(p["names"], years))}</h3><div class="muted">预算（万元）'
                    + "，".join(f"{e(y)} {e(num(_get(p['budget'], y)) or '—')}" for y in years) + "</div>")
        rows = []
        for i in p["indicators"]:
            cells = [e(i.get("level2")), e(_latest(i["names"], years))]
            for k, y in enumerate(years):
                c = i["changes"].get(trans[k - 1]) if k else None
                v = _get(i["values"], y)
                cells.append(f'<span class="c-{c}" title="{e(CHANGE_ZH.get(c, c) or "")}">{e(v)}</span>'
                             if v is not None else '<span class="muted">—</span>')
            rows.append(("", cells))
        body.append(_table(["二级指标", "三级指标"] + [e(y) for y in years], rows) + "</section>")
    if result["narrative"]:
        body.append("<h2>叙述目标 Narrative targets</h2>")
        body.append(_table(["叙述目标"] + [e(y) for y in years],
                           [("", [e(_latest(n["texts"], years))]
                             + [e((_get(n["targets"], y) or {}).get("raw")) if _get(n["texts"], y) else "—"
                                for y in years]) for n in result["narrative"]]))
    return _page(title, body)

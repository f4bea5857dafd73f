// jixiao workbench. No framework, no build step. Document text is always set with textContent
// (never innerHTML), so a name such as <img onerror=…> shows as text.
"use strict";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

function debounce(fn, ms) {
  let t = null;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

function fmt(v) {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
  return String(v);
}

const OPS = { ">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "" };
const SEV = { error: "错误", warning: "警告", info: "提示" };

async function getJSON(url, options) {
  const res = await fetch(url, options);
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) throw new Error((data && data.error) || `${res.status} ${res.statusText}`);
  return data;
}

function yearsText(years) {
  if (!years || !years.length) return "";
  const ys = [...years].sort();
  return ys.length > 1 && ys[ys.length - 1] - ys[0] === ys.length - 1 ? `${ys[0]}–${ys[ys.length - 1]}` : ys.join("、");
}

function rangeText(s) {
  if (s.min === undefined || s.min === null) return "";
  const unit = s.unit || "";
  return s.min === s.max ? `${fmt(s.min)}${unit}` : `${fmt(s.min)}–${fmt(s.max)}${unit}`;
}

// ------------------------------------------------------------------ drafting: one indicator

function initDraft() {
  const name = document.getElementById("name");
  const value = document.getElementById("value");
  const status = document.getElementById("suggest-status");
  const out = document.getElementById("suggest-out");
  let inflight = null;

  async function update() {
    const n = name.value.trim();
    if (inflight) inflight.abort();
    if (!n) { out.hidden = true; status.textContent = "输入名称，边输入边给出建议 type a name to see suggestions"; return; }
    inflight = new AbortController();
    const params = new URLSearchParams({ name: n, top: "4" });
    if (value.value.trim()) params.set("value", value.value.trim());
    try {
      const [data, row] = await Promise.all([
        getJSON(`/api/suggest?${params}`, { signal: inflight.signal }),
        params.get("value") ? getJSON(`/api/row?${params}`, { signal: inflight.signal }) : null]);
      renderSuggest(data);
      renderRow(row);
      status.textContent = "";
      out.hidden = false;
    } catch (e) {
      if (e.name === "AbortError") return;
      status.textContent = `出错 error: ${e.message}`;
    }
  }
  const later = debounce(update, 120);
  name.addEventListener("input", later);
  value.addEventListener("input", later);
  if (name.value.trim()) update();
  initCheck();
}

// What check says about the name and value typed (the category is shown below, so not repeated).
function renderRow(row) {
  const list = clear(document.getElementById("row-findings"));
  if (!row) return;
  const fs = row.findings.filter((f) => f.code !== "C-CATEGORY-SUGGESTED");
  if (!fs.length) {
    list.append(el("li", { class: "finding ok", text: `✓ 指标值 ${row.normalized || row.value || ""} 可以衡量，未发现问题 no problem found` }));
    return;
  }
  for (const f of fs) list.append(findingItem(f));
}

function renderSuggest(data) {
  const cats = clear(document.getElementById("categories"));
  for (const c of data.categories) {
    const pct = Math.round(c.p * 100);
    cats.append(el("li", {},
      el("span", { class: "name", text: `${c.level2}` }, el("span", { class: "tag", text: c.level1 })),
      el("span", { class: "bar" }, el("span", { style: null })),
      el("span", { class: "p", text: `${pct}%` })));
    // width through the CSSOM: inline style attributes are refused by the page's CSP
    cats.lastChild.querySelector(".bar span").style.width = `${Math.max(1, pct)}%`;
  }
  const typical = clear(document.getElementById("typical"));
  const same = data.similar.find((s) => s.scope === "contains");
  if (same && same.count) {
    const box = el("div", { class: "typical" });
    box.append(el("div", {}, el("b", { text: same.typical || "—" }), el("span", { text: same.kind === "median" ? "中位数 median" : "常见写法 most common" })));
    if (rangeText(same)) box.append(el("div", {}, el("b", { text: rangeText(same) }), el("span", { text: "范围 range" })));
    box.append(el("div", {}, el("b", { text: String(same.count) }), el("span", { text: "以往条数 past rows" })));
    if (same.years && same.years.length) box.append(el("div", {}, el("b", { text: yearsText(same.years) }), el("span", { text: "年度 years" })));
    typical.append(box);
  } else {
    typical.append(el("p", { class: "muted", text: data.hint || "索引中没有同名指标 no past rows with this name" }));
  }
  const body = clear(document.querySelector("#similar tbody"));
  for (const s of data.similar.filter((s) => s.scope !== "contains")) {
    body.append(el("tr", {},
      el("td", { text: s.level3 }), el("td", { text: s.level2 || "" }), el("td", { class: "num", text: String(s.count) }),
      el("td", { class: "num", text: s.typical || "" }), el("td", { class: "num", text: rangeText(s) }),
      el("td", { class: "num", text: yearsText(s.years) })));
  }
  document.getElementById("similar").hidden = !body.children.length;
  document.getElementById("hint").textContent = data.hint || "";
}

// ------------------------------------------------------------------ drafting: review a table

function initCheck() {
  const paste = document.getElementById("paste");
  const upload = document.getElementById("upload");
  const download = document.getElementById("download");
  const status = document.getElementById("check-status");
  let last = null; // {body, type, name}: what was reviewed, for the .xlsx download

  async function review(body, type, name) {
    status.textContent = "审核中… reviewing";
    const q = name ? `?name=${encodeURIComponent(name)}` : "";
    try {
      const data = await getJSON(`/api/check${q}`, { method: "POST", body, headers: { "Content-Type": type || "application/octet-stream" } });
      last = { body, type, name };
      download.disabled = false;
      renderReview(data);
      status.textContent = "";
    } catch (e) {
      status.textContent = `无法审核 cannot review: ${e.message}`;
      status.className = "err";
      document.getElementById("check-out").hidden = true;
      download.disabled = true;
      return;
    }
    status.className = "muted";
  }

  document.getElementById("check-paste").addEventListener("click", () => {
    if (!paste.value.trim()) { status.textContent = "先粘贴表格 paste a table first"; return; }
    review(paste.value, "text/plain; charset=utf-8", "粘贴的表.txt");
  });
  upload.addEventListener("change", async () => {
    const f = upload.files[0];
    if (!f) return;
    review(await f.arrayBuffer(), f.type, f.name);
    upload.value = "";
  });
  download.addEventListener("click", async () => {
    if (!last) return;
    const q = new URLSearchParams({ format: "xlsx" });
    if (last.name) q.set("name", last.name);
    const res = await fetch(`/api/check?${q}`, { method: "POST", body: last.body, headers: { "Content-Type": last.type || "application/octet-stream" } });
    if (!res.ok) { status.textContent = "下载失败 download failed"; return; }
    const url = URL.createObjectURL(await res.blob());
    const a = el("a", { href: url, download: "审核结果.xlsx" });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });
}

function findingItem(f) {
  return el("li", { class: `finding ${f.severity}` },
    el("span", { class: "sev", text: SEV[f.severity] || f.severity }), f.message,
    f.suggestion ? el("span", { class: "sugg", text: `建议：${f.suggestion}` }) : null);
}

function renderReview(data) {
  const s = data.summary;
  const summary = clear(document.getElementById("summary"));
  summary.append(el("span", { text: `${data.path || ""}` }), el("span", { text: `指标 ${s.rows} 行` }),
    el("span", { class: s.error ? "error" : "", text: `错误 ${s.error}` }),
    el("span", { class: s.warning ? "warning" : "", text: `警告 ${s.warning}` }),
    el("span", { class: "info", text: `提示 ${s.info}` }));
  const tables = clear(document.getElementById("table-findings"));
  for (const f of data.findings.filter((f) => f.level3 === null)) {
    const li = findingItem(f);
    if (f.project) li.prepend(el("span", { class: "tag", text: f.project }), " ");
    tables.append(li);
  }
  const body = clear(document.querySelector("#rows tbody"));
  const rank = { error: 0, warning: 1, info: 2 };
  let project;
  for (const r of data.rows) {
    if (r.project !== project) {  // one heading row per project instead of its name on every row
      project = r.project;
      body.append(el("tr", { class: "proj" }, el("td", { colspan: "6", text: project || "（无名项目）" })));
    }
    const fs = [...r.findings].sort((a, b) => rank[a.severity] - rank[b.severity]);
    const worst = fs.length ? fs[0].severity : "";
    const cat2 = el("td", { text: r.level2 || "" });
    if (r.category_source === "model") cat2.append(el("span", { class: "tag", title: "模型建议 suggested", text: `模型 ${Math.round((r.confidence || 0) * 100)}%` }));
    body.append(el("tr", { class: worst },
      el("td", { text: r.level1 || "" }), cat2,
      el("td", { text: r.level3 }), el("td", { class: "num", text: r.value || "" }), el("td", { class: "num", text: r.normalized || "" }),
      el("td", {}, fs.length ? el("ul", { class: "findings" }, ...fs.map(findingItem)) : el("span", { class: "muted", text: "✓" }))));
  }
  document.getElementById("check-out").hidden = false;
}

// ------------------------------------------------------------------ search

// A snippet is escaped text with <b>…</b> around matches: split on the tags and build text nodes,
// so nothing in it is ever parsed as HTML.
function snippetNode(snippet) {
  const span = el("span", { class: "snippet" });
  const unescape = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&#x27;/g, "'").replace(/&amp;/g, "&");
  (snippet || "").split(/(<b>|<\/b>)/).reduce((bold, part) => {
    if (part === "<b>") return true;
    if (part === "</b>") return false;
    if (part) span.append(bold ? el("b", { text: unescape(part) }) : document.createTextNode(unescape(part)));
    return bold;
  }, false);
  return span;
}

const FACET_NAMES = { year: "年度", level2: "二级指标", department: "部门", level1: "一级指标", region: "地区", kind: "类型" };

function initSearch() {
  const form = document.getElementById("search-form");
  const status = document.getElementById("search-status");
  const params = new URLSearchParams(location.search);
  for (const [k, v] of params) if (form.elements[k]) form.elements[k].value = v;

  async function run() {
    const p = new URLSearchParams();
    for (const f of form.elements) if (f.name && f.value.trim()) p.set(f.name, f.value.trim());
    if (!p.get("q")) p.set("q", "*");
    history.replaceState(null, "", `?${p}`);
    status.textContent = "检索中… searching";
    try {
      const data = await getJSON(`/api/search?${p}`);
      renderHits(data, form, run);
      status.className = "muted";
      status.textContent = `「${data.query}」 共 ${data.total} 条` + (data.hits.length < data.total ? `，显示前 ${data.hits.length} 条` : "") + (data.note ? `  ${data.note}` : "");
    } catch (e) {
      status.className = "err";
      status.textContent = `检索失败 search failed: ${e.message}`;
      clear(document.querySelector("#hits tbody"));
      clear(document.getElementById("facets"));
    }
  }
  form.addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
  form.addEventListener("reset", () => setTimeout(() => { clear(document.querySelector("#hits tbody")); clear(document.getElementById("facets")); }, 0));
  if (params.get("q")) run();
}

function renderHits(data, form, rerun) {
  const facets = clear(document.getElementById("facets"));
  for (const [name, counts] of Object.entries(data.facets || {})) {
    const entries = Object.entries(counts);
    if (!entries.length) continue;
    const box = el("div", {}, el("h4", { text: FACET_NAMES[name] || name }));
    for (const [k, n] of entries.slice(0, 8)) {
      box.append(el("button", { type: "button", onclick: () => {
        if (name === "year") { form.elements.from.value = k; form.elements.to.value = k; }
        else if (form.elements[name]) form.elements[name].value = k;
        rerun();
      } }, `${k} (${n})`));
    }
    facets.append(box);
  }
  const body = clear(document.querySelector("#hits tbody"));
  for (const h of data.hits) {
    body.append(el("tr", {},
      el("td", { class: "num", text: h.year === null || h.year === undefined ? "未知" : String(h.year) }),
      el("td", { text: h.department || "" }),
      el("td", { text: h.project || h.heading || "" }),
      el("td", { text: h.level2 || "" }),
      el("td", {}, snippetNode(h.snippet)),
      el("td", { class: "num", text: h.kind === "indicator" ? (h.value || "") : (h.kind === "project" ? "(项目目标)" : "(叙述)") })));
  }
}

// ------------------------------------------------------------------ compare

async function initCompare() {
  const form = document.getElementById("compare-form");
  const dept = document.getElementById("department");
  const from = document.getElementById("from");
  const to = document.getElementById("to");
  const status = document.getElementById("compare-status");
  const frame = document.getElementById("report");
  const open = document.getElementById("open-report");
  let departments = {};
  try {
    departments = (await getJSON("/api/departments")).departments;
  } catch (e) {
    status.textContent = `无法读取索引 cannot read the index: ${e.message}`;
    return;
  }
  const names = Object.keys(departments).filter((d) => departments[d].length >= 2);
  if (!names.length) {
    status.textContent = "索引中没有两个年度以上的部门 no department has two years in the index; ingest another year first";
    form.hidden = true;
    return;
  }
  for (const d of names) dept.append(el("option", { value: d, text: `${d} (${yearsText(departments[d])})` }));
  function years() {
    const ys = departments[dept.value] || [];
    clear(from); clear(to);
    ys.forEach((y) => { from.append(el("option", { text: String(y) })); to.append(el("option", { text: String(y) })); });
    from.value = String(ys[0]);
    to.value = String(ys[ys.length - 1]);
  }
  dept.addEventListener("change", years);
  years();
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const url = `/compare/report?${new URLSearchParams({ department: dept.value, from: from.value, to: to.value })}`;
    status.textContent = "生成中… comparing";
    const res = await fetch(url);
    if (!res.ok) {
      let msg = `${res.status}`;
      try { msg = (await res.json()).error; } catch (e) { /* not JSON */ }
      status.textContent = `无法对比 cannot compare: ${msg}`;
      frame.hidden = true;
      return;
    }
    status.textContent = "";
    frame.src = url;
    frame.hidden = false;
    open.href = url;
    open.hidden = false;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  if (page === "draft") initDraft();
  else if (page === "search") initSearch();
  else if (page === "compare") initCompare();
});

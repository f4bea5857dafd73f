"""Two web pages rendering the seed's gold parse, laid out the way government sites publish it.

``gb2312_page``: an old-style site, GB2312 declared in an http-equiv meta, the whole page in nested
layout tables, navigation and breadcrumb rows, a share bar, a hidden block, scripts, an ICP footer;
each project one table with 一级/二级 merged by rowspan, values spanning columns by colspan, cells
written as ``<p><span>…</span></p>`` padded with ``&nbsp;``.

``utf8_page``: an HTML5 site, ``<meta charset="utf-8">``, header/nav/aside/footer chrome, the
article's own header with the publishing line; each project split into a basic-information table
and an indicator table with ``<thead>``/``<th>``, rowspans on both category columns and ``<br>``
inside long cells.
"""

from __future__ import annotations

from html import escape

from office_fixtures import HEADER, PERIODS, fmt_amount, narrative_lines, runs

TITLE = "承德市应急管理局2021年度部门整体及项目绩效目标"


def _p(text: str) -> str:
    """A cell as Word-to-HTML editors write it: paragraphs of spans, padded with &nbsp;."""
    return f'<p class="MsoNormal" align="center"><span style="font-size:10.5pt;font-family:宋体">' \
           f'&nbsp;{escape(text)}&nbsp;</span></p>'


def _spans(level: str, inds: list[dict]) -> list[int | None]:
    """rowspan per indicator row for a category column: the run length on its first row, None below."""
    keys = [(i["level1"], i[level]) for i in inds] if level == "level2" else [i["level1"] for i in inds]
    out: list[int | None] = [None] * len(inds)
    for a, b, _ in runs(keys):
        out[a] = b - a + 1
    return out


def _gb_project(p: dict) -> str:
    inds, goals = p["indicators"], p["goals"]
    rows = [f'<tr><td>{_p("项目编码")}</td><td colspan="2">{_p(p["code"])}</td><td>{_p("项目名称")}</td>'
            f'<td colspan="3">{_p(p["name"])}</td></tr>',
            f'<tr><td rowspan="2">{_p("预算规模及资金用途")}</td><td>{_p("预算数")}</td>'
            f'<td>{_p(fmt_amount(p["budget_wan"]))}</td><td>{_p("其中：财政资金")}</td>'
            f'<td>{_p(fmt_amount(p["fiscal_wan"]))}</td><td>{_p("其他资金")}</td><td>&nbsp;</td></tr>',
            f'<tr><td colspan="6" style="text-align:left">{_p(p["purpose"])}</td></tr>',
            f'<tr><td rowspan="2">{_p("资金支出计划（%）")}</td>'
            + "".join(f"<td{' colspan=3' if k == 3 else ''}>{_p(x)}</td>" for k, x in enumerate(PERIODS)) + "</tr>",
            "<tr>" + "".join(f"<td{' colspan=3' if k == 3 else ''}>{_p(str(x))}</td>"
                             for k, x in enumerate(p["schedule_pct"])) + "</tr>"]
    for k, goal in enumerate(goals):
        lead = f'<td rowspan="{len(goals)}">{_p("绩效目标")}</td>' if k == 0 else ""
        rows.append(f'<tr>{lead}<td>{_p(f"目标{k + 1}")}</td><td colspan="5">{_p(goal)}</td></tr>')
    rows.append("<tr>" + "".join(f"<td{' colspan=2' if h.startswith('绩效指标描述') else ''}>{_p(h)}</td>"
                                 for h in HEADER) + "</tr>")
    s1, s2 = _spans("level1", inds), _spans("level2", inds)
    for i, ind in enumerate(inds):
        cells = ""
        if s1[i]:
            cells += f'<td rowspan="{s1[i]}" valign="middle">{_p(ind["level1"])}</td>'
        if s2[i]:
            cells += f'<td rowspan="{s2[i]}">{_p(ind["level2"])}</td>'
        cells += (f'<td>{_p(ind["level3"])}</td><td colspan="2">{_p(ind["description"])}</td>'
                  f'<td>{_p(ind["value"])}</td><td>{_p(ind["basis"])}</td>')
        rows.append(f"<tr>{cells}</tr>")
    return (f'<p align="center"><b><span style="font-size:14pt">{escape(p["title"])}</span></b></p>\n'
            f'<table class="MsoTableGrid" border="1" cellspacing="0" cellpadding="0" width="600">\n'
            + "\n".join(rows) + "\n</table>\n<p>&nbsp;</p>\n")


def gb2312_page(gold: dict) -> bytes:
    narrative = "\n".join(f'<p style="text-indent:2em"><span style="font-family:仿宋_GB2312">{escape(line)}'
                          f'</span></p>' for line in narrative_lines())
    body = narrative + "\n<p>第二部分 项目绩效目标</p>\n" + "".join(_gb_project(p) for p in gold["projects"])
    page = f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{TITLE}_承德市应急管理局</title>
<link rel="stylesheet" href="/css/style.css">
<script type="text/javascript">var _hmt = _hmt || []; document.write("<div>统计</div>");</script>
<style>.nav a {{ color: #fff }}</style>
</head>
<body topmargin="0">
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td><img src="/images/banner.jpg" alt="承德市应急管理局"></td></tr>
  <tr><td class="nav"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/bsfw/">办事服务</a>
     | <a href="/hdjl/">互动交流</a></td></tr>
  <tr><td>
    <table width="100%" border="0" cellspacing="0" cellpadding="0">
      <tr><td width="200" valign="top" class="left">
          <table><tr><td><a href="/tzgg/">通知公告</a></td></tr><tr><td><a href="/czyjs/">财政预决算</a></td></tr></table>
        </td>
        <td valign="top">
          <div class="weizhi">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 预算绩效</div>
          <div class="title" align="center"><h2>{TITLE}</h2></div>
          <div class="info" align="center">发布时间：2021-02-05&nbsp;&nbsp;&nbsp;来源：承德市应急管理局&nbsp;&nbsp;
             【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
          <div style="display:none">隐藏的旧版本内容 产出指标 数量指标 旧指标 99次</div>
          <div class="TRS_Editor">
{body}
          </div>
          <div class="bdsharebuttonbox">分享到：<a class="bds_weixin">微信</a> <a class="bds_tsina">微博</a></div>
          <div align="right">[<a href="javascript:window.print()">打印本页</a>] [<a href="javascript:window.close()">关闭窗口</a>]</div>
        </td></tr>
    </table>
  </td></tr>
  <tr><td class="bottom" align="center">版权所有：承德市应急管理局&nbsp;&nbsp;主办单位：承德市应急管理局<br>
     <a href="https://beian.miit.gov.cn">冀ICP备05004567号-1</a>&nbsp;&nbsp;冀公网安备 13080202000123号</td></tr>
</table>
<script>(function(){{var bp=document.createElement('script');}})();</script>
</body></html>
"""
    return page.encode("gb18030")  # what a server "in GB2312" sends: GBK bytes, declared GB2312


def _utf8_project(p: dict) -> str:
    inds, goals = p["indicators"], p["goals"]
    info = (f'<table class="info-table"><tbody>'
            f'<tr><th>项目名称</th><td colspan="3">{escape(p["name"])}</td><th>项目编码</th>'
            f'<td>{escape(p["code"])}</td></tr>'
            f'<tr><th rowspan="2">预算规模及资金用途</th><th>预算数</th><td>{fmt_amount(p["budget_wan"])}</td>'
            f'<th>其中：财政资金</th><td>{fmt_amount(p["fiscal_wan"])}</td><td>其他资金：</td></tr>'
            f'<tr><td colspan="5">{escape(p["purpose"])}</td></tr>'
            f'<tr><th rowspan="2">资金支出计划（%）</th>' + "".join(f"<th>{x}</th>" for x in PERIODS) + "<td></td></tr>"
            "<tr>" + "".join(f"<td>{x}</td>" for x in p["schedule_pct"]) + "<td></td></tr>"
            + "".join(f'<tr>{"<th rowspan=%d>绩效目标</th>" % len(goals) if k == 0 else ""}'
                      f'<td>目标{k + 1}</td><td colspan="4">{escape(g)}</td></tr>' for k, g in enumerate(goals))
            + "</tbody></table>")
    s1, s2 = _spans("level1", inds), _spans("level2", inds)
    body = []
    for i, ind in enumerate(inds):
        cells = ""
        if s1[i]:
            cells += f'<td rowspan="{s1[i]}">{escape(ind["level1"])}</td>'
        if s2[i]:
            cells += f'<td rowspan="{s2[i]}">{escape(ind["level2"])}</td>'
        desc = escape(ind["description"])
        if len(desc) > 12:  # long cells broken by the editor
            desc = desc[:10] + "<br>\n" + desc[10:]
        cells += (f"<td>{escape(ind['level3'])}</td><td>{desc}</td><td>{escape(ind['value'])}</td>"
                  f"<td>{escape(ind['basis'])}</td>")
        body.append(f"<tr>{cells}</tr>")
    table = ('<table class="indicators"><thead><tr>' + "".join(f"<th>{h}</th>" for h in HEADER)
             + "</tr></thead><tbody>" + "\n".join(body) + "</tbody></table>")
    return f'<section class="project"><h3>{escape(p["title"])}</h3>\n{info}\n{table}\n</section>\n'


def utf8_page(gold: dict) -> bytes:
    narrative = "\n".join(f"<p>{escape(line)}</p>" for line in narrative_lines())
    page = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{TITLE} - 承德市人民政府门户网站</title>
<style>body {{ font-family: sans-serif }}</style>
</head><body>
<a class="skip" href="#main">跳到正文</a>
<header class="site-header"><div class="logo">承德市人民政府</div>
  <form class="search"><input type="text" name="q" placeholder="请输入关键词"><button>搜索</button></form></header>
<nav class="main-nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
  <li><a href="/zmhd">政民互动</a></li></ul></nav>
<div class="breadcrumb"><a href="/">首页</a> › <a href="/zwgk">政务公开</a> › 财政信息</div>
<main id="main"><article>
  <header><h1>{TITLE}</h1>
    <div class="meta"><span>发布日期：2021-02-05</span> <span>信息来源：承德市应急管理局</span>
      <span>浏览次数：<em id="hits">1024</em></span></div></header>
  <div class="article-body">
{narrative}
<p>第二部分 项目绩效目标</p>
{"".join(_utf8_project(p) for p in gold["projects"])}
  </div>
  <div class="share-bar">分享：<a>微信</a><a>微博</a><a>QQ空间</a></div>
</article></main>
<aside class="sidebar"><h4>相关文章</h4><ul><li><a>承德市应急管理局2020年度部门预算绩效目标</a></li></ul></aside>
<footer><p>承德市人民政府办公室主办 版权所有</p><p>冀ICP备12345678号 网站标识码：1308000001</p></footer>
<script src="/js/analytics.js"></script>
</body></html>
"""
    return page.encode("utf-8")

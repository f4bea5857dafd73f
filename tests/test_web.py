"""``jixiao serve``'s API and pages, through Starlette's TestClient (in process, no socket)."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from jixiao.apps.web import create_app, sniff_suffix

if str(Path(__file__).parent) not in sys.path:  # --import-mode=importlib leaves tests/ off sys.path
    sys.path.insert(0, str(Path(__file__).parent))
from apps_fixtures import PLANTED_TEXT, planted_docx, sample_index, write_planted_xlsx  # noqa: E402,F401

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _client(app):
    import warnings

    with warnings.catch_warnings():  # starlette ≥1.9 prefers httpx2 for its TestClient; httpx works the same
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    return TestClient(app, base_url="http://127.0.0.1")


@pytest.fixture(scope="module")
def client(sample_index):
    with _client(create_app(sample_index)) as c:
        yield c


def test_pages_are_html_with_a_strict_policy(client):
    for path in ("/", "/search", "/compare"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "<script src=\"/static/app.js\"" in r.text
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/../web.py").status_code == 404
    # the page script never hands data to innerHTML
    js = client.get("/static/app.js").text
    assert "innerHTML" not in js.replace("(never innerHTML)", "") and "textContent" in js


def test_suggest_leads_with_the_count_category(client):
    r = client.get("/api/suggest", params={"name": "培训人次"})
    assert r.status_code == 200
    data = r.json()
    assert data["categories"][0]["level2"] == "数量指标" and data["name"] == "培训人次"
    assert set(data) >= {"name", "value", "taxonomy", "categories", "similar", "hint"}


def test_responses_carry_the_server_time(client):
    timing = client.get("/api/suggest", params={"name": "培训人次"}).headers["server-timing"]
    assert timing.startswith("app;dur=") and float(timing.split("=")[1]) > 0


def test_suggest_gives_typical_values_with_years(client):
    data = client.get("/api/suggest", params={"name": "服务对象满意率", "value": "95%"}).json()
    same = data["similar"][0]
    assert same["scope"] == "contains" and same["count"] == 2 and same["years"] == [2021]
    assert (same["min"], same["max"], same["kind"]) == (90, 95, "median") and same["typical"].startswith("≥9")


def test_suggest_is_the_json_of_the_cli(client, sample_index):
    from click.testing import CliRunner

    from jixiao.cli import cli

    res = CliRunner().invoke(cli, ["suggest", "验收合格率", "--value", "95%", "--format", "json", "--index", sample_index])
    assert res.exit_code == 0
    assert client.get("/api/suggest", params={"name": "验收合格率", "value": "95%"}).json() == json.loads(res.stdout)
    res = CliRunner().invoke(cli, ["suggest", "培训人次", "--top", "5", "--format", "json", "--index", sample_index])
    assert client.get("/api/suggest", params={"name": "培训人次", "top": "5"}).json() == json.loads(res.stdout)
    assert client.get("/api/suggest", params={"name": "培训人次", "top": "99"}).status_code == 400


def test_row_review_for_the_drafting_box(client):
    row = client.get("/api/row", params={"name": "培训合格率", "value": "良好"}).json()
    assert row["level2"] == "质量指标" and row["category_source"] == "model"
    assert ("error", "C-UNMEASURABLE") in {(f["severity"], f["code"]) for f in row["findings"]}
    far = client.get("/api/row", params={"name": "应急演练次数", "value": "30次"}).json()
    assert [f for f in far["findings"] if f["code"] == "C-FAR-FROM-PAST" and "2021年" in f["message"]]
    ok = client.get("/api/row", params={"name": "应急演练次数", "value": "3次"}).json()
    assert ok["normalized"] == "3次" and {f["code"] for f in ok["findings"]} <= {"C-CATEGORY-SUGGESTED"}
    assert client.get("/api/row", params={"value": "3次"}).status_code == 400


def test_suggest_needs_a_name(client):
    r = client.get("/api/suggest")
    assert r.status_code == 400 and "name" in r.json()["error"]


def test_search_answers_with_filters_and_facets(client):
    r = client.get("/api/search", params={"q": "演练", "year": "2021", "level1": "产出指标", "limit": "3"})
    assert r.status_code == 200
    data = r.json()
    assert data["total"] >= 1 and len(data["hits"]) <= 3
    assert all(h["year"] == 2021 and h["level1"] == "产出指标" for h in data["hits"])
    assert data["facets"]["year"] == {"2021": data["total"]}
    assert "<b>" in data["hits"][0]["snippet"]
    every = client.get("/api/search", params={"kind": "indicator", "min": "90", "max": "100"}).json()
    assert every["query"] == "*" and every["total"] > 10
    assert all(90 <= h["target"]["value"] <= 100 for h in every["hits"])


@pytest.mark.parametrize("params", [{"year": "x"}, {"min": "nan"}, {"kind": "other"}, {"limit": "-1"}])
def test_search_rejects_bad_parameters(client, params):
    r = client.get("/api/search", params={"q": "演练", **params})
    assert r.status_code == 400 and r.json()["error"]


def test_check_reviews_an_uploaded_xlsx(client, tmp_path):
    body = write_planted_xlsx(tmp_path / "draft.xlsx").read_bytes()
    r = client.post("/api/check", content=body, headers={"content-type": XLSX})
    assert r.status_code == 200
    data = r.json()
    assert data["summary"]["error"] >= 4 and data["summary"]["rows"] == 7
    codes = {(f["level3"], f["code"]) for f in data["findings"]}
    assert {("培训合格率", "C-UNMEASURABLE"), ("社区居民满意度", "C-CATEGORY"), ("培训人次", "C-NO-UNIT"),
            ("应急演练次数", "C-DUPLICATE"), (None, "C-NO-SATISFACTION")} <= codes
    row = next(r for r in data["rows"] if r["level3"] == "培训人次")
    assert row["level2"] == "数量指标" and row["normalized"] == "500" and row["findings"]
    # the same bytes without a Content-Type are sniffed as .xlsx
    r2 = client.post("/api/check", content=body, headers={"content-type": "application/octet-stream"})
    assert r2.status_code == 200 and r2.json()["summary"] == data["summary"]


def test_check_reviews_an_uploaded_docx_named_in_the_query(client):
    r = client.post("/api/check?name=草稿.docx", content=planted_docx(), headers={"content-type": "application/octet-stream"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["path"] == "草稿.docx" and data["summary"]["rows"] == 7
    codes = {(f["level3"], f["code"]) for f in data["findings"]}
    assert {("培训合格率", "C-UNMEASURABLE"), ("应急演练次数", "C-DUPLICATE"), (None, "C-NO-SATISFACTION")} <= codes


def test_check_reviews_a_web_page(client):
    from apps_fixtures import PLANTED_HEAD, PLANTED_ROWS

    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in PLANTED_ROWS)
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{PLANTED_HEAD[0]}</title></head><body>"
            f"<h1>{PLANTED_HEAD[0]}</h1><p>项目名称：社区应急能力提升项目</p><table>{rows}</table></body></html>")
    r = client.post("/api/check", content=page.encode("utf-8"), headers={"content-type": "text/html; charset=utf-8"})
    assert r.status_code == 200, r.text
    codes = {(f["level3"], f["code"]) for f in r.json()["findings"]}
    assert {("培训合格率", "C-UNMEASURABLE"), (None, "C-NO-SATISFACTION")} <= codes


def test_check_reviews_pasted_text_and_downloads_xlsx(client):
    from openpyxl import load_workbook

    body = PLANTED_TEXT.encode("utf-8")
    data = client.post("/api/check", content=body, headers={"content-type": "text/plain; charset=utf-8"}).json()
    assert ("培训合格率", "C-UNMEASURABLE") in {(f["level3"], f["code"]) for f in data["findings"]}
    r = client.post("/api/check?format=xlsx", content=body, headers={"content-type": "text/plain"})
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert "attachment" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb["审核结果"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][4] == "三级指标" and len(rows) == 8
    bad = next(r for r in rows if r[4] == "培训合格率")
    assert bad[7] == "错误" and "无法衡量" in bad[8]
    assert any("满意度" in (r[3] or "") for r in wb["整表问题"].iter_rows(values_only=True))


def test_check_bad_upload_is_one_clear_error(client):
    r = client.post("/api/check", content=b"PK\x03\x04 not really a zip", headers={"content-type": XLSX})
    assert r.status_code == 422 and "R0" in r.json()["error"]
    assert client.post("/api/check", content=b"  ").status_code == 400


def test_uploads_are_size_limited_and_leave_no_files(sample_index, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with _client(create_app(sample_index, max_upload=1000)) as c:
        r = c.post("/api/check", content=b"x" * 2000, headers={"content-type": "text/plain"})
        assert r.status_code == 413
        assert c.post("/api/check", content=PLANTED_TEXT.encode(), headers={"content-type": "text/plain"}).status_code == 200
    assert os.listdir(tmp_path) == []  # the private upload directory is removed


def test_cross_site_posts_and_foreign_hosts_are_refused(client):
    r = client.post("/api/check", content=PLANTED_TEXT.encode(), headers={"origin": "http://evil.example"})
    assert r.status_code == 403
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400  # DNS-rebinding guard


def test_compare_page_data_and_report_errors(client):
    assert client.get("/api/departments").json() == {"departments": {"承德市应急管理局": [2021]}}
    r = client.get("/compare/report", params={"department": "应急", "from": "2020", "to": "2021"})
    assert r.status_code == 404 and "2020" in r.json()["error"]


def test_compare_report_is_the_report_html(tmp_path):
    """Two years in the index: the report page is index/report.py's HTML under a script-free policy."""
    from click.testing import CliRunner

    from jixiao.cli import cli

    sample = Path(__file__).resolve().parents[1] / "corpus" / "samples" / "chengde_2021_yingji.txt"
    later = tmp_path / "docs" / "chengde_2022.txt"
    later.parent.mkdir()
    later.write_text(sample.read_text(encoding="utf-8").replace("2021", "2022").replace("4次", "6次"),
                     encoding="utf-8")
    idx = tmp_path / "idx"
    assert CliRunner().invoke(cli, ["ingest", str(sample), str(later), "--index", str(idx), "-q"]).exit_code == 0
    with _client(create_app(str(idx))) as c:
        r = c.get("/compare/report", params={"department": "承德市应急管理局", "from": "2021", "to": "2022"})
        assert r.status_code == 200 and "<html" in r.text and "6次" in r.text
        assert "script-src" not in r.headers["content-security-policy"]
        assert "default-src 'none'" in r.headers["content-security-policy"]


def test_no_index_yet(tmp_path):
    with _client(create_app(str(tmp_path / "none"))) as c:
        data = c.get("/api/suggest", params={"name": "培训人次"}).json()
        assert data["categories"][0]["level2"] == "数量指标" and data["similar"] == [] and data["hint"]
        r = c.get("/api/search", params={"q": "演练"})
        assert r.status_code == 422 and "ingest" in r.json()["error"]


@pytest.mark.parametrize("data, ctype, name, suffix", [
    (b"PK\x03\x04", None, "draft.docx", ".docx"),
    (b"%PDF-1.7", None, None, ".pdf"),
    (b"%PDF-1.7", XLSX, None, ".xlsx"),
    ("一级指标\t二级指标".encode(), "text/plain", None, ".txt"),
    (b"<!DOCTYPE html><html>", None, None, ".html"),
    (b"whatever", None, "../../etc/passwd", ".txt"),
])
def test_sniff_suffix(data, ctype, name, suffix):
    assert sniff_suffix(data, ctype, name) == suffix


def test_serve_on_a_port_in_use_is_one_clear_error(tmp_path):
    import socket

    from click.testing import CliRunner

    from jixiao.cli import cli

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        res = CliRunner().invoke(cli, ["serve", "--port", str(port), "--index", str(tmp_path / "idx")])
    assert res.exit_code == 1 and "cannot listen" in res.output and "Traceback" not in res.output

"""``jixiao serve``: a local web workbench (Starlette + uvicorn) over the same functions as the CLI.

Pages: drafting (``/``: suggest as you type, review a pasted or uploaded table), search (``/search``)
and the compare report (``/compare``). API (contract §6): ``GET /api/search``, ``GET /api/suggest``,
``POST /api/check``; also ``GET /api/row`` (check's findings about one name and value, for the drafting
box), ``GET /api/departments`` and ``GET /compare/report`` for the compare page.

The model and the index are loaded once per server (``Workbench``); the index is reopened when an
ingest changes it. Uploads are size-limited, read into memory and written only inside a private
temporary directory that is removed after parsing. Pages build every piece of document text with
``textContent`` (no ``innerHTML`` of data) and the Content-Security-Policy allows only our own scripts.
"""

from __future__ import annotations

import collections
import contextlib
import os
import shutil
import sys
import tempfile
import threading
import time
from importlib import resources
from typing import Any

MAX_UPLOAD = 20 * 1024 * 1024  # a 绩效目标表 is kilobytes to a few MB
REOPEN_CHECK_S = 1.0
ANSWERS_KEPT = 512  # suggest answers remembered per server  # how often the index directory is looked at for a newer ingest
SUFFIXES = (".txt", ".csv", ".docx", ".xlsx", ".xlsm", ".pdf", ".html", ".htm", ".doc", ".xls")
CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": ".xlsm",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "text/html": ".html",
    "text/csv": ".csv",
    "text/plain": ".txt",
    "text/tab-separated-values": ".txt",
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'; "
            "object-src 'none'")
# The compare report is self-contained HTML with its own <style> and inline SVG charts, and no script.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'"
PAGES = {"/": "draft.html", "/search": "search.html", "/compare": "compare.html"}
STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8",
          "favicon.svg": "image/svg+xml"}


def sniff_suffix(data: bytes, content_type: str | None = None, name: str | None = None) -> str:
    """The file type of an upload: from its name, else its Content-Type, else its first bytes."""
    if name:
        ext = os.path.splitext(name)[1].lower()
        if ext in SUFFIXES:
            return ext
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype in CONTENT_TYPES and ctype not in ("text/plain", "application/octet-stream"):
        return CONTENT_TYPES[ctype]
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        import io
        import zipfile

        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return ".xlsx"  # let the reader name the damage
        if any(n.startswith("word/") for n in names):
            return ".docx"
        return ".xlsx"
    if head.startswith(b"%PDF"):
        return ".pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: legacy Word or Excel
        return ".doc" if b"W\x00o\x00r\x00d\x00D\x00o\x00c" in data[:65536] or b"WordDocument" in data[:65536] \
            else ".xls"
    sample = data[:2048].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if sample.startswith((b"<!doctype html", b"<html")) or b"<table" in sample[:512]:
        return ".html"
    return ".txt"


class Workbench:
    """What a server loads once: the model, the taxonomy and the index (reopened after an ingest).

    Store access is serialized by a lock: a whoosh searcher is not meant for concurrent threads.
    """

    def __init__(self, index_dir: str | None, *, model_path: str | None = None):
        self.index_dir = index_dir
        self.model_path = model_path
        self._model = None
        self._which: dict | None = None
        self._store = None
        self._signature = None
        self._checked = 0.0
        self._answers: collections.OrderedDict = collections.OrderedDict()  # (name, value, top, index) → answer
        self.lock = threading.RLock()

    # ------------------------------------------------------------ loading

    @property
    def model(self):
        """The model ``jixiao suggest`` would use: a --model file, else the index's own (``jixiao train
        --from-index``), else the bundled one."""
        if self._model is None:
            from jixiao.models.predict import resolve_model

            self._model, self._which = resolve_model(self.model_path, self.index_dir)
        return self._model

    def _index_signature(self):
        try:
            with os.scandir(self.index_dir) as it:
                return tuple(sorted((e.name, e.stat().st_mtime_ns) for e in it if not e.name.endswith(".lock")))
        except (OSError, TypeError):
            return None

    def store(self):
        """The open index (None when there is none yet); reopened when the directory changed."""
        now = time.monotonic()
        if now - self._checked < REOPEN_CHECK_S and (self._store is not None or self._signature == "missing"):
            return self._store
        self._checked = now
        sig = self._index_signature()
        if sig is not None and sig == self._signature and self._store is not None:
            return self._store
        if self._store is not None:
            self._store.close()
            self._store = None
        self._answers.clear()
        from jixiao.apps.check import open_index

        self._store, _ = open_index(self.index_dir)
        self._signature = sig if self._store is not None else "missing"
        return self._store

    def warm(self) -> None:
        """Load the model and the segmenter and open the index now, not on the first keystroke."""
        self.suggest("培训人次")

    def close(self) -> None:
        with self.lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    # ------------------------------------------------------------ the uses

    def suggest(self, name: str, value: str | None = None, top: int = 3) -> dict[str, Any]:
        """``suggest --format json`` for ``name``; answers are kept for the index they came from (a
        drafter deleting a character asks for the previous name again)."""
        import copy

        from jixiao.models.suggest import suggest_result

        with self.lock:
            store = self.store()
            key = (name, value or None, top, self._signature)
            hit = self._answers.get(key)
            if hit is None:
                hit = suggest_result(name, value=value or None, top=top, store=store, model=self.model,
                                     which=self._which)
                self._answers[key] = hit
                if len(self._answers) > ANSWERS_KEPT:
                    self._answers.popitem(last=False)
            else:
                self._answers.move_to_end(key)
            return copy.deepcopy(hit)

    def review_row(self, name: str, value: str | None) -> dict[str, Any]:
        from jixiao.apps.check import review_row

        with self.lock:
            return review_row(name, value, store=self.store(), model=self.model).to_dict()

    def search(self, query: str, *, limit: int = 20, **filters) -> dict[str, Any]:
        from jixiao.errors import IndexError_
        from jixiao.index.store import SearchFilters

        with self.lock:
            store = self.store()
            if store is None:
                raise IndexError_(f"没有索引 no index at {self.index_dir}; run `jixiao ingest PATH...` first")
            result = store.search(query, SearchFilters(**filters), limit=limit).to_dict()
            note = getattr(store, "last_query_note", None)
        if note:
            result["note"] = note
        return result

    def departments(self) -> dict[str, list[int]]:
        with self.lock:
            store = self.store()
            return store.departments() if store is not None else {}

    def compare(self, department: str, year_from: int, year_to: int) -> dict[str, Any]:
        from jixiao.errors import IndexError_
        from jixiao.index.compare import compare_range, resolve_department, select_years

        with self.lock:
            store = self.store()
            if store is None:
                raise IndexError_(f"没有索引 no index at {self.index_dir}; run `jixiao ingest PATH...` first")
            departments = store.departments()
            dept = resolve_department(departments, department)
            years = select_years(departments, dept, year_from, year_to)
            docs = {y: store.documents(dept, y) for y in years}
        return compare_range(dept, docs)

    def review(self, data: bytes, *, content_type: str | None = None, name: str | None = None):
        """Parse an uploaded draft (bytes) and review it. The bytes are written only inside a private
        temporary directory (readers of some formats need a file), which is removed afterwards."""
        from jixiao.apps.check import Checker
        from jixiao.pipeline.enrich import Parser

        suffix = sniff_suffix(data, content_type, name)
        shown = os.path.basename(name) if name else f"upload{suffix}"
        tmp = tempfile.mkdtemp(prefix="jixiao-upload-")  # mode 0700: private to this user
        try:
            path = os.path.join(tmp, f"draft{suffix}")
            with open(path, "wb") as f:
                f.write(data)
            doc = Parser().parse(path, data=data)
            doc.source.path = shown
            with self.lock:
                return Checker(self.store(), model=self.model).review(doc)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- reviewed table as .xlsx

REVIEW_COLUMNS = ["项目", "一级指标", "二级指标", "类别来源", "三级指标", "指标值", "规范值", "级别", "问题", "建议"]


def review_xlsx(review) -> bytes:
    """The reviewed table as an Excel workbook: one row per indicator with its findings, then the
    findings about whole tables."""
    from jixiao.apps.check import SEVERITIES, SEVERITY_ZH
    from jixiao.output import write_xlsx

    rank = {s: i for i, s in enumerate(SEVERITIES)}
    rows = []
    for r in review.rows:
        fs = sorted(r.findings, key=lambda f: rank[f.severity])
        rows.append([r.project, r.level1, r.level2, "文件" if r.category_source == "document" else "模型建议",
                     r.level3, r.value, r.normalized, SEVERITY_ZH[fs[0].severity] if fs else "",
                     "\n".join(f.message for f in fs), "\n".join(f.suggestion or "" for f in fs).strip()])
    table = [[f.project, SEVERITY_ZH[f.severity], f.code, f.message, f.suggestion]
             for f in review.findings if f.level3 is None]
    tmp = tempfile.mkdtemp(prefix="jixiao-xlsx-")
    try:
        path = os.path.join(tmp, "review.xlsx")
        write_xlsx(path, {"审核结果": (REVIEW_COLUMNS, rows),
                          "整表问题": (["项目", "级别", "代码", "问题", "建议"], table)})
        with open(path, "rb") as f:
            return f.read()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- the ASGI app

class ServerTiming:
    """ASGI middleware: every response says how long the app took (``Server-Timing: app;dur=ms``),
    so latency can be measured on the server side, without the client's or the network's share."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        t0 = time.perf_counter()

        async def timed_send(message):
            if message["type"] == "http.response.start":
                dur = (time.perf_counter() - t0) * 1000
                message = {**message, "headers": list(message.get("headers", [])) + [
                    (b"server-timing", f"app;dur={dur:.2f}".encode())]}
            await send(message)

        await self.app(scope, receive, timed_send)


def _static(name: str) -> bytes:
    return (resources.files("jixiao.apps") / "static" / name).read_bytes()


def create_app(index_dir: str | None, *, model_path: str | None = None, allowed_hosts: list[str] | None = None,
               max_upload: int = MAX_UPLOAD, workbench: Workbench | None = None):
    """The Starlette app. ``allowed_hosts``: Host headers served (DNS-rebinding guard; loopback names by default)."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from jixiao.errors import JixiaoError, NotFoundError, QueryError

    bench = workbench or Workbench(index_dir, model_path=model_path)
    hosts = allowed_hosts or ["127.0.0.1", "localhost", "::1", "[::1]"]
    cache = {name: _static(name) for name in set(PAGES.values()) | set(STATIC)}

    def headers(csp: str = PAGE_CSP) -> dict[str, str]:
        return {"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status, headers=headers())

    def as_json(data: Any) -> JSONResponse:
        return JSONResponse(data, headers=headers())

    async def guarded(fn, *args, **kwargs):
        """Run a library call off the event loop; its typed errors become JSON errors."""
        try:
            return await run_in_threadpool(fn, *args, **kwargs)
        except (QueryError, NotFoundError) as e:
            return error(400 if isinstance(e, QueryError) else 404, str(e))
        except JixiaoError as e:
            return error(422, str(e))

    def page(request: Request) -> Response:
        return Response(cache[PAGES[request.url.path]], media_type="text/html; charset=utf-8", headers=headers())

    def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response("not found", status_code=404, media_type="text/plain")
        return Response(cache[name], media_type=STATIC[name], headers=headers())

    def _int(request: Request, key: str, lo: int | None = None, hi: int | None = None) -> int | None:
        raw = request.query_params.get(key, "").strip()
        if not raw:
            return None
        try:
            v = int(raw)
        except ValueError:
            raise QueryError(f"{key}={raw!r} is not a whole number") from None
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise QueryError(f"{key}={v} is out of range")
        return v

    def _float(request: Request, key: str) -> float | None:
        raw = request.query_params.get(key, "").strip()
        if not raw:
            return None
        try:
            v = float(raw)
        except ValueError:
            raise QueryError(f"{key}={raw!r} is not a number") from None
        if v != v:
            raise QueryError(f"{key}=nan is not a number")
        return v

    async def api_search(request: Request) -> Response:
        p = request.query_params
        try:
            filters = {"year": _int(request, "year", 1900, 2100), "year_from": _int(request, "from", 1900, 2100),
                       "year_to": _int(request, "to", 1900, 2100), "vmin": _float(request, "min"),
                       "vmax": _float(request, "max")}
            limit = _int(request, "limit", 0, 1000)
        except QueryError as e:
            return error(400, str(e))
        for key in ("department", "region", "level1", "level2"):
            filters[key] = p.get(key, "").strip() or None
        kind = p.get("kind", "").strip() or None
        if kind not in (None, "indicator", "narrative", "project"):
            return error(400, f"kind={kind!r}: use indicator, narrative or project")
        filters["kind"] = kind
        q = p.get("q", "").strip() or "*"
        result = await guarded(bench.search, q, limit=20 if limit is None else limit, **filters)
        return result if isinstance(result, Response) else as_json(result)

    async def api_suggest(request: Request) -> Response:
        name = request.query_params.get("name", "").strip()
        if not name:
            return error(400, "name is required, e.g. /api/suggest?name=培训人次")
        if len(name) > 200:
            return error(400, "name is too long (at most 200 characters)")
        try:
            top = _int(request, "top", 1, 12)
        except QueryError as e:
            return error(400, str(e))
        result = await guarded(bench.suggest, name, request.query_params.get("value", "").strip() or None,
                               3 if top is None else top)
        return result if isinstance(result, Response) else as_json(result)

    async def api_review_row(request: Request) -> Response:
        name = request.query_params.get("name", "").strip()
        if not name or len(name) > 200:
            return error(400, "name is required (at most 200 characters)")
        result = await guarded(bench.review_row, name, request.query_params.get("value", "").strip() or None)
        return result if isinstance(result, Response) else as_json(result)

    async def read_body(request: Request) -> bytes | Response:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_upload:
            return error(413, f"文件过大 upload is over the limit of {max_upload // 2**20} MB")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_upload:
                return error(413, f"文件过大 upload is over the limit of {max_upload // 2**20} MB")
            chunks.append(chunk)
        data = b"".join(chunks)
        if not data.strip():
            return error(400, "empty body: send a draft file's bytes, or the table as text")
        return data

    def same_origin(request: Request) -> bool:
        """A page on another site must not post drafts here (browsers send Origin on cross-site POSTs)."""
        origin = request.headers.get("origin")
        if not origin or origin == "null":
            return origin is None
        from urllib.parse import urlsplit

        return urlsplit(origin).netloc == request.headers.get("host")

    async def api_check(request: Request) -> Response:
        if not same_origin(request):
            return error(403, "cross-origin request refused")
        data = await read_body(request)
        if isinstance(data, Response):
            return data
        name = request.query_params.get("name") or request.headers.get("x-filename")
        review = await guarded(bench.review, data, content_type=request.headers.get("content-type"), name=name)
        if isinstance(review, Response):
            return review
        if request.query_params.get("format") == "xlsx":
            body = await run_in_threadpool(review_xlsx, review)
            h = headers()
            h["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%AE%A1%E6%A0%B8%E7%BB%93%E6%9E%9C.xlsx"
            return Response(body, media_type=XLSX_TYPE, headers=h)
        return as_json(review.to_dict())

    async def api_departments(request: Request) -> Response:
        result = await guarded(bench.departments)
        return result if isinstance(result, Response) else as_json({"departments": result})

    async def compare_report(request: Request) -> Response:
        from jixiao.index.report import render

        dept = request.query_params.get("department", "").strip()
        try:
            y0, y1 = _int(request, "from", 1900, 2100), _int(request, "to", 1900, 2100)
        except QueryError as e:
            return error(400, str(e))
        if not dept or y0 is None or y1 is None:
            return error(400, "department, from and to are required")
        result = await guarded(bench.compare, dept, y0, y1)
        if isinstance(result, Response):
            return result
        return Response(render(result, "html"), media_type="text/html; charset=utf-8", headers=headers(REPORT_CSP))

    routes = [Route(path, page) for path in PAGES]
    routes += [Route("/static/{name}", static), Route("/api/search", api_search), Route("/api/suggest", api_suggest),
               Route("/api/check", api_check, methods=["POST"]), Route("/api/row", api_review_row),
               Route("/api/departments", api_departments),
               Route("/compare/report", compare_report)]
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        bench.close()

    app = Starlette(routes=routes, middleware=[Middleware(ServerTiming),
                                               Middleware(TrustedHostMiddleware, allowed_hosts=hosts)],
                    lifespan=lifespan)
    app.state.workbench = bench
    return app


def listen(host: str, port: int):
    """A bound socket for the server, so that a port in use fails at once with one clear line."""
    import socket

    from jixiao.errors import JixiaoError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise JixiaoError(f"无法监听 cannot listen on {host}:{port}: {e.strerror or e}; choose another --port") from None
    return sock


def run_server(*, host: str = "127.0.0.1", port: int = 8000, index_dir: str | None = None) -> None:
    """``jixiao serve``: bind, load once, print the address, serve until Ctrl-C."""
    import uvicorn

    loopback = host in ("127.0.0.1", "localhost", "::1")
    sock = listen(host, port)
    try:
        bench = Workbench(index_dir)
        bench.warm()
        app = create_app(index_dir, allowed_hosts=None if loopback else ["*"], workbench=bench)
        shown = f"[{host}]" if ":" in host else host
        print(f"jixiao 工作台 workbench: http://{shown}:{sock.getsockname()[1]}/   "
              f"(索引 index: {index_dir}; Ctrl-C 停止 to stop)", file=sys.stderr, flush=True)
        if not loopback:
            print("注意 Note: listening beyond this computer; anyone who can reach it can read the index",
                  file=sys.stderr)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", server_header=False))
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:  # Ctrl-C is how a server is meant to stop: uvicorn re-raises it after shutdown
            pass
        print("已停止 stopped", file=sys.stderr)
    finally:
        sock.close()

"""``jixiao serve``: /api/suggest latency over 120 calls, against a cold ``jixiao suggest`` in the same run.

A drafter types names letter by letter, so the calls are the prefixes of real indicator names (培, 培训,
培训人, 培训人次 …) drawn from the index. Measured three ways: the Workbench call alone (model and index
loaded once), through the ASGI app in process (Starlette's TestClient: routing, JSON, its own thread
hand-offs), and over HTTP to a real ``jixiao serve`` on a loopback port, both as the client sees it and as
the server reports it (its ``Server-Timing`` header: the app's own time, the figure the target is for). The baseline is what each answer cost before: a fresh ``jixiao suggest`` process.

    python bench/bench_serve.py              # the sample alone (108 rows), then with 100 generated documents
    python bench/bench_serve.py --docs 0     # the sample alone
"""

from __future__ import annotations

import argparse
import io
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
SAMPLE = ROOT / "corpus" / "samples" / "chengde_2021_yingji.txt"
CALLS = 120


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def typed_names(index_dir: str, n: int, seed: int = 7) -> list[str]:
    """``n`` names as typed: every prefix (2+ characters) of indicator names found in the index."""
    from jixiao.index.store import open_store

    store = open_store(index_dir)
    try:
        names = sorted({h["level3"] for h in store.search("*", limit=5000).hits if h.get("level3")})
    finally:
        store.close()
    rnd = random.Random(seed)
    rnd.shuffle(names)
    out: dict[str, None] = {}  # distinct: the server keeps answers, a repeated name would flatter it
    for name in names:
        out.update(dict.fromkeys(name[:k] for k in range(2, len(name) + 1)))
        if len(out) >= n:
            break
    return list(out)[:n]


def cold_cli(index_dir: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "jixiao", "suggest", "培训人次", "--index", index_dir, "--format", "json"],
                       check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def over_http(index_dir: str, names: list[str]) -> tuple[list[float], list[float], float]:
    """Client-observed latencies, the server's own (its Server-Timing header) and the start-up time."""
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "jixiao", "serve", "--port", str(port), "--index", index_dir],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/suggest?name=x", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.perf_counter() - t0 > 120:
                    raise SystemExit("jixiao serve did not start")
                time.sleep(0.1)
        ready = time.perf_counter() - t0
        times, server = [], []
        for name in names:
            t = time.perf_counter()
            with urllib.request.urlopen(f"{base}/api/suggest?name={urllib.parse.quote(name)}", timeout=10) as r:
                r.read()
                timing = r.headers["Server-Timing"]
            times.append(time.perf_counter() - t)
            server.append(float(timing.split("dur=")[1]) / 1000)
        return times, server, ready
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def measure(n_docs: int, tmp: str) -> None:
    from jixiao.apps.web import Workbench, create_app
    from jixiao.index.ingest import run_ingest

    paths = [str(SAMPLE)]
    if n_docs:
        from gen_corpus import generate

        paths += [str(p) for p in generate(n_docs, Path(tmp) / f"docs{n_docs}")]
    idx = str(Path(tmp) / f"idx{n_docs}")
    run_ingest(paths, idx, progress=False, out=io.StringIO(), err=io.StringIO())
    bench = Workbench(idx)
    bench.warm()
    rows = bench.store().stats()["indicators"]
    names = typed_names(idx, CALLS)
    print(f"\n== index: {len(paths)} documents, {rows} indicator rows; {len(names)} distinct typed names "
          f"({names[0]!r}, {names[1]!r}, …)")

    base = cold_cli(idx)
    lib, found = [], 0
    for name in names:
        t = time.perf_counter()
        res = bench.suggest(name)
        lib.append(time.perf_counter() - t)
        assert not (res["hint"] or "").startswith("索引查询失败"), res["hint"]  # a failed lookup is not an answer
        found += bool(res["similar"])
    bench._answers.clear()  # the ASGI pass asks the same names: no remembered answers

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    asgi = []
    with TestClient(create_app(idx, workbench=bench), base_url="http://127.0.0.1") as c:
        for name in names:
            t = time.perf_counter()
            r = c.get("/api/suggest", params={"name": name})
            asgi.append(time.perf_counter() - t)
            assert r.status_code == 200, r.text
    bench.close()
    http, server, ready = over_http(idx, names)

    print(f"baseline: a cold `jixiao suggest` process  median {base * 1000:8.1f} ms (n=3); "
          f"{found}/{len(names)} answers list similar past indicators")
    print(f"{'':40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  {'p95 vs baseline':>16}")
    for label, xs in (("Workbench.suggest (library, warm)", lib), ("GET /api/suggest, ASGI TestClient", asgi),
                      ("GET /api/suggest over HTTP, client", http),
                      ("  the same, server-side (Server-Timing)", server)):
        print(f"{label:40} {pct(xs, .5) * 1000:8.2f} {pct(xs, .95) * 1000:8.2f} {max(xs) * 1000:8.2f}  "
              f"{pct(xs, .95) / base:15.4f}x")
    print(f"jixiao serve: ready to answer {ready:.1f} s after start (model, segmenter and index loaded once)")
    verdict = "PASS" if pct(server, .95) <= 0.050 else "FAIL"
    print(f"server-side suggest p95 ≤ 50 ms over {len(names)} calls (jixiao serve, Server-Timing): {verdict}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", default="0,100", help="generated documents added to the sample's index, per run")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-serve-") as tmp:
        for n in (int(x) for x in args.docs.split(",")):
            measure(n, tmp)


if __name__ == "__main__":
    main()

"""Heavy fuzzing of the jixiao command line: hostile files, mutated documents, odd queries, damaged indexes.

Prints figures; it is not a test (``tests/test_fuzz.py`` and ``tests/test_hostile.py`` are the quick
versions that run in CI). Every input goes through the real ``jixiao`` command in a child process
with a time limit (``--timeout``, default 60 s) and an address-space cap (``--mem-mb``, default 3072):
a child that hits either counts as a crash, as does a traceback, an exit status other than 0/1, more
than one line on stderr for one bad input, or (crafted index) a marker file the pickle would write.

It uses the ``jixiao`` importable by the Python that runs it, so the same script measures two
checkouts::

    /path/to/other-venv/bin/python bench/fuzz_heavy.py      # before (a venv with the older checkout)
    python bench/fuzz_heavy.py                               # after (this checkout's venv)
    python bench/fuzz_heavy.py --mutations 50 --quick        # a short look

Sections: hostile files at the sizes the reliability probe reported (``tests/hostile_files.py``),
byte and zip-member mutations of the seed rendered as .txt/.docx/.xlsx (parsed as one batch per
format), ``extract`` on a 6 MB line and random lines, ``search`` with a 10,001-character phrase and
random query syntax, crafted and damaged indexes under every index command, CSV/XLSX export cells,
and ``-o`` onto a FIFO.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import hostile_files as H  # noqa: E402

SEED = HERE.parent / "corpus" / "samples" / "chengde_2021_yingji.txt"


class Stats:
    def __init__(self):
        self.inputs = 0
        self.crashes: list[str] = []
        self.max_time = (0.0, "")
        self.max_rss = (0, "")
        self.rows: list[tuple] = []

    def add(self, section: str, name: str, res: dict, ok: bool, why: str = "") -> None:
        self.inputs += res.get("inputs", 1)
        if res["time"] > self.max_time[0]:
            self.max_time = (res["time"], f"{section}/{name}")
        if res["rss"] > self.max_rss[0]:
            self.max_rss = (res["rss"], f"{section}/{name}")
        if not ok:
            self.crashes.append(f"{section}/{name}: {why}")
        self.rows.append((section, name, res["code"], res["time"], res["rss"], "ok" if ok else "CRASH " + why))


def run_measured(args, **kw) -> dict:
    """``run`` in a fresh grandchild so that ru_maxrss is this run's peak, not the largest so far."""
    import json

    code = ("import json,resource,subprocess,sys,time;a=json.loads(sys.argv[1]);"
            "cap=a['mem']*2**20\n"
            "def lim(): resource.setrlimit(resource.RLIMIT_AS,(cap,cap))\n"
            "t=time.perf_counter();p=subprocess.Popen([sys.executable,'-m','jixiao',*a['args']],"
            "stdin=subprocess.PIPE if a['stdin'] is not None else subprocess.DEVNULL,"
            "stdout=subprocess.PIPE,stderr=subprocess.PIPE,preexec_fn=lim,cwd=a['cwd'])\n"
            "to=False\n"
            "try: o,e=p.communicate(None if a['stdin'] is None else open(a['stdin'],'rb').read(),timeout=a['timeout'])\n"
            "except subprocess.TimeoutExpired: p.kill(); o,e=p.communicate(); to=True\n"
            "r=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024\n"
            "print(json.dumps({'code':p.returncode,'time':time.perf_counter()-t,'rss':r,'timeout':to,"
            "'err':e.decode('utf-8','replace'),'outlen':len(o),'out':o[:4000].decode('utf-8','replace')}))")
    stdin_path = None
    if kw.get("stdin") is not None:
        fd, stdin_path = tempfile.mkstemp()
        with os.fdopen(fd, "wb") as f:
            f.write(kw["stdin"])
    try:
        payload = json.dumps({"args": args, "stdin": stdin_path, "timeout": kw["timeout"], "mem": kw["mem_mb"],
                              "cwd": kw.get("cwd")})
        p = subprocess.run([sys.executable, "-c", code, payload], capture_output=True, text=True,
                           env=kw.get("env"))
        return json.loads(p.stdout)
    finally:
        if stdin_path:
            os.unlink(stdin_path)


def verdict(res: dict, *, lines: int | None = 1) -> tuple[bool, str]:
    """A run is fine when it exits 0, or 1 with at most ``lines`` lines on stderr and no traceback."""
    err = res["err"]
    if res["timeout"]:
        return False, f"timeout after {res['time']:.0f} s"
    if "Traceback" in err:
        last = [ln for ln in err.splitlines() if ln.strip()][-1:]
        return False, f"traceback: {last[0][:120] if last else ''}"
    if res["code"] not in (0, 1):
        return False, f"exit status {res['code']} ({'memory cap' if res['code'] < 0 or 'MemoryError' in err else ''})"
    err_lines = [ln for ln in err.splitlines() if ln.strip()]
    if res["code"] == 1 and lines is not None and len(err_lines) > lines:
        return False, f"{len(err_lines)} lines on stderr"
    if res["code"] == 1 and not err_lines:
        return False, "exit 1 without a message"
    if "Aborted!" in err:
        return False, "bare Aborted!"
    return True, ""


# ---------------------------------------------------------------- sections

def hostile_files(st: Stats, work: Path, a) -> None:
    files = H.quick_set() + H.pdf_set() if a.quick else H.heavy_set()
    for name, data in files:
        p = work / name
        p.write_bytes(data)
        res = run_measured(["parse", str(p), "--no-classify"], timeout=a.timeout, mem_mb=a.mem_mb)
        ok, why = verdict(res)
        if ok and (res["time"] > 20 or res["rss"] > 1024):
            ok, why = False, f"over 20 s or 1 GB ({res['time']:.0f} s, {res['rss']:.0f} MB)"
        if ok and name.startswith("mojibake") and res["code"] == 0 and "编码" not in res["err"] + res["out"] \
                and "encoding" not in (res["err"] + res["out"]).lower():
            ok, why = False, "mojibake parsed silently (no encoding error or warning)"
        if ok and name == "damagedpage.pdf" and res["code"] == 0 and "page 2" not in res["out"] + res["err"] \
                and "第2页" not in res["out"] + res["err"]:
            ok, why = False, "damaged page 2 dropped without a warning"
        st.add("hostile", f"{name} ({len(data) // 1024} KB)", res, ok, why)
        p.unlink()


def seed_renderings() -> list[tuple[str, bytes]]:
    """The seed as .txt, and .docx/.xlsx built from its gold (when python-docx/openpyxl are there)."""
    out = [("seed.txt", SEED.read_bytes())]
    try:
        import office_fixtures as OF

        gold = OF.load_gold()
        out.append(("seed.docx", OF.build_docx(gold)))
        out.append(("seed.xlsx", OF.build_xlsx(gold)))
    except Exception as e:  # noqa: BLE001 - a fixture builder missing in an old checkout
        print(f"  (docx/xlsx renderings unavailable: {type(e).__name__}: {e})")
    return out


def mutations(st: Stats, work: Path, a) -> None:
    rng = random.Random(a.seed)
    for base_name, base in seed_renderings():
        d = work / f"mut_{base_name}"
        d.mkdir()
        suffix = Path(base_name).suffix
        for i in range(a.mutations):
            if suffix == ".txt":
                data = H.mutate(base, rng, n=rng.randrange(1, 40))
            elif rng.random() < 0.5:
                data = H.mutate_zip(base, rng)
            else:
                data = H.mutate(base, rng, n=rng.randrange(1, 8))
            (d / f"m{i:04d}{suffix}").write_bytes(data)
        res = run_measured(["parse", str(d), "--no-classify"], timeout=a.timeout * 4, mem_mb=a.mem_mb)
        res["inputs"] = a.mutations
        ok, why = verdict(res, lines=None)
        st.add("mutations", f"{a.mutations} × {base_name}", res, ok, why)
        shutil.rmtree(d)


def extract(st: Stats, work: Path, a) -> None:
    res = run_measured(["extract"], stdin=H.text_long_line(6), timeout=a.timeout, mem_mb=a.mem_mb)
    ok, why = verdict(res, lines=2)  # extract names each bad line, then sums up the batch
    if ok and res["time"] > 20:
        ok, why = False, f"{res['time']:.0f} s for one 6 MB line"
    st.add("extract", "one 6 MB line", res, ok, why)
    rng = random.Random(a.seed)
    alphabet = "0123456789.%％≥≤<>=~－-—至万亿千百十一二三四五六七八九零两次件份个人年月日小时内以上以下不低于不超过较下降增长 ,，;；()（）"
    lines = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 200))) for _ in range(a.lines)]
    res = run_measured(["extract"], stdin=("\n".join(lines) + "\n").encode(), timeout=a.timeout, mem_mb=a.mem_mb)
    res["inputs"] = a.lines
    ok, why = verdict(res)
    st.add("extract", f"{a.lines} random lines", res, ok, why)


def build_index(work: Path, a) -> Path:
    ix = work / "index"
    res = run_measured(["ingest", str(SEED), "--index", str(ix), "-q"], timeout=a.timeout * 2, mem_mb=a.mem_mb)
    if res["code"] != 0:
        raise SystemExit(f"cannot build the index: {res['err']}")
    return ix


def queries(st: Stats, ix: Path, a) -> None:
    long_phrase = '"' + "应急演练" * 2500 + '"'
    res = run_measured(["search", long_phrase + "x", "--index", str(ix)], timeout=a.timeout, mem_mb=a.mem_mb)
    ok, why = verdict(res, lines=2)
    if ok and res["time"] > 5:
        ok, why = False, f"{res['time']:.1f} s (limit 5 s)"
    st.add("search", "10,001-character quoted phrase", res, ok, why)
    rng = random.Random(a.seed)
    pieces = ['"', "(", ")", "AND", "OR", "NOT", "-", "*", "?", "year:", "level2:", "foo:", ":", "^2", "~",
              "[", "]", "{", "}", "应急", "演练", "95%", "4次", "满意度", "TO", "\\", "'", "1万份"]
    t_max = 0.0
    bad = []
    batch = [" ".join(rng.choice(pieces) for _ in range(rng.randrange(1, 8))) for _ in range(a.queries)]
    # one process answers all: a tiny driver around the library, the CLI's error edge included
    driver = ("import sys,time,json\nfrom click.testing import CliRunner\nfrom jixiao.cli import cli\n"
              "r=CliRunner();out=[]\n"
              "r.invoke(cli,['search','--index',sys.argv[2],'--','应急'])\n"  # jieba's start-up is not a query's time
              "for q in json.load(open(sys.argv[1])):\n"
              " t=time.perf_counter();res=r.invoke(cli,['search','--index',sys.argv[2],'--format','json','--',q])\n"
              " tb=res.exception is not None and not isinstance(res.exception,SystemExit)\n"
              " out.append([q,res.exit_code,time.perf_counter()-t,tb])\n"
              "print(json.dumps(out))")
    import json

    qfile = ix.parent / "queries.json"
    qfile.write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", driver, str(qfile), str(ix)], capture_output=True, text=True,
                       timeout=a.timeout * 10)
    secs = time.perf_counter() - t0
    try:
        results = json.loads(p.stdout)
    except ValueError:
        results = []
        bad.append(f"driver failed: {p.stderr.strip().splitlines()[-1:]}")
    for q, code, t, tb in results:
        t_max = max(t_max, t)
        if tb or code not in (0, 1):
            bad.append(f"{q!r} → exit {code}{' traceback' if tb else ''}")
        if t > 5:
            bad.append(f"{q!r} took {t:.1f} s")
    res = {"code": 0 if not bad else 1, "time": secs, "rss": 0, "inputs": len(batch)}
    st.add("search", f"{len(batch)} random queries (slowest {t_max:.2f} s)", res, not bad, "; ".join(bad[:3]))


def evil_toc(ix: Path, marker: Path, where: str) -> None:
    """Rewrite the index's TOC so that unpickling its schema (or its segment list) runs os.system."""
    from whoosh.fields import Schema
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    class EvilSchema(Schema):
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    storage = FileStorage(str(ix))
    gen = TOC._latest_generation(storage, "MAIN")
    toc = TOC.read(storage, "MAIN", gen)
    if where == "schema":
        evil = EvilSchema()
        for name, field in toc.schema.items():
            evil.add(name, field)
        toc.schema = evil
    else:
        toc.segments = list(toc.segments) + [Evil()]
    storage.delete_file(TOC._filename("MAIN", gen))
    toc.write(storage, "MAIN")


def damaged_indexes(st: Stats, ix: Path, work: Path, a) -> None:
    commands = {
        "ingest": lambda d: ["ingest", str(SEED), "--index", str(d), "-q"],
        "search": lambda d: ["search", "演练", "--index", str(d)],
        "suggest": lambda d: ["suggest", "培训人次", "--index", str(d)],
        "compare": lambda d: ["compare", "--department", "应急", "--from", "2020", "--to", "2021", "--index", str(d)],
        "search-csv": lambda d: ["search", "*", "--index", str(d), "--format", "csv"],
    }
    tocs = sorted(ix.glob("_MAIN_*.toc"))
    segs = sorted(ix.glob("*.seg"))

    def truncate_toc(d):
        t = d / tocs[-1].name
        t.write_bytes(t.read_bytes()[:40])

    def garbage_toc(d):
        t = d / tocs[-1].name
        b = bytearray(t.read_bytes())
        for i in range(20, len(b), 7):
            b[i] ^= 0x5A
        t.write_bytes(bytes(b))

    def truncate_seg(d):
        s = d / segs[0].name
        s.write_bytes(s.read_bytes()[: s.stat().st_size // 2])

    def flip_seg(d):
        s = d / segs[0].name
        b = bytearray(s.read_bytes())
        rng = random.Random(a.seed)
        for _ in range(64):
            b[rng.randrange(len(b))] ^= 0xFF
        s.write_bytes(bytes(b))

    def empty_seg(d):
        (d / segs[0].name).write_bytes(b"")

    damages = {"truncated toc": truncate_toc, "garbage toc": garbage_toc, "truncated segment": truncate_seg,
               "flipped segment bytes": flip_seg, "empty segment": empty_seg}
    for dname, damage in damages.items():
        for cname, cmd in commands.items():
            d = work / "damaged"
            shutil.rmtree(d, ignore_errors=True)
            shutil.copytree(ix, d)
            damage(d)
            res = run_measured(cmd(d), timeout=a.timeout, mem_mb=a.mem_mb)
            ok, why = verdict(res, lines=2 if cname == "suggest" else 1)
            if ok and cname == "ingest" and res["code"] == 0:
                after = run_measured(["search", "演练", "--index", str(d)], timeout=a.timeout, mem_mb=a.mem_mb)
                if after["code"] != 0:
                    ok, why = False, "ingest exited 0 but search still fails (damaged index reported healthy)"
            if ok and cname == "suggest" and res["code"] == 0 and "索引" not in res["out"] + res["err"]:
                ok, why = False, "suggest said nothing about the damaged index"
            st.add("index", f"{dname} / {cname}", res, ok, why)
    for where in ("schema", "segments"):
        for cname, cmd in commands.items():
            d = work / "evil"
            shutil.rmtree(d, ignore_errors=True)
            shutil.copytree(ix, d)
            marker = work / f"PWNED_{where}_{cname}"
            evil_toc(d, marker, where)
            res = run_measured(cmd(d), timeout=a.timeout, mem_mb=a.mem_mb)
            ok, why = verdict(res, lines=2 if cname == "suggest" else 1)
            if marker.exists():
                ok, why = False, "crafted pickle RAN CODE (marker file created)"
            elif res["code"] == 0 and cname != "suggest":
                ok, why = False, "crafted index opened without complaint"
            st.add("index", f"crafted toc ({where}) / {cname}", res, ok, why)


def exports(st: Stats, ix: Path, work: Path, a) -> None:
    """Index a document whose names and values are formulas, then check CSV and XLSX cells."""
    d = work / "formula"
    d.mkdir()
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("应急演练次数", '=HYPERLINK("http://x","应急演练次数")').replace("≥95%", "+95%", 1)
    text = text.replace("安全生产宣传", "@SUM(1)安全生产宣传", 1).replace("\t3次", "\t-3次", 1)
    (d / "formula.txt").write_text(text, encoding="utf-8")
    fx = work / "fx_index"
    res = run_measured(["ingest", str(d), "--index", str(fx), "-q"], timeout=a.timeout * 2, mem_mb=a.mem_mb)
    bad = []
    for fmt in ("csv", "xlsx"):
        out = work / f"hits.{fmt}"
        res = run_measured(["search", "*", "--index", str(fx), "--format", fmt, "-o", str(out), "--limit", "500"],
                           timeout=a.timeout, mem_mb=a.mem_mb)
        cells = []
        if fmt == "csv" and out.exists():
            import csv

            cells = [c for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for c in row]
        elif out.exists():
            import openpyxl

            wb = openpyxl.load_workbook(out)
            cells = [c for ws in wb for row in ws.iter_rows() for c in row]
            # in a workbook only a formula cell runs: text that starts with "=" is text
            bad += [f"xlsx formula cell {c.value!r}" for c in cells if c.data_type == "f"][:3]
            cells = []
        if not out.exists() or b"HYPERLINK" not in (out.read_bytes() if fmt == "csv" else b"HYPERLINK"):
            bad.append("the hostile names are not in the export (was the document indexed?)")
        live = [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not _is_number(c))]
        bad += [f"{fmt} cell {c[:40]!r}" for c in live[:3]]
        ok, why = verdict(res)
        st.add("export", f"search --format {fmt}", res, ok and not bad, why or "; ".join(bad))
        bad = []


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def fifo_output(st: Stats, ix: Path, work: Path, a) -> None:
    fifo = work / "out.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.DEVNULL)
    res = run_measured(["search", "演练", "--index", str(ix), "--format", "csv", "-o", str(fifo)],
                       timeout=a.timeout, mem_mb=a.mem_mb)
    ok, why = verdict(res)
    if not stat.S_ISFIFO(os.lstat(fifo).st_mode):
        ok, why = False, "the FIFO was replaced by a regular file"
    try:
        reader.wait(timeout=10)
    except subprocess.TimeoutExpired:  # nothing wrote to the FIFO (it was replaced): stop the reader
        reader.kill()
        reader.wait()
    st.add("output", "-o onto a FIFO", res, ok, why)
    if os.path.exists("/dev/full"):
        code = ("import subprocess,sys,json;f=open('/dev/full','wb');"
                "p=subprocess.run([sys.executable,'-m','jixiao','parse',sys.argv[1],'--no-classify'],stdout=f,"
                "stderr=subprocess.PIPE);print(json.dumps([p.returncode,p.stderr.decode('utf-8','replace')]))")
        import json

        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-c", code, str(SEED)], capture_output=True, text=True)
        rc, err = json.loads(p.stdout)
        r = {"code": rc, "time": time.perf_counter() - t0, "rss": 0, "err": err, "timeout": False}
        ok, why = verdict(r)
        if ok and rc == 0:
            ok, why = False, "exit 0 although nothing could be written"
        st.add("output", "parse > /dev/full", r, ok, why)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="hostile files at test sizes")
    ap.add_argument("--mutations", type=int, default=300, help="mutated files per rendering of the seed")
    ap.add_argument("--lines", type=int, default=3000, help="random lines for extract")
    ap.add_argument("--queries", type=int, default=1000, help="random queries")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--mem-mb", type=int, default=3072)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--only", default="", help="comma-separated sections: hostile,mutations,extract,search,index,export,output")
    a = ap.parse_args()
    import jixiao

    print(f"jixiao from {Path(jixiao.__file__).parent}  (python {sys.executable})")
    st = Stats()
    t0 = time.perf_counter()
    only = set(filter(None, a.only.split(",")))
    want = lambda s: not only or s in only  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="jixiao-fuzz-") as tmp:
        work = Path(tmp)
        def section(name, fn, *args):
            if not want(name):
                return
            try:
                fn(st, *args, a)
            except Exception as e:  # noqa: BLE001 - a broken section must not lose the others' figures
                st.add(name, f"section failed: {type(e).__name__}: {e}"[:52], {"code": -1, "time": 0, "rss": 0},
                       False, "the fuzzing script itself failed")

        section("hostile", hostile_files, work)
        section("mutations", mutations, work)
        section("extract", extract, work)
        if want("search") or want("index") or want("export") or want("output"):
            ix = build_index(work, a)
            section("search", queries, ix)
            section("index", damaged_indexes, ix, work)
            section("export", exports, ix, work)
            section("output", fifo_output, ix, work)
    print(f"\n{'section':<10} {'input':<52} {'exit':>4} {'s':>7} {'MB':>7}  verdict")
    for section, name, code, secs, rss, v in st.rows:
        print(f"{section:<10} {name[:52]:<52} {code:>4} {secs:7.1f} {rss:7.0f}  {v}")
    print(f"\ninputs {st.inputs}, crashes {len(st.crashes)}, time max {st.max_time[0]:.1f} s ({st.max_time[1]}), "
          f"memory max {st.max_rss[0]:.0f} MB ({st.max_rss[1]}); wall {time.perf_counter() - t0:.0f} s; "
          f"caps {a.timeout:.0f} s / {a.mem_mb} MB per run")
    for c in st.crashes:
        print("  CRASH", c)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main()

"""Cold-process start-up of the drafting commands, as ratios against importing scikit-learn.

Each case runs as a fresh ``python`` process (so imports, dictionary and model loading all count);
cases are interleaved round by round, and each figure is the median over ``--runs`` rounds. The
baseline is ``import sklearn, sklearn.linear_model`` (what the classifier needed before it was
exported), measured in the same run, so the ratios hold on a busy machine.

``--before REF`` also times the commands of a git revision (``git archive`` into a temporary
folder, run from there with the same interpreter), e.g. ``--before main``.

    python bench/bench_startup.py [--runs 7] [--before main]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "import sklearn, sklearn.linear_model"


def runner(tree: Path | None) -> list[str]:
    """A python command line that runs ``jixiao`` from ``tree`` (None: the installed one)."""
    if tree is None:
        return [sys.executable, "-m", "jixiao"]
    code = f"import sys; sys.path.insert(0, {str(tree)!r}); sys.argv[0] = 'jixiao'; from jixiao.cli import main; main()"
    return [sys.executable, "-c", code]


def timed(cmd: list[str], stdin: str | None, env: dict) -> float:
    t = time.perf_counter()
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-800:]}")
    return dt


def cases(run: list[str], index: str, empty: str) -> dict[str, tuple[list[str], str | None]]:
    return {
        "--help": (run + ["--help"], None),
        "suggest (no index)": (run + ["suggest", "培训人次", "--index", empty], None),
        "suggest (sample index)": (run + ["suggest", "培训人次", "--index", index], None),
        "classify (1 line)": (run + ["classify"], "培训人次\n"),  # default index: none in the temp home
        "search 演练 (sample index)": (run + ["search", "演练", "--index", index], None),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--before", default=None, help="git revision to compare with (e.g. main)")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="jixiao-startup-"))
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp / "cache"), XDG_DATA_HOME=str(tmp / "data"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its .pyc files; so should both trees
    try:
        trees: dict[str, Path | None] = {"after": None}
        if args.before:
            dest = tmp / "before"
            (dest / "jixiao").mkdir(parents=True)
            arch = subprocess.run(["git", "-C", str(ROOT), "archive", args.before], capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", str(dest / "jixiao")], input=arch.stdout, check=True)
            trees = {"before": dest, "after": None}
        plan = {}
        for label, tree in trees.items():
            run = runner(tree)
            index = str(tmp / f"index-{label}")
            subprocess.run(run + ["ingest", str(ROOT / "corpus" / "samples"), "--index", index, "-q"],
                           capture_output=True, env=env, check=True)
            for name, (cmd, stdin) in cases(run, index, str(tmp / "no-index")).items():
                timed(cmd, stdin, env)  # warm the OS file cache and the user caches (taxonomy, jieba)
                plan[(label, name)] = (cmd, stdin)
        plan[("baseline", BASELINE)] = ([sys.executable, "-c", BASELINE], None)
        plan[("baseline", "import sklearn")] = ([sys.executable, "-c", "import sklearn"], None)
        plan[("baseline", "python -c pass")] = ([sys.executable, "-c", "pass"], None)
        times: dict[tuple, list[float]] = {k: [] for k in plan}
        for _ in range(args.runs):
            for k, (cmd, stdin) in plan.items():
                times[k].append(timed(cmd, stdin, env))
        med = {k: statistics.median(v) for k, v in times.items()}
        base = med[("baseline", BASELINE)]
        bare = med[("baseline", "import sklearn")]
        print(f"cold-process start-up, median of {args.runs} interleaved runs; baselines `python -c \"{BASELINE}\"` "
              f"= {base:.3f} s and `python -c \"import sklearn\"` = {bare:.3f} s")
        print(f"{'':10} {'command':36} {'seconds':>8} {'x sklearn+lm':>13} {'x sklearn':>10}")
        for (label, name), t in med.items():
            print(f"{label:10} {name:36} {t:8.3f} {t / base:12.2f}x {t / bare:9.2f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

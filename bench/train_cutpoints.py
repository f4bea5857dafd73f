"""Train the glued-text cut-point model (corpus/cutpoints.py) on the generator's rows.

Each table's rows are glued the way flattened text glues them (name, target, next name …, in
simplified and in traditional characters); every gap is an example, labelled ``nv`` after a name,
``vn`` after a target. scikit-learn fits one logistic regression per event; the weights are
written as JSON for plain-arithmetic inference.

    python bench/train_cutpoints.py [--out corpus/data/cutpoints.json] [--exclude FILE ...]

``--exclude`` leaves out the dev-gold rows of a file (leave-one-document-out evaluation uses
``train(exclude=...)`` directly).
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import gen_layouts  # noqa: E402

from jixiao.corpus.cutpoints import CutModel, features  # noqa: E402


def examples(tables, rng: random.Random):
    X, y_nv, y_vn = [], [], []
    for t in tables:
        for variant in range(2):
            rows = list(t.rows)
            s, nv, vn = "", set(), set()
            for r in rows:
                name, value = r.level3, r.value
                if variant:
                    name, value = gen_layouts.s2t(name), gen_layouts.s2t(value)
                s += name
                nv.add(len(s))
                s += value
                vn.add(len(s))
            for k in range(1, len(s)):
                if s[k - 1].isdigit() and s[k].isdigit():
                    continue  # numbers are cut by grammar, not by this model
                X.append(features(s, k))
                y_nv.append(k in nv)
                y_vn.append(k in vn)
    return X, y_nv, y_vn


HARVEST = ROOT.parent / "shared" / "corpus" / "train" / "harvest.jsonl"


def extra_tables(size: int = 8) -> list:
    """Labelled rows beyond the generator's tables: the classifier's curated training rows (in the
    package) and the harvested rows of ../shared/corpus/train (when present), in tables of ``size``."""
    import json

    rows = []
    for line in (ROOT / "models" / "data" / "training.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r.get("value") and r.get("source") in ("curated", "taxonomy"):
            rows.append(gen_layouts.Row("", "", r["level3"], r["value"]))
    if HARVEST.exists():
        for line in HARVEST.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            if r.get("value") and r.get("name") and r.get("quality") != "test fixture":
                rows.append(gen_layouts.Row("", "", r["name"], r["value"]))
    rows = [r for r in rows if len(r.level3) <= 60 and len(r.value) <= 40]
    random.Random(0).shuffle(rows)
    return [gen_layouts.GenTable(f"extra:{k}", rows[k:k + size]) for k in range(0, len(rows), size)]


def train(tables=None, exclude: set[str] | frozenset = frozenset(), seed: int = 0, extra: bool = True) -> CutModel:
    """Fit on ``tables`` (default: all the generator's) minus the sources in ``exclude``; rows of the
    extra sets whose name is in an excluded table are dropped too (no held-out row is trained on)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    tables = gen_layouts.all_tables() if tables is None else tables
    held = {re.sub(r"\s+", "", r.level3) for t in tables if t.source in exclude for r in t.rows}
    tables = [t for t in tables if t.source not in exclude]
    if extra:
        for t in extra_tables():
            t.rows = [r for r in t.rows if re.sub(r"\s+", "", r.level3) not in held]
            tables.append(t)
    X, y_nv, y_vn = examples(tables, random.Random(seed))
    vec = DictVectorizer()
    M = vec.fit_transform([{f: 1 for f in x} for x in X])
    names = vec.get_feature_names_out()
    weights = {}
    for event, y in (("nv", y_nv), ("vn", y_vn)):
        lr = LogisticRegression(C=0.5, max_iter=2000).fit(M, y)
        w = {str(n): round(float(c), 2) for n, c in zip(names, lr.coef_[0]) if abs(c) >= 0.1}
        w["b"] = round(float(lr.intercept_[0]) + w.get("b", 0.0), 3)
        weights[event] = w
    return CutModel(weights)


def main(argv: list[str]) -> int:
    out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else ROOT / "corpus" / "data" / "cutpoints.json"
    exclude = set(argv[argv.index("--exclude") + 1:]) if "--exclude" in argv else set()
    model = train(exclude=exclude)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(model.to_json(), encoding="utf-8")
    print(f"wrote {out}: {sum(len(w) for w in model.weights.values())} weights")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

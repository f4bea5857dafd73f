"""Prediction without scikit-learn: the fitted classifier exported as JSON + arrays, run in plain Python.

scikit-learn (and skops) take 1–2 s to import, more than everything else ``suggest`` does. Training
keeps them; prediction needs only what the fit learned: the feature vocabulary, idf, the logistic
regression's coefficients and intercepts, the cue lexicon and the feature settings. ``export``
writes those into one ``.npz`` file (numpy's zip of ``.npy`` arrays, no pickle; the settings are a
UTF-8 JSON array ``config``), readable with ``np.load(path, allow_pickle=False)``. ``LinearModel``
reads it with ``zipfile`` and ``array`` (no numpy either: its import alone is ~0.1 s) and gives the
same ``predict_categories`` as ``IndicatorClassifier`` (tested to the same choices and 1e-9 in p).

A row's score per class is ``intercept + Σ coef·x`` over its few dozen non-zero features, so a
dict of feature → column and one flat array of coefficients are all the arithmetic needs.
"""

from __future__ import annotations

import ast
import json
import math
import os
import sys
import zipfile
from array import array
from pathlib import Path
from typing import Any

from jixiao.errors import ModelError
from jixiao.models import features as F

FORMAT = "jixiao-linear-classifier"
FORMAT_VERSION = 1
SUFFIX = ".npz"
PARAMS = ("ngram_max", "use_words", "char_weight", "word_weight", "name_weight", "value_weight", "temperature",
          "rule_weight")


# -- features (shared with IndicatorClassifier, so training and prediction cannot drift) ---------

def group_of(token: str) -> int:
    """Feature group of a token: 0 char n-grams, 1 words, 2 name traits, 3 value form."""
    head = token.split(":", 1)[0]
    if head == "c":
        return 0
    if head == "w":
        return 1
    if head in ("v", "vs", "vb"):
        return 3
    return 2


def row_tokens(item: dict, params: dict, cues: dict, segmenter) -> list[str]:
    """Feature tokens of one row ``{"level3"|"description", "value"?}`` under ``params``."""
    name_raw = item.get("level3") or item.get("description") or ""
    name, name_units = F.clean_name(name_raw)
    toks = F.char_ngrams(name, 1, params["ngram_max"]) if params["char_weight"] else []
    if params["use_words"] and params["word_weight"] and name:
        words = [w for w in segmenter().cut(name) if not w.isdigit() and len(w.strip("#%.")) > 0]
        toks += [f"w:{w}" for w in words]
    if params["name_weight"]:
        toks += F.name_features(name, cues)
    if params["value_weight"]:
        value = item.get("value")
        if (value is None or not str(value).strip()) and name_units:
            value = name_units[0]  # 数量(≥**个): the template named the unit
        toks += F.value_features(None if value is None else str(value))
    return toks


def row_vector(toks: list[str], vocab: dict[str, int], idf, weights) -> list[tuple[int, float]]:
    """(column, value) pairs: sublinear tf × idf, each group L2-normalized and weighted."""
    per_group: list[dict[int, float]] = [{}, {}, {}, {}]
    for t in toks:
        j = vocab.get(t)
        if j is not None:
            g = per_group[group_of(t)]
            g[j] = g.get(j, 0.0) + 1.0
    out: list[tuple[int, float]] = []
    for gi, g in enumerate(per_group):
        if not g:
            continue
        vals = {j: (1.0 + math.log(tf)) * idf[j] for j, tf in g.items()}
        norm = math.sqrt(sum(v * v for v in vals.values())) or 1.0
        w = weights[gi] / norm
        out += [(j, v * w) for j, v in vals.items()]
    return out


def _segmenter():
    from jixiao.models.predict import _segmenter as seg

    return seg()


# -- category structure (first level decided before the second) ----------------------------------

def level1_groups(classes: tuple[str, ...]) -> list[list[int]]:
    """Column indices of ``classes`` grouped by first-level category (cz2020)."""
    from jixiao.pipeline.taxonomy import load_taxonomy

    tax = load_taxonomy()
    by: dict[str, list[int]] = {}
    for j, c in enumerate(classes):
        by.setdefault(tax.level1_of(c, "cz2020") if c in tax.categories else c, []).append(j)
    return list(by.values())


def level1_keep(classes: tuple[str, ...], level1: Any) -> list[bool] | None:
    """Which of ``classes`` sit under a stated first level; None when unknown or nothing would be left."""
    if not level1 or not isinstance(level1, str):
        return None
    from jixiao.pipeline.taxonomy import load_taxonomy

    tax = load_taxonomy()
    l1 = tax.canonical_level1(level1)
    if l1 is None:
        return None
    keep = [c in tax.categories and l1 in (tax.level1_of(c, "cz2020"), tax.level1_of(c, "cz2021")) for c in classes]
    return keep if any(keep) else None


def decide(p: list[float], groups: list[list[int]]) -> int:
    """The best category under the most probable first level (ties: the first, as numpy's argmax)."""
    if len(groups) < 2:
        return max(range(len(p)), key=lambda j: (p[j], -j))
    best = max(range(len(groups)), key=lambda b: (sum(p[j] for j in groups[b]), -b))
    return max(groups[best], key=lambda j: (p[j], -j))


def rank(p: list[float], first: int, top: int, classes, min_p: float) -> dict:
    """``predict_categories``' result for one row of probabilities."""
    rest = [j for j in sorted(range(len(p)), key=lambda j: (-p[j], j)) if j != first][: top - 1]
    ranked = [(str(classes[j]), float(p[j])) for j in [first] + rest]
    return {"id": ranked[0][0], "confidence": round(ranked[0][1], 4),
            "alternatives": [{"id": c, "p": round(q, 4)} for c, q in ranked[1:] if q >= min_p]}


# -- the model -----------------------------------------------------------------------------------

class LinearModel:
    """A fitted classifier loaded from an exported file: ``predict_categories`` like IndicatorClassifier."""

    def __init__(self, config: dict, coef: array, intercept: array, idf: array, path: str | None = None):
        self.config = config
        self.params = {k: config["params"][k] for k in PARAMS}
        self.classes_ = tuple(config["classes"])
        self.features = config["features"]
        self.vocab = {t: i for i, t in enumerate(self.features)}
        self.cues = {k: tuple(v) for k, v in config["cues"].items()}
        self.meta = config.get("meta") or {}
        self.coef, self.intercept, self.idf = coef, intercept, idf
        self.n_features = len(self.features)
        self.path = path
        self._groups: list[list[int]] | None = None

    def decision(self, items: list[dict]) -> list[list[float]]:
        """Decision scores (before temperature) per row and class, rules included."""
        P = self.params
        weights = (P["char_weight"], P["word_weight"], P["name_weight"], P["value_weight"])
        n, k = self.n_features, len(self.intercept)
        coef, icpt = self.coef, self.intercept
        out = []
        for it in items:
            x = row_vector(row_tokens(it, P, self.cues, _segmenter), self.vocab, self.idf, weights)
            d = []
            for c in range(k):
                base = c * n
                s = 0.0
                for j, v in x:
                    s += v * coef[base + j]
                d.append(s + icpt[c])
            if len(d) == 1:  # binary logistic regression: p(classes[1]) = sigmoid(d) = softmax([0, d])
                d = [0.0, d[0]]
            if P["rule_weight"] and len(self.classes_) > 2:
                col = {c: j for j, c in enumerate(self.classes_)}
                name = F.clean_name(it.get("level3") or it.get("description") or "")[0]
                for cid in F.rule_hits(name, it.get("value")):
                    if cid in col:
                        d[col[cid]] += P["rule_weight"]
            out.append(d)
        return out

    def predict_proba(self, items: list) -> list[list[float]]:
        t = float(self.params["temperature"] or 1.0)
        out = []
        for d in self.decision([as_item(x) for x in items]):
            d = [v / t for v in d]
            m = max(d)
            e = [math.exp(v - m) for v in d]
            s = sum(e)
            out.append([v / s for v in e])
        return out

    def predict(self, items: list) -> list[str]:
        groups = self._level1_groups()
        return [self.classes_[decide(p, groups)] for p in self.predict_proba(items)]

    def _level1_groups(self) -> list[list[int]]:
        if self._groups is None:
            self._groups = level1_groups(self.classes_)
        return self._groups

    def predict_categories(self, items: list[dict], top: int = 4, min_p: float = 0.005) -> list[dict]:
        """Per row ``{"id", "confidence", "alternatives": [{"id", "p"}, ...]}`` (see IndicatorClassifier)."""
        if not items:
            return []
        groups = self._level1_groups()
        out = []
        for it, p in zip(items, self.predict_proba(items)):
            keep = level1_keep(self.classes_, it.get("level1")) if isinstance(it, dict) else None
            if keep is not None:
                p = [q if k else 0.0 for q, k in zip(p, keep)]
                s = sum(p)
                p = [q / s for q in p]
            out.append(rank(p, decide(p, groups), top, self.classes_, min_p))
        return out


def as_item(x: Any) -> dict:
    if isinstance(x, dict):
        return x
    if isinstance(x, str):
        return {"level3": x}
    if isinstance(x, (list, tuple)) and x and isinstance(x[0], str):
        return {"level3": x[0], "value": x[1] if len(x) > 1 else None}
    raise TypeError(f"expects dicts with 'level3' or strings, got {type(x).__name__}")


# -- writing (needs numpy; only training writes) ---------------------------------------------------

def export(model, path: str | os.PathLike, *, meta: dict | None = None) -> Path:
    """Write a fitted IndicatorClassifier as a safe ``.npz`` (atomically)."""
    import io

    import numpy as np

    from jixiao import __version__
    from jixiao.output import atomic_path

    clf = model.clf_
    config = {"format": FORMAT, "format_version": FORMAT_VERSION, "jixiao": __version__,
              "params": {k: getattr(model, k) for k in PARAMS},
              "classes": [str(c) for c in model.classes_], "features": [str(t) for t in model.features_],
              "cues": {k: list(v) for k, v in model.cues_.items()}, "n_train": int(model.n_train_),
              "meta": dict(meta or {})}
    path = Path(path)
    d = path.parent if str(path.parent) else Path(".")
    if not d.is_dir():
        raise ModelError(f"cannot write the model: folder {d} does not exist", where=str(path))
    buf = io.BytesIO()
    np.savez_compressed(buf, config=np.frombuffer(json.dumps(config, ensure_ascii=False).encode("utf-8"), np.uint8),
                        coef=np.ascontiguousarray(clf.coef_, dtype="<f8"),
                        intercept=np.ascontiguousarray(clf.intercept_, dtype="<f8"),
                        idf=np.ascontiguousarray(model.idf_, dtype="<f8"))
    with atomic_path(path, SUFFIX) as tmp:
        Path(tmp).write_bytes(buf.getvalue())
    return path


# -- reading (no numpy) -----------------------------------------------------------------------------

def _npy(data: bytes, name: str) -> tuple[tuple[int, ...], str, bytes]:
    """(shape, dtype descr, raw bytes) of a ``.npy`` member; only plain little-endian arrays."""
    if data[:6] != b"\x93NUMPY":
        raise ValueError(f"{name} is not a .npy array")
    major = data[6]
    if major == 1:
        hlen, start = int.from_bytes(data[8:10], "little"), 10
    elif major in (2, 3):
        hlen, start = int.from_bytes(data[8:12], "little"), 12
    else:
        raise ValueError(f"{name}: unknown .npy version {major}")
    header = ast.literal_eval(data[start:start + hlen].decode("latin-1"))  # a dict literal, never code
    if not isinstance(header, dict) or header.get("fortran_order"):
        raise ValueError(f"{name}: unsupported array layout")
    return tuple(header["shape"]), header["descr"], data[start + hlen:]


def _doubles(raw: bytes, shape, descr, name) -> array:
    if descr != "<f8":
        raise ValueError(f"{name}: expected little-endian float64, found {descr}")
    a = array("d")
    a.frombytes(raw)
    if len(a) != math.prod(shape):
        raise ValueError(f"{name}: {len(a)} numbers for shape {shape}")
    if sys.byteorder != "little":
        a.byteswap()
    return a


def is_linear_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` looks like an exported model (a zip holding config.npy)."""
    try:
        with zipfile.ZipFile(path) as z:
            return "config.npy" in z.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def load(path: str | os.PathLike) -> LinearModel:
    """Read an exported model; a missing, damaged or foreign file is a ModelError naming it."""
    p = Path(path)
    if not p.is_file():
        raise ModelError("model file not found (train one with `jixiao train … -o MODEL`)", where=str(p))
    try:
        with zipfile.ZipFile(p) as z:
            members = {n: z.read(n) for n in ("config.npy", "coef.npy", "intercept.npy", "idf.npy")}
        shape, descr, raw = _npy(members["config.npy"], "config")
        if descr != "|u1":
            raise ValueError("config is not a byte array")
        config = json.loads(raw[: math.prod(shape)].decode("utf-8"))
    except KeyError as e:
        raise ModelError(f"not a jixiao model file (no {e.args[0]} inside)", where=str(p)) from None
    except (OSError, zipfile.BadZipFile, ValueError, SyntaxError, UnicodeDecodeError) as e:
        raise ModelError(f"not a readable jixiao model file (damaged?): {e}", where=str(p)) from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ModelError("not a jixiao classifier model (no jixiao format stamp)", where=str(p))
    if config.get("format_version") != FORMAT_VERSION:
        raise ModelError(f"model format version {config.get('format_version')} is not supported by this jixiao "
                         f"(expects {FORMAT_VERSION}); retrain it with `jixiao train`", where=str(p))
    try:
        cshape, cdescr, craw = _npy(members["coef.npy"], "coef")
        coef = _doubles(craw, cshape, cdescr, "coef")
        ishape, idescr, iraw = _npy(members["intercept.npy"], "intercept")
        intercept = _doubles(iraw, ishape, idescr, "intercept")
        fshape, fdescr, fraw = _npy(members["idf.npy"], "idf")
        idf = _doubles(fraw, fshape, fdescr, "idf")
        n = len(config["features"])
        if len(cshape) != 2 or cshape[1] != n or len(idf) != n or cshape[0] != len(intercept):
            raise ValueError(f"array shapes disagree (coef {cshape}, idf {len(idf)}, {n} features)")
        return LinearModel(config, coef, intercept, idf, path=str(p))
    except (ValueError, KeyError, TypeError) as e:
        raise ModelError(f"not a readable jixiao model file (damaged?): {e}", where=str(p)) from None

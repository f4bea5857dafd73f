"""The indicator-category classifier: third-level name (+ value) → second-level category id.

``IndicatorClassifier`` follows the scikit-learn estimator contract (keyword parameters stored
unchanged, ``fit`` returns self, learned state ends in ``_``; ``clone``/``Pipeline``/
``cross_val_score`` work). Input rows are dicts ``{"level3", "description"?, "value"?}`` or plain
names; labels are cz2020 category ids (``output.quantity`` …), mapped to cz2021 only when printed.

Features (see ``features.py``): TF-IDF over character 1–3-grams and jieba words of the name,
suffix/prefix and cue-word hits, and the form of the value (unit class, %, comparator, date,
reference such as 核定数). Each group is L2-normalized and weighted, then a multinomial
logistic regression gives calibrated-enough probabilities; a few high-precision rules (a value
that names its category, 每月中旬发放) shift the decision scores. The first level is decided
before the second (``predict_categories``).
"""

from __future__ import annotations

import functools
import json
import math
import sys
from collections import Counter
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from jixiao.models import features as F

GROUPS = ("char", "word", "name", "value")


def _group(token: str) -> int:
    head = token.split(":", 1)[0]
    if head == "c":
        return 0
    if head == "w":
        return 1
    if head in ("v", "vs", "vb"):
        return 3
    return 2


def as_item(x: Any) -> dict:
    """One input row as a dict with ``level3``/``description``/``value`` (a str is the name)."""
    if isinstance(x, dict):
        return x
    if isinstance(x, (list, tuple)) and x and isinstance(x[0], str):
        return {"level3": x[0], "value": x[1] if len(x) > 1 else None}
    if isinstance(x, str):
        return {"level3": x}
    if isinstance(x, np.ndarray) and x.ndim == 0:
        return {"level3": str(x)}
    raise TypeError(f"IndicatorClassifier expects dicts with 'level3' or strings, got {type(x).__name__}: {x!r:.60}")


class IndicatorClassifier(ClassifierMixin, BaseEstimator):
    """Classify indicator rows into second-level category ids.

    Args:
        C (float): inverse regularization strength of the logistic regression.
        ngram_max (int): longest character n-gram of the name.
        use_words (bool): add jieba words (domain user dictionary) of the name.
        char_weight, word_weight, name_weight, value_weight (float): weight of each
            L2-normalized feature group (0 switches a group off).
        min_df (int): keep features seen in at least this many training rows.
        class_weight (str | dict | None): passed to LogisticRegression.
        temperature (float): probabilities are softmax(decision / temperature); >1 flattens.
        max_iter (int): solver iterations.
        rule_weight (float): added to a category's decision score for each high-precision rule
            that points to it (``features.rule_hits``); 0 switches the rules off.
    """

    def __init__(self, *, C=4.0, ngram_max=3, use_words=True, char_weight=1.0, word_weight=1.0,
                 name_weight=0.7, value_weight=1.0, min_df=1, class_weight=None, temperature=1.0, max_iter=3000,
                 rule_weight=2.0):
        self.C = C
        self.ngram_max = ngram_max
        self.use_words = use_words
        self.char_weight = char_weight
        self.word_weight = word_weight
        self.name_weight = name_weight
        self.value_weight = value_weight
        self.min_df = min_df
        self.class_weight = class_weight
        self.temperature = temperature
        self.max_iter = max_iter
        self.rule_weight = rule_weight

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.input_tags.dict = True
        return tags

    # -- features
    def _tokens(self, item: dict, cues: dict) -> list[str]:
        name_raw = item.get("level3") or item.get("description") or ""
        name, name_units = F.clean_name(name_raw)
        toks = F.char_ngrams(name, 1, self.ngram_max) if self.char_weight else []
        if self.use_words and self.word_weight and name:
            words = [w for w in _segmenter().cut(name) if not w.isdigit() and len(w.strip("#%.")) > 0]
            toks += [f"w:{w}" for w in words]
        if self.name_weight:
            toks += F.name_features(name, cues)
        if self.value_weight:
            value = item.get("value")
            if (value is None or not str(value).strip()) and name_units:
                value = name_units[0]  # 数量(≥**个): the template named the unit
            toks += F.value_features(None if value is None else str(value))
        return toks

    def _matrix(self, token_lists: list[list[str]]):
        import scipy.sparse as sp

        vocab, idf = self.vocabulary_, self.idf_
        weights = (self.char_weight, self.word_weight, self.name_weight, self.value_weight)
        indptr, indices, data = [0], [], []
        for toks in token_lists:
            per_group: list[dict[int, float]] = [{}, {}, {}, {}]
            for t in toks:
                j = vocab.get(t)
                if j is not None:
                    g = per_group[_group(t)]
                    g[j] = g.get(j, 0.0) + 1.0
            for gi, g in enumerate(per_group):
                if not g:
                    continue
                vals = {j: (1.0 + math.log(tf)) * idf[j] for j, tf in g.items()}
                norm = math.sqrt(sum(v * v for v in vals.values())) or 1.0
                w = weights[gi] / norm
                for j, v in vals.items():
                    indices.append(j)
                    data.append(v * w)
            indptr.append(len(indices))
        return sp.csr_matrix((np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int32),
                              np.asarray(indptr, dtype=np.int32)), shape=(len(token_lists), len(vocab)))

    @property
    def vocabulary_(self) -> dict[str, int]:
        """Feature token → column (built from ``features_`` on first use; not saved)."""
        vocab = self.__dict__.get("_vocab")
        if vocab is None:
            check_is_fitted(self, "features_")
            vocab = self.__dict__["_vocab"] = {str(t): i for i, t in enumerate(self.features_)}
        return vocab

    def __getstate__(self):
        # The token → column dict is rebuilt on load: saved as a plain array, the file is smaller
        # and loads faster than a 19k-entry dict.
        state = super().__getstate__()
        state.pop("_vocab", None)
        return state

    # -- estimator API
    def fit(self, X, y, sample_weight=None):
        """Learn from rows ``X`` (dicts or names) and category ids ``y``."""
        from sklearn.linear_model import LogisticRegression

        items = [as_item(x) for x in X]
        y = np.asarray([str(v) for v in y], dtype=object)
        if len(items) != len(y):
            raise ValueError(f"X has {len(items)} rows but y has {len(y)} labels")
        if len(set(y)) < 2:
            raise ValueError("IndicatorClassifier needs at least two categories to learn from")
        self.cues_ = _cue_lexicon()
        token_lists = [self._tokens(it, self.cues_) for it in items]
        df: Counter = Counter()
        for toks in token_lists:
            df.update(set(toks))
        kept = sorted(t for t, k in df.items() if k >= self.min_df)
        self.features_ = np.asarray(kept, dtype=str)
        n = len(token_lists)
        self.idf_ = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept])
        M = self._matrix(token_lists)
        self.clf_ = LogisticRegression(C=self.C, max_iter=self.max_iter, class_weight=self.class_weight,
                                       solver="newton-cg")  # exact and ~7x faster than lbfgs here
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):  # BLAS threads only contend on these small problems (20x slower on 2 cores)
            self.clf_.fit(M, y, sample_weight=sample_weight)
        self.classes_ = self.clf_.classes_
        self.n_train_ = n
        return self

    def transform_rows(self, X):
        """Sparse feature matrix of rows ``X`` (for inspection and benchmarks)."""
        check_is_fitted(self, "clf_")
        return self._matrix([self._tokens(as_item(x), self.cues_) for x in X])

    def decision_function(self, X):
        check_is_fitted(self, "clf_")
        items = [as_item(x) for x in X]
        d = self.clf_.decision_function(self.transform_rows(items))
        if self.rule_weight and len(self.classes_) > 2:
            col = {c: j for j, c in enumerate(self.classes_)}
            for i, it in enumerate(items):
                name = F.clean_name(it.get("level3") or it.get("description") or "")[0]
                for cid in F.rule_hits(name, it.get("value")):
                    if cid in col:
                        d[i, col[cid]] += self.rule_weight
        return d

    def predict_proba(self, X):
        check_is_fitted(self, "clf_")
        d = np.atleast_2d(self.decision_function(X)) / float(self.temperature or 1.0)
        d -= d.max(axis=1, keepdims=True)
        e = np.exp(d)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X):
        P = self.predict_proba(X)
        return self.classes_[self._decide(P)]

    def _decide(self, P):
        """Column of the chosen category per row: the best one under the most probable first level."""
        groups = _level1_groups(tuple(str(c) for c in self.classes_))
        if len(groups) < 2:
            return np.argmax(P, axis=1)
        G = np.stack([P[:, g].sum(axis=1) for g in groups], axis=1)
        best = np.argmax(G, axis=1)
        return np.array([groups[b][np.argmax(P[i, groups[b]])] for i, b in enumerate(best)], dtype=np.intp)

    # -- the API the pipeline uses
    def predict_categories(self, items: list[dict], top: int = 4, min_p: float = 0.005) -> list[dict]:
        """Per row ``{"id", "confidence", "alternatives": [{"id", "p"}, ...]}``.

        The first level is decided first (the summed probability of its categories), then the best
        category under it: 0.4 数量 + 0.35 质量 against 0.45 社会效益 is an output (产出) row. A row
        that states its first level (``"level1": "效益指标"``) is kept to the categories under it,
        with probabilities renormalized among them.
        Alternatives exclude the top category; those below ``min_p`` are left out.
        """
        if not items:
            return []
        P = self.predict_proba(items)
        for i, it in enumerate(items):
            keep = _level1_mask(tuple(str(c) for c in self.classes_), it.get("level1")) if isinstance(it, dict) else None
            if keep is not None:
                P[i, ~keep] = 0.0
                P[i] /= P[i].sum()
        chosen = self._decide(P)
        out = []
        for i in range(len(items)):
            first = int(chosen[i])
            rest = [int(j) for j in np.argsort(-P[i]) if j != first][: top - 1]
            ranked = [(str(self.classes_[j]), float(P[i, j])) for j in [first] + rest]
            out.append({"id": ranked[0][0], "confidence": round(ranked[0][1], 4),
                        "alternatives": [{"id": c, "p": round(p, 4)} for c, p in ranked[1:] if p >= min_p]})
        return out


@functools.lru_cache(maxsize=64)
def _level1_mask(classes: tuple[str, ...], level1: str | None) -> np.ndarray | None:
    """Which of ``classes`` sit under a stated first level (in either framework); None when the
    label is unknown or nothing would be left."""
    if not level1 or not isinstance(level1, str):
        return None
    from jixiao.pipeline.taxonomy import load_taxonomy

    tax = load_taxonomy()
    l1 = tax.canonical_level1(level1)
    if l1 is None:
        return None
    mask = np.array([c in tax.categories and l1 in (tax.level1_of(c, "cz2020"), tax.level1_of(c, "cz2021"))
                     for c in classes], dtype=bool)
    return mask if mask.any() else None


@functools.lru_cache(maxsize=8)
def _level1_groups(classes: tuple[str, ...]) -> list[np.ndarray]:
    """Column indices of ``classes`` grouped by first-level category (cz2020)."""
    from jixiao.pipeline.taxonomy import load_taxonomy

    tax = load_taxonomy()
    by: dict[str, list[int]] = {}
    for j, c in enumerate(classes):
        by.setdefault(tax.level1_of(c, "cz2020") if c in tax.categories else c, []).append(j)
    return [np.asarray(v, dtype=np.intp) for v in by.values()]


@functools.lru_cache(maxsize=1)
def _segmenter():
    from jixiao.pipeline.segment import default_segmenter

    return default_segmenter()


def _cue_lexicon() -> dict[str, tuple[str, ...]]:
    """Our cue words plus the taxonomy's, keyed by cz2020 id (frozen into the model at fit time)."""
    from jixiao.pipeline.taxonomy import load_taxonomy

    tax = load_taxonomy()
    merged: dict[str, set[str]] = {cid: set(ws) for cid, ws in F.CUES.items()}
    for cid, info in tax.categories.items():
        target = tax.map_id(cid, "cz2020")
        words = {F.fold(w) for w in info.cue_words if 1 < len(w) <= 6 and "（" not in w}
        merged.setdefault(target, set()).update(words)
    return {cid: tuple(sorted(ws)) for cid, ws in sorted(merged.items())}


# -- loading ----------------------------------------------------------------------------------

def default_model_path():
    from importlib import resources

    return resources.files("jixiao.models") / "data" / "default.skops"


@functools.lru_cache(maxsize=1)
def _default_model():
    from jixiao.models.persist import load_file

    return load_file(str(default_model_path()))


def load_model(path: str | None = None):
    """A fitted model: the bundled default (cached per process) when ``path`` is None.

    Raises ModelError for a missing, damaged, untrusted or incompatible file.
    """
    if path is None:
        return _default_model()
    from jixiao.models.persist import load_file

    return load_file(str(path))


# -- jixiao classify --------------------------------------------------------------------------

def _parse_line(line: str, lineno: int) -> dict:
    s = line.strip()
    if s.startswith("{"):
        try:
            obj = json.loads(s)
        except json.JSONDecodeError as e:
            raise ValueError(f"line {lineno}: not valid JSON ({e.msg} at column {e.colno})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("level3", obj.get("description")), str):
            raise ValueError(f"line {lineno}: a JSON line needs a string \"level3\"")
        for k in ("value", "description"):
            if obj.get(k) is not None and not isinstance(obj[k], str):
                obj[k] = str(obj[k])
        if obj.get("level1") is not None and not isinstance(obj["level1"], str):
            raise ValueError(f"line {lineno}: \"level1\" must be a string such as \"产出指标\"")
        return obj
    if "\t" in s:  # "name<TAB>value" plain lines
        name, value = s.split("\t", 1)
        return {"level3": name.strip(), "value": value.strip() or None}
    return {"level3": s}


def classify_lines(stdin, stdout, *, fmt: str = "jsonl", taxonomy: str | None = None,
                   model_path: str | None = None, batch: int = 2000) -> int:
    """``jixiao classify``: one result per non-blank input line (contract §1).

    A JSON line may also state ``"level1"`` (产出指标 …): the answer is then kept under it.

    A malformed line gets an ``{"error": ...}`` result (so outputs stay aligned with inputs) and a
    line on stderr; after the whole input is processed, a ReadError is raised if any failed.
    Returns the number of rows classified.
    """
    from jixiao.errors import ReadError
    from jixiao.output import dumps
    from jixiao.pipeline.taxonomy import load_taxonomy

    model = load_model(model_path)
    tax = load_taxonomy()
    version = taxonomy or tax.default_version
    if getattr(stdin, "isatty", lambda: False)():
        batch = 1  # interactive: answer each line as it is typed
    bad = done = 0
    table_rows: list[list[Any]] = []
    pending: list[tuple[int, dict | None, str | None]] = []

    def flush() -> None:
        nonlocal done
        good = [it for _, it, _ in pending if it is not None]
        preds = iter(model.predict_categories(good) if good else [])
        for lineno, it, err in pending:
            if it is None:
                res = {"line": lineno, "error": err, "level1": None, "level2": None, "confidence": None,
                       "alternatives": []}
            else:
                res = labelled(next(preds), tax, version, it.get("level3") or "")
                done += 1
            if fmt == "jsonl":
                stdout.write(dumps(res) + "\n")
            else:
                table_rows.append([it.get("level3") if it else f"(line {lineno})", it.get("value") if it else "",
                                   res["level1"], res["level2"],
                                   "" if res["confidence"] is None else f"{res['confidence']:.2f}",
                                   "; ".join(f"{a['level2']} {a['p']:.2f}" for a in res["alternatives"][:2])])
        pending.clear()
        if fmt == "jsonl":
            stdout.flush()

    for lineno, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        try:
            pending.append((lineno, _parse_line(line, lineno), None))
        except ValueError as e:
            bad += 1
            print(f"错误 Error: stdin {e}", file=sys.stderr)
            pending.append((lineno, None, str(e)))
        if len(pending) >= batch:
            flush()
    flush()
    if fmt == "table":
        from jixiao.output import print_table

        print_table(table_rows, ["三级指标", "指标值", "一级指标", "二级指标", "置信度", "其他可能"], file=stdout)
    if bad:
        raise ReadError(f"{bad} input line(s) could not be read; the other {done} were classified", where="stdin")
    return done


def labelled(pred: dict, tax, version: str, text: str = "") -> dict:
    """Contract §1 result in ``version``; ids that map to the same printed label pool their p.

    (cz2021 has no 可持续影响: 可持续影响 and 社会效益 both print as 社会效益指标 there.)
    """
    pooled: dict[tuple, float] = {}
    for a in [{"id": pred["id"], "p": pred["confidence"]}] + list(pred["alternatives"]):
        label = tax.label(a["id"], version, text)
        pooled[label] = pooled.get(label, 0.0) + float(a["p"])
    ((l1, l2), conf), *rest = pooled.items()  # the prediction's own label first, as the model chose it
    alts = [{"level1": a1, "level2": a2, "p": round(p, 4)}
            for (a1, a2), p in sorted(rest, key=lambda kv: -kv[1])]
    return {"level1": l1, "level2": l2, "confidence": round(conf, 4), "alternatives": alts}

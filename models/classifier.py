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
from jixiao.models.linear import PARAMS, row_tokens, row_vector

GROUPS = ("char", "word", "name", "value")


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
        return row_tokens(item, {k: getattr(self, k) for k in PARAMS}, cues, _segmenter)

    def _matrix(self, token_lists: list[list[str]]):
        import scipy.sparse as sp

        vocab, idf = self.vocabulary_, self.idf_
        weights = (self.char_weight, self.word_weight, self.name_weight, self.value_weight)
        indptr, indices, data = [0], [], []
        for toks in token_lists:
            for j, v in row_vector(toks, vocab, idf, weights):
                indices.append(j)
                data.append(v)
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
            rest = [int(j) for j in np.argsort(-P[i], kind="stable") if j != first][: top - 1]
            ranked = [(str(self.classes_[j]), float(P[i, j])) for j in [first] + rest]
            out.append({"id": ranked[0][0], "confidence": round(ranked[0][1], 4),
                        "alternatives": [{"id": c, "p": round(p, 4)} for c, p in ranked[1:] if p >= min_p]})
        return out


@functools.lru_cache(maxsize=64)
def _level1_mask(classes: tuple[str, ...], level1: str | None) -> np.ndarray | None:
    """Which of ``classes`` sit under a stated first level (in either framework); None when the
    label is unknown or nothing would be left (the rule is ``linear.level1_keep``'s)."""
    from jixiao.models.linear import level1_keep

    keep = level1_keep(classes, level1)
    return None if keep is None else np.array(keep, dtype=bool)


@functools.lru_cache(maxsize=8)
def _level1_groups(classes: tuple[str, ...]) -> list[np.ndarray]:
    """Column indices of ``classes`` grouped by first-level category (cz2020)."""
    from jixiao.pipeline.taxonomy import load_taxonomy

    tax = load_taxonomy()
    by: dict[str, list[int]] = {}
    for j, c in enumerate(classes):
        by.setdefault(tax.level1_of(c, "cz2020") if c in tax.categories else c, []).append(j)
    return [np.asarray(v, dtype=np.intp) for v in by.values()]


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


# Loading and `jixiao classify` live in predict.py (no scikit-learn import); re-exported here.
from jixiao.models.predict import (  # noqa: E402,F401
    _default_model, _parse_line, _segmenter, classify_lines, default_model_path, labelled, load_model)

"""A learned cut-point model for glued text: where a name ends and a written-out target begins.

Numbers, units and dates are cut by grammar (corpus/glued.py); a qualitative target glued between
two names (``按时间进度要求支付使用资金支出进度要求资金成本…``) is not. This model scores every gap
between two characters for two events: a name ends and a value begins (``nv``), a value ends and the
next name begins (``vn``). It is a logistic regression over the characters around the gap, trained
by ``bench/train_cutpoints.py`` (scikit-learn, at train time only) on the generator's renderings;
the weights ship as JSON and are applied here with plain arithmetic, so nothing heavy is imported.
"""

from __future__ import annotations

import contextvars
import functools
import json
import math
from importlib import resources

_ACTIVE: contextvars.ContextVar["CutModel | None"] = contextvars.ContextVar("cutpoint_model", default=None)


def features(s: str, k: int) -> list[str]:
    """Features of the gap before ``s[k]``: characters and character pairs on each side."""
    l1 = s[k - 1] if k >= 1 else "^"
    l2 = s[k - 2:k] if k >= 2 else "^" + l1
    r1 = s[k] if k < len(s) else "$"
    r2 = s[k:k + 2] if k + 1 < len(s) else r1 + "$"
    return ["b", f"l1={l1}", f"l2={l2}", f"r1={r1}", f"r2={r2}", f"lr={l1}{r1}", f"l3={s[max(0, k - 3):k]}",
            f"r3={s[k:k + 3]}"]


class CutModel:
    """Two logistic scores per gap; ``weights[event][feature]``."""

    def __init__(self, weights: dict[str, dict[str, float]]):
        self.weights = weights

    def prob(self, event: str, s: str, k: int) -> float:
        w = self.weights[event]
        z = sum(w.get(f, 0.0) for f in features(s, k))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        return json.dumps({"version": 1, "weights": self.weights}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "CutModel":
        return cls(json.loads(text)["weights"])


@functools.lru_cache(maxsize=1)
def default_model() -> CutModel | None:
    try:
        text = (resources.files("jixiao.corpus") / "data" / "cutpoints.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    return CutModel.from_json(text)


def active() -> CutModel | None:
    """The model in use: one set by ``using()`` (evaluation), else the shipped one."""
    return _ACTIVE.get() or default_model()


class using:
    """``with using(model): …`` reads glued text with ``model`` (leave-one-document-out evaluation)."""

    def __init__(self, model: CutModel | None):
        self.model = model

    def __enter__(self):
        self.token = _ACTIVE.set(self.model)
        return self.model

    def __exit__(self, *exc):
        _ACTIVE.reset(self.token)

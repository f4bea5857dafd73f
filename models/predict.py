"""Loading a model and ``jixiao classify``: the prediction side, without scikit-learn.

Which model answers (``resolve_model``): an explicit ``--model FILE``; else the model trained from
the index (``jixiao train --from-index``, saved beside the index) when there is one; else the bundled
model. Exported models (``.npz``, see linear.py) load in milliseconds; an older ``.skops`` file from
``jixiao train`` still loads, through scikit-learn.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from typing import Any


@functools.lru_cache(maxsize=1)
def _segmenter():
    from jixiao.pipeline.segment import default_segmenter

    return default_segmenter()


# -- loading ----------------------------------------------------------------------------------

def default_model_path():
    from importlib import resources

    return resources.files("jixiao.models") / "data" / "default.npz"


@functools.lru_cache(maxsize=1)
def _default_model():
    from jixiao.models.linear import load

    return load(str(default_model_path()))


@functools.lru_cache(maxsize=4)
def _cached(path: str, mtime_ns: int, size: int):
    return _load_file(path)


def _load_file(path: str):
    from jixiao.models.linear import is_linear_file, load

    if is_linear_file(path) or not os.path.isfile(path):
        return load(path)
    from jixiao.models.persist import load_file  # an older .skops model: needs scikit-learn

    return load_file(path)


def load_model(path: str | None = None):
    """A fitted model: the bundled default (cached per process) when ``path`` is None.

    Raises ModelError for a missing, damaged, untrusted or incompatible file.
    """
    if path is None:
        return _default_model()
    try:
        st = os.stat(path)
    except OSError:
        return _load_file(str(path))  # reports the missing file
    return _cached(str(path), st.st_mtime_ns, st.st_size)


def index_model_path(index_dir: str) -> str:
    """Where ``jixiao train --from-index`` keeps the model of ``index_dir``: beside it, ``<index>.model.npz``."""
    d = os.path.abspath(index_dir).rstrip(os.sep)
    return d + ".model.npz"


def resolve_model(model_path: str | None = None, index_dir: str | None = None) -> tuple[Any, dict]:
    """(model, which) — ``which`` is ``{"source": "file|index|bundled", "path": ...}`` for JSON output."""
    if model_path:
        return load_model(model_path), {"source": "file", "path": str(model_path)}
    if index_dir:
        p = index_model_path(index_dir)
        if os.path.isfile(p):
            return load_model(p), {"source": "index", "path": p}
    return load_model(None), {"source": "bundled", "path": None}


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


RESULT_KEYS = ("level1", "level2", "confidence", "alternatives", "model", "line", "error")


def echo_input(item: dict, res: dict) -> dict:
    """The input row's own fields, then the answer (contract §1 keys). A stated input field that the
    answer also names (``level1``/``level2`` …) is kept as ``input_<key>``."""
    out = {}
    for k, v in item.items():
        out[f"input_{k}" if k in RESULT_KEYS else k] = v
    out.update(res)
    return out


def classify_lines(stdin, stdout, *, fmt: str = "jsonl", taxonomy: str | None = None,
                   model_path: str | None = None, index_dir: str | None = None, batch: int = 2000) -> int:
    """``jixiao classify``: one result per non-blank input line (contract §1).

    A JSON line may also state ``"level1"`` (产出指标 …): the answer is then kept under it. Each JSON
    output line repeats the input's fields (``level3``, ``value`` …) and says which model answered
    (``"model": "bundled"|"index"|"file"``).

    A malformed line gets an ``{"error": ...}`` result (so outputs stay aligned with inputs) and a
    line on stderr; after the whole input is processed, a ReadError is raised if any failed.
    Returns the number of rows classified.
    """
    from jixiao.errors import ReadError
    from jixiao.output import dumps
    from jixiao.pipeline.taxonomy import load_taxonomy

    model, which = resolve_model(model_path, index_dir)
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
                res = echo_input(it, {**labelled(next(preds), tax, version, it.get("level3") or ""),
                                      "model": which["source"]})
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

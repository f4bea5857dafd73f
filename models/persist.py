"""Safe model files, stamped with versions: the exported ``.npz`` (linear.py; what ``jixiao train``
writes and what prediction reads without scikit-learn) and the older skops format (no arbitrary
pickle; still read, and written on request).

A skops file holds ``{"format", "format_version", "jixiao", "sklearn", "meta", "model"}``. Loading
refuses any type outside ``TRUSTED_TYPES`` (skops reports them before anything is built), a file
of another format version, and damaged files — each as a ModelError naming the file.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from jixiao.errors import ModelError

FORMAT = "jixiao-indicator-classifier"
FORMAT_VERSION = 1
# Everything else in a model file (LogisticRegression, numpy arrays, dicts) skops trusts by default.
TRUSTED_TYPES = ("jixiao.models.classifier.IndicatorClassifier",)


def save_file(model, path: str | os.PathLike, *, meta: dict | None = None, fmt: str = "npz") -> Path:
    """Write ``model`` to ``path`` (atomically: a failed write leaves no half file).

    ``fmt="npz"`` exports what prediction needs (linear.py); ``fmt="skops"`` keeps the whole estimator.
    """
    if fmt == "npz":
        from jixiao.models.linear import export

        return export(model, path, meta=meta)
    import zipfile

    import sklearn
    import skops.io as sio

    from jixiao import __version__
    from jixiao.output import atomic_path

    payload = {"format": FORMAT, "format_version": FORMAT_VERSION, "jixiao": __version__,
               "sklearn": sklearn.__version__, "meta": dict(meta or {}), "model": model}
    path = Path(path)
    d = path.parent if str(path.parent) else Path(".")
    if not d.is_dir():
        raise ModelError(f"cannot write the model: folder {d} does not exist", where=str(path))
    with atomic_path(path, ".skops") as tmp:
        sio.dump(payload, tmp, compression=zipfile.ZIP_DEFLATED)
    return path


def read_payload(path: str | os.PathLike) -> dict:
    """The whole stamped payload of a model file (checked, trusted types only)."""
    from jixiao.models.linear import is_linear_file, load

    p = Path(path)
    if not p.is_file():
        raise ModelError("model file not found (train one with `jixiao train … -o MODEL`)", where=str(p))
    if is_linear_file(p):
        m = load(p)
        return {"format": m.config["format"], "format_version": m.config["format_version"],
                "jixiao": m.config.get("jixiao"), "meta": m.meta, "model": m}
    import skops.io as sio
    try:
        with warnings.catch_warnings():
            # A file from another scikit-learn release: we check compatibility ourselves below.
            warnings.simplefilter("ignore")
            # skops checks every type against this list before building anything.
            payload = sio.load(str(p), trusted=list(TRUSTED_TYPES))
    except sio.exceptions.UntrustedTypesFoundException:
        refused = sorted(set(_untrusted(p)) - set(TRUSTED_TYPES))
        raise ModelError(f"refusing to load: the file contains types jixiao does not trust: {', '.join(refused)}",
                         where=str(p)) from None
    except Exception as e:  # not a zip, truncated, no schema: skops raises assorted errors
        raise ModelError(f"not a readable jixiao model file (damaged or not skops): {type(e).__name__}: {e}",
                         where=str(p)) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelError("not a jixiao classifier model (no jixiao format stamp)", where=str(p))
    if payload.get("format_version") != FORMAT_VERSION:
        raise ModelError(f"model format version {payload.get('format_version')} is not supported by this jixiao "
                         f"(expects {FORMAT_VERSION}); retrain it with `jixiao train`", where=str(p))
    model = payload.get("model")
    if not hasattr(model, "predict_categories") or not hasattr(model, "clf_"):
        raise ModelError("model file holds no fitted classifier", where=str(p))
    return payload


def _untrusted(p: Path) -> list[str]:
    import skops.io as sio

    try:
        return sio.get_untrusted_types(file=str(p))
    except Exception:
        return ["(unreadable)"]


def load_file(path: str | os.PathLike):
    """The fitted classifier stored in ``path``."""
    return read_payload(path)["model"]

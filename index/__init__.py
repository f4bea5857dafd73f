"""Retrieval: the full-text index, search, and cross-year comparison reports."""

from __future__ import annotations

import sys
import types


def _import_whoosh_lean() -> None:
    """Import whoosh without the two stdlib packages it loads for nothing we use.

    ``whoosh.compat`` imports ``urllib.request`` (and so http, email, ssl) for a download helper, and
    its dependency ``cached_property`` imports ``asyncio`` to tell coroutines apart: together
    ~0.15 s of a ~0.5 s ``jixiao search``. While whoosh's modules load, both names resolve to
    stand-ins that forward to the real module on first real use; the stand-ins are removed from
    ``sys.modules`` at once, so every other import in the process gets the real packages.
    """
    if "whoosh.compat" in sys.modules:
        return
    stand_ins = {}
    for name in ("urllib.request", "asyncio"):
        if name not in sys.modules:
            stand_ins[name] = sys.modules[name] = _forwarding_module(name)
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.reading  # noqa: F401  (imports cached_property)
    finally:
        for name, mod in stand_ins.items():
            if sys.modules.get(name) is mod:
                del sys.modules[name]


def _forwarding_module(name: str) -> types.ModuleType:
    mod = types.ModuleType(name, f"stand-in for {name} while whoosh loads (see jixiao.index)")

    def __getattr__(attr):
        import importlib
        import inspect

        if attr.startswith("__"):  # repr(), pickling, introspection: not a reason to load the module
            raise AttributeError(attr)
        if name == "asyncio" and attr == "iscoroutinefunction" and sys.modules.get(name) is not mod:
            return inspect.iscoroutinefunction  # what cached_property asks on every access
        real = importlib.import_module(name) if sys.modules.get(name) is not mod else None
        if real is None:
            raise AttributeError(attr)
        return getattr(real, attr)

    def urlretrieve(*args, **kwargs):  # whoosh.compat binds this name at import time
        import urllib.request

        return urllib.request.urlretrieve(*args, **kwargs)

    mod.__getattr__ = __getattr__
    if name == "urllib.request":
        mod.urlretrieve = urlretrieve
    return mod


_import_whoosh_lean()

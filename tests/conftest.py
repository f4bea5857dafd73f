"""Shared fixtures. Tests that read ../shared skip when it is absent (a fresh clone has none)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "corpus" / "samples"
SEED = SAMPLES / "chengde_2021_yingji.txt"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when it is not there."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} not present (../shared is only beside development checkouts)")
    return p


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def seed_gold() -> dict:
    import json

    # A copy of the sample's gold ships with the tests, so this never needs ../shared.
    return json.loads((ROOT / "tests" / "data" / "chengde_2021_yingji.gold.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Keep caches and the default index out of the real home directory."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.delenv("JIXIAO_INDEX", raising=False)

"""Recognizers-Text's Chinese number and percentage specs against ``extract_targets`` (needs ../shared).

A case passes when every expected value is among the values (and range ends) we extract; for the
percentage model the value must also carry a percent unit (``%`` or 百分点). Recognizers-Text's
inclusive ``end`` is not compared: the scoring is by value, as the issue asks.
"""

from __future__ import annotations

import json

import pytest

from jixiao.pipeline.extract import extract_targets

PERCENT_UNITS = ("%", "百分点")


def _cases(name: str) -> list[dict]:
    from tests.conftest import shared_path  # conftest is imported as tests.conftest (importlib mode)

    path = shared_path("peer-tests", "recognizers_zh", f"recognizers_zh_{name}.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _values(text: str, percent: bool) -> list[float]:
    out = []
    for t in extract_targets(text):
        if percent and t["unit"] not in PERCENT_UNITS:
            continue
        out += [float(v) for v in (t["value"], t["value_max"]) if v is not None]
    return out


def _passes(case: dict, percent: bool) -> bool:
    got = _values(case["input"], percent)
    expected = [float(e["value"].rstrip("%")) for e in case["expected"]]
    return all(any(abs(g - e) <= 1e-6 * max(1.0, abs(e)) for g in got) for e in expected)


def _rate(name: str, percent: bool) -> tuple[float, list[str]]:
    cases = _cases(name)
    failed = [c["id"] for c in cases if not _passes(c, percent)]
    return 1 - len(failed) / len(cases), failed


def test_number_cases():
    rate, failed = _rate("number", percent=False)
    assert rate >= 0.70, f"{rate:.1%} < 70%: {failed}"


def test_percent_cases():
    rate, failed = _rate("percent", percent=True)
    assert rate >= 0.80, f"{rate:.1%} < 80%: {failed}"


@pytest.mark.parametrize("text,value", [("百分之五十五点五七九", 55.579), ("千分之2.4", 0.24), ("２．４个百分点", 2.4),
                                        ("9.9折", 99), ("七成", 70), ("负3.9%", -3.9)])
def test_percent_forms_from_the_suite(text, value):
    assert value in [pytest.approx(v) for v in _values(text, percent=True)]

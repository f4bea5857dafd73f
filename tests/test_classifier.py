"""The indicator classifier: features, the scikit-learn contract, safe persistence, the bundled model."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from jixiao.errors import ModelError
from jixiao.models import features as F

# A tiny labeled corpus (one literal per category, two forms each) for contract tests.
TINY = [
    ("培训人次", "≥200人次", "output.quantity"), ("购置设备数量", "12台", "output.quantity"),
    ("验收合格率", "100%", "output.quality"), ("设备完好率", "≥95%", "output.quality"),
    ("资金拨付及时率", "100%", "output.timeliness"), ("项目完成时间", "2024年12月底前", "output.timeliness"),
    ("项目总成本", "≤50万元", "output.cost"), ("补助标准", "500元/人", "output.cost"),
    ("带动农户增收", "≥2000元/户", "benefit.economic"), ("减少经济损失", "明显减少", "benefit.economic"),
    ("保障机关正常运转", "有效保障", "benefit.social"), ("提升公共服务水平", "明显提升", "benefit.social"),
    ("森林覆盖率", "≥45%", "benefit.ecological"), ("减少污染物排放", "有效减少", "benefit.ecological"),
    ("设备使用年限", "≥5年", "benefit.sustainable"), ("长效机制建设", "建立健全", "benefit.sustainable"),
    ("服务对象满意度", "≥90%", "satisfaction.service_object"), ("群众满意度", "≥95%", "satisfaction.service_object"),
]


def tiny_xy():
    return [{"level3": n, "value": v} for n, v, _ in TINY], [c for _, _, c in TINY]


# -- features

@pytest.mark.parametrize("raw, name, units", [
    ("贫困地区旅游景点开发数量( ≥**个 )", "贫困地区旅游景点开发数量", ["个"]),
    ("组织培训、会议次数（次）", "组织培训、会议次数", ["次"]),
    ("乡村旅游带动增加贫困村收入(≥**万元)", "乡村旅游带动增加贫困村收入", ["万元"]),
    ("當年人才驛站組織活動數量", "当年人才驿站组织活动数量", []),
    ("１、培训人次", "培训人次", []),
    ("设备购置类项目持续使用时间（年", "设备购置类项目持续使用时间", ["年"]),
    ("显著提高群众满意度", "显著提高群众满意度", []),  # 著 is simplified too: left alone
])
def test_clean_name(raw, name, units):
    assert F.clean_name(raw) == (name, units)


@pytest.mark.parametrize("value, present, absent", [
    ("≥95%", {"v:op_ge", "v:pct", "v:pct90", "vs:≥#%"}, {"v:qual", "v:date"}),
    ("≥100百分比", {"v:pct", "v:pct100"}, set()),
    ("≤90万元", {"v:op_le", "v:u_money"}, {"v:pct"}),
    ("3000元/人", {"v:u_money_per", "v:per"}, {"v:u_money"}),
    ("≥20平方米", {"v:u_area"}, {"v:u_count"}),
    ("12辆", {"v:u_count"}, {"v:op_ge"}),
    ("≤24小时", {"v:u_duration", "v:op_le"}, set()),
    ("2021年12月31日", {"v:date"}, {"v:u_duration", "v:u_count"}),
    ("2023.07-2024.01", {"v:date"}, set()),
    ("小于等于核定数", {"v:op_le", "v:ref", "v:qual", "vb:核定", "v:cue_output.cost"}, {"v:pct"}),
    ("经济效益良好", {"v:qual", "v:cue_benefit.economic"}, set()),
    ("0起", {"v:zero"}, set()),
    ("较上年下降10%", {"v:down", "v:ref"}, set()),
    ("未涉及", {"v:na"}, {"v:qual"}),
    ("", {"v:empty"}, set()),
    (None, {"v:empty"}, set()),
])
def test_value_features(value, present, absent):
    toks = set(F.value_features(value))
    assert present <= toks, toks
    assert not (absent & toks), toks


def test_name_features_suffix_prefix_and_cues():
    toks = F.name_features("服务对象满意率", F.CUES)
    assert {"s1:率", "s2:意率", "s3:满意率", "p2:服务", "cue:satisfaction.service_object"} <= set(toks)
    assert "m:verb" in F.name_features("提高群众安全意识", F.CUES)
    assert "m:act" in F.name_features("开展专项整治", F.CUES)


@pytest.mark.parametrize("raw, folded", [
    ("當年獲得確認的人才驛站數量", "当年获得确认的人才驿站数量"),
    ("脫貧戶畝均增收", "脱贫户亩均增收"),
    ("論文被SCI收錄數", "论文被sci收录数"),
    ("顯著提高", "显著提高"),  # 著 is also a simplified character: kept
    ("９５％", "95%"),
])
def test_fold_traditional_and_fullwidth(raw, folded):
    assert F.fold(raw) == folded


@pytest.mark.parametrize("name, value, hits", [
    ("提升城市知名度，推动体育消费", "经济效益良好", ["benefit.economic"]),
    ("打造系列品牌赛事", "影响可持续", ["benefit.sustainable"]),
    ("群众对项目实施", "满意", ["satisfaction.service_object"]),
    ("带动农户增收", "≥2000元经济效益", []),  # a number: the value is a target, not a verdict
    ("公众满", None, ["satisfaction.service_object"]),  # a name cut by a line wrap
    ("生活补助金每月中旬发放", "100%", ["output.timeliness"]),
    ("优待金每年3月、9月份发放", "100%", ["output.timeliness"]),
    ("每月巡查次数", "4次", []),  # counted: a quantity, whatever the period
    ("当年活动数量", "≥28次", []),
    ("培训人次", "≥500人次", []),
])
def test_rule_hits(name, value, hits):
    assert F.rule_hits(name, value) == hits


def test_char_ngrams_mask_digits_and_split_on_punctuation():
    grams = F.char_ngrams("培训、95次", 1, 2)
    assert "c:培训" in grams and "c:#次" in grams
    assert not any("、" in g for g in grams)


# -- the estimator contract

def test_clone_and_params_roundtrip():
    from sklearn.base import clone

    from jixiao.models.classifier import IndicatorClassifier

    est = IndicatorClassifier(C=2.0, use_words=False)
    c = clone(est)
    assert c.get_params() == est.get_params() and c is not est
    c.set_params(value_weight=0.0)
    assert c.value_weight == 0.0 and est.value_weight == 1.0
    with pytest.raises(ValueError):
        c.set_params(no_such_param=1)


@pytest.mark.parametrize("check", [
    "check_parameters_default_constructible", "check_no_attributes_set_in_init", "check_get_params_invariance",
    "check_set_params", "check_estimator_cloneable", "check_estimator_repr", "check_mixin_order",
    "check_do_not_raise_errors_in_init_or_set_params",
])
def test_sklearn_estimator_checks(check):
    """The checks of sklearn.utils.estimator_checks that do not need numeric input."""
    from sklearn.utils import estimator_checks

    from jixiao.models.classifier import IndicatorClassifier

    getattr(estimator_checks, check)("IndicatorClassifier", IndicatorClassifier())


def test_unfitted_model_raises():
    from sklearn.exceptions import NotFittedError

    from jixiao.models.classifier import IndicatorClassifier

    with pytest.raises(NotFittedError):
        IndicatorClassifier().predict(["培训人次"])


def test_fit_returns_self_and_learns_the_tiny_corpus():
    from jixiao.models.classifier import IndicatorClassifier

    X, y = tiny_xy()
    est = IndicatorClassifier(C=10.0, use_words=False)
    assert est.fit(X, y) is est
    assert list(est.predict(X)) == y
    P = est.predict_proba(X)
    assert P.shape == (len(X), 9) and np.allclose(P.sum(axis=1), 1.0)
    assert set(est.classes_) == set(y)


def test_value_form_decides_when_the_name_is_neutral():
    """Same neutral name, different value forms → the value's unit/date decides."""
    from jixiao.models.classifier import IndicatorClassifier

    X, y = tiny_xy()
    est = IndicatorClassifier(C=10.0, use_words=False, char_weight=0.3).fit(X, y)
    cost, when, count = est.predict([{"level3": "工作任务", "value": "≤80万元"},
                                     {"level3": "工作任务", "value": "2025年6月底前"},
                                     {"level3": "工作任务", "value": "25台"}])
    assert cost == "output.cost" and when == "output.timeliness" and count == "output.quantity"


def test_first_level_is_decided_before_the_second():
    """Two output categories at 0.3 outweigh one benefit category at 0.4: the row is 产出."""
    from jixiao.models.classifier import IndicatorClassifier

    X, y = tiny_xy()
    est = IndicatorClassifier(use_words=False).fit(X, y)
    col = {c: j for j, c in enumerate(est.classes_)}
    P = np.full((2, len(col)), 0.0)
    P[0, [col["output.quantity"], col["output.quality"], col["benefit.social"]]] = (0.3, 0.29, 0.41)
    P[1, [col["output.quantity"], col["benefit.economic"], col["benefit.social"]]] = (0.4, 0.3, 0.3)
    assert [est.classes_[j] for j in est._decide(P)] == ["output.quantity", "benefit.economic"]


def test_rules_shift_the_decision_and_can_be_switched_off():
    from jixiao.models.classifier import IndicatorClassifier

    X, y = tiny_xy()
    row = {"level3": "打造品牌赛事", "value": "影响可持续"}
    on = IndicatorClassifier(use_words=False).fit(X, y)
    off = IndicatorClassifier(use_words=False, rule_weight=0.0).fit(X, y)
    j = list(on.classes_).index("benefit.sustainable")
    assert on.predict_proba([row])[0, j] > off.predict_proba([row])[0, j] + 0.2
    assert on.predict([row])[0] == "benefit.sustainable"


def test_works_in_pipeline_and_cross_validation():
    from sklearn.model_selection import cross_val_score

    from jixiao.models.classifier import IndicatorClassifier

    X, y = tiny_xy()
    scores = cross_val_score(IndicatorClassifier(use_words=False), X, y, cv=2)
    assert len(scores) == 2 and all(0.0 <= s <= 1.0 for s in scores)


def test_bad_input_type_is_a_clear_error():
    from jixiao.models.classifier import IndicatorClassifier

    X, y = tiny_xy()
    est = IndicatorClassifier(use_words=False).fit(X, y)
    with pytest.raises(TypeError, match="level3"):
        est.predict([42])
    with pytest.raises(ValueError, match="two categories"):
        IndicatorClassifier().fit(["a", "b"], ["x", "x"])


# -- persistence

@pytest.fixture(scope="module")
def tiny_model():
    from jixiao.models.classifier import IndicatorClassifier

    X, y = tiny_xy()
    return IndicatorClassifier(use_words=False).fit(X, y)


def test_skops_roundtrip_is_compressed_stamped_and_identical(tmp_path, tiny_model):
    import sklearn

    from jixiao import __version__
    from jixiao.models.persist import read_payload, save_file

    path = save_file(tiny_model, tmp_path / "m.skops", meta={"rows": 18}, fmt="skops")
    with zipfile.ZipFile(path) as z:
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist())
    payload = read_payload(path)
    assert payload["jixiao"] == __version__ and payload["sklearn"] == sklearn.__version__
    assert payload["meta"] == {"rows": 18}
    assert "_vocab" not in vars(payload["model"])  # the token dict is rebuilt from features_, not saved
    X, _ = tiny_xy()
    np.testing.assert_allclose(payload["model"].predict_proba(X), tiny_model.predict_proba(X))


def test_missing_and_damaged_files_are_model_errors(tmp_path):
    from jixiao.models.classifier import load_model

    with pytest.raises(ModelError, match="not found"):
        load_model(str(tmp_path / "nope.skops"))
    bad = tmp_path / "bad.skops"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ModelError, match="damaged|not a readable"):
        load_model(str(bad))
    text = tmp_path / "text.skops"
    text.write_text("培训人次", encoding="utf-8")
    with pytest.raises(ModelError):
        load_model(str(text))


def test_untrusted_types_are_refused(tmp_path, tiny_model):
    import fractions

    import skops.io as sio

    from jixiao.models.persist import FORMAT, FORMAT_VERSION, load_file

    p = tmp_path / "evil.skops"
    sio.dump({"format": FORMAT, "format_version": FORMAT_VERSION, "model": tiny_model,
              "extra": fractions.Fraction(1, 3)}, str(p))
    with pytest.raises(ModelError, match="does not trust: fractions.Fraction"):
        load_file(p)


def test_other_format_versions_and_foreign_files_are_refused(tmp_path, tiny_model):
    import skops.io as sio

    from jixiao.models.persist import FORMAT, load_file

    old = tmp_path / "old.skops"
    sio.dump({"format": FORMAT, "format_version": 0, "model": tiny_model}, str(old))
    with pytest.raises(ModelError, match="format version 0"):
        load_file(old)
    foreign = tmp_path / "foreign.skops"
    sio.dump({"weights": [1, 2, 3]}, str(foreign))
    with pytest.raises(ModelError, match="not a jixiao"):
        load_file(foreign)


# -- the bundled model

@pytest.mark.parametrize("name, value, cid", [
    ("培训人次", None, "output.quantity"),
    ("应急演练次数", "3次", "output.quantity"),
    ("验收合格率", "≥95%", "output.quality"),
    ("资金拨付及时率", "100%", "output.timeliness"),
    ("项目完成时间", "2024年12月31日前", "output.timeliness"),
    ("资金成本", "小于等于核定数", "output.cost"),
    ("带动农户增收", "≥1000元", "benefit.economic"),
    ("保障机关正常运转", "正常运转", "benefit.social"),
    ("空气质量优良天数比例", "≥80%", "benefit.ecological"),
    ("设备持续使用年限", "≥5年", "benefit.sustainable"),
    ("服务对象满意度", "≥90%", "satisfaction.service_object"),
])
def test_bundled_model_on_common_indicators(name, value, cid):
    from jixiao.models.classifier import load_model

    (pred,) = load_model().predict_categories([{"level3": name, "value": value}])
    assert pred["id"] == cid, pred


def test_bundled_model_is_cached_and_confidences_are_calibrated_probabilities():
    from jixiao.models.classifier import load_model

    m = load_model()
    assert load_model() is m
    preds = m.predict_categories([{"level3": n} for n in ("培训人次", "综合利用率", "工作开展情况", "满意度")])
    for p in preds:
        alts = [a["p"] for a in p["alternatives"]]
        assert alts == sorted(alts, reverse=True) and 0 < p["confidence"] < 1
        assert p["confidence"] + sum(alts) <= 1.0001
    # a vague name is less certain than a textbook one
    assert preds[2]["confidence"] < preds[0]["confidence"]


def test_a_stated_first_level_keeps_the_model_under_it():
    from jixiao.models.classifier import load_model

    m = load_model()
    free, kept, cost, unknown = m.predict_categories([
        {"level3": "培训人次"}, {"level3": "培训人次", "level1": "效益指标"},
        {"level3": "资金成本", "value": "小于等于核定数", "level1": "成本指标"},  # cz2021 first level
        {"level3": "培训人次", "level1": "不是一级指标"}])
    assert free["id"] == "output.quantity" and unknown["id"] == "output.quantity"
    assert kept["id"].startswith("benefit.") and all(a["id"].startswith("benefit.") for a in kept["alternatives"])
    assert kept["confidence"] + sum(a["p"] for a in kept["alternatives"]) == pytest.approx(1.0, abs=0.02)
    assert cost["id"] == "output.cost" and cost["alternatives"] == []


def test_parser_restricts_rows_that_state_only_a_first_level():
    from jixiao.document import Document, Indicator, Project, Source
    from jixiao.pipeline.enrich import Parser

    rows = [Indicator(level1="效益指标", level1_raw="效益指标", level3="培训人次", value="≥200人次"),
            Indicator(level3="培训人次", value="≥200人次")]
    doc = Document(source=Source("t.txt", "0" * 64, "txt"), projects=[Project(name="培训", indicators=rows)])
    Parser().enrich(doc)
    stated, free = (i.category for i in rows)
    assert stated.source == "model" and stated.level1 == "效益指标" and stated.level2 != "数量指标"
    assert (free.level1, free.level2) == ("产出指标", "数量指标")


# -- the exported model (prediction without scikit-learn)

def _rows_for_equivalence():
    import json
    from pathlib import Path

    import jixiao

    root = Path(jixiao.__file__).parent
    rows = [json.loads(x) for x in (root / "models" / "data" / "training.jsonl").read_text(encoding="utf-8").splitlines()]
    items = [{"level3": r["level3"], "value": r.get("value")} for r in rows[::3]]
    items += [{"level3": r["level3"]} for r in rows[1::7]]
    items += [{"level3": r["level3"], "value": r.get("value"), "level1": l1}
              for r, l1 in zip(rows[2::11], ["产出指标", "效益指标", "满意度指标", "成本指标", "不是一级指标"] * 999)]
    return items


def test_exported_model_predicts_like_the_sklearn_model(tmp_path):
    """Fit a real model, export it, and compare on ~1,300 rows: same choices, same probabilities."""
    from jixiao.models.linear import LinearModel, load
    from jixiao.models.persist import save_file
    from jixiao.models.train import bundled_rows, fit_model

    rows = bundled_rows()[::2]
    model = fit_model(rows)
    path = save_file(model, tmp_path / "m.npz", meta={"rows": len(rows)})
    fast = load(path)
    assert isinstance(fast, LinearModel) and fast.meta == {"rows": len(rows)}
    items = _rows_for_equivalence()
    assert len(items) > 1000
    np.testing.assert_allclose(np.array(fast.predict_proba(items)), model.predict_proba(items), rtol=0, atol=1e-9)
    assert list(fast.predict(items)) == list(model.predict(items))
    a = model.predict_categories(items, top=12, min_p=0.0)
    b = fast.predict_categories(items, top=12, min_p=0.0)
    assert [x["id"] for x in a] == [x["id"] for x in b]
    for x, y in zip(a, b):
        assert abs(x["confidence"] - y["confidence"]) <= 1e-4
        assert [z["id"] for z in x["alternatives"] if z["p"] > 0] == [z["id"] for z in y["alternatives"] if z["p"] > 0]


def test_exported_file_is_plain_npz_without_pickle(tmp_path, tiny_model):
    import json

    from jixiao.models.persist import save_file

    path = save_file(tiny_model, tmp_path / "m.npz", meta={"rows": 18})
    with np.load(path, allow_pickle=False) as z:  # numpy refuses object arrays here
        assert set(z.files) == {"config", "coef", "intercept", "idf"}
        config = json.loads(z["config"].tobytes().decode("utf-8"))
        assert z["coef"].shape == (len(config["classes"]), len(config["features"]))
    assert config["format"] == "jixiao-linear-classifier" and config["meta"] == {"rows": 18}


def test_prediction_does_not_import_sklearn_or_numpy():
    import subprocess
    import sys

    code = ("import sys; from jixiao.models.predict import load_model; "
            "p = load_model().predict_categories([{'level3': '培训人次'}])[0]; "
            "print(p['id'], [m for m in ('sklearn', 'numpy', 'scipy', 'skops', 'jieba') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["output.quantity", "[]"]


def test_damaged_exported_files_are_model_errors(tmp_path, tiny_model):
    from jixiao.models.linear import load
    from jixiao.models.persist import save_file

    path = save_file(tiny_model, tmp_path / "m.npz")
    data = path.read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError):
        load(tmp_path / "cut.npz")
    with zipfile.ZipFile(tmp_path / "other.npz", "w") as z:
        z.writestr("config.npy", b"\x93NUMPY\x01\x00" + (40).to_bytes(2, "little") + b"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }")
    with pytest.raises(ModelError):
        load(tmp_path / "other.npz")

"""classify / suggest / train / evaluate through the click CLI (effects checked through the library)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from jixiao.cli import cli
from tests.conftest import SEED


def run(args, input=None):
    return CliRunner().invoke(cli, args, input=input)


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# -- classify

def test_classify_json_and_plain_lines_one_result_each():
    r = run(["classify"], input='培训人次\n\n{"level3": "验收合格率", "value": "≥95%"}\n'
                                '{"level3": "项目总成本", "value": "≤90万元", "description": "总成本"}\n'
                                '服务对象满意度\t≥90%\n')
    assert r.exit_code == 0, r.output
    out = jsonl(r.stdout)
    assert [o["level2"] for o in out] == ["数量指标", "质量指标", "成本指标", "服务对象满意度指标"]
    assert [o["level1"] for o in out] == ["产出指标", "产出指标", "产出指标", "满意度指标"]
    for o in out:
        assert set(o) >= {"level1", "level2", "confidence", "alternatives"}
        assert 0 < o["confidence"] < 1
        assert all(set(a) == {"level1", "level2", "p"} and 0 < a["p"] < 1 for a in o["alternatives"])
        assert o["confidence"] + sum(a["p"] for a in o["alternatives"]) <= 1.0001


def test_classify_cz2021_maps_cost_to_first_level_cost():
    r = run(["classify", "--taxonomy", "cz2021"], input='{"level3": "资金成本", "value": "小于等于核定数"}\n')
    assert r.exit_code == 0, r.output
    (o,) = jsonl(r.stdout)
    assert (o["level1"], o["level2"]) == ("成本指标", "经济成本指标")
    r = run(["classify"], input="资金成本\n")
    assert (jsonl(r.stdout)[0]["level1"], jsonl(r.stdout)[0]["level2"]) == ("产出指标", "成本指标")


def test_classify_a_stated_first_level_keeps_the_answer_under_it():
    r = run(["classify"], input='{"level3": "培训人次", "level1": "效益指标"}\n{"level3": "培训人次"}\n')
    assert r.exit_code == 0, r.output
    kept, free = jsonl(r.stdout)
    assert kept["level1"] == "效益指标" and all(a["level1"] == "效益指标" for a in kept["alternatives"])
    assert (free["level1"], free["level2"]) == ("产出指标", "数量指标")


def test_classify_bad_json_line_is_named_others_still_classified_exit_1():
    r = run(["classify"], input='培训人次\n{"level3": 验收合格率}\n{"value": "5%"}\n资金拨付及时率\n')
    assert r.exit_code == 1
    out = jsonl(r.stdout)
    assert len(out) == 4  # outputs stay aligned with inputs
    assert out[0]["level2"] == "数量指标" and out[3]["level2"] == "时效指标"
    assert out[1]["line"] == 2 and out[1]["level2"] is None and "not valid JSON" in out[1]["error"]
    assert out[2]["line"] == 3 and "level3" in out[2]["error"]
    assert "line 2" in r.stderr and "line 3" in r.stderr and "Traceback" not in r.output + r.stderr


def test_classify_table_format():
    r = run(["classify", "--format", "table"], input="培训人次\n设备完好率\n")
    assert r.exit_code == 0, r.output
    assert "数量指标" in r.stdout and "质量指标" in r.stdout and "三级指标" in r.stdout


def test_classify_with_a_missing_model_is_one_error_line(tmp_path):
    r = run(["classify", "--model", str(tmp_path / "none.skops")], input="培训人次\n")
    assert r.exit_code == 1
    assert "M001" in r.stderr and "none.skops" in r.stderr and "Traceback" not in r.stderr


# -- suggest

def test_suggest_training_count_is_quantity_with_hint_without_index(tmp_path):
    r = run(["suggest", "培训人次", "--index", str(tmp_path / "no-index")])
    assert r.exit_code == 0, r.output
    first_row = next(line for line in r.stdout.splitlines() if "指标" in line and "│" in line and "概率" not in line)
    assert "数量指标" in first_row
    assert "jixiao ingest" in r.stdout


def test_suggest_json_top_and_value():
    r = run(["suggest", "验收合格率", "--value", "≥95%", "--top", "3", "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["categories"][0]["level2"] == "质量指标" and len(d["categories"]) == 3
    assert [c["p"] for c in d["categories"]] == sorted((c["p"] for c in d["categories"]), reverse=True)


class FakeStore:
    def __init__(self, records):
        self.records, self.closed = records, False

    def similar_indicators(self, name, limit=50):
        return self.records

    def close(self):
        self.closed = True


def _rec(level3, raw, op, value, unit, level2="质量指标"):
    return {"level3": level3, "value": raw, "level2": level2,
            "target": {"kind": "numeric", "op": op, "value": value, "unit": unit}}


def test_suggest_summarizes_similar_past_indicators(tmp_path, monkeypatch):
    import jixiao.index.store as store_mod

    records = [_rec("验收合格率", "≥95%", ">=", 95, "%"), _rec("项目验收合格率", "≥100%", ">=", 100, "%"),
               _rec("验收合格率", "≥90%", ">=", 90, "%"), _rec("验收合格率", "98%", None, 98, "%"),
               _rec("购置合格率", "≥95%", ">=", 95, "%")]
    fake = FakeStore(records)
    monkeypatch.setattr(store_mod, "open_store", lambda d, **kw: fake)
    (tmp_path / "ix").mkdir()
    r = run(["suggest", "验收合格率", "--index", str(tmp_path / "ix"), "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    head = d["similar"][0]
    # four records contain the name; the common form is ≥ %: median of 95, 100, 90 → 95
    assert head["level3"] == "验收合格率" and head["count"] == 4 and head["typical"] == "≥95%"
    assert fake.closed
    r = run(["suggest", "验收合格率", "--index", str(tmp_path / "ix")])
    assert "验收合格率: 过去 4 次，中位数 ≥95%" in r.stdout


def test_suggest_with_a_real_index(tmp_path):
    ix = str(tmp_path / "ix")
    assert run(["ingest", str(SEED), "--index", ix, "-q"]).exit_code == 0
    r = run(["suggest", "资金成本", "--index", ix, "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["categories"][0]["level2"] == "成本指标"
    head = d["similar"][0]
    assert head["level3"] == "资金成本" and head["count"] >= 9 and "核定数" in head["typical"]


def test_suggest_needs_a_name():
    r = run(["suggest", "  "])
    assert r.exit_code == 1 and "suggest needs" in r.stderr


# -- train / evaluate

ROWS = [
    {"level3": "巡河次数", "value": "≥50次", "level1": "产出指标", "level2": "数量指标"},
    {"level3": "河道保洁长度", "value": "12公里", "level1": "产出指标", "level2": "数量指标"},
    {"level3": "巡河记录完整率", "value": "100%", "level1": "产出指标", "level2": "质量指标"},
    {"level3": "保洁合格率", "value": "≥95%", "level1": "产出指标", "level2": "质量指标"},
    {"level3": "河道水质", "value": "明显改善", "level1": "效益指标", "level2": "生态效益指标"},
    {"level3": "水体透明度", "value": "逐年提高", "level1": "效益指标", "level2": "生态效益"},
    {"level3": "沿河群众满意度", "value": "≥90%", "level1": "满意度", "level2": "服务对象满意度"},
    {"level3": "表格里没写类别", "value": "1项"},  # unlabeled: not training data
]


@pytest.fixture
def rows_file(tmp_path):
    p = tmp_path / "rows.jsonl"
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    return p


def test_train_from_labeled_rows_then_classify_with_the_model(tmp_path, rows_file):
    from jixiao.models.persist import read_payload

    model = tmp_path / "river.skops"
    r = run(["train", str(rows_file), "-o", str(model), "--no-bundled"])
    assert r.exit_code == 0, r.output
    assert "7" in r.stdout and str(model) in r.stdout
    payload = read_payload(model)
    assert payload["meta"]["document_rows"] == 7 and payload["meta"]["bundled"] is False
    assert set(payload["model"].classes_) == {"output.quantity", "output.quality", "benefit.ecological",
                                               "satisfaction.service_object"}
    r = run(["classify", "--model", str(model)], input="巡河次数\t≥60次\n河道水质\t持续改善\n")
    assert [o["level2"] for o in jsonl(r.stdout)] == ["数量指标", "生态效益指标"]


def test_train_with_bundled_rows_and_a_document(tmp_path):
    from jixiao.models.persist import read_payload

    model = tmp_path / "m.skops"
    r = run(["train", str(SEED), "-o", str(model)])
    assert r.exit_code == 0, r.output
    meta = read_payload(model)["meta"]
    assert meta["document_rows"] == 108 and meta["rows"] > 1000


def test_train_without_labels_is_an_error(tmp_path):
    p = tmp_path / "unlabeled.jsonl"
    p.write_text('{"level3": "巡河次数"}\n', encoding="utf-8")
    r = run(["train", str(p), "-o", str(tmp_path / "m.skops"), "--no-bundled"])
    assert r.exit_code == 1 and "no labeled rows" in r.stderr
    assert not (tmp_path / "m.skops").exists()


def test_train_bad_json_file_is_named(tmp_path, rows_file):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    r = run(["train", str(rows_file), str(bad), "-o", str(tmp_path / "m.skops"), "--no-bundled"])
    assert r.exit_code == 1 and "bad.jsonl" in r.stderr and "not valid JSON" in r.stderr
    assert (tmp_path / "m.skops").exists()  # the good file still trained a model


def test_evaluate_rows_json(rows_file):
    r = run(["evaluate", str(rows_file), "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["rows"] == 7
    n = d["level2"]["n"]
    assert n == 7 and sum(map(sum, d["confusion"])) == 7
    correct = sum(d["confusion"][i][i] for i in range(len(d["labels"])))
    assert d["level2"]["accuracy"] == round(correct / 7, 4)
    assert 0 <= d["level2"]["macro_f1"] <= 1 and d["level1"]["accuracy"] >= d["level2"]["accuracy"]


def test_evaluate_the_seed_table():
    r = run(["evaluate", str(SEED)])
    assert r.exit_code == 0, r.output
    assert "level2: accuracy" in r.stdout and "混淆表" in r.stdout
    line = next(x for x in r.stdout.splitlines() if x.startswith("一级指标 level1"))
    assert float(line.split("accuracy")[1].split()[0]) > 0.9


def test_scores_macro_f1_by_hand():
    from jixiao.models.evaluate import scores

    s = scores(["a", "a", "b", "c"], ["a", "b", "b", "b"])
    assert s["accuracy"] == 0.5
    # a: p=1 r=.5 f=.667; b: p=1/3 r=1 f=.5; c: 0 → macro (0.6667+0.5+0)/3
    assert s["macro_f1"] == pytest.approx((2 / 3 + 0.5) / 3, abs=1e-3)


def test_train_on_a_folder_without_documents_is_an_error(tmp_path):
    from click.testing import CliRunner

    from jixiao.cli import cli

    r = CliRunner().invoke(cli, ["train", str(tmp_path), "-o", str(tmp_path / "m.skops")])
    assert r.exit_code == 1
    assert "no .txt/.docx/.xlsx/.pdf/.jsonl files" in r.output
    assert not (tmp_path / "m.skops").exists()


def test_classify_rejects_a_non_string_level1_in_one_line():
    from click.testing import CliRunner

    from jixiao.cli import cli

    r = CliRunner().invoke(cli, ["classify"], input='{"level3": "培训人次", "level1": ["产出指标"]}\n培训人次\n')
    assert r.exit_code == 1
    assert "level1" in r.output and "Traceback" not in r.output
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert lines[0]["level2"] is None and lines[1]["level2"] == "数量指标"


def test_cz2021_labels_are_pooled_not_repeated():
    """In cz2021 several cz2020 ids print as one label: it appears once, with the pooled p."""
    from click.testing import CliRunner

    from jixiao.cli import cli

    r = CliRunner().invoke(cli, ["classify", "--taxonomy", "cz2021"],
                           input="维护社会稳定\n提高驾驶员安全意识\n群众生活持续改善\n")
    assert r.exit_code == 0, r.output
    for line in r.stdout.splitlines():
        res = json.loads(line)
        labels = [(res["level1"], res["level2"])] + [(a["level1"], a["level2"]) for a in res["alternatives"]]
        assert len(labels) == len(set(labels)), labels
        assert all(lv2 != "可持续影响指标" for _, lv2 in labels)
        assert res["confidence"] <= 1.0 + 1e-9
        assert res["level2"] == "社会效益指标" and res["confidence"] > 0.6  # 社会 + 可持续 pooled


def test_train_reads_row_files_in_folders_and_reports_bad_ones(tmp_path):
    from click.testing import CliRunner

    from jixiao.cli import cli

    rows = tmp_path / "rows"
    rows.mkdir()
    good = "".join(json.dumps({"level3": n, "level2": l2}, ensure_ascii=False) + "\n"
                   for n, l2 in [("巡检次数", "数量指标"), ("验收合格率", "质量指标")] * 3)
    (rows / "a.jsonl").write_bytes(good.encode("gb18030"))  # GBK files are read like any text
    (rows / "b.json").write_text('{"source": {}, "projects": [{"indicators": 3}]}', encoding="utf-8")
    r = CliRunner().invoke(cli, ["train", str(rows), "--no-bundled", "-o", str(tmp_path / "m.skops")])
    assert "Traceback" not in r.output
    assert "b.json" in r.output and "not a jixiao Document" in r.output
    assert "labeled rows: 6" in r.output
    assert r.exit_code == 1  # the bad file is reported; the model is still written from the good one
    assert (tmp_path / "m.skops").exists()


# -- round 2: which model answers, echoed input, train --from-index, similar-list order

def test_classify_lines_echo_their_input_and_name_the_model():
    r = run(["classify"], input='{"level3": "验收合格率", "value": "≥95%", "code": "Q-7", "level2": "质量指标"}\n培训人次\n')
    assert r.exit_code == 0, r.output
    first, plain = jsonl(r.stdout)
    assert (first["level3"], first["value"], first["code"]) == ("验收合格率", "≥95%", "Q-7")
    assert first["input_level2"] == "质量指标" and first["level2"] == "质量指标"  # the stated one kept apart
    assert plain["level3"] == "培训人次" and plain["model"] == "bundled" == first["model"]


def test_suggest_similar_list_orders_by_name_and_drops_junk(tmp_path, monkeypatch):
    import jixiao.index.store as store_mod

    # the index ranks a row first whose *value* mentions 设备; header rows come back too
    records = [{"level3": "生态效益增长率", "value": "购置节能环保设备", "level2": "生态效益指标", "target": None},
               {"level3": "指标值(包含数字及文字描述)", "value": "设备", "level2": None, "target": None},
               {"level3": "三级指标", "value": None, "level2": None, "target": None},
               {"level3": "数量指标", "value": "设备", "level2": None, "target": None},
               _rec("地震监测设备巡检次数", "4次", ">=", 4, "次", "数量指标"),
               _rec("设备购置数量", "5台", ">=", 5, "台", "数量指标"),
               _rec("设备购置数量", "4台", ">=", 4, "台", "数量指标")]
    monkeypatch.setattr(store_mod, "open_store", lambda d, **kw: FakeStore(records))
    (tmp_path / "ix").mkdir()
    r = run(["suggest", "设备采购数量", "--index", str(tmp_path / "ix"), "--format", "json"])
    assert r.exit_code == 0, r.output
    names = [s["level3"] for s in json.loads(r.stdout)["similar"]]
    assert names[:2] == ["设备购置数量", "地震监测设备巡检次数"]
    assert not {"生态效益增长率", "指标值(包含数字及文字描述)", "三级指标", "数量指标"} & set(names)


def test_typical_counts_are_counts_and_rates_keep_the_median():
    from jixiao.models.suggest import junk_name, typical_value

    counts = [_rec("演练次数", f"≥{v}次", ">=", v, "次") for v in (4, 5, 3, 6)]
    t = typical_value(counts)
    assert t["typical"] == "≥4次" and float(t["median"]).is_integer()
    rates = [_rec("合格率", f"≥{v}%", ">=", v, "%") for v in (95, 96.5)]
    assert typical_value(rates)["typical"] == "≥95.75%"
    assert junk_name("指标值(包含数字及文字描述)") and junk_name("三级指标") and junk_name("服务对象满意度指标")
    assert not junk_name("服务对象满意度") and not junk_name("应急演练次数")


def test_train_from_index_then_suggest_and_classify_use_it(tmp_path):
    from jixiao.models.persist import read_payload
    from jixiao.models.predict import index_model_path

    ix = str(tmp_path / "ix")
    r = run(["suggest", "巡河次数", "--index", ix, "--format", "json"])
    assert json.loads(r.stdout)["model"]["source"] == "bundled"
    r = run(["train", "--from-index", "--index", ix])
    assert r.exit_code == 1 and "no index" in r.stderr
    assert run(["ingest", str(SEED), "--index", ix, "-q"]).exit_code == 0
    r = run(["train", "--from-index", "--index", ix, "--no-bundled"])
    assert r.exit_code == 0, r.output
    path = index_model_path(ix)
    meta = read_payload(path)["meta"]
    assert meta["document_rows"] == 108 and meta["files"] == 1 and meta["index"] == str(tmp_path / "ix")
    r = run(["suggest", "应急演练次数", "--index", ix, "--format", "json"])
    d = json.loads(r.stdout)
    assert d["model"] == {"source": "index", "path": path} and d["categories"][0]["level2"] == "数量指标"
    r = run(["classify", "--index", ix], input="应急演练次数\n")
    assert jsonl(r.stdout)[0]["model"] == "index"
    r = run(["classify", "--index", str(tmp_path / "other")], input="应急演练次数\n")
    assert jsonl(r.stdout)[0]["model"] == "bundled"


def test_train_needs_an_output_unless_from_index(tmp_path, rows_file):
    r = run(["train", str(rows_file)])
    assert r.exit_code == 2 and "-o" in r.output


def test_suggest_lists_the_drafted_name_once():
    from jixiao.models.suggest import summarize_for

    recs = [{"level3": "应急演练次数", "level2": "数量指标", "value": v,
             "target": {"kind": "numeric", "value": n, "unit": "次"}} for v, n in (("3次", 3), ("4次", 4))]
    recs.append({"level3": "地震监测设备巡检次数", "level2": "数量指标", "value": "4次",
                 "target": {"kind": "numeric", "value": 4, "unit": "次"}})
    out = summarize_for("应急演练次数", recs)
    names = [s["level3"] for s in out]
    assert names.count("应急演练次数") == 1 and out[0]["count"] == 2

"""`jixiao parse`: one Document per file, bad files named on stderr in one line, exit status 1."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from jixiao.cli import cli

TABLE = "（2022年度）\n项目名称 | 道路维护 |\n一级指标 | 二级指标 | 三级指标 | 指标值 |\n产出指标 | 数量指标 | 维护里程 | ≥20公里 |\n"


def run(*args):
    return CliRunner().invoke(cli, ["parse", "--no-classify", *args], catch_exceptions=False)


def test_seed_to_json(seed_path):
    result = run(str(seed_path), "--format", "json")
    assert result.exit_code == 0, result.output
    (doc,) = json.loads(result.stdout)
    assert (doc["year"], doc["region"], doc["department"]) == (2021, "承德市", "承德市应急管理局")
    assert doc["source"]["format"] == "txt" and len(doc["source"]["sha256"]) == 64
    assert len(doc["projects"]) == 12
    first = doc["projects"][0]
    assert first["budget"] == {"total": 132.4, "fiscal": 132.4, "other": None, "unit": "万元"}
    assert first["schedule"][3] == {"period": "12月底", "percent": 100}
    ind = first["indicators"][0]
    assert (ind["level1"], ind["level2"], ind["level3"], ind["value"]) == ("产出指标", "数量指标", "装备数量", "95%")
    assert ind["category"]["source"] == "document"


def test_overrides_win_over_inferred_metadata(seed_path):
    result = run(str(seed_path), "--year", "2020", "--department", "某局")
    doc = json.loads(result.stdout)
    assert (doc["year"], doc["department"], doc["region"]) == (2020, "某局", "承德市")


def test_batch_reports_each_bad_file_and_keeps_the_good_ones(tmp_path, seed_path):
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(seed_path, folder / "a_seed.txt")
    (folder / "b_empty.txt").write_bytes(b"")
    (folder / "c_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (folder / "sub" / "d_gb18030.txt").write_bytes(TABLE.encode("gb18030"))
    (folder / "sub" / "e_bom.txt").write_bytes(b"\xef\xbb\xbf" + TABLE.encode("utf-8"))
    (folder / "f_truncated.txt").write_bytes(TABLE.encode("utf-8")[:-4])
    (folder / "g_garbage.txt").write_bytes("テスト日本語の文章です。これは試験。".encode("shift_jis"))
    result = run(str(folder))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4, result.stderr
    for name, word in [("b_empty.txt", "empty"), ("c_binary.txt", "not a text file"),
                       ("f_truncated.txt", "truncated"), ("g_garbage.txt", "encoding")]:
        (line,) = [ln for ln in lines if name in ln]
        assert word in line
    assert "Traceback" not in result.output
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["source"]["path"].rsplit("/", 1)[-1] for d in docs] == ["a_seed.txt", "d_gb18030.txt", "e_bom.txt"]
    for d in docs[1:]:
        assert d["year"] == 2022 and d["projects"][0]["name"] == "道路维护"
        assert d["projects"][0]["indicators"][0]["value"] == "≥20公里"


def test_table_format_prints_rows(seed_path):
    result = run(str(seed_path), "--format", "table")
    assert result.exit_code == 0
    assert "承德市应急管理局" in result.stdout and "装备数量" in result.stdout


def test_a_folder_without_documents_is_an_error(tmp_path):
    from click.testing import CliRunner

    from jixiao.cli import cli

    (tmp_path / "notes.md").write_text("no documents here", encoding="utf-8")
    r = CliRunner().invoke(cli, ["parse", str(tmp_path)])
    assert r.exit_code == 1
    assert "no .txt/.docx/.xlsx/.pdf files" in r.output


def test_taxonomy_option_maps_stated_categories(seed_path):
    """--taxonomy cz2021 prints the seed's stated 成本指标 rows in the 2021 framework; raw labels stay."""
    import json

    from click.testing import CliRunner

    from jixiao.cli import cli

    r = CliRunner().invoke(cli, ["parse", str(seed_path), "--taxonomy", "cz2021"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output.splitlines()[0])
    cost = [i for p in doc["projects"] for i in p["indicators"] if i["level3"] == "资金成本"]
    assert cost and all(i["level2"] == "成本指标" and i["level2_raw"] == "成本指标" for i in cost)
    assert all(i["category"] == {"level1": "成本指标", "level2": "经济成本指标", "source": "document",
                                 "confidence": 1.0} for i in cost)


def test_pipes_and_devices_named_like_documents_are_refused_not_read_forever(tmp_path):
    import os

    import pytest

    if not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"):
        pytest.skip("needs a POSIX system")
    os.mkfifo(tmp_path / "pipe.txt")  # reading it blocked forever
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # reading it filled memory
    (tmp_path / "ok.txt").write_text(TABLE, encoding="utf-8")
    result = run(str(tmp_path / "pipe.txt"), str(tmp_path / "zero.txt"), str(tmp_path / "ok.txt"))
    assert result.exit_code == 1 and len(result.stdout.splitlines()) == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all("[R001]" in ln and "not a regular file" in ln for ln in lines)
    r = CliRunner().invoke(cli, ["ingest", str(tmp_path / "pipe.txt"), str(tmp_path / "ok.txt"),
                                 "--index", str(tmp_path / "ix"), "-q"])
    assert r.exit_code == 1 and "pipe.txt: [R001]" in r.stderr and "新增 added 1" in r.stdout

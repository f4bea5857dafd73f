import pytest

from jixiao.pipeline.segment import Segmenter, fold_width


def test_fold_width():
    assert fold_width("４次，９５％") == "4次,95%"


def test_user_dictionary_words_stay_whole(tmp_path):
    seg = Segmenter()
    assert "满意度" in seg.cut("服务对象满意度达到95%")
    assert "合格率" in seg.cut("购装备验收合格率")


def test_private_dictionaries_do_not_leak(tmp_path):
    """A word added to one Segmenter must not change another's (no jieba global state)."""
    d = tmp_path / "extra.txt"
    d.write_text("装备验收合 100000 n\n", encoding="utf-8")
    for backend in ("rjieba", "jieba"):
        custom = Segmenter(user_dict=d, backend=backend)
        plain = Segmenter(backend=backend)
        assert "装备验收合" in custom.cut("购装备验收合格率")
        assert "装备验收合" not in plain.cut("购装备验收合格率")
    import jieba
    import rjieba

    assert "装备验收合" not in jieba.dt.FREQ
    assert not rjieba.has_word("装备验收合")


def test_tokenize_offsets_index_the_original_text():
    seg = Segmenter()
    text = "应急演练４次"
    for w, s, e in seg.tokenize(text):
        assert fold_width(text[s:e]).lower() == w


def test_an_unusable_cache_folder_is_silent_and_never_the_shared_temp_cache(tmp_path, monkeypatch, capfd):
    # HOME unwritable (a service account): jieba fell back to the shared /tmp/jieba.cache and printed
    # "Dump cache file failed." with a traceback on every command.
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    seg = Segmenter(backend="jieba")
    assert seg.tokenizer.tmp_dir == str(blocker / "cache" / "jixiao")
    assert "满意度" in seg.cut("服务对象满意度")
    assert capfd.readouterr().err == ""


def test_jieba_logger_level_is_left_as_found(tmp_path):
    """Building a Segmenter must not change jieba's process-wide logger (other jieba users keep it)."""
    import logging

    import jieba

    jieba.default_logger.setLevel(logging.INFO)
    try:
        Segmenter(backend="jieba")
        assert jieba.default_logger.level == logging.INFO
    finally:
        jieba.default_logger.setLevel(logging.DEBUG)


# -- the fast backend gives jieba's tokens ------------------------------------------------------

def _texts():
    import json
    from pathlib import Path

    import jixiao

    root = Path(jixiao.__file__).parent
    texts = (root / "corpus" / "samples" / "chengde_2021_yingji.txt").read_text(encoding="utf-8").splitlines()
    for line in (root / "models" / "data" / "training.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        texts += [r.get("level3") or "", r.get("value") or ""]
    texts += ["GB-50016标准", "2025-12-25前完成", "www.gov.cn", "3.5-4.0米", "达到95.5%", "5.12防灾减灾日", "v2.0系统"]
    return [t for t in texts if t.strip()]


@pytest.fixture(scope="module")
def both():
    return Segmenter(backend="rjieba", small_chars=0), Segmenter(backend="jieba")


@pytest.fixture(scope="module")
def per_text():
    """rjieba over per-text vocabularies only (the whole dictionary is never built)."""
    seg = Segmenter(backend="rjieba", small_chars=10**9)
    yield seg
    assert seg._full is None


def _same_tokens(texts, fast, ref):
    for t in texts:
        assert fast.cut(t) == ref.cut(t), t
        assert fast.cut(t, search=True) == ref.cut(t, search=True), t
        assert list(fast.tokenize(t)) == list(ref.tokenize(t)), t
        assert list(fast.tokenize(t, search=True)) == list(ref.tokenize(t, search=True)), t
        for w in fast.cut(t):
            for n in range(2, min(len(w), 4) + 1):
                for i in range(len(w) - n + 1):
                    assert fast.has_word(w[i:i + n]) == ref.has_word(w[i:i + n]), w[i:i + n]


def test_rjieba_gives_jiebas_tokens_on_the_seed_and_training_rows(both):
    fast, ref = both
    assert fast.backend == "rjieba" and ref.backend == "jieba"
    _same_tokens(_texts(), fast, ref)


def test_per_text_vocabulary_gives_jiebas_tokens(per_text, both):
    assert per_text._query_vocab() is not None
    _same_tokens(_texts()[::3], per_text, both[1])


def test_per_text_vocabulary_is_given_up_for_long_texts_and_after_many(per_text):
    seg = Segmenter(backend="rjieba", small_chars=8)
    seg.cut("应急演练")
    seg.cut("培训人次")
    assert seg._full is None
    seg.cut("满意度")
    assert seg._full is not None
    seg = Segmenter(backend="rjieba")
    seg.cut("应急演练" * 101)  # longer than the whole per-text budget
    assert seg._full is not None


def test_rjieba_gives_jiebas_tokens_on_the_dev_gold(both):
    import json

    from tests.conftest import shared_path

    texts = []
    for line in shared_path("corpus", "dev", "gold.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        texts += [r.get("level3") or "", r.get("value_raw") or ""]
    _same_tokens([t for t in texts if t.strip()], *both)


def test_default_segmenter_is_the_fast_one():
    from jixiao.pipeline.segment import default_segmenter

    assert default_segmenter().backend == "rjieba"


def test_per_text_vocabulary_answers_from_worker_threads():
    """A web server calls the segmenter from its thread pool (sqlite connections are per-thread by default)."""
    from concurrent.futures import ThreadPoolExecutor

    seg = Segmenter(backend="rjieba")
    names = ["应急演练次数", "培训人次", "服务对象满意度", "验收合格率"] * 5
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(seg.cut, names))
    assert seg._full is None
    assert got == [Segmenter(backend="rjieba", small_chars=0).cut(n) for n in names]


def test_jieba_dict_lookups_match_the_file_and_its_total():
    """Every word of jieba's dict.txt is found by bisection with its frequency and tag (the file's
    few out-of-order lines are handled), words not in it are not, and TOTAL is jieba's total."""
    import importlib.util
    from pathlib import Path

    from jixiao.pipeline.segment import JiebaDict

    d = JiebaDict.open()
    assert d is not None
    path = Path(importlib.util.find_spec("jieba").submodule_search_locations[0]) / "dict.txt"
    ref, total = {}, 0
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        ref[parts[0]] = (int(parts[1]), parts[2] if len(parts) > 2 else None)
        total += int(parts[1])
    assert total == JiebaDict.TOTAL
    words = list(ref)
    sample = words[:80] + words[80::7] + ["吉林", "高富帅"]  # the head, every 7th word, the misplaced
    assert all(d.get(w) == ref[w] for w in sample)
    for w in ("应急演练次数", "绩效目标表", "zzz", "吉林省", "高富", "\ue000", "一一一一一"):
        assert d.get(w) == ref.get(w)
    # every prefix of a word is reported as one (the per-text vocabulary stops extending at a non-prefix)
    for w in sample[::5]:
        assert all(d.probe(w[:i])[1] for i in range(1, len(w) + 1)), w
    assert d.probe("应急演")[1] is (any(x.startswith("应急演") for x in ref))

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
    custom = Segmenter(user_dict=d)
    plain = Segmenter()
    assert "装备验收合" in custom.cut("购装备验收合格率")
    assert "装备验收合" not in plain.cut("购装备验收合格率")
    import jieba

    assert "装备验收合" not in jieba.dt.FREQ


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
    seg = Segmenter()
    assert seg.tokenizer.tmp_dir == str(blocker / "cache" / "jixiao")
    assert "满意度" in seg.cut("服务对象满意度")
    assert capfd.readouterr().err == ""


def test_jieba_logger_level_is_left_as_found(tmp_path):
    """Building a Segmenter must not change jieba's process-wide logger (other jieba users keep it)."""
    import logging

    import jieba

    jieba.default_logger.setLevel(logging.INFO)
    try:
        Segmenter()
        assert jieba.default_logger.level == logging.INFO
    finally:
        jieba.default_logger.setLevel(logging.DEBUG)

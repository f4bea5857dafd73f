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

"""Chinese segmentation with a private ``jieba.Tokenizer`` and the domain user dictionary.

Never touches jieba's global tokenizer (``jieba.dt``): the classifier, the index analyzer and
``compare`` share one ``default_segmenter()`` per process, and a ``Segmenter`` built with another
dictionary (as the tests do) cannot leak into it.
"""

from __future__ import annotations

import functools
import logging
import os
from importlib import resources
from pathlib import Path

FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
FULLWIDTH[0x3000] = 0x20  # ideographic space


@functools.lru_cache(maxsize=1)
def t2s_table() -> dict[int, int]:
    """Traditional → simplified, one character to one (``data/t2s.txt``), for ``str.translate``.

    Some regions and indicator libraries publish in traditional script; labels, names and values
    are folded with this before matching. Same length, so offsets stay valid.
    """
    table: dict[int, int] = {}
    text = (resources.files("jixiao.pipeline") / "data" / "t2s.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        for pair in line.split():
            if len(pair) == 2:
                table[ord(pair[0])] = ord(pair[1])
    return table


def fold_width(text: str) -> str:
    """Full-width ASCII (４次, ９５％) → half-width (4次, 95%)."""
    return text.translate(FULLWIDTH)


def user_dict_path() -> Path:
    return Path(str(resources.files("jixiao.pipeline") / "data" / "userdict.txt"))


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "jixiao"


class Segmenter:
    """A jieba tokenizer with the 绩效 user dictionary.

    Args:
        user_dict (Path | None): extra words, one per line (``word [freq] [tag]``); default bundled.
    """

    def __init__(self, user_dict: Path | None = None):
        import jieba

        self.user_dict = Path(user_dict) if user_dict else user_dict_path()
        tk = jieba.Tokenizer()
        # jieba's default cache lives in the shared temp dir and is trusted blindly; keep ours private,
        # and when our folder cannot be made, go without a cache rather than fall back to the shared one.
        cdir = cache_dir()
        try:
            cdir.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
        tk.tmp_dir = str(cdir)
        # jieba logs its start-up (and an unwritable cache, with a traceback) on stderr; silence its
        # logger only while we initialize, so other jieba users in the process keep their setting.
        log = jieba.default_logger
        level = log.level
        log.setLevel(logging.CRITICAL)
        try:
            tk.initialize()
            if self.user_dict.exists():
                tk.load_userdict(str(self.user_dict))
        finally:
            log.setLevel(level)
        self.tokenizer = tk

    def cut(self, text: str, search: bool = False) -> list[str]:
        """Words of ``text`` (width-folded, lower-cased), without whitespace tokens."""
        text = fold_width(text).lower()
        words = self.tokenizer.cut_for_search(text) if search else self.tokenizer.cut(text, HMM=True)
        return [w for w in words if w.strip()]

    def tokenize(self, text: str, search: bool = False):
        """(word, start, end) triples over ``text`` as given (offsets into the original string)."""
        folded = fold_width(text).lower()  # same length: width folding is 1:1
        mode = "search" if search else "default"
        for w, s, e in self.tokenizer.tokenize(folded, mode=mode, HMM=True):
            if w.strip():
                yield w, s, e


@functools.lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    """The process-wide segmenter with the bundled dictionary (built once, never mutated)."""
    return Segmenter()


"""Chinese segmentation with a private dictionary (rjieba, or jieba as the reference) and the domain user dictionary.

Never touches a global tokenizer (``jieba.dt``, rjieba's module-level instance): the classifier, the index analyzer and
``compare`` share one ``default_segmenter()`` per process, and a ``Segmenter`` built with another
dictionary (as the tests do) cannot leak into it.
"""

from __future__ import annotations

import functools
import logging
import os
import re
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


_USERDICT_LINE = re.compile(r"^(.+?)( [0-9]+)?( [a-z]+)?$", re.U)  # jieba's own user-dictionary syntax


def read_user_dict(path: Path) -> list[tuple[str, int | None, str | None]]:
    """(word, freq, tag) lines of a jieba user dictionary (``word [freq] [tag]``)."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").lstrip("\ufeff").splitlines():
        line = line.strip()
        if not line:
            continue
        word, freq, tag = _USERDICT_LINE.match(line).groups()
        out.append((word, int(freq) if freq else None, tag.strip() if tag else None))
    return out


def _load_rjieba():
    """rjieba's ``Jieba`` class, without running the package ``__init__``.

    ``import rjieba`` builds a module-level default instance (its whole dictionary, ~0.1 s) that we
    never use: each Segmenter owns a private instance. Loading the extension module directly skips
    that. Falls back to the ordinary import if the layout is not the expected one.
    """
    import importlib.machinery
    import importlib.util

    spec = importlib.util.find_spec("rjieba")
    if spec is None:
        raise ImportError("rjieba is not installed")
    for d in spec.submodule_search_locations or []:
        for f in sorted(os.listdir(d)):
            if f.startswith("rjieba.") and f.endswith((".so", ".pyd")):
                loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", os.path.join(d, f))
                mod = importlib.util.module_from_spec(importlib.util.spec_from_loader("rjieba.rjieba", loader))
                loader.exec_module(mod)
                return mod.Jieba
    import rjieba

    return rjieba.Jieba


# jieba (finalseg) splits a run of unknown characters at this pattern: 3.5-4.0 → 3.5 / - / 4.0,
# www.gov.cn → www / . / gov / . / cn. jieba-rs keeps such runs whole; we split them the same way.
_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_JOINERS = frozenset("-_.")


def _jieba_split(tokens):
    """rjieba (word, start, end) → jieba's tokens: ASCII runs joined by - _ . are split like jieba."""
    for w, s, e in tokens:
        if len(w) > 1 and w.isascii() and not _JOINERS.isdisjoint(w):
            pos = s
            for piece in _SKIP.split(w):
                if piece:
                    yield piece, pos, pos + len(piece)
                    pos += len(piece)
        else:
            yield w, s, e


class JiebaDict:
    """Look words up in jieba's own ``dict.txt`` without loading it: the file is sorted (bar a known
    head and two misplaced lines), so a word is found by bisecting the memory-mapped file.

    Only the dict.txt of the pinned jieba release is used this way (checked by size); for any
    other the caller falls back to loading the whole dictionary.
    """

    SIZE = 5071852  # jieba 0.42.1
    TOTAL = 60101967  # sum of all its frequencies (jieba's ``total``; a test recomputes it)
    HEAD = 72  # the first lines (Latin-letter words) are out of order: read them into a dict
    MISPLACED = frozenset({"吉林".encode(), "高富帅".encode()})  # out of order further down; read too

    def __init__(self, path: Path):
        import mmap

        with open(path, "rb") as f:
            self.mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self.head: dict[bytes, tuple[int, str | None]] = {}
        pos = 0
        for _ in range(self.HEAD):
            e = self.mm.find(b"\n", pos)
            self._keep(self.mm[pos:e])
            pos = e + 1
        self.start = pos
        self._head_prefixes: set[bytes] | None = None
        for w in self.MISPLACED:  # each sits on its own line somewhere in the sorted part
            i = self.mm.find(b"\n" + w + b" ", self.start - 1)
            if i >= 0:
                self._keep(self.mm[i + 1:self.mm.find(b"\n", i + 1)])

    def _keep(self, line: bytes) -> None:
        parts = line.decode("utf-8").split()
        self.head[parts[0].encode("utf-8")] = (int(parts[1]), parts[2] if len(parts) > 2 else None)

    @classmethod
    def open(cls) -> "JiebaDict | None":
        import importlib.util

        spec = importlib.util.find_spec("jieba")
        if spec is None or not spec.submodule_search_locations:
            return None
        path = Path(spec.submodule_search_locations[0]) / "dict.txt"
        try:
            if path.stat().st_size != cls.SIZE:
                return None
            return cls(path)
        except (OSError, ValueError, IndexError):
            return None

    def _word_at(self, s: int) -> tuple[bytes, int]:
        e = self.mm.find(b"\n", s)
        e = len(self.mm) if e < 0 else e
        sp = self.mm.find(b" ", s, e)
        return self.mm[s:sp if sp >= 0 else e], e

    def get(self, word: str) -> tuple[int, str | None] | None:
        """(freq, tag) of ``word``, or None."""
        return self.probe(word)[0]

    def probe(self, word: str) -> tuple[tuple[int, str | None] | None, bool]:
        """((freq, tag) or None, whether some dictionary word starts with ``word``)."""
        key = word.encode("utf-8")
        if self._head_prefixes is None:
            self._head_prefixes = {k[:i] for k in self.head for i in range(1, len(k) + 1)}
        head_hit = self.head.get(key)
        mm, lo, hi = self.mm, self.start, len(self.mm)
        while lo < hi:
            mid = (lo + hi) // 2
            s = mm.rfind(b"\n", lo, mid) + 1 or lo
            s = max(s, lo)
            w, e = self._word_at(s)
            misplaced = w in self.MISPLACED
            if misplaced:  # compare with the next line's word instead (it holds the misplaced one's slot)
                w = self._word_at(e + 1)[0] if e + 1 < len(mm) else b"\xff"
            if key == w and not misplaced:
                parts = mm[s:e].decode("utf-8").split()
                return head_hit or (int(parts[1]), (parts[2] if len(parts) > 2 else None)), True
            if key < w:
                hi = s
            else:
                lo = e + 1
        # lo is where ``key`` would go: the words from there on are the ones above it
        prefix = key in self._head_prefixes
        pos = lo
        for _ in range(2):  # the next word, or the one after a misplaced line
            if prefix or pos >= len(mm):
                break
            w, e = self._word_at(pos)
            prefix = w.startswith(key)
            if w not in self.MISPLACED:
                break
            pos = e + 1
        return head_hit, prefix


class QueryVocabulary:
    """An rjieba instance per short text, holding just the dictionary words that occur in it.

    Building jieba's whole dictionary costs 0.15–0.8 s per process; a drafter's query or indicator
    name needs only the dictionary words inside it (looked up in ``JiebaDict``). ``engine(text)``
    adds those words with their frequencies, plus one never-matching filler word that brings the
    frequency total to the full dictionary's: jieba's route scores are log(freq) − log(total), so
    the tokens are the full dictionary's (tested on every text we have).
    """

    MAX_WORD = 16  # no word in jieba's dict.txt is longer
    FILLER = "\ue000"  # a private-use character: no text we segment contains it

    def __init__(self, words: JiebaDict, user_words, jieba_cls):
        import threading

        self.dict = words
        self.user = {w: (f, t) for w, f, t in user_words}
        self.total = words.TOTAL + sum(f for f, _ in self.user.values())  # jieba adds a user word's freq
        self.Jieba = jieba_cls
        self.lock = threading.Lock()  # a web server answers from worker threads; the cache is shared
        self._seen: dict[str, tuple] = {}
        self._user_prefixes = {w[:i] for w in self.user for i in range(1, len(w) + 1)}

    @classmethod
    def open(cls, user_words, jieba_cls) -> "QueryVocabulary | None":
        """None when jieba's dict.txt is not the expected one (callers use the full dictionary)."""
        if any(f is None for _, f, _ in user_words):
            return None  # a user word without a frequency: jieba derives it from the full dictionary
        words = JiebaDict.open()
        return cls(words, user_words, jieba_cls) if words else None

    def probe(self, word: str) -> tuple[tuple[int, str | None] | None, bool]:
        """((freq, tag) or None, whether a longer word may start with ``word``); user words included."""
        hit = self._seen.get(word)
        if hit is None:
            with self.lock:
                hit = self._seen[word] = self.dict.probe(word)
        if word in self.user:
            return self.user[word], True
        if hit[1] or not self._user_prefixes or word not in self._user_prefixes:
            return hit
        return hit[0], True

    def lookup(self, word: str) -> tuple[int, str | None] | None:
        return self.probe(word)[0]

    def words_in(self, text: str) -> dict[str, tuple[int, str | None]]:
        """Dictionary words (user words included) that occur in ``text``: word → (freq, tag)."""
        n = len(text)
        found = {}
        for i in range(n):
            for j in range(i + 1, min(n, i + self.MAX_WORD) + 1):
                w = text[i:j]
                hit, longer = self.probe(w)
                if hit is not None:
                    found[w] = hit
                if not longer:  # no dictionary word starts with w: none with w + more characters
                    break
        return found

    def engine(self, text: str):
        words = self.words_in(text)
        jb = self.Jieba.empty()
        jb.add_word(self.FILLER, self.total - sum(f for f, _ in words.values()), None)
        for w, (f, t) in words.items():
            jb.add_word(w, f, t)
        return jb

    def has_word(self, word: str) -> bool:
        hit = self.lookup(word)
        return bool(hit and hit[0] > 0)


class Segmenter:
    """Chinese word segmentation with the 绩效 user dictionary, on a private dictionary.

    Two backends give the same tokens (tested on the seed, the dev gold and the training rows):
    ``rjieba`` (jieba-rs; default when installed) and ``jieba`` (the reference; ~0.8 s to load its
    dictionary). Neither touches a global dictionary. With rjieba, short texts are segmented over
    just the dictionary words they contain (``QueryVocabulary``: a query or a name answers in
    milliseconds) until ``SMALL_CHARS`` characters have gone that way (the lookups cost about as
    much per character as the whole dictionary costs per thousand); then, or for a longer text, the
    whole dictionary is built once (~0.15 s) and used from then on.

    Args:
        user_dict (Path | None): extra words, one per line (``word [freq] [tag]``); default bundled.
        backend (str | None): ``"rjieba"``, ``"jieba"`` or None (rjieba when importable).
        small_chars (int): how many characters may go through per-text vocabularies (0: never).
    """

    SMALL_CHARS = 400

    def __init__(self, user_dict: Path | None = None, backend: str | None = None, small_chars: int | None = None):
        self.user_dict = Path(user_dict) if user_dict else user_dict_path()
        self._words = read_user_dict(self.user_dict) if self.user_dict.exists() else []
        self._full = None
        self._vocab: QueryVocabulary | None | bool = None  # False: tried and unavailable
        if backend in (None, "rjieba"):
            try:
                self._Jieba = _load_rjieba()
            except ImportError:
                if backend == "rjieba":
                    raise
            else:
                self.backend = "rjieba"
                self._small_left = self.SMALL_CHARS if small_chars is None else small_chars
                return
        self.backend, self._small_left = "jieba", 0
        self._full = self._jieba_tokenizer(self._words)

    @property
    def tokenizer(self):
        """The whole-dictionary tokenizer (rjieba ``Jieba`` or ``jieba.Tokenizer``), built on first use."""
        if self._full is None:
            jb = self._Jieba()
            for w, freq, tag in self._words:
                jb.add_word(w, freq, tag)
            self._full = jb
        return self._full

    def _query_vocab(self) -> QueryVocabulary | None:
        if self._vocab is None:
            self._vocab = QueryVocabulary.open(self._words, self._Jieba) or False
        return self._vocab or None

    def _engine(self, text: str):
        """The tokenizer for ``text``: a per-text vocabulary while short texts are few, else the full one."""
        if self._full is None and len(text) <= self._small_left and QueryVocabulary.FILLER not in text:
            vocab = self._query_vocab()
            if vocab is not None:
                self._small_left -= len(text)
                return vocab.engine(text)
        return self.tokenizer

    @staticmethod
    def _jieba_tokenizer(words):
        import jieba

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
            for w, freq, tag in words:
                tk.add_word(w, freq, tag)
        finally:
            log.setLevel(level)
        return tk

    def has_word(self, word: str) -> bool:
        """Whether ``word`` is a dictionary word (jieba: a positive frequency; prefixes do not count)."""
        if self.backend == "rjieba":
            if self._full is None and self._small_left > 0 and self._query_vocab() is not None:
                return self._query_vocab().has_word(word)
            return self.tokenizer.has_word(word)
        return bool(self.tokenizer.FREQ.get(word))

    def cut(self, text: str, search: bool = False) -> list[str]:
        """Words of ``text`` (width-folded, lower-cased), without whitespace tokens."""
        text = fold_width(text).lower()
        if self.backend == "rjieba":
            words = self._engine(text).cut(text, True)
            if any(len(w) > 1 and w.isascii() and not _JOINERS.isdisjoint(w) for w in words):
                words = [w for w, _, _ in _jieba_split((w, 0, 0) for w in words)]
            if search:
                words = list(self._search_words(words))
        else:
            words = self.tokenizer.cut_for_search(text) if search else self.tokenizer.cut(text, HMM=True)
        return [w for w in words if w.strip()]

    def _search_words(self, words):
        """jieba's search mode over default-mode words: dictionary 2- and 3-grams of longer words first."""
        has = self.has_word
        for w in words:
            for n in (2, 3):
                if len(w) > n:
                    for i in range(len(w) - n + 1):
                        if has(w[i:i + n]):
                            yield w[i:i + n]
            yield w

    def _search_tokens(self, text: str):
        has = self.has_word
        for w, s, e in _jieba_split(self._engine(text).tokenize(text, "default", True)):
            for n in (2, 3):
                if len(w) > n:
                    for i in range(len(w) - n + 1):
                        if has(w[i:i + n]):
                            yield w[i:i + n], s + i, s + i + n
            yield w, s, e

    def raw_tokenize(self, text: str, search: bool = False):
        """(word, start, end) over ``text`` exactly as given (no folding; whitespace tokens kept)."""
        mode = "search" if search else "default"
        if self.backend == "rjieba":
            if search:
                return self._search_tokens(text)
            return _jieba_split(self._engine(text).tokenize(text, "default", True))
        return self.tokenizer.tokenize(text, mode=mode, HMM=True)

    def tokenize(self, text: str, search: bool = False):
        """(word, start, end) triples over ``text`` as given (offsets into the original string)."""
        folded = fold_width(text).lower()  # same length: width folding is 1:1
        for w, s, e in self.raw_tokenize(folded, search):
            if w.strip():
                yield w, s, e


@functools.lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    """The process-wide segmenter with the bundled dictionary (built once, never mutated)."""
    return Segmenter()


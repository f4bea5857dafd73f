"""Backend-neutral search queries: what a user types → a small tree that every ``Store`` backend translates.

Syntax (forgiving; malformed input is searched as plain words with a note):

* words: all must match (``应急 演练``); a word matches its *concept* too (满意度 ≈ 满意率 ≈ 满意程度 ≈ 满意,
  see ``concept_alternatives``);
* ``"quoted phrase"``: exact, in order (backends verify against the stored text with ``ParsedQuery.accepts``);
* ``-word``, ``-"phrase"``, ``NOT word``: leave out every hit whose name, value or text contains it;
* ``a OR b``, ``( … )``, ``AND``; ``word*`` (prefix); ``*`` alone (everything, for filters);
* ``field:value`` for ``text project department region level1 level2 kind`` and ``year:2021``,
  ``year:[2020 TO 2022]``, ``vnum:[90 TO 100]`` (``vnum`` = the target's number).

The tree (dataclasses below): ``Word``, ``Phrase``, ``Prefix``, ``Match`` (keyword field), ``Range``
(numeric field), ``And``, ``Or``, ``Not``, ``Everything``. A backend maps

* ``Word(field="text")`` to the ``name`` field (the row's level3) weighted ``FIELD_WEIGHTS["name"]`` and to
  ``text`` (name, description, value; a narrative clause) weighted ``FIELD_WEIGHTS["text"]``: every
  group of ``Word.groups`` must match, a group by any of its ``Alt``s, an ``Alt`` by all its words,
  each scored by ``Alt.weight``; ``Word.optional`` groups only add to the score (a should clause);
  ``Word(field="project")`` to the project name;
* ``Phrase`` to its engine's phrase query over the same fields, then keeps only hits for which
  ``ParsedQuery.accepts(text, project)`` holds (when ``ParsedQuery.needs_check``);
* ``Not`` of a one-token ``Word`` to a must-not clause on ``text``; a top-level exclusion of several
  words (``ParsedQuery.excluded``) may be left to ``accepts``, a nested one becomes a must-not phrase;
* ``Match`` of ``region`` through ``region_filter_terms`` (division codes) or else a substring of the
  indexed region names; other keyword fields by exact value, else substring (like the command-line
  filters); ``kind`` exactly;
* ``Range`` to a numeric range (bounds inclusive, None open); ``Everything`` to every row.

Always restrict hits to row records (indicator, narrative), also under ``Not`` and ``kind:``.
What a row is indexed under: ``text`` = name | description | value (``whoosh_store.indicator_text``)
or the narrative clause; ``name`` = level3 (indicator rows only); ``project``; ``region`` =
``pipeline.divisions.region_terms`` (every level's name, short name and code, and the region as
written); ``suspect`` when ``read_confidence`` < 0.5 (``SearchFilters.confident`` leaves those out).

Terms are what ``index.analysis.iter_terms(text, index=False)`` gives (width-folded, lower-cased,
traditional → simplified); the index holds the same words plus their dictionary sub-words at the same
position (``index=True``), so a bare stem (满意) already finds every longer word that contains it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from dataclasses import field as dc_field

from jixiao.errors import QueryError

# Fields a user may name as ``field:value`` (others are read as plain words).
QUERY_FIELDS = ("text", "project", "department", "region", "level1", "level2", "year", "kind", "vnum")
KEYWORD_FIELDS = ("department", "region", "level1", "level2", "kind")
NUMERIC_FIELDS = {"year": int, "vnum": float}
# A word found in the row's name (level3) counts this much more than one in its description or value.
FIELD_WEIGHTS = {"name": 3.0, "text": 1.0}
# A concept's other members (满意率 for 满意度) score this share of the word as typed.
CONCEPT_WEIGHT = 0.5
# More terms than anyone types (a pasted page): engines nest one matcher per term.
MAX_QUERY_TERMS = 512
# Characters of a query: segmenting a 10,000-character quoted phrase alone took 11 s.
MAX_QUERY_CHARS = 1000

_QUOTES = str.maketrans({"“": '"', "”": '"', "＂": '"', "「": '"', "」": '"', "（": "(", "）": ")",
                         "－": "-", "—": "-"})
_OPS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_FIELD = re.compile(r"(?<![\w.])([A-Za-z_][A-Za-z0-9_]*):")


# ------------------------------------------------------------------ the tree

@dataclass(frozen=True)
class Alt:
    """One way to match a query token: all ``words`` (index terms), scored by ``weight``."""

    words: tuple[str, ...]
    weight: float = 1.0


@dataclass
class Word:
    """A word as typed (not quoted): every group must match; a group by any of its alternatives."""

    text: str
    field: str = "text"  # text|project
    groups: list[list[Alt]] = dc_field(default_factory=list)
    # groups that rank a hit higher without being required (the words before a measure word)
    optional: list[list[Alt]] = dc_field(default_factory=list)

    def terms(self) -> set[str]:
        return {w for g in self.groups + self.optional for a in g for w in a.words}


@dataclass
class Phrase:
    """Exact words in order (``tokens`` consecutive); ``key`` is what ``accepts`` looks for in the text."""

    text: str
    field: str = "text"
    tokens: list[str] = dc_field(default_factory=list)

    @property
    def key(self) -> str:
        return text_key(self.text)


@dataclass
class Prefix:
    text: str  # index terms starting with it
    field: str = "text"


@dataclass
class Match:
    field: str  # one of KEYWORD_FIELDS
    value: str


@dataclass
class Range:
    field: str  # year|vnum
    lo: float | None = None
    hi: float | None = None


@dataclass
class And:
    children: list = dc_field(default_factory=list)


@dataclass
class Or:
    children: list = dc_field(default_factory=list)


@dataclass
class Not:
    child: object


@dataclass
class Everything:
    pass


@dataclass
class ParsedQuery:
    """The tree plus what backends need around it.

    ``excluded``: the text of every top-level exclusion (``-word``, ``NOT word``); ``phrases``: (field,
    key) of every phrase the query requires; both are checked by ``accepts``.
    """

    root: object
    text: str = ""
    note: str | None = None  # set when malformed syntax was searched as plain words
    excluded: list[str] = dc_field(default_factory=list)
    phrases: list[tuple[str, str]] = dc_field(default_factory=list)

    @property
    def needs_check(self) -> bool:
        """Whether hits must go through ``accepts``: phrases, or an exclusion that an engine's must-not
        on one term may miss (several words, or a word the index holds only where jieba cuts it out
        whole: not a dictionary word of at most 4 characters, which the index also holds inside
        longer words)."""
        return bool(self.phrases) or not all(_engine_excludes(w) for w in self.excluded)

    def accepts(self, text: str, project: str = "") -> bool:
        """True when a hit with this searchable ``text`` (and ``project`` name) satisfies phrases and exclusions."""
        keys = {"text": text_key(text), "project": text_key(project)}
        if any(p not in keys.get(f, "") for f, p in self.phrases):
            return False
        return not any(text_key(w) and text_key(w) in keys["text"] for w in self.excluded)

    def highlight_terms(self) -> set[str]:
        """Index terms to mark in snippets (concept members included; nothing from exclusions)."""
        out: set[str] = set()

        def walk(n, negated=False):
            if isinstance(n, (And, Or)):
                for c in n.children:
                    walk(c, negated)
            elif isinstance(n, Not):
                walk(n.child, True)
            elif negated:
                return
            elif isinstance(n, Word) and n.field == "text":
                out.update(n.terms())
            elif isinstance(n, Phrase) and n.field == "text":
                out.update(n.tokens)
        walk(self.root)
        return out

    def is_everything(self) -> bool:
        return isinstance(self.root, Everything)


def walk_leaves(n):
    """Every leaf of a tree (Word, Phrase, Prefix, Match, Range, Everything)."""
    if isinstance(n, (And, Or)):
        for c in n.children:
            yield from walk_leaves(c)
    elif isinstance(n, Not):
        yield from walk_leaves(n.child)
    else:
        yield n


def has_negation(n) -> bool:
    if isinstance(n, Not):
        return True
    if isinstance(n, (And, Or)):
        return any(has_negation(c) for c in n.children)
    return False


# ------------------------------------------------------------------ text helpers

def text_key(s: str) -> str:
    """Text reduced to what phrases and exclusions compare: folded, letters, digits, % and decimal points."""
    from jixiao.index.analysis import normalize

    return "".join(ch for ch in normalize(s or "") if ch.isalnum() or ch in "%‰.")


def _engine_excludes(word: str) -> bool:
    """True when a must-not on the word's one index term leaves out every row whose text contains it."""
    from jixiao.pipeline.segment import default_segmenter

    toks = _tokens(word)
    if len(toks) != 1 or toks[0] != text_key(word):
        return False
    t = toks[0]
    return t[0].isdigit() or t.isascii() or (len(t) <= 4 and default_segmenter().has_word(t))


def _tokens(text: str) -> list[str]:
    from jixiao.index.analysis import iter_terms

    return list(dict.fromkeys(t for t, *_ in iter_terms(text, index=False)))


# ------------------------------------------------------------------ concepts

@functools.lru_cache(maxsize=1)
def measure_suffixes() -> tuple[str, ...]:
    """The endings that alternate on one stem in the taxonomy's indicator words: 率, 度, 性, 程度 ….

    Mined, not listed: in the category names, definitions, cue words and examples of
    ``pipeline/data/taxonomy.yaml``, a word the segmenter keeps whole that is a dictionary stem plus
    one character (满意+率, 满意+度, 及时+性) links that ending to the stem; a two-character word that
    follows such a stem (认可 程度, 及时 程度) does too. Endings joined through shared stems form one
    family; the family of the most frequent ending is the measure suffixes (废弃物/污染物 share no
    stem with a rate, so 物 stays out).
    """
    from jixiao.pipeline.taxonomy import cached_derivation

    # mined once per taxonomy/dictionary and kept in the user's cache: mining segments ~1,800
    # characters, which would cost every search the whole jieba dictionary
    return tuple(cached_derivation("measure-suffixes", lambda: list(_mine_measure_suffixes())))


def _mine_measure_suffixes() -> tuple[str, ...]:
    from jixiao.pipeline.segment import default_segmenter
    from jixiao.pipeline.taxonomy import load_taxonomy

    seg = default_segmenter()
    data = load_taxonomy().data
    texts: list[str] = []
    for c in data["categories"].values():
        texts += [c.get("name") or "", c.get("definition") or ""]
        texts += [str(x) for x in (c.get("cue_words") or []) + (c.get("examples") or [])]
    cuts = [[w for w, _, _ in seg.raw_tokenize(t) if w.strip()] for t in texts]
    stems_of: dict[str, set[str]] = {}
    for words in cuts:
        for w in words:
            if len(w) >= 3 and seg.has_word(w[:-1]):
                stems_of.setdefault(w[-1], set()).add(w[:-1])
    known = {s for ss in stems_of.values() for s in ss}
    for words in cuts:
        for a, b in zip(words, words[1:]):
            if a in known and len(b) == 2:
                stems_of.setdefault(b, set()).add(a)
    stems_of = {s: ss for s, ss in stems_of.items() if len(ss) >= 2}
    if not stems_of:
        return ()
    # connected components of endings through shared stems; keep the one holding the commonest ending
    seed = max(stems_of, key=lambda s: (len(stems_of[s]), s))
    family, frontier = {seed}, [seed]
    while frontier:
        s = frontier.pop()
        for other, ss in stems_of.items():
            if other not in family and ss & stems_of[s]:
                family.add(other)
                frontier.append(other)
    return tuple(sorted(family, key=lambda s: (-len(s), s)))


@functools.lru_cache(maxsize=4096)
def concept_alternatives(token: str) -> tuple[Alt, ...]:
    """The token itself, and when it is a stem plus a measure ending, the stem (which every member contains).

    满意度 → (满意度, 满意 ×0.5): the index holds 满意 under 满意率, 满意度 and 满意程度 alike, so the stem
    finds the whole family while the word as typed still ranks first. A compound ending in one
    (服务对象满意度) keeps its head: (服务对象 + 满意). A stem must be a dictionary word of two or more
    characters (人数 → 人 is no concept).
    """
    from jixiao.pipeline.segment import default_segmenter

    seg = default_segmenter()
    alts = [Alt((token,), 1.0)]
    for suf in measure_suffixes():
        if not token.endswith(suf) or len(token) <= len(suf) + 1:
            continue
        body = token[: -len(suf)]
        # the longest dictionary stem that ends the body, with whatever precedes it as a head
        for i in range(0, len(body) - 1):
            stem = body[i:]
            if seg.has_word(stem):
                head = _tokens(body[:i]) if i else []
                alts.append(Alt(tuple(head + [stem]), CONCEPT_WEIGHT))
                break
        break
    return tuple(alts)


# ------------------------------------------------------------------ parsing

def syntax_problem(q: str) -> str | None:
    """Why ``q`` is not well-formed query syntax, or None."""
    if q.count('"') % 2:
        return "unbalanced quote"
    depth = 0
    for ch in q:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return "unbalanced parenthesis"
    if depth:
        return "unbalanced parenthesis"
    for m in _FIELD.finditer(q):
        if m.group(1) not in QUERY_FIELDS:
            return f"unknown field '{m.group(1)}'"
        rest = q[m.end():]
        if not rest or rest[0].isspace() or rest[0] == ")":
            return f"'{m.group(1)}:' without a value"
    words = q.replace("(", " ").replace(")", " ").split()
    if words and (words[0] in _OPS - {"NOT"} or words[-1] in _OPS):
        return "operator without a word on each side"
    for a, b in zip(words, words[1:]):
        if a in _OPS and b in _OPS - {"NOT"}:
            return "two operators in a row"
    return None


_LEX = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<neg>-(?=[^\s)]))?(?:'
                  r'(?P<field>[A-Za-z_][A-Za-z0-9_]*):(?:"(?P<fq>[^"]*)"|\[(?P<range>[^\]]*)\]|(?P<fv>[^\s()"]+))'
                  r'|"(?P<q>[^"]*)"|(?P<w>[^\s()"]+)))')


class _Problem(Exception):
    pass


class _Parser:
    def __init__(self, text: str):
        self.items = []
        pos = 0
        while pos < len(text):
            m = _LEX.match(text, pos)
            if not m or m.end() == pos:
                if text[pos:].strip():
                    raise _Problem("unreadable syntax")
                break
            pos = m.end()
            self.items.append(m)
        self.i = 0

    def peek(self):
        return self.items[self.i] if self.i < len(self.items) else None

    def op(self) -> str | None:
        m = self.peek()
        return m.group("w") if m is not None and m.group("w") in _OPS and not m.group("neg") else None

    def parse(self):
        node = self.or_expr()
        if self.peek() is not None:
            raise _Problem("unexpected ')'")
        return node

    def or_expr(self):
        parts = [self.and_expr()]
        while self.op() == "OR":
            self.i += 1
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(parts)

    def and_expr(self):
        parts = []
        while True:
            m = self.peek()
            if m is None or m.group("rp") or self.op() == "OR":
                break
            op = self.op()
            if op in ("AND", "ANDMAYBE"):
                self.i += 1
                continue
            if op == "ANDNOT":
                self.i += 1
                parts.append(Not(self.unary()))
                continue
            parts.append(self.unary())
        if not parts:
            raise _Problem("operator without a word on each side")
        return parts[0] if len(parts) == 1 else And(parts)

    def unary(self):
        if self.op() == "NOT":
            self.i += 1
            return Not(self.unary())
        m = self.peek()
        if m is None:
            raise _Problem("operator without a word on each side")
        if m.group("lp"):
            self.i += 1
            node = self.or_expr()
            if self.peek() is None or not self.peek().group("rp"):
                raise _Problem("unbalanced parenthesis")
            self.i += 1
            return node
        self.i += 1
        node = _atom(m)
        return Not(node) if m.group("neg") else node


def _atom(m):
    negated = bool(m.group("neg"))
    name = m.group("field")
    if name:
        if name not in QUERY_FIELDS:
            raise _Problem(f"unknown field '{name}'")
        value = m.group("fq") if m.group("fq") is not None else m.group("fv")
        if name in NUMERIC_FIELDS:
            return _numeric(name, value, m.group("range"))
        if m.group("range") is not None:
            raise _Problem("a value the field cannot take")
        if name in ("text", "project"):
            return _phrase(value, name) if m.group("fq") is not None else _word(value, name, negated)
        return Match(name, value.strip())
    if m.group("q") is not None:
        return _phrase(m.group("q"), "text")
    return _word(m.group("w"), "text", negated)


def _numeric(name: str, value: str | None, rng: str | None):
    cast = NUMERIC_FIELDS[name]

    def num(s: str):
        s = s.strip()
        if s in ("", "*"):
            return None
        try:
            v = cast(float(s)) if cast is int else float(s)
        except ValueError:
            raise _Problem("a value the field cannot take") from None
        if v != v or abs(v) == float("inf") or (cast is int and not 1000 <= v <= 9999):
            raise _Problem("a value the field cannot take")
        return v

    if rng is not None:
        parts = re.split(r"\s+TO\s+", rng.strip())
        if len(parts) != 2:
            raise _Problem("a value the field cannot take")
        return Range(name, num(parts[0]), num(parts[1]))
    v = num(value or "")
    if v is None:
        raise _Problem("a value the field cannot take")
    return Range(name, v, v)


def _phrase(text: str, fieldname: str):
    toks = [t for t, *_ in _iter(text)]
    if not toks:
        return None
    if len(toks) == 1:
        return Word(text, fieldname, [[Alt((toks[0],), 1.0)]])
    return Phrase(text, fieldname, toks)


def _iter(text: str):
    from jixiao.index.analysis import iter_terms

    return iter_terms(text, index=False)


def _word(text: str, fieldname: str, exact: bool = False):
    """A typed word → Word (concepts unless ``exact``, as for exclusions), or a Prefix for ``word*``."""
    prefix = text.endswith("*") and len(text.strip("*?")) > 0
    toks = [t for t, *_ in _iter(re.sub(r"[*?]", " ", text))]
    if not toks:
        return None
    if prefix:
        head, last = toks[:-1], toks[-1]
        pre = Prefix(last, fieldname)
        if not head:
            return pre
        return And([_word(" ".join(head), fieldname, exact), pre])
    groups = [[Alt((t,), 1.0)] if exact or fieldname != "text" else list(concept_alternatives(t)) for t in toks]
    last = groups[-1]
    if len(last) > 1 and len(last[1].words) > 1:
        # one dictionary word with a head (服务对象满意率 → 服务对象 + 满意): the head becomes words of its own
        head, stem = last[1].words[:-1], last[1].words[-1]
        groups = groups[:-1] + [[Alt((h,), 1.0)] for h in head] + [[last[0], Alt((stem,), last[1].weight)]]
    if len(groups) > 1 and len(groups[-1]) > 1:
        # A typed compound ending in a measure word (服务对象满意率, 验收合格率, 资金到位率) asks for that
        # measure; the words before it narrow it: rows with all of them rank first, the rest follow.
        return Word(text, fieldname, groups[-1:], optional=groups[:-1])
    return Word(text, fieldname, groups)


def _prune(n, negated: bool = False):
    """Drop leaves without searchable words (None), collapse one-child groups, and make excluded
    words exact (``NOT 满意度`` leaves out 满意度, not its whole concept)."""
    if isinstance(n, (And, Or)):
        kids = [k for k in (_prune(c, negated) for c in n.children) if k is not None]
        if not kids:
            return None
        return kids[0] if len(kids) == 1 else type(n)(kids)
    if isinstance(n, Not):
        c = _prune(n.child, True)
        return Not(c) if c is not None else None
    if negated and isinstance(n, Word):
        return Word(n.text, n.field, [[g[0]] for g in n.optional + n.groups])
    return n


def _count_terms(n) -> int:
    return sum(len(leaf.groups) + len(leaf.optional) if isinstance(leaf, Word) else len(getattr(leaf, "tokens", [])) or 1
               for leaf in walk_leaves(n))


def _plain(q: str):
    """All words of ``q`` must match (syntax characters and operator words dropped)."""
    cleaned = _FIELD.sub(lambda m: " " if m.group(1) in QUERY_FIELDS else m.group(1) + " ", q)
    cleaned = re.sub(r'["()\[\]{}:^~*?]', " ", cleaned)
    words = [w for w in cleaned.split() if w not in _OPS]
    nodes = [n for n in (_word(w, "text") for w in words) if n is not None]
    return None if not nodes else nodes[0] if len(nodes) == 1 else And(nodes)


def parse_query(text: str) -> ParsedQuery:
    """User query → ParsedQuery. Malformed syntax is searched as plain words (``note`` says so);
    nothing searchable → QueryError."""
    from jixiao.pipeline.segment import fold_width

    q = fold_width((text or "").translate(_QUOTES)).strip()
    if not q:
        raise QueryError("查询为空 the query is empty; give words to search, or '*' with filters")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"查询过长 the query has {len(q):,} characters, at most {MAX_QUERY_CHARS:,}; "
                         f"search a few key words")
    note = None
    root = None
    if q == "*":
        root = Everything()
    else:
        problem = syntax_problem(q)
        if problem is None:
            try:
                root = _prune(_Parser(q).parse())
            except _Problem as e:
                problem = str(e)
            else:
                if root is None:
                    problem = "nothing searchable"
        if problem is not None:
            root = _plain(q)
            note = f"查询语法有误 ({problem})，已按普通词语检索 searched as plain words"
    if root is None:
        raise QueryError(f"查询没有可检索的词 the query {text!r} has no searchable words")
    n = _count_terms(root)
    if n > MAX_QUERY_TERMS:
        raise QueryError(f"查询过长 the query has {n} terms, at most {MAX_QUERY_TERMS}; search a few key words")
    top = root.children if isinstance(root, And) else [root]
    excluded = [c.child.text for c in top if isinstance(c, Not) and isinstance(c.child, (Word, Phrase))
                and c.child.field == "text"]
    phrases = [(c.field, c.key) for c in top if isinstance(c, Phrase)]
    return ParsedQuery(root, text=text, note=note, excluded=excluded, phrases=phrases)


# ------------------------------------------------------------------ regions

def region_filter_terms(value: str) -> list[str]:
    """Index terms a ``--region``/``region:`` value stands for: the codes of the divisions it names
    (安徽 → 340000; 安徽省淮北市 → 340600), or nothing when the list does not know it (then backends
    match it as a substring of the indexed region names)."""
    from jixiao.pipeline.divisions import load_divisions

    divs = load_divisions()
    v = value.strip()
    cands = divs.lookup(v)
    if not cands:
        found = [c for _, _, c in divs.mentions(v)]
        if found and "".join(name for _, name, _ in divs.mentions(v)) == re.sub(r"\s+", "", v):
            levels = divs.resolve(v)
            return [levels["code"]] if levels else []
        return []
    return list(dict.fromkeys(d.code for d in cands))

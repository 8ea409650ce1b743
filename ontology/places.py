"""Reading place names at the start of a name or in a text, by the gazetteer (``reference.gazetteer()``).

Used by the resolver (the place a department name starts with) and by document placement (the place a title
or an issuer names). A place is printed in full (江苏省, 恩施土家族苗族自治州), by its short name (江苏, 恩施),
by its short name and its kind (恩施州, 宿州市), or is a place the gazetteer does not know (宿马园区), read by its
suffix.

    >>> get_places().at_start("恩施州住建局")
    ('恩施州', Jurisdiction(name='恩施土家族苗族自治州', ...))
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from policykg.ontology import reference as ref
from policykg.ontology.reference import NATIONAL, Jurisdiction

# level of a place the gazetteer does not know, from its suffix (longest first where they overlap)
PLACE_SUFFIXES = (("自治区", "provincial"), ("省", "provincial"), ("自治州", "municipal"), ("地区", "municipal"),
                  ("高新区", "county"), ("开发区", "county"), ("经开区", "county"), ("新区", "municipal"),
                  ("园区", "county"), ("盟", "municipal"), ("市", "municipal"), ("自治县", "county"), ("县", "county"),
                  ("区", "county"), ("旗", "county"))
_UNKNOWN_PLACE = re.compile(
    r"^((?![各有相省市县区])[^委政府部厅局办、,()（）]{1,10}?(?:自治区|省|自治州|地区|市|盟|自治县|县|新区|区|旗))$")
# the kind a short name may be followed by (恩施州, 宿州市, 锡林郭勒盟), by the place's type
_KIND_AFTER_SHORT = {"autonomous-prefecture": ("州",), "league": ("盟",), "region": ("地区",),
                     "prefecture-city": ("市",), "province": ("省",), "autonomous-region": ("自治区",)}


def unknown_place_level(name: str) -> str:
    return next((lvl for suf, lvl in PLACE_SUFFIXES if name.endswith(suf)), "county")


class Places:
    """The gazetteer indexed for reading names; build once with ``get_places()``."""

    def __init__(self) -> None:
        self.gazetteer = ref.gazetteer()
        self.lengths = sorted({len(n) for n in self.gazetteer.by_name if n}, reverse=True)
        self.province_shorts = {j.short: j.name for j in self.gazetteer.provinces if j.short}
        # prefecture short names (武汉海关) where they are unique and not a province's short name
        count = Counter(j.short for js in self.gazetteer.by_name.values() for j in js if j.short)
        self.prefecture_shorts = {j.short: j.name for js in self.gazetteer.by_name.values() for j in js
                                  if j.level == "municipal" and j.short and count[j.short] == 1
                                  and j.short not in self.province_shorts and len(j.short) >= 2}
        # short names in the order they are tried (province shorts first, then prefectures; first listed wins)
        self.short_tables = [({short: i for i, short in enumerate(table)}, table,
                              sorted({len(short) for short in table}, reverse=True))
                             for table in (self.province_shorts, self.prefecture_shorts)]

    def lookup(self, name: str | None, province: str | None = None) -> Jurisdiction | None:
        return self.gazetteer.lookup(name, province) if name else None

    def by_short(self, short: str) -> Jurisdiction | None:
        full = self.province_shorts.get(short) or self.prefecture_shorts.get(short)
        return self.gazetteer.lookup(full) if full else None

    def province_of(self, name: str | None) -> str | None:
        if name in (None, NATIONAL):
            return None
        j = self.gazetteer.lookup(name)
        return j.province if j else None

    def prefix(self, text: str) -> str | None:
        """The longest gazetteer name the text starts with."""
        by_name = self.gazetteer.by_name
        for length in self.lengths:
            if length <= len(text) and text[:length] in by_name:
                return text[:length]
        return None

    def at_start(self, text: str, own: str | None = None) -> tuple[str, Jurisdiction | None] | None:
        """(the printed place, its jurisdiction or None for a place the gazetteer does not know) at the start
        of ``text``. ``own``: the document's jurisdiction, whose short name is read as itself (吉林 in a 吉林市
        list is the city, elsewhere the province)."""
        name = self.prefix(text)
        if name is not None:
            return name, self.gazetteer.lookup(name, self.province_of(own))
        found = _UNKNOWN_PLACE.match(re.sub(r"(委|人民政府|政府)$", "", text))
        if found and found.group(1) not in ref.place_kinds() and found.group(1) not in ref.single_zones():
            # 开发区, 高新区 alone are kinds of place, not places
            return found.group(1), None
        mine = self.lookup(own)
        if mine is not None and mine.short and text.startswith(mine.short):
            return self._with_kind(text, mine.short, mine)
        for order, shorts, lengths in self.short_tables:
            found = [text[:k] for k in lengths if k <= len(text) and text[:k] in shorts
                     and not text.startswith(text[:k] + "市")]
            if found:
                short = min(found, key=order.__getitem__)
                return self._with_kind(text, short, self.gazetteer.lookup(shorts[short]))
        return None

    @staticmethod
    def _with_kind(text: str, short: str, place: Jurisdiction | None) -> tuple[str, Jurisdiction | None]:
        """恩施 + 州 → 恩施州: a short name keeps the kind printed after it when that is the place's kind."""
        for kind in _KIND_AFTER_SHORT.get(place.type if place else "", ()):
            if text.startswith(short + kind):
                return short + kind, place
        return short, place

    def deepest_at_start(self, text: str) -> tuple[str, Jurisdiction] | None:
        """The place a text starts with, read through nested names: 湖北恩施 → 恩施土家族苗族自治州,
        江苏省无锡市 → 无锡市 (a place followed by a place inside it names the inner one)."""
        found = self.at_start(text)
        if found is None or found[1] is None:
            return None
        printed, place = found
        rest = text[len(printed):]
        inner = self.at_start(rest) if rest else None
        if inner and inner[1] is not None and place.name in (inner[1].province, inner[1].prefecture) \
                and inner[1].name != place.name:
            return printed + inner[0], inner[1]
        return printed, place

    def in_text(self, text: str, level: str) -> Counter:
        """How often the text names each jurisdiction of ``level`` (full or short name, 江苏省 / 江苏)."""
        counts: Counter = Counter()
        # a name can only occur where its first two characters do: one pass over the text's character pairs
        # saves thousands of full scans of the text
        pairs = {text[i:i + 2] for i in range(len(text) - 1)}

        def occurrences(name: str) -> int:
            return text.count(name) if len(name) < 2 or name[:2] in pairs else 0

        for group in self.gazetteer.by_name.values():
            for j in group:
                if j.level != level or j.type in ("new-area", "corps"):
                    continue
                n = occurrences(j.name)
                if j.short and j.short != j.name and len(j.short) >= 2:
                    n = max(n, occurrences(j.short))
                if n:
                    counts[j.name] += n
        return counts


@lru_cache(maxsize=1)
def get_places() -> Places:
    return Places()

"""How Chinese bodies are named, read from the data tables rather than from lists of known names.

Two readings, both used by the resolver:

``FunctionWords.readings(text)``: a body's name as  PREFIX FUNCTION-WORDS SUFFIX  (``function_words.yaml``):
the core names of ``local.yaml`` first (省教育厅 → "省" + education), then any run of function words and
abbreviations before a suffix (市文广旅体局 → "市" + culture-tourism, 市住房城乡建委 → "市" + housing). The
resolver checks that the prefix is a place or a level marker.

``read_kinds(text)``: a collective named by kinds of jurisdiction, not by names (各区、县（市）政府,
县〔市、区、特区〕人民政府, 区市县政府): the kinds with their levels and what follows them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from policykg.core.lexicon import CLOSE, OPEN
from policykg.ontology import reference as ref
from policykg.ontology.reference import Counterpart

_BRACKETS = str.maketrans({**{c: "(" for c in OPEN}, **{c: ")" for c in CLOSE}, "，": ",", "　": ""})
_ROLE_NOTE = re.compile(r"(?:[（(](?:牵头|配合|负责|参与|牵头单位|配合单位)[)）]|牵头|负责|配合)$")
_AND_OTHERS = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位)$")   # 省教育厅等相关部门: the named one
_DISCIPLINE = re.compile(r"纪委(?:省|市|县|区)?监委$")


def normalise(mention: str) -> str:
    """The mention without whitespace, a trailing 等 or a role note such as （牵头）."""
    text = re.sub(r"\s+", "", mention or "").strip("。；;，,、")
    text = _AND_OTHERS.sub("", _ROLE_NOTE.sub("", text))
    if text.endswith("等") and len(text) > 2:
        text = text[:-1]
    return _DISCIPLINE.sub("纪委监委", text)


def fold(text: str) -> str:
    """Brackets of every kind as ( ), full-width commas as half-width: 县〔市、区〕 → 县(市、区)."""
    return text.translate(_BRACKETS)


@dataclass(frozen=True)
class Reading:
    prefix: str             # what stands before the function words: a place, a level marker, or ""
    body: Counterpart
    kind: str               # body | line (the line of authority, several bodies) | branch | bare (no suffix)
    exact: bool = False     # a core of local.yaml, not a composition of function words


class FunctionWords:
    """The function-word table indexed for reading names; build once with ``get_function_words()``."""

    def __init__(self) -> None:
        data = ref.function_words()
        self.cores = ref.core_index()
        self.core_lengths = sorted({len(c) for c in self.cores if c}, reverse=True)
        self.counterparts = ref.counterparts()
        self.words: dict[str, tuple[str, str]] = data.words          # word → (counterpart id, full form)
        self.alone = data.alone
        self.fillers = data.fillers
        self.connectors = data.connectors
        self.suffixes = sorted(((s, kind) for kind, group in data.suffixes.items() for s in group),
                               key=lambda sk: len(sk[0]), reverse=True)
        tokens = set(self.words) | set(self.fillers) | set(self.connectors)
        self.word_starts = {w[:2] for w in self.words if len(w) >= 2}
        self.token_lengths = sorted({len(t) for t in tokens}, reverse=True)

    def exact(self, text: str) -> tuple[str, Counterpart] | None:
        """(prefix, counterpart) for the longest core the text ends with: 省委宣传部 → ("省", publicity)."""
        n = len(text)
        for length in self.core_lengths:
            if length <= n:
                cp = self.cores.get(text[n - length:])
                if cp is not None:
                    return text[: n - length], cp
        return None

    def readings(self, text: str) -> Iterator[Reading]:
        """Every way to read ``text`` as PREFIX + body, most specific first: the longest core of local.yaml,
        then function words before a suffix (longest run of words first), then bare function words."""
        found = self.exact(text)
        if found is not None:
            prefix, cp = found
            yield Reading(prefix, cp, "line" if text.endswith(cp.collective_cores) else "body", exact=True)
        for suffix, kind in self.suffixes:
            if text.endswith(suffix) and len(text) > len(suffix):
                yield from self._composed(text[: -len(suffix)], suffix, kind)
        yield from self._composed(text, "", "bare")

    def _composed(self, stem: str, suffix: str, kind: str) -> Iterator[Reading]:
        for start in range(len(stem)):
            first = self._first_word(stem[start:])
            if first is None:
                continue
            cp_id, full = self.words[first]
            cp = self.cores.get(full + suffix) if suffix else None
            yield Reading(stem[:start], cp or self.counterparts[cp_id], kind)

    @lru_cache(maxsize=4096)
    def _first_word(self, run: str) -> str | None:
        """The first word of ``run`` if the whole run is function words (with fillers and connectors)."""
        tokens = self._segment(run)
        if not tokens or tokens[0] not in self.words:
            return None
        words = [t for t in tokens if t in self.words]
        abbreviated = [t for t in words if len(t) == 1 and t not in self.alone]
        if abbreviated and len(words) < 2:
            return None
        return tokens[0]

    def _segment(self, run: str, first: bool = True) -> list[str] | None:
        if not run:
            return []
        for length in self.token_lengths:
            token = run[:length]
            if length > len(run) or not (token in self.words or (not first and (token in self.fillers or
                                                                               token in self.connectors))):
                continue
            rest = self._segment(run[length:], first=False)
            if rest is not None and not (token in self.connectors and not rest):
                return [token, *rest]
        return None


@lru_cache(maxsize=1)
def get_function_words() -> FunctionWords:
    return FunctionWords()


# --- collectives named by kinds of jurisdiction ---------------------------------------------------------------

@dataclass(frozen=True)
class Kinds:
    printed: str                      # the kinds as printed (folded brackets): 区、县(市)
    kinds: tuple[str, ...]            # the heads outside brackets: ("区", "县")
    rest: str                         # what follows: 政府, 教育局, ""


def read_kinds(text: str) -> Iterator[Kinds]:
    """Every split of ``text`` (folded) into a run of jurisdiction kinds and the rest, longest run first:
    区、县(市)政府 → 区、县(市) + 政府; 区市场监管部门 → 区市 + 场监管部门, then 区 + 市场监管部门."""
    table = ref.place_kinds()
    names = sorted(table, key=len, reverse=True)
    splits: list[Kinds] = []
    heads: list[str] = []
    i = 0
    while True:
        kind = next((k for k in names if text.startswith(k, i)), None)
        if kind is None:
            break
        heads.append(kind)
        i += len(kind)
        if text.startswith("(", i):            # 县(市、区、特区): alternates of the same level
            close = text.find(")", i)
            inside = text[i + 1:close] if close > 0 else ""
            if not inside or any(part not in table for part in inside.split("、")):
                break
            i = close + 1
        splits.append(Kinds(text[:i], tuple(heads), text[i:]))
        if text.startswith("、", i):
            i += 1
    return reversed(splits)


def kinds_levels(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The levels a run of kinds names: 市 is a prefecture, but a county-level city after a county kind
    (各区、市 in Qingdao's list, 县市); 区 and 市 after 省 are provincial (省、区、市 = provinces, autonomous
    regions and municipalities)."""
    table = ref.place_kinds()
    out: list[str] = []
    for kind in kinds:
        level = table[kind]
        if level == "city":
            level = {"provincial": "provincial", "county": "county", "zone": "county"}.get(
                out[-1] if out else "", "municipal")
        elif kind == "区" and out and out[-1] == "provincial":
            level = "provincial"
        if level not in out:
            out.append(level)
    return tuple(out)


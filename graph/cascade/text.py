"""Text features for cascade linking of Chinese task texts: normalisation, character n-grams, segments,
quantity phrases, shared phrases and the classes of object a text names.

Chinese has no word boundaries, so texts are compared as sets of character 2- and 3-grams after rewriting the
domain's synonyms to one form (cascade_terms.yaml: 职教高考 → 分类考试招生), folding the common long/short forms
(中等职业学校 ↔ 中职学校) and replacing numbers by one placeholder: a province that restates
"遴选1000所左右优质中职学校" as "建设100所优秀中等职业学校" then still shares "#所" and "中职学校".
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from policykg.loaders.targets import read_object

# Long forms folded to the short form used in most lists. General abbreviations of the domain, applied in order
# (longest first); nothing here names a particular task.
FOLDS: tuple[tuple[str, str], ...] = (
    ("中等职业学校", "中职学校"),
    ("中等职业教育", "中职教育"),
    ("中等职业", "中职"),
    ("高等职业院校", "高职学校"),
    ("高等职业学校", "高职学校"),
    ("高等职业教育", "高职教育"),
    ("高等职业", "高职"),
    ("职业院校", "职业学校"),
    ("高职院校", "高职学校"),
    ("技工院校", "技工学校"),
    ("思想政治", "思政"),
    ("人力资源社会保障", "人社"),
    ("发展改革", "发改"),
    ("工业和信息化", "工信"),
    ("“", ""), ("”", ""), ("《", ""), ("》", ""), ("\"", ""), ("＋", "+"),
    ("左右", ""), ("以上", ""), ("以下", ""), ("不低于", ""), ("不少于", ""), ("至少", ""),
)
# Time limits and periods (到2025年底前, 2025年底前完成, “十四五”期间, 自2023年起) are boilerplate shared by
# unrelated tasks: dropped before comparing.
_DATE = re.compile(r"(?:到|在|于|自|从)?[0-9０-９]{4}年(?:[0-9]{1,2}月)?(?:底|末|年底)?(?:前|以前|起|以来)?(?:完成)?"
                   r"|(?:在)?“?十[一二三四五六七八九]五”?(?:期间|末|时期)?")
_NUMBER = re.compile(r"[0-9０-９]+(?:[.．:：][0-9０-９]+)?|[一二三四五六七八九十百千万两]+(?=[所个门种名家项人])")
_SPACE = re.compile(r"\s+")
CLAUSE_ENDS = "，,。；;：:！？\n"          # what ends a clause (segments)
_SEGMENT_END = re.compile(f"[{re.escape(CLAUSE_ENDS)}]+")
_PUNCT = set("，,、。；;：:（）()！？!?【】[]—-…·/ ")
PUNCT_RUN = re.compile("[" + re.escape("".join(sorted(_PUNCT))) + "]+")

# A quantity phrase: number, optional qualifier, measure word (as the loaders print them: 1000所左右, 90%, 200万人次).
_QUANTITY = re.compile(
    r"(?P<value>[0-9]+(?:\.[0-9]+)?)(?:[—\-－~～至](?P<high>[0-9]+(?:\.[0-9]+)?))?"
    r"(?P<unit>万人次|人次|万人|所|个|门|种|名|家|项|人|%|倍|条|本|部|类|套)(?P<qual>左右|以上|以下)?"
)


@lru_cache(maxsize=1)
def terms() -> dict:
    """The synonym groups and exclusive classes of graph/cascade/cascade_terms.yaml."""
    path = resources.files("policykg.graph.cascade").joinpath("cascade_terms.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _synonyms() -> tuple[re.Pattern, dict[str, str]]:
    """One pattern over every variant and canonical form (longest first, so 分类考试招生 is not read as
    分类考试 + 招生), and what each rewrites to. Variants are folded like the texts they meet."""
    to: dict[str, str] = {}
    for group in terms()["synonyms"]:
        canonical = _fold(str(group[0]))
        for variant in group:
            to.setdefault(_fold(str(variant)), canonical)
    pattern = re.compile("|".join(re.escape(v) for v in sorted(to, key=lambda v: (-len(v), v))))
    return pattern, to


def _fold(text: str) -> str:
    for long, short in FOLDS:
        text = text.replace(long, short)
    return text


def canonical(text: str) -> str:
    """Whitespace and dates dropped, long forms folded, synonyms rewritten to their first form."""
    out = _fold(_DATE.sub("", _SPACE.sub("", text or "")))
    pattern, to = _synonyms()
    return pattern.sub(lambda m: to[m.group(0)], out)


def normalise(text: str) -> str:
    """``canonical`` with every number replaced by '#'."""
    return _NUMBER.sub("#", canonical(text))


@lru_cache(maxsize=1)
def _class_patterns() -> tuple[tuple[str, tuple[tuple[str, re.Pattern], ...]], ...]:
    out = []
    for group, classes in sorted(terms()["exclusive"].items()):
        pats = tuple((name, re.compile("|".join(re.escape(_fold(str(w))) for w in words)))
                     for name, words in sorted(classes.items()))
        out.append((group, pats))
    return tuple(out)


def classes(norm: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """For each exclusive group (cascade_terms.yaml), the classes a normalised text names."""
    return tuple((group, frozenset(name for name, pat in pats if pat.search(norm)))
                 for group, pats in _class_patterns())


@lru_cache(maxsize=1)
def _concept_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((name, re.compile("|".join(re.escape(_fold(str(w))) for w in words)))
                 for name, words in sorted(terms()["concepts"].items()))


def concepts(norm: str) -> frozenset[str]:
    """The themes (cascade_terms.yaml ``concepts``) a normalised text names."""
    return frozenset(name for name, pat in _concept_patterns() if pat.search(norm))


def class_conflicts(a, b) -> list[str]:
    """Groups in which both texts name classes and share none (技工 vs 中职: not the same task)."""
    return [group for (group, x), (_, y) in zip(a, b) if x and y and not x & y]


def ngrams(norm: str, sizes: tuple[int, ...] = (2, 3)) -> set[str]:
    """Character n-grams of a normalised text, none crossing punctuation."""
    grams: set[str] = set()
    for run in PUNCT_RUN.split(norm):
        for n in sizes:
            grams.update(run[i:i + n] for i in range(len(run) - n + 1))
    return grams


def segments(text: str) -> list[str]:
    """Clauses (split at commas and sentence ends): the unit a quote or restatement usually spans."""
    parts = [p.strip() for p in _SEGMENT_END.split(text or "")]
    return [p for p in parts if len(normalise(p)) >= 5] or [text or ""]


def quantities(text: str) -> list[dict]:
    """Quantity phrases with what they count: [{'text': '100所', 'value': 100.0, 'unit': '所', 'object': '优秀中等职业学校'}].

    Used for nodes that carry no Target nodes (school measures); tasks use their extracted targets.
    """
    out = []
    for m in _QUANTITY.finditer(text or ""):
        out.append({"text": m.group(0), "value": float(m.group("value")), "unit": m.group("unit"),
                    "object": object_after(text, m.end())})
    return out


def object_after(text: str, end: int) -> str:
    """The noun phrase a quantity counts, read by the loaders' one rule (``read_object``); "" when none."""
    return read_object(text or "", end) or ""


def overlap(a: str, b: str) -> float:
    """Share of the shorter phrase's character bigrams found in the other (1.0 if one contains the other);
    0 unless both end in the same head noun (last two characters), and for phrases under three characters.

    Chinese noun phrases put the head last and pile modifiers in front (省级及以上精品在线开放课程), so the
    shorter phrase is the yardstick and the head must agree (…实训基地 is not …创新团队).
    """
    if len(a) < 3 or len(b) < 3 or a[-2:] != b[-2:]:
        return 0.0
    if a in b or b in a:
        return 1.0
    ga, gb = ngrams(a, (2,)), ngrams(b, (2,))
    if not ga or not gb:
        return 0.0
    return len(ga & gb) / min(len(ga), len(gb))


def shared_phrases(lower: str, higher: str, minimum: int = 4, limit: int = 3) -> list[str]:
    """The longest common substrings of two texts (as printed in the lower text), longest first.

    From each start in the lower text the longest substring found in the higher one (substring tests run in C,
    so this is fast on task-length texts); substrings of a longer phrase already found are dropped."""
    a, b = _SPACE.sub("", lower or ""), _SPACE.sub("", higher or "")
    found: list[str] = []
    i = 0
    while i <= len(a) - minimum:
        j = i + minimum
        if a[i:j] not in b:
            i += 1
            continue
        while j < len(a) and a[i:j + 1] in b:
            j += 1
        found.append(a[i:j])
        i = j
    unique = sorted(set(found), key=lambda s: (-len(s), s))
    return [p for k, p in enumerate(unique) if not any(p in q for q in unique[:k])][:limit]

"""What the cascade linker knows of one task (``Item``) and the features of one (lower, higher) pair.

An item keeps its n-grams as numpy arrays (cascade_index.gram_ids, and a 0/1 matrix of the clauses each n-gram
occurs in), so 10,000 higher tasks take tens of megabytes, not gigabytes. The features of a pair, each of which
is written into the link's evidence:

  cov_higher     idf share of the higher task's n-grams found in the lower text (a verbatim quote scores 1)
  cov_lower      idf share of the lower clause best found in the higher text
  clause_higher  idf share of the higher clause best covered by ONE lower clause (a long provincial task that
                 restates one clause of a long national one scores high here and low on cov_higher)
  clause_dice    the best clause-to-clause overlap, both ways (2·shared / (lower clause + higher clause))
  cov_lower_all  idf share of the whole lower text found in the higher (low for a long text that only touches it)
  target_match   a quantity of the same unit counting the same kind of object (1000所优质中职学校 ↔ 100所…)
  target_outmatched  every target the pair matches is matched more closely by another task of the same
                 higher list (思想政治课教学创新团队 is 001-4's, not 001-42's 国家级教师教学创新团队): negative evidence
  target_clash   both count things of a unit they share, but never the same object (示范性职工培训基地 ↔
                 示范性虚拟仿真实训基地): negative evidence
  char_cover     share of the higher text's characters inside a character bigram the lower text has too, each
                 character weighted by the idf of the COMMONER of its two bigrams: what n-gram coverage misses on
                 a short headline, whose rare bigrams are the joints between words (推进|职业本科|试点: 进职, 科试)
                 that a restatement never repeats
  char_clause    the same for the higher clause best covered
  char_lower     the same for the lower clause best covered by the higher text
  object_cover   (read by object_missing, not a model feature) the longest tail (head noun first: at least 4
                 characters) of a thing the higher task counts that the lower text names, as a share of that
                 thing's name (示范性职教集团 → 职教集团 in 推动产教联盟和职教集团建设: 4 of 7)
  object_missing the higher task counts things (a target naming its object) and the lower text neither
                 counts the same kind nor names the thing (建设100所乡村振兴人才培养优质校 ↔ a task on 涉农专业
                 enrolment): negative evidence
  concept_cover  share of the higher task's themes (cascade_terms.yaml concepts) the lower text names too
  concept_clause the same for the higher clause best served (a provincial pay rule answers the 绩效工资 clause
                 of a four-clause national task on teachers)
  function_agree share of the smaller set of responsible functions found in the other (0.5 when unknown, 0 when
                 both name functions and share none: human resources vs education)
  class_clash    the texts name exclusive classes of object (技工 vs 中职, 本科 vs 高职; cascade_terms.yaml)
  rel_lower      the pair's text similarity over the best among the lower task's candidates IN THE SAME HIGHER
                 DOCUMENT matched by the same lower clause (1 for the best: a lower task restating two higher ones
                 in two clauses has two; a city task restating both its province's task and the national one it
                 carries has one per list)
  rel_document   (read by mutual_best, not a model feature) ... over the best among the tasks of the lower's
                 document AT ITS LEVEL for the same higher task (each national task is usually carried by one or
                 two tasks of a provincial list; a school's measures printed beside the province's rows are a list
                 of their own)
  mutual_best    the higher task is the lower's best match and the lower task its best in that document
A school measure and the provincial task printed in its own row (``same_row``) are linked by that rule, not by
the model.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

import numpy as np

from policykg.graph.cascade import text as ct
from policykg.graph.cascade.index import NgramIndex, gram_ids

FEATURES = ("cov_higher", "cov_lower", "clause_higher", "clause_dice", "cov_lower_all", "target_match",
            "target_clash", "concept_cover", "concept_clause", "function_agree", "class_clash", "rel_lower",
            "mutual_best", "object_missing", "target_outmatched", "char_cover", "char_clause", "char_lower")
MAX_CLAUSES = 62              # clauses kept per item; later ones share the last column
TARGET_OBJECT_OVERLAP = 0.5   # share of the shorter counted-object phrase found in the other


@dataclass(slots=True)
class Item:
    """One task or school measure, with what linking needs of it."""

    id: str
    label: str
    doc: str
    level: str
    rank: int
    jurisdiction: str | None
    text: str
    functions: frozenset[str]
    targets: list[tuple[str, str, str, str | None]]   # (unit, normalised object, as printed, Target node id)
    row_task: str | None                              # a school measure's own-row task
    ids: np.ndarray                                   # sorted n-gram ids
    clause_of: np.ndarray                             # n-grams × clauses, 1 where the clause holds the n-gram
    n_clauses: int
    classes: tuple
    norm: str                                         # the normalised text (object_cover looks in it)
    concepts: frozenset[str]
    clause_concepts: tuple[frozenset[str], ...]
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0))   # per n-gram, from the index (weigh)
    positions: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    weight: float = 1.0                                            # idf mass of the item
    seg_weights: np.ndarray = field(default_factory=lambda: np.ones(1))
    characters: Characters | None = None                          # of this weighing (see characters_of)
    answered: bool = False      # a task column of a school's answer to a higher list (a copy of that list's row)


def make_item(node_id, label, doc, level, rank, jurisdiction, text, functions, targets, row_task,
              answered: bool = False) -> Item:
    """An item with its n-grams and their clauses (weights come later, from the index: ``weigh``)."""
    norm = ct.normalise(text)
    normed = [ct.normalise(s) for s in ct.segments(text)]
    clauses = [ct.ngrams(n) for n in normed]
    themes = tuple(t for t in (ct.concepts(n) for n, c in zip(normed, clauses) if c) if t)
    clauses = [c for c in clauses if c]
    grams = ct.ngrams(norm)
    for c in clauses:
        grams |= c
    ids = gram_ids(grams)
    clause_of = np.zeros((len(ids), max(len(clauses), 1)), dtype=np.uint8)
    for i, c in enumerate(clauses):
        clause_of[np.searchsorted(ids, gram_ids(c)), min(i, MAX_CLAUSES - 1)] = 1
    return Item(node_id, label, doc, level, rank, jurisdiction, text, frozenset(functions), targets, row_task,
                ids, clause_of[:, :MAX_CLAUSES], min(max(len(clauses), 1), MAX_CLAUSES), ct.classes(norm), norm,
                ct.concepts(norm), themes, answered=answered)


def weigh(item: Item, index: NgramIndex) -> None:
    """The idf of the item's n-grams in this index, and the idf mass of the item and of each clause."""
    item.positions, item.idf = index.lookup(item.ids)
    item.weight = float(item.idf.sum()) or 1.0
    seg = (item.clause_of * item.idf[:, None]).sum(axis=0)
    item.seg_weights = np.where(seg > 0, seg, 1.0)
    item.characters = None


def pair_features(low: Item, high: Item) -> dict:
    """Every feature of the pair, and which clauses matched (for the rival rule and the evidence)."""
    at = np.searchsorted(high.ids, low.ids)          # both sorted: the shared n-grams without a sort
    at[at == len(high.ids)] = 0
    li = np.flatnonzero(high.ids[at] == low.ids) if len(high.ids) else np.zeros(0, dtype=np.int64)
    hi = at[li]
    w = low.idf[li]
    shared = float(w.sum())
    lb = low.clause_of[li] * w[:, None]                              # shared mass per lower clause
    hb = high.clause_of[hi]
    m = (lb[:, :, None] * hb[:, None, :]).sum(axis=0)                # lower clause × higher clause
    low_covs = lb.sum(axis=0) / low.seg_weights
    clause_high = m.max(axis=0) / high.seg_weights if m.size else np.zeros(high.n_clauses)
    dice = 2 * m / (low.seg_weights[:, None] + high.seg_weights[None, :]) if m.size else np.zeros((1, 1))
    matches = target_matches(low, high)
    func = function_agreement(low, high)
    f = {
        "cov_higher": shared / high.weight,
        "cov_lower": float(low_covs.max()) if len(low_covs) else 0.0,
        "clause_higher": float(clause_high.max()) if len(clause_high) else 0.0,
        "clause_dice": float(dice.max()),
        "cov_lower_all": shared / low.weight,
        "target_match": 1.0 if matches else 0.0,
        "target_clash": 1.0 if not matches and _shared_unit(low, high) else 0.0,
        "object_cover": object_cover(low, high),
        "concept_cover": len(low.concepts & high.concepts) / len(high.concepts) if high.concepts else 0.0,
        "concept_clause": max((len(low.concepts & c) / len(c) for c in high.clause_concepts), default=0.0),
        "function_agree": 0.5 if func is None else func,
        "class_clash": 1.0 if ct.class_conflicts(low.classes, high.classes) else 0.0,
        "same_row": low.row_task == high.id,
    }
    f["char_cover"], f["char_clause"] = character_cover(low, high)
    f["char_lower"] = character_cover(high, low)[1]
    f["object_missing"] = 1.0 if any(t[1] for t in high.targets) and not matches and not f["object_cover"] else 0.0
    f["text"] = (f["cov_higher"] + f["cov_lower"] + f["clause_higher"] + f["clause_dice"]) / 4
    f["low_clause"] = int(np.argmax(low_covs)) if shared else -1        # ties: the first clause
    f["high_clause"] = int(np.argmax(clause_high)) if shared else 0
    f["matches"] = matches
    return f


def relative_features(scored: list[tuple[Item, Item, dict]]) -> None:
    """rel_lower, rel_document, mutual_best and target_outmatched of every pair of a batch holding WHOLE
    documents (the same batch always gives the same values, whatever else is in the store or the order things
    were ingested)."""
    best_low: dict[tuple[str, int, str], float] = {}
    best_doc: dict[tuple[str, str, str], float] = {}
    for low, high, f in scored:
        if f["same_row"]:
            continue
        key = (low.id, f["low_clause"], high.doc)
        best_low[key] = max(best_low.get(key, 0.0), f["text"])
        key = (low.doc, low.level, high.id)
        best_doc[key] = max(best_doc.get(key, 0.0), f["text"])
    for low, high, f in scored:
        bl = best_low.get((low.id, f["low_clause"], high.doc), 0.0)
        bd = best_doc.get((low.doc, low.level, high.id), 0.0)
        f["rel_lower"] = f["text"] / bl if bl else 0.0
        f["rel_document"] = f["text"] / bd if bd else 0.0
        f["mutual_best"] = 1.0 if f["text"] and f["text"] >= bl and f["text"] >= bd else 0.0
    closest: dict[tuple[str, str, str], float] = {}      # (lower, higher list, lower target) -> best overlap
    for low, high, f in scored:
        for m in f["matches"]:
            key = (low.id, high.doc, m["lower"])
            closest[key] = max(closest.get(key, 0.0), m["overlap"])
    for low, high, f in scored:
        f["target_outmatched"] = 1.0 if f["matches"] and all(
            m["overlap"] < closest[(low.id, high.doc, m["lower"])] for m in f["matches"]) else 0.0


@dataclass(slots=True)
class Characters:
    """An item's normalised text character by character, weighed for ``character_cover``."""

    bigrams: np.ndarray          # per character but the last: the bigram starting there (-1 across punctuation)
    weights: np.ndarray          # per character
    clauses: np.ndarray          # per character: its clause
    clause_weights: np.ndarray   # per clause that weighs anything: its characters' weight
    weighed: np.ndarray          # which clauses weigh anything
    total: float


def characters_of(item: Item) -> Characters:
    """The item's characters, weighed by the idf its last ``weigh`` gave its bigrams (computed once a weighing).

    A character weighs what the commoner of its two bigrams weighs: inside a word both bigrams are ordinary, but
    at a joint between words one is rare (进职 in 推进职业本科试点) and would otherwise count most."""
    if item.characters is not None:
        return item.characters
    norm = item.norm
    bigrams = np.fromiter((-1 if _PUNCT.search(norm[i:i + 2]) else zlib.crc32(norm[i:i + 2].encode("utf-8"))
                           for i in range(len(norm) - 1)), dtype=np.int64, count=max(len(norm) - 1, 0))
    at = np.minimum(np.searchsorted(item.ids, bigrams), max(len(item.ids) - 1, 0))
    idf = np.where(bigrams >= 0, item.idf[at], np.inf) if len(item.ids) else np.full(len(bigrams), np.inf)
    weights = np.full(len(norm), np.inf)
    weights[:-1] = np.minimum(weights[:-1], idf)
    weights[1:] = np.minimum(weights[1:], idf)
    chars = np.array(list(norm))
    weights[~np.isfinite(weights) | (chars == "#")] = 0.0          # punctuation, masked numbers
    clauses = np.cumsum(np.isin(chars, _CLAUSE_ENDS)) if len(norm) else np.zeros(0, dtype=np.int64)
    per_clause = np.bincount(clauses, weights=weights)
    weighed = per_clause > 0
    item.characters = Characters(bigrams, weights, clauses, per_clause[weighed], weighed, float(weights.sum()))
    return item.characters


def character_cover(low: Item, high: Item) -> tuple[float, float]:
    """(share of the higher text's character weight covered by bigrams of the lower text, the same share for
    the higher clause best covered)."""
    chars = characters_of(high)
    if not chars.total or not len(low.ids):
        return 0.0, 0.0
    present = np.take(low.ids, np.searchsorted(low.ids, chars.bigrams), mode="clip") == chars.bigrams   # ids >= 0
    edge = np.concatenate(([False], present, [False]))             # a character: the bigrams ending and starting at it
    got = np.where(edge[:-1] | edge[1:], chars.weights, 0.0)
    if len(chars.clause_weights) == 1:
        share = float(got.sum()) / chars.total
        return share, share
    per_clause = np.bincount(chars.clauses, weights=got, minlength=len(chars.weighed))[chars.weighed]
    return float(per_clause.sum()) / chars.total, float((per_clause / chars.clause_weights).max())


_PUNCT = ct.PUNCT_RUN              # a bigram holding punctuation is none (ngrams never crosses it)
_CLAUSE_ENDS = list(ct.CLAUSE_ENDS)


def target_matches(low: Item, high: Item) -> list[dict]:
    """Target pairs of the same unit counting the same kind of object. When both are Target nodes the pair
    also carries their ids, from which the linker writes the pair as a RESTATES_TARGET edge."""
    out = []
    for unit_l, obj_l, text_l, id_l in low.targets:
        for unit_h, obj_h, text_h, id_h in high.targets:
            overlap = ct.overlap(obj_l, obj_h) if unit_l == unit_h else 0.0
            if overlap >= TARGET_OBJECT_OVERLAP:
                pair = {"lower": text_l, "higher": text_h, "overlap": round(overlap, 3)}
                if id_l and id_h:
                    pair |= {"lower_id": id_l, "higher_id": id_h}
                out.append(pair)
    return out


def object_cover(low: Item, high: Item) -> float:
    best = 0.0
    for _, obj, _, _ in high.targets:
        head = _BRACKETS.sub("", obj)
        if len(head) < 4:
            continue
        n = 4
        while n <= len(head) and head[-n:] in low.norm:
            n += 1
        if n > 4:
            best = max(best, (n - 1) / len(head))
    return best


_BRACKETS = re.compile(r"[（(][^）)]*[）)]")


def _shared_unit(low: Item, high: Item) -> bool:
    return bool({t[0] for t in low.targets if t[1]} & {t[0] for t in high.targets if t[1]})


def function_agreement(low: Item, high: Item) -> float | None:
    """Share of the smaller function set found in the other; None when either side names no function."""
    if not low.functions or not high.functions:
        return None
    return len(low.functions & high.functions) / min(len(low.functions), len(high.functions))

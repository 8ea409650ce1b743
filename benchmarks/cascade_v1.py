"""The cascade linker as it was before issue 14 (commit 0333c19: graph/cascade/linker.py + graph/cascade/index.py),
kept verbatim for benchmarks/bench_cascade.py to time beside today's method in the same run. Not used by
policykg itself. Only the imports were changed (the n-gram index inlined below, the old normalisation without
the synonym table).
"""
from __future__ import annotations

import json
from math import fsum
from dataclasses import dataclass, field

import math
import types

import numpy as np

from policykg.graph.cascade import text as _ct
from policykg.graph.cascade.scope import RANK, main_jurisdiction, may_implement, split_level
from policykg.graph.model import Edge, PolicyGraph


class _OldText(types.SimpleNamespace):
    """cascade_text as it was: no synonym rewriting before the numbers are replaced."""


def _old_normalise(text: str) -> str:
    out = _ct._DATE.sub("", _ct._SPACE.sub("", text or ""))
    for long, short in _ct.FOLDS:
        if long != "＋":          # a fold added with the synonym table
            out = out.replace(long, short)
    return _ct._NUMBER.sub("#", out)


ct = _OldText(normalise=_old_normalise, ngrams=_ct.ngrams, segments=_ct.segments, quantities=_ct.quantities,
              object_after=_ct.object_after, overlap=_ct.overlap, shared_phrases=_ct.shared_phrases)


# --- graph/cascade/index.py of 0333c19 ---------------------------------------------------------------------

K1 = 1.2            # BM25 term-frequency saturation
B = 0.75            # BM25 length normalisation
QUERY_TERMS = 400   # a query uses at most this many of its rarest n-grams (a long task has ~400)
MAX_DF = 0.1        # n-grams in more than this share of higher tasks are stop-grams (职业, 教育, 推进 ...)


@dataclass
class Postings:
    ids: np.ndarray       # int32 indices of higher items
    weights: np.ndarray   # float32 BM25 term weights (idf included)


class NgramIndex:
    """Inverted index: n-gram -> (higher item indices, BM25 weights); idf kept for scoring features."""

    def __init__(self, gram_sets: list[set[str]]) -> None:
        self.size = len(gram_sets)
        n = max(self.size, 1)
        lengths = np.array([len(g) for g in gram_sets], dtype=np.float32)
        avg = float(lengths.mean()) if self.size else 1.0
        lists: dict[str, list[int]] = {}
        for i, grams in enumerate(gram_sets):
            for g in grams:
                lists.setdefault(g, []).append(i)
        self.idf: dict[str, float] = {}
        self.postings: dict[str, Postings] = {}
        norm = K1 * (1 - B + B * lengths / max(avg, 1.0))
        for g, ids in lists.items():
            df = len(ids)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            self.idf[g] = idf
            arr = np.fromiter(ids, dtype=np.int32, count=df)
            # each gram occurs once per set, so BM25's tf part is (k1+1)/(1+norm)
            self.postings[g] = Postings(arr, (idf * (K1 + 1) / (1 + norm[arr])).astype(np.float32))
        self.max_df = max(2, int(MAX_DF * n))
        # idf of a gram no higher task has: the rarest possible
        self.unseen_idf = math.log(1 + (n + 0.5) / 0.5)

    def weight(self, gram: str) -> float:
        return self.idf.get(gram, self.unseen_idf)

    def query_terms(self, grams: set[str]) -> list[str]:
        """The query's most informative known n-grams, skipping stop-grams; ties broken by the gram itself."""
        known = [g for g in grams if g in self.postings and len(self.postings[g].ids) <= self.max_df]
        known.sort(key=lambda g: (-self.idf[g], g))
        return known[:QUERY_TERMS]

    def scores(self, grams: set[str]) -> np.ndarray:
        """BM25 score of every higher item for this query (zero where no query n-gram occurs)."""
        terms = self.query_terms(grams)
        if not terms:
            return np.zeros(self.size, dtype=np.float32)
        ids = np.concatenate([self.postings[g].ids for g in terms])
        weights = np.concatenate([self.postings[g].weights for g in terms])
        return np.bincount(ids, weights=weights, minlength=self.size).astype(np.float32)

    def top(self, grams: set[str], allowed: np.ndarray | None, k: int) -> list[int]:
        """Indices of the k best-scoring allowed higher items with a positive score, best first (stable)."""
        s = self.scores(grams)
        if allowed is not None:
            s = np.where(allowed, s, 0.0)
        positive = int(np.count_nonzero(s > 0))
        if positive == 0:
            return []
        k = min(k, positive)
        part = np.argpartition(-s, k - 1)[:k] if k < self.size else np.arange(self.size)
        part = [int(i) for i in part if s[i] > 0]
        part.sort(key=lambda i: (-float(s[i]), i))
        return part[:k]


# --- graph/cascade/linker.py of 0333c19 ---------------------------------------------------------------------------


METHOD = "char-ngram-bm25+targets+functions/v1"
THRESHOLD = 0.36     # at or above: a fact (precision 0.96, recall 0.82 on the seed gold links)
FLOOR = 0.25         # below: no link at all
CANDIDATES = 12      # higher tasks scored in full per lower task (from the index)
MAX_LINKS = 5        # links kept per lower task
RELATIVE = 0.7       # a confident link scores at least this share of the lower task's best (raw) link ...
RELATIVE_DOC = 0.7   # ... and of the best link from the same document and level to the same higher task
W_TEXT, W_TARGET, W_FUNCTION = 0.7, 0.15, 0.15
SAME_ROW_LIFT = 0.5  # same-row school measures: score = raw + lift * (1 - raw)
# Function codes (ontology/data/functions.yaml) that name no sector: general government, "relevant
# departments", industry regulators in general, enterprises, and schools' own units. They say nothing about
# whether two tasks are the same, so function agreement ignores them.
GENERIC_FUNCTIONS = frozenset({"government", "relevant-departments", "industry-regulators", "enterprises",
                               "institution"})
TARGET_OBJECT_OVERLAP = 0.5   # share of the shorter counted-object phrase found in the other


@dataclass
class Item:
    """One task or school measure, with what linking needs of it."""

    id: str
    label: str
    doc: str
    level: str
    rank: int
    jurisdiction: str | None
    text: str
    grams: set[str]
    segments: list[set[str]]
    functions: frozenset[str]
    targets: list[tuple[str, str, str, str | None]]   # (unit, normalised object, as printed, Target node id)
    row_task: str | None = None           # a school measure's own-row task
    weight: float = 0.0                   # idf mass of its n-grams
    seg_weights: list[float] = field(default_factory=list)
    wmap: dict[str, float] = field(default_factory=dict)   # n-gram -> idf


def link(graph: PolicyGraph, threshold: float = THRESHOLD, floor: float = FLOOR) -> list[Edge]:
    """IMPLEMENTS edges (lower -> higher) with score, method, review and evidence (JSON) for the whole graph."""
    if not 0 <= floor <= threshold <= 1:
        raise ValueError(f"need 0 <= floor <= threshold <= 1, got floor={floor}, threshold={threshold}")
    items = collect_items(graph)
    return link_items(items, threshold, floor)


def link_items(items: list[Item], threshold: float = THRESHOLD, floor: float = FLOOR,
               candidates: int | None = CANDIDATES, highers: list[Item] | None = None) -> list[Edge]:
    """Link ``items``; ``highers`` (default: every item above the institution level) are the indexed ends."""
    if highers is None:
        highers = [it for it in items if it.rank < max(RANK.values())]
    index = NgramIndex([h.grams for h in highers])
    for it in {id(x): x for x in [*items, *highers]}.values():
        _weigh(it, index)
    position = {h.id: i for i, h in enumerate(highers)}
    ranks = np.array([h.rank for h in highers], dtype=np.int8)
    allowed_cache: dict[tuple[int, str | None], np.ndarray] = {}

    kept: list[tuple[Item, Item, dict]] = []
    for low in items:
        if low.rank == 0:
            continue
        key = (low.rank, low.jurisdiction)
        if key not in allowed_cache:
            jur_ok = {j: may_implement(low.rank, low.jurisdiction, 0, j) for j in {h.jurisdiction for h in highers}}
            allowed_cache[key] = (ranks < low.rank) & np.array([jur_ok[h.jurisdiction] for h in highers], dtype=bool)
        allowed = allowed_cache[key]
        if not allowed.any():
            continue
        # candidates=None scores every allowed higher task (the brute-force baseline of the benchmark)
        cands = index.top(low.grams, allowed, candidates) if candidates else [int(i) for i in np.flatnonzero(allowed)]
        if low.row_task in position and position[low.row_task] not in cands:
            cands.append(position[low.row_task])
        scored = [(score_pair(low, highers[i], index), highers[i]) for i in cands]
        scored = [(s, h) for s, h in scored if s["score"] >= floor]
        scored.sort(key=lambda sh: (-sh[0]["score"], sh[1].id))
        kept.extend((low, h, s) for s, h in scored[:MAX_LINKS])
    return _decide(kept, threshold)


def _decide(kept: list[tuple[Item, Item, dict]], threshold: float) -> list[Edge]:
    """A link is a fact when it clears the threshold and no rival clearly beats it. Rivals answer the same
    words: other higher tasks best matched by the same clause of the lower text, or other tasks of the same
    document and level whose best match is the same clause of the higher task. A lower text restating two
    higher tasks in two clauses (or two lower tasks restating two parts of one higher task) has no rivals.
    Rivals are compared on the text-and-attribute score, without the same-row lift."""
    best_for_clause: dict[tuple[str, int], float] = {}
    best_for_higher_clause: dict[tuple[str, str, str, int], float] = {}
    for low, high, s in kept:
        if not s["same_row"]:
            k = (low.id, s["low_clause"])
            best_for_clause[k] = max(best_for_clause.get(k, 0.0), s["raw"])
        hk = (low.doc, low.level, high.id, s["high_clause"])
        best_for_higher_clause[hk] = max(best_for_higher_clause.get(hk, 0.0), s["raw"])
    edges = []
    for low, high, s in kept:
        confident = s["score"] >= threshold and (s["same_row"] or (
            s["raw"] >= RELATIVE * best_for_clause.get((low.id, s["low_clause"]), 0.0)
            and s["raw"] >= RELATIVE_DOC * best_for_higher_clause[(low.doc, low.level, high.id, s["high_clause"])]))
        edges.append(_edge(low, high, s, review=not confident))
    return edges


def _weigh(item: Item, index: NgramIndex) -> None:
    """Cache the idf of an item's n-grams and the idf mass of the item and of each clause.

    Every sum over a set of n-grams here and in ``score_pair`` is ``math.fsum``: exactly rounded, so it does not
    depend on the order a set is walked in (which changes with PYTHONHASHSEED from one process to the next).
    With ``sum``, two clauses of equal coverage could differ in the last bit and the rival rule then chose
    another clause, flipping a review flag between two runs on the same store."""
    item.wmap = {g: index.weight(g) for g in item.grams}
    item.weight = fsum(item.wmap.values()) or 1.0
    item.seg_weights = [fsum(map(item.wmap.__getitem__, seg)) or 1.0 for seg in item.segments]


def score_pair(low: Item, high: Item, index: NgramIndex) -> dict:
    """The features of one (lower, higher) pair and their combined score."""
    w = low.wmap.__getitem__          # idf of the lower item's n-grams (shared ones are the higher's too)
    shared = low.grams & high.grams
    cov_high = fsum(map(w, shared)) / high.weight
    # the lower clause best found in the higher text, and the higher clause best found in one lower clause
    low_covs = [fsum(map(w, seg & shared)) / sw for seg, sw in zip(low.segments, low.seg_weights)]
    high_covs = [(max((fsum(map(w, seg & low_seg)) for low_seg in low.segments), default=0.0) / hw, -i)
                 for i, (seg, hw) in enumerate(zip(high.segments, high.seg_weights)) if not seg.isdisjoint(shared)]
    low_clause = max(range(len(low_covs)), key=low_covs.__getitem__) if low_covs else -1
    cov_low = low_covs[low_clause] if low_covs else 0.0
    clause_high, high_clause = max(high_covs, default=(0.0, 1))   # ties: the first clause
    high_clause = -high_clause
    text = (cov_high + cov_low + clause_high) / 3
    matches = _target_matches(low, high)
    func = _function_agreement(low, high)
    raw = W_TEXT * text + W_TARGET * (1.0 if matches else 0.0) + W_FUNCTION * (0.5 if func is None else func)
    same_row = low.row_task == high.id
    score = raw + SAME_ROW_LIFT * (1 - raw) if same_row else raw
    return {"score": round(min(score, 1.0), 4), "raw": raw, "text": round(text, 4), "cov_higher": round(cov_high, 4),
            "clause_higher": round(clause_high, 4),
            "cov_lower": round(cov_low, 4), "targets": matches,
            "low_clause": low_clause, "high_clause": high_clause, "function": func, "same_row": same_row}


def _target_matches(low: Item, high: Item) -> list[dict]:
    """Target pairs of the same unit counting the same kind of object. When both are Target nodes the pair
    also carries ``pair_key(lower, higher)``, which the target-changes query looks for in the evidence."""
    out = []
    for unit_l, obj_l, text_l, id_l in low.targets:
        for unit_h, obj_h, text_h, id_h in high.targets:
            if unit_l == unit_h and ct.overlap(obj_l, obj_h) >= TARGET_OBJECT_OVERLAP:
                pair = {"lower": text_l, "higher": text_h}
                if id_l and id_h:
                    pair["key"] = pair_key(id_l, id_h)
                out.append(pair)
    return out


def pair_key(lower_target: str, higher_target: str) -> str:
    """'|lower>higher|': delimited so that one key is never a substring of another."""
    return f"|{lower_target}>{higher_target}|"


def _function_agreement(low: Item, high: Item) -> float | None:
    """Share of the smaller function set found in the other; None when either side names no function."""
    if not low.functions or not high.functions:
        return None
    return len(low.functions & high.functions) / min(len(low.functions), len(high.functions))


def _edge(low: Item, high: Item, s: dict, review: bool) -> Edge:
    evidence = {
        "text_similarity": s["text"], "coverage_of_higher": s["cov_higher"], "coverage_of_lower": s["cov_lower"],
        "best_clause_of_higher": s["clause_higher"],
        "shared_phrases": ct.shared_phrases(low.text, high.text),
        "matching_targets": s["targets"],
        "shared_functions": sorted(low.functions & high.functions),
        "function_agreement": s["function"],
        "same_row": s["same_row"],
        "levels": [low.level, high.level],
    }
    props = {"score": s["score"], "method": METHOD, "review": review,
             "evidence": json.dumps(evidence, ensure_ascii=False, sort_keys=True)}
    return Edge(low.id, "IMPLEMENTS", high.id, props)


# --- reading the graph -------------------------------------------------------------------------------------

def collect_items(graph: PolicyGraph) -> list[Item]:
    """Tasks and school measures with their document's level and jurisdiction, functions and targets."""
    docs_by_id: dict[str, dict] = {}
    for d in graph.nodes_by_label("Document"):
        info = {"level": d.props.get("level"), "jurisdiction": d.props.get("jurisdiction"),
                "doc_id": d.props.get("doc_id", d.id)}
        docs_by_id[d.id] = info
        docs_by_id.setdefault(info["doc_id"], info)
    task_doc: dict[str, str] = {}
    measure_task: dict[str, str] = {}
    functions: dict[str, set[str]] = {}
    targets: dict[str, list] = {}
    for e in graph.edges.values():
        if e.type == "HAS_TASK":
            task_doc[e.target] = e.source
        elif e.type == "HAS_MEASURE":
            measure_task[e.target] = e.source
        elif e.type in ("LEAD", "SUPPORT"):
            fn = graph.nodes[e.target].props.get("function")
            if fn and fn not in GENERIC_FUNCTIONS:
                functions.setdefault(e.source, set()).add(fn)
        elif e.type == "HAS_TARGET":
            targets.setdefault(e.source, []).append(graph.nodes[e.target])

    items: list[Item] = []
    for node in sorted(graph.nodes.values(), key=lambda n: n.id):
        if node.label == "Task":
            text = node.props.get("text") or ""
            doc_key = task_doc.get(node.id) or node.props.get("doc_id") or node.doc
            row_task = None
            level_part = 0
        elif node.label == "SchoolMeasure":
            # goals sorted: a string list comes back from RDF in no particular order
            goals = sorted(node.props.get("goals") or [])
            text = "。".join([node.props.get("measure") or "", *goals]).strip("。")
            row_task = measure_task.get(node.id)
            doc_key = (task_doc.get(row_task) if row_task else None) or node.props.get("doc_id") or node.doc
            level_part = 1
        else:
            continue
        doc = docs_by_id.get(doc_key or "")
        if doc is None or not text:
            continue
        levels = split_level(doc["level"])
        level = levels[level_part] or ("institution" if level_part else None)
        if level not in RANK:
            continue
        items.append(_item(node.id, node.label, doc["doc_id"], level, main_jurisdiction(doc["jurisdiction"]), text,
                           frozenset(functions.get(node.id, ())), _targets_of(text, targets.get(node.id)), row_task))
    return items


def _targets_of(text: str, nodes) -> list[tuple[str, str, str, str | None]]:
    out = []
    if nodes:
        for t in sorted(nodes, key=lambda n: n.id):   # edge order differs between stores
            printed = t.props.get("text") or ""
            unit = t.props.get("unit")
            if not unit:
                continue
            # the counted object read the same way for every node (the extractor's may stop at 等 of 中等)
            obj = (ct.object_after(text, text.index(printed) + len(printed)) if printed and printed in text
                   else t.props.get("object"))
            out.append((unit, ct.normalise(obj or ""), f"{printed} {obj or ''}".strip(), t.id))
    else:
        for q in ct.quantities(text):
            out.append((q["unit"], ct.normalise(q["object"]), f"{q['text']} {q['object']}".strip(), None))
    return out


def _item(node_id, label, doc, level, jurisdiction, text, functions, targets, row_task) -> Item:
    segs = [ct.ngrams(ct.normalise(s)) for s in ct.segments(text)]
    return Item(node_id, label, doc, level, RANK[level], jurisdiction, text, ct.ngrams(ct.normalise(text)),
                [s for s in segs if s], functions, targets, row_task)



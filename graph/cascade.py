"""Cascade linking: find, for each lower-level task or school measure, the higher-level tasks it implements.

    link(graph, threshold=0.5, floor=0.3) -> list[Edge]    # IMPLEMENTS edges, lower -> higher

Method (deterministic and explainable; every feature is written into the edge's evidence):
1. candidates from a BM25 inverted index over character 2/3-grams of the higher tasks (cascade_index), only
   among tasks a lower one may implement (cascade_scope: upward, containing jurisdiction);
2. a score per candidate combining
   - text: idf-weighted share of the higher task's n-grams found in the lower text (a verbatim quote scores 1),
     averaged with the best share of one lower sentence found in the higher text (a restatement scores high
     both ways, a long text that merely mentions the topic does not);
   - targets: a quantity of the same unit counting the same kind of object (1000所 优质中职学校 ↔ 100所 优秀中职学校);
   - functions: the responsible departments' functions agree (education ↔ education);
   - same row: a school measure answering the provincial task printed in its own row;
3. links at or above the threshold are facts (review=false); from the floor up to it, suggestions (review=true).
"""
from __future__ import annotations

import hashlib
import json
from math import fsum
from dataclasses import dataclass, field

import numpy as np

from policykg.graph import cascade_text as ct
from policykg.graph.cascade_index import NgramIndex
from policykg.graph.cascade_scope import RANK, main_jurisdiction, may_implement, split_level
from policykg.graph.model import Edge, PolicyGraph

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


# --- linking a store ---------------------------------------------------------------------------------------

def links_graph(graph: PolicyGraph, edges: list[Edge]) -> PolicyGraph:
    """The edges with their end nodes: what ``GraphStore.add_links`` takes."""
    out = PolicyGraph()
    for e in edges:
        out.add_node(graph.nodes[e.source])
        out.add_node(graph.nodes[e.target])
        out.add_edge(e)
    return out


def link_store(store, threshold: float = THRESHOLD, floor: float = FLOOR) -> list[Edge]:
    """Read the stored graph, link it, and write the links back in place of the stored ones
    (``GraphStore.add_links`` with ``replace``: a link this run no longer proposes does not linger), together
    with the link state in the same transaction: a run that stops before that leaves the links pending."""
    # the documents' hashes are read BEFORE the graph: a document written in between makes the state older
    # than the links (a needless re-link next time), never newer (links missing for a document called linked)
    hashes = store.document_hashes()
    graph = store.load_graph()
    edges = link(graph, threshold=threshold, floor=floor)
    state = {"documents": documents_digest(hashes), "document_count": len(hashes), "links": len(edges),
             "method": METHOD, "threshold": threshold, "floor": floor}
    store.add_links(links_graph(graph, edges), replace=True, state=state)
    return edges


def documents_digest(hashes: dict[str, str]) -> str:
    """One value for the set of stored documents and their contents (any add or change alters it)."""
    text = "".join(f"{doc}\x1f{sha}\n" for doc, sha in sorted(hashes.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LinkStatus:
    current: bool        # the stored links are those of a completed link run over exactly the stored documents
    message: str


def link_status(store, count_links: bool = False) -> LinkStatus:
    """Whether the store's links are complete for its documents (cheap: the hashes and the stored state).

    Pending when no link run completed since the documents last changed: an ingest stopped (or was killed)
    after writing documents and before its links were written, or ran with --no-link. ``count_links`` also
    compares the links in the store with the number the last run wrote (``validate``; costs a count)."""
    hashes = store.document_hashes()
    state = store.link_state()
    fix = "run `policykg link` (or `policykg ingest` again) to link them"
    if state is None:
        if not hashes:
            return LinkStatus(True, "no documents, no links")
        return LinkStatus(False, f"pending: no link run has completed for the {len(hashes)} stored document(s); {fix}")
    if state.get("documents") != documents_digest(hashes):
        return LinkStatus(False, f"stale: documents were added or changed since the last completed link run "
                                 f"({state.get('document_count')} then, {len(hashes)} now); {fix}")
    if count_links:
        stored = store.counts().get("IMPLEMENTS", 0)
        if stored != state.get("links"):
            return LinkStatus(False, f"stale: the store holds {stored} link(s) but the last link run wrote "
                                     f"{state.get('links')}; {fix}")
    return LinkStatus(True, f"current: {state.get('links')} link(s) over {len(hashes)} document(s) "
                            f"({state.get('method')}, threshold {state.get('threshold')}, floor {state.get('floor')})")


def summary(edges: list[Edge]) -> dict[str, int]:
    confident = sum(1 for e in edges if not e.props["review"])
    return {"links": len(edges), "confident": confident, "suggestions": len(edges) - confident,
            "lower_items_linked": len({e.source for e in edges})}

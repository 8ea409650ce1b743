"""Cascade linking: find, for each lower-level task or school measure, the higher-level tasks it implements.

    link(graph, threshold=THRESHOLD, floor=FLOOR) -> list[Edge]    # IMPLEMENTS edges, lower -> higher

Method (deterministic, explainable and offline; every feature is written into the edge's evidence):
1. candidates: for each lower task, the best BM25 matches among the higher tasks it may implement
   (cascade_scope: upward, containing jurisdiction), read from an inverted index over character n-grams that
   only touches the postings of the task's rarest n-grams (cascade_index) — never every higher task;
2. features of each candidate pair (cascade_features): idf-weighted coverage both ways and clause by clause
   (a long provincial task restating one clause of a national one), targets of the same kind of object,
   responsible functions, and negative evidence: the counted objects differ, the functions are disjoint,
   the texts name exclusive classes (技工 vs 中职, 本科 vs 高职); texts compared after the domain's synonyms
   are rewritten to one form (cascade_terms.yaml: 职教高考 → 分类考试招生, 学历证书+若干职业技能等级证书 → 1+X证书);
   and how the pair ranks among the lower task's candidates and among its document's tasks for that higher one;
3. the score is the probability of a true link from a logistic regression fitted OFFLINE on hand-labelled
   pairs (cascade_model.json, refitted by scripts/fit_cascade_model.py; never trained at run time);
4. links at or above the threshold are facts (review=false) unless a rival clearly beats them, the texts name
   exclusive classes or the two documents are about different things (cascade_affinity: the cosine of their
   n-gram profiles); from the floor up to it, suggestions (review=true);
5. a store is read and written a batch of whole documents at a time (link_store, cascade_read).
"""
from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from typing import Callable

import numpy as np

from policykg.graph.cascade import affinity as doc_affinity
from policykg.graph.cascade import scoring as cascade_model
from policykg.graph.cascade import text as ct
from policykg.graph.cascade.features import Item, make_item, pair_features, relative_features, weigh
from policykg.graph.cascade.index import CorpusStats, NgramIndex
from policykg.graph.cascade.read import BATCH, document_graphs
from policykg.graph.cascade.scope import (NATIONAL_NAMES, RANK, containing, main_jurisdiction, provinces,
                                          short_name, split_level)
from policykg.graph.model import Edge, Node, PolicyGraph

METHOD = f"char-ngram-bm25+clauses+synonyms+negative-evidence+logreg/{cascade_model.version()}"
THRESHOLD = cascade_model.threshold()   # probability at or above which a link is a fact (cascade_model.json:
                                        # the most held-out recall with held-out precision >= 0.90)
FLOOR = 0.2          # below: no link at all
CANDIDATES = 12      # higher tasks scored in full per lower task (from the index)
MAX_LINKS = 5        # links kept per lower task
RELATIVE = 0.6       # a confident link scores at least this share of the best link answering the same clause
SAME_ROW_LIFT = 0.5  # a school measure and its own row's task: score = p + lift * (1 - p) (the row says it)
# Documents whose profiles are less alike (graph/cascade/affinity.py) are about different things: their links
# stay suggestions. Real lists: at most 0.079 between two policy areas, at least 0.18 for a pair that restate one
# another; set low in that gap because a higher list of many areas dilutes its profile (Jiangsu's list against
# the national one plus 16 lists of other areas: 0.12).
DOC_AFFINITY = 0.10
# ... for a lower list of at least this many tasks and measures. A shorter one's profile says too little about
# its subject: 5 tasks drawn from the examples' lists that restate a national one score 0.103 (median) with it,
# and 79 % of single tasks confidently linked to another list score under 0.10 (measured on the real lists).
AFFINITY_ITEMS = 10
INSTITUTION = RANK["institution"]
# Function codes (ontology/data/functions.yaml) that name no sector: general government, "relevant
# departments", industry regulators in general, enterprises, and schools' own units. They say nothing about
# whether two tasks are the same, so function agreement ignores them.
GENERIC_FUNCTIONS = frozenset({"government", "relevant-departments", "industry-regulators", "enterprises",
                               "institution"})


def link(graph: PolicyGraph, threshold: float = THRESHOLD, floor: float = FLOOR) -> list[Edge]:
    """IMPLEMENTS edges (lower -> higher) with score, method, review and evidence (JSON) for the whole graph."""
    check_bounds(threshold, floor)
    return link_items(collect_items(graph), threshold, floor)


def check_bounds(threshold: float, floor: float) -> None:
    if not 0 <= floor <= threshold <= 1:
        raise ValueError(f"need 0 <= floor <= threshold <= 1, got floor={floor}, threshold={threshold}")


def link_items(items: list[Item], threshold: float = THRESHOLD, floor: float = FLOOR,
               candidates: int | None = CANDIDATES, highers: list[Item] | None = None) -> list[Edge]:
    """Link ``items``; ``highers`` (default: every item above the institution level) are the indexed ends.
    ``candidates=None`` scores every allowed higher task (the brute-force baseline of the benchmark)."""
    if highers is None:
        highers = [it for it in items if it.rank < INSTITUTION]
    return Linker(highers).link(items, threshold, floor, candidates)


class Linker:
    """The index of the higher tasks, built once; lower tasks are linked in batches of whole documents (the
    rival rule compares links within one document), so a national store streams through it."""

    def __init__(self, highers: list[Item], stats: CorpusStats | None = None) -> None:
        self.highers = highers
        self.index = NgramIndex([h.ids for h in highers], stats)
        for h in highers:
            weigh(h, self.index)
        self.position = {h.id: i for i, h in enumerate(highers)}
        self.doc_profiles = doc_affinity.profiles(highers, self.index)
        self.ranks = np.array([h.rank for h in highers], dtype=np.int8)
        # a school's copy of a higher list's row is implemented by its own table's measures alone: no government
        # restates a school's answer, and the list it copies is the parent
        self.restatable = np.array([not h.answered for h in highers], dtype=bool)
        self._answered_in: dict[str, list[int]] = {}
        for i, h in enumerate(highers):
            if h.answered:
                self._answered_in.setdefault(h.doc, []).append(i)
        jurisdictions = sorted({h.jurisdiction or "" for h in highers})
        self._jur_code = {j: i for i, j in enumerate(jurisdictions)}
        self._jur_names = jurisdictions
        self.jur_of = np.array([self._jur_code[h.jurisdiction or ""] for h in highers], dtype=np.int32)
        self._codes_by_short: dict[str, list[int]] = {}
        for j, code in self._jur_code.items():
            self._codes_by_short.setdefault(short_name(j) if j else "", []).append(code)
        self._national = [code for j, code in self._jur_code.items() if not j or j in NATIONAL_NAMES]
        self._allowed: dict[tuple[int, str | None], np.ndarray] = {}
        self._own_allowed: tuple[tuple | None, np.ndarray | None] = (None, None)

    def allowed(self, low: Item | _Query) -> np.ndarray:
        """Which higher tasks ``low`` may implement (cascade_scope.may_implement for all at once; cached per
        level and jurisdiction): a higher level, in a jurisdiction containing the lower one or not known; a
        school's copy of a list's row (``Item.answered``) only from its own document."""
        key = (low.rank, low.jurisdiction)
        if key not in self._allowed:
            ups = containing(low.jurisdiction)
            if ups is None:
                ok = np.ones(len(self._jur_names), dtype=bool)
            else:
                ok = np.zeros(len(self._jur_names), dtype=bool)
                for short in ups | {""}:
                    ok[self._codes_by_short.get(short, [])] = True
                ok[self._national] = True
            self._allowed[key] = (self.ranks < low.rank) & ok[self.jur_of] & self.restatable if len(self.highers) \
                else ok[:0]
        own = self._answered_in.get(low.doc)
        if not own:
            return self._allowed[key]
        if self._own_allowed[0] != (key, low.doc):     # a document's items come together: keep the last
            mask = self._allowed[key].copy()
            mask[own] = self.ranks[own] < low.rank
            self._own_allowed = ((key, low.doc), mask)
        return self._own_allowed[1]

    def link(self, items: list[Item], threshold: float = THRESHOLD, floor: float = FLOOR,
             candidates: int | None = CANDIDATES) -> list[Edge]:
        """Link a batch of lower items; the batch must hold whole documents (see relative_features)."""
        affinities = doc_affinity.Affinities.of_batch(items, self.index, self.doc_profiles)
        return decide(self.score(items, candidates), threshold, floor, affinities)

    def score(self, items: list[Item], candidates: int | None = CANDIDATES) -> list[tuple[Item, Item, dict]]:
        """Every candidate pair of the batch with its features and score (the model's probability; a school
        measure's own row: lifted, see SAME_ROW_LIFT)."""
        scored: list[tuple[Item, Item, dict]] = []
        for low in items:
            if low.rank == 0:
                continue
            allowed = self.allowed(low)
            if not allowed.any():
                continue
            weigh(low, self.index)
            cands = self.index.top(low.positions, allowed, candidates) if candidates else self.index.every(allowed)
            if low.row_task in self.position and self.position[low.row_task] not in cands:
                cands.append(self.position[low.row_task])
            scored.extend((low, self.highers[i], pair_features(low, self.highers[i])) for i in cands)
        return probabilities(scored)


def probabilities(scored: list[tuple[Item, Item, dict]]) -> list[tuple[Item, Item, dict]]:
    """The pairs of a batch of whole documents with their relative features and score."""
    relative_features(scored)
    for _, _, f in scored:
        p = cascade_model.probability(f)
        f["score"] = p + SAME_ROW_LIFT * (1 - p) if f["same_row"] else p
    return scored


def decide(scored: list[tuple[Item, Item, dict]], threshold: float, floor: float,
           affinities: doc_affinity.Affinities | None = None) -> list[Edge]:
    """Keep each lower item's best links from the floor up (at most MAX_LINKS); a link is a fact when it
    clears the threshold, its documents are about the same thing (``affinities``: at least DOC_AFFINITY when
    the lower list holds AFFINITY_ITEMS items or more; not checked when None) and no rival clearly beats it.
    Rivals answer the same words: other higher tasks of the same list best matched by the same clause of the
    lower text (a city task restates its province's task and the national one beside it: tasks of two lists
    are never rivals). A lower text restating two higher tasks in two clauses has no rivals; a school
    measure's own row is never demoted. A pair whose texts name exclusive classes of object
    (cascade_terms.yaml) stays a suggestion whatever its score."""
    by_low: dict[str, list[tuple[Item, Item, dict]]] = {}
    for low, high, f in scored:
        if f["score"] >= floor:
            by_low.setdefault(low.id, []).append((low, high, f))
    kept = []
    for low_id in sorted(by_low):
        links = sorted(by_low[low_id], key=lambda lhf: (-lhf[2]["score"], lhf[1].id))
        kept.extend(links[:MAX_LINKS])
    best_for_clause: dict[tuple[str, int], float] = {}
    for low, high, f in kept:
        if not f["same_row"]:
            k = (low.id, f["low_clause"], high.doc)
            best_for_clause[k] = max(best_for_clause.get(k, 0.0), f["score"])
    edges = []
    for low, high, f in kept:
        affinity = None if affinities is None else affinities.of(low.doc, high.doc)
        apart = affinity is not None and affinity < DOC_AFFINITY and affinities.items(low.doc) >= AFFINITY_ITEMS
        confident = f["score"] >= threshold and (f["same_row"] or (
            f["score"] >= RELATIVE * best_for_clause.get((low.id, f["low_clause"], high.doc), 0.0)
            and not f["class_clash"]     # 技工 vs 中职, 本科 vs 高职: never a fact (no true link in the gold has one)
            and not apart))
        edges.append(_edge(low, high, f, affinity, review=not confident))
    return edges


def _edge(low: Item, high: Item, f: dict, affinity: float | None, review: bool) -> Edge:
    evidence = {
        "text_similarity": round((f["cov_higher"] + f["cov_lower"] + f["clause_higher"]) / 3, 4),
        "coverage_of_higher": round(f["cov_higher"], 4), "coverage_of_lower": round(f["cov_lower"], 4),
        "best_clause_of_higher": round(f["clause_higher"], 4),
        "contributions": cascade_model.contributions(f),   # each feature's share of the log-odds
        "conflicts": ct.class_conflicts(low.classes, high.classes),
        "shared_phrases": ct.shared_phrases(low.text, high.text),
        "matching_targets": f["matches"],
        "shared_functions": sorted(low.functions & high.functions),
        "function_agreement": None if f["function_agree"] == 0.5 and not (low.functions and high.functions)
        else round(f["function_agree"], 4),
        "same_row": f["same_row"],
        "levels": [low.level, high.level],
        "document_affinity": None if affinity is None else round(affinity, 4),
    }
    props = {"score": round(f["score"], 4), "method": METHOD, "review": review,
             "evidence": json.dumps(evidence, ensure_ascii=False, sort_keys=True)}
    return Edge(low.id, "IMPLEMENTS", high.id, props)


def restated_targets(link: Edge) -> list[Edge]:
    """The target pairs an IMPLEMENTS link matched (its evidence's matching_targets that name both Target
    nodes) as RESTATES_TARGET edges, lower target -> higher: what the target-changes query reads."""
    evidence = link.props.get("evidence") or ""
    if '"lower_id"' not in evidence:
        return []
    return [Edge(pair["lower_id"], "RESTATES_TARGET", pair["higher_id"])
            for pair in json.loads(evidence)["matching_targets"] if "lower_id" in pair]


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
        items.append(make_item(node.id, node.label, doc["doc_id"], level, RANK[level],
                               main_jurisdiction(doc["jurisdiction"]), text, frozenset(functions.get(node.id, ())),
                               _targets_of(text, targets.get(node.id)), row_task,
                               answered=node.label == "Task" and levels[1] is not None))
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


# --- linking a store ---------------------------------------------------------------------------------------

def links_graph(edges: list[Edge], label_of: Callable[[str], str]) -> PolicyGraph:
    """The links, their target pairs (``restated_targets``, between Target nodes) and their end nodes, labelled
    ``label_of(node id)``: what ``GraphStore.add_links`` takes."""
    out = PolicyGraph()
    for e in edges:
        for edge in (e, *restated_targets(e)):
            for end in (edge.source, edge.target):
                out.add_node(Node(end, "Target" if edge is not e else label_of(end), {}))
            out.add_edge(edge)
    return out


class LinkedEdges(list):
    """What ``link_store`` returns: its edges (when kept) and the counts of all it wrote."""

    counts: dict[str, int]


LinkProgress = Callable[[str, int, int], None]
"""``link_store``'s progress: (phase, documents done, of how many). Phase "reading": the first pass over every
stored document; "linking": the lower documents linked and written."""


def link_store(store, threshold: float = THRESHOLD, floor: float = FLOOR, batch: int = BATCH,
               keep: bool = True, on_progress: LinkProgress | None = None) -> LinkedEdges:
    """Link the stored documents and write the links in place of the stored ones (a link this run no longer
    proposes does not linger), then the link state.

    Memory stays flat as the store grows: the store is read ``batch`` documents at a time (cascade_read) and
    linked one group of provinces at a time. A first pass gathers the n-gram frequencies of every higher-level
    task (cascade_index.CorpusStats: as large as the vocabulary), where each document lies, and the items of
    the national and unplaced documents (every group needs them: kept, not read again); then, for each
    province (``scope.provinces``), the index holds only the national, unplaced and that province's higher
    tasks — every task its documents may implement (``Linker.allowed``) — and scores with the whole store's
    frequencies, so the links are those of one index over everything. A document whose place is unknown may
    implement any task, one whose place name two provinces share the tasks of both: their candidates are
    gathered from the other groups' indexes (``_Deferred``), as an index of their own would rank them, and
    they are linked last. Links are written batch by batch
    (``GraphStore.add_links``; the first write replaces every stored link and marks the state incomplete, the
    last writes the state). A run that stops in between leaves the links pending, never current. Documents go
    in sorted order within each group, so the same store gives the same links whatever the order its
    documents were ingested in. ``keep=False`` returns no edges, only their ``counts`` (the CLI).
    ``on_progress``: called after each batch of documents (LinkProgress)."""
    check_bounds(threshold, floor)
    progress = on_progress or (lambda phase, done, total: None)
    # the documents' hashes are read BEFORE the graph: a document written in between makes the state older
    # than the links (a needless re-link next time), never newer (links missing for a document called linked)
    hashes = store.document_hashes()
    docs = sorted(hashes)
    stats, places, everywhere, at_place = _survey(store, docs, batch, progress)
    state = {"documents": documents_digest(hashes), "document_count": len(hashes), "links": 0,
             "method": METHOD, "threshold": threshold, "floor": floor}
    writer = _Writer(store, state, keep)
    groups, deferred = _groups(places, at_place)
    later = _Deferred(store, deferred, stats, batch)
    done, total = 0, sum(len(lower) for lower, _ in groups) + sum(len(lower) for lower, _, _ in deferred)
    progress("linking", done, total)
    batches = itertools.chain.from_iterable(
        _link_group(store, lower_docs, higher_docs, batch, stats, everywhere, later, threshold, floor)
        for lower_docs, higher_docs in groups + later.rest(groups))
    for edges, label_of, documents in itertools.chain(batches, later.link(threshold, floor)):
        writer.write(edges, label_of)
        done += documents
        progress("linking", done, total)
    return writer.finish()


def _link_group(store, lower_docs: list[str], higher_docs: list[str], batch: int, stats: CorpusStats,
                everywhere: dict[str, list[Item]], later: _Deferred, threshold: float, floor: float):
    """(edges, labels of their ends, how many documents) per batch of one group's lower documents, linked against
    an index of its higher ones (``everywhere``: those not read again); the index is dropped at the end, before
    the next."""
    # a province's own lists are both ends: their items, read for the index, are linked without a re-read
    again: dict[str, list[Item]] = {d: [] for d in set(lower_docs) & set(higher_docs)}
    highers, owners = [], []
    for items, docs_of in _items(store, higher_docs, batch, everywhere):
        for it, doc in zip(items, docs_of):
            if it.rank < INSTITUTION:
                highers.append(it)
                owners.append(doc)
            if doc in again:
                again[doc].append(it)
    linker = Linker(highers, stats)
    later.gather(linker, owners)
    label_of = {h.id: h.label for h in highers}
    for documents, (items, _) in zip(_chunk_sizes(lower_docs, batch), _items(store, lower_docs, batch, again)):
        label_of.update((it.id, it.label) for it in items)
        yield linker.link(items, threshold, floor), label_of, documents


def _chunk_sizes(docs: list[str], batch: int) -> list[int]:
    """How many documents each batch of ``docs`` holds (``_items``, ``document_graphs``: one batch per chunk)."""
    return [len(docs[i:i + batch]) for i in range(0, len(docs), batch)]


class _Writer:
    """Writes link_store's batches of links: the first write replaces every stored link and marks the run
    incomplete, the last writes the state; counts what it wrote and keeps the edges if asked."""

    def __init__(self, store, state: dict, keep: bool) -> None:
        self.store, self.state, self.keep = store, state, keep
        self.out = LinkedEdges()
        self.counts = {"links": 0, "confident": 0}
        self.linked: set[str] = set()
        self.first = True

    def write(self, edges: list[Edge], label_of: dict[str, str]) -> None:
        written = links_graph(edges, label_of.__getitem__)
        if self.first:
            self.store.add_links(written, replace=True, state={**self.state, "complete": False})
            self.first = False
        elif edges:
            self.store.add_links(written)
        self.counts["links"] += len(edges)
        self.counts["confident"] += sum(not e.props["review"] for e in edges)
        self.linked.update(e.source for e in edges)
        if self.keep:
            self.out.extend(edges)

    def finish(self) -> LinkedEdges:
        counts = self.counts
        self.store.add_links(PolicyGraph(), replace=self.first, state={**self.state, "links": counts["links"]})
        self.out.counts = {**counts, "suggestions": counts["links"] - counts["confident"],
                           "lower_items_linked": len(self.linked)}
        return self.out


@dataclass(frozen=True)
class _Place:
    """What the link step needs to know of a stored document before reading it whole."""

    provinces: frozenset[str] | None    # scope.provinces of its jurisdiction (None: national or unknown)
    higher: bool                        # it holds tasks others may implement
    lower: bool                         # it holds tasks or measures that may implement others


def _survey(store, docs: list[str], batch: int, progress: LinkProgress) \
        -> tuple[CorpusStats, dict[str, _Place], dict[str, list[Item]], dict[frozenset[str] | None, CorpusStats]]:
    """The n-gram frequencies of every higher-level item; each document's place; the higher items of the
    documents every group needs (national or unplaced: ``_groups``), which would otherwise be read again for
    each group (31 times for a national store); and the n-gram frequencies of the higher items at each place
    (what a deferred group's own index would hold: ``_Deferred``)."""
    places: dict[str, _Place] = {}
    everywhere: dict[str, list[Item]] = {}
    at_place: dict[frozenset[str] | None, CorpusStats] = {}
    chunks = [docs[i:i + batch] for i in range(0, len(docs), batch)]
    done = 0
    progress("reading", done, len(docs))
    for chunk, part in zip(chunks, document_graphs(store, docs, batch)):
        items = collect_items(part)
        by_doc = _by_document(part, items)
        higher_at: dict[frozenset[str] | None, list[np.ndarray]] = {}
        for d in part.nodes_by_label("Document"):
            if d.doc not in chunk:
                continue
            held = by_doc.pop(d.doc, [])
            place = places[d.doc] = _Place(provinces(main_jurisdiction(d.props.get("jurisdiction"))),
                                           any(it.rank < INSTITUTION for it in held), any(it.rank > 0 for it in held))
            if place.higher and place.provinces is None:
                everywhere[d.doc] = [it for it in held if it.rank < INSTITUTION]
            higher_at.setdefault(place.provinces, []).extend(it.ids for it in held if it.rank < INSTITUTION)
        for doc in chunk:        # a document read without its Document node: anywhere, both ways (never dropped)
            places.setdefault(doc, _Place(None, True, True))
        higher_at.setdefault(None, []).extend(it.ids for held in by_doc.values() for it in held   # and stray items
                                              if it.rank < INSTITUTION)
        for key, ids in higher_at.items():
            at_place.setdefault(key, CorpusStats()).add(ids)
        done += len(chunk)
        progress("reading", done, len(docs))
    stats = CorpusStats()
    for counted in at_place.values():
        stats.merge(counted)
    return stats, places, everywhere, at_place


def _by_document(graph: PolicyGraph, items: list[Item]) -> dict[str, list[Item]]:
    """The items of a graph of whole documents by stored document (an item names its document's doc_id)."""
    stored = {d.props.get("doc_id", d.id): d.doc for d in graph.nodes_by_label("Document")}
    out: dict[str, list[Item]] = {}
    for it in items:
        out.setdefault(stored.get(it.doc) or it.doc, []).append(it)
    return out


def _items(store, docs: list[str], batch: int, known: dict[str, list[Item]]):
    """Per ``batch`` of ``docs`` (sorted): its items by id — the order an index or a batch of lower items has
    always held them (equal scores go by that order) — and each one's document; the documents in ``known``
    taken from there instead of the store."""
    for i in range(0, len(docs), batch):
        chunk = docs[i:i + batch]
        by_doc = {d: known[d] for d in chunk if d in known}
        fresh = [d for d in chunk if d not in known]
        for part in document_graphs(store, fresh, len(fresh)) if fresh else ():
            for d, its in _by_document(part, collect_items(part)).items():
                by_doc.setdefault(d, []).extend(its)
        held = sorted(((it, d) for d, its in by_doc.items() for it in its), key=lambda pair: pair[0].id)
        yield [it for it, _ in held], [d for _, d in held]


@dataclass(frozen=True)
class _Query:
    """What candidate search needs of a deferred lower item (its item is read again to be scored)."""

    rank: int
    jurisdiction: str | None
    doc: str
    row_task: str | None
    grams: np.ndarray                   # its query terms, as its own group's index picks them
    group: int                          # which deferred group


class _Deferred:
    """Groups linked without an index of their own: the lower documents of unknown place (their index would
    hold every higher task) and those of a place name two provinces share (theirs would hold both provinces,
    read again for a document or two). The other groups' indexes score their queries in turn — the terms their
    own index would pick (``CorpusStats.query_grams`` within its frequencies) and the whole store's statistics:
    the same scores, to the bit, as their own index — keeping the best CANDIDATES of their own index's tasks;
    they are scored and linked last, once every higher task has been seen."""

    def __init__(self, store, groups: list[tuple[list[str], list[str], CorpusStats | None]], stats: CorpusStats,
                 batch: int) -> None:
        self.store, self.groups, self.stats, self.batch = store, groups, stats, batch
        # ties between equal scores go by position in the group's own index: its sorted documents a batch at a
        # time, each batch's items by id (_items)
        self.chunk_of = [{d: i // batch for i, d in enumerate(higher)} for _, higher, _ in groups]
        self.seen: list[set[str]] = [set() for _ in groups]     # documents whose tasks were gathered
        self.queries: dict[str, _Query] = {}
        for g, (lower, _, within) in enumerate(groups):
            for part in document_graphs(store, lower, batch):
                for it in collect_items(part):
                    if it.rank > 0:
                        self.queries[it.id] = _Query(it.rank, it.jurisdiction, it.doc, it.row_task,
                                                     stats.query_grams(it.ids, within), g)
        self.best: dict[str, dict[str, tuple[float, tuple[int, str], Item]]] = {}   # low -> high id -> ...
        self.row_high: dict[str, Item] = {}     # low -> its own row's task (always scored: Linker.score)
        self.profiles: dict[str, doc_affinity.Profile] = {}   # the profiles of the higher candidates' documents

    def rest(self, groups: list[tuple[list[str], list[str]]]) -> list[tuple[list[str], list[str]]]:
        """A last group of no lower documents for the higher documents no group holds, if anything needs them."""
        held = {d for _, highers in groups for d in highers}
        rest = sorted({d for _, higher, _ in self.groups for d in higher} - held)
        return [([], rest)] if self.queries and rest else []

    def gather(self, linker: Linker, owners: list[str]) -> None:
        """Keep, for each query, the best CANDIDATES among those kept before and the index's tasks of
        documents its own index holds and no index gave before."""
        new = {}         # deferred group -> which of the index's tasks to look at
        for g, order in enumerate(self.chunk_of):
            new[g] = np.fromiter((d in order and d not in self.seen[g] for d in owners), dtype=bool,
                                 count=len(owners))
            self.seen[g].update(d for d in set(owners) if d in order)
        for low_id, q in self.queries.items():
            own = new[q.group]
            if not own.any():
                continue
            pos = linker.position.get(q.row_task)
            if pos is not None and own[pos]:
                self.row_high[low_id] = linker.highers[pos]
                self._profile(linker, linker.highers[pos])
            allowed = linker.allowed(q) & own
            if not allowed.any():
                continue
            best = self.best.setdefault(low_id, {})
            touched, scores = linker.index.scores_for(q.grams, allowed)
            if len(scores) > CANDIDATES:      # the best by score, ties at the edge included (order: below)
                keep = scores >= np.partition(scores, -CANDIDATES)[-CANDIDATES]
                touched, scores = touched[keep], scores[keep]
            order = self.chunk_of[q.group]
            for i, score in zip(touched.tolist(), scores.tolist()):
                high = linker.highers[i]
                best[high.id] = (score, (order[owners[i]], high.id), high)
                self._profile(linker, high)
            if len(best) > CANDIDATES:
                kept = sorted(best.values(), key=lambda skh: (-skh[0], skh[1]))[:CANDIDATES]
                self.best[low_id] = {h.id: (s, k, h) for s, k, h in kept}

    def _profile(self, linker: Linker, high: Item) -> None:
        if high.doc not in self.profiles:
            self.profiles[high.doc] = linker.doc_profiles[high.doc]

    def link(self, threshold: float, floor: float):
        """(edges, labels of their ends, how many documents) a batch of a group's documents at a time, once every
        index was seen."""
        weights = NgramIndex([], self.stats)          # an item's idf comes from the statistics alone
        for lower, _, _ in self.groups:
            for documents, part in zip(_chunk_sizes(lower, self.batch), document_graphs(self.store, lower, self.batch)):
                items = collect_items(part)
                scored = []
                for low in items:
                    if low.id not in self.best:       # a national task, or nothing it may implement
                        continue
                    weigh(low, weights)
                    kept = sorted(self.best[low.id].values(), key=lambda skh: (-skh[0], skh[1]))
                    highs = [h for _, _, h in kept]
                    row = self.row_high.get(low.id)
                    if row is not None and row.id not in self.best[low.id]:
                        highs.append(row)
                    scored.extend((low, h, pair_features(low, h)) for h in highs)
                label_of = {it.id: it.label for it in items}
                label_of.update((h.id, h.label) for _, h, _ in scored)
                affinities = doc_affinity.Affinities.of_batch(items, weights, self.profiles)
                yield decide(probabilities(scored), threshold, floor, affinities), label_of, documents


def _groups(places: dict[str, _Place], at_place: dict[frozenset[str] | None, CorpusStats]) \
        -> tuple[list[tuple[list[str], list[str]]], list[tuple[list[str], list[str], CorpusStats | None]]]:
    """(lower documents, the documents whose tasks they may implement) per province, in a fixed order; and
    the deferred groups (``_Deferred``) with the n-gram frequencies of their own index: each place name two
    provinces share, then the lower documents of unknown place (against every higher document: the store's,
    None)."""
    everywhere = sorted(d for d, p in places.items() if p.higher and p.provinces is None)
    by_provinces: dict[frozenset[str], list[str]] = {}
    unplaced = []
    for doc in sorted(places):
        p = places[doc]
        if p.lower:
            (unplaced if p.provinces is None else by_provinces.setdefault(p.provinces, [])).append(doc)
    groups, deferred = [], []
    for key in sorted(by_provinces, key=sorted):
        highers = sorted({*everywhere, *(d for d, p in places.items()
                                         if p.higher and p.provinces is not None and p.provinces & key)})
        if len(key) == 1:
            groups.append((by_provinces[key], highers))
        else:
            own = CorpusStats()
            for k, counted in at_place.items():
                if k is None or k & key:
                    own.merge(counted)
            deferred.append((by_provinces[key], highers, own))
    if unplaced:
        deferred.append((unplaced, sorted(d for d, p in places.items() if p.higher), None))
    return groups, deferred


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
    after writing documents and before its links were written, or ran with --no-link. Stale when documents
    changed since, or when the links were made by another method (an older model). ``count_links`` also
    compares the links in the store with the number the last run wrote (``validate``; costs a count)."""
    hashes = store.document_hashes()
    state = store.link_state()
    fix = "run `policykg link` (or `policykg ingest` again) to link them"
    if state is None:
        if not hashes:
            return LinkStatus(True, "no documents, no links")
        return LinkStatus(False, f"pending: no link run has completed for the {len(hashes)} stored document(s); {fix}")
    if state.get("complete") is False:
        return LinkStatus(False, f"pending: a link run stopped before it had written every link; {fix}")
    if state.get("documents") != documents_digest(hashes):
        return LinkStatus(False, f"stale: documents were added or changed since the last completed link run "
                                 f"({state.get('document_count')} then, {len(hashes)} now); {fix}")
    if state.get("method") != METHOD:     # a newer model or method: its links differ (model v3 vs v2)
        return LinkStatus(False, f"stale: the links were made by {state.get('method')}, and this policykg links "
                                 f"with {METHOD}; {fix}")
    if count_links:
        stored = store.counts().get("IMPLEMENTS", 0)
        if stored != state.get("links"):
            return LinkStatus(False, f"stale: the store holds {stored} link(s) but the last link run wrote "
                                     f"{state.get('links')}; {fix}")
    return LinkStatus(True, f"current: {state.get('links')} link(s) over {len(hashes)} document(s) "
                            f"({state.get('method')}, threshold {state.get('threshold')}, floor {state.get('floor')})")


def summary(edges: list[Edge]) -> dict[str, int]:
    if getattr(edges, "counts", None) is not None:      # link_store's result, edges kept or not
        return dict(edges.counts)
    confident = sum(1 for e in edges if not e.props["review"])
    return {"links": len(edges), "confident": confident, "suggestions": len(edges) - confident,
            "lower_items_linked": len({e.source for e in edges})}

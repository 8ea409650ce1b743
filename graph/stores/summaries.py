"""Counts kept up to date with every document write, so ranking and roll-up questions read a few counts per
document instead of every task (issue 16: at 100,000 tasks the canned rankings scanned ~300,000 edges).

For each document, computed from its own subgraph when it is written and stored with it (owned by the
document: written, replaced and deleted in the same transaction), in both stores, from the ``summaries:``
section of mapping.yaml:

- DepartmentSummary, per department the document names: the distinct items (tasks and school measures) that
  name it as lead, as support, either, and either with no deadline;
- FunctionSummary, per function of those departments: the distinct items naming a department of that function
  at each level, and at any level;
- DeadlineSummary, per deadline year and kind: the distinct items with such a deadline;
and on each task the number of departments it names (``department_count``, a task property); on the document, its
targets counted per unit (``target_counts``).

An item belongs to one document, so a document's counts add up across documents: a ranking over the whole
store reads the totals each store keeps of those sums (graph/stores/rdf_totals.py, neo4j_totals.py); a question
about one document reads its own. Pairs of departments named on the same items (lead or support) have only a
store-wide total (the items naming both): a write counts the pairs of the items it adds and removes from their
edges (``department_pairs``), and a question about one document counts its items' edges.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Iterable

from policykg.graph.model import Edge, Node, PolicyGraph
from policykg.ontology.mapping import Mapping

RESPONSIBLE = ("LEAD", "SUPPORT")
TOTALLED = ("items", "lead", "support")     # a DepartmentSummary's counts, summed store-wide into total_<name>

# What a write adds to the store-wide totals (graph/stores/rdf_totals.py, neo4j_totals.py):
# department -> [items, lead, support] (TOTALLED); (first department, second) -> [shared]
Counts = dict[str | tuple[str, str], list[int]]
LEVELS = ("national", "provincial", "municipal", "county", "institution")


def summary_id(kind: str, doc: str, part: str) -> str:
    return f"summary/{kind}/{doc}/{part}"


def pair_total_id(first: str, second: str) -> str:
    """The node id of a store-wide pair total (rdf_totals, neo4j_totals): a pair summary of no document (no
    document has an empty id), named by a digest of its two ends (IRIs on the RDF stores, ids on Neo4j)."""
    return summary_id("pair", "", hashlib.sha256(f"{first}\x1f{second}".encode()).hexdigest()[:24])


def document_summaries(sub: PolicyGraph, doc: str) -> tuple[list[Node], list[Edge]]:
    """The summary nodes of document ``doc`` (and their edges to the departments they count)."""
    roles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))   # dept -> role -> items
    dated: set[str] = set()
    by_year: dict[tuple, set[str]] = defaultdict(set)
    for e in sub.edges.values():
        if e.doc != doc:
            continue
        if e.type in RESPONSIBLE:
            roles[e.target][e.type].add(e.source)
        elif e.type == "HAS_DEADLINE":
            dated.add(e.source)
            dl = sub.nodes[e.target].props
            by_year[(dl.get("year"), dl.get("kind"))].add(e.source)
    nodes: list[Node] = []
    edges: list[Edge] = []
    functions: dict[str, dict[str | None, set[str]]] = defaultdict(lambda: defaultdict(set))
    for dept_id in sorted(roles):
        lead, support = roles[dept_id]["LEAD"], roles[dept_id]["SUPPORT"]
        items = lead | support
        dept = sub.nodes[dept_id].props
        node = Node(summary_id("department", doc, dept_id), "DepartmentSummary", {
            "doc_id": doc, "lead": len(lead), "support": len(support), "items": len(items),
            "no_deadline": len(items - dated)}, doc=doc)
        nodes.append(node)
        edges.append(Edge(node.id, "SUMMARIZES", dept_id, doc=doc))
        if dept.get("function"):
            functions[dept["function"]][dept.get("level")].update(items)
    for code in sorted(functions):
        per_level = functions[code]
        props = {"doc_id": doc, "function": code,
                 "items": len(set().union(*per_level.values()))}
        props.update({level: len(per_level[level]) for level in LEVELS if per_level.get(level)})
        nodes.append(Node(summary_id("function", doc, code), "FunctionSummary", props, doc=doc))
    for (year, kind), items in sorted(by_year.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1] or "")):
        if kind is None:
            continue
        props = {"doc_id": doc, "kind": kind, "items": len(items)}
        if year is not None:
            props["year"] = year
        nodes.append(Node(summary_id("deadline", doc, f"{year or ''}/{kind}"), "DeadlineSummary", props, doc=doc))
    return nodes, edges


def department_pairs(named: Iterable[tuple[str, str]]) -> Counts:
    """(item, department id) edges, lead or support -> (first department id, second) -> [the distinct items naming
    both], the smaller id first: the count of the store-wide pair totals (rdf_totals, neo4j_totals)."""
    by_item: dict[str, set[str]] = defaultdict(set)      # item -> the departments it names
    for item, dept_id in named:
        by_item[item].add(dept_id)
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for depts in by_item.values():
        ordered = sorted(depts)
        for i, first in enumerate(ordered):
            for second in ordered[i + 1:]:
                pairs[(first, second)] += 1
    return {pair: [n] for pair, n in pairs.items()}


def department_counts(sub: PolicyGraph, doc: str) -> dict[str, int]:
    """Task id -> the number of distinct departments it names (lead or support)."""
    named: dict[str, set[str]] = defaultdict(set)
    for e in sub.edges.values():
        if e.doc == doc and e.type in RESPONSIBLE and sub.nodes[e.source].label == "Task":
            named[e.source].add(e.target)
    return {task: len(depts) for task, depts in named.items()}


def target_counts(sub: PolicyGraph, doc: str) -> list[str]:
    """Per unit of the document's tasks' targets (those with a text, what a listing shows), how many:
    ``"<targets>|<unit>"``, ``""`` standing for no unit; sorted."""
    per_unit: dict[str, int] = defaultdict(int)
    for e in sub.edges.values():
        target = sub.nodes.get(e.target)
        if e.type == "HAS_TARGET" and e.doc == doc and target is not None and target.props.get("text"):
            per_unit[target.props.get("unit") or ""] += 1
    return [f"{n}|{unit}" for unit, n in sorted(per_unit.items())]


SORT_KEY_CHARS = 5      # five characters: at most 15 bytes in UTF-8 (BMP), what Oxigraph keeps inline


def sort_key(text: str, piece: int = 0) -> str:
    """Characters ``5*piece`` to ``5*piece + 5`` of ``text``. Ordering by the pieces, then by the text, is ordering
    by the text (every piece has the same number of characters), and Oxigraph compares such short strings without
    a dictionary lookup: sorting 35,000 department names at 100,000 tasks took 1.5 s by name, 12 ms by key."""
    return text[SORT_KEY_CHARS * piece:SORT_KEY_CHARS * (piece + 1)]


KEY_PIECES = ("key_piece", "key_piece2", "key_piece3")     # a department's key, in mapping.yaml's names
ID_PIECES = ("id_key", "id_key2", "id_key3")                 # a document's id


def key_pieces(text: str | None, names: tuple[str, ...]) -> dict[str, str]:
    """The first pieces of ``text`` (sort_key) under ``names``; empty pieces left out."""
    pieces = (sort_key(text or "", i) for i in range(len(names)))
    return {name: piece for name, piece in zip(names, pieces) if piece}


def add_counts(counts: Counts, more: Counts, sign: int = 1) -> None:
    """Add ``sign`` times ``more`` into ``counts``, in place: the bulk loader adds every document's into one
    dict."""
    for key, values in more.items():
        counts[key] = [a + sign * b for a, b in zip(counts.get(key, [0] * len(values)), values)]


def with_summaries(sub: PolicyGraph, doc: str, m: Mapping) -> PolicyGraph:
    """``sub`` (one document's subgraph) with its summaries: what both stores write for the document. The
    department count goes on each task (a task naming none has none), the sort keys on departments and on the
    document."""
    out = PolicyGraph()
    counts = department_counts(sub, doc)
    for node in sub.nodes.values():
        extra = {}
        if node.label == "Task" and node.doc == doc and node.id in counts:
            extra["department_count"] = counts[node.id]
        elif node.label == "Department":
            if node.props.get("name"):
                extra["name_key"] = sort_key(node.props["name"])
            extra.update(key_pieces(node.props.get("key"), KEY_PIECES))
        elif node.label == "Document" and node.doc == doc:
            extra.update(key_pieces(node.props.get("doc_id"), ID_PIECES))
            if counts_by_unit := target_counts(sub, doc):
                extra["target_counts"] = counts_by_unit
        if extra:
            node = Node(node.id, node.label, {**node.props, **extra}, doc=node.doc)
        out.nodes[node.id] = node
    out.edges.update(sub.edges)
    nodes, edges = document_summaries(sub, doc)
    for node in nodes:
        out.nodes[node.id] = node
    for edge in edges:
        out.edges[edge.key] = edge
    return out


__all__ = ["Counts", "ID_PIECES", "KEY_PIECES", "TOTALLED", "add_counts", "document_summaries", "department_counts",
           "department_pairs", "key_pieces", "pair_total_id", "sort_key", "summary_id", "target_counts",
           "with_summaries"]

"""The Neo4j store's write path: many documents per transaction, each label and relationship type in one UNWIND.

A batch is planned document by document first (every value checked: a bad document fails alone, before the
database is touched), then written in ONE transaction:

1. read the stored hashes of the batch's documents: an unchanged document drops out of the batch;
2. for documents that replace stored ones: note the shared nodes their old versions reach, delete every edge
   touching a node they own and the owned nodes the new versions no longer hold (the others are updated in
   place in step 4);
3. MERGE the shared nodes the batch touches once each (departments, functions, jurisdictions; last writer wins
   per property), by their ``id`` (a uniqueness constraint per label backs every MERGE): only those whose
   stored values differ, read first (in a large load nearly all are stored already and unchanged);
4. CREATE the owned nodes (SET the kept ones), one statement per label for the whole batch;
5. single-valued links among shared nodes (a department's parent): where the stored link differs, other
   targets dropped, then MERGEd;
6. CREATE the owned edges, one statement per (type, source label, target label);
7. add to the store-wide totals what the batch changed: its summaries minus those of the replaced versions,
   read in step 2 before they are deleted (neo4j_totals);
8. delete the noted shared nodes that nothing refers to any more.

If the transaction fails on the server, the batch is written again one document per transaction, so the one
document at fault is named and every other one is written.
"""
from __future__ import annotations

from collections import defaultdict

from policykg.graph.stores import cypher_codec as cc
from policykg.graph.model import Edge, PolicyGraph
from policykg.graph.stores.neo4j_totals import add_to_totals, mark, stored_counts, written_counts
from policykg.graph.stores.summaries import add_counts, with_summaries
from policykg.ontology.mapping import Mapping


class DocumentWriteError(ValueError):
    """A document's subgraph could not be written (nothing of it was kept); the message says why."""


class DocumentRows:
    """One document's rows, grouped by label and relationship type."""

    def __init__(self, doc: str, sha256: str, graph: PolicyGraph, m: Mapping) -> None:
        sub = graph.written_subgraph(doc)
        self.doc, self.sha256 = doc, sha256
        self.tasks = sum(1 for n in sub.nodes_by_label("Task") if n.doc == doc)
        sub = with_summaries(sub, doc, m)
        self.owned: dict[str, list[dict]] = defaultdict(list)
        self.shared: dict[str, list[dict]] = defaultdict(list)
        for node in sub.nodes.values():
            if node.doc == doc:
                row = cc.node_row(node, m)
                if node.label == "Document":
                    row["sha256"] = sha256
                self.owned[node.label].append(row)
            elif node.doc is None:
                self.shared[node.label].append(cc.node_row(node, m))
            # a node another document owns (a cited document) is only matched, never written here
        shared_rel_types = {r.type for r in m.shared_rels()}
        self.edges: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
        self.single: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
        for e in sub.edges.values():
            labels = (sub.nodes[e.source].label, sub.nodes[e.target].label)
            row = {"s": e.source, "t": e.target, "p": cc.edge_props(e, m, labels)}
            if e.doc is None and e.type in shared_rel_types:
                self.single[(e.type, *labels)].append(row)
            elif e.doc == doc:
                _check_owned_edge(e, sub, doc)
                self.edges[(e.type, *labels)].append(row)
            else:
                raise cc.CodecError(f"edge {e.key} in the graph of {doc!r} belongs to {e.doc!r}")


def _check_owned_edge(e: Edge, sub: PolicyGraph, doc: str) -> None:
    # an owned edge must start or end at a node the document owns, or replacing the document would leave it
    if sub.nodes[e.source].doc != doc and sub.nodes[e.target].doc != doc:
        raise cc.CodecError(f"edge {e.key} is owned by {doc!r} but touches none of its nodes")


def expect(tx, text: str, rows: list[dict], what: str) -> None:
    """Run one UNWIND batch and check that every row found its nodes (a miss would silently drop facts)."""
    written = tx.run(text, rows=rows).single()[0]
    if written != len(rows):
        raise DocumentWriteError(f"{what}: {len(rows) - written} of {len(rows)} row(s) refer to nodes that are "
                                 "not in the store")


class BatchWrite:
    """The transaction function that writes a batch of documents (see the module docstring)."""

    def __init__(self, rows: list[DocumentRows], owned_labels: list[str], up: str) -> None:
        self.rows, self.owned_labels, self.up = rows, owned_labels, up

    def __call__(self, tx) -> dict[str, str]:
        actions = self._sort_out(tx)
        todo = [r for r in self.rows if actions[r.doc] != "unchanged"]
        replaced = [r.doc for r in todo if actions[r.doc] == "replaced"]
        rows = BatchRows(todo)
        candidates: dict[str, list[str]] = {}
        kept: dict[str, set[str]] = {}
        counts = written_counts(todo)
        if replaced:                # a new document has nothing to delete and can orphan nothing
            candidates = self._orphan_candidates(tx, replaced)
            add_counts(counts, stored_counts(tx, replaced), -1)
            kept = clear_replaced(tx, self.owned_labels, replaced, rows.owned)
        write_shared_nodes(tx, rows.shared)
        for label, owned in sorted(rows.owned.items()):
            write_owned_nodes(tx, label, owned, kept.get(label, set()))
        write_single_edges(tx, rows.single)
        for (rel_type, src, dst), edges in sorted(rows.edges.items()):
            expect(tx, cc.create_edges(rel_type, src, dst), edges, f"{rel_type} edges")
        add_to_totals(tx, counts)
        mark(tx)
        if candidates:
            remove_orphans(tx, candidates, self.up)
        return actions

    def _sort_out(self, tx) -> dict[str, str]:
        """Each document's action from its stored hash: "unchanged", "replaced" or "added"."""
        docs = [r.doc for r in self.rows]
        stored = {d: sha for d, sha in tx.run("UNWIND $docs AS d MATCH (x:`Document` {_doc: d}) "
                                              "RETURN d, x.sha256", docs=docs)}
        return {r.doc: ("unchanged" if stored[r.doc] == r.sha256 else "replaced") if r.doc in stored else "added"
                for r in self.rows}

    def _orphan_candidates(self, tx, docs: list[str]) -> dict[str, list[str]]:
        """Shared nodes the stored versions reach (directly, or above them): only these can become orphans."""
        found: dict[str, set[str]] = defaultdict(set)
        for label in self.owned_labels:
            text = (f"MATCH (o:{cc.ident(label)})-->(s) WHERE o.{cc.ident(cc.DOC)} IN $docs AND s._doc IS NULL "
                    f"OPTIONAL MATCH (s)-[{self.up}*1..]->(up) "
                    "UNWIND [s, up] AS n WITH DISTINCT n WHERE n IS NOT NULL RETURN labels(n), n.id")
            for labels, node_id in tx.run(text, docs=docs):
                for lab in labels:
                    found[lab].add(node_id)
        return {label: sorted(ids) for label, ids in found.items()}


class BatchRows:
    """The rows of a batch's documents put together: one list per label and relationship type."""

    def __init__(self, rows: list[DocumentRows]) -> None:
        self.shared: dict[str, dict[str, dict]] = defaultdict(dict)
        self.owned: dict[str, list[dict]] = defaultdict(list)
        self.single: dict[tuple[str, str, str], dict[str, dict]] = defaultdict(dict)
        self.edges: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
        for r in rows:
            for label, nodes in r.shared.items():
                merged = self.shared[label]
                for row in nodes:          # each shared node once per batch; later documents' values win
                    merged[row[cc.ID]] = {**merged.get(row[cc.ID], {}), **row}
            for label, nodes in r.owned.items():
                self.owned[label].extend(nodes)
            for key, edges in r.single.items():
                for row in edges:
                    self.single[key][row["s"]] = row
            for key, edges in r.edges.items():
                self.edges[key].extend(edges)


def clear_replaced(tx, labels: list[str], docs: list[str], owned: dict[str, list[dict]]) -> dict[str, set[str]]:
    """Empty the stored versions of ``docs``: every edge touching a node they own is deleted, and the owned
    nodes their new versions (``owned``, per label) do not hold; returns the ids kept, per label.

    Kept nodes are overwritten in place (write_owned_nodes) instead of deleted and created again: a node
    deleted and created under the same id in one transaction costs the server several times a new one (the
    uniqueness check and every look-up by id go through the transaction's removed index entries)."""
    doc = cc.ident(cc.DOC)
    kept: dict[str, set[str]] = {}
    for label in labels:
        node = f"(n:{cc.ident(label)})"
        # an edge between two nodes of the label is matched from both ends: DISTINCT deletes it once
        tx.run(f"MATCH {node}-[r]-() WHERE n.{doc} IN $docs WITH DISTINCT r DELETE r", docs=docs).consume()
        stored = {r[0] for r in tx.run(f"MATCH {node} WHERE n.{doc} IN $docs RETURN n.{cc.ident(cc.ID)}", docs=docs)}
        new = {row[cc.ID] for row in owned.get(label, ())}
        kept[label] = stored & new
        if stored - new:
            tx.run(f"UNWIND $ids AS id MATCH {node} WHERE n.{cc.ident(cc.ID)} = id DELETE n",
                   ids=sorted(stored - new)).consume()
    return kept


def write_owned_nodes(tx, label: str, rows: list[dict], kept: set[str]) -> None:
    """CREATE the label's new owned nodes; overwrite (SET n = row) those kept from a replaced version."""
    again = [row for row in rows if row[cc.ID] in kept]
    if again:
        expect(tx, cc.overwrite_nodes(label), again, f"{label} nodes")
    if len(again) < len(rows):
        expect(tx, cc.create_nodes(label), [row for row in rows if row[cc.ID] not in kept], f"{label} nodes")


def write_shared_nodes(tx, shared: dict[str, dict[str, dict]]) -> None:
    """MERGE the shared nodes whose stored values differ from the batch's. In a large load most are stored
    already and unchanged (at 100,000 synthetic tasks 23,000 of 54,600 rows): reading them takes no lock and
    writes nothing, where a MERGE and SET of each takes a write lock on the node."""
    for label, merged in sorted(shared.items()):
        stored = {node_id: props for node_id, props in tx.run(cc.read_nodes(label), ids=list(merged))}
        changed = [row for node_id, row in merged.items() if not _holds(stored.get(node_id), row)]
        if changed:
            expect(tx, cc.merge_nodes(label), changed, f"{label} nodes")


def write_single_edges(tx, single: dict[tuple[str, str, str], dict[str, dict]]) -> None:
    """Single-valued links among shared nodes (a department's parent): where the stored link is not the batch's
    (and only that one), the other targets are dropped and the batch's MERGEd."""
    for (rel_type, src, dst), by_source in sorted(single.items()):
        stored: dict[str, list] = defaultdict(list)
        for source, target, props in tx.run(cc.read_edges(rel_type, src), ids=list(by_source)):
            stored[source].append((target, props))
        changed = [row for source, row in by_source.items() if stored.get(source) != [(row["t"], row["p"])]]
        if changed:
            tx.run(cc.drop_other_edges(rel_type, src), rows=[{"s": row["s"], "ts": [row["t"]]} for row in changed]).consume()
            expect(tx, cc.merge_edges(rel_type, src, dst), changed, f"{rel_type} edges")


def _holds(stored: dict | None, row: dict) -> bool:
    # a value read back in another type (a date) counts as different: written again, never wrongly skipped
    return stored is not None and all(stored.get(k) == v for k, v in row.items())


def remove_orphans(tx, candidates: dict[str, list[str]], up: str) -> None:
    """Delete the candidates no owned node refers to, directly or through the shared nodes below them.

    Decided in one read first, then deleted, so the order of deletion cannot change the answer.
    """
    doomed: dict[str, list[str]] = {}
    for label, ids in candidates.items():
        text = (f"UNWIND $ids AS id MATCH (n:{cc.ident(label)} {{id: id}}) "
                "WHERE NOT EXISTS { MATCH (o)-->(n) WHERE o._doc IS NOT NULL } "
                f"AND NOT EXISTS {{ MATCH (o)-->(root)-[{up}*1..]->(n) WHERE o._doc IS NOT NULL AND root._doc IS NULL }} "
                "RETURN n.id")
        doomed[label] = [r[0] for r in tx.run(text, ids=ids)]
    for label, ids in doomed.items():
        if ids:
            tx.run(f"UNWIND $ids AS id MATCH (n:{cc.ident(label)} {{id: id}}) DETACH DELETE n", ids=ids).consume()


__all__ = ["BatchRows", "BatchWrite", "DocumentRows", "DocumentWriteError", "clear_replaced", "expect",
           "remove_orphans", "write_owned_nodes", "write_shared_nodes", "write_single_edges"]

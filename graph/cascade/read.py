"""Reading a store for cascade linking a batch of documents at a time, so the link step never holds the whole
stored graph (at about 185 KB per task in memory, 8,000 tasks passed 2 GB that way).

    for graph in document_graphs(store, docs, batch=200): ...   # each a PolicyGraph of whole documents

A store that offers ``load_documents(docs) -> PolicyGraph`` (those documents' subgraphs with the shared nodes
they reach: the embedded Oxigraph store, by each document's boundary) is read through it; Neo4j by the owner mark
every document's nodes and edges carry. Any other store (a remote SPARQL endpoint, test doubles) is read whole once
and handed out in the same batches.
"""
from __future__ import annotations

from typing import Iterator

from policykg.graph.model import PolicyGraph

BATCH = 200   # documents per batch (a few thousand tasks)


def document_graphs(store, docs: list[str], batch: int = BATCH) -> Iterator[PolicyGraph]:
    read = _reader(store)
    for i in range(0, len(docs), batch):
        yield read(docs[i:i + batch])


def _reader(store):
    if callable(getattr(store, "load_documents", None)):
        return store.load_documents
    if getattr(store, "kind", None) == "neo4j":
        return _Neo4jReader(store)
    return _WholeReader(store)


class _Neo4jReader:
    """Nodes and edges owned by the documents (their ``_doc`` mark), and the shared nodes those edges reach."""

    def __init__(self, store) -> None:
        self.store = store

    def __call__(self, docs: list[str]) -> PolicyGraph:
        from policykg.graph.stores import cypher_codec as cc

        m, g = self.store.m, PolicyGraph()
        owned = [label for label, spec in m.nodes.items() if not spec.shared]
        for label in owned:
            text = (f"MATCH (n:{cc.ident(label)}) WHERE n.{cc.ident(cc.DOC)} IN $docs "
                    f"RETURN properties(n) ORDER BY n.{cc.ident(cc.ID)}")
            for (props,) in self.store._read(text, {"docs": docs}):
                g.add_node(cc.stored_node(label, props, m))
        ends: list[tuple[str, str, str, dict]] = []
        for rel, spec in m.relationships.items():
            for label in (lab for lab in spec.from_labels if lab in owned):   # anchored on the owner index
                text = (f"MATCH (a:{cc.ident(label)})-[r:{cc.ident(rel)}]->(b) WHERE a.{cc.ident(cc.DOC)} IN $docs "
                        f"AND r.{cc.ident(cc.DOC)} IN $docs RETURN a.{cc.ident(cc.ID)}, b.{cc.ident(cc.ID)}, "
                        f"labels(b), properties(b), properties(r)")
                ends.extend(self._edges(text, docs, g, rel))
        for s, rel, t, rprops in ends:
            if s in g.nodes and t in g.nodes:
                g.add_edge(cc.stored_edge(s, rel, t, rprops, m))
        return g

    def _edges(self, text: str, docs: list[str], g: PolicyGraph, rel: str):
        from policykg.graph.stores import cypher_codec as cc

        m = self.store.m
        out = []
        for s, t, labels, bprops, rprops in self.store._read(text, {"docs": docs}):
            if t not in g.nodes:
                label = next((lab for lab in labels if lab in m.nodes), None)
                if label is None:
                    continue
                g.add_node(cc.stored_node(label, bprops, m))
            out.append((s, rel, t, rprops))
        return out


class _WholeReader:
    def __init__(self, store) -> None:
        self.graph = store.load_graph()

    def __call__(self, docs: list[str]) -> PolicyGraph:
        out = PolicyGraph()
        for doc in docs:
            sub = self.graph.document_subgraph(doc)
            for n in sub.nodes.values():
                out.add_node(n)
            for e in sub.edges.values():
                out.add_edge(e)
        return out

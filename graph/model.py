"""The in-memory policy graph: typed nodes and edges of the ontology, with networkx underneath.

Node labels, relationship types and property names are those of ``ontology/mapping.yaml``; both stores are
written from a ``PolicyGraph`` through that mapping, so this module knows nothing of RDF or Cypher.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator

if TYPE_CHECKING:  # networkx is imported only when a caller asks for it: it costs 0.25 s at start-up
    import networkx as nx



@dataclass(frozen=True)
class Node:
    id: str                     # stable, store-independent identifier, e.g. "task/000_e0bd/12"
    label: str                  # a node label of the mapping: Document, Task, Department, ...
    props: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    doc: str | None = None      # the document that owns this node; None for shared nodes (departments, functions)


@dataclass(frozen=True)
class Edge:
    source: str
    type: str                   # a relationship type of the mapping: HAS_TASK, LEAD, ...
    target: str
    props: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    doc: str | None = None      # the document whose ingest created this edge

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.type, self.target)


class PolicyGraph:
    """Nodes by id and edges by (source, type, target); adding the same node twice merges its properties."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: dict[tuple[str, str, str], Edge] = {}

    def add_node(self, node: Node) -> Node:
        existing = self.nodes.get(node.id)
        if existing is not None:
            if existing.label != node.label:
                raise ValueError(f"node {node.id!r} is both {existing.label} and {node.label}")
            merged = {**existing.props, **{k: v for k, v in node.props.items() if v is not None}}
            node = Node(node.id, node.label, merged, existing.doc if existing.doc is not None else node.doc)
        self.nodes[node.id] = node
        return node

    def add_edge(self, edge: Edge) -> Edge:
        for end in (edge.source, edge.target):
            if end not in self.nodes:
                raise KeyError(f"edge {edge.type} refers to unknown node {end!r}")
        self.edges[edge.key] = edge
        return edge

    def merge(self, other: "PolicyGraph") -> "PolicyGraph":
        for node in other.nodes.values():
            self.add_node(node)
        for edge in other.edges.values():
            self.add_edge(edge)
        return self

    def nodes_by_label(self, label: str) -> Iterator[Node]:
        return (n for n in self.nodes.values() if n.label == label)

    def edges_by_type(self, rel_type: str) -> Iterator[Edge]:
        return (e for e in self.edges.values() if e.type == rel_type)

    def documents(self) -> list[str]:
        return sorted(n.props.get("doc_id", n.id) for n in self.nodes_by_label("Document"))

    def document_subgraph(self, doc: str) -> "PolicyGraph":
        """What one document's ingest writes: its own nodes and edges plus the shared nodes they touch."""
        if all(n.doc in (doc, None) for n in self.nodes.values()) and all(
                e.doc in (doc, None) for e in self.edges.values()) and any(n.doc == doc for n in self.nodes.values()):
            return self         # the graph of this one document (what ingest builds per file): nothing to pick
        sub = PolicyGraph()
        own_edges = [e for e in self.edges.values() if e.doc == doc]
        wanted = {n.id for n in self.nodes.values() if n.doc == doc}
        for e in own_edges:
            wanted.update((e.source, e.target))
        # shared nodes bring their own shared context (a division's parent, a department's function)
        shared_from: dict[str, list[Edge]] = {}
        for e in self.edges.values():
            if e.doc is None:
                shared_from.setdefault(e.source, []).append(e)
        frontier = [i for i in wanted if self.nodes[i].doc is None]
        shared_edges = []
        while frontier:
            for e in shared_from.get(frontier.pop(), ()):
                shared_edges.append(e)
                if e.target not in wanted:
                    wanted.add(e.target)
                    frontier.append(e.target)
        for node_id in sorted(wanted):
            sub.add_node(self.nodes[node_id])
        for e in own_edges + shared_edges:
            sub.add_edge(e)
        return sub

    def written_subgraph(self, doc: str) -> "PolicyGraph":
        """``document_subgraph(doc)``, checked to hold exactly one Document of its own, ``doc``: what every store
        writes for one document."""
        sub = self.document_subgraph(doc)
        docs = {n.props.get("doc_id") for n in sub.nodes_by_label("Document") if n.doc == doc}
        if docs != {doc}:
            raise ValueError(f"the graph for {doc!r} holds the documents {sorted(d for d in docs if d)}")
        return sub

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for n in self.nodes.values():
            out[n.label] = out.get(n.label, 0) + 1
        for e in self.edges.values():
            out[e.type] = out.get(e.type, 0) + 1
        return dict(sorted(out.items()))

    def to_networkx(self) -> "nx.MultiDiGraph":
        import networkx as nx

        g = nx.MultiDiGraph()
        for n in self.nodes.values():
            g.add_node(n.id, label=n.label, **n.props)
        for e in self.edges.values():
            g.add_edge(e.source, e.target, key=e.type, type=e.type, **e.props)
        return g

    def __len__(self) -> int:
        return len(self.nodes)

    @classmethod
    def from_parts(cls, nodes: Iterable[Node], edges: Iterable[Edge]) -> "PolicyGraph":
        g = cls()
        for n in nodes:
            g.add_node(n)
        for e in edges:
            g.add_edge(e)
        return g

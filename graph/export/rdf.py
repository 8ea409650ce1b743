"""Serialising the stored graph as RDF (Turtle, N-Triples, JSON-LD, TriG, N-Quads) for other tools."""
from __future__ import annotations

from typing import BinaryIO, Iterable

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Triple, serialize

from policykg.graph.model import PolicyGraph
from policykg.graph.stores.rdf_codec import graph_quads
from policykg.ontology.mapping import load_mapping

# format name -> (pyoxigraph format, one named graph per document)
FORMATS: dict[str, tuple[RdfFormat, bool]] = {
    "ttl": (RdfFormat.TURTLE, False),
    "nt": (RdfFormat.N_TRIPLES, False),
    "jsonld": (RdfFormat.JSON_LD, False),
    "trig": (RdfFormat.TRIG, True),
    "nq": (RdfFormat.N_QUADS, True),
}


def stored_quads(store) -> Iterable[Quad]:
    """What a store holds as RDF, in the stored (lean) form validation checks: an RDF store's own quads (its
    summaries left out: counts derived from the graph, see graph/stores/summaries.py), else its graph written through the
    mapping (Neo4j)."""
    if hasattr(store, "quads"):
        summary = load_mapping().summary_predicates()
        return (q for q in store.quads() if q.predicate.value not in summary)
    return graph_quads(store.load_graph(), load_mapping())


def export_quads(store, by_document: bool = False) -> list[Quad]:
    """A whole store as exports write it: the stored form plus the vocabulary alignment (ODRL, ELI, PROV,
    OWL-Time, SKOS) that the store declares once in the ontology instead of storing per task.
    ``by_document``: each document's own statements in a named graph of its own (``in_document_graphs``)."""
    graph = store.load_graph()
    quads = graph_quads(graph, load_mapping(), interop=True)
    return in_document_graphs(graph, quads) if by_document else quads


def in_document_graphs(graph: PolicyGraph, quads: list[Quad]) -> list[Quad]:
    """``quads`` with every statement about a node a document owns in that document's graph, named by the
    Document node's IRI; shared departments, functions and places, and the cross-document links (derived by the
    link step, owned by no document), stay in the default graph. The store itself keeps everything in the default
    graph (a document's boundary is its Document node, see mapping.yaml); TriG and N-Quads readers get the
    per-document provenance back."""
    m = load_mapping()
    owner = {m.node_iri(n.id): NamedNode(m.node_iri(f"doc/{n.doc}")) for n in graph.nodes.values() if n.doc}
    links = {m.relationships[r].iri for r in m.layout.links}
    default = DefaultGraph()
    return [Quad(q.subject, q.predicate, q.object,
                 default if q.predicate.value in links else owner.get(q.subject.value, default))
            for q in quads]


def export_rdf(quads: Iterable[Quad], fmt: str, output: BinaryIO | str | None = None) -> bytes | None:
    """Write ``quads`` in ``fmt``; triple formats get the union of all graphs (each triple once)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    rdf_format, keeps_graphs = FORMATS[fmt]
    m = load_mapping()
    prefixes = dict(m.prefixes)   # node IRIs stay whole: their slashes would need escaping as local names
    if keeps_graphs:
        items = sorted(quads, key=str)
    else:
        items = sorted({Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    kwargs = {"prefixes": prefixes} if rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG, RdfFormat.JSON_LD) else {}
    return serialize(items, output, format=rdf_format, **kwargs)

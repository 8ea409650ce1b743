"""Serialising the stored graph as RDF (Turtle, N-Triples, JSON-LD, TriG, N-Quads) for other tools."""
from __future__ import annotations

from typing import BinaryIO, Iterable

from pyoxigraph import Quad, RdfFormat, Triple, serialize

from policykg.graph.stores.rdf_codec import graph_quads
from policykg.ontology.mapping import load_mapping

# format name -> (pyoxigraph format, keeps named graphs)
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


def export_quads(store) -> list[Quad]:
    """A whole store as exports write it: the stored form plus the vocabulary alignment (ODRL, ELI, PROV,
    OWL-Time, SKOS) that the store declares once in the ontology instead of storing per task."""
    return graph_quads(store.load_graph(), load_mapping(), interop=True)


def export_rdf(quads: Iterable[Quad], fmt: str, output: BinaryIO | str | None = None) -> bytes | None:
    """Write ``quads`` in ``fmt``; triple formats get the union of all named graphs (each triple once)."""
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

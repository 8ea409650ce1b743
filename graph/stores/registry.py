"""The store registry: one place that knows every kind of graph store and opens the one the settings choose.

Add a store by adding one entry to ``STORES`` (kind -> "module:Class" and how it takes its location); the
module is imported only when that store is opened, so optional drivers cost nothing until used.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from policykg.core import settings
from policykg.graph.stores.base import GraphStore


@dataclass(frozen=True)
class StoreKind:
    target: str          # "module:Class"
    location: str        # which open_store() argument / setting names where the store is
    help: str
    read_only: bool = False   # opens read-only (no write lock) when asked; servers share themselves anyway


STORES: dict[str, StoreKind] = {
    "oxigraph": StoreKind("policykg.graph.stores.rdf_store:OxigraphStore", "path", "embedded Oxigraph store on disk (default)",
                          read_only=True),
    "sparql": StoreKind("policykg.graph.stores.sparql_endpoint:SparqlEndpointStore", "sparql_endpoint",
                        "remote SPARQL 1.1 endpoint (query and update over HTTP)"),
    "neo4j": StoreKind("policykg.graph.stores.neo4j_store:Neo4jStore", "neo4j_uri", "Neo4j server over Bolt"),
}


class UnknownStore(ValueError):
    pass


def choose_kind(kind: str | None = None, *, path: str | None = None, neo4j_uri: str | None = None,
                sparql_endpoint: str | None = None) -> str:
    """An explicit kind wins; then an explicit location; then the settings (Neo4j, then SPARQL); else Oxigraph."""
    if kind is not None:
        if kind not in STORES:
            raise UnknownStore(f"unknown store kind {kind!r}; choose one of: {', '.join(STORES)}")
        return kind
    if neo4j_uri:
        return "neo4j"
    if sparql_endpoint:
        return "sparql"
    if path:
        return "oxigraph"
    if settings.get("neo4j_uri"):
        return "neo4j"
    if settings.get("sparql_endpoint"):
        return "sparql"
    return "oxigraph"


def open_store(kind: str | None = None, *, path: str | None = None, neo4j_uri: str | None = None,
               sparql_endpoint: str | None = None, read_only: bool = False) -> GraphStore:
    """The chosen store, opened. ``read_only``: for commands that only read; an embedded store is then opened
    without its write lock (a writer can work beside it) and is never created."""
    chosen = choose_kind(kind, path=path, neo4j_uri=neo4j_uri, sparql_endpoint=sparql_endpoint)
    module_name, _, class_name = STORES[chosen].target.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise UnknownStore(f"the {chosen} store is not available in this installation ({exc})") from None
    location = {"path": path, "neo4j_uri": neo4j_uri, "sparql_endpoint": sparql_endpoint}[STORES[chosen].location]
    options = {"read_only": True} if read_only and STORES[chosen].read_only else {}
    return cls(location, **options) if location is not None else cls(**options)

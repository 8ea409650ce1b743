"""What every graph store offers, whatever it keeps the graph in (Oxigraph, a SPARQL endpoint, Neo4j)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from policykg.graph.model import PolicyGraph


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class WriteOutcome:
    doc: str
    action: str          # "unchanged", "added" or "replaced"


class ReadOnlyViolation(Exception):
    """A query that would change the store was refused."""


class GraphStore(Protocol):
    kind: str            # "oxigraph", "sparql" or "neo4j"
    language: str        # "sparql" or "cypher": which text of a canned query it runs
    description: str     # shown to users: which store, where

    def replace_document(self, doc: str, sha256: str, graph: PolicyGraph) -> WriteOutcome:
        """Write one document's subgraph atomically; same hash again changes nothing."""

    def add_links(self, graph: PolicyGraph, replace: bool = False) -> None:
        """Write cross-document edges (cascade links) whose ends are already stored; with ``replace`` every
        stored link is removed first, in the same transaction (a full re-link)."""

    def document_hashes(self) -> dict[str, str]: ...

    def counts(self) -> dict[str, int]:
        """Nodes per label and edges per relationship type, named as in the mapping."""

    def query(self, text: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Run a read-only query with bound parameters; writes raise ReadOnlyViolation."""

    def load_graph(self) -> PolicyGraph:
        """Read the stored graph back into memory (for exports and analytics)."""

    def close(self) -> None: ...


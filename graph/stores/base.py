"""What every graph store offers, whatever it keeps the graph in (Oxigraph, a SPARQL endpoint, Neo4j)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from policykg.graph.model import PolicyGraph


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False   # the query had more rows than the row limit; only the first ones were read


@dataclass
class WriteOutcome:
    doc: str
    action: str          # "unchanged", "added" or "replaced"
    note: str = ""       # e.g. "same content as stored document 'x'"


class ReadOnlyViolation(Exception):
    """A query that would change the store was refused."""


class FederationRefused(ReadOnlyViolation, ValueError):
    """A query that would reach outside the store (SPARQL SERVICE, a foreign FROM graph, Cypher LOAD CSV or a
    procedure that fetches or runs other code) was refused before anything ran: a query only reads this store."""


class QueryTimeout(RuntimeError):
    """A user query ran past the time limit and was stopped."""


class QueryTooLarge(RuntimeError):
    """A user query needed more memory than its limit and was stopped."""


@dataclass(frozen=True)
class QueryLimits:
    """What every user query may take: seconds (0 = no limit), rows, and memory (embedded store only)."""

    timeout_s: float
    max_rows: int
    memory_mb: int

    @classmethod
    def from_settings(cls) -> "QueryLimits":
        from policykg.core import settings

        return cls(settings.get_number("query_timeout"), int(settings.get_number("query_max_rows")),
                   int(settings.get_number("query_memory_mb")))

    def timeout_message(self) -> str:
        return (f"the query ran longer than {self.timeout_s:g} s and was stopped (limit: POLICYKG_QUERY_TIMEOUT); "
                "narrow it (more specific patterns, a LIMIT) or raise the limit")

    def memory_message(self) -> str:
        return (f"the query needed more than {self.memory_mb} MB and was stopped (limit: POLICYKG_QUERY_MEMORY_MB); "
                "narrow it (more specific patterns, a LIMIT) or raise the limit")

    def truncation_message(self) -> str:
        return (f"only the first {self.max_rows:,} rows are shown: the query has more "
                "(limit: POLICYKG_QUERY_MAX_ROWS)")


class GraphStore(Protocol):
    kind: str            # "oxigraph", "sparql" or "neo4j"
    language: str        # "sparql" or "cypher": which text of a canned query it runs
    description: str     # shown to users: which store, where

    def replace_document(self, doc: str, sha256: str, graph: PolicyGraph) -> WriteOutcome:
        """Write one document's subgraph atomically; same hash again changes nothing."""

    def add_links(self, graph: PolicyGraph, replace: bool = False, state: dict[str, Any] | None = None) -> None:
        """Write cross-document edges (cascade links) whose ends are already stored; with ``replace`` every
        stored link is removed first (a full re-link): in the same transaction, or in bounded batches before it
        (Neo4j) after the state was marked incomplete. ``state`` (what the links were computed from: a digest of
        the documents, the method and its thresholds) is written in that transaction too, so the store always
        knows whether its links are complete."""

    def link_state(self) -> dict[str, Any] | None:
        """The ``state`` the last complete link run wrote, or None if none ever completed."""

    def document_hashes(self) -> dict[str, str]: ...

    def document_files(self) -> dict[str, str]:
        """Each stored document's source file, as it was given when ingested."""

    def counts(self) -> dict[str, int]:
        """Nodes per label and edges per relationship type, named as in the mapping."""

    def query(self, text: str, params: dict[str, Any] | None = None, binding: str = "substitution") -> QueryResult:
        """Run a user's read-only query with bound parameters within ``QueryLimits.from_settings()``: writes raise
        ReadOnlyViolation, reaching outside the store FederationRefused, running too long QueryTimeout; rows past
        the row limit are not read (``truncated``). ``binding`` (queries.registry.SPARQL_BINDINGS): how a SPARQL
        store hands the values to its engine, substituted or as VALUES blocks in the text checked without them;
        a Cypher store binds them its one way."""

    def load_graph(self) -> PolicyGraph:
        """Read the stored graph back into memory (for exports and analytics)."""

    def close(self) -> None: ...


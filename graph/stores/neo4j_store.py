"""The Neo4j store: the property-graph form of ``ontology/mapping.yaml`` written over Bolt with the official driver.

Documents are written many per transaction (``write_documents``, see neo4j_write): each document's stored hash
is read first (same hash: nothing to do), the edges touching the nodes a replaced document owns are deleted and
the nodes its new version no longer holds (the others are overwritten in place), the shared nodes the batch
touches (departments, functions, jurisdictions) are MERGEd once each where their stored values differ, every
label and relationship type is written with one ``UNWIND`` for the whole batch, and shared nodes no document
refers to any more are removed. Any error rolls the transaction back; the batch is then written again one
document per transaction, so a failed document leaves the database as it was and names itself. Queries run in
READ transactions: the server itself refuses writes. The driver's Rust extension (neo4j-rust-ext, the ``fast``
extra) packs the rows when it is installed.

Connection settings come from ``core/settings.py``: NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE
(environment or ./.env; never from code).
"""
from __future__ import annotations

import json
from collections import defaultdict
from itertools import islice
from typing import Any

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import ClientError, ConstraintError, CypherSyntaxError, DriverError, Neo4jError

from policykg.graph.stores import cypher_codec as cc
from policykg.graph.stores import neo4j_totals
from policykg.graph.stores.neo4j_write import BatchWrite, DocumentRows, DocumentWriteError, expect
from policykg.core import settings
from policykg.graph.model import PolicyGraph
from policykg.graph.stores.base import (FederationRefused, QueryLimits, QueryResult, QueryTimeout, ReadOnlyViolation,
                                  WriteOutcome)
from policykg.ontology.mapping import Mapping, load_mapping

# Links deleted per transaction by a full re-link (add_links(replace=True)): bounded, so no heap holds them all.
LINK_DELETE_BATCH = 10_000
_ACCESS_MODE_CODES = ("Neo.ClientError.Statement.AccessMode", "Neo.ClientError.Security.Forbidden")


class Neo4jStoreError(RuntimeError):
    """The server cannot be reached or refused the session; the message says where and why."""


class CypherQueryError(ValueError):
    """The query is not valid Cypher or failed on the server; the message is the server's."""


def driver_auth() -> tuple[str, str] | None:
    """(user, password) from the settings, or None when no password is set (a server without auth)."""
    password = settings.get("neo4j_password")
    return (settings.get("neo4j_user") or "neo4j", password) if password else None


class Neo4jStore:
    kind = "neo4j"
    language = "cypher"

    def __init__(self, uri: str | None = None, mapping: Mapping | None = None, database: str | None = None) -> None:
        self.m = mapping or load_mapping()
        self.uri = settings.get("neo4j_uri", uri)
        if not self.uri:
            raise Neo4jStoreError("no Neo4j URI: give --neo4j bolt://HOST:7687 or set NEO4J_URI")
        self.database = settings.get("neo4j_database", database)
        self.description = f"Neo4j at {self.uri}, database {self.database}"
        try:
            # server notifications (e.g. "label does not exist yet" on an empty store) are noise in logs
            self._driver = GraphDatabase.driver(self.uri, auth=driver_auth(), notifications_min_severity="OFF")
            self._driver.verify_connectivity()
        except (DriverError, Neo4jError, ValueError, OSError) as exc:
            raise Neo4jStoreError(f"cannot reach Neo4j at {self.uri}: {exc} "
                                  "(is the server running? are NEO4J_USER/NEO4J_PASSWORD right?)") from None
        self._schema_ready = False
        self._totals_checked = False
        self._owned_labels = [label for label, spec in {**self.m.nodes, **self.m.summary_nodes}.items()
                              if not spec.shared]
        self._up = ":" + "|".join(cc.ident(r.type) for r in self.m.shared_rels())

    # -- schema -----------------------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Constraints and indexes, created once per store object (IF NOT EXISTS makes it cheap after); on a
        store written before the store-wide totals were kept, the totals (neo4j_totals.rebuild)."""
        if self._schema_ready:
            return
        with self._session() as session:
            for statement in cc.schema_statements(self.m):
                session.run(statement).consume()
            session.run("CALL db.awaitIndexes(300)").consume()
            if not session.execute_read(neo4j_totals.marked):
                session.execute_write(neo4j_totals.rebuild)
        self._schema_ready = True
        self._totals_checked = True

    def _session(self, access_mode: str = neo4j.WRITE_ACCESS):
        return self._driver.session(database=self.database, default_access_mode=access_mode)

    # -- writing ----------------------------------------------------------------------------------------------
    def replace_document(self, doc: str, sha256: str, graph: PolicyGraph) -> WriteOutcome:
        outcome = self.write_documents([(doc, sha256, graph)])[0]
        if outcome.action == "failed":
            raise DocumentWriteError(outcome.note)
        return outcome

    def write_documents(self, items: list[tuple[str, str, PolicyGraph]]) -> list[WriteOutcome]:
        """Write documents in one transaction (see neo4j_write). A document whose values do not fit the mapping is
        "failed" (``note`` says why) and the others are written; when the server refuses the batch, nothing is
        written and DocumentWriteError is raised (``graph.pipeline.write_items`` then writes the documents one at
        a time, as for the embedded store); a single document the server refuses is "failed"."""
        planned: list[DocumentRows] = []
        outcomes: dict[int, WriteOutcome] = {}
        for i, (doc, sha256, graph) in enumerate(items):
            try:
                planned.append(DocumentRows(doc, sha256, graph, self.m))   # every value checked first
            except (cc.CodecError, ValueError) as exc:
                outcomes[i] = WriteOutcome(doc, "failed", note=f"document {doc!r} was not written: {exc}")
        position = {r.doc: i for i, (doc, _sha, _g) in enumerate(items) for r in planned if r.doc == doc}
        if planned:
            self.ensure_schema()
            try:
                actions = self._write(planned)
            except DocumentWriteError as exc:
                if len(planned) > 1:
                    raise      # which document is at fault: the caller writes them one at a time (pipeline)
                actions = {planned[0].doc: exc}
            for doc, action in actions.items():
                outcomes[position[doc]] = (WriteOutcome(doc, "failed", note=str(action))
                                           if isinstance(action, Exception) else WriteOutcome(doc, action))
        return [outcomes[i] for i in range(len(items))]

    def _write(self, planned: list[DocumentRows]) -> dict[str, str]:
        names = ", ".join(repr(r.doc) for r in planned[:3]) + (" ..." if len(planned) > 3 else "")
        try:
            with self._session() as session:
                return session.execute_write(BatchWrite(planned, self._owned_labels, self._up))
        except ConstraintError as exc:
            raise DocumentWriteError(f"document {names} was not written: {exc.message}") from None
        except DocumentWriteError as exc:
            raise DocumentWriteError(f"document {names} was not written: {exc}") from None
        except (DriverError, Neo4jError) as exc:
            if isinstance(exc, ClientError):
                raise DocumentWriteError(f"document {names} was not written: {exc.message}") from None
            raise Neo4jStoreError(f"Neo4j at {self.uri} failed while writing {names}: {exc}") from None

    def add_links(self, graph: PolicyGraph, replace: bool = False, state: dict[str, Any] | None = None) -> None:
        """Cross-document edges between stored nodes, in one transaction; written again they are updated.
        ``state`` (see GraphStore.add_links) is a property of one bookkeeping node, set in that transaction.

        ``replace`` deletes every stored link first, ``LINK_DELETE_BATCH`` links a transaction, before that
        transaction: deleting them all in it held every deleted link in the heap (national scale, 551,000
        links, ran out of 2 GB). The deletes are then no longer undone with the write, so the link state is
        marked incomplete before the first of them is committed: ``state`` with ``complete: false`` (or the
        stored state so marked, when no state is given). A replace that stops before its write transaction
        commits leaves the links 'pending' (cascade.linker.link_status), never 'current'; the write transaction
        then sets the state the caller gave."""
        groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
        for e in graph.edges.values():
            labels = (graph.nodes[e.source].label, graph.nodes[e.target].label)
            groups[(e.type, *labels)].append({"s": e.source, "t": e.target, "p": cc.edge_props(e, self.m, labels)})
        if not groups and not replace and state is None:
            return
        self.ensure_schema()

        def set_state(tx, value: dict[str, Any]) -> None:
            tx.run(f"MERGE (s:{cc.STATE_LABEL} {{id: 'links'}}) SET s.state = $state",
                   state=json.dumps(value, sort_keys=True)).consume()

        def write(tx) -> None:
            for (rel_type, src, dst), rows in sorted(groups.items()):
                expect(tx, cc.merge_edges(rel_type, src, dst), rows, f"{rel_type} links")
            if state is not None:
                set_state(tx, state)

        with self._session() as session:
            if replace:   # links: owned by no document, between nodes that documents own (shared edges join shared nodes)
                # the state says 'incomplete' before any delete commits (a stop in between: pending, not current)
                before = state if state is not None else self.link_state()
                if before is not None:
                    session.execute_write(set_state, {**before, "complete": False})
                session.run(cc.delete_links(), batch=LINK_DELETE_BATCH).consume()
            session.execute_write(write)

    # -- reading ----------------------------------------------------------------------------------------------
    def link_state(self) -> dict[str, Any] | None:
        rows = self._read(f"MATCH (s:{cc.STATE_LABEL} {{id: 'links'}}) RETURN s.state")
        return json.loads(rows[0][0]) if rows and rows[0][0] else None

    def document_files(self) -> dict[str, str]:
        rows = self._read("MATCH (d:`Document`) WHERE d.doc_id IS NOT NULL AND d.file IS NOT NULL RETURN d.doc_id, d.file")
        return {doc: file for doc, file in rows}

    def document_hashes(self) -> dict[str, str]:
        rows = self._read("MATCH (d:`Document`) WHERE d.doc_id IS NOT NULL RETURN d.doc_id, d.sha256")
        return {doc: sha for doc, sha in rows}

    def counts(self) -> dict[str, int]:
        parts = [f"MATCH (n:{cc.ident(label)}) RETURN $l{i} AS name, count(n) AS n"
                 for i, label in enumerate(self.m.nodes)]
        parts += [f"MATCH ()-[r:{cc.ident(rel)}]->() RETURN $r{i} AS name, count(r) AS n"
                  for i, rel in enumerate(self.m.relationships)]
        params = {f"l{i}": label for i, label in enumerate(self.m.nodes)}
        params |= {f"r{i}": rel for i, rel in enumerate(self.m.relationships)}
        out = {name: 0 for name in [*self.m.nodes, *self.m.relationships]}
        out.update({name: n for name, n in self._read(" UNION ALL ".join(parts), params)})
        return out

    def load_graph(self) -> PolicyGraph:
        g = PolicyGraph()
        with self._session(neo4j.READ_ACCESS) as session:
            for label in self.m.nodes:
                text = f"MATCH (n:{cc.ident(label)}) RETURN properties(n) AS p ORDER BY n.{cc.ident(cc.ID)}"
                for record in session.execute_read(_all, text, {}):
                    g.add_node(cc.stored_node(label, record[0], self.m))
            for rel in self.m.relationships:
                text = (f"MATCH (a)-[r:{cc.ident(rel)}]->(b) RETURN a.{cc.ident(cc.ID)}, b.{cc.ident(cc.ID)}, "
                        f"properties(r)")
                for s, t, props in session.execute_read(_all, text, {}):
                    if s in g.nodes and t in g.nodes:
                        g.add_edge(cc.stored_edge(s, rel, t, props, self.m))
        return g

    def query(self, text: str, params: dict[str, Any] | None = None, binding: str = "substitution") -> QueryResult:
        """Run a user's ``text`` in a READ transaction (the server refuses any write: ReadOnlyViolation) with the
        server-side transaction timeout of ``QueryLimits`` (QueryTimeout), reading at most its row limit. The
        plan is checked first (EXPLAIN, nothing runs): LOAD CSV and procedures that fetch from elsewhere or run
        other code are refused (FederationRefused)."""
        limits = QueryLimits.from_settings()
        self._check_totals()

        @neo4j.unit_of_work(timeout=limits.timeout_s if limits.timeout_s > 0 else None)
        def work(tx):
            refuse_outside_reads(tx.run("EXPLAIN " + text, params or {}).consume().plan)
            result = tx.run(text, params or {})
            rows = [[cc.plain(v) for v in record.values()] for record in islice(result, limits.max_rows + 1)]
            return list(result.keys()), rows

        try:
            with self._session(neo4j.READ_ACCESS) as session:
                columns, rows = session.execute_read(work)
        except ClientError as exc:
            if "TransactionTimedOut" in (exc.code or "") or "Transaction.Terminated" in (exc.code or ""):
                raise QueryTimeout(limits.timeout_message()) from None
            if exc.code in _ACCESS_MODE_CODES or "read access mode" in (exc.message or ""):
                raise ReadOnlyViolation(f"refused by Neo4j: {exc.message} — queries are read-only; "
                                        "use `policykg ingest` to change the store") from None
            if isinstance(exc, CypherSyntaxError):
                raise CypherQueryError(f"not a valid Cypher query: {exc.message}") from None
            raise CypherQueryError(f"Neo4j refused the query: {exc.message}") from None
        except (DriverError, Neo4jError) as exc:
            if "TransactionTimedOut" in (getattr(exc, "code", None) or ""):
                raise QueryTimeout(limits.timeout_message()) from None
            raise Neo4jStoreError(f"Neo4j at {self.uri} failed: {exc}") from None
        if len(rows) > limits.max_rows:
            return QueryResult(columns, rows[:limits.max_rows], truncated=True)
        return QueryResult(columns, rows)

    def _check_totals(self) -> None:
        """Refuse to answer from a store whose totals are not kept yet (the rankings would be wrong)."""
        if self._totals_checked:
            return
        with self._session(neo4j.READ_ACCESS) as session:
            kept = session.execute_read(neo4j_totals.kept)
        if not kept:
            raise Neo4jStoreError(f"Neo4j at {self.uri} was written by an older policykg (no store-wide totals); "
                                  "run any writing command on it once (e.g. "
                                  f"`policykg link --neo4j {self.uri}`) to add them")
        self._totals_checked = True

    def _read(self, text: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        with self._session(neo4j.READ_ACCESS) as session:
            return [list(r.values()) for r in session.execute_read(_all, text, params or {})]

    def close(self) -> None:
        if getattr(self, "_driver", None) is not None:
            self._driver.close()
            self._driver = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# Procedures a user's query may not call: they read files or URLs, reach other servers or databases, write
# files, or run query text of their own (past this check). Neo4j's own db.* / dbms.* listings stay allowed.
_REFUSED_PROCEDURES = ("apoc.load.", "apoc.import.", "apoc.export.", "apoc.bolt.", "apoc.cypher.", "apoc.periodic.",
                       "apoc.systemdb.", "apoc.es.", "apoc.mongo", "apoc.couchbase.", "apoc.redis.", "apoc.http.",
                       "apoc.log.", "apoc.trigger.", "apoc.custom.", "apoc.util.sleep", "gds.", "dbms.security.",
                       "dbms.setConfigValue", "dbms.killQuery", "dbms.killTransaction")


def refuse_outside_reads(plan: Any) -> None:
    """FederationRefused if a query plan (EXPLAIN) loads CSV from a URL or file, or calls a refused procedure."""
    stack = [plan] if plan else []
    while stack:
        op = stack.pop()
        stack.extend(op.get("children") or [])
        kind = (op.get("operatorType") or "").split("@")[0]
        if kind == "LoadCSV":
            raise FederationRefused("LOAD CSV is refused: a query may only read this store, never fetch a file "
                                    "or URL")
        if kind == "ProcedureCall":
            signature = str((op.get("args") or {}).get("Signature") or "")
            if signature.startswith(_REFUSED_PROCEDURES):
                raise FederationRefused(f"calling {signature.split('(')[0]} is refused: a query may only read "
                                        "this store")


def _all(tx, text: str, params: dict[str, Any]) -> list:
    return list(tx.run(text, params))

"""RDF graph stores: the embedded Oxigraph store (the default) and the logic it shares with a SPARQL endpoint.

Every write is ONE SPARQL Update request, which both Oxigraph and a SPARQL 1.1 server apply in one
transaction: drop the document's named graph, insert its new facts, refresh the shared nodes it touches, and
remove shared nodes no document refers to any more. Values enter update text only through ``sparql_term``.
Queries are read-only and run over the union of the named graphs.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator

from pyoxigraph import Literal, NamedNode, Quad, QueryBoolean, QuerySolutions, QueryTriples, Store, Variable

from policykg.core import settings
from policykg.graph.model import PolicyGraph
from policykg.graph.rdf_codec import RDF, bind_values, edge_quads, graph_quads, plain, quads_to_graph, sparql_term, to_term
from policykg.graph.store import QueryLimits, QueryResult, ReadOnlyViolation, WriteOutcome
from policykg.ontology.mapping import Mapping, load_mapping


class StoreError(RuntimeError):
    """The store cannot be opened or reached; the message says which and why."""


class StoreMissing(StoreError):
    """No embedded store at the path: only a writer (``policykg ingest``) creates one."""


class StoreBusy(StoreError):
    """Another process holds the embedded store's write lock (readers never take it)."""


class QuerySyntaxError(ValueError):
    """The query text is not valid SPARQL."""


def with_prefixes(text: str) -> str:
    """The mapping's prefixes declared before ``text`` (a query's own PREFIX lines come later and win)."""
    m = load_mapping()
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in m.prefixes.items()) + text


@lru_cache(maxsize=256)
def check_read_only(text: str) -> None:
    """Raise ReadOnlyViolation if ``text`` is a SPARQL Update, FederationRefused if it would reach outside the
    store (SERVICE, a foreign FROM graph: see sparql_guard), QuerySyntaxError if it is no SPARQL at all.

    Parsing only (rdflib's parser), so nothing is executed anywhere while deciding. Texts that pass are
    remembered (a saved query run again is not parsed again: 20-60 ms each).
    """
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    from policykg.graph.sparql_guard import refuse_federation

    try:
        tree = parseQuery(text)
    except Exception as query_error:  # pyparsing raises several kinds
        try:
            parseUpdate(text)
        except Exception:
            raise QuerySyntaxError(f"not a valid SPARQL query: {query_error}") from None
        raise ReadOnlyViolation("SPARQL Update (INSERT/DELETE/LOAD/CLEAR/DROP/...) is refused: queries are read-only. "
                                "Use `policykg ingest` to change the store.")
    refuse_federation(tree, load_mapping().base + "graph/")


class SparqlGraphStore:
    """What the Oxigraph and SPARQL-endpoint stores share: the update texts, counts, hashes and reading back.

    Subclasses provide ``_update(text)``, ``_select(text, params)`` and ``quads()``.
    """

    kind = "rdf"
    language = "sparql"
    description = "RDF store"

    def __init__(self, mapping: Mapping | None = None) -> None:
        self.m = mapping or load_mapping()

    # -- transport (subclasses) ------------------------------------------------------------------------
    def _update(self, text: str) -> None:
        raise NotImplementedError

    def _select(self, text: str, params: dict[str, Any] | None = None) -> QueryResult:
        raise NotImplementedError

    def quads(self) -> Iterable[Quad]:
        raise NotImplementedError

    # -- writing -------------------------------------------------------------------------------------------
    def replace_document(self, doc: str, sha256: str, graph: PolicyGraph) -> WriteOutcome:
        previous = self.document_hashes().get(doc)
        if previous == sha256:
            return WriteOutcome(doc, "unchanged")
        sub = graph.document_subgraph(doc)
        docs = {n.props.get("doc_id") for n in sub.nodes_by_label("Document")}
        if docs != {doc}:
            raise ValueError(f"the graph for {doc!r} holds the documents {sorted(d for d in docs if d)}")
        candidates = self._orphan_candidates(doc) if previous is not None else []
        self._update(self._replace_text(doc, graph_quads(sub, self.m), candidates))
        return WriteOutcome(doc, "added" if previous is None else "replaced")

    def add_links(self, graph: PolicyGraph, replace: bool = False, state: dict[str, Any] | None = None) -> None:
        """Cross-document edges go to the links graph; their statements are rewritten, never duplicated.
        ``state`` (see GraphStore.add_links) is one triple in the links graph, written in the same update."""
        links = self.m.links_graph
        quads = [q for e in graph.edges.values() for q in edge_quads(e, self.m, graph_iri=links)]
        parts = [f"DROP SILENT GRAPH <{links}>"] if replace else []
        if state is not None:
            subject, predicate = self._state_terms()
            if not replace:
                parts.append(f"DELETE WHERE {{ GRAPH <{links}> {{ {sparql_term(subject)} ?p ?o }} }}")
            quads.append(Quad(subject, predicate, Literal(json.dumps(state, sort_keys=True)), NamedNode(links)))
        if not quads:
            if parts:
                self._update(" ;\n".join(parts))
            return
        statements = sorted({q.subject for q in quads if q.subject.value.startswith(self.m.base + "stmt/")},
                            key=lambda n: n.value)
        if statements and not replace:
            parts.append(f"DELETE {{ GRAPH <{links}> {{ ?st ?p ?o }} }} WHERE {{ VALUES ?st {{ "
                         + " ".join(map(sparql_term, statements)) + f" }} GRAPH <{links}> {{ ?st ?p ?o }} }}")
        parts.append(_insert_data(quads))
        self._update(" ;\n".join(parts))

    def _replace_text(self, doc: str, quads: list[Quad], orphan_candidates: list[NamedNode]) -> str:
        g, shared, links = self.m.graph_iri(doc), self.m.shared_graph, self.m.links_graph
        subj_pred = f"<{RDF}subject>|<{RDF}object>"
        parts = [
            # links from or to the old version of this document are stale once it changes
            f"DELETE {{ GRAPH <{links}> {{ ?st ?sp ?so }} }} WHERE {{ GRAPH <{g}> {{ ?x a ?c }} "
            f"GRAPH <{links}> {{ ?st {subj_pred} ?x . ?st ?sp ?so }} }}",
            f"DELETE {{ GRAPH <{links}> {{ ?x ?p ?o }} }} WHERE {{ GRAPH <{g}> {{ ?x a ?c }} GRAPH <{links}> {{ ?x ?p ?o }} }}",
            f"DELETE {{ GRAPH <{links}> {{ ?s ?p ?x }} }} WHERE {{ GRAPH <{g}> {{ ?x a ?c }} GRAPH <{links}> {{ ?s ?p ?x }} }}",
            f"DROP SILENT GRAPH <{g}>",
        ]
        overwrite = self._shared_overwrites(quads)
        if overwrite:
            rows = " ".join(f"({sparql_term(s)} {sparql_term(p)})" for s, p in overwrite)
            parts.append(f"DELETE {{ GRAPH <{shared}> {{ ?n ?p ?o }} }} WHERE {{ VALUES (?n ?p) {{ {rows} }} "
                         f"GRAPH <{shared}> {{ ?n ?p ?o }} }}")
        parts.append(_insert_data(quads))
        if orphan_candidates:
            parts.append(self._orphans_text(orphan_candidates))
        return " ;\n".join(parts)

    def _shared_overwrites(self, quads: list[Quad]) -> list[tuple[NamedNode, NamedNode]]:
        """(shared node, single-valued property) pairs being written: their old values are replaced.

        The links among shared nodes (parent, function, jurisdiction) are single-valued too: last writer wins.
        """
        single = {p.iri for n in self.m.nodes.values() if n.shared for p in n.properties.values() if not p.many}
        single |= {r.iri for r in self.m.shared_rels()}
        shared = self.m.shared_graph
        pairs = {(q.subject.value, q.predicate.value) for q in quads
                 if q.graph_name.value == shared and q.predicate.value in single}
        return [(NamedNode(s), NamedNode(p)) for s, p in sorted(pairs)]

    def _shared_path(self) -> str:
        return "|".join(f"<{r.iri}>" for r in self.m.shared_rels())

    def _orphan_candidates(self, doc: str) -> list[NamedNode]:
        """Shared nodes the stored version of ``doc`` reaches: only these can lose their last reference."""
        g, shared = self.m.graph_iri(doc), self.m.shared_graph
        direct = (f"SELECT DISTINCT ?root WHERE {{ GRAPH <{g}> {{ ?s ?p ?root }} "
                  f"GRAPH <{shared}> {{ ?root a ?c }} }}")
        # (path)+ not (path)*: a zero-length path with an unbound end makes Oxigraph walk every node
        above = (f"SELECT DISTINCT ?n WHERE {{ {{ {direct} }} "
                 f"GRAPH <{shared}> {{ ?root ({self._shared_path()})+ ?n }} }}")
        found = {r[0] for r in self._select(direct).rows} | {r[0] for r in self._select(above).rows}
        return [NamedNode(iri) for iri in sorted(found)]

    def _orphans_text(self, candidates: list[NamedNode]) -> str:
        """Remove those candidates that no document's graph reaches any more (directly or as a parent)."""
        shared = self.m.shared_graph
        values = " ".join(map(sparql_term, candidates))
        return (f"DELETE {{ GRAPH <{shared}> {{ ?n ?p ?o }} }} WHERE {{ "
                f"{{ SELECT ?n WHERE {{ VALUES ?n {{ {values} }} "
                f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?q ?n }} FILTER(?g != <{shared}>) }} "
                f"FILTER NOT EXISTS {{ GRAPH <{shared}> {{ ?root ({self._shared_path()})+ ?n }} "
                f"GRAPH ?g {{ ?s ?q ?root }} FILTER(?g != <{shared}>) }} }} }} "
                f"GRAPH <{shared}> {{ ?n ?p ?o }} }}")

    # -- reading -------------------------------------------------------------------------------------------
    def _state_terms(self) -> tuple[NamedNode, NamedNode]:
        """The link state's subject and predicate (bookkeeping: left out of ``quads()``, exports and validation)."""
        return NamedNode(self.m.base + "state/links"), NamedNode(self.m.expand("pk:linkState"))

    def link_state(self) -> dict[str, Any] | None:
        subject, predicate = self._state_terms()
        rows = self._select(f"SELECT ?v WHERE {{ GRAPH <{self.m.links_graph}> {{ {sparql_term(subject)} "
                            f"{sparql_term(predicate)} ?v }} }}").rows
        return json.loads(rows[0][0]) if rows else None

    def _without_state(self, quads: Iterable[Quad]) -> Iterator[Quad]:
        state = self._state_terms()[0]
        return (q for q in quads if q.subject != state)

    def document_files(self) -> dict[str, str]:
        """Each stored document's source file, as it was given when ingested."""
        spec = self.m.nodes["Document"]
        text = (f"SELECT ?doc ?file WHERE {{ GRAPH ?g {{ ?d a <{spec.class_iri}> ; "
                f"<{spec.properties['doc_id'].iri}> ?doc ; <{spec.properties['file'].iri}> ?file }} }}")
        return {row[0]: row[1] for row in self._select(text).rows}

    def document_hashes(self) -> dict[str, str]:
        spec = self.m.nodes["Document"]
        text = (f"SELECT ?doc ?sha WHERE {{ GRAPH ?g {{ ?d a <{spec.class_iri}> ; "
                f"<{spec.properties['doc_id'].iri}> ?doc ; <{spec.properties['sha256'].iri}> ?sha }} }}")
        return {row[0]: row[1] for row in self._select(text).rows}

    def counts(self) -> dict[str, int]:
        out = {label: 0 for label in self.m.nodes} | {rel: 0 for rel in self.m.relationships}
        classes = self.m.label_of_class()
        values = " ".join(f"<{c}>" for c in classes)
        for cls, n in self._select(f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {values} }} "
                                   f"GRAPH ?g {{ ?s a ?c }} }} GROUP BY ?c").rows:
            out[classes[cls]] = int(n)
        rels = self.m.rel_by_predicate()
        values = " ".join(f"<{p}>" for p in rels)
        for pred, n in self._select(f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ "
                                    f"VALUES ?p {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} }} GROUP BY ?p").rows:
            out[rels[pred].type] = int(n)
        return out

    def load_graph(self) -> PolicyGraph:
        return quads_to_graph(self.quads(), self.m)

    def query(self, text: str, params: dict[str, Any] | None = None) -> QueryResult:
        check_read_only(text)
        return self._select(text, params)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _insert_data(quads: list[Quad]) -> str:
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        line = f"{sparql_term(q.subject)} {sparql_term(q.predicate)} {sparql_term(q.object)} ."
        by_graph.setdefault(q.graph_name.value, []).append(line)
    blocks = [f"GRAPH <{g}> {{\n" + "\n".join(lines) + "\n}" for g, lines in sorted(by_graph.items())]
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}"


def result_of(result, max_rows: int | None = None) -> QueryResult:
    """A pyoxigraph result (solutions, boolean or triples) as plain columns and rows. With ``max_rows`` at most
    that many rows are read (results stream, so an endless one stops there) and ``truncated`` says if more came."""
    if isinstance(result, QueryBoolean):
        return QueryResult(["result"], [[bool(result)]])
    if isinstance(result, QueryTriples):
        columns, rows = ["subject", "predicate", "object"], (
            [plain(t.subject), plain(t.predicate), plain(t.object)] for t in result)
    else:
        assert isinstance(result, QuerySolutions)
        variables = result.variables
        columns, rows = [v.value for v in variables], ([plain(sol[v]) for v in variables] for sol in result)
    if max_rows is None:
        return QueryResult(columns, list(rows))
    kept = list(islice(rows, max_rows + 1))
    return QueryResult(columns, kept[:max_rows], truncated=len(kept) > max_rows)


def run_on(store: Store, text: str, params: dict[str, Any] | None = None):
    """Run a query on a pyoxigraph Store over the union of its graphs; the raw (lazy) pyoxigraph result.

    Parameters are bound by pyoxigraph (SEP-0007 substitutions), never written into the text."""
    subs = {Variable(k): to_term(v) for k, v in (params or {}).items()}
    try:
        try:
            return store.query(text, use_default_graph_as_union=True, substitutions=subs or None)
        except RuntimeError as exc:
            if "projection" not in str(exc):
                raise
            # pyoxigraph substitutes only projected variables; others join as a VALUES block of escaped terms
            return store.query(bind_values(text, params or {}), use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QuerySyntaxError(f"not a valid SPARQL query: {exc}") from None


class OxigraphStore(SparqlGraphStore):
    """A persistent pyoxigraph Store on disk (``--store`` / POLICYKG_STORE, default ./policykg-data)."""

    kind = "oxigraph"

    def __init__(self, path: str | os.PathLike | None = None, mapping: Mapping | None = None,
                 read_only: bool = False) -> None:
        """``read_only``: open without the write lock (``Store.read_only``), so any number of readers and one
        writer can use the folder at once; a reader sees the store as it was when opened (``generation`` says
        when to reopen) and never creates a store. A writer creates the folder if needed and holds the lock."""
        super().__init__(mapping)
        self.path = Path(settings.get("store", None if path is None else str(path)))
        self.read_only = read_only
        self.generation = folder_generation(self.path)   # before opening: a write in between reopens, never hides
        if read_only and not self.exists(self.path):
            raise StoreMissing(f"no store at {self.path.resolve()} (run `policykg ingest FILES --store "
                               f"{self.path}` to create it, or give the right --store / POLICYKG_STORE)")
        try:
            if read_only:
                self._store = Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = Store(str(self.path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreBusy(f"the Oxigraph store at {self.path} is being written by another process "
                                "(an ingest or link); try again when it has finished") from None
            raise StoreError(f"cannot open the Oxigraph store at {self.path}: {exc}") from None
        self.description = f"Oxigraph store at {self.path}"

    @staticmethod
    def exists(path: str | os.PathLike) -> bool:
        """Whether ``path`` holds an embedded store (RocksDB's CURRENT file), without opening it."""
        return (Path(path) / "CURRENT").is_file()

    def is_stale(self) -> bool:
        """A read-only instance whose folder was written since it was opened (reopen it to see the change)."""
        return self.read_only and folder_generation(self.path) != self.generation

    def _update(self, text: str) -> None:
        if self.read_only:
            raise ReadOnlyViolation(f"the Oxigraph store at {self.path} was opened read-only; writes need a writer")
        self._store.update(text)

    def query(self, text: str, params: dict[str, Any] | None = None) -> QueryResult:
        """A user's query: checked (no update, no SERVICE), then run in a worker process that is stopped at the
        time limit (pyoxigraph cannot cancel a query); with POLICYKG_QUERY_TIMEOUT=0, here in this process."""
        check_read_only(text)
        limits = QueryLimits.from_settings()
        if limits.timeout_s <= 0:
            return result_of(run_on(self._store, text, params), limits.max_rows)
        from policykg.graph import query_worker

        return query_worker.run(self.path, text, params, limits)

    def _select(self, text: str, params: dict[str, Any] | None = None) -> QueryResult:
        return result_of(run_on(self._store, text, params))

    def quads(self) -> Iterable[Quad]:
        return self._without_state(self._store.quads_for_pattern(None, None, None, None))

    def dump_nquads(self) -> bytes:
        """The whole store as sorted N-Quads: a byte-for-byte comparable snapshot."""
        from pyoxigraph import RdfFormat, serialize

        lines = serialize(self.quads(), format=RdfFormat.N_QUADS).splitlines()
        return b"\n".join(sorted(lines)) + b"\n"

    def close(self) -> None:
        if getattr(self, "_store", None) is not None:
            if not self.read_only:
                self._store.flush()
            self._store = None


def folder_generation(path: Path) -> str:
    """A token that changes with every write to the store folder: the names, sizes and times of its data files
    (RocksDB's write-ahead log grows on each commit). Info logs and the lock file are left out: opening a
    reader rotates the info log."""
    import hashlib

    try:
        entries = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(path)
                         if e.is_file() and not e.name.startswith(("LOG", "LOCK")))
    except OSError:
        return ""
    return hashlib.blake2b(repr(entries).encode(), digest_size=8).hexdigest()


__all__ = ["OxigraphStore", "QuerySyntaxError", "ReadOnlyViolation", "SparqlGraphStore", "StoreBusy", "StoreError",
           "StoreMissing", "check_read_only", "folder_generation", "result_of", "with_prefixes"]

"""RDF graph stores: the embedded Oxigraph store (the default) and the logic it shares with a SPARQL endpoint.

The graph sits in the default graph, in the lean form of ``rdf:`` in mapping.yaml (rdf_codec). Every write
of a document is one transaction: the embedded store writes through pyoxigraph's native API (``rdf_write``:
``Store.extend`` for new documents, one update for a replaced one), a SPARQL 1.1 server through one update
request (remove the document's nodes and the links touching them, insert its new facts, refresh the shared
nodes it touches, remove shared nodes no document refers to any more). Values enter update text only through
``sparql_term``. Queries are read-only.
"""
from __future__ import annotations

import json
import os
import time
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator

from pyoxigraph import Literal, NamedNode, Quad, QueryBoolean, QuerySolutions, QueryTriples, Store, Variable

from policykg.core import settings
from policykg.graph.model import PolicyGraph
from policykg.graph.stores import rdf_snapshots
from policykg.graph.stores.rdf_codec import (bind_values, document_quads, edge_quads, plain, quads_to_graph,
                                             sparql_term, state_prefix, state_subject, to_term)
from policykg.graph.stores.rdf_totals import FollowedLevels, TargetChanges, Totals, target_counts_text
from policykg.graph.stores.rdf_write import update_text
from policykg.graph.stores.sparql_bind import bind_everywhere
from policykg.graph.stores.base import QueryLimits, QueryResult, ReadOnlyViolation, WriteOutcome
from policykg.ontology.mapping import Mapping, load_mapping


class StoreError(RuntimeError):
    """The store cannot be opened or reached; the message says which and why."""


class StoreMissing(StoreError):
    """No embedded store at the path: only a writer (``policykg ingest``) creates one."""


class StoreBusy(StoreError):
    """Another process holds the embedded store's write lock (readers never take it)."""


class StoreNotEmpty(StoreError):
    """A bulk load was asked of a store that already holds quads."""


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

    from policykg.graph.stores.sparql_guard import refuse_federation

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


def completes_links(state: dict[str, Any] | None) -> bool:
    """Whether this ``add_links`` call ends a link run (its state says complete): the derived link values follow."""
    return state is not None and state.get("complete") is not False


class SparqlGraphStore:
    """What the Oxigraph and SPARQL-endpoint stores share: the update texts, counts, hashes and reading back.

    Subclasses provide ``_update(text)``, ``_select(text, params)`` and ``quads()``. The texts here are the
    endpoint's write path (a remote server takes nothing else); the embedded store overrides the writes with its
    native ones (``rdf_write``).
    """

    kind = "rdf"
    language = "sparql"
    description = "RDF store"

    def __init__(self, mapping: Mapping | None = None) -> None:
        self.m = mapping or load_mapping()
        self.totals = Totals(self.m)
        self.target_changes = TargetChanges(self.m, self._state_terms()[0])
        self.followed_levels = FollowedLevels(self.m, self._state_terms()[0])
        # rebuilt whole with every completed link run, in the same update as its last links
        self.link_counts = (self.target_changes, self.followed_levels)

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
        sub = graph.written_subgraph(doc)
        owned, shared = document_quads(sub, doc, self.m)
        candidates = self._orphan_candidates(doc) if previous is not None else []
        departments, pairs = self.totals.named_in(owned)
        if previous is not None:       # and those the stored version named
            old_departments, old_pairs = self._summarised(doc)
            departments |= old_departments
            pairs |= old_pairs
        text = self._replace_text(doc, owned, shared, previous is not None, candidates)
        self._update(" ;\n".join([text, *self.totals.refresh_texts(departments, pairs)]))
        return WriteOutcome(doc, "added" if previous is None else "replaced")

    def _summarised(self, doc: str) -> tuple[set[str], set[tuple[str, str]]]:
        """The departments the stored summaries of ``doc`` count, and the pairs its stored items name."""
        t = self.totals
        of_doc = (f"?s {sparql_term(NamedNode(self.m.summary_nodes['DepartmentSummary'].properties['doc_id'].iri))} "
                  f"{sparql_term(Literal(doc))}")
        departments = {r[0] for r in self._select(f"SELECT ?d WHERE {{ {of_doc} ; {sparql_term(t.of)} ?d }}").rows}
        return departments, set(t.pairs_named(self._select(
            f"SELECT DISTINCT ?n ?d WHERE {{ {self._boundary(doc)} ?n {t.responsible_path} ?d }}").rows))

    def add_links(self, graph: PolicyGraph, replace: bool = False, state: dict[str, Any] | None = None) -> None:
        """Cross-document edges and their link nodes; a link written again loses its old properties first.
        ``state`` (see GraphStore.add_links) is one triple, written in the same update."""
        quads = [q for e in graph.edges.values() for q in edge_quads(e, self.m)]
        subject, predicate = self._state_terms()
        parts = []
        if replace or state is not None:
            parts.append(f"DELETE WHERE {{ {sparql_term(subject)} ?p ?o }}")
        if replace:
            parts += [f"DELETE WHERE {{ ?s <{self.m.relationships[r].iri}> ?o }}" for r in self.m.layout.links]
            parts += [f"DELETE WHERE {{ ?l <{spec.from_iri}> ?s . ?l ?p ?o }}"
                      for spec in self.m.layout.link_nodes.values()]
        else:
            links = sorted({q.subject for q in quads if q.subject.value.startswith(self.m.base + "link/")},
                           key=lambda n: n.value)
            if links:
                parts.append("DELETE { ?l ?p ?o } WHERE { VALUES ?l { " + " ".join(map(sparql_term, links))
                             + " } ?l ?p ?o }")
        if state is not None:
            quads.append(Quad(subject, predicate, Literal(json.dumps(state, sort_keys=True))))
        insert = update_text((), quads)
        if insert:
            parts.append(insert)
        if completes_links(state):
            parts.append(self._link_counts_text())
        if parts:
            self._update(" ;\n".join(parts))

    def _boundary(self, doc: str) -> str:
        """A pattern binding ?n to every node the stored document owns (its Document node included)."""
        path = "|".join(f"<{self.m.relationships[r].iri}>" for r in self.m.layout.contains)
        return f"{sparql_term(NamedNode(self.m.node_iri('doc/' + doc)))} ({path})* ?n ."

    def _replace_text(self, doc: str, owned: list[Quad], shared: dict[str, list[Quad]], replacing: bool,
                      orphan_candidates: list[NamedNode]) -> str:
        parts = []
        if replacing:
            boundary = self._boundary(doc)
            for r in self.m.layout.links:       # links from or to the old version are stale once it changes
                parts.append(f"DELETE {{ ?x <{self.m.relationships[r].iri}> ?n }} WHERE {{ {boundary} "
                             f"?x <{self.m.relationships[r].iri}> ?n }}")
            for spec in self.m.layout.link_nodes.values():
                parts.append(f"DELETE {{ ?l ?p ?o }} WHERE {{ {boundary} ?l <{spec.from_iri}>|<{spec.to_iri}> ?n . "
                             f"?l ?p ?o }}")
            parts.append(f"DELETE {{ ?n ?p ?o }} WHERE {{ {boundary} ?n ?p ?o }}")
            for iri in sorted({spec.properties["doc_id"].iri for spec in self.m.summary_nodes.values()}):
                parts.append(f"DELETE WHERE {{ ?s <{iri}> {sparql_term(Literal(doc))} . ?s ?p ?o }}")
        quads = owned + [q for qs in shared.values() for q in qs]
        overwrite = self._shared_overwrites(shared)
        if overwrite:
            rows = " ".join(f"({sparql_term(s)} {sparql_term(p)})" for s, p in overwrite)
            parts.append(f"DELETE {{ ?n ?p ?o }} WHERE {{ VALUES (?n ?p) {{ {rows} }} ?n ?p ?o }}")
        parts.append(update_text((), quads))
        if orphan_candidates:
            parts.append(self._orphans_text(orphan_candidates))
        return " ;\n".join(parts)

    def _shared_overwrites(self, shared: dict[str, list[Quad]]) -> list[tuple[NamedNode, NamedNode]]:
        """(shared node, single-valued property) pairs being written: their old values are replaced.

        The links among shared nodes (parent, function, jurisdiction) are single-valued too: last writer wins.
        """
        single = {p.iri for label in self.m.shared_labels for p in self.m.written_node(label).properties.values()
                  if not p.many}
        single |= {r.iri for r in self.m.shared_rels()}
        pairs = {(q.subject.value, q.predicate.value) for qs in shared.values() for q in qs
                 if q.predicate.value in single}
        return [(NamedNode(s), NamedNode(p)) for s, p in sorted(pairs)]

    def _shared_path(self) -> str:
        return "|".join(f"<{r.iri}>" for r in self.m.shared_rels())

    def _shared_classes(self) -> str:
        return " ".join(f"<{self.m.nodes[label].class_iri}>" for label in self.m.shared_labels)

    def _orphan_candidates(self, doc: str) -> list[NamedNode]:
        """Shared nodes the stored version of ``doc`` reaches: only these can lose their last reference."""
        direct = (f"SELECT DISTINCT ?root WHERE {{ {self._boundary(doc)} ?n ?p ?root . "
                  f"?root a ?c . VALUES ?c {{ {self._shared_classes()} }} }}")
        # (path)+ not (path)*: a zero-length path with an unbound end makes Oxigraph walk every node
        above = f"SELECT DISTINCT ?up WHERE {{ {{ {direct} }} ?root ({self._shared_path()})+ ?up }}"
        found = {r[0] for r in self._select(direct).rows} | {r[0] for r in self._select(above).rows}
        return [NamedNode(iri) for iri in sorted(found)]

    def _orphans_text(self, candidates: list[NamedNode]) -> str:
        """Remove those candidates that no document's node reaches any more (directly or as a parent)."""
        values = " ".join(map(sparql_term, candidates))
        owned = f"FILTER NOT EXISTS {{ ?s a ?sc . VALUES ?sc {{ {self._shared_classes()} }} }}"
        pair_total = ", ".join(map(sparql_term, self.totals.total_ends))    # a pair total follows the summaries
        return (f"DELETE {{ ?n ?p ?o }} WHERE {{ "
                f"{{ SELECT ?n WHERE {{ VALUES ?n {{ {values} }} "
                f"FILTER NOT EXISTS {{ ?s ?q ?n . FILTER(?q NOT IN ({pair_total})) {owned} }} "
                f"FILTER NOT EXISTS {{ ?root ({self._shared_path()})+ ?n . ?s ?q ?root . {owned} }} }} }} "
                f"?n ?p ?o }}")

    # -- reading -------------------------------------------------------------------------------------------
    def _state_terms(self) -> tuple[NamedNode, NamedNode]:
        """The link state's subject and predicate (bookkeeping: left out of ``quads()``, exports and validation)."""
        return state_subject(self.m), NamedNode(self.m.expand("pk:linkState"))

    def _link_counts_text(self) -> str:
        """The update that rebuilds the counts derived from the links (``link_counts``)."""
        return " ;\n".join(c.refresh_text() for c in self.link_counts)

    def link_state(self) -> dict[str, Any] | None:
        subject, predicate = self._state_terms()
        rows = self._select(f"SELECT ?v WHERE {{ {sparql_term(subject)} {sparql_term(predicate)} ?v }}").rows
        return json.loads(rows[0][0]) if rows else None

    def _without_state(self, quads: Iterable[Quad]) -> Iterator[Quad]:
        prefix = state_prefix(self.m)
        return (q for q in quads if not q.subject.value.startswith(prefix))

    def document_files(self) -> dict[str, str]:
        """Each stored document's source file, as it was given when ingested."""
        spec = self.m.nodes["Document"]
        text = (f"SELECT ?doc ?file WHERE {{ ?d a <{spec.class_iri}> ; "
                f"<{spec.properties['doc_id'].iri}> ?doc ; <{spec.properties['file'].iri}> ?file }}")
        return {row[0]: row[1] for row in self._select(text).rows}

    def document_hashes(self) -> dict[str, str]:
        spec = self.m.nodes["Document"]
        text = (f"SELECT ?doc ?sha WHERE {{ ?d a <{spec.class_iri}> ; "
                f"<{spec.properties['doc_id'].iri}> ?doc ; <{spec.properties['sha256'].iri}> ?sha }}")
        return {row[0]: row[1] for row in self._select(text).rows}

    def counts(self) -> dict[str, int]:
        out = {label: 0 for label in self.m.nodes} | {rel: 0 for rel in self.m.relationships}
        classes = self.m.label_of_class()
        values = " ".join(f"<{c}>" for c in classes)
        for cls, n in self._select(f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {values} }} "
                                   f"?s a ?c }} GROUP BY ?c").rows:
            out[classes[cls]] = int(n)
        rels = self.m.rel_by_predicate()
        values = " ".join(f"<{p}>" for p in rels)
        for pred, n in self._select(f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }} "
                                    f"GROUP BY ?p").rows:
            out[rels[pred].type] = int(n)
        for label, rel in self.m.layout.typed_by.items():     # typed by the one relationship that reaches them
            out[label] = out[rel]
        return out

    def load_graph(self) -> PolicyGraph:
        return quads_to_graph(self.quads(), self.m)

    def query(self, text: str, params: dict[str, Any] | None = None, binding: str = "substitution") -> QueryResult:
        check_read_only(text)
        return self._select(*bound(text, params, binding))

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


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
    """Run a query on a pyoxigraph Store (its default graph, where the whole graph is); the raw (lazy)
    pyoxigraph result. The default graph alone, not the union of all graphs: Oxigraph answers a union with a
    distinct pass over every pattern (30 % slower on the same data).

    Parameters are bound by pyoxigraph (SEP-0007 substitutions), never written into the text."""
    subs = {Variable(k): to_term(v) for k, v in (params or {}).items()}
    try:
        try:
            return store.query(text, substitutions=subs or None)
        except RuntimeError as exc:
            if "projection" not in str(exc):
                raise
            # pyoxigraph substitutes only projected variables; others join as a VALUES block of escaped terms
            return store.query(bind_values(text, params or {}))
    except SyntaxError as exc:
        raise QuerySyntaxError(f"not a valid SPARQL query: {exc}") from None


def bound(text: str, params: dict[str, Any] | None, binding: str) -> tuple[str, dict[str, Any] | None]:
    """The text and parameters to run: as given (the engine substitutes them), or with the values written into
    the text as VALUES blocks of escaped terms (``binding="values"``: the planner then starts from them). The text
    was checked before, without them: a VALUES block of terms adds no update and no SERVICE, and a long text is
    not parsed again for every value (0.3 s for ``names``)."""
    if binding == "values" and params:
        return bind_everywhere(text, params), {}
    return text, params


class OxigraphStore(SparqlGraphStore):
    """A persistent pyoxigraph Store on disk (``--store`` / POLICYKG_STORE, default ./policykg-data)."""

    kind = "oxigraph"

    def __init__(self, path: str | os.PathLike | None = None, mapping: Mapping | None = None,
                 read_only: bool = False) -> None:
        """``read_only``: open the newest snapshot the writers published (rdf_snapshots), without the write
        lock, so any number of readers and one writer can use the store at once; a reader sees the store as of
        that snapshot (``generation`` says when to reopen) and never creates a store. A writer creates the
        folder if needed, holds the lock and publishes snapshots of what it wrote."""
        super().__init__(mapping)
        self.path = Path(settings.get("store", None if path is None else str(path)))
        self.read_only = read_only
        self.generation = rdf_snapshots.generation(self.path)   # before opening: a write in between reopens
        self._published_at, self._unpublished = None, False     # a writer's snapshots (rdf_snapshots)
        self.snapshot: str | None = None   # a reader's snapshot: its name says what it holds (never written again)
        if read_only and not self.exists(self.path):
            raise StoreMissing(f"no store at {self.path.resolve()} (run `policykg ingest FILES --store "
                               f"{self.path}` to create it, or give the right --store / POLICYKG_STORE)")
        try:
            if read_only:
                self._store, self.snapshot = rdf_snapshots.open_read_only(self.path)
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = Store(str(self.path))
        except (OSError, RuntimeError) as exc:
            if "/LOCK" in str(exc):          # RocksDB: "While lock file: <store>/LOCK: Resource temporarily …"
                raise StoreBusy(f"the Oxigraph store at {self.path} is being written by another process "
                                "(an ingest or link); try again when it has finished") from None
            raise StoreError(f"cannot open the Oxigraph store at {self.path}: {exc}") from None
        self.description = f"Oxigraph store at {self.path}"
        if next(iter(self._store.named_graphs()), None) is not None:
            self._store = None
            raise StoreError(f"the Oxigraph store at {self.path} was written by an older policykg (one named graph "
                             "per document); ingest the documents again into a new folder (--store)")
        self._writer = None
        # what a store written or linked by an older policykg lacks: its first writer adds it, a reader is refused
        for lacks, what, add in (
                (self._lacks_key_pieces, "written by an older policykg (no sort keys on departments)",
                 lambda: (self.writer.add_missing_key_pieces(), self._written())),
                (self._lacks_totals, "written by an older policykg (no store-wide totals)",
                 lambda: (self.writer.refresh_all_totals(), self._written())),
                (self._totals_pending, "written by a run stopped before it had updated the store-wide totals",
                 lambda: (self.writer.refresh_all_totals(), self._written())),
                (self._lacks_target_counts, "written by an older policykg (no target counts per document)",
                 lambda: self._update(target_counts_text(self.m))),
                (self._lacks_link_counts, "linked by an older policykg (no target changes or followed levels kept)",
                 lambda: self._update(self._link_counts_text()))):
            if not lacks():
                continue
            if read_only:
                self._store = None
                raise StoreError(f"the Oxigraph store at {self.path} was {what}; run any writing command on it "
                                 f"once (e.g. `policykg link --store {self.path}`) to add them")
            add()

    def _has_without(self, present: str, absent: str) -> bool:
        """Some quad has predicate ``present`` and none has ``absent`` (each kept on all its nodes or on none)."""
        def used(iri: str) -> bool:
            return next(self._store.quads_for_pattern(None, NamedNode(iri), None), None) is not None
        return used(present) and not used(absent)

    def _lacks_totals(self) -> bool:
        t = self.totals
        # the versions before pair totals stored per-document pair summaries (pk:pairFirst ...), as no writer does now
        return (self._has_without(t.of.value, t.sums[0][1].value)
                or self._has_without(self.m.summary_rels["FIRST_OF_PAIR"].iri, t.pair_total.value))

    def _totals_pending(self) -> bool:
        pending = self.totals.pending
        return next(self._store.quads_for_pattern(pending.subject, pending.predicate, None), None) is not None

    def _lacks_key_pieces(self) -> bool:
        return self._has_without(self.m.nodes["Department"].properties["key"].iri,
                                 self.m.summary_props["Department"]["key_piece"].iri)

    def _lacks_target_counts(self) -> bool:
        return self._has_without(self.m.relationships["HAS_TARGET"].iri,
                                 self.m.summary_props["Document"]["target_counts"].iri)

    def _lacks_link_counts(self) -> bool:
        def has_mark(kept: Quad) -> bool:
            return next(self._store.quads_for_pattern(kept.subject, kept.predicate, None), None) is not None
        return not all(has_mark(c.kept) for c in self.link_counts) and completes_links(self.link_state())

    @property
    def writer(self):
        """The native write path (rdf_write.NativeWriter), made on first use."""
        if self.read_only:
            raise ReadOnlyViolation(f"the Oxigraph store at {self.path} was opened read-only; writes need a writer")
        if self._writer is None:
            from policykg.graph.stores.rdf_write import NativeWriter

            self._writer = NativeWriter(self._store, self.m)
        return self._writer

    # -- writing (native: no query text on the path of a new document) ----------------------------------------
    def replace_document(self, doc: str, sha256: str, graph: PolicyGraph) -> WriteOutcome:
        return self.write_documents([(doc, sha256, graph)])[0]

    def write_documents(self, items: list[tuple[str, str, PolicyGraph]]) -> list[WriteOutcome]:
        """Write several documents: new ones in one transaction together, a replaced one in one of its own.
        Every value is checked before anything is written; a failed transaction leaves the store as it was."""
        actions = self.writer.write(items)
        self._written()
        return [WriteOutcome(doc, action) for (doc, _sha, _g), action in zip(items, actions)]

    def bulk_load(self, items, on_document=None) -> dict[str, int]:
        """A first load into an EMPTY store through the bulk loader (no transactions; `policykg ingest --bulk`):
        StoreNotEmpty otherwise, before anything is read. ``on_document``: see NativeWriter.bulk_load."""
        if not self.is_empty():
            raise StoreNotEmpty(f"the Oxigraph store at {self.path} is not empty: a bulk load is only for a first "
                                "load into an empty store; ingest without --bulk to add or replace documents, or "
                                "give a new folder with --store")
        counts = self.writer.bulk_load(items, on_document)
        self._written()
        return counts

    def is_empty(self) -> bool:
        return next(iter(self._store.quads_for_pattern(None, None, None, None)), None) is None

    def add_links(self, graph: PolicyGraph, replace: bool = False, state: dict[str, Any] | None = None) -> None:
        from policykg.graph.stores.rdf_write import state_quads

        subject, predicate = self._state_terms()
        self.writer.add_links(graph, replace, None if state is None else state_quads(subject, predicate, state),
                              subject, then=self._link_counts_text() if completes_links(state) else None)
        self._written()

    def load_documents(self, docs: list[str]) -> PolicyGraph:
        """Whole stored documents (their own nodes and edges, links left out) and the shared nodes they point
        to: what the cascade linker reads a batch at a time."""
        from policykg.graph.stores.rdf_write import NativeWriter

        reader = self._writer if self._writer is not None else NativeWriter(self._store, self.m)
        return reader.read_documents(docs)

    def document_quads(self, doc: str) -> list[Quad]:
        """The quads a stored document owns (its nodes, their properties and edges; links left out)."""
        from policykg.graph.stores.rdf_write import NativeWriter

        return NativeWriter(self._store, self.m).document_quads(doc, with_links=False)

    def optimize(self) -> None:
        """Compact the store's indexes (``Store.optimize``): worth it after a large load."""
        self._store.optimize()

    @staticmethod
    def exists(path: str | os.PathLike) -> bool:
        """Whether ``path`` holds an embedded store (RocksDB's CURRENT file), without opening it."""
        return (Path(path) / "CURRENT").is_file()

    def is_stale(self) -> bool:
        """A read-only instance opened before the newest snapshot (reopen it to see the change)."""
        return self.read_only and rdf_snapshots.generation(self.path) != self.generation

    def _written(self) -> None:
        """After a write: publish a snapshot for readers, at most one a second while writing (close publishes
        the rest)."""
        self._unpublished = True
        if self._published_at is None or time.monotonic() - self._published_at >= rdf_snapshots.PUBLISH_EVERY_S:
            self._publish()

    def _publish(self) -> None:
        rdf_snapshots.publish(self._store, self.path)
        self._published_at, self._unpublished = time.monotonic(), False

    def _update(self, text: str) -> None:
        if self.read_only:
            raise ReadOnlyViolation(f"the Oxigraph store at {self.path} was opened read-only; writes need a writer")
        self._store.update(text)
        self._written()

    def query(self, text: str, params: dict[str, Any] | None = None, binding: str = "substitution") -> QueryResult:
        """A user's query: checked (no update, no SERVICE), then run in a worker process that is stopped at the
        time limit (pyoxigraph cannot cancel a query); with POLICYKG_QUERY_TIMEOUT=0, here in this process."""
        check_read_only(text)
        text, params = bound(text, params, binding)
        limits = QueryLimits.from_settings()
        if limits.timeout_s <= 0:
            return result_of(run_on(self._store, text, params), limits.max_rows)
        from policykg.graph.stores import query_worker

        if self._unpublished:           # a writer's query: the worker reads the newest snapshot, so make one
            self._publish()
        return query_worker.run(self.path, text, params, limits)

    def _select(self, text: str, params: dict[str, Any] | None = None) -> QueryResult:
        return result_of(run_on(self._store, text, params))

    def quads(self) -> Iterable[Quad]:
        from pyoxigraph import DefaultGraph

        return self._without_state(self._store.quads_for_pattern(None, None, None, DefaultGraph()))

    def dump_nquads(self) -> bytes:
        """The whole store as sorted N-Quads: a byte-for-byte comparable snapshot."""
        from pyoxigraph import RdfFormat, serialize

        lines = serialize(self.quads(), format=RdfFormat.N_QUADS).splitlines()
        return b"\n".join(sorted(lines)) + b"\n"

    def close(self) -> None:
        if getattr(self, "_store", None) is not None:
            if not self.read_only:
                self._store.flush()
                self._publish()         # always: a writer killed before its close may have left writes unpublished
            self._store = None
            self._writer = None         # it holds the pyoxigraph Store too: the folder's lock goes with the last


__all__ = ["OxigraphStore", "QuerySyntaxError", "ReadOnlyViolation", "SparqlGraphStore", "StoreBusy", "StoreError",
           "StoreMissing", "StoreNotEmpty", "check_read_only", "result_of", "with_prefixes"]

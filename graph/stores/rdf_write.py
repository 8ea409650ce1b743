"""The embedded store's write path: documents into Oxigraph through its native API, one transaction each.

Everything sits in the default graph; a document's boundary is its Document node and what it contains
(``rdf.contains`` in mapping.yaml), found by index lookups, never by a query. Writing a batch:

- an unchanged document (same SHA-256) is skipped;
- new documents are written together with ``Store.extend`` (one transaction, no delete work): their own
  quads, and of the shared nodes they touch only the quads the store does not hold yet;
- a document that replaces a stored one, or that changes a shared node's single value (a department's parent,
  function, name), is written alone in ONE update: ``DELETE DATA`` its old quads (its nodes, the links to and
  from them, the shared nodes no document refers to any more) and ``INSERT DATA`` the new ones. pyoxigraph has
  no native transaction that both removes and adds, so this path writes its quads as update text (through
  ``sparql_term`` only); a first national load never takes it.

A first load can go through ``bulk_load``: the bulk loader (``Store.bulk_extend``), which skips transactions
altogether, for documents the store does not hold yet.
"""
from __future__ import annotations

import gc
import json
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Store

from policykg.graph.model import PolicyGraph
from policykg.graph.stores.rdf_codec import CodecError, document_quads, edge_quads, quads_to_graph, sparql_term
from policykg.graph.stores.rdf_totals import Totals
from policykg.graph.stores.summaries import Counts, add_counts
from policykg.ontology.mapping import RDF_TYPE, Mapping

_DEFAULT = DefaultGraph()
_TYPE = NamedNode(RDF_TYPE)
SHARED_CACHE = 20_000       # shared nodes whose stored quads this writer remembers (~6 KB each with their terms)
# Quads written between two flushes of the store's write buffers to disk. Oxigraph keeps what a transaction
# commits in memory until told to flush (measured: ~470 bytes per quad, 634 MB after 1.2 M quads, without a
# flush; flat at ~130 MB when flushed every 40,000), so a national load would grow with the corpus. Flushing
# also made the writes cheaper: 28.8 CPU-s instead of 42.7 for the first 1,500 documents (1.75 M quads) of the
# 100,000-task synthetic corpus.
FLUSH_EVERY = 100_000
# Store-wide totals (rdf_totals) whose stored values this writer remembers: at 100,000 tasks 87,000 department
# and 56,000 pair totals, so that a national load looks few of them up (~250 bytes each: 100 MB at most)
TOTALS_CACHE = 400_000


@dataclass
class Planned:
    """What writing one document takes: the quads to add and (replacing or overwriting) those to remove."""

    doc: str
    action: str                               # "added", "replaced" or "unchanged"
    insert: list[Quad] = field(default_factory=list)
    delete: list[Quad] = field(default_factory=list)
    shared_written: dict[str, frozenset] = field(default_factory=dict)
    # what the write adds to the store-wide totals of departments and pairs (rdf_totals)
    counts: Counts = field(default_factory=dict)


@contextmanager
def no_gc():
    """The cyclic garbage collector paused while a batch is encoded and written: the encoding makes hundreds of
    thousands of short-lived objects and nothing cyclic, and each full collection walks the whole heap (measured:
    encoding 208,000 quads/s with it, 334,000 without)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def update_text(delete: Iterable[Quad], insert: Iterable[Quad]) -> str:
    """One SPARQL update that removes and adds exact triples of the default graph (values via sparql_term)."""
    parts = []
    for verb, quads in (("DELETE", delete), ("INSERT", insert)):
        lines = [f"{sparql_term(q.subject)} {sparql_term(q.predicate)} {sparql_term(q.object)} ." for q in quads]
        if lines:
            parts.append(f"{verb} DATA {{\n" + "\n".join(lines) + "\n}")
    return " ;\n".join(parts)


class NativeWriter:
    """Plans and writes documents and links into a pyoxigraph Store (the store's lock is held by its owner)."""

    def __init__(self, store: Store, m: Mapping) -> None:
        self.store, self.m = store, m
        doc_spec = m.nodes["Document"]
        self.sha = NamedNode(doc_spec.properties["sha256"].iri)
        self.contains = {m.relationships[r].iri for r in m.layout.contains}
        self.shared_classes = {m.nodes[label].class_iri for label in m.shared_labels}
        self.shared_rels = [NamedNode(r.iri) for r in m.shared_rels()]
        self.single = {p.iri for label in m.shared_labels for p in m.written_node(label).properties.values()
                       if not p.many}
        self.single |= {r.iri for r in m.shared_rels()}
        self.link_preds = [NamedNode(m.relationships[r].iri) for r in m.layout.links]
        self.link_ends = [(NamedNode(s.from_iri), NamedNode(s.to_iri)) for s in m.layout.link_nodes.values()]
        # every predicate of a link node: its ends and its relationship's properties
        node_iris = {iri for rel, s in m.layout.link_nodes.items()
                     for iri in (s.from_iri, s.to_iri, *(p.iri for p in m.written_rel(rel).properties.values()))}
        self.link_node_preds = [NamedNode(iri) for iri in sorted(node_iris)]
        summary_doc = {spec.properties["doc_id"].iri for spec in m.summary_nodes.values()}
        self.summary_doc = [NamedNode(iri) for iri in sorted(summary_doc)]
        self.totals = Totals(m)
        self.known_totals: OrderedDict[tuple, int] = OrderedDict()   # (node, predicate) -> its stored total
        # True while every stored total is in known_totals (the store held none when this writer began, and none
        # was forgotten since): a total not remembered is then 0, not looked up. A first national load meets
        # ~140,000 totals it has never seen, and each look-up reads the store's many fresh files (at 100,000
        # tasks 124,000 look-ups took 8.3 of the totals' 24 CPU-seconds).
        self.all_totals_known = all(next(self._quads(None, p, None), None) is None
                                    for p in (self.totals.sums[0][1], self.totals.pair_total))
        self.known: OrderedDict[str, frozenset] = OrderedDict()     # shared node IRI -> its stored quads
        self.unflushed = 0                                           # quads committed since the last flush

    # -- lookups -------------------------------------------------------------------------------------------
    def _quads(self, s=None, p=None, o=None) -> Iterator[Quad]:
        return self.store.quads_for_pattern(s, p, o, _DEFAULT)

    def stored_hash(self, doc: str) -> str | None:
        for q in self._quads(NamedNode(self.m.node_iri(f"doc/{doc}")), self.sha, None):
            return q.object.value
        return None

    def _owned(self, doc: str, summaries: bool = True) -> tuple[list[NamedNode], list[Quad]]:
        """The nodes a stored document owns (its Document node, what it contains, and with ``summaries`` its
        summaries) and their quads. Each node's quads are read once and its contained nodes found among them
        (a walk by one look-up per containment predicate took 64 of the link step's 165 s of reading at 100,000
        tasks)."""
        root = NamedNode(self.m.node_iri(f"doc/{doc}"))
        seen, subjects, quads, frontier = {root.value}, [], [], [root]
        while frontier:
            found = []
            for s in frontier:
                subjects.append(s)
                for q in self._quads(s, None, None):
                    quads.append(q)
                    o = q.object
                    if q.predicate.value in self.contains and isinstance(o, NamedNode) and o.value not in seen:
                        seen.add(o.value)
                        found.append(o)
            frontier = found
        for p in self.summary_doc if summaries else ():
            for q in self._quads(None, p, Literal(doc)):
                if q.subject.value not in seen:
                    seen.add(q.subject.value)
                    subjects.append(q.subject)
                    quads.extend(self._quads(q.subject, None, None))
        return subjects, quads

    def document_quads(self, doc: str, with_links: bool = True, summaries: bool = True) -> list[Quad]:
        """Every quad of a stored document (and, ``with_links``, the links to and from its nodes; without
        ``summaries``, not its summary nodes' quads)."""
        subjects, out = self._owned(doc, summaries)
        if with_links:
            out.extend(self._links_touching(subjects))
        else:
            links = {p.value for p in self.link_preds}
            out = [q for q in out if q.predicate.value not in links]
        return out

    def _links_touching(self, subjects: list[NamedNode]) -> list[Quad]:
        """Cross-document links into these nodes, and the link nodes of links from or to them."""
        out, nodes = [], set()
        for s in subjects:
            for p in self.link_preds:
                out.extend(self._quads(None, p, s))
            for ends in self.link_ends:
                for end in ends:
                    nodes.update(q.subject for q in self._quads(None, end, s))
        for link in sorted(nodes, key=lambda n: n.value):
            out.extend(self._quads(link, None, None))
        return out

    def _is_shared(self, term) -> bool:
        if not isinstance(term, NamedNode):
            return False
        return any(q.object.value in self.shared_classes for q in self._quads(term, _TYPE, None))

    def _stored_shared(self, iri: str) -> frozenset:
        found = self.known.get(iri)
        if found is None:
            found = frozenset(self._quads(NamedNode(iri), None, None))
            self._remember(iri, found)
        return found

    def _remember(self, iri: str, quads: frozenset) -> None:
        self.known[iri] = quads
        self.known.move_to_end(iri)
        while len(self.known) > SHARED_CACHE:
            self.known.popitem(last=False)

    # -- planning ------------------------------------------------------------------------------------------
    def plan(self, doc: str, sha256: str, graph: PolicyGraph, previous: str | None) -> Planned:
        """The quads that write ``doc`` (its subgraph in ``graph``); ``previous``: its stored hash, if any."""
        if previous == sha256:
            return Planned(doc, "unchanged")
        sub = graph.written_subgraph(doc)
        owned, shared = document_quads(sub, doc, self.m)     # encoding checks every value first
        planned = Planned(doc, "added" if previous is None else "replaced", list(owned))
        old_subjects: list[NamedNode] = []
        if previous is not None:
            old_subjects, old_quads = self._owned(doc)
            planned.delete.extend(old_quads)
            planned.delete.extend(self._links_touching(old_subjects))
        for iri, quads in shared.items():
            wanted = frozenset(quads)
            stored = self._stored_shared(iri)
            fresh = wanted - stored
            if not fresh:
                continue
            replaced = {(q.predicate.value) for q in fresh if q.predicate.value in self.single}
            gone = [q for q in stored if q.predicate.value in replaced and q not in wanted]
            planned.insert.extend(fresh)
            planned.delete.extend(gone)
            planned.shared_written[iri] = frozenset((stored - set(gone)) | wanted)
        if previous is not None:
            # an orphaned department's totals are left to the totals' update, which takes them to zero
            planned.delete.extend(q for q in self._orphans(old_subjects, owned, shared)
                                  if q.predicate not in self.totals.on_department)
        planned.counts = self.totals.counts_in(owned)
        add_counts(planned.counts, self.totals.counts_in(planned.delete), -1)
        if planned.delete:
            new = set(planned.insert)
            planned.delete = [q for q in dict.fromkeys(planned.delete) if q not in new]
            planned.insert = [q for q in planned.insert if q not in set(planned.delete)]
        return planned

    def _orphans(self, old_subjects: list[NamedNode], owned: list[Quad], shared: dict[str, list[Quad]]) -> list[Quad]:
        """The quads of shared nodes the old version reached (directly or above) that nothing refers to once the
        new version is written: no other document's node, no shared node that stays."""
        old = {s.value for s in old_subjects}
        reached = {q.object.value for s in old_subjects for q in self._quads(s, None, None)
                   if isinstance(q.object, NamedNode) and q.object.value not in old}
        candidates: set[str] = set()
        frontier = [iri for iri in reached if self._is_shared(NamedNode(iri))]
        while frontier:
            iri = frontier.pop()
            if iri in candidates:
                continue
            candidates.add(iri)
            for p in self.shared_rels:
                frontier.extend(q.object.value for q in self._quads(NamedNode(iri), p, None))
        new_refs = {q.object.value for q in owned if isinstance(q.object, NamedNode)} | set(shared)
        candidates -= new_refs
        kept: dict[str, bool] = {}

        def keep(iri: str, path: frozenset = frozenset()) -> bool:
            if iri not in candidates:
                return True
            if iri in kept:
                return kept[iri]
            if iri in path:
                return False
            node = NamedNode(iri)
            answer = False
            for q in self._quads(None, None, node):
                s = q.subject.value
                if s in old or s == iri or q.predicate in self.totals.total_ends:   # a pair total follows
                    continue
                if q.predicate in self.shared_rels and self._is_shared(q.subject):
                    if keep(s, path | {iri}):
                        answer = True
                        break
                elif not self._is_shared(q.subject):
                    answer = True      # a node of another document (or a link node) refers to it
                    break
            kept[iri] = answer
            return answer

        doomed = sorted(iri for iri in candidates if not keep(iri))
        for iri in doomed:
            self.known.pop(iri, None)
        return [q for iri in doomed for q in self._quads(NamedNode(iri), None, None)]

    # -- writing -------------------------------------------------------------------------------------------
    def write(self, items: list[tuple[str, str, PolicyGraph]]) -> list[str]:
        """Write documents in order: runs of plain additions in one ``extend`` each, anything that removes
        quads in one update of its own; then the totals of the departments and pairs the written documents
        touched (rdf_totals), also when a later document of the batch failed. Returns each document's action."""
        written: list[Planned] = []
        self.store.add(self.totals.pending)
        try:
            with no_gc():
                return self._write(items, written)
        finally:
            counts: Counts = {}
            for p in written:
                add_counts(counts, p.counts)
            self.add_to_totals(counts)

    def add_to_totals(self, counts: Counts) -> None:
        """Add these changes of the counts to the stored totals, in one update. The totals this writer last
        wrote are remembered (at most TOTALS_CACHE): a batch's departments mostly recur in the next,
        and each look-up of a stored total reads the store's many fresh files."""
        delete, insert, values = self.totals.changes(self._stored_total, counts)
        if delete:
            self.store.update(update_text([*delete, self.totals.pending], insert))
        else:
            if insert:                  # a first load: no update text to build and parse back
                self.store.extend(insert)
            self.store.remove(self.totals.pending)   # a kill before this only costs a rebuild
        for key, value in values.items():
            self.known_totals[key] = value
            self.known_totals.move_to_end(key)
        while len(self.known_totals) > TOTALS_CACHE:
            self.known_totals.popitem(last=False)
            self.all_totals_known = False

    def _stored_total(self, node: NamedNode, predicate: NamedNode) -> int:
        found = self.known_totals.get((node, predicate))
        if found is None:
            found = 0 if self.all_totals_known else sum(int(q.object.value) for q in self._quads(node, predicate, None))
        return found

    def refresh_all_totals(self) -> None:
        """Every department's and pair's totals from the stored summaries and edges (a store written before them)."""
        t = self.totals
        old = [q for p in (*t.on_department, *t.pair_predicates) for q in self._quads(None, p, None)]
        if old:
            self.store.update(update_text(old, ()))
        self.known_totals.clear()
        self.all_totals_known = True        # none is stored now
        subjects = {q.subject for q in self._quads(None, t.of, None)}
        self.add_to_totals(t.counts_in([*(q for s in subjects for q in self._quads(s, None, None)),
                                        *(q for p in t.responsible for q in self._quads(None, p, None))]))

    def add_missing_key_pieces(self) -> int:
        """Give every department its key's sort pieces when no department has them (a store written before
        them: every writer since adds them, so a store has them on all departments or on none); returns how many
        departments got them. One transaction."""
        from policykg.graph.stores.summaries import KEY_PIECES, key_pieces

        props = self.m.summary_props["Department"]
        if next(self._quads(None, NamedNode(props[KEY_PIECES[0]].iri), None), None) is not None:
            return 0
        key = NamedNode(self.m.nodes["Department"].properties["key"].iri)
        added = [Quad(q.subject, NamedNode(props[name].iri), Literal(piece), DefaultGraph())
                 for q in self._quads(None, key, None)
                 for name, piece in key_pieces(q.object.value, KEY_PIECES).items()]
        self.store.extend(added)
        return len({q.subject for q in added})

    def _write(self, items: list[tuple[str, str, PolicyGraph]], written: list[Planned]) -> list[str]:
        actions: list[str] = []
        run: list[Planned] = []
        for doc, sha256, graph in items:
            planned = self.plan(doc, sha256, graph, self.stored_hash(doc))
            actions.append(planned.action)
            if planned.action == "unchanged":
                continue
            if planned.delete:
                self._flush(run, written)
                run = []
                self.store.update(update_text(planned.delete, planned.insert))
                written.append(planned)
                self._wrote(len(planned.insert))
                self._learn(planned)
            else:
                run.append(planned)
                self._learn(planned)      # later documents of the run see its shared nodes as stored
        self._flush(run, written)
        return actions

    def _flush(self, run: list[Planned], written: list[Planned]) -> None:
        if not run:
            return
        quads = [q for p in run for q in p.insert]
        try:
            self.store.extend(quads)
        except BaseException:
            for p in run:                 # what the cache learnt from them was never written
                for iri in p.shared_written:
                    self.known.pop(iri, None)
            raise
        written.extend(run)
        self._wrote(len(quads))

    def _wrote(self, quads: int) -> None:
        """Count committed quads; past FLUSH_EVERY, flush the store's write buffers (memory stays flat)."""
        self.unflushed += quads
        if self.unflushed >= FLUSH_EVERY:
            self.store.flush()
            self.unflushed = 0

    def _learn(self, planned: Planned) -> None:
        for iri, quads in planned.shared_written.items():
            self._remember(iri, quads)

    def bulk_load(self, items: Iterable[tuple[str, str, PolicyGraph]],
                  on_document: Callable[[str, str | None], None] | None = None) -> dict[str, int]:
        """A first load through the bulk loader (no transactions: a failure of the loader leaves a partial store,
        so it is for documents the store does not hold). Each document is encoded whole before any of its quads
        go to the loader, so a document whose values do not fit the mapping is left out alone:
        ``on_document(doc, None)`` after a document is handed to the loader, ``on_document(doc, reason)`` for
        one left out (without it, the error is raised). Shared nodes are written once; a shared node that later
        documents describe differently is corrected in one update at the end (last writer wins, as in
        ``write``)."""
        counts = {"documents": 0, "quads": 0, "failed": 0}
        totals: Counts = {}                       # the totals, written at the end (rdf_totals)
        seen: dict[str, int] = {}                 # shared node IRI -> hash of the quads written for it
        later: dict[str, dict[str, Quad]] = {}    # shared nodes described differently after they were written

        def key(q: Quad) -> str:
            return q.predicate.value if q.predicate.value in self.single else str(q)

        def quads() -> Iterator[Quad]:
            for doc, sha256, graph in items:
                if self.stored_hash(doc) is not None:
                    raise ValueError(f"bulk load: document {doc!r} is already stored; ingest without --bulk "
                                     "to replace documents")
                try:
                    sub = graph.document_subgraph(doc)
                    owned, shared = document_quads(sub, doc, self.m)
                except ValueError as exc:        # CodecError: a value that does not fit the mapping
                    if on_document is None:
                        raise
                    counts["failed"] += 1
                    on_document(doc, f"document {doc!r} was not written: {exc}")
                    continue
                counts["documents"] += 1
                counts["quads"] += len(owned)
                add_counts(totals, self.totals.counts_in(owned))
                yield from owned
                for iri, qs in shared.items():
                    h = hash(frozenset(qs))
                    if iri not in seen:
                        seen[iri] = h
                        counts["quads"] += len(qs)
                        yield from qs
                    elif seen[iri] != h:
                        seen[iri] = h
                        later.setdefault(iri, {}).update((key(q), q) for q in qs)
                if on_document is not None:
                    on_document(doc, None)

        with no_gc():
            self.store.bulk_extend(quads())
        delete, insert = [], []
        for iri, described in later.items():
            stored = {key(q): q for q in self._quads(NamedNode(iri), None, None)}
            wanted = {**stored, **described}
            delete.extend(q for k, q in stored.items() if wanted[k] != q)
            insert.extend(q for k, q in wanted.items() if stored.get(k) != q)
        if delete or insert:
            self.store.update(update_text(delete, insert))
        self.add_to_totals(totals)
        self.known.clear()
        return counts

    # -- links ---------------------------------------------------------------------------------------------
    def add_links(self, graph: PolicyGraph, replace: bool, state_quads: list[Quad] | None,
                  state_subject: NamedNode, then: str | None = None) -> None:
        """Links and the link state in one transaction: an ``extend`` when nothing needs removing, else one
        update (a rewritten link loses its old properties); ``replace``: every stored link is removed before,
        a quad at a time (``remove_links``). ``then``: an update to run after them in the same transaction (what
        is derived from the links)."""
        quads = [q for e in graph.edges.values() for q in edge_quads(e, self.m)]
        delete: list[Quad] = []
        if replace:
            self.remove_links(state_subject)
        else:
            links = {q.subject for q in quads if q.subject.value.startswith(self.m.base + "link/")}
            for link in sorted(links, key=lambda n: n.value):
                delete.extend(self._quads(link, None, None))
        if state_quads is not None:
            delete.extend(self._quads(state_subject, None, None))
            quads.extend(state_quads)
        new = set(quads)
        delete = [q for q in delete if q not in new]
        if not delete and then is None:
            if quads:
                self.store.extend(quads)
        else:
            text = update_text(delete, quads)
            self.store.update(" ;\n".join(([text] if text else []) + ([then] if then else [])))
        self._wrote(len(quads))

    def remove_links(self, state_subject: NamedNode) -> None:
        """Every stored link (its triple, and its link node), the link state first, so that a run stopped in
        between leaves the links pending, never current. Each quad goes in a transaction of its own, so memory
        stays flat: one update removing the 551,000 links of a 100,000-task store held 6.7 GB and took 205 s."""
        state = list(self._quads(state_subject, None, None))
        if state:
            self.store.update(update_text(state, ()))
        link_node = self.m.base + "link/"
        for p in [*self.link_preds, *self.link_node_preds]:
            removed = 0
            every = p in self.link_preds          # a link node's predicates may serve other nodes too
            for q in self._quads(None, p, None):  # the scan reads a snapshot: removing as it goes is safe
                if every or q.subject.value.startswith(link_node):
                    self.store.remove(q)
                    removed += 1
            self._wrote(removed)

    # -- reading a batch of documents (cascade linking) ------------------------------------------------------
    def read_documents(self, docs: list[str]) -> PolicyGraph:
        """Whole documents (their own nodes and edges, links left out) and the shared nodes they point to. The
        documents' summaries are not read: no graph holds them (a third of a document's quads). Shared nodes are
        read again for each batch: remembering 20,000 of them across batches cost 140 MB at 100,000 tasks and
        saved no time (measured: 126 s of CPU with them, 121 s without, to read that store)."""
        quads: list[Quad] = []
        for doc in docs:
            quads.extend(self.document_quads(doc, with_links=False, summaries=False))
        own = {q.subject.value for q in quads}
        rels = self.m.rel_by_predicate()
        reached = {q.object.value for q in quads if q.predicate.value in rels} - own
        for iri in sorted(reached):
            quads.extend(self._quads(NamedNode(iri), None, None))
        return quads_to_graph(quads, self.m)


def state_quads(subject: NamedNode, predicate: NamedNode, state: dict[str, Any]) -> list[Quad]:
    return [Quad(subject, predicate, Literal(json.dumps(state, sort_keys=True)))]


__all__ = ["CodecError", "NativeWriter", "Planned", "state_quads", "update_text"]

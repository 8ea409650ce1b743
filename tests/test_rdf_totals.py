"""Store-wide totals of departments and of pairs of departments on the embedded store (graph/stores/rdf_totals.py):
after every way of writing — batches of new documents, a replaced document that drops departments, the bulk
loader, a store written before totals — they equal what the stored graph's LEAD / SUPPORT edges give when
counted directly (the oracle below counts edges; it never reads a summary). A replaced document that drops
departments: test_rdf_store.py; the SPARQL endpoint's totals, the same quads as these: test_rdf_store_fuseki.py."""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from policykg.graph.build import build
from policykg.graph.model import PolicyGraph
from policykg.graph.pipeline import process_files
from policykg.graph.stores import rdf_snapshots
from policykg.graph.stores.rdf_store import OxigraphStore, StoreError
from policykg.ontology.mapping import load_mapping

PK = "https://policykg.org/ontology#"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def examples():
    """The five example documents as the stores write them (doc, sha256, graph), and all of them built as one."""
    extracted, problems = process_files([EXAMPLES])
    assert not problems
    return [(r.meta.doc, r.meta.sha256, build([r])) for r in extracted], build(extracted)


def counted(graph: PolicyGraph) -> dict:
    """From the edges: department -> (items naming it, led, supported); (department, department), the smaller id
    first -> (items naming both,)."""
    lead, support, named = defaultdict(set), defaultdict(set), defaultdict(set)
    for e in graph.edges.values():
        if e.type in ("LEAD", "SUPPORT"):
            (lead if e.type == "LEAD" else support)[e.target].add(e.source)
            named[e.source].add(e.target)
    out: dict = {d: (len(lead[d] | support[d]), len(lead[d]), len(support[d])) for d in {*lead, *support}}
    shared: dict = defaultdict(int)
    for departments in named.values():
        for a in departments:
            for b in departments:
                if a < b:
                    shared[(a, b)] += 1
    return out | {pair: (n,) for pair, n in shared.items()}


def stored(store: OxigraphStore) -> dict:
    rows = store._select(f"SELECT ?d ?i ?l ?s WHERE {{ ?d <{PK}totalItems> ?i "
                         f"OPTIONAL {{ ?d <{PK}totalLead> ?l }} OPTIONAL {{ ?d <{PK}totalSupport> ?s }} }}").rows
    pairs = store._select(f"SELECT ?a ?b ?n WHERE {{ ?t <{PK}totalFirst> ?a ; <{PK}totalSecond> ?b ; "
                          f"<{PK}pairTotal> ?n }}").rows
    # a pair total is whole (its two ends and its count) or absent
    assert all(len(store._select(f"SELECT ?t WHERE {{ ?t <{PK}{p}> ?x }}").rows) == len(pairs)
               for p in ("totalFirst", "totalSecond", "pairTotal"))
    return ({store.m.node_id(d): (i, l or 0, s or 0) for d, i, l, s in rows}
            | {(store.m.node_id(a), store.m.node_id(b)): (n,) for a, b, n in pairs})


def test_totals_after_batches_of_new_documents(examples, tmp_path):
    documents, whole = examples
    store = OxigraphStore(tmp_path / "kg")
    store.write_documents(documents[:3])
    store.write_documents(documents[3:])
    totals = stored(store)
    assert totals == counted(whole)
    departments = [v for k, v in totals.items() if isinstance(k, str)]
    pairs = [n for k, (n, *_rest) in totals.items() if isinstance(k, tuple)]
    # measured by the oracle on the examples: 119 departments (the most named on 52 items), 335 pairs (45 shared)
    assert len(departments) == 119 and max(n for n, _l, _s in departments) == 52
    assert len(pairs) == 335 and max(pairs) == 45
    store.close()


def test_totals_of_a_writer_that_opens_a_store_holding_totals(examples, tmp_path):
    """A new writer finds totals it has never seen in the store and adds to them (one that began on an empty store
    knows every total and looks none up)."""
    documents, whole = examples
    store = OxigraphStore(tmp_path / "kg")
    store.write_documents(documents[:3])
    store.close()
    store = OxigraphStore(tmp_path / "kg")
    store.write_documents(documents[3:])
    assert stored(store) == counted(whole)
    store.close()


def test_bulk_load_writes_the_totals(examples, tmp_path):
    documents, whole = examples
    store = OxigraphStore(tmp_path / "kg")
    store.bulk_load(iter(documents))
    assert stored(store) == counted(whole)
    store.close()


def test_a_writer_killed_between_its_documents_and_their_totals_leaves_them_to_the_next(examples, tmp_path):
    """A writer killed (SIGKILL, as by the OOM killer) after its documents' transaction and before the totals' own
    leaves the store marked; the next writer rebuilds the totals from the stored summaries."""
    documents, whole = examples
    store = OxigraphStore(tmp_path / "kg")
    store.write_documents(documents[:3])
    store.close()
    killed = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from policykg.graph.build import build
        from policykg.graph.pipeline import process_files
        from policykg.graph.stores import rdf_write
        from policykg.graph.stores.rdf_store import OxigraphStore
        extracted, _ = process_files([Path({str(EXAMPLES)!r})])
        documents = [(r.meta.doc, r.meta.sha256, build([r])) for r in extracted]
        rdf_write.NativeWriter.add_to_totals = lambda self, counts: os.kill(os.getpid(), signal.SIGKILL)
        OxigraphStore({str(tmp_path / "kg")!r}).write_documents(documents[3:])
    """)
    run = subprocess.run([sys.executable, "-c", killed], capture_output=True, text=True, timeout=300)
    assert run.returncode == -signal.SIGKILL, run.stderr
    store = OxigraphStore(tmp_path / "kg")
    assert set(store.document_hashes()) == {doc for doc, _sha, _graph in documents}   # its documents went in
    assert stored(store) == counted(whole)
    assert not store._totals_pending()
    store.close()


def upgraded(documents, folder: Path, predicates: tuple[str, ...], refusal: str, older: str = "") -> OxigraphStore:
    """A store written by an older policykg, without these predicates (pk: names) and with ``older`` (triples in
    the pk: prefix, what only that version wrote): a reader is refused with ``refusal``; returned opened for
    writing (which adds them)."""
    store = OxigraphStore(folder)
    store.write_documents(documents)
    store._store.update(" ; ".join(f"DELETE WHERE {{ ?s <{PK}{p}> ?o }}" for p in predicates))
    if older:
        store._store.update(f"PREFIX pk: <{PK}> INSERT DATA {{ {older} }}")
    assert all(next(store._store.quads_for_pattern(None, NamedNode(PK + p), None), None) is None for p in predicates)
    store.close()
    shutil.rmtree(folder / rdf_snapshots.FOLDER)    # nor did an older policykg publish snapshots
    with pytest.raises(StoreError, match=refusal):
        OxigraphStore(folder, read_only=True)
    return OxigraphStore(folder)


def test_a_store_written_before_totals_gets_them_when_opened_for_writing(examples, tmp_path):
    documents, whole = examples
    store = upgraded(documents, tmp_path / "kg", ("totalItems", "totalLead", "totalSupport", "pairTotal",
                                                  "totalFirst", "totalSecond"), "no store-wide totals")
    assert stored(store) == counted(whole)
    store.close()


def test_a_store_written_before_pair_totals_gets_them_when_opened_for_writing(examples, tmp_path):
    """That version kept a pair summary per document (pk:pairFirst ...), which no writer keeps now: the totals
    come from the edges, the old summary counts for nothing and goes with its document."""
    documents, whole = examples
    doc = documents[0][0]
    pair = next(k for k in counted(documents[0][2]) if isinstance(k, tuple))
    node = f"<https://policykg.org/id/summary/pair/{doc}/pair>"
    older = (f'{node} pk:summaryDoc "{doc}" ; pk:pairFirst <{load_mapping().node_iri(pair[0])}> ; '
             f'pk:pairSecond <{load_mapping().node_iri(pair[1])}> ; pk:sharedItems 1000 .')
    store = upgraded(documents, tmp_path / "kg", ("pairTotal", "totalFirst", "totalSecond"), "no store-wide totals",
                     older)
    assert stored(store) == counted(whole)
    store.writer.write([(doc, "changed", documents[0][2])])            # the document replaced
    assert next(store._store.quads_for_pattern(NamedNode(node[1:-1]), None, None), None) is None
    assert stored(store) == counted(whole)
    store.close()


# -- the documents' target counts per unit (summaries.target_counts), which `targets` picks its page from --------

def targets_counted(graph: PolicyGraph) -> dict[str, set[str]]:
    """From the HAS_TARGET edges: document id -> {"<targets>|<unit>"}."""
    per_doc: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in graph.edges.values():
        if e.type == "HAS_TARGET":
            per_doc[graph.nodes[e.source].props["doc_id"]][graph.nodes[e.target].props.get("unit") or ""] += 1
    return {doc: {f"{n}|{unit}" for unit, n in units.items()} for doc, units in per_doc.items()}


def targets_stored(store: OxigraphStore) -> dict[str, set[str]]:
    rows = store._select(f"SELECT ?doc ?c WHERE {{ ?d <{PK}targetCount> ?c ; "
                         f"<http://purl.org/dc/terms/identifier> ?doc }}").rows
    out: dict[str, set[str]] = defaultdict(set)
    for doc, count in rows:
        out[doc].add(count)
    return dict(out)


def test_target_counts_of_written_and_bulk_loaded_documents(examples, tmp_path):
    documents, whole = examples
    expected = targets_counted(whole)
    assert len(expected) == 5 and sum(int(c.split("|")[0]) for cs in expected.values() for c in cs) > 100
    store = OxigraphStore(tmp_path / "kg")
    store.write_documents(documents)
    assert targets_stored(store) == expected
    store.close()
    store = OxigraphStore(tmp_path / "bulk")
    store.bulk_load(iter(documents))
    assert targets_stored(store) == expected
    store.close()


def test_a_store_written_before_target_counts_gets_them_when_opened_for_writing(examples, tmp_path):
    documents, whole = examples
    store = upgraded(documents, tmp_path / "kg", ("targetCount",), "no target counts per document")
    assert targets_stored(store) == targets_counted(whole)
    store.close()

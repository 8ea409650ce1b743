"""The embedded Oxigraph store on the five examples: SHACL-valid, idempotent, per-document replace (with the
store-wide totals), read-only queries with bound parameters, and a faithful read-back."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, serialize

from policykg.graph.build import build
from policykg.graph.model import Edge, Node, PolicyGraph
from policykg.graph.pipeline import process_files
from policykg.graph.stores.rdf_codec import CodecError, bind_values, graph_quads, parse_param, quads_to_graph
from policykg.graph.stores.rdf_store import OxigraphStore, QuerySyntaxError, StoreError
from policykg.graph.stores.rdf_validate import summary_counts, validate_quads, validate_store
from policykg.graph.stores.base import ReadOnlyViolation
from policykg.graph.stores.registry import UnknownStore, open_store
from policykg.ontology.mapping import load_mapping
from test_rdf_totals import counted as counted_totals, stored as stored_totals

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PK = "https://policykg.org/ontology#"
XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")


@pytest.fixture(scope="module")
def results():
    results, problems = process_files([EXAMPLES])
    assert not problems and len(results) == 5
    return results


@pytest.fixture(scope="module")
def loaded(results, tmp_path_factory):
    store = OxigraphStore(tmp_path_factory.mktemp("oxi"))
    outcomes = [store.replace_document(r.meta.doc, r.meta.sha256, build([r])).action for r in results]
    assert outcomes == ["added"] * 5
    yield store
    store.close()


def graph_dump(store: OxigraphStore, doc: str) -> list[bytes]:
    """What one stored document owns, as sorted N-Quads (no named graph per document: its boundary)."""
    return sorted(serialize(store.document_quads(doc), format=RdfFormat.N_QUADS).splitlines())


def expected_counts(results) -> dict[str, int]:
    keys = {d.key for r in results for t in r.tasks for d in t.resolved}
    keys |= {d.key for r in results for t in r.tasks if t.school_measures for d in t.school_measures.resolved_units}
    return {"documents": len(results), "tasks": sum(len(r.tasks) for r in results), "departments": len(keys),
            "targets": sum(len(t.targets) for r in results for t in r.tasks),
            "deadlines": sum(len(t.deadlines) for r in results for t in r.tasks)}


def test_examples_validate_with_counts_equal_to_extraction(loaded, results):
    report = validate_store(loaded)
    assert report.violations == []
    counts = {k: v for k, v in report.counts.items() if k != "departments incl. parents"}
    assert counts == expected_counts(results)
    assert counts["tasks"] == 247


def test_store_counts_per_label_and_type(loaded, results):
    counts = loaded.counts()
    assert set(counts) == set(load_mapping().nodes) | set(load_mapping().relationships)
    assert counts["HAS_TASK"] == counts["Task"] == 247 and counts["Document"] == 5
    assert counts["LEAD"] + counts["SUPPORT"] == sum(len(t.departments) for r in results for t in r.tasks) + sum(
        len(t.school_measures.units) for r in results for t in r.tasks if t.school_measures) - _repeats(results)


def _repeats(results) -> int:
    """Mentions of the same department twice in one row collapse into one edge."""
    n = 0
    for r in results:
        for t in r.tasks:
            n += len(t.resolved) - len({d.key for d in t.resolved})
            if t.school_measures:
                units = t.school_measures.resolved_units
                n += len(units) - len({d.key for d in units})
    return n


def test_reingest_changes_nothing(loaded, results):
    before = loaded.dump_nquads()
    for r in results:
        assert loaded.replace_document(r.meta.doc, r.meta.sha256, build([r])).action == "unchanged"
    assert loaded.dump_nquads() == before


def test_read_back_equals_the_built_graph(loaded, results):
    built, stored = build(results), loaded.load_graph()
    assert set(built.nodes) == set(stored.nodes) and set(built.edges) == set(stored.edges)
    for node_id, node in built.nodes.items():
        props = {k: sorted(v) if isinstance(v, list) else v for k, v in node.props.items()}
        assert stored.nodes[node_id].props == props, node_id
        assert stored.nodes[node_id].doc == node.doc
    for key, edge in built.edges.items():
        assert stored.edges[key].props == edge.props and stored.edges[key].doc == edge.doc, key


def test_changed_document_replaces_only_its_subgraph(results, tmp_path):
    store = OxigraphStore(tmp_path / "kg")
    for r in results:
        store.replace_document(r.meta.doc, r.meta.sha256, build([r]))
    target = results[3]
    others = {r.meta.doc: graph_dump(store, r.meta.doc) for r in results if r is not target}
    changed = copy.deepcopy(target)
    changed.meta.sha256 = "f" * 64
    changed.tasks[0].text = "改写后的任务文本"
    del changed.tasks[-1]
    assert store.replace_document(changed.meta.doc, changed.meta.sha256, build([changed])).action == "replaced"
    for doc, dump in others.items():
        assert graph_dump(store, doc) == dump, doc
    rows = store.query(
        f"PREFIX pk: <{PK}> SELECT ?text ?doc WHERE {{ ?t pk:text ?text ; pk:docId ?doc ; pk:sequence 1 ; a pk:Task }}",
        {"doc": changed.meta.doc}).rows
    assert rows == [["改写后的任务文本", changed.meta.doc]]
    expected = build([r for r in results if r is not target] + [changed])
    assert store.counts()["Task"] == 246
    assert {k: v for k, v in store.counts().items() if v} == expected.counts()
    store.close()


def test_departments_no_document_mentions_any_more_are_removed(results, tmp_path):
    store = OxigraphStore(tmp_path / "kg")
    for r in results:
        store.replace_document(r.meta.doc, r.meta.sha256, build([r]))
    shrunk = copy.deepcopy(results[1])
    shrunk.meta.sha256 = "e" * 64
    shrunk.tasks = shrunk.tasks[:1]
    assert store.replace_document(shrunk.meta.doc, shrunk.meta.sha256, build([shrunk])).action == "replaced"
    expected = build([r for r in results if r is not results[1]] + [shrunk])
    assert store.counts()["Department"] == expected.counts()["Department"] < build(results).counts()["Department"]
    assert validate_store(store).violations == []
    # the store-wide totals follow: the departments gone lose theirs, the others count what is left
    assert stored_totals(store) == counted_totals(expected) != counted_totals(build(results))
    store.close()


def test_updates_are_refused_and_the_store_is_untouched(loaded):
    before = loaded.dump_nquads()
    for text in ["DROP ALL", "INSERT DATA { <http://x> <http://y> <http://z> }",
                 "PREFIX pk: <https://policykg.org/ontology#> DELETE WHERE { ?s pk:text ?o }"]:
        with pytest.raises(ReadOnlyViolation, match="read-only"):
            loaded.query(text)
    with pytest.raises(QuerySyntaxError):
        loaded.query("SELECT WHERE nonsense")
    assert loaded.dump_nquads() == before


def test_parameters_are_bound_never_spliced(loaded, results):
    doc = results[2].meta.doc
    q = f"PREFIX pk: <{PK}> SELECT (COUNT(?t) AS ?n) WHERE {{ ?t a pk:Task ; pk:docId ?doc }}"
    assert loaded.query(q, {"doc": doc}).rows == [[len(results[2].tasks)]]
    hostile = doc + '" } } ; DROP ALL ; SELECT * WHERE { ?s ?p "'
    assert loaded.query(q, {"doc": hostile}).rows == [[0]]
    projected = f"PREFIX pk: <{PK}> SELECT ?doc (COUNT(?t) AS ?n) WHERE {{ ?t a pk:Task ; pk:docId ?doc }} GROUP BY ?doc"
    assert loaded.query(projected, {"doc": doc}).rows == [[doc, len(results[2].tasks)]]
    assert loaded.counts()["Task"] == 247


def test_bind_values_places_escaped_terms_in_the_where_group():
    q = ('PREFIX x: <http://e/a#b>\n# WHERE { in a comment\n'
         'SELECT ?where (("}{" ) AS ?z) WHERE { ?t <http://x/y> """ WHERE { """ . FILTER(?a<3) }')
    out = bind_values(q, {"d": 'x" } ; DROP ALL #', "n": 3})
    head, sep, tail = out.partition('WHERE { VALUES (?d ?n) { ("x\\" } ; DROP ALL #" "3"^^<http://www.w3.org/2001/XMLSchema#integer>) }')
    assert sep and head.endswith('AS ?z) ') and '""" WHERE { """' in tail
    assert bind_values("ASK { ?s ?p ?o }", {"s": NamedNode("http://a/b")}).startswith("ASK { VALUES (?s) { (<http://a/b>) }")
    assert bind_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"o": 1}).startswith(
        "CONSTRUCT { ?s ?p ?o } WHERE { VALUES")
    with pytest.raises(ValueError, match="not a SPARQL variable"):
        bind_values("ASK {}", {"a b": 1})


def test_parse_param_types_values_by_their_look():
    assert parse_param("12") == Literal("12", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert parse_param("2025-12-31").datatype.value.endswith("#date")
    assert parse_param("<http://a/b>") == NamedNode("http://a/b")
    assert parse_param('"2025"') == Literal("2025")
    assert parse_param("true") == Literal(True)
    assert parse_param("省教育厅") == Literal("省教育厅")


def test_a_tasks_place_in_its_file_is_packed_and_an_older_store_still_reads(loaded, results):
    """location and span_start (rdf.packed_properties) go into the task's packed literal, not one quad each; a
    store written before that, with one quad each, reads back the same."""
    import json

    task = next(t for t in build([results[2]]).nodes_by_label("Task") if t.props.get("span_start"))
    subject = NamedNode(load_mapping().node_iri(task.id))
    own = {q.predicate.value: q.object.value for q in loaded._store.quads_for_pattern(subject, None, None, None)}
    assert PK + "sourceLocation" not in own and PK + "spanStart" not in own
    assert json.loads(own[PK + "edgeProperties"])["node"] == {"location": task.props["location"],
                                                              "span_start": task.props["span_start"]}
    older = [q for q in loaded.document_quads(results[2].meta.doc) if q.subject != subject]
    older += [Quad(subject, NamedNode(PK + "sourceLocation"), Literal(task.props["location"])),
              Quad(subject, NamedNode(PK + "spanStart"), Literal(str(task.props["span_start"]), datatype=XSD_INTEGER))]
    older += [q for q in loaded._store.quads_for_pattern(subject, None, None, None)
              if q.predicate.value != PK + "edgeProperties"]
    read = quads_to_graph(older).nodes[task.id].props
    assert read["location"] == task.props["location"] and read["span_start"] == task.props["span_start"]
    assert read["row"] == task.props["row"] and read["span_end"] == task.props["span_end"]     # derived from them


def test_shapes_catch_broken_graphs(results):
    r = copy.deepcopy(results[0])
    g = build([r])
    task = next(g.nodes_by_label("Task"))
    g.nodes[task.id].props.pop("text")
    for edge in [e for e in g.edges.values() if e.source == task.id and e.type in ("LEAD", "SUPPORT")]:
        del g.edges[edge.key]
    target_id = f"target/{r.meta.doc}/bogus"
    g.add_node(Node(target_id, "Target", {"value": 3, "qualifier": "lots"}, doc=r.meta.doc))
    g.add_node(Node(f"deadline/{r.meta.doc}/bogus", "Deadline", {"text": "x", "kind": "someday"}, doc=r.meta.doc))
    messages = {v.message for v in validate_quads(graph_quads(g))}
    assert "a task has its text" in messages
    assert "a task has at least one responsible department (lead or support)" in messages
    assert "a target has a unit" in messages and "a target belongs to exactly one task" in messages
    assert "a deadline has one kind: by-date, period, recurring or ongoing" in messages
    assert summary_counts(g)["tasks"] == len(r.tasks)


def test_codec_refuses_what_the_mapping_does_not_declare():
    g = PolicyGraph()
    g.add_node(Node("doc/x", "Document", {"doc_id": "x", "colour": "red"}, doc="x"))
    with pytest.raises(CodecError, match="Document has no property 'colour'"):
        graph_quads(g)
    g = PolicyGraph.from_parts([Node("doc/x", "Document", {"date": "2021年"}, doc="x")], [])
    with pytest.raises(CodecError, match="date='2021年' is not a valid date"):
        graph_quads(g)
    g = PolicyGraph.from_parts([Node("a", "Task", doc="x"), Node("b", "Task", doc="x")], [Edge("a", "LIKES", "b")])
    with pytest.raises(CodecError, match="type 'LIKES' is not in mapping.yaml"):
        graph_quads(g)


def test_registry_names_the_valid_choices(tmp_path):
    with pytest.raises(UnknownStore, match="oxigraph, sparql, neo4j"):
        open_store("mongodb")
    store = open_store(path=str(tmp_path / "kg"))
    assert isinstance(store, OxigraphStore) and store.description.endswith("kg")
    store.close()


def test_links_are_written_once_updated_and_dropped_with_a_replaced_document(results, tmp_path):
    store = OxigraphStore(tmp_path / "kg")
    for r in results:
        store.replace_document(r.meta.doc, r.meta.sha256, build([r]))
    built = build(results)
    low, high = f"task/{results[3].meta.doc}/1", f"task/{results[1].meta.doc}/2"
    other = (f"task/{results[4].meta.doc}/1", f"task/{results[1].meta.doc}/3")

    def links(score):
        g = PolicyGraph.from_parts([built.nodes[i] for i in (low, high, *other)], [
            Edge(low, "IMPLEMENTS", high, {"score": score, "method": "tfidf", "review": False}, doc=results[3].meta.doc),
            Edge(*other[:1], "IMPLEMENTS", other[1], {"score": 0.7, "method": "tfidf"}, doc=results[4].meta.doc)])
        return g

    before_docs = {r.meta.doc: graph_dump(store, r.meta.doc) for r in results}
    store.add_links(links(0.9))
    store.add_links(links(0.8))
    stored = store.load_graph()
    assert store.counts()["IMPLEMENTS"] == 2
    assert stored.edges[(low, "IMPLEMENTS", high)].props == {"score": 0.8, "method": "tfidf", "review": False}
    assert {r.meta.doc: graph_dump(store, r.meta.doc) for r in results} == before_docs
    # a full re-link (replace) keeps only what it writes: the 0.8 link, not the other one
    only = links(0.8)
    del only.edges[(other[0], "IMPLEMENTS", other[1])]
    store.add_links(only, replace=True)
    assert [e.key for e in store.load_graph().edges_by_type("IMPLEMENTS")] == [(low, "IMPLEMENTS", high)]
    store.add_links(links(0.8))
    changed = copy.deepcopy(results[3])
    changed.meta.sha256 = "c" * 64
    store.replace_document(changed.meta.doc, changed.meta.sha256, build([changed]))
    assert list(store.load_graph().edges_by_type("IMPLEMENTS"))[0].key == (other[0], "IMPLEMENTS", other[1])
    store.close()


WRITER = """
import sys, time
from policykg.graph.stores.rdf_store import OxigraphStore

store = OxigraphStore(sys.argv[1])
end, batch = time.monotonic() + float(sys.argv[2]), 0
while time.monotonic() < end:
    store._update("INSERT DATA { " + " ".join(f"<urn:t:{batch}:{j}> <urn:p> {j} ." for j in range(200)) + " }")
    store._store.flush()            # a flush (and the compactions it sets off) as a large ingest makes them
    batch += 1
store.close()
print(batch)
"""


def test_readers_beside_a_busy_writer_always_open_a_whole_snapshot(tmp_path):
    """A writer commits 200 triples at a time for four seconds while readers open the store again and again:
    every open succeeds and sees whole commits only, never fewer than before. Opening the live folder instead
    (what readers did before snapshots) failed on 156 of 366 opens beside such a writer, and sometimes never
    returned."""
    import subprocess
    import sys

    kg = tmp_path / "kg"
    OxigraphStore(kg).close()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(kg), "4"], stdout=subprocess.PIPE, text=True)
    seen = []
    while writer.poll() is None or not seen:
        reader = OxigraphStore(kg, read_only=True)
        seen.append(int(reader._select("SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:p> ?o }").rows[0][0]))
        reader.close()
    batches = int(writer.communicate()[0])
    assert writer.returncode == 0
    assert all(n % 200 == 0 for n in seen) and seen == sorted(seen), seen
    assert len(set(seen)) >= 3, seen                     # the readers saw the store grow while it was written
    with OxigraphStore(kg, read_only=True) as reader:    # the writer's close published everything it wrote
        assert reader._select("SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:p> ?o }").rows[0][0] == 200 * batches


def test_snapshots_are_published_complete_and_removed_after_their_grace(tmp_path, monkeypatch):
    import time

    from policykg.graph.stores import rdf_snapshots

    kg = tmp_path / "kg"
    with OxigraphStore(kg) as store:
        assert rdf_snapshots.newest(kg) is None              # nothing written yet
    first = rdf_snapshots.newest(kg)                         # closing published one (readers need one)
    partial = kg / rdf_snapshots.FOLDER / f".{time.time_ns():020d}"   # a crashed writer's half copy ...
    partial.mkdir()
    assert rdf_snapshots.newest(kg) == first                             # ... is never opened
    with OxigraphStore(kg) as store:
        store._update("INSERT DATA { <urn:a> <urn:p> 1 }")   # the first write publishes at once
        second = rdf_snapshots.newest(kg)
        assert second is not None and second != first
        assert first.exists() and partial.exists()           # kept for their grace: a reader may be opening them
        store._update("INSERT DATA { <urn:b> <urn:p> 2 }")   # within the second: left to close
        assert rdf_snapshots.newest(kg) == second
        early = OxigraphStore(kg, read_only=True)
        assert early._select("SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:p> ?o }").rows[0][0] == 1
        assert early.snapshot == second.name                 # a reader knows which snapshot it reads
        monkeypatch.setattr(rdf_snapshots, "KEEP_OLD_S", 0.0)
        monkeypatch.setattr(rdf_snapshots, "KEEP_PARTIAL_S", 0.0)
    third = rdf_snapshots.newest(kg)
    assert third != second
    assert sorted(p.name for p in (kg / rdf_snapshots.FOLDER).iterdir()) == [third.name]   # expired ones gone
    assert early.is_stale()                                  # ... and a reader that had opened one reads on
    assert early._select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0] == 1
    early.close()
    with OxigraphStore(kg, read_only=True) as reader:
        assert reader._select("SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:p> ?o }").rows[0][0] == 2
        assert reader.snapshot == third.name


def test_a_store_written_before_key_pieces_gets_them_when_opened_for_writing(results, tmp_path):
    """Departments sort on their key's pieces (names, which lists only departments with pieces); a store written
    before them is refused to readers, and the first writer gives every department its pieces."""
    import shutil

    from policykg.graph.stores import rdf_snapshots
    from policykg.queries.registry import Registry
    from policykg.queries.runner import run

    kg = tmp_path / "kg"
    with OxigraphStore(kg) as store:
        store.write_documents([(r.meta.doc, r.meta.sha256, build([r])) for r in results])
        store._store.update("DELETE WHERE { ?d <%skeyPiece> ?a } ; DELETE WHERE { ?d <%skeyPiece2> ?b } ; "
                            "DELETE WHERE { ?d <%skeyPiece3> ?c }" % (PK, PK, PK))
    shutil.rmtree(kg / rdf_snapshots.FOLDER)                   # nor did an older policykg publish snapshots
    names = Registry.load().get("names")

    def listed() -> list[str]:
        with OxigraphStore(kg, read_only=True) as reader:
            return [row[1] for row in run(names, reader, {"kind": "department", "limit": 1000}).rows]

    def pieces() -> dict[str, int]:
        with OxigraphStore(kg, read_only=True) as reader:
            return dict(reader._select("SELECT ?p (COUNT(*) AS ?n) WHERE { VALUES ?p { <%skey> <%skeyPiece> } "
                                       "?d ?p ?o } GROUP BY ?p" % (PK, PK)).rows)

    with pytest.raises(StoreError, match="no sort keys on departments"):
        listed()
    OxigraphStore(kg).close()
    assert pieces() == {f"{PK}key": 120, f"{PK}keyPiece": 120}
    assert listed() == sorted(listed()) and len(listed()) == 120

"""The Neo4j store on a real Neo4j 5 server (tests/neo4j-launcher): same graph as the embedded store,
idempotent per document, atomic on failure, hostile values kept as data, read-only queries."""
from __future__ import annotations

from pathlib import Path

import pytest

from policykg.graph.build import build
from policykg.graph.model import Edge, Node, PolicyGraph
from policykg.graph.stores.neo4j_store import CypherQueryError, DocumentWriteError, Neo4jStore
from policykg.graph.stores.rdf_store import OxigraphStore
from policykg.graph.stores.base import ReadOnlyViolation

pytestmark = pytest.mark.neo4j

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
HOSTILE = "a'b\"c\\d `e` '}) DETACH DELETE n // $x {x} \u0000?".replace("\u0000", "")


@pytest.fixture(scope="module")
def example_results():
    from policykg.graph.pipeline import process_files

    results, problems = process_files([EXAMPLES])
    assert not problems and len(results) == 5
    return results


def ingest(store, results) -> list[str]:
    graph = build(results)
    return [store.replace_document(r.meta.doc, r.meta.sha256, graph).action for r in results]


def snapshot(store) -> tuple[dict, dict]:
    """Everything stored, comparable across stores (RDF keeps lists as sets, so lists are sorted)."""
    g = store.load_graph()
    norm = lambda props: {k: sorted(v) if isinstance(v, list) else v for k, v in props.items()}  # noqa: E731
    nodes = {n.id: (n.label, n.doc, norm(n.props)) for n in g.nodes.values()}
    edges = {k: (e.doc, norm(e.props)) for k, e in g.edges.items()}
    return nodes, edges


def only(snap: tuple[dict, dict], doc: str, keep: bool) -> tuple[dict, dict]:
    """The part of a snapshot owned by ``doc`` (keep=True) or by everyone else (keep=False)."""
    nodes, edges = snap
    return ({k: v for k, v in nodes.items() if (v[1] == doc) == keep},
            {k: v for k, v in edges.items() if (v[0] == doc) == keep})


def test_examples_same_counts_as_oxigraph(neo4j_store, example_results, tmp_path):
    from policykg.graph.cascade import linker as cascade
    from policykg.graph.export.rdf import export_rdf, stored_quads

    assert ingest(neo4j_store, example_results) == ["added"] * 5
    oxigraph = OxigraphStore(tmp_path / "ox")
    ingest(oxigraph, example_results)
    counts = neo4j_store.counts()
    assert counts == oxigraph.counts()
    assert counts["Document"] == 5 and counts["Task"] > 200 and counts["LEAD"] > 200
    # not only the counts: every node and edge with its properties reads back the same from both stores
    assert snapshot(neo4j_store) == snapshot(oxigraph)
    # cascade links read from and written back to each store agree too, and so does the RDF export
    links = cascade.link_store(neo4j_store)
    assert links and links == cascade.link_store(oxigraph)
    assert neo4j_store.counts() == oxigraph.counts() and neo4j_store.counts()["IMPLEMENTS"] == len(links)
    assert export_rdf(stored_quads(neo4j_store), "nt") == export_rdf(stored_quads(oxigraph), "nt")
    oxigraph.close()


def test_reingest_changes_nothing(neo4j_store, example_results):
    ingest(neo4j_store, example_results)
    before = snapshot(neo4j_store)
    assert ingest(neo4j_store, example_results) == ["unchanged"] * 5
    assert snapshot(neo4j_store) == before
    assert sorted(neo4j_store.document_hashes().items()) == sorted((r.meta.doc, r.meta.sha256) for r in example_results)


def test_modified_document_replaces_only_its_subgraph(neo4j_store, example_results, tmp_path):
    from policykg.graph.pipeline import process_file

    ingest(neo4j_store, example_results)
    before = snapshot(neo4j_store)
    original = EXAMPLES / "003_7fdab2a4388eb7e7.txt"
    text = original.read_text(encoding="utf-8")
    needle = "建立部门党委挂钩联系职业学校党建和思想政治工作制度"
    assert needle in text
    copy = tmp_path / original.name                     # same file name, so the same document id
    copy.write_text(text.replace(needle, needle + "（修订版）"), encoding="utf-8")
    changed = process_file(copy)
    doc = changed.meta.doc
    assert changed.meta.sha256 != next(r.meta.sha256 for r in example_results if r.meta.doc == doc)

    outcome = neo4j_store.replace_document(doc, changed.meta.sha256, build([changed]))
    assert outcome.action == "replaced"
    after = snapshot(neo4j_store)
    assert only(after, doc, keep=False) == only(before, doc, keep=False)     # no other document touched
    new_nodes, _ = only(after, doc, keep=True)
    texts = [p.get("text", "") for label, _, p in new_nodes.values() if label == "Task"]
    assert sum(needle + "（修订版）" in t for t in texts) == 1
    # the document's own nodes are exactly what building the changed file gives
    fresh = build([changed])
    assert set(new_nodes) == {n.id for n in fresh.nodes.values() if n.doc == doc}
    assert all(new_nodes[n.id][2]["text"] == n.props["text"] for n in fresh.nodes_by_label("Task"))
    assert neo4j_store.replace_document(doc, changed.meta.sha256, build([changed])).action == "unchanged"


def hand_graph(doc: str, depts: list[str], sha: str, text: str = "任务") -> PolicyGraph:
    """A small document following the mapping: one task led by each department; each department has a
    function and a parent division P-<key>."""
    g = PolicyGraph()
    d = g.add_node(Node(f"doc/{doc}", "Document", {"doc_id": doc, "title": text, "sha256": sha}, doc=doc))
    g.add_node(Node("function/edu", "Function", {"code": "edu", "label_zh": "教育"}))
    for i, key in enumerate(depts, start=1):
        t = g.add_node(Node(f"task/{doc}/{i}", "Task", {"doc_id": doc, "seq": i, "text": f"{text} {i}"}, doc=doc))
        g.add_edge(Edge(d.id, "HAS_TASK", t.id, doc=doc))
        parent = g.add_node(Node(f"dept/P-{key}", "Department", {"key": f"P-{key}", "name": f"上级{key}"}))
        dept = g.add_node(Node(f"dept/{key}", "Department", {"key": key, "name": key, "function": "edu"}))
        g.add_edge(Edge(dept.id, "SUB_ORGANIZATION_OF", parent.id))
        g.add_edge(Edge(dept.id, "HAS_FUNCTION", "function/edu"))
        g.add_edge(Edge(t.id, "LEAD", dept.id, {"mention": key, "position": 1}, doc=doc))
    return g


def test_replace_removes_orphaned_shared_nodes_like_oxigraph(neo4j_store, tmp_path):
    oxigraph = OxigraphStore(tmp_path / "ox")
    steps = [("A", ["X", "Y"], "1"), ("B", ["Y"], "1"), ("A", ["Z"], "2")]
    for doc, depts, sha in steps:
        for store in (neo4j_store, oxigraph):
            store.replace_document(doc, sha, hand_graph(doc, depts, sha))
    ids = set(snapshot(neo4j_store)[0])
    # X and its parent went with A's old version; Y stays (B still refers to it); the shared function stays
    assert {"dept/X", "dept/P-X"}.isdisjoint(ids)
    assert {"dept/Y", "dept/P-Y", "dept/Z", "dept/P-Z", "function/edu"} <= ids
    assert neo4j_store.counts() == oxigraph.counts()
    assert snapshot(neo4j_store) == snapshot(oxigraph)
    oxigraph.close()


def test_replace_in_a_batch_gives_what_a_fresh_write_gives(neo4j_store, tmp_path):
    # the nodes a new version still holds are overwritten in place, not re-created: a dropped task, a dropped
    # property and moved LEAD edges must be gone all the same, as on Oxigraph (whose graph is replaced whole)
    oxigraph = OxigraphStore(tmp_path / "ox")
    new = hand_graph("A", ["Y", "X"], "2", text="新")
    del new.nodes["task/A/1"].props["text"]
    for store in (neo4j_store, oxigraph):
        store.write_documents([("A", "1", hand_graph("A", ["X", "Y", "Z"], "1", text="旧")),
                               ("B", "1", hand_graph("B", ["Y"], "1"))])
        outcomes = store.write_documents([("A", "2", new), ("C", "1", hand_graph("C", ["X"], "1"))])
        assert [o.action for o in outcomes] == ["replaced", "added"]
    nodes, _ = snapshot(neo4j_store)
    assert "task/A/3" not in nodes and "text" not in nodes["task/A/1"][2] and "dept/Z" not in nodes
    assert snapshot(neo4j_store) == snapshot(oxigraph)
    oxigraph.close()


def test_failed_document_leaves_store_as_it_was(neo4j_store):
    neo4j_store.replace_document("A", "1", hand_graph("A", ["X"], "1"))
    neo4j_store.replace_document("B", "1", hand_graph("B", ["Y"], "1"))
    before = snapshot(neo4j_store)
    bad = hand_graph("A", ["Z"], "2")
    # a second task of A whose id is already B's: the unique constraint fails after A's old nodes were deleted
    clash = bad.add_node(Node("task/B/1", "Task", {"doc_id": "A", "text": "clash"}, doc="A"))
    bad.add_edge(Edge("doc/A", "HAS_TASK", clash.id, doc="A"))
    with pytest.raises(DocumentWriteError, match="'A' was not written"):
        neo4j_store.replace_document("A", "2", bad)
    assert snapshot(neo4j_store) == before
    assert neo4j_store.document_hashes() == {"A": "1", "B": "1"}


def test_a_document_the_server_refuses_inside_a_batch_fails_alone(neo4j_store):
    """The batch is one transaction: the server refuses it whole, then ingest's write_items writes the documents
    one at a time, so the faulty one alone fails, named, and the others are stored."""
    from policykg.graph.pipeline import write_items

    neo4j_store.replace_document("B", "1", hand_graph("B", ["Y"], "1"))
    bad = hand_graph("A", ["Z"], "2")
    clash = bad.add_node(Node("task/B/1", "Task", {"doc_id": "A", "text": "clash"}, doc="A"))   # B's task id
    bad.add_edge(Edge("doc/A", "HAS_TASK", clash.id, doc="A"))
    with pytest.raises(DocumentWriteError):
        neo4j_store.write_documents([("C", "1", hand_graph("C", ["X"], "1")), ("A", "2", bad)])
    assert neo4j_store.document_hashes() == {"B": "1"}          # the refused batch left nothing
    outcomes = write_items(neo4j_store, [("C", "1", hand_graph("C", ["X"], "1")), ("A", "2", bad),
                                         ("D", "1", hand_graph("D", ["W"], "1"))])
    assert [o.action for o in outcomes] == ["added", "failed", "added"]
    assert "'A' was not written" in outcomes[1].note
    assert neo4j_store.document_hashes() == {"B": "1", "C": "1", "D": "1"}


def test_bad_values_are_refused_before_writing(neo4j_store):
    g = hand_graph("A", ["X"], "1")
    g.add_node(Node("task/A/1", "Task", {"seq": "not a number"}, doc="A"))
    with pytest.raises(ValueError, match="seq='not a number' is not a valid integer"):
        neo4j_store.replace_document("A", "1", g)
    g = hand_graph("A", ["X"], "1")
    g.nodes["task/A/1"].props["colour"] = "red"
    with pytest.raises(ValueError, match="Task has no property 'colour'"):
        neo4j_store.replace_document("A", "1", g)
    assert neo4j_store.counts()["Document"] == 0


def test_hostile_values_survive_as_data(neo4j_store):
    doc = "doc'}) DETACH DELETE n //"
    g = PolicyGraph()
    d = g.add_node(Node(f"doc/{doc}", "Document", {"doc_id": doc, "title": HOSTILE, "sha256": "h",
                                                   "document_numbers": [HOSTILE, "教发〔2019〕1号"]}, doc=doc))
    t = g.add_node(Node(f"task/{doc}/1", "Task", {"doc_id": doc, "text": HOSTILE, "seq": 1}, doc=doc))
    dept = g.add_node(Node(f"dept/{HOSTILE}", "Department", {"key": HOSTILE, "name": HOSTILE}))
    g.add_edge(Edge(d.id, "HAS_TASK", t.id, doc=doc))
    g.add_edge(Edge(t.id, "LEAD", dept.id, {"mention": HOSTILE, "position": 1}, doc=doc))
    assert neo4j_store.replace_document(doc, "h", g).action == "added"
    back = neo4j_store.load_graph()
    assert back.nodes[t.id].props["text"] == HOSTILE
    assert back.nodes[dept.id].props == {"key": HOSTILE, "name": HOSTILE}
    assert back.nodes[d.id].props["document_numbers"] == [HOSTILE, "教发〔2019〕1号"]
    assert back.edges[(t.id, "LEAD", dept.id)].props == {"mention": HOSTILE, "position": 1}
    rows = neo4j_store.query("MATCH (t:Task) WHERE t.text = $text RETURN t.id AS id", {"text": HOSTILE}).rows
    assert rows == [[t.id]]
    assert neo4j_store.counts()["Task"] == 1 and neo4j_store.replace_document(doc, "h", g).action == "unchanged"


def test_query_is_read_only_on_the_server(neo4j_store):
    neo4j_store.replace_document("A", "1", hand_graph("A", ["X"], "1"))
    before = snapshot(neo4j_store)
    for text in ("MATCH (n) DETACH DELETE n", "CREATE (:Task {id: 'x'})", "MATCH (t:Task) SET t.text = 'changed'",
                 "MERGE (d:Department {id: 'dept/new'})", "CREATE INDEX evil FOR (n:Task) ON (n.text)"):
        with pytest.raises(ReadOnlyViolation, match="read"):
            neo4j_store.query(text)
    assert snapshot(neo4j_store) == before
    with pytest.raises(CypherQueryError, match="not a valid Cypher query"):
        neo4j_store.query("MATCH (n RETURN n")


def test_query_values_are_plain(neo4j_store):
    neo4j_store.replace_document("A", "1", hand_graph("A", ["X"], "1"))
    result = neo4j_store.query("MATCH (t:Task)-[r:LEAD]->(d) RETURN t, r, d.name AS name, date('2025-12-31') AS due")
    assert result.columns == ["t", "r", "name", "due"]
    [[task, rel, name, due]] = result.rows
    assert task["labels"] == ["Task"] and task["id"] == "task/A/1" and rel == {"type": "LEAD", "mention": "X",
                                                                            "position": 1, "_doc": "A"}
    assert name == "X" and due.isoformat() == "2025-12-31"


def test_dates_are_native_and_read_back_as_text(neo4j_store):
    g = hand_graph("A", ["X"], "1")
    dl = g.add_node(Node("deadline/A/1/1", "Deadline", {"doc_id": "A", "end": "2025-12-31", "year": 2025}, doc="A"))
    g.add_edge(Edge("task/A/1", "HAS_DEADLINE", dl.id, doc="A"))
    neo4j_store.replace_document("A", "1", g)
    [[kind]] = neo4j_store.query("MATCH (d:Deadline) RETURN valueType(d.end)").rows
    assert kind.startswith("DATE")
    assert neo4j_store.query("MATCH (d:Deadline) WHERE d.end <= $day RETURN d.year",
                             {"day": __import__("datetime").date(2026, 1, 1)}).rows == [[2025]]
    assert neo4j_store.load_graph().nodes[dl.id].props["end"] == "2025-12-31"


def test_add_links_writes_and_updates_implements(neo4j_store):
    neo4j_store.replace_document("A", "1", hand_graph("A", ["X"], "1"))
    neo4j_store.replace_document("B", "1", hand_graph("B", ["Y"], "1"))
    stored = neo4j_store.load_graph()
    links = PolicyGraph()
    links.add_node(stored.nodes["task/B/1"])
    links.add_node(stored.nodes["task/A/1"])
    links.add_edge(Edge("task/B/1", "IMPLEMENTS", "task/A/1", {"score": 0.5, "method": "bm25", "review": True}))
    neo4j_store.add_links(links)
    links.add_edge(Edge("task/B/1", "IMPLEMENTS", "task/A/1", {"score": 0.9, "method": "bm25", "review": False}))
    neo4j_store.add_links(links)
    back = neo4j_store.load_graph()
    assert neo4j_store.counts()["IMPLEMENTS"] == 1
    link = back.edges[("task/B/1", "IMPLEMENTS", "task/A/1")]
    assert link.props == {"score": 0.9, "method": "bm25", "review": False} and link.doc is None
    # a full re-link (replace) that no longer proposes the link removes it, and keeps the shared edges
    shared_before = {k: v for k, v in neo4j_store.counts().items() if k in ("HAS_FUNCTION", "IN_JURISDICTION")}
    neo4j_store.add_links(PolicyGraph(), replace=True)
    assert neo4j_store.counts()["IMPLEMENTS"] == 0
    assert {k: neo4j_store.counts()[k] for k in shared_before} == shared_before
    neo4j_store.add_links(links)
    # replacing A drops the links that touched its old tasks, as the RDF store does
    neo4j_store.replace_document("A", "2", hand_graph("A", ["X"], "2", text="新"))
    assert neo4j_store.counts()["IMPLEMENTS"] == 0


def test_replace_deletes_links_in_bounded_transactions_before_the_write(neo4j_store, monkeypatch):
    """A full re-link deletes the stored links LINK_DELETE_BATCH at a time, each batch committed, before the
    write transaction (one transaction for all of them ran out of heap at national scale), with the state
    already marked incomplete; afterwards exactly the new links and the given state are stored."""
    from policykg.graph.stores import cypher_codec, neo4j_store as module

    n = 20
    neo4j_store.replace_document("A", "1", hand_graph("A", [f"X{i}" for i in range(n)], "1"))
    neo4j_store.replace_document("B", "1", hand_graph("B", [f"Y{i}" for i in range(n)], "1"))
    stored = neo4j_store.load_graph()

    def links(pairs, score):
        g = PolicyGraph()
        for b, a in pairs:
            g.add_node(stored.nodes[f"task/B/{b}"])
            g.add_node(stored.nodes[f"task/A/{a}"])
            g.add_edge(Edge(f"task/B/{b}", "IMPLEMENTS", f"task/A/{a}", {"score": score, "method": "bm25", "review": False}))
        return g

    old = [(b, a) for b in range(1, n + 1) for a in range(1, n + 1)]
    neo4j_store.add_links(links(old, 0.5), replace=True, state={"links": len(old), "complete": True})
    assert neo4j_store.counts()["IMPLEMENTS"] == len(old) == 400
    shared_before = {k: v for k, v in neo4j_store.counts().items() if k in ("HAS_FUNCTION", "LEAD")}

    monkeypatch.setattr(module, "LINK_DELETE_BATCH", 7, raising=False)
    seen = []
    merge_edges = cypher_codec.merge_edges

    def spy(*args):      # runs inside the write transaction: what do other sessions see by then?
        seen.append((neo4j_store.counts()["IMPLEMENTS"], neo4j_store.link_state()))
        return merge_edges(*args)

    monkeypatch.setattr(cypher_codec, "merge_edges", spy)
    new = [(1, 1), (2, 5), (3, 7)]
    neo4j_store.add_links(links(new, 0.9), replace=True, state={"links": 3, "complete": True})
    assert seen[0] == (0, {"links": 3, "complete": False})     # deletes committed, state marked incomplete
    back = neo4j_store.load_graph()
    got = sorted((e.source, e.target, e.props["score"]) for e in back.edges.values() if e.type == "IMPLEMENTS")
    assert got == [(f"task/B/{b}", f"task/A/{a}", 0.9) for b, a in new]
    assert neo4j_store.link_state() == {"links": 3, "complete": True}
    assert {k: neo4j_store.counts()[k] for k in shared_before} == shared_before


def test_schema_is_created_on_first_write(neo4j_store):
    neo4j_store.replace_document("A", "1", hand_graph("A", ["X"], "1"))
    constraints = {r[0] for r in neo4j_store.query("SHOW CONSTRAINTS YIELD name RETURN name").rows}
    indexes = {tuple(r) for r in neo4j_store.query(
        "SHOW INDEXES YIELD labelsOrTypes, properties, state RETURN labelsOrTypes[0], properties[0], state").rows}
    assert {f"policykg_{label}_id" for label in ("Document", "Task", "Department", "Deadline")} <= constraints
    for label, prop in (("Department", "name"), ("Task", "doc_id"), ("Deadline", "year"), ("Task", "_doc")):
        assert (label, prop, "ONLINE") in indexes


def test_unreachable_server_is_a_clear_error():
    from policykg.graph.stores.neo4j_store import Neo4jStoreError

    with pytest.raises(Neo4jStoreError, match="cannot reach Neo4j at bolt://127.0.0.1:1"):
        Neo4jStore("bolt://127.0.0.1:1")

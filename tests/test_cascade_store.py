"""Cascade links in a real embedded Oxigraph store: `policykg link`, the links read back, and the three cascade
queries (task-chain, implementation-gaps, target-changes) checked against the links computed in memory."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from pyoxigraph import NamedNode
from typer.testing import CliRunner

from policykg.app.cli import app
from policykg.graph.cascade import linker as cascade
from policykg.graph.stores.rdf_store import OxigraphStore
from policykg.queries import runner
from policykg.queries.registry import Registry

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "cascade"))
from evaluate import node_by_ref  # noqa: E402
from seed_graph import pipeline_graph  # noqa: E402

PK = "https://policykg.org/ontology#"

NATIONAL = "001_8158844c7a4eb5af"
JIANGSU = "000_e0bd7c87301b5859"


@pytest.fixture(scope="module")
def graph():
    return pipeline_graph()


@pytest.fixture(scope="module")
def ref(graph):
    return node_by_ref(graph)


@pytest.fixture(scope="module")
def store_path(graph, tmp_path_factory):
    path = tmp_path_factory.mktemp("cascade-store")
    store = OxigraphStore(str(path))
    for doc in graph.documents():
        store.replace_document(doc, "sha-" + doc, graph.document_subgraph(doc))
    store.close()
    result = CliRunner().invoke(app, ["link", "--store", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    stats = {json.loads(line)["measure"]: json.loads(line)["value"] for line in result.stdout.splitlines()}
    expected = cascade.summary(cascade.link(graph))
    assert stats["links"] == expected["links"] and stats["confident"] == expected["confident"]
    return path


@pytest.fixture()
def store(store_path):
    s = OxigraphStore(str(store_path))
    yield s
    s.close()


@pytest.fixture(scope="module")
def links(graph):
    return cascade.link(graph)


@pytest.fixture(scope="module")
def queries():
    return Registry.load()


def test_links_are_stored_with_their_properties(store, links):
    assert store.counts()["IMPLEMENTS"] == len(links)
    stored = {e.key: e.props for e in store.load_graph().edges_by_type("IMPLEMENTS")}
    for e in links:
        props = stored[e.key]
        assert props["review"] is e.props["review"] and props["method"] == e.props["method"]
        assert props["score"] == pytest.approx(e.props["score"])
        assert json.loads(props["evidence"]) == json.loads(e.props["evidence"])


def test_linking_the_store_again_rewrites_the_same_links(store_path, links):
    result = CliRunner().invoke(app, ["link", "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    with OxigraphStore(str(store_path)) as s:
        assert s.counts()["IMPLEMENTS"] == len(links)


def test_linking_again_with_fewer_links_leaves_none_of_the_old_ones(store_path, graph, links):
    """A re-link removes every stored link first (a quad at a time: rdf_write.remove_links): with a higher floor
    the store holds exactly the fewer links, each link node whole, and nothing else of the old ones."""
    fewer = cascade.link(graph, threshold=0.9, floor=0.9)
    assert 0 < len(fewer) < len(links)

    def stored_links():
        with OxigraphStore(str(store_path)) as s:
            nodes = {q.subject for q in s._store.quads_for_pattern(None, NamedNode(PK + "linkFrom"), None)}
            node_quads = [q for q in s._store.quads_for_pattern(None, None, None)
                          if q.subject.value.startswith(s.m.base + "link/")]
            return s.counts()["IMPLEMENTS"], len(nodes), len(node_quads)
    result = CliRunner().invoke(app, ["link", "--store", str(store_path), "--threshold", "0.9", "--floor", "0.9"])
    assert result.exit_code == 0, result.output
    implements, nodes, node_quads = stored_links()
    # each link node: its two ends, score, method, review and evidence
    assert (implements, nodes, node_quads) == (len(fewer), len(fewer), 6 * len(fewer))
    result = CliRunner().invoke(app, ["link", "--store", str(store_path)])   # as the other tests expect it
    assert result.exit_code == 0, result.output
    assert stored_links() == (len(links), len(links), 6 * len(links))


def test_floor_above_threshold_is_refused(store_path):
    result = CliRunner().invoke(app, ["link", "--store", str(store_path), "--threshold", "0.3", "--floor", "0.5"])
    assert result.exit_code == 2
    assert "--floor 0.5 is above --threshold 0.3" in result.output


def rows_of(queries, name: str, store, params: dict) -> list[dict]:
    query = queries.get(name)
    return [dict(zip(query.column_names, row)) for row in runner.run(query, store, params).rows]


def test_task_chain_lists_links_up_and_down(store, queries, links, ref):
    task = ref["001-7"]
    rows = rows_of(queries, "task-chain", store, {"task": task})
    down = {(r["lower"], r["higher"]) for r in rows if r["direction"] == "down"}
    # everything that implements the task, directly or through a school measure's own-row task
    direct = {(e.source, e.target) for e in links if e.target == task}
    assert direct and direct <= down
    assert (ref["000-19"], task) in down
    assert all(r["direction"] == "down" for r in rows)          # a national task implements nothing
    measure = next(r for r in rows if r["lower"] == ref["004-12/measure"])
    assert measure["lower_level"] == "institution" and measure["lower_goals"] == ["力争建设省级高水平高职院校。"]
    confident = rows_of(queries, "task-chain", store, {"task": task, "confident_only": True})
    assert confident and all(r["review"] is False for r in confident) and len(confident) <= len(rows)
    up = rows_of(queries, "task-chain", store, {"task": ref["004-12/measure"]})
    assert {(r["direction"], r["lower"], r["higher"]) for r in up} >= {
        ("up", ref["004-12/measure"], ref["004-12"]), ("up", ref["004-12"], ref["001-7"])}


def test_implementation_gaps_are_the_national_tasks_without_confident_follow_up(store, queries, links, graph):
    national = {n.id for n in graph.nodes_by_label("Task") if n.props["doc_id"] == NATIONAL}
    rows = runner.run(queries.get("implementation-gaps"), store, {"level": "provincial"}).rows
    followed = {e.target for e in links if not e.props["review"] and e.target in national
                and graph.nodes[e.source].label == "Task" and not e.source.startswith("task/003")}
    assert {r[0] for r in rows} == national - followed
    in_jiangsu = runner.run(queries.get("implementation-gaps"), store,
                            {"level": "provincial", "jurisdiction": "江苏省"}).rows
    followed_js = {e.target for e in links if not e.props["review"] and e.target in national
                   and e.source.startswith(f"task/{JIANGSU}/")}
    assert {r[0] for r in in_jiangsu} == national - followed_js


def expected_gaps(graph, links, level: str, confident_only: bool = True) -> set[str]:
    """implementation-gaps from the links in memory: the national tasks that no item at ``level`` (a school measure
    is at "institution", a task at its document's level) reaches through one to three links (confident ones
    only, when asked)."""
    def item_level(node) -> str:
        if node.label == "SchoolMeasure":
            return "institution"
        return graph.nodes[f"doc/{node.props['doc_id']}"].props["level"].split("+")[0]

    up: dict[str, set[str]] = {}
    for e in links:
        if not (confident_only and e.props["review"]):
            up.setdefault(e.source, set()).add(e.target)
    frontier = {n.id for n in graph.nodes.values() if n.label in ("Task", "SchoolMeasure") and item_level(n) == level}
    reached: set[str] = set()
    for _step in range(3):
        frontier = {t for x in frontier for t in up.get(x, ())}
        reached |= frontier
    return {n.id for n in graph.nodes_by_label("Task") if n.props["doc_id"] == NATIONAL} - reached


GAPS_MEASURED = {("provincial", True): 22, ("provincial", False): 19, ("municipal", True): 35,
                 ("municipal", False): 33, ("institution", True): 33, ("institution", False): 32,
                 ("county", True): 56, ("county", False): 56}


@pytest.mark.parametrize("level", ["provincial", "municipal", "institution", "county"])
@pytest.mark.parametrize("confident_only", [True, False])
def test_implementation_gaps_at_every_level_are_the_walk_over_the_links_in_memory(store, queries, graph, links,
                                                                                 level, confident_only):
    expected = expected_gaps(graph, links, level, confident_only)
    rows = runner.run(queries.get("implementation-gaps"), store,
                      {"level": level, "confident_only": confident_only}).rows
    assert {r[0] for r in rows} == expected
    assert len(rows) == len(expected)
    # measured by the walk, of 56 national tasks (no county document: every one is a gap there)
    assert len(expected) == GAPS_MEASURED[(level, confident_only)]


def test_target_changes_pair_matching_targets_of_linked_tasks(store, queries, ref):
    as_dicts = rows_of(queries, "target-changes", store, {"unit": "所"})
    change = next(r for r in as_dicts if r["higher"] == ref["001-7"] and r["lower"] == ref["000-19"])
    assert (change["higher_target"], change["lower_target"], change["ratio"]) == ("1000所左右", "100所", 0.1)
    assert all(r["unit"] == "所" and r["higher_value"] != r["lower_value"] for r in as_dicts)
    # 20所 高职 of Liaoning's row 12 answers 300所 高水平高职, never 1000所 中职
    assert not any(r["lower"] == ref["004-12"] and r["higher_target"] == "1000所左右"
                   and r["lower_target"] == "20所左右" for r in as_dicts)


def expected_target_changes(graph, links, unit=None, level=None, confident_only=True, limit=100) -> list[tuple]:
    """target-changes computed from the links in memory: each link's matched target pairs (its evidence) whose
    values differ, in the query's order, cut at ``limit``."""
    rows = []
    for link in links:
        lower_level = graph.nodes[f"doc/{graph.nodes[link.source].props['doc_id']}"].props["level"].split("+")[0]
        if (confident_only and link.props["review"]) or (level and lower_level != level):
            continue
        for pair in cascade.restated_targets(link):
            lt, ht = graph.nodes[pair.source].props, graph.nodes[pair.target].props
            if lt["unit"] == ht["unit"] and (unit is None or lt["unit"] == unit) and lt["value"] != ht["value"]:
                rows.append((link.target, link.source, lt["unit"], ht["text"], lt["text"], ht["value"], lt["value"]))
    return sorted(rows)[:limit]


TARGET_CHANGE_PARAMS = [{}, {"confident_only": False}, {"unit": "所"}, {"level": "municipal"}, {"limit": 2}, {"limit": 9},
                        {"level": "provincial", "unit": "所", "limit": 3}, {"limit": 1}, {"limit": 4},
                        {"confident_only": False, "limit": 7}, {"level": "county"}]


def target_change_rows(queries, store, params) -> list[tuple]:
    return [(r["higher"], r["lower"], r["unit"], r["higher_target"], r["lower_target"], r["higher_value"],
             r["lower_value"]) for r in rows_of(queries, "target-changes", store, params)]


@pytest.mark.parametrize("params", TARGET_CHANGE_PARAMS, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()))
def test_target_changes_are_the_changed_pairs_of_the_links_in_memory(store, queries, graph, links, params):
    """The query picks the first higher tasks by their kept target-change values, then joins only their pairs:
    with every parameter and small limits it must still list exactly the first rows of all changed pairs."""
    expected = expected_target_changes(graph, links, **params)
    assert target_change_rows(queries, store, params) == expected
    if not params:
        assert len(expected) == 25          # measured: the examples give 25 changed pairs on confident links


CHAINS = [("004-12/measure", "003-1", "000-1", "001-1"),            # three links
          ("004-13/measure", "003-2", "000-2", "002-2", "001-2"),   # four
          ("004-14/measure", "003-3", "000-3", "001-3"),            # three, the second awaiting review
          ("000-4", "001-4"),                                       # one, awaiting review
          ("000-5", "003-5", "001-5")]                              # two, from Jiangsu through Jiangyin
REVIEW = {("003-3", "000-3"), ("000-4", "001-4")}
# the national tasks each (level, confident_only) follows through CHAINS: read from the chains above
CHAINS_FOLLOWED = {("institution", True): {"001-1"}, ("institution", False): {"001-1", "001-3"},
                   ("municipal", True): {"001-1", "001-2", "001-5"},
                   ("municipal", False): {"001-1", "001-2", "001-3", "001-5"},
                   ("provincial", True): {"001-1", "001-2", "001-3", "001-5"},
                   ("provincial", False): {"001-1", "001-2", "001-3", "001-4", "001-5"}}
# 江西省's provincial items follow only 001-2 (002-2, directly): a chain from another province's item does not
# count for it, whatever its length
JIANGXI_FOLLOWED = {"001-2"}


def write_chains(store, graph, ref) -> None:
    """CHAINS as the only links of ``store``, written as a completed link run."""
    from policykg.graph.model import Edge, PolicyGraph

    edges = [Edge(ref[a], "IMPLEMENTS", ref[b], {"review": (a, b) in REVIEW, "score": 0.9,
                                                   "method": "test"})
             for chain in CHAINS for a, b in zip(chain, chain[1:])]
    ends = {graph.nodes[end] for e in edges for end in (e.source, e.target)}
    store.add_links(PolicyGraph.from_parts(ends, edges), replace=True, state={"complete": True})


def assert_chains_followed(store, queries, ref) -> None:
    """Chains of three links count, of four do not, and a link awaiting review counts only without
    confident_only: without a jurisdiction and with one."""
    national = {r[0] for r in runner.run(queries.get("implementation-gaps"), store, {"level": "county"}).rows}
    assert len(national) == 56 and {ref[f"001-{n}"] for n in range(1, 6)} <= national
    for (level, confident_only), refs in CHAINS_FOLLOWED.items():
        for jurisdiction in (None, "省" if level == "provincial" else "江阴" if level == "municipal" else "辽宁"):
            rows = runner.run(queries.get("implementation-gaps"), store, {
                "level": level, "confident_only": confident_only, "jurisdiction": jurisdiction}).rows
            assert {r[0] for r in rows} == national - {ref[r] for r in refs}, (level, confident_only, jurisdiction)
    for confident_only in (True, False):
        rows = runner.run(queries.get("implementation-gaps"), store, {
            "level": "provincial", "confident_only": confident_only, "jurisdiction": "江西"}).rows
        assert {r[0] for r in rows} == national - {ref[r] for r in JIANGXI_FOLLOWED}, confident_only


def test_implementation_gaps_follow_chains_of_three_links_and_no_more(store_path, queries, graph, ref, tmp_path):
    """On Oxigraph: from the values kept with the link run (no jurisdiction) and from the walk (a jurisdiction)."""
    import shutil

    path = tmp_path / "kg"
    shutil.copytree(store_path, path)
    with OxigraphStore(str(path)) as store:
        write_chains(store, graph, ref)
        assert_chains_followed(store, queries, ref)


@pytest.mark.neo4j
def test_implementation_gaps_follow_chains_of_three_links_and_no_more_on_neo4j(neo4j_store, queries, graph, ref):
    for doc in graph.documents():
        neo4j_store.replace_document(doc, "sha-" + doc, graph.document_subgraph(doc))
    write_chains(neo4j_store, graph, ref)
    assert_chains_followed(neo4j_store, queries, ref)


def gap_rows(queries, store) -> dict[str, list]:
    return {level: runner.run(queries.get("implementation-gaps"), store, {"level": level}).rows
            for level in ("provincial", "municipal", "institution")}


def test_a_store_linked_before_the_link_counts_gets_them_when_opened_for_writing(store_path, queries, tmp_path):
    """A store linked by an older policykg has neither the target changes nor the followed levels (nor their
    marks): read-only opening refuses it, a writer adds both, and both queries then give the rows of before."""
    import shutil

    from policykg.graph.stores import rdf_snapshots
    from policykg.graph.stores.rdf_store import StoreError

    path = tmp_path / "kg"
    shutil.copytree(store_path, path)
    with OxigraphStore(str(path), read_only=True) as reader:
        before, gaps_before = target_change_rows(queries, reader, {}), gap_rows(queries, reader)
    with OxigraphStore(str(path)) as store:      # as an older policykg left it: no values, no marks
        store._store.update(" ; ".join(
            f"DELETE WHERE {{ ?t <{kept.predicate.value}> ?k }} ; DELETE WHERE {{ ?s <{kept.kept.predicate.value}> ?o }}"
            for kept in (store.target_changes, store.followed_levels)))
    shutil.rmtree(path / rdf_snapshots.FOLDER)
    with pytest.raises(StoreError, match="older policykg"):
        OxigraphStore(str(path), read_only=True)
    OxigraphStore(str(path)).close()
    with OxigraphStore(str(path), read_only=True) as reader:
        assert target_change_rows(queries, reader, {}) == before != []
        assert gap_rows(queries, reader) == gaps_before
        # measured on the examples (GAPS_MEASURED): the gaps come from the rebuilt values, not from none at all
        assert [len(rows) for rows in gaps_before.values()] == [22, 35, 33]


def test_linking_streams_the_store_a_few_documents_at_a_time(graph, links, tmp_path, monkeypatch):
    """link_store reads the store in batches of documents (here two), never load_graph, and gives the links
    of linking the whole graph in memory, whatever order the documents were ingested in."""
    def refuse(self):
        raise AssertionError("link_store must not read the whole store")

    monkeypatch.setattr(OxigraphStore, "load_graph", refuse)
    expected = sorted((e.key, json.dumps(e.props, sort_keys=True)) for e in links)
    for order in (sorted(graph.documents()), sorted(graph.documents(), reverse=True)):
        path = tmp_path / f"store-{order[0]}"
        with OxigraphStore(str(path)) as store:
            for doc in order:
                store.replace_document(doc, "sha-" + doc, graph.document_subgraph(doc))
            edges = cascade.link_store(store, batch=2)
            assert sorted((e.key, json.dumps(e.props, sort_keys=True)) for e in edges) == expected
            assert store.counts()["IMPLEMENTS"] == len(links)
            assert cascade.link_status(store).current


def test_link_store_reports_its_progress_a_batch_of_documents_at_a_time(graph, tmp_path):
    """on_progress: the first pass over every stored document, then the lower documents (all but the national
    list) linked, each phase from 0 to its total, a batch (here two documents) at a time."""
    calls = []
    with OxigraphStore(str(tmp_path / "kg")) as store:
        for doc in sorted(graph.documents()):
            store.replace_document(doc, "sha-" + doc, graph.document_subgraph(doc))
        cascade.link_store(store, batch=2, on_progress=lambda *call: calls.append(call))
    documents = len(graph.documents())
    lower = sum(1 for d in graph.nodes_by_label("Document") if d.props["level"] != "national")
    assert documents == 5 and lower == 4
    assert [c for c in calls if c[0] == "reading"] == [("reading", n, documents) for n in (0, 2, 4, 5)]
    linking = [done for phase, done, total in calls if phase == "linking" and total == lower]
    assert len(linking) == sum(1 for c in calls if c[0] == "linking")
    assert linking[0] == 0 and linking[-1] == lower
    assert all(0 <= b - a <= 2 for a, b in zip(linking, linking[1:]))
    assert calls.index(("reading", documents, documents)) < calls.index(("linking", 0, lower))


def test_a_link_run_stopped_between_batches_leaves_the_links_pending(graph, tmp_path, monkeypatch):
    """Links are written a batch at a time; the state written with the first batch says the run is incomplete,
    so a run that dies before the last batch is reported pending (and `policykg link` finishes it)."""
    with OxigraphStore(str(tmp_path / "kg")) as store:
        for doc in sorted(graph.documents()):
            store.replace_document(doc, "sha-" + doc, graph.document_subgraph(doc))
        cascade.link_store(store)
        assert cascade.link_status(store, count_links=True).current
        writes = []
        real = OxigraphStore.add_links

        def dies_on_the_second_write(self, *args, **kwargs):
            writes.append(1)
            if len(writes) == 2:
                raise RuntimeError("killed")
            return real(self, *args, **kwargs)

        monkeypatch.setattr(OxigraphStore, "add_links", dies_on_the_second_write)
        with pytest.raises(RuntimeError):
            cascade.link_store(store, batch=2)
        status = cascade.link_status(store)
        assert not status.current and "stopped before" in status.message
        monkeypatch.setattr(OxigraphStore, "add_links", real)
        result = cascade.link_store(store, batch=2, keep=False)
        assert result == [] and cascade.summary(result)["links"] == store.counts()["IMPLEMENTS"]
        assert cascade.link_status(store, count_links=True).current


def test_matched_target_pairs_are_stored_as_edges_and_leave_with_a_replaced_document(graph, links, tmp_path):
    """Each link's matched target pairs (its evidence names both targets) are stored as RESTATES_TARGET edges,
    lower target -> higher, between targets of the link's two tasks; replacing a document drops the pairs into
    or out of its targets, as it drops its links."""
    owner = {e.target: e.source for e in graph.edges.values() if e.type == "HAS_TARGET"}
    expected = {(p["lower_id"], p["higher_id"], e.source, e.target)
                for e in links for p in json.loads(e.props["evidence"])["matching_targets"] if "lower_id" in p}
    assert len(expected) > 10
    assert all(owner[lt] == low and owner[ht] == high for lt, ht, low, high in expected)
    with OxigraphStore(str(tmp_path / "kg")) as store:
        for doc in sorted(graph.documents()):
            store.replace_document(doc, "sha-" + doc, graph.document_subgraph(doc))
        cascade.link_store(store)
        stored = {e.key for e in store.load_graph().edges.values() if e.type == "RESTATES_TARGET"}
        assert stored == {(lt, "RESTATES_TARGET", ht) for lt, ht, _, _ in expected}
        store.replace_document(NATIONAL, "sha-changed", graph.document_subgraph(NATIONAL))
        left = {e.key for e in store.load_graph().edges.values() if e.type == "RESTATES_TARGET"}
    national = {t for t, task in owner.items() if task.startswith(f"task/{NATIONAL}/")}
    assert left == {k for k in stored if k[0] not in national and k[2] not in national} != stored
